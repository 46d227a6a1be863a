"""Local HTTP servers for end-to-end tests (127.0.0.1 only).

``scripted`` holds the scripted server and the corpus router, ``coverage`` checks that the
corpus in ``tests/corpus`` covers the DescribeTrainingJob output shape, and ``pytest_fixtures``
has ready-made fixtures (``pytest_plugins = ["tests.servers.pytest_fixtures"]``).
"""

from pathlib import Path

# The API is re-exported lazily (PEP 562): importing ``tests.servers.scripted`` eagerly here
# would make ``python -m tests.servers.scripted`` warn that the module was imported twice.
_EXPORTS = {
    "DESCRIBE_TARGET",
    "JSON_CONTENT_TYPE",
    "CloseWithoutResponse",
    "Corpus",
    "CorpusRouter",
    "Raw",
    "Request",
    "Reset",
    "Response",
    "ScriptedServer",
    "Sequence",
    "Stall",
    "TLSMaterial",
    "TruncatedBody",
    "UnacceptingListener",
    "aws_error",
    "closed_port",
    "closed_url",
    "json_response",
    "make_tls",
    "text_response",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        from tests.servers import scripted

        return getattr(scripted, name)
    raise AttributeError(f"module 'tests.servers' has no attribute {name!r}")


__all__ = sorted(_EXPORTS) + ["CORPUS_DIR"]

# tests/corpus: the DescribeTrainingJob wire bodies (see its README.md).
CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
