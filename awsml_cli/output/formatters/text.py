"""Tab-separated output, as aws v1 writes it with ``--output text``.

The layout rules, in short:

* A mapping prints one line with the ``str()`` of its scalar values, ordered by
  key (plain code-point order), and then each container member in key order.
  A nested member's line starts with its own key in upper case; the top level
  has no such label.  A mapping without scalar values prints no line itself.
* A sequence that holds any mapping is a "record list": every element must be
  a mapping and they all share one column set, the sorted union of keys that
  hold a scalar in at least one element (a missing key gives an empty field).
* A sequence of scalars prints on one line when unlabelled, or one labelled
  line per element when it belongs to a key.  A sequence that mixes scalars
  and sub-sequences prints its scalars first, then each sub-sequence.
* Empty containers print nothing; tabs and newlines in values are written raw.

Lines go to the stream as soon as they are produced, exactly like aws v1, so
when a malformed record list is met the lines before it have already been
written.  The error is a :class:`TextRenderError` carrying aws v1's message.
"""

from __future__ import annotations

from typing import Any, Callable, TextIO

from awsml_cli.output.formatters import RenderOptions
from awsml_cli.output.formatters.errors import RenderError

_Write = Callable[[str], Any]
_CONTAINERS = (dict, list)


class TextRenderError(RenderError):
    """A record list contains an element that is not a mapping."""


def render(data: Any, stream: TextIO, options: RenderOptions = RenderOptions()) -> None:
    # Colour, title and width play no part in text output.
    _emit(data, stream.write, None, None)


def _emit(value: Any, write: _Write, label: str | None, columns: list[str] | None) -> None:
    if isinstance(value, dict):
        _emit_mapping(value, write, label, columns)
    elif isinstance(value, list):
        _emit_sequence(value, write, label)
    else:
        write(str(value) + "\n")


def _emit_mapping(
    mapping: dict, write: _Write, label: str | None, columns: list[str] | None
) -> None:
    if columns is None:
        fields = []
        nested = []
        for key in sorted(mapping):
            member = mapping[key]
            if isinstance(member, _CONTAINERS):
                nested.append((key, member))
            else:
                fields.append(str(member))
    else:
        # One record of a record list: the shared columns, in order, then
        # whatever keys this record has beyond them.
        fields = [str(mapping.get(column, "")) for column in columns]
        extra = sorted(mapping.keys() - set(columns))
        nested = [(key, mapping[key]) for key in extra]
    if fields:
        if label is not None:
            fields.insert(0, label.upper())
        write("\t".join(fields) + "\n")
    for key, member in nested:
        _emit(member, write, key, None)


def _emit_sequence(items: list, write: _Write, label: str | None) -> None:
    if not items:
        return
    if any(isinstance(item, dict) for item in items):
        columns = _record_columns(items)
        for record in items:
            _emit_mapping(record, write, label, columns)
    elif any(isinstance(item, list) for item in items):
        scalars = [item for item in items if not isinstance(item, _CONTAINERS)]
        if scalars:
            _emit_scalars(scalars, write, label)
        for item in items:
            if isinstance(item, _CONTAINERS):
                _emit(item, write, label, None)
    else:
        _emit_scalars(items, write, label)


def _emit_scalars(items: list, write: _Write, label: str | None) -> None:
    if label is None:
        write("\t".join(str(item) for item in items) + "\n")
        return
    prefix = label.upper() + "\t"
    for item in items:
        write(prefix + str(item) + "\n")


def _record_columns(records: list) -> list[str]:
    names: set[str] = set()
    for record in records:
        if not isinstance(record, dict):
            # aws v1 fails here while reading the element's items; the
            # message is Python's, naming the element's type.
            raise TextRenderError(
                f"'{type(record).__name__}' object has no attribute 'items'"
            )
        names.update(key for key, member in record.items() if not isinstance(member, _CONTAINERS))
    return sorted(names)
