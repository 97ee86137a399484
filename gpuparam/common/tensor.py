"""MindSpore's ``mindspore.common.tensor`` path: ``Tensor``."""

from .._tensor import Tensor as Tensor

__all__ = ["Tensor"]
