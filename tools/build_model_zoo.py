"""Do real MindSpore model files build on gpuparam with only the word replaced?

A harness, not a test (CI does not run it). Usage, from the repository root::

    git clone https://github.com/mindspore-ai/models /tmp/zoo/models
    git clone https://github.com/mindspore-lab/mindcv /tmp/zoo/mindcv
    PYTHONPATH=$PWD python tools/build_model_zoo.py /tmp/zoo/models --mindcv /tmp/zoo/mindcv
    PYTHONPATH=$PWD python tools/build_model_zoo.py /tmp/zoo/models -k resnet -k vgg -v
    # compare gpuparam's parameter names, shapes, dtypes and order with MindSpore's:
    PYTHONPATH=$PWD python tools/build_model_zoo.py /tmp/zoo/models --mindcv /tmp/zoo/mindcv \\
        --reference tools/model_zoo_build_mindspore.json
    # the same entries on MindSpore itself (no replacement), which wrote that file (all
    # 44 entries build and run forward on MindSpore 2.10, CPU; about 7 minutes):
    /work/venv-ms/bin/python tools/build_model_zoo.py /tmp/zoo/models --mindcv /tmp/zoo/mindcv \\
        --framework mindspore --json tools/model_zoo_build_mindspore.json

For each entry of ``ENTRIES`` (a model file, the constructor call with small arguments,
the input shapes) it copies the model's module and, transitively, every local module it
imports (plus the YAML configs under the model's directory) into a temporary directory,
with the word ``mindspore`` replaced by ``gpuparam`` and nothing else changed. Package
``__init__.py`` files on the way are written empty unless the code imports names from
that package itself (so that mindcv's package init, which imports its data and training
code, does not decide whether a model builds). Then, in a child process per model
(``--timeout`` seconds), it imports the module, evaluates the constructor call in the
module's namespace, puts the network in eval mode (``set_train(False)``) and runs it on
seeded random inputs. Each model is reported as ``ok`` (forward ran) or by the stage
that failed (``import``, ``build``, ``forward``) with the first missing name or error.
With ``--reference`` (a ``--json`` file written by a MindSpore run), a model that builds
is also checked for MindSpore's parameter names, shapes and dtypes, in order.

Needs PyYAML, SciPy, tqdm and easydict (model files and their config readers import them).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I32, F32 = "int32", "float32"


@dataclass
class Entry:
    name: str
    root: str            # directory on sys.path, relative to the repository
    module: str          # dotted module under root
    build: str           # call evaluated in the module's namespace (or code that sets `net`)
    inputs: list         # [(dtype, shape)] or [(dtype, shape, high)] for integer inputs
    repo: str = "models"
    note: str = ""
    extra_files: list = field(default_factory=list)   # modules imported dynamically


def img(n=2, c=3, h=32, w=None):
    return [(F32, (n, c, h, w or h))]


R = "official/cv/ResNet"
ENTRIES = [
    Entry("ResNet-18 (small widths)", R, "src.resnet",
          "ResNet(ResidualBlockBase, [1, 1, 1, 1], [64, 16, 32, 64], [16, 32, 64, 128], "
          "[1, 2, 2, 2], 10, res_base=True)", img()),
    Entry("ResNet-50 (bottleneck, [1,1,1,1])", R, "src.resnet",
          "ResNet(ResidualBlock, [1, 1, 1, 1], [64, 32, 64, 128], [32, 64, 128, 256], "
          "[1, 2, 2, 2], 10)", img()),
    Entry("ResNet-18", R, "src.resnet", "resnet18(10)", img()),
    Entry("SE-ResNet-50", R, "src.resnet", "se_resnet50(10)", img(h=64)),
    Entry("MobileNetV1", "official/cv/MobileNet/mobilenetv1", "src.mobilenet_v1",
          "mobilenet_v1(10)", img()),
    Entry("MobileNetV2 (width 0.25)", "official/cv/MobileNet/mobilenetv2", "src.mobilenetV2",
          "MobileNetV2Combine(MobileNetV2Backbone(width_mult=0.25), "
          "MobileNetV2Head(input_channel=1280, num_classes=10))", img()),
    Entry("MobileNetV3 small", "official/cv/MobileNet/mobilenetv3", "src.mobilenetV3",
          "mobilenet_v3_small(num_classes=10, multiplier=0.5)", img(h=64)),
    Entry("VGG-16 (cifar head)", "official/cv/VGG/vgg16", "src.vgg",
          "vgg16(num_classes=10, args=__import__('types').SimpleNamespace("
          "initialize_mode='XavierUniform', padding=1, pad_mode='pad', has_bias=True, "
          "batch_norm=True, has_dropout=True, image_size=[32, 32]), phase='test')", img()),
    Entry("AlexNet", "research/cv/Alexnet", "src.alexnet",
          "AlexNet(num_classes=10, phase='test', dataset_name='cifar10')",
          [(F32, (1, 224, 224, 3))], note="takes NHWC images and transposes them itself"),
    Entry("LeNet5", "research/cv/lenet", "src.lenet", "LeNet5(10, 1)", img(c=1)),
    Entry("DenseNet-121", "research/cv/densenet", "src.network.densenet",
          "DenseNet121(num_classes=10)", img()),
    Entry("InceptionV3", "official/cv/Inception/inceptionv3", "src.inception_v3",
          "InceptionV3(num_classes=10, is_training=False)", img(n=1, h=299)),
    Entry("InceptionV4", "official/cv/Inception/inceptionv4", "src.inceptionv4",
          "Inceptionv4(classes=10)", img(n=1, h=139)),
    Entry("Xception", "official/cv/Inception/xception", "src.Xception", "xception(10)",
          img(n=1, h=299)),
    Entry("GoogLeNet", "research/cv/googlenet", "src.googlenet", "GoogleNet(10)", img()),
    Entry("SqueezeNet", "research/cv/squeezenet", "src.squeezenet", "SqueezeNet(10)",
          img(h=64)),
    Entry("ShuffleNetV1 (0.5x)", "official/cv/ShuffleNet/shufflenetv1", "src.shufflenetv1",
          "ShuffleNetV1(n_class=10, model_size='0.5x', group=3)", img(n=1, h=224)),
    Entry("ShuffleNetV2 (0.5x)", "official/cv/ShuffleNet/shufflenetv2", "src.shufflenetv2",
          "ShuffleNetV2(input_size=224, n_class=10, model_size='0.5x')", img(n=1, h=224)),
    Entry("EfficientNet-B0", "official/cv/Efficientnet/efficientnet-b0", "src.efficientnet",
          "efficientnet_b0(num_classes=10)", img(h=64)),
    Entry("GhostNet", "research/cv/ghostnet", "src.ghostnet",
          "ghostnet('1x', num_classes=10)", img(h=64)),
    Entry("U-Net (feature_scale 4)", "official/cv/Unet", "src.unet_nested.unet_model",
          "UNet(in_channel=1, n_class=2, feature_scale=4)", img(n=1, c=1, h=64)),
    Entry("U-Net++ (nested, feature_scale 4)", "official/cv/Unet",
          "src.unet_nested.unet_model",
          "NestedUNet(in_channel=1, n_class=2, feature_scale=4, use_ds=False)",
          img(n=1, c=1, h=64)),
    Entry("ViT (tiny config)", "official/cv/VIT", "src.vit",
          "vit_cfg.update(d_model=32, depth=2, heads=2, mlp_dim=64, dim_head=16, "
          "patch_size=8, normalized_shape=32, image_size=32, num_classes=10)\n"
          "net = VitConfig(vit_cfg).network(VitConfig(vit_cfg))", img(h=32)),
    Entry("CRNN", "official/cv/CRNN", "src.crnn",
          "crnn(__import__('types').SimpleNamespace(batch_size=2, num_step=8, "
          "class_num=11, input_size=512, hidden_size=16, image_height=32, image_width=100, "
          "model_version='V2'), full_precision=True)", [(F32, (2, 3, 32, 100))]),
    Entry("YOLOv3 DarkNet-53 backbone", "official/cv/YOLOv3", "src.darknet",
          "DarkNet(ResidualBlock, [1, 1, 1, 1, 1], [8, 16, 32, 64, 128], "
          "[16, 32, 64, 128, 256], detect=True)", img(n=1, h=64)),
    Entry("YOLOv4 CSPDarkNet-53 backbone", "official/cv/YOLOv4", "src.cspdarknet53",
          "CspDarkNet53(ResidualBlock)", img(n=1, h=64)),
    Entry("YOLOv5 backbone", "official/cv/YOLOv5", "src.backbone",
          "YOLOv5Backbone(shape=[3, 8, 16, 32, 64, 128, 1])", img(n=1, c=12, h=64),
          note="the input is already space-to-depth (12 channels), as its dataset makes it"),
    Entry("FCN-8s", "research/cv/FCN8s", "src.nets.FCN8s", "FCN8s(n_class=2)",
          img(n=1, h=64)),
    Entry("LSTM sentiment (SentimentNet)", "official/nlp/LSTM", "src.lstm",
          "SentimentNet(vocab_size=50, embed_size=8, num_hiddens=16, num_layers=2, "
          "bidirectional=True, num_classes=2, weight=__import__(ENTRY_FRAMEWORK).Tensor("
          "__import__('numpy').ones((50, 8), 'float32')), batch_size=2)",
          [(I32, (2, 500), 50)], note="its construct reads time step 499"),
    Entry("BERT encoder (tiny)", "official/nlp/Bert", "src.bert_model",
          "BertModel(BertConfig(seq_length=8, vocab_size=50, hidden_size=16, "
          "num_hidden_layers=2, num_attention_heads=2, intermediate_size=32, "
          "max_position_embeddings=16, type_vocab_size=2), is_training=False)",
          [(I32, (2, 8), 50), (I32, (2, 8), 2), (I32, (2, 8), 2)]),
    Entry("Transformer (tiny)", "official/nlp/Transformer", "src.transformer_model",
          "TransformerModel(TransformerConfig(batch_size=2, seq_length=8, vocab_size=50, "
          "hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32, "
          "max_position_embeddings=16, beam_width=1, max_decode_length=4), is_training=True)",
          [(I32, (2, 8), 50), (I32, (2, 8), 2), (I32, (2, 8), 50), (I32, (2, 8), 2)],
          note="is_training=True runs the teacher-forced decoder (inference runs beam search)"),
    Entry("TextCNN", "research/nlp/textcnn", "src.textcnn",
          "TextCNN(vocab_len=50, word_len=16, num_classes=2, vec_length=8)",
          [(I32, (2, 16), 50)]),
    Entry("FastText", "research/nlp/fasttext", "src.fasttext_model",
          "FastText(vocab_size=50, embedding_dims=8, num_class=4)",
          [(I32, (2, 8), 50), (I32, (2, 1), 8)]),
    Entry("mindcv ResNet-18", ".", "mindcv.models.resnet", "resnet18(num_classes=10)", img(),
          repo="mindcv"),
    Entry("mindcv MobileNetV2 (0.35)", ".", "mindcv.models.mobilenetv2",
          "mobilenet_v2_035_128(num_classes=10)", img(h=64), repo="mindcv"),
    Entry("mindcv MobileNetV3 small (0.75)", ".", "mindcv.models.mobilenetv3",
          "mobilenet_v3_small_075(num_classes=10)", img(h=64), repo="mindcv"),
    Entry("mindcv DenseNet-121", ".", "mindcv.models.densenet",
          "densenet121(num_classes=10)", img(), repo="mindcv"),
    Entry("mindcv SqueezeNet 1.0", ".", "mindcv.models.squeezenet",
          "squeezenet1_0(num_classes=10)", img(h=64), repo="mindcv"),
    Entry("mindcv ShuffleNetV2 (0.5)", ".", "mindcv.models.shufflenetv2",
          "shufflenet_v2_x0_5(num_classes=10)", img(h=64), repo="mindcv"),
    Entry("mindcv GhostNet (0.5)", ".", "mindcv.models.ghostnet",
          "ghostnet_050(num_classes=10)", img(h=64), repo="mindcv"),
    Entry("mindcv ViT (tiny config)", ".", "mindcv.models.vit",
          "VisionTransformer(image_size=32, patch_size=8, embed_dim=32, depth=2, "
          "num_heads=2, num_classes=10)", img(), repo="mindcv"),
    Entry("mindcv ConvNeXt (tiny dims)", ".", "mindcv.models.convnext",
          "ConvNeXt(in_channels=3, num_classes=10, depths=[1, 1, 1, 1], "
          "dims=[8, 16, 32, 64])", img(), repo="mindcv"),
    Entry("mindcv RepVGG-A0", ".", "mindcv.models.repvgg", "repvgg_a0(num_classes=10)",
          img(), repo="mindcv"),
    Entry("mindcv Inception-V3", ".", "mindcv.models.inceptionv3",
          "inception_v3(num_classes=10)", img(n=1, h=299), repo="mindcv"),
]

# ---------------------------------------------------------------- copying
_MARK = "@@build_model_zoo@@"


def module_file(root: Path, dotted: str) -> Path | None:
    base = root.joinpath(*dotted.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _is_local(root: Path, dotted: str) -> bool:
    top = dotted.split(".")[0]
    return bool(top) and ((root / top).is_dir() or (root / f"{top}.py").is_file())


def local_closure(root: Path, module: str) -> tuple[set[Path], set[Path]]:
    """Files of ``module`` and of every local module it imports, transitively, and the
    package ``__init__`` files whose own names are imported (the others stay empty)."""
    files: set[Path] = set()
    packages_used: set[Path] = set()
    todo, seen = [module], set()
    while todo:
        dotted = todo.pop()
        if dotted in seen:
            continue
        seen.add(dotted)
        path = module_file(root, dotted)
        if path is None:
            continue
        files.add(path)
        if path.name == "__init__.py":
            packages_used.add(path)
        package = dotted if path.name == "__init__.py" else dotted.rpartition(".")[0]
        try:
            tree = ast.parse(path.read_text(errors="replace"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if _is_local(root, a.name)]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".") if package else []
                    parts = parts[:len(parts) - (node.level - 1)]
                    target = ".".join(parts + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                    if not _is_local(root, target):
                        continue
                todo.append(target)
                todo += [f"{target}.{a.name}" for a in node.names
                         if module_file(root, f"{target}.{a.name}")]
    return files, packages_used


def stage_copy(repo: Path, entry: Entry, dest: Path, framework: str) -> Path:
    root = (repo / entry.root).resolve()
    files, packages_used = local_closure(root, entry.module)
    for extra in entry.extra_files:
        more, used = local_closure(root, extra)
        files |= more
        packages_used |= used
    for cfg in list(root.rglob("*.yaml")) + list(root.rglob("*.yml")):
        if cfg.stat().st_size < 200_000 and ".git" not in cfg.parts:
            files.add(cfg)
    for path in sorted(files):
        rel = path.relative_to(root)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(errors="replace")
        if framework != "mindspore":
            text = text.replace("mindspore", framework)
        target.write_text(text)
        for parent in rel.parents:          # packages on the way: empty __init__ files
            init = dest / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.write_text("")
    return dest


# ---------------------------------------------------------------- running
_CHILD = r"""
import importlib, json, sys, traceback
import numpy as np
spec = json.loads(sys.argv[1])
sys.argv = [spec["module"].replace(".", "/") + ".py"]
sys.path.insert(0, spec["root"])
result = {"stage": "import"}
def dtype_name(d):
    return str(d)
try:
    fw = importlib.import_module(spec["framework"])
    if spec["framework"] == "mindspore":
        fw.set_context(mode=fw.PYNATIVE_MODE, device_target="CPU")
    fw.set_seed(1)
    module = importlib.import_module(spec["module"])
    result["stage"] = "build"
    namespace = dict(vars(module), ENTRY_FRAMEWORK=spec["framework"])
    code = spec["build"] if "\nnet = " in spec["build"] else "net = " + spec["build"]
    exec(code, namespace)
    net = namespace["net"]
    result["parameters"] = [[name, list(p.shape), dtype_name(p.dtype)]
                            for name, p in net.parameters_and_names()]
    net.set_train(False)
    result["stage"] = "forward"
    rng = np.random.default_rng(0)
    inputs = []
    for item in spec["inputs"]:
        dtype, shape = item[0], tuple(item[1])
        if dtype.startswith("int"):
            inputs.append(fw.Tensor(rng.integers(0, item[2], shape).astype(dtype)))
        else:
            inputs.append(fw.Tensor(rng.standard_normal(shape).astype(dtype)))
    out = net(*inputs)
    def describe(x):
        if isinstance(x, (tuple, list)):
            return [describe(v) for v in x]
        if hasattr(x, "shape") and hasattr(x, "asnumpy"):
            a = x.asnumpy()
            return {"shape": list(a.shape), "dtype": str(x.dtype),
                    "finite": bool(np.isfinite(a).all()) if a.dtype.kind in "fc" else True}
        return repr(x)[:80]
    result["output"] = describe(out)
    result["stage"] = "ok"
except BaseException as exc:
    result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
    tb = traceback.extract_tb(exc.__traceback__)
    result["where"] = [f"{f.filename.rsplit('/', 3)[-1] if '/' in f.filename else f.filename}:"
                       f"{f.lineno} {f.line}" for f in tb[-3:]]
print(spec["mark"] + json.dumps(result))
"""

_MISSING = [
    re.compile(r"module '([\w.]+)' has no attribute '(\w+)'"),
    re.compile(r"cannot import name '(\w+)' from '([\w.]+)'"),
    re.compile(r"No module named '([\w.]+)'"),
]


def first_missing(error: str, framework: str) -> str | None:
    m = _MISSING[0].search(error)
    if m and m.group(1).startswith(framework):
        return f"{m.group(1)}.{m.group(2)}"
    m = _MISSING[1].search(error)
    if m and m.group(2).startswith(framework):
        return f"{m.group(2)}.{m.group(1)}"
    m = _MISSING[2].search(error)
    if m and m.group(1).startswith(framework):
        return m.group(1)
    return None


def run_entry(entry: Entry, repos: dict[str, Path], framework: str, timeout: float) -> dict:
    repo = repos.get(entry.repo)
    if repo is None:
        return {"stage": "skipped", "error": f"no --{entry.repo} checkout given"}
    if module_file((repo / entry.root), entry.module) is None:
        return {"stage": "skipped", "error": f"{entry.root}/{entry.module} not in {repo}"}
    with tempfile.TemporaryDirectory(prefix="zoo-") as tmp:
        dest = stage_copy(repo, entry, Path(tmp), framework)
        spec = {"root": str(dest), "module": entry.module, "build": entry.build,
                "inputs": entry.inputs, "framework": framework, "mark": _MARK}
        env = dict(os.environ, GPUPARAM_BACKEND=os.environ.get("GPUPARAM_BACKEND", "numpy"),
                   PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        try:
            proc = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(spec)], cwd=dest,
                                  capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return {"stage": "timeout", "error": f"more than {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(_MARK)]
    if not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return {"stage": "crash", "error": f"exit {proc.returncode}: {tail[0][:300]}"}
    result = json.loads(lines[-1][len(_MARK):])
    if "error" in result:
        result["missing"] = first_missing(result["error"], framework)
    return result


def compare_parameters(mine: list, reference: list) -> str:
    if mine == reference:
        return "same parameters as MindSpore"
    if sorted(mine) == sorted(reference):
        return "same parameters as MindSpore, in another order"
    names, ref_names = [p[0] for p in mine], [p[0] for p in reference]
    if names != ref_names:
        extra = sorted(set(names) - set(ref_names))[:3]
        lacking = sorted(set(ref_names) - set(names))[:3]
        return f"parameter names differ (extra {extra}, lacking {lacking})"
    return "parameter shapes or dtypes differ"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", type=Path, help="checkout of mindspore-ai/models")
    parser.add_argument("--mindcv", type=Path, help="checkout of mindspore-lab/mindcv")
    parser.add_argument("--framework", default="gpuparam", choices=["gpuparam", "mindspore"])
    parser.add_argument("-k", action="append", default=[], help="run entries whose name "
                        "contains this (case-insensitive; repeatable)")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--reference", type=Path, help="results of a --framework mindspore run")
    parser.add_argument("-v", action="store_true", help="print where each failure happened")
    args = parser.parse_args(argv)
    repos = {"models": args.models, "mindcv": args.mindcv}
    reference = json.loads(args.reference.read_text()) if args.reference else {}
    entries = [e for e in ENTRIES
               if not args.k or any(k.lower() in e.name.lower() for k in args.k)]
    results, counts = {}, {"entries": len(entries), "import": 0, "build": 0, "forward": 0}
    for entry in entries:
        res = run_entry(entry, repos, args.framework, args.timeout)
        results[entry.name] = res
        stage = res["stage"]
        counts["import"] += stage in ("build", "forward", "ok")
        counts["build"] += stage in ("forward", "ok")
        counts["forward"] += stage == "ok"
        line = f"{entry.name:36s} {stage:8s}"
        if stage == "ok":
            line += f" output {_shapes(res['output'])}, {len(res['parameters'])} parameters"
        else:
            line += " " + (f"missing {res['missing']}" if res.get("missing") else res["error"])
        ref = reference.get("results", {}).get(entry.name, {})
        if "parameters" in res and "parameters" in ref:
            res["vs_mindspore"] = compare_parameters(res["parameters"], ref["parameters"])
            line += f"; {res['vs_mindspore']}"
        print(line, flush=True)
        if args.v and res.get("where"):
            print("    " + "\n    ".join(res["where"]))
    print(f"{args.framework}: {counts['entries']} entries: {counts['import']} import, "
          f"{counts['build']} build, {counts['forward']} run forward")
    if args.json:
        args.json.write_text(json.dumps({"framework": args.framework, "counts": counts,
                                         "results": results}, indent=1) + "\n")
    return 0


def _shapes(out) -> str:
    if isinstance(out, list):
        return "(" + ", ".join(_shapes(o) for o in out) + ")"
    return "x".join(map(str, out["shape"])) if isinstance(out, dict) else str(out)


if __name__ == "__main__":
    sys.exit(main())
