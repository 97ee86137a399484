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
from .common.tensor import tensor as tensor  # noqa: E402  (ops-a, issue 18: mindspore.tensor)
from .context import GRAPH_MODE as GRAPH_MODE, PYNATIVE_MODE as PYNATIVE_MODE  # noqa: E402
from .context import get_context as get_context, set_context as set_context  # noqa: E402
from . import train as train  # noqa: E402  (beside nn: checkpoints)
from . import numpy as numpy  # noqa: E402  (ops-a: mindspore.numpy's path; not in __all__)
from .train import (load_checkpoint as load_checkpoint,  # noqa: E402
                    load_param_into_net as load_param_into_net, save_checkpoint as save_checkpoint)
from .train import (ckpt_to_safetensors as ckpt_to_safetensors,  # noqa: E402
                    load_checkpoint_async as load_checkpoint_async,
                    safetensors_to_ckpt as safetensors_to_ckpt)

__version__ = "0.1.0"

from ._dtype import bfloat16 as _bfloat16

if _bfloat16 is not None:  # only where ml_dtypes gives NumPy a bfloat16 type
    bfloat16 = _bfloat16
    float8_e4m3fn = dtype.float8_e4m3fn
    float8_e5m2 = dtype.float8_e5m2


def __getattr__(name: str) -> object:
    # bfloat16 without ml_dtypes: which extra provides it. Any other MindSpore name
    # gpuparam lacks: the porting hint (also for `from gpuparam import name`).
    from ._errors import missing_bfloat16, missing_mindspore_name
    if name == "bfloat16":
        raise missing_bfloat16(__name__)
    raise missing_mindspore_name(__name__, name)
from ._dtype import complex64 as complex64, complex128 as complex128  # noqa: E402

from_dlpack = Tensor.from_dlpack
from_numpy = Tensor.from_numpy

# ---- nnfunc (issue 18): MindSpore's paths for graph helpers, logging, validators ---------
from . import _c_expression as _c_expression, _checkparam as _checkparam, log as log  # noqa: E402
from ._missing_modules import install as _install_missing_module_hint  # noqa: E402
from .context import (ParallelMode as ParallelMode,  # noqa: E402
                      get_auto_parallel_context as get_auto_parallel_context,
                      reset_auto_parallel_context as reset_auto_parallel_context,
                      set_auto_parallel_context as set_auto_parallel_context)
from .ops import jit as jit  # noqa: E402

_install_missing_module_hint()
# ---- end nnfunc ---------------------------------------------------------------------------

__all__ = ["Parameter", "ParameterTuple", "Tensor", "common", "context", "nn", "ops", "bool_", "dtype", "dtype_to_nptype", "dtype_to_pytype", "float16",
           "float32", "float64", "from_dlpack", "get_context", "get_seed", "int16",
           "int32", "int64", "int8", "pytype_to_dtype", "set_context", "set_seed", "stream",
           "uint16", "uint32", "uint64", "uint8"]
__all__ += ["GRAPH_MODE", "PYNATIVE_MODE"]
__all__ += ["complex64", "complex128", "from_numpy"]
__all__ += ["train", "save_checkpoint", "load_checkpoint", "load_param_into_net"]
__all__ += ["tensor"]  # ops-a (issue 18)
__all__ += ["ParallelMode", "get_auto_parallel_context", "jit", "log",
            "reset_auto_parallel_context", "set_auto_parallel_context"]
__all__ += ["ckpt_to_safetensors", "load_checkpoint_async", "safetensors_to_ckpt"]

# ---- api (issue 19): MindSpore 2.x's top-level is_tensor and pseudo-type dtypes ----------
from ._dtype import list_ as list_, string as string, tuple_ as tuple_  # noqa: E402
from ._dtype import type_none as type_none  # noqa: E402


def is_tensor(obj: object) -> bool:
    """Return whether ``obj`` is a ``gpuparam.Tensor`` (a Parameter is one), as
    ``mindspore.is_tensor``.

    Example:
        >>> import gpuparam
        >>> gpuparam.is_tensor(gpuparam.Tensor([1.0])), gpuparam.is_tensor([1.0])
        (True, False)
    """
    return isinstance(obj, Tensor)


__all__ += ["is_tensor", "list_", "string", "tuple_", "type_none"]
# ---- end api ------------------------------------------------------------------------------
