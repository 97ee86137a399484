"""Build a 10^11-element network lazily, and compare with PyTorch's ``meta`` device.

A script, not a test. It builds an ``nn.Cell`` tree of big ``Dense`` and ``Conv2d``
layers holding about 10^11 float32 elements (400 GB if materialized) whose parameters
stay lazy (``initializer``: shape, dtype and key only), and reports:

- build time (median of ``--repeat`` builds);
- memory: tracemalloc's peak during a build, and the process's RSS growth (current
  and peak, ``VmRSS``/``VmHWM``); on the GPU also the bytes CuPy's pool handed out;

next to PyTorch building the same shapes with ``device='meta'`` (``torch.nn.Linear``
and ``torch.nn.Conv2d``: shapes only, no storage). Each library is measured in a
child process of its own, so one's imports and garbage cannot inflate the other's RSS.
Target for gpuparam: under 1 s and under 100 MB.

``--materialize-shards N`` then materializes N row blocks of one big weight with
``Parameter.init_data(index=(slice(r0, r1),))`` (each from a lazy clone of the same
parameter, so every shard is a slice of the same whole) and reports the time per
shard and the rate in GB/s; torch's column fills an equally shaped ``torch.empty``
with ``uniform_`` (the same distribution, not the same values). As in ``bench_init``,
glibc keeps freed memory for reuse, so page faults are not what is timed.

Usage::

    python benchmarks/bench_lazy.py
    python benchmarks/bench_lazy.py --elements 1e12 --materialize-shards 4
    python benchmarks/bench_lazy.py --backend cupy --materialize-shards 8 --shard-rows 4096
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [_HERE, os.path.dirname(_HERE)]  # _timing, and this checkout's gpuparam
from _timing import (cupy_clock, environment, fmt_ms, host_clock,  # noqa: E402
                     keep_freed_memory, peak_rss_bytes, print_environment, print_table,
                     rss_bytes, time_device, try_import_torch)

MB = 1e6


# --------------------------------------------------------------------------- the network

def plan(elements: float, width: int, conv_channels: int) -> dict[str, int]:
    """The block count that reaches ``elements``, and the per-block sizes.

    A block is a transformer-like stack, four ``Dense(width, width)`` (attention),
    ``Dense(width, 4 width)`` and ``Dense(4 width, width)`` (MLP), all with biases, plus a
    ``Conv2d(conv_channels, conv_channels, 3)`` without bias.
    """
    per_block = (4 * (width * width + width) + (width * 4 * width + 4 * width)
                 + (4 * width * width + width) + conv_channels * conv_channels * 9)
    blocks = max(1, math.ceil(elements / per_block))
    return {"blocks": blocks, "width": width, "conv_channels": conv_channels,
            "per_block": per_block, "elements": blocks * per_block,
            "parameters": blocks * (6 * 2 + 1)}


def build_gpuparam(p: dict[str, int]) -> Any:
    from gpuparam import nn

    width, conv = p["width"], p["conv_channels"]

    class Block(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.q = nn.Dense(width, width)
            self.k = nn.Dense(width, width)
            self.v = nn.Dense(width, width)
            self.o = nn.Dense(width, width)
            self.up = nn.Dense(width, 4 * width)
            self.down = nn.Dense(4 * width, width)
            self.conv = nn.Conv2d(conv, conv, 3)

    return nn.SequentialCell(*[Block() for _ in range(p["blocks"])])


def build_torch(p: dict[str, int]) -> Any:
    import torch

    width, conv = p["width"], p["conv_channels"]

    class Block(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            meta = {"device": "meta"}
            self.q = torch.nn.Linear(width, width, **meta)
            self.k = torch.nn.Linear(width, width, **meta)
            self.v = torch.nn.Linear(width, width, **meta)
            self.o = torch.nn.Linear(width, width, **meta)
            self.up = torch.nn.Linear(width, 4 * width, **meta)
            self.down = torch.nn.Linear(4 * width, width, **meta)
            self.conv = torch.nn.Conv2d(conv, conv, 3, bias=False, **meta)

    return torch.nn.Sequential(*[Block() for _ in range(p["blocks"])])


def count_elements(side: str, net: Any) -> tuple[int, int]:
    """(elements, parameters) of the built network, counted through the library's API."""
    if side == "torch":
        params = list(net.parameters())
        return sum(q.numel() for q in params), len(params)
    params = list(net.get_parameters())
    assert all(q.has_init for q in params), "a parameter was materialized while building"
    return sum(q.size for q in params), len(params)


# --------------------------------------------------------------------------- one side

def measure_side(side: str, p: dict[str, int], repeat: int, backend: str | None) -> dict[str, Any]:
    """Build the network ``repeat`` times in this process; return times and memory."""
    build = build_torch if side == "torch" else build_gpuparam
    pool = lambda: 0  # noqa: E731
    if side == "gpuparam":
        import gpuparam
        from gpuparam import _backend
        if backend is not None:
            gpuparam.set_context(device_target="GPU" if backend == "cupy" else "CPU")
        pool = _backend.pool_used_bytes
        pool()  # chooses the backend now (auto imports CuPy to look for a GPU): not a build cost
        build(plan(1, 8, 1))  # warm-up: imports nn and the initializers
    else:
        import torch  # noqa: F401
        build(plan(1, 8, 1))
    gc.collect()

    rss0, pool0 = rss_bytes(), pool()
    t0 = time.perf_counter()
    net = build(p)
    first_s = time.perf_counter() - t0
    rss1, peak1, pool1 = rss_bytes(), peak_rss_bytes(), pool()
    elements, n_params = count_elements(side, net)
    del net
    gc.collect()

    times = [first_s]
    for _ in range(repeat - 1):
        t0 = time.perf_counter()
        net = build(p)
        times.append(time.perf_counter() - t0)
        del net
        gc.collect()

    tracemalloc.start()
    net = build(p)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del net
    return {"side": side, "build_s": statistics.median(times), "first_build_s": first_s,
            "traced_peak": traced_peak, "rss_delta": rss1 - rss0,
            "peak_rss_delta": max(0, peak1 - rss0), "pool_delta": pool1 - pool0,
            "elements": elements, "parameters": n_params}


def run_child(side: str, args: argparse.Namespace, p: dict[str, int]) -> dict[str, Any] | str:
    """Run ``measure_side`` in a fresh interpreter; its result, or why it failed."""
    command = [sys.executable, os.path.abspath(__file__), "--child", side,
               "--elements", str(args.elements), "--width", str(args.width),
               "--conv-channels", str(args.conv_channels), "--repeat", str(args.repeat)]
    if args.backend:
        command += ["--backend", args.backend]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return f"failed: {lines[-1] if lines else done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- shards

def _collected(make: Any) -> Any:
    # A materialized Parameter refers to itself (``_inited_param``), so the previous
    # repeat's shard is freed only by the cycle collector: collect before the next one,
    # or every repeat would page-fault a new buffer.
    gc.collect()
    return make()


def materialize_shards(n: int, rows: int, p: dict[str, int], torch: Any) -> list[list[str]]:
    """Materialize ``n`` row blocks of the first block's ``up`` weight; one table row each."""
    from gpuparam import _backend, nn

    on_gpu = _backend.active_backend() == "cupy"
    xp = _backend.active_array_module()
    clock = cupy_clock(xp) if on_gpu else host_clock()
    layer = nn.Dense(p["width"], 4 * p["width"])
    whole = layer.weight  # (4 width, width), lazy
    total_rows, cols = whole.shape
    rows = min(rows, total_rows)
    bound = 1.0 / math.sqrt(cols)  # HeUniform(sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    starts = [k * (total_rows - rows) // max(1, n - 1) for k in range(n)]
    out = []
    for k, r0 in enumerate(starts):
        index = (slice(r0, r0 + rows),)
        timing = time_device(lambda shard: shard.init_data(index=index), clock, repeat=3,
                             warmup=1, setup=lambda: _collected(whole.clone))
        nbytes = rows * cols * 4
        theirs = "n/a"
        if torch is not None and not on_gpu:
            target = torch.empty((rows, cols), dtype=torch.float32)
            tt = time_device(lambda _: torch.nn.init.uniform_(target, -bound, bound),
                             host_clock(), repeat=3, warmup=1)
            theirs = fmt_ms(tt.median_ms)
            del target
        ms = timing.median_ms
        out.append([f"{whole.name} rows {r0}:{r0 + rows}", f"{rows}x{cols}",
                    f"{nbytes / 2**20:.4g}", fmt_ms(ms), f"{nbytes / 1e9 / (ms * 1e-3):.2f}",
                    f"{ms * 1e-3 / (nbytes / 1e9):.2f}", theirs])
    return out


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--elements", type=float, default=1e11,
                        help="lazy float32 elements to build (at least); default 1e11")
    parser.add_argument("--width", type=int, default=16384, help="Dense width; default 16384")
    parser.add_argument("--conv-channels", type=int, default=4096,
                        help="channels of each block's 3x3 Conv2d; default 4096")
    parser.add_argument("--repeat", type=int, default=5, help="builds per side (median); default 5")
    parser.add_argument("--backend", choices=("numpy", "cupy"), default=None)
    parser.add_argument("--materialize-shards", type=int, default=0, metavar="N",
                        help="materialize N row-block shards of one weight (default 0: none)")
    parser.add_argument("--shard-rows", type=int, default=1024,
                        help="rows per shard (of a (4 width, width) weight); default 1024")
    parser.add_argument("--child", choices=("gpuparam", "torch"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.width < 1 or args.conv_channels < 1 or args.shard_rows < 1:
        parser.error("--repeat, --width, --conv-channels and --shard-rows must be >= 1")
    p = plan(args.elements, args.width, args.conv_channels)

    if args.child:
        print(json.dumps(measure_side(args.child, p, args.repeat, args.backend)))
        return

    torch = try_import_torch()
    import gpuparam
    if args.backend:
        gpuparam.set_context(device_target="GPU" if args.backend == "cupy" else "CPU")
    print_environment(environment(torch))
    print(f"# network: {p['blocks']} blocks x (6 Dense, width {p['width']}, + Conv2d "
          f"{p['conv_channels']}x{p['conv_channels']}x3x3) = {p['elements']:.3e} float32 "
          f"elements ({p['elements'] * 4 / 1e9:.0f} GB if materialized), "
          f"{p['parameters']} parameters", flush=True)

    rows = []
    sides = ["gpuparam"] + (["torch"] if torch is not None else [])
    for side in sides:
        result = run_child(side, args, p)
        label = "gpuparam (lazy)" if side == "gpuparam" else "torch (meta)"
        if isinstance(result, str):
            rows.append([label] + [result] + ["n/a"] * 6)
            continue
        assert result["elements"] == p["elements"], (result["elements"], p["elements"])
        rows.append([label, f"{result['elements']:.3e}", str(result["parameters"]),
                     fmt_ms(result["build_s"] * 1e3), f"{result['traced_peak'] / MB:.2f}",
                     f"{result['rss_delta'] / MB:.1f}", f"{result['peak_rss_delta'] / MB:.1f}",
                     f"{result['pool_delta'] / MB:.1f}" if side == "gpuparam" else "n/a"])
    print()
    print_table(["library", "elements", "params", "build ms", "tracemalloc peak MB",
                 "RSS delta MB", "peak RSS delta MB", "device pool MB"], rows)

    if args.materialize_shards > 0:
        keep_freed_memory()  # time generation, not first-touch page faults (see _timing)
        print()
        print_table(["shard", "shape", "MiB", "gpuparam ms", "GB/s", "s/GB", "torch uniform_ ms"],
                    materialize_shards(args.materialize_shards, args.shard_rows, p, torch))


if __name__ == "__main__":
    main()
