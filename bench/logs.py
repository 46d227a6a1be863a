#!/usr/bin/env python3
"""``--logs`` under load: peak memory and throughput, next to a bare botocore loop.

A training job with 8 instance streams holding 200,000 log events in all is
served from 127.0.0.1 (``tests.servers.joblogs.LoggingJob`` on a thread of this
process: SageMaker's DescribeTrainingJob and CloudWatch Logs' DescribeLogStreams
and GetLogEvents, with CloudWatch's paging rules). Then, alternately:

* ``awsml sagemaker describe-training-job --training-job-name J --logs``: every
  event of every stream on stderr (to /dev/null), then the response;
* a bare botocore loop making the same GetLogEvents calls (same page size, each
  stream read forward to its end) and writing the same lines to the same sink;
* the same awsml command on a job with a quarter of the events, to show that the
  peak memory does not grow with the number of events.

Each run is forked, exec'd and reaped with ``os.wait4`` by the launcher of
``bench/compare.py``: wall time from fork to reap, peak RSS of the child itself.
Targets: awsml's peak ≤ 60 MiB, flat in the number of events; its wall time
within 2× of the bare loop's.

Usage::

    python bench/logs.py [--runs 5] [--events 200000] [--streams 8] [--venv .venv]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.compare import Command, clean_env, run_once  # noqa: E402
from tests.servers.joblogs import LoggingJob, Step  # noqa: E402
from tests.servers.scripted import ScriptedServer  # noqa: E402

MEMORY_TARGET_MIB = 60.0
THROUGHPUT_TARGET = 2.0

# The bare loop: botocore, the same calls awsml makes, the same lines out.
_BARE_LOOP = """\
import sys, botocore.session
group = "/aws/sagemaker/TrainingJobs"
job, url, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = botocore.session.Session().create_client("logs", endpoint_url=url)
names = []
request = {"logGroupName": group, "logStreamNamePrefix": job + "/"}
while True:
    page = client.describe_log_streams(**request)
    names += [s["logStreamName"] for s in page["logStreams"]]
    if not page.get("nextToken"):
        break
    request["nextToken"] = page["nextToken"]
out = sys.stderr
for name in names:
    instance = name.split("/", 1)[1].rsplit("-", 1)[0]
    token = None
    while True:
        request = {"logGroupName": group, "logStreamName": name, "limit": limit, "startFromHead": True}
        if token:
            request["nextToken"] = token
        page = client.get_log_events(**request)
        out.write("".join("[%s] %s\\n" % (instance, e["message"]) for e in page["events"]))
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
"""


def job_with(events: int, streams: int, name: str) -> LoggingJob:
    per_stream = events // streams
    lines = {
        f"algo-{n}-1700000000": [f"epoch {i // 100} step {i} loss {1 / (i + 1):.6f} instance {n}" for i in range(per_stream)]
        for n in range(1, streams + 1)
    }
    return LoggingJob(name, [Step("Completed", "Completed", lines)], instance_count=streams)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--streams", type=int, default=8)
    parser.add_argument("--venv", type=Path, default=REPO / ".venv")
    options = parser.parse_args(argv)

    from awsml_cli.command.logs import PAGE_LIMIT

    bin_dir = options.venv / "bin"
    big = job_with(options.events, options.streams, "big-job")
    small = job_with(options.events // 4, options.streams, "small-job")

    def router(request):
        name = request.training_job_name
        if name is None:
            body = request.json()
            name = (body.get("logStreamName") or body.get("logStreamNamePrefix") or "").split("/", 1)[0]
        return (big if name == "big-job" else small)(request)

    results: dict[str, list] = {"awsml": [], "bare": [], "awsml-quarter": []}
    with ScriptedServer(router) as server, tempfile.TemporaryDirectory() as home:
        env = {**clean_env(home, bin_dir), "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": server.url}
        describe = ["sagemaker", "describe-training-job", "--endpoint-url", server.url, "--logs"]
        commands = {
            "awsml": Command([str(bin_dir / "awsml"), *describe, "--training-job-name", "big-job"]),
            "bare": Command([str(bin_dir / "python"), "-c", _BARE_LOOP, "big-job", server.url, str(PAGE_LIMIT)]),
            "awsml-quarter": Command([str(bin_dir / "awsml"), *describe, "--training-job-name", "small-job"]),
        }
        for round_number in range(options.runs + 1):
            for name, command in commands.items():
                run = run_once(command, env)
                if run.returncode != 0:
                    print(f"{name} failed ({run.returncode}):\n{run.stderr.decode()[-2000:]}", file=sys.stderr)
                    return 1
                lines = run.stderr.count(b"\n")
                expected = options.events if name != "awsml-quarter" else options.events // 4 // options.streams * options.streams
                if lines != expected:
                    print(f"{name}: {lines} lines, expected {expected}", file=sys.stderr)
                    return 1
                if round_number:  # the first round warms up
                    results[name].append(run)

    def med(runs, attribute):
        return statistics.median(getattr(run, attribute) for run in runs)

    awsml_wall, bare_wall = med(results["awsml"], "wall"), med(results["bare"], "wall")
    awsml_mib = med(results["awsml"], "rss_kib") / 1024
    quarter_mib = med(results["awsml-quarter"], "rss_kib") / 1024
    bare_mib = med(results["bare"], "rss_kib") / 1024
    print(f"--logs, {options.streams} streams, {options.events} events in all; medians of {options.runs} runs")
    print(f"{'':28}{'wall s':>9}{'peak MiB':>10}")
    print(f"{'awsml --logs':28}{awsml_wall:9.2f}{awsml_mib:10.1f}")
    print(f"{'awsml --logs, 1/4 events':28}{med(results['awsml-quarter'], 'wall'):9.2f}{quarter_mib:10.1f}")
    print(f"{'bare botocore loop':28}{bare_wall:9.2f}{bare_mib:10.1f}")
    ratio = awsml_wall / bare_wall
    ok_memory = awsml_mib <= MEMORY_TARGET_MIB
    print(f"peak memory {awsml_mib:.1f} MiB (target <= {MEMORY_TARGET_MIB:.0f}) {'ok' if ok_memory else 'MISSED'}; "
          f"{quarter_mib:.1f} MiB with a quarter of the events")
    print(f"wall time / bare loop: {ratio:.2f}x (target <= {THROUGHPUT_TARGET:.0f}x) {'ok' if ratio <= THROUGHPUT_TARGET else 'MISSED'}")
    return 0 if ok_memory and ratio <= THROUGHPUT_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
