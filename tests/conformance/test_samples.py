"""The recorded aws output in tests/samples is what the installed aws prints today.

The renderers' unit tests compare with those files; here the real aws runs on the same
responses (the rich one from the corpus, the demo one served as recorded) and must print
them byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import helpers
from tests.servers.scripted import ScriptedServer, json_response

pytestmark = pytest.mark.conformance

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"

CASES = [
    ("rich_json.txt", "14-rich-sample.json", ["--output", "json"]),
    ("rich_text.txt", "14-rich-sample.json", ["--output", "text"]),
    ("rich_table.txt", "14-rich-sample.json", ["--output", "table"]),
    ("rich_table_color_on_ResourceConfig.txt", "14-rich-sample.json",
     ["--output", "table", "--color", "on", "--query", "ResourceConfig"]),
    ("demo_json.txt", None, ["--output", "json"]),
    ("demo_text.txt", None, ["--output", "text"]),
    ("demo_table.txt", None, ["--output", "table"]),
]


@pytest.mark.parametrize("sample, wire, args", CASES, ids=[c[0] for c in CASES])
def test_recorded_sample_is_what_aws_prints(sample, wire, args, tmp_path):
    body = (CORPUS / wire).read_bytes() if wire else (SAMPLES / "demo_json.txt").read_bytes()
    with ScriptedServer(json_response(body)) as server:
        result = helpers.run_aws(["sagemaker", "describe-training-job", "--training-job-name", "x",
                                  "--endpoint-url", server.url, *args], helpers.clean_env(tmp_path / "home"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (SAMPLES / sample).read_bytes()
