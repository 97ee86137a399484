"""Reference page 003, "Updating Parameters": ``nn.ParameterUpdate``.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. The first
matrix is random; its values differ from the page's because ``nn.Dense``'s default
weight initializer is ``HeUniform(negative_slope=sqrt(5))`` (MindSpore 2.x and
PyTorch), not the ``Normal(0.01)`` of the MindSpore 1.x that printed the page. The
updated matrix is the page's exactly.
"""
import numpy as np
import gpuparam as ms
from gpuparam import nn

# Build a network.
network = nn.Dense(3, 4)

# Obtain the weight argument of a network.
param = network.parameters_dict()['weight']
print("Parameter:\n", param.asnumpy())

# Update the weight argument.
update = nn.ParameterUpdate(param)
weight = ms.Tensor(np.arange(12).reshape((4, 3)), ms.float32)
output = update(weight)
print("Parameter update:\n", output)
