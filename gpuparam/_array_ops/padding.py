"""Padding of arrays: constant, reflect, replicate and circular borders (``ops.pad``,
``ops.Pad``), on the device that holds the data (``xp.pad``).
"""

from __future__ import annotations

from collections.abc import Sequence

from .._backend import Array, get_array_module

PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
             "circular": "wrap"}


def pad(x: Array, pads: Sequence[tuple[int, int]], mode: str = "constant",
        value: float = 0) -> Array:
    """``x`` padded by ``pads`` (``(before, after)`` per dim, from the first); a negative
    amount crops that side first. ``mode``: ``'constant'`` (``value``), ``'reflect'``
    (mirror without the edge), ``'replicate'`` (repeat the edge), ``'circular'`` (wrap).

    Example:
        >>> import numpy as np
        >>> pad(np.array([[1, 2], [3, 4]]), [(0, 0), (1, -1)], value=9)
        array([[9, 1],
               [9, 3]])
    """
    xp = get_array_module(x)
    crop = tuple(slice(max(-b, 0), n - max(-a, 0)) for (b, a), n in zip(pads, x.shape))
    cropped = x[crop]
    widths = [(max(b, 0), max(a, 0)) for b, a in pads]
    if not any(b or a for b, a in widths):
        return cropped.copy()
    if mode == "constant":
        return xp.pad(cropped, widths, mode="constant", constant_values=value)
    return xp.pad(cropped, widths, mode=PAD_MODES[mode])


__all__ = ["PAD_MODES", "pad"]
