"""A reader that goes away (``awsml … | head -c1``) or was never there: end quietly, exit 0.

In every output format, for ``--generate-cli-skeleton``, ``--version`` and help, with and
without ``PYTHONUNBUFFERED``, small and large (20,000 hyper-parameters) outputs: exit 0,
nothing on stderr -- no traceback, no "Exception ignored" line.  Where aws v1 also ends
quietly (json and table output) the two are compared; where it does not (text output and
the skeleton fail with ``[Errno 32] Broken pipe``, exit 255; without PYTHONUNBUFFERED
several end with "Exception ignored ..." and exit 120) awsml is better on purpose, as
docs/reliability.md says.  A closed descriptor (``awsml >&-``) counts as a reader gone;
errors are still reported on stderr with their exit code.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests import comparisons, helpers
from tests.reliability.faults import CALL
from tests.servers.scripted import ScriptedServer, json_response

BIG = {
    "TrainingJobName": "big-job",
    "TrainingJobStatus": "Completed",
    "HyperParameters": {f"hyperparameter_{i:05d}": f"value-{i}" for i in range(20000)},
}
SMALL = {"TrainingJobName": "small-job", "TrainingJobStatus": "Completed"}

FORMATS = {
    "json": ["--output", "json"],
    "text": ["--output", "text"],
    "table": ["--output", "table"],
}
OTHERS = {
    "skeleton": ["sagemaker", "describe-training-job", "--generate-cli-skeleton"],
    "version": ["--version"],
    "help": ["sagemaker", "describe-training-job", "help"],
}


@pytest.fixture(scope="module")
def servers():
    with ScriptedServer(json_response(BIG)) as big, ScriptedServer(json_response(SMALL)) as small:
        yield {"big": big.url, "small": small.url}


def _command(program: str) -> list[str]:
    return helpers.aws_command() if program == "aws" else helpers.awsml_command()


def _env(program: str, env: dict) -> dict:
    from tests import oracle_model

    return oracle_model.for_aws(env) if program == "aws" else env


def reader_gone(program: str, args: list[str], env: dict) -> tuple[int, bytes]:
    """stdout is a pipe whose reading end was closed before the program started."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [*_command(program), *args], env=_env(program, env), stdin=subprocess.DEVNULL, stdout=write_end, stderr=subprocess.PIPE, timeout=120
        )
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr


def head_c1(program: str, args: list[str], env: dict) -> tuple[int, bytes]:
    """``program … | head -c1``: the reader takes one byte and leaves."""
    proc = subprocess.Popen(
        [*_command(program), *args], env=_env(program, env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    return proc.returncode, err


def fd_closed(program: str, args: list[str], env: dict) -> tuple[int, bytes]:
    """``program … >&-``: there is no descriptor 1 at all."""
    proc = subprocess.run(
        ["/bin/sh", "-c", 'exec "$@" >&-', "sh", *_command(program), *args],
        env=_env(program, env), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120,
    )
    return proc.returncode, proc.stderr


READERS = {"reader-gone": reader_gone, "head-c1": head_c1, "fd-closed": fd_closed}
BUFFERING = {"unbuffered": "1", "buffered": None}


@pytest.mark.parametrize("buffering", BUFFERING)
@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("size", ["big", "small"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_output_formats_end_quietly(fmt, size, reader, buffering, servers, tmp_path):
    env = helpers.clean_env(tmp_path / "home", PYTHONUNBUFFERED=BUFFERING[buffering])
    args = [*CALL[:-1], servers[size], *FORMATS[fmt]]
    rc, err = READERS[reader]("awsml", args, env)
    assert (rc, err) == (0, b"")


@pytest.mark.parametrize("buffering", BUFFERING)
@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("what", OTHERS)
def test_skeleton_version_help_end_quietly(what, reader, buffering, tmp_path):
    env = helpers.clean_env(tmp_path / "home", PYTHONUNBUFFERED=BUFFERING[buffering])
    rc, err = READERS[reader]("awsml", OTHERS[what], env)
    assert (rc, err) == (0, b"")


@pytest.mark.parametrize("reader", ["reader-gone", "head-c1"])
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_same_as_aws_where_aws_is_quiet(fmt, reader, servers, tmp_path):
    """With PYTHONUNBUFFERED=1 (as on CI machines here) aws ends json and table quietly too."""
    env = helpers.clean_env(tmp_path / "home", PYTHONUNBUFFERED="1")
    args = [*CALL[:-1], servers["big"], *FORMATS[fmt]]
    ours, theirs = READERS[reader]("awsml", args, env), READERS[reader]("aws", args, env)
    comparisons.record(ours == theirs)
    assert ours == theirs == (0, b"")


@pytest.mark.parametrize("reader", ["reader-gone", "head-c1"])
def test_text_output_where_aws_fails(reader, servers, tmp_path):
    """aws v1 reports "[Errno 32] Broken pipe" (exit 255) for text output; awsml does not."""
    env = helpers.clean_env(tmp_path / "home", PYTHONUNBUFFERED="1")
    args = [*CALL[:-1], servers["big"], "--output", "text"]
    assert READERS[reader]("aws", args, env) == (255, b"\n[Errno 32] Broken pipe\n")
    assert READERS[reader]("awsml", args, env) == (0, b"")


@pytest.mark.parametrize("reader", ["reader-gone", "fd-closed"])
def test_errors_are_still_reported_when_stdout_is_gone(reader, servers, tmp_path):
    env = helpers.clean_env(tmp_path / "home")
    args = ["sagemaker", "describe-training-job", "--training-job-name", "", "--endpoint-url", servers["small"]]
    expected = b"\nParameter validation failed:\nInvalid length for parameter TrainingJobName, value: 0, valid min length: 1\n"
    assert READERS[reader]("awsml", args, env) == (255, expected)


def test_stderr_closed_keeps_the_exit_code(servers, tmp_path):
    env = helpers.clean_env(tmp_path / "home")
    args = ["sagemaker", "describe-training-job", "--training-job-name", "", "--endpoint-url", servers["small"]]
    proc = subprocess.run(
        ["/bin/sh", "-c", 'exec "$@" 2>&-', "sh", *helpers.awsml_command(), *args],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
    )
    assert proc.returncode == 255
    assert proc.stdout == b""
