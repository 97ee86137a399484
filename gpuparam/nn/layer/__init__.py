"""MindSpore's ``mindspore.nn.layer`` path: the layers and containers of ``gpuparam.nn``.

Model files write ``from mindspore.nn.layer import Dense`` or ``nn.layer.CellList``;
every layer and container ``gpuparam.nn`` provides is here under the same name (the
same objects, read from ``gpuparam.nn`` when asked, so layers added there appear here).

Example:
    >>> from gpuparam import nn
    >>> from gpuparam.nn.layer import Dense
    >>> Dense is nn.Dense and nn.layer.CellList is nn.CellList
    True
"""

from __future__ import annotations

from ..._errors import missing_mindspore_name
from .. import _cell


def __getattr__(name: str) -> object:
    # Any Cell class of gpuparam.nn (layers, containers, Cell itself); anything else is
    # not MindSpore's nn.layer either.
    from ... import nn
    value = vars(nn).get(name)
    if isinstance(value, type) and issubclass(value, _cell.Cell):
        return value
    raise missing_mindspore_name(__name__, name)


def __dir__() -> list[str]:
    from ... import nn
    return sorted(n for n, v in vars(nn).items()
                  if isinstance(v, type) and issubclass(v, _cell.Cell))
