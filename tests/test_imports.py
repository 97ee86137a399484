"""MindSpore's import paths and context (issue 14): scripts port by changing one word."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, context


def test_common_submodules_and_names():
    import gpuparam.common.dtype as mstype
    from gpuparam.common import Parameter, ParameterTuple, Tensor as CommonTensor, set_seed
    from gpuparam.common.parameter import Parameter as P2, ParameterTuple as PT2
    from gpuparam.common.tensor import Tensor as T2
    assert mstype is gpuparam.dtype and mstype.float32 is gpuparam.float32
    assert Parameter is P2 is gpuparam.Parameter and ParameterTuple is PT2 is gpuparam.ParameterTuple
    assert CommonTensor is T2 is gpuparam.Tensor and set_seed is gpuparam.set_seed
    from gpuparam.common import dtype as mstype2
    assert mstype2 is gpuparam.dtype


def test_ops_operations_as_p():
    from gpuparam.ops import operations as P
    x = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    assert P.Add()(x, x).tolist() == [[2.0, 4.0], [6.0, 8.0]]
    assert P.Sub()(x, 1.0).tolist() == [[0.0, 1.0], [2.0, 3.0]]
    assert P.Mul()(x, x).tolist() == [[1.0, 4.0], [9.0, 16.0]]
    assert P.MatMul()(x, x).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert P.Depend()(x, x) is x
    p = gpuparam.Parameter(Tensor(np.zeros(2, np.float32)), name="p")
    P.Assign()(p, Tensor(np.array([5.0, 6.0], np.float32)))
    assert p.tolist() == [5.0, 6.0]
    assert P.Conv2D is gpuparam.ops.Conv2D and P.Conv3D is gpuparam.ops.Conv3D
    assert P.Cast()(x, gpuparam.float16).dtype == gpuparam.float16
    assert P.Reshape()(x, (4,)).shape == (4,)
    assert P.Transpose()(x, (1, 0)).tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert P.Shape()(x) == (2, 2)
    assert P.ReduceSum()(x).item() == 10.0
    assert P.ReduceSum(keep_dims=True)(x, 1).tolist() == [[3.0], [7.0]]
    assert P.ReduceMean()(x, (0,)).tolist() == [2.0, 3.0]
    assert P.RealDiv()(x, 2.0).tolist() == [[0.5, 1.0], [1.5, 2.0]]
    assert P.Neg()(x).tolist()[0] == [-1.0, -2.0]
    assert P.Square()(x).tolist()[1] == [9.0, 16.0]
    assert P.ReLU()(Tensor(np.array([-1.0, 2.0], np.float32))).tolist() == [0.0, 2.0]
    np.testing.assert_allclose(P.Sigmoid()(x).asnumpy(), 1 / (1 + np.exp(-x.asnumpy())), rtol=1e-6)
    np.testing.assert_allclose(P.Exp()(x).asnumpy(), np.exp(x.asnumpy()), rtol=1e-6)
    assert P.ZerosLike()(x).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(TypeError, match="Reshape: `x` must be a Tensor"):
        P.Reshape()([1, 2], (2,))
    with pytest.raises(ValueError, match="Transpose: `perm`"):
        P.Transpose()(x, (0, 0))
    with pytest.raises(ValueError, match="ReduceSum: `axis`"):
        P.ReduceSum()(x, 5)


def test_ops_functional_as_f():
    from gpuparam.ops import functional as F
    x = Tensor(np.array([1.0, 4.0], np.float32))
    assert F.depend(x, x) is x
    assert F.add(x, x).tolist() == [2.0, 8.0] and F.sqrt(x).tolist() == [1.0, 2.0]
    assert F.cast(x, gpuparam.int32).dtype == gpuparam.int32
    assert F.shape(F.reshape(x, (2, 1))) == (2, 1)
    p = gpuparam.Parameter(Tensor(np.zeros(2, np.float32)), name="q")
    assert F.assign(p, x) is p and p.tolist() == [1.0, 4.0]
    assert gpuparam.ops.reshape is F.reshape and gpuparam.ops.ReLU is gpuparam.ops.operations.ReLU


@pytest.mark.parametrize("module, name", [("nn", "Conv2dBnFoldQuant"), ("ops", "CTCLoss"),
                                          ("ops.operations", "ScatterNdAdd"),
                                          ("ops.functional", "ctc_loss")])
def test_missing_names_point_to_the_porting_guide(module, name):
    target = gpuparam
    for part in module.split("."):
        target = getattr(target, part)
    with pytest.raises(AttributeError, match=rf"has no attribute '{name}'.*docs/porting.md"):
        getattr(target, name)
    assert not hasattr(target, name)


def test_context_modes():
    assert gpuparam.PYNATIVE_MODE is context.PYNATIVE_MODE == 1
    assert gpuparam.GRAPH_MODE is context.GRAPH_MODE == 0
    assert gpuparam.set_context is context.set_context
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        context.set_context(mode=context.PYNATIVE_MODE)
    assert context.get_context("mode") == context.PYNATIVE_MODE
    with pytest.warns(UserWarning, match="runs eagerly") as record:
        gpuparam.set_context(mode=gpuparam.GRAPH_MODE, device_target="CPU")
    assert len(record) == 1
    assert gpuparam.get_context("mode") == gpuparam.GRAPH_MODE
    assert gpuparam.get_context("device_target") == "CPU"
    context.set_context(mode=context.PYNATIVE_MODE)
    with pytest.raises(ValueError, match=r"set_context: `mode` must be one of \[0, 1\], got 2"):
        context.set_context(mode=2)
    with pytest.raises(TypeError, match="set_context: `mode`"):
        context.set_context(mode="graph")
    with pytest.raises(TypeError, match="set_context: `mode`"):
        context.set_context(mode=True)
    assert context.get_context("mode") == context.PYNATIVE_MODE


def test_a_failed_set_context_leaves_the_mode_as_it_was():
    context.set_context(mode=context.PYNATIVE_MODE)
    with pytest.raises(ValueError):
        context.set_context(mode=context.GRAPH_MODE, device_target="Ascend")
    assert context.get_context("mode") == context.PYNATIVE_MODE


def test_set_seed_also_seeds_numpy_and_random():
    gpuparam.set_seed(7)
    drawn = (np.random.rand(3).tolist(), random.random())
    np.random.seed(7)
    random.seed(7)
    assert drawn == (np.random.rand(3).tolist(), random.random())
    gpuparam.set_seed(2**40 + 5)  # beyond NumPy's 32-bit legacy seed: still accepted
    first = np.random.rand()
    gpuparam.set_seed(2**40 + 5)
    assert np.random.rand() == first
    gpuparam.set_seed(5)
    assert np.random.rand() != first
