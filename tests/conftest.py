"""Shared fixtures: a clean environment per test, moto on loopback, both CLIs."""

from __future__ import annotations

import os

import pytest

from awsml_cli.demo import running_emulator
from tests import helpers

# The in-process side of the tests (moto, botocore clients in unit tests) must
# never reach the instance metadata service either.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


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
