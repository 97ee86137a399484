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

from .. import _array_ops, _random
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
