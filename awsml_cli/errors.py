"""Exit codes, awsml's exceptions, and the one place where exceptions become exit codes.

aws v1 reports failures in a handful of fixed shapes, and scripts depend on them:

* usage errors from argparse: a usage block, then ``aws: error: <msg>``; exit 2;
* ``Unknown options: …``: the usage block, a blank line, the list; exit 255;
* no region / no credentials: ``<msg>`` with no leading blank line; exit 255;
* everything else: a blank line, then ``str(exception)``; exit 255;
* Ctrl-C: a newline on *stdout*; exit 130.

:func:`report` owns that mapping; nothing else in awsml writes an error or picks
an exit code (the ``--wait`` outcome codes are results, not errors, and are
returned by the command itself).
"""

from __future__ import annotations

import enum
import logging
import sys
from typing import TextIO

LOG = logging.getLogger("awsml_cli.errors")


class ExitCode(enum.IntEnum):
    OK = 0
    USAGE = 2
    # Outcomes of --wait (issue: honest exit codes for waiting).
    JOB_FAILED = 3
    JOB_STOPPED = 4
    WAIT_TIMEOUT = 124
    INTERRUPTED = 130  # 128 + SIGINT, the shell convention aws v1 follows
    ERROR = 255


# What each exit code means, for the EXIT STATUS section of the manual page
# (scripts/docgen.py lists every ExitCode member from this table; a test
# requires an entry for each member).
EXIT_CODE_MEANINGS = {
    ExitCode.OK: "Success: the response, skeleton, version or help page was written.",
    ExitCode.USAGE: "The command line could not be parsed: a missing or ambiguous option, "
    "an option without its value, a value that is not one of the choices, an unknown command "
    "(as aws v1).",
    ExitCode.JOB_FAILED: "With --wait: the training job ended Failed.",
    ExitCode.JOB_STOPPED: "With --wait: the training job ended Stopped.",
    ExitCode.WAIT_TIMEOUT: "With --wait: the job was still running when the wait timed out.",
    ExitCode.INTERRUPTED: "Interrupted by Ctrl-C (a newline is written to stdout, as aws v1).",
    ExitCode.ERROR: "Any other error, reported on stderr: an error from the service, no "
    "credentials or region, a bad parameter or --query, a connection failure, unknown options "
    "(as aws v1).",
}


# The usage block printed above argparse-style errors. aws v1 prints its own
# (with an advert for v2); awsml prints its own usage but keeps the final
# ``aws: error: …`` line byte-identical, because that is the line scripts grep.
USAGE = (
    "awsml [options] <command> <subcommand> [parameters]\n"
    "To see help text, you can run:\n"
    "\n"
    "  awsml help\n"
    "  awsml <command> help\n"
    "  awsml <command> <subcommand> help\n"
)


class AwsmlError(Exception):
    """An error reported as ``\\n<message>\\n`` on stderr with exit code 255."""

    exit_code = ExitCode.ERROR

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(AwsmlError):
    """An argparse-style error: usage block, then ``aws: error: <message>``; exit 2."""

    exit_code = ExitCode.USAGE


class UnknownOptionsError(AwsmlError):
    """Tokens no parser claimed; aws v1 lists them and exits 255."""

    def __init__(self, tokens: list[str]):
        super().__init__("Unknown options: " + ", ".join(tokens))
        self.tokens = tokens


class ParamError(AwsmlError):
    """A paramfile or --cli-input-json value could not be used."""

    def __init__(self, cli_name: str, message: str):
        super().__init__(f"Error parsing parameter '{cli_name}': {message}")


class VersionRequested(Exception):
    """Raised by the parser when it meets --version: the tree prints the version, exit 0."""


class StdoutClosed(Exception):
    """The reader of stdout went away (``awsml … | head -1``): end quietly, exit 0.

    aws v1 exits 0 silently for json and table output but 255 with
    ``[Errno 32] Broken pipe`` for text; awsml ends quietly for every format.
    ``exit_code`` stays what the command would have returned (a ``--wait``
    outcome is still reported when the reader left early).
    """

    exit_code: int = 0


class Interrupted(Exception):
    """Raised where Ctrl-C must be reported with extra context (e.g. --wait)."""


def _no_leading_newline(exc: BaseException) -> str | None:
    """aws v1 prints these two botocore errors with a hint and no blank line."""
    name = type(exc).__name__
    if name == "NoRegionError":
        return f'{exc} You can also configure your region by running "aws configure".'
    if name == "NoCredentialsError":
        return f'{exc}. You can configure credentials by running "aws configure".'
    return None


def report(exc: BaseException, stdout: TextIO | None = None, stderr: TextIO | None = None, env=None) -> int:
    """Write ``exc`` the way aws v1 does and return the process exit code.

    ``env``: the run's Environment (its streams, whether table colour is on,
    the --debug redactor); without one, a fresh Environment on ``stdout`` and
    ``stderr`` (the standard streams by default).
    """
    if env is None:
        from awsml_cli.runtime.environment import Environment

        env = Environment(stdout=stdout, stderr=stderr)
    stdout = env.stdout
    stderr = _RedactedStderr(env.stderr, env)
    if isinstance(exc, BrokenPipeError) and _reader_gone(stdout):
        # A writer that did not go through output.write_guarded (help pages, …).
        exc = StdoutClosed()
    if isinstance(exc, KeyboardInterrupt):
        # aws v1 ends the interrupted line on stdout and says nothing else.
        write_quietly(stdout, "\n")
        return ExitCode.INTERRUPTED
    if isinstance(exc, Interrupted):
        # As for a plain Ctrl-C, plus what --wait knew about the job when it stopped.
        write_quietly(stdout, "\n")
        write_quietly(stderr, f"{exc}\n")
        return ExitCode.INTERRUPTED
    if isinstance(exc, StdoutClosed):
        _silence_stdout()
        return exc.exit_code
    if isinstance(exc, UsageError):
        write_quietly(stderr, f"usage: {USAGE.rstrip(chr(10))}\naws: error: {exc}\n")
        return ExitCode.USAGE
    if isinstance(exc, UnknownOptionsError):
        write_quietly(stderr, f"usage: {USAGE}\n{exc}\n")
        return ExitCode.ERROR
    plain = _no_leading_newline(exc)
    if plain is not None:
        LOG.debug(plain, exc_info=True)
        write_quietly(stderr, plain + "\n")
        return ExitCode.ERROR
    LOG.debug("Exception caught in main()", exc_info=True)
    LOG.debug("Exiting with rc 255")
    # Partial text output comes first, as with aws v1's unbuffered stdout.
    _safe_flush(stdout)
    from awsml_cli.output.formatters.errors import stderr_text

    # Once table colour is on, aws v1 colours stderr too: any later error (a render
    # error or a failing --query) gets a reset after each of its writes.
    colored = getattr(exc, "colored", False) or env.table_color_on
    write_quietly(stderr, stderr_text(str(exc), colored))
    return ExitCode.ERROR


class _RedactedStderr:
    """stderr for report(): with --debug on, secrets are masked in error text too."""

    def __init__(self, stream: TextIO | None, env):
        self.stream = stream
        self.env = env

    def write(self, text: str) -> None:
        self.stream.write(self.env.redact(text))

    def flush(self) -> None:
        self.stream.flush()


def _reader_gone(stream: TextIO | None) -> bool:
    """Whether ``stream`` is a pipe or socket whose reading end has been closed."""
    try:
        import select

        poller = select.poll()
        poller.register(stream.fileno(), select.POLLOUT)
        events = poller.poll(0)
    except (AttributeError, OSError, ValueError):
        # No descriptor to ask (or no poll()): the broken pipe can only be stdout's.
        return True
    return any(mask & (select.POLLERR | select.POLLHUP) for _, mask in events)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot complain."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _safe_flush(stream: TextIO) -> None:
    try:
        stream.flush()
    except (OSError, ValueError, AttributeError):
        if stream is sys.stdout:
            _silence_stdout()


def write_quietly(stream: TextIO, text: str) -> None:
    """Write and flush; a closed or gone stream is nobody's error any more."""
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError, AttributeError):
        # stderr or stdout may be closed; there is nobody left to tell, and the
        # interpreter's last flush must not complain about it either.
        if stream is sys.stdout:
            _silence_stdout()
