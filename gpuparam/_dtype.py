"""gpuparam's dtypes, printed as MindSpore prints them, and their conversions.

``gpuparam.int32`` prints as ``Int32`` and reprs as ``gpuparam.int32``; each wraps one
NumPy dtype. ``dtype_to_nptype``, ``dtype_to_pytype`` and ``pytype_to_dtype`` follow
``mindspore.dtype_to_nptype`` and friends (reference page 003).
"""

from __future__ import annotations

import builtins
from typing import Any, Union

import numpy as np

from ._errors import ml_dtypes_needed, type_error


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
        """True for real floating-point types (float16/32/64, bfloat16, float8)."""
        return self._np.kind == "f" or self._name in ML_DTYPE_NAMES

    @property
    def is_complex(self) -> bool:
        """True for complex64 and complex128."""
        return self._np.kind == "c"

    @property
    def is_signed(self) -> bool:
        return self._np.kind in "ifc" or self._name in ML_DTYPE_NAMES

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
complex64 = DType("complex64", "Complex64", np.complex64)
complex128 = DType("complex128", "Complex128", np.complex128)

# MindSpore's short aliases.
int_ = int64
uint = uint64
half = float16
single = float32
double = float64

ALL_DTYPES: tuple[DType, ...] = (bool_, int8, int16, int32, int64, uint8, uint16, uint32,
                                 uint64, float16, float32, float64, complex64, complex128)

# Floating types NumPy lacks; they exist where ml_dtypes provides NumPy types for them.
ML_DTYPE_NAMES = ("bfloat16", "float8_e4m3fn", "float8_e5m2")
try:
    import ml_dtypes as _ml_dtypes

    bfloat16: DType | None = DType("bfloat16", "BFloat16", _ml_dtypes.bfloat16)
    float8_e4m3fn: DType | None = DType("float8_e4m3fn", "Float8_e4m3fn",
                                        _ml_dtypes.float8_e4m3fn)
    float8_e5m2: DType | None = DType("float8_e5m2", "Float8_e5m2", _ml_dtypes.float8_e5m2)
    ALL_DTYPES += (bfloat16, float8_e4m3fn, float8_e5m2)
except ImportError:
    bfloat16 = float8_e4m3fn = float8_e5m2 = None


def is_float(np_dtype: np.dtype) -> bool:
    """True for a real floating NumPy dtype, ml_dtypes' bfloat16 and float8 types included."""
    return np_dtype.kind == "f" or np_dtype.name in ML_DTYPE_NAMES


def float_max(np_dtype: np.dtype) -> float:
    """Return the largest finite value of a real floating NumPy dtype (ml_dtypes' too)."""
    if np_dtype.name in ML_DTYPE_NAMES:
        return float(_ml_dtypes.finfo(np_dtype).max)
    return float(np.finfo(np_dtype).max)


class PseudoType:
    """A MindSpore type of Python values that is not an array dtype (``list_``, ``string``...).

    ``dtype_to_pytype`` knows them; a Tensor cannot have one as its dtype.

    Example:
        >>> from gpuparam import dtype as mstype
        >>> print(mstype.list_), mstype.dtype_to_pytype(mstype.string)
        List
        (None, <class 'str'>)
    """

    __slots__ = ("_name", "_ms_name", "_py")

    def __init__(self, name: str, ms_name: str, py_type: type) -> None:
        self._name, self._ms_name, self._py = name, ms_name, py_type

    @property
    def name(self) -> str:
        return self._name

    def __str__(self) -> str:
        return self._ms_name

    def __repr__(self) -> str:
        return f"gpuparam.dtype.{self._name}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_pseudo_by_name, (self._name,))


list_ = PseudoType("list_", "List", builtins.list)
tuple_ = PseudoType("tuple_", "Tuple", builtins.tuple)
string = PseudoType("string", "String", builtins.str)
type_none = PseudoType("type_none", "TypeNone", type(None))
_PSEUDO = {p.name: p for p in (list_, tuple_, string, type_none)}


def _pseudo_by_name(name: str) -> PseudoType:
    return _PSEUDO[name]

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
    if dtype in (builtins.int, builtins.float, builtins.bool, builtins.complex):
        return _FROM_PYTYPE[dtype]  # type: ignore[return-value]  # these four are DTypes
    if isinstance(dtype, str) and dtype in _BY_NAME:
        return _BY_NAME[dtype]
    if isinstance(dtype, str) and dtype in ML_DTYPE_NAMES:  # named, but ml_dtypes is absent
        raise TypeError(f"{where}: `{arg}` {dtype!r} is unavailable: {ml_dtypes_needed(dtype)}")
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


def dtype_to_pytype(type_: Any) -> type:
    """Return the Python built-in type whose values a gpuparam dtype holds.

    The pseudo-types map to their Python types: ``list_`` -> ``list``, ``tuple_`` ->
    ``tuple``, ``string`` -> ``str``, ``type_none`` -> ``NoneType``.

    Example:
        >>> import gpuparam
        >>> gpuparam.dtype_to_pytype(gpuparam.float64)
        <class 'float'>
    """
    if isinstance(type_, PseudoType):
        return type_._py
    dtype = check_dtype("dtype_to_pytype", "type_", type_)
    if dtype.name == "bool_":
        return builtins.bool
    if dtype.is_complex:
        return builtins.complex
    return builtins.float if dtype.is_floating_point else builtins.int


_FROM_PYTYPE: dict[type, DType | PseudoType] = {
    builtins.bool: bool_, builtins.int: int64, builtins.float: float32,
    builtins.complex: complex128, builtins.list: list_, builtins.tuple: tuple_,
    builtins.str: string, type(None): type_none}


def pytype_to_dtype(obj: Any) -> DType | PseudoType:
    """Return the gpuparam dtype for a Python type: ``int`` -> Int64, ``float`` -> Float32.

    ``complex`` gives Complex128; ``list``, ``tuple``, ``str`` and ``NoneType`` give the
    pseudo-types ``list_``, ``tuple_``, ``string`` and ``type_none``. A gpuparam dtype
    is returned as it is (as MindSpore does).

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
    raise type_error("pytype_to_dtype", "obj", obj,
                     "one of the Python types bool, int, float, complex, list, tuple, str, NoneType")


def get_py_obj_dtype(obj: Any) -> DType | PseudoType:
    """Return the gpuparam type of a Python object, as ``mindspore.dtype.get_py_obj_dtype``.

    A Tensor (anything with a gpuparam ``dtype``) gives its element dtype (MindSpore
    gives ``Tensor[Float32]``); a Python type gives ``pytype_to_dtype(obj)``; any other
    value gives the type of its Python type.

    Raises:
        TypeError: For an object whose type has no gpuparam type (a dict, a function...).

    Example:
        >>> from gpuparam import dtype as mstype
        >>> print(mstype.get_py_obj_dtype(1), mstype.get_py_obj_dtype([1, 2]))
        Int64 List
    """
    dtype = getattr(obj, "dtype", None)
    if isinstance(dtype, DType) and hasattr(obj, "shape"):
        return dtype
    if isinstance(obj, (DType, PseudoType)):
        return obj
    py_type = obj if isinstance(obj, type) else type(obj)
    if py_type in _FROM_PYTYPE:
        return _FROM_PYTYPE[py_type]
    if issubclass(py_type, np.generic):
        return from_numpy(py_type, "get_py_obj_dtype", "obj")
    raise type_error("get_py_obj_dtype", "obj", obj,
                     "a Tensor, a NumPy scalar, or a bool, int, float, complex, list, tuple, "
                     "str or None (or one of those types)")


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
    ml_source, ml_target = source.name in ML_DTYPE_NAMES, target.name in ML_DTYPE_NAMES
    if ml_target:
        # float8 holds no integer range worth the name; bfloat16 holds every float8.
        return target.name == "bfloat16" and source.name.startswith("float8")
    if ml_source:  # to a NumPy float or complex type
        wider = target.is_floating_point or target.is_complex
        return wider and target.itemsize > source.itemsize
    if target.is_floating_point and not source.is_floating_point and not source.is_complex:
        return True
    return bool(np.can_cast(source.numpy_dtype, target.numpy_dtype, casting="safe"))
