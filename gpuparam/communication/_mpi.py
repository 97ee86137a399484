"""Collectives on host (NumPy) arrays over an mpi4py communicator, and the hook that
ends the whole job when one rank dies of an uncaught exception.

Data travels as raw bytes wherever no arithmetic is needed (broadcast, all-gather), so
every dtype works, bfloat16 included, whose ml_dtypes type MPI cannot describe. Large
buffers go in chunks, so no single MPI call passes a count above 2**31 - 1 (the limit of
MPI's classic ``int`` counts, which some MPI libraries still have).
"""

from __future__ import annotations

import contextlib
import os
import sys
from types import ModuleType
from typing import Any

import numpy as np

# Bytes per MPI call; a multiple of 8 so chunks never split an element.
CHUNK_BYTES = 1 << 28

# Environment variables that MPI launchers set (MPICH/Hydra, Open MPI, PMIx, Slurm's PMI).
_LAUNCHER_VARIABLES = ("PMI_RANK", "PMI_SIZE", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE",
                       "MPI_LOCALNRANKS")


def under_launcher() -> bool:
    """True when started by an MPI launcher, or when the user already initialized mpi4py."""
    if any(name in os.environ for name in _LAUNCHER_VARIABLES):
        return True
    mpi = sys.modules.get("mpi4py.MPI")
    return mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized()


def import_mpi(where: str) -> ModuleType:
    """Return ``mpi4py.MPI`` with MPI initialized (by the user, mpi4py or here)."""
    try:
        from mpi4py import MPI
    except ImportError as exc:
        raise RuntimeError(f"{where}: the 'mpi' backend needs mpi4py and an MPI library "
                           f"(pip install mpi4py; from a clone: pip install -e '.[mpi]'): {exc}") from None
    if MPI.Is_finalized():
        raise RuntimeError(f"{where}: MPI has already been finalized in this process.")
    if not MPI.Is_initialized():  # the user set mpi4py.rc.initialize = False
        MPI.Init_thread()
    return MPI


_previous_excepthook: Any = None


def _abort_the_job(kind: type[BaseException], value: BaseException, trace: Any) -> None:
    """``sys.excepthook`` while a multi-process world is up: print the traceback as
    usual, then ``MPI_Abort``, which ends every rank. Without it the dying rank's exit
    waits in ``MPI_Finalize`` for ranks that wait in a collective for it: a hang."""
    (_previous_excepthook or sys.__excepthook__)(kind, value, trace)
    mpi = sys.modules.get("mpi4py.MPI")
    if mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized():
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        mpi.COMM_WORLD.Abort(1)


def install_abort_hook() -> None:
    """Make an uncaught exception on this rank abort the MPI job (see ``_abort_the_job``).

    ``python -m mpi4py script.py`` does the same for the script itself (and also for
    ``sys.exit`` with a non-zero status); under it this hook is never reached."""
    global _previous_excepthook
    if sys.excepthook is not _abort_the_job:
        _previous_excepthook, sys.excepthook = sys.excepthook, _abort_the_job


def remove_abort_hook() -> None:
    """Restore the hook ``install_abort_hook`` replaced (if nobody replaced ours since)."""
    global _previous_excepthook
    if sys.excepthook is _abort_the_job:
        sys.excepthook = _previous_excepthook or sys.__excepthook__
    _previous_excepthook = None


def _byte_view(array: np.ndarray) -> np.ndarray:
    return array.reshape(-1).view(np.uint8)


def broadcast(comm: Any, array: np.ndarray, root: int) -> None:
    """Broadcast the contiguous ``array`` in place from ``root``."""
    data = _byte_view(array)
    for start in range(0, data.size, CHUNK_BYTES):
        comm.Bcast(data[start:start + CHUNK_BYTES], root=root)


def all_reduce(comm: Any, mpi: ModuleType, array: np.ndarray, op: str) -> None:
    """All-reduce the contiguous ``array`` in place; its dtype must be one MPI reduces."""
    mpi_op = {"sum": mpi.SUM, "prod": mpi.PROD, "max": mpi.MAX, "min": mpi.MIN}[op]
    flat = array.reshape(-1)
    step = max(1, CHUNK_BYTES // max(1, array.itemsize))
    for start in range(0, flat.size, step):
        comm.Allreduce(mpi.IN_PLACE, flat[start:start + step], op=mpi_op)


def all_gather(comm: Any, mpi: ModuleType, mine: np.ndarray, out: np.ndarray,
               byte_counts: list[int]) -> None:
    """Gather every rank's contiguous bytes into ``out``, in rank order."""
    target = _byte_view(out)
    if sum(byte_counts) <= CHUNK_BYTES:
        offsets = np.concatenate([[0], np.cumsum(byte_counts)[:-1]]).astype(np.int64)
        comm.Allgatherv([_byte_view(mine), mpi.BYTE],
                        [target, (list(byte_counts), [int(o) for o in offsets]), mpi.BYTE])
        return
    # Large gathers: each rank's part is broadcast from its owner, chunk by chunk.
    offset = 0
    rank = comm.Get_rank()
    for root, count in enumerate(byte_counts):
        part = target[offset:offset + count]
        if root == rank:
            part[...] = _byte_view(mine)
        for start in range(0, count, CHUNK_BYTES):
            comm.Bcast(part[start:start + CHUNK_BYTES], root=root)
        offset += count
