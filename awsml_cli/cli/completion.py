"""Shell completion (bash, zsh, fish), answered from the Click tree with aws v1's argv rules.

The scripts in ``completions/`` are Click's own (``_AWSML_COMPLETE=bash_source
awsml`` prints the bash one); on each TAB they run ``awsml`` with
``_AWSML_COMPLETE=<shell>_complete`` and the words typed so far.  Click would
then walk its own parser over those words, but awsml's command line follows
aws v1's rules, which Click's parser does not know: global options are
accepted at every level, any unique prefix of an option name works
(``--out yaml``), and an option's value may come after ``=``.  So the words
are walked by those rules (in :mod:`awsml_cli.cli.completion_fast`), over a plain
table made from the same Click tree (:func:`completion_table`):

* a command word is completed from the visible subcommands of the level
  reached (``sagemaker``, then ``describe-training-job``);
* an option name from the options of that level plus every global option,
  leaving out hidden ones and those already given;
* an option value from its choices (``--output``, ``--color``,
  ``--generate-cli-skeleton``), from files for a ``PATH`` value, from the
  profile names in the config files for ``--profile``; other values are
  free text and get no suggestions.

A request is answered before Click is even imported, from the same table
generated and committed as ``awsml_cli/cli/completion_table.py`` (see
:func:`awsml_cli.cli.completion_fast.answer_fast`); this module answers the requests
that path leaves to Click (``*_source``, words with quotes or escapes).
``scripts/docgen.py`` writes the scripts and the table from it.  Either way a request makes no request and
reads no file except the config files when completing ``--profile``.
"""

from __future__ import annotations

import os
import sys

import click
from click.shell_completion import BashComplete, FishComplete, ZshComplete, split_arg_string

from awsml_cli.cli import completion_fast as completing
from awsml_cli.cli.completion_fast import COMPLETE_VAR

PROG_NAME = "awsml"


def _option_entry(option: click.Option) -> dict:
    return {
        "name": option.name,
        "long": [name for name in option.opts if name.startswith("--")],
        "hidden": bool(option.hidden),
        "takes_value": not option.is_flag and not option.count,
        # Click spells "optional value" as a non-flag option with a flag_value.
        "optional_value": not option.is_flag and isinstance(option.flag_value, str),
        "choices": list(option.type.choices) if isinstance(option.type, click.Choice) else None,
        "path": option.metavar == "PATH",
        "help": option.help,
    }


def completion_table(command: click.Command) -> dict:
    """The command tree below ``command`` as the plain data the completion walk reads."""
    node = {
        "group": isinstance(command, click.Group),
        "hidden": bool(command.hidden),
        "short_help": command.get_short_help_str(),
        "options": [_option_entry(param) for param in command.params if isinstance(param, click.Option)],
        "listed": [],
        "commands": {},
    }
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=command.name)
        node["listed"] = list(command.list_commands(ctx))
        node["commands"] = {name: completion_table(sub) for name, sub in command.commands.items()}
    return node


def completions(root: click.Command, words: list[str], incomplete: str) -> list[completing.Item]:
    """What a TAB after ``words`` offers for the word being typed (``incomplete``)."""
    return completing.completions(completion_table(root), words, incomplete)


class _AwsmlCompletion:
    """Click's shell protocol, with awsml's own walk over the typed words."""

    def get_completions(self, args, incomplete):
        return completions(self.cli, args, incomplete)

    def format_completion(self, item) -> str:
        return completing.format_item(self.name, item)


class BashCompletion(_AwsmlCompletion, BashComplete):
    pass


class ZshCompletion(_AwsmlCompletion, ZshComplete):
    pass


class FishCompletion(_AwsmlCompletion, FishComplete):
    pass


SHELLS = {"bash": BashCompletion, "zsh": ZshCompletion, "fish": FishCompletion}

def answer_request(root: click.Command, prog_name: str, complete_var: str | None = None) -> None:
    """If the shell asked for completion (``_AWSML_COMPLETE`` set), answer it and exit."""
    complete_var = complete_var or COMPLETE_VAR
    instruction = os.environ.get(complete_var)
    if not instruction:
        return
    shell, _, action = instruction.partition("_")
    completion_class = SHELLS.get(shell)
    if completion_class is None or action not in ("source", "complete"):
        sys.exit(1)
    if action == "source":
        text = completion_class(root, {}, prog_name, complete_var).source()
    else:
        words = completing.request_words(shell, os.environ, split_arg_string)
        text = completing.answer_text(shell, completions(root, *words))
    completing.write_answer(text)
    sys.exit(0)
