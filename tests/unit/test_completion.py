"""Shell completion: what a TAB offers, the committed scripts, real shells, and its cost.

The completion logic is exercised three ways: directly (words in, candidates
out), through the committed scripts in a real bash / zsh / fish, and as a
process, where a completion request must not import botocore, rich, yaml or
jmespath.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from awsml_cli.cli import completion
from scripts import docgen
from awsml_cli.cli.tree import root
from awsml_cli.output.formatters import CLI_CHOICES
from tests import helpers

REPO = helpers.REPO
SCRIPTS = REPO / "completions"
GLOBAL_VISIBLE = [
    "--debug", "--endpoint-url", "--no-verify-ssl", "--no-paginate", "--output", "--query", "--profile",
    "--region", "--color", "--no-sign-request", "--ca-bundle", "--cli-read-timeout", "--cli-connect-timeout",
    "--v2-debug", "--version",
]
# Derived from the tree, so that options added by other features are expected too.
OPERATION_OPTIONS = [
    param.opts[0]
    for param in root.commands["sagemaker"].commands["describe-training-job"].params
    if isinstance(param, click.Option) and not param.hidden
]
OUTPUTS = list(CLI_CHOICES)
SKELETONS = next(
    list(param.type.choices)
    for param in root.commands["sagemaker"].commands["describe-training-job"].params
    if param.name == "generate_cli_skeleton"
)
DTJ = ["sagemaker", "describe-training-job"]


def offered(words: list[str], incomplete: str) -> list[str]:
    return [item.value for item in completion.completions(root, words, incomplete)]


# ----------------------------------------------------------------------------- the logic


@pytest.mark.parametrize(
    "words, incomplete, expected",
    [
        ([], "", ["sagemaker"]),
        ([], "s", ["sagemaker"]),
        ([], "x", []),
        (["sagemaker"], "", ["describe-training-job"]),
        (["sagemaker"], "desc", ["describe-training-job"]),
        # Global options are accepted (and completed) at every level.
        ([], "--", GLOBAL_VISIBLE),
        (["sagemaker"], "--o", ["--output"]),
        (DTJ, "--", OPERATION_OPTIONS + GLOBAL_VISIBLE),
        (DTJ, "", OPERATION_OPTIONS + GLOBAL_VISIBLE),
        (DTJ, "--c", [name for name in OPERATION_OPTIONS if name.startswith("--c")]
         + ["--color", "--ca-bundle", "--cli-read-timeout", "--cli-connect-timeout"]),
        # Options already given are not offered again.
        ([*DTJ, "--training-job-name", "x", "--output", "json"], "--", OPERATION_OPTIONS[1:] + [
            name for name in GLOBAL_VISIBLE if name != "--output"]),
        # Global options before the command words do not hide the command words.
        (["--output", "json", "--debug"], "", ["sagemaker"]),
        (["--region", "eu-west-1", "sagemaker", "--no-paginate"], "", ["describe-training-job"]),
        # Choices.
        (["--output"], "", OUTPUTS),
        ([*DTJ, "--output"], "y", ["yaml", "yaml-stream"]),
        (["--color"], "", ["on", "off", "auto"]),
        ([*DTJ, "--generate-cli-skeleton"], "", SKELETONS),
        ([*DTJ, "--generate-cli-skeleton"], "o", ["output"]),
        # Its value is optional: an option may follow instead.
        ([*DTJ, "--generate-cli-skeleton"], "--q", ["--query"]),
        ([*DTJ, "--generate-cli-skeleton", "--query", "x"], "--gen", []),
        # aws v1's unique prefixes count for the words already typed.
        (["--out"], "", OUTPUTS),
        ([*DTJ, "--gen"], "", SKELETONS),
        (["--col"], "o", ["on", "off"]),
        # An ambiguous prefix is not an option: what follows is a plain word.
        (["--c"], "", ["sagemaker"]),
        # "--opt=value": bash splits at "=", zsh and fish pass it whole.
        (["--output", "="], "t", ["text", "table"]),
        (["--output"], "=", OUTPUTS),
        ([], "--output=ya", ["--output=yaml", "--output=yaml-stream"]),
        # The typed name is kept: shells filter candidates by what was typed.
        ([], "--out=j", ["--out=json"]),
        ([], "--debug=x", []),
        # Free-text values get no suggestions.
        ([*DTJ, "--training-job-name"], "", []),
        ([*DTJ, "--query"], "", []),
        (["--endpoint-url"], "http", []),
        # Hidden commands and options stay hidden.
        ([], "he", []),
        (["sagemaker"], "h", []),
        ([], "--v", ["--v2-debug", "--version"]),  # as aws_completer offers them
        (["--v2-debug"], "", ["sagemaker"]),
        # Values that look like options are still values of a pending option.
        ([*DTJ, "--query", "--weird", "--ou"], "", OUTPUTS),
    ],
)
def test_completions(words, incomplete, expected):
    assert offered(words, incomplete) == expected


def test_path_values_complete_as_files():
    items = completion.completions(root, ["--ca-bundle"], "/etc/ss")
    assert [(item.type, item.value) for item in items] == [("file", "/etc/ss")]


def test_profiles_come_from_the_config_files(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.write_text("[default]\nregion = x\n[profile dev]\n[profile prod-eu]\n[sso-session s]\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[ci]\n[dev]\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    assert offered(["--profile"], "") == ["default", "dev", "prod-eu", "ci"]
    assert offered([*DTJ, "--profile"], "p") == ["prod-eu"]
    config.write_bytes(b"\xff\xfe not ini")
    assert offered(["--profile"], "") == ["ci", "dev"]


def test_option_help_is_shown_where_the_shell_can():
    items = {item.value: item.help for item in completion.completions(root, DTJ, "--tr")}
    assert items == {"--training-job-name": next(p.help for p in root.commands["sagemaker"].commands[
        "describe-training-job"].params if p.name == "training_job_name")}


def test_new_commands_and_options_are_picked_up_from_the_tree():
    # Whatever other features add to the Click tree (e.g. --wait) is completed.
    @click.group("demo")
    @click.option("--global-flag", is_flag=True)
    def demo_root(**_):
        pass

    @demo_root.group("svc")
    def svc():
        pass

    @svc.command("op")
    @click.option("--wait", is_flag=True)
    @click.option("--mode", type=click.Choice(["a", "b"]))
    @click.option("--secret", hidden=True)
    def op(**_):
        pass

    assert [i.value for i in completion.completions(demo_root, ["svc", "op"], "--")] == ["--wait", "--mode", "--global-flag"]
    assert [i.value for i in completion.completions(demo_root, ["svc", "op", "--mode"], "")] == ["a", "b"]


# ----------------------------------------------------------------------------- committed scripts


@pytest.mark.parametrize("shell", sorted(docgen.SCRIPT_FILES))
def test_committed_script_matches_the_generator(shell):
    committed = (SCRIPTS / docgen.SCRIPT_FILES[shell]).read_text(encoding="utf-8")
    assert committed == docgen.completion_script(shell), (
        f"completions/{docgen.SCRIPT_FILES[shell]} is out of date: run `python scripts/docgen.py`"
    )


@pytest.mark.parametrize("shell", sorted(docgen.SCRIPT_FILES))
def test_source_instruction_prints_the_committed_script(shell, tmp_path):
    env = helpers.clean_env(tmp_path / "home", **{completion.COMPLETE_VAR: f"{shell}_source"})
    result = helpers.run_awsml([], env)
    assert result.returncode == 0
    assert result.out == (SCRIPTS / docgen.SCRIPT_FILES[shell]).read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- the process


def completion_env(tmp_path, words: str, cword: int, shell: str = "bash") -> dict:
    return helpers.clean_env(
        tmp_path / "home",
        COMP_WORDS=words,
        COMP_CWORD=str(cword),
        **{completion.COMPLETE_VAR: f"{shell}_complete"},
    )


def test_request_answers_in_clicks_protocol(tmp_path):
    result = helpers.run_awsml([], completion_env(tmp_path, "awsml --output ", 2))
    assert (result.returncode, result.out, result.err) == (
        0, "".join(f"plain,{name}\n" for name in OUTPUTS), "")
    result = helpers.run_awsml([], completion_env(tmp_path, "awsml --query ", 2))
    assert (result.returncode, result.out) == (0, "")
    result = helpers.run_awsml([], completion_env(tmp_path, "awsml sagemaker describe-training-job --tr", 3, "zsh"))
    assert result.out.splitlines()[:2] == ["plain", "--training-job-name"]


def test_unknown_shell_instruction_fails_quietly(tmp_path):
    env = helpers.clean_env(tmp_path / "home", **{completion.COMPLETE_VAR: "tcsh_complete"})
    result = helpers.run_awsml([], env)
    assert (result.returncode, result.out) == (1, "")


# The formatter registry (a name -> module table, which the Click tree reads for
# the --output choices) is fine; the renderers themselves are not.
HEAVY = ("botocore", "rich", "yaml", "jmespath", "tabulate", "urllib3", "dateutil", "awsml_cli.aws.session",
         "awsml_cli.command.describe", "awsml_cli.output.render") + tuple(
             f"awsml_cli.output.formatters.{module}" for module in ("json_output", "text", "table", "yaml_output",
                                                             "yaml_stream", "summary", "errors"))


def test_request_imports_nothing_heavy(tmp_path):
    loaded_file = tmp_path / "modules.json"
    probe = (
        "import json, sys\n"
        "from awsml_cli.__main__ import console_main\n"
        "try:\n"
        "    console_main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"open({str(loaded_file)!r}, 'w').write(json.dumps(sorted(sys.modules)))\n"
    )
    env = completion_env(tmp_path, "awsml sagemaker describe-training-job --output ", 4)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", probe], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("plain,json\n")
    imported = [line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert len(imported) > 10, "no -X importtime output"
    for modules in (imported, json.loads(loaded_file.read_text())):
        heavy = sorted({name for name in modules for prefix in HEAVY if name == prefix or name.startswith(prefix + ".")})
        assert heavy == []


# ----------------------------------------------------------------------------- real shells


def run_shell(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = helpers.clean_env(tmp_path / "home")
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)


BASH_DRIVER = r"""
source "$SCRIPT"
complete -p awsml >/dev/null || exit 3
words=($LINE)
[[ "$LINE" == *" " ]] && words+=("")
COMP_WORDS=("${words[@]}")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMPREPLY=()
_awsml_completion awsml
printf '%s\n' "${COMPREPLY[@]}"
"""


@pytest.mark.parametrize(
    "line, expected",
    [
        ("awsml ", ["sagemaker"]),
        ("awsml sag", ["sagemaker"]),
        ("awsml sagemaker ", ["describe-training-job"]),
        ("awsml sagemaker describe-training-job --tr", ["--training-job-name"]),
        ("awsml --output ", OUTPUTS),
        ("awsml sagemaker describe-training-job --training-job-name x --color ", ["on", "off", "auto"]),
        ("awsml sagemaker describe-training-job --generate-cli-skeleton ", SKELETONS),
        ("awsml --out ta", ["table"]),
        ("awsml sagemaker --no-p", ["--no-paginate"]),
        ("awsml he", []),
    ],
)
def test_bash(line, expected, tmp_path):
    bash = helpers.system_tool("bash")
    proc = run_shell(
        [bash, "--norc", "--noprofile", "-c", f'SCRIPT={SCRIPTS / "awsml.bash"}; LINE="{line}"; {BASH_DRIVER}'],
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert [word for word in proc.stdout.splitlines() if word] == expected


def test_bash_equals_form_and_files(tmp_path):
    bash = helpers.system_tool("bash")
    (tmp_path / "bundle.pem").write_text("x")
    # bash breaks "--output=ya" into "--output" "=" "ya".
    driver = (
        f'source {SCRIPTS / "awsml.bash"}\n'
        'COMP_WORDS=(awsml --output = ya); COMP_CWORD=3; COMPREPLY=(); _awsml_completion awsml\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
        'COMP_WORDS=(awsml --ca-bundle bun); COMP_CWORD=2; COMPREPLY=(); _awsml_completion awsml\n'
        'echo "options=$(compopt 2>/dev/null)"\n'
    )
    proc = run_shell([bash, "--norc", "--noprofile", "-c", driver], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:2] == ["yaml", "yaml-stream"]


ZSH_DRIVER = r"""
compdef() { : }
_describe() { print -rl -- "${(@P)3}" }
compadd() { print -rl -- "${(@P)${@[-1]}}" }
_path_files() { print -r -- "<files>" }
source "$SCRIPT"
words=(${(z)LINE})
[[ "$LINE" == *" " ]] && words+=("")
CURRENT=${#words}
_awsml_completion
"""


@pytest.mark.parametrize(
    "line, expected",
    [
        ("awsml ", ["sagemaker:Amazon SageMaker."]),
        ("awsml sagemaker ", ["describe-training-job:Returns information about a training job."]),
        ("awsml --output ", OUTPUTS),
        ("awsml --output=ya", ["--output=yaml", "--output=yaml-stream"]),
        ("awsml sagemaker describe-training-job --generate-cli-skeleton o", ["output"]),
        ("awsml --ca-bundle ", ["<files>"]),
    ],
)
def test_zsh(line, expected, tmp_path):
    zsh = helpers.system_tool("zsh")
    proc = run_shell([zsh, "-f", "-c", f'SCRIPT={SCRIPTS / "_awsml"}; LINE="{line}"; {ZSH_DRIVER}'], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == expected


def test_zsh_options_carry_their_help(tmp_path):
    zsh = helpers.system_tool("zsh")
    line = "awsml sagemaker describe-training-job --tr"
    proc = run_shell([zsh, "-f", "-c", f'SCRIPT={SCRIPTS / "_awsml"}; LINE="{line}"; {ZSH_DRIVER}'], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("--training-job-name:The name of the training job.")


@pytest.mark.parametrize(
    "line, expected",
    [
        ("awsml ", ["sagemaker\tAmazon SageMaker."]),
        ("awsml sagemaker describe-training-job --output ", OUTPUTS),
        ("awsml --col", ["--color\tTurn on/off color output. Only table output has colour; the default is auto."]),
        ("awsml --output=t", ["--output=text", "--output=table"]),
        ("awsml sagemaker describe-training-job --generate-cli-skeleton ", SKELETONS),
    ],
)
def test_fish(line, expected, tmp_path):
    fish = helpers.system_tool("fish")
    script = f"source {SCRIPTS / 'awsml.fish'}; complete -C {json.dumps(line)}"
    proc = run_shell([fish, "--no-config", "-c", script], tmp_path)
    assert proc.returncode == 0, proc.stderr
    # fish sorts the candidates itself.
    assert proc.stdout.splitlines() == sorted(expected)
