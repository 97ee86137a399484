"""``Tensor``'s operands and operators: Python data made arrays; ``+``, ``==``, ``-t``, ...

``Tensor`` (``_tensor``) inherits :class:`TensorOperators` for its typed declarations
and, once defined, calls :func:`attach`, which sets the binary, comparison and unary
dunders on it. A result is Float32 where NumPy would promote an integer tensor and a
Python float to float64, as in MindSpore; errors are gpuparam's, NumPy's only as detail.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _backend, _backend_streams as _streams
from ._backend import Array
from ._dtype import DType
from ._errors import type_error, value_error

if TYPE_CHECKING:
    from ._tensor import Tensor

# The Tensor class, set by attach(): ``_tensor`` imports this module, not the reverse.
_tensor_class: type[Tensor]


def _infer_from_python(data: Any, where: str) -> np.ndarray:
    """Build a host array from Python data: int -> int64, float -> float32, bool -> bool,
    complex -> complex128 (MindSpore narrows only float64)."""
    try:
        host = np.asarray(data)
    except (ValueError, TypeError) as exc:  # ragged lists and the like
        raise value_error(where, "input_data", data, f"rectangular nested lists ({exc})") from None
    if host.dtype == np.float64:
        host = host.astype(np.float32)  # Python floats become Float32, as in MindSpore
    elif host.dtype == object:  # NumPy's fallback for ints beyond 64 bits
        raise value_error(where, "input_data", data, "numbers within the Int64 or UInt64 "
                          "range (for a larger number pass a float, e.g. 2.0 ** 70)")
    return host


def _host_or_device_array(data: Any, where: str) -> Array:
    """Return ``data`` (not a Tensor) as an array of NumPy or CuPy, without a dtype cast."""
    if isinstance(data, np.ndarray) or _backend.is_device_array(data):
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    if isinstance(data, (bool, numbers.Number, list, tuple)):
        return _infer_from_python(data, where)
    if hasattr(data, "__dlpack__"):  # torch.Tensor, jax.Array, ...: share, do not guess
        raise type_error(where, "input_data", data,
                         "a Tensor, a NumPy or CuPy array, a nested list/tuple or a Python "
                         "scalar; for a DLPack producer such as a torch.Tensor or jax.Array "
                         "use gpuparam.from_dlpack(x) (shares its memory)")
    raise type_error(where, "input_data", data,
                     "a Tensor, a NumPy or CuPy array, a nested list/tuple or a Python scalar")


class TensorOperators:
    """The operators of ``gpuparam.Tensor``, declared for type checkers (inherited; the
    implementations are set on ``Tensor`` by :func:`attach`)."""

    if TYPE_CHECKING:
        def __add__(self, other: Any) -> Tensor: ...
        def __radd__(self, other: Any) -> Tensor: ...
        def __sub__(self, other: Any) -> Tensor: ...
        def __rsub__(self, other: Any) -> Tensor: ...
        def __mul__(self, other: Any) -> Tensor: ...
        def __rmul__(self, other: Any) -> Tensor: ...
        def __truediv__(self, other: Any) -> Tensor: ...
        def __rtruediv__(self, other: Any) -> Tensor: ...
        def __floordiv__(self, other: Any) -> Tensor: ...
        def __rfloordiv__(self, other: Any) -> Tensor: ...
        def __mod__(self, other: Any) -> Tensor: ...
        def __rmod__(self, other: Any) -> Tensor: ...
        def __pow__(self, other: Any) -> Tensor: ...
        def __rpow__(self, other: Any) -> Tensor: ...
        def __matmul__(self, other: Any) -> Tensor: ...
        def __rmatmul__(self, other: Any) -> Tensor: ...
        def __eq__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __ne__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __lt__(self, other: Any) -> Tensor: ...
        def __le__(self, other: Any) -> Tensor: ...
        def __gt__(self, other: Any) -> Tensor: ...
        def __ge__(self, other: Any) -> Tensor: ...
        def __neg__(self) -> Tensor: ...
        def __pos__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...


def _unwrap(value: Any) -> Any:
    if isinstance(value, _tensor_class):
        return value._read()
    if isinstance(value, tuple):
        return tuple(_unwrap(v) for v in value)
    return value


def _operand(value: Any, like: Array) -> Any:
    """Return ``value`` ready to combine with ``like`` (same backend; scalars stay weak)."""
    if isinstance(value, _tensor_class):
        array = value._read()
        if value._device is not None:
            _streams.check_same_device("Tensor", ("self", _streams.array_device(like)),
                                       ("other", value._device))
        return array
    if isinstance(value, (bool, numbers.Number)):
        return value
    array = _host_or_device_array(value, "Tensor")
    xp = _backend.get_array_module(like)
    return xp.asarray(array)


def _is_float64(value: Any) -> bool:
    dtype = getattr(value, "dtype", None)
    if isinstance(dtype, DType):
        return dtype.name == "float64"
    return dtype is not None and np.dtype(dtype) == np.float64


def _result(array: Array, *inputs: Any) -> Tensor:
    # An integer tensor with a Python float gives float64 in NumPy; MindSpore gives Float32.
    if array.dtype == np.float64 and not any(_is_float64(v) for v in inputs):
        array = array.astype(np.float32)
    return _tensor_class._from_array(array)


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


def _binary(op: Callable[[Any, Any], Any], name: str) -> tuple[Any, Any]:
    def apply(self: Tensor, other: Any, reflected: bool) -> Any:
        a = self._read()
        try:
            b = _operand(other, a)
        except TypeError:
            return NotImplemented
        try:
            out = op(b, a) if reflected else op(a, b)
        except (TypeError, ValueError) as exc:
            raise _operator_error(name, reflected, a, b, exc) from None
        return _result(out, self, other)

    def forward(self: Tensor, other: Any) -> Any:
        return apply(self, other, False)

    def reflected(self: Tensor, other: Any) -> Any:
        return apply(self, other, True)

    forward.__name__, reflected.__name__ = f"__{name}__", f"__r{name}__"
    return forward, reflected


def attach(tensor_class: type[Tensor]) -> None:
    """Set the operators on ``tensor_class`` (``Tensor``), which the helpers above build."""
    global _tensor_class
    _tensor_class = tensor_class
    for _name, _op in [("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                       ("truediv", operator.truediv), ("floordiv", operator.floordiv),
                       ("mod", operator.mod), ("pow", operator.pow), ("matmul", operator.matmul)]:
        _fwd, _refl = _binary(_op, _name)
        setattr(tensor_class, f"__{_name}__", _fwd)
        setattr(tensor_class, f"__r{_name}__", _refl)

    for _name, _op in [("eq", operator.eq), ("ne", operator.ne), ("lt", operator.lt),
                       ("le", operator.le), ("gt", operator.gt), ("ge", operator.ge)]:
        setattr(tensor_class, f"__{_name}__", _binary(_op, _name)[0])

    for _name, _op in [("neg", operator.neg), ("pos", operator.pos), ("abs", operator.abs)]:
        def _unary(self: Tensor, _op: Callable[[Any], Any] = _op) -> Tensor:
            return _tensor_class._from_array(_op(self._read()))
        _unary.__name__ = f"__{_name}__"
        setattr(tensor_class, f"__{_name}__", _unary)
