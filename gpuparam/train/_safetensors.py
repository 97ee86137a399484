"""safetensors files, read and written by gpuparam itself (no ``safetensors`` package).

Format: an 8-byte little-endian header length ``N``, an ``N``-byte UTF-8 JSON header
``{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
"__metadata__": {str: str}}`` (space-padded to a multiple of 8), then the data:
C-ordered little-endian bytes, offsets relative to the data's start.

Why our own: the format is small, and doing it here lets the writer stream tensor by
tensor from any backend (the package wants every array on the host at once), write a
crc32 per tensor into the metadata (``"crc32:<name>": "%08x"``) and check them on
load, and read a byte range of one tensor straight into a preallocated NumPy or CuPy
array. Files are read by, and read files from, ``safetensors`` and MindSpore
(``metadata["format"] == "ms"``; MindSpore's own ``crc_num``, a crc32 chained over the
sorted names and their bytes, is written with ``crc_check`` and checked when present).

Private API (used by ``serialization`` and by ``parallel``'s sharded checkpoints):

- ``write_file(path, items, metadata=None, crc_num=False)``: atomically write the
  ``(name, data)`` pairs (``data`` a gpuparam Tensor, lazy or not, or a NumPy/CuPy
  array) in the given order; each tensor's bytes are produced, written and dropped in
  turn, so memory stays bounded by the largest tensor. Returns the header.
- ``read_header(reader, size)`` -> ``Header`` (``reader`` a ``_fileio.Reader`` over the
  file opened ``"rb"``, ``size`` its length): checked against the file (header at most
  100 MB, known dtypes, non-negative shapes, offsets inside the data, each tensor's byte
  count equal to its shape's, no overlaps, no duplicate names).
- ``read_tensor_into(reader, header, name, out, byte_range=None)``: read a tensor's
  bytes (or the byte range ``(start, stop)`` of them) into a preallocated C-contiguous
  array; the tensor's crc32 is checked when the whole tensor is read and one is present.
- ``map_tensor(path, header, name)``: a read-only memory map of a tensor, for reading
  an N-d box of it (a shard) without reading the rest; no crc32 check.
- ``ms_crc_num(reader, header)`` / ``ms_crc_step(name, host, crc)``: MindSpore's
  ``crc_num``. ``_fileio.atomic_write`` is the atomic file writer for anything else
  (an index file, say).

Example (a shard of rows 2:4 of ``w``, read into place)::

    header = write_file("m.safetensors", [("w", tensor)], metadata={"format": "gpuparam"})
    with open("m.safetensors", "rb", buffering=0) as f:
        reader = Reader(f, "m.safetensors")
        header = read_header(reader, os.fstat(f.fileno()).st_size)
        rows = numpy.empty((2, 4), numpy.float64)
        read_tensor_into(reader, header, "w", rows, byte_range=(2 * 32, 4 * 32))
        reader.drain()
"""

from __future__ import annotations

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
from ._fileio import CHUNK_BYTES, Reader, atomic_write, host_bytes, write_array

MAX_HEADER_BYTES = 100_000_000  # the safetensors specification's limit
CRC_PREFIX = "crc32:"

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
    return zlib.crc32(memoryview(host.reshape(-1).view(np.uint8)), crc)


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
        metadata[CRC_PREFIX + name] = "0" * 8  # fixed width: filled in after the data
    if crc_num:
        metadata["crc_num"] = "0" * 10
    placeholder = _header_bytes(infos, metadata)
    with atomic_write(path) as f:
        f.write(placeholder)
        chained = 0
        for (name, data), info in zip(pairs, infos):
            host = host_bytes(data)
            crc = write_array(f, host, 0)
            metadata[CRC_PREFIX + name] = f"{crc:08x}"
            if crc_num:  # MindSpore's, chained in file order (callers sort by name)
                chained = ms_crc_step(name, host, chained)
            if progress is not None:
                progress.advance(info.end - info.begin)
            del host
        if crc_num:
            metadata["crc_num"] = f"{chained:010d}"
        final = _header_bytes(infos, metadata)
        assert len(final) == len(placeholder)
        f.seek(0)
        f.write(final)
    return Header({i.name: i for i in infos}, metadata, len(final))


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


def map_tensor(path: str, header: Header, name: str) -> np.ndarray:
    """A read-only memory map of tensor ``name`` of the file ``path`` (its header read by
    ``read_header``): only the pages of what is sliced from it are read from disk. Its
    crc32 is not checked (use ``read_tensor_into`` for a whole tensor)."""
    info = header.tensors[name]
    if info.begin == info.end:
        return np.empty(info.shape, info.dtype.numpy_dtype)
    mapped = np.memmap(path, dtype=info.dtype.numpy_dtype, mode="r",
                       offset=header.data_start + info.begin, shape=info.shape or (1,))
    return mapped.reshape(info.shape)


def read_tensor_into(reader: Reader, header: Header, name: str, out: Any,
                     byte_range: tuple[int, int] | None = None) -> None:
    """Read tensor ``name`` (or bytes ``byte_range`` of it) into the C-contiguous ``out``."""
    info = header.tensors[name]
    start, stop = (0, info.end - info.begin) if byte_range is None else byte_range
    if not 0 <= start <= stop <= info.end - info.begin:
        raise ValueError(f"{reader.path}: tensor {name!r}: byte range {byte_range} is outside "
                         f"its {info.end - info.begin} bytes.")
    if out.nbytes != stop - start:
        raise ValueError(f"{reader.path}: tensor {name!r}: the destination holds {out.nbytes} "
                         f"bytes, the range {stop - start}.")
    expected = header.metadata.get(CRC_PREFIX + name) if byte_range is None else None
    crc = reader.read_into(header.data_start + info.begin + start, stop - start, out, 0,
                           f"tensor {name!r}", 0 if expected is not None else None)
    if expected is not None and f"{crc:08x}" != expected:
        raise ValueError(f"{reader.path}: tensor {name!r}: crc32 {crc:08x} does not match the "
                         f"{expected} in the metadata: the file is damaged.")
