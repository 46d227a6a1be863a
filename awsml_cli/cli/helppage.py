"""The help page as a small document, and its two renderings: plain text and roff.

``scripts/docgen.py`` builds the page once, at development time, from the
Click tree and botocore's model, and stores it as JSON package data
(``awsml_cli/data/help/``).  At run time ``help`` only loads that JSON and
renders it to text in Python, so it needs neither botocore's model nor groff,
mandoc or a pager.  The roff page in ``man/`` is rendered from the same
document, so the two never say different things.

The document is plain JSON::

    page   = {"name": str, "section": str, "source": str, "manual": str,
              "sections": [{"title": str, "blocks": [block, ...]}, ...]}
    block  = ["p", inlines]                  a paragraph (filled)
           | ["item", inlines, [block, ...]] a term, then its body indented
           | ["bullet", [block, ...]]        a bulleted entry
           | ["pre", str]                    lines kept as they are
    inlines = [[style, text], ...]           style: "" plain, "b" bold, "i" italic
"""

from __future__ import annotations

import json
import re
from typing import Iterable

PACKAGE_DATA = "data/help"

# Plain-text layout, close to what man shows.
BODY_INDENT = 7
ITEM_INDENT = 4
BULLET = "o "


def load_page(name: str) -> dict:
    """A page shipped as package data (no botocore, no model loading)."""
    from importlib.resources import files

    resource = files("awsml_cli").joinpath(f"{PACKAGE_DATA}/{name}.json")
    return json.loads(resource.read_text(encoding="utf-8"))


def dumps_page(page: dict) -> str:
    return json.dumps(page, ensure_ascii=False, indent=1) + "\n"


def plain_text(inlines: Iterable) -> str:
    return "".join(text for _, text in inlines)


# ----------------------------------------------------------------------------- plain text


# Bold and underline the way man pages reach a pager: overstrike ("X\bX" and
# "_\bX"), which less, more and most show as bold and underline, and a
# terminal shows as plain text.
def _overstrike(style: str, text: str) -> str:
    if style == "b":
        return "".join(f"{ch}\b{ch}" if not ch.isspace() else ch for ch in text)
    if style == "i":
        return "".join(f"_\b{ch}" if not ch.isspace() else ch for ch in text)
    return text


def _words(inlines: Iterable) -> list[list[tuple[str, str]]]:
    """Split styled runs into words; a word may be made of differently styled pieces."""
    words: list[list[tuple[str, str]]] = []
    joined = True  # the next piece continues the current word
    for style, text in inlines:
        for index, part in enumerate(re.split(r"(\s+)", text)):
            if index % 2:
                joined = False
                continue
            if not part:
                continue
            if joined and words:
                words[-1].append((style, part))
            else:
                words.append([(style, part)])
            joined = True
    return words


def _styled(word: list[tuple[str, str]], emphasis: bool) -> str:
    if not emphasis:
        return "".join(text for _, text in word)
    return "".join(_overstrike(style, text) for style, text in word)


def _fill(inlines: Iterable, indent: int, width: int, emphasis: bool) -> list[str]:
    """Greedy line filling; widths count visible characters, words are never split."""
    lines: list[str] = []
    current: list[str] = []
    length = 0
    available = max(width - indent, 20)
    prefix = " " * indent
    for word in _words(inlines):
        visible = sum(len(text) for _, text in word)
        if current and length + 1 + visible > available:
            lines.append(" ".join(current))
            current, length = [], 0
        current.append(_styled(word, emphasis))
        length += visible + (1 if length else 0)
    if current:
        lines.append(" ".join(current))
    return [prefix + line for line in lines]


def _text_blocks(blocks: list, indent: int, width: int, emphasis: bool) -> list[str]:
    out: list[str] = []
    for block in blocks:
        kind = block[0]
        if out:
            out.append("")
        if kind == "p":
            out.extend(_fill(block[1], indent, width, emphasis))
        elif kind == "item":
            out.extend(_fill(block[1], indent, width, emphasis))
            body = _text_blocks(block[2], indent + ITEM_INDENT, width, emphasis)
            out.extend(body)
        elif kind == "bullet":
            body = _text_blocks(block[1], indent + len(BULLET), width, emphasis)
            if body:
                body[0] = " " * indent + BULLET + body[0][indent + len(BULLET) :]
            out.extend(body)
        elif kind == "pre":
            out.extend(" " * indent + line if line else "" for line in block[1].split("\n"))
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    return out


def to_text(page: dict, width: int = 80, emphasis: bool = False) -> str:
    """The page as plain text (``emphasis``: bold and underline by overstrike, for a pager)."""
    title = f"{page['name'].upper()}({page['section']})"
    manual = page["manual"]
    gap = width - 2 * len(title) - len(manual)
    if gap >= 2:
        header = title + " " * (gap // 2) + manual + " " * (gap - gap // 2) + title
    else:
        header = title + " " * max(width - len(title) - len(manual), 2) + manual
    lines = [header, ""]
    for section in page["sections"]:
        heading = section["title"]
        lines.append(_styled([("b", heading)], emphasis))
        lines.extend(_text_blocks(section["blocks"], BODY_INDENT, width, emphasis))
        lines.append("")
    source = page["source"]
    lines.append(source + " " * max(width - len(source) - len(title), 2) + title)
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- roff


_ROFF_FONTS = {"b": "\\fB", "i": "\\fI"}


# Words this long (URLs, ARNs, S3 paths) get break points after "/" and ":",
# or groff cannot fit them in a line ("can't break line").
_LONG_WORD = 30
_BREAK = "\ue000"


def _break_points(text: str) -> str:
    def mark(match: re.Match) -> str:
        return re.sub(r"([/:])", r"\1" + _BREAK, match.group(0))

    return re.sub(r"\S{%d,}" % _LONG_WORD, mark, text)


def _roff_escape(text: str) -> str:
    text = _break_points(text).replace("\\", "\\e").replace("-", "\\-")
    # Non-ASCII as groff's Unicode escapes, so the page is plain ASCII.
    return "".join(
        "\\:" if ch == _BREAK else ch if ord(ch) < 128 else f"\\[u{ord(ch):04X}]" for ch in text
    )


def _roff_line(text: str) -> str:
    # A line starting with "." or "'" would be read as a request.
    return "\\&" + text if text[:1] in (".", "'") else text


def _roff_inlines(inlines: Iterable) -> str:
    text = "".join(
        f"{_ROFF_FONTS[style]}{_roff_escape(part)}\\fR" if style in _ROFF_FONTS else _roff_escape(part)
        for style, part in inlines
    )
    return _roff_line(re.sub(r"\s+", " ", text).strip())


def _roff_blocks(blocks: list) -> list[str]:
    out: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "p":
            out += [".PP", _roff_inlines(block[1])]
        elif kind == "item":
            out += [".PP", _roff_inlines(block[1])]
            body = block[2]
            if body:
                out.append(".RS 4")
                if body[0][0] == "p":
                    # The first paragraph follows its term without a blank line.
                    out.append(_roff_inlines(body[0][1]))
                    body = body[1:]
                out += [*_roff_blocks(body), ".RE"]
        elif kind == "bullet":
            body = block[1]
            if body and body[0][0] == "p":
                out += [".IP \\(bu 2", _roff_inlines(body[0][1])]
                body = body[1:]
            else:
                out += [".IP \\(bu 2"]
            if body:
                out += [".RS 2", *_roff_blocks(body), ".RE"]
        elif kind == "pre":
            out += [".PP", ".nf", *(_roff_line(_roff_escape(line)) for line in block[1].split("\n")), ".fi"]
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    return out


def to_roff(page: dict, generator_note: str) -> str:
    """The page as a man(7) document."""
    lines = [
        f'.\\" {generator_note}',
        f'.TH "{_roff_escape(page["name"].upper())}" "{page["section"]}" "" '
        f'"{_roff_escape(page["source"])}" "{_roff_escape(page["manual"])}"',
        # Ragged right: long unbreakable tokens (ARNs, S3 paths) cannot be justified.
        ".ad l",
        # No hyphenation: identifiers such as AlgorithmName must stay whole.
        ".nh",
    ]
    for section in page["sections"]:
        lines.append(f'.SH "{_roff_escape(section["title"])}"')
        lines.extend(_roff_blocks(section["blocks"]))
    return "\n".join(lines) + "\n"
