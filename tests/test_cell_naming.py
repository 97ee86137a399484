"""MindSpore's parameter naming (issue 14): prefixes, ParameterTuple and list names,
renames checked against the tree."""

from __future__ import annotations

import numpy as np
import pytest

from gpuparam import Parameter, ParameterTuple, Tensor, nn


def _param(value=1.0, name=None):
    return Parameter(Tensor(np.full(2, value, np.float32)), name=name)


class SelfNamed(nn.Cell):
    """A cell that names its own parameter, as many MindSpore models do."""

    def __init__(self):
        super().__init__()
        self.w = _param(name="my_weight")


def test_a_parent_prefixes_all_parameters_of_its_children_given_names_included():
    top = SelfNamed()
    assert top.w.name == "my_weight"  # a cell that is not nested keeps the given name
    net = nn.Cell()
    net.a = SelfNamed()
    net.b = SelfNamed()  # two instances no longer collide
    assert [p.name for p in net.get_parameters()] == ["a.w", "b.w"]
    outer = nn.Cell()
    outer.net = net
    assert [p.name for p in outer.get_parameters()] == ["net.a.w", "net.b.w"]


class MyCell(nn.Cell):
    def __init__(self, forward_net, auto_prefix):
        super().__init__(auto_prefix=auto_prefix)
        self.net = forward_net

    def construct(self, x):
        return self.net(x)


def test_mindspore_cell_page_auto_prefix_false_is_the_parents_flag():
    # mindspore.nn.Cell's API page: with auto_prefix=False the name stays 'weight'.
    inner_net = nn.Conv2d(120, 240, 4, has_bias=False, weight_init='normal')
    my_net = MyCell(inner_net, auto_prefix=False)
    assert str(my_net.trainable_params()) == (
        "[Parameter (name=weight, shape=(240, 120, 4, 4), dtype=Float32, requires_grad=True)]")
    # "If the 'auto_prefix' set to True or not set ..., the parameter's name will be 'net.weight'."
    assert [p.name for p in MyCell(nn.Conv2d(120, 240, 4), True).get_parameters()] == ["net.weight"]
    # The child's own flag does not stop its parent from prefixing it.
    outer = nn.Cell()
    outer.my = MyCell(nn.Conv2d(1, 1, 1), auto_prefix=False)
    assert [p.name for p in outer.get_parameters()] == ["my.net.weight"]


def test_duplicate_full_names_that_remain_are_an_error():
    holder = nn.Cell(auto_prefix=False)
    holder.a = SelfNamed()
    with pytest.raises(ValueError, match="'my_weight'"):
        holder.b = SelfNamed()
    assert list(holder.name_cells()) == ["a"] and holder.a.w.name == "my_weight"


def test_unnamed_parameters_in_a_parameter_tuple_get_unique_names():
    a, b, named = _param(), _param(), _param(name="x")
    group = ParameterTuple([a, b, named, a])
    assert [p.name for p in group] == ["Parameter$1", "Parameter$2", "x", "Parameter$1"]
    with pytest.raises(ValueError, match="'x'"):
        ParameterTuple([named, _param(name="x")])
    lone = _param()
    assert ParameterTuple([lone, named])[0].name == "Parameter"


class Groups(nn.Cell):
    def __init__(self):
        super().__init__()
        self.tup = ParameterTuple([_param(), _param()])
        self.lst = [_param(), _param(name="named")]


def test_groups_in_a_cell_are_registered_with_mindspore_names():
    cell = Groups()
    assert [n for n, _ in cell.parameters_and_names()] == [
        "Parameter$1", "Parameter$2", "Parameter$3", "named"]
    assert isinstance(cell.tup, ParameterTuple) and isinstance(cell.lst, list)
    net = nn.Cell()
    net.g = cell
    assert [p.name for p in net.get_parameters()] == [
        "g.Parameter$1", "g.Parameter$2", "g.Parameter$3", "g.named"]
    assert list(net.parameters_dict()) == [p.name for p in net.get_parameters()]


def test_names_in_a_list_attribute_are_checked():
    cell = nn.Cell()
    cell.w = _param(name="dup")
    with pytest.raises(ValueError, match="'dup'"):
        cell.lst = [_param(name="dup")]
    with pytest.raises(ValueError, match="'twice'"):
        cell.other = (_param(name="twice"), _param(name="twice"))
    assert [n for n, _ in cell.parameters_and_names()] == ["w"]
    cell.ok = [cell.w, _param(name="fresh")]  # the same parameter again is shared
    assert [p.name for p in cell.get_parameters()] == ["dup", "fresh"]
    del cell.ok
    assert [p.name for p in cell.get_parameters()] == ["dup"]


def test_renaming_onto_a_name_another_parameter_holds_is_an_error():
    net = nn.Cell()
    net.a = SelfNamed()
    net.b = SelfNamed()
    with pytest.raises(ValueError, match="Parameter.name: .*'a.w'"):
        net.b.w.name = "a.w"
    assert net.b.w.name == "b.w"
    assert list(net.parameters_dict()) == ["a.w", "b.w"]
    net.b.w.name = "free"  # a free name is fine, and is seen by later checks
    with pytest.raises(ValueError, match="'free'"):
        net.c = _param(name="free")
    loose = _param(name="a.w")  # a parameter outside the tree may take any name
    assert loose.name == "a.w"


def test_a_rename_in_one_tree_is_checked_in_every_tree_holding_the_cell():
    shared = SelfNamed()
    first, second = nn.Cell(auto_prefix=False), nn.Cell(auto_prefix=False)
    first.s = shared
    second.s = shared
    second.other = _param(name="taken")
    with pytest.raises(ValueError, match="'taken'"):
        shared.w.name = "taken"


def test_update_parameters_name_and_check_names():
    net = nn.Cell()
    net.a = SelfNamed()
    net.update_parameters_name("model.")
    assert [p.name for p in net.get_parameters()] == ["model.a.w"]
    with pytest.raises(TypeError, match="update_parameters_name: `prefix` must be a str"):
        net.update_parameters_name(3)
    net.check_names()
    holder = nn.Cell()
    holder.x = _param(name="p")
    # A clash made behind the API's back is what check_names reports.
    holder._registry._params["y"] = _param(name="p")
    with pytest.raises(ValueError, match="check_names: the parameter at 'y' is named 'p'"):
        holder.check_names()


def test_weight_tying_shares_one_parameter():
    tied = _param()
    enc, dec = nn.Cell(), nn.Cell()
    enc.w = tied
    dec.w = tied
    model = nn.Cell()
    model.enc = enc
    model.dec = dec
    assert list(model.get_parameters()) == [tied]
    assert tied.name == "dec.w"  # the last prefix applied, as in MindSpore
    model.check_names()


def test_a_group_of_parameters_the_cell_already_holds_keeps_their_names():
    # The optimizer pattern: self.params = ParameterTuple(self.trainable_params()).
    class Optimizing(nn.Cell):
        def __init__(self):
            super().__init__()
            self.dense = nn.Dense(2, 2)
            self.w = _param()
            self.params = ParameterTuple(self.trainable_params())
            self.moments = self.params.clone(prefix="moments", init="zeros")

    cell = Optimizing()
    assert [p.name for p in cell.params] == ["w", "dense.weight", "dense.bias"]
    assert [p.name for p in cell.get_parameters()] == [
        "w", "dense.weight", "dense.bias", "moments.w", "moments.dense.weight",
        "moments.dense.bias"]
    cell.check_names()


def test_replacing_a_group_frees_its_names():
    cell = nn.Cell()
    cell.g = [_param(name="a"), _param(name="b")]
    cell.g = _param(name="a")  # the group leaves; its name 'a' may be taken again
    assert [p.name for p in cell.get_parameters()] == ["a"]
    cell.h = _param(name="b")
    cell.g = None
    cell.k = _param(name="a")
    assert [p.name for p in cell.get_parameters()] == ["b", "a"]


def test_a_deep_copy_gets_its_own_name_bookkeeping():
    import copy
    net = nn.Cell()
    net.inner = nn.Cell()
    clone = copy.deepcopy(net)
    assert clone.inner is not net.inner
    clone.inner.w = _param(name="x")
    with pytest.raises(ValueError, match="'x'"):
        clone.y = _param(name="x")  # the copy's root sees its copied child
    net.y = _param(name="x")  # the original tree is another tree
    assert [p.name for p in net.get_parameters()] == ["x"]


def test_naming_a_generated_name_again_keeps_other_trees_checked():
    a, b = _param(), _param()
    first = nn.Cell()
    first.group = ParameterTuple([a, b])  # a is 'Parameter$1' there
    second = nn.Cell()
    second.w = a  # a generated name is replaced, as MindSpore replaces its default
    assert a.name == "w"
    with pytest.raises(ValueError, match="'w'"):
        first.v = _param(name="w")  # first's index must know a's new name
