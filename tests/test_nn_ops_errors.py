"""Bad input to the nn operators: TypeError or ValueError naming the function and the
argument (NotImplementedError naming what gpuparam lacks), and nothing computed."""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, nn, ops

F32 = Tensor(np.ones((2, 3), np.float32))
F16 = Tensor(np.ones((2, 3), np.float16))
I32 = Tensor(np.ones((2, 3), np.int32))
IMG = Tensor(np.ones((1, 1, 4, 4), np.float32))
BOX = Tensor(np.ones((2, 4), np.float32))

CASES = [
    # (call, exception, words the message must contain)
    (lambda: ops.softmax(I32), TypeError, ["softmax", "`input`", "Int32"]),
    (lambda: ops.softmax(F32, axis=()), TypeError, ["softmax", "`axis`"]),
    (lambda: ops.softmax([1.0, 2.0]), TypeError, ["softmax", "`input`", "a Tensor"]),
    (lambda: ops.Softmax(axis=()), ValueError, ["Softmax", "`axis`"]),
    (lambda: ops.Softmax(axis=5)(F32), ValueError, ["Softmax", "`axis`"]),
    (lambda: ops.LogSoftmax(axis=1.0), TypeError, ["LogSoftmax", "`axis`"]),
    (lambda: ops.gelu(F32, approximate="fast"), ValueError, ["gelu", "`approximate`"]),
    (lambda: ops.softplus(F32, beta=0), ValueError, ["softplus", "`beta`"]),
    (lambda: ops.dense(F32, Tensor(np.ones((4, 2), np.float32))), ValueError, ["dense", "`weight`"]),
    (lambda: ops.dense(F16, F32), TypeError, ["dense", "`weight`", "dtype"]),
    (lambda: ops.BiasAdd("NDHWC"), ValueError, ["BiasAdd", "`data_format`"]),
    (lambda: ops.bias_add(F32, Tensor(np.ones(2, np.float32))), ValueError, ["BiasAdd", "`bias`"]),
    (lambda: ops.conv2d(IMG, Tensor(np.ones((1, 1, 3, 3), np.float32)), padding=1), ValueError,
     ["conv2d", "`padding`", "pad_mode='pad'"]),
    (lambda: ops.Conv2DBackpropInput(1, 3, mode=2), ValueError, ["Conv2DBackpropInput", "`mode`"]),
    (lambda: ops.pad(F32, (1, 2, 3)), TypeError, ["pad", "`padding`"]),
    (lambda: ops.pad(F32, (1, 1), mode="edge"), ValueError, ["pad", "`mode`"]),
    (lambda: ops.pad(F32, (3, 3), mode="reflect"), ValueError, ["pad", "`padding`", "reflect"]),
    (lambda: ops.pad(I32, (1, 1), value=0.5), ValueError, ["pad", "`value`"]),
    (lambda: ops.Pad(((1, -1),)), TypeError, ["Pad", "`paddings`"]),
    (lambda: ops.Pad(((1, 1),))(F32), ValueError, ["Pad", "`input_x`"]),
    (lambda: ops.Dropout(keep_prob=0.0), ValueError, ["Dropout", "`keep_prob`"]),
    (lambda: ops.dropout(F32, p=1.5), ValueError, ["dropout", "`p`"]),
    (lambda: ops.dropout(I32), TypeError, ["dropout", "`input`"]),
    (lambda: ops.L2Normalize(axis=(0, 1)), ValueError, ["L2Normalize", "`axis`"]),
    (lambda: ops.LayerNorm()(F32, Tensor(np.ones(2, np.float32)), Tensor(np.ones(3, np.float32))),
     ValueError, ["LayerNorm", "`gamma`"]),
    (lambda: ops.interpolate(F32, size=(4,), mode="cubic"), ValueError, ["interpolate", "`mode`"]),
    (lambda: ops.interpolate(IMG, mode="bilinear"), ValueError, ["interpolate", "one of `size`"]),
    (lambda: ops.interpolate(IMG, size=(2, 2), mode="nearest", align_corners=True), ValueError,
     ["interpolate", "`align_corners`"]),
    (lambda: ops.interpolate(IMG, size=(2, 2), roi=(0, 1)), NotImplementedError, ["interpolate", "roi"]),
    (lambda: ops.ResizeNearestNeighbor((2,)), TypeError, ["ResizeNearestNeighbor", "`size`"]),
    (lambda: ops.ResizeBilinear((2, 2), True, True), ValueError, ["ResizeBilinear", "align_corners"]),
    (lambda: ops.ResizeBilinear((2, 2))(Tensor(np.ones((1, 1, 2, 2), np.int32))), TypeError,
     ["ResizeBilinear", "`x`"]),
    (lambda: ops.MaxPool(kernel_size=0), ValueError, ["MaxPool", "`kernel_size`"]),
    (lambda: ops.MaxPool(pad_mode="pad"), ValueError, ["MaxPool", "`pad_mode`"]),
    (lambda: ops.MaxPool(data_format="NHWC"), NotImplementedError, ["MaxPool", "NHWC"]),
    (lambda: ops.MaxPool(kernel_size=5)(IMG), ValueError, ["MaxPool", "`x`", "kernel"]),
    (lambda: ops.AvgPool()(Tensor(np.ones((4, 4), np.float32))), ValueError, ["AvgPool", "`x`"]),
    (lambda: ops.MaxPool3D(pad_list=1), ValueError, ["MaxPool3D", "`pad_list`"]),
    (lambda: ops.MaxPool3D(ceil_mode=True), ValueError, ["MaxPool3D", "`ceil_mode`"]),
    (lambda: ops.AdaptiveAvgPool2D((1, 2, 3)), TypeError, ["AdaptiveAvgPool2D", "`output_size`"]),
    (lambda: ops.AdaptiveAvgPool2D(0), ValueError, ["AdaptiveAvgPool2D", "`output_size`"]),
    (lambda: ops.DepthToSpace(2)(Tensor(np.ones((1, 3, 2, 2), np.float32))), ValueError,
     ["DepthToSpace", "`x`"]),
    (lambda: ops.mse_loss(F32, F32, reduction="avg"), ValueError, ["mse_loss", "`reduction`"]),
    (lambda: ops.mse_loss(F32, 1.0), TypeError, ["mse_loss", "`target`"]),
    (lambda: ops.cross_entropy(F32, Tensor(np.ones(3, np.int32))), ValueError,
     ["cross_entropy", "`target`"]),
    (lambda: ops.cross_entropy(F32, F32, label_smoothing=2.0), ValueError,
     ["cross_entropy", "`label_smoothing`"]),
    (lambda: ops.binary_cross_entropy(F16, F32), TypeError, ["BinaryCrossEntropy", "`labels`"]),
    (lambda: ops.SigmoidCrossEntropyWithLogits()(F32, Tensor(np.ones((2, 1), np.float32))),
     ValueError, ["SigmoidCrossEntropyWithLogits", "`label`"]),
    (lambda: ops.SmoothL1Loss(beta=0), ValueError, ["SmoothL1Loss", "`beta`"]),
    (lambda: nn.MSELoss("avg"), ValueError, ["MSELoss", "`reduction`"]),
    (lambda: nn.CrossEntropyLoss(label_smoothing=1), TypeError, ["CrossEntropyLoss", "`label_smoothing`"]),
    (lambda: nn.BCEWithLogitsLoss(weight=gpuparam.Parameter(F32)), TypeError,
     ["BCEWithLogitsLoss", "`weight`", "Parameter"]),
    (lambda: ops.IOU(mode="giou"), ValueError, ["IOU", "`mode`"]),
    (lambda: ops.IOU()(BOX, Tensor(np.ones((2, 4), np.float16))), TypeError, ["IOU", "`gt_boxes`"]),
    (lambda: ops.IOU()(BOX, Tensor(np.ones((2, 1), np.float32))), ValueError, ["IOU", "`gt_boxes`"]),
    (lambda: ops.NMSWithMask(1), TypeError, ["NMSWithMask", "`iou_threshold`"]),
    (lambda: ops.NMSWithMask()(BOX), ValueError, ["NMSWithMask", "`bboxes`"]),
    (lambda: ops.BoundingBoxEncode(means=(0.0, 0.0)), TypeError, ["BoundingBoxEncode", "`means`"]),
    (lambda: ops.BoundingBoxDecode((10,)), TypeError, ["BoundingBoxDecode", "`max_shape`"]),
    (lambda: ops.CheckValid()(BOX, Tensor(np.ones(2, np.float32))), ValueError,
     ["CheckValid", "`img_metas`"]),
    (lambda: ops.ROIAlign(2, 2, 0.5, 0), NotImplementedError, ["ROIAlign", "sample_num"]),
    (lambda: ops.ROIAlign(2, 2, 0.5)(IMG, BOX), ValueError, ["ROIAlign", "`rois`"]),
    (lambda: ops.CropAndResize("cubic"), ValueError, ["CropAndResize", "`method`"]),
    (lambda: ops.RandomChoiceWithMask(count=0), ValueError, ["RandomChoiceWithMask", "`count`"]),
    (lambda: ops.RandomChoiceWithMask()(F32), TypeError, ["RandomChoiceWithMask", "`input_x`", "Bool"]),
    (lambda: ops.LSTM(2, 2, 1, True, False, 0), TypeError, ["LSTM", "`dropout`"]),
    (lambda: ops.LSTM(2, 2, 1, True, False, 0.0, proj_size=1), NotImplementedError, ["LSTM", "proj_size"]),
    (lambda: ops.LSTM(2, 2, 1, True, False, 0.0)(
        Tensor(np.ones((3, 1, 2), np.float32)), Tensor(np.ones((1, 1, 2), np.float32)),
        Tensor(np.ones((1, 1, 2), np.float32)), Tensor(np.ones(5, np.float32))), ValueError,
     ["LSTM", "`w`"]),
    (lambda: ops.DynamicRNN(direction="BIDIRECTIONAL"), ValueError, ["DynamicRNN", "`direction`"]),
    (lambda: ops.DynamicRNN(keep_prob=0.5), NotImplementedError, ["DynamicRNN", "keep_prob"]),
    (lambda: ops.AllReduce(op="mean"), ValueError, ["AllReduce", "`op`"]),
    (lambda: ops.AllReduce(group="my_group"), NotImplementedError, ["AllReduce", "create_group"]),
    (lambda: ops.FloatStatus()(I32), TypeError, ["FloatStatus", "`x`"]),
    (lambda: nn.WarmUpLR(0.1, 0), ValueError, ["WarmUpLR", "`warmup_steps`"]),
    (lambda: nn.WarmUpLR(0.1, 2)(Tensor(1.0)), TypeError, ["WarmUpLR", "`global_step`"]),
]


@pytest.mark.parametrize("call,exception,words", CASES, ids=[" ".join(w[:2]) for _, _, w in CASES])
def test_bad_input_is_refused_with_a_message_naming_it(call, exception, words):
    with pytest.raises(exception) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in {info.value}"
