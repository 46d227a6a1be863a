"""The oracle through the fork server is the oracle: the same bytes and exit code as a new aws process.

Most conformance runs of aws go through ``tests.aws_forkserver``. These cases
run aws both ways, over the settings the suite uses (output formats, queries,
config and credentials files, paramfiles relative to the working directory,
stdin, a user's own model in ~/.aws/models and in AWS_DATA_PATH, TZ, --debug,
errors of every kind), and require identical stdout, stderr and exit code.
"""

from __future__ import annotations

import os
import re

import pytest

from awsml_cli.demo import seed
from tests.reliability import test_credential_cache as credential_cache
from tests.servers.counting_moto import running_moto

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
    # A byte that is not UTF-8 in argv: the interpreter decodes it to a surrogate and
    # writes it back out through its standard streams' error handlers.
    Case("non-utf8-query", [*JOB, "--query", '`"\udcff"`']),
    Case("non-utf8-job-name", [*DTJ, "--training-job-name", "job-\udcff", "--endpoint-url", "{url}"]),
    Case("non-utf8-bad-choice", [*JOB, "--output", "t\udcffext"]),
    Case("non-utf8-unknown-option", [*JOB, "--b\udcffogus"]),
    # What aws reads from under HOME at start-up (the alias file).
    Case("alias-file", ["sm", "describe-training-job", "--training-job-name", "14-rich-sample",
                        "--endpoint-url", "{url}"]),
    Case("alias-file-shell", [*JOB]),
    Case("history-enabled", [*JOB, "--query", "TrainingJobName"], config="[default]\ncli_history = enabled\n"),
]

# Files a case needs under its HOME (aws computes these paths from HOME when imported).
HOME_FILES = {
    "alias-file": {".aws/cli/alias": "[toplevel]\nsm = sagemaker\n"},
    "alias-file-shell": {".aws/cli/alias": "[toplevel]\nsagemaker = !echo ALIASED $1\n"},
}

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
    for name, text in HOME_FILES.get(case.id, {}).items():
        (tmp_path / "home" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "home" / name).write_text(text)
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


def _files_under(home) -> list[str]:
    return sorted(str(path.relative_to(home)) for path in home.rglob("*") if path.is_file())


def test_state_written_under_home_lands_in_each_runs_home(corpus_url, tmp_path):
    """The history database (and the other files aws writes under HOME) are written under
    the HOME of the run, as a new process writes them, not under the fork server's."""
    case = next(case for case in CASES if case.id == "history-enabled")
    runs = {}
    for way, runner in (("forked", helpers.run_aws), ("process", helpers.run_aws_process)):
        args, env, work = prepare(case, corpus_url, tmp_path / way)
        result = runner(args, env, cwd=work)
        runs[way] = (result.returncode, result.stdout, result.stderr, _files_under(tmp_path / way / "home"))
    assert runs["forked"] == runs["process"]
    assert ".aws/cli/history/history.db" in runs["forked"][3]
    server_home = aws_forkserver.server(helpers.aws_command()[0])._home.name
    assert not os.path.exists(os.path.join(server_home, ".aws"))


@pytest.mark.parametrize("first", ["forked", "process"])
def test_assume_role_cache_is_shared_between_forked_and_new_aws(first, sts, tmp_path):
    """A forked aws writes the assume-role cache where a new aws process reads it, and the
    other way round: two runs in one HOME, one STS request."""
    url, log = sts
    env = credential_cache.environment(tmp_path / "home", "source-profile", url)
    assert aws_forkserver.can_fork(env, None)
    ways = {"forked": helpers.run_aws, "process": helpers.run_aws_process}
    order = [first, "process" if first == "forked" else "forked"]
    calls = []
    for way in order:
        mark = log.mark()
        result = ways[way]([*credential_cache.CALL, "--endpoint-url", url], env)
        assert (result.returncode, result.stdout, result.stderr) == (0, b'"demo-job"\n', b"")
        calls.append(sum(action == "AssumeRole" for action, _ in log.since(mark)))
    assert calls == [1, 0]
    assert len(credential_cache.cache_files(tmp_path / "home")) == 1


@pytest.fixture(scope="module")
def sts():
    with running_moto() as (url, log):
        seed(url)
        yield url, log


# The hash seed: every forked child has its server's, where new processes each draw
# their own. Nothing aws prints depends on it but the order of the feature ids in its
# --debug User-Agent (masked above); these runs show that for fixed seeds.
SEED_CASES = ["json", "text", "table", "skeleton", "service-error", "bad-choice", "debug"]


@pytest.mark.parametrize("seed_value", ["0", "1", "4242"])
def test_output_does_not_follow_the_hash_seed(seed_value, corpus_url, tmp_path):
    for case in (case for case in CASES if case.id in SEED_CASES):
        args, env, work = prepare(case, corpus_url, tmp_path / case.id)
        forked = helpers.run_aws(args, env, cwd=work)
        process = helpers.run_aws_process(args, {**env, "PYTHONHASHSEED": seed_value}, cwd=work)
        if case.id == "debug":
            forked.stderr, process.stderr = _VOLATILE.sub(b"~", forked.stderr), _VOLATILE.sub(b"~", process.stderr)
        assert (forked.returncode, forked.stdout, forked.stderr) == (
            process.returncode, process.stdout, process.stderr), case.id


def test_settings_the_child_cannot_reproduce_start_a_process(tmp_path):
    env = helpers.clean_env(tmp_path)
    assert aws_forkserver.can_fork(env, None)
    assert not aws_forkserver.can_fork({**env, "PYTHONUNBUFFERED": "1"}, None)
    assert not aws_forkserver.can_fork({**env, "LC_ALL": "C"}, None)
    assert not aws_forkserver.can_fork({**env, "LANG": "en_US.ISO-8859-1"}, None)
