"""FSDP2 initialization that does not depend on the world size, with gpuparam.torch.

Run it on several processes (CPU, gloo):

    python -m torch.distributed.run --standalone --nproc-per-node 3 examples/torch_fsdp_init.py

or on one (plain ``python examples/torch_fsdp_init.py``). A Llama-shaped model is
built on the meta device, sharded with ``fully_shard`` per block and at the root,
given memory with ``to_empty``, and initialized by its own, unchanged ``init_weights()``
inside ``gpuparam.torch.patch_nn_init``. Every rank then checks that its shards equal
the rows of the same model initialized whole in one process, and the gathered
``full_tensor()`` too: the numbers are the same at any world size.

On GPUs: ``init_process_group("nccl")``, ``to_empty(device="cuda")`` and
``GPUPARAM_BACKEND=cupy`` (the default where a GPU is usable); nothing else changes.
"""

from __future__ import annotations

import os

import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.fsdp import fully_shard
from torch.distributed.tensor import init_device_mesh

import gpuparam.torch as gpt

DIM, HIDDEN, HEADS, VOCAB, LAYERS, SEED = 64, 176, 4, 1000, 2, 1234


class RMSNorm(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(dim))

    def reset_parameters(self) -> None:
        nn.init.ones_(self.weight)


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.wq, self.wk, self.wv, self.wo = (nn.Linear(DIM, DIM, bias=False) for _ in range(4))
        self.w1 = nn.Linear(DIM, HIDDEN, bias=False)
        self.w2 = nn.Linear(HIDDEN, DIM, bias=False)
        self.w3 = nn.Linear(DIM, HIDDEN, bias=False)
        self.attention_norm, self.ffn_norm = RMSNorm(DIM), RMSNorm(DIM)

    def init_weights(self, std: float) -> None:  # as torchtitan's Llama does
        for linear in (self.wq, self.wk, self.wv, self.w1):
            nn.init.trunc_normal_(linear.weight, mean=0.0, std=0.02)
        for linear in (self.wo, self.w2, self.w3):
            nn.init.trunc_normal_(linear.weight, mean=0.0, std=std)
        self.attention_norm.reset_parameters()
        self.ffn_norm.reset_parameters()


class Transformer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.tok_embeddings = nn.Embedding(VOCAB, DIM)
        self.layers = nn.ModuleDict({str(i): Block() for i in range(LAYERS)})
        self.norm = RMSNorm(DIM)
        self.output = nn.Linear(DIM, VOCAB, bias=False)

    def init_weights(self) -> None:
        nn.init.normal_(self.tok_embeddings.weight)
        for i, block in enumerate(self.layers.values()):
            block.init_weights(0.02 / (2 * (i + 1)) ** 0.5)
        self.norm.reset_parameters()
        std = DIM ** -0.5
        nn.init.trunc_normal_(self.output.weight, mean=0.0, std=std, a=-3 * std, b=3 * std)


def main() -> None:
    started_here = not dist.is_initialized()  # (a job that already has a group keeps it)
    if started_here and "RANK" in os.environ:  # under torch.distributed.run
        dist.init_process_group("gloo")
    elif started_here:  # one process, no launcher
        dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    rank, world = dist.get_rank(), dist.get_world_size()
    mesh = init_device_mesh("cpu", (world,))

    with torch.device("meta"):
        model = Transformer()
    for block in model.layers.values():
        fully_shard(block, mesh=mesh)
    fully_shard(model, mesh=mesh)
    model.to_empty(device="cpu")
    with torch.no_grad(), gpt.patch_nn_init(model, seed=SEED, strict=True):
        model.init_weights()  # the model's own code, unchanged

    # The same model, whole, in this process: what one device would hold.
    whole = Transformer()
    with torch.no_grad(), gpt.patch_nn_init(whole, seed=SEED, strict=True):
        whole.init_weights()
    reference = dict(whole.named_parameters())

    shards_match = True
    for name, param in model.named_parameters():
        local = param.to_local()
        rows = -(-param.shape[0] // world)  # FSDP2 shards dim 0 as torch.chunk does
        expected = reference[name][rank * rows:rank * rows + local.shape[0]]
        shards_match &= torch.equal(local, expected)
    gathered_match = all(torch.equal(param.full_tensor(), reference[name])
                         for name, param in model.named_parameters())
    size = sum(p.numel() for p in model.parameters())
    if rank == 0:
        print(f"world size {world}: {size:,} parameters in {len(reference)} tensors")
        print(f"rank 0 holds output.weight rows {tuple(model.output.weight.to_local().shape)} "
              f"of {tuple(model.output.weight.shape)}")
    flags = [None] * world
    dist.all_gather_object(flags, shards_match)
    if rank == 0:
        print(f"every rank's shards == the single-process rows: {all(flags)}")
        print(f"full_tensor() == the single-process model: {gathered_match}")
    if started_here:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
