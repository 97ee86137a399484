"""How a Tensor is pickled and deep-copied, as a mixin ``Tensor`` inherits.

A copy never inherits per-process state: the lock and the stream ordering (the events,
the readers, the allocation stream, the device, the base a view shares). It starts with
its own, as a new tensor does; the data travels separately (a lazy tensor stays lazy:
its initializer and random key travel, so the copy gives the same values).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _backend
from ._backend import streams as _streams

if TYPE_CHECKING:
    from ._backend import Array
    from ._dtype import DType


class TensorCopyMethods:
    """Pickling and ``copy.deepcopy`` of ``gpuparam.Tensor`` (inherited; not used on its own)."""

    if TYPE_CHECKING:
        _array: Array | None
        _device: int | None
        _dtype: DType
        _lock: Any

        def _read(self) -> Array: ...
        def _init_state(self) -> None: ...
        def _set_array(self, array: Array, dtype: DType) -> None: ...

    # Per-process state a copy never inherits (see the module docstring).
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

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:  # the type of self
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


__all__ = ["TensorCopyMethods"]
