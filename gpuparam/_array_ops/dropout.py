"""Dropout with the random draws given: ``dropout(x, u, p)`` keeps the elements whose
uniform draw ``u`` is at least ``p`` and scales them by ``1 / (1 - p)``.

The draws come from the caller (gpuparam's generator, with a key taken when the
operator was built: DESIGN.md contract 3); this layer, below the generator, only
applies them.
"""

from __future__ import annotations

import numpy as np

from .._backend import Array, get_array_module


def dropout(x: Array, u: Array, p: float) -> tuple[Array, Array]:
    """``(output, mask)``: ``mask = u >= p`` (in ``x``'s dtype, 0 or 1) and
    ``output = x * mask / (1 - p)``, scaled in float64 and rounded once.

    Example:
        >>> import numpy as np
        >>> dropout(np.ones(4, np.float32), np.array([0.1, 0.6, 0.4, 0.9]), 0.5)[0]
        array([0., 2., 0., 2.], dtype=float32)
    """
    xp = get_array_module(x)
    kept = u >= p
    out = xp.where(kept, x.astype(np.float64) / (1.0 - p), 0).astype(x.dtype)
    return out, kept.astype(x.dtype)


__all__ = ["dropout"]
