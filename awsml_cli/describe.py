"""The describe-training-job command body: make a client, call, render."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from . import cli_input, client, output, paramfile
from .globalargs import GlobalArgs


@dataclass
class DescribeOptions:
    training_job_name: str | None = None
    cli_input_json: str | None = None
    generate_cli_skeleton: str | None = None


def build_call_parameters(session, options: DescribeOptions) -> dict:
    """Options to API parameters, after paramfile loading (aws v1's order of options)."""
    from .session import follows_url_params

    follow_urls = follows_url_params(session)
    params = {}
    name = paramfile.load_option("--training-job-name", options.training_job_name, follow_urls)
    if name is not None:
        params["TrainingJobName"] = name
    # aws v1 resolves a reference in --cli-input-json here too (so a broken file or
    # URL fails here), then reads the option again itself; the first result is unused.
    paramfile.load_option("--cli-input-json", options.cli_input_json, follow_urls)
    return params


def run(args: GlobalArgs, session, options: DescribeOptions) -> int:
    params = build_call_parameters(session, options)
    # A missing profile surfaces here in aws v1, even for --generate-cli-skeleton.
    session.get_scoped_config()
    if options.cli_input_json is not None:
        cli_input.merge(params, cli_input.load_document(options.cli_input_json))
    if options.generate_cli_skeleton == "input":
        model = client.operation_model(session)
        skeleton = cli_input.render_skeleton(cli_input.input_skeleton(model.input_shape))
        output.write_guarded(lambda: sys.stdout.write(skeleton), sys.stdout)
        return 0
    api = client.create_client(session, args)
    response = client.describe_training_job(api, params)
    output_name = output.resolve_output_name(args, session)
    output.render(response, output_name, args)
    return 0
