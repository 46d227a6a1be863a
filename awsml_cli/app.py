"""One run of awsml: argv in, bytes on stdout and stderr, an exit code out.

The spine: :func:`main` parses argv with the command tree
(:func:`awsml_cli.cli.tree.run`), whose command runs
:func:`awsml_cli.command.describe.execute` (client, call, render); whatever is
raised becomes an exit code and stderr text in :func:`awsml_cli.errors.report`.

Two requests that CI jobs and shells send all the time are answered before
the command tree (Click, argparse) is imported, each only in a form proven to
give the same result as the full path (tests compare the two):

* exactly ``awsml --version``: the parser would stop at that token before
  doing anything else;
* exactly ``awsml sagemaker describe-training-job --generate-cli-skeleton
  [input]``, with no alias file: the three parser passes cannot fail on those
  tokens and yield no global option, so the command body runs directly, as
  the tree would run it (:func:`input_skeleton`);

Everything else goes through the command tree. A shell completion request
never gets here (see :mod:`awsml_cli.__main__`).
"""

from __future__ import annotations

import sys

from awsml_cli import names
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
    [names.SERVICE, names.OPERATION, "--generate-cli-skeleton"],
    [names.SERVICE, names.OPERATION, "--generate-cli-skeleton", "input"],
)


def input_skeleton(argv: list[str], env) -> int:
    """What the command tree runs for a skeleton line: the root's checks of no
    global options, then the operation with ``generate_cli_skeleton="input"``."""
    from awsml_cli.cli import globalargs
    from awsml_cli.cli.context import RunContext
    from awsml_cli.command.describe import DescribeOptions, execute

    args = globalargs.resolve({})
    return execute(RunContext(args, env, argv=argv), DescribeOptions(generate_cli_skeleton="input"))


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
    env = None
    # See awsml_cli.runtime.interrupts: KeyboardInterrupt is raised only inside this try block.
    program = interrupts.owned_by_program()
    try:
        if program:
            interrupts.raise_keyboard_interrupt()
        _ensure_std_streams()
        # Imported inside the guard: a Ctrl-C during start-up must not print a traceback.
        from awsml_cli.runtime.environment import Environment

        env = Environment()
        if argv == ["--version"]:
            from awsml_cli.runtime.version import write_version

            code = write_version(env)
        else:
            code = _run(argv, env, whole_process)
        interrupts.checkpoint()
    except BaseException as exc:  # noqa: BLE001 - the one place errors become exit codes
        if program:
            interrupts.exit_quietly()
        if isinstance(exc, SystemExit):
            raise
        from awsml_cli.errors import Interrupted, report

        if interrupts.received() and not isinstance(exc, (KeyboardInterrupt, Interrupted)):
            exc = KeyboardInterrupt()  # Python disguised the Ctrl-C (see awsml_cli.runtime.interrupts)
        code = report(exc, env=env)
    finally:
        if program:
            interrupts.ignore()
        if env is not None and env.redactor is not None:
            from awsml_cli.runtime.debuglog import disable_debug_logging

            disable_debug_logging()
    if env is not None and env.table_color_on:
        from awsml_cli.output.render import finish

        finish(env)
    from awsml_cli.aws import history
    from awsml_cli.errors import ExitCode

    # aws v1 leaves a usage error (its argument parser exits) out of the history.
    history.finish(code, usage_error=code == ExitCode.USAGE)
    return code


def _run(argv: list[str], env, whole_process: bool) -> int:
    """Parse argv, run the command, return its exit code (errors are raised)."""
    if whole_process:
        from awsml_cli import speedups

        speedups.use_compiled_patterns()
    if argv in SKELETON_LINES and not _has_alias_file():
        return input_skeleton(argv, env)
    from awsml_cli.cli.tree import run

    return run(argv, env)


class ClickEntry:
    """awsml as Click's test runner calls a command (``CliRunner().invoke(program, args)``):
    through :func:`main`, so that it sees exactly what a user sees."""

    name = "awsml"

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: ARG002
        code = main(sys.argv[1:] if args is None else list(args))
        if standalone_mode:
            sys.exit(code)
        return code


program = ClickEntry()
