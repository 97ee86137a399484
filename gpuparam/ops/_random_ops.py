"""Random operators: ``rand``, ``randn``, ``randint``, ``uniform``, ``normal``,
``multinomial``, ``UniformReal``, ``StandardNormal``, ``UniformInt``.

Every draw comes from gpuparam's counter-based generator (``gpuparam._random``, the one
the initializers use), on the device that holds the result, so values are the same on
NumPy and CuPy and repeat under ``set_seed``. MindSpore's seeds map onto its keys:

- a primitive (``UniformReal(seed=0, seed2=0)``) takes its key when it is built: from
  ``(global seed, seed, seed2)`` when ``seed`` or ``seed2`` is non-zero (so two
  primitives with the same seeds draw the same numbers), else the next key of the
  global sequence (as a random tensor's creation); each call then draws the next
  stream of that key, so two calls differ and a script repeats itself;
- a function (``rand(..., seed=None)``) takes the next global key per call, or with an
  int ``seed`` the key of ``(global seed, seed)``: the same values at every call.

The global seed is ``set_seed``'s (0 before it is called, for the seeded forms).
Integer draws are ``low + floor(u * (high - low))`` with ``u`` a float64 uniform of 53
bits (exact arithmetic on both backends), so a range is at most ``2**53`` wide.
"""

from __future__ import annotations

import itertools
import numbers
from typing import Any

import numpy as np

from .. import _random
from .._array_ops import check_scalar_fits
from .._backend import get_array_module
from .._dtype import float16, float32, float64, int32, int64
from .._errors import check_bool, check_int, check_real, type_error, value_error
from .._tensor import Tensor
from ._operands import dtype_arg, shape_arg, tensor_array
from .primitive import Primitive

_FLOATS = (float16, float32, float64)
_SPAN = 2 ** 53


def _seeded_key(*seeds: int) -> tuple[int, int]:
    words = np.random.SeedSequence([_random.get_seed() or 0, *seeds]).generate_state(
        2, np.uint64)
    return int(words[0]), int(words[1])


def _function_key(where: str, seed: Any) -> tuple[int, int]:
    if seed is None:
        return _random.next_key()
    return _seeded_key(0x5EED, check_int(where, "seed", seed, minimum=0))


def _size(where: str, size: tuple[Any, ...]) -> tuple[int, ...]:
    """``*size``: ints, or one tuple/list of ints (``rand(2, 3)``, ``rand((2, 3))``)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return shape_arg(where, "size", tuple(size))


def _float_dtype(where: str, dtype: Any) -> Any:
    found = dtype_arg(where, dtype, float32)
    if found not in _FLOATS:
        raise type_error(where, "dtype", dtype, "float16, float32 or float64")
    return found


class _SeededPrimitive(Primitive):
    def __init__(self, seed: int = 0, seed2: int = 0) -> None:
        super().__init__(type(self).__name__)
        self.add_prim_attr("seed", check_int(self.name, "seed", seed, minimum=0))
        self.add_prim_attr("seed2", check_int(self.name, "seed2", seed2, minimum=0))
        self._key = _seeded_key(seed, seed2) if seed or seed2 else _random.next_key()
        self._calls = itertools.count()

    def _shape(self, shape: Any) -> tuple[int, ...]:
        if not isinstance(shape, (tuple, list)):
            raise type_error(self.name, "shape", shape, "a tuple of ints")
        return shape_arg(self.name, "shape", shape)


class UniformReal(_SeededPrimitive):
    """``UniformReal(seed=0, seed2=0)(shape)``: Float32 draws uniform on ``[0, 1)``.

    Example:
        >>> from gpuparam import ops
        >>> ops.UniformReal(seed=2)((2, 2)).shape
        (2, 2)
    """

    def __call__(self, shape: Any) -> Tensor:
        return Tensor._wrap(_random.uniform(self._key, self._shape(shape), np.float32,
                                            stream=next(self._calls)))


class StandardNormal(_SeededPrimitive):
    """``StandardNormal(seed=0, seed2=0)(shape)``: Float32 draws of ``N(0, 1)``.

    Example:
        >>> from gpuparam import ops
        >>> ops.StandardNormal(seed=2)((3, 4)).dtype
        gpuparam.float32
    """

    def __call__(self, shape: Any) -> Tensor:
        return Tensor._wrap(_random.normal(self._key, self._shape(shape), np.float32,
                                           stream=next(self._calls)))


def _integers(where: str, key: Any, stream: int, shape: tuple[int, ...], low: Any, span: Any,
              dtype: Any) -> Any:
    """``low + floor(u * span)`` as ``dtype``; ``low`` and ``span`` numbers or arrays."""
    u = _random.uniform(key, shape, np.float64, stream=stream)
    # Correctly rounded float64 product and floor: the same integers on both backends.
    return (get_array_module(u).floor(u * span) + low).astype(dtype.numpy_dtype)


class UniformInt(_SeededPrimitive):
    """``UniformInt(seed=0, seed2=0)(shape, minval, maxval)``: Int32 draws uniform on the
    integers of ``[minval, maxval)``, given as 0-d (or one-element) Int32 Tensors. Reads
    the bounds to the host: may synchronize the device.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> low, high = Tensor(np.array(1, np.int32)), Tensor(np.array(5, np.int32))
        >>> out = ops.UniformInt(seed=10)((2, 4), low, high)
        >>> out.shape, out.dtype, bool(((out.asnumpy() >= 1) & (out.asnumpy() < 5)).all())
        ((2, 4), gpuparam.int32, True)
    """

    def __call__(self, shape: Any, minval: Any, maxval: Any) -> Tensor:
        shape = self._shape(shape)
        bounds = []
        for arg, value in (("minval", minval), ("maxval", maxval)):
            if not isinstance(value, Tensor) or value.dtype != int32 or value.size != 1:
                raise type_error(self.name, arg, value, "a one-element Int32 Tensor")
            bounds.append(int(value.item()))
        low, high = bounds
        if not low < high:
            raise value_error(self.name, "maxval", high, f"an int > minval ({low})")
        return Tensor._wrap(_integers(self.name, self._key, next(self._calls), shape, low,
                                      high - low, int32))


def rand(*size: Any, dtype: Any = None, seed: Any = None) -> Tensor:
    """Draws uniform on ``[0, 1)`` of shape ``size`` (ints or one tuple), Float32 unless
    ``dtype`` (a float dtype) says otherwise.

    Example:
        >>> from gpuparam import ops, float64
        >>> ops.rand((2, 3)).shape, ops.rand(2, 3, dtype=float64).dtype
        ((2, 3), gpuparam.float64)
    """
    shape, dtype = _size("rand", size), _float_dtype("rand", dtype)
    return Tensor._wrap(_random.uniform(_function_key("rand", seed), shape, dtype))


def randn(*size: Any, dtype: Any = None, seed: Any = None) -> Tensor:
    """Draws of ``N(0, 1)`` of shape ``size`` (ints or one tuple), Float32 unless
    ``dtype`` (a float dtype) says otherwise.

    Example:
        >>> from gpuparam import ops
        >>> ops.randn((2, 2)).shape
        (2, 2)
    """
    shape, dtype = _size("randn", size), _float_dtype("randn", dtype)
    return Tensor._wrap(_random.normal(_function_key("randn", seed), shape, dtype))


def randint(low: Any, high: Any, size: Any, seed: Any = None, *, dtype: Any = None) -> Tensor:
    """Integers uniform on ``[low, high)`` of shape ``size`` (a tuple), Int64 unless
    ``dtype`` (an integer dtype) says otherwise.

    Example:
        >>> from gpuparam import ops
        >>> x = ops.randint(1, 10, (2, 3))
        >>> x.shape, x.dtype, bool(((x.asnumpy() >= 1) & (x.asnumpy() < 10)).all())
        ((2, 3), gpuparam.int64, True)
    """
    where = "randint"
    low, high = check_int(where, "low", low), check_int(where, "high", high)
    if not low < high:
        raise value_error(where, "high", high, f"an int > low ({low})")
    if high - low > _SPAN:
        raise NotImplementedError(f"{where}: ranges wider than 2**53 are not built (got "
                                  f"[{low}, {high})): integer draws come from 53-bit uniforms.")
    if not isinstance(size, (tuple, list)):
        raise type_error(where, "size", size, "a tuple of ints")
    shape = shape_arg(where, "size", size)
    found = dtype_arg(where, dtype, int64)
    if found.is_floating_point or found.name == "bool_":
        raise type_error(where, "dtype", dtype, "an integer dtype")
    check_scalar_fits(where, "low", low, found)
    check_scalar_fits(where, "high", high - 1, found)
    return Tensor._wrap(_integers(where, _function_key(where, seed), 0, shape, low,
                                  high - low, found))


def _bound(where: str, arg: str, value: Any) -> Any:
    if isinstance(value, Tensor):
        return value._read()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return value
    raise type_error(where, arg, value, "a Tensor or a real number")


def uniform(shape: Any, minval: Any, maxval: Any, seed: Any = None, dtype: Any = float32
            ) -> Tensor:
    """Draws uniform on ``[minval, maxval)``: Float32 (a float ``dtype``) or, with an
    integer ``dtype`` (Int32, Int64), the integers of that range. ``minval`` and
    ``maxval`` (Tensors or numbers) broadcast with ``shape``: the result's shape is the
    broadcast of the three. ``minval < maxval`` is not checked (it would read the
    tensors back to the host).

    Example:
        >>> from gpuparam import ops, tensor, float32
        >>> low = tensor([[3, 4], [5, 6]], float32)
        >>> ops.uniform((3, 1, 2), low, tensor([8.0, 10.0], float32), seed=5).shape
        (3, 2, 2)
    """
    where = "uniform"
    if not isinstance(shape, (tuple, list)):
        raise type_error(where, "shape", shape, "a tuple of ints")
    shape = shape_arg(where, "shape", shape)
    found = dtype_arg(where, dtype, float32)
    if found not in _FLOATS + (int32, int64):
        raise type_error(where, "dtype", dtype, "float16, float32, float64, int32 or int64")
    low, high = _bound(where, "minval", minval), _bound(where, "maxval", maxval)
    try:
        out_shape = np.broadcast_shapes(shape, np.shape(low), np.shape(high))
    except ValueError:
        raise value_error(where, "shape", shape, f"a shape that broadcasts with minval's "
                          f"{np.shape(low)} and maxval's {np.shape(high)}") from None
    key = _function_key(where, seed)
    if found in (int32, int64):
        return Tensor._wrap(_integers(where, key, 0, out_shape, low, high - low, found))
    u = _random.uniform(key, out_shape, found)
    xp = get_array_module(u)
    out = (u * (high - low) + low).astype(found.numpy_dtype, copy=False)
    # The product can round up to maxval itself: keep to the largest value below it.
    below = xp.nextafter(xp.asarray(high, dtype=found.numpy_dtype), found.numpy_dtype.type(-np.inf))
    return Tensor._wrap(xp.minimum(out, below))


def normal(shape: Any, mean: Any, stddev: Any, seed: Any = None) -> Tensor:
    """Float32 draws of ``N(mean, stddev**2)``: ``mean`` and ``stddev`` (Tensors or
    numbers) broadcast with ``shape``, the result's shape is the broadcast of the three.

    Example:
        >>> from gpuparam import ops
        >>> ops.normal((3, 2), 1.0, 2.0, seed=5).shape
        (3, 2)
    """
    where = "normal"
    if not isinstance(shape, (tuple, list)):
        raise type_error(where, "shape", shape, "a tuple of ints")
    shape = shape_arg(where, "shape", shape)
    mu, sigma = _bound(where, "mean", mean), _bound(where, "stddev", stddev)
    if isinstance(sigma, numbers.Real):
        check_real(where, "stddev", sigma, non_negative=True)
    try:
        out_shape = np.broadcast_shapes(shape, np.shape(mu), np.shape(sigma))
    except ValueError:
        raise value_error(where, "shape", shape, f"a shape that broadcasts with mean's "
                          f"{np.shape(mu)} and stddev's {np.shape(sigma)}") from None
    z = _random.normal(_function_key(where, seed), out_shape, np.float32)
    return Tensor._wrap((z * sigma + mu).astype(np.float32, copy=False))


def multinomial(input: Any, num_samples: Any, replacement: bool = True,  # noqa: A002
                seed: Any = None) -> Tensor:
    """Int32 indices of ``num_samples`` categories drawn per row of ``input`` (1-d or 2-d,
    non-negative weights, not necessarily normalized): with ``replacement``, each draw
    independent (inverse CDF of one float64 uniform); without, no category twice
    (Efraimidis-Spirakis: the ``num_samples`` smallest keys ``-log(u) / w``, which
    orders the categories as successive weighted draws do). A zero weight is never
    drawn. The weights are not read back to the host, so they are not checked (negative
    or all-zero rows, or too few non-zero weights without replacement, give arbitrary
    indices), and the log of the keys is the library's: NumPy and CuPy may order two
    keys equal to 1 ulp differently.

    Example:
        >>> from gpuparam import ops, tensor
        >>> out = ops.multinomial(tensor([0.9, 0.1, 0.0]), 2, replacement=False)
        >>> out.shape, out.dtype, sorted(out.asnumpy().tolist())
        ((2,), gpuparam.int32, [0, 1])
    """
    where = "multinomial"
    weights = tensor_array(where, "input", input)
    if weights.ndim not in (1, 2) or weights.dtype == np.bool_ or weights.dtype.kind == "c":
        raise type_error(where, "input", input, "a 1-d or 2-d Tensor of ints or floats")
    n = check_int(where, "num_samples", num_samples, minimum=1)
    check_bool(where, "replacement", replacement)
    categories = weights.shape[-1]
    if not replacement and n > categories:
        raise value_error(where, "num_samples", n, f"at most the {categories} categories "
                          "when replacement is False")
    xp = get_array_module(weights)
    w = weights.reshape(-1, categories).astype(np.float64)
    rows = w.shape[0]
    key = _function_key(where, seed)
    if replacement:
        cdf = xp.cumsum(w, axis=1)
        u = _random.uniform(key, (rows, n), np.float64) * cdf[:, -1:]
        index = (cdf[:, None, :] <= u[:, :, None]).sum(axis=2)
        # Rounding can put u at the total: keep to the last category of non-zero weight.
        last = categories - 1 - xp.argmax(w[:, ::-1] > 0, axis=1)
        index = xp.minimum(index, last[:, None])
    else:
        u = _random.uniform(key, (rows, categories), np.float64)
        with np.errstate(divide="ignore"):
            keys = -xp.log1p(-u) / w  # -log(1 - u) > 0: an exponential draw per category
        index = xp.argsort(keys, axis=1, kind="stable")[:, :n]
    return Tensor._wrap(index.astype(np.int32).reshape(weights.shape[:-1] + (n,)))


__all__ = ["StandardNormal", "UniformInt", "UniformReal", "multinomial", "normal", "rand",
           "randint", "randn", "uniform"]
