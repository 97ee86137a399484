"""``python -m gpuparam``: the text report, ``--json``, ``--help`` and the exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gpuparam import _backend

from child_env import child_env

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, backend: str = "numpy") -> subprocess.CompletedProcess[str]:
    env = child_env(backend)
    return subprocess.run([sys.executable, "-m", "gpuparam", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_json_report_is_machine_readable_and_matches_the_text():
    proc = _run("--json")
    assert proc.returncode == 0, proc.stderr
    facts = json.loads(proc.stdout)
    assert facts["backend"] == "numpy" and facts["backend_error"] is None
    assert facts["device"] == "CPU" and facts["device_memory"] is None
    assert facts["versions"]["numpy"] == np.__version__
    assert facts["convolution"]["default"] == "gemm"
    assert facts["environment"] == {"GPUPARAM_BACKEND": "numpy"}
    text = _run()
    assert text.returncode == 0
    assert f"gpuparam {facts['gpuparam']}" in text.stdout


def test_help_describes_the_options_and_the_exit_status():
    proc = _run("--help")
    assert proc.returncode == 0
    assert "--json" in proc.stdout and "Exit status" in proc.stdout
    bad = _run("--bogus")
    assert bad.returncode == 2 and "unrecognized arguments: --bogus" in bad.stderr


@pytest.mark.skipif(_backend.gpu_unavailable_reason() is None, reason="a GPU is usable here")
@pytest.mark.parametrize("args", [(), ("--json",)])
def test_exit_status_is_1_when_no_backend_is_usable(args):
    proc = _run(*args, backend="cupy")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    if args:
        facts = json.loads(proc.stdout)
        assert facts["backend"] is None
        assert "GPUPARAM_BACKEND=cupy" in facts["backend_error"]


@pytest.mark.parametrize("access", ["gpuparam.bfloat16", "gpuparam.dtype.bfloat16"])
def test_bfloat16_without_ml_dtypes_names_the_extra_to_install(access):
    code = ("import sys; sys.modules['ml_dtypes'] = None\n"  # as if it were not installed
            "import gpuparam, gpuparam.dtype\n"
            "assert gpuparam.float32 is not None\n"
            f"try:\n    {access}\nexcept AttributeError as exc:\n    print(exc)\n")
    env = child_env()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "has no attribute 'bfloat16'" in proc.stdout
    assert 'pip install -e ".[bfloat16]"' in proc.stdout
