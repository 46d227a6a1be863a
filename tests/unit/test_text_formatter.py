"""The text renderer against the reference samples and against awscli itself.

awscli's own ``awscli.text.format_text`` is the oracle: for any JSON-like value
awsml must write the same characters and, when aws fails, fail with the same
message after writing the same partial output.
"""

from __future__ import annotations

import io
import json
import math
import random
from pathlib import Path

import jmespath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsml_cli.output.formatters import RenderOptions
from awsml_cli.output.formatters import text as text_renderer
from awsml_cli.output.formatters.errors import RenderError

# aws v1's own output, recorded (tests/samples/README.md; tests/unit/test_samples.py reruns aws on them).
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# The reference "rich" response as it came over the wire (the samples are aws's output of it).
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


# ----------------------------------------------------------------------------- helpers


def read_sample(name: str) -> str:
    with open(SAMPLES / name, encoding="utf-8", newline="") as handle:
        return handle.read()


def parsed_sample(name: str):
    # The *_json samples are aws's JSON rendering of the parsed response, so
    # json.loads gives back the parsed data in botocore's (model) key order.
    return json.loads(read_sample(name))


def parse_wire(body: bytes) -> dict:
    """Parse a DescribeTrainingJob body the way aws v1 does (timestamps as sent)."""
    import botocore.session
    from botocore.parsers import JSONParser

    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model("DescribeTrainingJob").output_shape
    parser = JSONParser(timestamp_parser=lambda value: value)
    parsed = parser.parse({"body": body, "headers": {}, "status_code": 200}, shape)
    parsed.pop("ResponseMetadata", None)
    return parsed


def awsml(data) -> tuple[str, str | None]:
    out = io.StringIO()
    try:
        text_renderer.render(data, out, RenderOptions())
    except RenderError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def awscli(data) -> tuple[str, str | None]:
    from awscli.text import format_text

    out = io.StringIO()
    try:
        format_text(data, out)
    except Exception as exc:  # aws turns any exception into rc 255 + str(exc)
        return out.getvalue(), str(exc)
    return out.getvalue(), None


@pytest.fixture(scope="module")
def rich():
    return parsed_sample("rich_json.txt")


# ----------------------------------------------------------------------------- samples


def test_rich_json_sample_is_what_botocore_parses_from_the_wire(rich):
    parsed = parse_wire((CORPUS / "14-rich-sample.json").read_bytes())
    assert parsed == rich
    assert list(parsed) == list(rich)
    assert list(parsed["ResourceConfig"]) == list(rich["ResourceConfig"])
    assert list(parsed["HyperParameters"]) == ["zeta", "alpha", "Mid", "uni", "empty"]


def test_rich_sample_byte_for_byte(rich):
    assert awsml(rich) == (read_sample("rich_text.txt"), None)


def test_rich_sample_from_wire_byte_for_byte():
    data = parse_wire((CORPUS / "14-rich-sample.json").read_bytes())
    assert awsml(data) == (read_sample("rich_text.txt"), None)


def test_demo_sample_byte_for_byte():
    assert awsml(parsed_sample("demo_json.txt")) == (read_sample("demo_text.txt"), None)


def test_samples_agree_with_awscli(rich):
    assert awsml(rich) == awscli(rich)
    demo = parsed_sample("demo_json.txt")
    assert awsml(demo) == awscli(demo)


def test_render_writes_to_the_stream_and_ignores_colour_width_and_title():
    out = io.StringIO()
    text_renderer.render({"a": 1}, out, RenderOptions(title="X", color=True, terminal_width=3))
    assert out.getvalue() == "1\n"


# ----------------------------------------------------------------------------- --query results (§2)

QUERY_CASES = [
    ("TrainingJobName", "jöb\n"),
    ("Nope", "None\n"),
    ("EnableManagedSpotTraining", "True\n"),
    ("VpcConfig.SecurityGroupIds", "sg-1\tsg-2\n"),
    ("FinalMetricDataList[].[MetricName,Value]", "m1\t1e-07\nm2\t12345678901234567890\nm3\t2.5e+20\n"),
    ("[TrainingJobName, Nope, ResourceConfig.InstanceCount]", "jöb\tNone\t2\n"),
    ("{a: TrainingJobName, b: Nope}", "jöb\tNone\n"),
    ("ResourceConfig", "2\tml.p3.2xlarge\t0\t50\nINSTANCEGROUPS\t1\tg1\ta\n"),
    ("VpcConfig", "SECURITYGROUPIDS\tsg-1\nSECURITYGROUPIDS\tsg-2\nSUBNETS\tsubnet-1\n"),
    ("`[[1,2],[3,[4,5]]]`", "1\t2\n3\n4\t5\n"),
    ("`[1,[2,3],4]`", "1\t4\n2\t3\n"),
    ('`[{"a":1,"b":[1,2]},{"c":3}]`', "1\t\nB\t1\nB\t2\n\t3\n"),
    ('`{"k":[{"x":1},{"y":2}],"s":"v","n":null}`', "None\tv\nK\t1\t\nK\t\t2\n"),
    ('`{"a":{"b":{"c":1}}}`', "B\t1\n"),
    ('`{"l":[[1,2],[3]]}`', "L\t1\nL\t2\nL\t3\n"),
    ('`[[{"a":1}]]`', "1\n"),
    ("`[null,true,1.5]`", "None\tTrue\t1.5\n"),
    ("''", "\n"),
    ('`""`', "\n"),
    ("`{}`", ""),
    ("`[]`", ""),
    ("Environment", ""),
    ("DebugRuleConfigurations", ""),
    ("`false`", "False\n"),
    ("`0`", "0\n"),
    ("HyperParameters", "new\nline\ttab\there\t\tcafé 日本 😀\tz\n"),
    ("FinalMetricDataList[0].Value", "1e-07\n"),
    ("CreationTime", "1700000000.0\n"),
]


@pytest.mark.parametrize(("query", "expected"), QUERY_CASES, ids=[q for q, _ in QUERY_CASES])
def test_query_results(rich, query, expected):
    data = jmespath.search(query, rich)
    assert awsml(data) == (expected, None)
    assert awscli(data) == (expected, None)


ERROR_CASES = [
    # (value, partial stdout, message)
    ([[], {}], "", "'list' object has no attribute 'items'"),
    ([{}, []], "", "'list' object has no attribute 'items'"),
    ([{"a": 1}, 5], "", "'int' object has no attribute 'items'"),
    ([{"a": 1}, "s"], "", "'str' object has no attribute 'items'"),
    ([None, {"a": 1}], "", "'NoneType' object has no attribute 'items'"),
    ([{"a": 1}, True], "", "'bool' object has no attribute 'items'"),
    ([{"a": 1}, 1.5], "", "'float' object has no attribute 'items'"),
    # Lines before the bad record list have already gone out, as in aws.
    ({"a": 1, "b": [{"x": 1}, 2]}, "1\n", "'int' object has no attribute 'items'"),
    ({"a": {"s": 1}, "b": [[1], [{"x": 2}, [3]]]}, "A\t1\nB\t1\n", "'list' object has no attribute 'items'"),
    ([[1, 2], [[{"k": "v"}], 7], [{"a": 1}, 3]], "1\t2\n7\nv\n", "'int' object has no attribute 'items'"),
]


@pytest.mark.parametrize(("value", "partial", "message"), ERROR_CASES)
def test_errors_match_awscli(value, partial, message):
    assert awscli(value) == (partial, message)
    out = io.StringIO()
    with pytest.raises(text_renderer.TextRenderError) as info:
        text_renderer.render(value, out, RenderOptions())
    assert isinstance(info.value, RenderError)
    assert str(info.value) == message
    assert out.getvalue() == partial


SCALAR_CASES = [
    0,
    -0.0,
    1e-07,
    2.5e20,
    float("inf"),
    float("-inf"),
    float("nan"),
    12345678901234567890,
    10**200,
    True,
    False,
    None,
    "",
    "tab\there",
    "new\nline",
    "café 日本 😀",
    123456789.12345679,
]


@pytest.mark.parametrize("value", SCALAR_CASES, ids=repr)
def test_scalars_print_with_str(value):
    assert awsml(value) == (str(value) + "\n", None)
    assert awsml(value) == awscli(value)
    assert awsml([value, value]) == awscli([value, value])
    assert awsml({"k": [value]}) == awscli({"k": [value]})


def test_keys_sort_by_code_point_and_labels_use_upper():
    data = {"b": 2, "Mid": "m", "alpha": 1, "ß": [1], "é": {"x": 1}}
    assert awsml(data) == ("m\t1\t2\nSS\t1\nÉ\t1\n", None)
    assert awsml(data) == awscli(data)


def test_record_list_cell_can_hold_a_container_repr():
    # A key that is scalar in one record and a container in another is a
    # column: the container is printed with str().
    data = [{"a": 1}, {"a": [1, "x"], "b": {"c": 2}}]
    assert awsml(data) == ("1\n[1, 'x']\nB\t2\n", None)
    assert awsml(data) == awscli(data)


# ----------------------------------------------------------------------------- oracle (hypothesis)

# Characters that stress widths and layout: ASCII, tabs/newlines, Latin-1
# ambiguous, CJK wide, fullwidth, emoji, combining marks.
_CHARS = st.sampled_from(list("abcXYZ_-:0 \t\n\r|+") + list("éößÆ±°§·日本語ｶＡ😀\u0301\u200b€"))
_TEXT = st.text(_CHARS, max_size=8) | st.text(max_size=6)
_KEYS = st.sampled_from(["a", "b", "B", "c", "Mid", "alpha", "x", "é", "日", "", "k k", "a\tb"]) | st.text(_CHARS, max_size=4)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0, -0.0, 1e-07, 2.5e20, 1e16, 0.1])
    | _TEXT
)
JSONISH = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(_KEYS, children, max_size=5),
    max_leaves=25,
)




@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSONISH)
def test_matches_awscli_on_random_data(data):
    assert awsml(data) == awscli(data)


# Record lists are where the interesting cases are: lists of mostly-dicts,
# sometimes with an odd element, keys that overlap between records.
_RECORDS = st.lists(
    st.dictionaries(_KEYS, JSONISH, max_size=4) | _SCALARS | st.lists(JSONISH, max_size=3),
    min_size=1,
    max_size=5,
)


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _RECORDS | JSONISH, max_size=4) | _RECORDS)
def test_matches_awscli_on_record_lists(data):
    assert awsml(data) == awscli(data)


# Hypothesis draws structured data slowly (a few ms per value); for volume, a
# cheap seeded generator aimed at the same corners adds many more values per
# example.  A failure reports the seed (and the failing value).
_RANDOM_CHARS = "abcXYZ_-:0 \t\n\r|+éößÆ±°§·日本語ｶＡ😀\u0301€"
_RANDOM_KEYS = ["a", "b", "B", "c", "Mid", "alpha", "é", "日", "", "x\ty"]
_SPECIAL_NUMBERS = [0, -0.0, 1e-07, 2.5e20, 1e16, 0.1, math.inf, -math.inf, math.nan, 10**20, -7]


def random_scalar(rng):
    kind = rng.randrange(7)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.choice(_SPECIAL_NUMBERS)
    if kind == 3:
        return rng.randint(-(10**6), 10**6)
    if kind == 4:
        return rng.uniform(-1e6, 1e6)
    return "".join(rng.choice(_RANDOM_CHARS) for _ in range(rng.randrange(9)))


def random_jsonish(rng, depth=0):
    roll = rng.random()
    if depth >= 4 or roll < 0.3:
        return random_scalar(rng)
    size = rng.randrange(5)
    if roll < 0.5:
        return [random_jsonish(rng, depth + 1) for _ in range(size)]
    if roll < 0.75:
        # A record list: mappings over a shared key pool, now and then an odd
        # element (scalar, list or nothing-but-containers mapping).
        records = []
        for _ in range(size + 1):
            if rng.random() < 0.06:
                records.append(random_jsonish(rng, depth + 2))
            else:
                keys = rng.sample(_RANDOM_KEYS, rng.randrange(4))
                records.append({key: random_jsonish(rng, depth + 2) for key in keys})
        return records
    keys = rng.sample(_RANDOM_KEYS, size)
    return {key: random_jsonish(rng, depth + 1) for key in keys}


@settings(max_examples=1000, deadline=None)
@given(st.integers(min_value=0, max_value=2**64))
def test_matches_awscli_on_bulk_random_data(seed):
    rng = random.Random(seed)
    for _ in range(40):
        data = random_jsonish(rng)
        assert awsml(data) == awscli(data), data


def test_nan_and_infinities_match():
    data = {"n": math.nan, "i": [math.inf, -math.inf], "z": -0.0}
    assert awsml(data) == awscli(data) == ("nan\t-0.0\nI\tinf\nI\t-inf\n", None)
