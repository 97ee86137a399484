"""Timing and table helpers shared by the benchmark scripts (not part of the package).

- ``time_host(fn)``: median of several repeats after warm-up, on the host clock;
- ``time_device(fn, clock)``: the same with a device clock (CUDA events of CuPy or
  torch.cuda), so the figure is the device's time and not the launch's;
- ``cupy_clock(xp)`` / ``torch_cuda_clock(torch)`` build those clocks; ``host_clock()``
  is the plain host clock, which synchronizes nothing;
- ``format_table`` / ``print_table``: one fixed-width text table, also valid Markdown;
- ``environment()``: versions, thread counts and the device, for the report header.

The scripts import it as ``from _timing import ...``: they put their own folder on
``sys.path`` so that they run as ``python benchmarks/bench_init.py`` from anywhere.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Timing:
    """Milliseconds of each timed repeat, and their summary."""

    samples_ms: tuple[float, ...]
    warmup: int
    note: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def min_ms(self) -> float:
        return min(self.samples_ms)

    @property
    def spread(self) -> float:
        """(max - min) / median: how noisy the repeats were."""
        med = self.median_ms
        return (max(self.samples_ms) - min(self.samples_ms)) / med if med > 0 else 0.0


@dataclass
class Clock:
    """A pair of callables: ``start()`` before the work, ``stop()`` after it, returning ms."""

    name: str
    start: Callable[[], Any]
    stop: Callable[[Any], float]
    sync: Callable[[], None] = field(default=lambda: None)


def host_clock() -> Clock:
    """The host's ``perf_counter``; right for synchronous (CPU) work."""
    return Clock("host", time.perf_counter, lambda t0: (time.perf_counter() - t0) * 1e3)


def cupy_clock(xp: Any) -> Clock:
    """CUDA events on CuPy's current stream; ``xp`` is the CuPy module (from ``gpuparam._backend``).

    The events bracket every kernel the work launches on the current stream. The stop
    also synchronizes the whole device, so work on other streams cannot leak into the
    next repeat.
    """
    def start() -> Any:
        xp.cuda.Device().synchronize()
        begin, end = xp.cuda.Event(), xp.cuda.Event()
        begin.record()
        return begin, end

    def stop(events: Any) -> float:
        begin, end = events
        end.record()
        end.synchronize()
        xp.cuda.Device().synchronize()
        return float(xp.cuda.get_elapsed_time(begin, end))

    return Clock("cuda-events(cupy)", start, stop, lambda: xp.cuda.Device().synchronize())


def torch_cuda_clock(torch: Any) -> Clock:
    """CUDA events of ``torch.cuda`` on its current stream."""
    def start() -> Any:
        torch.cuda.synchronize()
        begin = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        begin.record()
        return begin, end

    def stop(events: Any) -> float:
        begin, end = events
        end.record()
        end.synchronize()
        torch.cuda.synchronize()
        return float(begin.elapsed_time(end))

    return Clock("cuda-events(torch)", start, stop, torch.cuda.synchronize)


def time_device(fn: Callable[[Any], Any], clock: Clock, *, repeat: int = 5, warmup: int = 1,
                setup: Callable[[], Any] | None = None, budget_s: float | None = None,
                min_repeat: int = 3, settle_s: float = 0.0) -> Timing:
    """Time ``fn(setup())`` with ``clock``: ``warmup`` untimed calls, then ``repeat`` timed ones.

    ``setup`` (untimed) builds each call's fresh input, e.g. a new lazy tensor; without it
    ``fn`` is called with ``None``. The result of each call is dropped before the next,
    so a call that allocates does not see its predecessor's memory still held.

    Args:
        fn: The work; takes ``setup()``'s result.
        clock: ``host_clock()``, ``cupy_clock(xp)`` or ``torch_cuda_clock(torch)``.
        repeat: Timed calls (the median is reported).
        warmup: Untimed calls first (kernel compilation, memory pools, page faults).
        setup: Untimed per-call preparation.
        budget_s: If the warm-up shows that ``repeat`` calls would take longer than this,
            time fewer, but at least ``min_repeat`` (the Timing's ``note`` says so).
        min_repeat: The fewest timed calls ``budget_s`` may leave.
        settle_s: Seconds to sleep first. Thread pools spin for a while after their
            last task (OpenBLAS, and torch's OpenMP for ``KMP_BLOCKTIME``, 200 ms): on a
            machine with few cores the previous library's spinning threads would slow
            this one down (a 256x256 QR took 1 s instead of 5 ms right after torch).
    """
    prepare = setup if setup is not None else (lambda: None)
    gc.collect()
    if settle_s > 0:
        time.sleep(settle_s)
    warm_ms = 0.0
    for _ in range(warmup):
        arg = prepare()
        clock.sync()
        t0 = time.perf_counter()
        out = fn(arg)
        clock.sync()
        warm_ms = (time.perf_counter() - t0) * 1e3
        del out, arg
    note = ""
    if budget_s is not None and warm_ms * repeat > budget_s * 1e3 and repeat > min_repeat:
        repeat = max(min_repeat, int(budget_s * 1e3 // max(warm_ms, 1e-3)))
        note = f"{repeat} repeats (budget)"
    samples = []
    for _ in range(repeat):
        arg = prepare()
        token = clock.start()
        out = fn(arg)
        samples.append(clock.stop(token))
        del out, arg
    return Timing(tuple(samples), warmup, note)


@dataclass
class Job:
    """One contender of ``time_interleaved``: ``fn(setup())`` timed with ``clock``."""

    fn: Callable[[Any], Any]
    clock: Clock
    setup: Callable[[], Any] | None = None


def _call(job: Job, timed: bool) -> float:
    arg = job.setup() if job.setup is not None else None
    if timed:
        token = job.clock.start()
        out = job.fn(arg)
        return job.clock.stop(token)
    job.clock.sync()
    t0 = time.perf_counter()
    out = job.fn(arg)
    job.clock.sync()
    del out
    return (time.perf_counter() - t0) * 1e3


def time_interleaved(jobs: Sequence[Job], *, repeat: int = 5, warmup: int = 1,
                     budget_s: float | None = None, min_repeat: int = 3,
                     settle_s: float = 0.3) -> list[Timing]:
    """Time several contenders in rounds (A B C, A B C, ...); one Timing per job.

    Alternating spreads slow drifts of the machine (other processes, clock speed)
    over every contender alike, so their ratio is steadier than with one block of
    repeats after another. Each switch pauses ``settle_s`` first: thread pools spin
    for a while after their last task (OpenBLAS; torch's OpenMP for ``KMP_BLOCKTIME``,
    200 ms), and on a machine with few cores the previous contender's spinning threads
    slow the next one down (a 256x256 QR took 1 s instead of 5 ms right after torch).

    Args:
        jobs: The contenders.
        repeat, warmup, budget_s, min_repeat: As for ``time_device``; the budget is
            per job, and the round count is cut for all jobs alike.
        settle_s: Pause before each call of a job that follows another job.
    """
    gc.collect()
    warm = [0.0] * len(jobs)
    for _ in range(warmup):
        for i, job in enumerate(jobs):
            time.sleep(settle_s)
            warm[i] = _call(job, timed=False)
    note = ""
    slowest = max(warm) if warm else 0.0
    if budget_s is not None and slowest * repeat > budget_s * 1e3 and repeat > min_repeat:
        repeat = max(min_repeat, int(budget_s * 1e3 // max(slowest, 1e-3)))
        note = f"{repeat} repeats (budget)"
    samples: list[list[float]] = [[] for _ in jobs]
    for _ in range(repeat):
        for i, job in enumerate(jobs):
            if len(jobs) > 1 or not samples[i]:
                time.sleep(settle_s)
            samples[i].append(_call(job, timed=True))
    return [Timing(tuple(s), warmup, note) for s in samples]


def time_host(fn: Callable[[Any], Any], **kwargs: Any) -> Timing:
    """``time_device`` with the host clock (see there for the arguments)."""
    return time_device(fn, host_clock(), **kwargs)


# --------------------------------------------------------------------------- tables

def fmt_ms(value: float | None) -> str:
    """Milliseconds with three significant figures (``n/a`` for ``None``)."""
    if value is None:
        return "n/a"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_ratio(num: float | None, den: float | None) -> str:
    """``num / den`` to two decimals (``n/a`` when either is missing)."""
    if num is None or den is None or den <= 0:
        return "n/a"
    return f"{num / den:.2f}"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                 align: str | None = None) -> str:
    """Return a fixed-width table that is also a Markdown table.

    Args:
        headers: Column titles.
        rows: One sequence of cells per row (converted with ``str``).
        align: One letter per column, ``l`` or ``r``; default: first column left, rest right.
    """
    align = align or "l" + "r" * (len(headers) - 1)
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [v.ljust(w) if a == "l" else v.rjust(w) for v, w, a in zip(values, widths, align)]
        return "| " + " | ".join(parts) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if a == "r" else (":" + "-" * (w + 1))
                          for w, a in zip(widths, align)) + "|"
    return "\n".join([line(headers), rule] + [line(r) for r in cells])


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                align: str | None = None) -> None:
    print(format_table(headers, rows, align), flush=True)


# --------------------------------------------------------------------------- environment

def environment(torch: Any = None) -> dict[str, str]:
    """Versions, CPU count and thread settings: the header of every benchmark report."""
    import numpy as np

    info = {
        "date": time.strftime("%Y-%m-%d"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpu": platform.processor() or platform.machine(),
        "cpus": str(os.cpu_count()),
    }
    try:
        info["sched_cpus"] = str(len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        pass
    try:  # other processes' load skews CPU timings: record it
        info["loadavg_1m"] = f"{os.getloadavg()[0]:.2f}"
    except OSError:
        pass
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = str(torch.get_num_threads())
    try:
        from gpuparam import _backend
        info["gpuparam_backend"] = _backend.active_backend()
        info["device"] = _backend.device_name()
        cupy_version = _backend.versions().get("cupy")
        if cupy_version and info["gpuparam_backend"] == "cupy":
            info["cupy"] = cupy_version
    except Exception as exc:  # gpuparam missing or broken: say so, keep going
        info["gpuparam"] = f"unavailable ({exc})"
    return info


def print_environment(info: dict[str, str]) -> None:
    print("# " + ", ".join(f"{k}={v}" for k, v in info.items()), flush=True)


def rss_bytes() -> int:
    """This process's resident set size now (Linux ``/proc``; 0 elsewhere)."""
    return _proc_status_kib("VmRSS") * 1024


def peak_rss_bytes() -> int:
    """This process's peak resident set size (``VmHWM``; 0 where unavailable)."""
    return _proc_status_kib("VmHWM") * 1024


def _proc_status_kib(field_name: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for row in status:
                if row.startswith(field_name + ":"):
                    return int(row.split()[1])
    except OSError:
        pass
    return 0


def keep_freed_memory() -> bool:
    """Make glibc keep freed memory mapped, so that a big allocation reuses faulted pages.

    By default glibc returns every allocation above 32 MiB to the kernel when freed;
    the next one page-faults all of it again (about 11 ms per 256 MiB here, and in a
    VM sometimes 300 ms more). Timing fresh tensors then measures the kernel more than
    the library. With this, a repeat reuses the previous repeat's pages, as a memory
    pool would (CuPy's pool does the same on the GPU). Returns False where it cannot
    apply (not glibc).
    """
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # from <malloc.h>
        return bool(libc.mallopt(m_mmap_threshold, ctypes.c_int(1 << 30))
                    and libc.mallopt(m_trim_threshold, ctypes.c_int(2**31 - 1)))
    except (OSError, AttributeError):
        return False


def try_import_torch() -> Any:
    """Return ``torch`` if it imports, else ``None`` (torch is a benchmark-only dependency)."""
    try:
        import torch
    except Exception:
        return None
    return torch
