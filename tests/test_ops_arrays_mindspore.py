"""ops-a's operators (issue 18) against MindSpore 2.10's own results: every call its
docstring examples made and every dtype variation recorded in tests/data/mindspore/ops.json
(creation, joins and splits, shapes, indexing, sorting, mindspore.numpy), replayed
through gpuparam. Where MindSpore raised, gpuparam must raise TypeError or ValueError,
except in the few cases listed in ``GPUPARAM_ACCEPTS`` (each with its reason and an
independent check of what gpuparam gives).
"""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
import gpuparam.numpy as mnp
from gpuparam import Tensor, ops
import ms_op_reference as ref

NAMES = [
    # joins and splits
    "ops.Concat", "ops.cat", "ops.concat", "ops.Stack", "ops.stack", "ops.Split", "ops.split",
    "ops.tensor_split", "ops.chunk", "ops.Unstack",
    # shapes and rearrangements
    "ops.Tile", "ops.tile", "ops.ExpandDims", "ops.expand_dims", "ops.Squeeze", "ops.squeeze",
    "ops.Flatten", "ops.flatten", "ops.Slice", "ops.StridedSlice", "ops.BroadcastTo",
    "ops.broadcast_to", "ops.swapaxes", "ops.ReverseSequence", "ops.repeat_elements",
    "ops.repeat_interleave", "ops.Meshgrid", "ops.meshgrid", "ops.identity", "ops.Identity",
    # creation
    "ops.arange", "ops.range", "ops.linspace", "ops.LinSpace", "ops.zeros", "ops.Zeros",
    "ops.ones", "ops.Ones", "ops.ones_like", "ops.full", "ops.full_like", "ops.Fill",
    "ops.fill", "ops.Eye", "ops.eye", "ops.tril", "ops.triu", "ops.tuple_to_array",
    "ops.TupleToArray", "ops.scalar_to_tensor", "ops.ScalarToTensor", "ops.ScalarCast",
    "ops.OneHot", "ops.one_hot",
    # indexing
    "ops.Select", "ops.select", "ops.where", "ops.masked_fill", "ops.GatherNd", "ops.Gather",
    "ops.gather", "ops.GatherD", "ops.gather_elements", "ops.ScatterNd", "ops.ScatterNdUpdate",
    "ops.nonzero",
    # sorting
    "ops.TopK", "ops.topk", "ops.Sort", "ops.unique_consecutive", "ops.Argmax", "ops.argmax",
    "ops.ArgMaxWithValue", "ops.ArgMinWithValue",
    # mindspore.numpy
    "numpy.arange", "numpy.array", "numpy.broadcast_to", "numpy.concatenate", "numpy.empty",
    "numpy.expand_dims", "numpy.matmul", "numpy.norm", "numpy.ones", "numpy.pad",
    "numpy.reshape", "numpy.roll", "numpy.split", "numpy.stack", "numpy.tile", "numpy.where",
    "numpy.zeros",
]

# Calls MindSpore refused that gpuparam performs, and why (checked below, one by one).
GPUPARAM_ACCEPTS = {
    ("ops.masked_fill", "int32"): "MindSpore's CPU kernel lacks Int32 (its GPU kernel has it)",
    ("ops.OneHot", "float64"): "Float64 on/off values give a Float64 one-hot, as NumPy would",
    ("numpy.expand_dims", "axis_()"): "no axes to add: the array itself, as numpy.expand_dims",
}

CASES = [c for c in ref.cases(NAMES) if ref.stored(c[2])]


def test_every_name_has_recorded_calls():
    names = {name for name, _, _ in CASES}
    assert names == set(NAMES), set(NAMES) - names
    assert len(CASES) > 300
    # ops.unfold's inputs were summarized, not stored (16k elements): an explicit loop
    # checks it in test_ops_arrays.py; ops.roll and ops.ReverseV2 have no recorded calls
    # (the documented examples below check them).
    assert not [c for c in ref.cases(["ops.unfold"]) if ref.stored(c[2])]
    assert not ref.cases(["ops.roll", "ops.ReverseV2"])


@pytest.mark.parametrize(("name", "index", "entry"), CASES,
                         ids=[f"{n}-{i}-{e['case']}" for n, i, e in CASES])
def test_gpuparam_gives_what_mindspore_gave(name, index, entry):
    if "error" in entry and (name, entry["case"]) not in GPUPARAM_ACCEPTS:
        with pytest.raises((TypeError, ValueError)):
            ref.replay(name, entry)
        return
    got = ref.replay(name, entry)
    if "error" not in entry:
        ref.check(name, entry, got)


def test_what_gpuparam_accepts_where_mindspore_refused():
    x = Tensor(np.array([1, 2, 3, 4], np.int32))
    filled = ops.masked_fill(x, Tensor(np.array([True, True, False, True])), 0.5)
    assert filled.dtype == gpuparam.int32 and filled.tolist() == [0, 0, 3, 0]  # 0.5 truncates
    on, off = Tensor(np.float64(1.0)), Tensor(np.float64(0.0))
    hot = ops.OneHot()(Tensor(np.array([0, 1, 2], np.int32)), 3, on, off)
    assert hot.dtype == gpuparam.float64 and np.array_equal(hot.asnumpy(), np.eye(3))
    a = mnp.ones((2, 2))
    assert mnp.expand_dims(a, ()).shape == np.expand_dims(np.ones((2, 2)), ()).shape
    accepted = {(n, e["case"]) for n, _, e in CASES if "error" in e} & set(GPUPARAM_ACCEPTS)
    assert accepted == set(GPUPARAM_ACCEPTS)  # every entry still matches a recorded refusal


# Documented examples MindSpore 2.10's CPU build could not run ("kernel unregistered",
# or the recorder could not map the arguments): their documented outputs, checked here.

def test_roll_documented_example():
    x = Tensor(np.array([0, 1, 2, 3, 4], np.float32))
    assert ops.roll(x, shifts=2, dims=0).tolist() == [3.0, 4.0, 0.0, 1.0, 2.0]
    assert ops.roll(x, shifts=-2, dims=0).tolist() == [2.0, 3.0, 4.0, 0.0, 1.0]


def test_nonzero_as_tuple_documented_example():
    x = Tensor(np.array([[[1, 0], [-5, 0]]], np.int32))
    found = ops.nonzero(x, as_tuple=True)
    assert [t.dtype for t in found] == [gpuparam.int64] * 3
    assert [t.tolist() for t in found] == [[0, 0], [0, 1], [0, 0]]
    only = ops.nonzero(Tensor(np.array([1, 0, 2, 0, 3], np.int32)), as_tuple=True)
    assert len(only) == 1 and only[0].tolist() == [0, 2, 4]


def test_reverse_v2_documented_example():
    # ops.flip's example, which ReverseV2's page refers to.
    x = ops.arange(1, 9).reshape((2, 2, 2))
    assert ops.ReverseV2(axis=(0, 2))(x).tolist() == [[[6, 5], [8, 7]], [[2, 1], [4, 3]]]


def test_make_range_is_a_tuple_of_python_ints():
    assert ops.make_range(5) == (0, 1, 2, 3, 4)
    assert ops.make_range(1, 5) == (1, 2, 3, 4)
    assert ops.make_range(5, 0, -2) == (5, 3, 1)
    with pytest.raises(TypeError, match="make_range"):
        ops.make_range(1.5)
    with pytest.raises(ValueError, match="make_range: `step`"):
        ops.make_range(0, 3, 0)


def test_tensor_function_documented_forms():
    assert gpuparam.tensor([1, 2]).dtype == gpuparam.int64
    assert gpuparam.tensor(1.5, gpuparam.float16).dtype == gpuparam.float16
    assert gpuparam.common.tensor.tensor is gpuparam.tensor
    with pytest.raises(NotImplementedError, match="tensor: `device`"):
        gpuparam.tensor([1], device="Ascend")
    with pytest.raises(TypeError, match="tensor: `const_arg`"):
        gpuparam.tensor([1], const_arg=1)
