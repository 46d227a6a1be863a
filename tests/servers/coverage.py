"""Which members of the DescribeTrainingJob output shape does the corpus exercise?

Member paths look like ``ResourceConfig.InstanceGroups[].InstanceType``: ``.`` walks into a
structure member, ``[]`` into list elements. Maps are leaves (their keys are free-form).

A path counts as *present* in a wire body when its key is there with a non-null value, since
botocore drops null members before anything is printed.

The model checked is the installed botocore's. awscli 1.46 and later vendor their own botocore
(``awscli/botocore``) and print with *its* model, which can differ from the standalone one (with
awscli 1.46.3 the vendored model was 1.43.x while the standalone botocore 1.44.8 had four more
members); when such a vendored copy is installed it is checked as well. The corpus covers the
union, so members only a newer model knows show up as unknown keys under an older one.

``python -m tests.servers.coverage [DIR]`` prints the report.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any, Iterable

from botocore.model import ServiceModel, Shape

OPERATION = "DescribeTrainingJob"
_SERVICE_DIR = Path("sagemaker") / "2017-07-24"


def botocore_output_shape() -> Shape:
    """The output shape of the venv's standalone botocore."""
    import botocore.session

    session = botocore.session.get_session()
    return session.get_service_model("sagemaker").operation_model(OPERATION).output_shape


def awscli_output_shape() -> Shape | None:
    """The output shape of the botocore vendored inside awscli, or None without awscli.

    The model file is read directly: importing ``awscli`` would install an import hook that
    makes every later ``import botocore...`` resolve to the vendored copy, for the whole
    test process.
    """
    spec = importlib.util.find_spec("awscli")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        return None
    data_dir = Path(list(spec.submodule_search_locations)[0]) / "botocore" / "data" / _SERVICE_DIR
    for name, opener in (("service-2.json", open), ("service-2.json.gz", gzip.open)):
        path = data_dir / name
        if path.exists():
            with opener(path, "rt", encoding="utf-8") as f:
                return ServiceModel(json.load(f), "sagemaker").operation_model(OPERATION).output_shape
    return None


def shape_paths(shape: Shape, prefix: str = "", _depth: int = 0) -> list[str]:
    """Every member path under ``shape``, in model order (nested members after their parent)."""
    if _depth > 20:  # no recursive shapes here today; never loop if one appears
        return []
    paths: list[str] = []
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            path = f"{prefix}.{name}" if prefix else name
            paths.append(path)
            paths += shape_paths(member, path, _depth + 1)
    elif shape.type_name == "list":
        paths += shape_paths(shape.member, prefix + "[]", _depth + 1)
    return paths


def container_paths(shape: Shape) -> list[str]:
    """The paths whose members are lists or maps (to check they are seen non-empty too)."""
    out = []

    def walk(s: Shape, prefix: str) -> None:
        if s.type_name == "structure":
            for name, member in s.members.items():
                path = f"{prefix}.{name}" if prefix else name
                if member.type_name in ("list", "map"):
                    out.append(path)
                walk(member, path)
        elif s.type_name == "list":
            walk(s.member, prefix + "[]")

    walk(shape, "")
    return out


def _walk_doc(value: Any, shape: Shape, prefix: str, present: set[str], nonempty: set[str],
              unknown: set[str]) -> None:
    if shape.type_name == "structure":
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            member = shape.members.get(key)
            if member is None:
                unknown.add(path)
                continue
            if item is None:
                continue
            present.add(path)
            if member.type_name in ("list", "map") and item:
                nonempty.add(path)
            _walk_doc(item, member, path, present, nonempty, unknown)
    elif shape.type_name == "list" and isinstance(value, list):
        for item in value:
            if item is not None:
                _walk_doc(item, shape.member, prefix + "[]", present, nonempty, unknown)


def analyse(doc: Any, shape: Shape) -> tuple[set[str], set[str], set[str]]:
    """(present paths, non-empty list/map paths, unknown key paths) of one parsed wire body."""
    present: set[str] = set()
    nonempty: set[str] = set()
    unknown: set[str] = set()
    _walk_doc(doc, shape, "", present, nonempty, unknown)
    return present, nonempty, unknown


def load_corpus(directory: str | Path) -> dict[str, Any]:
    """``{stem: json.loads(bytes)}`` for every ``*.json`` in the directory."""
    return {p.stem: json.loads(p.read_bytes()) for p in sorted(Path(directory).glob("*.json"))}


def missing_paths(docs: Iterable[Any], shape: Shape) -> list[str]:
    """Member paths of ``shape`` that no document contains (with a non-null value)."""
    seen: set[str] = set()
    for doc in docs:
        seen |= analyse(doc, shape)[0]
    return [p for p in shape_paths(shape) if p not in seen]


def never_nonempty(docs: Iterable[Any], shape: Shape) -> list[str]:
    """List and map members that no document shows with at least one element."""
    seen: set[str] = set()
    for doc in docs:
        seen |= analyse(doc, shape)[1]
    return [p for p in container_paths(shape) if p not in seen]


def report(directory: str | Path) -> str:
    docs = load_corpus(directory)
    lines = [f"{len(docs)} corpus files in {directory}"]
    for label, shape in (("botocore (venv)", botocore_output_shape()),
                         ("awscli vendored botocore", awscli_output_shape())):
        if shape is None:
            lines.append(f"{label}: none installed (aws uses the standalone botocore)")
            continue
        total = len(shape_paths(shape))
        missing = missing_paths(docs.values(), shape)
        empty = never_nonempty(docs.values(), shape)
        lines.append(f"{label}: {total - len(missing)}/{total} member paths covered")
        lines += [f"  missing: {p}" for p in missing]
        lines += [f"  never non-empty: {p}" for p in empty]
    return "\n".join(lines)


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "corpus"
    print(report(sys.argv[1] if len(sys.argv) > 1 else default))
