"""Ctrl-C (SIGINT) at any moment: exit status 130, "\\n" on stdout, nothing on stderr.

Once a command is under way (waiting for a response, sleeping between retries, waiting for
a credential_process) aws v1 does exactly that, and awsml must match it.  While aws v1 is
still importing it dies with a KeyboardInterrupt traceback; awsml installs its own handler
as the first thing its package does and ends quietly (see docs/reliability.md).  What is
left is Python's own start-up before any awsml code exists (interpreter, ``site``, the
console-script wrapper): a signal there is handled by Python, and the sweep below accepts
exactly that and nothing else.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests import helpers
from tests.reliability.faults import CALL, OK_BODY
from tests.servers.scripted import Response, ScriptedServer, Stall, json_response

INTERRUPTED = (130, b"\n", b"")  # exit status, stdout, stderr
# A traceback frame in awsml's own code (not the console-script line that imports it).
AWSML_FRAME = re.compile(rb'File "[^"]*awsml_cli[/\\\\]')


def _spawn(program: str, args: list[str], env: dict, **kwargs) -> subprocess.Popen:
    command = helpers.aws_command() if program == "aws" else helpers.awsml_command()
    return subprocess.Popen(
        [*command, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def _finish(proc: subprocess.Popen) -> tuple[int, bytes, bytes]:
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def _interrupt_when(program, script, env, ready, args=None, signals=1):
    """Run ``program`` against ``script``; send SIGINT once ``ready(server)`` returns."""
    with ScriptedServer(script) as server:
        args = args or [*CALL[:-1], server.url]
        proc = _spawn(program, args, env)
        try:
            ready(server)
            for _ in range(signals):
                proc.send_signal(signal.SIGINT)
                time.sleep(0.05)
            return _finish(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


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
    if b"KeyboardInterrupt" in err and not AWSML_FRAME.search(err) and out == b"":
        return "in Python's own start-up"
    return "UNEXPECTED"


def test_interrupt_sweep_from_spawn(tmp_path):
    """SIGINT at many delays after spawn, from ~immediately to mid-request.

    Every outcome must be one of: handled by awsml (130, "\\n", no stderr); killed before the
    interpreter installed its handler (silent; the shell sees 130); or a traceback from
    Python's own start-up that names no awsml module (see the module docstring).  Once
    the request is on the wire, it must be handled by awsml.
    """
    env = helpers.clean_env(tmp_path / "home")
    delays = [0, 0.001, 0.003, 0.006, 0.01, 0.015, 0.02, 0.03, 0.045, 0.06, 0.08, 0.1, 0.13, 0.17, 0.22, 0.3, 0.4]
    outcomes = []
    with ScriptedServer(Stall(60)) as server:
        for delay in delays:
            before = server.request_count
            proc = _spawn("awsml", [*CALL[:-1], server.url], env)
            time.sleep(delay)
            proc.send_signal(signal.SIGINT)
            rc, out, err = _finish(proc)
            requested = server.request_count > before
            outcomes.append((delay, _classify(rc, out, err), requested, rc, out, err[-600:]))
        # A last one that certainly reached the request.
        proc = _spawn("awsml", [*CALL[:-1], server.url], env)
        server.wait_for_requests(server.request_count + 1, timeout=60)
        proc.send_signal(signal.SIGINT)
        rc, out, err = _finish(proc)
        outcomes.append(("request sent", _classify(rc, out, err), True, rc, out, err[-600:]))
    report = "\n".join(f"{o[0]}: {o[1]} (rc {o[3]})" for o in outcomes)
    print(report)
    assert not [o for o in outcomes if o[1] == "UNEXPECTED"], outcomes
    assert all(o[1] == "handled by awsml" for o in outcomes if o[2]), report


def test_main_in_process_leaves_sigint_alone():
    """Tests and CliRunner call main() in-process: it must not touch the caller's handler."""
    from awsml_cli.__main__ import main

    before = signal.getsignal(signal.SIGINT)
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["--version"]) == 0
    assert out.getvalue().startswith("awsml/")
    assert signal.getsignal(signal.SIGINT) is before


def test_interrupt_in_a_thread_does_not_crash_main(tmp_path):
    """main() called from a thread (no signals there) still works."""
    from awsml_cli.__main__ import main

    import contextlib
    import io

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
    assert proc.returncode in (0, 130), err
    assert b"Traceback" not in err and err == b""
    if proc.returncode == 130:
        assert out.endswith(b"\n")
