"""Entry point: ``awsml`` and ``python -m awsml_cli``.

Two requests that CI jobs and shells send all the time are answered before
the command tree (Click, argparse) is imported, each only in a form proven to
give the same result as the full path (tests compare the two):

* exactly ``awsml --version``: the parser would stop at that token before
  doing anything else;
* exactly ``awsml sagemaker describe-training-job --generate-cli-skeleton
  [input]``, with no alias file: the three parser passes cannot fail on those
  tokens and yield no global option, so the command body runs directly, as
  the tree would run it (:func:`input_skeleton`);
* a shell completion request (``_AWSML_COMPLETE``, console script only),
  answered from the committed completion table (:mod:`awsml_cli.cli.completion_fast`).

Everything else goes through the command tree. When awsml owns the process,
it starts with the regular expressions earlier runs compiled
(:mod:`awsml_cli.speedups.regex_table`, whose table this run extends when it ends) and
with the garbage collector paused until the client exists
(:mod:`awsml_cli.speedups`).
"""

from __future__ import annotations

import sys

from awsml_cli.runtime import interrupts


def _ensure_std_streams() -> None:
    """A closed stdout or stderr (``awsml >&-``) becomes /dev/null: writes vanish, nothing fails."""
    import os

    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


# The command lines the skeleton shortcut takes (any other goes through the tree).
SKELETON_LINES = (
    ["sagemaker", "describe-training-job", "--generate-cli-skeleton"],
    ["sagemaker", "describe-training-job", "--generate-cli-skeleton", "input"],
)


def input_skeleton(argv: list[str]) -> int:
    """What the command tree runs for a skeleton line: the root's checks of no
    global options, then the operation with ``generate_cli_skeleton="input"``."""
    from awsml_cli.cli import globalargs
    from awsml_cli.cli.context import AppState
    from awsml_cli.command.describe import DescribeOptions, run

    args = globalargs.resolve({})
    return run(args, AppState(args, argv=argv), DescribeOptions(generate_cli_skeleton="input"))


def _has_alias_file() -> bool:
    """An alias file can change what any command line means (``sagemaker = ...``)."""
    import os

    from awsml_cli.aws.aliases import alias_file

    return os.path.exists(alias_file())


def main(argv: list[str] | None = None, *, whole_process: bool = False) -> int:
    """Run awsml on ``argv``; every exception becomes an exit code in errors.report.

    ``whole_process``: awsml is the program (not a test or an embedder), so it
    may use and extend the user's table of compiled regular expressions."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # See awsml_cli.runtime.interrupts: KeyboardInterrupt is raised only inside this try block.
    program = interrupts.owned_by_program()
    try:
        if program:
            interrupts.raise_keyboard_interrupt()
        _ensure_std_streams()
        # Imported inside the guard: a Ctrl-C during start-up must not print a traceback.
        if argv == ["--version"]:
            from awsml_cli.errors import VersionRequested

            raise VersionRequested()
        if whole_process:
            from awsml_cli.speedups import speedups_enabled

            if speedups_enabled():
                from awsml_cli.speedups.regex_table import install

                install(record=True)
        if argv in SKELETON_LINES and not _has_alias_file():
            code = input_skeleton(argv)
        else:
            from awsml_cli.cli.tree import run

            code = run(argv)
        interrupts.checkpoint()
    except BaseException as exc:  # noqa: BLE001 - the one place errors become exit codes
        if program:
            interrupts.exit_quietly()
        if isinstance(exc, SystemExit):
            raise
        from awsml_cli.errors import Interrupted, report

        if interrupts.received() and not isinstance(exc, (KeyboardInterrupt, Interrupted)):
            exc = KeyboardInterrupt()  # Python disguised the Ctrl-C (see awsml_cli.runtime.interrupts)
        code = report(exc)
    finally:
        if program:
            interrupts.ignore()
        if "awsml_cli.runtime.debuglog" in sys.modules:
            sys.modules["awsml_cli.runtime.debuglog"].disable_debug_logging()
    if "awsml_cli.output.render" in sys.modules:
        sys.modules["awsml_cli.output.render"].finish()
    from awsml_cli.aws import history
    from awsml_cli.errors import ExitCode

    # aws v1 leaves a usage error (its argument parser exits) out of the history.
    history.finish(code, usage_error=code == ExitCode.USAGE)
    return code


def process_main() -> int:
    """main() for a process that runs awsml and nothing else."""
    from awsml_cli.speedups import pause_collector

    pause_collector()
    code = main(whole_process=True)
    from awsml_cli.speedups.regex_table import save

    save()
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
