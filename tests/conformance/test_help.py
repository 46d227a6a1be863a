"""``help`` runs where aws v1 runs it: after the global options were checked.

aws v1 renders help with groff and a pager, awsml with its own renderer, so
the page text is not compared; what is compared is which error wins when
``help`` comes with a bad global option (stdout, exit status and error text
must match aws), and that both exit 0 when it does not.
"""

from __future__ import annotations

import pytest

from tests.conformance.harness import Case, check, run_both

pytestmark = pytest.mark.conformance

DTJ = ["sagemaker", "describe-training-job"]

ERROR_ORDER_CASES = [
    Case("help-bad-query", [*DTJ, "--query", "foo[", "help"]),
    Case("help-bad-query-before-service", ["--query", "foo[", "sagemaker", "help"]),
    Case("root-help-bad-query", ["--query", "foo[", "help"]),
    Case("help-bad-endpoint", [*DTJ, "--endpoint-url", "127.0.0.1:5131", "help"]),
    Case("help-bad-read-timeout", [*DTJ, "--cli-read-timeout", "1.5", "help"]),
    Case("help-bad-color", [*DTJ, "--color", "maybe", "help"]),
    Case("help-missing-query-value", [*DTJ, "help", "--query"]),
    Case("help-bad-timestamp-format", [*DTJ, "help"], config="[default]\ncli_timestamp_format = bogus\n"),
    Case("help-unknown-operation", ["sagemaker", "describe-training-jb", "help"]),
]


@pytest.mark.parametrize("case", ERROR_ORDER_CASES, ids=str)
def test_global_checks_come_before_help(case, moto_url, tmp_path):
    check(case, moto_url, tmp_path)


@pytest.mark.parametrize(
    "args",
    [
        ["help"],
        ["sagemaker", "help"],
        [*DTJ, "help"],
        [*DTJ, "--training-job-name", "x", "help"],
        ["--output", "json", *DTJ, "help", "--region", "us-east-1"],
    ],
    ids=["root", "service", "operation", "after-options", "between-globals"],
)
def test_help_succeeds_like_aws(args, moto_url, tmp_path):
    expected, actual = run_both(
        Case("help", args, env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, "AWS_DEFAULT_REGION": None}),
        moto_url,
        tmp_path,
    )
    assert (actual.returncode, expected.returncode) == (0, 0), expected.err
    assert actual.stderr == expected.stderr == b""
    assert b"NAME" in actual.stdout and b"describe-training-job" in actual.stdout
