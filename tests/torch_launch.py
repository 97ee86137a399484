"""PyTorch for the tests: importing it (or skipping), and launching torch_checks.py.

Without torch (or with a torch that has no ``torch.distributed``) the torch tests skip
with the reason; ``GPUPARAM_REQUIRE_TORCH=1`` (set in .ci/run) turns that skip into a
failure. Each launch of ``python -m torch.distributed.run --standalone`` runs in its own
session under a timeout; on a timeout the whole session (launcher and ranks) is killed,
so a rank left waiting fails the test instead of hanging it.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

from child_env import child_env

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "tests" / "torch_checks.py"
TIMEOUT_S = 240
REQUIRE_VAR = "GPUPARAM_REQUIRE_TORCH"


def _missing() -> str | None:
    try:
        torch = importlib.import_module("torch")
        importlib.import_module("torch.distributed.tensor")
    except ImportError as exc:
        return f"PyTorch is not installed or incomplete ({exc}); pip install 'gpuparam[torch]'"
    if not torch.distributed.is_available():
        return "this PyTorch build has no torch.distributed"
    return None


def import_torch() -> ModuleType:
    """Return torch; skip the calling test module (fail under GPUPARAM_REQUIRE_TORCH=1) without it."""
    reason = _missing()
    if reason is not None:
        if os.environ.get(REQUIRE_VAR) == "1":
            pytest.fail(f"{REQUIRE_VAR}=1 but {reason}", pytrace=False)
        pytest.skip(reason, allow_module_level=True)
    return importlib.import_module("torch")


def run_session(command: list[str], timeout: float) -> tuple[int, str]:
    """Run ``command`` in a session of its own; return (exit status, output).

    On a timeout the whole session (the command and every process it started) is
    killed and the status is -1, so nothing is left waiting.
    """
    env = child_env()
    env["OMP_NUM_THREADS"] = "1"  # as torchrun sets it: ranks share the cores
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, cwd=ROOT, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        return -1, f"timed out after {timeout} s (ranks left waiting?)\n{output}"
    return proc.returncode, output


def run_torchrun(world: int, script: Path, *args: str, timeout: float = TIMEOUT_S) -> tuple[int, str]:
    """Run ``script`` on ``world`` ranks under ``torch.distributed.run --standalone``."""
    return run_session([sys.executable, "-m", "torch.distributed.run", "--standalone",
                        f"--nproc-per-node={world}", str(script), *args], timeout)


class Launch:
    """One run of torch_checks.py: every rank's results."""

    def __init__(self, world: int, directory: Path, status: int, output: str) -> None:
        self.world, self.status, self.output = world, status, output
        self.ranks = []
        for rank in range(world):
            path = directory / f"rank{rank}.json"
            self.ranks.append(json.loads(path.read_text()) if path.exists() else None)

    def failures(self, names: list[str]) -> list[str]:
        """What went wrong, per rank and check (empty when every check passed on every rank)."""
        if self.status != 0 or any(r is None for r in self.ranks):
            return [f"world {self.world}: exit status {self.status}:\n{self.output[-6000:]}"]
        out = []
        for rank, results in enumerate(self.ranks):
            for name in names:
                result = results.get(name, "did not run")
                if result != "ok":
                    out.append(f"world {self.world}, rank {rank}, {name}: {result}")
        return out


def launch(world: int, shared: Path) -> Launch:
    """Run torch_checks.py on ``world`` ranks (``shared``: a directory launches share)."""
    directory = Path(tempfile.mkdtemp(prefix=f"gpuparam-torch{world}-"))
    try:
        status, output = run_torchrun(world, CHECKS, str(directory), str(shared))
        return Launch(world, directory, status, output)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
