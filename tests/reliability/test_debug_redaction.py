"""``--debug`` keeps aws v1's log but never shows a secret key, session token or signature.

Every run uses recognisable fake secrets from one source (environment, credentials file,
config file, credential_process) and a scenario (success, service error, retries, retries
exhausted, TLS failure, a reset connection, a server that echoes the secrets back in every
encoding).  No form of any secret -- raw, URL-encoded, JSON-escaped, base64, hex -- and no
request signature may appear anywhere in stdout or stderr.  The log must still be there
(its redacted lines show ``***``), and its shape must be aws v1's: the same kinds of lines
in the same order (``test_debug_log_has_the_shape_of_aws``).
"""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests import helpers
from tests.reliability.faults import CALL, OK_BODY
from tests.servers.scripted import Reset, Response, ScriptedServer, aws_error, json_response, make_tls

KEY_ID = "AKIAREDACTIONTEST777"
# Secrets with the characters real ones have ('/', '+', '='), so that encodings differ.
SECRETS = {
    "env": ("ENVsecret/key+DONOTLEAK=0123456789abcdef", "ENVtoken/abc+DONOTLEAK==xyz987654"),
    "credentials-file": ("FILEsecret/key+DONOTLEAK=0123456789abcd", "FILEtoken/abc+DONOTLEAK==xyz98765"),
    "config-file": ("CONFIGsecret/key+DONOTLEAK=0123456789ab", "CONFIGtoken/abc+DONOTLEAK==xyz9876"),
    "credential-process": ("PROCsecret/key+DONOTLEAK=0123456789abcde", "PROCtoken/abc+DONOTLEAK==xyz9876543"),
}

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - (\w+) - ([\w.]+) - (DEBUG|INFO|WARNING|ERROR) - (.*)$")


def encoded_forms(secret: str) -> set[str]:
    """Encodings a secret could leak in (written independently of awsml's own list)."""
    raw = secret.encode()
    return {
        secret,
        quote(secret, safe=""),
        quote(secret, safe="").lower(),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1].replace("/", "\\/"),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(),
    }


def forms_of(secret: str) -> set[str]:
    """What must never be seen: every encoding, and every 12 consecutive characters."""
    return encoded_forms(secret) | {secret[i : i + 12] for i in range(len(secret) - 11)}


def environment(source: str, home: Path) -> dict:
    secret, token = SECRETS[source]
    env = helpers.clean_env(home, credentials=False)
    if source == "env":
        env.update(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=secret, AWS_SESSION_TOKEN=token)
    elif source == "credentials-file":
        Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
            f"[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {secret}\naws_session_token = {token}\n"
        )
    elif source == "config-file":
        Path(env["AWS_CONFIG_FILE"]).write_text(
            f"[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {secret}\naws_session_token = {token}\n"
        )
    else:
        document = {"Version": 1, "AccessKeyId": KEY_ID, "SecretAccessKey": secret, "SessionToken": token, "Expiration": "2999-01-01T00:00:00Z"}
        encoded = base64.b64encode(json.dumps(document).encode()).decode()
        script = f"import base64, sys; sys.stdout.write(base64.b64decode('{encoded}').decode())"
        Path(env["AWS_CONFIG_FILE"]).write_text(f'[default]\ncredential_process = {sys.executable} -c "{script}"\n')
    return env


def echo_everything(request):
    """A server that reflects the request's token and every encoding of the secrets it knows."""
    token = request.header("X-Amz-Security-Token", "")
    leaked = {secret: sorted(encoded_forms(secret)) for pair in SECRETS.values() for secret in pair}
    return aws_error("AccessDeniedException", f"token={token} auth={request.header('Authorization')} leaked={json.dumps(leaked)}")


SCENARIOS = {
    "success": (lambda: json_response(OK_BODY), {}, 0),
    "service-error": (lambda: aws_error("ValidationException", "Requested resource not found."), {}, 255),
    "retries-then-success": (lambda: [Response(503, b""), aws_error("ThrottlingException", "slow"), json_response(OK_BODY)], {"AWS_MAX_ATTEMPTS": "3"}, 0),
    "retries-exhausted": (lambda: Response(503, b""), {"AWS_MAX_ATTEMPTS": "2"}, 255),
    "connection-reset": (lambda: Reset(), {"AWS_MAX_ATTEMPTS": "2"}, 255),
    "echo-server": (lambda: echo_everything, {}, 255),
    "tls-failure": (lambda: json_response(OK_BODY), {"AWS_MAX_ATTEMPTS": "2"}, 255),
}


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_tls(tmp_path_factory.mktemp("tls"))


def run_debug(program, source, scenario, tmp_path, tls=None):
    script, extra_env, expected_rc = SCENARIOS[scenario]
    env = environment(source, tmp_path / program / "home")
    env.update(extra_env)
    context = tls.server_context if scenario == "tls-failure" else None
    with ScriptedServer(script(), ssl_context=context) as server:
        run = helpers.run_aws if program == "aws" else helpers.run_awsml
        result = run([*CALL[:-1], server.url, "--debug"], env)
        signatures = [
            match.group(1)
            for request in server.requests
            for match in [re.search(r"Signature=([0-9a-f]+)", request.header("Authorization") or "")]
            if match
        ]
    return result, signatures, expected_rc


def leaks(text: str, source: str, signatures: list[str]) -> list[str]:
    found = []
    for secret in SECRETS[source]:
        found += [form for form in forms_of(secret) if form in text]
    found += [signature for signature in signatures if signature in text]
    return found


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("source", SECRETS)
def test_no_secret_in_any_output(source, scenario, tmp_path, tls):
    result, signatures, expected_rc = run_debug("awsml", source, scenario, tmp_path, tls)
    assert result.returncode == expected_rc, result.err[-3000:]
    output = result.out + result.err
    assert not leaks(output, source, signatures)
    # The log is there, only masked.
    lines = result.err.splitlines()
    assert LOG_LINE.match(lines[0]) and "CLI version: awsml/" in lines[0]
    if scenario not in ("tls-failure", "connection-reset"):
        assert signatures, "the requests were signed"
        assert "Signature=***" in result.err
        assert "x-amz-security-token:***" in result.err
        assert "'X-Amz-Security-Token': b'***'" in result.err
        assert "Credential=***/" in result.err
        assert re.search(r"Signature:\n\*\*\*\n", result.err)
    if scenario == "echo-server":
        assert "Response body:" in result.err
        assert "An error occurred (AccessDeniedException)" in result.err


def test_aws_itself_leaks_what_awsml_masks(tmp_path):
    """The reason for all this: aws v1 --debug prints the session token and the signature."""
    result, signatures, _ = run_debug("aws", "env", "success", tmp_path)
    secret, token = SECRETS["env"]
    assert token in result.err
    assert all(signature in result.err for signature in signatures)
    assert secret not in result.err  # aws never printed the secret key itself


def test_credential_process_failure_output_is_masked(tmp_path):
    """A helper that fails while printing its JSON: the secret under a known key is masked."""
    leaked = json.dumps({"AccessKeyId": KEY_ID, "SecretAccessKey": "HELPERsecretDONOTLEAK0123456789", "SessionToken": "HELPERtokenDONOTLEAK"})
    encoded = base64.b64encode(leaked.encode()).decode()
    script = f"import base64, sys; sys.stderr.write(base64.b64decode('{encoded}').decode()); sys.exit(1)"
    env = helpers.clean_env(tmp_path / "home", credentials=False)
    Path(env["AWS_CONFIG_FILE"]).write_text(f'[default]\ncredential_process = {sys.executable} -c "{script}"\n')
    result = helpers.run_awsml([*CALL[:-1], "http://127.0.0.1:9", "--debug"], env)
    assert result.returncode == 255
    assert "Error when retrieving credentials from custom-process:" in result.err
    assert "HELPERsecretDONOTLEAK" not in result.err and "HELPERtokenDONOTLEAK" not in result.err
    assert '"SecretAccessKey": "***"' in result.err
    # Without --debug the error is aws's, word for word (nothing is rewritten).
    plain = helpers.run_awsml([*CALL[:-1], "http://127.0.0.1:9"], env)
    expected = helpers.run_aws([*CALL[:-1], "http://127.0.0.1:9"], env)
    assert (plain.returncode, plain.err) == (expected.returncode, expected.err)


# -- the shape of the log --------------------------------------------------------------------

# Line kinds that make up aws v1's debug log of this command, in the order they appear.
KINDS = [
    ("CLI version", r"CLI version: "),
    ("arguments", r"Arguments entered to CLI: "),
    ("credential lookup", r"Looking for credentials via: "),
    ("credential source", r"Found credentials in "),
    ("endpoint provider", r"Calling endpoint provider with parameters: "),
    ("endpoint", r"Endpoint provider result: "),
    ("request dict", r"Making request for OperationModel"),
    ("signing", r"Calculating signature using v4 auth"),
    ("canonical request", r"CanonicalRequest:"),
    ("string to sign", r"StringToSign:"),
    ("signature", r"Signature:"),
    ("sending", r"Sending http request: <AWSPreparedRequest"),
    ("connection", r"Starting new HTTPS? connection"),
    ("status line", r'"POST / HTTP/1.1" \d+'),
    ("response headers", r"Response headers: "),
    ("response body", r"Response body:"),
    ("retry needed", r"retry needed: "),
    ("retry action", r"Retry needed, action of: "),
    ("retry sleep", r"Response received to retry, sleeping for "),
    ("no retry", r"No retry needed\."),
    ("request id", r"RequestId: "),
    ("exception", r"Exception caught in main\(\)"),
    ("exit", r"Exiting with rc 255"),
]


def shape(stderr: str) -> list[tuple[str, str, str]]:
    """(kind, level, thread) of every log line of a known kind, in order."""
    out = []
    for line in stderr.splitlines():
        match = LOG_LINE.match(line)
        if not match:
            continue
        thread, _, level, message = match.groups()
        for kind, pattern in KINDS:
            if re.match(pattern, message):
                out.append((kind, level, thread))
                break
    return out


@pytest.mark.parametrize("scenario", ["retries-then-success", "service-error", "retries-exhausted"])
def test_debug_log_has_the_shape_of_aws(scenario, tmp_path):
    aws, _, _ = run_debug("aws", "env", scenario, tmp_path)
    awsml, _, _ = run_debug("awsml", "env", scenario, tmp_path)
    assert awsml.returncode == aws.returncode
    assert shape(awsml.err) == shape(aws.err)
    assert len(shape(awsml.err)) > 15
    # Every line is a log record, or a continuation line of a record that continues over
    # several lines in aws's log too (a traceback, a body): nothing else gets in between.
    assert LOG_LINE.match(awsml.err.splitlines()[0])
    assert multi_line_records(awsml.err) <= multi_line_records(aws.err)
    # After the log, the error text is aws's, byte for byte.
    tail = lambda text: text[text.rfind(" - Exiting with rc 255\n") + len(" - Exiting with rc 255\n"):]  # noqa: E731
    if aws.returncode:
        assert tail(awsml.err).replace(awsml_url(awsml.err), "{url}") == tail(aws.err).replace(awsml_url(aws.err), "{url}")


def multi_line_records(stderr: str) -> set[str]:
    """The kinds of record (by KINDS, else logger and the message's first word) that are
    followed by lines of their own, before the error text that ends a failed run."""
    end = stderr.rfind(" - Exiting with rc 255\n")
    lines = (stderr if end < 0 else stderr[:end]).splitlines()
    found, current = set(), None
    for line in lines:
        match = LOG_LINE.match(line)
        if match:
            thread, logger, level, message = match.groups()
            current = next((kind for kind, pattern in KINDS if re.match(pattern, message)),
                           f"{logger} {message.split(' ', 1)[0]}")
        else:
            found.add(current)
    return found


def awsml_url(stderr: str) -> str:
    return re.search(r"http://127\.0\.0\.1:\d+", stderr).group(0)
