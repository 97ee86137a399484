"""``Cell``: the base of every layer, with MindSpore's parameter registration and naming.

Assigning a Parameter, a Cell, a ParameterTuple or a list/tuple of Parameters to an
attribute registers it. Names follow MindSpore: a parameter never named takes its
attribute name; a cell assigned into a parent whose ``auto_prefix`` is True has *all*
its parameters renamed ``attr.path`` (``conv1.weight``, ``block.0.bias``), given names
included. Two different parameters with one full name in a cell tree are still an error
(MindSpore keeps one silently). Each cell holds one ``_registry.Registry``, which owns
all of this: what is registered, the names, the traversal.
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
from ._registry import Registry

_naming.install()


def _is_parameter_group(value: Any) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) > 0
            and all(isinstance(v, Parameter) for v in value))


def _holds_parameters(value: Any) -> bool:
    """True for a Cell that holds parameters (anywhere in its tree)."""
    return isinstance(value, Cell) and next(value.get_parameters(), None) is not None


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
        # The registry is the cell's naming state: everything registered goes through it.
        # The rest are plain attributes, set here without the checks of __setattr__
        # (nothing to register, nothing to refuse), as every cell pays for them.
        for key, value in (("_registry", Registry(type(self).__name__, auto_prefix)),
                           ("_flags", {}), ("_cast_dtype", None), ("training", False),
                           ("requires_grad", False)):
            object.__setattr__(self, key, value)
        if flags:
            self.add_flags(**flags)

    # ------------------------------------------------------------------ attributes

    def _registry_for(self, what: str, name: str) -> Registry:
        registry = self.__dict__.get("_registry")
        if registry is None:
            # MindSpore's words first ("Can not assign cells before ..."), then the fix.
            kind = "cells" if what == "Cell" else "params"
            raise AttributeError(f"{type(self).__name__}: Can not assign {kind} before "
                                 f"Cell.__init__() call; call super().__init__() before "
                                 f"assigning the {what} {name!r}.")
        return registry

    def _drop_plain(self, name: str) -> None:
        """Remove a plain attribute that a registered one replaces (it would shadow it)."""
        if name in self.__dict__:
            object.__delattr__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        check_attribute_value(self, name, value, _RESERVED, _holds_parameters)
        where = f"{type(self).__name__}.{name}"
        if isinstance(value, Parameter):
            registry = self._registry_for("Parameter", name)
            if registry.holds_child(name):
                raise type_error(where, "value", value, "a Cell (the attribute holds a sub-cell)")
            registry.set_parameter(name, value)
            self._drop_plain(name)
            return
        if isinstance(value, Cell):
            registry = self._registry_for("Cell", name)
            if registry.holds_parameter(name):
                raise type_error(where, "value", value,
                                 "a Parameter or a Tensor (the attribute holds a parameter)")
            registry.set_child(name, value)
            self._drop_plain(name)
            return
        if isinstance(value, ParameterTuple) or _is_parameter_group(value):
            self._registry_for("ParameterTuple", name).set_group(name, value)
            self._drop_plain(name)
            return
        current: Registry | None = self.__dict__.get("_registry")
        if current is not None and current.holds_parameter(name):
            param = current.lookup(name)
            if value is None:
                current.set_parameter(name, None)  # as MindSpore: the slot stays, empty
            elif isinstance(value, Tensor) and param is not None:
                param.set_data(value)
            else:
                raise type_error(where, "value", value, "a Parameter, a Tensor (written with "
                                 "set_data) or None" if param is not None else
                                 "a Parameter or None (the parameter slot is empty)")
        elif current is not None and current.holds_child(name):
            if value is not None:
                raise type_error(where, "value", value, "a Cell or None")
            current.set_child(name, None)  # as MindSpore: the slot stays, empty
        else:
            if current is not None:
                current.release(name)  # a group replaced by a plain value
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        registry = self.__dict__.get("_registry")
        if registry is not None and name in registry:
            return registry.lookup(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        registry = self.__dict__.get("_registry")
        if registry is None or not registry.release(name):
            object.__delattr__(self, name)

    # ------------------------------------------------------------------ registration

    def _insertion(self, where: str, arg: str, name: str, value: Any, what: str) -> Registry:
        """The registry to insert ``value`` (a ``what``, or None) into as ``name``, once
        the name is free for it: unused, or a slot of the same kind."""
        check_attribute_value(self, name, value, _RESERVED, _holds_parameters)
        registry = self._registry_for(what, name)
        same_kind = registry.holds_parameter if what == "Parameter" else registry.holds_child
        if (name in registry and not same_kind(name)) or name in self.__dict__:
            raise value_error(where, arg, name, "a name not already used by another "
                              "attribute of the cell")
        return registry

    def insert_param_to_cell(self, param_name: str, param: Parameter | None,
                             check_name_contain_dot: bool = True) -> None:
        """Register ``param`` under the attribute ``param_name`` (``None``: an empty slot,
        as MindSpore).

        A parameter never named takes ``param_name`` as its name (MindSpore's rule).

        Raises:
            TypeError: If ``param`` is not a Parameter or None, or ``param_name`` not a str.
            ValueError: If ``param_name`` is empty, contains a dot (when checked), names an
                existing non-parameter attribute, or the parameter's name is taken in the
                tree.
        """
        where = f"{type(self).__name__}.insert_param_to_cell"
        if not isinstance(param_name, str):
            raise type_error(where, "param_name", param_name, "a str")
        if not param_name or (check_name_contain_dot and "." in param_name):
            raise value_error(where, "param_name", param_name, "a non-empty name without '.'")
        if param is not None and not isinstance(param, Parameter):
            raise type_error(where, "param", param, "a Parameter or None")
        registry = self._insertion(where, "param_name", param_name, param, "Parameter")
        registry.set_parameter(param_name, param)

    def insert_child_to_cell(self, child_name: str, child_cell: Cell | None) -> None:
        """Register ``child_cell`` under the attribute ``child_name``, as assignment does
        (``None``: an empty slot, as MindSpore).

        Raises:
            TypeError: If ``child_name`` is not a str or ``child_cell`` not a Cell or None.
            ValueError: If ``child_name`` is empty, contains a dot, or names another
                attribute; if the child contains this cell; or on a parameter name clash
                in any tree that holds the child or this cell. Nothing changes then.
        """
        where = f"{type(self).__name__}.insert_child_to_cell"
        if not isinstance(child_name, str):
            raise type_error(where, "child_name", child_name, "a str")
        if not child_name or "." in child_name:
            raise value_error(where, "child_name", child_name, "a non-empty name without '.'")
        if child_cell is not None and not isinstance(child_cell, Cell):
            raise type_error(where, "child_cell", child_cell, "a Cell or None")
        registry = self._insertion(where, "child_name", child_name, child_cell, "Cell")
        registry.set_child(child_name, child_cell)

    # ------------------------------------------------------------------ traversal

    def cells_and_names(self, cells: set[int] | None = None,
                        name_prefix: str = "") -> Iterator[tuple[str, Cell]]:
        """Yield ``(path, cell)`` for this cell and every sub-cell, each cell once."""
        yield from self._registry.walk(self, name_prefix, cells)

    def name_cells(self) -> OrderedDict[str, Cell]:
        """Return the direct sub-cells by attribute name (a cell held twice: once)."""
        return self._registry.unique_children()

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
        yield from self._registry.parameters_and_names(name_prefix, expand)

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
        self._registry.check_names(f"{type(self).__name__}.check_names")

    def update_parameters_name(self, prefix: str = "", recurse: bool = True) -> None:
        """Rename every parameter ``prefix + attribute path`` (MindSpore's method).

        Raises:
            TypeError: If ``prefix`` is not a str.
            ValueError: If a new name is held by another parameter of the tree.
        """
        if not isinstance(prefix, str):
            raise type_error(f"{type(self).__name__}.update_parameters_name", "prefix",
                             prefix, "a str")
        self._registry.rename_all(f"{type(self).__name__}.update_parameters_name", prefix,
                                  recurse)

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
        self._flags.update(flags)
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
        return self._flags

    def set_train(self, mode: bool = True) -> Cell:
        """Set ``training`` on this cell and every sub-cell (layers such as Dropout read
        it); return self."""
        check_bool(f"{type(self).__name__}.set_train", "mode", mode)
        return self.add_flags_recursive(training=mode)

    def set_grad(self, requires_grad: bool = True) -> Cell:
        """Set the ``requires_grad`` flag (kept for ported code: gpuparam computes no
        gradients); return self."""
        check_bool(f"{type(self).__name__}.set_grad", "requires_grad", requires_grad)
        self.requires_grad = requires_grad
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
            cell._cast_dtype = dst_type
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
        dtype = self.__dict__.get("_cast_dtype")  # absent if __init__ was skipped
        if dtype is not None:
            inputs = cast_inputs(inputs, dtype)
        return self.construct(*inputs, **kwargs)

    def extend_repr(self) -> str:
        """Extra text for the cell's printed form (its arguments)."""
        return ""

    def __repr__(self) -> str:
        registry = self.__dict__.get("_registry")
        return safe_repr(self, list(registry.children.items()) if registry is not None else [])


# Attribute names that would hide a Cell method: refused at assignment (issue 15).
_RESERVED = frozenset(name for name, value in vars(Cell).items() if not name.startswith("_")
                      and (callable(value) or isinstance(value, property)))
