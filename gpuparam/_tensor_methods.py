"""The everyday Tensor methods of MindSpore's API, as a mixin ``Tensor`` inherits.

``_tensor.py`` keeps what makes a Tensor (buffer, laziness, ordering); this module
holds the attributes and the NumPy-like methods scripts call on tensors and parameters
(``shape``, ``astype``, ``max``, ``transpose``, ``std``, ``clip``, ``t[i]``,
``set_dtype``, ``from_numpy``, ...), each a thin front over ``_array_ops``. Every
method reads through ``_read()`` (so a lazy tensor is materialized and stream ordering
holds) and builds a new Tensor through ``_wrap``/``_view`` unless it says it works in
place.

Result dtypes follow NumPy, except that an integer or bool tensor reduced to a float
(``std``, ``var``, ``norm``) gives Float32 as MindSpore does, not NumPy's float64.
"""

from __future__ import annotations

import contextlib
import math
import numbers
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _array_ops, _backend
from ._array_ops import check_scalar_fits, checked_astype
from ._dtype import DType, from_numpy as dtype_from_numpy, to_dtype
from ._errors import check_bool, type_error, value_error
from ._tensor_ops import _operand, _unwrap
from ._tensor_reductions import _bind, _is_int

if TYPE_CHECKING:
    from ._backend import Array
    from ._tensor import Tensor


class TensorMethods:
    """NumPy-like methods of ``gpuparam.Tensor`` (inherited; not used on its own)."""

    # Provided by Tensor.
    _shape: tuple[int, ...]
    _dtype: DType

    if TYPE_CHECKING:
        _array: Array | None
        _init: Any
        _lock: Any

        def _read(self) -> Array: ...
        def _materialized(self) -> Array: ...
        def _view(self, array: Array) -> Tensor: ...
        def _writing(self) -> contextlib.AbstractContextManager[Array]: ...
        def _set_array(self, array: Array, dtype: DType) -> None: ...
        @staticmethod
        def _wrap(array: Array) -> Tensor: ...
        def _replace_with(self, source: Tensor, dtype: DType | None = None,
                          share: bool = False, *, where: str = ..., arg: str | None = ...
                          ) -> None: ...
        def item(self) -> Any: ...

    # ------------------------------------------------------------------ attributes

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape, a tuple of ints (known even while the tensor is lazy)."""
        return self._shape

    @property
    def dtype(self) -> DType:
        """The gpuparam dtype (``gpuparam.float32``, ...)."""
        return self._dtype

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return len(self._shape)

    @property
    def size(self) -> int:
        """The number of elements."""
        return math.prod(self._shape)  # Python ints: no wrap-around

    @property
    def nbytes(self) -> int:
        """The bytes the data takes (or will take, while lazy)."""
        return self.size * self._dtype.itemsize

    @property
    def itemsize(self) -> int:
        """The bytes of one element."""
        return self._dtype.itemsize

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError(f"{type(self).__name__}: len() of a 0-d tensor.")
        return self._shape[0]

    # ------------------------------------------------------------------ conversions

    def astype(self, dtype: Any) -> Tensor:
        """Return a copy cast to ``dtype`` (a gpuparam or NumPy dtype).

        Raises:
            ValueError: If a value does not fit ``dtype`` (300 into int8, NaN into an
                integer dtype, 1e300 into float32); rounding within the range is allowed.
        """
        target = to_dtype(dtype, "Tensor.astype")
        return self._wrap(checked_astype(self._read(), target, "Tensor.astype", None))

    def copy(self) -> Tensor:
        """Return a copy on the same device."""
        return self._wrap(self._read().copy())

    def reshape(self, *shape: Any) -> Tensor:
        """Return the data with a new shape (``t.reshape(3, 2)`` or ``t.reshape((3, 2))``)."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])
        return self._view(_array_ops.reshape(self._read(), shape, where="Tensor.reshape"))

    # ------------------------------------------------------------------ indexing

    def __getitem__(self, index: Any) -> Tensor:
        index = _unwrap(index)
        array = self._read()
        try:
            return self._view(array[index])
        except (IndexError, TypeError, ValueError) as exc:
            raise IndexError(f"Tensor.__getitem__: `index` {index!r} does not select from a "
                             f"tensor of shape {self._shape} ({exc}).") from None

    def __setitem__(self, index: Any, value: Any) -> None:
        where = "Tensor.__setitem__"
        array = self._materialized()  # no read ordering here: _writing orders the write
        operand = _operand(value, array)
        if isinstance(operand, numbers.Real) and not isinstance(operand, bool):
            check_scalar_fits(where, "value", operand, self._dtype)
        elif not isinstance(operand, bool):  # arrays, and complex scalars
            operand = checked_astype(_backend.get_array_module(array).asarray(operand),
                                     self._dtype, where, "value", copy=False)
        with self._writing() as array:  # checked first: a bad value waits for nothing
            try:
                array[_unwrap(index)] = operand
            except (IndexError, TypeError, ValueError) as exc:
                raise ValueError(f"{where}: `value` of shape "
                                 f"{tuple(getattr(operand, 'shape', ()))} cannot be written at "
                                 f"`index` {index!r} of a tensor of shape {self._shape} "
                                 f"({exc}).") from None

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]


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

    @classmethod
    def from_numpy(cls, array: Any) -> Tensor:
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
        if not isinstance(array, np.ndarray):
            raise type_error("from_numpy", "array", array, "a numpy.ndarray")
        dtype_from_numpy(array.dtype, "from_numpy", "array")
        return cls._wrap(_backend.to_active(array))

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
        set_data = getattr(self, "set_data", None)
        if set_data is not None:
            return set_data(value)
        if not isinstance(value, TensorMethods):  # a Tensor: every Tensor has these methods
            raise type_error("Tensor.assign_value", "value", value, "a Tensor")
        value._read()  # a lazy value is materialized, and its data copied (not its laziness)
        self._replace_with(value)  # type: ignore[arg-type]
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

    def transpose(self, *axes: Any, **dims: Any) -> Tensor:
        """Return the tensor with its axes permuted: a view sharing the buffer.

        MindSpore 2.x's two forms, in its order: ``transpose(dim0, dim1)`` (two ints, or
        ``dim0=``/``dim1=``) swaps two dims of a tensor of any rank, so on a matrix
        ``transpose(0, 1)`` is the transpose; otherwise ``transpose(*axes)`` permutes
        (reversing the axes when none are given).

        Example:
            >>> import numpy as np
            >>> from gpuparam import Tensor
            >>> Tensor(np.ones((2, 3, 4), np.float32)).transpose(0, 2).shape
            (4, 3, 2)
        """
        if dims or (len(axes) == 2 and all(_is_int(a) for a in axes)):
            dim0, dim1 = _bind("Tensor.transpose", ("dim0", "dim1"), (None, None), axes, dims)
            return self._view(_array_ops.swapaxes(self._read(), dim0, dim1,
                                                  where="Tensor.transpose"))
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        reverse = tuple(range(len(self._shape)))[::-1]
        return self._view(_array_ops.transpose(self._read(), axes or reverse,
                                               where="Tensor.transpose"))

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        """Return the tensor with two axes interchanged."""
        return self._view(_array_ops.swapaxes(self._read(), axis0, axis1,
                                              where="Tensor.swapaxes"))

    def flatten(self, order: Any = "C", *args: Any, start_dim: int = 0,
                end_dim: int = -1) -> Tensor:
        """Return dims ``start_dim`` .. ``end_dim`` merged into one (all of them by default).

        MindSpore 2.x's two forms: ``flatten(order='C', *, start_dim=0, end_dim=-1)`` and
        ``flatten(start_dim=0, end_dim=-1)``, told apart by an int first argument.

        Args:
            order: ``'C'`` (row-major) or ``'F'`` (column-major), for a full flatten.

        Example:
            >>> import numpy as np
            >>> from gpuparam import Tensor
            >>> Tensor(np.ones((2, 3, 4), np.float32)).flatten(1, 2).shape
            (2, 12)
        """
        if _is_int(order):
            if len(args) > 1:
                raise TypeError(f"Tensor.flatten: takes start_dim and end_dim, got "
                                f"{1 + len(args)} positional arguments.")
            start_dim, end_dim, order = order, args[0] if args else end_dim, "C"
        elif args:
            raise type_error("Tensor.flatten", "start_dim", args[0],
                             "given by keyword after `order`, or an int first argument")
        return self._view(_array_ops.flatten(self._read(), order, start_dim, end_dim,
                                             where="Tensor.flatten"))

    def squeeze(self, axis: Any = None) -> Tensor:
        """Return the tensor without size-1 dims (only ``axis``, if given, which must be 1)."""
        return self._view(_array_ops.squeeze(self._read(), axis, where="Tensor.squeeze"))

    def expand_dims(self, axis: int) -> Tensor:
        """Return the tensor with a new size-1 dim inserted at ``axis``."""
        return self._view(_array_ops.expand_dims(self._read(), axis, where="Tensor.expand_dims"))

    def view(self, *shape: Any) -> Tensor:
        """Return the data with a new shape (``reshape``; shares the buffer when it can).

        Raises:
            TypeError: If a size is not an int.
            ValueError: If no shape is given (``view(())`` of a tensor of more than one
                element) or the sizes do not hold the tensor's elements.
        """
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])
        return self._view(_array_ops.reshape(self._read(), shape, where="Tensor.view"))

    # ------------------------------------------------------------------ elementwise

    def abs(self) -> Tensor:
        """Return ``|x|`` elementwise."""
        return self._wrap(_array_ops.abs(self._read()))

    def clip(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002  (MindSpore's names)
        """Return the values limited to ``[min, max]`` (either may be ``None``, not both), same
        dtype."""
        bounds = [b._read() if hasattr(b, "_read") else b for b in (min, max)]
        return self._wrap(_array_ops.clip(self._read(), *bounds, where="Tensor.clip"))

    def fill(self, value: Any) -> Tensor:
        """Return a tensor of this shape and dtype with every element ``value``."""
        xp = _backend.active_array_module() if self._array is None else \
            _backend.get_array_module(self._array)
        return self._wrap(_array_ops.full(xp, self._shape, value, self._dtype.numpy_dtype,
                                     where="Tensor.fill"))

    def fill_(self, value: Any) -> Any:
        """Write ``value`` (a number, or a 0-d Tensor) into every element, in place, and
        return ``self`` (MindSpore 2.x's ``Tensor.fill_``).

        Raises:
            TypeError: If ``value`` is neither.
            ValueError: If ``value`` does not fit the dtype (nothing is written).

        Example:
            >>> from gpuparam import Tensor
            >>> print(Tensor([1, 2, 3]).fill_(7))
            [7 7 7]
        """
        if isinstance(value, TensorMethods):
            if value._shape not in ((), (1,)):
                raise type_error("Tensor.fill_", "value", value, "a number or a 0-d Tensor")
            value = value.item()
        if not isinstance(value, (bool, numbers.Number)):
            raise type_error("Tensor.fill_", "value", value, "a number or a 0-d Tensor")
        self[...] = value  # type: ignore[index]  # one checked write, ordered like any other
        return self


__all__ = ["TensorMethods"]
