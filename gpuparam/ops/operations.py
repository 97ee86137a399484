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
from ._linalg import MatMul as MatMul
from ._primitives import (Add as Add, Assign as Assign, Conv2D as Conv2D, Conv3D as Conv3D,
                          Mul as Mul, Sub as Sub)

__all__ = ["Add", "Assign", "Cast", "Conv2D", "Conv3D", "Depend", "Div", "Exp", "Log",
           "MatMul", "Mul", "Neg", "OnesLike", "RealDiv", "ReLU", "ReduceMean", "ReduceSum",
           "Reshape", "Shape", "Sigmoid", "Sqrt", "Square", "Sub", "Tanh", "Transpose",
           "ZerosLike"]

# ---- nnfunc (issue 18): primitives ---------------------------------------------------------
from ._activations import (LogSoftmax as LogSoftmax, Softmax as Softmax,  # noqa: E402
                           Softplus as Softplus)
from ._boxes import (BoundingBoxDecode as BoundingBoxDecode,  # noqa: E402
                     BoundingBoxEncode as BoundingBoxEncode, CheckValid as CheckValid,
                     IOU as IOU, NMSWithMask as NMSWithMask,
                     RandomChoiceWithMask as RandomChoiceWithMask)
from ._collective import AllReduce as AllReduce  # noqa: E402
from ._losses import (BinaryCrossEntropy as BinaryCrossEntropy,  # noqa: E402
                      SigmoidCrossEntropyWithLogits as SigmoidCrossEntropyWithLogits,
                      SmoothL1Loss as SmoothL1Loss,
                      SoftmaxCrossEntropyWithLogits as SoftmaxCrossEntropyWithLogits)
from ._nn_functions import (BiasAdd as BiasAdd,  # noqa: E402
                            Conv2DBackpropInput as Conv2DBackpropInput, Dropout as Dropout,
                            L2Normalize as L2Normalize, LayerNorm as LayerNorm, Pad as Pad)
from ._pooling import (AdaptiveAvgPool2D as AdaptiveAvgPool2D, AvgPool as AvgPool,  # noqa: E402
                       MaxPool as MaxPool, MaxPool3D as MaxPool3D,
                       MaxPoolWithArgmax as MaxPoolWithArgmax)
from ._recurrent import DynamicRNN as DynamicRNN, LSTM as LSTM  # noqa: E402
from ._resize import (CropAndResize as CropAndResize, DepthToSpace as DepthToSpace,  # noqa: E402
                      ResizeBilinear as ResizeBilinear,
                      ResizeNearestNeighbor as ResizeNearestNeighbor, ROIAlign as ROIAlign)
from ._training_only import (FloatStatus as FloatStatus,  # noqa: E402
                             NPUAllocFloatStatus as NPUAllocFloatStatus,
                             NPUClearFloatStatus as NPUClearFloatStatus,
                             NPUGetFloatStatus as NPUGetFloatStatus,
                             ScalarSummary as ScalarSummary)
from .primitive import (Primitive as Primitive, PrimitiveWithCheck as PrimitiveWithCheck,  # noqa: E402
                        PrimitiveWithInfer as PrimitiveWithInfer)

__all__ += ["AdaptiveAvgPool2D", "AllReduce", "AvgPool", "BiasAdd", "BinaryCrossEntropy",
            "BoundingBoxDecode", "BoundingBoxEncode", "CheckValid", "Conv2DBackpropInput",
            "CropAndResize", "DepthToSpace", "Dropout", "DynamicRNN", "FloatStatus", "IOU",
            "L2Normalize", "LSTM", "LayerNorm", "LogSoftmax", "MaxPool", "MaxPool3D",
            "MaxPoolWithArgmax", "NMSWithMask", "NPUAllocFloatStatus", "NPUClearFloatStatus",
            "NPUGetFloatStatus", "Pad", "Primitive", "PrimitiveWithCheck", "PrimitiveWithInfer",
            "ROIAlign", "RandomChoiceWithMask", "ResizeBilinear", "ResizeNearestNeighbor",
            "ScalarSummary", "SigmoidCrossEntropyWithLogits", "SmoothL1Loss", "Softmax",
            "SoftmaxCrossEntropyWithLogits", "Softplus"]
# ---- end nnfunc ---------------------------------------------------------------------------


# ops-a (issue 18): creation, joins/splits, shapes, indexing, sorting --------------------
from ._creation import (Eye as Eye, Fill as Fill, LinSpace as LinSpace,  # noqa: E402
                        Meshgrid as Meshgrid, OneHot as OneHot, Ones as Ones,
                        ScalarCast as ScalarCast, ScalarToTensor as ScalarToTensor,
                        TupleToArray as TupleToArray, Zeros as Zeros)
from ._indexing import (Gather as Gather, GatherD as GatherD, GatherNd as GatherNd,  # noqa: E402
                        ScatterNd as ScatterNd, ScatterNdUpdate as ScatterNdUpdate,
                        Select as Select)
from ._joins import (Concat as Concat, Split as Split, Stack as Stack,  # noqa: E402
                     Unstack as Unstack)
from ._shape_ops import (BroadcastTo as BroadcastTo, ExpandDims as ExpandDims,  # noqa: E402
                         Flatten as Flatten, Identity as Identity,
                         ReverseSequence as ReverseSequence, ReverseV2 as ReverseV2,
                         Slice as Slice, Squeeze as Squeeze, StridedSlice as StridedSlice,
                         Tile as Tile, identity as identity)
from ._sorting import (ArgMaxWithValue as ArgMaxWithValue,  # noqa: E402
                       ArgMinWithValue as ArgMinWithValue, Argmax as Argmax, Sort as Sort,
                       TopK as TopK)

__all__ += ["ArgMaxWithValue", "ArgMinWithValue", "Argmax", "BroadcastTo", "Concat",
            "ExpandDims", "Eye", "Fill", "Flatten", "Gather", "GatherD", "GatherNd", "Identity",
            "LinSpace", "Meshgrid", "OneHot", "Ones", "ReverseSequence", "ReverseV2",
            "ScalarCast", "ScalarToTensor", "ScatterNd", "ScatterNdUpdate", "Select", "Slice",
            "Sort", "Split", "Squeeze", "Stack", "StridedSlice", "Tile", "TopK", "TupleToArray",
            "Unstack", "Zeros", "identity"]
# ----------------------------------------------------------------------- end of ops-a


# ---- ew (issue 18): elementwise math, comparisons, logical and dtype ops ----------------
from ._elementwise import (Abs as Abs, AddN as AddN, Atan2 as Atan2, Ceil as Ceil,  # noqa: E402
                           Cos as Cos, Erf as Erf, Floor as Floor, FloorDiv as FloorDiv,
                           FloorMod as FloorMod, IsFinite as IsFinite, IsInf as IsInf,
                           IsNan as IsNan, Maximum as Maximum, Minimum as Minimum,
                           Mod as Mod, Pow as Pow, Reciprocal as Reciprocal, Rint as Rint,
                           Round as Round, Rsqrt as Rsqrt, Sign as Sign, Sin as Sin,
                           Tan as Tan)
from ._comparison import (DType as DType, Equal as Equal, Greater as Greater,  # noqa: E402
                          GreaterEqual as GreaterEqual, Less as Less,
                          LessEqual as LessEqual, LogicalAnd as LogicalAnd,
                          LogicalNot as LogicalNot, LogicalOr as LogicalOr,
                          LogicalXor as LogicalXor, NotEqual as NotEqual, Print as Print)

__all__ += ["Abs", "AddN", "Atan2", "Ceil", "Cos", "DType", "Equal", "Erf", "Floor",
           "FloorDiv", "FloorMod", "Greater", "GreaterEqual", "IsFinite", "IsInf", "IsNan",
           "Less", "LessEqual", "LogicalAnd", "LogicalNot", "LogicalOr", "LogicalXor",
           "Maximum", "Minimum", "Mod", "NotEqual", "Pow", "Print", "Reciprocal", "Rint",
           "Round", "Rsqrt", "Sign", "Sin", "Tan"]
# ---- end ew -------------------------------------------------------------------------------

# ---- ops ---- (issue 18): matrix products, norms, reductions, running sums, random draws
from ._linalg import BatchMatMul as BatchMatMul, LpNorm as LpNorm  # noqa: E402
from ._random_ops import (StandardNormal as StandardNormal,  # noqa: E402
                          UniformInt as UniformInt, UniformReal as UniformReal)
from ._reductions import (AssignAdd as AssignAdd, CumSum as CumSum,  # noqa: E402
                          ReduceAll as ReduceAll, ReduceAny as ReduceAny,
                          ReduceMax as ReduceMax, ReduceMin as ReduceMin,
                          ReduceProd as ReduceProd)

__all__ += ["AssignAdd", "BatchMatMul", "CumSum", "LpNorm", "ReduceAll", "ReduceAny",
            "ReduceMax", "ReduceMin", "ReduceProd", "StandardNormal", "UniformInt",
            "UniformReal"]
# ---- end ops ----


def __getattr__(name: str) -> object:
    # A MindSpore name gpuparam does not provide: say so, and where the list is.
    raise missing_mindspore_name(__name__, name)
