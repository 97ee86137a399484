"""MindSpore's ``mindspore.common`` path: ``from gpuparam.common import initializer as init``.

``initializer`` here is the module ``gpuparam.common.initializer`` (as in MindSpore),
not the function of the same name inside it.
"""

from . import initializer as initializer

__all__ = ["initializer"]
