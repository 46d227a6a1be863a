"""Running awsml in the test process, with the same clean environment a subprocess would get.

Property tests run awsml hundreds of times; a subprocess per run would cost
a Python start-up each.  :func:`run_main` calls ``awsml_cli.app.main``
directly instead, with ``os.environ`` replaced by an environment built by
:func:`tests.helpers.clean_env`, the working directory set, and stdout/stderr
captured as bytes through text streams configured like a real process's
(UTF-8; stdout strict, stderr backslashreplace).

Each awsml run creates a new botocore session, which would parse the 2 MB
SageMaker model again; the runs here share one botocore data loader per data
path instead (the loader only caches files it read, so behaviour is the same).
"""

from __future__ import annotations

import io
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import Result


_LOADERS: dict = {}


def shared_loader(search_path_string=None):
    """botocore.session.create_loader, with one loader per data path for the whole process."""
    import botocore.loaders

    if search_path_string not in _LOADERS:
        _LOADERS[search_path_string] = botocore.loaders.create_loader(search_path_string)
    return _LOADERS[search_path_string]


@contextmanager
def _shared_botocore_loaders():
    # Only for the length of a run: a test that builds its own botocore session
    # must get a loader of its own, as in a real process.
    import botocore.session

    saved = botocore.session.create_loader
    botocore.session.create_loader = shared_loader
    try:
        yield
    finally:
        botocore.session.create_loader = saved


@contextmanager
def _environment(env: dict, cwd: Path | None):
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    os.environ.clear()
    os.environ.update(env)
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)


def run_main(args: list[str], env: dict, cwd: Path | None = None) -> Result:
    """awsml's exit code, stdout and stderr for ``args``, run in this process.

    Anything that escapes ``main`` (it should never happen) propagates to the test.
    """
    from awsml_cli.app import main

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", write_through=True)
    saved = sys.stdout, sys.stderr
    with _shared_botocore_loaders(), _environment(env, cwd):
        sys.stdout, sys.stderr = stdout, stderr
        try:
            code = main(list(args))
        finally:
            sys.stdout, sys.stderr = saved
    return Result(int(code), stdout.buffer.getvalue(), stderr.buffer.getvalue())
