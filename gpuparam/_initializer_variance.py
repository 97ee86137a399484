"""``VarianceScaling`` and the named schemes that specialise it: Xavier, He, Lecun.

Every scheme here draws with variance ``scale / n``, ``n`` a fan of the weight
(``compute_fans``), from one of three distributions. Elementwise: a slice is
generated alone through ``_random``'s ``index=``.
"""

from __future__ import annotations

import math
from typing import Literal, get_args

import numpy as np

from . import _random
from ._errors import check_choice, check_real, value_error
from ._initializer_base import NORMAL_REACH, Index, Initializer, _Builtin, sample
from ._initializer_fans import fans, gain_of, squared
from ._tensor import Array, Shape

FanMode = Literal["fan_in", "fan_out", "fan_avg", "fan_geo_avg"]
Distribution = Literal["truncated_normal", "untruncated_normal", "uniform"]
HeMode = Literal["fan_in", "fan_out"]

# Standard deviation of N(0, 1) truncated to [-2, 2]: dividing by it gives the
# truncated distribution the variance that was asked for.
TRUNCATED_STD = 0.87962566103423978


class VarianceScaling(_Builtin):
    """Sample with variance ``scale / n``, ``n`` chosen by ``mode`` from the weight's fans.

    ``n`` is ``fan_in``, ``fan_out``, their mean (``'fan_avg'``) or their geometric
    mean (``'fan_geo_avg'``), at least 1. With ``distribution``:

    - ``'truncated_normal'``: ``N(0, s**2)`` truncated to ``[-2 s, 2 s]``, where
      ``s = sqrt(scale / n) / 0.8796...`` so that the truncated samples have variance
      ``scale / n`` (as Keras and JAX; MindSpore's own ``VarianceScaling`` never reaches
      this branch because of a misspelt option and samples uniformly instead);
    - ``'untruncated_normal'``: ``N(0, scale / n)``;
    - ``'uniform'``: ``U(-limit, limit)`` with ``limit = sqrt(3 scale / n)``.

    Args:
        scale: Scaling factor, > 0. Default 1.0.
        mode: ``'fan_in'``, ``'fan_out'``, ``'fan_avg'`` or ``'fan_geo_avg'``. Default ``'fan_in'``.
        distribution: ``'truncated_normal'``, ``'untruncated_normal'`` or ``'uniform'``.
            Default ``'truncated_normal'``.

    Raises:
        ValueError: For ``scale <= 0`` or an unknown ``mode``/``distribution``; at
            ``initializer()``, for a shape with fewer than two dimensions.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, VarianceScaling
        >>> init = VarianceScaling(2.0, 'fan_out', 'untruncated_normal')
        >>> init
        VarianceScaling(scale=2.0, mode='fan_out', distribution='untruncated_normal')
        >>> init.std((64, 3, 3, 3)) == (2.0 / (64 * 9)) ** 0.5
        True
    """

    def __init__(self, scale: float = 1.0, mode: FanMode = "fan_in",
                 distribution: Distribution = "truncated_normal") -> None:
        self._configure("VarianceScaling", scale, mode, distribution)
        super().__init__(scale=self.scale, mode=self.mode, distribution=self.distribution)

    def _configure(self, where: str, scale: float, mode: str, distribution: str) -> None:
        self.scale = check_real(where, "scale", scale, positive=True)
        self.mode = check_choice(where, "mode", mode, get_args(FanMode))
        self.distribution = check_choice(where, "distribution", distribution,
                                         get_args(Distribution))

    _scale_arg = "scale"  # the argument that sets the scale, for range messages

    def _check_shape(self, shape: Shape) -> None:
        fans(type(self).__name__, shape)

    def _reach(self, shape: Shape) -> tuple[str, float, float]:
        std = self.std(shape)
        factor = {"truncated_normal": 2.0 / TRUNCATED_STD, "untruncated_normal": NORMAL_REACH,
                  "uniform": math.sqrt(3.0)}[self.distribution]
        return self._scale_arg, getattr(self, self._scale_arg), factor * std

    def std(self, shape: Shape) -> float:
        """Return the standard deviation of the values for a weight of ``shape``.

        That is ``sqrt(scale / n)``; for ``'truncated_normal'`` it is the std of the
        truncated samples, not of the normal before truncation.
        """
        fan_in, fan_out = fans(type(self).__name__, tuple(shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0,
             "fan_geo_avg": math.sqrt(fan_in * fan_out)}[self.mode]
        return math.sqrt(self.scale / max(1.0, n))

    def _values(self, shape: Shape, dtype: np.dtype, key: _random.Key, index: Index) -> Array:
        std = self.std(shape)
        if self.distribution == "truncated_normal":
            s = std / TRUNCATED_STD
            return sample("truncated_normal", key, shape, dtype, 0.0, s, -2.0 * s, 2.0 * s,
                          index=index)
        if self.distribution == "untruncated_normal":
            return sample("normal", key, shape, dtype, 0.0, std, index=index)
        limit = math.sqrt(3.0) * std
        return sample("uniform", key, shape, dtype, -limit, limit, index=index)

    def _named(self, **kwargs: object) -> None:
        # A named scheme shows (and round-trips through get_config) its own arguments.
        Initializer.__init__(self, **kwargs)


class XavierUniform(VarianceScaling):
    """Xavier (Glorot) uniform: ``U(-b, b)``, ``b = gain * sqrt(6 / (fan_in + fan_out))``.

    Also known as Glorot uniform. http://proceedings.mlr.press/v9/glorot10a.html.
    Equals ``VarianceScaling(gain**2, 'fan_avg', 'uniform')``.

    Args:
        gain: Scaling factor, > 0 (see ``calculate_gain``). Default 1.

    Example:
        >>> import gpuparam
        >>> from gpuparam.common.initializer import initializer, XavierUniform
        >>> w = initializer(XavierUniform(), [64, 3, 3, 3], gpuparam.float32)
        >>> bool(abs(w.asnumpy()).max() < (6 / (27 + 576)) ** 0.5)
        True
    """

    _scale_arg = "gain"

    def __init__(self, gain: float = 1) -> None:
        self.gain = check_real("XavierUniform", "gain", gain, positive=True)
        self._configure("XavierUniform", squared("XavierUniform", "gain", self.gain), "fan_avg",
                        "uniform")
        self._named(gain=self.gain)


class XavierNormal(VarianceScaling):
    """Xavier (Glorot) normal: ``N(0, std**2)``, ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    Also known as Glorot normal. http://proceedings.mlr.press/v9/glorot10a.html.
    Equals ``VarianceScaling(gain**2, 'fan_avg', 'untruncated_normal')``.

    Args:
        gain: Scaling factor, > 0. Default 1.

    Example:
        >>> from gpuparam.common.initializer import XavierNormal
        >>> XavierNormal().std((4, 12)) == (2 / 16) ** 0.5
        True
    """

    _scale_arg = "gain"

    def __init__(self, gain: float = 1) -> None:
        self.gain = check_real("XavierNormal", "gain", gain, positive=True)
        self._configure("XavierNormal", squared("XavierNormal", "gain", self.gain), "fan_avg",
                        "untruncated_normal")
        self._named(gain=self.gain)


class _He(VarianceScaling):
    _scale_arg = "negative_slope"
    _distribution: Distribution = "uniform"

    def __init__(self, negative_slope: float = 0, mode: HeMode = "fan_in",
                 nonlinearity: str = "leaky_relu") -> None:
        where = type(self).__name__
        self.negative_slope = check_real(where, "negative_slope", negative_slope)
        check_choice(where, "mode", mode, get_args(HeMode))
        self.nonlinearity = nonlinearity
        self.gain = gain_of(where, nonlinearity, self.negative_slope, param_arg="negative_slope")
        if self.gain * self.gain == 0.0:  # a slope beyond ~1e154: the variance underflows
            raise value_error(where, "negative_slope", negative_slope,
                              "a slope below about 1e154 in magnitude (the gain's square, "
                              "2 / (1 + slope**2), underflows to 0 beyond it)")
        self._configure(where, self.gain ** 2, mode, self._distribution)
        self._named(negative_slope=self.negative_slope, mode=mode, nonlinearity=nonlinearity)


class HeUniform(_He):
    """He (Kaiming) uniform: ``U(-b, b)``, ``b = gain * sqrt(3 / fan)``.

    ``gain = calculate_gain(nonlinearity, negative_slope)`` and ``fan`` is ``fan_in``
    or ``fan_out`` (``mode``). Also known as Kaiming uniform.
    https://arxiv.org/abs/1502.01852. Equals ``VarianceScaling(gain**2, mode, 'uniform')``.

    Args:
        negative_slope: Slope of the rectifier's negative part (used with
            ``'leaky_relu'`` only). Default 0, so the default gain is ``sqrt(2)``.
        mode: ``'fan_in'`` (keeps the forward pass's variance) or ``'fan_out'``
            (the backward pass's). Default ``'fan_in'``.
        nonlinearity: A name ``calculate_gain`` knows. Default ``'leaky_relu'``.

    Example:
        >>> from gpuparam.common.initializer import HeUniform
        >>> HeUniform(mode='fan_out', nonlinearity='relu')
        HeUniform(negative_slope=0.0, mode='fan_out', nonlinearity='relu')
    """


class HeNormal(_He):
    """He (Kaiming) normal: ``N(0, std**2)``, ``std = gain / sqrt(fan)``.

    Arguments as ``HeUniform``. Also known as Kaiming normal.
    https://arxiv.org/abs/1502.01852. Equals
    ``VarianceScaling(gain**2, mode, 'untruncated_normal')``.

    Example:
        >>> from gpuparam.common.initializer import HeNormal
        >>> HeNormal(nonlinearity='relu').std((16, 3, 3, 3)) == (2 / 27) ** 0.5
        True
    """

    _distribution: Distribution = "untruncated_normal"


class LecunUniform(VarianceScaling):
    """LeCun uniform: ``U(-b, b)``, ``b = sqrt(3 / fan_in)``.

    As ``jax.nn.initializers.lecun_uniform``; equals ``VarianceScaling(1, 'fan_in', 'uniform')``.
    http://yann.lecun.com/exdb/publis/pdf/lecun-98b.pdf.
    """

    def __init__(self) -> None:
        self._configure("LecunUniform", 1.0, "fan_in", "uniform")
        self._named()


class LecunNormal(VarianceScaling):
    """LeCun normal: truncated normal with std ``sqrt(1 / fan_in)`` after truncation.

    As ``jax.nn.initializers.lecun_normal`` and Keras: equals
    ``VarianceScaling(1, 'fan_in', 'truncated_normal')`` (truncated at two standard
    deviations, with the 0.8796 correction). https://arxiv.org/abs/1706.02515.
    """

    def __init__(self) -> None:
        self._configure("LecunNormal", 1.0, "fan_in", "truncated_normal")
        self._named()


__all__ = ["Distribution", "FanMode", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform",
           "TRUNCATED_STD", "VarianceScaling", "XavierNormal", "XavierUniform"]
