"""The fault matrix: every failure a CI pipeline meets, in each retry mode.

Each fault runs in up to five retry settings:

* ``legacy3``: aws v1's default (legacy) mode with ``AWS_MAX_ATTEMPTS=3``;
* ``standard``: ``AWS_RETRY_MODE=standard`` with its default of 3 attempts;
* ``adaptive``: ``AWS_RETRY_MODE=adaptive`` (standard's rules, client-side rate limiting);
* ``new2026``: ``AWS_NEW_RETRIES_2026=true`` and no mode: aws 1.46 then defaults to the
  standard mode with its 2026 rules (other back-off and retry costs, same retry decisions);
* ``legacy``: legacy mode with its default of 5 attempts and real back-off (up to
  1+2+4+8 s), for a representative subset (:data:`FULL_DEFAULT_SUBSET`).

botocore 1.44 changed the standard mode (its own default, a 429 retried by status
alone, ``max=`` in the first ``amz-sdk-request`` header); these cases hold awsml to aws
v1's rules on every botocore.

``python -m tests.reliability.faults`` runs the whole matrix (in parallel) and prints
a table: case, attempts aws/awsml, identical?  The tests in ``test_fault_matrix.py``
run the same cases one by one.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import sys
import tempfile
import time
from pathlib import Path

from tests.reliability.sidebyside import DTJ, Fault, differences, run_both
from tests.servers.scripted import (
    CloseWithoutResponse,
    Raw,
    Reset,
    Response,
    Stall,
    TruncatedBody,
    aws_error,
    json_response,
    make_tls,
)

CALL = [*DTJ, "--training-job-name", "job-x", "--endpoint-url", "{url}"]
OK_BODY = {"TrainingJobName": "job-x", "TrainingJobStatus": "Completed"}

HTML = b"<html><head><title>Bad Gateway</title></head><body><h1>upstream failed</h1></body></html>"
# A JSON error code per status, as a load balancer or SageMaker's front end might send.
JSON_CODES = {500: "InternalFailure", 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout"}

MODES = {
    "legacy3": {"AWS_MAX_ATTEMPTS": "3"},
    "standard": {"AWS_RETRY_MODE": "standard"},
    "adaptive": {"AWS_RETRY_MODE": "adaptive"},
    "new2026": {"AWS_NEW_RETRIES_2026": "true"},
    "legacy": {},
}
# Attempts aws v1 makes in each mode for a fault that mode retries.
MODE_ATTEMPTS = {"legacy3": 3, "standard": 3, "adaptive": 3, "new2026": 3, "legacy": 5}
# Which rules decide what is retried in each mode.
MODE_FAMILY = {"legacy3": "legacy", "standard": "standard", "adaptive": "standard", "new2026": "standard",
               "legacy": "legacy"}
# The modes every case runs in; ``legacy`` (real 5-attempt back-off) runs a subset.
MATRIX_MODES = ("legacy3", "standard", "adaptive", "new2026")

# Throttling and transient error codes (HTTP 400) and the modes that retry them:
# legacy retries five throttling codes, standard mode a longer list plus transient codes.
LEGACY_THROTTLES = (
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "ProvisionedThroughputExceededException",
)
STANDARD_ONLY = (
    "TooManyRequestsException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
)

BOTH = frozenset({"legacy", "standard"})


def _status(status: int, body: str):
    if body == "json":
        return lambda: aws_error(JSON_CODES[status], f"{status} from the service", status=status)
    if body == "empty":
        return lambda: Response(status, b"")
    return lambda: Response(status, HTML, headers={"Content-Type": "text/html"})


# (id, script factory, extra args, endpoint, count, modes that retry it)
RETRYABLE: list[tuple] = []
for _status_code in (500, 502, 503, 504):
    for _body in ("json", "empty", "html"):
        RETRYABLE.append((f"http-{_status_code}-{_body}", _status(_status_code, _body), [], "server", "requests", BOTH))
RETRYABLE += [
    ("http-500-garbage", lambda: Response(500, b"garbage", headers={"Content-Type": "text/plain"}), [], "server", "requests", BOTH),
    ("http-500-validation-code", lambda: aws_error("ValidationException", "v", status=500), [], "server", "requests", BOTH),
    ("http-509-empty", lambda: Response(509, b""), [], "server", "requests", frozenset({"legacy"})),
    ("http-429-json", lambda: aws_error("TooManyRequestsException", "slow down", status=429), [], "server", "requests", BOTH),
    ("http-429-empty", lambda: Response(429, b""), [], "server", "requests", frozenset({"legacy"})),
]
for _code in LEGACY_THROTTLES:
    RETRYABLE.append((f"throttle-{_code}", (lambda c=_code: aws_error(c, "Rate exceeded")), [], "server", "requests", BOTH))
for _code in STANDARD_ONLY:
    RETRYABLE.append(
        (f"throttle-{_code}", (lambda c=_code: aws_error(c, "Rate exceeded")), [], "server", "requests", frozenset({"standard"}))
    )
RETRYABLE += [
    ("conn-closed-before-response", CloseWithoutResponse, [], "server", "requests", BOTH),
    ("conn-reset", Reset, [], "server", "requests", BOTH),
    ("conn-truncated-200-body", TruncatedBody, [], "server", "requests", BOTH),
    ("conn-garbage-status-line", lambda: Raw(b"NOT-HTTP garbage\r\n\r\n"), [], "server", "requests", BOTH),
    ("timeout-read-stall", lambda: Stall(30), ["--cli-read-timeout", "1"], "server", "requests", BOTH),
    ("timeout-connect-unaccepting", None, ["--cli-connect-timeout", "1"], "unaccepting", "debug", BOTH),
    ("conn-refused-closed-port", None, [], "closed", "debug", BOTH),
    ("tls-untrusted-certificate", lambda: json_response(OK_BODY), [], "tls", "connections", BOTH),
]

# One attempt in every mode: client errors and 200 responses that are not a job description.
SINGLE: list[tuple] = [
    ("http-400-validation", lambda: aws_error("ValidationException", "Requested resource not found."), []),
    ("http-400-nonjson-text", lambda: Response(400, b"not json", headers={"Content-Type": "text/plain"}), []),
    ("http-400-html", lambda: Response(400, b"<html>oops</html>", headers={"Content-Type": "text/html"}), []),
    ("http-404-nonjson", lambda: Response(404, b"not json"), []),
    ("http-403-empty", lambda: Response(403, b""), []),
    ("http-400-no-type", lambda: Response(400, {"Message": "no type"}), []),
    ("http-400-json-list", lambda: Response(400, [1, 2]), []),
    ("http-301-empty", lambda: Response(301, b""), []),
    ("body-200-nonjson", lambda: json_response(b"this is not json"), []),
    ("body-200-nonjson-text-output", lambda: json_response(b"this is not json"), ["--output", "text"]),
    ("body-200-nonjson-query", lambda: json_response(b"<html>"), ["--query", "TrainingJobName"]),
    ("body-200-empty", lambda: json_response(b""), []),
    ("body-200-truncated-json", lambda: json_response(b'{"TrainingJobName": "x"'), []),
    ("body-200-json-list", lambda: json_response([1, 2]), []),
    ("body-200-json-list-table", lambda: json_response([{"a": 1}]), ["--output", "table"]),
    ("body-200-json-string", lambda: json_response("a string"), []),
    ("body-200-json-number", lambda: json_response(b"42"), []),
    ("body-200-json-null", lambda: json_response(b"null"), []),
    ("body-200-wrong-types", lambda: json_response({"TrainingJobName": 5, "HyperParameters": []}), []),
]

# A failure, then success: the retry must be invisible apart from the time it took.
RECOVERY: list[tuple] = [
    ("recover-503-then-200", lambda: [Response(503, b""), json_response(OK_BODY)], []),
    ("recover-throttle-then-200", lambda: [aws_error("ThrottlingException", "Rate exceeded"), json_response(OK_BODY)], []),
    ("recover-reset-then-200", lambda: [Reset(), json_response(OK_BODY)], []),
    ("recover-closed-then-200", lambda: [CloseWithoutResponse(), json_response(OK_BODY)], []),
    ("recover-stall-then-200", lambda: [Stall(30), json_response(OK_BODY)], ["--cli-read-timeout", "1"]),
]

# Faults also run with legacy mode's full default of 5 attempts and real back-off.
FULL_DEFAULT_SUBSET = (
    "http-500-json",
    "http-503-empty",
    "throttle-ThrottlingException",
    "conn-closed-before-response",
    "timeout-read-stall",
    "conn-refused-closed-port",
    "tls-untrusted-certificate",
)


def _fault(name, script, extra, endpoint, count, mode, attempts) -> Fault:
    return Fault(
        id=f"{name}[{mode}]",
        script=script,
        args=[*CALL, *extra],
        env=dict(MODES[mode]),
        endpoint=endpoint,
        count=count,
        attempts=attempts,
    )


def matrix() -> list[Fault]:
    """Every case of the matrix, fast ones first."""
    cases = []
    for name, script, extra in SINGLE:
        for mode in MATRIX_MODES:
            cases.append(_fault(name, script, extra, "server", "requests", mode, 1))
    for name, script, extra in RECOVERY:
        for mode in MATRIX_MODES:
            cases.append(_fault(name, script, extra, "server", "requests", mode, 2))
    for name, script, extra, endpoint, count, retried_in in RETRYABLE:
        for mode in MATRIX_MODES:
            attempts = MODE_ATTEMPTS[mode] if MODE_FAMILY[mode] in retried_in else 1
            cases.append(_fault(name, script, extra, endpoint, count, mode, attempts))
    for name, script, extra, endpoint, count, retried_in in RETRYABLE:
        if name in FULL_DEFAULT_SUBSET:
            cases.append(_fault(name, script, extra, endpoint, count, "legacy", MODE_ATTEMPTS["legacy"]))
    return cases


def needs_tls(fault: Fault) -> bool:
    return fault.endpoint == "tls"


def _run_table(workers: int, only: str | None) -> int:
    cases = [c for c in matrix() if only is None or only in c.id]
    rows = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        tls = make_tls(scratch)

        def one(index_and_case):
            index, case = index_and_case
            tmp = Path(scratch) / f"case{index}"
            tmp.mkdir()
            runs = run_both(case, tmp, tls)
            return case, runs, differences(case, runs)

        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            for case, runs, problems in pool.map(one, enumerate(cases)):
                rows.append((case, runs, problems))
                print(f"{case.id}: {'identical' if not problems else 'DIFFERENT'}", file=sys.stderr, flush=True)
    print("| case | attempts aws / awsml | exit code aws / awsml | identical? |")
    print("|---|---|---|---|")
    for case, runs, problems in rows:
        aws, awsml = runs["aws"], runs["awsml"]
        print(
            f"| {case.id} | {aws.attempts} / {awsml.attempts} | {aws.result.returncode} / {awsml.result.returncode} "
            f"| {'yes' if not problems else 'NO: ' + problems[0].splitlines()[0]} |"
        )
    same = sum(1 for _, _, problems in rows if not problems)
    print(f"\n{same}/{len(rows)} identical; {time.monotonic() - started:.0f} s with {workers} workers")
    return 0 if same == len(rows) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.faults", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8, help="cases run at once (each runs aws and awsml)")
    parser.add_argument("--only", help="run only the cases whose id contains this text")
    options = parser.parse_args()
    sys.exit(_run_table(options.workers, options.only))
