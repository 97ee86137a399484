"""MindSpore 2.x's Tensor reductions (``sum``, ``mean``, ``max``, ``min``, ``any``,
``var``, ``std``, ``norm``, ...), as a mixin ``Tensor`` inherits.

Each is a thin front over ``_array_ops.reductions``. Where MindSpore 2.x has more than
one overload of a method (NumPy's ``max(axis, keepdims, *, initial, where,
return_indices)`` beside torch's ``max(dim, keepdim)``, ``keep_dims`` beside ``keepdim``),
the forms are told apart as MindSpore's overload resolution does, trying them in the
order its documentation lists them; each docstring says how.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _array_ops
from ._array_ops import checked_astype
from ._dtype import to_dtype
from ._errors import check_bool, type_error, value_error

if TYPE_CHECKING:
    from ._backend import Array
    from ._tensor import Tensor


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _bind(where: str, names: tuple[str, ...], defaults: tuple[Any, ...], args: tuple[Any, ...],
          kwargs: dict[str, Any], positional: int | None = None) -> list[Any]:
    """The values of ``names`` from ``args`` (the first ``positional`` of them at most)
    and ``kwargs``, as Python binds a signature, with gpuparam's messages."""
    limit = len(names) if positional is None else positional
    if len(args) > limit:
        raise TypeError(f"{where}: takes at most {limit} positional arguments "
                        f"({', '.join(names[:limit])}), got {len(args)}.")
    unknown = sorted(set(kwargs) - set(names))
    if unknown:
        raise TypeError(f"{where}: unexpected keyword argument {unknown[0]!r}; this form "
                        f"takes {', '.join(names)}.")
    values = list(defaults)
    for i, value in enumerate(args):
        if names[i] in kwargs:
            raise TypeError(f"{where}: `{names[i]}` given twice (by position and keyword).")
        values[i] = value
    for key, value in kwargs.items():
        values[names.index(key)] = value
    return values


def _alias(where: str, name: str, value: Any, aliases: dict[str, Any], alias: str) -> Any:
    """``value``, or ``aliases[alias]`` (removed from ``aliases``) if given instead."""
    if alias in aliases:
        given = aliases.pop(alias)
        if value is not False and value is not None:
            raise TypeError(f"{where}: give `{name}` or `{alias}`, not both.")
        return given
    return value


def _torch_style(where: str, axis: Any, keepdims: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """``axis``/``keepdims`` with MindSpore 2.x's torch-style names ``dim``/``keepdim``."""
    unknown = sorted(set(kwargs) - {"dim", "keepdim"})
    if unknown:
        raise TypeError(f"{where}: unexpected keyword argument {unknown[0]!r}.")
    axis = _alias(where, "axis", axis, kwargs, "dim")
    return axis, _alias(where, "keepdims", keepdims, kwargs, "keepdim")


class TensorReductions:
    """Reductions of ``gpuparam.Tensor`` (inherited; not used on its own)."""

    if TYPE_CHECKING:
        def _read(self) -> Array: ...
        @staticmethod
        def _wrap(array: Array) -> Tensor: ...

    def sum(self, axis: Any = None, dtype: Any = None, keepdims: bool = False,
            initial: Any = None, **torch_style: Any) -> Tensor:
        """Return the sum over ``axis`` (all elements when ``None``) plus ``initial``, cast
        to ``dtype`` if given (after summing, as MindSpore); ``dim=``/``keepdim=`` (MindSpore
        2.x's torch-style overload) name ``axis``/``keepdims``.

        Example:
            >>> from gpuparam import Tensor, int32
            >>> t = Tensor([[1.5, 2.0], [3.0, 4.0]])
            >>> print(t.sum(1, initial=1.0), t.sum(dim=0, keepdim=True).shape)
            [4.5 8. ] (1, 2)
        """
        axis, keepdims = _torch_style("Tensor.sum", axis, keepdims, torch_style)
        out = _array_ops.sum(self._read(), axis, keepdims, where="Tensor.sum", initial=initial)
        if dtype is not None:
            out = checked_astype(out, to_dtype(dtype, "Tensor.sum"), "Tensor.sum", None)
        return self._wrap(out)

    def mean(self, axis: Any = None, keep_dims: bool = False, **aliases: Any) -> Tensor:
        """Return the mean over ``axis`` (all elements when ``None``), as ``numpy.mean``;
        ``keepdims=``, ``dim=`` and ``keepdim=`` are accepted for ``axis``/``keep_dims``."""
        keep_dims = _alias("Tensor.mean", "keep_dims", keep_dims, aliases, "keepdims")
        axis, keep_dims = _torch_style("Tensor.mean", axis, keep_dims, aliases)
        return self._wrap(_array_ops.mean(self._read(), axis, keep_dims, where="Tensor.mean"))


    def max(self, *args: Any, **kwargs: Any) -> Any:
        """The maximum, in MindSpore 2.x's three forms, tried in its order:

        - ``max()``: of every element;
        - ``max(dim, keepdim=False)`` (an int first, or ``dim=``): ``(values, indices)``
          along ``dim``, Int64 indices;
        - ``max(axis=None, keepdims=False, *, initial=None, where=True,
          return_indices=False)``: NumPy's, where ``where`` is a Bool mask (it needs
          ``initial``) and ``return_indices`` (an int ``axis`` only) adds Int32 indices.

        Example:
            >>> import numpy as np
            >>> from gpuparam import Tensor
            >>> x = Tensor(np.array([0.0, 0.4, 0.6, 0.7, 0.1], np.float32))
            >>> output, index = x.max(0, keepdim=True)
            >>> print(output, index)
            [0.7] [3]
            >>> print(x.max(axis=0, initial=1.0))
            1.0
        """
        return self._extreme("max", args, kwargs)

    def min(self, *args: Any, **kwargs: Any) -> Any:
        """The minimum, in the three forms of ``max`` (``min(dim)`` gives
        ``(values, indices)``)."""
        return self._extreme("min", args, kwargs)

    def _extreme(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        where = f"Tensor.{name}"
        torch_form = set(kwargs) <= {"dim", "keepdim"} and (
            "dim" in kwargs or (args and _is_int(args[0]) and len(args) <= 2))
        if torch_form:
            dim, keepdim = _bind(where, ("dim", "keepdim"), (None, False), args, kwargs)
            if not _is_int(dim):
                raise type_error(where, "dim", dim, "an int")
            index, values = _array_ops.extreme_with_index(self._read(), dim, keepdim,
                                                          largest=name == "max", where=where)
            return self._wrap(values), self._wrap(index.astype(np.int64))
        axis, keepdims, initial, mask, return_indices = _bind(
            where, ("axis", "keepdims", "initial", "where", "return_indices"),
            (None, False, None, True, False), args, kwargs, positional=2)
        if mask is True:
            mask = None
        elif isinstance(mask, TensorReductions):
            mask = mask._read()
        else:
            raise type_error(where, "where", mask, "True or a Bool Tensor")
        check_bool(where, "return_indices", return_indices)
        values = getattr(_array_ops, name)(self._read(), axis, keepdims, where=where,
                                           initial=initial, mask=mask)
        if not return_indices:
            return self._wrap(values)
        if not _is_int(axis) or initial is not None or mask is not None:
            raise value_error(where, "return_indices", return_indices,
                              "False unless `axis` is an int and neither `initial` nor "
                              "`where` is given (indices of one dim only)")
        index, _ = _array_ops.extreme_with_index(self._read(), axis, keepdims,
                                                 largest=name == "max", where=where)
        return self._wrap(values), self._wrap(index.astype(np.int32))  # ArgMaxWithValue's

    def argmax(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the index of the maximum over ``axis`` (of the flattened tensor when ``None``)."""
        return self._wrap(_array_ops.argmax(self._read(), axis, keepdims, where="Tensor.argmax"))

    def argmin(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the index of the minimum over ``axis`` (of the flattened tensor when ``None``)."""
        return self._wrap(_array_ops.argmin(self._read(), axis, keepdims, where="Tensor.argmin"))

    def any(self, axis: Any = None, keep_dims: bool = False, **torch_style: Any) -> Tensor:
        """Return whether any element over ``axis`` is true (a Bool tensor); ``dim=`` and
        ``keepdim=`` (MindSpore 2.x's torch-style overload) name ``axis``/``keep_dims``."""
        axis, keep_dims = _torch_style("Tensor.any", axis, keep_dims, torch_style)
        return self._wrap(_array_ops.any(self._read(), axis, keep_dims, where="Tensor.any"))

    def all(self, axis: Any = None, keep_dims: bool = False, **torch_style: Any) -> Tensor:
        """Return whether every element over ``axis`` is true (a Bool tensor); ``dim=``
        and ``keepdim=`` name ``axis``/``keep_dims``."""
        axis, keep_dims = _torch_style("Tensor.all", axis, keep_dims, torch_style)
        return self._wrap(_array_ops.all(self._read(), axis, keep_dims, where="Tensor.all"))

    def std(self, axis: Any = None, ddof: int = 0, keepdims: bool = False,
            **torch_style: Any) -> Tensor:
        """Return the standard deviation over ``axis``: ``sqrt(sum((x - mean)**2) / (n - ddof))``,
        ``ddof`` any int; ``dim=``/``keepdim=`` name ``axis``/``keepdims``."""
        axis, keepdims = _torch_style("Tensor.std", axis, keepdims, torch_style)
        return self._wrap(_array_ops.std(self._read(), axis, ddof, keepdims, where="Tensor.std"))

    def var(self, axis: Any = None, ddof: int = 0, keepdims: bool = False,
            **torch_style: Any) -> Tensor:
        """Return the variance over ``axis``: ``sum((x - mean)**2) / (n - ddof)``, ``ddof``
        any int; ``dim=``/``keepdim=`` name ``axis``/``keepdims``.

        Example:
            >>> from gpuparam import Tensor
            >>> print(Tensor([[1.0, 2.0, 3.0, 4.0]]).var(dim=1, ddof=1))
            [1.6666666]
        """
        axis, keepdims = _torch_style("Tensor.var", axis, keepdims, torch_style)
        return self._wrap(_array_ops.var(self._read(), axis, ddof, keepdims, where="Tensor.var"))

    def norm(self, ord: Any = None, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
        """Return a vector or matrix norm, as ``numpy.linalg.norm``.

        With ``ord=None`` and ``dim=None`` it is the 2-norm of all elements (Frobenius).
        """
        return self._wrap(_array_ops.norm(self._read(), ord, dim, keepdim, where="Tensor.norm"))


__all__ = ["TensorReductions"]
