"""The MindSpore 2.x Tensor methods of ops-a's operators (gpuparam/_tensor_shape_methods.py):
each gives what its ``ops`` twin gives (checked against loops in test_ops_arrays.py), both
overloads where MindSpore 2.x has two, views where the result shares the buffer, and
errors that name the method."""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, ops

A = np.array([[3, 1, 3, 2], [0, 5, 5, 1]], np.float32)


def test_methods_match_their_ops_twins(xp):
    x = Tensor(A)
    idx = Tensor(np.array([[0], [3]], np.int32))
    pairs = [
        (x.tile((2, 1)), ops.tile(x, (2, 1))),
        (x.tile(2), ops.tile(x, (1, 2))),  # an int tiles the last dim, as MindSpore's
        (x.repeat(2, 1, 1), ops.tile(x, (2, 1, 1))),
        (x.repeat((1, 2)), ops.tile(x, (1, 2))),
        (x.repeat_interleave(2, dim=1), ops.repeat_interleave(x, 2, 1)),
        (x.broadcast_to(3, 2, 4), ops.broadcast_to(x, (3, 2, 4))),
        (x.expand((3, 2, 4)), ops.broadcast_to(x, (3, 2, 4))),
        (Tensor(A[:1]).expand_as(x), ops.broadcast_to(Tensor(A[:1]), (2, 4))),
        (x.unsqueeze(1), ops.expand_dims(x, 1)),
        (x.flip((1,)), ops.ReverseV2((1,))(x)),
        (x.roll(1, 1), ops.roll(x, 1, 1)),
        (x.tril(1), ops.tril(x, 1)), (x.triu(-1), ops.triu(x, -1)),
        (x.gather(1, idx), ops.gather_elements(x, 1, idx)),  # the (dim, index) overload
        (x.gather(Tensor(np.array([2], np.int32)), 1), ops.gather(x, Tensor(np.array([2])), 1)),
        (x.gather_elements(1, idx), ops.gather_elements(x, 1, idx)),
        (x.gather_nd(Tensor(np.array([[0, 1]]))), ops.GatherNd()(x, Tensor(np.array([[0, 1]])))),
        (x.masked_fill(x > 2, 0.0), ops.masked_fill(x, x > 2, 0.0)),
        (x.where(x > 2, 0.0), ops.where(x > 2, x, 0.0)),
        (x.nonzero(), ops.nonzero(x)),
        (x.new_zeros((2,)), ops.zeros((2,))),
        (x.new_ones(3, gpuparam.int32), ops.ones(3, gpuparam.int32)),
        (x.new_full((2,), 3), ops.full((2,), 3, dtype=gpuparam.float32)),
    ]
    for method, twin in pairs:
        assert method.dtype == twin.dtype and method.shape == twin.shape
        np.testing.assert_array_equal(method.asnumpy(), twin.asnumpy())


def test_tuple_results(xp):
    x = Tensor(A)
    assert [p.shape for p in x.split(2, 1)] == [(2, 2), (2, 2)]
    assert [p.shape for p in x.split([1, 3], axis=1)] == [(2, 1), (2, 3)]  # the older name
    assert [p.shape for p in x.chunk(2, dim=1)] == [(2, 2), (2, 2)]
    assert [p.shape for p in x.tensor_split(3, 1)] == [(2, 2), (2, 1), (2, 1)]
    assert [p.tolist() for p in x.unbind(0)] == A.tolist()
    values, indices = x.topk(2)
    assert indices.dtype == gpuparam.int32 and indices.tolist() == [[0, 2], [1, 2]]
    assert values.tolist() == [[3.0, 3.0], [5.0, 5.0]]
    values, indices = x.sort(1, descending=True)
    assert indices.tolist() == [[0, 2, 3, 1], [1, 2, 3, 0]] and indices.dtype == gpuparam.int32
    assert x.sort(axis=1)[1].tolist() == x.argsort(axis=1).tolist() == [[1, 3, 0, 2], [0, 3, 1, 2]]
    values, indices = x.argmax_with_value(axis=1)  # (values, indices): the method's order
    assert values.tolist() == [3.0, 5.0] and indices.tolist() == [0, 1]
    values, indices = x.argmin_with_value(axis=1, keep_dims=True)
    assert values.tolist() == [[1.0], [0.0]] and indices.tolist() == [[1], [0]]
    assert Tensor(np.array([1, 1, 2])).unique_consecutive().tolist() == [1, 2]
    out, counts = Tensor(np.array([1, 1, 2])).unique_consecutive(return_counts=True)
    assert counts.tolist() == [2, 1]
    assert [t.tolist() for t in Tensor(np.array([0, 3])).nonzero(as_tuple=True)] == [[1]]


def test_views_share_the_buffer():
    x = Tensor(A.copy())
    for view in (x.unsqueeze(0), x.flip((0,)), x.broadcast_to(2, 2, 4), *x.split(2, 1),
                 *x.chunk(2), *x.unbind(1)):
        assert view._base is x
    x.split(2, 1)[1][0, 0] = 7.0
    assert x.tolist()[0][2] == 7.0


def test_methods_work_on_parameters_and_lazy_tensors():
    from gpuparam.common.initializer import One
    p = Parameter(Tensor(shape=(2, 3), dtype=gpuparam.float32, init=One()), name="w")
    assert p.has_init and p.new_zeros((2,)).tolist() == [0.0, 0.0] and p.has_init
    assert p.tile((1, 2)).shape == (2, 6) and not p.has_init  # reading materializes it
    assert type(p.unsqueeze(0)) is Tensor


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda x: x.repeat(2), TypeError, r"^Tensor\.repeat: `repeats` must be at least 2 ints"),
    (lambda x: x.repeat(), TypeError, r"^Tensor\.repeat: `repeats`"),
    (lambda x: x.broadcast_to(3, 5), ValueError, r"^Tensor\.broadcast_to: `shape`"),
    (lambda x: x.expand_as(np.ones((2, 4))), TypeError, r"^Tensor\.expand_as: `other`"),
    (lambda x: x.gather([0], 1), TypeError, r"^Tensor\.gather: `input_indices` must be a Tensor"),
    (lambda x: x.gather(1, [[0]]), TypeError, r"^Tensor\.gather: `index` must be a Tensor"),
    (lambda x: x.masked_fill(x > 2, "a"), TypeError, r"^Tensor\.masked_fill: `value`"),
    (lambda x: x.masked_fill(x > 2, 1e40), ValueError, r"^Tensor\.masked_fill: `value`"),
    (lambda x: x.topk(5), ValueError, r"^Tensor\.topk: `k`"),
    (lambda x: x.split(0), ValueError, r"^Tensor\.split: `split_size_or_sections`"),
    (lambda x: x.new_zeros((-1,)), TypeError, r"^Tensor\.new_zeros: `size`"),
    (lambda x: x.new_full((2,), 1e40), ValueError, r"^Tensor\.new_full: `fill_value`"),
    (lambda x: x.repeat_interleave(2, dim=1, output_size=5), TypeError,
     r"^Tensor\.repeat_interleave: `output_size`"),
    (lambda x: x.flip(1), TypeError, r"^Tensor\.flip: `dims`"),
])
def test_method_errors_name_the_method(call, exc, match):
    with pytest.raises(exc, match=match):
        call(Tensor(A))
