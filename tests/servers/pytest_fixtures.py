"""pytest fixtures around the scripted server.

Use them with ``pytest_plugins = ["tests.servers.pytest_fixtures"]`` in a conftest, or import
the fixture names into a test module.
"""

from __future__ import annotations

import pytest

from tests.servers import CORPUS_DIR
from tests.servers.scripted import CorpusRouter, ScriptedServer, make_tls


@pytest.fixture
def scripted_server():
    """A factory: ``scripted_server(script, ssl_context=None)`` -> a started server.

    Every server it made is stopped at teardown, even when the test fails.
    """
    made: list[ScriptedServer] = []

    def make(script=None, **kwargs) -> ScriptedServer:
        server = ScriptedServer(script, **kwargs).start()
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


@pytest.fixture
def corpus_server():
    """One server answering every corpus entry by TrainingJobName (plain HTTP)."""
    with ScriptedServer(CorpusRouter(CORPUS_DIR)) as server:
        yield server


@pytest.fixture
def tls_material(tmp_path):
    """trustme CA + server certificate for 127.0.0.1 (``.server_context``, ``.ca_path``)."""
    return make_tls(tmp_path)


@pytest.fixture
def no_imds(monkeypatch):
    """Keep botocore away from 169.254.169.254 and from the developer's own AWS setup."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL",
                "AWS_ENDPOINT_URL_SAGEMAKER", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
