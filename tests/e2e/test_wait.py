"""``--wait`` end to end: a scripted job walks to each final state, with trouble on the way.

The scripted server answers each poll with the next stage of a job's life
(:mod:`tests.servers.jobwalk`): InProgress through Starting, Downloading,
Training and Uploading, with throttling, 5xx and dropped connections in
between, then the final corpus body.  ``AWS_MAX_ATTEMPTS=1`` hands every fault
straight to the wait loop (botocore would otherwise retry it first); a short
``--poll-interval`` keeps the tests quick, and the back-off scales from it.

What is checked: the exit codes, stdout (byte-identical to what ``aws`` prints
for the final response), the progress lines on stderr, and the request log.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess

import pytest

from tests import helpers
from tests.servers import jobwalk
from tests.servers.pytest_fixtures import corpus_server, scripted_server  # noqa: F401 - fixtures
from tests.servers.scripted import CloseWithoutResponse, Reset, aws_error, closed_url, json_response

DTJ = ["sagemaker", "describe-training-job"]
FAST = ["--wait", "--poll-interval", "0.05"]
LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  ")


def args_for(stem, url, *extra):
    return [*DTJ, "--training-job-name", stem, "--endpoint-url", url, *extra]


def fast_env(home, **extra):
    return helpers.clean_env(home, AWS_MAX_ATTEMPTS="1", **extra)


def progress_lines(stderr: str) -> list[str]:
    return [LINE.sub("", line) for line in stderr.splitlines() if LINE.match(line)]


def expected_transition_lines(stem):
    return [
        f"{t['Status']} - {t['StatusMessage']}" if t.get("StatusMessage") else t["Status"]
        for t in jobwalk.history_of(stem)
    ]


FINALS = [
    ("01-completed-xgboost", 0, "Completed"),
    ("02-failed-algorithm-error", 3, "Failed"),
    ("04-stopped-by-user", 4, "Stopped"),
]


@pytest.mark.conformance  # runs the real aws
@pytest.mark.parametrize("stem, code, status", FINALS, ids=[status for _, _, status in FINALS])
def test_walk_to_each_final_state(stem, code, status, scripted_server, corpus_server, home):
    script = jobwalk.walk(stem)
    server = scripted_server(script)
    result = helpers.run_awsml(args_for(stem, server.url, *FAST), fast_env(home))
    assert result.returncode == code, result.err

    # stdout: exactly what aws prints for the final response, without --wait.
    expected = helpers.run_aws(args_for(stem, corpus_server.url), fast_env(home))
    assert expected.returncode == 0
    assert result.stdout == expected.stdout

    # Every stage was seen and no fault ended the wait: one request per script entry.
    assert len(server.requests) == len(script)
    assert all(request.training_job_name == stem for request in server.requests)

    # stderr: plain lines (no ANSI), one per transition with its own UTC time and message.
    assert "\x1b" not in result.err
    lines = progress_lines(result.err)
    assert lines[0] == f"Waiting for training job '{stem}' (polling every 0.05s, no time limit)"
    transitions = [line for line in lines if not line.startswith(("Waiting", "Status ", "Polling failed", "Training job"))]
    assert transitions == expected_transition_lines(stem)
    history = jobwalk.history_of(stem)
    first_stamp = next(line for line in result.err.splitlines() if history[0]["StatusMessage"] in line)[:23]
    assert first_stamp == jobwalk_time(history[0]["StartTime"])
    faults = [line for line in lines if line.startswith("Polling failed, trying again in ")]
    assert len(faults) == len(jobwalk.DEFAULT_FAULTS)
    assert any("(ThrottlingException)" in line for line in faults)
    assert any("Connection was closed before we received a valid response" in line for line in faults)
    assert lines[-1].startswith(f"Training job '{stem}' ended: {status}")


def jobwalk_time(epoch):
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def test_failed_job_prints_failure_reason_in_full(scripted_server, home):
    stem = "02-failed-algorithm-error"
    server = scripted_server(jobwalk.walk(stem, faults=()))
    result = helpers.run_awsml(args_for(stem, server.url, *FAST, "--query", "TrainingJobStatus"), fast_env(home))
    assert (result.returncode, result.out) == (3, '"Failed"\n')
    reason = json.loads(jobwalk.corpus_body(stem))["FailureReason"]
    block = result.err.split("FailureReason:\n", 1)[1]
    assert block == "".join(f"    {line}\n" for line in reason.replace("\t", "    ").split("\n"))


@pytest.mark.conformance  # runs the real aws
@pytest.mark.parametrize(
    "extra",
    [
        ["--output", "text"],
        ["--output", "table"],
        ["--query", "[TrainingJobStatus, SecondaryStatus, FinalMetricDataList[0].Value]"],
        ["--output", "text", "--query", "SecondaryStatusTransitions[].Status"],
    ],
    ids=["text", "table", "query", "text-query"],
)
def test_output_and_query_apply_to_the_final_response(extra, scripted_server, corpus_server, home):
    stem = "01-completed-xgboost"
    server = scripted_server(jobwalk.walk(stem, faults=(jobwalk.THROTTLE,)))
    result = helpers.run_awsml(args_for(stem, server.url, *FAST, *extra), fast_env(home))
    expected = helpers.run_aws(args_for(stem, corpus_server.url, *extra), fast_env(home))
    assert (result.returncode, result.stdout) == (expected.returncode, expected.stdout)


def test_summary_of_the_final_response(scripted_server, corpus_server, home):
    stem = "05-managed-spot-checkpointed"
    server = scripted_server(jobwalk.walk(stem, faults=()))
    waited = helpers.run_awsml(args_for(stem, server.url, *FAST, "--output", "summary"), fast_env(home))
    direct = helpers.run_awsml(args_for(stem, corpus_server.url, "--output", "summary"), fast_env(home))
    assert (waited.returncode, direct.returncode) == (0, 0)
    assert waited.stdout == direct.stdout
    assert "Managed spot saving  70.0 %" in waited.out


def test_job_already_finished_makes_one_request(scripted_server, home):
    server = scripted_server(json_response(jobwalk.corpus_body("04-stopped-by-user")))
    result = helpers.run_awsml(args_for("x", server.url, *FAST, "--query", "TrainingJobStatus"), fast_env(home))
    assert (result.returncode, result.out, len(server.requests)) == (4, '"Stopped"\n', 1)


# --------------------------------------------------------------------------- the time limit


def in_progress_body():
    return jobwalk.stages("01-completed-xgboost")[3]  # InProgress, Training


def test_wait_timeout_gives_124_and_prints_the_last_response(scripted_server, home):
    server = scripted_server(json_response(in_progress_body()))
    args = args_for("01-completed-xgboost", server.url, *FAST, "--wait-timeout", "0.3", "--query", "[TrainingJobStatus, SecondaryStatus]")
    result = helpers.run_awsml(args, fast_env(home))
    assert result.returncode == 124
    assert json.loads(result.out) == ["InProgress", "Training"]
    last = progress_lines(result.err)[-1]
    assert re.fullmatch(
        r"Gave up waiting after \d+s \(--wait-timeout\): training job '01-completed-xgboost' is still InProgress \(Training\)",
        last,
    )
    # How many polls fit before the limit is the loop's business, tested with a fake clock
    # (tests/unit/test_wait_loop.py); on a loaded machine one poll may be all 0.3 s allow.
    assert len(server.requests) >= 1


def test_wait_timeout_with_only_throttling_prints_nothing(scripted_server, home):
    server = scripted_server(jobwalk.THROTTLE)
    result = helpers.run_awsml(args_for("x", server.url, *FAST, "--wait-timeout", "0.3"), fast_env(home))
    assert (result.returncode, result.out) == (124, "")
    assert progress_lines(result.err)[-1].endswith("(--wait-timeout): no status was received")
    assert len(server.requests) >= 1


def test_wait_timeout_zero_means_no_limit(scripted_server, home):
    stem = "01-completed-xgboost"
    server = scripted_server(jobwalk.walk(stem, faults=()))
    result = helpers.run_awsml(args_for(stem, server.url, *FAST, "--wait-timeout", "0", "--query", "TrainingJobName"), fast_env(home))
    assert (result.returncode, result.out) == (0, f'"{stem}"\n')
    assert "no time limit" in result.err


# --------------------------------------------------------------------------- errors


def test_backoff_grows_between_consecutive_faults(scripted_server, home):
    stem = "01-completed-xgboost"
    stage = json_response(jobwalk.stages(stem)[1])
    script = [stage, *([jobwalk.THROTTLE] * 4), stage, jobwalk.THROTTLE, json_response(jobwalk.corpus_body(stem))]
    server = scripted_server(script)
    result = helpers.run_awsml(args_for(stem, server.url, *FAST), fast_env(home))
    assert result.returncode == 0, result.err
    times = [request.time for request in server.requests]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    # After the n-th fault in a row the pause is at least half of min(0.05 × 2ⁿ, 0.5) (jitter).
    for index, failures in ((1, 1), (2, 2), (3, 3), (4, 4), (6, 1)):
        assert gaps[index] >= 0.5 * min(0.05 * 2**failures, 0.5), (index, gaps)
    delays = [float(m) for m in re.findall(r"Polling failed, trying again in ([\d.]+)s", result.err)]
    assert len(delays) == 5
    assert delays[3] > delays[0]  # grows (the shown delay is rounded to 0.1 s)


def test_botocore_retries_each_poll_first(scripted_server, home):
    """With the default retry configuration a lone throttle never reaches the wait loop."""
    stem = "01-completed-xgboost"
    script = [json_response(jobwalk.stages(stem)[1]), jobwalk.THROTTLE, json_response(jobwalk.corpus_body(stem))]
    server = scripted_server(script)
    result = helpers.run_awsml(args_for(stem, server.url, *FAST), helpers.clean_env(home))
    assert result.returncode == 0, result.err
    assert "Polling failed" not in result.err
    assert "attempt=2" in (server.requests[2].header("amz-sdk-request") or "")


@pytest.mark.parametrize("fault", [CloseWithoutResponse(), Reset()], ids=["closed", "reset"])
def test_connection_trouble_after_the_first_poll_is_ridden_out(fault, scripted_server, home):
    stem = "01-completed-xgboost"
    script = [json_response(jobwalk.stages(stem)[1]), fault, fault, json_response(jobwalk.corpus_body(stem))]
    server = scripted_server(script)
    result = helpers.run_awsml(args_for(stem, server.url, *FAST, "--query", "TrainingJobStatus"), fast_env(home))
    assert (result.returncode, result.out) == (0, '"Completed"\n')
    assert len(server.requests) == 4


@pytest.mark.conformance  # runs the real aws
def test_no_endpoint_on_the_first_poll_fails_like_aws(home):
    url = closed_url()
    env = fast_env(home)
    result = helpers.run_awsml(args_for("x", url, *FAST), env)
    expected = helpers.run_aws(args_for("x", url), env)
    assert (result.returncode, expected.returncode) == (255, 255)
    assert result.err.endswith(expected.err)
    assert result.out == ""


def test_validation_error_mid_wait_ends_it_with_aws_message(scripted_server, home):
    stem = "01-completed-xgboost"
    error = aws_error("ValidationException", "Requested resource not found.")
    server = scripted_server([json_response(jobwalk.stages(stem)[1]), jobwalk.THROTTLE, error])
    result = helpers.run_awsml(args_for(stem, server.url, *FAST), fast_env(home))
    assert (result.returncode, result.out) == (255, "")
    assert result.err.endswith(
        "\nAn error occurred (ValidationException) when calling the DescribeTrainingJob operation: "
        "Requested resource not found.\n"
    )
    assert len(server.requests) == 3


@pytest.mark.conformance  # runs the real aws
def test_validation_error_matches_aws_byte_for_byte(scripted_server, home):
    server = scripted_server(aws_error("ValidationException", "Requested resource not found."))
    env = fast_env(home)
    result = helpers.run_awsml(args_for("nope", server.url, *FAST), env)
    expected = helpers.run_aws(args_for("nope", server.url), env)
    assert (result.returncode, result.stdout) == (expected.returncode, expected.stdout)
    assert result.err.endswith(expected.err)


@pytest.mark.conformance  # runs the real aws
def test_no_credentials_fails_like_aws_without_a_request(scripted_server, home):
    server = scripted_server(json_response(in_progress_body()))
    env = fast_env(home, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
    result = helpers.run_awsml(args_for("x", server.url, *FAST), env)
    expected = helpers.run_aws(args_for("x", server.url), env)
    assert (result.returncode, expected.returncode) == (255, 255)
    assert result.err.endswith(expected.err)
    assert len(server.requests) == 0


def test_bad_output_setting_fails_before_waiting(scripted_server, home):
    server = scripted_server(json_response(in_progress_body()))
    result = helpers.run_awsml(args_for("x", server.url, *FAST), fast_env(home, AWS_DEFAULT_OUTPUT="xml"))
    assert (result.returncode, result.err) == (255, "\nUnknown output type: xml\n")
    assert len(server.requests) == 0


# --------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_exits_130_with_the_last_known_status(scripted_server, home):
    server = scripted_server(json_response(in_progress_body()))
    command = helpers.awsml_command() + args_for("01-completed-xgboost", server.url, *FAST)
    proc = subprocess.Popen(command, env=fast_env(home), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=helpers.default_sigint)  # noqa: PLW1509
    try:
        server.wait_for_requests(3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert out == b"\n"  # as aws does on Ctrl-C
    assert err.decode().splitlines()[-1].startswith("Interrupted after waiting ")
    assert err.decode().splitlines()[-1].endswith(
        "; last known status of training job '01-completed-xgboost': InProgress (Training)."
    )


# --------------------------------------------------------------------------- usage errors


USAGE_CASES = [
    (["--wait", "--poll-interval", "abc"], "argument --poll-interval: invalid value 'abc': must be a number of seconds greater than 0"),
    (["--wait", "--poll-interval", "-5"], "argument --poll-interval: invalid value '-5': must be a number of seconds greater than 0"),
    (["--wait", "--poll-interval", "0"], "argument --poll-interval: invalid value '0': must be a number of seconds greater than 0"),
    (["--wait", "--poll-interval", "nan"], "argument --poll-interval: invalid value 'nan': must be a number of seconds greater than 0"),
    (["--wait", "--poll-interval", "inf"], "argument --poll-interval: invalid value 'inf': must be a number of seconds greater than 0"),
    (["--wait", "--poll-interval=-0.5"], "argument --poll-interval: invalid value '-0.5': must be a number of seconds greater than 0"),
    (["--wait", "--poll-interval"], "argument --poll-interval: expected one argument"),
    (["--wait", "--wait-timeout", "-1"], "argument --wait-timeout: invalid value '-1': must be a number of seconds, 0 or more (0 means no limit)"),
    (["--wait", "--wait-timeout", "soon"], "argument --wait-timeout: invalid value 'soon': must be a number of seconds, 0 or more (0 means no limit)"),
    (["--poll-interval", "5"], "argument --poll-interval: only allowed with --wait"),
    (["--wait-timeout", "60"], "argument --wait-timeout: only allowed with --wait"),
]


@pytest.mark.parametrize("extra, message", USAGE_CASES, ids=[" ".join(extra) for extra, _ in USAGE_CASES])
def test_usage_errors(extra, message, home):
    url = closed_url()  # nothing may be sent
    result = helpers.run_awsml(args_for("x", url, *extra), fast_env(home))
    assert result.returncode == 2
    assert result.out == ""
    assert result.err.startswith("usage: awsml ")
    assert helpers.error_text(result.stderr).decode() == helpers.USAGE_MARK.decode() + f"aws: error: {message}\n"


def test_aws_options_abbreviate_next_to_the_wait_options(scripted_server, home):
    server = scripted_server(json_response(jobwalk.corpus_body("01-completed-xgboost")))
    args = [*DTJ, "--train", "x", "--endpoint", server.url, "--wait", "--poll-interval", "0.05", "--wait-timeout", "5", "--qu", "TrainingJobStatus"]
    result = helpers.run_awsml(args, fast_env(home))
    assert (result.returncode, result.out) == (0, '"Completed"\n')


@pytest.mark.parametrize("abbreviated", [["--wai"], ["--poll", "1"], ["--wait-t", "5"]], ids=" ".join)
def test_wait_options_are_not_abbreviated(abbreviated, home):
    """aws v1 calls these unknown options; awsml's additions must not change that."""
    result = helpers.run_awsml(args_for("x", closed_url(), "--wait", *abbreviated), fast_env(home))
    assert result.returncode == 255
    assert helpers.error_text(result.stderr).decode() == helpers.USAGE_MARK.decode() + f"\nUnknown options: {', '.join(abbreviated)}\n"


def test_help_lists_the_wait_options(home):
    result = helpers.run_awsml([*DTJ, "help"], fast_env(home))
    assert result.returncode == 0
    for option in ("--wait", "--poll-interval", "--wait-timeout"):
        assert option in result.out


def test_outcome_survives_a_reader_that_left(scripted_server, home):
    """``awsml --wait … | head -0``: the job's outcome is still the exit status."""
    stem = "02-failed-algorithm-error"
    server = scripted_server(jobwalk.walk(stem, faults=()))
    command = helpers.awsml_command() + args_for(stem, server.url, *FAST)
    proc = subprocess.Popen(command, env=fast_env(home), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before anything is printed
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 3
    assert "Traceback" not in err.decode()


def test_skeleton_ignores_wait(home):
    result = helpers.run_awsml([*DTJ, "--generate-cli-skeleton", "--wait", "--poll-interval", "1"], fast_env(home))
    assert result.returncode == 0
    assert result.out.startswith("{\n")
    assert result.err == ""
