"""Settings aws v1 applies to every client of its session, the credential providers' STS client included.

aws v1 puts ``--cli-read-timeout`` and ``--cli-connect-timeout`` into its session's default
client configuration, so the STS client that assumes a role gets them too; the retry settings
(``AWS_MAX_ATTEMPTS``, ``AWS_RETRY_MODE``) come from the session's configuration; the CA bundle of
``AWS_CA_BUNDLE`` / ``ca_bundle`` is the session's, while ``--ca-bundle`` and ``--no-verify-ssl``
go to the command's own client only. Each case points STS (``AWS_ENDPOINT_URL_STS``) at the
scripted server, assumes a role, and compares both programs: stdout, exit code, error text and
the attempts STS saw. No case may hang: a connect timeout to STS ends like aws's.
"""

from __future__ import annotations

import pytest

from tests.reliability.sidebyside import DTJ, Fault, assert_same, run_both
from tests.servers.scripted import Response, Stall, make_tls

pytestmark = pytest.mark.conformance

ROLE_PROFILE = (
    "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n"
    "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/ci-role\nsource_profile = base\n"
)
# The command's own endpoint: a closed port, reached only once credentials exist.
CALL = [*DTJ, "--training-job-name", "job-x", "--endpoint-url", "http://127.0.0.1:9", "--profile", "ci",
        "--cli-connect-timeout", "1"]
STS = {"AWS_ENDPOINT_URL_STS": "{url}", "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}

ASSUMED = b"""<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/ci-role/session</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAASSUMED</AccessKeyId>
      <SecretAccessKey>assumed-secret</SecretAccessKey>
      <SessionToken>assumed-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>11111111-2222-3333-4444-555555555555</RequestId></ResponseMetadata>
</AssumeRoleResponse>
"""


def assumed():
    return Response(200, ASSUMED, headers={"Content-Type": "text/xml"})


def unavailable():
    return Response(503, b"")


def case(id, script, attempts, args=(), env=None, endpoint="server", count="requests", rc=255):
    return Fault(id=id, script=script, args=[*CALL, *args], env={**STS, **(env or {})}, config=ROLE_PROFILE,
                 endpoint=endpoint, count=count, attempts=attempts, rc=rc)


CASES = [
    # Timeouts reach the STS client.
    case("sts-read-timeout", lambda: Stall(3), 5, ["--cli-read-timeout", "1"]),
    case("sts-read-timeout-retries-set", lambda: Stall(3), 2, ["--cli-read-timeout", "1"], {"AWS_MAX_ATTEMPTS": "2"}),
    case("sts-read-timeout-zero-is-none", lambda: [Stall(2), assumed()], 1, ["--cli-read-timeout", "0"]),
    case("sts-connect-timeout", None, 5, endpoint="unaccepting", count="debug"),
    case("sts-connect-timeout-standard", None, 3, env={"AWS_RETRY_MODE": "standard"}, endpoint="unaccepting",
         count="debug"),
    # Retry settings are the session's.
    case("sts-503-legacy", unavailable, 5),
    case("sts-503-max-2", unavailable, 2, env={"AWS_MAX_ATTEMPTS": "2"}),
    case("sts-503-standard", unavailable, 3, env={"AWS_RETRY_MODE": "standard"}),
    case("sts-503-new-retries", unavailable, 3, env={"AWS_NEW_RETRIES_2026": "true"}),
    # The role is assumed; the command's own endpoint (a closed port) then fails as usual.
    case("sts-ok", assumed, 1),
    # --no-sign-request: no credentials are looked up at all.
    case("sts-no-sign-request", assumed, 0, ["--no-sign-request"]),
]


def _param(fault):
    return pytest.param(fault, id=fault.id, marks=[pytest.mark.slow] if (fault.attempts or 0) > 1 else [])


@pytest.mark.parametrize("fault", [_param(c) for c in CASES])
def test_sts_client_settings_as_aws(fault, tmp_path):
    assert_same(fault, run_both(fault, tmp_path))


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_tls(tmp_path_factory.mktemp("tls"))


TLS_CASES = [
    # The session's CA bundle (environment, config) reaches STS; --ca-bundle and
    # --no-verify-ssl are the command's own client's.
    case("sts-tls-untrusted", assumed, None),
    case("sts-tls-ca-bundle-env", assumed, 1, env={"AWS_CA_BUNDLE": "{ca}"}),
    case("sts-tls-ca-bundle-flag", assumed, None, ["--ca-bundle", "{ca}"]),
    case("sts-tls-no-verify-ssl", assumed, None, ["--no-verify-ssl"]),
]


@pytest.mark.parametrize("fault", [pytest.param(c, id=c.id) for c in TLS_CASES])
def test_sts_tls_as_aws(fault, tmp_path, tls):
    fault.endpoint = "tls"
    fault.count = "connections"
    fault.args = [a.replace("{ca}", str(tls.ca_path)) for a in fault.args]
    fault.env = {k: (v.replace("{ca}", str(tls.ca_path)) if v else v) for k, v in fault.env.items()}
    assert_same(fault, run_both(fault, tmp_path, tls))
