"""Write MindSpore's own results for the operators model files use.

Run with MindSpore's own venv (CI never needs MindSpore; the outputs are committed)::

    /work/venv-ms/bin/python tools/make_mindspore_op_reference.py           # all names
    /work/venv-ms/bin/python tools/make_mindspore_op_reference.py ops.Concat nn.GELU

Writes ``tests/data/mindspore/ops.json`` and ``tests/data/mindspore/ops.npz``.

The names are those of ``tools/model_zoo_names.json`` (written by scan_model_zoo.py)
that 3 or more model files use: every ``ops.X`` (reached as ``P.X``, ``F.X``, ``C.X`` or
``ops.X``), every ``numpy.X`` (``mindspore.numpy``) and every ``nn.X`` but the containers and the
parameter-owning layers of ``layers.json`` (activations, pooling, padding, losses, ...).

For each name, the ``Examples:`` of its docstring (what its API page shows) run in
MindSpore 2.10 on the CPU, in PyNative mode, while the object is instrumented: every
call the example makes to it (a function; a primitive's or other class's constructor and
``__call__``; a cell's constructor and ``construct``) is recorded with its constructor
arguments, its inputs and its result. ``ops.json`` keeps, per name, the example's source
with the output its docstring documents (``want``) and what MindSpore 2.10 printed
(``got``), and the recorded calls. Then the first recorded call is replayed with the
dtype rules varied, each an ``extra`` case with its result or MindSpore's error: the
float inputs as float16, as float64 and as int32 (rounded), mixed float16/float32
inputs, ``keep_dims`` flipped, ``axis=-1`` and ``axis=()`` where the signature has them,
and, for two inputs of one shape, the second broadcast from shape ``(..., 1)`` and as a
Python scalar. A tensor is ``{"tensor": npz key, "shape", "dtype"}`` (MindSpore's dtype
name; bfloat16 values are stored as float32); Python values are ``{"value", "type"}``.

A name whose example MindSpore 2.10 cannot run on the CPU ("Unsupported op ... on CPU",
an unregistered kernel, a hang) is listed in ``cpu_unsupported`` with the message, one
whose example fails otherwise (it uses a network the docstring does not define, needs
``mpirun``) in ``example_fails_otherwise``, and a name MindSpore 2.10 does not have at
all (``P.ResizeBilinear``) in ``not_in_mindspore``. Arrays of more than ``MAX_STORED``
elements are summarized (shape, dtype, mean, SHA-256 of the bytes), not stored. Names
run in child processes in batches; one that hangs is retried alone and recorded as
timed out.
"""

from __future__ import annotations

import contextlib
import doctest
import functools
import hashlib
import importlib
import inspect
import io
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SELF = str(Path(__file__).resolve())
OUT = ROOT / "tests" / "data" / "mindspore"
NAMES = ROOT / "tools" / "model_zoo_names.json"
MIN_FILES = 3
# Containers and layers with parameters: layers.json and the nets cover them.
SKIP_NN = {"Cell", "SequentialCell", "CellList", "CellDict", "Sequential"}
MAX_CALLS = 3
# Larger arrays (two docstrings use big random inputs) are summarized, not stored.
MAX_STORED = 4096


def target_names() -> list[str]:
    names = json.loads(NAMES.read_text())["names"]
    layers = json.loads((OUT / "layers.json").read_text())["layers"]
    layer_classes = {v["class"] for v in layers.values() if v.get("parameters")}
    out = []
    for key, entry in names.items():
        if entry["files"] < MIN_FILES:
            continue
        if key.startswith(("ops.", "numpy.")):
            out.append(key)
        elif key.startswith("nn."):
            name = key[3:]
            if name not in SKIP_NN and name not in layer_classes:
                out.append(key)
    return out


# ---------------------------------------------------------------- child side
def resolve(key: str):
    import mindspore
    space, _, name = key.partition(".")
    if "." in name:                                   # ops._primitive_cache._get_cache_prim
        obj = resolve_path(f"mindspore.{key}")
        return (obj, f"mindspore.{key}") if obj is not None else (None, None)
    modules = {"ops": ["mindspore.ops", "mindspore.ops.operations", "mindspore.ops.functional",
                       "mindspore.ops.composite", "mindspore.ops.primitive"],
               "nn": ["mindspore.nn"], "numpy": ["mindspore.numpy"]}[space]
    for module in modules:
        obj = getattr(importlib.import_module(module), name, None)
        if obj is not None:
            return obj, f"{module}.{name}"
    del mindspore
    return None, None


class Recorder:
    def __init__(self, arrays: dict, prefix: str):
        self.arrays, self.prefix, self.calls, self.depth = arrays, prefix, [], 0
        self.inits: dict[int, tuple] = {}
        self.raw: list[tuple] = []          # (init, args, kwargs) of recorded calls, for replay

    def describe(self, value, key: str):
        import mindspore as ms
        if isinstance(value, ms.Tensor):
            dtype = str(value.dtype)
            arr = (value.astype(ms.float32) if dtype == "BFloat16" else value).asnumpy()
            if arr.size > MAX_STORED:
                return {"tensor": None, "shape": list(arr.shape), "dtype": dtype,
                        "not_stored": f"more than {MAX_STORED} elements",
                        "sha256": hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest(),
                        "mean": float(arr.astype(np.float64).mean()) if arr.size else None}
            self.arrays[key] = arr
            return {"tensor": key, "shape": list(arr.shape), "dtype": dtype}
        if isinstance(value, (tuple, list)):
            return {type(value).__name__: [self.describe(v, f"{key}.{i}")
                                           for i, v in enumerate(value)]}
        if isinstance(value, (bool, int, float, str)) or value is None:
            return {"value": value, "type": type(value).__name__}
        if isinstance(value, ms.dtype.Type):
            return {"dtype": str(value)}
        if isinstance(value, np.ndarray):
            self.arrays[key] = value
            return {"ndarray": key, "shape": list(value.shape), "dtype": str(value.dtype)}
        if isinstance(value, dict):
            return {"dict": {str(k): self.describe(v, f"{key}.{k}") for k, v in value.items()}}
        return {"repr": repr(value)[:120], "type": type(value).__name__}

    def record(self, init, args, kwargs, result=None, error=None, case="documented"):
        i = len(self.calls)
        base = f"{self.prefix}/{case}/{i}"
        entry = {"case": case}
        if init is not None:
            entry["init"] = {"args": self.describe(list(init[0]), f"{base}/init"),
                             "kwargs": self.describe(dict(init[1]), f"{base}/init_kw")}
        entry["inputs"] = self.describe(list(args), f"{base}/in")
        if kwargs:
            entry["kwargs"] = self.describe(dict(kwargs), f"{base}/kw")
        if error is not None:
            entry["error"] = error
        else:
            entry["output"] = self.describe(result, f"{base}/out")
        self.calls.append(entry)
        return entry


def _error(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("---", "- "))]
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:400]


def instrument(obj, rec: Recorder):
    """Patch ``obj`` so calls are recorded; returns an undo function."""
    import mindspore as ms
    undo = []

    def wrap_call(original, get_init):
        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            outer = rec.depth == 0
            rec.depth += 1
            try:
                result = original(*args, **kwargs)
            finally:
                rec.depth -= 1
            if outer and len(rec.raw) < MAX_CALLS:
                init, call_args = get_init(args)
                # Read the values now: an asynchronous CPU failure surfaces here.
                rec.record(init, call_args, kwargs, result)
                rec.raw.append((init, call_args, kwargs))
            return result
        return wrapper

    if inspect.isclass(obj):
        original_init = obj.__init__

        @functools.wraps(original_init)
        def init(self, *args, **kwargs):
            if rec.depth == 0:
                rec.inits[id(self)] = (args, kwargs)
            rec.depth += 1
            try:
                original_init(self, *args, **kwargs)
            finally:
                rec.depth -= 1
        method = "construct" if issubclass(obj, ms.nn.Cell) else "__call__"
        original_call = getattr(obj, method)
        had_init, had_call = "__init__" in vars(obj), method in vars(obj)
        obj.__init__ = init
        setattr(obj, method, wrap_call(
            original_call, lambda a: (rec.inits.get(id(a[0]), ((), {})), a[1:])))

        def restore():
            if had_init:
                obj.__init__ = original_init
            else:
                del obj.__init__
            if had_call:
                setattr(obj, method, original_call)
            else:
                delattr(obj, method)
        undo.append(restore)
    else:
        wrapper = wrap_call(obj, lambda a: (None, a))
        for module_name in ("mindspore", "mindspore.ops", "mindspore.ops.functional",
                            "mindspore.ops.composite", "mindspore.numpy", "mindspore.nn"):
            module = importlib.import_module(module_name)
            for attr, value in list(vars(module).items()):
                if value is obj:
                    setattr(module, attr, wrapper)
                    undo.append(functools.partial(setattr, module, attr, obj))
    return lambda: [u() for u in undo]


def run_examples(doc: str) -> tuple[list, str | None]:
    examples = doctest.DocTestParser().get_examples(doc or "")
    namespace: dict = {"__name__": "__main__"}    # MindSpore's jit parser needs a module name
    shown, first_error = [], None
    source_dir = Path(tempfile.mkdtemp(prefix="ms-example-"))
    for number, ex in enumerate(examples):
        out = io.StringIO()
        # Each snippet from a real file: MindSpore's jit reads the source of what it compiles.
        path = source_dir / f"example_{number}.py"
        path.write_text(ex.source)
        try:
            with contextlib.redirect_stdout(out):
                code = compile(ex.source, str(path), "single")
                exec(code, namespace)
            got = out.getvalue()
        except Exception as exc:  # MindSpore's refusal is the reference here
            got = out.getvalue() + _error(exc)
            first_error = first_error or _error(exc)
        shown.append({"source": ex.source.rstrip("\n"), "want": ex.want.rstrip("\n"),
                      "got": got.rstrip("\n")})
    return shown, first_error


def _signature_params(obj) -> dict:
    try:
        target = obj.__init__ if inspect.isclass(obj) else obj
        return dict(inspect.signature(target).parameters)
    except (TypeError, ValueError):
        return {}


def replay(obj, rec: Recorder, init, args, kwargs, case: str) -> None:
    import mindspore as ms
    try:
        if inspect.isclass(obj):
            inst = obj(*init[0], **init[1])
            result = inst(*args, **kwargs)
        else:
            result = obj(*args, **kwargs)
        rec.record(init, args, kwargs, result, case=case)
        if case.startswith("documented"):
            rec.raw.append((init, args, kwargs))
    except Exception as exc:
        try:
            rec.record(init, args, kwargs, error=_error(exc), case=case)
        except Exception as exc2:
            rec.calls.append({"case": case, "error": _error(exc2)})
    del ms


def _retyped(values, fn):
    import mindspore as ms
    out = []
    for v in values:
        if isinstance(v, ms.Tensor):
            out.append(fn(v))
        elif isinstance(v, (tuple, list)) and any(isinstance(x, ms.Tensor) for x in v):
            out.append(type(v)(_retyped(v, fn)))
        else:
            out.append(v)
    return out


def extras(obj, rec: Recorder) -> None:
    import mindspore as ms
    if not rec.raw:
        return
    init, args, kwargs = rec.raw[0]
    init = init or ((), {})
    is_float = lambda t: t.dtype in (ms.float16, ms.float32, ms.float64, ms.bfloat16)
    tensors = [a for a in args if isinstance(a, ms.Tensor)] + [
        t for a in args if isinstance(a, (tuple, list)) for t in a if isinstance(t, ms.Tensor)]
    floats = [t for t in tensors if is_float(t)]
    if floats:
        for name, dtype in (("float16", ms.float16), ("float64", ms.float64)):
            replay(obj, rec, init, _retyped(args, lambda t, d=dtype: t.astype(d)
                                            if is_float(t) else t), kwargs, name)
        to_int = lambda t: ms.Tensor(np.round(t.astype(ms.float32).asnumpy()).astype(np.int32)) \
            if is_float(t) else t
        replay(obj, rec, init, _retyped(args, to_int), kwargs, "int32")
    if len(floats) >= 2:
        first = [True]

        def mixed(t):
            if not is_float(t):
                return t
            d = ms.float16 if first[0] else ms.float32
            first[0] = False
            return t.astype(d)
        replay(obj, rec, init, _retyped(args, mixed), kwargs, "mixed_float16_float32")
    params = _signature_params(obj)
    target_kwargs = dict(init[1]) if inspect.isclass(obj) else dict(kwargs)
    for flag in ("keep_dims", "keepdims"):
        if flag in params:
            default = params[flag].default
            current = target_kwargs.get(flag, default if default is not inspect._empty else False)
            changed = dict(target_kwargs, **{flag: not bool(current)})
            if inspect.isclass(obj):
                replay(obj, rec, (init[0], changed), args, kwargs, f"{flag}_{not bool(current)}")
            else:
                replay(obj, rec, init, args, changed, f"{flag}_{not bool(current)}")
    for axis_name in ("axis", "dim"):
        if axis_name in params and tensors and tensors[0].ndim >= 1:
            for axis in (-1, ()):
                changed = dict(target_kwargs, **{axis_name: axis})
                if inspect.isclass(obj):
                    replay(obj, rec, (init[0], changed), args, kwargs, f"{axis_name}_{axis!r}")
                elif not any(k == axis_name for k in kwargs) and len(args) > 1 and \
                        list(params).index(axis_name) < len(args):
                    position = list(params).index(axis_name)
                    new_args = list(args)
                    new_args[position] = axis
                    replay(obj, rec, init, new_args, kwargs, f"{axis_name}_{axis!r}")
                else:
                    replay(obj, rec, init, args, changed, f"{axis_name}_{axis!r}")
            break
    if len(args) >= 2 and isinstance(args[0], ms.Tensor) and isinstance(args[1], ms.Tensor) \
            and args[0].shape == args[1].shape and args[0].ndim >= 1:
        second = args[1]
        index = (Ellipsis, slice(0, 1))
        narrow = ms.Tensor(second.asnumpy()[index])
        replay(obj, rec, init, [args[0], narrow, *args[2:]], kwargs, "broadcast_last_dim_1")
        scalar = second.asnumpy().reshape(-1)[0].item()
        replay(obj, rec, init, [args[0], scalar, *args[2:]], kwargs, "python_scalar")


# Examples for names whose docstring has none (written here, in the docstrings' form).
CUSTOM = {
    "ops.Fill": """
>>> import mindspore
>>> from mindspore import ops
>>> output = ops.Fill()(mindspore.float32, (2, 2), 1)
>>> print(output)
[[1. 1.]
 [1. 1.]]
>>> output = ops.Fill()(mindspore.int32, (3, 3), 0)
>>> print(output)
[[0 0 0]
 [0 0 0]
 [0 0 0]]
""",
    "ops.identity": """
>>> import numpy as np
>>> from mindspore import Tensor, ops
>>> print(ops.identity(Tensor(np.array([1, 2, 3, 4]).astype(np.int64))))
[1 2 3 4]
""",
    "nn.MatMul": """
>>> import numpy as np
>>> from mindspore import Tensor, nn
>>> net = nn.MatMul(transpose_x1=False, transpose_x2=True)
>>> x1 = Tensor(np.arange(6).reshape(2, 3).astype(np.float32))
>>> x2 = Tensor(np.arange(12).reshape(4, 3).astype(np.float32))
>>> print(net(x1, x2))
[[ 5. 14. 23. 32.]
 [14. 50. 86. 122.]]
""",
    "ops.MaxPoolWithArgmax": """
>>> import numpy as np
>>> from mindspore import Tensor, ops
>>> x = Tensor(np.arange(1 * 2 * 4 * 4).reshape((1, 2, 4, 4)).astype(np.float32))
>>> output, argmax = ops.MaxPoolWithArgmax(kernel_size=2, strides=2, pad_mode="valid")(x)
>>> print(output.shape, argmax.shape)
(1, 2, 2, 2) (1, 2, 2, 2)
""",
    "ops.Conv2DBackpropInput": """
>>> import numpy as np
>>> from mindspore import Tensor, ops
>>> dout = Tensor(np.ones([1, 2, 3, 3]).astype(np.float32))
>>> weight = Tensor(np.ones([2, 1, 2, 2]).astype(np.float32))
>>> out = ops.Conv2DBackpropInput(out_channel=2, kernel_size=2)(dout, weight, (1, 1, 4, 4))
>>> print(out.shape)
(1, 1, 4, 4)
""",
}
_PRIM_FORM = re.compile(r"prim = ops\.\w+\((.*?)\)\n\s*out = prim\((.*?)\)")
_REFER = re.compile(r":func:`(mindspore\.[\w.]+?)(?:\(\))?`")


def resolve_path(path: str):
    module, _, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def documented_via(obj, doc: str, rec: Recorder, entry: dict) -> tuple[list, str | None]:
    """A primitive (or alias) whose docstring says 'Refer to :func:`mindspore.ops.x`':
    run that function's examples, and replay each of its calls through ``obj``, mapping
    the arguments by the names of the docstring's ``prim = ...; out = prim(...)`` form."""
    refs = _REFER.findall(doc)
    fn = resolve_path(refs[0]) if refs else None
    chain = refs[:1]
    while fn is not None and ">>>" not in (fn.__doc__ or "") and len(chain) < 4:
        more = _REFER.findall(fn.__doc__ or "")     # an alias of an alias: ops.not_equal
        fn = resolve_path(more[0]) if more else None
        chain += more[:1]
    if fn is None:
        return [], None
    entry["via"] = " -> ".join(chain)
    fn_rec = Recorder({}, "via")
    undo = instrument(fn, fn_rec)
    try:
        shown, error = run_examples(fn.__doc__ or "")
    finally:
        undo()
    form = _PRIM_FORM.search(doc)
    init_names = [n.strip() for n in form.group(1).split(",") if n.strip()] if form else []
    call_names = [n.strip() for n in form.group(2).split(",") if n.strip()] if form else []
    for _, args, kwargs in fn_rec.raw:
        if not inspect.isclass(obj):
            replay(obj, rec, None, args, kwargs, "documented_via")
            continue
        try:
            bound = inspect.signature(fn).bind(*args, **kwargs)
            bound.apply_defaults()
            init = ((), {n: bound.arguments[n] for n in init_names})
            call = [bound.arguments[n] for n in call_names]
        except (TypeError, KeyError, ValueError) as exc:
            rec.calls.append({"case": "documented_via",
                              "error": f"cannot map {refs[0]}'s arguments: {exc}"})
            continue
        replay(obj, rec, init, call, {}, "documented_via")
    return shown, error


def child(names: list[str], out_dir: Path) -> None:
    import mindspore as ms
    ms.set_context(mode=ms.PYNATIVE_MODE, device_target="CPU")
    for key in names:
        arrays: dict = {}
        entry: dict = {}
        obj, path = resolve(key)
        if obj is None:
            entry = {"status": "not in MindSpore 2.10"}
        else:
            entry["resolved"] = path
            entry["kind"] = ("cell" if inspect.isclass(obj) and issubclass(obj, ms.nn.Cell)
                             else "primitive" if inspect.isclass(obj)
                             and issubclass(obj, ms.ops.Primitive)
                             else "class" if inspect.isclass(obj) else "function")
            try:
                entry["signature"] = str(inspect.signature(
                    obj.__init__ if inspect.isclass(obj) else obj)).replace("self, ", "", 1)
            except (TypeError, ValueError):
                entry["signature"] = None
            rec = Recorder(arrays, key)
            doc = CUSTOM.get(key, obj.__doc__ or "")
            if key in CUSTOM:
                entry["example_written_by"] = "tools (its docstring has no example)"
            ms.set_seed(0)
            np.random.seed(0)
            if ">>>" in doc:
                undo = instrument(obj, rec)
                try:
                    shown, error = run_examples(doc)
                finally:
                    undo()
            else:
                shown, error = documented_via(obj, doc, rec, entry)
            entry["example"] = shown
            documented = len(rec.calls)
            try:
                extras(obj, rec)
            except Exception as exc:  # a replay harness failure, not MindSpore's answer
                entry["extras_error"] = _error(exc)
            entry["calls"] = rec.calls[:documented]
            entry["extras"] = rec.calls[documented:]
            if not shown:
                entry["status"] = "no docstring example"
            elif error and not rec.calls:
                entry["status"] = "example fails"
                entry["error"] = error
            else:
                entry["status"] = "ok" if not error else "ok, example partly fails"
                if error:
                    entry["error"] = error
        safe = key.replace("/", "_")
        (out_dir / f"{safe}.json").write_text(json.dumps(entry))
        if arrays:
            np.savez(out_dir / f"{safe}.npz", **arrays)
        print(f"{key:40s} {entry.get('status')}", flush=True)


# ---------------------------------------------------------------- parent side
CPU_MARKS = ("Unsupported op", "unregistered", "on CPU", "CPU operator", "only support")


def run_batches(names: list[str], tmp: Path, batch: int = 25, timeout: int = 600) -> None:
    pending = list(names)
    for i in range(0, len(names), batch):
        chunk = names[i:i + batch]
        try:
            # cwd: MindSpore's examples leave logs (rank_0/) where they run.
            subprocess.run([sys.executable, SELF, "--child", str(tmp), *chunk],
                           timeout=timeout, check=False, cwd=tmp)
        except subprocess.TimeoutExpired:
            pass
    pending = [n for n in names if not (tmp / f"{n}.json").exists()]
    for name in pending:         # a batch died or hung: each name alone
        try:
            subprocess.run([sys.executable, SELF, "--child", str(tmp), name],
                           timeout=120, check=False, cwd=tmp)
        except subprocess.TimeoutExpired:
            pass
        if not (tmp / f"{name}.json").exists():
            (tmp / f"{name}.json").write_text(json.dumps(
                {"status": "timed out or crashed on the CPU (run alone, 120 s)"}))


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--child":
        child(argv[2:], Path(argv[1]))
        return 0
    import mindspore as ms
    names = argv or target_names()
    out_json, out_npz = OUT / "ops.json", OUT / "ops.npz"
    doc = json.loads(out_json.read_text()) if argv and out_json.exists() else None
    arrays = dict(np.load(out_npz)) if doc else {}
    ops = doc["ops"] if doc else {}
    with tempfile.TemporaryDirectory(prefix="ms-ops-") as tmp:
        run_batches(names, Path(tmp))
        for name in names:
            for k in [k for k in arrays if k.startswith(name + "/")]:
                del arrays[k]
            ops[name] = json.loads((Path(tmp) / f"{name}.json").read_text())
            npz = Path(tmp) / f"{name}.npz"
            if npz.exists():
                arrays.update(np.load(npz))
    cpu, failing = {}, {}
    for name, entry in ops.items():
        message = entry.get("error", "")
        if any(m in message for m in CPU_MARKS) or entry.get("status", "").startswith(
                "timed out"):
            cpu[name] = message or entry["status"]
        elif message:
            failing[name] = message
    result = {"mindspore_version": ms.__version__, "numpy_version": np.__version__,
              "generated_by": "tools/make_mindspore_op_reference.py",
              "min_files": MIN_FILES,
              "not_in_mindspore": sorted(n for n, e in ops.items()
                                         if e.get("status") == "not in MindSpore 2.10"),
              "cpu_unsupported": dict(sorted(cpu.items())),
              "example_fails_otherwise": dict(sorted(failing.items())),
              "ops": dict(sorted(ops.items()))}
    # One line per name: small, and a regenerated file diffs name by name.
    head = {k: v for k, v in result.items() if k != "ops"}
    lines = [json.dumps(head, indent=1)[:-2] + ',\n "ops": {']
    lines += [f" {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}," for k, v in
              result["ops"].items()]
    lines[-1] = lines[-1].rstrip(",")
    out_json.write_text("\n".join(lines) + "\n }\n}\n")
    np.savez_compressed(out_npz, **arrays)
    print(f"{len(ops)} names, {len(arrays)} arrays; {len(result['not_in_mindspore'])} not in "
          f"MindSpore, {len(cpu)} not runnable on the CPU, {len(failing)} other failures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
