"""Parameters across processes: sharded initialization, broadcast and replica checks.

Each rank can materialize only its shard of a lazy parameter
(``param.init_data(index=parallel.shard_slices(param.shape, rank, world))``, or
MindSpore's ``init_data(layout=...)``), and gets exactly that slice of the tensor a
single process would build, at any world size, with no communication.
``broadcast_parameters`` sends only the data that has no random key;
``verify_replicas`` compares digests; ``save_sharded``/``load_sharded`` write and read
per-rank safetensors shards at any world size. Needs ``gpuparam.communication.init()``.
"""

from __future__ import annotations

from ._replicas import broadcast_parameters as broadcast_parameters
from ._replicas import verify_replicas as verify_replicas
from ._shard import shard_slices as shard_slices
from ._sharded import load_sharded as load_sharded, save_sharded as save_sharded

__all__ = ["broadcast_parameters", "load_sharded", "save_sharded", "shard_slices",
           "verify_replicas"]
