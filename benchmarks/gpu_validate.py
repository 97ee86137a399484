"""The steps of ``benchmarks/gpu_validate.sh``, one subcommand each (a script, not a test).

    python benchmarks/gpu_validate.py STEP [--dry-run]

STEP is ``env``, ``golden``, ``cudnn``, ``bench``, ``conv``, ``hazard`` or
``junit FILE`` (counts a pytest JUnit report). Each step prints its tables and ends
with ``RESULT <step> <PASS|FAIL|EXPECTED-FAIL|INFO> <detail>`` lines, which the shell
script gathers into ``summary.txt``.

``--dry-run`` runs every step's logic on the CPU: the NumPy backend stands in for the
GPU (so "GPU == CPU" compares NumPy with NumPy), sizes shrink, and timings are fake
(1 ms), so CI keeps this script from rotting between GPU runs.

Values are compared GPU against NumPy for the same seed, never against fixed goldens,
and only public API is used (``gpuparam.common.initializer``, ``ops.conv_nd``), so the
script keeps working whatever the generator's layout.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import subprocess
import sys
import time
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import gpuparam  # noqa: E402
from gpuparam import _backend, _backend_streams, ops  # noqa: E402
from gpuparam.common import initializer as init  # noqa: E402

DRY = False
SPIN = r"""
extern "C" __global__ void gpuparam_validate_spin(long long cycles) {
    long long start = clock64();
    while (clock64() - start < cycles) { }
}
"""


def result(step: str, status: str, detail: str) -> bool:
    print(f"RESULT {step} {status} {detail}", flush=True)
    return status != "FAIL"


def table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    sys.stdout.flush()


def device(target: str) -> None:
    """Switch gpuparam between the "GPU" under test and the NumPy reference."""
    gpuparam.set_context(device_target="CPU" if DRY or target == "CPU" else "GPU")


def xp() -> Any:
    device("GPU")
    return _backend.active_array_module()


def sync() -> None:
    if not DRY:
        xp().cuda.get_current_stream().synchronize()


def time_ms(fn: Callable[[], Any], repeat: int = 3, warmup: int = 1) -> float:
    """Median device time of ``fn`` (CUDA events); 1.0 in a dry run."""
    for _ in range(warmup):
        fn()
    if DRY:
        fn()
        return 1.0
    cupy = xp()
    samples = []
    for _ in range(repeat):
        start, stop = cupy.cuda.Event(), cupy.cuda.Event()
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        samples.append(cupy.cuda.get_elapsed_time(start, stop))
    return sorted(samples)[len(samples) // 2]


def torch_or_none() -> Any:
    if DRY:
        return None
    try:
        import torch
    except Exception:
        return None
    return torch if torch.cuda.is_available() else None


# --------------------------------------------------------------------------- env

def step_env() -> bool:
    ok = True
    print("python", sys.version.split()[0], "numpy", np.__version__)
    for name in ("cupy", "cudnn", "fastrlock", "torch"):
        try:
            with warnings.catch_warnings():  # reported below, via gpuparam's import
                warnings.simplefilter("ignore")
                module = __import__(name)
            where = os.path.dirname(getattr(module, "__file__", "") or "")
            print(f"import {name}: ok {getattr(module, '__version__', '?')} ({where})")
        except Exception as exc:
            print(f"import {name}: FAILED {type(exc).__name__}: {exc}")
    print("versions:", _backend.versions())
    print("per-tensor lock:", type(gpuparam.Tensor(np.zeros(1))._lock).__module__)
    reason = _backend.gpu_unavailable_reason()
    print("gpu_unavailable_reason:", reason)
    print("cupy import warnings:", _backend.import_warnings())
    from gpuparam.ops._conv_cudnn import cudnn_unavailable_reason
    if reason is None:
        device("GPU")
    print("cudnn_unavailable_reason:", cudnn_unavailable_reason())
    out = subprocess.run([sys.executable, "-m", "gpuparam"], capture_output=True, text=True,
                         check=False)
    print(out.stdout + out.stderr)
    ok &= result("env", "PASS" if out.returncode == 0 else "FAIL", "python -m gpuparam")
    if DRY:
        return result("env", "INFO", f"dry run; GPU: {reason}") and ok
    ok &= result("env", "PASS" if reason is None else "FAIL", f"GPU: {reason or 'usable'}")
    # Compile every generator kernel through public initializers, then read what CuPy
    # reports for each (registers, local memory = spills), whatever the kernels are called.
    started = time.perf_counter()
    for dtype in (gpuparam.float16, gpuparam.float32, gpuparam.float64):
        for scheme in (init.Uniform(), init.Normal(), init.TruncatedNormal()):
            init.initializer(scheme, (1031,), dtype).init_data()
    sync()
    print(f"first generation (NVRTC compile + load, or the disk cache): "
          f"{time.perf_counter() - started:.2f} s")
    cupy = xp()
    rows, spills = [], 0
    for kernel in (k for k in gc.get_objects() if isinstance(k, cupy.RawKernel)):
        try:
            rows.append([kernel.name, kernel.num_regs, kernel.local_size_bytes,
                         kernel.max_threads_per_block])
            spills += kernel.local_size_bytes
        except Exception as exc:  # not compiled for this device
            rows.append([kernel.name, "-", "-", f"{type(exc).__name__}"])
    table(["kernel", "registers", "local bytes", "max threads/block"], rows)
    if not rows:  # the generator builds its kernels some other way (a RawModule, ...)
        return result("env", "INFO", "no cupy.RawKernel objects to inspect") and ok
    return result("env", "PASS" if spills == 0 else "FAIL",
                  f"{len(rows)} kernels, {spills} bytes of local memory") and ok


# --------------------------------------------------------------------------- golden

def ulps(a: np.ndarray, b: np.ndarray) -> int:
    """Largest distance in units in the last place between same-dtype arrays."""
    if a.size == 0:
        return 0
    width = 8 * a.dtype.itemsize
    unsigned = {16: np.uint16, 32: np.uint32, 64: np.uint64}[width]

    def ordered(v: np.ndarray) -> np.ndarray:
        # Sign-magnitude bit patterns onto a monotonic integer line (-0 and +0 meet at 0).
        u = np.ascontiguousarray(v).view(unsigned).astype(np.uint64)
        magnitude = (u & np.uint64((1 << (width - 1)) - 1)).astype(np.int64)
        return np.where(u >> np.uint64(width - 1), -magnitude, magnitude)

    return int(np.max(np.abs(ordered(a) - ordered(b))))


def materialize(target: str, scheme: Any, shape: tuple[int, ...], dtype: Any, seed: int,
                index: Any = None, pieces: list[slice] | None = None) -> list[np.ndarray]:
    """Values of a fresh tensor (seeded), on ``target``: whole, ``index``, or 1-D pieces."""
    device(target)
    gpuparam.set_seed(seed)
    tensor = init.initializer(scheme, shape, dtype)
    if pieces is None:
        return [tensor.init_data(index=index).asnumpy()]
    if target == "CPU":  # each piece alone: contract 3 says it equals that slice of the whole
        out = []
        for piece in pieces:
            gpuparam.set_seed(seed)
            out.append(init.initializer(scheme, shape, dtype).init_data(index=piece).asnumpy())
        return out
    tensor.init_data()
    return [tensor[piece].asnumpy() for piece in pieces]


def compare(label: str, scheme: Any, shape: tuple[int, ...], dtype: Any, seed: int,
            bound: int, rows: list[list[Any]], **kwargs: Any) -> bool:
    got = materialize("GPU", scheme, shape, dtype, seed, **kwargs)
    want = materialize("CPU", scheme, shape, dtype, seed, **kwargs)
    worst = max(ulps(g, w) for g, w in zip(got, want))
    same = sum(int(np.sum(g.view(np.uint8) == w.view(np.uint8))) for g, w in zip(got, want))
    total = sum(g.nbytes for g in got)
    rows.append([label, type(scheme).__name__, dtype, worst, f"{same / max(total, 1):.6f}"])
    return worst <= bound


def step_golden() -> bool:
    big = 2**12 + 4099 if DRY else 2**26 + 4099  # past 2^26: the grid-stride loop iterates
    huge = 2**16 + 1031 if DRY else 2**31 + 1031  # past 2^31: 64-bit indexing
    ok, rows = True, []
    for dtype in (gpuparam.float16, gpuparam.float32, gpuparam.float64):
        for scheme, bound in ((init.Uniform(0.5), 0), (init.Normal(0.02, 0.1), None),
                              (init.TruncatedNormal(0.02, 0.0, -0.03, 0.05), None)):
            if bound is None:  # 16/32-bit draws are float32 PTX, bit-identical to NumPy's
                bound = 4 if dtype == gpuparam.float64 else 0
            ok &= compare("257x1031", scheme, (257, 1031), dtype, 1, bound, rows)
            ok &= compare("strided slice", scheme, (257, 1031), dtype, 2, bound, rows,
                          index=(slice(3, 250, 7), slice(5, 1031, 3)))
            ok &= compare("8-dim", scheme, (2, 3, 1, 5, 2, 7, 3, 4), dtype, 3, bound, rows,
                          index=(slice(1, 2), slice(0, 3, 2)))
            ok &= compare(f"{big} ends", scheme, (big,), dtype, 4, bound, rows,
                          pieces=[slice(0, 4099), slice(big // 2 - 1001, big // 2 + 3),
                                  slice(big - 4099, big)])
    for scheme in (init.Uniform(0.5), init.Normal(0.02)):
        ok &= compare(f"{huge} float16", scheme, (huge,), gpuparam.float16, 5, 0, rows,
                      pieces=[slice(0, 1031), slice(huge - 1031 - 517, huge - 1031 + 517),
                              slice(huge - 1031, huge)])
        gc.collect()
    table(["layout", "initializer", "dtype", "max ulp", "bit-identical bytes"], rows)
    result("golden", "PASS" if ok else "FAIL",
           f"{len(rows)} comparisons; 0 ulp, except float64 normal/truncnorm <= 4")
    sub_rows: list[list[Any]] = []
    # float32 results below 1.18e-38: CuPy compiles with -ftz=true, but the generator's
    # float32 arithmetic is inline PTX without .ftz (gpu-review #6), so none may flush.
    subnormal = all([compare("subnormal", init.Uniform(1e-38), (65536,), gpuparam.float32,
                             6, 0, sub_rows),
                     compare("subnormal", init.Normal(1e-39), (65536,), gpuparam.float32,
                             7, 0, sub_rows)])
    table(["layout", "initializer", "dtype", "max ulp", "bit-identical bytes"], sub_rows)
    result("golden", "PASS" if subnormal else "FAIL",
           "float32 subnormal range (no flush to zero, gpu-review #6)")
    return ok and subnormal


# --------------------------------------------------------------------------- cuDNN

CONV_CASES = [  # name, x shape, w shape, stride, padding, dilation, groups
    ("grouped strided 2-D", (4, 8, 33, 31), (12, 2, 3, 3), (2, 2), ((1, 1), (1, 1)), (1, 1), 4),
    ("8x64x56x56", (8, 64, 56, 56), (64, 64, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),
    ("grouped dilated 3-D", (2, 6, 9, 10, 11), (6, 3, 3, 3, 3), (1, 1, 1),
     ((2, 2), (2, 2), (2, 2)), (2, 2, 2), 2),
]
CONV_TOLERANCE = {"float16": 1e-3, "float32": 2e-6, "float64": 1e-12}


def reference(x: np.ndarray, w: np.ndarray, **args: Any) -> tuple[np.ndarray, np.ndarray]:
    """float64 result and magnitude bound (|x| conv |w|), on the CPU."""
    device("CPU")
    x64, w64 = x.astype(np.float64), w.astype(np.float64)
    ref = ops.conv_nd(x64, w64, backend="gemm", **args)
    bound = ops.conv_nd(np.abs(x64), np.abs(w64), backend="gemm", **args)
    return ref, bound


def step_cudnn() -> bool:
    from gpuparam.ops import _conv, _conv_cudnn
    cudnn = _conv_cudnn._import_cudnn()[0]
    print("frontend:", getattr(cudnn, "__version__", None), "|",
          _conv_cudnn.cudnn_unavailable_reason(None if DRY else xp().zeros(1)))
    ok, rows, rng = True, [], np.random.default_rng(0)
    for name, xs, ws, stride, padding, dilation, groups in CONV_CASES:
        if DRY:
            xs = xs[:2] + tuple(min(n, 9) for n in xs[2:])
        args = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
        x64, w64 = rng.standard_normal(xs), rng.standard_normal(ws)
        ref, bound = reference(x64, w64, **args)
        for dtype in ("float16", "float32", "float64"):
            x, w = x64.astype(dtype), w64.astype(dtype)
            module = xp()
            started = time.perf_counter()
            y = ops.conv_nd(module.asarray(x), module.asarray(w), **args)
            sync()
            first_ms = (time.perf_counter() - started) * 1e3
            ran = _conv.last_conv_dispatch()
            got = _backend.to_host(y).astype(np.float64)
            excess = float(np.max(np.abs(got - ref) / (bound + 1e-300)))
            right = excess <= CONV_TOLERANCE[dtype]
            wanted_cudnn = dtype != "float64" and not DRY
            ok &= right and (ran.backend == "cudnn" or not wanted_cudnn)
            rows.append([name, dtype, ran.backend, f"{first_ms:.1f}", f"{excess:.2e}",
                         (ran.reason or "")[:90]])
    table(["case", "dtype", "ran on", "first call ms", "error / bound", "why not cuDNN"], rows)
    print("graph cache:", _conv_cudnn.graph_cache_info())
    return result("cudnn", "PASS" if ok else "FAIL",
                  f"frontend {getattr(cudnn, '__version__', 'absent')}: cuDNN ran float16/32 "
                  "within 1e-3/2e-6 of the magnitude sum; float64 right wherever it ran")


# --------------------------------------------------------------------------- bench

def bandwidth() -> tuple[float, float]:
    """Measured (fill TB/s written, copy TB/s read + written) of the device."""
    module = xp()
    n = (1 << 18) if DRY else (1 << 29)  # 2 GiB of float32
    a, b = module.empty(n, module.float32), module.empty(n, module.float32)
    fill = time_ms(lambda: a.fill(1.0))
    copy = time_ms(lambda: module.copyto(b, a))
    return a.nbytes / fill / 1e9, 2 * a.nbytes / copy / 1e9


BENCH = [  # initializer, element count, torch's function (a callable on an empty tensor)
    (lambda: init.Zero(), "zero", lambda t, nn: nn.zeros_(t)),
    (lambda: init.One(), "one", lambda t, nn: nn.ones_(t)),
    (lambda: init.Constant(0.5), "constant", lambda t, nn: nn.constant_(t, 0.5)),
    (lambda: init.Uniform(0.07), "uniform", lambda t, nn: nn.uniform_(t, -0.07, 0.07)),
    (lambda: init.Normal(0.01), "normal", lambda t, nn: nn.normal_(t, 0, 0.01)),
    (lambda: init.TruncatedNormal(0.01), "truncnorm",
     lambda t, nn: nn.trunc_normal_(t, 0, 0.01, -0.02, 0.02)),
    (lambda: init.XavierUniform(), "xavier_uniform", lambda t, nn: nn.xavier_uniform_(t)),
    (lambda: init.XavierNormal(), "xavier_normal", lambda t, nn: nn.xavier_normal_(t)),
    (lambda: init.HeUniform(), "he_uniform", lambda t, nn: nn.kaiming_uniform_(t)),
    (lambda: init.HeNormal(), "he_normal", lambda t, nn: nn.kaiming_normal_(t)),
    (lambda: init.LecunUniform(), "lecun_uniform", None),
    (lambda: init.LecunNormal(), "lecun_normal", None),
    (lambda: init.Identity(), "identity (small)", lambda t, nn: nn.eye_(t)),
    (lambda: init.Orthogonal(), "orthogonal (small)", lambda t, nn: nn.orthogonal_(t)),
    (lambda: init.Sparse(0.9), "sparse (small)", lambda t, nn: nn.sparse_(t, 0.9)),
]


def step_bench() -> bool:
    fill, copy = bandwidth()
    print(f"measured: fill {fill:.2f} TB/s (written), copy {copy:.2f} TB/s (read + written)")
    torch, rows = torch_or_none(), []
    for make, label, torch_fn in BENCH:
        small = "small" in label
        dtypes = ((gpuparam.float16, gpuparam.float32, gpuparam.float64)
                  if label in ("uniform", "normal", "truncnorm") else (gpuparam.float32,))
        for dtype in dtypes:
            cols = 64 if DRY else 4096
            rows_n = cols if small else ((1 << 10) if DRY else (1 << 29) // dtype.itemsize // cols)
            shape = (rows_n, cols)
            ms = time_ms(lambda: init.initializer(make(), shape, dtype).init_data(), repeat=3)
            nbytes = rows_n * cols * dtype.itemsize
            tbs = nbytes / ms / 1e9
            torch_ms = None
            if torch is not None and torch_fn is not None:
                t = torch.empty(shape, dtype=getattr(torch, dtype.name), device="cuda")
                torch_ms = time_ms(lambda: torch_fn(t, torch.nn.init))
                del t
            ratio = "n/a" if torch_ms is None else f"{torch_ms / ms:.2f}"
            rows.append([label, dtype, f"{shape[0]}x{shape[1]}", f"{ms:.3f}", f"{tbs:.3f}",
                         f"{100 * tbs / fill:.0f}%", f"{100 * tbs / copy:.0f}%",
                         "n/a" if torch_ms is None else f"{torch_ms:.3f}", ratio])
            gc.collect()
    table(["initializer", "dtype", "shape", "ms", "TB/s", "% fill", "% copy", "torch ms",
           "torch/gpuparam"], rows)
    return result("bench", "INFO", f"fill {fill:.2f} TB/s, copy {copy:.2f} TB/s; "
                  f"{len(rows)} rows" + (" (fake timings)" if DRY else ""))


CONV_BENCH = [  # name, x, w, stride, padding
    ("page000 1x3x16x50 k3", (1, 3, 16, 50), (64, 3, 3, 3), (1, 1), ((1, 1), (1, 1))),
    ("resnet 8x64x56x56 k3", (8, 64, 56, 56), (64, 64, 3, 3), (1, 1), ((1, 1), (1, 1))),
    ("32x256x14x14 k3", (32, 256, 14, 14), (256, 256, 3, 3), (1, 1), ((1, 1), (1, 1))),
    ("stem 16x3x224x224 k7 s2", (16, 3, 224, 224), (64, 3, 7, 7), (2, 2), ((3, 3), (3, 3))),
    ("3-D 2x32x16x32x32 k3", (2, 32, 16, 32, 32), (32, 32, 3, 3, 3), (1, 1, 1),
     ((1, 1),) * 3),
]


def step_conv() -> bool:
    from gpuparam.ops import _conv
    torch, rows = torch_or_none(), []
    for name, xs, ws, stride, padding in CONV_BENCH:
        if DRY:
            xs = xs[:2] + tuple(min(n, 9) for n in xs[2:])
        nd = len(stride)
        args = dict(stride=stride, padding=padding, dilation=(1,) * nd, groups=1)
        out = [xs[0], ws[0]] + [(n + b + a - k) // s + 1 for n, k, s, (b, a)
                                in zip(xs[2:], ws[2:], stride, padding)]
        flops = 2 * math.prod(out) * math.prod(ws[1:])
        for dtype in ("float32", "float16"):
            module = xp()
            x = module.asarray(np.random.default_rng(1).standard_normal(xs).astype(dtype))
            w = module.asarray(np.random.default_rng(2).standard_normal(ws).astype(dtype))
            times, ran = {}, {}
            for label, backend, tf32 in (("cudnn", "auto", False), ("cudnn tf32", "auto", True),
                                         ("gemm", "gemm", False)):
                gpuparam.set_context(gpu_config={"conv_allow_tf32": tf32})
                times[label] = time_ms(lambda: ops.conv_nd(x, w, backend=backend, **args))
                ran[label] = _conv.last_conv_dispatch().backend
            gpuparam.set_context(gpu_config={"conv_allow_tf32": False})
            y = _backend.to_host(ops.conv_nd(x, w, **args)).astype(np.float64)
            torch_ms, diff = {}, "n/a"
            if torch is not None:
                tx, tw = torch.as_tensor(x, device="cuda"), torch.as_tensor(w, device="cuda")
                conv = torch.nn.functional.conv2d if nd == 2 else torch.nn.functional.conv3d
                pads = tuple(b for b, _ in padding)
                for tf32 in (False, True):
                    torch.backends.cudnn.allow_tf32 = tf32
                    torch_ms[tf32] = time_ms(lambda: conv(tx, tw, stride=stride, padding=pads))
                torch.backends.cudnn.allow_tf32 = False
                ty = conv(tx, tw, stride=stride, padding=pads).double().cpu().numpy()
                diff = f"{np.max(np.abs(y - ty)) / (np.max(np.abs(ty)) + 1e-300):.1e}"
            tflops = {k: flops / v / 1e9 for k, v in times.items()}
            rows.append([name, dtype] + [f"{times[k]:.3f} ({tflops[k]:.1f}) {ran[k]}" for k in times]
                        + [f"{torch_ms[t]:.3f}" if t in torch_ms else "n/a" for t in (False, True)]
                        + [diff])
    table(["shape", "dtype", "cudnn ms (TFLOP/s)", "cudnn tf32", "gemm", "torch ms tf32 off",
           "torch tf32 on", "rel diff vs torch (off)"], rows)
    return result("conv", "INFO", f"{len(rows)} rows" + (" (fake timings)" if DRY else ""))


# --------------------------------------------------------------------------- hazard

def step_hazard() -> bool:
    """gpu-review #3 and #12: a read held open on the main stream by a spin kernel while a
    side stream frees (free-after-read) or overwrites (write-after-read) the buffer."""
    n = 1 << 12 if DRY else 1 << 24
    module = xp()
    side = None if DRY else module.cuda.Stream(non_blocking=True)
    spin = None if DRY else module.RawKernel(SPIN, "gpuparam_validate_spin")

    def hold_main() -> None:  # ~0.1 s of the main stream's time before the read
        if spin is not None:
            spin((1,), (1,), (module.int64(200_000_000),))

    corrupted = {}
    # free-after-read: materialized on side, read on main, dropped, side allocates again.
    p = gpuparam.Parameter(init.initializer("ones", (n,), gpuparam.float32), name="p")
    p.init_data(stream=side)
    hold_main()
    copy = p * 1
    p.set_data(init.initializer("zeros", (n,), gpuparam.float32))  # old buffer dropped
    q = init.initializer(init.Constant(7.0), (n,), gpuparam.float32).init_data(stream=side)
    corrupted["free-after-read"] = int(np.sum(copy.asnumpy() != 1.0))
    # write-after-read: main reads, side overwrites in place.
    r = gpuparam.Parameter(gpuparam.Tensor(np.ones(n, np.float32)), name="r")
    hold_main()
    copy = r * 1
    with gpuparam.stream(side):
        ops.Assign()(r, gpuparam.Tensor(np.full(n, 5.0, np.float32)))
    corrupted["write-after-read"] = int(np.sum(copy.asnumpy() != 1.0))
    del q
    print("parked buffers now:", _backend_streams.parked_buffers())
    ok = True
    for case, count in corrupted.items():
        ok &= result("hazard", "PASS" if count == 0 else "FAIL",
                     f"{case}: {count} of {n} elements corrupted")
    return ok


def step_junit(path: str) -> bool:
    """Counts of a pytest JUnit report, and how many skips were for want of a GPU/cuDNN."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        return result("pytest-gpu", "FAIL", f"no JUnit report ({exc})")
    cases = root.iter("testcase")
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0, "gpu-skips": 0}
    for case in cases:
        kinds = [child.tag for child in case]
        if "failure" in kinds:
            counts["failed"] += 1
        elif "error" in kinds:
            counts["error"] += 1
        elif "skipped" in kinds:
            counts["skipped"] += 1
            message = case.find("skipped").get("message", "")  # type: ignore[union-attr]
            counts["gpu-skips"] += ("GPU" in message or "cuDNN" in message)
        else:
            counts["passed"] += 1
    detail = ", ".join(f"{v} {k}" for k, v in counts.items())
    if DRY:
        return result("pytest-gpu", "INFO", f"dry run (no GPU): {detail}")
    clean = counts["failed"] == counts["error"] == counts["gpu-skips"] == 0 and counts["passed"]
    return result("pytest-gpu", "PASS" if clean else "FAIL", detail)


def main() -> int:
    global DRY
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["env", "golden", "cudnn", "bench", "conv", "hazard",
                                         "junit"])
    parser.add_argument("path", nargs="?", help="the JUnit file (junit only)")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    DRY = args.dry_run
    if args.step == "junit":
        ok = step_junit(args.path)
    else:
        ok = globals()[f"step_{args.step}"]()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
