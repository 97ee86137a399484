"""Time gpuparam's initializers against ``torch.nn.init`` and a NumPy (or CuPy) floor.

A script, not a test: the torch column needs PyTorch, a benchmark-only dependency
that gpuparam itself never imports (without it the column reads ``n/a``).

For each initializer and shape (float32) it reports the median of several repeats,
after a warm-up, of:

- gpuparam: ``initializer(X, shape, float32).init_data()``; every repeat creates a
  fresh lazy tensor (untimed) and times its materialization, allocation included,
  since allocating is part of what ``init_data`` does. On the CPU glibc is told to
  keep freed memory (``_timing.keep_freed_memory``), so the allocation reuses the
  previous repeat's pages, as CuPy's memory pool does on the GPU; ``--fresh-pages``
  times the first-touch page faults too;
- torch: the matching ``torch.nn.init.*_`` filling a ``torch.empty`` allocated once
  before the repeats (on the GPU run: a CUDA tensor);
- floor: the cheapest way to fill a preallocated array with the same kind of values
  (NumPy's ``default_rng()`` (PCG64) ``random``/``standard_normal`` into ``out=``, or
  ``fill`` for constants; on the GPU run CuPy's ``default_rng`` instead). Neither
  deterministic per element nor sliceable: a lower bound, not a competitor.

``torch/gpuparam`` above 1 means gpuparam is faster. On the GPU the times come from
CUDA events, and a large device-to-device copy measures the card's bandwidth
(bytes read plus written); each initializer's written bytes per second are shown as a
percentage of it.

Usage::

    python benchmarks/bench_init.py                          # NumPy backend (CPU)
    python benchmarks/bench_init.py --backend cupy           # GPU
    python benchmarks/bench_init.py --only Normal,HeUniform --shapes 1024x1024 --repeat 9
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [_HERE, os.path.dirname(_HERE)]  # _timing, and this checkout's gpuparam
from _timing import (Clock, Job, cupy_clock, environment, fmt_ms, fmt_ratio,  # noqa: E402
                     host_clock, keep_freed_memory, print_environment, print_table,
                     time_device, time_interleaved, torch_cuda_clock, try_import_torch)

import gpuparam  # noqa: E402
from gpuparam import _backend  # noqa: E402
from gpuparam.common import initializer as gi  # noqa: E402

TRUNCATED_STD = 0.87962566103423978  # std of N(0, 1) truncated to [-2, 2]
DEFAULT_SHAPES = "4096x4096,16384x4096"


@dataclass(frozen=True)
class Case:
    """One initializer: how gpuparam builds it, how torch and the floor fill a tensor.

    ``torch_fill(torch, t)`` fills ``t`` in place; ``floor`` names the floor's method
    (``random``, ``normal``, ``zero``, ``one``, ``const``, ``eye``, ``normal+qr``).
    ``max_elements`` caps the shape for slow schemes (the table marks the substitute).
    """

    name: str
    make: Callable[[], Any]
    torch_fill: Callable[[Any, Any], Any]
    floor: str
    max_elements: int | None = None


def _fans(t: Any) -> tuple[int, int]:
    receptive = math.prod(t.shape[2:])
    return t.shape[1] * receptive, t.shape[0] * receptive


def _torch_trunc_vs(torch: Any, t: Any, scale: float, mode: str) -> Any:
    # VarianceScaling(scale, mode, 'truncated_normal') in torch terms: N(0, s^2) on [-2s, 2s].
    fan_in, fan_out = _fans(t)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    s = math.sqrt(scale / max(1.0, n)) / TRUNCATED_STD
    return torch.nn.init.trunc_normal_(t, 0.0, s, -2 * s, 2 * s)


def _torch_uniform_vs(torch: Any, t: Any, scale: float, mode: str) -> Any:
    fan_in, fan_out = _fans(t)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    limit = math.sqrt(3 * scale / max(1.0, n))
    return torch.nn.init.uniform_(t, -limit, limit)


def _torch_normal_vs(torch: Any, t: Any, scale: float, mode: str) -> Any:
    fan_in, fan_out = _fans(t)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return torch.nn.init.normal_(t, 0.0, math.sqrt(scale / max(1.0, n)))


def cases(orthogonal_max: int) -> list[Case]:
    """Every benchmarked initializer with its torch twin (same distribution and scale)."""
    init = lambda torch: torch.nn.init  # noqa: E731
    return [
        Case("Zero", gi.Zero, lambda T, t: init(T).zeros_(t), "zero"),
        Case("One", gi.One, lambda T, t: init(T).ones_(t), "one"),
        Case("Constant(0.5)", lambda: gi.Constant(0.5),
             lambda T, t: init(T).constant_(t, 0.5), "const"),
        Case("Identity", gi.Identity, lambda T, t: init(T).eye_(t), "eye"),
        Case("Uniform", gi.Uniform, lambda T, t: init(T).uniform_(t, -0.07, 0.07), "random"),
        Case("Normal", gi.Normal, lambda T, t: init(T).normal_(t, 0.0, 0.01), "normal"),
        Case("TruncatedNormal", gi.TruncatedNormal,
             lambda T, t: init(T).trunc_normal_(t, 0.0, 0.01, -2.0, 2.0), "normal"),
        Case("TruncatedNormal(1,a=-2,b=2)", lambda: gi.TruncatedNormal(1.0),
             lambda T, t: init(T).trunc_normal_(t, 0.0, 1.0, -2.0, 2.0), "normal"),
        Case("XavierUniform", gi.XavierUniform, lambda T, t: init(T).xavier_uniform_(t), "random"),
        Case("XavierNormal", gi.XavierNormal, lambda T, t: init(T).xavier_normal_(t), "normal"),
        Case("HeUniform", gi.HeUniform, lambda T, t: init(T).kaiming_uniform_(t), "random"),
        Case("HeNormal", gi.HeNormal, lambda T, t: init(T).kaiming_normal_(t), "normal"),
        Case("VarianceScaling(trunc,fan_in)", lambda: gi.VarianceScaling(1.0, "fan_in"),
             lambda T, t: _torch_trunc_vs(T, t, 1.0, "fan_in"), "normal"),
        Case("VarianceScaling(normal,fan_out)",
             lambda: gi.VarianceScaling(2.0, "fan_out", "untruncated_normal"),
             lambda T, t: _torch_normal_vs(T, t, 2.0, "fan_out"), "normal"),
        Case("VarianceScaling(uniform,fan_avg)",
             lambda: gi.VarianceScaling(1.0, "fan_avg", "uniform"),
             lambda T, t: _torch_uniform_vs(T, t, 1.0, "fan_avg"), "random"),
        Case("LecunNormal", gi.LecunNormal,
             lambda T, t: _torch_trunc_vs(T, t, 1.0, "fan_in"), "normal"),
        Case("LecunUniform", gi.LecunUniform,
             lambda T, t: _torch_uniform_vs(T, t, 1.0, "fan_in"), "random"),
        Case("Sparse(0.1)", lambda: gi.Sparse(0.1, 0.01),
             lambda T, t: init(T).sparse_(t, 0.1, 0.01), "normal"),
        Case("Orthogonal", gi.Orthogonal, lambda T, t: init(T).orthogonal_(t), "normal+qr",
             max_elements=orthogonal_max),
    ]


# --------------------------------------------------------------------------- the floor

def floor_fill(kind: str, xp: Any, out: Any, rng: Any) -> Callable[[Any], Any]:
    """Return ``fn(_)`` filling the preallocated ``out`` the cheapest way for ``kind``."""
    if kind == "zero":
        return lambda _: out.fill(0)
    if kind == "one":
        return lambda _: out.fill(1)
    if kind == "const":
        return lambda _: out.fill(0.5)
    if kind == "eye":
        def eye(_: Any) -> None:
            out.fill(0)
            xp.fill_diagonal(out, 1)
        return eye
    if kind == "random":
        return lambda _: rng.random(out=out, dtype=np.float32)
    if kind == "normal":
        return lambda _: rng.standard_normal(out=out, dtype=np.float32)
    if kind == "normal+qr":
        rows, cols = out.shape
        tall = (rows, cols) if rows >= cols else (cols, rows)
        return lambda _: xp.linalg.qr(rng.standard_normal(tall, dtype=np.float64))
    raise ValueError(f"floor_fill: unknown kind {kind!r}")


# --------------------------------------------------------------------------- GPU bandwidth

def copy_bandwidth(xp: Any, clock: Clock, nbytes: int = 1 << 30) -> float:
    """Bytes per second of a device-to-device copy of ``nbytes``, reads plus writes."""
    src = xp.ones(nbytes // 4, dtype=np.float32)
    dst = xp.empty_like(src)
    timing = time_device(lambda _: dst.data.copy_from_device_async(src.data, src.nbytes), clock,
                         repeat=10, warmup=2)
    return 2 * src.nbytes / (timing.median_ms * 1e-3)


# --------------------------------------------------------------------------- running

def parse_shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(d) for d in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"bench_init: bad shape {text!r}; write it like 4096x4096") from None
    if len(shape) != 2 or min(shape) < 1:
        raise SystemExit(f"bench_init: shape {text!r} must be 2-D with positive sizes")
    return shape


def reduced(shape: tuple[int, ...], max_elements: int | None) -> tuple[int, ...]:
    """Halve every dimension (keeping the aspect) until the shape holds at most ``max_elements``."""
    dims = list(shape)
    while max_elements is not None and math.prod(dims) > max_elements and max(dims) > 1:
        dims = [max(1, d // 2) for d in dims]
    return tuple(dims)


def run(args: argparse.Namespace) -> None:
    gpuparam.set_context(device_target="GPU" if args.backend == "cupy" else "CPU")
    xp = _backend.active_array_module()
    on_gpu = args.backend == "cupy"
    torch = None if args.no_torch else try_import_torch()
    torch_device = None
    if torch is not None:
        if on_gpu and not torch.cuda.is_available():
            print("# torch has no CUDA here: its column is n/a", flush=True)
            torch = None
        else:
            torch_device = "cuda" if on_gpu else "cpu"

    info = environment(torch)
    if not on_gpu:
        info["allocator"] = ("fresh pages (page faults timed)" if args.fresh_pages
                             else "freed memory kept" if keep_freed_memory() else "default")
    print_environment(info)
    clock = cupy_clock(xp) if on_gpu else host_clock()
    tclock = torch_cuda_clock(torch) if (torch is not None and on_gpu) else host_clock()
    rng = xp.random.default_rng(0)  # the floor only; gpuparam never uses it
    bandwidth = copy_bandwidth(xp, clock) if on_gpu else None
    if bandwidth is not None:
        print(f"# device-to-device copy: {bandwidth / 1e9:.0f} GB/s (read + write)", flush=True)

    wanted = {n.strip().lower() for n in args.only.split(",")} if args.only else None
    selected = [c for c in cases(args.orthogonal_max)
                if wanted is None or c.name.lower() in wanted
                or c.name.split("(")[0].lower() in wanted]
    if not selected:
        raise SystemExit(f"bench_init: --only {args.only!r} matches no initializer")

    floor_name = "cupy ms" if on_gpu else "numpy ms"
    headers = ["initializer", "shape", "gpuparam ms", "torch ms", floor_name, "torch/gpuparam",
               "repeats"]
    if on_gpu:
        headers += ["GB/s written", "% of copy"]
    rows = []
    for text in args.shapes.split(","):
        asked = parse_shape(text)
        for case in selected:
            shape = reduced(asked, case.max_elements)
            label = "x".join(map(str, shape)) + ("" if shape == asked else " (reduced)")
            maker, fill = case.make, case.torch_fill
            jobs = [Job(lambda t: t.init_data(), clock,
                        lambda: gi.initializer(maker(), shape, gpuparam.float32))]
            target = None
            if torch is not None:
                target = torch.empty(shape, dtype=torch.float32, device=torch_device)
                jobs.append(Job(lambda _: fill(torch, target), tclock))
            out = xp.empty(shape, dtype=np.float32)
            jobs.append(Job(floor_fill(case.floor, xp, out, rng), clock))
            timings = time_interleaved(jobs, repeat=args.repeat, warmup=args.warmup,
                                       budget_s=args.budget, settle_s=args.settle)
            ours, floor = timings[0], timings[-1]
            theirs = timings[1] if target is not None else None
            del target, out

            notes = "; ".join(n for n in (ours.note,) if n)
            row = [case.name, label, fmt_ms(ours.median_ms),
                   fmt_ms(theirs.median_ms if theirs else None), fmt_ms(floor.median_ms),
                   fmt_ratio(theirs.median_ms if theirs else None, ours.median_ms),
                   str(len(ours.samples_ms))]
            if on_gpu:
                written = math.prod(shape) * 4 / (ours.median_ms * 1e-3)
                row += [f"{written / 1e9:.0f}", f"{100 * written / bandwidth:.0f}%"]
            rows.append(row)
            print(f"#   {case.name} {label}: gpuparam {fmt_ms(ours.median_ms)} ms "
                  f"(spread {ours.spread:.0%}{', ' + notes if notes else ''})", flush=True)
    print()
    print_table(headers, rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", default=DEFAULT_SHAPES,
                        help=f"comma-separated 2-D shapes (default {DEFAULT_SHAPES})")
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats (median); default 5")
    parser.add_argument("--warmup", type=int, default=1, help="untimed calls first; default 1")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds per timed cell before repeats are cut to 3; default 20")
    parser.add_argument("--only", default=None,
                        help="comma-separated initializer names (e.g. Normal,HeUniform)")
    parser.add_argument("--backend", choices=("numpy", "cupy"), default=None,
                        help="default: the active backend (cupy where a GPU is usable)")
    parser.add_argument("--orthogonal-max", type=int, default=4096 * 4096,
                        help="largest element count Orthogonal is timed at; bigger shapes "
                             "are halved and marked (reduced). Default 4096*4096")
    parser.add_argument("--settle", type=float, default=None,
                        help="seconds to pause before each timed call, so the previous "
                             "library's spinning CPU thread pools go idle; default 0.3 on "
                             "the CPU, 0 on the GPU")
    parser.add_argument("--fresh-pages", action="store_true",
                        help="CPU: let glibc unmap freed memory, so each gpuparam repeat "
                             "page-faults its new buffer (default: freed memory is reused)")
    parser.add_argument("--no-torch", action="store_true", help="skip the torch column")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be >= 1 and --warmup >= 0")
    if args.backend is None:
        args.backend = _backend.active_backend()
    if args.settle is None:
        args.settle = 0.0 if args.backend == "cupy" else 0.3
    run(args)


if __name__ == "__main__":
    main()
