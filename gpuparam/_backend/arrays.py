"""Arrays on either backend: which module owns an array, host/device copies, pinned copies."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import numpy as np

from .._errors import type_error
from .selection import active_array_module

def _cupy_if_loaded() -> ModuleType | None:
    # Looking in sys.modules keeps the NumPy path from ever importing CuPy.
    return sys.modules.get("cupy")


def is_device_array(array: Any) -> bool:
    """Return True if ``array`` is a ``cupy.ndarray``."""
    cupy = _cupy_if_loaded()
    return cupy is not None and isinstance(array, cupy.ndarray)


def get_array_module(*arrays: Any) -> ModuleType:
    """Return ``cupy`` if any of ``arrays`` is a ``cupy.ndarray``, else ``numpy``.

    Never imports CuPy: an array of CuPy's can only exist once CuPy is loaded.
    """
    cupy = _cupy_if_loaded()
    if cupy is not None and any(isinstance(a, cupy.ndarray) for a in arrays):
        return cupy
    return np


def to_host(array: Any) -> np.ndarray:
    """Return ``array`` as a NumPy array (a copy from the device for CuPy arrays).

    May synchronize the device.
    """
    if is_device_array(array):
        return array.get()
    return np.asarray(array)


def to_host_values(*values: Any) -> list[Any]:
    """Return 0-d arrays (results of reductions) as Python numbers, read in one transfer.

    On CuPy the values are stacked on the device and copied back together: one host
    synchronization however many there are. May synchronize the device.
    """
    if not any(is_device_array(v) for v in values):
        return [np.asarray(v).item() for v in values]
    return get_array_module(*values).stack(values).get().tolist()  # type: ignore[no-any-return]


def to_active(array: Any) -> Any:
    """Return ``array`` on the active backend (uploading or downloading as needed)."""
    xp = active_array_module()
    if xp is np:
        return to_host(array)
    return xp.asarray(array)


def to_host_pinned(array: Any) -> np.ndarray:
    """Return a copy of the CuPy ``array`` in pinned (page-locked) host memory.

    Used to pass device data to an MPI that is not CUDA-aware. Synchronizes the device.
    """
    if array.nbytes == 0:
        return np.empty(array.shape, array.dtype)
    cupy = get_array_module(array)
    if cupy is np:
        raise type_error("to_host_pinned", "array", array, "a cupy.ndarray")
    memory = cupy.cuda.alloc_pinned_memory(array.nbytes)
    host = np.frombuffer(memory, array.dtype, array.size).reshape(array.shape)
    array.get(out=host)
    return host
