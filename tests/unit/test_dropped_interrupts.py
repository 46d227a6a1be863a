"""A Ctrl-C that Python drops or disguises while awsml runs still ends the run as a Ctrl-C.

Python 3.11 drops a KeyboardInterrupt raised in a weak-reference callback ("Exception
ignored in ...") and turns one raised in ``__set_name__`` into a RuntimeError.  Both
happen during imports, which awsml does lazily: the sweep in
tests/reliability/test_interrupt.py met the second as an exit status of 255.

These tests run ``main()`` as the awsml program does (its start-up handler installed) and
send a real SIGINT to this process at the moment in question.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import weakref

import pytest

from awsml_cli import app as entry
from awsml_cli.runtime import interrupts
from awsml_cli.output import render as output


@pytest.fixture
def as_the_program(monkeypatch):
    """main() sees the program's start-up handler; the caller's handler comes back after."""
    # Python's own report of a dropped exception, not pytest's (which turns it into a warning).
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, interrupts.exit_on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _run_main_with(monkeypatch, body):
    import awsml_cli.cli.tree

    monkeypatch.setattr(awsml_cli.cli.tree, "run", lambda argv, env=None: body())
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = entry.main(["sagemaker", "describe-training-job", "--training-job-name", "x"])
    return code, out.getvalue(), err.getvalue()


def _sigint_now():
    os.kill(os.getpid(), signal.SIGINT)


def _build_a_class_with(set_name) -> None:
    """Build a class whose descriptor's ``__set_name__`` runs ``set_name``."""

    class Descriptor:
        def __set_name__(self, owner, name):
            set_name()

    class Built:  # noqa: F841 - building it is the point
        member = Descriptor()


def _drop_an_object_with(callback) -> None:
    """Let an object die that has a weak reference with ``callback``."""

    class Target:
        pass

    target = Target()
    keep = weakref.ref(target, lambda ref: callback())  # noqa: F841
    del target  # the callback runs now; an exception raised in it is dropped


def _print_the_response():
    output.write_guarded(lambda: print("the response"), sys.stdout)


def _then_zero(*steps):
    def body():
        for step in steps:
            step()
        return 0

    return body


def test_interrupt_disguised_as_runtime_error(as_the_program, monkeypatch):
    # The handler runs inside __set_name__, and Python 3.11 reports a RuntimeError.
    body = _then_zero(lambda: _build_a_class_with(_sigint_now))
    assert _run_main_with(monkeypatch, body) == (130, "\n", "")


def test_interrupt_dropped_in_a_callback_stops_output(as_the_program, monkeypatch):
    body = _then_zero(lambda: _drop_an_object_with(_sigint_now), _print_the_response)
    # Python's "Exception ignored" note is left out too: the interrupt was not ignored.
    assert _run_main_with(monkeypatch, body) == (130, "\n", "")


def test_other_dropped_exceptions_are_still_noted(as_the_program, monkeypatch):
    def fail():
        raise ValueError("from a callback")

    body = _then_zero(lambda: _drop_an_object_with(fail), _print_the_response)
    code, out, err = _run_main_with(monkeypatch, body)
    assert (code, out) == (0, "the response\n")
    assert "Exception ignored in" in err and "ValueError: from a callback" in err


def test_interrupt_dropped_after_the_output_still_exits_130(as_the_program, monkeypatch):
    body = _then_zero(_print_the_response, lambda: _drop_an_object_with(_sigint_now))
    assert _run_main_with(monkeypatch, body) == (130, "the response\n\n", "")


def test_no_interrupt_no_change(as_the_program, monkeypatch):
    assert _run_main_with(monkeypatch, _then_zero(_print_the_response)) == (0, "the response\n", "")


def test_the_record_ends_with_the_run(as_the_program, monkeypatch):
    """A later in-process run (same process) must not inherit this run's Ctrl-C."""
    hook_before = sys.unraisablehook
    assert _run_main_with(monkeypatch, _then_zero(lambda: _build_a_class_with(_sigint_now)))[0] == 130
    assert not interrupts.received()
    assert sys.unraisablehook is hook_before
    signal.signal(signal.SIGINT, signal.default_int_handler)  # in-process from here on
    assert _run_main_with(monkeypatch, _then_zero(_print_the_response)) == (0, "the response\n", "")


def test_in_process_main_never_records(monkeypatch):
    """Without the program's handler (CliRunner, embedders) nothing is recorded or checked."""
    assert _run_main_with(monkeypatch, _then_zero()) == (0, "", "")
    assert not interrupts.received()
