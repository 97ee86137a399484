"""nn.Cell: registration, naming, duplicate names, traversal, bulk materialization."""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, ParameterTuple, Tensor, nn
from gpuparam import dtype as mstype
from gpuparam.common.initializer import Normal, initializer
from gpuparam.nn._registry import Registry


def _param(value=1.0, name=None):
    return Parameter(Tensor(np.full(2, value, np.float32)), name=name)


class Block(nn.Cell):
    def __init__(self):
        super().__init__()
        self.weight = _param()
        self.bias = _param(0.0)


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.conv1 = Block()
        self.block = nn.SequentialCell(Block(), Block())
        self.scale = _param(2.0)


def test_parameter_names_follow_attribute_paths():
    net = Net()
    names = [name for name, _ in net.parameters_and_names()]
    assert names == ["scale", "conv1.weight", "conv1.bias", "block.0.weight", "block.0.bias",
                     "block.1.weight", "block.1.bias"]
    assert [p.name for p in net.get_parameters()] == names
    assert list(net.parameters_dict()) == names
    assert net.block[1].bias.name == "block.1.bias"


def test_name_prefix_and_expand():
    net = Net()
    assert [n for n, _ in net.parameters_and_names(name_prefix="net")][:2] == ["net.scale", "net.conv1.weight"]
    assert [n for n, _ in net.parameters_and_names(expand=False)] == ["scale"]


def test_user_names_are_kept():
    cell = nn.Cell()
    cell.w = _param(name="my_weight")
    assert cell.w.name == "my_weight"
    assert list(cell.parameters_dict()) == ["my_weight"]


def test_cells_and_names():
    net = Net()
    assert [n for n, _ in net.cells_and_names()] == ["", "conv1", "block", "block.0", "block.1"]
    assert len(net.cells()) == 2 and list(net.name_cells()) == ["conv1", "block"]


def test_trainable_and_untrainable():
    cell = nn.Cell()
    cell.a = _param()
    cell.b = Parameter(Tensor(np.ones(2, np.float32)), requires_grad=False)
    assert cell.trainable_params() == [cell.a] and cell.untrainable_params() == [cell.b]


def test_reassigning_a_parameter_attribute_to_a_non_tensor_raises():
    cell = Block()
    with pytest.raises(TypeError, match=r"Block.weight: `value` must be a Parameter, a Tensor"):
        cell.weight = [1.0, 2.0]
    assert isinstance(cell.weight, Parameter)
    cell.weight = _param(3.0)  # a Parameter replaces it
    assert cell.weight.asnumpy()[0] == 3.0 and cell.weight.name == "weight"


def test_two_parameters_with_one_full_name_raise_on_the_second():
    cell = nn.Cell()
    cell.a = _param(name="shared")
    with pytest.raises(ValueError, match="'shared'"):
        cell.b = _param(name="shared")
    assert [n for n, _ in cell.parameters_and_names()] == ["a"]
    outer = nn.Cell(auto_prefix=False)  # no prefixes: the children's names meet as they are
    first, second = nn.Cell(), nn.Cell()
    first.w = _param(name="w")
    second.w = _param(name="w")
    outer.first = first
    with pytest.raises(ValueError, match="'w'"):
        outer.second = second
    assert [c for c, _ in outer.cells_and_names()] == ["", "first"]


def test_the_same_parameter_twice_is_shared_not_duplicated():
    cell = nn.Cell()
    p = _param()
    cell.a = p
    cell.b = p
    assert list(cell.get_parameters()) == [p]


def test_parameter_tuple_attribute():
    cell = nn.Cell()
    cell.group = ParameterTuple([_param(name="x"), _param(name="y")])
    assert [n for n, _ in cell.parameters_and_names()] == ["x", "y"]
    assert isinstance(cell.group, ParameterTuple)


def test_insert_param_to_cell_validates():
    cell = nn.Cell()
    cell.insert_param_to_cell("w", _param())
    assert cell.w.name == "w"
    with pytest.raises(ValueError, match="`param_name` must be a non-empty name without '.'"):
        cell.insert_param_to_cell("a.b", _param())
    with pytest.raises(TypeError, match="`param` must be a Parameter"):
        cell.insert_param_to_cell("v", Tensor(1.0))
    cell.plain = 3
    with pytest.raises(ValueError, match="already used"):
        cell.insert_param_to_cell("plain", _param())


def test_construct_and_call():
    class Scale(nn.Cell):
        def __init__(self):
            super().__init__()
            self.w = _param(3.0)

        def construct(self, x):
            return x * self.w
    assert Scale()(Tensor(np.ones(2, np.float32))).tolist() == [3.0, 3.0]
    with pytest.raises(NotImplementedError, match="construct"):
        nn.Cell()(1)


def test_missing_super_init_is_a_clear_error():
    class Broken(nn.Cell):
        def __init__(self):
            self.w = _param()
    with pytest.raises(AttributeError, match=r"super\(\)\.__init__\(\)"):
        Broken()


def test_delattr_unregisters():
    cell = Block()
    del cell.bias
    assert [n for n, _ in cell.parameters_and_names()] == ["weight"]


def test_init_parameters_data_materializes_every_lazy_parameter(xp):
    class Lazy(nn.Cell):
        def __init__(self):
            super().__init__()
            self.a = Parameter(initializer(Normal(), (4, 4), mstype.float32))
            self.b = Parameter(initializer('zeros', (4,), mstype.float32))
    net = Lazy()
    assert all(p.has_init for p in net.get_parameters())
    result = net.init_parameters_data()
    assert not any(p.has_init for p in net.get_parameters())
    assert set(result) == set(net.get_parameters())


def test_page_002_traversal_reinitializes_by_name():
    gpuparam.set_seed(1)
    net = nn.Conv2d(3, 64, 3, has_bias=True)
    for name, param in net.parameters_and_names():
        if 'weight' in name:
            param.set_data(initializer(Normal(), param.shape, param.dtype))
        if 'bias' in name:
            param.set_data(initializer('zeros', param.shape, param.dtype))
    assert net.bias.asnumpy().tolist() == [0.0] * 64
    assert abs(float(net.weight.asnumpy().std()) - 0.01) < 0.002


def test_duplicate_check_sees_a_rename_made_after_registration():
    cell = nn.Cell()
    cell.a = _param()
    cell.a.name = "z"
    with pytest.raises(ValueError, match="'z'"):
        cell.b = _param(name="z")


def test_duplicate_check_sees_parameters_added_to_a_registered_child():
    outer, inner = nn.Cell(), nn.Cell()
    outer.inner = inner
    inner.w = _param(name="shared")
    with pytest.raises(ValueError, match="'shared'"):
        outer.v = _param(name="shared")


def test_names_freed_by_deletion_or_replacement_can_be_reused():
    cell = nn.Cell()
    cell.a = _param(name="n")
    del cell.a
    cell.b = _param(name="n")
    net = Net()
    net.conv1 = Block()  # the replacement takes the same names: no clash
    assert [n for n, _ in net.parameters_and_names()][:3] == ["scale", "conv1.weight", "conv1.bias"]


def test_building_a_deep_model_indexes_each_parameter_a_bounded_number_of_times(monkeypatch):
    # The duplicate-name check must not walk the whole tree on every insertion: count the
    # parameters traversed while building models of n and 2n blocks (linear: ratio ~2).
    # Every walk over parameters, the cells' and the name indexes', is the registry's.
    seen = []
    original = Registry.parameters_and_names

    def counting(self, *args, **kwargs):
        for item in original(self, *args, **kwargs):
            seen.append(1)
            yield item

    monkeypatch.setattr(Registry, "parameters_and_names", counting)
    counts = []
    for n in (100, 200):
        seen.clear()
        model = nn.SequentialCell([Block() for _ in range(n)])
        counts.append(len(seen))
        assert len(list(original(model._registry))) == 2 * n
    assert counts[1] <= 2.2 * counts[0], counts
