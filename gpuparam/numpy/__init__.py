"""``mindspore.numpy``'s import path: NumPy's interface over gpuparam Tensors.

``import gpuparam.numpy as mnp`` gives the functions MindSpore model files call
(``mnp.zeros``, ``mnp.arange``, ``mnp.concatenate``, ``mnp.where``, ...), each a front over
the same array functions ``gpuparam.ops`` uses, with ``mindspore.numpy``'s dtype rules:
a Python int is Int32, a float Float32; creation defaults to Float32; joins promote.
A name ``mindspore.numpy`` has that gpuparam lacks says so (``AttributeError`` with the
porting hint).

Example:
    >>> import gpuparam.numpy as mnp
    >>> x = mnp.arange(6).reshape(2, 3)
    >>> x.dtype, mnp.concatenate((x, mnp.zeros((2, 1), mnp.int32)), axis=1).shape
    (gpuparam.int32, (2, 4))
"""

from math import inf as inf, nan as nan, pi as pi

from .._dtype import (bool_ as bool_, float16 as float16, float32 as float32,
                      float64 as float64, int8 as int8, int16 as int16, int32 as int32,
                      int64 as int64, uint8 as uint8, uint16 as uint16, uint32 as uint32,
                      uint64 as uint64)
from .._errors import missing_mindspore_name
from ._creation import (arange as arange, array as array, asarray as asarray, copy as copy,
                        empty as empty, eye as eye, full as full, meshgrid as meshgrid,
                        ones as ones, ones_like as ones_like, tril as tril, triu as triu,
                        zeros as zeros, zeros_like as zeros_like)
from ._manipulation import (array_split as array_split, broadcast_to as broadcast_to,
                            concatenate as concatenate, expand_dims as expand_dims,
                            flip as flip, pad as pad, ravel as ravel, reshape as reshape,
                            roll as roll, split as split, squeeze as squeeze, stack as stack,
                            tile as tile, transpose as transpose, where as where)
from ._math import (amax as amax, argmax as argmax, matmul as matmul, mean as mean,
                    norm as norm, sqrt as sqrt, sum as sum)

# mindspore.numpy's own aliases (not gpuparam.dtype's: there int_ is Int64).
int_ = int32
float_ = float32
uint = uint32

__all__ = ["amax", "arange", "argmax", "array", "array_split", "asarray", "bool_",
           "broadcast_to", "concatenate", "copy", "empty", "expand_dims", "eye", "flip",
           "float16", "float32", "float64", "float_", "full", "inf", "int16", "int32",
           "int64", "int8", "int_", "matmul", "mean", "meshgrid", "nan", "norm", "ones",
           "ones_like", "pad", "pi", "ravel", "reshape", "roll", "split", "sqrt", "squeeze",
           "stack", "sum", "tile", "transpose", "tril", "triu", "uint", "uint16", "uint32",
           "uint64", "uint8", "where", "zeros", "zeros_like"]


def __getattr__(name: str) -> object:
    # A mindspore.numpy name gpuparam does not provide: say so, and where the list is.
    raise missing_mindspore_name(__name__, name)
