#!/usr/bin/env python
"""Make (or check) the trimmed botocore data awsml_cli.botocore_fast serves.

For the *installed* botocore it writes ``awsml_cli/data/botocore-<version>.*``
(flat files, since pyproject's package-data rule is ``data/*``):

* ``service-2.json``  SageMaker's service model as botocore's Loader returns
  it (builtin sdk-extras merged), reduced to DescribeTrainingJob, the shapes
  it reaches, and every exception shape with the shapes those reach. All
  other top-level keys (metadata, documentation, version) are kept as-is,
  and kept shapes stay in the original order.
* ``endpoints.json``  endpoints.json with every partition intact except
  that ``services`` only holds SageMaker's endpoint prefix.
* ``operations.json`` the names of *all* SageMaker operations, in model
  order (aws v1 lists them when an operation word is wrong; this saves
  loading the full model for that).
* ``event-aliases.json`` botocore's own event-name aliasing for the event
  names of its builtin handlers (a cache the session pre-fills).
* ``manifest.json``   what the files were made from: botocore version, API
  version, endpoint prefix, and size + sha256 of each source file (data
  files, and handlers.py/hooks.py for the alias table). The runtime checks
  version and sizes; the drift test checks everything.

Only botocore's own data folder is read (never AWS_DATA_PATH or
~/.aws/models), so the output depends on the botocore install alone, and
the output is byte-for-byte deterministic.

Usage::

    .venv/bin/python scripts/gen_trimmed_model.py          # write
    .venv/bin/python scripts/gen_trimmed_model.py --check  # exit 1 on drift
    .venv/bin/python scripts/gen_trimmed_model.py --prune  # also delete the
                                                           # other versions' files
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections import OrderedDict

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from awsml_cli import botocore_fast as bf  # noqa: E402


def _builtin_loader():
    from botocore.loaders import Loader

    return Loader(
        extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False
    )


def _source_file(loader, name: str) -> str:
    """The builtin file (with its extension) that load_data(name) reads."""
    from botocore.loaders import Loader

    _, path = loader.load_data_with_path(name)
    for ext in (".json", ".json.gz"):  # JSONFileLoader's order
        if os.path.isfile(path + ext):
            return os.path.relpath(path + ext, Loader.BUILTIN_DATA_PATH)
    raise FileNotFoundError(name)


def _describe_file(relpath: str) -> dict:
    from botocore.loaders import Loader

    with open(os.path.join(Loader.BUILTIN_DATA_PATH, relpath), "rb") as fp:
        raw = fp.read()
    return {"size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}


def _shape_refs(node, out: list) -> None:
    """Every ``{"shape": name}`` reference anywhere below ``node``."""
    if isinstance(node, dict):
        ref = node.get("shape")
        if isinstance(ref, str):
            out.append(ref)
        for value in node.values():
            _shape_refs(value, out)
    elif isinstance(node, list):
        for value in node:
            _shape_refs(value, out)


def shapes_needed(model: dict, operation: str) -> set[str]:
    """The operation's shapes and every exception shape, closed over references."""
    shapes = model["shapes"]
    todo: list[str] = []
    _shape_refs(model["operations"][operation], todo)
    todo.extend(name for name, shape in shapes.items() if shape.get("exception"))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        _shape_refs(shapes[name], todo)
    return seen


def trim_service_model(model: dict, operation: str) -> OrderedDict:
    keep = shapes_needed(model, operation)
    trimmed = OrderedDict()
    for key, value in model.items():
        if key == "operations":
            trimmed[key] = OrderedDict([(operation, value[operation])])
        elif key == "shapes":
            trimmed[key] = OrderedDict((n, s) for n, s in value.items() if n in keep)
        else:
            trimmed[key] = value
    return trimmed


def trim_endpoints(endpoints: dict, endpoint_prefix: str) -> OrderedDict:
    trimmed = OrderedDict()
    for key, value in endpoints.items():
        if key != "partitions":
            trimmed[key] = value
            continue
        partitions = []
        for partition in value:
            copy = OrderedDict()
            for pkey, pvalue in partition.items():
                if pkey == "services":
                    pvalue = OrderedDict(
                        (name, svc) for name, svc in pvalue.items() if name == endpoint_prefix
                    )
                copy[pkey] = pvalue
            partitions.append(copy)
        trimmed[key] = partitions
    return trimmed


def event_aliases() -> OrderedDict:
    """What botocore's EventAliaser answers for the event name of each
    builtin handler, in registration order (FastSession pre-fills its cache
    with this)."""
    from botocore import handlers, hooks

    aliaser = hooks.EventAliaser(hooks.HierarchicalEmitter())
    table = OrderedDict()
    for spec in handlers.BUILTIN_HANDLERS:
        table.setdefault(spec[0], aliaser._alias_event_name(spec[0]))
    return table


def _dump(obj) -> bytes:
    # indent=1 keeps diffs of the committed files reviewable; parsing cost
    # of the whitespace is negligible at this size.
    return (json.dumps(obj, indent=1, ensure_ascii=True) + "\n").encode("ascii")


def build() -> dict[str, bytes]:
    """{file name after the version prefix: bytes} for the installed botocore."""
    import botocore

    loader = _builtin_loader()
    service, op = bf.SERVICE_NAME, bf.OPERATION_NAME
    api_version = loader.determine_latest_version(service, bf.SERVICE_MODEL_NAME)
    model = loader.load_service_model(service, bf.SERVICE_MODEL_NAME, api_version)
    endpoint_prefix = model["metadata"].get("endpointPrefix", service)

    sources = OrderedDict()
    model_name = f"{service}/{api_version}/{bf.SERVICE_MODEL_NAME}"
    sources[_source_file(loader, model_name)] = None
    # botocore's own extras are merged into the trimmed model, so they are
    # sources too (a change to them must invalidate the files).
    for extras_type in loader.extras_types:
        extras_name = f"{model_name}.{extras_type}-extras"
        try:
            sources[_source_file(loader, extras_name)] = None
        except Exception:  # noqa: BLE001 - DataNotFoundError/FileNotFoundError: none
            pass
    sources[_source_file(loader, bf.ENDPOINTS_NAME)] = None
    for relpath in sources:
        sources[relpath] = _describe_file(relpath)

    # Code the event-alias table is computed from (see FastSession).
    code = OrderedDict()
    package_dir = os.path.dirname(botocore.__file__)
    for relpath in ("handlers.py", "hooks.py"):
        with open(os.path.join(package_dir, relpath), "rb") as fp:
            raw = fp.read()
        code[relpath] = {"size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}

    trimmed_model = trim_service_model(model, op)
    trimmed_endpoints = trim_endpoints(loader.load_data(bf.ENDPOINTS_NAME), endpoint_prefix)
    manifest = OrderedDict(
        format=bf.FORMAT,
        botocore_version=botocore.__version__,
        service=service,
        operation=op,
        api_version=api_version,
        endpoint_prefix=endpoint_prefix,
        shapes_kept=len(trimmed_model["shapes"]),
        shapes_total=len(model["shapes"]),
        sources=sources,
        code=code,
        generator="scripts/gen_trimmed_model.py",
    )
    return {
        f"{bf.SERVICE_MODEL_NAME}.json": _dump(trimmed_model),
        f"{bf.OPERATIONS_NAME}.json": _dump(list(model["operations"])),
        f"{bf.EVENT_ALIASES_NAME}.json": _dump(event_aliases()),
        f"{bf.ENDPOINTS_NAME}.json": _dump(trimmed_endpoints),
        bf.MANIFEST_NAME: _dump(manifest),
    }


def _prefix(root: str, version: str) -> str:
    return os.path.join(root, os.path.basename(bf.data_prefix_for(version)))


def check(root: str = bf.DATA_ROOT) -> list[str]:
    """Problems with the committed files for the installed botocore."""
    import botocore

    files = build()
    prefix = _prefix(root, botocore.__version__)
    problems = []
    for name, data in files.items():
        path = prefix + name
        try:
            with open(path, "rb") as fp:
                on_disk = fp.read()
        except OSError as exc:
            problems.append(f"{path}: {exc}; run scripts/gen_trimmed_model.py")
            continue
        if on_disk != data:
            problems.append(f"{path} differs from what the installed botocore gives")
    base = os.path.basename(prefix)
    extra = sorted(
        n for n in os.listdir(root) if n.startswith(base) and n[len(base):] not in files
    ) if os.path.isdir(root) else []
    if extra:
        problems.append(f"unexpected files for this botocore in {root}: {extra}")
    return problems


def write(root: str = bf.DATA_ROOT, prune: bool = False) -> list[str]:
    import botocore

    files = build()
    prefix = _prefix(root, botocore.__version__)
    os.makedirs(root, exist_ok=True)
    written = []
    for name, data in files.items():
        tmp = f"{prefix}{name}.tmp"
        with open(tmp, "wb") as fp:
            fp.write(data)
        os.replace(tmp, prefix + name)
        written.append(prefix + name)
    if prune:
        base = os.path.basename(prefix)
        for other in os.listdir(root):
            if other.startswith("botocore-") and not other.startswith(base):
                os.remove(os.path.join(root, other))
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    ap.add_argument("--prune", action="store_true", help="delete the files of other botocore versions")
    ap.add_argument("--root", default=bf.DATA_ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.check:
        problems = check(args.root)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print("trimmed data matches the installed botocore")
        return 1 if problems else 0
    for path in write(args.root, prune=args.prune):
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
