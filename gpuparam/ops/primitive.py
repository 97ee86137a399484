"""MindSpore's ``ops.primitive`` path: ``Primitive``, ``PrimitiveWithInfer``,
``prim_attr_register`` and ``constexpr``.

``Primitive`` is the base of operator classes: a name, attributes in ``attrs``
(``add_prim_attr``) and MindSpore's bookkeeping methods. gpuparam's own primitives
that derive from it compute in ``__call__``; a model's own subclass that has no
``__call__`` (MindSpore would run a registered device kernel for it) raises
``NotImplementedError`` when called. ``constexpr`` runs the function eagerly, as
MindSpore's PyNative mode does.

Example:
    >>> from gpuparam.ops.primitive import Primitive, prim_attr_register
    >>> class Scale(Primitive):
    ...     @prim_attr_register
    ...     def __init__(self, factor=2.0):
    ...         self.init_prim_io_names(inputs=["x"], outputs=["y"])
    ...     def __call__(self, x):
    ...         return x * self.factor
    >>> op = Scale(factor=3.0)
    >>> op.name, op.attrs["factor"], op(2.0)
    ('Scale', 3.0, 6.0)
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._errors import type_error


class Primitive:
    """The base of operator primitives: a ``name`` and its attributes ``attrs``.

    Args:
        name: The primitive's name (its class name for gpuparam's own).

    Example:
        >>> from gpuparam.ops.primitive import Primitive
        >>> p = Primitive("custom").add_prim_attr("axis", 1)
        >>> p.name, p.attrs, p.axis
        ('custom', {'axis': 1}, 1)
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = type(self).__name__
        if not isinstance(name, str):
            raise type_error("Primitive", "name", name, "a str")
        self.name = name
        self.attrs: dict[str, Any] = {}
        self.init_attrs: dict[str, Any] = {"name": name}

    if TYPE_CHECKING:
        # Attributes come from add_prim_attr (and prim_attr_register) at run time, by
        # name; the type checker sees them as Any rather than as missing.
        def __getattr__(self, name: str) -> Any: ...

    def add_prim_attr(self, name: str, value: Any) -> Primitive:
        """Set attribute ``name`` (also readable as ``self.<name>``); returns ``self``."""
        if not isinstance(name, str):
            raise type_error(f"{self.name}.add_prim_attr", "name", name, "a str")
        self.__dict__[name] = value
        self.attrs[name] = value
        return self

    def add_prim_attrs(self, **attrs: Any) -> Primitive:
        """Set several attributes at once; returns ``self``."""
        for name, value in attrs.items():
            self.add_prim_attr(name, value)
        return self

    def del_prim_attr(self, name: str) -> Primitive:
        """Remove attribute ``name`` if it is set; returns ``self``."""
        if name in self.attrs:
            del self.attrs[name]
            self.__dict__.pop(name, None)
        return self

    def init_prim_io_names(self, inputs: Any, outputs: Any) -> None:
        """Record the names of the inputs and outputs (MindSpore's ``input_names``)."""
        self.add_prim_attr("input_names", list(inputs))
        self.add_prim_attr("output_names", list(outputs))

    def set_prim_instance_name(self, instance_name: str) -> Primitive:
        """Record the name of this instance in its cell (MindSpore's graph bookkeeping)."""
        self.instance_name = instance_name
        return self

    def set_device(self, device_target: str) -> Primitive:
        """Record ``primitive_target``; gpuparam computes where the input's data is."""
        return self.add_prim_attr("primitive_target", device_target)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{self.name}: this Primitive has no computation in gpuparam. MindSpore runs a "
            "registered device kernel for it; gpuparam has none of those: give the class a "
            "`__call__` that computes its result (docs/porting.md).")

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.attrs.items() if k not in ("input_names", "output_names")}
        args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        return f"Prim[{self.name}]" + (f"<{args}>" if args else "")


class PrimitiveWithInfer(Primitive):
    """A ``Primitive`` that also describes its outputs (``infer_shape``, ``infer_dtype``,
    ``infer_value``), as MindSpore's; gpuparam never calls them itself."""

    def infer_shape(self, *args: Any) -> Any:
        return None

    def infer_dtype(self, *args: Any) -> Any:
        return None

    def infer_value(self, *args: Any) -> Any:
        return None


class PrimitiveWithCheck(Primitive):
    """A ``Primitive`` with ``check_shape``/``check_dtype`` hooks, as MindSpore's."""

    def check_shape(self, *args: Any) -> None:
        return None

    def check_dtype(self, *args: Any) -> None:
        return None


def prim_attr_register(fn: Callable[..., None]) -> Callable[..., None]:
    """Decorate a Primitive's ``__init__`` so that every argument becomes an attribute.

    The primitive is named after its class, then each bound argument (defaults
    included) is set with ``add_prim_attr`` before the body of ``__init__`` runs.
    """

    @functools.wraps(fn)
    def init(self: Primitive, *args: Any, **kwargs: Any) -> None:
        Primitive.__init__(self, type(self).__name__)
        bound = inspect.signature(fn).bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        del arguments[next(iter(arguments))]  # the instance
        del self.init_attrs["name"]
        for name, value in arguments.items():
            self.add_prim_attr(name, value)
            self.init_attrs[name] = value
        fn(self, *args, **kwargs)

    init.decorated_func = fn  # type: ignore[attr-defined]
    return init


def constexpr(fn: Callable[..., Any] | None = None, get_instance: bool = True,
              name: str | None = None, reuse_result: bool = True, check: bool = True) -> Any:
    """MindSpore's compile-time constant decorator: the function runs when called.

    MindSpore folds such a function into a constant while compiling a graph; gpuparam
    runs eagerly, so the decorated function is the function itself. Both ``@constexpr``
    and ``@constexpr(reuse_result=False)`` work.

    Example:
        >>> from gpuparam.ops import constexpr
        >>> @constexpr
        ... def tuple_len(t):
        ...     return len(t)
        >>> tuple_len((1, 2, 3))
        3
    """
    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(function):
            raise type_error("constexpr", "fn", function, "a function")
        return function

    return decorate if fn is None else decorate(fn)


__all__ = ["Primitive", "PrimitiveWithCheck", "PrimitiveWithInfer", "constexpr",
           "prim_attr_register"]
