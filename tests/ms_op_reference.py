"""Replaying the calls MindSpore 2.10 recorded (tests/data/mindspore/ops.json, ops.npz)
through gpuparam, and comparing the results.

``cases(names)`` lists every recorded call of those names (the docstring example's calls
and the dtype variations) as ``(name, index, entry)``; ``replay(name, entry)`` decodes the
entry's constructor arguments and inputs into gpuparam objects, calls gpuparam's object
of that name, and returns what it gave (or raises what it raised); ``check(name, entry,
got)`` compares that with what MindSpore gave: dtypes exactly, values to the dtype's
rounding. tests/data/mindspore/README.md describes the files.
"""

from __future__ import annotations

import importlib
import inspect
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from gpuparam import Tensor, _dtype

DATA = Path(__file__).resolve().parent / "data" / "mindspore"
_DTYPES = {str(d): d for d in (_dtype.bool_, _dtype.int8, _dtype.int16, _dtype.int32,
                               _dtype.int64, _dtype.uint8, _dtype.uint16, _dtype.uint32,
                               _dtype.uint64, _dtype.float16, _dtype.float32, _dtype.float64,
                               _dtype.complex64, _dtype.complex128)}
# Value tolerance per dtype: MindSpore and NumPy may round the last bit differently.
_RTOL = {"Float16": 1e-3, "Float32": 1e-6, "Float64": 1e-12}


@cache
def reference() -> dict[str, Any]:
    return json.loads((DATA / "ops.json").read_text())


@cache
def arrays() -> Any:
    return np.load(DATA / "ops.npz")


def cases(names: list[str]) -> list[tuple[str, int, dict]]:
    """Every recorded call (with inputs) of ``names``: ``(name, index, entry)``."""
    ops = reference()["ops"]
    out = []
    for name in names:
        entries = ops[name].get("calls", []) + ops[name].get("extras", [])
        out += [(name, i, e) for i, e in enumerate(entries) if "inputs" in e]
    return out


def resolve(name: str) -> Any:
    """gpuparam's object for a MindSpore name: ``ops.X`` or ``numpy.X``."""
    space, _, attr = name.partition(".")
    module = importlib.import_module({"ops": "gpuparam.ops", "numpy": "gpuparam.numpy"}[space])
    return getattr(module, attr)


def decode(value: dict) -> Any:
    """An ops.json value as a gpuparam object (Tensors, dtypes, Python values)."""
    if "tensor" in value:
        if value["tensor"] is None:
            raise LookupError(f"not stored: {value.get('not_stored')}")
        data = arrays()[value["tensor"]]
        return Tensor(data, _DTYPES[value["dtype"]])
    if "value" in value:
        return value["value"]
    if "dtype" in value:
        return _DTYPES[value["dtype"]]
    if "list" in value:
        return [decode(v) for v in value["list"]]
    if "tuple" in value:
        return tuple(decode(v) for v in value["tuple"])
    if "dict" in value:
        return {k: decode(v) for k, v in value["dict"].items()}
    raise LookupError(f"cannot decode {value}")


def stored(entry: dict) -> bool:
    """Whether every tensor of the entry's inputs was stored (large ones were summarized)."""
    return "not_stored" not in json.dumps(entry.get("inputs", {})) + \
        json.dumps(entry.get("kwargs", {}))


def replay(name: str, entry: dict) -> Any:
    """Call gpuparam's ``name`` as MindSpore was called in ``entry``; return its result."""
    target = resolve(name)
    args = decode(entry["inputs"])
    kwargs = decode(entry["kwargs"]) if "kwargs" in entry else {}
    if inspect.isclass(target):
        init = entry.get("init", {"args": {"list": []}, "kwargs": {"dict": {}}})
        target = target(*decode(init["args"]), **decode(init["kwargs"]))
    return target(*args, **kwargs)


def check(name: str, entry: dict, got: Any) -> None:
    """Assert that ``got`` is what MindSpore gave for ``entry``."""
    _compare(entry["output"], got, f"{name}[{entry['case']}]")


def _compare(want: dict, got: Any, where: str) -> None:
    if "tensor" in want:
        assert isinstance(got, Tensor), f"{where}: got {type(got).__name__}, want a Tensor"
        assert str(got.dtype) == want["dtype"], f"{where}: dtype {got.dtype}, want {want['dtype']}"
        assert list(got.shape) == want["shape"], f"{where}: shape {got.shape}, want {want['shape']}"
        expected = arrays()[want["tensor"]]
        values = got.asnumpy()
        if want["dtype"] == "BFloat16":
            values = values.astype(np.float32)
        rtol = _RTOL.get(want["dtype"])
        if rtol is None:
            np.testing.assert_array_equal(values, expected, err_msg=where)
        else:
            np.testing.assert_allclose(values.astype(np.float64), expected.astype(np.float64),
                                       rtol=rtol, atol=rtol, err_msg=where)
    elif "tuple" in want or "list" in want:
        items = want.get("tuple", want.get("list"))
        assert isinstance(got, (tuple, list)) and len(got) == len(items), \
            f"{where}: got {got!r}, want {len(items)} items"
        for i, (w, g) in enumerate(zip(items, got)):
            _compare(w, g, f"{where}[{i}]")
    elif "value" in want:
        assert got == want["value"] and type(got).__name__ == want["type"], \
            f"{where}: got {got!r}, want {want['value']!r}"
    else:
        raise AssertionError(f"{where}: cannot compare with {want}")


__all__ = ["cases", "check", "decode", "reference", "replay", "resolve", "stored"]
