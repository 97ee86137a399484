"""What refusing overflow costs: gpuparam's checked casts against a plain ``astype``.

A script, not a test. Every cast of data into a dtype (``Tensor(x, dtype)``,
``astype``, ``set_data``, ``Assign``, ``t[...] = v``) goes through
``gpuparam._array_ops.checked_astype``, which refuses values the target cannot hold.
Its common case reads two reductions (min and max) besides the cast itself. This
script times ``checked_astype`` and ``Tensor(x, dtype)`` against the baseline
``x.astype(dtype)`` of the same backend on the same array, interleaved, and prints
the ratios.

Usage::

    python benchmarks/bench_cast.py                 # 10^7 elements, NumPy
    python benchmarks/bench_cast.py --backend cupy --elements 1e8
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _timing import (Job, cupy_clock, environment, fmt_ms, fmt_ratio, host_clock,  # noqa: E402
                     print_environment, print_table, time_interleaved)

CASES = [("float64", "float32"), ("float32", "float16"), ("int64", "int16"),
         ("float64", "int32"), ("int64", "float32")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["numpy", "cupy"], default="numpy")
    parser.add_argument("--elements", type=float, default=1e7)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    os.environ["GPUPARAM_BACKEND"] = args.backend

    import gpuparam
    from gpuparam import _backend
    from gpuparam._dtype import to_dtype
    from gpuparam._array_ops import checked_astype

    xp = _backend.active_array_module()
    clock = cupy_clock(xp) if args.backend == "cupy" else host_clock()
    n = int(args.elements)
    print_environment(environment())
    rows = []
    for source, target in CASES:
        # Values every target holds: the check passes and the cast happens, as in use.
        data = (xp.arange(n, dtype=source) % 1000) - 500
        np_target, dtype = xp.dtype(target), to_dtype(target, "bench")
        jobs = [Job(lambda _: data.astype(np_target), clock),
                Job(lambda _: checked_astype(data, dtype, "bench", "x"), clock),
                Job(lambda _: gpuparam.Tensor(data, dtype), clock)]
        base, checked, tensor = time_interleaved(jobs, repeat=args.repeat, settle_s=0.05)
        rows.append([f"{source} -> {target}", fmt_ms(base.median_ms), fmt_ms(checked.median_ms),
                     fmt_ratio(checked.median_ms, base.median_ms), fmt_ms(tensor.median_ms),
                     fmt_ratio(tensor.median_ms, base.median_ms)])
    print(f"# {n:.3g} elements, backend {args.backend}; ms are medians, ratios against astype")
    print_table(["cast", "astype ms (baseline)", "checked ms", "checked / astype",
                 "Tensor(x, dtype) ms", "Tensor / astype"], rows)


if __name__ == "__main__":
    main()
