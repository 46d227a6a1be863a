"""Regular expressions compiled on an earlier run, so that starting awsml compiles none.

A describe call imports urllib3, botocore, dateutil, http.client, email,
argparse, Click, ...; between them they compile over a hundred regular
expressions at import time, and CPython compiles a pattern in pure Python
(``re._parser``, ``re._compiler``), a large share of a describe call
(docs/benchmark.md).

What a compiled pattern is made of depends only on the pattern text, its
flags and the Python build: a list of integers for the ``_sre`` engine and
the group names. ``re`` keeps the patterns it compiled in a dictionary
(``re._cache``, keyed by ``(type(pattern), pattern, flags)``) and looks there
first. :func:`install` puts in its place a dictionary that, for a key it does
not hold yet, builds the pattern from a table (``_sre.compile``, which is what
``re.compile`` ends with) before saying "not found". Every other pattern is
compiled as usual. A pattern built from the table is the same object
``re.compile`` would return (patterns compare equal when their flags, groups
and code are equal; the tests compare entries with a fresh compile).

**Where the table comes from.** When awsml owns the process, :func:`install`
also records, for every pattern ``re`` really compiles, the arguments it hands
to ``_sre.compile``, and :func:`save` adds them to the table in the user's
cache (:mod:`awsml_cli.speedups.usercache`) when the run ends. The first run of a
Python build compiles as usual and fills the table; the next ones compile
nothing that an earlier run compiled. The table is named after the exact
Python build and records ``_sre``'s own version marks, so no other build ever
reads it; a library upgrade that changes a pattern's text is just a miss (the
key is the text itself).
"""

from __future__ import annotations

FORMAT = 2
# Enough for every command and output format several times over; a table that
# reaches it stops growing.
MAX_PATTERNS = 4096


def table_name() -> str:
    from awsml_cli.speedups.usercache import python_tag

    return f"regex-{python_tag()}.marshal"


def engine_signature() -> list:
    """The ``_sre`` engine's own version marks; a table from another engine is not used."""
    import _sre

    return [_sre.MAGIC, _sre.CODESIZE, _sre.MAXREPEAT, _sre.MAXGROUPS]


def load_table(environ=None) -> dict | None:
    """``{(type, pattern, flags): (final flags, code, groups, groupindex, indexgroup)}``,
    or None when there is none for this Python build, or it is unusable."""
    from awsml_cli.speedups import usercache

    document = usercache.load(table_name(), environ)
    if document is None:
        return None
    try:
        if document.get("format") != FORMAT or document.get("python") != usercache.python_tag():
            return None
        if document.get("engine") != engine_signature():
            return None
        return {
            (type(pattern), pattern, flags): (final_flags, code, groups, groupindex, indexgroup)
            for pattern, flags, final_flags, code, groups, groupindex, indexgroup in document["patterns"]
        }
    except (AttributeError, KeyError, TypeError, ValueError):
        usercache.notes.append(f"ignored {table_name()}: not a pattern table")
        return None


def dumps_document(entries) -> dict:
    """The stored form of table entries (``key + value`` tuples)."""
    from awsml_cli.speedups.usercache import python_tag

    return {"format": FORMAT, "python": python_tag(), "engine": engine_signature(), "patterns": list(entries)}


class PrecompiledCache(dict):
    """``re``'s pattern cache, which knows the patterns of the table without compiling them.

    Python 3.11's ``re._compile`` reads ``_cache[key]`` and compiles only on
    KeyError; 3.12 and later ``pop`` the key and put it back. Answering a
    missing key from the table in both is enough; a key outside the table is
    still "not found".
    """

    def __init__(self, existing: dict, table: dict):
        super().__init__(existing)
        self._table = table

    def _from_table(self, key):
        entry = self._table.pop(key, None)
        if entry is None:
            return None
        import _sre

        final_flags, code, groups, groupindex, indexgroup = entry
        return _sre.compile(key[1], final_flags, code, groups, groupindex, indexgroup)

    def __missing__(self, key):
        pattern = self._from_table(key)
        if pattern is None:
            raise KeyError(key)
        self[key] = pattern
        return pattern

    _absent = object()

    def pop(self, key, default=_absent):
        if not dict.__contains__(self, key):
            pattern = self._from_table(key)
            if pattern is not None:
                return pattern
        if default is self._absent:
            return super().pop(key)
        return super().pop(key, default)


_installed = False
_recorded: list = []


def install(record: bool = False) -> bool:
    """Put the stored patterns in front of ``re``'s cache (once), and with
    ``record`` note every pattern compiled from now on for :func:`save`.
    Returns whether a table was installed. Nothing happens when ``re`` does
    not keep the cache this module knows (a plain dict)."""
    global _installed
    if _installed:
        return True
    import re

    if type(getattr(re, "_cache", None)) is not dict or not hasattr(re, "_compile"):
        return False
    table = load_table()
    if table:
        re._cache = PrecompiledCache(re._cache, table)
    if record:
        _record_compiles()
    _installed = True
    return bool(table)


def _record_compiles() -> None:
    """Note the arguments of each ``_sre.compile`` that ``re`` makes for a
    pattern it will cache: exactly a table entry, at no extra cost."""
    import threading
    import types
    from re import _compiler

    real_compile, real_sre = _compiler.compile, _compiler._sre
    if getattr(real_sre, "_awsml_recording", False):
        return
    local = threading.local()
    uncached = getattr(_compiler, "SRE_FLAG_DEBUG", 128) | getattr(_compiler, "SRE_FLAG_TEMPLATE", 1)

    def compile(p, flags=0):
        outer = getattr(local, "key", None)
        local.key = (p, flags) if isinstance(p, (str, bytes)) else None
        try:
            return real_compile(p, flags)
        finally:
            local.key = outer

    def sre_compile(pattern, final_flags, code, groups, groupindex, indexgroup):
        key = getattr(local, "key", None)
        if key is not None and key[0] is pattern and not key[1] & uncached and len(_recorded) < MAX_PATTERNS:
            _recorded.append(
                (pattern, int(key[1]), int(final_flags), [int(op) for op in code], int(groups),
                 dict(groupindex), tuple(indexgroup))
            )
        return real_sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)

    proxy = types.ModuleType("_sre")
    proxy.__dict__.update(real_sre.__dict__)
    proxy.compile = sre_compile
    proxy._awsml_recording = True
    _compiler._sre = proxy
    _compiler.compile = compile


def save(environ=None) -> bool:
    """Add the patterns this run compiled to the stored table. Returns whether it wrote."""
    if not _recorded:
        return False
    from awsml_cli.speedups import usercache

    table = load_table(environ) or {}
    entries = [(key[1], key[2], *value) for key, value in table.items()]
    known = {(entry[0], entry[1]) for entry in entries}
    added = False
    for entry in _recorded:
        if (entry[0], entry[1]) not in known and len(entries) < MAX_PATTERNS:
            known.add((entry[0], entry[1]))
            entries.append(entry)
            added = True
    _recorded.clear()
    return added and usercache.store(table_name(), dumps_document(entries), environ)
