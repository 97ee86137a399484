"""The everyday Tensor methods of MindSpore's API, as a mixin ``Tensor`` inherits.

``_tensor.py`` keeps what makes a Tensor (buffer, laziness, ordering, host exchange);
this module holds the NumPy-like methods scripts call on tensors and parameters
(``max``, ``transpose``, ``std``, ``clip``, ``set_dtype``, ``from_numpy``, ...). Every
method reads through ``_read()`` (so a lazy tensor is materialized and stream ordering
holds) and returns a new Tensor unless it says it works in place.

Result dtypes follow NumPy, except that an integer or bool tensor reduced to a float
(``std``, ``var``, ``norm``) gives Float32 as MindSpore does, not NumPy's float64.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _backend
from ._dtype import DType, from_numpy as dtype_from_numpy, to_dtype
from ._errors import check_bool, type_error, value_error
from ._tensor_cast import checked_astype

if TYPE_CHECKING:
    from ._backend import Array
    from ._tensor import Tensor


def _wrap(array: Any, like: Any = None) -> Tensor:
    """A Tensor around ``array`` (a 0-d NumPy scalar becomes a 0-d array); an int or
    bool input that NumPy turned into float64 comes back as Float32, as MindSpore."""
    from ._tensor import Tensor  # the class that inherits this mixin

    if isinstance(array, np.generic):
        array = np.asarray(array)
    if like is not None and array.dtype == np.float64 and like.dtype != np.float64:
        array = array.astype(np.float32)
    return Tensor._from_array(array)


def _axes(where: str, axis: Any, ndim: int, arg: str = "axis") -> Any:
    """Check ``axis`` (None, an int or a tuple of ints) against ``ndim``; return it as NumPy
    wants. An empty tuple means every axis, as in MindSpore (``any(axis=())``)."""
    if axis is None or (isinstance(axis, (tuple, list)) and not axis):
        return None
    items = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in items):
        raise type_error(where, arg, axis, "None, an int or a tuple of ints")
    limit = max(ndim, 1)
    if any(not -limit <= int(a) < limit for a in items):
        raise value_error(where, arg, axis, "None, an int or a tuple of ints in "
                          f"[{-limit}, {limit}) for a {ndim}-d tensor")
    return tuple(int(a) for a in items) if isinstance(axis, (tuple, list)) else int(axis)


class TensorMethods:
    """NumPy-like methods of ``gpuparam.Tensor`` (inherited; not used on its own)."""

    # Provided by Tensor.
    _shape: tuple[int, ...]
    _dtype: DType

    if TYPE_CHECKING:
        def _read(self) -> Array: ...
        def _view(self, array: Array) -> Tensor: ...
        def _set_array(self, array: Array, dtype: DType) -> None: ...
        _array: Array | None
        _init: Any
        _lock: Any

        @property
        def ndim(self) -> int: ...

        @property
        def size(self) -> int: ...

        def item(self) -> Any: ...

    # ------------------------------------------------------------------ dtype and data

    def set_dtype(self, dtype: Any) -> Any:
        """Change the tensor's dtype in place and return ``self``.

        A materialized tensor is cast (``astype``); a lazy one (a parameter from
        ``initializer()``) stays lazy and will be generated in the new dtype.

        Raises:
            TypeError: If ``dtype`` is not a dtype, or a lazy tensor's initializer cannot
                fill it (a random initializer with an integer dtype).
            ValueError: If a value overflows ``dtype`` (nothing is changed).

        Example:
            >>> import gpuparam
            >>> from gpuparam.common.initializer import initializer
            >>> p = gpuparam.Parameter(initializer('normal', [2, 2]), name='w')
            >>> p.set_dtype(gpuparam.float16).dtype, p.has_init
            (gpuparam.float16, True)
        """
        where = f"{type(self).__name__}.set_dtype"
        target = to_dtype(dtype, where)
        with self._lock:
            if self._array is None:
                check = getattr(self._init, "_check", None)
                if check is not None:
                    check(self._shape, target)
                self._dtype = target
            elif target != self._dtype:
                self._set_array(checked_astype(self._read(), target, where, None), target)
        return self

    @staticmethod
    def from_numpy(array: Any) -> Tensor:
        """Return a Tensor over a NumPy array; on the NumPy backend it shares the memory.

        On the CPU no copy is made (writes to either are seen by the other, as in
        MindSpore); on the GPU the data is copied to the device.

        Raises:
            TypeError: If ``array`` is not a NumPy array, or its dtype is not supported.

        Example:
            >>> import numpy as np
            >>> from gpuparam import Tensor, _backend
            >>> a = np.arange(3, dtype=np.float32)
            >>> with _backend.use_backend("numpy"):
            ...     t = Tensor.from_numpy(a)
            >>> a[0] = 7.0
            >>> t.asnumpy()
            array([7., 1., 2.], dtype=float32)
        """
        from ._tensor import Tensor

        if not isinstance(array, np.ndarray):
            raise type_error("from_numpy", "array", array, "a numpy.ndarray")
        dtype_from_numpy(array.dtype, "from_numpy", "array")
        return Tensor._from_array(_backend.to_active(array))

    def assign_value(self, value: Any) -> Any:
        """Replace the data with ``value``'s (its shape and dtype too) and return ``self``.

        A Parameter goes through ``set_data`` instead, keeping its shape and dtype checks.

        Example:
            >>> import numpy as np
            >>> from gpuparam import Tensor
            >>> x = Tensor([1, 2, 3, 4])
            >>> print(x.assign_value(Tensor(np.array([[1, 2], [3, 4]]))))
            [[1 2]
             [3 4]]
        """
        from ._tensor import Tensor

        set_data = getattr(self, "set_data", None)
        if set_data is not None:
            return set_data(value)
        if not isinstance(value, Tensor):
            raise type_error("Tensor.assign_value", "value", value, "a Tensor")
        data = value._read().copy()
        with self._lock:
            self._init = None
            self._set_array(data, value.dtype)
        return self

    @property
    def strides(self) -> tuple[int, ...]:
        """Bytes to step in each dimension of the buffer (materializes a lazy tensor)."""
        return tuple(int(s) for s in self._read().strides)

    # ------------------------------------------------------------------ shape

    @property
    def T(self) -> Tensor:  # noqa: N802  (MindSpore's and NumPy's name)
        """The tensor with its axes reversed."""
        return self.transpose()

    def transpose(self, *axes: Any) -> Tensor:
        """Return the tensor with its axes permuted (reversed when no axes are given)."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if axes:
            normalized = _axes("Tensor.transpose", axes, self.ndim, "axes")
            if sorted(a % self.ndim for a in normalized) != list(range(self.ndim)):
                raise value_error("Tensor.transpose", "axes", axes,
                                  f"a permutation of the {self.ndim} axes")
        return self._view(self._read().transpose(*axes) if axes else self._read().transpose())

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        """Return the tensor with two axes interchanged."""
        _axes("Tensor.swapaxes", (axis0, axis1), self.ndim, "axis0, axis1")
        return self._view(self._read().swapaxes(axis0, axis1))

    def flatten(self, order: str = "C", *, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Return dims ``start_dim`` .. ``end_dim`` merged into one (all of them by default).

        Args:
            order: ``'C'`` (row-major) or ``'F'`` (column-major), for a full flatten.
        """
        where = "Tensor.flatten"
        if order not in ("C", "F"):
            raise value_error(where, "order", order, "'C' or 'F'")
        array = self._read()
        if self.ndim == 0:
            return self._view(array.reshape(1))
        first, last = (_axes(where, d, self.ndim, n) % self.ndim
                       for d, n in ((start_dim, "start_dim"), (end_dim, "end_dim")))
        if first > last:
            raise value_error(where, "start_dim", start_dim, f"<= end_dim ({end_dim})")
        if order == "F":
            if (first, last) != (0, self.ndim - 1):
                raise value_error(where, "order", order, "'C' when start_dim/end_dim are given")
            return self._view(array.flatten(order="F"))
        shape = self._shape[:first] + (-1,) + self._shape[last + 1:]
        return self._view(array.reshape(shape if self.size else
                                   self._shape[:first] + (int(np.prod(self._shape[first:last + 1])),)
                                   + self._shape[last + 1:]))

    def squeeze(self, axis: Any = None) -> Tensor:
        """Return the tensor without size-1 dims (only ``axis``, if given, which must be 1)."""
        where = "Tensor.squeeze"
        axis = _axes(where, axis, self.ndim)
        if axis is not None:
            for a in (axis if isinstance(axis, tuple) else (axis,)):
                if self._shape[a] != 1:
                    raise value_error(where, "axis", axis,
                                      f"dims of size 1; dim {a} of shape {self._shape} is not")
        return self._view(self._read().squeeze(axis))

    def expand_dims(self, axis: int) -> Tensor:
        """Return the tensor with a new size-1 dim inserted at ``axis``."""
        _axes("Tensor.expand_dims", axis, self.ndim + 1)
        xp = _backend.get_array_module(self._read())
        return self._view(xp.expand_dims(self._read(), axis))

    def view(self, *shape: Any) -> Tensor:
        """Return the data with a new shape (``reshape``; shares the buffer when it can)."""
        return self.reshape(*shape)  # type: ignore[attr-defined,no-any-return]

    # ------------------------------------------------------------------ reductions

    def _reduce(self, name: str, axis: Any, keepdims: Any, **kwargs: Any) -> Tensor:
        where = f"Tensor.{name}"
        if self.size == 0 and name in ("max", "min", "argmax", "argmin"):
            raise ValueError(f"{where}: an empty tensor (shape {self._shape}) has no {name}.")
        axis = _axes(where, axis, self.ndim)
        check_bool(where, "keepdims", keepdims)
        array = self._read()
        return _wrap(getattr(array, name)(axis=axis, keepdims=keepdims, **kwargs))

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the maximum over ``axis`` (all elements when ``None``)."""
        return self._reduce("max", axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the minimum over ``axis`` (all elements when ``None``)."""
        return self._reduce("min", axis, keepdims)

    def argmax(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the index of the maximum over ``axis`` (of the flattened tensor when ``None``)."""
        if axis is not None and isinstance(axis, (tuple, list)):
            raise type_error("Tensor.argmax", "axis", axis, "None or an int")
        return self._reduce("argmax", axis, keepdims)

    def argmin(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Return the index of the minimum over ``axis`` (of the flattened tensor when ``None``)."""
        if axis is not None and isinstance(axis, (tuple, list)):
            raise type_error("Tensor.argmin", "axis", axis, "None or an int")
        return self._reduce("argmin", axis, keepdims)

    def any(self, axis: Any = None, keep_dims: bool = False) -> Tensor:
        """Return whether any element over ``axis`` is true (a Bool tensor)."""
        return self._reduce("any", axis, keep_dims)

    def all(self, axis: Any = None, keep_dims: bool = False) -> Tensor:
        """Return whether every element over ``axis`` is true (a Bool tensor)."""
        return self._reduce("all", axis, keep_dims)

    def _moment(self, name: str, axis: Any, ddof: Any, keepdims: bool) -> Tensor:
        where = f"Tensor.{name}"
        if isinstance(ddof, bool) or not isinstance(ddof, numbers.Integral) or ddof < 0:
            raise value_error(where, "ddof", ddof, "an int >= 0")
        axis = _axes(where, axis, self.ndim)
        check_bool(where, "keepdims", keepdims)
        array = self._read()
        return _wrap(getattr(array, name)(axis=axis, ddof=int(ddof), keepdims=keepdims), array)

    def std(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """Return the standard deviation over ``axis``: ``sqrt(sum((x - mean)**2) / (n - ddof))``."""
        return self._moment("std", axis, ddof, keepdims)

    def var(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """Return the variance over ``axis``: ``sum((x - mean)**2) / (n - ddof)``."""
        return self._moment("var", axis, ddof, keepdims)

    def norm(self, ord: Any = None, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
        """Return a vector or matrix norm, as ``numpy.linalg.norm``.

        With ``ord=None`` and ``dim=None`` it is the 2-norm of all elements (Frobenius).
        """
        where = "Tensor.norm"
        check_bool(where, "keepdim", keepdim)
        array = self._read()
        xp = _backend.get_array_module(array)
        if dim is None and ord is None:
            out = xp.sqrt((xp.abs(array).astype(np.float64 if array.dtype == np.float64
                                                else np.float32) ** 2).sum())
            if keepdim:
                out = out.reshape((1,) * self.ndim)
            return _wrap(out, array)
        dim = _axes(where, dim, self.ndim, "dim")
        try:
            return _wrap(xp.linalg.norm(array, ord=ord, axis=dim, keepdims=keepdim), array)
        except ValueError as exc:
            raise value_error(where, "ord", ord, f"a norm order valid for dim={dim} ({exc})") from None

    # ------------------------------------------------------------------ elementwise

    def abs(self) -> Tensor:
        """Return ``|x|`` elementwise."""
        array = self._read()
        return _wrap(_backend.get_array_module(array).abs(array))

    def clip(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002  (MindSpore's names)
        """Return the values limited to ``[min, max]`` (either may be ``None``), same dtype."""
        if min is None and max is None:
            raise ValueError("Tensor.clip: give `min`, `max` or both; got neither.")
        array = self._read()
        xp = _backend.get_array_module(array)
        bounds = [b._read() if hasattr(b, "_read") else b for b in (min, max)]
        return _wrap(xp.clip(array, *bounds).astype(array.dtype, copy=False))

    def fill(self, value: Any) -> Tensor:
        """Return a tensor of this shape and dtype with every element ``value``."""
        if not isinstance(value, (numbers.Number, np.bool_)):
            raise type_error("Tensor.fill", "value", value, "a number or a bool")
        xp = _backend.active_array_module() if self._array is None else \
            _backend.get_array_module(self._array)
        return _wrap(xp.full(self._shape, value, dtype=self._dtype.numpy_dtype))

    # ------------------------------------------------------------------ formatting

    def __format__(self, format_spec: str) -> str:
        """Format a 0-d or one-element tensor like its value (``f"{loss:.4f}"``)."""
        if not format_spec:
            return str(self)
        if self.size != 1:
            raise TypeError(f"{type(self).__name__}.__format__: a format spec "
                            f"({format_spec!r}) applies to a tensor of one element; this "
                            f"one has shape {self._shape}.")
        return format(self.item(), format_spec)


__all__ = ["TensorMethods"]
