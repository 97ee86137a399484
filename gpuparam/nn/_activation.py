"""Parameter-free activation cells, MindSpore's ``nn`` names (``nn.ReLU``, ``nn.GELU``, ...).

Each ``construct`` checks its input (a Tensor of a dtype MindSpore computes for it) and
calls one function of ``gpuparam._array_ops.activations``, the same one ``ops`` uses;
the result has the input's dtype and shape. MindSpore refuses Float64 in a few CPU
kernels (``ReLU6``); gpuparam computes it in float64 instead. ``PReLU`` and
``get_activation`` (the names ``nn.Dense(activation=...)`` takes) are in
``_activation_lookup``.
"""

from __future__ import annotations

import numbers
from typing import Any

from .. import _array_ops
from .._array_ops import activations as _act
from .._backend import Array
from .._errors import check_bool, check_real, type_error, value_error
from .._tensor import Tensor
from ..ops import LogSoftmax as _LogSoftmaxPrim, Softmax as _SoftmaxPrim
from ._cell import Cell

FLOATS = ("Float16", "Float32", "Float64")
NUMBERS = FLOATS + ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64")


def activation_input(where: str, x: Any, accepted: tuple[str, ...] = FLOATS) -> Array:
    """``x``'s array; TypeError unless ``x`` is a Tensor of one of the ``accepted`` dtypes."""
    if not isinstance(x, Tensor):
        raise type_error(where, "x", x, f"a Tensor of {'/'.join(accepted)}")
    if str(x.dtype) not in accepted:
        raise type_error(where, "x", x, f"a Tensor of {'/'.join(accepted)}, not {x.dtype} "
                         "(cast it with x.astype(...))")
    return x._read()


def _number(where: str, arg: str, value: Any) -> float:
    """An int or float argument (MindSpore's ``[float, int]`` check), as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise type_error(where, arg, value, "a float or an int")
    return check_real(where, arg, value)


class ReLU(Cell[Tensor]):
    """``max(x, 0)`` of a number tensor (integers too).

    Example:
        >>> from gpuparam import nn, Tensor, float16
        >>> nn.ReLU()(Tensor([-1, 2, -3, 2, -1], float16)).asnumpy()
        array([0., 2., 0., 2., 0.], dtype=float16)
    """

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_array_ops.relu(activation_input("ReLU", x, NUMBERS)))


class ReLU6(Cell[Tensor]):
    """``min(max(x, 0), 6)`` of a float tensor.

    Example:
        >>> from gpuparam import nn, Tensor, float16
        >>> nn.ReLU6()(Tensor([-1, -2, 0, 2, 7], float16)).asnumpy()
        array([0., 0., 0., 2., 6.], dtype=float16)
    """

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_act.relu6(activation_input("ReLU6", x)))


class Sigmoid(Cell[Tensor]):
    """``1 / (1 + exp(-x))`` of a float tensor.

    Example:
        >>> from gpuparam import nn, Tensor, float16
        >>> nn.Sigmoid()(Tensor([-1, -2, 0, 2, 1], float16)).asnumpy()
        array([0.269 , 0.1192, 0.5   , 0.881 , 0.731 ], dtype=float16)
    """

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_array_ops.sigmoid(activation_input("Sigmoid", x)))


class Tanh(Cell[Tensor]):
    """``tanh(x)`` of a float tensor.

    Example:
        >>> from gpuparam import nn, Tensor, float16
        >>> nn.Tanh()(Tensor([1, 2, 3, 2, 1], float16)).asnumpy()
        array([0.7617, 0.964 , 0.995 , 0.964 , 0.7617], dtype=float16)
    """

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_array_ops.tanh(activation_input("Tanh", x)))


class Softmax(Cell[Tensor]):
    """``exp(x) / sum(exp(x))`` over ``axis`` (an int, or a tuple of ints: all of them).

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.Softmax()(Tensor([[1, 1], [0, 0]], float32)).asnumpy()
        array([[0.5, 0.5],
               [0.5, 0.5]], dtype=float32)
    """

    def __init__(self, axis: Any = -1) -> None:
        super().__init__()
        self.softmax = _SoftmaxPrim(axis)

    def construct(self, x: Tensor) -> Tensor:
        return self.softmax(x)


class Softmin(Cell[Tensor]):
    """``softmax(-x)`` over ``axis``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.Softmin()(Tensor([0.0, 0.0], float32)).asnumpy()
        array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, axis: Any = -1) -> None:
        super().__init__()
        self.axis = axis
        self._softmax = _SoftmaxPrim(axis)

    def construct(self, x: Tensor) -> Tensor:
        return self._softmax(Tensor._wrap(-activation_input("Softmin", x)))


class Softmax2d(Cell[Tensor]):
    """Softmax over the channels (axis -3) of a ``(N, C, H, W)`` or ``(C, H, W)`` tensor.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.Softmax2d()(Tensor([[[1.0]], [[1.0]]], float32)).asnumpy().ravel()
        array([0.5, 0.5], dtype=float32)
    """

    def __init__(self) -> None:
        super().__init__()
        self.softmax = _SoftmaxPrim(-3)

    def construct(self, x: Tensor) -> Tensor:
        if isinstance(x, Tensor) and x.ndim not in (3, 4):
            raise value_error("Softmax2d", "x", x.shape, "a (N, C, H, W) or (C, H, W) tensor")
        return self.softmax(x)


class LogSoftmax(Cell[Tensor]):
    """``x - log(sum(exp(x)))`` over the int ``axis``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.LogSoftmax()(Tensor([[-1.0, 4.0, -8.0], [2.0, -5.0, 9.0]], float32)).asnumpy()
        array([[-5.00672150e+00, -6.72150590e-03, -1.20067215e+01],
               [-7.00091219e+00, -1.40009127e+01, -9.12250078e-04]], dtype=float32)
    """

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.log_softmax = _LogSoftmaxPrim(axis)

    def construct(self, x: Tensor) -> Tensor:
        return self.log_softmax(x)


class LogSoftmaxExt(Cell[Tensor]):
    """``LogSoftmaxExt(dim=None)``: log-softmax over ``dim``; ``None`` picks axis 0 for
    0-, 1- and 3-d inputs and axis 1 otherwise (MindSpore's and PyTorch's legacy rule).

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.LogSoftmaxExt()(Tensor([[0.0, 0.0]], float32)).asnumpy()
        array([[-0.6931472, -0.6931472]], dtype=float32)
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        if dim is not None and (isinstance(dim, bool) or not isinstance(dim, numbers.Integral)):
            raise type_error("LogSoftmaxExt", "dim", dim, "None or an int")
        self.dim = dim

    def construct(self, x: Tensor) -> Tensor:
        array = activation_input("LogSoftmaxExt", x)
        dim = self.dim if self.dim is not None else (0 if array.ndim in (0, 1, 3) else 1)
        return Tensor._wrap(_array_ops.log_softmax(array, dim, where="LogSoftmaxExt"))


class GELU(Cell[Tensor]):
    """GELU: ``x * P(X <= x)``, ``X`` standard normal. With ``approximate=True`` (the
    default, as MindSpore's) the tanh form ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``,
    else the exact ``0.5 x (1 + erf(x / sqrt(2)))``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> x = Tensor([[-1.0, 4.0], [2.0, 9.0]], float32)
        >>> nn.GELU()(x).asnumpy()
        array([[-0.158808 ,  3.99993  ],
               [ 1.9545977,  9.       ]], dtype=float32)
        >>> nn.GELU(approximate=False)(x).asnumpy()
        array([[-0.15865526,  3.9998734 ],
               [ 1.9544997 ,  9.        ]], dtype=float32)
    """

    def __init__(self, approximate: bool = True) -> None:
        super().__init__()
        self.approximate = check_bool("GELU", "approximate", approximate)

    def construct(self, x: Tensor) -> Tensor:
        array = activation_input("GELU", x)
        return Tensor._wrap(_array_ops.gelu(array, "tanh" if self.approximate else "none"))


def _unary(name: str, fn: Any, doc: str, accepted: tuple[str, ...] = FLOATS) -> type:
    """A parameter-free cell ``name()`` whose ``construct`` is ``fn`` on a checked input."""
    def construct(self: Any, x: Tensor) -> Tensor:
        return Tensor._wrap(fn(activation_input(name, x, accepted)))
    return type(name, (Cell,), {"construct": construct, "__doc__": doc, "__module__": __name__,
                                "__qualname__": name})


FastGelu = _unary("FastGelu", _act.fast_gelu, """MindSpore's FastGelu:
    ``x / (1 + exp(-1.702 |x|)) * exp(0.851 (x - |x|))``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.FastGelu()(Tensor([-1.0, 4.0], float32)).asnumpy()
        array([-0.15420423,  3.995585  ], dtype=float32)
    """)
SiLU = _unary("SiLU", _array_ops.silu, """SiLU (Swish): ``x * sigmoid(x)``.

    Example:
        >>> from gpuparam import nn, Tensor, float16
        >>> nn.SiLU()(Tensor([-1, 2, -3, 2, -1], float16)).asnumpy()
        array([-0.269 ,  1.762 , -0.1423,  1.762 , -0.269 ], dtype=float16)
    """)
HSwish = _unary("HSwish", _act.hswish, """Hard swish: ``x * relu6(x + 3) / 6``
    (integers too, truncated toward zero as MindSpore's).

    Example:
        >>> from gpuparam import nn, Tensor, float16
        >>> nn.HSwish()(Tensor([-1, -2, 0, 2, 1], float16)).asnumpy()
        array([-0.3333, -0.3333,  0.    ,  1.667 ,  0.6665], dtype=float16)
    """, NUMBERS)
HSigmoid = _unary("HSigmoid", _act.hsigmoid, """Hard sigmoid: ``relu6(x + 3) / 6``
    (integers too, truncated toward zero as MindSpore's).

    Example:
        >>> from gpuparam import nn, Tensor, float16
        >>> nn.HSigmoid()(Tensor([-1, -2, 0, 2, 1], float16)).asnumpy()
        array([0.3333, 0.1666, 0.5   , 0.8335, 0.6665], dtype=float16)
    """, NUMBERS)
Softsign = _unary("Softsign", _act.softsign, """``x / (1 + |x|)``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.Softsign()(Tensor([0, -1, 2, 30], float32)).asnumpy()
        array([ 0.       , -0.5      ,  0.6666667,  0.9677419], dtype=float32)
    """)
LogSigmoid = _unary("LogSigmoid", _act.log_sigmoid, """``log(sigmoid(x))``, without overflow.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.LogSigmoid()(Tensor([1.0, 2.0, 3.0], float32)).asnumpy()
        array([-0.31326163, -0.126928  , -0.04858735], dtype=float32)
    """)
Mish = _unary("Mish", _act.mish, """``x * tanh(softplus(x))``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.Mish()(Tensor([-1.0, 4.0, -8.0], float32)).asnumpy()
        array([-3.0340141e-01,  3.9974129e+00, -2.6832507e-03], dtype=float32)
    """)
Tanhshrink = _unary("Tanhshrink", _act.tanhshrink, """``x - tanh(x)``.

    Example:
        >>> from gpuparam import nn, Tensor, float16
        >>> nn.Tanhshrink()(Tensor([1, 2, 3, 2, 1], float16)).asnumpy()
        array([0.2384, 1.036 , 2.006 , 1.036 , 0.2384], dtype=float16)
    """)
SeLU = _unary("SeLU", _act.selu, """SELU: ``1.0507... * elu(x, 1.6732...)``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.SeLU()(Tensor([-1.0, 4.0], float32)).asnumpy()
        array([-1.1113307,  4.202804 ], dtype=float32)
    """)


class LeakyReLU(Cell[Tensor]):
    """``max(alpha * x, x)`` (``min`` for ``alpha > 1``); ``alpha`` default 0.2. As
    MindSpore's, ``alpha`` is a Float32 scalar cast to the input's dtype (an integer
    input gets ``int(alpha)``).

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.LeakyReLU()(Tensor([[-1.0, 4.0, -8.0], [2.0, -5.0, 9.0]], float32)).asnumpy()
        array([[-0.2,  4. , -1.6],
               [ 2. , -1. ,  9. ]], dtype=float32)
    """

    def __init__(self, alpha: float = 0.2) -> None:
        super().__init__()
        _number("LeakyReLU", "alpha", alpha)
        self.alpha = alpha

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_act.leaky_relu(activation_input("LeakyReLU", x, NUMBERS), self.alpha))


class ELU(Cell[Tensor]):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.ELU()(Tensor([-1, -2, 2], float32)).asnumpy()
        array([-0.63212055, -0.86466473,  2.        ], dtype=float32)
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = _number("ELU", "alpha", alpha)

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_act.elu(activation_input("ELU", x), self.alpha))


class CELU(Cell[Tensor]):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``, ``alpha != 0``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.CELU()(Tensor([-2.0, -1.0, 1.0, 2.0], float32)).asnumpy()
        array([-0.86466473, -0.63212055,  1.        ,  2.        ], dtype=float32)
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = _number("CELU", "alpha", alpha)
        if self.alpha == 0:
            raise value_error("CELU", "alpha", alpha, "a non-zero number")

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_act.celu(activation_input("CELU", x), self.alpha))


class Hardtanh(Cell[Tensor]):
    """``min(max(x, min_val), max_val)`` (defaults -1 and 1).

    Example:
        >>> from gpuparam import nn, Tensor, float16
        >>> nn.Hardtanh()(Tensor([-1, -2, 0, 2, 1], float16)).asnumpy()
        array([-1., -1.,  0.,  1.,  1.], dtype=float16)
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__()
        low, high = _number("Hardtanh", "min_val", min_val), _number("Hardtanh", "max_val", max_val)
        if high < low:
            raise value_error("Hardtanh", "max_val", max_val, f"a number >= min_val={min_val!r}")
        self.min_val, self.max_val = min_val, max_val

    def construct(self, x: Tensor) -> Tensor:
        array = activation_input("Hardtanh", x)
        return Tensor._wrap(_act.hardtanh(array, self.min_val, self.max_val))


class _Shrink(Cell[Tensor]):
    _fn = staticmethod(_act.softshrink)

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        name = type(self).__name__
        self.lambd = _number(name, "lambd", lambd)
        if self.lambd < 0:
            raise value_error(name, "lambd", lambd, "a number >= 0")

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(type(self)._fn(activation_input(type(self).__name__, x), self.lambd))


class SoftShrink(_Shrink):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.SoftShrink()(Tensor([-1.0, 0.25, 2.0], float32)).asnumpy()
        array([-0.5,  0. ,  1.5], dtype=float32)
    """


class HShrink(_Shrink):
    """``x`` where ``|x| > lambd``, else 0.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.HShrink()(Tensor([0.5, 1.0, -2.1233], float32)).asnumpy()
        array([ 0.    ,  1.    , -2.1233], dtype=float32)
    """

    _fn = staticmethod(_act.hshrink)


class Threshold(Cell[Tensor]):
    """``x`` where ``x > threshold``, else ``value``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.Threshold(0.1, 20)(Tensor([0.1, 0.2, 0.3], float32)).asnumpy()
        array([20. ,  0.2,  0.3], dtype=float32)
    """

    def __init__(self, threshold: float, value: float) -> None:
        super().__init__()
        _number("Threshold", "threshold", threshold)
        _number("Threshold", "value", value)
        self.threshold, self.value = threshold, value

    def construct(self, x: Tensor) -> Tensor:
        array = activation_input("Threshold", x)
        return Tensor._wrap(_act.threshold(array, self.threshold, self.value))


__all__ = ["CELU", "ELU", "FastGelu", "GELU", "HSigmoid", "HShrink", "HSwish", "Hardtanh",
           "LeakyReLU", "LogSigmoid", "LogSoftmax", "LogSoftmaxExt", "Mish", "ReLU", "ReLU6",
           "SeLU", "SiLU", "Sigmoid", "SoftShrink", "Softmax", "Softmax2d", "Softmin",
           "Softsign", "Tanh", "Tanhshrink", "Threshold", "activation_input"]
