"""Two imports nobody uses in a describe call wait until they are used: botocore.docs, urllib3.http2.

How: a meta-path finder, first on sys.meta_path, that answers for a few
module names exactly once and then steps aside. Going through the import
system (rather than writing to sys.modules) keeps everything else stock:
the module lands in sys.modules and on its parent package at the usual
moment, with the usual __spec__/__path__/__file__.

Two kinds of deferred module:
* a *package* whose __init__.py runs only when someone asks the package
  for a name it does not have (PEP 562 __getattr__). Its submodules import
  as usual: the import system asks hasattr(package, sub) first, which we
  answer "no" for real submodule names without running __init__.
* a *stand-in* for a module: it carries small trampolines for the names
  an importer binds at import time, and gets any other name from the real
  module; the first use imports the real module (the finder has stepped
  aside by then), which replaces the stand-in in sys.modules and on the
  parent package.
"""

from __future__ import annotations

import os
import sys

from awsml_cli.speedups.fastdata import DOCSTRING_DEPS

# What botocore.docs.docstring imports from the documentation generator
# (fastdata.DOCSTRING_DEPS): the docstring module itself is cheap and is
# imported for real; only these names are bound to trampolines that load the
# real module when called.
_DOCSTRING_DEPS = DOCSTRING_DEPS
_STUB_MARK = "_awsml_deferred"


def defer_docs_import() -> bool:
    """Defer botocore's documentation generator. Returns whether it did.

    It does nothing when botocore.docs or botocore.client is already
    imported (too late to matter, and we never swap modules that others
    already hold). Call it only for a botocore whose docstring module imports
    no other names from these modules than the stand-ins carry
    (``fastdata.docstring_imports_only_deferred_names``).
    """
    names = ("botocore.docs", "botocore.client", *_DOCSTRING_DEPS)
    if any(name in sys.modules for name in names):
        return False
    import botocore

    docs_dir = os.path.join(os.path.dirname(botocore.__file__), "docs")
    if not os.path.isfile(os.path.join(docs_dir, "__init__.py")):
        return False
    finder = _finder()
    finder.defer_package("botocore.docs", docs_dir)
    for module_name, attrs in _DOCSTRING_DEPS.items():
        finder.stand_in(module_name, attrs)
    return True


def defer_urllib3_http2_import() -> bool:
    """Do not run ``urllib3/http2/__init__.py`` until it is used.

    urllib3 2.x imports its opt-in HTTP/2 package at start-up only for the
    ``probe`` submodule; the package's ``__init__`` imports
    ``importlib.metadata`` (and with it zipfile, shutil, bz2, lzma,
    tempfile, ...) for ``inject_into_urllib3()``, which botocore never
    calls (docs/benchmark.md has what that costs).
    Does nothing once urllib3 is imported, or for a urllib3 without it.
    """
    if "urllib3" in sys.modules or "urllib3.http2" in sys.modules:
        return False
    import importlib.util

    try:
        spec = importlib.util.find_spec("urllib3")  # finds, does not import
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    directory = os.path.join(list(spec.submodule_search_locations)[0], "http2")
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        return False
    _finder().defer_package("urllib3.http2", directory)
    return True


_FINDER = None


def _finder():
    """The one deferring finder, first on sys.meta_path."""
    global _FINDER
    if _FINDER is None:
        _FINDER = _make_finder()
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    return _FINDER


def _make_finder():
    import importlib.abc
    import importlib.machinery
    import importlib.util
    import threading

    class DeferredPackageLoader(importlib.abc.Loader):
        def __init__(self, directory):
            self.directory = directory
            self.init_py = os.path.join(directory, "__init__.py")

        def create_module(self, spec):
            return None  # a plain module object

        def exec_module(self, module):
            lock = threading.RLock()
            state = {"done": False}
            real_loader = importlib.machinery.SourceFileLoader(module.__name__, self.init_py)

            def is_submodule(attr):
                return os.path.isfile(os.path.join(self.directory, attr + ".py")) or os.path.isfile(
                    os.path.join(self.directory, attr, "__init__.py")
                )

            def package_getattr(attr):
                if attr.startswith("__") or is_submodule(attr):
                    raise AttributeError(attr)
                with lock:
                    if not state["done"]:
                        state["done"] = True
                        module.__dict__.pop("__getattr__", None)
                        module.__dict__.pop(_STUB_MARK, None)
                        # From now on the module is the real package.
                        module.__loader__ = real_loader
                        if module.__spec__ is not None:
                            module.__spec__.loader = real_loader
                        real_loader.exec_module(module)
                return getattr(module, attr)

            module.__dict__[_STUB_MARK] = True
            module.__dict__["__getattr__"] = package_getattr

    class StandInLoader(importlib.abc.Loader):
        def __init__(self, attrs):
            self.attrs = attrs

        def create_module(self, spec):
            return None

        def exec_module(self, module):
            name = module.__name__
            module.__dict__[_STUB_MARK] = True
            module.__doc__ = f"Stand-in for {name} until it is used (awsml_cli.speedups.deferred_imports)"
            for attr in self.attrs:
                setattr(module, attr, _trampoline(name, attr))

            def stand_in_getattr(attr):
                if attr.startswith("__"):
                    raise AttributeError(attr)
                return getattr(_real_module(name), attr)

            module.__dict__["__getattr__"] = stand_in_getattr

    class DeferringFinder(importlib.abc.MetaPathFinder):
        def __init__(self):
            self._specs = {}

        def defer_package(self, name, directory):
            loader = DeferredPackageLoader(directory)
            self._specs[name] = lambda: importlib.util.spec_from_file_location(
                name, loader.init_py, loader=loader, submodule_search_locations=[directory]
            )

        def stand_in(self, name, attrs):
            self._specs[name] = lambda: importlib.machinery.ModuleSpec(name, StandInLoader(attrs))

        def find_spec(self, fullname, path=None, target=None):
            make = self._specs.pop(fullname, None)  # once: later imports are stock
            if make is None:
                return None
            if not self._specs and self in sys.meta_path:
                sys.meta_path.remove(self)
            return make()

    return DeferringFinder()


def _real_module(module_name: str):
    """The real module behind a stand-in, importing it on first use."""
    import importlib

    module = sys.modules.get(module_name)
    if module is None or module.__dict__.get(_STUB_MARK, False):
        sys.modules.pop(module_name, None)
        module = importlib.import_module(module_name)
    return module


def _trampoline(module_name: str, attr: str):
    def trampoline(*args, **kwargs):
        return getattr(_real_module(module_name), attr)(*args, **kwargs)

    trampoline.__name__ = trampoline.__qualname__ = attr
    return trampoline
