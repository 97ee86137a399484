"""The GPU path of checkpoint reads and writes, on the CPU: pinned double buffers.

A fake device array (a NumPy subclass) and fake asynchronous copies stand for CuPy:
a copy happens only when its event is synchronized, reading the pinned buffer as it
is then. So a buffer refilled before its copy finished, or a file written from a
buffer whose copy has not finished, gives wrong bytes, and the tests see it.
"""

from __future__ import annotations

import numpy as np
import pytest

from gpuparam import _backend
from gpuparam.train import _safetensors, _transfer


class FakeDevice(np.ndarray):
    """Stands for a cupy.ndarray."""


class FakeEvent:
    def __init__(self, log: list[str], name: str, copy) -> None:
        self._copy, self._log, self._name = copy, log, name

    def synchronize(self) -> None:
        if self._copy is not None:
            self._copy()
            self._copy = None
            self._log.append(self._name)


@pytest.fixture
def fake_gpu(monkeypatch):
    log: list[str] = []
    pinned: list[np.ndarray] = []

    def pinned_bytes(nbytes):
        pinned.append(np.zeros(nbytes, np.uint8))
        return pinned[-1]

    def upload_async(host, device):
        assert any(np.shares_memory(host, p) for p in pinned), "uploads go through pinned memory"
        return FakeEvent(log, "up", lambda: np.copyto(np.asarray(device), host))

    def download_async(device, host):
        assert any(np.shares_memory(host, p) for p in pinned), "downloads go through pinned memory"
        return FakeEvent(log, "down", lambda: np.copyto(host, np.asarray(device)))

    monkeypatch.setattr(_backend, "is_device_array", lambda a: isinstance(a, FakeDevice))
    monkeypatch.setattr(_backend, "pinned_bytes", pinned_bytes)
    monkeypatch.setattr(_backend, "upload_async", upload_async)
    monkeypatch.setattr(_backend, "download_async", download_async)
    monkeypatch.setattr(_transfer, "CHUNK_BYTES", 2 << 20)  # several pieces per tensor
    return log, pinned


def _values(n, seed):
    return np.random.default_rng(seed).integers(0, 2**31, n, dtype=np.int64).astype(np.float64)


def test_device_tensors_are_written_through_two_pinned_buffers(tmp_path, fake_gpu):
    log, pinned = fake_gpu
    host = {"a": _values(1_000_003, 1), "b": _values(10, 2)}  # 8 MB: four pieces, and a small one
    on_device = [(name, value.view(FakeDevice)) for name, value in host.items()]
    _safetensors.write_file(str(tmp_path / "dev.safetensors"), on_device, {"format": "ms"},
                            crc_num=True)
    assert len(pinned) == 2 and log.count("down") == 5
    _safetensors.write_file(str(tmp_path / "host.safetensors"), list(host.items()),
                            {"format": "ms"}, crc_num=True)
    assert (tmp_path / "dev.safetensors").read_bytes() == (tmp_path / "host.safetensors").read_bytes()


def test_device_destinations_are_read_through_two_pinned_buffers(tmp_path, fake_gpu):
    log, pinned = fake_gpu
    values = {"a": _values(1_000_003, 3), "b": _values(7, 4)}
    path = tmp_path / "m.safetensors"
    _safetensors.write_file(str(path), list(values.items()), {"format": "ms"})
    with open(path, "rb", buffering=0) as f:
        reader = _transfer.Reader(f, str(path))
        header = _safetensors.read_header(reader, path.stat().st_size)
        outs = {name: np.zeros(v.shape, v.dtype).view(FakeDevice) for name, v in values.items()}
        checks = [_safetensors.read_tensor_into(reader, header, name, out)
                  for name, out in outs.items()]
        for check in checks:
            check.finish()
        reader.drain()  # once, at the end
    assert len(pinned) == 2 and log.count("up") == 5
    for name, value in values.items():
        assert np.asarray(outs[name]).tobytes() == value.tobytes(), name


def test_a_damaged_file_read_to_the_device_fails_its_checksum(tmp_path, fake_gpu):
    path = tmp_path / "m.safetensors"
    _safetensors.write_file(str(path), [("a", _values(600_000, 5))], {"format": "ms"})
    raw = bytearray(path.read_bytes())
    raw[-100] ^= 4
    path.write_bytes(bytes(raw))
    with open(path, "rb", buffering=0) as f:
        reader = _transfer.Reader(f, str(path))
        header = _safetensors.read_header(reader, path.stat().st_size)
        out = np.zeros(600_000).view(FakeDevice)
        check = _safetensors.read_tensor_into(reader, header, "a", out)
        with pytest.raises(ValueError, match="tensor 'a': gsum64 segment"):
            check.finish()
        reader.drain()
