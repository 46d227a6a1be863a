"""Unit tests of --debug redaction (awsml_cli/runtime/debuglog.py)."""

from __future__ import annotations

import base64
import datetime
import io
import json
import logging
import sys
from urllib.parse import quote

import pytest

from awsml_cli.runtime import debuglog
from awsml_cli.runtime.debuglog import MASK, RedactingFilter

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=padding=="


@pytest.fixture
def redactor():
    return RedactingFilter(known_secrets=[SECRET, TOKEN])


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sagemaker/aws4_request, "
         "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef",
         "Authorization: AWS4-HMAC-SHA256 Credential=***/20261129/us-east-1/sagemaker/aws4_request, "
         "SignedHeaders=host;x-amz-date, Signature=***"),
        ("https://h/?X-Amz-Signature=abcdef0123456789&X-Amz-Security-Token=tok%2Fen&x=1",
         "https://h/?X-Amz-Signature=***&X-Amz-Security-Token=***&x=1"),
        ("Signature:\n8b58e625aa2b58e625aa2b58e625aa2b", "Signature:\n***"),
        ("host:h\nx-amz-security-token:some/token+value\nx-amz-target:T", "host:h\nx-amz-security-token:***\nx-amz-target:T"),
        ("{'X-Amz-Security-Token': b'some/token', 'Host': b'h'}", "{'X-Amz-Security-Token': b'***', 'Host': b'h'}"),
        ("aws_secret_access_key = abc/def+ghi", "aws_secret_access_key = ***"),
        ("aws_session_token=tok123", "aws_session_token=***"),
        ('{"AccessKeyId": "AKID", "SecretAccessKey": "unknown/secret", "SessionToken": "unknown-token"}',
         '{"AccessKeyId": "AKID", "SecretAccessKey": "***", "SessionToken": "***"}'),
        ("b'{\\\"SecretAccessKey\\\": \\\"unknown\\\"}'", "b'{\\\"SecretAccessKey\\\": \\\"***\\\"}'"),
        ("<SecretAccessKey>xyz/abc</SecretAccessKey><SessionToken>t0k</SessionToken>",
         "<SecretAccessKey>***</SecretAccessKey><SessionToken>***</SessionToken>"),
        ('{"Token": "container-token", "Expiration": "2030"}', '{"Token": "***", "Expiration": "2030"}'),
    ],
    ids=["authorization", "presigned-url", "signature-line", "canonical-request", "header-repr", "ini-secret",
         "ini-token", "json-credentials", "escaped-json", "sts-xml", "container-json"],
)
def test_known_shapes_are_masked(text, kept):
    assert RedactingFilter().redact(text) == kept


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s,
        lambda s: quote(s, safe=""),
        lambda s: quote(s, safe="").lower(),
        lambda s: json.dumps(s)[1:-1].replace("/", "\\/"),
        lambda s: repr(s.encode()),
        lambda s: base64.b64encode(s.encode()).decode(),
        lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="),
        lambda s: s.encode().hex(),
        lambda s: json.dumps(json.dumps(s)),  # escaped twice
        lambda s: s.upper(),
    ],
    ids=["raw", "url", "url-lower", "json-slash", "bytes-repr", "base64", "base64-url", "hex", "double-json", "upper"],
)
@pytest.mark.parametrize("secret", [SECRET, TOKEN], ids=["secret", "token"])
def test_literal_secrets_are_masked_in_every_encoding(redactor, secret, encode):
    text = f"Response body:\nb'{{\"echo\": \"{encode(secret)}\"}}'"
    redacted = redactor.redact(text)
    for i in range(len(secret) - 11):
        assert secret[i : i + 12].lower() not in redacted.lower()
    assert encode(secret) not in redacted
    assert "Response body:" in redacted and MASK in redacted


def test_fragments_of_a_secret_are_masked(redactor):
    half = SECRET[5:25]
    assert half not in redactor.redact(f"... {half} ...")
    # Short, common pieces are left alone: the log stays readable.
    assert redactor.redact("wJalr and EXAMPLE") == "wJalr and EXAMPLE"


def test_short_values_are_not_treated_as_secrets():
    assert RedactingFilter(known_secrets=["abc", "", None]).redact("abc abc") == "abc abc"


def test_secrets_resolved_later_are_masked_and_stay_masked():
    current = []
    redactor = RedactingFilter(lambda: list(current))
    assert redactor.redact(SECRET) == SECRET
    current.append(SECRET)
    assert redactor.redact(SECRET) == MASK
    current.clear()  # e.g. refreshed credentials: the old value is still masked
    assert redactor.redact(SECRET) == MASK


def test_a_failing_provider_does_not_break_logging():
    def provider():
        raise RuntimeError("boom")

    assert RedactingFilter(provider).redact("plain") == "plain"


def test_record_message_args_and_traceback_are_redacted(redactor):
    try:
        raise ValueError(f"bad token {TOKEN}")
    except ValueError:
        record = logging.LogRecord("botocore.x", logging.DEBUG, __file__, 1, "secret is %s", (SECRET,), sys.exc_info())
    assert redactor.filter(record)
    assert record.getMessage() == f"secret is {MASK}"
    assert record.args is None
    assert TOKEN not in record.exc_text and MASK in record.exc_text


def test_resolved_credentials_are_read_without_refreshing():
    from botocore.credentials import Credentials, RefreshableCredentials

    def refresh():
        raise AssertionError("redaction must not refresh credentials")

    refreshable = RefreshableCredentials(
        "AKID", SECRET, TOKEN, datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc), refresh, "test"
    )

    class Session:
        _credentials = refreshable

    assert debuglog._resolved_credentials(Session())() == [SECRET, TOKEN]
    Session._credentials = Credentials("AKID", SECRET)
    assert debuglog._resolved_credentials(Session())() == [SECRET, None]


class _FakeSession:
    _credentials = None

    def __init__(self, profiles):
        self.full_config = {"profiles": profiles}


def test_secrets_come_from_env_and_every_profile(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envSECRETvalue123")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "envTOKENvalue456")
    session = _FakeSession({"a": {"aws_secret_access_key": "fileSECRET789"}, "b": {"aws_session_token": "fileTOKEN000"}})
    assert set(debuglog._configured_secrets(session)) >= {"envSECRETvalue123", "envTOKENvalue456", "fileSECRET789", "fileTOKEN000"}


def test_enable_is_idempotent_and_disable_restores(monkeypatch):
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    botocore_logger = logging.getLogger("botocore")
    level_before, handlers_before = botocore_logger.level, list(botocore_logger.handlers)
    session = _FakeSession({"p": {"aws_secret_access_key": SECRET}})
    try:
        debuglog.enable_debug_logging(session, ["a"])
        debuglog.enable_debug_logging(session, ["b"])
        assert len(botocore_logger.handlers) == len(handlers_before) + 1
        logging.getLogger("botocore.test").debug("key %s", SECRET)
        assert debuglog.redact(f"x {SECRET}") == f"x {MASK}"
    finally:
        debuglog.disable_debug_logging()
    assert botocore_logger.level == level_before and botocore_logger.handlers == handlers_before
    assert debuglog.redact(f"x {SECRET}") == f"x {SECRET}"  # no longer active
    written = stderr.getvalue()
    assert "Arguments entered to CLI: ['b']" in written
    assert f"key {MASK}" in written and SECRET not in written
    assert written.count("CLI version:") == 2  # one per enable, one handler each time
