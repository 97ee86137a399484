"""save_checkpoint / load_checkpoint / load_param_into_net: behaviour (issue 12).

Round trips for every dtype and shape kind in both formats, MindSpore's selection and
matching rules, the all-or-nothing load, lazy parameters, atomic writes under injected
faults, and the errors a user sees.
"""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, nn
from gpuparam._dtype import ALL_DTYPES
from gpuparam.common.initializer import Initializer, Normal, initializer
from gpuparam.train import _fileio, _transfer

FORMATS = ["ckpt", "safetensors"]
SHAPES = {"scalar": (), "vector": (7,), "empty": (0, 3), "matrix": (4, 5), "4d": (2, 3, 1, 4)}


# Dtypes a format has no name for: MindSpore's .ckpt loader (tensor_to_ms_type) names no
# complex or float8 type; the safetensors specification has no complex128 code.
NOT_HELD = {"ckpt": {"complex64", "complex128", "float8_e4m3fn", "float8_e5m2"},
            "safetensors": {"complex128"}}
HELD = [(f, d) for f in FORMATS for d in ALL_DTYPES if d.name not in NOT_HELD[f]]
REFUSED = [(f, d) for f in FORMATS for d in ALL_DTYPES if d.name in NOT_HELD[f]]


def sample(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=shape) * 40
    if dtype.numpy_dtype.kind == "c":
        values = values + 1j * rng.normal(size=shape)
    return values.astype(dtype.numpy_dtype)


def load(path, fmt, **kwargs):
    return gpuparam.load_checkpoint(str(path), format=fmt, **kwargs)


@pytest.mark.parametrize("fmt, dtype", HELD, ids=[f"{d.name}-{f}" for f, d in HELD])
def test_every_dtype_and_shape_kind_round_trips_bit_exactly(tmp_path, fmt, dtype):
    values = {f"{kind}": sample(dtype, shape) for kind, shape in SHAPES.items()}
    path = tmp_path / f"x.{fmt}"
    gpuparam.save_checkpoint({k: Parameter(Tensor(v), name=k) for k, v in values.items()},
                             str(path), format=fmt)
    loaded = load(path, fmt)
    assert sorted(loaded) == sorted(values)
    for name, value in values.items():
        got = loaded[name]
        assert isinstance(got, Parameter) and got.name == name and got.dtype == dtype
        assert got.shape == value.shape
        assert got.asnumpy().tobytes() == value.tobytes(), name


@pytest.mark.parametrize("fmt, dtype", REFUSED, ids=[f"{d.name}-{f}" for f, d in REFUSED])
def test_a_dtype_the_format_cannot_name_is_refused_before_anything_is_written(tmp_path, fmt, dtype):
    path = tmp_path / f"x.{fmt}"
    path.write_bytes(b"old file")
    saved = {"first": Tensor(np.ones(2, np.float32)), "odd": Tensor(sample(dtype, (3,)))}
    with pytest.raises(ValueError, match=f"save_checkpoint: .*'odd'.*{dtype}"):
        gpuparam.save_checkpoint(saved, str(path), format=fmt)
    assert path.read_bytes() == b"old file" and os.listdir(tmp_path) == [path.name]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_network_saves_and_loads_into_a_fresh_one(tmp_path, fmt):
    gpuparam.set_seed(1)
    net = nn.SequentialCell([nn.Conv2d(3, 4, 3, has_bias=True), nn.Dense(4, 2)])
    path = tmp_path / f"net.{fmt}"
    gpuparam.save_checkpoint(net, str(path), format=fmt, crc_check=True)
    assert all(p.has_init for p in net.get_parameters())  # saving generated copies only
    gpuparam.set_seed(2)
    fresh = nn.SequentialCell([nn.Conv2d(3, 4, 3, has_bias=True), nn.Dense(4, 2)])
    loaded = gpuparam.load_checkpoint(str(path), net=fresh, format=fmt, crc_check=True)
    for (name, original), (_, copy) in zip(net.parameters_and_names(), fresh.parameters_and_names()):
        assert not copy.has_init
        np.testing.assert_array_equal(copy.asnumpy(), original.asnumpy())  # original: generated now
        np.testing.assert_array_equal(loaded[name].asnumpy(), original.asnumpy())


def test_append_dict_values_come_back_as_numbers_and_strings(tmp_path):
    path = tmp_path / "a.ckpt"
    gpuparam.save_checkpoint([Parameter(Tensor([1.0]), name="w")], str(path),
                             append_dict={"epoch_num": 12, "lr": 0.1, "tag": "ünï ✓",
                                          "done": False, "big": 2**40})
    loaded = gpuparam.load_checkpoint(str(path))
    assert list(loaded) == ["w", "epoch_num", "lr", "tag", "done", "big"]
    assert loaded["epoch_num"].dtype == gpuparam.int64 and loaded["epoch_num"].shape == ()
    assert loaded["lr"].dtype == gpuparam.float32 and loaded["lr"].asnumpy() == np.float32(0.1)
    assert loaded["tag"] == "ünï ✓"
    assert loaded["done"].dtype == gpuparam.bool_ and not loaded["done"].asnumpy()
    assert int(loaded["big"].asnumpy()) == 2**40
    with pytest.raises(ValueError, match="safetensors holds no strings"):
        gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(tmp_path / "s.safetensors"),
                                 append_dict={"tag": "x"}, format="safetensors")
    with pytest.raises(TypeError, match="append_dict"):
        gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(path), append_dict={"x": [1]})


def test_save_obj_kinds_choice_func_and_the_file_suffix(tmp_path):
    a, b = Parameter(Tensor([1.0]), name="a"), Parameter(Tensor([2, 3]), name="b")
    gpuparam.save_checkpoint([a, b], str(tmp_path / "list"), choice_func=lambda n: n != "b")
    assert list(gpuparam.load_checkpoint(str(tmp_path / "list.ckpt"))) == ["a"]
    gpuparam.save_checkpoint([{"name": "x", "data": b}], str(tmp_path / "dicts.ckpt"))
    x = gpuparam.load_checkpoint(str(tmp_path / "dicts.ckpt"))["x"]
    np.testing.assert_array_equal(x.asnumpy(), [2, 3])
    # a dict from load_checkpoint saves again unchanged (strings included)
    gpuparam.save_checkpoint({"p": a}, str(tmp_path / "one.ckpt"), append_dict={"s": "v"})
    again = gpuparam.load_checkpoint(str(tmp_path / "one.ckpt"))
    gpuparam.save_checkpoint(again, str(tmp_path / "two.ckpt"))
    assert (tmp_path / "two.ckpt").read_bytes() == (tmp_path / "one.ckpt").read_bytes()


def test_load_selection_follows_mindspore(tmp_path):
    path = tmp_path / "sel.ckpt"
    names = ["conv1.w", "conv2.w", "fc.w"]
    gpuparam.save_checkpoint({n: Tensor([float(i)]) for i, n in enumerate(names)}, str(path))
    pick = lambda **kw: list(gpuparam.load_checkpoint(str(path), **kw))  # noqa: E731
    assert pick(choice_func=lambda n: n.startswith("conv") and not n.startswith("conv1")) == ["conv2.w"]
    assert pick(specify_prefix="conv") == ["conv1.w", "conv2.w"]
    assert pick(filter_prefix=["conv1", "fc"]) == ["conv2.w"]
    # either prefix argument overrides choice_func, as in MindSpore
    assert pick(specify_prefix="fc", choice_func=lambda n: False) == ["fc.w"]
    with pytest.raises(ValueError, match="empty after filter"):
        pick(choice_func=lambda n: False)
    with pytest.raises(TypeError, match="specify_prefix"):
        pick(specify_prefix=3)


class Net(nn.Cell):
    def __init__(self, dtype=gpuparam.float32):
        super().__init__()
        self.w = Parameter(initializer(Normal(), (2, 3), dtype))
        self.b = Parameter(Tensor(np.zeros(3), dtype))


def test_load_param_into_net_reports_what_did_not_load():
    net = Net()
    params = {"w": Parameter(Tensor(np.ones((2, 3), np.float32)), name="w"),
              "extra": Parameter(Tensor([1.0]), name="extra"), "note": "a string"}
    assert gpuparam.load_param_into_net(net, params) == (["b"], ["extra", "note"])
    np.testing.assert_array_equal(net.w.asnumpy(), np.ones((2, 3)))
    net.w.set_data(Tensor(np.zeros((2, 3), np.float32)))
    assert params["w"].asnumpy()[0, 0] == 1.0  # the dict's parameter is not shared


def test_a_file_from_a_wrapper_cell_loads_into_the_bare_network():
    net = Net()
    wrapped = {"network.w": Parameter(Tensor(np.full((2, 3), 4.0, np.float32)), name="network.w"),
               "network.b": Parameter(Tensor(np.full(3, 5.0, np.float32)), name="network.b")}
    assert gpuparam.load_param_into_net(net, wrapped) == ([], [])
    assert net.w.asnumpy()[0, 0] == 4.0 and net.b.asnumpy()[0] == 5.0
    strict = Net()
    assert gpuparam.load_param_into_net(strict, wrapped, strict_load=True) == \
        (["w", "b"], ["network.w", "network.b"])


def test_a_failed_load_changes_no_parameter():
    net = Net()
    before_b = net.b.asnumpy()
    bad_shape = {"b": Parameter(Tensor(np.ones(3, np.float32)), name="b"),
                 "w": Parameter(Tensor(np.ones((3, 2), np.float32)), name="w")}
    with pytest.raises(ValueError, match=r"'w'.*\(2, 3\).*\(3, 2\)"):
        gpuparam.load_param_into_net(net, bad_shape)
    assert net.w.has_init  # untouched: still lazy
    np.testing.assert_array_equal(net.b.asnumpy(), before_b)
    int_into_float = {"b": Parameter(Tensor(np.ones(3, np.int32)), name="b")}
    with pytest.raises(TypeError, match="float <-> float and int <-> int"):
        gpuparam.load_param_into_net(net, int_into_float)
    np.testing.assert_array_equal(net.b.asnumpy(), before_b)


def test_float_to_float_is_cast_with_a_warning_and_refused_when_strict():
    net = Net(gpuparam.float16)
    source = {"b": Parameter(Tensor(np.array([1.5, 2.0, 1 / 3], np.float32)), name="b")}
    with pytest.raises(TypeError, match="strict_load=True"):
        gpuparam.load_param_into_net(net, source, strict_load=True)
    np.testing.assert_array_equal(net.b.asnumpy(), np.zeros(3))
    with pytest.warns(UserWarning, match=r"b Float32->Float16"):
        gpuparam.load_param_into_net(net, source)
    assert net.b.dtype == gpuparam.float16
    np.testing.assert_array_equal(net.b.asnumpy(), np.array([1.5, 2.0, 1 / 3], np.float16))


def test_trailing_unit_dims_load_as_mindspore_reshapes_them():
    net = Net()
    source = {"b": Parameter(Tensor(np.arange(3, dtype=np.float32).reshape(3, 1, 1)), name="b")}
    gpuparam.load_param_into_net(net, source)
    np.testing.assert_array_equal(net.b.asnumpy(), [0, 1, 2])


class Exploding(Initializer):
    """An initializer that fails if anyone generates it."""

    def _initialize(self, arr):
        raise RuntimeError("generated")


def test_loading_into_a_lazy_parameter_replaces_its_initializer_without_running_it(tmp_path):
    path = tmp_path / "w.ckpt"
    gpuparam.save_checkpoint({"w": Tensor(np.full((2, 3), 7.0, np.float32))}, str(path))
    net = Net()
    net.w = Parameter(initializer(Exploding(), (2, 3), gpuparam.float32), name="w")
    gpuparam.load_checkpoint(str(path), net=net)
    assert not net.w.has_init and net.w.init is None
    np.testing.assert_array_equal(net.w.asnumpy(), np.full((2, 3), 7.0))


def test_a_lazy_source_stays_lazy_through_load_param_into_net():
    gpuparam.set_seed(3)
    source = Parameter(initializer(Normal(), (2, 3), gpuparam.float32), name="w")
    net = Net()
    gpuparam.load_param_into_net(net, {"w": source})
    assert net.w.has_init and source.has_init
    np.testing.assert_array_equal(net.w.asnumpy(), source.asnumpy())


# --------------------------------------------------------------------------- atomic writes

def _old_file(tmp_path, name="m.ckpt"):
    path = tmp_path / name
    gpuparam.save_checkpoint({"old": Tensor([1.0, 2.0])}, str(path), format=path.suffix[1:])
    return path, path.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_initializer_failing_during_save_leaves_the_old_file(tmp_path, fmt):
    path, old = _old_file(tmp_path, f"m.{fmt}")
    net = Net()
    net.w = Parameter(initializer(Exploding(), (2, 3), gpuparam.float32), name="w")
    with pytest.raises(RuntimeError, match="generated"):
        gpuparam.save_checkpoint(net, str(path), format=fmt)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("failing", ["write_array", "replace", "fsync"])
def test_io_failures_leave_the_old_file_and_no_temporary(tmp_path, monkeypatch, failing, fmt):
    path, old = _old_file(tmp_path, f"m.{fmt}")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "write_array":
        monkeypatch.setattr(_transfer.Writer, "write_tensor", boom)
    else:
        monkeypatch.setattr(_fileio.os, failing, boom)
    with pytest.raises(OSError, match="No space"):
        gpuparam.save_checkpoint({"new": Tensor(np.ones(1000))}, str(path), format=fmt)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == [path.name]


def test_a_save_fsyncs_the_file_and_the_directory_and_keeps_normal_permissions(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(_fileio.os, "fsync", lambda fd: (synced.append(os.fstat(fd).st_mode),
                                                         real(fd)))
    path = tmp_path / "p.ckpt"
    gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(path))
    assert [stat.S_ISREG(m) for m in synced] == [True, False]  # the file, then its directory
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # not MindSpore's 0400


# --------------------------------------------------------------------------- errors

def test_encryption_is_refused_with_a_way_out(tmp_path):
    with pytest.raises(NotImplementedError, match="decrypt with MindSpore"):
        gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(tmp_path / "e.ckpt"), enc_key=b"k" * 16)
    path, _ = _old_file(tmp_path)
    with pytest.raises(NotImplementedError, match="re-save without enc_key"):
        gpuparam.load_checkpoint(str(path), dec_key=b"k" * 16)


def test_bad_arguments_name_the_function_and_argument(tmp_path):
    with pytest.raises(ValueError, match="save_checkpoint.*format"):
        gpuparam.save_checkpoint({}, str(tmp_path / "x"), format="pt")
    with pytest.raises(TypeError, match="save_checkpoint.*save_obj"):
        gpuparam.save_checkpoint(5, str(tmp_path / "x"))
    with pytest.raises(NotImplementedError, match="async_save"):
        gpuparam.save_checkpoint({}, str(tmp_path / "x"), async_save=True)
    with pytest.raises(ValueError, match="two entries are named 'w'"):
        gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(tmp_path / "x"), append_dict={"w": 1})
    with pytest.raises(ValueError, match="load_checkpoint.*ckpt_file_name"):
        gpuparam.load_checkpoint(str(tmp_path / "missing.ckpt"))
    with pytest.raises(TypeError, match="load_param_into_net.*net"):
        gpuparam.load_param_into_net({}, {})
    path, _ = _old_file(tmp_path)
    with pytest.raises(ValueError, match="no crc trailer"):
        gpuparam.load_checkpoint(str(path), crc_check=True)
    assert not any(name.endswith(".tmp") for name in os.listdir(tmp_path))


def test_a_progress_line_appears_on_a_terminal_for_slow_large_work(monkeypatch, capsys):
    class Tty:
        text = ""

        def isatty(self):
            return True

        def write(self, s):
            Tty.text += s

        def flush(self):
            pass

    monkeypatch.setattr(_fileio.sys, "stderr", Tty())
    progress = _fileio.Progress("save_checkpoint m.ckpt", 2 << 30)
    progress.start -= 5  # as if it had run for five seconds
    progress.advance(1 << 30)
    progress.close()
    assert "save_checkpoint m.ckpt [###############...............] 1.00/2.00 GiB" in Tty.text
    assert Tty.text.endswith("\n")


@pytest.mark.gpu
@pytest.mark.parametrize("fmt", FORMATS)
def test_gpu_tensors_save_and_load_straight_to_the_device(tmp_path, fmt):
    from gpuparam._backend import use_backend

    with use_backend("cupy") as cupy:
        gpuparam.set_seed(4)
        net = Net()
        path = tmp_path / f"g.{fmt}"
        gpuparam.save_checkpoint(net, str(path), format=fmt)
        loaded = gpuparam.load_checkpoint(str(path), format=fmt)
        assert isinstance(loaded["w"]._array, cupy.ndarray)
        np.testing.assert_array_equal(loaded["w"].asnumpy(), net.w.asnumpy())
    with use_backend("numpy"):
        on_cpu = gpuparam.load_checkpoint(str(path), format=fmt)
        np.testing.assert_array_equal(on_cpu["w"].asnumpy(), loaded["w"].asnumpy())
