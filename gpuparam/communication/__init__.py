"""Communication between processes, as ``mindspore.communication``.

``init()`` joins the processes of one job; ``comm_func`` holds the collectives. The
data travels on an existing engine, never a transport of gpuparam's own:

- ``"mpi"``: mpi4py across processes and hosts (``pip install -e ".[mpi]"`` from a
  clone; launch with ``mpiexec -n 4 python -m mpi4py train.py``). CuPy data goes
  through pinned host memory. In a world of several processes, an uncaught exception
  on one rank aborts the job (``MPI_Abort``) instead of leaving the others waiting.
- ``"nccl"``: NCCL through CuPy for GPU data, its unique id shared over MPI.
- ``"torch"``: the process group the user initialized with ``torch.distributed`` (gloo,
  NCCL), for jobs that already run torch (``torchrun``); buffers passed without a copy.
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
from ..ops.seam import use_all_reduce as _use_all_reduce


def init(backend_name: str | None = None, group: Any = None) -> None:
    """Join this job's processes; call it once on every rank before any collective.

    Args:
        backend_name: ``None`` chooses: ``"torch"`` when a torch.distributed process
            group is initialized, else ``"nccl"`` when gpuparam runs on a GPU and CuPy
            finds NCCL, else ``"mpi"`` under an MPI launcher (or when mpi4py is already
            initialized), else a single-process world. ``"mpi"``, ``"nccl"`` or
            ``"torch"`` choose explicitly. Calling ``init`` again returns at once.
        group: With ``backend_name="torch"`` only: the ``torch.distributed`` process
            group to use (``None``: the default group).

    Raises:
        ValueError: For another ``backend_name`` (MindSpore's ``"hccl"`` included), or a
            ``group`` with another backend.
        RuntimeError: If the chosen engine is missing (mpi4py, a GPU, libnccl, torch or
            an initialized torch.distributed process group), or
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
    if group is not None and backend_name != "torch":
        raise ValueError(f"init: `group` is a torch.distributed process group, for "
                         f"backend_name='torch'; got backend_name={backend_name!r}.")
    _world.start(backend_name, group)


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
    """Return the engine in use: ``"nccl"``, ``"mpi"``, ``"torch"`` or ``"self"`` (one process).

    Raises:
        RuntimeError: Before ``init()`` or after ``release()``.
    """
    world: Any = _world.current("get_backend")
    return str(world.backend)


def _all_reduce_for_ops(tensor: Any, op: str) -> Any:
    # ops.AllReduce reduces over the group once init() has started one; before that
    # (None) the world is this process alone.
    return comm_func.all_reduce(tensor, op) if _world._world is not None else None


_use_all_reduce(_all_reduce_for_ops)

__all__ = ["ReduceOp", "comm_func", "get_backend", "get_group_size", "get_local_rank",
           "get_rank", "init", "release"]
