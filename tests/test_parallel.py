"""gpuparam.parallel and init_data(layout=...): shard arithmetic, MindSpore's layout rule,
broadcast and replica checks in one process, and sharded init across world sizes."""

from __future__ import annotations

import contextlib
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
        monkeypatch.setattr(_parameter_layout, "_process_rank", rank)
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
    monkeypatch.setattr(_parameter_layout, "_process_rank", None)
    param = Parameter(initializer("ones", (4, 3), gpuparam.float32))
    with pytest.raises(RuntimeError, match=r"call gpuparam.communication.init\(\) first"):
        param.init_data(layout=([2], [0, -1], [2, 3], 0, True, ""))
    with pytest.raises(ValueError, match="give `layout` or `index`, not both"):
        param.init_data(layout=([2], [0, -1], [2, 3], 0, True, ""), index=(slice(0, 2),))
    assert param.has_init
    comm.init()
    assert _parameter_layout.process_rank() == 0
    comm.release()
    assert _parameter_layout.process_rank() is None


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

    command = [mpi_launch.require_mpi(), "-n", "3", sys.executable, "-m", "mpi4py",
               str(mpi_launch.ROOT / "examples" / "distributed_init.py")]  # as its docstring says
    proc = subprocess.run(command, capture_output=True, text=True, env=mpi_launch.env(),
                          timeout=mpi_launch.TIMEOUT_S, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "world size 3, backend mpi", "rank 0 holds fc1.weight rows 34 of 100",
        "broadcast from rank 0: ['scale']", "scale values across ranks: [0.5]",
        "gathered shards == single-process weights: True"]


# --------------------------------------------------------------------------- sharded checkpoints

def _mixed_net(seed: int) -> nn.Cell:
    gpuparam.set_seed(seed)
    net = nn.Cell()
    net.w = Parameter(initializer(Normal(), (6, 4), gpuparam.float32))
    net.h = Parameter(initializer(Normal(), (3,), gpuparam.bfloat16))
    net.i = Parameter(Tensor(np.arange(6, dtype=np.int16).reshape(2, 3) * seed))
    net.b = Parameter(Tensor(np.array([True, seed % 2 == 0])))
    net.s = Parameter(Tensor(np.array(seed, np.uint64)))      # 0-d
    net.e = Parameter(Tensor(np.zeros((0, 2), np.float64)))   # empty
    return net


def test_sharded_checkpoint_round_trip_in_one_process(world, tmp_path):
    saved = _mixed_net(1)
    parallel.save_sharded(saved, tmp_path / "ckpt")
    files = sorted(p.name for p in (tmp_path / "ckpt").iterdir())
    assert files == ["model-00001-of-00001.safetensors", "model.safetensors.index.json"]
    fresh = _mixed_net(2)
    extra = nn.Cell()
    extra.only_here = Parameter(Tensor([1.0]))
    assert parallel.load_sharded(fresh, tmp_path / "ckpt") == []
    for a, b in zip(fresh.get_parameters(), saved.get_parameters()):
        assert a.dtype == b.dtype and a.asnumpy().tobytes() == b.asnumpy().tobytes(), a.name
    smaller = nn.Cell()
    smaller.w = Parameter(initializer(Normal(), (6, 4), gpuparam.float32))
    assert parallel.load_sharded(smaller, tmp_path / "ckpt") == ["h", "i", "b", "s", "e"]
    np.testing.assert_array_equal(smaller.w.asnumpy(), saved.w.asnumpy())


def test_shard_files_are_plain_safetensors(world, tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="the independent reader")
    saved = _mixed_net(1)
    del saved.h  # NumPy's safetensors reader has no bfloat16
    parallel.save_sharded(saved, tmp_path)
    loaded = safetensors_numpy.load_file(tmp_path / "model-00001-of-00001.safetensors")
    assert sorted(loaded) == ["b", "e", "i", "s", "w"]
    for name, array in loaded.items():
        np.testing.assert_array_equal(array, saved.parameters_dict()[name].asnumpy())


def test_a_reshard_loads_each_ranks_part(world, tmp_path, monkeypatch):
    """One process plays the ranks: saved as 3 shards of rank 0-of-1 is not possible, so the
    pieces of a 1-rank save are read into row shards of a 3-rank layout."""
    saved = _mixed_net(1)
    parallel.save_sharded(saved, tmp_path)
    for rank in range(3):
        net = _mixed_net(2)
        net.w.init_data(index=parallel.shard_slices((6, 4), rank, 3))
        parallel.load_sharded(net, tmp_path)
        assert net.w.sliced and net.w.shape == (2, 4)
        np.testing.assert_array_equal(net.w.asnumpy(),
                                      saved.w.asnumpy()[parallel.shard_slices((6, 4), rank, 3)])


def test_a_flipped_bit_in_the_part_a_rank_reads_is_caught(world, tmp_path):
    """Each rank reads only its rows of a piece (a memory map); the checksums of the
    segments those rows lie in are checked, so damage there is an error, and damage
    elsewhere does not stop a rank that does not read it."""
    from gpuparam.train import _safetensors, _transfer

    gpuparam.set_seed(5)
    saved = nn.Cell()
    saved.w = Parameter(initializer(Normal(), (4096, 512), gpuparam.float32))  # 8 MiB: 8 segments
    parallel.save_sharded(saved, tmp_path)
    path = tmp_path / "model-00001-of-00001.safetensors"
    with open(path, "rb") as f:
        header = _safetensors.read_header(_transfer.Reader(f, str(path)), path.stat().st_size)
    row_bytes = 512 * 4
    damaged_row = 3000  # in rank 2's rows of a 4-rank row split (2048:3072)
    raw = bytearray(path.read_bytes())
    raw[header.data_start + header.tensors["w"].begin + damaged_row * row_bytes + 17] ^= 0x10
    path.write_bytes(bytes(raw))

    def shard_of(rank, dim=0):
        net = nn.Cell()
        net.w = Parameter(initializer(Normal(), (4096, 512), gpuparam.float32))
        net.w.init_data(index=parallel.shard_slices((4096, 512), rank, 4, dim=dim))
        return net

    whole = saved.w.asnumpy()
    for rank in (0, 1, 3):
        net = shard_of(rank)
        parallel.load_sharded(net, tmp_path)
        np.testing.assert_array_equal(net.w.asnumpy(),
                                      whole[parallel.shard_slices((4096, 512), rank, 4)])
    for net in (shard_of(2), shard_of(1, dim=1), nn.Cell()):  # rows 2048:3072, columns, whole
        if not net.parameters_dict():
            net.w = Parameter(Tensor(np.zeros((4096, 512), np.float32)))
        before = net.w.asnumpy().copy()
        with pytest.raises(ValueError, match="gsum64 segment.*do not match"):
            parallel.load_sharded(net, tmp_path)
        np.testing.assert_array_equal(net.w.asnumpy(), before)  # nothing changed


def test_a_failed_load_changes_nothing(world, tmp_path):
    parallel.save_sharded(_mixed_net(1), tmp_path)
    net = _mixed_net(2)
    net.w = Parameter(Tensor(np.ones((5, 4), np.float32)), name="w")
    before = {p.name: p.asnumpy() for p in net.get_parameters()}
    with pytest.raises(ValueError, match=r"'w' is \(6, 4\) float32 in the checkpoint but \(5, 4\)"):
        parallel.load_sharded(net, tmp_path)
    for p in net.get_parameters():
        np.testing.assert_array_equal(p.asnumpy(), before[p.name])
    net.missing = Parameter(Tensor([1.0]))
    with pytest.raises(ValueError, match=r"has no \['missing'\]"):
        parallel.load_sharded(net, tmp_path)
    with pytest.raises(ValueError, match="does not exist: no complete sharded checkpoint"):
        parallel.load_sharded(net, tmp_path / "nothing")


def test_an_interrupted_save_keeps_the_old_index_and_is_refused(world, tmp_path, monkeypatch):
    from gpuparam.parallel import _sharded

    parallel.save_sharded(_mixed_net(1), tmp_path)
    index = (tmp_path / _sharded.INDEX_NAME).read_bytes()

    def crash(*args):
        raise OSError("disk full")
    monkeypatch.setattr(_sharded, "_write_index", crash)
    with pytest.raises(RuntimeError, match="could not write the index.*disk full"):
        parallel.save_sharded(_mixed_net(3), tmp_path)
    assert (tmp_path / _sharded.INDEX_NAME).read_bytes() == index
    assert not list(tmp_path.glob(".*tmp"))
    with pytest.raises(ValueError, match="belongs to another save .* was interrupted"):
        parallel.load_sharded(_mixed_net(2), tmp_path)


def test_a_failed_shard_write_leaves_the_old_file_and_no_temporary(world, tmp_path, monkeypatch):
    from gpuparam.train import _transfer

    parallel.save_sharded(_mixed_net(1), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def fail(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(_transfer.Writer, "write_tensor", fail)
    with pytest.raises(RuntimeError, match="rank 0 could not write .*disk full"):
        parallel.save_sharded(_mixed_net(3), tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_complex128_parameter_is_refused_before_anything_is_written(world, tmp_path):
    net = _mixed_net(1)
    net.z = Parameter(Tensor(np.ones(2, np.complex128)))
    with pytest.raises(ValueError, match="save_sharded: tensor 'z' has dtype Complex128"):
        parallel.save_sharded(net, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("header", "text"), [
    (b"\xff" * 8, "header claims"),
    (None, "is not UTF-8 JSON"),
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
      "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, "overlap"),
    ({"a": {"dtype": "Q7", "shape": [2], "data_offsets": [0, 8]}}, "is not one gpuparam reads"),
    ({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, "needs 12 bytes"),
    ({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, "past the 12 data bytes"),
    ([1, 2], "not a JSON object"),
])
def test_hostile_shard_files_are_refused_before_allocating(world, tmp_path, header, text):
    import json
    import struct

    from gpuparam.train import shard_files

    parallel.save_sharded(_mixed_net(1), tmp_path)
    path = tmp_path / "model-00001-of-00001.safetensors"
    if isinstance(header, bytes):
        path.write_bytes(header + b"{}")
    else:
        raw = b"{not json" if header is None else json.dumps(header).encode()
        path.write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(12 if "past" in text else 16))
    with pytest.raises(ValueError, match="load_sharded: not a valid safetensors file") as info:
        parallel.load_sharded(_mixed_net(2), tmp_path)
    assert str(path) in str(info.value) and text in str(info.value)
    with pytest.raises(ValueError, match=text):  # the reader itself, no communicator needed
        with contextlib.ExitStack() as files:
            shard_files.ShardFile(path, files)


def test_an_index_naming_other_files_is_refused(world, tmp_path):
    import json

    from gpuparam.parallel import _sharded

    parallel.save_sharded(_mixed_net(1), tmp_path)
    index = json.loads((tmp_path / _sharded.INDEX_NAME).read_text())
    index["shards"]["w"]["pieces"][0]["file"] = "../../etc/passwd"
    (tmp_path / _sharded.INDEX_NAME).write_text(json.dumps(index))
    with pytest.raises(ValueError, match="is not a gpuparam-sharded/1 index"):
        parallel.load_sharded(_mixed_net(2), tmp_path)


def test_sharded_saves_refuse_what_they_cannot_reshard(world, tmp_path):
    net = nn.Cell()
    net.w = Parameter(Tensor([1.0]), layerwise_parallel=True)
    with pytest.raises(NotImplementedError, match="'w' has layerwise_parallel=True"):
        parallel.save_sharded(net, tmp_path)
    net = nn.Cell()
    net.w = Parameter(initializer(Normal(), (6, 4), gpuparam.float32))
    net.w.init_data(index=(slice(0, 3),))  # half of it, in a world of one rank
    with pytest.raises(ValueError, match=r"shards of 'w' do not tile its shape \(6, 4\)"):
        parallel.save_sharded(net, tmp_path)
    net.w2 = Parameter(initializer(Normal(), (6, 4), gpuparam.float32))
    net.w2.init_data(index=(slice(0, 6, 2),))
    with pytest.raises(NotImplementedError, match="strided"):
        parallel.save_sharded(net, tmp_path)
    with pytest.raises(TypeError, match="save_sharded: `directory` must be a str or os.PathLike"):
        parallel.save_sharded(_mixed_net(1), 3)
    assert list(tmp_path.iterdir()) == []


def test_parallel_reaches_train_and_communication_only_through_their_seams():
    import ast
    from pathlib import Path

    root = Path(gpuparam.__file__).parent
    reached = set()
    for path in (root / "parallel").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                target = node.module if node.level == 0 else "gpuparam." + node.module
                for alias in node.names:
                    reached.add(f"{target}.{alias.name}")
    private = sorted(name for name in reached
                     if name.startswith(("gpuparam.train.", "gpuparam.communication."))
                     and any(part.startswith("_") for part in name.split(".")[2:]))
    assert private == []
    assert "gpuparam.train.shard_files" in reached
    assert "gpuparam.communication.process_group" in reached


def test_regenerable_says_whether_every_process_can_compute_the_values():
    from gpuparam.common.initializer import Initializer, One, Orthogonal

    class Custom(Initializer):
        def _initialize(self, arr):
            arr[...] = 1

    assert Normal().regenerable and One().regenerable and Orthogonal().regenerable
    assert not Custom().regenerable


def test_the_process_rank_is_set_by_init_and_cleared_by_release():
    assert _parameter_layout.process_rank() is None
    comm.init()
    try:
        assert _parameter_layout.process_rank() == comm.get_rank() == 0
    finally:
        comm.release()
    assert _parameter_layout.process_rank() is None
