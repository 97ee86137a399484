"""Every import in gpuparam/ follows the layer table of docs/code-layout.md.

The rules are read from that page, not kept here: its core layers (bottom first), the
parts above the core with what each may import, the forbidden arrows, the homes of
third-party packages and one line per module. Imports are read with ``ast`` the way
``python`` runs them: at module level and inside functions, the package ``__init__``
an import runs, ``importlib.import_module("...")`` with a literal name; only imports
under ``if TYPE_CHECKING:`` (annotations, never run) are left out.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gpuparam"
LAYOUT = ROOT / "docs" / "code-layout.md"
LINE_LIMIT = 450


# ---------------------------------------------------------------------- the page


@dataclass
class Unit:
    """A row of a table: a core layer or a part above the core."""
    name: str
    patterns: list[str]
    core: bool
    rank: int = 0                                   # core layers: position, bottom first
    may_import: set[str] = field(default_factory=set)  # parts: the other parts allowed

    def matches(self, rel: str) -> bool:
        return any(rel.startswith(p) if p.endswith("/") else fnmatch.fnmatchcase(rel, p)
                   for p in self.patterns)


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/code-layout.md has no section '## {title}'"
    return match.group(1)


def _table(section: str) -> list[list[str]]:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in section.splitlines() if line.strip().startswith("|")]
    return rows[2:]  # the header and the |---| line


def _code(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


@dataclass
class Layout:
    units: list[Unit]
    forbidden: list[tuple[str, str]]
    homes: dict[str, list[str]]
    listed: list[str]

    def unit(self, name: str) -> Unit:
        return next(u for u in self.units if u.name == name)


def read_layout(text: str) -> Layout:
    units = [Unit(row[0], _code(row[1]), core=True, rank=i)
             for i, row in enumerate(_table(_section(text, "Core layers (bottom first)")))]
    for row in _table(_section(text, "Parts above the core")):
        allowed = {n.strip() for n in row[2].split(",") if n.strip() not in ("", "-")}
        units.append(Unit(row[0], _code(row[1]), core=False, may_import=allowed))
    forbidden = [(row[0], row[1]) for row in _table(_section(text, "Forbidden arrows"))]
    homes = {_code(row[0])[0]: _code(row[1]) for row in _table(_section(text, "Third-party homes"))}
    listed = re.findall(r"^- `(gpuparam/[^`]+\.py)`:", _section(text, "Modules"), re.M)
    return Layout(units, forbidden, homes, listed)


def allowed(source: Unit, target: Unit) -> bool:
    """The tables' arrows: down the core, parts to the core and to the parts they name."""
    if source is target:
        return True
    if source.core:
        return target.core and target.rank <= source.rank
    return target.core or target.name in source.may_import


# ---------------------------------------------------------------------- the imports


@dataclass(frozen=True)
class Import:
    target: str   # a dotted module name
    names: tuple[str, ...]  # for `from target import a, b`: the names, else ()
    line: int


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
           (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def read_imports(source: str, module: str, is_package: bool) -> list[Import]:
    """The imports that run in ``source`` (the module ``module``), resolved to absolute
    names; those under ``if TYPE_CHECKING:`` are left out, their ``else:`` kept."""
    found: list[Import] = []
    base = module.split(".") if is_package else module.split(".")[:-1]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.orelse:
                    visit_one(stmt)
            else:
                visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, (), node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                head = base[:len(base) - (node.level - 1)]
                target = ".".join(head + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append(Import(target, tuple(a.name for a in node.names), node.lineno))
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and not node.args[0].value.startswith(".")):
            found.append(Import(node.args[0].value, (), node.lineno))
        visit(node)

    visit(ast.parse(source))
    return found


@dataclass
class Module:
    name: str     # gpuparam.nn._conv
    rel: str      # gpuparam/nn/_conv.py
    directory: str  # gpuparam/nn
    is_package: bool
    lines: int
    imports: list[Import]


def read_modules(package: Path = PACKAGE) -> dict[str, Module]:
    modules = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).as_posix()
        parts = rel[:-3].split("/")
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        text = path.read_text(encoding="utf-8")
        modules[name] = Module(name, rel, "/".join(parts[:-1]), is_package, text.count("\n"),
                               read_imports(text, name, is_package))
    return modules


def dependencies(module: Module, modules: dict[str, Module]) -> list[tuple[str, Import]]:
    """The gpuparam modules an import runs: ``from pkg import sub`` runs ``pkg`` and
    ``pkg.sub``; any import runs the ``__init__`` of the packages above its target that
    are not the importer's own (the root package, above everything, is left out)."""
    out: list[tuple[str, Import]] = []
    for imp in module.imports:
        if imp.target.split(".")[0] != "gpuparam":
            continue
        targets = [imp.target] + [f"{imp.target}.{n}" for n in imp.names
                                  if f"{imp.target}.{n}" in modules]
        for target in targets:
            parts = target.split(".")
            for depth in range(2, len(parts) + 1):
                name = ".".join(parts[:depth])
                # The importer's own packages are already being imported: no edge there.
                own = module.name == name or module.name.startswith(name + ".")
                if name in modules and not own and (name, imp) not in out:
                    out.append((name, imp))
    return out


# ---------------------------------------------------------------------- the checks


def unit_of(module: Module, layout: Layout) -> Unit | None:
    units = [u for u in layout.units if u.matches(module.rel)]
    return units[0] if len(units) == 1 else None


def _where(module: Module, imp: Import) -> str:
    return f"{module.rel}:{imp.line}"


def membership_problems(modules: dict[str, Module], layout: Layout) -> list[str]:
    problems = []
    for module in modules.values():
        units = [u.name for u in layout.units if u.matches(module.rel)]
        if len(units) != 1:
            problems.append(f"{module.rel}: in {units or 'no row'} of docs/code-layout.md")
    return problems


def arrow_problems(modules: dict[str, Module], layout: Layout) -> list[str]:
    problems = []
    for module in modules.values():
        source = unit_of(module, layout)
        for name, imp in dependencies(module, modules):
            target = unit_of(modules[name], layout)
            if source and target and not allowed(source, target):
                problems.append(f"{_where(module, imp)}: {source.name} imports {name} "
                                f"({target.name}), which docs/code-layout.md does not allow")
    return problems


def forbidden_problems(modules: dict[str, Module], layout: Layout, source: str,
                       target: str) -> list[str]:
    return [f"{_where(m, imp)}: {source} imports {name} ({target})"
            for m in modules.values() if unit_of(m, layout) is layout.unit(source)
            for name, imp in dependencies(m, modules)
            if unit_of(modules[name], layout) is layout.unit(target)]


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Import cycles: strongly connected components of more than one module (Tarjan)."""
    graph = {m.name: sorted({n for n, _ in dependencies(m, modules)}) for m in modules.values()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(graph[start]))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        item = stack.pop()
                        on_stack.discard(item)
                        component.append(item)
                        if item == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(graph[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return out


def _within(module: Module, directory: str) -> bool:
    """Whether ``module`` is in the package ``directory`` (for the top of gpuparam/, only
    the modules right there: every directory below is a package of its own)."""
    if directory == "gpuparam":
        return module.directory == directory
    return module.directory == directory or module.directory.startswith(directory + "/")


def private_problems(modules: dict[str, Module]) -> list[str]:
    """Imports of another package's private module, or of a private name from another
    package's module. A package is a directory; the modules at the top of gpuparam/
    are the core's internal API (importable by name everywhere, their ``_names`` not)."""
    problems = []
    for module in modules.values():
        for imp in module.imports:
            target = modules.get(imp.target)
            if target is None:
                continue
            if not target.is_package and target.name.rsplit(".", 1)[-1].startswith("_") \
                    and target.directory != "gpuparam" and not _within(module, target.directory):
                problems.append(f"{_where(module, imp)}: private module {target.name}")
            home = target.rel[:-len("/__init__.py")] if target.is_package else target.directory
            for name in imp.names:
                if not name.startswith("_") or name.startswith("__") or _within(module, home):
                    continue
                sub = modules.get(f"{imp.target}.{name}")
                if sub is None:
                    problems.append(f"{_where(module, imp)}: private name {name} of {imp.target}")
                elif home != "gpuparam":
                    problems.append(f"{_where(module, imp)}: private module {sub.name}")
    return sorted(set(problems))


def home_problems(modules: dict[str, Module], layout: Layout, package: str) -> list[str]:
    homes = layout.homes[package]
    return [f"{_where(m, imp)}: imports {imp.target}"
            for m in modules.values() if not any(m.rel.startswith(h) for h in homes)
            for imp in m.imports if imp.target == package or imp.target.startswith(package + ".")]


def size_problems(modules: dict[str, Module]) -> list[str]:
    return [f"{m.rel} ({m.lines} lines)" for m in modules.values() if m.lines > LINE_LIMIT]


# ---------------------------------------------------------------------- gpuparam

LAYOUT_TABLE = read_layout(LAYOUT.read_text(encoding="utf-8"))
MODULES = read_modules()


def test_the_layout_page_is_consistent():
    names = [u.name for u in LAYOUT_TABLE.units]
    assert len(names) == len(set(names)) and sum(u.core for u in LAYOUT_TABLE.units) >= 10
    for unit in LAYOUT_TABLE.units:
        assert unit.patterns, f"{unit.name}: no modules"
        assert unit.may_import <= set(names), f"{unit.name} may import unknown {unit.may_import}"
    for source, target in LAYOUT_TABLE.forbidden:
        assert {source, target} <= set(names), (source, target)
        assert not allowed(LAYOUT_TABLE.unit(source), LAYOUT_TABLE.unit(target)), (
            f"docs/code-layout.md forbids {source} -> {target}, and its tables allow it")
    assert set(LAYOUT_TABLE.homes) >= {"cupy", "torch"}


def test_every_module_belongs_to_exactly_one_layer_or_part():
    problems = membership_problems(MODULES, LAYOUT_TABLE)
    assert not problems, "\n".join(problems)


def test_every_module_has_its_line_and_every_line_a_module():
    on_disk = {m.rel for m in MODULES.values()}
    listed = set(LAYOUT_TABLE.listed)
    assert not on_disk - listed, f"not under 'Modules' in docs/code-layout.md: {sorted(on_disk - listed)}"
    assert not listed - on_disk, f"listed in docs/code-layout.md, not in gpuparam/: {sorted(listed - on_disk)}"


def test_imports_follow_the_allowed_arrows():
    problems = arrow_problems(MODULES, LAYOUT_TABLE)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("source", "target"), LAYOUT_TABLE.forbidden,
                         ids=[f"{s}->{t}" for s, t in LAYOUT_TABLE.forbidden])
def test_no_forbidden_arrow(source, target):
    problems = forbidden_problems(MODULES, LAYOUT_TABLE, source, target)
    assert not problems, "\n".join(problems)


def test_no_import_cycle():
    found = cycles(MODULES)
    assert not found, "\n".join("cycle: " + " <-> ".join(c) for c in found)


def test_no_private_reach_into_another_package():
    problems = private_problems(MODULES)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("package", sorted(LAYOUT_TABLE.homes))
def test_third_party_imports_stay_home(package):
    problems = home_problems(MODULES, LAYOUT_TABLE, package)
    assert not problems, "\n".join(problems)


def test_no_module_is_over_the_line_limit():
    big = size_problems(MODULES)
    assert not big, f"over {LINE_LIMIT} lines: {big}"


# ---------------------------------------------------------------------- the checks themselves


def test_the_reader_counts_what_runs_and_leaves_out_annotations():
    source = """
import os
from typing import TYPE_CHECKING
from . import sibling, _private_sub
from .._tensor import Tensor as T
if TYPE_CHECKING:
    import cupy
    from ..nn import Cell
else:
    from .fallback import thing

def later():
    import torch
    from ...outside import x
    importlib.import_module("mpi4py")
"""
    found = {(i.target, i.names) for i in read_imports(source, "gpuparam.ops._conv", False)}
    assert found == {("os", ()), ("typing", ("TYPE_CHECKING",)),
                     ("gpuparam.ops", ("sibling", "_private_sub")),
                     ("gpuparam._tensor", ("Tensor",)), ("gpuparam.ops.fallback", ("thing",)),
                     ("torch", ()), ("outside", ("x",)), ("mpi4py", ())}
    in_package = {i.target for i in read_imports("from . import a\nfrom .b import c\n",
                                                 "gpuparam.nn", True)}
    assert in_package == {"gpuparam.nn", "gpuparam.nn.b"}


def test_each_check_catches_the_fault_it_is_for(tmp_path):
    # A throwaway gpuparam with one of each fault, read against the real page.
    files = {
        "__init__.py": "",
        "_tensor.py": "def f():\n    from .ops import _kernels\n",  # up the chain, a cycle
        "_big.py": "x = 1\n" * (LINE_LIMIT + 1),                      # in no row, too long
        "ops/__init__.py": "from . import _kernels\n",
        "ops/_kernels.py": "from .. import _tensor\nimport cupy\n",
        "ops/seam.py": "from .._tensor import _hidden\n",               # a core private name
        "nn/__init__.py": "def f():\n    from ..ops._kernels import _helper\n",
        "train/__init__.py": "from ..parallel import x\nimport torch\n",
        "parallel/__init__.py": "",
    }
    for rel, text in files.items():
        (tmp_path / "gpuparam" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "gpuparam" / rel).write_text(text)
    modules = read_modules(tmp_path / "gpuparam")
    page = LAYOUT_TABLE
    assert membership_problems(modules, page) == ["gpuparam/_big.py: in no row of docs/code-layout.md"]
    assert size_problems(modules) == [f"gpuparam/_big.py ({LINE_LIMIT + 1} lines)"]
    assert [p.split(": ", 1)[1] for p in arrow_problems(modules, page)] == [
        "tensor imports gpuparam.ops (ops), which docs/code-layout.md does not allow",
        "tensor imports gpuparam.ops._kernels (ops), which docs/code-layout.md does not allow",
        "train imports gpuparam.parallel (parallel), which docs/code-layout.md does not allow"]
    assert cycles(modules) == [["gpuparam._tensor", "gpuparam.ops", "gpuparam.ops._kernels"]]
    assert private_problems(modules) == [
        "gpuparam/_tensor.py:2: private module gpuparam.ops._kernels",
        "gpuparam/nn/__init__.py:2: private module gpuparam.ops._kernels",
        "gpuparam/nn/__init__.py:2: private name _helper of gpuparam.ops._kernels",
        "gpuparam/ops/seam.py:1: private name _hidden of gpuparam._tensor"]
    assert home_problems(modules, page, "cupy") == ["gpuparam/ops/_kernels.py:2: imports cupy"]
    assert home_problems(modules, page, "torch") == ["gpuparam/train/__init__.py:2: imports torch"]
    assert forbidden_problems(modules, page, "ops", "nn") == []
    (tmp_path / "gpuparam" / "ops" / "seam.py").write_text("from ..nn import Cell\n")
    assert forbidden_problems(read_modules(tmp_path / "gpuparam"), page, "ops", "nn") == [
        "gpuparam/ops/seam.py:1: ops imports gpuparam.nn (nn)"]


if __name__ == "__main__":  # a quick report: python tests/test_layering.py
    sys.exit(pytest.main([__file__, "-q"]))
