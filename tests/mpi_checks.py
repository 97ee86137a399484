"""Checks that run on every rank of one ``mpiexec`` launch (see tests/mpi_launch.py).

Usage: ``mpiexec -n N python tests/mpi_checks.py OUT_DIR SHARED_DIR [--backend=mpi]``.
Every check runs on every rank; each rank writes ``OUT_DIR/rank<r>.json`` mapping the
check's name to ``"ok"`` or the failure. Expected values are computed locally, from
the same formulas every rank knows, never received from another rank.
"""

from __future__ import annotations

import faulthandler
import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

import gpuparam
from gpuparam import Parameter, Tensor, communication as comm, nn, parallel
from gpuparam._dtype import ALL_DTYPES
from gpuparam.common.initializer import (HeUniform, Initializer, Normal, TruncatedNormal,
                                         Uniform, XavierUniform, initializer)
from gpuparam.communication import comm_func
from gpuparam.parallel import _replicas

CHECKS: dict[str, Callable[[int, int], None]] = {}


def check(function: Callable[[int, int], None]) -> Callable[[int, int], None]:
    CHECKS[function.__name__] = function
    return function


def values(rank: int, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Rank-dependent values in 1..3 (bool: a rank-dependent pattern), exact in every dtype."""
    count = int(np.prod(shape, dtype=np.int64))
    base = (np.arange(count) + rank) % 3 + 1
    if dtype == np.bool_:
        return ((np.arange(count) * (rank + 1)) % 3 != 0).reshape(shape)
    return base.reshape(shape).astype(dtype)


def expected_reduction(stack: np.ndarray, op: str) -> np.ndarray:
    if stack.dtype == np.bool_:
        return stack.any(axis=0) if op in ("sum", "max") else stack.all(axis=0)
    # values 1..3 on at most 3 ranks: exact everywhere
    exact = stack.astype(np.complex128 if stack.dtype.kind == "c" else np.float64)
    reduced = {"sum": exact.sum, "prod": exact.prod, "max": exact.max, "min": exact.min}[op](axis=0)
    return reduced.astype(stack.dtype)


def same_bits(got: np.ndarray, want: np.ndarray, what: str) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape, (what, got.dtype, got.shape,
                                                                 want.dtype, want.shape)
    assert got.tobytes() == want.tobytes(), (what, got, want)


@check
def every_collective_and_dtype(rank: int, world: int) -> None:
    for dtype in (d.numpy_dtype for d in ALL_DTYPES):
        for shape in [(), (0,), (3, 4)]:
            mine = Tensor(values(rank, shape, dtype))
            for src in range(world):
                got = comm_func.broadcast(mine, src=src).asnumpy()
                same_bits(got, values(src, shape, dtype), f"broadcast {dtype} {shape} src={src}")
            stack = np.stack([values(r, shape, dtype) for r in range(world)])
            ordered = np.dtype(dtype).kind != "c"  # complex numbers have no max or min
            for op in ("sum", "max", "min", "prod") if ordered else ("sum", "prod"):
                got = comm_func.all_reduce(mine, op=op).asnumpy()
                same_bits(got, expected_reduction(stack, op), f"all_reduce {dtype} {shape} {op}")
            if not ordered:
                raises_everywhere(ValueError, "for a complex tensor",
                                  lambda: comm_func.all_reduce(mine, op="max"))
            got = comm_func.all_gather_into_tensor(mine).asnumpy()
            want = stack.reshape((-1,) + shape[1:]) if shape else stack
            same_bits(got, want, f"all_gather {dtype} {shape}")
        # Uneven parts: rank r holds r + 1 rows.
        parts = [values(r, (r + 1, 2), dtype) for r in range(world)]
        got = comm_func.all_gather_into_tensor(Tensor(parts[rank])).asnumpy()
        same_bits(got, np.concatenate(parts), f"uneven all_gather {dtype}")
    comm_func.barrier()


def raises_everywhere(kind: type, text: str, call: Callable[[], object]) -> None:
    try:
        call()
    except kind as exc:
        assert text in str(exc), (kind, text, str(exc))
    else:
        raise AssertionError(f"no {kind.__name__} ({text})")


@check
def bad_input_on_one_rank_raises_on_all(rank: int, world: int) -> None:
    last = rank == world - 1
    good = Tensor(np.ones((2, 2), np.float32))
    raises_everywhere(TypeError, "`tensor` must be a gpuparam Tensor",
                      lambda: comm_func.broadcast("not a tensor" if last else good))
    raises_everywhere(ValueError, "`src` must be a rank below",
                      lambda: comm_func.broadcast(good, src=world))
    raises_everywhere(ValueError, "`op` must be one of",
                      lambda: comm_func.all_reduce(good, op="mean" if last else "sum"))
    if world > 1:
        raises_everywhere(ValueError, "`src` must be the same on every rank",
                          lambda: comm_func.broadcast(good, src=rank))
        odd = Tensor(np.ones((3, 2), np.float32)) if last else good
        raises_everywhere(ValueError, "same op, shape and dtype", lambda: comm_func.all_reduce(odd))
        odd = Tensor(np.ones((2, 2), np.float64)) if last else good
        raises_everywhere(ValueError, "same dtype", lambda: comm_func.all_gather_into_tensor(odd))
        raises_everywhere(ValueError, "differs from rank 0", lambda: comm_func.broadcast(odd))
        raises_everywhere(TypeError, "gpuparam.nn.Cell",
                          lambda: parallel.broadcast_parameters(object() if last else Net(rank)))
    # The ranks are still in step: a good collective after all that works.
    same_bits(comm_func.all_reduce(good).asnumpy(), np.full((2, 2), world, np.float32), "after")


SPECS = [(Normal(0.02), (10, 3), gpuparam.float32), (TruncatedNormal(), (7, 5), gpuparam.float64),
         (Uniform(), (5,), gpuparam.float16), (HeUniform(), (9, 4, 3), gpuparam.float32),
         (XavierUniform(), (11, 4), gpuparam.bfloat16), ("ones", (4, 2), gpuparam.int32)]


def declare() -> list[Parameter]:
    gpuparam.set_seed(7)
    return [Parameter(initializer(init, shape, dtype), name=f"p{i}")
            for i, (init, shape, dtype) in enumerate(SPECS)]


@check
def sharded_init_equals_the_single_process_tensor(rank: int, world: int) -> None:
    gathered = {}
    for param in declare():
        param.init_data(index=parallel.shard_slices(param.shape, rank, world))
        gathered[param.name] = comm_func.all_gather_into_tensor(param).asnumpy()
    for whole in declare():  # the same declarations, materialized whole in this process
        same_bits(gathered[whole.name], whole.init_data().asnumpy(), whole.name)
    # MindSpore's layout: dimension 1 of a (4, 6) tensor split over all ranks.
    gpuparam.set_seed(3)
    shard = Parameter(initializer(Normal(), (4, 6), gpuparam.float32), name="laid_out")
    shard.init_data(layout=([world], [-1, 0], [4, 6 // world], 0, True, ""))
    columns = comm_func.all_gather_into_tensor(Tensor(shard.asnumpy().T.copy())).asnumpy().T
    gpuparam.set_seed(3)
    whole = Parameter(initializer(Normal(), (4, 6), gpuparam.float32)).init_data().asnumpy()
    same_bits(np.ascontiguousarray(columns), whole, "layout")
    gathered["laid_out"] = np.ascontiguousarray(columns)
    if rank == 0:
        arrays = {k: (v.view(np.uint16) if v.dtype.name == "bfloat16" else v) for k, v in gathered.items()}
        np.savez(OUT / "sharded.npz", **arrays)


class RankFill(Initializer):
    """A custom initializer whose values depend on the rank (so they must be sent)."""

    def __init__(self, rank: int) -> None:
        super().__init__()
        self.rank = rank

    def _initialize(self, arr: np.ndarray) -> None:
        arr[...] = 100 + self.rank


class Net(nn.Cell):
    def __init__(self, rank: int, swap: bool = False) -> None:
        super().__init__()
        gpuparam.set_seed(11)
        if swap:  # declared in another order: the two lazy parameters swap random keys
            self.f = Parameter(initializer(Normal(), (6, 5), gpuparam.float32))
            self.a = Parameter(initializer(Normal(), (6, 5), gpuparam.float32))
        else:
            self.a = Parameter(initializer(Normal(), (6, 5), gpuparam.float32))
            self.f = Parameter(initializer(Normal(), (6, 5), gpuparam.float32))
        self.b = Parameter(Tensor(np.full((3, 2), rank, np.float32)))
        self.c = Parameter(Tensor(np.full((2,), rank, np.int64)), layerwise_parallel=True)
        self.d = Parameter(initializer(RankFill(rank), (4,), gpuparam.float64))
        self.e = Parameter(Tensor(np.arange(5, dtype=np.int16) * (rank + 1)))


@check
def broadcast_parameters_respects_layerwise_parallel(rank: int, world: int) -> None:
    src = world - 1
    # b (24 bytes, data on every rank) and d (32, lazy everywhere) go straight from and
    # into their own buffers; e (10) in a bucket; buckets smaller than a parameter
    _replicas.BUCKET_BYTES, _replicas.DIRECT_BYTES = 8, 20
    try:
        net = Net(rank)
        b_buffer = net.b._read()
        sent = parallel.broadcast_parameters(net, src=src)
        assert net.b._read() is b_buffer or rank == src  # received in place
    finally:
        _replicas.BUCKET_BYTES, _replicas.DIRECT_BYTES = 1 << 28, 1 << 20
    assert sent == ["b", "d", "e"], sent
    same_bits(net.b.asnumpy(), np.full((3, 2), src, np.float32), "b")
    same_bits(net.c.asnumpy(), np.full((2,), rank, np.int64), "layerwise c kept")
    same_bits(net.d.asnumpy(), np.full((4,), 100 + src, np.float64), "custom d")
    same_bits(net.e.asnumpy(), np.arange(5, dtype=np.int16) * (src + 1), "e")
    gpuparam.set_seed(11)
    same_bits(net.a.asnumpy(), Parameter(initializer(Normal(), (6, 5), gpuparam.float32)).asnumpy(), "a")
    parallel.verify_replicas(net)


@check
def verify_replicas_catches_a_perturbed_rank(rank: int, world: int) -> None:
    net = Net(rank)
    parallel.broadcast_parameters(net)
    parallel.verify_replicas(net)
    if world == 1:
        return
    if rank == world - 1:
        net.b[0, 0] = -1.0
    others = list(range(world - 1))
    raises_everywhere(ValueError, f"b: values differ, groups [{others}, [{world - 1}]]",
                      lambda: parallel.verify_replicas(net))
    swapped = Net(rank, swap=rank == world - 1)
    groups = f"groups [{others}, [{world - 1}]]"
    for name in "af":  # still lazy: compared by initializer and key, nothing materialized
        raises_everywhere(ValueError, f"{name}: ranks hold different lazy values (keys or "
                          f"initializers), {groups}", lambda: parallel.verify_replicas(swapped))
    assert swapped.a.has_init and swapped.f.has_init
    parallel.broadcast_parameters(swapped)  # sends b, d, e; materializes a and f locally
    assert not swapped.a.has_init
    raises_everywhere(ValueError, "2 parameter(s) differ", lambda: parallel.verify_replicas(swapped))
    raises_everywhere(ValueError, f"a: values differ, {groups}", lambda: parallel.verify_replicas(swapped))


def sharded_net(rank: int, world: int, seed: int) -> nn.Cell:
    """SPECS as a network, each weight row-sharded over the ranks, plus replicated parts."""
    gpuparam.set_seed(seed)
    net = nn.Cell()
    for i, (init, shape, dtype) in enumerate(SPECS):
        setattr(net, f"p{i}", Parameter(initializer(init, shape, dtype)))
        getattr(net, f"p{i}").init_data(index=parallel.shard_slices(shape, rank, world))
    net.step = Parameter(Tensor(np.array(seed, np.int64)))  # 0-d, replicated
    net.flags = Parameter(Tensor(np.array([seed % 2 == 0, True])))
    return net


@check
def sharded_checkpoint_round_trip_and_reshard(rank: int, world: int) -> None:
    saved = sharded_net(rank, world, seed=7)
    parallel.save_sharded(saved, SHARED / f"ckpt{world}")
    sources = [world] + ([3] if world == 2 else [])  # the 3-rank launch runs first
    for source in sources:
        fresh = sharded_net(rank, world, seed=8)  # other values until loaded
        assert parallel.load_sharded(fresh, SHARED / f"ckpt{source}") == []
        for a, b in zip(fresh.get_parameters(), saved.get_parameters()):
            same_bits(a.asnumpy(), b.asnumpy(), f"{a.name} from {source} ranks")
    index = json.loads((SHARED / f"ckpt{world}" / parallel._sharded.INDEX_NAME).read_text())
    assert len(index["shards"]["step"]["pieces"]) == 1  # replicated: written once
    assert len(index["shards"]["p0"]["pieces"]) == world
    assert sorted(index["files"]) == [f"model-{r + 1:05d}-of-{world:05d}.safetensors"
                                      for r in range(world)]


@check
def ops_all_reduce_reduces_over_the_world(rank: int, world: int) -> None:
    # ops.AllReduce (MindSpore's primitive) runs over the group communication started.
    from gpuparam import ops
    mine = Tensor(np.full(3, rank + 1.0, np.float32))
    total = ops.AllReduce()(mine).asnumpy()
    assert (total == world * (world + 1) / 2).all(), total
    assert (ops.AllReduce(op="max")(mine).asnumpy() == world).all()
    assert (ops.AllReduce(op="min")(mine).asnumpy() == 1).all()


def main() -> int:
    global OUT, SHARED
    OUT, SHARED = Path(sys.argv[1]), Path(sys.argv[2])
    backend = "mpi" if "--backend=mpi" in sys.argv else None
    faulthandler.dump_traceback_later(200, exit=True)  # a hang prints where each rank waits
    comm.init(backend)
    rank, world = comm.get_rank(), comm.get_group_size()
    results = {"world": "ok" if comm.get_backend() == "mpi" else f"backend {comm.get_backend()}"}
    for name, function in CHECKS.items():
        try:
            function(rank, world)
            results[name] = "ok"
        except Exception:
            results[name] = traceback.format_exc()
        comm_func.barrier()
    (OUT / f"rank{rank}.json").write_text(json.dumps(results))
    comm.release()
    return 0


OUT = SHARED = Path(".")

if __name__ == "__main__":
    sys.exit(main())
