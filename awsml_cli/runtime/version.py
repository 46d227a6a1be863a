"""The --version line, in aws v1's shape with awsml's name and version."""

from __future__ import annotations

import os
import platform


def botocore_version() -> str:
    # botocore/__init__ is small; the heavy modules are not imported by this.
    import botocore

    return botocore.__version__


def version_string() -> str:
    from awsml_cli import __version__

    parts = [
        f"awsml/{__version__}",
        f"Python/{platform.python_version()}",
        f"{platform.system()}/{platform.release()}",
    ]
    # aws v1 names the execution environment (Lambda, CodeBuild, …) when one is set.
    exec_env = os.environ.get("AWS_EXECUTION_ENV")
    if exec_env:
        parts.append(f"exec-env/{exec_env}")
    parts.append(f"botocore/{botocore_version()}")
    return " ".join(parts)


def write_version(env) -> int:
    """``awsml --version``: the line on stdout, exit status 0 (a closed stdout is no error)."""
    from awsml_cli.errors import ExitCode, write_quietly

    write_quietly(env.stdout, version_string() + "\n")
    return ExitCode.OK
