"""MindSpore's ``ops.operations`` path, imported as ``P``: primitive classes.

Example:
    >>> import numpy as np
    >>> from gpuparam import Tensor
    >>> from gpuparam.ops import operations as P
    >>> P.Add()(Tensor(np.ones(2, np.float32)), 1.0).asnumpy()
    array([2., 2.], dtype=float32)
"""

from .._errors import missing_mindspore_name
from ._depend import Depend as Depend
from ._math import (Cast as Cast, Div as Div, Exp as Exp, Log as Log, Neg as Neg,
                    OnesLike as OnesLike, RealDiv as RealDiv, ReduceMean as ReduceMean,
                    ReduceSum as ReduceSum, ReLU as ReLU, Reshape as Reshape, Shape as Shape,
                    Sigmoid as Sigmoid, Sqrt as Sqrt, Square as Square, Tanh as Tanh,
                    Transpose as Transpose, ZerosLike as ZerosLike)
from ._primitives import (Add as Add, Assign as Assign, Conv2D as Conv2D, Conv3D as Conv3D,
                          MatMul as MatMul, Mul as Mul, Sub as Sub)

__all__ = ["Add", "Assign", "Cast", "Conv2D", "Conv3D", "Depend", "Div", "Exp", "Log",
           "MatMul", "Mul", "Neg", "OnesLike", "RealDiv", "ReLU", "ReduceMean", "ReduceSum",
           "Reshape", "Shape", "Sigmoid", "Sqrt", "Square", "Sub", "Tanh", "Transpose",
           "ZerosLike"]


def __getattr__(name: str) -> object:
    # A MindSpore name gpuparam does not provide: say so, and where the list is.
    raise missing_mindspore_name(__name__, name)
