"""Reference page 002, "Cell traversal initialization": re-initialize every weight and bias.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. The page's
fragment needs a network and two imports; the lines marked "Added" provide them.
``set_data(initializer(...))`` keeps each parameter lazy: nothing is generated until
the parameter is first used or ``init_data()`` is called.
"""
# Added: imports, and a network to traverse (has_bias=True so that the 'bias' branch runs).
import gpuparam.nn as nn
from gpuparam.common.initializer import Normal, initializer

net = nn.Conv2d(3, 64, 3, has_bias=True)

for name, param in net.parameters_and_names():
    if 'weight' in name:
        param.set_data(initializer(Normal(), param.shape, param.dtype))
    if 'bias' in name:
        param.set_data(initializer('zeros', param.shape, param.dtype))
