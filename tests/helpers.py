"""Running ``awsml`` and the real ``aws`` side by side, in environments built from scratch.

The machines here export AWS_CA_BUNDLE, PYTHONUNBUFFERED and other variables
globally; a test that inherited them would test the machine, not awsml.  So
every subprocess gets an environment built here, from nothing: fake
credentials, an empty HOME and config file, instance metadata disabled, and
(by the tests) an ``--endpoint-url`` on 127.0.0.1.  Nothing can reach AWS or
169.254.169.254.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BIN_DIR = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent

# awsml's per-user cache (speedups: fastdata, regex_table) for every run of this test process:
# filled by the first run, as a user's is, so the runs after it are warm like a user's
# second run. The cold cache has its own tests (tests/unit/test_fastdata.py), which
# give XDG_CACHE_HOME=None to leave it out.
TEST_CACHE_HOME = tempfile.mkdtemp(prefix="awsml-tests-cache-")
atexit.register(shutil.rmtree, TEST_CACHE_HOME, True)

# The network guard every process the tests start loads (tests/netguard/sitecustomize.py),
# and the log it records refused connections in (set by tests/conftest.py for the session).
GUARD_DIR = REPO / "tests" / "netguard"
NETWORK_LOG_VARIABLE = "AWSML_TESTS_NETWORK_LOG"

FAKE_ACCESS_KEY = "AKIAFAKEACCESSKEY123"
FAKE_SECRET_KEY = "FAKESECRETkeyDONOTLEAK0123456789abcdefgh"
FAKE_SESSION_TOKEN = "FAKESESSIONTOKENxyz123DONOTLEAK"


def awsml_command() -> list[str]:
    script = BIN_DIR / "awsml"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "awsml_cli"]


def aws_command() -> list[str]:
    return [str(BIN_DIR / "aws")]


def default_sigint() -> None:
    """``preexec_fn`` for a child that will get Ctrl-C: SIGINT at its default, set explicitly.

    A child inherits an ignored SIGINT (pytest started in the background by a script), and
    awsml, like aws, keeps an inherited ignore; these tests need the usual disposition.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def clean_env(home: Path, credentials: bool = True, region: str | None = "us-east-1", **extra: str) -> dict:
    """A complete environment for one run; ``extra`` adds or (with None) removes keys."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": f"{BIN_DIR}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        # Point at files that do not exist unless a test writes them.
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "XDG_CACHE_HOME": TEST_CACHE_HOME,
    }
    if credentials:
        env["AWS_ACCESS_KEY_ID"] = FAKE_ACCESS_KEY
        env["AWS_SECRET_ACCESS_KEY"] = FAKE_SECRET_KEY
    if region:
        env["AWS_DEFAULT_REGION"] = region
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return guarded(env)


def network_records() -> list[str]:
    """What the network guard has refused so far in this session (one line each)."""
    log = os.environ.get(NETWORK_LOG_VARIABLE)
    if not log or not os.path.exists(log):
        return []
    with open(log, encoding="utf-8") as handle:
        return handle.read().splitlines()


def guarded(env: dict) -> dict:
    """``env`` with the network guard first on PYTHONPATH (when the session has one)."""
    log = os.environ.get(NETWORK_LOG_VARIABLE)
    if log:
        env[NETWORK_LOG_VARIABLE] = log
        paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(GUARD_DIR)]
        env["PYTHONPATH"] = os.pathsep.join([str(GUARD_DIR), *paths])
    return env


@dataclass
class Result:
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")


def run(command: list[str], args: list[str], env: dict, cwd: Path | None = None, stdin: bytes | None = None, timeout: float = 120) -> Result:
    proc = subprocess.run(
        [*command, *args],
        env=env,
        cwd=cwd,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def run_awsml(args: list[str], env: dict, **kwargs) -> Result:
    return run(awsml_command(), args, env, **kwargs)


def run_aws(args: list[str], env: dict, cwd: Path | None = None, stdin: bytes | None = None, timeout: float = 120) -> Result:
    """The real aws v1 on ``args``: through the fork server when it can reproduce the run
    exactly (see tests.aws_forkserver), else as a new process."""
    from tests import aws_forkserver, oracle_model

    env = oracle_model.for_aws(env)
    if aws_forkserver.can_fork(env, stdin):
        server = aws_forkserver.server(aws_command()[0])
        return Result(*server.run(args, env, cwd, stdin, timeout))
    return run(aws_command(), args, env, cwd=cwd, stdin=stdin, timeout=timeout)


def run_aws_process(args: list[str], env: dict, **kwargs) -> Result:
    """The real aws v1 on ``args``, always as a new process."""
    from tests import oracle_model

    return run(aws_command(), args, oracle_model.for_aws(env), **kwargs)


# What stands above aws v1's usage errors: a notice about aws v2 (after a bare
# "usage: " and a carriage return), then the usage block. awsml prints its own usage
# block (a listed difference); everything else on stderr must be byte for byte aws's.
AWS_V2_NOTICE = (
    b"usage: \rNote: AWS CLI version 2, the latest major version of the AWS CLI, is now stable and "
    b"recommended for general use. For more information, see the AWS CLI version 2 installation "
    b"instructions at: https://docs.aws.amazon.com/cli/latest/userguide/install-cliv2.html\n\n"
)
AWS_USAGE = (
    b"usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    b"To see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n"
)
USAGE_MARK = b"<usage block>\n"


def _awsml_usage() -> bytes:
    from awsml_cli.errors import USAGE

    return b"usage: " + USAGE.encode()


def error_text(stderr: bytes) -> bytes:
    """stderr as it must match aws's byte for byte: all of it, with each program's
    usage block (and aws's notice about aws v2 above it) written as one mark."""
    for block in (AWS_V2_NOTICE + AWS_USAGE, AWS_USAGE, _awsml_usage()):
        if stderr.startswith(block):
            return USAGE_MARK + stderr[len(block):]
    return stderr


def system_tool(name: str) -> str:
    """The path of a system program some tests need (bash, zsh, fish, groff: Debian
    packages that .ci/run installs). Without it the test skips and says so, except
    when ``AWSML_TESTS_REQUIRE_TOOLS=1`` (set by .ci/run): there a missing tool fails."""
    import shutil

    import pytest

    path = shutil.which(name)
    if path:
        return path
    reason = f"{name} is not installed (apt-get install {name}; .ci/run installs it)"
    if os.environ.get("AWSML_TESTS_REQUIRE_TOOLS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)
