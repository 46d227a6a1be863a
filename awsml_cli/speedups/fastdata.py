"""The data the fast session serves, derived from the installed botocore and cached per user.

What is derived (all of it from botocore's own data folder and code, never
from AWS_DATA_PATH or ~/.aws/models, which the loader checks at run time):

* the SageMaker model as botocore's loader returns it (its own extras merged),
  cut down to DescribeTrainingJob, the shapes it reaches and every exception
  shape (so ``client.exceptions`` and the class of a raised error are stock);
  every other top-level key, and the order of the kept shapes, as they are;
* the names of all SageMaker operations (aws v1 lists them when the
  operation word is wrong);
* endpoints.json with every partition intact but ``services`` holding only
  SageMaker's endpoint prefix;
* botocore's own event-name aliasing of the event names of its builtin
  handlers (the session pre-fills its alias cache with it);
* whether botocore's docstring module imports from its documentation
  generator only the names the import deferral stands in for.

The first run on a botocore (or after any change to the files it was derived
from) derives the data while it starts, as cheaply as the stock start would
read the same files, and stores it with :mod:`awsml_cli.speedups.usercache`; later runs
read one small file. A stored entry is used only when everything it was
derived from is unchanged: botocore's location, the size and modification
time of every source file (botocore's ``__init__``, the SageMaker data folder,
endpoints.json, the handler and docstring modules), awsml's version and this
module's format.
"""

from __future__ import annotations

import os
import sys
import zlib

from awsml_cli import names

SERVICE_NAME = names.SERVICE
OPERATION_NAME = names.API_OPERATION
SERVICE_MODEL_NAME = "service-2"

# Bump when what is derived, or how it is stored, changes meaning.
FORMAT = 2

# What botocore.docs.docstring imports from the documentation generator; the
# import deferral (deferred_imports) stands in for exactly these names.
DOCSTRING_DEPS = {
    "botocore.docs.bcdoc.restdoc": ("DocumentStructure",),
    "botocore.docs.method": ("document_model_driven_method",),
    "botocore.docs.paginator": ("document_paginate_method",),
    "botocore.docs.waiter": ("document_wait_method",),
}


class FastData:
    """The derived data for one botocore install (see the module docstring)."""

    def __init__(self, payload: dict):
        self._payload = payload
        self.api_version: str = payload["api_version"]
        self.endpoint_prefix: str = payload["endpoint_prefix"]
        self.defer_docs: bool = payload["defer_docs"]
        self.event_aliases: dict = payload["event_aliases"]

    # The model and the endpoint data are kept marshalled and handed out as
    # fresh copies: botocore's resolver writes into the endpoint entries it
    # resolves, and each session must start from the data as loaded.
    def service_model(self) -> dict:
        import marshal

        return marshal.loads(self._payload["service_model"])

    def endpoints(self) -> dict:
        import marshal

        return marshal.loads(self._payload["endpoints"])

    def operation_names(self) -> list:
        return list(self._payload["operation_names"])


# --------------------------------------------------------------------------
# Finding the data for the installed botocore
# --------------------------------------------------------------------------

# Derived or loaded data, per cache file name (one botocore, one Python), for
# the life of the process: a process never sees its botocore change.
_KNOWN: dict = {}


def for_installed_botocore(environ=None) -> FastData | None:
    """The data for the installed botocore: from the user's cache, else derived
    now (and stored); None only when botocore's files cannot be found or read."""
    root = botocore_root()
    if root is None:
        return None
    name = cache_name(root)
    if name not in _KNOWN:
        _KNOWN[name] = _load_or_derive(name, root, environ)
    return _KNOWN[name]


def _load_or_derive(name: str, root: str, environ) -> FastData | None:
    from awsml_cli.speedups import usercache

    source = sources(root)
    if source is None:
        return None
    payload = usercache.load(name, environ)
    if isinstance(payload, dict) and payload.get("key") == source:
        return FastData(payload)
    if payload is not None:
        usercache.notes.append(f"{name}: made for other botocore files; derived again")
    payload = derive()
    payload["key"] = source
    usercache.store(name, payload, environ)
    return FastData(payload)


def botocore_root() -> str | None:
    """botocore's package folder, found without importing botocore."""
    module = sys.modules.get("botocore")
    if module is not None and getattr(module, "__file__", None):
        return os.path.dirname(os.path.abspath(module.__file__))
    from importlib.machinery import PathFinder

    try:
        spec = PathFinder.find_spec("botocore")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    return os.path.dirname(os.path.abspath(spec.origin))


def cache_name(root: str) -> str:
    """One file per botocore location and Python build."""
    from awsml_cli.speedups.usercache import python_tag

    return f"botocore-{zlib.crc32(root.encode('utf-8', 'surrogateescape')):08x}-{python_tag()}.marshal"


def sources(root: str) -> dict | None:
    """What the data is derived from, as (size, mtime) per file: equal only
    when nothing that could change the data has changed."""
    from awsml_cli import __version__

    names = ["__init__.py", "handlers.py", "hooks.py", os.path.join("docs", "docstring.py"),
             os.path.join("data", "endpoints.json")]
    service_dir = os.path.join("data", SERVICE_NAME)
    try:
        for api_version in sorted(os.listdir(os.path.join(root, service_dir))):
            folder = os.path.join(service_dir, api_version)
            names.extend(os.path.join(folder, file) for file in sorted(os.listdir(os.path.join(root, folder))))
        files = {}
        for name in names:
            status = os.stat(os.path.join(root, name))
            files[name] = (status.st_size, status.st_mtime_ns)
    except OSError:
        return None
    return {"format": FORMAT, "awsml": __version__, "root": root, "files": files}


# --------------------------------------------------------------------------
# Deriving the data
# --------------------------------------------------------------------------


def derive() -> dict:
    """The payload for the installed botocore (the ``key`` is added by the caller)."""
    import marshal

    from botocore.loaders import Loader

    loader = Loader(extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False)
    api_version = loader.determine_latest_version(SERVICE_NAME, SERVICE_MODEL_NAME)
    model = loader.load_service_model(SERVICE_NAME, SERVICE_MODEL_NAME, api_version)
    endpoint_prefix = model["metadata"].get("endpointPrefix", SERVICE_NAME)
    endpoints = loader.load_data("endpoints")
    return {
        "api_version": api_version,
        "endpoint_prefix": endpoint_prefix,
        "service_model": marshal.dumps(plain(trim_service_model(model, OPERATION_NAME))),
        "operation_names": list(model["operations"]),
        "endpoints": marshal.dumps(plain(trim_endpoints(endpoints, endpoint_prefix))),
        "event_aliases": event_aliases(),
        "defer_docs": docstring_imports_only_deferred_names(),
    }


def plain(node):
    """JSON data with every mapping a plain dict (marshal knows no OrderedDict)."""
    if isinstance(node, dict):
        return {key: plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(value) for value in node]
    return node


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


def shapes_needed(model: dict, operation: str) -> set:
    """The operation's shapes and every exception shape, closed over references."""
    shapes = model["shapes"]
    todo: list = []
    _shape_refs(model["operations"][operation], todo)
    todo.extend(name for name, shape in shapes.items() if shape.get("exception"))
    seen: set = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        _shape_refs(shapes[name], todo)
    return seen


def trim_service_model(model: dict, operation: str) -> dict:
    keep = shapes_needed(model, operation)
    trimmed = {}
    for key, value in model.items():
        if key == "operations":
            trimmed[key] = {operation: value[operation]}
        elif key == "shapes":
            trimmed[key] = {name: shape for name, shape in value.items() if name in keep}
        else:
            trimmed[key] = value
    return trimmed


def trim_endpoints(endpoints: dict, endpoint_prefix: str) -> dict:
    trimmed = {}
    for key, value in endpoints.items():
        if key != "partitions":
            trimmed[key] = value
            continue
        partitions = []
        for partition in value:
            copy = dict(partition)
            copy["services"] = {
                name: service for name, service in partition.get("services", {}).items() if name == endpoint_prefix
            }
            partitions.append(copy)
        trimmed[key] = partitions
    return trimmed


def event_aliases() -> dict:
    """botocore's EventAliaser's answer for the event name of each builtin handler."""
    from botocore import handlers, hooks

    aliaser = hooks.EventAliaser(hooks.HierarchicalEmitter())
    table: dict = {}
    for spec in handlers.BUILTIN_HANDLERS:
        if spec[0] not in table:
            table[spec[0]] = aliaser._alias_event_name(spec[0])
    return table


def docstring_imports_only_deferred_names() -> bool:
    """Whether botocore.docs.docstring imports, from the modules the deferral
    replaces, only the names it stands in for (else: no deferral)."""
    import ast

    import botocore

    path = os.path.join(os.path.dirname(botocore.__file__), "docs", "docstring.py")
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in DOCSTRING_DEPS:
            if not {alias.name for alias in node.names} <= set(DOCSTRING_DEPS[node.module]):
                return False
        elif isinstance(node, ast.Import) and any(alias.name in DOCSTRING_DEPS for alias in node.names):
            return False
    return True


# --------------------------------------------------------------------------
# What --debug says about the cache
# --------------------------------------------------------------------------


def cache_report(environ=None) -> list[str]:
    """Lines for the debug log: the state of this botocore's entry, whether the
    cache can be written, and anything that went wrong with it in this run."""
    from awsml_cli.speedups import usercache

    lines = []
    root = botocore_root()
    name = cache_name(root) if root is not None else None
    path = usercache.path_for(name, environ) if name is not None else None
    if path is None:
        lines.append("no home directory or no botocore: the cache is not used")
    else:
        payload = usercache.load(name, environ)
        if payload is None:
            state = "nothing usable stored yet"
        elif isinstance(payload, dict) and payload.get("key") == sources(root):
            state = "valid for the installed botocore"
        else:
            state = "made for other botocore files"
        lines.append(f"{path}: {state}")
        folder = os.path.dirname(path)
        existing = folder
        while not os.path.exists(existing) and os.path.dirname(existing) != existing:
            existing = os.path.dirname(existing)
        if not (os.path.isdir(existing) and os.access(existing, os.W_OK)):
            lines.append(f"{folder} cannot be written: every run derives the data again")
    lines.extend(usercache.notes)
    return [f"awsml cache: {line}" for line in lines]
