"""MindSpore's ``.ckpt`` wire format, walked and written directly (no protobuf at run time).

A file is a run of records, each one serialized ``Checkpoint`` message holding one
``Value`` (proto2, no package; ``mindspore/train/checkpoint_pb2.py``)::

    message Checkpoint  { repeated Value value = 1; }
    message Value       { required string tag = 1; optional TensorProto tensor = 2;
                          optional MapTensorProto maptensor = 3; }
    message TensorProto { repeated int64 dims = 1; required string tensor_type = 2;
                          required bytes tensor_content = 3; }

so a record is ``0x0A <varint len> <Value>``. A tensor larger than ``SLICE_BYTES``
(MindSpore's 512 MiB) is written as several consecutive records with the same tag and
the full dims, each holding the next slice of the C-ordered bytes; the reader joins
consecutive records of one tag. With ``crc_check=True`` the file ends with the 17-byte
trailer ``b"crc_num" + crc32.to_bytes(10, "big")``, the crc32 chained over every record.

The walker reads only record headers (tag, type, dims) and remembers where each
content lies, so a loader can skip records and read the rest straight into place.
Every length is checked against the bytes that remain before anything is allocated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
import numpy as np

from .. import _dtype
from .._dtype import DType
from ._transfer import Reader

# MindSpore's SLICE_SIZE is 512 * 1024 KiB. A module constant so tests can shrink it.
SLICE_BYTES = 512 << 20
CRC_MAGIC = b"crc_num"
CRC_TRAILER_BYTES = len(CRC_MAGIC) + 10
STR_TYPE = "str"
# A tag, a type name and the dims all come before the content; names are never this long.
MAX_HEADER_BYTES = 1 << 16

_WINDOW = 1 << 16


# MindSpore's ``tensor_type`` names, exactly those its loader knows (``tensor_to_ms_type``
# in mindspore/train/serialization.py). It has none for complex or float8 tensors: a
# .ckpt holding them could not be loaded by MindSpore, so gpuparam writes none.
_MS_TYPES = {"bool_": "Bool", "int8": "Int8", "int16": "Int16", "int32": "Int32",
             "int64": "Int64", "uint8": "UInt8", "uint16": "UInt16", "uint32": "UInt32",
             "uint64": "UInt64", "float16": "Float16", "float32": "Float32",
             "float64": "Float64", "bfloat16": "BFloat16"}


def type_name(dtype: DType, name: str) -> str:
    """MindSpore's ``tensor_type`` for parameter ``name`` of ``dtype`` (``Float32``, ...).

    Raises:
        ValueError: For a dtype MindSpore's .ckpt format has no name for.
    """
    try:
        return _MS_TYPES[dtype.name]
    except KeyError:
        other = ("format='safetensors' holds it" if dtype.name != "complex128" else
                 "no checkpoint format holds it: cast it (astype(gpuparam.complex64)) and "
                 "use format='safetensors'")
        raise ValueError(f"save_checkpoint: parameter {name!r} has dtype {dtype}, which "
                         "MindSpore's .ckpt format has no tensor_type for (it names no "
                         f"complex or float8 type); {other}.") from None


def known_type_names() -> list[str]:
    """The ``tensor_type`` names gpuparam reads (with the ml_dtypes dtypes it has)."""
    return [_MS_TYPES[d.name] for d in _dtype.ALL_DTYPES if d.name in _MS_TYPES] + [STR_TYPE]


def dtype_of(name: str) -> DType | None:
    """The gpuparam dtype of a ``tensor_type`` name, or None if gpuparam has none."""
    for dtype in _dtype.ALL_DTYPES:
        if _MS_TYPES.get(dtype.name) == name:
            return dtype
    return None


# --------------------------------------------------------------------------- writing

def varint(value: int) -> bytes:
    """Protobuf's base-128 varint of a non-negative int."""
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def record_head(tag: str, type_: str, dims: tuple[int, ...], content_bytes: int) -> bytes:
    """Every byte of a record before its content, exactly as protobuf serializes it."""
    tag_bytes = tag.encode("utf-8")
    type_bytes = type_.encode("utf-8")
    tensor_head = b"".join(b"\x08" + varint(d) for d in dims)
    tensor_head += b"\x12" + varint(len(type_bytes)) + type_bytes
    tensor_head += b"\x1a" + varint(content_bytes)
    tensor_len = len(tensor_head) + content_bytes
    value_head = b"\x0a" + varint(len(tag_bytes)) + tag_bytes + b"\x12" + varint(tensor_len)
    value_len = len(value_head) + tensor_len
    return b"\x0a" + varint(value_len) + value_head + tensor_head


def slice_bounds(nbytes: int) -> list[tuple[int, int]]:
    """Byte ranges of the records a tensor of ``nbytes`` is written as: MindSpore's
    ``_write_parameter_bytes_data`` cuts the bytes into ``SLICE_BYTES`` pieces; an empty
    tensor is one empty record (MindSpore writes none and so loses it)."""
    if nbytes == 0:
        return [(0, 0)]
    return [(start, min(start + SLICE_BYTES, nbytes)) for start in range(0, nbytes, SLICE_BYTES)]


def crc_trailer(crc: int) -> bytes:
    return CRC_MAGIC + crc.to_bytes(10, "big")


# --------------------------------------------------------------------------- reading

@dataclass
class Entry:
    """One tensor (or string) of a file: consecutive records with one tag, joined."""

    tag: str
    type_: str
    dims: tuple[int, ...]
    index: int  # the number of its first record, for messages
    pieces: list[tuple[int, int]] = field(default_factory=list)  # (file offset, bytes)

    @property
    def content_bytes(self) -> int:
        return sum(n for _, n in self.pieces)


@dataclass
class Walk:
    entries: list[Entry]
    records_end: int  # where the records stop (the trailer, if any, starts here)
    crc: int | None  # the trailer's value, or None without a trailer


class _Cursor:
    """Reads varints and short fields through a cached window of the file."""

    def __init__(self, reader: Reader, size: int) -> None:
        self.reader, self.size = reader, size
        self.start, self.data = 0, b""

    def byte_at(self, pos: int, limit: int, what: str) -> bytes:
        return self.bytes_at(pos, 1, limit, what)

    def bytes_at(self, pos: int, n: int, limit: int, what: str) -> bytes:
        if pos + n > limit:
            raise ValueError(f"{self.reader.path}: {what} runs past the end of its message "
                             f"(byte {pos + n} > {limit}).")
        if not (self.start <= pos and pos + n <= self.start + len(self.data)):
            self.start = pos
            self.data = self.reader.read_exact(pos, min(max(n, _WINDOW), self.size - pos), what)
        return self.data[pos - self.start:pos - self.start + n]

    def varint(self, pos: int, limit: int, what: str) -> tuple[int, int]:
        value, shift = 0, 0
        for i in range(10):
            byte = self.byte_at(pos + i, limit, what)[0]
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                if value >= 1 << 63:
                    raise ValueError(f"{self.reader.path}: {what}: a length or dim of "
                                     f"{value} (negative as int64) is not valid.")
                return value, pos + i + 1
            shift += 7
        raise ValueError(f"{self.reader.path}: {what}: a varint longer than 10 bytes.")


def _skip(cur: _Cursor, wire: int, pos: int, limit: int, what: str) -> int:
    """Skip one field's payload of wire type ``wire`` (unknown fields are allowed)."""
    if wire == 0:
        return cur.varint(pos, limit, what)[1]
    if wire == 1:
        end = pos + 8
    elif wire == 5:
        end = pos + 4
    elif wire == 2:
        n, pos = cur.varint(pos, limit, what)
        end = pos + n
    else:
        raise ValueError(f"{cur.reader.path}: {what}: protobuf wire type {wire} is not valid here.")
    if end > limit:
        raise ValueError(f"{cur.reader.path}: {what}: a field of {end - pos} bytes runs past "
                         f"the end of its message (byte {end} > {limit}).")
    return end


def _string(cur: _Cursor, pos: int, limit: int, what: str) -> tuple[str, int]:
    n, pos = cur.varint(pos, limit, what)
    if n > MAX_HEADER_BYTES:
        raise ValueError(f"{cur.reader.path}: {what}: a name of {n} bytes (at most "
                         f"{MAX_HEADER_BYTES} are accepted).")
    raw = cur.bytes_at(pos, n, limit, what)
    try:
        return raw.decode("utf-8"), pos + n
    except UnicodeDecodeError:
        raise ValueError(f"{cur.reader.path}: {what}: a name that is not UTF-8.") from None


def _span(cur: _Cursor, pos: int, limit: int, what: str, field: str) -> tuple[int, int]:
    """Read a length-delimited field's length at ``pos``; return (start, end) of its
    payload, checked to lie inside ``limit``."""
    n, pos = cur.varint(pos, limit, what)
    if pos + n > limit:
        raise ValueError(f"{cur.reader.path}: {what}: its {field} claims {n} bytes, but only "
                         f"{limit - pos} remain in the record.")
    return pos, pos + n


def _tensor(cur: _Cursor, pos: int, limit: int, what: str) -> tuple[list[int], str | None, tuple[int, int] | None]:
    dims: list[int] = []
    type_, content = None, None
    while pos < limit:
        key, pos = cur.varint(pos, limit, what)
        number, wire = key >> 3, key & 7
        if number == 1 and wire == 0:
            dim, pos = cur.varint(pos, limit, what)
            dims.append(dim)
        elif number == 1 and wire == 2:  # packed dims, as a proto3 writer would put them
            pos, end = _span(cur, pos, limit, what, "packed dims")
            while pos < end:
                dim, pos = cur.varint(pos, end, what)
                dims.append(dim)
        elif number == 2 and wire == 2:
            type_, pos = _string(cur, pos, limit, what)
        elif number == 3 and wire == 2:
            start, pos = _span(cur, pos, limit, what, "content")
            content = (start, pos - start)
        else:
            pos = _skip(cur, wire, pos, limit, what)
        if len(dims) > 64:
            raise ValueError(f"{cur.reader.path}: {what}: more than 64 dims.")
    return dims, type_, content


def walk(reader: Reader, size: int) -> Walk:
    """Index every record of a ``.ckpt`` file of ``size`` bytes (headers only)."""
    cur = _Cursor(reader, size)
    path = reader.path
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    pos, index = 0, 0
    while pos < size:
        first = cur.byte_at(pos, size, "the file")[0]
        if first != 0x0A:
            if size - pos == CRC_TRAILER_BYTES and cur.bytes_at(pos, 7, size, "the trailer") == CRC_MAGIC:
                crc = int.from_bytes(cur.bytes_at(pos + 7, 10, size, "the trailer"), "big")
                return Walk(entries, pos, crc)
            if pos == 0 and size > 9 and cur.bytes_at(8, 2, size, "the file") in (b"{\"", b"{}"):
                raise ValueError(f"{path}: not a MindSpore checkpoint but, by its first bytes, a "
                                 "safetensors file: pass format='safetensors'.")
            if pos == 0:
                raise ValueError(f"{path}: not a MindSpore checkpoint: it does not start with a "
                                 f"checkpoint record (first byte 0x{first:02x}). If it was saved "
                                 "with MindSpore's enc_key it is encrypted, which gpuparam does not "
                                 "read (decrypt it with MindSpore: load_checkpoint(..., dec_key=...) "
                                 "then save_checkpoint without enc_key).")
            raise ValueError(f"{path}: record {index} at byte {pos}: expected a record "
                             f"(0x0a) or the 17-byte crc trailer, found byte 0x{first:02x}; "
                             "the file is damaged or truncated.")
        what = f"record {index} at byte {pos}"
        length, body = cur.varint(pos + 1, size, what)
        end = body + length
        if end > size:
            raise ValueError(f"{path}: {what} claims {length} bytes, but only {size - body} "
                             "remain in the file (truncated or damaged).")
        tag, tensor = None, None
        p = body
        while p < end:
            key, p = cur.varint(p, end, what)
            number, wire = key >> 3, key & 7
            if number == 1 and wire == 2:
                tag, p = _string(cur, p, end, what)
            elif number == 2 and wire == 2:
                tensor = _span(cur, p, end, what, "tensor")
                p = tensor[1]
            elif number == 3:
                raise ValueError(f"{path}: {what}: a MapParameter (maptensor) record, which "
                                 "gpuparam does not read.")
            else:
                p = _skip(cur, wire, p, end, what)
        if tag is None or tensor is None:
            raise ValueError(f"{path}: {what}: a record without a {'tag' if tag is None else 'tensor'}.")
        what = f"record {index} ({tag!r}) at byte {pos}"
        dims, type_, content = _tensor(cur, tensor[0], tensor[1], what)
        if type_ is None or content is None:
            missing = "tensor_type" if type_ is None else "tensor_content"
            raise ValueError(f"{path}: {what}: the tensor has no {missing}.")
        last = entries[-1] if entries else None
        if last is not None and last.tag == tag:  # the next slice of the same tensor
            if (last.type_, last.dims) != (type_, tuple(dims)):
                raise ValueError(f"{path}: {what}: a slice of {tag!r} with type {type_} dims "
                                 f"{dims}, but its first slice has {last.type_} {list(last.dims)}.")
            last.pieces.append(content)
        else:
            if tag in seen:
                raise ValueError(f"{path}: {what}: {tag!r} appears a second time (first at "
                                 f"record {seen[tag]}).")
            seen[tag] = index
            entries.append(Entry(tag, type_, tuple(dims), index, [content]))
        pos, index = end, index + 1
    return Walk(entries, size, None)


def entry_shape(entry: Entry, path: str) -> tuple[DType, tuple[int, ...]]:
    """Check an entry's type and size; return its dtype and shape (strings: see ``read_str``)."""
    what = f"record {entry.index} ({entry.tag!r})"
    dtype = dtype_of(entry.type_)
    if dtype is None:
        hint = (" (gpuparam has bfloat16 only where ml_dtypes is installed)"
                if entry.type_ == "BFloat16" else "")
        raise ValueError(f"{path}: {what}: tensor_type {entry.type_!r} is not one gpuparam "
                         f"reads{hint}; known: {known_type_names()}.")
    shape = entry.dims
    size = entry.content_bytes
    # Older MindSpore files write a scalar's dims as [0].
    if shape == (0,) and size == dtype.itemsize:
        shape = ()
    expected = math.prod(shape) * dtype.itemsize
    if expected != size:
        raise ValueError(f"{path}: {what}: dims {list(entry.dims)} of {entry.type_} need "
                         f"{expected} bytes, but the content has {size}.")
    return dtype, shape


def read_str(entry: Entry, reader: Reader) -> str:
    """An ``append_dict`` string: NumPy ``'U'`` data, i.e. UTF-32LE."""
    what = f"record {entry.index} ({entry.tag!r})"
    size = entry.content_bytes
    if size % 4 or size > MAX_HEADER_BYTES * 64:
        raise ValueError(f"{reader.path}: {what}: a string of {size} bytes (UTF-32: a multiple "
                         "of 4, at most 4 MiB).")
    raw = b"".join(reader.read_exact(off, n, what) for off, n in entry.pieces)
    if not raw:
        return ""
    codes = np.frombuffer(raw, "<u4")
    if np.any(codes > 0x10FFFF) or np.any((codes >= 0xD800) & (codes < 0xE000)):
        raise ValueError(f"{reader.path}: {what}: the string is not valid UTF-32.")
    return str(np.frombuffer(raw, f"<U{size // 4}")[0])
