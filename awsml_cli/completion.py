"""Shell completion (bash, zsh, fish), answered from the Click tree with aws v1's argv rules.

The scripts in ``completions/`` are Click's own (``_AWSML_COMPLETE=bash_source
awsml`` prints the bash one); on each TAB they run ``awsml`` with
``_AWSML_COMPLETE=<shell>_complete`` and the words typed so far.  Click would
then walk its own parser over those words, but awsml's command line follows
aws v1's rules, which Click's parser does not know: global options are
accepted at every level, any unique prefix of an option name works
(``--out yaml``), and an option's value may come after ``=``.  So the words
are walked here, by those rules, over the same Click tree:

* a command word is completed from the visible subcommands of the level
  reached (``sagemaker``, then ``describe-training-job``);
* an option name from the options of that level plus every global option,
  leaving out hidden ones and those already given;
* an option value from its choices (``--output``, ``--color``,
  ``--generate-cli-skeleton``), from files for a ``PATH`` value, from the
  profile names in the config files for ``--profile``; other values are
  free text and get no suggestions.

A completion request must be cheap: it imports Click and awsml's thin Click
tree only (no botocore, rich, yaml or jmespath), makes no request and reads no
file except the config files when completing ``--profile``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import click
from click.shell_completion import BashComplete, CompletionItem, FishComplete, ZshComplete

PROG_NAME = "awsml"
COMPLETE_VAR = "_AWSML_COMPLETE"


@dataclass
class _Position:
    """Where the words typed so far leave the command line."""

    command: click.Command
    used: set[str] = field(default_factory=set)
    # The option whose value comes next, if any.
    pending: click.Option | None = None


def _long_names(option: click.Option) -> list[str]:
    return [name for name in option.opts if name.startswith("--")]


def _options_at(root: click.Command, command: click.Command) -> list[click.Option]:
    """The options accepted at ``command``: its own first, then the global ones."""
    options = [param for param in command.params if isinstance(param, click.Option)]
    if command is not root:
        options += [param for param in root.params if isinstance(param, click.Option)]
    return options


def _match_option(name: str, options: list[click.Option]) -> click.Option | None:
    """aws v1's matching: an exact name, else a unique prefix (hidden options count)."""
    by_name = {long_name: option for option in options for long_name in _long_names(option)}
    if name in by_name:
        return by_name[name]
    candidates = {id(option): option for long_name, option in by_name.items() if long_name.startswith(name)}
    return next(iter(candidates.values())) if len(candidates) == 1 else None


def _takes_value(option: click.Option) -> bool:
    return not option.is_flag and not option.count


def _value_is_optional(option: click.Option) -> bool:
    # Click spells "optional value" as a non-flag option with a flag_value.
    return not option.is_flag and isinstance(option.flag_value, str)


def _walk(root: click.Command, words: list[str]) -> _Position:
    position = _Position(command=root)
    for word in words:
        if position.pending is not None:
            if word == "=":
                # bash splits "--output=yaml" at "=" (COMP_WORDBREAKS).
                continue
            optional = _value_is_optional(position.pending)
            position.pending = None
            if not (optional and word.startswith("-")):
                continue
        if word.startswith("-") and word != "-":
            name, equals, _ = word.partition("=")
            option = _match_option(name, _options_at(root, position.command))
            if option is not None:
                position.used.add(option.name)
                if _takes_value(option) and not equals:
                    position.pending = option
            continue
        if isinstance(position.command, click.Group) and word in position.command.commands:
            position.command = position.command.commands[word]
    return position


def _profile_names() -> list[str]:
    """Profile names from the config and credentials files (configparser, no botocore)."""
    import configparser

    home = os.path.expanduser("~")
    config_file = os.environ.get("AWS_CONFIG_FILE") or os.path.join(home, ".aws", "config")
    credentials_file = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or os.path.join(home, ".aws", "credentials")
    names: list[str] = []
    for path, prefix in ((config_file, "profile "), (credentials_file, "")):
        parser = configparser.RawConfigParser()
        try:
            parser.read(os.path.expanduser(path), encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue
        for section in parser.sections():
            if prefix and section.startswith(prefix):
                section = section[len(prefix) :].strip()
            elif prefix and section != "default":
                continue
            if section not in names:
                names.append(section)
    return names


# Value completers for options whose values can be listed without any request.
_VALUE_SOURCES = {"profile": _profile_names}


def _value_items(option: click.Option, incomplete: str) -> list[CompletionItem]:
    if isinstance(option.type, click.Choice):
        return [CompletionItem(choice) for choice in option.type.choices if str(choice).startswith(incomplete)]
    if option.metavar == "PATH":
        return [CompletionItem(incomplete, type="file")]
    source = _VALUE_SOURCES.get(option.name)
    if source is not None:
        return [CompletionItem(value) for value in source() if value.startswith(incomplete)]
    return []


def _option_items(root, position: _Position, incomplete: str) -> list[CompletionItem]:
    items = []
    for option in _options_at(root, position.command):
        if option.hidden or option.name in position.used:
            continue
        items.extend(
            CompletionItem(name, help=option.help) for name in _long_names(option) if name.startswith(incomplete)
        )
    return items


def completions(root: click.Command, words: list[str], incomplete: str) -> list[CompletionItem]:
    """What a TAB after ``words`` offers for the word being typed (``incomplete``)."""
    position = _walk(root, list(words))
    if incomplete == "=":
        incomplete = ""
    option = position.pending
    if option is not None and not (_value_is_optional(option) and incomplete.startswith("-")):
        return _value_items(option, incomplete)
    if incomplete.startswith("-"):
        name, equals, value = incomplete.partition("=")
        if equals:
            # zsh and fish hand over "--output=ya" whole; the value keeps its prefix.
            option = _match_option(name, _options_at(root, position.command))
            if option is None or not _takes_value(option):
                return []
            return [
                CompletionItem(f"{name}={item.value}", type=item.type, help=item.help)
                for item in _value_items(option, value)
            ]
        return _option_items(root, position, incomplete)
    command = position.command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=command.name)
        return [
            CompletionItem(name, help=command.get_command(ctx, name).get_short_help_str())
            for name in command.list_commands(ctx)
            if name.startswith(incomplete) and not command.commands[name].hidden
        ]
    # An operation takes no more words (``help`` is hidden): offer its options.
    return _option_items(root, position, incomplete) if not incomplete else []


class _AwsmlCompletion:
    """Click's shell protocol, with awsml's own walk over the typed words."""

    def get_completions(self, args, incomplete):
        return completions(self.cli, args, incomplete)


class BashCompletion(_AwsmlCompletion, BashComplete):
    pass


class ZshCompletion(_AwsmlCompletion, ZshComplete):
    pass


class FishCompletion(_AwsmlCompletion, FishComplete):
    pass


SHELLS = {"bash": BashCompletion, "zsh": ZshCompletion, "fish": FishCompletion}

# Where each shell's script is committed (zsh finds ``_awsml`` in its fpath).
SCRIPT_FILES = {"bash": "awsml.bash", "zsh": "_awsml", "fish": "awsml.fish"}


def script(root: click.Command, shell: str) -> str:
    """The completion script for ``shell`` (what ``completions/`` holds)."""
    return SHELLS[shell](root, {}, PROG_NAME, COMPLETE_VAR).source()


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
    completer = completion_class(root, {}, prog_name, complete_var)
    if action == "source":
        text = completer.source()
    else:
        answer = completer.complete()
        text = answer + "\n" if answer else ""
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    sys.exit(0)
