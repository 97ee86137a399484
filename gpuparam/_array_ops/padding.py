"""Padding of arrays: constant, reflect, replicate and circular borders (``ops.pad``,
``ops.Pad``), on the device that holds the data (``xp.pad``).
"""

from __future__ import annotations

from collections.abc import Sequence

from .._backend import Array, get_array_module

PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
             "circular": "wrap", "symmetric": "symmetric"}


def pad(x: Array, pads: Sequence[tuple[int, int]], mode: str = "constant",
        value: float = 0) -> Array:
    """``x`` padded by ``pads`` (``(before, after)`` per dim, from the first); a negative
    amount crops that side first. ``mode``: ``'constant'`` (``value``), ``'reflect'``
    (mirror without the edge), ``'symmetric'`` (mirror with the edge: ``nn.Pad``'s
    ``'SYMMETRIC'``), ``'replicate'`` (repeat the edge), ``'circular'`` (wrap).

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


# ---- act (issue 18): image patches over a padded input (nn.Unfold) ------------------------

def same_pads(n: int, k: int, stride: int) -> tuple[int, int]:
    """TensorFlow's ``'same'`` padding of one dim: ``ceil(n / stride)`` outputs, the extra
    row (if odd) after.

    Example:
        >>> same_pads(5, 3, 2)
        (1, 1)
    """
    out = -(-n // stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def extract_patches(x: Array, ksizes: tuple[int, int], strides: tuple[int, int],
                    rates: tuple[int, int], padding: str = "valid") -> Array:
    """TensorFlow's ``extract_image_patches`` on an ``(N, C, H, W)`` array: output
    ``(N, kh*kw*C, out_h, out_w)``, channel ``(i*kw + j)*C + c`` holding tap ``(i, j)``
    (dilated by ``rates``) of input channel ``c``. ``padding``: ``'valid'`` or ``'same'``
    (zeros, as ``same_pads``).

    Example:
        >>> import numpy as np
        >>> extract_patches(np.arange(16.).reshape(1, 1, 4, 4), (2, 2), (2, 2), (1, 1))[0, :, 0, 0]
        array([0., 1., 4., 5.])
    """
    xp = get_array_module(x)
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (rh, rw) = ksizes, strides, rates
    eh, ew = kh + (kh - 1) * (rh - 1), kw + (kw - 1) * (rw - 1)  # dilated window
    if padding == "same":
        ph, pw = same_pads(h, eh, sh), same_pads(w, ew, sw)
        x = xp.pad(x, ((0, 0), (0, 0), ph, pw))
        out_h, out_w = -(-h // sh), -(-w // sw)
    else:
        out_h, out_w = max(-(-(h - eh + 1) // sh), 0), max(-(-(w - ew + 1) // sw), 0)
    taps = [x[:, :, i * rh:i * rh + sh * (out_h - 1) + 1:sh, j * rw:j * rw + sw * (out_w - 1) + 1:sw]
            for i in range(kh) for j in range(kw)]
    return xp.concatenate(taps, axis=1) if out_h and out_w else xp.zeros(
        (n, kh * kw * c, out_h, out_w), x.dtype)


__all__ += ["extract_patches", "same_pads"]
# ---- end act ------------------------------------------------------------------------------
