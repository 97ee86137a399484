"""Cell containers: ``SequentialCell``, ``CellList`` and ``CellDict``, as MindSpore's.

Children are keyed ``"0"``, ``"1"``, ... (or by name); when a container gains, loses or
moves a child, the child's parameters are renamed ``prefix + key + "." + path`` as in
MindSpore, where ``prefix`` is read off the names the children already have (so
``layers.2.weight`` in a container assigned as ``layers``). One deliberate difference:
a slice is a new container that shares the cells without renaming their parameters.
"""

from __future__ import annotations

import numbers
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._errors import type_error
from ._cell import Cell


def _check_cell(where: str, arg: str, cell: Any) -> Cell:
    if not isinstance(cell, Cell):
        raise type_error(where, arg, cell, "a Cell")
    return cell


def _check_index(where: str, index: Any, length: int, insert: bool = False) -> int:
    """An int in ``[-length, length)`` (``insert``: ``[-length, length]``) -> ``[0, length]``."""
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise type_error(where, "index", index, "an int" + ("" if insert else " or a slice"))
    top = length + 1 if insert else length
    value = int(index)
    if not -length <= value < top:
        raise IndexError(f"{where}: `index` must be in [{-length}, {top}), got {value}.")
    return value % length if length and value < 0 else value


def _pair(where: str, position: int, item: Any) -> tuple[Any, Any]:
    """Element ``position`` of an iterable of pairs, as a ``(name, cell)`` tuple."""
    if isinstance(item, (str, bytes)) or not isinstance(item, Iterable):
        raise type_error(where, f"cells[{position}]", item, "a (name, cell) pair")
    pair = tuple(item)
    if len(pair) != 2:
        raise ValueError(f"{where}: `cells[{position}]` must be a (name, cell) pair, got "
                         f"{len(pair)} items.")
    return pair[0], pair[1]


class _Container(Cell):
    """Keyed children with MindSpore's renaming; ``_dynamic`` keys follow positions."""

    def __init__(self, auto_prefix: bool = True) -> None:
        super().__init__(auto_prefix)
        self._dynamic: list[bool] = []  # per child: is its key its position?

    def _prefix(self) -> str:
        """The prefix of the children's parameter names (MindSpore's
        ``_get_prefix_and_index``): read from the first parameter, '' if it does not
        end with its path in this container."""
        for key, cell in self._registry.children.items():
            for path, param in cell.parameters_and_names():
                tail = f"{key}.{path}"
                name = param.name
                if name == tail or name.endswith("." + tail):
                    return name[: len(name) - len(tail)]
                return ""
        return ""

    def _put(self, key: str, cell: Cell, dynamic: bool) -> None:
        registry = self._registry
        prefix = self._prefix() + key + "." if registry.auto_prefix else None
        replacing = registry.holds_child(key)
        registry.set_children([(key, cell, prefix)], keep=True)
        if not replacing:
            self._dynamic.append(dynamic)

    def _reset(self, items: list[tuple[str | None, Cell, bool]]) -> None:
        """Make ``items`` (old key or None, cell, dynamic) the children, in order;
        dynamic ones are keyed by position, and any child whose key changes (or that is
        new) has its parameters renamed."""
        registry = self._registry
        prefix = self._prefix()
        current = {id(cell): key for key, cell in registry.children.items()}
        entries = []
        for position, (old_key, cell, dynamic) in enumerate(items):
            key = str(position) if dynamic else old_key
            assert key is not None
            rename = registry.auto_prefix and current.get(id(cell)) != key
            entries.append((key, cell, prefix + key + "." if rename else None))
        registry.set_children(entries, keep=False)
        self._dynamic[:] = [dynamic for _, _, dynamic in items]

    def _items(self) -> list[tuple[str | None, Cell, bool]]:
        return [(key, cell, dynamic) for (key, cell), dynamic
                in zip(self._registry.children.items(), self._dynamic)]

    def __len__(self) -> int:
        return len(self._registry.children)

    def __iter__(self) -> Iterator[Cell]:
        return iter(list(self._registry.children.values()))

    def _delete(self, index: Any) -> None:
        where = f"{type(self).__name__}.__delitem__"
        items = self._items()
        if isinstance(index, slice):
            doomed = set(range(len(items))[index])
        else:
            doomed = {_check_index(where, index, len(items))}
        self._reset([item for i, item in enumerate(items) if i not in doomed])

    def _insert(self, index: Any, cell: Cell) -> None:
        where = f"{type(self).__name__}.insert"
        _check_cell(where, "cell", cell)
        items = self._items()
        position = _check_index(where, index, len(items), insert=True)
        items.insert(position, (None, cell, True))
        self._reset(items)

    def _get(self, index: Any) -> Any:
        where = f"{type(self).__name__}.__getitem__"
        children = self._registry.children
        cells = list(children.values())
        if isinstance(index, slice):
            part = type(self).__new__(type(self))
            _Container.__init__(part, self._registry.auto_prefix)
            chosen = list(zip(children, self._dynamic))[index]
            part._registry.set_children([(k, children[k], None) for k, _ in chosen], keep=False)
            part._dynamic[:] = [dynamic for _, dynamic in chosen]
            return part
        return cells[_check_index(where, index, len(cells))]

    def _set(self, index: Any, cell: Cell) -> None:
        where = f"{type(self).__name__}.__setitem__"
        _check_cell(where, "cell", cell)
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise type_error(where, "index", index, "an int")
        keys = list(self._registry.children)
        self._put(keys[_check_index(where, index, len(keys), insert=False)], cell, True)


class SequentialCell(_Container):
    """Cells called in order, as ``mindspore.nn.SequentialCell``.

    Args:
        *args: Cells, one list/tuple of cells (named ``0``, ``1``, ...), or one
            OrderedDict of named cells.

    Raises:
        TypeError: If an element is not a Cell.

    Example:
        >>> from collections import OrderedDict
        >>> from gpuparam import nn
        >>> seq = nn.SequentialCell(OrderedDict([("dense", nn.Dense(2, 3)), ("act", nn.ReLU())]))
        >>> seq.append(nn.Dense(3, 1))
        >>> len(seq), [p.name for p in seq.get_parameters()][-1]
        (3, '2.bias')
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], Mapping):
            if not isinstance(args[0], OrderedDict):
                raise type_error("SequentialCell", "args", args[0],
                                 "Cells, a list of Cells or an OrderedDict of Cells")
            named = [(k, v, False) for k, v in args[0].items()]
        else:
            cells = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
            named = [(None, v, True) for v in cells]
        for key, cell, _ in named:
            _check_cell("SequentialCell", "args", cell)
            if key is not None and (not isinstance(key, str) or not key or "." in key):
                raise type_error("SequentialCell", "args", key, "str keys without '.'")
        self._reset(named)

    def __getitem__(self, index: Any) -> Any:
        return self._get(index)

    def __setitem__(self, index: Any, cell: Cell) -> None:
        self._set(index, cell)

    def __delitem__(self, index: Any) -> None:
        self._delete(index)

    def append(self, cell: Cell) -> None:
        """Add ``cell`` at the end, keyed by its position."""
        _check_cell("SequentialCell.append", "cell", cell)
        self._put(str(len(self)), cell, True)

    def insert(self, index: int, cell: Cell) -> None:
        """Insert ``cell`` before position ``index``; later positional keys shift."""
        self._insert(index, cell)

    def construct(self, x: Any) -> Any:
        """Call each cell on the output of the one before."""
        for cell in self._registry.children.values():
            x = cell(x)
        return x


class CellList(_Container):
    """A list of cells, registered (named ``0``, ``1``, ...) but not called in order.

    Args:
        *args: Optionally one list of cells.
        auto_prefix: Whether the cells' parameters are renamed after their position.

    Example:
        >>> from gpuparam import nn
        >>> layers = nn.CellList([nn.Dense(2, 2)])
        >>> layers.insert(0, nn.Dense(2, 2))
        >>> [p.name for p in layers.get_parameters()]
        ['0.weight', '0.bias', '1.weight', '1.bias']
    """

    def __init__(self, *args: Any, auto_prefix: bool = True) -> None:
        super().__init__(auto_prefix)
        if len(args) > 1:
            raise TypeError(f"CellList takes at most one list of cells, got {len(args)} arguments.")
        if args:
            self.extend(args[0])

    def __getitem__(self, index: Any) -> Any:
        return self._get(index)

    def __setitem__(self, index: Any, cell: Cell) -> None:
        self._set(index, cell)

    def __delitem__(self, index: Any) -> None:
        self._delete(index)

    def __iadd__(self, cells: list[Cell]) -> CellList:
        return self.extend(cells)

    def append(self, cell: Cell) -> None:
        """Add ``cell`` at the end, keyed by its position."""
        _check_cell("CellList.append", "cell", cell)
        self._put(str(len(self)), cell, True)

    def extend(self, cells: Iterable[Cell]) -> CellList:
        """Append every cell of ``cells`` (a list or tuple); return self."""
        if not isinstance(cells, (list, tuple, CellList)):
            raise type_error("CellList.extend", "cells", cells, "a list of Cells")
        for cell in cells:
            _check_cell("CellList.extend", "cells", cell)
        for cell in list(cells):
            self.append(cell)
        return self

    def insert(self, index: int, cell: Cell) -> None:
        """Insert ``cell`` before position ``index``; later cells move up one key."""
        self._insert(index, cell)

    def construct(self, *inputs: Any) -> Any:
        """Not callable: a CellList only holds cells."""
        raise NotImplementedError("CellList holds cells; call them one by one.")


class CellDict(_Container):
    """Cells by name, as ``mindspore.nn.CellDict``; parameters are named ``key.path``.

    Args:
        args: A mapping of names to cells, or an iterable of ``(name, cell)`` pairs
            (tuples, lists, any two-item iterable).

    Example:
        >>> from gpuparam import nn
        >>> d = nn.CellDict({"conv": nn.Conv2d(1, 2, 3)})
        >>> d["head"] = nn.Dense(2, 2)
        >>> list(d.keys()), d["head"].weight.name
        (['conv', 'head'], 'head.weight')
    """

    def __init__(self, args: Any = None, auto_prefix: bool = True) -> None:
        super().__init__(auto_prefix)
        if args is not None:
            self.update(args)

    def _key(self, where: str, key: Any) -> str:
        if not isinstance(key, str):
            raise type_error(where, "key", key, "a str")
        if not key or "." in key or key in self.__dict__ or hasattr(type(self), key):
            raise ValueError(f"{where}: `key` must be a non-empty name without '.' that is "
                             f"not an attribute of the CellDict, got {key!r}.")
        return key

    def __getitem__(self, key: str) -> Cell:
        cells = self._registry.children
        if key not in cells:
            raise KeyError(key)
        return cells[key]

    def __setitem__(self, key: str, cell: Cell) -> None:
        _check_cell("CellDict.__setitem__", "cell", cell)
        self._put(self._key("CellDict.__setitem__", key), cell, False)

    def __delitem__(self, key: str) -> None:
        self.pop(key)

    def __contains__(self, key: object) -> bool:
        return key in self._registry.children

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return iter(list(self._registry.children))

    def keys(self) -> list[str]:
        """The names, in insertion order."""
        return list(self._registry.children)

    def values(self) -> list[Cell]:
        """The cells, in insertion order."""
        return list(self._registry.children.values())

    def items(self) -> list[tuple[str, Cell]]:
        """``(name, cell)`` pairs, in insertion order."""
        return list(self._registry.children.items())

    def pop(self, key: str) -> Cell:
        """Remove the cell named ``key`` and return it."""
        cell = self[key]
        self._reset([item for item in self._items() if item[0] != key])
        return cell

    def clear(self) -> None:
        """Remove every cell."""
        self._reset([])

    def update(self, cells: Any) -> None:
        """Add or replace cells from a mapping or an iterable of ``(name, cell)`` pairs
        (any two-item iterable, as ``dict()`` and MindSpore take). Everything is checked
        before any cell is added.

        Raises:
            TypeError: If ``cells`` is neither, an element is not iterable, a name is
                not a str or a value not a Cell.
            ValueError: If an element does not have two items, or a name is not usable.
        """
        where = "CellDict.update"
        if isinstance(cells, (Mapping, CellDict)):
            pairs = list(cells.items())
        elif isinstance(cells, Iterable) and not isinstance(cells, (str, bytes)):
            pairs = [_pair(where, i, item) for i, item in enumerate(cells)]
        else:
            raise type_error(where, "cells", cells, "a mapping or an iterable of (name, cell) pairs")
        for key, cell in pairs:
            self._key(where, key)
            _check_cell(where, "cells", cell)
        for key, cell in pairs:
            self[key] = cell

    def construct(self, *inputs: Any) -> Any:
        """Not callable: a CellDict only holds cells."""
        raise NotImplementedError("CellDict holds cells; call them by name.")
