"""``Tensor``: a device buffer with a gpuparam dtype, or a lazy description of one.

A lazy tensor (``Tensor(shape=..., dtype=..., init=...)``) holds a shape, a dtype, an
initializer and the random key it was given at creation; it takes memory only when it
is materialized (``init_data()``, ``asnumpy()`` or any op that reads it). MindSpore
computes with zeros when an uninitialized tensor is used; gpuparam materializes it.
"""

from __future__ import annotations

import copy
import math
import numbers
from typing import Any, Protocol, Union

import numpy as np

try:  # fastrlock is optional: ~0.3 us faster per acquire, nothing next to a kernel launch
    from fastrlock.rlock import FastRLock as _RLock
except ImportError:
    from threading import RLock as _RLock

from . import _backend, _backend_streams as _streams, _random, _tensor_ops
from ._backend import Array
from ._dtype import DType, from_numpy, to_dtype
from ._errors import check_shape, type_error, value_error
from ._tensor_cast import check_scalar_fits, checked_astype
from ._tensor_methods import TensorMethods
from ._tensor_ops import TensorOperators, _host_or_device_array, _operand, _unwrap


Shape = tuple[int, ...]
Ready = Union[tuple[Any, Any], None]


class LazyInit(Protocol):
    """What a lazy tensor needs from its initializer (every ``Initializer`` has it)."""

    def _generate(self, shape: Shape, dtype: np.dtype, key: _random.Key,
                  index: tuple[slice, ...] | None) -> Array:
        """Return ``whole[index]`` on the active backend, ``whole`` being ``shape``/``dtype``."""


def sliced_shape(shape: Shape, index: tuple[slice, ...] | None) -> Shape:
    """Return the shape of ``whole[index]`` for normalized slices (see ``_random.normalize_index``)."""
    if index is None:
        return shape
    return tuple(len(range(s.start, s.stop, s.step)) for s in index) + shape[len(index):]


class Tensor(TensorMethods, TensorOperators):
    """A multi-dimensional array on the active device, with MindSpore's Tensor API.

    Args:
        input_data: A Tensor, a NumPy or CuPy array, nested lists/tuples, or a Python
            scalar. Python ``int`` gives Int64, ``float`` Float32, ``bool`` Bool,
            ``complex`` Complex128.
        dtype: A gpuparam dtype to cast to (``gpuparam.float32``, ...).
        shape: With ``init``: the shape of a lazy tensor (an int or a list/tuple of ints).
        init: An initializer (``gpuparam.common.initializer.Normal()``, ...); makes the
            tensor lazy: no buffer until ``init_data()`` or first use.

    Raises:
        TypeError: For unsupported data, dtypes or initializers.
        ValueError: For ``init`` without ``shape``/``dtype``, or both ``init`` and data.

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> t = gpuparam.Tensor(np.ones((2, 3)), gpuparam.float32)
        >>> t.shape, t.dtype
        ((2, 3), gpuparam.float32)
        >>> print(t)
        [[1. 1. 1.]
         [1. 1. 1.]]
    """

    __hash__ = object.__hash__
    __array_priority__ = 100  # NumPy defers `ndarray + Tensor` to Tensor.__radd__

    def __init__(self, input_data: Any = None, dtype: DType | None = None,
                 shape: Any = None, init: Any = None) -> None:
        where = type(self).__name__
        self._init_state()
        if dtype is not None:
            dtype = to_dtype(dtype, where)
        if init is not None:
            if input_data is not None:
                raise ValueError(f"{where}: give either `input_data` or `init`, not both.")
            if isinstance(init, type):  # the class, not an instance: Normal for Normal()
                raise TypeError(f"{where}: `init` must be an Initializer instance, got the "
                                f"class {init.__name__}; call it: {init.__name__}().")
            # Duck-typed: a runtime Protocol check costs ~10% of creating a parameter.
            if not callable(getattr(init, "_generate", None)):
                raise type_error(where, "init", init,
                                 "an Initializer (e.g. gpuparam.common.initializer.Normal())")
            if shape is None or dtype is None:
                raise ValueError(f"{where}: a lazy tensor (`init` given) needs `shape` and `dtype`.")
            self._shape = check_shape(where, "shape", shape, allow_zero=True)
            self._dtype = dtype
            self._init = init
            self._key = _random.next_key()
            self._array: Array | None = None
            self._device = _streams.current_device()  # materialized there, whatever is current then
            return
        if input_data is None:
            raise type_error(where, "input_data", input_data,
                             "data (a Tensor, array, list or scalar), or `init` with `shape` and `dtype`")
        if isinstance(input_data, Tensor):
            array = input_data._read()
        else:
            array = _host_or_device_array(input_data, where)
        if not _backend.is_device_array(array):
            array = _backend.to_active(array)
        target = dtype if dtype is not None else from_numpy(array.dtype, where, "input_data")
        # Always a copy of the caller's buffer (lists were freshly converted already);
        # a value the target dtype cannot hold is a ValueError, never a wrap or an inf.
        array = checked_astype(array, target, where, "input_data",
                               copy=not isinstance(input_data, (list, tuple)))
        if shape is not None:
            wanted = check_shape(where, "shape", shape, allow_zero=True)
            if wanted != tuple(array.shape):
                raise value_error(where, "shape", shape, f"the data's shape {tuple(array.shape)}")
        self._set_array(array, target)

    # ------------------------------------------------------------------ internals

    def _init_state(self) -> None:
        self._lock = _RLock()
        # Stream ordering (DESIGN.md contracts 7 and 8; see _backend_streams): the last
        # write, the reads on other streams, the buffer's allocation stream, its device.
        self._ready: Ready = None
        self._readers: dict[Any, Any] = {}
        self._home: Any = None
        self._device: int | None = None
        self._base: Tensor | None = None  # the tensor whose buffer a view shares
        self._after: list[Ready] = []
        self._init: LazyInit | None = None
        self._key: _random.Key | None = None
        self._full_shape: Shape | None = None
        self._shard_index: tuple[slice, ...] | None = None  # meaningful while _full_shape is set

    def _view(self, array: Array) -> Tensor:
        """Wrap ``array`` (a result of indexing ``self``); a view shares ``self``'s ordering:
        its reads count as reads of the base, its writes as writes of the base."""
        tensor = Tensor._from_array(array)
        # NumPy may hand back the very same array (a no-op squeeze): that shares memory too.
        if array is self._array or getattr(array, "base", None) is not None:
            tensor._base = self if self._base is None else self._base
        return tensor

    @classmethod
    def _from_array(cls, array: Array) -> Tensor:
        """Wrap ``array`` without copying (its dtype must be one gpuparam supports)."""
        tensor = cls.__new__(cls)
        tensor._init_state()
        tensor._set_array(array, from_numpy(array.dtype, "Tensor", "input_data"))
        return tensor

    def _set_array(self, array: Array, dtype: DType) -> None:
        self._release_buffer()
        self._shape = tuple(int(d) for d in array.shape)
        self._dtype = dtype
        self._array = array
        self._ready, home = _streams.record_write()
        # A view's block belongs to its base, allocated on a stream we do not know.
        self._home = home if getattr(array, "base", None) is None else None
        self._device = None if home is None else _streams.array_device(array)

    def _release_buffer(self) -> None:
        """Drop the buffer (if any), parked while another stream may still access it."""
        old = getattr(self, "_array", None)
        if old is not None:
            _streams.release(old, self._ready, self._readers, self._home)
            self._array, self._readers = None, {}

    def __del__(self) -> None:
        try:
            if _streams.multi_stream():  # single-stream processes never park a buffer
                self._release_buffer()
        except Exception:  # interpreter shutdown, a dead CUDA context: nothing to order
            pass

    def _begin_write(self) -> Array:
        """Return the buffer for an in-place write, the current stream made to wait for
        every queued read and write of it (write-after-read, write-after-write)."""
        array = self._materialized()
        _streams.wait_after(self._after)
        for owner in (self,) if self._base is None else (self, self._base):
            with owner._lock:  # the last write is covered too (an event on its stream)
                _streams.wait_before_write(owner._ready, owner._readers)
                owner._readers = {}
        return array

    def _end_write(self) -> None:
        self._ready = _streams.record_write()[0]
        if self._base is not None:  # the base's readers now wait for this write
            self._base._ready = self._ready

    def _materialized(self) -> Array:
        array = self._array  # one read: a concurrent set_data cannot change it under us
        if array is not None:
            return array
        with self._lock:
            # Under the lock (which set_data holds while it swaps the data) the tensor
            # cannot turn lazy again between init_data and the read below.
            self.init_data()
            array = self._array
        assert array is not None
        return array

    def _read(self) -> Array:
        """Return the buffer for reading: materialized, with the current stream made to
        wait (on the device) for its writer and for anything ``depend`` attached."""
        array = self._materialized()
        if self._ready is not None:  # None on NumPy: nothing to wait for
            reader = _streams.wait_for(self._ready)
            if reader is not None:  # read on a stream other than the writer's: remembered
                # A view's reads are also its base's (a write to the base must wait for them).
                for owner in (self,) if self._base is None else (self, self._base):
                    with owner._lock:
                        owner._readers = _streams.add_reader(owner._readers, reader)
        if self._after:
            _streams.wait_after(self._after)
        return array

    # ------------------------------------------------------------------ pickle and copy

    # Per-process state a copy never inherits: the lock and the stream ordering (the
    # events, the readers, the allocation stream, the device, the base a view shares).
    # A copy starts with its own, as a new tensor does; the data travels separately.
    _PER_PROCESS = ("_lock", "_ready", "_readers", "_home", "_device", "_base", "_after",
                    "_array")

    def __getstate__(self) -> dict[str, Any]:
        """Everything but the per-process state; data as a host array (a lazy tensor stays
        lazy: its initializer and random key travel, so the copy gives the same values)."""
        with self._lock:
            state = {k: v for k, v in self.__dict__.items() if k not in self._PER_PROCESS}
            state["_array"] = (None if self._array is None
                               else np.asarray(_backend.to_host(self._read()), order="C"))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        array = state.pop("_array", None)
        # Loaded on the active backend; a lazy tensor materializes on the current device.
        self._restore(state, None if array is None else _backend.to_active(array),
                      _streams.current_device())

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        # Like pickling, but the data is copied on its own device (no host round trip).
        clone = type(self).__new__(type(self))
        memo[id(self)] = clone
        with self._lock:
            array = None
            if self._array is not None:
                with _backend.device(self._device):
                    array = self._read().copy()
            state = {k: copy.deepcopy(v, memo) for k, v in self.__dict__.items()
                     if k not in self._PER_PROCESS}
        clone._restore(state, array, self._device)
        return clone

    def _restore(self, state: dict[str, Any], array: Array | None, device: int | None) -> None:
        """Finish a copy: fresh per-process state, ``state``, then ``array`` (owned) as
        its data, or lazy (``device``: where it will materialize)."""
        self._init_state()
        self.__dict__.update(state)
        self._array = None
        if array is None:
            self._device = device
        else:
            self._set_array(array, self._dtype)

    # ------------------------------------------------------------------ laziness

    @property
    def has_init(self) -> bool:
        """True while the tensor is lazy (no buffer yet)."""
        return self._array is None

    @property
    def init(self) -> LazyInit | None:
        """The initializer of a lazy tensor (``None`` once materialized or for data tensors)."""
        return self._init if self._array is None else None

    def init_data(self, index: Any = None, stream: Any = None) -> Tensor:
        """Materialize a lazy tensor once and return ``self``; returns ``self`` at once if
        already materialized. Thread-safe: concurrent callers allocate one buffer.

        Args:
            index: A slice or tuple of slices: materialize only that part of the whole
                tensor (its values are exactly ``whole[index]``); the tensor then holds
                the part, and ``shape`` is the part's shape.
            stream: A CUDA stream to generate on (GPU only); readers on other streams
                wait for it on the device.
        """
        if self._array is not None and index is None:
            return self
        with self._lock:
            if self._array is not None:
                self._check_held_part(index)
            else:
                assert self._init is not None and self._key is not None
                np_dtype = self._dtype.numpy_dtype
                index = None if index is None else self._normalized(self._shape, index)
                with _backend.stream(stream), _backend.device(self._device):
                    array = self._init._generate(self._shape, np_dtype, self._key, index)
                    expected = sliced_shape(self._shape, index)
                    if tuple(array.shape) != tuple(expected) or array.dtype != np_dtype:
                        raise RuntimeError(
                            f"{type(self._init).__name__}._generate returned shape "
                            f"{tuple(array.shape)} dtype {array.dtype}; expected {expected} {np_dtype}")
                    if index is not None:
                        self._full_shape = self._shape
                        self._shard_index = index
                    ready, home = _streams.record_write()
                self._shape = tuple(expected)
                self._ready, self._home = ready, home
                self._device = None if home is None else _streams.array_device(array)
                self._array = array  # published last: other threads see a complete tensor
        return self

    def _normalized(self, shape: Shape, index: Any) -> tuple[slice, ...]:
        """``_random.normalize_index`` with messages that name the public method."""
        try:
            return _random.normalize_index(shape, index)
        except (TypeError, ValueError) as exc:
            where = f"{type(self).__name__}.init_data"
            raise type(exc)(str(exc).replace("normalize_index:", f"{where}:", 1)) from None

    def _check_held_part(self, index: Any) -> None:
        """Raise ValueError unless ``index`` names the part this materialized tensor holds."""
        whole = self._full_shape if self._full_shape is not None else self._shape
        held = (self._shard_index if self._full_shape is not None
                else self._normalized(whole, None))
        if self._normalized(whole, index) != held:
            where = f"{type(self).__name__}.init_data"
            holds = ("a shard, " + str(held) if self._full_shape is not None
                     else "all of its data")
            raise ValueError(f"{where}: `index` {index!r} asks for another part, but the "
                             f"tensor already holds {holds} (whole shape {whole}); a "
                             "materialized tensor cannot change its part. Create another "
                             "lazy tensor (or `clone()` one before materializing) for it.")

    # ------------------------------------------------------------------ attributes

    @property
    def shape(self) -> Shape:
        """The shape, a tuple of ints (known even while the tensor is lazy)."""
        return self._shape

    @property
    def dtype(self) -> DType:
        """The gpuparam dtype (``gpuparam.float32``, ...)."""
        return self._dtype

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return len(self._shape)

    @property
    def size(self) -> int:
        """The number of elements."""
        return math.prod(self._shape)  # Python ints: no wrap-around

    @property
    def nbytes(self) -> int:
        """The bytes the data takes (or will take, while lazy)."""
        return self.size * self._dtype.itemsize

    @property
    def itemsize(self) -> int:
        """The bytes of one element."""
        return self._dtype.itemsize

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError(f"{type(self).__name__}: len() of a 0-d tensor.")
        return self._shape[0]

    # ------------------------------------------------------------------ host exchange

    def asnumpy(self) -> np.ndarray:
        """Return a NumPy copy of the data on the host. May synchronize the device."""
        return np.array(_backend.to_host(self._read()), copy=True)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """NumPy 2's array protocol: ``np.array(t)`` copies; ``np.asarray(t)`` may share.

        ``copy=True`` (``np.array``'s default) always returns a new array, so writing to
        it never reaches the tensor. ``copy=None`` (``np.asarray``) shares the buffer on
        the NumPy backend when no dtype change is asked for, as a **read-only** view: a
        write must go through ``set_data``/``Assign``/``t[...] = v``, which keep the
        tensor's bookkeeping. ``copy=False`` raises ValueError where a copy is needed
        (a GPU tensor, or another dtype). May synchronize the device.
        """
        array = self._read()
        wanted = None if dtype is None else np.dtype(dtype)
        needs_copy = _backend.is_device_array(array) or (wanted is not None and wanted != array.dtype)
        if copy is False and needs_copy:
            reason = ("the data lives on the GPU" if _backend.is_device_array(array)
                      else f"the dtype changes from {array.dtype} to {wanted}")
            raise ValueError(f"Tensor.__array__: `copy=False` cannot be honoured: {reason}, "
                             "so a copy is needed; use np.asarray(t) or t.asnumpy().")
        if needs_copy:
            host = _backend.to_host(array)
            return host if wanted is None or host.dtype == wanted else host.astype(wanted)
        if copy:
            return np.array(array, copy=True)
        view = array.view()
        view.flags.writeable = False
        return view

    def item(self) -> Any:
        """Return the single element as a Python scalar. May synchronize the device."""
        if self.size != 1:
            raise ValueError(f"{type(self).__name__}.item: only a tensor of one element "
                             f"has an item; this one has shape {self._shape}.")
        return self.asnumpy().item()

    def tolist(self) -> Any:
        """Return the data as nested Python lists. May synchronize the device."""
        return self.asnumpy().tolist()

    def __bool__(self) -> bool:
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __dlpack__(self, **kwargs: Any) -> Any:
        """Export through DLPack (no copy); keyword arguments go to the array's ``__dlpack__``.

        Raises:
            BufferError: For a BFloat16 tensor (DLPack export of bfloat16 is not
                supported by NumPy): cast it first, ``t.astype(gpuparam.float32)``.
        """
        array = self._read()
        try:
            return array.__dlpack__(**{k: v for k, v in kwargs.items() if v is not None})
        except BufferError as exc:
            raise BufferError(f"Tensor.__dlpack__: a {self._dtype} tensor cannot be exported "
                              f"through DLPack here ({exc}); cast it first, e.g. "
                              "t.astype(gpuparam.float32).") from None

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._read().__dlpack_device__()

    @staticmethod
    def from_dlpack(external: Any) -> Tensor:
        """Return a Tensor sharing memory with ``external`` (any DLPack producer) on the active backend."""
        xp = _backend.active_array_module()
        if not hasattr(external, "__dlpack__"):
            raise type_error("from_dlpack", "external", external, "an object with __dlpack__")
        try:
            array = xp.from_dlpack(external)
        except (BufferError, RuntimeError, TypeError, ValueError) as exc:
            # bfloat16 (NumPy and CuPy cannot import it), or memory on another device.
            raise TypeError(f"from_dlpack: `external` ({type(external).__name__}) cannot be "
                            f"shared with the {_backend.active_backend()} backend ({exc}); a "
                            "bfloat16 tensor must be cast first (torch: x.float()), and GPU "
                            "memory needs the CuPy backend.") from None
        return Tensor._from_array(array)

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        array = self._read()
        if not _backend.is_device_array(array):
            raise AttributeError("__cuda_array_interface__: this tensor lives on the host (NumPy backend)")
        return array.__cuda_array_interface__

    # ------------------------------------------------------------------ printing

    def __str__(self) -> str:
        return str(self.asnumpy())

    def __repr__(self) -> str:
        shape = list(self._shape)
        if self._array is None:
            return f"Tensor(shape={shape}, dtype={self._dtype}, init={self._init!r})"
        body = np.array2string(self.asnumpy(), separator=", ")
        return f"Tensor(shape={shape}, dtype={self._dtype}, value=\n{body})"

    # ------------------------------------------------------------------ conversions

    def astype(self, dtype: Any) -> Tensor:
        """Return a copy cast to ``dtype`` (a gpuparam or NumPy dtype).

        Raises:
            ValueError: If a value does not fit ``dtype`` (300 into int8, NaN into an
                integer dtype, 1e300 into float32); rounding within the range is allowed.
        """
        target = to_dtype(dtype, "Tensor.astype")
        return Tensor._from_array(checked_astype(self._read(), target, "Tensor.astype", None))

    def copy(self) -> Tensor:
        """Return a copy on the same device."""
        return Tensor._from_array(self._read().copy())

    def reshape(self, *shape: Any) -> Tensor:
        """Return the data with a new shape (``t.reshape(3, 2)`` or ``t.reshape((3, 2))``)."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])
        try:
            return self._view(self._read().reshape(shape))
        except (ValueError, TypeError) as exc:
            raise value_error("Tensor.reshape", "shape", shape,
                              f"a shape with {self.size} elements ({exc})") from None

    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the sum over ``axis`` (all elements when ``None``), as ``numpy.sum``."""
        return self._reduce("sum", axis, keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the mean over ``axis`` (all elements when ``None``), as ``numpy.mean``."""
        return self._reduce("mean", axis, keepdims)

    # ------------------------------------------------------------------ indexing

    def __getitem__(self, index: Any) -> Tensor:
        index = _unwrap(index)
        array = self._read()
        try:
            return self._view(array[index])
        except (IndexError, TypeError, ValueError) as exc:
            raise IndexError(f"Tensor.__getitem__: `index` {index!r} does not select from a "
                             f"tensor of shape {self._shape} ({exc}).") from None

    def __setitem__(self, index: Any, value: Any) -> None:
        where = "Tensor.__setitem__"
        array = self._materialized()  # no read ordering here: _begin_write orders the write
        operand = _operand(value, array)
        if isinstance(operand, numbers.Real) and not isinstance(operand, bool):
            check_scalar_fits(where, "value", operand, self._dtype)
        elif not isinstance(operand, bool):  # arrays, and complex scalars
            operand = checked_astype(_backend.get_array_module(array).asarray(operand),
                                     self._dtype, where, "value", copy=False)
        array = self._begin_write()  # checked first: a bad value waits for nothing
        try:
            array[_unwrap(index)] = operand
        except (IndexError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: `value` of shape {tuple(getattr(operand, 'shape', ()))} "
                             f"cannot be written at `index` {index!r} of a tensor of shape "
                             f"{self._shape} ({exc}).") from None
        finally:
            self._end_write()

    def __iter__(self) -> Any:
        for i in range(len(self)):
            yield self[i]


_tensor_ops.attach(Tensor)

__all__ = ["Tensor", "LazyInit", "Shape", "Array", "sliced_shape"]
