"""Loaded by every Python process the tests start: no connection beyond loopback.

tests.helpers.clean_env puts this folder on PYTHONPATH and names a log file in
AWSML_TESTS_NETWORK_LOG; Python imports ``sitecustomize`` at start-up, so aws, awsml,
the servers and their helpers all get it. A connection (or a name lookup) to anything
but 127.0.0.0/8, ::1 or a Unix socket is refused as if nothing listened there, and
recorded in the log with the program that tried; the test session fails when the log
is not empty (tests/conftest.py). Nothing else is changed.
"""

import os as _os


def install(log_path):
    import socket
    import sys

    def allowed(family, address) -> bool:
        if family == getattr(socket, "AF_UNIX", None):
            return True
        host = address[0] if isinstance(address, tuple) and address else address
        if not isinstance(host, str):
            return True
        host = host.split("%", 1)[0]
        return host.startswith("127.") or host in ("::1", "localhost", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1")

    def record(what, target):
        try:
            # Read at each refusal, so a test of the guard itself can point it elsewhere.
            with open(_os.environ.get("AWSML_TESTS_NETWORK_LOG") or log_path, "a", encoding="utf-8") as log:
                log.write(f"{what} {target!r} by pid {_os.getpid()}: {' '.join(map(str, sys.argv))[:200]!r}\n")
        except OSError:
            pass

    def refuse(what, target):
        record(what, target)
        raise ConnectionRefusedError(111, f"refused by the tests' network guard: {target!r}")

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        if not allowed(self.family, address):
            refuse("connect", address)
        return real_connect(self, address)

    def connect_ex(self, address):
        if not allowed(self.family, address):
            refuse("connect", address)
        return real_connect_ex(self, address)

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not allowed(socket.AF_INET, (host.decode() if isinstance(host, bytes) else host, 0)):
            record("lookup", host)
            raise socket.gaierror(socket.EAI_NONAME, f"refused by the tests' network guard: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo


if _os.environ.get("AWSML_TESTS_NETWORK_LOG"):
    install(_os.environ["AWSML_TESTS_NETWORK_LOG"])
