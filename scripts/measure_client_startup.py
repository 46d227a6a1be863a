#!/usr/bin/env python
"""Measure the start-up cost of one DescribeTrainingJob call, per variant.

Every variant runs as a fresh subprocess (start-up cost is what we are after,
so nothing may be warm inside the measuring process), several times,
interleaved round-robin so that a slow phase of the machine hits every variant
alike. For each run we record the wall time from fork to reap and the child's
child's CPU time and peak RSS (see run_once for how).

All network traffic goes to a tiny ``http.server`` on 127.0.0.1 started by
this script; it answers every POST with a canned DescribeTrainingJob JSON.
The children get fake credentials, an empty HOME, no config files and
``AWS_EC2_METADATA_DISABLED=true`` so nothing can reach out to IMDS or AWS.

Usage::

    .venv/bin/python scripts/measure_client_startup.py [-n 9] [--only NAME ...]
        [--extra 'name=shell command with {url}']

``{url}`` in an --extra command is replaced by the stub endpoint URL, e.g.
``--extra "awsml=.venv/bin/awsml sagemaker describe-training-job
--training-job-name demo --endpoint-url {url}"``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(REPO, ".venv", "bin")
PYTHON = os.path.join(VENV_BIN, "python")
AWS = os.path.join(VENV_BIN, "aws")
JOB = "demo-training-job"

# A realistic, fairly large answer so that parsing cost is represented.
# Timestamps are epoch seconds, as the JSON protocol sends them.
CANNED = {
    "TrainingJobName": JOB,
    "TrainingJobArn": f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{JOB}",
    "ModelArtifacts": {"S3ModelArtifacts": f"s3://bucket/output/{JOB}/output/model.tar.gz"},
    "TrainingJobStatus": "Completed",
    "SecondaryStatus": "Completed",
    "HyperParameters": {"epochs": "10", "learning_rate": "0.01", "batch_size": "64"},
    "AlgorithmSpecification": {
        "TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:latest",
        "TrainingInputMode": "File",
        "MetricDefinitions": [{"Name": "loss", "Regex": "loss=(.*?);"}],
        "EnableSageMakerMetricsTimeSeries": True,
    },
    "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
    "InputDataConfig": [
        {
            "ChannelName": "train",
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": "s3://bucket/train/",
                    "S3DataDistributionType": "FullyReplicated",
                }
            },
            "ContentType": "text/csv",
            "CompressionType": "None",
            "RecordWrapperType": "None",
        }
    ],
    "OutputDataConfig": {"KmsKeyId": "", "S3OutputPath": "s3://bucket/output/"},
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
    "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
    "CreationTime": 1700000000.123,
    "TrainingStartTime": 1700000100.5,
    "TrainingEndTime": 1700003600,
    "LastModifiedTime": 1700003700.25,
    "SecondaryStatusTransitions": [
        {"Status": "Starting", "StartTime": 1700000000.1, "EndTime": 1700000100.2,
         "StatusMessage": "Preparing the instances for training"},
        {"Status": "Training", "StartTime": 1700000100.2, "EndTime": 1700003500,
         "StatusMessage": "Training image download completed."},
        {"Status": "Completed", "StartTime": 1700003500, "EndTime": 1700003600,
         "StatusMessage": "Training job completed"},
    ],
    "FinalMetricDataList": [{"MetricName": "loss", "Value": 0.0123, "Timestamp": 1700003590}],
    "EnableNetworkIsolation": False,
    "EnableInterContainerTrafficEncryption": False,
    "EnableManagedSpotTraining": False,
    "TrainingTimeInSeconds": 3500,
    "BillableTimeInSeconds": 3500,
    "ProfilingStatus": "Disabled",
}
CANNED_BODY = json.dumps(CANNED).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 (http.server naming)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.send_header("Content-Length", str(len(CANNED_BODY)))
        self.end_headers()
        self.wfile.write(CANNED_BODY)

    def log_message(self, *args):  # keep the report readable
        pass


def start_stub() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# The python snippets each variant runs. They print the parsed response as
# JSON so that each run can be checked for success (and so the cost of
# producing output is part of every describe variant, as it is for aws).
_CALL = (
    "c=s.create_client('sagemaker',region_name='us-east-1',endpoint_url={url!r});"
    "r=c.describe_training_job(TrainingJobName={job!r});"
    "import json,sys;json.dump(r,sys.stdout,default=str)"
)
_STOCK = "import botocore.session;s=botocore.session.get_session();" + _CALL
_FAST = "from awsml_cli.botocore_fast import make_session;s=make_session();" + _CALL
# The same without the import deferrals: what that part is worth.
_FAST_EAGER_DOCS = (
    "from awsml_cli.botocore_fast import make_session;s=make_session(defer=False);" + _CALL
)
# What the CLI layer will add on top: click and jmespath on the describe path.
_FAST_CLI_DEPS = "import click,jmespath;" + _FAST


# The awsml CLI with its botocore session made fast, without editing its
# source: what adopting make_session() is worth for the CLI as it stands.
# (Measurement only: it defers the imports first, makes
# botocore.session.Session build make_session()'s kind of session, and
# serves the operation-word list from the data files, not the full model.)
_AWSML_FAST_SESSION = (
    "import sys;import awsml_cli.botocore_fast as bf;bf.defer_imports();"
    "import botocore.session as s\n"
    "FS=bf._fast_session_class(bf.TrimmedData.for_installed_botocore())\n"
    "def F(*a,**k):\n"
    "    x=FS(*a,**k);bf.install_trimmed_data(x);return x\n"
    "s.Session=F\n"
    "import awsml_cli.aws_operations as ao\n"
    "def words():\n"
    "    from botocore import xform_name\n"
    "    names=bf.sagemaker_operation_names(bf.make_session())\n"
    "    return (*[xform_name(n,'-') for n in names],'wait','help')\n"
    "ao.sagemaker_operation_words=words\n"
    "from awsml_cli.__main__ import main;sys.argv[0]='awsml';sys.exit(main())"
)


def variants(url: str) -> dict[str, list[str]]:
    fmt = dict(url=url, job=JOB)
    return {
        "python -c pass": [PYTHON, "-c", "pass"],
        "import botocore.session": [PYTHON, "-c", "import botocore.session"],
        "stock botocore call": [PYTHON, "-c", _STOCK.format(**fmt)],
        "fast botocore call": [PYTHON, "-c", _FAST.format(**fmt)],
        "fast call, no deferrals": [PYTHON, "-c", _FAST_EAGER_DOCS.format(**fmt)],
        "fast call + click/jmespath": [PYTHON, "-c", _FAST_CLI_DEPS.format(**fmt)],
        **_awsml_variants(url),
        "aws v1 describe": [
            AWS, "sagemaker", "describe-training-job",
            "--training-job-name", JOB, "--endpoint-url", url,
        ],
    }


def _awsml_variants(url: str) -> dict[str, list[str]]:
    if not os.path.exists(os.path.join(REPO, "awsml_cli", "__main__.py")):
        return {}
    args = ["sagemaker", "describe-training-job", "--training-job-name", JOB, "--endpoint-url", url]
    return {
        "awsml CLI (as is)": [PYTHON, "-m", "awsml_cli", *args],
        "awsml CLI + fast session": [PYTHON, "-c", _AWSML_FAST_SESSION, *args],
    }


def child_env(home: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "AWS_CONFIG_FILE": os.path.join(home, "nonexistent-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "nonexistent-credentials"),
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONPATH": REPO,
        "LANG": "C.UTF-8",
    }
    return env


# Each run goes through a tiny `python -S` launcher that forks, execs the
# variant, reaps it with os.wait4() and reports the wall time from fork to
# reap plus the child's own rusage. Why not wait4() from this process: Linux
# records the RSS high-water mark of the *old* address space at execve(), and
# subprocess starts children with vfork(), whose old address space is this
# (fat, threaded) measuring process, so every child would report at least our
# own RSS (~20 MiB). The launcher's fork is ~8 MiB, below every variant but
# `python -c pass`, whose number is therefore an upper bound. The CPU time
# (user+sys) is reported too: on a shared, noisy machine it is steadier than
# the wall time.
_LAUNCHER = (
    "import os,sys,time\n"
    "t=time.perf_counter()\n"
    "pid=os.fork()\n"
    "if pid==0:\n"
    "    os.execv(sys.argv[2],sys.argv[2:])\n"
    "_,st,ru=os.wait4(pid,0)\n"
    "w=time.perf_counter()-t\n"
    "open(sys.argv[1],'w').write('%r %r %d'%(w,ru.ru_utime+ru.ru_stime,ru.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(st))\n"
)


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, int, bytes]:
    """Wall s, CPU s, peak RSS (KiB), exit status and output of one run."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as stats:
        full = [sys.executable, "-S", "-c", _LAUNCHER, stats.name, *cmd]
        proc = subprocess.run(full, env=env, stdout=out, stderr=subprocess.STDOUT)
        out.seek(0)
        fields = stats.read().split()
        if len(fields) != 3:
            return 0.0, 0.0, 0, proc.returncode or 1, out.read()
        wall, cpu, rss = float(fields[0]), float(fields[1]), int(fields[2])
        return wall, cpu, rss, proc.returncode, out.read()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--runs", type=int, default=9)
    ap.add_argument("--only", action="append", default=[], help="substring of variant names")
    ap.add_argument("--extra", action="append", default=[], help="name=command with {url}")
    ap.add_argument("--json", action="store_true", help="print machine-readable results")
    ap.add_argument(
        "--instructions", action="store_true",
        help="also count instructions once per variant under valgrind (callgrind): "
        "a cost measure that a busy machine does not disturb",
    )
    args = ap.parse_args(argv)

    # PYTHONDONTWRITEBYTECODE=1 is set machine-wide here, so modules that
    # were never compiled would be compiled from source on every run. An
    # installed package has its .pyc files; make sure ours do too.
    subprocess.run([PYTHON, "-m", "compileall", "-q", os.path.join(REPO, "awsml_cli")],
                   check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})

    server, url = start_stub()
    todo = variants(url)
    for spec in args.extra:
        name, _, cmd = spec.partition("=")
        todo[name] = shlex.split(cmd.format(url=url))
    if args.only:
        todo = {k: v for k, v in todo.items() if any(s in k for s in args.only)}

    results: dict[str, dict[str, list]] = {k: {"wall": [], "cpu": [], "rss": []} for k in todo}
    with tempfile.TemporaryDirectory() as home:
        env = child_env(home)
        # One untimed run each: fills __pycache__ and the page cache and
        # fails fast when a variant is broken.
        for name, cmd in todo.items():
            _, _, _, rc, out = run_once(cmd, env)
            if rc != 0 or (("describe" in name or "call" in name) and JOB.encode() not in out):
                print(f"variant {name!r} failed (rc={rc}):\n{out.decode(errors='replace')}",
                      file=sys.stderr)
                return 1
        for _ in range(args.runs):
            for name, cmd in todo.items():
                wall, cpu, rss, rc, _ = run_once(cmd, env)
                if rc != 0:
                    print(f"variant {name!r} failed during timing (rc={rc})", file=sys.stderr)
                    return 1
                results[name]["wall"].append(wall)
                results[name]["cpu"].append(cpu)
                results[name]["rss"].append(rss)
        instructions = {}
        if args.instructions:
            for name, cmd in todo.items():
                instructions[name] = count_instructions(cmd, env)
    server.shutdown()

    summary = {
        name: {
            "median_wall_s": statistics.median(r["wall"]),
            "min_wall_s": min(r["wall"]),
            "median_cpu_s": statistics.median(r["cpu"]),
            "min_cpu_s": min(r["cpu"]),
            "median_peak_rss_kib": statistics.median(r["rss"]),
        }
        for name, r in results.items()
    }
    for name, count in instructions.items():
        summary[name]["instructions"] = count
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        print()
        return 0
    ref = summary.get("aws v1 describe")
    print(f"{args.runs} runs per variant, interleaved; python {sys.version.split()[0]}")
    # Ratios are given for medians and for minima: on a busy machine the
    # minimum is the better estimate of a variant's own cost (noise only
    # ever adds time).
    print(f"{'variant':28} {'wall med':>8} {'wall min':>8} {'cpu med':>8} {'cpu min':>8}"
          f" {'peak MiB':>8}  {'x aws: wall med/min':>19} {'cpu med/min':>11} {'mem':>5}")
    for name, row in summary.items():
        rel = ["", "", ""]
        if ref:
            rel = [
                f"{row['median_wall_s'] / ref['median_wall_s']:.2f}/"
                f"{row['min_wall_s'] / ref['min_wall_s']:.2f}",
                f"{row['median_cpu_s'] / ref['median_cpu_s']:.2f}/"
                f"{row['min_cpu_s'] / ref['min_cpu_s']:.2f}",
                f"{row['median_peak_rss_kib'] / ref['median_peak_rss_kib']:.2f}",
            ]
        print(f"{name:28} {row['median_wall_s']:8.3f} {row['min_wall_s']:8.3f} "
              f"{row['median_cpu_s']:8.3f} {row['min_cpu_s']:8.3f}"
              f" {row['median_peak_rss_kib'] / 1024:8.1f}  {rel[0]:>19} {rel[1]:>11} {rel[2]:>5}")
    if instructions:
        ref_count = instructions.get("aws v1 describe")
        print("\ninstructions executed (valgrind callgrind, one run, PYTHONHASHSEED=0):")
        for name, count in instructions.items():
            rel = f"{count / ref_count:.2f}" if ref_count else ""
            print(f"{name:28} {count / 1e6:10.0f} M  x aws {rel}")
    return 0


def count_instructions(cmd: list[str], env: dict[str, str]) -> int:
    """Instructions the variant executes (user space, main process): unlike
    time, this does not depend on what else the machine is doing. It leaves
    out I/O waits and cache effects, so read it next to the timings."""
    with tempfile.NamedTemporaryFile("r") as log:
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
             f"--log-file={log.name}", *cmd],
            env={**env, "PYTHONHASHSEED": "0"}, stdout=subprocess.DEVNULL, check=True,
        )
        for line in log.read().splitlines():
            if "Collected :" in line:
                return int(line.rsplit(":", 1)[1])
    raise RuntimeError(f"no instruction count for {cmd}")


if __name__ == "__main__":
    sys.exit(main())
