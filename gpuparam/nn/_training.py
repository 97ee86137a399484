"""Training-only cells of ``mindspore.nn``: optimizers, training wrappers and the
distributed gradient reducer. They build, and running one raises.

gpuparam has no gradients and no training step, but model files (and the training
wrappers they subclass) construct these in ``__init__``. Each keeps MindSpore's
constructor arguments and the attributes subclasses read, carries
``_training_only = True`` (``tools/scan_model_zoo.py`` reports such names as
documented refusals), and raises ``NotImplementedError`` naming the missing feature
when it is called.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import context
from .._errors import check_bool, check_real, training_only, type_error
from .._parameter import Parameter, ParameterTuple
from .._tensor import Tensor
from ..ops import AllReduce, GradOperation, HyperMap
from ._cell import Cell


def _parameters(where: str, params: Any) -> ParameterTuple:
    """MindSpore's ``params`` forms: Parameters, or groups ``{'params': [...], ...}``."""
    if isinstance(params, Parameter) or not isinstance(params, Iterable):
        raise type_error(where, "params", params, "a list of Parameters or of parameter groups")
    found: list[Parameter] = []
    for item in params:
        group = item["params"] if isinstance(item, dict) else [item]
        for p in group:
            if not isinstance(p, Parameter):
                raise type_error(where, "params", p, "Parameters (or groups of them)")
            if all(p is not q for q in found):
                found.append(p)
    if not found:
        raise ValueError(f"{where}: `params` must not be empty.")
    return ParameterTuple(found)


class Optimizer(Cell[Any]):
    """The base of MindSpore's optimizers: it builds (the parameters, learning rate,
    weight decay and loss scale are kept); updating parameters raises.

    Example:
        >>> from gpuparam import nn
        >>> opt = nn.Momentum(nn.Dense(2, 3).trainable_params(), learning_rate=0.1, momentum=0.9)
        >>> len(opt.parameters), opt._training_only
        (2, True)
    """

    _training_only = True

    def __init__(self, learning_rate: Any, parameters: Any, weight_decay: float = 0.0,
                 loss_scale: float = 1.0) -> None:
        super().__init__(auto_prefix=False)
        where = type(self).__name__
        self.parameters = _parameters(where, parameters)
        self.learning_rate = learning_rate
        self.weight_decay = check_real(where, "weight_decay", weight_decay, non_negative=True)
        self.loss_scale = check_real(where, "loss_scale", loss_scale, positive=True)

    def get_lr(self) -> Any:
        raise training_only(f"{type(self).__name__}.get_lr", "an optimizer's step")

    def construct(self, *gradients: Any) -> Any:
        raise training_only(type(self).__name__, "updating parameters from gradients (an optimizer)")


class Momentum(Optimizer):
    """MindSpore's momentum SGD: ``Momentum(params, learning_rate, momentum,
    weight_decay=0.0, loss_scale=1.0, use_nesterov=False)``; builds, raises when run."""

    def __init__(self, params: Any, learning_rate: Any, momentum: float,
                 weight_decay: float = 0.0, loss_scale: float = 1.0,
                 use_nesterov: bool = False) -> None:
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        self.momentum = check_real("Momentum", "momentum", momentum, non_negative=True)
        self.use_nesterov = check_bool("Momentum", "use_nesterov", use_nesterov)


class Adam(Optimizer):
    """MindSpore's Adam: ``Adam(params, learning_rate=1e-3, beta1=0.9, beta2=0.999,
    eps=1e-8, use_locking=False, use_nesterov=False, weight_decay=0.0, loss_scale=1.0,
    use_amsgrad=False, use_lazy=False, use_offload=False)``; builds, raises when run."""

    def __init__(self, params: Any, learning_rate: Any = 1e-3, beta1: float = 0.9,
                 beta2: float = 0.999, eps: float = 1e-8, use_locking: bool = False,
                 use_nesterov: bool = False, weight_decay: float = 0.0, loss_scale: float = 1.0,
                 use_amsgrad: bool = False, use_lazy: bool = False,
                 use_offload: bool = False) -> None:
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        where = "Adam"
        self.beta1 = check_real(where, "beta1", beta1, positive=True)
        self.beta2 = check_real(where, "beta2", beta2, positive=True)
        self.eps = check_real(where, "eps", eps, positive=True)
        for arg, value in (("use_locking", use_locking), ("use_nesterov", use_nesterov),
                           ("use_amsgrad", use_amsgrad), ("use_lazy", use_lazy),
                           ("use_offload", use_offload)):
            setattr(self, arg, check_bool(where, arg, value))


class TrainOneStepCell(Cell[Any]):
    """MindSpore's training step wrapper ``TrainOneStepCell(network, optimizer, sens=None,
    return_grad=False)``: it builds, with the attributes subclasses use (``network``,
    ``optimizer``, ``weights``, ``grad``, ``sens``, ``reducer_flag``, ``grad_reducer``);
    running a step raises (gpuparam computes no gradients).
    """

    _training_only = True

    def __init__(self, network: Cell, optimizer: Any, sens: Any = None,
                 return_grad: bool = False) -> None:
        super().__init__(auto_prefix=False)
        where = type(self).__name__
        if not isinstance(network, Cell):
            raise type_error(where, "network", network, "a Cell")
        self.network = network
        self.optimizer = optimizer
        self.weights = getattr(optimizer, "parameters", ParameterTuple(network.trainable_params()))
        self.grad = GradOperation(get_by_list=True, sens_param=True)
        self.sens = 1.0 if sens is None else sens
        self.return_grad = check_bool(where, "return_grad", return_grad)
        # The attributes MindSpore's wrapper sets and subclasses read in their __init__.
        self.parallel_mode = context.get_auto_parallel_context("parallel_mode")
        self.reducer_flag = self.parallel_mode in (context.ParallelMode.DATA_PARALLEL,
                                                   context.ParallelMode.HYBRID_PARALLEL)
        self.mean = context.get_auto_parallel_context("gradients_mean")
        self.degree = context.get_auto_parallel_context("device_num")
        self.grad_reducer = lambda gradients: gradients
        self.hyper_map = HyperMap()

    def construct(self, *inputs: Any) -> Any:
        raise training_only(type(self).__name__, "a training step (gradients and an optimizer)")


class TrainOneStepWithLossScaleCell(TrainOneStepCell):
    """MindSpore's loss-scaled training step ``TrainOneStepWithLossScaleCell(network,
    optimizer, scale_sense)``: builds (``scale_sense`` a loss-scale update Cell, kept as
    ``loss_scaling_manager``, or a Tensor, kept as the Parameter ``scale_sense``); the
    overflow checks and a step raise."""

    def __init__(self, network: Cell, optimizer: Any, scale_sense: Any) -> None:
        super().__init__(network, optimizer, sens=None)
        where = type(self).__name__
        self.loss_scaling_manager = None
        self.base = Tensor(np.float32(1.0))
        self.allreduce = AllReduce()
        self.is_distributed = self.parallel_mode != context.ParallelMode.STAND_ALONE
        self.gpu_target = context.get_context("device_target") == "GPU"
        if isinstance(scale_sense, Cell):
            self.loss_scaling_manager = scale_sense
            self.scale_sense = Parameter(Tensor(scale_sense.get_loss_scale()
                                                if hasattr(scale_sense, "get_loss_scale") else 1.0),
                                         name="scale_sense")
        elif isinstance(scale_sense, Tensor):
            if scale_sense.ndim > 1:
                raise type_error(where, "scale_sense", scale_sense, "a 0-d or (1,) Tensor, or a Cell")
            self.scale_sense = Parameter(scale_sense, name="scale_sense")
        else:
            raise type_error(where, "scale_sense", scale_sense, "a Cell or a Tensor")

    def start_overflow_check(self, pre_cond: Any, compute_input: Any) -> Any:
        raise training_only(f"{type(self).__name__}.start_overflow_check", "loss-scale overflow checks")

    def get_overflow_status(self, status: Any, compute_output: Any) -> Any:
        raise training_only(f"{type(self).__name__}.get_overflow_status", "loss-scale overflow checks")

    def process_loss_scale(self, overflow: Any) -> Any:
        raise training_only(f"{type(self).__name__}.process_loss_scale", "loss scaling")


class DistributedGradReducer(Cell[Any]):
    """MindSpore's gradient all-reduce for data-parallel training,
    ``DistributedGradReducer(parameters, mean=None, degree=None, fusion_type=1,
    group=...)``: builds; reducing gradients raises (gpuparam has none). To reduce
    tensors across processes use ``ops.AllReduce`` or
    ``gpuparam.communication.comm_func.all_reduce``."""

    _training_only = True

    def __init__(self, parameters: Any, mean: bool | None = None, degree: int | None = None,
                 fusion_type: int = 1, group: str = "hccl_world_group") -> None:
        super().__init__(auto_prefix=False)
        self.parameters = parameters
        self.mean = mean
        self.degree = degree
        self.fusion_type = fusion_type
        self.group = group

    def construct(self, grads: Any) -> Any:
        raise training_only("DistributedGradReducer", "reducing gradients across processes")


__all__ = ["Adam", "DistributedGradReducer", "Momentum", "Optimizer", "TrainOneStepCell",
           "TrainOneStepWithLossScaleCell"]
