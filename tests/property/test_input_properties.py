"""Property tests: whatever a user passes as input, awsml answers like a CLI, never with a traceback.

Arbitrary strings and JSON/YAML values go into ``--training-job-name``,
``--cli-input-json``, ``--cli-input-yaml`` and ``--query``.  For every one:

* the exit code is 0, 2 or 255 (nothing escapes ``main``, no traceback);
* success prints something on stdout and nothing on stderr; failure prints
  nothing on stdout and a message on stderr.

The bulk runs in process (see :mod:`tests.inprocess`) against moto on
127.0.0.1.  A smaller sample runs both real programs, ``aws`` and ``awsml``,
as subprocesses and compares them byte for byte, like the conformance tests.

Volume: ``AWSML_PROPERTY_SCALE`` multiplies the example counts (default 1:
about 600 in-process runs and 48 side-by-side pairs).  Values never point
anywhere but 127.0.0.1: the only URLs generated are loopback ones, and
generated text that happens to start with ``http://``/``https://`` is
discarded.
"""

from __future__ import annotations

import itertools
import json
import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests import helpers, loopback_http
from tests.conformance.harness import Case, assert_same, run_both
from tests.inprocess import run_main

DTJ = ["sagemaker", "describe-training-job"]
SCALE = float(os.environ.get("AWSML_PROPERTY_SCALE", "1"))
CLOSED_URL = f"http://127.0.0.1:{loopback_http.free_loopback_port()}"


def examples(count: int) -> int:
    return max(1, int(count * SCALE))


def common_settings(count: int):
    return settings(
        max_examples=examples(count),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


# ---------------------------------------------------------------------------
# Strategies

# What a real argv can carry: anything but NUL and lone surrogates.
ARGV_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
TEXT = st.text(ARGV_CHARACTERS, max_size=40)
SHORT_PATH = st.text(st.sampled_from("abcxyz012._-/"), max_size=12)

INTERESTING_NAMES = st.sampled_from(
    ["demo-job", "gpu-job-2", "unicode-job", "empty-hp-job", "", " ", "help", "-", "--", "-x", "nope", "jöb-日本", "a" * 64, "x" * 300]
)

NAMES = st.one_of(
    TEXT,
    INTERESTING_NAMES,
    st.builds(lambda prefix, path: prefix + path, st.sampled_from(["file://", "fileb://", CLOSED_URL + "/"]), SHORT_PATH),
)

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    TEXT,
    INTERESTING_NAMES,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
JOB_DOCUMENTS = st.fixed_dictionaries({"TrainingJobName": JSON_VALUES}, optional={"Extra": JSON_VALUES, "": JSON_VALUES})


def _json_text(value, ensure_ascii: bool, indent) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)


JSON_DOCUMENTS = st.one_of(
    st.builds(_json_text, JSON_VALUES | JOB_DOCUMENTS, st.booleans(), st.sampled_from([None, 2])),
    st.builds(lambda text, cut: text[: max(0, len(text) - cut)], st.builds(_json_text, JOB_DOCUMENTS, st.booleans(), st.none()), st.integers(1, 5)),
    TEXT,
    st.builds(lambda prefix, path: prefix + path, st.sampled_from(["file://", "fileb://", CLOSED_URL + "/"]), SHORT_PATH),
)


def _yaml_text(value, flow) -> str:
    import yaml

    return yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)


YAML_DOCUMENTS = st.one_of(
    st.builds(_yaml_text, JSON_VALUES | JOB_DOCUMENTS, st.sampled_from([None, True, False])),
    st.builds(lambda value: f"TrainingJobName: {value}", TEXT),
    st.builds(lambda first, second: f"TrainingJobName: {first}\nTrainingJobName: {second}", TEXT, TEXT),
    st.builds(lambda a, b: f"base: &b {{TrainingJobName: {a}}}\n<<: *b\n{b}: 1", TEXT, TEXT),
    TEXT,
    st.lists(st.sampled_from(["{", "}", "[", "]", ":", "- ", "&a ", "*a", "!!str ", "!!int ", "? ", "|", ">", "\n", "  ", "'", '"', "#", "---", "TrainingJobName", "x"]), max_size=12).map("".join),
)

JMESPATH_TOKENS = st.sampled_from(
    [
        "TrainingJobName", "ResourceConfig", "InstanceCount", "HyperParameters", "SecondaryStatusTransitions",
        "FinalMetricDataList", "Value", "Status", ".", "[", "]", "[*]", "[]", "[0]", "[-1]", "[::2]", "*", "|", "||", "&&",
        "!", "==", "!=", "<", ">=", "(", ")", "@", "&", ",", ":", " ", "?", "{a: @}", "`1`", "`{}`", "`[]`", "`\"s\"`",
        "'x'", "length(@)", "keys(@)", "values(@)", "to_number(@)", "to_string(@)", "max(@)", "avg(@)", "abs(@)",
        "sort_by(@, &Status)", "join(', ', @)", "not_null(@)", "type(@)", "merge(@, `{}`)", "`null`", "`true`", "`1.5e300`",
    ]
)
QUERIES = st.one_of(TEXT, st.lists(JMESPATH_TOKENS, min_size=1, max_size=6).map("".join))


def option(name: str, value: str, equals: bool) -> list[str]:
    return [f"{name}={value}"] if equals else [name, value]


def not_a_remote_url(value: str) -> bool:
    """Generated text must never make either program fetch anything but loopback."""
    return not value.startswith(("http://", "https://")) or value.startswith(CLOSED_URL)


# ---------------------------------------------------------------------------
# In-process bulk


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """An empty working directory and a clean environment, shared by all examples."""
    root = tmp_path_factory.mktemp("property")
    env = helpers.clean_env(root / "home", AWS_MAX_ATTEMPTS="1")
    work = root / "work"
    work.mkdir()
    (work / "sub").mkdir()
    return env, work


def check_outcome(result: helpers.Result) -> None:
    assert result.returncode in (0, 2, 255), result
    assert b"Traceback (most recent call last)" not in result.stderr
    if result.returncode == 0:
        assert result.stderr == b""
    else:
        assert result.stdout == b"" and result.stderr.strip()
    if result.returncode == 2:
        assert b"aws: error: " in result.stderr


@common_settings(150)
@given(value=NAMES, equals=st.booleans())
def test_any_training_job_name(value, equals, moto_url, scratch):
    assume(not_a_remote_url(value))
    env, work = scratch
    result = run_main([*DTJ, *option("--training-job-name", value, equals), "--endpoint-url", moto_url], env, work)
    check_outcome(result)
    if equals or not value.startswith("-"):
        # Only a value that looks like an option is an argparse error.
        assert result.returncode != 2, result


@common_settings(200)
@given(document=JSON_DOCUMENTS, equals=st.booleans())
def test_any_cli_input_json(document, equals, moto_url, scratch):
    assume(not_a_remote_url(document))
    env, work = scratch
    args = [*DTJ, *option("--cli-input-json", document, equals), "--endpoint-url", moto_url]
    if equals:
        args += ["--training-job-name", "demo-job"]
    result = run_main(args, env, work)
    check_outcome(result)


@common_settings(150)
@given(document=YAML_DOCUMENTS, equals=st.booleans())
def test_any_cli_input_yaml(document, equals, moto_url, scratch):
    assume(not_a_remote_url(document))
    env, work = scratch
    args = [*DTJ, *option("--cli-input-yaml", document, equals), "--endpoint-url", moto_url]
    if equals:
        args += ["--training-job-name", "demo-job"]
    result = run_main(args, env, work)
    check_outcome(result)


@common_settings(150)
@given(query=QUERIES, output=st.sampled_from(["json", "text", "table"]), equals=st.booleans())
def test_any_query(query, output, equals, moto_url, scratch):
    env, work = scratch
    args = [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url, "--output", output, *option("--query", query, equals)]
    result = run_main(args, env, work)
    check_outcome(result)


def test_the_checks_catch_a_traceback():
    with pytest.raises(AssertionError):
        check_outcome(helpers.Result(255, b"", b"Traceback (most recent call last):\n  ...\n"))
    with pytest.raises(AssertionError):
        check_outcome(helpers.Result(1, b"", b"x"))


# ---------------------------------------------------------------------------
# Side by side with the real aws (subprocesses; the YAML option is awsml's own, so not here)

_example_numbers = itertools.count()

SIDE_BY_SIDE = st.one_of(
    st.tuples(st.just("--training-job-name"), NAMES),
    st.tuples(st.just("--cli-input-json"), JSON_DOCUMENTS),
    st.tuples(st.just("--query"), QUERIES),
)


@pytest.mark.conformance
@common_settings(48)
@given(pair=SIDE_BY_SIDE, equals=st.booleans(), output=st.sampled_from(["json", "text", "table"]))
def test_side_by_side_with_aws(pair, equals, output, moto_url, tmp_path):
    option_name, value = pair
    assume(not_a_remote_url(value))
    args = [*DTJ, *option(option_name, value, equals), "--endpoint-url", "{url}", "--output", output]
    if option_name != "--training-job-name" and (option_name == "--query" or equals):
        args += ["--training-job-name", "demo-job"]
    # {url} and {tmp} are the harness's placeholders; generated text must not contain them.
    assume("{url}" not in value and "{tmp}" not in value)
    case = Case("property", args, env={"AWS_MAX_ATTEMPTS": "1"})
    scratch = tmp_path / f"example-{next(_example_numbers)}"
    scratch.mkdir()
    expected, actual = run_both(case, moto_url, scratch)
    assert_same(case, expected, actual)
