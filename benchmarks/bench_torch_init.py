"""A PyTorch model's ``init_weights()``: torch's own against gpuparam.torch, and invariance.

A script, not a test. Part 1 builds a Llama-shaped model (``--dim``, ``--layers``,
``--hidden``, ``--vocab``; torchtitan's ``init_weights``: ``normal_`` for the embedding,
``trunc_normal_`` for every projection, ``ones_`` for the norms) on the meta device,
``to_empty``'s it (CPU; CUDA too when torch and gpuparam both see a GPU) and times three
ways to fill it, in interleaved rounds, median of ``--repeat``:

- **torch**: ``model.init_weights()`` as written (torch's generator): the baseline;
- **patch_nn_init**: the same call inside ``gpuparam.torch.patch_nn_init(model, seed)``;
- **init_module_**: ``gpuparam.torch.init_module_(model, plan, seed)`` with the same
  distributions as a plan of name patterns.

Each is timed on the host clock on the CPU and with CUDA events (torch's current stream,
which gpuparam's kernels run on) on a GPU. Memory: on the CPU, the peak resident set
above the model's own memory during one more fill (``VmHWM``, reset through
``/proc/self/clear_refs`` before each); on a GPU, torch's peak allocation above the
model and the CuPy pool's bytes after the fill.

Part 2, the invariance figure: under ``torch.distributed.run`` at ``--world`` ranks
(gloo, CPU), the model sharded by ``fully_shard`` is initialized both ways, with the
usual recipe for torch (the same ``torch.manual_seed`` on every rank) and gpuparam's
(the same seed), and each rank compares its shards with the slices of the same model
initialized whole in one process: max |shard - slice of whole| over every element, and
whether torch's shards are identical across ranks.

The machine's cores may be shared with other work: compare the rows of one run.

Usage::

    python benchmarks/bench_torch_init.py                          # CPU, world size 2
    python benchmarks/bench_torch_init.py --dim 2048 --layers 8 --hidden 5632 --vocab 32000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from _timing import (Job, environment, fmt_ms, fmt_ratio, host_clock, peak_rss_bytes,  # noqa: E402
                     print_environment, print_table, rss_bytes, time_interleaved,
                     torch_cuda_clock)

SEED = 1234
MB = 1 << 20


# --------------------------------------------------------------------------- the model

class RMSNorm(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(dim))

    def reset_parameters(self) -> None:
        nn.init.ones_(self.weight)


class Block(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.wq, self.wk, self.wv, self.wo = (nn.Linear(dim, dim, bias=False) for _ in range(4))
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)
        self.attention_norm, self.ffn_norm = RMSNorm(dim), RMSNorm(dim)

    def init_weights(self, std: float) -> None:
        for linear in (self.wq, self.wk, self.wv, self.w1):
            nn.init.trunc_normal_(linear.weight, mean=0.0, std=0.02)
        for linear in (self.wo, self.w2, self.w3):
            nn.init.trunc_normal_(linear.weight, mean=0.0, std=std)
        self.attention_norm.reset_parameters()
        self.ffn_norm.reset_parameters()


class Llama(nn.Module):
    def __init__(self, dim: int, layers: int, hidden: int, vocab: int) -> None:
        super().__init__()
        self.dim = dim
        self.tok_embeddings = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleDict({str(i): Block(dim, hidden) for i in range(layers)})
        self.norm = RMSNorm(dim)
        self.output = nn.Linear(dim, vocab, bias=False)

    def init_weights(self) -> None:
        nn.init.normal_(self.tok_embeddings.weight)
        for i, block in enumerate(self.layers.values()):
            block.init_weights(0.02 / (2 * (i + 1)) ** 0.5)
        self.norm.reset_parameters()
        std = self.dim ** -0.5
        nn.init.trunc_normal_(self.output.weight, mean=0.0, std=std, a=-3 * std, b=3 * std)


def plan(model: Llama) -> dict[str, Any]:
    """init_weights' distributions as an init_module_ plan (first match wins)."""
    from gpuparam.common.initializer import Normal, TruncatedNormal

    out: dict[str, Any] = {"tok_embeddings.weight": Normal(1.0), "*norm.weight": "ones"}
    for i in range(len(model.layers)):
        std = 0.02 / (2 * (i + 1)) ** 0.5
        for name in ("wo", "w2", "w3"):
            out[f"layers.{i}.{name}.weight"] = TruncatedNormal(std, 0.0, -2.0, 2.0)
    std = model.dim ** -0.5
    out["output.weight"] = TruncatedNormal(std, 0.0, -3 * std, 3 * std)
    out["*"] = TruncatedNormal(0.02, 0.0, -2.0, 2.0)
    return out


def build(args: argparse.Namespace, device: str) -> Llama:
    with torch.device("meta"):
        model = Llama(args.dim, args.layers, args.hidden, args.vocab)
    return model.to_empty(device=device)


# --------------------------------------------------------------------------- part 1

def fills(model: Llama) -> dict[str, Any]:
    import gpuparam.torch as gpt

    layout = plan(model)

    def by_torch(_: Any) -> None:
        torch.manual_seed(SEED)
        with torch.no_grad():
            model.init_weights()

    def by_patch(_: Any) -> None:
        with torch.no_grad(), gpt.patch_nn_init(model, seed=SEED, strict=True):
            model.init_weights()

    def by_plan(_: Any) -> None:
        gpt.init_module_(model, layout, seed=SEED)

    return {"torch init_weights()": by_torch, "patch_nn_init": by_patch, "init_module_": by_plan}


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def cpu_rows(args: argparse.Namespace) -> list[list[str]]:
    model = build(args, "cpu")
    jobs = fills(model)
    timings = time_interleaved([Job(fn, host_clock()) for fn in jobs.values()],
                               repeat=args.repeat, warmup=1)
    rows, baseline = [], timings[0].median_ms
    values = sum(p.numel() for p in model.parameters())
    for (name, fn), timing in zip(jobs.items(), timings):
        extra = "n/a"
        if reset_peak_rss():
            before = rss_bytes()
            fn(None)
            extra = f"{(peak_rss_bytes() - before) / MB:,.1f}"
        rows.append(["CPU", name, fmt_ms(timing.median_ms), f"{values / timing.median_ms / 1e3:.1f}",
                     fmt_ratio(baseline, timing.median_ms), f"{timing.spread:.2f}", extra])
    return rows


def cuda_rows(args: argparse.Namespace) -> list[list[str]]:
    from gpuparam import _backend

    if not torch.cuda.is_available() or _backend.gpu_unavailable_reason() is not None:
        return []
    _backend.set_backend("cupy")
    model = build(args, "cuda")
    jobs = fills(model)
    timings = time_interleaved([Job(fn, torch_cuda_clock(torch)) for fn in jobs.values()],
                               repeat=args.repeat, warmup=1)
    rows, baseline = [], timings[0].median_ms
    values = sum(p.numel() for p in model.parameters())
    for (name, fn), timing in zip(jobs.items(), timings):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        fn(None)
        torch.cuda.synchronize()
        extra = (torch.cuda.max_memory_allocated() - before) / MB
        pool = _backend.pool_used_bytes() / MB
        rows.append([f"CUDA ({torch.cuda.get_device_name()})", name, fmt_ms(timing.median_ms),
                     f"{values / timing.median_ms / 1e3:.1f}", fmt_ratio(baseline, timing.median_ms),
                     f"{timing.spread:.2f}", f"torch {extra:,.1f}, CuPy pool {pool:,.1f}"])
    return rows


# --------------------------------------------------------------------------- part 2

def invariance_worker(args: argparse.Namespace) -> None:
    """One rank of part 2 (run by torch.distributed.run)."""
    import torch.distributed as dist
    from torch.distributed.fsdp import fully_shard
    from torch.distributed.tensor import init_device_mesh

    import gpuparam.torch as gpt

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    mesh = init_device_mesh("cpu", (world,))
    sizes = (args.dim, args.layers, args.hidden, args.vocab)

    def torch_way(model: Llama) -> None:
        torch.manual_seed(SEED)  # the usual recipe: one seed on every rank
        with torch.no_grad():
            model.init_weights()

    def gpuparam_way(model: Llama) -> None:
        with torch.no_grad(), gpt.patch_nn_init(model, seed=SEED, strict=True):
            model.init_weights()

    report: dict[str, Any] = {"world": world}
    for label, fill in (("torch", torch_way), ("gpuparam", gpuparam_way)):
        with torch.device("meta"):
            sharded = Llama(*sizes)
        for block in sharded.layers.values():
            fully_shard(block, mesh=mesh)
        fully_shard(sharded, mesh=mesh)
        sharded.to_empty(device="cpu")
        fill(sharded)
        whole = Llama(*sizes)
        fill(whole)
        reference = dict(whole.named_parameters())
        worst, worst_name, identical = 0.0, "", True
        for name, param in sharded.named_parameters():
            local = param.to_local().detach()
            rows = -(-param.shape[0] // world)
            expected = reference[name].detach()[rank * rows:rank * rows + local.shape[0]]
            gap = float((local.double() - expected.double()).abs().max()) if local.numel() else 0.0
            if gap > worst:
                worst, worst_name = gap, name
            firsts = [None] * world  # the first row of each rank's shard
            dist.all_gather_object(firsts, local[:1].clone() if local.numel() else None)
            present = [f for f in firsts if f is not None]
            identical &= all(torch.equal(f, present[0]) for f in present)
        gaps = [None] * world
        dist.all_gather_object(gaps, (worst, worst_name))
        worst, worst_name = max(gaps)
        report[label] = {"max_abs_gap": worst, "where": worst_name,
                         "identical_shards_on_every_rank": identical}
    if rank == 0:
        Path(args.invariance_worker).write_text(json.dumps(report))
    dist.destroy_process_group()


def invariance(args: argparse.Namespace) -> dict[str, Any] | None:
    out = Path(tempfile.mkdtemp(prefix="gpuparam-bench-")) / "invariance.json"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               f"--nproc-per-node={args.world}", str(Path(__file__).resolve()),
               "--invariance-worker", str(out), "--dim", str(args.dim), "--layers",
               str(args.layers), "--hidden", str(args.hidden), "--vocab", str(args.vocab)]
    env = dict(os.environ, GPUPARAM_BACKEND="numpy",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900, check=False)
    if proc.returncode != 0 or not out.exists():
        print(f"invariance run failed ({proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
        return None
    return json.loads(out.read_text())


# --------------------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dim", type=int, default=768)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--vocab", type=int, default=16000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--world", type=int, default=2, help="ranks of the invariance run")
    parser.add_argument("--invariance-dim", type=int, default=256,
                        help="--dim of the (smaller) model of the invariance run")
    parser.add_argument("--invariance-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.invariance_worker:
        invariance_worker(args)
        return
    print_environment(environment(torch))
    with torch.device("meta"):
        size = sum(p.numel() for p in Llama(args.dim, args.layers, args.hidden, args.vocab).parameters())
    print(f"# Llama-shaped model: dim {args.dim}, {args.layers} layers, hidden {args.hidden}, "
          f"vocab {args.vocab}: {size:,} float32 values ({size * 4 / MB:,.0f} MiB)")
    rows = cpu_rows(args) + cuda_rows(args)
    print_table(["device", "fill", "median ms", "Mvalues/s", "torch/this", "spread",
                 "peak above the model (MiB)"], rows)
    small = argparse.Namespace(**{**vars(args), "dim": args.invariance_dim})
    print(f"\n# invariance: world size {args.world}, fully_shard per block and root, dim "
          f"{small.dim}: max abs(shard - slice of the single-process model)")
    found = invariance(small)
    if found is not None:
        print_table(["init", "max abs(shard - slice of whole)", "worst tensor", "identical shards on every rank"],
                    [[label, f"{found[label]['max_abs_gap']:.3g}", found[label]["where"],
                      str(found[label]["identical_shards_on_every_rank"])]
                     for label in ("torch", "gpuparam")])


if __name__ == "__main__":
    main()
