"""The start-up shortcuts give the same results as the full path, and skip what they claim to skip.

* exactly ``awsml --version`` is answered before the command tree is imported;
* exactly ``awsml sagemaker describe-training-job --generate-cli-skeleton [input]``
  runs the command body without the tree;
* ``--generate-cli-skeleton`` and ``help`` run without a botocore session,
  the skeleton from the trimmed model unless a user model could change it;
* describe runs through the same Click tree as before (no shortcut) but with
  precompiled regular expressions (tests/unit/test_regex_cache.py).

Completion requests have their own tests (tests/unit/test_completion_fast.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import botocore.loaders
import botocore.session
import pytest

from awsml_cli.speedups import fast_session as bf
from awsml_cli.speedups import fastdata
from awsml_cli.aws import client, shapes
from awsml_cli.command import skeleton
from awsml_cli.app import SKELETON_LINES
from awsml_cli.aws.configfiles import ConfigFiles
from tests import helpers

DTJ = ["sagemaker", "describe-training-job"]

# Runs one command line in-process through awsml's entry point, then reports
# which modules it imported (those imported before it started excluded).
_PROBE = """\
import json, sys
before = set(sys.modules)
sys.argv[0] = "awsml"
from awsml_cli.__main__ import console_main
try:
    console_main()
except SystemExit as exc:
    code = exc.code
imported = sorted(set(sys.modules) - before)
sys.stdout.flush()
print(json.dumps({"code": code, "imported": imported}), file=sys.stderr)
"""

# The same command line through the full path: the Click tree, argparse and
# errors.report, with no shortcut taken.
_FULL_PATH = """\
import sys
from awsml_cli.cli.tree import run
from awsml_cli.errors import report
try:
    code = run(sys.argv[1:])
except BaseException as exc:
    if isinstance(exc, SystemExit):
        raise
    code = report(exc)
sys.exit(code)
"""


def probe(args: list[str], env: dict) -> tuple[str, dict]:
    """What a run on a warm cache imports: the same command line runs once before
    (the first run on a new botocore derives the fast path's data; tests/unit/test_fastdata.py)."""
    subprocess.run([sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, timeout=120)
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True, timeout=120)
    lines = proc.stderr.strip().splitlines()
    return proc.stdout, json.loads(lines[-1])


def full_path(args: list[str], env: dict, **kwargs) -> helpers.Result:
    return helpers.run([sys.executable, "-c", _FULL_PATH], args, env, **kwargs)


def families(modules: list[str]) -> set[str]:
    return {name.split(".")[0] for name in modules} | {name for name in modules if name == "botocore.session"}


# ----------------------------------------------------------------------------- --version


@pytest.mark.parametrize("extra_env", [{}, {"AWS_EXECUTION_ENV": "CodeBuild"}, {"AWS_PROFILE": "nosuch"},
                                       {"_AWSML_COMPLETE": ""}])
def test_version_shortcut_prints_what_the_full_path_prints(extra_env, env):
    env = {**env, **extra_env}
    for command in (helpers.awsml_command(), [sys.executable, "-m", "awsml_cli"]):
        shortcut = helpers.run(command, ["--version"], env)
        assert (shortcut.returncode, shortcut.stdout, shortcut.stderr) == (
            lambda r: (r.returncode, r.stdout, r.stderr))(full_path(["--version"], env))
        assert shortcut.returncode == 0 and shortcut.out.startswith("awsml/")


def run_with_reader_gone(command: list[str], env: dict) -> tuple[int, bytes]:
    reader, writer = os.pipe()
    os.close(reader)
    try:
        proc = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=writer, stderr=subprocess.PIPE,
                              timeout=120)
    finally:
        os.close(writer)
    return proc.returncode, proc.stderr


def test_version_shortcut_with_the_reader_gone(env):
    shortcut = run_with_reader_gone([*helpers.awsml_command(), "--version"], env)
    assert shortcut == run_with_reader_gone([sys.executable, "-c", _FULL_PATH, "--version"], env)
    assert shortcut == (0, b"")


def test_version_shortcut_imports_no_command_tree(env):
    out, found = probe(["--version"], env)
    assert found["code"] == 0 and out.startswith("awsml/")
    assert not families(found["imported"]) & {"click", "argparse", "botocore.session", "urllib3"}


@pytest.mark.parametrize("args", [
    ["--version", "--debug"], ["--debug", "--version"], ["--vers"], ["--version=1"], ["--version", "--output", "xml"],
    ["--output", "xml", "--version"], ["sagemaker", "--version"], [*DTJ, "--training-job-name", "x", "--version"],
    ["--version", "help"], ["--v"],
])
def test_other_version_lines_take_the_full_path(args, env):
    # Not the shortcut's business: the parser decides (errors, ambiguity, order).
    out, found = probe(args, env)
    assert "click" in families(found["imported"])
    expected = full_path(args, env)
    actual = helpers.run_awsml(args, env)
    assert (actual.returncode, actual.stdout, helpers.error_text(actual.stderr)) == (
        expected.returncode, expected.stdout, helpers.error_text(expected.stderr))


# ----------------------------------------------------------------------------- skeleton and help without a session


@pytest.mark.parametrize("args", [[*DTJ, "--generate-cli-skeleton"], [*DTJ, "help"], ["help"], ["sagemaker", "help"],
                                  [*DTJ, "--generate-cli-skeleton", "--profile", "nosuch"]])
def test_skeleton_and_help_start_no_session(args, env):
    out, found = probe(args, env)
    assert found["code"] in (0, 255)
    assert not families(found["imported"]) & {"botocore.session", "urllib3", "jmespath", "dateutil"}


def test_without_config_files_the_skeleton_imports_no_botocore_module(env, tmp_path):
    _, found = probe([*DTJ, "--generate-cli-skeleton"], env)
    assert [name for name in found["imported"] if name.startswith("botocore.")] == []
    config = tmp_path / "config"
    config.write_text("[default]\nregion = eu-west-1\n")
    _, found = probe([*DTJ, "--generate-cli-skeleton"], {**env, "AWS_CONFIG_FILE": str(config)})
    assert "botocore.configloader" in found["imported"] and "botocore.session" not in found["imported"]


def test_skeleton_under_debug_comes_from_the_session(env):
    plain = helpers.run_awsml([*DTJ, "--generate-cli-skeleton"], env)
    debug = helpers.run_awsml([*DTJ, "--generate-cli-skeleton", "--debug"], env)
    assert plain.stdout == debug.stdout == b'{\n    "TrainingJobName": ""\n}\n'
    assert b"Loading JSON file" in debug.stderr and b"service-2.json" in debug.stderr


# Environments for the skeleton lines: profiles found or not, bad settings, unreadable
# files, a user's own model. The shortcut and the tree must agree on all of them.
SKELETON_SETUPS = {
    "plain": ({}, None, None),
    "missing-profile": ({"AWS_PROFILE": "nosuch"}, None, None),
    "empty-default-profile-var": ({"AWS_DEFAULT_PROFILE": "", "AWS_PROFILE": "p"}, "[profile p]\n", None),
    "profile-in-credentials": ({"AWS_PROFILE": "ci"}, None, "[ci]\naws_access_key_id = A\n"),
    "bad-timestamp-format": ({}, "[default]\ncli_timestamp_format = bogus\n", None),
    "unparsable-config": ({}, "[default\n", None),
    "unparsable-credentials": ({}, None, "junk\n"),
    "no-config-file-name": ({"AWS_CONFIG_FILE": "", "AWS_PROFILE": "p"}, None, None),
    "no-follow-urlparam": ({}, "[default]\ncli_follow_urlparam = false\n", None),
    "bad-output-in-config": ({}, "[default]\noutput = bogus\n", None),
    "bad-output-in-env": ({"AWS_DEFAULT_OUTPUT": "bogus"}, None, None),
    "text-output-in-env": ({"AWS_DEFAULT_OUTPUT": "text"}, None, None),
    "bad-retry-settings": ({"AWS_MAX_ATTEMPTS": "x", "AWS_RETRY_MODE": "nope"}, None, None),
    "bad-endpoint-in-env": ({"AWS_ENDPOINT_URL": "not a url"}, None, None),
    "ca-bundle-missing": ({"AWS_CA_BUNDLE": "/nonexistent/ca.pem"}, None, None),
}


@pytest.mark.parametrize("line", [list(line) for line in SKELETON_LINES], ids=" ".join)
@pytest.mark.parametrize("setup", sorted(SKELETON_SETUPS))
def test_skeleton_shortcut_is_the_full_path(line, setup, env, tmp_path):
    extra, config, credentials = SKELETON_SETUPS[setup]
    env = {**env, **extra}
    if config is not None:
        Path(env["AWS_CONFIG_FILE"]).write_text(config)
    if credentials is not None:
        Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(credentials)
    shortcut = helpers.run_awsml(line, env)
    expected = full_path(line, env)
    assert (shortcut.returncode, shortcut.stdout, shortcut.stderr) == (
        expected.returncode, expected.stdout, expected.stderr)


def test_skeleton_shortcut_with_a_user_model(env, tmp_path):
    from tests.conformance.test_no_session_paths import user_model_files

    for name, text in user_model_files().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    env = {**env, "AWS_DATA_PATH": str(tmp_path / "models")}
    shortcut = helpers.run_awsml(list(SKELETON_LINES[0]), env)
    assert shortcut.returncode == 0 and b"ExtraFromUserModel" in shortcut.stdout
    assert shortcut.stdout == full_path(list(SKELETON_LINES[0]), env).stdout


def test_skeleton_shortcut_with_the_reader_gone(env):
    line = list(SKELETON_LINES[0])
    shortcut = run_with_reader_gone([*helpers.awsml_command(), *line], env)
    assert shortcut == run_with_reader_gone([sys.executable, "-c", _FULL_PATH, *line], env)


def test_skeleton_shortcut_imports_no_command_tree(env):
    for line in SKELETON_LINES:
        out, found = probe(list(line), env)
        assert found["code"] == 0 and out == '{\n    "TrainingJobName": ""\n}\n'
        assert not families(found["imported"]) & {"click", "argparse", "botocore.session"}


@pytest.mark.parametrize("args", [
    [*DTJ, "--generate-cli-skeleton", "output"], [*DTJ, "--generate-cli-skeleton", "--debug"],
    [*DTJ, "--generate-cli-skeleton", "inp"], ["sagemaker", "describe-training-job", "--generate-cli-skel"],
    ["--output", "text", *DTJ, "--generate-cli-skeleton"], [*DTJ, "--generate-cli-skeleton", "input", "x"],
    [*DTJ, "--generate-cli-skeleton=input"], [*DTJ, "--generate-cli-skeleton", "help"],
])
def test_other_skeleton_lines_take_the_full_path(args, env):
    _, found = probe(args, env)
    assert "click" in families(found["imported"])


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """An empty HOME and ~/.aws/models, as botocore computes it, and fresh data checks."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    monkeypatch.setattr(botocore.loaders.Loader, "CUSTOMER_DATA_PATH", str(home / ".aws" / "models"))
    monkeypatch.setattr(fastdata, "_KNOWN", {})
    return home


def test_skeleton_shape_is_the_sessions(isolated):
    shape = client.input_shape_without_session(ConfigFiles())
    assert isinstance(shape, shapes.ModelShape)
    ours = skeleton.input_skeleton(shape)
    stock = skeleton.input_skeleton(client.operation_model(botocore.session.Session()).input_shape)
    assert json.dumps(ours) == json.dumps(stock) == '{"TrainingJobName": ""}'
    # The whole model the session would load, not only this operation's input.
    session = bf.make_session()
    assert bf.service_model_without_session(None) == session.get_component("data_loader").load_service_model(
        "sagemaker", "service-2")


def test_every_model_shape_reads_as_botocores(isolated):
    from botocore.model import ServiceModel

    model = bf.service_model_without_session(None)
    service = ServiceModel(model)
    for name in model["shapes"]:
        ours, theirs = shapes.ModelShape(name, model["shapes"]), service.shape_for(name)
        assert (ours.name, ours.type_name, list(ours.enum)) == (theirs.name, theirs.type_name, list(
            getattr(theirs, "enum", [])))
        if ours.type_name == "structure":
            assert [(k, v.name) for k, v in ours.members.items()] == [(k, v.name) for k, v in theirs.members.items()]
        elif ours.type_name == "list":
            assert ours.member.name == theirs.member.name
        elif ours.type_name == "map":
            assert ours.value.name == theirs.value.name


@pytest.mark.parametrize("where", ["customer-dir", "customer-file", "data-path-dir", "data-path-gz", "data-path-second"])
def test_a_user_model_sends_the_skeleton_to_the_session(where, isolated, tmp_path):
    models = isolated / ".aws" / "models"
    data_path = None
    if where == "customer-dir":
        (models / "sagemaker").mkdir(parents=True)
    elif where == "customer-file":
        models.mkdir(parents=True)
        (models / "sagemaker.json").write_text("{}")
    else:
        extra = tmp_path / "extra"
        extra.mkdir()
        if where == "data-path-gz":
            (extra / "sagemaker.json.gz").write_bytes(b"")
        else:
            (extra / "sagemaker").mkdir()
        data_path = str(extra) if where != "data-path-second" else os.pathsep.join([str(tmp_path / "none"), str(extra)])
    assert bf.service_model_without_session(data_path) is None
    assert bf.service_model_without_session(str(tmp_path / "elsewhere")) is not None or where.startswith("customer")


def test_no_botocore_data_sends_the_skeleton_to_the_session(isolated, monkeypatch):
    monkeypatch.setattr(fastdata, "_KNOWN", {})
    monkeypatch.setattr(fastdata, "botocore_root", lambda: None)
    assert bf.service_model_without_session(None) is None


# ----------------------------------------------------------------------------- the garbage collector

_GC_PROBE = """\
import gc, json, sys
sys.argv[0] = "awsml"
from awsml_cli.__main__ import console_main
try:
    console_main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
print(json.dumps({"code": code, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}), file=sys.stderr)
"""


def collector_state(args: list[str], env: dict) -> dict:
    proc = subprocess.run([sys.executable, "-c", _GC_PROBE, *args], env=env, capture_output=True, text=True,
                          timeout=120)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_collector_is_back_once_the_client_exists(env, moto_url):
    state = collector_state([*DTJ, "--training-job-name", "demo-job", "--endpoint-url", moto_url], env)
    assert state["code"] == 0
    assert state["enabled"] and state["frozen"] > 10_000


def test_collector_stays_paused_on_short_paths(env):
    state = collector_state([*DTJ, "--generate-cli-skeleton"], env)
    assert (state["code"], state["enabled"], state["frozen"]) == (0, False, 0)


def test_in_process_use_leaves_the_collector_alone(env, monkeypatch, capsys):
    import gc

    from awsml_cli.app import main

    for key in [key for key in os.environ if key.startswith("AWS_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert main(["--version"]) == 0
    assert main(["sagemaker", "describe-training-job", "--generate-cli-skeleton"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen
