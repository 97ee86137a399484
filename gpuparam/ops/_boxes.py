"""Detection primitives of ``mindspore.ops``: ``IOU``, ``NMSWithMask``,
``BoundingBoxEncode``/``BoundingBoxDecode``, ``CheckValid`` and ``RandomChoiceWithMask``;
fronts over ``_array_ops.boxes``.
"""

from __future__ import annotations

import itertools
import numbers
from typing import Any

import numpy as np

from .. import _random
from .._array_ops import boxes as _boxes
from .._errors import check_choice, check_int, check_real, type_error, value_error
from .._tensor import Tensor
from ._checks import float_input, same_dtype, tensor_input
from .primitive import Primitive

_F16_F32 = ("Float16", "Float32")


def _box_rows(where: str, arg: str, x: Any, columns: int = 4,
              accepted: tuple[str, ...] = ("Float16", "Float32", "Float64")) -> Any:
    array = float_input(where, arg, x, accepted)
    if array.ndim != 2 or array.shape[1] != columns:
        raise value_error(where, arg, tuple(array.shape), f"an (N, {columns}) tensor of boxes")
    return array


def _four_floats(where: str, arg: str, value: Any) -> tuple[float, ...]:
    if not isinstance(value, (tuple, list)) or len(value) != 4 or not all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value):
        raise type_error(where, arg, value, "a tuple of 4 floats")
    return tuple(float(v) for v in value)


class IOU(Primitive):
    """``IOU(mode='iou')(anchor_boxes, gt_boxes)``: the ``(M, N)`` overlaps of ``N``
    anchors and ``M`` ground-truth boxes ``(x1, y1, x2, y2)`` (inclusive pixel areas):
    intersection over union, or over the ground-truth area with ``mode='iof'``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> a = Tensor(np.array([[0, 0, 1, 1]], np.float32))
        >>> g = Tensor(np.array([[0, 0, 1, 1], [0, 0, 3, 1]], np.float32))
        >>> ops.IOU()(a, g).asnumpy()
        array([[1. ],
               [0.5]], dtype=float32)
    """

    def __init__(self, mode: str = "iou") -> None:
        super().__init__("IOU")
        self.add_prim_attr("mode", check_choice("IOU", "mode", mode, ("iou", "iof")))

    def __call__(self, anchor_boxes: Any, gt_boxes: Any) -> Tensor:
        a = _box_rows("IOU", "anchor_boxes", anchor_boxes)
        g = _box_rows("IOU", "gt_boxes", gt_boxes)
        same_dtype("IOU", ("anchor_boxes", a), ("gt_boxes", g))
        return Tensor._wrap(_boxes.iou(a, g, self.mode))


class NMSWithMask(Primitive):
    """``NMSWithMask(iou_threshold=0.5)(bboxes)``: greedy non-maximum suppression of
    ``(N, 5)`` rows ``(x1, y1, x2, y2, score)`` (float16/32).

    Returns ``(selected_boxes, selected_idx, selected_mask)`` as MindSpore's kernel: the
    rows sorted by descending score, the Int32 indices ``0 .. N-1`` of those sorted rows,
    and the Bool mask of the sorted rows kept.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> b = Tensor(np.array([[0, 0, 2, 2, 0.5], [0, 0, 2, 2, 0.9], [5, 5, 6, 6, 0.1]], np.float32))
        >>> boxes, idx, mask = ops.NMSWithMask(0.5)(b)
        >>> boxes.asnumpy()[:, 4], mask.asnumpy()
        (array([0.9, 0.5, 0.1], dtype=float32), array([ True, False,  True]))
    """

    def __init__(self, iou_threshold: float = 0.5) -> None:
        super().__init__("NMSWithMask")
        if not isinstance(iou_threshold, float):
            raise type_error("NMSWithMask", "iou_threshold", iou_threshold, "a float")
        self.add_prim_attr("iou_threshold", check_real("NMSWithMask", "iou_threshold", iou_threshold))

    def __call__(self, bboxes: Any) -> tuple[Tensor, Tensor, Tensor]:
        rows = _box_rows("NMSWithMask", "bboxes", bboxes, 5, _F16_F32)
        return tuple(Tensor._wrap(a) for a in _boxes.nms_with_mask(rows, self.iou_threshold))  # type: ignore[return-value]


class BoundingBoxEncode(Primitive):
    """``BoundingBoxEncode(means=(0., 0., 0., 0.), stds=(1., 1., 1., 1.))(anchor_box,
    groundtruth_box)``: the deltas ``((dx, dy, dw, dh) - means) / stds`` of each box from
    its anchor (centres ``(x1 + x2) / 2``, sizes ``x2 - x1 + 1``, ``dw = log(gw / pw)``).

    Example:
        >>> from gpuparam import Tensor, ops, float32
        >>> anchor = Tensor([[2, 2, 2, 3]], float32)
        >>> gt = Tensor([[1, 2, 1, 4]], float32)
        >>> ops.BoundingBoxEncode()(anchor, gt).asnumpy()
        array([[-1.       ,  0.25     ,  0.       ,  0.4054651]], dtype=float32)
    """

    def __init__(self, means: Any = (0.0, 0.0, 0.0, 0.0), stds: Any = (1.0, 1.0, 1.0, 1.0)) -> None:
        super().__init__("BoundingBoxEncode")
        self.add_prim_attr("means", _four_floats(self.name, "means", means))
        self.add_prim_attr("stds", _four_floats(self.name, "stds", stds))

    def __call__(self, anchor_box: Any, groundtruth_box: Any) -> Tensor:
        a = _box_rows(self.name, "anchor_box", anchor_box, accepted=_F16_F32)
        g = _box_rows(self.name, "groundtruth_box", groundtruth_box, accepted=_F16_F32)
        same_dtype(self.name, ("anchor_box", a), ("groundtruth_box", g))
        if a.shape != g.shape:
            raise value_error(self.name, "groundtruth_box", tuple(g.shape),
                              f"the shape of `anchor_box` {tuple(a.shape)}")
        return Tensor._wrap(_boxes.bounding_box_encode(a, g, self.means, self.stds))


class BoundingBoxDecode(Primitive):
    """``BoundingBoxDecode(max_shape, means=..., stds=..., wh_ratio_clip=0.016)(anchor_box,
    deltas)``: boxes from anchors and deltas (the inverse of ``BoundingBoxEncode``),
    clipped into the image ``max_shape = (height, width)`` (``None``: no clipping).

    Example:
        >>> from gpuparam import Tensor, ops, float32
        >>> anchor = Tensor([[4, 1, 2, 1], [2, 2, 2, 3]], float32)
        >>> deltas = Tensor([[3, 1, 2, 2], [1, 2, 1, 4]], float32)
        >>> ops.BoundingBoxDecode(max_shape=(768, 1280), wh_ratio_clip=0.016)(anchor, deltas).asnumpy()
        array([[ 4.1945276,  0.       ,  0.       ,  5.1945276],
               [ 2.1408591,  0.       ,  3.8591409, 60.59815  ]], dtype=float32)
    """

    def __init__(self, max_shape: Any, means: Any = (0.0, 0.0, 0.0, 0.0),
                 stds: Any = (1.0, 1.0, 1.0, 1.0), wh_ratio_clip: float = 0.016) -> None:
        super().__init__("BoundingBoxDecode")
        where = self.name
        if max_shape is not None:
            if not isinstance(max_shape, (tuple, list)) or len(max_shape) != 2 or not all(
                    isinstance(v, numbers.Real) and not isinstance(v, bool) for v in max_shape):
                raise type_error(where, "max_shape", max_shape, "None or (height, width)")
            max_shape = tuple(max_shape)
        self.add_prim_attr("max_shape", max_shape)
        self.add_prim_attr("means", _four_floats(where, "means", means))
        self.add_prim_attr("stds", _four_floats(where, "stds", stds))
        ratio = check_real(where, "wh_ratio_clip", wh_ratio_clip, positive=True)
        self.add_prim_attr("wh_ratio_clip", ratio)

    def __call__(self, anchor_box: Any, deltas: Any) -> Tensor:
        a = _box_rows(self.name, "anchor_box", anchor_box, accepted=_F16_F32)
        d = _box_rows(self.name, "deltas", deltas, accepted=_F16_F32)
        same_dtype(self.name, ("anchor_box", a), ("deltas", d))
        if a.shape != d.shape:
            raise value_error(self.name, "deltas", tuple(d.shape),
                              f"the shape of `anchor_box` {tuple(a.shape)}")
        shape = self.max_shape if self.max_shape is not None else (np.inf, np.inf)
        return Tensor._wrap(_boxes.bounding_box_decode(a, d, shape, self.means, self.stds,
                                                       self.wh_ratio_clip))


class CheckValid(Primitive):
    """``CheckValid()(bboxes, img_metas)``: Bool ``(N,)``, whether each box
    ``(x1, y1, x2, y2)`` lies within the image ``img_metas = (height, width, ratio)``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> bboxes = Tensor(np.linspace(0, 6, 12).reshape(3, 4).astype(np.float32))
        >>> ops.CheckValid()(bboxes, Tensor(np.array([2, 1, 3], np.float32))).asnumpy()
        array([ True, False, False])
    """

    def __init__(self) -> None:
        super().__init__("CheckValid")

    def __call__(self, bboxes: Any, img_metas: Any) -> Tensor:
        accepted = ("Float16", "Float32", "Int16", "UInt8")
        b = _box_rows(self.name, "bboxes", bboxes, accepted=accepted)
        meta = float_input(self.name, "img_metas", img_metas, accepted)
        if tuple(meta.shape) != (3,):
            raise value_error(self.name, "img_metas", tuple(meta.shape), "(height, width, ratio): shape (3,)")
        return Tensor._wrap(_boxes.check_valid(b, meta))


class RandomChoiceWithMask(Primitive):
    """``RandomChoiceWithMask(count=256, seed=0, seed2=0)(input_x)``: ``count`` of the
    true positions of a Bool tensor (rank 1 to 5) in random order, as Int32 indices
    ``(count, rank)`` and a Bool mask ``(count,)`` that is False for padding rows (when
    fewer than ``count`` elements are true).

    The order comes from gpuparam's generator: the key is taken when the primitive is
    built (as a tensor's is) and each call draws anew, so a script that calls
    ``set_seed`` gets the same choices every run, on CPU and GPU. ``seed`` and ``seed2``
    are kept as attributes only.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> choose = ops.RandomChoiceWithMask(count=4)
        >>> index, mask = choose(Tensor(np.array([[True, False], [False, True]])))
        >>> index.shape, mask.asnumpy().sum()
        ((4, 2), np.int64(2))
    """

    def __init__(self, count: int = 256, seed: int = 0, seed2: int = 0) -> None:
        super().__init__("RandomChoiceWithMask")
        self.add_prim_attr("count", check_int(self.name, "count", count, minimum=1))
        self.add_prim_attr("seed", check_int(self.name, "seed", seed))
        self.add_prim_attr("seed2", check_int(self.name, "seed2", seed2))
        self._key = _random.next_key()
        self._calls = itertools.count()

    def __call__(self, input_x: Any) -> tuple[Tensor, Tensor]:
        array = tensor_input(self.name, "input_x", input_x)
        if array.dtype != np.bool_:
            raise type_error(self.name, "input_x", input_x, "a Bool tensor")
        if not 1 <= array.ndim <= 5:
            raise value_error(self.name, "input_x", tuple(array.shape), "a tensor of rank 1 to 5")
        u = _random.uniform(self._key, tuple(array.shape), np.float32, stream=next(self._calls))
        index, mask = _boxes.random_choice_with_mask(array, u, self.count)
        return Tensor._wrap(index), Tensor._wrap(mask)


__all__ = ["BoundingBoxDecode", "BoundingBoxEncode", "CheckValid", "IOU", "NMSWithMask",
           "RandomChoiceWithMask"]
