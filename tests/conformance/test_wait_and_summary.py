"""Where --wait and --output summary meet aws v1's behaviour.

* The one documented difference they bring: ``--output`` accepts ``summary``,
  so its invalid-choice message lists that choice too.  The expected text is
  derived from what the real ``aws`` prints, so any other drift still fails.
* Everything else is unchanged: without ``--wait``/``summary`` the conformance
  suite runs as before, and with ``--wait`` stdout is what ``aws`` prints for
  the final response (checked in ``tests/e2e/test_wait.py``).
"""

from __future__ import annotations

import pytest

from tests import helpers
from tests.conformance.harness import Case, run_both

pytestmark = pytest.mark.conformance

DTJ = ["sagemaker", "describe-training-job"]
DEMO = [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{url}"]


@pytest.mark.parametrize(
    "case",
    [
        Case("wait-options-unused-by-aws-json", [*DEMO, "--query", "TrainingJobStatus"]),
        Case("summary-choice-does-not-change-json", [*DEMO, "--output", "json"]),
        # awsml's own options are recognised only in full: what aws calls an
        # unknown option stays one, even where it is a prefix of --wait & co.
        Case("wait-prefix-is-unknown", [*DEMO, "--wai"]),
        Case("poll-interval-prefix-is-unknown", [*DEMO, "--poll", "5"]),
        Case("wait-timeout-prefix-is-unknown", [*DEMO, "--wait-t", "5"]),
    ],
    ids=str,
)
def test_unchanged_paths_still_match(case, moto_url, tmp_path):
    expected, actual = run_both(case, moto_url, tmp_path)
    assert (actual.returncode, actual.stdout) == (expected.returncode, expected.stdout)
    assert helpers.error_text(actual.stderr) == helpers.error_text(expected.stderr)
