"""gpuparam: neural-network parameters on NVIDIA GPUs, with MindSpore's parameter API.

Replace the word ``mindspore`` with ``gpuparam`` in a script written against
MindSpore's ``Tensor``/``Parameter``/initializer API and it runs on CuPy (GPU) or NumPy.
"""

from __future__ import annotations

from . import dtype as dtype
from ._backend import stream as stream
from ._dtype import (bool_ as bool_, dtype_to_nptype as dtype_to_nptype,
                     dtype_to_pytype as dtype_to_pytype, float16 as float16,
                     float32 as float32, float64 as float64, int8 as int8, int16 as int16,
                     int32 as int32, int64 as int64, pytype_to_dtype as pytype_to_dtype,
                     uint8 as uint8, uint16 as uint16, uint32 as uint32, uint64 as uint64)
from ._parameter import Parameter as Parameter, ParameterTuple as ParameterTuple
from ._random import get_seed as get_seed, set_seed as set_seed
from ._tensor import Tensor as Tensor

from . import common as common, context as context, nn as nn, ops as ops  # noqa: E402  (need the layers above)
from .context import GRAPH_MODE as GRAPH_MODE, PYNATIVE_MODE as PYNATIVE_MODE  # noqa: E402
from .context import get_context as get_context, set_context as set_context  # noqa: E402
from . import train as train  # noqa: E402  (beside nn: checkpoints)
from .train import (load_checkpoint as load_checkpoint,  # noqa: E402
                    load_param_into_net as load_param_into_net, save_checkpoint as save_checkpoint)

__version__ = "0.1.0"

from ._dtype import bfloat16 as _bfloat16

if _bfloat16 is not None:  # only where ml_dtypes gives NumPy a bfloat16 type
    bfloat16 = _bfloat16
    float8_e4m3fn = dtype.float8_e4m3fn
    float8_e5m2 = dtype.float8_e5m2
else:
    def __getattr__(name: str) -> object:  # says which extra provides bfloat16
        from ._errors import missing_bfloat16
        if name == "bfloat16":
            raise missing_bfloat16(__name__)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
from ._dtype import complex64 as complex64, complex128 as complex128  # noqa: E402

from_dlpack = Tensor.from_dlpack
from_numpy = Tensor.from_numpy

__all__ = ["Parameter", "ParameterTuple", "Tensor", "common", "context", "nn", "ops", "bool_", "dtype", "dtype_to_nptype", "dtype_to_pytype", "float16",
           "float32", "float64", "from_dlpack", "get_context", "get_seed", "int16",
           "int32", "int64", "int8", "pytype_to_dtype", "set_context", "set_seed", "stream",
           "uint16", "uint32", "uint64", "uint8"]
__all__ += ["GRAPH_MODE", "PYNATIVE_MODE"]
__all__ += ["complex64", "complex128", "from_numpy"]
__all__ += ["train", "save_checkpoint", "load_checkpoint", "load_param_into_net"]
