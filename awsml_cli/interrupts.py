"""Ctrl-C at any moment: exit status 130, a newline on stdout, nothing on stderr.

That is what aws v1 does once its ``main()`` runs.  Before that (while it
imports botocore, about the first 0.2 s) aws v1 dies with a KeyboardInterrupt
traceback; awsml does not.

Python's own SIGINT handler raises KeyboardInterrupt wherever the program
happens to be.  That is only safe inside ``__main__.main()``'s try block,
where :func:`awsml_cli.errors.report` turns it into the behaviour above.  The
awsml program therefore switches handlers as it goes:

1. start-up (installed by the package ``__init__`` before anything else is
   imported): a Ctrl-C ends the process at once, with "\\n" and status 130;
2. inside main()'s try block: KeyboardInterrupt, reported by errors.report;
3. while an error is being reported: at once, as in 1;
4. once the outcome is written and the interpreter winds down: ignored, so
   that a late Ctrl-C can neither print anything nor change the exit status
   (Python itself restores the default, killing handler during shutdown,
   but leaves an ignored signal ignored).

Only the awsml program switches handlers.  awsml run in-process (tests,
Click's CliRunner) leaves the caller's SIGINT handling alone.
"""

from __future__ import annotations

from . import _exit_on_interrupt as exit_on_interrupt


def _set(handler) -> None:
    # _signal, not signal: the public module imports enum, which costs start-up time.
    import _signal

    try:
        _signal.signal(_signal.SIGINT, handler)
    except (ValueError, OSError):  # not the main thread, or no SIGINT here
        pass


def exit_quietly() -> None:
    """From now on a Ctrl-C ends the process at once (phases 1 and 3)."""
    _set(exit_on_interrupt)


def raise_keyboard_interrupt() -> None:
    """From now on a Ctrl-C raises KeyboardInterrupt (phase 2)."""
    import _signal

    _set(_signal.default_int_handler)


def ignore() -> None:
    """From now on a Ctrl-C is ignored (phase 4)."""
    import _signal

    _set(_signal.SIG_IGN)


def owned_by_program() -> bool:
    """Whether the awsml program installed its handler (False when run in-process)."""
    import _signal

    return _signal.getsignal(_signal.SIGINT) is exit_on_interrupt
