"""``--output summary`` through the command line: where it comes from, and --query."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import helpers
from tests.servers.pytest_fixtures import corpus_server  # noqa: F401 - fixture
from tests.servers.scripted import closed_url

DTJ = ["sagemaker", "describe-training-job"]
GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "summary"


def args_for(stem, url, *extra):
    return [*DTJ, "--training-job-name", stem, "--endpoint-url", url, *extra]


@pytest.mark.parametrize("stem", ["01-completed-xgboost", "02-failed-algorithm-error", "03-in-progress-distributed"])
def test_summary_in_a_pipe_is_the_plain_golden_text(stem, corpus_server, env):
    result = helpers.run_awsml(args_for(stem, corpus_server.url, "--output", "summary"), env)
    assert (result.returncode, result.err) == (0, "")
    assert result.out == (GOLDEN / f"{stem}.plain.txt").read_text(encoding="utf-8")


def test_summary_from_environment_and_config(corpus_server, home):
    stem = "05-managed-spot-checkpointed"
    expected = (GOLDEN / f"{stem}.plain.txt").read_text(encoding="utf-8")
    from_env = helpers.run_awsml(args_for(stem, corpus_server.url), helpers.clean_env(home, AWS_DEFAULT_OUTPUT="summary"))
    assert (from_env.returncode, from_env.out) == (0, expected)
    config = helpers.clean_env(home)
    Path(config["AWS_CONFIG_FILE"]).write_text("[default]\noutput = summary\n")
    from_config = helpers.run_awsml(args_for(stem, corpus_server.url), config)
    assert (from_config.returncode, from_config.out) == (0, expected)
    # --output on the command line still wins over both.
    json_out = helpers.run_awsml(args_for(stem, corpus_server.url, "--output", "json"), helpers.clean_env(home, AWS_DEFAULT_OUTPUT="summary"))
    assert json_out.out.startswith("{\n")


def test_color_on_in_a_pipe_stays_plain(corpus_server, env):
    result = helpers.run_awsml(args_for("02-failed-algorithm-error", corpus_server.url, "--output", "summary", "--color", "on"), env)
    assert result.returncode == 0
    assert "\x1b" not in result.out


def test_summary_with_query_is_a_usage_error(env):
    result = helpers.run_awsml(args_for("x", closed_url(), "--output", "summary", "--query", "TrainingJobStatus"), env)
    assert (result.returncode, result.out) == (2, "")
    assert helpers.error_text(result.stderr) == helpers.USAGE_MARK + (
        b"aws: error: argument --query: not allowed with --output summary (it shows the whole response)\n"
    )


@pytest.mark.parametrize("source", ["env", "config"])
def test_configured_summary_with_query_is_a_usage_error(source, home):
    env = helpers.clean_env(home, **({"AWS_DEFAULT_OUTPUT": "summary"} if source == "env" else {}))
    if source == "config":
        Path(env["AWS_CONFIG_FILE"]).write_text("[default]\noutput = summary\n")
    result = helpers.run_awsml(args_for("x", closed_url(), "--query", "TrainingJobStatus"), env)
    assert result.returncode == 2
    assert helpers.error_text(result.stderr) == helpers.USAGE_MARK + (
        b"aws: error: argument --query: not allowed with output summary (set by AWS_DEFAULT_OUTPUT or the "
        b"config file); add --output json, text or table\n"
    )
    # An explicit machine format makes the same command work.
    ok = helpers.run_awsml(args_for("x", closed_url(), "--query", "TrainingJobStatus", "--output", "json"), {**env, "AWS_MAX_ATTEMPTS": "1"})
    assert "not allowed" not in ok.err


def test_skeleton_ignores_summary_like_other_formats(env):
    result = helpers.run_awsml([*DTJ, "--generate-cli-skeleton", "--output", "summary"], env)
    assert result.returncode == 0
    assert result.out.startswith("{\n")
