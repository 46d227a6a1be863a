"""moto's emulators on 127.0.0.1, with a count of the requests each action received.

The credential tests need to know how many times each program called STS (an
assume-role cache that works calls it once for two runs). moto's own server
keeps no such record, so its WSGI application is wrapped in a counter that
notes, for every request, the action (``AssumeRole``, ``DescribeTrainingJob``,
...) and the access key id it was signed with.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import urllib.parse
from contextlib import contextmanager


class RequestLog:
    """(action, signing access key id) of every request, in order; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: list[tuple[str, str | None]] = []

    def add(self, action: str, signer: str | None) -> None:
        with self._lock:
            self._entries.append((action, signer))

    def mark(self) -> int:
        with self._lock:
            return len(self._entries)

    def since(self, mark: int) -> list[tuple[str, str | None]]:
        with self._lock:
            return list(self._entries[mark:])


_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


def _action(environ, body: bytes) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    fields.update(urllib.parse.parse_qs(environ.get("QUERY_STRING", "")))
    return (fields.get("Action") or ["?"])[0]


@contextmanager
def running_moto():
    """moto on a free 127.0.0.1 port; yields (url, RequestLog)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    log = RequestLog()
    # ThreadedMotoServer keeps its werkzeug server here; the counter goes in front of moto's app.
    inner = server._server.app

    def counting(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        log.add(_action(environ, body), match.group(1) if match else None)
        return inner(environ, start_response)

    server._server.app = counting
    _, port = server.get_host_and_port()
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        server.stop()
