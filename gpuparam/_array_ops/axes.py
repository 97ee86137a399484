"""Axis arguments, checked once: one axis, a set of axes to reduce, a permutation.

Every function that takes an ``axis``/``dim``/``perm`` argument checks it here, so a bad
axis reads the same everywhere and never reaches NumPy or CuPy (whose messages name
neither the public function nor the argument). Axes come back normalized to
``[0, ndim)``.
"""

from __future__ import annotations

import numbers
from typing import Any

from .._errors import type_error, value_error


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_axis(where: str, arg: str, axis: Any, ndim: int) -> int:
    """Return the single ``axis`` of an ``ndim``-d array as an index in ``[0, ndim)``.

    Raises:
        TypeError: If ``axis`` is not an int.
        ValueError: If it is outside ``[-ndim, ndim)``.

    Example:
        >>> check_axis("f", "axis", -1, 3)
        2
    """
    if not _is_int(axis):
        raise type_error(where, arg, axis, "an int")
    if not -ndim <= axis < ndim:
        raise value_error(where, arg, axis, f"an int in [{-ndim}, {ndim}) for a {ndim}-d tensor")
    return int(axis) % ndim


def check_axes(where: str, arg: str, axis: Any, ndim: int) -> tuple[int, ...] | None:
    """Return the axes to reduce over: a tuple of distinct indices in ``[0, ndim)``, or
    ``None`` for every axis.

    ``axis`` is ``None``, an int, or a tuple/list of ints; an empty tuple means every
    axis, as in MindSpore (``any(axis=())``). A 0-d array accepts 0 and -1, which
    reduce its one element (``None``).

    Raises:
        TypeError: If an axis is not an int.
        ValueError: If an axis is out of range, or given twice.

    Example:
        >>> check_axes("f", "axis", (-1, 0), 3), check_axes("f", "axis", (), 3)
        ((2, 0), None)
    """
    if axis is None or (isinstance(axis, (tuple, list)) and not axis):
        return None
    items = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if not all(_is_int(a) for a in items):
        raise type_error(where, arg, axis, "None, an int or a tuple of ints")
    limit = max(ndim, 1)
    if any(not -limit <= a < limit for a in items):
        raise value_error(where, arg, axis, "None, an int or a tuple of ints in "
                          f"[{-limit}, {limit}) for a {ndim}-d tensor")
    normalized = tuple(int(a) % limit for a in items)
    if len(set(normalized)) != len(normalized):
        raise value_error(where, arg, axis, "axes that are each named once")
    return normalized if ndim else None


def check_permutation(where: str, arg: str, axes: Any, ndim: int) -> tuple[int, ...]:
    """Return ``axes``, a tuple/list ordering the ``ndim`` axes, as indices in ``[0, ndim)``.

    Raises:
        TypeError: If an axis is not an int.
        ValueError: If ``axes`` is not a permutation of the ``ndim`` axes.

    Example:
        >>> check_permutation("f", "perm", (1, -1, 0), 3)
        (1, 2, 0)
    """
    accepted = f"a permutation of the {ndim} axes"
    if not isinstance(axes, (tuple, list)):
        raise value_error(where, arg, axes, accepted)
    if not all(_is_int(a) for a in axes):
        raise type_error(where, arg, axes, f"{accepted}, as ints")
    if any(not -ndim <= a < ndim for a in axes):
        raise value_error(where, arg, axes, accepted)
    normalized = tuple(int(a) % ndim for a in axes)
    if sorted(normalized) != list(range(ndim)):
        raise value_error(where, arg, axes, accepted)
    return normalized


__all__ = ["check_axes", "check_axis", "check_permutation"]
