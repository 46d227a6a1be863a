"""AWS_MAX_ATTEMPTS / AWS_RETRY_MODE and their config-file twins, valid and invalid, as aws v1.

Each case runs both programs against a server that keeps failing (or fails once), and
compares the attempts the server saw as well as stdout, exit code and error text.
Invalid values must fail before any request is sent, with aws v1's message.
"""

from __future__ import annotations

import pytest

from tests.reliability.faults import CALL, OK_BODY
from tests.reliability.sidebyside import Fault, assert_same, run_both
from tests.servers.scripted import Response, aws_error, json_response

pytestmark = pytest.mark.conformance


def too_many_requests():
    # A 429 with no error code: botocore 1.44 retries it in standard mode, aws v1 does not.
    return Response(429, b"")


def unavailable():
    return Response(503, b"")


def bandwidth_509():
    # 509 is retried by legacy mode only: which mode is in force shows in the attempts.
    return Response(509, b"")


def throttled():
    return aws_error("ThrottlingException", "Rate exceeded")


def ok():
    return json_response(OK_BODY)


def case(id, script, attempts, env=None, config=None, args=(), rc=255):
    return Fault(id=id, script=script, args=[*CALL, *args], env=env or {}, config=config, attempts=attempts, rc=rc)


VALID = [
    case("max-1-legacy", unavailable, 1, {"AWS_MAX_ATTEMPTS": "1"}),
    case("max-1-standard", unavailable, 1, {"AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"}),
    case("max-1-throttled", throttled, 1, {"AWS_MAX_ATTEMPTS": "1"}),
    case("max-2-legacy", unavailable, 2, {"AWS_MAX_ATTEMPTS": "2"}),
    case("max-2-standard", throttled, 2, {"AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "standard"}),
    case("max-4-standard", unavailable, 4, {"AWS_MAX_ATTEMPTS": "4", "AWS_RETRY_MODE": "standard"}),
    case("max-2-adaptive", unavailable, 2, {"AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "adaptive"}),
    case("adaptive-default", throttled, 3, {"AWS_RETRY_MODE": "adaptive"}),
    case("legacy-explicit", bandwidth_509, 2, {"AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "legacy"}),
    case("standard-does-not-retry-509", bandwidth_509, 1, {"AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "standard"}),
    case("config-max-attempts", unavailable, 2, config="[default]\nmax_attempts = 2\n"),
    case("config-retry-mode", bandwidth_509, 1, config="[default]\nretry_mode = standard\nmax_attempts = 2\n"),
    case("env-max-beats-config", unavailable, 3, {"AWS_MAX_ATTEMPTS": "3"}, config="[default]\nmax_attempts = 2\n"),
    case(
        "env-mode-beats-config",
        bandwidth_509,
        2,
        {"AWS_RETRY_MODE": "legacy"},
        config="[default]\nretry_mode = standard\nmax_attempts = 2\n",
    ),
    case(
        "profile-max-attempts",
        unavailable,
        2,
        config="[profile ci]\nmax_attempts = 2\nregion = eu-west-1\naws_access_key_id = AKIDCI\naws_secret_access_key = ci-secret\n",
        args=["--profile", "ci"],
    ),
    case("max-2-recovers", lambda: [unavailable(), ok()], 2, {"AWS_MAX_ATTEMPTS": "2"}, rc=0),
    # aws 1.46 reads AWS_NEW_RETRIES_2026 (``true`` in any case turns it on): the default
    # mode becomes standard; an explicit mode or max still wins.
    case("new-retries-default-standard", bandwidth_509, 1, {"AWS_NEW_RETRIES_2026": "true"}),
    case("new-retries-upper-case", bandwidth_509, 1, {"AWS_NEW_RETRIES_2026": "TRUE"}),
    case("new-retries-false", bandwidth_509, 2, {"AWS_NEW_RETRIES_2026": "false", "AWS_MAX_ATTEMPTS": "2"}),
    case("new-retries-one-is-not-true", bandwidth_509, 2, {"AWS_NEW_RETRIES_2026": "1", "AWS_MAX_ATTEMPTS": "2"}),
    case("new-retries-explicit-legacy", bandwidth_509, 2,
         {"AWS_NEW_RETRIES_2026": "true", "AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "2"}),
    case("new-retries-config-legacy", bandwidth_509, 2, {"AWS_NEW_RETRIES_2026": "true"},
         config="[default]\nretry_mode = legacy\nmax_attempts = 2\n"),
    case("new-retries-max-4", unavailable, 4, {"AWS_NEW_RETRIES_2026": "true", "AWS_MAX_ATTEMPTS": "4"}),
    case("new-retries-throttled", throttled, 3, {"AWS_NEW_RETRIES_2026": "true"}),
    case("new-retries-429-not-retried", too_many_requests, 1, {"AWS_NEW_RETRIES_2026": "true"}),
    case("standard-429-not-retried", too_many_requests, 1, {"AWS_RETRY_MODE": "standard"}),
    case("adaptive-429-not-retried", too_many_requests, 1, {"AWS_RETRY_MODE": "adaptive"}),
    case("new-retries-recovers", lambda: [unavailable(), ok()], 2, {"AWS_NEW_RETRIES_2026": "true"}, rc=0),
    case("max-1-no-recovery", lambda: [unavailable(), ok()], 1, {"AWS_MAX_ATTEMPTS": "1"}),
]

INVALID = [
    case("max-zero", unavailable, 0, {"AWS_MAX_ATTEMPTS": "0"}),
    case("max-negative", unavailable, 0, {"AWS_MAX_ATTEMPTS": "-1"}),
    case("max-word", unavailable, 0, {"AWS_MAX_ATTEMPTS": "abc"}),
    case("max-float", unavailable, 0, {"AWS_MAX_ATTEMPTS": "1.5"}),
    case("max-huge-negative", unavailable, 0, {"AWS_MAX_ATTEMPTS": "-99999999999999999999"}),
    case("mode-bogus", unavailable, 0, {"AWS_RETRY_MODE": "bogus"}),
    case("mode-capitalised", unavailable, 0, {"AWS_RETRY_MODE": "Standard"}),
    case("config-max-word", unavailable, 0, config="[default]\nmax_attempts = many\n"),
    case("config-mode-bogus", unavailable, 0, config="[default]\nretry_mode = sometimes\n"),
]

# Values that botocore reads in its own way: whatever aws does, awsml must do.
ODD = [
    case("max-empty", unavailable, None, {"AWS_MAX_ATTEMPTS": "", "AWS_RETRY_MODE": "standard"}, rc=None),
    case("max-spaces", unavailable, None, {"AWS_MAX_ATTEMPTS": " 2 "}, rc=None),
    case("mode-empty", unavailable, None, {"AWS_RETRY_MODE": "", "AWS_MAX_ATTEMPTS": "2"}, rc=None),
]


def _params(cases):
    return [pytest.param(c, id=c.id, marks=[pytest.mark.slow] if (c.attempts or 0) > 1 else []) for c in cases]


@pytest.mark.parametrize("fault", _params(VALID))
def test_valid_retry_settings(fault, tmp_path):
    assert_same(fault, run_both(fault, tmp_path))


@pytest.mark.parametrize("fault", _params(INVALID))
def test_invalid_retry_settings_fail_before_any_request(fault, tmp_path):
    runs = run_both(fault, tmp_path)
    assert_same(fault, runs)
    assert runs["awsml"].result.stdout == b""


@pytest.mark.parametrize("fault", _params(ODD))
def test_odd_retry_settings(fault, tmp_path):
    assert_same(fault, run_both(fault, tmp_path))
