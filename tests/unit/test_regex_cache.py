"""The precompiled regular expressions: the same patterns re.compile makes, and enough of them.

The table is only used by the Python that generated it (see
awsml_cli/regex_cache.py); on any other Python these tests check that it is
left alone, and skip the comparisons.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys
from re import _compiler

import pytest

from awsml_cli import regex_cache
from tests import helpers

TABLE_PATH = regex_cache.table_path()
HAVE_TABLE = os.path.exists(TABLE_PATH)
needs_table = pytest.mark.skipif(
    not HAVE_TABLE, reason=f"no table for {regex_cache.python_tag()}: run scripts/gen_regex_cache.py"
)


@needs_table
def test_every_entry_is_what_re_compiles():
    table = regex_cache.load_table(TABLE_PATH)
    assert table, "the committed table does not load on the Python that made it"
    import _sre

    for (kind, pattern, flags), (final_flags, code, groups, groupindex, indexgroup) in table.items():
        ours = _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
        fresh = _compiler.compile(pattern, flags)
        # Pattern equality compares the text, flags and code; the groups are compared too.
        assert ours == fresh, pattern
        assert (ours.groups, dict(ours.groupindex)) == (fresh.groups, dict(fresh.groupindex)), pattern
        assert type(pattern) is kind


@needs_table
def test_entries_recomputed_by_this_python_are_the_committed_ones():
    document = marshal.loads(open(TABLE_PATH, "rb").read())
    for entry in document["patterns"]:
        assert regex_cache.compiled_form(entry[0], entry[1]) == tuple(entry), entry[0]


def test_a_table_for_another_python_or_engine_is_not_used(tmp_path):
    good = marshal.loads(regex_cache.dumps_table([("a+b", 0)]))
    cases = {
        "python": {**good, "python": "cpython-0.0.0"},
        "engine": {**good, "engine": [0, 0, 0, 0]},
        "format": {**good, "format": regex_cache.FORMAT + 1},
    }
    for name, document in cases.items():
        path = tmp_path / name
        path.write_bytes(marshal.dumps(document))
        assert regex_cache.load_table(str(path)) is None, name
    (tmp_path / "broken").write_bytes(b"\x00not marshal")
    assert regex_cache.load_table(str(tmp_path / "broken")) is None
    assert regex_cache.load_table(str(tmp_path / "missing")) is None
    (tmp_path / "good").write_bytes(marshal.dumps(good))
    assert list(regex_cache.load_table(str(tmp_path / "good"))) == [(str, "a+b", 0)]


# Runs a command line in a fresh interpreter with the table installed and
# reports every pattern re still had to compile (and whether the table was used).
_MISS_RECORDER = """\
import json, sys
from re import _compiler
misses = []
compile_for_real = _compiler.compile
def recording(pattern, flags=0):
    misses.append([repr(pattern), int(flags)])
    return compile_for_real(pattern, flags)
_compiler.compile = recording
import awsml_cli.regex_cache as regex_cache
import atexit
atexit.register(lambda: print(json.dumps({"installed": regex_cache._installed, "misses": misses}), file=sys.stderr))
sys.argv[0] = "awsml"
from awsml_cli.__main__ import console_main
console_main()
"""


def compiled_patterns(args: list[str], env: dict) -> dict:
    proc = subprocess.run([sys.executable, "-c", _MISS_RECORDER, *args], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stderr.strip().splitlines()[-1])


@needs_table
@pytest.mark.parametrize("output", ["json", "text", "table"])
def test_a_describe_call_compiles_no_pattern(output, moto_url, env):
    found = compiled_patterns(["sagemaker", "describe-training-job", "--training-job-name", "demo-job",
                               "--endpoint-url", moto_url, "--output", output], env)
    assert found["installed"]
    assert found["misses"] == [], "patterns missing from the table: run scripts/gen_regex_cache.py"


@needs_table
@pytest.mark.parametrize("args", [
    ["sagemaker", "describe-training-job", "--generate-cli-skeleton"],
    ["sagemaker", "describe-training-job", "help"],
])
def test_skeleton_and_help_compile_no_pattern(args, env):
    found = compiled_patterns(args, env)
    assert found["installed"]
    assert found["misses"] == [], "patterns missing from the table: run scripts/gen_regex_cache.py"


def test_without_a_table_re_compiles_as_usual(tmp_path):
    probe = (
        "import re, awsml_cli.regex_cache as rc\n"
        f"rc.DATA_ROOT = {str(tmp_path)!r}\n"
        "print(rc.install(), type(re._cache).__name__, bool(re.compile('a(?P<x>b)').match('ab')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=helpers.clean_env(tmp_path / "home"))
    assert proc.stdout.split() == ["False", "dict", "True"]


@needs_table
def test_installed_patterns_behave_as_compiled_ones():
    probe = (
        "import re, awsml_cli.regex_cache as rc\n"
        "from re import _compiler\n"
        "table = rc.load_table(rc.table_path())\n"
        "assert rc.install()\n"
        "def refuse(*args):\n"
        "    raise AssertionError('compiled')\n"
        "real, _compiler.compile = _compiler.compile, refuse\n"
        "patterns = [re.compile(p, f) if isinstance(p, str) else re.compile(p, f) for _, p, f in table]\n"
        "_compiler.compile = real\n"
        "fresh = [_compiler.compile(p, f) for _, p, f in table]\n"
        "assert patterns == fresh\n"
        "assert re.compile(table and next(iter(table))[1], next(iter(table))[2]) is patterns[0]\n"
        "re.purge()\n"
        "assert re.compile('(a)(?P<b>c)').groupindex == {'b': 2}\n"
        "print(len(patterns))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) > 50
