"""Loss functions and primitives of ``mindspore.ops``: thin fronts over
``gpuparam._array_ops.losses`` (formulas, the ``reduction`` rule and result dtypes).
"""

from __future__ import annotations

from typing import Any

from .._array_ops import losses as _LOSSES
from .._errors import check_choice, check_int, check_real, type_error, value_error
from .._tensor import Tensor
from ._checks import float_input, same_dtype, same_shape, tensor_input
from .primitive import Primitive

_F16_F32 = ("Float16", "Float32")


def _reduction(where: str, reduction: Any) -> str:
    return str(check_choice(where, "reduction", reduction, _LOSSES.REDUCTIONS))


def _numeric(where: str, arg: str, x: Any) -> Any:
    array = tensor_input(where, arg, x)
    if array.dtype.kind not in "biuf":
        raise type_error(where, arg, x, f"a real Tensor, not {x.dtype}")
    return array


def _optional(where: str, arg: str, x: Any) -> Any:
    return None if x is None else float_input(where, arg, x)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean squared error ``(input - target) ** 2`` (broadcast), reduced.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([1, 2, 3], np.float32))
        >>> ops.mse_loss(x, Tensor(np.ones(3, np.float32))).asnumpy()
        array(1.6666666, dtype=float32)
    """
    reduction = _reduction("mse_loss", reduction)
    x, y = _numeric("mse_loss", "input", input), _numeric("mse_loss", "target", target)
    return Tensor._wrap(_LOSSES.mse(x, y, reduction))


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean absolute error ``|input - target|`` (broadcast), reduced."""
    reduction = _reduction("l1_loss", reduction)
    x, y = _numeric("l1_loss", "input", input), _numeric("l1_loss", "target", target)
    return Tensor._wrap(_LOSSES.l1(x, y, reduction))


def smooth_l1_loss(input: Any, target: Any, beta: float = 1.0,  # noqa: A002
                   reduction: str = "none") -> Tensor:
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``; same shapes."""
    return SmoothL1Loss(beta, reduction)(input, target)


class SmoothL1Loss(Primitive):
    """``SmoothL1Loss(beta=1.0, reduction='none')(prediction, target)``: the smooth L1
    (Huber) loss of two float tensors of one shape.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> loss = ops.SmoothL1Loss()
        >>> loss(Tensor(np.array([1, 2, 3], np.float32)), Tensor(np.array([1, 2, 2], np.float32))).asnumpy()
        array([0. , 0. , 0.5], dtype=float32)
    """

    def __init__(self, beta: float = 1.0, reduction: str = "none") -> None:
        super().__init__("SmoothL1Loss")
        beta = check_real("SmoothL1Loss", "beta", beta)
        if beta <= 0:
            raise value_error("SmoothL1Loss", "beta", beta, "a number > 0")
        self.add_prim_attr("beta", beta)
        self.add_prim_attr("reduction", _reduction("SmoothL1Loss", reduction))

    def __call__(self, prediction: Any, target: Any) -> Tensor:
        x = float_input("SmoothL1Loss", "prediction", prediction)
        y = float_input("SmoothL1Loss", "target", target)
        same_shape("SmoothL1Loss", ("prediction", x), ("target", y))
        return Tensor._wrap(_LOSSES.smooth_l1(x, y, self.beta, self.reduction))


class BinaryCrossEntropy(Primitive):
    """``BinaryCrossEntropy(reduction='mean')(logits, labels, weight=None)``: the binary
    cross entropy of probabilities ``logits`` (float16/32) against ``labels`` (same dtype
    and shape), each element weighted by ``weight`` (broadcast) when given.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> p = Tensor(np.array([0.2, 0.7, 0.1], np.float32))
        >>> y = Tensor(np.array([0., 1., 0.], np.float32))
        >>> w = Tensor(np.array([1, 2, 2], np.float32))
        >>> ops.BinaryCrossEntropy()(p, y, w).asnumpy()
        array(0.38240483, dtype=float32)
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__("BinaryCrossEntropy")
        self.add_prim_attr("reduction", _reduction("BinaryCrossEntropy", reduction))

    def __call__(self, logits: Any, labels: Any, weight: Any = None) -> Tensor:
        where = "BinaryCrossEntropy"
        x = float_input(where, "logits", logits, _F16_F32)
        y = float_input(where, "labels", labels, _F16_F32)
        same_dtype(where, ("logits", x), ("labels", y))
        same_shape(where, ("logits", x), ("labels", y))
        w = None if weight is None else float_input(where, "weight", weight, _F16_F32)
        return Tensor._wrap(_LOSSES.binary_cross_entropy(x, y, w, self.reduction))


def binary_cross_entropy(logits: Any, labels: Any, weight: Any = None,
                         reduction: str = "mean") -> Tensor:
    """The binary cross entropy of probabilities (``ops.BinaryCrossEntropy``)."""
    return BinaryCrossEntropy(reduction)(logits, labels, weight)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,  # noqa: A002
                                     pos_weight: Any = None, reduction: str = "mean") -> Tensor:
    """``-w (pw y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x)))``, reduced; ``input``
    and ``target`` of one shape, ``weight``/``pos_weight`` broadcast to it.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[-0.8, 1.2, 0.7], [-0.1, -0.4, 0.7]], np.float32))
        >>> y = Tensor(np.array([[0.3, 0.8, 1.2], [-0.6, 0.1, 2.2]], np.float32))
        >>> ops.binary_cross_entropy_with_logits(x, y).asnumpy()
        array(0.34636116, dtype=float32)
    """
    where = "binary_cross_entropy_with_logits"
    reduction = _reduction(where, reduction)
    x, y = float_input(where, "input", input), float_input(where, "target", target)
    same_shape(where, ("input", x), ("target", y))
    w, pw = _optional(where, "weight", weight), _optional(where, "pos_weight", pos_weight)
    return Tensor._wrap(_LOSSES.binary_cross_entropy_with_logits(x, y, w, pw, reduction))


class SigmoidCrossEntropyWithLogits(Primitive):
    """``SigmoidCrossEntropyWithLogits()(logits, label)``: per element
    ``-y log(sigmoid(x)) - (1 - y) log(1 - sigmoid(x))``, without reduction.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[-0.8, 1.2, 0.7]], np.float32))
        >>> y = Tensor(np.array([[0.3, 0.8, 1.2]], np.float32))
        >>> ops.SigmoidCrossEntropyWithLogits()(x, y).asnumpy()
        array([[0.6111007 , 0.5032824 , 0.26318598]], dtype=float32)
    """

    def __init__(self) -> None:
        super().__init__("SigmoidCrossEntropyWithLogits")

    def __call__(self, logits: Any, label: Any) -> Tensor:
        where = "SigmoidCrossEntropyWithLogits"
        x, y = float_input(where, "logits", logits), float_input(where, "label", label)
        same_dtype(where, ("logits", x), ("label", y))
        same_shape(where, ("logits", x), ("label", y))
        return Tensor._wrap(_LOSSES.sigmoid_cross_entropy(x, y))


class SoftmaxCrossEntropyWithLogits(Primitive):
    """``SoftmaxCrossEntropyWithLogits()(logits, labels)``: ``(loss, dlogits)`` for
    ``(N, C)`` float16/32 logits and probability labels of the same shape and dtype:
    ``loss = -sum(labels * log_softmax(logits), -1)``, ``dlogits = softmax(logits) - labels``.

    Example:
        >>> from gpuparam import Tensor, ops, float32
        >>> logits = Tensor([[2, 4, 1, 4, 5], [2, 1, 2, 4, 3]], float32)
        >>> labels = Tensor([[0, 0, 0, 0, 1], [0, 0, 0, 1, 0]], float32)
        >>> loss, dlogits = ops.SoftmaxCrossEntropyWithLogits()(logits, labels)
        >>> loss.asnumpy()
        array([0.5899297, 0.5237441], dtype=float32)
    """

    def __init__(self) -> None:
        super().__init__("SoftmaxCrossEntropyWithLogits")

    def __call__(self, logits: Any, labels: Any) -> tuple[Tensor, Tensor]:
        where = "SoftmaxCrossEntropyWithLogits"
        x = float_input(where, "logits", logits, _F16_F32)
        y = float_input(where, "labels", labels, _F16_F32)
        same_dtype(where, ("logits", x), ("labels", y))
        same_shape(where, ("logits", x), ("labels", y))
        if x.ndim != 2:
            raise value_error(where, "logits", tuple(x.shape), "an (N, C) tensor")
        loss, grad = _LOSSES.softmax_cross_entropy(x, y)
        return Tensor._wrap(loss), Tensor._wrap(grad)


def cross_entropy(input: Any, target: Any, weight: Any = None,  # noqa: A002
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy of ``input`` logits (classes on axis 1, or 0 for a 1-d input)
    against class indices (an integer ``target`` with one dim fewer) or class
    probabilities (a float ``target`` of ``input``'s shape).

    Args:
        input: Float16/32/64 logits ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
        target: Class indices in ``[0, C)`` (or ``ignore_index``), or probabilities.
        weight: Optional per-class weights ``(C,)``.
        ignore_index: Index targets equal to it add nothing (indices only).
        reduction: ``'mean'`` (weighted mean over the counted targets), ``'sum'``, ``'none'``.
        label_smoothing: In ``[0, 1]``: that share of the target is spread over all classes.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> logits = Tensor(np.log(np.array([[0.25, 0.75]], np.float32)))
        >>> ops.cross_entropy(logits, Tensor(np.array([1], np.int32))).asnumpy()
        array(0.28768212, dtype=float32)
    """
    where = "cross_entropy"
    reduction = _reduction(where, reduction)
    ignore_index = check_int(where, "ignore_index", ignore_index)
    label_smoothing = check_real(where, "label_smoothing", label_smoothing)
    if not 0.0 <= label_smoothing <= 1.0:
        raise value_error(where, "label_smoothing", label_smoothing, "a number in [0, 1]")
    x = float_input(where, "input", input)
    y = tensor_input(where, "target", target)
    w = _optional(where, "weight", weight)
    class_axis = 0 if x.ndim == 1 else 1
    if w is not None and tuple(w.shape) != (x.shape[class_axis],):
        raise value_error(where, "weight", tuple(w.shape), f"one weight per class ({x.shape[class_axis]},)")
    if y.dtype.kind == "f":
        same_shape(where, ("input", x), ("target", y))
    elif y.dtype.kind in "iu":
        expected = tuple(x.shape[:class_axis] + x.shape[class_axis + 1:])
        if tuple(y.shape) != expected:
            raise value_error(where, "target", tuple(y.shape),
                              f"class indices of shape {expected} for input {tuple(x.shape)}")
    else:
        raise type_error(where, "target", target, "integer class indices or float probabilities")
    return Tensor._wrap(_LOSSES.cross_entropy(x, y, w, ignore_index, reduction, label_smoothing))


__all__ = ["BinaryCrossEntropy", "SigmoidCrossEntropyWithLogits", "SmoothL1Loss",
           "SoftmaxCrossEntropyWithLogits", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "cross_entropy", "l1_loss", "mse_loss",
           "smooth_l1_loss"]
