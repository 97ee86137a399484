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

from ._backend import selection as _selection
from ._errors import check_choice, type_error, value_error

GRAPH_MODE = 0
"""MindSpore's graph (compiled) mode; gpuparam accepts it and still runs eagerly."""
PYNATIVE_MODE = 1
"""MindSpore's eager mode: what gpuparam always does."""

_DEVICE_TARGETS = {"CPU": "numpy", "GPU": "cupy"}

_mode = PYNATIVE_MODE
# MindSpore's GPU precision switches; gpuparam's default keeps float32 exact (DESIGN.md).
_gpu_config: dict[str, bool] = {"conv_allow_tf32": False}


def _check_gpu_config(gpu_config: Any) -> dict[str, bool]:
    if not isinstance(gpu_config, dict):
        raise type_error("set_context", "gpu_config", gpu_config,
                         "a dict such as {'conv_allow_tf32': True}")
    for key, value in gpu_config.items():
        check_choice("set_context", "gpu_config key", key, tuple(_gpu_config))
        if not isinstance(value, bool):
            raise type_error("set_context", f"gpu_config['{key}']", value, "a bool")
    return dict(gpu_config)


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

    Example:
        >>> import gpuparam
        >>> gpuparam.set_context(gpu_config={"conv_allow_tf32": True})
        >>> gpuparam.get_context("gpu_config")
        {'conv_allow_tf32': True}
        >>> gpuparam.set_context(gpu_config={"conv_allow_tf32": False})
    """
    global _mode
    if unsupported:
        raise TypeError(f"set_context: unsupported option(s) {sorted(unsupported)}; gpuparam "
                        "understands `mode`, `device_target`, `device_id` and `gpu_config`.")
    if mode is not None:
        if isinstance(mode, bool) or not isinstance(mode, int):  # True == 1 is no mode
            raise type_error("set_context", "mode", mode, "GRAPH_MODE (0) or PYNATIVE_MODE (1)")
        check_choice("set_context", "mode", mode, (GRAPH_MODE, PYNATIVE_MODE))
    # Every argument is checked before anything changes (nothing is half-applied).
    config = None if gpu_config is None else _check_gpu_config(gpu_config)
    if device_id is not None:
        if isinstance(device_id, bool) or not isinstance(device_id, int):
            raise type_error("set_context", "device_id", device_id, "an int")
        if device_id < 0:
            raise value_error("set_context", "device_id", device_id, "an int >= 0")
    if device_target is not None:
        check_choice("set_context", "device_target", device_target, tuple(_DEVICE_TARGETS))
        _selection.set_backend(_DEVICE_TARGETS[device_target])  # type: ignore[arg-type]
    if device_id is not None:
        _selection.use_device(device_id, "set_context(device_id=...)")
    if config is not None:
        _gpu_config.update(config)
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
    if attr_key == "gpu_config":
        return dict(_gpu_config)
    if attr_key == "device_target":
        return "GPU" if _selection.active_backend() == "cupy" else "CPU"
    return _selection.current_device_id()


def conv_allow_tf32() -> bool:
    """Return whether float32 convolutions may run on TF32 tensor cores (see ``set_context``)."""
    return _gpu_config["conv_allow_tf32"]


# ---- nnfunc (issue 18): MindSpore's auto-parallel context -----------------------------------

class ParallelMode:
    """MindSpore's parallel modes, the values of ``set_auto_parallel_context(parallel_mode=)``.

    gpuparam runs one program per process; ``'stand_alone'`` and ``'data_parallel'``
    (each process its own replica, gradients reduced by the user's training code) and
    ``'hybrid_parallel'`` (the user shards by hand) are states it records. The automatic
    modes need MindSpore's graph compiler and are refused.
    """

    STAND_ALONE = "stand_alone"
    DATA_PARALLEL = "data_parallel"
    HYBRID_PARALLEL = "hybrid_parallel"
    SEMI_AUTO_PARALLEL = "semi_auto_parallel"
    AUTO_PARALLEL = "auto_parallel"
    MODE_LIST = [STAND_ALONE, DATA_PARALLEL, HYBRID_PARALLEL, SEMI_AUTO_PARALLEL, AUTO_PARALLEL]


# MindSpore 2.10's defaults for the keys model and training scripts read.
_AUTO_PARALLEL_DEFAULTS: dict[str, Any] = {
    "device_num": 1, "global_rank": 0, "gradients_mean": False, "gradient_fp32_sync": True,
    "loss_repeated_mean": True, "parallel_mode": ParallelMode.STAND_ALONE,
    "search_mode": "recursive_programming", "auto_parallel_search_mode": "recursive_programming",
    "parameter_broadcast": False, "strategy_ckpt_load_file": "", "strategy_ckpt_save_file": "",
    "full_batch": False, "enable_parallel_optimizer": False, "all_reduce_fusion_config": [],
    "pipeline_stages": 1, "grad_accumulation_step": 1, "dataset_strategy": "data_parallel",
    "enable_alltoall": False, "sharding_propagation": False,
}
_auto_parallel: dict[str, Any] = {}  # the keys set since the last reset, with their values


def set_auto_parallel_context(**kwargs: Any) -> None:
    """Record auto-parallel settings, as ``mindspore.set_auto_parallel_context``.

    Every key of ``get_auto_parallel_context`` may be set. gpuparam keeps the values for
    the code that reads them back (model files ask for ``parallel_mode``, ``device_num``,
    ``gradients_mean``); it does no automatic parallelism itself.

    Raises:
        ValueError: For an unknown key or a ``parallel_mode`` outside
            ``ParallelMode.MODE_LIST``.
        NotImplementedError: For ``'semi_auto_parallel'`` and ``'auto_parallel'``, which
            need MindSpore's graph compiler.

    Example:
        >>> from gpuparam import context
        >>> context.set_auto_parallel_context(parallel_mode=context.ParallelMode.DATA_PARALLEL,
        ...                                   gradients_mean=True, device_num=8)
        >>> context.get_auto_parallel_context("device_num")
        8
        >>> context.reset_auto_parallel_context()
    """
    for key, value in kwargs.items():
        check_choice("set_auto_parallel_context", "key", key, sorted(_AUTO_PARALLEL_DEFAULTS))
        if key == "parallel_mode":
            check_choice("set_auto_parallel_context", "parallel_mode", value, ParallelMode.MODE_LIST)
            if value in (ParallelMode.SEMI_AUTO_PARALLEL, ParallelMode.AUTO_PARALLEL):
                raise NotImplementedError(f"set_auto_parallel_context: parallel_mode={value!r} "
                                          "needs MindSpore's graph compiler, which gpuparam has not.")
    _auto_parallel.update(kwargs)


def get_auto_parallel_context(attr_key: str) -> Any:
    """Return an auto-parallel setting (MindSpore's default until it is set).

    Example:
        >>> from gpuparam import context
        >>> context.get_auto_parallel_context("parallel_mode")
        'stand_alone'
    """
    check_choice("get_auto_parallel_context", "attr_key", attr_key, sorted(_AUTO_PARALLEL_DEFAULTS))
    return _auto_parallel.get(attr_key, _AUTO_PARALLEL_DEFAULTS[attr_key])


def is_auto_parallel_context_set(attr_key: str) -> bool:
    """Whether ``attr_key`` was given to ``set_auto_parallel_context`` since the last reset
    (gpuparam's; MindSpore's ``_auto_parallel_context`` asks the same)."""
    check_choice("is_auto_parallel_context_set", "attr_key", attr_key,
                 sorted(_AUTO_PARALLEL_DEFAULTS))
    return attr_key in _auto_parallel


def reset_auto_parallel_context() -> None:
    """Forget every auto-parallel setting: the defaults apply again."""
    _auto_parallel.clear()


__all__ = ["GRAPH_MODE", "PYNATIVE_MODE", "ParallelMode", "get_auto_parallel_context",
           "get_context", "is_auto_parallel_context_set", "reset_auto_parallel_context",
           "set_auto_parallel_context", "set_context"]
