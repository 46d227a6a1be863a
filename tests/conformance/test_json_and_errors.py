"""Conformance with aws v1: JSON output, --query, global options, settings, every error path.

Each case runs the real ``aws`` and ``awsml`` against the same moto server on
127.0.0.1 with the same environment and files, and requires the same stdout
bytes, exit code and stderr error text.
"""

from __future__ import annotations

import pytest

from tests.conformance.harness import Case, check

pytestmark = pytest.mark.conformance

DTJ = ["sagemaker", "describe-training-job"]
DEMO = [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{url}"]
GPU = [*DTJ, "--training-job-name", "gpu-job-2", "--endpoint-url", "{url}"]
UNICODE = [*DTJ, "--training-job-name", "unicode-job", "--endpoint-url", "{url}"]
EMPTY = [*DTJ, "--training-job-name", "empty-hp-job", "--endpoint-url", "{url}"]

OUTPUT_CASES = [
    Case("default-json", DEMO),
    Case("output-json", [*DEMO, "--output", "json"]),
    Case("gpu-job-json", GPU),
    Case("unicode-json", UNICODE),
    Case("empty-maps-json", EMPTY),
]

QUERY_CASES = [
    Case("q-string", [*DEMO, "--query", "TrainingJobName"]),
    Case("q-number", [*GPU, "--query", "ResourceConfig.InstanceCount"]),
    Case("q-float", [*DEMO, "--query", "FinalMetricDataList[0].Value"]),
    Case("q-timestamp", [*DEMO, "--query", "CreationTime"]),
    Case("q-bool-true", [*GPU, "--query", "EnableManagedSpotTraining"]),
    Case("q-bool-false", [*DEMO, "--query", "EnableNetworkIsolation"]),
    Case("q-null", [*DEMO, "--query", "Nope"]),
    Case("q-list", [*GPU, "--query", "VpcConfig.SecurityGroupIds"]),
    Case("q-object", [*DEMO, "--query", "ResourceConfig"]),
    Case("q-multiselect-hash", [*DEMO, "--query", "{a: TrainingJobName, b: Nope, c: ResourceConfig.InstanceCount}"]),
    Case("q-multiselect-list", [*DEMO, "--query", "[TrainingJobName, TrainingJobStatus, Nope]"]),
    Case("q-filter", [*DEMO, "--query", "SecondaryStatusTransitions[?Status=='Starting'].StatusMessage"]),
    Case("q-filter-empty", [*DEMO, "--query", "SecondaryStatusTransitions[?Status=='Nope']"]),
    Case("q-empty-object-literal", [*DEMO, "--query", "`{}`"]),
    Case("q-empty-list-literal", [*DEMO, "--query", "`[]`"]),
    Case("q-list-of-empties", [*DEMO, "--query", "[`[]`, `{}`]"]),
    Case("q-empty-map-member", [*EMPTY, "--query", "HyperParameters"]),
    Case("q-raw-empty-string", [*DEMO, "--query", "''"]),
    Case("q-response-metadata", [*DEMO, "--query", "ResponseMetadata"]),
    Case("q-map-order", [*GPU, "--query", "HyperParameters"]),
    Case("q-keys", [*GPU, "--query", "keys(HyperParameters)"]),
    Case("q-length", [*GPU, "--query", "length(HyperParameters)"]),
    Case("q-unicode", [*UNICODE, "--query", "HyperParameters"]),
    Case("q-projection", [*DEMO, "--query", "InputDataConfig[].DataSource.S3DataSource.S3Uri"]),
    Case("q-pipe-sort", [*GPU, "--query", "sort(keys(HyperParameters)) | [:3]"]),
]

POSITION_CASES = [
    Case("globals-before", ["--output", "json", "--endpoint-url", "{url}", *DTJ, "--training-job-name", "demo-job"]),
    Case("globals-between", ["sagemaker", "--query", "TrainingJobArn", "describe-training-job", "--training-job-name", "demo-job", "--endpoint-url", "{url}"]),
    Case("globals-after", [*DEMO, "--query", "TrainingJobStatus", "--region", "us-east-1"]),
    Case("globals-equals-form", [*DTJ, "--training-job-name=demo-job", "--endpoint-url={url}", "--query=RoleArn"]),
    Case("globals-repeated-last-wins", [*DEMO, "--query", "RoleArn", "--query", "TrainingJobName"]),
    Case("prefix-abbreviations", [*DTJ, "--train", "demo-job", "--endp", "{url}", "--qu", "ResourceConfig", "--out", "json"]),
    Case("prefix-debug-flag-stdout", ["--no-pag", *DEMO, "--query", "TrainingJobName"]),
    Case("no-paginate", [*DEMO, "--no-paginate"]),
    Case("color-off-json", [*DEMO, "--color", "off"]),
    Case("color-on-json-no-ansi", [*DEMO, "--color", "on"]),
    Case("name-equals-dash", [*DTJ, "--training-job-name=-x", "--endpoint-url", "{url}"]),
    Case("name-very-long", [*DTJ, "--training-job-name", "x" * 100, "--endpoint-url", "{url}"]),
    Case("no-sign-request", [*DEMO, "--no-sign-request"], env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}),
    Case("region-flag-overrides-env", [*DEMO, "--region", "eu-west-1", "--query", "TrainingJobArn"]),
    Case("region-empty-flag-ignored", [*DEMO, "--region", "", "--query", "TrainingJobName"]),
    Case("region-unusual-name", [*DEMO, "--region", "xx-nowhere-9", "--query", "TrainingJobName"]),
    Case("timeouts-valid", [*DEMO, "--cli-read-timeout", "5", "--cli-connect-timeout", "0", "--query", "TrainingJobName"]),
]

SETTINGS_CASES = [
    Case("env-default-output-json", DEMO, env={"AWS_DEFAULT_OUTPUT": "json"}),
    Case("config-output-json", DEMO, config="[default]\noutput = json\n"),
    Case("env-region-from-config", DEMO, env={"AWS_DEFAULT_REGION": None}, config="[default]\nregion = us-west-2\n"),
    Case("aws-region-ignored", DEMO, env={"AWS_DEFAULT_REGION": None, "AWS_REGION": "us-east-1"}),
    Case(
        "aws-region-ignored-config-wins",
        DEMO,
        env={"AWS_DEFAULT_REGION": None, "AWS_REGION": "bogus region!"},
        config="[default]\nregion = us-west-2\n",
    ),
    Case(
        "profile-flag-region",
        [*DEMO, "--profile", "p1"],
        env={"AWS_DEFAULT_REGION": None},
        config="[profile p1]\nregion = eu-central-1\n",
    ),
    Case(
        "aws-profile-env",
        DEMO,
        env={"AWS_DEFAULT_REGION": None, "AWS_PROFILE": "p1"},
        config="[profile p1]\nregion = eu-central-1\n",
    ),
    Case(
        "default-profile-beats-profile",
        DEMO,
        env={"AWS_DEFAULT_REGION": None, "AWS_PROFILE": "nosuch", "AWS_DEFAULT_PROFILE": "p1"},
        config="[profile p1]\nregion = eu-central-1\n",
    ),
    Case(
        "profile-credentials-file",
        [*DEMO, "--profile", "p2"],
        env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None},
        credentials="[p2]\naws_access_key_id = AKIDP2\naws_secret_access_key = secretp2\n",
    ),
    Case("endpoint-env-service", [*DTJ, "--training-job-name", "demo-job"], env={"AWS_ENDPOINT_URL_SAGEMAKER": "{url}"}),
    Case("endpoint-env-global", [*DTJ, "--training-job-name", "demo-job"], env={"AWS_ENDPOINT_URL": "{url}"}),
    Case(
        "endpoint-env-service-beats-global",
        [*DTJ, "--training-job-name", "demo-job"],
        env={"AWS_ENDPOINT_URL_SAGEMAKER": "{url}", "AWS_ENDPOINT_URL": "http://127.0.0.1:9/"},
    ),
    Case(
        "endpoint-flag-beats-env",
        DEMO,
        env={"AWS_ENDPOINT_URL_SAGEMAKER": "http://127.0.0.1:9/"},
    ),
    Case("endpoint-config-profile", [*DTJ, "--training-job-name", "demo-job"], config="[default]\nendpoint_url = {url}\n"),
    Case(
        "endpoint-config-services-section",
        [*DTJ, "--training-job-name", "demo-job"],
        config="[default]\nservices = local\n\n[services local]\nsagemaker =\n  endpoint_url = {url}\n",
    ),
    Case("timestamp-format-wire", [*DEMO, "--query", "CreationTime"], config="[default]\ncli_timestamp_format = wire\n"),
    Case("timestamp-format-none", [*DEMO, "--query", "CreationTime"], config="[default]\ncli_timestamp_format = none\n"),
    Case("timestamp-format-iso8601", DEMO, config="[default]\ncli_timestamp_format = iso8601\n"),
    Case(
        "timestamp-format-iso8601-new-york",
        [*DEMO, "--query", "[CreationTime, SecondaryStatusTransitions[0].StartTime]"],
        env={"TZ": "America/New_York"},
        config="[default]\ncli_timestamp_format = iso8601\n",
    ),
    Case(
        "timestamp-format-iso8601-kolkata",
        [*DEMO, "--query", "TrainingStartTime"],
        env={"TZ": "Asia/Kolkata"},
        config="[default]\ncli_timestamp_format = iso8601\n",
    ),
    Case(
        "retry-settings-valid",
        [*DEMO, "--query", "TrainingJobName"],
        env={"AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "standard"},
    ),
    Case("execution-env-ignored-in-output", [*DEMO, "--query", "TrainingJobName"], env={"AWS_EXECUTION_ENV": "ci"}),
]

# The --output choice errors list awsml's extra "summary" choice: see
# tests/conformance/test_wait_and_summary.py for those documented differences.
USAGE_ERROR_CASES = [
    Case("bare", []),
    Case("service-only", ["sagemaker"]),
    Case("unknown-operation-typo", ["sagemaker", "describe-training-jb", "--endpoint-url", "{url}"]),
    Case("missing-name", [*DTJ, "--endpoint-url", "{url}"]),
    Case("missing-name-value", [*DTJ, "--endpoint-url", "{url}", "--training-job-name"]),
    Case("name-value-looks-like-option", [*DTJ, "--training-job-name", "-x", "--endpoint-url", "{url}"]),
    Case("bad-color-choice", [*DEMO, "--color", "maybe"]),
    Case("bad-skeleton-choice", [*DTJ, "--generate-cli-skeleton", "bogus"]),
    Case("ambiguous-c", [*DEMO, "--c", "x"]),
    Case("ambiguous-no", [*DEMO, "--no"]),
    Case("ambiguous-cli", [*DEMO, "--cli", "5"]),
    Case("ambiguous-v", ["--v"]),
    Case("missing-query-value", [*DEMO, "--query"]),
    Case("prefixed-cli-input-does-not-relax", [*DTJ, "--cli-input", '{"TrainingJobName":"demo-job"}', "--endpoint-url", "{url}"]),
    Case("equals-cli-input-does-not-relax", [*DTJ, '--cli-input-json={"TrainingJobName":"demo-job"}', "--endpoint-url", "{url}"]),
    Case("skeleton-output-needs-name", [*DTJ, "--generate-cli-skeleton", "output"]),
    Case("dash-help-is-not-help", [*DTJ, "--help"]),
]

UNKNOWN_OPTION_CASES = [
    Case("unknown-option", [*DEMO, "--bogus"]),
    Case("unknown-option-with-value", [*DEMO, "--bogus", "1"]),
    Case("unknown-positionals", [*DEMO, "a", "b"]),
    Case("unknown-mixed", [*DTJ, "--training-job-name", "x", "a", "--zz", "1", "b", "--endpoint-url", "{url}"]),
    Case("unknown-equals", [*DEMO, "--zz=1"]),
    Case("unknown-short", [*DEMO, "-z"]),
]

ERROR_CASES = [
    Case("service-error-not-found", [*DTJ, "--training-job-name", "nope", "--endpoint-url", "{url}"]),
    Case("service-error-non-ascii-name", [*DTJ, "--training-job-name", "jöb-日本", "--endpoint-url", "{url}"]),
    Case("no-credentials", DEMO, env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}),
    Case("partial-credentials", DEMO, env={"AWS_SECRET_ACCESS_KEY": None}),
    Case("no-region", DEMO, env={"AWS_DEFAULT_REGION": None}),
    Case("no-region-only-aws-region", DEMO, env={"AWS_DEFAULT_REGION": None, "AWS_REGION": "us-east-1"}),
    Case("no-region-beats-no-credentials", DEMO, env={"AWS_DEFAULT_REGION": None, "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}),
    Case("missing-profile-flag", [*DEMO, "--profile", "nosuch"]),
    Case("missing-profile-env", DEMO, env={"AWS_PROFILE": "nosuch"}),
    Case("missing-profile-skeleton", [*DTJ, "--generate-cli-skeleton", "--profile", "nosuch"]),
    Case("bad-query-incomplete", [*DEMO, "--query", "foo["]),
    Case("bad-query-unexpected-token", [*DEMO, "--query", "foo]"]),
    Case("bad-query-unclosed-literal", [*DEMO, "--query", "a.`"]),
    Case("bad-query-empty", [*DEMO, "--query", ""]),
    Case("bad-query-beats-missing-name", [*DTJ, "--query", "foo["]),
    Case("bad-query-beats-unknown-operation", ["sagemaker", "describe-training-jb", "--query", "foo["]),
    Case("bad-endpoint-no-scheme", [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "127.0.0.1:5131"]),
    Case("bad-endpoint-no-host", [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "http://"]),
    Case("bad-endpoint-ftp", [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "ftp://127.0.0.1:9/"], env={"AWS_MAX_ATTEMPTS": "1"}),
    Case("bad-endpoint-env", [*DTJ, "--training-job-name", "demo-job"], env={"AWS_ENDPOINT_URL_SAGEMAKER": "127.0.0.1:5131"}),
    Case("bad-read-timeout-float", [*DEMO, "--cli-read-timeout", "1.5"]),
    Case("bad-read-timeout-word", [*DEMO, "--cli-read-timeout", "abc"]),
    Case("bad-connect-timeout", [*DEMO, "--cli-connect-timeout", "x"]),
    Case("negative-read-timeout", [*DEMO, "--cli-read-timeout", "-1"]),
    Case("negative-connect-timeout", [*DEMO, "--cli-connect-timeout", "-5"]),
    Case("empty-name", [*DTJ, "--training-job-name", "", "--endpoint-url", "{url}"]),
    Case("bad-region", [*DEMO, "--region", "bad region!"]),
    Case("bad-max-attempts-zero", DEMO, env={"AWS_MAX_ATTEMPTS": "0"}),
    Case("bad-max-attempts-word", DEMO, env={"AWS_MAX_ATTEMPTS": "abc"}),
    Case("bad-retry-mode", DEMO, env={"AWS_RETRY_MODE": "bogus"}),
    Case("bad-timestamp-format", DEMO, config="[default]\ncli_timestamp_format = bogus\n"),
    # (yaml is valid in awsml: see test_output_yaml.py for the --output choice cases.)
    Case("bad-output-env-after-request", DEMO, env={"AWS_DEFAULT_OUTPUT": "xml"}),
    Case("bad-output-config-after-request", DEMO, config="[default]\noutput = xml\n"),
    Case("closed-port-one-attempt", [*DTJ, "--training-job-name", "x", "--endpoint-url", "http://127.0.0.1:9/"], env={"AWS_MAX_ATTEMPTS": "1"}),
    Case("endpoint-path-kept", [*DTJ, "--training-job-name", "x", "--endpoint-url", "http://127.0.0.1:9/some/path?q=1"], env={"AWS_MAX_ATTEMPTS": "1"}),
]

INPUT_CASES = [
    Case("cli-input-json-inline", [*DTJ, "--cli-input-json", '{"TrainingJobName":"demo-job"}', "--endpoint-url", "{url}"]),
    Case("cli-input-json-cli-wins", [*DTJ, "--cli-input-json", '{"TrainingJobName":"nope"}', "--training-job-name", "demo-job", "--endpoint-url", "{url}"]),
    Case("cli-input-json-file", [*DTJ, "--cli-input-json", "file://in.json", "--endpoint-url", "{url}"], files={"in.json": '{"TrainingJobName": "demo-job"}\n'}),
    Case("cli-input-json-bad", [*DTJ, "--cli-input-json", "{bad", "--endpoint-url", "{url}"]),
    Case("cli-input-json-unknown-key", [*DTJ, "--cli-input-json", '{"TrainingJobName":"a","Bogus":1}', "--endpoint-url", "{url}"]),
    Case("cli-input-json-empty-object", [*DTJ, "--cli-input-json", "{}", "--endpoint-url", "{url}"]),
    Case("cli-input-json-list", [*DTJ, "--cli-input-json", "[1]", "--endpoint-url", "{url}"]),
    Case("skeleton-default", [*DTJ, "--generate-cli-skeleton"]),
    Case("skeleton-input-ignores-output", [*DTJ, "--generate-cli-skeleton", "input", "--output", "table", "--query", "x"]),
    Case("skeleton-no-region-no-credentials", [*DTJ, "--generate-cli-skeleton"], env={"AWS_DEFAULT_REGION": None, "AWS_ACCESS_KEY_ID": None}),
    Case("skeleton-bad-input-json-first", [*DTJ, "--generate-cli-skeleton", "--cli-input-json", "{bad"]),
    Case("name-from-file", [*DTJ, "--training-job-name", "file://name.txt", "--endpoint-url", "{url}"], files={"name.txt": "demo-job"}),
    Case("name-from-missing-file", [*DTJ, "--training-job-name", "file://missing.txt", "--endpoint-url", "{url}"]),
]

ALL_CASES = (
    OUTPUT_CASES
    + QUERY_CASES
    + POSITION_CASES
    + SETTINGS_CASES
    + USAGE_ERROR_CASES
    + UNKNOWN_OPTION_CASES
    + ERROR_CASES
    + INPUT_CASES
)


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_same_as_aws(case, moto_url, tmp_path):
    check(case, moto_url, tmp_path)


# aws v1 knows ~420 services and lists them all when the service word is wrong;
# awsml knows one.  The suggestion line (the last line) must still match.
@pytest.mark.parametrize(
    "args",
    [["sagemakr"], ["sagemakr", "--output", "xml"], ["--region", "us-east-1", "sagemakre"]],
    ids=["typo", "typo-before-bad-output", "typo-after-global"],
)
def test_unknown_service_suggestion_matches(args, moto_url, tmp_path):
    from tests.conformance.harness import run_both

    expected, actual = run_both(Case("unknown-service", args), moto_url, tmp_path)
    assert actual.returncode == expected.returncode == 2
    assert actual.stdout == expected.stdout == b""
    assert actual.stderr.splitlines()[-1] == expected.stderr.splitlines()[-1]
    assert b"aws: error: argument command: Invalid choice, valid choices are:" in actual.stderr
