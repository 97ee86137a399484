"""The import chain of DESIGN.md holds: a module imports only from layers below it."""

from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "gpuparam"

# Bottom to top; a module may import from its own layer and the ones before it. train,
# communication and parallel are the optional parts beside nn (DESIGN.md).
LAYERS = ["_errors", "_backend", "_dtype", "_random", "_tensor", "_initializer", "_parameter",
          "ops", "nn", "train", "communication", "parallel"]
FACADES = {"__init__", "__main__", "dtype", "common", "context"}


def _layer_of(parts: tuple[str, ...]) -> int | None:
    head = parts[0]
    if head in FACADES:
        return None
    for i, layer in reversed(list(enumerate(LAYERS))):
        if head == layer or head.startswith(layer + "_"):
            return i
    raise AssertionError(f"module gpuparam.{'.'.join(parts)} belongs to no layer of DESIGN.md")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        yield path, tuple(rel.parts)


def _imported(path: pathlib.Path, parts: tuple[str, ...]):
    package = parts[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = base + tuple((node.module or "").split(".")) if node.module else base
            if not target:  # `from . import x` at the package root
                for alias in node.names:
                    yield (alias.name,)
            else:
                yield target
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gpuparam"):
            yield tuple(node.module.split(".")[1:]) or ("__init__",)


@pytest.mark.parametrize(("path", "parts"), list(_modules()), ids=lambda v: str(v))
def test_imports_go_down_the_chain(path, parts):
    own = _layer_of(parts)
    if own is None:
        return
    for target in _imported(path, parts):
        if not target or target == ("",):
            continue
        theirs = _layer_of(target)
        assert theirs is not None and theirs <= own, (
            f"gpuparam/{'/'.join(parts)}.py imports gpuparam.{'.'.join(target)}, "
            f"which is above it in DESIGN.md's layers")


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of nodes inside ``if TYPE_CHECKING:`` blocks (annotations, never run)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            inside.update(id(n) for child in node.body for n in ast.walk(child))
    return inside


def test_only_the_backend_imports_cupy():
    for path, parts in _modules():
        if parts == ("_backend",):
            continue
        tree = ast.parse(path.read_text())
        annotations_only = _type_checking_only(tree)
        for node in ast.walk(tree):
            if id(node) in annotations_only:
                continue
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            assert not any(n == "cupy" or n.startswith("cupy.") for n in names), (
                f"gpuparam/{'/'.join(parts)}.py imports CuPy; only _backend.py may")
