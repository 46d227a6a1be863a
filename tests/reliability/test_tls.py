"""TLS as aws v1 does it: CA bundles and their precedence, verification failures, --no-verify-ssl.

The server uses a certificate from a CA made here with trustme; the client trusts it only
through ``--ca-bundle``, ``AWS_CA_BUNDLE`` or the config file's ``ca_bundle`` (whichever
aws v1 would use), so every failure is a real verification failure with OpenSSL's text.
aws and awsml run side by side; stdout, exit code, error text and attempts must match.
"""

from __future__ import annotations

import datetime
import ssl

import pytest

from tests.reliability.faults import CALL, OK_BODY
from tests.reliability.sidebyside import Fault, assert_same, run_both
from tests.servers.scripted import Response, json_response, make_tls

pytestmark = pytest.mark.conformance

QUERY = ["--query", "TrainingJobName"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """The server's CA, an unrelated CA, a non-PEM file, and server contexts for bad certs."""
    import trustme

    directory = tmp_path_factory.mktemp("pki")
    good = make_tls(directory)
    other = directory / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    garbage = directory / "garbage.pem"
    garbage.write_text("this is not a certificate\n")

    def context_for(cert) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        return context

    wrong_host = context_for(good.ca.issue_cert("example.test"))
    now = datetime.datetime.now(datetime.timezone.utc)
    expired = context_for(
        good.ca.issue_cert("127.0.0.1", not_before=now - datetime.timedelta(days=30), not_after=now - datetime.timedelta(days=1))
    )
    return {
        "tls": good,
        "ca": str(good.ca_path),
        "other": str(other),
        "garbage": str(garbage),
        "missing": str(directory / "missing.pem"),
        "wrong_host": wrong_host,
        "expired": expired,
    }


def ok():
    return json_response(OK_BODY)


def tls_case(id, pki, attempts, args=(), env=None, config=None, rc=255, ssl_context=None, script=ok):
    fill = lambda text: text.format(**{k: v for k, v in pki.items() if isinstance(v, str)})  # noqa: E731
    return Fault(
        id=id,
        script=script,
        args=[*CALL, *QUERY, *(fill(a) for a in args)],
        env={"AWS_MAX_ATTEMPTS": "2", **{k: fill(v) for k, v in (env or {}).items()}},
        config=fill(config) if config else None,
        endpoint="tls",
        count="connections",
        attempts=attempts,
        rc=rc,
        ssl_context=ssl_context,
    )


CA_CASES = [
    # (id, args, env, config, attempts, rc) -- one attempt is one TCP connection.
    ("ca-bundle-flag", ["--ca-bundle", "{ca}"], None, None, 1, 0),
    ("ca-bundle-env", [], {"AWS_CA_BUNDLE": "{ca}"}, None, 1, 0),
    ("ca-bundle-config", [], None, "[default]\nca_bundle = {ca}\n", 1, 0),
    ("flag-beats-env", ["--ca-bundle", "{ca}"], {"AWS_CA_BUNDLE": "{other}"}, None, 1, 0),
    ("flag-wrong-beats-env-right", ["--ca-bundle", "{other}"], {"AWS_CA_BUNDLE": "{ca}"}, None, 2, 255),
    ("env-beats-config", [], {"AWS_CA_BUNDLE": "{ca}"}, "[default]\nca_bundle = {other}\n", 1, 0),
    ("env-wrong-beats-config-right", [], {"AWS_CA_BUNDLE": "{other}"}, "[default]\nca_bundle = {ca}\n", 2, 255),
    ("profile-ca-bundle", ["--profile", "p"], None, "[profile p]\nca_bundle = {ca}\naws_access_key_id = AKIDP\naws_secret_access_key = p-secret\n", 1, 0),
    ("no-bundle-untrusted", [], None, None, 2, 255),
    ("unrelated-ca", ["--ca-bundle", "{other}"], None, None, 2, 255),
    ("missing-bundle-flag", ["--ca-bundle", "{missing}"], None, None, None, 255),
    ("missing-bundle-env", [], {"AWS_CA_BUNDLE": "{missing}"}, None, None, 255),
    ("missing-bundle-config", [], None, "[default]\nca_bundle = {missing}\n", None, 255),
    ("garbage-bundle", ["--ca-bundle", "{garbage}"], None, None, None, 255),
    ("no-verify-ssl", ["--no-verify-ssl"], None, None, 1, 0),
    ("no-verify-beats-missing-bundle", ["--no-verify-ssl", "--ca-bundle", "{missing}"], None, None, 1, 0),
    ("no-verify-beats-env-bundle", ["--no-verify-ssl"], {"AWS_CA_BUNDLE": "{other}"}, None, 1, 0),
    # An empty or blank bundle is an error before any connection in aws 1.46 (its copy of
    # botocore checks it; botocore before 1.43.6x did not): awsml says the same on any.
    ("empty-bundle-env", [], {"AWS_CA_BUNDLE": ""}, None, 0, 255),
    ("blank-bundle-env", [], {"AWS_CA_BUNDLE": "  "}, None, 0, 255),
    ("empty-bundle-flag", ["--ca-bundle", ""], None, None, 0, 255),
    ("blank-bundle-config", [], None, "[default]\nca_bundle = \t\n", None, None),
    ("empty-requests-ca-bundle", [], {"REQUESTS_CA_BUNDLE": ""}, None, 0, 255),
    ("empty-bundle-env-no-verify", ["--no-verify-ssl"], {"AWS_CA_BUNDLE": ""}, None, 1, 0),
]


@pytest.mark.parametrize("id, args, env, config, attempts, rc", CA_CASES, ids=[c[0] for c in CA_CASES])
def test_ca_bundles_same_as_aws(id, args, env, config, attempts, rc, pki, tmp_path):
    fault = tls_case(id, pki, attempts, args, env, config, rc)
    runs = run_both(fault, tmp_path, pki["tls"])
    assert_same(fault, runs)
    if rc == 0:
        assert runs["awsml"].result.stdout == b'"job-x"\n'


@pytest.mark.parametrize("which", ["wrong_host", "expired"])
def test_bad_certificates_same_as_aws(which, pki, tmp_path):
    fault = tls_case(f"cert-{which}", pki, 2, ["--ca-bundle", "{ca}"], ssl_context=pki[which])
    runs = run_both(fault, tmp_path, pki["tls"])
    assert_same(fault, runs)
    assert b"SSL validation failed for https://{host}/" in runs["awsml"].error


def test_https_to_plain_http_server(pki, tmp_path):
    fault = Fault("https-to-http", ok, [*CALL, *QUERY], env={"AWS_MAX_ATTEMPTS": "2"}, scheme="https", count="connections", attempts=2, rc=255)
    assert_same(fault, run_both(fault, tmp_path))


def test_http_to_tls_server(pki, tmp_path):
    fault = Fault("http-to-https", ok, [*CALL, *QUERY], env={"AWS_MAX_ATTEMPTS": "2"}, endpoint="tls", scheme="http", count="connections", attempts=2, rc=255)
    assert_same(fault, run_both(fault, tmp_path, pki["tls"]))


@pytest.mark.slow
def test_no_verify_ssl_warns_once_per_attempt_like_aws(pki, tmp_path):
    """urllib3's InsecureRequestWarning, once per HTTPS attempt, exactly as aws prints it."""
    fault = tls_case(
        "no-verify-ssl-retries",
        pki,
        3,
        ["--no-verify-ssl"],
        env={"AWS_MAX_ATTEMPTS": "3"},
        rc=0,
        script=lambda: [Response(503, b""), Response(503, b""), ok()],
    )
    fault.count = "requests"  # the three attempts share one kept-alive connection
    runs = run_both(fault, tmp_path, pki["tls"])
    assert_same(fault, runs)
    aws, awsml = runs["aws"].result.stderr, runs["awsml"].result.stderr
    assert awsml == aws  # the whole of stderr: the same warning, the same number of times
    assert awsml.count(b"InsecureRequestWarning: Unverified HTTPS request is being made to host '127.0.0.1'") == 3
    assert awsml.count(b"  warnings.warn(\n") == 3


def test_no_warning_for_plain_http(tmp_path):
    fault = Fault("http-no-warning", ok, [*CALL, *QUERY, "--no-verify-ssl"], attempts=1, rc=0)
    runs = run_both(fault, tmp_path)
    assert_same(fault, runs)
    assert runs["awsml"].result.stderr == runs["aws"].result.stderr == b""
