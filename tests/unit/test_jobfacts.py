"""Facts derived from DescribeTrainingJob responses for the summary and the --wait display."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awsml_cli.command import jobfacts as facts


@pytest.mark.parametrize(
    "seconds, expected",
    [
        (0, "0s"),
        (0.4, "0s"),
        (0.6, "1s"),
        (59, "59s"),
        (60, "1m"),
        (61, "1m 1s"),
        (3600, "1h"),
        (3601, "1h 0m 1s"),
        (3725, "1h 2m 5s"),
        (86400, "1d"),
        (90000, "1d 1h"),
        (432000, "5d"),
        (-1, None),
        (float("inf"), None),
        (float("nan"), None),
        (True, None),
        ("60", None),
        (None, None),
    ],
)
def test_format_duration(seconds, expected):
    assert facts.format_duration(seconds) == expected


UTC = timezone.utc


@pytest.mark.parametrize(
    "value, expected",
    [
        (1700000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (1700000000.5, datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)),
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("2023-11-14T22:13:20Z", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("2023-11-14T17:13:20-05:00", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("2023-11-14T22:13:20+00:00", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        # A zone-less string is taken as UTC (SageMaker speaks UTC).
        ("2023-11-14T22:13:20", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (datetime(2023, 11, 14, 22, 13, 20), datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("yesterday", None),
        (float("inf"), None),
        (12345678901234567890, None),
        (True, None),
        (None, None),
        ([], None),
    ],
)
def test_to_datetime(value, expected):
    assert facts.to_datetime(value) == expected


def test_format_utc():
    assert facts.format_utc(facts.to_datetime(1718035297.693)) == "2024-06-10 16:01:37 UTC"
    assert facts.format_utc(None) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("plain", "plain"),
        ("red \x1b[31mtext\x1b[0m", "red \\x1b[31mtext\\x1b[0m"),
        ("line\nbreak\ttab\rreturn", "line\\nbreak\\ttab\\rreturn"),
        ("bell\x07 del\x7f csi\x9b", "bell\\x07 del\\x7f csi\\x9b"),
        ("right-to-left \u202eevil\u202c", "right-to-left \\u202eevil\\u202c"),
        ("isolate \u2066x\u2069", "isolate \\u2066x\\u2069"),
        ("café 日本 😀", "café 日本 😀"),
        (1800.0, "1800"),
        (0.5, "0.5"),
        (12345678901234567890, "12345678901234567890"),
    ],
)
def test_clean_single_line(value, expected):
    assert facts.clean(value) == expected


def test_clean_multiline_keeps_line_breaks_and_expands_tabs():
    text = "Error:\r\n\tFile \"x.py\"\n\x1b]0;title\x07done\roverwrite"
    assert facts.clean(text, multiline=True) == 'Error:\n    File "x.py"\n\\x1b]0;title\\x07done\\roverwrite'


@given(st.text())
def test_clean_never_leaves_control_characters(text):
    for multiline in (False, True):
        cleaned = facts.clean(text, multiline=multiline)
        allowed = "\n" if multiline else ""
        assert not any((ord(c) < 0x20 and c not in allowed) or 0x7F <= ord(c) <= 0x9F for c in cleaned)
        assert not any(c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f" for c in cleaned)


def test_billing_multiplies_by_instances_and_computes_spot_saving():
    data = {
        "ResourceConfig": {"InstanceType": "ml.p3.8xlarge", "InstanceCount": 2},
        "TrainingTimeInSeconds": 3452,
        "BillableTimeInSeconds": 1034,
        "EnableManagedSpotTraining": True,
    }
    billed = facts.billing(data)
    assert (billed.training_seconds, billed.billable_seconds, billed.instances) == (6904, 2068, 2)
    assert billed.spot_saving_percent == pytest.approx((1 - 1034 / 3452) * 100)
    assert f"{billed.spot_saving_percent:.1f}" == "70.0"


def test_billing_counts_heterogeneous_instance_groups():
    data = {
        "ResourceConfig": {"InstanceGroups": [{"InstanceCount": 2}, {"InstanceCount": 1}, None]},
        "TrainingTimeInSeconds": 100,
        "BillableTimeInSeconds": 100,
    }
    billed = facts.billing(data)
    assert (billed.training_seconds, billed.billable_seconds, billed.instances) == (300, 300, 3)
    assert billed.spot_saving_percent is None  # not a spot job


def test_billing_of_an_in_progress_job_is_unknown():
    billed = facts.billing({"ResourceConfig": {"InstanceCount": 4}, "EnableManagedSpotTraining": True})
    assert (billed.training_seconds, billed.billable_seconds, billed.spot_saving_percent) == (None, None, None)


def test_spot_saving_needs_training_time():
    billed = facts.billing({"TrainingTimeInSeconds": 0, "BillableTimeInSeconds": 0, "EnableManagedSpotTraining": True})
    assert billed.spot_saving_percent is None


def test_transitions_skip_null_elements_and_keep_open_ones():
    data = {
        "SecondaryStatusTransitions": [
            None,
            {"Status": "Starting", "StartTime": 10, "EndTime": 70, "StatusMessage": "go"},
            {"Status": "Training", "StartTime": 70},
        ]
    }
    found = facts.transitions(data)
    assert [(t.status, t.seconds, t.message) for t in found] == [("Starting", 60.0, "go"), ("Training", None, None)]


def test_progress_text():
    info = {"ProgressInfo": {"TotalStepCountPerEpoch": 1250, "CurrentStep": 1873, "CurrentEpoch": 2, "MaxEpoch": 3}}
    assert facts.progress_text(info) == "epoch 2 of 3, step 1873 (1250 steps per epoch)"
    assert facts.progress_text({"ProgressInfo": {}}) is None
    assert facts.progress_text({}) is None


def test_status_text_and_marks():
    assert facts.status_text({"TrainingJobStatus": "Failed", "SecondaryStatus": "MaxRuntimeExceeded"}) == (
        "Failed (MaxRuntimeExceeded)"
    )
    assert facts.status_text({"TrainingJobStatus": "Completed", "SecondaryStatus": "Completed"}) == "Completed"
    assert facts.status_text({}) is None
    assert facts.status_mark("Completed") == "✔"
    assert facts.status_mark("Failed", ascii_only=True) == "[FAILED]"
    assert facts.status_mark("SomethingNew") == "?"
