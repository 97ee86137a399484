"""Resizing operators of ``mindspore.ops``: ``interpolate``, ``ResizeNearestNeighbor``,
``ResizeBilinear`` (MindSpore 1.x's, which model files still use), ``DepthToSpace``,
``CropAndResize`` and ``ROIAlign``; fronts over ``_array_ops.resize``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._array_ops import pooling as _pooling
from .._array_ops import resize as _resize
from .._errors import check_bool, check_choice, check_int, check_real, type_error, value_error
from .._tensor import Tensor
from ._checks import float_input, ndim_input, tensor_input
from .primitive import Primitive


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _size_pair(where: str, size: Any) -> tuple[int, int]:
    if isinstance(size, list):
        size = tuple(size)
    if not isinstance(size, tuple) or len(size) != 2 or not all(_is_int(s) for s in size):
        raise type_error(where, "size", size, "a tuple of two ints (height, width)")
    if any(s < 1 for s in size):
        raise value_error(where, "size", size, "two ints >= 1")
    return int(size[0]), int(size[1])


class ResizeNearestNeighbor(Primitive):
    """``ResizeNearestNeighbor(size, align_corners=False, half_pixel_centers=False)(x)``:
    nearest-neighbour resize of an ``(N, C, H, W)`` tensor (any dtype) to ``size``, with
    TensorFlow's source rule (``floor(i * H / h)``; centres with ``half_pixel_centers``;
    ``round(i * (H - 1) / (h - 1))`` with ``align_corners``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[[[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]]]], np.float32))
        >>> ops.ResizeNearestNeighbor(size=(2, 2))(x).asnumpy()
        array([[[[-0.1,  0.3],
                 [ 0.4,  0.5]]]], dtype=float32)
    """

    def __init__(self, size: Any, align_corners: bool = False,
                 half_pixel_centers: bool = False) -> None:
        super().__init__("ResizeNearestNeighbor")
        where = self.name
        self.add_prim_attr("size", _size_pair(where, size))
        self.add_prim_attr("align_corners", check_bool(where, "align_corners", align_corners))
        self.add_prim_attr("half_pixel_centers",
                           check_bool(where, "half_pixel_centers", half_pixel_centers))
        if align_corners and half_pixel_centers:
            raise ValueError(f"{where}: `align_corners` and `half_pixel_centers` cannot both "
                             "be True.")

    def __call__(self, input_x: Any) -> Tensor:
        array = tensor_input(self.name, "input_x", input_x)
        ndim_input(self.name, "input_x", array, (4,), "(N, C, H, W)")
        if self.align_corners:
            out = _resize.resize_nearest(array, self.size, "align_corners", rounding="round")
        else:
            mode = "half_pixel" if self.half_pixel_centers else "asymmetric"
            out = _resize.resize_nearest(array, self.size, mode)
        return Tensor._wrap(out)


class ResizeBilinear(Primitive):
    """``ResizeBilinear(size, align_corners=False, half_pixel_centers=False)(x)``:
    bilinear resize of a float ``(N, C, H, W)`` tensor, as MindSpore 1.x's (MindSpore 2.x
    calls it ``ResizeBilinearV2`` and takes ``size`` in the call). The source coordinate
    is ``i * H / h`` (TensorFlow's legacy rule), ``(i + 0.5) * H / h - 0.5`` with
    ``half_pixel_centers``, ``i * (H - 1) / (h - 1)`` with ``align_corners``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[[[0.0, 1.0], [2.0, 3.0]]]], np.float32))
        >>> ops.ResizeBilinear((3, 3), align_corners=True)(x).asnumpy()[0, 0]
        array([[0. , 0.5, 1. ],
               [1. , 1.5, 2. ],
               [2. , 2.5, 3. ]], dtype=float32)
    """

    def __init__(self, size: Any, align_corners: bool = False,
                 half_pixel_centers: bool = False) -> None:
        super().__init__("ResizeBilinear")
        where = self.name
        self.add_prim_attr("size", _size_pair(where, size))
        self.add_prim_attr("align_corners", check_bool(where, "align_corners", align_corners))
        self.add_prim_attr("half_pixel_centers",
                           check_bool(where, "half_pixel_centers", half_pixel_centers))
        if align_corners and half_pixel_centers:
            raise ValueError(f"{where}: `align_corners` and `half_pixel_centers` cannot both "
                             "be True.")

    def __call__(self, x: Any) -> Tensor:
        array = float_input(self.name, "x", x)
        ndim_input(self.name, "x", array, (4,), "(N, C, H, W)")
        mode = ("align_corners" if self.align_corners
                else "half_pixel" if self.half_pixel_centers else "asymmetric")
        return Tensor._wrap(_resize.resize_linear(array, self.size, mode))


_INTERPOLATE_RANKS = {"nearest": (3, 4, 5), "nearest-exact": (3, 4), "linear": (3,),
                      "bilinear": (4,), "bicubic": (4,), "trilinear": (5,), "area": (3, 4, 5)}


def _legacy_interpolate_args(where: str, legacy: dict[str, Any]) -> dict[str, Any]:
    """MindSpore 1.x's ``interpolate(x, sizes=, scales=, coordinate_transformation_mode=)``
    keywords, which model files written for it still pass."""
    unknown = sorted(set(legacy) - {"sizes", "scales", "coordinate_transformation_mode", "roi"})
    if unknown:
        raise TypeError(f"{where}: unexpected keyword argument(s) {unknown}.")
    if legacy.get("roi") is not None:
        raise NotImplementedError(f"{where}: `roi` (the 'tf_crop_and_resize' mode) is not supported.")
    out: dict[str, Any] = {}
    if legacy.get("sizes") is not None:
        out["size"] = legacy["sizes"]
    if legacy.get("scales") is not None:
        scales = tuple(legacy["scales"])
        out["scale_factor"] = scales[2:] if len(scales) > 2 else scales
    mode = legacy.get("coordinate_transformation_mode")
    if mode is not None:
        check_choice(where, "coordinate_transformation_mode", mode,
                     ("align_corners", "half_pixel", "asymmetric"))
        out["coordinate_mode"] = mode
    return out


def interpolate(input: Any, size: Any = None, scale_factor: Any = None,  # noqa: A002
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, **legacy: Any) -> Tensor:
    """Resize the spatial dims of an ``(N, C, *spatial)`` tensor, as MindSpore 2.x's
    (PyTorch's) ``interpolate``.

    Args:
        input: 3-, 4- or 5-d tensor; float except for the nearest modes.
        size: The output's spatial size (an int or one int per spatial dim).
        scale_factor: Or a factor per spatial dim (the output size is ``floor(n * f)``);
            the coordinates use ``1 / f`` unless ``recompute_scale_factor`` is True.
        mode: ``'nearest'`` (``floor(i * n / out)``), ``'nearest-exact'`` (pixel
            centres), ``'linear'``, ``'bilinear'``, ``'trilinear'``, ``'bicubic'``
            (TensorFlow's: ``A = -0.5`` at half-pixel centres, ``A = -0.75`` with
            ``align_corners``) or ``'area'`` (adaptive average pooling).
        align_corners: For the linear and cubic modes: map corner pixels onto each
            other (default False: half-pixel centres).
        **legacy: MindSpore 1.x's ``sizes``, ``scales`` (``(1, 1, sh, sw)``) and
            ``coordinate_transformation_mode``, as old model files pass them.

    Example:
        >>> from gpuparam import Tensor, ops, float32
        >>> x = Tensor([[[1, 2, 3], [4, 5, 6]]], float32)
        >>> ops.interpolate(x, size=(6,), mode='nearest').asnumpy()
        array([[[1., 1., 2., 2., 3., 3.],
                [4., 4., 5., 5., 6., 6.]]], dtype=float32)
    """
    where = "interpolate"
    coordinate_mode = None
    if legacy:
        converted = _legacy_interpolate_args(where, legacy)
        size = converted.get("size", size)
        scale_factor = converted.get("scale_factor", scale_factor)
        coordinate_mode = converted.get("coordinate_mode")
        if mode == "linear" and isinstance(input, Tensor) and input.ndim == 4:
            mode = "bilinear"  # MindSpore 1.x called 2-d bilinear resizing 'linear'
    check_choice(where, "mode", mode, tuple(_INTERPOLATE_RANKS))
    array = tensor_input(where, "input", input)
    if array.ndim not in _INTERPOLATE_RANKS[mode]:
        raise value_error(where, "input", tuple(array.shape),
                          f"a tensor of rank {list(_INTERPOLATE_RANKS[mode])} for mode {mode!r}")
    if mode not in ("nearest", "nearest-exact"):
        array = float_input(where, "input", input)
    nd = array.ndim - 2
    spatial = tuple(array.shape[2:])
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{where}: give exactly one of `size` and `scale_factor`.")
    scales: tuple[float | None, ...] = (None,) * nd
    if size is not None:
        sizes = (size,) * nd if _is_int(size) else tuple(size)
        if len(sizes) != nd or not all(_is_int(s) and s >= 1 for s in sizes):
            raise value_error(where, "size", size, f"an int or {nd} ints >= 1")
        sizes = tuple(int(s) for s in sizes)
    else:
        factors = (scale_factor,) * nd if isinstance(scale_factor, numbers.Real) \
            else tuple(scale_factor)
        if len(factors) != nd:
            raise value_error(where, "scale_factor", scale_factor, f"a number or {nd} numbers")
        factors = tuple(check_real(where, "scale_factor", f, positive=True) for f in factors)
        sizes = tuple(int(np.floor(n * f)) for n, f in zip(spatial, factors))
        if min(sizes) < 1:
            raise value_error(where, "scale_factor", scale_factor, "factors giving sizes >= 1")
        if not recompute_scale_factor:
            scales = tuple(1.0 / f for f in factors)
    if align_corners is not None:
        check_bool(where, "align_corners", align_corners)
        if mode not in ("linear", "bilinear", "trilinear", "bicubic") and align_corners:
            raise value_error(where, "align_corners", align_corners,
                              "None or False unless mode is linear, bilinear, trilinear or bicubic")
    corners = bool(align_corners) or coordinate_mode == "align_corners"
    if mode == "nearest":
        out = _resize.resize_nearest(array, sizes, coordinate_mode or "asymmetric", scales)
    elif mode == "nearest-exact":
        out = _resize.resize_nearest(array, sizes, "half_pixel", scales)
    elif mode == "area":
        out = _pooling.adaptive_avg_pool(array, sizes)
    elif mode == "bicubic":
        out = _resize.resize_cubic(array, sizes, corners, scales)
    else:
        linear_mode = "align_corners" if corners else (coordinate_mode or "half_pixel")
        out = _resize.resize_linear(array, sizes, linear_mode, scales)
    return Tensor._wrap(out)


class DepthToSpace(Primitive):
    """``DepthToSpace(block_size)(x)``: ``(N, C, H, W)`` to
    ``(N, C / block_size**2, H * block_size, W * block_size)`` (TensorFlow's DCR order).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.DepthToSpace(2)(Tensor(np.ones((1, 12, 1, 1), np.float32))).shape
        (1, 3, 2, 2)
    """

    def __init__(self, block_size: int) -> None:
        super().__init__("DepthToSpace")
        self.add_prim_attr("block_size", check_int(self.name, "block_size", block_size, minimum=2))
        self.add_prim_attr("data_format", "NCHW")

    def __call__(self, x: Any) -> Tensor:
        array = tensor_input(self.name, "x", x)
        ndim_input(self.name, "x", array, (4,), "(N, C, H, W)")
        if array.shape[1] % (self.block_size ** 2):
            raise value_error(self.name, "x", tuple(array.shape),
                              f"a channel count divisible by block_size**2 = {self.block_size ** 2}")
        return Tensor._wrap(_resize.depth_to_space(array, self.block_size))


class CropAndResize(Primitive):
    """``CropAndResize(method='bilinear', extrapolation_value=0.0)(image, boxes,
    box_index, crop_size)``: crops of an NHWC ``image`` resized to ``crop_size``, a
    Float32 ``(num_boxes, h, w, C)`` tensor.

    ``boxes`` ``(num_boxes, 4)`` Float32 are normalized ``(y1, x1, y2, x2)``;
    ``box_index`` (Int32) picks the image of each box. ``method``: ``'bilinear'``,
    ``'nearest'`` or ``'bilinear_v2'``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> image = Tensor(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
        >>> boxes = Tensor(np.array([[0.0, 0.0, 1.0, 1.0]], np.float32))
        >>> out = ops.CropAndResize()(image, boxes, Tensor(np.array([0], np.int32)), (2, 2))
        >>> out.asnumpy()[0, :, :, 0]
        array([[ 0.,  3.],
               [12., 15.]], dtype=float32)
    """

    def __init__(self, method: str = "bilinear", extrapolation_value: float = 0.0) -> None:
        super().__init__("CropAndResize")
        self.add_prim_attr("method", check_choice(self.name, "method", method,
                                                  ("bilinear", "nearest", "bilinear_v2")))
        self.add_prim_attr("extrapolation_value",
                           check_real(self.name, "extrapolation_value", extrapolation_value))

    def __call__(self, x: Any, boxes: Any, box_index: Any, crop_size: Any) -> Tensor:
        where = self.name
        image = tensor_input(where, "x", x)
        if image.dtype.kind not in "iuf":
            raise type_error(where, "x", x, "a real Tensor")
        ndim_input(where, "x", image, (4,), "(N, H, W, C)")
        b = float_input(where, "boxes", boxes, ("Float32",))
        if b.ndim != 2 or b.shape[1] != 4:
            raise value_error(where, "boxes", tuple(b.shape), "a (num_boxes, 4) tensor")
        index = tensor_input(where, "box_index", box_index)
        if index.dtype.kind not in "iu" or tuple(index.shape) != (b.shape[0],):
            raise value_error(where, "box_index", tuple(index.shape),
                              f"integer indices of shape ({b.shape[0]},)")
        crop = _size_pair(where, crop_size)
        return Tensor._wrap(_resize.crop_and_resize(image, b, index, crop, self.method,
                                                    self.extrapolation_value))


class ROIAlign(Primitive):
    """``ROIAlign(pooled_height, pooled_width, spatial_scale, sample_num=2,
    roi_end_mode=1)(features, rois)``: ``(R, C, pooled_height, pooled_width)``, each bin
    the average of ``sample_num x sample_num`` bilinear samples of the NCHW ``features``.

    ``rois`` ``(R, 5)`` are ``(batch_index, x1, y1, x2, y2)`` in input coordinates,
    scaled by ``spatial_scale``; ``roi_end_mode=1`` adds one pixel to the end
    coordinates (0: none, with rois at least 1x1). A roi whose batch index is out of
    range gives NaN (the check would need the host).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> features = Tensor(np.array([[[[1., 2.], [3., 4.]]]], np.float32))
        >>> rois = Tensor(np.array([[0, 0.2, 0.3, 0.2, 0.3]], np.float32))
        >>> ops.ROIAlign(2, 2, 0.5, 2)(features, rois).asnumpy()
        array([[[[1.7749999, 2.025    ],
                 [2.275    , 2.525    ]]]], dtype=float32)
    """

    def __init__(self, pooled_height: int, pooled_width: int, spatial_scale: float,
                 sample_num: int = 2, roi_end_mode: int = 1) -> None:
        super().__init__("ROIAlign")
        where = self.name
        self.add_prim_attr("pooled_height", check_int(where, "pooled_height", pooled_height, minimum=1))
        self.add_prim_attr("pooled_width", check_int(where, "pooled_width", pooled_width, minimum=1))
        self.add_prim_attr("spatial_scale", check_real(where, "spatial_scale", spatial_scale))
        sample_num = check_int(where, "sample_num", sample_num)
        if sample_num < 1:
            raise NotImplementedError(f"{where}: sample_num={sample_num} (a grid sized from "
                                      "each roi) is not supported; give sample_num >= 1.")
        self.add_prim_attr("sample_num", sample_num)
        self.add_prim_attr("roi_end_mode", check_choice(where, "roi_end_mode", roi_end_mode, (0, 1)))

    def __call__(self, features: Any, rois: Any) -> Tensor:
        where = self.name
        f = float_input(where, "features", features, ("Float16", "Float32"))
        ndim_input(where, "features", f, (4,), "(N, C, H, W)")
        r = float_input(where, "rois", rois, ("Float16", "Float32"))
        if r.ndim != 2 or r.shape[1] != 5:
            raise value_error(where, "rois", tuple(r.shape), "an (R, 5) tensor")
        return Tensor._wrap(_resize.roi_align(f, r, (self.pooled_height, self.pooled_width),
                                              self.spatial_scale, self.sample_num,
                                              self.roi_end_mode))


__all__ = ["CropAndResize", "DepthToSpace", "ROIAlign", "ResizeBilinear",
           "ResizeNearestNeighbor", "interpolate"]
