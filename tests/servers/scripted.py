"""A scripted HTTP/1.1 (and HTTPS) server for end-to-end tests of awsml and the real ``aws``.

moto answers the happy path. Everything moto cannot produce -- hand-written wire bodies, error
bodies, stalls, dropped and reset connections, truncated bodies, paramfile URLs -- comes from
this server. It only ever binds to 127.0.0.1.

A *script* decides what each request gets. A script is one of:

* an action object (``Response``, ``Stall``, ``CloseWithoutResponse``, ``TruncatedBody``,
  ``Reset``, ``Raw``): every request gets it;
* a list or tuple of scripts: consumed one per request, the last one repeats
  (``[aws_error("ThrottlingException", "Rate exceeded"), json_response({...})]``);
* a callable ``f(request) -> script``: computed per request (``CorpusRouter`` is one).

Usage::

    with ScriptedServer([aws_error("InternalFailure", "boom", status=500),
                         json_response({"TrainingJobName": "x"})]) as server:
        run_cli("--endpoint-url", server.url, ...)
        assert len(server.requests) == 2
        assert server.requests[1].header("amz-sdk-request").startswith("ttl=")

Run ``python -m tests.servers.scripted --corpus tests/corpus`` to serve a corpus by hand.
"""

from __future__ import annotations

import argparse
import email.utils
import http
import http.server
import io
import itertools
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Union

__all__ = [
    "JSON_CONTENT_TYPE",
    "DESCRIBE_TARGET",
    "Request",
    "Response",
    "Stall",
    "CloseWithoutResponse",
    "TruncatedBody",
    "Reset",
    "Raw",
    "Sequence",
    "ScriptedServer",
    "Corpus",
    "CorpusRouter",
    "json_response",
    "aws_error",
    "text_response",
    "UnacceptingListener",
    "closed_port",
    "closed_url",
    "TLSMaterial",
    "make_tls",
]

LOCALHOST = "127.0.0.1"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
DESCRIBE_TARGET = "SageMaker.DescribeTrainingJob"


# --------------------------------------------------------------------------------------------
# The request log
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request as the server saw it, kept in ``ScriptedServer.requests``."""

    method: str
    path: str  # the request target as sent, query string included
    headers: Message  # case-insensitive ``.get()``; repeated headers kept (``get_all``)
    body: bytes
    time: float  # time.monotonic() when the request head had arrived (for back-off gaps)
    wall_time: float  # time.time() at the same moment
    connection_id: int  # 1, 2, ... per accepted TCP connection: shows keep-alive reuse
    client_address: tuple
    tls: bool

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)

    def has_header(self, name: str) -> bool:
        return name in self.headers

    @property
    def target(self) -> str | None:
        """The ``X-Amz-Target`` header, e.g. ``SageMaker.DescribeTrainingJob``."""
        return self.headers.get("X-Amz-Target")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def training_job_name(self) -> Any:
        """``TrainingJobName`` from a JSON body, or None when the body is not such an object."""
        try:
            doc = json.loads(self.body)
        except ValueError:
            return None
        return doc.get("TrainingJobName") if isinstance(doc, dict) else None


# --------------------------------------------------------------------------------------------
# Actions: what the server does with one request
# --------------------------------------------------------------------------------------------

@dataclass
class Response:
    """A complete HTTP response.

    ``body`` may be bytes (sent as is), str (sent as UTF-8) or any other JSON-able object
    (serialised compactly, as AWS does; ``float('inf')`` becomes ``Infinity``).

    By default the server adds ``Content-Type: application/x-amz-json-1.1``, a fresh
    ``x-amzn-RequestId``, ``Date`` and a correct ``Content-Length``, like SageMaker. An entry
    in ``headers`` replaces the default of the same name (case-insensitive); an entry whose
    value is ``None`` suppresses it. ``headers`` may also be a list of pairs, to repeat a
    header. ``reason`` overrides the reason phrase (unknown codes such as 509 get an empty one).
    """

    status: int = 200
    body: Any = b""
    headers: Mapping[str, str | None] | list[tuple[str, str | None]] = field(default_factory=dict)
    reason: str | None = None

    def body_bytes(self) -> bytes:
        return _encode_body(self.body)


@dataclass
class Stall:
    """Read the request, wait ``seconds`` (the client sees no byte), then run ``then``.

    The wait ends early when the server stops, so a test never hangs on teardown. Used for
    read timeouts (``--cli-read-timeout``) and for Ctrl-C while waiting on the response.
    """

    seconds: float
    then: Any = None  # a script; None means an empty 200 JSON object ``{}``


@dataclass
class CloseWithoutResponse:
    """Read the request, then close the connection cleanly (FIN) without a status line.

    aws reports ``Connection was closed before we received a valid response from endpoint
    URL: "http://127.0.0.1:PORT/".`` and retries it like a 5xx.
    """


@dataclass
class TruncatedBody:
    """Send status and headers announcing ``declared_length`` bytes, send only ``body``, close.

    ``declared_length`` defaults to ``len(body) + 100``. aws (urllib3's IncompleteRead) reports
    the same "Connection was closed before we received a valid response ..." as a dropped
    connection.
    """

    body: Any = b'{"TrainingJobName": "truncated", "TrainingJobStatus": "Comp'
    declared_length: int | None = None
    status: int = 200
    headers: Mapping[str, str | None] = field(default_factory=dict)


@dataclass
class Reset:
    """Read the request, then abort the connection with a TCP RST (SO_LINGER with timeout 0).

    The client's read fails with ECONNRESET; aws reports it as "Connection was closed before
    we received a valid response ...", over HTTP and HTTPS alike.
    """


@dataclass
class Raw:
    """Read the request, write ``data`` verbatim (no status line is added), then close if asked.

    For malformed HTTP: garbage instead of a status line, bad headers, a bad chunked body.
    """

    data: bytes
    close: bool = True


_ACTIONS = (Response, Stall, CloseWithoutResponse, TruncatedBody, Reset, Raw)


class Sequence:
    """Scripts consumed one per request; the last one repeats forever. Thread-safe."""

    def __init__(self, scripts: Iterable[Any]):
        self._scripts = [as_script(s) for s in scripts]
        if not self._scripts:
            raise ValueError("a response sequence needs at least one entry")
        self._index = 0
        self._lock = threading.Lock()

    def next(self) -> Any:
        with self._lock:
            script = self._scripts[min(self._index, len(self._scripts) - 1)]
            self._index += 1
            return script

    @property
    def consumed(self) -> int:
        """How many requests this sequence has answered."""
        with self._lock:
            return self._index


Script = Union[Response, Stall, CloseWithoutResponse, TruncatedBody, Reset, Raw, Sequence,
               list, tuple, Callable[[Request], Any]]


def as_script(script: Any) -> Any:
    """Normalise a script once, so that list state (the sequence position) is kept."""
    if isinstance(script, (list, tuple)):
        return Sequence(script)
    if isinstance(script, _ACTIONS) or isinstance(script, Sequence) or callable(script):
        return script
    raise TypeError(
        f"not a script: {script!r} (use Response/json_response/... an action, a list or a callable)"
    )


def resolve(script: Any, request: Request) -> Any:
    """Follow sequences and callables until an action comes out."""
    for _ in range(100):  # a guard against a callable that returns itself
        if isinstance(script, _ACTIONS):
            return script
        if isinstance(script, (list, tuple)):
            # A callable may return a fresh list: treat it as a one-shot sequence start.
            script = as_script(script).next()
        elif isinstance(script, Sequence):
            script = script.next()
        elif callable(script):
            script = script(request)
        else:
            raise TypeError(f"script produced {script!r}, which is not a response action")
    raise RuntimeError("script resolution did not terminate")


# --------------------------------------------------------------------------------------------
# Response helpers
# --------------------------------------------------------------------------------------------


def _encode_body(body: Any) -> bytes:
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    # Compact separators and raw UTF-8, as SageMaker sends them.
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(body: Any, status: int = 200, headers: Mapping[str, str | None] | None = None,
                  ) -> Response:
    """A SageMaker-style JSON 1.1 response. ``body`` may already be bytes (sent verbatim)."""
    return Response(status=status, body=body, headers=dict(headers or {}))


def aws_error(code: str | None, message: str | None = None, status: int = 400, *,
              message_key: str = "message", extra: Mapping[str, Any] | None = None,
              headers: Mapping[str, str | None] | None = None) -> Response:
    """A JSON-protocol error: ``{"__type": code, "message": message}``.

    ``code=None`` leaves ``__type`` out (botocore then uses the status as the code),
    ``message=None`` leaves the message out, ``message_key="Message"`` uses the other
    spelling botocore accepts.
    """
    doc: dict[str, Any] = {}
    if code is not None:
        doc["__type"] = code
    if message is not None:
        doc[message_key] = message
    doc.update(extra or {})
    return Response(status=status, body=doc, headers=dict(headers or {}))


def text_response(text: str | bytes, status: int = 200, content_type: str = "text/plain",
                  ) -> Response:
    """A plain response without AWS headers, e.g. for ``GET /name.txt`` paramfile fetches."""
    return Response(status=status, body=text,
                    headers={"Content-Type": content_type, "x-amzn-RequestId": None})


def _reason(status: int, override: str | None) -> str:
    if override is not None:
        return override
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _build_head(status: int, reason: str | None, headers: Any, body_len: int) -> bytes:
    """Status line plus headers, the defaults merged with the caller's (None removes one)."""
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    given = {name.lower() for name, _ in pairs}
    defaults = {
        "Content-Type": JSON_CONTENT_TYPE,
        "x-amzn-RequestId": str(uuid.uuid4()),
        "Date": email.utils.formatdate(usegmt=True),
        "Content-Length": str(body_len),
    }
    out = [(k, v) for k, v in defaults.items() if k.lower() not in given]
    out += [(k, v) for k, v in pairs if v is not None]
    # An unknown status (509) gets an empty reason: "HTTP/1.1 509 ", which http.client accepts.
    lines = [f"HTTP/1.1 {status} {_reason(status, reason)}"]
    lines += [f"{k}: {v}" for k, v in out]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.1 so that botocore's urllib3 pool keeps connections alive, as against AWS.
    protocol_version = "HTTP/1.1"
    server: "_HTTPServer"

    def setup(self) -> None:
        srv = self.server
        self._conn_id = srv.owner._register_connection(self.request)
        self._tls = srv.owner.ssl_context is not None
        if self._tls:
            # The handshake happens here, in the connection's own thread, so that a client
            # that never handshakes cannot block the accept loop.
            raw = self.request
            tls_sock = srv.owner.ssl_context.wrap_socket(
                raw, server_side=True, do_handshake_on_connect=False)
            self.request = tls_sock
            srv.owner._register_connection(tls_sock, self._conn_id)
            tls_sock.settimeout(10)
            try:
                tls_sock.do_handshake()
            except (OSError, ssl.SSLError) as exc:
                srv.owner._note_error(f"TLS handshake failed: {exc!r}")
                tls_sock.close()
                raise
            tls_sock.settimeout(None)
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        # The TLS wrapper owns the descriptor; socketserver only knows the raw socket.
        if self._tls:
            try:
                self.request.close()
            except OSError:
                pass
        self.server.owner._unregister_connection(self._conn_id)

    # Every method goes through the script; GET paths are a router's business.
    def _dispatch(self) -> None:
        owner = self.server.owner
        arrived = time.monotonic(), time.time()
        try:
            body = self._read_body()
        except (OSError, ValueError) as exc:
            owner._note_error(f"could not read request body: {exc!r}")
            self.close_connection = True
            return
        request = Request(
            method=self.command, path=self.path, headers=self.headers, body=body,
            time=arrived[0], wall_time=arrived[1], connection_id=self._conn_id,
            client_address=self.client_address, tls=self._tls,
        )
        owner._log_request(request)
        try:
            action = resolve(owner.script, request)
        except Exception as exc:  # a bug in a test's script: answer 500 so it is visible
            owner._note_error(f"script raised {exc!r}")
            action = Response(500, {"__type": "ScriptError", "message": repr(exc)},
                              headers={"Connection": "close"})
        try:
            self._perform(action, request)
        except OSError:
            # The client gave up (read timeout, Ctrl-C, reset): nothing left to answer.
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _dispatch

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    # Skip trailers up to the blank line.
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _perform(self, action: Any, request: Request) -> None:
        owner = self.server.owner
        if isinstance(action, Stall):
            # Event.wait: returns early when the server stops.
            if owner._stopping.wait(action.seconds):
                self.close_connection = True
                return
            then = action.then if action.then is not None else json_response({})
            self._perform(resolve(as_script(then), request), request)
        elif isinstance(action, Response):
            self._send(action)
        elif isinstance(action, CloseWithoutResponse):
            self._hard_close(rst=False)
        elif isinstance(action, Reset):
            self._hard_close(rst=True)
        elif isinstance(action, TruncatedBody):
            body = _encode_body(action.body)
            declared = action.declared_length if action.declared_length is not None \
                else len(body) + 100
            headers = dict(action.headers)
            headers.setdefault("Content-Length", str(declared))
            self.wfile.write(_build_head(action.status, None, headers, declared) + body)
            self.wfile.flush()
            self._hard_close(rst=False)
        elif isinstance(action, Raw):
            self.wfile.write(action.data)
            self.wfile.flush()
            if action.close:
                self._hard_close(rst=False)
        else:  # pragma: no cover - resolve() only yields actions
            raise TypeError(action)

    def _send(self, response: Response) -> None:
        body = response.body_bytes()
        head = _build_head(response.status, response.reason, response.headers, len(body))
        if self.command == "HEAD":
            body = b""
        self.wfile.write(head + body)
        self.wfile.flush()
        hdrs = response.headers.items() if isinstance(response.headers, Mapping) \
            else response.headers
        if any(k.lower() == "connection" and (v or "").lower() == "close" for k, v in hdrs):
            self.close_connection = True

    def _hard_close(self, rst: bool) -> None:
        """Close now, from this thread; with ``rst`` the kernel sends RST instead of FIN.

        The makefile() objects hold references to the socket, so all three must be closed
        for the descriptor to really go; socketserver's later shutdown() then fails quietly.
        """
        self.close_connection = True
        sock = self.request
        if rst:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        for f in (self.wfile, self.rfile):
            try:
                f.close()
            except OSError:
                pass
        # BaseHTTPRequestHandler flushes wfile after every request; give it a harmless sink.
        self.wfile = io.BytesIO()
        if isinstance(sock, ssl.SSLSocket) and rst:
            # unwrap() would send close_notify; for an abortive close use the raw descriptor.
            try:
                os.close(sock.detach())
            except OSError:
                pass
            return
        try:
            sock.close()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.owner.verbose:
            sys.stderr.write("scripted: " + (format % args) + "\n")


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a stuck handler must never keep the test process alive
    allow_reuse_address = True
    # socketserver's default backlog of 5 resets connections under parallel clients.
    request_queue_size = 128
    owner: "ScriptedServer"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Disconnects and failed handshakes are expected in these tests; keep stderr clean.
        exc = sys.exc_info()[1]
        self.owner._note_error(f"connection error from {client_address}: {exc!r}")


class ScriptedServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 that answers according to a script.

    ``ScriptedServer(script, ssl_context=None, port=0)``; ``start()``/``stop()`` or use it as
    a context manager. ``url`` is ``http://127.0.0.1:PORT`` (``https://`` with a context).
    """

    def __init__(self, script: Script | None = None, *, ssl_context: ssl.SSLContext | None = None,
                 port: int = 0, verbose: bool = False):
        self.ssl_context = ssl_context
        self.verbose = verbose
        self._script = as_script(script if script is not None else json_response({}))
        self._requested_port = port
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._errors: list[str] = []
        self._connections: dict[int, list[socket.socket]] = {}
        self._conn_ids = itertools.count(1)
        self._connection_count = 0
        self._new_request = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> "ScriptedServer":
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((LOCALHOST, self._requested_port), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"scripted-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()  # wakes Stall waits
        httpd.shutdown()
        httpd.server_close()
        # Keep-alive connections would otherwise keep their handler threads blocked in read.
        with self._lock:
            socks = [s for group in self._connections.values() for s in group]
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> "ScriptedServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- addresses --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    @property
    def host(self) -> str:
        return LOCALHOST

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{LOCALHOST}:{self.port}"

    def url_for(self, path: str) -> str:
        """``url`` plus a path, e.g. ``server.url_for('/name.txt')``."""
        return self.url + (path if path.startswith("/") else "/" + path)

    # -- script ----------------------------------------------------------------------------

    @property
    def script(self) -> Any:
        return self._script

    @script.setter
    def script(self, script: Script) -> None:
        self._script = as_script(script)

    def set_script(self, script: Script) -> None:
        self.script = script

    # -- log --------------------------------------------------------------------------------

    @property
    def requests(self) -> list[Request]:
        """A snapshot of every request so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._requests)

    @property
    def connection_count(self) -> int:
        """TCP connections accepted so far (a TLS handshake failure still counts)."""
        with self._lock:
            return self._connection_count

    @property
    def errors(self) -> list[str]:
        """Server-side problems (handshake failures, script exceptions), for diagnosis."""
        with self._lock:
            return list(self._errors)

    def clear_log(self) -> None:
        with self._lock:
            self._requests.clear()
            self._errors.clear()

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[Request]:
        """Block until at least ``count`` requests arrived; raise TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self._new_request:
            while len(self._requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self._requests)} of {count} requests arrived")
                self._new_request.wait(left)
            return list(self._requests)

    # -- called by handlers -----------------------------------------------------------------

    def _log_request(self, request: Request) -> None:
        with self._new_request:
            self._requests.append(request)
            self._new_request.notify_all()

    def _note_error(self, text: str) -> None:
        with self._lock:
            self._errors.append(text)
        if self.verbose:
            sys.stderr.write("scripted: " + text + "\n")

    def _register_connection(self, sock: socket.socket, conn_id: int | None = None) -> int:
        with self._lock:
            if conn_id is None:
                conn_id = next(self._conn_ids)
                self._connection_count += 1
            self._connections.setdefault(conn_id, []).append(sock)
            return conn_id

    def _unregister_connection(self, conn_id: int) -> None:
        with self._lock:
            self._connections.pop(conn_id, None)


# --------------------------------------------------------------------------------------------
# The corpus and routing
# --------------------------------------------------------------------------------------------


class Corpus:
    """The wire bodies in a directory of ``NN-name.json`` files, kept as exact bytes.

    Each body is reachable by its file stem and, when different, by the ``TrainingJobName``
    string inside it (the verbatim "rich" sample is named ``jöb``).
    """

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self.files: dict[str, Path] = {}
        self.bodies: dict[str, bytes] = {}
        aliases: dict[str, str] = {}
        for path in sorted(self.directory.glob("*.json")):
            data = path.read_bytes()
            self.files[path.stem] = path
            self.bodies[path.stem] = data
            try:
                name = json.loads(data).get("TrainingJobName")
            except (ValueError, AttributeError):
                name = None
            if isinstance(name, str) and name != path.stem:
                aliases[name] = path.stem
        for alias, stem in aliases.items():
            self.bodies.setdefault(alias, self.bodies[stem])

    @property
    def stems(self) -> list[str]:
        return list(self.files)

    def __contains__(self, name: object) -> bool:
        return name in self.bodies

    def __getitem__(self, name: str) -> bytes:
        return self.bodies[name]


def not_found_error() -> Response:
    """The error SageMaker gives for an unknown job name."""
    return aws_error("ValidationException", "Requested resource not found.")


class CorpusRouter:
    """A script that routes like SageMaker plus a static file server.

    * ``POST`` with ``X-Amz-Target: SageMaker.DescribeTrainingJob``: the JSON body's
      ``TrainingJobName`` picks ``overrides[name]`` (any script, e.g. a retry sequence),
      else the corpus body with that name, else ``fallback`` (default: SageMaker's
      ``ValidationException`` "Requested resource not found.").
    * Another target: 400 ``UnknownOperationException``; a body that is not a JSON object:
      400 ``SerializationException``.
    * ``GET``/``HEAD``: ``paths[path]`` (str/bytes become a 200 text response; any script is
      allowed), else 404 "Not Found". Paths are matched with their query string first, then
      without.
    """

    def __init__(self, corpus: Corpus | str | os.PathLike | None = None, *,
                 overrides: Mapping[str, Script] | None = None,
                 paths: Mapping[str, Script | str | bytes] | None = None,
                 fallback: Script | None = None):
        if corpus is not None and not isinstance(corpus, Corpus):
            corpus = Corpus(corpus)
        self.corpus = corpus
        self.overrides = {k: as_script(v) for k, v in (overrides or {}).items()}
        self.paths = {k: self._path_script(v) for k, v in (paths or {}).items()}
        self.fallback = as_script(fallback) if fallback is not None else None

    @staticmethod
    def _path_script(value: Any) -> Any:
        if isinstance(value, (str, bytes)):
            return text_response(value)
        return as_script(value)

    def __call__(self, request: Request) -> Any:
        if request.method in ("GET", "HEAD"):
            script = self.paths.get(request.path) or self.paths.get(request.path.split("?")[0])
            return script if script is not None else text_response("Not Found", status=404)
        if request.target != DESCRIBE_TARGET:
            return aws_error("UnknownOperationException", None)
        try:
            doc = json.loads(request.body)
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            return aws_error("SerializationException", None)
        name = doc.get("TrainingJobName")
        if isinstance(name, str):
            if name in self.overrides:
                return self.overrides[name]
            if self.corpus is not None and name in self.corpus:
                return json_response(self.corpus[name])
        if self.fallback is not None:
            return self.fallback
        return not_found_error()


# --------------------------------------------------------------------------------------------
# Connect failures: a listener that never accepts, and a closed port
# --------------------------------------------------------------------------------------------


class UnacceptingListener:
    """A listening socket that never accepts and whose backlog is full.

    A new connect() then gets no SYN-ACK, so clients hit their *connect* timeout (not a
    refusal). Use as a context manager; ``url`` is ``http://127.0.0.1:PORT``.
    """

    def __init__(self, fill_timeout: float = 0.25, max_fillers: int = 64):
        self._fill_timeout = fill_timeout
        self._max_fillers = max_fillers
        self._listener: socket.socket | None = None
        self._fillers: list[socket.socket] = []

    def open(self) -> "UnacceptingListener":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind((LOCALHOST, 0))
        listener.listen(0)
        self._listener = listener
        # Connect until a connect() times out: the accept queue (backlog 0 admits one
        # connection on Linux) is then full and the kernel drops further SYNs.
        for _ in range(self._max_fillers):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.settimeout(self._fill_timeout)
            try:
                filler.connect(listener.getsockname())
            except (socket.timeout, OSError):
                filler.close()
                break
            self._fillers.append(filler)
        else:
            self.close()
            raise RuntimeError("could not fill the listen backlog")
        return self

    def close(self) -> None:
        for s in self._fillers:
            s.close()
        self._fillers.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> "UnacceptingListener":
        return self.open()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def port(self) -> int:
        assert self._listener is not None, "listener not open"
        return self._listener.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"


def closed_port() -> int:
    """A port on 127.0.0.1 with no listener (connections are refused).

    The port was free a moment ago; another process could take it, which is unlikely enough
    for tests (the kernel hands out ephemeral ports round-robin).
    """
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((LOCALHOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def closed_url(scheme: str = "http") -> str:
    return f"{scheme}://{LOCALHOST}:{closed_port()}"


# --------------------------------------------------------------------------------------------
# TLS material (trustme)
# --------------------------------------------------------------------------------------------


@dataclass
class TLSMaterial:
    """A throw-away CA and a server certificate for 127.0.0.1.

    ``server_context`` goes to ``ScriptedServer(ssl_context=...)``; ``ca_path`` is the CA PEM
    for ``--ca-bundle``/``AWS_CA_BUNDLE``; ``client_context()`` is for urllib/http.client.
    """

    ca: Any
    server_context: ssl.SSLContext
    ca_path: Path

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_path))


def make_tls(directory: str | os.PathLike, hostnames: Iterable[str] = (LOCALHOST, "localhost"),
             ) -> TLSMaterial:
    """Create TLS material with trustme, writing the CA PEM into ``directory``."""
    import trustme  # a test dependency only; the CLI entry point does not need it

    ca = trustme.CA()
    cert = ca.issue_cert(*hostnames)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    ca_path = Path(directory) / "scripted-ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    return TLSMaterial(ca=ca, server_context=ctx, ca_path=ca_path)


# --------------------------------------------------------------------------------------------
# Manual side-by-side runs
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.servers.scripted",
        description="Serve a DescribeTrainingJob corpus on 127.0.0.1 until killed.")
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parent.parent / "corpus"),
                        help="directory of NN-name.json wire bodies (default: tests/corpus)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--get", action="append", default=[], metavar="PATH=TEXT",
                        help="serve TEXT at GET PATH, e.g. /name.txt=01-completed-xgboost")
    parser.add_argument("--tls-dir", metavar="DIR",
                        help="serve HTTPS with a trustme CA written to DIR/scripted-ca.pem")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    paths = {}
    for item in args.get:
        path, _, text = item.partition("=")
        paths[path if path.startswith("/") else "/" + path] = text
    router = CorpusRouter(args.corpus, paths=paths)
    tls = make_tls(args.tls_dir) if args.tls_dir else None
    server = ScriptedServer(router, port=args.port, verbose=args.verbose,
                            ssl_context=tls.server_context if tls else None)
    # Ctrl-C ends it cleanly at any point after start-up: a client may have read the URL
    # (and be done) before this thread has even returned from printing it.
    try:
        with server:
            print(server.url, flush=True)
            if tls:
                print(f"CA bundle: {tls.ca_path}", flush=True)
            print(f"{len(router.corpus.stems)} corpus entries: " + " ".join(router.corpus.stems),
                  file=sys.stderr, flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
