"""The completion fast path (no Click) answers exactly as the Click path, or leaves the request to it.

The fast path reads the committed table (awsml_cli/cli/completion_table.py) and
splits COMP_WORDS without shlex; both are compared here with what the Click
path uses: the table built from the live Click tree, Click's own
``split_arg_string`` and ``get_completion_args``, and Click's formatting of
candidates for each shell (the protocol of the committed scripts).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.shell_completion import (
    BashComplete,
    CompletionItem,
    FishComplete,
    ZshComplete,
    split_arg_string,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsml_cli.cli import completion_fast as completing, completion
from awsml_cli.cli.tree import root
from awsml_cli.cli.completion_table import TABLE
from tests import helpers

CLICK_SHELLS = {"bash": BashComplete, "zsh": ZshComplete, "fish": FishComplete}


def test_committed_table_is_the_click_tree():
    assert TABLE == completion.completion_table(root), (
        "awsml_cli/cli/completion_table.py is out of date: run `python scripts/docgen.py`"
    )


# ----------------------------------------------------------------------------- reading the request

# Words a user types, and some that are not words at all.
VOCABULARY = [
    "awsml", "sagemaker", "describe-training-job", "help", "--output", "--out", "--o", "json", "yaml",
    "yaml-stream", "--query", "x", "--generate-cli-skeleton", "--gen", "input", "output", "--profile", "--ca-bundle",
    "=", "-", "--", "--color", "on", "--training-job-name", "--tr", "--v", "--version", "--v2-debug",
    "--output=ya", "--c", "--no", "sag", "dev", "--debug", "--wait", "--poll-interval", "0.5", "t",
    "--endpoint-url", "http://127.0.0.1:1/", "caf\u00e9", "\u65e5\u672c", "a:b",
]
SEPARATORS = [" ", "  ", "\n", "\t", " \r\n "]
# Characters that make shlex differ from a plain split, or that are whitespace to str.split only.
AWKWARD = ["'", '"', "\\", "\x0b", "\x0c", "\u00a0", "\u2003", "#", "$", ";", "|", "*"]

words_strategy = st.lists(
    st.one_of(st.sampled_from(VOCABULARY), st.text(alphabet=st.sampled_from(list("ab-=:") + AWKWARD), max_size=4)),
    max_size=7,
)


@st.composite
def comp_words(draw) -> str:
    words = draw(words_strategy)
    text = ""
    for word in words:
        text += draw(st.sampled_from(SEPARATORS)) + word if text else word
    if draw(st.booleans()):
        text += draw(st.sampled_from(SEPARATORS))
    return text


@settings(max_examples=600, deadline=None)
@given(comp_words())
def test_simple_split_is_clicks_split_or_declines(text):
    simple = completing.simple_split(text)
    if any(char in text for char in "'\"\\"):
        assert simple is None
    else:
        assert simple == split_arg_string(text)


def click_words(shell: str, environ: dict):
    """Click's own reading of the request (its get_completion_args)."""
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        return CLICK_SHELLS[shell](root, {}, "awsml", completing.COMPLETE_VAR).get_completion_args()
    finally:
        os.environ.clear()
        os.environ.update(old)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CLICK_SHELLS)), comp_words(), st.one_of(
    st.integers(min_value=0, max_value=9).map(str),
    st.sampled_from(["", "-1", "+1", " 2", "1_0", "x", "\u0661"]),
    comp_words(),
))
def test_request_words_are_clicks(shell, words, cword):
    environ = {"COMP_WORDS": words, "COMP_CWORD": cword}
    try:
        expected = ("ok", click_words(shell, environ))
    except Exception as exc:  # noqa: BLE001 - the Click path's failure is what we compare with
        expected = ("error", type(exc))
    # The Click path of awsml reads with Click's splitter ...
    try:
        ours = ("ok", completing.request_words(shell, environ, split_arg_string))
    except Exception as exc:  # noqa: BLE001
        ours = ("error", type(exc))
    assert ours == expected
    # ... and the fast path either reads the same or leaves the request to it.
    fast = completing._fast_words(shell, environ)
    if fast is not None:
        assert ("ok", fast) == expected


def test_the_fast_path_takes_the_usual_requests():
    for shell in ("bash", "zsh"):
        assert completing._fast_words(shell, {"COMP_WORDS": "awsml sagemaker --o", "COMP_CWORD": "2"}) == (
            ["sagemaker"], "--o")
    # bash joins COMP_WORDS with newlines (IFS is a newline in the script).
    assert completing._fast_words("bash", {"COMP_WORDS": "awsml\n--output\n", "COMP_CWORD": "2"}) == (
        ["--output"], "")
    assert completing._fast_words("fish", {"COMP_WORDS": "awsml --out", "COMP_CWORD": "--out"}) == ([], "--out")
    assert completing._fast_words("bash", {"COMP_WORDS": "awsml 'x y' --o", "COMP_CWORD": "2"}) is None
    assert completing._fast_words("bash", {"COMP_WORDS": "awsml --o"}) is None


# ----------------------------------------------------------------------------- the answer


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(CLICK_SHELLS)),
    st.text(alphabet=st.sampled_from(list("ab:-=\n\t _") + ["\u00e9"]), max_size=8),
    st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("ab:\n\t _")), max_size=8)),
    st.sampled_from(["plain", "file", "dir"]),
)
def test_candidates_are_formatted_as_click_formats_them(shell, value, help_text, kind):
    click_item = CompletionItem(value, type=kind, help=help_text)
    ours = completing.Item(value, type=kind, help=help_text)
    expected = CLICK_SHELLS[shell](root, {}, "awsml", completing.COMPLETE_VAR).format_completion(click_item)
    assert completing.format_item(shell, ours) == expected


def answer(path: str, environ: dict, capsysbinary) -> tuple:
    """(exit status or "returned", stdout bytes) of one request, answered in-process."""
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        if path == "fast":
            completing.answer_fast()
            status = "returned"
        else:
            completion.answer_request(root, "awsml")
            status = "returned"
    except SystemExit as exc:
        status = exc.code
    finally:
        os.environ.clear()
        os.environ.update(old)
    return status, capsysbinary.readouterr().out


@pytest.fixture
def profiles(tmp_path):
    config = tmp_path / "config"
    config.write_text("[default]\n[profile dev]\n[profile prod-eu]\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[ci]\n")
    return {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials), "HOME": str(tmp_path)}


LINES = [
    "awsml ",
    "awsml s",
    "awsml sagemaker ",
    "awsml sagemaker describe-training-job ",
    "awsml sagemaker describe-training-job --",
    "awsml sagemaker describe-training-job --tr",
    "awsml --output ",
    "awsml --output = ya",
    "awsml --output=ya",
    "awsml --out ta",
    "awsml --profile ",
    "awsml sagemaker describe-training-job --profile p",
    "awsml --ca-bundle /etc/ss",
    "awsml sagemaker describe-training-job --generate-cli-skeleton ",
    "awsml sagemaker describe-training-job --generate-cli-skeleton --q",
    "awsml sagemaker describe-training-job --query --weird --ou ",
    "awsml --v",
    "awsml he",
    "awsml sagemaker describe-training-job --training-job-name x --",
    "awsml sagemaker describe-training-job --color=",
]


@pytest.mark.parametrize("shell", sorted(CLICK_SHELLS))
@pytest.mark.parametrize("line", LINES)
def test_fast_answers_are_the_click_paths(shell, line, profiles, capsysbinary):
    words = line.split(" ")
    environ = {**profiles, completing.COMPLETE_VAR: f"{shell}_complete", "COMP_WORDS": line}
    environ["COMP_CWORD"] = words[-1] if shell == "fish" else str(len(words) - 1)
    fast = answer("fast", environ, capsysbinary)
    assert fast[0] == 0, "the fast path should take this request"
    assert fast == answer("click", environ, capsysbinary)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    shell=st.sampled_from(sorted(CLICK_SHELLS)),
    words=comp_words(),
    cword=st.one_of(st.integers(min_value=0, max_value=9).map(str), st.sampled_from(["", "-1", "x"]), comp_words()),
)
def test_fast_answers_equal_click_answers(profiles, capsysbinary, shell, words, cword):
    environ = {**profiles, completing.COMPLETE_VAR: f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": cword}
    fast = answer("fast", environ, capsysbinary)
    if fast[0] == "returned":
        return  # left to the Click path
    assert fast == answer("click", environ, capsysbinary)


@pytest.mark.parametrize("instruction", ["bash_source", "zsh_source", "tcsh_complete", "bash_completex", "bash"])
def test_other_instructions_are_left_to_click(instruction, capsysbinary):
    assert answer("fast", {completing.COMPLETE_VAR: instruction}, capsysbinary) == ("returned", b"")


# ----------------------------------------------------------------------------- the process


def test_a_request_imports_neither_click_nor_re(tmp_path):
    loaded = tmp_path / "modules.json"
    # Only what the request itself imports (an editable install imports re at start-up).
    probe = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from awsml_cli.__main__ import console_main\n"
        "try:\n"
        "    console_main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "after = sorted(set(sys.modules) - before)\n"
        "import json\n"
        f"open({str(loaded)!r}, 'w').write(json.dumps(after))\n"
    )
    env = helpers.clean_env(tmp_path / "home", COMP_WORDS="awsml sagemaker describe-training-job --out",
                            COMP_CWORD="3", **{completing.COMPLETE_VAR: "bash_complete"})
    proc = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "plain,--output\n", "")
    modules = json.loads(loaded.read_text())
    assert [name for name in modules if name.split(".")[0] in ("click", "re", "botocore", "argparse")] == []


def test_a_request_with_quotes_is_answered_by_click(tmp_path):
    env = helpers.clean_env(tmp_path / "home", COMP_WORDS="awsml --query 'a b' --ou", COMP_CWORD="3",
                            **{completing.COMPLETE_VAR: "bash_complete"})
    result = helpers.run_awsml([], env)
    assert (result.returncode, result.out, result.err) == (0, "plain,--output\n", "")
