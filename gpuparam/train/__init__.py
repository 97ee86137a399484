"""Training utilities that sit beside ``nn``; for now, checkpoints (``serialization``)."""

from __future__ import annotations

from . import serialization as serialization
from ._async_load import load_checkpoint_async as load_checkpoint_async
from ._conversion import (ckpt_to_safetensors as ckpt_to_safetensors,
                          safetensors_to_ckpt as safetensors_to_ckpt)
from .serialization import (load_checkpoint as load_checkpoint,
                            load_param_into_net as load_param_into_net,
                            save_checkpoint as save_checkpoint)

__all__ = ["serialization", "save_checkpoint", "load_checkpoint", "load_param_into_net",
           "load_checkpoint_async", "ckpt_to_safetensors", "safetensors_to_ckpt"]
