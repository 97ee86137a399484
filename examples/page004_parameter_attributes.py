"""Reference page 004, "Attributes": name, sliced, is_init, inited_param, ... data.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. Prints the
page's output exactly.
"""
import numpy as np
from gpuparam import Tensor, Parameter

x = Parameter(default_input=Tensor(np.arange(2*3).reshape((2, 3))))

print("name: ", x.name, "\n",
      "sliced: ", x.sliced, "\n",
      "is_init: ", x.is_init, "\n",
      "inited_param: ", x.inited_param, "\n",
      "requires_grad: ", x.requires_grad, "\n",
      "layerwise_parallel: ", x.layerwise_parallel, "\n",
      "data: ", x.data)
