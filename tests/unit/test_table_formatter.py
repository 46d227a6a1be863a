"""The table renderer against the reference samples and against awscli itself.

The oracle is awscli's ``TableFormatter`` run in-process on a StringIO, with
its terminal-width probe patched.  For colour, ``colorama.init`` (which would
rewrap this process's sys.stdout/stderr) is patched out and the StringIO is
wrapped in colorama's own autoreset writer instead: that is exactly what
``init(autoreset=True, strip=False)`` puts around stdout.  The emulation was
checked by hand against a real ``aws ... --output table --color on`` run
(it reproduces samples/rich_table_color_on_ResourceConfig.txt byte for byte).
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import math
import os
import random
import struct
import termios
import types
from pathlib import Path
from unittest import mock

import jmespath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsml_cli.output.formatters import RenderOptions
from awsml_cli.output import terminal
from awsml_cli.output.formatters import table as table_renderer
from awsml_cli.output.formatters.errors import COLOR_RESET, RenderError, stderr_text

# aws v1's own output, recorded (tests/samples/README.md; tests/unit/test_samples.py reruns aws on them).
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# The reference "rich" response as it came over the wire (the samples are aws's output of it).
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TITLE = "DescribeTrainingJob"


# ----------------------------------------------------------------------------- helpers


def read_sample(name: str) -> str:
    with open(SAMPLES / name, encoding="utf-8", newline="") as handle:
        return handle.read()


def parsed_sample(name: str):
    # aws's JSON rendering of the parsed response: json.loads gives the parsed
    # data back in botocore's model key order.
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


def awsml(data, width=80, color=False, title=TITLE) -> tuple[str, str | None]:
    out = io.StringIO()
    options = RenderOptions(title=title, color=color, terminal_width=width)
    try:
        table_renderer.render(data, out, options)
    except RenderError as exc:
        assert exc.colored is color
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def _no_colorama_init(**_kwargs):
    return None


def awscli(data, width=80, color=False, title=TITLE) -> tuple[str, str | None]:
    import awscli.table
    import colorama
    from awscli.formatter import TableFormatter
    from colorama.ansitowin32 import AnsiToWin32

    args = types.SimpleNamespace(color="on" if color else "off", query=None)
    # Plain attribute swaps rather than mock.patch: this runs tens of
    # thousands of times and mock.patch dominated the test's run time.
    saved = awscli.table.determine_terminal_width, colorama.init
    awscli.table.determine_terminal_width = lambda: width
    colorama.init = _no_colorama_init
    try:
        formatter = TableFormatter(args)
    finally:
        awscli.table.determine_terminal_width, colorama.init = saved
    out = io.StringIO()
    stream = AnsiToWin32(out, convert=False, strip=False, autoreset=True).stream if color else out
    try:
        # The part of FullyBufferedFormatter.__call__ after --query.
        formatter._format_response(title, data, stream)
    except Exception as exc:  # aws turns any exception into rc 255 + str(exc)
        return out.getvalue(), str(exc)
    return out.getvalue(), None


@pytest.fixture(scope="module")
def rich():
    return parsed_sample("rich_json.txt")


@pytest.fixture(scope="module")
def demo():
    return parsed_sample("demo_json.txt")


# ----------------------------------------------------------------------------- samples


def test_rich_sample_byte_for_byte(rich):
    assert awsml(rich) == (read_sample("rich_table.txt"), None)


def test_rich_sample_from_wire_byte_for_byte():
    data = parse_wire((CORPUS / "14-rich-sample.json").read_bytes())
    assert awsml(data) == (read_sample("rich_table.txt"), None)


def test_demo_sample_byte_for_byte(demo):
    assert awsml(demo) == (read_sample("demo_table.txt"), None)


def test_colour_sample_byte_for_byte(rich):
    expected = read_sample("rich_table_color_on_ResourceConfig.txt")
    assert awsml(rich["ResourceConfig"], color=True) == (expected, None)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("width", [0, 40, 80, 84, 85, 109, 110, 200, 400])
def test_samples_agree_with_awscli(rich, demo, width, color):
    assert awsml(rich, width, color) == awscli(rich, width, color)
    assert awsml(demo, width, color) == awscli(demo, width, color)


def test_unknown_width_asks_the_stream_and_a_stringio_means_80(rich):
    out = io.StringIO()
    table_renderer.render(rich, out, RenderOptions())
    assert out.getvalue() == read_sample("rich_table.txt")


def test_demo_in_a_wide_terminal_is_horizontal(demo):
    wide, _ = awsml(demo, width=400)
    assert wide == awscli(demo, width=400)[0]
    assert "|  ArtifactsS3" not in wide
    lines = wide.splitlines()
    assert len(lines[0]) <= 400 and len(lines[0]) > 200
    # 200 columns is still too narrow for the horizontal top section.
    assert awsml(demo, width=200) == (read_sample("demo_table.txt"), None)


def test_a_table_that_fits_stays_horizontal():
    data = {"CreationTime": "2023-11-14T22:13:20+00:00", "TrainingJobName": "ok"}
    assert awsml(data) == (
        "--------------------------------------------------\n"
        "|               DescribeTrainingJob              |\n"
        "+----------------------------+-------------------+\n"
        "|        CreationTime        |  TrainingJobName  |\n"
        "+----------------------------+-------------------+\n"
        "|  2023-11-14T22:13:20+00:00 |  ok               |\n"
        "+----------------------------+-------------------+\n",
        None,
    )


# ----------------------------------------------------------------------------- --query results (§3)

TITLE_ONLY = "---------------------\n|DescribeTrainingJob|\n+-------------------+\n"


@pytest.mark.parametrize("query", ["TrainingJobName", "ResourceConfig.InstanceCount", "EnableManagedSpotTraining"])
def test_truthy_scalar_prints_the_title_only(rich, query):
    data = jmespath.search(query, rich)
    assert awsml(data) == (TITLE_ONLY, None)
    assert awscli(data) == (TITLE_ONLY, None)


@pytest.mark.parametrize(
    "query", ["Nope", "`false`", "`0`", "''", "`{}`", "`[]`", "Environment", "DebugRuleConfigurations", "`0.0`"]
)
@pytest.mark.parametrize("color", [False, True])
def test_falsy_results_print_nothing(rich, query, color):
    data = jmespath.search(query, rich)
    assert awsml(data, color=color) == ("", None)
    assert awscli(data, color=color) == ("", None)


QUERY_CASES = [
    (
        "VpcConfig.SecurityGroupIds",
        "---------------------\n|DescribeTrainingJob|\n+-------------------+\n"
        "|  sg-1             |\n|  sg-2             |\n+-------------------+\n",
    ),
    (
        "FinalMetricDataList[].[MetricName,Value]",
        "--------------------------------\n"
        "|      DescribeTrainingJob     |\n"
        "+----+-------------------------+\n"
        "|  m1|  1e-07                  |\n"
        "|  m2|  12345678901234567890   |\n"
        "|  m3|  2.5e+20                |\n"
        "+----+-------------------------+\n",
    ),
    (
        '`{"a":1}`',
        "---------------------\n|DescribeTrainingJob|\n+--------+----------+\n|  a     |  1       |\n+--------+----------+\n",
    ),
    (
        "{a: TrainingJobName, b: Nope}",
        "---------------------\n|DescribeTrainingJob|\n+--------+----------+\n|    a   |    b     |\n"
        "+--------+----------+\n|  jöb   |  None    |\n+--------+----------+\n",
    ),
    (
        '`[{"a":1},{"a":2,"b":{"c":3}}]`',
        "---------------------\n"
        "|DescribeTrainingJob|\n"
        "+-------------------+\n"
        "|         a         |\n"
        "+-------------------+\n"
        "|  1                |\n"
        "+-------------------+\n"
        "|DescribeTrainingJob|\n"
        "+-------------------+\n"
        "|         a         |\n"
        "+-------------------+\n"
        "|  2                |\n"
        "+-------------------+\n"
        "||        b        ||\n"
        "|+-------+---------+|\n"
        "||  c    |  3      ||\n"
        "|+-------+---------+|\n",
    ),
]


@pytest.mark.parametrize(("query", "expected"), QUERY_CASES, ids=[q for q, _ in QUERY_CASES])
def test_query_results(rich, query, expected):
    data = jmespath.search(query, rich)
    assert awsml(data) == (expected, None)
    assert awscli(data) == (expected, None)


MORE_QUERIES = [
    "ResourceConfig",
    "VpcConfig",
    "HyperParameters",
    "FinalMetricDataList",
    "[TrainingJobName, Nope, ResourceConfig.InstanceCount]",
    "`[[1],[2,3]]`",
    "`[1,[2,3]]`",
    "`[[1,[2]],[3]]`",
    '`[[{"a":1}]]`',
    '`[1, {"a":1,"b":2}]`',
    '`[[1,2], {"a":1,"b":[2]}]`',
    '`[[], []]`',
    '`[{"a":[1]}]`',
    '`[{"a":[1]},{"a":[2]}]`',
    '`{"":{"x":1},"k":[]}`',
    '`[{"a":1},{"a":[5]}]`',
    '`{"日本":"café","é":"x"}`',
]


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("width", [10, 80, 300])
@pytest.mark.parametrize("query", MORE_QUERIES)
def test_more_query_results_match_awscli(rich, query, width, color):
    data = jmespath.search(query, rich)
    assert awsml(data, width, color) == awscli(data, width, color)


ERROR_CASES = [
    ([[1, 2], [3, [4, 5]]], "Row should have 2 elements, instead it has 1"),
    ([{"a": 1}, 5], "'int' object is not iterable"),
    ([{"a": 1}, None], "'NoneType' object is not iterable"),
    ([{"a": 1}, 1.5], "'float' object is not iterable"),
    ([{"a": 1}, "ab"], "string indices must be integers, not 'str'"),
    ([{"a": 1}, ""], "'str' object has no attribute 'get'"),
    ([{"a": 1}, ["x"]], "list indices must be integers or slices, not str"),
    ([{"a": 1}, [3]], "list index out of range"),
    ([{}, [0]], "'list' object has no attribute 'get'"),
    ([1, []], "Row should have 1 elements, instead it has 0"),
    ([[], 1], "Row should have 0 elements, instead it has 1"),
    ([1, {"a": 1, "b": 2}], "Row should have 1 elements, instead it has 2"),
    ([[1], [[{"a": 1, "b": 2}]]], "list index out of range"),
    ({"k": [[1, 2], [3]]}, "Row should have 2 elements, instead it has 1"),
    ([{"a": {"b": [[1], [2, 3]]}}, 7], "'int' object is not iterable"),
    ([{"a": {"b": [[1], [2, 3]]}}, {"c": 1}], "Row should have 1 elements, instead it has 2"),
]


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize(("value", "message"), ERROR_CASES)
def test_errors_match_awscli_and_write_nothing(value, message, color):
    assert awscli(value, color=color) == ("", message)
    out = io.StringIO()
    with pytest.raises(table_renderer.TableRenderError) as info:
        table_renderer.render(value, out, RenderOptions(color=color, terminal_width=80))
    assert isinstance(info.value, RenderError)
    assert str(info.value) == message
    assert info.value.colored is color
    assert out.getvalue() == ""


def test_mixed_key_types_fail_like_awscli():
    # The message names the two types in whatever order the sort compares
    # them, which follows set iteration order; both sides build the same set.
    value = [{"a": 1}, [0]]
    assert awsml(value) == awscli(value)
    assert awsml(value)[1] in (
        "'<' not supported between instances of 'int' and 'str'",
        "'<' not supported between instances of 'str' and 'int'",
    )


def test_coloured_error_form_on_stderr():
    try:
        table_renderer.render([[1, 2], [3]], io.StringIO(), RenderOptions(color=True))
    except RenderError as exc:
        assert exc.stderr_text() == "\n\x1b[0mRow should have 2 elements, instead it has 1\x1b[0m\n\x1b[0m"
        assert stderr_text(str(exc), exc.colored) == exc.stderr_text()
    else:
        pytest.fail("no error")
    assert stderr_text("boom") == "\nboom\n"
    assert COLOR_RESET == table_renderer.COLOR_RESET == "\x1b[0m"


class _WriteLog(io.StringIO):
    """A StringIO that also keeps each write() call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def write(self, text: str) -> int:
        self.calls.append(text)
        return super().write(text)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("width", [80, 400])
def test_same_write_calls_as_awscli(rich, demo, width, color):
    """One write() per piece, as aws makes them: a stream that cannot encode a cell
    fails in the same write, after the same output (see the conformance tests)."""
    import awscli.table
    import colorama
    from awscli.formatter import TableFormatter
    from colorama.ansitowin32 import AnsiToWin32

    for data in (rich, demo):
        ours = _WriteLog()
        table_renderer.render(data, ours, RenderOptions(color=color, terminal_width=width))
        saved = awscli.table.determine_terminal_width, colorama.init
        awscli.table.determine_terminal_width = lambda: width
        colorama.init = _no_colorama_init
        try:
            formatter = TableFormatter(types.SimpleNamespace(color="on" if color else "off", query=None))
        finally:
            awscli.table.determine_terminal_width, colorama.init = saved
        theirs = _WriteLog()
        stream = AnsiToWin32(theirs, convert=False, strip=False, autoreset=True).stream if color else theirs
        formatter._format_response(TITLE, data, stream)
        assert ours.calls == theirs.calls


# ----------------------------------------------------------------------------- colour bytes


def test_colour_bytes_for_a_single_key_mapping():
    # Captured from the real aws 1.46.3 (--query '{a: TrainingJobName}'
    # --output table --color on, TrainingJobName "jöb").  The reference
    # document's version of these bytes has the column widths of {"a": 1}.
    expected = (
        "---------------------\n\x1b[0m"
        "\x1b[0m|DescribeTrainingJob|\x1b[0m\x1b[0m\n\x1b[0m"
        "\x1b[0m+-------+-----------+\x1b[0m\x1b[0m\n\x1b[0m"
        "\x1b[0m|  \x1b[1m\x1b[34ma\x1b[0m    |  \x1b[1m\x1b[34mjöb\x1b[0m      |\x1b[0m\x1b[0m\n\x1b[0m"
        "\x1b[0m+-------+-----------+\x1b[0m\x1b[0m\n\x1b[0m"
    )
    assert awsml({"a": "jöb"}, color=True) == (expected, None)
    assert awscli({"a": "jöb"}, color=True) == (expected, None)


def test_colour_indentation_pipes(rich):
    out, _ = awsml(rich["ResourceConfig"], color=True)
    pipe = "\x1b[2m\x1b[33m|\x1b[0m"
    # (Splitting on "\n" + reset also removes the reset after each newline.)
    lines = [line for line in out.split("\n\x1b[0m") if "InstanceGroups" in line]
    assert len(lines) == 1
    line = lines[0]
    # Four writes, each followed by a reset: pipes, body, pipes, newline.
    assert line.startswith(pipe + "\x1b[0m|")
    assert line.endswith("|\x1b[0m" + pipe + "\x1b[0m")
    assert line.count(pipe) == 2


# ----------------------------------------------------------------------------- widths


@pytest.mark.parametrize(
    ("text", "width"),
    [("", 0), ("abc", 3), ("jöb", 3), ("é", 2), ("ö", 1), ("café 日本 😀", 13), ("ｶ", 1), ("Ａ", 2), ("e\u0301", 3), ("\t\n", 2), ("€", 2), ("±°§·", 8)],
)
def test_display_width(text, width):
    from awscli.table import get_text_length

    assert table_renderer.display_width(text) == width == get_text_length(text)


def test_banker_rounding_and_off_by_adjustment():
    from awscli.table import Section as AwsSection

    for widths in ([1], [1, 1], [3, 5, 7], [10, 0, 2, 9], [1] * 9, [0, 0, 0]):
        for target in range(sum(w + 4 for w in widths), 140):
            ours = table_renderer.Section("t")
            ours.widths = list(widths)
            theirs = AwsSection()
            theirs._max_widths = list(widths)
            assert ours.spread(target) == theirs.calculate_column_widths(padding=4, max_width=target)


@contextlib.contextmanager
def _pty_stream(cols: int):
    leader, follower = os.openpty()
    try:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("hhhh", 24, cols, 0, 0))
        with open(follower, "w", encoding="utf-8", closefd=True) as stream:
            yield stream
    finally:
        os.close(leader)


def test_width_comes_from_the_terminal_not_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    assert terminal.width(io.StringIO()) == 80
    with _pty_stream(123) as tty:
        assert terminal.width(tty) == 123
    with _pty_stream(0) as tty:
        # A terminal that reports 0 columns is taken at its word, as in aws.
        assert terminal.width(tty) == 0


def test_render_uses_the_terminal_width_it_is_given(rich):
    # rich is 84 wide: vertical below that, horizontal from 84 up.
    for cols in (84, 83):
        with _pty_stream(cols) as tty, mock.patch.object(tty, "write") as write:
            table_renderer.render(rich, tty, RenderOptions(terminal_width=terminal.width(tty)))
        written = "".join(call.args[0] for call in write.call_args_list)
        assert (written, None) == awscli(rich, width=cols)


def test_width_probe_survives_odd_streams():
    class NoFileno:
        def write(self, text):
            return len(text)

    class BadFileno(NoFileno):
        def fileno(self):
            raise OSError("closed")

    assert terminal.width(NoFileno()) == 80
    assert terminal.width(BadFileno()) == 80
    with open(os.devnull, "w") as devnull:
        assert terminal.width(devnull) == 80


# ----------------------------------------------------------------------------- oracle (hypothesis)

_CHARS = st.sampled_from(list("abcXYZ_-:0 \t\n\r|+") + list("éößÆ±°§·日本語ｶＡ😀\u0301\u200b€"))
_TEXT = st.text(_CHARS, max_size=10) | st.text(max_size=6)
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
_RECORDS = st.lists(
    st.dictionaries(_KEYS, JSONISH, max_size=4) | _SCALARS | st.lists(JSONISH, max_size=3),
    min_size=1,
    max_size=5,
)
WIDTHS = st.integers(min_value=0, max_value=220) | st.sampled_from([80, 1, 2])


@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSONISH, WIDTHS, st.booleans())
def test_matches_awscli_on_random_data(data, width, color):
    assert awsml(data, width, color) == awscli(data, width, color)


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _RECORDS | JSONISH, max_size=4) | _RECORDS, WIDTHS, st.booleans(), _KEYS)
def test_matches_awscli_on_record_lists(data, width, color, title):
    assert awsml(data, width, color, title) == awscli(data, width, color, title)


# Hypothesis draws structured data slowly; for volume, a cheap seeded
# generator aimed at the same corners adds many more values per example.
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
    return "".join(rng.choice(_RANDOM_CHARS) for _ in range(rng.randrange(12)))


def random_jsonish(rng, depth=0):
    roll = rng.random()
    if depth >= 4 or roll < 0.3:
        return random_scalar(rng)
    size = rng.randrange(5)
    if roll < 0.45:
        return [random_jsonish(rng, depth + 1) for _ in range(size)]
    if roll < 0.55:
        # Rows: equal-length flat lists (sometimes not), as --query [].[a,b] gives.
        cols = rng.randrange(1, 4)
        return [
            [random_scalar(rng) for _ in range(cols if rng.random() < 0.9 else rng.randrange(4))]
            for _ in range(size + 1)
        ]
    if roll < 0.75:
        # A record list over a shared key pool, now and then an odd element.
        records = []
        for _ in range(size + 1):
            if rng.random() < 0.05:
                records.append(random_jsonish(rng, depth + 2))
            else:
                keys = rng.sample(_RANDOM_KEYS, rng.randrange(4))
                records.append({key: random_jsonish(rng, depth + 2) for key in keys})
        return records
    keys = rng.sample(_RANDOM_KEYS, size)
    return {key: random_jsonish(rng, depth + 1) for key in keys}


@settings(max_examples=800, deadline=None)
@given(st.integers(min_value=0, max_value=2**64))
def test_matches_awscli_on_bulk_random_data(seed):
    rng = random.Random(seed)
    for _ in range(25):
        data = random_jsonish(rng)
        width = rng.choice([0, 20, 40, 60, 80, 80, 100, 140, 200])
        color = rng.random() < 0.4
        assert awsml(data, width, color) == awscli(data, width, color), (data, width, color)
