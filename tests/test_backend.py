"""The backend shim: choice, forcing, errors, host copies."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import gpuparam
from gpuparam import _backend
from gpuparam._backend import streams as _backend_streams


def test_get_array_module_on_host_arrays():
    assert _backend.get_array_module(np.ones(2), 3.0) is np
    assert _backend.get_array_module() is np


def test_set_context_cpu_selects_numpy():
    gpuparam.set_context(device_target="CPU")
    assert _backend.active_array_module() is np
    assert gpuparam.get_context("device_target") == "CPU"
    assert gpuparam.get_context("device_id") == 0


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"device_target": "Ascend"}, ValueError, "`device_target` must be one of"),
    ({"device_target": "gpu"}, ValueError, "`device_target` must be one of"),
    ({"device_target": 1}, TypeError, "`device_target`"),
    ({"device_id": -1}, ValueError, "`device_id` must be an int >= 0"),
    ({"device_id": 1.0}, TypeError, "`device_id` must be an int"),
    ({"save_graphs": True}, TypeError, "unsupported option"),
    ({"mode": 2}, ValueError, "`mode` must be one of"),
])
def test_set_context_rejects_bad_input(kwargs, exc, match):
    before = _backend.active_backend()
    with pytest.raises(exc, match=match):
        gpuparam.set_context(**kwargs)
    assert _backend.active_backend() == before


def test_get_context_rejects_unknown_key():
    with pytest.raises(ValueError, match="get_context: `attr_key`"):
        gpuparam.get_context("save_graphs")


def test_asking_for_gpu_without_one_says_why():
    if _backend.gpu_available():
        pytest.skip("a GPU is usable here")
    with pytest.raises(RuntimeError, match="device_target='CPU'"):
        gpuparam.set_context(device_target="GPU")
    assert _backend.active_backend() == "numpy"


def test_use_backend_restores():
    with _backend.use_backend("numpy") as xp:
        assert xp is np
        assert gpuparam.get_context("device_target") == "CPU"


def test_stream_on_numpy_accepts_only_none():
    with _backend.use_backend("numpy"), gpuparam.stream(None) as s:
        assert s is None
    with _backend.use_backend("numpy"), pytest.raises(TypeError, match="stream: `cuda_stream`"):
        with gpuparam.stream(object()):
            pass


def test_host_copies_and_device_queries_on_numpy():
    with _backend.use_backend("numpy"):
        a = np.arange(3)
        assert _backend.to_host(a) is a
        assert _backend.device_name() == "CPU"
        assert _backend.memory_info() is None
        assert _backend_streams.record_write() == (None, None)
        assert _backend_streams.current_device() is None
        assert _backend.versions()["numpy"] == np.__version__


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full_env, check=False)


def test_numpy_path_never_imports_cupy():
    code = ("import sys, numpy as np, gpuparam\n"
            "t = gpuparam.Tensor(np.ones((2, 2), np.float32)) + 1\n"
            "print(t.asnumpy().sum(), 'cupy' in sys.modules)\n")
    result = _run(code, GPUPARAM_BACKEND="numpy")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["8.0", "False"]


def test_bad_environment_variable_is_a_clear_error():
    result = _run("import gpuparam; gpuparam.Tensor([1.0])", GPUPARAM_BACKEND="tpu")
    assert result.returncode != 0
    assert "GPUPARAM_BACKEND" in result.stderr and "'tpu'" in result.stderr


@pytest.mark.gpu
def test_gpu_queries():
    with _backend.use_backend("cupy"):
        assert _backend.device_name() != "CPU"
        free, total = _backend.memory_info()
        assert 0 < free <= total
        assert _backend.current_stream() is not None


# --------------------------------------------------------------------------- import, never skip silently

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run_in(cwd: str, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": REPO, **env}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                          env=full_env, check=False, timeout=300)


_BLOCK_FASTRLOCK = """
import sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name == "fastrlock" or name.startswith("fastrlock."):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")
sys.meta_path.insert(0, _Block())
"""


def test_runs_from_a_plain_checkout_without_fastrlock(tmp_path):
    code = _BLOCK_FASTRLOCK + (
        "import threading, numpy as np, gpuparam\n"
        "from gpuparam import nn\n"
        "from gpuparam.common.initializer import Normal, initializer\n"
        "assert 'fastrlock' not in sys.modules\n"
        "w = initializer(Normal(0.5), [4, 3, 3, 3], gpuparam.float32)\n"
        "lock = w._lock\n"
        "y = nn.Conv2d(3, 4, 3, weight_init=w)(gpuparam.Tensor(np.ones((1, 3, 5, 5), np.float32)))\n"
        "print(type(lock).__module__, y.shape, gpuparam.__file__.startswith(sys.argv[1]))\n")
    result = _run_in(str(tmp_path), ["-W", "error", "-c", code, REPO], GPUPARAM_BACKEND="numpy")
    assert result.returncode == 0, result.stderr
    module, *rest = result.stdout.split(maxsplit=1)
    assert module in ("_thread", "threading")
    assert rest == ["(1, 4, 5, 5) True\n"]


def _fake_package(root, name: str, body: str) -> None:
    (root / f"{name}.py").write_text(body)


def test_a_warning_while_importing_cupy_is_not_a_missing_gpu(tmp_path):
    # A stand-in CuPy that warns at import (as CuPy 14 does when two wheels are installed),
    # sees one device, and has no loadable NVRTC.
    _fake_package(tmp_path, "cupy", (
        "import warnings, types\n"
        "warnings.warn('CuPy may not function correctly because multiple CuPy packages are "
        "installed', UserWarning)\n"
        "def _no_nvrtc():\n    raise RuntimeError('libnvrtc.so.12: cannot open shared object file')\n"
        "cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=lambda: 1),\n"
        "                             nvrtc=types.SimpleNamespace(getVersion=_no_nvrtc))\n"))
    code = ("from gpuparam import _backend\n"
            "assert _backend.selection._import_cupy() is not None\n"
            "print(_backend.import_warnings())\n"
            "print(_backend.gpu_unavailable_reason())\n")
    result = _run_in(str(tmp_path), ["-W", "error", "-c", code],
                     PYTHONPATH=f"{tmp_path}{os.pathsep}{REPO}")
    assert result.returncode == 0, result.stderr
    warned, reason = result.stdout.splitlines()
    assert "multiple CuPy packages" in warned
    assert reason.startswith("NVRTC (which CuPy needs to compile every kernel) cannot be loaded")
    assert "libnvrtc.so.12" in reason


def test_a_warning_while_importing_the_cudnn_frontend_is_not_a_missing_cudnn(tmp_path):
    _fake_package(tmp_path, "cudnn", (
        "import warnings\n"
        "warnings.warn('cuda.bindings is deprecated', DeprecationWarning)\n"
        "__version__ = '1.23.0'\n"
        "def backend_version():\n    return 91000\n"))
    code = ("from gpuparam.ops import _conv_cudnn\n"
            "module, reason = _conv_cudnn._import_cudnn()\n"
            "print(module.__version__, reason)\n")
    result = _run_in(str(tmp_path), ["-W", "error", "-c", code],
                     PYTHONPATH=f"{tmp_path}{os.pathsep}{REPO}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1.23.0", "None"]


def test_the_reason_a_gpu_is_missing_names_the_failed_import(monkeypatch):
    _backend.selection._import_cupy.cache_clear()
    monkeypatch.setitem(sys.modules, "cupy", None)  # makes `import cupy` fail
    monkeypatch.setattr(_backend.selection, "_cupy_import_error", [])
    try:
        reason = _backend.gpu_unavailable_reason()
    finally:
        _backend.selection._import_cupy.cache_clear()
    assert reason is not None and reason.startswith("CuPy is not installed or fails to import")
    assert "ModuleNotFoundError" in reason or "ImportError" in reason


def _pytest_gpu(selection: str = "gpu_queries or gpu_read_after_write",
                **env: str) -> subprocess.CompletedProcess[str]:
    return _run_in(REPO, ["-m", "pytest", "-m", "gpu", "-q", "-p", "no:cacheprovider",
                          "tests/test_backend.py", "tests/test_stream_order.py",
                          "-k", selection], **env)


def test_require_gpu_turns_every_gpu_skip_into_a_failure():
    reason = _backend.gpu_unavailable_reason()
    if reason is None:  # on a GPU machine (cuDNN or not), a plain gpu test must pass
        required = _pytest_gpu("gpu_queries", GPUPARAM_REQUIRE_GPU="1")
        assert required.returncode == 0, required.stdout
        return
    required = _pytest_gpu(GPUPARAM_REQUIRE_GPU="1")
    assert required.returncode == 1, required.stdout
    assert "2 errors" in required.stdout and "skipped" not in required.stdout  # at setup
    assert ("GPUPARAM_REQUIRE_GPU=1 turns this skip into a failure: Skipped: needs a usable "
            f"GPU: {reason}") in required.stdout
    plain = _pytest_gpu(GPUPARAM_REQUIRE_GPU="0")
    assert plain.returncode == 0, plain.stdout
    assert "2 skipped" in plain.stdout


def test_non_gpu_tests_run_on_numpy():
    assert _backend.selection._chosen == "numpy"
    assert _backend.active_array_module() is np
