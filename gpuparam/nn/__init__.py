"""Cells (layers) with MindSpore's parameter registration: ``Cell``, ``Conv2d``, ``Dense``, ..."""

from .._errors import missing_mindspore_name
from . import utils as utils
from ._activation import ReLU as ReLU, Sigmoid as Sigmoid, Softmax as Softmax, Tanh as Tanh
from ._cell import Cell as Cell
from ._containers import (CellDict as CellDict, CellList as CellList,
                          SequentialCell as SequentialCell)
from ._basic import (Dropout as Dropout, Embedding as Embedding, Flatten as Flatten,
                     ParameterUpdate as ParameterUpdate)
from ._conv import (Conv1d as Conv1d, Conv2d as Conv2d, Conv2dTranspose as Conv2dTranspose,
                    Conv3d as Conv3d, Conv3dTranspose as Conv3dTranspose)
from ._dense import Dense as Dense
from ._normalization import (BatchNorm1d as BatchNorm1d, BatchNorm2d as BatchNorm2d,
                             LayerNorm as LayerNorm)
from ._pooling import AvgPool2d as AvgPool2d, MaxPool2d as MaxPool2d

__all__ = ["Cell", "CellDict", "CellList", "Conv2d", "Conv3d", "Dense", "ParameterUpdate", "ReLU",
           "SequentialCell", "Sigmoid", "Softmax", "Tanh"]
__all__ += ["AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Conv1d", "Conv2dTranspose",
            "Conv3dTranspose", "Dropout", "Embedding", "Flatten", "LayerNorm", "MaxPool2d",
            "utils"]


# ---- nnfunc (issue 18): losses, learning-rate schedules, training-only cells ---------------
from . import learning_rate_schedule as learning_rate_schedule  # noqa: E402
from . import loss as loss, optim as optim, wrap as wrap  # noqa: E402
from ._loss import (BCEWithLogitsLoss as BCEWithLogitsLoss,  # noqa: E402
                    CrossEntropyLoss as CrossEntropyLoss, L1Loss as L1Loss, LossBase as LossBase,
                    MSELoss as MSELoss, SmoothL1Loss as SmoothL1Loss,
                    SoftmaxCrossEntropyWithLogits as SoftmaxCrossEntropyWithLogits)
from ._training import (Adam as Adam, DistributedGradReducer as DistributedGradReducer,  # noqa: E402
                        Momentum as Momentum, Optimizer as Optimizer,
                        TrainOneStepCell as TrainOneStepCell,
                        TrainOneStepWithLossScaleCell as TrainOneStepWithLossScaleCell)
from .learning_rate_schedule import (LearningRateSchedule as LearningRateSchedule,  # noqa: E402
                                     PolynomialDecayLR as PolynomialDecayLR, WarmUpLR as WarmUpLR)

__all__ += ["Adam", "BCEWithLogitsLoss", "CrossEntropyLoss", "DistributedGradReducer", "L1Loss",
            "LearningRateSchedule", "LossBase", "MSELoss", "Momentum", "Optimizer",
            "PolynomialDecayLR", "SmoothL1Loss", "SoftmaxCrossEntropyWithLogits",
            "TrainOneStepCell", "TrainOneStepWithLossScaleCell", "WarmUpLR",
            "learning_rate_schedule", "loss", "optim", "wrap"]
# ---- end nnfunc ---------------------------------------------------------------------------


# ---- act (issue 18): activations, padding, small parameter-free layers --------------------
from ._activation import (CELU as CELU, ELU as ELU, FastGelu as FastGelu,  # noqa: E402
                          GELU as GELU, HShrink as HShrink, HSigmoid as HSigmoid,
                          HSwish as HSwish, Hardtanh as Hardtanh, LeakyReLU as LeakyReLU,
                          LogSigmoid as LogSigmoid, LogSoftmax as LogSoftmax,
                          LogSoftmaxExt as LogSoftmaxExt, Mish as Mish, ReLU6 as ReLU6,
                          SeLU as SeLU, SiLU as SiLU, SoftShrink as SoftShrink,
                          Softmax2d as Softmax2d, Softmin as Softmin, Softsign as Softsign,
                          Tanhshrink as Tanhshrink, Threshold as Threshold)
from ._activation_lookup import (PReLU as PReLU, PReLUExt as PReLUExt,  # noqa: E402
                                 get_activation as get_activation)
from ._basic import ClipByNorm as ClipByNorm, Identity as Identity, MatMul as MatMul  # noqa: E402
from ._image import (CentralCrop as CentralCrop, ResizeBilinear as ResizeBilinear,  # noqa: E402
                     Unfold as Unfold)
from ._padding import (ConstantPad1d as ConstantPad1d, ConstantPad2d as ConstantPad2d,  # noqa: E402
                       ConstantPad3d as ConstantPad3d, Pad as Pad,
                       ReflectionPad1d as ReflectionPad1d, ReflectionPad2d as ReflectionPad2d,
                       ReflectionPad3d as ReflectionPad3d, ReplicationPad1d as ReplicationPad1d,
                       ReplicationPad2d as ReplicationPad2d,
                       ReplicationPad3d as ReplicationPad3d, ZeroPad2d as ZeroPad2d)

__all__ += ["CELU", "CentralCrop", "ClipByNorm", "ConstantPad1d", "ConstantPad2d",
            "ConstantPad3d", "ELU", "FastGelu", "GELU", "HShrink", "HSigmoid", "HSwish",
            "Hardtanh", "Identity", "LeakyReLU", "LogSigmoid", "LogSoftmax", "LogSoftmaxExt",
            "MatMul", "Mish", "PReLU", "PReLUExt", "Pad", "ReLU6", "ReflectionPad1d",
            "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
            "ReplicationPad3d", "ResizeBilinear", "SeLU", "SiLU", "SoftShrink", "Softmax2d",
            "Softmin", "Softsign", "Tanhshrink", "Threshold", "Unfold", "ZeroPad2d",
            "get_activation"]
# ---- end act ------------------------------------------------------------------------------

# ---- rnn (issue 18): recurrent layers and cells -------------------------------------------
from ._recurrent import GRU as GRU, LSTM as LSTM, RNN as RNN  # noqa: E402
from ._recurrent_cells import (GRUCell as GRUCell, LSTMCell as LSTMCell,  # noqa: E402
                               RNNCell as RNNCell)

__all__ += ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNCell"]
# ---- end rnn ------------------------------------------------------------------------------

# ---- norms (issue 18): normalization, pooling and convolution gaps, nn.layer ----------------
from ._combined import Conv2dBnAct as Conv2dBnAct, DenseBnAct as DenseBnAct  # noqa: E402
from ._conv import Conv1dTranspose as Conv1dTranspose  # noqa: E402
from ._norm_groups import (GroupNorm as GroupNorm, InstanceNorm1d as InstanceNorm1d,  # noqa: E402
                           InstanceNorm2d as InstanceNorm2d, InstanceNorm3d as InstanceNorm3d)
from ._normalization import (BatchNorm3d as BatchNorm3d,  # noqa: E402
                             SyncBatchNorm as SyncBatchNorm)
from ._pooling import (AdaptiveAvgPool2d as AdaptiveAvgPool2d,  # noqa: E402
                       AvgPool1d as AvgPool1d, MaxPool1d as MaxPool1d)
from . import layer as layer  # noqa: E402

__all__ += ["AdaptiveAvgPool2d", "AvgPool1d", "BatchNorm3d", "Conv1dTranspose", "Conv2dBnAct",
            "DenseBnAct", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
            "MaxPool1d", "SyncBatchNorm", "layer"]
# ---- end norms ------------------------------------------------------------------------------


def __getattr__(name: str) -> object:
    # A MindSpore name gpuparam does not provide: say so, and where the list is.
    raise missing_mindspore_name(__name__, name)
