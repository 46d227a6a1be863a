"""From a parsed response to bytes on stdout: ``--query``, then the chosen renderer."""

from __future__ import annotations

from typing import Any, TextIO

from awsml_cli.cli.globalargs import GlobalArgs
from awsml_cli.errors import AwsmlError, StdoutClosed
from awsml_cli.output import formatters
from awsml_cli.runtime import interrupts


def resolve_output_name(args: GlobalArgs, session) -> str:
    """--output, else AWS_DEFAULT_OUTPUT, else the profile's ``output``, else json.

    aws v1 resolves this only after the call returned, so a bad value in the
    environment or config fails after the request was sent; awsml does the same.
    """
    name = args.output
    if name is None:
        name = session.get_config_variable("output") if session is not None else "json"
    # Not always a string: ``--output=--`` makes it an empty list (see argv.passthrough_values).
    if not isinstance(name, str) or not formatters.is_known(name):
        raise AwsmlError(f"Unknown output type: {name}")
    return name


def apply_query(data: Any, args: GlobalArgs) -> Any:
    if args.query is None:
        return data
    return args.query.search(data)


def render(data: Any, output_name: str, args: GlobalArgs, env) -> None:
    """Write ``data`` to ``env.stdout`` as ``output_name``; ``env``: the run's Environment."""
    stream = env.stdout
    color = output_name == "table" and env.wants_color(args.color, stream)
    if color:
        # aws v1 switches colour on (for stdout and stderr) as it sets up the
        # table, before --query runs: a failing query is already coloured.
        env.table_color_stream = stream
    data = apply_query(data, args)
    if output_name == "table":
        options = formatters.RenderOptions(color=color, terminal_width=env.width(stream))
    elif output_name == "summary":
        from awsml_cli.output.formatters.summary import MARKS

        # The view for people colours itself (without aws v1's colorama resets).
        options = formatters.RenderOptions(
            color=env.wants_color(args.color, stream),
            is_terminal=env.is_terminal(stream),
            terminal_width=env.width(stream),
            ascii_only=not env.can_encode(stream, MARKS),
        )
    else:
        options = formatters.RenderOptions()
    renderer = formatters.get_renderer(output_name)
    write_guarded(lambda: renderer(data, stream, options), stream)


def write_guarded(write, stream: TextIO) -> None:
    """Run ``write`` and flush; a reader that went away is not an error."""
    # A Ctrl-C that Python dropped during the lazy imports must not let output through.
    interrupts.checkpoint()
    try:
        write()
        stream.flush()
    except BrokenPipeError as exc:
        raise StdoutClosed() from exc


def finish(env) -> None:
    """At exit, once table colour is on: the final reset aws v1 writes to a terminal (never to a pipe)."""
    stream = env.table_color_stream
    if stream is None or not env.is_terminal(stream):
        return
    from awsml_cli.output.formatters.errors import COLOR_RESET

    try:
        stream.write(COLOR_RESET)
        stream.flush()
    except (AttributeError, OSError, ValueError):
        pass
