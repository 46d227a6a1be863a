"""The data derived from the installed botocore, and the per-user cache that keeps it.

In-process tests point HOME at a fresh folder and forget what the process already
derived, so every test starts from a cold cache. The end-to-end cases (many first runs
at once, read-only and missing homes, damaged files) run the awsml program.
"""

from __future__ import annotations

import concurrent.futures
import os
import stat
from pathlib import Path

import botocore
import botocore.loaders
import pytest

from awsml_cli.speedups import fastdata, usercache
from tests import helpers
from tests.servers.scripted import CorpusRouter, ScriptedServer

REPO = Path(__file__).resolve().parents[2]
JOB = "01-completed-xgboost"


@pytest.fixture
def cold(tmp_path, monkeypatch):
    """A fresh HOME and no derived data in this process."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(fastdata, "_KNOWN", {})
    monkeypatch.setattr(usercache, "notes", [])
    return home


def cache_file(home: Path) -> Path:
    return home / ".cache" / "awsml" / fastdata.cache_name(fastdata.botocore_root())


def forget():
    fastdata._KNOWN.clear()


def unwritable(folder: Path) -> str:
    """A folder nothing can be created in: ``folder`` made read-only, or, where
    permissions do not stop this user (root), /proc, which refuses everyone."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o500)
    if not os.access(folder, os.W_OK):
        return str(folder)
    folder.chmod(0o700)
    return "/proc"


# --------------------------------------------------------------------------
# What is derived
# --------------------------------------------------------------------------


def test_derived_model_is_the_loaders_model_cut_to_one_operation(cold):
    data = fastdata.for_installed_botocore()
    full = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    model = data.service_model()
    assert list(model["operations"]) == ["DescribeTrainingJob"]
    assert model["operations"]["DescribeTrainingJob"] == full["operations"]["DescribeTrainingJob"]
    assert {k: v for k, v in model.items() if k not in ("operations", "shapes")} == {
        k: v for k, v in full.items() if k not in ("operations", "shapes")
    }
    kept = list(model["shapes"])
    assert kept == [name for name in full["shapes"] if name in model["shapes"]]  # model order
    assert all(model["shapes"][name] == full["shapes"][name] for name in kept)
    assert {n for n, s in full["shapes"].items() if s.get("exception")} <= set(kept)
    assert data.operation_names() == list(full["operations"])
    assert data.api_version == botocore.loaders.Loader().determine_latest_version("sagemaker", "service-2")


def test_derived_endpoints_keep_every_partition_with_one_service(cold):
    data = fastdata.for_installed_botocore()
    full = botocore.loaders.Loader().load_data("endpoints")
    trimmed = data.endpoints()
    assert [p["partition"] for p in trimmed["partitions"]] == [p["partition"] for p in full["partitions"]]
    for ours, theirs in zip(trimmed["partitions"], full["partitions"]):
        assert list(ours["services"]) == [s for s in theirs["services"] if s == data.endpoint_prefix]
        assert {k: v for k, v in ours.items() if k != "services"} == {
            k: v for k, v in theirs.items() if k != "services"
        }
    # Each use gets its own copy: botocore's resolver writes into what it resolves.
    assert data.endpoints() is not trimmed and data.endpoints() == trimmed


def test_event_aliases_are_botocores_answers(cold):
    from botocore import handlers
    from botocore.hooks import EventAliaser, HierarchicalEmitter

    table = fastdata.for_installed_botocore().event_aliases
    reference = EventAliaser(HierarchicalEmitter())
    assert set(table) == {spec[0] for spec in handlers.BUILTIN_HANDLERS}
    assert all(reference._alias_event_name(name) == aliased for name, aliased in table.items())


def test_the_docs_deferral_is_checked_against_botocores_own_imports(cold, tmp_path, monkeypatch):
    assert fastdata.docstring_imports_only_deferred_names()
    # A botocore whose docstring module imported one more name would not be deferred.
    docs = tmp_path / "fake" / "docs"
    docs.mkdir(parents=True)
    (tmp_path / "fake" / "__init__.py").write_text("")
    (docs / "docstring.py").write_text("from botocore.docs.method import document_model_driven_method, other\n")
    monkeypatch.setattr(botocore, "__file__", str(tmp_path / "fake" / "__init__.py"))
    assert not fastdata.docstring_imports_only_deferred_names()
    (docs / "docstring.py").write_text("import botocore.docs.method\n")
    assert not fastdata.docstring_imports_only_deferred_names()


# --------------------------------------------------------------------------
# The cache
# --------------------------------------------------------------------------


def test_first_use_stores_and_the_next_process_reads(cold, monkeypatch):
    first = fastdata.for_installed_botocore()
    path = cache_file(cold)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    forget()

    def refuse():
        raise AssertionError("derived again")

    monkeypatch.setattr(fastdata, "derive", refuse)
    second = fastdata.for_installed_botocore()
    assert second.service_model() == first.service_model()
    assert second.endpoints() == first.endpoints()
    assert second.event_aliases == first.event_aliases
    assert usercache.notes == []


def test_xdg_cache_home_is_used_when_absolute(cold, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    fastdata.for_installed_botocore()
    assert (tmp_path / "xdg" / "awsml" / fastdata.cache_name(fastdata.botocore_root())).is_file()
    assert not (cold / ".cache").exists()
    forget()
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG spec says: ignore it
    fastdata.for_installed_botocore()
    assert cache_file(cold).is_file()


def _derivations(monkeypatch) -> list:
    calls = []
    real = fastdata.derive

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(fastdata, "derive", counting)
    return calls


@pytest.mark.parametrize("change", ["size", "mtime", "root", "format", "awsml"])
def test_an_entry_for_other_sources_is_derived_again(cold, monkeypatch, change):
    fastdata.for_installed_botocore()
    stored = usercache.load(cache_file(cold).name)
    key = stored["key"]
    name = next(iter(key["files"]))
    if change == "size":
        key["files"][name] = (key["files"][name][0] + 1, key["files"][name][1])
    elif change == "mtime":
        key["files"][name] = (key["files"][name][0], key["files"][name][1] - 1)
    elif change == "root":
        key["root"] = "/elsewhere"
    elif change == "format":
        key["format"] = fastdata.FORMAT - 1
    else:
        key["awsml"] = "0.0.0"
    assert usercache.store(cache_file(cold).name, stored)
    forget()
    calls = _derivations(monkeypatch)
    fastdata.for_installed_botocore()
    assert calls == [1]
    assert usercache.load(cache_file(cold).name)["key"] == fastdata.sources(fastdata.botocore_root())


def test_a_changed_botocore_file_changes_the_key(cold, tmp_path):
    root = fastdata.botocore_root()
    key = fastdata.sources(root)
    assert "__init__.py" in key["files"] and os.path.join("data", "endpoints.json") in key["files"]
    assert any(name.startswith(os.path.join("data", "sagemaker")) for name in key["files"])
    assert fastdata.sources(str(tmp_path / "no-botocore-here")) is None


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "empty", "directory", "other-payload"])
def test_a_damaged_entry_is_derived_again_quietly(cold, monkeypatch, damage):
    fastdata.for_installed_botocore()
    path = cache_file(cold)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "directory":
        path.unlink()
        path.mkdir()
    else:
        usercache.store(path.name, ["not", "a", "dict"])
    forget()
    calls = _derivations(monkeypatch)
    data = fastdata.for_installed_botocore()
    assert calls == [1]
    assert data.service_model()["operations"].keys() == {"DescribeTrainingJob"}
    if damage not in ("directory", "other-payload"):
        assert usercache.load(path.name)["key"] == fastdata.sources(fastdata.botocore_root())


@pytest.mark.parametrize("where", ["read-only-cache", "read-only-home", "home-is-a-file", "cache-is-a-file"])
def test_an_unwritable_cache_still_works(cold, monkeypatch, where):
    if where == "read-only-cache":
        monkeypatch.setenv("XDG_CACHE_HOME", unwritable(cold / "xdg"))
    elif where == "read-only-home":
        monkeypatch.setenv("HOME", unwritable(cold / "ro-home"))
    elif where == "home-is-a-file":
        file = cold.parent / "home-file"
        file.write_text("")
        monkeypatch.setenv("HOME", str(file))
    else:
        (cold / ".cache").mkdir()
        (cold / ".cache" / "awsml").write_text("")
    data = fastdata.for_installed_botocore()
    assert data is not None and data.service_model()["operations"].keys() == {"DescribeTrainingJob"}
    assert any("cannot write" in note for note in usercache.notes), usercache.notes


# --------------------------------------------------------------------------
# The awsml program on a cold cache
# --------------------------------------------------------------------------


def _describe(url: str) -> list[str]:
    return ["sagemaker", "describe-training-job", "--training-job-name", JOB, "--endpoint-url", url]


@pytest.fixture(scope="module")
def corpus_server():
    with ScriptedServer(CorpusRouter(REPO / "tests" / "corpus")) as server:
        yield server


def test_32_first_runs_at_once_agree_and_leave_one_valid_cache(tmp_path, corpus_server):
    home = tmp_path / "home"
    env = helpers.clean_env(home, XDG_CACHE_HOME=None)
    expected = helpers.run_awsml(_describe(corpus_server.url), helpers.clean_env(tmp_path / "other-home"))
    assert expected.returncode == 0 and expected.stdout
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(lambda _: helpers.run_awsml(_describe(corpus_server.url), env), range(32)))
    assert {(r.returncode, r.stdout, r.stderr) for r in results} == {(0, expected.stdout, b"")}
    folder = home / ".cache" / "awsml"
    names = sorted(p.name for p in folder.iterdir())
    assert not [n for n in names if n.endswith(".tmp")]
    assert [n for n in names if n.startswith("botocore-")] == [fastdata.cache_name(fastdata.botocore_root())]
    payload = usercache.load(names[0], {"HOME": str(home)})
    assert payload["key"] == fastdata.sources(fastdata.botocore_root())
    # And the next run reads it.
    again = helpers.run_awsml(_describe(corpus_server.url), env)
    assert (again.returncode, again.stdout, again.stderr) == (0, expected.stdout, b"")


@pytest.mark.parametrize("where", ["read-only-home", "missing-home", "damaged-files"])
def test_the_program_is_right_and_quiet_whatever_the_cache(tmp_path, corpus_server, where):
    home = tmp_path / "home"
    env = helpers.clean_env(home, XDG_CACHE_HOME=None)
    expected = helpers.run_awsml(_describe(corpus_server.url), helpers.clean_env(tmp_path / "reference"))
    if where == "read-only-home":
        env["HOME"] = unwritable(home)
    elif where == "missing-home":
        env["HOME"] = str(tmp_path / "does-not-exist")
        env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none")
    else:
        helpers.run_awsml(_describe(corpus_server.url), env)
        for path in (home / ".cache" / "awsml").iterdir():
            data = path.read_bytes()
            path.write_bytes(data[: len(data) - 7])
    for _ in range(2):
        result = helpers.run_awsml(_describe(corpus_server.url), env)
        assert (result.returncode, result.stdout, result.stderr) == (0, expected.stdout, b"")
    debug = helpers.run_awsml([*_describe(corpus_server.url), "--debug"], env)
    assert debug.returncode == 0 and debug.stdout == expected.stdout
    assert b"awsml cache:" in debug.stderr


@pytest.mark.parametrize("args", [["--output", "table"], ["--generate-cli-skeleton"], ["--query", "TrainingJobStatus"]])
def test_without_speedups_the_same_output_and_no_cache(tmp_path, corpus_server, args):
    home = tmp_path / "home"
    env = helpers.clean_env(home, XDG_CACHE_HOME=None)
    fast = helpers.run_awsml([*_describe(corpus_server.url), *args], env)
    assert (home / ".cache" / "awsml").is_dir()
    plain_home = tmp_path / "plain"
    plain = helpers.run_awsml([*_describe(corpus_server.url), *args],
                              helpers.clean_env(plain_home, XDG_CACHE_HOME=None, AWSML_SPEEDUPS="off"))
    assert (plain.returncode, plain.stdout, plain.stderr) == (fast.returncode, fast.stdout, fast.stderr)
    assert fast.returncode == 0 and fast.stdout
    assert not (plain_home / ".cache").exists()
