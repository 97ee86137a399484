"""CUDA kernels: compiled through CuPy's ``RawKernel``, or by NVRTC alone (no GPU needed)."""

from __future__ import annotations

import functools
from typing import Any

from .selection import _import_cupy, _require_gpu, active_array_module

@functools.cache
def raw_kernel(source: str, name: str, options: tuple[str, ...] = ()) -> Any:
    """Return a compiled ``cupy.RawKernel`` (cached per source, name and options)."""
    _require_gpu("raw_kernel")
    cupy = active_array_module()
    return cupy.RawKernel(source, name, options=("--std=c++17",) + options)


def nvrtc_compile(source: str, options: tuple[str, ...] = (), *,
                  arch: str = "compute_90") -> bytes:
    """Compile CUDA ``source`` with NVRTC as CuPy's ``RawKernel`` would; needs no GPU.

    The options are those ``raw_kernel`` gives CuPy (``--std=c++17`` and ``options``),
    then the target, then the ``-ftz=true`` that CuPy appends to every compile (NVRTC
    keeps the last of conflicting flags, so this is the build a GPU really runs).

    Args:
        source: CUDA C++ source.
        options: Extra NVRTC options.
        arch: ``compute_XX`` returns PTX; ``sm_XX`` returns a cubin (as CuPy builds it).

    Raises:
        RuntimeError: If CuPy or NVRTC is missing, or the source does not compile (the
            message carries NVRTC's log).
    """
    if _import_cupy() is None:
        raise RuntimeError("nvrtc_compile: CuPy is not installed")
    from cupy_backends.cuda.libs import nvrtc  # part of CuPy; loads libnvrtc lazily

    try:
        program = nvrtc.createProgram(source, "gpuparam_kernel.cu", [], [])
    except Exception as exc:
        raise RuntimeError(f"nvrtc_compile: NVRTC is not usable ({exc})") from exc
    try:
        try:
            nvrtc.compileProgram(program, ["--std=c++17", *options, f"-arch={arch}",
                                           "-ftz=true"])
        except Exception as exc:
            log = nvrtc.getProgramLog(program)
            raise RuntimeError(f"nvrtc_compile: compilation failed:\n{log}") from exc
        return nvrtc.getCUBIN(program) if arch.startswith("sm_") else nvrtc.getPTX(program)
    finally:
        nvrtc.destroyProgram(program)
