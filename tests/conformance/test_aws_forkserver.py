"""The oracle through the fork server is the oracle: the same bytes and exit code as a new aws process.

Most conformance runs of aws go through ``tests.aws_forkserver``. These cases
run aws both ways, over the settings the suite uses (output formats, queries,
config and credentials files, paramfiles relative to the working directory,
stdin, a user's own model in ~/.aws/models and in AWS_DATA_PATH, TZ, --debug,
errors of every kind), and require identical stdout, stderr and exit code.
"""

from __future__ import annotations

import re

import pytest

from tests import aws_forkserver, helpers
from tests.conformance.harness import Case, prepare
from tests.conformance.test_no_session_paths import user_model_files
from tests.servers import CORPUS_DIR
from tests.servers.scripted import CorpusRouter, ScriptedServer

DTJ = ["sagemaker", "describe-training-job"]
JOB = [*DTJ, "--training-job-name", "14-rich-sample", "--endpoint-url", "{url}"]

CASES = [
    Case("json", JOB),
    Case("text", [*JOB, "--output", "text"]),
    Case("table", [*JOB, "--output", "table"]),
    Case("table-color-on", [*JOB, "--output", "table", "--color", "on"]),
    Case("query", [*JOB, "--query", "ResourceConfig.InstanceCount"]),
    Case("bad-query", [*JOB, "--query", "[[["]),
    Case("runtime-query-error", [*JOB, "--output", "table", "--query", "length(`1`)"]),
    Case("service-error", [*DTJ, "--training-job-name", "no-such-job", "--endpoint-url", "{url}"]),
    Case("usage-error", DTJ),
    Case("unknown-option", [*JOB, "--bogus"]),
    Case("bad-choice", [*JOB, "--output", "yml"]),
    Case("version", ["--version"]),
    Case("skeleton", [*DTJ, "--generate-cli-skeleton"]),
    Case("no-region", JOB, env={"AWS_DEFAULT_REGION": None}),
    Case("no-credentials", JOB, env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}),
    Case("profile-from-config", [*JOB, "--profile", "p", "--output", "text"],
         config="[profile p]\noutput = table\nregion = eu-west-1\ncli_timestamp_format = iso8601\n",
         credentials="[p]\naws_access_key_id = A\naws_secret_access_key = B\n"),
    Case("missing-profile", JOB, env={"AWS_PROFILE": "nosuch"}),
    Case("output-from-env", JOB, env={"AWS_DEFAULT_OUTPUT": "text"}),
    Case("bad-output-from-env", JOB, env={"AWS_DEFAULT_OUTPUT": "tabel"}),
    Case("timestamps-in-tz", [*JOB, "--query", "CreationTime"], env={"TZ": "Asia/Kolkata"},
         config="[default]\ncli_timestamp_format = iso8601\n"),
    Case("paramfile-relative", [*DTJ, "--cli-input-json", "file://in.json", "--endpoint-url", "{url}"],
         files={"in.json": '{"TrainingJobName": "14-rich-sample"}'}),
    Case("paramfile-missing", [*DTJ, "--training-job-name", "file://nope.txt"]),
    Case("paramfile-home", [*DTJ, "--training-job-name", "file://~/name.txt", "--endpoint-url", "{url}"]),
    Case("stdin", [*DTJ, "--cli-input-json", "file:///dev/stdin", "--endpoint-url", "{url}"],
         stdin=b'{"TrainingJobName": "14-rich-sample"}'),
    Case("user-model-in-home", [*JOB, "--query", "keys(@)"]),
    Case("user-model-in-data-path", [*JOB, "--query", "keys(@)"], env={"AWS_DATA_PATH": "{tmp}/work/models"},
         files=user_model_files()),
    Case("retries", [*DTJ, "--training-job-name", "x", "--endpoint-url", "http://127.0.0.1:9",
                     "--cli-connect-timeout", "1"], env={"AWS_MAX_ATTEMPTS": "2"}),
    Case("debug", [*JOB, "--debug", "--query", "TrainingJobName"]),
]

# --debug lines carry times, object addresses, signatures, request ids, and the
# User-Agent's feature ids in set order (which follows each process's hash seed).
_VOLATILE = re.compile(
    rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}|0x[0-9a-f]+|\b\d{9,}\b|\d{8}T\d{6}Z|[0-9a-f]{32,}"
    rb"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|m/[A-Za-z,]+|(Date|X-Amz-Date)[^\n]*"
)


@pytest.fixture(scope="module")
def corpus_url():
    with ScriptedServer(CorpusRouter(CORPUS_DIR)) as server:
        yield server.url


@pytest.mark.parametrize("case", CASES, ids=str)
def test_fork_server_runs_are_aws_runs(case, corpus_url, tmp_path):
    args, env, work = prepare(case, corpus_url, tmp_path)
    if case.id == "paramfile-home":
        (tmp_path / "home" / "name.txt").write_text("14-rich-sample\n")
    if case.id == "user-model-in-home":
        for name, text in user_model_files(".aws/models").items():
            (tmp_path / "home" / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "home" / name).write_text(text)
    assert aws_forkserver.can_fork(env, case.stdin)
    forked = helpers.run_aws(args, env, cwd=work, stdin=case.stdin)
    process = helpers.run_aws_process(args, env, cwd=work, stdin=case.stdin)
    if case.id == "debug":
        forked.stderr, process.stderr = _VOLATILE.sub(b"~", forked.stderr), _VOLATILE.sub(b"~", process.stderr)
    assert (forked.returncode, forked.stdout, forked.stderr) == (process.returncode, process.stdout, process.stderr)


def test_settings_the_child_cannot_reproduce_start_a_process(tmp_path):
    env = helpers.clean_env(tmp_path)
    assert aws_forkserver.can_fork(env, None)
    assert not aws_forkserver.can_fork({**env, "PYTHONUNBUFFERED": "1"}, None)
    assert not aws_forkserver.can_fork({**env, "LC_ALL": "C"}, None)
    assert not aws_forkserver.can_fork({**env, "LANG": "en_US.ISO-8859-1"}, None)
