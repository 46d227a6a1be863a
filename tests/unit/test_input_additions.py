"""awsml's input-side additions to aws v1, end to end (in process, against moto on 127.0.0.1).

* ``--cli-input-yaml`` and ``--generate-cli-skeleton yaml-input`` (from aws v2);
* ``--generate-cli-skeleton output`` printing a sample response (aws v1 always
  fails there for this operation).

What these must *not* change about aws v1 is in tests/conformance/test_input.py.
"""

from __future__ import annotations

import json

import pytest

from tests import helpers
from tests.inprocess import run_main

DTJ = ["sagemaker", "describe-training-job"]


@pytest.fixture
def env(tmp_path):
    return helpers.clean_env(tmp_path / "home")


@pytest.fixture
def work(tmp_path):
    path = tmp_path / "work"
    path.mkdir()
    return path


def awsml(args, env, cwd=None):
    return run_main(args, env, cwd)


def reference(moto_url, env, *extra):
    """What awsml prints for demo-job given by name (the reference for the YAML runs)."""
    result = awsml([*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url, *extra], env)
    assert result.returncode == 0
    return result.stdout


# --cli-input-yaml


@pytest.mark.parametrize(
    "document",
    [
        "TrainingJobName: demo-job",
        "TrainingJobName: 'demo-job'\n",
        "{TrainingJobName: demo-job}",
        '{"TrainingJobName": "demo-job"}',
        "---\n# a comment\nTrainingJobName: demo-job  # and another\n",
    ],
)
def test_yaml_inline(document, moto_url, env):
    result = awsml([*DTJ, "--cli-input-yaml", document, "--endpoint-url", moto_url], env)
    assert (result.returncode, result.stdout, result.stderr) == (0, reference(moto_url, env), b"")


@pytest.mark.parametrize(
    "prefix, content",
    [
        ("file://", b"TrainingJobName: demo-job\n"),
        ("fileb://", b"TrainingJobName: demo-job\n"),
        ("fileb://", b"\xef\xbb\xbfTrainingJobName: demo-job\n"),
        ("file://", b"\xef\xbb\xbfTrainingJobName: demo-job\n"),
    ],
)
def test_yaml_from_files(prefix, content, moto_url, env, work):
    (work / "in.yaml").write_bytes(content)
    result = awsml([*DTJ, "--cli-input-yaml", f"{prefix}in.yaml", "--endpoint-url", moto_url, "--query", "TrainingJobName"], env, work)
    assert (result.returncode, result.stdout) == (0, b'"demo-job"\n')


def test_yaml_file_with_env_var_and_tilde(moto_url, env, work):
    home = helpers.clean_env(work.parent / "home")["HOME"]
    with open(f"{home}/in.yaml", "w") as handle:
        handle.write("TrainingJobName: demo-job\n")
    for value in ("file://~/in.yaml", "file://$HOME/in.yaml"):
        result = awsml([*DTJ, "--cli-input-yaml", value, "--endpoint-url", moto_url, "--output", "text", "--query", "TrainingJobName"], env, work)
        assert (result.returncode, result.stdout) == (0, b"demo-job\n"), value


def test_command_line_wins_over_yaml(moto_url, env):
    result = awsml([*DTJ, "--cli-input-yaml", "TrainingJobName: nope", "--training-job-name", "demo-job", "--endpoint-url", moto_url], env)
    assert (result.returncode, result.stdout) == (0, reference(moto_url, env))


def test_yaml_relaxes_the_required_name_only_when_spelled_in_full(moto_url, env):
    result = awsml([*DTJ, "--cli-input-yaml", "TrainingJobName: demo-job", "--endpoint-url", moto_url], env)
    assert result.returncode == 0
    # The = form does not relax the requirement (as --cli-input-json=… in aws v1).
    result = awsml([*DTJ, "--cli-input-yaml=TrainingJobName: demo-job", "--endpoint-url", moto_url], env)
    assert result.returncode == 2
    assert helpers.error_text(result.stderr) == helpers.USAGE_MARK + b"aws: error: the following arguments are required: --training-job-name\n"


def test_yaml_is_not_reachable_by_abbreviation(moto_url, env):
    result = awsml([*DTJ, "--cli-input-y", "TrainingJobName: demo-job", "--training-job-name", "demo-job", "--endpoint-url", moto_url], env)
    assert result.returncode == 255
    assert helpers.error_text(result.stderr) == helpers.USAGE_MARK + b"\nUnknown options: --cli-input-y, TrainingJobName: demo-job\n"


YAML_ERRORS = [
    ("- a\n- b", b"\nError parsing parameter '--cli-input-yaml': Invalid type: expecting map, received <class 'list'>\n"),
    ("", b"\nError parsing parameter '--cli-input-yaml': Invalid type: expecting map, received <class 'NoneType'>\n"),
    ("just a string", b"\nError parsing parameter '--cli-input-yaml': Invalid type: expecting map, received <class 'str'>\n"),
    ("5", b"\nError parsing parameter '--cli-input-yaml': Invalid type: expecting map, received <class 'int'>\n"),
    ("TrainingJobName: no", None),  # a string in YAML 1.2: sent, and not found
    ("TrainingJobName: true", b"\nParameter validation failed:\nInvalid type for parameter TrainingJobName, value: True, type: <class 'bool'>, valid types: <class 'str'>\n"),
    ("TrainingJobName: 2024-06-01", b"\nParameter validation failed:\nInvalid type for parameter TrainingJobName, value: 2024-06-01, type: <class 'datetime.date'>, valid types: <class 'str'>\n"),
    ("TrainingJobName: ~", b"\nParameter validation failed:\nInvalid type for parameter TrainingJobName, value: None, type: <class 'NoneType'>, valid types: <class 'str'>\n"),
    ("TrainingJobName: demo-job\nBogus: 1", b'\nParameter validation failed:\nUnknown parameter in input: "Bogus", must be one of: TrainingJobName\n'),
    ("{}", b'\nParameter validation failed:\nMissing required parameter in input: "TrainingJobName"\n'),
]


@pytest.mark.parametrize("document, expected", YAML_ERRORS, ids=[repr(d) for d, _ in YAML_ERRORS])
def test_yaml_errors(document, expected, moto_url, env):
    result = awsml([*DTJ, "--cli-input-yaml", document, "--endpoint-url", moto_url], env)
    assert result.returncode == 255 and result.stdout == b""
    if expected is None:
        assert b"ResourceNotFound" in result.stderr or b"ValidationException" in result.stderr
    else:
        assert result.stderr == expected


@pytest.mark.parametrize("document", ["{bad", "TrainingJobName: a\nTrainingJobName: b", "a: 1\n---\nb: 2", "!!python/name:os.system x"])
def test_invalid_yaml(document, moto_url, env):
    result = awsml([*DTJ, "--cli-input-yaml", document, "--endpoint-url", moto_url], env)
    assert result.returncode == 255 and result.stdout == b""
    assert result.stderr.startswith(b"\nError parsing parameter 'cli-input-yaml': Invalid YAML received.\n")
    assert b"Traceback" not in result.stderr


def test_yaml_file_errors_name_the_option(env, work):
    result = awsml([*DTJ, "--cli-input-yaml", "file://missing.yaml"], env, work)
    assert result.returncode == 255
    assert result.stderr == (
        b"\nError parsing parameter '--cli-input-yaml': Unable to load paramfile file://missing.yaml: "
        b"[Errno 2] No such file or directory: 'missing.yaml'\n"
    )
    (work / "latin1.yaml").write_bytes("TrainingJobName: café".encode("latin-1"))
    result = awsml([*DTJ, "--cli-input-yaml", "file://latin1.yaml"], env, work)
    assert result.stderr.startswith(b"\nError parsing parameter '--cli-input-yaml': Unable to load paramfile (latin1.yaml), text contents")
    result = awsml([*DTJ, "--cli-input-yaml", "fileb://latin1.yaml"], env, work)
    assert result.stderr.startswith(b"\nError parsing parameter 'cli-input-yaml': Invalid YAML received.\n")


def test_only_one_cli_input_option(moto_url, env):
    result = awsml([*DTJ, "--cli-input-json", "{}", "--cli-input-yaml", "{}", "--endpoint-url", moto_url], env)
    assert (result.returncode, result.stdout, result.stderr) == (255, b"", b"\nOnly one --cli-input- parameter may be specified.\n")


def test_yaml_http_value_is_fetched_then_taken_literally(moto_url, env):
    from tests import loopback_http

    with loopback_http.serving({"/in.yaml": b"TrainingJobName: demo-job\n"}) as web:
        result = awsml([*DTJ, "--cli-input-yaml", f"{web}/in.yaml", "--endpoint-url", moto_url], env)
        assert result.stderr == b"\nError parsing parameter '--cli-input-yaml': Invalid type: expecting map, received <class 'str'>\n"
        result = awsml([*DTJ, "--cli-input-yaml", f"{web}/missing.yaml", "--endpoint-url", moto_url], env)
        assert result.stderr == f"\nError parsing parameter '--cli-input-yaml': Unable to retrieve {web}/missing.yaml: received non 200 status code of 404\n".encode()


# --generate-cli-skeleton yaml-input

YAML_SKELETON = b"TrainingJobName: ''  # [REQUIRED] The name of the training job.\n"


@pytest.mark.parametrize(
    "extra",
    [[], ["--output", "table", "--query", "x"], ["--region", "bad region!"], ["--cli-input-json", '{"Bogus": 1}']],
)
def test_yaml_input_skeleton(extra, tmp_path):
    env = helpers.clean_env(tmp_path / "home", credentials=False, region=None)
    result = awsml([*DTJ, "--generate-cli-skeleton", "yaml-input", *extra], env)
    assert (result.returncode, result.stdout, result.stderr) == (0, YAML_SKELETON, b"")


def test_yaml_input_skeleton_reads_back(moto_url, env, work):
    result = awsml([*DTJ, "--generate-cli-skeleton", "yaml-input"], env)
    filled = result.stdout.replace(b"''", b"demo-job")
    (work / "job.yaml").write_bytes(filled)
    result = awsml([*DTJ, "--cli-input-yaml", "file://job.yaml", "--endpoint-url", moto_url, "--query", "TrainingJobName"], env, work)
    assert result.stdout == b'"demo-job"\n'


def test_yaml_input_skeleton_still_checks_input_first(env):
    result = awsml([*DTJ, "--generate-cli-skeleton", "yaml-input", "--cli-input-yaml", "{bad"], env)
    assert result.returncode == 255 and result.stdout == b""
    result = awsml([*DTJ, "--generate-cli-skeleton", "yaml-input", "--profile", "nosuch"], env)
    assert (result.returncode, result.stderr) == (255, b"\nThe config profile (nosuch) could not be found\n")


# --generate-cli-skeleton output


def _sample(args, env, cwd=None):
    result = awsml([*DTJ, "--generate-cli-skeleton", "output", *args], env, cwd)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    return result.stdout


def test_output_skeleton_needs_no_region_credentials_or_network(tmp_path):
    env = helpers.clean_env(tmp_path / "home", credentials=False, region=None)
    # A closed loopback port as the endpoint: nothing is sent anywhere.
    stdout = _sample(["--training-job-name", "demo-job", "--endpoint-url", "http://127.0.0.1:9/"], env)
    document = json.loads(stdout)
    assert document["TrainingJobName"] == "demo-job"
    assert document["TrainingJobArn"] == "arn:aws:sagemaker:us-east-1:123456789012:training-job/demo-job"


def test_output_skeleton_is_deterministic_and_ordered_like_a_response(env):
    import botocore.session

    first = _sample(["--training-job-name", "demo-job"], env)
    assert first == _sample(["--training-job-name", "demo-job"], env)
    members = list(botocore.session.get_session().get_service_model("sagemaker").operation_model("DescribeTrainingJob").output_shape.members)
    assert list(json.loads(first)) == members


def test_output_skeleton_formats_like_a_response(env):
    assert _sample(["--training-job-name", "demo-job", "--query", "TrainingJobStatus"], env) == b'"Completed"\n'
    assert _sample(["--training-job-name", "demo-job", "--query", "ResourceConfig.InstanceType", "--output", "text"], env) == b"ml.m5.xlarge\n"
    table = _sample(["--training-job-name", "demo-job", "--query", "StoppingCondition", "--output", "table"], env)
    assert b"MaxRuntimeInSeconds" in table and table.startswith(b"---")
    text = _sample(["--training-job-name", "demo-job", "--output", "text"], env)
    assert text.splitlines()[0].startswith(b"arn:aws:sagemaker:us-east-1:123456789012:automl-job/churn-automl\t")


def test_output_skeleton_uses_configured_output_and_timestamp_format(tmp_path):
    home = tmp_path / "home"
    env = helpers.clean_env(home)
    (home / "aws-config").write_text("[default]\noutput = text\ncli_timestamp_format = iso8601\n")
    assert _sample(["--training-job-name", "demo-job", "--query", "CreationTime"], env) == b"2024-06-01T08:00:00.412000+00:00\n"
    env["AWS_DEFAULT_OUTPUT"] = "xml"
    result = awsml([*DTJ, "--generate-cli-skeleton", "output", "--training-job-name", "demo-job"], env)
    assert (result.returncode, result.stderr) == (255, b"\nUnknown output type: xml\n")


def test_output_skeleton_takes_the_name_from_cli_input(env, work):
    (work / "in.json").write_text('{"TrainingJobName": "from-file"}')
    stdout = _sample(["--cli-input-json", "file://in.json", "--query", "TrainingJobName"], env, work)
    assert stdout == b'"from-file"\n'
    stdout = _sample(["--cli-input-yaml", "TrainingJobName: from-yaml", "--query", "TrainingJobName"], env)
    assert stdout == b'"from-yaml"\n'


def test_output_skeleton_describes_a_sample_job_for_names_the_model_rejects(env):
    # botocore only checks the minimum length; the service would reject these.
    stdout = _sample(["--training-job-name", "not a valid name!", "--query", "TrainingJobName"], env)
    assert stdout == b'"xgboost-churn-2024-06-01-08-00-00"\n'


def test_output_skeleton_still_requires_the_name_like_aws(env):
    result = awsml([*DTJ, "--generate-cli-skeleton", "output"], env)
    assert result.returncode == 2
    assert helpers.error_text(result.stderr) == helpers.USAGE_MARK + b"aws: error: the following arguments are required: --training-job-name\n"


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--training-job-name", ""], b"\nParameter validation failed:\nInvalid length for parameter TrainingJobName, value: 0, valid min length: 1\n"),
        (
            ["--training-job-name", "x", "--cli-input-json", '{"Bogus": 1}'],
            b'\nParameter validation failed:\nUnknown parameter in input: "Bogus", must be one of: TrainingJobName\n',
        ),
        (["--cli-input-json", "{}"], b'\nParameter validation failed:\nMissing required parameter in input: "TrainingJobName"\n'),
        (["--training-job-name", "x", "--profile", "nosuch"], b"\nThe config profile (nosuch) could not be found\n"),
        (["--training-job-name", "x", "--query", "a["], None),
    ],
)
def test_output_skeleton_validates_the_request_first(args, expected, env):
    result = awsml([*DTJ, "--generate-cli-skeleton", "output", *args], env)
    assert result.returncode == 255 and result.stdout == b""
    if expected is not None:
        assert result.stderr == expected


def test_output_skeleton_bytes_name_fails_validation_like_a_call(env, work):
    (work / "name.txt").write_bytes(b"demo-job")
    result = awsml([*DTJ, "--generate-cli-skeleton", "output", "--training-job-name", "fileb://name.txt"], env, work)
    assert result.stderr == (
        b"\nParameter validation failed:\nInvalid type for parameter TrainingJobName, value: b'demo-job', "
        b"type: <class 'bytes'>, valid types: <class 'str'>\n"
    )


# "--opt=--": argparse's empty list reaches the command (as in aws v1)


def test_yaml_given_as_dash_dash(env):
    result = awsml([*DTJ, "--training-job-name", "demo-job", "--cli-input-yaml=--"], env)
    assert (result.returncode, result.stdout) == (255, b"")
    assert result.stderr == b"\nError parsing parameter 'cli-input-yaml': Invalid YAML received.\nexpected YAML text, got <class 'list'>\n"


def test_output_skeleton_with_dash_dash_name(env):
    result = awsml([*DTJ, "--generate-cli-skeleton", "output", "--training-job-name=--"], env)
    assert result.stderr == (
        b"\nParameter validation failed:\nInvalid type for parameter TrainingJobName, value: [], "
        b"type: <class 'list'>, valid types: <class 'str'>\n"
    )


def test_parsed_lists_bypass_click_tokens():
    import click

    from awsml_cli.cli import argv

    params = [click.Option(["--query"]), click.Option(["--region"])]
    values = {"query": [], "region": "eu-west-1"}
    assert argv.canonical_tokens(params, values) == ["--region=eu-west-1"]
    assert argv.passthrough_values(values) == {"query": []}
