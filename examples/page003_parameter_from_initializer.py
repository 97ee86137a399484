"""Reference page 003: a Parameter from ``initializer('ones', ...)`` (lazy until used).

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
"""
from gpuparam.common.initializer import initializer as init
import gpuparam as ms

x = ms.Parameter(default_input=init('ones', [1, 2, 3], ms.float32), name='x')
print(x)
