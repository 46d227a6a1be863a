"""Side-by-side runs of ``aws`` and ``awsml`` and the comparison of what they print.

A case is an argv (with ``{url}`` for the local endpoint and ``{tmp}`` for a
scratch directory), extra environment, and optional config/credentials files
and input files.  Both programs get the same environment, files and working
directory; the test asserts the same stdout bytes, the same exit code and the
same error text on stderr (see :func:`tests.helpers.error_text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests import comparisons, helpers


@dataclass
class Case:
    id: str
    args: list[str]
    env: dict = field(default_factory=dict)
    config: str | None = None
    credentials: str | None = None
    files: dict = field(default_factory=dict)  # relative path -> bytes or str
    stdin: bytes | None = None

    def __str__(self) -> str:
        return self.id


def _expand(value: str, url: str, tmp: Path) -> str:
    return value.replace("{url}", url).replace("{tmp}", str(tmp))


def prepare(case: Case, url: str, tmp: Path) -> tuple[list[str], dict, Path]:
    home = tmp / "home"
    env = helpers.clean_env(home)
    for key, value in case.env.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = _expand(value, url, tmp)
    if case.config is not None:
        Path(env["AWS_CONFIG_FILE"]).write_text(_expand(case.config, url, tmp))
    if case.credentials is not None:
        Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(case.credentials)
    work = tmp / "work"
    work.mkdir(exist_ok=True)
    for name, content in case.files.items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        target.write_bytes(content)
    args = [_expand(arg, url, tmp) for arg in case.args]
    return args, helpers.guarded(env), work


def run_both(case: Case, url: str, tmp: Path) -> tuple[helpers.Result, helpers.Result]:
    args, env, work = prepare(case, url, tmp)
    expected = helpers.run_aws(args, env, cwd=work, stdin=case.stdin)
    actual = helpers.run_awsml(args, env, cwd=work, stdin=case.stdin)
    return expected, actual


def differences(case: Case, expected: helpers.Result, actual: helpers.Result) -> str | None:
    """What differs between aws's and awsml's runs of ``case`` (stdout, exit code, error text)."""
    problems = []
    if actual.stdout != expected.stdout:
        problems.append(f"stdout differs:\n--- aws\n{expected.stdout!r}\n--- awsml\n{actual.stdout!r}")
    if actual.returncode != expected.returncode:
        problems.append(f"exit code: aws {expected.returncode}, awsml {actual.returncode}")
    if helpers.error_text(actual.stderr) != helpers.error_text(expected.stderr):
        problems.append(
            "stderr error text differs:\n--- aws\n"
            f"{helpers.error_text(expected.stderr)!r}\n--- awsml\n{helpers.error_text(actual.stderr)!r}"
        )
    comparisons.record(not problems)
    return f"[{case.id}] " + "\n".join(problems) if problems else None


def assert_same(case: Case, expected: helpers.Result, actual: helpers.Result) -> None:
    problem = differences(case, expected, actual)
    assert problem is None, problem


def check(case: Case, url: str, tmp: Path) -> None:
    expected, actual = run_both(case, url, tmp)
    assert_same(case, expected, actual)


def with_awsml_output_choices(aws_error_text: bytes, value: str) -> bytes:
    """aws's ``--output`` invalid-choice text, as it reads with awsml's longer choice list.

    awsml's ``--output`` also accepts aws v2's yaml outputs and its own summary
    view; that list is the one documented difference in this message.  The
    layout (two per line, padded to 40) and the "maybe you meant" suggestions
    are computed the way aws computes them, over awsml's list.
    """
    from difflib import get_close_matches

    from awsml_cli.output.formatters import CLI_CHOICES

    def table(choices) -> bytes:
        rows = [" | ".join(f"{c:<40}" for c in choices[i : i + 2]) for i in range(0, len(choices), 2)]
        return "\n".join(rows).encode()

    aws_table = table(["json", "text", "table"])
    assert aws_error_text.count(aws_table) == 1, aws_error_text
    head = aws_error_text[: aws_error_text.index(aws_table)]
    text = head + table(list(CLI_CHOICES))
    close = get_close_matches(value, list(CLI_CHOICES), cutoff=0.8)
    if close:
        text += f"\n\n\nInvalid choice: {value!r}, maybe you meant:\n\n".encode()
        text += "\n".join(f"  * {word}" for word in close).encode()
    return text + b"\n"


def outcome(result: helpers.Result) -> str:
    """What a run of aws came to, for the tally: "output", "empty" or "error"."""
    if result.returncode != 0:
        return "error"
    return "output" if result.stdout else "empty"
