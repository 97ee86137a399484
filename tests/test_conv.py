"""conv_nd: every backend against an independent float64 reference, MindSpore's padding
rules, reference page 000's exact outputs, argument errors and the choice of backend.

The reference is direct summation (one ``np.sum`` per output position and group),
itself checked against ``scipy.signal.correlate``. The cuDNN glue, which needs a GPU, is
also driven here through a fake ``cudnn`` module that records the calls and computes in
NumPy, so its logic (padding split, tensor strides, graph cache, rejection) runs in CI.
"""

from __future__ import annotations

import itertools
import math
import os
import pathlib
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import scipy.signal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpuparam import _backend
from gpuparam.ops import _conv, _conv_cudnn, _conv_gemm, _conv_geometry
from gpuparam.ops._conv import (ENV_VAR, available_conv_backends, conv_backend_for,
                                conv_backend_info, conv_nd, last_conv_dispatch)
from gpuparam.ops._conv_geometry import conv_geometry, resolve_padding, same_padding

TOLERANCE = {"float64": 1e-12, "float32": 2e-6, "float16": 1e-3}


@pytest.fixture(autouse=True)
def _no_backend_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


# --------------------------------------------------------------------------- reference

def reference_conv(x: Any, w: Any, stride: tuple[int, ...], padding: tuple[tuple[int, int], ...],
                   dilation: tuple[int, ...], groups: int) -> np.ndarray:
    """Cross-correlation by direct summation in float64, one output position at a time."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    n_batch, channels = x.shape[:2]
    c_group, k_group = channels // groups, w.shape[0] // groups
    kernel = w.shape[2:]
    padded = np.zeros((n_batch, channels) + tuple(
        n + b + a for n, (b, a) in zip(x.shape[2:], padding)))
    padded[(slice(None), slice(None)) + tuple(
        slice(b, b + n) for n, (b, a) in zip(x.shape[2:], padding))] = x
    out_spatial = tuple((p - d * (k - 1) - 1) // s + 1
                        for p, k, s, d in zip(padded.shape[2:], kernel, stride, dilation))
    y = np.zeros((n_batch, w.shape[0]) + out_spatial)
    for n, g in itertools.product(range(n_batch), range(groups)):
        w_g = w[g * k_group:(g + 1) * k_group]
        for pos in np.ndindex(*out_spatial):
            window = tuple(slice(o * s, o * s + d * (k - 1) + 1, d)
                           for o, s, d, k in zip(pos, stride, dilation, kernel))
            patch = padded[(n, slice(g * c_group, (g + 1) * c_group)) + window]
            y[(n, slice(g * k_group, (g + 1) * k_group)) + pos] = np.sum(
                w_g * patch, axis=tuple(range(1, w.ndim)))
    return y


def scipy_conv(x: np.ndarray, w: np.ndarray, stride: tuple[int, ...],
               padding: tuple[tuple[int, int], ...], dilation: tuple[int, ...]) -> np.ndarray:
    """groups=1 convolution from scipy.signal.correlate per channel pair."""
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0)) + tuple(padding))
    kernel = w.shape[2:]
    dilated = np.zeros(w.shape[:2] + tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation)))
    dilated[(slice(None), slice(None)) + tuple(slice(None, None, d) for d in dilation)] = w
    step = (slice(None),) * 0 + tuple(slice(None, None, s) for s in stride)
    out = [[sum(scipy.signal.correlate(x[n, c], dilated[k, c], mode="valid", method="direct")
                for c in range(x.shape[1]))[step] for k in range(w.shape[0])]
           for n in range(x.shape[0])]
    return np.asarray(out)


@pytest.mark.parametrize(("x_shape", "w_shape", "stride", "padding", "dilation"), [
    ((2, 3, 7, 6), (4, 3, 3, 2), (1, 1), ((0, 0), (0, 0)), (1, 1)),
    ((1, 2, 9, 8), (3, 2, 3, 3), (2, 3), ((1, 2), (0, 1)), (2, 1)),
    ((1, 2, 5, 6, 4), (2, 2, 2, 3, 2), (1, 2, 1), ((1, 0), (2, 2), (0, 1)), (1, 1, 2)),
])
def test_reference_agrees_with_scipy(x_shape, w_shape, stride, padding, dilation):
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    np.testing.assert_allclose(reference_conv(x, w, stride, padding, dilation, 1),
                               scipy_conv(x, w, stride, padding, dilation), rtol=1e-12,
                               atol=1e-12)


def check_close(y: Any, x: np.ndarray, w: np.ndarray, stride: tuple[int, ...],
                padding: tuple[tuple[int, int], ...], dilation: tuple[int, ...], groups: int,
                dtype: str) -> None:
    """|y - ref| <= tol * (|x| conv |w|): a bound that scales with what was summed."""
    got = _backend.to_host(y)
    ref = reference_conv(x, w, stride, padding, dilation, groups)
    bound = reference_conv(np.abs(x), np.abs(w), stride, padding, dilation, groups)
    assert got.shape == ref.shape
    assert got.dtype == np.dtype(dtype)
    assert got.flags.c_contiguous
    excess = np.abs(got.astype(np.float64) - ref) - (TOLERANCE[dtype] * bound + 1e-300)
    assert np.all(excess <= 0), f"max error excess {excess.max():.3g}"


def skip_unless_usable(xp: Any, backend: str) -> None:
    if backend == "cudnn":
        reason = _conv_cudnn.cudnn_unavailable_reason(xp.zeros(1))
        if reason is not None:
            pytest.skip(f"cuDNN backend unusable: {reason}")


def run_conv(xp: Any, backend: str, x: Any, w: Any, **args: Any) -> Any:
    """conv_nd on ``backend``; for cuDNN, 'auto' plus a check that cuDNN really ran.

    cuDNN may lack engines for float64 (and an empty batch never reaches it); anything
    else it rejects is a failure here, even though 'auto' would still give the right
    numbers through GEMM.
    """
    y = conv_nd(xp.asarray(x), xp.asarray(w), backend="auto" if backend == "cudnn" else backend,
                **args)
    if backend == "cudnn":
        dispatch = last_conv_dispatch()
        assert dispatch is not None
        if dispatch.backend != "cudnn" and x.dtype != np.float64 and x.shape[0]:
            pytest.fail(f"cuDNN did not run: {dispatch.reason}")
    return y


# --------------------------------------------------------------------------- hypothesis

@dataclass(frozen=True)
class Case:
    x_shape: tuple[int, ...]
    w_shape: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int
    dtype: str
    seed: int

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        return (rng.standard_normal(self.x_shape).astype(self.dtype),
                rng.standard_normal(self.w_shape).astype(self.dtype))


@st.composite
def conv_cases(draw: Any) -> Case:
    ndim = draw(st.sampled_from([2, 3]))
    groups = draw(st.integers(1, 3))
    c_group, k_group = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    pad_mode = draw(st.sampled_from(["same", "valid", "pad"]))
    pad = tuple(draw(st.integers(0, 2)) for _ in range(2 * ndim)) if pad_mode == "pad" else 0
    pads = pad if isinstance(pad, tuple) else (0,) * (2 * ndim)
    # 'same' always fits; otherwise grow the input until the dilated kernel fits.
    spatial = tuple(max(draw(st.integers(1, 7 if ndim == 2 else 5)),
                        d * (k - 1) + 1 - pads[2 * i] - pads[2 * i + 1])
                    for i, (k, d) in enumerate(zip(kernel, dilation)))
    padding = resolve_padding(pad_mode, pad, spatial, kernel, stride, dilation)
    return Case((draw(st.integers(1, 2)), groups * c_group, *spatial),
                (groups * k_group, c_group, *kernel), stride, padding, dilation, groups,
                draw(st.sampled_from(["float64", "float32", "float16"])),
                draw(st.integers(0, 2**32 - 1)))


@pytest.mark.parametrize("backend", ["gemm", pytest.param("cudnn", marks=pytest.mark.gpu)])
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=conv_cases())
def test_matches_reference(xp, backend, case):
    skip_unless_usable(xp, backend)
    x, w = case.arrays()
    y = run_conv(xp, backend, x, w, stride=case.stride, padding=case.padding,
                 dilation=case.dilation, groups=case.groups)
    check_close(y, x, w, case.stride, case.padding, case.dilation, case.groups, case.dtype)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=conv_cases())
def test_auto_matches_reference(xp, case):
    x, w = case.arrays()
    y = conv_nd(xp.asarray(x), xp.asarray(w), stride=case.stride, padding=case.padding,
                dilation=case.dilation, groups=case.groups)
    check_close(y, x, w, case.stride, case.padding, case.dilation, case.groups, case.dtype)


# --------------------------------------------------------------------------- layouts

BACKENDS = ["gemm", pytest.param("cudnn", marks=pytest.mark.gpu)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("x_shape", "w_shape", "stride", "padding", "groups"), [
    ((2, 4, 8, 8), (6, 4, 1, 1), (1, 1), ((0, 0), (0, 0)), 1),       # 1x1: x is the columns
    ((2, 4, 8, 9), (6, 2, 1, 1), (2, 3), ((0, 0), (0, 0)), 2),       # 1x1 strided, grouped
    ((2, 3, 10, 10), (5, 3, 3, 3), (1, 1), ((0, 0), (0, 0)), 1),     # 64 pixels: padded rows
    ((3, 6, 5, 4, 6), (6, 1, 2, 3, 3), (1, 1, 2), ((1, 0), (1, 1), (2, 1)), 6),  # depthwise
    ((0, 3, 5, 5), (2, 3, 3, 3), (1, 1), ((1, 1), (1, 1)), 1),       # empty batch
])
def test_special_layouts(xp, backend, x_shape, w_shape, stride, padding, groups):
    skip_unless_usable(xp, backend)
    rng = np.random.default_rng(3)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    ones = (1,) * len(stride)
    y = run_conv(xp, backend, x, w, stride=stride, padding=padding, dilation=ones,
                 groups=groups)
    check_close(y, x, w, stride, padding, ones, groups, "float32")


@pytest.mark.parametrize("backend", BACKENDS)
def test_non_contiguous_inputs(xp, backend):
    skip_unless_usable(xp, backend)
    rng = np.random.default_rng(4)
    # float32: cuDNN has no float64 engines, and a forced 'cudnn' must run on cuDNN.
    x_big = xp.asarray(rng.standard_normal((2, 3, 12, 9)).astype(np.float32))
    w_big = xp.asarray(rng.standard_normal((3, 4, 3, 3)).astype(np.float32))
    x, w = x_big[:, :, ::2], w_big.transpose(1, 0, 2, 3)
    args = dict(stride=(1, 2), padding=((1, 1), (0, 2)), dilation=(1, 1), groups=1)
    y = conv_nd(x, w, backend=backend, **args)
    check_close(y, _backend.to_host(x), _backend.to_host(w), args["stride"], args["padding"],
                args["dilation"], 1, "float32")


@pytest.mark.parametrize("budget", [1, 3000, 200_000])
@pytest.mark.parametrize(("x_shape", "w_shape", "stride", "padding", "dilation"), [
    ((5, 4, 9, 7), (6, 2, 3, 2), (2, 1), ((2, 1), (0, 1)), (1, 2)),
    ((3, 2, 6, 5, 7), (4, 1, 2, 3, 2), (1, 2, 1), ((1, 0), (1, 1), (0, 2)), (2, 1, 1)),
])
def test_gemm_tiles_give_the_same_result(xp, monkeypatch, budget, x_shape, w_shape, stride,
                                         padding, dilation):
    # Budgets below one sample's columns split the output rows into slabs (1 byte: one
    # row per GEMM); larger ones group samples. Padding and float16 staging reuse one
    # buffer across tiles.
    monkeypatch.setitem(_conv_gemm.CHUNK_BYTES, "numpy" if xp is np else "cupy", budget)
    _conv_gemm._plan.cache_clear()
    rng = np.random.default_rng(5)
    try:
        for dtype in ("float32", "float16"):
            x = rng.standard_normal(x_shape).astype(dtype)
            w = rng.standard_normal(w_shape).astype(dtype)
            y = conv_nd(xp.asarray(x), xp.asarray(w), stride=stride, padding=padding,
                        dilation=dilation, groups=2, backend="gemm")
            check_close(y, x, w, stride, padding, dilation, 2, dtype)
    finally:
        _conv_gemm._plan.cache_clear()


def test_gemm_tiling_plan():
    x = np.ones((4, 2, 12, 10), np.float32)
    w = np.ones((3, 2, 3, 3), np.float32)
    geom = conv_geometry(x, w, stride=(1, 1), padding=((1, 1), (1, 1)), dilation=(1, 1),
                         groups=1)
    per_sample = 18 * 120 * 4
    for budget, chunk, slab in [(4 * per_sample, 4, 12), (2 * per_sample + 1, 2, 12),
                                (per_sample // 3, 1, 4), (1, 1, 1)]:
        _conv_gemm.CHUNK_BYTES["numpy"], saved = budget, _conv_gemm.CHUNK_BYTES["numpy"]
        try:
            _conv_gemm._plan.cache_clear()
            plan = _conv_gemm._plan(geom, True)
        finally:
            _conv_gemm.CHUNK_BYTES["numpy"] = saved
            _conv_gemm._plan.cache_clear()
        assert (plan.chunk, plan.slab) == (chunk, slab), budget


# --------------------------------------------------------------------------- page 000

@pytest.mark.parametrize("backend", ["auto"] + BACKENDS)
def test_page_000_conv2d_same_with_ones(xp, backend):
    # nn.Conv2d(3, 64, 3, weight_init=ones) on ones((1, 3, 16, 50)), pad_mode 'same'.
    skip_unless_usable(xp, backend)
    padding = resolve_padding("same", 0, (16, 50), (3, 3), (1, 1), (1, 1))
    y = conv_nd(xp.ones((1, 3, 16, 50), xp.float32), xp.ones((64, 3, 3, 3), xp.float32),
                stride=(1, 1), padding=padding, dilation=(1, 1), groups=1, backend=backend)
    expected = np.full((1, 64, 16, 50), 27.0, np.float32)
    expected[:, :, [0, -1], :] = 18
    expected[:, :, :, [0, -1]] = 18
    expected[:, :, [0, 0, -1, -1], [0, -1, 0, -1]] = 12
    got = _backend.to_host(y)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got[0, 0, :2, :2], [[12, 18], [18, 27]])


@pytest.mark.parametrize("backend", ["auto"] + BACKENDS)
def test_page_000_conv3d_valid_with_ones(xp, backend):
    # ops.Conv3D(out_channel=32, kernel_size=(4, 3, 3)) on ones((16, 3, 10, 32, 32)).
    skip_unless_usable(xp, backend)
    padding = resolve_padding("valid", 0, (10, 32, 32), (4, 3, 3), (1, 1, 1), (1, 1, 1))
    y = conv_nd(xp.ones((16, 3, 10, 32, 32), xp.float32),
                xp.ones((32, 3, 4, 3, 3), xp.float32), stride=(1, 1, 1), padding=padding,
                dilation=(1, 1, 1), groups=1, backend=backend)
    got = _backend.to_host(y)
    assert got.shape == (16, 32, 7, 30, 30)
    assert np.all(got == 108)


# --------------------------------------------------------------------------- padding rules

@pytest.mark.parametrize(("size", "kernel", "stride", "dilation", "expected"), [
    (16, 3, 1, 1, (1, 1)), (50, 3, 1, 1, (1, 1)), (5, 4, 1, 1, (1, 2)), (5, 2, 1, 1, (0, 1)),
    (7, 3, 2, 1, (1, 1)), (8, 3, 2, 1, (0, 1)), (5, 3, 1, 2, (2, 2)), (4, 5, 3, 1, (2, 2)),
    (10, 1, 3, 1, (0, 0)), (1, 3, 1, 1, (1, 1)),
])
def test_same_padding(size, kernel, stride, dilation, expected):
    assert same_padding(size, kernel, stride, dilation) == expected


@settings(max_examples=200, deadline=None)
@given(size=st.integers(1, 40), kernel=st.integers(1, 7), stride=st.integers(1, 4),
       dilation=st.integers(1, 3))
def test_same_padding_keeps_ceil_of_size_over_stride(size, kernel, stride, dilation):
    before, after = same_padding(size, kernel, stride, dilation)
    assert 0 <= after - before <= 1
    out = _conv_geometry.output_size(size, kernel, stride, dilation, before, after)
    assert out == math.ceil(size / stride)
    # The least padding that gives that many outputs: one less would lose one.
    if before + after:
        assert _conv_geometry.output_size(size, kernel, stride, dilation, 0,
                                          before + after - 1) < out


@pytest.mark.parametrize(("mode", "pad", "spatial", "expected"), [
    ("valid", 0, (6, 7), ((0, 0), (0, 0))),
    ("VALID", 0, (6, 7), ((0, 0), (0, 0))),
    ("same", 0, (6, 7), ((1, 1), (1, 1))),
    ("pad", 2, (6, 7), ((2, 2), (2, 2))),
    ("pad", (1, 2), (6, 7), ((1, 1), (2, 2))),
    ("pad", (0, 1, 2, 3), (6, 7), ((0, 1), (2, 3))),
    ("pad", [0, 1, 2, 3, 4, 5], (6, 7, 8), ((0, 1), (2, 3), (4, 5))),
])
def test_resolve_padding(mode, pad, spatial, expected):
    ndim = len(spatial)
    assert resolve_padding(mode, pad, spatial, (3,) * ndim, (1,) * ndim,
                           (1,) * ndim) == expected


# --------------------------------------------------------------------------- errors

def _args(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = dict(x=np.ones((2, 4, 6, 6), np.float32),
                                weight=np.ones((6, 2, 3, 3), np.float32), stride=(1, 1),
                                padding=((1, 1), (1, 1)), dilation=(1, 1), groups=2)
    args.update(changes)
    return args


@pytest.mark.parametrize(("changes", "exc", "arg"), [
    ({"x": [[1.0]]}, TypeError, "x"),
    ({"weight": 3.0}, TypeError, "weight"),
    ({"x": np.ones((4, 6, 6), np.float32)}, ValueError, "x.shape"),
    ({"x": np.ones((1, 1, 2, 4, 6, 6), np.float32)}, ValueError, "x.shape"),
    ({"x": np.ones((2, 0, 6, 6), np.float32)}, ValueError, "x.shape"),
    ({"x": np.ones((2, 4, 6, 6), np.int32)}, TypeError, "x.dtype"),
    ({"x": np.ones((2, 4, 6, 6), ">f4")}, TypeError, "x.dtype"),
    ({"weight": np.ones((6, 2, 3, 3), np.float64)}, TypeError, "weight.dtype"),
    ({"weight": np.ones((6, 2, 3), np.float32)}, ValueError, "weight.shape"),
    ({"weight": np.ones((6, 4, 3, 3), np.float32)}, ValueError, "weight.shape"),
    ({"weight": np.ones((6, 2, 0, 3), np.float32)}, ValueError, "weight.shape"),
    ({"groups": 3}, ValueError, "groups"),
    ({"groups": 4, "weight": np.ones((6, 1, 3, 3), np.float32)}, ValueError, "groups"),
    ({"groups": 0}, ValueError, "groups"),
    ({"groups": 2.0}, TypeError, "groups"),
    ({"groups": True}, TypeError, "groups"),
    ({"stride": (0, 1)}, ValueError, "stride"),
    ({"stride": (1,)}, ValueError, "stride"),
    ({"stride": 1}, TypeError, "stride"),
    ({"stride": (1.0, 1)}, TypeError, "stride"),
    ({"stride": (True, 1)}, TypeError, "stride"),
    ({"dilation": (1, -1)}, ValueError, "dilation"),
    ({"dilation": (1, 1, 1)}, ValueError, "dilation"),
    ({"padding": ((1, 1),)}, ValueError, "padding"),
    ({"padding": ((-1, 0), (0, 0))}, ValueError, "padding"),
    ({"padding": (1, 1)}, TypeError, "padding"),
    ({"padding": ((1.5, 0), (0, 0))}, TypeError, "padding"),
    ({"weight": np.ones((6, 2, 9, 3), np.float32)}, ValueError, "weight.shape"),
    ({"dilation": (4, 1)}, ValueError, "weight.shape"),
])
def test_bad_arguments_raise_naming_the_argument(changes, exc, arg):
    with pytest.raises(exc, match=rf"^conv_nd: `{arg}` must be .*, got .*\.$"):
        conv_nd(**_args(**changes))


def test_kernel_too_large_message_gives_the_sizes():
    with pytest.raises(ValueError, match=r"dilated extent \(5, 9\) fits in the padded input "
                                         r"\(8, 8\)"):
        conv_nd(**_args(weight=np.ones((6, 2, 5, 9), np.float32)))


def test_cached_geometry_does_not_hide_a_bad_stride_type():
    conv_nd(**_args())  # caches the valid (1, 1) configuration
    with pytest.raises(TypeError, match="`stride`"):
        conv_nd(**_args(stride=(1.0, 1.0)))
    with pytest.raises(TypeError, match="`groups`"):
        conv_nd(**_args(groups=2.0))


@pytest.mark.parametrize(("call", "exc", "arg"), [
    (lambda: resolve_padding("full", 0, (6, 6), (3, 3), (1, 1), (1, 1)), ValueError, "pad_mode"),
    (lambda: resolve_padding(None, 0, (6, 6), (3, 3), (1, 1), (1, 1)), TypeError, "pad_mode"),
    (lambda: resolve_padding("same", 1, (6, 6), (3, 3), (1, 1), (1, 1)), ValueError, "pad"),
    (lambda: resolve_padding("valid", (0, 0, 1, 0), (6, 6), (3, 3), (1, 1), (1, 1)),
     ValueError, "pad"),
    (lambda: resolve_padding("pad", -1, (6, 6), (3, 3), (1, 1), (1, 1)), ValueError, "pad"),
    (lambda: resolve_padding("pad", (1, 1, 1), (6, 6), (3, 3), (1, 1), (1, 1)), ValueError,
     "pad"),
    (lambda: resolve_padding("pad", 1.5, (6, 6), (3, 3), (1, 1), (1, 1)), TypeError, "pad"),
    (lambda: resolve_padding("pad", "1", (6, 6), (3, 3), (1, 1), (1, 1)), TypeError, "pad"),
    (lambda: resolve_padding("pad", 1, (6, 6), (3, 3), (1, 0), (1, 1)), ValueError, "stride"),
    (lambda: resolve_padding("pad", 1, (6, 6), (3, 3), (1, 1), (1,)), ValueError, "dilation"),
    (lambda: resolve_padding("pad", 1, (6, 6), (3,), (1, 1), (1, 1)), ValueError,
     "kernel_size"),
    (lambda: resolve_padding("pad", 1, (6,), (3,), (1,), (1,)), ValueError, "input_spatial"),
])
def test_resolve_padding_errors(call, exc, arg):
    with pytest.raises(exc, match=rf"^conv_nd: `{arg}` must be"):
        call()


def test_resolve_padding_uses_the_callers_names():
    with pytest.raises(ValueError, match=r"^Conv2d: `padding` must be 0 when pad_mode is 'same'"):
        resolve_padding("same", 1, (6, 6), (3, 3), (1, 1), (1, 1), "Conv2d", pad_arg="padding")


@pytest.mark.parametrize(("backend", "exc"), [("cudnnx", ValueError), ("GEMM", ValueError),
                                               (1, TypeError)])
def test_bad_backend_argument(backend, exc):
    with pytest.raises(exc, match="^conv_nd: `backend` must be one of"):
        conv_nd(**_args(), backend=backend)


def test_bad_backend_environment_variable(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "fastest")
    with pytest.raises(ValueError, match=f"`environment variable {ENV_VAR}` must be one of"):
        conv_nd(**_args())


# --------------------------------------------------------------------------- backend choice

def test_numpy_arrays_use_gemm_and_say_why():
    with _backend.use_backend("numpy"):
        assert available_conv_backends() == ("gemm",)
        assert conv_backend_for() == "gemm"
        info = conv_backend_info()
    assert info["default"] == "gemm" and "NumPy" in info["cudnn_unavailable"]
    conv_nd(**_args())
    dispatch = last_conv_dispatch()
    assert dispatch is not None and dispatch.backend == "gemm"
    assert "NumPy arrays" in dispatch.reason


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_forcing_cudnn_on_numpy_is_an_error_not_a_fallback(monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv(ENV_VAR, "cudnn")
        kwargs: dict[str, Any] = {}
    else:
        kwargs = {"backend": "cudnn"}
    with pytest.raises(RuntimeError, match="cuDNN convolution backend was asked for, but the "
                                           "inputs are NumPy arrays"):
        conv_nd(**_args(), **kwargs)


def test_environment_variable_picks_the_default_and_the_argument_wins(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "cudnn")
    assert conv_backend_for(np.ones(1)) == "cudnn"
    y = conv_nd(**_args(), backend="gemm")
    assert last_conv_dispatch().backend == "gemm"
    monkeypatch.setenv(ENV_VAR, " GEMM ")
    np.testing.assert_array_equal(conv_nd(**_args()), y)
    assert conv_backend_for() == "gemm"


def _pretend_cudnn(monkeypatch: pytest.MonkeyPatch, conv: Any) -> None:
    monkeypatch.setattr(_conv, "cudnn_unavailable_reason", lambda x=None: None)
    monkeypatch.setattr(_conv, "conv_cudnn", conv)


def test_auto_falls_back_to_gemm_when_cudnn_rejects_and_keeps_the_reason(monkeypatch):
    def reject(x: Any, w: Any, geom: Any) -> Any:
        raise _conv_cudnn.CudnnUnsupported("cuDNN rejected it for this test")

    _pretend_cudnn(monkeypatch, reject)
    args = _args()
    y = conv_nd(**args)
    assert last_conv_dispatch() == ("gemm", "cuDNN rejected it for this test")
    check_close(y, args["x"], args["weight"], (1, 1), ((1, 1), (1, 1)), (1, 1), 2, "float32")
    with pytest.raises(RuntimeError, match="asked for, but cuDNN rejected it for this test"):
        conv_nd(**args, backend="cudnn")


def test_float64_arrays_are_reported_as_gemm_even_where_cudnn_is_usable(monkeypatch):
    monkeypatch.setattr(_conv, "cudnn_unavailable_reason", lambda x=None: None)
    assert conv_backend_for(np.ones(2, np.float64)) == "gemm"
    assert conv_backend_for(np.ones(2, np.float32)) == "cudnn"


def test_auto_uses_cudnn_when_it_accepts(monkeypatch):
    sentinel = object()
    _pretend_cudnn(monkeypatch, lambda x, w, geom: sentinel)
    assert conv_nd(**_args()) is sentinel
    assert last_conv_dispatch() == ("cudnn", None)
    assert conv_nd(**_args(), backend="cudnn") is sentinel


# --------------------------------------------------------------------------- cuDNN glue on CPU

def test_cudnn_module_is_harmless_without_the_package(monkeypatch):
    _conv_cudnn._import_cudnn.cache_clear()
    monkeypatch.setitem(sys.modules, "cudnn", None)  # makes `import cudnn` fail
    try:
        module, reason = _conv_cudnn._import_cudnn()
        assert module is None and "does not import" in reason and "gpuparam[cudnn]" in reason
        with _backend.use_backend("numpy"):
            assert available_conv_backends() == ("gemm",)
            assert not _conv_cudnn.cudnn_available()
    finally:
        _conv_cudnn._import_cudnn.cache_clear()


# --------------------------------------------------------------------------- libcudart preload

class _FakeLoader:
    """``dlopen`` by name (``ctypes.CDLL``) and ``cuda.pathfinder``, each loading only what
    it is told to, recording what was asked."""

    def __init__(self, sonames: tuple[str, ...] = (), pathfinder: str | None = None) -> None:
        self.sonames, self.pathfinder, self.asked = sonames, pathfinder, []

    def open_soname(self, name: str) -> object:
        self.asked.append(name)
        if name not in self.sonames:
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")
        return object()

    def find_with_pathfinder(self, name: str) -> str:
        self.asked.append(f"pathfinder:{name}")
        if self.pathfinder is None:
            raise RuntimeError(f'Failure finding "{name}" (fake DynamicLibNotFoundError)')
        return self.pathfinder

    def load(self, major: int | None) -> Any:
        from gpuparam._backend import libraries
        return libraries.load_cudart(major, open_soname=self.open_soname,
                                     find_with_pathfinder=self.find_with_pathfinder,
                                     maps=lambda: "")


MAPS_LINE = "7f00-7f10 r-xp 00000000 08:01 42   /site/nvidia/cu13/lib/libcudart.so.13\n"


@pytest.mark.parametrize(("major", "order"), [(13, ["libcudart.so.13", "libcudart.so.12"]),
                                              (12, ["libcudart.so.12", "libcudart.so.13"]),
                                              (None, ["libcudart.so.13", "libcudart.so.12"])])
def test_cudart_preload_tries_cupys_major_then_the_other_then_pathfinder(monkeypatch, major, order):
    monkeypatch.delenv("CUDNN_FRONTEND_CUDART_LIB_NAME", raising=False)
    loader = _FakeLoader()
    missing = loader.load(major)
    assert loader.asked == order + ["pathfinder:cudart"]
    assert not missing.loaded and missing.path is None
    reason = missing.reason()
    assert reason.startswith("no libcudart loads (") and "fake DynamicLibNotFoundError" in reason
    assert all(f"dlopen({name}): {name}: cannot open" in reason for name in order)
    # The first that loads wins, and nothing after it is tried (one major per process).
    loader = _FakeLoader(sonames=tuple(order))
    found = loader.load(major)
    assert loader.asked == order[:1] and found.via == order[0] and found.attempts == ()
    assert found.loaded and found.reason() is None
    loader = _FakeLoader(sonames=(order[1],))
    assert loader.load(major).via == order[1] and loader.asked == order


def test_cudart_preload_falls_back_to_pathfinder_and_reports_where(monkeypatch):
    from gpuparam._backend import libraries
    monkeypatch.delenv("CUDNN_FRONTEND_CUDART_LIB_NAME", raising=False)
    loader = _FakeLoader(pathfinder="/site/nvidia/cu13/lib/libcudart.so.13")
    load = loader.load(13)
    assert (load.via, load.path) == ("cuda.pathfinder", "/site/nvidia/cu13/lib/libcudart.so.13")
    assert len(load.attempts) == 2  # both sonames failed first
    # A soname load reports the file the loader mapped (read from /proc/self/maps).
    load = libraries.load_cudart(13, open_soname=lambda name: None, maps=lambda: MAPS_LINE)
    assert (load.via, load.path) == ("libcudart.so.13", "/site/nvidia/cu13/lib/libcudart.so.13")
    assert libraries.mapped_paths("libcudart", MAPS_LINE + MAPS_LINE + "7f20-7f30 r--p 0 0:0 0\n") \
        == ["/site/nvidia/cu13/lib/libcudart.so.13"]
    # Frontend 1.32 loads $CUDNN_FRONTEND_CUDART_LIB_NAME instead: that is tried first.
    monkeypatch.setenv("CUDNN_FRONTEND_CUDART_LIB_NAME", "/opt/cuda/lib64/libcudart.so.13")
    loader = _FakeLoader(sonames=("/opt/cuda/lib64/libcudart.so.13",))
    assert loader.load(13).via == "/opt/cuda/lib64/libcudart.so.13"
    assert loader.asked == ["/opt/cuda/lib64/libcudart.so.13"]


def test_cudart_preload_with_this_machines_loader():
    """The real dlopen and cuda.pathfinder: whatever this machine has, the answer is true."""
    from gpuparam._backend import libraries
    load = libraries.load_cudart()
    if load.loaded:
        assert os.path.isfile(load.path) or load.path in libraries.CUDART_SONAMES.values()
        assert any("libcudart.so" in path for path in libraries.mapped_paths("libcudart"))
    else:
        assert "dlopen(libcudart.so.13)" in load.reason() and "cuda.pathfinder" in load.reason()


def test_a_frontend_without_libcudart_is_unavailable_with_the_reason(monkeypatch, caplog):
    from gpuparam._backend import libraries
    missing = libraries.LibraryLoad("libcudart", None, None,
                                    ("dlopen(libcudart.so.13): not found", "cuda.pathfinder: no"))
    monkeypatch.setattr(libraries, "cudart", lambda: missing)
    monkeypatch.setitem(sys.modules, "cudnn", SimpleNamespace(__version__="1.32.0",
                                                              backend_version=lambda: 92800))
    monkeypatch.setattr(_conv_cudnn, "_backend", SimpleNamespace(
        is_device_array=lambda a: True, gpu_unavailable_reason=lambda: None))
    for cached in (_conv_cudnn._import_cudnn, _conv_cudnn._preload_reason):
        cached.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="gpuparam"):
            reason = _conv_cudnn.cudnn_unavailable_reason(_dev(np.ones(2, np.float32)))
            again = _conv_cudnn.cudnn_unavailable_reason(_dev(np.ones(2, np.float32)))
        assert _conv_cudnn._import_cudnn()[0] is sys.modules["cudnn"]  # the frontend imports
    finally:
        for cached in (_conv_cudnn._import_cudnn, _conv_cudnn._preload_reason):
            cached.cache_clear()
    assert reason == again and reason.startswith("the cuDNN frontend needs the CUDA runtime")
    assert "dlopen(libcudart.so.13): not found; cuda.pathfinder: no" in reason
    assert "nvidia-cuda-runtime" in reason and "LD_LIBRARY_PATH" in reason
    # Said once, loudly, not per call.
    assert [r.levelname for r in caplog.records if "CUDA runtime" in r.getMessage()] == ["WARNING"]


def test_a_build_that_cannot_load_libcudart_makes_cudnn_unavailable_once(fake_cudnn, caplog):
    fake = fake_cudnn(build_error=RuntimeError("Unable to load any libcudart.so.* library."))
    x, w = np.ones((1, 2, 5, 5), np.float32), np.ones((3, 2, 3, 3), np.float32)
    args = dict(stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1)
    geom = conv_geometry(x, w, **args)
    with caplog.at_level("WARNING", logger="gpuparam"):
        with pytest.raises(_conv_cudnn.CudnnUnsupported, match="needs the CUDA runtime"):
            _conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)
        reason = _conv_cudnn.cudnn_unavailable_reason(_dev(x))
        assert reason.startswith("the cuDNN frontend needs the CUDA runtime")
        assert "Unable to load any libcudart.so.* library." in reason
        y = conv_nd(_dev(x), _dev(w), **args)  # auto: GEMM, with the reason, no new build
    assert np.all(np.asarray(y) == 18) and len(fake.graphs) == 1
    assert last_conv_dispatch() == ("gemm", reason)
    with pytest.raises(RuntimeError, match="needs the CUDA runtime"):
        conv_nd(_dev(x), _dev(w), backend="cudnn", **args)  # forced: an error that says why
    assert [r.levelname for r in caplog.records] == ["ERROR"]  # once, not per call


def test_only_the_cudnn_module_imports_cudnn_and_none_imports_cupy():
    ops = pathlib.Path(_conv.__file__).parent
    for path in ops.glob("_conv*.py"):
        text = path.read_text()
        assert "import cupy" not in text, path
        if path.name != "_conv_cudnn.py":
            assert "import cudnn" not in text, path


def test_padding_split_keeps_the_symmetric_part_for_cudnn():
    extra, symmetric = _conv_cudnn._split_padding(((0, 1), (2, 2), (3, 1)))
    assert symmetric == (0, 2, 1)
    assert extra == ((0, 1), (0, 0), (2, 0))
    assert _conv_cudnn._packed_strides((2, 3, 4, 5)) == [60, 20, 5, 1]


class _FakeDevice:
    def __init__(self, device_id: int = 0) -> None:
        self.id = device_id

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


# Every fake device array whose pointer gpuparam took, so the fake frontend, which gets
# raw pointers as the real one does, can find the memory behind them.
_POINTERS: dict[int, np.ndarray] = {}


class _DeviceArray(np.ndarray):
    """A NumPy array that answers ``.device`` and ``.data.ptr`` as a CuPy array does."""

    device_id = 0

    @property
    def device(self) -> _FakeDevice:
        return _FakeDevice(self.device_id)

    @property
    def data(self) -> Any:  # type: ignore[override]
        _POINTERS[self.ctypes.data] = self
        return SimpleNamespace(ptr=self.ctypes.data)


def _dev(array: Any, device_id: int = 0) -> _DeviceArray:
    view = np.asarray(array).view(_DeviceArray)
    view.device_id = device_id
    return view


def _at(pointer: Any, shape: list[int], dtype: Any) -> np.ndarray:
    assert isinstance(pointer, int), f"the frontend got {type(pointer).__name__}, not a pointer"
    base = _POINTERS[pointer]
    return np.ndarray(shape, dtype=base.dtype if dtype is None else dtype, buffer=base)


class _FakeTensor:
    def __init__(self, name: str, dim: list[int], stride: list[int], data_type: Any) -> None:
        self.name, self.dim, self.stride, self.data_type = name, dim, stride, data_type
        self.is_output = False

    def set_output(self, value: bool) -> _FakeTensor:
        self.is_output = value
        return self

    def set_data_type(self, value: Any) -> _FakeTensor:
        self.data_type = value
        return self

    def set_dim(self, value: list[int]) -> _FakeTensor:
        self.dim = value
        return self

    def set_stride(self, value: list[int]) -> _FakeTensor:
        self.stride = value
        return self

    def get_stride(self) -> list[int]:
        return self.stride


class _NotSupported(RuntimeError):
    """The fake's ``cudnnGraphNotSupportedError``."""


class _FakeHandle:
    """The 1.28+ frontend's ``cudnn.Handle`` (earlier frontends use plain ints)."""


class _FakeCudnn:
    """Records what the glue asks of ``cudnn`` and computes the convolution in NumPy.

    ``generation='1.23'`` models the C++ ``pygraph`` (int handles); ``'1.32'`` the
    rewritten Python API (``Handle`` objects; ``set_stream`` rejects int handles). Both
    receive raw device pointers for the operands and the workspace.
    """

    data_type = SimpleNamespace(HALF="HALF", FLOAT="FLOAT", DOUBLE="DOUBLE")
    heur_mode = SimpleNamespace(A="A", FALLBACK="FALLBACK")
    numerical_note = SimpleNamespace(**{name: name for name in (
        "TENSOR_CORE", "DOWN_CONVERT_INPUTS", "REDUCED_PRECISION_REDUCTION", "FFT",
        "NONDETERMINISTIC", "WINOGRAD", "WINOGRAD_TILE_4x4", "WINOGRAD_TILE_6x6",
        "WINOGRAD_TILE_13x13", "STRICT_NAN_PROP")})
    cudnnGraphNotSupportedError = _NotSupported

    def __init__(self, reject: bool = False, generation: str = "1.23",
                 build_error: BaseException | None = None) -> None:
        self.reject, self.generation, self.build_error = reject, generation, build_error
        self.graphs, self.streams, self.handle_busy = [], [], []
        self.__version__ = f"{generation}.0"
        fake = self

        class Graph:
            def __init__(self, **kwargs: Any) -> None:
                fake.check_handle(kwargs["handle"])
                self.kwargs, self.calls, self.tensors = kwargs, [], {}
                fake.graphs.append(self)

            def tensor(self, name: str, dim: list[int], stride: list[int],
                       data_type: Any) -> _FakeTensor:
                self.tensors[name] = _FakeTensor(name, dim, stride, data_type)
                return self.tensors[name]

            def conv_fprop(self, image: Any, weight: Any, **kwargs: Any) -> _FakeTensor:
                self.conv = kwargs
                self.tensors["Y"] = _FakeTensor("Y", [], [], None)
                return self.tensors["Y"]

            def __getattr__(self, name: str) -> Any:
                def step(*args: Any) -> None:
                    self.calls.append((name, args))
                    fake.handle_busy.append(fake.lock_held())
                    if name == "check_support" and fake.build_error is not None:
                        raise fake.build_error
                    if name == "check_support" and fake.reject:
                        raise _NotSupported("CUDNN_STATUS_NOT_SUPPORTED (fake)")
                return step

            def get_workspace_size(self) -> int:
                return 256

            def execute(self, pack: dict[Any, Any], workspace: Any, handle: Any = None) -> None:
                assert handle is self.kwargs["handle"]  # runs on the stream set on it
                t = self.tensors
                io = {"HALF": np.float16, "FLOAT": np.float32}[t["X"].data_type]
                x, w, y = (_at(pack[t[n]], t[n].dim, io) for n in ("X", "W", "Y"))
                assert _at(workspace, [256], np.uint8).nbytes == 256
                assert all(pack[t[n]] % 16 == 0 for n in ("X", "W", "Y"))
                pads = tuple(zip(self.conv["pre_padding"], self.conv["post_padding"]))
                groups = x.shape[1] // w.shape[1]
                y[...] = reference_conv(x, w, tuple(self.conv["stride"]), pads,
                                        tuple(self.conv["dilation"]), groups)

        self.pygraph = Graph
        self.lock_held = lambda: None

    def backend_version(self) -> int:
        return 91000

    def create_handle(self) -> Any:
        return 7 if self.generation == "1.23" else _FakeHandle()

    def check_handle(self, handle: Any) -> None:
        wanted = int if self.generation == "1.23" else _FakeHandle
        assert isinstance(handle, wanted), f"frontend {self.generation} got handle {handle!r}"

    def set_stream(self, handle: Any, stream: int) -> None:
        self.check_handle(handle)
        assert isinstance(stream, int)
        self.streams.append(stream)


@pytest.fixture
def fake_cudnn(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(reject: bool = False, generation: str = "1.23",
                build_error: BaseException | None = None) -> _FakeCudnn:
        fake = _FakeCudnn(reject, generation, build_error)
        xp = SimpleNamespace(
            pad=lambda a, widths: _dev(np.pad(a, widths)),
            ascontiguousarray=lambda a: _dev(np.ascontiguousarray(a)),
            empty=lambda shape, dtype: _dev(np.empty(shape, dtype)), uint8=np.uint8,
            cuda=SimpleNamespace(Device=lambda i: nullcontext(),
                                 get_current_stream=lambda: SimpleNamespace(ptr=4242)))
        monkeypatch.setattr(_conv_cudnn, "_import_cudnn", lambda: (fake, None))
        monkeypatch.setattr(_conv_cudnn, "_backend", SimpleNamespace(
            get_array_module=lambda *a: xp, is_device_array=lambda a: True,
            gpu_unavailable_reason=lambda: None, active_backend=lambda: "cupy"))
        monkeypatch.setattr(_conv_cudnn, "_handles", {})
        monkeypatch.setattr(_conv_cudnn, "_preload_reason", lambda: None)  # libcudart loaded
        monkeypatch.setattr(_conv_cudnn, "_runtime_missing", [])
        # Whether the handle's lock is held while the graph is built (cuDNN requires it).
        fake.lock_held = lambda: all(lock.locked() for _, lock in _conv_cudnn._handles.values())
        _conv_cudnn.clear_graph_cache()
        return fake

    yield install
    _conv_cudnn.clear_graph_cache()
    _POINTERS.clear()


@pytest.mark.parametrize("generation", ["1.23", "1.32"])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_cudnn_glue_builds_caches_and_computes(fake_cudnn, dtype, generation):
    fake = fake_cudnn(generation=generation)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 4, 6, 7)).astype(dtype)
    w = rng.standard_normal((6, 2, 2, 3)).astype(dtype)
    # 'same' with an even kernel pads one more after: cuDNN gets the symmetric part.
    padding = resolve_padding("same", 0, (6, 7), (2, 3), (1, 2), (1, 1))
    assert padding == ((0, 1), (1, 1))
    geom = conv_geometry(x, w, stride=(1, 2), padding=padding, dilation=(1, 1), groups=2)
    for _ in range(2):
        y = _conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)
        check_close(np.asarray(y), x, w, (1, 2), padding, (1, 1), 2, dtype)
    assert len(fake.graphs) == 1
    assert _conv_cudnn.graph_cache_info() == {"hits": 1, "misses": 1, "size": 1, "rejected": 0}
    graph = fake.graphs[0]
    assert graph.kwargs["io_data_type"] == {"float16": "HALF", "float32": "FLOAT"}[dtype]
    assert graph.kwargs["compute_data_type"] == "FLOAT"  # float16 accumulates in float32
    assert graph.conv["pre_padding"] == [0, 1] and graph.conv["post_padding"] == [0, 1]
    assert graph.tensors["X"].dim == [2, 4, 7, 7]  # one explicit row after
    assert graph.tensors["Y"].dim == [2, 6, 6, 4] and graph.tensors["Y"].is_output
    assert graph.tensors["Y"].stride == [144, 24, 4, 1]  # packed NCHW, not NHWC
    steps = [name for name, _ in graph.calls]
    assert steps[:3] == ["validate", "build_operation_graph", "create_execution_plans"]
    assert steps[-2:] == ["check_support", "build_plans"]
    assert ("deselect_workspace_greater_than", (_conv_cudnn.WORKSPACE_LIMIT_BYTES,)) in graph.calls
    (deselected,) = [args[0] for name, args in graph.calls if name == "deselect_numeric_notes"]
    if dtype == "float16":  # float32 accumulation, as the docs promise
        assert deselected == ["REDUCED_PRECISION_REDUCTION"]
    else:  # no TF32, no down-conversion, no Winograd or FFT rounding
        assert set(deselected) == {"TENSOR_CORE", "DOWN_CONVERT_INPUTS", "FFT", "WINOGRAD",
                                   "WINOGRAD_TILE_4x4", "WINOGRAD_TILE_6x6",
                                   "WINOGRAD_TILE_13x13"}
    assert fake.streams == [4242] * 2
    assert all(fake.handle_busy), "the graph was built without holding the handle's lock"


def test_tf32_switch_lets_float32_use_tensor_cores(fake_cudnn):
    import gpuparam
    fake = fake_cudnn()
    x, w = np.ones((1, 2, 5, 5), np.float32), np.ones((3, 2, 3, 3), np.float32)
    geom = conv_geometry(x, w, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                         groups=1)
    gpuparam.set_context(gpu_config={"conv_allow_tf32": True})
    try:
        assert gpuparam.get_context("gpu_config") == {"conv_allow_tf32": True}
        y = _conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)
    finally:
        gpuparam.set_context(gpu_config={"conv_allow_tf32": False})
    _conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)  # TF32 off again: another graph
    assert np.all(np.asarray(y) == 18)
    first, second = ([args[0] for name, args in g.calls if name == "deselect_numeric_notes"][0]
                     for g in fake.graphs)
    assert "TENSOR_CORE" not in first and "DOWN_CONVERT_INPUTS" in first
    assert "TENSOR_CORE" in second


@pytest.mark.parametrize(("config", "exc", "match"), [
    ({"conv_allow_tf32": 1}, TypeError, r"`gpu_config\['conv_allow_tf32'\]` must be a bool"),
    ({"matmul_allow_tf32": True}, ValueError, "`gpu_config key` must be one of"),
    ([("conv_allow_tf32", True)], TypeError, "`gpu_config` must be a dict"),
])
def test_bad_gpu_config_is_rejected_and_changes_nothing(config, exc, match):
    import gpuparam
    with pytest.raises(exc, match=match):
        gpuparam.set_context(gpu_config=config)
    assert gpuparam.get_context("gpu_config") == {"conv_allow_tf32": False}


def test_float64_goes_straight_to_gemm_without_a_build(fake_cudnn, monkeypatch):
    fake = fake_cudnn()
    x, w = np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3))
    geom = conv_geometry(x, w, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                         groups=1)
    with pytest.raises(_conv_cudnn.CudnnUnsupported, match="no float64 convolution engines"):
        _conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)
    monkeypatch.setattr(_conv, "cudnn_unavailable_reason", lambda x=None: None)
    y = conv_nd(_dev(x), _dev(w), stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                groups=1)
    assert np.all(np.asarray(y) == 18) and fake.graphs == []
    assert last_conv_dispatch() == ("gemm", "cuDNN's graph API has no float64 convolution "
                                            "engines; float64 runs on cuBLAS")


@pytest.mark.parametrize("generation", ["1.23", "1.32"])
def test_cudnn_rejection_is_remembered_and_auto_falls_back(fake_cudnn, monkeypatch, generation):
    fake = fake_cudnn(reject=True, generation=generation)
    x = np.ones((1, 2, 5, 5), np.float32)
    w = np.ones((3, 2, 3, 3), np.float32)
    geom = conv_geometry(x, w, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                         groups=1)
    for _ in range(2):
        with pytest.raises(_conv_cudnn.CudnnUnsupported, match="NOT_SUPPORTED"):
            _conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)
    assert len(fake.graphs) == 1  # the second call did not rebuild
    assert _conv_cudnn.graph_cache_info()["rejected"] == 1
    monkeypatch.setattr(_conv, "cudnn_unavailable_reason", lambda x=None: None)
    y = conv_nd(_dev(x), _dev(w), stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                groups=1)
    assert np.all(np.asarray(y) == 18)
    assert last_conv_dispatch().backend == "gemm"
    assert "NOT_SUPPORTED" in last_conv_dispatch().reason


@pytest.mark.parametrize("error", [MemoryError("out of memory allocating 4096 bytes"),
                                   OSError("libcudnn_engines_precompiled.so.9: cannot open")])
def test_transient_build_failures_are_not_remembered(fake_cudnn, error):
    fake = fake_cudnn(build_error=error)
    x, w = np.ones((1, 2, 5, 5), np.float32), np.ones((3, 2, 3, 3), np.float32)
    geom = conv_geometry(x, w, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                         groups=1)
    with pytest.raises(_conv_cudnn.CudnnUnsupported, match=type(error).__name__):
        _conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)
    assert _conv_cudnn.graph_cache_info()["size"] == 0
    fake.build_error = None  # the next call builds again, and succeeds
    assert np.all(np.asarray(_conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)) == 18)
    assert len(fake.graphs) == 2


def test_workspace_out_of_memory_falls_back_without_rejecting(fake_cudnn, monkeypatch):
    fake = fake_cudnn()
    x, w = np.ones((1, 2, 5, 5), np.float32), np.ones((3, 2, 3, 3), np.float32)
    geom = conv_geometry(x, w, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                         groups=1)
    xp = _conv_cudnn._backend.get_array_module()
    real_empty = xp.empty

    def empty(shape: Any, dtype: Any) -> Any:
        if dtype is np.uint8:
            raise MemoryError("Out of memory allocating 256 bytes (fake)")
        return real_empty(shape, dtype)

    monkeypatch.setattr(xp, "empty", empty)
    with pytest.raises(_conv_cudnn.CudnnUnsupported, match="MemoryError"):
        _conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)
    assert _conv_cudnn.graph_cache_info()["rejected"] == 0
    monkeypatch.setattr(xp, "empty", real_empty)
    assert np.all(np.asarray(_conv_cudnn.conv_cudnn(_dev(x), _dev(w), geom)) == 18)
    assert len(fake.graphs) == 1  # the built graph was kept


def test_cudnn_rejects_operands_on_two_devices(fake_cudnn):
    fake_cudnn()
    x, w = np.ones((1, 2, 5, 5), np.float32), np.ones((3, 2, 3, 3), np.float32)
    geom = conv_geometry(x, w, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                         groups=1)
    with pytest.raises(ValueError, match=r"`x` is on GPU 0 and `weight` on GPU 1"):
        _conv_cudnn.conv_cudnn(_dev(x), _dev(w, device_id=1), geom)


# --------------------------------------------------------------------------- GPU only

@pytest.mark.gpu
def test_cudnn_graph_cache_is_hit_on_the_second_call():
    with _backend.use_backend("cupy") as cp:
        skip_unless_usable(cp, "cudnn")
        _conv_cudnn.clear_graph_cache()
        x = cp.ones((2, 3, 9, 9), cp.float32)
        w = cp.ones((4, 3, 3, 3), cp.float32)
        args = dict(stride=(1, 1), padding=((1, 1), (1, 1)), dilation=(1, 1), groups=1)
        first = conv_nd(x, w, backend="cudnn", **args)
        second = conv_nd(x, w, backend="cudnn", **args)
        info = _conv_cudnn.graph_cache_info()
        assert (info["misses"], info["hits"]) == (1, 1)
        assert bool((first == second).all())


@pytest.mark.gpu
@pytest.mark.parametrize("backend", ["cudnn", "gemm"])
def test_forced_gpu_backends_run_and_agree(monkeypatch, backend):
    with _backend.use_backend("cupy") as cp:
        skip_unless_usable(cp, backend)
        monkeypatch.setenv(ENV_VAR, backend)
        rng = np.random.default_rng(9)
        x = rng.standard_normal((2, 6, 11, 10)).astype(np.float32)
        w = rng.standard_normal((4, 3, 3, 2)).astype(np.float32)
        args = dict(stride=(2, 1), padding=((1, 1), (0, 1)), dilation=(1, 2), groups=2)
        x_dev, w_dev = cp.asarray(x), cp.asarray(w)
        cp.cuda.get_current_stream().synchronize()  # test setup only
        spin = cp.RawKernel(SPIN, "gpuparam_test_conv_spin")
        stream = _backend.new_stream()
        with _backend.stream(stream):
            # The input is written on the side stream only after a ~0.2 s spin: a
            # convolution on any other stream would read it before it is there.
            spin((1,), (1,), (cp.int64(400_000_000),))
            x_late = x_dev * 1
            y = conv_nd(x_late, w_dev, **args)
        stream.synchronize()
        assert last_conv_dispatch().backend == backend
        assert conv_backend_for(cp.asarray(x)) == backend
        check_close(y, x, w, args["stride"], args["padding"], args["dilation"], 2, "float32")


SPIN = r"""
extern "C" __global__ void gpuparam_test_conv_spin(long long cycles) {
    long long start = clock64();
    while (clock64() - start < cycles) { }
}
"""


@pytest.mark.gpu
def test_tf32_switch_on_the_gpu():
    import gpuparam
    with _backend.use_backend("cupy") as cp:
        skip_unless_usable(cp, "cudnn")
        rng = np.random.default_rng(12)
        x = rng.standard_normal((8, 64, 16, 16)).astype(np.float32)
        w = rng.standard_normal((64, 64, 3, 3)).astype(np.float32)
        args = dict(stride=(1, 1), padding=((1, 1), (1, 1)), dilation=(1, 1), groups=1)
        exact = run_conv(cp, "cudnn", x, w, **args)
        gpuparam.set_context(gpu_config={"conv_allow_tf32": True})
        try:
            fast = run_conv(cp, "cudnn", x, w, **args)
        finally:
            gpuparam.set_context(gpu_config={"conv_allow_tf32": False})
        check_close(exact, x, w, (1, 1), ((1, 1), (1, 1)), (1, 1), 1, "float32")
        # TF32 rounds each product's inputs to a 10-bit mantissa: ~1e-3 of the magnitude sum.
        ref = reference_conv(x, w, (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
        bound = reference_conv(np.abs(x), np.abs(w), (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
        assert np.all(np.abs(_backend.to_host(fast) - ref) <= 2e-3 * bound)


@pytest.mark.gpu
def test_mixed_numpy_and_cupy_arrays_are_rejected():
    with _backend.use_backend("cupy") as cp:
        with pytest.raises(TypeError, match="`weight` must be an array of the same module"):
            conv_nd(cp.ones((1, 2, 4, 4), cp.float32), np.ones((2, 2, 3, 3), np.float32),
                    stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1)
