"""aws v1's retry rules and body check, held against aws's own copy of botocore.

The fault matrix (tests/reliability) compares what both programs do over HTTP: attempts,
errors, exit codes. What it cannot see in a bounded time is the back-off and the retry
quota. Here the standard-mode handler awsml builds and the one aws's own botocore builds
are fed the same failures, with the same "random" number, in two fresh interpreters (one
with awscli imported, whose botocore then answers ``import botocore``), and must agree
on every decision, delay and quota cost, with and without ``AWS_NEW_RETRIES_2026``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests import helpers

# Feeds a list of failures to a standard-mode handler and prints what it decided.
_SCRIPT = r"""
import json, sys
side = sys.argv[1]
if side == "aws":
    import awscli  # from now on, "botocore" is aws's own copy
import botocore, botocore.session
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError

class Events:
    def register(self, *args, **kwargs):
        pass

class Meta:
    def __init__(self, model):
        self.service_model = model
        self.events = Events()

class FakeClient:
    def __init__(self, model):
        self.meta = Meta(model)

model = botocore.session.Session().get_service_model("sagemaker")
operation = model.operation_model("DescribeTrainingJob")
if side == "aws":
    from botocore.retries import standard
    handler = standard.register_retry_handler(FakeClient(model))
else:
    from awsml_cli.aws import v1_rules as aws_v1_rules
    from awsml_cli.aws.v1_rules import new_retries_enabled
    handler, _ = aws_v1_rules._standard_handler("sagemaker", None, new_retries_enabled())
handler._retry_policy._retry_backoff._random = lambda: 0.5

class Raw:
    def stream(self, **kwargs):
        yield b""

def outcome(status, code, exception, attempts, headers=None):
    response = None
    if status is not None:
        http = AWSResponse("https://example.invalid/", status, headers or {}, Raw())
        parsed = {"ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}}}
        if code is not None:
            parsed["Error"] = {"Code": code, "Message": "m"}
        response = (http, parsed)
    caught = None
    if exception == "closed":
        caught = ConnectionClosedError(endpoint_url="https://example.invalid/")
    elif exception == "read-timeout":
        caught = ReadTimeoutError(endpoint_url="https://example.invalid/")
    elif exception == "connect-timeout":
        caught = ConnectTimeoutError(endpoint_url="https://example.invalid/")
    elif exception == "refused":
        caught = EndpointConnectionError(endpoint_url="https://example.invalid/")
    request_dict = {"context": {}}
    delay = handler.needs_retry(response=response, attempts=attempts, operation=operation,
                                caught_exception=caught, request_dict=request_dict)
    return [delay, request_dict["context"].get("retry_quota_capacity")]

cases = json.loads(sys.argv[2])
print(json.dumps([outcome(*case) for case in cases]))
"""

# (status, error code, exception, attempt number, headers)
CASES = [
    [500, None, None, 1, None],
    [503, "ServiceUnavailable", None, 2, None],
    [502, None, None, 3, None],
    [429, None, None, 1, None],  # botocore 1.44 retries this; aws v1 does not
    [429, "TooManyRequestsException", None, 1, None],
    [400, "ThrottlingException", None, 1, None],
    [400, "ThrottlingException", None, 2, None],
    [400, "RequestTimeout", None, 1, None],
    [400, "ValidationException", None, 1, None],
    [400, "ResourceLimitExceeded", None, 1, None],
    [503, None, None, 1, {"x-amz-retry-after": "3000"}],
    [509, None, None, 1, None],
    [None, None, "closed", 1, None],
    [None, None, "read-timeout", 2, None],
    [None, None, "connect-timeout", 1, None],
    [None, None, "refused", 1, None],
    [200, None, None, 1, None],
]


def _decisions(side: str, env: dict) -> list:
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, side, json.dumps(CASES)], env=env, capture_output=True,
                          text=True, timeout=120, cwd=helpers.REPO)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("new_retries", [None, "true", "false"])
def test_standard_rules_are_aws_v1s(new_retries, tmp_path):
    env = helpers.clean_env(tmp_path / "home", PYTHONPATH=str(helpers.REPO))
    if new_retries is not None:
        env["AWS_NEW_RETRIES_2026"] = new_retries
    aws = _decisions("aws", env)
    ours = _decisions("awsml", env)
    assert ours == aws
    # The cases tell the rule sets apart: 2026 rules scale the delay by error kind.
    delays = [delay for delay, _ in aws]
    assert delays[3] is None and delays[8] is None and delays[-1] is None
    if new_retries == "true":
        assert delays[0] == pytest.approx(0.025) and delays[5] == pytest.approx(0.5)
        assert delays[10] == pytest.approx(3.0)  # x-amz-retry-after
    else:
        assert delays[0] == pytest.approx(0.5) and delays[10] == pytest.approx(0.5)


def test_defaults(monkeypatch):
    from awsml_cli.aws import v1_rules as aws_v1_rules

    assert aws_v1_rules.default_retry_mode({}) == "legacy"
    assert aws_v1_rules.default_retry_mode({"AWS_NEW_RETRIES_2026": "True"}) == "standard"
    assert aws_v1_rules.default_retry_mode({"AWS_NEW_RETRIES_2026": "yes"}) == "legacy"
    assert aws_v1_rules.default_retry_mode({"AWS_NEW_RETRIES_2026": ""}) == "legacy"
