"""MindSpore 2.x's checkpoint helpers around save/load (issue 19): ckpt_to_safetensors,
safetensors_to_ckpt, load_checkpoint_async, choice_func errors, append_dict floats."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor

VALUES = {"conv.weight": np.arange(24, dtype=np.float32).reshape(2, 3, 4),
          "bn.moving_mean": np.array([0.5, -1.5], np.float16),
          "step": np.array(7, np.int64)}


def _save(path, fmt, extra=None):
    gpuparam.save_checkpoint({k: Tensor(v) for k, v in VALUES.items()}, str(path), format=fmt,
                             append_dict=extra)


def _same(loaded, names=None):
    names = names or {k: k for k in VALUES}
    assert sorted(loaded) == sorted(names.values())
    for old, new in names.items():
        assert loaded[new].asnumpy().tobytes() == VALUES[old].tobytes(), old
        assert loaded[new].asnumpy().dtype == VALUES[old].dtype


@pytest.mark.parametrize(("convert", "source", "target"), [
    (gpuparam.ckpt_to_safetensors, "ckpt", "safetensors"),
    (gpuparam.safetensors_to_ckpt, "safetensors", "ckpt")])
def test_a_file_converts_beside_itself_or_into_save_path_with_renames(tmp_path, convert,
                                                                     source, target):
    path = tmp_path / f"net.{source}"
    _save(path, source)
    convert(str(path))
    _same(gpuparam.load_checkpoint(str(tmp_path / f"net.{target}"), format=target))
    convert(path, save_path=str(tmp_path / "out" / "deeper"), name_map={"step": "global_step"})
    renamed = {**{k: k for k in VALUES}, "step": "global_step"}
    _same(gpuparam.load_checkpoint(str(tmp_path / "out" / "deeper" / f"net.{target}"),
                                   format=target), renamed)


def test_a_round_trip_through_both_converters_is_bit_exact(tmp_path):
    # (safetensors holds names sorted, as MindSpore writes them: save them sorted first)
    gpuparam.save_checkpoint({k: Tensor(VALUES[k]) for k in sorted(VALUES)}, str(tmp_path / "a.ckpt"))
    gpuparam.ckpt_to_safetensors(str(tmp_path / "a.ckpt"), str(tmp_path / "st"))
    gpuparam.safetensors_to_ckpt(str(tmp_path / "st" / "a.safetensors"), str(tmp_path / "back"))
    assert (tmp_path / "back" / "a.ckpt").read_bytes() == (tmp_path / "a.ckpt").read_bytes()


def test_a_directory_of_rank_subdirectories_converts_as_mindspore_lays_it_out(tmp_path):
    for rank in (0, 1):
        (tmp_path / "ckpts" / f"rank{rank}").mkdir(parents=True)
        for step in (1, 2):
            _save(tmp_path / "ckpts" / f"rank{rank}" / f"net_{step}.ckpt", "ckpt")
    (tmp_path / "ckpts" / "rank0" / "notes.txt").write_text("not a checkpoint")
    gpuparam.ckpt_to_safetensors(str(tmp_path / "ckpts"), str(tmp_path / "st"),
                                 file_name_regex=r"_2\.", processes_num=2)
    for rank in (0, 1):
        assert os.listdir(tmp_path / "st" / f"rank{rank}") == ["net_2.safetensors"]
        _same(gpuparam.load_checkpoint(str(tmp_path / "st" / f"rank{rank}" / "net_2.safetensors"),
                                       format="safetensors"))
    gpuparam.safetensors_to_ckpt(str(tmp_path / "st"))  # in place
    assert sorted(os.listdir(tmp_path / "st" / "rank1")) == ["net_2.ckpt", "net_2.safetensors"]


def test_strings_have_no_safetensors_form_and_are_left_out_with_a_warning(tmp_path):
    _save(tmp_path / "s.ckpt", "ckpt", extra={"optimizer": "Momentum"})
    with pytest.warns(UserWarning, match=r"no strings; \['optimizer'\] were not converted"):
        gpuparam.ckpt_to_safetensors(str(tmp_path / "s.ckpt"))
    _same(gpuparam.load_checkpoint(str(tmp_path / "s.safetensors"), format="safetensors"))


@pytest.mark.parametrize(("kwargs", "kind", "text"), [
    ({"file_path": "missing.ckpt"}, ValueError, "an existing file or directory"),
    ({"file_path": "{dir}/net.safetensors"}, ValueError, "a .ckpt file"),
    ({"file_path": "{dir}/net.ckpt", "save_path": "{dir}/out.bin"}, ValueError, "a directory"),
    ({"file_path": "{dir}/net.ckpt", "file_name_regex": "^nothing"}, ValueError,
     "matching file_name_regex"),
    ({"file_path": "{dir}/net.ckpt", "file_name_regex": "("}, ValueError, "a regular expression"),
    ({"file_path": "{dir}"}, ValueError, "rank* subdirectories"),
    ({"file_path": "{dir}/net.ckpt", "name_map": ["a"]}, TypeError, "name_map"),
    ({"file_path": "{dir}/net.ckpt", "processes_num": 0}, ValueError, "processes_num"),
    ({"file_path": 3}, TypeError, "file_path"),
])
def test_bad_arguments_name_the_function_and_change_nothing(tmp_path, kwargs, kind, text):
    _save(tmp_path / "net.ckpt", "ckpt")
    _save(tmp_path / "net.safetensors", "safetensors")
    before = sorted(os.listdir(tmp_path))
    kwargs = {k: v.format(dir=tmp_path) if isinstance(v, str) else v for k, v in kwargs.items()}
    with pytest.raises(kind, match="ckpt_to_safetensors") as info:
        gpuparam.ckpt_to_safetensors(**kwargs)
    assert text in str(info.value)
    assert sorted(os.listdir(tmp_path)) == before


def test_a_dtype_a_ckpt_cannot_hold_is_refused_before_anything_is_written(tmp_path):
    gpuparam.save_checkpoint({"z": Tensor(np.ones(2, np.complex64))},
                             str(tmp_path / "z.safetensors"), format="safetensors")
    with pytest.raises(ValueError, match="complex"):
        gpuparam.safetensors_to_ckpt(str(tmp_path / "z.safetensors"))
    assert os.listdir(tmp_path) == ["z.safetensors"]


@pytest.mark.parametrize("fmt", ["ckpt", "safetensors"])
def test_load_checkpoint_async_loads_on_another_thread_and_returns_what_load_checkpoint_does(
        tmp_path, fmt):
    path = tmp_path / f"net.{fmt}"
    _save(path, fmt)
    threads = []

    def choose(name):
        threads.append(threading.current_thread())
        return name != "step"

    pending = gpuparam.load_checkpoint_async(str(path), choice_func=choose)
    loaded = pending.result()
    assert pending.done()
    assert threads and all(t is not threading.main_thread() for t in threads)
    expected = gpuparam.load_checkpoint(str(path), format=fmt, choice_func=lambda n: n != "step")
    assert list(loaded) == list(expected) == [n for n in expected if n != "step"]
    for name in loaded:
        assert isinstance(loaded[name], Parameter)
        assert loaded[name].asnumpy().tobytes() == expected[name].asnumpy().tobytes()


def test_load_checkpoint_async_raises_its_errors_from_result(tmp_path):
    pending = gpuparam.load_checkpoint_async(str(tmp_path / "missing.ckpt"))
    with pytest.raises(ValueError, match="load_checkpoint.*an existing checkpoint file"):
        pending.result()
    net = gpuparam.nn.Dense(3, 2)
    _save(tmp_path / "net.ckpt", "ckpt")
    with pytest.raises(ValueError, match="shapes differ"):  # loading into the wrong network
        gpuparam.load_checkpoint_async(str(tmp_path / "net.ckpt"), net=net,
                                       choice_func=lambda n: n == "conv.weight").result()


@pytest.mark.parametrize("fmt", ["ckpt", "safetensors"])
def test_an_exception_inside_choice_func_is_mindsporess_value_error(tmp_path, fmt):
    path = tmp_path / f"net.{fmt}"
    _save(path, fmt)

    def broken(name):
        return {"conv.weight": True}[name]  # KeyError for the others

    net = gpuparam.nn.Cell()
    net.step = Parameter(Tensor(np.array(0, np.int64)))
    with pytest.raises(ValueError, match="choice_func raised KeyError for the parameter") as info:
        gpuparam.load_checkpoint(str(path), net=net, format=fmt, choice_func=broken)
    assert isinstance(info.value.__cause__, KeyError)
    assert net.step.asnumpy() == 0  # nothing was loaded


def test_an_append_dict_float_is_written_as_mindsporess_float32(tmp_path):
    path = tmp_path / "a.ckpt"
    gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(path), append_dict={"lr": 0.1})
    lr = gpuparam.load_checkpoint(str(path))["lr"]
    assert lr.dtype == gpuparam.float32 and lr.asnumpy() == np.float32(0.1)
    with pytest.raises(ValueError, match=r"append_dict\['lr'\].*Float32 holds"):
        gpuparam.save_checkpoint({"w": Tensor([1.0])}, str(path), append_dict={"lr": 1e300})
    assert gpuparam.load_checkpoint(str(path))["lr"].dtype == gpuparam.float32  # old file kept
