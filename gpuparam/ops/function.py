"""MindSpore's ``ops.function`` path: the functions of ``mindspore.ops``.

``ops.function.X`` is ``ops.X`` for every function (not class) gpuparam's ``ops``
provides, looked up when asked for; ``ops.function.nn_func`` and the other submodule
names MindSpore has are not provided.

Example:
    >>> from gpuparam import ops
    >>> from gpuparam.ops import function
    >>> function.softmax is ops.softmax
    True
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from .._errors import missing_mindspore_name


def __getattr__(name: str) -> Any:
    ops_names = vars(sys.modules[__package__])  # gpuparam.ops, loaded before this module
    value = ops_names.get(name)
    if not name.startswith("_") and inspect.isfunction(value):
        return value
    raise missing_mindspore_name(__name__, name)
