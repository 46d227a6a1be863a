"""The describe-training-job command body: make a client, call, render."""

from __future__ import annotations

from awsml_cli import speedups
from awsml_cli.aws import client
from awsml_cli.cli.globalargs import GlobalArgs
from awsml_cli.command import cli_input, paramfile, skeleton
from awsml_cli.errors import StdoutClosed, UsageError
from awsml_cli.output import render as output
from awsml_cli.speedups.records import Record


class DescribeOptions(Record):
    training_job_name: str | None = None
    cli_input_json: str | None = None
    cli_input_yaml: str | None = None
    generate_cli_skeleton: str | None = None
    wait: bool | None = None
    poll_interval: float | None = None
    wait_timeout: float | None = None
    logs: bool | None = None
    logs_tail: int | None = None


def build_call_parameters(config, options: DescribeOptions) -> dict:
    """Options to API parameters, after paramfile loading (aws v1's order of options).

    ``config``: the config files (a botocore session or configfiles.ConfigFiles).
    """
    from awsml_cli.aws.session import follows_url_params

    follow_urls = follows_url_params(config)
    params = {}
    name = paramfile.load_option("--training-job-name", options.training_job_name, follow_urls)
    if name is not None:
        params["TrainingJobName"] = name
    # aws v1 resolves a reference in --cli-input-json here too (so a broken file or
    # URL fails here), then reads the option again itself; the first result is unused.
    paramfile.load_option("--cli-input-json", options.cli_input_json, follow_urls)
    paramfile.load_option("--cli-input-yaml", options.cli_input_yaml, follow_urls)
    return params


def check_wait_options(options: DescribeOptions) -> None:
    # Without --wait these options would silently do nothing: a script that forgot
    # --wait would read an InProgress job as done.
    if not options.wait:
        for name, value in (("--poll-interval", options.poll_interval), ("--wait-timeout", options.wait_timeout)):
            if value is not None:
                raise UsageError(f"argument {name}: only allowed with --wait")


def check_logs_options(options: DescribeOptions) -> None:
    if options.logs_tail is not None and not options.logs:
        raise UsageError("argument --logs-tail: only allowed with --logs")
    if options.logs and options.generate_cli_skeleton is not None:
        # A skeleton calls nothing: there would be no job to read.
        raise UsageError("argument --logs: not allowed with --generate-cli-skeleton")


def check_summary_query(args: GlobalArgs, session) -> None:
    """The summary view shows the whole response, so it cannot show a --query result."""
    if args.query is None:
        return
    if args.output == "summary":
        raise UsageError("argument --query: not allowed with --output summary (it shows the whole response)")
    if args.output is None and session.get_config_variable("output") == "summary":
        raise UsageError(
            "argument --query: not allowed with output summary (set by AWS_DEFAULT_OUTPUT or the "
            "config file); add --output json, text or table"
        )


def execute(context, options: DescribeOptions) -> int:
    """Run the command: a skeleton, a sample response, or call (and wait) and render.

    ``context`` (:class:`awsml_cli.cli.context.RunContext`): the global options,
    the run's Environment, the config files, and the botocore session from the
    first step that needs a client on (a skeleton never starts one)."""
    args, env = context.args, context.env
    check_wait_options(options)
    check_logs_options(options)
    params = build_call_parameters(context.config, options)
    # A missing profile surfaces here in aws v1, even for --generate-cli-skeleton.
    context.config.get_scoped_config()
    cli_input.apply(params, options.cli_input_json, options.cli_input_yaml)
    if options.generate_cli_skeleton in ("input", "yaml-input"):
        if options.generate_cli_skeleton == "input":
            text = skeleton.render_skeleton(skeleton.input_skeleton(context.input_shape()))
        else:
            # The annotated YAML needs the members' documentation: botocore's own shape.
            text = skeleton.render_yaml_skeleton(client.operation_model(context.session).input_shape)
        output.write_guarded(lambda: env.stdout.write(text), env.stdout)
        return 0
    session = context.session
    check_summary_query(args, session)
    if options.generate_cli_skeleton == "output":
        return print_sample_response(context, params)
    api = client.create_client(session, args)
    # The client is the last thing start-up makes.
    speedups.startup_over()
    if options.wait:
        return wait_and_render(context, api, params, options)
    response = client.describe_training_job(api, params)
    output_name = output.resolve_output_name(args, session)
    if options.logs:
        follower(context, params, options, env.stderr.write).once(response)
    output.render(response, output_name, args, env)
    return 0


def follower(context, params: dict, options: DescribeOptions, write):
    """--logs: the job's streams, printed with ``write``; loaded only when asked for."""
    import time

    from awsml_cli.command.logs import Follower

    env = context.env

    def warn(text: str) -> None:
        try:
            env.stderr.write(text)
            env.stderr.flush()
        except (OSError, ValueError):
            pass

    return Follower(
        lambda: client.create_logs_client(context.session, context.args),
        params.get("TrainingJobName") or "",
        tail=options.logs_tail,
        colour=env.wants_color(context.args.color, env.stderr),
        write=write,
        warn=warn,
        sleep=time.sleep,
        grace=min(options.poll_interval or 5.0, 5.0),
    )


def wait_and_render(context, api, params: dict, options: DescribeOptions) -> int:
    from awsml_cli.command import wait
    from awsml_cli.output import progress

    args, env = context.args, context.env
    # Resolved before waiting, unlike a single call: a bad AWS_DEFAULT_OUTPUT must
    # not be discovered hours later.
    output_name = output.resolve_output_name(args, context.session)
    settings = wait.WaitSettings(
        poll_interval=options.poll_interval or wait.DEFAULT_POLL_INTERVAL,
        timeout=options.wait_timeout or None,
    )
    reporter = progress.choose(env.stderr, params.get("TrainingJobName"), debug=args.debug, env=env)
    follow = follower(context, params, options, reporter.log) if options.logs else None
    outcome = wait.wait_for_job(lambda: client.describe_training_job(api, params), settings, reporter, follow=follow)
    if follow is not None and outcome.status == "Failed":
        from awsml_cli.command.logs import where_the_logs_are

        follow.warn(where_the_logs_are(api.meta.region_name, params.get("TrainingJobName") or ""))
    if outcome.response is not None:
        try:
            output.render(outcome.response, output_name, args, env)
        except StdoutClosed as exc:
            # ``awsml --wait … | head -1`` must still say how the job ended.
            exc.exit_code = outcome.exit_code
            raise
    return outcome.exit_code


def print_sample_response(context, params: dict) -> int:
    """``--generate-cli-skeleton output``: check the request as the call would, print a sample.

    No client is made, so no region, credentials or endpoint are needed and
    nothing is sent; the sample goes through --query and the formatter like a
    real response.
    """
    from botocore.validate import validate_parameters

    from awsml_cli.command.sample_output import sample_response

    session = context.session
    model = client.operation_model(session)
    validate_parameters(params, model.input_shape)
    response = sample_response(session, model, params.get("TrainingJobName"))
    output.render(response, output.resolve_output_name(context.args, session), context.args, context.env)
    return 0
