"""How cell trees keep parameter names unique: holders, parents, name indexes, renames.

Each cell caches ``{parameter name: parameter}`` for its subtree (its *index*), so that
checking a new name costs a dictionary look-up, not a walk of the model. An index is
extended in place when parameters arrive, and dropped (rebuilt on next use) when a
parameter leaves or a parameter it holds is renamed. To know which indexes a rename
touches, this module records which cells hold each parameter (weakly, so that neither
cells nor parameters are kept alive by it) and each cell records its parents.

A name is checked against the index of every root above the cells concerned: a cell
that belongs to two trees must keep both unambiguous.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._parameter import Parameter

if TYPE_CHECKING:
    from ._cell import Cell

# id(parameter) -> (weak reference to it, weak references to the cells that hold it)
_holders: dict[int, tuple[weakref.ref, list[weakref.ref]]] = {}
_sweep_at = 4096


def _sweep() -> None:
    """Forget dead parameters; amortized so registering stays O(1)."""
    global _sweep_at
    if len(_holders) < _sweep_at:
        return
    for key in [k for k, (ref, _) in _holders.items() if ref() is None]:
        del _holders[key]
    _sweep_at = max(4096, 2 * len(_holders))


def add_holder(param: Parameter, cell: Cell) -> None:
    """Record that ``cell`` holds ``param`` directly."""
    entry = _holders.get(id(param))
    if entry is None or entry[0]() is not param:
        entry = (weakref.ref(param), [])
        _holders[id(param)] = entry
        _sweep()
    if not any(ref() is cell for ref in entry[1]):
        entry[1].append(weakref.ref(cell))


def holders(param: Parameter) -> list[Cell]:
    """The live cells that still hold ``param`` directly."""
    entry = _holders.get(id(param))
    if entry is None or entry[0]() is not param:
        return []
    live = [cell for cell in (ref() for ref in entry[1])
            if cell is not None and cell._holds(param)]
    entry[1][:] = [weakref.ref(cell) for cell in live]
    return live


def parents(cell: Cell) -> list[Cell]:
    """The live cells that hold ``cell`` as a child (stale references are dropped)."""
    refs = cell.__dict__["_parents"]
    live = [p for p in (ref() for ref in refs)
            if p is not None and any(c is cell for c in p.__dict__["_cells"].values())]
    if len(live) != len(refs):
        refs[:] = [weakref.ref(p) for p in live]
    return live


def add_parent(child: Cell, parent: Cell) -> None:
    refs = child.__dict__["_parents"]
    if not any(ref() is parent for ref in refs):
        refs.append(weakref.ref(parent))


def ancestors(cells: Iterable[Cell]) -> list[Cell]:
    """``cells`` and every cell above them, each once."""
    out: list[Cell] = []
    seen: set[int] = set()
    stack = list(cells)
    while stack:
        cell = stack.pop()
        if id(cell) in seen:
            continue
        seen.add(id(cell))
        out.append(cell)
        stack.extend(parents(cell))
    return out


def invalidate(cells: Iterable[Cell]) -> None:
    """Drop the name index of ``cells`` and of every cell above them."""
    for cell in ancestors(cells):
        cell.__dict__["_index"] = None


def name_index(cell: Cell, rebuild: bool = False) -> dict[str, Parameter]:
    index = cell.__dict__["_index"]
    if rebuild or index is None:
        index = {param.name: param for _, param in cell.parameters_and_names()}
        cell.__dict__["_index"] = index
    return index


def check_free(where: str, cells: Iterable[Cell], incoming: list[tuple[str, Parameter]],
               leaving: Iterable[Parameter] = ()) -> None:
    """Raise ValueError if a name in ``incoming`` would be held by two different
    parameters in a tree containing ``cells`` (``leaving`` parameters are about to go)."""
    planned: dict[str, Parameter] = {}
    for name, param in incoming:
        if planned.setdefault(name, param) is not param:
            _clash(where, name)
    gone = {id(p) for p in leaving}
    for root in (c for c in ancestors(cells) if not parents(c)):
        for rebuild in (False, True):  # a clash seen in a cached index is confirmed afresh
            index = name_index(root, rebuild)
            clash: str | None = next(
                (name for name, param in planned.items()
                 if (other := index.get(name)) is not None and other is not param
                 and id(other) not in gone and other.name == name), None)
            if clash is None:
                break
            if rebuild:
                _clash(where, clash)


def _clash(where: str, name: str) -> None:
    raise ValueError(f"{where}: two different parameters would both be named {name!r}; "
                     "rename one (Parameter(..., name=...)) or give the cells other "
                     "attribute names.")


def record_added(cells: Iterable[Cell], names: Iterable[tuple[str, Parameter]]) -> None:
    """Extend the cached indexes of ``cells`` and their ancestors after an insertion."""
    names = list(names)
    for cell in ancestors(cells):
        index = cell.__dict__["_index"]
        if index is not None:
            index.update(names)


def rename(plan: Iterable[tuple[Parameter, str]], generated: bool = False) -> None:
    """Apply already-checked renames, dropping the indexes they make stale."""
    plan = [(p, n) for p, n in plan if p.name != n or p._named_by_user == generated]
    invalidate(cell for param, _ in plan for cell in holders(param))
    for param, name in plan:
        param._set_auto_name(name, generated)


def set_children(self: Cell, entries: list[tuple[str, Cell, str | None]], keep: bool) -> None:
    """Put ``(key, cell, prefix)`` entries among the children (``keep``) or make them
    the children; a cell with a prefix has its parameters renamed ``prefix + path``.
    Everything is checked before anything changes."""
    where = type(self).__name__
    cells = self.__dict__["_cells"]
    for key, child, _ in entries:
        if child is self or any(c is self for _, c in child.cells_and_names()):
            raise ValueError(f"{where}: cannot hold {type(child).__name__} as {key!r}: "
                             "it contains this cell, and a cell cannot contain itself.")
    new_ids = {id(child) for _, child, _ in entries}
    old = [cells[k] for k, _, _ in entries if k in cells] if keep else list(cells.values())
    replaced = [c for c in old if id(c) not in new_ids]
    plan = [(p, (prefix + path) if prefix is not None else p.name)
            for _, child, prefix in entries for path, p in child.parameters_and_names()]
    moving = [p for p, _ in plan]
    leaving = [p for c in replaced for p in c.get_parameters()] + moving
    check_free(where, [self], [(n, p) for p, n in plan], leaving)
    rename(plan)
    if keep:
        for key, child, _ in entries:
            self.__dict__.pop(key, None)
            cells[key] = child
    else:
        cells.clear()
        cells.update((key, child) for key, child, _ in entries)
    for _, child, _ in entries:
        add_parent(child, self)
    if replaced or not keep:
        invalidate([self])
    else:
        record_added([self], [(n, p) for p, n in plan])


def _on_user_rename(param: Parameter, new_name: str) -> None:
    cells = holders(param)
    if cells and new_name != param.name:
        check_free("Parameter.name", cells, [(new_name, param)])
        invalidate(cells)


def install() -> Any:
    """Let ``Parameter.name = ...`` consult the cell trees that hold the parameter."""
    Parameter._rename_hook = _on_user_rename
    return _on_user_rename
