"""awsml_cli.output.render: when table colour is on, what it means for errors, and the reset at exit.

The colour decision is the run's (awsml_cli.runtime.environment.Environment),
made from the terminal facts in awsml_cli.output.terminal."""

from __future__ import annotations

import io
import os
import pty

import jmespath
import pytest

from awsml_cli import errors
from awsml_cli.cli.globalargs import GlobalArgs
from awsml_cli.output import render as output
from awsml_cli.output import terminal as terminal_facts
from awsml_cli.output.formatters.errors import COLOR_RESET
from awsml_cli.runtime.environment import Environment


def on(stream) -> Environment:
    """A run whose stdout is ``stream``."""
    return Environment(stdout=stream)


@pytest.fixture
def terminal():
    """A text stream on the slave side of a pty, and the master's descriptor."""
    master, slave = pty.openpty()
    stream = open(slave, "w", encoding="utf-8", closefd=True)
    yield stream, master
    stream.close()
    os.close(master)


@pytest.fixture
def pipe():
    read_end, write_end = os.pipe()
    stream = open(write_end, "w", encoding="utf-8", closefd=True)
    stream.read_end = read_end
    yield stream
    stream.close()
    os.close(read_end)


@pytest.mark.parametrize(
    "setting, on_terminal, no_color, expected",
    [
        ("on", False, None, True),
        ("on", True, "1", True),  # NO_COLOR only changes "auto"
        ("off", True, None, False),
        ("auto", True, None, True),
        ("auto", False, None, False),
        ("auto", True, "1", False),
        ("auto", True, "anything", False),
        ("auto", True, "", True),  # no-color.org: an empty value does not count
    ],
)
def test_use_color(setting, on_terminal, no_color, expected, terminal, pipe, monkeypatch):
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    stream = terminal[0] if on_terminal else pipe
    assert terminal_facts.wants_color(setting, stream, os.environ) is expected
    assert Environment().wants_color(setting, stream) is expected


def test_use_color_auto_without_a_descriptor(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert terminal_facts.wants_color("auto", io.StringIO(), os.environ) is False


def test_colour_is_on_before_the_query_runs():
    """aws colours stdout and stderr when it sets up the table, before --query."""
    args = GlobalArgs(color="on", query=jmespath.compile("length(`1`)"))
    env = on(io.StringIO())
    with pytest.raises(jmespath.exceptions.JMESPathTypeError):
        output.render({"a": 1}, "table", args, env)
    assert env.table_color_on


@pytest.mark.parametrize("name", ["json", "text"])
def test_only_tables_switch_colour_on(name):
    env = on(io.StringIO())
    output.render({"a": 1}, name, GlobalArgs(color="on"), env)
    assert not env.table_color_on


def test_errors_after_colour_are_coloured():
    stderr = io.StringIO()
    env = Environment(stdout=io.StringIO(), stderr=stderr)
    output.render(None, "table", GlobalArgs(color="on"), env)
    assert errors.report(ValueError("boom"), env=env) == 255
    assert stderr.getvalue() == f"\n{COLOR_RESET}boom{COLOR_RESET}\n{COLOR_RESET}"


def test_errors_without_colour_are_plain():
    stderr = io.StringIO()
    env = Environment(stdout=io.StringIO(), stderr=stderr)
    output.render(None, "table", GlobalArgs(color="off"), env)
    errors.report(ValueError("boom"), env=env)
    assert stderr.getvalue() == "\nboom\n"


def test_finish_resets_a_terminal_once(terminal):
    stream, master = terminal
    env = on(stream)
    output.render(None, "table", GlobalArgs(color="on"), env)  # falsy: nothing drawn
    output.finish(env)
    assert os.read(master, 100) == COLOR_RESET.encode()


def test_finish_never_writes_into_a_pipe(pipe):
    env = on(pipe)
    output.render(None, "table", GlobalArgs(color="on"), env)
    output.finish(env)
    pipe.flush()
    os.set_blocking(pipe.read_end, False)
    with pytest.raises(BlockingIOError):
        os.read(pipe.read_end, 100)


def test_finish_without_colour_writes_nothing(terminal):
    stream, master = terminal
    env = on(stream)
    output.render(None, "table", GlobalArgs(color="off"), env)
    output.finish(env)
    os.set_blocking(master, False)
    with pytest.raises(BlockingIOError):
        os.read(master, 100)


def test_colour_state_ends_with_the_run(tmp_path):
    """Regression: a coloured table run left colour on for later runs in the same
    process, so their error messages came out with resets (seen under xdist)."""
    from tests import helpers
    from tests.inprocess import run_main

    env = helpers.clean_env(tmp_path / "home")
    args = ["sagemaker", "describe-training-job", "--generate-cli-skeleton", "output",
            "--training-job-name", "j", "--output", "table", "--color", "on",
            "--query", "length(`1`)"]
    coloured = run_main(args, env)
    assert coloured.returncode == 255 and COLOR_RESET.encode() in coloured.stderr
    plain = run_main(["sagemaker", "describe-training-job", "--cli-input-yaml", "5"], env)
    assert plain.returncode == 255 and b"\x1b" not in plain.stderr
