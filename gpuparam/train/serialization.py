"""Checkpoints: MindSpore's ``.ckpt`` and safetensors, with MindSpore's functions.

``save_checkpoint``, ``load_checkpoint`` and ``load_param_into_net`` take MindSpore's
arguments, so a script ports unchanged. Unlike MindSpore: a save is atomic (a
temporary file in the target directory, fsynced, renamed over the target, the
directory fsynced: the old file survives any failure) and leaves the network as it was
(a lazy parameter is generated into a temporary copy and stays lazy); a load checks
every record against the file before allocating, checks any checksum present, and
checks every name, shape and dtype before assigning anything. No pickle anywhere.
Encrypted checkpoints are not supported (``NotImplementedError`` says how to convert).
"""

from __future__ import annotations

import contextlib
import math
import os
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _backend
from .._dtype import from_numpy
from .._errors import check_bool, type_error, value_error
from .._parameter import Parameter
from .._tensor import Tensor
from ..nn import Cell
from . import _apply, _ckpt_format as ckpt, _safetensors as st
from ._apply import load_param_into_net
from ._crc import ParallelCrc
from ._fileio import Progress, atomic_write
from ._transfer import Reader, Writer, new_array, source_array

_FORMATS = ("ckpt", "safetensors")
_ENCRYPTION = ("MindSpore's encrypted checkpoints (AES-GCM/AES-CBC/SM4-CBC framing) are not "
               "supported; decrypt with MindSpore (load_checkpoint(file, dec_key=...)) and "
               "re-save without enc_key, or save with gpuparam without a key.")
# Progress is shown for files at least this large (and only after a second).
_PROGRESS_BYTES = 256 << 20


# --------------------------------------------------------------------------- arguments

def _file_name(where: str, name: Any, format: str, saving: bool) -> str:
    if not isinstance(format, str) or format not in _FORMATS:
        raise value_error(where, "format", format, "'ckpt' or 'safetensors'")
    if not isinstance(name, (str, os.PathLike)):
        raise type_error(where, "ckpt_file_name", name, "a str (a file path)")
    name = os.fspath(name)
    if saving and not name.endswith(format):
        name += f".{format}"  # as MindSpore
    if os.path.isdir(name):
        raise value_error(where, "ckpt_file_name", name, "a file name, not a directory")
    if not saving and not os.path.isfile(name):
        raise value_error(where, "ckpt_file_name", name, "an existing checkpoint file")
    return name


def _check_callable(where: str, arg: str, value: Any) -> None:
    if value is not None and not callable(value):
        raise type_error(where, arg, value, "None or a function of a parameter name returning bool")


def _append_value(name: str, value: Any) -> Tensor | str:
    if isinstance(value, (Tensor, str)):
        return value
    if isinstance(value, (bool, np.bool_)):
        return Tensor(np.asarray(value, np.bool_))
    if isinstance(value, int):
        if not -2**63 <= value < 2**63:
            raise value_error("save_checkpoint", f"append_dict[{name!r}]", value, "an int64")
        return Tensor(np.asarray(value, np.int64))
    if isinstance(value, float):  # Float32, as MindSpore writes it (so files round-trip)
        if math.isfinite(value) and not abs(value) <= float(np.finfo(np.float32).max):
            raise value_error("save_checkpoint", f"append_dict[{name!r}]", value,
                              "a float that Float32 holds (MindSpore saves floats as Float32); "
                              "pass a Float64 Tensor to keep it")
        return Tensor(np.asarray(value, np.float32))
    raise type_error("save_checkpoint", f"append_dict[{name!r}]", value,
                     "an int, float, bool, str, Parameter or Tensor")


def _collect(save_obj: Any, append_dict: Any, choice_func: Any) -> list[tuple[str, Tensor | str]]:
    """``(name, data)`` pairs in MindSpore's order: the object's, then ``append_dict``."""
    where = "save_checkpoint"
    items: list[tuple[str, Any]] = []
    if isinstance(save_obj, Cell):
        items = [(p.name, p) for _, p in save_obj.parameters_and_names()]
    elif isinstance(save_obj, list):
        for item in save_obj:
            if isinstance(item, Parameter):
                items.append((item.name, item))
            elif isinstance(item, dict) and set(item) >= {"name", "data"}:
                if not isinstance(item["name"], str) or not isinstance(item["data"], Tensor):
                    raise type_error(where, "save_obj", item, "{'name': str, 'data': Parameter or Tensor}")
                items.append((item["name"], item["data"]))
            else:
                raise type_error(where, "save_obj", item,
                                 "a list of Parameters or of {'name': ..., 'data': ...} dicts")
    elif isinstance(save_obj, dict):
        for key, value in save_obj.items():
            if not isinstance(key, str):
                raise type_error(where, "save_obj", key, "a dict with str keys")
            if isinstance(value, np.ndarray):
                value = Tensor(value)
            if not isinstance(value, (Tensor, str)):
                raise type_error(where, f"save_obj[{key!r}]", value,
                                 "a Parameter, Tensor, NumPy array or str")
            items.append((key, value))
    else:
        raise type_error(where, "save_obj", save_obj,
                         "a Cell, a list of Parameters or {'name', 'data'} dicts, or a dict")
    if choice_func is not None:
        items = [(n, d) for n, d in items if choice_func(n)]
    if append_dict is not None:
        if not isinstance(append_dict, dict):
            raise type_error(where, "append_dict", append_dict, "None or a dict")
        for key, value in append_dict.items():
            if not isinstance(key, str):
                raise type_error(where, "append_dict", key, "a dict with str keys")
            items.append((key, _append_value(key, value)))
    seen: set[str] = set()
    for name, _ in items:
        if name in seen:
            raise ValueError(f"{where}: two entries are named {name!r}; names in a checkpoint "
                             "are unique.")
        seen.add(name)
    return items


# --------------------------------------------------------------------------- saving

def _write_ckpt(path: str, items: list[tuple[str, Tensor | str]], crc_check: bool,
                progress: Progress) -> None:
    with atomic_write(path) as f:
        writer = Writer(f)
        crc = 0 if crc_check else None
        for name, data in items:
            if isinstance(data, str):  # NumPy 'U' data (UTF-32LE), dims [0], as MindSpore
                content = np.array(data).tobytes()
                blob = ckpt.record_head(name, ckpt.STR_TYPE, (0,), len(content)) + content
                f.write(blob)
                crc = None if crc is None else zlib.crc32(blob, crc)
                continue
            flat = source_array(data).reshape(-1).view(np.uint8)  # NumPy or CuPy
            for start, stop in ckpt.slice_bounds(flat.size):
                head = ckpt.record_head(name, ckpt.type_name(data.dtype, name), tuple(data.shape),
                                        stop - start)
                f.write(head)
                if crc is None:
                    writer.write_tensor(flat[start:stop])
                    continue
                hasher = ParallelCrc(zlib.crc32(head, crc))  # hashes while the next piece is written
                writer.write_tensor(flat[start:stop], [hasher])
                crc = hasher.value()
            progress.advance(flat.size)
            del flat
        if crc is not None:
            f.write(ckpt.crc_trailer(crc))


def save_checkpoint(save_obj: Any, ckpt_file_name: Any, integrated_save: bool = True,
                    async_save: Any = False, append_dict: Any = None, enc_key: Any = None,
                    enc_mode: str = "AES-GCM", choice_func: Callable[[str], bool] | None = None,
                    crc_check: bool = False, format: str = "ckpt") -> None:
    """Save parameters to a MindSpore ``.ckpt`` or a safetensors file, atomically.

    The file is written to a temporary file in the same directory, fsynced and renamed
    over ``ckpt_file_name``, so the previous file survives any failure (including an
    initializer raising while a lazy parameter is generated). Lazy parameters are
    generated one at a time into temporary copies and stay lazy; memory beyond the
    network is one tensor.

    Args:
        save_obj: A Cell, a list of Parameters or of ``{"name": str, "data": Tensor}``
            dicts, or a dict of name -> Parameter/Tensor/NumPy array/str.
        ckpt_file_name: The file; ``.ckpt`` or ``.safetensors`` is appended if missing.
        integrated_save: MindSpore's flag for auto-parallel merging (no effect here).
        async_save: Only ``False``: asynchronous saving is not supported.
        append_dict: Extra values: int (Int64), float (Float32, as MindSpore; a Float64
            Tensor keeps all digits), bool, str, Tensor.
        enc_key: Only ``None``: encryption is not supported.
        enc_mode: Ignored without ``enc_key``.
        choice_func: ``f(name) -> bool`` choosing which parameters to save.
        crc_check: Write MindSpore's crc32 (a ``.ckpt`` trailer; ``crc_num`` metadata
            in safetensors, which always carry a checksum per tensor as well, gsum64).
            A checksum detects accidental damage; it is not authentication.
        format: ``"ckpt"`` or ``"safetensors"``.

    Raises:
        TypeError: For arguments of the wrong type.
        ValueError: For a bad ``format`` or file name, duplicate names, strings in a
            safetensors file, or a dtype the format has no name for (MindSpore's .ckpt
            names no complex or float8 type; safetensors has no complex128). Nothing is
            written then.
        NotImplementedError: For ``enc_key`` or ``async_save``.

    Example:
        >>> import os, tempfile
        >>> import gpuparam
        >>> from gpuparam import nn
        >>> path = os.path.join(tempfile.mkdtemp(), "dense.ckpt")
        >>> gpuparam.save_checkpoint(nn.Dense(3, 2), path, append_dict={"epoch": 5})
        >>> sorted(gpuparam.load_checkpoint(path))
        ['bias', 'epoch', 'weight']
    """
    where = "save_checkpoint"
    path = _file_name(where, ckpt_file_name, format, saving=True)
    check_bool(where, "integrated_save", integrated_save)
    check_bool(where, "crc_check", crc_check)
    if not isinstance(enc_mode, str):
        raise type_error(where, "enc_mode", enc_mode, "a str")
    if enc_key is not None:
        raise NotImplementedError(f"{where}: enc_key: {_ENCRYPTION}")
    if async_save is not False:
        raise NotImplementedError(f"{where}: async_save={async_save!r}: asynchronous saving is "
                                  "not supported; save synchronously (async_save=False).")
    _check_callable(where, "choice_func", choice_func)
    items = _collect(save_obj, append_dict, choice_func)
    total = sum(d.nbytes for _, d in items if isinstance(d, Tensor))
    progress = Progress(f"save_checkpoint {os.path.basename(path)}", total)
    progress.enabled &= total >= _PROGRESS_BYTES
    if format == "ckpt":  # every dtype checked before a byte is written
        for name, data in items:
            if isinstance(data, Tensor):
                ckpt.type_name(data.dtype, name)
    try:
        if format == "ckpt":
            _write_ckpt(path, items, crc_check, progress)
            return
        strings = [n for n, d in items if isinstance(d, str)]
        if strings:
            raise value_error(where, "append_dict", strings[0],
                              "numbers or tensors: safetensors holds no strings (use format='ckpt')")
        st.write_file(path, sorted(items, key=lambda item: item[0]), {"format": "ms"},
                      crc_num=crc_check, progress=progress)
    finally:
        progress.close()


# --------------------------------------------------------------------------- loading

def _selector(where: str, filter_prefix: Any, specify_prefix: Any,
              choice_func: Any) -> Callable[[str], bool]:
    """MindSpore's rule: either prefix argument overrides ``choice_func``."""
    def prefixes(arg: str, value: Any) -> tuple[str, ...] | None:
        if value is None:
            return None
        values = (value,) if isinstance(value, str) else value
        if (not isinstance(values, (list, tuple)) or not values
                or not all(isinstance(v, str) and v for v in values)):
            raise type_error(where, arg, value, "None, a non-empty str, or a non-empty "
                             "list/tuple of non-empty str")
        return tuple(values)

    specify, filter_ = prefixes("specify_prefix", specify_prefix), prefixes("filter_prefix", filter_prefix)
    _check_callable(where, "choice_func", choice_func)
    if specify is None and filter_ is None:
        return _guarded(where, choice_func) if choice_func else (lambda name: True)
    return lambda name: ((specify is None or name.startswith(specify))
                         and (filter_ is None or not name.startswith(filter_)))


def _guarded(where: str, choice_func: Callable[[str], Any]) -> Callable[[str], bool]:
    """``choice_func`` whose own exception becomes MindSpore's ValueError (chained to it)."""
    def choose(name: str) -> bool:
        try:
            return bool(choice_func(name))
        except Exception as exc:
            raise ValueError(f"{where}: choice_func raised {type(exc).__name__} for the "
                             f"parameter {name!r}: {exc}; nothing was loaded.") from exc
    return choose


def _new_parameter(array: Any, name: str) -> Parameter:
    """A Parameter named ``name`` around ``array`` (no copy, no random key used)."""
    param = Parameter(Tensor._wrap(array.reshape(-1)[:0]), name=name)
    param._replace_with(Tensor._wrap(array), share=True)
    return param


def _load_ckpt(path: str, select: Callable[[str], bool], crc_check: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with open(path, "rb", buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        reader = Reader(f, path)
        walked = ckpt.walk(reader, size)
        if crc_check and walked.crc is None:
            raise ValueError(f"{path}: crc_check=True, but the file has no crc trailer.")
        running = 0 if walked.crc is not None else None
        cursor = 0  # the crc covers every byte before the trailer, in order
        chosen = [e for e in walked.entries if select(e.tag)]
        progress = Progress(f"load_checkpoint {os.path.basename(path)}",
                            sum(e.content_bytes for e in chosen))
        progress.enabled &= progress.total >= _PROGRESS_BYTES
        try:
            for entry in chosen:
                if entry.type_ == ckpt.STR_TYPE:
                    out[entry.tag] = ckpt.read_str(entry, reader)
                    continue
                dtype, shape = ckpt.entry_shape(entry, path)
                array = new_array(shape, dtype.numpy_dtype)
                done = 0
                for offset, nbytes in entry.pieces:
                    what = f"record of {entry.tag!r}"
                    if running is None:
                        reader.read_into(offset, nbytes, array, done, what)
                    else:
                        hasher = ParallelCrc(reader.crc_range(cursor, offset - cursor, running, what))
                        reader.read_into(offset, nbytes, array, done, what, [hasher])
                        running = hasher.value()
                    cursor, done = offset + nbytes, done + nbytes
                    progress.advance(nbytes)
                out[entry.tag] = array
            if running is not None:
                running = reader.crc_range(cursor, walked.records_end - cursor, running, "crc")
                if running != walked.crc:
                    raise ValueError(f"{path}: the crc32 of the records is {running}, the trailer "
                                     f"says {walked.crc}: the file is damaged.")
        finally:
            reader.drain()
            progress.close()
    return out


def _load_safetensors(path: str, select: Callable[[str], bool], crc_check: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with open(path, "rb", buffering=0) as f:
        reader = Reader(f, path)
        header = st.read_header(reader, os.fstat(f.fileno()).st_size)
        names = sorted(header.tensors)  # MindSpore's order
        own = all(st.GSUM_PREFIX + n in header.metadata or st.CRC_PREFIX + n in header.metadata
                  for n in names)
        if "crc_num" in header.metadata and not own:  # MindSpore's checksum, one pass
            chained = st.ms_crc_num(reader, header)
            if header.metadata["crc_num"].strip() != str(chained).zfill(
                    len(header.metadata["crc_num"].strip())):
                raise ValueError(f"{path}: crc_num {header.metadata['crc_num']} does not match "
                                 f"the data ({chained}): the file is damaged.")
        elif crc_check and not own:
            raise ValueError(f"{path}: crc_check=True, but the file carries no checksum.")
        checks: list[Any] = []  # _gsum.PendingCheck
        try:
            for name in names:
                if not select(name):
                    continue
                info = header.tensors[name]
                out[name] = new_array(info.shape, info.dtype.numpy_dtype)
                checks.append(st.read_tensor_into(reader, header, name, out[name]))
                if len(checks) > 1:  # one tensor's checksum is finished while the next is read
                    checks.pop(0).finish()
            for check in checks:
                check.finish()
        finally:
            for check in checks:  # after a failure: no hash left reading a buffer
                with contextlib.suppress(Exception):
                    check.finish()
            reader.drain()  # once, for the whole file (the GPU path's pinned buffers)
    return out


def load_checkpoint(ckpt_file_name: Any, net: Cell | None = None, strict_load: bool = False,
                    filter_prefix: Any = None, dec_key: Any = None, dec_mode: str = "AES-GCM",
                    specify_prefix: Any = None, choice_func: Callable[[str], bool] | None = None,
                    crc_check: bool = False, remove_redundancy: bool = False,
                    format: str = "ckpt") -> dict[str, Any]:
    """Read a MindSpore ``.ckpt`` or a safetensors file; with ``net``, also load into it.

    Only the chosen records are read, each straight into its own new array on the
    active backend. Every length is checked against the file before it is allocated;
    a damaged, truncated or hostile file raises ``ValueError`` naming the file and the
    record. Any checksum present (a ``.ckpt`` crc trailer, the per-tensor checksums of
    gpuparam's safetensors, MindSpore's ``crc_num``) is checked, whether or not
    ``crc_check`` asks.

    Args:
        ckpt_file_name: The file.
        net: A Cell to load into (see ``load_param_into_net``); the returned parameters
            then share their buffers with the network's.
        strict_load: Passed to ``load_param_into_net``.
        filter_prefix: Skip names starting with this str (or any str of a list/tuple).
        dec_key: Only ``None``: encrypted checkpoints are not supported.
        dec_mode: Ignored without ``dec_key``.
        specify_prefix: Read only names starting with this str (or any of a list/tuple).
            Either prefix argument overrides ``choice_func``, as in MindSpore.
        choice_func: ``f(name) -> bool`` choosing the records to read.
        crc_check: Require a checksum (``ValueError`` if the file has none).
        remove_redundancy: Only ``False`` (MindSpore's parallel de-duplication).
        format: ``"ckpt"`` or ``"safetensors"``.

    Returns:
        ``{name: Parameter}`` in file order (safetensors: sorted by name), with saved
        ``append_dict`` strings as ``str`` and numbers as 0-d Parameters.

    Raises:
        ValueError: For a missing, damaged or hostile file, a failed checksum, or nothing
            left after filtering.
        NotImplementedError: For ``dec_key`` or ``remove_redundancy``.
    """
    where = "load_checkpoint"
    if dec_key is not None:
        raise NotImplementedError(f"{where}: dec_key: {_ENCRYPTION}")
    path = _file_name(where, ckpt_file_name, format, saving=False)
    check_bool(where, "crc_check", crc_check)
    check_bool(where, "remove_redundancy", remove_redundancy)
    if remove_redundancy:
        raise NotImplementedError(f"{where}: remove_redundancy=True (MindSpore's de-duplicated "
                                  "parallel checkpoints) is not supported.")
    if not isinstance(dec_mode, str):
        raise type_error(where, "dec_mode", dec_mode, "a str")
    if net is not None and not isinstance(net, Cell):
        raise type_error(where, "net", net, "None or a Cell")
    select = _selector(where, filter_prefix, specify_prefix, choice_func)
    loader = _load_ckpt if format == "ckpt" else _load_safetensors
    arrays = loader(path, select, crc_check)
    if not arrays:
        raise ValueError(f"{where}: the loaded parameter dict is empty after filter or specify "
                         f"({path}); check filter_prefix, specify_prefix and choice_func.")
    parameter_dict = {name: value if isinstance(value, str) else _new_parameter(value, name)
                      for name, value in arrays.items()}
    if net is not None:
        assignments, _, _ = _apply.plan(net, parameter_dict, strict_load, where)
        _apply.apply(assignments, share=True)
    return parameter_dict


__all__ = ["save_checkpoint", "load_checkpoint", "load_param_into_net"]
