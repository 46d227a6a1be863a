"""Conformance of the commands that run without a botocore session: skeletons, help, --version.

``--generate-cli-skeleton`` and ``help`` read the config files without a
botocore session (awsml_cli.aws.configfiles) and the skeleton comes from the
trimmed model unless a user model could change it; these cases pin what
aws v1 does with profiles, config and credentials files, data paths and a
user's own SageMaker model on those paths.
"""

from __future__ import annotations

import json

import pytest

from awsml_cli.speedups import fastdata
from tests.conformance.harness import Case, check

pytestmark = pytest.mark.conformance

DTJ = ["sagemaker", "describe-training-job"]
SKELETON = [*DTJ, "--generate-cli-skeleton"]
HELP_TOKENS = [*DTJ, "help"]


def user_model_files(prefix: str = "models") -> dict:
    """A user's own SageMaker model under ``prefix``: the trimmed one plus an input
    member, and without TrainingJobArn in the response (which then is not printed)."""
    data = fastdata.FastData(fastdata.derive())
    model = data.service_model()
    operation = model["operations"]["DescribeTrainingJob"]
    model["shapes"][operation["input"]["shape"]]["members"]["ExtraFromUserModel"] = {"shape": "TrainingJobName"}
    del model["shapes"][operation["output"]["shape"]]["members"]["TrainingJobArn"]
    return {f"{prefix}/sagemaker/{data.api_version}/service-2.json": json.dumps(model)}


CASES = [
    # Profiles: --profile, AWS_DEFAULT_PROFILE over AWS_PROFILE, set-but-empty, credentials-only profiles.
    Case("skeleton-profile-in-config", [*SKELETON, "--profile", "p1"], config="[profile p1]\nregion = eu-west-1\n"),
    Case("skeleton-profile-in-credentials", [*SKELETON, "--profile", "p2"], credentials="[p2]\naws_access_key_id = A\n"),
    Case("skeleton-missing-profile-env", SKELETON, env={"AWS_PROFILE": "nosuch"}),
    Case("skeleton-default-profile-env-wins", SKELETON, env={"AWS_DEFAULT_PROFILE": "nosuch", "AWS_PROFILE": "p1"},
         config="[profile p1]\n"),
    Case("skeleton-empty-default-profile-env", SKELETON, env={"AWS_DEFAULT_PROFILE": "", "AWS_PROFILE": "p1"},
         config="[profile p1]\n"),
    Case("skeleton-empty-profile-option", [*SKELETON, "--profile", ""], env={"AWS_PROFILE": "nosuch"}),
    Case("skeleton-default-profile-named", [*SKELETON, "--profile", "default"]),
    Case("skeleton-default-profile-named-exists", [*SKELETON, "--profile", "default"], config="[default]\n"),
    Case("skeleton-config-file-missing", SKELETON, env={"AWS_CONFIG_FILE": "{tmp}/nowhere/config"}),
    Case("skeleton-config-file-empty-name", [*SKELETON, "--profile", "p"], env={"AWS_CONFIG_FILE": ""}),
    Case("skeleton-bad-timestamp-format", SKELETON, config="[default]\ncli_timestamp_format = bogus\n"),
    Case("skeleton-bad-timestamp-format-other-profile", SKELETON,
         config="[default]\n[profile p]\ncli_timestamp_format = bogus\n", env={"AWS_PROFILE": "p"}),
    Case("skeleton-paramfile-first", [*SKELETON, "--training-job-name", "file://{tmp}/nope"]),
    Case("skeleton-cli-input-json-file", [*SKELETON, "--cli-input-json", "file://in.json"],
         files={"in.json": '{"TrainingJobName": "x"}'}),
    # A user's own model wins over botocore's (and so over awsml's trimmed copy).
    Case("skeleton-user-model-data-path", SKELETON, env={"AWS_DATA_PATH": "{tmp}/work/models"},
         files=user_model_files()),
    # aws v1 always sets AWS_DATA_PATH itself, so a profile's data_path never applies.
    Case("skeleton-user-model-data-path-config", SKELETON, config="[default]\ndata_path = {tmp}/work/models\n",
         files=user_model_files()),
    Case("describe-user-model-data-path-config", [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{url}"],
         config="[default]\ndata_path = {tmp}/work/models\n", files=user_model_files()),
    Case("describe-user-model-data-path", [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{url}"],
         env={"AWS_DATA_PATH": "{tmp}/work/models"}, files=user_model_files()),
    Case("skeleton-user-model-second-path", SKELETON,
         env={"AWS_DATA_PATH": "{tmp}/work/empty:{tmp}/work/models"}, files=user_model_files()),
    Case("skeleton-data-path-without-sagemaker", SKELETON, env={"AWS_DATA_PATH": "{tmp}/work/other"},
         files={"other/s3/README": "not sagemaker"}),
    # help: after the global checks and the session's, as in aws v1.
    Case("help-bad-timestamp-format", HELP_TOKENS, config="[default]\ncli_timestamp_format = bogus\n"),
    Case("help-bad-query-first", [*HELP_TOKENS, "--query", "foo["]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_same_as_aws(case, moto_url, tmp_path):
    check(case, moto_url, tmp_path)


# aws v1 dies with a Python traceback (exit status 1) on a config or credentials
# file it cannot parse; awsml says what is wrong, as for any other bad input
# (exit status 255, botocore's message), on every path.
@pytest.mark.parametrize(
    "case",
    [
        Case("unparsable-config-skeleton", SKELETON, config="[default\nregion = x\n"),
        Case("unparsable-credentials-skeleton", SKELETON, credentials="not an ini file\n"),
        Case("unparsable-config-help", HELP_TOKENS, config="[default\n"),
        Case("unparsable-config-describe", [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{url}"],
             config="[default\n"),
        Case("unparsable-config-debug", [*SKELETON, "--debug"], config="[default\n"),
    ],
    ids=str,
)
def test_unparsable_config_is_an_error_not_a_traceback(case, moto_url, tmp_path):
    from tests import helpers
    from tests.conformance.harness import run_both

    expected, actual = run_both(case, moto_url, tmp_path)
    assert expected.returncode == 1 and b"Traceback" in expected.stderr  # aws v1
    bad_file = tmp_path / "home" / ("aws-credentials" if case.credentials else "aws-config")
    assert (actual.returncode, actual.stdout) == (255, b"")
    message = f"\nUnable to parse config file: {bad_file}\n".encode()
    if "--debug" in case.args:
        assert actual.stderr.endswith(message)  # after the debug log
    else:
        assert helpers.error_text(actual.stderr) == message
