"""Checked safetensors files for gpuparam's own packages: the named seam through which
``gpuparam.parallel`` writes and reads its sharded checkpoints (not MindSpore API).

It offers exactly what a sharded checkpoint needs from the checkpoint code, so that
``parallel`` never reaches into ``train``'s private modules:

- ``write(path, items, metadata)``: write ``(name, Tensor or array)`` pairs as one
  safetensors file, atomically and fsynced, each tensor with its gsum64 checksum;
- ``ShardFile(path, files)``: open a file (registered in a ``contextlib.ExitStack``)
  and check its header against the file; ``metadata``, ``tensors`` (name -> ``(dtype,
  shape)``) and ``read(name, box, out)``, which copies an N-d box of a tensor into a
  host array and checks the checksums of the bytes it read;
- ``atomic_write(path)``: the atomic writer, for the index;
- ``dtype_code(dtype, name, where)`` / ``dtype_of_code(code)``: safetensors dtype codes;
- ``new_host_array(shape, dtype)``: where a load allocates what it returns;
- ``MAX_HEADER_BYTES``: the largest header (and index) accepted.

Example:
    >>> import contextlib, os, tempfile
    >>> import numpy as np
    >>> from gpuparam.train import shard_files
    >>> path = os.path.join(tempfile.mkdtemp(), "part.safetensors")
    >>> shard_files.write(path, [("w", np.arange(12.0).reshape(3, 4))], {"format": "demo"})
    >>> with contextlib.ExitStack() as files:
    ...     shard = shard_files.ShardFile(path, files)
    ...     rows = np.empty((2, 4))
    ...     shard.read("w", (slice(1, 3), slice(0, 4)), rows)
    >>> shard.metadata["format"], shard.tensors["w"][1], rows[0].tolist()
    ('demo', (3, 4), [4.0, 5.0, 6.0, 7.0])
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from typing import Any

from .._dtype import DType
from . import _safetensors
from ._fileio import atomic_write as atomic_write
from ._transfer import Reader, new_host_array as new_host_array

MAX_HEADER_BYTES = _safetensors.MAX_HEADER_BYTES


def dtype_code(dtype: DType, name: str = "", where: str = "save_checkpoint") -> str:
    """The safetensors code of ``dtype`` (ValueError naming ``where`` and ``name`` if none)."""
    return _safetensors.code_of(dtype, name, where)


def dtype_of_code(code: str) -> DType | None:
    """The gpuparam dtype of a safetensors code, or None."""
    return _safetensors.dtype_of(code)


def write(path: str, items: Iterable[tuple[str, Any]], metadata: dict[str, str]) -> None:
    """Write the ``(name, data)`` pairs to ``path`` as a safetensors file, atomically."""
    _safetensors.write_file(path, items, metadata)


class ShardFile:
    """One safetensors file, open, with its header checked against the file."""

    def __init__(self, path: str | os.PathLike[str], files: contextlib.ExitStack) -> None:
        self.path = os.fspath(path)
        handle = files.enter_context(open(self.path, "rb", buffering=0))
        reader = Reader(handle, self.path)
        self._header = _safetensors.read_header(reader, os.fstat(handle.fileno()).st_size)
        self.metadata: dict[str, str] = self._header.metadata
        self.tensors = {name: (info.dtype, info.shape)
                        for name, info in self._header.tensors.items()}

    def read(self, name: str, box: tuple[slice, ...], out: Any) -> None:
        """Copy ``box`` (unit-step slices within the shape) of tensor ``name`` into the host
        array ``out``; only those bytes (and the rest of the checksum segments they lie
        in) are read, and their checksums checked (ValueError if they differ)."""
        _safetensors.read_box(self.path, self._header, name, box, out)


__all__ = ["MAX_HEADER_BYTES", "ShardFile", "atomic_write", "dtype_code", "dtype_of_code",
           "new_host_array", "write"]
