"""Array bytes between a file and a host or device array, a piece at a time, with
checksums computed on worker threads while the next piece moves.

- ``new_array(shape, dtype)`` / ``new_host_array``: the one place a load allocates the
  arrays it returns.
- ``Reader(f, path)``: ``read_exact``, ``crc_range``, and ``read_into(offset, nbytes,
  out, byte_offset, what, hashers)``, which reads file bytes straight into the byte
  range ``[byte_offset, byte_offset + nbytes)`` of a preallocated C-contiguous array:
  NumPy directly, CuPy through two pinned host buffers (the disk fills one while the
  other is copied up). Each piece is handed to every hasher (``ParallelCrc``,
  ``SegmentHasher``), which hashes it at once or on a worker thread while the next
  piece is read; call ``drain()`` once at the end, before the reader goes away.
- ``Writer(f)``: ``write_tensor(data, hashers)`` writes the C-ordered bytes of a Tensor
  (a lazy one is generated into a temporary copy and stays lazy) or a NumPy/CuPy array;
  device data comes down through two pinned buffers, the file writing one while the
  other is copied. gsum64 hashes each 1 MiB segment just before it is written.

Pieces are ``CHUNK_BYTES`` long (the last may be shorter), a whole number of gsum64
segments, as ``SegmentHasher`` requires; a reader hands gsum64 each 1 MiB segment
right after reading it, to be hashed while it is still in the CPU's cache.
"""

from __future__ import annotations

import concurrent.futures
import copy
import zlib
from collections.abc import Sequence
from typing import IO, Any

import numpy as np

from .. import _backend
from .._tensor import Tensor

# Bytes moved per read/write call: large enough for full disk speed, small enough that
# a staging buffer (pinned memory on the GPU path) stays small.
CHUNK_BYTES = 64 << 20


def new_host_array(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """A new uninitialized NumPy array for a load to read into.

    Every host array a load returns is allocated here, so that a better way to get
    large fresh host buffers (without faulting in NumPy's huge pages, issue 24) is one
    change in one place.
    """
    return np.empty(shape, dtype)


def new_array(shape: tuple[int, ...], dtype: Any) -> Any:
    """A new uninitialized array on the active backend for a load to read into."""
    xp = _backend.active_array_module()
    return new_host_array(shape, dtype) if xp is np else xp.empty(shape, dtype)


def _flat_bytes(array: Any) -> Any:
    """A flat uint8 view of a C-contiguous array (NumPy or CuPy)."""
    return array.reshape(-1).view(np.uint8)


def source_array(data: Any) -> Any:
    """``data`` (a Tensor, lazy or not, or a NumPy/CuPy array) as a C-contiguous array on
    its own backend. A lazy tensor is generated into a temporary copy (the same
    initializer and key, so the values it will have) and stays lazy itself."""
    if isinstance(data, Tensor):
        if data.has_init:
            data = copy.deepcopy(data)
        array = data._read()
    else:
        array = data
    if _backend.is_device_array(array):
        return array if array.flags.c_contiguous else _backend.get_array_module(array).ascontiguousarray(array)
    # np.asarray(order="C") keeps a 0-d array 0-d (np.ascontiguousarray would not).
    return np.asarray(array, order="C")


def _by_piece_size(hashers: Sequence[Any]) -> tuple[list[Any], list[Any], int]:
    """The hashers that take pieces of their own ``piece_bytes`` (each as soon as it is
    read, or just before it is written, while it is in the CPU's cache), the others
    (``CHUNK_BYTES`` pieces), and the size of the small pieces."""
    eager = [h for h in hashers if getattr(h, "piece_bytes", None)]
    late = [h for h in hashers if not getattr(h, "piece_bytes", None)]
    return eager, late, min([CHUNK_BYTES] + [h.piece_bytes for h in eager])


class _Staging:
    """Two pinned host buffers, each with what must finish before it is reused: the
    device copy's event and the hashers' futures."""

    def __init__(self) -> None:
        self._buffers: list[np.ndarray] = []
        self._pending: list[list[Any]] = [[], []]

    def buffer(self, turn: int, count: int) -> np.ndarray:
        if not self._buffers:
            self._buffers = [_backend.pinned_bytes(CHUNK_BYTES) for _ in range(2)]
        self.wait(turn)
        return self._buffers[turn][:count]

    def hold(self, turn: int, *pending: Any) -> None:
        self._pending[turn] += [p for p in pending if p is not None]

    def wait(self, turn: int) -> None:
        for item in self._pending[turn]:
            if isinstance(item, concurrent.futures.Future):
                item.exception()  # waits; a hasher's error surfaces when it is read
            else:
                item.synchronize()
        self._pending[turn] = []

    def drain(self) -> None:
        for turn in (0, 1):
            self.wait(turn)


class Reader:
    """Reads file byte ranges into preallocated arrays (see the module docstring)."""

    def __init__(self, f: Any, path: str) -> None:  # a binary file object with readinto
        self.f = f
        self.path = path
        self._staging = _Staging()

    def _short(self, what: str, at: int, nbytes: int) -> ValueError:
        return ValueError(f"{self.path}: {what}: the file ends at byte {at}, before the "
                          f"{nbytes} bytes it needs.")

    def read_exact(self, offset: int, nbytes: int, what: str) -> bytes:
        self.f.seek(offset)
        parts, got = [], 0
        while got < nbytes:  # an unbuffered file may return fewer bytes than asked
            data = self.f.read(nbytes - got)
            if not data:
                raise self._short(what, offset + got, nbytes)
            parts.append(data)
            got += len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _fill(self, view: memoryview, at: int, what: str, nbytes: int) -> None:
        got = 0
        while got < len(view):
            step = self.f.readinto(view[got:])
            if not step:
                raise self._short(what, at + got, nbytes)
            got += step

    def drain(self) -> None:
        """Wait for the copies and hashes of the pinned buffers (before they are freed)."""
        self._staging.drain()

    def read_into(self, offset: int, nbytes: int, out: Any, byte_offset: int, what: str,
                  hashers: Sequence[Any] = ()) -> None:
        """Read ``nbytes`` at file ``offset`` into bytes ``[byte_offset, +nbytes)`` of ``out``,
        handing each piece to every hasher: a hasher with a ``piece_bytes`` gets pieces
        of that size as soon as each is read (still in the CPU's cache), the others
        ``CHUNK_BYTES`` pieces. ``out`` must stay alive until the hashers' results have
        been read."""
        dest = _flat_bytes(out)[byte_offset:byte_offset + nbytes]
        device = _backend.is_device_array(out)
        eager, late, step = _by_piece_size(hashers)
        self.f.seek(offset)
        for turn, start in enumerate(range(0, nbytes, CHUNK_BYTES)):
            count = min(CHUNK_BYTES, nbytes - start)
            target = self._staging.buffer(turn % 2, count) if device else dest[start:start + count]
            pending = []
            for at in range(0, count, step):
                piece = target[at:at + step]
                self._fill(piece.data, offset + start + at, what, nbytes)
                pending += [hasher.add(piece) for hasher in eager]
            pending += [hasher.add(target) for hasher in late]
            if device:  # the buffer is refilled only after its copy and its hashes
                event = _backend.upload_async(target, dest[start:start + count])
                self._staging.hold(turn % 2, event, *pending)

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


class Writer:
    """Writes tensors' bytes to a file (see the module docstring)."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self._staging = _Staging()

    def write_tensor(self, data: Any, hashers: Sequence[Any] = ()) -> None:
        """Write the C-ordered bytes of ``data``, handing each piece to every hasher: a
        hasher with a ``piece_bytes`` gets pieces of that size, each just before it is
        written (so that the write copies it from the CPU's cache), the others
        ``CHUNK_BYTES`` pieces (host pieces hashed on worker threads, possibly after
        this returns; device data from the pinned buffers, before they are reused).
        May synchronize the device."""
        array = source_array(data)
        flat = _flat_bytes(array)
        if not _backend.is_device_array(array):
            for start in range(0, flat.size, CHUNK_BYTES):
                # (the hashers' views keep the array alive)
                self._write_pieces(flat[start:start + CHUNK_BYTES], hashers)
            return
        try:
            previous = None
            for turn, start in enumerate(range(0, flat.size, CHUNK_BYTES)):
                count = min(CHUNK_BYTES, flat.size - start)
                host = self._staging.buffer(turn % 2, count)
                event = _backend.download_async(flat[start:start + count], host)
                if previous is not None:  # written while the next piece comes down
                    self._write_staged(*previous, hashers)
                previous = (turn % 2, host, event)
            if previous is not None:
                self._write_staged(*previous, hashers)
        finally:
            self._staging.drain()

    def _write_pieces(self, chunk: np.ndarray, hashers: Sequence[Any]) -> list[Any]:
        """Write one chunk of host bytes; returns the hashers' futures."""
        eager, late, step = _by_piece_size(hashers)
        pending = [hasher.add(chunk) for hasher in late]  # on worker threads during the write
        for at in range(0, chunk.size, step):
            piece = chunk[at:at + step]
            pending += [hasher.add(piece) for hasher in eager]
            self.f.write(piece.data)
        return pending

    def _write_staged(self, turn: int, host: np.ndarray, event: Any,
                      hashers: Sequence[Any]) -> None:
        event.synchronize()
        self._staging.hold(turn, *self._write_pieces(host, hashers))
