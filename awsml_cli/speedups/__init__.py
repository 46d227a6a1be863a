"""The garbage collector during start-up: paused, then on again over the objects made since.

Starting awsml creates about a million objects (modules, classes, functions,
botocore's handler tables) and next to no garbage, and CPython's cyclic
collector keeps walking that growing heap while it is built: about 5% of a
describe call's instructions. When awsml owns the process (the console script,
``python -m awsml_cli``), the collector is paused from the start, and
:func:`over` turns it back on once the client exists (``--wait`` then polls
for hours with the collector working as usual), first freezing what start-up
made so that later collections do not walk it again. Collecting later changes
when memory is freed, never what awsml does or prints.
"""

from __future__ import annotations

import gc
import os


def speedups_enabled() -> bool:
    """False when ``AWSML_SPEEDUPS=off``: no cache, no trimmed data, no deferred
    imports, no collector pause (to measure what they are worth, or to rule them
    out when something looks wrong). What awsml prints is the same either way."""
    return os.environ.get("AWSML_SPEEDUPS", "on") != "off"

_paused = False


def pause_collector() -> None:
    global _paused
    if gc.isenabled() and speedups_enabled():
        gc.disable()
        _paused = True


def over() -> None:
    """Start-up is over: collect as usual from here on, leaving out what start-up made."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
