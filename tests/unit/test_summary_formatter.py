"""``--output summary``: golden files for corpus responses, both layouts, and robustness.

The responses are parsed from the wire corpus by botocore exactly as the CLI
parses them (model order, unknown keys and nulls dropped, timestamps as sent).
Set ``AWSML_UPDATE_GOLDEN=1`` to rewrite the golden files after an intended
change, then review the diff.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from botocore.parsers import ResponseParserFactory
from botocore.session import Session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsml_cli.output import formatters
from awsml_cli.output.formatters import RenderOptions, summary
from awsml_cli.aws.session import _iso8601
from tests.servers import CORPUS_DIR

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "golden" / "summary"
UPDATE = os.environ.get("AWSML_UPDATE_GOLDEN") == "1"

_OUTPUT_SHAPE = Session().get_service_model("sagemaker").operation_model("DescribeTrainingJob").output_shape


def parse(stem: str, iso8601: bool = False) -> dict:
    factory = ResponseParserFactory()
    factory.set_parser_defaults(timestamp_parser=_iso8601 if iso8601 else (lambda v: v), blob_parser=lambda v: v)
    body = (CORPUS_DIR / f"{stem}.json").read_bytes()
    data = factory.create_parser("json").parse({"body": body, "headers": {}, "status_code": 200}, _OUTPUT_SHAPE)
    data.pop("ResponseMetadata", None)
    return data


def render(data, **options) -> str:
    out = io.StringIO()
    summary.render(data, out, RenderOptions(**options))
    return out.getvalue()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN_DIR / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with AWSML_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


PLAIN_GOLDEN = [
    "01-completed-xgboost",
    "02-failed-algorithm-error",
    "03-in-progress-distributed",
    "04-stopped-by-user",
    "05-managed-spot-checkpointed",
    "08-unicode-cjk-emoji",
    "11-iso-timestamps",
    "12-debugger-profiler-warmpool",
    "13-hpo-heterogeneous-pipe",
    "15-training-plan-pending",
    "16-serverless-finetune",
    "17-minimal-deleting",
    "18-null-list-elements",
]
RICH_GOLDEN = ["02-failed-algorithm-error", "03-in-progress-distributed", "05-managed-spot-checkpointed"]
ALL_STEMS = sorted(path.stem for path in CORPUS_DIR.glob("*.json"))


@pytest.mark.parametrize("stem", PLAIN_GOLDEN)
def test_plain_golden(stem):
    check_golden(f"{stem}.plain.txt", render(parse(stem)))


@pytest.mark.parametrize("stem", RICH_GOLDEN)
def test_rich_golden(stem):
    text = render(parse(stem), is_terminal=True, color=False, terminal_width=100)
    assert "\x1b" not in text  # no colour asked for, and no cursor tricks in a static view
    check_golden(f"{stem}.rich.txt", text)


@pytest.mark.parametrize("stem", ALL_STEMS)
@pytest.mark.parametrize("iso8601", [False, True], ids=["wire-timestamps", "iso8601-timestamps"])
def test_every_corpus_response_renders_in_both_layouts(stem, iso8601):
    data = parse(stem, iso8601)
    plain = render(data)
    rich = render(data, is_terminal=True, color=True, terminal_width=80)
    for text in (plain, rich):
        assert text.endswith("\n")
    assert "\x1b" not in plain
    assert re.search(r"\x1b\[[0-9;]*m", rich)


def test_iso8601_timestamps_give_the_same_summary():
    # cli_timestamp_format = iso8601 turns every timestamp into a string; the view is unchanged.
    assert render(parse("01-completed-xgboost", iso8601=True)) == render(parse("01-completed-xgboost"))


def test_in_progress_fields_are_omitted():
    text = render(parse("03-in-progress-distributed"))
    for label in ("Ended", "Training seconds", "Billable seconds", "MaxRuntime used", "Model artifacts", "Total"):
        assert not re.search(rf"^{label}\b", text, re.M), label
    assert "(running)" in text


def test_failure_reason_in_full():
    data = parse("02-failed-algorithm-error")
    text = render(data)
    for line in data["FailureReason"].replace("\t", "    ").split("\n"):
        assert line in text


def test_spot_saving_as_the_sdk_reports_it():
    text = render(parse("05-managed-spot-checkpointed"))
    assert re.search(r"^Training seconds +6904 s \(1h 55m 4s\) = 3452 s × 2 instances$", text, re.M)
    assert re.search(r"^Billable seconds +2068 s \(34m 28s\) = 1034 s × 2 instances$", text, re.M)
    assert re.search(r"^Managed spot saving +70\.0 %$", text, re.M)


def test_logs_and_warm_pool():
    text = render(parse("12-debugger-profiler-warmpool"))
    assert "/aws/sagemaker/TrainingJobs  (streams 12-debugger-profiler-warmpool/*)" in text
    assert re.search(r"^Warm pool +Reused, retained 1250 s \(20m 50s\) billable, reused by .*; keep-alive 1h$", text, re.M)


def test_control_characters_are_neutralised():
    data = {
        "TrainingJobName": "evil\x1b[2J\x1b]0;pwned\x07",
        "TrainingJobStatus": "Failed",
        "SecondaryStatus": "Failed\u202e",
        "FailureReason": "line one\n\x1b[31mred\x1b[0m\rover\x9b",
        "SecondaryStatusTransitions": [{"Status": "Fa\x1biled", "StartTime": 1, "EndTime": 2, "StatusMessage": "m\x00"}],
        "FinalMetricDataList": [{"MetricName": "a\tb", "Value": 1.0, "Timestamp": 1}],
    }
    for options in ({}, {"is_terminal": True, "color": False, "terminal_width": 120}):
        text = render(data, **options)
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", text), repr(text)
        assert "evil\\x1b[2J\\x1b]0;pwned\\x07" in text
        assert "\\x1b[31mred\\x1b[0m\\rover\\x9b" in text


def test_colour_only_where_asked():
    data = parse("02-failed-algorithm-error")
    coloured = render(data, is_terminal=True, color=True, terminal_width=100)
    assert "\x1b[1;31m" in coloured  # the failed status in bold red
    assert "\x1b" not in render(data, is_terminal=True, color=False, terminal_width=100)
    assert "\x1b" not in render(data, color=True)  # not a terminal: plain text, whatever --color says


def test_empty_response_prints_nothing():
    assert render({}) == ""


def test_not_a_response_is_a_render_error():
    with pytest.raises(summary.SummaryRenderError):
        render(["not", "a", "job"])


def test_ascii_stream_gets_ascii_marks():
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    data = {"TrainingJobName": "j", "TrainingJobStatus": "Failed", "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2}}
    summary.render(data, out, RenderOptions())
    out.flush()
    text = out.buffer.getvalue().decode("ascii")
    assert "[FAILED] Failed" in text
    assert "2 x ml.m5.xlarge" in text


def test_registered_as_an_output_format():
    assert formatters.is_known("summary")
    assert "summary" in formatters.CLI_CHOICES
    assert formatters.get_renderer("summary") is summary.render


# --------------------------------------------------------------------------- robustness

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)
_times = st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=25) | st.sampled_from(["2024-01-01T00:00:00Z", "1700000000"])


def _maybe(key, strategy):
    return st.dictionaries(st.just(key), strategy, max_size=1)


_transition = st.fixed_dictionaries({}, optional={"Status": _values, "StartTime": _times, "EndTime": _times, "StatusMessage": _values})
_metric = st.fixed_dictionaries({}, optional={"MetricName": _values, "Value": _values, "Timestamp": _times})
_responses = st.fixed_dictionaries(
    {},
    optional={
        "TrainingJobName": _values,
        "TrainingJobArn": _values,
        "TrainingJobStatus": st.sampled_from(["InProgress", "Completed", "Failed", "Stopping", "Stopped", "Deleting"]) | _values,
        "SecondaryStatus": _values,
        "FailureReason": _values,
        "CreationTime": _times,
        "TrainingStartTime": _times,
        "TrainingEndTime": _times,
        "LastModifiedTime": _times,
        "SecondaryStatusTransitions": st.lists(_transition | st.none(), max_size=4) | _values,
        "FinalMetricDataList": st.lists(_metric | st.none(), max_size=3) | _values,
        "ResourceConfig": st.fixed_dictionaries(
            {},
            optional={
                "InstanceType": _values,
                "InstanceCount": _values,
                "KeepAlivePeriodInSeconds": _values,
                "InstanceGroups": st.lists(st.fixed_dictionaries({}, optional={"InstanceCount": _values, "InstanceType": _values, "InstanceGroupName": _values}) | st.none(), max_size=3),
            },
        )
        | _values,
        "StoppingCondition": st.fixed_dictionaries({}, optional={"MaxRuntimeInSeconds": _values}) | _values,
        "TrainingTimeInSeconds": _values,
        "BillableTimeInSeconds": _values,
        "EnableManagedSpotTraining": _values,
        "ModelArtifacts": st.fixed_dictionaries({}, optional={"S3ModelArtifacts": _values}) | _values,
        "WarmPoolStatus": st.fixed_dictionaries({}, optional={"Status": _values, "ResourceRetainedBillableTimeInSeconds": _values, "ReusedByJob": _values}) | _values,
        "ProgressInfo": st.fixed_dictionaries({}, optional={"CurrentEpoch": _values, "MaxEpoch": _values, "CurrentStep": _values, "TotalStepCountPerEpoch": _values}) | _values,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_responses)
def test_any_response_shape_renders_safely(data):
    for options in ({}, {"is_terminal": True, "color": False, "terminal_width": 60}):
        text = render(data, **options)
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", text), repr(text)


def test_huge_numbers_do_not_break_the_view():
    data = {
        "TrainingJobName": "big",
        "TrainingTimeInSeconds": 10**400,
        "LastModifiedTime": 10**5000,
        "FinalMetricDataList": [{"MetricName": "m", "Value": 10**5000}],
        "BillableTimeInSeconds": 1,
        "EnableManagedSpotTraining": True,
        "StoppingCondition": {"MaxRuntimeInSeconds": 1},
        "ResourceConfig": {"InstanceCount": 3, "InstanceType": "ml.m5.large"},
        "CreationTime": 10**30,
        "TrainingStartTime": float("inf"),
    }
    text = render(data)
    assert re.search(r"^Training job +big$", text, re.M)
    assert "<int too large to show>" in text
    assert "MaxRuntime used" not in text
