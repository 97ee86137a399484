"""crc32 of a byte stream computed piece by piece on worker threads.

zlib's crc32 runs at about 1 GB/s on one core, slower than a file read from the page
cache, so checking or writing a checkpoint's checksums would set its speed. Each piece
(up to 64 MiB) is hashed on its own thread (zlib releases the GIL) while the caller
reads or writes the next, and the pieces' crcs are joined in order with zlib's
``crc32_combine`` algorithm (written here: Python's zlib does not expose it). The result
is exactly ``zlib.crc32`` of the whole stream.
"""

from __future__ import annotations

import functools
import os
import threading
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

_POLY = 0xEDB88320
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def executor() -> ThreadPoolExecutor:
    """The checksum threads, started on first use (and again in a forked child)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, min(8, (os.cpu_count() or 2) - 1)),
                                       thread_name_prefix="gpuparam-checksum")
        return _pool


def _forget_the_parents_threads() -> None:
    # A forked child has the parent's pool object but none of its threads: work handed
    # to it would wait forever. The child starts a pool of its own on first use; the
    # lock may have been held by a parent thread at the fork, so it is replaced too.
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_the_parents_threads)


def _times(matrix: tuple[int, ...], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _square(matrix: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(_times(matrix, row) for row in matrix)


@functools.lru_cache(maxsize=64)
def _shift_operator(nbytes: int) -> tuple[int, ...]:
    """The GF(2) matrix that advances a crc over ``nbytes`` zero bytes."""
    one_bit = (_POLY,) + tuple(1 << n for n in range(31))  # one zero bit
    operator = None
    power = _square(_square(_square(one_bit)))  # one zero byte
    while nbytes:
        if nbytes & 1:
            operator = power if operator is None else tuple(_times(power, r) for r in operator)
        nbytes >>= 1
        if nbytes:
            power = _square(power)
    assert operator is not None
    return operator


def combine(crc1: int, crc2: int, len2: int) -> int:
    """The crc32 of ``A + B`` from ``crc32(A)``, ``crc32(B)`` and ``len(B)``."""
    if len2 == 0:
        return crc1
    return _times(_shift_operator(len2), crc1) ^ crc2


class ParallelCrc:
    """``add`` pieces in stream order; ``value()`` is the crc32 of all of them, chained
    onto ``start``. Pieces must stay unchanged until ``value()`` returns."""

    def __init__(self, start: int = 0) -> None:
        self._start = start
        self._parts: list[tuple[Future[int], int]] = []

    def add(self, piece: Any) -> Future[int]:
        """Hash ``piece`` (a bytes-like object) on a worker thread."""
        future = executor().submit(zlib.crc32, piece)
        self._parts.append((future, memoryview(piece).nbytes))
        return future

    def value(self) -> int:
        crc = self._start
        try:
            for future, length in self._parts:
                crc = combine(crc, future.result(), length)
        finally:
            for future, _ in self._parts:  # never leave a thread reading a freed buffer
                future.cancel() or future.exception()
            self._parts = []
        return crc
