"""The wire corpus in tests/corpus: well-formed, parseable by botocore, and complete.

"Complete" means: every member of the DescribeTrainingJob output shape (recursively) appears
somewhere, every list and map appears non-empty somewhere, and each situation the issue asks for
has a file. The checks read the files as bytes, because their exact tokens are the point.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from botocore.parsers import JSONParser

from tests.servers import CORPUS_DIR
from tests.servers.coverage import (
    analyse,
    awscli_output_shape,
    botocore_output_shape,
    load_corpus,
    missing_paths,
    never_nonempty,
    shape_paths,
)

FILES = sorted(CORPUS_DIR.glob("*.json"))
DOCS = load_corpus(CORPUS_DIR)
# The reference "rich" response (tests/samples hold aws's output of it), so its TrainingJobName is not its stem.
VERBATIM = {"14-rich-sample": "jöb"}


def _shapes():
    shapes = [pytest.param(botocore_output_shape(), id="botocore")]
    vendored = awscli_output_shape()
    if vendored is not None:  # awscli >= 1.46 vendors its own, older botocore
        shapes.append(pytest.param(vendored, id="awscli-vendored-botocore"))
    return shapes


def _walk(value):
    """Every value in a parsed document, depth first (for 'is there any X' checks)."""
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


# --- form -------------------------------------------------------------------------------------


def test_at_least_14_files_with_unique_numbers():
    assert len(FILES) >= 14
    numbers = [p.name.split("-", 1)[0] for p in FILES]
    assert len(set(numbers)) == len(numbers), numbers


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_name_and_training_job_name(path):
    assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.json", path.name), path.name
    doc = json.loads(path.read_bytes())
    assert isinstance(doc, dict)
    assert doc["TrainingJobName"] == VERBATIM.get(path.stem, path.stem)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_is_utf8_json_without_bom(path):
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8")  # raises on anything else
    # Compact files are single-line like AWS's; pretty ones end with exactly one newline.
    if data.count(b"\n") > 1:
        assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
    else:
        assert data.rstrip(b"\n").endswith(b"}")


def test_readme_describes_every_file():
    readme = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    for path in FILES:
        assert f"| `{path.stem}` |" in readme, f"{path.stem} missing from README table"


# --- botocore parses every file ---------------------------------------------------------------


def _parse(body: bytes, shape, timestamp_parser=None):
    parser = JSONParser(timestamp_parser=timestamp_parser)
    response = {
        "status_code": 200,
        "headers": {"x-amzn-requestid": "11111111-2222-3333-4444-555555555555",
                    "content-type": "application/x-amz-json-1.1"},
        "body": body,
    }
    return parser.parse(response, shape)


@pytest.mark.parametrize("shape", _shapes())
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_botocore_parses_file(path, shape):
    body = path.read_bytes()
    # As the CLI does (timestamps passed through) and as a plain client does (datetime objects).
    for timestamp_parser in (lambda value: value, None):
        parsed = _parse(body, shape, timestamp_parser)
        assert parsed["ResponseMetadata"]["RequestId"] == "11111111-2222-3333-4444-555555555555"
        # Not the {"message": body} fallback botocore uses for bodies that are not JSON.
        assert parsed["TrainingJobName"] == VERBATIM.get(path.stem, path.stem)
        assert "message" not in parsed


# --- coverage ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", _shapes())
def test_every_output_member_is_present_somewhere(shape):
    assert len(shape_paths(shape)) > 150  # sanity: the walker really descends
    assert missing_paths(DOCS.values(), shape) == []


@pytest.mark.parametrize("shape", _shapes())
def test_every_list_and_map_is_non_empty_somewhere(shape):
    assert never_nonempty(DOCS.values(), shape) == []


def test_coverage_walker_reports_what_is_missing():
    shape = botocore_output_shape()
    missing = missing_paths([{"TrainingJobName": "x", "ResourceConfig": {"InstanceType": None}}],
                            shape)
    assert "TrainingJobName" not in missing
    assert "ResourceConfig" not in missing
    assert "ResourceConfig.InstanceType" in missing  # null does not count
    assert "ResourceConfig.InstanceGroups[].InstanceGroupName" in missing
    present, _, unknown = analyse({"Nope": 1, "VpcConfig": {"Subnets": ["s"], "X": 2}}, shape)
    assert present == {"VpcConfig", "VpcConfig.Subnets"}
    assert unknown == {"Nope", "VpcConfig.X"}


# --- the situations the issue lists -----------------------------------------------------------


def _docs_where(predicate):
    return [stem for stem, doc in DOCS.items() if predicate(doc)]


def test_failed_job_with_messy_failure_reason():
    def messy(doc):
        reason = doc.get("FailureReason") or ""
        return (doc.get("TrainingJobStatus") == "Failed" and "\n" in reason and "\t" in reason
                and '"' in reason and any(ord(c) > 127 for c in reason))
    assert _docs_where(messy)


def test_in_progress_job_without_end_times():
    assert _docs_where(lambda d: d.get("TrainingJobStatus") == "InProgress"
                       and "TrainingEndTime" not in d
                       and "EndTime" not in (d.get("SecondaryStatusTransitions") or [{}])[-1])


def test_stopped_job():
    assert _docs_where(lambda d: d.get("TrainingJobStatus") == "Stopped")


def test_managed_spot_job_billed_less_than_trained():
    assert _docs_where(lambda d: d.get("EnableManagedSpotTraining") is True
                       and isinstance(d.get("BillableTimeInSeconds"), int)
                       and d["BillableTimeInSeconds"] < d["TrainingTimeInSeconds"])


def test_forty_plus_hyperparameters():
    assert _docs_where(lambda d: len(d.get("HyperParameters") or {}) >= 40)


def test_empty_maps_and_lists():
    assert _docs_where(lambda d: d.get("HyperParameters") == {} and d.get("Environment") == {})
    assert _docs_where(lambda d: d.get("InputDataConfig") == []
                       and d.get("SecondaryStatusTransitions") == [])


def test_numeric_edge_values():
    numbers = [v for doc in DOCS.values() for v in _walk(doc)
               if isinstance(v, (int, float)) and not isinstance(v, bool)]
    floats = [v for v in numbers if isinstance(v, float)]
    assert 1e-07 in floats and 1e16 in floats
    assert any(v == 0.0 and math.copysign(1, v) < 0 for v in floats)  # -0.0
    assert math.inf in floats  # 1e400 on the wire
    assert any(isinstance(v, int) and v > 2**64 for v in numbers)
    raw = b"".join(p.read_bytes() for p in FILES)
    for token in (b"1e-7", b"1e16", b"-0.0", b"1e400", b"1E+2", b"12345678901234567890"):
        assert token in raw, token


def test_cjk_and_emoji():
    text = "".join(v for doc in DOCS.values() for v in _walk(doc) if isinstance(v, str))
    assert re.search(r"[\u4e00-\u9fff]", text)  # CJK ideographs
    assert re.search(r"[\U0001F300-\U0001FAFF]", text)  # emoji


def test_unknown_keys_and_null_members():
    shape = botocore_output_shape()
    assert any(analyse(doc, shape)[2] for doc in DOCS.values())
    assert _docs_where(lambda d: any(v is None for v in d.values()))


def test_progress_warm_pool_and_rule_statuses_in_one_job():
    assert _docs_where(lambda d: all(d.get(k) for k in (
        "ProgressInfo", "WarmPoolStatus", "DebugRuleEvaluationStatuses",
        "ProfilerRuleEvaluationStatuses", "ProfilingStatus")))


def test_iso_string_timestamps():
    assert _docs_where(lambda d: all(isinstance(d.get(k), str) for k in (
        "CreationTime", "TrainingStartTime", "TrainingEndTime", "LastModifiedTime")))


def test_wire_order_differs_from_model_order_somewhere():
    model_order = list(botocore_output_shape().members)
    shuffled = [stem for stem, doc in DOCS.items()
                if [k for k in doc if k in model_order]
                != [k for k in model_order if k in doc]]
    assert len(shuffled) >= 3, shuffled


def test_epoch_timestamps_are_in_order():
    """Realism: creation <= start <= end <= last modified wherever they are epoch numbers."""
    for stem, doc in DOCS.items():
        times = [doc.get(k) for k in ("CreationTime", "TrainingStartTime", "TrainingEndTime",
                                      "LastModifiedTime")]
        times = [t for t in times if isinstance(t, (int, float))]
        assert times == sorted(times), stem
