"""The SageMaker model the oracle reads: the same one awsml reads.

awsml reads the SageMaker model of the botocore it runs on; aws v1 (1.46 and later)
carries its own copy of botocore, with its own copy of the model. Where the two differ
(a newer botocore knows response members and operations that aws's copy does not yet),
the difference is one of model versions, not of behaviour, and the README says what a
user sees. So that the comparisons compare behaviour, every aws run gets the installed
botocore's model through ``AWS_DATA_PATH``, aws's own way of reading a user's model,
after any data path the test sets itself. Nothing is given when the two models are
equal, or when the test's HOME holds a user model in ``~/.aws/models`` (aws reads
``AWS_DATA_PATH`` first, so the test's own model would lose).

The model is written once per test process, from the installed botocore, into a
temporary folder: nothing outside the repository and the installed packages is read.
"""

from __future__ import annotations

import atexit
import gzip
import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path

SERVICE = "sagemaker"

_ALIGNED: list = []  # [path or None], computed once per process


def _load(path: Path):
    for candidate in (path.with_name(path.name + ".json"), path.with_name(path.name + ".json.gz")):
        if candidate.is_file():
            raw = candidate.read_bytes()
            return json.loads(gzip.decompress(raw) if candidate.suffix == ".gz" else raw)
    return None


def _latest_model(data_dir: Path) -> tuple[str, dict] | None:
    service_dir = data_dir / SERVICE
    for api_version in sorted((p.name for p in service_dir.iterdir() if p.is_dir()), reverse=True):
        model = _load(service_dir / api_version / "service-2")
        if model is not None:
            return api_version, model
    return None


def aws_botocore_data() -> Path | None:
    """The data folder of the botocore inside the installed awscli (found, not imported:
    importing awscli would make ``import botocore`` in this process load aws's copy)."""
    spec = importlib.util.find_spec("awscli")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "botocore" / "data"
    return path if path.is_dir() else None


def installed_botocore_data() -> Path:
    """The installed botocore's data folder, searched on sys.path directly (an imported
    awscli answers ``import botocore`` with its own copy)."""
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("botocore")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def models_differ() -> bool:
    aws_data = aws_botocore_data()
    if aws_data is None:  # an awscli that uses the installed botocore: one model
        return False
    return _latest_model(aws_data) != _latest_model(installed_botocore_data())


def aligned_data_path() -> str | None:
    """A data folder holding the installed botocore's SageMaker model, when aws's differs."""
    if not _ALIGNED:
        path = None
        if models_differ():
            api_version, model = _latest_model(installed_botocore_data())
            path = tempfile.mkdtemp(prefix="awsml-oracle-model-")
            atexit.register(shutil.rmtree, path, True)
            target = Path(path) / SERVICE / api_version
            target.mkdir(parents=True)
            (target / "service-2.json").write_text(json.dumps(model), encoding="utf-8")
        _ALIGNED.append(path)
    return _ALIGNED[0]


def for_aws(env: dict) -> dict:
    """``env`` for an aws run, with the installed botocore's model where it is needed."""
    path = aligned_data_path()
    if path is None:
        return env
    home = env.get("HOME")
    if home and os.path.exists(os.path.join(home, ".aws", "models")):
        return env
    existing = env.get("AWS_DATA_PATH")
    return {**env, "AWS_DATA_PATH": path if not existing else existing + os.pathsep + path}
