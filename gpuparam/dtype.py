"""gpuparam's data types, used as MindSpore's ``mindspore.dtype`` (``mstype``).

Example:
    >>> from gpuparam import dtype as mstype
    >>> print(mstype.float32, mstype.uint8, mstype.bool_)
    Float32 UInt8 Bool
"""

from ._dtype import (PseudoType as PseudoType, complex64 as complex64,
                     complex128 as complex128, float8_e4m3fn as float8_e4m3fn,
                     float8_e5m2 as float8_e5m2, get_py_obj_dtype as get_py_obj_dtype,
                     list_ as list_, string as string, tuple_ as tuple_,
                     type_none as type_none)
from ._dtype import (ALL_DTYPES as ALL_DTYPES, DType as DType, bfloat16 as bfloat16,
                     bool_ as bool_, double as double, dtype_to_nptype as dtype_to_nptype,
                     dtype_to_pytype as dtype_to_pytype, float16 as float16,
                     float32 as float32, float64 as float64, from_numpy as from_numpy,
                     half as half, int8 as int8, int16 as int16, int32 as int32,
                     int64 as int64, int_ as int_, pytype_to_dtype as pytype_to_dtype,
                     single as single, uint as uint, uint8 as uint8, uint16 as uint16,
                     uint32 as uint32, uint64 as uint64)

__all__ = ["ALL_DTYPES", "DType", "bfloat16", "bool_", "double", "dtype_to_nptype",
           "dtype_to_pytype", "float16", "float32", "float64", "from_numpy", "half", "int8",
           "int16", "int32", "int64", "int_", "pytype_to_dtype", "single", "uint", "uint8",
           "uint16", "uint32", "uint64", "PseudoType", "complex64", "complex128",
           "float8_e4m3fn", "float8_e5m2", "get_py_obj_dtype", "list_", "string", "tuple_",
           "type_none"]
