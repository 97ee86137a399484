"""gpuparam's dtypes, printed as MindSpore prints them, and their conversions.

``gpuparam.int32`` prints as ``Int32`` and reprs as ``gpuparam.int32``; each wraps one
NumPy dtype. ``dtype_to_nptype``, ``dtype_to_pytype`` and ``pytype_to_dtype`` follow
``mindspore.dtype_to_nptype`` and friends (reference page 003).
"""

from __future__ import annotations

import builtins
from typing import Any, Union

import numpy as np

from ._errors import type_error


class DType:
    """A gpuparam dtype: a MindSpore-style name over one NumPy scalar type.

    Example:
        >>> import gpuparam
        >>> print(gpuparam.int32), gpuparam.float16
        Int32
        (None, gpuparam.float16)
    """

    __slots__ = ("_name", "_ms_name", "_np")

    def __init__(self, name: str, ms_name: str, np_type: type) -> None:
        self._name = name
        self._ms_name = ms_name
        self._np = np.dtype(np_type)

    @property
    def name(self) -> str:
        """Lower-case name, as in ``gpuparam.float32``."""
        return self._name

    @property
    def itemsize(self) -> int:
        return self._np.itemsize

    @property
    def is_floating_point(self) -> bool:
        return self._np.kind == "f" or self._name == "bfloat16"

    @property
    def is_signed(self) -> bool:
        return self._np.kind in "if" or self._name == "bfloat16"

    @property
    def numpy_dtype(self) -> np.dtype:
        """The NumPy dtype that holds this type's values."""
        return self._np

    def __str__(self) -> str:
        return self._ms_name

    def __repr__(self) -> str:
        return f"gpuparam.{self._name}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DType) and other._name == self._name

    def __hash__(self) -> int:
        return hash(("gpuparam.dtype", self._name))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_by_name, (self._name,))


bool_ = DType("bool_", "Bool", np.bool_)
int8 = DType("int8", "Int8", np.int8)
int16 = DType("int16", "Int16", np.int16)
int32 = DType("int32", "Int32", np.int32)
int64 = DType("int64", "Int64", np.int64)
uint8 = DType("uint8", "UInt8", np.uint8)
uint16 = DType("uint16", "UInt16", np.uint16)
uint32 = DType("uint32", "UInt32", np.uint32)
uint64 = DType("uint64", "UInt64", np.uint64)
float16 = DType("float16", "Float16", np.float16)
float32 = DType("float32", "Float32", np.float32)
float64 = DType("float64", "Float64", np.float64)

# MindSpore's short aliases.
int_ = int64
uint = uint64
half = float16
single = float32
double = float64

ALL_DTYPES: tuple[DType, ...] = (bool_, int8, int16, int32, int64, uint8, uint16, uint32,
                                 uint64, float16, float32, float64)

try:  # bfloat16 exists only where ml_dtypes provides a NumPy type for it.
    import ml_dtypes as _ml_dtypes

    bfloat16: DType | None = DType("bfloat16", "BFloat16", _ml_dtypes.bfloat16)
    ALL_DTYPES += (bfloat16,)
except ImportError:
    bfloat16 = None

_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NUMPY = {d.numpy_dtype: d for d in ALL_DTYPES}

DTypeLike = Union[DType, np.dtype, type, str]


def _by_name(name: str) -> DType:
    return _BY_NAME[name]


def _accepted() -> str:
    return "a gpuparam dtype such as gpuparam.float32"


def check_dtype(where: str, arg: str, dtype: Any) -> DType:
    """Return ``dtype`` if it is a gpuparam dtype; TypeError otherwise."""
    if not isinstance(dtype, DType):
        raise type_error(where, arg, dtype, _accepted())
    return dtype


def from_numpy(np_dtype: Any, where: str = "from_numpy", arg: str = "dtype") -> DType:
    """Return the gpuparam dtype for a NumPy dtype (or anything ``np.dtype`` accepts).

    Raises:
        TypeError: If NumPy has no such dtype or gpuparam does not support it
            (complex, strings, objects, datetimes).
    """
    if isinstance(np_dtype, DType):
        return np_dtype
    try:
        key = np.dtype(np_dtype)
    except TypeError:
        raise type_error(where, arg, np_dtype, "a NumPy dtype gpuparam supports") from None
    found = _BY_NUMPY.get(key)
    if found is None:
        supported = sorted(str(d.numpy_dtype) for d in ALL_DTYPES)
        raise type_error(where, arg, np_dtype, f"one of the NumPy dtypes {supported}")
    return found


def to_dtype(dtype: Any, where: str, arg: str = "dtype") -> DType:
    """Return a gpuparam dtype for ``dtype``: a gpuparam dtype or a NumPy dtype/type.

    Python's ``int``/``float``/``bool`` map as ``pytype_to_dtype`` does.
    """
    if isinstance(dtype, DType):
        return dtype
    if dtype in (builtins.int, builtins.float, builtins.bool):
        return pytype_to_dtype(dtype)
    if isinstance(dtype, str) and dtype in _BY_NAME:
        return _BY_NAME[dtype]
    if isinstance(dtype, (np.dtype, type)):
        return from_numpy(dtype, where, arg)
    raise type_error(where, arg, dtype, _accepted() + " or a NumPy dtype")


def dtype_to_nptype(type_: Any) -> type:
    """Return the NumPy scalar type of a gpuparam dtype.

    Example:
        >>> import gpuparam
        >>> gpuparam.dtype_to_nptype(gpuparam.int32)
        <class 'numpy.int32'>
    """
    return check_dtype("dtype_to_nptype", "type_", type_).numpy_dtype.type


_TO_PYTYPE = {"bool_": builtins.bool}


def dtype_to_pytype(type_: Any) -> type:
    """Return the Python built-in type whose values a gpuparam dtype holds.

    Example:
        >>> import gpuparam
        >>> gpuparam.dtype_to_pytype(gpuparam.float64)
        <class 'float'>
    """
    dtype = check_dtype("dtype_to_pytype", "type_", type_)
    if dtype.name == "bool_":
        return builtins.bool
    return builtins.float if dtype.is_floating_point else builtins.int


_FROM_PYTYPE: dict[type, DType] = {builtins.bool: bool_, builtins.int: int64,
                                   builtins.float: float32}


def pytype_to_dtype(obj: Any) -> DType:
    """Return the gpuparam dtype for a Python type: ``int`` -> Int64, ``float`` -> Float32.

    A gpuparam dtype is returned as it is (as MindSpore does).

    Raises:
        TypeError: For an instance instead of a type, or a type without a dtype.

    Example:
        >>> import gpuparam
        >>> print(gpuparam.pytype_to_dtype(int))
        Int64
    """
    if isinstance(obj, DType):
        return obj
    if not isinstance(obj, type):
        raise type_error("pytype_to_dtype", "obj", obj,
                         "a Python type (bool, int or float) or a gpuparam dtype, not an instance")
    if obj in _FROM_PYTYPE:
        return _FROM_PYTYPE[obj]
    if issubclass(obj, np.generic):
        raise type_error("pytype_to_dtype", "obj", obj,
                         "a Python type (bool, int or float); for NumPy types use "
                         "gpuparam.dtype.from_numpy")
    raise type_error("pytype_to_dtype", "obj", obj, "one of the Python types bool, int, float")


def result_dtype(*dtypes: DType) -> DType:
    """Return the dtype NumPy's promotion rules give for ``dtypes``."""
    return from_numpy(np.result_type(*(d.numpy_dtype for d in dtypes)))


def can_cast_safely(source: DType, target: DType) -> bool:
    """Return True if every value of ``source`` fits ``target`` (int -> float counts as safe).

    MindSpore's ``set_data`` casts int64 data into a float32 parameter (reference
    page 004), so integer-to-float is accepted even where float32 cannot hold every
    int64 exactly; anything narrowing within a kind, float -> int or to bool is not.
    """
    if source == target:
        return True
    if target.is_floating_point and not source.is_floating_point:
        return True
    if source.name == "bfloat16" or target.name == "bfloat16":
        return source.name == "bfloat16" and target in (float32, float64)
    return bool(np.can_cast(source.numpy_dtype, target.numpy_dtype, casting="safe"))
