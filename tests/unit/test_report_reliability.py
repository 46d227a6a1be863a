"""errors.report for the reliability cases: broken pipes, missing streams, --debug masking."""

from __future__ import annotations

import io
import os
import sys

import pytest

from awsml_cli.runtime import debuglog
from awsml_cli.errors import ExitCode, report
from awsml_cli.runtime.environment import Environment


@pytest.fixture(autouse=True)
def _keep_pytest_stdout(monkeypatch):
    # report() points the real descriptor 1 at /dev/null for a closed stdout; not here.
    monkeypatch.setattr("awsml_cli.errors._silence_stdout", lambda: None)


def test_broken_pipe_from_any_writer_is_a_closed_stdout():
    # An in-memory stdout has no descriptor to ask: a broken pipe can only be stdout's.
    out, err = io.StringIO(), io.StringIO()
    assert report(BrokenPipeError(32, "Broken pipe"), stdout=out, stderr=err) == ExitCode.OK
    assert err.getvalue() == ""


def test_broken_pipe_while_stdout_is_fine_is_an_error(tmp_path):
    # stdout is a regular file, so the broken pipe was somebody else's: report it.
    with open(tmp_path / "out", "w") as out:
        err = io.StringIO()
        assert report(BrokenPipeError(32, "Broken pipe"), stdout=out, stderr=err) == ExitCode.ERROR
    assert err.getvalue() == "\n[Errno 32] Broken pipe\n"


def test_broken_pipe_with_the_reader_gone(monkeypatch):
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as out:
        err = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        assert report(BrokenPipeError(32, "Broken pipe"), stdout=out, stderr=err) == ExitCode.OK
    assert err.getvalue() == ""


def test_missing_streams_do_not_crash(monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert report(KeyboardInterrupt()) == ExitCode.INTERRUPTED
    assert report(ValueError("x")) == ExitCode.ERROR


def test_error_text_is_masked_only_while_debug_is_on(monkeypatch):
    secret = "SECRETvalue/for+testing123"

    class Session:
        _credentials = None
        full_config = {"profiles": {"default": {"aws_secret_access_key": secret}}}

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    err = io.StringIO()
    report(ValueError(f"server said {secret}"), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == f"\nserver said {secret}\n"  # aws v1's text, untouched
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    env.redactor = debuglog.enable_debug_logging(Session(), [])
    try:
        report(ValueError(f"server said {secret}"), env=env)
        err = env.stderr
    finally:
        debuglog.disable_debug_logging()
    assert err.getvalue() == "\nserver said ***\n"


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_main_replaces_a_missing_stream(stream, monkeypatch):
    from awsml_cli.app import main

    monkeypatch.setattr(sys, stream, None)
    assert main(["--version"]) == 0
    assert getattr(sys, stream) is not None
