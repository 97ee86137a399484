"""Functions on raw arrays with MindSpore's rules, written once against ``xp``.

This package sits below ``Tensor`` (DESIGN.md's "array functions" layer): it knows
arrays (NumPy or CuPy, whichever holds the input: ``xp = get_array_module(x)``),
gpuparam's dtypes and error helpers, and nothing above. Tensor methods, ``ops``
primitives and ``nn`` cells are thin fronts over these functions, so each operation,
its checks and its result dtype exist once.

By topic:

- ``casts``: ``checked_astype`` (with ``check_fits`` and ``check_scalar_fits``), the one
  checked cast every write into a dtype goes through;
- ``axes``: ``check_axis``, ``check_axes``, ``check_permutation``;
- ``convert``: Python data into arrays, and MindSpore's result dtypes
  (``float32_unless_float64``);
- ``reductions``: ``sum``, ``mean``, ``max``, ``argmax``, ``any``, ``std``, ``norm``, ...;
- ``elementwise``: ``neg``, ``sqrt``, ``exp``, ``clip``, ...;
- ``activations``: ``relu``, ``sigmoid``, ``tanh``, ``softmax``;
- ``shapes``: ``reshape``, ``transpose``, ``flatten``, ``squeeze``, ``broadcast_to``,
  ``slice_``, ``strided_slice``, ... (views);
- ``promotion``: MindSpore's type promotion (``result_type``);
- ``joins``: ``concat``, ``stack``, ``split``, ``tensor_split``, ``chunk``, ``unstack``;
- ``rearrange``: ``tile``, repeats, ``roll``, ``flip``, ``reverse_sequence``, ``unfold``, ``pad``;
- ``creation``: ``arange``, ``linspace``, ``eye``, ``triangle``, ``meshgrid``, ``one_hot``;
- ``indexing``: ``select``, ``masked_fill``, gathers, scatters, ``nonzero``;
- ``sorting``: ``sort``, ``argsort``, ``topk``, ``extreme_with_index``, ``unique_consecutive``.
- ``special``: ``erf``; ``losses``: the loss formulas and ``reduction``; ``pooling``,
  ``resize``, ``padding``, ``normalization``, ``linear``, ``dropout``, ``boxes``
  (detection), ``recurrent`` (LSTM sequences): the nn operators of ``ops``.

Adding an operator (``gelu``, ``concat``, ``matmul``, ...) is one function here and a
thin front wherever MindSpore has the name:

1. Write the function in its topic's module (a new module for a new topic, e.g.
   ``linalg.py`` for ``matmul``/``batch_matmul``, ``joins.py`` for ``concat``/``stack``).
   Arrays in, an array out, computed with ``xp = get_array_module(x)`` on the device
   that holds the data; no host synchronization (no ``.item()``, ``float(...)``,
   ``.get()``: a function that must read back says "May synchronize the device.").
   Checks come first and name the public function through a keyword ``where`` (and the
   argument), with the helpers of ``_errors`` and ``axes``; the result dtype follows
   MindSpore (``convert.float32_unless_float64`` where NumPy would give float64).
   A docstring with an example on NumPy arrays.
2. Export it below (the import and ``__all__``).
3. Fronts, each a line or two: an ``ops`` primitive
   ``return x._wrap(_array_ops.gelu(x._read()))`` (``x._view(...)`` for a shape
   function, whose result shares the input's buffer); an ``nn`` cell's ``construct``
   the same; a ``Tensor`` method ``return self._wrap(_array_ops.gelu(self._read()))``.
   A front checks only what is its own (that ``x`` is a Tensor, MindSpore's argument
   forms), never the math again.
4. Test the function against an independent reference (float64 loops, SciPy, MindSpore's
   documented outputs) in ``tests/test_array_ops.py``, and each front once.

Example:
    >>> import numpy as np
    >>> from gpuparam import _array_ops
    >>> _array_ops.relu(np.array([-1.0, 2.0], np.float32))
    array([0., 2.], dtype=float32)
    >>> _array_ops.sum(np.ones((2, 3), np.float32), axis=(0, 1), where="sum")
    array(6., dtype=float32)
"""

from __future__ import annotations

from .activations import relu as relu, sigmoid as sigmoid, softmax as softmax, tanh as tanh
from .axes import (check_axes as check_axes, check_axis as check_axis,
                   check_permutation as check_permutation)
from .casts import (check_fits as check_fits, check_scalar_fits as check_scalar_fits,
                    checked_astype as checked_astype, range_text as range_text)
from .convert import as_array as as_array, float32_unless_float64 as float32_unless_float64
from .elementwise import (abs as abs, clip as clip, exp as exp, full as full, log as log,
                          neg as neg, ones_like as ones_like, positive as positive,
                          sqrt as sqrt, square as square, zeros_like as zeros_like)
from .reductions import (all as all, any as any, argmax as argmax, argmin as argmin,
                         max as max, mean as mean, min as min, norm as norm, std as std,
                         sum as sum, var as var)
from .shapes import (expand_dims as expand_dims, flatten as flatten, reshape as reshape,
                     squeeze as squeeze, swapaxes as swapaxes, transpose as transpose)

# ops-a (issue 18): creation, joins/splits, shapes, indexing, sorting ------------------
from .creation import (arange as arange, eye as eye, linspace as linspace,  # noqa: E402
                       meshgrid as meshgrid, one_hot as one_hot, range_length as range_length,
                       triangle as triangle)
from .indexing import (gather as gather, gather_elements as gather_elements,  # noqa: E402
                       gather_nd as gather_nd, masked_fill as masked_fill, nonzero as nonzero,
                       scatter_nd as scatter_nd, scatter_nd_update as scatter_nd_update,
                       select as select)
from .joins import (array_split as array_split, check_arrays as check_arrays,  # noqa: E402
                    chunk as chunk, concat as concat, split as split, split_equal as split_equal,
                    stack as stack, tensor_split as tensor_split, unstack as unstack)
from .promotion import result_type as result_type  # noqa: E402
from .rearrange import (PAD_MODES as PAD_MODES, flip as flip, pad as pad,  # noqa: E402
                        repeat_elements as repeat_elements,
                        repeat_interleave as repeat_interleave,
                        reverse_sequence as reverse_sequence, roll as roll, tile as tile,
                        unfold as unfold)
from .shapes import (broadcast_to as broadcast_to, slice_ as slice_,  # noqa: E402
                     strided_slice as strided_slice)
from .sorting import (argsort as argsort, extreme_with_index as extreme_with_index,  # noqa: E402
                      sort as sort, topk as topk, unique_consecutive as unique_consecutive)

_OPS_A = ["PAD_MODES", "arange", "argsort", "array_split", "broadcast_to", "check_arrays", "chunk",
          "concat", "extreme_with_index", "eye", "flip", "gather", "gather_elements", "gather_nd",
          "linspace", "masked_fill", "meshgrid", "nonzero", "one_hot", "pad", "range_length",
          "repeat_elements", "repeat_interleave", "result_type", "reverse_sequence", "roll",
          "scatter_nd", "scatter_nd_update", "select", "slice_", "sort", "split", "split_equal",
          "stack", "strided_slice", "tensor_split", "tile", "topk", "triangle",
          "unique_consecutive", "unfold", "unstack"]
# ------------------------------------------------------------------------ end of ops-a

__all__ = ["abs", "all", "any", "argmax", "argmin", "as_array", "check_axes", "check_axis",
           "check_fits", "check_permutation", "check_scalar_fits", "checked_astype", "clip", "exp",
           "expand_dims", "flatten", "float32_unless_float64", "full", "log", "max", "mean",
           "min", "neg", "norm", "ones_like", "positive", "range_text", "relu", "reshape",
           "sigmoid", "softmax", "sqrt", "square", "squeeze", "std", "sum", "swapaxes",
           "tanh", "transpose", "var", "zeros_like"]
__all__ += _OPS_A  # ops-a (issue 18)

# ---- nnfunc (issue 18): nn functions, losses, pooling, resizing, boxes -------------------
from . import (boxes as boxes, dropout as dropout, linear as linear,  # noqa: E402
               losses as losses, normalization as normalization, padding as padding,
               pooling as pooling, recurrent as recurrent, resize as resize)
from .activations import (gelu as gelu, log_softmax as log_softmax,  # noqa: E402
                          silu as silu, softplus as softplus)
from .special import erf as erf  # noqa: E402

__all__ += ["boxes", "dropout", "erf", "gelu", "linear", "log_softmax", "losses",
            "normalization", "padding", "pooling", "recurrent", "resize", "silu", "softplus"]

# ---- ew (issue 18): elementwise math, comparisons, logical operators ----------------------
from . import comparison as comparison, elementwise as elementwise  # noqa: E402
from .comparison import (compare as compare, logical as logical,  # noqa: E402
                         logical_not as logical_not)
from .elementwise import (add_n as add_n, atan2 as atan2, ceil as ceil, cos as cos,  # noqa: E402
                          floor as floor, floor_div as floor_div, floor_mod as floor_mod,
                          isfinite as isfinite, isinf as isinf, isnan as isnan,
                          maximum as maximum, minimum as minimum, pow as pow,
                          promote as promote, reciprocal as reciprocal, rint as rint,
                          round as round, rsqrt as rsqrt, sign as sign, sin as sin, tan as tan,
                          truncate_mod as truncate_mod)

__all__ += ["add_n", "atan2", "ceil", "compare", "comparison", "cos", "elementwise", "floor",
            "floor_div", "floor_mod", "isfinite", "isinf", "isnan", "logical", "logical_not",
            "maximum", "minimum", "pow", "promote", "reciprocal", "rint", "round", "rsqrt",
            "sign", "sin", "tan", "truncate_mod"]
# ---- end ew -------------------------------------------------------------------------------
