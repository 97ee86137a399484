"""Operations on Tensors: convolution primitives, ``depend``, ``Assign`` and arithmetic.

Example:
    >>> import numpy as np
    >>> from gpuparam import Tensor, ops
    >>> x = Tensor(np.ones((1, 1, 4, 4), np.float32))
    >>> w = Tensor(np.ones((2, 1, 3, 3), np.float32))
    >>> ops.Conv2D(out_channel=2, kernel_size=3)(x, w).shape
    (1, 2, 2, 2)
"""

from .._errors import missing_mindspore_name
from ._conv import available_conv_backends as available_conv_backends
from ._conv import conv_backend_for as conv_backend_for
from ._conv import conv_nd as conv_nd
from ._depend import Depend as Depend, depend as depend
from ._primitives import (Add as Add, Assign as Assign, Conv2D as Conv2D, Conv3D as Conv3D,
                          MatMul as MatMul, Mul as Mul, Sub as Sub)

__all__ = ["Add", "Assign", "Conv2D", "Conv3D", "Depend", "MatMul", "Mul", "Sub",
           "available_conv_backends", "conv_backend_for", "conv_nd", "depend"]

# MindSpore's import paths `ops.operations` (P) and `ops.functional` (F), and their names.
from . import functional as functional, operations as operations  # noqa: E402
from ._math import (Cast as Cast, Div as Div, Exp as Exp, Log as Log, Neg as Neg,  # noqa: E402
                    OnesLike as OnesLike, RealDiv as RealDiv, ReduceMean as ReduceMean,
                    ReduceSum as ReduceSum, ReLU as ReLU, Reshape as Reshape, Shape as Shape,
                    Sigmoid as Sigmoid, Sqrt as Sqrt, Square as Square, Tanh as Tanh,
                    Transpose as Transpose, ZerosLike as ZerosLike)
from .functional import (add as add, assign as assign, cast as cast, div as div,  # noqa: E402
                         exp as exp, log as log, matmul as matmul, mul as mul, neg as neg,
                         ones_like as ones_like, relu as relu, reshape as reshape,
                         shape as shape, sigmoid as sigmoid, sqrt as sqrt, square as square,
                         sub as sub, tanh as tanh, transpose as transpose,
                         zeros_like as zeros_like)

__all__ += ["Cast", "Div", "Exp", "Log", "Neg", "OnesLike", "RealDiv", "ReLU", "ReduceMean",
            "ReduceSum", "Reshape", "Shape", "Sigmoid", "Sqrt", "Square", "Tanh", "Transpose",
            "ZerosLike", "add", "assign", "cast", "div", "exp", "functional", "log", "matmul",
            "mul", "neg", "ones_like", "operations", "relu", "reshape", "shape", "sigmoid",
            "sqrt", "square", "sub", "tanh", "transpose", "zeros_like"]


def __getattr__(name: str) -> object:
    # A MindSpore name gpuparam does not provide: say so, and where the list is.
    raise missing_mindspore_name(__name__, name)
