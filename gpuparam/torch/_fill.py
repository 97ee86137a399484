"""``key_for`` and ``fill_``: a tensor's values as a function of (seed, its name, index).

``fill_`` writes into a torch tensor, or a DTensor's local shard, exactly that part of
the global tensor gpuparam's initializer gives for the key (``init._generate(shape,
dtype, key, index)``, DESIGN.md contract 3), so a sharded tensor equals the
single-device one at any world size, with no communication.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.distributed.tensor import DTensor

from .. import _backend
from .._errors import check_bool, type_error, value_error
from .._initializer import Constant, Initializer, from_name
from . import _write
from ._layout import Box, dtensor_box, given_box

Key = tuple[int, int]
_U64 = 1 << 64
# Wrappers that torch inserts into a name without changing the model: torch.compile,
# activation checkpointing, FSDP1. A key ignores them.
WRAPPER_NAMES = ("_orig_mod", "_checkpoint_wrapped_module", "_fsdp_wrapped_module")
_KEY_DOMAIN = 0x6770_746F  # "gpto": keeps these keys apart from gpuparam's next_key()
# Called with every tensor fill_ filled: patch_nn_init counts those as filled too.
FILL_HOOKS: list[Any] = []


def canonical_name(fqn: str) -> str:
    """``fqn`` without the wrapper components torch inserts (``WRAPPER_NAMES``).

    Example:
        >>> from gpuparam.torch._fill import canonical_name
        >>> canonical_name("_orig_mod.layers.0._checkpoint_wrapped_module.attn.wq.weight")
        'layers.0.attn.wq.weight'
    """
    return ".".join(part for part in fqn.split(".") if part not in WRAPPER_NAMES)


def key_for(fqn: str, seed: int) -> Key:
    """Return the random key of the parameter named ``fqn`` under ``seed``.

    A function of the seed and the name alone (not of creation order, world size, or
    gpuparam's global seed), so pipeline stages and lazily built blocks get the same
    values. The wrapper names torch inserts (``_orig_mod``, ``_checkpoint_wrapped_module``,
    ``_fsdp_wrapped_module``) are left out of the name first. It is the key type
    gpuparam's initializers take: ``init._generate(shape, dtype, key, None)`` is exactly
    what ``fill_`` writes.

    Args:
        fqn: The parameter's fully qualified name, as ``module.named_parameters()`` gives it.
        seed: An int in ``[0, 2**64)``.

    Raises:
        TypeError: If ``fqn`` is not a str or ``seed`` not an int.
        ValueError: If ``fqn`` is empty or ``seed`` is outside ``[0, 2**64)``.

    Example:
        >>> from gpuparam.torch import key_for
        >>> key_for("layers.0.attn.wq.weight", seed=1234) == key_for("layers.0.attn.wq.weight", 1234)
        True
        >>> key_for("a.weight", 1) != key_for("b.weight", 1)
        True
    """
    where = "key_for"
    if not isinstance(fqn, str):
        raise type_error(where, "fqn", fqn, "a str (a parameter's fully qualified name)")
    name = canonical_name(fqn)
    if not name:
        raise value_error(where, "fqn", fqn, "a non-empty parameter name")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise type_error(where, "seed", seed, "an int")
    if not 0 <= seed < _U64:
        raise value_error(where, "seed", seed, "an int in [0, 2**64)")
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
    entropy = [_KEY_DOMAIN, int(seed) & 0xFFFF_FFFF, int(seed) >> 32, *words]
    state = np.random.SeedSequence(entropy).generate_state(2, np.uint64)
    return int(state[0]), int(state[1])


def check_key(where: str, key: Any) -> Key:
    if (not isinstance(key, tuple) or len(key) != 2
            or any(isinstance(w, bool) or not isinstance(w, numbers.Integral) for w in key)):
        raise type_error(where, "key", key, "a tuple of two ints (from key_for(fqn, seed))")
    if not all(0 <= int(w) < _U64 for w in key):
        raise value_error(where, "key", key, "two ints in [0, 2**64)")
    return int(key[0]), int(key[1])


def resolve_init(where: str, init: Any) -> Initializer:
    """An Initializer from an instance, an alias string (``"normal"``) or a number."""
    if isinstance(init, Initializer):
        return init
    if isinstance(init, str):
        return from_name(init, where, "init")
    if isinstance(init, numbers.Real) and not isinstance(init, (bool, np.bool_)):
        return Constant(init)  # type: ignore[arg-type]
    raise type_error(where, "init", init, "a gpuparam Initializer, an initializer name "
                     "(e.g. 'normal', 'zeros') or a number")


@dataclass(frozen=True)
class Fill:
    """One checked fill, ready to write: nothing can fail for the caller's input after this."""

    local: torch.Tensor
    box: Box
    init: Initializer
    key: Key


def prepare(where: str, what: str, tensor: Any, init: Initializer, key: Key, *,
            global_shape: Any = None, global_offset: Any = None,
            whole_per_rank: bool = False) -> Fill:
    """Check everything about one fill (``what`` names the tensor in messages)."""
    if not isinstance(tensor, torch.Tensor):
        raise type_error(where, "tensor", tensor, "a torch.Tensor or a DTensor")
    if isinstance(tensor, DTensor):
        if global_shape is not None or global_offset is not None:
            raise ValueError(f"{where}: `global_shape`/`global_offset` are for a plain local "
                             f"tensor; {what} is a DTensor, whose placements say where its "
                             "shard lies: leave them out.")
        with torch.no_grad():
            local = tensor.to_local()
    else:
        local = tensor
    if local.is_meta:
        raise ValueError(f"{where}: {what} is on the meta device and has no memory to fill; "
                         "materialize the module first, e.g. module.to_empty(device='cuda') "
                         "(or device='cpu'), then initialize it.")
    if local.dtype not in _write.FLOAT_DTYPES:
        raise TypeError(f"{where}: {what} has dtype {local.dtype}; gpuparam.torch fills "
                        "torch.float16, float32, float64 and bfloat16 tensors.")
    if local.device.type not in ("cpu", "cuda"):
        raise ValueError(f"{where}: {what} is on device {str(local.device)!r}; gpuparam.torch "
                         "fills CPU and CUDA tensors.")
    if local.device.type == "cuda" and _backend.active_backend() != "cupy":
        raise RuntimeError(f"{where}: {what} is a CUDA tensor, but gpuparam runs on NumPy, and "
                           "values are generated on the device that holds them; use "
                           "gpuparam.set_context(device_target='GPU') (CuPy and a GPU needed).")
    box = (dtensor_box(where, what, tensor) if isinstance(tensor, DTensor)
           else given_box(where, tuple(local.shape), global_shape, global_offset))
    try:
        init._check(box.global_shape, _write.check_dtype(local.dtype))
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {what} {box.global_shape}: {exc}") from None
    if _write.needs_whole(init) and not box.is_whole and box.numel:
        whole_bytes = math.prod(box.global_shape) * 8
        if not whole_per_rank:
            raise ValueError(
                f"{where}: {type(init).__name__} cannot draw a slice alone: every rank would "
                f"compute the whole {box.global_shape} tensor (about {whole_bytes / 2**20:.1f} "
                f"MiB of float64) to keep its {box.local_shape} shard of {what}. Pass "
                "whole_per_rank=True to accept that, or use an elementwise initializer.")
        warnings.warn(f"{where}: {type(init).__name__} computes the whole {box.global_shape} "
                      f"tensor on this rank (about {whole_bytes / 2**20:.1f} MiB of float64) "
                      f"to keep the {box.local_shape} shard of {what}.", UserWarning,
                      stacklevel=3)
    return Fill(local, box, init, key)


def fill_(tensor: torch.Tensor, init: Any, *, key: Key, global_shape: Any = None,
          global_offset: Any = None, whole_per_rank: bool = False) -> torch.Tensor:
    """Fill ``tensor`` in place with gpuparam's values of ``init`` for ``key``; return it.

    A plain tensor is the whole, unless ``global_shape`` and ``global_offset`` say which
    part of a larger tensor it holds (for sharding by hand). A DTensor's local shard is
    filled with its slice of the global tensor, from its placements (``Shard(d)`` and
    ``Replicate`` on a mesh of any rank; uneven and empty shards included). Either way,
    the values equal that slice of ``init._generate(global_shape, dtype, key, None)``
    bit for bit, on every rank, with no communication. The memory is written in place
    (``tensor.numpy()`` on the CPU, DLPack on CUDA on torch's current stream): the data
    pointer does not change.

    Args:
        tensor: A CPU or CUDA ``torch.Tensor`` or DTensor of dtype float16, float32,
            float64 or bfloat16 (bfloat16 is drawn in float64 and rounded to nearest-even,
            as gpuparam's own bfloat16). Not on the meta device.
        init: A gpuparam Initializer (``Normal(0.02)``), an initializer name
            (``"xavier_uniform"``, case-insensitive) or a number (a constant).
        key: The tensor's key, from ``key_for(fqn, seed)``.
        global_shape, global_offset: For a plain tensor that is part of a larger one:
            the larger one's shape and where this part starts, one int per dimension.
        whole_per_rank: Let an initializer that cannot draw a slice alone (Orthogonal,
            DeltaOrthogonal, a custom ``_initialize``) compute the whole tensor on every
            rank for a shard (with a UserWarning saying how much); else that is a
            ValueError.

    Returns:
        ``tensor``.

    Raises:
        TypeError: For a non-tensor, another dtype, an ``init`` of another type or a bad key.
        ValueError: For a meta tensor, a Partial or _StridedShard placement, an unknown
            initializer name, bad ``global_shape``/``global_offset``, a shape the
            initializer cannot fill, or a whole-tensor initializer on a shard without
            ``whole_per_rank``.
        RuntimeError: For a CUDA tensor while gpuparam runs on NumPy.

    Example:
        >>> import torch
        >>> from gpuparam.common.initializer import Normal
        >>> from gpuparam.torch import fill_, key_for
        >>> w = torch.empty(4, 6)
        >>> _ = fill_(w, Normal(0.02), key=key_for("fc.weight", seed=0))
        >>> part = torch.empty(2, 6)   # rows 2 and 3 alone: the same numbers
        >>> _ = fill_(part, Normal(0.02), key=key_for("fc.weight", seed=0),
        ...           global_shape=(4, 6), global_offset=(2, 0))
        >>> torch.equal(part, w[2:])
        True
    """
    where = "fill_"
    check_bool(where, "whole_per_rank", whole_per_rank)
    plan = prepare(where, "`tensor`", tensor, resolve_init(where, init), check_key(where, key),
                   global_shape=global_shape, global_offset=global_offset,
                   whole_per_rank=whole_per_rank)
    write(plan)
    for hook in FILL_HOOKS:
        hook(tensor)
    return tensor


def write(plan: Fill) -> None:
    """Write one prepared fill."""
    _write.write(plan.local, plan.box, plan.init, plan.key)


__all__ = ["FILL_HOOKS", "Fill", "Key", "WRAPPER_NAMES", "canonical_name", "check_key", "fill_", "key_for",
           "prepare", "resolve_init", "write"]
