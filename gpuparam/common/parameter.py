"""MindSpore's ``mindspore.common.parameter`` path: ``Parameter`` and ``ParameterTuple``."""

from .._parameter import Parameter as Parameter, ParameterTuple as ParameterTuple

__all__ = ["Parameter", "ParameterTuple"]
