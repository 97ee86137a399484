"""Write small whole networks from MindSpore's model zoo: checkpoints and forward outputs.

Run with MindSpore's own venv (CI never needs MindSpore; the outputs are committed)::

    git clone https://github.com/mindspore-ai/models /tmp/zoo/models
    /work/venv-ms/bin/python tools/make_mindspore_networks.py /tmp/zoo/models

For each network of ``NETS`` it writes, under ``tests/data/mindspore/nets/``:

- ``src/<net>/...``: the model files it was built from, copied byte for byte from
  mindspore-ai/models (licence headers and the word ``mindspore`` unchanged), in their
  package layout, so a test can put ``src/<net>`` on ``sys.path`` (after replacing the
  word) and import the module named in ``<net>.json``; ``SHIMS`` lists the one file
  written here instead of copied (ResNet's YAML config reader);
- ``<net>.ckpt``: written by ``mindspore.save_checkpoint(net, ...)`` after every
  parameter was set (``set_data``) from ``numpy.random.default_rng(SEED)``: weights
  normal with std ``1/sqrt(fan_in)`` (fan_in: the product of all but the first
  dimension), ``gamma`` and moving variances uniform in [0.5, 1.5], ``beta``, biases
  and moving means normal(0, 0.1), embedding tables normal(0, 1);
- ``<net>.json``: origin (repository, commit, path), module, the constructor call, the
  inputs' shapes and dtypes, and the parameters ``[name, Parameter.name, shape, dtype,
  requires_grad]`` in ``parameters_and_names()`` order (which is also the ``.ckpt``
  record order). The two names differ where a cell is built with
  ``auto_prefix=False`` (MobileNetV2Combine): the checkpoint holds ``Parameter.name``;
- ``<net>.npz``: ``input.<i>`` (seeded) and ``output.<i>``, MindSpore's eval-mode
  (``set_train(False)``) forward result.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "mindspore" / "nets"
SEED = 20240602
sys.path.insert(0, str(ROOT / "tools"))
from build_model_zoo import local_closure  # noqa: E402  (no MindSpore import there)

RESNET_CONFIG_SHIM = '''"""Written by gpuparam's tools/make_mindspore_networks.py, not copied:
the original src/model_utils/config.py reads a YAML file and the command line. resnet.py reads only
these two fields of it."""
from types import SimpleNamespace

config = SimpleNamespace(net_name="resnet18", optimizer="Momentum")
'''

NETS = {
    "resnet_tiny": dict(
        root="official/cv/ResNet", module="src.resnet",
        build="ResNet(ResidualBlockBase, [1, 1, 1, 1], [64, 16, 16, 32], [16, 16, 32, 32], "
              "[1, 2, 2, 2], 10, res_base=True)",
        inputs=[("float32", (2, 3, 32, 32))],
        shims={"src/model_utils/config.py": RESNET_CONFIG_SHIM}),
    "mobilenetv2_tiny": dict(
        root="official/cv/MobileNet/mobilenetv2", module="src.mobilenetV2",
        build="MobileNetV2Combine(MobileNetV2Backbone(width_mult=0.5, "
              "inverted_residual_setting=[[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 2, 2]], "
              "last_channel=64), MobileNetV2Head(input_channel=64, num_classes=10))",
        inputs=[("float32", (2, 3, 32, 32))]),
    "lenet5": dict(
        root="research/cv/lenet", module="src.lenet", build="LeNet5(10, 1)",
        inputs=[("float32", (2, 1, 32, 32))]),
    "lstm_sentiment": dict(
        root="official/nlp/LSTM", module="src.lstm",
        build="SentimentNet(vocab_size=50, embed_size=8, num_hiddens=8, num_layers=2, "
              "bidirectional=True, num_classes=2, weight=Tensor(np.zeros((50, 8), "
              "np.float32)), batch_size=2)",
        inputs=[("int32", (2, 500), 50)],
        note="its construct reads time steps 0 and 499, so inputs are 500 tokens long"),
    "bert_tiny": dict(
        root="official/nlp/Bert", module="src.bert_model",
        build="BertModel(BertConfig(seq_length=8, vocab_size=50, hidden_size=16, "
              "num_hidden_layers=2, num_attention_heads=2, intermediate_size=32, "
              "max_position_embeddings=16, type_vocab_size=2, hidden_dropout_prob=0.0, "
              "attention_probs_dropout_prob=0.0), is_training=False)",
        inputs=[("int32", (2, 8), 50), ("int32", (2, 8), 2), ("int32", (2, 8), 2)],
        note="inputs: input_ids, token_type_ids, input_mask"),
}


def fill(net, rng: np.random.Generator) -> None:
    import mindspore as ms
    for name, p in net.parameters_and_names():
        shape = tuple(p.shape)
        leaf = name.rsplit(".", 1)[-1]
        if "variance" in leaf or leaf == "gamma":
            value = rng.uniform(0.5, 1.5, shape)
        elif leaf in ("beta", "bias") or "mean" in leaf or "bias" in leaf or len(shape) <= 1:
            value = rng.normal(0.0, 0.1, shape)
        elif "embedding" in name:
            value = rng.normal(0.0, 1.0, shape)
        else:
            value = rng.normal(0.0, 1.0 / np.sqrt(np.prod(shape[1:])), shape)
        p.set_data(ms.Tensor(value.astype(ms.dtype_to_nptype(p.dtype))))


def flatten(value, prefix: str, out: dict) -> None:
    if isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            flatten(v, f"{prefix}.{i}", out)
    else:
        out[prefix] = value.asnumpy()


def commit_of(repo: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "unknown"


def make(name: str, spec: dict, repo: Path) -> None:
    import mindspore as ms
    root = repo / spec["root"]
    dest = OUT / "src" / name
    if dest.exists():
        shutil.rmtree(dest)
    files, _ = local_closure(root, spec["module"])
    shims = spec.get("shims", {})
    copied = []
    for path in sorted(files):
        rel = path.relative_to(root).as_posix()
        if rel in shims:
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / rel)
        copied.append(rel)
    for rel, text in shims.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text)
    for path in list(dest.rglob("*")):       # packages on the way: empty __init__ files
        if path.is_dir() and not (path / "__init__.py").exists():
            (path / "__init__.py").write_text("")
    for key in [k for k in sys.modules if k == "src" or k.startswith("src.")]:
        del sys.modules[key]
    sys.path.insert(0, str(dest))
    try:
        module = __import__(spec["module"], fromlist=["*"])
        namespace = dict(vars(module), np=np, Tensor=ms.Tensor)
        ms.set_seed(0)
        net = eval(spec["build"], namespace)
    finally:
        sys.path.remove(str(dest))
    rng = np.random.default_rng(SEED)
    fill(net, rng)
    net.set_train(False)
    inputs = []
    for item in spec["inputs"]:
        dtype, shape = item[0], tuple(item[1])
        if dtype.startswith("int"):
            inputs.append(rng.integers(0, item[2], shape).astype(dtype))
        else:
            inputs.append(rng.standard_normal(shape).astype(dtype))
    out = net(*[ms.Tensor(a) for a in inputs])
    arrays = {f"input.{i}": a for i, a in enumerate(inputs)}
    flatten(out if isinstance(out, (tuple, list)) else [out], "output", arrays)
    arrays = {k.replace("output..", "output."): v for k, v in arrays.items()}
    ms.save_checkpoint(net, str(OUT / f"{name}.ckpt"))
    np.savez_compressed(OUT / f"{name}.npz", **arrays)
    meta = {
        "origin": {"repository": "mindspore-ai/models", "commit": commit_of(repo),
                   "root": spec["root"], "files": copied, "written_here": sorted(shims)},
        "licence": "Apache-2.0 (the header of each copied file)",
        "module": spec["module"], "build": spec["build"],
        "build_namespace": "the module's names, plus np (NumPy) and Tensor",
        "inputs": [[f"input.{i}", list(a.shape), str(a.dtype)] for i, a in enumerate(inputs)],
        "outputs": [[k, list(v.shape), str(v.dtype)] for k, v in arrays.items()
                    if k.startswith("output")],
        "mode": "eval (set_train(False))",
        "seed": SEED, "mindspore_version": ms.__version__,
        "parameters_columns": ["name in parameters_and_names()", "Parameter.name (the "
                               ".ckpt record name)", "shape", "dtype", "requires_grad"],
        "parameters": [[n, p.name, list(p.shape), str(p.dtype), bool(p.requires_grad)]
                       for n, p in net.parameters_and_names()],
    }
    if "note" in spec:
        meta["note"] = spec["note"]
    (OUT / f"{name}.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"{name:18s} {len(meta['parameters'])} parameters, "
          f"ckpt {(OUT / f'{name}.ckpt').stat().st_size} bytes, outputs {meta['outputs']}")


def main(argv: list[str]) -> int:
    import mindspore as ms
    if not argv:
        print(__doc__)
        return 2
    ms.set_context(mode=ms.PYNATIVE_MODE, device_target="CPU")
    repo = Path(argv[0])
    OUT.mkdir(parents=True, exist_ok=True)
    for name, spec in NETS.items():
        if len(argv) > 1 and name not in argv[1:]:
            continue
        make(name, spec, repo)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
