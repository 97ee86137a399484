"""The backend shim: choice, forcing, errors, host copies."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import gpuparam
from gpuparam import _backend


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
        assert _backend.record_ready_event() is None
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
