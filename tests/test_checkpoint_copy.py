"""pickle and copy.deepcopy of Tensor, Parameter and Cell (issue 12, "Copies").

A lazy tensor stays lazy and keeps its initializer and random key, so the copy gives the
values the original gives; a materialized one carries its data (as host data in a
pickle, back on the active backend on load); each copy gets a lock of its own; a
Parameter keeps its name and flags; a deep-copied Cell owns new parameters.
"""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, nn
from gpuparam._backend import use_backend
from gpuparam.common.initializer import Normal, Uniform, initializer

ROOT = Path(__file__).resolve().parent.parent


def pickle_copy(obj):
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


COPIERS = {"pickle": pickle_copy, "deepcopy": copy.deepcopy}


@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_lazy_tensor_stays_lazy_and_gives_the_same_values(copier):
    gpuparam.set_seed(5)
    original = initializer(Normal(0.3), (4, 5), gpuparam.float32)
    clone = COPIERS[copier](original)
    assert clone is not original and clone.has_init and original.has_init
    assert clone.init == original.init and clone.shape == (4, 5)
    assert clone.dtype == gpuparam.float32
    # The copy materialized first, then the original: same numbers, in either order.
    values = clone.asnumpy()
    np.testing.assert_array_equal(values, original.asnumpy())
    assert values.std() > 0.1  # really drawn, not zeros


@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_materialized_tensor_copies_data_into_its_own_buffer(copier):
    original = Tensor(np.arange(12, dtype=np.int32).reshape(3, 4))
    clone = COPIERS[copier](original)
    assert not clone.has_init and clone.dtype == gpuparam.int32
    np.testing.assert_array_equal(clone.asnumpy(), original.asnumpy())
    clone[0, 0] = 100
    assert original.asnumpy()[0, 0] == 0  # not a shared buffer
    assert clone._lock is not original._lock


@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_zero_dim_and_empty_tensors_keep_their_shapes(copier):
    for data in (np.float64(2.5), np.zeros((0, 3), np.float16)):
        clone = COPIERS[copier](Tensor(data))
        assert clone.shape == np.shape(data) and clone.asnumpy().dtype == np.asarray(data).dtype


@pytest.mark.skipif(gpuparam._dtype.bfloat16 is None, reason="bfloat16 needs ml_dtypes")
@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_bfloat16_tensor_round_trips(copier):
    original = Tensor(np.array([1.5, -2.0, 3.25]), gpuparam.bfloat16)
    clone = COPIERS[copier](original)
    assert clone.dtype == gpuparam.bfloat16
    assert clone.asnumpy().tobytes() == original.asnumpy().tobytes()


@pytest.mark.parametrize("copier", sorted(COPIERS))
@pytest.mark.parametrize("lazy", [True, False])
def test_parameter_keeps_name_flags_and_class(copier, lazy):
    gpuparam.set_seed(2)
    data = initializer(Uniform(), (3, 2), gpuparam.float16) if lazy else Tensor(np.ones((3, 2)))
    original = Parameter(data, name="layer.w", requires_grad=False, layerwise_parallel=True,
                         parallel_optimizer=False)
    original.is_init = True
    clone = COPIERS[copier](original)
    assert type(clone) is Parameter and clone is not original
    assert clone.name == "layer.w" and clone.has_init == lazy
    assert (clone.requires_grad, clone.layerwise_parallel, clone.parallel_optimizer,
            clone.is_init, clone.sliced) == (False, True, False, True, False)
    np.testing.assert_array_equal(clone.asnumpy(), original.asnumpy())
    with pytest.raises(TypeError, match="requires_grad"):
        clone.requires_grad = "yes"  # the flag checks still apply to the copy


@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_a_shard_keeps_its_shape_and_whole_shape(copier):
    gpuparam.set_seed(3)
    whole = Parameter(initializer(Normal(), (6, 4), gpuparam.float32), name="w")
    shard = whole.clone().init_data(index=(slice(2, 4),))
    clone = COPIERS[copier](shard)
    assert clone.shape == (2, 4) and clone.sliced and clone._full_shape == (6, 4)
    np.testing.assert_array_equal(clone.asnumpy(), whole.asnumpy()[2:4])


class Block(nn.Cell):
    def __init__(self):
        super().__init__()
        self.dense = nn.Dense(4, 3)
        self.scale = Parameter(Tensor(np.full((3,), 2.0, np.float32)))


@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_cell_copy_owns_new_parameters_with_the_same_names_and_values(copier):
    gpuparam.set_seed(4)
    net = nn.SequentialCell([Block(), nn.Dense(3, 2)])
    net[0].dense.weight.init_data()  # one materialized, the others lazy
    clone = COPIERS[copier](net)
    pairs = list(zip(net.parameters_and_names(), clone.parameters_and_names()))
    assert len(pairs) == 5
    for (name, param), (clone_name, clone_param) in pairs:
        assert name == clone_name and param.name == clone_param.name
        assert clone_param is not param and clone_param.has_init == param.has_init
        np.testing.assert_array_equal(clone_param.asnumpy(), param.asnumpy())
    clone[0].scale.set_data(Tensor(np.zeros(3, np.float32)))
    np.testing.assert_array_equal(net[0].scale.asnumpy(), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_cell_copy_keeps_registration_and_name_checks_working(copier):
    net = nn.SequentialCell([Block()])
    clone = COPIERS[copier](net)
    child = clone[0]
    assert child._registry.parents() == [clone._registry]
    # A new parameter in the copied child shows up in the copied parent, not the original.
    child.extra = Parameter(Tensor(np.ones(1, np.float32)))
    assert "0.extra" in [n for n, _ in clone.parameters_and_names()]
    assert "0.extra" not in [n for n, _ in net.parameters_and_names()]
    with pytest.raises(ValueError, match="0.scale"):
        clone.other = Parameter(Tensor(np.ones(1, np.float32)), name="0.scale")


def test_a_lazy_parameter_pickled_loads_the_same_values_in_another_process(tmp_path):
    gpuparam.set_seed(11)
    original = Parameter(initializer(Normal(), (64,), gpuparam.float32), name="w")
    path = tmp_path / "p.pkl"
    path.write_bytes(pickle.dumps(original))
    code = ("import pickle, sys, numpy as np; p = pickle.load(open(sys.argv[1], 'rb')); "
            "assert p.has_init and p.name == 'w'; np.save(sys.argv[2], p.asnumpy())")
    env = dict(os.environ, GPUPARAM_BACKEND="numpy", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path / "v.npy")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "v.npy"), original.asnumpy())


@pytest.mark.gpu
def test_a_cupy_tensor_pickles_as_host_data_and_loads_on_the_active_backend():
    with use_backend("cupy") as cupy:
        original = Tensor(np.arange(5, dtype=np.float32))
        assert isinstance(original._array, cupy.ndarray)
        blob = pickle.dumps(original)
        on_gpu = pickle.loads(blob)
        assert isinstance(on_gpu._array, cupy.ndarray)
        deep = copy.deepcopy(original)
        assert isinstance(deep._array, cupy.ndarray)
        assert deep._array.data.ptr != original._array.data.ptr
    with use_backend("numpy"):
        on_cpu = pickle.loads(blob)
        assert isinstance(on_cpu._array, np.ndarray)
        np.testing.assert_array_equal(on_cpu.asnumpy(), np.arange(5, dtype=np.float32))


@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_shared_parameters_and_parameter_tuples_stay_shared_in_the_copy(copier):
    shared = Parameter(Tensor(np.ones(2, np.float32)), name="shared")
    net = nn.Cell()
    net.a, net.b = nn.Cell(), nn.Cell()
    net.a.w = shared
    net.b.w = shared
    net.group = gpuparam.ParameterTuple([Parameter(Tensor([3.0]), name="t0"), shared])
    clone = COPIERS[copier](net)
    assert clone.a.w is clone.b.w is clone.group[1] and clone.a.w is not shared
    assert type(clone.group) is gpuparam.ParameterTuple
    assert [p.name for p in clone.get_parameters()] == [p.name for p in net.get_parameters()]


LAYERS = {
    "Conv2d": (lambda: nn.Conv2d(3, 4, 3, has_bias=True), (2, 3, 6, 6)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3), (2, 3, 6, 6)),
    "Dense": (lambda: nn.Dense(6, 2), (2, 6)),
    "Dropout": (lambda: nn.Dropout(p=0.5), (2, 6)),
    "LayerNorm": (lambda: nn.LayerNorm((6,)), (2, 6)),
}


@pytest.mark.parametrize("copier", sorted(COPIERS))
@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_layer_that_has_run_copies_and_its_copy_runs_the_same(copier, layer):
    # Running a layer leaves results, views and stream state behind; none of it may
    # reach the copy (a lock or an event would not pickle; a shared one would order wrongly).
    make, shape = LAYERS[layer]
    gpuparam.set_seed(6)
    net = make()
    x = Tensor(np.random.default_rng(0).normal(size=shape).astype(np.float32))
    net(x)
    clone = COPIERS[copier](net)
    assert all(c is not p for c, p in zip(clone.get_parameters(), net.get_parameters()))
    np.testing.assert_array_equal(clone(x).asnumpy(), net(x).asnumpy())


@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_a_view_copies_into_a_tensor_of_its_own_with_fresh_ordering(copier):
    base = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    view = base[1]
    assert view._base is base
    clone = COPIERS[copier](view)
    assert clone._base is None and clone._readers == {} and clone._after == []
    assert clone._lock is not view._lock
    np.testing.assert_array_equal(clone.asnumpy(), [3.0, 4.0, 5.0])
    clone[0] = 9.0
    assert base.asnumpy()[1, 0] == 3.0 and view.asnumpy()[0] == 3.0
