"""A small Llama-shaped transformer with torchtitan's kind of ``init_weights()``.

Its sizes are chosen to shard unevenly at world sizes 2-4 (13 rows over 4 ranks: 4, 4,
4, 1; 5 rows: 2, 2, 1, 0, an empty shard), and its ``init_weights`` calls most of
``torch.nn.init`` (trunc_normal_, normal_, ones_, zeros_, xavier_*, kaiming_* through
``nn.Linear.reset_parameters``), as a user's unchanged code would.
"""

from __future__ import annotations

import torch
from torch import nn

DIM, HIDDEN, VOCAB, LAYERS = 12, 20, 13, 2


class RMSNorm(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(dim))

    def reset_parameters(self) -> None:
        nn.init.ones_(self.weight)


class Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.wq, self.wk, self.wv = (nn.Linear(DIM, DIM, bias=False) for _ in range(3))
        self.wo = nn.Linear(DIM, DIM, bias=True)

    def init_weights(self, std: float) -> None:
        for linear in (self.wq, self.wk):
            nn.init.trunc_normal_(linear.weight, mean=0.0, std=0.02)
        nn.init.xavier_uniform_(self.wv.weight, gain=0.5)
        nn.init.trunc_normal_(self.wo.weight, mean=0.0, std=std)
        nn.init.zeros_(self.wo.bias)


class FeedForward(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.w1 = nn.Linear(DIM, HIDDEN, bias=False)
        self.w2 = nn.Linear(HIDDEN, DIM, bias=False)
        self.w3 = nn.Linear(DIM, HIDDEN, bias=False)

    def init_weights(self, std: float) -> None:
        nn.init.trunc_normal_(self.w1.weight, mean=0.0, std=0.02)
        nn.init.kaiming_normal_(self.w2.weight, mode="fan_out", nonlinearity="relu")
        nn.init.xavier_normal_(self.w3.weight)


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attention = Attention()
        self.feed_forward = FeedForward()
        self.attention_norm = RMSNorm(DIM)
        self.ffn_norm = RMSNorm(DIM)

    def init_weights(self, std: float) -> None:
        self.attention.init_weights(std)
        self.feed_forward.init_weights(std)
        self.attention_norm.reset_parameters()
        self.ffn_norm.reset_parameters()


class Transformer(nn.Module):
    def __init__(self, reverse: bool = False) -> None:
        super().__init__()
        # ``reverse`` builds the same modules in another order (keys go by name).
        order = reversed(range(LAYERS)) if reverse else range(LAYERS)
        if reverse:
            self.proj = nn.Linear(DIM, 5)
            self.output = nn.Linear(DIM, VOCAB, bias=False)
        self.tok_embeddings = nn.Embedding(VOCAB, DIM)
        blocks = {str(i): Block() for i in order}
        self.layers = nn.ModuleDict({str(i): blocks[str(i)] for i in range(LAYERS)})
        self.norm = RMSNorm(DIM)
        if not reverse:
            self.output = nn.Linear(DIM, VOCAB, bias=False)
            self.proj = nn.Linear(DIM, 5)   # 5 rows: an empty shard at world size 4

    def init_weights(self) -> None:
        nn.init.normal_(self.tok_embeddings.weight)
        for i, block in enumerate(self.layers.values()):
            block.init_weights(0.02 / (2 * (i + 1)) ** 0.5)
        self.norm.reset_parameters()
        std = DIM ** -0.5
        nn.init.trunc_normal_(self.output.weight, mean=0.0, std=std, a=-3 * std, b=3 * std)
        self.proj.reset_parameters()   # nn.Linear's own: kaiming_uniform_ and uniform_


def sharded(mesh: object, dtype: torch.dtype = torch.float32) -> Transformer:
    """The model built on meta, ``fully_shard`` per block and at the root, ``to_empty``."""
    from torch.distributed.fsdp import fully_shard

    with torch.device("meta"):
        model = Transformer().to(dtype)
    for block in model.layers.values():
        fully_shard(block, mesh=mesh)
    fully_shard(model, mesh=mesh)
    model.to_empty(device="cpu")
    return model


def single(dtype: torch.dtype = torch.float32, reverse: bool = False) -> Transformer:
    return Transformer(reverse=reverse).to(dtype)


PLAN = {"tok_embeddings.weight": "normal", "*norm.weight": "ones", "*.bias": "zeros",
        "layers.*.attention.wo.weight": 0.125, "*": "xavier_uniform"}
