"""Conformance with aws v1 on a terminal: table width, ``--color auto`` and the reset at exit.

Both CLIs run with stdout on a pseudo-terminal of 80, 120, 200 and 400 columns (see
:mod:`tests.conformance.terminal`); the bytes they write there, the exit code and the error
text must be identical.  On a terminal ``--color auto`` colours tables, the terminal width
decides between horizontal and key/value sections, and aws ends a coloured session with one
more reset (also after an error or an empty result; never for text or json).
"""

from __future__ import annotations

from collections import Counter

import pytest

from awsml_cli.output.formatters.errors import COLOR_RESET

from tests.conformance.harness import Case, differences, outcome, prepare
from tests.conformance.terminal import run_aws_in_terminal, run_awsml_in_terminal
from tests.servers import CORPUS_DIR
from tests.servers.scripted import CorpusRouter, ScriptedServer

pytestmark = pytest.mark.conformance

WIDTHS = [80, 120, 200, 400]
STEMS = sorted(path.stem for path in CORPUS_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def corpus_url():
    with ScriptedServer(CorpusRouter(CORPUS_DIR)) as server:
        yield server.url


def describe(stem: str) -> list[str]:
    return ["sagemaker", "describe-training-job", "--training-job-name", stem,
            "--endpoint-url", "{url}"]


def run_both_in_terminal(case: Case, url: str, tmp_path, columns: int):
    args, env, work = prepare(case, url, tmp_path)
    expected = run_aws_in_terminal(args, env, columns, cwd=work)
    actual = run_awsml_in_terminal(args, env, columns, cwd=work)
    return expected, actual


@pytest.mark.parametrize("stem", STEMS)
def test_table_on_terminals_same_as_aws(stem, corpus_url, tmp_path, record_property):
    """Every corpus response as a default (``--color auto``) table on four terminal widths."""
    problems = []
    outcomes = Counter()
    for columns in WIDTHS:
        case = Case(f"{stem}@{columns}", [*describe(stem), "--output", "table"])
        expected, actual = run_both_in_terminal(case, corpus_url, tmp_path, columns)
        outcomes[outcome(expected)] += 1
        if stem != "18-null-list-elements":
            # The comparison is about a coloured table ending with the exit reset.
            assert expected.returncode == 0 and expected.stdout.endswith(b"\n" + COLOR_RESET.encode() * 2)
        problem = differences(case, expected, actual)
        if problem:
            problems.append(problem)
    record_property("aws_outcomes", dict(outcomes))
    assert not problems, "\n\n".join(problems)


RICH = describe("14-rich-sample")
BROKEN = describe("18-null-list-elements")
TERMINAL_CASES = [
    Case("table-color-off", [*RICH, "--output", "table", "--color", "off"]),
    Case("table-color-on", [*RICH, "--output", "table", "--color", "on"]),
    Case("table-from-env", describe("06-hyperparameters-48"), env={"AWS_DEFAULT_OUTPUT": "table"}),
    Case("table-from-config", describe("08-unicode-cjk-emoji"), config="[default]\noutput = table\n"),
    Case("table-columns-env-ignored", [*RICH, "--output", "table"], env={"COLUMNS": "30"}),
    Case("table-title-only", [*RICH, "--output", "table", "--query", "TrainingJobName"]),
    Case("table-object-query", [*RICH, "--output", "table", "--query", "{a: TrainingJobName, b: Nope}"]),
    Case("text", [*RICH, "--output", "text"]),
    Case("text-color-on", [*RICH, "--output", "text", "--color", "on"]),
    Case("json", [*RICH, "--output", "json"]),
    Case("json-color-on", [*RICH, "--color", "on"]),
    # The exit reset after empty results and errors.
    Case("table-falsy-null", [*RICH, "--output", "table", "--query", "Nope"]),
    Case("table-falsy-empty-list", [*RICH, "--output", "table", "--query", "`[]`"]),
    Case("table-falsy-color-off", [*RICH, "--output", "table", "--color", "off", "--query", "Nope"]),
    Case("table-row-error", [*BROKEN, "--output", "table"]),
    Case("table-row-error-color-off", [*BROKEN, "--output", "table", "--color", "off"]),
    Case("text-partial-then-error", [*BROKEN, "--output", "text"]),
    Case("table-query-type-error", [*RICH, "--output", "table", "--query", "length(`1`)"]),
    Case("text-query-type-error", [*RICH, "--output", "text", "--query", "length(`1`)"]),
    Case("table-service-error", [*describe("no-such-job"), "--output", "table"]),
    Case("table-bad-output-setting", RICH, env={"AWS_DEFAULT_OUTPUT": "tabel"}),
]


@pytest.mark.parametrize("columns", [0, 80])
@pytest.mark.parametrize("case", TERMINAL_CASES, ids=str)
def test_terminal_cases_same_as_aws(case, columns, corpus_url, tmp_path, record_property):
    expected, actual = run_both_in_terminal(case, corpus_url, tmp_path, columns)
    problem = differences(case, expected, actual)
    record_property("aws_outcomes", {outcome(expected): 1})
    assert problem is None, problem


@pytest.mark.parametrize("columns", [80, 400])
def test_no_color_env_turns_auto_colour_off(columns, corpus_url, tmp_path):
    """awsml's one addition: NO_COLOR makes ``--color auto`` print what ``--color off`` prints.

    aws v1 ignores NO_COLOR; with it set, awsml's default table on a terminal is aws's
    ``--color off`` table on the same terminal, without the exit reset.
    """
    plain = Case("aws-color-off", [*RICH, "--output", "table", "--color", "off"])
    args, env, work = prepare(plain, corpus_url, tmp_path)
    expected = run_aws_in_terminal(args, env, columns, cwd=work)
    auto = Case("awsml-no-color", [*RICH, "--output", "table"], env={"NO_COLOR": "1"})
    args, env, work = prepare(auto, corpus_url, tmp_path)
    actual = run_awsml_in_terminal(args, env, columns, cwd=work)
    assert differences(auto, expected, actual) is None
    assert b"\x1b" not in actual.stdout
    # An empty NO_COLOR does not count (no-color.org): colour as usual.
    empty = Case("awsml-empty-no-color", [*RICH, "--output", "table"], env={"NO_COLOR": ""})
    args, env, work = prepare(empty, corpus_url, tmp_path)
    coloured = run_awsml_in_terminal(args, env, columns, cwd=work)
    assert coloured.stdout.endswith(b"\n" + COLOR_RESET.encode() * 2)
