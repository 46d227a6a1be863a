"""Output renderers.

Each renderer is a small function ``render(data, stream, options)`` that writes
plain Python data (what botocore parsed, after ``--query``) to a text stream.
Renderers know nothing about Click, botocore or the environment: whatever they
need (title, colour, terminal width) comes in through :class:`RenderOptions`,
decided by the caller from the run's Environment (awsml_cli.output.terminal).

The registry maps an ``--output`` name to the module that implements it, so
that only the renderer in use is imported (start-up time matters).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, TextIO

from awsml_cli import names


@dataclass(frozen=True)
class RenderOptions:
    # Title of the table output: the operation name, as in aws v1.
    title: str = names.API_OPERATION
    # ANSI colour; aws v1 only ever colours table output.
    color: bool = False
    # Columns of the terminal (as it reports them, 0 included); None: not known, 80.
    terminal_width: int | None = None
    # Whether the stream is a terminal: the summary view lays out for people
    # there and writes plain text anywhere else.
    is_terminal: bool = False
    # Whether the stream cannot encode the summary's marks (✔ …); None: ask its encoding.
    ascii_only: bool | None = None


Renderer = Callable[[Any, TextIO, RenderOptions], None]

# The choices --output accepts on the command line (see awsml_cli.names).
CLI_CHOICES = names.OUTPUT_CHOICES

# --output name -> module under awsml_cli.output.formatters that defines render(),
# in the order of CLI_CHOICES.
_REGISTRY: dict[str, str] = dict(
    zip(CLI_CHOICES, ("json_output", "text", "table", "yaml_output", "yaml_stream", "summary"), strict=True)
)


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def is_known(name: str) -> bool:
    return name in _REGISTRY


def get_renderer(name: str) -> Renderer:
    module = importlib.import_module(f"{__name__}.{_REGISTRY[name]}")
    return module.render
