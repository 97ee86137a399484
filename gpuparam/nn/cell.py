"""MindSpore's ``mindspore.nn.cell`` path: model files write ``from mindspore.nn.cell import Cell``.

Example:
    >>> from gpuparam import nn
    >>> from gpuparam.nn.cell import Cell
    >>> Cell is nn.Cell
    True
"""

from __future__ import annotations

from ._cell import Cell as Cell

__all__ = ["Cell"]
