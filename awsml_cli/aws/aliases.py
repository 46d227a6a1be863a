"""``~/.aws/cli/alias``: aws v1's command aliases, read as aws v1 reads them.

aws v1 reads the file (INI; only its ``[toplevel]`` section counts) every time
it starts, and adds each alias to its command words:

* ``name = !shell command``: ``aws name ARGS`` runs the shell command with the
  arguments left after the global options, each shell-quoted, and exits with
  its status;
* ``name = [global options] command [more words]``: ``aws name ARGS`` runs
  ``aws [global options] command [more words] ARGS``; the alias's global
  options win over the command line's (``--debug`` and ``--profile`` are
  refused in an alias), and an alias named like a command it uses (``sagemaker
  = sagemaker --region eu-west-1``) runs the real command.

awsml does the same for every alias that ends at ``sagemaker`` and for every
shell alias. An alias that ends at another AWS CLI command (``ls = s3 ls``) is
refused in one line: awsml implements one command. An alias file that cannot
be parsed is reported as an unparsable config file (aws v1 crashes with a
traceback, exit 1); ``[command ...]`` sections, which only aws v2 reads, are
ignored as aws v1 ignores them.
"""

from __future__ import annotations

import os

ALIAS_FILE = ("~", ".aws", "cli", "alias")
# aws v1 refuses these in an alias (a listed error, exit 255).
UNSUPPORTED_GLOBALS = ("debug", "profile")


def alias_file() -> str:
    return os.path.expanduser(os.path.join(*ALIAS_FILE))


def load() -> dict[str, str]:
    """The ``[toplevel]`` aliases, values stripped, in file order ({} without a file)."""
    path = alias_file()
    if not os.path.exists(path):
        return {}
    from botocore.configloader import raw_config_parse

    aliases = raw_config_parse(path, parse_subsections=False).get("toplevel", {})
    return {name: value.strip() for name, value in aliases.items()}


class ShellAlias:
    """``name = !command``: run by the shell, with the remaining words quoted."""

    def __init__(self, name: str, command: str):
        self.name = name
        self.command = command

    def run(self, args: list[str]) -> int:
        import shlex
        import subprocess
        import sys

        line = " ".join([self.command, *(shlex.quote(arg) for arg in args)])
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        return subprocess.call(line, shell=True)


def split_value(name: str, value: str) -> list[str]:
    """An alias's words, as aws v1 splits them (shell rules, line ends stripped)."""
    import shlex

    from awsml_cli.errors import AwsmlError

    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise AwsmlError(
            f'Value of alias "{name}" could not be parsed. Received error: {exc} when parsing:\n{value}'
        ) from None
    return [word.strip(os.linesep) for word in words]


def check_globals(name: str, given: dict) -> None:
    """aws v1 refuses --debug and --profile inside an alias."""
    from awsml_cli.errors import AwsmlError

    for option in UNSUPPORTED_GLOBALS:
        if given.get(option) is not None:
            raise AwsmlError(
                f'Global parameter "--{option}" detected in alias "{name}" which is not supported in '
                "subcommand aliases."
            )
