"""Entry point: ``awsml`` and ``python -m awsml_cli``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        from .cli import run

        return run(argv)
    except BaseException as exc:  # noqa: BLE001 - this is the one place errors become exit codes
        if isinstance(exc, SystemExit):
            raise
        from .errors import report

        return report(exc)


if __name__ == "__main__":
    sys.exit(main())
