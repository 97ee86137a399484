"""The naming rules of ``nn._registry.Registry`` on registries alone, without cells.

Each rule is MindSpore's (a never-named parameter takes its attribute name, children are
prefixed with their path, groups name theirs ``Parameter$<n>``, ``None`` is an empty
slot) or gpuparam's stricter one (no duplicate full name in any tree, and a refused
registration changes nothing anywhere).
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from gpuparam import Parameter, ParameterTuple, Tensor
from gpuparam.nn._registry import Registry


def _param(name=None):
    return Parameter(Tensor(np.ones(2, np.float32)), name=name)


def _names(registry):
    return [(path, p.name) for path, p in registry.parameters_and_names()]


def _tree(*paths):
    """A root with one child registry per name in ``paths``, each holding a parameter ``w``."""
    root = Registry("Root")
    for name in paths:
        child = Registry(name)
        child.set_parameter("w", _param())
        root.set_child(name, child)
    return root


def test_a_never_named_parameter_takes_its_attribute_name_a_named_one_keeps_its_own():
    reg = Registry()
    reg.set_parameter("weight", _param())
    reg.set_parameter("bias", _param(name="my_bias"))
    assert _names(reg) == [("weight", "weight"), ("bias", "my_bias")]
    assert reg.holds_parameter("weight") and reg.lookup("bias").name == "my_bias"


def test_a_child_is_prefixed_with_its_path_given_names_included():
    inner = Registry()
    inner.set_parameter("w", _param(name="given"))
    middle = Registry()
    middle.set_child("inner", inner)
    root = Registry()
    root.set_child("middle", middle)
    assert _names(root) == [("middle.inner.w", "middle.inner.w")]


def test_auto_prefix_off_keeps_the_childrens_names():
    child = Registry()
    child.set_parameter("w", _param(name="given"))
    root = Registry(auto_prefix=False)
    root.set_child("c", child)
    assert _names(root) == [("c.w", "given")]


def test_never_named_group_members_are_counted_per_registry():
    a, b, named = _param(), _param(), _param(name="x")
    reg = Registry()
    reg.set_group("first", ParameterTuple([a, named]))
    reg.set_group("second", [b])
    assert [a.name, named.name, b.name] == ["Parameter$1", "x", "Parameter$2"]
    other = Registry()
    other.set_group("g", [_param()])
    assert other.lookup("g")[0].name == "Parameter$1"  # another registry counts afresh


def test_a_clash_is_refused_and_changes_nothing():
    root = _tree("a", "b")
    before = _names(root)
    with pytest.raises(ValueError, match="Root: two different parameters would both be named 'a.w'"):
        root.set_parameter("extra", _param(name="a.w"))
    incoming = Registry()
    incoming.set_parameter("w", _param())
    incoming.set_parameter("v", _param(name="keep"))
    root.set_parameter("taken", _param(name="c.v"))
    with pytest.raises(ValueError, match="'c.v'"):
        root.set_child("c", incoming)
    assert _names(incoming) == [("w", "w"), ("v", "keep")]  # the incoming names are untouched
    assert _names(root) == [("taken", "c.v")] + before
    assert incoming.parents() == [] and "c" not in root.children


def test_a_child_held_by_another_tree_is_checked_there_too():
    # Renaming a shared child's parameters must not leave a duplicate in the other tree
    # (issue 23, item 12): the insertion is refused, and both trees stay as they were.
    child = Registry("Child")
    child.set_parameter("w", _param())
    first = Registry("First", auto_prefix=False)
    first.set_child("c", child)
    first.set_parameter("other", _param(name="d.w"))
    second = Registry("Second")
    with pytest.raises(ValueError, match="Second: .*'d.w'"):
        second.set_child("d", child)
    assert _names(first) == [("other", "d.w"), ("c.w", "w")]
    assert list(second.children) == [] and child.parents() == [first]
    first.check_names("First")


def test_a_registry_cannot_contain_itself():
    a, b = Registry("A"), Registry("B")
    with pytest.raises(ValueError, match="cannot hold A as 'me'"):
        a.set_child("me", a)
    a.set_child("b", b)
    with pytest.raises(ValueError, match="contains this cell"):
        b.set_child("a", a)
    assert list(b.children) == [] and a.parents() == []


def test_a_user_rename_is_checked_in_every_tree_holding_the_parameter():
    shared = Registry()
    shared.set_parameter("w", _param(name="mine"))
    first, second = Registry(auto_prefix=False), Registry(auto_prefix=False)
    first.set_child("s", shared)
    second.set_child("s", shared)
    second.set_parameter("taken", _param(name="taken"))
    param = shared.lookup("w")
    with pytest.raises(ValueError, match="Parameter.name: .*'taken'"):
        param.name = "taken"
    param.name = "free"
    with pytest.raises(ValueError, match="'free'"):
        first.set_parameter("v", _param(name="free"))  # first's cached index saw the rename


def test_none_is_an_empty_slot_and_releasing_frees_the_name():
    root = _tree("a")
    root.set_child("a", None)
    assert root.holds_child("a") and root.lookup("a") is None
    assert _names(root) == [] and list(root.unique_children()) == []
    assert [path for path, _ in root.walk(root)] == [""]
    root.set_parameter("p", _param(name="n"))
    root.set_parameter("p", None)
    assert root.holds_parameter("p") and root.lookup("p") is None and _names(root) == []
    root.set_parameter("q", _param(name="n"))  # the name left with the parameter
    assert root.release("q") and not root.release("q") and "q" not in root
    with pytest.raises(KeyError):
        root.lookup("q")


def test_walks_visit_each_node_and_each_parameter_once():
    tied = _param()
    shared = Registry()
    shared.set_parameter("w", tied)
    root = Registry(auto_prefix=False)
    root.set_child("x", shared)
    root.set_child("y", shared)
    root.set_parameter("t", tied)
    assert [path for path, _ in root.walk(root)] == ["", "x"]
    assert [path for path, _ in root.parameters_and_names()] == ["t"]
    assert list(root.unique_children()) == ["x"] and list(root.children) == ["x", "y"]
    assert [path for path, _ in root.parameters_and_names(expand=False)] == ["t"]


def test_set_children_reorders_and_renames_only_what_moves():
    root = _tree("0", "1")
    first, second = root.lookup("0"), root.lookup("1")
    root.set_children([("0", second, "0."), ("1", first, "1.")], keep=False)
    assert list(root.children) == ["0", "1"] and root.lookup("0") is second
    assert _names(root) == [("0.w", "0.w"), ("1.w", "1.w")]
    assert second.lookup("w").name == "0.w" and first.lookup("w").name == "1.w"
    root.set_children([("1", first, None)], keep=False)  # kept, not renamed
    assert _names(root) == [("1.w", "1.w")] and second.parents() == []


def test_rename_all_is_refused_whole_on_a_clash():
    root = _tree("a", "b")
    outer = Registry("Outer", auto_prefix=False)
    outer.set_child("root", root)
    outer.set_parameter("p", _param(name="m.a.w"))
    with pytest.raises(ValueError, match="update: .*'m.a.w'"):
        root.rename_all("update", "m.")
    assert _names(root) == [("a.w", "a.w"), ("b.w", "b.w")]
    root.rename_all("update", "model.")
    assert [name for _, name in _names(root)] == ["model.a.w", "model.b.w"]


@pytest.mark.parametrize("copier", [copy.deepcopy, lambda r: pickle.loads(pickle.dumps(r))],
                         ids=["deepcopy", "pickle"])
def test_a_copy_gets_its_own_bookkeeping(copier):
    root = _tree("a")
    clone = copier(root)
    child = clone.lookup("a")
    assert child is not root.lookup("a") and child.parents() == [clone]
    assert _names(clone) == _names(root)
    child.set_parameter("v", _param(name="x"))
    with pytest.raises(ValueError, match="'x'"):
        clone.set_parameter("y", _param(name="x"))  # the copy's index sees its child
    root.set_parameter("y", _param(name="x"))  # the original is another tree
    with pytest.raises(ValueError, match="'a.w'"):
        clone.set_parameter("z", _param(name="a.w"))
