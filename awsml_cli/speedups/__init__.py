"""Everything awsml does only to start faster, behind one switch.

The rest of awsml calls the functions here, and nothing else of this package
(but the :class:`records.Record` base class); with ``AWSML_SPEEDUPS=off`` each
of them does nothing or answers "not available", the caller does the stock
thing, and awsml prints the same bytes, only later. What each speed-up is
worth, and why it is safe, is in docs/benchmark.md.

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


def make_session(session_vars: dict, *, trim: bool):
    """aws v1's botocore session, started with less work (see fast_session); None when off."""
    if not enabled():
        return None
    from awsml_cli.speedups.fast_session import make_session as fast

    return fast(None, session_vars, trim=trim)


def service_model(data_path: str | None) -> dict | None:
    """The SageMaker model a session would load, read without one; None when only a session can tell."""
    if not enabled():
        return None
    from awsml_cli.speedups.fast_session import service_model_without_session

    return service_model_without_session(data_path)


def operation_names(session) -> list[str] | None:
    """Every SageMaker operation name, as the session's loader sees the model; None when off."""
    if not enabled():
        return None
    from awsml_cli.speedups.fast_session import sagemaker_operation_names

    return sagemaker_operation_names(session)


def cache_report() -> list[str]:
    """What --debug says about the user's cache."""
    if not enabled():
        return []
    from awsml_cli.speedups.fastdata import cache_report as report

    return report()
