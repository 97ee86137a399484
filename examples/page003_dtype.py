"""Reference page 003, "dtype": print a dtype.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. Prints ``Int32``.
"""
import gpuparam as ms
data_type = ms.int32
print(data_type)
