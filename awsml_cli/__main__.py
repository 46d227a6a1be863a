"""The process entry points: the ``awsml`` console script and ``python -m awsml_cli``.

They own the process, so they may do what an in-process caller of
:func:`awsml_cli.app.main` must not: pause the garbage collector for start-up,
use and extend the user's table of compiled regular expressions
(:mod:`awsml_cli.speedups`), and answer a shell completion request before
anything heavy is imported.
"""

from __future__ import annotations

import sys

from awsml_cli.app import main
from awsml_cli.runtime import interrupts


def process_main() -> int:
    """main() for a process that runs awsml and nothing else."""
    from awsml_cli import speedups

    speedups.process_start()
    code = main(whole_process=True)
    speedups.process_end()
    return code


def console_main() -> None:
    import os

    interrupts.take_over()
    if os.environ.get("_AWSML_COMPLETE"):
        from awsml_cli.cli.completion_fast import answer_fast

        answer_fast()  # exits when it could answer
        from awsml_cli.cli.tree import root

        root.main(prog_name="awsml")  # Click's path answers (or refuses) and exits
    sys.exit(process_main())


if __name__ == "__main__":
    interrupts.take_over()
    sys.exit(process_main())
