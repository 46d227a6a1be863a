"""Credentials from every source aws v1 reads, and every way they go missing, side by side.

For each case both programs run with the same environment and files; they must agree on
stdout, exit code, error text, the number of requests and the access key each request was
signed with.  No case can reach the instance metadata service: every environment has
``AWS_EC2_METADATA_DISABLED=true``, and ``test_nothing_tries_the_metadata_service`` runs
both programs under the session's network guard (tests/netguard), which refuses and records any
non-loopback connection.
"""

from __future__ import annotations

import base64
import json
import sys

import pytest

from tests import helpers
from tests.reliability.faults import CALL, OK_BODY
from tests.reliability.sidebyside import Fault, assert_same, run_both
from tests.servers.scripted import ScriptedServer, json_response

pytestmark = pytest.mark.conformance

QUERY = ["--query", "TrainingJobName"]
NO_ENV_CREDS = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}
PROCESS_SECRET = "PROCESSsecretDONOTLEAK9876543210abcdefgh"
PROCESS_TOKEN = "PROCESStokenDONOTLEAKzyx987"


def process_output(**fields) -> str:
    document = {"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": PROCESS_SECRET, **fields}
    return json.dumps({k: v for k, v in document.items() if v is not None})


def credential_process(output: str, status: int = 0, stderr: str = "") -> str:
    """A ``credential_process`` line: a tiny Python script printing ``output``, then ``stderr``."""
    # base64 keeps quotes out of the command line that botocore splits like a shell.
    encoded = [base64.b64encode(text.encode()).decode() for text in (output, stderr)]
    script = (
        f"import base64, sys; sys.stdout.write(base64.b64decode('{encoded[0]}').decode()); "
        f"sys.stderr.write(base64.b64decode('{encoded[1]}').decode()); sys.exit({status})"
    )
    return f"credential_process = {sys.executable} -c \"{script}\"\n"


def ok():
    return json_response(OK_BODY)


def case(id, attempts, env=None, config=None, credentials=None, args=(), rc=None, better=None):
    return Fault(
        better=better,
        id=id,
        script=ok,
        args=[*CALL, *QUERY, *args],
        env=env or {},
        config=config,
        credentials=credentials,
        attempts=attempts,
        rc=rc,
    )


FILE_CREDS = "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = FILEsecretDONOTLEAK\n"
PROFILE_CREDS = "[p2]\naws_access_key_id = AKIDP2\naws_secret_access_key = P2secretDONOTLEAK\n"

CASES = [
    case("env", 1, rc=0),
    case("env-with-token", 1, {"AWS_SESSION_TOKEN": helpers.FAKE_SESSION_TOKEN}, rc=0),
    case("env-legacy-security-token", 1, {"AWS_SECURITY_TOKEN": helpers.FAKE_SESSION_TOKEN}, rc=0),
    case("partial-env-no-secret", 0, {"AWS_SECRET_ACCESS_KEY": None}, rc=255),
    case("partial-env-no-key-id", 0, {"AWS_ACCESS_KEY_ID": None}, rc=255),
    case("partial-env-empty-secret", 0, {"AWS_SECRET_ACCESS_KEY": ""}, rc=255),
    case("none-at-all", 0, NO_ENV_CREDS, rc=255),
    case("credentials-file", 1, NO_ENV_CREDS, credentials=FILE_CREDS, rc=0),
    case("credentials-file-partial", 0, NO_ENV_CREDS, credentials="[default]\naws_access_key_id = AKIDFILE\n", rc=255),
    case(
        "credentials-file-malformed",
        0,
        NO_ENV_CREDS,
        credentials="[default\naws_access_key_id = x\n",
        better=(255, b"\nUnable to parse config file: {tmp}/home/aws-credentials\n"),
    ),
    case("env-beats-credentials-file", 1, credentials=FILE_CREDS, rc=0),
    case("config-file-keys", 1, NO_ENV_CREDS, config="[default]\naws_access_key_id = AKIDCFG\naws_secret_access_key = CFGsecretDONOTLEAK\n", rc=0),
    case(
        "config-malformed",
        0,
        NO_ENV_CREDS,
        config="[default\nregion = us-east-1\n",
        better=(255, b"\nUnable to parse config file: {tmp}/home/aws-config\n"),
    ),
    case("profile-flag", 1, NO_ENV_CREDS, credentials=PROFILE_CREDS, args=["--profile", "p2"], rc=0),
    case("profile-flag-beats-env", 1, credentials=PROFILE_CREDS, args=["--profile", "p2"], rc=0),
    case("aws-profile-env-loses-to-env-keys", 1, {"AWS_PROFILE": "p2"}, credentials=PROFILE_CREDS, rc=0),
    case("aws-profile-env-no-env-keys", 1, {**NO_ENV_CREDS, "AWS_PROFILE": "p2"}, credentials=PROFILE_CREDS, rc=0),
    case("config-profile-keys", 1, NO_ENV_CREDS, config="[profile cfg]\naws_access_key_id = AKIDCFGP\naws_secret_access_key = CFGPsecretDONOTLEAK\n", args=["--profile", "cfg"], rc=0),
    case("missing-profile-flag", 0, args=["--profile", "nosuch"], rc=255),
    case("missing-profile-env", 0, {"AWS_PROFILE": "nosuch"}, rc=255),
    case("missing-profile-default-profile-env", 0, {"AWS_DEFAULT_PROFILE": "nosuch"}, rc=255),
    case("profile-without-credentials", 0, NO_ENV_CREDS, config="[profile empty]\nregion = us-east-1\n", args=["--profile", "empty"], rc=255),
    case("credential-process", 1, NO_ENV_CREDS, config="[default]\n" + credential_process(process_output()), rc=0),
    case(
        "credential-process-with-token",
        1,
        NO_ENV_CREDS,
        config="[default]\n" + credential_process(process_output(SessionToken=PROCESS_TOKEN, Expiration="2999-01-01T00:00:00Z")),
        rc=0,
    ),
    case(
        "credential-process-expired",
        0,
        NO_ENV_CREDS,
        config="[default]\n" + credential_process(process_output(SessionToken=PROCESS_TOKEN, Expiration="2000-01-01T00:00:00Z")),
    ),
    case("credential-process-fails", 0, NO_ENV_CREDS, config="[default]\n" + credential_process("", 3, "cannot reach the vault\n"), rc=255),
    case("credential-process-not-json", 0, NO_ENV_CREDS, config="[default]\n" + credential_process("not json at all"), rc=255),
    case("credential-process-missing-secret", 0, NO_ENV_CREDS, config="[default]\n" + credential_process(process_output(SecretAccessKey=None)), rc=255),
    case("credential-process-bad-version", 0, NO_ENV_CREDS, config="[default]\n" + credential_process(process_output(Version=2)), rc=255),
    case("credential-process-json-list", 0, NO_ENV_CREDS, config="[default]\n" + credential_process("[1, 2]")),
    case("credential-process-no-such-program", 0, NO_ENV_CREDS, config="[default]\ncredential_process = /nonexistent/credential-helper --flag\n", rc=255),
    case("credential-process-env-wins", 1, config="[default]\n" + credential_process(process_output()), rc=0),
    case("role-without-source", 0, NO_ENV_CREDS, config="[default]\nrole_arn = arn:aws:iam::123456789012:role/ci\n", rc=255),
    case(
        "role-with-missing-source-profile",
        0,
        NO_ENV_CREDS,
        config="[default]\nrole_arn = arn:aws:iam::123456789012:role/ci\nsource_profile = nosuch\n",
        rc=255,
    ),
    case(
        "role-with-bad-credential-source",
        0,
        NO_ENV_CREDS,
        config="[default]\nrole_arn = arn:aws:iam::123456789012:role/ci\ncredential_source = Nowhere\n",
        rc=255,
    ),
    case("no-sign-request-needs-nothing", 1, NO_ENV_CREDS, args=["--no-sign-request"], rc=0),
    case(
        "no-sign-request-skips-credential-process",
        1,
        NO_ENV_CREDS,
        config="[default]\n" + credential_process("", 3, "must not run\n"),
        args=["--no-sign-request"],
        rc=0,
    ),
]


@pytest.mark.parametrize("fault", [pytest.param(c, id=c.id) for c in CASES])
def test_credentials_same_as_aws(fault, tmp_path):
    runs = run_both(fault, tmp_path)
    assert_same(fault, runs)


@pytest.mark.parametrize("program", ["aws", "awsml"])
def test_nothing_tries_the_metadata_service(program, tmp_path):
    """No credentials anywhere: the chain reaches the IMDS provider, which must not connect
    (the session's network guard would refuse and record it; tests/netguard)."""
    env = helpers.clean_env(tmp_path / "home", credentials=False)
    before = len(helpers.network_records())
    run = helpers.run_aws_process if program == "aws" else helpers.run_awsml
    with ScriptedServer(ok()) as server:
        result = run([*CALL[:-1], server.url, "--debug"], env)
        assert server.request_count == 0
    assert result.returncode == 255
    assert result.err.endswith('Unable to locate credentials. You can configure credentials by running "aws configure".\n')
    assert "Looking for credentials via: iam-role" in result.err
    assert "Access to EC2 metadata has been disabled." in result.err
    assert "169.254.169.254:" not in result.err.replace("IMDS ENDPOINT: http://169.254.169.254/", "")
    assert helpers.network_records()[before:] == []
