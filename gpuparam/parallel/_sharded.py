"""Sharded checkpoints (not built yet)."""

from __future__ import annotations

from typing import Any

_LATER = ("is not built yet: gather the parameters with comm_func.all_gather_into_tensor "
          "and save them from rank 0 (see docs/distributed.md).")


def save_sharded(cell: Any, directory: Any) -> None:
    """Not built yet: raises NotImplementedError."""
    raise NotImplementedError(f"parallel.save_sharded {_LATER}")


def load_sharded(cell: Any, directory: Any) -> None:
    """Not built yet: raises NotImplementedError."""
    raise NotImplementedError(f"parallel.load_sharded {_LATER}")
