"""Convolution through cuDNN, via NVIDIA's ``nvidia-cudnn-frontend`` package (module ``cudnn``).

CuPy 14 dropped ``cupy.cudnn``; the frontend's Python graph API is NVIDIA's supported
route. Per configuration (shapes, dtype, padding, stride, dilation, device) this module
builds a one-node ``conv_fprop`` graph once and caches it, then executes it on the current
CuPy stream with a workspace taken from CuPy's memory pool.

``cudnn`` is optional and imported lazily, here only; without it (or without a GPU)
:func:`cudnn_unavailable_reason` says why and nothing raises at import. This module never
imports CuPy: it uses the array module of its inputs.

The frontend ``dlopen``s libcudart by soname, which neither CuPy 14 nor the cuDNN wheels
load; the import preloads it (``_backend.libraries.cudart``). Where it cannot be loaded,
or a build still reports it missing, cuDNN is unavailable from then on, with that reason
(``cudnn_unavailable_reason``, ``python -m gpuparam``): never a per-call GEMM fallback.
"""

from __future__ import annotations

import collections
import functools
import logging
import threading
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .. import _backend, context
from .._backend import libraries as _libraries
from ._conv_geometry import ConvGeometry, geometry_summary

_LOG = logging.getLogger(__name__)
_CACHE_SIZE = 256
# cuDNN's engines assume 16-byte aligned operands (the frontend's default tensor alignment).
_ALIGNMENT = 16
# Engines needing more workspace than this are deselected; a bigger request falls back to GEMM.
WORKSPACE_LIMIT_BYTES = 1 << 30
# The frontend generations the validation script runs (the C++ pygraph up to 1.23, the
# rewritten Python API from 1.28); pyproject's cudnn extras pin these.
TESTED_FRONTENDS = ("1.23", "1.32")

# Numerical notes of engines a dtype must not use. float32: Winograd and FFT engines
# round differently (errors ~1e-6..1e-5 of the magnitude sum) and down-converting ones
# compute in half; tensor cores (TF32) only when the user allows them. float16: the docs
# promise float32 accumulation, which reduced-precision-reduction engines break.
_EXCLUDED_NOTES = {
    "float32": ("DOWN_CONVERT_INPUTS", "FFT", "WINOGRAD", "WINOGRAD_TILE_4x4",
                "WINOGRAD_TILE_6x6", "WINOGRAD_TILE_13x13"),
    "float16": ("REDUCED_PRECISION_REDUCTION",),
}


class CudnnUnsupported(RuntimeError):
    """cuDNN cannot run this configuration; ``str(exc)`` says why."""


# Set once a graph build reports libcudart missing despite the preload: cuDNN is then
# unusable in this process, and every later call says why at once.
_runtime_missing: list[str] = []


def _cudart_missing(detail: str | None) -> str:
    return ("the cuDNN frontend needs the CUDA runtime, which it loads by soname (dlopen "
            f"libcudart.so.13 or .12): {detail}. Install nvidia-cuda-runtime (pip), or put "
            "the folder that holds libcudart.so.13 (or .12) on LD_LIBRARY_PATH")


@functools.cache
def _import_cudnn() -> tuple[ModuleType | None, str | None]:
    # Before the frontend can look for it, the CUDA runtime it dlopens is loaded (if it can
    # be: whether it was is _runtime_reason's question).
    cudart = _libraries.cudart()
    # Warnings at import (a deprecation, a duplicate library) are not failures: under
    # pytest's `filterwarnings = error` they would otherwise read as "no cuDNN".
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            import cudnn  # type: ignore[import-not-found]
        except Exception as exc:  # ImportError, or a missing libcudnn raising at import
            return None, (f"the cuDNN frontend (module `cudnn`) does not import "
                          f"({type(exc).__name__}: {exc}); install gpuparam[cudnn]")
        try:
            version = cudnn.backend_version()
        except Exception as exc:
            return None, f"the cuDNN library cannot be loaded ({type(exc).__name__}: {exc})"
    for warning in caught:
        _LOG.info("importing the cuDNN frontend warned: %s", warning.message)
    _LOG.debug("cuDNN frontend %s, backend %s; %s from %s (%s)",
               getattr(cudnn, "__version__", "?"), version, cudart.name, cudart.path, cudart.via)
    return cudnn, None


@functools.cache
def _preload_reason() -> str | None:
    cudart = _libraries.cudart()
    if cudart.loaded:
        return None
    reason = _cudart_missing(cudart.reason())
    # The frontend is installed (this runs after it imported), so cuDNN was wanted: say so.
    _LOG.warning("%s; convolutions run on GEMM", reason)
    return reason


def _runtime_reason() -> str | None:
    """Why the frontend cannot reach libcudart: the preload failed, or a build said so."""
    return _preload_reason() or (_runtime_missing[0] if _runtime_missing else None)


def cudnn_unavailable_reason(x: Any = None) -> str | None:
    """Return why cuDNN cannot convolve ``x`` (or arrays of the active backend), else ``None``."""
    if x is not None:
        if not _backend.is_device_array(x):
            return "the inputs are NumPy arrays (cuDNN needs CuPy arrays on a GPU)"
    elif _backend.active_backend() != "cupy":
        return "the active backend is NumPy (cuDNN needs CuPy arrays on a GPU)"
    gpu_reason = _backend.gpu_unavailable_reason()
    if gpu_reason is not None:
        return gpu_reason
    return _import_cudnn()[1] or _runtime_reason()


def cudnn_available(x: Any = None) -> bool:
    """Return True if the cuDNN backend can convolve ``x`` (or active-backend arrays)."""
    return cudnn_unavailable_reason(x) is None


# --------------------------------------------------------------------------- handles

_lock = threading.Lock()
_handles: dict[int, tuple[Any, threading.Lock]] = {}


def _handle_for(xp: ModuleType, cudnn: ModuleType, device_id: int) -> tuple[Any, threading.Lock]:
    """Return the cuDNN handle of ``device_id`` and the lock that serializes its use."""
    entry = _handles.get(device_id)
    if entry is None:
        with _lock:
            entry = _handles.get(device_id)
            if entry is None:
                with xp.cuda.Device(device_id):  # a handle belongs to the current device
                    entry = (cudnn.create_handle(), threading.Lock())
                _handles[device_id] = entry
    return entry


# --------------------------------------------------------------------------- graphs

@dataclass(frozen=True)
class _Plan:
    graph: Any
    x: Any
    w: Any
    y: Any
    lock: threading.Lock
    pre_pad: tuple[tuple[int, int], ...]  # explicit padding applied before cuDNN sees x


_graphs: collections.OrderedDict[tuple[Any, ...], _Plan | str] = collections.OrderedDict()
_stats = {"hits": 0, "misses": 0}


def graph_cache_info() -> dict[str, int]:
    """Return ``{'hits', 'misses', 'size', 'rejected'}`` of the built-graph cache."""
    with _lock:
        rejected = sum(isinstance(v, str) for v in _graphs.values())
        return {**_stats, "size": len(_graphs), "rejected": rejected}


def clear_graph_cache() -> None:
    """Forget every built graph (and every remembered rejection)."""
    with _lock:
        _graphs.clear()
        _stats.update(hits=0, misses=0)


def _packed_strides(shape: tuple[int, ...]) -> list[int]:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return strides[::-1]


def _split_padding(padding: tuple[tuple[int, int], ...]
                   ) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """Split padding into an explicit part and the symmetric part cuDNN applies itself.

    cuDNN's descriptors carry separate pre/post paddings, but most engines accept only
    symmetric ones; padding the asymmetric remainder explicitly (a 'same' conv with an even
    kernel pads one more after) keeps those configurations on cuDNN.
    """
    symmetric = tuple(min(b, a) for b, a in padding)
    extra = tuple((b - m, a - m) for (b, a), m in zip(padding, symmetric))
    return extra, symmetric


def _data_types(cudnn: ModuleType, dtype_name: str) -> tuple[Any, Any]:
    types = cudnn.data_type
    io = {"float16": types.HALF, "float32": types.FLOAT}[dtype_name]
    return io, types.FLOAT


def _excluded_notes(cudnn: ModuleType, dtype_name: str, allow_tf32: bool) -> list[Any]:
    names = _EXCLUDED_NOTES[dtype_name]
    if dtype_name == "float32" and not allow_tf32:
        names = ("TENSOR_CORE",) + names
    known = getattr(cudnn, "numerical_note", None)
    return [getattr(known, name) for name in names if hasattr(known, name)]


def _not_supported(cudnn: ModuleType, exc: BaseException) -> bool:
    """True for cuDNN's "this configuration is not supported" (worth remembering); False for
    transient failures (out of memory, a library that failed to load), tried again later."""
    if isinstance(exc, CudnnUnsupported):
        return True
    kind = getattr(cudnn, "cudnnGraphNotSupportedError", None)
    if isinstance(kind, type) and isinstance(exc, kind):
        return True
    return "NOT_SUPPORTED" in str(exc) or "not supported" in str(exc).lower()


def _build(cudnn: ModuleType, handle: Any, x_shape: tuple[int, ...], w_shape: tuple[int, ...],
           y_shape: tuple[int, ...], dtype_name: str, symmetric: tuple[int, ...],
           geom: ConvGeometry, allow_tf32: bool) -> tuple[Any, Any, Any, Any]:
    io, compute = _data_types(cudnn, dtype_name)
    graph = cudnn.pygraph(io_data_type=io, intermediate_data_type=compute,
                          compute_data_type=compute, handle=handle)
    x_t = graph.tensor(name="X", dim=list(x_shape), stride=_packed_strides(x_shape),
                       data_type=io)
    w_t = graph.tensor(name="W", dim=list(w_shape), stride=_packed_strides(w_shape),
                       data_type=io)
    # Groups are implied: cuDNN reads them as x's channels over w's input channels.
    y_t = graph.conv_fprop(image=x_t, weight=w_t, pre_padding=list(symmetric),
                           post_padding=list(symmetric), stride=list(geom.stride),
                           dilation=list(geom.dilation), compute_data_type=compute,
                           name="conv_fprop")
    y_t.set_output(True)
    y_t.set_data_type(io)
    y_t.set_dim(list(y_shape))
    # The frontend defaults outputs to NHWC strides; gpuparam's arrays are packed NCHW.
    y_t.set_stride(_packed_strides(y_shape))
    graph.validate()
    graph.build_operation_graph()
    graph.create_execution_plans([cudnn.heur_mode.A, cudnn.heur_mode.FALLBACK])
    # Filters apply to the created plans, so they come after create_execution_plans.
    notes = _excluded_notes(cudnn, dtype_name, allow_tf32)
    if notes and hasattr(graph, "deselect_numeric_notes"):
        graph.deselect_numeric_notes(notes)
    if hasattr(graph, "deselect_workspace_greater_than"):
        graph.deselect_workspace_greater_than(WORKSPACE_LIMIT_BYTES)
    graph.check_support()
    graph.build_plans()
    got = tuple(int(s) for s in y_t.get_stride())
    if got and got != tuple(_packed_strides(y_shape)):
        raise CudnnUnsupported(f"cuDNN chose output strides {got}, not packed NC(D)HW")
    return graph, x_t, w_t, y_t


def _plan_for(xp: ModuleType, cudnn: ModuleType, geom: ConvGeometry, device_id: int) -> _Plan:
    extra, symmetric = _split_padding(geom.padding)
    x_shape = (geom.batch, geom.in_channels,
               *(n + b + a for n, (b, a) in zip(geom.input_spatial, extra)))
    w_shape = (geom.out_channels, geom.in_channels // geom.groups, *geom.kernel)
    allow_tf32 = geom.dtype.name == "float32" and context.conv_allow_tf32()
    # The batch size is part of the key: a new one builds a new graph (see convolution.md).
    key = (device_id, x_shape, w_shape, geom.dtype.name, symmetric, geom.stride, geom.dilation,
           allow_tf32)
    with _lock:
        found = _graphs.get(key)
        if found is not None:
            _graphs.move_to_end(key)
            _stats["hits"] += 1
    if isinstance(found, str):
        raise CudnnUnsupported(found)
    if found is not None:
        return found
    handle, handle_lock = _handle_for(xp, cudnn, device_id)
    try:
        # cuDNN forbids concurrent use of one handle: building uses it too.
        with handle_lock, xp.cuda.Device(device_id):
            graph, x_t, w_t, y_t = _build(cudnn, handle, x_shape, w_shape, geom.output_shape,
                                          geom.dtype.name, symmetric, geom, allow_tf32)
        entry: _Plan | str = _Plan(graph, x_t, w_t, y_t, handle_lock, extra)
    except Exception as exc:  # cudnnGraphNotSupportedError, RuntimeError, TypeError, ...
        reason = f"cuDNN rejected {geometry_summary(geom)}: {type(exc).__name__}: {exc}"
        if "libcudart" in str(exc):  # the preload did not reach the frontend: say so, once
            with _lock:
                if not _runtime_missing:
                    _runtime_missing.append(_cudart_missing(f"{type(exc).__name__}: {exc}"))
                    _LOG.error("%s; every convolution runs on GEMM from now on",
                               _runtime_missing[0])
            raise CudnnUnsupported(_runtime_missing[0]) from exc
        if not _not_supported(cudnn, exc):  # out of memory, a load failure: try again later
            _LOG.warning("%s; using the GEMM backend for this call", reason)
            raise CudnnUnsupported(reason) from exc
        entry = reason
        _LOG.info("%s; using the GEMM backend for it", entry)
    with _lock:
        _stats["misses"] += 1
        _graphs[key] = entry
        while len(_graphs) > _CACHE_SIZE:
            _graphs.popitem(last=False)
    if isinstance(entry, str):
        raise CudnnUnsupported(entry)
    return entry


def _operand(xp: ModuleType, array: Any) -> Any:
    array = xp.ascontiguousarray(array)
    if array.data.ptr % _ALIGNMENT:
        array = array.copy()
    return array


def conv_cudnn(x: Any, weight: Any, geom: ConvGeometry) -> Any:
    """Convolve CuPy arrays ``x`` and ``weight`` (checked into ``geom``) with cuDNN.

    Runs on the current CuPy stream; the first call per configuration builds and caches
    the cuDNN graph.

    Raises:
        CudnnUnsupported: If cuDNN is unusable here or rejects this configuration (the
            rejection is remembered, so later calls fail fast).
    """
    reason = cudnn_unavailable_reason(x)
    if reason is not None:
        raise CudnnUnsupported(reason)
    cudnn = _import_cudnn()[0]
    assert cudnn is not None
    if geom.dtype.name == "float64":
        # The graph API has no float64 convolution engines (cudnn-frontend#70): no build.
        raise CudnnUnsupported("cuDNN's graph API has no float64 convolution engines; "
                               "float64 runs on cuBLAS")
    xp = _backend.get_array_module(x)
    if geom.batch == 0:  # nothing to compute, and cuDNN rejects empty tensors
        return xp.empty(geom.output_shape, dtype=geom.dtype)
    device_id = int(x.device.id)
    if int(weight.device.id) != device_id:
        raise ValueError(f"conv_nd: `x` is on GPU {device_id} and `weight` on GPU "
                         f"{int(weight.device.id)}; operands must be on one device.")
    with x.device:
        plan = _plan_for(xp, cudnn, geom, device_id)
        if any(b or a for b, a in plan.pre_pad):
            x = xp.pad(x, ((0, 0), (0, 0), *plan.pre_pad))
        x = _operand(xp, x)
        w = _operand(xp, weight)
        y = xp.empty(geom.output_shape, dtype=geom.dtype)
        stream = xp.cuda.get_current_stream()
        handle = _handle_for(xp, cudnn, device_id)[0]
        try:
            size = int(plan.graph.get_workspace_size())
            if size > WORKSPACE_LIMIT_BYTES:
                raise CudnnUnsupported(f"cuDNN wants {size} bytes of workspace, more than "
                                       f"WORKSPACE_LIMIT_BYTES={WORKSPACE_LIMIT_BYTES}")
            workspace = xp.empty(size, dtype=xp.uint8)  # may run out of memory: falls back
            # Raw pointers, not arrays: frontends up to 1.23 export arrays through DLPack
            # with no stream, which makes CuPy order the legacy stream behind this one.
            pack = {plan.x: int(x.data.ptr), plan.w: int(w.data.ptr), plan.y: int(y.data.ptr)}
            with plan.lock:  # one handle per device: its stream must not change mid-execute
                cudnn.set_stream(handle, stream.ptr)
                plan.graph.execute(pack, int(workspace.data.ptr), handle=handle)
        except Exception as exc:
            reason = (f"cuDNN failed to execute {geometry_summary(geom)}: "
                      f"{type(exc).__name__}: {exc}")
            if _not_supported(cudnn, exc):
                _LOG.warning("%s; using the GEMM backend for it from now on", reason)
                _reject(plan, reason)
            else:
                _LOG.warning("%s; using the GEMM backend for this call", reason)
            raise CudnnUnsupported(reason) from exc
    return y


def _reject(plan: _Plan, reason: str) -> None:
    with _lock:
        for key, entry in _graphs.items():
            if entry is plan:
                _graphs[key] = reason
                break
