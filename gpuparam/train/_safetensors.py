"""safetensors files, read and written by gpuparam itself (no ``safetensors`` package).

Format: an 8-byte little-endian header length ``N``, an ``N``-byte UTF-8 JSON header
``{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
"__metadata__": {str: str}}`` (space-padded to a multiple of 8), then the data:
C-ordered little-endian bytes, offsets relative to the data's start.

Why our own: the format is small, and doing it here lets the writer stream tensor by
tensor from any backend (the package wants every array on the host at once), write a
checksum per tensor into the metadata and check it on load, and read one tensor, or a
box of it, straight into a preallocated NumPy or CuPy array. Files are read by, and
read files from, ``safetensors`` and MindSpore (``metadata["format"] == "ms"``;
MindSpore's own ``crc_num``, a crc32 chained over the sorted names and their bytes, is
written with ``crc_check`` and checked when present).

Checksums: every tensor gets ``"gsum64:<name>"``, its gsum64 segment digests
(``_gsum``: fast enough to check a load at the speed of the read, and checkable
segment by segment, so a partial read checks what it reads). Files written before
gsum64 carry ``"crc32:<name>": "%08x"`` instead, still checked.

Private API (used by ``serialization`` and, through ``gpuparam.train.shard_files``, by
``parallel``'s sharded checkpoints):

- ``write_file(path, items, metadata=None, crc_num=False)``: atomically write the
  ``(name, data)`` pairs (``data`` a gpuparam Tensor, lazy or not, or a NumPy/CuPy
  array) in the given order; each tensor's bytes are produced, written and dropped in
  turn, so memory stays bounded by the largest tensor. Returns the header.
- ``read_header(reader, size)`` -> ``Header`` (``reader`` a ``_transfer.Reader`` over
  the file opened ``"rb"``, ``size`` its length): checked against the file (header at
  most 100 MB, known dtypes, non-negative shapes, offsets inside the data, each
  tensor's byte count equal to its shape's, no overlaps, no duplicate names,
  well-formed checksums).
- ``read_tensor_into(reader, header, name, out)`` -> ``_gsum.PendingCheck``: read a whole
  tensor into a preallocated C-contiguous array; its gsum64 is computed as it is read
  (an older crc32 on worker threads), and ``_gsum.PendingCheck.finish()`` waits for it
  and raises if it differs.
- ``read_box(path, header, name, box, out)``: copy the N-d ``box`` (a tuple of slices)
  of a tensor into ``out`` through a memory map, reading only the pages it needs, and
  check the gsum64 segments those bytes lie in.
- ``ms_crc_num(reader, header)`` / ``ms_crc_step(name, host, crc)``: MindSpore's
  ``crc_num``. ``_fileio.atomic_write`` is the atomic file writer for anything else
  (an index file, say).
"""

from __future__ import annotations

import contextlib
import json
import math
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _dtype
from .._dtype import DType
from .._tensor import Tensor
from . import _gsum
from ._crc import ParallelCrc, combine
from ._fileio import atomic_write
from ._transfer import CHUNK_BYTES, Reader, Writer, source_array

MAX_HEADER_BYTES = 100_000_000  # the safetensors specification's limit
CRC_PREFIX = "crc32:"  # files written before gsum64
GSUM_PREFIX = _gsum.KEY_PREFIX

_CODES = {"bool_": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "uint16": "U16",
          "int32": "I32", "uint32": "U32", "int64": "I64", "uint64": "U64",
          "float16": "F16", "bfloat16": "BF16", "float32": "F32", "float64": "F64",
          "float8_e4m3fn": "F8_E4M3", "float8_e5m2": "F8_E5M2", "complex64": "C64"}
# complex128 has no code in the safetensors specification: it is refused, never guessed.


def code_of(dtype: DType, name: str = "", where: str = "save_checkpoint") -> str:
    """The safetensors dtype code of a gpuparam dtype (``F32``, ``BF16``, ...).

    Raises:
        ValueError: For a dtype safetensors has no code for (complex128), naming the
            tensor ``name`` and the public function ``where``.
    """
    try:
        return _CODES[dtype.name]
    except KeyError:
        raise ValueError(f"{where}: tensor {name!r} has dtype {dtype}, which safetensors has "
                         "no code for; cast it first (astype(gpuparam.complex64) keeps "
                         "complex values at single precision).") from None


def dtype_of(code: str) -> DType | None:
    for dtype in _dtype.ALL_DTYPES:
        if _CODES.get(dtype.name) == code:
            return dtype
    return None


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: DType
    shape: tuple[int, ...]
    begin: int  # relative to Header.data_start
    end: int


@dataclass
class Header:
    tensors: dict[str, TensorInfo]  # in file order of the JSON header
    metadata: dict[str, str]
    data_start: int


# --------------------------------------------------------------------------- MindSpore's crc_num

_MAX_ZERO_RUN = 1 << 32


def ms_crc_step(name: str, host: np.ndarray, crc: int) -> int:
    """One step of MindSpore's ``crc_num``: crc32 over the name's UTF-8, then over
    ``bytes(array)``. For a 0-d integer array Python's ``bytes()`` gives that many zero
    bytes rather than the data; MindSpore hashes that, so gpuparam does too (for values
    in ``[0, 2**32]``; MindSpore cannot save other 0-d ints with ``crc_check``)."""
    crc = zlib.crc32(name.encode("utf-8"), crc)
    if host.ndim == 0 and host.dtype.kind in "iu" and 0 <= int(host) <= _MAX_ZERO_RUN:
        left = int(host)
        zeros = bytes(min(left, CHUNK_BYTES))
        while left:
            step = min(left, len(zeros))
            crc = zlib.crc32(memoryview(zeros)[:step], crc)
            left -= step
        return crc
    return zlib.crc32(host.reshape(-1).view(np.uint8).data, crc)


def ms_crc_num(reader: Reader, header: Header) -> int:
    """MindSpore's ``crc_num`` of a file: ``ms_crc_step`` over the tensors sorted by name."""
    crc = 0
    for name in sorted(header.tensors):
        info = header.tensors[name]
        if not info.shape and info.dtype.numpy_dtype.kind in "iu":
            raw = reader.read_exact(header.data_start + info.begin, info.end - info.begin, name)
            crc = ms_crc_step(name, np.frombuffer(raw, info.dtype.numpy_dtype).reshape(()), crc)
        else:
            crc = zlib.crc32(name.encode("utf-8"), crc)
            crc = reader.crc_range(header.data_start + info.begin, info.end - info.begin, crc,
                                   f"tensor {name!r}")
    return crc


# --------------------------------------------------------------------------- writing

def _describe(data: Any) -> tuple[DType, tuple[int, ...]]:
    if isinstance(data, Tensor):
        return data.dtype, tuple(data.shape)
    return _dtype.from_numpy(data.dtype), tuple(int(d) for d in data.shape)


def _header_bytes(infos: list[TensorInfo], metadata: dict[str, str]) -> bytes:
    body: dict[str, Any] = {}
    if metadata:
        body["__metadata__"] = metadata
    for info in infos:
        body[info.name] = {"dtype": code_of(info.dtype), "shape": list(info.shape),
                           "data_offsets": [info.begin, info.end]}
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    raw += b" " * (-(8 + len(raw)) % 8)  # the data starts 8-aligned, as safetensors pads
    return struct.pack("<Q", len(raw)) + raw


def write_file(path: str, items: Iterable[tuple[str, Any]], metadata: dict[str, str] | None = None,
               crc_num: bool = False, progress: Any = None) -> Header:
    """Write ``items`` to ``path`` atomically; see the module docstring."""
    pairs = list(items)
    metadata = dict(metadata or {})
    infos, offset = [], 0
    for name, data in pairs:
        dtype, shape = _describe(data)
        code_of(dtype, name)  # a dtype without a code is refused before anything is written
        nbytes = math.prod(shape) * dtype.itemsize
        infos.append(TensorInfo(name, dtype, shape, offset, offset + nbytes))
        offset += nbytes
        # fixed width: filled in after the data
        metadata[GSUM_PREFIX + name] = "0" * _gsum.HEX_PER_SEGMENT * _gsum.segment_count(nbytes)
    if crc_num:
        metadata["crc_num"] = "0" * 10
    placeholder = _header_bytes(infos, metadata)
    with atomic_write(path) as f:
        f.write(placeholder)
        writer = Writer(f)
        chained = 0  # MindSpore's crc_num, chained in file order (callers sort by name)
        pending: list[tuple[str, int, _gsum.SegmentHasher, Any]] = []

        def finish(name: str, nbytes: int, segments: _gsum.SegmentHasher, crc: Any) -> None:
            nonlocal chained
            metadata[GSUM_PREFIX + name] = _gsum.encode(segments.digests())
            if isinstance(crc, ParallelCrc):
                chained = combine(zlib.crc32(name.encode("utf-8"), chained), crc.value(), nbytes)
            elif crc is not None:  # a 0-d integer, hashed as MindSpore's bytes() does
                chained = ms_crc_step(name, crc, chained)

        for (name, data), info in zip(pairs, infos):
            # Each segment is hashed just before it is written, so the write copies it
            # from the CPU's cache and every digest is ready when the data is written.
            segments = _gsum.SegmentHasher(inline=True, piece_bytes=_gsum.SEGMENT_BYTES)
            crc: Any = None
            if not crc_num:
                writer.write_tensor(data, [segments])
            elif not info.shape and info.dtype.numpy_dtype.kind in "iu":
                crc = _host(source_array(data))
                writer.write_tensor(crc, [segments])
            else:
                crc = ParallelCrc(0)
                writer.write_tensor(data, [segments, crc])
            pending.append((name, info.end - info.begin, segments, crc))
            if len(pending) > 1:  # its crc32 ran while this tensor was written
                finish(*pending.pop(0))
            if progress is not None:
                progress.advance(info.end - info.begin)
        for entry in pending:
            finish(*entry)
        # The header goes in before atomic_write's fsync: one flush to disk in all.
        if crc_num:
            metadata["crc_num"] = f"{chained:010d}"
        final = _header_bytes(infos, metadata)
        assert len(final) == len(placeholder)
        f.seek(0)
        f.write(final)
    return Header({i.name: i for i in infos}, metadata, len(final))


def _host(array: Any) -> np.ndarray:
    return array if isinstance(array, np.ndarray) else array.get()  # a 0-d CuPy array


# --------------------------------------------------------------------------- reading

def _no_duplicates(path: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ValueError(f"{path}: the safetensors header names {key!r} twice.")
            out[key] = value
        return out
    return hook


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def read_header(reader: Reader, size: int) -> Header:
    """Read and check the header of a safetensors file of ``size`` bytes."""
    path = reader.path
    if size < 8:
        raise ValueError(f"{path}: not a safetensors file: {size} bytes, fewer than the 8 of "
                         "the header length.")
    (length,) = struct.unpack("<Q", reader.read_exact(0, 8, "the header length"))
    if length > MAX_HEADER_BYTES:
        raise ValueError(f"{path}: the safetensors header claims {length} bytes; at most "
                         f"{MAX_HEADER_BYTES} are allowed.")
    if 8 + length > size:
        raise ValueError(f"{path}: the safetensors header claims {length} bytes, but the file "
                         f"has only {size - 8} after the length.")
    raw = reader.read_exact(8, length, "the header")
    try:
        body = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates(path))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: the safetensors header is not UTF-8 JSON ({exc}).") from None
    except RecursionError:  # json's decoder recurses per level of nesting
        raise ValueError(f"{path}: the safetensors header is nested too deeply to be a "
                         "header (one level of tensors, one of their fields).") from None
    if not isinstance(body, dict):
        raise ValueError(f"{path}: the safetensors header is not a JSON object.")
    metadata = body.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError(f"{path}: __metadata__ must map strings to strings.")
    data_start, data_len = 8 + length, size - 8 - length
    tensors: dict[str, TensorInfo] = {}
    for name, spec in body.items():
        what = f"{path}: tensor {name!r}"
        if not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "data_offsets"}:
            raise ValueError(f"{what}: expected exactly dtype, shape and data_offsets, got {spec!r:.200}.")
        dtype = dtype_of(spec["dtype"]) if isinstance(spec["dtype"], str) else None
        if dtype is None:
            raise ValueError(f"{what}: dtype {spec['dtype']!r:.40} is not one gpuparam reads; "
                             f"known: {sorted(_CODES[d.name] for d in _dtype.ALL_DTYPES if d.name in _CODES)}.")
        shape, offsets = spec["shape"], spec["data_offsets"]
        if not isinstance(shape, list) or not all(_is_count(d) for d in shape) or len(shape) > 64:
            raise ValueError(f"{what}: shape {shape!r:.80} is not a list of non-negative ints.")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(_is_count(o) for o in offsets) or offsets[0] > offsets[1]):
            raise ValueError(f"{what}: data_offsets {offsets!r:.80} are not [begin, end] with "
                             "0 <= begin <= end.")
        begin, end = offsets
        if end > data_len:
            raise ValueError(f"{what}: data_offsets end at {end}, past the {data_len} data "
                             "bytes of the file (truncated or damaged).")
        nbytes = math.prod(shape) * dtype.itemsize
        if end - begin != nbytes:
            raise ValueError(f"{what}: shape {shape} of {spec['dtype']} needs {nbytes} bytes, "
                             f"but data_offsets span {end - begin}.")
        gsum = metadata.get(GSUM_PREFIX + name)
        if gsum is not None and _gsum.decode(gsum, nbytes) is None:
            raise ValueError(f"{what}: its {GSUM_PREFIX} checksum {gsum!r:.40} is not "
                             f"{_gsum.segment_count(nbytes)} segment digests of 16 hex digits.")
        tensors[name] = TensorInfo(name, dtype, tuple(shape), begin, end)
    previous = None
    for info in sorted(tensors.values(), key=lambda i: (i.begin, i.end)):
        if previous is not None and info.begin < previous.end:
            raise ValueError(f"{path}: tensors {previous.name!r} and {info.name!r} overlap "
                             f"(bytes {previous.begin}-{previous.end} and {info.begin}-{info.end}).")
        if info.end > info.begin:
            previous = info
    covered = max((i.end for i in tensors.values()), default=0)
    if covered != data_len:
        raise ValueError(f"{path}: the header describes {covered} data bytes, but the file "
                         f"has {data_len}.")
    return Header(tensors, metadata, data_start)


def _map_bytes(path: str, header: Header, info: TensorInfo) -> np.ndarray:
    """A read-only memory map of a tensor's bytes: only the pages sliced from it are read."""
    if info.begin == info.end:
        return np.empty(0, np.uint8)
    return np.memmap(path, dtype=np.uint8, mode="r", offset=header.data_start + info.begin,
                     shape=(info.end - info.begin,))


def read_tensor_into(reader: Reader, header: Header, name: str, out: Any) -> _gsum.PendingCheck:
    """Read tensor ``name`` into the C-contiguous ``out`` (as many bytes as it has); its
    checksum is checked by the returned ``_gsum.PendingCheck.finish()``."""
    info = header.tensors[name]
    nbytes = info.end - info.begin
    if out.nbytes != nbytes:
        raise ValueError(f"{reader.path}: tensor {name!r}: the destination holds {out.nbytes} "
                         f"bytes, the tensor {nbytes}.")
    gsum, crc = header.metadata.get(GSUM_PREFIX + name), header.metadata.get(CRC_PREFIX + name)
    if gsum is not None:
        # Each 1 MiB segment is hashed on the reading thread right after its read, from
        # the CPU's cache: less work in all than a worker thread hashing from memory,
        # which matters on a machine whose cores are busy (the benchmarks' note).
        check = _gsum.PendingCheck(reader.path, name, "gsum64", _gsum.decode(gsum, nbytes),
                                   _gsum.SegmentHasher(inline=True, piece_bytes=_gsum.SEGMENT_BYTES))
    elif crc is not None:
        check = _gsum.PendingCheck(reader.path, name, "crc32", crc, ParallelCrc(0))
    else:
        check = _gsum.PendingCheck(reader.path, name, "none", None, None)
    try:
        reader.read_into(header.data_start + info.begin, nbytes, out, 0, f"tensor {name!r}",
                         check.hashers)
    except BaseException:
        with contextlib.suppress(Exception):
            check.finish()  # waits for the hashes already queued
        raise
    return check


def read_box(path: str, header: Header, name: str, box: tuple[slice, ...], out: np.ndarray) -> None:
    """Copy ``box`` of tensor ``name`` into the host array ``out`` through a memory map
    (only the pages it needs are read), and check the gsum64 segments holding those
    bytes (a file written before gsum64: the tensor's crc32, over all of it)."""
    info = header.tensors[name]
    raw = _map_bytes(path, header, info)
    out[...] = raw.view(info.dtype.numpy_dtype).reshape(info.shape)[box] if raw.size else 0
    gsum, crc = header.metadata.get(GSUM_PREFIX + name), header.metadata.get(CRC_PREFIX + name)
    what = f"{path}: tensor {name!r}"
    if gsum is not None:
        expected = _gsum.decode(gsum, raw.size)
        assert expected is not None  # read_header checked it
        bad = _gsum.damaged_segments(raw, expected, _gsum.touched_segments(
            info.shape, info.dtype.itemsize, box))
        if bad:
            raise ValueError(f"{what}: gsum64 segment(s) {bad[:8]} (of 1 MiB), which the part "
                             "read lies in, do not match the checksums in the metadata: the "
                             "file is damaged.")
    elif crc is not None and f"{zlib.crc32(raw.data):08x}" != crc:
        raise ValueError(f"{what}: crc32 does not match the {crc} in the metadata: the file "
                         "is damaged.")
