"""How a Tensor leaves gpuparam: host copies, NumPy's and DLPack's protocols, printing.

A mixin ``Tensor`` inherits. Every method reads through ``_read()`` (a lazy tensor is
materialized, stream ordering holds); whatever reaches the host (``asnumpy``,
``item``, ``print``) may synchronize the device.
"""

from __future__ import annotations

import builtins
import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _backend, _dtype
from ._errors import type_error

if TYPE_CHECKING:
    from ._backend import Array
    from ._dtype import DType
    from ._tensor import LazyInit, Tensor


class TensorCasts:
    """MindSpore 2.x's (and torch's) dtype shorthands: ``t.float()`` is
    ``t.astype(gpuparam.float32)``, and so on. A class of their own, so that these method
    names (``int``, ``float``, ``bool``) never shadow the builtins in a class body that
    annotates with them.

    Example:
        >>> from gpuparam import Tensor
        >>> t = Tensor([1.5, -2.0])
        >>> t.half().dtype, t.int().dtype, t.long().dtype, t.bool().dtype
        (gpuparam.float16, gpuparam.int32, gpuparam.int64, gpuparam.bool_)
    """

    if TYPE_CHECKING:
        def astype(self, dtype: Any) -> Tensor: ...

    def float(self) -> Tensor:
        """Return a Float32 copy (``astype(float32)``)."""
        return self.astype(_dtype.float32)

    def half(self) -> Tensor:
        """Return a Float16 copy; a value beyond Float16's range is an error, not inf."""
        return self.astype(_dtype.float16)

    def double(self) -> Tensor:
        """Return a Float64 copy."""
        return self.astype(_dtype.float64)

    def int(self) -> Tensor:
        """Return an Int32 copy (fractions truncated toward zero; NaN or an overflow raises)."""
        return self.astype(_dtype.int32)

    def long(self) -> Tensor:
        """Return an Int64 copy (fractions truncated toward zero)."""
        return self.astype(_dtype.int64)

    def short(self) -> Tensor:
        """Return an Int16 copy (fractions truncated toward zero)."""
        return self.astype(_dtype.int16)

    def byte(self) -> Tensor:
        """Return a UInt8 copy (a negative value or one above 255 raises)."""
        return self.astype(_dtype.uint8)

    def bool(self) -> Tensor:
        """Return a Bool copy (non-zero is True)."""
        return self.astype(_dtype.bool_)


class TensorHostMethods(TensorCasts):
    """Host exchange and printing of ``gpuparam.Tensor`` (inherited; not used on its own)."""

    if TYPE_CHECKING:
        def _read(self) -> Array: ...
        @staticmethod
        def _wrap(array: Array) -> Tensor: ...

        @property
        def shape(self) -> tuple[int, ...]: ...
        @property
        def dtype(self) -> DType: ...
        @property
        def size(self) -> int: ...
        @property
        def has_init(self) -> bool: ...
        @property
        def init(self) -> LazyInit | None: ...

    # ------------------------------------------------------------------ host exchange

    def asnumpy(self) -> np.ndarray:
        """Return a NumPy copy of the data on the host. May synchronize the device."""
        return np.array(_backend.to_host(self._read()), copy=True)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """NumPy 2's array protocol: ``np.array(t)`` copies; ``np.asarray(t)`` may share.

        ``copy=True`` (``np.array``'s default) always returns a new array, so writing to
        it never reaches the tensor. ``copy=None`` (``np.asarray``) shares the buffer on
        the NumPy backend when no dtype change is asked for, as a **read-only** view: a
        write must go through ``set_data``/``Assign``/``t[...] = v``, which keep the
        tensor's bookkeeping. ``copy=False`` raises ValueError where a copy is needed
        (a GPU tensor, or another dtype). May synchronize the device.
        """
        array = self._read()
        wanted = None if dtype is None else np.dtype(dtype)
        needs_copy = _backend.is_device_array(array) or (wanted is not None and wanted != array.dtype)
        if copy is False and needs_copy:
            reason = ("the data lives on the GPU" if _backend.is_device_array(array)
                      else f"the dtype changes from {array.dtype} to {wanted}")
            raise ValueError(f"Tensor.__array__: `copy=False` cannot be honoured: {reason}, "
                             "so a copy is needed; use np.asarray(t) or t.asnumpy().")
        if needs_copy:
            host = _backend.to_host(array)
            return host if wanted is None or host.dtype == wanted else host.astype(wanted)
        if copy:
            return np.array(array, copy=True)
        view = array.view()
        view.flags.writeable = False
        return view

    def numpy(self) -> np.ndarray:
        """Return a NumPy copy of the data on the host (``asnumpy``, MindSpore 2.x's other
        name). May synchronize the device."""
        return self.asnumpy()

    def __contains__(self, element: Any) -> Any:
        """``element in t``: whether any element equals ``element`` (a number or a Tensor,
        compared elementwise, as MindSpore); anything else (``[1] in t``) is False, as
        there. May synchronize the device."""
        if isinstance(element, (TensorHostMethods, numbers.Number)):
            return builtins.bool((self == element).any())  # type: ignore[operator,attr-defined]
        return False

    def item(self) -> Any:
        """Return the single element as a Python scalar. May synchronize the device."""
        if self.size != 1:
            raise ValueError(f"{type(self).__name__}.item: only a tensor of one element "
                             f"has an item; this one has shape {self.shape}.")
        return self.asnumpy().item()

    def tolist(self) -> Any:
        """Return the data as nested Python lists. May synchronize the device."""
        return self.asnumpy().tolist()

    def __bool__(self) -> bool:
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __dlpack__(self, **kwargs: Any) -> Any:
        """Export through DLPack (no copy); keyword arguments go to the array's ``__dlpack__``.

        Raises:
            BufferError: For a BFloat16 tensor (DLPack export of bfloat16 is not
                supported by NumPy): cast it first, ``t.astype(gpuparam.float32)``.
        """
        array = self._read()
        try:
            return array.__dlpack__(**{k: v for k, v in kwargs.items() if v is not None})
        except BufferError as exc:
            raise BufferError(f"Tensor.__dlpack__: a {self.dtype} tensor cannot be exported "
                              f"through DLPack here ({exc}); cast it first, e.g. "
                              "t.astype(gpuparam.float32).") from None

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._read().__dlpack_device__()

    @classmethod
    def from_dlpack(cls, external: Any) -> Tensor:
        """Return a Tensor sharing memory with ``external`` (any DLPack producer) on the active backend."""
        xp = _backend.active_array_module()
        if not hasattr(external, "__dlpack__"):
            raise type_error("from_dlpack", "external", external, "an object with __dlpack__")
        try:
            array = xp.from_dlpack(external)
        except (BufferError, RuntimeError, TypeError, ValueError) as exc:
            # bfloat16 (NumPy and CuPy cannot import it), or memory on another device.
            raise TypeError(f"from_dlpack: `external` ({type(external).__name__}) cannot be "
                            f"shared with the {_backend.active_backend()} backend ({exc}); a "
                            "bfloat16 tensor must be cast first (torch: x.float()), and GPU "
                            "memory needs the CuPy backend.") from None
        return cls._wrap(array)

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        array = self._read()
        if not _backend.is_device_array(array):
            raise AttributeError("__cuda_array_interface__: this tensor lives on the host (NumPy backend)")
        return array.__cuda_array_interface__

    # ------------------------------------------------------------------ printing

    def __str__(self) -> str:
        return str(self.asnumpy())

    def __repr__(self) -> str:
        shape = list(self.shape)
        if self.has_init:
            return f"Tensor(shape={shape}, dtype={self.dtype}, init={self.init!r})"
        body = np.array2string(self.asnumpy(), separator=", ")
        return f"Tensor(shape={shape}, dtype={self.dtype}, value=\n{body})"

    # ------------------------------------------------------------------ conversions

    # ------------------------------------------------------------------ formatting

    def __format__(self, format_spec: str) -> str:
        """Format a 0-d or one-element tensor like its value (``f"{loss:.4f}"``)."""
        if not format_spec:
            return str(self)
        if self.size != 1:
            raise TypeError(f"{type(self).__name__}.__format__: a format spec "
                            f"({format_spec!r}) applies to a tensor of one element; this "
                            f"one has shape {self.shape}.")
        return format(self.item(), format_spec)


__all__ = ["TensorHostMethods"]
