"""File plumbing shared by the checkpoint formats: atomic writes, and moving array bytes
between a file and a host or device array without holding more than one tensor.

- ``atomic_write(path)``: a context manager yielding a binary file object; the data
  goes to a unique temporary file in the target's directory (``tempfile.mkstemp``),
  which is flushed, fsynced and renamed over the target (``os.replace``), and then the
  directory is fsynced. On any exception the temporary file is removed and the old
  target is untouched (DESIGN.md contract 9).
- ``host_bytes(tensor_or_array)``: a C-ordered host array for writing (a lazy tensor is
  generated into a temporary copy; the tensor itself stays lazy).
- ``write_array(f, array, crc)``: write an array's bytes, returning the updated crc32.
- ``Reader(f, path)``: ``read_exact``, ``crc_range``, and ``read_into(offset, nbytes,
  out, byte_offset, what, crc)``, which reads file bytes straight into the byte range
  ``[byte_offset, byte_offset + nbytes)`` of a preallocated C-contiguous array (NumPy
  directly, CuPy through two reusable pinned host buffers; call ``drain()`` before the
  reader goes away), chaining a crc32 over them on worker threads when asked
  (``_crc.ParallelCrc``; ``write_array`` does the same while it writes).
- ``Progress(label, total_bytes)``: the terminal progress line.
"""

from __future__ import annotations

import contextlib
import copy
import os
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from typing import IO, Any

import numpy as np

from .. import _backend
from .._tensor import Tensor
from ._crc import ParallelCrc

# Bytes moved per read/write call: large enough for full disk speed, small enough that
# a staging buffer (pinned memory on the GPU path) stays small.
CHUNK_BYTES = 64 << 20


@contextlib.contextmanager
def atomic_write(path: str) -> Iterator[IO[bytes]]:
    """Yield a file whose contents replace ``path`` only if the block completes."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        # mkstemp creates 0600; a checkpoint gets the usual permissions (umask applies).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself durable. Some platforms cannot open a directory; the
    # rename is then as durable as the platform makes it.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def host_bytes(data: Any) -> np.ndarray:
    """Return ``data`` (a Tensor, lazy or not, or a NumPy/CuPy array) as a C-ordered host
    array. May synchronize the device. A lazy tensor is generated into a temporary copy
    (same initializer and key, so the same values) and stays lazy itself."""
    if isinstance(data, Tensor):
        if data.has_init:
            data = copy.deepcopy(data)  # keeps the key: the values the tensor will have
        array = data._read()
    else:
        array = data
    host = _backend.to_host(array)
    # np.asarray(order="C") keeps a 0-d array 0-d (np.ascontiguousarray would not).
    return np.asarray(host, order="C")


def write_array(f: IO[bytes], host: np.ndarray, crc: int | None = None) -> int | None:
    """Write the bytes of a C-ordered host array; return the crc32 chained from ``crc``."""
    flat = _raw_bytes(host)
    hasher = None if crc is None else ParallelCrc(crc)  # hashes while the next piece is written
    try:
        for start in range(0, flat.size, CHUNK_BYTES):
            piece = memoryview(flat[start:start + CHUNK_BYTES])
            if hasher is not None:
                hasher.add(piece)
            f.write(piece)
    finally:
        result = hasher.value() if hasher is not None else crc
    return result


def _raw_bytes(array: Any) -> Any:
    """A flat uint8 view of a C-contiguous array (NumPy or CuPy)."""
    return array.reshape(-1).view(np.uint8)


class Reader:
    """Reads file byte ranges into preallocated arrays; keeps a pinned staging buffer
    for CuPy destinations and a running crc32 when asked."""

    def __init__(self, f: Any, path: str) -> None:  # a binary file object with readinto
        self.f = f
        self.path = path
        self._pinned: list[Any] = []
        self._events: list[Any] = []

    def read_exact(self, offset: int, nbytes: int, what: str) -> bytes:
        self.f.seek(offset)
        parts, got = [], 0
        while got < nbytes:  # an unbuffered file may return fewer bytes than asked
            data = self.f.read(nbytes - got)
            if not data:
                raise ValueError(f"{self.path}: {what}: the file ends at byte "
                                 f"{offset + got}, before the {nbytes} bytes it needs.")
            parts.append(data)
            got += len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def drain(self) -> None:
        """Wait for the copies out of the pinned buffers (before they may be freed)."""
        for event in self._events:
            if event is not None:
                event.synchronize()

    def read_into(self, offset: int, nbytes: int, out: Any, byte_offset: int, what: str,
                  crc: int | None = None) -> int | None:
        """Read ``nbytes`` at file ``offset`` into bytes ``[byte_offset, +nbytes)`` of ``out``."""
        dest = _raw_bytes(out)[byte_offset:byte_offset + nbytes]
        if _backend.is_device_array(out):
            return self._read_to_device(offset, nbytes, dest, what, crc)
        self.f.seek(offset)
        done = 0
        view = memoryview(dest)
        hasher = None if crc is None else ParallelCrc(crc)  # hashes while the next is read
        try:
            while done < nbytes:
                got = self.f.readinto(view[done:done + CHUNK_BYTES])
                if not got:
                    raise ValueError(f"{self.path}: {what}: the file ends at byte "
                                     f"{offset + done}, before the {nbytes} bytes it needs.")
                if hasher is not None:
                    hasher.add(view[done:done + got])
                done += got
        finally:
            result = hasher.value() if hasher is not None else crc
        return result

    def _read_to_device(self, offset: int, nbytes: int, dest: Any, what: str,
                        crc: int | None) -> int | None:
        # Two pinned buffers: the disk fills one while the other is copied up. An event
        # per buffer says when its copy is done and it may be refilled.
        xp = _backend.active_array_module()
        size = min(CHUNK_BYTES, max(nbytes, 1))
        while len(self._pinned) < 2:
            memory = xp.cuda.alloc_pinned_memory(CHUNK_BYTES)
            self._pinned.append(np.frombuffer(memory, np.uint8, CHUNK_BYTES))
            self._events.append(None)
        stream = xp.cuda.get_current_stream()
        self.f.seek(offset)
        done, turn = 0, 0
        while done < nbytes:
            count = min(size, nbytes - done)
            if self._events[turn] is not None:
                self._events[turn].synchronize()
            host = self._pinned[turn][:count]
            got = 0
            while got < count:
                step = self.f.readinto(memoryview(host)[got:])
                if not step:
                    raise ValueError(f"{self.path}: {what}: the file ends at byte "
                                     f"{offset + done + got}, before the {nbytes} bytes it needs.")
                got += step
            if crc is not None:
                crc = zlib.crc32(memoryview(host), crc)
            dest[done:done + count].set(host, stream=stream)
            event = xp.cuda.Event(block=False, disable_timing=True)
            event.record(stream)
            self._events[turn] = event
            done += count
            turn ^= 1
        return crc

    def crc_range(self, offset: int, nbytes: int, crc: int, what: str) -> int:
        """Chain the crc32 of file bytes ``[offset, offset + nbytes)`` onto ``crc``."""
        self.f.seek(offset)
        left = nbytes
        while left:
            data = self.f.read(min(left, CHUNK_BYTES))
            if not data:
                raise ValueError(f"{self.path}: {what}: the file is shorter than its records say.")
            crc = zlib.crc32(data, crc)
            left -= len(data)
        return crc


class Progress:
    """A progress line on stderr, shown only on a terminal and only after a second (as
    ``Cell.init_parameters_data`` shows one)."""

    def __init__(self, label: str, total_bytes: int) -> None:
        self.label = label
        self.total = max(total_bytes, 1)
        self.done = 0
        self.start = time.perf_counter()
        self.shown = False
        self.enabled = sys.stderr.isatty()

    def advance(self, nbytes: int) -> None:
        self.done += nbytes
        if self.enabled and time.perf_counter() - self.start > 1.0:
            width = 30
            filled = int(width * min(self.done, self.total) / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                             f"{self.done / 2**30:.2f}/{self.total / 2**30:.2f} GiB")
            sys.stderr.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
