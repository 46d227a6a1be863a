"""``cli_history = enabled``: awsml records its runs in aws v1's history database, as aws v1 does.

Each command line runs once under aws and once under awsml, each with its own HOME and
``cli_history = enabled``; then both databases are read back and compared row by row:
the same events in the same order, from the same source, with the same payloads (once
what differs by nature is set aside: times, ids, signatures, the program's name in its
user agent). And ``aws history list`` / ``aws history show`` read awsml's records.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests import comparisons, helpers

pytestmark = pytest.mark.conformance

DTJ = ["sagemaker", "describe-training-job"]
HISTORY_CONFIG = "[default]\ncli_history = enabled\n"

CASES = {
    "success": [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{moto}"],
    "service-error": [*DTJ, "--training-job-name", "no-such-job", "--endpoint-url", "{moto}"],
    "query-and-output": [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{moto}", "--query",
                         "ResourceConfig", "--output", "text"],
    "connection-refused": [*DTJ, "--training-job-name", "x", "--endpoint-url", "http://127.0.0.1:9",
                           "--cli-connect-timeout", "1"],
    "missing-required": DTJ,
    "unknown-option": [*DTJ, "--training-job-name", "x", "--bogus"],
    "skeleton": [*DTJ, "--generate-cli-skeleton"],
    "help": [*DTJ, "help"],
    "bad-query": [*DTJ, "--training-job-name", "x", "--query", "a["],
    "bad-output-choice": ["--output", "bogus", *DTJ, "--training-job-name", "x"],
    "typo-operation": ["sagemaker", "describe-training-jb"],
    "missing-profile": [*DTJ, "--training-job-name", "x", "--profile", "nosuch"],
    "no-region": [*DTJ, "--training-job-name", "x", "--endpoint-url", "{moto}", "--region", ""],
}

_VARYING_HEADERS = {"user-agent", "x-amz-date", "authorization", "amz-sdk-invocation-id", "amz-sdk-request",
                    "x-amzn-requestid", "date", "x-amz-crc32"}


def records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT id, request_id, source, event_type, timestamp, payload FROM records ORDER BY rowid").fetchall()
    finally:
        connection.close()
    return [dict(zip(("id", "request_id", "source", "event_type", "timestamp", "payload"), row)) for row in rows]


def _normal_payload(event_type: str, payload):
    if event_type == "CLI_VERSION":
        # Each program names itself and the botocore it runs on (aws 1.46 carries its own).
        return re.sub(r"botocore/\S+", "botocore/<version>", re.sub(r"^(aws-cli|awsml)/\S+", "<program>/<version>", payload))
    if event_type in ("HTTP_REQUEST", "HTTP_RESPONSE"):
        payload = dict(payload)
        headers = payload.get("headers") or {}
        payload["headers"] = {k: ("<varies>" if k.lower() in _VARYING_HEADERS else v) for k, v in headers.items()}
        body = payload.get("body")
        if isinstance(body, str) and "RequestId" in body:
            payload["body"] = re.sub(r'"RequestId": "[^"]*"', '"RequestId": "<id>"', body)
    if event_type == "PARSED_RESPONSE":
        payload = json.loads(re.sub(r'"(RequestId|x-amzn-requestid|date)": "[^"]*"', r'"\1": "<varies>"',
                                    json.dumps(payload)))
    return payload


def normalised(rows: list[dict]) -> list[tuple]:
    """What must be equal: per row, source, event type, whether it has a request id, which
    earlier row's run and request it shares, and the payload with the varying parts out."""
    runs, calls, out = {}, {}, []
    for row in rows:
        run = runs.setdefault(row["id"], len(runs))
        call = calls.setdefault(row["request_id"], len(calls)) if row["request_id"] else None
        payload = json.loads(row["payload"])
        out.append((run, call, row["source"], row["event_type"], _normal_payload(row["event_type"], payload)))
    return out


def run_with_history(program: str, args: list[str], home: Path, moto_url: str, **extra) -> helpers.Result:
    env = helpers.clean_env(home, **extra)
    Path(env["AWS_CONFIG_FILE"]).write_text(HISTORY_CONFIG)
    args = [a.replace("{moto}", moto_url) for a in args]
    runner = helpers.run_aws if program == "aws" else helpers.run_awsml
    return runner(args, env)


@pytest.mark.parametrize("case", sorted(CASES))
def test_history_records_as_aws(case, moto_url, tmp_path):
    seen = {}
    for program in ("aws", "awsml"):
        home = tmp_path / program
        result = run_with_history(program, CASES[case], home, moto_url)
        rows = records(home / ".aws" / "cli" / "history" / "history.db")
        seen[program] = (result.returncode, normalised(rows))
    assert comparisons.record(seen["awsml"] == seen["aws"]), seen
    if case in ("success", "service-error"):
        kinds = [row[3] for row in seen["aws"][1]]
        assert kinds[:2] == ["CLI_VERSION", "CLI_ARGUMENTS"] and kinds[-1] == "CLI_RC"
        assert {"API_CALL", "HTTP_REQUEST", "HTTP_RESPONSE", "PARSED_RESPONSE"} <= set(kinds)


def test_the_file_is_private_and_the_variable_moves_it(moto_url, tmp_path):
    home = tmp_path / "home"
    elsewhere = tmp_path / "elsewhere" / "h.db"
    result = run_with_history("awsml", CASES["success"], home, moto_url, AWS_CLI_HISTORY_FILE=str(elsewhere))
    assert result.returncode == 0
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o600
    assert not (home / ".aws" / "cli" / "history").exists()
    assert [r["event_type"] for r in records(elsewhere)][-1] == "CLI_RC"


def test_aws_history_reads_awsml_records(moto_url, tmp_path):
    home = tmp_path / "home"
    for args in (CASES["success"], CASES["service-error"]):
        run_with_history("awsml", args, home, moto_url)
    env = helpers.clean_env(home)
    Path(env["AWS_CONFIG_FILE"]).write_text(HISTORY_CONFIG)
    listed = helpers.run_aws_process(["history", "list"], env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.out.splitlines()
    assert len(lines) == 2 and all("sagemaker describe-training-job" in line for line in lines)
    assert lines[0].rstrip().endswith("255") and lines[1].rstrip().endswith("0")
    shown = helpers.run_aws_process(["history", "show"], env)
    assert shown.returncode == 0, shown.stderr
    assert "with AWS CLI version: awsml/" in shown.out
    assert "with return code: 255" in shown.out and "DescribeTrainingJob" in shown.out


def test_an_unwritable_history_warns_as_aws(moto_url, tmp_path):
    seen = {}
    for program in ("aws", "awsml"):
        home = tmp_path / program
        blocked = home / "history-is-a-folder"
        blocked.mkdir(parents=True)
        result = run_with_history(program, CASES["success"], home, moto_url, AWS_CLI_HISTORY_FILE=str(blocked))
        seen[program] = (result.returncode, result.stdout,
                         result.stderr.replace(str(blocked).encode(), b"{file}"))
    assert seen["awsml"] == seen["aws"]
    assert seen["aws"][2] == b"Warning: Unable to record CLI history. Check file permissions for {file}\n"


def test_without_the_setting_nothing_is_written_or_imported(moto_url, tmp_path):
    home = tmp_path / "home"
    env = helpers.clean_env(home)
    probe = ("import sys\nsys.argv[0] = 'awsml'\nfrom awsml_cli.__main__ import main\ncode = main(sys.argv[1:])\n"
             "print('sqlite3' in sys.modules, file=sys.stderr)\nsys.exit(code)\n")
    args = [a.replace("{moto}", moto_url) for a in CASES["success"]]
    proc = subprocess.run([sys.executable, "-c", probe, *args], env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr.strip().splitlines()[-1] == "False"
    assert not os.path.exists(home / ".aws")
