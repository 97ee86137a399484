"""Generate docs/api.md from the docstrings of gpuparam's public names.

The public names are the ``__all__`` lists of ``gpuparam``, ``gpuparam.nn``,
``gpuparam.ops`` and ``gpuparam.common.initializer``. Google-style sections (Args,
Returns, Raises, Example) become Markdown; examples become ``pycon`` blocks.

Usage:
    python docs/gen_api.py           # rewrite docs/api.md
    python docs/gen_api.py --check   # exit 1 if docs/api.md is not what this generates
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
API_MD = ROOT / "docs" / "api.md"
MODULES = ("gpuparam", "gpuparam.nn", "gpuparam.nn.utils", "gpuparam.ops",
           "gpuparam.common.initializer", "gpuparam.communication",
           "gpuparam.communication.comm_func", "gpuparam.parallel",
           "gpuparam.numpy")  # ops-a (issue 18): mindspore.numpy
SECTIONS = ("Args", "Arguments", "Returns", "Yields", "Raises", "Attributes", "Example",
            "Examples", "Note", "Notes", "See also")

os.environ.setdefault("GPUPARAM_BACKEND", "numpy")  # the API is the same on every backend
sys.path.insert(0, str(ROOT))


def _import(name: str) -> ModuleType:
    module = __import__(name)
    for part in name.split(".")[1:]:
        module = getattr(module, part)
    return module


def _signature(obj: Any) -> str:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    # Annotations are strings under `from __future__ import annotations`; the docstrings
    # say what each argument accepts, so the headings show names and defaults only.
    empty = inspect.Parameter.empty
    sig = str(sig.replace(parameters=[p.replace(annotation=empty) for p in sig.parameters.values()],
                          return_annotation=inspect.Signature.empty))
    # Memory addresses and the like would make the page change from run to run.
    return re.sub(r" at 0x[0-9a-f]+", "", sig)


def _own_doc(obj: Any) -> str | None:
    doc = obj.__doc__ if isinstance(obj, (type, ModuleType)) or callable(obj) else None
    return inspect.cleandoc(doc) if doc else None


def _is_section(line: str) -> str | None:
    stripped = line.strip()
    if stripped.endswith(":") and stripped[:-1] in SECTIONS and line == line.lstrip():
        return stripped[:-1]
    return None


def _render_items(body: list[str]) -> list[str]:
    """``name: text`` entries (continuations indented further) -> a Markdown list."""
    body = textwrap.dedent("\n".join(body)).splitlines()
    items: list[str] = []
    for line in body:
        if not line.strip():
            continue
        match = re.match(r"^(\S[^:]*?):\s*(.*)$", line)
        if match and not line.startswith(" "):
            items.append(f"- `{match.group(1)}`: {match.group(2)}".rstrip())
        elif items:
            items[-1] += " " + line.strip()
        else:
            items.append(f"- {line.strip()}")
    return items


def _render_doc(doc: str) -> list[str]:
    out: list[str] = []
    lines = doc.splitlines()
    i = 0
    prose: list[str] = []

    def flush_prose() -> None:
        j = 0
        while j < len(prose):
            # reStructuredText "====" tables read best as preformatted text.
            if prose[j].strip().startswith("===="):
                k = j
                while k < len(prose) and prose[k].strip():
                    k += 1
                out.extend(["```text", *textwrap.dedent("\n".join(prose[j:k])).splitlines(),
                            "```"])
                j = k
                continue
            out.append(prose[j].strip() if prose[j].startswith("    ") and not prose[j].strip().startswith("- ") else prose[j])
            j += 1
        prose.clear()

    while i < len(lines):
        section = _is_section(lines[i])
        if section is None:
            prose.append(lines[i])
            i += 1
            continue
        flush_prose()
        j = i + 1
        body = []
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith(" ")):
            body.append(lines[j])
            j += 1
        while body and not body[-1].strip():
            body.pop()
        out.append(f"**{section}:**")
        out.append("")
        if section in ("Example", "Examples"):
            out.extend(["```pycon", *textwrap.dedent("\n".join(body)).splitlines(), "```"])
        elif section in ("Args", "Arguments", "Raises", "Attributes"):
            out.extend(_render_items(body))
        else:
            out.extend(line.strip() for line in body)
        out.append("")
        i = j
    flush_prose()
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return _single_backticks(text).splitlines()


def _single_backticks(text: str) -> str:
    """reST's ``code`` -> Markdown's `code`, outside fenced blocks."""
    parts = re.split(r"(```.*?```)", text, flags=re.S)
    return "".join(part if part.startswith("```") else re.sub(r"``([^`]+?)``", r"`\1`", part)
                   for part in parts)


def _members(cls: type) -> list[tuple[str, Any]]:
    """Public methods and properties defined by ``cls`` itself (or a private mixin it
    inherits, such as ``Tensor``'s ``TensorMethods``), in source order."""
    found = []
    mixins = [base for base in cls.__mro__[1:] if base.__name__.endswith("Methods")]
    items = [item for klass in (cls, *mixins) for item in klass.__dict__.items()]
    seen: set[str] = set()
    for name, value in items:
        if name.startswith("_") or name in seen:  # the class's own definition wins
            continue
        seen.add(name)
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if isinstance(value, property) or inspect.isfunction(value):
            found.append((name, value))
    return found


def _entry(qualname: str, obj: Any) -> list[str]:
    if inspect.ismodule(obj):
        head = f"### `{qualname}` (module)"
    elif inspect.isclass(obj):
        head = f"### `{qualname}{_signature(obj)}`"
    elif callable(obj):
        head = f"### `{qualname}{_signature(obj)}`"
    else:
        head = f"### `{qualname}`"
    out = [head, ""]
    doc = _own_doc(obj)
    if doc is None and isinstance(obj, dict) and all(inspect.isclass(v) for v in obj.values()):
        out.append("A dict from each accepted string name (lower case; lookups are "
                   "case-insensitive) to its class:")
        out.append("")
        by_class: dict[str, list[str]] = {}
        for key, cls in obj.items():
            by_class.setdefault(cls.__name__, []).append(f"`{key!r}`")
        out += [f"- `{name}`: {', '.join(keys)}" for name, keys in by_class.items()]
    elif doc is None and not callable(obj):
        out.append(f"A constant: `{type(obj).__name__}` of {len(obj)} entries."
                   if hasattr(obj, "__len__") else f"A constant of type `{type(obj).__name__}`.")
    elif doc is None:
        out.append("*(no docstring)*")
    else:
        out.extend(_render_doc(doc))
    out.append("")
    if inspect.isclass(obj):
        undocumented = []
        for name, member in _members(obj):
            target = member.fget if isinstance(member, property) else member
            member_doc = _own_doc(target)
            if member_doc is None:
                undocumented.append(name)
                continue
            if isinstance(member, property):
                out.append(f"#### `{qualname}.{name}` (property)")
            else:
                sig = _signature(member).replace("(self, ", "(").replace("(self)", "()").replace("(cls, ", "(")
                out.append(f"#### `{qualname}.{name}{sig}`")
            out.append("")
            out.extend(_render_doc(member_doc))
            out.append("")
        if undocumented:
            out += ["Also: " + ", ".join(f"`{name}`" for name in undocumented) + ".", ""]
    return out


def _dtype_table(module: ModuleType, names: list[str]) -> list[str]:
    out = ["### Data types", "",
           "Each is a `gpuparam.dtype.DType`; `print` shows MindSpore's name.", "",
           "| name | prints as | NumPy dtype |", "|---|---|---|"]
    for name in names:
        dt = getattr(module, name)
        out.append(f"| `{module.__name__}.{name}` | `{dt}` | `{dt.numpy_dtype}` |")
    return out + [""]


def render() -> str:
    """Return the text of docs/api.md."""
    from gpuparam._dtype import DType

    out = ["# API reference", "",
           "<!-- Generated by docs/gen_api.py from the docstrings; do not edit by hand. -->", "",
           "Every public name of `gpuparam`, `gpuparam.nn`, `gpuparam.nn.utils`, `gpuparam.ops` and "
           "`gpuparam.common.initializer` (their `__all__`), with its docstring. "
           "Regenerate with `python docs/gen_api.py`.", ""]
    for module_name in MODULES:
        out.append(f"- [`{module_name}`](#{module_name.replace('.', '')})")
    out.append("")
    for module_name in MODULES:
        module = _import(module_name)
        out += [f"## {module_name}", ""]
        doc = _own_doc(module)
        if doc:
            out += _render_doc(doc) + [""]
        names = list(module.__all__)
        dtypes = [n for n in names if isinstance(getattr(module, n), DType)]
        for name in names:
            if name in dtypes:
                continue
            out += _entry(f"{module_name}.{name}", getattr(module, name))
        if dtypes:
            out += _dtype_table(module, dtypes)
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/api.md from docstrings.")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if docs/api.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = API_MD.read_text() if API_MD.exists() else ""
        if current != text:
            print(f"{API_MD} is stale: run python docs/gen_api.py", file=sys.stderr)
            return 1
        return 0
    API_MD.write_text(text)
    print(f"wrote {API_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
