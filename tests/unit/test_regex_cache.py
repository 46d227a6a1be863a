"""The table of compiled regular expressions: filled by one run, used by the next, equal to re.compile.

The table lives in the user's cache (``~/.cache/awsml/regex-<python>.marshal``), is
written by awsml itself when it owns the process, and is only ever read by the Python
build that wrote it (see awsml_cli/speedups/regex_table.py). Every run here has its own HOME.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from re import _compiler

import pytest

from awsml_cli.speedups import regex_table as regex_cache, usercache
from tests.support.compiled_patterns import compiled_form
from tests import helpers

REPO = Path(__file__).resolve().parents[2]

# Runs a command line in a fresh interpreter as the awsml program, and reports every
# pattern re had to compile (and whether a stored table was installed).
_MISS_RECORDER = """\
import json, sys
from re import _compiler
misses = []
compile_for_real = _compiler.compile
def recording(pattern, flags=0):
    if isinstance(pattern, (str, bytes)):
        misses.append([repr(pattern), int(flags)])
    return compile_for_real(pattern, flags)
_compiler.compile = recording
import awsml_cli.speedups.regex_table as regex_cache
import atexit
atexit.register(lambda: print(json.dumps({"installed": regex_cache._installed, "misses": misses}), file=sys.stderr))
sys.argv[0] = "awsml"
from awsml_cli.__main__ import console_main
console_main()
"""


@pytest.fixture
def env(home):
    """The tests' environment with a cache of this test's own (in HOME), empty at the start."""
    return helpers.clean_env(home, XDG_CACHE_HOME=None)


def compiled_patterns(args: list[str], env: dict, rc: int = 0) -> dict:
    proc = subprocess.run([sys.executable, "-c", _MISS_RECORDER, *args], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == rc, proc.stderr
    return json.loads(proc.stderr.strip().splitlines()[-1])


def table_in(home: Path) -> dict | None:
    return regex_cache.load_table({"HOME": str(home)})


def describe(moto_url: str, output: str = "json") -> list[str]:
    return ["sagemaker", "describe-training-job", "--training-job-name", "demo-job", "--endpoint-url", moto_url,
            "--output", output]


@pytest.mark.parametrize("output", ["json", "text", "table"])
def test_first_run_fills_the_table_and_the_next_compiles_nothing(output, moto_url, env, home):
    first = compiled_patterns(describe(moto_url, output), env)
    assert len(first["misses"]) > 50
    table = table_in(home)
    assert table is not None and len(table) >= len({tuple(m) for m in first["misses"]}) - 5
    second = compiled_patterns(describe(moto_url, output), env)
    assert second["installed"]
    assert second["misses"] == []


@pytest.mark.parametrize("args", [
    ["sagemaker", "describe-training-job", "--generate-cli-skeleton"],
    ["sagemaker", "describe-training-job", "help"],
])
def test_skeleton_and_help_compile_nothing_the_second_time(args, env):
    compiled_patterns(args, env)
    found = compiled_patterns(args, env)
    assert found["installed"]
    assert found["misses"] == []


def test_a_run_adds_only_what_it_compiled(moto_url, env, home):
    compiled_patterns(describe(moto_url), env)
    before = set(table_in(home))
    compiled_patterns(["sagemaker", "describe-training-job", "help"], env)
    after = set(table_in(home))
    assert before < after  # the help renderer's patterns were added, nothing dropped


def test_every_stored_entry_is_what_re_compiles(moto_url, env, home):
    compiled_patterns(describe(moto_url, "table"), env)
    table = table_in(home)
    assert table
    import _sre

    for (kind, pattern, flags), (final_flags, code, groups, groupindex, indexgroup) in table.items():
        ours = _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
        fresh = _compiler.compile(pattern, flags)
        # Pattern equality compares the text, flags and code; the groups are compared too.
        assert ours == fresh, pattern
        assert (ours.groups, dict(ours.groupindex)) == (fresh.groups, dict(fresh.groupindex)), pattern
        assert type(pattern) is kind
        entry = (pattern, flags, final_flags, code, groups, groupindex, indexgroup)
        assert compiled_form(pattern, flags) == entry


def test_a_table_for_another_python_or_engine_is_not_used(tmp_path):
    environ = {"HOME": str(tmp_path)}
    good = regex_cache.dumps_document([compiled_form("a+b", 0)])
    cases = {
        "python": {**good, "python": "cpython-0.0.0"},
        "engine": {**good, "engine": [0, 0, 0, 0]},
        "format": {**good, "format": regex_cache.FORMAT + 1},
        "not-a-table": {**good, "patterns": [("a+b",)]},
    }
    for name, document in cases.items():
        assert usercache.store(regex_cache.table_name(), document, environ)
        assert regex_cache.load_table(environ) is None, name
    path = Path(usercache.path_for(regex_cache.table_name(), environ))
    path.write_bytes(b"\x00not a cache file")
    assert regex_cache.load_table(environ) is None
    path.unlink()
    assert regex_cache.load_table(environ) is None
    assert usercache.store(regex_cache.table_name(), good, environ)
    assert list(regex_cache.load_table(environ)) == [(str, "a+b", 0)]


def test_without_a_table_re_compiles_as_usual(tmp_path):
    probe = (
        "import re, awsml_cli.speedups.regex_table as rc\n"
        "print(rc.install(), type(re._cache).__name__, bool(re.compile('a(?P<x>b)').match('ab')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=helpers.clean_env(tmp_path / "home", XDG_CACHE_HOME=None))
    assert proc.stdout.split() == ["False", "dict", "True"], proc.stderr


# install(record=True), compile, save(); then in a new interpreter install() and
# compile the same patterns with the compiler refusing to run.
_ROUND_TRIP = """\
import re, sys
sys.path.insert(0, sys.argv[1])
import awsml_cli.speedups.regex_table as rc
from re import _compiler
patterns = [("a(?P<x>b)+", 0), ("(?i)caf\\u00e9", 0), (b"[a-z]+\\\\d", 0), ("x  y # c", re.VERBOSE),
            ("^v[0-9]+$", re.MULTILINE | re.ASCII), ("debug", re.DEBUG)]
if sys.argv[2] == "first":
    rc.install(record=True)
    for p, f in patterns:
        if not f & re.DEBUG:
            re.compile(p, f)
    print(rc.save())
else:
    print(rc.install(record=True))
    def refuse(*args):
        raise AssertionError(f"compiled {args!r}")
    real, _compiler.compile = _compiler.compile, refuse
    ours = [re.compile(p, f) for p, f in patterns if not f & re.DEBUG]
    _compiler.compile = real
    fresh = [_compiler.compile(p, f) for p, f in patterns if not f & re.DEBUG]
    assert ours == fresh
    assert [x.groupindex for x in ours] == [x.groupindex for x in fresh]
    assert ours[0].match("abb").group("x") == "b"
    assert re.compile(*patterns[0]) is ours[0]   # now in re's own cache
    re.purge()
    assert re.compile("(a)(?P<b>c)").groupindex == {"b": 2}
    print(len(ours))
"""


def _pythons() -> list[str]:
    """This interpreter, and any newer CPython on PATH (resolved through pyenv-style
    shims with this process's own environment)."""
    found = [sys.executable]
    for name in ("python3.12", "python3.13", "python3.14"):
        path = shutil.which(name)
        if not path:
            continue
        probe = subprocess.run([path, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip():
            found.append(probe.stdout.strip())
    return found


@pytest.mark.parametrize("python", _pythons(), ids=lambda p: os.path.basename(p))
def test_round_trip_on_every_python_at_hand(python, tmp_path):
    """Python 3.11 looks patterns up with ``_cache[key]``, 3.12 and later with
    ``_cache.pop(key)``: the table must serve both (the others run where installed)."""
    env = helpers.clean_env(tmp_path / "home")
    version = subprocess.run([python, "-c", "import sys; print(sys.version_info >= (3, 11))"],
                             capture_output=True, text=True, env=env)
    if version.returncode != 0 or version.stdout.strip() != "True":
        pytest.skip(f"{python} does not run here, or is older than 3.11")
    runs = [subprocess.run([python, "-c", _ROUND_TRIP, str(REPO), step], capture_output=True, text=True, env=env)
            for step in ("first", "second")]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert [r.stdout.split() for r in runs] == [["True"], ["True", "5"]]
