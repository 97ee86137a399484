"""Write what MindSpore's parameter-owning layers are, and what they compute.

Run with MindSpore's own venv (CI never needs MindSpore; the outputs are committed)::

    python3 -m venv /work/venv-ms && /work/venv-ms/bin/pip install "mindspore==2.10.0" "numpy<2"
    /work/venv-ms/bin/python tools/make_mindspore_layer_reference.py

Writes ``tests/data/mindspore/layers.json`` and ``tests/data/mindspore/layers_forward.npz``.

For each variant in ``VARIANTS`` (a layer of ``mindspore.nn`` that owns parameters, with
small arguments; and the pooling, Dropout, Flatten and Pad layers, whose attributes model
files read) ``layers.json`` holds:

- ``parameters``: ``[name, shape, dtype, requires_grad]`` in the order of
  ``parameters_and_names()`` (the order of registration in ``__init__``);
- ``attributes``: every public attribute the layer sets on itself beyond a bare
  ``nn.Cell``'s, as ``{"value": ..., "type": ...}`` (child cells, primitives and
  initializers by their class name);
- ``default_init``: after ``mindspore.set_seed(0)``, each parameter's default values
  summarized (mean, std, min, max); constants are recorded exactly;
- ``forward``: the npz keys of the inputs, of the parameter values set before the call
  and of the outputs, for the eval-mode call (``set_train(False)``) and, for layers
  whose training mode differs (batch statistics, moving averages), the train-mode call
  with the parameters after it (``train/param/...``: the updated moving statistics).

Every parameter is set with ``set_data`` from a NumPy generator seeded per variant
(``SEED + index``): normal(0, 0.5) values, except variances (uniform in [0.5, 1.5]).
Inputs are standard normal float32 (or integers below ``high``). The npz keys are
``<variant>/input/<i>``, ``<variant>/param/<name>``, ``<variant>/eval/output/<i>``,
``<variant>/train/output/<i>`` and ``<variant>/train/param/<name>``; nested outputs
(``(output, (h, c))``) are flattened depth first (``1.0``, ``1.1``).
A stage MindSpore cannot run on the CPU is recorded under ``errors`` with its message.
"""

from __future__ import annotations

import inspect
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import mindspore as ms
from mindspore import Tensor, nn

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "mindspore"
SEED = 20240601


@dataclass
class V:
    key: str
    cls: str
    kwargs: dict
    inputs: list                 # shapes (float32) or ("int32", shape, high) or ("tuple", [...])
    train: bool = False          # also run in train mode
    call_kwargs: dict = field(default_factory=dict)


def rnn_variants(cls: str, extra: dict | None = None) -> list[V]:
    base = dict(input_size=3, hidden_size=4)
    out = []
    state = (lambda layers, dirs: [(layers * dirs, 2, 4)]) if cls != "LSTM" else \
        (lambda layers, dirs: [("tuple", [(layers * dirs, 2, 4), (layers * dirs, 2, 4)])])
    for name, kw in [("default", {}), ("no_bias", {"has_bias": False}),
                     ("batch_first", {"batch_first": True}),
                     ("bidirectional", {"bidirectional": True}),
                     ("2_layers", {"num_layers": 2}),
                     ("2_layers_bidirectional", {"num_layers": 2, "bidirectional": True}),
                     *(extra or {}).items()]:
        kwargs = dict(base, **kw)
        layers, dirs = kwargs.get("num_layers", 1), 2 if kwargs.get("bidirectional") else 1
        x = (2, 5, 3) if kwargs.get("batch_first") else (5, 2, 3)
        out.append(V(f"{cls}/{name}", cls, kwargs, [x]))
        if name in ("default", "2_layers_bidirectional"):
            out.append(V(f"{cls}/{name}/with_state", cls, kwargs, [x] + state(layers, dirs)))
    return out


VARIANTS: list[V] = [
    V("Conv1d/default", "Conv1d", dict(in_channels=3, out_channels=4, kernel_size=3), [(2, 3, 9)]),
    V("Conv1d/bias_pad_stride", "Conv1d", dict(in_channels=3, out_channels=4, kernel_size=3,
      stride=2, pad_mode="pad", padding=1, has_bias=True), [(2, 3, 9)]),
    V("Conv1d/valid_dilation_group", "Conv1d", dict(in_channels=4, out_channels=6,
      kernel_size=3, pad_mode="valid", dilation=2, group=2, has_bias=True), [(2, 4, 11)]),
    V("Conv2d/default", "Conv2d", dict(in_channels=3, out_channels=4, kernel_size=3),
      [(2, 3, 7, 7)]),
    V("Conv2d/bias_pad_tuple", "Conv2d", dict(in_channels=3, out_channels=4, kernel_size=(3, 2),
      stride=(2, 1), pad_mode="pad", padding=(1, 1, 0, 1), has_bias=True), [(2, 3, 7, 6)]),
    V("Conv2d/valid_dilation_group", "Conv2d", dict(in_channels=4, out_channels=6, kernel_size=3,
      pad_mode="valid", dilation=2, group=2, has_bias=True), [(2, 4, 9, 9)]),
    V("Conv2d/same_stride2", "Conv2d", dict(in_channels=3, out_channels=2, kernel_size=3,
      stride=2, pad_mode="same", has_bias=True), [(1, 3, 8, 7)]),
    V("Conv3d/default", "Conv3d", dict(in_channels=2, out_channels=3, kernel_size=3),
      [(1, 2, 5, 5, 5)]),
    V("Conv3d/bias_pad", "Conv3d", dict(in_channels=2, out_channels=3, kernel_size=(3, 1, 2),
      stride=(1, 2, 1), pad_mode="pad", padding=1, has_bias=True), [(1, 2, 4, 5, 5)]),
    V("Conv1dTranspose/default", "Conv1dTranspose", dict(in_channels=3, out_channels=2,
      kernel_size=3), [(2, 3, 5)]),
    V("Conv1dTranspose/stride2_pad_bias", "Conv1dTranspose", dict(in_channels=3, out_channels=2,
      kernel_size=3, stride=2, pad_mode="pad", padding=1, has_bias=True), [(2, 3, 5)]),
    V("Conv2dTranspose/default", "Conv2dTranspose", dict(in_channels=3, out_channels=2,
      kernel_size=3), [(2, 3, 4, 4)]),
    V("Conv2dTranspose/stride2_same_bias", "Conv2dTranspose", dict(in_channels=3,
      out_channels=2, kernel_size=3, stride=2, pad_mode="same", has_bias=True), [(2, 3, 4, 5)]),
    V("Conv2dTranspose/stride2_valid", "Conv2dTranspose", dict(in_channels=3,
      out_channels=2, kernel_size=3, stride=2, pad_mode="valid"), [(2, 3, 4, 4)]),
    V("Conv2dTranspose/pad_output_padding_group", "Conv2dTranspose", dict(in_channels=4,
      out_channels=2, kernel_size=3, stride=2, pad_mode="pad", padding=1, output_padding=1,
      group=2, has_bias=True), [(2, 4, 4, 4)]),
    V("Conv3dTranspose/default", "Conv3dTranspose", dict(in_channels=2, out_channels=3,
      kernel_size=3), [(1, 2, 3, 3, 3)]),
    V("Conv3dTranspose/stride2_pad_bias", "Conv3dTranspose", dict(in_channels=2, out_channels=3,
      kernel_size=3, stride=2, pad_mode="pad", padding=1, output_padding=1, has_bias=True),
      [(1, 2, 3, 3, 3)]),
    V("Dense/default", "Dense", dict(in_channels=5, out_channels=3), [(4, 5)]),
    V("Dense/no_bias", "Dense", dict(in_channels=5, out_channels=3, has_bias=False), [(4, 5)]),
    V("Dense/relu", "Dense", dict(in_channels=5, out_channels=3, activation="relu"), [(4, 5)]),
    V("Dense/gelu_3d_input", "Dense", dict(in_channels=5, out_channels=3, activation="gelu"),
      [(2, 4, 5)]),
    V("Linear/default", "Linear", dict(in_features=5, out_features=3), [(4, 5)]),
    V("BiDense/default", "BiDense", dict(in1_channels=2, in2_channels=3, out_channels=4),
      [(5, 2), (5, 3)]),
    V("BiDense/no_bias", "BiDense", dict(in1_channels=2, in2_channels=3, out_channels=4,
      has_bias=False), [(5, 2), (5, 3)]),
    V("BatchNorm1d/default", "BatchNorm1d", dict(num_features=3), [(4, 3)], train=True),
    V("BatchNorm1d/no_affine", "BatchNorm1d", dict(num_features=3, affine=False), [(4, 3)],
      train=True),
    V("BatchNorm2d/default", "BatchNorm2d", dict(num_features=3), [(2, 3, 4, 4)], train=True),
    V("BatchNorm2d/momentum_eps", "BatchNorm2d", dict(num_features=3, momentum=0.7, eps=1e-3),
      [(2, 3, 4, 4)], train=True),
    V("BatchNorm2d/use_batch_statistics_false", "BatchNorm2d", dict(num_features=3,
      use_batch_statistics=False), [(2, 3, 4, 4)], train=True),
    V("BatchNorm3d/default", "BatchNorm3d", dict(num_features=2), [(2, 2, 3, 3, 3)], train=True),
    V("SyncBatchNorm/default", "SyncBatchNorm", dict(num_features=3), [(2, 3, 4, 4)]),
    V("LayerNorm/last_axis", "LayerNorm", dict(normalized_shape=(5,)), [(2, 3, 5)]),
    V("LayerNorm/begin_axis_1", "LayerNorm", dict(normalized_shape=(3, 5), begin_norm_axis=1,
      begin_params_axis=1), [(2, 3, 5)]),
    V("LayerNormExt/default", "LayerNormExt", dict(normalized_shape=(5,)), [(2, 3, 5)]),
    V("GroupNorm/default", "GroupNorm", dict(num_groups=2, num_channels=4), [(2, 4, 3, 3)],
      train=True),
    V("GroupNorm/no_affine", "GroupNorm", dict(num_groups=4, num_channels=4, affine=False,
      eps=1e-3), [(2, 4, 3, 3)]),
    V("InstanceNorm1d/default", "InstanceNorm1d", dict(num_features=3), [(2, 3, 6)], train=True),
    V("InstanceNorm2d/default", "InstanceNorm2d", dict(num_features=3), [(2, 3, 4, 4)],
      train=True),
    V("InstanceNorm2d/no_affine", "InstanceNorm2d", dict(num_features=3, affine=False),
      [(2, 3, 4, 4)], train=True),
    V("InstanceNorm3d/default", "InstanceNorm3d", dict(num_features=2), [(2, 2, 3, 3, 3)],
      train=True),
    V("Embedding/default", "Embedding", dict(vocab_size=7, embedding_size=3),
      [("int32", (2, 4), 7)]),
    V("Embedding/one_hot", "Embedding", dict(vocab_size=7, embedding_size=3, use_one_hot=True),
      [("int32", (2, 4), 7)]),
    V("Embedding/padding_idx", "Embedding", dict(vocab_size=7, embedding_size=3, padding_idx=2),
      [("int32", (2, 4), 7)]),
    V("EmbeddingExt/default", "EmbeddingExt", dict(num_embeddings=7, embedding_dim=3),
      [("int64", (2, 4), 7)]),
    V("EmbeddingExt/padding_idx", "EmbeddingExt", dict(num_embeddings=7, embedding_dim=3,
      padding_idx=0), [("int64", (2, 4), 7)]),
    V("EmbeddingLookup/default", "EmbeddingLookup", dict(vocab_size=7, embedding_size=3),
      [("int32", (2, 4), 7)]),
    V("MultiFieldEmbeddingLookup/sum", "MultiFieldEmbeddingLookup", dict(vocab_size=7,
      embedding_size=3, field_size=2), [("int32", (2, 4), 7), (2, 4), ("int32", (2, 4), 2)]),
    V("PReLU/default", "PReLU", {}, [(2, 3, 4)]),
    V("PReLU/channels", "PReLU", dict(channel=3, w=0.1), [(2, 3, 4)]),
    V("PReLUExt/default", "PReLUExt", {}, [(2, 3, 4)]),
    V("PReLUExt/channels", "PReLUExt", dict(num_parameters=3, init=0.1), [(2, 3, 4)]),
    *rnn_variants("LSTM"),
    *rnn_variants("GRU"),
    *rnn_variants("RNN", {"relu": {"nonlinearity": "relu"}}),
    V("LSTMCell/default", "LSTMCell", dict(input_size=3, hidden_size=4),
      [(2, 3), ("tuple", [(2, 4), (2, 4)])]),
    V("LSTMCell/no_bias", "LSTMCell", dict(input_size=3, hidden_size=4, has_bias=False),
      [(2, 3), ("tuple", [(2, 4), (2, 4)])]),
    V("GRUCell/default", "GRUCell", dict(input_size=3, hidden_size=4), [(2, 3), (2, 4)]),
    V("GRUCell/no_bias", "GRUCell", dict(input_size=3, hidden_size=4, has_bias=False),
      [(2, 3), (2, 4)]),
    V("RNNCell/default", "RNNCell", dict(input_size=3, hidden_size=4), [(2, 3), (2, 4)]),
    V("RNNCell/relu", "RNNCell", dict(input_size=3, hidden_size=4, nonlinearity="relu"),
      [(2, 3), (2, 4)]),
    V("MultiheadAttention/default", "MultiheadAttention", dict(embed_dim=8, num_heads=2),
      [(3, 2, 8), (4, 2, 8), (4, 2, 8)]),
    V("MultiheadAttention/kdim_vdim_batch_first", "MultiheadAttention", dict(embed_dim=8,
      num_heads=2, kdim=5, vdim=6, batch_first=True), [(2, 3, 8), (2, 4, 5), (2, 4, 6)]),
    V("MultiheadAttention/add_bias_kv", "MultiheadAttention", dict(embed_dim=8, num_heads=2,
      add_bias_kv=True), [(3, 2, 8), (4, 2, 8), (4, 2, 8)]),
    V("TransformerEncoderLayer/default", "TransformerEncoderLayer", dict(d_model=8, nhead=2,
      dim_feedforward=16, dropout=0.0), [(3, 2, 8)]),
    V("TransformerEncoderLayer/norm_first_gelu", "TransformerEncoderLayer", dict(d_model=8,
      nhead=2, dim_feedforward=16, dropout=0.0, activation="gelu", norm_first=True,
      batch_first=True), [(2, 3, 8)]),
    V("TransformerDecoderLayer/default", "TransformerDecoderLayer", dict(d_model=8, nhead=2,
      dim_feedforward=16, dropout=0.0), [(3, 2, 8), (4, 2, 8)]),
    V("Transformer/small", "Transformer", dict(d_model=8, nhead=2, num_encoder_layers=1,
      num_decoder_layers=1, dim_feedforward=16, dropout=0.0), [(4, 2, 8), (3, 2, 8)]),
    V("Conv2dBnAct/bn_relu", "Conv2dBnAct", dict(in_channels=3, out_channels=4, kernel_size=3,
      has_bn=True, activation="relu"), [(2, 3, 5, 5)], train=True),
    V("DenseBnAct/bn_relu", "DenseBnAct", dict(in_channels=5, out_channels=3, has_bn=True,
      activation="relu"), [(4, 5)], train=True),
    # Parameter-free layers whose attributes model files read (pooling keeps what it was
    # given; Dropout keeps keep_prob and p): attributes and eval forward only.
    V("MaxPool2d/k3_s2_same", "MaxPool2d", dict(kernel_size=3, stride=2, pad_mode="same"),
      [(1, 2, 7, 7)]),
    V("MaxPool2d/tuple_valid", "MaxPool2d", dict(kernel_size=(2, 3), stride=(2, 1)),
      [(1, 2, 6, 7)]),
    V("MaxPool2d/pad_mode_pad", "MaxPool2d", dict(kernel_size=3, stride=2, pad_mode="pad",
      padding=1), [(1, 2, 7, 7)]),
    V("AvgPool2d/k2_s2", "AvgPool2d", dict(kernel_size=2, stride=2), [(1, 2, 6, 6)]),
    V("AvgPool2d/k3_s1_same", "AvgPool2d", dict(kernel_size=3, stride=1, pad_mode="same"),
      [(1, 2, 5, 5)]),
    V("AvgPool2d/pad_count_include_pad_false", "AvgPool2d", dict(kernel_size=3, stride=2,
      pad_mode="pad", padding=1, count_include_pad=False), [(1, 2, 5, 5)]),
    V("MaxPool1d/k2_s2", "MaxPool1d", dict(kernel_size=2, stride=2), [(1, 2, 7)]),
    V("AvgPool1d/k3_s1", "AvgPool1d", dict(kernel_size=3, stride=1), [(1, 2, 7)]),
    V("AdaptiveAvgPool2d/1", "AdaptiveAvgPool2d", dict(output_size=1), [(1, 2, 5, 5)]),
    V("Dropout/keep_prob", "Dropout", dict(keep_prob=0.8), [(2, 3)]),
    V("Dropout/p", "Dropout", dict(p=0.1), [(2, 3)]),
    V("Flatten/default", "Flatten", {}, [(2, 3, 4, 5)]),
    V("Pad/constant", "Pad", dict(paddings=((0, 0), (0, 0), (1, 1), (2, 0))), [(1, 2, 3, 3)]),
    V("Pad/reflect", "Pad", dict(paddings=((0, 0), (0, 0), (1, 1), (1, 1)), mode="REFLECT"),
      [(1, 2, 3, 3)]),
    V("Pad/symmetric", "Pad", dict(paddings=((0, 0), (1, 1)), mode="SYMMETRIC"), [(2, 3)]),
    V("Conv2dThor/default", "Conv2dThor", dict(in_channels=3, out_channels=4, kernel_size=3),
      [(2, 3, 5, 5)]),
    V("DenseThor/default", "DenseThor", dict(in_channels=5, out_channels=3), [(4, 5)]),
    V("EmbeddingThor/default", "EmbeddingThor", dict(vocab_size=7, embedding_size=3),
      [("int32", (2, 4), 7)]),
    V("EmbeddingLookupThor/default", "EmbeddingLookupThor", dict(vocab_size=7,
      embedding_size=3), [("int32", (2, 4), 7)]),
]


# ---------------------------------------------------------------- helpers
def make_inputs(specs: list, rng: np.random.Generator) -> list:
    out = []
    for spec in specs:
        if isinstance(spec, tuple) and spec and spec[0] == "tuple":
            out.append(tuple(make_inputs(spec[1], rng)))
        elif isinstance(spec, tuple) and spec and isinstance(spec[0], str):
            out.append(rng.integers(0, spec[2], spec[1]).astype(spec[0]))
        else:
            out.append(rng.standard_normal(spec).astype(np.float32))
    return out


def to_tensors(values: list) -> list:
    return [tuple(to_tensors(list(v))) if isinstance(v, tuple) else Tensor(v) for v in values]


def flatten(value, prefix: str, out: dict) -> None:
    if isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            flatten(v, f"{prefix}.{i}" if prefix else str(i), out)
    elif value is None:
        out[prefix] = None
    else:
        out[prefix] = value.asnumpy() if hasattr(value, "asnumpy") else np.asarray(value)


def describe_attribute(value) -> dict:
    if isinstance(value, (bool, int, float, str)) or value is None:
        return {"value": value, "type": type(value).__name__}
    if isinstance(value, (tuple, list)) and _plain(value):
        return {"value": _jsonable(value), "type": type(value).__name__}
    if isinstance(value, ms.Parameter):
        return {"type": "Parameter", "name": value.name}
    if isinstance(value, Tensor):
        return {"type": "Tensor", "shape": list(value.shape), "dtype": str(value.dtype)}
    if isinstance(value, ms.dtype.Type):
        return {"value": str(value), "type": "mindspore.dtype"}
    if isinstance(value, nn.Cell):
        return {"type": "Cell", "class": type(value).__name__}
    if isinstance(value, ms.ops.Primitive):
        return {"type": "Primitive", "class": type(value).__name__}
    if isinstance(value, ms.common.initializer.Initializer):
        return {"type": "Initializer", "class": type(value).__name__}
    return {"type": type(value).__name__, "repr": repr(value)[:80]}


def _plain(value) -> bool:
    if isinstance(value, (tuple, list)):
        return all(_plain(v) for v in value)
    return isinstance(value, (bool, int, float, str)) or value is None


BASE_ATTRIBUTES = set(vars(nn.Cell()))


def public_attributes(cell: nn.Cell) -> dict:
    return {k: describe_attribute(v) for k, v in sorted(vars(cell).items())
            if not k.startswith("_") and k not in BASE_ATTRIBUTES}


def init_summary(p: ms.Parameter) -> dict:
    a = p.asnumpy().astype(np.float64)
    if a.size and np.all(a == a.flat[0]):
        return {"constant": float(a.flat[0])}
    return {"mean": float(a.mean()), "std": float(a.std()), "min": float(a.min()),
            "max": float(a.max()), "size": int(a.size)}


def set_weights(cell: nn.Cell, rng: np.random.Generator, arrays: dict, prefix: str) -> None:
    for name, p in cell.parameters_and_names():
        shape = tuple(p.shape)
        if "variance" in name:
            value = rng.uniform(0.5, 1.5, shape)
        else:
            value = rng.normal(0.0, 0.5, shape)
        value = value.astype(ms.dtype_to_nptype(p.dtype))
        p.set_data(Tensor(value))
        arrays[f"{prefix}/param/{name}"] = value


def error_text(exc: BaseException) -> str:
    """The first line of MindSpore's message that says something (its C++ errors open
    with rules and headings)."""
    lines = [ln.strip() for ln in str(exc).splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("---", "- "))]
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:400]


# ---------------------------------------------------------------- main
def run_variant(index: int, v: V, arrays: dict) -> dict:
    cls = getattr(nn, v.cls, None)
    entry: dict = {"class": v.cls, "kwargs": _jsonable(v.kwargs), "errors": {}}
    if cls is None:
        entry["errors"]["build"] = f"mindspore.nn has no {v.cls}"
        return entry
    entry["signature"] = str(inspect.signature(cls.__init__)).replace("self, ", "", 1)
    try:
        ms.set_seed(0)
        cell = cls(**v.kwargs)
    except Exception as exc:  # recorded: what MindSpore refuses is reference data too
        entry["errors"]["build"] = error_text(exc)
        return entry
    entry["parameters"] = [[name, list(p.shape), str(p.dtype), bool(p.requires_grad)]
                           for name, p in cell.parameters_and_names()]
    entry["attributes"] = public_attributes(cell)
    entry["children"] = [[name, type(c).__name__] for name, c in cell.cells_and_names()
                         if name]
    entry["default_init"] = {name: init_summary(p) for name, p in cell.parameters_and_names()}
    entry["forward"] = {}
    for mode in ("eval", "train") if v.train else ("eval",):
        rng = np.random.default_rng(SEED + index)
        prefix = v.key
        mode_arrays: dict = {}
        set_weights(cell, rng, mode_arrays, prefix)
        inputs = make_inputs(v.inputs, rng)
        flat_inputs: dict = {}
        flatten(inputs, "", flat_inputs)
        try:
            cell.set_train(mode == "train")
            out = cell(*to_tensors(inputs), **v.call_kwargs)
            outputs: dict = {}     # reading the values is where a failed CPU kernel shows
            flatten(out if isinstance(out, (tuple, list)) else [out], "", outputs)
        except Exception as exc:
            entry["errors"][mode] = error_text(exc)
            continue
        record = {"inputs": [], "outputs": {}}
        for k, a in flat_inputs.items():
            arrays[f"{prefix}/input/{k}"] = a
            record["inputs"].append([k, list(a.shape), str(a.dtype)])
        arrays.update(mode_arrays)
        for k, a in outputs.items():
            if a is None:
                record["outputs"][k] = None
                continue
            arrays[f"{prefix}/{mode}/output/{k}"] = a
            record["outputs"][k] = [list(a.shape), str(a.dtype)]
        if mode == "train":
            record["params_after"] = []
            for name, p in cell.parameters_and_names():
                arrays[f"{prefix}/train/param/{name}"] = p.asnumpy()
                record["params_after"].append(name)
        entry["forward"][mode] = record
    return entry


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    return value


def main() -> int:
    ms.set_context(mode=ms.PYNATIVE_MODE, device_target="CPU")
    OUT.mkdir(parents=True, exist_ok=True)
    arrays: dict = {}
    layers = {}
    for index, v in enumerate(VARIANTS):
        layers[v.key] = run_variant(index, v, arrays)
        status = "; ".join(f"{k}: {e}" for k, e in layers[v.key]["errors"].items()) or "ok"
        print(f"{v.key:48s} {status}", flush=True)
    owners = sorted(n for n in dir(nn) if isinstance(getattr(nn, n), type)
                    and issubclass(getattr(nn, n), nn.Cell) and n in {v.cls for v in VARIANTS})
    doc = {"mindspore_version": ms.__version__, "numpy_version": np.__version__,
           "generated_by": "tools/make_mindspore_layer_reference.py", "seed": SEED,
           "weights": "normal(0, 0.5) from numpy.random.default_rng(seed + index), "
                      "variances uniform(0.5, 1.5); inputs standard normal",
           "classes": owners, "layers": layers}
    (OUT / "layers.json").write_text(json.dumps(doc, indent=1) + "\n")
    np.savez_compressed(OUT / "layers_forward.npz", **arrays)
    print(f"{len(layers)} variants, {len(arrays)} arrays -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
