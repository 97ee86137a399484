"""load_param_into_net's conversions and refusals (issue 23, items 2 and 8): MindSpore's
lenient dtype conversion without strict_load stays lenient only where every value fits,
and a str under a parameter's name is refused; either way nothing is loaded."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, nn
from gpuparam.common.initializer import initializer


class Net(nn.Cell):
    def __init__(self, dtype=gpuparam.float32):
        super().__init__()
        self.w = Parameter(initializer("zeros", (2, 2), dtype))
        self.b = Parameter(Tensor(np.zeros(2), dtype))


@pytest.mark.parametrize(("net_dtype", "source", "shown"), [
    (gpuparam.float32, np.array([1.0, 1e300]), r"1e\+300, outside the Float32 range"),
    (gpuparam.float16, np.array([1.0, 1e5], np.float32), r"100000.0, outside the Float16 range"),
    (gpuparam.int32, np.array([1, 2 ** 40], np.int64), r"1099511627776, outside the Int32 range"),
])
def test_a_conversion_that_would_overflow_loads_nothing(net_dtype, source, shown):
    net = Net(net_dtype)
    before = net.b.asnumpy()
    params = {"b": Parameter(Tensor(source), name="b"),
              "w": Parameter(Tensor(np.ones((2, 2)), net_dtype), name="w")}
    with pytest.raises(ValueError, match=r"^load_param_into_net: nothing was loaded; values do not "
                                         rf"fit the network's dtype for 1 parameter\(s\): 'b': .*{shown}"):
        gpuparam.load_param_into_net(net, params)
    np.testing.assert_array_equal(net.b.asnumpy(), before)  # no inf, no wrapped value
    assert net.w.has_init  # the parameter that would have fitted was not loaded either


def test_a_conversion_that_fits_stays_lenient():
    net = Net(gpuparam.float16)
    params = {"b": Parameter(Tensor(np.array([1 / 3, 65504.0])), name="b")}  # float64
    with pytest.warns(UserWarning, match=r"b Float64->Float16"):
        assert gpuparam.load_param_into_net(net, params) == (["w"], [])
    np.testing.assert_array_equal(net.b.asnumpy(), np.array([1 / 3, 65504.0], np.float16))


def test_load_checkpoint_into_a_net_refuses_the_overflow_too(tmp_path):
    path = str(tmp_path / "big.ckpt")
    gpuparam.save_checkpoint({"b": Tensor(np.array([1.0, 1e300])), "w": Tensor(np.ones((2, 2)))},
                             path)
    net = Net()
    with pytest.raises(ValueError, match=r"^load_checkpoint: nothing was loaded; .*'b': "
                                         r".*1e\+300, outside the Float32 range"):
        gpuparam.load_checkpoint(path, net=net)
    np.testing.assert_array_equal(net.b.asnumpy(), np.zeros(2))
    assert net.w.has_init


def test_a_lazy_source_that_needs_converting_is_checked_and_stays_lazy():
    net = Net(gpuparam.float16)
    lazy = Parameter(initializer("ones", (2,), gpuparam.float64), name="b")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the conversion warning
        gpuparam.load_param_into_net(net, {"b": lazy})
    assert lazy.has_init  # generated as a copy, to check and convert its values
    np.testing.assert_array_equal(net.b.asnumpy(), np.ones(2, np.float16))


def test_a_str_under_a_parameters_name_is_a_type_error_and_loads_nothing():
    net = Net()
    params = {"w": Parameter(Tensor(np.ones((2, 2), np.float32)), name="w"), "b": "epoch 3"}
    with pytest.raises(TypeError, match=r"^load_param_into_net: nothing was loaded; the dict's "
                                        r"'b' is a str \('epoch 3'\), not a Parameter or Tensor"):
        gpuparam.load_param_into_net(net, params)
    assert net.w.has_init
    # A str under any other name goes nowhere, as MindSpore's append_dict entries do.
    assert gpuparam.load_param_into_net(net, {"b": params["w"][0], "note": "x"}) == (["w"], ["note"])
