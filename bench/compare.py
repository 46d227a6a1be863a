#!/usr/bin/env python3
"""awsml next to aws v1: wall time and peak memory of each command, side by side.

What it runs, per workload, in a clean environment (fake credentials, empty
HOME, no config files, ``AWS_EC2_METADATA_DISABLED=true``): the ``awsml``
command and the matching ``aws`` (AWS CLI v1) command, alternately
(awsml, aws, awsml, aws, ...; every workload in every round, so that a busy
phase of the machine hits all of them alike), after one untimed warm-up
round that also checks every command works (and that awsml's describe and
skeleton output are the same bytes as aws's). Then it prints the medians and
the ratios awsml/aws against the targets.

Warm and cold: awsml derives data from the installed botocore and Python on
its first run and keeps it in the user's cache (``awsml_cli.speedups.usercache``). The
warm-up round fills the cache every other awsml run then reads (what a user
sees from the second run on); the ``(cold cache)`` workload gives each awsml
run a new, empty cache folder (``XDG_CACHE_HOME``), as on the very first run
after installing or upgrading botocore or Python.

The endpoint is a tiny canned HTTP server on 127.0.0.1 in this process (a
thread of ``http.server``), answering every request with one
DescribeTrainingJob response from ``tests/corpus`` (about 1 ms per request):
nothing ever leaves the machine, and the server costs both programs the same.

What is measured, per run: each command is started by a small launcher
(``python -S``) that forks, execs the command and reaps it with
``os.wait4``: the wall time is fork to reap (interpreter start-up included),
the peak memory is that child's own ``ru_maxrss`` (RUSAGE_CHILDREN of a
process that waited for a single child). Why a launcher and not this process:
the kernel counts the memory of the address space a child replaces at exec,
and this process (threads, a server) is larger than a small command.

Both programs are measured as installed, with compiled ``.pyc`` files: by
default the script keeps a virtual environment of its own (``.bench-venv``,
created on first use with ``awscli`` and a regular, non-editable install of
this working tree, refreshed on every run with the newest versions its
dependencies allow, which is what ``pip install .`` gives a user) and
byte-compiles it, because
``PYTHONDONTWRITEBYTECODE=1`` is set machine-wide here and an editable
install adds its own start-up cost to every Python program in the venv.
``--venv .venv --no-install`` measures the development venv as it is.

Usage::

    python bench/compare.py [--runs 11] [--only describe ...] [--instructions] [--json]

``--instructions`` also counts the instructions of one run of each command
under valgrind (callgrind): unlike wall time, a busy machine does not change
that count, so it is the steadier figure for comparing two versions of awsml.
``--breakdown`` adds botocore-level commands (an import, a bare botocore call)
to see where awsml's own time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_VENV = REPO / ".bench-venv"
DEFAULT_RESPONSE = REPO / "tests" / "corpus" / "01-completed-xgboost.json"
JOB_NAME = "01-completed-xgboost"
COMPLETION_LINE = "sagemaker describe-training-job --"

# Targets (ratios of medians, awsml / aws; completion: / python -c pass).
WALL_TARGETS = {"describe": 0.30, "cold": 1.0, "version": 0.20, "skeleton": 0.20}
MEMORY_TARGETS = {"describe": 0.55}
COMPLETION_TARGET = 2.0


# ----------------------------------------------------------------------------- the endpoint


def start_endpoint(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("x-amzn-RequestId", "11111111-2222-3333-4444-555555555555")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# ----------------------------------------------------------------------------- the programs


@dataclass
class Command:
    argv: list[str]
    env: dict = field(default_factory=dict)  # added to the clean environment
    cold_cache: bool = False  # each run gets a new, empty awsml cache folder


@dataclass
class Workload:
    name: str
    awsml: Command
    aws: Command | None
    # The two outputs must be the same bytes (a check, not a measurement).
    same_stdout: bool = False
    kind: str = ""  # key into the target tables
    prints: bool = True  # whether a working command writes to stdout


def workloads(bin_dir: Path, url: str) -> list[Workload]:
    awsml, aws = str(bin_dir / "awsml"), str(bin_dir / "aws")
    describe = ["sagemaker", "describe-training-job", "--training-job-name", JOB_NAME, "--endpoint-url", url]
    result = [
        Workload(
            f"describe --output {name}",
            Command([awsml, *describe, "--output", name]),
            Command([aws, *describe, "--output", name]),
            same_stdout=True,
            kind="describe",
        )
        for name in ("json", "text", "table")
    ]
    result.append(
        Workload(
            "describe (cold cache)",
            Command([awsml, *describe, "--output", "json"], cold_cache=True),
            Command([aws, *describe, "--output", "json"]),
            same_stdout=True,
            kind="cold",
        )
    )
    result.append(
        Workload(
            "describe (no speed-ups)",
            Command([awsml, *describe, "--output", "json"], {"AWSML_SPEEDUPS": "off"}),
            Command([aws, *describe, "--output", "json"]),
            same_stdout=True,
        )
    )
    skeleton = ["sagemaker", "describe-training-job", "--generate-cli-skeleton"]
    result.append(Workload("--generate-cli-skeleton", Command([awsml, *skeleton]), Command([aws, *skeleton]),
                           same_stdout=True, kind="skeleton"))
    result.append(Workload("--version", Command([awsml, "--version"]), Command([aws, "--version"]), kind="version"))
    # aws renders its page with groff and copies it through `less` (stdout is a file here).
    helps = ["sagemaker", "describe-training-job", "help"]
    result.append(Workload("help", Command([awsml, *helps]), Command([aws, *helps])))
    # One TAB after "... describe-training-job --": each program's own protocol.
    words = f"awsml {COMPLETION_LINE}"
    line = f"aws {COMPLETION_LINE}"
    result.append(
        Workload(
            "completion request",
            Command([awsml], {"_AWSML_COMPLETE": "bash_complete", "COMP_WORDS": words,
                              "COMP_CWORD": str(len(words.split()) - 1)}),
            Command([str(bin_dir / "aws_completer")], {"COMP_LINE": line, "COMP_POINT": str(len(line))}),
            kind="completion",
        )
    )
    return result


def breakdown_workloads(python: str, url: str) -> list[Workload]:
    """Below awsml: what botocore itself costs (awsml side only)."""
    call = (
        "c=s.create_client('sagemaker',region_name='us-east-1',endpoint_url=%r);"
        "c.describe_training_job(TrainingJobName=%r)" % (url, JOB_NAME)
    )
    snippets = {
        "import click": "import click",
        "import botocore.session": "import botocore.session",
        "botocore call, stock session": "import botocore.session;s=botocore.session.get_session();" + call,
        "botocore call, fast session": "from awsml_cli.speedups.fast_session import make_session;s=make_session();" + call,
        "botocore call, fast session + regex cache": (
            "import awsml_cli.speedups.regex_table as r;r.install();"
            "from awsml_cli.speedups.fast_session import make_session;s=make_session();" + call
        ),
    }
    return [Workload(name, Command([python, "-c", code]), None, prints=False) for name, code in snippets.items()]


def clean_env(home: str, bin_dir: Path) -> dict:
    return {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "AWS_CONFIG_FILE": os.path.join(home, "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "no-credentials"),
        "AWS_ACCESS_KEY_ID": "AKIAFAKEACCESSKEY123",
        "AWS_SECRET_ACCESS_KEY": "FAKESECRETkeyDONOTLEAK0123456789abcdefgh",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        # As here, machine-wide: the .pyc files exist, nothing is written.
        "PYTHONDONTWRITEBYTECODE": "1",
    }


# ----------------------------------------------------------------------------- one run

# Forks, execs the command, reaps it with wait4: wall time fork-to-reap, the
# child's CPU time and its own peak RSS (KiB), written to argv[1].
_LAUNCHER = """\
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execve(sys.argv[2], sys.argv[2:], os.environ)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    out.write("%r %r %d" % (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


@dataclass
class Run:
    wall: float
    cpu: float
    rss_kib: int
    returncode: int
    stdout: bytes
    stderr: bytes


def run_once(command: Command, env: dict) -> Run:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".stats") as stats, \
            tempfile.TemporaryDirectory(prefix="awsml-bench-cache-") as cache:
        full = [sys.executable, "-S", "-c", _LAUNCHER, stats.name, *command.argv]
        run_env = {**env, **command.env, **({"XDG_CACHE_HOME": cache} if command.cold_cache else {})}
        proc = subprocess.run(full, env=run_env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        out.seek(0)
        err.seek(0)
        fields = stats.read().split()
        if len(fields) != 3:
            return Run(0.0, 0.0, 0, proc.returncode or 1, out.read(), err.read())
        return Run(float(fields[0]), float(fields[1]), int(fields[2]), proc.returncode, out.read(), err.read())


def count_instructions(command: Command, env: dict) -> int | None:
    """Instructions executed by one run (user space, the command's own process)."""
    with tempfile.NamedTemporaryFile("r", suffix=".log") as log, \
            tempfile.TemporaryDirectory(prefix="awsml-bench-cache-") as cache:
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", f"--log-file={log.name}",
             *command.argv],
            env={**env, **command.env, "PYTHONHASHSEED": "0",
                 **({"XDG_CACHE_HOME": cache} if command.cold_cache else {})},
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if proc.returncode != 0:
            return None
        for line in log.read().splitlines():
            if "Collected :" in line:
                return int(line.rsplit(":", 1)[1])
    return None


# ----------------------------------------------------------------------------- the environment


def prepare_venv(venv: Path, install: bool) -> Path:
    """The venv's bin directory, with awscli and this tree installed and compiled."""
    python = venv / "bin" / "python"
    if install:
        quiet = ["--quiet", "--disable-pip-version-check"]
        if not python.exists():
            print(f"creating {venv} (once) ...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", *quiet, "setuptools>=68", "wheel",
                            _awscli_requirement()], check=True)
        # A regular (not editable) install of the tree as it is now, built from
        # a copy so that no build/ folder is left in (or reused from) the tree;
        # its dependencies at the newest versions it allows, as `pip install .`
        # in a new venv gives them, then the tree itself over any earlier build.
        with tempfile.TemporaryDirectory(prefix="awsml-bench-src-") as source:
            copy_tree(Path(source))
            for refresh in (["--upgrade", "--upgrade-strategy", "eager"], ["--no-deps", "--force-reinstall"]):
                subprocess.run([str(python), "-m", "pip", "install", *quiet, *refresh, "--no-build-isolation", source],
                               check=True)
    if not python.exists():
        sys.exit(f"no Python in {venv}")
    # PYTHONDONTWRITEBYTECODE=1 is set machine-wide: compile as an installer would.
    site = subprocess.run([str(python), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    targets = [site] + ([str(REPO / "awsml_cli")] if not install else [])
    subprocess.run([str(python), "-m", "compileall", "-q", "-j", "0", *targets], check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""}, stdout=subprocess.DEVNULL)
    return venv / "bin"


def copy_tree(destination: Path) -> None:
    """The working tree's files (tracked, and new ones git does not ignore) into ``destination``."""
    import shutil

    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _awscli_requirement() -> str:
    """The awscli the tests use as the oracle (pinned in pyproject's test extra)."""
    with open(REPO / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)
    for requirement in project["project"]["optional-dependencies"]["test"]:
        if requirement.replace(" ", "").startswith("awscli=="):
            return requirement
    return "awscli"


def versions(python: Path) -> str:
    """The versions measured: awsml and the botocore it runs on, aws and the botocore inside it."""
    code = (
        "import sys,platform,importlib.metadata as m;"
        "print('Python', platform.python_version(), *[f'{n} {m.version(n)}' for n in ('awsml','botocore','awscli')])"
    )
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    text = done.stdout.strip() or done.stderr.strip()
    aws = subprocess.run([str(python.parent / "aws"), "--version"], capture_output=True, text=True,
                         env={"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir()})
    inside = [word for word in (aws.stdout + aws.stderr).split() if word.startswith("botocore/")]
    return text + (f" (aws runs on its own {inside[0].replace('/', ' ')})" if inside else "")


# ----------------------------------------------------------------------------- reporting


def median(values):
    return statistics.median(values) if values else float("nan")


def ratio_cell(value: float, target: float | None) -> str:
    if target is None:
        return f"{value:5.2f}        "
    verdict = "ok" if value <= target else "MISSED"
    return f"{value:5.2f} <={target:.2f} {verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", "-n", type=int, default=11, help="timed runs per command (default 11, at least 9)")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help=f"environment to run (default {DEFAULT_VENV.name})")
    parser.add_argument("--no-install", action="store_true", help="use --venv as it is (no install, no refresh)")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT", help="workloads whose name contains TEXT")
    parser.add_argument("--response", type=Path, default=DEFAULT_RESPONSE, help="the canned response body")
    parser.add_argument("--instructions", action="store_true", help="also count instructions under valgrind")
    parser.add_argument("--breakdown", action="store_true", help="add botocore-level commands (awsml side only)")
    parser.add_argument("--json", action="store_true", help="machine-readable results on stdout")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    bin_dir = prepare_venv(args.venv.resolve(), install=not args.no_install)
    python = bin_dir / "python"
    server, url = start_endpoint(args.response.read_bytes())
    todo = workloads(bin_dir, url)
    if args.breakdown:
        todo += breakdown_workloads(str(python), url)
    if args.only:
        todo = [w for w in todo if any(text in w.name for text in args.only)]
    baseline = Workload("python -c pass", Command([str(python), "-c", "pass"]), None, prints=False)
    todo.append(baseline)

    load_before = os.getloadavg()
    samples: dict[tuple[str, str], list[Run]] = {}
    instructions: dict[tuple[str, str], int | None] = {}
    with tempfile.TemporaryDirectory(prefix="awsml-bench-home-") as home:
        env = clean_env(home, bin_dir)
        pairs = [(w, side, getattr(w, side)) for w in todo for side in ("awsml", "aws") if getattr(w, side)]
        # Warm-up round: fills the page cache, and fails loudly if a command is broken.
        outputs = {}
        for workload, side, command in pairs:
            run = run_once(command, env)
            if run.returncode != 0 or (workload.prints and not run.stdout):
                sys.stderr.write(f"{workload.name} ({side}) failed, rc={run.returncode}:\n"
                                 f"{run.stdout.decode(errors='replace')}{run.stderr.decode(errors='replace')}\n")
                return 1
            outputs[workload.name, side] = run.stdout
        for workload in todo:
            if workload.same_stdout and outputs[workload.name, "awsml"] != outputs[workload.name, "aws"]:
                sys.stderr.write(f"{workload.name}: awsml and aws printed different output\n")
                return 1
        for _ in range(args.runs):
            for workload, side, command in pairs:
                run = run_once(command, env)
                if run.returncode != 0:
                    sys.stderr.write(f"{workload.name} ({side}) failed during timing, rc={run.returncode}\n")
                    return 1
                samples.setdefault((workload.name, side), []).append(run)
        if args.instructions:
            for workload, side, command in pairs:
                instructions[workload.name, side] = count_instructions(command, env)
    server.shutdown()
    load_after = os.getloadavg()

    results = []
    pass_wall = median([r.wall for r in samples[baseline.name, "awsml"]])
    for workload in todo:
        row = {"workload": workload.name}
        for side in ("awsml", "aws"):
            runs = samples.get((workload.name, side))
            if not runs:
                continue
            row[side] = {
                "median_wall_s": median([r.wall for r in runs]),
                "min_wall_s": min(r.wall for r in runs),
                "median_cpu_s": median([r.cpu for r in runs]),
                "median_peak_rss_mib": median([r.rss_kib for r in runs]) / 1024,
                "runs": len(runs),
            }
            if (workload.name, side) in instructions:
                row[side]["instructions"] = instructions[workload.name, side]
        if "aws" in row:
            row["wall_ratio"] = row["awsml"]["median_wall_s"] / row["aws"]["median_wall_s"]
            row["cpu_ratio"] = row["awsml"]["median_cpu_s"] / row["aws"]["median_cpu_s"]
            row["memory_ratio"] = row["awsml"]["median_peak_rss_mib"] / row["aws"]["median_peak_rss_mib"]
            row["wall_target"] = WALL_TARGETS.get(workload.kind)
            row["memory_target"] = MEMORY_TARGETS.get(workload.kind)
        if workload.kind == "completion":
            row["vs_python_pass"] = row["awsml"]["median_wall_s"] / pass_wall
            row["vs_python_pass_target"] = COMPLETION_TARGET
        results.append(row)

    meta = {
        "runs": args.runs,
        "order": "alternating awsml, aws per workload, all workloads per round, after one warm-up round",
        "endpoint": f"canned response {args.response.name} from http.server on 127.0.0.1",
        "versions": versions(python),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
    if args.json:
        json.dump({"meta": meta, "results": results}, sys.stdout, indent=2)
        print()
    else:
        print_report(meta, results)
    return 0


def print_report(meta: dict, results: list[dict]) -> None:
    load = lambda values: " ".join(f"{v:.2f}" for v in values)  # noqa: E731
    print(f"awsml vs aws v1: medians of {meta['runs']} runs each, {meta['order']}")
    print(f"{meta['versions']}; {meta['cpus']} CPUs; load average {load(meta['load_average_before'])} "
          f"(start), {load(meta['load_average_after'])} (end)")
    print(f"endpoint: {meta['endpoint']}")
    print()
    header = (f"{'workload':26} {'awsml s':>8} {'aws s':>8} {'wall ratio':>20}  {'awsml MiB':>9} {'aws MiB':>8}"
              f" {'memory ratio':>20}  {'cpu ratio':>9}")
    print(header)
    print("-" * len(header))
    for row in results:
        awsml, aws = row["awsml"], row.get("aws")
        if aws is None:
            continue
        print(f"{row['workload']:26} {awsml['median_wall_s']:8.3f} {aws['median_wall_s']:8.3f} "
              f"{ratio_cell(row['wall_ratio'], row['wall_target']):>20}  "
              f"{awsml['median_peak_rss_mib']:9.1f} {aws['median_peak_rss_mib']:8.1f} "
              f"{ratio_cell(row['memory_ratio'], row['memory_target']):>20}  {row['cpu_ratio']:9.2f}")
    print()
    for row in results:
        if "aws" in row:
            continue
        awsml = row["awsml"]
        print(f"{row['workload']:44} {awsml['median_wall_s']:8.3f} s  {awsml['median_peak_rss_mib']:6.1f} MiB")
    for row in results:
        if "vs_python_pass" in row:
            verdict = "ok" if row["vs_python_pass"] <= row["vs_python_pass_target"] else "MISSED"
            print(f"completion request / python -c pass: {row['vs_python_pass']:.2f}x "
                  f"(target <= {row['vs_python_pass_target']:.0f}x) {verdict}")
    counted = [row for row in results if "instructions" in row["awsml"]]
    if counted:
        print("\ninstructions (valgrind callgrind, one run each, user space of the command's process):")
        for row in counted:
            mine = row["awsml"]["instructions"]
            theirs = (row.get("aws") or {}).get("instructions")
            line = f"{row['workload']:44} {mine / 1e6:8.0f} M" if mine else f"{row['workload']:44}        ?"
            if mine and theirs:
                line += f"  aws {theirs / 1e6:6.0f} M  ratio {mine / theirs:.2f}"
            print(line)


if __name__ == "__main__":
    sys.exit(main())
