"""Matrix products, all through ``xp.matmul`` (cuBLAS on the GPU) in the inputs' dtype:
``dense`` (``x @ w.T + b``), ``bias_add``, ``matmul``, ``batch_matmul``, ``outer`` and
``einsum``.

MindSpore multiplies two operands of one dtype only (no promotion), so a mixed pair is
a TypeError here, naming both dtypes.
"""

from __future__ import annotations

from builtins import max as builtins_max
from typing import Any

from .._backend import Array, get_array_module
from .._errors import check_bool, type_error, value_error


def dense(x: Array, weight: Array, bias: Array | None = None) -> Array:
    """``x @ weight.T + bias`` for ``weight`` ``(out, in)`` (or ``(in,)``: a dot product).

    Example:
        >>> import numpy as np
        >>> dense(np.ones((2, 3), np.float32), np.ones((4, 3), np.float32)).shape
        (2, 4)
    """
    xp = get_array_module(x)
    out = xp.matmul(x, weight.T if weight.ndim == 2 else weight)
    return out if bias is None else out + bias


def bias_add(x: Array, bias: Array, channel_axis: int = 1) -> Array:
    """``x`` plus ``bias`` ``(C,)`` along ``channel_axis``.

    Example:
        >>> import numpy as np
        >>> bias_add(np.zeros((1, 2, 2), np.float32), np.array([1.0, 2.0], np.float32))[0]
        array([[1., 1.],
               [2., 2.]], dtype=float32)
    """
    axis = channel_axis % x.ndim
    return x + bias.reshape((-1,) + (1,) * (x.ndim - axis - 1))


def _same_dtype(where: str, a: Array, b: Array, names: tuple[str, str]) -> None:
    if a.dtype != b.dtype:
        raise TypeError(f"{where}: `{names[1]}` must have the dtype of `{names[0]}` "
                        f"({a.dtype}), got {b.dtype}; cast one of them.")


def _batch_shape(where: str, a: Array, b: Array, names: tuple[str, str]) -> None:
    """ValueError unless the batch dims (all but the last two) broadcast."""
    for m, n in zip(a.shape[-3::-1], b.shape[-3::-1]):
        if m != n and 1 not in (m, n):
            raise value_error(where, names[1], tuple(b.shape), f"batch dims that broadcast "
                              f"with those of `{names[0]}` {tuple(a.shape)}")


def matmul(a: Array, b: Array, *, where: str, names: tuple[str, str] = ("input", "other")
           ) -> Array:
    """``a @ b`` as ``numpy.matmul`` (1-d operands are vectors; batch dims broadcast), in
    the operands' common dtype.

    Raises:
        TypeError: If the dtypes differ.
        ValueError: For a 0-d operand, inner sizes that differ or batch dims that do not
            broadcast.

    Example:
        >>> import numpy as np
        >>> matmul(np.ones((2, 3, 4), np.float32), np.ones((4, 5), np.float32),
        ...        where="matmul").shape
        (2, 3, 5)
    """
    _same_dtype(where, a, b, names)
    for name, x in zip(names, (a, b)):
        if x.ndim == 0:
            raise value_error(where, name, tuple(x.shape), "a tensor of at least 1 dim")
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else -1]:
        raise value_error(where, names[1], tuple(b.shape), f"a shape whose "
                          f"{'second last' if b.ndim > 1 else 'only'} dim equals the last "
                          f"dim of `{names[0]}` {tuple(a.shape)}")
    if a.ndim > 2 and b.ndim > 2:
        _batch_shape(where, a, b, names)
    return get_array_module(a).matmul(a, b)


def batch_matmul(a: Array, b: Array, transpose_a: Any = False, transpose_b: Any = False, *,
                 where: str, names: tuple[str, str] = ("x", "y"), same_rank: bool = True
                 ) -> Array:
    """``matrix(a) @ matrix(b)`` over the batch dims, the last two dims of ``a`` (``b``)
    swapped first when ``transpose_a`` (``transpose_b``). Both operands have at least 2
    dims (the same number when ``same_rank``, as MindSpore's CPU and GPU kernels ask);
    batch dims broadcast. The swap is a view: cuBLAS reads it transposed, no copy.

    Example:
        >>> import numpy as np
        >>> batch_matmul(np.ones((2, 4, 3, 1), np.float32), np.ones((2, 4, 3, 4), np.float32),
        ...              transpose_a=True, where="BatchMatMul").shape
        (2, 4, 1, 4)
    """
    check_bool(where, "transpose_a", transpose_a)
    check_bool(where, "transpose_b", transpose_b)
    _same_dtype(where, a, b, names)
    for name, x in zip(names, (a, b)):
        if x.ndim < 2:
            raise value_error(where, name, tuple(x.shape), "a tensor of at least 2 dims")
    if same_rank and a.ndim != b.ndim:
        raise value_error(where, names[1], tuple(b.shape),
                          f"a tensor of {a.ndim} dims, as `{names[0]}` {tuple(a.shape)}")
    a = a.swapaxes(-1, -2) if transpose_a else a
    b = b.swapaxes(-1, -2) if transpose_b else b
    if a.shape[-1] != b.shape[-2]:
        raise value_error(where, names[1], tuple(b.shape), f"a matrix of {a.shape[-1]} rows "
                          f"(the columns of `{names[0]}`"
                          f"{', transposed' if transpose_a else ''}), after transpose_b="
                          f"{transpose_b}")
    _batch_shape(where, a, b, names)
    return get_array_module(a).matmul(a, b)


def outer(a: Array, b: Array, *, where: str, names: tuple[str, str] = ("input", "vec2")
          ) -> Array:
    """The outer product of the 1-d ``a`` and ``b``: ``out[i, j] = a[i] * b[j]``, as a
    ``(n, 1) @ (1, m)`` matmul.

    Example:
        >>> import numpy as np
        >>> outer(np.array([1, 2]), np.array([3, 4, 5]), where="outer")
        array([[ 3,  4,  5],
               [ 6,  8, 10]])
    """
    _same_dtype(where, a, b, names)
    for name, x in zip(names, (a, b)):
        if x.ndim != 1:
            raise value_error(where, name, tuple(x.shape), "a 1-d tensor")
    # An elementwise product, not matmul: a rank-1 "GEMM" with k = 1 is exactly that.
    return a[:, None] * b[None, :]


def _spell_out_ellipsis(equation: str, arrays: list[Array]) -> str:
    """``equation`` with each ``...`` written as letters, so that an output without
    ``...`` sums over those dims (``'...->'``: the sum of all elements), as MindSpore's
    and torch's einsum do; NumPy's refuses that form."""
    if "->" not in equation or "..." not in equation:
        return equation
    inputs, output = equation.replace(" ", "").split("->")
    terms = inputs.split(",")
    if len(terms) != len(arrays):
        return equation  # NumPy's error names the mismatch
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
             if c not in equation]
    counts = [a.ndim - len(t.replace("...", "")) if "..." in t else 0
              for t, a in zip(terms, arrays)]
    width = builtins_max(counts, default=0)
    if width < 0 or width > len(spare):
        return equation
    letters = "".join(spare[:width])
    terms = [t.replace("...", letters[width - n:] if n > 0 else "") for t, n in zip(terms, counts)]
    return ",".join(terms) + "->" + output.replace("...", letters)


def einsum(equation: Any, *operands: Array, where: str) -> Array:
    """``numpy.einsum(equation, *operands)`` (CuPy's on the GPU, which contracts through
    tensordot/matmul: cuBLAS) in the operands' common dtype; the sublist form
    ``einsum(x, [0, 1], y, [1, 2])`` as NumPy's.

    Example:
        >>> import numpy as np
        >>> einsum("ij,jk->ik", np.ones((2, 3), np.float32), np.ones((3, 2), np.float32),
        ...        where="einsum")
        array([[3., 3.],
               [3., 3.]], dtype=float32)
    """
    arrays = [x for x in operands if hasattr(x, "dtype")]
    if not arrays:
        raise type_error(where, "operands", operands, "at least one Tensor")
    for i, x in enumerate(arrays[1:], 1):
        _same_dtype(where, arrays[0], x, ("operands[0]", f"operands[{i}]"))
    xp = get_array_module(arrays[0])
    if isinstance(equation, str):
        equation = _spell_out_ellipsis(equation, list(operands))
    try:
        return xp.asarray(xp.einsum(equation, *operands))
    except ValueError as exc:
        raise value_error(where, "equation", equation,
                          f"an equation that fits the operands' shapes ({exc})") from None


__all__ = ["batch_matmul", "bias_add", "dense", "einsum", "matmul", "outer"]
