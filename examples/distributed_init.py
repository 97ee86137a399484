"""Sharded initialization on several processes: each rank builds only its part of the model.

Every rank declares the same network (lazy: no memory yet), then materializes only its
row block of each weight and the whole of each bias. No values are sent: a shard is
exactly that slice of the tensor a single process would build, at any world size. A
value that has no random key (here a ``scale`` that rank 0 "loaded from a file") is
broadcast, and ``verify_replicas`` checks, by digests, that the replicated parameters
agree. Finally the shards are gathered and compared with a single-process build.

Run it on 3 processes, or as a plain script (a world of one process):

    mpiexec -n 3 python -m mpi4py examples/distributed_init.py
    python examples/distributed_init.py

(``python -m mpi4py`` makes a rank that dies of an exception end the whole job, as
does ``gpuparam.communication.init()`` for an uncaught exception after it.)
"""

from __future__ import annotations

import numpy as np

import gpuparam
from gpuparam import Parameter, Tensor, communication as comm, nn, parallel
from gpuparam.communication import comm_func


class Net(nn.Cell):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Dense(64, 100, activation="relu")
        self.fc2 = nn.Dense(100, 10)
        self.scale = Parameter(Tensor(np.ones(10, np.float32)), name="scale")

    def construct(self, x):
        return self.fc2(self.fc1(x)) * self.scale


def build() -> Net:
    gpuparam.set_seed(1)  # the same seed and declaration order on every rank
    return Net()


comm.init()
rank, world = comm.get_rank(), comm.get_group_size()
net = build()
for name in ("fc1.weight", "fc2.weight"):
    weight = net.parameters_dict()[name]
    weight.init_data(index=parallel.shard_slices(weight.shape, rank, world))
if rank == 0:
    net.scale.set_data(Tensor(np.full(10, 0.5, np.float32)))  # say, read from a checkpoint
sent = parallel.broadcast_parameters(net)  # biases: materialized locally; scale: sent
parallel.verify_replicas(net)

whole = build()
whole.init_parameters_data()
scales = np.unique(comm_func.all_gather_into_tensor(net.scale).asnumpy())
gathered_equal = all(
    np.array_equal(comm_func.all_gather_into_tensor(net.parameters_dict()[name]).asnumpy(),
                   whole.parameters_dict()[name].asnumpy())
    for name in ("fc1.weight", "fc2.weight"))
if rank == 0:
    print(f"world size {world}, backend {comm.get_backend()}")
    print(f"rank 0 holds fc1.weight rows {net.fc1.weight.shape[0]} of 100")
    print(f"broadcast from rank 0: {sent}")
    print(f"scale values across ranks: {scales}")
    print(f"gathered shards == single-process weights: {gathered_equal}")
comm.release()
