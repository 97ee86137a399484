"""The .ckpt and safetensors formats, checked against independent implementations.

Oracles: the ``protobuf`` package, with MindSpore's schema built at run time, parses
every .ckpt gpuparam writes (and serializes the same messages to the same bytes); the
``safetensors`` package reads gpuparam's safetensors and writes files gpuparam reads.
MindSpore itself cannot run here: the files under tests/data were constructed byte for
byte the way MindSpore 2.x writes them, by tests/data/make_mindspore_files.py (see its
docstring), which this module also checks reproduces them. Hostile files: every size is
checked against the file, and the error names the file and the record.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from pathlib import Path

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor
from gpuparam.train import _ckpt_format, _safetensors

pytest.importorskip("google.protobuf", reason="protobuf is the .ckpt oracle (test extra)")
ml_dtypes = pytest.importorskip("ml_dtypes", reason="bfloat16 files need ml_dtypes (test extra)")

DATA = Path(__file__).resolve().parent / "data"
_spec = importlib.util.spec_from_file_location("make_mindspore_files", DATA / "make_mindspore_files.py")
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)
Checkpoint = make.checkpoint_class()

NP_TYPES = {"Float32": np.float32, "Float16": np.float16, "Float64": np.float64,
            "BFloat16": ml_dtypes.bfloat16, "Int8": np.int8, "Int16": np.int16,
            "Int32": np.int32, "Int64": np.int64, "UInt8": np.uint8, "UInt16": np.uint16,
            "UInt32": np.uint32, "UInt64": np.uint64, "Bool": np.bool_}


def parse_with_protobuf(raw: bytes) -> dict[str, object]:
    """The oracle: protobuf parses the whole file (trailer removed), joins slices by tag."""
    if raw[-17:-10] == b"crc_num":
        raw = raw[:-17]
    message = Checkpoint()
    message.ParseFromString(raw)
    out: dict[str, object] = {}
    contents: dict[str, list[bytes]] = {}
    for value in message.value:
        contents.setdefault(value.tag, []).append(value.tensor.tensor_content)
        t = value.tensor
        data = b"".join(contents[value.tag])
        if t.tensor_type == "str":
            out[value.tag] = str(np.frombuffer(data, f"<U{len(data) // 4}")[0])
        else:
            out[value.tag] = np.frombuffer(data, NP_TYPES[t.tensor_type]).reshape(list(t.dims))
    return out


def every_dtype_values() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    values = {}
    for name, np_type in NP_TYPES.items():
        base = rng.normal(size=(3, 5)) * 50
        values[f"{name}.matrix"] = base.astype(np_type)
        values[f"{name}.scalar"] = np.asarray(base[0, 0]).astype(np_type)
        values[f"{name}.empty"] = np.zeros((0, 4), np_type)
    values["tall"] = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    return values


# --------------------------------------------------------------------------- protobuf oracle

@pytest.mark.parametrize("crc_check", [False, True])
def test_protobuf_parses_what_we_write_and_serializes_it_to_the_same_bytes(tmp_path, crc_check):
    values = every_dtype_values()
    path = tmp_path / "all.ckpt"
    gpuparam.save_checkpoint({k: Tensor(v) for k, v in values.items()}, str(path),
                             append_dict={"note": "ünïcode ✓", "epoch": 3}, crc_check=crc_check)
    raw = path.read_bytes()
    parsed = parse_with_protobuf(raw)
    assert list(parsed) == list(values) + ["note", "epoch"]
    for name, value in values.items():
        assert parsed[name].dtype == value.dtype and parsed[name].shape == value.shape, name
        assert parsed[name].tobytes() == value.tobytes(), name
    assert parsed["note"] == "ünïcode ✓" and parsed["epoch"].dtype == np.int64
    # protobuf serializes the same messages to exactly the bytes we wrote
    message = Checkpoint()
    message.ParseFromString(raw[:-17] if crc_check else raw)
    again = b"".join(_one_record(v) for v in message.value)
    assert again == (raw[:-17] if crc_check else raw)
    assert (raw[-17:-10] == b"crc_num") == crc_check


def _one_record(value) -> bytes:
    single = Checkpoint()
    single.value.add().CopyFrom(value)
    return single.SerializeToString()


def test_large_tensors_are_byte_slices_with_one_tag_and_the_full_dims(tmp_path, monkeypatch):
    monkeypatch.setattr(_ckpt_format, "SLICE_BYTES", 64)
    values = make.sliced_values()
    path = tmp_path / "sliced.ckpt"
    gpuparam.save_checkpoint({n: Tensor(v) for n, _, v in values}, str(path), crc_check=True)
    raw = path.read_bytes()
    message = Checkpoint()
    message.ParseFromString(raw[:-17])
    assert [v.tag for v in message.value] == ["big"] * 4 + ["ids"]  # 240 bytes, 56 bytes
    assert all(list(v.tensor.dims) == [10, 6] for v in message.value[:4])
    assert [len(v.tensor.tensor_content) for v in message.value] == [64, 64, 64, 48, 56]
    # the same bytes as MindSpore's byte-chunked writer (constructed), and they load back
    assert raw == make.ckpt_bytes(values, crc=True, slicing="bytes", slice_bytes=64)
    loaded = gpuparam.load_checkpoint(str(path), crc_check=True)
    for name, _, value in values:
        np.testing.assert_array_equal(loaded[name].asnumpy(), value)


# --------------------------------------------------------------------------- MindSpore's files

def test_the_committed_mindspore_files_are_what_the_script_makes():
    for name, build in make.FILES.items():
        committed, rebuilt = (DATA / name).read_bytes(), build()
        if name.endswith(".safetensors"):  # the package orders its JSON keys at random
            committed, rebuilt = _header_and_data(committed), _header_and_data(rebuilt)
        assert committed == rebuilt, name


def _header_and_data(raw: bytes) -> tuple[dict, bytes]:
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n]), raw[8 + n:]


@pytest.mark.parametrize("file_name", ["ms_net.ckpt", "ms_net_crc.ckpt"])
def test_mindspore_files_load_bit_exactly(file_name):
    loaded = gpuparam.load_checkpoint(str(DATA / file_name), crc_check=file_name.endswith("crc.ckpt"))
    expected = make.network_values()
    assert list(loaded) == [name for name, _, _ in expected]
    for name, type_, value in expected:
        if type_ == "str":
            assert loaded[name] == str(value) and isinstance(loaded[name], str)
            continue
        param = loaded[name]
        assert isinstance(param, Parameter) and param.name == name
        assert str(param.dtype) == type_ and param.shape == value.shape, name
        assert param.asnumpy().tobytes() == value.tobytes(), name
    assert loaded["lr"].asnumpy() == np.float32(0.001)  # MindSpore stores floats as Float32


@pytest.mark.parametrize("file_name", ["ms_sliced_bytes.ckpt", "ms_sliced_rows.ckpt"])
def test_mindspore_sliced_files_join_their_records(file_name):
    loaded = gpuparam.load_checkpoint(str(DATA / file_name))
    for name, _, value in make.sliced_values():
        np.testing.assert_array_equal(loaded[name].asnumpy(), value)
        assert loaded[name].asnumpy().dtype == value.dtype


def test_an_old_scalar_with_dims_zero_loads_as_0d():
    scale = gpuparam.load_checkpoint(str(DATA / "ms_old_scalar.ckpt"))["scale"]
    assert scale.shape == () and scale.asnumpy() == np.float32(2.5)


def test_mindspore_safetensors_with_crc_num_loads_and_checks():
    path = DATA / "ms_net.safetensors"
    loaded = gpuparam.load_checkpoint(str(path), format="safetensors", crc_check=True)
    expected = {n: v for n, t, v in make.network_values() if t not in ("str", "BFloat16")}
    assert list(loaded) == sorted(expected)
    for name, value in expected.items():
        assert loaded[name].asnumpy().tobytes() == value.tobytes()
        assert loaded[name].asnumpy().dtype == value.dtype


def test_we_write_what_mindspore_writes_byte_for_byte(tmp_path):
    values = make.network_values()
    tensors = {n: Tensor(v) for n, t, v in values if t != "str" and n not in
               ("epoch_num", "lr", "flag")}
    # MindSpore's append_dict writes the Python float 0.001 as Float32, and so does gpuparam.
    append = {"epoch_num": 7, "lr": 0.001, "note": str(values[9][2]), "flag": True}
    for crc in (False, True):
        path = tmp_path / f"ours_{crc}.ckpt"
        gpuparam.save_checkpoint(tensors, str(path), append_dict=append, crc_check=crc)
        assert path.read_bytes() == make.ckpt_bytes(values, crc=crc)


# --------------------------------------------------------------------------- safetensors package

def test_safetensors_package_reads_ours_and_we_read_its():
    from safetensors import safe_open
    from safetensors.numpy import load_file, save_file

    values = every_dtype_values()
    values["C64.matrix"] = (np.arange(6) + 1j * np.arange(6, 12)).astype(np.complex64)  # not in .ckpt
    tmp = Path(__import__("tempfile").mkdtemp())
    ours = tmp / "ours.safetensors"
    gpuparam.save_checkpoint({k: Tensor(v) for k, v in values.items()}, str(ours),
                             format="safetensors", crc_check=True)
    read = load_file(str(ours))
    assert sorted(read) == sorted(values)
    for name, value in values.items():
        assert read[name].dtype == value.dtype and read[name].tobytes() == value.tobytes(), name
    with safe_open(str(ours), "np") as f:
        metadata = f.metadata()
    assert metadata["format"] == "ms"
    for name, value in values.items():  # the checksum, by its definition
        assert metadata["gsum64:" + name] == "".join(d.hex() for d in _gsum64_reference(value.tobytes()))
    theirs = tmp / "theirs.safetensors"
    save_file(values, str(theirs))
    loaded = gpuparam.load_checkpoint(str(theirs), format="safetensors")
    for name, value in values.items():
        assert loaded[name].asnumpy().tobytes() == value.tobytes(), name


# --------------------------------------------------------------------------- hostile .ckpt

def _record(tag: str, type_: str, dims, content: bytes) -> bytes:
    return make._record(Checkpoint, tag, type_, list(dims), content)


GOOD = _record("w", "Float32", [2], np.ones(2, np.float32).tobytes())

HOSTILE_CKPT = {
    "huge varint length": (b"\x0a" + b"\xff" * 8 + b"\x3f" + GOOD, "claims"),
    "varint over int64": (b"\x0a" + b"\xff" * 9 + b"\x01" + GOOD, "negative"),
    "varint over 10 bytes": (b"\x0a" + b"\xff" * 11, "varint longer than 10 bytes"),
    "record past the end": (GOOD[:-3], "claims"),
    "garbage after a record": (GOOD + b"\x55\x00\x00", "record 1"),
    "dims and content disagree": (_record("w", "Float32", [1 << 40], b"\0" * 8), "need"),
    "unknown dtype": (_record("w", "Float128", [1], b"\0" * 16), "Float128"),
    "complex, which MindSpore cannot name": (_record("w", "Complex64", [1], b"\0" * 8),
                                             "Complex64"),
    "qint4x2": (_record("w", "Int4", [2], b"\0"), "Int4"),
    "a tag twice": (GOOD + _record("v", "Float32", [0], b"") + GOOD, "second time"),
    "slices that disagree": (GOOD + _record("w", "Float32", [3], b"\0" * 4), "first slice"),
    "negative dim": (_record("w", "Float32", [-1], b""), "negative"),
    "bad utf-32 string": (_record("s", "str", [0], b"\xff\xff\xff\xff"), "UTF-32"),
    "string not a multiple of 4": (_record("s", "str", [0], b"abc"), "multiple of 4"),
    "bad crc": (GOOD + b"crc_num" + (12345).to_bytes(10, "big"), "crc32"),
    "no tensor content": (b"\x0a\x0e\x0a\x01w\x12\x09\x12\x07Float32", "tensor_content"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_CKPT))
def test_hostile_ckpt_files_raise_value_error_naming_file_and_record(tmp_path, case):
    raw, expected = HOSTILE_CKPT[case]
    path = tmp_path / "hostile.ckpt"
    path.write_bytes(raw)
    with pytest.raises(ValueError) as info:
        gpuparam.load_checkpoint(str(path))
    message = str(info.value)
    assert str(path) in message and expected in message
    assert "record" in message or "crc" in message


def test_a_file_that_is_not_a_checkpoint_is_named_possibly_encrypted(tmp_path):
    path = tmp_path / "enc.ckpt"
    path.write_bytes(bytes(range(200, 256)) * 10)
    with pytest.raises(ValueError, match="encrypted"):
        gpuparam.load_checkpoint(str(path))


def test_a_flipped_content_byte_is_caught_by_the_trailer_without_crc_check(tmp_path):
    path = tmp_path / "crc.ckpt"
    gpuparam.save_checkpoint({"w": Tensor(np.arange(100, dtype=np.float32))}, str(path),
                             crc_check=True)
    raw = bytearray(path.read_bytes())
    raw[60] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="damaged"):
        gpuparam.load_checkpoint(str(path))


# --------------------------------------------------------------------------- hostile safetensors

def _st(header: dict, data: bytes = b"", length: int | None = None) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw) if length is None else length) + raw + data


F32x2 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
HOSTILE_ST = {
    "header over 100 MB": (_st({}, length=100_000_001), "at most"),
    "header past the end": (_st({"a": F32x2}, length=10_000), "only"),
    "overlapping offsets": (_st({"a": F32x2, "b": {"dtype": "F32", "shape": [2],
                                                   "data_offsets": [4, 12]}}, b"\0" * 12), "overlap"),
    "offsets past the data": (_st({"a": F32x2}, b"\0" * 4), "past"),
    "shape and offsets disagree": (_st({"a": {"dtype": "F32", "shape": [3],
                                              "data_offsets": [0, 8]}}, b"\0" * 8), "needs"),
    "unknown dtype": (_st({"a": {"dtype": "F128", "shape": [1], "data_offsets": [0, 16]}},
                          b"\0" * 16), "F128"),
    "negative shape": (_st({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}},
                           b"\0" * 8), "non-negative"),
    "not json": (struct.pack("<Q", 5) + b"{nope", "JSON"),
    "duplicate names": (struct.pack("<Q", 2 * len(json.dumps(F32x2)) + 13)
                        + f'{{"a":{json.dumps(F32x2)},"a":{json.dumps(F32x2)}}}'.encode() + b"\0" * 8,
                        "twice"),
    "trailing bytes": (_st({"a": F32x2}, b"\0" * 9), "describes"),
    "too short": (b"\x01\x02", "fewer than"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_ST))
def test_hostile_safetensors_raise_value_error_naming_the_file(tmp_path, case):
    raw, expected = HOSTILE_ST[case]
    path = tmp_path / "hostile.safetensors"
    path.write_bytes(raw)
    with pytest.raises(ValueError) as info:
        gpuparam.load_checkpoint(str(path), format="safetensors")
    assert str(path) in str(info.value) and expected in str(info.value)


def test_a_flipped_safetensors_byte_fails_its_tensor_checksum(tmp_path):
    path = tmp_path / "x.safetensors"
    gpuparam.save_checkpoint({"a": Tensor(np.arange(10, dtype=np.float32)),
                              "b": Tensor(np.ones(3, np.int8))}, str(path), format="safetensors")
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0x40  # the last byte of the data: in 'b'
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="tensor 'b': gsum64 segment"):
        gpuparam.load_checkpoint(str(path), format="safetensors")
    # reading only 'a' still works: the damage is in a tensor not read
    ok = gpuparam.load_checkpoint(str(path), format="safetensors", choice_func=lambda n: n == "a")
    np.testing.assert_array_equal(ok["a"].asnumpy(), np.arange(10, dtype=np.float32))


def _gsum64_reference(data: bytes) -> list[bytes]:
    """gsum64 as its docstring defines it, in plain Python integers (no NumPy)."""
    import hashlib

    mask = (1 << 64) - 1
    digests = []
    for start in range(0, len(data), 1 << 20):
        segment = data[start:start + (1 << 20)]
        segment += b"\0" * (-len(segment) % 4096)
        words = struct.unpack(f"<{len(segment) // 8}Q", segment)
        rows = [words[i:i + 512] for i in range(0, len(words), 512)]
        row_sums = [sum(row) & mask for row in rows]
        column_sums = [sum(row[c] for row in rows) & mask for c in range(512)]
        packed = struct.pack(f"<{len(row_sums) + 512}Q", *row_sums, *column_sums)
        digests.append(hashlib.blake2b(packed, digest_size=8).digest())
    return digests


@pytest.mark.parametrize("nbytes", [0, 1, 4095, 4096, 4097, (1 << 20) + 8, (2 << 20) + 12345])
def test_gsum64_is_what_its_definition_says(nbytes):
    from gpuparam.train import _gsum

    data = np.random.default_rng(nbytes).integers(0, 256, nbytes, dtype=np.uint8)
    want = _gsum64_reference(data.tobytes())
    assert _gsum.segment_digests(data) == want
    for inline in (False, True):  # pieces of whole segments, on worker threads or not
        hasher = _gsum.SegmentHasher(inline=inline)
        for start in range(0, nbytes, _gsum.SEGMENT_BYTES):
            hasher.add(data[start:start + _gsum.SEGMENT_BYTES])
        assert hasher.digests() == want


def test_gsum64_catches_every_change_of_two_words_and_reorderings():
    from gpuparam.train import _gsum

    rng = np.random.default_rng(3)
    words = rng.integers(0, 2**64, 3 * 512 + 100, dtype=np.uint64)
    base = _gsum.segment_digests(words.view(np.uint8))
    top = np.uint64(1 << 63)
    changed = {
        "one bit": lambda w: w.__setitem__(7, w[7] ^ np.uint64(1 << 40)),
        "the top bits of two words of a row": lambda w: w.__setitem__([3, 9], w[[3, 9]] ^ top),
        "the top bits of two words of a column": lambda w: w.__setitem__([5, 517], w[[5, 517]] ^ top),
        "opposite changes in one row": lambda w: w.__setitem__([1, 2], w[[1, 2]] + np.array(
            [1 << 5, (1 << 64) - (1 << 5)], dtype=np.uint64)),
        "two words swapped": lambda w: w.__setitem__([3, 600], w[[600, 3]]),
        "two rows swapped": lambda w: w.__setitem__(slice(0, 1024), np.roll(w[:1024], 512)),
        "a zeroed page": lambda w: w.__setitem__(slice(512, 1024), 0),
        "the padded tail": lambda w: w.__setitem__(-1, w[-1] + np.uint64(1)),
    }
    for what, change in changed.items():
        damaged = words.copy()
        change(damaged)
        assert not np.array_equal(damaged, words), what
        assert _gsum.segment_digests(damaged.view(np.uint8)) != base, what


def test_a_file_with_the_older_crc32_checksums_is_still_checked(tmp_path):
    import zlib

    safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="writes the older file")
    values = np.arange(100, dtype=np.float32)
    path = tmp_path / "old.safetensors"
    safetensors_numpy.save_file({"a": values}, str(path), metadata={
        "format": "ms", "crc32:a": f"{zlib.crc32(values.tobytes()):08x}"})
    np.testing.assert_array_equal(
        gpuparam.load_checkpoint(str(path), format="safetensors")["a"].asnumpy(), values)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="tensor 'a': crc32 does not match"):
        gpuparam.load_checkpoint(str(path), format="safetensors")


def test_the_private_safetensors_api_reads_a_box_and_checks_what_it_read(tmp_path):
    path = tmp_path / "r.safetensors"
    whole = np.arange(24, dtype=np.float64).reshape(6, 4)
    header = _safetensors.write_file(str(path), [("w", Tensor(whole)), ("v", whole[:1])],
                                     metadata={"format": "gpuparam"})
    assert list(header.tensors) == ["w", "v"]
    with open(path, "rb") as f:
        from gpuparam.train._transfer import Reader
        read = _safetensors.read_header(Reader(f, str(path)), path.stat().st_size)
    assert read.metadata["format"] == "gpuparam"
    box = np.empty((2, 3), np.float64)
    _safetensors.read_box(str(path), read, "w", (slice(2, 4), slice(1, 4)), box)
    np.testing.assert_array_equal(box, whole[2:4, 1:4])


@pytest.mark.parametrize(("shape", "box"), [
    ((6, 4), (slice(2, 4), slice(1, 4))), ((300_000,), (slice(0, 1),)),
    ((300_000,), (slice(299_999, 300_000),)), ((1000, 700), (slice(0, 1000), slice(5, 6))),
    ((1000, 700), (slice(400, 900), slice(0, 700))), ((3, 500, 300), (slice(1, 2), slice(0, 500), slice(7, 9))),
    ((5, 0), (slice(0, 5), slice(0, 0))), ((), ()),
])
def test_touched_segments_are_exactly_those_holding_a_byte_of_the_box(shape, box):
    itemsize = 4
    flat = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    offsets = flat[box].reshape(-1) * itemsize
    want = sorted({int(o // (1 << 20)) for o in offsets} | {int((o + itemsize - 1) // (1 << 20))
                                                           for o in offsets})
    from gpuparam.train import _gsum

    got = _gsum.touched_segments(shape, itemsize, box).tolist()
    assert got == want


def test_a_safetensors_file_loaded_as_ckpt_says_which_format_it_is(tmp_path):
    path = tmp_path / "model.safetensors"
    gpuparam.save_checkpoint({"a": Tensor([1.0])}, str(path), format="safetensors")
    with pytest.raises(ValueError, match="format='safetensors'"):
        gpuparam.load_checkpoint(str(path))


def test_a_partial_load_still_checks_the_crc_over_the_records_it_skips(tmp_path):
    path = tmp_path / "p.ckpt"
    gpuparam.save_checkpoint({"a": Tensor(np.arange(50, dtype=np.float32)),
                              "b": Tensor(np.ones(50, np.float32))}, str(path), crc_check=True)
    raw = bytearray(path.read_bytes())
    raw[40] ^= 1  # inside a's content
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="damaged"):
        gpuparam.load_checkpoint(str(path), choice_func=lambda name: name == "b")


def test_parallel_crc_equals_zlib_over_the_whole_stream():
    import zlib

    from gpuparam.train._crc import ParallelCrc, combine

    rng = np.random.default_rng(5)
    data = rng.integers(0, 256, size=300_007, dtype=np.uint8).tobytes()
    for start in (0, 12345):
        hasher = ParallelCrc(start)
        cuts = [0, 1, 1, 4096, 100_000, 299_999, len(data)]  # empty and odd-sized pieces
        for a, b in zip(cuts, cuts[1:]):
            hasher.add(memoryview(data)[a:b])
        assert hasher.value() == zlib.crc32(data, start)
    assert combine(zlib.crc32(b"ab"), zlib.crc32(b"cd"), 2) == zlib.crc32(b"abcd")
