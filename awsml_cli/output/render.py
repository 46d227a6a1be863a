"""From a parsed response to bytes on stdout: ``--query``, then the chosen renderer."""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from awsml_cli.output import formatters
from awsml_cli.runtime import interrupts
from awsml_cli.errors import AwsmlError, StdoutClosed
from awsml_cli.cli.globalargs import GlobalArgs


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


def use_color(setting: str, stream: TextIO) -> bool:
    if setting == "on":
        return True
    if setting == "off":
        return False
    # auto: colour only for a terminal, and never when NO_COLOR is set (no-color.org).
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return os.isatty(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return False


def is_terminal(stream: TextIO) -> bool:
    try:
        return os.isatty(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return False


def apply_query(data: Any, args: GlobalArgs) -> Any:
    if args.query is None:
        return data
    return args.query.search(data)


# Set once table colour is switched on: aws v1 (colorama) then ends a terminal
# session with one more reset, whatever happens next.
_color_used_on: TextIO | None = None


def render(data: Any, output_name: str, args: GlobalArgs, stream: TextIO | None = None) -> None:
    global _color_used_on
    stream = stream or sys.stdout
    color = output_name == "table" and use_color(args.color, stream)
    if color:
        # aws v1 switches colour on (for stdout and stderr) as it sets up the
        # table, before --query runs: a failing query is already coloured.
        _color_used_on = stream
    data = apply_query(data, args)
    options = formatters.RenderOptions(color=color)
    if output_name == "summary":
        # The view for people colours itself (without aws v1's colorama resets).
        options = formatters.RenderOptions(color=use_color(args.color, stream), is_terminal=is_terminal(stream))
    renderer = formatters.get_renderer(output_name)
    write_guarded(lambda: renderer(data, stream, options), stream)


def color_active() -> bool:
    """Whether table colour is on, so that aws v1 would end every write with a reset."""
    return _color_used_on is not None


def write_guarded(write, stream: TextIO) -> None:
    """Run ``write`` and flush; a reader that went away is not an error."""
    # A Ctrl-C that Python dropped during the lazy imports must not let output through.
    interrupts.checkpoint()
    try:
        write()
        stream.flush()
    except BrokenPipeError as exc:
        raise StdoutClosed() from exc


def finish() -> None:
    """At exit: the final colour reset aws v1 writes to a terminal (never to a pipe).

    Also the end of this run's colour state: a later run in the same process
    (CliRunner, an embedding program) starts uncoloured, as a new aws process does.
    """
    global _color_used_on
    stream, _color_used_on = _color_used_on, None
    if stream is None:
        return
    try:
        if os.isatty(stream.fileno()):
            from awsml_cli.output.formatters.errors import COLOR_RESET

            stream.write(COLOR_RESET)
            stream.flush()
    except (AttributeError, OSError, ValueError):
        pass
