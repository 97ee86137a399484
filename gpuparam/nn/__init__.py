"""Cells (layers) with MindSpore's parameter registration: ``Cell``, ``Conv2d``, ``Dense``, ..."""

from . import utils as utils
from ._activation import ReLU as ReLU, Sigmoid as Sigmoid, Softmax as Softmax, Tanh as Tanh
from ._cell import Cell as Cell, CellList as CellList, SequentialCell as SequentialCell
from ._conv_layers import (Conv1d as Conv1d, Conv2dTranspose as Conv2dTranspose,
                           Conv3dTranspose as Conv3dTranspose)
from ._layers import (Conv2d as Conv2d, Conv3d as Conv3d, Dense as Dense,
                      ParameterUpdate as ParameterUpdate)

__all__ = ["Cell", "CellList", "Conv2d", "Conv3d", "Dense", "ParameterUpdate", "ReLU",
           "SequentialCell", "Sigmoid", "Softmax", "Tanh"]
