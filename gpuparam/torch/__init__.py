"""PyTorch models initialized through gpuparam: every shard equals the single-device slice.

A parameter's values are a function of ``(seed, its fully qualified name, element
index)``: not of the world size, the mesh, the order of creation or the GPU model. So a
model sharded by FSDP2 (``fully_shard``) or built of DTensors gets, on each rank, exactly
that slice of the tensors one device would build, with no communication; and
``init_weights()`` code written for ``torch.nn.init`` needs no change:

    with torch.device("meta"):
        model = Transformer(args)
    for block in model.layers:
        fully_shard(block)
    fully_shard(model)
    model.to_empty(device="cuda")
    with torch.no_grad(), gpuparam.torch.patch_nn_init(model, seed=1234):
        model.init_weights()

- ``key_for(fqn, seed)``: a parameter's key, from its name.
- ``fill_(tensor, init, *, key)``: fill a tensor or a DTensor's shard in place.
- ``init_module_(module, plan, *, seed)``: fill every parameter from ``{pattern: init}``.
- ``patch_nn_init(module, seed)``: route ``torch.nn.init`` calls on the module's
  parameters through gpuparam for a block.

The distributions and torch's scale formulas are kept; the numbers are gpuparam's, not
those torch's generator would give. See docs/pytorch.md. Needs PyTorch
(``pip install 'gpuparam[torch]'``); importing gpuparam itself never imports torch.
"""

from __future__ import annotations

try:
    import torch.distributed.tensor as _dtensor  # noqa: F401  (DTensor: torch >= 2.5)
except ImportError as _exc:  # pragma: no cover - depends on the environment
    raise ImportError(f"gpuparam.torch needs PyTorch 2.5 or newer with torch.distributed "
                      f"(pip install 'gpuparam[torch]'): {_exc}") from _exc

from ._fill import fill_ as fill_, key_for as key_for
from ._patch import patch_nn_init as patch_nn_init
from ._plan import init_module_ as init_module_

__all__ = ["fill_", "init_module_", "key_for", "patch_nn_init"]
