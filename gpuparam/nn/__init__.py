"""Cells (layers) with MindSpore's parameter registration: ``Cell``, ``Conv2d``, ``Dense``, ..."""

from ._activation import ReLU as ReLU, Sigmoid as Sigmoid, Softmax as Softmax, Tanh as Tanh
from ._cell import Cell as Cell
from ._containers import (CellDict as CellDict, CellList as CellList,
                          SequentialCell as SequentialCell)
from ._layers import (Conv2d as Conv2d, Conv3d as Conv3d, Dense as Dense,
                      ParameterUpdate as ParameterUpdate)

__all__ = ["Cell", "CellDict", "CellList", "Conv2d", "Conv3d", "Dense", "ParameterUpdate", "ReLU",
           "SequentialCell", "Sigmoid", "Softmax", "Tanh"]


def __getattr__(name: str) -> object:
    # A MindSpore name that is not here: say where the list of what is missing lives.
    raise AttributeError(f"module 'gpuparam.nn' has no attribute {name!r}: gpuparam does not "
                         "provide it; docs/porting.md ('What is not there') lists what "
                         "gpuparam leaves out of MindSpore's nn and ops.")
