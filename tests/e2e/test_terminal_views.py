"""The views for people on a real (pseudo-)terminal: the --wait live view and --output summary.

awsml runs with stderr (the live view) or stdout (the summary) on a pty made
with the ``pty`` module, sized 120×40 with ``TIOCSWINSZ``; everything the
terminal receives is collected and checked once ANSI sequences are removed.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import termios
import threading

import pytest

from tests import helpers
from tests.servers import jobwalk
from tests.servers.pytest_fixtures import corpus_server, scripted_server  # noqa: F401 - fixtures
from tests.servers.scripted import json_response

DTJ = ["sagemaker", "describe-training-job"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
COLUMNS = 120


class TerminalRun:
    """awsml with one stream on a pty; the other two are pipes."""

    def __init__(self, args, env, on_tty="stderr"):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, COLUMNS, 0, 0))
        streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, on_tty: slave}
        self.proc = subprocess.Popen(
            helpers.awsml_command() + args, env=env, stdin=subprocess.DEVNULL,
            preexec_fn=helpers.default_sigint, **streams,  # noqa: PLW1509 - only signal()
        )
        os.close(slave)
        self.chunks: list[bytes] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO once the last writer closed the pty
                break
            if not data:
                break
            self.chunks.append(data)

    def finish(self):
        try:
            out, err = self.proc.communicate(timeout=120)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        self.reader.join(30)
        os.close(self.master)
        self.raw = b"".join(self.chunks).decode("utf-8", "replace")
        self.screen = ANSI.sub("", self.raw)
        return self.proc.returncode, out or b"", err or b""


def tty_env(home, **extra):
    return helpers.clean_env(home, **{"AWS_MAX_ATTEMPTS": "1", "TERM": "xterm-256color", **extra})


def args_for(stem, url, *extra):
    return [*DTJ, "--training-job-name", stem, "--endpoint-url", url, *extra]


# --------------------------------------------------------------------------- the live view


@pytest.mark.conformance  # runs the real aws
def test_live_view_walks_to_completed(scripted_server, corpus_server, home):
    stem = "01-completed-xgboost"
    server = scripted_server(jobwalk.walk(stem))
    run = TerminalRun(args_for(stem, server.url, "--wait", "--poll-interval", "0.2"), tty_env(home))
    code, out, err = run.finish()
    assert code == 0
    expected = helpers.run_aws(args_for(stem, corpus_server.url), tty_env(home))
    assert out == expected.stdout  # stdout is a pipe: the final response, exactly
    assert err == b""
    assert "\x1b[" in run.raw  # a live view: colours and cursor movement
    screen = run.screen
    assert f"Training job {stem}" in screen
    for status in ("Starting", "Downloading", "Training", "Uploading", "Completed"):
        assert status in screen
    assert "epoch 2 of 3, step 600 (400 steps per epoch)" in screen
    assert "Polling failed, trying again in" in screen  # the faults were shown, not fatal
    assert "polling every 0.2s, no time limit" in screen
    # The last frame stays: the timeline with durations and the final status.
    final_frame = screen[screen.rindex(f"Training job {stem}") :]
    assert "✔ Completed" in final_frame
    assert re.search(r"Training +2m 1s +Training image download completed", final_frame)
    assert re.search(r"Metrics +train:auc 0\.9734200239181519", final_frame)


def test_live_view_shows_the_failure_reason(scripted_server, home):
    stem = "02-failed-algorithm-error"
    server = scripted_server(jobwalk.walk(stem, faults=()))
    run = TerminalRun(args_for(stem, server.url, "--wait", "--poll-interval", "0.1", "--query", "TrainingJobStatus"), tty_env(home))
    code, out, _ = run.finish()
    assert (code, out) == (3, b'"Failed"\n')
    final_frame = run.screen[run.screen.rindex(f"Training job {stem}") :]
    assert "✘ Failed" in final_frame
    assert "Failure reason" in final_frame
    assert "AlgorithmError: ExecuteUserScriptError:" in final_frame
    assert "exit code: 1" in final_frame


def test_live_view_neutralises_control_characters(scripted_server, home):
    stem = "01-completed-xgboost"
    evil = jobwalk.stages(stem)[2]
    evil["SecondaryStatusTransitions"][-1]["StatusMessage"] = "Downloading \x1b]0;pwned\x07\x1b[2J now"
    server = scripted_server([json_response(evil), json_response(jobwalk.corpus_body(stem))])
    run = TerminalRun(args_for(stem, server.url, "--wait", "--poll-interval", "0.1"), tty_env(home))
    code, _, _ = run.finish()
    assert code == 0
    assert "pwned\x07" not in run.raw and "\x1b[2J" not in run.raw
    assert "Downloading \\x1b]0;pwned\\x07\\x1b[2J now" in run.screen


def test_live_view_ctrl_c(scripted_server, home):
    stem = "01-completed-xgboost"
    server = scripted_server(json_response(jobwalk.stages(stem)[3]))
    run = TerminalRun(args_for(stem, server.url, "--wait", "--poll-interval", "0.05"), tty_env(home))
    server.wait_for_requests(3)
    run.proc.send_signal(signal.SIGINT)
    code, out, _ = run.finish()
    assert (code, out) == (130, b"\n")
    assert "last known status of training job '01-completed-xgboost': InProgress (Training)." in run.screen
    assert run.raw.rstrip().endswith("InProgress (Training).")  # the view was closed before the message


def test_dumb_terminal_and_debug_get_plain_lines(scripted_server, home):
    stem = "01-completed-xgboost"
    for env_extra, extra_args in (({"TERM": "dumb"}, []), ({}, ["--debug"])):
        server = scripted_server(jobwalk.walk(stem, faults=()))
        env = tty_env(home, **env_extra)
        run = TerminalRun(args_for(stem, server.url, "--wait", "--poll-interval", "0.05", *extra_args), env)
        code, _, _ = run.finish()
        assert code == 0
        assert "\x1b" not in run.raw
        assert "Downloading - Downloading input data" in run.screen


# --------------------------------------------------------------------------- the summary on a terminal


def test_summary_on_a_terminal_is_rich_and_coloured(corpus_server, home):
    run = TerminalRun(args_for("02-failed-algorithm-error", corpus_server.url, "--output", "summary"), tty_env(home), on_tty="stdout")
    code, _, err = run.finish()
    assert (code, err) == (0, b"")
    assert "\x1b[1;31m" in run.raw  # Failed in bold red
    assert "╭─ 02-failed-algorithm-error" in run.screen
    widest = max(len(line) for line in run.screen.replace("\r", "").splitlines())
    assert widest <= COLUMNS


def test_summary_on_a_terminal_respects_no_color(corpus_server, home):
    run = TerminalRun(args_for("02-failed-algorithm-error", corpus_server.url, "--output", "summary"), tty_env(home, NO_COLOR="1"), on_tty="stdout")
    code, _, _ = run.finish()
    assert code == 0
    assert "\x1b" not in run.raw
    assert "╭─ 02-failed-algorithm-error" in run.screen


@pytest.mark.parametrize("setting", ["--color off", "--color on"])
def test_summary_color_option_on_a_terminal(setting, corpus_server, home):
    run = TerminalRun(args_for("01-completed-xgboost", corpus_server.url, "--output", "summary", *setting.split()), tty_env(home), on_tty="stdout")
    code, _, _ = run.finish()
    assert code == 0
    assert ("\x1b[" in run.raw) is (setting == "--color on")
