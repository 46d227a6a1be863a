"""The command tree: ``awsml [global options] sagemaker describe-training-job [options]``.

This module only declares the interface (Click commands and options, their
help) and wires each command to the code that does the work.  Parsing follows
aws v1's rules (see :mod:`awsml_cli.cli.argv`); the order of the steps below is
aws v1's order, because it decides which error a user sees first:

1. first pass over all of argv: global options (anywhere), the service word;
2. the global options are checked (``--query`` compiled, URL, timeouts) and
   the config files read (``cli_timestamp_format``); the botocore session is
   started only when a command first needs it;
3. the service pass: the operation word;
4. the operation pass: its options, required options, ``help``, unknown tokens;
5. the command body: "make a client, call, render".
"""

from __future__ import annotations

import click

from awsml_cli import names
from awsml_cli.cli import argv as aws_argv
from awsml_cli.cli.context import RunContext
from awsml_cli.errors import UnknownOptionsError, UsageError, VersionRequested
from awsml_cli.output.formatters import CLI_CHOICES as CLI_OUTPUT_CHOICES

SERVICE_NAME = names.SERVICE
OPERATION_NAME = names.OPERATION


class TokenType(click.ParamType):
    """A value type of awsml's own options whose text :meth:`parse_token` reads: the
    argparse pass (:mod:`awsml_cli.cli.argv`) converts with it, so a bad value is
    reported like any other argparse error (``aws: error: argument --x: ...``, exit 2)."""

    def parse_token(self, text: str):
        raise NotImplementedError

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value  # converted already
        try:
            return self.parse_token(value)
        except ValueError as exc:
            raise UsageError(f"argument {param.opts[0]}: {exc}") from None


class LineCount(TokenType):
    """A number of lines, 0 or more, for ``--logs-tail``."""

    name = "lines"

    def parse_token(self, text: str) -> int:
        try:
            count = int(text, 10)
        except (TypeError, ValueError):
            count = -1
        if count < 0:
            raise ValueError(f"invalid value {text!r}: must be a whole number of lines, 0 or more")
        return count


class Seconds(TokenType):
    """A number of seconds, fractions allowed, for awsml's own ``--wait`` options."""

    name = "seconds"

    def __init__(self, zero_means_no_limit: bool = False):
        self.zero_means_no_limit = zero_means_no_limit

    def parse_token(self, text: str) -> float:
        import math

        if self.zero_means_no_limit:
            rule = "must be a number of seconds, 0 or more (0 means no limit)"
        else:
            rule = "must be a number of seconds greater than 0"
        try:
            seconds = float(text)
        except (TypeError, ValueError):
            raise ValueError(f"invalid value {text!r}: {rule}") from None
        if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not self.zero_means_no_limit):
            raise ValueError(f"invalid value {text!r}: {rule}")
        return seconds


class AwsOption(click.Option):
    """A Click option that can also be *required as aws v1 requires it*.

    aws v1 waives required options when ``--cli-input-json`` (or an input
    skeleton) is on the command line, so Click itself must not enforce them;
    :mod:`awsml_cli.cli.argv` does, and the help still says "required".
    """

    def __init__(self, *args, aws_required: bool = False, exact_only: bool = False, aws_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.aws_required = aws_required
        # An option aws v1 lacks: recognised only when spelled in full.
        self.exact_only = exact_only
        # The choices aws v1 has (and lists in its error message), when awsml adds more.
        self.aws_choices = aws_choices


def _global_options() -> list[click.Option]:
    # Same names, kinds and order as aws v1's global options: the order decides
    # how "ambiguous option" errors list candidates.
    return [
        AwsOption(["--debug"], is_flag=True, default=None, help="Turn on debug logging. awsml redacts secrets in it."),
        AwsOption(["--endpoint-url"], metavar="URL", help="Override command's default URL with the given URL."),
        AwsOption(["--no-verify-ssl"], is_flag=True, default=None, help="By default, the AWS CLI uses SSL when communicating with AWS services. For each SSL "
            "connection, the AWS CLI will verify SSL certificates. This option overrides the default "
            "behavior of verifying SSL certificates."),
        AwsOption(["--no-paginate"], is_flag=True, default=None, help="Disable automatic pagination. If automatic pagination is disabled, the AWS CLI will only "
            "make one call, for the first page of results. (This operation has one page.)"),
        AwsOption(
            ["--output"],
            # aws v1's choices, then aws v2's YAML outputs, then awsml's view for people.
            type=click.Choice(list(CLI_OUTPUT_CHOICES)),
            help="The formatting style for command output. awsml adds aws v2's yaml and yaml-stream, and "
            "summary, a view for people, not scripts.",
        ),
        AwsOption(["--query"], metavar="JMESPATH", help="A JMESPath query to use in filtering the response data."),
        AwsOption(["--profile"], metavar="NAME", help="Use a specific profile from your credential file."),
        AwsOption(["--region"], metavar="REGION", help="The region to use. Overrides config/env settings."),
        AwsOption(
            ["--color"],
            type=click.Choice(["on", "off", "auto"]),
            help="Turn on/off color output. Only table output has colour; the default is auto.",
        ),
        AwsOption(["--no-sign-request"], is_flag=True, default=None, help="Do not sign requests. Credentials will not be loaded if this argument is provided."),
        AwsOption(["--ca-bundle"], metavar="PATH", help="The CA certificate bundle to use when verifying SSL certificates. Overrides config/env settings."),
        AwsOption(
            ["--cli-read-timeout"],
            metavar="SECONDS",
            help="The maximum socket read time in seconds. If the value is set to 0, the socket read will be "
            "blocking and not timeout. The default value is 60 seconds.",
        ),
        AwsOption(
            ["--cli-connect-timeout"],
            metavar="SECONDS",
            help="The maximum socket connect time in seconds. If the value is set to 0, the socket connect "
            "will be blocking and not timeout. The default value is 60 seconds.",
        ),
        # Accepted for compatibility (it changes how aws v1 abbreviates --v);
        # awsml has no v1-to-v2 migration warnings to print.
        AwsOption(
            ["--v2-debug"],
            is_flag=True,
            default=None,
            help="Enable AWS CLI v2 migration assistance. Prints warnings if the command would face a "
            "breaking change after swapping AWS CLI v1 for AWS CLI v2 in the current environment. Prints "
            "one warning for each breaking change detected. awsml accepts it and prints no such warnings "
            "(aws v1 warns here about v2's pager and timestamp format).",
        ),
        AwsOption(["--version"], is_flag=True, default=None, help="Display the version of this tool."),
    ]


class RootGroup(click.Group):
    """``awsml``: the first pass finds global options anywhere in argv."""

    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None) -> None:
        # Click's main() asks here first (the console script calls root.main()
        # only for a completion request). A TAB must follow aws v1's argv rules (global options anywhere,
        # prefixes), which Click's own completion walk does not know.
        from awsml_cli.cli.completion import answer_request

        answer_request(self, prog_name, complete_var)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from awsml_cli.aws import aliases

        # aws v1 reads its alias file at every start; an alias is a command word
        # (and wins over a command of the same name).
        found = aliases.load()
        commands = [*self.commands, *found]
        parsed = aws_argv.parse_main(args, self.params, commands=commands)
        command = parsed.command
        if command in found:
            ctx.meta["awsml.alias"] = (command, found)
            command = ALIAS_COMMAND
        canonical = aws_argv.canonical_tokens(self.params, parsed.values)
        remaining = super().parse_args(ctx, [*canonical, command, *parsed.remaining])
        ctx.params.update(aws_argv.passthrough_values(parsed.values))
        ctx.meta["awsml.global_values"] = dict(parsed.values)
        return remaining

    def get_command(self, ctx: click.Context, cmd_name: str):
        if cmd_name == ALIAS_COMMAND:
            return _ALIAS
        return super().get_command(ctx, cmd_name)


class ServiceGroup(click.Group):
    """``awsml sagemaker``: the service pass picks the operation word."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        state = ctx.find_object(RunContext)
        operation, remaining = aws_argv.parse_subcommand(args, "operation", _OperationChoices(self.commands, state))
        if operation not in self.commands:
            raise UsageError(
                f"argument operation: awsml implements only {', '.join(self._visible_commands())}; "
                f"use aws for {operation!r}"
            )
        return super().parse_args(ctx, [operation, *remaining])

    def _visible_commands(self) -> list[str]:
        return [name for name, command in self.commands.items() if not command.hidden]


class _OperationChoices:
    """The operation words aws v1 accepts under ``aws sagemaker``.

    awsml's own commands are checked first; the full list (needed for aws v1's
    "Invalid choice" message and to recognise operations awsml does not
    implement) is only read for a word awsml does not know.
    """

    def __init__(self, commands, state: RunContext):
        self._commands = commands
        self._state = state
        self._all_words = None

    def _words(self) -> tuple[str, ...]:
        if self._all_words is None:
            from awsml_cli.aws.client import operation_words

            self._all_words = operation_words(self._state.session)
        return self._all_words

    def __contains__(self, word) -> bool:
        return word in self._commands or word in self._words()

    def __iter__(self):
        return iter(self._words())


class OperationCommand(click.Command):
    """An operation: its own options, aws v1's required/unknown/help rules."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        parsed = aws_argv.parse_operation(args, self.params)
        if parsed.help_word == "help":
            ctx.meta["awsml.help"] = True
            return []
        if parsed.unknown:
            raise UnknownOptionsError(parsed.unknown)
        canonical = aws_argv.canonical_tokens(self.params, parsed.values)
        remaining = super().parse_args(ctx, canonical)
        ctx.params.update(aws_argv.passthrough_values(parsed.values))
        return remaining

    def invoke(self, ctx: click.Context):
        if ctx.meta.get("awsml.help"):
            from awsml_cli.cli.help import show_help

            return show_help(ctx)
        return super().invoke(ctx)


class AliasCommand(click.Command):
    """A word from ``~/.aws/cli/alias`` (see :mod:`awsml_cli.aws.aliases`), run once the
    global options are accepted and the session has started, as aws v1 runs it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["awsml.alias_args"] = list(args)
        return []

    def invoke(self, ctx: click.Context):
        from awsml_cli.aws import aliases
        from awsml_cli.cli import globalargs
        from awsml_cli.errors import AwsmlError

        name, found = ctx.meta["awsml.alias"]
        args = ctx.meta["awsml.alias_args"]
        state = ctx.find_object(RunContext)
        values = dict(ctx.meta.get("awsml.global_values", {}))
        for _ in range(len(found) + 1):
            value = found[name]
            if value.startswith("!"):
                return aliases.ShellAlias(name, value[1:]).run(args)
            words = aliases.split_value(name, value)
            parsed = aws_argv.parse_main(words, root.params, commands=_AnyWord())
            given = {key: value for key, value in parsed.values.items() if value is not None}
            aliases.check_globals(name, given)
            if given:
                # The alias's global options win; aws v1 checks them as it checks the command line's.
                values.update(given)
                state.args = globalargs.resolve(values)
            args = [*parsed.remaining, *args]
            if parsed.command in found and parsed.command != name:
                name = parsed.command  # an alias of an alias
                continue
            if parsed.command not in root.commands:
                raise AwsmlError(
                    f'awsml implements only "sagemaker describe-training-job": the alias "{name}" in '
                    f"{aliases.alias_file()} runs \"aws {parsed.command}\""
                )
            command = root.commands[parsed.command]
            with command.make_context(parsed.command, args, parent=ctx) as sub_ctx:
                return command.invoke(sub_ctx)
        raise AwsmlError(f'The aliases in {aliases.alias_file()} refer to each other without end')


class _AnyWord:
    """The command words an alias may name: any (aws v1 knows every service)."""

    def __contains__(self, word) -> bool:
        return True

    def __iter__(self):
        return iter(())


class HelpCommand(click.Command):
    """``awsml help`` / ``awsml sagemaker help``: the page of the enclosing command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["awsml.help_args"] = list(args)
        return []

    def invoke(self, ctx: click.Context):
        from awsml_cli.cli.help import show_help

        return show_help(ctx.parent)


CONTEXT_SETTINGS = {"help_option_names": []}


@click.group(
    "awsml",
    cls=RootGroup,
    params=_global_options(),
    context_settings=CONTEXT_SETTINGS,
    help="A fast, byte-compatible `aws sagemaker describe-training-job` for scripts and CI.",
)
@click.pass_context
def root(ctx: click.Context, **values) -> None:
    from awsml_cli.cli import globalargs

    ctx.obj = RunContext(globalargs.resolve(values), ctx.meta["awsml.env"], argv=ctx.meta.get("awsml.argv"))


@root.group(SERVICE_NAME, cls=ServiceGroup, context_settings=CONTEXT_SETTINGS, help="Amazon SageMaker.")
def sagemaker() -> None:
    pass


@sagemaker.command(
    OPERATION_NAME,
    cls=OperationCommand,
    context_settings=CONTEXT_SETTINGS,
    help="Returns information about a training job.",
)
@click.option(
    "--training-job-name",
    cls=AwsOption,
    aws_required=True,
    metavar="NAME",
    help="The name of the training job. Also file://, fileb:// and http(s):// references.",
)
@click.option(
    "--cli-input-json",
    metavar="JSON",
    help="Performs service operation based on the JSON string provided. The JSON string follows the "
    "format provided by --generate-cli-skeleton. If other arguments are provided on the command line, "
    "the CLI values will override the JSON-provided values. It is not possible to pass arbitrary binary "
    "values using a JSON-provided value as the string will be taken literally. Also file://, fileb:// "
    "and http(s):// references.",
)
@click.option(
    "--cli-input-yaml",
    cls=AwsOption,
    exact_only=True,
    metavar="YAML",
    help="Read the request from a YAML document (inline, file:// or fileb://), as aws v2 does; "
    "options given on the command line win. Not together with --cli-input-json.",
)
@click.option(
    "--generate-cli-skeleton",
    cls=AwsOption,
    type=click.Choice(["input", "output", "yaml-input"]),
    aws_choices=("input", "output"),
    is_flag=False,
    flag_value="input",
    help="Prints a JSON skeleton to standard output without sending an API request. If provided with "
    "no value or the value input, prints a sample input JSON that can be used as an argument for "
    "--cli-input-json. If provided with the value output, it validates the command inputs and returns "
    "a sample output JSON for that command. awsml's output sample is realistic and follows --output "
    "and --query; yaml-input prints the skeleton as YAML for --cli-input-yaml.",
)
@click.option(
    "--wait",
    cls=AwsOption,
    exact_only=True,
    is_flag=True,
    default=None,
    help="Poll until the job is Completed, Failed or Stopped, showing progress on stderr, then print "
    "the final response. Exit status: 0 Completed, 3 Failed, 4 Stopped, 124 when --wait-timeout ran out.",
)
@click.option(
    "--poll-interval",
    cls=AwsOption,
    exact_only=True,
    type=Seconds(),
    metavar="SECONDS",
    help="With --wait: seconds between two polls; fractions allowed. Default: 30.",
)
@click.option(
    "--wait-timeout",
    cls=AwsOption,
    exact_only=True,
    type=Seconds(zero_means_no_limit=True),
    metavar="SECONDS",
    help="With --wait: stop waiting after this many seconds of wall-clock time (exit status 124). "
    "Default: no limit.",
)
@click.option(
    "--logs",
    cls=AwsOption,
    exact_only=True,
    is_flag=True,
    default=None,
    help="Also print the job's own output from CloudWatch Logs (log group /aws/sagemaker/TrainingJobs, "
    "every instance's stream, each line marked [algo-N] when there are several) on stderr, before the "
    "response; with --wait, follow it until the job ends. stdout is unchanged.",
)
@click.option(
    "--logs-tail",
    cls=AwsOption,
    exact_only=True,
    type=LineCount(),
    metavar="LINES",
    help="With --logs: begin each stream at its last LINES lines (0: only lines written from now on).",
)
@click.pass_obj
def describe_training_job(context: RunContext, **options) -> int:
    from awsml_cli.command.describe import DescribeOptions, execute

    return execute(context, DescribeOptions(**options))


# The command an alias word runs: not in the tree (no help page, no completion);
# RootGroup.get_command hands it out under a name no command line can hold.
ALIAS_COMMAND = "\x00alias"
_ALIAS = AliasCommand(ALIAS_COMMAND, hidden=True, context_settings=CONTEXT_SETTINGS)

# ``help`` is a command word in aws v1 at every level.
root.add_command(HelpCommand("help", hidden=True, context_settings=CONTEXT_SETTINGS))
sagemaker.add_command(HelpCommand("help", hidden=True, context_settings=CONTEXT_SETTINGS))


def run(argv: list[str], env=None) -> int:
    """Parse ``argv`` and run the command; exceptions are left to the caller.

    ``env``: the run's Environment (a fresh one when not given)."""
    if env is None:
        from awsml_cli.runtime.environment import Environment

        env = Environment()
    try:
        with root.make_context("awsml", list(argv)) as ctx:
            ctx.meta["awsml.argv"] = list(argv)
            ctx.meta["awsml.env"] = env
            return root.invoke(ctx)
    except VersionRequested:
        # aws v1's parser prints the version wherever --version is, and exits 0.
        from awsml_cli.runtime.version import write_version

        return write_version(env)
