"""Run ``aws`` or ``awsml`` in a process whose sockets can reach 127.0.0.1 only.

``python -m tests.reliability.guarded awsml|aws ARGS...`` patches name resolution and
``connect()`` before either program is imported: a lookup or connection to anything but
the loopback address (AWS, the instance metadata service at 169.254.169.254, a paramfile
URL on some host) fails as "connection refused" and is written, one per line, to the file
named by ``$GUARD_LOG`` -- tests assert that the file stays empty.  It is the belt to the
braces of ``AWS_EC2_METADATA_DISABLED=true`` and a local ``--endpoint-url``.
"""

from __future__ import annotations

import os
import socket
import sys

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "", None}


def _is_loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return host in LOOPBACK_NAMES or (isinstance(host, str) and host.startswith("127."))


def _record(what: str) -> None:
    path = os.environ.get("GUARD_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(what + "\n")


def install() -> None:
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host, *args, **kwargs):
        if not _is_loopback(host):
            _record(f"getaddrinfo {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, "blocked by the test guard")
        return real_getaddrinfo(host, *args, **kwargs)

    def check(address) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            _record(f"connect {address!r}")
            raise ConnectionRefusedError(111, "blocked by the test guard")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex


def main() -> int:
    install()
    program, sys.argv = sys.argv[1], [sys.argv[1], *sys.argv[2:]]
    if program == "aws":
        from awscli.clidriver import main as aws_main

        return aws_main()
    from awsml_cli.__main__ import main as awsml_main

    return awsml_main()


if __name__ == "__main__":
    sys.exit(main())
