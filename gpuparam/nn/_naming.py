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
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._parameter import Parameter, unique_generated_names

if TYPE_CHECKING:
    from ._cell import Cell

# id(parameter) -> (weak reference to it, weak references to the cells that hold it)
_holders: dict[int, tuple[weakref.ref, list[weakref.ref]]] = {}
_sweep_at = 4096

# Per-cell state derived from its registries; never copied or pickled (see ``adopt``).
DERIVED = ("_index", "_parents", "_held")


def _sweep() -> None:
    """Forget dead parameters; amortized so registering stays O(1)."""
    global _sweep_at
    if len(_holders) < _sweep_at:
        return
    for key in [k for k, (ref, _) in _holders.items() if ref() is None]:
        del _holders[key]
    _sweep_at = max(4096, 2 * len(_holders))


def add_holder(param: Parameter, cell: Cell) -> None:
    """Record one more registration of ``param`` in ``cell`` (an attribute or a group)."""
    held = cell.__dict__["_held"]
    held[id(param)] = held.get(id(param), 0) + 1
    if held[id(param)] > 1:
        return
    entry = _holders.get(id(param))
    if entry is None or entry[0]() is not param:
        entry = (weakref.ref(param), [])
        _holders[id(param)] = entry
        _sweep()
    entry[1].append(weakref.ref(cell))


def drop_holder(param: Parameter, cell: Cell) -> None:
    """Record one registration of ``param`` in ``cell`` fewer."""
    held = cell.__dict__["_held"]
    held[id(param)] = held.get(id(param), 1) - 1
    if held[id(param)] > 0:
        return
    del held[id(param)]
    entry = _holders.get(id(param))
    if entry is not None and entry[0]() is param:
        entry[1][:] = [ref for ref in entry[1] if ref() is not None and ref() is not cell]


def holders(param: Parameter) -> list[Cell]:
    """The live cells that hold ``param`` directly."""
    entry = _holders.get(id(param))
    if entry is None or entry[0]() is not param:
        return []
    return [cell for cell in (ref() for ref in entry[1]) if cell is not None]


def parents(cell: Cell) -> list[Cell]:
    """The live cells that hold ``cell`` as a child."""
    return [p for p in (ref() for ref in cell.__dict__["_parents"]) if p is not None]


def add_parent(child: Cell, parent: Cell) -> None:
    refs = child.__dict__["_parents"]
    if not any(ref() is parent for ref in refs):
        refs.append(weakref.ref(parent))


def drop_parent(child: Cell, parent: Cell) -> None:
    """After ``parent`` let go of ``child``: forget the link unless it holds it still."""
    if not any(c is child for c in parent.__dict__["_cells"].values()):
        refs = child.__dict__["_parents"]
        refs[:] = [ref for ref in refs if ref() is not None and ref() is not parent]


def adopt(cell: Cell) -> None:
    """Give a copied or unpickled cell fresh derived state: no index, no parents, and
    its own parameters and children registered. Run it on children before parents
    (``Cell.__setstate__`` does, for both pickle and ``copy.deepcopy``)."""
    cell.__dict__.update(_index=None, _parents=[], _held={})
    for param in cell.__dict__["_params"].values():
        add_holder(param, cell)
    for _, members in cell.__dict__["_groups"].values():
        for param in members.values():
            add_holder(param, cell)
    for child in cell.__dict__["_cells"].values():
        add_parent(child, cell)


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
    if keep:
        clashing = [k for k, _, _ in entries if k in self.__dict__["_params"]]
        if clashing:
            raise TypeError(f"{where}.{clashing[0]}: `value` must be a Parameter or a Tensor "
                            "(the attribute holds a parameter), got a Cell.")
    plan = [(p, (prefix + path) if prefix is not None else p.name)
            for _, child, prefix in entries for path, p in child.parameters_and_names()]
    moving = [p for p, _ in plan]
    leaving = [p for c in replaced for p in c.get_parameters()] + moving
    check_free(where, [self], [(n, p) for p, n in plan], leaving)
    rename(plan)
    if keep:
        released = [p for key, _, _ in entries for p in self._release(key, keep_cell=True)]
        for key, child, _ in entries:
            cells[key] = child
    else:
        released = []
        cells.clear()
        cells.update((key, child) for key, child, _ in entries)
    for _, child, _ in entries:
        add_parent(child, self)
    for child in replaced:
        drop_parent(child, self)
    if replaced or released or not keep:
        invalidate([self])
    else:
        record_added([self], [(n, p) for p, n in plan])


def add_group(self: Cell, name: str, value: Any) -> None:
    """Register a ParameterTuple or a list/tuple of Parameters; never-named ones get
    ``Parameter$<n>`` (MindSpore's names), counted per cell."""
    where = type(self).__name__
    plan = unique_generated_names(where, value, first=self.__dict__["_group_id"])
    members: OrderedDict[str, Parameter] = OrderedDict()
    for param in value:
        members.setdefault(plan.get(id(param), param.name), param)
    old = self.__dict__["_params"].get(name)
    leaving = [old] if old is not None else \
        list(self.__dict__["_groups"].get(name, (None, {}))[1].values())
    check_free(where, [self], list(members.items()), leaving)
    if plan:
        self.__dict__["_group_id"] = max(int(n.split("$")[1]) for n in plan.values()) + 1
    rename([(p, plan[id(p)]) for p in members.values() if id(p) in plan], generated=True)
    released = self._release(name)
    for param in members.values():
        add_holder(param, self)
    self.__dict__["_groups"][name] = (value, members)
    if released:
        invalidate([self])
    else:
        record_added([self], members.items())


def _on_user_rename(param: Parameter, new_name: str) -> None:
    cells = holders(param)
    if cells and new_name != param.name:
        check_free("Parameter.name", cells, [(new_name, param)])
        invalidate(cells)


def install() -> Any:
    """Let ``Parameter.name = ...`` consult the cell trees that hold the parameter."""
    Parameter._rename_hook = _on_user_rename
    return _on_user_rename
