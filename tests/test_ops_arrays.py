"""ops-a's array functions (issue 18) against independent references: element-by-element
Python loops over float64 data, ``sorted`` and ``itertools.groupby``; each on every
backend (``xp``), through the ``ops`` fronts. Bad input names the public function and
the argument, and changes nothing. MindSpore's own results are test_ops_arrays_mindspore.py.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, _array_ops, ops
from gpuparam.ops import functional as F
from gpuparam.ops import operations as P

RNG = np.random.default_rng(18)


def data(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def host(t):
    return t.asnumpy()


# ------------------------------------------------------------------ joins and splits

def _concat_loop(arrays, axis):
    sizes = [a.shape[axis] for a in arrays]
    shape = list(arrays[0].shape)
    shape[axis] = sum(sizes)
    out = np.empty(shape)
    for index in np.ndindex(*shape):
        k, i = 0, index[axis]
        while i >= sizes[k]:
            i, k = i - sizes[k], k + 1
        out[index] = arrays[k][index[:axis] + (i,) + index[axis + 1:]]
    return out


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat_and_stack_match_loops(xp, axis):
    arrays = [data(2, 3, 4), data(2, 3, 4), data(2, 3, 4)]
    if axis == 1:
        arrays[1] = data(2, 5, 4)
    tensors = [Tensor(a) for a in arrays]
    for front in (ops.Concat(axis), lambda ts: ops.cat(ts, axis), lambda ts: F.concat(ts, axis)):
        np.testing.assert_array_equal(host(front(tensors)), _concat_loop(arrays, axis % 3))
    if axis != 1:
        stacked = host(ops.Stack(axis)(tensors))
        for index in np.ndindex(*stacked.shape):
            a = axis % 4
            assert stacked[index] == arrays[index[a]][index[:a] + index[a + 1:]]


@pytest.mark.parametrize(("dim", "arg", "sizes"), [
    (10, 3, [3, 3, 3, 1]), (10, [3, 3, 4], [3, 3, 4]), (4, 4, [4]), (5, [0, 5], [0, 5])])
def test_split_pieces_are_views_in_order(xp, dim, arg, sizes):
    x = Tensor(np.arange(dim * 2, dtype=np.float64).reshape(2, dim))
    pieces = ops.split(x, arg, axis=1)
    assert [p.shape[1] for p in pieces] == sizes
    np.testing.assert_array_equal(np.concatenate([host(p) for p in pieces], 1), host(x))


@pytest.mark.parametrize(("dim", "arg"), [(7, 3), (3, 5), (10, 4), (7, (1, 6)), (10, [2, 20]),
                                          (8, [5, 2])])
def test_tensor_split_and_chunk_follow_their_definitions(dim, arg):
    x = Tensor(np.arange(dim))
    got = [p.tolist() for p in ops.tensor_split(x, arg)]
    values = list(range(dim))
    if isinstance(arg, int):  # n pieces, sizes differing by at most one, larger first
        size, extra = divmod(dim, arg)
        bounds = list(itertools.accumulate([size + 1] * extra + [size] * (arg - extra),
                                           initial=0))
    else:  # cut before each index, Python's slice rules
        bounds = [0, *arg, dim]
    assert got == [values[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    if isinstance(arg, int):
        step = math.ceil(dim / arg)
        assert [p.tolist() for p in ops.chunk(x, arg)] == \
            [values[i:i + step] for i in range(0, dim, step)]


def test_split_unstack_and_splits_share_the_buffer():
    x = Tensor(np.arange(8, dtype=np.int32).reshape(2, 4))
    halves = P.Split(1, 2)(x)
    assert [h.tolist() for h in halves] == [[[0, 1], [4, 5]], [[2, 3], [6, 7]]]
    rows = ops.Unstack(axis=-1)(x)
    assert [r.tolist() for r in rows] == [[0, 4], [1, 5], [2, 6], [3, 7]]
    halves[0][0, 0] = 99  # a view: written through to x
    assert x.tolist()[0][0] == 99


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda x: ops.cat([]), TypeError, r"^cat: `tensors`"),
    (lambda x: ops.cat([x, x.astype(gpuparam.float16)]), TypeError, r"^cat: every tensor"),
    (lambda x: ops.cat([x, Tensor(np.ones((3, 3)))], 1), ValueError, r"^cat: `tensors` must be "
     r"shapes that agree except in axis 1"),
    (lambda x: ops.cat([Tensor(1.0), Tensor(2.0)]), ValueError, r"^cat: `tensors`"),
    (lambda x: ops.cat([x, x], 2), ValueError, r"^cat: `axis`"),
    (lambda x: ops.Concat(axis=())((x,)), TypeError, r"^Concat: `axis`"),
    (lambda x: ops.stack([x, Tensor(np.ones((3, 2)))]), ValueError, r"^stack: `tensors`"),
    (lambda x: ops.split(x, 0), ValueError, r"^split: `split_size_or_sections`"),
    (lambda x: ops.split(x, [1, 2]), ValueError, r"^split: `split_size_or_sections` must be "
     r"sizes that sum"),
    (lambda x: ops.Split(0, 3)(x), ValueError, r"^Split: `output_num` must be a divisor"),
    (lambda x: ops.tensor_split(x, 0), ValueError, r"^tensor_split: `indices_or_sections`"),
    (lambda x: ops.chunk(x, 2, axis=()), TypeError, r"^chunk: `axis`"),
    (lambda x: ops.cat([x, np.ones((2, 3))]), TypeError, r"^cat: `tensors` must be a list"),
])
def test_join_and_split_errors_name_the_function(call, exc, match):
    with pytest.raises(exc, match=match):
        call(Tensor(np.ones((2, 3))))


# ------------------------------------------------------------------ shapes

def test_shape_operators_match_numpy_views(xp):
    a = data(2, 1, 3)
    x = Tensor(a)
    assert ops.ExpandDims()(x, 0).shape == (1, 2, 1, 3)
    assert ops.Squeeze(1)(x).shape == (2, 3) and ops.squeeze(x).shape == (2, 3)
    assert ops.Flatten()(x).shape == (2, 3) and ops.flatten(x).shape == (2, 3)
    assert ops.flatten(x, start_dim=0).shape == (6,) and ops.flatten(Tensor(1.0)).shape == (1,)
    np.testing.assert_array_equal(host(ops.swapaxes(x, 0, 2)), a.transpose(2, 1, 0))
    np.testing.assert_array_equal(host(ops.BroadcastTo((4, 2, 5, 3))(x)),
                                  np.broadcast_to(a, (4, 2, 5, 3)))
    assert ops.broadcast_to(x, (-1, 4, 3)).shape == (2, 4, 3)  # -1 keeps the input's dim
    np.testing.assert_array_equal(host(ops.ReverseV2([0, 2])(x)), a[::-1, :, ::-1])
    for view in (ops.ExpandDims()(x, 0), ops.Squeeze()(x), ops.ReverseV2((0,))(x),
                 ops.Slice()(x, (0, 0, 1), (1, 1, -1))):
        assert view._base is x  # shares x's buffer and its ordering


def _slice_loop(a, begin, size):
    out = np.empty([a.shape[d] - b if s == -1 else s for d, (b, s) in enumerate(zip(begin, size))])
    for index in np.ndindex(*out.shape):
        out[index] = a[tuple(i + b for i, b in zip(index, begin))]
    return out


@pytest.mark.parametrize(("begin", "size"), [((1, 0, 0), (1, 1, 3)), ((0, 1, 1), (-1, -1, 2)),
                                             ((2, 1, 2), (1, 1, 1))])
def test_slice_matches_a_loop(xp, begin, size):
    a = data(3, 2, 3)
    np.testing.assert_array_equal(host(ops.Slice()(Tensor(a), begin, size)),
                                  _slice_loop(a, begin, size))


@pytest.mark.parametrize(("masks", "begin", "end", "strides", "index"), [
    ({}, (1, 0, 0), (2, 2, 3), (1, 1, 1), np.s_[1:2, 0:2, 0:3]),
    ({}, (1, -1, 0), (2, -3, 3), (1, -1, 1), np.s_[1:2, -1:-3:-1, 0:3]),
    ({"begin_mask": 1, "end_mask": 2}, (1, 1, 0), (2, 2, 3), (1, 1, 1), np.s_[:2, 1:, 0:3]),
    ({"shrink_axis_mask": 1}, (1, 0, 0), (2, 3, 4), (1, 1, 1), np.s_[1, 0:3, 0:4]),
    ({"ellipsis_mask": 1}, (0, 1), (1, 3), (1, 1), np.s_[..., 1:3]),
    ({"new_axis_mask": 1}, (0, 0, 1), (1, 2, 3), (1, 1, 1), np.s_[None, 0:2, 1:3]),
    ({}, (0, 0, 0), (10, 10, 10), (2, 1, 3), np.s_[0:10:2, 0:10, 0:10:3]),
])
def test_strided_slice_follows_tensorflow_masks(masks, begin, end, strides, index):
    a = np.arange(24).reshape(2, 3, 4)
    got = ops.StridedSlice(**masks)(Tensor(a), begin, end, strides)
    np.testing.assert_array_equal(host(got), a[index])


def _reverse_sequence_loop(a, lengths, seq, batch):
    out = a.copy()
    for index in np.ndindex(*a.shape):
        n = lengths[index[batch]]
        if index[seq] < n:
            source = list(index)
            source[seq] = n - 1 - index[seq]
            out[index] = a[tuple(source)]
    return out


@pytest.mark.parametrize(("seq", "batch"), [(1, 0), (0, 1), (2, 0), (0, 2)])
def test_reverse_sequence_matches_a_loop(xp, seq, batch):
    a = data(3, 4, 3)
    lengths = RNG.integers(0, a.shape[seq] + 1, a.shape[batch])
    got = ops.ReverseSequence(seq_dim=seq, batch_dim=batch)(Tensor(a), Tensor(lengths))
    np.testing.assert_array_equal(host(got), _reverse_sequence_loop(a, lengths, seq, batch))


def test_tile_repeat_and_roll_match_loops(xp):
    a = data(2, 3)
    tiled = host(ops.Tile()(Tensor(a), (2, 1, 3)))
    assert tiled.shape == (2, 2, 9)
    for i, j, k in np.ndindex(*tiled.shape):
        assert tiled[i, j, k] == a[j % 2, k % 3]
    rep = host(ops.repeat_elements(Tensor(a), rep=2, axis=1))
    assert all(rep[i, j] == a[i, j // 2] for i, j in np.ndindex(*rep.shape))
    counts = [1, 0, 3]
    got = host(ops.repeat_interleave(Tensor(a), Tensor(np.array(counts)), 1))
    expected = [[row[j] for j, c in enumerate(counts) for _ in range(c)] for row in a]
    np.testing.assert_array_equal(got, expected)
    assert ops.repeat_interleave(Tensor(a), 2).shape == (12,)  # axis=None flattens
    rolled = host(ops.roll(Tensor(a), (1, -1), (0, 1)))
    assert all(rolled[i, j] == a[(i - 1) % 2, (j + 1) % 3] for i, j in np.ndindex(2, 3))
    flat = host(ops.roll(Tensor(a), 2)).reshape(-1)
    assert all(flat[i] == a.reshape(-1)[(i - 2) % 6] for i in range(6))


def _unfold_loop(a, k, dilation, padding, stride):
    n, c, h, w = a.shape
    padded = np.zeros((n, c, h + 2 * padding[0], w + 2 * padding[1]))
    padded[:, :, padding[0]:padding[0] + h, padding[1]:padding[1] + w] = a
    oh = (padded.shape[2] - dilation[0] * (k[0] - 1) - 1) // stride[0] + 1
    ow = (padded.shape[3] - dilation[1] * (k[1] - 1) - 1) // stride[1] + 1
    out = np.empty((n, c * k[0] * k[1], oh * ow))
    for b, ch, i, j, y, x in itertools.product(range(n), range(c), range(k[0]), range(k[1]),
                                               range(oh), range(ow)):
        out[b, (ch * k[0] + i) * k[1] + j, y * ow + x] = \
            padded[b, ch, y * stride[0] + i * dilation[0], x * stride[1] + j * dilation[1]]
    return out


@pytest.mark.parametrize(("kernel", "dilation", "padding", "stride"), [
    (3, 1, 0, 1), (2, 1, 1, 2), ((2, 1), (1, 2), 0, (2, 1)), ((3, 2), 2, (1, 0), 1)])
def test_unfold_matches_an_im2col_loop(xp, kernel, dilation, padding, stride):
    a = data(2, 3, 6, 5)
    pair = lambda v: v if isinstance(v, tuple) else (v, v)  # noqa: E731
    got = ops.unfold(Tensor(a), kernel, dilation=dilation, padding=padding, stride=stride)
    np.testing.assert_array_equal(host(got), _unfold_loop(a, pair(kernel), pair(dilation),
                                                          pair(padding), pair(stride)))


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda x: ops.Tile()(x, (-1, 1)), ValueError, r"^Tile: `dims` must be ints >= 0"),
    (lambda x: ops.Tile()(x, 2), TypeError, r"^Tile: `dims`"),
    (lambda x: ops.ExpandDims()(x, 3), ValueError, r"^ExpandDims: `axis`"),
    (lambda x: ops.Squeeze(1)(Tensor(np.ones((1, 2, 1)))), ValueError, r"^Squeeze: `axis`"),
    (lambda x: ops.Flatten()(Tensor(1.0)), ValueError, r"^Flatten: `input_x`"),
    (lambda x: ops.Slice()(x, (0, 1), (2, 3)), ValueError, r"^Slice: `size`"),
    (lambda x: ops.Slice()(x, (0,), (1,)), ValueError, r"^Slice: `begin` must be 2 ints"),
    (lambda x: ops.StridedSlice()(x, (0, 0), (1, 1), (0, 1)), ValueError,
     r"^StridedSlice: `strides`"),
    (lambda x: ops.StridedSlice(ellipsis_mask=3)(x, (0, 0), (1, 1), (1, 1)), ValueError,
     r"^StridedSlice: `ellipsis_mask`"),
    (lambda x: ops.StridedSlice(shrink_axis_mask=1)(x, (5, 0), (6, 1), (1, 1)), ValueError,
     r"^StridedSlice: `begin`"),
    (lambda x: ops.broadcast_to(x, (2, 4)), ValueError, r"^broadcast_to: `shape`"),
    (lambda x: ops.broadcast_to(x, (-1, 2, 3)), ValueError, r"^broadcast_to: `shape`"),
    (lambda x: ops.ReverseV2(axis=(0, 0))(x), ValueError, r"^ReverseV2: `axis`"),
    (lambda x: ops.ReverseV2(axis=0), TypeError, r"^ReverseV2: `axis`"),
    (lambda x: ops.ReverseSequence(1)(x, Tensor(np.array([4, 1]))), ValueError,
     r"^ReverseSequence: `seq_lengths` must be lengths in \[0, 3\]"),
    (lambda x: ops.ReverseSequence(0, 0)(x, Tensor(np.array([1, 1]))), ValueError,
     r"^ReverseSequence: `seq_dim`"),
    (lambda x: ops.repeat_elements(x, 0), ValueError, r"^repeat_elements: `rep`"),
    (lambda x: ops.repeat_interleave(x, (1, 2, 3), 0), ValueError, r"^repeat_interleave: "),
    (lambda x: ops.roll(x, (1, 2, 3), (0, 1)), ValueError, r"^roll: `shifts`"),
    (lambda x: ops.unfold(Tensor(np.ones((1, 4, 4))), 2), ValueError, r"^unfold: `input`"),
    (lambda x: ops.unfold(Tensor(np.ones((1, 1, 2, 2))), 3), ValueError, r"^unfold: `kernel_size`"),
    (lambda x: ops.swapaxes(x, 0, 5), ValueError, r"^swapaxes: `axis1`"),
    (lambda x: ops.tile(np.ones(2), (2,)), TypeError, r"^tile: `input` must be a Tensor"),
])
def test_shape_errors_name_the_function(call, exc, match):
    with pytest.raises(exc, match=match):
        call(Tensor(np.ones((2, 3))))


# ------------------------------------------------------------------ creation

@pytest.mark.parametrize(("args", "kwargs", "values", "dtype"), [
    ((5,), {}, [0, 1, 2, 3, 4], gpuparam.int64),
    ((1, 6, 2), {}, [1, 3, 5], gpuparam.int64),
    ((0, 1, 0.25), {}, [0.0, 0.25, 0.5, 0.75], gpuparam.float32),
    ((3,), {"dtype": gpuparam.float16}, [0.0, 1.0, 2.0], gpuparam.float16),
    ((5, 0, -2), {}, [5, 3, 1], gpuparam.int64),
    ((Tensor(np.int32(3)),), {}, [0, 1, 2], gpuparam.int64),
])
def test_arange_values_and_dtypes(xp, args, kwargs, values, dtype):
    got = ops.arange(*args, **kwargs)
    assert got.dtype == dtype and got.tolist() == values


def test_float_ranges_do_not_drift():
    # start + i * step, not repeated addition: 0.1 * 30 steps lands on the float32 of i/10.
    got = host(ops.arange(0, 3, 0.1))
    np.testing.assert_array_equal(got, (np.arange(30) * 0.1).astype(np.float32))
    assert ops.range(0.0, 3.0, 1.0).dtype == gpuparam.float32
    np.testing.assert_allclose(host(ops.linspace(-1, 1, 7)), [i / 3 - 1 for i in range(7)],
                               rtol=1e-7)


def test_filled_tensors_and_their_default_dtypes(xp):
    assert ops.zeros(3).dtype == gpuparam.float32
    assert ops.Ones()((2,), gpuparam.int8).tolist() == [1, 1]
    assert ops.zeros(Tensor(np.array([1, 2]))).shape == (1, 2)
    assert ops.full((2,), 1.7).tolist() == [1, 1]  # Int64 by default, truncated (MindSpore)
    assert ops.full((2,), 1.5, dtype=gpuparam.float16).tolist() == [1.5, 1.5]
    assert ops.full_like(Tensor(np.ones(2, np.float32)), 3).tolist() == [3.0, 3.0]
    assert F.ones_like(Tensor(np.zeros(2)), dtype=gpuparam.int32).dtype == gpuparam.int32
    assert ops.Fill()(gpuparam.bool_, (2,), 1).tolist() == [True, True]
    assert ops.eye(2, 3).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert ops.Eye()(2, 2, gpuparam.bool_).tolist() == [[True, False], [False, True]]
    a = data(2, 4, 4)
    for k in (-2, 0, 1):
        lower, upper = host(ops.tril(Tensor(a), k)), host(ops.triu(Tensor(a), k))
        for b, i, j in np.ndindex(*a.shape):
            assert lower[b, i, j] == (a[b, i, j] if j - i <= k else 0)
            assert upper[b, i, j] == (a[b, i, j] if j - i >= k else 0)


def test_meshgrid_and_one_hot_match_loops(xp):
    x, y = np.arange(4), np.arange(10, 13)
    gx, gy = ops.meshgrid(Tensor(x), Tensor(y))  # 'xy': (len(y), len(x))
    assert gx.shape == (3, 4) and all(host(gx)[i, j] == x[j] and host(gy)[i, j] == y[i]
                                      for i, j in np.ndindex(3, 4))
    ix, _ = ops.Meshgrid("ij")((Tensor(x), Tensor(y)))
    assert ix.shape == (4, 3)
    indices = np.array([[0, 2], [-1, 5]])
    for axis in (-1, 0, 1):
        got = host(ops.one_hot(Tensor(indices), 3, 1.0, 0.0, axis))
        moved = np.moveaxis(got, axis, -1)
        for i, j, k in np.ndindex(2, 2, 3):
            assert moved[i, j, k] == (1.0 if indices[i, j] == k else 0.0)
    assert ops.one_hot(Tensor(indices), 3).dtype == gpuparam.int64


def test_scalars_to_tensors():
    assert ops.tuple_to_array((1, 2)).dtype == gpuparam.int32
    assert ops.tuple_to_array((1, 2.5)).tolist() == [1.0, 2.5]  # no truncation (see docstring)
    assert ops.scalar_to_tensor(3, gpuparam.int32).shape == ()
    assert ops.ScalarCast()(2 ** 0.5, gpuparam.int32) == 1
    assert ops.ScalarCast()(0, gpuparam.bool_) is False


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda: ops.arange(5, 1), ValueError, r"^arange: `step` must be a step that walks"),
    (lambda: ops.arange(0, 1, 0), ValueError, r"^arange: `step` must be a non-zero number"),
    (lambda: ops.arange(float("nan"), 3), ValueError, r"^arange: `start`"),
    (lambda: ops.arange("3"), TypeError, r"^arange: `start`"),
    (lambda: ops.range(0, 10, 1, maxlen=5), ValueError, r"^range: `maxlen`"),
    (lambda: ops.linspace(0, 1, 0), ValueError, r"^linspace: `steps`"),
    (lambda: ops.LinSpace()(Tensor(np.float16(3)), Tensor(np.float16(4)), 2), TypeError,
     r"^LinSpace: `start`"),
    (lambda: ops.LinSpace()(Tensor(np.float32(3)), Tensor(np.float64(4)), 2), TypeError,
     r"^LinSpace: `start` \(Float32\) and `stop` \(Float64\)"),
    (lambda: ops.zeros((-1,)), ValueError, r"^zeros: `size` must be sizes >= 0"),
    (lambda: ops.zeros((2,), "float3"), TypeError, r"^zeros: `dtype`"),
    (lambda: ops.full(2, 1), TypeError, r"^full: `size` must be a tuple or list"),
    (lambda: ops.fill(gpuparam.int8, (2,), 300), ValueError, r"^fill: `value` holds the value "
     r"300, outside the Int8 range"),
    (lambda: ops.full((2,), float("nan"), dtype=gpuparam.int32), ValueError, r"^full: `value`"),
    (lambda: ops.full((2,), 1j, dtype=gpuparam.float32), TypeError, r"^full: `value`"),
    (lambda: ops.eye(-1), ValueError, r"^eye: `n`"),
    (lambda: ops.tril(Tensor(np.ones(3))), ValueError, r"^tril: `input`"),
    (lambda: ops.tril(Tensor(np.ones((2, 2))), 0.5), TypeError, r"^tril: `diagonal`"),
    (lambda: ops.meshgrid(Tensor(np.arange(2)), Tensor(np.arange(3.0))), TypeError,
     r"^meshgrid: every tensor"),
    (lambda: ops.meshgrid(Tensor(np.ones((2, 2)))), ValueError, r"^meshgrid: `inputs`"),
    (lambda: ops.Meshgrid("yx"), ValueError, r"^Meshgrid: `indexing`"),
    (lambda: ops.one_hot(Tensor(np.array([0.0])), 3), TypeError, r"^one_hot: `indices`"),
    (lambda: ops.one_hot(Tensor(np.array([0])), -1), ValueError, r"^one_hot: `depth`"),
    (lambda: ops.OneHot()(Tensor(np.array([0])), 3, 1.0, 0.0), TypeError, r"^OneHot: `on_value`"),
    (lambda: ops.tuple_to_array([1, 2]), TypeError, r"^tuple_to_array: `input_x`"),
    (lambda: ops.tuple_to_array((2 ** 40,)), ValueError, r"^tuple_to_array: `input_x`"),
    (lambda: ops.ScalarCast()(300, gpuparam.int8), ValueError, r"^ScalarCast: `input_x`"),
    (lambda: ops.scalar_to_tensor(Tensor(1.0)), TypeError, r"^scalar_to_tensor: `input_x`"),
])
def test_creation_errors_name_the_function(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------------ indexing

def test_select_where_and_masked_fill_match_loops(xp):
    cond = RNG.random((2, 3)) > 0.5
    a, b = data(2, 3), data(1, 3)
    for front in (ops.Select(), ops.select, ops.where):
        got = host(front(Tensor(cond), Tensor(a), Tensor(b)))
        assert all(got[i, j] == (a[i, j] if cond[i, j] else b[0, j]) for i, j in np.ndindex(2, 3))
    mixed = ops.select(Tensor(cond), Tensor(a.astype(np.int32)), Tensor(a.astype(np.float16)))
    assert mixed.dtype == gpuparam.float16  # MindSpore's promotion, not NumPy's float64
    assert ops.where(Tensor(cond), 1, 0.5).dtype == gpuparam.float32
    filled = host(ops.masked_fill(Tensor(a), Tensor(cond[:1]), Tensor(np.float64(-2.0))))
    assert all(filled[i, j] == (-2.0 if cond[0, j] else a[i, j]) for i, j in np.ndindex(2, 3))


def _gather_loop(params, indices, axis, batch_dims):
    out_shape = params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]
    out = np.empty(out_shape)
    k = indices.ndim - batch_dims
    for index in np.ndindex(*out_shape):
        lead, picked, rest = index[:axis], index[axis:axis + k], index[axis + k:]
        i = indices[lead[:batch_dims] + picked]
        out[index] = params[lead + (i,) + rest]
    return out


@pytest.mark.parametrize(("shape", "index_shape", "axis", "batch_dims"), [
    ((7,), (5,), 0, 0), ((3, 4), (2, 2), 1, 0), ((2, 3, 4), (2, 2), 2, 1),
    ((2, 3, 4), (2, 5), 1, 1), ((2, 3, 4, 2), (2, 3, 2), 3, 2)])
def test_gather_matches_a_loop(xp, shape, index_shape, axis, batch_dims):
    params = data(*shape)
    indices = RNG.integers(-shape[axis], shape[axis], index_shape).astype(np.int32)
    got = ops.Gather(batch_dims)(Tensor(params), Tensor(indices), axis)
    np.testing.assert_array_equal(host(got), _gather_loop(params, indices % shape[axis],
                                                          axis, batch_dims))


def test_gather_nd_gather_elements_and_scatter_nd_match_loops(xp):
    x = data(3, 4, 2)
    idx = np.stack([RNG.integers(0, 3, 5), RNG.integers(0, 4, 5)], axis=-1)
    got = host(ops.GatherNd()(Tensor(x), Tensor(idx)))
    assert all((got[n] == x[idx[n, 0], idx[n, 1]]).all() for n in range(5))
    index = RNG.integers(0, 4, (2, 3, 2))  # smaller than x except along dim 1
    elements = host(ops.gather_elements(Tensor(x), 1, Tensor(index)))
    assert all(elements[i, j, k] == x[i, index[i, j, k], k] for i, j, k in np.ndindex(2, 3, 2))
    assert ops.GatherD()(Tensor(x), -2, Tensor(index)).shape == (2, 3, 2)
    updates = data(5, 2)
    scattered = host(ops.ScatterNd()(Tensor(idx), Tensor(updates), (3, 4, 2)))
    expected = np.zeros((3, 4, 2))
    for n in range(5):  # repeated indices add up
        expected[idx[n, 0], idx[n, 1]] += updates[n]
    np.testing.assert_allclose(scattered, expected, rtol=1e-15)


def test_scatter_nd_update_writes_in_place_and_refuses_before_writing():
    p = Parameter(Tensor(np.zeros((2, 3), np.float32)), name="p")
    op = ops.ScatterNdUpdate()
    assert op(p, Tensor(np.array([[0, 2]])), Tensor(np.array([5.0], np.float32))) is p
    assert p.asnumpy().tolist() == [[0.0, 0.0, 5.0], [0.0, 0.0, 0.0]]
    with pytest.raises(TypeError, match=r"^ScatterNdUpdate: `updates` must be a Float32 tensor"):
        op(p, Tensor(np.array([[1, 1]])), Tensor(np.array([1.0])))
    with pytest.raises(ValueError,
                       match=r"^ScatterNdUpdate: `indices` must be indices in \[0, 3\)"):
        op(p, Tensor(np.array([[0, 0], [1, 3]])), Tensor(np.array([7.0, 7.0], np.float32)))
    assert p.asnumpy().tolist() == [[0.0, 0.0, 5.0], [0.0, 0.0, 0.0]]  # nothing half-written


def test_nonzero(xp):
    a = (RNG.random((3, 4)) > 0.5) * data(3, 4)
    got = ops.nonzero(Tensor(a))
    assert got.dtype == gpuparam.int64
    assert host(got).tolist() == [[i, j] for i, j in np.ndindex(3, 4) if a[i, j] != 0]


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda x, v: ops.select(Tensor(np.array([1, 0])), v, v), TypeError, r"^select: `condition` "
     r"must be a Bool tensor"),
    (lambda x, v: ops.select(Tensor(np.array([True])), v, "a"), TypeError, r"^select: `other`"),
    (lambda x, v: ops.where(Tensor(np.ones((3,), bool)), v, v), ValueError, r"^where: `input`"),
    (lambda x, v: ops.masked_fill(v, Tensor(np.array([1, 0])), 0.0), TypeError,
     r"^masked_fill: `mask`"),
    (lambda x, v: ops.masked_fill(v, True, 0.0), TypeError,
     r"^masked_fill: `mask` must be a Tensor"),
    (lambda x, v: ops.masked_fill(v.astype(gpuparam.float16), Tensor(np.array([True, False])),
                                  -1e9),
     ValueError, r"^masked_fill: `value` holds the value -1000000000.0, outside the Float16"),
    (lambda x, v: ops.gather(x, Tensor(np.array([2])), 0), ValueError, r"^gather: `input_indices` "
     r"must be indices in \[-2, 2\)"),
    (lambda x, v: ops.gather(x, Tensor(np.array([0.0])), 0), TypeError,
     r"^gather: `input_indices`"),
    (lambda x, v: ops.gather(x, [0], 0), TypeError, r"^gather: `input_indices` must be a Tensor"),
    (lambda x, v: ops.gather(x, Tensor(np.array([0])), ()), TypeError, r"^gather: `axis`"),
    (lambda x, v: ops.Gather(1)(x, Tensor(np.array([0])), 0), ValueError, r"^Gather: `batch_dims`"),
    (lambda x, v: ops.GatherNd()(x, Tensor(np.array([[-1]]))), ValueError, r"^GatherNd: `indices`"),
    (lambda x, v: ops.GatherNd()(x, Tensor(np.array([[0, 0, 0]]))), ValueError,
     r"^GatherNd: `indices` must be a tensor whose last dim"),
    (lambda x, v: ops.gather_elements(x, 0, Tensor(np.array([0]))), ValueError,
     r"^gather_elements: `index`"),
    (lambda x, v: ops.ScatterNd()(Tensor(np.array([[0]])), x, (2, 3)), ValueError,
     r"^ScatterNd: `updates` must be the shape \(1, 3\)"),
    (lambda x, v: ops.ScatterNd()(Tensor(np.array([[0]])), x[:1], (2, -3)), TypeError,
     r"^ScatterNd: `shape`"),
    (lambda x, v: ops.nonzero(Tensor(3)), ValueError, r"^nonzero: `input`"),
])
def test_indexing_errors_name_the_function(call, exc, match):
    with pytest.raises(exc, match=match):
        call(Tensor(np.ones((2, 3), np.float32)), Tensor(np.ones(2, np.float32)))


# ------------------------------------------------------------------ sorting

@pytest.mark.parametrize("dtype", [np.float16, np.float64, np.int8, np.uint8, np.int64])
def test_sort_and_topk_are_stable_with_ties(xp, dtype):
    a = RNG.integers(0, 4, (3, 6)).astype(dtype)  # many ties
    if dtype == np.int8:
        a[0, 0] = -128  # ~x, not -x: the minimum cannot overflow
    for descending in (False, True):
        values, indices = ops.Sort(axis=-1, descending=descending)(Tensor(a))
        assert indices.dtype == gpuparam.int32
        for row, vals, idx in zip(a, host(values), host(indices)):
            order = sorted(range(6), key=lambda j: -int(row[j]) if descending else int(row[j]))
            assert idx.tolist() == order and vals.tolist() == row[order].tolist()
    for largest in (True, False):
        values, indices = ops.topk(Tensor(a), 3, dim=0, largest=largest)
        for col in range(6):
            order = sorted(range(3), key=lambda i: -int(a[i, col]) if largest else int(a[i, col]))
            assert host(indices)[:, col].tolist() == order
            assert host(values)[:, col].tolist() == a[order, col].tolist()


def test_argmax_and_extremes_with_values(xp):
    a = RNG.integers(0, 3, (4, 5)).astype(np.float32)
    first_max = [row.tolist().index(max(row)) for row in a]
    assert ops.Argmax()(Tensor(a)).tolist() == first_max
    assert ops.Argmax(axis=-1, output_type=gpuparam.int64)(Tensor(a)).dtype == gpuparam.int64
    assert ops.argmax(Tensor(a), dim=1, keepdim=True).shape == (4, 1)
    assert ops.argmax(Tensor(a)).tolist() == a.reshape(-1).tolist().index(a.max())
    index, value = ops.ArgMaxWithValue(axis=1)(Tensor(a))
    assert index.dtype == gpuparam.int64 and index.tolist() == first_max
    assert value.tolist() == [max(row) for row in a.tolist()]
    index, value = ops.ArgMinWithValue(axis=0, keep_dims=True)(Tensor(a))
    assert index.shape == (1, 5) and value.tolist() == [a.min(axis=0).tolist()]


def test_unique_consecutive_matches_groupby(xp):
    flat = RNG.integers(0, 3, 20)
    runs = [(k, len(list(g))) for k, g in itertools.groupby(flat.tolist())]
    values, inverse, counts = ops.unique_consecutive(Tensor(flat), True, True)
    assert values.tolist() == [k for k, _ in runs] and counts.tolist() == [n for _, n in runs]
    assert inverse.tolist() == [i for i, (_, n) in enumerate(runs) for _ in range(n)]
    rows = np.array([[1, 2], [1, 2], [3, 4], [1, 2]])
    values, counts = ops.unique_consecutive(Tensor(rows), return_counts=True, dim=0)
    assert values.tolist() == [[1, 2], [3, 4], [1, 2]] and counts.tolist() == [2, 1, 1]
    assert ops.unique_consecutive(Tensor(rows.T), dim=1).tolist() == [[1, 3, 1], [2, 4, 2]]


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda x: ops.topk(x, 4), ValueError, r"^topk: `k` must be an int in \[1, 3\]"),
    (lambda x: ops.topk(x, 0), ValueError, r"^topk: `k`"),
    (lambda x: ops.topk(x, 1.0), TypeError, r"^topk: `k`"),
    (lambda x: ops.topk(x, 1, dim=()), TypeError, r"^topk: `dim`"),
    (lambda x: ops.TopK(sorted=1), TypeError, r"^TopK: `sorted`"),
    (lambda x: ops.Sort(axis=())(x), TypeError, r"^Sort: `axis`"),
    (lambda x: ops.Sort()(Tensor(np.array([True]))), TypeError, r"^Sort: `x`"),
    (lambda x: ops.Sort(descending=None), TypeError, r"^Sort: `descending`"),
    (lambda x: ops.Argmax(output_type=gpuparam.float32), ValueError, r"^Argmax: `output_type`"),
    (lambda x: ops.Argmax(axis=None), TypeError, r"^Argmax: `axis`"),
    (lambda x: ops.argmax(x, dim=(0,)), TypeError, r"^argmax: `axis`"),
    (lambda x: ops.ArgMaxWithValue(axis=())(x), TypeError, r"^ArgMaxWithValue: `axis`"),
    (lambda x: ops.ArgMaxWithValue()(Tensor(np.ones((0,)))), ValueError, r"^ArgMaxWithValue: "),
    (lambda x: ops.unique_consecutive(x, dim=()), TypeError, r"^unique_consecutive: `dim`"),
    (lambda x: ops.unique_consecutive(x, 1), TypeError, r"^unique_consecutive: `return_inverse`"),
])
def test_sorting_errors_name_the_function(call, exc, match):
    with pytest.raises(exc, match=match):
        call(Tensor(np.array([[3.0, 1.0, 2.0]])).reshape(3))


# ------------------------------------------------------------------ the layer itself

def test_index_checks_read_nothing_back_from_a_device(monkeypatch):
    # On CuPy an index-range check would synchronize the device; the check is skipped for
    # device arrays (is_device_array), so a forward gather never reads indices back.
    from gpuparam._array_ops import indexing
    x, wrapping = np.arange(6.0).reshape(2, 3), np.array([[-1, 0]])  # NumPy would wrap -1
    with pytest.raises(ValueError, match=r"^gather_nd: `indices` must be indices in \[0, 2\)"):
        _array_ops.gather_nd(x, wrapping, where="gather_nd")
    monkeypatch.setattr(indexing, "is_device_array", lambda a: True)
    assert _array_ops.gather_nd(x, wrapping, where="gather_nd").tolist() == [3.0]  # unchecked


def test_forward_operators_never_read_to_the_host(monkeypatch):
    # Every host read in gpuparam goes through these; none may run in a forward op
    # (the operators that document "May synchronize the device" are left out here).
    from gpuparam import _backend
    def refuse(*args, **kwargs):
        raise AssertionError("a forward operator read data back to the host")
    x = Tensor(data(2, 3).astype(np.float32))
    idx, lengths, first = (Tensor(np.array(v)) for v in ([[0, 1]], [1, 2], [0]))
    labels, ones = Tensor(np.array([0, 1])), Tensor(np.ones(1, np.float32))
    cond = x > 0
    for name in ("to_host", "to_host_values"):
        monkeypatch.setattr(_backend, name, refuse)
        monkeypatch.setattr(_backend.arrays, name, refuse)
    monkeypatch.setattr(Tensor, "item", refuse)
    monkeypatch.setattr(Tensor, "asnumpy", refuse)
    results = [ops.cat((x, x)), ops.stack([x, x]), ops.split(x, 1, 1), ops.Tile()(x, (2, 1)),
               ops.StridedSlice()(x, (0, 0), (1, 3), (1, 2)), ops.broadcast_to(x, (4, 2, 3)),
               ops.ReverseSequence(1)(x, lengths), ops.roll(x, 1, 0),
               ops.unfold(x.reshape(1, 1, 2, 3), 2), ops.zeros((2,)), ops.full((2,), 3),
               ops.one_hot(labels, 3, 1.0, 0.0), ops.tril(x),
               ops.select(cond, x, 0.0), ops.masked_fill(x, cond, -1.0),
               ops.gather(x, first, 1), ops.GatherNd()(x, idx),
               ops.gather_elements(x, 1, idx), ops.ScatterNd()(idx, ones, (2, 3)),
               ops.TopK()(x, 2), ops.Sort()(x), ops.Argmax()(x), ops.ArgMaxWithValue()(x),
               ops.repeat_elements(x, 2), ops.Identity()(x)]
    assert len(results) == 25
