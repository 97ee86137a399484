"""The helpers of benchmarks/gpu_validate.py that decide pass or fail, the shell script's
``--only`` and streamed output, and tests/conftest.py's GPUPARAM_REQUIRE_GPU rule (the
whole script runs on the CPU as `bash benchmarks/gpu_validate.sh --dry-run` in .ci/run)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import gpu_validate  # noqa: E402
import gpu_validate_tools as tools  # noqa: E402
from child_env import child_env  # noqa: E402


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


def test_junit_counts_fail_a_run_with_gpu_skips_but_not_with_mpi_skips(tmp_path, capsys):
    cases = ('<testcase name="a"/>'
             '<testcase name="b"><skipped message="needs a usable GPU: no device"/></testcase>'
             '<testcase name="c"><skipped message="hypothesis: nothing to do"/></testcase>')
    assert not tools.step_junit(_junit(tmp_path, cases))
    assert capsys.readouterr().out.startswith(
        "RESULT pytest-gpu FAIL 1 passed, 0 failed, 0 error, 2 skipped, 1 gpu-skips, 0 mpi-skips")
    mpi = '<testcase name="m"><skipped message="MPI unavailable: no mpiexec"/></testcase>'
    assert tools.step_junit(_junit(tmp_path, '<testcase name="a"/>' + mpi))
    assert "1 passed, 0 failed, 0 error, 1 skipped, 0 gpu-skips, 1 mpi-skips" in capsys.readouterr().out
    assert not tools.step_junit(_junit(tmp_path, '<testcase name="a"><failure/></testcase>'))
    assert not tools.step_junit(str(tmp_path / "missing.xml"))


XDIST_LOG = """platform linux -- Python 3.12.3, pytest-9.0.1, pluggy-1.6.0
timeout: 60.0s
timeout method: signal
created: 4/4 workers
4 workers [6 items]

[gw0] [ 16%] PASSED tests/test_a.py::test_one
[gw1] [ 33%] FAILED tests/test_b.py::test_two[cupy]
[gw0] [ 50%] SKIPPED tests/test_a.py::test_three
[gw2] [ 66%] XFAIL tests/test_c.py::test_four
"""


def test_junit_falls_back_to_the_log_and_checks_the_workers_and_limit(tmp_path, capsys):
    log = tmp_path / "pytest_gpu.txt"
    log.write_text(XDIST_LOG)
    # Killed before the JUnit report: counts from the per-test lines, and still a FAIL.
    assert not tools.step_junit(str(tmp_path / "missing.xml"), str(log))
    out = capsys.readouterr().out
    assert "RESULT pytest-gpu PASS harness: 4 workers, a 60.0 s per-test limit" in out
    assert ("RESULT pytest-gpu FAIL no JUnit report (killed?); from the log: "
            "2 passed, 1 failed, 0 error, 1 skipped") in out
    assert tools._counts_from_log("tests/t.py::test_x PASSED  [ 50%]\n"
                                  "tests/t.py::test_y SKIPPED (why) [100%]\n") == {
        "passed": 1, "failed": 0, "error": 0, "skipped": 1}
    # A serial run without a per-test limit is a harness failure, whatever the counts.
    log.write_text("platform linux -- Python 3.12.3\n")
    assert not tools.step_junit(_junit(tmp_path, '<testcase name="a"/>'), str(log), dry=True)
    assert "RESULT pytest-gpu FAIL harness: no workers, no per-test limit" in capsys.readouterr().out


RESOURCES = """
Resource usage:
 Common:
  GLOBAL:0
 Function gpuparam_uniform_f32_contig:
  REG:30 STACK:0 SHARED:0 LOCAL:0 CONSTANT[0]:600 TEXTURE:0 SURFACE:0 SAMPLER:0
 Function gpuparam_normal_f64_strided:
  REG:48 STACK:16 SHARED:0 LOCAL:8 CONSTANT[0]:616 CONSTANT[2]:96 TEXTURE:0 SURFACE:0 SAMPLER:0
"""
SASS = """
\tcode for sm_90
\t\tFunction : gpuparam_uniform_f32_contig
\t.headerflags\t@"EF_CUDA_TEXMODE_UNIFIED EF_CUDA_64BIT_ADDRESS EF_CUDA_SM90"
        /*0000*/                   LDC R1, c[0x0][0x28] ;          /* 0x00000a00ff017b82 */
                                                                   /* 0x000fe40000000800 */
        /*0010*/              @!P0 BRA 0x200 ;                     /* 0x0000000000008947 */
        /*0020*/                   STG.E.128 desc[UR4][R2.64], R4 ;  /* 0x0000000402007986 */
        /*0030*/               @P1 STG.E desc[UR4][R2.64+0x4], R5 ; /* 0x0000040502001986 */
        /*0040*/                   EXIT ;                          /* 0x000000000000794d */
        ..........
\t\tFunction : other_kernel
        /*0000*/                   EXIT ;                          /* 0x000000000000794d */
"""


def test_cuobjdump_parsers_read_registers_spills_and_instructions():
    usage = tools.parse_resource_usage(RESOURCES)
    assert usage["gpuparam_uniform_f32_contig"]["REG"] == 30
    assert usage["gpuparam_normal_f64_strided"] == {
        "REG": 48, "STACK": 16, "SHARED": 0, "LOCAL": 8, "CONSTANT[0]": 616, "CONSTANT[2]": 96,
        "TEXTURE": 0, "SURFACE": 0, "SAMPLER": 0}
    counts = tools.count_sass(SASS)
    assert counts["gpuparam_uniform_f32_contig"] == {"instructions": 5, "STG.128": 1,
                                                     "STG other": 1}
    assert counts["other_kernel"]["instructions"] == 1


def _cubin() -> bytes:
    """A real sm_90 cubin (NVRTC, as CuPy builds one), or a stand-in ELF without NVRTC."""
    from gpuparam import _backend
    source = 'extern "C" __global__ void gpuparam_uniform_f32_contig(float* o) { o[0] = 1.0f; }'
    try:
        return _backend.nvrtc_compile(source, arch="sm_90")
    except RuntimeError:
        if os.environ.get("GPUPARAM_REQUIRE_NVRTC") == "1":
            raise
        return b"\x7fELF" + b"\0" * 60 + b"gpuparam_uniform_f32_contig\0"


def test_cached_cubins_reads_cupys_cache_format(tmp_path):
    cubin = _cubin()
    assert cubin.startswith(b"\x7fELF") and b"gpuparam_uniform_f32_contig" in cubin
    digest = hashlib.sha1(cubin).hexdigest().encode("ascii")
    (tmp_path / ("a" * 40 + ".cubin")).write_bytes(digest + cubin)  # as CuPy 14 writes it
    named = b"\x00\x02mangled names\x00" + cubin  # a payload with a name table first
    (tmp_path / ("b" * 40 + ".cubin")).write_bytes(hashlib.sha1(named).hexdigest().encode() + named)
    (tmp_path / ("c" * 40 + ".cubin")).write_bytes(b"0" * 40 + cubin)  # torn: bad digest
    (tmp_path / ("d" * 40 + ".ptx")).write_bytes(digest + cubin)
    found = tools.cached_cubins(str(tmp_path), b"gpuparam_")
    assert [(name[0], elf) for name, elf in found] == [("a", cubin), ("b", cubin)]
    assert tools.cached_cubins(str(tmp_path), b"not_there_") == []
    assert tools.cached_cubins(str(tmp_path / "missing")) == []
    try:  # CuPy's own reader agrees on the format, where CuPy is installed
        from cupy.cuda._compiler_cache import DiskKernelCacheBackend
    except ImportError:
        return
    assert DiskKernelCacheBackend(str(tmp_path)).load("a" * 40 + ".cubin") == cubin


def _fake_tool(directory: Path, name: str, script: str) -> None:
    tool = directory / name
    tool.write_text("#!/usr/bin/env bash\n" + script)
    tool.chmod(0o755)


def test_report_cached_kernels_runs_cuobjdump_on_each_cubin(tmp_path, monkeypatch, capsys):
    """With a stand-in cuobjdump on PATH: one row per gpuparam kernel, spills fail."""
    cache, bin_dir = tmp_path / "cache", tmp_path / "bin"
    cache.mkdir()
    bin_dir.mkdir()
    cubin = _cubin()
    (cache / ("a" * 40 + ".cubin")).write_bytes(hashlib.sha1(cubin).hexdigest().encode() + cubin)
    (bin_dir / "resources.txt").write_text(RESOURCES)
    (bin_dir / "sass.txt").write_text(SASS)
    _fake_tool(bin_dir, "cuobjdump", f"""test -f "$2" && head -c 4 "$2" | grep -q ELF || exit 3
case "$1" in --dump-resource-usage) cat {bin_dir}/resources.txt ;; --dump-sass) cat {bin_dir}/sass.txt ;; esac
""")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert not tools.report_cached_kernels(str(cache), "gpuparam_")  # the f64 kernel spills
    out = capsys.readouterr().out
    assert "| gpuparam_uniform_f32_contig | aaaaaaaaaaaa | 30 | 0 | 0 | 0 | 5 | 1 | 1 |" in out
    assert "| gpuparam_normal_f64_strided | aaaaaaaaaaaa | 48 | 16 | 8 | 0 | - | - | - |" in out
    assert "RESULT sass FAIL 2 kernels read; stack or local memory in: " \
           "['gpuparam_normal_f64_strided']" in out
    (bin_dir / "resources.txt").write_text(RESOURCES.split(" Function gpuparam_normal")[0])
    assert tools.report_cached_kernels(str(cache), "gpuparam_")
    assert "RESULT sass PASS 1 kernels read; stack or local memory in: none" in capsys.readouterr().out


def test_run_memcheck_reads_the_sanitizers_verdict_and_kills_a_hang(tmp_path, monkeypatch, capsys):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert tools.run_memcheck(["true"], 5)  # no compute-sanitizer: an INFO line
    assert "RESULT sass INFO memcheck: compute-sanitizer not found" in capsys.readouterr().out
    # The stand-in runs the command as the real one does, then prints a summary.
    _fake_tool(bin_dir, "compute-sanitizer", 'shift 2; "$@"; rc=$?\n'
               'echo "========= ERROR SUMMARY: ${ERRORS:-0} errors"; exit $rc\n')
    assert tools.run_memcheck([sys.executable, "-c", "print('RESULT golden PASS')"], 20)
    assert "RESULT sass PASS memcheck: 0 errors on the golden subset" in capsys.readouterr().out
    monkeypatch.setenv("ERRORS", "2")
    assert not tools.run_memcheck(["true"], 20)
    assert "RESULT sass FAIL memcheck: 2 errors" in capsys.readouterr().out
    started = time.monotonic()
    assert tools.run_memcheck(["sleep", "60"], 1)  # killed with its group at the limit
    assert time.monotonic() - started < 10
    assert "RESULT sass INFO memcheck: timed out" in capsys.readouterr().out


@pytest.mark.parametrize(("output", "code", "status"), [
    ("========= COMPUTE-SANITIZER\nRESULT golden PASS\n========= ERROR SUMMARY: 0 errors\n",
     0, "PASS"),
    ("========= Invalid __global__ write of size 4 bytes\n========= ERROR SUMMARY: 3 errors\n",
     0, "FAIL"),
    ("========= ERROR SUMMARY: 0 errors\n", 1, "FAIL"),  # the subset itself failed
    ("========= Error: Device not supported\n", 255, "INFO"),
    ("========= COMPUTE-SANITIZER\n", None, "INFO"),  # timed out
    ("Segmentation fault\n", 139, "FAIL"),
])
def test_memcheck_verdict(output, code, status):
    assert tools.memcheck_verdict(output, code)[0] == status


def test_bench_parts_are_an_unaligned_shard_and_a_strided_slice():
    (shard, shard_shape, shard_index), (cols, cols_shape, cols_index) = \
        gpu_validate.bench_parts(1 << 29)
    assert shard_index[0].start * shard_shape[1] % 8 == 7  # flat start of the shard
    assert cols_index[1].step == 2
    for shape, index in ((shard_shape, shard_index), (cols_shape, cols_index)):
        size = gpu_validate.part_bytes(shape, index, 4)
        assert (1 << 29) - 4 * shape[1] < size <= 1 << 29  # 512 MiB, as docs/gpu-validation.md says
        rows, columns = np.zeros(shape[0], bool), np.zeros(shape[1], bool)
        full = index + (slice(None),) * (2 - len(index))
        rows[full[0]], columns[full[1]] = True, True
        assert size == rows.sum() * columns.sum() * 4


def test_shell_script_parses_and_rejects_unknown_options_and_steps():
    assert subprocess.run(["bash", "-n", str(BENCHMARKS / "gpu_validate.sh")],
                          check=False).returncode == 0
    for args in (["--fast"], ["--only"], ["--only", "golden,nonsense"], ["--only", ","]):
        bad = subprocess.run(["bash", str(BENCHMARKS / "gpu_validate.sh"), *args],
                             capture_output=True, text=True, check=False)
        assert bad.returncode == 2 and "usage:" in bad.stderr, args


def test_only_reruns_the_named_steps_and_a_killed_step_keeps_its_output(tmp_path):
    """--only hazard,cudnn runs those steps (cudnn: both) and nothing else; the dry run's
    stall check (a step killed at its limit keeps its row and RESULT line) passes."""
    out = tmp_path / "out"
    proc = subprocess.run(["bash", str(BENCHMARKS / "gpu_validate.sh"), "--dry-run",
                           "--only", "hazard,cudnn"], capture_output=True, text=True,
                          env={**child_env(backend=None), "OUT": str(out)}, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = (out / "summary.txt").read_text()
    steps = {line.split("]")[0][1:] for line in summary.splitlines() if line.startswith("[")}
    assert steps == {"hazard", "cudnn-new", "cudnn-old", "stall"}, summary
    assert "[hazard] hazard PASS read-in-flight (W1): 0 of 4096 elements corrupted" in summary
    assert "[stall] PASS a step killed at its limit kept its table row and RESULT line" in summary
    assert sorted(p.name for p in out.iterdir()) == ["cudnn.txt", "env.txt", "golden.txt",
                                                     "summary.txt"]
    # RESULT lines reach stdout as they are measured, before the closing summary.
    assert proc.stdout.index("[hazard] hazard PASS") < proc.stdout.index("=== summary")


def test_golden_fails_on_a_float32_subnormal_mismatch(monkeypatch, capsys):
    """The kernels' float32 arithmetic is flush-proof PTX (tests/test_random.py checks it),
    so a subnormal-range difference is a real failure, not an expected one."""
    monkeypatch.setattr(gpu_validate, "compare",
                        lambda label, *args, **kwargs: label != "subnormal")
    assert not gpu_validate.step_golden()
    assert "RESULT golden FAIL float32 subnormal range" in capsys.readouterr().out
    monkeypatch.setattr(gpu_validate, "compare", lambda *args, **kwargs: True)
    assert gpu_validate.step_golden()


# --------------------------------------------------------------------------- B1

TESTS = Path(__file__).resolve().parent
# tests/conftest.py's hooks in a pytest run of their own, with the GPU pretended present
# or absent (so this holds on any machine).
_INNER_CONFTEST = '''
import importlib.util, os, sys
sys.path.insert(0, {tests!r})
spec = importlib.util.spec_from_file_location("shared_conftest", {conftest!r})
shared = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shared)
shared.gpu_reason = lambda: os.environ.get("PRETEND_NO_GPU") or None
pytest_collection_modifyitems = shared.pytest_collection_modifyitems
pytest_runtest_makereport = shared.pytest_runtest_makereport

def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a GPU")
'''
_INNER_TESTS = '''
import pytest
import mpi_launch

@pytest.mark.gpu
def test_cudnn_skip():
    pytest.skip("cuDNN backend unusable: the frontend does not import")

@pytest.mark.gpu
def test_mpi_skip(monkeypatch):
    monkeypatch.setattr(mpi_launch, "_missing", lambda: "no mpiexec next to Python or on PATH")
    mpi_launch.require_mpi()

def test_plain_skip():
    pytest.skip("not a gpu test")
'''


def _inner_outcomes(tmp_path: Path, **env: str) -> dict[str, tuple[str, str]]:
    """Run the inner tests; return test name -> (outcome, message) from its JUnit report."""
    (tmp_path / "conftest.py").write_text(_INNER_CONFTEST.format(
        tests=str(TESTS), conftest=str(TESTS / "conftest.py")))
    (tmp_path / "test_inner.py").write_text(_INNER_TESTS)
    report = tmp_path / "inner.xml"
    child = {k: v for k, v in child_env().items() if k not in ("GPUPARAM_REQUIRE_MPI",)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", f"--junitxml={report}", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, env={**child, **env},
                          timeout=120, check=False)
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        child_tags = {c.tag: c for c in case}
        for kind in ("failure", "error", "skipped"):
            if kind in child_tags:
                outcomes[case.get("name")] = (kind, child_tags[kind].get("message", ""))
                break
        else:
            outcomes[case.get("name")] = ("passed", "")
    assert outcomes, proc.stdout + proc.stderr
    return outcomes


def test_require_gpu_fails_gpu_and_cudnn_skips_but_keeps_mpi_skips(tmp_path):
    got = _inner_outcomes(tmp_path, GPUPARAM_REQUIRE_GPU="1")
    assert got["test_cudnn_skip"][0] == "failure"
    assert "GPUPARAM_REQUIRE_GPU=1 turns this skip into a failure" in got["test_cudnn_skip"][1]
    assert "cuDNN backend unusable" in got["test_cudnn_skip"][1]
    assert got["test_mpi_skip"] == ("skipped", "MPI unavailable: no mpiexec next to Python or on PATH")
    assert got["test_plain_skip"][0] == "skipped"


def test_require_mpi_still_fails_an_mpi_skip_under_require_gpu(tmp_path):
    got = _inner_outcomes(tmp_path, GPUPARAM_REQUIRE_GPU="1", GPUPARAM_REQUIRE_MPI="1")
    assert got["test_mpi_skip"][0] == "failure"
    assert "GPUPARAM_REQUIRE_MPI=1 but no mpiexec" in got["test_mpi_skip"][1]
    assert got["test_plain_skip"][0] == "skipped"


def test_without_a_gpu_every_gpu_test_fails_for_the_gpu(tmp_path):
    """On a machine without a GPU (this one, or pretended) the failures name the GPU."""
    got = _inner_outcomes(tmp_path, GPUPARAM_REQUIRE_GPU="1", PRETEND_NO_GPU="no device (pretended)")
    for name in ("test_cudnn_skip", "test_mpi_skip"):  # skipped at setup: an error there
        kind, message = got[name]
        assert kind == "error" and "needs a usable GPU: no device (pretended)" in message, got
    assert got["test_plain_skip"][0] == "skipped"
