"""MindSpore's ``nn.loss`` path: the loss cells (``nn.loss.MSELoss is nn.MSELoss``).

Example:
    >>> from gpuparam import nn
    >>> from gpuparam.nn.loss import SoftmaxCrossEntropyWithLogits
    >>> SoftmaxCrossEntropyWithLogits is nn.SoftmaxCrossEntropyWithLogits
    True
"""

from .._loss import (BCEWithLogitsLoss as BCEWithLogitsLoss, CrossEntropyLoss as CrossEntropyLoss,
                     L1Loss as L1Loss, LossBase as LossBase, MSELoss as MSELoss,
                     SmoothL1Loss as SmoothL1Loss,
                     SoftmaxCrossEntropyWithLogits as SoftmaxCrossEntropyWithLogits)
from . import loss as loss

__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "L1Loss", "LossBase", "MSELoss",
           "SmoothL1Loss", "SoftmaxCrossEntropyWithLogits", "loss"]
