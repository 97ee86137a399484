"""Helpers of ``gpu_validate.py`` that need no GPU to be tested: streamed tables and
RESULT lines, ulp distances, the machine code CuPy cached (``cuobjdump``),
compute-sanitizer's verdict, and the counts of a pytest run.

CuPy 14 caches every compiled module in ``$CUPY_CACHE_DIR`` (default
``~/.cupy/kernel_cache``) as ``<sha1>.cubin``: the 40-character SHA-1 of the payload in
ASCII hex, then the payload (the cubin, or a name table and the cubin when the module was
built with name expressions). ``cached_cubins`` finds the ELF image inside each.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np

HASH_HEX = 40  # cupy/cuda/_compiler_cache.py: SHA-1 hex digest before the payload


def result(step: str, status: str, detail: str) -> bool:
    print(f"RESULT {step} {status} {detail}", flush=True)
    return status != "FAIL"


class Table:
    """A Markdown table printed as it grows: the header at once, each row when added."""

    def __init__(self, *headers: str) -> None:
        self.headers = headers
        print("| " + " | ".join(headers) + " |")
        print("|" + "|".join("---" for _ in headers) + "|", flush=True)

    def row(self, *cells: Any) -> None:
        print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


def stall() -> None:
    """A table row and a RESULT line, then a hang: the dry run kills this at its limit and
    checks that both reached the files (gpu-review-2 B3). Imports only NumPy, so that it
    prints within the limit even on a busy machine."""
    Table("check").row("row printed before the hang")
    result("stall", "INFO", "printed before the hang")
    time.sleep(60)


def ulps(a: np.ndarray, b: np.ndarray) -> int:
    """Largest distance in units in the last place between same-dtype arrays."""
    if a.size == 0:
        return 0
    width = 8 * a.dtype.itemsize
    unsigned = {16: np.uint16, 32: np.uint32, 64: np.uint64}[width]

    def ordered(v: np.ndarray) -> np.ndarray:
        # Sign-magnitude bit patterns onto a monotonic integer line (-0 and +0 meet at 0).
        u = np.ascontiguousarray(v).view(unsigned).astype(np.uint64)
        magnitude = (u & np.uint64((1 << (width - 1)) - 1)).astype(np.int64)
        return np.where(u >> np.uint64(width - 1), -magnitude, magnitude)

    return int(np.max(np.abs(ordered(a) - ordered(b))))


# --------------------------------------------------------------------------- machine code

def cupy_cache_dir() -> str:
    return os.environ.get("CUPY_CACHE_DIR", os.path.expanduser("~/.cupy/kernel_cache"))


def cached_cubins(directory: str, marker: bytes = b"") -> list[tuple[str, bytes]]:
    """``(file name, ELF image)`` of every intact CuPy cache entry holding ``marker``."""
    found = []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    for name in names:
        if not name.endswith(".cubin"):
            continue
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
        payload = data[HASH_HEX:]
        if data[:HASH_HEX] != hashlib.sha1(payload).hexdigest().encode("ascii"):
            continue  # torn or foreign: CuPy would not load it either
        start = payload.find(b"\x7fELF")
        if start >= 0 and marker in payload:
            found.append((name, payload[start:]))
    return found


def parse_resource_usage(text: str) -> dict[str, dict[str, int]]:
    """``cuobjdump --dump-resource-usage``: function -> {"REG": .., "STACK": .., ...}."""
    usage = {}
    for name, line in re.findall(r"Function ([^\s:]+):\s*\n\s*(REG:[^\n]*)", text):
        usage[name] = {key: int(value) for key, value in re.findall(r"(\w+(?:\[\d+\])?):(\d+)", line)}
    return usage


def count_sass(text: str) -> dict[str, dict[str, int]]:
    """``cuobjdump --dump-sass``: function -> instructions, 128-bit and other global stores."""
    counts: dict[str, dict[str, int]] = {}
    current = None
    for line in text.splitlines():
        header = re.match(r"\s*Function : (\S+)", line)
        if header:
            current = counts.setdefault(header.group(1), {"instructions": 0, "STG.128": 0,
                                                          "STG other": 0})
            continue
        op = re.match(r"\s*/\*[0-9a-f]{4,}\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]*)", line)
        if current is None or op is None:
            continue
        current["instructions"] += 1
        if op.group(1).startswith("STG"):
            current["STG.128" if op.group(1).endswith(".128") else "STG other"] += 1
    return counts


def report_cached_kernels(directory: str, prefix: str) -> bool:
    """Print a row per cached kernel whose name starts with ``prefix``; RESULT lines."""
    cubins = cached_cubins(directory, prefix.encode())
    tool = shutil.which("cuobjdump")
    print(f"CuPy kernel cache {directory}: {len(cubins)} cubins with {prefix}* kernels; "
          f"cuobjdump: {tool}")
    if tool is None or not cubins:
        return result("sass", "INFO", f"{len(cubins)} cached cubins, cuobjdump "
                      f"{'absent' if tool is None else 'present'}: nothing to read")
    table = Table("kernel", "cache file", "REG", "STACK", "LOCAL", "SHARED", "instructions",
                  "STG.128", "STG other")
    kernels, spilled = 0, []
    with tempfile.TemporaryDirectory() as scratch:
        for name, elf in cubins:
            path = os.path.join(scratch, name)
            with open(path, "wb") as f:
                f.write(elf)
            runs = [subprocess.run([tool, flag, path], capture_output=True, text=True,
                                   timeout=10, check=False)
                    for flag in ("--dump-resource-usage", "--dump-sass")]
            usage, sass = parse_resource_usage(runs[0].stdout), count_sass(runs[1].stdout)
            if runs[0].returncode or not usage:
                print(f"{name}: cuobjdump said: {(runs[0].stdout + runs[0].stderr)[-400:]}")
            for kernel in sorted(k for k in usage if k.startswith(prefix)):
                use, code = usage[kernel], sass.get(kernel, {})
                kernels += 1
                if use.get("LOCAL", 0) or use.get("STACK", 0):
                    spilled.append(kernel)
                table.row(kernel, name[:12], use.get("REG"), use.get("STACK"), use.get("LOCAL"),
                          use.get("SHARED"), code.get("instructions", "-"),
                          code.get("STG.128", "-"), code.get("STG other", "-"))
    if not kernels:
        return result("sass", "FAIL", f"cuobjdump read no {prefix}* kernel in {len(cubins)} cubins")
    return result("sass", "FAIL" if spilled else "PASS",
                  f"{kernels} kernels read; stack or local memory in: {spilled or 'none'}")


def memcheck_verdict(output: str, returncode: int | None) -> tuple[str, str]:
    """(status, detail) from compute-sanitizer's output (``returncode`` None: timed out)."""
    summary = re.search(r"ERROR SUMMARY: (\d+) error", output)
    if summary and int(summary.group(1)):
        return "FAIL", f"memcheck: {summary.group(1)} errors"
    if re.search(r"Device not supported|Unable to find injection|error 999", output):
        return "INFO", "memcheck: compute-sanitizer refused this machine (gVisor refuses it)"
    if returncode is None:
        return "INFO", "memcheck: timed out before the subset finished"
    if summary and returncode == 0:
        return "PASS", "memcheck: 0 errors on the golden subset"
    if summary:
        return "FAIL", f"memcheck: 0 errors, but the golden subset failed (exit {returncode})"
    return "FAIL", f"memcheck: exit status {returncode}, no error summary"


def run_memcheck(command: list[str], limit_s: float) -> bool:
    """Run ``command`` under compute-sanitizer memcheck (its own process group, killed at
    ``limit_s``); print its output's tail and a RESULT line."""
    tool = shutil.which("compute-sanitizer")
    if tool is None:
        return result("sass", "INFO", "memcheck: compute-sanitizer not found")
    proc = subprocess.Popen([tool, "--tool", "memcheck", *command], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, code = proc.communicate(timeout=limit_s)[0], proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, code = proc.communicate()[0], None
    print(output[-3000:])
    return result("sass", *memcheck_verdict(output, code))


# --------------------------------------------------------------------------- pytest counts

def _counts_from_xml(path: str) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0, "gpu-skips": 0,
              "mpi-skips": 0}
    for case in ET.parse(path).getroot().iter("testcase"):
        kinds = [child.tag for child in case]
        if "failure" in kinds:
            counts["failed"] += 1
        elif "error" in kinds:
            counts["error"] += 1
        elif "skipped" in kinds:
            counts["skipped"] += 1
            message = case.find("skipped").get("message", "")  # type: ignore[union-attr]
            counts["gpu-skips"] += ("GPU" in message or "cuDNN" in message)
            counts["mpi-skips"] += message.startswith("MPI unavailable")
        else:
            counts["passed"] += 1
    return counts


def _counts_from_log(text: str) -> dict[str, int]:
    """Per-test verdicts of ``pytest -v`` (with or without xdist), for a run that was
    killed before it wrote its JUnit report."""
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    verdict = r"(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)"
    for line in text.splitlines():
        found = (re.match(rf"\[gw\d+\] \[\s*\d+%\] {verdict} \S+::", line)
                 or re.match(rf"\S+::\S+ {verdict}\b", line))
        if found:
            word = found.group(1)
            key = {"PASSED": "passed", "XFAIL": "passed", "FAILED": "failed",
                   "XPASS": "failed", "ERROR": "error", "SKIPPED": "skipped"}[word]
            counts[key] += 1
    return counts


def step_junit(path: str, log_path: str | None = None, dry: bool = False) -> bool:
    """Counts of a pytest JUnit report, and how many skips were for want of a GPU/cuDNN
    (a failure) or MPI (not one); from ``log_path`` when the report is missing. With a
    log, also checks that the run had its workers (-n 4) and its per-test limit."""
    ok = True
    log = ""
    if log_path is not None:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        workers, limit = re.search(r"created: (\d+)/\d+ workers", log), re.search(
            r"^timeout: ([\d.]+)s", log, re.M)
        harness = f"{workers.group(1) if workers else 'no'} workers, " \
                  f"{'a ' + limit.group(1) + ' s' if limit else 'no'} per-test limit"
        ok &= result("pytest-gpu", "PASS" if workers and limit else "FAIL",
                     f"harness: {harness} (wanted -n 4 and --timeout)")
    try:
        counts = _counts_from_xml(path)
        source = "JUnit report"
    except (OSError, ET.ParseError) as exc:
        if not log:
            return result("pytest-gpu", "FAIL", f"no JUnit report ({exc})")
        counts = _counts_from_log(log)
        detail = ", ".join(f"{v} {k}" for k, v in counts.items())
        return result("pytest-gpu", "FAIL", f"no JUnit report (killed?); from the log: {detail}")
    detail = ", ".join(f"{v} {k}" for k, v in counts.items()) + f" ({source})"
    if dry:
        return result("pytest-gpu", "INFO", f"dry run (no GPU): {detail}") and ok
    clean = counts["failed"] == counts["error"] == counts["gpu-skips"] == 0 and counts["passed"]
    return result("pytest-gpu", "PASS" if clean else "FAIL", detail) and ok
