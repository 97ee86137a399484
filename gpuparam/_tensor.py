"""``Tensor``: a device buffer with a gpuparam dtype, or a lazy description of one.

A lazy tensor (``Tensor(shape=..., dtype=..., init=...)``) holds a shape, a dtype, an
initializer and the random key it was given at creation; it takes memory only when it
is materialized (``init_data()``, ``asnumpy()`` or any op that reads it). MindSpore
computes with zeros when an uninitialized tensor is used; gpuparam materializes it.
"""

from __future__ import annotations

import copy
import numbers
import operator
from collections.abc import Callable
from typing import Any, Protocol, Union

import numpy as np
from fastrlock.rlock import FastRLock

from . import _backend, _random
from ._backend import Array
from ._dtype import DType, from_numpy, to_dtype
from ._errors import check_shape, type_error, value_error


Shape = tuple[int, ...]
Ready = Union[tuple[Any, Any], None]


class LazyInit(Protocol):
    """What a lazy tensor needs from its initializer (every ``Initializer`` has it)."""

    def _generate(self, shape: Shape, dtype: np.dtype, key: _random.Key,
                  index: tuple[slice, ...] | None) -> Array:
        """Return ``whole[index]`` on the active backend, ``whole`` being ``shape``/``dtype``."""


def _infer_from_python(data: Any, where: str) -> np.ndarray:
    """Build a host array from Python data: int -> int64, float -> float32, bool -> bool."""
    try:
        host = np.asarray(data)
    except (ValueError, TypeError) as exc:  # ragged lists and the like
        raise value_error(where, "input_data", data, f"rectangular nested lists ({exc})") from None
    if host.dtype == np.float64:
        host = host.astype(np.float32)  # Python floats become Float32, as in MindSpore
    return host


def _host_or_device_array(data: Any, where: str) -> Array:
    """Return ``data`` (not a Tensor) as an array of NumPy or CuPy, without a dtype cast."""
    if isinstance(data, np.ndarray) or _backend.is_device_array(data):
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    if isinstance(data, (bool, numbers.Number, list, tuple)):
        if isinstance(data, numbers.Complex) and not isinstance(data, numbers.Real):
            raise type_error(where, "input_data", data, "real numbers")
        return _infer_from_python(data, where)
    raise type_error(where, "input_data", data,
                     "a Tensor, a NumPy or CuPy array, a nested list/tuple or a Python scalar")


def sliced_shape(shape: Shape, index: tuple[slice, ...] | None) -> Shape:
    """Return the shape of ``whole[index]`` for normalized slices (see ``_random.normalize_index``)."""
    if index is None:
        return shape
    return tuple(len(range(s.start, s.stop, s.step)) for s in index) + shape[len(index):]


class Tensor:
    """A multi-dimensional array on the active device, with MindSpore's Tensor API.

    Args:
        input_data: A Tensor, a NumPy or CuPy array, nested lists/tuples, or a Python
            scalar. Python ``int`` gives Int64, ``float`` Float32, ``bool`` Bool.
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
        # Always a copy of the caller's buffer (lists were freshly converted already).
        array = array.astype(target.numpy_dtype, copy=not isinstance(input_data, (list, tuple)))
        if shape is not None:
            wanted = check_shape(where, "shape", shape, allow_zero=True)
            if wanted != tuple(array.shape):
                raise value_error(where, "shape", shape, f"the data's shape {tuple(array.shape)}")
        self._set_array(array, target)

    # ------------------------------------------------------------------ internals

    def _init_state(self) -> None:
        self._lock = FastRLock()
        self._ready: Ready = None
        self._after: list[Ready] = []
        self._init: LazyInit | None = None
        self._key: _random.Key | None = None
        self._full_shape: Shape | None = None

    @classmethod
    def _from_array(cls, array: Array) -> Tensor:
        """Wrap ``array`` without copying (its dtype must be one gpuparam supports)."""
        tensor = cls.__new__(cls)
        tensor._init_state()
        tensor._set_array(array, from_numpy(array.dtype, "Tensor", "input_data"))
        return tensor

    def _set_array(self, array: Array, dtype: DType) -> None:
        self._shape = tuple(int(d) for d in array.shape)
        self._dtype = dtype
        self._array = array
        self._ready = _backend.record_ready_event()

    def _materialized(self) -> Array:
        if self._array is None:
            self.init_data()
        assert self._array is not None
        return self._array

    def _read(self) -> Array:
        """Return the buffer for reading: materialized, with the current stream made to
        wait (on the device) for its writer and for anything ``depend`` attached."""
        array = self._materialized()
        _backend.wait_ready(self._ready)
        for ready in self._after:
            _backend.wait_ready(ready)
        return array

    # ------------------------------------------------------------------ pickle and copy

    # Per-process state that is rebuilt, never copied: the lock, and the stream events.
    _TRANSIENT = ("_lock", "_ready", "_after")

    def __getstate__(self) -> dict[str, Any]:
        """Everything but the lock and events; data as a host array (a lazy tensor stays
        lazy: its initializer and random key travel, so the copy gives the same values)."""
        with self._lock:
            state = {k: v for k, v in self.__dict__.items() if k not in self._TRANSIENT}
            if self._array is not None:
                state["_array"] = np.asarray(_backend.to_host(self._read()), order="C")
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._init_state()  # a new lock of its own
        self.__dict__.update(state)
        if self._array is not None:
            self._array = _backend.to_active(self._array)  # back on the active backend
            self._ready = _backend.record_ready_event()

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        # Like pickling, but the data is copied on its own device (no host round trip).
        clone = type(self).__new__(type(self))
        memo[id(self)] = clone
        clone._init_state()
        with self._lock:
            array = None if self._array is None else self._read().copy()
            for key, value in self.__dict__.items():
                if key not in self._TRANSIENT and key != "_array":
                    clone.__dict__[key] = copy.deepcopy(value, memo)
        clone._array = array
        if array is not None:
            clone._ready = _backend.record_ready_event()
        return clone

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
        if self._array is not None:
            return self
        with self._lock:
            if self._array is None:
                assert self._init is not None and self._key is not None
                np_dtype = self._dtype.numpy_dtype
                index = None if index is None else _random.normalize_index(self._shape, index)
                with _backend.stream(stream):
                    array = self._init._generate(self._shape, np_dtype, self._key, index)
                    expected = sliced_shape(self._shape, index)
                    if tuple(array.shape) != tuple(expected) or array.dtype != np_dtype:
                        raise RuntimeError(
                            f"{type(self._init).__name__}._generate returned shape "
                            f"{tuple(array.shape)} dtype {array.dtype}; expected {expected} {np_dtype}")
                    if index is not None:
                        self._full_shape = self._shape
                    ready = _backend.record_ready_event()
                self._shape = tuple(expected)
                self._ready = ready
                self._array = array  # published last: other threads see a complete tensor
        return self

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
        return int(np.prod(self._shape, dtype=np.int64))

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
        host = _backend.to_host(self._read())
        return host if dtype is None else host.astype(dtype, copy=False)

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
        """Export through DLPack (no copy); keyword arguments go to the array's ``__dlpack__``."""
        return self._read().__dlpack__(**{k: v for k, v in kwargs.items() if v is not None})

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._read().__dlpack_device__()

    @staticmethod
    def from_dlpack(external: Any) -> Tensor:
        """Return a Tensor sharing memory with ``external`` (any DLPack producer) on the active backend."""
        xp = _backend.active_array_module()
        if not hasattr(external, "__dlpack__"):
            raise type_error("Tensor.from_dlpack", "external", external, "an object with __dlpack__")
        return Tensor._from_array(xp.from_dlpack(external))

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
        """Return a copy cast to ``dtype`` (a gpuparam or NumPy dtype)."""
        target = to_dtype(dtype, "Tensor.astype")
        return Tensor._from_array(self._read().astype(target.numpy_dtype))

    def copy(self) -> Tensor:
        """Return a copy on the same device."""
        return Tensor._from_array(self._read().copy())

    def reshape(self, *shape: Any) -> Tensor:
        """Return the data with a new shape (``t.reshape(3, 2)`` or ``t.reshape((3, 2))``)."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])
        try:
            return Tensor._from_array(self._read().reshape(shape))
        except (ValueError, TypeError) as exc:
            raise value_error("Tensor.reshape", "shape", shape,
                              f"a shape with {self.size} elements ({exc})") from None

    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the sum over ``axis`` (all elements when ``None``), as ``numpy.sum``."""
        return Tensor._from_array(self._read().sum(axis=axis, keepdims=keepdims))

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the mean over ``axis`` (all elements when ``None``), as ``numpy.mean``."""
        return Tensor._from_array(self._read().mean(axis=axis, keepdims=keepdims))

    # ------------------------------------------------------------------ indexing

    def __getitem__(self, index: Any) -> Tensor:
        index = _unwrap(index)
        return Tensor._from_array(self._read()[index])

    def __setitem__(self, index: Any, value: Any) -> None:
        array = self._read()
        array[_unwrap(index)] = _operand(value, array)
        self._ready = _backend.record_ready_event()

    def __iter__(self) -> Any:
        for i in range(len(self)):
            yield self[i]


def _unwrap(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value._read()
    if isinstance(value, tuple):
        return tuple(_unwrap(v) for v in value)
    return value


def _operand(value: Any, like: Array) -> Any:
    """Return ``value`` ready to combine with ``like`` (same backend; scalars stay weak)."""
    if isinstance(value, Tensor):
        return value._read()
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
    return Tensor._from_array(array)


def _binary(op: Callable[[Any, Any], Any], name: str) -> tuple[Any, Any]:
    def apply(self: Tensor, other: Any, reflected: bool) -> Any:
        a = self._read()
        try:
            b = _operand(other, a)
        except TypeError:
            return NotImplemented
        return _result(op(b, a) if reflected else op(a, b), self, other)

    def forward(self: Tensor, other: Any) -> Any:
        return apply(self, other, False)

    def reflected(self: Tensor, other: Any) -> Any:
        return apply(self, other, True)

    forward.__name__, reflected.__name__ = f"__{name}__", f"__r{name}__"
    return forward, reflected


for _name, _op in [("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("floordiv", operator.floordiv),
                   ("mod", operator.mod), ("pow", operator.pow), ("matmul", operator.matmul)]:
    _fwd, _refl = _binary(_op, _name)
    setattr(Tensor, f"__{_name}__", _fwd)
    setattr(Tensor, f"__r{_name}__", _refl)

for _name, _op in [("eq", operator.eq), ("ne", operator.ne), ("lt", operator.lt),
                   ("le", operator.le), ("gt", operator.gt), ("ge", operator.ge)]:
    setattr(Tensor, f"__{_name}__", _binary(_op, _name)[0])

for _name, _op in [("neg", operator.neg), ("pos", operator.pos), ("abs", operator.abs)]:
    def _unary(self: Tensor, _op: Callable[[Any], Any] = _op) -> Tensor:
        return Tensor._from_array(_op(self._read()))
    _unary.__name__ = f"__{_name}__"
    setattr(Tensor, f"__{_name}__", _unary)

__all__ = ["Tensor", "LazyInit", "Shape", "Array", "sliced_shape"]
