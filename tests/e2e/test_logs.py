"""``--logs`` end to end: the job's CloudWatch output on stderr, the response untouched on stdout.

Two real servers on 127.0.0.1. moto's SageMaker and CloudWatch Logs (one moto
server answers both) hold a finished job and its streams named as SageMaker
names them; the scripted :class:`tests.servers.joblogs.LoggingJob` plays a job
whose status and streams change while ``--wait`` polls it, with throttling, 5xx,
a stream that appears late and lines that reach CloudWatch after the job ended.
SageMaker goes to ``--endpoint-url``; CloudWatch Logs to its own endpoint
setting (``AWS_ENDPOINT_URL_CLOUDWATCH_LOGS``, ``AWS_ENDPOINT_URL`` or the
config's ``services`` section), as aws resolves it.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests import helpers
from tests.servers.joblogs import LOG_GROUP, LoggingJob, Step
from tests.servers.scripted import ScriptedServer, aws_error

DTJ = ["sagemaker", "describe-training-job"]
FAST = ["--wait", "--poll-interval", "0.05"]
LABEL = re.compile(r"^\[(algo-\d+)\] (.*)$")


# ----------------------------------------------------------------------------- moto


@pytest.fixture(scope="module")
def moto_job_logs(moto_url):
    """demo-job's output in moto's CloudWatch Logs: two instances, interleaved lines."""
    import botocore.session

    client = botocore.session.Session().create_client(
        "logs", endpoint_url=moto_url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    try:
        client.create_log_group(logGroupName=LOG_GROUP)
    except client.exceptions.ResourceAlreadyExistsException:
        pass
    now = int(time.time() * 1000) - 60_000
    lines = {}
    for index, instance in enumerate(("algo-1", "algo-2")):
        stream = f"demo-job/{instance}-1700000000"
        client.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
        events = [{"timestamp": now + 10 * i + index, "message": f"{instance} epoch {i} loss 0.{9 - i}"} for i in range(8)]
        client.put_log_events(logGroupName=LOG_GROUP, logStreamName=stream, logEvents=events)
        lines[instance] = [event["message"] for event in events]
    single = "unicode-job/algo-1-1700000000"
    client.create_log_stream(logGroupName=LOG_GROUP, logStreamName=single)
    client.put_log_events(logGroupName=LOG_GROUP, logStreamName=single,
                          logEvents=[{"timestamp": now, "message": "only one instance"}])
    return lines


def moto_env(home, url, **extra):
    return helpers.clean_env(home, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=url, **extra)


def test_logs_of_every_instance_then_the_response(moto_url, moto_job_logs, tmp_path):
    env = moto_env(tmp_path, moto_url)
    args = [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url]
    plain = helpers.run_awsml(args, env)
    result = helpers.run_awsml([*args, "--logs"], env)
    assert (result.returncode, result.stdout) == (0, plain.stdout)  # stdout: the response, byte for byte
    lines = result.err.splitlines()
    labelled = [LABEL.match(line).groups() for line in lines]
    assert [message for _, message in labelled] == [
        message for pair in zip(moto_job_logs["algo-1"], moto_job_logs["algo-2"]) for message in pair
    ]
    assert {instance for instance, _ in labelled} == {"algo-1", "algo-2"}
    assert "\x1b" not in result.err  # not a terminal: plain lines


def test_one_stream_needs_no_label(moto_url, moto_job_logs, tmp_path):
    result = helpers.run_awsml(
        [*DTJ, "--training-job-name", "unicode-job", "--endpoint-url", moto_url, "--logs"], moto_env(tmp_path, moto_url)
    )
    assert result.returncode == 0
    assert result.err == "only one instance\n"


def test_logs_with_query_and_text_output(moto_url, moto_job_logs, tmp_path):
    env = moto_env(tmp_path, moto_url)
    args = [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url, "--query", "TrainingJobStatus",
            "--output", "text"]
    assert helpers.run_awsml([*args, "--logs"], env).stdout == helpers.run_awsml(args, env).stdout


@pytest.mark.parametrize("setting", ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_ENDPOINT_URL", "services"])
def test_the_logs_endpoint_comes_from_botocores_chain(setting, moto_url, moto_job_logs, tmp_path):
    env = helpers.clean_env(tmp_path)
    if setting == "services":
        Path(env["AWS_CONFIG_FILE"]).write_text(
            f"[default]\nservices = local\n\n[services local]\ncloudwatch_logs =\n  endpoint_url = {moto_url}\n"
        )
    else:
        env[setting] = moto_url
    result = helpers.run_awsml([*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url, "--logs"], env)
    assert result.returncode == 0, result.err
    assert len(result.err.splitlines()) == 16


def test_colour_on_demand_and_never_with_no_color(moto_url, moto_job_logs, tmp_path):
    args = [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url, "--logs"]
    coloured = helpers.run_awsml([*args, "--color", "on"], moto_env(tmp_path, moto_url))
    assert "\x1b[36m[algo-1]\x1b[0m " in coloured.err and "\x1b[33m[algo-2]\x1b[0m " in coloured.err
    plain = helpers.run_awsml([*args, "--color", "off"], moto_env(tmp_path, moto_url))
    assert "\x1b" not in plain.err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--generate-cli-skeleton"], "argument --logs: not allowed with --generate-cli-skeleton"),
        (["--logs-tail", "5"], None),
    ],
)
def test_usage_errors(extra, message, moto_url, tmp_path):
    args = [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url, *extra]
    if message is None:  # --logs-tail without --logs
        message = "argument --logs-tail: only allowed with --logs"
    else:
        args.append("--logs")
    result = helpers.run_awsml(args, helpers.clean_env(tmp_path))
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.err.endswith(f"aws: error: {message}\n")


@pytest.mark.parametrize("value", ["-1", "x", "1.5"])
def test_logs_tail_needs_a_count(value, moto_url, tmp_path):
    args = [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url, "--logs", "--logs-tail", value]
    result = helpers.run_awsml(args, helpers.clean_env(tmp_path))
    assert result.returncode == 2
    assert "argument --logs-tail:" in result.err.splitlines()[-1]


@pytest.mark.parametrize("abbreviation", ["--log", "--logs-t"])
def test_recognised_only_in_full(abbreviation, moto_url, tmp_path):
    args = [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url, abbreviation]
    if abbreviation == "--logs-t":
        args[-1:] = ["--logs", abbreviation, "3"]
    result = helpers.run_awsml(args, helpers.clean_env(tmp_path))
    assert result.returncode == 255  # as aws v1 treats an option it does not know
    assert result.err.endswith(f"Unknown options: {', '.join(args[args.index(abbreviation):])}\n")


# ----------------------------------------------------------------------------- a job that runs


def walk(job: LoggingJob, tmp_path, *extra, **env_extra):
    with ScriptedServer(job) as server:
        env = helpers.clean_env(tmp_path, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=server.url, **env_extra)
        result = helpers.run_awsml(
            [*DTJ, "--training-job-name", job.job, "--endpoint-url", server.url, "--logs", *FAST, *extra], env
        )
    return result


def log_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if LABEL.match(line) or line.startswith("plain ")]


def test_follows_lines_as_they_come_and_drains_late_ones(tmp_path):
    job = LoggingJob("walk", [
        Step("InProgress", "Starting"),
        Step("InProgress", "Training", {"algo-1-1700000000": ["a0", "a1"]}),
        Step("InProgress", "Training", {"algo-1-1700000000": ["a2"], "algo-2-1700000000": ["b0"]}),  # a late instance
        Step("InProgress", "Uploading", {"algo-2-1700000000": ["b1"]}),
        Step("Completed", "Completed", {"algo-1-1700000000": ["a3"]}),
    ], late={"algo-2-1700000000": ["b2 after the end"]})
    result = walk(job, tmp_path)
    assert result.returncode == 0, result.err
    messages = [LABEL.match(line).group(2) for line in result.err.splitlines() if LABEL.match(line)]
    assert sorted(messages) == sorted(["a0", "a1", "a2", "a3", "b0", "b1", "b2 after the end"])
    assert len(messages) == len(set(messages))
    assert json.loads(result.stdout)["TrainingJobStatus"] == "Completed"


@pytest.mark.parametrize("fault", [
    aws_error("ThrottlingException", "Rate exceeded"),
    aws_error("ServiceUnavailableException", "down", status=503),
    aws_error(None, None, status=500),
])
def test_throttling_and_5xx_on_the_log_calls_lose_and_repeat_nothing(fault, tmp_path):
    lines = {f"algo-{n}-1700000000": [f"{n}-{i}" for i in range(3)] for n in (1, 2)}
    job = LoggingJob("faulty", [
        Step("InProgress", "Training", lines),
        Step("InProgress", "Training", {"algo-1-1700000000": ["1-3"]}),
        Step("Completed", "Completed", {"algo-2-1700000000": ["2-3"]}),
    ], faults={"GetLogEvents": [fault] * 6 + [None, fault, None], "DescribeLogStreams": [fault, None]})
    result = walk(job, tmp_path, AWS_MAX_ATTEMPTS="1")
    assert result.returncode == 0, result.err
    messages = [LABEL.match(line).group(2) for line in result.err.splitlines() if LABEL.match(line)]
    assert sorted(messages) == sorted([f"{n}-{i}" for n in (1, 2) for i in range(4)])
    assert len(messages) == 8


def test_a_failed_job_points_to_its_logs(tmp_path):
    job = LoggingJob("broken", [
        Step("InProgress", "Training", {"algo-1-1700000000": ["Traceback (most recent call last):", "ValueError: bad"]}),
        Step("Failed", "Failed"),
    ], instance_count=1, failure_reason="AlgorithmError: ValueError")
    result = walk(job, tmp_path)
    assert result.returncode == 3
    assert "Traceback (most recent call last):\nValueError: bad\n" in result.err
    assert f"Logs: {LOG_GROUP}, streams broken/" in result.err
    assert "console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/" in result.err


def test_multibyte_and_very_long_lines_come_out_whole(tmp_path):
    long_line = "x" * 200_000
    job = LoggingJob("wide", [
        Step("Completed", "Completed", {"algo-1-1700000000": ["épocha 1 — λ=0.1 ✔", long_line]}),
    ], instance_count=1)
    result = walk(job, tmp_path)
    assert result.returncode == 0
    assert "\népocha 1 — λ=0.1 ✔\n" + long_line + "\n" in result.err


def test_tail_shows_the_last_lines_per_stream(tmp_path):
    job = LoggingJob("tailed", [
        Step("Completed", "Completed", {
            "algo-1-1700000000": [f"a{i}" for i in range(100)],
            "algo-2-1700000000": [f"b{i}" for i in range(100)],
        }),
    ])
    with ScriptedServer(job) as server:
        env = helpers.clean_env(tmp_path, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=server.url)
        result = helpers.run_awsml(
            [*DTJ, "--training-job-name", "tailed", "--endpoint-url", server.url, "--logs", "--logs-tail", "3"], env
        )
    messages = [LABEL.match(line).group(2) for line in result.err.splitlines()]
    assert sorted(messages) == ["a97", "a98", "a99", "b97", "b98", "b99"]


def test_no_log_group_yet_is_no_logs_yet(tmp_path):
    job = LoggingJob("quiet", [Step("InProgress", "Starting"), Step("Completed", "Completed")])
    result = walk(job, tmp_path)
    assert (result.returncode, result.err.count("[algo")) == (0, 0)


def test_without_logs_nothing_of_this_is_loaded(moto_url, tmp_path):
    env = helpers.clean_env(tmp_path, PYTHONVERBOSE="1")
    result = helpers.run_awsml([*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url], env)
    assert result.returncode == 0
    assert "awsml_cli.command.logs" not in result.err


def test_log_lines_and_the_live_view_share_the_terminal(tmp_path):
    """On a terminal the live view stays at the bottom and the log lines scroll above it:
    every line arrives whole, in colour per instance, and the view's last frame follows them."""
    from tests.e2e.test_terminal_views import TerminalRun

    job = LoggingJob("live", [
        Step("InProgress", "Training", {"algo-1-1700000000": ["a first"], "algo-2-1700000000": ["b first"]}),
        Step("InProgress", "Training", {"algo-1-1700000000": ["a second"]}),
        Step("Completed", "Completed", {"algo-2-1700000000": ["b last"]}),
    ])
    with ScriptedServer(job) as server:
        env = helpers.clean_env(tmp_path, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=server.url, TERM="xterm-256color")
        run = TerminalRun([*DTJ, "--training-job-name", "live", "--endpoint-url", server.url, "--logs",
                           "--wait", "--poll-interval", "0.2"], env)
        code, out, err = run.finish()
    assert (code, err) == (0, b"")
    assert json.loads(out)["TrainingJobStatus"] == "Completed"
    lines = [line.strip() for line in run.screen.replace("\r", "\n").split("\n")]
    for text in ("[algo-1] a first", "[algo-2] b first", "[algo-1] a second", "[algo-2] b last"):
        assert lines.count(text) == 1, text
    assert "\x1b[" in run.raw
    assert run.screen.rindex("Training job live") > run.screen.rindex("[algo-2] b last")


def test_the_logs_client_signs_as_the_profile_in_its_region(tmp_path):
    job = LoggingJob("signed", [Step("Completed", "Completed", {"algo-1-1700000000": ["x"]})], instance_count=1)
    with ScriptedServer(job) as server:
        env = helpers.clean_env(tmp_path, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None,
                                AWS_DEFAULT_REGION=None, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=server.url)
        Path(env["AWS_CONFIG_FILE"]).write_text("[profile ci]\nregion = eu-west-1\n")
        Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text("[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = s\n")
        result = helpers.run_awsml([*DTJ, "--training-job-name", "signed", "--endpoint-url", server.url, "--logs",
                                    "--profile", "ci"], env)
        logs_requests = [r for r in server.requests if (r.target or "").startswith("Logs_")]
    assert (result.returncode, result.err) == (0, "x\n")
    assert logs_requests and all("Credential=AKIDCI/" in r.header("Authorization") and "/eu-west-1/logs/" in
                                 r.header("Authorization") for r in logs_requests)


def test_two_hundred_thousand_lines_from_eight_streams_each_once(tmp_path):
    per_stream = 25_000
    job = LoggingJob("big", [Step("Completed", "Completed", {
        f"algo-{n}-1700000000": [f"{n}:{i}" for i in range(per_stream)] for n in range(1, 9)
    })], instance_count=8)
    with ScriptedServer(job) as server:
        env = helpers.clean_env(tmp_path, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=server.url)
        result = helpers.run_awsml(
            [*DTJ, "--training-job-name", "big", "--endpoint-url", server.url, "--logs", "--query", "TrainingJobStatus"],
            env,
        )
    assert (result.returncode, result.stdout) == (0, b'"Completed"\n')
    lines = result.err.splitlines()
    assert len(lines) == len(set(lines)) == 8 * per_stream
    for n in range(1, 9):
        mine = [int(line.rsplit(":", 1)[1]) for line in lines if line.startswith(f"[algo-{n}] ")]
        assert mine == list(range(per_stream))
