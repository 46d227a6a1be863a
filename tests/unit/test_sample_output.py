"""The sample response of ``--generate-cli-skeleton output``: complete, valid, realistic, deterministic."""

from __future__ import annotations

import re

import botocore.session
import pytest
from botocore.model import DenormalizedStructureBuilder
from botocore.validate import ParamValidator

from awsml_cli.command import sample_output


@pytest.fixture(scope="module")
def model():
    return botocore.session.get_session().get_service_model("sagemaker").operation_model("DescribeTrainingJob")


@pytest.fixture(scope="module")
def wire(model):
    return sample_output.wire_response(model.output_shape)


def _walk(shape, value, path="", stack=()):
    """Yield (path, shape, value) for every value in the sample, depth first."""
    yield path, shape, value
    kind = shape.type_name
    if kind == "structure" and shape.name not in stack:
        for name, member in shape.members.items():
            if name in value:
                yield from _walk(member, value[name], f"{path}.{name}".lstrip("."), (*stack, shape.name))
    elif kind == "list":
        for index, item in enumerate(value):
            yield from _walk(shape.member, item, f"{path}[{index}]", stack)
    elif kind == "map":
        for key, item in value.items():
            yield from _walk(shape.key, key, f"{path}<key {key}>", stack)
            yield from _walk(shape.value, item, f"{path}[{key!r}]", stack)


def test_botocores_validator_accepts_the_sample(model, wire):
    report = ParamValidator().validate(wire, model.output_shape)
    assert not report.has_errors(), report.generate_report()


def test_botocores_validator_accepts_the_parsed_sample(model):
    session = botocore.session.get_session()
    parsed = sample_output.sample_response(session, model, "demo-job")
    report = ParamValidator().validate(parsed, model.output_shape)
    assert not report.has_errors(), report.generate_report()


def _member_paths(shape, path="", stack=()):
    """Every place a member can appear in the shape, lists as [] and map values as {}."""
    kind = shape.type_name
    if kind == "structure" and shape.name not in stack:
        for name, member in shape.members.items():
            child = f"{path}.{name}".lstrip(".")
            yield child
            yield from _member_paths(member, child, (*stack, shape.name))
    elif kind == "list":
        yield from _member_paths(shape.member, path + "[]", stack)
    elif kind == "map":
        yield from _member_paths(shape.value, path + "{}", stack)


def _present_paths(model, wire):
    present = set()
    for path, shape, value in _walk(model.output_shape, wire):
        if "<key" in path:
            continue
        normalized = re.sub(r"\[\d+\]", "[]", re.sub(r"\['[^']*'\]", "{}", path))
        present.add(normalized)
    return present


def test_every_member_of_the_output_shape_is_present(model, wire):
    expected = set(_member_paths(model.output_shape))
    assert len(expected) >= 180  # sanity: the walk found the whole shape
    assert expected - _present_paths(model, wire) == set()


def test_the_first_element_of_every_list_is_complete(model, wire):
    for path, shape, value in _walk(model.output_shape, wire):
        if shape.type_name == "structure" and not re.search(r"\[[1-9]\d*\]", path):
            assert set(value) == set(shape.members), path
        if shape.type_name in ("list", "map"):
            assert value, path


def test_the_curated_table_covers_the_current_model(model, monkeypatch):
    # A member botocore added since the table was written would get a placeholder;
    # this test says which, so the table can be extended with a realistic value.
    used = []
    monkeypatch.setattr(sample_output, "placeholder", lambda shape, name: used.append(name) or "x")
    sample_output.wire_response(model.output_shape)
    assert used == []


def test_nothing_outside_the_model(model, wire):
    for path, shape, value in _walk(model.output_shape, wire):
        if shape.type_name == "structure":
            assert set(value) <= set(shape.members), path


def test_values_satisfy_the_models_constraints(model, wire):
    problems = []
    for path, shape, value in _walk(model.output_shape, wire):
        metadata = shape.metadata
        kind = shape.type_name
        if kind == "string":
            if not isinstance(value, str):
                problems.append(f"{path}: not a string")
                continue
            if not sample_output.satisfies_string_constraints(value, shape):
                problems.append(f"{path}: {value!r} breaks {metadata} / enum")
        elif kind in ("list", "map"):
            if not metadata.get("min", 0) <= len(value) <= metadata.get("max", len(value)):
                problems.append(f"{path}: {len(value)} items, limits {metadata}")
        elif kind in ("integer", "long"):
            if type(value) is not int or not metadata.get("min", value) <= value <= metadata.get("max", value):
                problems.append(f"{path}: {value!r}, limits {metadata}")
        elif kind in ("float", "double"):
            if not isinstance(value, float):
                problems.append(f"{path}: {value!r} is not a float")
        elif kind == "boolean":
            if not isinstance(value, bool):
                problems.append(f"{path}: {value!r} is not a boolean")
        elif kind == "timestamp":
            if not isinstance(value, float) or not 1.5e9 < value < 2e9:
                problems.append(f"{path}: {value!r} is not a plausible epoch timestamp")
    assert not problems


def test_every_pattern_in_the_output_shape_can_be_checked(model, wire):
    # The constraint test above skips patterns Python cannot compile; there are none today.
    unreadable = {
        shape.metadata["pattern"]
        for _, shape, _ in _walk(model.output_shape, wire)
        if shape.metadata.get("pattern") and sample_output.python_pattern(shape.metadata["pattern"]) is None
    }
    assert unreadable == set()


def test_timestamps_tell_the_jobs_story_in_order(wire):
    created, started, ended, modified = (wire[key] for key in ("CreationTime", "TrainingStartTime", "TrainingEndTime", "LastModifiedTime"))
    assert created < started < ended < modified
    transitions = wire["SecondaryStatusTransitions"]
    assert transitions[0]["StartTime"] == created
    assert transitions[-1]["Status"] == wire["SecondaryStatus"] == "Completed"
    for earlier, later in zip(transitions, transitions[1:]):
        assert earlier["StartTime"] <= earlier["EndTime"] == later["StartTime"] <= later["EndTime"]
    assert transitions[-1]["EndTime"] == ended
    for metric in wire["FinalMetricDataList"]:
        assert started < metric["Timestamp"] <= ended
    for status in wire["DebugRuleEvaluationStatuses"] + wire["ProfilerRuleEvaluationStatuses"]:
        assert ended < status["LastModifiedTime"] <= modified
    assert wire["TrainingTimeInSeconds"] == round(ended - started)
    assert 0 < wire["BillableTimeInSeconds"] <= wire["TrainingTimeInSeconds"]
    assert wire["StoppingCondition"]["MaxRuntimeInSeconds"] <= wire["StoppingCondition"]["MaxWaitTimeInSeconds"]


def test_arns_and_uris_look_real(model, wire):
    strings = [value for _, shape, value in _walk(model.output_shape, wire) if shape.type_name == "string"]
    arns = [value for value in strings if value.startswith("arn:")]
    assert len(arns) >= 15
    for arn in arns:
        assert re.fullmatch(r"arn:aws:[a-z0-9-]+:(us-east-1)?:(123456789012|aws)?:\S+", arn), arn
    uris = [value for value in strings if value.startswith("s3://")]
    assert uris and all(uri.startswith("s3://amzn-s3-demo-bucket/") for uri in uris)
    assert wire["TrainingJobArn"].endswith("/" + wire["TrainingJobName"].lower())
    assert wire["MlflowConfig"]["MlflowRunName"] == wire["ExperimentConfig"]["RunName"]


def test_deterministic(model):
    assert sample_output.wire_response(model.output_shape) == sample_output.wire_response(model.output_shape)


@pytest.mark.parametrize(
    "requested, expected",
    [
        ("My-Job-1", "My-Job-1"),
        ("a" * 63, "a" * 63),
        ("a" * 64, sample_output.DEFAULT_JOB_NAME),
        ("bad name", sample_output.DEFAULT_JOB_NAME),
        ("-leading-dash", sample_output.DEFAULT_JOB_NAME),
        ("", sample_output.DEFAULT_JOB_NAME),
        (None, sample_output.DEFAULT_JOB_NAME),
        (b"bytes", sample_output.DEFAULT_JOB_NAME),
        ("jöb", sample_output.DEFAULT_JOB_NAME),
    ],
)
def test_the_requested_name_is_used_when_the_model_allows_it(model, requested, expected):
    name_shape = model.output_shape.members["TrainingJobName"]
    assert sample_output.job_name_for(requested, name_shape) == expected


def test_an_echoed_name_keeps_the_sample_valid(model):
    wire = sample_output.wire_response(model.output_shape, "A" * 63)
    assert not ParamValidator().validate(wire, model.output_shape).has_errors()
    assert wire["TrainingJobArn"].endswith("/" + "a" * 63)


def test_parsing_applies_the_timestamp_setting(model):
    session = botocore.session.get_session()
    from awsml_cli.aws.session import timestamp_parser_for

    session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=timestamp_parser_for("iso8601"))
    parsed = sample_output.sample_response(session, model)
    assert isinstance(parsed["CreationTime"], str) and parsed["CreationTime"].startswith("2024-06-01T")
    assert "ResponseMetadata" not in parsed
    assert list(parsed) == list(model.output_shape.members)


# Placeholders: for members a future botocore adds before the table knows them.

FUTURE_MEMBERS = {
    "NewArn": {"type": "string", "min": 20, "max": 256, "pattern": "arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:new-thing/.*"},
    "NewName": {"type": "string", "min": 1, "max": 63, "pattern": "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"},
    "NewS3Uri": {"type": "string", "max": 1024, "pattern": "(https|s3)://([^/]+)/?(.*)"},
    "NewLongMin": {"type": "string", "min": 40},
    "NewShortMax": {"type": "string", "max": 3},
    "NewImpossiblePattern": {"type": "string", "min": 2, "max": 4, "pattern": "[0-9]{2}"},
    "NewEnum": {"type": "string", "enum": ["Alpha", "Beta"]},
    "NewCount": {"type": "integer", "min": 7200, "max": 9000},
    "NewSmallMax": {"type": "long", "max": 0},
    "NewRatio": {"type": "double", "min": 2},
    "NewFlag": {"type": "boolean"},
    "NewTime": {"type": "timestamp"},
    "NewBlob": {"type": "blob"},
    "NewList": {"type": "list", "min": 3, "member": {"type": "string", "min": 1}},
    "NewMap": {"type": "map", "key": {"type": "string", "min": 1}, "value": {"type": "integer", "min": 5}},
    "NewNested": {"type": "structure", "members": {"Inner": {"type": "string", "min": 30}}, "required": ["Inner"]},
}


def test_placeholders_for_unknown_members_pass_validation():
    shape = DenormalizedStructureBuilder().with_members(FUTURE_MEMBERS).build_model()
    wire = sample_output.wire_response(shape)
    assert set(wire) == set(FUTURE_MEMBERS)
    assert not ParamValidator().validate(wire, shape).has_errors()
    for name in ("NewArn", "NewName", "NewS3Uri", "NewLongMin", "NewShortMax", "NewEnum"):
        assert sample_output.satisfies_string_constraints(wire[name], shape.members[name]), (name, wire[name])
    assert wire["NewCount"] == 7200 and wire["NewSmallMax"] == 0 and wire["NewRatio"] == 2.0
    assert len(wire["NewList"]) == 3 and wire["NewMap"] and len(wire["NewNested"]["Inner"]) >= 30
    assert len(wire["NewImpossiblePattern"]) in (2, 3, 4)
