"""Even shards of a tensor: which rows (or columns, ...) each rank holds."""

from __future__ import annotations

from typing import Any

from .._errors import check_int, check_shape, value_error


def shard_slices(shape: Any, rank: int, world: int, dim: int = 0) -> tuple[slice, ...]:
    """Return rank ``rank``'s part of a tensor of ``shape`` split evenly over ``world`` ranks.

    Dimension ``dim`` is cut into ``world`` contiguous parts whose sizes differ by at
    most one; the first ``shape[dim] % world`` ranks get the extra row. Pass the result
    to ``Parameter.init_data(index=...)``: the shard's values are exactly that slice of
    the whole tensor, whatever the world size.

    Args:
        shape: The whole tensor's shape (an int or a list/tuple of ints).
        rank: This rank, ``0 <= rank < world``.
        world: The number of ranks sharing the tensor.
        dim: The dimension to split (negative counts from the end).

    Returns:
        One ``slice`` per dimension (``slice(0, n, 1)`` for those not split).

    Raises:
        TypeError: For non-int arguments.
        ValueError: For ``rank`` outside ``[0, world)``, ``world < 1``, or a ``dim`` the
            shape does not have (a 0-d shape has none).

    Example:
        >>> from gpuparam import parallel
        >>> [parallel.shard_slices((10, 4), r, 3)[0] for r in range(3)]
        [slice(0, 4, 1), slice(4, 7, 1), slice(7, 10, 1)]
    """
    where = "shard_slices"
    dims = check_shape(where, "shape", shape, allow_zero=True)
    world = check_int(where, "world", world, minimum=1)
    rank = check_int(where, "rank", rank, minimum=0)
    if rank >= world:
        raise value_error(where, "rank", rank, f"a rank below world={world}")
    dim = check_int(where, "dim", dim)
    if not -len(dims) <= dim < len(dims):
        raise value_error(where, "dim", dim, f"a dimension of the shape {dims}")
    dim %= len(dims)
    base, extra = divmod(dims[dim], world)
    start = rank * base + min(rank, extra)
    stop = start + base + (1 if rank < extra else 0)
    return tuple(slice(start, stop, 1) if d == dim else slice(0, n, 1) for d, n in enumerate(dims))
