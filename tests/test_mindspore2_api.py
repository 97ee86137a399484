"""MindSpore 2.x API fidelity (issue 19): the Tensor methods' 2.x forms, Cell naming and
registration, and shards.

Numbers are checked against float64 NumPy loops written here (never the function under
test), and against MindSpore's documented outputs where its API pages show one (quoted
next to the test).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, nn
from gpuparam.common.initializer import initializer

RNG = np.random.default_rng(19)
DATA = RNG.standard_normal((3, 4, 5)).astype(np.float32)


def host(t: Tensor) -> np.ndarray:
    return t.asnumpy()


def loop_extreme(a: np.ndarray, dim: int, largest: bool) -> tuple[np.ndarray, np.ndarray]:
    """Values and first indices of the extremes along ``dim``, by a Python loop."""
    moved = np.moveaxis(a.astype(np.float64), dim, -1)
    values = np.empty(moved.shape[:-1])
    index = np.empty(moved.shape[:-1], np.int64)
    for pos in itertools.product(*(range(n) for n in moved.shape[:-1])):
        row = list(moved[pos])
        best = 0
        for i, v in enumerate(row):
            if (v > row[best]) if largest else (v < row[best]):
                best = i
        values[pos], index[pos] = row[best], best
    return values, index


# ---------------------------------------------------------------------- max / min


def test_max_dim_follows_mindsporess_documented_example(xp):
    # mindspore.Tensor.max page: output, index = x.max(0, keepdim=True) -> [0.7] [3]
    x = Tensor(np.array([0.0, 0.4, 0.6, 0.7, 0.1]), gpuparam.float32)
    output, index = x.max(0, keepdim=True)
    assert str(output) == "[0.7]" and str(index) == "[3]"
    assert index.dtype == gpuparam.int64 and output.dtype == gpuparam.float32


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_dim_give_values_and_indices(xp, name, dim, keepdim):
    values, index = loop_extreme(DATA, dim, name == "max")
    if keepdim:
        values, index = np.expand_dims(values, dim), np.expand_dims(index, dim)
    for out in (getattr(Tensor(DATA), name)(dim, keepdim),
                getattr(Tensor(DATA), name)(dim=dim, keepdim=keepdim)):
        assert isinstance(out, tuple) and len(out) == 2
        np.testing.assert_array_equal(host(out[0]), values.astype(np.float32))
        np.testing.assert_array_equal(host(out[1]), index)
        assert out[1].dtype == gpuparam.int64


@pytest.mark.parametrize("name", ["max", "min"])
def test_numpy_form_with_initial_and_where(xp, name):
    a = np.array([[1, 5, 3], [7, 2, 9]], np.int32)
    mask = np.array([True, False, True])
    pick = max if name == "max" else min
    init = 4
    expected = [pick([init] + [int(v) for v, m in zip(row, mask) if m]) for row in a]
    out = getattr(Tensor(a), name)(axis=1, initial=init, where=Tensor(mask))
    assert out.dtype == gpuparam.int32 and host(out).tolist() == expected
    # initial alone joins the reduction; the whole tensor when axis is None
    full = getattr(Tensor(a), name)(initial=init)
    assert int(full) == pick([init] + a.ravel().tolist())
    # keepdims is the second positional argument of this form; a NumPy-form keyword
    # makes an int axis this form too (MindSpore's max(dim, keepdim) has no `keepdims`)
    assert getattr(Tensor(a), name)((1,), True).shape == (2, 1)
    assert getattr(Tensor(a), name)(1, keepdims=True).shape == (2, 1)


def test_max_of_nothing_is_initial_as_numpy(xp):
    empty = np.zeros((2, 0), np.float32)
    out = Tensor(empty).max(axis=1, initial=-1.5)
    assert host(out).tolist() == [-1.5, -1.5]
    assert Tensor(empty).max(axis=1, keepdims=True, initial=0.0).shape == (2, 1)
    mask = np.zeros(3, bool)
    out = Tensor(np.ones((2, 3), np.float32)).min(axis=1, initial=7.0, where=Tensor(mask))
    assert host(out).tolist() == [7.0, 7.0]


def test_return_indices_gives_argmax_with_value_dtypes(xp):
    values, index = Tensor(DATA).max(axis=2, return_indices=True)
    ref_values, ref_index = loop_extreme(DATA, 2, True)
    np.testing.assert_array_equal(host(values), ref_values.astype(np.float32))
    np.testing.assert_array_equal(host(index), ref_index)
    assert index.dtype == gpuparam.int32  # ops.ArgMaxWithValue's
    values, index = Tensor(DATA).min(axis=0, keepdims=True, return_indices=True)
    assert values.shape == index.shape == (1, 4, 5)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda t: t.max(axis=1, where=Tensor(np.ones(5, bool))), ValueError,
     r"Tensor.max: a `where` mask needs `initial`"),
    (lambda t: t.max(axis=1, initial=0.0, where=Tensor(np.ones(4, bool))), ValueError,
     r"Tensor.max: `where` must be a mask that broadcasts to the shape \(3, 4, 5\)"),
    (lambda t: t.max(axis=1, initial=0.0, where=Tensor(np.ones(5, np.float32))), TypeError,
     r"Tensor.max: `where` must be a Bool tensor"),
    (lambda t: t.min(axis=1, where=[True]), TypeError, r"Tensor.min: `where` must be True or"),
    (lambda t: t.max(initial="0"), TypeError, r"Tensor.max: `initial` must be None or a real"),
    (lambda t: t.max(axis=(0, 1), return_indices=True), ValueError,
     r"Tensor.max: `return_indices` must be False unless `axis` is an int"),
    (lambda t: t.max(axis=0, return_indices=1), TypeError, r"`return_indices` must be a bool"),
    (lambda t: t.max(1, True, 0.0), TypeError, r"Tensor.max: takes at most 2 positional"),
    (lambda t: t.max(dim=1.0), TypeError, r"Tensor.max: `dim` must be an int, got 1.0"),
    (lambda t: t.max(dim=1, keepdims=True), TypeError,
     r"Tensor.max: unexpected keyword argument 'dim'"),
    (lambda t: t.min(5), ValueError, r"Tensor.min"),
])
def test_max_min_bad_arguments(xp, call, error, match):
    with pytest.raises(error, match=match):
        call(Tensor(DATA))


def test_integer_initial_must_fit(xp):
    t = Tensor(np.array([1, 2], np.int8))
    with pytest.raises(ValueError, match=r"Tensor.max: `initial` must be a value in \[-128, 127\]"):
        t.max(initial=300)
    with pytest.raises(ValueError, match=r"`initial` must be an integer for a int8 tensor"):
        t.max(initial=1.5)
    assert int(Tensor(np.array([1], np.int64)).max(initial=2 ** 63 - 1)) == 2 ** 63 - 1  # exact
    with pytest.raises(ValueError, match=r"`initial` must be a value finite in float16"):
        Tensor(np.array([1.0], np.float16)).max(initial=1e6)
    assert float(Tensor(np.array([1.0], np.float16)).min(initial=-np.inf)) == -np.inf


# ---------------------------------------------------------------------- sum / mean / any / var


def test_sum_dtype_initial_and_keepdims(xp):
    a = np.array([[1.5, 2.25, -3.0], [4.0, 0.5, 8.0]], np.float32)
    rows = [sum(float(v) for v in row) for row in a]
    out = Tensor(a).sum(1, initial=10)
    assert out.dtype == gpuparam.float32 and host(out).tolist() == [r + 10 for r in rows]
    # dtype casts after summing (MindSpore's Tensor.sum: sum, then astype)
    assert host(Tensor(a).sum(1, gpuparam.int32)).tolist() == [int(r) for r in rows]
    assert Tensor(a).sum(1, dtype=gpuparam.int32).dtype == gpuparam.int32
    assert Tensor(a).sum(axis=0, keepdims=True).shape == (1, 3)
    assert Tensor(a).sum(dim=0, keepdim=True).shape == (1, 3)
    with pytest.raises(ValueError, match="Tensor.sum"):
        Tensor(np.array([200, 100], np.int16)).sum(dtype=gpuparam.int8)  # 300 does not fit
    with pytest.raises(TypeError, match="Tensor.sum: give `axis` or `dim`"):
        Tensor(a).sum(0, dim=1)


def test_mean_keep_dims_and_its_aliases(xp):
    expected = DATA.astype(np.float64).mean(axis=1, keepdims=True)
    for out in (Tensor(DATA).mean(1, True), Tensor(DATA).mean(1, keep_dims=True),
                Tensor(DATA).mean(axis=1, keepdims=True), Tensor(DATA).mean(dim=1, keepdim=True)):
        assert out.shape == (3, 1, 5)
        np.testing.assert_allclose(host(out), expected, rtol=1e-6)
    with pytest.raises(TypeError, match="Tensor.mean: unexpected keyword argument 'keep'"):
        Tensor(DATA).mean(1, keep=True)


def test_any_dim(xp):
    b = np.array([[True, False, False], [False, False, False]])
    assert host(Tensor(b).any(dim=1)).tolist() == [True, False]
    assert Tensor(b).any(dim=0, keepdim=True).shape == (1, 3)
    assert host(Tensor(b).any(1)).tolist() == [True, False]
    assert host(Tensor(b).all(dim=0)).tolist() == [False, False, False]
    assert Tensor(b).all(dim=1, keepdim=True).shape == (2, 1)


@pytest.mark.parametrize("ddof", [0, 1, 2, -1])
def test_var_takes_any_int_ddof(xp, ddof):
    a = DATA.astype(np.float64)
    n = a.shape[1]
    mean = a.sum(axis=1) / n
    expected = ((a - mean[:, None, :]) ** 2).sum(axis=1) / (n - ddof)
    for out in (Tensor(DATA).var(1, ddof), Tensor(DATA).var(dim=1, ddof=ddof)):
        np.testing.assert_allclose(host(out), expected, rtol=1e-5)
    for out in (Tensor(DATA).std(axis=1, ddof=ddof), Tensor(DATA).std(dim=1, ddof=ddof)):
        np.testing.assert_allclose(host(out), np.sqrt(expected), rtol=1e-5)


def test_var_with_no_degrees_of_freedom_is_inf_or_nan_without_a_warning(xp):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = host(Tensor(np.array([1.0, 2.0], np.float32)).var(ddof=2))
    assert np.isinf(out) or np.isnan(out)
    with pytest.raises(TypeError, match=r"Tensor.var: `ddof` must be an int, got True"):
        Tensor(DATA).var(ddof=True)


# ---------------------------------------------------------------------- shapes


@pytest.mark.parametrize(("dims", "shape"), [((0, 2), (5, 4, 3)), ((-1, 1), (3, 5, 4)),
                                             ((1, 1), (3, 4, 5))])
def test_transpose_dim0_dim1_on_any_rank(xp, dims, shape):
    # mindspore.Tensor.transpose page: Tensor.transpose(ones((2,3,4)), 0, 2).shape == (4, 3, 2)
    out = Tensor(DATA).transpose(*dims)
    assert out.shape == shape
    np.testing.assert_array_equal(host(out), np.swapaxes(DATA, *dims))
    assert Tensor(DATA).transpose(dim0=dims[0], dim1=dims[1]).shape == shape


def test_transpose_of_a_matrix_with_two_ints_swaps_them():
    m = np.arange(6, dtype=np.float32).reshape(2, 3)
    # MindSpore tries transpose(dim0, dim1) first: (0, 1) swaps, it is no identity permutation
    np.testing.assert_array_equal(host(Tensor(m).transpose(0, 1)), m.T)
    np.testing.assert_array_equal(host(Tensor(DATA).transpose(2, 0, 1)), DATA.transpose(2, 0, 1))
    np.testing.assert_array_equal(host(Tensor(DATA).transpose((1, 0, 2))), DATA.transpose(1, 0, 2))
    with pytest.raises(ValueError, match="Tensor.transpose: `axis1`"):
        Tensor(m).transpose(0, 2)


@pytest.mark.parametrize(("args", "kwargs", "shape"), [
    ((1, 2), {}, (3, 20)), ((0,), {}, (60,)), ((0, 1), {}, (12, 5)),
    ((), {"start_dim": 1}, (3, 20)), (("C",), {"end_dim": 1}, (12, 5)), (("F",), {}, (60,)),
])
def test_flatten_start_dim_end_dim(xp, args, kwargs, shape):
    out = Tensor(DATA).flatten(*args, **kwargs)
    assert out.shape == shape
    order = "F" if args[:1] == ("F",) else "C"
    np.testing.assert_array_equal(host(out), DATA.reshape(shape, order=order))


def test_flatten_bad_forms():
    with pytest.raises(TypeError, match="Tensor.flatten: takes start_dim and end_dim"):
        Tensor(DATA).flatten(0, 1, 2)
    with pytest.raises(TypeError, match="Tensor.flatten: `start_dim`"):
        Tensor(DATA).flatten("C", 1)


def test_expand_as(xp):
    out = Tensor(np.array([[1.0], [2.0]], np.float32)).expand_as(Tensor(np.zeros((2, 3))))
    assert host(out).tolist() == [[1.0] * 3, [2.0] * 3]
    with pytest.raises(TypeError, match="Tensor.expand_as: `other` must be a Tensor"):
        Tensor(DATA).expand_as((3, 4, 5))


def test_shape_errors_are_mindsporess_types():
    t = Tensor(DATA)
    with pytest.raises(TypeError, match=r"Tensor.reshape: `shape` must be a tuple of ints"):
        t.reshape(3.0, 20)
    with pytest.raises(TypeError, match=r"Tensor.view: `shape` must be a tuple of ints"):
        t.view((3, "4", 5))
    with pytest.raises(ValueError, match=r"^Tensor.view: `shape` must be a shape with 60"):
        t.view(())
    with pytest.raises(ValueError, match=r"^Tensor.view: "):
        t.view(7, 9)
    assert t.view(-1, 5).shape == (12, 5) and t.view((60,)).shape == (60,)


def test_clip_needs_a_bound():
    with pytest.raises(ValueError, match=r"Tensor.clip: give `min`, `max` or both; got neither"):
        Tensor(DATA).clip(None, None)


# ---------------------------------------------------------------------- casts, fill_, in


@pytest.mark.parametrize(("method", "dtype"), [
    ("float", gpuparam.float32), ("half", gpuparam.float16), ("double", gpuparam.float64),
    ("int", gpuparam.int32), ("long", gpuparam.int64), ("short", gpuparam.int16),
    ("byte", gpuparam.uint8), ("bool", gpuparam.bool_)])
def test_cast_shorthands(xp, method, dtype):
    a = np.array([0.0, 1.75, 3.0, 200.5], np.float32)
    out = getattr(Tensor(a), method)()
    assert out.dtype == dtype
    np.testing.assert_array_equal(host(out), a.astype(dtype.numpy_dtype))
    p = Parameter(Tensor(a), name="p")
    assert getattr(p, method)().dtype == dtype and p.dtype == gpuparam.float32  # a copy


def test_casts_refuse_overflow():
    with pytest.raises(ValueError, match="Tensor.astype"):
        Tensor(np.array([300.0], np.float32)).byte()
    with pytest.raises(ValueError, match="Tensor.astype"):
        Tensor(np.array([1e6], np.float32)).half()


def test_numpy_is_a_host_copy(xp):
    t = Tensor(DATA)
    a = t.numpy()
    assert isinstance(a, np.ndarray) and np.array_equal(a, DATA)
    a[0, 0, 0] = 99.0
    assert host(t)[0, 0, 0] == DATA[0, 0, 0]


def test_fill_in_place(xp):
    t = Tensor(np.zeros((2, 2), np.int32))
    assert t.fill_(5) is t and host(t).tolist() == [[5, 5], [5, 5]]
    p = Parameter(Tensor(np.zeros(3, np.float32)), name="p")
    assert host(p.fill_(Tensor(np.float32(2.5)))).tolist() == [2.5] * 3
    with pytest.raises(ValueError, match="Tensor.__setitem__"):
        t.fill_(2 ** 40)
    assert host(t).tolist() == [[5, 5], [5, 5]]  # nothing written
    with pytest.raises(TypeError, match="Tensor.fill_: `value` must be a number or a 0-d"):
        t.fill_("1")
    with pytest.raises(TypeError, match="Tensor.fill_: `value` must be a number or a 0-d"):
        t.fill_(Tensor(np.ones(2, np.int32)))


def test_in_follows_mindspore(xp):
    t = Tensor(np.array([[1, 2], [3, 4]], np.int32))
    assert 3 in t and 5 not in t and 2.0 in t
    assert Tensor(np.int32(4)) in t
    assert [1] not in t and "1" not in t  # not a number nor a Tensor: False, as MindSpore


def test_is_tensor_and_pseudo_types():
    assert gpuparam.is_tensor(Tensor([1.0])) and gpuparam.is_tensor(Parameter(Tensor([1.0])))
    assert not gpuparam.is_tensor(np.ones(1)) and not gpuparam.is_tensor(1.0)
    assert gpuparam.list_ is gpuparam.dtype.list_ and gpuparam.tuple_ is gpuparam.dtype.tuple_
    assert str(gpuparam.list_) == "List" and str(gpuparam.tuple_) == "Tuple"
    assert gpuparam.dtype_to_pytype(gpuparam.tuple_) is tuple
    for name in ("is_tensor", "list_", "tuple_", "string", "type_none"):
        assert name in gpuparam.__all__


# ---------------------------------------------------------------------- cells


class Named(nn.Cell):
    """A cell that names its own parameter, as many model files do."""

    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(np.ones(2, np.float32)), name="weight")


class Two(nn.Cell):
    def __init__(self, auto_prefix=True):
        super().__init__(auto_prefix=auto_prefix)
        self.a = Named()
        self.b = Named()


def names(cell):
    return [(path, p.name) for path, p in cell.parameters_and_names()]


def test_user_named_parameters_take_the_attribute_path():
    # MindSpore: Cell.__setattr__ calls update_parameters_name(attr + '.'), which names every
    # parameter prefix + its attribute path (the given name 'weight' is replaced).
    assert Named().w.name == "weight"
    assert names(Two()) == [("a.w", "a.w"), ("b.w", "b.w")]
    assert names(nn.SequentialCell([Named(), Named()])) == [("0.w", "0.w"), ("1.w", "1.w")]
    assert names(nn.CellList([Named(), Named()])) == [("0.w", "0.w"), ("1.w", "1.w")]

    class Holder(nn.Cell):
        def __init__(self):
            super().__init__()
            self.blocks = nn.CellList([Named(), Two()])

    assert [n for _, n in names(Holder())] == ["blocks.0.w", "blocks.1.a.w", "blocks.1.b.w"]


def test_a_duplicate_full_name_that_remains_is_an_error():
    with pytest.raises(ValueError, match="'weight'"):
        Two(auto_prefix=False)  # both keep the given name 'weight'


def test_celldict_takes_any_iterable_of_pairs():
    relu, tanh, dense = nn.ReLU(), nn.Tanh(), nn.Dense(2, 3)
    for pairs in ([["r", relu], ("t", tanh)], (p for p in [("r", relu), ["t", tanh]]),
                  {"r": relu, "t": tanh}.items()):
        d = nn.CellDict(pairs)
        assert d.keys() == ["r", "t"] and d["r"] is relu and d["t"] is tanh
    d = nn.CellDict([["head", dense]])
    assert dense.weight.name == "head.weight"
    with pytest.raises(ValueError, match="CellDict"):
        nn.CellDict([["a", relu, tanh]])
    with pytest.raises(TypeError, match="CellDict"):
        nn.CellDict([1, 2])


def test_insert_child_to_cell_accepts_none():
    class Slot(nn.Cell):
        def __init__(self):
            super().__init__()
            self.insert_child_to_cell("head", None)

    cell = Slot()
    assert cell.head is None and "head" not in dict(cell.name_cells())
    cell.head = nn.Dense(2, 2)
    assert cell.head.weight.name == "head.weight"


@pytest.mark.parametrize(("value", "kind"), [(lambda: nn.Dense(2, 2), "cells"),
                                             (lambda: Parameter(Tensor([1.0])), "params")])
def test_assigning_before_init_is_mindsporess_attribute_error(value, kind):
    class Early(nn.Cell):
        def __init__(self):
            self.early = value()
            super().__init__()

    with pytest.raises(AttributeError,
                       match=f"Early: Can not assign {kind} before Cell.__init__\\(\\) call"):
        Early()


def test_plain_list_of_cells_with_parameters_still_raises():
    # Kept as documented in docs/porting.md ("cells in a plain list ... TypeError").
    class Listed(nn.Cell):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Dense(2, 2)]

    with pytest.raises(TypeError, match="nn.CellList"):
        Listed()


# ---------------------------------------------------------------------- shards


def test_init_data_without_index_on_a_shard_raises():
    gpuparam.set_seed(19)
    p = Parameter(initializer("normal", [4, 2]), name="w")
    whole = p.clone()  # lazy, same key: the whole tensor
    p.init_data(index=(slice(0, 2),))
    shard = host(p)
    assert p.init_data(index=(slice(0, 2),)) is p  # asking for the same part is fine
    with pytest.raises(ValueError, match=r"Parameter.init_data: 'w' holds a shard .* of a "
                                         r"parameter of shape \(4, 2\).*clone\(\)"):
        p.init_data()
    assert p.shape == (2, 2) and np.array_equal(host(p), shard)  # nothing changed
    np.testing.assert_array_equal(host(whole.init_data())[:2], shard)


def test_init_data_twice_on_a_whole_parameter_is_still_self():
    p = Parameter(initializer("ones", [2, 2]), name="w")
    assert p.init_data() is p and p.init_data() is p


def test_parameter_value_is_a_tensor_view_of_the_current_data():
    """Transformer's embedding returns ``self.embedding_table.value()`` from construct."""
    p = Parameter(initializer("normal", (2, 3)), name="table")
    v = p.value()
    assert type(v) is Tensor and not p.has_init  # reading the value materializes it
    np.testing.assert_array_equal(v.asnumpy(), p.asnumpy())
    p[0, 0] = 5.0  # an in-place write to the parameter is seen through the view
    assert v.asnumpy()[0, 0] == 5.0
