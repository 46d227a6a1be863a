"""A tiny HTTP(S) file server on 127.0.0.1 for ``http://`` / ``https://`` parameter values.

aws v1 fetches an option value that starts with ``http://`` or ``https://``
and uses the body instead; tests point both CLIs at this server, which serves
a fixed set of paths (anything else is a 404) and never listens beyond
loopback.
"""

from __future__ import annotations

import http.server
import ssl
import threading
from contextlib import contextmanager


def _handler_for(pages: dict[str, bytes]):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server hook name
            body = pages.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # keep test output clean
            pass

    return Handler


@contextmanager
def serving(pages: dict[str, bytes], tls: bool = False):
    """Serve ``pages`` (path -> body) on a free loopback port; yields the base URL.

    With ``tls`` the server speaks HTTPS with a throwaway certificate for
    127.0.0.1 that no client trusts (so fetching it is an SSL error).
    """
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(pages))
    scheme = "http"
    if tls:
        import trustme

        authority = trustme.CA()
        certificate = authority.issue_cert("127.0.0.1")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certificate.configure_cert(context)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def free_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for "connection refused" cases)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
