"""Failures a renderer can report, and how aws v1 shows them on stderr.

A renderer never prints an error itself: it raises :class:`RenderError` (or a
subclass) whose ``str()`` is exactly the message aws v1 prints, and the CLI
layer turns it into exit status 255 plus the stderr text built by
:func:`stderr_text`.

Colour matters here.  When aws v1 colours a table it wraps *both* stdout and
stderr so that every ``write()`` call is followed by a reset sequence; an
error raised while formatting therefore reaches stderr as three resets-suffixed
writes (``"\\n"``, the message, ``"\\n"``).  The table renderer marks such
errors with ``colored=True`` so the caller can reproduce that form.
"""

from __future__ import annotations

# The ANSI "reset all attributes" sequence that colorama appends after every
# write once colour is enabled.  Besides the renderer, the CLI needs it twice:
#   * for the coloured error form on stderr (see stderr_text), and
#   * at process exit when colour was enabled and stdout is a terminal, where
#     aws v1 writes one final COLOR_RESET to stdout (never into a pipe or file).
COLOR_RESET = "\x1b[0m"


def stderr_text(message: str, colored: bool = False) -> str:
    """Return the exact bytes aws v1 writes to stderr for a formatting error.

    Plain form: ``"\\n" + message + "\\n"``.

    Coloured form (colour was enabled for the output, so stderr was wrapped as
    well): each of the three writes is followed by :data:`COLOR_RESET`, giving
    ``"\\n\\x1b[0m" + message + "\\x1b[0m\\n\\x1b[0m"``.

    The caller should write the returned string to stderr and exit with 255::

        except RenderError as exc:
            sys.stderr.write(stderr_text(str(exc), exc.colored))
            return 255
    """
    if not colored:
        return "\n" + message + "\n"
    return "\n" + COLOR_RESET + message + COLOR_RESET + "\n" + COLOR_RESET


class RenderError(Exception):
    """The data cannot be rendered in the requested format.

    ``str(error)`` is the message aws v1 prints (without the surrounding
    newlines).  ``colored`` tells whether aws v1 would have shown it in the
    coloured stderr form; see :func:`stderr_text`.
    """

    def __init__(self, message: str, *, colored: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.colored = colored

    def __str__(self) -> str:
        return self.message

    def stderr_text(self) -> str:
        """The full stderr text for this error (see :func:`stderr_text`)."""
        return stderr_text(self.message, self.colored)
