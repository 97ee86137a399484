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
from ._linalg import MatMul as MatMul
from ._primitives import (Add as Add, Assign as Assign, Conv2D as Conv2D, Conv3D as Conv3D,
                          Mul as Mul, Sub as Sub)

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

# ---- nnfunc (issue 18): nn functions, losses, pooling/resize/detection, graph helpers ----
from . import composite as composite, function as function, primitive as primitive  # noqa: E402
from ._activations import (LogSoftmax as LogSoftmax, Softmax as Softmax,  # noqa: E402
                           Softplus as Softplus, gelu as gelu, log_softmax as log_softmax,
                           silu as silu, softmax as softmax, softplus as softplus)
from ._boxes import (BoundingBoxDecode as BoundingBoxDecode,  # noqa: E402
                     BoundingBoxEncode as BoundingBoxEncode, CheckValid as CheckValid,
                     IOU as IOU, NMSWithMask as NMSWithMask,
                     RandomChoiceWithMask as RandomChoiceWithMask)
from ._collective import AllReduce as AllReduce  # noqa: E402
from ._graph import (HyperMap as HyperMap, Map as Map,  # noqa: E402
                     MultitypeFuncGraph as MultitypeFuncGraph, add_flags as add_flags,
                     jit as jit, partial as partial, stop_gradient as stop_gradient)
from ._losses import (BinaryCrossEntropy as BinaryCrossEntropy,  # noqa: E402
                      SigmoidCrossEntropyWithLogits as SigmoidCrossEntropyWithLogits,
                      SmoothL1Loss as SmoothL1Loss,
                      SoftmaxCrossEntropyWithLogits as SoftmaxCrossEntropyWithLogits,
                      binary_cross_entropy as binary_cross_entropy,
                      binary_cross_entropy_with_logits as binary_cross_entropy_with_logits,
                      cross_entropy as cross_entropy, l1_loss as l1_loss, mse_loss as mse_loss,
                      smooth_l1_loss as smooth_l1_loss)
from ._nn_functions import (BiasAdd as BiasAdd,  # noqa: E402
                            Conv2DBackpropInput as Conv2DBackpropInput, Dropout as Dropout,
                            L2Normalize as L2Normalize, LayerNorm as LayerNorm, Pad as Pad,
                            bias_add as bias_add, conv2d as conv2d, dense as dense,
                            dropout as dropout, pad as pad)
from ._pooling import (AdaptiveAvgPool2D as AdaptiveAvgPool2D, AvgPool as AvgPool,  # noqa: E402
                       MaxPool as MaxPool, MaxPool3D as MaxPool3D,
                       MaxPoolWithArgmax as MaxPoolWithArgmax)
from ._recurrent import DynamicRNN as DynamicRNN, LSTM as LSTM  # noqa: E402
from ._resize import (CropAndResize as CropAndResize, DepthToSpace as DepthToSpace,  # noqa: E402
                      ResizeBilinear as ResizeBilinear,
                      ResizeNearestNeighbor as ResizeNearestNeighbor, ROIAlign as ROIAlign,
                      interpolate as interpolate)
from ._training_only import (FloatStatus as FloatStatus,  # noqa: E402
                             GradOperation as GradOperation,
                             NPUAllocFloatStatus as NPUAllocFloatStatus,
                             NPUClearFloatStatus as NPUClearFloatStatus,
                             NPUGetFloatStatus as NPUGetFloatStatus,
                             ScalarSummary as ScalarSummary,
                             clip_by_global_norm as clip_by_global_norm)
from .primitive import (Primitive as Primitive, PrimitiveWithCheck as PrimitiveWithCheck,  # noqa: E402
                        PrimitiveWithInfer as PrimitiveWithInfer, constexpr as constexpr,
                        prim_attr_register as prim_attr_register)

__all__ += ["AllReduce", "BinaryCrossEntropy", "FloatStatus", "GradOperation", "HyperMap",
            "LogSoftmax", "Map", "MultitypeFuncGraph", "NPUAllocFloatStatus",
            "NPUClearFloatStatus", "NPUGetFloatStatus", "Primitive", "PrimitiveWithCheck",
            "PrimitiveWithInfer", "ScalarSummary", "SigmoidCrossEntropyWithLogits",
            "SmoothL1Loss", "Softmax", "SoftmaxCrossEntropyWithLogits", "Softplus",
            "add_flags", "binary_cross_entropy", "binary_cross_entropy_with_logits",
            "clip_by_global_norm", "composite", "constexpr", "cross_entropy", "function",
            "gelu", "jit", "l1_loss", "log_softmax", "mse_loss", "partial",
            "prim_attr_register", "primitive", "silu", "smooth_l1_loss", "softmax",
            "softplus", "stop_gradient"]
__all__ += ["AdaptiveAvgPool2D", "AvgPool", "BiasAdd", "BoundingBoxDecode", "BoundingBoxEncode",
            "CheckValid", "Conv2DBackpropInput", "CropAndResize", "DepthToSpace", "Dropout",
            "DynamicRNN", "IOU", "L2Normalize", "LSTM", "LayerNorm", "MaxPool", "MaxPool3D",
            "MaxPoolWithArgmax", "NMSWithMask", "Pad", "ROIAlign", "RandomChoiceWithMask",
            "ResizeBilinear", "ResizeNearestNeighbor", "bias_add", "conv2d", "dense", "dropout",
            "interpolate", "pad"]
# ---- end nnfunc ---------------------------------------------------------------------------


# ops-a (issue 18): creation, joins/splits, shapes, indexing, sorting --------------------
from ._creation import (Eye as Eye, Fill as Fill, LinSpace as LinSpace,  # noqa: E402
                        Meshgrid as Meshgrid, OneHot as OneHot, Ones as Ones,
                        ScalarCast as ScalarCast, ScalarToTensor as ScalarToTensor,
                        TupleToArray as TupleToArray, Zeros as Zeros, arange as arange,
                        eye as eye, fill as fill, full as full, full_like as full_like,
                        linspace as linspace, make_range as make_range, meshgrid as meshgrid,
                        one_hot as one_hot, ones as ones, range as range,
                        scalar_to_tensor as scalar_to_tensor, tril as tril, triu as triu,
                        tuple_to_array as tuple_to_array, zeros as zeros)
from ._indexing import (Gather as Gather, GatherD as GatherD, GatherNd as GatherNd,  # noqa: E402
                        ScatterNd as ScatterNd, ScatterNdUpdate as ScatterNdUpdate,
                        Select as Select, gather as gather, gather_elements as gather_elements,
                        masked_fill as masked_fill, nonzero as nonzero, select as select,
                        where as where)
from ._joins import (Concat as Concat, Split as Split, Stack as Stack,  # noqa: E402
                     Unstack as Unstack, cat as cat, chunk as chunk, concat as concat,
                     split as split, stack as stack, tensor_split as tensor_split)
from ._shape_ops import (BroadcastTo as BroadcastTo, ExpandDims as ExpandDims,  # noqa: E402
                         Flatten as Flatten, Identity as Identity,
                         ReverseSequence as ReverseSequence, ReverseV2 as ReverseV2,
                         Slice as Slice, Squeeze as Squeeze, StridedSlice as StridedSlice,
                         Tile as Tile, broadcast_to as broadcast_to, expand_dims as expand_dims,
                         flatten as flatten, identity as identity,
                         repeat_elements as repeat_elements,
                         repeat_interleave as repeat_interleave, roll as roll,
                         squeeze as squeeze, swapaxes as swapaxes, tile as tile,
                         unfold as unfold)
from ._sorting import (ArgMaxWithValue as ArgMaxWithValue,  # noqa: E402
                       ArgMinWithValue as ArgMinWithValue, Argmax as Argmax, Sort as Sort,
                       TopK as TopK, argmax as argmax, topk as topk,
                       unique_consecutive as unique_consecutive)

__all__ += ["ArgMaxWithValue", "ArgMinWithValue", "Argmax", "BroadcastTo", "Concat",
            "ExpandDims", "Eye", "Fill", "Flatten", "Gather", "GatherD", "GatherNd", "Identity",
            "LinSpace", "Meshgrid", "OneHot", "Ones", "ReverseSequence", "ReverseV2",
            "ScalarCast", "ScalarToTensor", "ScatterNd", "ScatterNdUpdate", "Select", "Slice",
            "Sort", "Split", "Squeeze", "Stack", "StridedSlice", "Tile", "TopK", "TupleToArray",
            "Unstack", "Zeros", "arange", "argmax", "broadcast_to", "cat", "chunk", "concat",
            "expand_dims", "eye", "fill", "flatten", "full", "full_like", "gather",
            "gather_elements", "identity", "linspace", "make_range", "masked_fill", "meshgrid",
            "nonzero", "one_hot", "ones", "range", "repeat_elements", "repeat_interleave",
            "roll", "scalar_to_tensor", "select", "split", "squeeze", "stack", "swapaxes",
            "tensor_split", "tile", "topk", "tril", "triu", "tuple_to_array", "unfold",
            "unique_consecutive", "where", "zeros"]
# ----------------------------------------------------------------------- end of ops-a


# ---- ew (issue 18): elementwise math, comparisons, logical and dtype ops ----------------
from ._elementwise import (Abs as Abs, AddN as AddN, Atan2 as Atan2, Ceil as Ceil,  # noqa: E402
                           Cos as Cos, Erf as Erf, Floor as Floor, FloorDiv as FloorDiv,
                           FloorMod as FloorMod, IsFinite as IsFinite, IsInf as IsInf,
                           IsNan as IsNan, Maximum as Maximum, Minimum as Minimum,
                           Mod as Mod, Pow as Pow, Reciprocal as Reciprocal, Rint as Rint,
                           Round as Round, Rsqrt as Rsqrt, Sign as Sign, Sin as Sin,
                           Tan as Tan, abs as abs, addn as addn, atan2 as atan2,
                           ceil as ceil, clamp as clamp, clip as clip,
                           clip_by_value as clip_by_value, cos as cos, erf as erf,
                           floor as floor, floor_div as floor_div,
                           floor_divide as floor_divide, floor_mod as floor_mod,
                           isfinite as isfinite, isinf as isinf, isnan as isnan,
                           maximum as maximum, minimum as minimum, pow as pow,
                           reciprocal as reciprocal, remainder as remainder,
                           round as round, rsqrt as rsqrt, sign as sign, sin as sin,
                           tan as tan, tensor_add as tensor_add)
from ._comparison import (DType as DType, Equal as Equal, Greater as Greater,  # noqa: E402
                          GreaterEqual as GreaterEqual, Less as Less,
                          LessEqual as LessEqual, LogicalAnd as LogicalAnd,
                          LogicalNot as LogicalNot, LogicalOr as LogicalOr,
                          LogicalXor as LogicalXor, NotEqual as NotEqual, Print as Print,
                          dtype as dtype, eq as eq, equal as equal, ge as ge,
                          greater as greater, greater_equal as greater_equal, gt as gt,
                          is_floating_point as is_floating_point, le as le, less as less,
                          less_equal as less_equal, logical_and as logical_and,
                          logical_not as logical_not, logical_or as logical_or,
                          logical_xor as logical_xor, lt as lt, ne as ne,
                          not_equal as not_equal)

__all__ += ["Abs", "AddN", "Atan2", "Ceil", "Cos", "DType", "Equal", "Erf", "Floor",
           "FloorDiv", "FloorMod", "Greater", "GreaterEqual", "IsFinite", "IsInf", "IsNan",
           "Less", "LessEqual", "LogicalAnd", "LogicalNot", "LogicalOr", "LogicalXor",
           "Maximum", "Minimum", "Mod", "NotEqual", "Pow", "Print", "Reciprocal", "Rint",
           "Round", "Rsqrt", "Sign", "Sin", "Tan", "abs", "addn", "atan2", "ceil", "clamp",
           "clip", "clip_by_value", "cos", "dtype", "eq", "equal", "erf", "floor",
           "floor_div", "floor_divide", "floor_mod", "ge", "greater", "greater_equal", "gt",
           "is_floating_point", "isfinite", "isinf", "isnan", "le", "less", "less_equal",
           "logical_and", "logical_not", "logical_or", "logical_xor", "lt", "maximum",
           "minimum", "ne", "not_equal", "pow", "reciprocal", "remainder", "round", "rsqrt",
           "sign", "sin", "tan", "tensor_add"]
# ---- end ew -------------------------------------------------------------------------------

# ---- ops ---- (issue 18): matrix products, norms, reductions, running sums, random draws
from ._linalg import (BatchMatMul as BatchMatMul, LpNorm as LpNorm, bmm as bmm,  # noqa: E402
                      einsum as einsum, norm as norm, outer as outer)
from ._random_ops import (StandardNormal as StandardNormal,  # noqa: E402
                          UniformInt as UniformInt, UniformReal as UniformReal,
                          multinomial as multinomial, normal as normal, rand as rand,
                          randint as randint, randn as randn, uniform as uniform)
from ._reductions import (AssignAdd as AssignAdd, CumSum as CumSum,  # noqa: E402
                          ReduceAll as ReduceAll, ReduceAny as ReduceAny,
                          ReduceMax as ReduceMax, ReduceMin as ReduceMin,
                          ReduceProd as ReduceProd, all as all, any as any,
                          assign_add as assign_add, cumsum as cumsum, max as max, mean as mean,
                          min as min, prod as prod, sum as sum)

__all__ += ["AssignAdd", "BatchMatMul", "CumSum", "LpNorm", "ReduceAll", "ReduceAny",
            "ReduceMax", "ReduceMin", "ReduceProd", "StandardNormal", "UniformInt",
            "UniformReal", "all", "any", "assign_add", "bmm", "cumsum", "einsum", "max",
            "mean", "min", "multinomial", "norm", "normal", "outer", "prod", "rand", "randint",
            "randn", "sum", "uniform"]
# ---- end ops ----

# ---- norms (issue 18): functional batch normalization ----------------------------------------
from ._batch_norm import batch_norm as batch_norm  # noqa: E402

__all__ += ["batch_norm"]
# ---- end norms ------------------------------------------------------------------------------


def __getattr__(name: str) -> object:
    # A MindSpore name gpuparam does not provide: say so, and where the list is.
    raise missing_mindspore_name(__name__, name)
