"""Training utilities that sit beside ``nn``; for now, checkpoints (``serialization``)."""

from __future__ import annotations

from . import serialization as serialization
from .serialization import (load_checkpoint as load_checkpoint,
                            load_param_into_net as load_param_into_net,
                            save_checkpoint as save_checkpoint)

__all__ = ["serialization", "save_checkpoint", "load_checkpoint", "load_param_into_net"]
