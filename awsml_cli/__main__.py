"""Entry point: ``awsml`` and ``python -m awsml_cli``."""

from __future__ import annotations

import sys

from . import interrupts


def _ensure_std_streams() -> None:
    """A closed stdout or stderr (``awsml >&-``) becomes /dev/null: writes vanish, nothing fails."""
    import os

    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def main(argv: list[str] | None = None) -> int:
    """Run awsml on ``argv``; every exception becomes an exit code in errors.report."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # See awsml_cli.interrupts: KeyboardInterrupt is raised only inside this try block.
    program = interrupts.owned_by_program()
    try:
        if program:
            interrupts.raise_keyboard_interrupt()
        _ensure_std_streams()
        # Imported inside the guard: a Ctrl-C during start-up must not print a traceback.
        from .cli import run

        code = run(argv)
    except BaseException as exc:  # noqa: BLE001 - the one place errors become exit codes
        if program:
            interrupts.exit_quietly()
        if isinstance(exc, SystemExit):
            raise
        from .errors import report

        code = report(exc)
    finally:
        if program:
            interrupts.ignore()
        if "awsml_cli.debuglog" in sys.modules:
            sys.modules["awsml_cli.debuglog"].disable_debug_logging()
    if "awsml_cli.output" in sys.modules:
        sys.modules["awsml_cli.output"].finish()
    return code


def console_main() -> None:
    # Normally done by the package's __init__ already; a no-op then.
    interrupts.exit_quietly()
    from .cli import root

    root.main(prog_name="awsml")


if __name__ == "__main__":
    interrupts.exit_quietly()
    sys.exit(main())
