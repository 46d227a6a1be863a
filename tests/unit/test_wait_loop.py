"""The --wait loop with a fake clock: outcomes, back-off, time limit, Ctrl-C, and the plain progress lines."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
    SSLError,
)

from awsml_cli.errors import ExitCode, Interrupted
from awsml_cli.output.progress import PlainProgress, choose, describe_settings
from awsml_cli.command.wait import Backoff, Outcome, WaitSettings, is_transient, wait_for_job


def client_error(code, status=400, message="m"):
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "DescribeTrainingJob",
    )


def job(status, secondary=None, **extra):
    return {"TrainingJobName": "j", "TrainingJobStatus": status, "SecondaryStatus": secondary or status, **extra}


class FakeTime:
    """A clock that only moves when the loop sleeps (or a poll takes time)."""

    def __init__(self, poll_cost=0.0):
        self.now = 1000.0
        self.sleeps = []
        self.poll_cost = poll_cost

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Script:
    """A describe() that returns or raises the given items in order, the last one forever."""

    def __init__(self, items, fake_time=None):
        self.items = list(items)
        self.calls = 0
        self.fake_time = fake_time

    def __call__(self):
        item = self.items[min(self.calls, len(self.items) - 1)]
        self.calls += 1
        if self.fake_time is not None:
            self.fake_time.now += self.fake_time.poll_cost
        if isinstance(item, BaseException):
            raise item
        return item


class Recorder:
    def __init__(self):
        self.events = []
        self.closed = 0

    def started(self, settings):
        self.events.append(("started", settings))

    def observed(self, response):
        self.events.append(("observed", response.get("TrainingJobStatus")))

    def retrying(self, error, delay):
        self.events.append(("retrying", type(error).__name__, delay))

    def finished(self, outcome):
        self.events.append(("finished", outcome.exit_code))

    def close(self):
        self.closed += 1


def run(items, settings=WaitSettings(poll_interval=30), backoff=None, poll_cost=0.0):
    fake = FakeTime(poll_cost)
    describe = Script(items, fake)
    recorder = Recorder()
    outcome = wait_for_job(describe, settings, recorder, clock=fake.clock, sleep=fake.sleep, backoff=backoff)
    return outcome, fake, describe, recorder


# --------------------------------------------------------------------------- outcomes


@pytest.mark.parametrize(
    "final, code",
    [("Completed", ExitCode.OK), ("Failed", ExitCode.JOB_FAILED), ("Stopped", ExitCode.JOB_STOPPED)],
)
def test_polls_until_a_final_status(final, code):
    items = [job("InProgress", "Starting"), job("InProgress", "Training"), job("Stopping"), job(final)]
    outcome, fake, describe, recorder = run(items)
    assert outcome.exit_code == code
    assert outcome.response == items[-1]
    assert describe.calls == 4
    assert fake.sleeps == [30, 30, 30]
    assert recorder.events[-1] == ("finished", code)
    assert recorder.closed >= 1


def test_a_job_already_finished_needs_one_poll():
    outcome, fake, describe, _ = run([job("Completed")])
    assert (outcome.exit_code, describe.calls, fake.sleeps) == (0, 1, [])


@pytest.mark.parametrize("status", ["InProgress", "Stopping", "Deleting", "SomethingNew", None])
def test_other_statuses_keep_waiting(status):
    items = [{"TrainingJobStatus": status} if status else {}, job("Completed")]
    outcome, _, describe, _ = run(items)
    assert (outcome.exit_code, describe.calls) == (0, 2)


# --------------------------------------------------------------------------- trouble that is not the job's


def test_throttling_and_5xx_back_off_with_growing_jittered_delays():
    backoff = Backoff(base=1.0, cap=100.0, random=lambda: 1.0)  # no jitter: delays are the ceilings
    items = [
        job("InProgress"),
        client_error("ThrottlingException"),
        client_error("InternalFailure", 500),
        client_error("ServiceUnavailable", 503),
        job("InProgress"),
        client_error("TooManyRequestsException", 429),
        job("Completed"),
    ]
    outcome, fake, describe, recorder = run(items, WaitSettings(poll_interval=5), backoff)
    assert outcome.exit_code == 0
    # poll, then 2, 4, 8 after three failures in a row, poll, then 2 again: the count resets.
    assert fake.sleeps == [5, 2, 4, 8, 5, 2]
    retries = [event for event in recorder.events if event[0] == "retrying"]
    assert [event[2] for event in retries] == [2, 4, 8, 2]


def test_jitter_is_between_half_and_all_of_the_ceiling():
    low = Backoff(base=1.0, cap=300.0, random=lambda: 0.0)
    high = Backoff(base=1.0, cap=300.0, random=lambda: 0.999999)
    for failures in range(1, 12):
        ceiling = min(300.0, 2.0**failures)
        assert low.delay(failures) == pytest.approx(ceiling / 2)
        assert ceiling / 2 <= high.delay(failures) <= ceiling


def test_backoff_is_scaled_from_the_poll_interval_and_capped():
    assert Backoff.for_interval(30).ceiling(1) == 60
    assert Backoff.for_interval(30).ceiling(10) == 300
    assert Backoff.for_interval(0.05).ceiling(10) == pytest.approx(0.5)
    # Never less than one poll interval, even for long intervals.
    assert Backoff.for_interval(600).ceiling(1) == 600
    assert Backoff.for_interval(30).ceiling(10**6) == 300  # no overflow after days of failures


def test_real_jitter_varies():
    backoff = Backoff.for_interval(30)
    delays = {backoff.delay(3) for _ in range(50)}
    assert len(delays) > 1
    assert all(120 <= delay <= 240 for delay in delays)


def test_connection_errors_are_ridden_out_once_the_job_was_seen():
    drop = ConnectionClosedError(endpoint_url="http://127.0.0.1:1/")
    outcome, _, describe, _ = run([job("InProgress"), drop, drop, job("Completed")], WaitSettings(poll_interval=1))
    assert (outcome.exit_code, describe.calls) == (0, 4)


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1/"),
        ConnectionClosedError(endpoint_url="http://127.0.0.1:1/"),
    ],
    ids=["refused", "closed"],
)
def test_connection_errors_on_the_first_poll_end_the_wait(error):
    fake = FakeTime()
    recorder = Recorder()
    with pytest.raises(type(error)):
        wait_for_job(Script([error]), WaitSettings(), recorder, clock=fake.clock, sleep=fake.sleep)
    assert recorder.closed >= 1


@pytest.mark.parametrize(
    "error",
    [
        client_error("ValidationException", 400),
        client_error("AccessDeniedException", 400),
        client_error("ExpiredTokenException", 400),
        NoCredentialsError(),
        ParamValidationError(report="bad"),
        SSLError(endpoint_url="https://127.0.0.1:1/", error="certificate verify failed"),
    ],
    ids=["validation", "access-denied", "expired-token", "no-credentials", "param-validation", "ssl"],
)
def test_other_errors_end_the_wait_even_after_a_success(error):
    fake = FakeTime()
    recorder = Recorder()
    describe = Script([job("InProgress"), error])
    with pytest.raises(type(error)):
        wait_for_job(describe, WaitSettings(), recorder, clock=fake.clock, sleep=fake.sleep)
    assert describe.calls == 2
    assert recorder.closed >= 1


@pytest.mark.parametrize(
    "error, connected, expected",
    [
        (client_error("ThrottlingException"), False, True),
        (client_error("Throttling"), False, True),
        (client_error("RequestLimitExceeded"), False, True),
        (client_error("ProvisionedThroughputExceededException"), False, True),
        (client_error("RequestTimeoutException", 408), False, True),
        (client_error("InternalFailure", 500), False, True),
        (client_error("ValidationException", 500), False, True),  # the status decides, as in botocore
        (client_error("Whatever", 502), False, True),
        (client_error("Whatever", 509), False, True),
        (client_error("Whatever", 429), False, True),
        (client_error("ValidationException", 400), True, False),
        (client_error("ResourceNotFound", 404), True, False),
        (client_error("AccessDeniedException", 403), True, False),
        (EndpointConnectionError(endpoint_url="u"), True, True),
        (EndpointConnectionError(endpoint_url="u"), False, False),
        (ReadTimeoutError(endpoint_url="u"), True, True),
        (ConnectTimeoutError(endpoint_url="u"), True, True),
        (SSLError(endpoint_url="u", error="e"), True, False),
        (NoCredentialsError(), True, False),
        (ValueError("x"), True, False),
    ],
)
def test_is_transient(error, connected, expected):
    assert is_transient(error, connected) is expected


# --------------------------------------------------------------------------- the time limit


def test_time_limit_gives_124_and_the_last_response():
    outcome, fake, describe, recorder = run([job("InProgress", "Training")], WaitSettings(poll_interval=30, timeout=100))
    assert outcome.exit_code == ExitCode.WAIT_TIMEOUT
    assert outcome.timed_out
    assert outcome.response == job("InProgress", "Training")
    # Polls at 0, 30, 60, 90 and a last one right at the deadline (100).
    assert fake.sleeps == [30, 30, 30, 10]
    assert describe.calls == 5
    assert recorder.events[-1] == ("finished", ExitCode.WAIT_TIMEOUT)


def test_the_last_poll_at_the_deadline_can_still_succeed():
    items = [job("InProgress")] * 4 + [job("Completed")]
    outcome, fake, _, _ = run(items, WaitSettings(poll_interval=30, timeout=100))
    assert outcome.exit_code == 0
    assert fake.sleeps == [30, 30, 30, 10]


def test_time_limit_with_only_failures_has_no_response():
    backoff = Backoff(base=1, cap=1, random=lambda: 1.0)
    outcome, _, _, _ = run([client_error("ThrottlingException")], WaitSettings(poll_interval=1, timeout=5), backoff)
    assert (outcome.exit_code, outcome.response) == (ExitCode.WAIT_TIMEOUT, None)


def test_slow_polls_count_against_the_limit():
    outcome, fake, describe, _ = run([job("InProgress")], WaitSettings(poll_interval=1, timeout=10), poll_cost=4)
    assert outcome.timed_out
    # 0-4 poll, sleep 1, 5-9 poll, sleep 1, 10-14 poll: past the deadline.
    assert describe.calls == 3
    assert fake.sleeps == [1, 1]


# --------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_reports_the_last_known_status():
    fake = FakeTime()
    recorder = Recorder()

    def sleep(seconds):
        fake.sleep(seconds)
        if len(fake.sleeps) == 2:
            raise KeyboardInterrupt

    describe = Script([job("InProgress", "Downloading"), job("InProgress", "Training")])
    with pytest.raises(Interrupted) as caught:
        wait_for_job(describe, WaitSettings(poll_interval=30), recorder, clock=fake.clock, sleep=sleep)
    assert str(caught.value) == (
        "Interrupted after waiting 1m; last known status of training job 'j': InProgress (Training)."
    )
    assert recorder.closed >= 1


def test_ctrl_c_before_any_response():
    fake = FakeTime()

    def describe():
        raise KeyboardInterrupt

    with pytest.raises(Interrupted) as caught:
        wait_for_job(describe, WaitSettings(), Recorder(), clock=fake.clock, sleep=fake.sleep)
    assert str(caught.value) == "Interrupted after waiting 0s; no status was received yet."


def test_ctrl_c_disguised_by_python_still_reports_the_status(monkeypatch):
    """Python 3.11 turns a KeyboardInterrupt raised in __set_name__ into a RuntimeError."""
    from awsml_cli.runtime import interrupts

    fake = FakeTime()
    monkeypatch.setattr(interrupts, "_received", True)  # the program's handler saw the Ctrl-C

    def sleep(seconds):
        fake.sleep(seconds)
        raise RuntimeError("Error calling __set_name__ on 'cached_property' instance 'x' in 'y'")

    describe = Script([job("InProgress", "Training")])
    with pytest.raises(Interrupted) as caught:
        wait_for_job(describe, WaitSettings(poll_interval=30), Recorder(), clock=fake.clock, sleep=sleep)
    assert str(caught.value).startswith("Interrupted after waiting 30s; last known status")


def test_other_errors_pass_through_without_a_ctrl_c():
    fake = FakeTime()

    def sleep(seconds):
        raise RuntimeError("not an interrupt")

    with pytest.raises(RuntimeError, match="not an interrupt"):
        wait_for_job(Script([job("InProgress", "Training")]), WaitSettings(), Recorder(), clock=fake.clock, sleep=sleep)


# --------------------------------------------------------------------------- plain progress lines


class FixedNow:
    def __init__(self):
        self.moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    def __call__(self):
        return self.moment


def transition(status, start, end=None, message=None):
    item = {"Status": status, "StartTime": start}
    if end is not None:
        item["EndTime"] = end
    if message is not None:
        item["StatusMessage"] = message
    return item


def test_plain_progress_lines():
    out = io.StringIO()
    progress = PlainProgress(out, "walk", now=FixedNow())
    t0 = 1718035297.693
    history = [
        transition("Starting", t0, t0 + 39, "Preparing the instances for training"),
        transition("Downloading", t0 + 39, t0 + 70, "Downloading input data"),
        transition("Training", t0 + 70, t0 + 191, "Training in progress."),
        transition("Uploading", t0 + 191, t0 + 214, "Uploading generated training model"),
        transition("Completed", t0 + 214, t0 + 214, "Training job completed"),
    ]

    def at(count, status, secondary):
        open_history = [dict(item) for item in history[:count]]
        if status == "InProgress" and open_history:
            open_history[-1].pop("EndTime", None)
        return {"TrainingJobName": "walk", "TrainingJobStatus": status, "SecondaryStatus": secondary,
                "SecondaryStatusTransitions": open_history}

    progress.started(WaitSettings(poll_interval=0.05))
    progress.observed(at(0, "InProgress", "Starting"))
    progress.observed(at(1, "InProgress", "Starting"))
    progress.observed(at(1, "InProgress", "Starting"))  # nothing changed: no line
    progress.retrying(client_error("ThrottlingException", message="Rate exceeded"), 0.0731)
    progress.observed(at(3, "InProgress", "Training"))  # two transitions between polls: both reported
    progress.observed(at(4, "InProgress", "Uploading"))
    final = at(5, "Completed", "Completed")
    progress.observed(final)
    progress.finished(Outcome(0, final, waited=12.3))
    assert out.getvalue() == (
        "2025-01-02 03:04:05 UTC  Waiting for training job 'walk' (polling every 0.05s, no time limit)\n"
        "2025-01-02 03:04:05 UTC  Status InProgress (Starting)\n"
        "2024-06-10 16:01:37 UTC  Starting - Preparing the instances for training\n"
        "2025-01-02 03:04:05 UTC  Polling failed, trying again in 0.1s: An error occurred (ThrottlingException) "
        "when calling the DescribeTrainingJob operation: Rate exceeded\n"
        "2024-06-10 16:02:16 UTC  Downloading - Downloading input data\n"
        "2024-06-10 16:02:47 UTC  Training - Training in progress.\n"
        "2024-06-10 16:04:48 UTC  Uploading - Uploading generated training model\n"
        "2024-06-10 16:05:11 UTC  Completed - Training job completed\n"
        "2025-01-02 03:04:05 UTC  Training job 'walk' ended: Completed (waited 12s)\n"
    )


def test_plain_progress_status_changes_without_transitions():
    out = io.StringIO()
    progress = PlainProgress(out, None, now=FixedNow())
    progress.observed({"TrainingJobName": "x", "TrainingJobStatus": "InProgress", "SecondaryStatus": "Pending"})
    progress.observed({"TrainingJobName": "x", "TrainingJobStatus": "InProgress", "SecondaryStatus": "Starting"})
    progress.observed({"TrainingJobName": "x", "TrainingJobStatus": "Stopping", "SecondaryStatus": "Stopping"})
    assert out.getvalue().splitlines() == [
        "2025-01-02 03:04:05 UTC  Status InProgress (Pending)",
        "2025-01-02 03:04:05 UTC  Status InProgress (Starting)",
        "2025-01-02 03:04:05 UTC  Status Stopping",
    ]


def test_plain_progress_failure_reason_in_full_and_neutralised():
    out = io.StringIO()
    progress = PlainProgress(out, "bad\x1b[2Jjob", now=FixedNow())
    final = {
        "TrainingJobName": "bad\x1b[2Jjob",
        "TrainingJobStatus": "Failed",
        "SecondaryStatus": "Failed",
        "FailureReason": "AlgorithmError: boom\n\tat line 1\x1b[31m red\x07\nlast line",
        "SecondaryStatusTransitions": [transition("Failed", 1700000000, 1700000000, "Training job failed\x1b]0;x\x07")],
    }
    progress.observed(final)
    progress.finished(Outcome(3, final, waited=61))
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert text.splitlines()[-6:] == [
        "2023-11-14 22:13:20 UTC  Failed - Training job failed\\x1b]0;x\\x07",
        "2025-01-02 03:04:05 UTC  Training job 'bad\\x1b[2Jjob' ended: Failed (waited 1m 1s)",
        "FailureReason:",
        "    AlgorithmError: boom",
        "        at line 1\\x1b[31m red\\x07",
        "    last line",
    ][-6:]


def test_plain_progress_timeout_lines():
    out = io.StringIO()
    progress = PlainProgress(out, "x", now=FixedNow())
    progress.finished(Outcome(124, job("InProgress", "Training"), waited=3600, timed_out=True))
    progress.finished(Outcome(124, None, waited=5, timed_out=True))
    assert out.getvalue().splitlines() == [
        "2025-01-02 03:04:05 UTC  Gave up waiting after 1h (--wait-timeout): training job 'x' is still InProgress (Training)",
        "2025-01-02 03:04:05 UTC  Gave up waiting after 5s (--wait-timeout): no status was received",
    ]


def test_plain_progress_survives_a_closed_stream():
    out = io.StringIO()
    out.close()
    progress = PlainProgress(out, "x", now=FixedNow())
    progress.started(WaitSettings())
    progress.observed(job("InProgress"))
    progress.finished(Outcome(3, job("Failed", FailureReason="x"), waited=1))


@pytest.mark.parametrize(
    "settings, text",
    [
        (WaitSettings(), "polling every 30s, no time limit"),
        (WaitSettings(poll_interval=0.05, timeout=7200), "polling every 0.05s, time limit 2h"),
        (WaitSettings(poll_interval=90, timeout=None), "polling every 1m 30s, no time limit"),
    ],
)
def test_describe_settings(settings, text):
    assert describe_settings(settings) == text


def test_choose_plain_for_pipes_and_debug(monkeypatch):
    import os
    import pty

    assert isinstance(choose(io.StringIO(), "x"), PlainProgress)
    master, slave = pty.openpty()
    try:
        with os.fdopen(slave, "w", closefd=False) as tty:
            monkeypatch.setenv("TERM", "xterm")
            assert not isinstance(choose(tty, "x"), PlainProgress)
            assert isinstance(choose(tty, "x", debug=True), PlainProgress)
            monkeypatch.setenv("TERM", "dumb")
            assert isinstance(choose(tty, "x"), PlainProgress)
    finally:
        os.close(master)
        os.close(slave)


# --------------------------------------------------------------------------- the --logs hook


def test_the_logs_hook_sees_each_response_and_reads_to_the_end_before_the_end_is_reported():
    fake = FakeTime()
    items = [job("InProgress", "Training"), client_error("ThrottlingException"), job("InProgress"), job("Failed")]
    recorder = Recorder()
    phases = []

    def follow(response, phase):
        phases.append((phase, response["TrainingJobStatus"]))
        recorder.events.append(("follow", phase))

    outcome = wait_for_job(Script(items, fake), WaitSettings(poll_interval=30), recorder, clock=fake.clock,
                           sleep=fake.sleep, backoff=Backoff(base=1, cap=1, random=lambda: 1.0), follow=follow)
    assert outcome.exit_code == 3
    assert phases == [("poll", "InProgress"), ("poll", "InProgress"), ("final", "Failed")]
    assert recorder.events.index(("follow", "final")) < recorder.events.index(("finished", 3))


def test_the_logs_hook_reads_what_is_there_when_the_time_runs_out():
    fake = FakeTime()
    phases = []
    wait_for_job(Script([job("InProgress", "Training")], fake), WaitSettings(poll_interval=30, timeout=100),
                 Recorder(), clock=fake.clock, sleep=fake.sleep, follow=lambda r, phase: phases.append(phase))
    assert phases[-1] == "timeout" and set(phases[:-1]) == {"poll"}
