"""The package's shape: no import cycles, and packages that cost nothing to enter."""

from __future__ import annotations

from tests.support import imports


def test_the_import_graph_has_no_cycles():
    # Deferred imports (inside functions) count: they still tie modules together.
    assert imports.cycles(imports.graph()) == []


def test_the_cycle_check_sees_a_cycle():
    assert imports.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_graph_sees_deferred_and_relative_imports():
    edges = imports.graph()
    assert "awsml_cli.cli.tree" in edges["awsml_cli.app"]  # imported inside main()
    assert "awsml_cli.output.formatters" in edges["awsml_cli.output.formatters.json_output"]


def test_subpackages_are_empty_to_import():
    # Every package on the describe path is imported; an __init__ with code
    # would cost start-up time on every run. speedups/__init__ is the
    # speed-ups' one small interface, and the top package takes over Ctrl-C.
    modules = imports.module_names()
    for name, path in modules.items():
        if path.name == "__init__.py" and name not in ("awsml_cli", "awsml_cli.speedups", "awsml_cli.output.formatters"):
            assert path.read_text() == "", name


def test_only_the_speedups_look_into_sys_modules():
    # Everything else gets what it needs handed to it (the run's Environment),
    # instead of asking whether some module happens to be imported.
    for name, path in imports.module_names().items():
        if not name.startswith("awsml_cli.speedups"):
            assert "sys.modules" not in path.read_text(encoding="utf-8"), name


def test_the_names_are_in_one_place():
    from awsml_cli import names
    from awsml_cli.aws import client
    from awsml_cli.cli import tree
    from awsml_cli.command import jobfacts, wait
    from awsml_cli.output import formatters

    assert (tree.SERVICE_NAME, tree.OPERATION_NAME) == (names.SERVICE, names.OPERATION)
    assert (client.SERVICE, client.OPERATION) == (names.SERVICE, names.API_OPERATION)
    assert jobfacts.FINAL_STATUSES == tuple(wait.EXIT_CODES) == names.FINAL_STATUSES
    assert formatters.CLI_CHOICES == formatters.names() == names.OUTPUT_CHOICES
