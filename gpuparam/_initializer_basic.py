"""Elementwise initializers: constants, uniform, normal, truncated normal, identity, Dirac.

Each one computes exactly ``whole[index]`` on the active device (random ones through
``_random``'s ``index=``), so a slice materialized alone equals that slice of the whole.
"""

from __future__ import annotations

import math
import numbers
import numpy as np

from . import _backend, _random
from ._dtype import float_max
from ._errors import check_int, check_real, type_error, value_error
from ._initializer_base import (NORMAL_REACH, Index, _Builtin, dtype_label, full_index,
                                index_grids, is_float, sample)
from ._tensor import Array, Shape, sliced_shape


class Zero(_Builtin):
    """Fill with zeros (any dtype). Also known as ``'zeros'``.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, Zero
        >>> initializer(Zero(), [1, 2, 3], gpuparam.float32).asnumpy()
        array([[[0., 0., 0.],
                [0., 0., 0.]]], dtype=float32)
    """

    _random_values = False

    def __init__(self) -> None:
        super().__init__()

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        return _backend.active_array_module().zeros(sliced_shape(shape, index), dtype=dtype)


class One(_Builtin):
    """Fill with ones (any dtype). Also known as ``'ones'``.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer
        >>> initializer('ones', [2, 2], gpuparam.int32).asnumpy()
        array([[1, 1],
               [1, 1]], dtype=int32)
    """

    _random_values = False

    def __init__(self) -> None:
        super().__init__()

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        return _backend.active_array_module().ones(sliced_shape(shape, index), dtype=dtype)


class Constant(_Builtin):
    """Fill with one value (any dtype that holds it exactly or, for floats, finitely).

    Args:
        value: An int or a finite float. Integer and bool dtypes need an integral value
            in their range (0 or 1 for bool).

    Raises:
        TypeError: If ``value`` is not a real number (bools are refused).
        ValueError: If ``value`` is not finite.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, Constant
        >>> initializer(Constant(3), [1, 3], gpuparam.float32).asnumpy()
        array([[3., 3., 3.]], dtype=float32)
    """

    _random_values = False

    def __init__(self, value: float) -> None:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise type_error("Constant", "value", value, "an int or a float")
        self.value: int | float = (int(value) if isinstance(value, numbers.Integral)
                                   else check_real("Constant", "value", value))
        super().__init__(value=self.value)

    def _check_dtype(self, dtype: np.dtype) -> None:
        value = self.value
        try:
            magnitude = abs(float(value))
        except OverflowError:  # an int beyond any float
            magnitude = math.inf
        if dtype.kind == "c":  # a real constant in complex64/128: range of the real part
            dtype = np.dtype(np.float32 if dtype.itemsize == 8 else np.float64)
        if is_float(dtype):
            if magnitude > float_max(dtype):
                limit = float_max(dtype)
                raise value_error("Constant", "value", value,
                                  f"finite in {dtype_label(dtype)} (|value| <= {limit})")
            return
        if dtype.kind == "b":
            limits = (0, 1)
        else:
            info = np.iinfo(dtype)
            limits = (int(info.min), int(info.max))
        integral = isinstance(value, int) or float(value).is_integer()
        if not integral or not limits[0] <= value <= limits[1]:
            raise value_error("Constant", "value", value,
                              f"an integer in [{limits[0]}, {limits[1]}] for {dtype_label(dtype)}")

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        value = self.value if is_float(dtype) or dtype.kind == "c" else int(self.value)
        return _backend.active_array_module().full(sliced_shape(shape, index), value, dtype=dtype)


class Uniform(_Builtin):
    """Sample ``U(-scale, scale)`` (half-open: ``-scale <= x < scale`` before rounding).

    Args:
        scale: The bound, > 0. Default 0.07 (MindSpore's).

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, Uniform
        >>> w = initializer(Uniform(0.5), [64, 32], gpuparam.float32)
        >>> w.shape, bool(abs(w.asnumpy()).max() <= 0.5)
        ((64, 32), True)
    """

    def __init__(self, scale: float = 0.07) -> None:
        self.scale = check_real("Uniform", "scale", scale, positive=True)
        super().__init__(scale=self.scale)

    def _reach(self, shape: Shape) -> tuple[str, float, float]:
        return "scale", self.scale, self.scale

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        return sample("uniform", key, shape, dtype, -self.scale, self.scale, index=index)


class Normal(_Builtin):
    """Sample ``N(mean, sigma**2)``.

    Args:
        sigma: Standard deviation, > 0. Default 0.01 (MindSpore's).
        mean: Mean. Default 0.0.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, Normal
        >>> w = initializer(Normal(0.2), [32, 3, 4, 3, 3], gpuparam.float32)
        >>> w.shape, w.dtype
        ((32, 3, 4, 3, 3), gpuparam.float32)
    """

    def __init__(self, sigma: float = 0.01, mean: float = 0.0) -> None:
        self.sigma = check_real("Normal", "sigma", sigma, positive=True)
        self.mean = check_real("Normal", "mean", mean)
        super().__init__(sigma=self.sigma, mean=self.mean)

    def _reach(self, shape: Shape) -> tuple[str, float, float]:
        extreme = abs(self.mean) + NORMAL_REACH * self.sigma
        if abs(self.mean) > NORMAL_REACH * self.sigma:
            return "mean", self.mean, extreme
        return "sigma", self.sigma, extreme

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        return sample("normal", key, shape, dtype, self.mean, self.sigma, index=index)


class TruncatedNormal(_Builtin):
    """Sample ``N(mean, sigma**2)`` restricted to ``[a, b]`` (exactly, not by clipping).

    ``a`` and ``b`` are absolute bounds, as in MindSpore and
    ``torch.nn.init.trunc_normal_``: with the defaults (sigma 0.01, bounds +-2) the
    truncation almost never acts. For bounds at two standard deviations, pass
    ``a=mean - 2 * sigma, b=mean + 2 * sigma``.

    Args:
        sigma: Standard deviation of the untruncated normal, > 0. Default 0.01.
        mean: Mean of the untruncated normal. Default 0.0.
        a: Lower bound. Default -2.0.
        b: Upper bound, > ``a``. Default 2.0.

    Raises:
        ValueError: If ``sigma <= 0``, ``a >= b``, or ``[a, b]`` lies so far in a tail
            (more than 37.5 standard deviations from the mean) that it holds no
            probability in double precision.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, TruncatedNormal
        >>> w = initializer(TruncatedNormal(1.0, a=-0.5, b=0.5), [100], gpuparam.float64)
        >>> bool(abs(w.asnumpy()).max() <= 0.5)
        True
    """

    def __init__(self, sigma: float = 0.01, mean: float = 0.0, a: float = -2.0,
                 b: float = 2.0) -> None:
        self.sigma = check_real("TruncatedNormal", "sigma", sigma, positive=True)
        self.mean = check_real("TruncatedNormal", "mean", mean)
        self.a = check_real("TruncatedNormal", "a", a)
        self.b = check_real("TruncatedNormal", "b", b)
        if self.a >= self.b:
            raise value_error("TruncatedNormal", "b", self.b, f"greater than `a` ({self.a!r})")
        lo, hi = (self.a - self.mean) / self.sigma, (self.b - self.mean) / self.sigma
        if lo > _random._FAR_TAIL or hi < -_random._FAR_TAIL:
            raise value_error("TruncatedNormal", "a", self.a,
                              f"with `b` ({self.b!r}) an interval reaching within "
                              f"{_random._FAR_TAIL} sigma of the mean ({self.mean!r}, sigma "
                              f"{self.sigma!r}); it is [{lo:.3g}, {hi:.3g}] sigma")
        super().__init__(sigma=self.sigma, mean=self.mean, a=self.a, b=self.b)

    def _check_dtype(self, dtype: np.dtype) -> None:
        super()._check_dtype(dtype)
        if dtype.kind != "f":  # bfloat16 is drawn in float64, then rounded
            return
        t = dtype.type
        with np.errstate(over="ignore"):
            low, high = t(self.a), t(self.b)
        if float(low) < self.a:
            low = np.nextafter(low, t(np.inf))
        if float(high) > self.b:
            high = np.nextafter(high, t(-np.inf))
        if low > high:  # no value of the dtype lies in [a, b]
            raise value_error("TruncatedNormal", "b", self.b,
                              f"far enough from `a` ({self.a!r}) for [a, b] to hold a "
                              f"{dtype_label(dtype)} value")

    def _reach(self, shape: Shape) -> tuple[str, float, float]:
        # The values lie in [a, b], and _random needs both bounds inside the range.
        return ("a", self.a, abs(self.a)) if abs(self.a) > abs(self.b) else ("b", self.b, abs(self.b))

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        return sample("truncated_normal", key, shape, dtype, self.mean, self.sigma,
                      self.a, self.b, index=index)


class Identity(_Builtin):
    """A 2-D identity matrix (``numpy.eye(rows, cols)``; any dtype).

    Raises:
        ValueError: At ``initializer()`` if the shape is not 2-D.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, Identity
        >>> initializer(Identity(), [2, 3], gpuparam.float32).asnumpy()
        array([[1., 0., 0.],
               [0., 1., 0.]], dtype=float32)
    """

    _random_values = False

    def __init__(self) -> None:
        super().__init__()

    def _check_shape(self, shape: Shape) -> None:
        if len(shape) != 2:
            raise value_error("Identity", "shape", shape, "2-D (rows, cols)")

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        xp = _backend.active_array_module()
        row_part, col_part = full_index(shape, index)
        rows = range(row_part.start, row_part.stop, row_part.step)
        cols = range(col_part.start, col_part.stop, col_part.step)
        out = xp.zeros((len(rows), len(cols)), dtype=dtype)
        # Only the diagonal elements inside the slice are written: no comparison grid.
        diag = np.arange(rows.start, rows.stop, rows.step, dtype=np.int64)
        offset = diag - cols.start
        inside = (offset >= 0) & (diag < cols.stop) & (offset % cols.step == 0)
        hits = np.flatnonzero(inside)
        if hits.size:
            out[xp.asarray(hits), xp.asarray(offset[hits] // cols.step)] = 1
        return out


class Dirac(_Builtin):
    """The Dirac delta for convolution weights: the convolution passes its input through.

    For a weight ``(out, in // groups, *kernel)``, element ``[o, i, *k]`` is 1 where
    ``o % (out // groups) == i`` and ``k`` is the kernel's centre (``size // 2`` per
    axis), 0 elsewhere. Each group keeps its own channels, as
    ``torch.nn.init.dirac_``; any dtype.

    Args:
        groups: The convolution's ``group``, >= 1; must divide ``shape[0]``. Default 1.

    Raises:
        ValueError: At ``initializer()`` if the shape is not 3-, 4- or 5-D or ``groups``
            does not divide its first dimension.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, Dirac
        >>> w = initializer(Dirac(groups=2), [6, 4, 3, 3], gpuparam.float32).asnumpy()
        >>> int(w.sum()), w[4, 1, 1, 1]
        (6, np.float32(1.0))
    """

    _random_values = False

    def __init__(self, groups: int = 1) -> None:
        self.groups = check_int("Dirac", "groups", groups, minimum=1)
        super().__init__(groups=self.groups)

    def _check_shape(self, shape: Shape) -> None:
        if len(shape) not in (3, 4, 5):
            raise value_error("Dirac", "shape", shape,
                              "3-, 4- or 5-D (out, in // groups, *kernel)")
        if shape[0] % self.groups:
            raise value_error("Dirac", "groups", self.groups,
                              f"a divisor of the first dimension of the shape {shape}")

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        xp = _backend.active_array_module()
        out, inp, *spatial = index_grids(xp, shape, index)
        hit = (out % (shape[0] // self.groups)) == inp
        for axis, size in zip(spatial, shape[2:], strict=True):
            hit = hit & (axis == size // 2)
        return hit.astype(dtype)


__all__ = ["Constant", "Dirac", "Identity", "Normal", "One", "TruncatedNormal", "Uniform", "Zero"]
