"""Random initializers with structure across elements: Orthogonal, DeltaOrthogonal, Sparse.

Their values are not elementwise functions of the key, so a slice cannot be drawn
alone: ``Orthogonal`` and ``DeltaOrthogonal`` generate the whole tensor on the device
and slice it; ``Sparse`` draws only the columns a slice needs (its zeros are ranked
within each whole column) and, for the non-zero values, only the slice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _backend, _random
from ._errors import check_real, value_error
from ._initializer_base import NORMAL_REACH, Index, _Builtin, full_index, sample
from ._tensor import Array, Shape

_F64 = np.dtype(np.float64)
# Sparse ranks the scores of this many elements at a time (columns of whole rows).
_SCORE_BUDGET = 1 << 24


def orthogonal_matrix(key: _random.Key, rows: int, cols: int, gain: float) -> Array:
    """Return a ``(rows, cols)`` float64 matrix on the active device: orthonormal columns
    if ``rows >= cols``, else orthonormal rows, times ``gain``.

    The QR factorisation of a standard-normal matrix (the transpose when it is wide),
    with the signs fixed by ``diag(R)`` so that ``Q`` is Haar-distributed (Mezzadri,
    arXiv:math-ph/0609050), as ``torch.nn.init.orthogonal_`` and MindSpore do. Computed
    in float64 so that NumPy's LAPACK and cuSOLVER agree to float64 rounding.
    """
    xp = _backend.active_array_module()
    flat = _random.normal(key, (rows, cols), _F64)
    if rows < cols:
        flat = flat.T
    q, r = xp.linalg.qr(flat)
    q = q * xp.where(xp.diagonal(r) < 0, -1.0, 1.0)
    if rows < cols:
        q = q.T
    return q * gain


class Orthogonal(_Builtin):
    """A (semi-)orthogonal matrix, the trailing dimensions flattened.

    For a shape ``(rows, *rest)`` the values, viewed as ``(rows, cols)`` with
    ``cols = prod(rest)``, satisfy ``W.T @ W = gain**2 I`` when ``rows >= cols`` and
    ``W @ W.T = gain**2 I`` otherwise. https://arxiv.org/abs/1312.6120. The QR runs on
    the active device (``xp.linalg.qr``); the whole tensor is generated, then sliced.

    Args:
        gain: Scaling factor, > 0. Default 1.0.

    Raises:
        ValueError: If ``gain <= 0``; at ``initializer()``, for a shape with fewer than
            two dimensions.

    Example:
        >>> import numpy as np, gpuparam
        >>> from gpuparam.common.initializer import initializer, Orthogonal
        >>> w = initializer(Orthogonal(gain=2.), [2, 3, 4], gpuparam.float64).asnumpy()
        >>> w = w.reshape(2, 12)
        >>> bool(np.allclose(w @ w.T, 4 * np.eye(2)))
        True
    """

    _elementwise = False

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = check_real("Orthogonal", "gain", gain, positive=True)
        super().__init__(gain=self.gain)

    def _check_shape(self, shape: Shape) -> None:
        if len(shape) < 2:
            raise value_error("Orthogonal", "shape", shape, "at least 2-D (rows, *cols)")

    def _reach(self, shape: Shape) -> tuple[str, float, float]:
        return "gain", self.gain, self.gain  # an orthonormal matrix's entries are in [-1, 1]

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        rows = shape[0]
        q = orthogonal_matrix(key, rows, math.prod(shape) // rows, self.gain)
        return q.reshape(shape).astype(dtype)


class DeltaOrthogonal(_Builtin):
    """Delta-orthogonal convolution kernels: zero except an orthogonal matrix at the centre.

    For a weight ``(out, in, *kernel)`` (1-, 2- or 3-D kernels) with ``out >= in``,
    ``W[:, :, c]`` at the kernel's centre ``c = (k - 1) // 2`` per axis is an
    ``(out, in)`` matrix with ``W_c.T @ W_c = gain**2 I``; every other element is 0.
    As ``jax.nn.initializers.delta_orthogonal`` (Xiao et al. 2018,
    https://arxiv.org/abs/1806.05393), in MindSpore's ``(out, in, *kernel)`` layout. The
    whole tensor is generated, then sliced.

    Args:
        gain: Scaling factor, > 0. Default 1.0.

    Raises:
        ValueError: If ``gain <= 0``; at ``initializer()``, for a shape that is not 3-,
            4- or 5-D or has ``out < in``.

    Example:
        >>> import numpy as np, gpuparam
        >>> from gpuparam.common.initializer import initializer, DeltaOrthogonal
        >>> w = initializer(DeltaOrthogonal(), [8, 4, 3, 3], gpuparam.float64).asnumpy()
        >>> centre = w[:, :, 1, 1]
        >>> bool(np.allclose(centre.T @ centre, np.eye(4))), bool(np.count_nonzero(w) == 32)
        (True, True)
    """

    _elementwise = False

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = check_real("DeltaOrthogonal", "gain", gain, positive=True)
        super().__init__(gain=self.gain)

    def _check_shape(self, shape: Shape) -> None:
        if len(shape) not in (3, 4, 5):
            raise value_error("DeltaOrthogonal", "shape", shape, "3-, 4- or 5-D (out, in, *kernel)")
        if shape[0] < shape[1]:
            raise value_error("DeltaOrthogonal", "shape", shape,
                              "a shape with out (shape[0]) >= in (shape[1])")

    def _reach(self, shape: Shape) -> tuple[str, float, float]:
        return "gain", self.gain, self.gain

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        xp = _backend.active_array_module()
        out = xp.zeros(shape, dtype=dtype)
        centre = tuple((k - 1) // 2 for k in shape[2:])
        out[(slice(None), slice(None)) + centre] = orthogonal_matrix(
            key, shape[0], shape[1], self.gain).astype(dtype)
        return out


def kept_rows(xp: Any, scores: Array, zeros: int) -> Array:
    """Return, per column of ``scores`` (rows, cols), False at its ``zeros`` lowest scores.

    Ties rank by row, as a stable sort would: the mask equals
    ``argsort(argsort(scores, axis=0, kind="stable"), axis=0, kind="stable") >= zeros``.
    A partition finds each column's ``zeros``-th lowest score ``t`` (ten times faster
    than the two sorts); where exactly ``zeros`` scores are ``<= t`` the mask is
    ``scores > t``, and only the columns with a tie at ``t`` are sorted.
    """
    rows = scores.shape[0]
    if zeros <= 0 or zeros >= rows:
        return xp.full(scores.shape, zeros <= 0, dtype=bool)
    # Partition along contiguous rows: along axis 0 every step would be a strided walk.
    threshold = xp.partition(xp.ascontiguousarray(scores.T), zeros - 1, axis=1)[:, zeros - 1]
    keep = scores > threshold
    tied = xp.flatnonzero(rows - xp.count_nonzero(keep, axis=0) != zeros)
    if tied.size:
        part = scores[:, tied]
        rank = xp.argsort(xp.argsort(part, axis=0, kind="stable"), axis=0, kind="stable")
        keep[:, tied] = rank >= zeros
    return keep


class Sparse(_Builtin):
    """A 2-D matrix of ``N(0, sigma**2)`` values with a fixed number of zeros per column.

    Each column gets exactly ``ceil(sparsity * rows)`` zeros (the formula MindSpore and
    ``torch.nn.init.sparse_`` use), in the rows where a second random stream of the
    tensor's key scores lowest. Martens (2010), "Deep learning via Hessian-free
    optimization".

    Args:
        sparsity: Fraction of each column set to zero, in ``[0, 1)``.
        sigma: Standard deviation of the non-zero values, > 0. Default 0.01.

    Raises:
        ValueError: For ``sparsity`` outside ``[0, 1)`` or ``sigma <= 0``; at
            ``initializer()``, for a shape that is not 2-D.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, Sparse
        >>> w = initializer(Sparse(sparsity=0.1, sigma=0.01), [5, 8], gpuparam.float32)
        >>> (w.asnumpy() == 0).sum(axis=0).tolist()
        [1, 1, 1, 1, 1, 1, 1, 1]
    """

    def __init__(self, sparsity: float, sigma: float = 0.01) -> None:
        self.sparsity = check_real("Sparse", "sparsity", sparsity)
        if not 0.0 <= self.sparsity < 1.0:
            raise value_error("Sparse", "sparsity", self.sparsity, "in [0, 1)")
        self.sigma = check_real("Sparse", "sigma", sigma, positive=True)
        super().__init__(sparsity=self.sparsity, sigma=self.sigma)

    def _check_shape(self, shape: Shape) -> None:
        if len(shape) != 2:
            raise value_error("Sparse", "shape", shape, "2-D (rows, cols)")

    def _reach(self, shape: Shape) -> tuple[str, float, float]:
        return "sigma", self.sigma, NORMAL_REACH * self.sigma

    def zeros_per_column(self, rows: int) -> int:
        """Return the number of zeros in each column of a matrix with ``rows`` rows."""
        return math.ceil(self.sparsity * rows)

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        xp = _backend.active_array_module()
        values = sample("normal", key, shape, dtype, 0.0, self.sigma, index=index)
        zeros = self.zeros_per_column(shape[0])
        if zeros == 0:
            return values
        row_part, col_part = full_index(shape, index)
        columns = range(col_part.start, col_part.stop, col_part.step)
        keep = xp.empty(values.shape, dtype=bool)
        block = max(1, _SCORE_BUDGET // shape[0])
        for first in range(0, len(columns), block):
            part = columns[first:first + block]
            # Scores of every row for these columns: a zero's place depends on its whole column.
            scores = _random.uniform(key, shape, _F64, stream=1,
                                     index=(slice(0, shape[0], 1),
                                            slice(part.start, part[-1] + 1, part.step)))
            keep[:, first:first + block] = kept_rows(xp, scores, zeros)[row_part]
        return xp.where(keep, values, xp.zeros((), dtype=dtype))


__all__ = ["DeltaOrthogonal", "Orthogonal", "Sparse", "orthogonal_matrix"]
