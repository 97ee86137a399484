"""Elements copied into a new arrangement: tiling and repeating, rolling and reversing,
sliding windows (``unfold``) and padding.

``flip`` returns a view (negative strides); the others copy. All keep the input's dtype.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._backend import Array, get_array_module, is_device_array, to_host
from .._errors import check_choice, check_int, type_error, value_error
from .axes import check_axes, check_axis


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _ints(where: str, arg: str, value: Any, *, minimum: int | None = None,
          allow_int: bool = False) -> tuple[int, ...]:
    """A tuple (or list; an int with ``allow_int``) of ints ``>= minimum``, as a tuple."""
    items = (value,) if allow_int and _is_int(value) else value
    if not isinstance(items, (tuple, list)) or not all(_is_int(v) for v in items):
        accepted = "an int or a tuple of ints" if allow_int else "a tuple of ints"
        raise type_error(where, arg, value, accepted)
    if minimum is not None and any(v < minimum for v in items):
        raise value_error(where, arg, value, f"ints >= {minimum}")
    return tuple(int(v) for v in items)


def tile(x: Array, dims: Any, *, where: str, allow_int: bool = False) -> Array:
    """``x`` repeated ``dims[i]`` times along dim ``i``; the shorter of ``dims`` and
    ``x.shape`` is padded with leading 1s (``numpy.tile``).

    Example:
        >>> tile(np.array([[1, 2], [3, 4]]), (2, 3), where="tile").shape
        (4, 6)
    """
    return get_array_module(x).tile(x, _ints(where, "dims", dims, minimum=0,
                                            allow_int=allow_int))


def repeat_elements(x: Array, rep: Any, axis: Any = 0, *, where: str) -> Array:
    """Each element of ``x`` repeated ``rep`` (an int >= 1) times along ``axis``."""
    rep = check_int(where, "rep", rep, minimum=1)
    if isinstance(axis, (tuple, list)):
        raise type_error(where, "axis", axis, "an int")
    axis = check_axis(where, "axis", axis, max(x.ndim, 1))
    return get_array_module(x).repeat(x, rep, axis=axis if x.ndim else None)


def repeat_interleave(x: Array, repeats: Any, axis: Any = None, *, where: str) -> Array:
    """Element ``i`` along ``axis`` repeated ``repeats`` (an int) or ``repeats[i]`` (a
    sequence or 1-d array, one count per element) times; ``axis=None`` flattens first.

    With ``repeats`` a device array its counts are read to the host, since they make the
    result's shape: may synchronize the device.

    Example:
        >>> repeat_interleave(np.array([[1, 2], [3, 4]]), [1, 2], 0, where="repeat_interleave")
        array([[1, 2],
               [3, 4],
               [3, 4]])
    """
    if axis is not None:
        if isinstance(axis, (tuple, list)):
            raise type_error(where, "axis", axis, "None or an int")
        axis = check_axis(where, "axis", axis, max(x.ndim, 1))
    if hasattr(repeats, "dtype"):
        if repeats.dtype.kind not in "iu" or repeats.ndim > 1:
            raise type_error(where, "repeats", repeats, "an int, or ints in a 1-d tensor")
        repeats = [int(r) for r in to_host(repeats).reshape(-1)]
    counts = _ints(where, "repeats", repeats, minimum=0, allow_int=True)
    length = x.size if axis is None else (x.shape[axis] if x.ndim else 1)
    if len(counts) not in (1, length):
        raise value_error(where, "repeats", repeats, f"one int, or {length} ints (one per "
                          "element along the axis)")
    return get_array_module(x).repeat(x, counts[0] if len(counts) == 1 else list(counts),
                                      axis=axis if x.ndim else None)


def roll(x: Array, shifts: Any, dims: Any = None, *, where: str) -> Array:
    """``x`` with its elements shifted by ``shifts`` along ``dims`` (elements pushed off
    one end come back at the other); ``dims=None`` rolls the flattened array. A single
    shift or dim pairs with each of the other (NumPy's broadcasting).

    Example:
        >>> roll(np.arange(5), 2, 0, where="roll")
        array([3, 4, 0, 1, 2])
    """
    steps = _ints(where, "shifts", shifts, allow_int=True)
    if dims is None:
        if len(steps) != 1:
            raise value_error(where, "shifts", shifts, "one int when dims is None")
        return get_array_module(x).roll(x, steps[0])
    axes = _ints(where, "dims", dims, allow_int=True)
    axes = tuple(check_axis(where, "dims", a, max(x.ndim, 1)) for a in axes)
    if len(steps) != len(axes) and 1 not in (len(steps), len(axes)):
        raise value_error(where, "shifts", shifts, f"one shift per dim of dims {dims!r} (or "
                          "one of them a single int, applied with each of the other)")
    return get_array_module(x).roll(x, steps, axis=axes)


def flip(x: Array, dims: Any, *, where: str, arg: str = "dims") -> Array:
    """``x`` reversed along each axis of ``dims`` (a tuple/list of ints): a view."""
    if not isinstance(dims, (tuple, list)):
        raise type_error(where, arg, dims, "a tuple or list of ints")
    axes = check_axes(where, arg, dims, x.ndim) if dims else ()
    index = tuple(slice(None, None, -1) if i in (axes or ()) else slice(None)
                  for i in range(x.ndim))
    return x[index]


def reverse_sequence(x: Array, seq_lengths: Array, seq_dim: Any, batch_dim: Any = 0, *,
                     where: str) -> Array:
    """For each ``b`` along ``batch_dim``, the first ``seq_lengths[b]`` elements along
    ``seq_dim`` reversed, the rest kept.

    ``seq_lengths`` must lie in ``[0, x.shape[seq_dim]]``: checked on NumPy; on CuPy the
    check would synchronize the device, so it is not made (a length beyond the dim reads
    out of range, as MindSpore's Ascend kernel does).

    Example:
        >>> x = np.array([[1, 2, 3], [4, 5, 6]])
        >>> reverse_sequence(x, np.array([2, 3]), 1, where="ReverseSequence")
        array([[2, 1, 3],
               [6, 5, 4]])
    """
    seq = check_axis(where, "seq_dim", seq_dim, x.ndim)
    batch = check_axis(where, "batch_dim", batch_dim, x.ndim)
    if seq == batch:
        raise value_error(where, "seq_dim", seq_dim, f"an axis other than batch_dim ({batch_dim})")
    if seq_lengths.ndim != 1 or seq_lengths.shape[0] != x.shape[batch] or \
            seq_lengths.dtype.kind not in "iu":
        raise value_error(where, "seq_lengths", tuple(seq_lengths.shape),
                          f"a 1-d integer tensor of {x.shape[batch]} lengths (the batch dim)")
    xp = get_array_module(x)
    dim = x.shape[seq]
    if not is_device_array(seq_lengths) and seq_lengths.size and \
            (seq_lengths.min() < 0 or seq_lengths.max() > dim):
        raise value_error(where, "seq_lengths", seq_lengths.tolist(), f"lengths in [0, {dim}]")
    position = xp.arange(dim).reshape(1, dim)
    lengths = seq_lengths.astype(np.int64).reshape(-1, 1)
    source = xp.where(position < lengths, lengths - 1 - position, position)  # (batch, seq)
    moved = xp.moveaxis(x, (batch, seq), (0, 1))  # (batch, seq, rest...): a view
    index = xp.broadcast_to(source.reshape(source.shape + (1,) * (x.ndim - 2)), moved.shape)
    return xp.moveaxis(xp.take_along_axis(moved, index, axis=1), (0, 1), (batch, seq))


def unfold(x: Array, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1,
           *, where: str) -> Array:
    """Sliding blocks of an ``(N, C, H, W)`` array, as columns: ``(N, C*kh*kw, L)`` with
    ``L`` the number of blocks; row ``c*kh*kw + i*kw + j`` holds kernel tap ``(i, j)`` of
    channel ``c`` (``torch.nn.functional.unfold``'s layout). Zero ``padding`` on all sides.

    Example:
        >>> unfold(np.arange(16.).reshape(1, 1, 4, 4), 2, stride=2, where="unfold")[0]
        array([[ 0.,  2.,  8., 10.],
               [ 1.,  3.,  9., 11.],
               [ 4.,  6., 12., 14.],
               [ 5.,  7., 13., 15.]])
    """
    if x.ndim != 4:
        raise value_error(where, "input", tuple(x.shape), "a 4-d tensor (N, C, H, W)")
    (kh, kw), (dh, dw) = (_pair(where, "kernel_size", kernel_size, 1),
                          _pair(where, "dilation", dilation, 1))
    (ph, pw), (sh, sw) = _pair(where, "padding", padding, 0), _pair(where, "stride", stride, 1)
    xp = get_array_module(x)
    n, c, h, w = x.shape
    padded = xp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out_h = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    out_w = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if out_h < 1 or out_w < 1:
        raise value_error(where, "kernel_size", kernel_size, f"a window that fits the padded "
                          f"input {(h + 2 * ph, w + 2 * pw)} with dilation {(dh, dw)}")
    taps = [padded[:, :, i * dh:i * dh + sh * (out_h - 1) + 1:sh,
                   j * dw:j * dw + sw * (out_w - 1) + 1:sw]
            for i in range(kh) for j in range(kw)]
    return xp.stack(taps, axis=2).reshape(n, c * kh * kw, out_h * out_w)


def _pair(where: str, arg: str, value: Any, minimum: int) -> tuple[int, int]:
    items = _ints(where, arg, value, minimum=minimum, allow_int=True)
    if len(items) == 1:
        return items[0], items[0]
    if len(items) != 2:
        raise value_error(where, arg, value, "an int or a pair of ints")
    return items[0], items[1]


PAD_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "minimum", "reflect",
             "symmetric", "wrap", "empty")


def pad(x: Array, pad_width: Any, mode: str = "constant", *, where: str, **options: Any) -> Array:
    """``numpy.pad``: ``pad_width`` is an int, ``(before, after)`` or one pair per dim;
    ``options`` are ``numpy.pad``'s for the mode (``constant_values``, ``end_values``,
    ``stat_length``, ``reflect_type``). ``'median'`` is not supported (nor by MindSpore).

    Example:
        >>> pad(np.arange(1, 6), (3, 4), "wrap", where="pad")
        array([3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4])
    """
    check_choice(where, "mode", mode, PAD_MODES)
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu" or widths.ndim > 2 or (widths < 0).any() or \
            (widths.ndim == 2 and (widths.shape[1] != 2 or widths.shape[0] not in (1, x.ndim))) \
            or (widths.ndim == 1 and widths.shape[0] not in (1, 2)):
        raise value_error(where, "pad_width", pad_width, "an int >= 0, a (before, after) pair, "
                          f"or {x.ndim} such pairs")
    if mode == "empty":  # numpy.pad leaves the new cells uninitialized; MindSpore zeros them
        mode, options = "constant", {}
    try:
        return get_array_module(x).pad(x, widths.tolist(), mode=mode, **options)
    except (TypeError, ValueError) as exc:
        raise value_error(where, "mode", mode, f"a mode whose options fit {sorted(options)} "
                          f"({exc})") from None


__all__ = ["PAD_MODES", "flip", "pad", "repeat_elements", "repeat_interleave",
           "reverse_sequence", "roll", "tile", "unfold"]
