"""MindSpore's ``nn.wrap.grad_reducer`` path (``DistributedGradReducer``, training-only)."""

from .._training import DistributedGradReducer as DistributedGradReducer

__all__ = ["DistributedGradReducer"]
