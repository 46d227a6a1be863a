"""``--generate-cli-skeleton``: the empty request, as JSON (aws v1) or as annotated YAML (aws v2).

The input shape is botocore's, or an :class:`awsml_cli.aws.shapes.ModelShape`
read without a session (the JSON skeleton needs nothing else).
"""

from __future__ import annotations

import json
import re


def input_skeleton(input_shape) -> dict:
    """An empty request document, as aws v1 generates it from the input shape
    (botocore's, or a :class:`ModelShape`)."""
    return _skeleton(input_shape, set())


def _skeleton(shape, stack: set):
    kind = shape.type_name
    if kind == "structure":
        if shape.name in stack:
            return {}
        stack = stack | {shape.name}
        return {name: _skeleton(member, stack) for name, member in shape.members.items()}
    if kind == "list":
        return [_skeleton(shape.member, stack)]
    if kind == "map":
        return {"KeyName": _skeleton(shape.value, stack)}
    if kind == "string":
        return shape.enum[0] if shape.enum else ""
    if kind in ("integer", "long"):
        return 0
    if kind in ("float", "double"):
        return 0.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        import datetime

        return datetime.datetime(1970, 1, 1, 0, 0, 0)
    return ""


def render_skeleton(document: dict) -> str:
    return json.dumps(document, indent=4) + "\n"


def doc_overview(documentation: str) -> str:
    """The first sentence of a member's documentation, as plain text on one line (aws v2's comment)."""
    # Only the YAML skeleton needs these; the JSON one is on a start-up shortcut.
    import xml.dom.minidom
    import xml.parsers.expat

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
    from awsml_cli.output.yaml12 import resolves_to_string

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


def render_yaml_skeleton(input_shape) -> str:
    """``--generate-cli-skeleton yaml-input``: aws v2's annotated YAML request."""
    return annotated_skeleton(input_shape)
