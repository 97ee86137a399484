"""``Embedding``, the parameter-free ``Flatten`` and ``Dropout``, and ``ParameterUpdate``.

``Dropout`` reads the cell's ``training`` flag (``set_train()``); its masks come from
gpuparam's counter-based generator with a key taken when the layer is built (it counts
as one tensor creation) and the call number as the draw number, so a script that calls
``set_seed`` drops the same elements every run, on CPU and GPU alike.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .. import _array_ops, _backend, _random
from .._dtype import float32, int32, to_dtype
from .._errors import check_bool, check_int, check_real, type_error, value_error
from .._parameter import Parameter
from .._tensor import Tensor
from ..ops import Assign
from ._cell import Cell
from ._weights import make_parameter


class Embedding(Cell[Tensor]):
    """A lookup table ``embedding_table`` ``(vocab_size, embedding_size)`` indexed by ids.

    Args:
        vocab_size: The number of rows (ids ``0 .. vocab_size - 1``).
        embedding_size: The length of each embedding vector.
        use_one_hot: MindSpore's one-hot formulation; the result is the same, so this
            only is accepted and kept.
        embedding_table: The table's initializer (a name, an Initializer, a Tensor of the
            table's shape or a number); default ``'normal'`` (``Normal(0.01)``).
        dtype: The integer dtype the ids are expected in (default ``gpuparam.int32``);
            any integer ids are accepted.
        padding_idx: A row (``0 <= padding_idx < vocab_size``) set to zeros at
            construction (which materializes the table), or ``None``.

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> from gpuparam import nn, Tensor
        >>> net = nn.Embedding(20000, 768, True)
        >>> x = Tensor(np.ones([8, 128]), gpuparam.int32)
        >>> net(x).shape, net.embedding_table.has_init
        ((8, 128, 768), False)
    """

    def __init__(self, vocab_size: int, embedding_size: int, use_one_hot: bool = False,
                 embedding_table: Any = "normal", dtype: Any = int32,
                 padding_idx: int | None = None) -> None:
        super().__init__()
        where = "Embedding"
        self.vocab_size = check_int(where, "vocab_size", vocab_size, minimum=1)
        self.embedding_size = check_int(where, "embedding_size", embedding_size, minimum=1)
        self.use_one_hot = check_bool(where, "use_one_hot", use_one_hot)
        self.dtype = to_dtype(dtype, where)
        if self.dtype.is_floating_point or self.dtype.is_complex or self.dtype.name == "bool_":
            raise type_error(where, "dtype", self.dtype, "an integer dtype such as gpuparam.int32")
        if padding_idx is not None:
            padding_idx = check_int(where, "padding_idx", padding_idx)
            if not 0 <= padding_idx < vocab_size:
                raise value_error(where, "padding_idx", padding_idx,
                                  f"None or an int in [0, vocab_size={vocab_size})")
        self.padding_idx = padding_idx
        shape = (self.vocab_size, self.embedding_size)
        table = make_parameter(where, "embedding_table", embedding_table, None, shape,
                               float32, name="embedding_table")
        if padding_idx is not None:  # as MindSpore: the row is zeroed once, at construction
            table.init_data()
            table[padding_idx] = 0
        self.embedding_table = table

    def construct(self, ids: Tensor) -> Tensor:
        where = "Embedding"
        if not isinstance(ids, Tensor):
            raise type_error(where, "ids", ids, "a Tensor of integer ids")
        if ids.dtype.is_floating_point or ids.dtype.is_complex or ids.dtype.name == "bool_":
            raise type_error(where, "ids", ids, f"integer ids (e.g. {self.dtype}), not {ids.dtype}")
        array = ids._read()
        if array.size and (int(array.min()) < 0 or int(array.max()) >= self.vocab_size):
            raise value_error(where, "ids", f"values in [{int(array.min())}, {int(array.max())}]",
                              f"ids in [0, vocab_size={self.vocab_size})")
        return Tensor._wrap(self.embedding_table._read()[array])

    def extend_repr(self) -> str:
        return (f"vocab_size={self.vocab_size}, embedding_size={self.embedding_size}, "
                f"use_one_hot={self.use_one_hot}, embedding_table={self.embedding_table}, "
                f"dtype={self.dtype}, padding_idx={self.padding_idx}")


class Flatten(Cell[Tensor]):
    """Merge dims ``start_dim`` .. ``end_dim`` into one (by default all but the batch dim).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> nn.Flatten()(Tensor(np.ones([1, 2, 2, 2], np.float32))).shape
        (1, 8)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = check_int("Flatten", "start_dim", start_dim)
        self.end_dim = check_int("Flatten", "end_dim", end_dim)

    def construct(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise type_error("Flatten", "x", x, "a Tensor")
        if x.ndim < 2 and self.start_dim == 1:
            raise value_error("Flatten", "x", x.shape, "at least 2 dims (N, ...)")
        return x.flatten(start_dim=self.start_dim, end_dim=self.end_dim)

    def extend_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Cell[Tensor]):
    """Zero each element with probability ``p`` while training, scaling the rest by ``1 / (1 - p)``.

    Outside training (the default, and after ``set_train(False)``) it returns its input
    unchanged.

    Args:
        keep_prob: MindSpore 1.x's argument, ``1 - p`` (give it or ``p``, not both).
        p: The drop probability in ``[0, 1)``; default 0.5.
        dtype: Kept for MindSpore's signature; the output has the input's dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> x = Tensor(np.ones([2, 2, 3], np.float32))
        >>> nn.Dropout(p=0.2)(x).asnumpy().sum()  # not training: the identity
        np.float32(12.0)
    """

    def __init__(self, keep_prob: float | None = None, p: float | None = None,
                 dtype: Any = float32) -> None:
        super().__init__()
        where = "Dropout"
        if keep_prob is not None and p is not None:
            raise ValueError(f"{where}: give `keep_prob` or `p`, not both.")
        if keep_prob is not None:
            keep = check_real(where, "keep_prob", keep_prob)
            if not 0.0 < keep <= 1.0:
                raise value_error(where, "keep_prob", keep_prob, "a number in (0, 1]")
            drop = 1.0 - keep
        else:
            drop = 0.5 if p is None else check_real(where, "p", p)
            if not 0.0 <= drop < 1.0:
                raise value_error(where, "p", p, "a number in [0, 1)")
        self.p = drop
        self.keep_prob = 1.0 - drop
        self._key = _random.next_key()
        self._calls = itertools.count()

    def construct(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise type_error("Dropout", "x", x, "a Tensor")
        if not getattr(self, "training", False) or self.p == 0.0:
            return x
        array = x._read()
        if not (x.dtype.is_floating_point and array.dtype.kind == "f"):
            raise type_error("Dropout", "x", x, f"a float16/32/64 tensor, not {x.dtype}")
        work = np.dtype(np.float64) if array.dtype == np.float64 else np.dtype(np.float32)
        u = _random.uniform(self._key, tuple(array.shape), work, stream=next(self._calls))
        # The one dropout formula (ops.Dropout's too): kept values x / keep_prob, rounded once.
        return Tensor._wrap(_array_ops.dropout.dropout(array, u, self.p)[0])

    def extend_repr(self) -> str:
        return f"p={self.p}"


class ParameterUpdate(Cell[Tensor]):
    """Cell that writes its input into ``param`` (``nn.ParameterUpdate``).

    Calling it with a Tensor of the parameter's shape assigns the value in place and
    returns a Tensor of the parameter's updated data. That Tensor shares the buffer the
    parameter holds at the time: later in-place writes (``Assign``, another
    ``ParameterUpdate``) show in it, but ``set_data`` gives the parameter a new buffer,
    after which the returned Tensor keeps the values it had.

    Raises:
        TypeError: If ``param`` is not a Parameter.
    """

    def __init__(self, param: Parameter) -> None:
        super().__init__(auto_prefix=False)
        if not isinstance(param, Parameter):
            raise type_error("ParameterUpdate", "param", param, "a Parameter")
        object.__setattr__(self, "_target", param)

    def construct(self, x: Any) -> Tensor:
        updated = Assign()(self._target, x)
        return Tensor._wrap(updated._read())


__all__ = ["Dropout", "Embedding", "Flatten", "ParameterUpdate"]


# ---- act (issue 18): Identity, MatMul, ClipByNorm -----------------------------------------

class Identity(Cell[Any]):
    """Return the input unchanged (the same object); any constructor arguments are ignored,
    as MindSpore's (and PyTorch's) ``Identity(*args, **kwargs)``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> x = Tensor(np.array([1, 2, 3, 4], np.int64))
        >>> nn.Identity()(x) is x
        True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def construct(self, input: Any) -> Any:  # noqa: A002 (MindSpore's argument name)
        return input


class MatMul(Cell[Tensor]):
    """``x1 @ x2`` with NumPy's broadcasting of the batch dims (1-d operands as vectors);
    ``transpose_x1``/``transpose_x2`` swap the last two dims of an operand first. Both
    operands must have the same dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> x1, x2 = Tensor(np.ones((2, 3), np.float32)), Tensor(np.ones((4, 3), np.float32))
        >>> nn.MatMul(transpose_x2=True)(x1, x2).shape
        (2, 4)
    """

    def __init__(self, transpose_x1: bool = False, transpose_x2: bool = False) -> None:
        super().__init__()
        self.transpose_x1 = check_bool("MatMul", "transpose_x1", transpose_x1)
        self.transpose_x2 = check_bool("MatMul", "transpose_x2", transpose_x2)

    def construct(self, x1: Tensor, x2: Tensor) -> Tensor:
        where = "MatMul"
        a, b = [_operand(where, arg, v) for arg, v in (("x1", x1), ("x2", x2))]
        if a.dtype != b.dtype:
            raise TypeError(f"{where}: `x2` must have the dtype of `x1` ({x1.dtype}), got "
                            f"{x2.dtype}.")
        if self.transpose_x1 and a.ndim >= 2:
            a = a.swapaxes(-1, -2)
        if self.transpose_x2 and b.ndim >= 2:
            b = b.swapaxes(-1, -2)
        k1, k2 = a.shape[-1], b.shape[-2] if b.ndim >= 2 else b.shape[0]
        if k1 != k2:
            raise value_error(where, "x2", tuple(x2.shape), f"a contracted dim of {k1} (from "
                              f"x1 {tuple(x1.shape)}, transpose_x1={self.transpose_x1})")
        return Tensor._wrap(_backend.get_array_module(a).matmul(a, b))


def _operand(where: str, arg: str, x: Any) -> Any:
    if not isinstance(x, Tensor):
        raise type_error(where, arg, x, "a Tensor")
    if x.ndim == 0:
        raise value_error(where, arg, x.shape, "a tensor of at least 1 dim")
    return x._read()


class ClipByNorm(Cell[Tensor]):
    """``x * clip_norm / max(l2_norm(x), clip_norm)``, the norm over ``axis`` (``None``
    or ``()``: all elements; an int or a tuple of ints). Float16/Float32 ``x`` and
    ``clip_norm`` (a Tensor broadcastable to the norm, or a number); the result is
    Float32, as MindSpore's (it computes in float32).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> x = Tensor(np.array([[3.0, 4.0]], np.float32))
        >>> nn.ClipByNorm()(x, Tensor(np.array([1.0], np.float32))).asnumpy()
        array([[0.6, 0.8]], dtype=float32)
    """

    def __init__(self, axis: Any = None) -> None:
        super().__init__()
        where = "ClipByNorm"
        if axis is not None and not isinstance(axis, (int, tuple, list)) or isinstance(axis, bool):
            raise type_error(where, "axis", axis, "None, an int or a tuple of ints")
        if isinstance(axis, (tuple, list)):
            for a in axis:
                check_int(where, "axis", a)
            axis = tuple(int(a) for a in axis)
        self.axis = axis

    def construct(self, x: Tensor, clip_norm: Any) -> Tensor:
        where = "ClipByNorm"
        floats = ("Float16", "Float32")
        if not isinstance(x, Tensor) or str(x.dtype) not in floats:
            raise type_error(where, "x", x, "a Tensor of Float16/Float32")
        array = x._read()
        xp = _backend.get_array_module(array)
        if isinstance(clip_norm, Tensor):
            if str(clip_norm.dtype) not in floats:
                raise type_error(where, "clip_norm", clip_norm, "a Tensor of Float16/Float32")
            clip = clip_norm._read().astype(np.float32)
        else:
            clip = xp.asarray(check_real(where, "clip_norm", clip_norm, positive=True), np.float32)
        axes = _array_ops.check_axes(where, "axis", self.axis if self.axis is not None else (),
                                     array.ndim)
        wide = array.astype(np.float32)
        norm = xp.sqrt((wide * wide).sum(axis=axes, keepdims=True))
        try:
            out = (wide * clip) / xp.maximum(norm, clip)
        except ValueError as exc:
            raise value_error(where, "clip_norm", clip_norm.shape if isinstance(
                clip_norm, Tensor) else clip_norm, f"a shape that broadcasts with the norm "
                f"{tuple(norm.shape)}") from exc
        if out.shape != array.shape:
            raise value_error(where, "clip_norm", getattr(clip_norm, "shape", clip_norm),
                              f"a shape that leaves the result the shape of x {array.shape}")
        return Tensor._wrap(out.astype(np.float32, copy=False))


__all__ += ["ClipByNorm", "Identity", "MatMul"]
# ---- end act ------------------------------------------------------------------------------
