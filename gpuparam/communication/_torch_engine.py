"""The ``"torch"`` engine: gpuparam's collectives over the user's torch.distributed group.

For jobs that already run torch (torchrun, Ray Train, RLHF stacks): the process group
the user initialized (gloo on the CPU, NCCL on GPUs) carries gpuparam's data, passed
without a copy (``torch.from_numpy`` for host arrays, ``torch.from_dlpack`` for CuPy's,
whose DLPack exchange orders torch's stream after CuPy's). Broadcasts and gathers move
raw bytes, so every dtype goes (bfloat16 and bool included); reductions run in torch
where torch reduces the dtype (``NATIVE``) and otherwise over an all-gather, each rank
reducing the same stack in rank order, so that every rank gets the same result.

torch is imported only when the engine is built; ``process_group_ready`` looks at
``sys.modules`` and imports nothing. The group stays the user's: ``release`` leaves it
initialized.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _backend

# (dtype, op) pairs torch's collectives reduce for every backend gpuparam meets here
# (gloo and NCCL refuse 16-bit and unsigned integers wider than 8 bits; complex: sums).
NATIVE = ({(np.dtype(t), op) for t in (np.int8, np.uint8, np.int32, np.int64, np.float32,
                                       np.float64) for op in ("sum", "prod", "max", "min")}
          | {(np.dtype(np.complex64), "sum"), (np.dtype(np.complex128), "sum")})
_STACK_REDUCE = {"sum": "sum", "prod": "prod", "max": "max", "min": "min"}


def process_group_ready() -> bool:
    """True when the user has initialized a torch.distributed process group (no import)."""
    dist = sys.modules.get("torch.distributed")
    return bool(dist is not None and dist.is_available() and dist.is_initialized())


class TorchWorld:
    """A world on a torch.distributed group (``None``: the default group)."""

    backend = "torch"

    def __init__(self, where: str, group: Any, reduce_in: Callable[..., Any]) -> None:
        try:
            import torch
            import torch.distributed as dist
        except ImportError as exc:
            raise RuntimeError(f"{where}: the 'torch' backend needs PyTorch "
                               f"(pip install 'gpuparam[torch]'): {exc}") from None
        if not dist.is_available() or not dist.is_initialized():
            raise RuntimeError(f"{where}: the 'torch' backend runs on an existing "
                               "torch.distributed process group, and none is initialized; call "
                               "torch.distributed.init_process_group() first (e.g. under torchrun).")
        if group is not None and not isinstance(group, dist.ProcessGroup):
            raise TypeError(f"{where}: `group` must be a torch.distributed ProcessGroup or None "
                            f"(the default group), got {type(group).__name__}.")
        self._torch, self._dist, self._group = torch, dist, group
        self._reduce_in = reduce_in
        self.rank, self.size = dist.get_rank(group), dist.get_world_size(group)
        if self.rank < 0:
            raise ValueError(f"{where}: this process is not a member of `group`; call init() "
                             "only on the group's ranks.")
        name = str(dist.get_backend(group))
        # An NCCL-only group cannot take host memory: host arrays go through the GPU.
        self._host_device = None if any(b in name for b in ("gloo", "mpi", "ucc")) else "cuda"
        hosts = self.exchange(socket.gethostname())
        self.local_rank = hosts[:self.rank].count(hosts[self.rank])

    # ------------------------------------------------------------------ plumbing

    def _global(self, rank: int) -> int:
        return rank if self._group is None else self._dist.get_global_rank(self._group, rank)

    def _run(self, array: Any, collective: Callable[[Any], Any]) -> None:
        """Run ``collective`` on a torch tensor sharing ``array``'s contiguous memory."""
        torch = self._torch
        if _backend.get_array_module(array) is np:
            host = torch.from_numpy(array)
            if self._host_device is None:
                collective(host)
                return
            staged = host.to(self._host_device)
            collective(staged)
            host.copy_(staged.cpu())
            return
        tensor = torch.from_dlpack(array)  # torch's stream waits for CuPy's (DLPack)
        collective(tensor)
        _backend.get_array_module(array).from_dlpack(tensor)  # ... and CuPy's for torch's

    @staticmethod
    def _bytes(array: Any) -> Any:
        return array.reshape(-1).view(np.uint8)

    @staticmethod
    def _writable(array: Any) -> Any:
        """``array`` contiguous and writable (torch shares only writable host memory)."""
        xp = _backend.get_array_module(array)
        out = array if array.flags.c_contiguous else xp.ascontiguousarray(array)  # keeps 0-d
        if xp is np and not out.flags.writeable:
            out = out.copy()
        return out

    # ------------------------------------------------------------------ world interface

    def exchange(self, item: Any) -> list[Any]:
        out: list[Any] = [None] * self.size
        self._dist.all_gather_object(out, item, group=self._group)
        return out

    def broadcast(self, array: Any, shape: tuple[int, ...], dtype: np.dtype, root: int) -> Any:
        """As the MPI world's: a contiguous writable receiving ``array`` is filled in place."""
        if self.rank == root:
            buffer = self._writable(array)
        elif array is not None and array.flags.c_contiguous and array.flags.writeable:
            buffer = array  # received straight into the caller's buffer: no copy
        else:
            xp = _backend.active_array_module() if array is None else _backend.get_array_module(array)
            buffer = xp.empty(shape, dtype)
        if buffer.size:
            src = self._global(root)
            self._run(self._bytes(buffer),
                      lambda t: self._dist.broadcast(t, src=src, group=self._group))
        return buffer

    def all_reduce(self, array: Any, op: str) -> Any:
        return self._reduce_in(self._writable(array), op, True, self._reduce)

    def _reduce(self, work: Any, op: str) -> None:
        """Reduce ``work`` (contiguous, writable) in place across the ranks."""
        if not work.size:
            return
        if (work.dtype, op) in NATIVE:
            torch_op = getattr(self._dist.ReduceOp, {"sum": "SUM", "prod": "PRODUCT",
                                                     "max": "MAX", "min": "MIN"}[op])
            self._run(work, lambda t: self._dist.all_reduce(t, op=torch_op, group=self._group))
            return
        stack = self.all_gather(work.reshape((1,) + work.shape), [(1,) + work.shape] * self.size)
        reduce = getattr(stack, _STACK_REDUCE[op])
        work[...] = reduce(axis=0, dtype=work.dtype) if op in ("sum", "prod") else reduce(axis=0)

    def all_gather(self, array: Any, shapes: list[tuple[int, ...]]) -> Any:
        mine = self._writable(array)
        xp = _backend.get_array_module(mine)
        rows = [s[0] if s else 1 for s in shapes]
        tail = mine.shape[1:] if mine.ndim else ()
        out = xp.empty((sum(rows),) + tail, mine.dtype)
        row_bytes = mine.dtype.itemsize * int(np.prod(tail, dtype=np.int64))
        counts = [r * row_bytes for r in rows]
        target = self._bytes(out)
        if len(set(counts)) == 1:
            if counts[0]:
                # all_gather_single (torch 2.13) is all_gather_into_tensor's new name.
                gather = getattr(self._dist, "all_gather_single", None) or self._dist.all_gather_into_tensor
                source = self._bytes(mine)
                self._run(target, lambda t: self._run(source, lambda s: gather(t, s, group=self._group)))
            return out
        offset = 0  # uneven parts: each owner broadcasts its part straight into place
        for root, count in enumerate(counts):
            part = target[offset:offset + count]
            if root == self.rank:
                part[...] = self._bytes(mine)
            if count:
                src = self._global(root)
                self._run(part, lambda t: self._dist.broadcast(t, src=src, group=self._group))
            offset += count
        return out

    def barrier(self) -> None:
        self._dist.barrier(group=self._group)

    def release(self) -> None:
        """Forget the group; it stays initialized (it is the user's)."""
        self._group = None


__all__ = ["NATIVE", "TorchWorld", "process_group_ready"]
