"""A model of billions of lazily initialized parameters: built at once, materialized in shards.

Building the network allocates nothing: each parameter is a shape, a dtype, an
initializer and a random key. This script then materializes parameters one row block
(shard) at a time, the way each device of a model-parallel job would take its own part:
``param.clone().init_data(index=(slice(r0, r1),))`` gives exactly rows ``r0:r1`` of
the whole parameter (the same numbers on any backend, in any order, in any number of
pieces), and takes only that shard's memory.

By default the model has 16 ``nn.Dense(16384, 16384)`` layers, 4.3 billion parameters
(16 GiB as float32), and only the first 4 shards (256 MiB) are materialized so that it
runs on any machine; ``--all`` materializes every shard (needs the full 16 GiB on the
device, or in host memory on the CPU). ``--scale 0.01`` makes every layer 100 times
narrower, for a quick run.

Usage:
    python examples/large_model_lazy_init.py                 # 4.3 billion, 4 shards
    python examples/large_model_lazy_init.py --all --check   # everything, and verify
    python examples/large_model_lazy_init.py --scale 0.01 --all --check
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np

import gpuparam
from gpuparam import _backend, nn

GiB = 2.0 ** 30


def peak_rss_bytes() -> int:
    """Peak resident memory of this process (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def memory_line(label: str) -> str:
    return (f"{label}: host peak RSS {peak_rss_bytes() / GiB:.2f} GiB, "
            f"device pool {_backend.pool_used_bytes() / GiB:.2f} GiB "
            f"(backend {_backend.active_backend()})")


class BigMLP(nn.Cell):
    """``layers`` fully connected layers of ``width`` x ``width`` weights (plus biases)."""

    def __init__(self, width: int, layers: int) -> None:
        super().__init__()
        self.body = nn.SequentialCell([nn.Dense(width, width, activation="relu")
                                       for _ in range(layers)])

    def construct(self, x):
        return self.body(x)


def shard_plan(net: nn.Cell, rows: int) -> list[tuple[str, gpuparam.Parameter, slice]]:
    """Split every parameter into blocks of ``rows`` rows (its first dimension)."""
    plan = []
    for name, param in net.parameters_and_names():
        for start in range(0, param.shape[0], rows):
            plan.append((name, param, slice(start, min(start + rows, param.shape[0]))))
    return plan


def progress(done: int, total: int, done_bytes: int, total_bytes: int, what: str) -> None:
    bar = "#" * (30 * done // total)
    line = (f"[{bar:<30}] shard {done}/{total}, {done_bytes / GiB:.3f}/"
            f"{total_bytes / GiB:.3f} GiB  {what}")
    if sys.stdout.isatty():
        print("\r" + line, end="" if done < total else "\n", flush=True)
    else:
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="width factor: layers are round(16384 * scale) wide (default 1)")
    parser.add_argument("--layers", type=int, default=16, help="number of Dense layers (16)")
    parser.add_argument("--shard-rows", type=int, default=None,
                        help="rows per shard (default: width // 16)")
    parser.add_argument("--shards", type=int, default=4,
                        help="how many shards to materialize (default 4)")
    parser.add_argument("--all", action="store_true", help="materialize every shard")
    parser.add_argument("--check", action="store_true",
                        help="verify each materialized parameter's shards against the whole "
                             "parameter materialized at once")
    args = parser.parse_args(argv)
    width = max(8, int(round(16384 * args.scale)))
    rows = args.shard_rows or max(1, width // 16)

    gpuparam.set_seed(2024)
    print(memory_line("before building"))
    start = time.perf_counter()
    net = BigMLP(width, args.layers)
    build_s = time.perf_counter() - start
    params = list(net.get_parameters())
    count = sum(p.size for p in params)
    total_bytes = sum(p.nbytes for p in params)
    print(f"built {len(params)} parameters, {count:,} values ({count / 1e9:.2f} billion, "
          f"{total_bytes / GiB:.2f} GiB as float32) in {build_s:.3f} s")
    print(f"all lazy (no buffer yet): {all(p.has_init for p in params)}")
    print(memory_line("after building"))

    plan = shard_plan(net, rows)
    todo = plan if args.all else plan[:max(0, args.shards)]
    todo_bytes = sum((s.stop - s.start) * (p.nbytes // p.shape[0]) for _, p, s in todo)
    print(f"materializing {len(todo)} of {len(plan)} shards ({todo_bytes / GiB:.3f} of "
          f"{total_bytes / GiB:.2f} GiB)" + ("" if args.all else "; pass --all for every shard"))
    shards: dict[str, list[gpuparam.Parameter]] = {}
    done_bytes = 0
    start = time.perf_counter()
    for i, (name, param, rows_slice) in enumerate(todo, 1):
        # A clone of a lazy parameter is lazy, with the same initializer and random key.
        shard = param.clone()
        shard.init_data(index=(rows_slice,))
        shards.setdefault(name, []).append(shard)
        done_bytes += shard.nbytes
        progress(i, len(todo), done_bytes, todo_bytes,
                 f"{name}[{rows_slice.start}:{rows_slice.stop}]")
    print(f"materialized {done_bytes / GiB:.3f} GiB in {time.perf_counter() - start:.2f} s")
    print(f"originals still lazy: {all(p.has_init for p in params)}")
    print(memory_line("after materializing"))

    if args.check:
        by_name = dict(net.parameters_and_names())
        equal = True
        for name, parts in shards.items():
            whole = by_name[name].clone().init_data().asnumpy()
            joined = np.concatenate([part.asnumpy() for part in parts], axis=0)
            equal &= bool(np.array_equal(joined, whole[:joined.shape[0]]))
        print(f"shards equal the rows of the whole parameters: {equal}")
        if not equal:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
