"""Parameter and ParameterTuple: reference pages 003/004, laziness, set_data, clone, threads."""

from __future__ import annotations

import threading
import time
import tracemalloc

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, ParameterTuple, Tensor
from gpuparam import dtype as mstype
from gpuparam._backend import pool_used_bytes
from gpuparam.common.initializer import Initializer, Normal, initializer


@pytest.fixture(autouse=True)
def _seed():
    gpuparam.set_seed(7)


def test_page_004_declaration(capsys):
    x = Parameter(default_input=Tensor(np.arange(2 * 3, dtype=np.int32).reshape((2, 3))), name='x')
    y = Parameter(default_input=initializer('ones', [1, 2, 3], mstype.float32), name='y')
    z = Parameter(default_input=2.0, name='z')
    print(x, "\n\n", y, "\n\n", z)
    assert capsys.readouterr().out == (
        "Parameter (name=x, shape=(2, 3), dtype=Int32, requires_grad=True) \n\n"
        " Parameter (name=y, shape=(1, 2, 3), dtype=Float32, requires_grad=True) \n\n"
        " Parameter (name=z, shape=(), dtype=Float32, requires_grad=True)\n")


def test_page_003_scalars(capsys):
    x = Parameter(default_input=2.0, name='x')
    y = Parameter(default_input=5.0, name='y')
    z = Parameter(default_input=5, name='z', requires_grad=False)
    print(x, "value:", x.asnumpy())
    print(y, "value:", y.asnumpy())
    print(z, "value:", z.asnumpy())
    assert capsys.readouterr().out == (
        "Parameter (name=x, shape=(), dtype=Float32, requires_grad=True) value: 2.0\n"
        "Parameter (name=y, shape=(), dtype=Float32, requires_grad=True) value: 5.0\n"
        "Parameter (name=z, shape=(), dtype=Int32, requires_grad=False) value: 5\n")
    assert isinstance(x, Tensor)


def test_page_003_tensor_and_data(capsys):
    my_tensor = Tensor(np.arange(2 * 3).reshape((2, 3)))
    x = Parameter(default_input=my_tensor, name="x")
    print("x: ", x)
    print("x.data: ", x.data)
    assert capsys.readouterr().out == (
        "x:  Parameter (name=x, shape=(2, 3), dtype=Int64, requires_grad=True)\n"
        "x.data:  Parameter (name=x, shape=(2, 3), dtype=Int64, requires_grad=True)\n")
    assert x.data is x and repr(x) == str(x)


def test_page_004_attributes():
    x = Parameter(default_input=Tensor(np.arange(2 * 3).reshape((2, 3))))
    assert (x.name, x.sliced, x.is_init, x.inited_param, x.requires_grad,
            x.layerwise_parallel) == ("Parameter", False, False, None, True, False)
    assert str(x.data) == "Parameter (name=Parameter, shape=(2, 3), dtype=Int64, requires_grad=True)"
    assert x.shape == (2, 3) and x.dtype is mstype.int64 and not x.has_init


def test_page_004_methods(capsys):
    x = Parameter(default_input=initializer('ones', [1, 2, 3], mstype.float32))
    print(x)
    x_clone = x.clone()
    x_clone.name = "x_clone"
    print(x_clone)
    print(x.init_data())
    print(x.set_data(data=Tensor(np.arange(2 * 3).reshape((1, 2, 3)))))
    assert capsys.readouterr().out == (
        "Parameter (name=Parameter, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n"
        "Parameter (name=x_clone, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n"
        "Parameter (name=Parameter, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n"
        "Parameter (name=Parameter, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n")
    assert x.asnumpy().tolist() == [[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]]
    assert x.name == "Parameter"  # renaming the clone left the original alone


def test_page_003_set_data_and_init_data(capsys):
    x = Parameter(Tensor(np.ones((1, 2)), gpuparam.float32), name="x", requires_grad=True)
    print(x, x.asnumpy())
    y = x.set_data(Tensor(np.zeros((1, 2)), gpuparam.float32))
    print(y, y.asnumpy())
    z = x.set_data(Tensor(np.ones((1, 4)), gpuparam.float32), slice_shape=True)
    print(z, z.asnumpy())
    w = Parameter(Tensor(np.ones((1, 2)), gpuparam.float32), name="x", requires_grad=True)
    print(w.init_data(), w.init_data().asnumpy())
    assert capsys.readouterr().out == (
        "Parameter (name=x, shape=(1, 2), dtype=Float32, requires_grad=True) [[1. 1.]]\n"
        "Parameter (name=x, shape=(1, 2), dtype=Float32, requires_grad=True) [[0. 0.]]\n"
        "Parameter (name=x, shape=(1, 4), dtype=Float32, requires_grad=True) [[1. 1. 1. 1.]]\n"
        "Parameter (name=x, shape=(1, 2), dtype=Float32, requires_grad=True) [[1. 1.]]\n")
    assert y is x and z is x


def test_int_default_input_is_int32_and_checked():
    assert Parameter(5).dtype is mstype.int32
    with pytest.raises(ValueError, match="Parameter: `default_input` must be an int in the int32 range"):
        Parameter(2**31)


@pytest.mark.parametrize("bad", [True, "abc", None, (1, 2), [1.0], {"a": 1}, Normal()])
def test_bad_default_input(bad):
    with pytest.raises(TypeError, match="Parameter: `default_input`"):
        Parameter(bad)


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"name": 3}, TypeError, "`name` must be a str"),
    ({"name": ""}, ValueError, "`name` must be a non-empty str"),
    ({"requires_grad": 1}, TypeError, "`requires_grad` must be a bool"),
    ({"layerwise_parallel": "no"}, TypeError, "`layerwise_parallel` must be a bool"),
])
def test_bad_flags(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        Parameter(1.0, **kwargs)


def test_name_setter_validates():
    p = Parameter(1.0, name="a")
    with pytest.raises(TypeError, match="Parameter.name: `name` must be a str"):
        p.name = 5
    assert p.name == "a"


def test_numpy_input_keeps_dtype(xp):
    p = Parameter(np.ones((2, 2), np.float16))
    assert p.dtype is mstype.float16 and isinstance(p._read(), xp.ndarray)


def test_lazy_parameter_allocates_nothing_even_for_ten_billion_elements():
    before = pool_used_bytes()
    tracemalloc.start()
    p = Parameter(initializer(Normal(), (100_000, 100_000), mstype.float32), name="huge")
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert p.has_init and p._array is None
    assert p.shape == (100_000, 100_000) and p.nbytes == 4 * 10**10
    assert peak < 1_000_000  # bytes of host memory, for a 40 GB parameter
    assert pool_used_bytes() == before
    assert str(p) == "Parameter (name=huge, shape=(100000, 100000), dtype=Float32, requires_grad=True)"


def test_init_data_materializes_once_and_marks_inited(xp):
    p = Parameter(initializer(Normal(), (4, 5), mstype.float32), name="w")
    assert p.inited_param is None
    assert p.init_data() is p
    first = p.asnumpy()
    assert p.init_data() is p and p.inited_param is p
    np.testing.assert_array_equal(p.asnumpy(), first)


def test_lazy_parameter_is_materialized_by_use(xp):
    p = Parameter(initializer('ones', (2, 2), mstype.float32))
    assert ((p + 1).asnumpy() == 2).all() and not p.has_init


class _SlowCountingInit(Initializer):
    """A user initializer (MindSpore's `_initialize` contract) that counts its calls."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def _initialize(self, arr):
        self.calls += 1
        time.sleep(0.05)  # widen the window in which the threads race
        arr[:] = np.arange(arr.size, dtype=arr.dtype).reshape(arr.shape)


def test_concurrent_init_data_allocates_one_buffer(xp):
    init = _SlowCountingInit()
    p = Parameter(initializer(init, (64, 64), mstype.float32))
    barrier = threading.Barrier(8)
    arrays = []

    def work():
        barrier.wait()
        arrays.append(p.init_data()._array)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert init.calls == 1 and len(arrays) == 8
    assert len({id(a) for a in arrays}) == 1
    np.testing.assert_array_equal(p.asnumpy(), np.arange(64 * 64, dtype=np.float32).reshape(64, 64))


def test_sharded_init_data_equals_the_slice_of_the_whole(xp):
    gpuparam.set_seed(11)
    whole = Parameter(initializer(Normal(), (64, 48), mstype.float32)).asnumpy()
    for index in [(slice(0, 32), slice(None)), (slice(None), slice(24, 48)),
                  (slice(8, 40, 3), slice(1, 47, 5))]:
        gpuparam.set_seed(11)
        shard = Parameter(initializer(Normal(), (64, 48), mstype.float32))
        shard.init_data(index=index)
        assert shard.sliced and shard.shape == whole[index].shape
        np.testing.assert_array_equal(shard.asnumpy(), whole[index])


def test_init_data_malformed_layout_changes_nothing():
    p = Parameter(initializer('ones', (2,), mstype.float32))
    with pytest.raises(TypeError, match="layout"):
        p.init_data(layout=[1, 2])
    assert p.has_init


def test_set_data_shape_change_needs_slice_shape():
    p = Parameter(Tensor(np.ones((2, 3), np.float32)), name="p")
    with pytest.raises(ValueError, match=r"Parameter.set_data: `data` must be a tensor of the parameter's shape \(2, 3\)"):
        p.set_data(Tensor(np.zeros((3, 2), np.float32)))
    assert p.shape == (2, 3) and p.asnumpy().sum() == 6


@pytest.mark.parametrize(("data", "exc"), [
    (Tensor(np.ones((2, 3), np.float64)), TypeError),   # float64 -> float32 loses precision
    (Tensor(np.ones((2, 3), np.int64)), None),          # int -> float is accepted (page 004)
    ("zeros", TypeError),
    (True, TypeError),
    (None, TypeError),
])
def test_set_data_dtype_rules_and_atomicity(data, exc):
    p = Parameter(Tensor(np.full((2, 3), 5.0, np.float32)), name="p")
    if exc is None:
        p.set_data(data)
        assert p.dtype is mstype.float32 and p.asnumpy().sum() == 6
        return
    with pytest.raises(exc, match="Parameter.set_data: `data`"):
        p.set_data(data)
    assert p.dtype is mstype.float32 and p.shape == (2, 3) and p.asnumpy().sum() == 30


def test_failed_set_data_keeps_a_lazy_parameter_lazy():
    p = Parameter(initializer(Normal(), (3, 3), mstype.float32))
    with pytest.raises(ValueError):
        p.set_data(Tensor(np.zeros((2, 2), np.float32)))
    assert p.has_init and p.shape == (3, 3)


def test_set_data_with_initializer_number_and_lazy_tensor(xp):
    p = Parameter(Tensor(np.zeros((2, 2), np.float32)))
    assert p.set_data(initializer('ones', (2, 2), mstype.float32)).has_init
    assert p.asnumpy().tolist() == [[1.0, 1.0], [1.0, 1.0]]
    p.set_data(3)
    assert p.asnumpy().tolist() == [[3.0, 3.0], [3.0, 3.0]]
    p.set_data(Normal(1.0))
    assert p.shape == (2, 2) and p.asnumpy().std() > 0
    q = Parameter(Tensor(np.zeros(2, np.int32)))
    with pytest.raises(TypeError, match="castable to Int32"):
        q.set_data(1.5)


def test_set_data_copies_its_input():
    source = Tensor(np.zeros(3, np.float32))
    p = Parameter(Tensor(np.ones(3, np.float32))).set_data(source)
    source[0] = 9.0
    assert p.asnumpy()[0] == 0.0


def test_clone_of_lazy_parameter_stays_lazy_and_matches(xp):
    p = Parameter(initializer(Normal(), (8, 8), mstype.float32), name="w", requires_grad=False)
    c = p.clone()
    assert c.has_init and c.name == "w" and c.requires_grad is False
    np.testing.assert_array_equal(c.asnumpy(), p.asnumpy())
    c[0, 0] = 100.0
    assert p.asnumpy()[0, 0] != 100.0


def test_clone_with_other_init_reinitializes():
    p = Parameter(Tensor(np.zeros((2, 2), np.float32)), name="w")
    c = p.clone(init='ones')
    assert c.asnumpy().sum() == 4 and p.asnumpy().sum() == 0


def test_page_003_parameter_tuple(capsys):
    x = Parameter(default_input=Tensor(np.arange(2 * 3).reshape((2, 3))), name="x")
    y = Parameter(default_input=initializer('ones', [1, 2, 3], mstype.float32), name='y')
    z = Parameter(default_input=2.0, name='z')
    params = ParameterTuple((x, y, z))
    params_copy = params.clone("params_copy")
    print(params)
    print(params_copy)
    assert capsys.readouterr().out == (
        "(Parameter (name=x, shape=(2, 3), dtype=Int64, requires_grad=True), "
        "Parameter (name=y, shape=(1, 2, 3), dtype=Float32, requires_grad=True), "
        "Parameter (name=z, shape=(), dtype=Float32, requires_grad=True))\n"
        "(Parameter (name=params_copy.x, shape=(2, 3), dtype=Int64, requires_grad=True), "
        "Parameter (name=params_copy.y, shape=(1, 2, 3), dtype=Float32, requires_grad=True), "
        "Parameter (name=params_copy.z, shape=(), dtype=Float32, requires_grad=True))\n")
    assert isinstance(params, tuple) and isinstance(params_copy, ParameterTuple)


def test_parameter_tuple_rejects_non_parameters_and_duplicate_names():
    a = Parameter(1.0, name="a")
    with pytest.raises(TypeError, match="ParameterTuple: `iterable` must be Parameters only"):
        ParameterTuple([a, Tensor(1.0)])
    with pytest.raises(ValueError, match="named 'a'"):
        ParameterTuple([a, Parameter(2.0, name="a")])
    assert len(ParameterTuple([a, a])) == 2  # the same parameter twice is not a conflict


@pytest.mark.parametrize(("prefix", "exc"), [("", ValueError), ("1abc", ValueError),
                                             ("a b", ValueError), (3, TypeError)])
def test_parameter_tuple_clone_prefix(prefix, exc):
    with pytest.raises(exc, match="ParameterTuple.clone: `prefix`"):
        ParameterTuple([Parameter(1.0, name="a")]).clone(prefix)


def test_a_materialized_parameter_is_freed_without_the_cyclic_collector():
    import gc
    import weakref
    gc.disable()
    try:
        p = Parameter(initializer('ones', (4,), mstype.float32))
        p.init_data()
        assert p.inited_param is p
        ref = weakref.ref(p)
        del p
        assert ref() is None  # freed by reference counting alone: no self-reference cycle
    finally:
        gc.enable()


# ---------------------------------------------------------------- overflow on writes

@pytest.mark.parametrize(("dtype", "data", "match"), [
    (mstype.float32, 1e300, r"1e\+300, outside the Float32 range"),
    (mstype.float32, -1e39, r"-1e\+39, outside the Float32 range"),
    (mstype.float16, 70000, r"70000, outside the Float16 range \[-65504.0, 65504.0\]"),
    (mstype.float16, Tensor(np.full((2, 2), 70000, np.int64)), r"70000, outside the Float16"),
    (mstype.int32, 2 ** 40, r"outside the Int32 range \[-2147483648, 2147483647\]"),
])
def test_set_data_refuses_overflow_and_changes_nothing(xp, dtype, data, match):
    p = Parameter(Tensor(np.ones((2, 2), dtype.numpy_dtype)), name="p")
    with pytest.raises(ValueError, match=r"^Parameter.set_data: `data` holds the value .*" + match):
        p.set_data(data)
    assert p.asnumpy().tolist() == [[1, 1], [1, 1]]


def test_set_data_keeps_in_range_rounding_and_non_finite_floats(xp):
    p = Parameter(Tensor(np.ones(2, np.float16)))
    assert p.set_data(65519.0).asnumpy().tolist() == [65504.0, 65504.0]   # rounds to max
    assert p.set_data(float("inf")).asnumpy().tolist() == [np.inf, np.inf]
    q = Parameter(Tensor(np.ones(2, np.float32)))
    assert q.set_data(Tensor(np.array([2 ** 40 + 1] * 2, np.int64))).asnumpy()[0] == 2.0 ** 40


@pytest.mark.parametrize("lazy", [False, True])
def test_assign_refuses_overflow_and_changes_nothing(xp, lazy):
    from gpuparam import ops
    p = Parameter(initializer("ones", (3,), mstype.float16) if lazy
                  else Tensor(np.ones(3, np.float16)), name="p")
    with pytest.raises(ValueError, match=r"^Assign: `value` holds the value 70000, outside the "
                                         r"Float16 range"):
        ops.Assign()(p, Tensor(np.array([1, 70000, 2], np.int64)))
    assert p.has_init == lazy
    assert p.asnumpy().tolist() == [1.0, 1.0, 1.0]


# ---------------------------------------------------------------- init_data(index=...)

@pytest.mark.parametrize(("index", "exc", "match"), [
    (5, TypeError, r"`index` must be None, a slice or a tuple of slices, got 5"),
    ((slice(0, 2), slice(0, 2)), ValueError, r"`index` must be at most 1 slices"),
    (slice(0, 2, -1), ValueError, r"`index` must be slices with positive steps"),
])
def test_init_data_index_errors_name_parameter_init_data(index, exc, match):
    p = Parameter(initializer("ones", (4,), mstype.float32), name="p")
    with pytest.raises(exc, match=r"^Parameter.init_data: " + match):
        p.init_data(index=index)
    assert p.has_init


def test_a_second_init_data_with_another_index_raises(xp):
    p = Parameter(initializer(Normal(), (8, 4), mstype.float32), name="p")
    p.init_data(index=(slice(0, 4),))
    shard = p.asnumpy()
    assert p.init_data(index=(slice(0, 4), slice(None))) is p   # the same part: a no-op
    with pytest.raises(ValueError, match=r"^Parameter.init_data: `index` .* already holds a "
                                         r"shard, \(slice\(0, 4, 1\), slice\(0, 4, 1\)\) "
                                         r"\(whole shape \(8, 4\)\)"):
        p.init_data(index=(slice(4, 8),))
    np.testing.assert_array_equal(p.asnumpy(), shard)
    whole = Parameter(initializer("ones", (8, 4), mstype.float32)).init_data()
    assert whole.init_data(index=(slice(None),)) is whole
    with pytest.raises(ValueError, match="already holds all of its data"):
        whole.init_data(index=(slice(0, 4),))


def test_parameter_update_result_shares_the_buffer_until_set_data():
    """docs/porting.md's claim about nn.ParameterUpdate (its docstring says it shares)."""
    from gpuparam import nn
    p = Parameter(Tensor(np.zeros(3, np.float32)), name="p")
    out = nn.ParameterUpdate(p)(Tensor(np.ones(3, np.float32)))
    ops_assign = gpuparam.ops.Assign()
    ops_assign(p, Tensor(np.full(3, 2.0, np.float32)))      # in place: out sees it
    assert out.asnumpy().tolist() == [2.0, 2.0, 2.0]
    p.set_data(Tensor(np.full(3, 5.0, np.float32)))          # a new buffer: out does not
    assert out.asnumpy().tolist() == [2.0, 2.0, 2.0] and p.asnumpy().tolist() == [5.0] * 3


def test_errors_name_parameters_own_function_and_argument():
    with pytest.raises(TypeError, match=r"^Parameter: `default_input` must be one of the NumPy "
                                        r"dtypes"):
        Parameter(np.array(["a"]))
    p = Parameter(Tensor(np.ones(2, np.float32)), name="p")
    with pytest.raises(ValueError, match=r"^Parameter.clone: `init` must be an initializer name"
                                         r".*Did you mean 'normal'"):
        p.clone("nromal")


def test_set_data_from_a_lazy_tensor_of_another_dtype_leaves_the_source_lazy():
    gpuparam.set_seed(5)
    source = initializer(Normal(1.0), [4, 3], gpuparam.float16)
    gpuparam.set_seed(5)
    same = initializer(Normal(1.0), [4, 3], gpuparam.float16)
    p = Parameter(Tensor(np.zeros((4, 3), np.float32)), name="p")
    p.set_data(source)  # generated (as Float16, as the source says), then cast
    assert source.has_init and not p.has_init and p.dtype == gpuparam.float32
    np.testing.assert_array_equal(p.asnumpy(), same.asnumpy().astype(np.float32))
