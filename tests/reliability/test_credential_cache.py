"""Role credentials are cached as aws v1 caches them: one STS call for many runs, shared with aws.

moto's STS and SageMaker emulators on 127.0.0.1 (``AWS_ENDPOINT_URL_STS`` and
``--endpoint-url``) count every request. Each case is a role profile with one kind
of source credentials; both programs run twice in a row on the same HOME, in every
order (aws then aws, awsml then awsml, aws then awsml, awsml then aws): the first run
calls STS once, the second reads ``~/.aws/cli/cache`` and calls it not at all. The
cache files are compared: the same names (the cache key), the same JSON structure
and the same values but for what STS makes up each time (keys, token, expiry).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from awsml_cli.demo import seed
from tests import comparisons, helpers
from tests.servers.counting_moto import running_moto

pytestmark = pytest.mark.conformance

ROLE = "arn:aws:iam::123456789012:role/ci-role"
# --profile on the command line, as CI jobs pass it (AWS_PROFILE would let environment keys win
# over the role, and the credential_source = Environment case needs them in the environment).
CALL = ["sagemaker", "describe-training-job", "--training-job-name", "demo-job", "--query", "TrainingJobName",
        "--profile", "ci"]
PROCESS = (f"{sys.executable} -c \"import json; print(json.dumps({{'Version': 1, 'AccessKeyId': 'AKIDPROCESS', "
           f"'SecretAccessKey': 'process-secret'}}))\"")

# Role profiles, one per kind of source credentials: (config, extra environment).
KINDS = {
    "source-profile": (
        f"[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n"
        f"[profile ci]\nrole_arn = {ROLE}\nsource_profile = base\n",
        {},
    ),
    "source-profile-with-options": (
        f"[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n"
        f"[profile ci]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = nightly\n"
        f"external_id = ext-123\nduration_seconds = 1800\n",
        {},
    ),
    "credential-process": (
        f"[profile proc]\ncredential_process = {PROCESS}\n[profile ci]\nrole_arn = {ROLE}\nsource_profile = proc\n",
        {},
    ),
    "credential-source-environment": (
        f"[profile ci]\nrole_arn = {ROLE}\ncredential_source = Environment\n",
        {"AWS_ACCESS_KEY_ID": "AKIDENVIRON", "AWS_SECRET_ACCESS_KEY": "environ-secret"},
    ),
    "web-identity": (
        f"[profile ci]\nrole_arn = {ROLE}\nweb_identity_token_file = {{home}}/token\n",
        {},
    ),
    "mfa": (
        f"[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n"
        f"[profile ci]\nrole_arn = {ROLE}\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/ci\n",
        {},
    ),
}
STS_ACTIONS = ("AssumeRole", "AssumeRoleWithWebIdentity")
ORDERS = [("aws", "aws"), ("awsml", "awsml"), ("aws", "awsml"), ("awsml", "aws")]


@pytest.fixture(scope="module")
def moto():
    with running_moto() as (url, log):
        seed(url)
        yield url, log


def environment(home: Path, kind: str, url: str) -> dict:
    config, extra = KINDS[kind]
    env = helpers.clean_env(home, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_ENDPOINT_URL_STS=url)
    env.update(extra)
    Path(env["AWS_CONFIG_FILE"]).write_text(config.replace("{home}", str(home)))
    (home / "token").write_text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.signature")
    return env


def run(program: str, env: dict, url: str, log, kind: str) -> tuple[helpers.Result, list[str]]:
    """One run; the STS actions the server saw during it."""
    mark = log.mark()
    runner = helpers.run_aws_process if program == "aws" else helpers.run_awsml
    # Without a terminal, the MFA prompt reads the code from stdin (as getpass falls back to).
    stdin = b"909090\n" if kind == "mfa" else None
    result = runner([*CALL, "--endpoint-url", url], env, stdin=stdin)
    return result, [action for action, _ in log.since(mark) if action in STS_ACTIONS]


def cache_files(home: Path) -> dict[str, dict]:
    folder = home / ".aws" / "cli" / "cache"
    if not folder.is_dir():
        return {}
    return {path.name: json.loads(path.read_text()) for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("first, second", ORDERS, ids=["-".join(o) for o in ORDERS])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_two_runs_call_sts_once(kind, first, second, moto, tmp_path):
    url, log = moto
    env = environment(tmp_path / "home", kind, url)
    one, sts_one = run(first, env, url, log, kind)
    two, sts_two = run(second, env, url, log, kind)
    assert (one.returncode, one.stdout) == (0, b'"demo-job"\n'), one.stderr
    assert (two.returncode, two.stdout) == (0, b'"demo-job"\n'), two.stderr
    assert len(sts_one) == 1 and sts_two == []
    if kind == "mfa":
        assert b"Enter MFA code for arn:aws:iam::123456789012:mfa/ci: " in one.stderr
        assert two.stderr == b""  # no second prompt: the cached session is used
    assert len(cache_files(tmp_path / "home")) == 1


# What STS makes up on every call, and the request id: compared by type only.
_VARYING = {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "RequestId", "date",
            "x-amzn-requestid", "content-length", "AssumedRoleId", "RetryAttempts"}


def _shape(node, key=None):
    import re

    if isinstance(node, dict):
        return {k: _shape(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_shape(v) for v in node]
    if key in _VARYING:
        return type(node).__name__
    # botocore names an unnamed role session after the time it started.
    return re.sub(r"botocore-session-\d+", "botocore-session-<time>", node) if isinstance(node, str) else node


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_cache_files_are_aws_files(kind, moto, tmp_path):
    url, log = moto
    files = {}
    for program in ("aws", "awsml"):
        env = environment(tmp_path / program, kind, url)
        assert run(program, env, url, log, kind)[0].returncode == 0
        files[program] = cache_files(tmp_path / program)
    assert list(files["awsml"]) == list(files["aws"]) and len(files["aws"]) == 1
    ours, theirs = next(iter(files["awsml"].values())), next(iter(files["aws"].values()))
    assert comparisons.record(_shape(ours) == _shape(theirs))
    assert _shape(ours["AssumedRoleUser"]["Arn"]) == _shape(theirs["AssumedRoleUser"]["Arn"])


def _rewrite_expiry(home: Path, minutes: int) -> None:
    for path in (home / ".aws" / "cli" / "cache").iterdir():
        entry = json.loads(path.read_text())
        expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)
        entry["Credentials"]["Expiration"] = expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
        path.write_text(json.dumps(entry))


def _runs_from_a_copy_of(seeded: Path, tmp_path: Path, url: str, log):
    """aws, then awsml, each in its own copy of the ``seeded`` HOME (a source-profile role):
    (program, home, result, STS actions seen)."""
    for program in ("aws", "awsml"):
        home = tmp_path / program
        shutil.copytree(seeded, home)
        result, sts = run(program, environment(home, "source-profile", url), url, log, "source-profile")
        yield program, home, result, sts


@pytest.mark.parametrize("minutes, calls", [(60, 0), (16, 0), (14, 1), (-5, 1)])
def test_the_same_expiry_rules(minutes, calls, moto, tmp_path):
    """Cached credentials are used until 15 minutes before they expire, then renewed."""
    url, log = moto
    seeded = tmp_path / "seeded"
    env = environment(seeded, "source-profile", url)
    assert run("aws", env, url, log, "source-profile")[0].returncode == 0
    _rewrite_expiry(seeded, minutes)
    seen = {program: (result.returncode, result.stdout, len(sts))
            for program, _, result, sts in _runs_from_a_copy_of(seeded, tmp_path, url, log)}
    assert comparisons.record(seen["awsml"] == seen["aws"])
    assert seen["aws"] == (0, b'"demo-job"\n', calls)


@pytest.mark.parametrize("damage", ["garbage", "empty", "not-an-object", "no-credentials", "directory"])
def test_a_damaged_cache_entry_as_aws(damage, moto, tmp_path):
    url, log = moto
    seeded = tmp_path / "seeded"
    env = environment(seeded, "source-profile", url)
    assert run("aws", env, url, log, "source-profile")[0].returncode == 0
    (path,) = (seeded / ".aws" / "cli" / "cache").iterdir()
    if damage == "garbage":
        path.write_text("{not json")
    elif damage == "empty":
        path.write_text("")
    elif damage == "not-an-object":
        path.write_text("[1, 2]")
    elif damage == "no-credentials":
        path.write_text('{"AssumedRoleUser": {}}')
    else:
        path.unlink()
        path.mkdir()
    seen = {}
    for program, home, result, sts in _runs_from_a_copy_of(seeded, tmp_path, url, log):
        error = helpers.error_text(result.stderr).replace(str(home).encode(), b"{home}")
        error = re.sub(rb"tmp\w+\.tmp", b"{temporary}", error)
        seen[program] = (result.returncode, result.stdout, error, len(sts))
    assert comparisons.record(seen["awsml"] == seen["aws"]), seen


def test_environment_credentials_touch_no_cache(moto, tmp_path):
    url, log = moto
    home = tmp_path / "home"
    env = helpers.clean_env(home)
    result = helpers.run_awsml([*CALL[:-2], "--endpoint-url", url], env)
    assert result.returncode == 0
    assert not (home / ".aws").exists()


def test_a_new_web_identity_token_is_a_new_entry(moto, tmp_path):
    """aws v1 keys a web-identity entry by the token too: a rotated token is not served
    the old token's credentials."""
    url, log = moto
    names = {}
    for program in ("aws", "awsml"):
        home = tmp_path / program
        env = environment(home, "web-identity", url)
        assert run(program, env, url, log, "web-identity")[0].returncode == 0
        (home / "token").write_text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJuZXcifQ.rotated")
        result, sts = run(program, env, url, log, "web-identity")
        assert result.returncode == 0 and len(sts) == 1
        names[program] = sorted(cache_files(home))
    assert comparisons.record(names["awsml"] == names["aws"]) and len(names["aws"]) == 2


def run_on_a_terminal(command: list[str], env: dict, answer_after: bytes, answer: bytes) -> tuple[int, bytes]:
    """``command`` with a pseudo-terminal as its controlling terminal and all three
    streams; ``answer`` is typed once ``answer_after`` has appeared. Returns the exit
    status and everything the terminal showed."""
    import fcntl
    import pty
    import select
    import subprocess
    import termios
    import time

    master, slave = pty.openpty()

    def take_terminal():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(command, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            preexec_fn=take_terminal)
    os.close(slave)
    shown, answered, deadline = b"", False, time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            shown += data
        if not answered and answer_after in shown:
            os.write(master, answer)
            answered = True
        if not ready and proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=10), shown


def test_mfa_prompt_on_a_terminal(moto, tmp_path):
    """On a terminal the prompt goes to the terminal and the code is read from it, without echo."""
    url, log = moto
    prompt = b"Enter MFA code for arn:aws:iam::123456789012:mfa/ci: "
    seen = {}
    for program in ("aws", "awsml"):
        home = tmp_path / program
        env = environment(home, "mfa", url)
        command = helpers.aws_command() if program == "aws" else helpers.awsml_command()
        mark = log.mark()
        status, shown = run_on_a_terminal([*command, *CALL, "--endpoint-url", url], env, prompt, b"909090\n")
        sts = [action for action, _ in log.since(mark) if action in STS_ACTIONS]
        seen[program] = (status, shown, sts)
    assert comparisons.record(seen["awsml"] == seen["aws"]), seen
    status, shown, sts = seen["aws"]
    assert status == 0 and shown.startswith(prompt) and b"909090" not in shown
    assert shown.rstrip().endswith(b'"demo-job"') and sts == ["AssumeRole"]


# SSO: aws v1 reads the SSO token botocore cached in ~/.aws/sso/cache (written by
# `aws sso login`) and keeps the role credentials it gets for it in memory only, so every
# run asks the SSO portal once and writes nothing. awsml reads and writes the same.
SSO_START = "https://example.awsapps.com/start"


def _sso_home(home: Path, portal_url: str) -> dict:
    import hashlib

    env = helpers.clean_env(home, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_ENDPOINT_URL_SSO=portal_url)
    Path(env["AWS_CONFIG_FILE"]).write_text(
        f"[profile ci]\nsso_start_url = {SSO_START}\nsso_region = us-east-1\nsso_account_id = 123456789012\n"
        "sso_role_name = CIRole\nregion = us-east-1\n")
    token_dir = home / ".aws" / "sso" / "cache"
    token_dir.mkdir(parents=True)
    expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    name = hashlib.sha1(SSO_START.encode()).hexdigest() + ".json"
    (token_dir / name).write_text(json.dumps({"startUrl": SSO_START, "region": "us-east-1",
                                              "accessToken": "sso-access-token", "expiresAt": expires}))
    return env


def test_sso_profiles_use_the_same_caches(moto, tmp_path):
    from tests.servers.scripted import ScriptedServer, json_response

    url, log = moto
    expiration = int((datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).timestamp() * 1000)
    answer = json_response({"roleCredentials": {"accessKeyId": "AKIDSSO", "secretAccessKey": "sso-secret",
                                                "sessionToken": "sso-session", "expiration": expiration}})
    seen = {}
    for program in ("aws", "awsml"):
        with ScriptedServer(lambda request: answer) as portal:
            home = tmp_path / program
            env = _sso_home(home, portal.url)
            before = {p.name: p.read_text() for p in (home / ".aws" / "sso" / "cache").iterdir()}
            runner = helpers.run_aws_process if program == "aws" else helpers.run_awsml
            results = [runner([*CALL, "--endpoint-url", url], env) for _ in range(2)]
            after = {p.name: p.read_text() for p in (home / ".aws" / "sso" / "cache").iterdir()}
            portal_calls = [(r.method, r.path.split("?")[0], r.header("x-amz-sso_bearer_token")) for r in portal.requests]
            seen[program] = ([(r.returncode, r.stdout) for r in results], portal_calls, after == before,
                             sorted(p.name for p in (home / ".aws").iterdir()))
    assert comparisons.record(seen["awsml"] == seen["aws"]), seen
    results, calls, unchanged, folders = seen["aws"]
    assert results == [(0, b'"demo-job"\n')] * 2
    assert calls == [("GET", "/federation/credentials", "sso-access-token")] * 2
    assert unchanged and folders == ["sso"]
