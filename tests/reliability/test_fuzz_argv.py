"""Fuzzing the whole argv: no input ever gives a traceback or an unexpected exit code.

Thousands of argument vectors -- made of awsml's and aws's option names and their
abbreviations, good and bad values, paramfile references (``file://``, ``fileb://``,
``http://`` on the local server), endpoints that refuse, reset or speak TLS, JMESPath
fragments and arbitrary text (including undecodable-byte surrogates) -- go through
``awsml_cli.__main__.main(argv)`` in-process, against the corpus server on 127.0.0.1.
A smaller sample runs the real program in a subprocess.

Invariants: the exit code is one of 0, 2, 130, 255 (3, 4 and 124 are reserved for
``--wait``); nothing on stderr looks like a traceback unless ``--debug`` logging put it
there on purpose; ``main`` never raises.  Every socket is guarded (the session's network
guard, tests/netguard): nothing but 127.0.0.1 can be reached, and nothing ever tries.

``AWSML_FUZZ_EXAMPLES`` (default 3000) sets the in-process volume; the number of examples
actually run is printed at the end of the session (``-s`` shows it).
"""

from __future__ import annotations

import io
import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import helpers
from tests.servers import CORPUS_DIR
from tests.servers.scripted import Corpus, CorpusRouter, Reset, Response, ScriptedServer

ALLOWED_EXIT_CODES = {0, 2, 3, 4, 124, 130, 255}
IN_PROCESS_EXAMPLES = int(os.environ.get("AWSML_FUZZ_EXAMPLES", "3000"))
SUBPROCESS_EXAMPLES = int(os.environ.get("AWSML_FUZZ_SUBPROCESS_EXAMPLES", "50"))

GLOBAL_OPTIONS = [
    "--debug", "--endpoint-url", "--no-verify-ssl", "--no-paginate", "--output", "--query", "--profile",
    "--region", "--color", "--no-sign-request", "--ca-bundle", "--cli-read-timeout", "--cli-connect-timeout",
    "--v2-debug", "--version",
]
OPERATION_OPTIONS = ["--training-job-name", "--cli-input-json", "--generate-cli-skeleton", "--cli-input-yaml"]
WORDS = [
    "sagemaker", "describe-training-job", "help", "list-training-jobs", "describe-training-jb", "s3", "sagemakr",
    "--", "-", "-z", "--bogus", "--zz=1", "--output=json", "--query=TrainingJobName", "--training-job-name=demo-job",
    "--generate-cli-skeleton=input", "--help", "-h",
]
JOB_NAMES = sorted(Corpus(CORPUS_DIR).bodies) + ["nope", "", "-x", "x" * 80, "jöb-日本", "reset-me", "fail-me"]
VALUES = [
    "json", "text", "table", "yaml", "on", "off", "auto", "input", "output", "0", "1", "-1", "1.5", "abc", "99999999999999999999",
    "us-east-1", "bad region!", "xx-nowhere-9", "nosuch", "default",
    "TrainingJobName", "HyperParameters", "ResourceConfig", "foo[", "foo]", "a.`", "`{}`", "`[]`", "@", "*", "keys(@)",
    "[TrainingJobName, Nope]", "{a: TrainingJobName}", "SecondaryStatusTransitions[?Status=='Starting']",
    '{"TrainingJobName": "01-completed-xgboost"}', "{bad", "[1]", "{}", '{"TrainingJobName": 5}', '{"Bogus": 1}',
    "file://name.txt", "file://bad.json", "file://bom.json", "file://binary.bin", "file://missing.txt", "file://.",
    "fileb://name.txt", "fileb://bom.json", "file://", "fileb://", "file:///nonexistent/x",
    "http://127.0.0.1:9/", "ftp://127.0.0.1/", "127.0.0.1:5", "http://", "http://[::1", "https://",
]
SURROGATES = ["\udcff", "ab\udc80cd", "--\udcfe"]


def _server_values(url: str) -> list[str]:
    """Values that need the running server's address."""
    return [
        url, url + "/some/path?q=1", url.replace("http://", "https://"), f"{url}/name.txt", f"{url}/missing.txt",
        f"{url}/input.json", f"{url.replace('http://', 'https://')}/name.txt",
    ]


def token(url: str):
    option_prefix = st.sampled_from(GLOBAL_OPTIONS + OPERATION_OPTIONS).flatmap(
        lambda option: st.integers(3, len(option)).map(lambda n: option[:n])
    )
    return st.one_of(
        st.sampled_from(GLOBAL_OPTIONS + OPERATION_OPTIONS),
        option_prefix,
        st.sampled_from(WORDS),
        st.sampled_from(JOB_NAMES),
        st.sampled_from(VALUES + _server_values(url)),
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
        st.sampled_from(SURROGATES),
    )


def argv_strategy(url: str):
    anything = st.lists(token(url), max_size=10)
    # Most real command lines are close to valid: start from one and add noise.
    call = st.tuples(
        st.lists(token(url), max_size=3),
        st.sampled_from(JOB_NAMES),
        st.lists(token(url), max_size=6),
    ).map(lambda t: [*t[0], "sagemaker", "describe-training-job", "--training-job-name", t[1], *t[2]])
    # And many are valid: known options with fitting values, in any order.
    option_and_value = st.one_of(
        st.tuples(st.just("--output"), st.sampled_from(["json", "text", "table"])),
        st.tuples(st.just("--query"), st.sampled_from(VALUES[20:33])),
        st.tuples(st.just("--color"), st.sampled_from(["on", "off", "auto"])),
        st.tuples(st.just("--endpoint-url"), st.sampled_from(_server_values(url)[:3])),
        st.tuples(st.sampled_from(["--cli-read-timeout", "--cli-connect-timeout"]), st.sampled_from(["0", "5", "x"])),
        st.tuples(st.sampled_from(["--debug", "--no-paginate", "--no-sign-request", "--no-verify-ssl"])),
        st.tuples(st.just("--region"), st.sampled_from(["us-east-1", "eu-west-1", ""])),
    )
    valid = st.tuples(st.sampled_from(JOB_NAMES[:18]), st.lists(option_and_value, max_size=4)).map(
        lambda t: ["sagemaker", "describe-training-job", "--training-job-name", t[0], *[x for pair in t[1] for x in pair]]
    )
    return st.one_of(anything, call, valid)


def corpus_script():
    router = CorpusRouter(
        CORPUS_DIR,
        overrides={"reset-me": Reset(), "fail-me": Response(500, b"")},
        paths={"/name.txt": "01-completed-xgboost", "/input.json": '{"TrainingJobName": "nope"}'},
    )
    return router


# -- in-process ------------------------------------------------------------------------------


class _Runs:
    count = 0
    codes: dict[int, int] = {}


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory):
    """The corpus server, a clean environment and input files in the cwd."""
    work = tmp_path_factory.mktemp("fuzz")
    home = work / "home"
    (work / "name.txt").write_text("01-completed-xgboost")
    (work / "bad.json").write_text("{not json")
    (work / "bom.json").write_bytes(b'\xef\xbb\xbf{"TrainingJobName": "01-completed-xgboost"}')
    (work / "binary.bin").write_bytes(bytes(range(256)))
    with ScriptedServer(corpus_script()) as server, pytest.MonkeyPatch.context() as mp:
        env = helpers.clean_env(home, AWS_ENDPOINT_URL=server.url, AWS_MAX_ATTEMPTS="1", AWS_RETRY_MODE="standard")
        for key in list(os.environ):
            if key.startswith("AWS_") or key in ("HOME", "PYTHONUNBUFFERED", "NO_COLOR"):
                mp.delenv(key)
        for key, value in env.items():
            if key != "PATH":
                mp.setenv(key, value)
        # Each run starts a new botocore session, which re-reads and re-parses the service
        # model (most of a run's time).  botocore lets sessions share a data loader; doing so
        # here multiplies the fuzzing volume without changing what a run does.
        import botocore.session

        from tests.inprocess import shared_loader

        mp.setattr(botocore.session, "create_loader", shared_loader)
        # --debug runs log through awsml's own handler; pytest must not keep thousands of
        # records (with undecodable argv bytes, which xdist cannot send between processes).
        import logging

        for name in ("botocore", "urllib3", "awsml_cli"):
            mp.setattr(logging.getLogger(name), "propagate", False)
        mp.chdir(work)
        yield {"url": server.url, "server": server}
    print(f"\nin-process argv fuzzing: {_Runs.count} runs, exit codes {dict(sorted(_Runs.codes.items()))}")


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    from awsml_cli.__main__ import main

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape", write_through=True)
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", write_through=True)
    saved = sys.stdout, sys.stderr, sys.argv
    sys.stdout, sys.stderr, sys.argv = stdout, stderr, ["awsml", *argv]
    try:
        code = main(argv)
    except SystemExit as exc:  # main() must return, never exit
        code = f"SystemExit({exc.code!r})"
    finally:
        sys.stdout, sys.stderr, sys.argv = saved
    _Runs.count += 1
    _Runs.codes[code] = _Runs.codes.get(code, 0) + 1
    out = stdout.buffer.getvalue().decode("utf-8", "replace")
    err = stderr.buffer.getvalue().decode("utf-8", "replace")
    return code, out, err


def check_invariants(argv, code, err) -> None:
    assert code in ALLOWED_EXIT_CODES, f"argv={argv!r}: exit code {code!r}\n{err[-3000:]}"
    if "Traceback (most recent call last)" in err or "Error in sys.excepthook" in err:
        # Only --debug logging shows tracebacks, and only inside its records.
        assert " - DEBUG - " in err, f"argv={argv!r}: traceback\n{err[-3000:]}"
    assert "Exception ignored" not in err, f"argv={argv!r}\n{err[-3000:]}"
    # Nothing may leave loopback (the session's network guard, tests/netguard).
    assert helpers.network_records() == []


@pytest.mark.slow
def test_fuzz_argv_in_process(fuzz_world):
    url = fuzz_world["url"]

    @settings(
        max_examples=IN_PROCESS_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(argv_strategy(url))
    def run(argv):
        code, _, err = run_in_process(argv)
        check_invariants(argv, code, err)

    run()
    assert _Runs.count >= IN_PROCESS_EXAMPLES // 2
    assert {0, 2, 255} <= set(_Runs.codes), _Runs.codes  # the fuzzing reached every outcome


@pytest.mark.parametrize(
    "argv",
    [
        ["sagemaker", "describe-training-job", "--training-job-name", "01-completed-xgboost"],
        ["sagemaker", "describe-training-job", "--training-job-name", "reset-me"],
        ["sagemaker", "describe-training-job", "--training-job-name", "file://binary.bin"],
        ["sagemaker", "describe-training-job", "--training-job-name", "\udcff"],
        ["--debug", "sagemaker", "describe-training-job", "--training-job-name", "nope", "--output", "table"],
        ["sagemaker", "describe-training-job", "--cli-input-json", "file://bom.json"],
        ["sagemaker", "describe-training-job", "--training-job-name", "x", "--endpoint-url", "http://[::1"],
        ["--version", "\udcff"],
        ["help"],
        [],
    ],
    ids=["ok", "reset", "binary-paramfile", "surrogate-name", "debug-table-error", "bom-input", "bad-ipv6", "version-surrogate", "help", "empty"],
)
def test_known_hard_inputs(argv, fuzz_world):
    code, _, err = run_in_process(argv)
    check_invariants(argv, code, err)


# -- the real program --------------------------------------------------------------------------


@pytest.mark.slow
def test_fuzz_argv_subprocess(tmp_path_factory):
    """The real program: same invariants, plus real stdio."""
    work = tmp_path_factory.mktemp("fuzz-subprocess")
    (work / "name.txt").write_text("01-completed-xgboost")
    runs = []
    with ScriptedServer(corpus_script()) as server:
        env = helpers.clean_env(work / "home", AWS_ENDPOINT_URL=server.url, AWS_MAX_ATTEMPTS="1")

        @settings(max_examples=SUBPROCESS_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(argv_strategy(server.url))
        def run(argv):
            encoded = [os.fsencode(arg) for arg in argv]
            result = helpers.run(helpers.awsml_command(), encoded, env, cwd=work)
            runs.append(result.returncode)
            check_invariants(argv, result.returncode, result.err)
            assert "Traceback" not in result.err or " - DEBUG - " in result.err

        run()
    print(f"\nsubprocess argv fuzzing: {len(runs)} runs, exit codes {sorted(set(runs))}")
    assert len(runs) >= SUBPROCESS_EXAMPLES // 2
