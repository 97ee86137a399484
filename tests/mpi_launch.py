"""Launching tests/mpi_checks.py under ``mpiexec``, once per world size per test session.

Each rank writes ``rank<r>.json`` (check name -> "ok" or what went wrong); rank 0 also
writes arrays to compare across world sizes. The launch runs under a timeout, so a
collective that leaves ranks waiting fails the tests instead of hanging them.

Without mpi4py or ``mpiexec`` the tests skip with the reason, prefixed by
``SKIP_PREFIX``; ``GPUPARAM_REQUIRE_MPI=1`` (set in .ci/run) turns that skip into a
failure. ``GPUPARAM_REQUIRE_GPU=1`` does not: MPI is no part of the GPU (tests/conftest.py).
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "tests" / "mpi_checks.py"
TIMEOUT_S = 240
# How a skip for want of MPI begins (tests/conftest.py keeps these skips under
# GPUPARAM_REQUIRE_GPU=1: the device image has mpi4py but no MPI runtime).
SKIP_PREFIX = "MPI unavailable: "


def _missing() -> str | None:
    if importlib.util.find_spec("mpi4py") is None:
        return "mpi4py is not installed (from a clone: pip install -e \".[mpich]\")"
    if _mpiexec() is None:
        return "no mpiexec next to Python or on PATH (pip install mpich)"
    return None


def _mpiexec() -> str | None:
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


def require_mpi() -> str:
    """Return the ``mpiexec`` path; skip (or fail under GPUPARAM_REQUIRE_MPI=1) without one."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("GPUPARAM_REQUIRE_MPI") == "1":
            pytest.fail(f"GPUPARAM_REQUIRE_MPI=1 but {reason}")
        pytest.skip(SKIP_PREFIX + reason)
    path = _mpiexec()
    assert path is not None
    return path


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("GPUPARAM_", "PMI_", "PMIX_"))}
    out["GPUPARAM_BACKEND"] = "numpy"
    out["PYTHONPATH"] = os.pathsep.join([str(ROOT), out.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return out


class Launch:
    """The results of one run of mpi_checks.py: per-rank check results and rank 0's arrays."""

    def __init__(self, world: int, directory: Path, output: str) -> None:
        self.world = world
        self.directory = directory
        self.output = output
        self.ranks = []
        for rank in range(world):
            path = directory / f"rank{rank}.json"
            self.ranks.append(json.loads(path.read_text()) if path.exists() else None)

    def check(self, name: str) -> None:
        """Assert that check ``name`` passed on every rank."""
        for rank, results in enumerate(self.ranks):
            assert results is not None, f"rank {rank} of {self.world} wrote no results:\n{self.output}"
            assert name in results, f"check {name!r} did not run on rank {rank}:\n{self.output}"
            assert results[name] == "ok", f"rank {rank} of {self.world}, {name}: {results[name]}"


def _temporary_directory(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@functools.cache
def shared_directory() -> Path:
    """A directory every launch of this session sees (checkpoints pass between them)."""
    return _temporary_directory("gpuparam-mpi-shared-")


@functools.cache
def launch(world: int | None) -> Launch:
    """Run mpi_checks.py on ``world`` ranks (``None``: plain ``python``, no launcher)."""
    directory = _temporary_directory(f"gpuparam-mpi{world}-")
    command = [sys.executable, str(CHECKS), str(directory), str(shared_directory())]
    if world is not None:
        command = [require_mpi(), "-n", str(world)] + command
    else:
        command.append("--backend=mpi")
    try:
        proc = subprocess.run(command, capture_output=True, text=True, env=env(),
                              timeout=TIMEOUT_S, check=False)
        output = proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as exc:
        output = f"timed out after {TIMEOUT_S} s (ranks left waiting?)\n{exc.stdout}{exc.stderr}"
    return Launch(world or 1, directory, output)


def launch_in_order(world: int) -> Launch:
    """Launch on 3 ranks before 2: the 2-rank run loads the checkpoint the 3-rank run saved."""
    if world == 2:
        launch(3)
    return launch(world)
