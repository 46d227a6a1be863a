"""The demo: awsml against moto's SageMaker emulator, embedded, on 127.0.0.1.

``python -m awsml_cli.demo`` starts the emulator on a free loopback port,
creates a few training jobs in it, and runs the real ``awsml`` command against
it the way a script would: JSON, text, table, ``--query``, an error and its exit
code; then awsml's own additions (summary, YAML, ``--wait``, a sample response).  Nothing leaves the machine: fake credentials, instance metadata off, an
empty config, and ``--endpoint-url`` on 127.0.0.1.

The same emulator and jobs serve the end-to-end tests (``running_emulator``).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from contextlib import contextmanager

DEMO_JOB = {
    "TrainingJobName": "demo-job",
    "AlgorithmSpecification": {
        "TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:latest",
        "TrainingInputMode": "File",
        "MetricDefinitions": [{"Name": "test:dcg", "Regex": "#quality_metric: host=\\S+, test dcg <score>=(\\S+)"}],
    },
    "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
    "OutputDataConfig": {"S3OutputPath": "s3://bucket/output"},
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    "HyperParameters": {"epochs": "10", "lr": "0.01"},
    "InputDataConfig": [
        {
            "ChannelName": "train",
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": "s3://bucket/train",
                    "S3DataDistributionType": "FullyReplicated",
                }
            },
        }
    ],
}


def _variant(name: str, **changes) -> dict:
    return {**DEMO_JOB, "TrainingJobName": name, **changes}


SEEDED_JOBS = [
    DEMO_JOB,
    _variant(
        "gpu-job-2",
        ResourceConfig={"InstanceType": "ml.p3.2xlarge", "InstanceCount": 4, "VolumeSizeInGB": 100},
        HyperParameters={f"param{i:02d}": str(i / 7) for i in range(30)},
        VpcConfig={"SecurityGroupIds": ["sg-0123", "sg-4567"], "Subnets": ["subnet-aaaa"]},
        EnableManagedSpotTraining=True,
        StoppingCondition={"MaxRuntimeInSeconds": 86400, "MaxWaitTimeInSeconds": 172800},
    ),
    _variant("unicode-job", HyperParameters={"note": "café 日本 😀", "tab": "a\tb", "nl": "x\ny"}),
    _variant("empty-hp-job", HyperParameters={}, Environment={}),
]

# Credentials that can only ever mean "the local emulator".
LOCAL_CREDENTIALS = {"aws_access_key_id": "demo", "aws_secret_access_key": "demo"}


def seed(endpoint_url: str, jobs=SEEDED_JOBS) -> None:
    import botocore.session

    client = botocore.session.Session().create_client(
        "sagemaker", endpoint_url=endpoint_url, region_name="us-east-1", **LOCAL_CREDENTIALS
    )
    for job in jobs:
        client.create_training_job(**job)


@contextmanager
def running_emulator(jobs=SEEDED_JOBS):
    """moto's SageMaker emulator on a free 127.0.0.1 port, seeded; yields its URL."""
    # Nothing in this process may go looking for real credentials or metadata.
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:  # pragma: no cover - a clear message instead of a traceback
        sys.exit("The demo needs moto: pip install -e '.[demo]'")

    import logging

    # werkzeug logs every request on stderr; the demo's output is awsml's.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    url = f"http://127.0.0.1:{port}"
    try:
        seed(url, jobs)
        yield url
    finally:
        server.stop()


def demo_environment(home: str) -> dict:
    """A clean environment for the demo's awsml runs: nothing inherited can leak in."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "AWS_CONFIG_FILE": os.path.join(home, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
        "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def _show(args: list[str], env: dict) -> int:
    print(f"$ awsml {shlex.join(args)}", flush=True)
    proc = subprocess.run([sys.executable, "-m", "awsml_cli", *args], env=env)
    print(f"# exit code {proc.returncode}\n", flush=True)
    return proc.returncode


def main() -> int:
    with running_emulator() as url, tempfile.TemporaryDirectory() as home:
        env = demo_environment(home)
        print(f"# moto's SageMaker emulator is listening on {url}\n", flush=True)
        job = ["sagemaker", "describe-training-job", "--endpoint-url", url, "--training-job-name"]
        codes = [
            _show([*job, "demo-job"], env),
            _show([*job, "demo-job", "--output", "text"], env),
            _show([*job, "demo-job", "--output", "table", "--query", "ResourceConfig"], env),
            _show([*job, "gpu-job-2", "--query", "{status: TrainingJobStatus, instances: ResourceConfig.InstanceCount}"], env),
            _show(["--output", "text", *job, "demo-job", "--query", "TrainingJobStatus"], env),
            # awsml's additions: the summary view, aws v2's YAML, waiting with honest exit codes
            # (the emulator's jobs have ended, so this returns at once), and a sample response.
            _show([*job, "gpu-job-2", "--output", "summary"], env),
            _show([*job, "demo-job", "--output", "yaml", "--query", "ResourceConfig"], env),
            _show([*job, "demo-job", "--wait", "--poll-interval", "1", "--query", "TrainingJobStatus", "--output", "text"], env),
            _show([*job[:-1], "--generate-cli-skeleton", "output", "--training-job-name", "sample-job",
                   "--query", "SecondaryStatusTransitions[].[Status, StatusMessage]", "--output", "text"], env),
        ]
        # A job that does not exist: the same message and exit code (255) as aws.
        missing = _show([*job, "no-such-job"], env)
    ok = all(code == 0 for code in codes) and missing == 255
    print("demo finished: all commands behaved as expected" if ok else "demo finished with unexpected exit codes")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
