"""Rank the MindSpore names that real model definitions use, and say which gpuparam provides.

Usage (from the repository root, with gpuparam's own venv; MindSpore is not needed)::

    git clone https://github.com/mindspore-ai/models /tmp/zoo/models
    git clone https://github.com/mindspore-lab/mindcv /tmp/zoo/mindcv
    git clone https://github.com/mindspore-lab/mindnlp /tmp/zoo/mindnlp
    PYTHONPATH=$PWD python tools/scan_model_zoo.py --write \\
        models=/tmp/zoo/models:official,research/cv \\
        mindcv=/tmp/zoo/mindcv:mindcv \\
        mindnlp=/tmp/zoo/mindnlp@v0.3.1:mindnlp

A source is ``[NAME=]PATH[@REV][:SUBDIR[,SUBDIR...]]``. ``PATH`` is a checkout or a bare
git directory; with ``@REV`` (or for a bare directory) files are read from that commit
with ``git``, so no work tree is needed. mindnlp is read at ``v0.3.1``, its last release
whose models are MindSpore ``nn.Cell`` code (later releases define torch-style modules).

``--write`` rewrites the table in docs/porting.md between the markers
``<!-- model-zoo-scan:begin -->`` and ``<!-- model-zoo-scan:end -->`` and writes
``tools/model_zoo_names.json``; without it the script only prints the summary.

Which files count as model definitions (the rule, applied in this order):

1. A ``.py`` file under one of the SUBDIRs, with no path component naming tests,
   scripts, inference/deployment or data code (``EXCLUDED_DIRS``) and whose name is not
   that of a training, evaluation, export, data, loss, optimizer, learning-rate,
   metric, callback or config module (``EXCLUDED_STEMS``).
2. It parses (Python 3) and defines at least one *model class*: a class deriving from
   ``mindspore.nn.Cell`` (through any import alias, or through a class that the same
   source defines, in any file, as a Cell subclass), unless the class is a training
   wrapper: it derives from ``TRAINING_BASES`` or its name matches ``TRAINING_CLASS``
   (``...Loss``, ``TrainOneStep...``, ``...Optimizer``, ``...Metric``, ...).

Every MindSpore name the whole file reaches counts (module-level code runs at import
too): attribute chains from an alias (``nn.Conv2d``, ``P.Concat``, ``ms.ops.X``,
``mstype.float32``), names imported with ``from mindspore... import X``, base classes,
decorators, and imported modules (``import mindspore.numpy as mnp``). Names imported in
a ``try:`` whose ``except`` catches ImportError are optional and are skipped. Tensor
methods (``x.view(...)``) cannot be told apart from other methods without types and are
not counted.

A name is reported under one key per object: ``P.Concat``, ``ops.Concat`` and
``ops.operations.array_ops.Concat`` are all ``ops.Concat``; ``F.x`` and ``C.x`` are
``ops.x``; ``nn.layer.basic.Dense`` is ``nn.Dense``; ``ms.float32`` and
``mstype.float32`` are ``dtype.float32``. Each key keeps the forms it was written in, and
its status in gpuparam is ``provided`` only when every form resolves (``partial``
lists the ones that do not). Status comes from a child process that imports gpuparam
from this checkout and resolves each form as the file would (importing the module the
file imports, then taking attributes); an AttributeError (gpuparam's porting hint) or
ImportError means missing. An object with a true ``_training_only`` attribute is
reported as ``training-only`` (a documented refusal that builds but does not run).
"""

from __future__ import annotations

import argparse
import ast
import collections
import datetime
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "porting.md"
NAMES_JSON = ROOT / "tools" / "model_zoo_names.json"
BEGIN, END = "<!-- model-zoo-scan:begin -->", "<!-- model-zoo-scan:end -->"

EXCLUDED_DIRS = {
    "test", "tests", "ut", "st", "testcase", "testcases", "scripts", "script", "infer",
    "ascend310_infer", "ascend_310_infer", "cpp_infer", "mindir_infer", "mxbase", "sdk",
    "modelarts", "docs", "doc", "dataset", "datasets", "data", "preprocess", "postprocess",
    "third_party", "onnx", "serving", "hub",
}
EXCLUDED_STEMS = re.compile(
    r"^(train|eval|export|infer|predict|preprocess|postprocess|quick_start|setup|"
    r"mindspore_hub_conf|hubconf|convert)|"
    r"(_train|_eval|_export|_infer|_predict|_310)$|"
    r"dataset|dataloader|data_loader|sampler|augment|loss|criterion|cross_?entropy|optim|"
    r"(^|_)lr(_|$)|learning_rate|"
    r"callback|metric|config|logger|benchmark|onnx|transforms?$", re.I)
TRAINING_BASES = {"TrainOneStepCell", "TrainOneStepWithLossScaleCell", "WithLossCell",
                  "WithEvalCell", "WithGradCell", "LossBase", "_Loss", "Optimizer",
                  "LearningRateSchedule", "Metric", "Callback", "DistributedGradReducer"}
TRAINING_CLASS = re.compile(r"loss|criterion|crossentropy|trainonestep|trainingwrapper|trainwrap|"
                            r"optimizer|"
                            r"learningrate|lrschedul|metric|evalcell|callback|grad", re.I)
DTYPE_NAMES = {
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "bfloat16", "complex64", "complex128", "half", "single",
    "double", "int_", "uint", "float_", "number", "tensor_type", "string", "type_none",
    "pytype_to_dtype", "dtype_to_pytype", "dtype_to_nptype", "get_py_obj_dtype", "int", "float",
    "qint4x2", "float8_e4m3fn", "float8_e5m2", "hifloat8",
}
# Short display prefixes for the modules names are written in.
SHORT = [("mindspore.ops.operations", "P"), ("mindspore.ops.functional", "F"),
         ("mindspore.ops.composite", "C"), ("mindspore.ops", "ops"), ("mindspore.nn", "nn"),
         ("mindspore.numpy", "mnp"), ("mindspore.common.dtype", "mstype"),
         ("mindspore", "ms")]


@dataclass
class Source:
    name: str
    path: Path
    rev: str | None
    subdirs: list[str]
    commit: str = ""
    git: bool = False

    def files(self) -> list[tuple[str, str]]:
        """(relative path, text) of every .py file under the subdirectories."""
        if self.git:
            listing = _git(self.path, "ls-tree", "-r", "--name-only", self.rev or "HEAD",
                           "--", *self.subdirs).splitlines()
            paths = [p for p in listing if p.endswith(".py")]
            blobs = _git_cat(self.path, [f"{self.rev or 'HEAD'}:{p}" for p in paths])
            return list(zip(paths, blobs))
        out = []
        for sub in self.subdirs or ["."]:
            for path in sorted((self.path / sub).rglob("*.py")):
                out.append((path.relative_to(self.path).as_posix(),
                            path.read_text(errors="replace")))
        return out


def _git(path: Path, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={_git_dir(path)}", *args], check=True,
                          capture_output=True, text=True).stdout


def _git_dir(path: Path) -> Path:
    return path / ".git" if (path / ".git").exists() else path


def _git_cat(path: Path, objects: list[str]) -> list[str]:
    proc = subprocess.run(["git", f"--git-dir={_git_dir(path)}", "cat-file", "--batch"],
                          input="\n".join(objects).encode() + b"\n", capture_output=True,
                          check=True)
    data, pos, texts = proc.stdout, 0, []
    for _ in objects:
        header_end = data.index(b"\n", pos)
        header = data[pos:header_end].split()
        if header[-1] == b"missing":
            texts.append("")
            pos = header_end + 1
            continue
        size = int(header[2])
        texts.append(data[header_end + 1:header_end + 1 + size].decode(errors="replace"))
        pos = header_end + 1 + size + 1
    return texts


def parse_source(spec: str) -> Source:
    name, _, rest = spec.rpartition("=") if "=" in spec.split(":")[0] else ("", "", spec)
    rest, _, subs = rest.partition(":")
    path, _, rev = rest.partition("@")
    src = Source(name or Path(path).name, Path(path), rev or None,
                 [s for s in subs.split(",") if s])
    src.git = bool(rev) or not (src.path / ".git").exists() and (src.path / "HEAD").exists()
    try:
        src.commit = _git(src.path, "rev-parse", f"{src.rev or 'HEAD'}^{{commit}}").strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        src.commit = "unknown"
    return src


def excluded_path(relpath: str) -> bool:
    parts = PurePosixPath(relpath).parts
    if any(p.lower() in EXCLUDED_DIRS for p in parts[:-1]):
        return True
    return bool(EXCLUDED_STEMS.search(PurePosixPath(relpath).stem))


# ---------------------------------------------------------------- one file
@dataclass
class Use:
    form: str            # full dotted path as written, e.g. mindspore.ops.operations.Concat
    anchor: str          # the module the file imports, e.g. mindspore.ops.operations
    kind: str            # call, reference, base, decorator, import, module
    args: dict | None = None


@dataclass
class FileScan:
    relpath: str
    classes: dict[str, list[str]] = field(default_factory=dict)   # class -> base forms
    uses: list[Use] = field(default_factory=list)


def _guarded_by_import_error(handlers: list[ast.ExceptHandler]) -> bool:
    for h in handlers:
        names = [h.type] if not isinstance(h.type, ast.Tuple) else h.type.elts
        for n in names:
            if n is None or (isinstance(n, ast.Name) and n.id in
                             {"ImportError", "ModuleNotFoundError", "Exception"}):
                return True
    return False


def _optional_imports(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and _guarded_by_import_error(node.handlers):
            for stmt in node.body:
                for sub in ast.walk(stmt):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        ids.add(id(sub))
    return ids


def _chain(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _literal(node: ast.AST) -> str:
    try:
        return repr(ast.literal_eval(node))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        text = ast.unparse(node)
        return "<expr> " + (text if len(text) <= 40 else text[:37] + "...")


def _call_args(call: ast.Call) -> dict:
    pos = [a for a in call.args if not isinstance(a, ast.Starred)]
    return {"n_positional": len(pos),
            "star_args": len(pos) != len(call.args) or any(k.arg is None for k in call.keywords),
            "positional": [_literal(a) for a in pos],
            "keywords": {k.arg: _literal(k.value) for k in call.keywords if k.arg}}


def scan_file(relpath: str, text: str) -> FileScan | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    optional = _optional_imports(tree)
    alias: dict[str, str] = {}       # local name -> dotted mindspore path
    imported_names: list[tuple[str, str, str]] = []   # (local, dotted, anchor module)
    scan = FileScan(relpath)
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] != "mindspore":
                    continue
                scan.uses.append(Use(a.name, a.name, "module"))
                local = a.asname or a.name.split(".")[0]
                alias.setdefault(local, a.name if a.asname else a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "mindspore":
            for a in node.names:
                if a.name == "*":
                    scan.uses.append(Use(node.module + ".*", node.module, "module"))
                    continue
                local = a.asname or a.name
                dotted = f"{node.module}.{a.name}"
                alias.setdefault(local, dotted)
                imported_names.append((local, dotted, node.module))
    # A lowercase name imported with `from mindspore.x import y` is a module when the
    # file only takes attributes of it (`context.set_context`), a function when called.
    attr_of, called = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            attr_of.add(node.value.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            called.add(node.func.id)
    modules = {local for local, dotted, _ in imported_names
               if dotted.rsplit(".", 1)[1][:1].islower() and local in attr_of
               and local not in called}
    for local, dotted, module in imported_names:
        if local in modules:
            scan.uses.append(Use(dotted, dotted, "module"))
        else:
            scan.uses.append(Use(dotted, module, "import"))
    # The module a name's resolution starts from: what the import statement imports.
    anchors = {local: alias[local] for local in alias}
    for local, dotted, module in imported_names:
        if local not in modules and alias.get(local) == dotted:
            anchors[local] = module
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            scan.classes[node.name] = [
                _name_form(alias[c[0]].split(".") + c[1:]) or "" if c[0] in alias
                else ".".join(c) for c in map(_chain, node.bases) if c]
        if not isinstance(node, (ast.Attribute, ast.Name)) or not isinstance(
                getattr(node, "ctx", None), ast.Load):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute) and parent.value is node:
            continue                                  # only the outermost chain counts
        chain = _chain(node)
        if not chain or chain[0] not in alias:
            continue
        if isinstance(node, ast.Name) and chain[0] in modules:
            continue
        full = alias[chain[0]].split(".") + chain[1:]
        form = _name_form(full)
        if form is None:
            continue
        kind, args = "reference", None
        if isinstance(parent, ast.Call) and parent.func is node:
            kind, args = "call", _call_args(parent)
        elif isinstance(parent, ast.ClassDef) and node in parent.bases:
            kind = "base"
        elif isinstance(parent, (ast.FunctionDef, ast.ClassDef)) and node in parent.decorator_list:
            kind = "decorator"
        scan.uses.append(Use(form, anchors[chain[0]], kind, args))
    return scan


def _name_form(parts: list[str]) -> str | None:
    """Cut a dotted chain after its first non-module component (``ms.Tensor.x`` ->
    ``mindspore.Tensor``): a component is a module when it is lowercase and followed
    by another one."""
    for i in range(1, len(parts)):
        if not (parts[i][:1].islower() or parts[i][:1] == "_") or i == len(parts) - 1:
            return ".".join(parts[:i + 1])
    return None


# ---------------------------------------------------------------- grouping
def group_key(form: str) -> str:
    module, _, name = form.rpartition(".")
    if form.endswith(".*"):
        return form.removeprefix("mindspore.") or form
    if module.startswith("mindspore.nn"):
        return "nn." + name
    if module == "mindspore.ops" or module.startswith(("mindspore.ops.operations",
                                                        "mindspore.ops.functional",
                                                        "mindspore.ops.composite",
                                                        "mindspore.ops.function",
                                                        "mindspore.ops.primitive",
                                                        "mindspore.ops.auto_generate")):
        return "ops." + name
    if module.startswith("mindspore.numpy"):
        return "numpy." + name
    if module in ("mindspore.common.dtype", "mindspore.dtype") or (
            module in ("mindspore", "mindspore.common") and name in DTYPE_NAMES):
        return "dtype." + name
    if module in ("mindspore.common", "mindspore.common.tensor", "mindspore.common.parameter",
                  "mindspore.common.seed", "mindspore.common.api"):
        return "mindspore." + name
    return form.removeprefix("mindspore.") if module != "mindspore" else "mindspore." + name


def short(form: str) -> str:
    for prefix, alias in SHORT:
        if form.startswith(prefix + ".") and "." not in form[len(prefix) + 1:]:
            return f"{alias}.{form[len(prefix) + 1:]}"
    return form


def written(anchor: str, form: str) -> str:
    """How a file reaches a name: ``P.Concat``, ``ms.ops.Concat``, ``nn.Conv2d``, or the
    full path for a name imported from a module (``mindspore.nn.layer.CellList``)."""
    if form == anchor or not form.startswith(anchor + "."):
        return form
    alias = dict(SHORT).get(anchor)
    return f"{alias}.{form[len(anchor) + 1:]}" if alias else form


def model_classes(scans: list[FileScan]) -> dict[str, set[str]]:
    """Per file of one source, its model classes: Cell subclasses that are not training
    wrappers. Local bases are matched by class name across the source's files."""
    cell, training = set(), set()
    changed = True
    while changed:      # a class may derive from a Cell subclass of another file
        changed = False
        for s in scans:
            for cls, bases in s.classes.items():
                if cls in cell:
                    continue
                kinds = [_base_kind(b, cell, training) for b in bases]
                if "training" in kinds:
                    if cls not in training:
                        training.add(cls)
                        changed = True
                elif "cell" in kinds:
                    cell.add(cls)
                    changed = True
    return {s.relpath: {c for c in s.classes if c in cell and not TRAINING_CLASS.search(c)}
            for s in scans}


def _base_kind(base: str, cell: set[str], training: set[str]) -> str:
    last = base.rsplit(".", 1)[-1]
    if base.startswith("mindspore."):
        if last in TRAINING_BASES:
            return "training"
        return "cell" if base.startswith("mindspore.nn.") and last[:1].isupper() else ""
    if last in training:
        return "training"
    return "cell" if last in cell else ""


# ---------------------------------------------------------------- status in gpuparam
_RESOLVER = r"""
import importlib, json, sys
pairs = json.load(sys.stdin)
out = {}
def resolve(anchor, form):
    module = "gpuparam" + anchor[len("mindspore"):]
    obj = importlib.import_module(module)
    rest = form[len(anchor):].lstrip(".")
    for part in rest.split(".") if rest and rest != "*" else []:
        obj = getattr(obj, part)
    return bool(getattr(obj, "_training_only", False))
# Chains from the package itself first, before any explicit submodule import.
for anchor, form in sorted(pairs, key=lambda p: p[0] != "mindspore"):
    try:
        out[anchor + "|" + form] = "training-only" if resolve(anchor, form) else "provided"
    except (AttributeError, ImportError) as exc:
        out[anchor + "|" + form] = "missing"
    except Exception as exc:  # a facade that fails some other way is a bug, but missing here
        out[anchor + "|" + form] = "missing (" + type(exc).__name__ + ")"
json.dump(out, sys.stdout)
"""


def gpuparam_status(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), GPUPARAM_BACKEND="numpy")
    proc = subprocess.run([sys.executable, "-W", "ignore", "-c", _RESOLVER],
                          input=json.dumps(sorted(pairs)), capture_output=True, text=True,
                          env=env, cwd=ROOT, check=True)
    return {tuple(k.split("|", 1)): v for k, v in json.loads(proc.stdout).items()}


# ---------------------------------------------------------------- aggregate
@dataclass
class Name:
    key: str
    files: set = field(default_factory=set)
    per_source: collections.Counter = field(default_factory=collections.Counter)
    forms: dict = field(default_factory=lambda: collections.defaultdict(set))
    kinds: collections.Counter = field(default_factory=collections.Counter)
    calls: list = field(default_factory=list)
    status: str = ""
    missing_forms: list = field(default_factory=list)


def aggregate(model_files: list[tuple[Source, FileScan]]) -> dict[str, Name]:
    names: dict[str, Name] = {}
    for src, scan in model_files:
        fid = f"{src.name}:{scan.relpath}"
        for use in scan.uses:
            key = group_key(use.form) if use.kind != "module" else "module " + use.form
            entry = names.setdefault(key, Name(key))
            if fid not in entry.files:
                entry.files.add(fid)
                entry.per_source[src.name] += 1
            entry.forms[(use.anchor, use.form)].add(fid)
            entry.kinds[use.kind] += 1
            if use.args is not None:
                entry.calls.append(use.args)
    return names


def summarize_calls(calls: list[dict]) -> dict:
    """What implementers need: how many positional arguments, which keywords with which
    literal values (the most frequent few)."""
    positional = collections.Counter(c["n_positional"] for c in calls)
    by_index: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    keywords: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for c in calls:
        for i, v in enumerate(c["positional"]):
            by_index[i][v] += 1
        for k, v in c["keywords"].items():
            keywords[k][v] += 1
    return {
        "calls": len(calls),
        "with_star_args": sum(c["star_args"] for c in calls),
        "n_positional": {str(k): v for k, v in sorted(positional.items())},
        "positional_values": {str(i): dict(cnt.most_common(6)) for i, cnt in
                              sorted(by_index.items())},
        "keywords": {k: {"uses": sum(cnt.values()), "values": dict(cnt.most_common(6))}
                     for k, cnt in sorted(keywords.items(), key=lambda kv: -sum(kv[1].values()))},
        "examples": [_call_text(c) for c in _distinct(calls)[:5]],
    }


def _distinct(calls: list[dict]) -> list[dict]:
    seen, out = set(), []
    for c in sorted(calls, key=lambda c: -len(c["keywords"]) - c["n_positional"]):
        sig = (c["n_positional"], tuple(sorted(c["keywords"])))
        if sig not in seen:
            seen.add(sig)
            out.append(c)
    return out


def _call_text(c: dict) -> str:
    args = list(c["positional"]) + [f"{k}={v}" for k, v in c["keywords"].items()]
    return "(" + ", ".join(args) + ")"


# ---------------------------------------------------------------- output
def render_markdown(names: dict[str, Name], sources: list[Source], totals: dict,
                    command: str) -> str:
    src_cols = [s.name for s in sources]
    lines = [
        f"Scanned on {totals['date']} with `tools/scan_model_zoo.py` (regenerate with "
        f"`{command}`):", ""]
    for s in sources:
        where = ", ".join(f"`{d}/`" for d in s.subdirs) or "everything"
        rev = f" (`{s.rev}`)" if s.rev else ""
        lines.append(f"- {s.name}: {totals['repos'].get(s.name, s.name)} at commit "
                     f"`{s.commit[:12]}`{rev}, {where}: "
                     f"{totals['per_source'][s.name]} model-definition files "
                     f"of {totals['py_files'][s.name]} Python files")
    lines += [
        "",
        f"{totals['model_files']} model-definition files use {totals['names']} distinct "
        f"MindSpore names ({totals['names_ge3']} of them in 3 or more files) and "
        f"{totals['modules']} MindSpore modules. **{totals['covered']} of "
        f"{totals['model_files']} files ({totals['covered_share']:.1%}) use only names "
        f"that gpuparam provides.** Names used by one file only "
        f"({totals['names'] - totals['names_ge2']}) are in "
        f"[`tools/model_zoo_names.json`](../tools/model_zoo_names.json) with the "
        f"argument forms seen, as are the forms of every name below. A status "
        f"`partial` means some of the ways files write the name resolve and others "
        f"do not (the ones that do not follow it).",
        "",
        "| # | name | files | " + " | ".join(src_cols) + " | gpuparam | written as |",
        "|---:|---|---:|" + "---:|" * len(src_cols) + "---|---|"]
    ranked = ranking([n for n in names.values() if not n.key.startswith("module ")])
    for i, n in enumerate(ranked, 1):
        if len(n.files) < 2:
            break
        lines.append(_row(i, n, src_cols))
    lines += ["", "Modules the same files import (a missing one fails the import):", "",
              "| module | files | " + " | ".join(src_cols) + " | gpuparam |",
              "|---|---:|" + "---:|" * len(src_cols) + "---|"]
    for n in ranking([n for n in names.values() if n.key.startswith("module ")]):
        if len(n.files) < 2:
            break
        counts = " | ".join(str(n.per_source.get(c, 0)) for c in src_cols)
        lines.append(f"| `{n.key[7:]}` | {len(n.files)} | {counts} | {n.status} |")
    return "\n".join(lines)


def ranking(names: list[Name]) -> list[Name]:
    return sorted(names, key=lambda n: (-len(n.files), n.key))


def _row(i: int, n: Name, src_cols: list[str]) -> str:
    forms = _written_forms(n)
    text = ", ".join(f"`{f}` {len(fids)}" for f, fids in list(forms.items())[:3])
    if len(forms) > 3:
        text += f", +{len(forms) - 3}"
    status = n.status
    if n.missing_forms:
        status += ": " + ", ".join(f"`{f}`" for f in n.missing_forms[:3])
        status += ", ..." if len(n.missing_forms) > 3 else ""
    counts = " | ".join(str(n.per_source.get(c, 0)) for c in src_cols)
    return f"| {i} | `{n.key}` | {len(n.files)} | {counts} | {status} | {text} |"


def _written_forms(n: Name) -> dict[str, set]:
    """Written form -> files, most files first."""
    forms: dict[str, set] = collections.defaultdict(set)
    for pair, fids in n.forms.items():
        forms[written(*pair)] |= fids
    return dict(sorted(forms.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def write_docs(block: str) -> None:
    text = DOCS.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOCS}: markers {BEGIN} / {END} not found")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{BEGIN}\n{block}\n{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", help="[NAME=]PATH[@REV][:SUBDIR,...]")
    parser.add_argument("--write", action="store_true",
                        help="rewrite docs/porting.md's table and tools/model_zoo_names.json")
    parser.add_argument("--top", type=int, default=60, help="ranking rows to print")
    args = parser.parse_args(argv)
    sources = [parse_source(s) for s in args.sources]
    model_files: list[tuple[Source, FileScan]] = []
    totals: dict = {"date": datetime.date.today().isoformat(), "per_source": {},
                    "py_files": {}, "repos": {}, "unparsable": {}}
    for src in sources:
        files = src.files()
        totals["py_files"][src.name] = len(files)
        scans = []
        for relpath, text in files:
            if excluded_path(relpath) or "mindspore" not in text:
                continue
            scan = scan_file(relpath, text)
            if scan is None:
                totals["unparsable"].setdefault(src.name, []).append(relpath)
                continue
            scans.append(scan)
        models = model_classes(scans)
        kept = [s for s in scans if models[s.relpath]]
        model_files += [(src, s) for s in kept]
        totals["per_source"][src.name] = len(kept)
        totals["repos"][src.name] = _repo_name(src)
    names = aggregate(model_files)
    status = gpuparam_status({pair for n in names.values() for pair in n.forms})
    for n in names.values():
        states = {pair: status[pair] for pair in n.forms}
        missing = [pair for pair, st in states.items() if st.startswith("missing")]
        n.missing_forms = sorted({written(*pair) for pair in missing})
        if not missing:
            n.status = "training-only" if "training-only" in states.values() else "provided"
        elif len(missing) == len(states):
            n.status, n.missing_forms = "missing", []
        else:
            n.status = "partial"
    covered = [fid for fid in _file_ids(model_files)
               if all(not status[(u.anchor, u.form)].startswith("missing")
                      for u in _uses_of(model_files, fid))]
    plain = [n for n in names.values() if not n.key.startswith("module ")]
    totals.update(model_files=len(model_files), names=len(plain),
                  names_ge2=sum(len(n.files) >= 2 for n in plain),
                  names_ge3=sum(len(n.files) >= 3 for n in plain),
                  modules=len(names) - len(plain), covered=len(covered),
                  covered_share=len(covered) / max(1, len(model_files)))
    command = "PYTHONPATH=$PWD python tools/scan_model_zoo.py --write " + " ".join(
        _spec_text(s) for s in sources)
    _print_summary(names, totals, args.top)
    if args.write:
        write_docs(render_markdown(names, sources, totals, command))
        NAMES_JSON.write_text(json.dumps(_json(names, sources, totals, command, covered),
                                         indent=1, sort_keys=False) + "\n")
    return 0


def _spec_text(s: Source) -> str:
    rev = f"@{s.rev}" if s.rev else ""
    subs = ":" + ",".join(s.subdirs) if s.subdirs else ""
    return f"{s.name}=/tmp/zoo/{s.name}{rev}{subs}"


def _repo_name(src: Source) -> str:
    try:
        url = _git(src.path, "config", "--get", "remote.origin.url").strip()
    except subprocess.CalledProcessError:
        url = str(src.path)
    match = re.search(r"([\w.-]+)\+([\w.-]+)/repo/?$", url) or re.search(
        r"github\.com[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$", url)
    return f"{match.group(1)}/{match.group(2)}" if match else url


def _file_ids(model_files: list[tuple[Source, FileScan]]) -> list[str]:
    return [f"{src.name}:{scan.relpath}" for src, scan in model_files]


def _uses_of(model_files: list[tuple[Source, FileScan]], fid: str) -> list[Use]:
    for src, scan in model_files:
        if f"{src.name}:{scan.relpath}" == fid:
            return scan.uses
    return []


def _json(names: dict[str, Name], sources: list[Source], totals: dict, command: str,
          covered: list[str]) -> dict:
    entries = {}
    for n in ranking(list(names.values())):
        forms = {f: len(fids) for f, fids in _written_forms(n).items()}
        entries[n.key] = {"files": len(n.files), "per_source": dict(n.per_source),
                          "status": n.status, "missing_forms": n.missing_forms,
                          "forms": forms, "kinds": dict(n.kinds),
                          "example_files": sorted(n.files)[:5]}
        if n.calls:
            entries[n.key]["arguments"] = summarize_calls(n.calls)
    return {"generated": totals["date"], "command": command,
            "sources": [{"name": s.name, "repository": totals["repos"][s.name],
                         "commit": s.commit, "rev": s.rev, "subdirs": s.subdirs,
                         "py_files": totals["py_files"][s.name],
                         "model_files": totals["per_source"][s.name],
                         "unparsable": totals["unparsable"].get(s.name, [])} for s in sources],
            "totals": {k: totals[k] for k in ("model_files", "names", "names_ge2", "names_ge3",
                                              "modules", "covered", "covered_share")},
            "covered_files": sorted(covered), "names": entries}


def _print_summary(names: dict[str, Name], totals: dict, top: int) -> None:
    plain = ranking([n for n in names.values() if not n.key.startswith("module ")])
    for i, n in enumerate(plain[:top], 1):
        per = " ".join(f"{k}={v}" for k, v in sorted(n.per_source.items()))
        extra = (" missing " + ",".join(n.missing_forms)) if n.missing_forms else ""
        print(f"{i:3d} {n.key:40s} {len(n.files):5d}  {n.status:9s} [{per}]{extra}")
    print(f"model-definition files: {totals['model_files']} {totals['per_source']}")
    print(f"names: {totals['names']}, in >= 2 files: {totals['names_ge2']}, "
          f"in >= 3 files: {totals['names_ge3']}, modules: {totals['modules']}")
    print(f"files whose every name gpuparam provides: {totals['covered']} of "
          f"{totals['model_files']} ({totals['covered_share']:.1%})")


if __name__ == "__main__":
    sys.exit(main())
