"""Save and load a model of about 2 GB: gpuparam's .ckpt and safetensors against raw file
copies of the same bytes and against the ``safetensors`` package, in one run.

A script, not a test. The model is float32 ``Parameter``s with data (nothing lazy, so no
generation is timed): one tensor over MindSpore's 512 MiB slice size (two records in a
.ckpt) and several smaller ones, ``--gb`` in all. Contenders, timed in interleaved
rounds (``_timing.time_interleaved``), each writing a new file in ``--dir`` (its old
one is deleted and ``os.sync()`` run before the timed call), with freed memory kept for
reuse (``_timing.keep_freed_memory``) so that page faults are not what is timed:

- **raw write**: the tensors' bytes written with ``f.write`` in 64 MiB pieces to one
  file, then ``fsync``: a ``dd``-like copy, the baseline (100 %);
- **gpuparam .ckpt / safetensors**: ``save_checkpoint`` (atomic: temporary file,
  ``fsync``, rename, ``fsync`` of the directory; safetensors adds a gsum64 checksum per tensor);
- **safetensors.numpy**: ``save_file`` followed by an ``fsync`` of the file (the
  package itself never fsyncs; the sync is added so durability is equal).

Loads: **raw read** ``readinto`` preallocated NumPy arrays of the same sizes;
``load_checkpoint`` (both formats; safetensors checks each tensor's gsum64);
``safetensors.numpy.load_file`` followed by a read of one byte per 4 KiB page of every
array (its arrays may be lazily paged in). ``--cache cold`` (default) evicts each file
from the page cache before a read (``posix_fadvise(DONTNEED)`` on that file only, so
other processes are not disturbed); ``--cache warm`` reads the file once, untimed, just
before each timed read, so that it comes from the page cache.

A second, untimed pass reports each contender's peak traced memory (``tracemalloc``;
NumPy reports its buffers to it): saving holds no copy of the model, loading holds the
loaded model (its result) and nothing more.

Usage::

    python benchmarks/bench_checkpoint.py                      # 2 GB, cold reads, 3 rounds
    python benchmarks/bench_checkpoint.py --gb 0.5 --cache warm --repeat 5
    python benchmarks/bench_checkpoint.py --ops load --cache warm   # reader overhead only
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import tracemalloc
from typing import Any

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [_HERE, os.path.dirname(_HERE)]  # _timing, and this checkout's gpuparam
from _timing import (Job, environment, host_clock, keep_freed_memory,  # noqa: E402
                     print_environment, print_table, time_interleaved)

import gpuparam  # noqa: E402
from gpuparam import Parameter, Tensor  # noqa: E402

MB = 1e6
PIECE = 64 << 20


def build_model(total_bytes: int) -> dict[str, Parameter]:
    """One tensor of 3/8 of the total (over 512 MiB at 2 GB), the rest in five."""
    rows = 4096
    big_cols = max(1, total_bytes * 3 // 8 // 4 // rows)
    small_cols = max(1, (total_bytes - rows * big_cols * 4) // 5 // 4 // rows)
    shapes = {"embedding.weight": (rows, big_cols)}
    shapes.update({f"layer{i}.weight": (rows, small_cols) for i in range(5)})
    model = {}
    for i, (name, shape) in enumerate(shapes.items()):
        data = np.empty(shape, np.float32)
        data.reshape(-1)[:] = np.arange(data.size, dtype=np.float32) * (i + 1)  # not zeros
        model[name] = Parameter(Tensor._wrap(data), name=name)
    return model


def evict(path: str) -> None:
    """Drop ``path``'s pages from the page cache (cold read), where the OS allows it."""
    if not hasattr(os, "posix_fadvise") or not os.path.exists(path):
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def prefetch(path: str) -> None:
    """Read ``path`` once so that the timed read finds it in the page cache (warm read)."""
    with open(path, "rb", buffering=0) as f:
        while f.read(PIECE):
            pass


def raw_write(path: str, arrays: list[np.ndarray]) -> None:
    with open(path, "wb") as f:
        for array in arrays:
            flat = array.reshape(-1).view(np.uint8)
            for start in range(0, flat.size, PIECE):
                f.write(memoryview(flat[start:start + PIECE]))
        f.flush()
        os.fsync(f.fileno())


def raw_read(path: str, arrays: list[np.ndarray]) -> list[np.ndarray]:
    out = [np.empty_like(a) for a in arrays]
    with open(path, "rb", buffering=0) as f:
        for array in out:
            view = memoryview(array.reshape(-1).view(np.uint8))
            done = 0
            while done < len(view):
                done += f.readinto(view[done:done + PIECE])
    return out


def st_save(path: str, model: dict[str, Parameter]) -> None:
    from safetensors.numpy import save_file

    save_file({k: p._array for k, p in model.items()}, path)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def st_load(path: str) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    loaded = load_file(path)
    for array in loaded.values():  # touch every page: the arrays may be mapped lazily
        int(array.reshape(-1).view(np.uint8)[::4096].sum())
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2.0, help="model size in GB (default 2)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", choices=("cold", "warm"), default="cold")
    parser.add_argument("--dir", default=None, help="where the files go (default: a temp dir)")
    parser.add_argument("--ops", default="save,load",
                        help="save,load (default), save, or load (each file written once, untimed)")
    args = parser.parse_args()

    gpuparam.set_context(device_target="CPU")
    keep_freed_memory()  # each repeat reuses the pages of the last: page faults are not timed
    has_st = True
    try:
        import safetensors.numpy  # noqa: F401
    except ImportError:
        has_st = False
    work = tempfile.mkdtemp(prefix="bench_ckpt_", dir=args.dir)
    try:
        model = build_model(int(args.gb * 1e9))
        arrays = [p._array for p in model.values()]
        nbytes = sum(a.nbytes for a in arrays)
        print_environment(environment())
        print(f"model: {len(model)} float32 tensors, {nbytes / MB:,.0f} MB "
              f"(largest {max(a.nbytes for a in arrays) / MB:,.0f} MB); files in {work}; "
              f"reads {args.cache}\n")
        files = {name: os.path.join(work, name) for name in
                 ("raw.bin", "m.ckpt", "m.safetensors", "pkg.safetensors")}
        saves = {
            "raw write + fsync (baseline)": lambda _: raw_write(files["raw.bin"], arrays),
            "gpuparam save .ckpt": lambda _: gpuparam.save_checkpoint(model, files["m.ckpt"]),
            "gpuparam save safetensors": lambda _: gpuparam.save_checkpoint(
                model, files["m.safetensors"], format="safetensors"),
        }
        if has_st:
            saves["safetensors.numpy save_file + fsync"] = lambda _: st_save(files["pkg.safetensors"], model)

        def cold(path: str) -> Any:
            return (lambda: evict(path)) if args.cache == "cold" else (lambda: prefetch(path))

        loads = {
            "raw read (baseline)": Job(lambda _: raw_read(files["raw.bin"], arrays), host_clock(),
                                       cold(files["raw.bin"])),
            "gpuparam load .ckpt": Job(lambda _: gpuparam.load_checkpoint(files["m.ckpt"]),
                                       host_clock(), cold(files["m.ckpt"])),
            "gpuparam load safetensors": Job(lambda _: gpuparam.load_checkpoint(
                files["m.safetensors"], format="safetensors"), host_clock(), cold(files["m.safetensors"])),
        }
        if has_st:
            loads["safetensors.numpy load_file"] = Job(lambda _: st_load(files["pkg.safetensors"]),
                                                       host_clock(), cold(files["pkg.safetensors"]))
        targets = dict(zip(saves, (files["raw.bin"], files["m.ckpt"], files["m.safetensors"],
                                   files["pkg.safetensors"])))

        def fresh(path: str) -> Any:
            # Every writer starts without its old file, and with nothing left to flush:
            # freeing 2 GB of the last round's file is not timed against anyone.
            def setup() -> None:
                if os.path.exists(path):
                    os.unlink(path)
                os.sync()
            return setup

        rows = []
        kinds = [("save", {k: Job(f, host_clock(), fresh(targets[k])) for k, f in saves.items()}),
                 ("load", loads)]
        ops = args.ops.split(",")
        if "save" not in ops:
            for save in saves.values():
                save(None)
        kinds = [(kind, jobs) for kind, jobs in kinds if kind in ops]
        for kind, jobs in kinds:
            timings = time_interleaved(list(jobs.values()), repeat=args.repeat, warmup=1, settle_s=0.5)
            base = timings[0].median_ms
            peaks = traced_peaks(list(jobs.values()))
            for (name, _), timing, peak in zip(jobs.items(), timings, peaks):
                rate = nbytes / MB / (timing.median_ms / 1e3)
                rows.append([kind, name, f"{timing.median_ms:,.0f}", f"{rate:,.0f}",
                             f"{base / timing.median_ms * 100:.0f} %", f"{timing.spread:.2f}",
                             f"{peak / MB:,.0f}"])
            gc.collect()
        print_table(["op", "contender", "median ms", "MB/s", "% of raw", "spread", "peak traced MB"], rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def traced_peaks(jobs: list[Job]) -> list[int]:
    """Peak bytes tracemalloc sees during one untimed call of each job."""
    peaks = []
    for job in jobs:
        if job.setup is not None:
            job.setup()
        gc.collect()
        tracemalloc.start()
        out = job.fn(None)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        del out
        gc.collect()
    return peaks


if __name__ == "__main__":
    main()
