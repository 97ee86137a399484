"""The naming state of a cell: ``Registry`` (registration, naming, traversal).

Every ``Cell`` holds one ``Registry`` and delegates to it; nothing else edits it. The
rules are MindSpore's (docs/parameters-and-cells.md, "Names"):

- a parameter never named takes its attribute name;
- a child registered where ``auto_prefix`` is True has every parameter of its subtree
  renamed ``attribute.path``, given names included;
- the never-named parameters of a group (a ParameterTuple, or a list/tuple of
  parameters) become ``Parameter$<n>``, counted per registry;
- an attribute may hold ``None`` as an empty parameter or child slot.

And gpuparam's, stricter: two different parameters with one full name in a tree are an
error (MindSpore keeps one silently), checked in *every* tree that holds a parameter
being named, and a refused registration changes nothing, anywhere.

A registry's children are *nodes*: a cell, which carries its registry as ``_registry``,
or a bare ``Registry`` (``registry_of`` tells which), so these rules are tested without
cells (tests/test_cell_registry.py).

Bookkeeping, derived from the entries and never copied or pickled: each registry caches
``{parameter name: parameter}`` for its subtree (its *index*), so that checking a new
name costs a look-up rather than a walk of the model; an index is extended in place when
parameters arrive and dropped (rebuilt on next use) when a parameter leaves or one it
holds is renamed. Each registry records its parents weakly; which registries hold each
parameter, and the checks that walk up from there, are in ``_naming``.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from .._parameter import Parameter, unique_generated_names
from . import _naming


def registry_of(node: Any) -> Registry:
    """The registry of a node: a Registry itself, or the one a cell carries."""
    return node if isinstance(node, Registry) else node._registry


class Registry:
    """What one cell registers under which attribute, and the names of its parameters.

    Args:
        label: The owner's name in error messages (the cell's class name).
        auto_prefix: Whether children's parameters are renamed after their path here.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Parameter, Tensor
        >>> root, child = Registry(), Registry()
        >>> child.set_parameter("weight", Parameter(Tensor(np.ones(2, np.float32))))
        >>> root.set_child("conv", child)
        >>> [(path, p.name) for path, p in root.parameters_and_names()]
        [('conv.weight', 'conv.weight')]
    """

    def __init__(self, label: str = "Registry", auto_prefix: bool = True) -> None:
        self.label = label
        self.auto_prefix = auto_prefix
        self._params: OrderedDict[str, Parameter | None] = OrderedDict()
        self._children: OrderedDict[str, Any] = OrderedDict()
        self._groups: OrderedDict[str, tuple[Any, OrderedDict[str, Parameter]]] = OrderedDict()
        self._next_group_id = 1
        self._clear_bookkeeping()

    def _clear_bookkeeping(self) -> None:
        self._index: dict[str, Parameter] | None = None
        self._parents: list[weakref.ref] = []

    # ------------------------------------------------------------------ pickle and copy

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_index", "_parents")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # pickle and deepcopy finish a child's state before its parent's, so this
        # registry's children are complete here and it can link itself in as their parent.
        self.__dict__.update(state)
        self._clear_bookkeeping()
        for _, param in self._entries():
            _naming.hold(param, self)
        for child in self._children.values():
            if child is not None:
                registry_of(child)._link_parent(self)

    # ------------------------------------------------------------------ looking up

    @property
    def children(self) -> Mapping[str, Any]:
        """The children by attribute name, in order (an empty slot holds ``None``)."""
        return MappingProxyType(self._children)

    def __contains__(self, name: object) -> bool:
        return name in self._params or name in self._children or name in self._groups

    def holds_parameter(self, name: str) -> bool:
        """Whether the attribute ``name`` is a parameter (or an empty parameter slot)."""
        return name in self._params

    def holds_child(self, name: str) -> bool:
        """Whether the attribute ``name`` is a child (or an empty child slot)."""
        return name in self._children

    def lookup(self, name: str) -> Any:
        """What the attribute ``name`` holds (for a group: the value assigned).

        Raises:
            KeyError: If ``name`` is not registered here.
        """
        if name in self._params:
            return self._params[name]
        if name in self._children:
            return self._children[name]
        return self._groups[name][0]

    # ------------------------------------------------------------------ registering

    def set_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` as the attribute ``name`` (``None``: an empty slot), in place
        of whatever the attribute held. A parameter never named takes ``name``.

        Raises:
            ValueError: If the parameter's name is another parameter's in a tree that
                holds this registry; nothing changes then.
        """
        if param is None:
            self._empty_slot(self._params, name)
            return
        new_name = param.name if param._named_by_user else name
        _naming.check_free(self.label, [self], [(new_name, param)], self._leaving([name]))
        if not param._named_by_user:
            _naming.rename([(param, name)])
        released = self._release(name)
        self._params[name] = param
        _naming.hold(param, self)
        if released:
            self._invalidate()
        else:
            self._record_added([(new_name, param)])

    def set_group(self, name: str, value: Any) -> None:
        """Register a ParameterTuple or a list/tuple of Parameters as the attribute
        ``name``; never-named members are named ``Parameter$<n>`` (MindSpore's names)."""
        plan = unique_generated_names(self.label, value, first=self._next_group_id)
        members: OrderedDict[str, Parameter] = OrderedDict()
        for param in value:
            members.setdefault(plan.get(id(param), param.name), param)
        _naming.check_free(self.label, [self], list(members.items()), self._leaving([name]))
        if plan:
            self._next_group_id = max(int(n.split("$")[1]) for n in plan.values()) + 1
        _naming.rename([(p, plan[id(p)]) for p in members.values() if id(p) in plan], generated=True)
        released = self._release(name)
        for param in members.values():
            _naming.hold(param, self)
        self._groups[name] = (value, members)
        if released:
            self._invalidate()
        else:
            self._record_added(members.items())

    def set_child(self, name: str, node: Any) -> None:
        """Register ``node`` as the child ``name`` (``None``: an empty slot); with
        ``auto_prefix``, its parameters are renamed ``name.path``."""
        if node is None:
            self._empty_slot(self._children, name)
            return
        self.set_children([(name, node, f"{name}." if self.auto_prefix else None)], keep=True)

    def set_children(self, entries: list[tuple[str, Any, str | None]], keep: bool) -> None:
        """Put ``(key, node, prefix)`` entries among the children (``keep``), or make them
        the children, in order; a node with a prefix has its parameters renamed
        ``prefix + path``. Everything is checked, in every tree concerned, before
        anything changes.

        Raises:
            ValueError: If a node contains this registry, or on a name clash.
            TypeError: If a key (with ``keep``) names a parameter.
        """
        where = self.label
        incoming = [registry_of(node) for _, node, _ in entries]
        for (key, _, _), registry in zip(entries, incoming):
            if any(r is self for r in registry._subtree()):
                raise ValueError(f"{where}: cannot hold {registry.label} as {key!r}: it "
                                 "contains this cell, and a cell cannot contain itself.")
        if keep:
            clashing = [key for key, _, _ in entries if key in self._params]
            if clashing:
                raise TypeError(f"{where}.{clashing[0]}: `value` must be a Parameter or a "
                                "Tensor (the attribute holds a parameter), got a Cell.")
        new_ids = {id(node) for _, node, _ in entries}
        old = [self._children.get(key) for key, _, _ in entries] if keep \
            else list(self._children.values())
        replaced = [node for node in old if node is not None and id(node) not in new_ids]
        plan = [(p, (prefix + path) if prefix is not None else p.name)
                for (_, _, prefix), registry in zip(entries, incoming)
                for path, p in registry.parameters_and_names()]
        leaving = [p for node in replaced for _, p in registry_of(node).parameters_and_names()]
        leaving += self._leaving([key for key, _, _ in entries]) if keep else []
        _naming.check_free(where, [self], [(n, p) for p, n in plan], leaving + [p for p, _ in plan],
                    entering=incoming)
        _naming.rename(plan)
        if keep:
            released = [p for key, _, _ in entries for p in self._release(key, keep_child=True)]
            self._children.update((key, node) for key, node, _ in entries)
        else:
            released = []
            self._children.clear()
            self._children.update((key, node) for key, node, _ in entries)
        for registry in incoming:
            registry._link_parent(self)
        for node in replaced:
            registry_of(node)._unlink_parent(self)
        if replaced or released or not keep:
            self._invalidate()
        else:
            self._record_added([(n, p) for p, n in plan])

    def _empty_slot(self, entries: OrderedDict[str, Any], name: str) -> None:
        """Make ``name`` an empty slot (``None``) among ``entries``, dropping what it held."""
        released = self._release(name)
        entries[name] = None
        if released:
            self._invalidate()

    def release(self, name: str) -> bool:
        """Unregister the attribute ``name``; return whether it was registered."""
        if name not in self:
            return False
        if self._release(name):
            self._invalidate()
        return True

    def _release(self, name: str, keep_child: bool = False) -> list[Any]:
        """Empty the entry ``name`` (a child stays, to be replaced, with ``keep_child``) and
        return what it held; the caller drops the indexes this makes stale."""
        released: list[Any] = []
        param = self._params.pop(name, None)
        if param is not None:
            released.append(param)
        if name in self._groups:
            released.extend(self._groups.pop(name)[1].values())
        for p in released:
            _naming.unhold(p, self)
        if name in self._children and not keep_child:
            child = self._children.pop(name)
            if child is not None:
                registry_of(child)._unlink_parent(self)
                released.append(child)
        return released

    def _leaving(self, names: Iterable[str]) -> list[Parameter]:
        """The parameters that registering over the attributes ``names`` would drop."""
        out: list[Parameter] = []
        for name in names:
            param = self._params.get(name)
            if param is not None:
                out.append(param)
            out.extend(self._groups.get(name, (None, {}))[1].values())
            child = self._children.get(name)
            if child is not None:
                out.extend(p for _, p in registry_of(child).parameters_and_names())
        return out

    # ------------------------------------------------------------------ walking

    def walk(self, own: Any, prefix: str = "",
             seen: set[int] | None = None) -> Iterator[tuple[str, Any]]:
        """Yield ``(path, node)`` for ``own`` (the node holding this registry) and every
        node below it, each once (``seen``: ids of nodes already yielded)."""
        seen = set() if seen is None else seen
        if id(own) in seen:
            return
        seen.add(id(own))
        yield prefix, own
        for name, child in self._children.items():
            if child is not None:
                yield from registry_of(child).walk(child, f"{prefix}.{name}" if prefix else name,
                                                   seen)

    def _subtree(self) -> Iterator[Registry]:
        for _, node in self.walk(self):
            yield registry_of(node)

    def unique_children(self) -> OrderedDict[str, Any]:
        """The children by attribute name, each once, empty slots left out."""
        out: OrderedDict[str, Any] = OrderedDict()
        seen: set[int] = set()
        for name, child in self._children.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                out[name] = child
        return out

    def _entries(self) -> Iterator[tuple[str, Parameter]]:
        """This registry's own ``(attribute, parameter)`` pairs, groups' members last."""
        for name, param in self._params.items():
            if param is not None:
                yield name, param
        for _, members in self._groups.values():
            yield from members.items()

    def parameters_and_names(self, prefix: str = "",
                             expand: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(attribute path, parameter)`` for every parameter, each once (with
        ``expand`` False: this registry's own only)."""
        registries = ((path, registry_of(node)) for path, node in self.walk(self, prefix)) \
            if expand else iter([(prefix, self)])
        seen: set[int] = set()
        for path, registry in registries:
            for name, param in registry._entries():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield (f"{path}.{name}" if path else name), param

    # ------------------------------------------------------------------ naming

    def rename_all(self, where: str, prefix: str, recurse: bool = True) -> None:
        """Rename every parameter ``prefix + attribute path`` (``update_parameters_name``)."""
        plan = [(p, prefix + path) for path, p in self.parameters_and_names(expand=recurse)]
        _naming.check_free(where, [self], [(n, p) for p, n in plan], [p for p, _ in plan])
        _naming.rename(plan)

    def check_names(self, where: str) -> None:
        """Raise ValueError if two different parameters of the tree share a name."""
        names: dict[str, Parameter] = {}
        for path, param in self.parameters_and_names():
            if names.setdefault(param.name, param) is not param:
                raise ValueError(f"{where}: the parameter at {path!r} is named {param.name!r}, "
                                 "a name another parameter already has.")

    # ------------------------------------------------------------------ bookkeeping

    def name_index(self, rebuild: bool = False) -> dict[str, Parameter]:
        """``{name: parameter}`` for the subtree, cached until ``forget_index``."""
        if rebuild or self._index is None:
            self._index = {param.name: param for _, param in self.parameters_and_names()}
        return self._index

    def extend_index(self, names: Iterable[tuple[str, Parameter]]) -> None:
        """Add ``(name, parameter)`` pairs to the cached index, if there is one."""
        if self._index is not None:
            self._index.update(names)

    def forget_index(self) -> None:
        self._index = None

    def _record_added(self, names: Iterable[tuple[str, Parameter]]) -> None:
        _naming.record_added([self], list(names))

    def _invalidate(self) -> None:
        _naming.invalidate([self])

    def parents(self) -> list[Registry]:
        """The live registries that hold this one as a child."""
        return [p for p in (ref() for ref in self._parents) if p is not None]

    def _link_parent(self, parent: Registry) -> None:
        if not any(ref() is parent for ref in self._parents):
            self._parents.append(weakref.ref(parent))

    def _unlink_parent(self, parent: Registry) -> None:
        """After ``parent`` let go of this registry: forget it, unless it holds it still."""
        if not any(c is not None and registry_of(c) is self for c in parent._children.values()):
            self._parents[:] = [r for r in self._parents if r() is not None and r() is not parent]


__all__ = ["Registry", "registry_of"]
