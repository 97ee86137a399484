"""MindSpore's ``nn.wrap`` path: the training wrappers, training-only in gpuparam (they
build; running one raises ``NotImplementedError``)."""

from .._training import (DistributedGradReducer as DistributedGradReducer,
                         TrainOneStepCell as TrainOneStepCell,
                         TrainOneStepWithLossScaleCell as TrainOneStepWithLossScaleCell)
from . import grad_reducer as grad_reducer

__all__ = ["DistributedGradReducer", "TrainOneStepCell", "TrainOneStepWithLossScaleCell",
           "grad_reducer"]
