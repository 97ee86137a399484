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
import zlib
from concurrent.futures import Future, ThreadPoolExecutor

_POLY = 0xEDB88320
_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=max(1, min(8, (os.cpu_count() or 2) - 1)),
                                   thread_name_prefix="gpuparam-crc")
    return _pool


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

    def add(self, piece: memoryview) -> None:
        self._parts.append((_executor().submit(zlib.crc32, piece), len(piece)))

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
