"""The run object: what one run of awsml knows about the process it runs in.

Made once per run (:func:`awsml_cli.app.main`) and handed to whatever writes:
the renderers (through :class:`~awsml_cli.output.formatters.RenderOptions`),
the --wait progress, the help pager, the error reporter. A run in the same
process (tests, an embedding program) gets a fresh one, so nothing of one run
(table colour switched on, --debug redaction) leaks into the next.
"""

from __future__ import annotations

import os
import sys

from awsml_cli.output import terminal


class Environment:
    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None,
                 environ: Mapping[str, str] | None = None):
        self.stdin = stdin if stdin is not None else sys.stdin
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.environ = environ if environ is not None else os.environ
        # The stream table colour was switched on for: aws v1 (colorama) then
        # colours every later error and ends a terminal session with a reset.
        self.table_color_stream: TextIO | None = None
        # --debug's redacting filter, once the session has started debug logging.
        self.redactor = None

    # -- the terminal, asked in one place (awsml_cli.output.terminal) ---------------

    def is_terminal(self, stream: TextIO | None) -> bool:
        return terminal.is_terminal(stream)

    def is_capable_terminal(self, stream: TextIO | None) -> bool:
        return terminal.is_capable_terminal(stream, self.environ)

    def width(self, stream: TextIO | None) -> int:
        return terminal.width(stream)

    def screen_columns(self) -> int:
        return terminal.screen_columns()

    def encoding(self, stream: TextIO | None) -> str:
        return terminal.encoding(stream)

    def can_encode(self, stream: TextIO | None, text: str) -> bool:
        return terminal.can_encode(stream, text)

    def wants_color(self, setting: str | None, stream: TextIO | None) -> bool:
        return terminal.wants_color(setting, stream, self.environ)

    # -- what this run has switched on ----------------------------------------------

    @property
    def table_color_on(self) -> bool:
        return self.table_color_stream is not None

    def redact(self, text: str) -> str:
        """``text`` with secrets masked while --debug is on; unchanged otherwise."""
        return text if self.redactor is None else self.redactor.redact(text)
