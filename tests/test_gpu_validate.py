"""The helpers of benchmarks/gpu_validate.py that decide pass or fail (the whole script
runs on the CPU as `bash benchmarks/gpu_validate.sh --dry-run` in .ci/run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import gpu_validate  # noqa: E402


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_ulps_counts_representable_steps_across_zero(dtype):
    one = np.array([1.0, -2.0], dtype)
    assert gpu_validate.ulps(one, one) == 0
    assert gpu_validate.ulps(one, np.nextafter(one, dtype(3))) == 1
    tiny = np.array([np.finfo(dtype).smallest_subnormal], dtype)
    assert gpu_validate.ulps(-tiny, tiny) == 2
    assert gpu_validate.ulps(np.array([-0.0], dtype), np.array([0.0], dtype)) == 0
    three_up = np.nextafter(np.nextafter(np.nextafter(one, dtype(9)), dtype(9)), dtype(9))
    assert gpu_validate.ulps(one, three_up) == 3


def _junit(tmp_path: Path, cases: str) -> str:
    path = tmp_path / "report.xml"
    path.write_text(f'<testsuites><testsuite name="pytest">{cases}</testsuite></testsuites>')
    return str(path)


def test_junit_counts_fail_a_run_with_gpu_skips(tmp_path, capsys):
    cases = ('<testcase name="a"/>'
             '<testcase name="b"><skipped message="needs a usable GPU: no device"/></testcase>'
             '<testcase name="c"><skipped message="hypothesis: nothing to do"/></testcase>')
    assert not gpu_validate.step_junit(_junit(tmp_path, cases))
    assert capsys.readouterr().out.startswith(
        "RESULT pytest-gpu FAIL 1 passed, 0 failed, 0 error, 2 skipped, 1 gpu-skips")
    assert gpu_validate.step_junit(_junit(tmp_path, '<testcase name="a"/>'))
    assert not gpu_validate.step_junit(_junit(tmp_path, '<testcase name="a"><failure/></testcase>'))
    assert not gpu_validate.step_junit(str(tmp_path / "missing.xml"))


def test_shell_script_parses_and_rejects_unknown_options():
    assert subprocess.run(["bash", "-n", str(BENCHMARKS / "gpu_validate.sh")],
                          check=False).returncode == 0
    bad = subprocess.run(["bash", str(BENCHMARKS / "gpu_validate.sh"), "--fast"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "usage:" in bad.stderr


def test_golden_fails_on_a_float32_subnormal_mismatch(monkeypatch, capsys):
    """The kernels' float32 arithmetic is flush-proof PTX (tests/test_random.py checks it),
    so a subnormal-range difference is a real failure, not an expected one."""
    monkeypatch.setattr(gpu_validate, "compare",
                        lambda label, *args, **kwargs: label != "subnormal")
    assert not gpu_validate.step_golden()
    assert "RESULT golden FAIL float32 subnormal range" in capsys.readouterr().out
    monkeypatch.setattr(gpu_validate, "compare", lambda *args, **kwargs: True)
    assert gpu_validate.step_golden()
