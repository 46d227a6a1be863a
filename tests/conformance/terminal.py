"""Running a program with its stdout on a pseudo-terminal of a chosen size.

Table output depends on the terminal: its width decides between horizontal and
key/value sections, ``--color auto`` colours only a terminal, and aws v1 ends a
coloured terminal session with one more reset.  None of that shows through a
pipe, so these runs give the child a real pty as stdout (window size set on the
slave before the child starts) while stdin stays /dev/null and stderr a pipe.

Output post-processing is switched off on the pty (no ``\\n`` -> ``\\r\\n``), so
the bytes read from the master are exactly the bytes the program wrote.
"""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import threading
from pathlib import Path

from tests import helpers


def _prepare_slave(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    attrs = termios.tcgetattr(fd)
    attrs[1] &= ~termios.OPOST  # oflag: write the program's bytes unchanged
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def _drain(master: int, proc: subprocess.Popen) -> bytes:
    """Everything written to the pty until the child has exited and closed it."""
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            if proc.poll() is not None:
                # Exited; the slave side is closed, so a last read returns what is left.
                ready = [master]
            else:
                continue
        try:
            data = os.read(master, 65536)
        except OSError as exc:
            if exc.errno == errno.EIO:  # Linux: every slave descriptor is closed
                break
            raise
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def run_in_terminal(command: list[str], args: list[str], env: dict, columns: int, rows: int = 24,
                    cwd: Path | None = None, timeout: float = 120) -> helpers.Result:
    """Run ``command + args`` with stdout on a ``columns`` x ``rows`` pty; stderr is piped."""
    master, slave = pty.openpty()
    try:
        _prepare_slave(slave, columns, rows)
        proc = subprocess.Popen(
            [*command, *args], env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=slave,
            stderr=subprocess.PIPE,
        )
    except BaseException:
        os.close(master)
        os.close(slave)
        raise
    os.close(slave)  # the child holds the only slave descriptor now
    stderr_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()), daemon=True)
    reader.start()
    try:
        stdout = _drain(master, proc)
        returncode = proc.wait(timeout=timeout)
        reader.join(timeout)
    finally:
        os.close(master)
        proc.stderr.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return helpers.Result(returncode, stdout, b"".join(stderr_chunks))


def run_aws_in_terminal(args: list[str], env: dict, columns: int, **kwargs) -> helpers.Result:
    from tests import oracle_model

    return run_in_terminal(helpers.aws_command(), args, oracle_model.for_aws(env), columns, **kwargs)


def run_awsml_in_terminal(args: list[str], env: dict, columns: int, **kwargs) -> helpers.Result:
    return run_in_terminal(helpers.awsml_command(), args, env, columns, **kwargs)
