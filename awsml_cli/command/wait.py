"""``--wait``: poll DescribeTrainingJob until the job ends, with honest exit codes.

aws v1's own waiter polls every 120 s at most 180 times, treats Stopped as
success, prints nothing while it waits and exits 255 for a failed job and for
a timeout alike.  This loop instead:

* polls every ``--poll-interval`` seconds (default 30) until TrainingJobStatus
  is Completed, Failed or Stopped, with no cap on the number of polls;
* returns the exit status the outcome deserves (0, 3 Failed, 4 Stopped,
  124 when ``--wait-timeout`` ran out);
* reports each change of status on stderr through a progress reporter
  (:mod:`awsml_cli.output.progress`), so CI watchdogs see life;
* rides out trouble that is not the job's: each poll is a normal botocore call,
  retried per the retry configuration (``AWS_MAX_ATTEMPTS``, ``AWS_RETRY_MODE``);
  when throttling, a 5xx or a dropped connection survives those retries, the
  loop backs off with jitter and polls again instead of giving up.  Anything
  else (ValidationException, missing credentials, ...) ends the wait and is
  reported by :func:`awsml_cli.errors.report` exactly as without ``--wait``.

Connection failures before the first successful poll are not ridden out: at
that point nothing is known about the job, and an unreachable endpoint is far
more likely a wrong ``--endpoint-url`` or region than a blip.

The clock, the sleep and the randomness of the back-off are parameters, so
tests run the loop at full speed and check the back-off exactly.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from awsml_cli import names
from awsml_cli.runtime import interrupts
from awsml_cli.errors import ExitCode, Interrupted

DEFAULT_POLL_INTERVAL = 30.0

# The final statuses and the exit status each one deserves.
EXIT_CODES = dict(zip(names.FINAL_STATUSES, (ExitCode.OK, ExitCode.JOB_FAILED, ExitCode.JOB_STOPPED), strict=True))

# Error codes that mean "too many requests" or "try again", as botocore's legacy
# and standard retry modes know them.
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


@dataclass(frozen=True)
class WaitSettings:
    poll_interval: float = DEFAULT_POLL_INTERVAL
    # Wall-clock seconds; None (or 0 on the command line) means no limit.
    timeout: float | None = None


@dataclass
class Backoff:
    """The pause after the n-th poll in a row that failed for a transient reason.

    Exponential from ``base`` (``base × 2ⁿ``), capped at ``cap``, then jittered
    to between half and all of that, so that many waiting pipelines throttled
    together do not all come back at the same moment.
    """

    base: float
    cap: float
    random: Callable[[], float] = random.random

    @classmethod
    def for_interval(cls, poll_interval: float) -> "Backoff":
        # Scaled from the poll interval: 30 s polls back off 60 s, 120 s, 240 s,
        # then 300 s at most; never less than one poll interval.
        return cls(base=poll_interval, cap=max(poll_interval, min(10 * poll_interval, 300.0)))

    def ceiling(self, failures: int) -> float:
        return min(self.cap, self.base * 2 ** min(failures, 64))

    def delay(self, failures: int) -> float:
        return self.ceiling(failures) * (0.5 + 0.5 * self.random())


class Progress(Protocol):
    """What the wait loop tells the person (or the CI log) watching it."""

    def started(self, settings: WaitSettings) -> None: ...

    def observed(self, response: dict) -> None: ...

    def retrying(self, error: BaseException, delay: float) -> None: ...

    def log(self, text: str) -> None: ...  # the job's own lines (--logs)

    def finished(self, outcome: "Outcome") -> None: ...

    def close(self) -> None: ...


@dataclass
class Outcome:
    exit_code: int
    # The last response received (the final one unless the wait timed out); None
    # when the wait timed out before any poll succeeded.
    response: dict | None
    waited: float
    timed_out: bool = False

    @property
    def status(self) -> str | None:
        return self.response.get("TrainingJobStatus") if self.response else None


@dataclass
class _State:
    last: dict | None = None
    failures: int = 0


def is_transient(error: BaseException, connected: bool) -> bool:
    """Whether a poll that failed (after botocore's own retries) is worth repeating."""
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
        SSLError,
    )

    if isinstance(error, ClientError):
        response = error.response or {}
        code = (response.get("Error") or {}).get("Code")
        status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        if code in THROTTLING_CODES or code in TRANSIENT_CODES:
            return True
        return isinstance(status, int) and (status == 429 or status >= 500)
    if isinstance(error, SSLError):
        return False  # a certificate problem does not go away by waiting
    if isinstance(error, (EndpointConnectionError, ConnectionClosedError, ReadTimeoutError, ConnectTimeoutError)):
        return connected
    return False


def wait_for_job(
    describe: Callable[[], dict],
    settings: WaitSettings,
    progress: Progress,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Any] = time.sleep,
    backoff: Backoff | None = None,
    follow: Callable[[dict | None, str], Any] | None = None,
) -> Outcome:
    """Poll ``describe`` until the job ends or the time runs out.

    Ctrl-C becomes :class:`awsml_cli.errors.Interrupted` carrying the last
    known status (also when Python turned its KeyboardInterrupt into another
    exception); every other exception is passed on after the progress display
    has been closed.

    ``follow`` (``--logs``) is called after each response with the phase:
    ``poll`` while the job runs, ``final`` once it has ended (before the end is
    reported, so that the job's last lines come first), ``timeout`` when the time
    ran out.
    """
    backoff = backoff or Backoff.for_interval(settings.poll_interval)
    started = clock()
    deadline = started + settings.timeout if settings.timeout else None
    state = _State()
    try:
        progress.started(settings)
        while True:
            error = None
            try:
                response = describe()
            except Exception as exc:  # noqa: BLE001 - sorted into transient or not just below
                if not is_transient(exc, connected=state.last is not None):
                    raise
                error = exc
                state.failures += 1
                delay = backoff.delay(state.failures)
            else:
                state.failures = 0
                state.last = response
                progress.observed(response)
                status = response.get("TrainingJobStatus")
                final = EXIT_CODES.get(status) if isinstance(status, str) else None
                if follow is not None:
                    follow(response, "poll" if final is None else "final")
                if final is not None:
                    outcome = Outcome(int(final), response, clock() - started)
                    progress.finished(outcome)
                    return outcome
                delay = settings.poll_interval
            if deadline is not None:
                left = deadline - clock()
                if left <= 0:
                    if follow is not None:
                        follow(state.last, "timeout")
                    outcome = Outcome(int(ExitCode.WAIT_TIMEOUT), state.last, clock() - started, timed_out=True)
                    progress.finished(outcome)
                    return outcome
                # One last poll right at the deadline: the job may just have ended.
                delay = min(delay, left)
            if error is not None:
                progress.retrying(error, delay)
            sleep(delay)
    except BaseException as exc:
        # A Ctrl-C, also when Python disguised its KeyboardInterrupt (awsml_cli.runtime.interrupts).
        if not (isinstance(exc, KeyboardInterrupt) or interrupts.received()):
            raise
        progress.close()
        raise Interrupted(interrupted_message(state.last, clock() - started)) from None
    finally:
        progress.close()


def interrupted_message(last: dict | None, waited: float) -> str:
    from awsml_cli.command.jobfacts import clean, format_duration, status_text

    if last is None:
        return f"Interrupted after waiting {format_duration(waited)}; no status was received yet."
    name = last.get("TrainingJobName")
    job = f"training job '{clean(name)}'" if name is not None else "the training job"
    return (
        f"Interrupted after waiting {format_duration(waited)}; "
        f"last known status of {job}: {status_text(last) or 'unknown'}."
    )
