"""``nn.utils``: helpers MindSpore scripts use around building networks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def no_init_parameters() -> Iterator[None]:
    """Build networks whose parameters stay uninitialized, as ``mindspore.nn.utils``.

    In gpuparam every parameter made from an initializer is lazy already: it takes no
    memory until ``init_data()``, ``init_parameters_data()`` or first use. So this
    context manager changes nothing; it is here so that ported code runs unchanged.
    Parameters given concrete data (a Tensor, a NumPy array) hold that data, inside
    the block or not.

    Example:
        >>> from gpuparam import nn
        >>> with nn.utils.no_init_parameters():
        ...     net = nn.Dense(1024, 1024)
        >>> net.weight.has_init
        True
    """
    yield


__all__ = ["no_init_parameters"]
