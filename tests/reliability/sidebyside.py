"""Run ``aws`` and ``awsml`` side by side against the same server script, and compare.

Each program gets its own fresh :class:`ScriptedServer` built from the same script
factory (a sequence such as "503, then 200" starts over for each program), its own
clean environment (``tests.helpers.clean_env``: fake credentials, no IMDS, empty HOME)
and the same argv.  The two runs go in parallel: most of a retry test's time is
back-off sleep, so running them side by side halves the wall time.

What is compared: stdout bytes, the exit code, the error text of stderr (with the
server's URL/port written as ``{url}``) and the number of attempts the server saw.

Attempts are counted where they can be observed:

* ``requests``: HTTP requests the server read (the usual case);
* ``connections``: TCP connections it accepted (TLS failures never get to a request);
* ``debug``: for a listener that never accepts and a closed port nothing reaches a
  server, so the run is made with ``--debug`` and the attempts are the
  ``Starting new HTTP(S) connection`` lines of urllib3; the error text is what follows
  the ``Exiting with rc 255`` line, which both programs log last.
"""

from __future__ import annotations

import concurrent.futures
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tests import comparisons, helpers
from tests.servers.scripted import ScriptedServer, UnacceptingListener, closed_url

PROGRAMS = ("aws", "awsml")
DTJ = ["sagemaker", "describe-training-job"]

# The same (fake) secrets in every run, so that tests can look for them in the output.
FAKE_SECRETS = (helpers.FAKE_SECRET_KEY, helpers.FAKE_SESSION_TOKEN)


@dataclass
class Fault:
    """One case of the fault matrix.

    ``script`` builds a fresh server script per program (None for ``endpoint`` cases);
    ``args`` may use ``{url}`` (the endpoint) and ``{tmp}`` (the run's scratch dir);
    ``endpoint`` is ``"server"`` (a ScriptedServer), ``"tls"`` (the same over HTTPS
    with a throw-away CA that the client does NOT trust unless ``args`` say so),
    ``"unaccepting"`` (a listener that never accepts) or ``"closed"`` (a closed port).
    """

    id: str
    script: Callable[[], Any] | None
    args: list[str] = field(default_factory=list)
    env: dict = field(default_factory=dict)
    endpoint: str = "server"
    count: str = "requests"  # requests | connections | debug
    attempts: int | None = None  # what aws v1 makes, when the case pins it down
    rc: int | None = None
    config: str | None = None
    credentials: str | None = None
    # A server TLS context other than the shared one (a wrong host name, an expired cert).
    ssl_context: Any = None
    # Use this scheme in {url} whatever the server speaks (https:// to a plain HTTP server).
    scheme: str | None = None
    # Where aws v1 crashes with a traceback, awsml reports an error instead: its exit code
    # and error text (normalised as in Run.error).  The test then checks that aws really
    # crashes (a documented difference) and that awsml says exactly this.
    better: tuple[int, bytes] | None = None

    def __str__(self) -> str:
        return self.id


@dataclass
class Run:
    program: str
    result: helpers.Result
    attempts: int
    url: str
    seconds: float
    # The amz-sdk-request header of each attempt without its ttl: "attempt=2; max=3".
    retry_headers: list = field(default_factory=list)
    # The access key id each request was signed with (None: unsigned).
    signers: list = field(default_factory=list)

    scratch: Path | None = None

    @property
    def stdout(self) -> bytes:
        return normalise(self.result.stdout, self.url, self.scratch)

    @property
    def error(self) -> bytes:
        stderr = self.result.stderr
        marker = b" - Exiting with rc 255\n"
        if marker in stderr:
            stderr = stderr[stderr.rindex(marker) + len(marker):]
        return normalise(helpers.error_text(stderr), self.url, self.scratch)


def normalise(data: bytes, url: str, scratch: Path | None = None) -> bytes:
    """Each program has its own server and scratch directory: write them as {host} and {tmp}."""
    hostport = url.split("://", 1)[-1].rstrip("/")
    data = data.replace(hostport.encode(), b"{host}")
    if scratch is not None:
        data = data.replace(str(scratch).encode(), b"{tmp}")
    return data


_CONNECTION_LINE = re.compile(rb"Starting new HTTPS? connection \(\d+\)")


def run_one(program: str, fault: Fault, tmp: Path, tls=None) -> Run:
    """Run one program against a fresh endpoint made for ``fault``."""
    home = tmp / program / "home"
    env = helpers.clean_env(home)
    for key, value in fault.env.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value.replace("{tmp}", str(tmp / program))
    env = helpers.guarded(env)
    if fault.config is not None:
        Path(env["AWS_CONFIG_FILE"]).write_text(fault.config.replace("{tmp}", str(tmp / program)))
    if fault.credentials is not None:
        Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(fault.credentials)
    run = helpers.run_aws if program == "aws" else helpers.run_awsml
    debug = ["--debug"] if fault.count == "debug" else []

    def call(url: str) -> tuple[helpers.Result, float]:
        if fault.scheme:
            url = fault.scheme + "://" + url.split("://", 1)[1]
        args = [a.replace("{url}", url).replace("{tmp}", str(tmp / program)) for a in fault.args]
        # The endpoint may be named in the environment too (AWS_ENDPOINT_URL_STS={url}).
        run_env = {key: value.replace("{url}", url) for key, value in env.items()}
        started = time.monotonic()
        result = run([*args, *debug], run_env, cwd=home)
        return result, time.monotonic() - started

    if fault.endpoint == "unaccepting":
        with UnacceptingListener() as listener:
            result, seconds = call(listener.url)
            url = listener.url
    elif fault.endpoint == "closed":
        url = closed_url()
        result, seconds = call(url)
    else:
        context = fault.ssl_context
        if context is None and fault.endpoint == "tls":
            context = tls.server_context
        with ScriptedServer(fault.script(), ssl_context=context) as server:
            url = server.url
            result, seconds = call(url)
            counted = {"requests": server.request_count, "connections": server.connection_count}
            retry_headers = [_without_ttl(r.header("amz-sdk-request", "")) for r in server.requests]
            signers = [_signer(r.header("Authorization")) for r in server.requests]
    if fault.count == "debug":
        attempts = len(_CONNECTION_LINE.findall(result.stderr))
        retry_headers, signers = [], []
    else:
        attempts = counted[fault.count]
    return Run(program, result, attempts, url, seconds, retry_headers, signers, tmp / program)


def _signer(authorization: str | None) -> str | None:
    match = re.search(r"Credential=([^/]+)/", authorization or "")
    return match.group(1) if match else None


def _without_ttl(header: str) -> str:
    # ttl is the clock time + the read timeout; everything else must match.
    return "; ".join(part for part in header.split("; ") if not part.startswith("ttl="))


def run_both(fault: Fault, tmp: Path, tls=None) -> dict[str, Run]:
    """aws and awsml in parallel, each against its own endpoint."""
    with concurrent.futures.ThreadPoolExecutor(len(PROGRAMS)) as pool:
        futures = {p: pool.submit(run_one, p, fault, tmp, tls) for p in PROGRAMS}
        return {p: f.result() for p, f in futures.items()}


def differences(fault: Fault, runs: dict[str, Run]) -> list[str]:
    """Everything in which awsml differs from aws (or from what the case pins down)."""
    aws, awsml = runs["aws"], runs["awsml"]
    problems = []
    if fault.better is not None:
        if b"Traceback (most recent call last)" not in aws.result.stderr:
            problems.append(f"aws no longer crashes here; compare instead:\n{aws.result.err}")
        if (awsml.result.returncode, awsml.error) != fault.better:
            problems.append(f"awsml: {awsml.result.returncode} {awsml.error!r}, expected {fault.better}")
        if b"Traceback" in awsml.result.stderr:
            problems.append(f"awsml printed a traceback:\n{awsml.result.err}")
        return problems
    if awsml.stdout != aws.stdout:
        problems.append(f"stdout differs:\n--- aws\n{aws.stdout!r}\n--- awsml\n{awsml.stdout!r}")
    if awsml.result.returncode != aws.result.returncode:
        problems.append(f"exit code: aws {aws.result.returncode}, awsml {awsml.result.returncode}")
    if awsml.error != aws.error:
        problems.append(f"error text differs:\n--- aws\n{aws.error!r}\n--- awsml\n{awsml.error!r}")
    if awsml.attempts != aws.attempts:
        problems.append(f"attempts: aws {aws.attempts}, awsml {awsml.attempts}")
    elif awsml.retry_headers != aws.retry_headers:
        problems.append(f"amz-sdk-request headers: aws {aws.retry_headers}, awsml {awsml.retry_headers}")
    elif awsml.signers != aws.signers:
        problems.append(f"requests signed with: aws {aws.signers}, awsml {awsml.signers}")
    if fault.attempts is not None and aws.attempts != fault.attempts:
        problems.append(f"aws made {aws.attempts} attempts, the case expects {fault.attempts}")
    if fault.rc is not None and aws.result.returncode != fault.rc:
        problems.append(f"aws exited {aws.result.returncode}, the case expects {fault.rc}")
    # With --debug the log holds the traceback on purpose ("Exception caught in main()").
    if fault.count != "debug" and b"Traceback" in awsml.result.stderr:
        problems.append(f"awsml printed a traceback:\n{awsml.result.err}")
    comparisons.record(not problems)
    return problems


def assert_same(fault: Fault, runs: dict[str, Run]) -> None:
    problems = differences(fault, runs)
    assert not problems, f"[{fault.id}] " + "\n".join(problems)
