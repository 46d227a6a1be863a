"""A fixed sample of the harness cases, with every aws run a new process.

Most aws runs in the suite go through the fork server (tests/aws_forkserver.py),
which test_aws_forkserver.py checks against new processes case by case. This
module is the wider check: a deterministic sample, about one case in eight of
every harness-based conformance module (one in forty of the corpus matrix), run as the module runs it but with
``AWSML_TESTS_AWS_FORK=0``, so that aws starts as a user's shell starts it. The
sample is chosen by a hash of each case's id (not at random, not by position), so
it is the same on every machine and every run, and it follows the cases when a
module's list changes.
"""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from tests.conformance import test_help, test_input, test_json_and_errors, test_no_session_paths
from tests.conformance import test_text_table_output
from tests.conformance.harness import Case, check
from tests.conformance.test_input import web_urls  # noqa: F401 - a fixture the input cases use
from tests.conformance.test_text_table_output import corpus_url  # noqa: F401 - a fixture

pytestmark = pytest.mark.conformance

ONE_IN = 8


def sampled(cases: list[Case], module: str, one_in: int = ONE_IN) -> list[Case]:
    """The cases whose hashed id falls in one bucket of ``one_in`` (at least one case)."""

    def bucket(case: Case) -> int:
        return int.from_bytes(hashlib.sha256(f"{module}:{case.id}".encode()).digest()[:4], "big")

    chosen = [case for case in cases if bucket(case) % one_in == 0] or [min(cases, key=bucket)]
    return [dataclasses.replace(case, id=f"{module}:{case.id}") for case in chosen]


MOTO_CASES = (
    sampled(test_json_and_errors.ALL_CASES, "json_and_errors")
    + sampled(test_input.ALL_CASES, "input")
    + sampled(test_no_session_paths.CASES, "no_session_paths")
    + sampled(test_help.ERROR_ORDER_CASES, "help")
)
# The corpus matrix (every response, in every format, with every query) is the
# largest set; one case in forty of it.
CORPUS_MATRIX = [
    Case(f"{stem}/{output}/{qid}", [*test_text_table_output.describe(stem), *flags, *(["--query", query] if query else [])])
    for stem in test_text_table_output.STEMS
    for output, flags in test_text_table_output.FORMATS.items()
    for qid, query in {"no-query": None, **test_text_table_output.QUERIES}.items()
]
CORPUS_CASES = sampled(test_text_table_output.SETTINGS_CASES, "text_table") + sampled(
    CORPUS_MATRIX, "corpus", one_in=40
)


@pytest.fixture
def new_aws_processes(monkeypatch):
    monkeypatch.setenv("AWSML_TESTS_AWS_FORK", "0")


@pytest.mark.parametrize("case", MOTO_CASES, ids=str)
def test_same_as_aws_started_anew(case, new_aws_processes, moto_url, web_urls, tmp_path):  # noqa: F811
    check(test_input._with_urls(case, web_urls), moto_url, tmp_path)


@pytest.mark.parametrize("case", CORPUS_CASES, ids=str)
def test_output_settings_same_as_aws_started_anew(case, new_aws_processes, corpus_url, tmp_path):  # noqa: F811
    check(case, corpus_url, tmp_path)


def test_the_sample_is_fixed_and_covers_every_module():
    assert sampled(test_json_and_errors.ALL_CASES, "json_and_errors") == sampled(
        test_json_and_errors.ALL_CASES, "json_and_errors"
    )
    modules = {case.id.split(":")[0] for case in MOTO_CASES + CORPUS_CASES}
    assert modules == {"json_and_errors", "input", "no_session_paths", "help", "text_table", "corpus"}
    assert 40 <= len(MOTO_CASES + CORPUS_CASES) <= 120


def test_runs_in_the_sample_start_aws_anew(new_aws_processes, tmp_path):
    from tests import aws_forkserver, helpers

    assert not aws_forkserver.can_fork(helpers.clean_env(tmp_path), None)
