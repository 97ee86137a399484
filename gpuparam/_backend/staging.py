"""Pinned host buffers and asynchronous copies through them, for moving file bytes to
and from the device in pieces (checkpoints): the disk (or the file write) works on one
buffer while the other is copied, and an event says when a buffer may be reused."""

from __future__ import annotations

from typing import Any

import numpy as np

from .arrays import _cupy_if_loaded


def _cupy(where: str) -> Any:
    cupy = _cupy_if_loaded()
    if cupy is None:
        raise RuntimeError(f"{where}: CuPy is not loaded; staging is only for CuPy arrays.")
    return cupy


def pinned_bytes(nbytes: int) -> np.ndarray:
    """Return a uint8 NumPy array of ``nbytes`` in pinned (page-locked) host memory."""
    cupy = _cupy("pinned_bytes")
    memory = cupy.cuda.alloc_pinned_memory(max(nbytes, 1))
    return np.frombuffer(memory, np.uint8, nbytes)


def _recorded(cupy: Any, stream: Any) -> Any:
    event = cupy.cuda.Event(block=False, disable_timing=True)
    event.record(stream)
    return event


def upload_async(host: np.ndarray, device: Any) -> Any:
    """Queue a copy of the pinned ``host`` bytes into the contiguous CuPy ``device`` (of
    the same size) on the current stream; return an event: ``host`` may be refilled
    once ``event.synchronize()`` has returned."""
    cupy = _cupy("upload_async")
    stream = cupy.cuda.get_current_stream()
    device.set(host, stream=stream)
    return _recorded(cupy, stream)


def download_async(device: Any, host: np.ndarray) -> Any:
    """Queue a copy of the contiguous CuPy ``device`` bytes into the pinned ``host`` on
    the current stream; return an event: ``host`` holds the bytes once
    ``event.synchronize()`` has returned."""
    cupy = _cupy("download_async")
    stream = cupy.cuda.get_current_stream()
    device.get(stream=stream, out=host, blocking=False)
    return _recorded(cupy, stream)
