"""JobLogs against an in-memory CloudWatch Logs: order, no loss, no repeats, pacing, faults."""

from __future__ import annotations

import itertools
import random

import pytest

from awsml_cli.command import logs
from awsml_cli.command.logs import JobLogs, LogEvent, LogPrinter, LogsUnavailable, instance_name

JOB = "job"


class Fault(Exception):
    def __init__(self, code: str, status: int = 400):
        super().__init__(f"An error occurred ({code})")
        self.response = {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}


def transient(error: BaseException, connected: bool = True) -> bool:
    code = logs.error_code(error)
    return code in ("ThrottlingException", "ServiceUnavailableException")


class FakeLogs:
    """CloudWatch Logs' paging rules: forward tokens name a position; a read past the end
    returns the same token; a backward read (startFromHead=false) returns the last events."""

    def __init__(self, page_size_cap: int = 10_000, streams_per_page: int = 2):
        self.streams: dict[str, list[dict]] = {}
        self.group = True
        self.calls: list[tuple] = []
        self.faults: list = []  # (operation, stream or None, error), used once each
        self.cap = page_size_cap
        self.streams_per_page = streams_per_page

    def add(self, stream: str, *messages: str, start: int = 0, step: int = 1) -> None:
        events = self.streams.setdefault(stream, [])
        base = events[-1]["timestamp"] + step if events and not start else start
        events.extend({"timestamp": base + i * step, "message": m} for i, m in enumerate(messages))

    def _fault(self, operation, stream):
        for index, (op, name, error) in enumerate(self.faults):
            if op == operation and name in (None, stream):
                del self.faults[index]
                raise error

    def describe_log_streams(self, logGroupName, logStreamNamePrefix, nextToken=None):
        self.calls.append(("DescribeLogStreams", nextToken))
        self._fault("DescribeLogStreams", None)
        if not self.group:
            raise Fault("ResourceNotFoundException")
        names = sorted(n for n in self.streams if n.startswith(logStreamNamePrefix))
        start = int(nextToken or 0)
        page = names[start : start + self.streams_per_page]
        reply = {"logStreams": [{"logStreamName": n} for n in page]}
        if start + self.streams_per_page < len(names):
            reply["nextToken"] = str(start + self.streams_per_page)
        return reply

    def get_log_events(self, logGroupName, logStreamName, limit, startFromHead, nextToken=None):
        self.calls.append(("GetLogEvents", logStreamName, nextToken, startFromHead, limit))
        self._fault("GetLogEvents", logStreamName)
        events = self.streams.get(logStreamName)
        if events is None:
            raise Fault("ResourceNotFoundException")
        limit = min(limit, self.cap)
        if nextToken:
            position = int(nextToken.split("/")[1])
            batch = events[position : position + limit]
            return {"events": batch, "nextForwardToken": f"f/{position + len(batch)}", "nextBackwardToken": "b/0"}
        if startFromHead:
            batch = events[:limit]
            return {"events": batch, "nextForwardToken": f"f/{len(batch)}", "nextBackwardToken": "b/0"}
        batch = events[-limit:]
        return {"events": batch, "nextForwardToken": f"f/{len(events)}", "nextBackwardToken": "b/0"}


def follow(fake, **kwargs) -> tuple[JobLogs, list[LogEvent]]:
    seen: list[LogEvent] = []
    return JobLogs(fake, JOB, is_transient=transient, **kwargs), seen


def messages(events) -> list[str]:
    return [event.message for event in events]


def test_instance_names():
    assert instance_name("job/algo-1-1700000000", "job") == "algo-1"
    assert instance_name("job/algo-12-1700000000", "job") == "algo-12"
    assert instance_name("job/custom", "job") == "custom"


def test_every_event_of_every_stream_once_in_timestamp_order():
    fake = FakeLogs()
    fake.add("job/algo-1-1700000000", *[f"a{i}" for i in range(5)], start=1000, step=2)
    fake.add("job/algo-2-1700000000", *[f"b{i}" for i in range(5)], start=1001, step=2)
    fake.add("other-job/algo-1-1700000000", "not ours", start=1000)
    follower, seen = follow(fake)
    follower.poll(seen.extend)
    assert messages(seen) == ["a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3", "a4", "b4"]
    assert [e.instance for e in seen[:2]] == ["algo-1", "algo-2"]
    follower.poll(seen.extend)
    assert len(seen) == 10  # nothing again


def test_new_events_and_late_streams_are_picked_up():
    fake = FakeLogs()
    fake.add("job/algo-1-1700000000", "a0", start=1000)
    follower, seen = follow(fake, discover_every=2)
    follower.poll(seen.extend)  # discovers
    fake.add("job/algo-1-1700000000", "a1")
    fake.add("job/algo-2-1700000000", "b0", start=1500)
    follower.poll(seen.extend)  # no discovery on this poll: a1 only
    assert messages(seen) == ["a0", "a1"]
    follower.poll(seen.extend)  # discovery again
    assert messages(seen) == ["a0", "a1", "b0"]


def test_discovery_is_paced_and_paginated():
    fake = FakeLogs(streams_per_page=2)
    for n in range(5):
        fake.add(f"job/algo-{n + 1}-1700000000", f"m{n}", start=1000 + n)
    follower, seen = follow(fake, discover_every=4)
    for _ in range(8):
        follower.poll(seen.extend)
    describe_calls = [c for c in fake.calls if c[0] == "DescribeLogStreams"]
    assert len(describe_calls) == 2 * 3  # polls 0 and 4, three pages each
    assert messages(seen) == [f"m{n}" for n in range(5)]
    # One GetLogEvents per stream per poll when there is no backlog.
    assert len([c for c in fake.calls if c[0] == "GetLogEvents"]) == 8 * 5


def test_backlog_is_read_in_pages_and_kept_in_order():
    fake = FakeLogs()
    fake.add("job/algo-1-1", *[f"a{i}" for i in range(2500)], start=0, step=2)
    fake.add("job/algo-2-1", *[f"b{i}" for i in range(30)], start=1, step=2)
    follower, seen = follow(fake, page_limit=100)
    follower.poll(seen.extend)
    stamps = [event.timestamp for event in seen]
    assert stamps == sorted(stamps)
    assert len(seen) == 100 * logs.MAX_ROUNDS_PER_POLL + 30  # the rest waits for the next poll
    follower.drain(seen.extend, sleep=lambda s: None)
    assert sorted(messages(seen)) == sorted([f"a{i}" for i in range(2500)] + [f"b{i}" for i in range(30)])
    assert len(seen) == 2530


@pytest.mark.parametrize("code", ["ThrottlingException", "ServiceUnavailableException"])
def test_throttling_loses_nothing_and_repeats_nothing(code):
    fake = FakeLogs()
    fake.add("job/algo-1-1", "a0", "a1", start=0)
    fake.add("job/algo-2-1", "b0", start=5)
    follower, seen = follow(fake)
    fake.faults = [("GetLogEvents", "job/algo-1-1", Fault(code, 400 if code.startswith("Thr") else 503))]
    follower.poll(seen.extend)
    assert messages(seen) == ["b0"]
    fake.add("job/algo-1-1", "a2")
    follower.poll(seen.extend)
    assert messages(seen) == ["b0", "a0", "a1", "a2"]
    fake.faults = [("DescribeLogStreams", None, Fault("ThrottlingException"))]
    follower.discover()  # a throttled discovery is tried again later, not fatal


def test_no_log_group_yet_means_no_logs_yet():
    fake = FakeLogs()
    fake.group = False
    follower, seen = follow(fake)
    follower.poll(seen.extend)
    assert seen == [] and follower.streams == {}


def test_access_denied_is_reported_once_as_unavailable():
    fake = FakeLogs()
    fake.faults = [("DescribeLogStreams", None, Fault("AccessDeniedException"))]
    follower, seen = follow(fake)
    with pytest.raises(LogsUnavailable, match="AccessDeniedException"):
        follower.poll(seen.extend)


def test_tail_gives_the_last_lines_of_each_stream_then_follows():
    fake = FakeLogs()
    fake.add("job/algo-1-1", *[f"a{i}" for i in range(50)], start=0)
    fake.add("job/algo-2-1", *[f"b{i}" for i in range(3)], start=100)
    follower, seen = follow(fake, tail=5)
    follower.poll(seen.extend)
    assert messages(seen) == ["a45", "a46", "a47", "a48", "a49", "b0", "b1", "b2"]
    fake.add("job/algo-1-1", "a50")
    fake.add("job/algo-3-1", "c0", start=200)  # a stream found later is read from its start
    for _ in range(4):
        follower.poll(seen.extend)
    assert messages(seen)[8:] == ["a50", "c0"]


def test_tail_zero_starts_from_now():
    fake = FakeLogs()
    fake.add("job/algo-1-1", "old", start=0)
    follower, seen = follow(fake, tail=0)
    follower.poll(seen.extend)
    fake.add("job/algo-1-1", "new")
    follower.poll(seen.extend)
    assert messages(seen) == ["new"]


def test_drain_waits_for_late_events_and_stops_when_quiet():
    fake = FakeLogs()
    fake.add("job/algo-1-1", "a0", start=0)
    follower, seen = follow(fake)
    follower.poll(seen.extend)
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 1:
            fake.add("job/algo-1-1", "late")

    follower.drain(seen.extend, sleep=sleep)
    assert messages(seen) == ["a0", "late"]
    assert len(sleeps) == 2  # one that found the late line, one that found nothing


def test_random_interleavings_keep_every_line_once():
    rng = random.Random(7)
    fake = FakeLogs()
    follower, seen = follow(fake, page_limit=7, discover_every=3)
    expected = []
    clock = itertools.count(0, 3)
    for poll in range(60):
        for _ in range(rng.randrange(0, 12)):
            stream = f"job/algo-{rng.randrange(1, 5)}-1"
            message = f"{stream}:{len(expected)}"
            fake.add(stream, message, start=next(clock))
            expected.append(message)
        if rng.random() < 0.2:
            fake.faults.append(("GetLogEvents", None, Fault("ThrottlingException")))
        follower.poll(seen.extend)
    follower.drain(seen.extend, sleep=lambda s: None)
    assert sorted(messages(seen)) == sorted(expected)
    assert len(messages(seen)) == len(set(messages(seen)))
    for instance in {event.instance for event in seen}:
        mine = [event.timestamp for event in seen if event.instance == instance]
        assert mine == sorted(mine)


def test_printer_labels_and_colours():
    out = []
    printer = LogPrinter(out.append, colour=False, labelled=lambda: True)
    printer([LogEvent(1, 0, "algo-1", "loss 0.1\n"), LogEvent(2, 1, "algo-2", "two\nlines")])
    assert "".join(out) == "[algo-1] loss 0.1\n[algo-2] two\n[algo-2] lines\n"
    out.clear()
    LogPrinter(out.append, colour=True, labelled=lambda: True)([LogEvent(1, 1, "algo-2", "x")])
    assert out == ["\x1b[33m[algo-2]\x1b[0m x\n"]
    out.clear()
    LogPrinter(out.append, colour=True, labelled=lambda: False)([LogEvent(1, 0, "algo-1", "x")])
    assert out == ["x\n"]


def test_reading_everything_now_tries_a_throttled_stream_again():
    fake = FakeLogs()
    fake.add("job/algo-1-1", "a0", "a1", start=0)
    follower, seen = follow(fake)
    fake.faults = [("GetLogEvents", "job/algo-1-1", Fault("ThrottlingException"))] * 3
    pauses = []
    follower.read_all(seen.extend, sleep=pauses.append, pause=1.0)
    assert messages(seen) == ["a0", "a1"]
    assert pauses == [1.0, 2.0, 4.0]


def test_reading_everything_gives_up_after_a_few_tries_and_says_so():
    fake = FakeLogs()
    fake.add("job/algo-1-1", "a0", start=0)
    follower, seen = follow(fake)
    fake.faults = [("GetLogEvents", "job/algo-1-1", Fault("ThrottlingException"))] * 10
    with pytest.raises(LogsUnavailable, match=r"ThrottlingException.*tried 6 times"):
        follower.read_all(seen.extend, sleep=lambda s: None)
    assert seen == []


def test_labels_follow_the_instance_count_too():
    fake = FakeLogs()
    fake.add("job/algo-1-1", "a0", start=0)
    follower, _ = follow(fake)
    follower.poll(lambda events: None)
    assert not follower.labelled
    follower.instances = 2
    assert follower.labelled


def test_console_url_points_at_the_jobs_streams():
    url = logs.console_url("eu-west-1", "my-job")
    assert url == ("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/"
                   "log-group/$252Faws$252Fsagemaker$252FTrainingJobs$3FlogStreamNameFilter$3Dmy-job$252F")
    assert logs.console_url("cn-north-1", "j").startswith("https://console.amazonaws.cn/")


@pytest.mark.parametrize("resource_config, labelled", [
    ({"InstanceCount": 1}, False),
    ({"InstanceCount": 3}, True),
    ({"InstanceGroups": [{"InstanceCount": 1, "InstanceType": "a"}, {"InstanceCount": 1, "InstanceType": "b"}]}, True),
    ("not an object", False),
])
def test_the_follower_labels_lines_of_a_job_with_several_instances(resource_config, labelled):
    fake = FakeLogs()
    fake.add("job/algo-1-1700000000", "only stream", start=0)
    out = []
    follower = logs.Follower(lambda: fake, JOB, tail=None, colour=False, write=out.append, warn=out.append,
                             sleep=lambda s: None)
    follower.once({"TrainingJobName": JOB, "ResourceConfig": resource_config})
    assert out == (["[algo-1] only stream\n"] if labelled else ["only stream\n"])
