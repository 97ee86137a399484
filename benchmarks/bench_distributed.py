"""Sharded initialization across MPI ranks, and broadcast throughput over MPI.

A script, not a test. It declares a model of ``--gib`` GiB of float32 (``--layers``
square ``Dense``-like weights, HeUniform, lazy) and materializes it:

- **whole, 1 process** (the baseline): ``cell.init_parameters_data()``, the whole model
  in one process, as a single-device run would;
- **sharded, N ranks** (``mpiexec -n N``): every rank materializes only its row block
  of each weight (``init_data(index=parallel.shard_slices(...))``), with no
  communication (tests/test_parallel.py checks that the shards are, bit for bit, the
  slices of the whole).

It reports the wall time (all ranks started together by a barrier, stopped by the
slowest rank) and each rank's peak RSS (``VmHWM``), against the baseline: the ratio of
the per-rank peak to the whole-model peak is the memory each host saves.

Then ``comm_func.broadcast`` of a ``--bcast-mib`` MiB float32 tensor from rank 0 and
``parallel.broadcast_parameters`` of a model of 16 keyless (data) parameters of the same
total size, against the baseline of mpi4py's own ``Bcast`` of a NumPy buffer of that
size, in interleaved rounds of the same run (medians of ``--repeat`` rounds after a
warm-up round). gpuparam's broadcast allocates its result each time, so
these workers make glibc keep freed memory mapped (``_timing.keep_freed_memory``), as a
memory pool would, and the page faults of a fresh 256 MiB are not what is timed.

Every run is a child process of its own. The machine's cores are shared, so figures
are noisy: compare the rows of one run.

Usage::

    python benchmarks/bench_distributed.py                       # 4 GiB, ranks 2 and 3
    python benchmarks/bench_distributed.py --gib 0.25 --ranks 2  # quick
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import (environment, keep_freed_memory, peak_rss_bytes,  # noqa: E402
                     print_environment, print_table)


def _model(gib: float, layers: int):  # noqa: ANN202 - the script's own helper
    import gpuparam
    from gpuparam import Parameter, nn
    from gpuparam.common.initializer import HeUniform, initializer

    width = int((gib * 2**30 / 4 / layers) ** 0.5)
    gpuparam.set_seed(2024)
    net = nn.Cell()
    for i in range(layers):
        setattr(net, f"w{i}", Parameter(initializer(HeUniform(), (width, width), gpuparam.float32)))
    return net, width


def worker(args: argparse.Namespace) -> None:
    from gpuparam import communication as comm, parallel
    from gpuparam.communication import comm_func
    from gpuparam.parallel import _replicas

    comm.init()
    rank, world = comm.get_rank(), comm.get_group_size()
    out: dict[str, object] = {"rank": rank, "world": world}
    if args.worker in ("whole", "sharded"):
        net, width = _model(args.gib, args.layers)
        comm_func.barrier()
        start = time.perf_counter()
        if args.worker == "whole":
            net.init_parameters_data()
        else:
            for param in net.get_parameters():
                param.init_data(index=parallel.shard_slices(param.shape, rank, world))
        elapsed = time.perf_counter() - start
        out.update(width=width, seconds=elapsed, peak_rss=peak_rss_bytes(),
                   nbytes=sum(p.nbytes for p in net.get_parameters()))
        slowest = comm_func.all_reduce(_scalar(elapsed), op="max").item()
        out["slowest_seconds"] = slowest
    else:  # broadcast throughput
        import numpy as np

        from gpuparam import Parameter, Tensor, nn

        from mpi4py import MPI  # the baseline: mpi4py's own Bcast of a NumPy buffer

        keep_freed_memory()  # repeats reuse faulted pages, as the baseline reuses its buffer

        count = int(args.bcast_mib * 2**20 / 4)
        raw = np.full(count, rank, np.float32)
        tensor = Tensor(np.full(count, rank, np.float32))
        net = nn.Cell()
        pieces = 16
        for i in range(pieces):
            setattr(net, f"d{i}", Parameter(Tensor(np.full(count // pieces, rank, np.float32))))
        _replicas.BUCKET_BYTES = args.bucket_mib * 2**20

        def comm_func_broadcast() -> None:
            result = comm_func.broadcast(tensor, src=0)
            assert float(result.asnumpy()[-1]) == 0.0

        contenders = {"mpi4py_seconds": lambda: MPI.COMM_WORLD.Bcast(raw, root=0),
                      "bcast_seconds": comm_func_broadcast,
                      "params_seconds": lambda: parallel.broadcast_parameters(net, src=0)}
        times: dict[str, list[float]] = {key: [] for key in contenders}
        # Interleaved rounds (the load of the shared machine drifts alike for all three);
        # the first round is a warm-up that faults in the buffers.
        for _ in range(1 + args.repeat):
            for key, call in contenders.items():
                MPI.COMM_WORLD.Barrier()
                start = time.perf_counter()
                call()
                MPI.COMM_WORLD.Barrier()
                times[key].append(time.perf_counter() - start)
        for key, samples in times.items():
            out[key] = statistics.median(samples[1:])
        out["peak_rss"] = peak_rss_bytes()
    Path(args.out, f"rank{rank}.json").write_text(json.dumps(out))
    comm.release()


def _scalar(value: float):  # noqa: ANN202
    import numpy as np

    from gpuparam import Tensor

    return Tensor(np.array(value, np.float64))


def _run(ranks: int | None, mode: str, args: argparse.Namespace) -> list[dict]:
    command = [sys.executable, __file__, "--worker", mode, "--gib", str(args.gib),
               "--layers", str(args.layers), "--bcast-mib", str(args.bcast_mib),
               "--bucket-mib", str(args.bucket_mib), "--repeat", str(args.repeat),
               "--out", tempfile.mkdtemp()]
    if ranks is not None:
        mpiexec = Path(sys.executable).parent / "mpiexec"
        command = ([str(mpiexec if mpiexec.exists() else shutil.which("mpiexec")), "-n", str(ranks),
                    sys.executable, "-m", "mpi4py"] + command[1:])  # a failing rank ends the job
    env = {**os.environ, "GPUPARAM_BACKEND": args.backend,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stdout}\n{proc.stderr}")
    files = sorted(Path(command[-1]).glob("rank*.json"))
    results = [json.loads(path.read_text()) for path in files]
    shutil.rmtree(command[-1])
    return sorted(results, key=lambda r: r["rank"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gib", type=float, default=4.0, help="model size in GiB of float32")
    parser.add_argument("--layers", type=int, default=16)
    parser.add_argument("--ranks", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--bcast-mib", type=float, default=256.0)
    parser.add_argument("--bucket-mib", type=int, default=256)
    parser.add_argument("--backend", default="numpy", choices=["numpy", "cupy"])
    parser.add_argument("--broadcast-only", action="store_true", help="skip the init tables")
    parser.add_argument("--repeat", type=int, default=5,
                        help="interleaved broadcast rounds after the warm-up (default 5)")
    parser.add_argument("--worker", choices=["whole", "sharded", "broadcast"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    print_environment(environment())
    gib = 2**30
    if args.broadcast_only:
        _broadcast_table(args)
        return
    whole = _run(None, "whole", args)[0]
    rows = [["whole, 1 process", 1, f"{whole['nbytes'] / gib:.2f}", f"{whole['seconds']:.2f}",
             "1.00", f"{whole['peak_rss'] / gib:.2f}", "1.00"]]
    for ranks in args.ranks:
        results = _run(ranks, "sharded", args)
        slowest = results[0]["slowest_seconds"]
        peak = max(r["peak_rss"] for r in results)
        rows.append([f"sharded, {ranks} MPI ranks", ranks, f"{whole['nbytes'] / gib:.2f}",
                     f"{slowest:.2f}", f"{slowest / whole['seconds']:.2f}",
                     " / ".join(f"{r['peak_rss'] / gib:.2f}" for r in results),
                     f"{peak / whole['peak_rss']:.2f}"])
    print(f"\nSharded initialization ({args.layers} HeUniform float32 weights of "
          f"{whole['width']}x{whole['width']}):\n")
    print_table(["run", "ranks", "model GiB", "wall s", "vs whole", "peak RSS GiB per rank",
                 "max peak vs whole"], rows)
    _broadcast_table(args)


def _broadcast_table(args: argparse.Namespace) -> None:
    gib = 2**30
    rows = []
    for ranks in args.ranks:
        results = _run(ranks, "broadcast", args)
        payload = args.bcast_mib * 2**20 / 1e9
        r0 = results[0]
        base = r0["mpi4py_seconds"]
        rows.append([ranks, f"{args.bcast_mib:.0f}", f"{base * 1e3:.0f}", f"{payload / base:.2f}",
                     f"{r0['bcast_seconds'] * 1e3:.0f}", f"{r0['bcast_seconds'] / base:.2f}",
                     f"{r0['params_seconds'] * 1e3:.0f}", f"{r0['params_seconds'] / base:.2f}",
                     f"{max(r['peak_rss'] for r in results) / gib:.2f}"])
    print(f"\nBroadcast from rank 0 over MPI (broadcast_parameters: 16 data parameters, "
          f"{args.bucket_mib} MiB buckets):\n")
    print_table(["ranks", "MiB", "mpi4py Bcast ms", "GB/s", "comm_func.broadcast ms",
                 "vs mpi4py", "broadcast_parameters ms", "vs mpi4py", "max peak RSS GiB"], rows)


if __name__ == "__main__":
    main()
