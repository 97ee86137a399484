"""Save a network to a MindSpore .ckpt and a safetensors file, and load both back.

Runs on the CPU or the GPU. Shows the MindSpore functions (save_checkpoint,
load_checkpoint, load_param_into_net), extra values saved with append_dict, the crc
trailer, a file saved from a wrapper cell loading into the bare network, and a load
that fails its checks and changes nothing; then a background load and a conversion
from .ckpt to safetensors.

    python examples/checkpoint_save_load.py
"""

import copy
import os
import tempfile
import warnings

import numpy as np

import gpuparam
from gpuparam import nn


class LeNetLike(nn.Cell):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, pad_mode="valid")
        self.fc = nn.Dense(16, 10)

    def construct(self, x):
        return self.fc(self.conv1(x))


class WithLoss(nn.Cell):
    """A wrapper: its parameters are named network.conv1.weight, ..."""

    def __init__(self, network):
        super().__init__()
        self.network = network


gpuparam.set_seed(1)
net = LeNetLike()  # lazy parameters: nothing is generated until needed
folder = tempfile.mkdtemp()
ckpt_path = os.path.join(folder, "lenet.ckpt")

# A .ckpt as MindSpore writes it, with extra values and the crc trailer.
gpuparam.save_checkpoint(net, ckpt_path, append_dict={"epoch_num": 10, "optimizer": "Momentum"},
                         crc_check=True)
print("still lazy after saving:", all(p.has_init for p in net.get_parameters()))

param_dict = gpuparam.load_checkpoint(ckpt_path, crc_check=True)
print("names:", list(param_dict))
print("epoch_num:", param_dict["epoch_num"].asnumpy(), param_dict["epoch_num"].dtype)
print("optimizer:", param_dict["optimizer"])

# Load into a new network: every shape and dtype is checked first.
gpuparam.set_seed(2)
fresh = LeNetLike()
param_not_load, ckpt_not_load = gpuparam.load_param_into_net(fresh, param_dict)
print("param_not_load:", param_not_load, "ckpt_not_load:", ckpt_not_load)
print("same weights:", np.array_equal(fresh.fc.weight.asnumpy(), net.fc.weight.asnumpy()))

# A checkpoint of a wrapper cell loads into the bare network (MindSpore's prefix rule).
wrapped_path = os.path.join(folder, "wrapped.safetensors")
gpuparam.save_checkpoint(WithLoss(copy.deepcopy(net)), wrapped_path, format="safetensors")
bare = LeNetLike()
print("from the wrapper:", gpuparam.load_checkpoint(wrapped_path, net=bare, format="safetensors")
      .keys() == {"network.conv1.weight", "network.fc.weight", "network.fc.bias"},
      np.array_equal(bare.conv1.weight.asnumpy(), net.conv1.weight.asnumpy()))

# A load that does not fit changes nothing.
wrong = {"fc.weight": gpuparam.Parameter(gpuparam.Tensor(np.zeros((10, 15), np.float32)),
                                         name="fc.weight")}
before = fresh.fc.weight.asnumpy()
try:
    gpuparam.load_param_into_net(fresh, wrong)
except ValueError as error:
    print("refused:", error)
print("unchanged:", np.array_equal(fresh.fc.weight.asnumpy(), before))

# MindSpore's helpers: a background load, and converting between the two formats.
pending = gpuparam.load_checkpoint_async(ckpt_path)  # returns at once; result() waits
with warnings.catch_warnings(record=True) as caught:  # "optimizer" has no safetensors form
    warnings.simplefilter("always")
    gpuparam.ckpt_to_safetensors(ckpt_path)
print("left out:", [str(w.message).split("; ")[1] for w in caught])
print("loaded in the background:", sorted(pending.result()) == sorted(param_dict))
print("files:", sorted(os.listdir(folder)))
