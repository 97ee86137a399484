"""gsum64: the per-tensor checksum of gpuparam's safetensors files, cheap enough to check
every byte of a load at close to the speed of the read.

crc32 (zlib) runs at about 2-3 GB/s on one core, below a read from the page cache
(6-9 GB/s on the project's 2-core machine), so a checked load ran at a fifth of a raw
read. gsum64 is made of additions of 64-bit words, which NumPy runs at memory speed;
a load hashes each 1 MiB segment on the reading thread right after reading it, while
it is still in the CPU's cache.

Definition (fixed: files record it as ``"gsum64:<name>"``):

- the tensor's bytes are cut into **segments** of 1 MiB (the last may be shorter and is
  padded with zero bytes to a multiple of 4096);
- a segment is read as a grid of little-endian uint64 words, 512 to a row (so at most
  256 rows); its **row sums** and **column sums** are taken mod 2**64;
- the segment's digest is BLAKE2b with an 8-byte digest over the row sums followed by
  the 512 column sums (little-endian uint64s);
- the metadata holds the segments' digests in order, 16 hex digits each (an empty
  tensor has none): 16 bytes of header per MiB of data.

What it detects: any change to one or two 8-byte words of a segment (two words differ
in their row or their column, so some sum changes by exactly one word's change, which
is never a multiple of 2**64); reordered words, unless the words swapped are equal;
reordered, lost or inserted segments (one digest per segment, their count fixed by the
tensor's size). It misses damage that leaves every row and column sum of a segment as
it was: at least four changed words whose changes cancel in pairs along rows and
columns, or whole rows with equal sums exchanged. Like crc32 it detects accidental
damage; it is not authentication. A partial read (a shard of a tensor) checks the
segments it touches, so what it reads is checked too.
"""

from __future__ import annotations

import hashlib
import math
import sys
from concurrent.futures import Future
from typing import Any

import numpy as np

from ._crc import executor

SEGMENT_BYTES = 1 << 20
HEX_PER_SEGMENT = 16
KEY_PREFIX = "gsum64:"
_ROW_WORDS = 512
_ROW_BYTES = _ROW_WORDS * 8


def segment_count(nbytes: int) -> int:
    return -(-nbytes // SEGMENT_BYTES)


_LITTLE = sys.byteorder == "little"  # native uint64 sums are little-endian bytes as they are


def _digests_of_whole_segments(flat: np.ndarray) -> list[bytes]:
    """The digests of ``flat`` (a whole number of full segments): both sums of every
    segment in two NumPy calls, so the per-segment cost is little more than BLAKE2b."""
    grid = flat.view("<u8").reshape(-1, SEGMENT_BYTES // _ROW_BYTES, _ROW_WORDS)
    columns = np.add.reduce(grid, axis=1)  # the first pass brings the piece into cache
    rows = np.add.reduce(grid, axis=2)
    if not _LITTLE:
        columns, rows = columns.astype("<u8"), rows.astype("<u8")
    out = []
    for r, c in zip(rows, columns):
        h = hashlib.blake2b(r, digest_size=8)
        h.update(c)
        out.append(h.digest())
    return out


def _digest(segment: np.ndarray) -> bytes:
    """The digest of one segment (a flat uint8 array of at most SEGMENT_BYTES)."""
    if segment.size % _ROW_BYTES:  # the short last segment, padded with zeros
        padded = np.zeros(-(-segment.size // _ROW_BYTES) * _ROW_BYTES, np.uint8)
        padded[:segment.size] = segment
        segment = padded
    grid = segment.view("<u8").reshape(-1, _ROW_WORDS)
    columns = np.add.reduce(grid, axis=0)
    rows = np.add.reduce(grid, axis=1)
    h = hashlib.blake2b(rows.astype("<u8", copy=False), digest_size=8)
    h.update(columns.astype("<u8", copy=False))
    return h.digest()


def segment_digests(data: Any) -> list[bytes]:
    """The digests of the segments of ``data`` (a flat uint8 NumPy array or buffer that
    starts on a segment boundary of its tensor; only its last segment may be short)."""
    flat = data if isinstance(data, np.ndarray) else np.frombuffer(data, np.uint8)
    whole = flat.size - flat.size % SEGMENT_BYTES
    out = _digests_of_whole_segments(flat[:whole]) if whole else []
    if whole < flat.size:
        out.append(_digest(flat[whole:]))
    return out


def encode(digests: list[bytes]) -> str:
    return "".join(d.hex() for d in digests)


def decode(text: str, nbytes: int) -> list[bytes] | None:
    """The digests in a metadata value, or None if it is malformed for ``nbytes``."""
    if len(text) != segment_count(nbytes) * HEX_PER_SEGMENT:
        return None
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        return None
    return [raw[i:i + 8] for i in range(0, len(raw), 8)]


class SegmentHasher:
    """Segment digests of a stream fed in order: every piece but the last must be a
    whole number of segments.

    Each piece is hashed on a worker thread, and must stay unchanged until its future
    (returned by ``add``) or ``digests()`` completes; ``inline=True`` hashes it in
    ``add`` itself, on the calling thread.
    """

    def __init__(self, inline: bool = False, piece_bytes: int | None = None) -> None:
        self.inline = inline
        # A reader hands over pieces of this size right after reading each (None: as
        # they come), so that each is hashed while it is still in the CPU's cache.
        self.piece_bytes = piece_bytes
        self._parts: list[Future[list[bytes]] | list[bytes]] = []

    def add(self, piece: Any) -> Future[list[bytes]] | None:
        if self.inline:
            self._parts.append(segment_digests(piece))
            return None
        future = executor().submit(segment_digests, piece)
        self._parts.append(future)
        return future

    def digests(self) -> list[bytes]:
        out: list[bytes] = []
        try:
            for part in self._parts:
                out += part.result() if isinstance(part, Future) else part
        finally:
            for part in self._parts:  # never leave a thread reading a freed buffer
                if isinstance(part, Future):
                    part.cancel() or part.exception()
            self._parts = []
        return out


class PendingCheck:
    """A tensor's checksum (gsum64 or the older crc32) being computed during its read;
    ``finish()`` waits and compares."""

    def __init__(self, path: str, name: str, kind: str, expected: Any, hasher: Any) -> None:
        self._what = f"{path}: tensor {name!r}"
        self._kind, self._expected, self._hasher = kind, expected, hasher

    @property
    def hashers(self) -> list[Any]:
        """What the read must feed (nothing when the file has no checksum)."""
        return [] if self._hasher is None else [self._hasher]

    def finish(self) -> None:
        """Raise ValueError if the tensor's bytes do not match its checksum."""
        hasher, self._hasher = self._hasher, None
        if hasher is None:
            return
        if self._kind == "gsum64":
            got = hasher.digests()
            bad = [i for i, (a, b) in enumerate(zip(got, self._expected)) if a != b]
            if bad:
                raise ValueError(f"{self._what}: gsum64 segment(s) {bad[:8]} (of 1 MiB) do not "
                                 "match the checksums in the metadata: the file is damaged.")
        elif f"{hasher.value():08x}" != self._expected:
            raise ValueError(f"{self._what}: crc32 does not match the {self._expected} in the "
                             "metadata: the file is damaged.")


def touched_segments(shape: tuple[int, ...], itemsize: int, box: tuple[slice, ...]) -> np.ndarray:
    """The gsum64 segments (indices) that hold any byte of ``box`` (unit-step slices with
    in-range bounds) of a C-ordered tensor of ``shape``."""
    lengths = [b.stop - b.start for b in box]
    nbytes = math.prod(shape) * itemsize
    if not nbytes or 0 in lengths:
        return np.empty(0, np.int64)
    if not shape:
        return np.zeros(1, np.int64)
    # The box is a set of runs, each contiguous in the file: its extent along the last
    # dimension it does not cover whole, times every dimension after that one.
    split = max((d for d in range(len(shape)) if lengths[d] != shape[d]), default=0)
    strides = [math.prod(shape[d + 1:]) for d in range(len(shape))]
    starts = np.full([1] * split, box[split].start * strides[split], np.int64)
    for d in range(split):  # every index combination of the dimensions before it
        axis = [1] * split
        axis[d] = lengths[d]
        starts = starts + (np.arange(box[d].start, box[d].stop, dtype=np.int64) * strides[d]).reshape(axis)
    starts = starts.reshape(-1) * itemsize
    run = lengths[split] * strides[split] * itemsize
    first = starts // SEGMENT_BYTES
    last = (starts + run - 1) // SEGMENT_BYTES
    marks = np.zeros(segment_count(nbytes) + 1, np.int64)
    np.add.at(marks, first, 1)
    np.add.at(marks, last + 1, -1)
    return np.flatnonzero(np.cumsum(marks[:-1]))


def damaged_segments(raw: np.ndarray, expected: list[bytes], segments: np.ndarray) -> list[int]:
    """Which of ``segments`` of the tensor bytes ``raw`` (a flat uint8 array, e.g. a memory
    map) do not match their ``expected`` digests; each run of consecutive segments is
    hashed in one call."""
    bad: list[int] = []
    cuts = np.flatnonzero(np.diff(segments) != 1) + 1
    for run in np.split(segments, cuts) if segments.size else []:
        lo, hi = int(run[0]), int(run[-1]) + 1
        got = segment_digests(raw[lo * SEGMENT_BYTES:hi * SEGMENT_BYTES])
        bad += [lo + i for i, digest in enumerate(got) if digest != expected[lo + i]]
    return bad
