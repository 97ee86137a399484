"""``Parameter`` (a ``Tensor`` that a network trains) and ``ParameterTuple``.

Follows ``mindspore.Parameter``: lazy data from ``initializer()``, ``init_data``,
``set_data``, ``clone`` and the printed form. Where MindSpore is silently lenient,
gpuparam refuses: ``set_data`` with another shape needs ``slice_shape=True``, an
unsafe dtype change raises, and a failed call leaves the parameter as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from . import _backend, _parameter_layout, _random
from ._dtype import can_cast_safely
from ._errors import check_bool, type_error, value_error
from ._initializer import Initializer, initializer
from ._tensor import Tensor
from ._array_ops import check_scalar_fits

_DEFAULT_NAME = "Parameter"
_INT32 = np.iinfo(np.int32)
_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _check_name(where: str, name: Any) -> str:
    if not isinstance(name, str):
        raise type_error(where, "name", name, "a str")
    if not name or name != name.strip() or len(name) > 1024:
        raise value_error(where, "name", name,
                          "a non-empty str of at most 1024 characters without surrounding spaces")
    return name


def _renamed(exc: Exception, old: str, new: str) -> Exception:
    """``exc`` with the ``old`` function/argument prefix of its message replaced."""
    return type(exc)(str(exc).replace(old, new, 1))


def _as_tensor(where: str, arg: str, data: Any) -> Tensor:
    """Turn the inputs a Parameter accepts into a Tensor (lazy ones stay lazy); a Python
    int becomes Int32, as MindSpore's Parameter does."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, bool) or data is None or isinstance(data, (str, bytes, tuple, list)):
        raise type_error(where, arg, data,
                         "a Tensor, a lazy Tensor from initializer(), an int, a float or a NumPy array")
    if isinstance(data, int):
        if not _INT32.min <= data <= _INT32.max:
            raise value_error(where, arg, data, f"an int in the int32 range [{_INT32.min}, {_INT32.max}]")
        return Tensor(np.asarray(data, dtype=np.int32))
    if isinstance(data, float):
        return Tensor(np.asarray(data, dtype=np.float32))
    if isinstance(data, (np.ndarray, np.generic)) or _backend.is_device_array(data):
        try:
            return Tensor(data)
        except (TypeError, ValueError) as exc:  # say Parameter's names, not Tensor's
            raise _renamed(exc, "Tensor: `input_data`", f"{where}: `{arg}`") from None
    if isinstance(data, Initializer):
        raise type_error(where, arg, data,
                         "a lazy Tensor: wrap the Initializer as initializer(init, shape, dtype)")
    raise type_error(where, arg, data,
                     "a Tensor, a lazy Tensor from initializer(), an int, a float or a NumPy array")


class Parameter(Tensor):
    """A Tensor that a network trains, with a name and training flags.

    Args:
        default_input: A Tensor, a lazy Tensor from ``initializer(init, shape, dtype)``
            (no memory is taken until ``init_data()`` or first use), a Python ``int``
            (Int32, as MindSpore), a Python ``float`` (Float32) or a NumPy array.
        name: The parameter's name; ``None`` gives ``"Parameter"``, and a cell then names
            it after its attribute path (``conv1.weight``).
        requires_grad: Whether the parameter is trained.
        layerwise_parallel: MindSpore's flag for layer-wise parallelism (kept, unused here).
        parallel_optimizer: MindSpore's flag for the parallel optimizer (kept, unused here).

    Raises:
        TypeError: For a bool, str, None, tuple/list or other unsupported ``default_input``,
            or flags that are not bools.
        ValueError: For a Python int outside the int32 range.

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer
        >>> print(gpuparam.Parameter(initializer('ones', [1, 2, 3], gpuparam.float32), name='y'))
        Parameter (name=y, shape=(1, 2, 3), dtype=Float32, requires_grad=True)
    """

    # Set by ``gpuparam.nn``: called as ``hook(param, new_name)`` before a rename, it refuses
    # a name that another parameter of a cell tree holding ``param`` already has, and tells
    # those cells that their name indexes are stale. (This module knows nothing of cells.)
    _rename_hook: Callable[[Parameter, str], None] | None = None

    def __init__(self, default_input: Any, name: str | None = None, requires_grad: bool = True,
                 layerwise_parallel: bool = False, parallel_optimizer: bool = True) -> None:
        where = "Parameter"
        source = _as_tensor(where, "default_input", default_input)
        self._init_state()
        self._replace_with(source)  # lazy stays lazy (same initializer and key); data is copied
        self._name = _DEFAULT_NAME if name is None else _check_name(where, name)
        self._named_by_user = name is not None
        self.requires_grad = requires_grad
        self.layerwise_parallel = layerwise_parallel
        self.parallel_optimizer = parallel_optimizer
        self.sliced = False
        self.is_init = False
        self._materialized_lazily = False

    # ------------------------------------------------------------------ flags

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        value = _check_name("Parameter.name", value)
        hook = Parameter._rename_hook
        if hook is not None:
            hook(self, value)
        self._name = value
        self._named_by_user = True

    def _set_auto_name(self, value: str, generated: bool = False) -> None:
        """Name given by a cell or a ParameterTuple, without the rename hook (the caller
        checks the tree). ``generated`` names (``Parameter$1``) may be replaced later, as
        MindSpore replaces its default name."""
        self._name = value
        self._named_by_user = not generated

    def __setattr__(self, key: str, value: Any) -> None:
        if key in ("requires_grad", "layerwise_parallel", "parallel_optimizer", "sliced", "is_init"):
            check_bool("Parameter", key, value)
        object.__setattr__(self, key, value)

    @property
    def data(self) -> Parameter:
        """The parameter itself (as in MindSpore)."""
        return self

    @property
    def inited_param(self) -> Parameter | None:
        """The materialized parameter once a lazy one has been through ``init_data``, else None."""
        # A flag, not a stored reference: `self._inited_param = self` would be a reference
        # cycle that keeps a large buffer alive until the cyclic garbage collector runs.
        return self if self._materialized_lazily else None

    # ------------------------------------------------------------------ data

    def init_data(self, layout: Any = None, set_sliced: bool = False, *, index: Any = None,
                  stream: Any = None) -> Parameter:
        """Materialize a lazy parameter once and return ``self`` (``self`` again on later calls).

        Thread-safe: concurrent callers allocate one buffer and see the same values.

        Args:
            layout: MindSpore's parallel layout ``(dev_mat, tensor_map, slice_shape,
                field_size, uniform_split, opt_shard_group)``: this rank's shard, by
                MindSpore's rank-to-slice rule (needs ``gpuparam.communication.init()``);
                its values are exactly that slice of the whole tensor.
            set_sliced: Mark the parameter as sliced (also implied by ``index``).
            index: A tuple of slices: materialize only this shard of the whole parameter;
                its values are exactly ``whole[index]``, ``shape`` becomes the shard's shape
                and ``sliced`` becomes True. Each device of a model-parallel job passes its
                own part and gets the same numbers a single device would have.
            stream: A CUDA stream to generate on (GPU); readers wait on its event.

        Raises:
            NotImplementedError: For a layout with ``field_size``, a non-uniform split or an
                optimizer-shard group.
            ValueError: If ``layout`` does not fit the shape, or comes with ``index``; if
                the parameter holds a shard (``init_data(index=...)`` earlier) and this call
                names no part: that would hand back the shard where the whole was asked for
                (MindSpore returns the shard silently). The whole comes from a fresh lazy
                Parameter, or a ``clone()`` taken before the shard was materialized.
        """
        if (layout is None and index is None and not self.has_init
                and self._full_shape is not None):
            raise ValueError(
                f"Parameter.init_data: {self.name!r} holds a shard ({self._shard_index}, "
                f"shape {self.shape}) of a parameter of shape {self._full_shape}, so "
                "init_data() without `index` cannot give the whole. Pass the same `index` "
                "to get the shard, or build the whole from a fresh lazy Parameter (or a "
                "clone() taken before the shard was materialized).")
        if layout is not None and self.has_init:
            if index is not None:
                raise ValueError("Parameter.init_data: give `layout` or `index`, not both.")
            index = _parameter_layout.layout_index(self.shape, layout, _parameter_layout.process_rank())
        check_bool("Parameter.init_data", "set_sliced", set_sliced)
        was_lazy = self.has_init
        super().init_data(index=index, stream=stream)
        if was_lazy:
            self._materialized_lazily = True
            if index is not None:
                self.sliced = True
                # Where the shard sits in the whole tensor (parallel.save_sharded needs it).
                self._shard_index = _random.normalize_index(self._full_shape or (), index)
        if set_sliced:
            self.sliced = True
        return self

    def set_data(self, data: Any, slice_shape: bool = False) -> Parameter:
        """Replace the parameter's data and return ``self``.

        Args:
            data: A Tensor (lazy ones stay lazy), an Initializer (initialized with this
                parameter's shape and dtype), or an int/float (fills the parameter).
            slice_shape: Allow ``data`` to have another shape (MindSpore replaces the shape
                silently; gpuparam only when asked).

        Raises:
            ValueError: If the shape differs and ``slice_shape`` is False.
            TypeError: For unsupported data, or a dtype that cannot be cast safely
                (float -> int, higher -> lower precision).
        """
        where = "Parameter.set_data"
        check_bool(where, "slice_shape", slice_shape)
        if isinstance(data, Initializer):
            source = initializer(data, self.shape, self.dtype)
        elif isinstance(data, (int, float)) and not isinstance(data, bool):
            xp = _backend.active_array_module()
            if not np.can_cast(np.min_scalar_type(data), self.dtype.numpy_dtype, "same_kind"):
                raise type_error(where, "data", data, f"a number castable to {self.dtype}")
            check_scalar_fits(where, "data", data, self.dtype)
            source = Tensor(xp.full(self.shape, data, dtype=self.dtype.numpy_dtype))
        else:
            source = _as_tensor(where, "data", data)  # numbers were handled above
        if source.shape != self.shape and not slice_shape:
            raise value_error(where, "data", source,
                              f"a tensor of the parameter's shape {self.shape} "
                              "(pass slice_shape=True to change the shape)")
        if source.dtype != self.dtype and not can_cast_safely(source.dtype, self.dtype):
            raise type_error(where, "data", source,
                             f"data of dtype {self.dtype} or one that casts to it safely, "
                             f"not {source.dtype}")
        # Overflow (int64 70000 into float16, 1e300 into float32) is refused before anything
        # of self changes; a lazy source of another dtype is generated, then cast.
        self._replace_with(source, self.dtype, where=where, arg="data")
        return self

    def clone(self, init: Any = "same") -> Parameter:
        """Return a new parameter with the same name, flags and (copied) data.

        Args:
            init: ``'same'`` copies the data (a lazy parameter's clone stays lazy and gives
                identical values); an initializer, name or number re-initializes the clone.
        """
        if isinstance(init, str) and init == "same":
            source: Tensor = self
        else:
            try:
                source = initializer(init, self.shape, self.dtype)
            except (TypeError, ValueError) as exc:
                raise _renamed(exc, "initializer: `init`", "Parameter.clone: `init`") from None
        clone = Parameter.__new__(Parameter)
        clone._init_state()
        clone._replace_with(source)
        for key in ("_name", "_named_by_user", "requires_grad", "layerwise_parallel",
                    "parallel_optimizer", "sliced", "is_init"):
            object.__setattr__(clone, key, getattr(self, key))
        clone._materialized_lazily = False
        return clone

    def value(self) -> Tensor:
        """The parameter's current value as a plain Tensor (MindSpore's ``value()``, which
        model files return from ``construct``): a view of the same buffer, no copy, its
        reads ordered as reads of the parameter. A later ``set_data`` or in-place write to
        the parameter is seen through it (MindSpore's graph ``Load`` is a snapshot; in
        PyNative code the difference does not arise unless the parameter is written
        between this call and the use of the result).

        Example:
            >>> import numpy as np
            >>> from gpuparam import Parameter, Tensor
            >>> p = Parameter(Tensor(np.ones(3, np.float32)), name="w")
            >>> v = p.value()
            >>> type(v).__name__, v.asnumpy().tolist()
            ('Tensor', [1.0, 1.0, 1.0])
        """
        return self._view(self._read())

    def copy(self) -> Parameter:  # type: ignore[override]
        """Return a copy that is a Parameter (``clone()``: same name, flags and values)."""
        return self.clone()

    # ------------------------------------------------------------------ printing

    def __str__(self) -> str:
        return (f"Parameter (name={self._name}, shape={self.shape}, dtype={self.dtype}, "
                f"requires_grad={self.requires_grad})")

    __repr__ = __str__


def unique_generated_names(where: str, params: Iterable[Parameter],
                           taken: Iterable[str] = (), first: int = 1) -> dict[int, str]:
    """Plan names for a group of parameters, as MindSpore names a ParameterTuple's.

    Returns ``{id(param): new name}`` for the parameters whose name was never given
    (``Parameter``): ``Parameter$<n>``, counting from ``first`` and skipping ``taken``
    names. Nothing is renamed here, so a caller that fails changes nothing.

    Raises:
        ValueError: If two different parameters with given names share one.
    """
    names: dict[str, Parameter] = {}
    plan: dict[int, str] = {}
    unnamed: list[Parameter] = []
    for param in params:
        if any(param is p for p in unnamed) or names.get(param.name) is param:
            continue
        if not param._named_by_user:
            unnamed.append(param)
            continue
        other = names.setdefault(param.name, param)
        if other is not param:
            raise ValueError(f"{where}: two different parameters are named {param.name!r}; "
                             "give each a unique name.")
    used = set(names) | set(taken)
    counter = first
    for param in unnamed:
        while f"{_DEFAULT_NAME}${counter}" in used:
            counter += 1
        plan[id(param)] = f"{_DEFAULT_NAME}${counter}"
        used.add(plan[id(param)])
    return plan


class ParameterTuple(tuple):
    """A tuple of Parameters with ``clone``, as ``mindspore.ParameterTuple``.

    Parameters that were never named get unique names ``Parameter$1``, ``Parameter$2``,
    ... (MindSpore's scheme); a cell that holds the tuple renames them again as MindSpore
    does.

    Raises:
        TypeError: If an element is not a Parameter.
        ValueError: If two different parameters share a name that was given to them.

    Example:
        >>> import gpuparam
        >>> from gpuparam import Parameter, ParameterTuple
        >>> a, b = Parameter(gpuparam.Tensor([1.0])), Parameter(gpuparam.Tensor([2.0]))
        >>> [p.name for p in ParameterTuple([a, b])]
        ['Parameter$1', 'Parameter$2']
    """

    def __new__(cls, iterable: Iterable[Parameter]) -> ParameterTuple:
        if not isinstance(iterable, Iterable) or isinstance(iterable, (str, bytes, Tensor)):
            raise type_error("ParameterTuple", "iterable", iterable, "an iterable of Parameters")
        items = tuple(iterable)
        for item in items:
            if not isinstance(item, Parameter):
                raise type_error("ParameterTuple", "iterable", item, "Parameters only")
        plan = unique_generated_names("ParameterTuple", items)
        if len(plan) > 1:  # one unnamed parameter keeps its name, as MindSpore's does
            for item in items:
                if id(item) in plan:
                    item._set_auto_name(plan[id(item)], generated=True)
        return super().__new__(cls, items)

    def clone(self, prefix: str, init: Any = "same") -> ParameterTuple:
        """Clone every parameter, naming each ``prefix.name``.

        Raises:
            ValueError: If ``prefix`` is not a non-empty identifier-like string.
        """
        if not isinstance(prefix, str):
            raise type_error("ParameterTuple.clone", "prefix", prefix, "a str")
        if not _PREFIX.match(prefix):
            raise value_error("ParameterTuple.clone", "prefix", prefix,
                              "a non-empty identifier-like string such as 'params_copy'")
        clones = []
        for param in self:
            clone = param.clone(init)
            clone.name = f"{prefix}.{param.name}"
            clones.append(clone)
        return ParameterTuple(clones)
