"""YAML as aws v2 reads it (YAML 1.2, no duplicate keys) and its annotated input skeleton."""

from __future__ import annotations

import datetime
import math

import botocore.session
import pytest
from botocore.model import DenormalizedStructureBuilder

from awsml_cli.command import skeleton, yaml_input
from awsml_cli.output import yaml12
from awsml_cli.command.yaml_input import InvalidYaml, load


@pytest.mark.parametrize(
    "text, expected",
    [
        # YAML 1.1 booleans are plain strings in 1.2.
        ("v: no", "no"),
        ("v: yes", "yes"),
        ("v: on", "on"),
        ("v: Off", "Off"),
        ("v: y", "y"),
        ("v: true", True),
        ("v: FALSE", False),
        ("v: True", True),
        ("v: tRUE", "tRUE"),
        # Integers: leading zero is decimal, 0o/0x/0b prefixes, underscores.
        ("v: 017", 17),
        ("v: 0o17", 15),
        ("v: 0x1F", 31),
        ("v: 0b101", 5),
        ("v: -42", -42),
        ("v: +7", 7),
        ("v: 1_000", 1000),
        ("v: 123456789012345678901234567890", 123456789012345678901234567890),
        ("v: 0x", "0x"),
        ("v: 1:30", "1:30"),
        # Floats need a dot or an exponent.
        ("v: 1.5", 1.5),
        ("v: 1e3", 1000.0),
        ("v: .5", 0.5),
        ("v: -.inf", -math.inf),
        ("v: 1.", 1.0),
        ("v: 1_0.5", 10.5),
        # Nulls.
        ("v: null", None),
        ("v: ~", None),
        ("v:", None),
        ("v: NULL", None),
        ("v: nUll", "nUll"),
        # Strings that look like other things in other dialects.
        ("v: =", "="),
        ("v: demo-job", "demo-job"),
        ("v: 'no'", "no"),
        ('v: "0x1F"', "0x1F"),
        ("v: jöb 日本", "jöb 日本"),
        # Timestamps, as ruamel reads them.
        ("v: 2024-06-01", datetime.date(2024, 6, 1)),
    ],
)
def test_yaml_12_scalars(text, expected):
    assert load(text) == {"v": expected}
    assert type(load(text)["v"]) is type(expected)


def test_nan():
    assert math.isnan(load("v: .nan")["v"])


def test_documents_and_collections():
    assert load("TrainingJobName: demo-job\n") == {"TrainingJobName": "demo-job"}
    assert load("{TrainingJobName: demo-job}") == {"TrainingJobName": "demo-job"}
    assert load("- a\n- b") == ["a", "b"]
    assert load("") is None
    assert load("# only a comment\n") is None
    assert load("plain") == "plain"
    assert load("---\nTrainingJobName: x\n...\n") == {"TrainingJobName": "x"}


def test_bytes_with_and_without_bom():
    assert load(b"TrainingJobName: demo-job") == {"TrainingJobName": "demo-job"}
    assert load(b"\xef\xbb\xbfTrainingJobName: demo-job") == {"TrainingJobName": "demo-job"}
    assert load("TrainingJobName: demo-job".encode("utf-16")) == {"TrainingJobName": "demo-job"}
    assert load("\ufeffTrainingJobName: demo-job") == {"TrainingJobName": "demo-job"}


def test_merge_keys_and_explicit_override():
    text = "base: &b {TrainingJobName: a, X: 1}\njob:\n  <<: *b\n  TrainingJobName: b\n"
    assert load(text)["job"] == {"TrainingJobName": "b", "X": 1}


def test_anchors_and_recursive_documents_load():
    assert load("a: &x [1]\nb: *x") == {"a": [1], "b": [1]}
    recursive = load("&a [*a]")
    assert recursive[0] is recursive


@pytest.mark.parametrize(
    "text",
    [
        "TrainingJobName: a\nTrainingJobName: b\n",
        "{a: 1, a: 2}",
        "x:\n  k: 1\n  k: 1\n",
        "{bad",
        "TrainingJobName: [1",
        "a: b: c",
        "\tTrainingJobName: x",
        "a: 1\n---\nb: 2\n",
        "!!python/object:os.system x",
        "!!python/name:os.system ''",
        "v: !!bool maybe",
        "v: !!float abc",
        "v: !!int abc",
        "v: !!timestamp nope",
        "v: 2024-13-45",
        "? [a, b]\n: c",
        "*undefined",
        "v: \x00",
        "v: \x07",
        b"v: caf\xe9",
        "[" * 5000,
        "<<: 5",
    ],
)
def test_invalid_yaml_is_reported_not_raised(text):
    with pytest.raises(InvalidYaml) as raised:
        load(text)
    assert str(raised.value)


def test_duplicate_key_message_says_which_key():
    with pytest.raises(InvalidYaml, match="found duplicate key 'TrainingJobName'"):
        load("TrainingJobName: a\nTrainingJobName: b\n")


def test_error_message_points_at_the_problem():
    with pytest.raises(InvalidYaml) as raised:
        load("TrainingJobName: [1")
    assert "line 1, column" in str(raised.value)


@pytest.mark.parametrize("text", ["no", "yes", "demo-job", "ml.m5.xlarge", "None", "=", "a b"])
def test_strings_that_stay_strings(text):
    assert yaml12.resolves_to_string(text)


@pytest.mark.parametrize("text", ["true", "1", "0x1", "1.5", "null", "~", "", "2024-01-01", "<<", ".inf"])
def test_strings_that_would_change_type(text):
    assert not yaml12.resolves_to_string(text)


# --generate-cli-skeleton yaml-input


def _operation(name):
    return botocore.session.get_session().get_service_model("sagemaker").operation_model(name)


def test_describe_training_job_yaml_skeleton_is_aws_v2s():
    assert skeleton.annotated_skeleton(_operation("DescribeTrainingJob").input_shape) == (
        "TrainingJobName: ''  # [REQUIRED] The name of the training job.\n"
    )


def test_skeletons_read_back_as_the_json_skeleton():
    from awsml_cli.command.skeleton import input_skeleton

    for operation in ("DescribeTrainingJob", "CreateTrainingJob", "CreateEndpointConfig"):
        shape = _operation(operation).input_shape
        loaded = load(skeleton.annotated_skeleton(shape))
        assert set(loaded) == set(input_skeleton(shape)), operation


def test_nested_layout_follows_aws_v2():
    # Shapes and layout as in the AWS CLI user guide's ``run-instances`` example.
    shape = (
        DenormalizedStructureBuilder()
        .with_members(
            {
                "BlockDeviceMappings": {
                    "type": "list",
                    "documentation": "<p>The block device mapping entries.</p>",
                    "member": {
                        "type": "structure",
                        "members": {
                            "DeviceName": {"type": "string", "documentation": "<p>The device name.</p>"},
                            "VirtualName": {"type": "string", "documentation": "The virtual device name (ephemeralN)."},
                        },
                    },
                },
                "ImageId": {"type": "string", "documentation": "<p>The ID of the AMI. More text: here.</p>"},
                "MaxCount": {"type": "integer", "documentation": "<p>The maximum number of instances to launch.</p>"},
                "Monitoring": {
                    "type": "structure",
                    "documentation": "<p>Specifies whether detailed monitoring is enabled for the instance.</p>",
                    "members": {"Enabled": {"type": "boolean", "documentation": "<p>Indicates whether detailed monitoring is enabled.</p>"}},
                    "required": ["Enabled"],
                },
                "SecurityGroupIds": {"type": "list", "documentation": "<p>The IDs of the security groups.</p>", "member": {"type": "string"}},
                "Tenancy": {"type": "string", "enum": ["default", "dedicated"], "documentation": "<p>The tenancy of the instance.</p>"},
                "Tags": {"type": "map", "key": {"type": "string"}, "value": {"type": "string"}},
                "NoDocs": {"type": "string"},
            }
        )
        .build_model()
    )
    assert skeleton.annotated_skeleton(shape) == (
        "BlockDeviceMappings:  # The block device mapping entries.\n"
        "- DeviceName: ''  # The device name.\n"
        "  VirtualName: '' # The virtual device name (ephemeralN).\n"
        "ImageId: '' # The ID of the AMI.\n"
        "MaxCount: 0 # The maximum number of instances to launch.\n"
        "Monitoring: # Specifies whether detailed monitoring is enabled for the instance.\n"
        "  Enabled: true  # [REQUIRED] Indicates whether detailed monitoring is enabled.\n"
        "SecurityGroupIds: # The IDs of the security groups.\n"
        "- ''\n"
        "Tenancy: default # The tenancy of the instance. Valid values are: default, dedicated.\n"
        "Tags:\n"
        "  KeyName: ''\n"
        "NoDocs: ''\n"
    )


@pytest.mark.parametrize(
    "documentation, expected",
    [
        ("<p>The name of the training job.</p>", "The name of the training job."),
        ("<p>First: second.</p>", "First."),
        ("<p>Use <code>x</code> here. More.</p>", "Use x here."),
        ("line one\nstill one. two", "line one still one."),
        ("<p>Unclosed <b>tag</p>", "<p>Unclosed <b>tag</p>."),
        ("", ""),
    ],
)
def test_doc_overview(documentation, expected):
    assert skeleton.doc_overview(documentation) == expected
