"""Loss cells of ``mindspore.nn``: ``LossBase`` and the losses model files build.

Each is a Cell whose ``construct`` calls the ``ops`` loss function of the same name, so
the formula and the result dtype are written once (``gpuparam._array_ops.losses``).
MindSpore's defaults are kept: ``SmoothL1Loss`` and ``SoftmaxCrossEntropyWithLogits``
reduce with ``'none'``, the others with ``'mean'``.
"""

from __future__ import annotations

from typing import Any

from .. import _array_ops
from .._backend import get_array_module
from .._errors import check_bool, check_choice, check_int, check_real, type_error, value_error
from .._parameter import Parameter
from .._tensor import Tensor
from ..ops import (SmoothL1Loss as _SmoothL1Loss, SoftmaxCrossEntropyWithLogits as _SoftmaxCE,
                   binary_cross_entropy_with_logits, cross_entropy, l1_loss, mse_loss)
from ._cell import Cell


class LossBase(Cell[Any]):
    """The base of loss cells: ``reduction`` (``'mean'``, ``'sum'`` or ``'none'``) and the
    helpers ``get_axis(x)`` and ``get_loss(x, weights=1.0)`` that subclasses call.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, nn, ops
        >>> class AbsLoss(nn.LossBase):
        ...     def construct(self, logits, labels):
        ...         return self.get_loss((logits - labels).abs())
        >>> x = Tensor(np.array([1, 2, 3], np.float32))
        >>> AbsLoss()(x, Tensor(np.array([1, 2, 2], np.float32))).asnumpy()
        array(0.33333334, dtype=float32)
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        where = type(self).__name__
        self.reduction = check_choice(where, "reduction", reduction, _array_ops.losses.REDUCTIONS)
        self.average = reduction == "mean"
        self.reduce = reduction != "none"

    def get_axis(self, x: Tensor) -> tuple[int, ...]:
        """Every axis of ``x``: ``(0, 1, ..., x.ndim - 1)``."""
        if not isinstance(x, Tensor):
            raise type_error(f"{type(self).__name__}.get_axis", "x", x, "a Tensor")
        return tuple(range(x.ndim))

    def get_loss(self, x: Tensor, weights: Any = 1.0) -> Tensor:
        """``x * weights`` (computed in float32, or float64) reduced by ``reduction``;
        returned in ``x``'s float dtype (float32 for an integer ``x``)."""
        where = f"{type(self).__name__}.get_loss"
        if not isinstance(x, Tensor):
            raise type_error(where, "x", x, "a Tensor")
        array = x._read()
        dtype = _array_ops.losses.loss_dtype(array)
        work = "float64" if dtype == "float64" else "float32"
        weighted = array.astype(work)
        if isinstance(weights, Tensor):
            weighted = weighted * weights._read().astype(work)
        elif weights != 1.0:
            weighted = weighted * check_real(where, "weights", weights)
        return Tensor._wrap(_array_ops.losses.reduce_loss(weighted, self.reduction, dtype))

    def construct(self, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}: a LossBase subclass defines "
                                  "`construct(logits, labels)`.")


class L1Loss(LossBase):
    """``|logits - labels|`` (broadcast), reduced (default ``'mean'``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, nn
        >>> loss = nn.L1Loss()
        >>> loss(Tensor(np.array([1, 2, 3], np.float32)), Tensor(np.array([1, 2, 2], np.float32))).asnumpy()
        array(0.33333334, dtype=float32)
    """

    def construct(self, logits: Tensor, labels: Tensor) -> Tensor:
        return l1_loss(logits, labels, self.reduction)


class MSELoss(LossBase):
    """``(logits - labels) ** 2`` (broadcast), reduced (default ``'mean'``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, nn
        >>> loss = nn.MSELoss()
        >>> loss(Tensor(np.array([1, 2, 3], np.float32)), Tensor(np.ones(3, np.float32))).asnumpy()
        array(1.6666666, dtype=float32)
    """

    def construct(self, logits: Tensor, labels: Tensor) -> Tensor:
        return mse_loss(logits, labels, self.reduction)


class SmoothL1Loss(LossBase):
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``; default ``'none'``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, nn
        >>> loss = nn.SmoothL1Loss()
        >>> loss(Tensor(np.array([1, 2, 3], np.float32)), Tensor(np.array([1, 2, 2], np.float32))).asnumpy()
        array([0. , 0. , 0.5], dtype=float32)
    """

    def __init__(self, beta: float = 1.0, reduction: str = "none") -> None:
        super().__init__(reduction)
        self.smooth_l1_loss = _SmoothL1Loss(beta, reduction)
        self.beta = self.smooth_l1_loss.beta

    def construct(self, logits: Tensor, labels: Tensor) -> Tensor:
        return self.smooth_l1_loss(logits, labels)


class BCEWithLogitsLoss(LossBase):
    """Binary cross entropy of logits (``ops.binary_cross_entropy_with_logits``), with
    optional ``weight`` and ``pos_weight`` Tensors fixed at construction.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, nn
        >>> x = Tensor(np.array([[-0.8, 1.2, 0.7], [-0.1, -0.4, 0.7]], np.float32))
        >>> y = Tensor(np.array([[0.3, 0.8, 1.2], [-0.6, 0.1, 2.2]], np.float32))
        >>> nn.BCEWithLogitsLoss()(x, y).asnumpy()
        array(0.34636116, dtype=float32)
    """

    def __init__(self, reduction: str = "mean", weight: Any = None, pos_weight: Any = None) -> None:
        super().__init__(reduction)
        for arg, value in (("weight", weight), ("pos_weight", pos_weight)):
            if isinstance(value, Parameter):
                raise type_error("BCEWithLogitsLoss", arg, value, "a Tensor or None, not a Parameter")
            if value is not None and not isinstance(value, Tensor):
                raise type_error("BCEWithLogitsLoss", arg, value, "a Tensor or None")
        self.weight = weight
        self.pos_weight = pos_weight

    def construct(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return binary_cross_entropy_with_logits(input, target, self.weight, self.pos_weight,
                                                self.reduction)


class CrossEntropyLoss(LossBase):
    """Cross entropy of logits against class indices or probabilities (``ops.cross_entropy``).

    Args:
        weight: Optional per-class weights ``(C,)``, float16/32.
        ignore_index: Index targets equal to it add nothing (default -100).
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.
        label_smoothing: A float in ``[0, 1]`` (default 0.0).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, nn
        >>> logits = Tensor(np.log(np.array([[0.25, 0.75]], np.float32)))
        >>> nn.CrossEntropyLoss()(logits, Tensor(np.array([1], np.int32))).asnumpy()
        array(0.28768212, dtype=float32)
    """

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        where = "CrossEntropyLoss"
        self.ignore_index = check_int(where, "ignore_index", ignore_index)
        if not isinstance(label_smoothing, float):
            raise type_error(where, "label_smoothing", label_smoothing, "a float")
        if not 0.0 <= label_smoothing <= 1.0:
            raise value_error(where, "label_smoothing", label_smoothing, "a float in [0, 1]")
        if weight is not None and (not isinstance(weight, Tensor)
                                   or str(weight.dtype) not in ("Float16", "Float32")):
            raise type_error(where, "weight", weight, "None or a Float16/Float32 Tensor")
        self.weight = weight
        self.label_smoothing = label_smoothing

    def construct(self, logits: Tensor, labels: Tensor) -> Tensor:
        if isinstance(logits, Tensor) and str(logits.dtype) not in ("Float16", "Float32"):
            raise type_error("CrossEntropyLoss", "logits", logits, "a Float16/Float32 Tensor")
        return cross_entropy(logits, labels, self.weight, self.ignore_index, self.reduction,
                             self.label_smoothing)


class SoftmaxCrossEntropyWithLogits(LossBase):
    """``-sum(labels * log_softmax(logits), -1)`` per sample; ``sparse=True`` takes class
    indices as labels. Default reduction ``'none'``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, nn
        >>> loss = nn.SoftmaxCrossEntropyWithLogits(sparse=True)
        >>> logits = Tensor(np.array([[3, 5, 6, 9, 12, 33, 42, 12, 32, 72]], np.float32))
        >>> loss(logits, Tensor(np.array([1], np.int32))).asnumpy()
        array([67.], dtype=float32)
    """

    def __init__(self, sparse: bool = False, reduction: str = "none") -> None:
        super().__init__(reduction)
        self.sparse = check_bool("SoftmaxCrossEntropyWithLogits", "sparse", sparse)
        self.softmax_cross_entropy = _SoftmaxCE()

    def construct(self, logits: Tensor, labels: Tensor) -> Tensor:
        where = "SoftmaxCrossEntropyWithLogits"
        if not isinstance(logits, Tensor):
            raise type_error(where, "logits", logits, "a Tensor")
        if not isinstance(labels, Tensor):
            raise type_error(where, "labels", labels, "a Tensor")
        if self.sparse:
            if labels.dtype.is_floating_point or labels.ndim != 1:
                raise type_error(where, "labels", labels,
                                 "integer class indices of shape (N,) when sparse=True")
            if self.reduction == "mean":
                return cross_entropy(logits, labels)
            indices = labels._read()
            classes = get_array_module(indices).arange(logits.shape[-1])
            one_hot = indices[:, None] == classes[None, :]
            labels = Tensor._wrap(one_hot.astype(logits._read().dtype))
        return self.get_loss(self.softmax_cross_entropy(logits, labels)[0])


__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "L1Loss", "LossBase", "MSELoss",
           "SmoothL1Loss", "SoftmaxCrossEntropyWithLogits"]
