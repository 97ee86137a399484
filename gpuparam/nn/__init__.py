"""Cells (layers) with MindSpore's parameter registration: ``Cell``, ``Conv2d``, ``Dense``, ..."""

from .._errors import missing_mindspore_name
from . import utils as utils
from ._activation import ReLU as ReLU, Sigmoid as Sigmoid, Softmax as Softmax, Tanh as Tanh
from ._cell import Cell as Cell
from ._containers import (CellDict as CellDict, CellList as CellList,
                          SequentialCell as SequentialCell)
from ._basic import Dropout as Dropout, Embedding as Embedding, Flatten as Flatten
from ._conv_layers import (Conv1d as Conv1d, Conv2dTranspose as Conv2dTranspose,
                           Conv3dTranspose as Conv3dTranspose)
from ._normalization import (BatchNorm1d as BatchNorm1d, BatchNorm2d as BatchNorm2d,
                             LayerNorm as LayerNorm)
from ._pooling import AvgPool2d as AvgPool2d, MaxPool2d as MaxPool2d
from ._layers import (Conv2d as Conv2d, Conv3d as Conv3d, Dense as Dense,
                      ParameterUpdate as ParameterUpdate)

__all__ = ["Cell", "CellDict", "CellList", "Conv2d", "Conv3d", "Dense", "ParameterUpdate", "ReLU",
           "SequentialCell", "Sigmoid", "Softmax", "Tanh"]
__all__ += ["AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Conv1d", "Conv2dTranspose",
            "Conv3dTranspose", "Dropout", "Embedding", "Flatten", "LayerNorm", "MaxPool2d",
            "utils"]


def __getattr__(name: str) -> object:
    # A MindSpore name gpuparam does not provide: say so, and where the list is.
    raise missing_mindspore_name(__name__, name)
