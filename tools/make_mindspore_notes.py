"""Regenerate the tables of tools/mindspore_layer_notes.md from the committed reference data.

Usage (no MindSpore needed; any Python 3)::

    python tools/make_mindspore_notes.py

Reads ``tests/data/mindspore/layers.json`` and ``ops.json`` (written by
``make_mindspore_layer_reference.py`` and ``make_mindspore_op_reference.py``) and
``tools/model_zoo_names.json`` (file counts), and rewrites only the text between the
``<!-- notes-layers:... -->`` and ``<!-- notes-ops:... -->`` markers of the notes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "mindspore"
NOTES = ROOT / "tools" / "mindspore_layer_notes.md"
CASES = ["float16", "float64", "int32", "mixed_float16_float32"]


def _value(attr: dict) -> str:
    if "value" in attr:
        return f"{json.dumps(attr['value'])} ({attr['type']})"
    if "class" in attr:
        return f"{attr['type']} {attr['class']}"
    if attr.get("type") == "Tensor":
        return f"Tensor{tuple(attr['shape'])} {attr['dtype']}"
    return attr.get("type", "?")


def _init(summary: dict) -> str:
    if "constant" in summary:
        return f"= {summary['constant']:g}"
    return f"in [{summary['min']:.3g}, {summary['max']:.3g}], std {summary['std']:.3g}"


def layers_section(layers: dict) -> str:
    by_class: dict[str, list] = {}
    for key, entry in layers.items():
        by_class.setdefault(entry["class"], []).append((key, entry))
    out = ["## Generated: every layer in layers.json", "",
           "Parameters as `name shape` in registration order (`*`: `requires_grad=False`); "
           "attributes and default values of the first variant (after `set_seed(0)`).", ""]
    for cls, variants in by_class.items():
        first = variants[0][1]
        out += [f"### `nn.{cls}`", "", f"`{cls}{first.get('signature', '(?)')}`", ""]
        for key, entry in variants:
            params = ", ".join(f"`{p[0]}` {tuple(p[1])}{'' if p[3] else '*'}"
                               for p in entry.get("parameters", [])) or "none"
            errors = "; ".join(f"{k}: {v[:90]}" for k, v in entry["errors"].items())
            modes = "/".join(entry.get("forward", {})) or "no forward"
            line = f"- `{key}` `{json.dumps(entry['kwargs'])}`: {params} ({modes})"
            out.append(line + (f". **MindSpore failed**: {errors}" if errors else ""))
        attrs = ", ".join(f"`{k}`={_value(v)}" for k, v in first.get("attributes", {}).items()
                          if v.get("type") not in ("Primitive",))
        if attrs:
            out += ["", f"Attributes: {attrs}."]
        inits = ", ".join(f"`{k}` {_init(v)}" for k, v in first.get("default_init", {}).items())
        if inits:
            out += ["", f"Default values: {inits}."]
        out.append("")
    return "\n".join(out)


def _dtype(call: dict) -> str:
    if "error" in call:
        return "error"
    out = call.get("output", {})
    while isinstance(out, dict) and ("tuple" in out or "list" in out):
        items = out.get("tuple", out.get("list"))
        if not items:
            return "()"
        out = items[0]
    if isinstance(out, dict):
        return out.get("dtype") or out.get("type") or "?"
    return "?"


def ops_section(ops: dict, counts: dict, doc: dict) -> str:
    out = ["## Generated: operators used by 3 or more model files", "",
           "Result dtype of the documented example (`doc`) and of the replayed variations; "
           "`-`: not applicable (no float input, no second input); `other`: the remaining "
           "cases (`keep_dims_*`, `axis_*`, `broadcast_last_dim_1`, `python_scalar`).", "",
           "| name | files | MindSpore object | signature | doc | " + " | ".join(CASES)
           + " | other |", "|---|---:|---|---|---|" + "---|" * len(CASES) + "---|"]
    order = sorted(ops, key=lambda k: (-counts.get(k, 0), k))
    for name in order:
        entry = ops[name]
        if "resolved" not in entry:
            continue
        calls = entry.get("calls", [])
        extras = {c["case"]: c for c in entry.get("extras", [])}
        doc_dtype = _dtype(calls[0]) if calls else entry.get("status", "")
        cols = [_dtype(extras[c]) if c in extras else "-" for c in CASES]
        other = ", ".join(f"{c}: {_dtype(v)}" for c, v in extras.items() if c not in CASES)
        signature = (entry.get("signature") or "").replace("|", "\\|")
        if len(signature) > 90:
            signature = signature[:87] + "..."
        out.append(f"| `{name}` | {counts.get(name, 0)} | `{entry['resolved']}` | "
                   f"`{signature}` | {doc_dtype} | " + " | ".join(cols) + f" | {other} |")
    out += ["", "Not in MindSpore 2.10: " + ", ".join(f"`{n}`" for n in doc["not_in_mindspore"])
            + ".", "", "Not runnable on MindSpore 2.10's CPU:", ""]
    out += [f"- `{n}`: {m[:160]}" for n, m in doc["cpu_unsupported"].items()]
    out += ["", "Examples that fail for other reasons (they use a network the docstring does "
            "not define, need `mpirun`, or graph-mode features):", ""]
    out += [f"- `{n}`: {m[:160]}" for n, m in doc.get("example_fails_otherwise", {}).items()]
    return "\n".join(out)


def replace_between(text: str, tag: str, body: str) -> str:
    begin, end = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def main() -> int:
    layers = json.loads((DATA / "layers.json").read_text())["layers"]
    ops_doc = json.loads((DATA / "ops.json").read_text())
    names = json.loads((ROOT / "tools" / "model_zoo_names.json").read_text())["names"]
    counts = {k: v["files"] for k, v in names.items()}
    text = NOTES.read_text()
    text = replace_between(text, "notes-layers", layers_section(layers))
    text = replace_between(text, "notes-ops", ops_section(ops_doc["ops"], counts, ops_doc))
    NOTES.write_text(text)
    print(f"{NOTES}: {len(layers)} layer variants, {len(ops_doc['ops'])} operators")
    return 0


if __name__ == "__main__":
    sys.exit(main())
