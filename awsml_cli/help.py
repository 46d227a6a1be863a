"""Help pages (``help`` at any level)."""

from __future__ import annotations

import click


def show_help(ctx: click.Context) -> int:
    click.echo(ctx.get_help())
    return 0
