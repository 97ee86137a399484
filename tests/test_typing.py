"""gpuparam ships ``py.typed``: the files in tests/typing/ must pass ``mypy --strict``.

They are checked, never run. Only tests/typing/ is reported (``--follow-imports=silent``
reads gpuparam's annotations without reporting on its own code), so the check stays
about what a user's strictly typed script sees. Skips only where mypy is not installed
(it is in the ``test`` extra, so CI has it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from child_env import TEST_CACHE, child_env

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")
    env = child_env(backend=None)
    env["MYPYPATH"] = str(ROOT)  # the checkout, not an installed copy
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--no-error-summary", "--cache-dir", str(TEST_CACHE / "mypy"), *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def test_the_typing_examples_pass_mypy_strict():
    files = sorted(str(p) for p in TYPING.glob("*.py"))
    assert files, "tests/typing/ holds the files to check"
    proc = _mypy(*files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_would_catch_a_wrong_type(tmp_path):
    """The check can fail: a Tensor operator result is not an int."""
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\nfrom gpuparam import Tensor\n"
                   "x: int = Tensor(np.ones(2)) + 1\n")
    proc = _mypy(str(bad))
    assert proc.returncode == 1
    assert 'expression has type "Tensor", variable has type "int"' in proc.stdout


def test_mypy_checks_what_a_layer_returns(tmp_path):
    """A built-in layer is a Cell[Tensor]: its result is not silently Any."""
    bad = tmp_path / "bad_layer.py"
    bad.write_text("import numpy as np\nfrom gpuparam import Tensor, nn\n"
                   "x: int = nn.Dense(2, 3)(Tensor(np.ones((1, 2), np.float32)))\n")
    proc = _mypy(str(bad))
    assert proc.returncode == 1
    assert 'expression has type "Tensor", variable has type "int"' in proc.stdout
