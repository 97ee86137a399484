"""The quick-start LeNet-5 (examples/lenet_quickstart.py), against a float64 forward pass."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import gpuparam
from gpuparam import Tensor

from child_env import child_env

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "lenet_quickstart.py"


def _lenet_module():
    spec = importlib.util.spec_from_file_location("lenet_quickstart", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines LeNet5; the demo runs only as __main__
    return module


def _reference(net, x: np.ndarray) -> np.ndarray:
    """LeNet-5 in float64 NumPy from the network's own weights."""
    def conv(a, w, b=None):
        windows = sliding_window_view(a, w.shape[2:], axis=(2, 3))
        return np.einsum("nchwij,ocij->nohw", windows, w.astype(np.float64))

    def pool(a):
        n, c, h, w = a.shape
        return a[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))

    def dense(a, layer):
        return a @ layer.weight.asnumpy().astype(np.float64).T + layer.bias.asnumpy()

    relu = lambda a: np.maximum(a, 0)  # noqa: E731
    a = pool(relu(conv(x.astype(np.float64), net.conv1.weight.asnumpy())))
    a = pool(relu(conv(a, net.conv2.weight.asnumpy())))
    a = a.reshape(a.shape[0], -1)
    a = relu(dense(a, net.fc1))
    a = relu(dense(a, net.fc2))
    return dense(a, net.fc3)


def test_lenet_parameters_as_mindspore_builds_them():
    gpuparam.set_seed(1)
    net = _lenet_module().LeNet5()
    shapes = {name: p.shape for name, p in net.parameters_and_names()}
    assert shapes == {"conv1.weight": (6, 1, 5, 5), "conv2.weight": (16, 6, 5, 5),
                      "fc1.weight": (120, 400), "fc1.bias": (120,), "fc2.weight": (84, 120),
                      "fc2.bias": (84,), "fc3.weight": (10, 84), "fc3.bias": (10,)}
    assert all(p.has_init for _, p in net.parameters_and_names())  # lazy until first use
    fc = net.fc1.weight.asnumpy().astype(np.float64)
    assert abs(fc.std() - 0.02) < 0.002 and abs(fc.mean()) < 0.002  # Normal(0.02)


def test_lenet_forward_matches_float64(xp):
    gpuparam.set_seed(1)
    net = _lenet_module().LeNet5()
    x = np.random.default_rng(0).random((4, 1, 32, 32), dtype=np.float32)
    logits = net(Tensor(x))
    assert logits.shape == (4, 10) and logits.dtype == gpuparam.float32
    expected = _reference(net, x)
    np.testing.assert_allclose(logits.asnumpy(), expected, rtol=0,
                               atol=1e-5 * np.abs(expected).max())


def test_lenet_quickstart_runs_as_a_script():
    env = child_env()
    proc = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["conv1.weight", "(6,", "1,", "5,", "5)"]
    assert "logits: (4, 10) Float32" in proc.stdout
    gpuparam.set_seed(1)
    net = _lenet_module().LeNet5()
    x = np.random.default_rng(0).random((4, 1, 32, 32), dtype=np.float32)
    predicted = _reference(net, x).argmax(axis=1)
    assert lines[-1] == f"predicted classes: {predicted}"
