"""Time gpuparam's convolution backends against ``torch.nn.functional.conv2d/conv3d``.

A script, not a test: it needs PyTorch (``pip install gpuparam[bench]``), which gpuparam
itself never imports. Each case runs both libraries on the same data, dtype and device.
They take turns in blocks, each block after its own warm-up, so that machine noise hits
both alike (call-by-call alternation would let torch's spinning OpenMP workers steal the
cores from BLAS's threads, and the other way round). The table shows medians over all
blocks and ``torch/gpuparam`` = torch's time over gpuparam's (above 1: gpuparam is faster).
On the GPU the times come from CUDA events.

Usage::

    python benchmarks/bench_conv.py                              # NumPy GEMM vs torch CPU
    python benchmarks/bench_conv.py --backend cupy               # cuDNN and GEMM vs torch CUDA
    python benchmarks/bench_conv.py --backend cupy --dtype float16 --repeat 60
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [_HERE, os.path.dirname(_HERE)]  # _timing, and this checkout's gpuparam
from _timing import (Clock, cupy_clock, environment, fmt_ms, fmt_ratio,  # noqa: E402
                     host_clock, print_environment, print_table, time_device,
                     torch_cuda_clock, try_import_torch)

from gpuparam import _backend  # noqa: E402
from gpuparam.ops._conv import available_conv_backends, conv_nd  # noqa: E402
from gpuparam.ops._conv_geometry import resolve_padding  # noqa: E402

# (name, input shape, weight shape, pad_mode): reference page 000's two examples and a
# ResNet stage-1 3x3 layer.
CASES = [
    ("Conv2d page 000", (1, 3, 16, 50), (64, 3, 3, 3), "same"),
    ("Conv2d ResNet 3x3", (8, 64, 56, 56), (64, 64, 3, 3), "same"),
    ("Conv3D page 000", (16, 3, 10, 32, 32), (32, 3, 4, 3, 3), "valid"),
]
_SETTLE_S = 0.3


def _blocks(fns: dict[str, tuple[Callable[[Any], Any], Clock]], repeat: int, warmup: int,
            blocks: int) -> dict[str, list[float]]:
    """Time each function in turn, ``blocks`` times, ``repeat`` calls in all."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for block in range(blocks):
        count = repeat // blocks + (block < repeat % blocks)
        if count == 0:
            continue
        for name, (fn, clock) in fns.items():
            # OpenBLAS's workers spin for ~0.1 s after a GEMM before they sleep, and torch's
            # OpenMP workers similarly: let the other library's threads go idle first.
            time.sleep(_SETTLE_S)
            timing = time_device(fn, clock, repeat=count, warmup=warmup)
            samples[name].extend(timing.samples_ms)
    return samples


def run(backend_name: str, dtype_name: str, repeat: int, warmup: int, blocks: int,
        torch: Any) -> list[list[str]]:
    import torch.nn.functional as F

    torch_device = "cuda" if backend_name == "cupy" else "cpu"
    rows = []
    with _backend.use_backend(backend_name) as xp:  # type: ignore[arg-type]
        gp_clock = cupy_clock(xp) if backend_name == "cupy" else host_clock()
        torch_clock = torch_cuda_clock(torch) if torch_device == "cuda" else host_clock()
        for name, x_shape, w_shape, pad_mode in CASES:
            ndim = len(x_shape) - 2
            ones = (1,) * ndim
            padding = resolve_padding(pad_mode, 0, x_shape[2:], w_shape[2:], ones, ones)
            rng = np.random.default_rng(0)
            x_host = rng.standard_normal(x_shape).astype(dtype_name)
            w_host = rng.standard_normal(w_shape).astype(dtype_name)
            x, w = xp.asarray(x_host), xp.asarray(w_host)
            tx = torch.from_numpy(x_host).to(torch_device)
            tw = torch.from_numpy(w_host).to(torch_device)
            flat = [p for pair in reversed(padding) for p in pair]
            conv = F.conv2d if ndim == 2 else F.conv3d

            def torch_fn(_: Any) -> Any:
                return conv(F.pad(tx, flat) if any(flat) else tx, tw)

            reference = torch_fn(None).double().cpu().numpy()
            scale = float(np.max(np.abs(reference))) or 1.0
            for conv_backend in available_conv_backends():
                def gp_fn(_: Any, conv_backend: str = conv_backend) -> Any:
                    return conv_nd(x, w, stride=ones, padding=padding, dilation=ones,
                                   groups=1, backend=conv_backend)  # type: ignore[arg-type]

                err = float(np.max(np.abs(_backend.to_host(gp_fn(None)) - reference))) / scale
                samples = _blocks({"gpuparam": (gp_fn, gp_clock), "torch": (torch_fn, torch_clock)},
                                  repeat, warmup, blocks)
                gp = statistics.median(samples["gpuparam"])
                tt = statistics.median(samples["torch"])
                rows.append([name, "x".join(map(str, x_shape)), "x".join(map(str, w_shape)),
                             conv_backend, fmt_ms(gp), fmt_ms(tt), fmt_ratio(tt, gp),
                             fmt_ms(min(samples["gpuparam"])), fmt_ms(min(samples["torch"])),
                             f"{err:.1e}"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("numpy", "cupy"), default="numpy")
    parser.add_argument("--dtype", choices=("float32", "float16", "float64"),
                        default="float32")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per library")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls per block")
    parser.add_argument("--blocks", type=int, default=3, help="turns each library takes")
    args = parser.parse_args(argv)
    torch = try_import_torch()
    if torch is None:
        print("bench_conv needs PyTorch (pip install gpuparam[bench])", file=sys.stderr)
        return 1
    if args.backend == "cupy" and not _backend.gpu_available():
        print(f"no GPU: {_backend.gpu_unavailable_reason()}", file=sys.stderr)
        return 1
    if args.backend == "cupy" and not torch.cuda.is_available():
        print("torch sees no CUDA device; no GPU comparison possible", file=sys.stderr)
        return 1
    with _backend.use_backend(args.backend):  # type: ignore[arg-type]
        info = environment(torch)
    versions = _backend.versions()
    info.update(dtype=args.dtype, cudnn_frontend=str(versions["cudnn_frontend"]),
                cudnn=str(versions["cudnn"]))
    print_environment(info)
    rows = run(args.backend, args.dtype, args.repeat, args.warmup, args.blocks, torch)
    print(f"# median (and min) of {args.repeat} calls per library, in {args.blocks} "
          f"alternating blocks after {args.warmup} warm-up calls each; "
          "torch/gpuparam > 1 means gpuparam is faster")
    print_table(["case", "x", "w", "backend", "gpuparam ms", "torch ms", "torch/gpuparam",
                 "gp min", "torch min", "max rel err"], rows, "llll" + "r" * 6)
    ratios = [float(r[6]) for r in rows if r[6] != "n/a"]
    if ratios:
        print(f"# worst torch/gpuparam {min(ratios):.2f}, geometric mean "
              f"{math.exp(statistics.fmean(math.log(v) for v in ratios)):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
