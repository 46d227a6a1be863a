"""The fault matrix, case by case: awsml makes the same attempts and fails the same way as aws.

For every fault in ``faults.py`` (5xx with JSON, empty and HTML bodies; throttling codes and
429; stalls past ``--cli-read-timeout``; a listener that never accepts; a closed port;
connections closed, reset or truncated; garbage instead of HTTP; an untrusted certificate;
malformed 200 and 4xx bodies) aws and awsml run side by side, each against its own fresh
server with the same script.  They must agree on stdout, exit code, error text and the
number of attempts, and aws must make the attempts the case expects (so that a change of
botocore's retry rules shows up here rather than passing silently).

Cases that retry sleep through real back-off and are marked ``slow``; they run in CI
(``pytest -n 3``), in parallel with everything else.
"""

from __future__ import annotations

import pytest

from tests.reliability.faults import matrix, needs_tls
from tests.reliability.sidebyside import assert_same, run_both
from tests.servers.scripted import make_tls

pytestmark = pytest.mark.conformance


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_tls(tmp_path_factory.mktemp("tls"))


def _param(fault):
    marks = [pytest.mark.slow] if (fault.attempts or 1) > 1 else []
    return pytest.param(fault, id=fault.id, marks=marks)


@pytest.mark.parametrize("fault", [_param(f) for f in matrix()])
def test_fault_same_as_aws(fault, tmp_path, tls):
    runs = run_both(fault, tmp_path, tls if needs_tls(fault) else None)
    assert_same(fault, runs)
    assert runs["awsml"].result.returncode in (0, 255)
