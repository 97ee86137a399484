"""Reference page 003, "Data Type Conversion API": dtype_to_nptype, pytype_to_dtype, dtype_to_pytype.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. Prints the
page's output exactly.
"""
import gpuparam as ms

np_type = ms.dtype_to_nptype(ms.int32)
ms_type = ms.pytype_to_dtype(int)
py_type = ms.dtype_to_pytype(ms.float64)

print(np_type)
print(ms_type)
print(py_type)
