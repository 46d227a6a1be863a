"""YAML 1.2's implicit types, as aws v2 (ruamel.yaml) resolves them: one table for reading and writing.

A plain (unquoted) scalar that matches a type's pattern is that type, not a
string. PyYAML knows YAML 1.1, where ``no``, ``on`` or ``0755`` mean something
else, so awsml gives PyYAML these rules both ways:

* reading ``--cli-input-yaml`` (:mod:`awsml_cli.command.yaml_input`) resolves
  a scalar by the *read* pattern: what ruamel.yaml's loader turns into a value;
* writing ``--output yaml`` (:mod:`awsml_cli.output.formatters.yaml_output`)
  quotes a string that matches the *write* pattern: ruamel.yaml's resolver,
  which aws v2's own output follows byte for byte. For int and float that
  resolver is a little wider (``_``, ``0b_``: matched, though no number) and,
  for a float with a leading dot and an exponent, narrower (it wants a sign:
  ``.5e-3``); it also claims ``=`` and ``!``, ``&``, ``*``.
"""

from __future__ import annotations

import re

TAG = "tag:yaml.org,2002:"

_BOOL = r"true|True|TRUE|false|False|FALSE"
_NULL = r"~|null|Null|NULL|"
_MERGE = r"<<"
# YAML's timestamp (the expression PyYAML and ruamel use).
_TIMESTAMP = (
    r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
    r"(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?"
)

# type -> (first characters, read pattern, write pattern); None: no such type that way.
IMPLICIT_TYPES: dict[str, tuple] = {
    "bool": ("tTfF", _BOOL, _BOOL),
    "float": (
        "-+0123456789.",
        r"[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|\.(?:inf|Inf|INF))"
        r"|\.(?:nan|NaN|NAN)",
        r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)"
        r"|\.(?:nan|NaN|NAN)",
    ),
    "int": (
        "-+0123456789",
        # Decimal (a leading zero too), 0o octal, 0x hexadecimal, 0b binary; ``_`` separators.
        r"[-+]?(?:0b[01][01_]*|0o[0-7][0-7_]*|0x[0-9a-fA-F][0-9a-fA-F_]*|[0-9][0-9_]*)",
        r"[-+]?0b[01_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+",
    ),
    "merge": ("<", _MERGE, _MERGE),
    "null": (["~", "n", "N", ""], _NULL, _NULL),
    "timestamp": ("0123456789", _TIMESTAMP, _TIMESTAMP),
    "value": ("=", None, r"="),
    "yaml": ("!&*", None, r"[!&*]"),
}

# The order the writer registers them in (the resolver tries them in order).
WRITE_ORDER = ("bool", "float", "int", "merge", "null", "timestamp", "value", "yaml")
# The order the reader registers them in.
READ_ORDER = ("bool", "int", "float", "null", "merge", "timestamp")


def _anchored(pattern: str) -> re.Pattern:
    return re.compile(rf"^(?:{pattern})$")


def read_resolvers() -> list[tuple[str, re.Pattern, list]]:
    """(tag, anchored pattern, first characters) for a loader, in registration order."""
    return [(TAG + name, _anchored(IMPLICIT_TYPES[name][1]), list(IMPLICIT_TYPES[name][0])) for name in READ_ORDER]


def write_resolvers() -> list[tuple[str, re.Pattern, list]]:
    """(tag, anchored pattern, first characters) for a dumper, in registration order."""
    return [(TAG + name, _anchored(IMPLICIT_TYPES[name][2]), list(IMPLICIT_TYPES[name][0])) for name in WRITE_ORDER]


def resolves_to_string(text: str) -> bool:
    """Whether ``text`` written plain (unquoted) would be read back as that same string."""
    return not any(re.fullmatch(IMPLICIT_TYPES[name][1], text) for name in READ_ORDER)
