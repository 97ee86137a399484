"""gpuparam.parallel and init_data(layout=...): shard arithmetic, MindSpore's layout rule,
broadcast and replica checks in one process, and sharded init across world sizes."""

from __future__ import annotations

import re

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, _parameter_layout, communication as comm, nn, parallel
from gpuparam.common.initializer import Normal, initializer

import mpi_checks
import mpi_launch


@pytest.fixture
def world():
    comm.init()
    yield
    comm.release()


# --------------------------------------------------------------------------- shard_slices

@pytest.mark.parametrize("rows", [0, 1, 5, 10, 11, 64])
@pytest.mark.parametrize("world_size", [1, 2, 3, 4, 7])
def test_shards_cover_every_row_once_and_the_first_ranks_get_the_extra(rows, world_size):
    shape = (3, rows, 2)
    parts = [parallel.shard_slices(shape, r, world_size, dim=1) for r in range(world_size)]
    covered = np.concatenate([np.arange(rows)[p[1]] for p in parts])
    np.testing.assert_array_equal(covered, np.arange(rows))
    sizes = [p[1].stop - p[1].start for p in parts]
    assert sizes == sorted(sizes, reverse=True) and max(sizes) - min(sizes) <= 1
    assert all(p[0] == slice(0, 3, 1) and p[2] == slice(0, 2, 1) for p in parts)


def test_shard_slices_matches_numpy_array_split():
    whole = np.arange(10 * 3).reshape(10, 3)
    for world_size in (2, 3, 4):
        expected = np.array_split(whole, world_size, axis=-1 + 2)  # dim=1, as -1
        for rank in range(world_size):
            got = whole[parallel.shard_slices(whole.shape, rank, world_size, dim=-1)]
            np.testing.assert_array_equal(got, expected[rank])


@pytest.mark.parametrize(("args", "kind", "text"), [
    (((4,), 2, 2), ValueError, "`rank` must be a rank below world=2, got 2"),
    (((4,), 0, 0), ValueError, "`world` must be an int >= 1, got 0"),
    (((4,), 0, 1, 1), ValueError, "`dim` must be a dimension of the shape (4,), got 1"),
    (((), 0, 1), ValueError, "`dim` must be a dimension of the shape ()"),
    (((4,), True, 2), TypeError, "`rank` must be an int"),
    (("4", 0, 2), TypeError, "`shape` must be an int or a list/tuple of ints"),
])
def test_shard_slices_errors(args, kind, text):
    with pytest.raises(kind) as info:
        parallel.shard_slices(*args)
    assert f"shard_slices: {text}" in str(info.value)


# --------------------------------------------------------------------------- layout

def _reference_shard(whole, dev_mat, tensor_map, rank):
    """MindSpore's rule, written independently: the rank's coordinate in the device
    matrix by np.unravel_index, and np.split per split dimension."""
    coordinate = np.unravel_index(rank, dev_mat)
    part = whole
    for dim, k in enumerate(tensor_map):
        if k != -1:
            axis = len(dev_mat) - 1 - k
            part = np.split(part, dev_mat[axis], axis=dim)[coordinate[axis]]
    return part


@pytest.mark.parametrize(("shape", "dev_mat", "tensor_map"), [
    ((32, 32), [2, 4], [1, -1]),       # the example of MindSpore's _load_tensor
    ((8, 12), [2, 3], [1, 0]),
    ((8, 12), [2, 3], [0, 1]),         # not valid for 8 over 3: checked below
    ((6, 4, 4), [3, 2, 2], [2, -1, 0]),
    ((5, 4), [4], [-1, 0]),
    ((4,), [1], [0]),
])
def test_layout_gives_mindsporess_slice_with_the_whole_tensors_values(monkeypatch, shape, dev_mat,
                                                                       tensor_map):
    gpuparam.set_seed(5)
    whole = Parameter(initializer(Normal(), shape, gpuparam.float32)).init_data().asnumpy()
    for rank in range(int(np.prod(dev_mat))):
        monkeypatch.setattr(_parameter_layout, "world_rank", rank)
        try:
            expected = _reference_shard(whole, dev_mat, tensor_map, rank)
        except ValueError:  # np.split: not an even split
            with pytest.raises(ValueError, match="a split that divides dimension"):
                _parameter_layout.layout_index(shape, (dev_mat, tensor_map, [1] * len(shape),
                                                       0, True, ""), rank)
            return
        gpuparam.set_seed(5)
        shard = Parameter(initializer(Normal(), shape, gpuparam.float32))
        shard.init_data(layout=(dev_mat, tensor_map, list(expected.shape), 0, True, ""))
        assert shard.sliced
        np.testing.assert_array_equal(shard.asnumpy(), expected)


@pytest.mark.parametrize(("layout", "kind", "text"), [
    (([2], [0, -1], [2, 3], 1, True, ""), NotImplementedError, "field_size"),
    (([2], [0, -1], [2, 3], 0, False, ""), NotImplementedError, "uniform_split=False"),
    (([2], [0, -1], [1, 3], 0, True, "group0"), NotImplementedError, "opt_shard_group"),
    (([2], [0, -1], [4, 3], 0, True, ""), ValueError, "layout slice_shape"),
    (([2], [0], [2, 3], 0, True, ""), ValueError, "one entry per dimension"),
    (([2], [3, -1], [2, 3], 0, True, ""), ValueError, "entries below len(dev_mat) = 1"),
    (([2], [0, -1], [2, 3]), TypeError, "MindSpore's layout tuple"),
    ((["2"], [0, -1], [2, 3], 0, True, ""), TypeError, "layout dev_mat"),
    (([4], [0, -1], [1, 3], 0, True, ""), None, None),  # rank 0 of 4: fine
])
def test_layout_errors_leave_the_parameter_lazy(world, layout, kind, text):
    param = Parameter(initializer("ones", (4, 3), gpuparam.float32))
    if kind is None:
        param.init_data(layout=layout)
        assert param.shape == (1, 3)
        return
    with pytest.raises(kind, match=re.escape(text)):
        param.init_data(layout=layout)
    assert param.has_init and param.shape == (4, 3)


def test_layout_needs_init_and_excludes_index(monkeypatch):
    monkeypatch.setattr(_parameter_layout, "world_rank", None)
    param = Parameter(initializer("ones", (4, 3), gpuparam.float32))
    with pytest.raises(RuntimeError, match=r"call gpuparam.communication.init\(\) first"):
        param.init_data(layout=([2], [0, -1], [2, 3], 0, True, ""))
    with pytest.raises(ValueError, match="give `layout` or `index`, not both"):
        param.init_data(layout=([2], [0, -1], [2, 3], 0, True, ""), index=(slice(0, 2),))
    assert param.has_init
    comm.init()
    assert _parameter_layout.world_rank == 0
    comm.release()
    assert _parameter_layout.world_rank is None


# --------------------------------------------------------------------------- one process

def test_broadcast_and_verify_in_one_process(world):
    net = mpi_checks.Net(0)
    assert net.a.has_init
    assert parallel.broadcast_parameters(net) == ["b", "d", "e"]
    assert not net.a.has_init and not net.f.has_init  # materialized locally, not sent
    np.testing.assert_array_equal(net.d.asnumpy(), np.full(4, 100.0))
    parallel.verify_replicas(net)


def test_replica_helpers_check_their_input(world):
    with pytest.raises(TypeError, match="broadcast_parameters: `cell` must be a gpuparam.nn.Cell"):
        parallel.broadcast_parameters([Parameter(Tensor([1.0]))])
    with pytest.raises(ValueError, match="`src` must be a rank below the world size 1, got 2"):
        parallel.broadcast_parameters(nn.Cell(), src=2)
    with pytest.raises(TypeError, match="verify_replicas: `cell` must be a gpuparam.nn.Cell"):
        parallel.verify_replicas(None)
    assert parallel.broadcast_parameters(nn.Cell()) == []


def test_sliced_and_layerwise_parameters_are_left_out(world):
    net = nn.Cell()
    net.s = Parameter(initializer(Normal(), (4, 2), gpuparam.float32))
    net.s.init_data(index=parallel.shard_slices((4, 2), 0, 2))
    net.w = Parameter(Tensor([1.0]), layerwise_parallel=True)
    assert parallel.broadcast_parameters(net) == []


# --------------------------------------------------------------------------- processes

@pytest.mark.mpi
def test_sharded_init_is_identical_at_world_sizes_2_and_3():
    mpi_launch.require_mpi()
    runs = {n: mpi_launch.launch_in_order(n) for n in (2, 3)}
    for run in runs.values():
        run.check("sharded_init_equals_the_single_process_tensor")
    two, three = (np.load(runs[n].directory / "sharded.npz") for n in (2, 3))
    expected = {p.name: p.init_data().asnumpy() for p in mpi_checks.declare()}
    gpuparam.set_seed(3)
    expected["laid_out"] = Parameter(initializer(Normal(), (4, 6), gpuparam.float32)).asnumpy()
    assert sorted(two.files) == sorted(three.files) == sorted(expected)
    for name, want in expected.items():
        want = want.view(np.uint16) if want.dtype.name == "bfloat16" else want
        assert two[name].tobytes() == three[name].tobytes() == want.tobytes(), name


@pytest.mark.mpi
def test_distributed_init_example_on_three_ranks():
    import subprocess
    import sys

    command = [mpi_launch.require_mpi(), "-n", "3", sys.executable,
               str(mpi_launch.ROOT / "examples" / "distributed_init.py")]
    proc = subprocess.run(command, capture_output=True, text=True, env=mpi_launch.env(),
                          timeout=mpi_launch.TIMEOUT_S, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "world size 3, backend mpi", "rank 0 holds fc1.weight rows 34 of 100",
        "broadcast from rank 0: ['scale']", "scale values across ranks: [0.5]",
        "gathered shards == single-process weights: True"]
