"""The array-module shim: which of CuPy and NumPy is active, and everything device-side.

This is the only module that imports CuPy. CuPy is used when it imports and a GPU is
usable; otherwise NumPy. ``GPUPARAM_BACKEND=auto|cupy|numpy`` or
``set_context(device_target="GPU"|"CPU")`` choose explicitly, and asking for the GPU
where there is none raises a RuntimeError that says why.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, Union

import numpy as np

from ._errors import check_choice, type_error, value_error

if TYPE_CHECKING:  # for annotations only: importing CuPy at run time is lazy, below
    import cupy

    Array = Union[np.ndarray, "cupy.ndarray"]
else:
    Array = Any

BackendName = Literal["numpy", "cupy"]
_ENV_VAR = "GPUPARAM_BACKEND"
_ENV_CHOICES = ("auto", "cupy", "numpy")
_DEVICE_TARGETS = {"CPU": "numpy", "GPU": "cupy"}

_lock = threading.Lock()
_chosen: BackendName | None = None
# MindSpore's GPU precision switches; gpuparam's default keeps float32 exact (DESIGN.md).
_gpu_config: dict[str, bool] = {"conv_allow_tf32": False}


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
        return (f"CuPy is not installed or fails to import ({why}); install "
                "gpuparam[cuda12] or gpuparam[cuda13]")
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


def _check_gpu_config(gpu_config: Any) -> dict[str, bool]:
    if not isinstance(gpu_config, dict):
        raise type_error("set_context", "gpu_config", gpu_config,
                         "a dict such as {'conv_allow_tf32': True}")
    for key, value in gpu_config.items():
        check_choice("set_context", "gpu_config key", key, tuple(_gpu_config))
        if not isinstance(value, bool):
            raise type_error("set_context", f"gpu_config['{key}']", value, "a bool")
    return dict(gpu_config)


def set_context(device_target: str | None = None, device_id: int | None = None,
                gpu_config: dict[str, bool] | None = None, **unsupported: Any) -> None:
    """Choose where gpuparam computes, as ``mindspore.set_context`` does.

    Args:
        device_target: ``"GPU"`` (CuPy) or ``"CPU"`` (NumPy). ``None`` keeps the current one.
        device_id: Index of the CUDA device to use; ``None`` keeps the current one.
        gpu_config: GPU precision switches, as MindSpore's ``gpu_config``; gpuparam knows
            ``{"conv_allow_tf32": bool}``: let cuDNN compute float32 convolutions on
            TF32 tensor cores (10-bit mantissa products, several times faster on large
            layers; PyTorch's ``torch.backends.cudnn.allow_tf32``). Default ``False``:
            float32 convolutions agree with the GEMM backend and NumPy to float32
            rounding. Unlike MindSpore, whose default is ``True``.

    Raises:
        ValueError: If ``device_target`` is not ``"GPU"`` or ``"CPU"`` (``"Ascend"`` included),
            or ``gpu_config`` has an unknown key.
        TypeError: If ``gpu_config`` is not a dict of bools.
        RuntimeError: If ``"GPU"`` is asked for and no usable GPU is present.

    Example:
        >>> import gpuparam
        >>> gpuparam.set_context(gpu_config={"conv_allow_tf32": True})
        >>> gpuparam.get_context("gpu_config")
        {'conv_allow_tf32': True}
        >>> gpuparam.set_context(gpu_config={"conv_allow_tf32": False})
    """
    if unsupported:
        raise TypeError(f"set_context: unsupported option(s) {sorted(unsupported)}; "
                        "gpuparam understands `device_target`, `device_id` and `gpu_config`.")
    config = None if gpu_config is None else _check_gpu_config(gpu_config)
    if device_id is not None:
        if isinstance(device_id, bool) or not isinstance(device_id, int):
            raise type_error("set_context", "device_id", device_id, "an int")
        if device_id < 0:
            raise value_error("set_context", "device_id", device_id, "an int >= 0")
    if device_target is not None:
        check_choice("set_context", "device_target", device_target, tuple(_DEVICE_TARGETS))
        set_backend(_DEVICE_TARGETS[device_target])  # type: ignore[arg-type]
    if device_id is not None:
        _require_gpu("set_context(device_id=...)")
        cupy = _import_cupy()
        assert cupy is not None
        if device_id >= cupy.cuda.runtime.getDeviceCount():
            raise value_error("set_context", "device_id", device_id,
                              f"below the device count {cupy.cuda.runtime.getDeviceCount()}")
        cupy.cuda.Device(device_id).use()
    if config is not None:
        _gpu_config.update(config)


def get_context(attr_key: str) -> Any:
    """Return a context setting: ``"device_target"`` (``"GPU"``/``"CPU"``), ``"device_id"``
    or ``"gpu_config"`` (a copy)."""
    check_choice("get_context", "attr_key", attr_key, ("device_target", "device_id", "gpu_config"))
    if attr_key == "gpu_config":
        return dict(_gpu_config)
    if attr_key == "device_target":
        return "GPU" if active_backend() == "cupy" else "CPU"
    if active_backend() == "cupy":
        return int(active_array_module().cuda.runtime.getDevice())
    return 0


def conv_allow_tf32() -> bool:
    """Return whether float32 convolutions may run on TF32 tensor cores (see ``set_context``)."""
    return _gpu_config["conv_allow_tf32"]


# --------------------------------------------------------------------------- arrays

def _cupy_if_loaded() -> ModuleType | None:
    # Looking in sys.modules keeps the NumPy path from ever importing CuPy.
    return sys.modules.get("cupy")


def is_device_array(array: Any) -> bool:
    """Return True if ``array`` is a ``cupy.ndarray``."""
    cupy = _cupy_if_loaded()
    return cupy is not None and isinstance(array, cupy.ndarray)


def get_array_module(*arrays: Any) -> ModuleType:
    """Return ``cupy`` if any of ``arrays`` is a ``cupy.ndarray``, else ``numpy``.

    Never imports CuPy: an array of CuPy's can only exist once CuPy is loaded.
    """
    cupy = _cupy_if_loaded()
    if cupy is not None and any(isinstance(a, cupy.ndarray) for a in arrays):
        return cupy
    return np


def to_host(array: Any) -> np.ndarray:
    """Return ``array`` as a NumPy array (a copy from the device for CuPy arrays).

    May synchronize the device.
    """
    if is_device_array(array):
        return array.get()
    return np.asarray(array)


def to_active(array: Any) -> Any:
    """Return ``array`` on the active backend (uploading or downloading as needed)."""
    xp = active_array_module()
    if xp is np:
        return to_host(array)
    return xp.asarray(array)


# --------------------------------------------------------------------------- device

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


# --------------------------------------------------------------------------- streams

def current_stream() -> Any:
    """Return the current CuPy stream, or ``None`` on NumPy."""
    if active_backend() == "numpy":
        return None
    return active_array_module().cuda.get_current_stream()


def new_stream(non_blocking: bool = True) -> Any:
    """Return a new CUDA stream (``cupy.cuda.Stream``); RuntimeError on NumPy."""
    _require_gpu("new_stream")
    return active_array_module().cuda.Stream(non_blocking=non_blocking)


@contextlib.contextmanager
def stream(cuda_stream: Any) -> Iterator[Any]:
    """Make ``cuda_stream`` current for the block (``None`` leaves the stream as it is).

    On NumPy only ``None`` is accepted, since there are no streams to choose.
    """
    if cuda_stream is None:
        yield current_stream()
        return
    if active_backend() == "numpy":
        raise type_error("stream", "cuda_stream", cuda_stream,
                         "None on the NumPy backend (there are no CUDA streams)")
    cupy = active_array_module()
    if not isinstance(cuda_stream, (cupy.cuda.Stream, cupy.cuda.ExternalStream)):
        raise type_error("stream", "cuda_stream", cuda_stream, "a cupy.cuda.Stream or None")
    with cuda_stream:
        yield cuda_stream


@contextlib.contextmanager
def device(device_id: int | None) -> Iterator[None]:
    """Make CUDA device ``device_id`` current for the block (``None``: leave it as it is)."""
    if device_id is None or active_backend() != "cupy":
        yield
        return
    with active_array_module().cuda.Device(device_id):
        yield


# --------------------------------------------------------------------------- kernels

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


# --------------------------------------------------------------------------- NCCL
# gpuparam.communication reaches NCCL (through CuPy's binding) and pinned host memory only
# through these functions, so that this module stays the one that imports CuPy.

def _nccl_module() -> ModuleType:
    import warnings

    with warnings.catch_warnings(record=True) as caught:  # CuPy warns when libnccl is missing
        warnings.simplefilter("always")
        from cupy.cuda import nccl
    if not getattr(nccl, "available", False):
        said = " ".join(str(caught[-1].message).split()) if caught else "libnccl was not found"
        raise RuntimeError(f"CuPy finds no NCCL library ({said}); install nvidia-nccl-cu12 "
                           "(gpuparam[cuda12]) or nvidia-nccl-cu13 (gpuparam[cuda13])")
    return nccl


def nccl_unavailable_reason() -> str | None:
    """Return why NCCL cannot be used (no GPU, no libnccl), or ``None`` when it can."""
    reason = gpu_unavailable_reason()
    if reason is not None:
        return reason
    try:
        _nccl_module()
    except Exception as exc:
        return str(exc)
    return None


def nccl_unique_id() -> Any:
    """Return a new NCCL unique id (the value every rank passes to ``nccl_communicator``)."""
    return _nccl_module().get_unique_id()


def nccl_communicator(world_size: int, unique_id: Any, rank: int) -> Any:
    """Return a ``cupy.cuda.nccl.NcclCommunicator`` for ``rank`` of ``world_size``."""
    return _nccl_module().NcclCommunicator(world_size, unique_id, rank)


_NCCL_TYPES = {"int8": "NCCL_INT8", "uint8": "NCCL_UINT8", "int32": "NCCL_INT32",
               "uint32": "NCCL_UINT32", "int64": "NCCL_INT64", "uint64": "NCCL_UINT64",
               "float16": "NCCL_FLOAT16", "float32": "NCCL_FLOAT32", "float64": "NCCL_FLOAT64"}
_NCCL_OPS = {"sum": "NCCL_SUM", "prod": "NCCL_PROD", "max": "NCCL_MAX", "min": "NCCL_MIN"}


def nccl_reducible(np_dtype: Any) -> bool:
    """Return True if NCCL reduces ``np_dtype`` natively (no 16-bit integers, no bool)."""
    return np.dtype(np_dtype).name in _NCCL_TYPES


def nccl_broadcast(comm: Any, array: Any, root: int) -> None:
    """Broadcast the CuPy ``array`` in place from ``root``, as bytes, on the current stream."""
    if array.nbytes:
        nccl = _nccl_module()
        ptr = array.data.ptr
        comm.broadcast(ptr, ptr, array.nbytes, nccl.NCCL_UINT8, root,
                       current_stream().ptr)


def nccl_all_reduce(comm: Any, array: Any, op: str) -> None:
    """All-reduce the contiguous CuPy ``array`` in place with ``op`` (``nccl_reducible`` dtypes)."""
    if array.size:
        nccl = _nccl_module()
        ptr = array.data.ptr
        comm.allReduce(ptr, ptr, array.size, getattr(nccl, _NCCL_TYPES[array.dtype.name]),
                       getattr(nccl, _NCCL_OPS[op]), current_stream().ptr)


def nccl_all_gather(comm: Any, mine: Any, out: Any, byte_counts: list[int], rank: int) -> None:
    """Gather each rank's bytes into ``out`` (a flat uint8 CuPy array), in rank order.

    Counts may differ between ranks, so this is one broadcast per rank in an NCCL group
    rather than ``allGather`` (which needs equal counts).
    """
    nccl = _nccl_module()
    stream_ptr = current_stream().ptr
    offset = 0
    nccl.groupStart()
    try:
        for root, count in enumerate(byte_counts):
            if count:
                target = out.data.ptr + offset
                source = mine.data.ptr if root == rank else target
                comm.broadcast(source, target, count, nccl.NCCL_UINT8, root, stream_ptr)
            offset += count
    finally:
        nccl.groupEnd()


def use_device_of_local_rank(local_rank: int) -> int:
    """Make device ``local_rank % device count`` current (one GPU per process); return it."""
    _require_gpu("use_device_of_local_rank")
    cupy = active_array_module()
    device = local_rank % cupy.cuda.runtime.getDeviceCount()
    cupy.cuda.Device(device).use()
    return device


def to_host_pinned(array: Any) -> np.ndarray:
    """Return a copy of the CuPy ``array`` in pinned (page-locked) host memory.

    Used to pass device data to an MPI that is not CUDA-aware. Synchronizes the device.
    """
    if array.nbytes == 0:
        return np.empty(array.shape, array.dtype)
    cupy = get_array_module(array)
    if cupy is np:
        raise type_error("to_host_pinned", "array", array, "a cupy.ndarray")
    memory = cupy.cuda.alloc_pinned_memory(array.nbytes)
    host = np.frombuffer(memory, array.dtype, array.size).reshape(array.shape)
    array.get(out=host)
    return host
