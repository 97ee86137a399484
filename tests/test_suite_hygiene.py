"""The suite's own rule: a test run that writes into the checkout fails (conftest.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from child_env import child_env

TESTS = Path(__file__).resolve().parent


def _run_copy(tmp_path: Path, test_source: str) -> subprocess.CompletedProcess[str]:
    """Run ``test_source`` as the only test of a throwaway checkout with our conftest."""
    (tmp_path / "tests").mkdir()
    for helper in ("conftest.py", "child_env.py", "mpi_launch.py"):
        shutil.copy(TESTS / helper, tmp_path / "tests" / helper)
    (tmp_path / "tests" / "test_one.py").write_text(test_source)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", str(tmp_path / "tests")],
                          capture_output=True, text=True, env=child_env(), cwd=tmp_path,
                          timeout=120)


def test_a_run_that_writes_into_the_checkout_fails_and_names_the_file(tmp_path):
    proc = _run_copy(tmp_path, "from pathlib import Path\n\n"
                               "def test_writes():\n"
                               "    (Path(__file__).parent.parent / 'left.ckpt').write_text('x')\n")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout and "wrote 1 file(s) into the checkout" in proc.stdout
    assert "left.ckpt" in proc.stdout


def test_a_run_that_writes_to_tmp_path_passes(tmp_path):
    proc = _run_copy(tmp_path, "def test_writes(tmp_path):\n"
                               "    (tmp_path / 'ok.ckpt').write_text('x')\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
