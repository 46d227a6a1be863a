"""YAML for ``--cli-input-yaml`` and ``--generate-cli-skeleton yaml-input``, as aws v2 reads and writes it.

aws v2 reads YAML 1.2 (ruamel.yaml's safe loader); PyYAML reads YAML 1.1,
where ``no``, ``on`` or ``0755`` mean something else.  The loader here is
PyYAML's safe loader with YAML 1.2's implicit types instead:

* booleans are only ``true``/``false`` (in three spellings each), so a job
  called ``no`` stays a string;
* integers are decimal, ``0o`` octal, ``0x`` hexadecimal or ``0b`` binary
  (``_`` separators allowed, as ruamel allows them); a leading zero is decimal;
* floats need a dot or an exponent (``.inf``, ``.nan`` too); ``null``/``~``/empty are null;
* timestamps and ``<<`` merge keys work as in ruamel;
* a key given twice is an error (ruamel refuses duplicate keys).

PyYAML is imported only when YAML is actually used.
"""

from __future__ import annotations

import re
import xml.dom.minidom
import xml.parsers.expat

_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT = re.compile(r"[-+]?(?:0b[01][01_]*|0o[0-7][0-7_]*|0x[0-9a-fA-F][0-9a-fA-F_]*|[0-9][0-9_]*)")
_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[0-9][0-9_]*[eE][-+]?[0-9]+"
    r"|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|\.(?:inf|Inf|INF))"
    r"|\.(?:nan|NaN|NAN)"
)
_NULL = re.compile(r"~|null|Null|NULL|")
_MERGE = re.compile(r"<<")
# YAML's timestamp (the same expression PyYAML and ruamel use).
_TIMESTAMP = re.compile(
    r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
    r"(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?"
)

_TAG = "tag:yaml.org,2002:"


class InvalidYaml(Exception):
    """The text is not a YAML document awsml can use; ``str()`` says what and where."""


def _anchored(expression: re.Pattern) -> re.Pattern:
    return re.compile(rf"^(?:{expression.pattern})$")


_loader_class = None


def _loader():
    """PyYAML's safe loader with YAML 1.2 implicit types and no duplicate keys (built once)."""
    global _loader_class
    if _loader_class is not None:
        return _loader_class
    import yaml

    class Yaml12SafeLoader(yaml.SafeLoader):
        # Start from no implicit types at all; SafeLoader's are YAML 1.1's.
        yaml_implicit_resolvers: dict = {}

        def construct_yaml_int(self, node):
            text = self.construct_scalar(node).replace("_", "")
            try:
                sign = -1 if text.startswith("-") else 1
                digits = text.lstrip("+-")
                for prefix, base in (("0b", 2), ("0o", 8), ("0x", 16)):
                    if digits.startswith(prefix):
                        return sign * int(digits[2:], base)
                return sign * int(digits, 10)
            except ValueError:
                raise yaml.constructor.ConstructorError(
                    None, None, f"invalid integer {text!r}", node.start_mark
                ) from None

        def construct_mapping(self, node, deep=False):
            # Explicit keys only: a key may repeat one brought in by a << merge.
            explicit = [key for key, _ in node.value if key.tag != _TAG + "merge"] if isinstance(node, yaml.MappingNode) else []
            mapping = super().construct_mapping(node, deep=deep)
            seen = set()
            for key_node in explicit:
                key = self.construct_object(key_node, deep=deep)
                # By type too: 1 and true are different keys.
                if (type(key), key) in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, f"found duplicate key {key!r}", key_node.start_mark
                    )
                seen.add((type(key), key))
            return mapping

    Yaml12SafeLoader.add_constructor(_TAG + "int", Yaml12SafeLoader.construct_yaml_int)
    for tag, expression, first in (
        ("bool", _BOOL, "tTfF"),
        ("int", _INT, "-+0123456789"),
        ("float", _FLOAT, "-+0123456789."),
        ("null", _NULL, ["~", "n", "N", ""]),
        ("merge", _MERGE, "<"),
        ("timestamp", _TIMESTAMP, "0123456789"),
    ):
        Yaml12SafeLoader.add_implicit_resolver(_TAG + tag, _anchored(expression), list(first))
    _loader_class = Yaml12SafeLoader
    return _loader_class


def load(text):
    """One YAML document from ``text`` (str, or bytes with any BOM), as plain Python data."""
    import yaml

    if not isinstance(text, (str, bytes)):
        # ``--cli-input-yaml=--`` reaches here as argparse's empty list.
        raise InvalidYaml(f"expected YAML text, got {type(text)}")
    loader = _loader()
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise InvalidYaml(str(exc)) from None
    except RecursionError:
        raise InvalidYaml("the document is nested too deeply") from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        # PyYAML's constructors let these through for explicitly tagged nonsense
        # such as ``!!bool maybe`` or ``!!float x``.
        raise InvalidYaml(f"cannot construct a value: {exc}") from None


def resolves_to_string(text: str) -> bool:
    """Whether ``text`` written plain (unquoted) would read back as that same string."""
    patterns = (_BOOL, _INT, _FLOAT, _NULL, _MERGE, _TIMESTAMP)
    return not any(re.fullmatch(pattern.pattern, text) for pattern in patterns)


# ---------------------------------------------------------------------------
# --generate-cli-skeleton yaml-input


def doc_overview(documentation: str) -> str:
    """The first sentence of a member's documentation, as plain text on one line (aws v2's comment)."""
    try:
        dom = xml.dom.minidom.parseString(f"<doc>{documentation}</doc>")
        text = "".join(_texts(dom))
    except xml.parsers.expat.ExpatError:
        text = documentation
    first = re.split(r"[.:]+", text, maxsplit=1)[0]
    if first:
        first += "."
    return first.replace("\n", " ").replace("\u2028", " ")


def _texts(node):
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            yield child.data
        else:
            yield from _texts(child)


def _scalar(value) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ")
    text = str(value)
    if text and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/+-]*", text) and resolves_to_string(text):
        return text
    return "'" + text.replace("'", "''") + "'"


def annotated_skeleton(input_shape) -> str:
    """A YAML request with every member, each annotated like aws v2 does.

    Layout follows aws v2 (ruamel.yaml) output: a ``# [REQUIRED] <first
    sentence of the docs>. Valid values are: …`` comment after each member,
    two spaces before the first comment of each mapping and one before the others.
    """
    if input_shape is None:
        return "{}\n"
    lines: list[str] = []
    _emit_structure(input_shape, lines, indent="", first_prefix="", stack=())
    return "\n".join(lines) + "\n" if lines else "{}\n"


def _comment(shape, required: bool) -> str:
    parts = ["[REQUIRED]"] if required else []
    parts.append(doc_overview(getattr(shape, "documentation", "") or ""))
    if getattr(shape, "enum", None):
        parts.append("Valid values are: %s." % ", ".join(shape.enum))
    text = " ".join(parts)
    return "" if not text or text.isspace() else "# " + text


def _inline(shape) -> str:
    """A member that gets no block of its own, written on its key's line."""
    from awsml_cli.command.cli_input import input_skeleton

    if shape.type_name in ("structure", "list", "map"):
        return "{}"
    return _scalar(input_skeleton(shape))


def _expands(shape, stack: tuple) -> bool:
    return shape.type_name == "structure" and shape.name not in stack and bool(shape.members)


def _emit_structure(shape, lines, indent: str, first_prefix: str, stack: tuple) -> None:
    """Members of ``shape``; the first one goes after ``first_prefix`` (``- `` in a list)."""
    stack = (*stack, shape.name)
    for position, (name, member) in enumerate(shape.members.items()):
        prefix = first_prefix if position == 0 else indent
        comment = _comment(member, name in shape.required_members)
        annotation = ("  " if position == 0 else " ") + comment if comment else ""
        kind = member.type_name
        if _expands(member, stack):
            lines.append(f"{prefix}{name}:{annotation}")
            _emit_structure(member, lines, indent + "  ", indent + "  ", stack)
        elif kind == "list":
            lines.append(f"{prefix}{name}:{annotation}")
            if _expands(member.member, stack):
                _emit_structure(member.member, lines, indent + "  ", indent + "- ", stack)
            else:
                lines.append(f"{indent}- {_inline(member.member)}")
        elif kind == "map":
            lines.append(f"{prefix}{name}:{annotation}")
            lines.append(f"{indent}  KeyName: {_inline(member.value)}")
        else:
            lines.append(f"{prefix}{name}: {_inline(member)}{annotation}")
