#!/usr/bin/env python
"""Write awsml_cli/data/regex-<python>.marshal: the patterns awsml's commands compile.

Runs awsml's commands (describe in every output format, --query, skeletons,
--version, help, completion, --debug, --wait and the usual error paths), each
in a fresh interpreter that records every pattern ``re`` compiles, against
the DescribeTrainingJob corpus served on 127.0.0.1 (tests/servers), and
writes the union (in order of first use) compiled by this Python. See
awsml_cli/regex_cache.py.

    .venv/bin/python scripts/gen_regex_cache.py [--check]

``--check`` writes nothing and exits 1 when the committed file differs.
"""

from __future__ import annotations

import argparse
import marshal
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from awsml_cli import regex_cache  # noqa: E402

# Runs awsml (as the console script does) with a recorder in front of re's compiler.
_RECORDER = """\
import atexit, marshal, os, sys
from re import _compiler
seen = {}
compile_for_real = _compiler.compile
def recording(pattern, flags=0):
    if isinstance(pattern, (str, bytes)):
        seen.setdefault((pattern, int(flags)), None)
    return compile_for_real(pattern, flags)
_compiler.compile = recording
import awsml_cli.regex_cache
awsml_cli.regex_cache.install = lambda: False  # record what a run without the table compiles
def dump():
    with open(os.environ["AWSML_REGEX_RECORD"], "wb") as out:
        out.write(marshal.dumps(list(seen)))
atexit.register(dump)
sys.argv[0] = "awsml"
from awsml_cli.__main__ import console_main
console_main()
"""

DTJ = ["sagemaker", "describe-training-job"]


def commands(url: str, workdir: str) -> list[tuple[list[str], dict]]:
    job = ["--training-job-name", "01-completed-xgboost", "--endpoint-url", url]
    input_file = os.path.join(workdir, "input.json")
    with open(input_file, "w") as handle:
        handle.write('{"TrainingJobName": "14-rich-sample"}')
    runs = [[*DTJ, *job, "--output", name] for name in ("json", "text", "table", "yaml", "yaml-stream", "summary")]
    runs += [
        [*DTJ, *job],
        [*DTJ, *job, "--query", "TrainingJobStatus", "--output", "text"],
        [*DTJ, *job, "--color", "on", "--output", "table"],
        [*DTJ, "--cli-input-json", f"file://{input_file}", "--endpoint-url", url],
        [*DTJ, *job, "--wait", "--poll-interval", "0.1"],
        [*DTJ, *job, "--debug"],
        [*DTJ, "--generate-cli-skeleton"],
        [*DTJ, "--generate-cli-skeleton", "output", "--training-job-name", "x", "--endpoint-url", url],
        ["--version"],
        ["sagemaker", "--version"],
        ["help"],
        ["sagemaker", "help"],
        [*DTJ, "help"],
        # Usage errors, unknown options, bad values, service errors.
        [],
        ["sagemaker"],
        ["sagemaker", "describe-training-jb"],
        [*DTJ],
        [*DTJ, "--output", "jsn", *job],
        [*DTJ, *job, "--bogus", "1"],
        [*DTJ, *job, "--query", "foo["],
        [*DTJ, "--training-job-name", "no-such-job", "--endpoint-url", url],
        [*DTJ, *job, "--cli-read-timeout", "1.5"],
    ]
    env_runs = [(argv, {}) for argv in runs]
    env_runs.append(([*DTJ, *job], {"AWS_DEFAULT_OUTPUT": "text"}))
    env_runs.append(([*DTJ, *job, "--profile", "nosuch"], {}))
    env_runs.append(([], {"_AWSML_COMPLETE": "bash_complete", "COMP_WORDS": "awsml sagemaker describe-training-job --o",
                          "COMP_CWORD": "3"}))
    env_runs.append(([], {"_AWSML_COMPLETE": "bash_source"}))
    return env_runs


def record() -> list[tuple]:
    from tests.helpers import clean_env
    from tests.servers.scripted import CorpusRouter, ScriptedServer

    patterns: dict = {}
    with ScriptedServer(CorpusRouter(REPO / "tests" / "corpus")) as server, \
            tempfile.TemporaryDirectory() as home:
        # The tests' environment: fake credentials, no config files, this interpreter's bin first.
        env = clean_env(Path(home), PYTHONPATH=str(REPO))
        for argv, extra in commands(server.url, home):
            with tempfile.NamedTemporaryFile(suffix=".marshal") as recorded:
                subprocess.run(
                    [sys.executable, "-c", _RECORDER, *argv],
                    env={**env, **extra, "AWSML_REGEX_RECORD": recorded.name},
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    cwd=home, timeout=120,
                )
                found = marshal.loads(Path(recorded.name).read_bytes() or marshal.dumps([]))
            for key in found:
                patterns.setdefault(tuple(key), None)
    import re

    # Never cached by re, so never looked up: DEBUG and TEMPLATE patterns.
    return [(p, f) for p, f in patterns if not f & (re.DEBUG | getattr(re, "TEMPLATE", 0))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args(argv)
    patterns = record()
    data = regex_cache.dumps_table(patterns)
    path = Path(regex_cache.table_path())
    if args.check:
        # Compared by content: marshal's bytes depend on which strings happen to be interned.
        if not path.exists() or marshal.loads(path.read_bytes()) != marshal.loads(data):
            print(f"{path.relative_to(REPO)} is out of date; run {Path(__file__).relative_to(REPO)}")
            return 1
        print(f"{path.relative_to(REPO)} is up to date ({len(patterns)} patterns)")
        return 0
    path.write_bytes(data)
    print(f"wrote {path.relative_to(REPO)}: {len(patterns)} patterns, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
