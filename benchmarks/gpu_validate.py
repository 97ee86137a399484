"""The steps of ``benchmarks/gpu_validate.sh``, one subcommand each (a script, not a test).

    python benchmarks/gpu_validate.py STEP [--dry-run] [--subset]

STEP is ``env``, ``golden`` (``--subset``: the 20 comparisons memcheck runs), ``hazard``,
``cudnn``, ``bench``, ``conv``, ``sass`` or ``junit XML LOG`` (counts a pytest run).
Each step prints
every table row and ``RESULT <step> <PASS|FAIL|EXPECTED-FAIL|INFO> <detail>`` line as
soon as it is measured (flushed), so a step stopped at its limit keeps what it got to;
the shell script gathers the RESULT lines into ``summary.txt``.

``--dry-run`` runs every step's logic on the CPU: the NumPy backend stands in for the
GPU (so "GPU == CPU" compares NumPy with NumPy), sizes shrink, and timings are fake
(1 ms), so CI keeps this script from rotting between GPU runs.

Values are compared GPU against NumPy for the same seed, never against fixed goldens,
and only public API is used (``gpuparam.common.initializer``, ``ops.conv_nd``), except
where a step inspects gpuparam itself (the loader, the stream layer, the kernels).
The machine-code step's helpers are in ``gpu_validate_tools.py`` beside this file.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import math
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gpuparam  # noqa: E402
import gpu_validate_tools as tools  # noqa: E402
from gpuparam import _backend, ops  # noqa: E402
from gpuparam._backend import libraries  # noqa: E402
from gpuparam._backend import streams as _backend_streams  # noqa: E402
from gpuparam.common import initializer as init  # noqa: E402
from gpu_validate_tools import Table, result, ulps  # noqa: E402,F401  (ulps: tests use it here)

DRY = False
SPIN = r"""
extern "C" __global__ void gpuparam_validate_spin(long long cycles) {
    long long start = clock64();
    while (clock64() - start < cycles) { }
}
"""
# W1 (gpu-review-2): the read itself is slow, so a write or free that does not wait for
# the end of the read kernel (only for the point before it) lands while it still reads.
SLOW_COPY = r"""
extern "C" __global__ void gpuparam_validate_slow_copy(const float* src, float* dst,
                                                       long long n, long long cycles) {
    if (threadIdx.x == 0) { long long t0 = clock64(); while (clock64() - t0 < cycles) { } }
    __syncthreads();
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) dst[i] = src[i];
}
"""
# The packages the run uses, by distribution name (a missing one prints "-").
PACKAGES = ("numpy", "cupy-cuda13x", "cupy-cuda12x", "cuda-pathfinder", "cuda-bindings",
            "nvidia-cuda-runtime", "nvidia-cuda-runtime-cu12", "nvidia-cuda-nvrtc",
            "nvidia-cudnn-cu13", "nvidia-cudnn-cu12", "nvidia-cudnn-frontend",
            "nvidia-nccl-cu13", "fastrlock", "torch", "mpi4py", "ml-dtypes", "pytest",
            "pytest-xdist", "pytest-timeout", "hypothesis", "scipy", "safetensors", "protobuf")


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

def print_loader() -> bool:
    """What the loader finds for libcudart: gpuparam's preload here, and in a child
    process without LD_LIBRARY_PATH (what gpuparam alone achieves)."""
    load = libraries.cudart()
    print(f"LD_LIBRARY_PATH={os.environ.get('LD_LIBRARY_PATH', '')}")
    print(f"gpuparam's libcudart preload: via {load.via}, from {load.path}; "
          f"attempts before: {list(load.attempts)}")
    code = ("from gpuparam._backend import libraries\n"
            "print('without LD_LIBRARY_PATH:', libraries.cudart())\n"
            "try:\n"
            "    from cuda.pathfinder import load_nvidia_dynamic_lib as find\n"
            "    print('cuda.pathfinder alone:', find('cudart'))\n"
            "except Exception as exc:\n"
            "    print('cuda.pathfinder alone:', type(exc).__name__, exc)\n")
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, timeout=20, check=False)
    print((child.stdout + child.stderr).strip())
    status = "PASS" if load.loaded else ("INFO" if DRY else "FAIL")
    return result("env", status, f"libcudart: {load.via or 'not loaded'} ({load.path})"
                  + ("" if load.loaded else f": {load.reason()}"))


def probe_bfloat16() -> bool:
    """gpu-review-2 C3: what bfloat16 does on the active array module (an INFO line)."""
    try:
        import ml_dtypes
    except ImportError:
        return result("env", "INFO", "bfloat16 probe: ml_dtypes is not installed")
    module = xp()
    where, done = module.__name__, []
    try:
        host = np.array([1.5, -2.0, 3.25, 65280.0], ml_dtypes.bfloat16)
        array = module.asarray(host)
        done.append("asarray")
        if _backend.to_host(array).tobytes() != host.tobytes():
            raise AssertionError("the bytes changed on the round trip")
        done.append("round trip")
        doubled = (array.astype(module.float32) * 2).astype(ml_dtypes.bfloat16)
        if _backend.to_host(doubled).astype(np.float32).tolist() != [3.0, -4.0, 6.5, 130560.0]:
            raise AssertionError(f"astype/arithmetic gave {_backend.to_host(doubled)}")
        done.append("astype and arithmetic")
        got = materialize("GPU", init.Normal(0.02), (4099,), gpuparam.bfloat16, 8)[0]
        want = materialize("CPU", init.Normal(0.02), (4099,), gpuparam.bfloat16, 8)[0]
        done.append(f"gpuparam Normal(0.02) bfloat16 within {ulps(got, want)} ulp of NumPy")
    except Exception as exc:
        return result("env", "INFO", f"bfloat16 on {where}: {', '.join(done) or 'nothing'} "
                      f"worked, then {type(exc).__name__}: {str(exc)[:200]}")
    return result("env", "INFO", f"bfloat16 on {where}: " + ", ".join(done))


def generate_every_kernel() -> float:
    """Run each generator kernel once (contiguous and strided, every dtype): compiled, and
    so in CuPy's disk cache. Returns the seconds it took."""
    started = time.perf_counter()
    for dtype in (gpuparam.float16, gpuparam.float32, gpuparam.float64):
        for scheme in (init.Uniform(), init.Normal(), init.TruncatedNormal()):
            init.initializer(scheme, (1031,), dtype).init_data()
            init.initializer(scheme, (9, 1031), dtype).init_data(index=(slice(1, 8, 2),))
    sync()
    return time.perf_counter() - started


def step_env() -> bool:
    ok = True
    print("python", sys.version.split()[0], "numpy", np.__version__)
    for name in PACKAGES:
        try:
            print(f"  {name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            print(f"  {name} -")
    ok &= print_loader()  # before torch (which loads its own libcudart) is imported
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
    for fragment in ("libcudart", "libcudnn.so", "libnvrtc", "libnccl"):
        print(f"mapped {fragment}: {libraries.mapped_paths(fragment)}")
    out = subprocess.run([sys.executable, "-m", "gpuparam"], capture_output=True, text=True,
                         check=False, timeout=20)
    print(out.stdout + out.stderr)
    ok &= result("env", "PASS" if out.returncode == 0 else "FAIL", "python -m gpuparam")
    if DRY:
        ok &= result("env", "INFO", f"dry run; GPU: {reason}")
        return probe_bfloat16() and ok
    ok &= result("env", "PASS" if reason is None else "FAIL", f"GPU: {reason or 'usable'}")
    if reason is not None:
        return False
    ok &= probe_bfloat16()
    # Compile every generator kernel through public initializers, then read what CuPy
    # reports for each (registers, local memory = spills), whatever the kernels are called.
    print(f"first generation (NVRTC compile + load, or the disk cache): "
          f"{generate_every_kernel():.2f} s")
    cupy = xp()
    table, spills, count = Table("kernel", "registers", "local bytes", "max threads/block"), 0, 0
    for kernel in (k for k in gc.get_objects() if isinstance(k, cupy.RawKernel)):
        count += 1
        try:
            table.row(kernel.name, kernel.num_regs, kernel.local_size_bytes,
                      kernel.max_threads_per_block)
            spills += kernel.local_size_bytes
        except Exception as exc:  # not compiled for this device
            table.row(kernel.name, "-", "-", type(exc).__name__)
    if not count:  # the generator builds its kernels some other way (a RawModule, ...)
        return result("env", "INFO", "no cupy.RawKernel objects to inspect") and ok
    return result("env", "PASS" if spills == 0 else "FAIL",
                  f"{count} kernels, {spills} bytes of local memory") and ok


# --------------------------------------------------------------------------- golden

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
            bound: int, rows: Table, **kwargs: Any) -> bool:
    got = materialize("GPU", scheme, shape, dtype, seed, **kwargs)
    want = materialize("CPU", scheme, shape, dtype, seed, **kwargs)
    worst = max(ulps(g, w) for g, w in zip(got, want))
    same = sum(int(np.sum(g.view(np.uint8) == w.view(np.uint8))) for g, w in zip(got, want))
    total = sum(g.nbytes for g in got)
    rows.row(label, type(scheme).__name__, dtype, worst, f"{same / max(total, 1):.6f}")
    return worst <= bound


def step_golden(subset: bool = False) -> bool:
    """GPU == NumPy. ``subset``: the 20 small comparisons compute-sanitizer runs."""
    big = 2**12 + 4099 if DRY else 2**27 + 4099  # past 2^27: every grid-stride loop iterates
    huge = 2**16 + 1031 if DRY else 2**31 + 1031  # past 2^31: 64-bit indexing
    ok, rows = True, Table("layout", "initializer", "dtype", "max ulp", "bit-identical bytes")
    for dtype in (gpuparam.float16, gpuparam.float32, gpuparam.float64):
        dtype_ok, count = True, 0
        for scheme, bound in ((init.Uniform(0.5), 0), (init.Normal(0.02, 0.1), None),
                              (init.TruncatedNormal(0.02, 0.0, -0.03, 0.05), None)):
            if bound is None:  # 16/32-bit draws are float32 PTX, bit-identical to NumPy's
                bound = 4 if dtype == gpuparam.float64 else 0
            dtype_ok &= compare("257x1031", scheme, (257, 1031), dtype, 1, bound, rows)
            dtype_ok &= compare("strided slice", scheme, (257, 1031), dtype, 2, bound, rows,
                                index=(slice(3, 250, 7), slice(5, 1031, 3)))
            count += 2
            if subset:
                continue
            dtype_ok &= compare("8-dim", scheme, (2, 3, 1, 5, 2, 7, 3, 4), dtype, 3, bound,
                                rows, index=(slice(1, 2), slice(0, 3, 2)))
            dtype_ok &= compare(f"{big} ends", scheme, (big,), dtype, 4, bound, rows,
                                pieces=[slice(0, 4099), slice(big // 2 - 1001, big // 2 + 3),
                                        slice(big - 4099, big)])
            count += 2
            gc.collect()
        result("golden", "PASS" if dtype_ok else "FAIL",
               f"{dtype}: {count} comparisons, "
               + ("bit-identical" if dtype != gpuparam.float64 else "normal/truncnorm <= 4 ulp"))
        ok &= dtype_ok
    if not subset:
        huge_ok = True
        for scheme in (init.Uniform(0.5), init.Normal(0.02)):
            huge_ok &= compare(f"{huge} float16", scheme, (huge,), gpuparam.float16, 5, 0, rows,
                               pieces=[slice(0, 1031),
                                       slice(huge - 1031 - 517, huge - 1031 + 517),
                                       slice(huge - 1031, huge)])
            gc.collect()
        result("golden", "PASS" if huge_ok else "FAIL",
               f"{huge} float16 elements (64-bit indexing): bit-identical")
        ok &= huge_ok
    # float32 results below 1.18e-38: CuPy compiles with -ftz=true, but the generator's
    # float32 arithmetic is inline PTX without .ftz (gpu-review #6), so none may flush.
    subnormal = all([compare("subnormal", init.Uniform(1e-38), (65536,), gpuparam.float32,
                             6, 0, rows),
                     compare("subnormal", init.Normal(1e-39), (65536,), gpuparam.float32,
                             7, 0, rows)])
    result("golden", "PASS" if subnormal else "FAIL",
           "float32 subnormal range (no flush to zero, gpu-review #6)")
    return ok and subnormal


# --------------------------------------------------------------------------- hazard

def step_hazard() -> bool:
    """Reads on the main stream against frees and writes on a side stream: the read held
    open by a spin kernel before it (gpu-review #3, #12), and a read that is itself slow,
    a kernel that spins and then reads (gpu-review-2 W1)."""
    n = 1 << 12 if DRY else 1 << 24
    module = xp()
    side = None if DRY else module.cuda.Stream(non_blocking=True)
    spin = None if DRY else module.RawKernel(SPIN, "gpuparam_validate_spin")
    slow_copy = None if DRY else module.RawKernel(SLOW_COPY, "gpuparam_validate_slow_copy")
    cycles = module.int64(200_000_000)  # ~0.1 s at the H200's clock

    def hold_main() -> None:  # ~0.1 s of the main stream's time before the read
        if spin is not None:
            spin((1,), (1,), (cycles,))

    def check(case: str, values: Any, expected: float) -> bool:
        count = int(np.sum(_backend.to_host(values) != expected))
        return result("hazard", "PASS" if count == 0 else "FAIL",
                      f"{case}: {count} of {n} elements corrupted")

    ok = True
    # free-after-read: materialized on side, read on main, dropped, side allocates again.
    p = gpuparam.Parameter(init.initializer("ones", (n,), gpuparam.float32), name="p")
    p.init_data(stream=side)
    hold_main()
    copy = p * 1
    p.set_data(init.initializer("zeros", (n,), gpuparam.float32))  # old buffer dropped
    q = init.initializer(init.Constant(7.0), (n,), gpuparam.float32).init_data(stream=side)
    ok &= check("free-after-read", copy.asnumpy(), 1.0)
    # write-after-read: main reads, side overwrites in place.
    r = gpuparam.Parameter(gpuparam.Tensor(np.ones(n, np.float32)), name="r")
    hold_main()
    copy = r * 1
    with gpuparam.stream(side):
        ops.Assign()(r, gpuparam.Tensor(np.full(n, 5.0, np.float32)))
    ok &= check("write-after-read", copy.asnumpy(), 1.0)
    del q
    # read-in-flight (W1): the reading kernel spins first, then copies; meanwhile the
    # tensor is dropped and its block is wanted again on side. Fails if the free waited
    # only for the point before the read (the reader event recorded inside _read()).
    s = gpuparam.Parameter(init.initializer("ones", (n,), gpuparam.float32), name="s")
    s.init_data(stream=side)
    out = module.empty(n, module.float32)
    if slow_copy is None:
        out[...] = s._read()
    else:
        slow_copy((264,), (256,), (s._read(), out, module.int64(n), cycles))
        time.sleep(0.005)  # an event recorded before the slow kernel is complete by now
    s.set_data(init.initializer("zeros", (n,), gpuparam.float32))
    t = init.initializer(init.Constant(7.0), (n,), gpuparam.float32).init_data(stream=side)
    ok &= check("read-in-flight (W1)", out, 1.0)
    del t
    print("parked buffers now:", _backend_streams.parked_buffers())
    return ok


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
    frontend = getattr(cudnn, "__version__", "absent")
    print("frontend:", frontend, "|",
          _conv_cudnn.cudnn_unavailable_reason(None if DRY else xp().zeros(1)))
    print("libcudart:", libraries.cudart())
    ok, rng = True, np.random.default_rng(0)
    rows = Table("case", "dtype", "ran on", "first call ms", "error / bound", "why not cuDNN")
    for name, xs, ws, stride, padding, dilation, groups in CONV_CASES:
        if DRY:
            xs = xs[:2] + tuple(min(n, 9) for n in xs[2:])
        args = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
        x64, w64 = rng.standard_normal(xs), rng.standard_normal(ws)
        ref, bound = reference(x64, w64, **args)
        case_ok = True
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
            case_ok &= right and (ran.backend == "cudnn" or not wanted_cudnn)
            rows.row(name, dtype, ran.backend, f"{first_ms:.1f}", f"{excess:.2e}",
                     (ran.reason or "")[:90])
        result("cudnn", "PASS" if case_ok else "FAIL",
               f"frontend {frontend}, {name}: float16/32 on cuDNN within 1e-3/2e-6 of the "
               "magnitude sum, float64 on GEMM")
        ok &= case_ok
    print("graph cache:", _conv_cudnn.graph_cache_info())
    print("mapped libcudart:", libraries.mapped_paths("libcudart"),
          "libcudnn:", libraries.mapped_paths("libcudnn.so"))
    return ok


# --------------------------------------------------------------------------- bench

def bandwidth() -> tuple[float, float]:
    """Measured (fill TB/s written, copy TB/s read + written) of the device."""
    module = xp()
    n = (1 << 18) if DRY else (1 << 29)  # 2 GiB of float32 each
    a, b = module.empty(n, module.float32), module.empty(n, module.float32)
    fill = time_ms(lambda: a.fill(1.0))
    copy = time_ms(lambda: module.copyto(b, a))
    return a.nbytes / fill / 1e9, 2 * a.nbytes / copy / 1e9


BENCH = [  # initializer, label, torch's function (a callable on an empty tensor)
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

def bench_parts(output_bytes: int) -> list[tuple[str, tuple[int, int], tuple[slice, ...]]]:
    """Parts of a tensor (the sharded case), ``output_bytes`` of float32 each: a row shard
    of a 1031-wide matrix starts at flat element 1031 (% 8 = 7: no aligned vector store at
    its start), and every other column of an 8192-wide one takes the strided kernel."""
    shard_rows, column_rows = output_bytes // 4 // 1031, output_bytes // 4 // 4096
    return [("row shard, start % 8 = 7", (shard_rows + 1, 1031), (slice(1, None),)),
            ("columns 1::2", (column_rows, 8192), (slice(None), slice(1, None, 2)))]


def part_bytes(shape: tuple[int, ...], index: tuple[slice, ...], itemsize: int) -> int:
    full = index + (slice(None),) * (len(shape) - len(index))
    return math.prod(len(range(*s.indices(n))) for s, n in zip(full, shape)) * itemsize


def step_bench() -> bool:
    fill, copy = bandwidth()
    print(f"measured: fill {fill:.2f} TB/s (written), copy {copy:.2f} TB/s (read + written), "
          "on 2 GiB buffers")
    torch = torch_or_none()
    rows = Table("initializer", "dtype", "shape", "ms", "TB/s", "% fill", "% copy",
                 "torch ms", "torch/gpuparam")
    output_bytes = (1 << 16) if DRY else (1 << 29)  # 512 MiB outputs; small ones 4096x4096
    count = 0
    for make, label, torch_fn in BENCH:
        small = "small" in label
        dtypes = ((gpuparam.float16, gpuparam.float32, gpuparam.float64)
                  if label in ("uniform", "normal", "truncnorm") else (gpuparam.float32,))
        for dtype in dtypes:
            cols = 64 if DRY else 4096
            rows_n = cols if small else output_bytes // dtype.itemsize // cols
            shape = (rows_n, cols)
            ms = time_ms(lambda: init.initializer(make(), shape, dtype).init_data(), repeat=3)
            tbs = rows_n * cols * dtype.itemsize / ms / 1e9
            torch_ms = None
            if torch is not None and torch_fn is not None:
                t = torch.empty(shape, dtype=getattr(torch, dtype.name), device="cuda")
                torch_ms = time_ms(lambda: torch_fn(t, torch.nn.init))
                del t
            ratio = "n/a" if torch_ms is None else f"{torch_ms / ms:.2f}"
            rows.row(label, dtype, f"{shape[0]}x{shape[1]}", f"{ms:.3f}", f"{tbs:.3f}",
                     f"{100 * tbs / fill:.0f}%", f"{100 * tbs / copy:.0f}%",
                     "n/a" if torch_ms is None else f"{torch_ms:.3f}", ratio)
            count += 1
            gc.collect()
    for label, shape, index in bench_parts(output_bytes):
        for make, name in ((init.Uniform, "uniform"), (init.Normal, "normal")):
            dtype = gpuparam.float32
            ms = time_ms(lambda: init.initializer(make(), shape, dtype).init_data(index=index))
            tbs = part_bytes(shape, index, dtype.itemsize) / ms / 1e9
            rows.row(f"{name}: {label}", dtype, f"{shape[0]}x{shape[1]}", f"{ms:.3f}",
                     f"{tbs:.3f}", f"{100 * tbs / fill:.0f}%", f"{100 * tbs / copy:.0f}%",
                     "n/a", "n/a")
            count += 1
            gc.collect()
    return result("bench", "INFO", f"fill {fill:.2f} TB/s, copy {copy:.2f} TB/s; "
                  f"{count} rows" + (" (fake timings)" if DRY else ""))


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
    torch = torch_or_none()
    rows = Table("shape", "dtype", "cudnn ms (TFLOP/s)", "cudnn tf32", "gemm",
                 "torch ms tf32 off", "torch tf32 on", "rel diff vs torch (off)")
    count = 0
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
            rows.row(name, dtype, *(f"{times[k]:.3f} ({tflops[k]:.1f}) {ran[k]}" for k in times),
                     *(f"{torch_ms[t]:.3f}" if t in torch_ms else "n/a" for t in (False, True)),
                     diff)
            count += 1
    return result("conv", "INFO", f"{count} rows" + (" (fake timings)" if DRY else ""))


# --------------------------------------------------------------------------- sass, junit

def step_sass() -> bool:
    """The cubins CuPy cached for gpuparam's kernels, read with cuobjdump (registers,
    stack, spills, instructions, vector stores), then compute-sanitizer memcheck on
    ``golden --subset`` where it runs (gVisor refuses it, Firecracker runs it)."""
    started = time.monotonic()
    generate_every_kernel()  # in the cache even when this step runs alone (--only sass)
    ok = tools.report_cached_kernels(tools.cupy_cache_dir(), prefix="gpuparam_")
    if DRY:  # the subset's comparisons, without the sanitizer: keeps that path alive
        return step_golden(subset=True) and ok
    left = 28 - (time.monotonic() - started)
    command = [sys.executable, os.path.abspath(__file__), "golden", "--subset"]
    return tools.run_memcheck(command, max(left, 5.0)) and ok


def main() -> int:
    global DRY
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["env", "golden", "hazard", "cudnn", "bench", "conv",
                                         "sass", "junit"])
    parser.add_argument("paths", nargs="*", help="junit: the JUnit XML file and pytest's log")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--subset", action="store_true", help="golden: the memcheck subset")
    args = parser.parse_args()
    DRY = args.dry_run
    if args.step == "junit":
        ok = tools.step_junit(*args.paths, dry=DRY)
    elif args.step == "golden":
        ok = step_golden(subset=args.subset)
    else:
        ok = globals()[f"step_{args.step}"]()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
