"""Time ``nn.Conv2dTranspose`` (a stride-spread input through ``conv_nd``) against torch.

A script, not a test: it needs PyTorch, which gpuparam never imports. Both libraries
run the same data in float32 on the CPU, taking turns in blocks after a warm-up; the
table shows medians and ``torch/gpuparam`` (above 1: gpuparam is faster). The zeros
a stride ``s`` spreads into the input make gpuparam's GEMM do ``s**2`` times the useful
work, which is what the stride-2 rows measure.

Usage::

    python benchmarks/bench_conv_transpose.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gpuparam import Tensor, _backend, nn  # noqa: E402

# (name, input shape, out channels, kernel, stride, padding)
CASES = [
    ("stride 1, 3x3", (8, 64, 32, 32), 64, 3, 1, 1),
    ("DCGAN 4x4 stride 2", (8, 128, 16, 16), 64, 4, 2, 1),
    ("U-Net 2x2 stride 2", (8, 128, 32, 32), 64, 2, 2, 0),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    print(f"numpy {np.__version__}, torch {torch.__version__}, {os.cpu_count()} CPUs")
    print(f"{'case':24s} {'gpuparam ms':>12s} {'torch ms':>10s} {'torch/gpuparam':>15s} {'max |diff|':>11s}")
    with _backend.use_backend("numpy"):
        for name, shape, c_out, k, s, p in CASES:
            net = nn.Conv2dTranspose(shape[1], c_out, k, stride=s, pad_mode="pad", padding=p)
            x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
            tx, tw = torch.from_numpy(x), torch.from_numpy(net.weight.asnumpy())
            ours = lambda: net(Tensor(x))  # noqa: E731
            theirs = lambda: torch.nn.functional.conv_transpose2d(tx, tw, stride=s, padding=p)  # noqa: E731
            diff = float(np.abs(ours().asnumpy() - theirs().numpy()).max())
            times: dict[str, list[float]] = {"ours": [], "torch": []}
            for _ in range(args.repeat):
                for label, fn in (("ours", ours), ("torch", theirs)):
                    start = time.perf_counter()
                    fn()
                    times[label].append(time.perf_counter() - start)
            a, b = (statistics.median(times[k_]) * 1e3 for k_ in ("ours", "torch"))
            print(f"{name:24s} {a:12.2f} {b:10.2f} {b / a:15.2f} {diff:11.2e}")


if __name__ == "__main__":
    main()
