"""What a stream is connected to: a terminal or not, how wide, what it can encode, colour or not.

The one place awsml asks; :class:`awsml_cli.runtime.environment.Environment`
asks once per run and hands the answers to whoever writes.

It imports nothing beyond ``os`` (not even ``typing``): it is on every path.
"""

from __future__ import annotations

import os

# The width when a stream cannot say (not a terminal, no descriptor, no termios).
DEFAULT_WIDTH = 80


def is_terminal(stream: TextIO | None) -> bool:
    try:
        return os.isatty(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return False


def is_capable_terminal(stream: TextIO | None, environ: Mapping[str, str]) -> bool:
    """A terminal that can redraw in place (the live --wait view)."""
    return is_terminal(stream) and environ.get("TERM", "") not in ("dumb", "unknown")


def width(stream: TextIO | None) -> int:
    """Columns of the terminal behind ``stream`` (the window size it reports,
    which may be 0); 80 whenever it cannot be asked. COLUMNS is ignored, as aws v1 ignores it."""
    try:
        import fcntl
        import struct
        import termios

        packed = fcntl.ioctl(stream.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
        return struct.unpack("hhhh", packed)[1]
    except Exception:
        return DEFAULT_WIDTH


def screen_columns() -> int:
    """Columns for a page of help text: COLUMNS, else the terminal, else 80."""
    import shutil

    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def encoding(stream: TextIO | None) -> str:
    return getattr(stream, "encoding", None) or "utf-8"


def can_encode(stream: TextIO | None, text: str) -> bool:
    try:
        text.encode(encoding(stream))
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def wants_color(setting: str | None, stream: TextIO | None, environ: Mapping[str, str]) -> bool:
    """``--color on|off|auto``: auto means a terminal, and never with NO_COLOR set (no-color.org)."""
    if setting == "on":
        return True
    if setting == "off":
        return False
    if environ.get("NO_COLOR"):
        return False
    return is_terminal(stream)
