"""The ``Initializer`` base class and what the built-ins share (fans and gains are in
``_initializer_fans``).

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
import inspect
import math
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np

from . import _backend, _random
from ._dtype import DType, float_max, from_numpy, is_float
from ._errors import type_error, value_error
from ._tensor import Array, Shape, sliced_shape

Index = tuple[slice, ...] | None

# The dtypes ``_random`` draws directly (float16/32 from float32 transforms, float64 in
# float64); others (bfloat16) are drawn in float64 and rounded once here.
_DRAW_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))

# NumPy's global generator is process-wide: one custom initializer at a time may own it.
_NUMPY_GLOBAL = threading.RLock()

# The largest |x| the normal transform can return: the float64 one, ppnd16 at its
# smallest argument u = 0.5 * 2**-52, is -8.2095 (Wichura's AS241; the float32 one stays
# within 6.34), so ``mean + sigma * x`` stays within ``|mean| + NORMAL_REACH * sigma``.
NORMAL_REACH = 8.25

# While a user's ``_initialize`` runs for a lazy tensor: that tensor's key and how many
# built-in initializers it has called, so a built-in called inside derives its key from
# the outer one instead of taking (and shifting) the global creation count.
_OUTER = threading.local()


# --------------------------------------------------------------------------- dtypes

def np_dtype_of(dtype: Any) -> np.dtype:
    """Return the NumPy dtype for a gpuparam dtype or anything ``np.dtype`` accepts."""
    return dtype.numpy_dtype if isinstance(dtype, DType) else np.dtype(dtype)


def dtype_label(dtype: np.dtype) -> str:
    """The gpuparam name of ``dtype`` for messages (``gpuparam.int32``)."""
    try:
        return repr(from_numpy(dtype))
    except TypeError:
        return str(dtype)


def sample(kind: str, key: _random.Key, shape: Shape, dtype: np.dtype, *args: float,
           index: Index, stream: int = 0) -> Array:
    """Draw ``_random.<kind>(key, shape, ..., index=index)`` as ``dtype`` on the active backend.

    float16/32/64 are drawn directly (float16 as float32 values rounded once more);
    bfloat16 (NumPy with ``ml_dtypes`` only) is drawn in float64 and rounded once.
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


# --------------------------------------------------------------------------- keys

def derived_key(outer: _random.Key, call: int) -> _random.Key:
    """The key of the ``call``-th built-in initializer called inside a user's
    ``_initialize`` for the tensor keyed ``outer``: a function of both alone."""
    words = np.random.SeedSequence([int(outer[0]), int(outer[1]), 0x1A17, call])
    state = words.generate_state(2, np.uint64)
    return int(state[0]), int(state[1])


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
        >>> from gpuparam.common.initializer import Initializer
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

    regenerable = property(lambda self: isinstance(self, _Builtin), doc="True when the values are a function of the tensor's random key alone (a built-in scheme), so every process regenerates them without communication; False for a user's ``_initialize``.")

    def _initialize(self, arr: np.ndarray) -> None:
        raise NotImplementedError(
            f"{type(self).__name__}: an Initializer subclass must implement "
            "`_initialize(self, arr)`, filling the NumPy array `arr` in place.")

    def __call__(self, arr: Any) -> None:
        """Fill ``arr`` (a NumPy array; CuPy too for built-ins) in place, as MindSpore does.

        A built-in initializer takes a fresh random key (``_random.next_key()``) each call,
        except inside a user's ``_initialize`` that is filling a lazy tensor: there the
        key derives from that tensor's key (and how many built-ins it called before), so
        the values stay a function of (seed, creation order, index) and no later
        tensor's key shifts.

        Raises:
            TypeError: If ``arr`` is not an array, or ``_initialize`` returns a new array
                instead of writing into ``arr``.
        """
        if not isinstance(arr, np.ndarray) and not _backend.is_device_array(arr):
            raise type_error(type(self).__name__, "arr", arr, "a NumPy array to fill in place")
        self._fill(arr)

    def _fill(self, arr: Any) -> None:
        returned = self._initialize(arr)
        if returned is not None and returned is not arr:
            raise TypeError(
                f"{type(self).__name__}._initialize returned an object of type {type(returned).__name__} "
                "instead of filling `arr` in place; the return value is ignored, so write "
                "into arr instead: `arr[...] = values` (MindSpore's contract).")

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
        saved = getattr(_OUTER, "context", None)
        _OUTER.context = [key, 0]  # [outer key, built-ins called so far]
        try:
            with _numpy_seeded_from(key):
                self._fill(host)
        finally:
            _OUTER.context = saved
        device = _backend.to_active(host)
        if index is None:
            return device
        xp = _backend.get_array_module(device)
        return xp.ascontiguousarray(device[index])

    def get_config(self) -> dict[str, Any]:
        """Return the constructor's arguments: ``type(init).from_config(init.get_config())``
        builds an equal initializer.

        A user's subclass that keeps its own public attributes (``self.value = value``)
        without passing them to ``Initializer.__init__(**kwargs)`` gets them included
        when its constructor takes arguments of those names.

        Raises:
            TypeError: If such an attribute has no constructor argument of its name:
                ``from_config`` could not rebuild it, so it is refused rather than
                silently rebuilt with defaults.
        """
        config = dict(getattr(self, "_kwargs", {}))
        if isinstance(self, _Builtin):
            return config
        extra = {k: v for k, v in vars(self).items() if not k.startswith("_") and k not in config}
        if not extra:
            return config
        params = inspect.signature(type(self).__init__).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        missing = [k for k in extra if not takes_any and k not in params]
        if missing:
            raise TypeError(
                f"{type(self).__name__}.get_config: the attributes {missing} are not "
                f"arguments of {type(self).__name__}(), so from_config could not rebuild "
                "them; pass them to `super().__init__(**kwargs)` or override get_config "
                "and from_config.")
        return {**config, **extra}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        """Build an initializer from ``get_config()``'s dict."""
        where = f"{cls.__name__}.from_config"
        if not isinstance(config, dict):
            raise type_error(where, "config", config, "a dict from get_config()")
        try:
            inspect.signature(cls).bind(**config)
        except TypeError as exc:
            raise TypeError(f"{where}: `config` {config!r} does not match "
                            f"{cls.__name__}'s arguments ({exc}).") from None
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

    def _reach(self, shape: Shape) -> tuple[str, float, float] | None:
        """``(argument, its value, the largest |value| the scheme can produce)`` for the
        range check, or None when the values are bounded by the dtype anyway."""
        return None

    def _check_range(self, shape: Shape, dtype: np.dtype) -> None:
        reach = self._reach(shape) if is_float(dtype) else None
        if reach is None:
            return
        arg, value, extreme = reach
        top = float_max(dtype)
        if not extreme <= top:  # NaN-safe
            raise value_error(type(self).__name__, arg, value,
                              f"small enough for every value to be finite in "
                              f"{dtype_label(dtype)} (values reach {extreme:.4g}, its "
                              f"largest is {top:.4g})")

    def _check(self, shape: Shape, dtype: Any) -> None:
        self._check_shape(tuple(shape))
        self._check_dtype(np_dtype_of(dtype))
        self._check_range(tuple(shape), np_dtype_of(dtype))

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
        if values.flags.c_contiguous:  # (ascontiguousarray would make a 0-d array 1-d)
            return values
        return xp.ascontiguousarray(values)  # LAPACK's Q is Fortran-ordered, slices strided

    def _initialize(self, arr: Any) -> None:
        # MindSpore's in-place form; the values still come from the device generator.
        context = getattr(_OUTER, "context", None)
        if context is None:
            key = _random.next_key()
        else:  # called from a user's _initialize that fills a lazy tensor
            key = derived_key(context[0], context[1])
            context[1] += 1
        values = self._generate(tuple(arr.shape), arr.dtype, key, None)
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


__all__ = ["Initializer", "NORMAL_REACH", "derived_key"]
