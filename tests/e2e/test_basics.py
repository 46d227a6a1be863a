"""awsml end to end: entry points, --version, --debug, and the Click tree through CliRunner."""

from __future__ import annotations

import platform
import re
import subprocess
import sys

import botocore
import pytest
from click.testing import CliRunner

import awsml_cli
from awsml_cli.app import program
from tests import helpers

DEMO = ["sagemaker", "describe-training-job", "--training-job-name", "demo-job"]


def test_version_line(env):
    result = helpers.run_awsml(["--version"], env)
    expected = (
        f"awsml/{awsml_cli.__version__} Python/{platform.python_version()} "
        f"{platform.system()}/{platform.release()} botocore/{botocore.__version__}\n"
    )
    assert (result.returncode, result.out, result.err) == (0, expected, "")


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        [*DEMO, "--version"],
        ["sagemaker", "--version"],
        ["--output", "text", "--version", "--output", "bogus"],
    ],
    ids=["alone", "after-operation", "after-service", "stops-parsing"],
)
def test_version_anywhere(args, env):
    result = helpers.run_awsml(args, env)
    assert result.returncode == 0
    assert result.out.startswith("awsml/")


def test_version_names_execution_environment(home):
    env = helpers.clean_env(home, AWS_EXECUTION_ENV="ci-runner")
    result = helpers.run_awsml(["--version"], env)
    assert re.fullmatch(r"awsml/\S+ Python/\S+ \S+/\S+ exec-env/ci-runner botocore/\S+\n", result.out)


def test_version_matches_aws_shape(env):
    """Same fields in the same order as aws v1's line, only the program part differs."""
    ours = helpers.run_awsml(["--version"], env).out.split()
    theirs = helpers.run_aws(["--version"], env).out.split()
    assert [part.split("/")[0] for part in ours[1:]] == [part.split("/")[0] for part in theirs[1:]]


def test_python_dash_m(env, moto_url):
    result = helpers.run(
        [sys.executable, "-m", "awsml_cli"], [*DEMO, "--endpoint-url", moto_url, "--query", "TrainingJobName"], env
    )
    assert (result.returncode, result.out) == (0, '"demo-job"\n')


def test_debug_keeps_stdout_and_logs_like_aws(env, moto_url):
    plain = helpers.run_awsml([*DEMO, "--endpoint-url", moto_url], env)
    debug = helpers.run_awsml([*DEMO, "--endpoint-url", moto_url, "--debug"], env)
    assert debug.returncode == plain.returncode == 0
    assert debug.stdout == plain.stdout
    lines = debug.err.splitlines()
    line_shape = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - \w+ - [\w.]+ - (DEBUG|INFO|WARNING) - ")
    assert line_shape.match(lines[0]), lines[0]
    assert "CLI version: awsml/" in lines[0]
    assert any("Arguments entered to CLI:" in line for line in lines)
    assert any("Sending http request" in line for line in lines)
    assert any("Response body:" in line for line in lines)


def test_debug_on_error_logs_traceback_then_aws_message(env, moto_url):
    result = helpers.run_awsml([*DEMO[:-1], "nope", "--endpoint-url", moto_url, "--debug"], env)
    assert result.returncode == 255
    assert "Exception caught in main()" in result.err
    assert "Exiting with rc 255" in result.err
    assert result.err.endswith(
        "\nAn error occurred (ValidationException) when calling the DescribeTrainingJob operation: "
        "Could not find training job 'arn:aws:sagemaker:us-east-1:123456789012:training-job/nope'.\n"
    )


# The Click tree through Click's own test runner, against the real emulator.


def _invoke(args, env):
    return CliRunner().invoke(program, args, env=env, catch_exceptions=False)


def test_clirunner_describe(env, moto_url, monkeypatch):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = _invoke([*DEMO, "--endpoint-url", moto_url, "--query", "ResourceConfig.InstanceType", "--output", "text"], env)
    assert (result.exit_code, result.output) == (0, "ml.m5.xlarge\n")


def test_clirunner_usage_error_exit_code(env, monkeypatch):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = _invoke(["sagemaker", "describe-training-job"], env)
    assert result.exit_code == 2
    assert result.stderr.endswith("aws: error: the following arguments are required: --training-job-name\n")


def test_clirunner_service_error(env, moto_url, monkeypatch):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = _invoke([*DEMO[:-1], "nope", "--endpoint-url", moto_url], env)
    assert result.exit_code == 255
    assert result.stdout == ""
    assert "An error occurred (ValidationException)" in result.stderr


def test_no_traceback_on_unknown_operation_word(env):
    result = helpers.run_awsml(["sagemaker", "list-training-jobs"], env)
    assert result.returncode == 2
    assert "Traceback" not in result.err
    assert result.err.endswith("aws: error: argument operation: awsml implements only describe-training-job; use aws for 'list-training-jobs'\n")


def test_module_imports_stay_lazy():
    """Parsing the command line must not pull in botocore, rich, yaml or tabulate."""
    code = (
        "import sys, awsml_cli.cli.tree, awsml_cli.cli.argv, awsml_cli.errors;"
        "print(sorted(m for m in ('botocore', 'rich', 'yaml', 'tabulate', 'jmespath') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
