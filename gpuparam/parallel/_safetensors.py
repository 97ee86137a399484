"""A small safetensors writer and checked reader for sharded checkpoints.

It should be folded into ``gpuparam/train/``'s safetensors code once that is merged:
it was written beside it, without seeing it, so that ``parallel.save_sharded`` and
``load_sharded`` could be built and tested.

Format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length
``N``, ``N`` bytes of JSON ``{name: {"dtype", "shape", "data_offsets": [begin, end]},
"__metadata__": {str: str}}``, then the data, each tensor C-ordered little-endian.

Writing is atomic (DESIGN.md, contract 9): a unique temporary file in the target
directory, fsync, ``os.replace``, fsync of the directory; a failure leaves the old file
and no temporary file. Reading never unpickles, and checks the header against the file
size before anything is allocated; tensors are read through ``numpy.memmap``, so only
the pages of the bytes a caller slices are read from disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .._dtype import ALL_DTYPES

MAX_HEADER_BYTES = 100 * 2**20

_CODES = {"bool_": "BOOL", "int8": "I8", "int16": "I16", "int32": "I32", "int64": "I64",
          "uint8": "U8", "uint16": "U16", "uint32": "U32", "uint64": "U64", "float16": "F16",
          "float32": "F32", "float64": "F64", "bfloat16": "BF16", "float8_e4m3fn": "F8_E4M3",
          "float8_e5m2": "F8_E5M2", "complex64": "C64"}
# complex128 has no safetensors code: save_sharded refuses it before writing anything.
_BY_CODE = {_CODES[d.name]: d.numpy_dtype for d in ALL_DTYPES if d.name in _CODES}
_CODE_OF = {d.numpy_dtype: _CODES[d.name] for d in ALL_DTYPES if d.name in _CODES}


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Any]:
    """Yield a binary file that replaces ``path`` only when the block completes."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would surprise other tools
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(path.parent)


def write(path: Path, tensors: list[tuple[str, tuple[int, ...], np.dtype, Callable[[], np.ndarray]]],
          metadata: dict[str, str]) -> int:
    """Write a safetensors file atomically; return its size in bytes.

    ``tensors`` holds ``(name, shape, dtype, read)``; ``read()`` returns the host array,
    called one tensor at a time while writing, so that only one is on the host at once.
    """
    header: dict[str, Any] = {"__metadata__": dict(metadata)}
    offset = 0
    for name, shape, dtype, _ in tensors:
        nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
        header[name] = {"dtype": _CODE_OF[np.dtype(dtype)], "shape": list(shape),
                        "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)  # keep the data 8-byte aligned
    with atomic_file(path) as handle:
        handle.write(struct.pack("<Q", len(encoded)))
        handle.write(encoded)
        for name, shape, dtype, read in tensors:
            array = np.asarray(read(), order="C")  # (ascontiguousarray makes 0-d 1-d)
            if array.shape != tuple(shape) or array.dtype != np.dtype(dtype):
                raise RuntimeError(f"safetensors.write: {name} changed while being saved")
            handle.write(array.reshape(-1).view(np.uint8).data)
    return 8 + len(encoded) + offset


class Reader:
    """The checked header of a safetensors file, and memory-mapped views of its tensors.

    Raises:
        ValueError: If the file is not a well-formed safetensors file: a header length
            beyond the file or 100 MiB, JSON that is not an object, an unknown dtype, a
            shape that does not match its byte range, or byte ranges that overlap or
            leave the data region.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(8)
            if len(head) < 8:
                raise self._bad("it is shorter than the 8-byte header length")
            (length,) = struct.unpack("<Q", head)
            if length > min(MAX_HEADER_BYTES, size - 8):
                raise self._bad(f"its header length {length} exceeds the file or 100 MiB")
            raw = handle.read(length)
        try:
            header = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._bad(f"its header is not JSON ({exc})") from None
        if not isinstance(header, dict):
            raise self._bad("its header is not a JSON object")
        metadata = header.pop("__metadata__", {})
        if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
            raise self._bad("its __metadata__ is not a map of strings")
        self.metadata: dict[str, str] = metadata
        self.data_start = 8 + length
        data_size = size - self.data_start
        self.entries: dict[str, tuple[np.dtype, tuple[int, ...], int, int]] = {}
        for name, entry in header.items():
            self.entries[name] = self._entry(name, entry, data_size)
        spans = sorted((b, e) for _, _, b, e in self.entries.values())
        if any(b < prev_end for (_, prev_end), (b, _) in zip(spans, spans[1:])):
            raise self._bad("two tensors' byte ranges overlap")

    def _bad(self, why: str) -> ValueError:
        return ValueError(f"load_sharded: {self.path} is not a valid safetensors file: {why}.")

    def _entry(self, name: str, entry: Any, data_size: int) -> tuple[np.dtype, tuple[int, ...], int, int]:
        if not isinstance(entry, dict) or entry.get("dtype") not in _BY_CODE:
            raise self._bad(f"tensor {name!r} has no known dtype ({describe_entry(entry)})")
        shape, offsets = entry.get("shape"), entry.get("data_offsets")
        if (not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape)
                or not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) for o in offsets)):
            raise self._bad(f"tensor {name!r} has a malformed shape or data_offsets")
        dtype = _BY_CODE[entry["dtype"]]
        begin, end = offsets
        expected = int(np.prod(shape, dtype=object)) * dtype.itemsize
        if not 0 <= begin <= end <= data_size or end - begin != expected:
            raise self._bad(f"tensor {name!r} needs {expected} bytes at {offsets}, "
                            f"beyond the {data_size} bytes of data or of another size")
        return dtype, tuple(shape), begin, end

    def view(self, name: str) -> np.ndarray:
        """A read-only memory map of tensor ``name`` (only what is sliced is read)."""
        dtype, shape, begin, end = self.entries[name]
        if begin == end:
            return np.empty(shape, dtype)
        mapped = np.memmap(self.path, dtype=dtype, mode="r", offset=self.data_start + begin,
                           shape=shape or (1,))
        return mapped.reshape(shape)


def describe_entry(entry: Any) -> str:
    text = repr(entry)
    return text if len(text) <= 80 else text[:77] + "..."
