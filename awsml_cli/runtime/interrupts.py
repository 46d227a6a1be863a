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
2. inside main()'s try block: KeyboardInterrupt, reported by errors.report
   (the interrupt is also remembered, see below);
3. while an error is being reported: at once, as in 1;
4. once the outcome is written and the interpreter winds down: ignored, so
   that a late Ctrl-C can neither print anything nor change the exit status
   (Python itself restores the default, killing handler during shutdown,
   but leaves an ignored signal ignored).

Python does not always let a KeyboardInterrupt through.  Raised inside an
import-lock clean-up callback or a ``__del__`` it is printed as "Exception
ignored" and dropped; raised inside ``__set_name__`` while a class is built
(Python 3.11) it comes out as a RuntimeError.  Both happen while modules are
imported, which awsml does lazily.  So phase 2 also records the Ctrl-C:
:func:`checkpoint` (before each request and before anything is written to
stdout) turns a recorded but dropped interrupt back into KeyboardInterrupt, and
main() reports any other exception that follows a Ctrl-C as the interrupt it is.
Python's "Exception ignored" note for a dropped KeyboardInterrupt is left out
(the interrupt is not ignored); other such notes are printed as usual.

Only the awsml program switches handlers, and only when it started with
Python's default handler: started with SIGINT ignored (a background job of
a script, ``trap '' INT``) it leaves the signal ignored throughout, as aws v1
does.  awsml run in-process (tests, Click's CliRunner) leaves the caller's
SIGINT handling alone.
"""

from __future__ import annotations

from awsml_cli import _exit_on_interrupt as exit_on_interrupt
from awsml_cli import _take_over_sigint as take_over  # phase 1; the package's __init__ calls it first


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


_received = False
_unraisablehook_before = None


def _record_and_raise(signum, frame):  # noqa: ARG001 - signal handler signature
    global _received
    _received = True
    raise KeyboardInterrupt


def _report_unraisable(unraisable) -> None:
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return  # recorded by _record_and_raise; checkpoint() acts on it
    import sys

    sys.__unraisablehook__(unraisable)


def raise_keyboard_interrupt() -> None:
    """From now on a Ctrl-C raises KeyboardInterrupt and is remembered (phase 2)."""
    import sys

    global _received, _unraisablehook_before
    _received = False
    _unraisablehook_before = sys.unraisablehook
    sys.unraisablehook = _report_unraisable
    _set(_record_and_raise)


def received() -> bool:
    """Whether a Ctrl-C arrived in phase 2 (whatever became of its KeyboardInterrupt)."""
    return _received


def checkpoint() -> None:
    """Raise KeyboardInterrupt if a Ctrl-C arrived and Python dropped it on the way."""
    if _received:
        raise KeyboardInterrupt


def ignore() -> None:
    """From now on a Ctrl-C is ignored (phase 4); phase 2's record of one ends with the run."""
    import _signal
    import sys

    global _received, _unraisablehook_before
    _set(_signal.SIG_IGN)
    _received = False
    if _unraisablehook_before is not None:
        sys.unraisablehook, _unraisablehook_before = _unraisablehook_before, None


def owned_by_program() -> bool:
    """Whether the awsml program installed its handler (False when run in-process)."""
    import _signal

    return _signal.getsignal(_signal.SIGINT) is exit_on_interrupt
