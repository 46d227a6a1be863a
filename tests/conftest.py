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


# Hypothesis draws the same examples on every run (a failure in CI is a failure on a
# laptop, with the same input); HYPOTHESIS_PROFILE=explore draws new ones each time.
def _hypothesis_profiles() -> None:
    from hypothesis import settings

    settings.register_profile("deterministic", derandomize=True, database=None)
    settings.register_profile("explore", derandomize=False)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


_hypothesis_profiles()


def pytest_configure(config):
    """The network guard's log, made once by the process that runs the session (xdist
    workers inherit the variable); this process and every child is guarded."""
    if helpers.NETWORK_LOG_VARIABLE not in os.environ:
        import tempfile

        handle, path = tempfile.mkstemp(prefix="awsml-tests-network-", suffix=".log")
        os.close(handle)
        os.environ[helpers.NETWORK_LOG_VARIABLE] = path
        config._awsml_network_log = path
    _guard_this_process()


def _guard_this_process():
    import importlib.util

    spec = importlib.util.spec_from_file_location("awsml_tests_netguard", helpers.GUARD_DIR / "sitecustomize.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # installs itself: the variable is set


def pytest_sessionfinish(session, exitstatus):
    """The session fails when anything tried to leave loopback."""
    path = getattr(session.config, "_awsml_network_log", None)
    if path is None:
        return
    with open(path, encoding="utf-8") as log:
        records = log.read()
    session.config._awsml_network_records = records
    if records:
        session.exitstatus = 1


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


# The identical/total tally of side-by-side comparisons with aws (tests.comparisons),
# printed at the end of the run. It lives here, not in tests/conformance, because under
# xdist only this conftest is loaded by the process that writes the summary.


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    from tests import comparisons

    comparisons.begin()
    yield
    identical, total = comparisons.end()
    if total:
        item.user_properties.append(("comparisons", (identical, total)))


def pytest_terminal_summary(terminalreporter):
    identical = total = without = 0
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
                without += 1
            for kind, count in properties.get("aws_outcomes", {}).items():
                outcomes[kind] = outcomes.get(kind, 0) + count
    if total:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(outcomes.items()))
        detail = f" (aws runs in the corpus tests: {kinds})" if kinds else ""
        terminalreporter.write_sep("-", f"aws conformance: {identical}/{total} comparisons identical{detail}")
    records = getattr(terminalreporter.config, "_awsml_network_records", None)
    if records is not None:
        lines = records.splitlines()
        terminalreporter.write_sep("-", f"network guard: {len(lines)} connections beyond loopback refused")
        for line in lines[:20]:
            terminalreporter.write_line(line)
    if without:
        terminalreporter.write_sep(
            "-", f"{without} conformance tests compared no awsml run with aws (aws alone, or a documented difference)")
