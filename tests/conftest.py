"""Shared fixtures: a clean environment per test, moto on loopback, both CLIs."""

from __future__ import annotations

import os

import pytest

from awsml_cli.demo import running_emulator
from tests import helpers

# The in-process side of the tests (moto, botocore clients in unit tests) must
# never reach the instance metadata service either.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# Nor write awsml's cache into the real home: in-process runs that keep the
# process's HOME use the cache folder of this test process.
os.environ["XDG_CACHE_HOME"] = helpers.TEST_CACHE_HOME


@pytest.fixture(scope="session")
def moto_url():
    """moto's SageMaker emulator on 127.0.0.1 (one per xdist worker), seeded with jobs."""
    with running_emulator() as url:
        yield url


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def env(home):
    return helpers.clean_env(home)


# The identical/total tally of side-by-side comparisons with aws, printed at the
# end of the run. It lives here, not in tests/conformance, because under xdist
# only this conftest is loaded by the process that writes the summary.
#
# A test that runs several comparisons in one item records
# ``record_property("comparisons", (identical, total))`` and
# ``record_property("aws_outcomes", {"output": n, "empty": n, "error": n})``;
# any other test marked ``conformance`` counts as one comparison, identical when
# it passed.


def pytest_terminal_summary(terminalreporter):
    identical = total = 0
    outcomes: dict[str, int] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            properties = dict(getattr(report, "user_properties", ()))
            if "comparisons" in properties:
                identical += properties["comparisons"][0]
                total += properties["comparisons"][1]
            elif "conformance" in getattr(report, "keywords", {}):
                identical += 1 if report.passed else 0
                total += 1
            for kind, count in properties.get("aws_outcomes", {}).items():
                outcomes[kind] = outcomes.get(kind, 0) + count
    if total:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(outcomes.items()))
        detail = f" (aws runs in the corpus tests: {kinds})" if kinds else ""
        terminalreporter.write_sep("-", f"aws conformance: {identical}/{total} comparisons identical{detail}")
