"""Matrix products and norms: ``BatchMatMul``, ``bmm``, ``matmul``, ``outer``, ``einsum``,
``norm``, ``LpNorm``. Fronts over ``_array_ops.linear`` (every product through
``xp.matmul``: cuBLAS on the GPU, in the operands' dtype, which must be the same, as in
MindSpore) and ``_array_ops.reductions``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _array_ops
from .._array_ops import linear as _linear
from .._array_ops import reductions as _reductions
from .._backend.streams import check_same_device
from .._dtype import to_dtype
from .._errors import check_bool, check_real, type_error, value_error
from .._tensor import Tensor
from ._operands import tensor_array
from .primitive import Primitive


def _pair(where: str, names: tuple[str, str], a: Any, b: Any) -> tuple[Any, Any]:
    x, y = tensor_array(where, names[0], a), tensor_array(where, names[1], b)
    check_same_device(where, (names[0], a._device), (names[1], b._device))
    return x, y


class BatchMatMul(Primitive):
    """``BatchMatMul(transpose_a=False, transpose_b=False)(x, y)``: the matrix product of
    the last two dims over the batch dims, ``x`` (``y``) transposed first when
    ``transpose_a`` (``transpose_b``): ``(*B, N, C) @ (*B, C, M) -> (*B, N, M)``. Both
    operands have the same number of dims (at least 2) and the same dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops, float32
        >>> x = Tensor(np.ones(shape=[2, 4, 3, 1]), float32)
        >>> y = Tensor(np.ones(shape=[2, 4, 3, 4]), float32)
        >>> ops.BatchMatMul(transpose_a=True)(x, y).shape
        (2, 4, 1, 4)
    """

    def __init__(self, transpose_a: bool = False, transpose_b: bool = False) -> None:
        super().__init__("BatchMatMul")
        self.add_prim_attr("transpose_a", check_bool(self.name, "transpose_a", transpose_a))
        self.add_prim_attr("transpose_b", check_bool(self.name, "transpose_b", transpose_b))

    def __call__(self, x: Any, y: Any) -> Tensor:
        a, b = _pair(self.name, ("x", "y"), x, y)
        return Tensor._wrap(_linear.batch_matmul(a, b, self.transpose_a, self.transpose_b,
                                                 where=self.name))


class MatMul(Primitive):
    """``MatMul(transpose_a=False, transpose_b=False)(x, y)``: the product of two matrices,
    ``x`` (``y``) transposed first when ``transpose_a`` (``transpose_b``):
    ``(N, C) @ (C, M) -> (N, M)``. Both operands are 2-d and of one dtype, as MindSpore
    asks (``BatchMatMul`` takes batches).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops, float32
        >>> a = Tensor(np.ones(shape=[1, 3]), float32)
        >>> b = Tensor(np.ones(shape=[4, 3]), float32)
        >>> print(ops.MatMul(transpose_b=True)(a, b))
        [[3. 3. 3. 3.]]
    """

    def __init__(self, transpose_a: bool = False, transpose_b: bool = False) -> None:
        super().__init__("MatMul")
        self.add_prim_attr("transpose_a", check_bool(self.name, "transpose_a", transpose_a))
        self.add_prim_attr("transpose_b", check_bool(self.name, "transpose_b", transpose_b))

    def __call__(self, x: Any, y: Any) -> Tensor:
        a, b = _pair(self.name, ("x", "y"), x, y)
        for name, array in (("x", a), ("y", b)):
            if array.ndim != 2:
                raise value_error(self.name, name, tuple(array.shape), "a 2-d tensor (a matrix)")
        return Tensor._wrap(_linear.batch_matmul(a, b, self.transpose_a, self.transpose_b,
                                                 where=self.name))


def bmm(input_x: Any, mat2: Any) -> Tensor:
    """The batched matrix product ``input_x @ mat2`` of ``(*B, N, C)`` and ``(*B, C, M)``
    (``ops.BatchMatMul()``).

    Example:
        >>> from gpuparam import ops, float32
        >>> x = ops.arange(24, dtype=float32).reshape(2, 4, 1, 3)
        >>> y = ops.arange(72, dtype=float32).reshape(2, 4, 3, 3)
        >>> print(ops.bmm(x, y)[0, 0])
        [[15. 18. 21.]]
    """
    a, b = _pair("bmm", ("input_x", "mat2"), input_x, mat2)
    return Tensor._wrap(_linear.batch_matmul(a, b, where="bmm", names=("input_x", "mat2")))


def matmul(input: Any, other: Any) -> Tensor:  # noqa: A002  (MindSpore's argument name)
    """The matrix product ``input @ other`` as ``numpy.matmul``: 1-d operands are vectors,
    batch dims broadcast; both of one dtype.

    Example:
        >>> from gpuparam import ops, float32
        >>> x = ops.arange(24, dtype=float32).reshape(2, 3, 4)
        >>> y = ops.arange(20, dtype=float32).reshape(4, 5)
        >>> print(ops.matmul(x, y)[0, 0])
        [70. 76. 82. 88. 94.]
    """
    a, b = _pair("matmul", ("input", "other"), input, other)
    return Tensor._wrap(_linear.matmul(a, b, where="matmul"))


def outer(input: Any, vec2: Any) -> Tensor:  # noqa: A002
    """The outer product of two 1-d tensors: ``out[i, j] = input[i] * vec2[j]``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.outer(Tensor(np.array([1, 2, 3])), Tensor(np.array([4, 5, 6]))))
        [[ 4  5  6]
         [ 8 10 12]
         [12 15 18]]
    """
    a, b = _pair("outer", ("input", "vec2"), input, vec2)
    return Tensor._wrap(_linear.outer(a, b, where="outer"))


def einsum(equation: Any, *operands: Any) -> Tensor:
    """Einstein summation over ``operands`` (Tensors of one dtype), as ``numpy.einsum``:
    ``einsum("ij,jk->ik", x, y)``, or the sublist form ``einsum(x, [..., 1], y, [..., 2],
    [..., 1, 2])``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[1., 2., 3.], [4., 5., 6.]], np.float32))
        >>> print(ops.einsum("ij->j", x))
        [5. 7. 9.]
    """
    where = "einsum"
    if isinstance(equation, Tensor):  # the sublist form: operand, sublist, operand, ...
        items, sublists = [equation, *operands], True
    elif isinstance(equation, str):
        items, sublists = list(operands), False
    else:
        raise type_error(where, "equation", equation, "a str (or a Tensor, for sublists)")
    tensors = [t for t in items if isinstance(t, Tensor)]
    if not sublists and len(tensors) != len(items):
        bad = next(t for t in items if not isinstance(t, Tensor))
        raise type_error(where, "operands", bad, "Tensors")
    if not tensors:
        raise type_error(where, "operands", operands, "at least one Tensor")
    for i, t in enumerate(tensors[1:], 1):
        check_same_device(where, ("operands[0]", tensors[0]._device),
                          (f"operands[{i}]", t._device))
    args = [t._read() if isinstance(t, Tensor) else t for t in items]
    if sublists:
        return Tensor._wrap(_linear.einsum(*args, where=where))
    return Tensor._wrap(_linear.einsum(equation, *args, where=where))


def norm(A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *,  # noqa: N803, A002
         dtype: Any = None) -> Tensor:
    """A vector or matrix norm of ``A``, as ``numpy.linalg.norm`` (``ord`` ``None``, a
    number, ``inf``, ``'fro'`` or ``'nuc'``; ``dim`` ``None``, an int or a pair): with
    ``dim=None`` and ``ord=None``, the 2-norm of all elements. In ``A``'s float dtype
    (Float16 accumulated in Float32, integers give Float32), or ``dtype`` if given.

    Example:
        >>> from gpuparam import ops, tensor
        >>> print(ops.norm(tensor([3., 4., 12.]))), print(ops.norm(tensor([3., 4., 12.]), ord=1))
        13.0
        19.0
        (None, None)
    """
    where = "norm"
    array = tensor_array(where, "A", A)
    if dtype is not None:
        array = array.astype(to_dtype(dtype, where).numpy_dtype)
    if array.dtype == np.bool_ or array.dtype.kind == "c":
        raise type_error(where, "A", A, "a Tensor of ints or floats")
    if array.dtype == np.float16:  # NumPy's linalg has no float16: accumulate in float32
        out = _array_ops.norm(array.astype(np.float32), ord, dim, keepdim, where=where)
        return Tensor._wrap(out.astype(np.float16))  # MindSpore's Float16 norm is Float16
    out = _array_ops.norm(array, ord, dim, keepdim, where=where)
    return Tensor._wrap(out)


class LpNorm(Primitive):
    """``LpNorm(axis, p=2, keep_dims=False, epsilon=1e-12)(input)``: ``(sum |x|**p) **
    (1/p)`` over ``axis`` (an int or a non-empty tuple/list), at least ``epsilon``; Float16
    or Float32 input (MindSpore's kernel has no other).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[[1., 2.], [3., 4.]], [[5., 6.], [7., 8.]]], np.float32))
        >>> print(ops.LpNorm(axis=[0, 1], p=2)(x))
        [ 9.165152 10.954452]
    """

    def __init__(self, axis: Any, p: int = 2, keep_dims: bool = False,
                 epsilon: float = 1e-12) -> None:
        super().__init__("LpNorm")
        if not isinstance(axis, (int, tuple, list)) or isinstance(axis, bool):
            raise type_error(self.name, "axis", axis, "an int or a tuple/list of ints")
        self.add_prim_attr("axis", axis)
        self.add_prim_attr("p", p)
        self.add_prim_attr("keep_dims", check_bool(self.name, "keep_dims", keep_dims))
        self.add_prim_attr("epsilon", check_real(self.name, "epsilon", epsilon,
                                                 non_negative=True))
        # p and axis are checked against the input's rank at the first call (axis) and
        # here (p), so a bad primitive fails where it is built where it can.
        _reductions.lp_norm(np.ones((1,) * 8, np.float32), 0, p, where=self.name)

    def __call__(self, input: Any) -> Tensor:  # noqa: A002
        array = tensor_array(self.name, "input", input)
        if array.dtype not in (np.float16, np.float32):
            raise type_error(self.name, "input", input, "a Tensor of Float16 or Float32")
        return Tensor._wrap(_reductions.lp_norm(array, self.axis, self.p, self.keep_dims,
                                                self.epsilon, where=self.name))


__all__ = ["BatchMatMul", "LpNorm", "bmm", "einsum", "matmul", "norm", "outer"]
