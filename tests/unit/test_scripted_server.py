"""Self-tests of the scripted HTTP server (tests/servers/scripted.py).

Every connection goes to 127.0.0.1. urllib is used with an empty ProxyHandler so that proxy
variables in the environment cannot route a request anywhere else.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import botocore.config
import botocore.exceptions
import botocore.session
import pytest

from tests.servers import CORPUS_DIR
from tests.servers.pytest_fixtures import scripted_server, tls_material  # noqa: F401 - fixtures
from tests.servers.scripted import (
    DESCRIBE_TARGET,
    JSON_CONTENT_TYPE,
    CloseWithoutResponse,
    CorpusRouter,
    Raw,
    Reset,
    Response,
    ScriptedServer,
    Stall,
    TruncatedBody,
    UnacceptingListener,
    aws_error,
    closed_port,
    closed_url,
    json_response,
    text_response,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _local_only(monkeypatch, tmp_path):
    """No IMDS, no proxies, no developer config: only 127.0.0.1 can be reached."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY",
                "all_proxy", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL",
                "AWS_ENDPOINT_URL_SAGEMAKER", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
                "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post(url, body=b"{}", target=DESCRIBE_TARGET, timeout=10, context=None):
    """POST like a JSON-protocol client; returns (status, headers, body) even for 4xx/5xx."""
    headers = {"Content-Type": JSON_CONTENT_TYPE}
    if target:
        headers["X-Amz-Target"] = target
    req = urllib.request.Request(url + "/", data=body, headers=headers, method="POST")
    opener = _OPENER if context is None else urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def get(url, timeout=10):
    try:
        with _OPENER.open(url, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def describe_body(name):
    return json.dumps({"TrainingJobName": name}).encode()


def raw_exchange(server, body=b"{}", timeout=5.0):
    """One POST over http.client; returns (status, body) or raises what the client saw."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request("POST", "/", body=body, headers={"X-Amz-Target": DESCRIBE_TARGET})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def sagemaker_client(url, verify=None, **config):
    # botocore's own default retry mode depends on its version; the tests here are about
    # what the server records, so they name the mode they expect.
    config.setdefault("retries", {"mode": "legacy"})
    session = botocore.session.get_session()
    return session.create_client(
        "sagemaker", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x",
        aws_secret_access_key="y", verify=verify,
        config=botocore.config.Config(**config) if config else None)


# --- basic responses ---------------------------------------------------------------------------


def test_url_is_loopback_with_free_port():
    with ScriptedServer() as a, ScriptedServer() as b:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", a.url)
        assert a.port != b.port
        assert a.url_for("name.txt") == a.url + "/name.txt"


def test_default_script_is_empty_json_object():
    with ScriptedServer() as server:
        status, headers, body = post(server.url)
    assert (status, body) == (200, b"{}")


def test_fixed_response_has_sagemaker_headers(scripted_server):
    server = scripted_server(json_response({"TrainingJobName": "x", "Value": 1.5}))
    for _ in range(2):  # a fixed response answers every request
        status, headers, body = post(server.url)
        assert status == 200
        assert body == b'{"TrainingJobName":"x","Value":1.5}'
        assert headers["Content-Type"] == JSON_CONTENT_TYPE
        assert re.fullmatch(r"[0-9a-f-]{36}", headers["x-amzn-RequestId"])
        assert headers["Content-Length"] == str(len(body))
        assert headers["Date"].endswith(" GMT")


def test_body_kinds_and_header_overrides(scripted_server):
    server = scripted_server([
        Response(200, b'{"raw": 1e400}'),  # bytes are sent verbatim
        Response(200, "caf\u00e9"),  # str is sent as UTF-8
        Response(200, {"k": "\u65e5\u672c"}),  # objects become compact raw-UTF-8 JSON
        Response(200, b"x", headers={"Content-Type": "text/html", "x-amzn-RequestId": None,
                                     "X-Extra": "1"}),
        Response(200, b"y", headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]),
    ])
    assert post(server.url)[2] == b'{"raw": 1e400}'
    assert post(server.url)[2] == "caf\u00e9".encode()
    assert post(server.url)[2] == '{"k":"\u65e5\u672c"}'.encode()
    _, headers, _ = post(server.url)
    assert headers["Content-Type"] == "text/html"
    assert "x-amzn-RequestId" not in headers
    assert headers["X-Extra"] == "1"
    _, headers, _ = post(server.url)
    assert headers.get_all("Set-Cookie") == ["a=1", "b=2"]


def test_aws_error_bodies(scripted_server):
    server = scripted_server([
        aws_error("ValidationException", "Requested resource not found."),
        aws_error(None, "no type", message_key="Message"),
        aws_error("InternalFailure", None, status=500),
        Response(509, b""),
        Response(503, b"", reason="Slow Down"),
    ])
    assert post(server.url)[0::2] == (
        400, b'{"__type":"ValidationException","message":"Requested resource not found."}')
    assert post(server.url)[0::2] == (400, b'{"Message":"no type"}')
    assert post(server.url)[0::2] == (500, b'{"__type":"InternalFailure"}')
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("POST", "/", body=b"{}")
    resp = conn.getresponse()
    assert (resp.status, resp.reason) == (509, "")  # not in http.HTTPStatus: empty reason
    resp.read()
    conn.request("POST", "/", body=b"{}")
    resp = conn.getresponse()
    assert (resp.status, resp.reason) == (503, "Slow Down")
    resp.read()
    conn.close()


def test_sequence_consumed_per_request_last_repeats(scripted_server):
    server = scripted_server([json_response({"n": 1}), json_response({"n": 2})])
    bodies = [json.loads(post(server.url)[2])["n"] for _ in range(4)]
    assert bodies == [1, 2, 2, 2]
    assert server.script.consumed == 4


def test_callable_script_sees_the_request(scripted_server):
    def echo(request):
        return json_response({"path": request.path, "name": request.training_job_name,
                              "target": request.target})

    server = scripted_server(echo)
    assert json.loads(post(server.url, describe_body("abc"))[2]) == {
        "path": "/", "name": "abc", "target": DESCRIBE_TARGET}


def test_callable_may_return_a_sequence_or_another_callable(scripted_server):
    server = scripted_server(lambda req: (lambda r: text_response("inner")))
    assert post(server.url)[2] == b"inner"


def test_set_script_replaces_the_script(scripted_server):
    server = scripted_server(json_response({"a": 1}))
    server.set_script(aws_error("ThrottlingException", "Rate exceeded"))
    assert post(server.url)[0] == 400


def test_script_exception_becomes_a_visible_500(scripted_server):
    def broken(request):
        raise RuntimeError("bug in test script")

    server = scripted_server(broken)
    status, _, body = post(server.url)
    assert status == 500 and b"bug in test script" in body
    assert any("bug in test script" in e for e in server.errors)


def test_bad_script_is_rejected_early():
    with pytest.raises(TypeError):
        ScriptedServer({"not": "a script"})
    with pytest.raises(ValueError):
        ScriptedServer([])


# --- failure actions ---------------------------------------------------------------------------


def test_stall_then_respond(scripted_server):
    server = scripted_server(Stall(0.5, then=json_response({"late": True})))
    start = time.monotonic()
    status, _, body = post(server.url)
    assert time.monotonic() - start >= 0.45
    assert (status, body) == (200, b'{"late":true}')


def test_stall_causes_client_read_timeout(scripted_server):
    server = scripted_server(Stall(5))
    # A timeout, not the late close the stall ends with: the client gave up first.
    with pytest.raises((socket.timeout, TimeoutError)):
        raw_exchange(server, timeout=0.3)
    assert server.request_count == 1  # the request itself was read and logged


def test_stop_interrupts_a_stall():
    server = ScriptedServer(Stall(60)).start()
    outcome = []

    def client():
        try:
            outcome.append(raw_exchange(server, timeout=30))
        except (OSError, http.client.HTTPException) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=client)
    thread.start()
    server.wait_for_requests(1)
    server.stop()
    thread.join(30)  # the stall is 60 s: the client is released by stop(), not by the stall
    assert not thread.is_alive()
    # The client sees the connection end without a response, not a late answer.
    assert isinstance(outcome[0], (OSError, http.client.HTTPException)), outcome


def test_close_without_response(scripted_server):
    server = scripted_server(CloseWithoutResponse())
    with pytest.raises(http.client.RemoteDisconnected):
        raw_exchange(server)
    assert server.request_count == 1


def test_truncated_body(scripted_server):
    server = scripted_server(TruncatedBody(b'{"TrainingJobName": "x"', declared_length=500))
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("POST", "/", body=b"{}")
    resp = conn.getresponse()
    assert resp.status == 200 and resp.getheader("Content-Length") == "500"
    with pytest.raises(http.client.IncompleteRead) as info:
        resp.read()
    conn.close()
    assert info.value.partial == b'{"TrainingJobName": "x"'


def test_reset_sends_rst(scripted_server):
    server = scripted_server(Reset())
    with pytest.raises(ConnectionResetError):
        raw_exchange(server)


def test_raw_bytes_instead_of_http(scripted_server):
    server = scripted_server(Raw(b"SSH-2.0-OpenSSH_9.6\r\n"))
    with pytest.raises(http.client.BadStatusLine):
        raw_exchange(server)


def test_failure_then_success_sequence(scripted_server):
    server = scripted_server([CloseWithoutResponse(), Reset(), json_response({"ok": 1})])
    with pytest.raises(http.client.RemoteDisconnected):
        raw_exchange(server)
    with pytest.raises(ConnectionResetError):
        raw_exchange(server)
    assert raw_exchange(server) == (200, b'{"ok":1}')


# --- request log -------------------------------------------------------------------------------


def test_request_log_records_everything(scripted_server):
    server = scripted_server(json_response({}))
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    for i in range(2):  # one keep-alive connection, two requests
        conn.request("POST", "/some/path?q=1", body=describe_body(f"job-{i}"),
                     headers={"X-Amz-Target": DESCRIBE_TARGET, "amz-sdk-request": f"attempt={i + 1}",
                              "User-Agent": "probe/1.0"})
        conn.getresponse().read()
    conn.close()
    assert get(server.url_for("/name.txt"))[0] == 200

    first, second, third = server.wait_for_requests(3)
    assert (first.method, first.path) == ("POST", "/some/path?q=1")
    assert first.body == b'{"TrainingJobName": "job-0"}'
    assert first.json() == {"TrainingJobName": "job-0"}
    assert first.training_job_name == "job-0"
    assert first.header("amz-sdk-request") == "attempt=1"
    assert second.header("AMZ-SDK-REQUEST") == "attempt=2"  # case-insensitive
    assert first.header("User-Agent") == "probe/1.0"
    assert not first.has_header("Authorization")
    assert first.connection_id == second.connection_id != third.connection_id
    assert first.time <= second.time <= third.time
    assert abs(first.wall_time - time.time()) < 30
    assert third.method == "GET" and third.body == b"" and third.training_job_name is None
    assert server.connection_count == 2
    server.clear_log()
    assert server.requests == []


def test_wait_for_requests_times_out(scripted_server):
    server = scripted_server()
    with pytest.raises(TimeoutError):
        server.wait_for_requests(1, timeout=0.2)


def test_chunked_request_body_is_decoded(scripted_server):
    server = scripted_server()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("POST", "/", body=iter([b'{"TrainingJobName":', b' "chunky"}']),
                 encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
    conn.getresponse().read()
    conn.close()
    assert server.wait_for_requests(1)[0].json() == {"TrainingJobName": "chunky"}


def test_concurrent_requests(scripted_server):
    server = scripted_server([json_response({"i": i}) for i in range(40)])
    results = []

    def worker():
        results.append(json.loads(post(server.url)[2])["i"])

    threads = [threading.Thread(target=worker) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == list(range(40))  # each sequence entry used exactly once
    assert server.request_count == 40


# --- TLS ---------------------------------------------------------------------------------------


def test_tls_with_trustme(scripted_server, tls_material):
    server = scripted_server(json_response({"secure": True}), ssl_context=tls_material.server_context)
    assert server.url.startswith("https://127.0.0.1:")
    status, _, body = post(server.url, context=tls_material.client_context())
    assert (status, body) == (200, b'{"secure":true}')
    assert server.requests[0].tls


def test_tls_untrusted_client_fails_and_is_logged(scripted_server, tls_material):
    server = scripted_server(json_response({}), ssl_context=tls_material.server_context)
    with pytest.raises(urllib.error.URLError) as info:
        post(server.url, context=ssl.create_default_context())  # system CAs only
    assert isinstance(info.value.reason, ssl.SSLCertVerificationError)
    deadline = time.monotonic() + 5
    while not server.errors and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.request_count == 0
    assert server.connection_count == 1
    assert any("TLS handshake failed" in e for e in server.errors)


def test_tls_failure_actions(scripted_server, tls_material):
    server = scripted_server([Reset(), CloseWithoutResponse(), Stall(0.1)],
                             ssl_context=tls_material.server_context)
    ctx = tls_material.client_context()
    for expected in (ConnectionResetError, http.client.RemoteDisconnected):
        conn = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=5, context=ctx)
        with pytest.raises((expected, ssl.SSLError)):
            conn.request("POST", "/", body=b"{}")
            conn.getresponse().read()
        conn.close()
    conn = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=5, context=ctx)
    conn.request("POST", "/", body=b"{}")
    assert conn.getresponse().read() == b"{}"
    conn.close()


# --- corpus routing ------------------------------------------------------------------------------


def test_corpus_routing_serves_exact_bytes(scripted_server):
    server = scripted_server(CorpusRouter(CORPUS_DIR))
    for path in sorted(CORPUS_DIR.glob("*.json")):
        status, headers, body = post(server.url, describe_body(path.stem))
        assert status == 200, path.stem
        assert body == path.read_bytes()
        assert headers["Content-Type"] == JSON_CONTENT_TYPE


def test_corpus_routing_by_inner_name(scripted_server):
    server = scripted_server(CorpusRouter(CORPUS_DIR))
    status, _, body = post(server.url, describe_body("j\u00f6b"))
    assert status == 200 and body == (CORPUS_DIR / "14-rich-sample.json").read_bytes()


def test_corpus_routing_errors(scripted_server):
    server = scripted_server(CorpusRouter(CORPUS_DIR))
    status, _, body = post(server.url, describe_body("no-such-job"))
    assert (status, json.loads(body)) == (
        400, {"__type": "ValidationException", "message": "Requested resource not found."})
    status, _, body = post(server.url, describe_body("x"), target="SageMaker.ListTrainingJobs")
    assert (status, json.loads(body)) == (400, {"__type": "UnknownOperationException"})
    status, _, body = post(server.url, b"not json")
    assert (status, json.loads(body)) == (400, {"__type": "SerializationException"})


def test_corpus_router_overrides_paths_and_fallback(scripted_server):
    router = CorpusRouter(
        CORPUS_DIR,
        overrides={"flaky": [aws_error("ThrottlingException", "Rate exceeded"),
                             json_response({"TrainingJobName": "flaky"})],
                   "01-completed-xgboost": json_response({"TrainingJobName": "overridden"})},
        paths={"/name.txt": "01-completed-xgboost", "/in.json": b'{"TrainingJobName": "a"}',
               "/missing.txt": text_response("gone", status=404)},
        fallback=aws_error("ResourceNotFound", "custom"))
    server = scripted_server(router)
    assert post(server.url, describe_body("flaky"))[0] == 400
    assert post(server.url, describe_body("flaky"))[2] == b'{"TrainingJobName":"flaky"}'
    assert post(server.url, describe_body("flaky"))[0] == 200
    assert post(server.url, describe_body("01-completed-xgboost"))[2] == \
        b'{"TrainingJobName":"overridden"}'
    assert json.loads(post(server.url, describe_body("zzz"))[2])["__type"] == "ResourceNotFound"
    status, headers, body = get(server.url_for("/name.txt"))
    assert (status, body, headers["Content-Type"]) == (200, b"01-completed-xgboost", "text/plain")
    assert get(server.url_for("/name.txt?x=1"))[0:3:2] == (200, b"01-completed-xgboost")
    assert get(server.url_for("/in.json"))[2] == b'{"TrainingJobName": "a"}'
    assert get(server.url_for("/missing.txt"))[0:3:2] == (404, b"gone")
    assert get(server.url_for("/nope"))[0] == 404


# --- connect failures ----------------------------------------------------------------------------


def test_unaccepting_listener_gives_connect_timeout():
    with UnacceptingListener() as listener:
        assert listener.url == f"http://127.0.0.1:{listener.port}"
        start = time.monotonic()
        with pytest.raises((socket.timeout, TimeoutError)):
            socket.create_connection(("127.0.0.1", listener.port), timeout=0.5)
        assert time.monotonic() - start >= 0.4


def test_closed_port_refuses():
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", closed_port()), timeout=2)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", closed_url())


# --- a real botocore client ----------------------------------------------------------------------


def test_botocore_client_against_corpus(scripted_server):
    server = scripted_server(CorpusRouter(CORPUS_DIR))
    client = sagemaker_client(server.url)
    result = client.describe_training_job(TrainingJobName="05-managed-spot-checkpointed")
    assert result["TrainingJobName"] == "05-managed-spot-checkpointed"
    assert result["BillableTimeInSeconds"] < result["TrainingTimeInSeconds"]
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200

    (request,) = server.requests
    assert (request.method, request.path, request.target) == ("POST", "/", DESCRIBE_TARGET)
    assert request.json() == {"TrainingJobName": "05-managed-spot-checkpointed"}
    assert request.header("Content-Type") == JSON_CONTENT_TYPE
    assert request.header("Authorization").startswith("AWS4-HMAC-SHA256 Credential=x/")
    assert request.header("amz-sdk-request") == "attempt=1"
    assert "Botocore/" in request.header("User-Agent") or "botocore/" in request.header("User-Agent")

    with pytest.raises(botocore.exceptions.ClientError) as info:
        client.describe_training_job(TrainingJobName="no-such-job")
    assert info.value.response["Error"] == {"Code": "ValidationException",
                                            "Message": "Requested resource not found."}


def test_botocore_retries_are_visible_in_the_log(scripted_server):
    server = scripted_server([aws_error(None, None, status=503),
                              json_response({"TrainingJobName": "retried"})])
    client = sagemaker_client(server.url, retries={"mode": "standard", "total_max_attempts": 3})
    assert client.describe_training_job(TrainingJobName="retried")["TrainingJobName"] == "retried"
    first, second = server.requests
    # botocore 1.44 and later also send max=3 on the first attempt.
    assert first.header("amz-sdk-request") in ("attempt=1", "attempt=1; max=3")
    assert re.fullmatch(r"ttl=\d{8}T\d{6}Z; attempt=2; max=3", second.header("amz-sdk-request"))
    assert first.header("amz-sdk-invocation-id") == second.header("amz-sdk-invocation-id")


def test_botocore_over_tls(scripted_server, tls_material):
    server = scripted_server(CorpusRouter(CORPUS_DIR), ssl_context=tls_material.server_context)
    client = sagemaker_client(server.url, verify=str(tls_material.ca_path))
    assert client.describe_training_job(TrainingJobName="17-minimal-deleting")[
        "TrainingJobStatus"] == "Deleting"


def test_botocore_read_timeout_from_stall(scripted_server):
    server = scripted_server(Stall(5))
    client = sagemaker_client(server.url, read_timeout=0.3, retries={"total_max_attempts": 1})
    with pytest.raises(botocore.exceptions.ReadTimeoutError):
        client.describe_training_job(TrainingJobName="slow")


def test_botocore_connect_timeout_and_refusal():
    with UnacceptingListener() as listener:
        client = sagemaker_client(listener.url, connect_timeout=0.3, retries={"total_max_attempts": 1})
        with pytest.raises(botocore.exceptions.ConnectTimeoutError):
            client.describe_training_job(TrainingJobName="x")
    client = sagemaker_client(closed_url(), retries={"total_max_attempts": 1})
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        client.describe_training_job(TrainingJobName="x")


# --- the manual CLI entry --------------------------------------------------------------------------


def _start_command_line(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.servers.scripted", "--corpus", str(CORPUS_DIR), *args],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _stop_with_ctrl_c(proc: subprocess.Popen) -> str:
    """Its stderr, once a Ctrl-C (to only the process the test started) has ended it."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.communicate(timeout=10)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[1]


def test_cli_entry_serves_the_corpus():
    proc = _start_command_line("--get", "/name.txt=01-completed-xgboost",
                               env={**os.environ, "PYTHONWARNINGS": "error::RuntimeWarning"})
    try:
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), url
        assert post(url, describe_body("17-minimal-deleting"))[2] == \
            (CORPUS_DIR / "17-minimal-deleting.json").read_bytes()
        assert get(url + "/name.txt")[2] == b"01-completed-xgboost"
    finally:
        err = _stop_with_ctrl_c(proc)
    assert proc.returncode == 0, err
    assert "RuntimeWarning" not in err


def test_cli_entry_ends_cleanly_on_ctrl_c_while_still_starting():
    """Ctrl-C right after the URL line (the process may still be inside that print)."""
    proc = _start_command_line()
    try:
        assert proc.stdout.readline().startswith("http://127.0.0.1:")
    finally:
        err = _stop_with_ctrl_c(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
