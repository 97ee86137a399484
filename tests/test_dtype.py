"""dtypes: printed names, conversions (reference page 003), and bad input."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import gpuparam
from gpuparam import dtype as mstype

from child_env import child_env

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


@pytest.mark.parametrize("bad", [dict, np.int32, 3, 2.0, "int"])
def test_pytype_to_dtype_rejects_unsupported_types_and_instances(bad):
    with pytest.raises(TypeError, match="pytype_to_dtype: `obj`"):
        gpuparam.pytype_to_dtype(bad)


@pytest.mark.parametrize("bad", [np.str_, object, np.datetime64])
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


# --------------------------------------------------------------------------- issue 14

@pytest.mark.parametrize(("name", "printed", "np_type"), [
    ("complex64", "Complex64", np.complex64), ("complex128", "Complex128", np.complex128)])
def test_complex_dtypes(name, printed, np_type):
    dt = getattr(mstype, name)
    assert getattr(gpuparam, name) is dt and str(dt) == printed and dt.is_complex
    assert not dt.is_floating_point
    assert gpuparam.dtype_to_nptype(dt) is np_type and gpuparam.dtype_to_pytype(dt) is complex
    assert mstype.from_numpy(np_type) is dt and pickle.loads(pickle.dumps(dt)) is dt
    t = gpuparam.Tensor(np.array([1 + 2j, -3j]), dt)
    assert t.dtype is dt and t.asnumpy().tolist() == [1 + 2j, -3j]


@pytest.mark.parametrize("dt", [mstype.complex64, mstype.complex128])
def test_complex_initializers_fill_or_refuse_clearly(dt):
    from gpuparam.common.initializer import Constant, initializer
    np.testing.assert_array_equal(initializer("zeros", [2, 2], dt).asnumpy(), np.zeros((2, 2)))
    np.testing.assert_array_equal(initializer("ones", [3], dt).asnumpy(), np.ones(3))
    filled = initializer(Constant(-2.5), [3], dt).asnumpy()
    assert filled.dtype == dt.numpy_dtype and filled.tolist() == [-2.5 + 0j] * 3
    for name in ("normal", "uniform", "he_uniform", "truncated_normal", "orthogonal"):
        with pytest.raises(TypeError, match=r"`dtype` must be a floating-point dtype.*complex"):
            initializer(name, [4, 4], dt)


def test_complex_casts():
    from gpuparam._dtype import can_cast_safely
    assert can_cast_safely(mstype.float32, mstype.complex64)
    assert can_cast_safely(mstype.complex64, mstype.complex128)
    assert not can_cast_safely(mstype.complex64, mstype.float64)
    assert not can_cast_safely(mstype.complex128, mstype.complex64)


@pytest.mark.parametrize(("name", "printed", "largest"), [
    ("float8_e4m3fn", "Float8_e4m3fn", 448.0), ("float8_e5m2", "Float8_e5m2", 57344.0)])
def test_float8_through_ml_dtypes(name, printed, largest):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    from gpuparam._dtype import can_cast_safely, float_max
    from gpuparam.common.initializer import Constant, Normal, initializer
    dt = getattr(mstype, name)
    assert getattr(gpuparam, name) is dt and str(dt) == printed and dt.is_floating_point
    assert dt.itemsize == 1 and mstype.from_numpy(getattr(ml_dtypes, name)) is dt
    assert gpuparam.dtype_to_pytype(dt) is float and float_max(dt.numpy_dtype) == largest
    t = gpuparam.Tensor(np.array([0.5, -2.0, 3.0]), dt)
    assert t.asnumpy().astype(np.float32).tolist() == [0.5, -2.0, 3.0]
    assert initializer(Constant(3), [2], dt).asnumpy().astype(np.float64).tolist() == [3.0, 3.0]
    with pytest.raises(ValueError, match=f"<= {largest}"):
        initializer(Constant(largest * 4), [2], dt)
    gpuparam.set_seed(0)
    # Drawn in float64 and rounded once: the float64 draw of the same key, rounded.
    drawn = initializer(Normal(1.0), (4096,), dt).asnumpy()
    gpuparam.set_seed(0)
    wide = initializer(Normal(1.0), (4096,), gpuparam.float64).asnumpy()
    np.testing.assert_array_equal(drawn, wide.astype(dt.numpy_dtype))
    assert can_cast_safely(dt, mstype.float16) and can_cast_safely(dt, mstype.bfloat16)
    assert not can_cast_safely(mstype.float16, dt) and not can_cast_safely(mstype.int8, dt)


def test_pseudo_types_and_python_types():
    assert [str(t) for t in (mstype.list_, mstype.tuple_, mstype.string, mstype.type_none)] == \
        ["List", "Tuple", "String", "TypeNone"]
    assert gpuparam.dtype_to_pytype(mstype.list_) is list
    assert gpuparam.dtype_to_pytype(mstype.tuple_) is tuple
    assert gpuparam.dtype_to_pytype(mstype.string) is str
    assert gpuparam.dtype_to_pytype(mstype.type_none) is type(None)
    assert gpuparam.pytype_to_dtype(list) is mstype.list_
    assert gpuparam.pytype_to_dtype(str) is mstype.string
    assert gpuparam.pytype_to_dtype(complex) is mstype.complex128
    assert pickle.loads(pickle.dumps(mstype.string)) is mstype.string
    with pytest.raises(TypeError, match="Tensor: `dtype` must be"):
        gpuparam.Tensor([1.0], mstype.list_)  # not an array dtype


def test_get_py_obj_dtype():
    get = mstype.get_py_obj_dtype
    assert get(1) is mstype.int64 and get(1.5) is mstype.float32 and get(True) is mstype.bool_
    assert get(int) is mstype.int64 and get(None) is mstype.type_none
    assert get([1]) is mstype.list_ and get((1,)) is mstype.tuple_ and get("a") is mstype.string
    assert get(np.int8(3)) is mstype.int8 and get(2j) is mstype.complex128
    assert get(gpuparam.Tensor(np.zeros(2, np.float16))) is mstype.float16
    with pytest.raises(TypeError, match="get_py_obj_dtype: `obj`"):
        get({})


@pytest.mark.parametrize("name", ["bfloat16", "float8_e4m3fn"])
def test_dtype_by_name_without_ml_dtypes_names_the_extra_to_install(name):
    # In a child process: ml_dtypes is installed here, so its absence is simulated.
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    code = ("import sys; sys.modules['ml_dtypes'] = None\n"  # as if it were not installed
            "import numpy as np\nfrom gpuparam import Tensor\n"
            f"try:\n    Tensor(np.ones(2), {name!r})\nexcept TypeError as exc:\n    print(exc)\n")
    env = child_env()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"Tensor: `dtype` {name!r} is unavailable: {name} needs the ml_dtypes" in proc.stdout
    assert 'pip install -e ".[bfloat16]"' in proc.stdout
