"""Parameter names across registry trees: who holds each parameter, and the checks.

A registry (``_registry.Registry``) may sit in several trees (a cell shared by two
models), and a parameter in several registries (weight tying). A name is therefore
checked against the index of every root above the registries concerned, and a rename
drops the cached index of every registry above each holder. This module keeps the
table of holders (weak references both ways, so that it keeps nothing alive) and the
functions that walk up from it; it works on registries through their public methods
(``parents``, ``name_index``, ``extend_index``, ``forget_index``) only.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._parameter import Parameter

if TYPE_CHECKING:
    from ._registry import Registry

# id(parameter) -> (weak reference to it, {id(registry): [weak reference, registrations]})
_holders: dict[int, tuple[weakref.ref, dict[int, list[Any]]]] = {}
_sweep_at = 4096


def hold(param: Parameter, registry: Registry) -> None:
    """Count one more registration of ``param`` in ``registry`` (an attribute or a group)."""
    entry = _holders.get(id(param))
    if entry is None or entry[0]() is not param:
        entry = (weakref.ref(param), {})
        _holders[id(param)] = entry
        _sweep()
    slot = entry[1].get(id(registry))
    if slot is None or slot[0]() is not registry:
        entry[1][id(registry)] = [weakref.ref(registry), 1]
    else:
        slot[1] += 1


def unhold(param: Parameter, registry: Registry) -> None:
    """Count one registration of ``param`` in ``registry`` fewer."""
    entry = _holders.get(id(param))
    if entry is None or entry[0]() is not param:
        return
    slot = entry[1].get(id(registry))
    if slot is not None and slot[0]() is registry:
        slot[1] -= 1
        if slot[1] > 0:
            return
    entry[1].pop(id(registry), None)


def holders(param: Parameter) -> list[Registry]:
    """The live registries that hold ``param`` directly."""
    entry = _holders.get(id(param))
    if entry is None or entry[0]() is not param:
        return []
    return [r for r in (slot[0]() for slot in entry[1].values()) if r is not None]


def _sweep() -> None:
    """Forget dead parameters; amortized so that registering stays O(1)."""
    global _sweep_at
    if len(_holders) < _sweep_at:
        return
    for key in [k for k, (ref, _) in _holders.items() if ref() is None]:
        del _holders[key]
    _sweep_at = max(4096, 2 * len(_holders))


def ancestors(registries: Iterable[Registry]) -> list[Registry]:
    """``registries`` and every registry above them, each once."""
    out: list[Registry] = []
    seen: set[int] = set()
    stack = list(registries)
    while stack:
        registry = stack.pop()
        if id(registry) not in seen:
            seen.add(id(registry))
            out.append(registry)
            stack.extend(registry.parents())
    return out


def invalidate(registries: Iterable[Registry]) -> None:
    """Drop the name index of ``registries`` and of every registry above them."""
    for registry in ancestors(registries):
        registry.forget_index()


def record_added(registries: Iterable[Registry], names: list[tuple[str, Parameter]]) -> None:
    """Extend the cached indexes of ``registries`` and their ancestors after an insertion."""
    for registry in ancestors(registries):
        registry.extend_index(names)


def check_free(where: str, registries: Iterable[Registry], incoming: list[tuple[str, Parameter]],
               leaving: Iterable[Parameter] = (), entering: Iterable[Registry] = ()) -> None:
    """Raise ValueError if a name in ``incoming`` would be held by two different
    parameters in a tree that holds ``registries`` or one of the incoming parameters.

    ``leaving`` parameters are about to go. ``entering`` registries are about to join
    ``registries``, so every parameter under them is in ``incoming``: their own trees
    need no check, but any other tree that holds them does.
    """
    planned: dict[str, Parameter] = {}
    for name, param in incoming:
        if planned.setdefault(name, param) is not param:
            _clash(where, name)
    gone = {id(p) for p in leaving}
    skip = {id(r) for r in entering}
    above = ancestors(list(registries) + [r for p in planned.values() for r in holders(p)])
    for root in (r for r in above if not r.parents() and id(r) not in skip):
        for rebuild in (False, True):  # a clash seen in a cached index is confirmed afresh
            index = root.name_index(rebuild)
            clash = next((name for name, param in planned.items()
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


def rename(plan: Iterable[tuple[Parameter, str]], generated: bool = False) -> None:
    """Apply already-checked renames, dropping the indexes they make stale."""
    plan = [(p, n) for p, n in plan if p.name != n or p._named_by_user == generated]
    invalidate(r for param, _ in plan for r in holders(param))
    for param, name in plan:
        param._set_auto_name(name, generated)


def _on_user_rename(param: Parameter, new_name: str) -> None:
    held_by = holders(param)
    if held_by and new_name != param.name:
        check_free("Parameter.name", held_by, [(new_name, param)])
        invalidate(held_by)


def install() -> Any:
    """Let ``Parameter.name = ...`` consult the trees that hold the parameter."""
    Parameter._rename_hook = _on_user_rename
    return _on_user_rename
