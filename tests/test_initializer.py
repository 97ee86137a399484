"""Initializers: names, ``initializer()``'s inputs, laziness, configs, custom subclasses, errors.

Statistics are in test_initializer_stats.py; determinism, slices, goldens and the
backend table in test_initializer_determinism.py.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gpuparam import Tensor, _backend, _random
from gpuparam import dtype as mstype
from gpuparam.common import initializer as init
from gpuparam.common.initializer import (Constant, DeltaOrthogonal, Dirac, HeNormal, HeUniform,
                                         Identity, Initializer, LecunNormal, LecunUniform,
                                         Normal, One, Orthogonal, Sparse, TruncatedNormal,
                                         Uniform, VarianceScaling, XavierNormal, XavierUniform,
                                         Zero, calculate_gain, compute_fans, initializer)

BUILTINS = [Zero(), One(), Constant(2.5), Uniform(0.3), Normal(0.2, 1.0),
            TruncatedNormal(1.0, 0.5, -1.0, 1.5), XavierUniform(2.0), XavierNormal(0.5),
            HeUniform(0.1, "fan_out", "leaky_relu"), HeNormal(mode="fan_in", nonlinearity="tanh"),
            LecunUniform(), LecunNormal(), VarianceScaling(2.0, "fan_geo_avg", "uniform"),
            Identity(), Dirac(2), Orthogonal(1.5), DeltaOrthogonal(0.5), Sparse(0.25, 0.1)]


# ----------------------------------------------------------------------------- names

@pytest.mark.parametrize(("name", "cls"), [
    ("zero", Zero), ("zeros", Zero), ("one", One), ("ones", One), ("normal", Normal),
    ("Normal", Normal), ("uniform", Uniform), ("truncatedNormal", TruncatedNormal),
    ("truncated_normal", TruncatedNormal), ("xavier_uniform", XavierUniform),
    ("XavierUniform", XavierUniform), ("glorot_uniform", XavierUniform),
    ("xavier_normal", XavierNormal), ("xaviernormal", XavierNormal),
    ("glorot_normal", XavierNormal), ("he_uniform", HeUniform), ("HeUniform", HeUniform),
    ("kaiming_uniform", HeUniform), ("he_normal", HeNormal), ("henormal", HeNormal),
    ("kaiming_normal", HeNormal), ("lecun_uniform", LecunUniform),
    ("lecun_normal", LecunNormal), ("identity", Identity), ("dirac", Dirac),
    ("orthogonal", Orthogonal), ("varianceScaling", VarianceScaling),
    ("deltaorthogonal", DeltaOrthogonal), ("delta_orthogonal", DeltaOrthogonal),
])
def test_names_are_case_insensitive_and_use_defaults(name, cls):
    shape = (6, 4, 3) if cls in (Dirac, DeltaOrthogonal) else (6, 4)
    t = initializer(name, shape, mstype.float32)
    assert type(t.init) is cls and t.init == cls()
    assert t.has_init and t.shape == shape


def test_one_table_holds_every_name():
    table = init.INITIALIZER_NAMES
    assert all(name == name.lower() for name in table)
    assert {"zero", "zeros", "one", "ones", "normal", "uniform", "truncatednormal",
            "xavier_uniform", "xavieruniform", "xavier_normal", "xaviernormal", "he_uniform",
            "heuniform", "he_normal", "henormal", "identity", "sparse", "dirac", "orthogonal",
            "variancescaling", "truncated_normal", "constant", "kaiming_uniform",
            "kaiming_normal", "lecun_uniform", "lecun_normal", "glorot_uniform",
            "glorot_normal", "deltaorthogonal"} <= set(table)


def test_unknown_name_lists_the_accepted_ones():
    with pytest.raises(ValueError, match=r"initializer: `init` must be an initializer name.*"
                                         r"'he_normal'.*got 'he_norml'"):
        initializer("he_norml", (2, 2))


@pytest.mark.parametrize(("name", "cls", "arg"), [("constant", "Constant", "value"),
                                                  ("Sparse", "Sparse", "sparsity")])
def test_names_without_defaults_say_so(name, cls, arg):
    with pytest.raises(ValueError, match=rf"`{arg}` has no default.*{cls}\({arg}=\.\.\.\)"):
        initializer(name, (4, 4))


# ----------------------------------------------------------------------------- initializer()

def test_returns_a_lazy_tensor_without_a_buffer():
    t = initializer(Normal(0.2), shape=[32, 3, 4, 3, 3], dtype=mstype.float32)
    assert type(t) is Tensor and t.has_init and t._array is None
    assert t.shape == (32, 3, 4, 3, 3) and t.dtype is mstype.float32
    assert t.init_data() is t and not t.has_init
    assert t.asnumpy().dtype == np.float32


def test_default_dtype_is_float32_and_shape_may_be_an_int():
    t = initializer("ones", 5)
    assert t.shape == (5,) and t.dtype is mstype.float32


def test_numpy_integer_shapes_and_dtypes_are_accepted():
    t = initializer("zeros", (np.int64(2), np.int32(3)), np.float64)
    assert t.shape == (2, 3) and t.dtype is mstype.float64


def test_numbers_become_constants():
    t = initializer(3, [2, 2], mstype.int32)
    assert t.init == Constant(3)
    np.testing.assert_array_equal(t.asnumpy(), np.full((2, 2), 3, np.int32))
    np.testing.assert_array_equal(initializer(-1.5, 3, mstype.float64).asnumpy(), [-1.5] * 3)


def test_tensor_is_returned_as_is():  # reference page 000, "The Parameter of Init is Tensor"
    weight_init = Tensor(np.ones([32, 3, 4, 3, 3]), dtype=mstype.float32)
    assert initializer(weight_init, shape=[32, 3, 4, 3, 3]) is weight_init
    assert initializer(weight_init) is weight_init
    with pytest.raises(ValueError, match=r"initializer: `shape` must be the shape of the `init` "
                                         r"Tensor, \(32, 3, 4, 3, 3\), got \[32, 3, 4, 3\]"):
        initializer(weight_init, shape=[32, 3, 4, 3])


def test_parameter_from_initializer():  # reference page 000, "Application in Parameter"
    from gpuparam._parameter import Parameter

    y = Parameter(default_input=initializer("ones", [1, 2, 3], mstype.float32), name="y")
    assert str(y) == "Parameter (name=y, shape=(1, 2, 3), dtype=Float32, requires_grad=True)"
    np.testing.assert_array_equal(y.asnumpy(), np.ones((1, 2, 3), np.float32))


@pytest.mark.parametrize(("kwargs", "exc", "pattern"), [
    ({"init": True}, TypeError, r"initializer: `init` must be .*not a bool.*got True"),
    ({"init": np.bool_(False)}, TypeError, r"initializer: `init` must be"),
    ({"init": 1 + 2j}, TypeError, r"initializer: `init` must be a Tensor, a str, an Initializer "
                                  r"or a number, got \(1\+2j\)"),
    ({"init": None}, TypeError, r"initializer: `init` must be"),
    ({"init": Normal}, TypeError, r"initializer: `init` must be an Initializer instance, got the "
                                  r"class Normal; call it: Normal\(\)"),
    ({"init": np.ones(3)}, TypeError, r"initializer: `init` must be"),
    ({"init": "normal", "shape": None}, TypeError, r"initializer: `shape` is required"),
    ({"init": "normal", "shape": (2, True)}, TypeError, r"initializer: `shape` must be an int or "
                                                        r"a list/tuple of ints"),
    ({"init": "normal", "shape": True}, TypeError, r"initializer: `shape`"),
    ({"init": "normal", "shape": (2.0, 3)}, TypeError, r"initializer: `shape`"),
    ({"init": "normal", "shape": np.array([2, 3])}, TypeError, r"initializer: `shape`"),
    ({"init": "normal", "shape": (2, 0)}, ValueError, r"initializer: `shape` must be sizes >= 1"),
    ({"init": "normal", "shape": -3}, ValueError, r"initializer: `shape`"),
    ({"init": "normal", "shape": (2, 2), "dtype": "nonsense"}, TypeError,
     r"initializer: `dtype` must be a gpuparam dtype"),
])
def test_initializer_argument_errors(kwargs, exc, pattern):
    kwargs.setdefault("shape", (2, 2))
    with pytest.raises(exc, match=pattern):
        initializer(**kwargs)


# ----------------------------------------------------------------------------- objects

@pytest.mark.parametrize("obj", BUILTINS, ids=lambda o: type(o).__name__)
def test_config_round_trips_and_repr_reads_back(obj):
    cls = type(obj)
    config = obj.get_config()
    assert cls.from_config(config) == obj
    assert hash(cls.from_config(config)) == hash(obj)
    assert eval(repr(obj), vars(init)) == obj  # noqa: S307 - our own repr
    assert re.fullmatch(rf"{cls.__name__}\(.*\)", repr(obj))


def test_positional_arguments_follow_mindspore():
    assert Normal(0.2) == Normal(sigma=0.2, mean=0.0)
    assert Sparse(0.1) == Sparse(sparsity=0.1, sigma=0.01)
    assert TruncatedNormal(0.5, 1.0, -1.0, 3.0).get_config() == {
        "sigma": 0.5, "mean": 1.0, "a": -1.0, "b": 3.0}
    assert HeNormal(0.2, "fan_out", "leaky_relu").get_config() == {
        "negative_slope": 0.2, "mode": "fan_out", "nonlinearity": "leaky_relu"}
    assert VarianceScaling(2.0, "fan_avg", "uniform") != VarianceScaling(2.0, "fan_avg")
    assert repr(Uniform()) == "Uniform(scale=0.07)"
    assert repr(LecunNormal()) == "LecunNormal()"
    assert init.Normal(0.2).sigma == 0.2  # reference page 003: `init.Normal(0.2)`


def test_from_config_needs_a_dict():
    with pytest.raises(TypeError, match=r"Normal.from_config: `config` must be a dict"):
        Normal.from_config([("sigma", 1.0)])


def test_named_schemes_specialise_variance_scaling():
    assert isinstance(XavierUniform(), VarianceScaling)
    x = XavierUniform(2.0)
    assert (x.scale, x.mode, x.distribution) == (4.0, "fan_avg", "uniform")
    h = HeNormal(mode="fan_out", nonlinearity="relu")
    assert (h.scale, h.mode, h.distribution) == (pytest.approx(2.0), "fan_out",
                                                 "untruncated_normal")
    assert (LecunNormal().mode, LecunNormal().distribution) == ("fan_in", "truncated_normal")
    assert (LecunUniform().scale, LecunUniform().distribution) == (1.0, "uniform")


# ----------------------------------------------------------------------------- fans, gain

@pytest.mark.parametrize(("shape", "fans"), [
    ((10, 20), (20, 10)),                    # Dense (out, in)
    ((64, 3, 3, 3), (27, 576)),              # Conv2d (out, in, kh, kw)
    ((32, 3, 4, 3, 3), (108, 1152)),         # Conv3d (out, in, kd, kh, kw)
    ((128, 8, 5, 5), (200, 3200)),           # grouped Conv2d: (out, in // group, kh, kw)
    ([7, 5, 2], (10, 14)),                   # Conv1d
])
def test_compute_fans(shape, fans):
    assert compute_fans(shape) == fans


@pytest.mark.parametrize("shape", [(5,), ()])
def test_fans_need_two_dimensions(shape):
    with pytest.raises(ValueError, match=r"compute_fans: `shape` must be at least 2 dimensions"):
        compute_fans(shape)


@pytest.mark.parametrize(("args", "gain"), [
    (("linear",), 1.0), (("conv1d",), 1.0), (("conv2d",), 1.0), (("conv3d",), 1.0),
    (("conv_transpose1d",), 1.0), (("conv_transpose2d",), 1.0), (("conv_transpose3d",), 1.0),
    (("sigmoid",), 1.0), (("tanh",), 5.0 / 3), (("relu",), math.sqrt(2.0)),
    (("leaky_relu",), math.sqrt(2.0 / (1 + 0.01 ** 2))), (("leaky_relu", 0.2), math.sqrt(2 / 1.04)),
    (("leaky_relu", 3), math.sqrt(2.0 / 10)), (("selu",), 0.75),
    (("relu", "ignored"), math.sqrt(2)),
])
def test_calculate_gain_matches_pytorch(args, gain):
    assert calculate_gain(*args) == gain


@pytest.mark.parametrize(("args", "pattern"), [
    (("softmax",), r"calculate_gain: `nonlinearity` must be one of \['linear'.*got 'softmax'"),
    (("Relu",), r"`nonlinearity`.*got 'Relu'"),
    ((None,), r"`nonlinearity`"),
    (("leaky_relu", True), r"calculate_gain: `param` must be a finite int or float.*got True"),
    (("leaky_relu", "0.1"), r"`param`.*got '0.1'"),
    (("leaky_relu", float("nan")), r"`param`"),
])
def test_calculate_gain_rejects_with_value_error(args, pattern):
    with pytest.raises(ValueError, match=pattern):
        calculate_gain(*args)


# ----------------------------------------------------------------------------- custom subclass

def _calculate_fan_in_and_fan_out(arr):  # reference page 002, verbatim
    # calculate fan_in and fan_out. fan_in is the number of input units in `arr` , and fan_out is the number of output units in `arr`.  # noqa: E501
    shape = arr.shape
    dimensions = len(shape)
    if dimensions < 2:
        raise ValueError("'fan_in' and 'fan_out' can not be computed for arr with fewer than"  # noqa: UP032
                         " 2 dimensions, but got dimensions {}.".format(dimensions))
    if dimensions == 2:  # Linear
        fan_in = shape[1]
        fan_out = shape[0]
    else:
        num_input_fmaps = shape[1]
        num_output_fmaps = shape[0]
        receptive_field_size = 1
        for i in range(2, dimensions):
            receptive_field_size *= shape[i]
        fan_in = num_input_fmaps * receptive_field_size
        fan_out = num_output_fmaps * receptive_field_size
    return fan_in, fan_out


class PageXavierNormal(Initializer):  # reference page 002's `XavierNormal`, verbatim
    def __init__(self, gain=1):
        super().__init__()
        # Configure the parameters required for initialization
        self.gain = gain

    def _initialize(self, arr): # arr is a Tensor to be initialized
        fan_in, fan_out = _calculate_fan_in_and_fan_out(arr) # Compute fan_in, fan_out

        std = self.gain * math.sqrt(2.0 / float(fan_in + fan_out)) # Calculate std value
        data = np.random.normal(0, std, arr.shape) # Construct the initialized array with numpy

        arr[:] = data[:] # Assign the initialized ndarray to arr


def test_page_002_custom_initializer_runs_unchanged():
    _random.set_seed(3)
    t = initializer(PageXavierNormal(), (64, 3, 3, 3), mstype.float32)
    assert t.has_init and repr(t.init) == "PageXavierNormal(gain=1)"
    values = t.asnumpy()
    assert values.shape == (64, 3, 3, 3) and values.dtype == np.float32
    expected_std = math.sqrt(2.0 / (27 + 576))
    assert values.std() == pytest.approx(expected_std, rel=0.06)  # 1728 samples: SE 1.7%
    assert abs(values.mean()) < 4 * expected_std / math.sqrt(values.size)


def test_custom_initializer_is_deterministic_and_leaves_numpy_alone():
    _random.set_seed(5)  # seeds numpy.random too, as MindSpore's set_seed does
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    first = initializer(PageXavierNormal(2), (8, 4)).asnumpy()
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    _random.set_seed(5)
    again = initializer(PageXavierNormal(2), (8, 4)).asnumpy()
    np.testing.assert_array_equal(first, again)


def test_custom_initializer_slices_the_whole():
    _random.set_seed(9)
    whole = initializer(PageXavierNormal(), (6, 5)).asnumpy()
    _random.set_seed(9)
    part = initializer(PageXavierNormal(), (6, 5)).init_data(index=(slice(1, 5, 2), slice(2, 4)))
    np.testing.assert_array_equal(part.asnumpy(), whole[1:5:2, 2:4])


def test_subclass_without_initialize_fails_at_declaration():
    class Empty(Initializer):
        pass

    with pytest.raises(TypeError, match=r"Empty: an Initializer subclass must implement "
                                        r"`_initialize\(self, arr\)`"):
        initializer(Empty(), (2, 2))
    with pytest.raises(NotImplementedError, match=r"Empty: .*`_initialize"):
        Empty()(np.zeros(2))


@pytest.mark.parametrize("obj", BUILTINS, ids=lambda o: type(o).__name__)
def test_call_fills_a_numpy_array_in_place(obj):
    shape = (8, 6, 3) if isinstance(obj, (Dirac, DeltaOrthogonal)) else (8, 6)
    arr = np.full(shape, np.nan, np.float32)
    assert obj(arr) is None
    assert np.isfinite(arr).all()
    _random.set_seed(11)
    expected = initializer(obj, shape, mstype.float32).asnumpy()
    _random.set_seed(11)
    arr2 = np.empty(shape, np.float32)
    obj(arr2)  # takes the next key, as a lazy tensor created at this point would
    np.testing.assert_array_equal(arr2, expected)


def test_call_needs_an_array():
    with pytest.raises(TypeError, match=r"Normal: `arr` must be a NumPy array"):
        Normal()([0.0, 0.0])


# ----------------------------------------------------------------------------- errors

def _errors():
    """(build, exception, fragments of the message): each names initializer + argument."""
    return [
        (lambda: Normal(-1.0), ValueError, ["Normal", "`sigma`", "> 0", "-1.0"]),
        (lambda: Normal(0), ValueError, ["Normal", "`sigma`", "got 0.0"]),
        (lambda: Normal("0.1"), TypeError, ["Normal", "`sigma`", "'0.1'"]),
        (lambda: Normal(0.1, float("inf")), ValueError, ["Normal", "`mean`", "finite"]),
        (lambda: Uniform(0), ValueError, ["Uniform", "`scale`", "> 0"]),
        (lambda: Uniform(True), TypeError, ["Uniform", "`scale`", "True"]),
        (lambda: TruncatedNormal(0.0), ValueError, ["TruncatedNormal", "`sigma`"]),
        (lambda: TruncatedNormal(1.0, 0.0, 1.0, 1.0), ValueError,
         ["TruncatedNormal", "`b`", "greater than `a`", "1.0"]),
        (lambda: TruncatedNormal(1.0, 0.0, 2.0, -2.0), ValueError, ["TruncatedNormal", "`b`"]),
        (lambda: TruncatedNormal(0.01, 0.0, 1.0, 2.0), ValueError,
         ["TruncatedNormal", "`a`", "37.5 sigma"]),
        (lambda: Constant("1"), TypeError, ["Constant", "`value`", "'1'"]),
        (lambda: Constant(True), TypeError, ["Constant", "`value`", "True"]),
        (lambda: Constant(float("nan")), ValueError, ["Constant", "`value`", "finite"]),
        (lambda: XavierUniform(0), ValueError, ["XavierUniform", "`gain`", "> 0"]),
        (lambda: XavierNormal(-2), ValueError, ["XavierNormal", "`gain`"]),
        (lambda: HeUniform(mode="fan_avg"), ValueError,
         ["HeUniform", "`mode`", "['fan_in', 'fan_out']", "'fan_avg'"]),
        (lambda: HeNormal(nonlinearity="swish"), ValueError,
         ["HeNormal", "`nonlinearity`", "'swish'"]),
        (lambda: HeNormal(negative_slope="a"), TypeError, ["HeNormal", "`negative_slope`", "'a'"]),
        (lambda: HeUniform(mode=1), TypeError, ["HeUniform", "`mode`"]),
        (lambda: VarianceScaling(0.0), ValueError, ["VarianceScaling", "`scale`", "> 0"]),
        (lambda: VarianceScaling(mode="fan"), ValueError, ["VarianceScaling", "`mode`", "'fan'"]),
        (lambda: VarianceScaling(distribution="truncated_norm"), ValueError,
         ["VarianceScaling", "`distribution`", "'truncated_norm'"]),
        (lambda: VarianceScaling(distribution="normal"), ValueError, ["`distribution`"]),
        (lambda: Dirac(0), ValueError, ["Dirac", "`groups`", ">= 1"]),
        (lambda: Dirac(1.0), TypeError, ["Dirac", "`groups`", "an int"]),
        (lambda: Orthogonal(0.0), ValueError, ["Orthogonal", "`gain`"]),
        (lambda: DeltaOrthogonal(-1.0), ValueError, ["DeltaOrthogonal", "`gain`"]),
        (lambda: Sparse(1.0), ValueError, ["Sparse", "`sparsity`", "in [0, 1)", "1.0"]),
        (lambda: Sparse(-0.1), ValueError, ["Sparse", "`sparsity`"]),
        (lambda: Sparse(0.5, 0.0), ValueError, ["Sparse", "`sigma`"]),
        (lambda: Sparse(None), TypeError, ["Sparse", "`sparsity`"]),
        # shapes the initializer cannot fill, refused by initializer() itself
        (lambda: initializer("xavier_uniform", 5), ValueError,
         ["XavierUniform", "`shape`", "at least 2 dimensions", "(5,)"]),
        (lambda: initializer(HeNormal(), [7]), ValueError, ["HeNormal", "`shape`"]),
        (lambda: initializer(VarianceScaling(), (3,)), ValueError, ["VarianceScaling", "`shape`"]),
        (lambda: initializer(LecunNormal(), (3,)), ValueError, ["LecunNormal", "`shape`"]),
        (lambda: initializer(Identity(), (2, 2, 2)), ValueError, ["Identity", "`shape`", "2-D"]),
        (lambda: initializer(Sparse(0.1), (4,)), ValueError, ["Sparse", "`shape`", "2-D"]),
        (lambda: initializer(Orthogonal(), (4,)), ValueError, ["Orthogonal", "`shape`", "(4,)"]),
        (lambda: initializer(Dirac(), (4, 4)), ValueError, ["Dirac", "`shape`", "3-, 4- or 5-D"]),
        (lambda: initializer(Dirac(3), (4, 4, 3)), ValueError,
         ["Dirac", "`groups`", "divisor", "(4, 4, 3)", "got 3"]),
        (lambda: initializer(DeltaOrthogonal(), (4, 8, 3)), ValueError,
         ["DeltaOrthogonal", "`shape`", "out (shape[0]) >= in"]),
        (lambda: initializer(DeltaOrthogonal(), (8, 4)), ValueError,
         ["DeltaOrthogonal", "`shape`"]),
        # random values need a float dtype (MindSpore silently returns zeros)
        (lambda: initializer("normal", (2, 2), mstype.int32), TypeError,
         ["Normal", "`dtype`", "floating-point", "gpuparam.int32"]),
        (lambda: initializer(Uniform(), (2, 2), mstype.bool_), TypeError, ["Uniform", "`dtype`"]),
        (lambda: initializer(HeUniform(), (2, 2), mstype.uint8), TypeError,
         ["HeUniform", "`dtype`"]),
        (lambda: initializer(Orthogonal(), (2, 2), mstype.int64), TypeError,
         ["Orthogonal", "`dtype`"]),
        (lambda: initializer(Sparse(0.5), (2, 2), mstype.int8), TypeError, ["Sparse", "`dtype`"]),
        (lambda: initializer(TruncatedNormal(), (2, 2), mstype.int16), TypeError,
         ["TruncatedNormal", "`dtype`"]),
        (lambda: initializer(DeltaOrthogonal(), (2, 2, 3), mstype.int16), TypeError,
         ["DeltaOrthogonal", "`dtype`"]),
        # constants that the dtype cannot hold
        (lambda: initializer(300, (2,), mstype.int8), ValueError,
         ["Constant", "`value`", "[-128, 127]", "300"]),
        (lambda: initializer(1.5, (2,), mstype.int32), ValueError, ["Constant", "`value`", "1.5"]),
        (lambda: initializer(2, (2,), mstype.bool_), ValueError, ["Constant", "`value`", "[0, 1]"]),
        (lambda: initializer(1e6, (2,), mstype.float16), ValueError,
         ["Constant", "`value`", "finite in gpuparam.float16"]),
    ]


@pytest.mark.parametrize(("build", "exc", "fragments"), _errors())
def test_bad_input_raises_with_a_message_naming_initializer_and_argument(build, exc, fragments):
    with pytest.raises(exc) as info:
        build()
    assert type(info.value) is exc
    for fragment in fragments:
        assert fragment in str(info.value)


def test_a_lazy_tensor_made_directly_is_checked_when_materialized():
    t = Tensor(shape=(5,), dtype=mstype.float32, init=HeNormal())
    with pytest.raises(ValueError, match=r"HeNormal: `shape` must be at least 2 dimensions"):
        t.init_data()
    assert t.has_init


def test_integer_dtypes_work_for_deterministic_initializers():
    np.testing.assert_array_equal(initializer(Identity(), (2, 3), mstype.int64).asnumpy(),
                                  np.eye(2, 3, dtype=np.int64))
    assert initializer("ones", (2,), mstype.bool_).asnumpy().tolist() == [True, True]
    assert initializer(Constant(-7), (2,), mstype.int8).asnumpy().tolist() == [-7, -7]
    assert initializer(Constant(2**40), (1,), mstype.int64).asnumpy().tolist() == [2**40]
    assert initializer(Dirac(), (2, 2, 3), mstype.uint8).asnumpy().sum() == 2


def test_base_class_keeps_mindspore_kwargs():
    base = Initializer(a=1, b="x")
    assert base._kwargs == {"a": 1, "b": "x"} and base.get_config() == {"a": 1, "b": "x"}
    assert repr(base) == "Initializer(a=1, b='x')"


@pytest.mark.parametrize("obj", BUILTINS, ids=lambda o: type(o).__name__)
def test_zero_size_lazy_tensors_materialize_empty(obj):
    shape = (4, 2, 0) if isinstance(obj, (Dirac, DeltaOrthogonal)) else (4, 0)
    t = Tensor(shape=shape, dtype=mstype.float32, init=obj).init_data()
    assert t.asnumpy().shape == shape and t.asnumpy().dtype == np.float32


@pytest.mark.parametrize("levels", [None, 2, 5, 40])   # None: continuous scores
def test_sparse_zero_mask_equals_the_stable_double_argsort(xp, levels):
    from gpuparam._initializer_structured import kept_rows
    rng = np.random.default_rng(7 + (levels or 0))
    for rows, cols in [(1, 3), (2, 5), (7, 9), (64, 33), (301, 17)]:
        scores = rng.random((rows, cols))
        if levels is not None:   # few distinct values: ties at the threshold everywhere
            scores = np.floor(scores * levels) / levels
        # One column with all scores equal, one with the lowest value repeated.
        scores[:, 0] = 0.5
        if cols > 2 and rows > 1:
            scores[: rows // 2 + 1, 1] = scores[:, 1].min()
        order = np.argsort(np.argsort(scores, axis=0, kind="stable"), axis=0, kind="stable")
        for zeros in sorted({0, 1, rows // 3, rows // 2, rows - 1, rows}):
            got = _backend.to_host(kept_rows(xp, xp.asarray(scores), zeros))
            np.testing.assert_array_equal(got, order >= zeros, err_msg=f"{rows}x{cols} {zeros}")
            assert (got.sum(axis=0) == rows - zeros).all()


@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.bool_])
def test_identity_slices_with_steps_equal_the_slice_of_eye(xp, dtype):
    rng = np.random.default_rng(3)
    for shape in [(1, 1), (5, 3), (3, 5), (17, 29), (40, 12)]:
        eye = np.eye(*shape, dtype=dtype)
        for _ in range(40):
            index = tuple(slice(int(a), int(a + rng.integers(0, n - a + 1)), int(s))
                          for n in shape for a, s in [(rng.integers(0, n), rng.integers(1, 7))])
            got = _backend.to_host(Identity()._values(shape, np.dtype(dtype), (0, 0), index))
            np.testing.assert_array_equal(got, eye[index], err_msg=f"{shape} {index}")
            assert got.dtype == dtype
