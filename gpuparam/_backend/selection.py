"""Which backend is active (CuPy or NumPy), why the GPU is or is not usable, and device queries.

CuPy is used when it imports and a GPU is usable; otherwise NumPy.
``GPUPARAM_BACKEND=auto|cupy|numpy`` or ``set_context(device_target="GPU"|"CPU")`` choose
explicitly, and asking for the GPU where there is none raises a RuntimeError that says why.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, Union

import numpy as np

from .._errors import check_choice, value_error

if TYPE_CHECKING:  # for annotations only: importing CuPy at run time is lazy, below
    import cupy

    Array = Union[np.ndarray, "cupy.ndarray"]
else:
    Array = Any

BackendName = Literal["numpy", "cupy"]
_ENV_VAR = "GPUPARAM_BACKEND"
_ENV_CHOICES = ("auto", "cupy", "numpy")

_lock = threading.Lock()
_chosen: BackendName | None = None


# What importing CuPy said: its warnings (never failures: pytest's `filterwarnings =
# error` or CuPy's duplicate-install warning must not turn into "no GPU") and, when the
# import failed, why.
_cupy_import_warnings: list[str] = []
_cupy_import_error: list[str] = []


@functools.cache
def _import_cupy() -> ModuleType | None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            import cupy
        except Exception as exc:  # ImportError, or a broken CUDA install raising at import
            _cupy_import_error.append(f"{type(exc).__name__}: {exc}")
            cupy = None
    _cupy_import_warnings.extend(f"{w.category.__name__}: {w.message}" for w in caught)
    return cupy


def import_warnings() -> list[str]:
    """Return the warnings CuPy raised while gpuparam imported it (kept, not raised)."""
    return list(_cupy_import_warnings)


@functools.cache
def _nvrtc_unavailable_reason() -> str | None:
    cupy = _import_cupy()
    assert cupy is not None
    try:
        cupy.cuda.nvrtc.getVersion()
    except Exception as exc:  # libnvrtc missing or of the wrong major version
        return (f"NVRTC (which CuPy needs to compile every kernel) cannot be loaded "
                f"({type(exc).__name__}: {exc}); install nvidia-cuda-nvrtc-cu12 (or -cu13), "
                "or cupy-cuda12x[ctk]")
    return None


def gpu_unavailable_reason() -> str | None:
    """Return why the GPU backend cannot be used, or ``None`` when it can.

    Checks, in order: CuPy imports (its import-time warnings do not count as failures),
    a CUDA driver answers, at least one device is visible, and NVRTC loads.
    """
    cupy = _import_cupy()
    if cupy is None:
        why = _cupy_import_error[0] if _cupy_import_error else "unknown error"
        return (f"CuPy is not installed or fails to import ({why}); install it (from a "
                "clone: pip install -e \".[cuda12]\" or \".[cuda13]\")")
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # no driver, driver too old, ...
        return f"CuPy cannot reach a CUDA driver ({type(exc).__name__}: {exc})"
    if count < 1:
        return "no CUDA device is visible"
    return _nvrtc_unavailable_reason()


def gpu_available() -> bool:
    """Return True if CuPy imports and a CUDA device is usable."""
    return gpu_unavailable_reason() is None


def _require_gpu(where: str) -> None:
    reason = gpu_unavailable_reason()
    if reason is not None:
        raise RuntimeError(
            f"{where}: the GPU backend was asked for, but {reason}. Use "
            f"gpuparam.set_context(device_target='CPU') or {_ENV_VAR}=numpy to run on NumPy.")


def _backend_from_env() -> BackendName:
    choice = os.environ.get(_ENV_VAR, "auto").strip().lower()
    if choice not in _ENV_CHOICES:
        raise value_error("gpuparam", f"environment variable {_ENV_VAR}", choice,
                          f"one of {list(_ENV_CHOICES)}")
    if choice == "cupy":
        _require_gpu(f"{_ENV_VAR}=cupy")
        return "cupy"
    if choice == "numpy":
        return "numpy"
    return "cupy" if gpu_available() else "numpy"


def active_backend() -> BackendName:
    """Return the name of the active backend, choosing it on first use."""
    global _chosen
    if _chosen is None:
        with _lock:
            if _chosen is None:
                _chosen = _backend_from_env()
    return _chosen


def active_array_module() -> ModuleType:
    """Return the active array module: ``cupy`` or ``numpy``."""
    if active_backend() == "cupy":
        cupy = _import_cupy()
        assert cupy is not None
        return cupy
    return np


def set_backend(name: BackendName) -> None:
    """Make ``name`` (``'numpy'`` or ``'cupy'``) the active backend."""
    global _chosen
    check_choice("set_backend", "name", name, ("numpy", "cupy"))
    if name == "cupy":
        _require_gpu("set_backend")
    _chosen = name


@contextlib.contextmanager
def use_backend(name: BackendName) -> Iterator[ModuleType]:
    """Context manager that makes ``name`` the active backend and restores the previous one."""
    global _chosen
    previous = _chosen
    set_backend(name)
    try:
        yield active_array_module()
    finally:
        _chosen = previous


def device_name() -> str:
    """Return the name of the active device (``"CPU"`` on NumPy)."""
    if active_backend() == "numpy":
        return "CPU"
    cupy = active_array_module()
    props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.runtime.getDevice())
    name = props["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def memory_info() -> tuple[int, int] | None:
    """Return ``(free, total)`` bytes of device memory, or ``None`` on NumPy."""
    if active_backend() == "numpy":
        return None
    free, total = active_array_module().cuda.runtime.memGetInfo()
    return int(free), int(total)


def pool_used_bytes() -> int:
    """Return the bytes CuPy's default memory pool has handed out (0 on NumPy)."""
    if active_backend() == "numpy":
        return 0
    return int(active_array_module().get_default_memory_pool().used_bytes())


def versions() -> dict[str, str | None]:
    """Return the versions of NumPy, CuPy, the CUDA runtime and the cuDNN frontend."""
    out: dict[str, str | None] = {"numpy": np.__version__, "cupy": None,
                                  "cuda_runtime": None, "cudnn_frontend": None,
                                  "cudnn": None}
    cupy = _import_cupy()
    if cupy is not None:
        out["cupy"] = cupy.__version__
        with contextlib.suppress(Exception):
            out["cuda_runtime"] = str(cupy.cuda.runtime.runtimeGetVersion())
    with contextlib.suppress(Exception), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a version query: its warnings are no failure
        import cudnn  # type: ignore[import-not-found]
        out["cudnn_frontend"] = getattr(cudnn, "__version__", "unknown")
        out["cudnn"] = str(cudnn.backend_version())
    return out


def use_device(device_id: int, where: str) -> None:
    """Make CUDA device ``device_id`` current for this thread (RuntimeError without a GPU,
    ValueError past the device count)."""
    _require_gpu(where)
    cupy = _import_cupy()
    assert cupy is not None
    count = cupy.cuda.runtime.getDeviceCount()
    if device_id >= count:
        raise value_error("set_context", "device_id", device_id, f"below the device count {count}")
    cupy.cuda.Device(device_id).use()


def current_device_id() -> int:
    """Return the current CUDA device's index (0 on NumPy)."""
    if active_backend() == "cupy":
        return int(active_array_module().cuda.runtime.getDevice())
    return 0
