"""The process group: which engine carries the data, and the state ``init``/``release`` keep.

Four worlds share one interface:

- ``_SelfWorld``: one process, no engine; collectives are copies.
- ``_MpiWorld``: mpi4py on a duplicate of ``COMM_WORLD`` (so gpuparam's messages never
  match a user's). Host arrays go straight to MPI; CuPy arrays through pinned host
  memory, since the MPI wheels on PyPI are not CUDA-aware.
- ``_NcclWorld``: NCCL (``cupy.cuda.nccl``) for CuPy arrays, its unique id shared over
  the MPI (or single-process) world underneath, which also carries host arrays and the
  small messages that keep ranks in agreement.
- ``_torch_engine.TorchWorld``: the user's torch.distributed process group.

Every world reduces the same way: bool as OR (sum, max) and AND (prod, min); float16
and bfloat16 through float32 (MPI has no half-precision arithmetic, bfloat16 none at
all), rounded once at the end.
"""

from __future__ import annotations

import atexit
import threading
from typing import Any

import numpy as np

from .. import _backend, _parameter_layout
from . import _mpi, _torch_engine

REDUCE_OPS = ("sum", "max", "min", "prod")
BACKENDS = ("mpi", "nccl", "torch")


def _reduction_plan(dtype: np.dtype, op: str, native: bool) -> tuple[np.dtype, str]:
    """Return (dtype to reduce in, op to use) for ``dtype``; ``native`` says the engine
    reduces this dtype itself."""
    if dtype == np.bool_:
        return np.dtype(np.uint8), "max" if op in ("sum", "max") else "min"
    if dtype.kind == "V" or dtype.name in ("float16", "bfloat16", "float8_e4m3fn", "float8_e5m2"):
        return np.dtype(np.float32), op
    if not native:  # 16-bit integers on NCCL: wider integers wrap the same way mod 2**16
        return np.dtype(np.int32 if dtype.kind == "i" else np.uint32), op
    return dtype, op


def _reduce_in(array: Any, op: str, native: bool, reduce: Any) -> Any:
    """Cast ``array`` to the dtype the reduction runs in, reduce in place, cast back."""
    dtype = array.dtype
    if dtype.kind == "c" and not native:  # NCCL has no complex type: sum the parts
        if op != "sum":
            raise NotImplementedError(f"comm_func.all_reduce: op {op!r} on a complex tensor "
                                      "is not supported by NCCL; use op='sum', or MPI")
        parts = array.copy().view(np.float32 if dtype == np.complex64 else np.float64)
        reduce(parts, op)
        return parts.view(dtype)
    work_dtype, work_op = _reduction_plan(dtype, op, native)
    if work_dtype == np.uint8 and dtype == np.bool_:
        work = array.copy().view(np.uint8)
    else:
        work = array.astype(work_dtype)  # a fresh contiguous copy
    reduce(work, work_op)
    return work.view(np.bool_) if dtype == np.bool_ else work.astype(dtype)


class _SelfWorld:
    backend = "self"

    def __init__(self) -> None:
        self.rank, self.size, self.local_rank = 0, 1, 0

    def exchange(self, item: Any) -> list[Any]:
        return [item]

    def broadcast(self, array: Any, shape: tuple[int, ...], dtype: np.dtype, root: int) -> Any:
        return array  # the only rank is the root

    def all_reduce(self, array: Any, op: str) -> Any:
        return array.copy()

    def all_gather(self, array: Any, shapes: list[tuple[int, ...]]) -> Any:
        return array.reshape((-1,) + array.shape[1:]).copy() if array.ndim else array.reshape(1)

    def barrier(self) -> None:
        pass

    def release(self) -> None:
        pass


class _MpiWorld:
    backend = "mpi"

    def __init__(self, where: str) -> None:
        self._mpi = _mpi.import_mpi(where)
        self._comm = self._mpi.COMM_WORLD.Dup()
        self.rank, self.size = self._comm.Get_rank(), self._comm.Get_size()
        node = self._comm.Split_type(self._mpi.COMM_TYPE_SHARED)
        self.local_rank = node.Get_rank()
        node.Free()
        if self.size > 1:  # one rank dying must end the job, not leave the others waiting
            _mpi.install_abort_hook()

    def exchange(self, item: Any) -> list[Any]:
        return self._comm.allgather(item)

    def _staged(self, array: Any) -> tuple[np.ndarray, Any]:
        """Return a contiguous host copy of ``array`` and the module to return results in."""
        xp = _backend.get_array_module(array)
        if xp is np:
            return np.array(array, order="C", copy=True), np
        return _backend.to_host_pinned(xp.ascontiguousarray(array)), xp

    def broadcast(self, array: Any, shape: tuple[int, ...], dtype: np.dtype, root: int) -> Any:
        """On ``root``, may return ``array`` itself (the root's buffer is only read); on
        the others, a contiguous writable NumPy ``array`` is filled and returned."""
        xp = _backend.active_array_module() if array is None else _backend.get_array_module(array)
        in_place = xp is np and array is not None and array.flags.c_contiguous
        if self.rank == root:
            host = array if in_place else self._staged(array)[0]
        elif in_place and array.flags.writeable:
            host = array  # received straight into the caller's buffer: no copy
        else:
            host = np.empty(shape, dtype)
        _mpi.broadcast(self._comm, host, root)
        return host if xp is np else xp.asarray(host)

    def all_reduce(self, array: Any, op: str) -> Any:
        host, xp = self._staged(array)
        result = _reduce_in(host, op, True,
                            lambda work, work_op: _mpi.all_reduce(self._comm, self._mpi, work, work_op))
        return result if xp is np else xp.asarray(result)

    def all_gather(self, array: Any, shapes: list[tuple[int, ...]]) -> Any:
        host, xp = self._staged(array)
        rows = [s[0] if s else 1 for s in shapes]
        tail = host.shape[1:] if host.ndim else ()
        out = np.empty((sum(rows),) + tail, host.dtype)
        row_bytes = host.dtype.itemsize * int(np.prod(tail, dtype=np.int64))
        _mpi.all_gather(self._comm, self._mpi, host, out, [r * row_bytes for r in rows])
        return out if xp is np else xp.asarray(out)

    def barrier(self) -> None:
        self._comm.Barrier()

    def release(self) -> None:
        _mpi.remove_abort_hook()
        if not self._mpi.Is_finalized():
            self._comm.Free()


class _NcclWorld:
    backend = "nccl"

    def __init__(self, control: _SelfWorld | _MpiWorld) -> None:
        self._control = control
        self.rank, self.size, self.local_rank = control.rank, control.size, control.local_rank
        _backend.use_device_of_local_rank(self.local_rank)
        unique_id = _backend.nccl_unique_id() if self.rank == 0 else None
        unique_id = control.exchange(unique_id)[0]
        self._comm = _backend.nccl_communicator(self.size, unique_id, self.rank)

    def exchange(self, item: Any) -> list[Any]:
        return self._control.exchange(item)

    def broadcast(self, array: Any, shape: tuple[int, ...], dtype: np.dtype, root: int) -> Any:
        xp = _backend.active_array_module() if array is None else _backend.get_array_module(array)
        if xp is np:
            return self._control.broadcast(array, shape, dtype, root)
        out = xp.ascontiguousarray(array) if self.rank == root else xp.empty(shape, dtype)
        _backend.nccl_broadcast(self._comm, out, root)
        return out

    def all_reduce(self, array: Any, op: str) -> Any:
        xp = _backend.get_array_module(array)
        if xp is np:
            return self._control.all_reduce(array, op)
        native = _backend.nccl_reducible(array.dtype)
        return _reduce_in(xp.ascontiguousarray(array), op, native,
                          lambda work, work_op: _backend.nccl_all_reduce(self._comm, work, work_op))

    def all_gather(self, array: Any, shapes: list[tuple[int, ...]]) -> Any:
        xp = _backend.get_array_module(array)
        if xp is np:
            return self._control.all_gather(array, shapes)
        mine = xp.ascontiguousarray(array)
        rows = [s[0] if s else 1 for s in shapes]
        tail = mine.shape[1:] if mine.ndim else ()
        out = xp.empty((sum(rows),) + tail, mine.dtype)
        row_bytes = mine.dtype.itemsize * int(np.prod(tail, dtype=np.int64))
        _backend.nccl_all_gather(self._comm, mine.reshape(-1).view(np.uint8),
                                 out.reshape(-1).view(np.uint8),
                                 [r * row_bytes for r in rows], self.rank)
        return out

    def barrier(self) -> None:
        self._control.barrier()

    def release(self) -> None:
        self._comm.destroy()
        self._control.release()


# --------------------------------------------------------------------------- state

World = Any  # one of the three classes above
_lock = threading.Lock()
_world: World | None = None
_released = False


def current(where: str) -> World:
    """Return the initialized world; RuntimeError before ``init()`` or after ``release()``."""
    world = _world
    if world is None:
        if _released:
            raise RuntimeError(f"{where}: communication was released; call "
                               "gpuparam.communication.init() again first.")
        raise RuntimeError(f"{where}: call gpuparam.communication.init() first.")
    return world


def start(backend_name: str | None, group: Any = None) -> World:
    """Build the world for ``backend_name`` (checked by the caller) unless one exists;
    ``group`` is the torch engine's process group (None: torch's default group)."""
    global _world, _released
    with _lock:
        if _world is not None:
            if backend_name is not None and backend_name != _world.backend:
                raise RuntimeError(f"init: communication is already initialized with the "
                                   f"{_world.backend!r} backend; call release() before "
                                   f"init(backend_name={backend_name!r}).")
            return _world
        if backend_name is None and _torch_engine.process_group_ready():
            backend_name = "torch"  # the user's torch.distributed job
        if backend_name is None:
            on_gpu = _backend.active_backend() == "cupy" and _backend.nccl_unavailable_reason() is None
            backend_name = "nccl" if on_gpu else ("mpi" if _mpi.under_launcher() else None)
        if backend_name == "torch":
            world: World = _torch_engine.TorchWorld("init", group, _reduce_in)
        elif backend_name == "nccl":
            reason = _backend.nccl_unavailable_reason()
            if reason is not None:
                raise RuntimeError(f"init: the 'nccl' backend is not usable: {reason}.")
            if _backend.active_backend() != "cupy":
                raise RuntimeError("init: the 'nccl' backend carries GPU data, but gpuparam runs "
                                   "on NumPy; use set_context(device_target='GPU') or 'mpi'.")
            control = _MpiWorld("init") if _mpi.under_launcher() else _SelfWorld()
            world = _NcclWorld(control)
        elif backend_name == "mpi":
            world = _MpiWorld("init")
        else:
            world = _SelfWorld()
        _world, _released = world, False
        _register_rank(world.rank)
        return world


def stop() -> None:
    """Release the world (nothing happens when none is initialized)."""
    global _world, _released
    with _lock:
        world, _world = _world, None
        if world is not None:
            _released = True
            _register_rank(None)
            world.release()


def _register_rank(rank: int | None) -> None:
    # The parameter layer sits below communication and may not import it; it learns the
    # rank (for ``init_data(layout=...)``) from this registration instead.
    _parameter_layout.set_process_rank(rank)


atexit.register(stop)  # free the MPI communicator before mpi4py finalizes MPI
