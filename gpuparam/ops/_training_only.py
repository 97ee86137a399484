"""Training-only operators of ``mindspore.ops``: they build, and using one raises.

gpuparam has no automatic differentiation and no training loop, yet model files create
these in ``__init__`` (a gradient operator for their training wrapper, the loss-scale
float-status operators, a summary operator). So each can be constructed with
MindSpore's arguments, carries ``_training_only = True`` (``tools/scan_model_zoo.py``
reports such names as documented refusals), and raises ``NotImplementedError`` naming
the missing feature when it is called. ``FloatStatus`` is not among them: it is a plain
test for overflow, and computes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import get_array_module
from .._errors import check_bool, training_only
from .._tensor import Tensor
from ._checks import float_input
from .primitive import Primitive


class _TrainingOnlyPrimitive(Primitive):
    _training_only = True
    _feature = "training"

    def __init__(self) -> None:
        super().__init__(type(self).__name__)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise training_only(self.name, self._feature)


class GradOperation(_TrainingOnlyPrimitive):
    """MindSpore's gradient operator; gpuparam has no automatic differentiation.

    ``GradOperation(get_all=False, get_by_list=False, sens_param=False)`` builds (a
    training wrapper's ``__init__`` runs); ``grad(network, weights)`` raises
    ``NotImplementedError``.

    Example:
        >>> from gpuparam import ops
        >>> grad = ops.GradOperation(get_by_list=True, sens_param=True)
        >>> grad.get_by_list, grad._training_only
        (True, True)
    """

    _feature = "computing gradients (automatic differentiation)"

    def __init__(self, get_all: bool = False, get_by_list: bool = False,
                 sens_param: bool = False) -> None:
        super().__init__()
        self.get_all = check_bool("GradOperation", "get_all", get_all)
        self.get_by_list = check_bool("GradOperation", "get_by_list", get_by_list)
        self.sens_param = check_bool("GradOperation", "sens_param", sens_param)


class NPUAllocFloatStatus(_TrainingOnlyPrimitive):
    """Ascend's float-status register (loss scaling); builds, raises when called."""

    _feature = "Ascend's float-status registers (loss-scale overflow checks)"


class NPUGetFloatStatus(NPUAllocFloatStatus):
    """Ascend's float-status register (loss scaling); builds, raises when called."""


class NPUClearFloatStatus(NPUAllocFloatStatus):
    """Ascend's float-status register (loss scaling); builds, raises when called."""


class ScalarSummary(_TrainingOnlyPrimitive):
    """MindSpore's summary operator (MindInsight's training logs); builds, raises when called."""

    _feature = "summary collection for MindInsight"


def clip_by_global_norm(x: Any, clip_norm: float = 1.0, use_norm: Any = None) -> Any:
    """MindSpore's gradient clipping helper: training-only in gpuparam (raises).

    Model files call it on gradients inside a training wrapper, which gpuparam cannot
    produce.
    """
    raise training_only("clip_by_global_norm", "clipping gradients")


clip_by_global_norm._training_only = True  # type: ignore[attr-defined]


class FloatStatus(Primitive):
    """``FloatStatus()(x)``: ``[1.]`` if ``x`` holds a NaN or an infinity, else ``[0.]``;
    a Float32 tensor of shape ``(1,)``, computed on the device that holds ``x``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.FloatStatus()(Tensor(np.array([1.0, np.inf], np.float32))).asnumpy()
        array([1.], dtype=float32)
    """

    def __init__(self) -> None:
        super().__init__("FloatStatus")

    def __call__(self, x: Any) -> Tensor:
        array = float_input("FloatStatus", "x", x)
        xp = get_array_module(array)
        overflow = ~xp.isfinite(array).all()
        return Tensor._wrap(overflow.astype(np.float32).reshape(1))


__all__ = ["FloatStatus", "GradOperation", "NPUAllocFloatStatus", "NPUClearFloatStatus",
           "NPUGetFloatStatus", "ScalarSummary", "clip_by_global_norm"]
