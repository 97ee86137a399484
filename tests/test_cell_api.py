"""Cell's structural API as MindSpore's (issue 14) and its rough edges (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, nn
from gpuparam.common.initializer import initializer


def _param(value=1.0, name=None):
    return Parameter(Tensor(np.full(2, value, np.float32)), name=name)


class Block(nn.Cell):
    def __init__(self):
        super().__init__()
        self.dense = nn.Dense(2, 2)
        self.scale = Parameter(Tensor(np.ones(2, np.float32)), requires_grad=False)

    def construct(self, x):
        return self.dense(x) * self.scale


def test_apply_visits_children_first_then_self():
    net = nn.Cell()
    net.block = Block()
    seen = []
    assert net.apply(lambda cell: seen.append(type(cell).__name__)) is net
    assert seen == ["Dense", "Block", "Cell"]
    with pytest.raises(TypeError, match="apply: `fn` must be a callable"):
        net.apply(3)


def test_insert_child_to_cell():
    # mindspore.nn.Cell.insert_child_to_cell's page: net1 = nn.ReLU(); net1.insert_child_to_cell("child", nn.Dense(2, 2))
    net1 = nn.ReLU()
    net1.insert_child_to_cell("child", nn.Dense(2, 2))
    assert net1.child.weight.name == "child.weight" and list(net1.name_cells()) == ["child"]
    with pytest.raises(ValueError, match="`child_name` must be a non-empty name without '.'"):
        net1.insert_child_to_cell("a.b", nn.ReLU())
    with pytest.raises(TypeError, match="`child_cell` must be a Cell"):
        net1.insert_child_to_cell("c", 3)
    net1.plain = 1
    with pytest.raises(ValueError, match="already used"):
        net1.insert_child_to_cell("plain", nn.ReLU())


def test_set_train_set_grad_and_flags():
    net = nn.Cell()
    net.block = Block()
    assert net.training is False and net.block.dense.training is False
    assert net.set_train() is net
    assert all(cell.training for _, cell in net.cells_and_names())
    net.set_train(False)
    assert not any(cell.training for _, cell in net.cells_and_names())
    with pytest.raises(TypeError, match="set_train: `mode` must be a bool"):
        net.set_train("yes")
    assert net.requires_grad is False and net.set_grad() is net and net.requires_grad is True
    net.add_flags(custom=3)
    assert net.custom == 3 and net.get_flags() == {"training": False, "custom": 3}


def test_traversal_and_parameter_lists():
    net = nn.Cell()
    net.block = Block()
    assert [n for n, _ in net.cells_and_names()] == ["", "block", "block.dense"]
    assert list(net.name_cells()) == ["block"] and net.cells() == [net.block]
    names = [p.name for p in net.get_parameters()]
    assert names == ["block.scale", "block.dense.weight", "block.dense.bias"]
    assert [p.name for p in net.trainable_params()] == names[1:]
    assert [p.name for p in net.untrainable_params()] == names[:1]
    assert net.trainable_params(recurse=False) == []


def test_parameters_broadcast_dict():
    net = nn.Cell()
    net.a = _param()
    net.b = Parameter(Tensor(np.ones(2, np.float32)), layerwise_parallel=True)
    assert list(net.parameters_broadcast_dict()) == ["a"]
    only_layerwise = nn.Cell()
    only_layerwise.b = Parameter(Tensor(np.ones(2, np.float32)), layerwise_parallel=True)
    assert only_layerwise.parameters_broadcast_dict() is None
    assert nn.Cell().parameters_broadcast_dict() is None


def test_to_float_casts_parameters_lazily_and_inputs():
    gpuparam.set_seed(3)
    net = nn.Dense(3, 2)
    assert net.weight.has_init
    expected = initializer(net.weight.init, net.weight.shape, gpuparam.float16)
    assert net.to_float(gpuparam.float16) is net
    assert net.weight.has_init and net.weight.dtype == gpuparam.float16
    out = net(Tensor(np.ones((1, 3), np.float32)))  # a Float32 input is cast on the way in
    assert out.dtype == gpuparam.float16
    assert net.bias.dtype == gpuparam.float16
    counter = nn.Cell()
    counter.n = Parameter(Tensor(np.array([1, 2], np.int32)))
    counter.f = Parameter(Tensor(np.array([0.5, 1.5], np.float32)))
    counter.to_float(gpuparam.float16)
    assert counter.n.dtype == gpuparam.int32  # only floating-point parameters are cast
    assert counter.f.dtype == gpuparam.float16 and counter.f.tolist() == [0.5, 1.5]
    with pytest.raises(ValueError, match="to_float: `dst_type` must be gpuparam.float16"):
        net.to_float(gpuparam.int32)
    assert expected.dtype == gpuparam.float16


def test_assigning_a_tensor_to_a_parameter_attribute_calls_set_data():
    block = Block()
    param = block.scale
    block.scale = Tensor(np.array([2.0, 3.0], np.float32))
    assert block.scale is param and param.tolist() == [2.0, 3.0]
    with pytest.raises(ValueError, match="set_data"):
        block.scale = Tensor(np.ones(3, np.float32))  # gpuparam's checks still apply
    with pytest.raises(TypeError, match=r"Block.scale: `value` must be a Parameter, a Tensor"):
        block.scale = "text"
    assert block.scale is param and param.tolist() == [2.0, 3.0]
    block.scale = None  # as MindSpore: the attribute is cleared, the parameter leaves
    assert block.scale is None and [n for n, _ in block.parameters_and_names()] == [
        "dense.weight", "dense.bias"]
    with pytest.raises(TypeError, match=r"Block.dense: `value` must be a Cell or None"):
        block.dense = 3


def test_parameters_and_cells_need_super_init_first_plain_attributes_do_not():
    class Early(nn.Cell):
        def __init__(self, value):
            self.flag = True  # plain attributes are fine before super().__init__()
            self.w = value
            super().__init__()

    with pytest.raises(AttributeError, match=r"call super\(\)\.__init__\(\) before assigning "
                                             r"the Parameter 'w'"):
        Early(_param())
    with pytest.raises(AttributeError, match="the Cell 'w'"):
        Early(nn.ReLU())
    assert Early(3).flag is True


def test_a_cell_cannot_contain_itself():
    a, b, c = nn.Cell(), nn.Cell(), nn.Cell()
    with pytest.raises(ValueError, match="a cell cannot contain itself"):
        a.me = a
    a.b = b
    b.c = c
    with pytest.raises(ValueError, match="contains this cell"):
        c.a = a
    assert c.cells() == [] and [n for n, _ in a.cells_and_names()] == ["", "b", "b.c"]
    del a.b
    c.a = a  # no longer a cycle
    assert c.cells() == [a]


def test_repr_is_safe_even_for_a_cycle_made_behind_the_apis_back():
    a = nn.Cell()
    a.b = nn.Cell()
    a.b._registry._children["back"] = a
    text = repr(a)
    assert "Cell<cycle>" in text


def test_attributes_named_like_cell_methods_are_refused_at_once():
    cell = nn.Cell()
    for name in ("construct", "cells", "apply", "set_train", "parameters_and_names"):
        with pytest.raises(ValueError, match=f"cannot be named '{name}': that is a Cell method"):
            setattr(cell, name, 1)
    with pytest.raises(ValueError, match="'cells'"):
        cell.insert_param_to_cell("cells", _param())
    assert callable(cell.cells) and cell.cells() == []


def test_forward_without_construct_says_so():
    class TorchStyle(nn.Cell):
        def forward(self, x):
            return x

    with pytest.raises(NotImplementedError, match="defines forward\\(\\) but not construct\\(\\)"):
        TorchStyle()(1)


def test_cells_in_plain_lists_or_dicts_are_refused_pointing_to_containers():
    cell = nn.Cell()
    with pytest.raises(TypeError, match=r"use nn.CellList\(\[...\]\)"):
        cell.layers = [nn.Dense(2, 2), nn.Dense(2, 2)]
    with pytest.raises(TypeError, match="nn.CellList"):
        cell.layers = (nn.ReLU(), nn.Dense(2, 2))
    with pytest.raises(TypeError, match=r"nn.CellDict"):
        cell.layers = {"a": nn.Dense(2, 2)}
    assert "layers" not in cell.__dict__
    cell.layers = nn.CellList([nn.Dense(2, 2)])
    assert [n for n, _ in cell.parameters_and_names()] == ["layers.0.weight", "layers.0.bias"]
    cell.sizes = [1, 2]  # lists without cells are plain attributes
    assert cell.sizes == [1, 2]
    cell.acts = (nn.ReLU(), nn.ReLU())  # parameter-free cells in a tuple: as in MindSpore
    x = Tensor(np.array([-1.0, 1.0], np.float32))
    for act in cell.acts:
        x = act(x)
    assert x.tolist() == [0.0, 1.0] and len(cell.cells()) == 1


def test_none_is_an_empty_child_or_parameter_slot_as_in_mindspore():
    # MindSpore 2.x's insert_child_to_cell / insert_param_to_cell take None (issue 19):
    # the attribute reads None, the slot stays registered and can be filled later.
    net = nn.Cell()
    net.insert_child_to_cell("head", None)
    net.insert_param_to_cell("scale", None)
    assert net.head is None and net.scale is None
    assert net.cells() == [] and list(net.parameters_and_names()) == []
    with pytest.raises(TypeError, match=r"Cell.head: `value` must be a Cell or None"):
        net.head = 3
    with pytest.raises(TypeError, match="the parameter slot is empty"):
        net.scale = Tensor(np.ones(2, np.float32))
    net.insert_child_to_cell("head", nn.Dense(2, 2))
    net.insert_param_to_cell("scale", _param())
    assert [n for n, _ in net.parameters_and_names()] == ["scale", "head.weight", "head.bias"]
    block = Block()
    block.dense = None  # an existing child: its slot stays, empty
    assert block.dense is None and block.cells() == []
    block.insert_child_to_cell("dense", nn.Dense(2, 2))
    assert block.dense.weight.name == "dense.weight"
    with pytest.raises(TypeError, match="`child_cell` must be a Cell or None"):
        net.insert_child_to_cell("other", 3)


def test_a_refused_insertion_leaves_every_tree_as_it_was():
    # issue 23, item 12: the child is already in another tree, where its renamed
    # parameter would clash; nothing may change in either tree.
    child = nn.Cell()
    child.w = _param()
    first = nn.Cell(auto_prefix=False)
    first.c = child
    first.other = _param(name="d.w")
    second = nn.Cell()
    with pytest.raises(ValueError, match="'d.w'"):
        second.insert_child_to_cell("d", child)
    with pytest.raises(ValueError, match="'d.w'"):
        second.d = child
    assert [p.name for p in first.get_parameters()] == ["d.w", "w"] and second.cells() == []
    first.check_names()
