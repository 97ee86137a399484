"""MindSpore's ``ops.functional`` path, imported as ``F``: functions over Tensors.

Only functions MindSpore also has, with its names and argument order.

Example:
    >>> import numpy as np
    >>> from gpuparam import Tensor
    >>> from gpuparam.ops import functional as F
    >>> F.reshape(Tensor(np.arange(6, dtype=np.float32)), (2, 3)).shape
    (2, 3)
"""

from __future__ import annotations

from .._errors import missing_mindspore_name
from typing import Any

from .._tensor import Tensor
from ._depend import depend as depend
from ._math import (Cast, Div, Exp, Log, Neg, OnesLike, ReLU, Reshape, Shape, Sigmoid, Sqrt,
                    Square, Tanh, Transpose, ZerosLike)
from ._primitives import Add, Assign, Mul, Sub


def assign(variable: Any, value: Any) -> Any:
    """Write ``value`` into the Parameter ``variable`` and return it (``ops.Assign``)."""
    return Assign()(variable, value)


def add(input: Any, other: Any) -> Tensor:  # noqa: A002  (MindSpore's argument name)
    """Element-wise ``input + other``."""
    return Add()(input, other)


def sub(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Element-wise ``input - other``."""
    return Sub()(input, other)


def mul(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Element-wise ``input * other``."""
    return Mul()(input, other)


def div(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Element-wise ``input / other``."""
    return Div()(input, other)


def cast(input_x: Any, type_: Any) -> Tensor:
    """``input_x`` converted to the dtype ``type_``."""
    return Cast()(input_x, type_)


def reshape(input_x: Any, input_shape: Any) -> Tensor:
    """``input_x`` with the shape ``input_shape``."""
    return Reshape()(input_x, input_shape)


def transpose(input_x: Any, input_perm: Any) -> Tensor:
    """``input_x`` with its axes permuted by ``input_perm``."""
    return Transpose()(input_x, input_perm)


def shape(input_x: Any) -> tuple[int, ...]:
    """The shape of ``input_x``."""
    return Shape()(input_x)


def neg(input: Any) -> Tensor:  # noqa: A002
    """``-input``."""
    return Neg()(input)


def square(input: Any) -> Tensor:  # noqa: A002
    """``input * input``."""
    return Square()(input)


def sqrt(x: Any) -> Tensor:
    """The element-wise square root."""
    return Sqrt()(x)


def exp(input: Any) -> Tensor:  # noqa: A002
    """The element-wise exponential."""
    return Exp()(input)


def log(input: Any) -> Tensor:  # noqa: A002
    """The element-wise natural logarithm."""
    return Log()(input)


def relu(input: Any) -> Tensor:  # noqa: A002
    """``max(input, 0)``."""
    return ReLU()(input)


def sigmoid(input: Any) -> Tensor:  # noqa: A002
    """``1 / (1 + exp(-input))``."""
    return Sigmoid()(input)


def tanh(input: Any) -> Tensor:  # noqa: A002
    """The element-wise hyperbolic tangent."""
    return Tanh()(input)


def zeros_like(input: Any) -> Tensor:  # noqa: A002
    """Zeros of ``input``'s shape and dtype."""
    return ZerosLike()(input)


def ones_like(input: Any, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """Ones of ``input``'s shape, in ``input``'s dtype unless ``dtype`` says otherwise."""
    if dtype is None:
        return OnesLike()(input)
    return full_like(input, 1, dtype=dtype)  # imported below, in ops-a's block


__all__ = ["add", "assign", "cast", "depend", "div", "exp", "log", "matmul", "mul", "neg",
           "ones_like", "relu", "reshape", "shape", "sigmoid", "sqrt", "square", "sub",
           "tanh", "transpose", "zeros_like"]

# ---- nnfunc (issue 18): functions ----------------------------------------------------------
from ._activations import (gelu as gelu, log_softmax as log_softmax, silu as silu,  # noqa: E402
                           softmax as softmax, softplus as softplus)
from ._graph import (add_flags as add_flags, partial as partial,  # noqa: E402
                     stop_gradient as stop_gradient)
from ._losses import (binary_cross_entropy as binary_cross_entropy,  # noqa: E402
                      binary_cross_entropy_with_logits as binary_cross_entropy_with_logits,
                      cross_entropy as cross_entropy, l1_loss as l1_loss, mse_loss as mse_loss,
                      smooth_l1_loss as smooth_l1_loss)
from ._nn_functions import (bias_add as bias_add, conv2d as conv2d, dense as dense,  # noqa: E402
                            dropout as dropout, pad as pad)
from ._resize import interpolate as interpolate  # noqa: E402
from ._training_only import clip_by_global_norm as clip_by_global_norm  # noqa: E402

__all__ += ["add_flags", "bias_add", "binary_cross_entropy", "binary_cross_entropy_with_logits",
            "clip_by_global_norm", "conv2d", "cross_entropy", "dense", "dropout", "gelu",
            "interpolate", "l1_loss", "log_softmax", "mse_loss", "pad", "partial", "silu",
            "smooth_l1_loss", "softmax", "softplus", "stop_gradient"]
# ---- end nnfunc ---------------------------------------------------------------------------


# ops-a (issue 18): creation, joins/splits, shapes, indexing, sorting --------------------
from ._creation import (arange as arange, eye as eye, fill as fill, full as full,  # noqa: E402
                        full_like as full_like, linspace as linspace, make_range as make_range,
                        meshgrid as meshgrid, one_hot as one_hot, ones as ones, range as range,
                        scalar_to_tensor as scalar_to_tensor, tril as tril, triu as triu,
                        tuple_to_array as tuple_to_array, zeros as zeros)
from ._indexing import (gather as gather, gather_elements as gather_elements,  # noqa: E402
                        masked_fill as masked_fill, nonzero as nonzero, select as select,
                        where as where)
from ._joins import (cat as cat, chunk as chunk, concat as concat, split as split,  # noqa: E402
                     stack as stack, tensor_split as tensor_split)
from ._shape_ops import (broadcast_to as broadcast_to, expand_dims as expand_dims,  # noqa: E402
                         flatten as flatten, identity as identity,
                         repeat_elements as repeat_elements,
                         repeat_interleave as repeat_interleave, roll as roll,
                         squeeze as squeeze, swapaxes as swapaxes, tile as tile,
                         unfold as unfold)
from ._sorting import (argmax as argmax, topk as topk,  # noqa: E402
                       unique_consecutive as unique_consecutive)

__all__ += ["arange", "argmax", "broadcast_to", "cat", "chunk", "concat", "expand_dims", "eye",
            "fill", "flatten", "full", "full_like", "gather", "gather_elements", "identity",
            "linspace", "make_range", "masked_fill", "meshgrid", "nonzero", "one_hot", "ones",
            "range", "repeat_elements", "repeat_interleave", "roll", "scalar_to_tensor",
            "select", "split", "squeeze", "stack", "swapaxes", "tensor_split", "tile", "topk",
            "tril", "triu", "tuple_to_array", "unfold", "unique_consecutive", "where", "zeros"]
# ----------------------------------------------------------------------- end of ops-a


# ---- ew (issue 18): elementwise math, comparisons, logical and dtype ops ----------------
from ._elementwise import (abs as abs, addn as addn, atan2 as atan2, ceil as ceil,  # noqa: E402
                           clamp as clamp, clip as clip, clip_by_value as clip_by_value,
                           cos as cos, erf as erf, floor as floor, floor_div as floor_div,
                           floor_divide as floor_divide, floor_mod as floor_mod,
                           isfinite as isfinite, isinf as isinf, isnan as isnan,
                           maximum as maximum, minimum as minimum, pow as pow,
                           reciprocal as reciprocal, remainder as remainder,
                           round as round, rsqrt as rsqrt, sign as sign, sin as sin,
                           tan as tan, tensor_add as tensor_add)
from ._comparison import (dtype as dtype, eq as eq, equal as equal, ge as ge,  # noqa: E402
                          greater as greater, greater_equal as greater_equal, gt as gt,
                          is_floating_point as is_floating_point, le as le, less as less,
                          less_equal as less_equal, logical_and as logical_and,
                          logical_not as logical_not, logical_or as logical_or,
                          logical_xor as logical_xor, lt as lt, ne as ne,
                          not_equal as not_equal)

__all__ += ["abs", "addn", "atan2", "ceil", "clamp", "clip", "clip_by_value", "cos", "dtype",
           "eq", "equal", "erf", "floor", "floor_div", "floor_divide", "floor_mod", "ge",
           "greater", "greater_equal", "gt", "is_floating_point", "isfinite", "isinf",
           "isnan", "le", "less", "less_equal", "logical_and", "logical_not", "logical_or",
           "logical_xor", "lt", "maximum", "minimum", "ne", "not_equal", "pow", "reciprocal",
           "remainder", "round", "rsqrt", "sign", "sin", "tan", "tensor_add"]
# ---- end ew -------------------------------------------------------------------------------

# ---- ops ---- (issue 18): matrix products, norms, reductions, running sums, random draws
from ._linalg import (bmm as bmm, einsum as einsum, norm as norm,  # noqa: E402
                      outer as outer)
# MindSpore's matmul refuses operands of two dtypes (`x @ y` promotes them).
from ._linalg import matmul as matmul  # noqa: E402
from ._random_ops import (multinomial as multinomial, normal as normal,  # noqa: E402
                          rand as rand, randint as randint, randn as randn, uniform as uniform)
from ._reductions import (all as all, any as any, assign_add as assign_add,  # noqa: E402
                          cumsum as cumsum, max as max, mean as mean, min as min,
                          prod as prod, sum as sum)

__all__ += ["all", "any", "assign_add", "bmm", "cumsum", "einsum", "max", "mean", "min",
            "multinomial", "norm", "normal", "outer", "prod", "rand", "randint", "randn", "sum",
            "uniform"]
# ---- end ops ----

# ---- norms (issue 18): functional batch normalization ----------------------------------------
from ._batch_norm import batch_norm as batch_norm  # noqa: E402

__all__ += ["batch_norm"]
# ---- end norms ------------------------------------------------------------------------------


def __getattr__(name: str) -> object:
    # A MindSpore name gpuparam does not provide: say so, and where the list is.
    raise missing_mindspore_name(__name__, name)
