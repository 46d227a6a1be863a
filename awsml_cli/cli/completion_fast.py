"""What a TAB offers, computed from a plain table of the command tree; cheap enough for every TAB.

A shell asks for completions by running ``awsml`` with ``_AWSML_COMPLETE``
set, on every TAB, so the answer must cost little more than starting Python.
This module holds everything a request needs and imports nothing heavy
(no Click, no ``re``):

* the *table*: the command tree as plain data (commands, their options, each
  option's names, choices and help). :func:`awsml_cli.cli.completion.completion_table`
  builds it from the Click tree; ``awsml_cli/cli/completion_table.py`` is the
  same table, generated (``python scripts/docgen.py``) and committed, with
  a drift test;
* the walk over the typed words by aws v1's argv rules (see
  :mod:`awsml_cli.cli.completion` for the rules);
* the answer in the protocol of the committed scripts in ``completions/``
  (Click's: ``type,value`` lines for bash, ``type``/``value``/``help``
  triples for zsh, ``type,value<TAB>help`` for fish).

:func:`answer_fast` is what the ``awsml`` console script runs first when
``_AWSML_COMPLETE`` is set: it answers from the committed table when the
request is one it can read exactly as Click would (see :func:`simple_split`),
and otherwise returns so that the Click path answers (the same walk and
format, over a table built from the live Click tree).
"""

from __future__ import annotations

import os
import sys

COMPLETE_VAR = "_AWSML_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


class Item:
    """One candidate: what the shell inserts (``value``), how (``type``) and why (``help``)."""

    __slots__ = ("value", "type", "help")

    def __init__(self, value, type: str = "plain", help: str | None = None):  # noqa: A002 - Click's names
        self.value = value
        self.type = type
        self.help = help

    def __repr__(self) -> str:
        return f"Item({self.value!r}, type={self.type!r}, help={self.help!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Item):
            return NotImplemented
        return (self.value, self.type, self.help) == (other.value, other.type, other.help)


# ----------------------------------------------------------------------------- the walk

# A table node: {"group": bool, "hidden": bool, "short_help": str,
#                "options": [option, ...], "listed": [name, ...], "commands": {name: node}}
# An option:    {"name": str, "long": [str, ...], "hidden": bool, "takes_value": bool,
#                "optional_value": bool, "choices": [str, ...] | None, "path": bool, "help": str | None}


def _options_at(root: dict, node: dict) -> list[dict]:
    """The options accepted at ``node``: its own first, then the global ones."""
    if node is root:
        return list(node["options"])
    return [*node["options"], *root["options"]]


def _match_option(name: str, options: list[dict]) -> dict | None:
    """aws v1's matching: an exact name, else a unique prefix (hidden options count)."""
    by_name = {long_name: option for option in options for long_name in option["long"]}
    if name in by_name:
        return by_name[name]
    candidates = {id(option): option for long_name, option in by_name.items() if long_name.startswith(name)}
    return next(iter(candidates.values())) if len(candidates) == 1 else None


def _walk(root: dict, words: list[str]) -> tuple[dict, set, dict | None]:
    """The node the words reach, the options already given, and the option whose value comes next."""
    node, used, pending = root, set(), None
    for word in words:
        if pending is not None:
            if word == "=":
                # bash splits "--output=yaml" at "=" (COMP_WORDBREAKS).
                continue
            optional = pending["optional_value"]
            pending = None
            if not (optional and word.startswith("-")):
                continue
        if word.startswith("-") and word != "-":
            name, equals, _ = word.partition("=")
            option = _match_option(name, _options_at(root, node))
            if option is not None:
                used.add(option["name"])
                if option["takes_value"] and not equals:
                    pending = option
            continue
        if node["group"] and word in node["commands"]:
            node = node["commands"][word]
    return node, used, pending


def profile_names() -> list[str]:
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
VALUE_SOURCES = {"profile": profile_names}


def _value_items(option: dict, incomplete: str) -> list[Item]:
    if option["choices"] is not None:
        return [Item(choice) for choice in option["choices"] if str(choice).startswith(incomplete)]
    if option["path"]:
        return [Item(incomplete, type="file")]
    source = VALUE_SOURCES.get(option["name"])
    if source is not None:
        return [Item(value) for value in source() if value.startswith(incomplete)]
    return []


def _option_items(root: dict, node: dict, used: set, incomplete: str) -> list[Item]:
    items = []
    for option in _options_at(root, node):
        if option["hidden"] or option["name"] in used:
            continue
        items.extend(Item(name, help=option["help"]) for name in option["long"] if name.startswith(incomplete))
    return items


def completions(table: dict, words: list[str], incomplete: str) -> list[Item]:
    """What a TAB after ``words`` offers for the word being typed (``incomplete``)."""
    node, used, option = _walk(table, list(words))
    if incomplete == "=":
        incomplete = ""
    if option is not None and not (option["optional_value"] and incomplete.startswith("-")):
        return _value_items(option, incomplete)
    if incomplete.startswith("-"):
        name, equals, value = incomplete.partition("=")
        if equals:
            # zsh and fish hand over "--output=ya" whole; the value keeps its prefix.
            option = _match_option(name, _options_at(table, node))
            if option is None or not option["takes_value"]:
                return []
            return [Item(f"{name}={item.value}", type=item.type, help=item.help) for item in _value_items(option, value)]
        return _option_items(table, node, used, incomplete)
    if node["group"]:
        return [
            Item(name, help=node["commands"][name]["short_help"])
            for name in node["listed"]
            if name.startswith(incomplete) and not node["commands"][name]["hidden"]
        ]
    # An operation takes no more words (``help`` is hidden): offer its options.
    return _option_items(table, node, used, incomplete) if not incomplete else []


# ----------------------------------------------------------------------------- the shell protocol


def format_item(shell: str, item: Item) -> str:
    """One candidate as the committed script for ``shell`` reads it."""
    if shell == "zsh":
        help_text = item.help or "_"
        # The zsh script splits value from help at the first unescaped colon
        # (_describe) only for items with help; others go to compadd as they are.
        value = item.value.replace(":", r"\:") if help_text != "_" else item.value
        return f"{item.type}\n{value}\n{help_text}"
    if shell == "fish":
        if item.help:
            help_text = item.help.replace("\n", "\\n").replace("\t", " ")
            return f"{item.type},{item.value}\t{help_text}"
        return f"{item.type},{item.value}"
    return f"{item.type},{item.value}"


def request_words(shell: str, environ, split) -> tuple[list[str], str]:
    """The words before the cursor and the word being typed, as the script passed them
    (``COMP_WORDS``/``COMP_CWORD``); ``split`` is Click's ``split_arg_string`` or
    :func:`simple_split` where that is proven the same."""
    cwords = split(environ["COMP_WORDS"])
    if shell == "fish":
        incomplete = environ["COMP_CWORD"]
        if incomplete:
            incomplete = split(incomplete)[0]
        args = cwords[1:]
        # fish passes the word being typed in both variables.
        if incomplete and args and args[-1] == incomplete:
            args.pop()
        return args, incomplete
    cword = int(environ["COMP_CWORD"])
    args = cwords[1:cword]
    try:
        incomplete = cwords[cword]
    except IndexError:
        incomplete = ""
    return args, incomplete


def answer_text(shell: str, items: list[Item]) -> str:
    answer = "\n".join(format_item(shell, item) for item in items)
    return answer + "\n" if answer else ""


def write_answer(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


# ----------------------------------------------------------------------------- the fast path

# shlex (POSIX mode, whitespace_split, no commenters), which Click uses to split
# COMP_WORDS, treats these as quotes and escapes; without any of them it splits
# at runs of its whitespace characters and nothing else.
_SHLEX_SPECIAL = frozenset("'\"\\")
_SHLEX_WHITESPACE = " \t\r\n"


def simple_split(text: str) -> list[str] | None:
    """``text`` split exactly as Click's ``split_arg_string`` splits it, or None
    when it holds a quote or an escape (then only shlex itself can tell)."""
    if not _SHLEX_SPECIAL.isdisjoint(text):
        return None
    for space in "\t\r\n":
        text = text.replace(space, " ")
    return [word for word in text.split(" ") if word]


def _fast_words(shell: str, environ) -> tuple[list[str], str] | None:
    """request_words() for the requests simple_split can read; None for any other."""
    words, cword = environ.get("COMP_WORDS"), environ.get("COMP_CWORD")
    if words is None or cword is None or simple_split(words) is None:
        return None
    if shell == "fish":
        # An empty word list after splitting is an error on the Click path.
        if cword and not simple_split(cword):
            return None
    elif not (cword.isascii() and cword.isdigit()):
        return None  # int() accepts more ("+1", " 1", "1_0"); leave those to the Click path

    def split(text: str) -> list[str]:
        return simple_split(text)  # type: ignore[return-value] - checked above

    return request_words(shell, environ, split)


def answer_fast() -> None:
    """Answer a completion request from the committed table and exit, when it is
    one this path reads exactly as the Click path does; otherwise return."""
    instruction = os.environ.get(COMPLETE_VAR, "")
    shell, _, action = instruction.partition("_")
    if action != "complete" or shell not in SHELLS:
        return  # "source", unknown shells: the Click path
    words = _fast_words(shell, os.environ)
    if words is None:
        return
    from awsml_cli.cli.completion_table import TABLE

    write_answer(answer_text(shell, completions(TABLE, *words)))
    sys.exit(0)
