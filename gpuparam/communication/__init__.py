"""Communication between processes, as ``mindspore.communication``.

``init()`` joins the processes of one job; ``comm_func`` holds the collectives. The
data travels on an existing engine, never a transport of gpuparam's own:

- ``"mpi"``: mpi4py across processes and hosts (``pip install 'gpuparam[mpi]'``, launch
  with ``mpiexec -n 4 python train.py``). CuPy data goes through pinned host memory.
- ``"nccl"``: NCCL through CuPy for GPU data, its unique id shared over MPI.
- no launcher and no GPU: a single-process world, where every collective is a copy.

mpi4py is imported only by ``init`` (for ``"mpi"``, or under an MPI launcher), so
importing this package costs nothing; a script that imported and initialized mpi4py
itself works too.
"""

from __future__ import annotations

from typing import Any

from .._errors import check_choice
from . import _world, comm_func as comm_func
from .comm_func import ReduceOp as ReduceOp


def init(backend_name: str | None = None) -> None:
    """Join this job's processes; call it once on every rank before any collective.

    Args:
        backend_name: ``None`` chooses: ``"nccl"`` when gpuparam runs on a GPU and CuPy
            finds NCCL, else ``"mpi"`` under an MPI launcher (or when mpi4py is already
            initialized), else a single-process world. ``"mpi"`` or ``"nccl"`` choose
            explicitly. Calling ``init`` again returns at once.

    Raises:
        ValueError: For another ``backend_name`` (MindSpore's ``"hccl"`` included).
        RuntimeError: If the chosen engine is missing (mpi4py, a GPU, libnccl), or
            communication was already initialized with another backend.

    Example:
        >>> from gpuparam import communication as comm
        >>> comm.init()
        >>> comm.get_rank(), comm.get_group_size()
        (0, 1)
        >>> comm.release()
    """
    if backend_name is not None:
        check_choice("init", "backend_name", backend_name, _world.BACKENDS)
    _world.start(backend_name)


def release() -> None:
    """Leave the process group; collectives raise RuntimeError until ``init()`` again.

    MPI itself stays initialized (mpi4py finalizes it at exit), so ``init()`` may be
    called again.
    """
    _world.stop()


def get_rank() -> int:
    """Return this process's rank, from 0 to ``get_group_size() - 1``.

    Raises:
        RuntimeError: Before ``init()`` or after ``release()``.
    """
    return int(_world.current("get_rank").rank)


def get_group_size() -> int:
    """Return the number of processes in the job.

    Raises:
        RuntimeError: Before ``init()`` or after ``release()``.
    """
    return int(_world.current("get_group_size").size)


def get_local_rank() -> int:
    """Return this process's rank among the processes on its host (it picks the GPU).

    Raises:
        RuntimeError: Before ``init()`` or after ``release()``.
    """
    return int(_world.current("get_local_rank").local_rank)


def get_backend() -> str:
    """Return the engine in use: ``"nccl"``, ``"mpi"`` or ``"self"`` (one process).

    Raises:
        RuntimeError: Before ``init()`` or after ``release()``.
    """
    world: Any = _world.current("get_backend")
    return str(world.backend)


__all__ = ["ReduceOp", "comm_func", "get_backend", "get_group_size", "get_local_rank",
           "get_rank", "init", "release"]
