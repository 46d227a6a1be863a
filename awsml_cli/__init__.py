"""awsml: `aws sagemaker describe-training-job`, byte for byte, faster."""

import os as _os
import sys as _sys

# The very first thing the awsml program does: make Ctrl-C during start-up end
# quietly with exit status 130 (see awsml_cli.runtime.interrupts, which takes over from
# here).  It is done before anything else is imported, to leave no gap; importing
# the package for any other purpose (tests, CliRunner) changes nothing.  Only
# Python's default handler is replaced: a process started with SIGINT ignored
# (``awsml ... &`` in a script, ``trap '' INT``) keeps ignoring it, as aws v1 does.


def _exit_on_interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
    try:
        _os.write(1, b"\n")
    except OSError:
        pass
    _os._exit(130)


def _take_over_sigint() -> None:
    """Phase 1 (awsml_cli.runtime.interrupts), if SIGINT still has Python's default handler."""
    # _signal, not signal: the public module imports enum, which costs start-up time.
    import _signal

    try:
        if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
            _signal.signal(_signal.SIGINT, _exit_on_interrupt)
    except (ValueError, OSError):  # not the main thread, or no SIGINT here
        pass


_argv = getattr(_sys, "argv", None)
if _argv and isinstance(_argv[0], str) and _os.path.basename(_argv[0]) in ("awsml", "awsml.exe", "awsml-script.py"):
    _take_over_sigint()

__version__ = "0.1.0"
