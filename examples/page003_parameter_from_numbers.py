"""Reference page 003, "Parameter Initialization": Parameters from Python numbers.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. The first
line prints ``<class 'gpuparam._parameter.Parameter'>`` where MindSpore prints its own
class ``mindspore.common.parameter.ParameterTensor``; the rest is the page's output.
"""
import gpuparam as ms

x = ms.Parameter(default_input=2.0, name='x')
y = ms.Parameter(default_input=5.0, name='y')
z = ms.Parameter(default_input=5, name='z', requires_grad=False)

print(type(x))
print(x, "value:", x.asnumpy())
print(y, "value:", y.asnumpy())
print(z, "value:", z.asnumpy())
