"""MindSpore's import paths that model files use, and the porting hint for missing names."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, context, nn, ops


def test_composite_and_function_are_the_same_objects_as_ops():
    from gpuparam.ops import composite as C
    from gpuparam.ops import function
    assert C.GradOperation is ops.GradOperation and C.HyperMap is ops.HyperMap
    assert C.matmul is ops.matmul                          # looked up in ops when asked for
    assert function.softmax is ops.softmax and function.cross_entropy is ops.cross_entropy
    with pytest.raises(AttributeError, match="gpuparam does not provide it"):
        function.IOU                                       # a class, not a function
    with pytest.raises(AttributeError, match="ops.composite"):
        C.Conv2D                                           # not in MindSpore's composite


def test_primitive_module_and_constexpr_paths():
    from gpuparam.ops.primitive import Primitive, constexpr, prim_attr_register
    assert ops.Primitive is Primitive and ops.constexpr is constexpr
    assert ops.prim_attr_register is prim_attr_register


def test_nn_submodule_paths():
    from gpuparam.nn.loss import SoftmaxCrossEntropyWithLogits
    from gpuparam.nn.loss.loss import LossBase, MSELoss
    from gpuparam.nn.optim import Adam, Momentum
    from gpuparam.nn.wrap.grad_reducer import DistributedGradReducer
    from gpuparam.nn.learning_rate_schedule import WarmUpLR
    assert (SoftmaxCrossEntropyWithLogits, LossBase, MSELoss, Adam, Momentum,
            DistributedGradReducer, WarmUpLR) == (
        nn.SoftmaxCrossEntropyWithLogits, nn.LossBase, nn.MSELoss, nn.Adam, nn.Momentum,
        nn.DistributedGradReducer, nn.WarmUpLR)


def test_missing_names_give_the_porting_hint_on_every_path():
    with pytest.raises(ImportError, match="gpuparam does not provide it") as info:
        exec("from gpuparam.nn import NotALayer", {})
    assert "'gpuparam.nn' has no attribute 'NotALayer'" in str(info.value)
    with pytest.raises(ImportError, match="gpuparam does not provide it"):
        exec("from gpuparam.ops.operations import NotAPrimitive", {})
    with pytest.raises(ImportError, match="gpuparam does not provide it"):
        exec("from gpuparam import NotAName", {})
    with pytest.raises(ModuleNotFoundError, match="MindSpore's `mindspore.dataset`") as module:
        exec("import gpuparam.dataset", {})
    assert module.value.name == "gpuparam.dataset"
    with pytest.raises(ModuleNotFoundError, match="mindspore.nn.probability"):
        exec("from gpuparam.nn.probability import distribution", {})
    # Attribute probes are untouched: hasattr and getattr with a default still work.
    assert not hasattr(nn, "NotALayer") and getattr(ops, "NotAnOp", 1) == 1
    with pytest.raises(AttributeError, match="gpuparam does not provide it"):
        nn.NotALayer
    with pytest.raises(ModuleNotFoundError, match="No module named 'numpy_not_there'"):
        exec("import numpy_not_there", {})                # other packages: Python's message


def test_auto_parallel_context_and_parallel_mode():
    assert context.ParallelMode.DATA_PARALLEL == "data_parallel"
    assert gpuparam.ParallelMode is context.ParallelMode
    assert context.get_auto_parallel_context("parallel_mode") == "stand_alone"
    assert context.get_auto_parallel_context("device_num") == 1
    from gpuparam.parallel._auto_parallel_context import auto_parallel_context
    from gpuparam.parallel._utils import (_get_device_num, _get_global_rank,
                                          _get_gradients_mean, _get_parallel_mode)
    try:
        context.set_auto_parallel_context(parallel_mode="data_parallel", gradients_mean=True,
                                          device_num=8, global_rank=3)
        assert (_get_parallel_mode(), _get_gradients_mean(), _get_device_num(), _get_global_rank()) \
            == ("data_parallel", True, 8, 3)
        assert auto_parallel_context().get_device_num() == 8
        assert auto_parallel_context().get_device_num_is_set() is True
        context.reset_auto_parallel_context()
        context.set_auto_parallel_context(parallel_mode=context.ParallelMode.DATA_PARALLEL)
        with pytest.raises(RuntimeError, match="init"):
            _get_device_num()                 # not set: the group's size, which needs init()
        gpuparam.communication.init()
        assert (_get_device_num(), _get_global_rank()) == (1, 0)
    finally:
        gpuparam.communication.release()
        context.reset_auto_parallel_context()
    assert _get_device_num() == 1
    with pytest.raises(NotImplementedError, match="graph compiler"):
        context.set_auto_parallel_context(parallel_mode="semi_auto_parallel")
    with pytest.raises(ValueError, match="set_auto_parallel_context: `key`"):
        context.set_auto_parallel_context(bogus=1)
    with pytest.raises(ValueError, match="get_auto_parallel_context: `attr_key`"):
        context.get_auto_parallel_context("bogus")
    assert context.get_auto_parallel_context("parallel_mode") == "stand_alone"


def test_communication_management_path():
    from gpuparam.communication.management import GlobalComm, get_group_size, get_rank, init, release
    with pytest.raises(RuntimeError, match="init"):
        get_rank()
    init()
    try:
        assert get_rank() == 0 and get_group_size(GlobalComm.WORLD_COMM_GROUP) == 1
        with pytest.raises(NotImplementedError, match="create_group"):
            get_group_size("my_group")
    finally:
        release()


def test_all_reduce_of_a_one_process_world_is_a_copy():
    x = Tensor(np.array([1.0, 2.0], np.float32))
    out = ops.AllReduce()(x)
    assert out is not x and out.asnumpy().tolist() == [1.0, 2.0]
    gpuparam.communication.init()
    try:
        assert ops.AllReduce(op="prod")(x).asnumpy().tolist() == [1.0, 2.0]
    finally:
        gpuparam.communication.release()


def test_log_path_writes_to_the_gpuparam_logger(caplog):
    from gpuparam import log as logger
    with caplog.at_level(logging.INFO, logger="gpuparam"):
        logger.warning("dropout %s", "after all layers")
        logger.info("info line")
    assert [r.getMessage() for r in caplog.records] == ["dropout after all layers", "info line"]
    assert logger.get_logger() is logging.getLogger("gpuparam")


def test_checkparam_validators():
    from gpuparam import _checkparam as V
    assert V.check_int(3, 1, V.GE, "kernel_size", "Net") == 3
    assert V.Validator.check_positive_int(2, "n") == 2 and V.Rel.GE == V.GE
    assert V.check_value_type("n", 4, [int], "Net") == 4
    assert V.check_string("NCHW", ["NCHW", "NHWC"], "format", "Net") == "NCHW"
    assert V.check_float_range(0.5, 0.0, 1.0, V.INC_BOTH, "p", "Net") == 0.5
    assert V.twice(3) == (3, 3) and V.triple((1, 2, 3)) == (1, 2, 3)
    for call, kind, text in [
        (lambda: V.check_int(0, 1, V.GE, "kernel_size", "Net"), ValueError, "Net: `kernel_size`"),
        (lambda: V.check_int(True, 1, V.GE, "k", "Net"), TypeError, "`k` must be a int"),
        (lambda: V.check_value_type("n", True, [int], "Net"), TypeError, "Net: `n`"),
        (lambda: V.check_bool(1, "has_bias", "Net"), TypeError, "Net: `has_bias`"),
        (lambda: V.check_string("NDHWC", ["NCHW"], "format", "Net"), ValueError, "`format`"),
        (lambda: V.check_positive_int(0, "group"), ValueError, "`group`"),
        (lambda: V.check_float_range(2.0, 0.0, 1.0, V.INC_LEFT, "p"), ValueError, "[0.0, 1.0)"),
    ]:
        with pytest.raises(kind, match=text.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
            call()


def test_c_expression_tensor():
    from gpuparam._c_expression import Tensor as Tensor_
    empty = Tensor_(shape=(2, 3), dtype=gpuparam.float16)
    assert empty.shape == (2, 3) and empty.dtype == gpuparam.float16
    assert (empty.asnumpy() == 0).all()
    assert isinstance(Tensor(1.0), Tensor_) and issubclass(gpuparam.Parameter, Tensor_)
    assert Tensor_([[]] * 2, gpuparam.int64).shape == (2, 0)
    assert gpuparam._c_expression.Tensor is Tensor_ and gpuparam._checkparam.GE == 6


def test_nn_cell_module_path():
    """TextCNN writes ``from mindspore.nn.cell import Cell``."""
    from gpuparam import nn
    from gpuparam.nn.cell import Cell
    assert Cell is nn.Cell
