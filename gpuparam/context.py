"""``gpuparam.context``: MindSpore's ``context.set_context`` / ``context.get_context``.

Lets ``from mindspore import context; context.set_context(mode=context.PYNATIVE_MODE,
device_target="GPU")`` port by changing the import word only. gpuparam always runs
eagerly (MindSpore's PyNative mode); ``GRAPH_MODE`` is accepted with a warning.

Example:
    >>> from gpuparam import context
    >>> context.set_context(mode=context.PYNATIVE_MODE, device_target="CPU")
    >>> context.get_context("device_target"), context.get_context("mode") == context.PYNATIVE_MODE
    ('CPU', True)
"""

from __future__ import annotations

import warnings
from typing import Any

from . import _backend
from ._errors import check_choice, type_error

GRAPH_MODE = 0
"""MindSpore's graph (compiled) mode; gpuparam accepts it and still runs eagerly."""
PYNATIVE_MODE = 1
"""MindSpore's eager mode: what gpuparam always does."""

_mode = PYNATIVE_MODE


def set_context(mode: int | None = None, device_target: str | None = None,
                device_id: int | None = None, gpu_config: dict[str, bool] | None = None,
                **unsupported: Any) -> None:
    """Choose where gpuparam computes, as ``mindspore.set_context`` does.

    Args:
        mode: ``PYNATIVE_MODE`` (1), or ``GRAPH_MODE`` (0), which is accepted with a
            ``UserWarning``: gpuparam has no graph compiler and runs eagerly.
        device_target: ``"GPU"`` (CuPy) or ``"CPU"`` (NumPy). ``None`` keeps the current one.
        device_id: Index of the CUDA device to use; ``None`` keeps the current one.
        gpu_config: GPU precision switches, as MindSpore's ``gpu_config``: gpuparam knows
            ``{"conv_allow_tf32": bool}``, letting cuDNN compute float32 convolutions on
            TF32 tensor cores (PyTorch's ``torch.backends.cudnn.allow_tf32``). Default
            ``False``, unlike MindSpore: float32 convolutions then agree with the GEMM
            backend and NumPy to float32 rounding (docs/convolution.md).

    Raises:
        ValueError: If ``mode`` is not 0 or 1, or ``device_target`` is not ``"GPU"`` or
            ``"CPU"`` (``"Ascend"`` included).
        TypeError: For a ``mode`` that is not an int, a ``gpu_config`` that is not a dict
            of bools, or an option gpuparam does not understand (``gpu_config`` keys other
            than ``conv_allow_tf32`` are a ValueError).
        RuntimeError: If ``"GPU"`` is asked for and no usable GPU is present.
    """
    global _mode
    if unsupported:
        raise TypeError(f"set_context: unsupported option(s) {sorted(unsupported)}; gpuparam "
                        "understands `mode`, `device_target`, `device_id` and `gpu_config`.")
    if mode is not None:
        if isinstance(mode, bool) or not isinstance(mode, int):  # True == 1 is no mode
            raise type_error("set_context", "mode", mode, "GRAPH_MODE (0) or PYNATIVE_MODE (1)")
        check_choice("set_context", "mode", mode, (GRAPH_MODE, PYNATIVE_MODE))
    _backend.set_context(device_target=device_target, device_id=device_id,
                         gpu_config=gpu_config)
    if mode is not None:
        if mode == GRAPH_MODE:
            warnings.warn("set_context(mode=GRAPH_MODE): gpuparam has no graph compiler and "
                          "runs eagerly (as PYNATIVE_MODE); results are the same.",
                          UserWarning, stacklevel=2)
        _mode = int(mode)


def get_context(attr_key: str) -> Any:
    """Return a context setting: ``"mode"``, ``"device_target"`` (``"GPU"``/``"CPU"``),
    ``"device_id"`` or ``"gpu_config"`` (a copy)."""
    if attr_key == "mode":
        return _mode
    check_choice("get_context", "attr_key", attr_key,
                 ("mode", "device_target", "device_id", "gpu_config"))
    return _backend.get_context(attr_key)


__all__ = ["GRAPH_MODE", "PYNATIVE_MODE", "get_context", "set_context"]
