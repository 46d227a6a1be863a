"""Everything awsml does only to start faster, behind one switch.

The rest of awsml calls these functions (and :func:`botocore_fast.make_session`
for the session); with ``AWSML_SPEEDUPS=off`` each of them does nothing, or
the stock thing, and awsml prints the same bytes, only later. What each
speed-up is worth, and why it is safe, is in docs/benchmark.md.

This module stays small and imports nothing heavy: it is on every path.
"""

from __future__ import annotations

import gc
import os


def enabled() -> bool:
    """False when ``AWSML_SPEEDUPS=off``: no cache, no trimmed data, no deferred
    imports, no collector pause, no stored patterns."""
    return os.environ.get("AWSML_SPEEDUPS", "on") != "off"


_paused = False


def process_start() -> None:
    """awsml owns the process: pause the garbage collector until start-up is over."""
    global _paused
    if gc.isenabled() and enabled():
        gc.disable()
        _paused = True


def use_compiled_patterns() -> None:
    """Serve ``re`` the patterns earlier runs compiled, and note the ones this run compiles."""
    if enabled():
        from awsml_cli.speedups.regex_table import install

        install(record=True)


def startup_over() -> None:
    """The client exists: collect as usual from here on, leaving out what start-up made."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def process_end() -> None:
    """Keep the patterns this run compiled for the next run."""
    from awsml_cli.speedups.regex_table import save

    save()
