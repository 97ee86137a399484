"""``Tensor``'s operators (``+``, ``==``, ``-t``, ...), as a mixin ``Tensor`` inherits.

Written as NumPy's ``NDArrayOperatorsMixin`` writes its operators: each dunder is made
once, in the class body, from the ``operator`` function it applies; every one reads
through ``self._read()`` and builds its result through ``self._wrap``, so the mixin
never names the class that inherits it. A result is Float32 where NumPy would promote
an integer tensor and a Python float to float64, as in MindSpore; errors are
gpuparam's, NumPy's only as detail.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _array_ops, _backend
from ._array_ops import as_array, float32_unless_float64
from ._backend import streams as _streams
from ._backend import Array

if TYPE_CHECKING:
    from ._tensor import Tensor

_Binary = Callable[[Any, Any], "Tensor"]
_Unary = Callable[[Any], "Tensor"]


def _unwrap(value: Any) -> Any:
    """``value`` with every Tensor in it (an index, a tuple of indices) made its array."""
    if isinstance(value, TensorOperators):  # every Tensor is one
        return value._read()
    if isinstance(value, tuple):
        return tuple(_unwrap(v) for v in value)
    return value


def _operand(value: Any, like: Array) -> Any:
    """Return ``value`` ready to combine with ``like`` (same backend; scalars stay weak)."""
    if isinstance(value, TensorOperators):
        array = value._read()
        if value._device is not None:
            _streams.check_same_device("Tensor", ("self", _streams.array_device(like)),
                                       ("other", value._device))
        return array
    if isinstance(value, (bool, numbers.Number)):
        return value
    array = as_array(value, "Tensor")
    xp = _backend.get_array_module(like)
    return xp.asarray(array)


def _operator_error(name: str, reflected: bool, a: Any, b: Any, exc: Exception) -> Exception:
    """The error of ``tensor <op> other`` in gpuparam's words (NumPy's only as detail)."""
    where = f"Tensor.__{'r' if reflected else ''}{name}__"
    shape_a, shape_b = tuple(a.shape), tuple(getattr(b, "shape", ()))
    if name == "matmul":
        problem = "cannot be multiplied as matrices"
    else:
        try:
            np.broadcast_shapes(shape_a, shape_b)
            problem = "cannot be combined"
        except ValueError:
            problem = "do not broadcast together"
    detail = (f"{where}: `other` (shape {shape_b}, {getattr(b, 'dtype', type(b).__name__)}) "
              f"and the tensor (shape {shape_a}, {a.dtype}) {problem} ({exc}).")
    return TypeError(detail) if isinstance(exc, TypeError) else ValueError(detail)


def _binary_method(op: Callable[[Any, Any], Any], name: str, reflected: bool = False) -> _Binary:
    """``__<name>__`` (or ``__r<name>__``): ``op`` on the two operands' arrays."""
    def method(self: Any, other: Any) -> Any:
        a = self._read()
        try:
            b = _operand(other, a)
        except TypeError:
            return NotImplemented
        try:
            out = op(b, a) if reflected else op(a, b)
        except (TypeError, ValueError) as exc:
            raise _operator_error(name, reflected, a, b, exc) from None
        return self._wrap(float32_unless_float64(out, self, other))

    method.__name__ = f"__{'r' if reflected else ''}{name}__"
    return method


def _numeric_methods(op: Callable[[Any, Any], Any], name: str) -> tuple[_Binary, _Binary]:
    """``__<name>__`` and its reflected ``__r<name>__``."""
    return _binary_method(op, name), _binary_method(op, name, reflected=True)


def _unary_method(function: Callable[[Array], Array], name: str) -> _Unary:
    """``__<name>__``: an array function of ``_array_ops`` on the tensor's array."""
    def method(self: Any) -> Any:
        return self._wrap(function(self._read()))

    method.__name__ = f"__{name}__"
    return method


class TensorOperators:
    """The operators of ``gpuparam.Tensor`` (inherited; not used on its own). The host
    provides ``_read()``, ``_wrap(array)`` and ``_device``."""

    if TYPE_CHECKING:
        _device: int | None

        def _read(self) -> Array: ...
        @staticmethod
        def _wrap(array: Array) -> Tensor: ...

    # Comparisons have no reflected form: Python tries the other operand's own.
    __eq__ = _binary_method(operator.eq, "eq")  # type: ignore[assignment]
    __ne__ = _binary_method(operator.ne, "ne")  # type: ignore[assignment]
    __lt__ = _binary_method(operator.lt, "lt")
    __le__ = _binary_method(operator.le, "le")
    __gt__ = _binary_method(operator.gt, "gt")
    __ge__ = _binary_method(operator.ge, "ge")

    __add__, __radd__ = _numeric_methods(operator.add, "add")
    __sub__, __rsub__ = _numeric_methods(operator.sub, "sub")
    __mul__, __rmul__ = _numeric_methods(operator.mul, "mul")
    __truediv__, __rtruediv__ = _numeric_methods(operator.truediv, "truediv")
    __floordiv__, __rfloordiv__ = _numeric_methods(operator.floordiv, "floordiv")
    __mod__, __rmod__ = _numeric_methods(operator.mod, "mod")
    __pow__, __rpow__ = _numeric_methods(operator.pow, "pow")
    __matmul__, __rmatmul__ = _numeric_methods(operator.matmul, "matmul")

    __neg__ = _unary_method(_array_ops.neg, "neg")
    __pos__ = _unary_method(_array_ops.positive, "pos")
    __abs__ = _unary_method(_array_ops.abs, "abs")


__all__ = ["TensorOperators"]
