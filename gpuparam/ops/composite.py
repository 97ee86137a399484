"""MindSpore's ``ops.composite`` path, imported as ``C``.

The names MindSpore 2.x keeps there (``C.GradOperation``, ``C.HyperMap``,
``C.MultitypeFuncGraph``, ``C.clip_by_value``, ``C.matmul``, ...) are the same objects
as ``gpuparam.ops``'s: ``C.X is ops.X``. A name MindSpore's composite has and gpuparam
does not raises the porting hint.

Example:
    >>> from gpuparam import ops
    >>> from gpuparam.ops import composite as C
    >>> C.HyperMap is ops.HyperMap
    True
"""

from __future__ import annotations

import sys
from typing import Any

from .._errors import missing_mindspore_name
from ._graph import HyperMap as HyperMap, Map as Map, MultitypeFuncGraph as MultitypeFuncGraph
from ._graph import add_flags as add_flags
from ._training_only import GradOperation as GradOperation
from ._training_only import clip_by_global_norm as clip_by_global_norm

# MindSpore 2.10's public names of ``mindspore.ops.composite`` beyond those above; each
# is looked up in gpuparam.ops when asked for, so it is there once ops provides it.
_FROM_OPS = ("batch_dot", "clip_by_value", "count_nonzero", "cummin", "dot", "gamma", "laplace",
             "matmul", "mm", "multinomial", "normal", "ones_like", "poisson", "repeat_elements",
             "repeat_interleave", "sequence_mask", "tensor_dot", "uniform", "vecdot", "zeros_like")

__all__ = ["GradOperation", "HyperMap", "Map", "MultitypeFuncGraph", "add_flags",
           "clip_by_global_norm"]


def __getattr__(name: str) -> Any:
    if name in _FROM_OPS:
        ops_names = vars(sys.modules[__package__])  # gpuparam.ops, loaded before this module
        if name in ops_names:
            return ops_names[name]
    raise missing_mindspore_name(__name__, name)
