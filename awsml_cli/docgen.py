"""Generate the committed documentation artefacts from the Click tree (and botocore's model).

``python -m awsml_cli.docgen`` rewrites:

* ``completions/`` — the bash, zsh and fish completion scripts;

and ``python -m awsml_cli.docgen --check`` only reports what is out of date
(the tests run the same comparison).  Run it after changing the Click tree.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMPLETIONS_DIR = REPO / "completions"


def completion_script(shell: str) -> str:
    from .cli import root
    from .completion import script

    return script(root, shell)


def artefacts() -> dict[Path, str]:
    """Every generated file and the text it must hold."""
    from .completion import SCRIPT_FILES

    files = {COMPLETIONS_DIR / name: completion_script(shell) for shell, name in SCRIPT_FILES.items()}
    return files


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    for path, text in artefacts().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if check else 'wrote'}: {path.relative_to(REPO)}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
