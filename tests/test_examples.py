"""Every example runs on the CPU and prints what its reference page shows.

Each example runs once, in a subprocess with ``GPUPARAM_BACKEND=numpy``, through a small
runner that also hands back the values of chosen expressions (``output``,
``net.weight``, ...) evaluated in the example's namespace after it ran. Deterministic
output is compared exactly with the page's; random output is checked for the property
the page states (``Normal(0.2)`` gives 20 times the ``'Normal'`` values after the same
``set_seed``) and against independent float64 computations.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from child_env import child_env

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# Runs an example as __main__, then evaluates expressions in its namespace, in order.
_RUNNER = r"""
import json, runpy, sys
import numpy as np
path, dump, exprs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path.insert(0, str(__import__("pathlib").Path(path).parent))
sys.argv = [path]
try:
    namespace = runpy.run_path(path, run_name="__main__")
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
    namespace = {}
arrays, values = {}, {}
for i, expr in enumerate(exprs):
    value = eval(expr, namespace)
    if hasattr(value, "asnumpy"):
        value = value.asnumpy()
    if isinstance(value, np.ndarray):
        arrays[f"a{i}"] = value
    else:
        values[expr] = repr(value)
np.savez(dump + ".npz", **arrays)
with open(dump + ".json", "w") as f:
    json.dump({"values": values, "arrays": {f"a{i}": e for i, e in enumerate(exprs)}}, f)
"""


def _env() -> dict[str, str]:
    return child_env()


class Run:
    """An example's stdout and the values of the expressions asked for."""

    def __init__(self, stdout: str, arrays: dict[str, np.ndarray], values: dict[str, str]):
        self.stdout = stdout
        self._arrays = arrays
        self._values = values

    def __getitem__(self, expr: str) -> Any:
        if expr in self._arrays:
            return self._arrays[expr]
        return self._values[expr]


@functools.cache
def run(name: str, *exprs: str) -> Run:
    """Run ``examples/<name>.py`` once (cached) and evaluate ``exprs`` afterwards."""
    dump = str(Path(os.environ.get("TMPDIR", "/tmp")) / f"gpuparam_example_{os.getpid()}_{name}")
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(EXAMPLES / f"{name}.py"), dump, json.dumps(exprs)],
        capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=120)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stderr}"
    try:
        with open(dump + ".json") as f:
            meta = json.load(f)
        with np.load(dump + ".npz") as npz:
            arrays = {meta["arrays"][k]: npz[k] for k in npz.files}
    finally:
        for suffix in (".json", ".npz"):
            if os.path.exists(dump + suffix):
                os.remove(dump + suffix)
    return Run(proc.stdout, arrays, meta["values"])


def run_script(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), *args],
                          capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=120)


# --------------------------------------------------------------------------- references

def conv_reference(x: np.ndarray, w: np.ndarray, pad: str) -> np.ndarray:
    """Cross-correlation in float64, stride 1, group 1, 'same' or 'valid' padding."""
    x, w = x.astype(np.float64), w.astype(np.float64)
    kernel = w.shape[2:]
    if pad == "same":
        widths = [(0, 0), (0, 0)] + [((k - 1) // 2, k - 1 - (k - 1) // 2) for k in kernel]
        x = np.pad(x, widths)
    windows = sliding_window_view(x, kernel, axis=tuple(range(2, x.ndim)))
    letters = "defgh"[:len(kernel)]
    return np.einsum(f"nc...{letters},oc{letters}->no...", windows, w)


def assert_close(actual: np.ndarray, expected: np.ndarray, rel: float = 1e-5) -> None:
    """Equal to float32 accuracy, relative to the array's scale (sums cancel)."""
    assert actual.shape == expected.shape
    scale = float(np.abs(expected).max())
    assert scale > 0
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rel * scale)


def assert_20x(big: np.ndarray, small: np.ndarray) -> None:
    """``Normal(0.2)`` values are 20 times ``Normal(0.01)``'s from the same key: both
    scale the same float32 quantile ``z`` by ``float32(sigma)`` and round once, so they
    agree to within the two sigmas' float32 representation and one rounding each."""
    assert big.shape == small.shape and big.dtype == small.dtype
    np.testing.assert_allclose(big, 20 * small.astype(np.float64), rtol=2 ** -22, atol=0)


ONES_2D = np.ones([1, 3, 16, 50], np.float32)
ONES_3D = np.ones([16, 3, 10, 32, 32], np.float32)


def twelve_eighteen_27(output: np.ndarray) -> None:
    assert output.shape == (1, 64, 16, 50) and output.dtype == np.float32
    expected = conv_reference(ONES_2D, np.ones([64, 3, 3, 3]), "same")
    np.testing.assert_array_equal(output, expected)
    assert set(np.unique(output)) == {12.0, 18.0, 27.0}


def printed_like_numpy(run_: Run, expr: str = "output") -> None:
    """``print(tensor)`` prints exactly what NumPy prints for its values (as MindSpore)."""
    assert run_.stdout == str(run_[expr]) + "\n"


# --------------------------------------------------------------------------- page 000

PAGE000_12_18_27_BLOCK = """\
[[[[12. 18. 18. ... 18. 18. 12.]
   [18. 27. 27. ... 27. 27. 18.]
   [18. 27. 27. ... 27. 27. 18.]
   ...
   [18. 27. 27. ... 27. 27. 18.]
   [18. 27. 27. ... 27. 27. 18.]
   [12. 18. 18. ... 18. 18. 12.]]
"""


def test_page000_conv2d_custom_tensor():
    r = run("page000_conv2d_custom_tensor", "output")
    assert r.stdout.startswith(PAGE000_12_18_27_BLOCK)
    assert r.stdout.rstrip().endswith("[12. 18. 18. ... 18. 18. 12.]]]]")
    rows = {line.strip(" []") for line in r.stdout.splitlines()} - {"", "..."}
    assert rows == {"12. 18. 18. ... 18. 18. 12.", "18. 27. 27. ... 27. 27. 18."}
    twelve_eighteen_27(r["output"])


def test_page000_conv2d_normal_string_and_subclass():
    small = run("page000_conv2d_string_init", "output", "net.weight", "input_data")
    big = run("page000_conv2d_initializer_subclass", "output", "net.weight")
    w_small, w_big = small["net.weight"], big["net.weight"]
    assert w_small.shape == (64, 3, 3, 3) and w_small.dtype == np.float32
    assert 0.009 < w_small.std() < 0.011 and abs(w_small.mean()) < 0.001  # 'Normal' = N(0, 0.01**2)
    assert_20x(w_big, w_small)
    for r, w in ((small, w_small), (big, w_big)):
        assert_close(r["output"], conv_reference(ONES_2D, w, "same"))
        printed_like_numpy(r)
    assert_close(big["output"], 20 * small["output"].astype(np.float64))
    np.testing.assert_array_equal(small["input_data"], ONES_2D)


def test_page000_same_seed_same_numbers_in_another_process():
    again = run_script("page000_conv2d_string_init")
    assert again.returncode == 0, again.stderr
    assert again.stdout == run("page000_conv2d_string_init", "output", "net.weight",
                               "input_data").stdout


def test_page000_conv3d_tensor_init_prints_108():
    r = run("page000_conv3d_tensor_init", "output", "weight is weight_init")
    out = r["output"]
    assert out.shape == (16, 32, 7, 30, 30) and out.dtype == np.float32
    assert np.all(out == 108)
    tokens = set(re.findall(r"[^\s\[\]]+", r.stdout))
    assert tokens == {"108.", "..."}
    assert r.stdout.startswith("[[[[[108. 108. 108. ... 108. 108. 108.]\n")
    assert r["weight is weight_init"] == "True"  # initializer(Tensor, shape) returns the Tensor


def test_page000_conv3d_lazy_normal_is_initialized_not_zeros():
    """MindSpore prints zeros here (it convolves with an uninitialized buffer); gpuparam
    materializes the weight when the convolution reads it."""
    small = run("page000_conv3d_string_init", "output", "weight", "weight.has_init")
    big = run("page000_conv3d_initializer_subclass", "output", "weight")
    w = small["weight"]
    assert small["weight.has_init"] == "False"
    assert w.shape == (32, 3, 4, 3, 3) and w.dtype == np.float32
    assert 0.009 < w.std() < 0.011
    out = small["output"]
    assert out.shape == (16, 32, 7, 30, 30) and np.count_nonzero(out) == out.size
    # The input is all ones, so output channel o is the sum of weight[o] everywhere.
    expected = conv_reference(ONES_3D[:1, :, :5, :4, :4], w, "valid")
    assert_close(out[:1, :, :2, :2, :2], expected)
    sums = w.astype(np.float64).sum(axis=(1, 2, 3, 4))
    assert_close(out, np.broadcast_to(sums[None, :, None, None, None], out.shape))
    assert_20x(big["weight"], w)
    assert_close(big["output"], 20 * out.astype(np.float64))
    printed_like_numpy(small)


PAGE000_PARAMETERS = (
    "Parameter (name=x, shape=(2, 3), dtype=Int64, requires_grad=True) \n\n"
    " Parameter (name=y, shape=(1, 2, 3), dtype=Float32, requires_grad=True) \n\n"
    " Parameter (name=z, shape=(), dtype=Float32, requires_grad=True)\n")


def test_page000_parameter_declaration():
    # Int64, not the English page's Int32: np.arange gives int64 on Linux (docs/porting.md).
    assert run("page000_parameter_declaration").stdout == PAGE000_PARAMETERS


# --------------------------------------------------------------------------- page 002

def test_page002_initializer_instance():
    r = run("page002_initializer_instance", "output", "net.weight")
    assert r["output"].shape == (1, 64, 16, 50)
    assert 0.18 < r["net.weight"].std() < 0.22
    assert_close(r["output"], conv_reference(ONES_2D, r["net.weight"], "same"))
    assert r.stdout == ""


def test_page002_string_init_is_case_insensitive():
    r = run("page002_string_init", "output", "net.weight.has_init", "net.weight")
    assert r["net.weight.has_init"] == "False"  # materialized by the call
    assert 0.009 < r["net.weight"].std() < 0.011  # 'normal' is Normal(0.01)
    assert_close(r["output"], conv_reference(ONES_2D, r["net.weight"], "same"))


def test_page002_custom_initializer():
    assert run("page002_custom_xavier_normal", "XavierNormal().gain").stdout == ""
    r = run("page002_custom_xavier_normal_use", "output", "net.weight")
    w = r["net.weight"]
    std = math.sqrt(2.0 / (3 * 9 + 64 * 9))
    assert w.shape == (64, 3, 3, 3) and 0.9 * std < w.std() < 1.1 * std
    assert_close(r["output"], conv_reference(ONES_2D, w, "same"))


def test_page002_cell_traversal():
    r = run("page002_cell_traversal", "[n for n, _ in net.parameters_and_names()]",
            "net.weight.has_init", "net.weight.init", "net.bias.has_init", "net.bias")
    assert r["[n for n, _ in net.parameters_and_names()]"] == "['weight', 'bias']"
    assert r["net.weight.has_init"] == "True"  # set_data(initializer(...)) stays lazy
    assert r["net.weight.init"] == "Normal(sigma=0.01, mean=0.0)"
    assert r["net.bias.has_init"] == "True"
    np.testing.assert_array_equal(r["net.bias"], np.zeros(64, np.float32))


# --------------------------------------------------------------------------- page 003

PAGE003_EXACT = {
    "page003_dtype": "Int32\n",
    "page003_dtype_conversion": "<class 'numpy.int32'>\nInt64\n<class 'float'>\n",
    "page003_parameter_from_numbers": (
        "<class 'gpuparam._parameter.Parameter'>\n"
        "Parameter (name=x, shape=(), dtype=Float32, requires_grad=True) value: 2.0\n"
        "Parameter (name=y, shape=(), dtype=Float32, requires_grad=True) value: 5.0\n"
        "Parameter (name=z, shape=(), dtype=Int32, requires_grad=False) value: 5\n"),
    "page003_parameter_from_tensor":
        "Parameter (name=tensor, shape=(2, 3), dtype=Int64, requires_grad=True)\n",
    "page003_parameter_from_initializer":
        "Parameter (name=x, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n",
    "page003_parameter_attributes": (
        "x:  Parameter (name=x, shape=(2, 3), dtype=Int64, requires_grad=True)\n"
        "x.data:  Parameter (name=x, shape=(2, 3), dtype=Int64, requires_grad=True)\n"),
    "page003_parameter_clone": (
        "Parameter (name=Parameter, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n"
        "Parameter (name=x_clone, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n"),
    "page003_parameter_set_data": (
        "Parameter (name=x, shape=(1, 2), dtype=Float32, requires_grad=True) [[1. 1.]]\n"
        "Parameter (name=x, shape=(1, 2), dtype=Float32, requires_grad=True) [[0. 0.]]\n"
        "Parameter (name=x, shape=(1, 4), dtype=Float32, requires_grad=True) [[1. 1. 1. 1.]]\n"),
    "page003_parameter_init_data":
        "Parameter (name=x, shape=(1, 2), dtype=Float32, requires_grad=True) [[1. 1.]]\n",
    "page003_parameter_tuple": (
        "(Parameter (name=x, shape=(2, 3), dtype=Int64, requires_grad=True), "
        "Parameter (name=y, shape=(1, 2, 3), dtype=Float32, requires_grad=True), "
        "Parameter (name=z, shape=(), dtype=Float32, requires_grad=True))\n"
        "(Parameter (name=params_copy.x, shape=(2, 3), dtype=Int64, requires_grad=True), "
        "Parameter (name=params_copy.y, shape=(1, 2, 3), dtype=Float32, requires_grad=True), "
        "Parameter (name=params_copy.z, shape=(), dtype=Float32, requires_grad=True))\n"),
}


@pytest.mark.parametrize("name", sorted(PAGE003_EXACT))
def test_page003_prints_the_page(name):
    assert run(name).stdout == PAGE003_EXACT[name]


def test_page003_parameter_update():
    r = run("page003_parameter_update", "param", "output")
    before, after = r.stdout.split("Parameter update:\n")
    assert after == (" [[ 0.  1.  2.]\n [ 3.  4.  5.]\n [ 6.  7.  8.]\n [ 9. 10. 11.]]\n")
    first = np.array([float(v) for v in re.findall(r"-?\d+\.\d*(?:e[-+]\d+)?", before)])
    # nn.Dense's default weight: HeUniform(negative_slope=sqrt(5)) = U(-1/sqrt(3), 1/sqrt(3)).
    assert first.size == 12 and np.all(np.abs(first) <= 1 / math.sqrt(3)) and np.ptp(first) > 0
    np.testing.assert_array_equal(r["param"], np.arange(12, dtype=np.float32).reshape(4, 3))
    np.testing.assert_array_equal(r["output"], r["param"])


def test_page003_network_initialization():
    big = run("page003_network_init_initializer", "output", "net.weight")
    small = run("page003_network_init_string", "output", "net.weight")
    assert_20x(big["net.weight"], small["net.weight"])
    assert_close(big["output"], 20 * small["output"].astype(np.float64))
    assert_close(small["output"], conv_reference(ONES_2D, small["net.weight"], "same"))
    twelve_eighteen_27(run("page003_network_init_tensor", "output")["output"])
    # Page 003's set_seed(1) samples match page 000's: the same seed, the same creation order.
    np.testing.assert_array_equal(
        small["net.weight"], run("page000_conv2d_string_init", "output", "net.weight",
                                 "input_data")["net.weight"])


# --------------------------------------------------------------------------- page 004

PAGE004_EXACT = {
    # Int64 where page 004 shows Int32 (docs/porting.md, "Int32 or Int64").
    "page004_parameter_declaration": PAGE000_PARAMETERS,
    "page004_parameter_attributes": (
        "name:  Parameter \n sliced:  False \n is_init:  False \n inited_param:  None \n"
        " requires_grad:  True \n layerwise_parallel:  False \n"
        " data:  Parameter (name=Parameter, shape=(2, 3), dtype=Int64, requires_grad=True)\n"),
    "page004_parameter_methods": (
        "Parameter (name=Parameter, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n"
        "Parameter (name=x_clone, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n"
        "Parameter (name=Parameter, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n"
        "Parameter (name=Parameter, shape=(1, 2, 3), dtype=Float32, requires_grad=True)\n"),
    "page004_parameter_tuple": (
        "(Parameter (name=x, shape=(2, 3), dtype=Int64, requires_grad=True), "
        "Parameter (name=y, shape=(1, 2, 3), dtype=Float32, requires_grad=True), "
        "Parameter (name=z, shape=(), dtype=Float32, requires_grad=True)) \n\n"
        "(Parameter (name=params_copy.x, shape=(2, 3), dtype=Int64, requires_grad=True), "
        "Parameter (name=params_copy.y, shape=(1, 2, 3), dtype=Float32, requires_grad=True), "
        "Parameter (name=params_copy.z, shape=(), dtype=Float32, requires_grad=True))\n"),
    "page004_depend": "[[5. 5. 5.]\n [5. 5. 5.]\n [5. 5. 5.]]\n",
}


@pytest.mark.parametrize("name", sorted(PAGE004_EXACT))
def test_page004_prints_the_page(name):
    assert run(name).stdout == PAGE004_EXACT[name]


def test_page004_methods_values():
    r = run("page004_parameter_methods", "x_clone.has_init", "x", "x_clone")
    # set_data cast the int64 data into the Float32 parameter; the clone kept the ones.
    np.testing.assert_array_equal(r["x"], np.arange(6, dtype=np.float32).reshape(1, 2, 3))
    assert r["x_clone.has_init"] == "True"
    np.testing.assert_array_equal(r["x_clone"], np.ones((1, 2, 3), np.float32))


# --------------------------------------------------------------------------- coverage

TESTED = ({"page000_conv2d_custom_tensor", "page000_conv2d_string_init",
           "page000_conv2d_initializer_subclass", "page000_conv3d_tensor_init",
           "page000_conv3d_string_init", "page000_conv3d_initializer_subclass",
           "page000_parameter_declaration", "page002_initializer_instance",
           "page002_string_init", "page002_custom_xavier_normal",
           "page002_custom_xavier_normal_use", "page002_cell_traversal",
           "page003_parameter_update", "page003_network_init_initializer",
           "page003_network_init_string", "page003_network_init_tensor"}
          | set(PAGE003_EXACT) | set(PAGE004_EXACT))


def test_every_page_example_is_tested_and_is_a_plain_port():
    found = {p.stem for p in EXAMPLES.glob("page*.py")}
    assert found == TESTED
    for name in found:
        text = (EXAMPLES / f"{name}.py").read_text()
        assert not re.search(r"^\s*(import|from)\s+mindspore", text, re.M), name
        assert re.search(r"^(import|from) gpuparam", text, re.M), name


# --------------------------------------------------------------------------- other examples

def test_large_model_small_scale_shards_equal_the_whole():
    proc = run_script("large_model_lazy_init", "--scale", "0.01", "--layers", "3", "--all",
                      "--check")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "built 6 parameters, 81,180 values" in out  # 3 x (164 * 164 + 164)
    assert "all lazy (no buffer yet): True" in out
    assert "originals still lazy: True" in out
    assert "materializing 102 of 102 shards" in out
    assert "shards equal the rows of the whole parameters: True" in out
    assert re.search(r"after materializing: host peak RSS \d+\.\d\d GiB, device pool 0\.00 GiB", out)


def test_large_model_default_builds_billions_lazily():
    proc = run_script("large_model_lazy_init", "--shards", "1", "--shard-rows", "2")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # 16 Dense(16384, 16384) layers: 16 * (16384**2 + 16384) values, no memory taken.
    assert f"built 32 parameters, {16 * (16384 ** 2 + 16384):,} values (4.30 billion" in out
    assert "all lazy (no buffer yet): True" in out
    assert "materializing 1 of 262144 shards" in out
    assert "shard 1/1" in out and "body.0.weight[0:2]" in out


def test_distributed_init_runs_as_a_single_process():
    proc = run_script("distributed_init")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "world size 1, backend self", "rank 0 holds fc1.weight rows 100 of 100",
        "broadcast from rank 0: ['scale']", "scale values across ranks: [0.5]",
        "gathered shards == single-process weights: True"]


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None
                    or importlib.util.find_spec("scipy") is None,
                    reason="plot_initializers needs the plot extra (matplotlib, scipy)")
def test_plot_initializers_writes_one_png(tmp_path):
    target = tmp_path / "init.png"
    proc = run_script("plot_initializers", str(target))
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in proc.stdout and "(15 panels" in proc.stdout
    p_values = [float(p) for p in re.findall(r"KS p=(\d\.\d+)", proc.stdout)]
    assert len(p_values) == 15 and min(p_values) > 1e-4  # fixed seed: deterministic


def test_python_m_gpuparam_reports_the_numpy_backend():
    proc = subprocess.run([sys.executable, "-m", "gpuparam"], capture_output=True, text=True,
                          env=_env(), cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("gpuparam ")
    assert "backend:         numpy (CPU; forced by GPUPARAM_BACKEND=numpy" in out
    assert "device:          CPU" in out
    assert f"NumPy:           {np.__version__}" in out
    assert "convolution:     gemm by default" in out
    assert "environment:     GPUPARAM_BACKEND=numpy" in out


def test_report_function():
    from gpuparam import _backend
    from gpuparam.__main__ import _cuda_version, _cudnn_version, report

    with _backend.use_backend("numpy"):
        text = report()
    lines = text.splitlines()
    assert lines[0].startswith("gpuparam ") and lines[1].startswith("backend:         numpy")
    for label in ("NumPy:", "CuPy:", "CUDA runtime:", "cuDNN frontend:", "cuDNN:",
                  "convolution:"):
        assert any(line.startswith(label) for line in lines), label
    assert _cuda_version("12080") == "12.8" and _cuda_version("13000") == "13.0"
    assert _cudnn_version("90300") == "9.3.0 (90300)" and _cudnn_version("8902") == "8.9.2 (8902)"
    assert _cuda_version(None) is None


def test_python_m_gpuparam_explains_a_forced_gpu_it_cannot_use():
    from gpuparam import _backend

    reason = _backend.gpu_unavailable_reason()
    if reason is None:
        pytest.skip("a GPU is usable here")
    env = dict(_env(), GPUPARAM_BACKEND="cupy")
    proc = subprocess.run([sys.executable, "-m", "gpuparam"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 1, proc.stderr  # no usable backend: a failing exit status
    assert "backend:         none: GPUPARAM_BACKEND=cupy: the GPU backend was asked for" in proc.stdout


def test_checkpoint_save_load_example():
    proc = run_script("checkpoint_save_load")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "still lazy after saving: True\n"
        "names: ['conv1.weight', 'fc.weight', 'fc.bias', 'epoch_num', 'optimizer']\n"
        "epoch_num: 10 Int64\n"
        "optimizer: Momentum\n"
        "param_not_load: [] ckpt_not_load: ['epoch_num', 'optimizer']\n"
        "same weights: True\n"
        "from the wrapper: True True\n"
        "refused: load_param_into_net: nothing was loaded; shapes differ for 1 parameter(s): "
        "'fc.weight': the network has shape (10, 16), the dict ('fc.weight') (10, 15)\n"
        "unchanged: True\n"
        "left out: [\"['optimizer'] were not converted.\"]\n"
        "loaded in the background: True\n"
        "files: ['lenet.ckpt', 'lenet.safetensors', 'wrapped.safetensors']\n")
