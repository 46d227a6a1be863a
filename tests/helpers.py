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

# awsml's per-user cache (fastdata, regex_cache) for every run of this test process:
# filled by the first run, as a user's is, so the runs after it are warm like a user's
# second run. The cold cache has its own tests (tests/unit/test_fastdata.py), which
# give XDG_CACHE_HOME=None to leave it out.
TEST_CACHE_HOME = tempfile.mkdtemp(prefix="awsml-tests-cache-")
atexit.register(shutil.rmtree, TEST_CACHE_HOME, True)

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


def error_text(stderr: bytes) -> bytes:
    """The part of stderr that carries the error, which must match aws byte for byte.

    The usage block above argparse-style errors names the program and differs
    on purpose (awsml prints its own); everything from the ``aws: error:`` or
    ``Unknown options:`` line on must be identical, and so must any other stderr.
    """
    for marker in (b"aws: error:", b"Unknown options:"):
        position = stderr.find(marker)
        if position >= 0:
            return stderr[position:]
    return stderr
