"""Write the MindSpore-format test files in this folder, the way MindSpore 2.x writes them.

MindSpore cannot run on the build machines, so these files are constructed, not saved by
MindSpore: each record is a ``Checkpoint`` protobuf message with one ``Value``, serialized
with the ``protobuf`` package from the schema MindSpore ships (``checkpoint_pb2``), in
the order and with the conventions of ``mindspore/train/serialization.py::_exec_save``
(2.x): parameters in the network's order, then ``append_dict`` in its order; Python
ints as ``Int64`` and floats as ``Float32`` 0-d tensors (``Tensor(value)``), strings as
``tensor_type "str"``, dims ``[0]`` and NumPy ``'U'`` (UTF-32LE) content; large tensors
as several records with one tag and the full dims (a byte-chunked slice, as
``_write_parameter_bytes_data``, and row slices from ``np.array_split``, as
``_write_parameter_data`` and older releases; the slice size is shrunk from 512 MiB so
the files stay small); the crc trailer ``b"crc_num" + crc32.to_bytes(10, "big")``,
the crc32 chained over the serialized records; the safetensors file as
``save_file(sorted dict, metadata={"format": "ms", "crc_num": str(crc)})``.

Run ``python tests/data/make_mindspore_files.py`` to rewrite them; the tests check that
this script reproduces the committed bytes and that gpuparam reads the values below.
"""

from __future__ import annotations

import binascii
from pathlib import Path

import ml_dtypes
import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

HERE = Path(__file__).resolve().parent


def checkpoint_class():
    """The ``Checkpoint`` message class, built from the schema at run time (no protoc)."""
    fdp = descriptor_pb2.FileDescriptorProto(name="gpuparam_test_checkpoint.proto", syntax="proto2")
    F = descriptor_pb2.FieldDescriptorProto
    tensor = fdp.message_type.add(name="TensorProto")
    tensor.field.add(name="dims", number=1, type=F.TYPE_INT64, label=F.LABEL_REPEATED)
    tensor.field.add(name="tensor_type", number=2, type=F.TYPE_STRING, label=F.LABEL_REQUIRED)
    tensor.field.add(name="tensor_content", number=3, type=F.TYPE_BYTES, label=F.LABEL_REQUIRED)
    maptensor = fdp.message_type.add(name="MapTensorProto")
    maptensor.field.add(name="tensor", number=1, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
                        type_name=".TensorProto")
    ckpt = fdp.message_type.add(name="Checkpoint")
    value = ckpt.nested_type.add(name="Value")
    value.field.add(name="tag", number=1, type=F.TYPE_STRING, label=F.LABEL_REQUIRED)
    value.field.add(name="tensor", number=2, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                    type_name=".TensorProto")
    value.field.add(name="maptensor", number=3, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                    type_name=".MapTensorProto")
    ckpt.field.add(name="value", number=1, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
                   type_name=".Checkpoint.Value")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("Checkpoint"))


def network_values() -> list[tuple[str, str, np.ndarray]]:
    """(name, MindSpore tensor_type, value) in save order; append_dict last."""
    return [
        ("conv.weight", "Float32", (np.arange(54, dtype=np.float32) / 10).reshape(2, 3, 3, 3)),
        ("dense.weight", "Float16", (np.arange(12, dtype=np.float16) - 6).reshape(3, 4)),
        ("dense.bias", "Float32", np.array([0.5, -1.25, 3.0], np.float32)),
        ("emb", "BFloat16", np.array([[1.5, -2.0], [0.0078125, 256.0]], ml_dtypes.bfloat16)),
        ("steps", "Int32", np.array([1, -2, 2**31 - 1], np.int32)),
        ("mask", "Bool", np.array([True, False, True])),
        ("scale", "Float32", np.array(2.5, np.float32)),  # 0-d: dims []
        ("epoch_num", "Int64", np.array(7, np.int64)),  # append_dict int
        ("lr", "Float32", np.array(0.001, np.float32)),  # append_dict float: Float32
        ("note", "str", np.array("héllo wörld ✓")),  # append_dict str: 'U' = UTF-32LE
        ("flag", "Bool", np.array(True)),  # append_dict bool
    ]


def sliced_values() -> list[tuple[str, str, np.ndarray]]:
    return [("big", "Float32", (np.arange(60, dtype=np.float32) * 0.5).reshape(10, 6)),
            ("ids", "Int64", np.arange(7, dtype=np.int64) - 3)]


def _record(cls, name, type_, dims, content) -> bytes:
    msg = cls()
    value = msg.value.add()
    value.tag = name
    value.tensor.dims.extend(dims)
    value.tensor.tensor_type = type_
    value.tensor.tensor_content = content
    return msg.SerializeToString()


def ckpt_bytes(values, crc: bool = False, slicing: str | None = None, slice_bytes: int = 64,
               scalar_dims_zero: bool = False) -> bytes:
    cls = checkpoint_class()
    out, crc_num = [], 0
    for name, type_, value in values:
        if type_ == "str":
            records = [_record(cls, name, "str", [0], value.tobytes())]
        else:
            dims = list(value.shape) or ([0] if scalar_dims_zero else [])
            if slicing == "bytes" and value.nbytes > slice_bytes:
                raw = value.tobytes()
                pieces = [raw[i:i + slice_bytes] for i in range(0, len(raw), slice_bytes)]
            elif slicing == "rows" and value.nbytes > slice_bytes:
                pieces = [p.tobytes() for p in np.array_split(value, -(-value.nbytes // slice_bytes))]
            else:
                pieces = [value.tobytes()]
            records = [_record(cls, name, type_, dims, p) for p in pieces]
        for record in records:
            crc_num = binascii.crc32(record, crc_num)
            out.append(record)
    if crc:
        out.append(b"crc_num" + crc_num.to_bytes(10, byteorder="big"))
    return b"".join(out)


def safetensors_bytes() -> bytes:
    from safetensors.numpy import save

    tensors = {n: v for n, t, v in network_values() if t not in ("str", "BFloat16")}
    crc_num = 0
    for name in sorted(tensors):
        # MindSpore's exact code: bytes() of a 0-d int array is that many zero bytes.
        crc_num = binascii.crc32(bytes(name, encoding="utf-8"), crc_num)
        crc_num = binascii.crc32(bytes(tensors[name]), crc_num)
    return save(dict(sorted(tensors.items())), metadata={"format": "ms", "crc_num": str(crc_num)})


FILES = {
    "ms_net.ckpt": lambda: ckpt_bytes(network_values()),
    "ms_net_crc.ckpt": lambda: ckpt_bytes(network_values(), crc=True),
    "ms_sliced_bytes.ckpt": lambda: ckpt_bytes(sliced_values(), crc=True, slicing="bytes"),
    "ms_sliced_rows.ckpt": lambda: ckpt_bytes(sliced_values(), slicing="rows"),
    "ms_old_scalar.ckpt": lambda: ckpt_bytes([("scale", "Float32", np.array(2.5, np.float32))],
                                             scalar_dims_zero=True),
    "ms_net.safetensors": safetensors_bytes,
}

if __name__ == "__main__":
    for file_name, make in FILES.items():
        (HERE / file_name).write_bytes(make())
        print("wrote", file_name)
