"""awsml's help says what aws v1's help says: every option and output member, same words.

aws v1 renders its help page with groff; these tests render it (``PAGER=cat``, the
overstrike of bold text removed) and read three sections from it: OPTIONS, GLOBAL
OPTIONS and OUTPUT. Every entry aws documents there must be in awsml's help page
(``awsml ... help``) and in its man page as groff renders it, and awsml's entry
must hold aws's description word for word. awsml may add to an entry (a note on
what it does differently, a choice aws lacks) but not reword it. Words are
compared on letters and digits only: the two pages fill and hyphenate lines at
different widths, and groff breaks words at line ends.

aws's bare choice lists (``o json``) are checked as choices: each must be a
choice in awsml's entry (awsml's own lines add a description after the name).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests import comparisons, helpers

pytestmark = pytest.mark.conformance

ROOT = Path(__file__).resolve().parents[2]
MAN_PAGE = ROOT / "man" / "man1" / "awsml-sagemaker-describe-training-job.1"
HELP_ARGS = ["sagemaker", "describe-training-job", "help"]
SECTIONS = ("OPTIONS", "GLOBAL OPTIONS", "OUTPUT")

_OVERSTRIKE = re.compile(r".\x08")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SECTION = re.compile(r"^[A-Z][A-Z ]+$")
# The running header and footer of a rendered page ("DESCRIBE-TRAINING-JOB()", "awsml Manual").
_PAGE_TITLE = re.compile(r"^ *[A-Z][A-Z0-9-]*\(\d*\)( |$)|^ {20,}[A-Z0-9-]+\(\d*\) *$")
_OPTION = re.compile(r"^( *)(--[a-z0-9-]+) +\((\w+)\)(.*)$")
_MEMBER = re.compile(r"^( *)(\w+) -> \((\w+)\)\s*$")
_LIST_ITEM = re.compile(r"^( *)\((\w+)\)\s*$")
_BARE_CHOICE = re.compile(r"^ *o ([\w-]+) *$")


def words(text: str) -> str:
    """Letters and digits only, lower case: what two fillings of one text share."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def sections(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = None
    for line in _ANSI.sub("", _OVERSTRIKE.sub("", page)).splitlines():
        if _PAGE_TITLE.match(line):
            continue
        if _SECTION.match(line):
            current = line.strip()
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return found


def entries(lines: list[str]) -> dict[str, list[str]]:
    """Entry heading -> its description lines. Options are keyed by name, output
    members by their path (``ModelArtifacts.S3ModelArtifacts``, ``[]`` for a list's
    item); a member's description stops at its first nested member."""
    found: dict[str, list[str]] = {}
    stack: list[tuple[int, str]] = []
    current: list[str] | None = None
    for line in lines:
        option, member, item = _OPTION.match(line), _MEMBER.match(line), _LIST_ITEM.match(line)
        if option:
            current = found.setdefault(option.group(2), [])
            current.append(option.group(4))
            continue
        if member or item:
            indent = len((member or item).group(1))
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, member.group(2) if member else "[]"))
            current = found.setdefault(".".join(name for _, name in stack), [])
            continue
        if current is not None:
            current.append(line)
    return found


def split_choices(description: list[str]) -> tuple[str, list[str]]:
    """(the words of the description without its bare choice lines, those choices)."""
    choices = [m.group(1) for m in map(_BARE_CHOICE.match, description) if m]
    text = "\n".join(line for line in description if not _BARE_CHOICE.match(line))
    return words(text), choices


def documented(page: str) -> dict[str, dict[str, list[str]]]:
    found = sections(page)
    return {name: entries(found.get(name, [])) for name in SECTIONS}


def differences(aws_page: str, awsml_page: str) -> list[str]:
    """What aws documents that awsml's page lacks or words differently."""
    theirs, ours = documented(aws_page), documented(awsml_page)
    problems = []
    for section in SECTIONS:
        for name, description in theirs[section].items():
            mine = ours[section].get(name)
            if mine is None:
                problems.append(f"{section}: {name} is not documented")
                continue
            text, choices = split_choices(description)
            mine_text = words("\n".join(mine))
            if text not in mine_text:
                problems.append(f"{section}: {name}: aws says {' '.join(description).split()!r}")
            mine_choices = {m.group(1) for m in map(re.compile(r"^ *o ([\w-]+)").match, mine) if m}
            problems.extend(f"{section}: {name}: choice {c} missing" for c in choices if c not in mine_choices)
    return problems


@pytest.fixture(scope="module")
def aws_page(tmp_path_factory) -> str:
    helpers.system_tool("groff")  # aws v1 renders its help page with it
    env = helpers.clean_env(tmp_path_factory.mktemp("home"), PAGER="cat", MANPAGER="cat")
    result = helpers.run_aws_process(HELP_ARGS, env)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def model_matches_page():
    from scripts import docgen
    from awsml_cli.cli import helppage as helpdoc

    shipped = helpdoc.load_page(docgen.PAGE_NAME).get("model", {}).get("sagemaker_digest")
    if shipped != docgen.model_source()["sagemaker_digest"]:
        pytest.skip("the installed botocore's SageMaker model is not the one the help page was built from")


def test_the_page_parser_reads_every_section(aws_page):
    found = documented(aws_page)
    assert {"--training-job-name", "--cli-input-json", "--generate-cli-skeleton"} <= set(found["OPTIONS"])
    assert {"--debug", "--output", "--query", "--cli-connect-timeout"} <= set(found["GLOBAL OPTIONS"])
    assert {"TrainingJobName", "ModelArtifacts.S3ModelArtifacts", "HyperParameters.key"} <= set(found["OUTPUT"])
    assert split_choices(found["GLOBAL OPTIONS"]["--output"])[1] == ["json", "text", "table"]


def test_help_command_documents_what_aws_documents(aws_page, model_matches_page, tmp_path):
    result = helpers.run_awsml(HELP_ARGS, helpers.clean_env(tmp_path, PAGER="cat"))
    assert result.returncode == 0, result.stderr
    problems = differences(aws_page, result.stdout.decode("utf-8"))
    assert comparisons.record(not problems), problems


def test_man_page_documents_what_aws_documents(aws_page, model_matches_page):
    rendered = subprocess.run(
        [helpers.system_tool("groff"), "-man", "-T", "ascii", str(MAN_PAGE)], capture_output=True, check=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    ).stdout.decode("utf-8")  # ascii, as aws renders its own page: bullets are "o"
    problems = differences(aws_page, rendered)
    assert comparisons.record(not problems), problems


def test_the_comparison_finds_a_reworded_or_missing_entry(aws_page):
    aws_page = _OVERSTRIKE.sub("", aws_page)
    assert differences(aws_page, aws_page) == []
    reworded = differences(aws_page, aws_page.replace("Turn on debug logging.", "Turn on logging."))
    assert len(reworded) == 1 and reworded[0].startswith("GLOBAL OPTIONS: --debug: aws says")
    missing = differences(aws_page, aws_page.replace("--ca-bundle (string)", "--ca-bundles (string)"))
    assert "GLOBAL OPTIONS: --ca-bundle is not documented" in missing
