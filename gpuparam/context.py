"""``gpuparam.context``: MindSpore's ``context.set_context`` / ``context.get_context``.

Lets ``from mindspore import context; context.set_context(device_target="GPU")`` port
by changing the import word only.

Example:
    >>> from gpuparam import context
    >>> context.set_context(device_target="CPU")
    >>> context.get_context("device_target")
    'CPU'
"""

from ._backend import get_context as get_context, set_context as set_context

__all__ = ["get_context", "set_context"]
