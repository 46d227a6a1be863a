"""A fork server for the real ``aws``: the oracle without its half second of imports per run.

The conformance tests run aws v1 about two thousand times. Each run is a new
Python process that spends most of its time importing awscli and botocore,
which is the same work every time. This module keeps one process per test
worker that has done those imports once; for each run it forks, and the child
becomes an ``aws`` process: the test's environment, working directory and
standard streams (passed as descriptors over a Unix socket), the values
awscli and botocore compute from the environment at import time recomputed,
fresh ``sys.std*`` objects configured as the interpreter configures them for
pipes, and then the installed ``aws`` script run as ``__main__``. Exit
status, stdout and stderr come back as from ``subprocess.run``.

Only runs whose setting the child can reproduce exactly go through it
(:func:`can_fork`): no terminal, the locale the tests use, no ``PYTHON*``
variable (those change how the interpreter itself starts). Anything else
starts a real ``aws`` process, and so do all runs when
``AWSML_TESTS_AWS_FORK=0``. ``tests/conformance/test_aws_forkserver.py``
runs a set of cases both ways and requires identical results.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading

_MAX_MESSAGE = 1 << 20


# ---------------------------------------------------------------------------
# The server process (this file run as a script)
# ---------------------------------------------------------------------------


def _serve(sock: socket.socket) -> dict | None:
    """Answer requests until the client goes away; in a forked child, return its request."""
    import awscli.clidriver  # noqa: F401 - the imports every aws run would make
    import awscli.handlers  # noqa: F401 - and the plug-ins it loads at start-up
    import gc

    # Keep the collector of each child off the imported objects: walking them
    # would copy every page of the parent's heap into the child.
    gc.freeze()

    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 3)
        except OSError:
            return None
        if not message:
            return None
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            sock.close()
            request["fds"] = fds
            return request
        for fd in fds:
            os.close(fd)
        sock.send(json.dumps({"pid": pid}).encode())
        _, status = os.waitpid(pid, 0)
        sock.send(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}).encode())


def _become_aws(request: dict) -> None:
    """In the forked child: set up the process as a fresh ``aws`` would find it, then run aws."""
    import importlib
    import io
    import runpy
    import signal
    import time

    server_home = os.path.expanduser("~")  # what the imports computed paths from
    for target, fd in zip((0, 1, 2), request["fds"]):
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    time.tzset()
    signal.signal(signal.SIGINT, signal.default_int_handler)

    # What awscli and botocore read from the environment when they are imported.
    import awscli

    importlib.reload(awscli)  # AWS_DATA_PATH
    _rehome(server_home, os.path.expanduser("~"))

    # Standard streams as the interpreter makes them for pipes: the server was started
    # the way can_fork() requires a run to be (the same locale, no PYTHON* variable but
    # the network guard), so its own streams have the settings a new aws process gets.
    # (Pipes: stderr is line-buffered, the others are not.)
    def like(stream, fd: int, mode: str):
        raw = io.FileIO(fd, mode, closefd=False)
        buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
        return io.TextIOWrapper(buffered, encoding=stream.encoding, errors=stream.errors, line_buffering=fd == 2)

    settings = sys.__stdin__, sys.__stdout__, sys.__stderr__
    sys.stdin = sys.__stdin__ = like(settings[0], 0, "r")
    sys.stdout = sys.__stdout__ = like(settings[1], 1, "w")
    sys.stderr = sys.__stderr__ = like(settings[2], 2, "w")
    script = request["script"]
    sys.argv = [script, *request["args"]]
    sys.path[0] = os.path.dirname(script)
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        _exit_quickly(exc)
        raise


def _rehome(old: str, new: str) -> None:
    """Paths under HOME that awscli and botocore computed when they were imported (in the
    server, under its own HOME): the credential, SSO and history caches, the alias file,
    ~/.aws/models. Module globals, class attributes and default argument values under
    ``old`` are moved under ``new``, as a new process would have computed them."""
    import types

    if old == new:
        return

    def moved(value):
        if isinstance(value, str) and (value == old or value.startswith(old + os.sep)):
            return new + value[len(old):]
        return value

    def fix_defaults(function) -> None:
        if isinstance(function, (staticmethod, classmethod)):
            function = function.__func__
        if isinstance(function, types.FunctionType) and function.__defaults__:
            function.__defaults__ = tuple(moved(v) for v in function.__defaults__)

    seen: set = set()
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(("awscli", "botocore", "s3transfer")):
            continue
        for key, value in list(vars(module).items()):
            if isinstance(value, str):
                setattr(module, key, moved(value))
            elif isinstance(value, type) and id(value) not in seen:
                seen.add(id(value))
                for attribute, member in list(vars(value).items()):
                    if isinstance(member, str) and moved(member) is not member:
                        setattr(value, attribute, moved(member))
                    else:
                        fix_defaults(member)
            elif isinstance(value, types.FunctionType) and id(value) not in seen:
                seen.add(id(value))
                fix_defaults(value)


def _exit_quickly(exc: SystemExit) -> None:
    """End the child as the interpreter would, without tearing down the inherited heap.

    Finalising the interpreter touches every object the parent imported, which
    copies its whole heap into the child (about a quarter of a run). So when the
    exit is an ordinary one, this does what finalisation would show from outside
    (the exit status of SystemExit, non-daemon threads joined, atexit functions,
    unreachable objects collected with their finalisers, a flush of stdout and
    stderr) and leaves with ``os._exit``. Anything unusual is left to the
    interpreter, which then finishes as a real aws process does: a non-integer
    code, a flush that fails, and a run that left open something only
    finalisation closes (a database such as the CLI history, a file other than the
    standard streams), because closing it can change what is on disk.
    """
    import atexit
    import gc
    import threading

    code = exc.code
    if code is None:
        code = 0
    if not isinstance(code, int):
        return
    threading._shutdown()  # what the interpreter does first at exit
    atexit._run_exitfuncs()
    gc.collect()  # the server's objects are frozen: this walks only the run's own
    if _left_open():
        # Finalisation frees what the run left open through the module objects, cycles
        # with the server's frozen objects included: let its collector see them again.
        gc.unfreeze()
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - the interpreter reports it (exit 120)
        return
    os._exit(code & 0xFF)


def _left_open() -> bool:
    """Whether the run left open a database connection or a file (not a standard stream)."""
    import gc
    import io
    import sqlite3

    standard = {id(s) for s in (sys.stdin, sys.stdout, sys.stderr, sys.__stdin__, sys.__stdout__, sys.__stderr__)}
    for obj in gc.get_objects():  # the frozen (server's) objects are not listed
        if isinstance(obj, sqlite3.Connection):
            try:
                obj.total_changes
            except sqlite3.ProgrammingError:  # closed
                continue
            return True
        if isinstance(obj, io.IOBase) and id(obj) not in standard:
            try:
                if not obj.closed and obj.fileno() > 2:
                    return True
            except (ValueError, OSError):
                continue
    return False


def _server_main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    request = _serve(sock)
    if request is not None:
        # Only a forked child gets here; SystemExit from aws ends it like a real process.
        _become_aws(request)


# ---------------------------------------------------------------------------
# The client side (used by tests.helpers.run_aws)
# ---------------------------------------------------------------------------


def can_fork(env: dict, stdin) -> bool:
    if os.environ.get("AWSML_TESTS_AWS_FORK", "1") == "0":
        return False
    if stdin is not None and not isinstance(stdin, bytes):
        return False
    if env.get("LANG", "C.UTF-8") != "C.UTF-8" or "HOME" not in env:
        return False
    if any(key in env for key in IMPORT_TIME_VARIABLES):
        return False
    # The network guard on PYTHONPATH is the server's own (it was started with it).
    from tests.helpers import GUARD_DIR

    return not any(key.startswith(("PYTHON", "LC_")) for key in env
                   if not (key == "PYTHONPATH" and env[key] == str(GUARD_DIR)))


# Variables aws's modules read once, when they are imported, into values other
# modules copy by name: a forked child cannot recompute them, so a run that sets
# one starts a new aws process.
IMPORT_TIME_VARIABLES = ("AWS_NEW_RETRIES_2026",)


class ForkServer:
    def __init__(self, aws_script: str):
        self.aws_script = aws_script
        self._lock = threading.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._home = tempfile.TemporaryDirectory(prefix="aws-forkserver-")
        # A neutral environment for the imports; each child gets its test's own.
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self._home.name, "LANG": "C.UTF-8"}
        from tests.helpers import guarded

        env = guarded(env)
        self._process = subprocess.Popen(
            [sys.executable, __file__, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self._sock = ours

    def run(self, args: list[str], env: dict, cwd, stdin: bytes | None, timeout: float):
        """(returncode, stdout, stderr) of ``aws args``, as subprocess.run would give them."""
        with self._lock:
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            in_r, in_w = os.pipe()
            request = {
                "args": list(args),
                "env": dict(env),
                "cwd": str(cwd or os.getcwd()),
                "script": self.aws_script,
            }
            try:
                socket.send_fds(self._sock, [json.dumps(request).encode()], [in_r, out_w, err_w])
            finally:
                for fd in (in_r, out_w, err_w):
                    os.close(fd)
            chunks = {out_r: [], err_r: []}
            readers = [threading.Thread(target=_drain, args=(fd, chunks[fd]), daemon=True) for fd in chunks]
            for reader in readers:
                reader.start()
            _feed(in_w, stdin or b"")
            pid = json.loads(self._sock.recv(_MAX_MESSAGE))["pid"]
            self._sock.settimeout(timeout)
            try:
                reply = self._sock.recv(_MAX_MESSAGE)
            except TimeoutError:
                os.kill(pid, 9)
                self._sock.settimeout(None)
                self._sock.recv(_MAX_MESSAGE)
                raise subprocess.TimeoutExpired(["aws", *args], timeout) from None
            finally:
                self._sock.settimeout(None)
            for reader in readers:
                reader.join()
            return json.loads(reply)["returncode"], b"".join(chunks[out_r]), b"".join(chunks[err_r])

    def close(self) -> None:
        self._sock.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._home.cleanup()


def _drain(fd: int, into: list) -> None:
    with open(fd, "rb", buffering=0) as stream:
        while chunk := stream.read(65536):
            into.append(chunk)


def _feed(fd: int, data: bytes) -> None:
    def write():
        try:
            with open(fd, "wb", buffering=0) as stream:
                stream.write(data)
        except BrokenPipeError:
            pass

    if len(data) < 65536:
        write()  # fits in the pipe: no thread needed
    else:
        threading.Thread(target=write, daemon=True).start()


_server: ForkServer | None = None
_server_pid: int | None = None


def server(aws_script: str) -> ForkServer:
    """This process's fork server, started on first use."""
    global _server, _server_pid
    if _server is None or _server_pid != os.getpid():
        _server = ForkServer(aws_script)
        _server_pid = os.getpid()
        atexit.register(_server.close)
    return _server


if __name__ == "__main__":
    _server_main()
