"""``Cell``: the base of every layer, with MindSpore's parameter registration and naming.

Assigning a Parameter, a Cell, a ParameterTuple or a list/tuple of Parameters to an
attribute registers it. Names follow MindSpore: a parameter never named takes its
attribute name; a cell assigned into a parent whose ``auto_prefix`` is True has *all*
its parameters renamed ``attr.path`` (``conv1.weight``, ``block.0.bias``), given names
included. Two different parameters with one full name in a cell tree are still an error
(MindSpore keeps one silently); see ``_naming``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Generic

from .._dtype import float16, float32
from .._errors import check_bool, type_error, value_error
from .._parameter import Parameter, ParameterTuple
from .._tensor import Tensor
from . import _naming
from ._cell_tools import (cast_inputs, cast_parameter, check_attribute_value, materialize_all,
                          safe_repr)

_naming.install()


def _is_parameter_group(value: Any) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) > 0
            and all(isinstance(v, Parameter) for v in value))


if TYPE_CHECKING:  # a default (PEP 696) lets `class Net(nn.Cell)` mean Cell[Any]
    from typing_extensions import TypeVar
    Output = TypeVar("Output", default=Any)
else:
    from typing import TypeVar
    Output = TypeVar("Output")


class Cell(Generic[Output]):
    """Base class for network layers.

    Subclasses assign parameters and sub-cells in ``__init__`` (after
    ``super().__init__()``) and compute in ``construct``; calling the cell calls
    ``construct``. For type checkers, ``Cell[T]`` is a cell whose call returns ``T``
    (the built-in layers are ``Cell[Tensor]``); a plain ``Cell`` returns ``Any``.

    Args:
        auto_prefix: Whether cells assigned into this one have their parameters renamed
            after their attribute path (``child.weight``), as in MindSpore.
        flags: Attributes to set on the cell (MindSpore's ``add_flags``).

    Example:
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
        state = {"_params": OrderedDict(), "_cells": OrderedDict(), "_groups": OrderedDict(),
                 "_auto_prefix": auto_prefix, "_flags": {}, "_index": None, "_parents": [],
                 "_held": {}, "_group_id": 1, "_cast_dtype": None, "training": False,
                 "requires_grad": False}
        for key, value in state.items():
            object.__setattr__(self, key, value)
        if flags:
            self.add_flags(**flags)

    # ------------------------------------------------------------------ attributes

    def _registries(self, what: str, name: str) -> tuple[OrderedDict, OrderedDict, OrderedDict]:
        try:
            return self.__dict__["_params"], self.__dict__["_cells"], self.__dict__["_groups"]
        except KeyError:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before "
                                 f"assigning the {what} {name!r}.") from None

    def __setattr__(self, name: str, value: Any) -> None:
        check_attribute_value(self, name, value, _RESERVED)
        if isinstance(value, Parameter):
            params, cells, _ = self._registries("Parameter", name)
            if name in cells:
                raise type_error(f"{type(self).__name__}.{name}", "value", value,
                                 "a Cell (the attribute holds a sub-cell)")
            self._add_param(name, value)
        elif isinstance(value, Cell):
            params, _, _ = self._registries("Cell", name)
            if name in params:
                raise type_error(f"{type(self).__name__}.{name}", "value", value,
                                 "a Parameter or a Tensor (the attribute holds a parameter)")
            self._add_child(name, value)
        elif isinstance(value, ParameterTuple) or _is_parameter_group(value):
            self._registries("ParameterTuple", name)
            self._add_group(name, value)
        elif "_params" in self.__dict__ and name in self.__dict__["_params"] and value is not None:
            if not isinstance(value, Tensor):
                raise type_error(f"{type(self).__name__}.{name}", "value", value,
                                 "a Parameter, a Tensor (written with set_data) or None")
            self.__dict__["_params"][name].set_data(value)
        elif "_cells" in self.__dict__ and name in self.__dict__["_cells"] and value is not None:
            raise type_error(f"{type(self).__name__}.{name}", "value", value, "a Cell or None")
        else:
            if "_params" in self.__dict__ and self._release(name):
                _naming.invalidate([self])
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        for registry in ("_params", "_cells"):
            entries = self.__dict__.get(registry)
            if entries is not None and name in entries:
                return entries[name]
        groups = self.__dict__.get("_groups")
        if groups is not None and name in groups:
            return groups[name][0]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        registered = "_params" in self.__dict__ and any(
            name in self.__dict__[r] for r in ("_params", "_cells", "_groups"))
        if not registered:
            object.__delattr__(self, name)
        elif self._release(name):
            _naming.invalidate([self])

    def _release(self, name: str, keep_cell: bool = False) -> list[Any]:
        """Empty the attribute ``name``, whatever it holds (a sub-cell stays in place with
        ``keep_cell``, to be replaced there); return what was registered there. The
        caller drops the name indexes that this makes stale."""
        d = self.__dict__
        d.pop(name, None)
        released: list[Any] = []
        if name in d["_params"]:
            released.append(d["_params"].pop(name))
        if name in d["_groups"]:
            released.extend(d["_groups"].pop(name)[1].values())
        for param in released:
            _naming.drop_holder(param, self)
        if name in d["_cells"] and not keep_cell:
            child = d["_cells"].pop(name)
            _naming.drop_parent(child, self)
            released.append(child)
        return released

    # ------------------------------------------------------------------ registration

    def insert_param_to_cell(self, param_name: str, param: Parameter,
                             check_name_contain_dot: bool = True) -> None:
        """Register ``param`` under the attribute ``param_name``.

        A parameter never named takes ``param_name`` as its name (MindSpore's rule).

        Raises:
            TypeError: If ``param`` is not a Parameter or ``param_name`` not a str.
            ValueError: If ``param_name`` is empty, contains a dot (when checked), names an
                existing non-parameter attribute, or the parameter's name is taken in the
                tree.
        """
        where = f"{type(self).__name__}.insert_param_to_cell"
        if not isinstance(param_name, str):
            raise type_error(where, "param_name", param_name, "a str")
        if not param_name or (check_name_contain_dot and "." in param_name):
            raise value_error(where, "param_name", param_name, "a non-empty name without '.'")
        if not isinstance(param, Parameter):
            raise type_error(where, "param", param, "a Parameter")
        check_attribute_value(self, param_name, param, _RESERVED)
        _, cells, groups = self._registries("Parameter", param_name)
        if param_name in cells or param_name in groups or param_name in self.__dict__:
            raise value_error(where, "param_name", param_name, "a name not already used by "
                              "another attribute of the cell")
        self._add_param(param_name, param)

    def _add_param(self, name: str, param: Parameter) -> None:
        new_name = param.name if param._named_by_user else name
        old = self.__dict__["_params"].get(name)
        leaving = [old] if old is not None else \
            list(self.__dict__["_groups"].get(name, (None, {}))[1].values())
        _naming.check_free(type(self).__name__, [self], [(new_name, param)], leaving)
        if not param._named_by_user:
            _naming.rename([(param, name)])
        released = self._release(name)
        self.__dict__["_params"][name] = param
        _naming.add_holder(param, self)
        if released:
            _naming.invalidate([self])
        else:
            _naming.record_added([self], [(new_name, param)])

    def _add_group(self, name: str, value: Any) -> None:
        """Register a ParameterTuple or a list/tuple of Parameters (``_naming.add_group``)."""
        _naming.add_group(self, name, value)

    def insert_child_to_cell(self, child_name: str, child_cell: Cell) -> None:
        """Register ``child_cell`` under the attribute ``child_name`` (as assignment does).

        Raises:
            TypeError: If ``child_name`` is not a str or ``child_cell`` not a Cell.
            ValueError: If ``child_name`` is empty, contains a dot, or names another
                attribute; if the child contains this cell; or on a parameter name clash.
        """
        where = f"{type(self).__name__}.insert_child_to_cell"
        if not isinstance(child_name, str):
            raise type_error(where, "child_name", child_name, "a str")
        if not child_name or "." in child_name:
            raise value_error(where, "child_name", child_name, "a non-empty name without '.'")
        if not isinstance(child_cell, Cell):
            raise type_error(where, "child_cell", child_cell, "a Cell")
        check_attribute_value(self, child_name, child_cell, _RESERVED)
        params, cells, groups = self._registries("Cell", child_name)
        if child_name not in cells and (child_name in params or child_name in groups
                                        or child_name in self.__dict__):
            raise value_error(where, "child_name", child_name, "a name not already used by "
                              "another attribute of the cell")
        self._add_child(child_name, child_cell)

    def _add_child(self, name: str, child: Cell) -> None:
        prefix = f"{name}." if self.__dict__["_auto_prefix"] else None
        self._set_children([(name, child, prefix)], keep=True)

    def _set_children(self, entries: list[tuple[str, Cell, str | None]], keep: bool) -> None:
        """Put ``(key, cell, prefix)`` entries among the children (``keep``) or make them
        the children; a cell with a prefix has its parameters renamed ``prefix + path``."""
        _naming.set_children(self, entries, keep)

    # ------------------------------------------------------------------ pickle and copy

    # copy.deepcopy takes the same path as pickle (no __deepcopy__): the state below.

    def __getstate__(self) -> dict[str, Any]:
        # The naming state derived from the registries (name index, holders, parents,
        # which are weak references) is rebuilt by __setstate__, never copied.
        return {k: v for k, v in self.__dict__.items() if k not in _naming.DERIVED}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # pickle and deepcopy finish a child's state before its parent's, so the children
        # are adopted first and this cell links itself into them as their parent.
        self.__dict__.update(state)
        _naming.adopt(self)

    # ------------------------------------------------------------------ traversal

    def cells_and_names(self, cells: set[int] | None = None,
                        name_prefix: str = "") -> Iterator[tuple[str, Cell]]:
        """Yield ``(path, cell)`` for this cell and every sub-cell, each cell once."""
        seen = set() if cells is None else cells
        if id(self) in seen:
            return
        seen.add(id(self))
        yield name_prefix, self
        for name, cell in self.__dict__["_cells"].items():
            child_prefix = f"{name_prefix}.{name}" if name_prefix else name
            yield from cell.cells_and_names(seen, child_prefix)

    def name_cells(self) -> OrderedDict[str, Cell]:
        """Return the direct sub-cells by attribute name (a cell held twice: once)."""
        out: OrderedDict[str, Cell] = OrderedDict()
        seen: set[int] = set()
        for name, cell in self.__dict__["_cells"].items():
            if id(cell) not in seen:
                seen.add(id(cell))
                out[name] = cell
        return out

    def cells(self) -> list[Cell]:
        """Return the direct sub-cells, each once."""
        return list(self.name_cells().values())

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
            for _, members in cell.__dict__["_groups"].values():
                own.extend(members.items())
            for name, param in own:
                if id(param) not in seen:
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

    def parameters_broadcast_dict(self, recurse: bool = True) -> OrderedDict[str, Parameter] | None:
        """Return the parameters to broadcast (``layerwise_parallel`` False) by name, or
        ``None`` if there are none (as MindSpore)."""
        out = OrderedDict((p.name, p) for p in self.get_parameters(expand=recurse)
                          if not p.layerwise_parallel)
        return out or None

    def check_names(self) -> None:
        """Raise ValueError if two different parameters of the tree share a name."""
        names: dict[str, Parameter] = {}
        for path, param in self.parameters_and_names():
            if names.setdefault(param.name, param) is not param:
                raise ValueError(f"{type(self).__name__}.check_names: the parameter at "
                                 f"{path!r} is named {param.name!r}, a name another "
                                 "parameter already has.")

    def update_parameters_name(self, prefix: str = "", recurse: bool = True) -> None:
        """Rename every parameter ``prefix + attribute path`` (MindSpore's method).

        Raises:
            TypeError: If ``prefix`` is not a str.
            ValueError: If a new name is held by another parameter of the tree.
        """
        if not isinstance(prefix, str):
            raise type_error(f"{type(self).__name__}.update_parameters_name", "prefix",
                             prefix, "a str")
        plan = [(p, prefix + path) for path, p in self.parameters_and_names(expand=recurse)]
        _naming.check_free(f"{type(self).__name__}.update_parameters_name", [self],
                           [(n, p) for p, n in plan], [p for p, _ in plan])
        _naming.rename(plan)

    def init_parameters_data(self, auto_parallel_mode: bool = False) -> dict[Parameter, Parameter]:
        """Materialize every lazy parameter; return ``{parameter: parameter}`` as MindSpore.

        On a terminal, shows a progress bar when this takes longer than a second.
        """
        materialize_all(list(self.get_parameters()))
        return {p: p for p in self.get_parameters()}

    # ------------------------------------------------------------------ modes and flags

    def apply(self, fn: Any) -> Cell:
        """Call ``fn(cell)`` on every sub-cell (children first), then on this cell; return self."""
        if not callable(fn):
            raise type_error(f"{type(self).__name__}.apply", "fn", fn, "a callable")
        for cell in self.cells():
            cell.apply(fn)
        fn(self)
        return self

    def add_flags(self, **flags: Any) -> Cell:
        """Set ``flags`` as attributes of this cell; return self."""
        self.__dict__["_flags"].update(flags)
        for key, value in flags.items():
            setattr(self, key, value)
        return self

    def add_flags_recursive(self, **flags: Any) -> Cell:
        """Set ``flags`` on this cell and every sub-cell; return self."""
        for _, cell in self.cells_and_names():
            cell.add_flags(**flags)
        return self

    def get_flags(self) -> dict[str, Any]:
        """Return the flags set with ``add_flags``."""
        return self.__dict__["_flags"]

    def set_train(self, mode: bool = True) -> Cell:
        """Set ``training`` on this cell and every sub-cell (layers such as Dropout read
        it); return self."""
        check_bool(f"{type(self).__name__}.set_train", "mode", mode)
        return self.add_flags_recursive(training=mode)

    def set_grad(self, requires_grad: bool = True) -> Cell:
        """Set the ``requires_grad`` flag (kept for ported code: gpuparam computes no
        gradients); return self."""
        check_bool(f"{type(self).__name__}.set_grad", "requires_grad", requires_grad)
        self.__dict__["requires_grad"] = requires_grad
        return self

    def to_float(self, dst_type: Any) -> Cell:
        """Run the cell tree in ``dst_type`` (``float16`` or ``float32``); return self.

        Unlike MindSpore, which casts at each call, gpuparam casts the floating-point
        parameters once (a lazy one stays lazy and is generated in ``dst_type``), and
        casts floating-point Tensor inputs of every cell of the tree on each call.

        Raises:
            ValueError: If ``dst_type`` is not float16 or float32.
        """
        if dst_type not in (float16, float32):
            raise value_error(f"{type(self).__name__}.to_float", "dst_type", dst_type,
                              "gpuparam.float16 or gpuparam.float32")
        for param in self.get_parameters():
            cast_parameter(param, dst_type)
        for _, cell in self.cells_and_names():
            cell.__dict__["_cast_dtype"] = dst_type
        return self

    # ------------------------------------------------------------------ calling

    def construct(self, *inputs: Any, **kwargs: Any) -> Output:
        """The computation of the cell; subclasses define it."""
        name = type(self).__name__
        if callable(getattr(type(self), "forward", None)):
            raise NotImplementedError(f"{name} defines forward() but not construct(): "
                                      "gpuparam, like MindSpore, calls construct(); rename "
                                      "forward to construct.")
        raise NotImplementedError(f"{name}.construct is not defined.")

    def __call__(self, *inputs: Any, **kwargs: Any) -> Output:
        dtype = self.__dict__.get("_cast_dtype")
        if dtype is not None:
            inputs = cast_inputs(inputs, dtype)
        return self.construct(*inputs, **kwargs)

    def extend_repr(self) -> str:
        """Extra text for the cell's printed form (its arguments)."""
        return ""

    def __repr__(self) -> str:
        return safe_repr(self)


# Attribute names that would hide a Cell method: refused at assignment (issue 15).
_RESERVED = frozenset(name for name, value in vars(Cell).items() if not name.startswith("_")
                      and (callable(value) or isinstance(value, property)))
