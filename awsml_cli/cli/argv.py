"""aws v1's command-line rules, applied to awsml's Click parameters.

aws v1 parses its command line with argparse in three passes, and scripts
depend on the quirks of that: global options are found anywhere in argv, any
unique prefix of an option works (``--out text``), an option value that starts
with ``-`` is "expected one argument", every stray token ends up in one
``Unknown options:`` list, and each failure has an exact message and exit
code.  Click parses differently, so each awsml command class first runs the
matching argparse pass here, built from that command's own Click parameters
(the Click tree stays the only definition of the interface), and then hands
Click a canonical argv (``--name=value`` tokens) that Click cannot misread.

Using argparse itself, rather than re-implementing its matching rules, is what
makes the messages and the order in which errors win identical.
"""

from __future__ import annotations

import argparse
from typing import Iterable, Sequence

import click

from awsml_cli.errors import UsageError, VersionRequested
from awsml_cli.speedups.records import Record

# Shown (two per line, padded to 40) when a value is not one of the choices.
_CHOICES_PER_LINE = 2


class _FixedWidthFormatter(argparse.HelpFormatter):
    """argparse's formatter at a fixed width.

    awsml never prints argparse's help or usage (errors go through
    :meth:`_AwsArgumentParser.error`), but ``add_argument`` makes a formatter
    to check each metavar, and the default one asks the terminal for its
    width, importing shutil (and bz2, lzma, zlib) to do so on every start.
    """

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        super().__init__(prog, indent_increment, max_help_position, width=78 if width is None else width)


class _AwsArgumentParser(argparse.ArgumentParser):
    """argparse with aws v1's choice messages, raising instead of exiting."""

    def __init__(self) -> None:
        super().__init__(
            prog="aws",
            add_help=False,
            allow_abbrev=True,
            conflict_handler="resolve",
            formatter_class=_FixedWidthFormatter,
        )
        # awsml's additions to aws v1's options: matched only when spelled in
        # full, so that every abbreviation aws v1 accepts (or rejects) means the same.
        self.exact_only: set[str] = set()

    def _get_option_tuples(self, option_string):  # argparse hook: candidates for an abbreviation
        candidates = super()._get_option_tuples(option_string)
        return [candidate for candidate in candidates if candidate[1] not in self.exact_only]

    def _check_value(self, action, value):  # argparse hook, private by name only
        choices = action.choices
        if choices is None or value in choices:
            return
        # The message lists aws v1's choices only, not awsml's additions.
        choices = list(getattr(action, "listed_choices", choices))
        lines = ["Invalid choice, valid choices are:\n"]
        for start in range(0, len(choices), _CHOICES_PER_LINE):
            row = choices[start : start + _CHOICES_PER_LINE]
            lines.append(" | ".join(f"{choice:<40}" for choice in row))
        from difflib import get_close_matches  # error path only

        close = get_close_matches(value, choices, cutoff=0.8)
        if close:
            lines.append(f"\n\nInvalid choice: {value!r}, maybe you meant:\n")
            lines.extend(f"  * {word}" for word in close)
        raise argparse.ArgumentError(action, "\n".join(lines))

    def error(self, message):
        raise UsageError(message)


class _VersionAction(argparse.Action):
    """Stop parsing at --version, wherever it is, as argparse's own action does."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS)

    def __call__(self, parser, namespace, values, option_string=None):
        raise VersionRequested()


def _value_is_optional(param: click.Option) -> bool:
    # Click spells "optional value" as a non-flag option with a flag_value.
    return not param.is_flag and isinstance(param.flag_value, str)


def _add_click_option(parser: argparse.ArgumentParser, param: click.Parameter, required: bool = False) -> None:
    """Declare one Click option to argparse with the same matching behaviour."""
    if not isinstance(param, click.Option):
        return
    names = [opt for opt in param.opts if opt.startswith("--")]
    if param.name == "version":
        parser.add_argument(*names, action=_VersionAction)
        return
    kwargs: dict = {"dest": param.name, "default": None, "required": required}
    if _value_is_optional(param):
        # An option whose value may be left out (``--generate-cli-skeleton [input|output]``).
        kwargs.update(nargs="?", const=param.flag_value)
    elif param.is_flag:
        kwargs.update(action="store_true", default=None)
    if isinstance(param.type, click.Choice):
        kwargs["choices"] = list(param.type.choices)
    parse_token = getattr(param.type, "parse_token", None)
    if parse_token is not None:
        # awsml's own typed options are checked here, where argparse reports a
        # bad value in its usual form (``argument --x: <message>``, exit 2).
        kwargs["type"] = _argparse_type(parse_token)
    action = parser.add_argument(*names, **kwargs)
    if getattr(param, "aws_choices", None):
        action.listed_choices = list(param.aws_choices)
    if getattr(param, "exact_only", False):
        parser.exact_only.update(names)


def _argparse_type(parse_token):
    def convert(text: str):
        try:
            return parse_token(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def canonical_tokens(params: Iterable[click.Parameter], values: dict) -> list[str]:
    """Turn parsed values back into tokens Click reads unambiguously."""
    tokens: list[str] = []
    for param in params:
        if not isinstance(param, click.Option) or param.name not in values:
            continue
        value = values[param.name]
        if value is None or isinstance(value, list):
            # A list cannot be a token; see passthrough_values.
            continue
        long_name = next(opt for opt in param.opts if opt.startswith("--"))
        if param.is_bool_flag:
            if value:
                tokens.append(long_name)
        else:
            tokens.append(f"{long_name}={value}")
    return tokens


def passthrough_values(values: dict) -> dict:
    """Parsed values that must reach the command as they are, not as tokens.

    argparse drops a ``--`` from an option's value, so ``--query=--`` gives
    the option an empty list; aws v1 then uses that list (``Bad value for
    --query []: unhashable type: 'list'``, ``Invalid type for parameter
    TrainingJobName, value: []``), so awsml hands the list on unchanged.
    """
    return {name: value for name, value in values.items() if isinstance(value, list)}


class MainParse(Record):
    """What aws v1's first pass finds: global options anywhere, and the command word."""

    values: dict
    command: str
    remaining: list[str]


def parse_main(argv: Sequence[str], global_params: Iterable[click.Parameter], commands) -> MainParse:
    """``commands``: the command words, a sequence or any container."""
    parser = _AwsArgumentParser()
    for param in global_params:
        _add_click_option(parser, param)
    parser.add_argument("command", choices=commands)
    namespace, remaining = parser.parse_known_args(list(argv))
    values = vars(namespace)
    command = values.pop("command")
    return MainParse(values=values, command=command, remaining=remaining)


def parse_subcommand(argv: Sequence[str], dest: str, commands) -> tuple[str, list[str]]:
    """The service pass: pick the operation word; everything else is left for later."""
    parser = _AwsArgumentParser()
    # A metavar keeps argparse from listing the choices while it sets the
    # argument up; listing them loads botocore's full model (only the error
    # path needs that).  Error messages name the argument by it, as before.
    parser.add_argument(dest, choices=commands, metavar=dest)
    namespace, remaining = parser.parse_known_args(list(argv))
    return getattr(namespace, dest), remaining


class OperationParse(Record):
    values: dict
    # The optional trailing positional aws v1 reserves for ``help``.
    help_word: str | None
    unknown: list[str]


# Options whose exact presence makes the required options optional, as in aws v1
# (``--generate-cli-skeleton output`` keeps them required: the call is validated).
_RELAXES_REQUIRED = ("--cli-input-json", "--cli-input-yaml", "--generate-cli-skeleton")


def _relaxes_required(argv: Sequence[str]) -> bool:
    for name in _RELAXES_REQUIRED:
        if name not in argv:
            continue
        if name == "--generate-cli-skeleton":
            position = list(argv).index(name)
            if position + 1 < len(argv) and argv[position + 1] == "output":
                continue
        return True
    return False


def parse_operation(argv: Sequence[str], params: Iterable[click.Parameter]) -> OperationParse:
    """The operation pass: its own options, required checks, the ``help`` word."""
    argv = list(argv)
    if argv == ["help"]:
        return OperationParse(values={}, help_word="help", unknown=[])
    relax = _relaxes_required(argv)
    parser = _AwsArgumentParser()
    for param in params:
        _add_click_option(parser, param, required=getattr(param, "aws_required", False) and not relax)
    parser.add_argument("help", nargs="?")
    namespace, remaining = parser.parse_known_args(argv)
    values = vars(namespace)
    help_word = values.pop("help")
    unknown = list(remaining)
    if help_word is not None and help_word != "help":
        # aws v1's optional positional swallows the first stray word, which it
        # then reports last.
        unknown.append(help_word)
        help_word = None
    return OperationParse(values=values, help_word=help_word, unknown=unknown)
