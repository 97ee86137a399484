"""MindSpore's ``mindspore.common`` path: ``from gpuparam.common import initializer as init``.

``initializer`` here is the module ``gpuparam.common.initializer`` (as in MindSpore),
not the function of the same name inside it. ``gpuparam.common.dtype`` is the module
``gpuparam.dtype`` itself, so ``from gpuparam.common import dtype as mstype`` and
``import gpuparam.common.dtype as mstype`` both work.
"""

import sys

from .. import dtype as dtype
from .._parameter import Parameter as Parameter, ParameterTuple as ParameterTuple
from .._random import set_seed as set_seed
from .._tensor import Tensor as Tensor
from . import initializer as initializer, parameter as parameter, tensor as tensor

# One module under both names: the dtype module gains names in one place only.
sys.modules.setdefault(__name__ + ".dtype", dtype)

__all__ = ["Parameter", "ParameterTuple", "Tensor", "dtype", "initializer", "parameter",
           "set_seed", "tensor"]
