"""``patch_nn_init``: unchanged ``init_weights()`` code, gpuparam's values.

For the block, each of ``torch.nn.init``'s fourteen filling functions is replaced by one
that looks its tensor argument up among the module's parameters (the Parameter itself,
or a tensor sharing its memory, such as ``p.data``). Found: the parameter is filled by
``fill_`` with the key of its name and the gpuparam initializer that ``_schemes`` builds
with torch's formula on the *global* shape. Not found: torch's function runs unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import math
import numbers
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch.distributed.tensor import DTensor

from .._errors import check_bool, type_error, value_error
from . import _fill, _schemes

_lock = threading.Lock()
_StorageKey = tuple[Any, ...]


def _storage_key(tensor: torch.Tensor) -> _StorageKey | None:
    """What identifies a tensor's memory (None for a tensor with none to tell by)."""
    global_shape = tuple(tensor.shape)
    if isinstance(tensor, DTensor):
        with torch.no_grad():
            tensor = tensor.to_local()
    if tensor.is_meta or tensor.numel() == 0:
        return None
    return (str(tensor.device), tensor.dtype, tensor.data_ptr(), tuple(tensor.shape),
            tensor.stride(), global_shape)


class _Session:
    """The parameters of one ``patch_nn_init`` block and which of them were filled."""

    def __init__(self, module: torch.nn.Module, seed: int, whole_per_rank: bool) -> None:
        self.seed, self.whole_per_rank = seed, whole_per_rank
        self.by_id: dict[int, tuple[str, torch.Tensor]] = {}
        self.by_storage: dict[_StorageKey, tuple[str, torch.Tensor]] = {}
        for fqn, param in module.named_parameters():  # tied parameters: their first name
            self.by_id[id(param)] = (fqn, param)
            storage = _storage_key(param)
            if storage is not None:
                self.by_storage[storage] = (fqn, param)
        self.filled: dict[str, str] = {}

    def lookup(self, tensor: Any) -> tuple[str, torch.Tensor] | None:
        if not isinstance(tensor, torch.Tensor):
            return None
        found = self.by_id.get(id(tensor))
        if found is None:
            storage = _storage_key(tensor)
            found = None if storage is None else self.by_storage.get(storage)
        return found

    def mark(self, tensor: Any) -> None:
        found = self.lookup(tensor)
        if found is not None:
            self.filled[found[0]] = "fill_"

    def fill(self, name: str, fqn: str, tensor: torch.Tensor, args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> None:
        where = f"torch.nn.init.{name}"
        what = f"parameter {fqn!r}"
        shape = tuple(int(n) for n in tensor.shape)
        try:
            init = _schemes.BUILDERS[name](shape, *args, **kwargs)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{where} on {what} {shape}: {exc}") from None
        plan = _fill.prepare(where, what, tensor, init, _fill.key_for(fqn, self.seed),
                             whole_per_rank=self.whole_per_rank)
        _fill.write(plan)
        self.filled[fqn] = f"{name} -> {init!r}"

    def unfilled(self) -> list[str]:
        return [fqn for fqn, _ in self.by_id.values() if fqn not in self.filled]


def _replacement(name: str, original: Callable[..., Any], session: _Session) -> Callable[..., Any]:
    @functools.wraps(original)
    def replacement(tensor: Any, *args: Any, **kwargs: Any) -> Any:
        found = session.lookup(tensor)
        if found is None:
            return original(tensor, *args, **kwargs)
        fqn, param = found
        if name in _schemes.SKIP_EMPTY and 0 in tuple(param.shape):
            warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)  # torch's
        elif name == "constant_" and not _finite_constant(args, kwargs):
            original(tensor, *args, **kwargs)  # +-inf or NaN: no draw, torch fills it
        else:
            session.fill(name, fqn, param, args, kwargs)
            return tensor
        session.filled[fqn] = name
        return tensor
    return replacement


def _finite_constant(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    value = args[0] if args else kwargs.get("val")
    return not isinstance(value, numbers.Real) or math.isfinite(value)


@contextlib.contextmanager
def patch_nn_init(module: torch.nn.Module, seed: int, *, strict: bool = False,
                  whole_per_rank: bool = False) -> Iterator[dict[str, str]]:
    """Make ``torch.nn.init`` fill ``module``'s parameters through gpuparam, for the block.

    Inside the block, ``uniform_``, ``normal_``, ``trunc_normal_``, ``constant_``,
    ``zeros_``, ``ones_``, ``eye_``, ``dirac_``, ``xavier_uniform_``, ``xavier_normal_``,
    ``kaiming_uniform_``, ``kaiming_normal_``, ``orthogonal_`` and ``sparse_`` called on one
    of ``module``'s parameters (or its DTensor, or a tensor sharing its memory such as
    ``p.data``) fill it with ``fill_``, keyed by ``key_for(its name, seed)``, drawing from
    the same distribution with torch's formula for the scale, computed on the *global*
    shape (the fans of the whole weight, not of the shard). Calls on any other tensor go
    to torch's function unchanged. So a sharded model's ``init_weights()`` gives the
    single-device values at any world size. Not the numbers torch's generator would
    give: the distribution, not the stream, is torch's (``generator=`` is ignored).

    Only calls through the module attribute (``torch.nn.init.normal_(...)``,
    ``nn.init.normal_``, ``init.normal_`` as ``nn.Linear`` does) are seen; a function
    imported by name before the block (``from torch.nn.init import normal_``) and tensor
    methods (``p.data.normal_()``) are not, and leave the parameter unfilled. The patch is
    process-wide for the duration of the block: run one such block at a time.

    Args:
        module: The model (sharded with ``fully_shard``, a DTensor model, or plain).
        seed: The seed of every key, an int in ``[0, 2**64)``.
        strict: Raise instead of warning when a parameter was left unfilled.
        whole_per_rank: Let ``orthogonal_`` compute the whole matrix on every rank for a
            shard (see ``fill_``); else it raises ValueError on a shard.

    Yields:
        A dict, filled as the block runs: each filled parameter's name -> what filled it.

    Raises:
        RuntimeError: At the end of the block with ``strict=True``, naming the parameters
            that no call filled (without it, a UserWarning names them).
        ValueError, TypeError: From a call inside the block, naming the parameter (a meta
            tensor, a Partial placement, bad arguments, as ``fill_``).

    Example:
        >>> import torch
        >>> from gpuparam.torch import patch_nn_init
        >>> layer = torch.nn.Linear(4, 3)
        >>> with patch_nn_init(layer, seed=0) as filled:
        ...     layer.reset_parameters()   # torch's own code: kaiming_uniform_, uniform_
        >>> sorted(filled)
        ['bias', 'weight']
    """
    where = "patch_nn_init"
    if not isinstance(module, torch.nn.Module):
        raise type_error(where, "module", module, "a torch.nn.Module")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise type_error(where, "seed", seed, "an int")
    if not 0 <= seed < 1 << 64:
        raise value_error(where, "seed", seed, "an int in [0, 2**64)")
    check_bool(where, "strict", strict)
    check_bool(where, "whole_per_rank", whole_per_rank)
    session = _Session(module, int(seed), whole_per_rank)
    init = torch.nn.init
    with _lock:
        saved = {name: getattr(init, name) for name in _schemes.BUILDERS}
        for name, original in saved.items():
            setattr(init, name, _replacement(name, original, session))
        _fill.FILL_HOOKS.append(session.mark)
    try:
        yield session.filled
    finally:
        with _lock:
            for name, original in saved.items():
                setattr(init, name, original)
            _fill.FILL_HOOKS.remove(session.mark)
    missing = session.unfilled()
    if missing:
        message = (f"{where}: {len(missing)} parameter(s) of {type(module).__name__} were not "
                   f"filled through torch.nn.init inside the block, so their values are not "
                   f"gpuparam's (torch's generator's, or whatever memory held): {missing}. Fill "
                   "them there (or with gpuparam.torch.fill_), or pass strict=True to make "
                   "this an error.")
        if strict:
            raise RuntimeError(message)
        warnings.warn(message, UserWarning, stacklevel=3)


__all__ = ["patch_nn_init"]
