"""``Cell``: the base of every layer, with MindSpore's parameter registration and traversal.

Assigning a Parameter, a Cell or a ParameterTuple to an attribute registers it. A
parameter that the user did not name is named after its attribute path
(``conv1.weight``, ``block.0.bias``). Two different parameters with one full name in
a cell tree are an error when the second is registered (MindSpore keeps one silently).
"""

from __future__ import annotations

import sys
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from .._errors import check_bool, type_error, value_error
from .._parameter import Parameter, ParameterTuple


class Cell:
    """Base class for network layers.

    Subclasses assign parameters and sub-cells in ``__init__`` and compute in
    ``construct``; calling the cell calls ``construct``.

    Args:
        auto_prefix: Whether this cell's attribute name prefixes its parameters' names
            when it is assigned into a parent cell.

    Example:
        >>> import gpuparam
        >>> from gpuparam import nn, Parameter, Tensor
        >>> class Net(nn.Cell):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.w = Parameter(Tensor([1.0, 2.0]))
        ...     def construct(self, x):
        ...         return x * self.w
        >>> [name for name, _ in Net().parameters_and_names()]
        ['w']
    """

    def __init__(self, auto_prefix: bool = True, flags: dict[str, Any] | None = None) -> None:
        check_bool(type(self).__name__, "auto_prefix", auto_prefix)
        object.__setattr__(self, "_params", OrderedDict())
        object.__setattr__(self, "_cells", OrderedDict())
        object.__setattr__(self, "_param_tuples", OrderedDict())
        object.__setattr__(self, "_auto_prefix", auto_prefix)
        object.__setattr__(self, "_flags", dict(flags or {}))
        # {full name: parameter} of the subtree, kept up to date on insertion so that the
        # duplicate-name check is linear in the model size, not quadratic; None = rebuild.
        object.__setattr__(self, "_index", None)
        object.__setattr__(self, "_index_stamp", -1)
        object.__setattr__(self, "_parents", [])

    # ------------------------------------------------------------------ registration

    def _registries(self) -> tuple[OrderedDict, OrderedDict, OrderedDict]:
        try:
            return self.__dict__["_params"], self.__dict__["_cells"], self.__dict__["_param_tuples"]
        except KeyError:
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() before "
                               "assigning attributes.") from None

    def __setattr__(self, name: str, value: Any) -> None:
        params, cells, tuples = self._registries()
        if name in params and not isinstance(value, Parameter):
            raise type_error(f"{type(self).__name__}.{name}", "value", value,
                             "a Parameter (the attribute holds a registered parameter)")
        if isinstance(value, Parameter):
            self.insert_param_to_cell(name, value, check_name_contain_dot=False)
        elif isinstance(value, Cell):
            self._insert_cell(name, value)
        elif isinstance(value, ParameterTuple):
            self._check_unique({p.name: p for p in value}, tuples.get(name, ()))
            self.__dict__.pop(name, None)
            tuples[name] = value
            self._invalidate_up()
        else:
            if cells.pop(name, None) is not None or tuples.pop(name, None) is not None:
                self._invalidate_up()
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        registries = self.__dict__.get("_params"), self.__dict__.get("_cells"), \
            self.__dict__.get("_param_tuples")
        for registry in registries:
            if registry is not None and name in registry:
                return registry[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for registry in self._registries():
            if name in registry:
                del registry[name]
                self._invalidate_up()
                return
        object.__delattr__(self, name)

    # ------------------------------------------------------------------ name index

    def _name_index(self, *, rebuild: bool = False) -> dict[str, Parameter]:
        """Return ``{parameter name: parameter}`` for the subtree (cached)."""
        index = self.__dict__["_index"]
        if rebuild or index is None or self.__dict__["_index_stamp"] != Parameter._user_renames:
            index = {param.name: param for _, param in self.parameters_and_names()}
            self.__dict__["_index"] = index
            self.__dict__["_index_stamp"] = Parameter._user_renames
        return index

    def _invalidate_up(self) -> None:
        """Drop the name index of this cell and of every cell that contains it."""
        stack, seen = [self], set()
        while stack:
            cell = stack.pop()
            if id(cell) in seen:
                continue
            seen.add(id(cell))
            cell.__dict__["_index"] = None
            stack.extend(p for p in (ref() for ref in cell.__dict__["_parents"]) if p is not None)

    def _check_unique(self, incoming: dict[str, Parameter], replacing: Any = ()) -> None:
        """Raise ValueError if a name in ``incoming`` belongs to another parameter of the
        tree (the parameters in ``replacing`` are about to leave it)."""
        leaving = {id(p) for p in replacing}
        for rebuild in (False, True):  # a clash seen in the cache is confirmed from scratch
            index = self._name_index(rebuild=rebuild)
            clash = next((name for name, param in incoming.items()
                          if index.get(name, param) is not param
                          and id(index[name]) not in leaving), None)
            if clash is None:
                return
        raise ValueError(f"{type(self).__name__}: two different parameters would both be "
                         f"named {clash!r}; rename one (Parameter(..., name=...)).")

    def insert_param_to_cell(self, param_name: str, param: Parameter,
                             check_name_contain_dot: bool = True) -> None:
        """Register ``param`` under the attribute ``param_name``.

        Raises:
            TypeError: If ``param`` is not a Parameter or ``param_name`` not a str.
            ValueError: If ``param_name`` is empty, contains a dot (when checked), names an
                existing non-parameter attribute, or the parameter's full name is taken.
        """
        where = f"{type(self).__name__}.insert_param_to_cell"
        if not isinstance(param_name, str):
            raise type_error(where, "param_name", param_name, "a str")
        if not param_name or (check_name_contain_dot and "." in param_name):
            raise value_error(where, "param_name", param_name, "a non-empty name without '.'")
        if not isinstance(param, Parameter):
            raise type_error(where, "param", param, "a Parameter")
        params, cells, tuples = self._registries()
        if param_name in cells or param_name in tuples or param_name in self.__dict__:
            raise value_error(where, "param_name", param_name, "a name not already used by "
                              "another attribute of the cell")
        new_name = param.name if param._named_by_user else param_name
        replaced = params.get(param_name)
        self._check_unique({new_name: param}, () if replaced is None else (replaced,))
        if not param._named_by_user:
            param._set_auto_name(param_name)
        params[param_name] = param
        self._index_added({new_name: param}, replaced is not None)

    def _index_added(self, names: dict[str, Parameter], replaced: bool) -> None:
        """Keep this cell's index current after an insertion; ancestors rebuild theirs."""
        index = self.__dict__["_index"]
        if replaced or index is None:
            self._invalidate_up()
            return
        index.update(names)
        for parent in (ref() for ref in self.__dict__["_parents"]):
            if parent is not None:
                parent._invalidate_up()

    def _insert_cell(self, name: str, cell: Cell) -> None:
        params, cells, tuples = self._registries()
        prefix = f"{name}." if cell._auto_prefix else ""
        renamed = {(prefix + p.name if not p._named_by_user else p.name): p
                   for p in cell._name_index().values()}
        replaced = cells.get(name)
        self._check_unique(renamed, () if replaced is None else replaced.get_parameters())
        for full, p in renamed.items():
            if not p._named_by_user:
                p._set_auto_name(full)
        self.__dict__.pop(name, None)
        cells[name] = cell
        if all(ref() is not self for ref in cell.__dict__["_parents"]):
            cell.__dict__["_parents"].append(weakref.ref(self))
        if prefix:  # the subtree's parameters were renamed: its own indexes are stale
            for _, sub in cell.cells_and_names():
                sub.__dict__["_index"] = None
        self._index_added(renamed, replaced is not None)

    # ------------------------------------------------------------------ pickle and copy

    def __getstate__(self) -> dict[str, Any]:
        # Weak references to the parents cannot be pickled (and a copy has other parents);
        # the name index is a cache. Both are rebuilt on load.
        state = dict(self.__dict__)
        state.pop("_parents", None)
        state["_index"], state["_index_stamp"] = None, -1
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A child is rebuilt before its parent (pickle and deepcopy finish an object's
        # state first), so the parent links itself into children that already exist.
        self.__dict__.update(state)
        self.__dict__.setdefault("_parents", [])
        for child in self.__dict__["_cells"].values():
            parents = child.__dict__.setdefault("_parents", [])
            if all(ref() is not self for ref in parents):
                parents.append(weakref.ref(self))

    # ------------------------------------------------------------------ traversal

    def cells_and_names(self, cells: set[int] | None = None,
                        name_prefix: str = "") -> Iterator[tuple[str, Cell]]:
        """Yield ``(name, cell)`` for this cell and every sub-cell, each cell once."""
        seen = set() if cells is None else cells
        if id(self) in seen:
            return
        seen.add(id(self))
        yield name_prefix, self
        for name, cell in self.__dict__["_cells"].items():
            child_prefix = f"{name_prefix}.{name}" if name_prefix else name
            yield from cell.cells_and_names(seen, child_prefix)

    def cells(self) -> list[Cell]:
        """Return the direct sub-cells."""
        return list(self.__dict__["_cells"].values())

    def name_cells(self) -> OrderedDict[str, Cell]:
        """Return the direct sub-cells by attribute name."""
        return OrderedDict(self.__dict__["_cells"])

    def parameters_and_names(self, name_prefix: str = "",
                             expand: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(attribute path, parameter)`` for every parameter, each once.

        Args:
            name_prefix: Prefix for the yielded names.
            expand: Include sub-cells' parameters (False: this cell's own only).
        """
        cells = self.cells_and_names(name_prefix=name_prefix) if expand else [(name_prefix, self)]
        seen: set[int] = set()
        for cell_name, cell in cells:
            own = list(cell.__dict__["_params"].items())
            for group in cell.__dict__["_param_tuples"].values():
                own.extend((p.name, p) for p in group)
            for name, param in own:
                if id(param) in seen:
                    continue
                seen.add(id(param))
                yield (f"{cell_name}.{name}" if cell_name else name), param

    def get_parameters(self, expand: bool = True) -> Iterator[Parameter]:
        """Yield every parameter once."""
        for _, param in self.parameters_and_names(expand=expand):
            yield param

    def trainable_params(self, recurse: bool = True) -> list[Parameter]:
        """Return the parameters with ``requires_grad=True``."""
        return [p for p in self.get_parameters(expand=recurse) if p.requires_grad]

    def untrainable_params(self, recurse: bool = True) -> list[Parameter]:
        """Return the parameters with ``requires_grad=False``."""
        return [p for p in self.get_parameters(expand=recurse) if not p.requires_grad]

    def parameters_dict(self, recurse: bool = True) -> OrderedDict[str, Parameter]:
        """Return the parameters keyed by their names."""
        return OrderedDict((p.name, p) for p in self.get_parameters(expand=recurse))

    def init_parameters_data(self, auto_parallel_mode: bool = False) -> dict[Parameter, Parameter]:
        """Materialize every lazy parameter; return ``{parameter: parameter}`` as MindSpore.

        On a terminal, shows a progress bar when this takes longer than a second.
        """
        lazy = [p for p in self.get_parameters() if p.has_init]
        total_bytes = sum(p.nbytes for p in lazy) or 1
        start, done_bytes = time.perf_counter(), 0
        show = sys.stderr.isatty()
        for i, param in enumerate(lazy, 1):
            param.init_data()
            done_bytes += param.nbytes
            if show and time.perf_counter() - start > 1.0:
                _progress(i, len(lazy), done_bytes, total_bytes)
        if show and time.perf_counter() - start > 1.0:
            sys.stderr.write("\n")
        return {p: p for p in self.get_parameters()}

    # ------------------------------------------------------------------ calling

    def construct(self, *inputs: Any, **kwargs: Any) -> Any:
        """The computation of the cell; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__}.construct is not defined.")

    def __call__(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.construct(*inputs, **kwargs)

    def extend_repr(self) -> str:
        """Extra text for the cell's printed form (its arguments)."""
        return ""

    def __repr__(self) -> str:
        head = f"{type(self).__name__}<{self.extend_repr()}>"
        children = self.__dict__["_cells"]
        if not children:
            return head
        lines = [head[:-1] + "\n"] if head.endswith(">") else [head]
        for name, cell in children.items():
            body = repr(cell).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}\n")
        return "".join(lines) + "  >"


def _progress(done: int, total: int, done_bytes: int, total_bytes: int) -> None:
    width = 30
    filled = int(width * done_bytes / total_bytes)
    sys.stderr.write(f"\rinit_parameters_data [{'#' * filled}{'.' * (width - filled)}] "
                     f"{done}/{total} parameters, {done_bytes / 2**30:.2f}/"
                     f"{total_bytes / 2**30:.2f} GiB")
    sys.stderr.flush()


class SequentialCell(Cell):
    """Cells called in order; the children are named ``0``, ``1``, ...

    Example:
        >>> from gpuparam import nn
        >>> len(nn.SequentialCell(nn.Cell(), nn.Cell()))
        2
    """

    def __init__(self, *cells: Cell) -> None:
        super().__init__()
        if len(cells) == 1 and isinstance(cells[0], (list, tuple)):
            cells = tuple(cells[0])
        for i, cell in enumerate(cells):
            if not isinstance(cell, Cell):
                raise type_error("SequentialCell", "cells", cell, "Cells")
            setattr(self, str(i), cell)

    def __len__(self) -> int:
        return len(self.__dict__["_cells"])

    def __getitem__(self, index: int) -> Cell:
        return list(self.__dict__["_cells"].values())[index]

    def construct(self, x: Any) -> Any:
        """Call each cell on the output of the one before."""
        for cell in self.__dict__["_cells"].values():
            x = cell(x)
        return x


class CellList(SequentialCell):
    """A list of cells (named ``0``, ``1``, ...) that is not itself callable in order."""

    def append(self, cell: Cell) -> None:
        """Add ``cell`` at the end, named by its position."""
        if not isinstance(cell, Cell):
            raise type_error("CellList.append", "cell", cell, "a Cell")
        setattr(self, str(len(self)), cell)

    def construct(self, *inputs: Any) -> Any:
        """Not callable: a CellList only holds cells."""
        raise NotImplementedError("CellList holds cells; call them one by one.")
