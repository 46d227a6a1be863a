"""Conformance with aws v1 for ``--output text`` and ``--output table``, through both real CLIs.

Every response of the wire corpus (``tests/corpus``, served by the scripted server) is
rendered by ``aws`` and ``awsml`` in text, table and coloured table, without a query and with
each of :data:`QUERIES`, and stdout, exit code and error text must be identical.  One test
item covers one response in one format and runs all of its queries, so a failure lists every
mismatch of the item at once; each query counts as one comparison in the tally the run prints
at its end (and ``"aws_outcomes"`` says how many of aws's runs printed something, printed
nothing or failed, so that a run of equal failures cannot pass unnoticed).

The queries are chosen to mean something for every response: scalars (strings, numbers,
booleans, ``null``), maps, objects with nested lists, lists of scalars, lists of lists (with
``null`` cells and of unequal lengths), lists of records, filters, multi-selects, and results
that are falsy (``{}``, ``[]``, ``0``), which table output prints as nothing.
"""

from __future__ import annotations

import pytest

from collections import Counter

from tests.conformance.harness import Case, assert_same, outcome, run_both
from tests.servers import CORPUS_DIR
from tests.servers.scripted import CorpusRouter, ScriptedServer

pytestmark = pytest.mark.conformance

DTJ = ["sagemaker", "describe-training-job"]
STEMS = sorted(path.stem for path in CORPUS_DIR.glob("*.json"))

FORMATS = {
    "text": ["--output", "text"],
    "table": ["--output", "table"],
    "table-color-on": ["--output", "table", "--color", "on"],
}

# id -> JMESPath expression
QUERIES = {
    "string": "TrainingJobName",
    "bool-or-null": "EnableManagedSpotTraining",
    "multiline-string": "FailureReason",
    "map": "HyperParameters",
    "sorted-keys": "sort(keys(HyperParameters || `{}`))",
    "object-with-list": "ResourceConfig",
    "nested-records": "InputDataConfig",
    "scalar-projection": "InputDataConfig[].ChannelName",
    "list-of-lists-with-nulls": "SecondaryStatusTransitions[].[Status, StartTime, EndTime]",
    "filter": "SecondaryStatusTransitions[?Status=='Training']",
    "records": "FinalMetricDataList",
    "multiselect-hash": (
        "{name: TrainingJobName, status: TrainingJobStatus, secondary: SecondaryStatus,"
        " billable: BillableTimeInSeconds}"
    ),
    "multiselect-list": "[TrainingJobName, TrainingJobStatus, TrainingTimeInSeconds]",
    "count-maybe-zero": "length(SecondaryStatusTransitions || `[]`)",
    "ragged-lists": "[InputDataConfig[].ChannelName, FinalMetricDataList[].MetricName]",
    "mixed-values": "values(ResourceConfig || `{}`)",
}


@pytest.fixture(scope="module")
def corpus_url():
    with ScriptedServer(CorpusRouter(CORPUS_DIR)) as server:
        yield server.url


def compare(case: Case, url: str, tmp_path, outcomes: Counter) -> str | None:
    """None when both CLIs print the same, else the description of the differences."""
    expected, actual = run_both(case, url, tmp_path)
    outcomes[outcome(expected)] += 1
    try:
        assert_same(case, expected, actual)
    except AssertionError as exc:
        return str(exc)
    return None


def describe(stem: str) -> list[str]:
    return [*DTJ, "--training-job-name", stem, "--endpoint-url", "{url}"]


@pytest.mark.parametrize("output", FORMATS)
@pytest.mark.parametrize("stem", STEMS)
def test_corpus_response_same_as_aws(stem, output, corpus_url, tmp_path, record_property):
    base = [*describe(stem), *FORMATS[output]]
    cases = [Case(f"{stem}/{output}/no-query", base)]
    cases += [Case(f"{stem}/{output}/{qid}", [*base, "--query", query]) for qid, query in QUERIES.items()]
    outcomes = Counter()
    mismatches = [
        problem for case in cases if (problem := compare(case, corpus_url, tmp_path, outcomes))
    ]
    record_property("aws_outcomes", dict(outcomes))
    assert not mismatches, (
        f"{len(cases) - len(mismatches)}/{len(cases)} identical\n" + "\n\n".join(mismatches)
    )


def test_partial_text_output_before_an_error(corpus_url, tmp_path):
    """aws writes the text lines before the bad record list, then fails; so must awsml."""
    case = Case("null-list-elements-text", [*describe("18-null-list-elements"), "--output", "text"])
    expected, actual = run_both(case, corpus_url, tmp_path)
    assert_same(case, expected, actual)
    # Not two equal successes: the reference behaviour really is a partial write and rc 255.
    assert expected.returncode == 255
    assert len(expected.stdout) == 463
    assert expected.stderr == b"\n'NoneType' object has no attribute 'items'\n"


# Where the format comes from, and how --color and NO_COLOR combine with each output.
RICH = describe("14-rich-sample")
CJK = describe("08-unicode-cjk-emoji")
SETTINGS_CASES = [
    Case("env-default-output-text", RICH, env={"AWS_DEFAULT_OUTPUT": "text"}),
    Case("env-default-output-table", CJK, env={"AWS_DEFAULT_OUTPUT": "table"}),
    Case("config-output-table", RICH, config="[default]\noutput = table\n"),
    Case("config-output-text", CJK, config="[default]\noutput = text\n"),
    Case("profile-output-table", [*RICH, "--profile", "p1"],
         config="[profile p1]\noutput = table\n"),
    Case("env-beats-config", RICH, env={"AWS_DEFAULT_OUTPUT": "text"},
         config="[default]\noutput = table\n"),
    Case("flag-beats-env", [*RICH, "--output", "text"], env={"AWS_DEFAULT_OUTPUT": "table"}),
    Case("config-table-with-query", [*CJK, "--query", "HyperParameters"],
         config="[default]\noutput = table\n"),
    Case("env-table-color-on", [*RICH, "--color", "on"], env={"AWS_DEFAULT_OUTPUT": "table"}),
    Case("table-color-off", [*RICH, "--output", "table", "--color", "off"]),
    Case("table-color-auto-pipe", [*RICH, "--output", "table", "--color", "auto"]),
    Case("text-color-on", [*RICH, "--output", "text", "--color", "on"]),
    Case("json-color-on", [*RICH, "--output", "json", "--color", "on"]),
    Case("table-color-on-no-color-env", [*RICH, "--output", "table", "--color", "on"],
         env={"NO_COLOR": "1"}),
    Case("table-auto-no-color-env-pipe", [*RICH, "--output", "table"], env={"NO_COLOR": "1"}),
    Case("columns-env-ignored", [*RICH, "--output", "table"], env={"COLUMNS": "400"}),
    Case("columns-env-ignored-cjk", [*CJK, "--output", "table"], env={"COLUMNS": "20"}),
    # Errors once colour is on: aws has already coloured stderr when the query fails.
    Case("table-color-on-query-type-error", [*RICH, "--output", "table", "--color", "on",
                                             "--query", "length(`1`)"]),
    Case("table-color-on-query-type-error-function",
         [*RICH, "--output", "table", "--color", "on", "--query", "sort(HyperParameters)"]),
    Case("table-color-off-query-type-error", [*RICH, "--output", "table", "--color", "off",
                                              "--query", "length(`1`)"]),
    Case("text-query-type-error", [*RICH, "--output", "text", "--query", "length(`1`)"]),
    Case("text-color-on-query-type-error", [*RICH, "--output", "text", "--color", "on",
                                            "--query", "length(`1`)"]),
    Case("table-color-on-row-error", [*describe("18-null-list-elements"), "--output", "table",
                                      "--color", "on"]),
    Case("table-color-on-falsy", [*RICH, "--output", "table", "--color", "on", "--query", "Nope"]),
    # Service errors come before the table exists: never coloured.
    Case("table-color-on-not-found", [*describe("no-such-job"), "--output", "table",
                                      "--color", "on"]),
    Case("text-not-found", [*describe("no-such-job"), "--output", "text"]),
    # A stdout that cannot encode everything: aws has written (and flushes) every line up
    # to the write that fails, and the error names the position inside that write.
    *[
        Case(f"stdout-{encoding}-{stem[:2]}-{output}", [*describe(stem), *FORMATS[output]],
             env={"PYTHONIOENCODING": encoding})
        for encoding, stem in [("ascii", "14-rich-sample"), ("latin-1", "14-rich-sample"),
                               ("latin-1", "08-unicode-cjk-emoji")]
        for output in FORMATS
    ],
    # JSON too: aws writes it in json.dump's pieces, so the pieces before the one that
    # fails reach stdout, and the position is inside that piece.
    *[
        Case(f"stdout-{encoding}-{stem[:2]}-json{'-query' if query else ''}",
             [*describe(stem), "--output", "json", *(["--query", query] if query else [])],
             env={"PYTHONIOENCODING": encoding})
        for encoding, stem in [("ascii", "02-failed-algorithm-error"), ("ascii", "14-rich-sample"),
                               ("latin-1", "14-rich-sample"), ("latin-1", "08-unicode-cjk-emoji")]
        for query in (None, "FailureReason", "[TrainingJobName, FailureReason]")
    ],
    Case("stdout-c-locale-table", [*CJK, "--output", "table"], env={"LANG": "C"}),
    Case("stdout-c-locale-json", [*CJK, "--output", "json"], env={"LANG": "C"}),
    # Literal results of every JSON type, in both formats.
    *[
        Case(f"{output}-literal-{qid}", [*RICH, *FORMATS[output], "--query", query])
        for output in FORMATS
        for qid, query in {
            "nested-lists": "`[[1,2],[3,[4,5]]]`",
            "scalars-and-lists": "`[1,[2,3],4]`",
            "records-with-lists": '`[{"a":1,"b":[1,2]},{"c":3}]`',
            "record-then-scalar": '`[{"a":1},5]`',
            "deep-object": '`{"k":[{"x":1},{"y":2}],"s":"v","n":null,"o":{"p":{"q":1}}}`',
            "repeated-titles": '`[{"a":1},{"a":2,"b":{"c":3}}]`',
            "lists-in-object": '`{"l":[[1,2],[3]]}`',
            "scalar-types": "`[null,true,false,1.5,-0.0,\"\"]`",
            "empty-string": "''",
            "false": "`false`",
            "zero": "`0`",
            "empty-object": "`{}`",
            "empty-list": "`[]`",
            "list-of-empties": "[`[]`, `{}`]",
            "wide-chars": '`{"k":"日本語±°→§αβ","w":"ｆｕｌｌ","e":"😀👩‍💻🇯🇵"}`',
        }.items()
    ],
]


@pytest.mark.parametrize("case", SETTINGS_CASES, ids=str)
def test_output_settings_same_as_aws(case, corpus_url, tmp_path, record_property):
    outcomes = Counter()
    problem = compare(case, corpus_url, tmp_path, outcomes)
    record_property("aws_outcomes", dict(outcomes))
    assert problem is None, problem
