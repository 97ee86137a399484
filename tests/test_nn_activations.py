"""Activation, padding and small parameter-free cells (issue 18) against references.

Three independent references: MindSpore 2.10's own recorded calls and layers
(tests/data/mindspore/ops.json, layers.json and layers_forward.npz), PyTorch's float64
functions, and float64 NumPy formulas written here. Bad input raises TypeError or
ValueError naming the cell and the argument.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import gpuparam
import ms_op_cases as ms
from gpuparam import Parameter, Tensor, nn, ops

RNG = np.random.default_rng(18)
DATA = RNG.normal(0.0, 3.0, (3, 4, 5))
DTYPES = [np.float16, np.float32, np.float64]
TOL = {np.float16: 2e-3, np.float32: 3e-6, np.float64: 1e-12}


def _t(array: np.ndarray, dtype=None) -> Tensor:
    return Tensor(np.asarray(array, dtype or array.dtype))


def _torch(fn):
    return lambda x: fn(torch.from_numpy(np.asarray(x, np.float64))).numpy()


# --------------------------------------------------------------- MindSpore's recorded calls

NAMES = ["nn.ClipByNorm", "nn.ELU", "nn.GELU", "nn.HSigmoid", "nn.HSwish", "nn.Identity",
         "nn.LeakyReLU", "nn.LogSoftmax", "nn.MatMul", "nn.Pad", "nn.ReLU", "nn.ReLU6",
         "nn.SiLU", "nn.Sigmoid", "nn.Softmax", "nn.Tanh", "nn.ZeroPad2d"]
# MindSpore refused these; gpuparam computes them, for the reason given.
LENIENT = {"nn.ReLU6/float64/2": "a float64 ReLU6 is exact in float64 (MindSpore's CPU kernel "
                                 "has no Float64)"}
CASES = [case for name in NAMES for case in ms.cases(name)]


def test_every_name_has_recorded_cases():
    assert {case.name for case in CASES} == set(NAMES)
    assert set(LENIENT) <= {case.id for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_mindspore(case):
    if case.error is not None and case.id not in LENIENT:
        with pytest.raises((TypeError, ValueError)):
            ms.run(case)
        return
    got = ms.run(case)
    if case.output is not None:
        ms.assert_matches(got, case.output, case.id)


# MindSpore's documented examples (nn/layer/activation.py) for cells ops.json lacks.
DOCUMENTED = [
    (lambda: nn.Softsign(), [0, -1, 2, 30, -30], np.float32,
     [0.0, -0.5, 0.6666667, 0.9677419, -0.9677419], 1e-6),
    (lambda: nn.LogSigmoid(), [1.0, 2.0, 3.0], np.float32,
     [-0.31326166, -0.12692806, -0.04858734], 1e-6),
    # MindSpore's page prints -0.0033576 for mish(-5), a dropped digit: -5 tanh(log1p(e^-5))
    # is -0.033576.
    (lambda: nn.Mish(), [[-1.0, 4.0, -8.0], [2.0, -5.0, 9.0]], np.float32,
     [[-0.3034014, 3.9974129, -0.0026832], [1.9439590, -0.033576, 9.0]], 1e-6),
    (lambda: nn.Tanhshrink(), [1, 2, 3, 2, 1], np.float16,
     [0.2383, 1.036, 2.004, 1.036, 0.2383], 2e-3),
    (lambda: nn.Hardtanh(min_val=-1.0, max_val=1.0), [-1, -2, 0, 2, 1], np.float16,
     [-1.0, -1.0, 0.0, 1.0, 1.0], 0),
    (lambda: nn.Softmin(), [-1, -2, 0, 2, 1], np.float16,
     [0.2341, 0.636, 0.0862, 0.01165, 0.03168], 2e-3),
    (lambda: nn.CELU(), [-2.0, -1.0, 1.0, 2.0], np.float32,
     [-0.86466473, -0.63212055, 1.0, 2.0], 1e-6),
    (lambda: nn.SeLU(), [[-1.0, 4.0, -8.0], [2.0, -5.0, 9.0]], np.float32,
     [[-1.1113307, 4.202804, -1.7575096], [2.101402, -1.7462534, 9.456309]], 1e-6),
    (lambda: nn.SoftShrink(), [[0.5297, 0.7871, 1.1754], [0.7836, 0.6218, -1.1542]], np.float16,
     [[0.02979, 0.287, 0.676], [0.2837, 0.1216, -0.6543]], 2e-3),
    (lambda: nn.HShrink(), [[0.5, 1, 2.0], [0.0533, 0.0776, -2.1233]], np.float32,
     [[0.0, 1.0, 2.0], [0.0, 0.0, -2.1233]], 1e-6),
    (lambda: nn.Threshold(0.1, 20), [0.1, 0.2, 0.3], np.float32, [20.0, 0.2, 0.3], 1e-6),
    # MindSpore's documented FastGelu values are from a float16 kernel: 3.9921875 for 4.
    (lambda: nn.FastGelu(), [[-1.0, 4.0, -8.0], [2.0, -5.0, 9.0]], np.float32,
     [[-1.5418735e-01, 3.9921875e+00, -9.7473649e-06],
      [1.9375000e+00, -1.0052517e-03, 8.9824219e+00]], 2e-3),
]


@pytest.mark.parametrize("make, x, dtype, want, tol", DOCUMENTED,
                         ids=[type(d[0]()).__name__ for d in DOCUMENTED])
def test_documented_examples(make, x, dtype, want, tol):
    out = make()(Tensor(np.array(x, dtype)))
    assert out.dtype == gpuparam.dtype.from_numpy(np.dtype(dtype))
    np.testing.assert_allclose(out.asnumpy().astype(np.float64), want, rtol=tol, atol=tol)


# ------------------------------------------------------------- float64 references, 3 dtypes

def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def _fast_gelu(x):
    return x / (1 + np.exp(-1.702 * np.abs(x))) * np.exp(0.851 * (x - np.abs(x)))


REFERENCES = [
    ("ReLU", nn.ReLU, lambda x: np.maximum(x, 0)),
    ("ReLU6", nn.ReLU6, _torch(TF.relu6)),
    ("Sigmoid", nn.Sigmoid, _torch(torch.sigmoid)),
    ("Tanh", nn.Tanh, np.tanh),
    ("GELU", nn.GELU, _gelu_tanh),  # MindSpore's default is approximate=True
    ("GELU_exact", lambda: nn.GELU(approximate=False), _torch(TF.gelu)),
    ("GELU_vs_torch_tanh", nn.GELU, _torch(lambda t: TF.gelu(t, approximate="tanh"))),
    ("FastGelu", nn.FastGelu, _fast_gelu),
    ("SiLU", nn.SiLU, _torch(TF.silu)),
    ("HSwish", nn.HSwish, _torch(TF.hardswish)),
    ("HSigmoid", nn.HSigmoid, _torch(TF.hardsigmoid)),
    ("LeakyReLU", nn.LeakyReLU, lambda x: np.where(x >= 0, x, 0.2 * x)),
    ("LeakyReLU_1.5", lambda: nn.LeakyReLU(1.5), lambda x: np.minimum(1.5 * x, x)),
    ("ELU", nn.ELU, _torch(TF.elu)),
    ("ELU_0.5", lambda: nn.ELU(0.5), _torch(lambda t: TF.elu(t, 0.5))),
    ("CELU", lambda: nn.CELU(2.0), _torch(lambda t: TF.celu(t, 2.0))),
    ("SeLU", nn.SeLU, _torch(TF.selu)),
    ("Softsign", nn.Softsign, _torch(TF.softsign)),
    ("LogSigmoid", nn.LogSigmoid, _torch(TF.logsigmoid)),
    ("Mish", nn.Mish, _torch(TF.mish)),
    ("Hardtanh", lambda: nn.Hardtanh(-2, 3), _torch(lambda t: TF.hardtanh(t, -2, 3))),
    ("Tanhshrink", nn.Tanhshrink, _torch(TF.tanhshrink)),
    ("SoftShrink", nn.SoftShrink, _torch(TF.softshrink)),
    ("HShrink", lambda: nn.HShrink(1.0), _torch(lambda t: TF.hardshrink(t, 1.0))),
    ("Threshold", lambda: nn.Threshold(0.5, -7), _torch(lambda t: TF.threshold(t, 0.5, -7))),
    ("Softmax", nn.Softmax, _torch(lambda t: TF.softmax(t, -1))),
    ("Softmax_axis0", lambda: nn.Softmax(0), _torch(lambda t: TF.softmax(t, 0))),
    ("Softmax_axes", lambda: nn.Softmax((1, 2)),
     _torch(lambda t: TF.softmax(t.reshape(3, -1), -1).reshape(3, 4, 5))),
    ("Softmin", lambda: nn.Softmin(1), _torch(lambda t: TF.softmin(t, 1))),
    ("Softmax2d", nn.Softmax2d, _torch(lambda t: TF.softmax(t, -3))),
    ("LogSoftmax", nn.LogSoftmax, _torch(lambda t: TF.log_softmax(t, -1))),
    ("LogSoftmaxExt", nn.LogSoftmaxExt, _torch(lambda t: TF.log_softmax(t, 0))),  # 3-d: dim 0
    ("LogSoftmaxExt_2", lambda: nn.LogSoftmaxExt(2), _torch(lambda t: TF.log_softmax(t, 2))),
    ("PReLU", lambda: nn.PReLU(4, [0.1, -0.5, 2.0, 0.25]),
     _torch(lambda t: TF.prelu(t, torch.tensor(  # the parameter is Float32, as MindSpore's
         np.float32([0.1, -0.5, 2.0, 0.25]).astype(np.float64))))),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, make, reference", REFERENCES, ids=[r[0] for r in REFERENCES])
def test_cells_against_float64_references(name, make, reference, dtype):
    x = DATA.astype(dtype)
    out = make()(Tensor(x))
    assert out.dtype == gpuparam.dtype.from_numpy(np.dtype(dtype)) and out.shape == x.shape
    want = reference(x.astype(np.float64))
    if name.startswith("LeakyReLU") and dtype == np.float64:
        want = reference(x) * 0 + np.where(  # alpha is a Float32 scalar, as MindSpore's
            x >= 0, x, np.float64(np.float32(0.2 if name == "LeakyReLU" else 1.5)) * x)
        if name == "LeakyReLU_1.5":
            want = np.minimum(np.float64(np.float32(1.5)) * x, x)
    tol = TOL[dtype]
    np.testing.assert_allclose(out.asnumpy().astype(np.float64), want, rtol=tol, atol=tol)


def test_gelu_defaults_to_the_tanh_form_as_mindspore():
    x = Tensor(np.array([-1.0, 0.5, 3.0], np.float32))
    assert nn.GELU().approximate is True
    tanh_form = nn.GELU()(x).asnumpy()
    exact = nn.GELU(approximate=False)(x).asnumpy()
    assert not np.allclose(tanh_form, exact, rtol=1e-6, atol=0)
    np.testing.assert_allclose(tanh_form, _gelu_tanh(x.asnumpy().astype(np.float64)), rtol=1e-6)


def test_integer_inputs_follow_mindspore():
    ints = Tensor(np.array([-7, -3, -1, 0, 1, 2, 4, 9], np.int32))
    v = ints.asnumpy().astype(np.float64)
    assert nn.ReLU()(ints).tolist() == np.maximum(v, 0).astype(np.int32).tolist()
    assert nn.HSwish()(ints).tolist() == np.trunc(v * np.clip(v + 3, 0, 6) / 6).tolist()
    assert nn.HSigmoid()(ints).tolist() == np.trunc(np.clip(v + 3, 0, 6) / 6).tolist()
    # alpha is cast to the input's dtype: int(0.2) == 0, so LeakyReLU is ReLU on integers
    assert nn.LeakyReLU()(ints).tolist() == np.maximum(v, 0).tolist()
    assert nn.LeakyReLU(3)(ints).tolist() == np.minimum(3 * v, v).tolist()
    for cell in (nn.ReLU6(), nn.GELU(), nn.Sigmoid(), nn.ELU(), nn.SiLU(), nn.Mish()):
        with pytest.raises(TypeError, match=rf"^{type(cell).__name__}: `x` must be a Tensor "
                                            r"of Float16/Float32/Float64, not Int32"):
            cell(ints)


@pytest.mark.parametrize("make", [nn.ReLU, nn.GELU, nn.HSwish, nn.LeakyReLU, nn.Softmax,
                                  nn.LogSoftmax, nn.PReLU, nn.FastGelu])
def test_a_non_tensor_input_is_a_type_error(make):
    with pytest.raises(TypeError, match=r"`(x|logits)` must be a Tensor"):
        make()([1.0, 2.0])


@pytest.mark.parametrize("make, error, words", [
    (lambda: nn.GELU(approximate="tanh"), TypeError, ["GELU", "`approximate`", "a bool"]),
    (lambda: nn.LeakyReLU("0.1"), TypeError, ["LeakyReLU", "`alpha`", "a float or an int"]),
    (lambda: nn.ELU(None), TypeError, ["ELU", "`alpha`"]),
    (lambda: nn.CELU(0.0), ValueError, ["CELU", "`alpha`", "non-zero"]),
    (lambda: nn.Hardtanh(1.0, -1.0), ValueError, ["Hardtanh", "`max_val`"]),
    (lambda: nn.SoftShrink(-0.5), ValueError, ["SoftShrink", "`lambd`", ">= 0"]),
    (lambda: nn.Softmax(()), ValueError, ["Softmax", "`axis`"]),
    (lambda: nn.LogSoftmax(1.5), TypeError, ["LogSoftmax", "`axis`", "an int"]),
    (lambda: nn.LogSoftmaxExt("0"), TypeError, ["LogSoftmaxExt", "`dim`"]),
    (lambda: nn.PReLU(0), ValueError, ["PReLU", "`channel`", ">= 1"]),
    (lambda: nn.PReLU(2, [0.1]), ValueError, ["PReLU", "`w`", "channel=2"]),
    (lambda: nn.PReLU(2, [0.1, 1]), TypeError, ["PReLU", "`w`", "floats"]),
    (lambda: nn.PReLU(1, 1), TypeError, ["PReLU", "`w`", "a float, a list"]),
    (lambda: nn.PReLU(2, Tensor(np.ones(3, np.float32))), ValueError, ["PReLU", "`w`", "(2,)"]),
    (lambda: nn.PReLU(1, Tensor(np.ones(1, np.float64))), TypeError, ["PReLU", "`w`", "Float16"]),
    (lambda: nn.PReLUExt(init="a"), TypeError, ["PReLUExt", "`init`"]),
])
def test_bad_arguments_name_the_cell_and_argument(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert all(w in str(info.value) for w in words), str(info.value)


def test_prelu_checks_the_channel_count_and_casts_its_weight():
    prelu = nn.PReLU(3)
    with pytest.raises(ValueError, match=r"^PReLU: `x` must be a tensor with 3 channels on axis 1"):
        prelu(Tensor(np.ones((2, 4), np.float32)))
    x = np.array([[-2.0, 1.0, -4.0]], np.float16).reshape(1, 3, 1)
    out = prelu(Tensor(x))
    assert out.dtype == gpuparam.float16 and out.asnumpy().ravel().tolist() == [-0.5, 1.0, -1.0]
    assert prelu.w.dtype == gpuparam.float32  # the parameter itself is left as it is


# ------------------------------------------------------------- PReLU, Pad: MindSpore's layers

def _layers():
    data = ms.DATA
    return (json.loads((data / "layers.json").read_text())["layers"],
            np.load(data / "layers_forward.npz"))


LAYER_CASES = ["PReLU/default", "PReLU/channels", "PReLUExt/default", "PReLUExt/channels",
               "Pad/constant", "Pad/reflect", "Pad/symmetric", "Dense/relu",
               "Dense/gelu_3d_input"]


def _kwargs(value):
    if isinstance(value, list):
        return tuple(_kwargs(v) for v in value)
    return value


@pytest.mark.parametrize("key", LAYER_CASES)
def test_layers_match_mindspore(key):
    layers, forward = _layers()
    spec = layers[key]
    layer = getattr(nn, spec["class"])(**{k: _kwargs(v) for k, v in spec["kwargs"].items()})
    params = [(p.name, list(p.shape), str(p.dtype), p.requires_grad)
              for p in layer.get_parameters()]
    assert params == [tuple(p) for p in spec["parameters"]] or params == [
        list(p) for p in spec["parameters"]], (params, spec["parameters"])
    for name, init in spec["default_init"].items():
        if "constant" in init:
            np.testing.assert_array_equal(getattr(layer, name).asnumpy(),
                                          np.float32(init["constant"]))
    for attr, info in spec["attributes"].items():
        if "value" in info and not isinstance(getattr(layer, attr, None), (nn.Cell, type(None))):
            value = getattr(layer, attr)
            assert _kwargs(info["value"]) == value, (attr, value, info)
        elif info.get("type") == "Tensor":
            value = getattr(layer, attr)
            assert isinstance(value, Tensor) and list(value.shape) == info["shape"]
            assert str(value.dtype) == info["dtype"]
    for child, cls in spec["children"]:
        assert type(getattr(layer, child)).__name__ == cls
    for name in dict(layer.parameters_and_names()):
        layer.parameters_dict()[name].set_data(Tensor(forward[f"{key}/param/{name}"]))
    x = Tensor(forward[f"{key}/input/0"])
    np.testing.assert_allclose(layer(x).asnumpy(), forward[f"{key}/eval/output/0"],
                               rtol=2e-6, atol=2e-6)


# --------------------------------------------------------------------- get_activation, Dense

# nn.get_activation's names in MindSpore 2.10 (tools/mindspore_layer_notes.md) and the
# class each builds.
MINDSPORE_NAMES = {
    "softmin": "Softmin", "softmax": "Softmax", "softmax2d": "Softmax2d",
    "logsoftmax": "LogSoftmax", "logsoftmaxExt": "LogSoftmaxExt", "relu": "ReLU",
    "relu6": "ReLU6", "rrelu": "RReLU", "silu": "SiLU", "tanh": "Tanh",
    "tanhshrink": "Tanhshrink", "hardtanh": "Hardtanh", "gelu": "GELU", "fast_gelu": "FastGelu",
    "elu": "ELU", "sigmoid": "Sigmoid", "softsign": "Softsign", "prelu": "PReLU",
    "preluExt": "PReLUExt", "leakyrelu": "LeakyReLU", "hswish": "HSwish",
    "hsigmoid": "HSigmoid", "logsigmoid": "LogSigmoid", "softshrink": "SoftShrink",
    "hshrink": "HShrink", "threshold": "Threshold", "mish": "Mish",
}


@pytest.mark.parametrize("name", sorted(MINDSPORE_NAMES))
def test_get_activation_knows_mindspores_names(name):
    cls = MINDSPORE_NAMES[name]
    if name == "rrelu":
        with pytest.raises(NotImplementedError, match="'rrelu' is MindSpore's nn.RReLU"):
            nn.get_activation(name)
    elif name == "threshold":  # Threshold(threshold, value) has no defaults, as MindSpore's
        with pytest.raises(TypeError):
            nn.get_activation(name)
    else:
        cell = nn.get_activation(name)
        assert type(cell) is getattr(nn, cls) and isinstance(cell, nn.Cell)
        out = cell(Tensor(DATA[:, :1].astype(np.float32)))
        assert out.shape == (3, 1, 5)


def test_get_activation_none_and_unknown_names():
    assert nn.get_activation(None) is None
    for bad in ("swish", "ReLU", "GELU"):  # case-sensitive, as MindSpore's
        with pytest.raises(KeyError) as info:
            nn.get_activation(bad)
        assert isinstance(info.value, ValueError)
        assert str(info.value).startswith("get_activation: `name` must be one of ['softmin'")
    with pytest.raises(KeyError, match="^Dense: `name`"):
        nn.get_activation("swish", prim_name="Dense")
    with pytest.raises(TypeError, match="get_activation: `name` must be None or one of"):
        nn.get_activation(3)


@pytest.mark.parametrize("name", ["relu", "gelu", "leakyrelu", "hswish", "elu", "fast_gelu",
                                  "prelu", "logsoftmax", "mish"])
def test_dense_takes_every_name_as_a_child_cell(name):
    dense = nn.Dense(5, 3, activation=name)
    assert dense.activation_flag is True
    children = dict(dense.cells_and_names())
    assert type(children["activation"]) is type(nn.get_activation(name))
    x = Tensor(DATA[0].astype(np.float32))
    plain = nn.Dense(5, 3, weight_init=0.1, bias_init=0.0)
    dense.weight.set_data(Tensor(np.full((3, 5), 0.1, np.float32)))
    dense.bias.set_data(Tensor(np.zeros(3, np.float32)))
    np.testing.assert_allclose(dense(x).asnumpy(), nn.get_activation(name)(plain(x)).asnumpy(),
                               rtol=1e-6)
    assert [p.name for p in dense.get_parameters()][:2] == ["weight", "bias"]


def test_dense_takes_a_cell_or_a_primitive_and_refuses_the_rest():
    x = Tensor(np.array([[-3.0, 1.0]], np.float32))
    for act in (nn.ReLU6(), ops.ReLU(), ops.Softmax(), ops.Sigmoid()):
        dense = nn.Dense(2, 2, weight_init="ones", bias_init="zeros", activation=act)
        assert dense.activation is act and dense.activation_flag
        assert dense(x).shape == (1, 2)
    assert nn.Dense(2, 2, weight_init="ones", bias_init="zeros",
                    activation=ops.ReLU())(x).tolist() == [[0.0, 0.0]]
    assert nn.Dense(2, 2).activation_flag is False
    for bad in (ops.relu, np.tanh, 3, nn.ReLU):
        with pytest.raises(TypeError, match=r"^Dense: `activation` must be None, a Cell, a "
                                            r"Primitive or one of \['softmin'"):
            nn.Dense(2, 2, activation=bad)
    with pytest.raises(KeyError, match="^Dense: `activation` must be one of") as info:
        nn.Dense(2, 2, activation="Relu")
    assert isinstance(info.value, ValueError)


# ------------------------------------------------------------------------------ padding

PAD_CASES = [
    (lambda: nn.ZeroPad2d((1, 2, 0, 3)), (2, 3, 4, 5), (1, 2, 0, 3), "constant", 0.0),
    (lambda: nn.ZeroPad2d(2), (3, 4, 5), (2, 2, 2, 2), "constant", 0.0),
    (lambda: nn.ConstantPad1d((2, -1), 3.5), (2, 3, 5), (2, -1), "constant", 3.5),
    (lambda: nn.ConstantPad2d((1, 0, -1, 2), -1.0), (2, 3, 4, 5), (1, 0, -1, 2), "constant",
     -1.0),
    (lambda: nn.ConstantPad3d(1, 2.0), (2, 3, 4, 5), (1,) * 6, "constant", 2.0),
    (lambda: nn.ReflectionPad1d((3, 1)), (2, 3, 5), (3, 1), "reflect", None),
    (lambda: nn.ReflectionPad2d((1, 2, 3, 0)), (2, 3, 4, 5), (1, 2, 3, 0), "reflect", None),
    (lambda: nn.ReflectionPad3d(1), (1, 2, 3, 4, 5), (1,) * 6, "reflect", None),
    (lambda: nn.ReplicationPad1d((4, 1)), (3, 2), (4, 1), "replicate", None),
    (lambda: nn.ReplicationPad2d((0, 6, 2, 1)), (2, 3, 4, 5), (0, 6, 2, 1), "replicate", None),
    (lambda: nn.ReplicationPad3d((1, 0, 2, 1, 0, 3)), (1, 2, 3, 4, 5), (1, 0, 2, 1, 0, 3),
     "replicate", None),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make, shape, pads, mode, value", PAD_CASES,
                         ids=[f"{type(c[0]()).__name__}-{c[2]}" for c in PAD_CASES])
def test_torch_style_pads_match_torch(make, shape, pads, mode, value, dtype):
    x = RNG.normal(size=shape).astype(dtype)
    want = TF.pad(torch.from_numpy(x.astype(np.float64)), pads, mode=mode,
                  **({"value": value} if mode == "constant" else {})).numpy()
    out = make()(Tensor(x))
    assert out.dtype == gpuparam.dtype.from_numpy(np.dtype(dtype))
    np.testing.assert_array_equal(out.asnumpy(), want.astype(dtype))


def test_pad_modes_against_numpy_and_int_inputs():
    x = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    pads = ((0, 1), (2, 2), (3, 0))
    for mode, numpy_mode in (("CONSTANT", "constant"), ("REFLECT", "reflect"),
                             ("SYMMETRIC", "symmetric")):
        out = nn.Pad(pads, mode)(Tensor(x))
        assert out.dtype == gpuparam.int32
        np.testing.assert_array_equal(out.asnumpy(), np.pad(x, pads, mode=numpy_mode))
    assert nn.ZeroPad2d(1)(Tensor(x)).dtype == gpuparam.int32


@pytest.mark.parametrize("make, x_shape, error, words", [
    (lambda: nn.Pad([[1, 1]], "EDGE"), (3,), ValueError, ["Pad", "`mode`", "'SYMMETRIC'"]),
    (lambda: nn.Pad(((1, -1),)), (3,), ValueError, ["Pad", "`paddings`", ">= 0"]),
    (lambda: nn.Pad((1, 1)), (3,), TypeError, ["Pad", "`paddings`", "pairs"]),
    (lambda: nn.Pad(((1, 1),)), (3, 3), ValueError, ["Pad", "`x`", "1-d tensor"]),
    (lambda: nn.Pad(((3, 0),), "REFLECT"), (3,), ValueError, ["Pad", "`paddings`", "size - 1"]),
    (lambda: nn.Pad(((0, 4),), "SYMMETRIC"), (3,), ValueError, ["Pad", "`paddings`"]),
    (lambda: nn.ZeroPad2d((1, 1, 1)), (1, 3, 3), TypeError, ["ZeroPad2d", "`padding`", "4 ints"]),
    (lambda: nn.ZeroPad2d(1), (3, 3), ValueError, ["ZeroPad2d", "`x`", "3-d or 4-d"]),
    (lambda: nn.ConstantPad1d(1, "0"), (1, 3), TypeError, ["ConstantPad1d", "`value`"]),
    (lambda: nn.ConstantPad1d((-2, -2), 0.0), (1, 3), ValueError, ["ConstantPad1d", "crops"]),
    (lambda: nn.ReflectionPad1d(3), (1, 3), ValueError, ["ReflectionPad1d", "`padding`"]),
    (lambda: nn.ReplicationPad2d(-1), (1, 3, 3), ValueError, ["ReplicationPad2d", ">= 0"]),
])
def test_bad_padding_names_the_cell(make, x_shape, error, words):
    with pytest.raises(error) as info:
        make()(Tensor(np.ones(x_shape, np.float32)))
    assert all(w in str(info.value) for w in words), str(info.value)


def test_constant_pad_refuses_a_fraction_for_integers():
    with pytest.raises(ValueError, match="ConstantPad2d: `value` must be an integer for a Int32"):
        nn.ConstantPad2d(1, 0.5)(Tensor(np.ones((1, 2, 2), np.int32)))


# ----------------------------------------------------------------------- Unfold, resizing

def _patches64(x, k, s, r, padding):
    """TensorFlow's extract_image_patches, element by element, in float64."""
    n, c, h, w = x.shape
    eh, ew = k[0] + (k[0] - 1) * (r[0] - 1), k[1] + (k[1] - 1) * (r[1] - 1)
    if padding == "same":
        oh, ow = -(-h // s[0]), -(-w // s[1])
        top = max((oh - 1) * s[0] + eh - h, 0) // 2
        left = max((ow - 1) * s[1] + ew - w, 0) // 2
    else:
        oh, ow = -(-(h - eh + 1) // s[0]), -(-(w - ew + 1) // s[1])
        top = left = 0
    out = np.zeros((n, k[0] * k[1] * c, oh, ow))
    for b in range(n):
        for i in range(k[0]):
            for j in range(k[1]):
                for ch in range(c):
                    for p in range(oh):
                        for q in range(ow):
                            row, col = p * s[0] + i * r[0] - top, q * s[1] + j * r[1] - left
                            if 0 <= row < h and 0 <= col < w:
                                out[b, (i * k[1] + j) * c + ch, p, q] = x[b, ch, row, col]
    return out


@pytest.mark.parametrize("k, s, r, padding", [((2, 2), (1, 1), (1, 1), "valid"),
                                              ((3, 2), (2, 1), (1, 2), "valid"),
                                              ((3, 3), (2, 2), (1, 1), "same"),
                                              ((2, 3), (3, 2), (2, 1), "SAME")])
def test_unfold_against_a_loop_reference(k, s, r, padding):
    x = RNG.normal(size=(2, 3, 7, 6)).astype(np.float32)
    net = nn.Unfold([1, *k, 1], [1, *s, 1], [1, *r, 1], padding)
    out = net(Tensor(x))
    want = _patches64(x.astype(np.float64), k, s, r, padding.lower())
    assert out.shape == want.shape and out.dtype == gpuparam.float32
    np.testing.assert_array_equal(out.asnumpy(), want.astype(np.float32))


def test_unfold_bad_arguments():
    with pytest.raises(ValueError, match=r"Unfold: `ksizes` must be \[1, rows, cols, 1\]"):
        nn.Unfold([2, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1])
    with pytest.raises(TypeError, match="Unfold: `strides` must be a tuple or list of 4 ints"):
        nn.Unfold([1, 2, 2, 1], [1, 1, 1], [1, 1, 1, 1])
    with pytest.raises(ValueError, match="Unfold: `padding` must be one of"):
        nn.Unfold([1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "full")
    with pytest.raises(ValueError, match="Unfold: `ksizes` must be a dilated window that fits"):
        nn.Unfold([1, 3, 3, 1], [1, 1, 1, 1], [1, 2, 2, 1])(Tensor(np.ones((1, 1, 4, 4), np.float32)))


def _bilinear64(x, out_h, out_w, rule):
    """Bilinear resize, one output pixel at a time, in float64."""
    n, c, h, w = x.shape

    def src(i, n_in, n_out):
        if rule == "align_corners":
            return i * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        if rule == "half_pixel":
            return max((i + 0.5) * n_in / n_out - 0.5, 0.0)
        return i * n_in / n_out

    out = np.zeros((n, c, out_h, out_w))
    for p in range(out_h):
        fy = src(p, h, out_h)
        y0 = min(int(math.floor(fy)), h - 1)
        y1, wy = min(y0 + 1, h - 1), fy - y0
        for q in range(out_w):
            fx = src(q, w, out_w)
            x0 = min(int(math.floor(fx)), w - 1)
            x1, wx = min(x0 + 1, w - 1), fx - x0
            top = x[:, :, y0, x0] * (1 - wx) + x[:, :, y0, x1] * wx
            bottom = x[:, :, y1, x0] * (1 - wx) + x[:, :, y1, x1] * wx
            out[:, :, p, q] = top * (1 - wy) + bottom * wy
    return out


def test_resize_bilinear_documented_example():
    # MindSpore 1.x's documented nn.ResizeBilinear example and output.
    x = Tensor([[[[1, 2, 3, 4], [5, 6, 7, 8]]]], gpuparam.float32)
    want = [[1.0, 1.8, 2.6, 3.4, 4.0], [2.6, 3.4, 4.2000003, 5.0, 5.6000004],
            [4.2, 5.0000005, 5.8, 6.6, 7.2], [5.0, 5.8, 6.6, 7.4, 8.0],
            [5.0, 5.8, 6.6, 7.4000006, 8.0]]
    np.testing.assert_allclose(nn.ResizeBilinear()(x, size=(5, 5)).asnumpy()[0, 0], want,
                               rtol=1e-6)


@pytest.mark.parametrize("half_pixel, align, rule", [(False, False, "asymmetric"),
                                                     (False, True, "align_corners"),
                                                     (True, False, "half_pixel")])
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_resize_bilinear_against_a_loop_reference(half_pixel, align, rule, dtype):
    x = RNG.normal(size=(2, 3, 4, 5)).astype(dtype)
    cell = nn.ResizeBilinear(half_pixel_centers=half_pixel)
    by_size = cell(Tensor(x), size=(7, 3), align_corners=align)
    by_factor = cell(Tensor(x), scale_factor=2, align_corners=align)
    assert by_size.dtype == gpuparam.dtype.from_numpy(np.dtype(dtype))
    tol = TOL[dtype] * 2
    np.testing.assert_allclose(by_size.asnumpy(), _bilinear64(x.astype(np.float64), 7, 3, rule),
                               rtol=tol, atol=tol)
    np.testing.assert_allclose(by_factor.asnumpy(),
                               _bilinear64(x.astype(np.float64), 8, 10, rule), rtol=tol, atol=tol)


def test_resize_bilinear_bad_arguments():
    x = Tensor(np.ones((1, 1, 2, 2), np.float32))
    cell = nn.ResizeBilinear()
    with pytest.raises(ValueError, match="exactly one of `size` and `scale_factor`"):
        cell(x)
    with pytest.raises(ValueError, match="exactly one of `size` and `scale_factor`"):
        cell(x, size=(2, 2), scale_factor=2)
    with pytest.raises(ValueError, match="ResizeBilinear: `size` must be a tuple or list of 2"):
        cell(x, size=(2, 0))
    with pytest.raises(ValueError, match="ResizeBilinear: `scale_factor` must be an int >= 1"):
        cell(x, scale_factor=1.5)
    with pytest.raises(ValueError, match="cannot both be True"):
        nn.ResizeBilinear(True)(x, size=(3, 3), align_corners=True)
    with pytest.raises(TypeError, match="ResizeBilinear: `x` must be a Tensor of Float16"):
        cell(Tensor(np.ones((1, 1, 2, 2), np.int32)), size=(3, 3))
    with pytest.raises(TypeError, match="ResizeBilinear: `half_pixel_centers` must be a bool"):
        nn.ResizeBilinear(1)


# ---------------------------------------------------- ClipByNorm, CentralCrop, MatMul, Identity

@pytest.mark.parametrize("axis", [None, (), 0, 1, (0, 2), -1])
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_clip_by_norm_against_float64(axis, dtype):
    x = DATA.astype(dtype)
    clip = np.array([2.5], np.float32)
    out = nn.ClipByNorm(axis)(Tensor(x), Tensor(clip))
    assert out.dtype == gpuparam.float32 and out.shape == x.shape
    wide = x.astype(np.float64)
    axes = None if axis in (None, ()) else axis
    norm = np.sqrt((wide ** 2).sum(axis=axes, keepdims=True))
    want = wide * 2.5 / np.maximum(norm, 2.5)
    np.testing.assert_allclose(out.asnumpy(), want, rtol=2e-6, atol=1e-7)
    small = nn.ClipByNorm(axis)(Tensor(x), 1e6)  # norms under clip_norm leave x as it is
    np.testing.assert_allclose(small.asnumpy(), wide, rtol=1e-6)


def test_clip_by_norm_bad_input():
    x = Tensor(np.ones((2, 2), np.float32))
    with pytest.raises(TypeError, match="ClipByNorm: `x` must be a Tensor of Float16/Float32"):
        nn.ClipByNorm()(Tensor(np.ones((2, 2))), 1.0)
    with pytest.raises(TypeError, match="ClipByNorm: `clip_norm` must be a Tensor of Float16"):
        nn.ClipByNorm()(x, Tensor(np.ones(1, np.int32)))
    with pytest.raises(ValueError, match="ClipByNorm: `clip_norm` must be a number > 0"):
        nn.ClipByNorm()(x, -1.0)
    with pytest.raises(TypeError, match="ClipByNorm: `axis` must be None, an int or a tuple"):
        nn.ClipByNorm("0")
    with pytest.raises(ValueError, match="ClipByNorm: `axis`"):
        nn.ClipByNorm(2)(x, 1.0)


@pytest.mark.parametrize("fraction", [1.0, 0.5, 0.3, 0.75, 0.99])
def test_central_crop_follows_tensorflows_rule(fraction):
    x = RNG.normal(size=(2, 3, 7, 10)).astype(np.float32)
    image = Tensor(x)
    out = nn.CentralCrop(fraction)(image)
    top = int((7 - 7 * fraction) / 2)
    left = int((10 - 10 * fraction) / 2)
    np.testing.assert_array_equal(out.asnumpy(), x[..., top:7 - top, left:10 - left])
    assert (out is image) == (fraction == 1.0)
    assert nn.CentralCrop(fraction)(Tensor(x[0])).shape == x[0, :, top:7 - top, left:10 - left].shape


def test_central_crop_bad_input():
    with pytest.raises(ValueError, match=r"CentralCrop: `central_fraction` must be a float in \(0, 1\]"):
        nn.CentralCrop(0.0)
    with pytest.raises(TypeError, match="CentralCrop: `central_fraction` must be a float"):
        nn.CentralCrop("0.5")
    with pytest.raises(ValueError, match=r"CentralCrop: `image` must be a \(C, H, W\)"):
        nn.CentralCrop(0.5)(Tensor(np.ones((4, 4), np.float32)))


@pytest.mark.parametrize("t1, t2, s1, s2", [(False, False, (2, 3), (3, 4)),
                                            (True, False, (3, 2), (3, 4)),
                                            (False, True, (5, 2, 3), (4, 3)),
                                            (True, True, (1, 3, 2), (6, 4, 3)),
                                            (False, False, (3,), (2, 3, 4))])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32])
def test_matmul_against_numpy_float64(t1, t2, s1, s2, dtype):
    a, b = RNG.integers(-4, 5, s1).astype(dtype), RNG.integers(-4, 5, s2).astype(dtype)
    out = nn.MatMul(t1, t2)(Tensor(a), Tensor(b))
    wa = a.astype(np.float64).swapaxes(-1, -2) if t1 else a.astype(np.float64)
    wb = b.astype(np.float64).swapaxes(-1, -2) if t2 else b.astype(np.float64)
    assert out.dtype == gpuparam.dtype.from_numpy(np.dtype(dtype))
    np.testing.assert_array_equal(out.asnumpy().astype(np.float64), wa @ wb)  # small ints: exact


def test_matmul_bad_input():
    a = Tensor(np.ones((2, 3), np.float32))
    with pytest.raises(TypeError, match=r"MatMul: `x2` must have the dtype of `x1` \(Float32\)"):
        nn.MatMul()(a, Tensor(np.ones((3, 2), np.float16)))
    with pytest.raises(ValueError, match="MatMul: `x2` must be a contracted dim of 3"):
        nn.MatMul()(a, a)
    with pytest.raises(TypeError, match="MatMul: `x1` must be a Tensor"):
        nn.MatMul()([[1.0]], a)
    with pytest.raises(TypeError, match="MatMul: `transpose_x1` must be a bool"):
        nn.MatMul(1)


def test_identity_returns_its_input():
    x = Tensor(np.arange(4, dtype=np.int64))
    assert nn.Identity(3, unused=True)(x) is x
    assert nn.Identity()("anything") == "anything"


def test_prelu_parameter_is_named_w_and_trainable_in_a_network():
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.act = nn.PReLU(2, [0.5, 0.25])
            self.ext = nn.PReLUExt(2, init=0.1, dtype=gpuparam.float16)

        def construct(self, x):
            return self.ext(self.act(x))

    net = Net()
    assert [(n, p.shape, str(p.dtype)) for n, p in net.parameters_and_names()] == [
        ("act.w", (2,), "Float32"), ("ext.weight", (2,), "Float16")]
    assert isinstance(net.act.w, Parameter) and net.act.w.requires_grad
    out = net(Tensor(np.array([[-1.0, -1.0]], np.float32)))
    np.testing.assert_allclose(out.asnumpy(), [[-0.05, -0.025]], rtol=1e-3)
