"""dtypes: printed names, conversions (reference page 003), and bad input."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import gpuparam
from gpuparam import dtype as mstype

EXPECTED = [  # (name, printed, numpy type, python type)
    ("bool_", "Bool", np.bool_, bool),
    ("int8", "Int8", np.int8, int),
    ("int16", "Int16", np.int16, int),
    ("int32", "Int32", np.int32, int),
    ("int64", "Int64", np.int64, int),
    ("uint8", "UInt8", np.uint8, int),
    ("uint16", "UInt16", np.uint16, int),
    ("uint32", "UInt32", np.uint32, int),
    ("uint64", "UInt64", np.uint64, int),
    ("float16", "Float16", np.float16, float),
    ("float32", "Float32", np.float32, float),
    ("float64", "Float64", np.float64, float),
]


@pytest.mark.parametrize(("name", "printed", "np_type", "py_type"), EXPECTED)
def test_each_dtype_prints_and_converts(name, printed, np_type, py_type):
    dt = getattr(mstype, name)
    assert getattr(gpuparam, name) is dt
    assert str(dt) == printed
    assert repr(dt) == f"gpuparam.{name}"
    assert gpuparam.dtype_to_nptype(dt) is np_type
    assert gpuparam.dtype_to_pytype(dt) is py_type
    assert mstype.from_numpy(np_type) is dt
    assert pickle.loads(pickle.dumps(dt)) == dt


def test_page_003_conversion_sample(capsys):
    np_type = gpuparam.dtype_to_nptype(gpuparam.int32)
    ms_type = gpuparam.pytype_to_dtype(int)
    py_type = gpuparam.dtype_to_pytype(gpuparam.float64)
    print(gpuparam.int32)
    print(np_type)
    print(ms_type)
    print(py_type)
    assert capsys.readouterr().out == "Int32\n<class 'numpy.int32'>\nInt64\n<class 'float'>\n"


def test_python_types_map_as_mindspore_documents():
    assert gpuparam.pytype_to_dtype(float) is gpuparam.float32
    assert gpuparam.pytype_to_dtype(bool) is gpuparam.bool_
    assert gpuparam.pytype_to_dtype(gpuparam.float16) is gpuparam.float16


def test_aliases():
    assert mstype.half is mstype.float16 and mstype.single is mstype.float32
    assert mstype.double is mstype.float64 and mstype.int_ is mstype.int64


def test_equality_and_hash():
    assert mstype.float32 == mstype.float32 and mstype.float32 != mstype.float64
    assert mstype.float32 != np.float32
    assert len({mstype.float32, mstype.float32, mstype.int8}) == 2


@pytest.mark.parametrize("bad", [np.int32, np.dtype("float32"), "float32", 3, None])
def test_dtype_to_nptype_rejects_non_gpuparam_dtypes(bad):
    with pytest.raises(TypeError, match="dtype_to_nptype: `type_` must be a gpuparam dtype"):
        gpuparam.dtype_to_nptype(bad)


@pytest.mark.parametrize("bad", [np.float32, "Float32", 1.0])
def test_dtype_to_pytype_rejects_non_gpuparam_dtypes(bad):
    with pytest.raises(TypeError, match="dtype_to_pytype: `type_`"):
        gpuparam.dtype_to_pytype(bad)


@pytest.mark.parametrize("bad", [str, complex, list, np.int32, 3, 2.0, "int"])
def test_pytype_to_dtype_rejects_unsupported_types_and_instances(bad):
    with pytest.raises(TypeError, match="pytype_to_dtype: `obj`"):
        gpuparam.pytype_to_dtype(bad)


@pytest.mark.parametrize("bad", [np.complex64, np.str_, object])
def test_from_numpy_rejects_unsupported(bad):
    with pytest.raises(TypeError, match="must be one of the NumPy dtypes"):
        mstype.from_numpy(bad)


def test_safe_casts():
    from gpuparam._dtype import can_cast_safely
    assert can_cast_safely(mstype.int64, mstype.float32)  # MindSpore's set_data does this
    assert can_cast_safely(mstype.float16, mstype.float64)
    assert not can_cast_safely(mstype.float64, mstype.float32)
    assert not can_cast_safely(mstype.float32, mstype.int32)
    assert not can_cast_safely(mstype.int64, mstype.int8)


def test_bfloat16_where_ml_dtypes_is_installed():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    from gpuparam.common.initializer import Normal, initializer
    bf16 = mstype.bfloat16
    assert gpuparam.bfloat16 is bf16 and str(bf16) == "BFloat16" and bf16.is_floating_point
    assert mstype.from_numpy(ml_dtypes.bfloat16) is bf16
    assert gpuparam.dtype_to_pytype(bf16) is float
    t = gpuparam.Tensor(np.array([1.0, 2.5]), bf16)
    assert t.dtype is bf16 and t.asnumpy().astype(np.float32).tolist() == [1.0, 2.5]
    gpuparam.set_seed(0)
    sample = initializer(Normal(1.0), (20000,), bf16).asnumpy().astype(np.float64)
    assert abs(sample.std() - 1.0) < 0.03 and abs(sample.mean()) < 0.03
    from gpuparam._dtype import can_cast_safely
    assert can_cast_safely(bf16, mstype.float32) and not can_cast_safely(mstype.float16, bf16)
