"""The ``Initializer`` base class, fan and gain arithmetic, and what the built-ins share.

Two kinds of initializer go through one base class:

- a user's subclass keeps MindSpore's contract: it implements ``_initialize(self, arr)``
  and fills a NumPy array in place (reference page 002). gpuparam fills a host array
  of the whole shape, with NumPy's global generator seeded from the tensor's key (so
  ``np.random`` inside ``_initialize`` is deterministic), uploads it once and slices;
- the built-in schemes derive from ``_Builtin`` and compute their values on the active
  device from the tensor's key with ``gpuparam._random``: they never touch the host.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np

from . import _backend, _random
from ._dtype import ML_DTYPE_NAMES, DType, from_numpy
from ._errors import check_shape, type_error, value_error
from ._tensor import Array, Shape, sliced_shape

Index = tuple[slice, ...] | None

# The dtypes ``_random`` draws directly (rounding once from float64); others (bfloat16)
# are drawn in float64 and rounded once here.
_DRAW_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_LINEAR_FNS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
               "conv_transpose2d", "conv_transpose3d")
NONLINEARITIES = _LINEAR_FNS + ("sigmoid", "tanh", "relu", "leaky_relu", "selu")

# NumPy's global generator is process-wide: one custom initializer at a time may own it.
_NUMPY_GLOBAL = threading.RLock()


# --------------------------------------------------------------------------- dtypes

def np_dtype_of(dtype: Any) -> np.dtype:
    """Return the NumPy dtype for a gpuparam dtype or anything ``np.dtype`` accepts."""
    return dtype.numpy_dtype if isinstance(dtype, DType) else np.dtype(dtype)


def is_float(dtype: np.dtype) -> bool:
    return dtype.kind == "f" or dtype.name in ML_DTYPE_NAMES


def dtype_label(dtype: np.dtype) -> str:
    """The gpuparam name of ``dtype`` for messages (``gpuparam.int32``)."""
    try:
        return repr(from_numpy(dtype))
    except TypeError:
        return str(dtype)


def sample(kind: str, key: _random.Key, shape: Shape, dtype: np.dtype, *args: float,
           index: Index, stream: int = 0) -> Array:
    """Draw ``_random.<kind>(key, shape, ..., index=index)`` as ``dtype`` on the active backend.

    float16/32/64 are drawn directly; bfloat16 (NumPy with ``ml_dtypes`` only) is drawn
    in float64 and rounded once.
    """
    draw = getattr(_random, kind)
    if dtype in _DRAW_DTYPES:
        return draw(key, shape, dtype, *args, index=index, stream=stream)
    wide = draw(key, shape, np.dtype(np.float64), *args, index=index, stream=stream)
    return wide.astype(dtype)


def full_index(shape: Shape, index: Index) -> tuple[slice, ...]:
    """Return one concrete slice per dimension (``index`` normalized, or the whole)."""
    given = () if index is None else tuple(index)
    return given + tuple(slice(0, n, 1) for n in shape[len(given):])


def index_grids(xp: Any, shape: Shape, index: Index) -> list[Array]:
    """Return per-dimension element coordinates of ``whole[index]``, broadcastable together."""
    grids = []
    for dim, part in enumerate(full_index(shape, index)):
        axis = xp.arange(part.start, part.stop, part.step, dtype=np.int64)
        view = [1] * len(shape)
        view[dim] = -1
        grids.append(axis.reshape(view))
    return grids


# --------------------------------------------------------------------------- fans, gain

def fans(where: str, shape: Shape) -> tuple[int, int]:
    """``compute_fans`` with errors that name ``where``."""
    if len(shape) < 2:
        raise value_error(where, "shape", shape,
                          "at least 2 dimensions, (out, in, *kernel), to have fan-in and fan-out")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def compute_fans(shape: Any) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` for a weight shaped ``(out, in, *kernel)``.

    As MindSpore and PyTorch count them: a Dense weight ``(out, in)`` has
    ``fan_in = in`` and ``fan_out = out``; a convolution weight
    ``(out, in // group, *kernel)`` multiplies both by the kernel's size.

    Args:
        shape: Weight shape (an int or a list/tuple of ints) with at least two dimensions.

    Raises:
        TypeError: If ``shape`` is not a list/tuple of ints.
        ValueError: If ``shape`` has fewer than two dimensions.

    Example:
        >>> compute_fans((16, 3, 3, 3))
        (27, 144)
        >>> compute_fans([10, 20])
        (20, 10)
    """
    return fans("compute_fans", check_shape("compute_fans", "shape", shape, allow_zero=True))


def gain_of(where: str, nonlinearity: Any, param: Any, *, arg: str = "nonlinearity",
            param_arg: str = "param") -> float:
    """``calculate_gain`` with errors (all ValueError, as PyTorch) that name ``where``."""
    if not isinstance(nonlinearity, str) or nonlinearity not in NONLINEARITIES:
        raise value_error(where, arg, nonlinearity, f"one of {list(NONLINEARITIES)}")
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4
    if param is None:
        slope = 0.01
    elif isinstance(param, bool) or not isinstance(param, numbers.Real) or not math.isfinite(param):
        raise value_error(where, param_arg, param,
                          "a finite int or float (the leaky_relu negative slope) or None")
    else:
        slope = float(param)
    return math.sqrt(2.0 / (1 + slope ** 2))


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Return the recommended gain for a nonlinearity, exactly as ``torch.nn.init.calculate_gain``.

    ==================  ===================================
    nonlinearity        gain
    ==================  ===================================
    linear, conv*,      1
    conv_transpose*,
    sigmoid
    tanh                5/3
    relu                sqrt(2)
    leaky_relu          sqrt(2 / (1 + negative_slope**2))
    selu                3/4
    ==================  ===================================

    Args:
        nonlinearity: The function's name, as listed above.
        param: The negative slope for ``'leaky_relu'`` (default 0.01); ignored otherwise.

    Raises:
        ValueError: For an unknown name or a ``param`` that is not an int or float
            (PyTorch raises ValueError for both).

    Example:
        >>> calculate_gain('relu') == 2 ** 0.5
        True
        >>> calculate_gain('leaky_relu', 0.2) == (2 / 1.04) ** 0.5
        True
    """
    return gain_of("calculate_gain", nonlinearity, param)


# --------------------------------------------------------------------------- base class

@contextlib.contextmanager
def _numpy_seeded_from(key: _random.Key) -> Iterator[None]:
    """Seed NumPy's global generator from ``key`` for the block, then restore its state."""
    words = [int(k) & 0xFFFF_FFFF_FFFF_FFFF for k in key]
    with _NUMPY_GLOBAL:
        saved = np.random.get_state()
        np.random.seed(np.random.SeedSequence(words).generate_state(8))
        try:
            yield
        finally:
            np.random.set_state(saved)


class Initializer:
    """Base class of every initializer, as ``mindspore.common.initializer.Initializer``.

    To write your own, subclass it and implement ``_initialize(self, arr)``, which
    fills the NumPy array ``arr`` in place, as in MindSpore (reference page 002). When
    such an initializer materializes a tensor, ``arr`` is a host array of the whole
    shape and dtype; NumPy's global generator (``np.random.*``) is seeded from the
    tensor's random key for the call, so the values are reproducible after
    ``set_seed``. The array is then uploaded once to the active device and sliced.

    Built-in initializers compute their values on the device instead.

    Args:
        **kwargs: The constructor's arguments, kept for ``repr`` and ``get_config``.

    Example:
        >>> import numpy as np
        >>> class Halves(Initializer):
        ...     def _initialize(self, arr):
        ...         arr.fill(0.5)
        >>> arr = np.zeros((2, 2), np.float32)
        >>> Halves()(arr)
        >>> arr
        array([[0.5, 0.5],
               [0.5, 0.5]], dtype=float32)
    """

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs

    def _initialize(self, arr: np.ndarray) -> None:
        raise NotImplementedError(
            f"{type(self).__name__}: an Initializer subclass must implement "
            "`_initialize(self, arr)`, filling the NumPy array `arr` in place.")

    def __call__(self, arr: Any) -> None:
        """Fill ``arr`` (a NumPy array; CuPy too for built-ins) in place, as MindSpore does.

        A built-in initializer takes a fresh random key (``_random.next_key()``) each call.
        """
        if not isinstance(arr, np.ndarray) and not _backend.is_device_array(arr):
            raise type_error(type(self).__name__, "arr", arr, "a NumPy array to fill in place")
        self._initialize(arr)

    def _check(self, shape: Shape, dtype: Any) -> None:
        """Raise TypeError/ValueError if this initializer cannot fill ``shape``/``dtype``.

        ``initializer()`` calls it, so that a bad combination fails when the lazy
        tensor is declared, not when it is first used.
        """
        if (type(self)._initialize is Initializer._initialize
                and type(self)._generate is Initializer._generate):
            raise TypeError(f"{type(self).__name__}: an Initializer subclass must implement "
                            "`_initialize(self, arr)`, filling the NumPy array `arr` in place.")

    def _generate(self, shape: Shape, dtype: Any, key: _random.Key, index: Index) -> Array:
        """Return ``whole[index]`` on the active backend (see ``gpuparam._tensor.LazyInit``).

        For a ``_initialize`` subclass: fills the whole host array, uploads it, slices.
        """
        np_dtype = np_dtype_of(dtype)
        host = np.zeros(tuple(shape), dtype=np_dtype)
        with _numpy_seeded_from(key):
            self._initialize(host)
        device = _backend.to_active(host)
        if index is None:
            return device
        xp = _backend.get_array_module(device)
        return xp.ascontiguousarray(device[index])

    def get_config(self) -> dict[str, Any]:
        """Return the constructor's arguments: ``type(init).from_config(init.get_config())``
        builds an equal initializer."""
        return dict(getattr(self, "_kwargs", {}))

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        """Build an initializer from ``get_config()``'s dict."""
        if not isinstance(config, dict):
            raise type_error(f"{cls.__name__}.from_config", "config", config,
                             "a dict from get_config()")
        return cls(**config)

    def __repr__(self) -> str:
        args = getattr(self, "_kwargs", None) or {
            k: v for k, v in vars(self).items() if not k.startswith("_")}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in args.items())})"


class _Builtin(Initializer):
    """Base of the built-in schemes: values computed on the active device from the key.

    A subclass implements ``_values(shape, dtype, key, index)``. If ``_elementwise``,
    it must return exactly ``whole[index]`` (generating only that part); otherwise it
    gets ``index=None`` and the whole is generated and sliced here.
    """

    _random_values: ClassVar[bool] = True   # False: any dtype (Zero, One, Identity, ...)
    _elementwise: ClassVar[bool] = True

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        raise NotImplementedError

    def _check_shape(self, shape: Shape) -> None:
        """Raise ValueError if the scheme cannot fill ``shape``."""

    def _check_dtype(self, dtype: np.dtype) -> None:
        if self._random_values and not is_float(dtype):
            raise TypeError(f"{type(self).__name__}: `dtype` must be a floating-point dtype "
                            f"(float16, float32 or float64) since its values are random reals, "
                            f"got {dtype_label(dtype)}.")

    def _check(self, shape: Shape, dtype: Any) -> None:
        self._check_shape(tuple(shape))
        self._check_dtype(np_dtype_of(dtype))

    def _generate(self, shape: Shape, dtype: Any, key: _random.Key, index: Index) -> Array:
        shape, np_dtype = tuple(shape), np_dtype_of(dtype)
        self._check(shape, np_dtype)
        xp = _backend.active_array_module()
        wanted = sliced_shape(shape, index)
        if math.prod(wanted) == 0:
            return xp.empty(wanted, dtype=np_dtype)
        if self._elementwise:
            values = self._values(shape, np_dtype, key, index)
        else:
            values = self._values(shape, np_dtype, key, None)
            values = values if index is None else values[index]
        return xp.ascontiguousarray(values)  # LAPACK's Q is Fortran-ordered, slices strided

    def _initialize(self, arr: Any) -> None:
        # MindSpore's in-place form; the values still come from the device generator.
        values = self._generate(tuple(arr.shape), arr.dtype, _random.next_key(), None)
        if _backend.is_device_array(arr):
            arr[...] = _backend.get_array_module(arr).asarray(values)
        else:
            arr[...] = _backend.to_host(values)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.get_config() == self.get_config()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(self.get_config().items()))))


__all__ = ["Initializer", "NONLINEARITIES", "calculate_gain", "compute_fans"]
