"""The N-d convolution the rest of gpuparam calls, and the choice of its backend.

Backends, all computing the same function (DESIGN.md, "Convolution backends"):

- ``'cudnn'``: cuDNN through ``nvidia-cudnn-frontend`` (CuPy arrays on a GPU only);
- ``'gemm'``: im2col + one batched GEMM on the inputs' array module (BLAS or cuBLAS);
- ``'auto'``: cuDNN when it is usable and accepts the configuration, else GEMM. Why GEMM
  ran instead is kept (:func:`last_conv_dispatch`) and logged at DEBUG level.

``GPUPARAM_CONV_BACKEND=auto|cudnn|gemm`` sets the default; a ``backend=`` argument other
than ``'auto'`` overrides it. A forced ``'cudnn'`` that cannot run is an error, never a
silent fallback.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Literal, NamedTuple

from .._errors import check_choice, value_error
from ._conv_cudnn import CudnnUnsupported, conv_cudnn, cudnn_unavailable_reason
from ._conv_gemm import conv_gemm
from ._conv_geometry import conv_geometry

ConvBackend = Literal["auto", "cudnn", "gemm"]
CONV_BACKENDS: tuple[str, ...] = ("auto", "cudnn", "gemm")
ENV_VAR = "GPUPARAM_CONV_BACKEND"

_LOG = logging.getLogger(__name__)
_last = threading.local()


class ConvDispatch(NamedTuple):
    """Which backend ran the last convolution on this thread, and why not cuDNN if not."""

    backend: str
    reason: str | None


def last_conv_dispatch() -> ConvDispatch | None:
    """Return the :class:`ConvDispatch` of this thread's last ``conv_nd`` call (or ``None``)."""
    return getattr(_last, "dispatch", None)


def _requested(backend: Any, where: str) -> str:
    check_choice(where, "backend", backend, CONV_BACKENDS)
    if backend != "auto":
        return backend
    env = os.environ.get(ENV_VAR)
    if env is None:
        return "auto"
    choice = env.strip().lower() or "auto"
    if choice not in CONV_BACKENDS:
        raise value_error(where, f"environment variable {ENV_VAR}", env,
                          f"one of {list(CONV_BACKENDS)}")
    return choice


def conv_nd(x: Any, weight: Any, *, stride: Any, padding: Any, dilation: Any, groups: Any,
            backend: ConvBackend = "auto", where: str = "conv_nd") -> Any:
    """Cross-correlate ``x`` with ``weight`` in 2 or 3 spatial dims (NCHW / NCDHW).

    Args:
        x: ``(N, C_in, *spatial)`` NumPy or CuPy array, float16/32/64.
        weight: ``(C_out, C_in // groups, *kernel)``, same module and dtype as ``x``.
        stride: One int ``>= 1`` per spatial dim.
        padding: One ``(before, after)`` pair per spatial dim (see ``resolve_padding``).
        dilation: One int ``>= 1`` per spatial dim.
        groups: Channel groups, dividing ``C_in`` and ``C_out``.
        backend: ``'auto'`` (default: ``GPUPARAM_CONV_BACKEND``, else cuDNN when it can,
            else GEMM), ``'cudnn'`` or ``'gemm'``.
        where: Name used in error messages.

    Returns:
        A C-contiguous ``(N, C_out, *out_spatial)`` array of ``x``'s module and dtype.
        float16 is accumulated in float32.

    Raises:
        TypeError, ValueError: Invalid arguments (see ``conv_geometry``), or an unknown
            ``backend`` / ``GPUPARAM_CONV_BACKEND``.
        RuntimeError: ``'cudnn'`` forced where cuDNN is unusable or rejects the
            configuration.

    Example:
        >>> import numpy as np
        >>> from gpuparam.ops import conv_nd
        >>> y = conv_nd(np.ones((1, 3, 5, 5), np.float32), np.ones((2, 3, 3, 3), np.float32),
        ...             stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1)
        >>> y.shape, y.dtype, float(y[0, 0, 0, 0])
        ((1, 2, 3, 3), dtype('float32'), 27.0)
    """
    choice = _requested(backend, where)
    geom = conv_geometry(x, weight, stride=stride, padding=padding, dilation=dilation,
                         groups=groups, where=where)
    if choice == "gemm":
        _last.dispatch = ConvDispatch("gemm", "the GEMM backend was asked for")
        return conv_gemm(x, weight, geom)
    reason = cudnn_unavailable_reason(x)
    if reason is None:
        try:
            y = conv_cudnn(x, weight, geom)
        except CudnnUnsupported as exc:
            reason = str(exc)
        else:
            _last.dispatch = ConvDispatch("cudnn", None)
            return y
    if choice == "cudnn":
        raise RuntimeError(f"{where}: the cuDNN convolution backend was asked for, but "
                           f"{reason}. Use backend='gemm' or 'auto' (or {ENV_VAR}=auto).")
    if _LOG.isEnabledFor(logging.DEBUG):
        _LOG.debug("%s: GEMM backend, because %s", where, reason)
    _last.dispatch = ConvDispatch("gemm", reason)
    return conv_gemm(x, weight, geom)


def available_conv_backends() -> tuple[str, ...]:
    """Return the convolution backends usable on the active array backend, fastest first.

    Example:
        >>> from gpuparam import ops
        >>> ops.available_conv_backends()  # NumPy backend; ('cudnn', 'gemm') on a GPU with cuDNN
        ('gemm',)
    """
    return ("gemm",) if cudnn_unavailable_reason() is not None else ("cudnn", "gemm")


def conv_backend_for(x: Any = None) -> str:
    """Return the backend ``conv_nd(x, ...)`` would use by default: ``'cudnn'`` or ``'gemm'``.

    ``x=None`` asks about arrays of the active backend. With ``'auto'``, float64 always
    runs on GEMM, and cuDNN may still reject a particular configuration, which then runs
    on GEMM.
    """
    choice = _requested("auto", "conv_backend_for")
    if choice != "auto":
        return choice
    if x is not None and str(getattr(x, "dtype", "")) == "float64":
        return "gemm"  # cuDNN's graph API has no float64 convolutions
    return "cudnn" if cudnn_unavailable_reason(x) is None else "gemm"


def conv_backend_info(x: Any = None) -> dict[str, Any]:
    """Return what ``python -m gpuparam`` reports about convolution backends.

    Keys: ``'default'`` (what runs by default), ``'available'`` (usable backends),
    ``'forced_by'`` (the environment variable's value, or ``None``), ``'cudnn_unavailable'``
    (why cuDNN is not usable, or ``None``).
    """
    return {"default": conv_backend_for(x), "available": available_conv_backends(),
            "forced_by": os.environ.get(ENV_VAR),
            "cudnn_unavailable": cudnn_unavailable_reason(x)}

