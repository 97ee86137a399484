"""MindSpore 2.10's recorded calls (tests/data/mindspore/ops.json + ops.npz) as test cases.

``cases(name)`` yields one ``Case`` per recorded call of a name (its documented example
and the dtype variations), with the constructor arguments, the inputs and keyword
arguments rebuilt as gpuparam values, and MindSpore's result (arrays) or its error.
``run(case)`` calls gpuparam's object of the same name the way MindSpore's was called.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import gpuparam
from gpuparam import Tensor

DATA = Path(__file__).resolve().parent / "data" / "mindspore"


@functools.cache
def _table() -> dict[str, Any]:
    return json.loads((DATA / "ops.json").read_text())["ops"]


@functools.cache
def _arrays() -> Any:
    return np.load(DATA / "ops.npz")


class Undecodable(Exception):
    """A recorded value that cannot be rebuilt (a network object, a summarized array)."""


_NUMPY = {"Float16": np.float16, "Float32": np.float32, "Float64": np.float64, "Int32": np.int32,
          "Int64": np.int64, "Bool": np.bool_, "UInt8": np.uint8, "Int16": np.int16}


def _stored(value: dict[str, Any]) -> np.ndarray:
    """The recorded array; a large one (stored only as its SHA-256) when it is all ones or
    all zeros, as the documented examples' big inputs are."""
    if value["tensor"] is not None:
        return _arrays()[value["tensor"]]
    dtype = _NUMPY.get(value["dtype"])
    for fill in (np.ones, np.zeros):
        if dtype is not None:
            candidate = fill(value["shape"], dtype)
            if hashlib.sha256(candidate.tobytes()).hexdigest() == value["sha256"]:
                return candidate
    raise Undecodable(f"summarized array {value['shape']}")


def decode(value: Any) -> Any:
    """A recorded value as gpuparam's: tensors become Tensors of the recorded dtype."""
    if not isinstance(value, dict):
        raise Undecodable(repr(value))
    if "tensor" in value:
        array = _stored(value)
        dtype = getattr(gpuparam, value["dtype"].lower().replace("bool", "bool_"), None)
        if dtype is None or value["dtype"] == "BFloat16":
            raise Undecodable(value["dtype"])
        return Tensor(array, dtype)
    if "value" in value:
        return value["value"]
    if "tuple" in value:
        return tuple(decode(v) for v in value["tuple"])
    if "list" in value:
        return [decode(v) for v in value["list"]]
    if "dict" in value:
        return {k: decode(v) for k, v in value["dict"].items()}
    raise Undecodable(repr(value)[:80])


def expected(value: Any) -> Any:
    """A recorded result: NumPy arrays (with MindSpore's dtype name) or Python values."""
    if "tensor" in value:
        if value["tensor"] is None:  # summarized: its shape, dtype and mean only
            return Summary(tuple(value["shape"]), value["dtype"], value["mean"])
        return (_arrays()[value["tensor"]], value["dtype"])
    if "tuple" in value or "list" in value:
        return tuple(expected(v) for v in value.get("tuple", value.get("list")))
    if "value" in value:
        return value["value"]
    raise Undecodable(repr(value)[:80])


@dataclass
class Summary:
    shape: tuple[int, ...]
    dtype: str
    mean: float


@dataclass
class Case:
    name: str
    kind: str
    case: str
    init_args: list[Any] = field(default_factory=list)
    init_kwargs: dict[str, Any] = field(default_factory=dict)
    inputs: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    output: Any = None
    error: str | None = None

    @property
    def id(self) -> str:
        return f"{self.name}/{self.case}"


def cases(name: str) -> list[Case]:
    """Every recorded call of ``name`` that can be rebuilt."""
    entry = _table()[name]
    out = []
    for index, call in enumerate(entry.get("calls", []) + entry.get("extras", [])):
        if call.get("error", "").startswith("cannot map"):
            continue  # a recording failure, not MindSpore's behaviour
        try:
            init = call.get("init") or {}
            case = Case(name, entry["kind"], f"{call['case']}/{index}",
                        decode(init["args"]) if init else [],
                        decode(init["kwargs"]) if init else {},
                        decode(call["inputs"]), decode(call.get("kwargs", {"dict": {}})),
                        expected(call["output"]) if "output" in call else None,
                        call.get("error"))
        except Undecodable:
            continue
        out.append(case)
    return out


def resolve(name: str) -> Any:
    """gpuparam's object for a recorded name (``ops.IOU``, ``nn.MSELoss``)."""
    module, attr = name.split(".", 1)
    return getattr(getattr(gpuparam, module), attr)


def run(case: Case) -> Any:
    obj = resolve(case.name)
    if case.kind == "function":
        return obj(*case.inputs, **case.kwargs)
    return obj(*case.init_args, **case.init_kwargs)(*case.inputs, **case.kwargs)


# MindSpore computes some Float64 operators in float32 (LogSoftmax, LSTM), so Float64
# results are held to float32's rounding here; tests/test_nn_ops_math.py checks float64.
TOLERANCE = {"Float16": (4e-3, 2e-3), "Float32": (2e-5, 2e-6), "Float64": (2e-5, 2e-6)}


def assert_matches(got: Any, want: Any, what: str) -> None:
    """``got`` (gpuparam's result) equals MindSpore's ``want`` to the dtype's rounding."""
    if isinstance(want, Summary):
        assert isinstance(got, Tensor) and str(got.dtype) == want.dtype, f"{what}: got {got!r}"
        assert got.shape == want.shape, f"{what}: shape {got.shape}, MindSpore {want.shape}"
        assert abs(float(got.asnumpy().astype(np.float64).mean()) - want.mean) <= 1e-4 * (
            1 + abs(want.mean)), f"{what}: mean {got.asnumpy().mean()}, MindSpore {want.mean}"
    elif isinstance(want, tuple) and len(want) == 2 and isinstance(want[1], str):
        array, dtype = want
        assert isinstance(got, Tensor), f"{what}: got {type(got).__name__}, want a Tensor"
        assert str(got.dtype) == dtype, f"{what}: dtype {got.dtype}, MindSpore {dtype}"
        assert got.shape == array.shape, f"{what}: shape {got.shape}, MindSpore {array.shape}"
        rtol, atol = TOLERANCE.get(dtype, (0, 0))
        np.testing.assert_allclose(got.asnumpy().astype(np.float64) if rtol else got.asnumpy(),
                                   array.astype(np.float64) if rtol else array,
                                   rtol=rtol, atol=atol, err_msg=what)
    elif isinstance(want, tuple):
        assert isinstance(got, (tuple, list)) and len(got) >= len(want), f"{what}: got {got!r}"
        for k, (g, w) in enumerate(zip(got, want)):
            assert_matches(g, w, f"{what}[{k}]")
    else:
        assert got == want, f"{what}: got {got!r}, MindSpore {want!r}"
