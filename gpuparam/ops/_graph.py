"""MindSpore's graph-building helpers that mean something when run eagerly.

``stop_gradient`` (the identity: gpuparam has no gradients to stop), ``partial``,
``add_flags``, ``jit`` (the function itself: gpuparam runs eagerly), and the dispatch
helpers of ``ops.composite``: ``MultitypeFuncGraph`` (a function chosen by the types of
its arguments), ``HyperMap`` and ``Map`` (a function applied across sequences).
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from typing import Any

from .._errors import type_error
from .._tensor import Tensor


def stop_gradient(value: Any) -> Any:
    """Return ``value``: MindSpore's marker that no gradient flows through it.

    gpuparam computes no gradients, so the value passes unchanged (the same object).

    Example:
        >>> from gpuparam import ops
        >>> ops.stop_gradient(3.0)
        3.0
    """
    return value


def partial(func: Callable[..., Any], *args: Any) -> Callable[..., Any]:
    """``func`` with its first arguments fixed to ``args`` (``F.partial``).

    Example:
        >>> from gpuparam import ops
        >>> add_two = ops.partial(lambda a, b: a + b, 2)
        >>> add_two(5)
        7
    """
    if not callable(func):
        raise type_error("partial", "func", func, "a callable")
    return functools.partial(func, *args)


def add_flags(fn: Any = None, **flags: Any) -> Any:
    """Attach MindSpore's graph flags to a function (kept in ``fn._func_graph_flags``).

    Works as ``add_flags(fn, has_effect=True)`` and as the decorator
    ``@add_flags(has_effect=True)``; the function itself is returned and runs as before.

    Example:
        >>> from gpuparam import ops
        >>> @ops.add_flags(has_effect=True)
        ... def f(x):
        ...     return x
        >>> f._func_graph_flags, f(1)
        ({'has_effect': True}, 1)
    """
    def decorate(function: Any) -> Any:
        if not callable(function):
            raise type_error("add_flags", "fn", function, "a function")
        existing = dict(getattr(function, "_func_graph_flags", {}))
        existing.update(flags)
        function._func_graph_flags = existing
        return function

    return decorate if fn is None else decorate(fn)


def jit(function: Any = None, **options: Any) -> Any:
    """MindSpore's graph-compilation decorator: the function itself, run eagerly.

    ``@jit``, ``@jit(...)`` with any of MindSpore's compile options, and ``jit(fn)`` all
    return ``fn`` unchanged: gpuparam has no graph compiler, and the options (``mode``,
    ``jit_level``, ``input_signature``, ...) only tune compilation.

    Example:
        >>> import gpuparam
        >>> @gpuparam.jit
        ... def double(x):
        ...     return 2 * x
        >>> double(3)
        6
    """
    def decorate(fn: Any) -> Any:
        if not callable(fn):
            raise type_error("jit", "function", fn, "a function or a Cell method")
        return fn

    return decorate if function is None else decorate(function)


# MindSpore's type names for ``MultitypeFuncGraph.register``, as Python checks.
_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "Tensor": lambda v: isinstance(v, Tensor),
    "Number": lambda v: isinstance(v, numbers.Number),
    "Int": lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, float),
    "Bool": lambda v: isinstance(v, bool),
    "Tuple": lambda v: isinstance(v, tuple),
    "List": lambda v: isinstance(v, list),
    "Dictionary": lambda v: isinstance(v, dict),
    "String": lambda v: isinstance(v, str),
    "None": lambda v: v is None,
    "Function": callable,
}


class MultitypeFuncGraph:
    """A function with one implementation per argument types, as ``C.MultitypeFuncGraph``.

    ``register("Number", "Tensor")`` decorates an implementation; a call runs the first
    registered one whose types match (a lone implementation runs for any arguments,
    as in MindSpore). Type names: ``Tensor``, ``Number``, ``Int``, ``Float``, ``Bool``,
    ``Tuple``, ``List``, ``Dictionary``, ``String``, ``None``, ``Function``.

    Example:
        >>> from gpuparam import ops
        >>> add = ops.MultitypeFuncGraph("add")
        >>> @add.register("Number", "Number")
        ... def _(x, y):
        ...     return x + y
        >>> @add.register("String", "String")
        ... def _(x, y):
        ...     return x + " " + y
        >>> add(1, 2), add("a", "b")
        (3, 'a b')
    """

    def __init__(self, name: str, read_value: bool = False) -> None:
        if not isinstance(name, str):
            raise type_error("MultitypeFuncGraph", "name", name, "a str")
        self.name = name
        self.read_value = read_value
        self.entries: list[tuple[tuple[str, ...], Callable[..., Any]]] = []

    def register(self, *type_names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: register an implementation for arguments of ``type_names``."""
        for name in type_names:
            if name not in _TYPE_CHECKS:
                raise ValueError(f"MultitypeFuncGraph.register: `type_names` must be among "
                                 f"{sorted(_TYPE_CHECKS)}, got {name!r}.")

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.entries.append((tuple(type_names), fn))
            return fn

        return decorate

    def __call__(self, *args: Any) -> Any:
        if len(self.entries) == 1:
            return self.entries[0][1](*args)
        for names, fn in self.entries:
            if len(names) == len(args) and all(_TYPE_CHECKS[n](a) for n, a in zip(names, args)):
                return fn(*args)
        got = tuple(type(a).__name__ for a in args)
        raise ValueError(f"MultitypeFuncGraph {self.name!r}: no implementation registered for "
                         f"arguments of types {got}; registered: {[n for n, _ in self.entries]}.")


class HyperMap:
    """Apply a function element by element across (nested) tuples and lists.

    ``HyperMap()(f, xs, ys)`` is ``tuple(f(x, y) ...)``, recursing into nested sequences;
    ``HyperMap(f)(xs, ys)`` fixes ``f`` at construction.

    Example:
        >>> from gpuparam import ops
        >>> ops.HyperMap()(lambda a, b: a * b, ((1, 2), 3), ((4, 5), 6))
        ((4, 10), 18)
    """

    _recursive = True

    def __init__(self, ops: Callable[..., Any] | None = None, reverse: bool = False) -> None:
        if ops is not None and not callable(ops):
            raise type_error(type(self).__name__, "ops", ops, "None or a callable")
        self.ops = ops
        self.reverse = reverse

    def __call__(self, *args: Any) -> Any:
        func, sequences = (self.ops, args) if self.ops is not None else (args[0], args[1:])
        if not sequences:
            raise TypeError(f"{type(self).__name__}: give the sequences to map over.")
        return self._map(func, sequences)

    def _map(self, func: Callable[..., Any], items: tuple[Any, ...]) -> Any:
        if not isinstance(items[0], (tuple, list)):
            return func(*items)
        lengths = {len(s) if isinstance(s, (tuple, list)) else None for s in items}
        if len(lengths) != 1:
            raise ValueError(f"{type(self).__name__}: the sequences must have one length and "
                             f"structure, got lengths {sorted(map(str, lengths))}.")
        step = (lambda *xs: self._map(func, xs)) if self._recursive else func
        indices = range(len(items[0]))
        results = [step(*(s[i] for s in items)) for i in (reversed(indices) if self.reverse else indices)]
        return tuple(reversed(results) if self.reverse else results)


class Map(HyperMap):
    """``HyperMap`` for one level only: ``Map()(f, xs)`` is ``tuple(f(x) for x in xs)``."""

    _recursive = False


__all__ = ["HyperMap", "Map", "MultitypeFuncGraph", "add_flags", "jit", "partial",
           "stop_gradient"]
