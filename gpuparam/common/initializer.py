"""Parameter initializers, as ``mindspore.common.initializer``.

Example:
    >>> import gpuparam
    >>> from gpuparam.common.initializer import Normal, initializer
    >>> w = initializer(Normal(0.2), [64, 3, 3, 3], gpuparam.float32)
    >>> w.shape, w.dtype
    ((64, 3, 3, 3), gpuparam.float32)
"""

from .._initializer import (INITIALIZER_NAMES as INITIALIZER_NAMES, Constant as Constant,
                            DeltaOrthogonal as DeltaOrthogonal, Dirac as Dirac,
                            HeNormal as HeNormal, HeUniform as HeUniform, Identity as Identity,
                            Initializer as Initializer, LecunNormal as LecunNormal,
                            LecunUniform as LecunUniform, Normal as Normal, One as One,
                            Orthogonal as Orthogonal, Sparse as Sparse,
                            TruncatedNormal as TruncatedNormal, Uniform as Uniform,
                            VarianceScaling as VarianceScaling, XavierNormal as XavierNormal,
                            XavierUniform as XavierUniform, Zero as Zero,
                            calculate_gain as calculate_gain, compute_fans as compute_fans,
                            initializer as initializer)

__all__ = ["Constant", "DeltaOrthogonal", "Dirac", "HeNormal", "HeUniform", "INITIALIZER_NAMES",
           "Identity", "Initializer", "LecunNormal", "LecunUniform", "Normal", "One",
           "Orthogonal", "Sparse", "TruncatedNormal", "Uniform", "VarianceScaling",
           "XavierNormal", "XavierUniform", "Zero", "calculate_gain", "compute_fans",
           "initializer"]
