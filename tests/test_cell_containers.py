"""SequentialCell, CellList and CellDict with MindSpore's semantics (issue 14)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, nn


def _names(cell):
    return [p.name for p in cell.get_parameters()]


def test_mindspore_sequentialcell_page_example():
    conv = nn.Conv2d(3, 2, 3, pad_mode='valid', weight_init="ones")
    relu = nn.ReLU()
    seq = nn.SequentialCell([conv, relu])
    x = Tensor(np.ones([1, 3, 4, 4]), dtype=gpuparam.float32)
    output = seq(x)
    assert output.shape == (1, 2, 2, 2) and output.asnumpy().tolist() == [[[[27.0, 27.0], [27.0, 27.0]]] * 2]
    assert _names(seq) == ["0.weight"]


def test_sequentialcell_ordered_dict_append_insert():
    seq = nn.SequentialCell(OrderedDict([("dense", nn.Dense(2, 3)), ("act", nn.ReLU())]))
    assert list(seq.name_cells()) == ["dense", "act"] and _names(seq) == ["dense.weight", "dense.bias"]
    seq.append(nn.Dense(3, 1))
    assert list(seq.name_cells()) == ["dense", "act", "2"] and _names(seq)[-1] == "2.bias"
    seq.insert(0, nn.Dense(2, 2))
    assert list(seq.name_cells()) == ["0", "dense", "act", "3"]
    assert _names(seq) == ["0.weight", "0.bias", "dense.weight", "dense.bias", "3.weight", "3.bias"]
    out = seq(Tensor(np.ones((1, 2), np.float32)))
    assert out.shape == (1, 1)
    with pytest.raises(TypeError, match="SequentialCell: `args` must be a Cell"):
        nn.SequentialCell([nn.ReLU(), 3])
    with pytest.raises(TypeError, match="SequentialCell: `args`"):
        nn.SequentialCell({"a": nn.ReLU()})


def test_indexing_slicing_len_del():
    cells = [nn.Dense(2, 2) for _ in range(4)]
    net = nn.Cell()
    net.seq = nn.SequentialCell(cells)
    seq = net.seq
    assert len(seq) == 4 and seq[0] is cells[0] and seq[-1] is cells[3]
    with pytest.raises(IndexError, match=r"`index` must be in \[-4, 4\), got 4"):
        seq[4]
    with pytest.raises(TypeError, match="`index` must be an int or a slice"):
        seq["0"]
    part = seq[1:3]
    assert type(part) is nn.SequentialCell and list(part) == cells[1:3]
    assert cells[1].weight.name == "seq.1.weight"  # a slice does not rename
    del seq[1]
    assert list(seq) == [cells[0], cells[2], cells[3]] and list(seq.name_cells()) == ["0", "1", "2"]
    assert _names(net)[:6] == ["seq.0.weight", "seq.0.bias", "seq.1.weight", "seq.1.bias",
                               "seq.2.weight", "seq.2.bias"]
    del seq[0:2]
    assert list(seq) == [cells[3]] and cells[3].weight.name == "seq.0.weight"
    seq[0] = nn.Dense(2, 2)
    assert seq[0] is not cells[3] and _names(net) == ["seq.0.weight", "seq.0.bias"]
    with pytest.raises(TypeError, match=r"__setitem__: `index` must be an int, got"):
        seq[0:1] = nn.Dense(2, 2)
    with pytest.raises(TypeError, match=r"__setitem__: `index` must be an int, got"):
        seq[1.0] = nn.Dense(2, 2)


def test_celllist_append_extend_insert_del_in_a_model():
    class Model(nn.Cell):
        def __init__(self):
            super().__init__()
            self.layers = nn.CellList([nn.Dense(2, 2), nn.Dense(2, 2)])

    model = Model()
    assert _names(model) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    model.layers.append(nn.Dense(2, 2))
    assert _names(model)[-1] == "layers.2.bias"
    first = model.layers[0]
    model.layers.insert(0, nn.Dense(2, 2))
    assert model.layers[1] is first and first.weight.name == "layers.1.weight"
    assert len(model.layers) == 4 and _names(model)[-1] == "layers.3.bias"
    del model.layers[0]
    assert model.layers[0] is first and first.weight.name == "layers.0.weight"
    model.layers.extend([nn.ReLU()])
    model.layers += [nn.ReLU()]
    assert len(model.layers) == 5 and list(model.layers.name_cells()) == ["0", "1", "2", "3", "4"]
    with pytest.raises(TypeError, match="CellList.extend: `cells` must be a list of Cells"):
        model.layers.extend(nn.ReLU())
    with pytest.raises(TypeError, match="CellList.append: `cell` must be a Cell"):
        model.layers.append("relu")
    with pytest.raises(NotImplementedError, match="call them one by one"):
        model.layers(1)
    model.check_names()


def test_celllist_auto_prefix_false_keeps_names():
    dense = nn.Dense(2, 2)
    cl = nn.CellList([dense], auto_prefix=False)
    assert dense.weight.name == "weight"
    assert [c for c in cl] == [dense]


def test_celldict():
    d = nn.CellDict({"conv": nn.Conv2d(1, 2, 3)})
    d["head"] = nn.Dense(2, 2)
    assert list(d.keys()) == ["conv", "head"] and "head" in d and len(d) == 2
    assert d["head"].weight.name == "head.weight"
    net = nn.Cell()
    net.parts = d
    assert _names(net) == ["parts.conv.weight", "parts.head.weight", "parts.head.bias"]
    head = d.pop("head")
    assert list(d) == ["conv"] and isinstance(head, nn.Dense)
    del d["conv"]
    assert len(d) == 0
    with pytest.raises(KeyError):
        d["missing"]
    with pytest.raises(ValueError, match="CellDict.__setitem__: `key` must be a non-empty name"):
        d["a.b"] = nn.ReLU()
    with pytest.raises(ValueError, match="`key`"):
        d["keys"] = nn.ReLU()
    d.update([("x", nn.ReLU())])
    assert list(d.items())[0][0] == "x"
    d.clear()
    assert len(d) == 0


def test_celldict_takes_any_iterable_of_pairs_all_or_nothing():
    # As dict() and MindSpore's CellDict (issue 19): lists of two items, generators.
    relu, dense = nn.ReLU(), nn.Dense(2, 2)
    d = nn.CellDict([["act", relu], ("fc", dense)])
    assert d.items() == [("act", relu), ("fc", dense)] and _names(d) == ["fc.weight", "fc.bias"]
    d.update((name, cell) for name, cell in [("more", nn.ReLU())])
    assert d.keys() == ["act", "fc", "more"]
    with pytest.raises(ValueError, match=r"CellDict.update: `cells\[1\]` must be a \(name, cell\) "
                                         r"pair, got 3 items"):
        d.update([("a", nn.ReLU()), ("b", nn.ReLU(), 1)])
    with pytest.raises(TypeError, match=r"`cells\[0\]` must be a \(name, cell\) pair"):
        d.update([3])
    with pytest.raises(TypeError, match="`cells` must be a mapping or an iterable"):
        d.update(3)
    with pytest.raises(TypeError, match="`cells` must be a Cell"):
        d.update([("a", nn.ReLU()), ("b", 3)])
    assert d.keys() == ["act", "fc", "more"]  # nothing of a refused update was added
