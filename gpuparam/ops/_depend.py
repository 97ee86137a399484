"""``depend``: order side effects without host synchronization.

``depend(value, *effects)`` returns ``value``; anything that later reads ``value`` first
waits, on its own CUDA stream, for the events after which each effect's data was
written. On NumPy every operation already runs in program order, so ``depend`` only
checks its inputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .._errors import type_error
from .._tensor import Tensor

_ACCEPTED = "a Tensor, a Python constant (number, bool, str, None), or a tuple/list of them"
# Constants have no writes to wait for; model code passes them (BERT orders a tensor after
# `F.shape(...)`, a tuple of ints), and MindSpore accepts any value there.
_CONSTANTS = (bool, int, float, complex, str, type(None))


def _tensors(where: str, arg: str, value: Any) -> Iterator[Tensor]:
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _tensors(where, arg, item)
    elif not isinstance(value, _CONSTANTS):
        raise type_error(where, arg, value, _ACCEPTED)


def depend(value: Any, *effects: Any) -> Any:
    """Return ``value``, made to wait for ``effects`` wherever it is read.

    Args:
        value: A Tensor, or a tuple/list of Tensors (Python constants in it are
            returned as they are: they have no reads to order).
        *effects: Tensors (or tuples/lists of them) whose writes must happen before any
            read of ``value``. A lazy effect is materialized here, since its
            materialization is the effect. Python constants (a shape tuple, a number,
            ``None``) are accepted, as in MindSpore, and order nothing.

    Returns:
        ``value`` itself.

    Raises:
        TypeError: If ``value`` or an effect holds anything but Tensors and Python
            constants (a NumPy array, say: its reads cannot be ordered).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.ones((2, 2), np.float32))
        >>> y = ops.depend(x, x + 1)
        >>> y is x
        True
    """
    targets = list(_tensors("depend", "value", value))
    # Every input is checked before any effect is materialized.
    after = [tensor for effect in effects for tensor in _tensors("depend", "effects", effect)]
    for target in targets:
        target._depend_on(after)
    return value


class Depend:
    """The primitive form: ``ops.Depend()(value, expr)`` is ``depend(value, expr)``."""

    def __call__(self, value: Any, expr: Any) -> Any:
        return depend(value, expr)
