"""``load_param_into_net``: match a parameter dict to a network, check it all, then assign.

Matching follows MindSpore: by ``param.name``; then, unless ``strict_load``, names of
the network not found are looked up with the prefix of a checkpoint name that ends
with one of them (a file saved from a wrapper cell, ``network.conv1.weight``, loads
into the bare network). Every shape, dtype and converted value is checked before any
parameter is touched, so a failure changes nothing. A lazy parameter gets the data in
place of its initializer, which never runs; each assignment goes through
``Tensor._replace_with``, which parks a replaced buffer another stream may still read.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from typing import Any

from .. import _backend
from .._array_ops import check_fits
from .._dtype import DType
from .._errors import check_bool, type_error
from .._parameter import Parameter
from .._tensor import Tensor
from ..nn import Cell

_FLOATS = {"float16", "float32", "float64", "bfloat16"}
_INTS = {"int8", "int16", "int32", "int64"}


@dataclass
class _Assignment:
    param: Parameter
    key: str  # the dict's name for it
    source: Tensor
    cast: bool
    reshape: bool


def _castable(source: DType, target: DType) -> bool:
    """MindSpore converts float <-> float and int <-> int when not ``strict_load``."""
    pair = {source.name, target.name}
    return pair <= _FLOATS or pair <= _INTS


def _prefix_matches(net: Cell, parameter_dict: dict[str, Any], missing: list[str],
                    taken: set[str]) -> list[tuple[Parameter, str]]:
    """MindSpore's ``_load_dismatch_prefix_params``: find a prefix ``p`` such that
    ``p + name`` is in the dict for a missing ``name``; load every missing parameter
    that ``p`` completes; repeat with the rest."""
    params = {p.name: p for _, p in net.parameters_and_names()}
    tensors = [k for k, v in parameter_dict.items() if isinstance(v, Tensor) and k not in taken]
    found: list[tuple[Parameter, str]] = []
    while missing:
        prefix = next((key[:-len(name)] for name in missing for key in tensors
                       if key.endswith(name) and key != name), None)
        if prefix is None:
            break
        progress = [name for name in missing if prefix + name in parameter_dict
                    and isinstance(parameter_dict[prefix + name], Tensor)
                    and prefix + name not in taken]
        if not progress:
            break
        for name in progress:
            found.append((params[name], prefix + name))
            taken.add(prefix + name)
            missing.remove(name)
        tensors = [k for k in tensors if k not in taken]
    return found


def plan(net: Cell, parameter_dict: dict[str, Any], strict_load: bool,
         where: str) -> tuple[list[_Assignment], list[str], list[str]]:
    """Match and check; return the assignments, ``param_not_load`` and ``ckpt_not_load``."""
    if not isinstance(net, Cell):
        raise type_error(where, "net", net, "a Cell")
    if not isinstance(parameter_dict, dict):
        raise type_error(where, "parameter_dict", parameter_dict,
                         "a dict of name -> Parameter (as load_checkpoint returns)")
    check_bool(where, "strict_load", strict_load)
    for key, value in parameter_dict.items():
        if not isinstance(key, str) or not isinstance(value, (Tensor, str)):
            raise type_error(where, "parameter_dict", f"an item {key!r}: {type(value).__name__}",
                             "str keys and Parameter, Tensor or str values")
    pairs: list[tuple[Parameter, str]] = []
    missing: list[str] = []
    taken: set[str] = set()
    for _, param in net.parameters_and_names():
        value = parameter_dict.get(param.name)
        if isinstance(value, Tensor):
            pairs.append((param, param.name))
            taken.add(param.name)
        elif isinstance(value, str):  # an append_dict string under a parameter's name
            raise TypeError(f"{where}: nothing was loaded; the dict's {param.name!r} is a str "
                            f"({value[:40]!r}), not a Parameter or Tensor, and {param.name!r} "
                            "is a parameter of the network (MindSpore refuses it too); rename "
                            "the append_dict entry or the parameter.")
        elif value is None and not param.name.startswith("accu_grads"):
            missing.append(param.name)
    if missing and not strict_load:
        pairs += _prefix_matches(net, parameter_dict, missing, taken)
    assignments, shape_errors, dtype_errors, value_errors = [], [], [], []
    for param, key in pairs:
        source = parameter_dict[key]
        target, got = tuple(param.shape), tuple(source.shape)
        reshape = False
        if got != target:
            # MindSpore's _special_process_par: (12, 2048, 1, 1) loads into (12, 2048).
            reshape = got[:len(target)] == target and all(d == 1 for d in got[len(target):])
            if not reshape:
                shape_errors.append(f"{param.name!r}: the network has shape {target}, the dict "
                                    f"({key!r}) {got}")
                continue
        cast = source.dtype != param.dtype
        if cast and (strict_load or not _castable(source.dtype, param.dtype)):
            rule = ("strict_load=True refuses any conversion" if strict_load else
                    "only float <-> float and int <-> int are converted")
            dtype_errors.append(f"{param.name!r}: the network has {param.dtype}, the dict "
                                f"({key!r}) {source.dtype}; {rule}")
            continue
        if cast or reshape:
            if source.has_init:  # generated now, as a copy: the dict's parameter stays lazy
                source = copy.deepcopy(source).init_data()
            if cast:  # MindSpore's lenient conversion, only where every value fits
                try:
                    check_fits(source._read(), param.dtype, where, f"parameter_dict[{key!r}]")
                except ValueError as exc:
                    value_errors.append(f"{param.name!r}: " + str(exc).split(": ", 1)[1])
                    continue
        assignments.append(_Assignment(param, key, source, cast, reshape))
    if shape_errors:
        raise ValueError(f"{where}: nothing was loaded; shapes differ for "
                         f"{len(shape_errors)} parameter(s): " + "; ".join(shape_errors[:10]))
    if dtype_errors:
        raise TypeError(f"{where}: nothing was loaded; dtypes differ for "
                        f"{len(dtype_errors)} parameter(s): " + "; ".join(dtype_errors[:10]))
    if value_errors:
        raise ValueError(f"{where}: nothing was loaded; values do not fit the network's dtype "
                         f"for {len(value_errors)} parameter(s): " + "; ".join(value_errors[:10]))
    cast = [a for a in assignments if a.cast]
    if cast:
        warnings.warn(f"{where}: converting {len(cast)} parameter(s) to the network's dtype, "
                      "as MindSpore does without strict_load: " + ", ".join(
                          f"{a.param.name} {a.source.dtype}->{a.param.dtype}" for a in cast[:10]),
                      UserWarning, stacklevel=3)
    loaded = {a.key for a in assignments}
    return assignments, missing, [k for k in parameter_dict if k not in loaded]


def apply(assignments: list[_Assignment], share: bool) -> None:
    """Assign every planned source; ``share`` lets a parameter take the source's buffer
    (used by ``load_checkpoint``, whose returned parameters are fresh)."""
    for a in assignments:
        source = a.source
        if not source.has_init:  # a lazy source of the same shape and dtype stays lazy
            data = source._read()
            moved = _backend.to_active(data)  # a dict built under the other backend
            if a.reshape:
                moved = moved.reshape(a.param.shape)
            if moved is not data:
                source = Tensor._wrap(moved)
        # Checked in plan(): the cast cannot fail here, so no parameter is half-loaded.
        a.param._replace_with(source, a.param.dtype, share=share, where="load_param_into_net",
                              arg=f"parameter_dict[{a.key!r}]")


def load_param_into_net(net: Cell, parameter_dict: dict[str, Any],
                        strict_load: bool = False) -> tuple[list[str], list[str]]:
    """Load the parameters of ``parameter_dict`` into ``net`` by name, as MindSpore does.

    Every name, shape, dtype and converted value is checked before anything is
    assigned: an error leaves every parameter as it was. A lazy parameter takes the data
    in place of its initializer, which never runs. Without ``strict_load``, float <->
    float and int <-> int dtype differences are converted with a warning (MindSpore's
    behaviour) where every value fits the network's dtype (1e300 into Float32, 1e5 into
    Float16 or 2**40 into Int32 is a ValueError, never an inf or a wrapped value), and
    names of ``net`` missing from the dict are tried with the prefix of a dict name
    that ends with them (``network.conv.weight`` loads into ``conv.weight``).

    Args:
        net: The network (a Cell).
        parameter_dict: ``{name: Parameter}``, e.g. from ``load_checkpoint``; ``str``
            values (saved ``append_dict`` strings) go nowhere (they are listed in
            ``ckpt_not_load``), unless one has a parameter's name: that is a TypeError.
        strict_load: Refuse any dtype conversion, and match names exactly.

    Returns:
        ``(param_not_load, ckpt_not_load)``: names of ``net`` that got nothing, and names
        of the dict that went nowhere.

    Raises:
        TypeError: For a ``net`` that is not a Cell, a bad dict, a ``str`` value under a
            parameter's name (as MindSpore), or a dtype difference that is not converted.
        ValueError: If a shape differs, or a converted value does not fit the network's
            dtype (the message names the parameter).

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> from gpuparam import nn, Parameter, Tensor
        >>> net = nn.Dense(2, 1)
        >>> weights = {"weight": Parameter(Tensor(np.ones((1, 2), np.float32)), name="weight")}
        >>> gpuparam.load_param_into_net(net, weights)
        (['bias'], [])
        >>> net.weight.asnumpy()
        array([[1., 1.]], dtype=float32)
    """
    assignments, param_not_load, ckpt_not_load = plan(net, parameter_dict, strict_load,
                                                      "load_param_into_net")
    apply(assignments, share=False)
    return param_not_load, ckpt_not_load
