"""MindSpore's graph helpers (real: they mean something eagerly) and the training-only
names (they build; using one raises NotImplementedError naming the feature)."""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, nn, ops
from gpuparam.ops import composite as C
from gpuparam.ops import functional as F
from gpuparam.ops._primitive_cache import _get_cache_prim
from gpuparam.ops.primitive import Primitive, PrimitiveWithInfer, constexpr, prim_attr_register
from gpuparam.train.callback import Callback, CheckpointConfig, ModelCheckpoint


def test_stop_gradient_and_partial():
    x = Tensor(np.ones(2, np.float32))
    assert ops.stop_gradient(x) is x and F.stop_gradient(3.0) == 3.0
    scale = F.partial(lambda a, b, c: a * b + c, 2, 3)
    assert scale(4) == 10
    with pytest.raises(TypeError, match="partial"):
        ops.partial(3)


def test_multitype_func_graph_dispatches_on_types_as_mindspore():
    # MindSpore's documented example: the same name adds numbers and tensors.
    add = C.MultitypeFuncGraph("add")

    @add.register("Number", "Number")
    def _(x, y):
        return x + y

    @add.register("Tensor", "Tensor")
    def _(x, y):
        return ops.add(x, y)

    assert add(1, 2) == 3
    out = add(Tensor([0.1, 0.6, 1.2], gpuparam.float32), Tensor([0.1, 0.6, 1.2], gpuparam.float32))
    np.testing.assert_allclose(out.asnumpy(), [0.2, 1.2, 2.4], rtol=1e-6)
    with pytest.raises(ValueError, match="no implementation registered"):
        add("a", 1)
    with pytest.raises(ValueError, match="type_names"):
        add.register("Matrix")
    single = ops.MultitypeFuncGraph("one")
    single.register("Tensor")(lambda v: "ran")
    assert single(5) == "ran"       # a lone implementation runs for anything, as MindSpore's


def test_hyper_map_and_map():
    # MindSpore's documented example: square every tensor of a nested tuple.
    square = ops.MultitypeFuncGraph("square")
    square.register("Tensor")(lambda v: ops.square(v))
    nested = ((Tensor(1.0, gpuparam.float32), Tensor(2.0, gpuparam.float32)),
              (Tensor(3.0, gpuparam.float32), Tensor(4.0, gpuparam.float32)))
    out = ops.HyperMap()(square, nested)
    assert [[float(v.asnumpy()) for v in row] for row in out] == [[1, 4], [9, 16]]
    assert ops.HyperMap(square)(nested)[1][0].asnumpy() == 9
    assert C.Map()(lambda a, b: a - b, (5, 7), (1, 2)) == (4, 5)
    with pytest.raises(ValueError, match="one length"):
        ops.HyperMap()(lambda a, b: a, (1, 2), (1,))


def test_add_flags_constexpr_and_jit_return_the_function():
    @ops.add_flags(has_effect=True)
    def f(x):
        return x + 1
    assert f._func_graph_flags == {"has_effect": True} and f(1) == 2
    assert C.add_flags(f, other=1)._func_graph_flags == {"has_effect": True, "other": 1}

    @constexpr(reuse_result=False)
    def shape_len(shape):
        return len(shape)
    assert shape_len((1, 2)) == 2 and ops.constexpr(len)((1,)) == 1

    @gpuparam.jit(mode="PSJit", jit_level="O1")
    def g(x):
        return 2 * x
    assert g(3) == 6 and gpuparam.jit(g) is g
    from gpuparam.common.api import jit
    assert jit is gpuparam.jit


def test_primitive_base_and_prim_attr_register():
    class Scale(PrimitiveWithInfer):
        @prim_attr_register
        def __init__(self, factor=2.0, bias=0.0):
            self.init_prim_io_names(inputs=["x"], outputs=["y"])

    op = Scale(factor=3.0)
    assert op.name == "Scale" and op.factor == 3.0 and op.attrs["bias"] == 0.0
    assert op.init_attrs == {"factor": 3.0, "bias": 0.0}
    assert op.attrs["input_names"] == ["x"]
    with pytest.raises(NotImplementedError, match="Scale: this Primitive has no computation"):
        op(1.0)
    assert isinstance(ops.IOU(), Primitive) and ops.Softmax(axis=1).attrs["axis"] == 1
    assert "Prim[Softmax]<axis=1>" == repr(ops.Softmax(axis=1))
    assert Primitive("p").add_prim_attr("k", 1).del_prim_attr("k").attrs == {}


def test_get_cache_prim_shares_one_instance_per_arguments():
    a = _get_cache_prim(ops.Softmax)(axis=1)
    assert a is _get_cache_prim(ops.Softmax)(axis=1)
    assert a is not _get_cache_prim(ops.Softmax)(axis=0)
    assert _get_cache_prim(ops.Pad)([[1, 1]]) is not _get_cache_prim(ops.Pad)([[1, 1]])


def test_float_status_is_real():
    assert ops.FloatStatus()(Tensor(np.array([1.0, 2.0], np.float32))).asnumpy().tolist() == [0.0]
    assert ops.FloatStatus()(Tensor(np.array([np.nan, 2.0], np.float16))).asnumpy().tolist() == [1.0]


TRAINING_ONLY_CALLS = [
    (lambda: ops.GradOperation(get_by_list=True, sens_param=True)(nn.Dense(2, 2)), "gradients"),
    (lambda: C.clip_by_global_norm((Tensor(1.0),), 1.0), "clipping gradients"),
    (lambda: ops.NPUAllocFloatStatus()(), "float-status"),
    (lambda: ops.NPUGetFloatStatus()(Tensor(1.0)), "float-status"),
    (lambda: ops.NPUClearFloatStatus()(Tensor(1.0)), "float-status"),
    (lambda: ops.ScalarSummary()("loss", Tensor(1.0)), "summary"),
    (lambda: nn.Momentum(nn.Dense(2, 2).trainable_params(), 0.1, 0.9)(()), "optimizer"),
    (lambda: nn.Adam(nn.Dense(2, 2).trainable_params(), learning_rate=1e-3, eps=1e-8)(()),
     "optimizer"),
    (lambda: nn.Adam(nn.Dense(2, 2).trainable_params()).get_lr(), "optimizer"),
    (lambda: nn.DistributedGradReducer(nn.Dense(2, 2).trainable_params(), True, 8)(()),
     "reducing gradients"),
    (lambda: ModelCheckpoint(prefix="net").step_end(None), "Model.train"),
]


@pytest.mark.parametrize("call,feature", TRAINING_ONLY_CALLS)
def test_training_only_names_build_and_refuse_when_used(call, feature):
    with pytest.raises(NotImplementedError, match=feature) as info:
        call()
    assert "not part of gpuparam" in str(info.value)


def test_training_wrappers_build_like_mindspore_and_their_subclasses_too():
    net = nn.Dense(3, 2)
    opt = nn.Momentum(params=net.trainable_params(), learning_rate=0.1, momentum=0.9,
                      weight_decay=1e-4)
    step = nn.TrainOneStepCell(net, opt)
    assert step.network is net and step.optimizer is opt and len(step.weights) == 2
    assert [n for n, _ in step.parameters_and_names()] == ["weight", "bias"]  # auto_prefix=False

    class MyStep(nn.TrainOneStepWithLossScaleCell):
        def __init__(self, network, optimizer, sens):
            super().__init__(network, optimizer, sens)
            self.extra = True

        def construct(self, x):
            status = self.start_overflow_check(None, x)
            return status

    scaled = MyStep(net, opt, Tensor(np.float32(1024.0)))
    assert scaled.scale_sense.asnumpy() == 1024 and scaled.extra
    with pytest.raises(NotImplementedError, match="overflow"):
        scaled(Tensor(np.ones((1, 3), np.float32)))
    with pytest.raises(NotImplementedError, match="training step"):
        step(Tensor(np.ones((1, 3), np.float32)))
    groups = [{"params": net.trainable_params()[:1], "weight_decay": 0.1},
              {"params": net.trainable_params()[1:]}]
    assert len(nn.Adam(groups).parameters) == 2
    with pytest.raises(TypeError, match="Adam: `params`"):
        nn.Adam([1.0])
    for name in ("Adam", "Momentum", "Optimizer", "TrainOneStepCell", "DistributedGradReducer",
                 "TrainOneStepWithLossScaleCell"):
        assert getattr(nn, name)._training_only is True
    for name in ("GradOperation", "NPUGetFloatStatus", "ScalarSummary", "clip_by_global_norm"):
        assert getattr(ops, name)._training_only is True


def test_learning_rate_schedules_follow_mindspore_formulas():
    step = Tensor(np.array([0, 1, 3, 6], np.int32))
    np.testing.assert_allclose(nn.WarmUpLR(0.2, 3)(step).asnumpy(), [0, 0.2 / 3, 0.2, 0.2], rtol=1e-6)
    lr = nn.PolynomialDecayLR(0.1, 0.01, 4, 2.0)(step).asnumpy()
    p = np.minimum([0, 1, 3, 6], 4) / 4
    np.testing.assert_allclose(lr, 0.09 * (1 - p) ** 2 + 0.01, rtol=1e-6)
    grown = nn.PolynomialDecayLR(0.1, 0.01, 4, 2.0, update_decay_steps=True)(step).asnumpy()
    decay = 4 * np.maximum(np.ceil(np.array([0, 1, 3, 6]) / 4), 1)
    np.testing.assert_allclose(grown, 0.09 * (1 - np.array([0, 1, 3, 6]) / decay) ** 2 + 0.01,
                               rtol=1e-6)
    assert isinstance(nn.WarmUpLR(0.1, 1), nn.LearningRateSchedule)
    from gpuparam.nn.learning_rate_schedule import PolynomialDecayLR
    assert PolynomialDecayLR is nn.PolynomialDecayLR


def test_callbacks():
    class Log(Callback):
        def __init__(self):
            self.steps = 0

        def step_end(self, run_context):
            self.steps += 1

    log = Log()
    log.step_end(None)
    assert log.steps == 1 and log.epoch_end(None) is None
    config = CheckpointConfig(save_checkpoint_steps=10, save_checkpoint_seconds=5,
                              keep_checkpoint_max=2)
    assert config.get_checkpoint_policy() == {"save_checkpoint_steps": 10,
                                              "save_checkpoint_seconds": None,
                                              "keep_checkpoint_max": 2,
                                              "keep_checkpoint_per_n_minutes": None}
    assert ModelCheckpoint(prefix="x", directory="d", config=config).config is config
    assert ModelCheckpoint._training_only is True
    with pytest.raises(ValueError, match="CheckpointConfig"):
        CheckpointConfig(save_checkpoint_steps=0, save_checkpoint_seconds=0)
    with pytest.raises(TypeError, match="ModelCheckpoint: `config`"):
        ModelCheckpoint(config={})
