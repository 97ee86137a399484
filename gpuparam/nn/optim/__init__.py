"""MindSpore's ``nn.optim`` path: the optimizers, training-only in gpuparam (they build;
running one raises ``NotImplementedError``)."""

from .._training import Adam as Adam, Momentum as Momentum, Optimizer as Optimizer

__all__ = ["Adam", "Momentum", "Optimizer"]
