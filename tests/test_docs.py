"""The documentation is true: its code runs, its printed output is what the code prints,
every public name has a docstring, and docs/api.md is what docs/gen_api.py generates.

Code blocks: every fenced ```python block of README.md and docs/*.md runs, in order,
in one namespace per file (a fresh subprocess with ``GPUPARAM_BACKEND=numpy``). A
```text block that directly follows a python block is that block's expected stdout,
compared exactly. A block may be skipped only with a reason, by a line
``<!-- skip: <reason> -->`` right before it (for code that needs a GPU).
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from child_env import child_env

import torch_launch

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MARKDOWN = sorted(DOCS.glob("*.md")) + [ROOT / "README.md"]
PUBLIC_MODULES = ("gpuparam", "gpuparam.nn", "gpuparam.ops", "gpuparam.common.initializer")

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
_SKIP = re.compile(r"<!--\s*skip(?::\s*(.*?))?\s*-->\s*$")


def code_blocks(path: Path) -> list[dict]:
    """The python blocks of ``path``: source, line, expected output, skip reason."""
    text = path.read_text()
    fences = list(_FENCE.finditer(text))
    blocks = []
    for i, fence in enumerate(fences):
        if fence.group(1) != "python":
            continue
        before = text[:fence.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = _SKIP.search(before)
        expected = None
        if i + 1 < len(fences) and fences[i + 1].group(1) == "text" \
                and not text[fence.end():fences[i + 1].start()].strip():
            expected = fences[i + 1].group(2)
        blocks.append({"line": text.count("\n", 0, fence.start()) + 1,
                       "source": fence.group(2), "expected": expected,
                       "skip": None if skip is None else (skip.group(1) or "")})
    return blocks


# Runs the blocks of one file in one namespace; reports each block's stdout or error.
_DRIVER = r"""
import contextlib, io, json, sys, traceback
blocks = json.load(sys.stdin)
namespace = {"__name__": "__main__"}
results = []
for block in blocks:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block["source"], f"<{block['file']}:{block['line']}>", "exec"), namespace)
    except BaseException:
        results.append({"stdout": out.getvalue(), "error": traceback.format_exc()})
        break
    results.append({"stdout": out.getvalue(), "error": None})
json.dump(results, sys.__stdout__)
"""


def _env() -> dict[str, str]:
    return child_env()


def _normalize(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.name)
def test_code_blocks_run_and_print_what_the_page_shows(path, tmp_path):
    if path.read_text().startswith("<!-- requires: torch -->"):
        torch_launch.import_torch()  # skips without torch (fails under GPUPARAM_REQUIRE_TORCH=1)
    blocks = code_blocks(path)
    for block in blocks:
        if block["skip"] is not None:
            assert block["skip"].strip(), (
                f"{path.name}:{block['line']}: a skipped block needs a reason, "
                "<!-- skip: needs a GPU -->")
    runnable = [dict(b, file=path.name) for b in blocks if b["skip"] is None]
    if not runnable:
        return
    proc = subprocess.run([sys.executable, "-c", _DRIVER], input=json.dumps(runnable),
                          capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    for block, result in zip(runnable, results):
        where = f"{path.name}:{block['line']}"
        assert result["error"] is None, f"{where} raised:\n{result['error']}"
        if block["expected"] is not None:
            assert _normalize(result["stdout"]) == _normalize(block["expected"]), (
                f"{where} printed:\n{result['stdout']}\nbut the page shows:\n{block['expected']}")
    assert len(results) == len(runnable)


def test_skip_markers_are_rare_and_explained():
    for path in MARKDOWN:
        for block in code_blocks(path):
            if block["skip"] is not None:
                assert re.search(r"GPU|CUDA|cuDNN", block["skip"]), (
                    f"{path.name}:{block['line']}: only GPU-only code may be skipped, "
                    f"got reason {block['skip']!r}")


def _public(module_name: str) -> list[tuple[str, object]]:
    module = importlib.import_module(module_name)
    return [(f"{module_name}.{name}", getattr(module, name)) for name in module.__all__]


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_has_a_docstring(module_name):
    missing = []
    for qualname, obj in _public(module_name):
        if not (inspect.isclass(obj) or inspect.isroutine(obj) or isinstance(obj, ModuleType)
                or callable(obj)):
            continue  # constants (dtypes, name tables) cannot carry their own docstring
        doc = obj.__doc__  # a class's own: __doc__ is not inherited
        if not doc or not doc.strip():
            missing.append(qualname)
    assert not missing, f"public names without a docstring: {missing}"


def test_api_reference_is_up_to_date():
    proc = subprocess.run([sys.executable, str(DOCS / "gen_api.py"), "--check"],
                          capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr + "\nrun: python docs/gen_api.py"


def test_api_reference_names_every_public_name():
    text = (DOCS / "api.md").read_text()
    for module_name in PUBLIC_MODULES:
        for qualname, _ in _public(module_name):
            assert f"`{qualname}" in text, qualname


def test_index_links_every_page_and_links_resolve():
    index = (DOCS / "index.md").read_text()
    for page in DOCS.glob("*.md"):
        if page.name != "index.md":
            assert f"({page.name})" in index, f"index.md does not link {page.name}"
    for path in MARKDOWN:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text()):
            if re.match(r"^[a-z]+://", target):
                continue
            assert (path.parent / target).exists(), f"{path.name} links to missing {target}"


def test_markdown_fences_are_balanced():
    for path in MARKDOWN:
        fences = re.findall(r"^```", path.read_text(), re.M)
        assert len(fences) % 2 == 0, path.name
