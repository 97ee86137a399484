"""Reference page 004, "Dependency Control": order operations with ``ops.depend``.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``, except for
the Ascend-only parts, which cannot run on a GPU or CPU at all:

- ``context.set_context(device_target="Ascend")`` is dropped: gpuparam runs on the GPU
  when one is usable, else on the CPU (``gpuparam.set_context(device_target="GPU")``
  or ``"CPU"`` chooses explicitly);
- ``ops.NPUAllocFloatStatus``/``NPUGetFloatStatus``/``NPUClearFloatStatus`` read and
  clear the Ascend NPU's floating-point overflow register. They are replaced by plain
  operations on an 8-element float32 status tensor with the same data flow, so every
  ``ops.depend`` line of the page runs unchanged.

Prints the page's output exactly: ``[[5. 5. 5.] ...]`` (``(1+1) + (ones @ ones)``).
"""
import numpy as np
from gpuparam import Tensor
from gpuparam import ops


# Stand-ins for the NPU float-status operators (see above): alloc gives a zeroed status,
# get reads it, clear zeroes it; each returns a new status tensor.
def npu_alloc_status():
    return Tensor(np.zeros([8]).astype(np.float32))


def npu_get_status(status):
    return ops.Add()(status, Tensor(np.zeros([8]).astype(np.float32)))


def npu_clear_status(status):
    return ops.Mul()(status, Tensor(np.zeros([8]).astype(np.float32)))


x = Tensor(np.ones([3, 3]).astype(np.float32))
y = Tensor(np.ones([3, 3]).astype(np.float32))
init = npu_alloc_status()
sum_ = ops.Add()(x, y)
product = ops.MatMul()(x, y)
init = ops.depend(init, sum_)
init = ops.depend(init, product)
get_status = npu_get_status(init)
sum_ = ops.depend(sum_, get_status)
product = ops.depend(product, get_status)
out = ops.Add()(sum_, product)
init = ops.depend(init, out)
clear = npu_clear_status(init)
out = ops.depend(out, clear)
print(out)
