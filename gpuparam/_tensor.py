"""``Tensor``: a device buffer with a gpuparam dtype, or a lazy description of one.

A lazy tensor (``Tensor(shape=..., dtype=..., init=...)``) holds a shape, a dtype, an
initializer and the random key it was given at creation; it takes memory only when it
is materialized (``init_data()``, ``asnumpy()`` or any op that reads it). MindSpore
computes with zeros when an uninitialized tensor is used; gpuparam materializes it.

This module is the core: construction, the buffer and its stream ordering, laziness,
and the small internal API every other module uses (``_read``, ``_wrap``, ``_view``,
``_writing``, ``_replace_with``, ``_depend_on``). The public methods come from mixins
that build their results through that API and never name ``Tensor``:
``_tensor_methods`` (attributes, shape functions, reductions, casts, indexing),
``_tensor_ops`` (operators), ``_tensor_host`` (host exchange, DLPack, printing) and
``_tensor_copy`` (pickling, deep copies).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Protocol, Union

import numpy as np

try:  # fastrlock is optional: ~0.3 us faster per acquire, nothing next to a kernel launch
    from fastrlock.rlock import FastRLock as _RLock
except ImportError:
    from threading import RLock as _RLock

from . import _backend, _random
from ._array_ops import as_array, checked_astype
from ._backend import streams as _streams
from ._backend import Array
from ._dtype import DType, from_numpy, to_dtype
from ._errors import check_shape, type_error, value_error
from ._tensor_copy import TensorCopyMethods
from ._tensor_host import TensorHostMethods
from ._tensor_methods import TensorMethods
from ._tensor_ops import TensorOperators
from ._tensor_reductions import TensorReductions
from ._tensor_shape_methods import TensorShapeMethods


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


class Tensor(TensorMethods, TensorReductions, TensorShapeMethods, TensorOperators, TensorHostMethods,
             TensorCopyMethods):
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
            self._device = _streams.current_device()  # materialized there, whatever is current then
            return
        if input_data is None:
            raise type_error(where, "input_data", input_data,
                             "data (a Tensor, array, list or scalar), or `init` with `shape` and `dtype`")
        if isinstance(input_data, Tensor):
            array = input_data._read()
        else:
            array = as_array(input_data, where)
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

    # ------------------------------------------------------------------ state

    def _init_state(self) -> None:
        self._lock = _RLock()
        self._array: Array | None = None
        # Stream ordering (DESIGN.md contracts 7 and 8; see _backend/streams.py): the last
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

    # ------------------------------------------------------------------ internal API
    #
    # What every other module of gpuparam uses to work with a tensor's data, and only
    # this: _read() (the buffer, ordered for reading), _wrap(array) (a new tensor around a
    # result), _view(array) (one that shares self's buffer), _writing() (the buffer,
    # ordered for an in-place write), _replace_with(source, ...) (take another tensor's
    # data or laziness), _depend_on(effects) (ops.depend), and the read-only _device.

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

    @staticmethod
    def _wrap(array: Array) -> Tensor:
        """Return a new Tensor around ``array`` without copying (a result computed on the
        device; its dtype must be one gpuparam supports; a 0-d NumPy scalar is made a
        0-d array). Always a plain Tensor, also when called on a Parameter."""
        tensor = Tensor.__new__(Tensor)
        tensor._init_state()
        if isinstance(array, np.generic):
            array = np.asarray(array)
        tensor._set_array(array, from_numpy(array.dtype, "Tensor", "input_data"))
        return tensor

    def _view(self, array: Array) -> Tensor:
        """Wrap ``array`` (a result of indexing or reshaping ``self``); a view shares
        ``self``'s ordering: its reads count as reads of the base, its writes as writes of
        the base."""
        tensor = Tensor._wrap(array)
        # NumPy may hand back the very same array (a no-op squeeze): that shares memory too.
        if array is self._array or getattr(array, "base", None) is not None:
            tensor._base = self if self._base is None else self._base
        return tensor

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Array]:
        """Yield the buffer for an in-place write, the current stream made to wait first
        for every queued read and write of it (write-after-read, write-after-write); the
        write is recorded when the block ends, also when it raises (it may have written
        part of the buffer)."""
        with self._lock:  # no state swap (set_data, a second writer) in the middle
            array = self._materialized()
            _streams.wait_after(self._after)
            for owner in (self,) if self._base is None else (self, self._base):
                with owner._lock:  # the last write is covered too (an event on its stream)
                    _streams.wait_before_write(owner._ready, owner._readers)
                    owner._readers = {}
            try:
                yield array
            finally:
                self._ready = _streams.record_write()[0]
                if self._base is not None:  # the base's readers now wait for this write
                    self._base._ready = self._ready

    def _replace_with(self, source: Tensor, dtype: DType | None = None, share: bool = False,
                      *, where: str = "Tensor", arg: str | None = "data") -> None:
        """Take ``source``'s data, or its laziness: the one state swap behind
        ``Parameter.set_data``, ``assign_value``, ``ops.Assign`` of a lazy parameter and
        ``load_param_into_net``.

        A lazy ``source`` of ``dtype`` stays lazy: ``self`` takes its initializer and
        random key, so it gives the same values. Otherwise the data (a lazy source's
        generated without materializing the source) is cast to ``dtype`` through the
        checked cast (``where`` and ``arg`` name it in the error), and copied unless
        ``share`` (then ``self`` takes ``source``'s buffer where no cast is needed: the
        caller promises not to use ``source`` again). The shape becomes ``source``'s. The
        old buffer is released through ``_release_buffer``: parked while another stream
        may still access it (contract 8). An error changes nothing.
        """
        target = source._dtype if dtype is None else dtype
        lazy = source._array is None
        if lazy and target == source._dtype:
            with self._lock:  # lazy stays lazy: the same initializer and key
                self._release_buffer()
                self._shape, self._dtype = source._shape, source._dtype
                self._init, self._key = source._init, source._key
                self._ready, self._full_shape = None, None
                self._device = source._device
            return
        # A lazy source is generated here (on its device), in its own dtype; it stays lazy.
        with _backend.device(source._device if lazy else None):
            data = source._generate(None) if lazy else source._read()
            array = checked_astype(data, target, where, arg, copy=not (lazy or share))
            with self._lock:  # replaces the initializer of a lazy tensor; it never runs
                self._init, self._key, self._full_shape = None, None, None
                self._set_array(array, target)

    def _depend_on(self, effects: list[Tensor]) -> None:
        """Make every later read of ``self`` wait for the writes of ``effects`` (each
        materialized here: its materialization is the effect), as ``ops.depend``."""
        readies: list[Ready] = []
        for effect in effects:
            effect._materialized()
            readies.append(effect._ready)
            readies.extend(effect._after)
        # Completed events are dropped, so repeated depends do not grow the list; locked,
        # so two threads depending on one target cannot lose each other's events.
        with self._lock:
            self._after = _streams.still_pending(self._after + readies)

    # ------------------------------------------------------------------ internals

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
                index = None if index is None else self._normalized(self._shape, index)
                with _backend.stream(stream), _backend.device(self._device):
                    array = self._generate(index)
                    if index is not None:
                        self._full_shape = self._shape
                        self._shard_index = index
                    ready, home = _streams.record_write()
                self._shape = tuple(array.shape)
                self._ready, self._home = ready, home
                self._device = None if home is None else _streams.array_device(array)
                self._array = array  # published last: other threads see a complete tensor
        return self

    def _generate(self, index: tuple[slice, ...] | None) -> Array:
        """Return this lazy tensor's values (``whole[index]``), generated on the current
        device and stream; nothing of ``self`` changes."""
        assert self._init is not None and self._key is not None
        np_dtype = self._dtype.numpy_dtype
        array = self._init._generate(self._shape, np_dtype, self._key, index)
        expected = sliced_shape(self._shape, index)
        if tuple(array.shape) != tuple(expected) or array.dtype != np_dtype:
            raise RuntimeError(f"{type(self._init).__name__}._generate returned shape "
                               f"{tuple(array.shape)} dtype {array.dtype}; expected "
                               f"{expected} {np_dtype}")
        return array

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

__all__ = ["Tensor", "LazyInit", "Shape", "Array", "sliced_shape"]
