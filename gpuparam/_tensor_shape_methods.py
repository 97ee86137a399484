"""Tensor methods of MindSpore 2.x for joins, splits, shapes, indexing and sorting, as a
mixin ``Tensor`` inherits (``t.tile(...)``, ``t.gather(...)``, ``t.masked_fill(...)``,
``t.topk(...)``, ...).

Each is a thin front over ``_array_ops`` (the same function ``ops`` calls), reading
through ``_read()`` and building its result through ``_wrap`` (a copy) or ``_view`` (a
result that shares the buffer: splits, ``unsqueeze``, ``broadcast_to``, ``flip``). Where
MindSpore 2.x has two overloads of a method, both forms are accepted and the docstring
says how they are told apart.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _array_ops, _backend
from ._array_ops import check_scalar_fits, checked_astype
from ._dtype import to_dtype
from ._errors import type_error

if TYPE_CHECKING:
    from ._backend import Array
    from ._dtype import DType
    from ._tensor import Tensor


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _sizes(where: str, arg: str, sizes: tuple[Any, ...]) -> Any:
    """``f(2, 3)`` or ``f((2, 3))``: the sizes as one tuple (or list) argument."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        return tuple(sizes[0])
    if not sizes:
        raise type_error(where, arg, sizes, "ints, or one tuple of ints")
    return tuple(sizes)


class TensorShapeMethods:
    """MindSpore 2.x Tensor methods for shapes, joins, indexing and sorting (inherited)."""

    if TYPE_CHECKING:
        _shape: tuple[int, ...]
        _dtype: DType
        _array: Array | None

        def _read(self) -> Array: ...
        def _view(self, array: Array) -> Tensor: ...
        @staticmethod
        def _wrap(array: Array) -> Tensor: ...

    def _index_array(self, where: str, arg: str, value: Any) -> Array:
        if not isinstance(value, TensorShapeMethods):
            raise type_error(where, arg, value, "a Tensor")
        return value._read()

    # ------------------------------------------------------------------ shapes

    def unsqueeze(self, dim: int) -> Tensor:
        """Return the tensor with a new size-1 dim at ``dim`` (``expand_dims``): a view."""
        return self._view(_array_ops.expand_dims(self._read(), dim, where="Tensor.unsqueeze"))

    def tile(self, dims: Any) -> Tensor:
        """Return the tensor repeated ``dims[i]`` times along dim ``i`` (``ops.tile``; an
        int ``dims`` tiles the last dim).

        Example:
            >>> import numpy as np
            >>> from gpuparam import Tensor
            >>> Tensor(np.ones((2, 2), np.float32)).tile((2, 3)).shape
            (4, 6)
        """
        return self._wrap(_array_ops.tile(self._read(), dims, where="Tensor.tile",
                                          allow_int=True))

    def repeat(self, *repeats: Any) -> Tensor:
        """Return the tensor tiled ``repeats[i]`` times along dim ``i`` (``t.repeat(2, 1)``
        or ``t.repeat((2, 1))``); ``repeats`` has at least ``ndim`` ints, extra leading ones
        adding dims (as ``torch.Tensor.repeat``).

        Example:
            >>> from gpuparam import Tensor
            >>> print(Tensor([[0, 1, 2], [3, 4, 5]]).repeat(2, 1, 2).shape)
            (2, 2, 6)
        """
        counts = _sizes("Tensor.repeat", "repeats", repeats)
        if len(counts) < len(self._shape):
            raise type_error("Tensor.repeat", "repeats", repeats,
                             f"at least {len(self._shape)} ints (one per dim)")
        return self._wrap(_array_ops.tile(self._read(), counts, where="Tensor.repeat"))

    def repeat_interleave(self, repeats: Any, dim: int | None = None, *,
                          output_size: int | None = None) -> Tensor:
        """Return each element repeated ``repeats`` (an int, or one count per element)
        times along ``dim`` (None: flattened first); ``output_size``, if given, must be the
        result's size along that dim."""
        counts = self._index_array("Tensor.repeat_interleave", "repeats", repeats) \
            if isinstance(repeats, TensorShapeMethods) else repeats
        out = _array_ops.repeat_interleave(self._read(), counts, dim,
                                           where="Tensor.repeat_interleave")
        if output_size is not None and out.shape[0 if dim is None else dim] != output_size:
            raise type_error("Tensor.repeat_interleave", "output_size", output_size,
                             f"the result's size along the dim ({out.shape})")
        return self._wrap(out)

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Return the tensor broadcast to ``shape`` (``t.broadcast_to(2, 3)`` or
        ``t.broadcast_to((2, 3))``; a -1 keeps the dim): a read-only view."""
        target = _sizes("Tensor.broadcast_to", "shape", shape)
        return self._view(_array_ops.broadcast_to(self._read(), target,
                                                  where="Tensor.broadcast_to"))

    def expand(self, *size: Any) -> Tensor:
        """Return the tensor broadcast to ``size`` (``broadcast_to``): a read-only view."""
        target = _sizes("Tensor.expand", "size", size)
        return self._view(_array_ops.broadcast_to(self._read(), target, where="Tensor.expand"))

    def expand_as(self, other: Any) -> Tensor:
        """Return the tensor broadcast to ``other``'s shape: a read-only view."""
        if not isinstance(other, TensorShapeMethods):
            raise type_error("Tensor.expand_as", "other", other, "a Tensor")
        return self._view(_array_ops.broadcast_to(self._read(), other._shape,
                                                  where="Tensor.expand_as"))

    def flip(self, dims: Any) -> Tensor:
        """Return the tensor reversed along each dim of ``dims`` (a tuple/list): a view."""
        return self._view(_array_ops.flip(self._read(), dims, where="Tensor.flip"))

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        """Return the tensor with its elements shifted by ``shifts`` along ``dims``."""
        return self._wrap(_array_ops.roll(self._read(), shifts, dims, where="Tensor.roll"))

    def tril(self, diagonal: int = 0) -> Tensor:
        """Return the tensor with the elements above the ``diagonal``-th diagonal zeroed."""
        return self._wrap(_array_ops.triangle(self._read(), diagonal, lower=True,
                                              where="Tensor.tril"))

    def triu(self, diagonal: int = 0) -> Tensor:
        """Return the tensor with the elements below the ``diagonal``-th diagonal zeroed."""
        return self._wrap(_array_ops.triangle(self._read(), diagonal, lower=False,
                                              where="Tensor.triu"))

    # ------------------------------------------------------------------ splits

    def split(self, split_size: Any, dim: int = 0, *,
              axis: int | None = None) -> tuple[Tensor, ...]:
        """Return the pieces along ``dim`` (``axis``, the older name): an int is each
        piece's size, a list/tuple every piece's size (``ops.split``). Views."""
        dim = dim if axis is None else axis
        pieces = _array_ops.split(self._read(), split_size, dim, where="Tensor.split")
        return tuple(self._view(p) for p in pieces)

    def chunk(self, chunks: int, dim: int = 0, *, axis: int | None = None) -> tuple[Tensor, ...]:
        """Return at most ``chunks`` pieces along ``dim`` (``axis``, the older name): views."""
        dim = dim if axis is None else axis
        pieces = _array_ops.chunk(self._read(), chunks, dim, where="Tensor.chunk")
        return tuple(self._view(p) for p in pieces)

    def tensor_split(self, indices_or_sections: Any, axis: int = 0) -> tuple[Tensor, ...]:
        """Return the pieces of ``ops.tensor_split`` along ``axis``: views."""
        pieces = _array_ops.tensor_split(self._read(), indices_or_sections, axis,
                                         where="Tensor.tensor_split")
        return tuple(self._view(p) for p in pieces)

    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        """Return the slices along ``dim``, that dim removed (``ops.Unstack``): views."""
        return tuple(self._view(p) for p in _array_ops.unstack(self._read(), dim,
                                                              where="Tensor.unbind"))

    # ------------------------------------------------------------------ indexing

    def gather(self, *args: Any, **kwargs: Any) -> Tensor:
        """MindSpore 2.x's two forms, told apart by the first argument:
        ``gather(dim, index)`` (an int first: ``ops.gather_elements``) and
        ``gather(input_indices, axis, batch_dims=0)`` (a Tensor first: ``ops.gather``).

        Example:
            >>> import numpy as np
            >>> from gpuparam import Tensor
            >>> x = Tensor(np.array([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]], np.float32))
            >>> print(x.gather(1, Tensor(np.array([[0, 0], [1, 1]], np.int32))))
            [[-0.1 -0.1]
             [ 0.5  0.5]]
            >>> print(x.gather(Tensor(np.array([2], np.int32)), 1))
            [[ 3.6]
             [-3.2]]
        """
        first = args[0] if args else kwargs.get("dim", kwargs.get("input_indices"))
        if _is_int(first):
            return self._gather_elements("Tensor.gather", *args, **kwargs)
        return self._gather_slices(*args, **kwargs)

    def _gather_slices(self, input_indices: Any, axis: int, batch_dims: int = 0) -> Tensor:
        indices = self._index_array("Tensor.gather", "input_indices", input_indices)
        return self._wrap(_array_ops.gather(self._read(), indices, axis, batch_dims,
                                            where="Tensor.gather"))

    def _gather_elements(self, where: str, dim: int, index: Any) -> Tensor:
        indices = self._index_array(where, "index", index)
        return self._wrap(_array_ops.gather_elements(self._read(), dim, indices, where=where))

    def gather_elements(self, dim: int, index: Any) -> Tensor:
        """Return ``out[i][j] = t[i][index[i][j]]`` for ``dim=1`` (``ops.gather_elements``)."""
        return self._gather_elements("Tensor.gather_elements", dim, index)

    def gather_nd(self, indices: Any) -> Tensor:
        """Return the tensor at the index tuples in the last dim of ``indices``."""
        index = self._index_array("Tensor.gather_nd", "indices", indices)
        return self._wrap(_array_ops.gather_nd(self._read(), index, where="Tensor.gather_nd"))

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """Return the tensor with ``value`` (a number or a 0-d Tensor) where the Bool
        tensor ``mask`` is true (``ops.masked_fill``).

        Example:
            >>> import numpy as np
            >>> from gpuparam import Tensor
            >>> x = Tensor(np.array([1., 2., 3.], np.float32))
            >>> print(x.masked_fill(x > 1.5, 0.0))
            [1. 0. 0.]
        """
        where = "Tensor.masked_fill"
        masks = self._index_array(where, "mask", mask)
        fill: Any
        if isinstance(value, TensorShapeMethods):
            fill = checked_astype(value._read(), self._dtype, where, "value")
        elif isinstance(value, (bool, numbers.Number)):
            fill = value
            if not isinstance(value, bool) and self._dtype.name != "bool_":
                check_scalar_fits(where, "value", value, self._dtype)  # type: ignore[arg-type]
        else:
            raise type_error(where, "value", value, "a number or a 0-d Tensor")
        return self._wrap(_array_ops.masked_fill(self._read(), masks, fill, where=where))

    def where(self, condition: Any, y: Any) -> Tensor:
        """Return the tensor where ``condition`` is true, else ``y`` (``ops.where``)."""
        cond = self._index_array("Tensor.where", "condition", condition)
        other = y._read() if isinstance(y, TensorShapeMethods) else y
        return self._wrap(_array_ops.select(cond, self._read(), other, where="Tensor.where"))

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        """Return the indices of the non-zero elements (``ops.nonzero``). May synchronize
        the device."""
        found = _array_ops.nonzero(self._read(), where="Tensor.nonzero", as_tuple=as_tuple)
        return tuple(self._wrap(i) for i in found) if as_tuple else self._wrap(found)

    # ------------------------------------------------------------------ sorting

    def topk(self, k: int, dim: int | None = -1, largest: bool = True,
             sorted: bool = True) -> tuple[Tensor, Tensor]:  # noqa: A002
        """Return ``(values, indices)`` of the ``k`` largest (or smallest) elements along
        ``dim`` (None: the last); Int32 indices (``ops.topk``)."""
        values, indices = _array_ops.topk(self._read(), k, -1 if dim is None else dim,
                                          largest, where="Tensor.topk")
        return self._wrap(values), self._wrap(indices.astype(np.int32))

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False, *,
             axis: int | None = None) -> tuple[Tensor, Tensor]:
        """Return ``(values, indices)`` sorted along ``dim`` (``axis``, the older name);
        always stable; Int32 indices, as MindSpore's CPU and GPU kernels give."""
        values, indices = _array_ops.sort(self._read(), dim if axis is None else axis,
                                          descending, where="Tensor.sort")
        return self._wrap(values), self._wrap(indices.astype(np.int32))

    def argsort(self, axis: int = -1, descending: bool = False, *, dim: int | None = None,
                stable: bool = False) -> Tensor:
        """Return the indices that sort the tensor along ``axis`` (or ``dim``); stable;
        Int32."""
        order = _array_ops.argsort(self._read(), axis if dim is None else dim, descending,
                                   where="Tensor.argsort")
        return self._wrap(order.astype(np.int32))

    def argmax_with_value(self, axis: int = 0, keep_dims: bool = False) -> tuple[Tensor, Tensor]:
        """Return ``(values, indices)`` of the maxima along ``axis`` (note the order:
        ``ops.ArgMaxWithValue`` gives ``(indices, values)``)."""
        index, values = _array_ops.extreme_with_index(self._read(), axis, keep_dims,
                                                      largest=True,
                                                      where="Tensor.argmax_with_value")
        return self._wrap(values), self._wrap(index)

    def argmin_with_value(self, axis: int = 0, keep_dims: bool = False) -> tuple[Tensor, Tensor]:
        """Return ``(values, indices)`` of the minima along ``axis``."""
        index, values = _array_ops.extreme_with_index(self._read(), axis, keep_dims,
                                                      largest=False,
                                                      where="Tensor.argmin_with_value")
        return self._wrap(values), self._wrap(index)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                           dim: int | None = None) -> Any:
        """``ops.unique_consecutive`` of the tensor. May synchronize the device."""
        values, inverse, counts = _array_ops.unique_consecutive(
            self._read(), return_inverse, return_counts, dim, where="Tensor.unique_consecutive")
        out = (values,) + ((inverse,) if return_inverse else ()) + \
            ((counts,) if return_counts else ())
        return self._wrap(values) if len(out) == 1 else tuple(self._wrap(a) for a in out)

    # ------------------------------------------------------------------ creation

    def _new(self, where: str, size: Any, value: Any, dtype: Any) -> Tensor:
        target = self._dtype if dtype is None else to_dtype(dtype, where)
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,)
        if not all(_is_int(s) and s >= 0 for s in sizes):
            raise type_error(where, "size", size, "an int or a tuple of ints >= 0")
        if not isinstance(value, bool) and target.name != "bool_":
            check_scalar_fits(where, "fill_value", value, target)
        xp = _backend.active_array_module() if self._array is None else \
            _backend.get_array_module(self._array)  # beside this tensor's data
        return self._wrap(_array_ops.full(xp, sizes, value, target.numpy_dtype, where=where))

    def new_zeros(self, size: Any, dtype: Any = None) -> Tensor:
        """Return zeros of ``size``, in this tensor's dtype unless ``dtype`` says otherwise."""
        return self._new("Tensor.new_zeros", size, 0, dtype)

    def new_ones(self, size: Any, dtype: Any = None) -> Tensor:
        """Return ones of ``size``, in this tensor's dtype unless ``dtype`` says otherwise."""
        return self._new("Tensor.new_ones", size, 1, dtype)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None) -> Tensor:
        """Return ``fill_value`` in every element of ``size``, in this tensor's dtype unless
        ``dtype`` says otherwise."""
        return self._new("Tensor.new_full", size, fill_value, dtype)


__all__ = ["TensorShapeMethods"]
