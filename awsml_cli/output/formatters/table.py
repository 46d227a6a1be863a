"""Boxed tables, as aws v1 writes them with ``--output table``.

Rendering happens in two passes:

1. **Layout** turns the data into a flat list of :class:`Section` objects
   (a title, a nesting depth, optional column headers, rows of cells).
   Mappings become one header row plus one value row (or a two-cell
   key/value row when they have a single scalar member); record lists share a
   header; scalar lists become one-cell rows; container members open nested
   sections one level deeper.  Malformed data fails here, before anything is
   written, with the message aws v1 prints.
2. **Drawing** sizes every section to the widest one and draws the boxes.  If
   that width exceeds the terminal, every one-row section with headers is
   first turned into a vertical key/value list (a single global decision).

Cell widths count East Asian wide, fullwidth *and ambiguous* characters as two
columns, like aws v1, so lines holding ``é`` come out one column short; that is
the reference behaviour.

With ``options.color`` the output is what aws v1 writes through colorama
(``autoreset=True, strip=False``): every write is followed by
:data:`COLOR_RESET`, row cells are bright blue and nesting pipes dim yellow.
The final reset aws v1 adds at exit on a terminal is the caller's business.
"""

from __future__ import annotations

from typing import Any, Iterable, TextIO

from awsml_cli.output.formatters import RenderOptions
from awsml_cli.output.formatters.errors import COLOR_RESET, RenderError

__all__ = ["COLOR_RESET", "Section", "TableRenderError", "display_width", "render"]

DEFAULT_WIDTH = 80

_CELL_STYLE = "\x1b[1m\x1b[34m"  # bright + blue
_PIPE_STYLE = "\x1b[2m\x1b[33m"  # dim + yellow
_CELL_PADDING = 4  # two spaces either side of the widest cell of a column
_CONTAINERS = (dict, list)


class TableRenderError(RenderError):
    """The data cannot be laid out as a table."""


# --------------------------------------------------------------------------- width


def display_width(text: str) -> int:
    """Terminal columns of ``text``: East Asian W, F and A count 2, the rest 1."""
    if text.isascii():
        return len(text)
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(ch) in ("W", "F", "A") else 1 for ch in text)


# --------------------------------------------------------------------------- model


class Section:
    """One titled block of the table.

    ``widths`` holds the natural width of each column (widest cell or header),
    ``columns`` the cell count every row must have, fixed by the first header
    or row added.
    """

    __slots__ = ("title", "depth", "headers", "rows", "columns", "widths")

    def __init__(self, title: Any, depth: int = 0) -> None:
        self.title = title
        self.depth = depth
        self.headers: list = []
        self.rows: list[list[str]] = []
        self.columns: int | None = None
        self.widths: list[int] = []

    def set_headers(self, headers: list) -> None:
        self._measure(headers)
        if self.columns is None:
            self.columns = len(headers)
        self.headers = headers

    def add_row(self, cells: Iterable[Any]) -> None:
        cells = list(cells)
        if self.columns is None:
            self.columns = len(cells)
        if len(cells) != self.columns:
            raise TableRenderError(
                f"Row should have {self.columns} elements, instead it has {len(cells)}"
            )
        row = [str(cell) for cell in cells]
        self.rows.append(row)
        self._measure(row)

    def _measure(self, cells: list) -> None:
        sizes = [display_width(str(cell)) for cell in cells]
        if not self.widths:
            self.widths = sizes
            return
        if len(sizes) > len(self.widths):
            # aws v1 indexes past the end of its width list in this case.
            raise TableRenderError("list index out of range")
        for i, size in enumerate(sizes):
            if size > self.widths[i]:
                self.widths[i] = size

    def outer_width(self) -> int:
        """Width this section needs, nesting pipes and borders included."""
        frame = 2 + 2 * self.depth
        cells = sum(width + _CELL_PADDING for width in self.widths)
        return max(display_width(str(self.title)) + frame, cells + frame)

    def spread(self, target: int) -> list[int]:
        """Column widths (borders included) stretched to fill ``target``."""
        natural = [width + _CELL_PADDING for width in self.widths]
        if not natural:
            return []
        factor = target / float(sum(natural))
        # round() is banker's rounding, as in aws v1.
        widths = [int(round(factor * width)) for width in natural]
        excess = sum(widths) - target
        while excess:
            # Too wide: trim from the left; too narrow: widen from the right.
            step = 1 if excess > 0 else -1
            order = range(len(widths)) if step > 0 else range(len(widths) - 1, -1, -1)
            for i in order:
                widths[i] -= step
                excess -= step
                if not excess:
                    break
        return widths

    def as_vertical(self) -> "Section":
        """This one-row section turned into ``header | value`` rows."""
        turned = Section(self.title, self.depth)
        for header, cell in zip(self.headers, self.rows[0]):
            turned.add_row([header, cell])
        return turned


# --------------------------------------------------------------------------- layout


class _Layout:
    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.current: Section | None = None

    def open(self, title: Any, depth: int) -> None:
        self.current = Section(title, depth)
        self.sections.append(self.current)

    def place(self, title: Any, value: Any, depth: int = 0) -> bool:
        if not value:
            return False
        if title is not None:
            self.open(title, depth)
        if isinstance(value, list):
            if isinstance(value[0], dict):
                self._records(value, depth, title)
            else:
                for item in value:
                    if not isinstance(item, _CONTAINERS):
                        self.current.add_row([item])
                    elif all(not isinstance(part, _CONTAINERS) for part in item):
                        # A flat sub-list is one multi-cell row.  (A mapping
                        # here contributes its keys, as in aws v1.)
                        self.current.add_row(item)
                    else:
                        # Deeper nesting continues in the same section.
                        self.place(None, item)
        if isinstance(value, dict):
            self._mapping(value, depth)
        return True

    def _mapping(self, mapping: dict, depth: int) -> None:
        scalar_keys, nested_keys = _split_keys(mapping)
        if len(scalar_keys) == 1:
            key = scalar_keys[0]
            self.current.add_row([key, mapping[key]])
        elif scalar_keys:
            self.current.set_headers(scalar_keys)
            self.current.add_row([mapping[key] for key in scalar_keys])
        for key in nested_keys:
            self.place(key, mapping[key], depth + 1)

    def _records(self, records: list, depth: int, title: Any) -> None:
        scalar_union: set = set()
        nested_union: set = set()
        for record in records:
            scalar_keys, nested_keys = _split_keys(record)
            scalar_union.update(scalar_keys)
            nested_union.update(nested_keys)
        headers = sorted(scalar_union)
        nested = sorted(nested_union)
        self.current.set_headers(headers)
        for index, record in enumerate(records):
            if index and nested:
                # Records with nested members each get their own copy of the
                # titled header block.
                self.open(title, depth)
                self.current.set_headers(headers)
            self.current.add_row([record.get(header, "") for header in headers])
            for key in nested:
                if key in record:
                    self.place(key, record[key], depth + 1)


def _split_keys(mapping: Any) -> tuple[list, list]:
    # Keys holding scalars and keys holding containers, each sorted.  This is
    # written for mappings; for other elements of a record list the plain
    # iterate-and-subscript protocol raises the same Python error as aws v1.
    scalar_keys = []
    nested_keys = []
    for key in mapping:
        if isinstance(mapping[key], _CONTAINERS):
            nested_keys.append(key)
        else:
            scalar_keys.append(key)
    scalar_keys.sort()
    nested_keys.sort()
    return scalar_keys, nested_keys


def layout(title: str, data: Any) -> list[Section]:
    """The sections for ``data``; empty when aws v1 prints nothing."""
    builder = _Layout()
    try:
        if not builder.place(title, data):
            return []
    except (TypeError, AttributeError, IndexError) as exc:
        # Only malformed record lists get here; aws v1 reports Python's own
        # message for them (e.g. "'int' object is not iterable").
        raise TableRenderError(str(exc)) from exc
    return builder.sections


# --------------------------------------------------------------------------- drawing


def _centered(text: str, length: int, left: str, right: str) -> str:
    size = display_width(text)
    lead = length // 2 - size // 2 - 1
    used = display_width(left) + lead + size
    return left + " " * lead + text + " " * (length - display_width(right) - used) + right


def _left_aligned(text: str, size: int, length: int, left: str, right: str) -> str:
    # ``text`` may carry colour codes, so its width is passed in separately.
    fits = length - (size + 2 + display_width(left) + display_width(right)) >= 0
    pad = 2 if fits else 0
    return left + " " * pad + text + " " * (length - len(left) - pad - size - len(right)) + right


def _rule(widths: list[int]) -> str:
    first, *rest = widths
    return "+" + "-" * (first - 2) + "+" + "".join("-" * (w - 1) + "+" for w in rest)


class _Painter:
    """Makes the write() calls aws v1 makes, one by one, with or without colour.

    The granularity is part of the output: when the stream cannot encode a
    cell, everything before the failing write has been written, and the
    error message gives the position inside that write.
    """

    def __init__(self, stream: TextIO, color: bool) -> None:
        self.stream = stream
        self.color = color

    def raw(self, text: str) -> None:
        self.stream.write(text)
        if self.color:
            self.stream.write(COLOR_RESET)

    def line(self, depth: int, body: str) -> None:
        pipe = _PIPE_STYLE + "|" + COLOR_RESET if self.color else "|"
        pipes = pipe * depth
        # Four writes per line: left pipes, body, right pipes, newline.
        self.raw(pipes)
        self.raw(body)
        self.raw(pipes)
        self.raw("\n")

    def cell(self, text: str) -> str:
        return _CELL_STYLE + text + COLOR_RESET if self.color else text


def _draw(sections: list[Section], terminal_width: int, painter: _Painter) -> None:
    widest = max(section.outer_width() for section in sections)
    if widest > terminal_width:
        sections = [
            s.as_vertical() if len(s.rows) == 1 and s.headers else s for s in sections
        ]
        widest = max(section.outer_width() for section in sections)
    painter.raw("-" * widest + "\n")
    for section in sections:
        _draw_section(section, widest - 2 * section.depth, painter)


def _draw_section(section: Section, inner: int, painter: _Painter) -> None:
    depth = section.depth
    if section.title:
        painter.line(depth, _centered(section.title, inner, "|", "|"))
        if not section.headers and not section.rows:
            painter.line(depth, "+" + "-" * (inner - 2) + "+")
    if section.headers:
        widths = section.spread(inner)
        cells = [
            _centered(header, width, "|" if i == 0 else "", "|")
            for i, (width, header) in enumerate(zip(widths, section.headers))
        ]
        painter.line(depth, _rule(widths))
        painter.line(depth, "".join(cells))
    if section.rows:
        widths = section.spread(inner)
        if not widths:
            return
        rule = _rule(widths)
        painter.line(depth, rule)
        for row in section.rows:
            cells = [
                _left_aligned(
                    painter.cell(cell), display_width(cell), width, "|" if i == 0 else "", "|"
                )
                for i, (width, cell) in enumerate(zip(widths, row))
            ]
            painter.line(depth, "".join(cells))
        painter.line(depth, rule)


# --------------------------------------------------------------------------- entry


def render(data: Any, stream: TextIO, options: RenderOptions = RenderOptions()) -> None:
    try:
        sections = layout(options.title, data)
    except TableRenderError as exc:
        exc.colored = options.color
        raise
    if not sections:
        return
    width = DEFAULT_WIDTH if options.terminal_width is None else options.terminal_width
    _draw(sections, width, _Painter(stream, options.color))
