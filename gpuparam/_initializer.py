"""Initializers and ``initializer(init, shape, dtype)``: the import point of the family.

Users import this through ``gpuparam.common.initializer``, as MindSpore's
``mindspore.common.initializer``. The schemes live in ``_initializer_basic``
(elementwise), ``_initializer_variance`` (fan-scaled) and ``_initializer_structured``
(Orthogonal, DeltaOrthogonal, Sparse); the base class, fans and gains in
``_initializer_base``. This module holds the one table of string names and
``initializer()``, which returns a lazy ``Tensor``: no buffer until ``init_data()``.

Values are a function of (global seed, the tensor's creation order since ``set_seed``,
element index) only (DESIGN.md contract 3). Elementwise initializers generate exactly
the part of the tensor asked for; ``Orthogonal`` and ``DeltaOrthogonal`` generate the
whole and slice it; ``Sparse`` generates the needed columns; a user's ``_initialize``
subclass fills the whole on the host, and that one array is uploaded and sliced.

Float16 targets are drawn as float32 values (two per Philox word) and rounded once more.
bfloat16 (with ``ml_dtypes``) is drawn in float64 and rounded once. That is tested on
NumPy only: CuPy 14 has initial bfloat16 arrays (``ml_dtypes.bfloat16``), and whether this
path works on them is not yet checked on a GPU (the env step of
``benchmarks/gpu_validate.sh`` probes it).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._dtype import DType, float32, to_dtype
from ._errors import check_shape, type_error, value_error
from ._initializer_base import Initializer
from ._initializer_fans import calculate_gain, close_names, compute_fans
from ._initializer_basic import (Constant, Dirac, Identity, Normal, One, TruncatedNormal,
                                 Uniform, Zero)
from ._initializer_structured import DeltaOrthogonal, Orthogonal, Sparse
from ._initializer_variance import (HeNormal, HeUniform, LecunNormal, LecunUniform,
                                    VarianceScaling, XavierNormal, XavierUniform)
from ._tensor import Tensor

# Every string name, lower case (lookups are case-insensitive): MindSpore's names, the
# class names, and the usual aliases of other libraries.
INITIALIZER_NAMES: dict[str, type[Initializer]] = {
    "zero": Zero, "zeros": Zero,
    "one": One, "ones": One,
    "constant": Constant,
    "uniform": Uniform,
    "normal": Normal,
    "truncatednormal": TruncatedNormal, "truncated_normal": TruncatedNormal,
    "xavieruniform": XavierUniform, "xavier_uniform": XavierUniform,
    "glorotuniform": XavierUniform, "glorot_uniform": XavierUniform,
    "xaviernormal": XavierNormal, "xavier_normal": XavierNormal,
    "glorotnormal": XavierNormal, "glorot_normal": XavierNormal,
    "heuniform": HeUniform, "he_uniform": HeUniform,
    "kaiminguniform": HeUniform, "kaiming_uniform": HeUniform,
    "henormal": HeNormal, "he_normal": HeNormal,
    "kaimingnormal": HeNormal, "kaiming_normal": HeNormal,
    "lecununiform": LecunUniform, "lecun_uniform": LecunUniform,
    "lecunnormal": LecunNormal, "lecun_normal": LecunNormal,
    "variancescaling": VarianceScaling, "variance_scaling": VarianceScaling,
    "identity": Identity, "eye": Identity,
    "dirac": Dirac,
    "orthogonal": Orthogonal,
    "deltaorthogonal": DeltaOrthogonal, "delta_orthogonal": DeltaOrthogonal,
    "sparse": Sparse,
}

# Initializers whose constructor has an argument without a default (as in MindSpore).
_REQUIRED_ARGUMENTS: dict[type[Initializer], str] = {Constant: "value", Sparse: "sparsity"}


def from_name(name: str, where: str = "initializer", arg: str = "init") -> Initializer:
    """Return the initializer a string names, with its default arguments.

    Args:
        name: A name from ``INITIALIZER_NAMES`` (case-insensitive), e.g. ``'Normal'``,
            ``'xavier_uniform'``, ``'zeros'``.

    Raises:
        ValueError: For an unknown name (the message lists the accepted ones) or a name
            whose initializer needs an argument (``'constant'``, ``'sparse'``).

    Example:
        >>> from gpuparam._initializer import from_name
        >>> from_name('HeNormal')
        HeNormal(negative_slope=0.0, mode='fan_in', nonlinearity='leaky_relu')
    """
    cls = INITIALIZER_NAMES.get(name.lower())
    if cls is None:
        error = value_error(where, arg, name, "an initializer name (case-insensitive), one of "
                            f"{sorted(INITIALIZER_NAMES)}")
        raise ValueError(str(error) + close_names(name, list(INITIALIZER_NAMES))) from None
    required = _REQUIRED_ARGUMENTS.get(cls)
    if required is not None:
        raise ValueError(
            f"{where}: `{arg}` {name!r} names {cls.__name__}, whose `{required}` has no "
            f"default; pass an instance instead, e.g. {cls.__name__}({required}=...).")
    return cls()


def _instance(init: Any, where: str) -> Initializer:
    if isinstance(init, Initializer):
        return init
    if isinstance(init, str):
        return from_name(init, where)
    if isinstance(init, (bool, np.bool_)):
        raise type_error(where, "init", init,
                         "a Tensor, a str, an Initializer or a number (not a bool: use 0 or 1, "
                         "or 'zeros'/'ones')")
    if isinstance(init, numbers.Real):
        return Constant(init)  # type: ignore[arg-type]  # any Real: NumPy scalars too
    if isinstance(init, type) and issubclass(init, Initializer):
        raise TypeError(f"{where}: `init` must be an Initializer instance, got the class "
                        f"{init.__name__}; call it: {init.__name__}().")
    raise type_error(where, "init", init, "a Tensor, a str, an Initializer or a number")


def initializer(init: Any, shape: Any = None, dtype: DType = float32) -> Tensor:
    """Create a lazy Tensor that ``init`` fills when it is first used.

    As ``mindspore.common.initializer.initializer``: the returned Tensor holds only its
    shape, dtype, initializer and random key (taken now, so creation order, not
    materialization order, decides its values); memory is taken at ``init_data()`` or
    at first use, on the active device.

    Args:
        init: What to fill with:

            - a ``Tensor``: returned as it is (``shape``, if given, must equal its
              shape; ``dtype`` is not applied, as in MindSpore);
            - a ``str``: an initializer name, case-insensitive (``'normal'``,
              ``'zeros'``, ``'xavier_uniform'``, ...) with default arguments;
            - an ``Initializer`` instance (``Normal(0.2)``, ...);
            - an int or float: ``Constant(init)``.
        shape: An int or a list/tuple of ints > 0 (NumPy integers accepted).
        dtype: A gpuparam dtype (NumPy dtypes are converted). Default ``gpuparam.float32``.

    Returns:
        A lazy ``Tensor`` (or ``init`` itself when it is a Tensor).

    Raises:
        TypeError: For an ``init`` of another type (an Initializer class instead of an
            instance, a bool, ...), a bad ``shape`` type, or a dtype the initializer
            cannot fill (a random one with an integer dtype).
        ValueError: For an unknown name, a size < 1 in ``shape``, a Tensor whose shape
            differs from ``shape``, or a shape the initializer cannot fill (fans of a
            1-D shape, ``Identity`` of a 3-D one, ...).

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, Normal
        >>> w = initializer(Normal(0.2), shape=[32, 3, 4, 3, 3], dtype=gpuparam.float32)
        >>> w.shape, w.dtype, w.has_init
        ((32, 3, 4, 3, 3), gpuparam.float32, True)
        >>> initializer('ones', [1, 2, 3], gpuparam.float32).asnumpy()
        array([[[1., 1., 1.],
                [1., 1., 1.]]], dtype=float32)
    """
    where = "initializer"
    if isinstance(init, Tensor):
        if shape is not None:
            wanted = check_shape(where, "shape", shape, allow_zero=True)
            if wanted != tuple(init.shape):
                raise value_error(where, "shape", shape,
                                  f"the shape of the `init` Tensor, {tuple(init.shape)}")
        return init
    instance = _instance(init, where)
    if shape is None:
        raise TypeError(f"{where}: `shape` is required (an int or a list/tuple of ints) "
                        f"unless `init` is a Tensor.")
    shape = check_shape(where, "shape", shape)
    dtype = to_dtype(dtype, where)
    instance._check(shape, dtype)
    return Tensor(shape=shape, dtype=dtype, init=instance)


__all__ = ["Constant", "DeltaOrthogonal", "Dirac", "HeNormal", "HeUniform", "INITIALIZER_NAMES",
           "Identity", "Initializer", "LecunNormal", "LecunUniform", "Normal", "One",
           "Orthogonal", "Sparse", "TruncatedNormal", "Uniform", "VarianceScaling",
           "XavierNormal", "XavierUniform", "Zero", "calculate_gain", "compute_fans",
           "from_name", "initializer"]
