"""Ctrl-C (SIGINT) at any moment: exit status 130, "\\n" on stdout, nothing on stderr.

Once a command is under way (waiting for a response, sleeping between retries, waiting for
a credential_process) aws v1 does exactly that, and awsml must match it.  While aws v1 is
still importing it dies with a KeyboardInterrupt traceback; awsml installs its own handler
as the first thing its package does and ends quietly (see docs/reliability.md).  What is
left is Python's own start-up before any awsml code exists (interpreter, ``site``, the
console-script wrapper): a signal there is handled by Python, and the sweep below accepts
exactly that and nothing else.  One of Python's outcomes is losing the signal: when the
KeyboardInterrupt is raised where Python reports exceptions and carries on (an importlib
callback, the check of argv[0] as a path entry, a ``.pth`` line in ``site``), it prints a
traceback and the command runs; the sweep then checks that the next Ctrl-C, once the
request is on the wire, is awsml's.

A process started with SIGINT ignored (``awsml ... &`` in a script) keeps ignoring it, as
aws v1 does: awsml replaces only Python's default handler.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

import pytest

from tests import comparisons, helpers
from tests.reliability.faults import CALL, OK_BODY
from tests.servers.scripted import Response, ScriptedServer, Stall, json_response

INTERRUPTED = (130, b"\n", b"")  # exit status, stdout, stderr
# A traceback frame in awsml's own code (not the console-script line that imports it).
AWSML_FRAME = re.compile(rb'File "[^"]*awsml_cli[/\\\\]')


def _sigint_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _spawn(program: str, args: list[str], env: dict, sigint_ignored: bool = False, **kwargs) -> subprocess.Popen:
    """Start ``program`` with SIGINT at its default, or ignored as a shell does for ``cmd &``.

    Set explicitly rather than inherited: pytest itself may run with SIGINT ignored (started
    in the background by a script), and the child would then inherit that.
    """
    command = {
        "aws": helpers.aws_command,
        "awsml": helpers.awsml_command,
        "python -m awsml_cli": lambda: [sys.executable, "-m", "awsml_cli"],
    }[program]()
    return subprocess.Popen(
        [*command, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_sigint_ignored if sigint_ignored else helpers.default_sigint,  # noqa: PLW1509 - only signal()
        **kwargs,
    )


@contextlib.contextmanager
def _spawned(program: str, args: list[str], env: dict, **kwargs):
    """:func:`_spawn` for a ``with`` block; a process still running at its end is killed."""
    proc = _spawn(program, args, env, **kwargs)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _finish(proc: subprocess.Popen) -> tuple[int, bytes, bytes]:
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def _interrupt_when(program, script, env, ready, args=None, signals=1, sigint_ignored=False):
    """Run ``program`` against ``script``; send SIGINT once ``ready(server)`` returns."""
    with ScriptedServer(script) as server:
        args = args or [*CALL[:-1], server.url]
        with _spawned(program, args, env, sigint_ignored=sigint_ignored) as proc:
            ready(server)
            for _ in range(signals):
                proc.send_signal(signal.SIGINT)
                time.sleep(0.05)
            return _finish(proc)


def _request_arrived(count=1, then=0.0):
    def ready(server):
        server.wait_for_requests(count, timeout=60)
        time.sleep(then)

    return ready


@pytest.mark.parametrize("unbuffered", ["1", None], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize("program", ["aws", "awsml"])
def test_interrupt_while_the_response_stalls(program, unbuffered, tmp_path):
    env = helpers.clean_env(tmp_path / "home", PYTHONUNBUFFERED=unbuffered)
    assert _interrupt_when(program, Stall(60), env, _request_arrived()) == INTERRUPTED


@pytest.mark.parametrize("program", ["aws", "awsml"])
def test_interrupt_during_retry_back_off(program, tmp_path):
    env = helpers.clean_env(tmp_path / "home", AWS_MAX_ATTEMPTS="10")
    script = [Response(503, b"")] * 3 + [Stall(60)]
    assert _interrupt_when(program, script, env, _request_arrived(2, then=0.02)) == INTERRUPTED


@pytest.mark.parametrize("program", ["aws", "awsml"])
def test_interrupt_while_credential_process_runs(program, tmp_path):
    started = tmp_path / "started"
    helper_script = (
        "import os, pathlib, time; "
        f"pathlib.Path({str(started)!r}).write_text(str(os.getpid())); time.sleep(30)"
    )
    env = helpers.clean_env(tmp_path / "home", credentials=False)
    Path(env["AWS_CONFIG_FILE"]).write_text(f'[default]\ncredential_process = {sys.executable} -c "{helper_script}"\n')

    def ready(server):
        deadline = time.monotonic() + 60
        while not (started.exists() and started.read_text()):
            assert time.monotonic() < deadline, "credential_process never started"
            time.sleep(0.01)

    try:
        assert _interrupt_when(program, json_response(OK_BODY), env, ready) == INTERRUPTED
    finally:
        # The helper only got SIGINT's neighbour's exit, not a signal of its own: end it.
        if started.exists() and started.read_text():
            try:
                os.kill(int(started.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass


OK_OUTPUT = (0, json.dumps(OK_BODY, indent=4).encode() + b"\n", b"")


@pytest.mark.conformance
@pytest.mark.parametrize("when", ["response stalls", "retry back-off"])
def test_started_with_sigint_ignored_keeps_ignoring_it(when, tmp_path, record_property):
    """``awsml ... &`` in a script (or ``trap '' INT``) starts it with SIGINT ignored.

    A Ctrl-C meant for the foreground must not end it: aws v1 keeps the signal ignored and
    finishes the call; so must awsml, at every phase.
    """
    env = helpers.clean_env(tmp_path / "home", AWS_MAX_ATTEMPTS="3")
    if when == "response stalls":
        script, ready = Stall(1.0, json_response(OK_BODY)), _request_arrived()
    else:
        script, ready = [Response(503, b""), json_response(OK_BODY)], _request_arrived(1, then=0.01)
    results = {
        program: _interrupt_when(program, script, env, ready, signals=3, sigint_ignored=True)
        for program in ("aws", "awsml")
    }
    comparisons.record(results["aws"] == results["awsml"])
    assert results["aws"] == OK_OUTPUT
    assert results["awsml"] == results["aws"]


@pytest.mark.parametrize("delay", [0, 0.005, 0.01, 0.02, 0.04, 0.08])
@pytest.mark.parametrize("program", ["awsml", "python -m awsml_cli"])
def test_started_with_sigint_ignored_ignores_it_during_start_up(program, delay, tmp_path):
    """No gap at start-up either: awsml's own handlers are never installed over SIG_IGN."""
    env = helpers.clean_env(tmp_path / "home")
    with ScriptedServer(json_response(OK_BODY)) as server:
        with _spawned(program, [*CALL[:-1], server.url], env, sigint_ignored=True, cwd=helpers.REPO) as proc:
            time.sleep(delay)
            for _ in range(3):
                proc.send_signal(signal.SIGINT)
                time.sleep(0.002)
            assert _finish(proc) == OK_OUTPUT


def test_two_interrupts_in_a_row(tmp_path):
    """A second Ctrl-C while the first is being handled still ends quietly with 130."""
    env = helpers.clean_env(tmp_path / "home")
    rc, out, err = _interrupt_when("awsml", Stall(60), env, _request_arrived(), signals=2)
    assert rc == 130
    assert out in (b"\n", b"\n\n")
    assert err == b""


@pytest.mark.parametrize("marker", ["awsml_cli", "click", "botocore", "urllib3"])
def test_interrupt_during_imports(marker, tmp_path):
    """Ctrl-C while awsml is still importing: aws v1 prints a traceback here, awsml does not.

    ``-X importtime`` reports each import on stderr as it completes; the signal goes out
    as soon as the first line naming ``marker`` shows up, so it lands during the imports
    that follow it.
    """
    env = helpers.clean_env(tmp_path / "home", PYTHONPROFILEIMPORTTIME="1")
    with ScriptedServer(Stall(60)) as server:
        proc = _spawn("awsml", [*CALL[:-1], server.url], env)
        seen = []
        for line in proc.stderr:
            seen.append(line)
            # "import time: self | cumulative | <indent>name", written as each import completes.
            if line.split(b"|")[-1].strip().startswith(marker.encode()):
                proc.send_signal(signal.SIGINT)
                break
        out, rest = proc.communicate(timeout=60)
    err = b"".join(seen) + rest
    assert proc.returncode == 130, err[-2000:]
    assert out == b"\n"
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err[-2000:]


def _classify(rc: int, out: bytes, err: bytes) -> str:
    if (rc, out, err) == INTERRUPTED:
        return "handled by awsml"
    if rc == -signal.SIGINT and out == b"" and err == b"":
        return "killed before Python's handler existed"
    if out == b"" and not AWSML_FRAME.search(err):
        if b"KeyboardInterrupt" in err:
            return "in Python's own start-up"
        if rc == 1 and b"Traceback" in err:
            # Python's start-up mangled the KeyboardInterrupt (seen: "TypeError: expected a
            # message argument" from <frozen io>); awsml itself never exits 1.
            return "in Python's own start-up"
    return "UNEXPECTED"


def _lost_in_start_up(err: bytes) -> bool:
    """Python swallowed the signal before awsml existed: a KeyboardInterrupt, no awsml frame.

    Python reports such an interrupt in many ways and carries on (see SWALLOWED_BY_PYTHON);
    what they share is that no awsml code was running.
    """
    return b"KeyboardInterrupt" in err and not AWSML_FRAME.search(err)


def _finish_after_interrupt(proc: subprocess.Popen, server: ScriptedServer, before: int):
    """Wait for the interrupted process; if Python lost the Ctrl-C, send a second one.

    A process still running after its request reached the server (which stalls) did not
    act on the signal.  If its stderr shows Python swallowed it in start-up, the second
    Ctrl-C lands while the request is on the wire and must be awsml's: 130, "\\n", and
    nothing added to stderr.  Returns (outcome, requested, rc, out, err).
    """
    deadline = time.monotonic() + 60
    while proc.poll() is None and server.request_count == before and time.monotonic() < deadline:
        time.sleep(0.005)
    try:
        # The request is on the wire, or the process ended: awsml's handler ends it at once.
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired as still_running:
        swallowed = still_running.stderr or b""
        if not _lost_in_start_up(swallowed):
            raise
        proc.send_signal(signal.SIGINT)
        rc, out, err = _finish(proc)
        if (rc, out, err) == (*INTERRUPTED[:2], swallowed):
            return "lost in Python's start-up; the next Ctrl-C handled by awsml", True, rc, out, err
        return "UNEXPECTED", True, rc, out, err
    requested = server.request_count > before
    return _classify(proc.returncode, out, err), requested, proc.returncode, out, err


# What Python printed when it swallowed a Ctrl-C during its own start-up and carried on
# (Python 3.11.7, awsml installed editable), with the paths of wherever the tests run.
_BIN = os.path.join(sys.prefix, "bin").encode()
_SITE = sysconfig.get_paths()["purelib"].encode()
_STDLIB = sysconfig.get_paths()["stdlib"].encode()
SWALLOWED_BY_PYTHON = {
    "importlib-lock-callback": (
        b"Exception ignored in: <function _get_module_lock.<locals>.cb at 0x7f67d55c7100>\n"
        b"Traceback (most recent call last):\n"
        b'  File "<frozen importlib._bootstrap>", line 198, in cb\n'
        b"KeyboardInterrupt: \n"
    ),
    "argv0-path-entry": (
        b"Failed checking if argv[0] is an import path entry\n"
        b"Traceback (most recent call last):\n"
        b'  File "<frozen zipimport>", line 75, in __init__\n'
        b'  File "<frozen importlib._bootstrap_external>", line 147, in _path_stat\n'
        b"KeyboardInterrupt\n"
    ),
    "argv0-path-entry-chained": (
        b"Failed checking if argv[0] is an import path entry\n"
        b"Traceback (most recent call last):\n"
        b'  File "<frozen zipimport>", line 92, in __init__\n'
        b"KeyError: '" + _BIN + b"/awsml'\n"
        b"\n"
        b"During handling of the above exception, another exception occurred:\n"
        b"\n"
        b"Traceback (most recent call last):\n"
        b'  File "<frozen zipimport>", line 94, in __init__\n'
        b'  File "<frozen zipimport>", line 416, in _read_directory\n'
        b"KeyboardInterrupt\n"
    ),
    "site-pth-line": (
        b"Error processing line 1 of " + _SITE + b"/__editable__.awsml-0.1.0.pth:\n"
        b"\n"
        b"  Traceback (most recent call last):\n"
        b'    File "' + _STDLIB + b'/functools.py", line 972, in __set_name__\n'
        b"      def __set_name__(self, owner, name):\n"
        b"      \n"
        b"  KeyboardInterrupt\n"
        b"  \n"
        b"  The above exception was the direct cause of the following exception:\n"
        b"  \n"
        b"  Traceback (most recent call last):\n"
        b'    File "<frozen site>", line 186, in addpackage\n'
        b'    File "<string>", line 1, in <module>\n'
        b'    File "' + _SITE + b'/__editable___awsml_0_1_0_finder.py", line 7, in <module>\n'
        b"      from pathlib import Path\n"
        b'    File "' + _STDLIB + b'/ipaddress.py", line 2101, in <module>\n'
        b"      class IPv6Interface(IPv6Address):\n"
        b"  RuntimeError: Error calling __set_name__ on 'cached_property' instance 'hostmask' in 'IPv6Interface'\n"
        b"\n"
        b"Remainder of file ignored\n"
    ),
}


@pytest.mark.parametrize("seen", list(SWALLOWED_BY_PYTHON.values()), ids=list(SWALLOWED_BY_PYTHON))
def test_swallowed_interrupt_is_recognised(seen):
    """The sweep's test for a Ctrl-C that Python swallowed, on what was seen."""
    assert _lost_in_start_up(seen)
    assert not _lost_in_start_up(seen.replace(b'File "', b'File "/x/awsml_cli/cli.py'))
    assert not _lost_in_start_up(seen.replace(b"KeyboardInterrupt", b"KeyError"))


@pytest.mark.parametrize("rc, out, err, outcome", [
    (130, b"\n", b"", "handled by awsml"),
    (-2, b"", b"", "killed before Python's handler existed"),
    (1, b"", b'Traceback (most recent call last):\n  File "<frozen io>", line 111, in <module>\n'
             b"TypeError: expected a message argument\n", "in Python's own start-up"),
    (1, b"", b'Traceback (most recent call last):\n  File "/x/awsml_cli/cli.py", line 1, in run\n'
             b"KeyboardInterrupt\n", "UNEXPECTED"),
    # What awsml printed before main() reported a disguised Ctrl-C as one.
    (255, b"", b"\nError calling __set_name__ on 'cached_property' instance 'processor' in 'uname_result'\n",
     "UNEXPECTED"),
])
def test_sweep_outcomes_are_classified(rc, out, err, outcome):
    assert _classify(rc, out, err) == outcome


def test_interrupt_sweep_from_spawn(tmp_path):
    """SIGINT at many delays after spawn, from ~immediately to mid-request.

    Every outcome must be one of: handled by awsml (130, "\\n", no stderr); killed before the
    interpreter installed its handler (silent; the shell sees 130); a traceback from
    Python's own start-up that names no awsml module; or the signal swallowed by Python in
    its start-up, after which the next Ctrl-C must be awsml's (see the module docstring).
    Once the request is on the wire, it must be handled by awsml.
    """
    env = helpers.clean_env(tmp_path / "home")
    delays = [0, 0.001, 0.003, 0.006, 0.01, 0.015, 0.02, 0.03, 0.045, 0.06, 0.08, 0.1, 0.13, 0.17, 0.22, 0.3, 0.4]
    outcomes = []
    with ScriptedServer(Stall(60)) as server:
        for delay in delays:
            before = server.request_count
            with _spawned("awsml", [*CALL[:-1], server.url], env) as proc:
                time.sleep(delay)
                proc.send_signal(signal.SIGINT)
                outcome, requested, rc, out, err = _finish_after_interrupt(proc, server, before)
            outcomes.append((delay, outcome, requested, rc, out, err[-600:]))
        # A last one that certainly reached the request.
        proc = _spawn("awsml", [*CALL[:-1], server.url], env)
        server.wait_for_requests(server.request_count + 1, timeout=60)
        proc.send_signal(signal.SIGINT)
        rc, out, err = _finish(proc)
        outcomes.append(("request sent", _classify(rc, out, err), True, rc, out, err[-600:]))
    report = "\n".join(f"{o[0]}: {o[1]} (rc {o[3]})" for o in outcomes)
    print(report)
    assert not [o for o in outcomes if o[1] == "UNEXPECTED"], outcomes
    on_the_wire = ("handled by awsml", "lost in Python's start-up; the next Ctrl-C handled by awsml")
    assert all(o[1] in on_the_wire for o in outcomes if o[2]), report


def test_main_in_process_leaves_sigint_alone():
    """Tests and CliRunner call main() in-process: it must not touch the caller's handler."""
    from awsml_cli.__main__ import main

    before = signal.getsignal(signal.SIGINT)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["--version"]) == 0
    assert out.getvalue().startswith("awsml/")
    assert signal.getsignal(signal.SIGINT) is before


def test_interrupt_in_a_thread_does_not_crash_main(tmp_path):
    """main() called from a thread (no signals there) still works."""
    from awsml_cli.__main__ import main

    result = {}

    def run():
        with contextlib.redirect_stdout(io.StringIO()) as out:
            result["code"] = main(["--version"])
        result["out"] = out.getvalue()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert result["code"] == 0 and result["out"].startswith("awsml/")


def test_interrupt_while_writing_a_large_output(tmp_path):
    """Blocked writing to a full pipe when Ctrl-C comes: 130, no traceback."""
    big = {"TrainingJobName": "big", "HyperParameters": {f"hp{i:05d}": "v" * 30 for i in range(20000)}}
    env = helpers.clean_env(tmp_path / "home")
    with ScriptedServer(json_response(big)) as server:
        proc = _spawn("awsml", [*CALL[:-1], server.url], env)
        server.wait_for_requests(1, timeout=60)
        time.sleep(1.0)  # the pipe (64 KiB) is full long before the ~900 KB are written
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    # The output cannot have been written (the pipe is full): an exit 0 would mean the
    # Ctrl-C was ignored.
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and err == b""
    assert out.endswith(b"\n")
