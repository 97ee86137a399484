"""Operators that make tensors: ranges (``arange``, ``range``, ``linspace``, ``LinSpace``,
``make_range``), filled tensors (``zeros``/``Zeros``, ``ones``/``Ones``, ``full``,
``full_like``, ``Fill``/``fill``), ``Eye``/``eye``, ``tril``/``triu``, ``Meshgrid``,
``OneHot``/``one_hot`` and scalars (``tuple_to_array``, ``scalar_to_tensor``,
``ScalarCast``).

MindSpore's default dtypes: Float32 for ``zeros``, ``ones``, ``eye``, ``linspace``; the
inputs' kind for ranges (Python ints: Int64, floats: Float32); Int64 for ``full`` (even
with a float value, as MindSpore 2.x). A value written into a dtype is checked: one
outside the dtype's range is a ValueError (MindSpore wraps ``fill(int8, ..., 300)`` to
44); truncating a float into an integer dtype is allowed, as in every cast.
"""

from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from .. import _array_ops
from .._array_ops import check_scalar_fits
from .._dtype import DType, float32, float64, from_numpy, int32, int64
from .._errors import check_choice, check_int, type_error, value_error
from .._tensor import Tensor
from ._operands import (active_xp, dtype_arg, scalar_value, shape_arg, tensor_array,
                        tensor_arrays)


def _filled(where: str, shape: tuple[int, ...], value: Any, dtype: DType) -> Tensor:
    """A tensor of ``shape`` and ``dtype`` with every element ``value`` (checked to fit)."""
    value = scalar_value(where, "value", value)
    if isinstance(value, complex) and not dtype.is_complex:
        raise type_error(where, "value", value, f"a real number for a {dtype} tensor")
    if not isinstance(value, (bool, complex)) and dtype.name != "bool_":
        check_scalar_fits(where, "value", value, dtype)
    return Tensor._wrap(_array_ops.full(active_xp(), shape, value, dtype.numpy_dtype,
                                        where=where))


def _sequence_shape(where: str, arg: str, shape: Any) -> tuple[int, ...]:
    if not isinstance(shape, (tuple, list)):
        raise type_error(where, arg, shape, "a tuple or list of ints")
    return shape_arg(where, arg, shape)


def zeros(size: Any, dtype: Any = None) -> Tensor:
    """Zeros of shape ``size`` (an int, a tuple/list of ints or a 1-d int Tensor), Float32
    unless ``dtype`` says otherwise.

    Example:
        >>> from gpuparam import ops, int32
        >>> print(ops.zeros((2, 3)))
        [[0. 0. 0.]
         [0. 0. 0.]]
        >>> ops.zeros(4, int32).dtype
        gpuparam.int32
    """
    return _filled("zeros", shape_arg("zeros", "size", size), 0, dtype_arg("zeros", dtype, float32))


def ones(shape: Any, dtype: Any = None) -> Tensor:
    """Ones of ``shape`` (an int, a tuple/list of ints or a 1-d int Tensor), Float32 unless
    ``dtype`` says otherwise."""
    return _filled("ones", shape_arg("ones", "shape", shape), 1, dtype_arg("ones", dtype, float32))


class Zeros:
    """``Zeros()(size, dtype=None)``: ``ops.zeros`` as a primitive."""

    def __call__(self, size: Any, dtype: Any = None) -> Tensor:
        return _filled("Zeros", shape_arg("Zeros", "size", size), 0,
                       dtype_arg("Zeros", dtype, float32))


class Ones:
    """``Ones()(shape, dtype=None)``: ``ops.ones`` as a primitive."""

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        return _filled("Ones", shape_arg("Ones", "shape", shape), 1,
                       dtype_arg("Ones", dtype, float32))


def full(size: Any, fill_value: Any, *, dtype: Any = None) -> Tensor:
    """A tensor of shape ``size`` (a tuple or list of ints) with every element
    ``fill_value``; Int64 unless ``dtype`` says otherwise (MindSpore's default: a float
    value is truncated).

    Example:
        >>> from gpuparam import ops, float32
        >>> print(ops.full((2, 3), 1.2)), print(ops.full((2,), 1.5, dtype=float32))
        [[1 1 1]
         [1 1 1]]
        [1.5 1.5]
        (None, None)
    """
    return _filled("full", _sequence_shape("full", "size", size), fill_value,
                   dtype_arg("full", dtype, int64))


def full_like(input: Any, fill_value: Any, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """A tensor of ``input``'s shape with every element ``fill_value``, in ``input``'s dtype
    unless ``dtype`` says otherwise."""
    if not isinstance(input, Tensor):
        raise type_error("full_like", "input", input, "a Tensor")
    return _filled("full_like", input.shape, fill_value,
                   dtype_arg("full_like", dtype, input.dtype))


class Fill:
    """``Fill()(dtype, dims, x)``: a tensor of shape ``dims`` and ``dtype`` filled with ``x``.

    Example:
        >>> from gpuparam import ops, int32
        >>> print(ops.Fill()(int32, (2, 2), 7))
        [[7 7]
         [7 7]]
    """

    def __call__(self, dtype: Any, dims: Any, x: Any) -> Tensor:
        return _filled("Fill", _sequence_shape("Fill", "dims", dims), x,
                       dtype_arg("Fill", dtype, float32))


def fill(type: Any, shape: Any, value: Any) -> Tensor:  # noqa: A002  (MindSpore's name)
    """A tensor of ``shape`` and dtype ``type`` filled with ``value`` (``ops.Fill``)."""
    if type is None:
        raise type_error("fill", "type", type, "a dtype")
    return _filled("fill", _sequence_shape("fill", "shape", shape), value,
                   dtype_arg("fill", type, float32, "type"))


def _range_dtype(values: list[Any]) -> DType:
    return int64 if all(isinstance(v, numbers.Integral) for v in values) else float32


def arange(start: Any = 0, end: Any = None, step: Any = 1, *, dtype: Any = None) -> Tensor:
    """``start, start + step, ...`` before ``end`` (``arange(n)``: ``0 .. n-1``); numbers or
    one-element Tensors (read to the host: may synchronize the device). Int64 when all
    are ints, Float32 otherwise, unless ``dtype`` says.

    Example:
        >>> from gpuparam import ops
        >>> print(ops.arange(1, 6)), print(ops.arange(0, 2, 0.5))
        [1 2 3 4 5]
        [0.  0.5 1.  1.5]
        (None, None)
    """
    values = [scalar_value("arange", a, v) for a, v in (("start", start), ("end", end),
                                                       ("step", step)) if v is not None]
    if end is None:
        values = [0, *values]
    target = dtype_arg("arange", dtype, _range_dtype(values))
    first, last, stride = values
    return Tensor._wrap(_array_ops.arange(active_xp(), first, last, stride, target.numpy_dtype,
                                          where="arange"))


def range(start: Any, end: Any, step: Any, maxlen: int = 1000000) -> Tensor:  # noqa: A001
    """``start, start + step, ...`` before ``end`` (numbers or one-element Tensors), at most
    ``maxlen`` values; Int64 for ints, Float32 otherwise.

    Example:
        >>> from gpuparam import ops
        >>> print(ops.range(0, 6, 2))
        [0 2 4]
    """
    values = [scalar_value("range", a, v) for a, v in (("start", start), ("end", end),
                                                      ("step", step))]
    limit = check_int("range", "maxlen", maxlen, minimum=1)
    first, last, stride = values
    count = _array_ops.range_length(first, last, stride, where="range")
    if count > limit:
        raise value_error("range", "maxlen", maxlen, f"at least the {count} values of the range")
    return Tensor._wrap(_array_ops.arange(active_xp(), first, last, stride,
                                          _range_dtype(values).numpy_dtype, where="range"))


def make_range(*args: int) -> tuple[int, ...]:
    """``tuple(range(*args))`` for one to three ints (``stop``; ``start, stop``; ``start,
    stop, step``): MindSpore's graph-mode helper, a tuple of Python ints."""
    if not 1 <= len(args) <= 3 or not all(isinstance(a, int) and not isinstance(a, bool)
                                          for a in args):
        raise type_error("make_range", "args", args, "one to three ints")
    if len(args) == 3 and args[2] == 0:
        raise value_error("make_range", "step", args[2], "a non-zero int")
    return tuple(builtins.range(*args))


def linspace(start: Any, end: Any, steps: Any) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included (numbers or
    one-element Tensors); Float32 (Float64 when a Tensor argument is Float64).

    Example:
        >>> from gpuparam import ops
        >>> print(ops.linspace(3, 10, 5))
        [ 3.    4.75  6.5   8.25 10.  ]
    """
    wide = any(isinstance(v, Tensor) and v.dtype == float64 for v in (start, end))
    first, last = (scalar_value("linspace", a, v) for a, v in (("start", start), ("end", end)))
    count = scalar_value("linspace", "steps", steps)
    return Tensor._wrap(_array_ops.linspace(active_xp(), first, last, count,
                                            np.dtype(np.float64 if wide else np.float32),
                                            where="linspace"))


class LinSpace:
    """``LinSpace()(start, stop, num)``: ``num`` evenly spaced values from ``start`` to
    ``stop`` (0-d Float32 or Float64 Tensors of one dtype), in their dtype."""

    def __call__(self, start: Any, stop: Any, num: Any) -> Tensor:
        dtypes = set()
        for arg, value in (("start", start), ("stop", stop)):
            tensor_array("LinSpace", arg, value)
            if value.dtype not in (float32, float64) or value.ndim:
                raise type_error("LinSpace", arg, value, "a 0-d Float32 or Float64 Tensor")
            dtypes.add(value.dtype)
        if len(dtypes) > 1:
            raise TypeError(f"LinSpace: `start` ({start.dtype}) and `stop` ({stop.dtype}) "
                            "must have one dtype.")
        return Tensor._wrap(_array_ops.linspace(active_xp(), start.item(), stop.item(), num,
                                                start.dtype.numpy_dtype, where="LinSpace"))


def eye(n: int, m: int | None = None, dtype: Any = None) -> Tensor:
    """An ``(n, m)`` tensor (``m = n`` by default) with ones on the diagonal; Float32
    unless ``dtype`` says otherwise."""
    target = dtype_arg("eye", dtype, float32)
    return Tensor._wrap(_array_ops.eye(active_xp(), n, m, target.numpy_dtype, where="eye"))


class Eye:
    """``Eye()(n, m, dtype)``: an ``(n, m)`` tensor of ``dtype`` with ones on the diagonal.

    Example:
        >>> from gpuparam import ops, int32
        >>> print(ops.Eye()(2, 3, int32))
        [[1 0 0]
         [0 1 0]]
    """

    def __call__(self, n: int, m: int, dtype: Any) -> Tensor:
        target = dtype_arg("Eye", dtype, float32)
        return Tensor._wrap(_array_ops.eye(active_xp(), n, m, target.numpy_dtype, where="Eye"))


def tril(input: Any, diagonal: int = 0) -> Tensor:  # noqa: A002
    """``input`` (rank >= 2) with the elements above its ``diagonal``-th diagonal zeroed.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.tril(Tensor(np.ones((3, 3), np.int64)), -1))
        [[0 0 0]
         [1 0 0]
         [1 1 0]]
    """
    return Tensor._wrap(_array_ops.triangle(tensor_array("tril", "input", input), diagonal,
                                            lower=True, where="tril"))


def triu(input: Any, diagonal: int = 0) -> Tensor:  # noqa: A002
    """``input`` (rank >= 2) with the elements below its ``diagonal``-th diagonal zeroed."""
    return Tensor._wrap(_array_ops.triangle(tensor_array("triu", "input", input), diagonal,
                                            lower=False, where="triu"))


class Meshgrid:
    """``Meshgrid(indexing='xy')(inputs)``: coordinate grids from a tuple of 1-d tensors
    of one dtype (``'xy'``: the first two dims swapped, as NumPy's).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x, y = Tensor(np.arange(4)), Tensor(np.arange(3))
        >>> [g.shape for g in ops.Meshgrid(indexing='xy')((x, y))]
        [(3, 4), (3, 4)]
    """

    def __init__(self, indexing: str = "xy") -> None:
        self.indexing = check_choice("Meshgrid", "indexing", indexing, ("xy", "ij"))

    def __call__(self, inputs: Any) -> tuple[Tensor, ...]:
        return _meshgrid("Meshgrid", inputs, self.indexing)


def meshgrid(*inputs: Any, indexing: str = "xy") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-d tensors of one dtype (``ops.Meshgrid``)."""
    return _meshgrid("meshgrid", inputs, indexing)


def _meshgrid(where: str, inputs: Any, indexing: str) -> tuple[Tensor, ...]:
    arrays = _array_ops.check_arrays(where, "inputs", tensor_arrays(where, "inputs", inputs))
    return tuple(Tensor._wrap(g) for g in _array_ops.meshgrid(arrays, indexing, where=where))


class OneHot:
    """``OneHot(axis=-1)(indices, depth, on_value, off_value)``: ``on_value`` where a new
    axis's position equals the index, ``off_value`` elsewhere; ``on_value`` and
    ``off_value`` are 0-d Tensors of one dtype, the result's. An index outside
    ``[0, depth)`` gives a row of ``off_value``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> on, off = Tensor(1.0), Tensor(0.0)
        >>> print(ops.OneHot()(Tensor(np.array([0, 1, 2], np.int32)), 3, on, off))
        [[1. 0. 0.]
         [0. 1. 0.]
         [0. 0. 1.]]
    """

    def __init__(self, axis: int = -1) -> None:
        if isinstance(axis, (tuple, list)):
            raise type_error("OneHot", "axis", axis, "an int")
        self.axis = check_int("OneHot", "axis", axis)

    def __call__(self, indices: Any, depth: int, on_value: Any, off_value: Any) -> Tensor:
        on = tensor_array("OneHot", "on_value", on_value)
        off = tensor_array("OneHot", "off_value", off_value)
        if on.dtype != off.dtype:
            raise TypeError(f"OneHot: `on_value` ({on_value.dtype}) and `off_value` "
                            f"({off_value.dtype}) must have one dtype.")
        array = tensor_array("OneHot", "indices", indices)
        return Tensor._wrap(_array_ops.one_hot(array, depth, on, off, self.axis, where="OneHot"))


def one_hot(indices: Any, depth: int, on_value: Any = 1, off_value: Any = 0,
            axis: int = -1) -> Tensor:
    """``ops.OneHot`` with ``on_value``/``off_value`` Tensors or numbers (Int64 for ints,
    Float32 for floats).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.one_hot(Tensor(np.array([0, 2, -1])), 3, on_value=10, off_value=4))
        [[10  4  4]
         [ 4  4 10]
         [ 4  4  4]]
    """
    if isinstance(axis, (tuple, list)):
        raise type_error("one_hot", "axis", axis, "an int")
    array = tensor_array("one_hot", "indices", indices)
    on, off = (tensor_array("one_hot", a, v) if isinstance(v, Tensor) else v
               for a, v in (("on_value", on_value), ("off_value", off_value)))
    if all(isinstance(v, Tensor) for v in (on_value, off_value)) and on.dtype != off.dtype:
        raise TypeError(f"one_hot: `on_value` ({on_value.dtype}) and `off_value` "
                        f"({off_value.dtype}) must have one dtype.")
    target = _array_ops.result_type(on, off, where="one_hot")  # numbers: Int64 or Float32
    value: Any
    for arg, value in (("on_value", on), ("off_value", off)):
        if not hasattr(value, "dtype"):
            check_scalar_fits("one_hot", arg, value, from_numpy(target))
    # Numbers reach the kernel as scalar arguments (no host-to-device copy).
    on, off = (v if hasattr(v, "dtype") else target.type(v) for v in (on, off))
    return Tensor._wrap(_array_ops.one_hot(array, depth, on, off, axis, where="one_hot"))


def tuple_to_array(input_x: Any) -> Tensor:
    """A 1-d tensor of the numbers in the tuple ``input_x``: Int32 when all are ints,
    Float32 otherwise (MindSpore takes the dtype from the first element alone, so
    ``(1, 2.5)`` becomes ``[1, 2]`` there; gpuparam keeps the 2.5).

    Example:
        >>> from gpuparam import ops
        >>> print(ops.tuple_to_array((1, 2, 3))), ops.tuple_to_array((1.0,)).dtype
        [1 2 3]
        (None, gpuparam.float32)
    """
    return _tuple_to_array("tuple_to_array", input_x)


class TupleToArray:
    """``TupleToArray()(input_x)``: ``ops.tuple_to_array`` as a primitive."""

    def __call__(self, input_x: Any) -> Tensor:
        return _tuple_to_array("TupleToArray", input_x)


def _tuple_to_array(where: str, values: Any) -> Tensor:
    if not isinstance(values, tuple) or not values or not all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        raise type_error(where, "input_x", values, "a non-empty tuple of ints or floats")
    target = int32 if all(isinstance(v, numbers.Integral) for v in values) else float32
    for v in values:
        check_scalar_fits(where, "input_x", v, target)
    return Tensor(list(values), target)


def scalar_to_tensor(input_x: Any, dtype: Any = float32) -> Tensor:
    """The number ``input_x`` as a 0-d tensor of ``dtype`` (Float32 by default).

    Example:
        >>> from gpuparam import ops, int32
        >>> print(ops.scalar_to_tensor(1)), ops.scalar_to_tensor(3, int32).dtype
        1.0
        (None, gpuparam.int32)
    """
    return _scalar_to_tensor("scalar_to_tensor", input_x, dtype)


class ScalarToTensor:
    """``ScalarToTensor()(x, dtype=float32)``: ``ops.scalar_to_tensor`` as a primitive."""

    def __call__(self, x: Any, dtype: Any = float32) -> Tensor:
        return _scalar_to_tensor("ScalarToTensor", x, dtype)


def _scalar_to_tensor(where: str, value: Any, dtype: Any) -> Tensor:
    if isinstance(value, Tensor) or not isinstance(value, (bool, numbers.Real)):
        raise type_error(where, "input_x", value, "an int, a float or a bool")
    return _filled(where, (), value, dtype_arg(where, dtype, float32))


class ScalarCast:
    """``ScalarCast()(input_x, input_y)``: the Python number ``input_x`` converted to the
    kind of dtype ``input_y``: a float for float dtypes, an int (truncated) for integer
    dtypes, a bool for Bool. A value outside the dtype's range is a ValueError. (MindSpore
    2.10 accepts only int64, float64 and bool; gpuparam takes every dtype, as earlier
    MindSpore versions did, which model files still use.)

    Example:
        >>> from gpuparam import ops, float32, int32
        >>> ops.ScalarCast()(255.0, int32), ops.ScalarCast()(2, float32)
        (255, 2.0)
    """

    def __call__(self, input_x: Any, input_y: Any) -> Any:
        value: Any = input_x  # a Python number, checked below
        if isinstance(input_x, Tensor) or not isinstance(input_x, (bool, numbers.Real)):
            raise type_error("ScalarCast", "input_x", input_x, "an int, a float or a bool")
        target = dtype_arg("ScalarCast", input_y, float32, "input_y")
        if target.name == "bool_":
            return bool(value)
        check_scalar_fits("ScalarCast", "input_x", value, target)
        return float(value) if target.is_floating_point else int(value)


__all__ = ["Eye", "Fill", "LinSpace", "Meshgrid", "OneHot", "Ones", "ScalarCast",
           "ScalarToTensor", "TupleToArray", "Zeros", "arange", "eye", "fill", "full",
           "full_like", "linspace", "make_range", "meshgrid", "one_hot", "ones", "range",
           "scalar_to_tensor", "tril", "triu", "tuple_to_array", "zeros"]
