"""``init_module_``: every parameter of a module filled from a plan of name patterns."""

from __future__ import annotations

import fnmatch
import numbers
from typing import Any

import torch

from .._errors import check_bool, type_error, value_error
from . import _fill


def init_module_(module: torch.nn.Module, plan: dict[str, Any], *, seed: int,
                 whole_per_rank: bool = False) -> dict[str, str]:
    """Fill every parameter of ``module`` in place, choosing its initializer by name.

    Each parameter takes the initializer of the first pattern of ``plan`` (in the dict's
    order) that its name matches (``fnmatch`` rules, case-sensitive: ``*`` matches dots
    too), matched against the name without torch's wrapper parts (see ``key_for``), and
    is filled by ``fill_`` with ``key_for(name, seed)``: whole tensors, DTensors and
    FSDP2's sharded parameters alike, so every shard equals that slice of the
    single-device model. Every parameter is checked before any is written: a failure
    changes nothing.

    Args:
        module: The model, after ``to_empty`` if it was built on the meta device.
        plan: ``{pattern: init}``, ``init`` as ``fill_`` takes it (an Initializer, a name
            or a number). End with ``"*"`` to give every other parameter a default.
        seed: The seed of every key, an int in ``[0, 2**64)``.
        whole_per_rank: As ``fill_``'s, for initializers that need the whole tensor.

    Returns:
        ``{name: repr(initializer)}`` for every parameter, in ``named_parameters()`` order.

    Raises:
        ValueError: If a parameter matches no pattern (all are named), or for any
            parameter ``fill_`` would refuse (named).
        TypeError: For a non-Module, a plan that is not a dict of str patterns, or a bad seed.

    Example:
        >>> import torch
        >>> from gpuparam.common.initializer import Normal
        >>> from gpuparam.torch import init_module_
        >>> model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3))
        >>> init_module_(model, {"*.bias": "zeros", "1.weight": "ones", "*": Normal(0.02)},
        ...              seed=0)["0.weight"]
        'Normal(sigma=0.02, mean=0.0)'
    """
    where = "init_module_"
    if not isinstance(module, torch.nn.Module):
        raise type_error(where, "module", module, "a torch.nn.Module")
    if not isinstance(plan, dict) or not all(isinstance(k, str) for k in plan):
        raise type_error(where, "plan", plan, "a dict {name pattern (str): initializer}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise type_error(where, "seed", seed, "an int")
    if not 0 <= seed < 1 << 64:
        raise value_error(where, "seed", seed, "an int in [0, 2**64)")
    check_bool(where, "whole_per_rank", whole_per_rank)
    rules = [(pattern, _fill.resolve_init(where, init)) for pattern, init in plan.items()]
    fills, chosen, unmatched = [], {}, []
    for fqn, param in module.named_parameters():
        name = _fill.canonical_name(fqn)
        init = next((init for pattern, init in rules if fnmatch.fnmatchcase(name, pattern)), None)
        if init is None:
            unmatched.append(fqn)
            continue
        fills.append(_fill.prepare(where, f"parameter {fqn!r}", param, init,
                                   _fill.key_for(fqn, int(seed)), whole_per_rank=whole_per_rank))
        chosen[fqn] = repr(init)
    if unmatched:
        raise ValueError(f"{where}: {len(unmatched)} parameter(s) match no pattern of `plan` "
                         f"{list(plan)}: {unmatched}; nothing was filled. Add a pattern for "
                         "them, e.g. '*' last for a default.")
    for prepared in fills:
        _fill.write(prepared)
    return chosen


__all__ = ["init_module_"]
