"""MindSpore's ``nn.learning_rate_schedule``: learning rates as functions of the step.

A schedule is a Cell called with the global step (an integer Tensor) that returns the
learning rate at that step, a Float32 Tensor of the step's shape. The formulas are
MindSpore's; they are plain arithmetic, so they compute in gpuparam too (gpuparam has
no optimizer to feed them to, but a script may print or log them).

Example:
    >>> import gpuparam
    >>> from gpuparam import Tensor, nn
    >>> nn.WarmUpLR(0.1, 2)(Tensor(1, gpuparam.int32)).asnumpy()
    array(0.05, dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import get_array_module
from .._errors import check_bool, check_int, check_real, type_error
from .._tensor import Tensor
from ._cell import Cell


def _step(where: str, global_step: Any) -> Any:
    if not isinstance(global_step, Tensor) or global_step.dtype.is_floating_point:
        raise type_error(where, "global_step", global_step, "an integer Tensor")
    return global_step._read().astype(np.float32)


class LearningRateSchedule(Cell[Tensor]):
    """The base of learning-rate schedules: ``construct(global_step)`` returns the rate."""

    def construct(self, global_step: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__}: a LearningRateSchedule defines "
                                  "`construct(global_step)`.")


class WarmUpLR(LearningRateSchedule):
    """``learning_rate * min(step, warmup_steps) / warmup_steps``.

    Example:
        >>> import gpuparam
        >>> from gpuparam import Tensor, nn
        >>> nn.WarmUpLR(0.1, 2)(Tensor(2, gpuparam.int32)).asnumpy()
        array(0.1, dtype=float32)
    """

    def __init__(self, learning_rate: float, warmup_steps: int) -> None:
        super().__init__()
        where = "WarmUpLR"
        if not isinstance(learning_rate, float):
            raise type_error(where, "learning_rate", learning_rate, "a float")
        self.learning_rate = check_real(where, "learning_rate", learning_rate, positive=True)
        self.warmup_steps = check_int(where, "warmup_steps", warmup_steps, minimum=1)

    def construct(self, global_step: Tensor) -> Tensor:
        step = _step("WarmUpLR", global_step)
        xp = get_array_module(step)
        fraction = xp.minimum(step, np.float32(self.warmup_steps)) / np.float32(self.warmup_steps)
        return Tensor._wrap((np.float32(self.learning_rate) * fraction).astype(np.float32))


class PolynomialDecayLR(LearningRateSchedule):
    """``(lr - end_lr) * (1 - p) ** power + end_lr`` with ``p = min(step, decay_steps) /
    decay_steps``; with ``update_decay_steps`` the decay period grows to the next
    multiple of ``decay_steps`` instead of stopping.

    Example:
        >>> import gpuparam
        >>> from gpuparam import Tensor, nn
        >>> nn.PolynomialDecayLR(0.1, 0.01, 4, 0.5)(Tensor(2, gpuparam.int32)).asnumpy()
        array(0.07363961, dtype=float32)
    """

    def __init__(self, learning_rate: float, end_learning_rate: float, decay_steps: int,
                 power: float, update_decay_steps: bool = False) -> None:
        super().__init__()
        where = "PolynomialDecayLR"
        for arg, value in (("learning_rate", learning_rate), ("end_learning_rate", end_learning_rate)):
            if not isinstance(value, float):
                raise type_error(where, arg, value, "a float")
        self.learning_rate = check_real(where, "learning_rate", learning_rate, positive=True)
        self.end_learning_rate = check_real(where, "end_learning_rate", end_learning_rate,
                                            non_negative=True)
        self.decay_steps = check_int(where, "decay_steps", decay_steps, minimum=1)
        self.power = check_real(where, "power", power, positive=True)
        self.update_decay_steps = check_bool(where, "update_decay_steps", update_decay_steps)

    def construct(self, global_step: Tensor) -> Tensor:
        step = _step("PolynomialDecayLR", global_step)
        xp = get_array_module(step)
        decay = np.float32(self.decay_steps)
        if self.update_decay_steps:
            decay = decay * xp.maximum(xp.ceil(step / decay), np.float32(1))
        else:
            step = xp.minimum(step, decay)
        p = step / decay
        diff = np.float32(self.learning_rate - self.end_learning_rate)
        lr = diff * (np.float32(1) - p) ** np.float32(self.power) + np.float32(self.end_learning_rate)
        return Tensor._wrap(lr.astype(np.float32))


__all__ = ["LearningRateSchedule", "PolynomialDecayLR", "WarmUpLR"]
