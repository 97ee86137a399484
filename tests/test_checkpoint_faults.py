"""Checkpoints under faults (issue 23): forked children, killed saves, a failing
directory fsync, and headers built to exhaust the parser.

Each test reproduces a defect that once passed silently or hung; every refused call
leaves the files as they were (the target and no temporary file), except where the
failure comes after the rename, which the error then says.
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import stat
import struct
import subprocess
import sys
import textwrap
import time
import traceback
import warnings

import numpy as np
import pytest
from child_env import child_env

import gpuparam
from gpuparam import Parameter, Tensor
from gpuparam.train import _fileio

FORMATS = ["ckpt", "safetensors"]


def _run_forked(work, timeout_s: float = 60.0) -> int:
    """Run ``work()`` in a forked child; return its exit code, failing if it hangs."""
    with warnings.catch_warnings():  # Python 3.12+ warns about fork in a threaded process
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            work()
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail(f"the forked child hung for {timeout_s} s")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_forked_child_saves_and_loads_after_the_parent_has_saved(tmp_path, fmt):
    # The parent's save starts the checksum threads; a forked child has none of them.
    big = {"w": Tensor(np.arange(100_000, dtype=np.float32))}
    gpuparam.save_checkpoint(big, str(tmp_path / f"parent.{fmt}"), format=fmt, crc_check=True)
    gpuparam.load_checkpoint(str(tmp_path / f"parent.{fmt}"), format=fmt)

    def child():
        path = str(tmp_path / f"child.{fmt}")
        gpuparam.save_checkpoint(big, path, format=fmt, crc_check=True)
        loaded = gpuparam.load_checkpoint(path, format=fmt, crc_check=True)
        assert np.array_equal(loaded["w"].asnumpy(), big["w"].asnumpy())

    assert _run_forked(child) == 0
    assert (tmp_path / f"child.{fmt}").exists()


def test_an_eio_from_the_directory_fsync_is_raised_saying_the_file_is_in_place(tmp_path, monkeypatch):
    path = tmp_path / "d.ckpt"
    gpuparam.save_checkpoint({"old": Tensor([1.0])}, str(path))
    real = os.fsync

    def failing_on_directories(fd):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "Input/output error")
        real(fd)

    monkeypatch.setattr(_fileio.os, "fsync", failing_on_directories)
    with pytest.raises(OSError, match="already in place") as info:
        gpuparam.save_checkpoint({"new": Tensor([2.0])}, str(path))
    assert info.value.errno == errno.EIO and str(tmp_path) in str(info.value)
    monkeypatch.undo()
    assert list(gpuparam.load_checkpoint(str(path))) == ["new"]  # the rename happened
    assert os.listdir(tmp_path) == [path.name]


def test_a_directory_that_cannot_be_fsynced_at_all_is_not_an_error(tmp_path, monkeypatch):
    # Some file systems refuse fsync on a directory (EINVAL): the rename is then as
    # durable as they make it, and the save succeeds.
    real = os.fsync

    def refusing_directories(fd):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real(fd)

    monkeypatch.setattr(_fileio.os, "fsync", refusing_directories)
    gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(tmp_path / "e.ckpt"))
    assert os.listdir(tmp_path) == ["e.ckpt"]


_SLOW_SAVE = textwrap.dedent("""
    import sys, time
    import numpy as np
    import gpuparam
    from gpuparam import Parameter, Tensor
    from gpuparam.common.initializer import Initializer, initializer

    class Stalls(Initializer):
        def _initialize(self, arr):
            print("writing", flush=True)
            time.sleep(120)

    data = Parameter(Tensor(np.ones(250_000, np.float32)), name="data")
    slow = Parameter(initializer(Stalls(), (4,), gpuparam.float32), name="slow")
    gpuparam.save_checkpoint([data, slow], sys.argv[1], format=sys.argv[2])
""")


def _kill_mid_save(path, fmt: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_SAVE, str(path), fmt],
                            stdout=subprocess.PIPE, text=True, env=child_env())
    try:
        assert proc.stdout.readline().strip() == "writing"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_later_save_removes_the_temporary_files_of_killed_saves(tmp_path, fmt):
    path = tmp_path / f"k.{fmt}"
    gpuparam.save_checkpoint({"old": Tensor([1.0])}, str(path), format=fmt)
    for _ in range(3):  # each killed save starts by removing the ones before it
        _kill_mid_save(path, fmt)
    stale = [n for n in os.listdir(tmp_path) if n != path.name]
    assert len(stale) == 1 and stale[0].startswith(f".{path.name}."), stale
    assert list(gpuparam.load_checkpoint(str(path), format=fmt)) == ["old"]  # untouched
    gpuparam.save_checkpoint({"new": Tensor([2.0])}, str(path), format=fmt)
    assert os.listdir(tmp_path) == [path.name]


def test_a_temporary_file_a_live_writer_holds_is_kept(tmp_path):
    path = tmp_path / "live.ckpt"
    held = tmp_path / ".live.ckpt.abcd1234.tmp"  # mkstemp's name for a save of live.ckpt
    other = tmp_path / ".other.ckpt.abcd1234.tmp"  # a killed save of another file
    lookalike = tmp_path / ".live.ckpt.notmine.txt"
    for p in (held, other, lookalike):
        p.write_bytes(b"partial")
    with open(held, "rb") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)  # as a save in progress holds it
        gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(path))
        assert sorted(os.listdir(tmp_path)) == sorted([path.name, held.name, other.name,
                                                       lookalike.name])
    gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(path))  # the writer is gone now
    assert sorted(os.listdir(tmp_path)) == sorted([path.name, other.name, lookalike.name])


def test_two_threads_saving_one_path_never_remove_each_others_temporary(tmp_path):
    import threading

    path = str(tmp_path / "race.ckpt")
    errors = []

    def save(value):
        try:
            for _ in range(20):
                gpuparam.save_checkpoint({"w": Tensor(np.full(20_000, value))}, path)
        except Exception as exc:  # a removed temporary fails the rename
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(v,)) for v in (1.0, 2.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert os.listdir(tmp_path) == ["race.ckpt"]
    assert gpuparam.load_checkpoint(path)["w"].asnumpy()[0] in (1.0, 2.0)


def test_a_safetensors_header_nested_200000_deep_is_a_value_error(tmp_path):
    body = b'{"a":' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    path = tmp_path / "deep.safetensors"
    path.write_bytes(struct.pack("<Q", len(body)) + body)
    with pytest.raises(ValueError, match="nested too deeply") as info:
        gpuparam.load_checkpoint(str(path), format="safetensors")
    assert str(path) in str(info.value)


def test_a_sharded_index_nested_200000_deep_is_a_value_error(tmp_path):
    from gpuparam import communication as comm, nn, parallel

    (tmp_path / "model.safetensors.index.json").write_bytes(b"[" * 200_000 + b"]" * 200_000)
    net = nn.Cell()
    net.w = Parameter(Tensor([1.0]))
    comm.init()
    try:
        with pytest.raises(ValueError, match="nested too deeply"):
            parallel.load_sharded(net, tmp_path)
    finally:
        comm.release()
    assert net.w.asnumpy().tolist() == [1.0]
