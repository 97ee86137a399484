"""``ckpt_to_safetensors`` and ``safetensors_to_ckpt``: MindSpore's converters between its
``.ckpt`` and safetensors, for one file or a directory of per-rank directories.

They take MindSpore 2.x's arguments and lay the output out as MindSpore does: a file
``x.ckpt`` becomes ``x.safetensors`` (and back) in ``save_path`` or beside it; a
directory is a run of ``rank*`` subdirectories (MindSpore's parallel layout), each
converted into ``save_path/rank*`` or in place. Each file is read and written by
gpuparam's own checked code (``load_checkpoint`` / ``save_checkpoint``), so a
conversion checks every checksum it reads and writes atomically.
"""

from __future__ import annotations

import os
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .._errors import check_int, type_error, value_error
from .serialization import load_checkpoint, save_checkpoint

_SUFFIX = {"ckpt": ".ckpt", "safetensors": ".safetensors"}


def _convert_file(where: str, source: str, target_dir: str, source_format: str,
                  target_format: str, name_map: dict[str, str] | None) -> None:
    values = load_checkpoint(source, format=source_format)
    if name_map:
        values = {name_map.get(name, name): value for name, value in values.items()}
    strings = [name for name, value in values.items() if isinstance(value, str)]
    if strings and target_format == "safetensors":
        warnings.warn(f"{where}: {source}: safetensors holds no strings; {strings} were not "
                      "converted.", UserWarning, stacklevel=4)
        values = {name: value for name, value in values.items() if not isinstance(value, str)}
    base = os.path.basename(source)[:-len(_SUFFIX[source_format])] + _SUFFIX[target_format]
    save_checkpoint(values, os.path.join(target_dir, base), format=target_format)


def _tasks(where: str, directory: str, save_path: str | None, suffix: str,
           pattern: str | None) -> list[tuple[str, str]]:
    """(source file, target directory) for every matching file of the ``rank*``
    subdirectories, as MindSpore's ``_gather_tasks`` finds them."""
    ranks = sorted(d for d in os.listdir(directory)
                   if d.startswith("rank") and os.path.isdir(os.path.join(directory, d)))
    if not ranks:
        raise value_error(where, "file_path", directory,
                          "a checkpoint file, or a directory with rank* subdirectories "
                          "(MindSpore's layout); it has none")
    tasks = []
    for rank in ranks:
        source_dir = os.path.join(directory, rank)
        target_dir = os.path.join(save_path, rank) if save_path else source_dir
        for name in sorted(os.listdir(source_dir)):
            if name.endswith(suffix) and (pattern is None or re.findall(pattern, name)):
                tasks.append((os.path.join(source_dir, name), target_dir))
    return tasks


def _convert(where: str, source_format: str, target_format: str, file_path: Any,
             save_path: Any, name_map: Any, file_name_regex: Any, processes_num: Any) -> None:
    if not isinstance(file_path, (str, os.PathLike)):
        raise type_error(where, "file_path", file_path, "a str (a file or directory path)")
    file_path = os.fspath(file_path)
    if save_path is not None and not isinstance(save_path, (str, os.PathLike)):
        raise type_error(where, "save_path", save_path, "None or a str (a directory path)")
    save_path = None if save_path is None else os.fspath(save_path)
    if name_map is not None and not (isinstance(name_map, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in name_map.items())):
        raise type_error(where, "name_map", name_map, "None or a dict of str -> str")
    if file_name_regex is not None:
        if not isinstance(file_name_regex, str):
            raise type_error(where, "file_name_regex", file_name_regex, "None or a str")
        try:
            re.compile(file_name_regex)
        except re.error as exc:
            raise value_error(where, "file_name_regex", file_name_regex,
                              f"a regular expression ({exc})") from None
    workers = check_int(where, "processes_num", processes_num, minimum=1)
    suffix = _SUFFIX[source_format]
    if not (os.path.isdir(file_path) or os.path.isfile(file_path)):
        raise value_error(where, "file_path", file_path, "an existing file or directory")
    if save_path and (os.path.splitext(save_path)[1] or os.path.isfile(save_path)):
        raise value_error(where, "save_path", save_path, "a directory (MindSpore's rule: no "
                          "file extension)")
    if os.path.isfile(file_path):
        if not file_path.endswith(suffix):
            raise value_error(where, "file_path", file_path, f"a {suffix} file")
        if file_name_regex is not None and not re.findall(file_name_regex, file_path):
            raise value_error(where, "file_path", file_path,
                              f"a file matching file_name_regex {file_name_regex!r}")
        tasks = [(file_path, save_path or os.path.dirname(os.path.abspath(file_path)))]
    else:
        tasks = _tasks(where, file_path, save_path, suffix, file_name_regex)
    for _, target_dir in tasks:
        os.makedirs(target_dir, exist_ok=True)
    if workers == 1 or len(tasks) < 2:
        for source, target_dir in tasks:
            _convert_file(where, source, target_dir, source_format, target_format, name_map)
        return
    # Threads, not processes: the work is reading and writing files, which releases the
    # GIL, and a thread inherits no copy of a device context.
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gpuparam-convert") as pool:
        for future in [pool.submit(_convert_file, where, source, target_dir, source_format,
                                   target_format, name_map) for source, target_dir in tasks]:
            future.result()


def ckpt_to_safetensors(file_path: Any, save_path: Any = None, name_map: Any = None,
                        file_name_regex: Any = None, processes_num: Any = 1) -> None:
    """Convert MindSpore ``.ckpt`` files to safetensors, as ``mindspore.ckpt_to_safetensors``.

    ``x.ckpt`` becomes ``x.safetensors``, in ``save_path`` (created if missing) or
    beside ``x.ckpt``. A directory holds ``rank*`` subdirectories (MindSpore's parallel
    layout); the ``.ckpt`` files in each are converted into ``save_path/rank*`` or in
    place. Saved strings (``append_dict``) have no safetensors form: they are left out,
    with a warning naming them. Every file is read checked and written atomically.

    Args:
        file_path: A ``.ckpt`` file, or a directory of ``rank*`` subdirectories.
        save_path: The directory to write into (default: beside each input file).
        name_map: ``{old name: new name}`` for parameters to rename.
        file_name_regex: Convert only files whose name this matches (``re.findall``).
        processes_num: Files converted at once (threads; MindSpore uses processes).

    Raises:
        ValueError: For a missing path, a file that is not ``.ckpt`` or does not match
            ``file_name_regex``, a ``save_path`` that is not a directory, a directory
            without ``rank*`` subdirectories, or a damaged file (the target is then
            untouched).
        TypeError: For arguments of the wrong type.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> import gpuparam
        >>> folder = tempfile.mkdtemp()
        >>> path = os.path.join(folder, "net.ckpt")
        >>> gpuparam.save_checkpoint({"w": gpuparam.Tensor(np.ones(2, np.float32))}, path)
        >>> gpuparam.ckpt_to_safetensors(path, name_map={"w": "weight"})
        >>> list(gpuparam.load_checkpoint(os.path.join(folder, "net.safetensors"),
        ...                               format="safetensors"))
        ['weight']
    """
    _convert("ckpt_to_safetensors", "ckpt", "safetensors", file_path, save_path, name_map,
             file_name_regex, processes_num)


def safetensors_to_ckpt(file_path: Any, save_path: Any = None, name_map: Any = None,
                        file_name_regex: Any = None, processes_num: Any = 1) -> None:
    """Convert safetensors files to MindSpore ``.ckpt``, as ``mindspore.safetensors_to_ckpt``.

    ``x.safetensors`` becomes ``x.ckpt``, in ``save_path`` (created if missing) or
    beside it; a directory of ``rank*`` subdirectories is converted as in
    ``ckpt_to_safetensors``. A dtype MindSpore's ``.ckpt`` has no name for (complex,
    float8) is refused before the file is written.

    Args:
        file_path: A ``.safetensors`` file, or a directory of ``rank*`` subdirectories.
        save_path: The directory to write into (default: beside each input file).
        name_map: ``{old name: new name}`` for parameters to rename.
        file_name_regex: Convert only files whose name this matches (``re.findall``).
        processes_num: Files converted at once (threads; MindSpore uses processes).

    Raises:
        ValueError: As ``ckpt_to_safetensors``, for a file that is not
            ``.safetensors``, and for dtypes a ``.ckpt`` cannot hold.
        TypeError: For arguments of the wrong type.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> import gpuparam
        >>> folder = tempfile.mkdtemp()
        >>> path = os.path.join(folder, "net.safetensors")
        >>> gpuparam.save_checkpoint({"w": gpuparam.Tensor(np.ones(2, np.float32))}, path,
        ...                          format="safetensors")
        >>> gpuparam.safetensors_to_ckpt(path, os.path.join(folder, "converted"))
        >>> os.listdir(os.path.join(folder, "converted"))
        ['net.ckpt']
    """
    _convert("safetensors_to_ckpt", "safetensors", "ckpt", file_path, save_path, name_map,
             file_name_regex, processes_num)
