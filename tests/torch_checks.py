"""Checks run on every rank of one ``torch.distributed.run`` launch (tests/torch_launch.py).

Usage: ``python -m torch.distributed.run --standalone --nproc-per-node N
tests/torch_checks.py OUT_DIR SHARED_DIR``. A gloo process group; every check runs on
every rank, and each rank writes ``OUT_DIR/rank<r>.json`` (check -> "ok" or the failure).

gpuparam.torch's checks are generators: the part before ``yield`` is local (fills and
comparisons with the single-process tensors each rank computes itself) and the part
after it calls torch's collectives (``full_tensor()``). The runner lets a check reach
its collectives only once every rank has passed its local part, so a failing rank can
never leave the others waiting. Then tests/mpi_checks.py's collective and replica checks
run over ``gpuparam.communication.init("torch")``, as under mpiexec.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import runpy
import time
import faulthandler
import json
import sys
import traceback
import types
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard, init_device_mesh
from torch.distributed.tensor import empty as dtensor_empty
from torch.distributed.tensor._utils import compute_local_shape_and_global_offset  # reference
from torch.distributed.tensor.placement_types import _StridedShard

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import mpi_checks  # noqa: E402
import torch_model  # noqa: E402

import gpuparam.torch as gpt  # noqa: E402
from gpuparam import communication as comm  # noqa: E402
from gpuparam.common.initializer import (Constant, Dirac, HeUniform, Identity, Normal,  # noqa: E402
                                         Orthogonal, Sparse, TruncatedNormal, Uniform,
                                         XavierNormal)
from gpuparam.communication import comm_func  # noqa: E402

START = time.perf_counter()
CHECKS: dict[str, Callable[[int, int], object]] = {}
SEED = 1234
DTYPES = (torch.float16, torch.float32, torch.float64, torch.bfloat16)


def check(function: Callable[[int, int], object]) -> Callable[[int, int], object]:
    CHECKS[function.__name__] = function
    return function


def same(got: torch.Tensor, want: torch.Tensor, what: str) -> None:
    assert got.dtype == want.dtype and tuple(got.shape) == tuple(want.shape), (
        what, got.dtype, tuple(got.shape), want.dtype, tuple(want.shape))
    # bitwise: compare the bytes (NaN-safe, -0.0 != 0.0)
    bits = {2: torch.int16, 4: torch.int32, 8: torch.int64}[got.element_size()]
    assert torch.equal(got.contiguous().view(bits), want.contiguous().view(bits)), what


def torch_slice(tensor: DTensor, whole: torch.Tensor) -> torch.Tensor:
    """``whole``'s part that ``tensor``'s local shard holds, by torch's own layout helper."""
    shape, offset = compute_local_shape_and_global_offset(tensor.shape, tensor.device_mesh,
                                                          tensor.placements)
    return whole[tuple(slice(o, o + n) for o, n in zip(offset, shape))]


def reference(dtype: torch.dtype, fill: Callable[[torch.nn.Module], None]) -> dict[str, torch.Tensor]:
    model = torch_model.single(dtype)
    fill(model)
    return {name: p.detach().clone() for name, p in model.named_parameters()}


def compare_model(model: torch.nn.Module, whole: dict[str, torch.Tensor],
                  pointers: dict[str, int]) -> None:
    names = [name for name, _ in model.named_parameters()]
    assert names == list(whole), (names, list(whole))
    for name, param in model.named_parameters():
        assert isinstance(param, DTensor), name
        local = param.to_local()
        assert local.data_ptr() == pointers[name], f"{name}: the local shard moved"
        same(local, torch_slice(param, whole[name]), f"{name} shard")


def local_pointers(model: torch.nn.Module) -> dict[str, int]:
    return {name: p.to_local().data_ptr() for name, p in model.named_parameters()}


def by_patch(model: torch.nn.Module) -> None:
    with torch.no_grad(), gpt.patch_nn_init(model, seed=SEED, strict=True):
        model.init_weights()


def by_plan(model: torch.nn.Module) -> None:
    gpt.init_module_(model, torch_model.PLAN, seed=SEED)


@check
def fsdp2_model_equals_the_single_process_model(rank: int, world: int) -> object:
    mesh = init_device_mesh("cpu", (world,))
    results = []
    for dtype in (torch.float32, torch.bfloat16):
        for fill in (by_patch, by_plan):
            model = torch_model.sharded(mesh, dtype)
            pointers = local_pointers(model)
            fill(model)
            whole = reference(dtype, fill)
            compare_model(model, whole, pointers)
            results.append((model, whole, f"{dtype} {fill.__name__}"))
    yield
    for model, whole, what in results:
        for name, param in model.named_parameters():
            same(param.full_tensor(), whole[name], f"{what} {name} full_tensor")


def meshes(world: int) -> list[tuple[object, list[list[object]]]]:
    one_d = [[Shard(0)], [Shard(1)], [LAST], [Replicate()]]
    out = [(init_device_mesh("cpu", (world,), mesh_dim_names=("dp",)), one_d)]
    if world == 4:
        out.append((init_device_mesh("cpu", (2, 2), mesh_dim_names=("dp", "tp")),
                    [[Shard(0), Shard(1)], [Replicate(), Shard(0)], [Shard(0), Shard(0)],
                     [Shard(1), Replicate()]]))
    return out


LAST = Shard(9)  # stands for Shard(the last dimension); DTensor wants it spelled out


def spelled(placements: list[object], shape: tuple[int, ...]) -> list[object]:
    return [Shard(len(shape) - 1) if p == LAST else p for p in placements]


SHAPES = [(7, 5), (3, 2), (16, 3, 3, 3), (2, 9)]
INITS = [Normal(0.02), TruncatedNormal(0.5, a=-1.0, b=1.0), Uniform(0.3), HeUniform(),
         XavierNormal(), Constant(0.25), "zeros", Sparse(0.3, 0.1), Dirac(), Identity()]


def applicable(init: object, shape: tuple[int, ...]) -> bool:
    if isinstance(init, (Sparse, Identity)):
        return len(shape) == 2
    if isinstance(init, Dirac):
        return len(shape) == 4
    return True


@check
def dtensors_on_1d_and_2d_meshes_every_dtype(rank: int, world: int) -> object:
    gathered = []
    for mesh, placements_list in meshes(world):
        for placements in placements_list:
            for shape in SHAPES:
                for dtype in DTYPES:
                    for number, init in enumerate(i for i in INITS if applicable(i, shape)):
                        name = f"w.{mesh.ndim}d.{placements}.{shape}.{dtype}.{number}"
                        key = gpt.key_for(name, SEED)
                        tensor = dtensor_empty(shape, dtype=dtype, device_mesh=mesh,
                                               placements=spelled(placements, shape))
                        pointer = tensor.to_local().data_ptr()
                        assert gpt.fill_(tensor, init, key=key) is tensor
                        whole = torch.empty(shape, dtype=dtype)
                        gpt.fill_(whole, init, key=key)  # the single-process tensor
                        local = tensor.to_local()
                        assert local.data_ptr() == pointer, f"{name}: moved"
                        same(local, torch_slice(tensor, whole), name)
                        if number == 0:
                            gathered.append((tensor, whole, name))
    yield
    for tensor, whole, name in gathered:
        same(tensor.full_tensor(), whole, f"{name} full_tensor")


def raises(kind: type, text: str, call: Callable[[], object]) -> None:
    try:
        call()
    except kind as exc:
        assert text in str(exc), (kind, text, str(exc))
    else:
        raise AssertionError(f"no {kind.__name__} ({text})")


@check
def refused_placements_and_meta_tensors_change_nothing(rank: int, world: int) -> None:
    mesh = init_device_mesh("cpu", (world,))
    key = gpt.key_for("x", SEED)
    local = torch.full((3, 4), 7.0)
    partial = DTensor.from_local(local, mesh, [Partial()], run_check=False)
    raises(ValueError, "Partial placement", lambda: gpt.fill_(partial, Normal(), key=key))
    strided = DTensor.from_local(local, mesh, [_StridedShard(0, split_factor=2)], run_check=False)
    raises(ValueError, "_StridedShard placement", lambda: gpt.fill_(strided, Normal(), key=key))
    assert torch.equal(local, torch.full((3, 4), 7.0))
    with torch.device("meta"):
        model = torch_model.Transformer()
    from torch.distributed.fsdp import fully_shard
    fully_shard(model, mesh=mesh)
    raises(ValueError, "meta device", lambda: by_patch(model))
    raises(ValueError, "to_empty", lambda: gpt.init_module_(model, {"*": "zeros"}, seed=1))
    # Orthogonal needs the whole matrix: refused on a shard unless asked for.
    tensor = dtensor_empty((8, 6), device_mesh=mesh, placements=[Shard(0)])
    if world > 1:
        raises(ValueError, "whole_per_rank=True", lambda: gpt.fill_(tensor, Orthogonal(), key=key))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gpt.fill_(tensor, Orthogonal(), key=key, whole_per_rank=True)
    assert any("computes the whole (8, 6)" in str(w.message) for w in caught) == (world > 1)
    whole = gpt.fill_(torch.empty(8, 6), Orthogonal(), key=key)
    same(tensor.to_local(), torch_slice(tensor, whole), "orthogonal shard")


@check
def communication_over_the_torch_group(rank: int, world: int) -> None:
    comm.init()  # a torch.distributed group is initialized: "torch" is chosen
    try:
        assert comm.get_backend() == "torch", comm.get_backend()
        assert (comm.get_rank(), comm.get_group_size()) == (dist.get_rank(), world)
        assert comm.get_local_rank() == rank  # one host
    finally:
        comm.release()
    if world < 2:
        return
    pair = dist.new_group([0, 1])  # every rank takes part in creating it
    if rank < 2:
        comm.init("torch", group=pair)
        try:
            assert (comm.get_rank(), comm.get_group_size()) == (rank, 2)
            got = comm_func.all_reduce(gpuparam_tensor(np.array([rank + 1.0]))).asnumpy()
            assert got.tolist() == [3.0], got
        finally:
            comm.release()
    dist.barrier()


@check
def the_example_prints_what_it_checked(rank: int, world: int) -> object:
    """examples/torch_fsdp_init.py, run in this launch's group (its collectives: after yield)."""
    example = runpy.run_path(str(ROOT / "examples" / "torch_fsdp_init.py"), run_name="example")
    yield
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        example["main"]()
    if rank == 0:
        rows = -(-1000 // world)
        assert printed.getvalue().splitlines() == [
            f"world size {world}: 228,672 parameters in 21 tensors",
            f"rank 0 holds output.weight rows ({rows}, 64) of (1000, 64)",
            "every rank's shards == the single-process rows: True",
            "full_tensor() == the single-process model: True"], printed.getvalue()


def gpuparam_tensor(array: np.ndarray) -> object:
    from gpuparam import Tensor
    return Tensor(array)


def report(rank: int, name: str, outcome: str) -> None:
    """Print each result as it comes: the launch's output then shows how far each rank got."""
    print(f"rank {rank}: {name}: {'ok' if outcome == 'ok' else 'FAILED'} ({time.perf_counter() - START:.1f} s)"
          + ("" if outcome == "ok" else f"\n{outcome}"), flush=True)


def run(rank: int, world: int, results: dict[str, str]) -> None:
    for name, function in CHECKS.items():
        outcome = "ok"
        steps = None
        try:
            steps = function(rank, world)
            if isinstance(steps, types.GeneratorType):
                next(steps, None)
        except Exception:
            outcome = traceback.format_exc()
        ready = [None] * world
        dist.all_gather_object(ready, outcome == "ok")
        if isinstance(steps, types.GeneratorType):
            if not all(ready):
                outcome = outcome if outcome != "ok" else "skipped: another rank failed its local part"
            else:
                try:
                    next(steps, None)
                except Exception:
                    outcome = traceback.format_exc()
        results[name] = outcome
        report(rank, name, outcome)
        dist.barrier()


def run_mpi_checks(rank: int, world: int, results: dict[str, str]) -> None:
    """tests/mpi_checks.py's checks, on the torch engine."""
    comm.init("torch")
    results["world"] = "ok" if comm.get_backend() == "torch" else f"backend {comm.get_backend()}"
    for name, function in mpi_checks.CHECKS.items():
        try:
            function(rank, world)
            results[name] = "ok"
        except Exception:
            results[name] = traceback.format_exc()
        report(rank, name, results[name])
        comm_func.barrier()
    comm.release()


def main() -> int:
    out, shared = Path(sys.argv[1]), Path(sys.argv[2])
    mpi_checks.OUT, mpi_checks.SHARED = out, shared
    faulthandler.dump_traceback_later(150, exit=True)  # a hang prints where each rank waits
    warnings.simplefilter("error")  # as the test suite: a warning is a failure
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=30))
    rank, world = dist.get_rank(), dist.get_world_size()
    results: dict[str, str] = {}
    run(rank, world, results)
    if world <= 3:  # as under mpiexec (mpi_checks' MindSpore layout splits 6 columns)
        run_mpi_checks(rank, world, results)
    (out / f"rank{rank}.json").write_text(json.dumps(results))
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
