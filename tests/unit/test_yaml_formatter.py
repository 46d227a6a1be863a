"""The yaml and yaml-stream renderers: aws v2's formatting, checked three ways.

1. Golden outputs: aws v2's own expectations (from its unit tests: scalars as
   JSON, ``{}`` prints nothing, ``[]`` prints ``[]``, sorted keys, ``- `` items
   for yaml-stream) and whole responses from the reference samples.
2. Oracle: ruamel.yaml set up as aws v2 sets it up (``YAML(typ='safe')``,
   block style, with its C emitter) must write the same text for any JSON-like
   value (hypothesis).
3. Round trip: reading the output back gives the same data as JSON output.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsml_cli.output import formatters
from awsml_cli.output.formatters import RenderOptions
from awsml_cli.output.formatters import yaml_output, yaml_stream

# aws v1's own output, recorded (tests/samples/README.md; tests/unit/test_samples.py reruns aws on them).
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
GOLDEN = Path(__file__).parent / "golden"


def render(data, renderer=yaml_output) -> str:
    out = io.StringIO()
    renderer.render(data, out, RenderOptions())
    return out.getvalue()


def sample_data(name: str):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def ruamel_as_aws_v2(data) -> str:
    """What aws v2 writes: ruamel's safe dumper, block style; scalars as JSON."""
    ruamel_yaml = pytest.importorskip("ruamel.yaml")
    if not isinstance(data, (dict, list)):
        return json.dumps(data, ensure_ascii=False) + "\n"
    dumper = ruamel_yaml.YAML(typ="safe")
    if dumper.Emitter is ruamel_yaml.emitter.Emitter:
        pytest.skip("ruamel.yaml without its C extension is not what aws v2 ships")
    dumper.default_flow_style = False
    out = io.StringIO()
    dumper.dump(data, out)
    return out.getvalue()


def ruamel_load(text: str):
    ruamel_yaml = pytest.importorskip("ruamel.yaml")
    return ruamel_yaml.YAML(typ="safe").load(text)


# ----------------------------------------------------------------------------- registry


def test_registered_under_aws_v2_names():
    assert formatters.is_known("yaml") and formatters.is_known("yaml-stream")
    assert formatters.get_renderer("yaml") is yaml_output.render
    assert formatters.get_renderer("yaml-stream") is yaml_stream.render


def test_cli_offers_yaml_choices():
    from awsml_cli.cli.tree import root

    output = next(param for param in root.params if param.name == "output")
    assert [name for name in output.type.choices if name.startswith("yaml")] == ["yaml", "yaml-stream"]


# ----------------------------------------------------------------------------- golden outputs


@pytest.mark.parametrize(
    "data, expected",
    [
        # Scalars are written as JSON (aws v2 avoids YAML's "..." end marker).
        (1, "1\n"),
        (1.2, "1.2\n"),
        (0.5, "0.5\n"),
        (True, "true\n"),
        (False, "false\n"),
        (None, "null\n"),
        ("foo", '"foo"\n'),
        ("", '""\n'),
        ("✓ café", '"✓ café"\n'),
        ('say "hi"\n', '"say \\"hi\\"\\n"\n'),
        # Containers: block style, keys sorted, sequences under a key not indented.
        ({"key": "val"}, "key: val\n"),
        (["val1", "val2"], "- val1\n- val2\n"),
        ({}, ""),
        ([], "[]\n"),
        ({"b": 1, "a": [], "c": {}}, "a: []\nb: 1\nc: {}\n"),
        ({"Users": [{"UserName": "u", "Path": "/", "Arn": "arn:aws:iam::1:user/u"}]},
         "Users:\n- Arn: arn:aws:iam::1:user/u\n  Path: /\n  UserName: u\n"),
        ([{"a": [1, 2]}], "- a:\n  - 1\n  - 2\n"),
        ([[1, [2]], []], "- - 1\n  - - 2\n- []\n"),
        ({"a": None, "b": True}, "a: null\nb: true\n"),
        ({"note": "café 日本"}, "note: café 日本\n"),
        # libyaml (aws v2's emitter) escapes characters outside the BMP.
        ({"note": "café 😀"}, 'note: "café \\U0001F600"\n'),
        # Strings that would read back as another type under YAML 1.2 are quoted...
        ({"v": ["123", "1.5", "1e3", "0777", "0x1F", "true", "null", "~", "", "2013-02-12T19:08:52Z", "2024-01-01"]},
         "v:\n- '123'\n- '1.5'\n- '1e3'\n- '0777'\n- '0x1F'\n- 'true'\n- 'null'\n- '~'\n- ''\n"
         "- '2013-02-12T19:08:52Z'\n- '2024-01-01'\n"),
        # ... but YAML 1.1-only booleans and sexagesimals are not (ruamel's YAML 1.2).
        ({"v": ["yes", "no", "on", "off", "y", "1:20"]}, "v:\n- yes\n- no\n- on\n- off\n- y\n- 1:20\n"),
        # Indicators and special characters.
        ({"v": ["- x", "x: y", "#c", "a #b", "@at", "`tick", "a\tb", " lead", "trail "]},
         "v:\n- '- x'\n- 'x: y'\n- '#c'\n- 'a #b'\n- '@at'\n- '`tick'\n- \"a\\tb\"\n- ' lead'\n- 'trail '\n"),
        # Multi-line strings: single-quoted, line breaks folded.
        ({"nl": "x\ny"}, "nl: 'x\n\n  y'\n"),
        # Floats as repr(), without PyYAML's inserted ".0".
        ({"f": [1e17, 100.0, -0.0, 1.5e-07]}, "f:\n- 1e+17\n- 100.0\n- -0.0\n- 1.5e-07\n"),
    ],
)
def test_golden(data, expected):
    assert render(data) == expected
    assert render(data) == ruamel_as_aws_v2(data) or data == {}


def test_long_strings_fold_at_80_columns():
    text = " ".join(["word"] * 40)
    output = render({"Message": text})
    assert len(output.splitlines()) > 1
    assert yaml.safe_load(output) == {"Message": text}
    assert output == ruamel_as_aws_v2({"Message": text})


def test_shared_subobjects_use_anchors_like_aws_v2():
    # A --query such as "[ResourceConfig, ResourceConfig]" yields one object twice.
    shared = {"InstanceCount": 1}
    output = render([shared, shared])
    assert output == "- &id001\n  InstanceCount: 1\n- *id001\n"
    assert output == ruamel_as_aws_v2([shared, shared])


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"TableNames": ["MyTable"]}, "- TableNames:\n  - MyTable\n"),
        ({}, "- {}\n"),
        ([], "- []\n"),
        ("foo", "- foo\n"),
        (None, "- null\n"),
        (1, "- 1\n"),
    ],
)
def test_stream_is_a_sequence_of_one_page(data, expected):
    assert render(data, yaml_stream) == expected


@pytest.mark.parametrize("name", ["demo_json.txt", "rich_json.txt"])
def test_reference_responses_golden(name):
    data = sample_data(name)
    golden = GOLDEN / name.replace("_json.txt", ".yaml")
    output = render(data)
    assert output == golden.read_text(encoding="utf-8")
    assert render(data, yaml_stream) == "".join(
        ("- " if index == 0 else "  ") + line + "\n" if line else "\n"
        for index, line in enumerate(output.splitlines())
    )
    assert output == ruamel_as_aws_v2(data)


@pytest.mark.parametrize("name", ["demo_json.txt", "rich_json.txt"])
def test_reference_responses_round_trip(name):
    data = sample_data(name)
    assert ruamel_load(render(data)) == data
    assert ruamel_load(render(data, yaml_stream)) == [data]


def test_seeded_jobs_round_trip_with_pyyaml():
    # PyYAML reads YAML 1.1, which differs from 1.2 on a few plain scalars
    # (1e-07 is a string, yes/on are booleans, 1:20 is 80); the jobs awsml's
    # tests and demo use have none of them.
    from awsml_cli.demo import SEEDED_JOBS

    for job in SEEDED_JOBS:
        assert yaml.safe_load(render(job)) == job
        assert yaml.safe_load(render(job, yaml_stream)) == [job]
    data = sample_data("demo_json.txt")
    assert yaml.safe_load(render(data)) == data


def test_query_results_round_trip():
    import jmespath

    data = sample_data("rich_json.txt")
    for expression in ("ResourceConfig", "HyperParameters", "keys(@)", "SecondaryStatusTransitions[].Status",
                       "TrainingJobName", "ResourceConfig.InstanceCount", "Nope", "{a: TrainingJobName, b: Nope}"):
        result = jmespath.search(expression, data)
        text = render(result)
        assert yaml.safe_load(text) == result, expression


def test_timestamps_and_blobs_read_back_as_json_shows_them():
    import datetime

    when = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc)
    output = render({"T": when, "B": b"\x00\x01"})
    assert yaml.safe_load(output) == {"B": "AAE=", "T": "2024-05-01T12:30:00+00:00"}


# ----------------------------------------------------------------------------- oracle and round trip

def _json_like(text):
    scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False, allow_infinity=False) | text
    keys = text.filter(lambda key: len(key) <= 8) | _tricky
    return st.recursive(
        scalars | _tricky,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
        max_leaves=20,
    )


# Strings shaped like YAML's special words and numbers, where quoting matters.
_tricky = st.sampled_from(
    ["yes", "No", "ON", "off", "y", "n", "true", "False", "null", "~", "", "1", "-1", "+1", "1.0", ".5", "1e3",
     "1_000", "0x1f", "0o17", "0b101", "0777", "1:20", "2024-01-01", "2024-01-01 10:00:00", "<<", "=", "- a",
     "a: b", "#", "!x", "&a", "*a", "|", ">", "'q'", '"q"', "a\nb", "\t", " ", "é", "日本", ".inf", ".NaN", "-_"]
)
_any_json_like = _json_like(st.text())
# ruamel's reader refuses control characters even when escaped, so the
# read-back test leaves them out.
_readable_json_like = _json_like(st.text(st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\t\n")))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_any_json_like)
def test_same_text_as_ruamel_configured_like_aws_v2(data):
    if data == {}:
        assert render(data) == ""
        return
    assert render(data) == ruamel_as_aws_v2(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_readable_json_like)
def test_reads_back_as_the_same_data_with_a_yaml_1_2_reader(data):
    if data == {}:
        return
    assert ruamel_load(render(data)) == data
    assert ruamel_load(render(data, yaml_stream)) == [data]
