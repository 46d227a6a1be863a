"""The manual page (roff in man/, JSON package data for ``help``) and ``help`` itself.

* The committed page, its JSON and the man/ files are what the generator
  makes from today's Click tree and botocore model (drift test).
* groff renders the roff page without a single warning (``-ww``).
* The page has aws's sections with every output member, plus awsml's own,
  and picks up new options, output choices and exit codes by itself.
* ``help`` works with no groff, mandoc or pager, pages only on a terminal,
  and never loads botocore's service model.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import click
import pytest

from scripts import docgen
from awsml_cli.cli import helppage as helpdoc
from awsml_cli.errors import EXIT_CODE_MEANINGS, ExitCode
from tests import helpers

ROFF = helpers.REPO / "man" / "man1" / f"{docgen.PAGE_NAME}.1"


@pytest.fixture(scope="module")
def page():
    return docgen.build_page()


def shipped_model_is_installed() -> bool:
    """Whether the shipped page documents the SageMaker model of the installed botocore."""
    return helpdoc.load_page(docgen.PAGE_NAME).get("model", {}).get("sagemaker_digest") == (
        docgen.model_source()["sagemaker_digest"]
    )


needs_shipped_model = pytest.mark.skipif(
    "not shipped_model_is_installed()",
    reason="the shipped help documents another botocore's SageMaker model (run python scripts/docgen.py "
    "on the newest botocore to update it); the Click-tree parts are still checked",
)


def section(page: dict, title: str) -> list:
    return next(s["blocks"] for s in page["sections"] if s["title"] == title)


def all_text(blocks: list) -> str:
    out = []
    for block in blocks:
        if block[0] == "p":
            out.append(helpdoc.plain_text(block[1]))
        elif block[0] == "item":
            out.append(helpdoc.plain_text(block[1]))
            out.append(all_text(block[2]))
        elif block[0] == "bullet":
            out.append(all_text(block[1]))
        else:
            out.append(block[1])
    return "\n".join(out)


# ----------------------------------------------------------------------------- generated files


def _stale(paths) -> list[str]:
    return [
        str(path.relative_to(helpers.REPO))
        for path, text in docgen.artefacts().items()
        if path in paths and (not path.exists() or path.read_text(encoding="utf-8") != text)
    ]


def test_generated_click_tree_files_are_up_to_date():
    paths = set(docgen.artefacts()) - set(docgen.MODEL_ARTEFACTS)
    assert len(paths) >= 5
    stale = _stale(paths)
    assert stale == [], f"out of date: {stale}; run `python scripts/docgen.py`"


@needs_shipped_model
def test_generated_model_files_are_up_to_date():
    stale = _stale(set(docgen.MODEL_ARTEFACTS))
    assert stale == [], f"out of date: {stale}; run `python scripts/docgen.py`"


def test_the_page_says_which_model_it_documents():
    shipped = helpdoc.load_page(docgen.PAGE_NAME)["model"]
    assert set(shipped) == {"botocore", "sagemaker_digest"} and len(shipped["sagemaker_digest"]) == 64
    assert f"SageMaker model of botocore {shipped['botocore']}." in ROFF.read_text(encoding="utf-8").splitlines()[0]


@needs_shipped_model
def test_docgen_check_mode_reports_nothing_stale(capsys):
    assert docgen.main(["--check"]) == 0
    assert capsys.readouterr().out == ""


@needs_shipped_model
def test_shipped_page_is_the_generated_one(page):
    assert helpdoc.load_page(docgen.PAGE_NAME) == page


@pytest.mark.parametrize("device", ["ascii", "utf8", "ps"])
def test_groff_renders_without_warnings(device):
    groff = helpers.system_tool("groff")
    proc = subprocess.run([groff, "-man", "-ww", f"-T{device}", "-z", str(ROFF)], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_man_finds_the_page_as_awsml(tmp_path):
    groff = helpers.system_tool("groff")
    # awsml.1 is a .so link to the page, resolved relative to the man directory.
    proc = subprocess.run(
        [groff, "-man", "-ww", "-Tutf8", "man1/awsml.1"],
        capture_output=True,
        text=True,
        cwd=helpers.REPO / "man",
    )
    assert proc.returncode == 0 and proc.stderr == ""
    assert "describe-training-job" in proc.stdout


def test_roff_is_plain_ascii_with_escaped_requests():
    roff = ROFF.read_text(encoding="utf-8")
    assert roff.isascii()
    assert all(not line.startswith("'") for line in roff.splitlines())
    assert roff.splitlines()[1].startswith('.TH "AWSML\\-SAGEMAKER\\-DESCRIBE\\-TRAINING\\-JOB" "1"')


# ----------------------------------------------------------------------------- content


def test_sections_are_aws_then_awsml(page):
    assert [s["title"] for s in page["sections"]] == [
        "NAME", "DESCRIPTION", "SYNOPSIS", "OPTIONS", "GLOBAL OPTIONS", "OUTPUT", "EXIT STATUS", "SEE ALSO",
    ]
    assert helpdoc.plain_text(section(page, "NAME")[0][1]) == (
        "awsml sagemaker describe-training-job - Returns information about a training job."
    )


def _model_members(shape, stack=()) -> list[str]:
    names = []
    if shape.name in stack:
        return names
    stack = (*stack, shape.name)
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            names.append(f"{name} -> ({member.type_name})")
            names += _model_members(member, stack)
    elif shape.type_name == "list":
        names.append(f"({shape.member.type_name})")
        names += _model_members(shape.member, stack)
    elif shape.type_name == "map":
        names += [f"key -> ({shape.key.type_name})", f"value -> ({shape.value.type_name})"]
        names += _model_members(shape.value, stack)
    return names


def test_output_has_every_member_nested_with_its_documentation(page):
    import botocore.session

    model = botocore.session.get_session().get_service_model("sagemaker")
    output_shape = model.operation_model("DescribeTrainingJob").output_shape
    expected = _model_members(output_shape)
    terms = []

    def collect(blocks):
        for block in blocks:
            if block[0] == "item":
                terms.append(helpdoc.plain_text(block[1]))
                collect(block[2])
            elif block[0] == "bullet":
                collect(block[1])

    collect(section(page, "OUTPUT"))
    member_terms = [term for term in terms if " -> (" in term or term.startswith("(")]
    assert member_terms == expected
    # Documentation comes along: a top-level member and a deeply nested one.
    text = all_text(section(page, "OUTPUT"))
    assert "Name of the model training job." in text
    assert "Contains a secondary status information from a training job." in text
    assert len(member_terms) > 150


def test_options_come_from_the_click_tree_and_the_model(page):
    options = all_text(section(page, "OPTIONS"))
    assert "--training-job-name (string)" in options
    assert "The name of the training job." in options
    assert "Required, unless --cli-input-json provides it." in options
    global_options = all_text(section(page, "GLOBAL OPTIONS"))
    for choice in ("json", "text", "table", "yaml", "yaml-stream", "on", "off", "auto"):
        assert f"\n{choice} - " in global_options
    # Documented as aws documents it (it is in aws's help and completion), with awsml's note.
    assert "--v2-debug (boolean)" in global_options and "awsml accepts it and prints no such warnings" in global_options
    synopsis = section(page, "SYNOPSIS")[0][1]
    assert synopsis.splitlines()[:2] == ["awsml sagemaker describe-training-job", "  --training-job-name <name>"]


def test_every_exit_code_is_documented(page):
    assert set(EXIT_CODE_MEANINGS) == set(ExitCode)
    items = section(page, "EXIT STATUS")
    assert [helpdoc.plain_text(item[1]) for item in items] == [str(int(code)) for code in sorted(ExitCode)]


def test_new_options_choices_and_exit_codes_appear_by_themselves(monkeypatch):
    """The hooks other features rely on: --wait, --output summary, new exit codes."""
    from awsml_cli.cli import tree as cli

    operation = cli.root.commands["sagemaker"].commands["describe-training-job"]
    wait = click.Option(["--wait"], is_flag=True, help="Wait until the job ends.")
    monkeypatch.setattr(operation, "params", [*operation.params, wait])
    output = next(p for p in cli.root.params if p.name == "output")
    monkeypatch.setattr(output, "type", click.Choice([*output.type.choices, "summary"]))
    monkeypatch.setitem(docgen.CHOICE_DESCRIPTIONS["output"], "summary", "One line per job.")
    new_page = docgen.build_page()
    options = all_text(section(new_page, "OPTIONS"))
    assert "--wait (boolean)\nWait until the job ends." in options
    assert "[--wait]" in section(new_page, "SYNOPSIS")[0][1]
    assert "summary - One line per job." in all_text(section(new_page, "GLOBAL OPTIONS"))


# ----------------------------------------------------------------------------- text rendering


def test_text_rendering_fits_and_keeps_everything(page):
    text = helpdoc.to_text(page, width=80)
    assert "\b" not in text and "\x1b" not in text
    long_lines = [line for line in text.splitlines() if len(line) > 80]
    # Only single words longer than a line (ARNs, URLs, S3 paths) may overflow.
    assert all(" " not in line.strip() or len(line.strip().split()) <= 2 for line in long_lines), long_lines
    for term in ("NAME", "SYNOPSIS", "OUTPUT", "EXIT STATUS", "TrainingJobName -> (string)", "--output (string)"):
        assert term in text
    narrow = helpdoc.to_text(page, width=50)
    assert narrow.split() == text.split()


def test_emphasis_is_overstrike_as_man_does(page):
    text = helpdoc.to_text(page, width=80, emphasis=True)
    assert "N\bNA\bAM\bME\bE" in text
    plain = "".join(ch for index, ch in enumerate(text) if ch != "\b" and not (index + 1 < len(text) and text[index + 1] == "\b"))
    assert plain == helpdoc.to_text(page, width=80)


@needs_shipped_model
def test_roff_and_text_say_the_same(page):
    groff = helpers.system_tool("groff")
    proc = subprocess.run(
        [groff, "-man", "-Tutf8", "-P-cbou", str(ROFF)], capture_output=True, env={**os.environ, "LC_ALL": "C.UTF-8"}
    )
    rendered = proc.stdout.decode("utf-8").replace("\u2010", "-").replace("\u2212", "-").replace("\u00b7", "o").replace("\u2022", "o")
    rendered = rendered.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    # Leave out the page header and footer lines, which differ in layout only.
    roff_body = "".join(" ".join(rendered.strip().splitlines()[1:-1]).split())
    text_body = "".join(" ".join(helpdoc.to_text(page, width=80).strip().splitlines()[1:-1]).split())
    # Compared without white space: groff may break a long URL where the text does not.
    assert roff_body == text_body


# ----------------------------------------------------------------------------- help as a command


def test_help_in_process_never_loads_the_service_model(monkeypatch, capsysbinary, tmp_path):
    import botocore.loaders

    def refuse(*args, **kwargs):
        raise AssertionError("help loaded a botocore model")

    monkeypatch.setattr(botocore.loaders.Loader, "load_service_model", refuse)
    env = helpers.clean_env(tmp_path / "home")
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from awsml_cli.app import main

    for argv in (["help"], ["sagemaker", "help"], ["sagemaker", "describe-training-job", "help"]):
        assert main(argv) == 0
        out = capsysbinary.readouterr().out.decode()
        assert out == helpdoc.to_text(helpdoc.load_page(docgen.PAGE_NAME), width=80)


def empty_path_env(tmp_path) -> dict:
    """No groff, mandoc, less or anything else on PATH."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    return helpers.clean_env(tmp_path / "home", PATH=str(empty))


@pytest.mark.parametrize(
    "args",
    [["help"], ["sagemaker", "help"], ["sagemaker", "describe-training-job", "help"],
     ["sagemaker", "describe-training-job", "--training-job-name", "x", "--output", "yaml", "help"]],
)
def test_help_without_groff_mandoc_or_pager(args, tmp_path):
    result = helpers.run([str(helpers.BIN_DIR / "awsml")], args, empty_path_env(tmp_path))
    assert (result.returncode, result.err) == (0, "")
    assert result.out == helpdoc.to_text(helpdoc.load_page(docgen.PAGE_NAME), width=80)


def run_in_terminal(args: list[str], env: dict, columns: int = 100) -> tuple[int, bytes]:
    """Run awsml with stdout (and stdin) on a pseudo-terminal; return status and screen bytes."""
    import fcntl
    import struct
    import termios

    main_fd, terminal_fd = pty.openpty()
    fcntl.ioctl(terminal_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen(
        [str(helpers.BIN_DIR / "awsml"), *args], stdin=terminal_fd, stdout=terminal_fd, stderr=subprocess.PIPE, env=env
    )
    os.close(terminal_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=120)
    os.close(main_fd)
    return proc.returncode, b"".join(chunks)


def test_help_on_a_terminal_goes_to_the_pager(tmp_path):
    received = tmp_path / "pager-input"
    pager = f"{sys.executable} -c \"import sys; open({str(received)!r}, 'wb').write(sys.stdin.buffer.read())\""
    env = empty_path_env(tmp_path)
    env["PAGER"] = pager
    status, screen = run_in_terminal(["help"], env)
    assert status == 0
    text = received.read_bytes().decode()
    assert "N\bNA\bAM\bME\bE" in text
    assert text == helpdoc.to_text(helpdoc.load_page(docgen.PAGE_NAME), width=99, emphasis=True)
    # MANPAGER wins over PAGER.
    env["MANPAGER"] = pager.replace("pager-input", "manpager-input")
    run_in_terminal(["help"], env)
    assert (tmp_path / "manpager-input").exists()


@pytest.mark.parametrize("pager", ["", "no-such-pager --flag"])
def test_help_on_a_terminal_without_a_pager_writes_directly(pager, tmp_path):
    env = empty_path_env(tmp_path)
    env["PAGER"] = pager
    status, screen = run_in_terminal(["sagemaker", "help"], env, columns=60)
    assert status == 0
    screen_text = screen.decode().replace("\r\n", "\n")
    assert screen_text == helpdoc.to_text(helpdoc.load_page(docgen.PAGE_NAME), width=59)


def test_package_data_patterns_ship_every_help_page():
    import fnmatch
    import tomllib

    patterns = tomllib.loads((helpers.REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "awsml_cli"
    ]
    data_dir = helpers.REPO / "awsml_cli"
    shipped = [
        path.relative_to(data_dir).as_posix()
        for path in (data_dir / "data").rglob("*")
        if path.is_file() and not path.name.endswith((".pyc",))
    ]
    assert shipped
    assert [name for name in shipped if not any(fnmatch.fnmatch(name, pattern) for pattern in patterns)] == []
