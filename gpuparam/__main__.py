"""``python -m gpuparam``: what gpuparam found on this machine, and what it will use.

Prints the gpuparam version, the active backend and why (or why not) the GPU, the
device and its memory, the versions of NumPy, CuPy, the CUDA runtime, the cuDNN
frontend and cuDNN, and which convolution backend runs by default. ``--json`` prints
the same facts as one JSON object; the exit status is 1 when no backend is usable
(for example ``GPUPARAM_BACKEND=cupy`` without a GPU), so scripts can check it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import metadata
from typing import Any

from . import __version__, _backend

_ENV_VARS = ("GPUPARAM_BACKEND", "GPUPARAM_CONV_BACKEND")


def _cuda_version(raw: str | None) -> str | None:
    """``'12080'`` (``cudaRuntimeGetVersion``'s form) -> ``'12.8'``; other strings unchanged."""
    if raw is None or not raw.isdigit():
        return raw
    number = int(raw)
    return f"{number // 1000}.{number % 1000 // 10}"


def _cudnn_version(raw: str | None) -> str | None:
    """``'90300'`` (cuDNN 9's ``major*10000 + minor*100 + patch``) -> ``'9.3.0 (90300)'``."""
    if raw is None or not raw.isdigit():
        return raw
    number = int(raw)
    if number >= 10000:
        major, minor, patch = number // 10000, number % 10000 // 100, number % 100
    else:  # cuDNN 8 and earlier: major*1000 + minor*100 + patch
        major, minor, patch = number // 1000, number % 1000 // 100, number % 100
    return f"{major}.{minor}.{patch} ({number})"


def _cudnn_wheels() -> str | None:
    """Installed cuDNN library wheels (``nvidia-cudnn-cu12 9.x``), or ``None``."""
    found = []
    for name in ("nvidia-cudnn-cu12", "nvidia-cudnn-cu13"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found) or None


def _gib(n: int) -> str:
    return f"{n / 2 ** 30:.1f} GiB"


def _backend_lines() -> list[str]:
    env = os.environ.get("GPUPARAM_BACKEND")
    reason = _backend.gpu_unavailable_reason()
    try:
        active = _backend.active_backend()
    except (RuntimeError, ValueError) as exc:
        return [f"backend:         none: {exc}"]
    if active == "cupy":
        why = ("forced by GPUPARAM_BACKEND=cupy" if env and env.strip().lower() == "cupy"
               else "a CUDA device is usable")
        lines = [f"backend:         cupy (GPU; {why})"]
    else:
        if env and env.strip().lower() == "numpy":
            why = "forced by GPUPARAM_BACKEND=numpy"
            if reason is None:
                why += "; a GPU is usable"
            else:
                why += f"; the GPU would not be usable anyway: {reason}"
        elif reason is None:
            why = "chosen with set_context(device_target='CPU'); a GPU is usable"
        else:
            why = f"GPU not usable: {reason}"
        lines = [f"backend:         numpy (CPU; {why})"]
    lines.append(f"device:          {_backend.device_name()}")
    memory = _backend.memory_info()
    lines.append("device memory:   " + ("host memory (NumPy backend)" if memory is None else
                                        f"{_gib(memory[0])} free of {_gib(memory[1])}"))
    return lines


def _conv_lines() -> list[str]:
    try:
        from .ops.seam import conv_backend_info
        info = conv_backend_info()
    except Exception as exc:  # an unknown GPUPARAM_CONV_BACKEND, or no usable backend
        return [f"convolution:     unavailable: {exc}"]
    line = f"convolution:     {info['default']} by default"
    if info["forced_by"]:
        line += f" (GPUPARAM_CONV_BACKEND={info['forced_by']})"
    lines = [line, f"conv backends:   {', '.join(info['available'])} available"]
    if info["cudnn_unavailable"]:
        lines.append(f"cuDNN not used:  {info['cudnn_unavailable']}")
    return lines


def report() -> str:
    """Return the report that ``python -m gpuparam`` prints.

    Never raises for a missing or broken GPU stack: each line says what is missing.

    Example:
        >>> from gpuparam.__main__ import report
        >>> report().splitlines()[0].startswith("gpuparam ")
        True
    """
    versions = _backend.versions()
    lines = [f"gpuparam {__version__}"]
    lines += _backend_lines()
    lines.append(f"NumPy:           {versions['numpy']}")
    lines.append(f"CuPy:            {versions['cupy'] or 'not installed'}")
    lines.append(f"CUDA runtime:    {_cuda_version(versions['cuda_runtime']) or 'not found'}")
    lines.append(f"cuDNN frontend:  {versions['cudnn_frontend'] or 'not installed'}")
    cudnn = _cudnn_version(versions["cudnn"])
    if cudnn is None:
        wheels = _cudnn_wheels()
        cudnn = (f"{wheels} installed (the frontend reports the loaded version)" if wheels
                 else "not found")
    lines.append(f"cuDNN:           {cudnn}")
    lines += _conv_lines()
    for var in _ENV_VARS:
        if var in os.environ:
            lines.append(f"environment:     {var}={os.environ[var]}")
    return "\n".join(lines)


def collect() -> dict[str, Any]:
    """Return the report's facts as a dict (what ``python -m gpuparam --json`` prints).

    Keys: ``gpuparam``, ``backend`` (``"cupy"``, ``"numpy"`` or ``None`` when none is
    usable), ``backend_error``, ``gpu_unavailable_reason``, ``device``, ``device_memory``
    (``{"free": bytes, "total": bytes}`` or ``None``), ``versions`` (numpy, cupy,
    cuda_runtime, cudnn_frontend, cudnn), ``convolution`` and ``environment``. Never
    raises for a missing or broken GPU stack.

    Example:
        >>> from gpuparam.__main__ import collect
        >>> sorted(collect())[:3]
        ['backend', 'backend_error', 'convolution']
    """
    versions = _backend.versions()
    facts: dict[str, Any] = {
        "gpuparam": __version__, "backend": None, "backend_error": None,
        "gpu_unavailable_reason": _backend.gpu_unavailable_reason(),
        "device": None, "device_memory": None,
        "versions": {"numpy": versions["numpy"], "cupy": versions["cupy"],
                     "cuda_runtime": _cuda_version(versions["cuda_runtime"]),
                     "cudnn_frontend": versions["cudnn_frontend"],
                     "cudnn": _cudnn_version(versions["cudnn"]),
                     "cudnn_wheels": _cudnn_wheels()},
        "convolution": None,
        "environment": {var: os.environ[var] for var in _ENV_VARS if var in os.environ},
    }
    try:
        facts["backend"] = _backend.active_backend()
    except (RuntimeError, ValueError) as exc:
        facts["backend_error"] = str(exc)
        return facts
    facts["device"] = _backend.device_name()
    memory = _backend.memory_info()
    facts["device_memory"] = None if memory is None else {"free": memory[0], "total": memory[1]}
    try:
        from .ops.seam import conv_backend_info
        facts["convolution"] = dict(conv_backend_info())
    except Exception as exc:  # an unknown GPUPARAM_CONV_BACKEND, or no usable backend
        facts["convolution"] = {"error": str(exc)}
    return facts


def _usable() -> bool:
    try:
        _backend.active_backend()
    except (RuntimeError, ValueError):
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m gpuparam [--json]``; return the exit status (1: no usable backend)."""
    parser = argparse.ArgumentParser(
        prog="python -m gpuparam",
        description="Report what gpuparam found on this machine: the active backend and "
                    "why, the device, the versions of NumPy, CuPy, CUDA and cuDNN, and "
                    "the default convolution backend.",
        epilog="Exit status: 0 when a backend is usable, 1 when none is (for example "
               "GPUPARAM_BACKEND=cupy on a machine without a usable GPU).")
    parser.add_argument("--json", action="store_true",
                        help="print the report as one JSON object (machine-readable)")
    args = parser.parse_args(argv)
    if args.json:
        facts = collect()
        print(json.dumps(facts, indent=2, sort_keys=True, default=str))
        return 0 if facts["backend"] is not None else 1
    print(report())
    return 0 if _usable() else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
