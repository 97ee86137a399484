"""Sharded checkpoints: every rank writes the shards it holds, any world size reads them.

``save_sharded`` writes ``model-{rank+1:05d}-of-{world:05d}.safetensors`` on each rank,
holding that rank's shards (replicated parameters once, from the lowest rank), each
tensor's global shape and offsets in the file's ``__metadata__``; after every rank has
written (and fsynced) its file, rank 0 writes ``model.safetensors.index.json``: the
index is the commit marker. Every file and the index carry one id per save, so a load
finds a directory where a save was interrupted (new shard files beside an old index)
and refuses it instead of mixing two checkpoints. ``load_sharded`` reads, on each rank,
only the byte ranges of the pieces that overlap what that rank holds (a memory map of
each file), whatever world size wrote them, and checks the checksums of what it read.
The files are written and read through ``gpuparam.train.shard_files``, the checkpoint
code's seam for its own safetensors writer and checked reader.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import type_error
from .._parameter import Parameter
from .._tensor import Tensor
from ..communication import process_group
from ..nn import Cell
from ..train import shard_files

INDEX_NAME = "model.safetensors.index.json"
FORMAT = "gpuparam-sharded/1"
_SHARD_FILE = re.compile(r"^model-\d{5}-of-\d{5}\.safetensors$")


def _shard_file(rank: int, world: int) -> str:
    return f"model-{rank + 1:05d}-of-{world:05d}.safetensors"


def _directory(where: str, directory: Any) -> Path:
    if not isinstance(directory, (str, os.PathLike)):
        raise type_error(where, "directory", directory, "a str or os.PathLike path")
    return Path(directory)


def _region(where: str, param: Parameter) -> tuple[tuple[int, ...], tuple[slice, ...]]:
    """The whole tensor's shape and the part of it this rank holds."""
    if param._full_shape is None:
        return tuple(param.shape), tuple(slice(0, n, 1) for n in param.shape)
    index = getattr(param, "_shard_index", None)
    if index is None or any(s.step != 1 for s in index):
        raise NotImplementedError(f"{where}: parameter {param.name!r} is a strided or unknown "
                                  "shard; only contiguous shards (step 1) are supported.")
    return tuple(param._full_shape), tuple(index)


def _pieces(where: str, cell: Any) -> list[tuple[Parameter, tuple[int, ...], tuple[slice, ...]]]:
    if not isinstance(cell, Cell):
        raise type_error(where, "cell", cell, "a gpuparam.nn.Cell")
    out = []
    for param in cell.get_parameters():
        if param._full_shape is None and param.layerwise_parallel:
            raise NotImplementedError(
                f"{where}: parameter {param.name!r} has layerwise_parallel=True but is not a "
                "shard (init_data(index=...)): its values differ per rank and cannot be "
                "resharded; save it per rank with a regular checkpoint.")
        shard_files.dtype_code(param.dtype, param.name, where)  # complex128 has none: refused here
        out.append((param, *_region(where, param)))
    return out


def _check_tiling(where: str, infos: list[Any]) -> dict[tuple, int]:
    """Check the ranks' pieces describe one network whose shards tile each tensor;
    return the owner (lowest rank) of each distinct piece."""
    owners: dict[tuple, int] = {}
    wholes: dict[str, tuple] = {}
    for rank, (_, pieces) in enumerate(infos):
        for name, global_shape, dtype, offsets, shape in pieces:
            if wholes.setdefault(name, (global_shape, dtype)) != (global_shape, dtype):
                raise ValueError(f"{where}: ranks disagree on the shape or dtype of {name!r}: "
                                 f"{wholes[name]} and {(global_shape, dtype)}.")
            owners.setdefault((name, offsets, shape), rank)
    for name, (global_shape, _) in wholes.items():
        boxes = [(o, s) for (n, o, s) in owners if n == name]
        covered = sum(math.prod(s) for _, s in boxes)
        overlapping = any(all(a < c + t and c < a + s for a, s, c, t in zip(o1, s1, o2, s2))
                          and math.prod(s1) and math.prod(s2)
                          for i, (o1, s1) in enumerate(boxes) for o2, s2 in boxes[i + 1:])
        if overlapping or covered != math.prod(global_shape):
            raise ValueError(f"{where}: the ranks' shards of {name!r} do not tile its shape "
                             f"{global_shape} exactly (pieces {sorted(boxes)}).")
    return owners


def save_sharded(cell: Cell, directory: Any) -> None:
    """Save ``cell``'s parameters as per-rank safetensors shards plus an index.

    Each rank writes ``model-{rank+1:05d}-of-{world:05d}.safetensors`` with the pieces
    it holds: its shards (``init_data(index=...)`` or ``layout=``) and, from the lowest
    rank holding them, the replicated parameters. Rank 0 then writes
    ``model.safetensors.index.json`` (the commit marker). Files are written atomically
    and fsynced. Call it on every rank.

    Args:
        cell: The network, built the same way on every rank.
        directory: Where to write (created if missing).

    Raises:
        TypeError: For a non-Cell or a bad ``directory`` (on any rank).
        ValueError: If the ranks' shards do not tile each parameter exactly.
        NotImplementedError: For a ``layerwise_parallel`` parameter that is not a shard,
            or a strided shard.
        RuntimeError: If a rank failed to write (every rank raises), or before
            ``gpuparam.communication.init()``.
    """
    where = "save_sharded"
    world = process_group.current(where)
    error: Exception | None = None
    pieces: list[tuple[Parameter, tuple[int, ...], tuple[slice, ...]]] = []
    try:
        path = _directory(where, directory)
        pieces = _pieces(where, cell)
        path.mkdir(parents=True, exist_ok=True)
    except (TypeError, ValueError, NotImplementedError, OSError) as exc:
        error = exc
    described = [(p.name, whole, shard_files.dtype_code(p.dtype), tuple(s.start for s in region), tuple(p.shape))
                 for p, whole, region in pieces]
    infos = process_group.agree(where, world, error, (uuid.uuid4().hex, described))
    save_id = infos[0][0]
    owners = _check_tiling(where, infos)
    mine = [(p, whole, region) for p, whole, region in pieces
            if owners[(p.name, tuple(s.start for s in region), tuple(p.shape))] == world.rank]
    sharding = {p.name: {"global_shape": list(whole), "offsets": [s.start for s in region]}
                for p, whole, region in mine}
    file_name = _shard_file(world.rank, world.size)
    try:
        shard_files.write(str(path / file_name), [(p.name, p) for p, _, _ in mine],
                      {"format": FORMAT, "save_id": save_id,
                       "sharding": json.dumps(sharding, separators=(",", ":"))})
        size = (path / file_name).stat().st_size
    except Exception as exc:
        error, size = RuntimeError(f"{where}: rank {world.rank} could not write "
                                   f"{path / file_name}: {exc}"), 0
    sizes = process_group.agree(where, world, error, size)  # every shard is on disk before the index
    error = None
    if world.rank == 0:
        try:
            _write_index(path, infos, owners, sizes, save_id, world.size)
        except Exception as exc:
            error = RuntimeError(f"{where}: could not write the index in {path}: {exc}")
    process_group.agree(where, world, error, None)


def _write_index(path: Path, infos: list[Any], owners: dict[tuple, int], sizes: list[int],
                 save_id: str, world_size: int) -> None:
    shards: dict[str, dict[str, Any]] = {}
    total = 0
    for name, whole, code, _, _ in infos[0][1]:
        shards[name] = {"dtype": code, "global_shape": list(whole), "pieces": []}
    for (name, offsets, shape), rank in owners.items():
        shards[name]["pieces"].append({"file": _shard_file(rank, world_size),
                                       "offsets": list(offsets), "shape": list(shape)})
        total += math.prod(shape) * _itemsize(shards[name]["dtype"])
    whole_in_one = {name: entry["pieces"][0]["file"] for name, entry in shards.items()
                    if len(entry["pieces"]) == 1}
    index = {"metadata": {"total_size": total, "format": FORMAT, "save_id": save_id,
                          "world_size": world_size},
             "weight_map": whole_in_one,  # Hugging Face's map, for tensors stored whole
             "shards": shards,
             "files": {_shard_file(r, world_size): {"size": s} for r, s in enumerate(sizes)}}
    with shard_files.atomic_write(str(path / INDEX_NAME)) as handle:
        handle.write(json.dumps(index, indent=1).encode())
    for stale in path.iterdir():  # shard files of an earlier save at another world size
        if _SHARD_FILE.match(stale.name) and stale.name not in index["files"]:
            stale.unlink()


def load_sharded(cell: Cell, directory: Any) -> list[str]:
    """Load a ``save_sharded`` checkpoint into ``cell``, at any world size.

    Each parameter receives the part this rank holds: its shard for sharded parameters
    (``init_data(index=...)`` or ``layout=``), the whole tensor otherwise. A rank reads
    only the byte ranges of the saved pieces that overlap its part. Everything is read
    and checked before any parameter changes; if any rank fails, every rank raises and
    no parameter changes.

    Args:
        cell: The network, on every rank.
        directory: A directory written by ``save_sharded`` (with any world size).

    Returns:
        The names in the checkpoint that ``cell`` has no parameter for.

    Raises:
        TypeError: For a non-Cell or a bad ``directory``.
        ValueError: For a missing or malformed index or shard file, an interrupted save,
            a parameter missing from the checkpoint, or another shape or dtype.
        RuntimeError: Before ``gpuparam.communication.init()``.
    """
    where = "load_sharded"
    world = process_group.current(where)
    error: Exception | None = None
    loaded: list[tuple[Parameter, np.ndarray]] = []
    unexpected: list[str] = []
    try:
        path = _directory(where, directory)
        index = _read_index(where, path)
        pieces = _pieces(where, cell)
        missing = [p.name for p, _, _ in pieces if p.name not in index["shards"]]
        if missing:
            raise ValueError(f"{where}: the checkpoint in {path} has no {missing}.")
        with contextlib.ExitStack() as files:
            shards: dict[str, shard_files.ShardFile] = {}
            for param, whole, region in pieces:
                loaded.append((param, _read_region(where, path, index, shards, files, param,
                                                   whole, region)))
        names = {p.name for p, _, _ in pieces}
        unexpected = [name for name in index["shards"] if name not in names]
    except (TypeError, ValueError, NotImplementedError, OSError) as exc:
        error = exc if not isinstance(exc, OSError) else ValueError(f"{where}: {exc}")
    process_group.agree(where, world, error, None)
    for param, values in loaded:
        if param._full_shape is not None:
            param[...] = values  # in place: the parameter stays the same shard
        else:
            param.set_data(Tensor(values))
    return unexpected


def _read_index(where: str, path: Path) -> dict[str, Any]:
    index_path = path / INDEX_NAME
    if not index_path.is_file():
        raise ValueError(f"{where}: {index_path} does not exist: no complete sharded "
                         "checkpoint is in that directory.")
    if index_path.stat().st_size > shard_files.MAX_HEADER_BYTES:
        raise ValueError(f"{where}: {index_path} is larger than 100 MiB.")
    try:
        index = json.loads(index_path.read_bytes())
        meta, shards = index["metadata"], index["shards"]
        ok = (meta.get("format") == FORMAT and isinstance(meta.get("save_id"), str)
              and isinstance(shards, dict))
        for entry in shards.values():
            ok = ok and shard_files.dtype_of_code(entry["dtype"]) is not None and _ints(entry["global_shape"])
            for piece in entry["pieces"]:
                ok = ok and bool(_SHARD_FILE.match(str(piece["file"]))) and _ints(piece["offsets"]) \
                    and _ints(piece["shape"]) and len(piece["shape"]) == len(entry["global_shape"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{where}: {index_path} is not a sharded-checkpoint index ({exc}).") from None
    except RecursionError:  # json's decoder recurses per level of nesting
        raise ValueError(f"{where}: {index_path} is nested too deeply to be a "
                         "sharded-checkpoint index.") from None
    if not ok:
        raise ValueError(f"{where}: {index_path} is not a {FORMAT} index (a field is missing "
                         "or malformed).")
    return index


def _ints(values: Any) -> bool:
    return isinstance(values, list) and all(isinstance(v, int) and not isinstance(v, bool)
                                            and v >= 0 for v in values)


def _itemsize(code: str) -> int:
    dtype = shard_files.dtype_of_code(code)
    assert dtype is not None  # the index was checked
    return dtype.itemsize


def _open_shard(where: str, path: Path, files: contextlib.ExitStack) -> shard_files.ShardFile:
    try:
        return shard_files.ShardFile(path, files)
    except ValueError as exc:
        raise ValueError(f"{where}: not a valid safetensors file: {exc}") from None


def _read_region(where: str, path: Path, index: dict[str, Any], shards: dict[str, shard_files.ShardFile],
                 files: contextlib.ExitStack, param: Parameter, whole: tuple[int, ...],
                 region: tuple[slice, ...]) -> np.ndarray:
    entry = index["shards"][param.name]
    dtype = shard_files.dtype_of_code(entry["dtype"])
    assert dtype is not None  # the index was checked
    if tuple(entry["global_shape"]) != whole or dtype != param.dtype:
        raise ValueError(f"{where}: {param.name!r} is {tuple(entry['global_shape'])} "
                         f"{dtype.numpy_dtype} in the checkpoint but {whole} "
                         f"{param.dtype.numpy_dtype} here.")
    values = shard_files.new_host_array(tuple(s.stop - s.start for s in region), dtype.numpy_dtype)
    covered = 0
    for piece in entry["pieces"]:
        offsets, shape = piece["offsets"], tuple(piece["shape"])
        lows = [max(r.start, o) for r, o in zip(region, offsets)]
        highs = [min(r.stop, o + n) for r, o, n in zip(region, offsets, shape)]
        if any(lo >= hi for lo, hi in zip(lows, highs)):
            continue
        shard = shards.get(piece["file"])
        if shard is None:
            shard = shards[piece["file"]] = _open_shard(where, path / piece["file"], files)
            if shard.metadata.get("save_id") != index["metadata"]["save_id"]:
                raise ValueError(f"{where}: {path / piece['file']} belongs to another save than "
                                 f"{INDEX_NAME}: a save into {path} was interrupted.")
        if shard.tensors.get(param.name) != (dtype, shape):
            raise ValueError(f"{where}: {path / piece['file']} does not hold the piece of "
                             f"{param.name!r} its index names ({shape}).")
        # (a view: indexing a 0-d array with () would give a scalar)
        target = values[(...,) + tuple(slice(lo - r.start, hi - r.start)
                                       for lo, hi, r in zip(lows, highs, region))]
        try:
            shard.read(param.name, tuple(slice(lo - o, hi - o) for lo, hi, o in
                                         zip(lows, highs, offsets)), target)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        covered += math.prod(hi - lo for lo, hi in zip(lows, highs))
    if covered != values.size:
        raise ValueError(f"{where}: the checkpoint's pieces of {param.name!r} do not cover "
                         f"the part {region} this rank holds.")
    return values
