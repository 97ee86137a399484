"""MindSpore's ``nn.loss.loss`` path (``from mindspore.nn.loss.loss import LossBase``)."""

from .._loss import (BCEWithLogitsLoss as BCEWithLogitsLoss, CrossEntropyLoss as CrossEntropyLoss,
                     L1Loss as L1Loss, LossBase as LossBase, MSELoss as MSELoss,
                     SmoothL1Loss as SmoothL1Loss,
                     SoftmaxCrossEntropyWithLogits as SoftmaxCrossEntropyWithLogits)

__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "L1Loss", "LossBase", "MSELoss",
           "SmoothL1Loss", "SoftmaxCrossEntropyWithLogits"]
