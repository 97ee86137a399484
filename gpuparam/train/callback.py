"""MindSpore's ``train.callback`` path: ``Callback``, ``CheckpointConfig``, ``ModelCheckpoint``.

``Callback`` is MindSpore's base class, every hook a no-op, so a model file's own
callbacks define and build. ``CheckpointConfig`` keeps its settings as MindSpore's.
``ModelCheckpoint`` builds but is training-only: MindSpore's ``Model.train`` calls its
hooks, and gpuparam has no ``Model`` (save with ``gpuparam.save_checkpoint``).

Example:
    >>> from gpuparam.train.callback import CheckpointConfig, ModelCheckpoint
    >>> config = CheckpointConfig(save_checkpoint_steps=100, keep_checkpoint_max=3)
    >>> ModelCheckpoint(prefix="net", config=config).config.keep_checkpoint_max
    3
"""

from __future__ import annotations

from typing import Any

from .._errors import check_bool, check_int, training_only, type_error


class Callback:
    """The base of training callbacks: every hook does nothing until overridden."""

    def __enter__(self) -> Callback:
        return self

    def __exit__(self, *err: Any) -> None:
        return None

    def begin(self, run_context: Any) -> None: ...
    def epoch_begin(self, run_context: Any) -> None: ...
    def epoch_end(self, run_context: Any) -> None: ...
    def step_begin(self, run_context: Any) -> None: ...
    def step_end(self, run_context: Any) -> None: ...
    def end(self, run_context: Any) -> None: ...
    def on_train_begin(self, run_context: Any) -> None: ...
    def on_train_epoch_begin(self, run_context: Any) -> None: ...
    def on_train_epoch_end(self, run_context: Any) -> None: ...
    def on_train_step_begin(self, run_context: Any) -> None: ...
    def on_train_step_end(self, run_context: Any) -> None: ...
    def on_train_end(self, run_context: Any) -> None: ...
    def on_eval_begin(self, run_context: Any) -> None: ...
    def on_eval_epoch_begin(self, run_context: Any) -> None: ...
    def on_eval_epoch_end(self, run_context: Any) -> None: ...
    def on_eval_step_begin(self, run_context: Any) -> None: ...
    def on_eval_step_end(self, run_context: Any) -> None: ...
    def on_eval_end(self, run_context: Any) -> None: ...


class CheckpointConfig:
    """When ``ModelCheckpoint`` saves and how many files it keeps, as MindSpore's.

    The step and time policies exclude each other as in MindSpore: when both a step
    count and seconds are given, the steps win (``save_checkpoint_seconds`` is None),
    and ``keep_checkpoint_max`` wins over ``keep_checkpoint_per_n_minutes``.
    """

    def __init__(self, save_checkpoint_steps: int = 1, save_checkpoint_seconds: int = 0,
                 keep_checkpoint_max: int = 5, keep_checkpoint_per_n_minutes: int = 0,
                 integrated_save: bool = True, async_save: bool = False, saved_network: Any = None,
                 append_info: Any = None, enc_key: Any = None, enc_mode: str = "AES-GCM",
                 exception_save: bool = False, crc_check: bool = False,
                 remove_redundancy: bool = False, format: str = "ckpt", **kwargs: Any) -> None:  # noqa: A002
        where = "CheckpointConfig"
        steps = check_int(where, "save_checkpoint_steps", save_checkpoint_steps, minimum=0) or None
        seconds = check_int(where, "save_checkpoint_seconds", save_checkpoint_seconds, minimum=0) or None
        keep_max = check_int(where, "keep_checkpoint_max", keep_checkpoint_max, minimum=0) or None
        per_minutes = check_int(where, "keep_checkpoint_per_n_minutes",
                                keep_checkpoint_per_n_minutes, minimum=0) or None
        if steps is None and seconds is None:
            raise ValueError(f"{where}: give `save_checkpoint_steps` or `save_checkpoint_seconds`.")
        self.save_checkpoint_steps = steps
        self.save_checkpoint_seconds = None if steps else seconds
        self.keep_checkpoint_max = keep_max if keep_max or not per_minutes else None
        self.keep_checkpoint_per_n_minutes = None if self.keep_checkpoint_max else per_minutes
        self.integrated_save = check_bool(where, "integrated_save", integrated_save)
        self.async_save = check_bool(where, "async_save", async_save)
        self.saved_network = saved_network
        self.append_info = append_info
        self.enc_key, self.enc_mode = enc_key, enc_mode
        self.exception_save = check_bool(where, "exception_save", exception_save)
        self.crc_check = check_bool(where, "crc_check", crc_check)
        self.remove_redundancy = check_bool(where, "remove_redundancy", remove_redundancy)
        self.format = format
        self.kwargs = kwargs

    def get_checkpoint_policy(self) -> dict[str, Any]:
        return {"save_checkpoint_steps": self.save_checkpoint_steps,
                "save_checkpoint_seconds": self.save_checkpoint_seconds,
                "keep_checkpoint_max": self.keep_checkpoint_max,
                "keep_checkpoint_per_n_minutes": self.keep_checkpoint_per_n_minutes}


class ModelCheckpoint(Callback):
    """MindSpore's checkpointing callback for ``Model.train``: builds; its hooks raise
    (gpuparam has no training loop to call them)."""

    _training_only = True

    def __init__(self, prefix: str = "CKP", directory: str | None = None,
                 config: CheckpointConfig | None = None) -> None:
        if not isinstance(prefix, str):
            raise type_error("ModelCheckpoint", "prefix", prefix, "a str")
        if directory is not None and not isinstance(directory, str):
            raise type_error("ModelCheckpoint", "directory", directory, "None or a str")
        if config is not None and not isinstance(config, CheckpointConfig):
            raise type_error("ModelCheckpoint", "config", config, "None or a CheckpointConfig")
        self.prefix = prefix
        self.directory = directory
        self.config = CheckpointConfig() if config is None else config

    def _refuse(self, run_context: Any) -> None:
        raise training_only("ModelCheckpoint", "saving during Model.train (a training loop)")

    begin = step_end = end = on_train_step_end = on_train_end = _refuse


__all__ = ["Callback", "CheckpointConfig", "ModelCheckpoint"]
