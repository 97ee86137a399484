"""NCCL through CuPy's binding, for ``gpuparam.communication``'s GPU engine.

gpuparam.communication reaches NCCL (through CuPy's binding) and pinned host memory only
through these functions, so that the backend stays the one package that imports CuPy.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from .selection import _require_gpu, active_array_module, gpu_unavailable_reason
from .streams import current_stream

def _nccl_module() -> ModuleType:
    import warnings

    with warnings.catch_warnings(record=True) as caught:  # CuPy warns when libnccl is missing
        warnings.simplefilter("always")
        from cupy.cuda import nccl
    if not getattr(nccl, "available", False):
        said = " ".join(str(caught[-1].message).split()) if caught else "libnccl was not found"
        raise RuntimeError(f"CuPy finds no NCCL library ({said}); install nvidia-nccl-cu12 "
                           "(gpuparam[cuda12]) or nvidia-nccl-cu13 (gpuparam[cuda13])")
    return nccl


def nccl_unavailable_reason() -> str | None:
    """Return why NCCL cannot be used (no GPU, no libnccl), or ``None`` when it can."""
    reason = gpu_unavailable_reason()
    if reason is not None:
        return reason
    try:
        _nccl_module()
    except Exception as exc:
        return str(exc)
    return None


def nccl_unique_id() -> Any:
    """Return a new NCCL unique id (the value every rank passes to ``nccl_communicator``)."""
    return _nccl_module().get_unique_id()


def nccl_communicator(world_size: int, unique_id: Any, rank: int) -> Any:
    """Return a ``cupy.cuda.nccl.NcclCommunicator`` for ``rank`` of ``world_size``."""
    return _nccl_module().NcclCommunicator(world_size, unique_id, rank)


_NCCL_TYPES = {"int8": "NCCL_INT8", "uint8": "NCCL_UINT8", "int32": "NCCL_INT32",
               "uint32": "NCCL_UINT32", "int64": "NCCL_INT64", "uint64": "NCCL_UINT64",
               "float16": "NCCL_FLOAT16", "float32": "NCCL_FLOAT32", "float64": "NCCL_FLOAT64"}
_NCCL_OPS = {"sum": "NCCL_SUM", "prod": "NCCL_PROD", "max": "NCCL_MAX", "min": "NCCL_MIN"}


def nccl_reducible(np_dtype: Any) -> bool:
    """Return True if NCCL reduces ``np_dtype`` natively (no 16-bit integers, no bool)."""
    return np.dtype(np_dtype).name in _NCCL_TYPES


def nccl_broadcast(comm: Any, array: Any, root: int) -> None:
    """Broadcast the CuPy ``array`` in place from ``root``, as bytes, on the current stream."""
    if array.nbytes:
        nccl = _nccl_module()
        ptr = array.data.ptr
        comm.broadcast(ptr, ptr, array.nbytes, nccl.NCCL_UINT8, root,
                       current_stream().ptr)


def nccl_all_reduce(comm: Any, array: Any, op: str) -> None:
    """All-reduce the contiguous CuPy ``array`` in place with ``op`` (``nccl_reducible`` dtypes)."""
    if array.size:
        nccl = _nccl_module()
        ptr = array.data.ptr
        comm.allReduce(ptr, ptr, array.size, getattr(nccl, _NCCL_TYPES[array.dtype.name]),
                       getattr(nccl, _NCCL_OPS[op]), current_stream().ptr)


def nccl_all_gather(comm: Any, mine: Any, out: Any, byte_counts: list[int], rank: int) -> None:
    """Gather each rank's bytes into ``out`` (a flat uint8 CuPy array), in rank order.

    Counts may differ between ranks, so this is one broadcast per rank in an NCCL group
    rather than ``allGather`` (which needs equal counts).
    """
    nccl = _nccl_module()
    stream_ptr = current_stream().ptr
    offset = 0
    nccl.groupStart()
    try:
        for root, count in enumerate(byte_counts):
            if count:
                target = out.data.ptr + offset
                source = mine.data.ptr if root == rank else target
                comm.broadcast(source, target, count, nccl.NCCL_UINT8, root, stream_ptr)
            offset += count
    finally:
        nccl.groupEnd()


def use_device_of_local_rank(local_rank: int) -> int:
    """Make device ``local_rank % device count`` current (one GPU per process); return it."""
    _require_gpu("use_device_of_local_rank")
    cupy = active_array_module()
    device = local_rank % cupy.cuda.runtime.getDeviceCount()
    cupy.cuda.Device(device).use()
    return device
