"""CUDA libraries that gpuparam loads itself: the CUDA runtime (libcudart), for the cuDNN frontend.

The cuDNN frontend (both generations, 1.23 and 1.32) ``dlopen``s ``libcudart.so.13`` or
``libcudart.so.12`` **by soname** when it builds a graph. CuPy 14 links the runtime
statically and the ``nvidia-cudnn-cu*`` libraries do not need it, so in a process that
has not imported torch nothing may have loaded it, and the wheel that ships it
(``nvidia-cuda-runtime``) keeps it in ``site-packages/nvidia/cu13/lib``, off the loader's
path. :func:`load_cudart` loads it once per process: by soname first, then through
``cuda.pathfinder`` (a CuPy 14 dependency, which knows the wheels' folders). Once a
library is loaded, a later ``dlopen`` of its soname returns it, wherever it came from.

Nothing here imports CuPy at module level; the preferred CUDA major is CuPy's own.
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .selection import _import_cupy

# Frontend 1.32 loads this name instead of the sonames when it is set.
FRONTEND_CUDART_VAR = "CUDNN_FRONTEND_CUDART_LIB_NAME"
CUDART_SONAMES = {13: "libcudart.so.13", 12: "libcudart.so.12"}


@dataclass(frozen=True)
class LibraryLoad:
    """What loading a library found: ``path`` (``None`` when nothing loaded), the name or
    route that loaded it (``via``), and what each attempt said (``attempts``)."""

    name: str
    path: str | None
    via: str | None
    attempts: tuple[str, ...]

    @property
    def loaded(self) -> bool:
        return self.via is not None

    def reason(self) -> str | None:
        """Why the library is missing (``None`` when it loaded), with every attempt."""
        if self.loaded:
            return None
        return f"no {self.name} loads (" + "; ".join(self.attempts) + ")"


def mapped_paths(fragment: str, maps: str | None = None) -> list[str]:
    """Files mapped into this process whose path holds ``fragment`` (Linux; else [])."""
    if maps is None:
        try:
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
                maps = f.read()
        except OSError:
            return []
    found = {line.split(None, 5)[5].strip() for line in maps.splitlines()
             if len(line.split(None, 5)) == 6 and fragment in line.split(None, 5)[5]}
    return sorted(found)


def _find_with_pathfinder(name: str) -> str:
    from cuda.pathfinder import load_nvidia_dynamic_lib  # a CuPy 14 dependency

    return str(load_nvidia_dynamic_lib(name).abs_path)


def load_cudart(preferred_major: int | None = None, *,
                open_soname: Callable[[str], Any] = ctypes.CDLL,
                find_with_pathfinder: Callable[[str], str] = _find_with_pathfinder,
                maps: Callable[[], str | None] = lambda: None) -> LibraryLoad:
    """Load libcudart into this process and say where it came from.

    Tries ``$CUDNN_FRONTEND_CUDART_LIB_NAME`` (when set), the soname of
    ``preferred_major`` (CuPy's CUDA major), the other soname, then
    ``cuda.pathfinder.load_nvidia_dynamic_lib("cudart")``; stops at the first that loads.
    Only one is ever loaded (frontend 1.23 refuses a process holding both majors).
    ``open_soname``, ``find_with_pathfinder`` and ``maps`` are the loader seams a test
    replaces.
    """
    names = [CUDART_SONAMES[m] for m in sorted(CUDART_SONAMES, reverse=True)]
    if preferred_major in CUDART_SONAMES:
        names.remove(CUDART_SONAMES[preferred_major])
        names.insert(0, CUDART_SONAMES[preferred_major])
    chosen = os.environ.get(FRONTEND_CUDART_VAR)
    if chosen:
        names.insert(0, chosen)
    attempts = []
    for name in names:
        try:
            open_soname(name)
        except OSError as exc:
            attempts.append(f"dlopen({name}): {exc}")
            continue
        where = mapped_paths("libcudart", maps())
        return LibraryLoad("libcudart", where[0] if where else name, name, tuple(attempts))
    try:
        path = find_with_pathfinder("cudart")
    except Exception as exc:  # not installed, DynamicLibNotFoundError, ...
        attempts.append(f"cuda.pathfinder: {type(exc).__name__}: {exc}")
        return LibraryLoad("libcudart", None, None, tuple(attempts))
    return LibraryLoad("libcudart", path, "cuda.pathfinder", tuple(attempts))


def _cupy_cuda_major() -> int | None:
    cupy = _import_cupy()
    if cupy is None:
        return None
    try:
        return int(cupy.cuda.runtime.runtimeGetVersion()) // 1000
    except Exception:  # no driver: CuPy's build still names its major
        return None


@functools.cache
def cudart() -> LibraryLoad:
    """Load libcudart once per process (:func:`load_cudart`, CuPy's major first)."""
    return load_cudart(_cupy_cuda_major())


__all__ = ["CUDART_SONAMES", "LibraryLoad", "cudart", "load_cudart", "mapped_paths"]
