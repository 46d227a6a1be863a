"""Entry point: ``awsml`` and ``python -m awsml_cli``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run awsml on ``argv``; every exception becomes an exit code in errors.report."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        # Imported inside the guard: a Ctrl-C during start-up must not print a traceback.
        from .cli import run

        code = run(argv)
    except BaseException as exc:  # noqa: BLE001 - the one place errors become exit codes
        if isinstance(exc, SystemExit):
            raise
        from .errors import report

        code = report(exc)
    if "awsml_cli.output" in sys.modules:
        sys.modules["awsml_cli.output"].finish()
    return code


def console_main() -> None:
    from .cli import root

    root.main(prog_name="awsml")


if __name__ == "__main__":
    sys.exit(main())
