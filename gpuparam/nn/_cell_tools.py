"""Helpers of ``Cell`` that are not about naming: attribute checks, casts, printing."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._dtype import DType
from .._errors import type_error
from .._parameter import Parameter
from .._tensor import Tensor

if TYPE_CHECKING:
    from ._cell import Cell


def check_attribute_value(cell: Any, name: str, value: Any, reserved: frozenset[str],
                          holds_parameters: Callable[[Any], bool]) -> None:
    """Refuse, before anything changes, attributes that would silently misbehave
    (``holds_parameters(v)``: whether ``v`` is a cell with parameters).

    Raises:
        ValueError: If ``name`` is a Cell method or property (``construct``, ``cells``...):
            the attribute would hide it.
        TypeError: If ``value`` is a plain list/tuple or dict holding cells that have
            parameters: those would not be registered (MindSpore leaves them out
            silently). Parameter-free cells (activations) in a tuple are fine, as there.
    """
    where = type(cell).__name__
    if name in reserved:
        raise ValueError(f"{where}: an attribute cannot be named {name!r}: that is a Cell "
                         f"method, which the attribute would hide; choose another name.")
    if isinstance(value, (list, tuple)) and not isinstance(value, Parameter):
        if any(holds_parameters(v) for v in value):
            raise type_error(f"{where}.{name}", "value", value,
                             "a cell container, not a plain list or tuple of cells with "
                             "parameters: use "
                             "nn.CellList([...]) (or nn.SequentialCell) so that their "
                             "parameters are registered")
    elif isinstance(value, Mapping) and any(holds_parameters(v) for v in value.values()):
        raise type_error(f"{where}.{name}", "value", value,
                         "a cell container, not a dict of cells with parameters: use "
                         "nn.CellDict({...}) so "
                         "that their parameters are registered")


def cast_parameter(param: Parameter, dtype: DType) -> None:
    """Cast a floating-point parameter to ``dtype`` in place (a lazy one stays lazy and
    is generated in ``dtype``); other parameters are left alone."""
    if param.dtype.is_floating_point:
        param.set_dtype(dtype)


def cast_inputs(inputs: tuple[Any, ...], dtype: DType) -> tuple[Any, ...]:
    """Cast floating-point Tensors among ``inputs`` (and in tuples/lists) to ``dtype``."""
    out = []
    for item in inputs:
        if isinstance(item, Tensor) and item.dtype.is_floating_point and item.dtype != dtype:
            item = item.astype(dtype)
        elif isinstance(item, (tuple, list)):
            item = type(item)(cast_inputs(tuple(item), dtype))
        out.append(item)
    return tuple(out)


_printing = threading.local()


def safe_repr(cell: Cell, children: Iterable[tuple[str, Any]]) -> str:
    """``Net<\\n  (child): Child<...>\\n  >`` for ``cell`` and its ``(key, child)`` pairs; a
    cell already being printed (a cycle made behind the API's back) prints as
    ``<cycle>`` instead of recursing."""
    active = getattr(_printing, "ids", None)
    if active is None:
        active = _printing.ids = set()
    if id(cell) in active:
        return f"{type(cell).__name__}<cycle>"
    active.add(id(cell))
    try:
        head = f"{type(cell).__name__}<{cell.extend_repr()}>"
        children = list(children)
        if not children:
            return head
        lines = [head[:-1] + "\n"]
        for name, child in children:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}\n")
        return "".join(lines) + "  >"
    finally:
        active.discard(id(cell))


def materialize_all(params: list[Parameter]) -> None:
    """``init_data()`` every lazy parameter; on a terminal, a progress bar after a second."""
    lazy = [p for p in params if p.has_init]
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


def _progress(done: int, total: int, done_bytes: int, total_bytes: int) -> None:
    width = 30
    filled = int(width * done_bytes / total_bytes)
    sys.stderr.write(f"\rinit_parameters_data [{'#' * filled}{'.' * (width - filled)}] "
                     f"{done}/{total} parameters, {done_bytes / 2**30:.2f}/"
                     f"{total_bytes / 2**30:.2f} GiB")
    sys.stderr.flush()
