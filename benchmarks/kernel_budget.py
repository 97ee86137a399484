"""Read the random kernels' cost per value off their compiled code; no GPU needed.

A script, not a test. It compiles ``gpuparam/_random.cu`` with NVRTC exactly as CuPy
builds it on a GPU (``gpuparam._backend.nvrtc_compile``: ``--std=c++17``, the kernels'
options, ``-arch=compute_90`` and CuPy's forced ``-ftz=true``), then, where ``ptxas`` and
``nvdisasm`` are installed (pip ``nvidia-cuda-nvcc-cu12``, ``nvidia-cuda-nvdisasm``, or a
CUDA toolkit on ``PATH``), assembles the PTX for sm_90 and disassembles it.

For each contiguous kernel (the path a whole tensor takes) and dtype it counts the
instructions of the loop body that makes one Philox block (8 values for float16/32, 4
for float64), divided by its values:

- **common**: compiled with ``-DGP_COMMON_PATH``, which drops the rarely taken
  branches (the normal quantile's tail, ~0.3 % of float32 draws; partial-block stores):
  the cost nearly every warp pays;
- **all paths**: the loop body as built, rare branches included (an upper bound: no
  value runs all of them);
- the float64 instructions (``.f64`` in PTX; ``D*``, ``*.F64*``, ``*64H`` in SASS), the
  conversion/MUFU instructions (``I2F``, ``F2F``, ``F2I``, ``MUFU``: 16 per clock per SM),
  and the registers ptxas allocates.

The H200 estimate takes the smallest of three rates: issue (132 SMs x 128 thread
instructions per clock at ``--clock`` GHz, divided by common-path SASS per value),
conversion pipe (132 x 16 per clock), and memory (``--write-tbs`` TB/s of output
bytes). It is an estimate from static code, not a measurement.

Usage::

    python benchmarks/kernel_budget.py                 # table (Markdown)
    python benchmarks/kernel_budget.py --clock 1.98    # another sustained clock
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(_HERE)]  # this checkout's gpuparam

from gpuparam import _backend  # noqa: E402
from gpuparam import _random_kernels as K  # noqa: E402

DISTS = ("uniform", "normal", "truncnorm")
DTYPES = (("float16", 2), ("float32", 4), ("float64", 8))
SMS, ISSUE_PER_CLOCK, CONVERT_PER_CLOCK = 132, 128, 16


def find_tool(name: str) -> str | None:
    """``name`` from the pip CUDA wheels (nvidia/*/bin) or ``PATH``."""
    try:
        import nvidia  # namespace package of the pip CUDA wheels
        for root in nvidia.__path__:
            for found in sorted(Path(root).glob(f"*/bin/{name}")):
                return str(found)
    except ImportError:
        pass
    return shutil.which(name)


def ptx_functions(ptx: str) -> dict[str, list[str]]:
    """Entry name -> its instruction and label lines."""
    out = {}
    for name, body in re.findall(r"\.entry (\w+)\((.*?)\n\}\n", ptx, re.S):
        lines = []
        for line in body.split("\n"):
            text = line.split("//")[0].strip()
            if re.match(r"^\$\w+:$", text) or (text and not text.startswith((".", "{", "}", ")"))
                                                 and text.endswith(";")):
                lines.append(text)
        out[name] = lines
    return out


def sass_functions(sass: str) -> dict[str, list[str]]:
    """Function name -> its instruction and label lines (``nvdisasm -c`` output)."""
    out: dict[str, list[str]] = {}
    current = None
    for line in sass.split("\n"):
        head = re.match(r"^\.text\.(\w+):", line)
        if head:
            current = out.setdefault(head.group(1), [])
            continue
        if current is None:
            continue
        label = re.match(r"^(\.L_x_\d+):", line.strip())
        instr = re.search(r"/\*[0-9a-f]{4,}\*/\s+(.*?)\s*;", line)
        if label:
            current.append(label.group(1) + ":")
        elif instr:
            current.append(instr.group(1))
    return out


def loop_body(lines: list[str], label_re: str) -> list[str]:
    """The instructions of the largest loop: from a label to a branch back to it."""
    labels = {}
    best: list[str] = []
    for i, line in enumerate(lines):
        m = re.match(label_re, line)
        if m:
            labels[m.group(1)] = i
            continue
        for name, start in labels.items():
            if re.search(r"\b(bra|BRA)\b.*" + re.escape(name) + r"\b", line):
                body = [x for x in lines[start:i + 1] if not re.match(label_re, x)]
                if len(body) > len(best):
                    best = body
    return best


def is_f64(instr: str, sass: bool) -> bool:
    if not sass:
        return ".f64" in instr
    op = re.sub(r"^@!?U?P\w+\s+", "", instr).split()[0]
    return op.startswith("D") or "F64" in op or "64H" in op


def is_convert(instr: str) -> bool:
    op = re.sub(r"^@!?U?P\w+\s+", "", instr).split()[0]
    return op.split(".")[0] in ("I2F", "F2F", "F2I", "MUFU", "I2FP", "F2IP")


def compile_all(defines: tuple[str, ...], tools: tuple[str | None, str | None],
                work: Path) -> tuple[dict, dict, dict]:
    ptx = _backend.nvrtc_compile(K.CUDA_SOURCE, K.CUDA_OPTIONS + defines)
    text = ptx.decode() if isinstance(ptx, bytes) else ptx
    ptx_funcs = ptx_functions(text)
    ptxas, nvdisasm = tools
    if not (ptxas and nvdisasm):
        return ptx_funcs, {}, {}
    src = work / "k.ptx"
    src.write_text(text)
    info = subprocess.run([ptxas, "-arch=sm_90", "-v", str(src), "-o", str(work / "k.cubin")],
                          check=True, capture_output=True, text=True).stderr
    regs = dict(re.findall(r"Compiling entry function '(\w+)'.*?\n.*?Used (\d+) registers",
                           info, re.S))
    sass = subprocess.run([nvdisasm, "-c", str(work / "k.cubin")], check=True,
                          capture_output=True, text=True).stdout
    return ptx_funcs, sass_functions(sass), regs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clock", type=float, default=1.755, help="sustained GHz")
    parser.add_argument("--write-tbs", type=float, default=4.0,
                        help="write-only fill bandwidth in TB/s (measure it on the card)")
    args = parser.parse_args()
    tools = (find_tool("ptxas"), find_tool("nvdisasm"))
    with tempfile.TemporaryDirectory() as tmp:
        common = compile_all(("-DGP_COMMON_PATH",), tools, Path(tmp))
        full = compile_all((), tools, Path(tmp))
    print(f"ptxas: {tools[0] or 'not found'}; nvdisasm: {tools[1] or 'not found'}; "
          f"clock {args.clock} GHz, {SMS} SMs, write {args.write_tbs} TB/s\n")
    head = ("| kernel | dtype | PTX/value | SASS/value (common) | SASS/value (all paths) "
            "| f64 SASS | cvt+MUFU/value | regs | bound | est. TB/s | est. Gvalues/s |")
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for dist in DISTS:
        for dtype, size in DTYPES:
            name = K.kernel_name(dist, dtype)
            per = 4 * K.values_per_word(dtype)
            ptx_body = loop_body(common[0][name], r"^(\$\w+):$")
            row = [dist, dtype, f"{len(ptx_body) / per:.1f}"]
            if common[1]:
                body = loop_body(common[1][name], r"^(\.L_x_\d+):$")
                all_body = loop_body(full[1][name], r"^(\.L_x_\d+):$")
                sass_pv = len(body) / per
                f64 = sum(is_f64(x, True) for x in all_body)
                conv = sum(is_convert(x) for x in body) / per
                rates = {"issue": SMS * ISSUE_PER_CLOCK * args.clock * 1e9 / sass_pv,
                         "memory": args.write_tbs * 1e12 / size}
                if conv:
                    rates["convert"] = SMS * CONVERT_PER_CLOCK * args.clock * 1e9 / conv
                bound = min(rates, key=rates.__getitem__)
                rate = rates[bound]
                row += [f"{sass_pv:.1f}", f"{len(all_body) / per:.1f}", str(f64),
                        f"{conv:.2f}", full[2].get(name, "?"), bound,
                        f"{rate * size / 1e12:.2f}", f"{rate / 1e9:.0f}"]
            else:
                row += ["n/a"] * 8
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
