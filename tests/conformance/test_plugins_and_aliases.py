"""The AWS CLI's own extension points, ``[plugins]`` in the config file and ``~/.aws/cli/alias``.

``[plugins]``: aws v1 imports every module named there when it starts (and runs its
``awscli_initialize``); a module it cannot import ends the run with a traceback and exit 1.
awsml runs no aws plugins. It says so in one line on stderr, naming them, and goes on with
the same stdout and exit code as aws without plugins (a listed difference; a plugin can
change what aws prints, and the line tells the user why awsml's output might not match).
"""

from __future__ import annotations

import pytest

from tests import comparisons, helpers
from tests.conformance.harness import Case, prepare

pytestmark = pytest.mark.conformance

SKELETON = ["sagemaker", "describe-training-job", "--generate-cli-skeleton"]
DESCRIBE = ["sagemaker", "describe-training-job", "--training-job-name", "demo-job", "--endpoint-url", "{url}",
            "--query", "TrainingJobName"]
# A plugin aws can import (PYTHONPATH), which changes nothing.
QUIET_PLUGIN = "def awscli_initialize(cli):\n    pass\n"


def plugin_case(id, args, plugins: str, files=None):
    return Case(id, args, env={"PYTHONPATH": "{tmp}/work/plugins"}, config=f"[plugins]\n{plugins}",
                files=files or {})


def notice(config_file: str, names: str) -> bytes:
    return (f"awsml: not running the AWS CLI plugins in [plugins] of {config_file} "
            f"(awsml runs no aws plugins): {names}\n").encode()


def test_an_empty_plugins_section_is_no_plugin(moto_url, tmp_path):
    args, env, work = prepare(plugin_case("empty", DESCRIBE, ""), moto_url, tmp_path)
    expected, actual = helpers.run_aws(args, env, cwd=work), helpers.run_awsml(args, env, cwd=work)
    assert comparisons.record((actual.returncode, actual.stdout, actual.stderr)
                              == (expected.returncode, expected.stdout, expected.stderr))
    assert actual.stdout == b'"demo-job"\n'


@pytest.mark.parametrize("args", [DESCRIBE, SKELETON], ids=["describe", "skeleton"])
def test_an_importable_plugin_is_named_not_run(args, moto_url, tmp_path):
    case = plugin_case("quiet", args, "quiet = quietplugin\n", files={"plugins/quietplugin.py": QUIET_PLUGIN})
    args, env, work = prepare(case, moto_url, tmp_path)
    expected, actual = helpers.run_aws(args, env, cwd=work), helpers.run_awsml(args, env, cwd=work)
    assert expected.returncode == 0 and expected.stderr == b""
    assert (actual.returncode, actual.stdout) == (expected.returncode, expected.stdout)
    assert actual.stderr == notice(env["AWS_CONFIG_FILE"], "quiet (quietplugin)")


def test_a_plugin_aws_cannot_import_is_named_with_no_traceback(moto_url, tmp_path):
    case = plugin_case("missing", DESCRIBE, "missing = no_such_module_xyz\nother = pkg.module\n")
    args, env, work = prepare(case, moto_url, tmp_path)
    expected, actual = helpers.run_aws(args, env, cwd=work), helpers.run_awsml(args, env, cwd=work)
    assert expected.returncode == 1 and b"Traceback" in expected.stderr  # aws v1 crashes
    assert (actual.returncode, actual.stdout) == (0, b'"demo-job"\n')
    assert actual.stderr == notice(env["AWS_CONFIG_FILE"], "missing (no_such_module_xyz), other (pkg.module)")


# ``~/.aws/cli/alias``: aws v1 reads it at every start; only its [toplevel] section counts.
DTJ = ["sagemaker", "describe-training-job"]
ALIAS_CASES = [
    # (id, alias file, argv)
    ("shell-alias-shadows-sagemaker", "[toplevel]\nsagemaker = !echo ALIASED\n",
     [*DTJ, "--training-job-name", "x"]),
    ("shell-alias-skeleton-line", "[toplevel]\nsagemaker = !echo ALIASED\n", [*DTJ, "--generate-cli-skeleton"]),
    ("shell-alias-quoting", "[toplevel]\nsay = !printf '%s|'\n", ["say", "a b", "c$d", "'q'", "--region", "x"]),
    ("shell-alias-status", "[toplevel]\nfail = !exit 3\n", ["fail"]),
    ("service-alias", "[toplevel]\nsm = sagemaker\n",
     ["sm", "describe-training-job", "--training-job-name", "demo-job", "--endpoint-url", "{url}"]),
    ("service-alias-with-operation", "[toplevel]\ndtj = sagemaker describe-training-job\n",
     ["dtj", "--training-job-name", "demo-job", "--endpoint-url", "{url}", "--query", "TrainingJobName"]),
    ("service-alias-with-options", "[toplevel]\ndemo = sagemaker describe-training-job --training-job-name demo-job\n",
     ["demo", "--endpoint-url", "{url}", "--output", "text", "--query", "ResourceConfig"]),
    ("service-alias-globals", "[toplevel]\nsmt = --output text --query TrainingJobStatus sagemaker\n",
     ["smt", "describe-training-job", "--training-job-name", "demo-job", "--endpoint-url", "{url}"]),
    ("service-alias-globals-win", "[toplevel]\nsmj = --output json sagemaker\n",
     ["--output", "text", "smj", "describe-training-job", "--training-job-name", "demo-job", "--endpoint-url", "{url}"]),
    ("service-alias-shadows-builtin", "[toplevel]\nsagemaker = sagemaker --query TrainingJobName\n",
     [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{url}"]),
    ("alias-of-alias", "[toplevel]\nsm = sagemaker\ndtj = sm describe-training-job\n",
     ["dtj", "--training-job-name", "demo-job", "--endpoint-url", "{url}", "--query", "TrainingJobArn"]),
    ("service-alias-bad-query", "[toplevel]\nq = --query a[ sagemaker\n",
     ["q", "describe-training-job", "--training-job-name", "demo-job", "--endpoint-url", "{url}"]),
    ("service-alias-debug-refused", "[toplevel]\nbad = --debug sagemaker\n", ["bad", "describe-training-job"]),
    ("service-alias-profile-refused", "[toplevel]\nbad = --profile p sagemaker\n", ["bad", "describe-training-job"]),
    ("service-alias-unparsable-value", "[toplevel]\nbad = sagemaker 'unclosed\n", ["bad", "describe-training-job"]),
    ("alias-missing-operation", "[toplevel]\nsm = sagemaker\n", ["sm"]),
    ("command-section-ignored", "[command sagemaker]\ndtj = describe-training-job\n", ["sagemaker", "dtj"]),
    ("empty-file", "", [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{url}"]),
    ("unused-aliases", "[toplevel]\nfoo = !false\nbar = s3 ls\n",
     [*DTJ, "--training-job-name", "demo-job", "--endpoint-url", "{url}", "--query", "TrainingJobName"]),
]


def _alias_run(program: str, alias_text: str, argv: list[str], url: str, tmp_path) -> helpers.Result:
    home = tmp_path / program
    env = helpers.clean_env(home)
    (home / ".aws" / "cli").mkdir(parents=True)
    (home / ".aws" / "cli" / "alias").write_text(alias_text)
    args = [a.replace("{url}", url) for a in argv]
    runner = helpers.run_aws if program == "aws" else helpers.run_awsml
    return runner(args, env, cwd=home)


@pytest.mark.parametrize("id, alias_text, argv", ALIAS_CASES, ids=[c[0] for c in ALIAS_CASES])
def test_aliases_as_aws(id, alias_text, argv, moto_url, tmp_path):
    expected = _alias_run("aws", alias_text, argv, moto_url, tmp_path)
    actual = _alias_run("awsml", alias_text, argv, moto_url, tmp_path)
    assert comparisons.record((actual.returncode, actual.stdout, helpers.error_text(actual.stderr)) == (
        expected.returncode, expected.stdout, helpers.error_text(expected.stderr)))


def test_an_alias_to_another_command_is_refused_in_one_line(moto_url, tmp_path):
    result = _alias_run("awsml", "[toplevel]\nls = s3 ls --endpoint-url http://127.0.0.1:9\n", ["ls"], moto_url,
                        tmp_path)
    alias_file = tmp_path / "awsml" / ".aws" / "cli" / "alias"
    assert (result.returncode, result.stdout) == (255, b"")
    assert result.stderr == (f'\nawsml implements only "sagemaker describe-training-job": the alias "ls" in '
                             f'{alias_file} runs "aws s3"\n').encode()


def test_an_unparsable_alias_file_is_an_error_not_a_traceback(moto_url, tmp_path):
    expected = _alias_run("aws", "[toplevel\nx = y\n", [*DTJ, "--generate-cli-skeleton"], moto_url, tmp_path)
    actual = _alias_run("awsml", "[toplevel\nx = y\n", [*DTJ, "--generate-cli-skeleton"], moto_url, tmp_path)
    assert expected.returncode == 1 and b"Traceback" in expected.stderr  # aws v1 crashes
    alias_file = tmp_path / "awsml" / ".aws" / "cli" / "alias"
    assert (actual.returncode, actual.stdout) == (255, b"")
    assert actual.stderr == f"\nUnable to parse config file: {alias_file}\n".encode()
