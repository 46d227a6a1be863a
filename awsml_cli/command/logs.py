"""``--logs``: the training job's own output, read from CloudWatch Logs.

SageMaker writes what a training job prints to the log group
``/aws/sagemaker/TrainingJobs``, one stream per instance and attempt, named
``<job>/algo-<n>-<epoch seconds>``. :class:`JobLogs` finds the job's streams and
reads them forward with each stream's ``nextForwardToken``, so that across
polls, throttling and retried requests no event is printed twice and none is
skipped: a token moves on only when its page has been handed out.

Pacing, for a fleet of CI jobs sharing an account's CloudWatch Logs quotas:
``DescribeLogStreams`` (5 requests per second per account) runs on the first
poll and then every few polls, not on every one; each poll makes one
``GetLogEvents`` per stream, more only while a stream has a backlog (a full
page). Pages are capped at :data:`PAGE_LIMIT` events, which bounds memory
whatever the size of the log.

Within a poll, events of all streams come out in timestamp order, merged as
they are read with at most one page per stream held (so memory does not grow
with the length of the log): a stream whose page has run out is read again
before anything newer from another stream is handed out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple

LOG_GROUP = "/aws/sagemaker/TrainingJobs"
# Events per GetLogEvents call (CloudWatch allows up to 10,000): small enough that
# eight streams' pages stay a few MiB, large enough to keep up with a chatty job.
PAGE_LIMIT = 1000
# DescribeLogStreams on the first poll, then on every DISCOVER_EVERY-th.
DISCOVER_EVERY = 4
# A stream with a backlog is read at most this many times in one poll; the rest
# waits for the next poll, so one noisy stream cannot starve the status checks.
MAX_ROUNDS_PER_POLL = 20
# After the job has ended, events still reach CloudWatch for a few seconds.
LATE_EVENT_GRACE = 5.0
LATE_EVENT_CHECKS = 3
# Reads that failed for a transient reason (after botocore's own retries) when
# everything must be read now (at the end of a job, or without --wait).
TRANSIENT_RETRIES = 5

_EPOCH_SUFFIX = re.compile(r"^(?P<instance>.+)-\d{9,}$")


class LogEvent(NamedTuple):
    timestamp: int  # milliseconds since the epoch
    stream: int  # the order in which the stream was found
    instance: str  # "algo-1"
    message: str


class LogsUnavailable(Exception):
    """The job's logs cannot be read at all (access denied, bad credentials...)."""


@dataclass(eq=False)
class _Stream:
    name: str
    instance: str
    index: int
    token: str | None = None
    tail: bool = False  # start from the last lines, not from the head


def instance_name(stream_name: str, job_name: str) -> str:
    """``algo-1`` for ``job/algo-1-1700000000``; the part after the job otherwise."""
    rest = stream_name[len(job_name) + 1 :] if stream_name.startswith(job_name + "/") else stream_name
    match = _EPOCH_SUFFIX.match(rest)
    return match.group("instance") if match else rest


def error_code(error: BaseException) -> str | None:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return (response.get("Error") or {}).get("Code")
    return None


class JobLogs:
    """The log streams of one training job, each read forward from where it was left."""

    def __init__(
        self,
        client,
        job_name: str,
        *,
        tail: int | None = None,
        is_transient: Callable[[BaseException, bool], bool],
        page_limit: int = PAGE_LIMIT,
        discover_every: int = DISCOVER_EVERY,
    ):
        self.client = client
        self.job_name = job_name
        self.tail = tail
        self.is_transient = is_transient
        self.page_limit = page_limit
        self.discover_every = discover_every
        self.streams: dict[str, _Stream] = {}
        self.polls = 0
        self.instances = 1  # the job's instances (ResourceConfig), once known
        self._failed = False  # a read in the last round failed for a transient reason
        self.connected = False  # a log request has been answered (then a dropped connection is a blip)
        self.last_error: BaseException | None = None

    # -- finding streams -----------------------------------------------------------------

    def discover(self) -> None:
        """Add the job's streams not seen yet (a new instance, a new attempt)."""
        first = not self.streams and self.polls == 0
        request = {"logGroupName": LOG_GROUP, "logStreamNamePrefix": self.job_name + "/"}
        found = []
        while True:
            try:
                page = self.client.describe_log_streams(**request)
            except Exception as exc:  # noqa: BLE001 - sorted just below
                if error_code(exc) == "ResourceNotFoundException":
                    self.connected = True
                    return  # no log group yet: the job has not printed anything
                if self.is_transient(exc, self.connected):
                    self.last_error = exc
                    return  # found on a later poll
                raise LogsUnavailable(_first_line(exc)) from exc
            self.connected = True
            found.extend(stream.get("logStreamName") for stream in page.get("logStreams") or [])
            token = page.get("nextToken")
            if not token or token == request.get("nextToken"):
                break
            request["nextToken"] = token
        for name in sorted(name for name in found if isinstance(name, str)):
            if name not in self.streams:
                self.streams[name] = _Stream(
                    name,
                    instance_name(name, self.job_name),
                    len(self.streams),
                    tail=first and self.tail is not None,
                )

    @property
    def labelled(self) -> bool:
        """Whether lines need their instance's name: several instances or streams."""
        return self.instances > 1 or len(self.streams) > 1

    # -- reading -------------------------------------------------------------------------

    def poll(self, emit: Callable[[list[LogEvent]], None]) -> None:
        """One poll: find new streams now and then, then read every stream once (more
        while a stream has a backlog), handing ``emit`` the events in timestamp order."""
        if self.polls % self.discover_every == 0:
            self.discover()
        self.polls += 1
        self._merge(emit, MAX_ROUNDS_PER_POLL)

    def drain(self, emit: Callable[[list[LogEvent]], None], sleep: Callable[[float], object],
              grace: float = LATE_EVENT_GRACE) -> None:
        """Read everything there is, then wait for late events: the job has ended, but its last
        lines may reach CloudWatch seconds later. Ends after a check that found nothing new."""
        self.read_all(emit, sleep, grace)
        for _ in range(LATE_EVENT_CHECKS):
            sleep(grace)
            if not self.read_all(emit, sleep, grace):
                break

    def read_all(self, emit, sleep: Callable[[float], object], pause: float = LATE_EVENT_GRACE) -> bool:
        """Find the streams, then read each to its end; a read that failed for a transient
        reason is tried again after a pause that doubles (a few times), so that lines are
        not left behind. Whether anything new came."""
        count = [0]

        def counting(events: list[LogEvent]) -> None:
            count[0] += len(events)
            emit(events)

        before = len(self.streams)
        self.discover()
        failures = 0
        while True:
            more = self._merge(counting, None)
            if self._failed:
                if failures == TRANSIENT_RETRIES:
                    raise LogsUnavailable(f"{_first_line(self.last_error)} (tried {failures + 1} times)")
                failures += 1
                sleep(pause * 2 ** (failures - 1))
                continue
            if not more:
                break
        return count[0] > 0 or len(self.streams) > before

    def _merge(self, emit, max_reads: int | None) -> bool:
        """Read the streams and hand out their events in timestamp order, holding at most
        one page per stream: the event that comes next is the earliest of the streams'
        first unread events, which is known only while every stream that may have more
        has some read. A stream whose page ran out is read again before anything newer
        is handed out. ``max_reads``: reads per stream (None: until caught up). Whether
        some stream was left with a backlog."""
        import heapq
        from collections import deque

        self._failed = False
        streams = list(self.streams.values())
        pending = {stream.index: deque() for stream in streams}
        reads = dict.fromkeys(pending, 0)
        caught_up: set[int] = set()
        heads: list = []

        def read(stream: _Stream) -> None:
            reads[stream.index] += 1
            page = self._read(stream)
            if page is None:  # not there, or failed for now: nothing more from it in this pass
                caught_up.add(stream.index)
                return
            batch = page.get("events") or []
            token = page.get("nextForwardToken")
            moved = bool(token) and token != stream.token
            if token:
                stream.token = token
            # A full page means a backlog; so can an empty page with a new token.
            if not (moved and (len(batch) >= self.page_limit or not batch)):
                caught_up.add(stream.index)
            queue = pending[stream.index]
            for event in batch:
                timestamp = event.get("timestamp")
                queue.append(LogEvent(timestamp if isinstance(timestamp, int) else 0, stream.index,
                                      stream.instance, str(event.get("message", ""))))
            if queue:
                heapq.heappush(heads, (queue[0].timestamp, stream.index, stream))

        def may_read(stream: _Stream) -> bool:
            return stream.index not in caught_up and (max_reads is None or reads[stream.index] < max_reads)

        def read_until_some(stream: _Stream) -> None:
            read(stream)
            while not pending[stream.index] and may_read(stream):
                read(stream)  # an empty page that moved on: there may be more behind it

        for stream in streams:
            read_until_some(stream)
        out: list[LogEvent] = []
        while heads:
            _, index, stream = heapq.heappop(heads)
            queue = pending[index]
            out.append(queue.popleft())
            if not queue and may_read(stream):
                emit(out)  # what is certain so far, before this stream's next page
                out = []
                read_until_some(stream)
            elif queue:
                heapq.heappush(heads, (queue[0].timestamp, index, stream))
            if len(out) >= self.page_limit:
                emit(out)
                out = []
        if out:
            emit(out)
        return any(stream.index not in caught_up for stream in streams)

    def _read(self, stream: _Stream) -> dict | None:
        request = {"logGroupName": LOG_GROUP, "logStreamName": stream.name, "limit": self.page_limit}
        if stream.token:
            request.update(nextToken=stream.token, startFromHead=True)
        elif stream.tail:
            # The last lines: read backwards once, then forward from there.
            request.update(startFromHead=False, limit=max(1, min(self.tail or 1, 10000)))
        else:
            request.update(startFromHead=True)
        try:
            page = self.client.get_log_events(**request)
        except Exception as exc:  # noqa: BLE001 - sorted just below
            if error_code(exc) == "ResourceNotFoundException":
                return None  # the stream is gone (or not there yet)
            if self.is_transient(exc, self.connected):
                self._failed = True
                self.last_error = exc
                return None  # the token stays: the next read asks for the same page again
            raise LogsUnavailable(_first_line(exc)) from exc
        self.connected = True
        if stream.tail and not stream.token:
            stream.tail = False
            if self.tail == 0:
                page = {**page, "events": []}  # only the position: from now on
        return page


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# ----------------------------------------------------------------------------- printing

# Instance colours on a terminal: distinct, readable on dark and light backgrounds.
_COLOURS = ("36", "33", "35", "32", "34", "31", "96", "93")


class LogPrinter:
    """Log events as lines: ``[algo-1] message`` when the job has several streams,
    the instance's name coloured on a terminal (a colour per instance)."""

    def __init__(self, write: Callable[[str], object], *, colour: bool, labelled: Callable[[], bool]):
        self.write = write
        self.colour = colour
        self.labelled = labelled
        self.lines = 0

    def __call__(self, events: Iterable[LogEvent]) -> None:
        labelled = self.labelled()
        chunk = []
        for event in events:
            prefix = ""
            if labelled:
                label = f"[{event.instance}]"
                if self.colour:
                    label = f"\x1b[{_COLOURS[event.stream % len(_COLOURS)]}m{label}\x1b[0m"
                prefix = label + " "
            message = event.message[:-1] if event.message.endswith("\n") else event.message
            for line in message.split("\n"):
                chunk.append(prefix + line + "\n")
                self.lines += 1
        if chunk:
            self.write("".join(chunk))


# ----------------------------------------------------------------------------- the command's side


def console_url(region: str, job_name: str) -> str:
    """The CloudWatch console page of the job's streams (the log group, filtered by the job's prefix)."""
    from urllib.parse import quote

    host = "console.amazonaws.cn" if region.startswith("cn-") else (
        "console.amazonaws-us-gov.com" if region.startswith("us-gov-") else f"{region}.console.aws.amazon.com"
    )

    def console_quote(text: str) -> str:
        # The console's own escaping of a path inside its fragment: "%" written as "$25".
        return quote(text, safe="").replace("%", "$25")

    fragment = f"logsV2:log-groups/log-group/{console_quote(LOG_GROUP)}$3FlogStreamNameFilter$3D{console_quote(job_name + '/')}"
    return f"https://{host}/cloudwatch/home?region={region}#{fragment}"


def where_the_logs_are(region: str, job_name: str) -> str:
    return f"Logs: {LOG_GROUP}, streams {job_name}/...\n  {console_url(region, job_name)}\n"


class Follower:
    """``--logs`` for one describe call: the job's streams read at each step of the command,
    printed on stderr (through the --wait progress display when there is one)."""

    def __init__(self, make_client: Callable[[], object], job_name: str, *, tail: int | None, colour: bool,
                 write: Callable[[str], object], warn: Callable[[str], object],
                 sleep: Callable[[float], object], grace: float = LATE_EVENT_GRACE):
        from awsml_cli.command.wait import is_transient

        self.logs = JobLogs(None, job_name, tail=tail, is_transient=is_transient)
        self.make_client = make_client
        self.printer = LogPrinter(write, colour=colour, labelled=lambda: self.logs.labelled)
        self.warn = warn
        self.sleep = sleep
        self.grace = grace
        self.off = False

    def _step(self, response: dict | None, read) -> None:
        if self.off:
            return
        if isinstance(response, dict):
            from awsml_cli.command.jobfacts import instance_count

            count = instance_count(response)  # heterogeneous instance groups counted too
            if count is not None:
                self.logs.instances = count
        try:
            if self.logs.client is None:
                self.logs.client = self.make_client()
            read()
        except LogsUnavailable as exc:
            self.off = True
            self.warn(f"awsml: the job's logs cannot be read ({exc}); going on without them\n")

    def once(self, response: dict) -> None:
        """Without --wait: everything the streams hold now."""
        self._step(response, lambda: self.logs.read_all(self.printer, self.sleep, pause=0.5))

    def __call__(self, response: dict | None, phase: str) -> None:
        """The --wait hook: ``poll`` (the job runs), ``final`` (it has ended: read to the end,
        then wait a little for late lines) or ``timeout`` (--wait-timeout: what is there now)."""
        if phase == "poll":
            self._step(response, lambda: self.logs.poll(self.printer))
        elif phase == "final":
            self._step(response, lambda: self.logs.drain(self.printer, self.sleep, self.grace))
        else:
            self._step(response, lambda: self.logs.read_all(self.printer, self.sleep, pause=0.5))
