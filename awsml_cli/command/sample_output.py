"""``--generate-cli-skeleton output``: a realistic, deterministic sample response.

aws v1 cannot do this for DescribeTrainingJob: it fills every string with the
member's own name and every number with 0, and then its own validation
rejects that response (``RoleArn`` is shorter than 20 characters, and so on).
awsml instead describes one plausible training job, an XGBoost churn model
trained on managed spot instances, with every member of the output shape
present and every value within the model's constraints: lengths, ranges,
enums and (where the pattern is a plain regular expression) patterns; ARNs
that point at the same account and region, S3 URIs in one bucket, and epoch
timestamps in the order the job went through them.

The sample is written in wire form (what the service sends) and parsed with
the session's own response parser, so it reaches the formatter exactly as a
real response would: members in model order, timestamps as
``cli_timestamp_format`` says, ``--query`` and ``--output`` as usual.

Members added to the model after this table was written still appear, with
values derived from their shape (see :func:`placeholder`); the unit tests
notice them so the table can be extended.
"""

from __future__ import annotations

import json
import re

ACCOUNT = "123456789012"
REGION = "us-east-1"
PARTITION = "aws"
BUCKET = "amzn-s3-demo-bucket"
PROJECT = "churn-prediction"
DEFAULT_JOB_NAME = "xgboost-churn-2024-06-01-08-00-00"

# 2024-06-01T08:00:00Z, when the sample job was created.
CREATED = 1717228800.412


def _arn(service: str, resource: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{account}:{resource}"


def _sagemaker_arn(resource: str) -> str:
    return _arn("sagemaker", resource)


def _s3(*parts: str) -> str:
    return "s3://" + "/".join([BUCKET, PROJECT, *parts])


KMS_KEY = _arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab")
XGBOOST_IMAGE = f"683313688378.dkr.ecr.{REGION}.amazonaws.com/sagemaker-xgboost:1.7-1"
DEBUGGER_RULES_IMAGE = f"503895931360.dkr.ecr.{REGION}.amazonaws.com/sagemaker-debugger-rules:latest"

# The job's life, in order: created, instances ready, data downloaded, trained, uploaded.
TRAINING_STARTED = 1717228963.882
DOWNLOADED = 1717229052.201
TRAINED = 1717231318.674
TRAINING_ENDED = 1717231379.53
DEBUG_RULE_DONE = 1717231402.118
PROFILER_RULE_DONE = 1717231405.993
LAST_MODIFIED = 1717231410.275


def _job_response(job_name: str) -> dict:
    """The wire-form response for a job called ``job_name`` (ARNs use it lower-cased, as SageMaker does)."""
    arn_name = job_name.lower()
    return {
        "TrainingJobName": job_name,
        "TrainingJobArn": _sagemaker_arn(f"training-job/{arn_name}"),
        "TuningJobArn": _sagemaker_arn("hyper-parameter-tuning-job/xgboost-churn-hpo"),
        "LabelingJobArn": _sagemaker_arn("labeling-job/churn-labels"),
        "AutoMLJobArn": _sagemaker_arn("automl-job/churn-automl"),
        "ModelArtifacts": {"S3ModelArtifacts": _s3("output", job_name, "output", "model.tar.gz")},
        "TrainingJobStatus": "Completed",
        "SecondaryStatus": "Completed",
        # Only sent for failed jobs; present here so scripts can be written against it.
        "FailureReason": "AlgorithmError: framework error: training data contains NaN values in column 'tenure'",
        "HyperParameters": {
            "objective": "binary:logistic",
            "num_round": "100",
            "max_depth": "5",
            "eta": "0.2",
            "eval_metric": "auc",
        },
        "AlgorithmSpecification": {
            "TrainingImage": XGBOOST_IMAGE,
            "AlgorithmName": "churn-xgboost",
            "TrainingInputMode": "File",
            "MetricDefinitions": [
                {"Name": "validation:auc", "Regex": r"validation-auc:([0-9\.]+)"},
                {"Name": "train:auc", "Regex": r"train-auc:([0-9\.]+)"},
            ],
            "EnableSageMakerMetricsTimeSeries": True,
            "ContainerEntrypoint": ["python3", "/opt/ml/code/train.py"],
            "ContainerArguments": ["--num-round", "100"],
            "TrainingImageConfig": {
                "TrainingRepositoryAccessMode": "Vpc",
                "TrainingRepositoryAuthConfig": {
                    "TrainingRepositoryCredentialsProviderArn": _arn("lambda", "function:ecr-credentials-provider"),
                },
            },
        },
        "RoleArn": f"arn:{PARTITION}:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-20240601T080000",
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": _s3("data", "train/"),
                        "S3DataDistributionType": "FullyReplicated",
                        "AttributeNames": ["source-ref", "churned"],
                        "InstanceGroupNames": ["training-group"],
                        "ModelAccessConfig": {"AcceptEula": False},
                        "HubAccessConfig": {
                            "HubContentArn": _sagemaker_arn("hub-content/churn-hub/DataSet/churn-dataset/1.0.0"),
                        },
                    },
                    "FileSystemDataSource": {
                        "FileSystemId": "fs-0123456789abcdef0",
                        "FileSystemAccessMode": "ro",
                        "FileSystemType": "FSxLustre",
                        "DirectoryPath": "/fsx/churn-prediction/train",
                    },
                    "DatasetSource": {
                        "DatasetArn": _sagemaker_arn("hub-content/churn-hub/DataSet/churn-dataset/1.0.0"),
                    },
                },
                "ContentType": "text/csv",
                "CompressionType": "None",
                "RecordWrapperType": "None",
                "InputMode": "File",
                "ShuffleConfig": {"Seed": 42},
            },
            {
                "ChannelName": "validation",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": _s3("data", "validation/"),
                        "S3DataDistributionType": "FullyReplicated",
                    },
                },
                "ContentType": "text/csv",
                "CompressionType": "None",
                "RecordWrapperType": "None",
            },
        ],
        "OutputDataConfig": {
            "KmsKeyId": KMS_KEY,
            "S3OutputPath": _s3("output"),
            "CompressionType": "GZIP",
        },
        "ResourceConfig": {
            "InstanceType": "ml.m5.xlarge",
            "InstanceCount": 1,
            "VolumeSizeInGB": 30,
            "VolumeKmsKeyId": KMS_KEY,
            "KeepAlivePeriodInSeconds": 1800,
            "InstanceGroups": [
                {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "InstanceGroupName": "training-group"},
            ],
            "TrainingPlanArn": _sagemaker_arn("training-plan/churn-training-plan"),
            "InstancePlacementConfig": {
                "EnableMultipleJobs": False,
                "PlacementSpecifications": [{"UltraServerId": "ultraserver-0123456789abcdef0", "InstanceCount": 1}],
            },
            "InstancePreferences": [
                {
                    "InstanceType": "ml.m5.xlarge",
                    "InstanceCount": 1,
                    "TrainingPlanArns": [_sagemaker_arn("training-plan/churn-training-plan")],
                },
            ],
            "SelectedInstanceType": "ml.m5.xlarge",
            "SelectedInstanceCount": 1,
        },
        "WarmPoolStatus": {
            "Status": "Available",
            "ResourceRetainedBillableTimeInSeconds": 600,
            "ReusedByJob": "xgboost-churn-2024-06-01-09-00-00",
        },
        "VpcConfig": {
            "SecurityGroupIds": ["sg-0123456789abcdef0"],
            "Subnets": ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
        },
        "StoppingCondition": {
            "MaxRuntimeInSeconds": 86400,
            "MaxWaitTimeInSeconds": 172800,
            "MaxPendingTimeInSeconds": 7200,
        },
        "CreationTime": CREATED,
        "TrainingStartTime": TRAINING_STARTED,
        "TrainingEndTime": TRAINING_ENDED,
        "LastModifiedTime": LAST_MODIFIED,
        "SecondaryStatusTransitions": [
            {"Status": "Starting", "StartTime": CREATED, "EndTime": TRAINING_STARTED, "StatusMessage": "Preparing the instances for training"},
            {"Status": "Downloading", "StartTime": TRAINING_STARTED, "EndTime": DOWNLOADED, "StatusMessage": "Downloading input data"},
            {"Status": "Training", "StartTime": DOWNLOADED, "EndTime": TRAINED, "StatusMessage": "Training image download completed. Training in progress."},
            {"Status": "Uploading", "StartTime": TRAINED, "EndTime": TRAINING_ENDED, "StatusMessage": "Uploading generated training model"},
            {"Status": "Completed", "StartTime": TRAINING_ENDED, "EndTime": TRAINING_ENDED, "StatusMessage": "Training job completed"},
        ],
        "FinalMetricDataList": [
            {"MetricName": "validation:auc", "Value": 0.9134, "Timestamp": TRAINED},
            {"MetricName": "train:auc", "Value": 0.9482, "Timestamp": TRAINED},
        ],
        "EnableNetworkIsolation": False,
        "EnableInterContainerTrafficEncryption": False,
        "EnableManagedSpotTraining": True,
        "CheckpointConfig": {"S3Uri": _s3("checkpoints", job_name), "LocalPath": "/opt/ml/checkpoints"},
        # round(TRAINING_ENDED - TRAINING_STARTED); spot capacity billed at a fraction.
        "TrainingTimeInSeconds": 2416,
        "BillableTimeInSeconds": 725,
        "BillableTokenCount": 0,
        "DebugHookConfig": {
            "LocalPath": "/opt/ml/output/tensors",
            "S3OutputPath": _s3("debug-output"),
            "HookParameters": {"save_interval": "100"},
            "CollectionConfigurations": [
                {"CollectionName": "metrics", "CollectionParameters": {"save_interval": "10"}},
            ],
        },
        "ExperimentConfig": {
            "ExperimentName": "churn-prediction",
            "TrialName": "churn-xgboost-trial",
            "TrialComponentDisplayName": "xgboost-training",
            "RunName": "xgboost-run-2024-06-01",
        },
        "DebugRuleConfigurations": [
            {
                "RuleConfigurationName": "LossNotDecreasing",
                "LocalPath": "/opt/ml/processing/output/rule",
                "S3OutputPath": _s3("rules-output"),
                "RuleEvaluatorImage": DEBUGGER_RULES_IMAGE,
                "InstanceType": "ml.t3.medium",
                "VolumeSizeInGB": 30,
                "RuleParameters": {"rule_to_invoke": "LossNotDecreasing"},
            },
        ],
        "TensorBoardOutputConfig": {"LocalPath": "/opt/ml/output/tensorboard", "S3OutputPath": _s3("tensorboard")},
        "DebugRuleEvaluationStatuses": [
            {
                "RuleConfigurationName": "LossNotDecreasing",
                "RuleEvaluationJobArn": _sagemaker_arn("processing-job/xgboost-churn-lossnotdecreasing-1a2b3c4d"),
                "RuleEvaluationStatus": "NoIssuesFound",
                "StatusDetails": "No issues found: the loss decreased over the training run.",
                "LastModifiedTime": DEBUG_RULE_DONE,
            },
        ],
        "ProfilerConfig": {
            "S3OutputPath": _s3("profiler-output"),
            "ProfilingIntervalInMilliseconds": 500,
            "ProfilingParameters": {"DataloaderProfilingConfig": '{"StartStep": 5, "NumSteps": 3}'},
            "DisableProfiler": False,
        },
        "ProfilerRuleConfigurations": [
            {
                "RuleConfigurationName": "ProfilerReport",
                "LocalPath": "/opt/ml/processing/output/rule",
                "S3OutputPath": _s3("rules-output"),
                "RuleEvaluatorImage": DEBUGGER_RULES_IMAGE,
                "InstanceType": "ml.t3.medium",
                "VolumeSizeInGB": 30,
                "RuleParameters": {"rule_to_invoke": "ProfilerReport"},
            },
        ],
        "ProfilerRuleEvaluationStatuses": [
            {
                "RuleConfigurationName": "ProfilerReport",
                "RuleEvaluationJobArn": _sagemaker_arn("processing-job/xgboost-churn-profilerreport-5e6f7a8b"),
                "RuleEvaluationStatus": "NoIssuesFound",
                "StatusDetails": "Profiler report written to the rules output path.",
                "LastModifiedTime": PROFILER_RULE_DONE,
            },
        ],
        "ProfilingStatus": "Enabled",
        "Environment": {"LOG_LEVEL": "INFO", "OMP_NUM_THREADS": "4"},
        "RetryStrategy": {"MaximumRetryAttempts": 2},
        "RemoteDebugConfig": {"EnableRemoteDebug": False},
        "InfraCheckConfig": {"EnableInfraCheck": False},
        "ServerlessJobConfig": {
            "BaseModelArn": _arn("sagemaker", "hub-content/SageMakerPublicHub/Model/meta-textgeneration-llama-3-8b/2.0.0", account="aws"),
            "AcceptEula": True,
            "JobType": "FineTuning",
            "CustomizationTechnique": "SFT",
            "Peft": "LORA",
            "EvaluationType": "BenchmarkEvaluation",
            "EvaluatorArn": _arn("lambda", "function:churn-reward-evaluator"),
            "SequenceLength": "8K",
        },
        "MlflowConfig": {
            "MlflowResourceArn": _sagemaker_arn("mlflow-tracking-server/churn-tracking"),
            "MlflowExperimentName": "churn-prediction",
            "MlflowRunName": "xgboost-run-2024-06-01",
        },
        "ModelPackageConfig": {
            "ModelPackageGroupArn": _sagemaker_arn("model-package-group/churn-models"),
            "SourceModelPackageArn": _sagemaker_arn("model-package/churn-models/1"),
        },
        "MlflowDetails": {"MlflowExperimentId": "1", "MlflowRunId": "3f2b7c9e1a4d4b6f8e0c2a5d7b9f1e3c"},
        "ProgressInfo": {"TotalStepCountPerEpoch": 500, "CurrentStep": 5000, "CurrentEpoch": 10, "MaxEpoch": 10},
        "OutputModelPackageArn": _sagemaker_arn("model-package/churn-models/2"),
    }


def job_name_for(requested, name_shape) -> str:
    """The name the sample describes: the one asked for, when the model would accept it."""
    if isinstance(requested, str) and satisfies_string_constraints(requested, name_shape):
        return requested
    return DEFAULT_JOB_NAME


def wire_response(output_shape, job_name: str = DEFAULT_JOB_NAME) -> dict:
    """The sample in wire form, shaped by ``output_shape``.

    Every member of the shape is present at least once: in the response and in
    the first element of each list.  Further list elements (the second input
    channel, later status transitions) carry only what a real one would.
    """
    return _fill(output_shape, _job_response(job_name), name="", stack=(), complete=True)


def _fill(shape, curated, name: str, stack: tuple, complete: bool):
    """``curated`` shaped by ``shape``; where it has no value and ``complete`` is set, a placeholder."""
    kind = shape.type_name
    if kind == "structure":
        if shape.name in stack:
            # A recursive shape: stop here, as a real response would.
            return {}
        stack = (*stack, shape.name)
        source = curated if isinstance(curated, dict) else {}
        return {
            member: _fill(member_shape, source.get(member), member, stack, complete)
            for member, member_shape in shape.members.items()
            if complete or member in source
        }
    if kind == "list":
        items = curated if isinstance(curated, list) and curated else [None] * max(1, shape.metadata.get("min", 1))
        return [_fill(shape.member, item, name, stack, complete and index == 0) for index, item in enumerate(items)]
    if kind == "map":
        if isinstance(curated, dict) and curated:
            return {key: _fill(shape.value, value, name, stack, complete) for key, value in curated.items()}
        return {placeholder(shape.key, f"{name}Key"): _fill(shape.value, None, f"{name}Value", stack, True)}
    if curated is None:
        return placeholder(shape, name)
    return curated


def placeholder(shape, name: str):
    """A value for a member the table does not know yet, within the shape's constraints."""
    kind = shape.type_name
    metadata = shape.metadata
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return _placeholder_string(shape, name)
    if kind in ("integer", "long"):
        return _clamp(1, metadata)
    if kind in ("float", "double"):
        return float(_clamp(1, metadata))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return CREATED
    if kind == "blob":
        import base64

        return base64.b64encode(b"example").decode("ascii")
    # Document types and anything newer: an empty object is valid JSON for them.
    return {}


def _placeholder_string(shape, name: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name or shape.name).lower()
    candidates = [f"example-{words}", words, _s3(words), "example"]
    # An ARN pattern names its service and resource type: use them.
    arn = re.match(r"arn:aws[^:]*:([a-z0-9-]+):.*?\{12\}:([a-z][a-z-]*)/", shape.metadata.get("pattern", ""))
    if arn:
        candidates.insert(0, _arn(arn.group(1), f"{arn.group(2)}/example-{words}"))
    for candidate in candidates:
        if satisfies_string_constraints(candidate, shape):
            return candidate
    # No candidate fits the pattern: at least respect the lengths.
    minimum = shape.metadata.get("min", 0)
    maximum = shape.metadata.get("max")
    value = candidates[0].ljust(minimum, "0")
    return value if maximum is None else value[:maximum]


def _clamp(value, metadata):
    value = max(value, metadata.get("min", value))
    return min(value, metadata.get("max", value))


def python_pattern(pattern: str) -> str | None:
    """The model's pattern as a Python regular expression, or None if Python cannot read it."""
    # The models use Java's \p{Alnum} inside character classes; Python has no \p.
    translated = pattern.replace(r"\p{Alnum}", "A-Za-z0-9")
    try:
        re.compile(translated)
    except re.error:
        return None
    return translated


def satisfies_string_constraints(value: str, shape) -> bool:
    metadata = shape.metadata
    if len(value) < metadata.get("min", 0):
        return False
    if "max" in metadata and len(value) > metadata["max"]:
        return False
    if shape.enum and value not in shape.enum:
        return False
    pattern = metadata.get("pattern")
    if pattern:
        translated = python_pattern(pattern)
        if translated is not None and re.fullmatch(translated, value) is None:
            return False
    return True


def sample_response(session, model, requested_name=None) -> dict:
    """The parsed sample response, as the client would return it for a real call."""
    output_shape = model.output_shape
    wire = wire_response(output_shape, job_name_for(requested_name, output_shape.members["TrainingJobName"]))
    parser = session.get_component("response_parser_factory").create_parser(model.metadata["protocol"])
    http_response = {"status_code": 200, "headers": {}, "body": json.dumps(wire).encode("utf-8")}
    parsed = parser.parse(http_response, model.output_shape)
    parsed.pop("ResponseMetadata", None)
    return parsed
