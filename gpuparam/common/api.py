"""MindSpore's ``mindspore.common.api`` path: ``jit`` (the function itself: gpuparam runs
eagerly)."""

from ..ops import jit as jit

__all__ = ["jit"]
