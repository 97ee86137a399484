"""MindSpore's ``ops._primitive_cache._get_cache_prim``, which model files import.

``_get_cache_prim(cls)(*args, **kwargs)`` returns one shared instance of the primitive
class ``cls`` per distinct constructor arguments (a new one when they are unhashable),
so that calling it inside ``construct`` does not build a primitive each time.

Example:
    >>> from gpuparam import ops
    >>> from gpuparam.ops._primitive_cache import _get_cache_prim
    >>> _get_cache_prim(ops.Softmax)(axis=1) is _get_cache_prim(ops.Softmax)(axis=1)
    True
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .._errors import type_error

_CACHE: dict[Any, Any] = {}
_LOCK = threading.Lock()


def _get_cache_prim(cls: type) -> Callable[..., Any]:
    """A constructor of ``cls`` that returns one cached instance per set of arguments."""
    if not isinstance(cls, type):
        raise type_error("_get_cache_prim", "cls", cls, "a primitive class")

    def get(*args: Any, **kwargs: Any) -> Any:
        key = (cls, args, tuple(sorted(kwargs.items())))
        try:
            hash(key)
        except TypeError:  # unhashable arguments (a list, a Tensor): nothing to share
            return cls(*args, **kwargs)
        with _LOCK:
            if key not in _CACHE:
                _CACHE[key] = cls(*args, **kwargs)
            return _CACHE[key]

    return get


__all__ = ["_get_cache_prim"]
