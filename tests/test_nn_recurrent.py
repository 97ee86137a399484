"""nn.LSTM, nn.GRU, nn.RNN and nn.LSTMCell, nn.GRUCell, nn.RNNCell.

Checked against (a) what MindSpore 2.10 itself recorded (tests/data/mindspore/layers.json
and layers_forward.npz: parameters in registration order, attributes, forward outputs;
and the LSTM sentiment network of nets/, whole); (b) float64 loops written here from
MindSpore's rnn_cells.py/rnns.py, with valid lengths done MindSpore's way (reverse the
sequence within its length, run forward with masks, reverse back), independent of the
library's backwards stepping; (c) torch.nn.LSTM/GRU/RNN and their cells with the same
weights (the gate orders agree; packed sequences for the lengths); (d) bad input.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, nn

DATA = Path(__file__).resolve().parent / "data" / "mindspore"
LAYERS = json.loads((DATA / "layers.json").read_text())["layers"]
CLASSES = ("LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell")
VARIANTS = sorted(k for k, v in LAYERS.items() if v["class"] in CLASSES)
MODES = {"LSTM": nn.LSTM, "GRU": nn.GRU, "RNN_TANH": nn.RNN, "RNN_RELU": nn.RNN}


@pytest.fixture(scope="module")
def forward_data() -> dict[str, np.ndarray]:
    with np.load(DATA / "layers_forward.npz") as z:
        return {k: z[k] for k in z.files}


def _build(key: str) -> nn.Cell:
    entry = LAYERS[key]
    return getattr(nn, entry["class"])(**entry["kwargs"])


def _inputs(key: str, data: dict[str, np.ndarray]) -> list:
    """The recorded inputs, ``0``, ``1`` or ``1.0``/``1.1`` (a tuple), as Tensors."""
    out: list = []
    for name, _, _ in LAYERS[key]["forward"]["eval"]["inputs"]:
        value = Tensor(data[f"{key}/input/{name}"])
        if "." in name:
            index = int(name.split(".")[0])
            if len(out) == index:
                out.append(())
            out[index] = out[index] + (value,)
        else:
            out.append(value)
    return out


def _flat(value, prefix: str = "") -> dict[str, np.ndarray]:
    if isinstance(value, (tuple, list)):
        out: dict[str, np.ndarray] = {}
        for i, v in enumerate(value):
            out.update(_flat(v, f"{prefix}.{i}" if prefix else str(i)))
        return out
    return {prefix: value.asnumpy()}


# ------------------------------------------------------------- (a) MindSpore's records

def test_every_recurrent_class_has_recorded_variants():
    assert {LAYERS[k]["class"] for k in VARIANTS} == set(CLASSES)
    assert len(VARIANTS) == 31


@pytest.mark.parametrize("key", VARIANTS)
def test_parameters_match_mindspore(key):
    cell = _build(key)
    got = [[name, list(p.shape), str(p.dtype), bool(p.requires_grad)]
           for name, p in cell.parameters_and_names()]
    assert got == LAYERS[key]["parameters"]
    assert [p.name for p in cell.get_parameters()] == [p[0] for p in LAYERS[key]["parameters"]]


@pytest.mark.parametrize("key", VARIANTS)
def test_attributes_and_children_match_mindspore(key):
    cell, entry = _build(key), LAYERS[key]
    for name, want in entry["attributes"].items():
        got = getattr(cell, name)
        if "value" in want and want["type"] != "ParameterTuple":
            assert got == want["value"] and type(got).__name__ == want["type"], name
        elif want["type"] == "ParameterTuple":
            assert isinstance(got, gpuparam.ParameterTuple), name
            assert all(f"name={p.name}," in want.get("repr", "") for p in got[:1]), name
            assert (len(got) == 0) == (want.get("value") == []), name
        elif want["type"] == "Primitive":
            assert type(got).__name__ == want["class"], name
    assert [[n, type(c).__name__] for n, c in cell.cells_and_names() if n] == entry["children"]


@pytest.mark.parametrize("key", VARIANTS)
def test_default_init_lies_within_one_over_sqrt_hidden(key):
    cell = _build(key)
    bound = 1 / math.sqrt(LAYERS[key]["kwargs"]["hidden_size"])
    for name, p in cell.parameters_and_names():
        assert np.abs(p.asnumpy()).max() <= bound, name


@pytest.mark.parametrize("cls", CLASSES)
def test_default_init_is_uniform_over_all_parameters(cls):
    cell = getattr(nn, cls)(24, 16)
    values = np.concatenate([p.asnumpy().ravel() for p in cell.get_parameters()]).astype(np.float64)
    bound, n = 0.25, values.size
    assert n >= 16 * 40 and np.abs(values).max() <= bound and np.abs(values).max() > 0.99 * bound
    # mean 0 and variance bound**2 / 3 of U(-bound, bound), within 5 standard errors
    assert abs(values.mean()) < 5 * bound / math.sqrt(3 * n)
    assert abs(values.var() - bound ** 2 / 3) < 5 * bound ** 2 * math.sqrt(4 / 45 / n)
    counts = np.histogram(values, bins=8, range=(-bound, bound))[0]
    assert (np.abs(counts - n / 8) < 5 * math.sqrt(n / 8)).all()


@pytest.mark.parametrize("key", VARIANTS)
def test_forward_matches_mindspore(key, forward_data):
    cell = _build(key)
    for name, p in cell.parameters_and_names():
        p.set_data(Tensor(forward_data[f"{key}/param/{name}"]))
    cell.set_train(False)
    out = cell(*_inputs(key, forward_data))
    got = _flat(out if isinstance(out, tuple) else [out])  # as the recorder flattened it
    want = LAYERS[key]["forward"]["eval"]["outputs"]
    assert sorted(got) == sorted(want)
    for name, (shape, dtype) in want.items():
        expected = forward_data[f"{key}/eval/output/{name}"]
        assert got[name].shape == tuple(shape) and str(got[name].dtype) == dtype
        # MindSpore's own rounding differs up to 2e-5 (tools/mindspore_layer_notes.md)
        np.testing.assert_allclose(got[name], expected, rtol=1e-4, atol=1e-5, err_msg=name)


def test_the_lstm_sentiment_network_gives_mindspores_output(tmp_path, monkeypatch):
    source = DATA / "nets" / "src" / "lstm_sentiment" / "src" / "lstm.py"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "__init__.py").write_text("")
    (tmp_path / "src" / "lstm.py").write_text(source.read_text().replace("mindspore", "gpuparam"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "src", raising=False)
    monkeypatch.delitem(sys.modules, "src.lstm", raising=False)
    from src.lstm import SentimentNet
    record = json.loads((DATA / "nets" / "lstm_sentiment.json").read_text())
    net = SentimentNet(vocab_size=50, embed_size=8, num_hiddens=8, num_layers=2,
                       bidirectional=True, num_classes=2,
                       weight=Tensor(np.zeros((50, 8), np.float32)), batch_size=2)
    assert [[n, p.name, list(p.shape), str(p.dtype), p.requires_grad]
            for n, p in net.parameters_and_names()] == record["parameters"]
    assert gpuparam.load_param_into_net(
        net, gpuparam.load_checkpoint(str(DATA / "nets" / "lstm_sentiment.ckpt"))) == ([], [])
    net.set_train(False)
    with np.load(DATA / "nets" / "lstm_sentiment.npz") as z:
        out = net(Tensor(z["input.0"])).asnumpy()
        np.testing.assert_allclose(out, z["output.0"], rtol=1e-5, atol=1e-6)


# ------------------------------------------------------- (b) float64 loops from the spec

def _sig(v):
    return 1 / (1 + np.exp(-v))


def _ref_step(mode, x, h, c, w_ih, w_hh, b_ih, b_hh):
    gi, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
    n = h.shape[1]
    if mode == "LSTM":
        g = gi + gh
        c = _sig(g[:, n:2 * n]) * c + _sig(g[:, :n]) * np.tanh(g[:, 2 * n:3 * n])
        return _sig(g[:, 3 * n:]) * np.tanh(c), c
    if mode == "GRU":
        r, z = _sig(gi[:, :n] + gh[:, :n]), _sig(gi[:, n:2 * n] + gh[:, n:2 * n])
        new = np.tanh(gi[:, 2 * n:] + r * gh[:, 2 * n:])
        return (1 - z) * new + z * h, None
    return (np.tanh(gi + gh) if mode == "RNN_TANH" else np.maximum(gi + gh, 0)), None


def _reverse_within(x, lengths):
    out = x.copy()
    for b, n in enumerate(lengths):
        out[:n, b] = x[:n, b][::-1]
    return out


def _ref_direction(mode, x, h, c, w, lengths):
    outs = np.zeros(x.shape[:2] + (h.shape[1],))
    for t in range(x.shape[0]):
        h_new, c_new = _ref_step(mode, x[t], h, c, *w)
        for b in range(x.shape[1]):
            if t < lengths[b]:
                h[b] = h_new[b]
                outs[t, b] = h_new[b]
                if c is not None:
                    c[b] = c_new[b]
    return outs, h, c


def _reference(mode, params, x, h0, c0, layers, directions, lengths):
    """MindSpore's _stacked_(bi_)dynamic_rnn with _DynamicRNNBase.variable_recurrent."""
    lengths = [x.shape[0]] * x.shape[1] if lengths is None else list(lengths)
    h_n, c_n, layer_in = [], [], x
    for layer in range(layers):
        outs = []
        for d in range(directions):
            suffix = f"l{layer}" + ("_reverse" if d else "")
            w = [params[f"{k}_{suffix}"] if f"{k}_{suffix}" in params else 0.0
                 for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            k = layer * directions + d
            src = _reverse_within(layer_in, lengths) if d else layer_in
            out, h, c = _ref_direction(mode, src, h0[k].copy(),
                                       None if c0 is None else c0[k].copy(), w, lengths)
            outs.append(_reverse_within(out, lengths) if d else out)
            h_n.append(h)
            c_n.append(c)
        layer_in = np.concatenate(outs, axis=-1)
    return layer_in, np.stack(h_n), (np.stack(c_n) if c0 is not None else None)


def _net(mode, **kwargs):
    cls = MODES[mode]
    if mode.startswith("RNN"):
        kwargs["nonlinearity"] = mode[4:].lower()
    return cls(**kwargs)


CONFIGS = [dict(num_layers=1), dict(num_layers=2, bidirectional=True),
           dict(num_layers=3, has_bias=False, batch_first=True),
           dict(num_layers=2, bidirectional=True, batch_first=True)]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
@pytest.mark.parametrize("with_lengths", [False, True], ids=["full", "lengths"])
def test_float64_layers_equal_a_float64_loop(xp, mode, config, with_lengths):
    rng = np.random.default_rng(7)
    steps, batch, size, hidden = 6, 3, 5, 4
    net = _net(mode, input_size=size, hidden_size=hidden, dtype=gpuparam.float64, **config)
    params = {}
    for name, p in net.parameters_and_names():
        params[name] = rng.normal(0, 0.6, p.shape)
        p.set_data(Tensor(params[name]))
    directions = 2 if config.get("bidirectional") else 1
    layers = config["num_layers"]
    x = rng.standard_normal((steps, batch, size))
    h0 = rng.standard_normal((layers * directions, batch, hidden))
    c0 = rng.standard_normal(h0.shape) if mode == "LSTM" else None
    lengths = np.array([6, 2, 4], np.int64) if with_lengths else None
    want = _reference(mode, params, x, h0, c0, layers, directions, lengths)
    xin = x.transpose(1, 0, 2) if config.get("batch_first") else x
    hx = (Tensor(h0), Tensor(c0)) if mode == "LSTM" else Tensor(h0)
    got = net(Tensor(xin), hx, None if lengths is None else Tensor(lengths))
    output, states = got[0].asnumpy(), got[1]
    if config.get("batch_first"):
        output = output.transpose(1, 0, 2)
    assert got[0].dtype == gpuparam.float64
    np.testing.assert_allclose(output, want[0], rtol=1e-12, atol=1e-12)
    if mode == "LSTM":
        np.testing.assert_allclose(states[0].asnumpy(), want[1], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(states[1].asnumpy(), want[2], rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_allclose(states.asnumpy(), want[1], rtol=1e-12, atol=1e-12)
    if with_lengths:  # past its length a sequence outputs zeros
        assert not output[2:, 1].any() and not output[4:, 2].any()


@pytest.mark.parametrize("mode", list(MODES))
def test_float32_and_float16_layers_round_the_same_recurrence(mode):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 2, 3))
    nets = {dt: _net(mode, input_size=3, hidden_size=4, num_layers=2, bidirectional=True, dtype=dt)
            for dt in (gpuparam.float64, gpuparam.float32, gpuparam.float16)}
    values = {name: rng.normal(0, 0.5, p.shape) for name, p in nets[gpuparam.float64].parameters_and_names()}
    outs = {}
    for dt, net in nets.items():
        for name, p in net.parameters_and_names():
            p.set_data(Tensor(values[name].astype(dt.numpy_dtype)))
        outs[dt] = net(Tensor(x.astype(dt.numpy_dtype)))[0]
        assert outs[dt].dtype == dt
    exact = outs[gpuparam.float64].asnumpy()
    np.testing.assert_allclose(outs[gpuparam.float32].asnumpy(), exact, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs[gpuparam.float16].asnumpy(), exact, rtol=0, atol=4e-3)


@pytest.mark.parametrize("name, mode", [("LSTMCell", "LSTM"), ("GRUCell", "GRU"),
                                        ("RNNCell", "RNN_TANH"), ("RNNCell", "RNN_RELU")])
@pytest.mark.parametrize("has_bias", [True, False])
def test_cells_equal_one_step_of_the_loop(xp, name, mode, has_bias):
    rng = np.random.default_rng(11)
    kwargs = {"nonlinearity": mode[4:].lower()} if name == "RNNCell" else {}
    cell = getattr(nn, name)(5, 3, has_bias=has_bias, dtype=gpuparam.float64, **kwargs)
    w = {}
    for pname, p in cell.parameters_and_names():
        w[pname] = rng.normal(0, 0.6, p.shape)
        p.set_data(Tensor(w[pname]))
    x, h, c = rng.standard_normal((4, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    want = _ref_step(mode, x, h, c if mode == "LSTM" else None, w["weight_ih"], w["weight_hh"],
                     w.get("bias_ih", 0.0), w.get("bias_hh", 0.0))
    if mode == "LSTM":
        got = cell(Tensor(x), (Tensor(h), Tensor(c)))
        np.testing.assert_allclose(got[1].asnumpy(), want[1], rtol=1e-13, atol=1e-13)
        got = got[0]
    else:
        got = cell(Tensor(x), Tensor(h))
    np.testing.assert_allclose(got.asnumpy(), want[0], rtol=1e-13, atol=1e-13)


def test_hx_defaults_to_zeros():
    net = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    x = Tensor(np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32))
    zeros = Tensor(np.zeros((4, 2, 4), np.float32))
    a, (h_a, c_a) = net(x)
    b, (h_b, c_b) = net(x, (zeros, zeros))
    assert np.array_equal(a.asnumpy(), b.asnumpy()) and np.array_equal(c_a.asnumpy(), c_b.asnumpy())
    assert np.array_equal(h_a.asnumpy(), h_b.asnumpy())
    gru = nn.GRU(3, 4)
    assert np.array_equal(gru(x)[1].asnumpy(), gru(x, Tensor(np.zeros((1, 2, 4), np.float32)))[1].asnumpy())


def test_full_lengths_equal_no_lengths_and_a_zero_length_keeps_the_initial_state():
    rng = np.random.default_rng(1)
    net = nn.GRU(3, 4, bidirectional=True)
    x = Tensor(rng.standard_normal((5, 2, 3)).astype(np.float32))
    h0 = Tensor(rng.standard_normal((2, 2, 4)).astype(np.float32))
    full, h_full = net(x, h0)
    same, h_same = net(x, h0, Tensor(np.array([5, 5], np.int32)))
    assert np.array_equal(full.asnumpy(), same.asnumpy()) and np.array_equal(h_full.asnumpy(), h_same.asnumpy())
    out, h_n = net(x, h0, Tensor(np.array([0, 5], np.int64)))
    assert not out.asnumpy()[:, 0].any()
    assert np.array_equal(h_n.asnumpy()[:, 0], h0.asnumpy()[:, 0])


# --------------------------------------------------------------- dropout between layers

class _Recorder(nn.Cell):
    """Stands in for dropout_op: records what it is given, returns zeros."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def construct(self, x):
        self.seen.append(x.asnumpy())
        return Tensor(np.zeros(x.shape, x.asnumpy().dtype))


def test_dropout_applies_between_layers_only_while_training():
    rng = np.random.default_rng(2)
    net = nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    x = Tensor(rng.standard_normal((5, 2, 3)).astype(np.float32))
    eval_out = net(x)[0].asnumpy()
    net.dropout_op = recorder = _Recorder()
    assert np.array_equal(net(x)[0].asnumpy(), eval_out) and recorder.seen == []
    net.set_train(True)
    out, (h_n, _) = net(x)
    assert len(recorder.seen) == 1 and recorder.seen[0].shape == (5, 2, 4)
    np.testing.assert_allclose(recorder.seen[0][-1], h_n.asnumpy()[0], rtol=1e-6)  # layer 0's output
    # layer 1 ran on zeros: the same as a one-layer LSTM with layer 1's weights on zeros
    single = nn.LSTM(4, 4)
    for mine, theirs in zip(single.get_parameters(),
                            [net.w_ih_list[1], net.w_hh_list[1], net.b_ih_list[1], net.b_hh_list[1]]):
        mine.set_data(Tensor(theirs.asnumpy()))
    want = single(Tensor(np.zeros((5, 2, 4), np.float32)))[0].asnumpy()
    np.testing.assert_allclose(out.asnumpy(), want, rtol=1e-6, atol=1e-7)


def test_training_dropout_is_reproducible_after_set_seed_and_one_layer_is_untouched():
    x = Tensor(np.random.default_rng(4).standard_normal((5, 2, 3)).astype(np.float32))
    outs = []
    for _ in range(2):
        gpuparam.set_seed(5)
        net = nn.GRU(3, 4, num_layers=2, dropout=0.5).set_train(True)
        outs.append(net(x)[0].asnumpy())
        eval_out = net.set_train(False)(x)[0].asnumpy()
    assert np.array_equal(outs[0], outs[1]) and not np.allclose(outs[0], eval_out)
    one = nn.RNN(3, 4, dropout=0.5)
    assert np.array_equal(one.set_train(True)(x)[0].asnumpy(), one.set_train(False)(x)[0].asnumpy())


def test_default_values_follow_the_seed_and_the_creation_order():
    gpuparam.set_seed(9)
    a = nn.LSTM(3, 4, bidirectional=True)
    gpuparam.set_seed(9)
    b = nn.LSTM(3, 4, bidirectional=True)
    for (name, p), (_, q) in zip(a.parameters_and_names(), b.parameters_and_names()):
        assert np.array_equal(p.asnumpy(), q.asnumpy()), name
    values = [p.asnumpy() for p in a.get_parameters()]
    assert not np.array_equal(values[0], values[1])  # weight_ih_l0 and weight_ih_l0_reverse


# ---------------------------------------------------------------- (c) against PyTorch

@pytest.fixture(scope="module")
def torch():
    from torch_launch import import_torch
    return import_torch()


def _torch_layer(torch, mode, net, **kwargs):
    cls = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}.get(mode, torch.nn.RNN)
    if mode.startswith("RNN"):
        kwargs["nonlinearity"] = mode[4:].lower()
    layer = cls(**kwargs, dtype=torch.float64)
    with torch.no_grad():
        for name, p in net.parameters_and_names():  # MindSpore's names are PyTorch's
            getattr(layer, name).copy_(torch.from_numpy(p.asnumpy().astype(np.float64)))
    return layer


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("batch_first", [False, True])
def test_layers_equal_torch(torch, mode, batch_first):
    kwargs = dict(input_size=5, hidden_size=4, num_layers=2, bidirectional=True,
                  batch_first=batch_first)
    net = _net(mode, **kwargs)
    ref = _torch_layer(torch, mode, net, **kwargs)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 6, 5) if batch_first else (6, 2, 5)).astype(np.float32)
    h0 = rng.standard_normal((4, 2, 4)).astype(np.float32)
    c0 = rng.standard_normal((4, 2, 4)).astype(np.float32)
    if mode == "LSTM":
        out, (h, c) = net(Tensor(x), (Tensor(h0), Tensor(c0)))
        t_out, (t_h, t_c) = ref(torch.from_numpy(x).double(),
                                (torch.from_numpy(h0).double(), torch.from_numpy(c0).double()))
        np.testing.assert_allclose(c.asnumpy(), t_c.detach().numpy(), rtol=1e-5, atol=1e-6)
    else:
        out, h = net(Tensor(x), Tensor(h0))
        t_out, t_h = ref(torch.from_numpy(x).double(), torch.from_numpy(h0).double())
    np.testing.assert_allclose(out.asnumpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.asnumpy(), t_h.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", list(MODES))
def test_lengths_equal_torch_packed_sequences(torch, mode):
    kwargs = dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
    net = _net(mode, **kwargs)
    ref = _torch_layer(torch, mode, net, **kwargs)
    x = np.random.default_rng(6).standard_normal((7, 3, 3)).astype(np.float32)
    lengths = np.array([3, 7, 1], np.int32)
    packed = torch.nn.utils.rnn.pack_padded_sequence(torch.from_numpy(x).double(),
                                                     torch.from_numpy(lengths).long(),
                                                     enforce_sorted=False)
    t_out, t_state = ref(packed)
    t_out = torch.nn.utils.rnn.pad_packed_sequence(t_out, total_length=7)[0].detach().numpy()
    out, state = net(Tensor(x), None, Tensor(lengths))
    np.testing.assert_allclose(out.asnumpy(), t_out, rtol=1e-5, atol=1e-6)
    if mode == "LSTM":
        np.testing.assert_allclose(state[1].asnumpy(), t_state[1].detach().numpy(), rtol=1e-5, atol=1e-6)
        state, t_state = state[0], t_state[0]
    np.testing.assert_allclose(state.asnumpy(), t_state.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, mode", [("LSTMCell", "LSTM"), ("GRUCell", "GRU"),
                                        ("RNNCell", "RNN_RELU")])
def test_cells_equal_torch(torch, name, mode):
    kwargs = {"nonlinearity": "relu"} if name == "RNNCell" else {}
    cell = getattr(nn, name)(5, 3, **kwargs)
    ref = getattr(torch.nn, name)(5, 3, dtype=torch.float64, **kwargs)
    with torch.no_grad():
        for pname, p in cell.parameters_and_names():
            getattr(ref, pname).copy_(torch.from_numpy(p.asnumpy().astype(np.float64)))
    rng = np.random.default_rng(8)
    x, h, c = (rng.standard_normal(s).astype(np.float32) for s in ((4, 5), (4, 3), (4, 3)))
    tx, th, tc = (torch.from_numpy(a).double() for a in (x, h, c))
    if mode == "LSTM":
        got, want = cell(Tensor(x), (Tensor(h), Tensor(c))), ref(tx, (th, tc))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.asnumpy(), w.detach().numpy(), rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(cell(Tensor(x), Tensor(h)).asnumpy(),
                                   ref(tx, th).detach().numpy(), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ (d) bad arguments

@pytest.mark.parametrize("call, exc, words", [
    (lambda: nn.LSTM(3, 4, dropout=0), TypeError, ["LSTM", "`dropout`", "a float"]),
    (lambda: nn.GRU(3, 4, dropout=1.0), ValueError, ["GRU", "`dropout`", "[0, 1)"]),
    (lambda: nn.RNN(3, 0), ValueError, ["RNN", "`hidden_size`", ">= 1"]),
    (lambda: nn.RNN(3.0, 4), TypeError, ["RNN", "`input_size`", "an int"]),
    (lambda: nn.LSTM(3, 4, num_layers=0), ValueError, ["LSTM", "`num_layers`"]),
    (lambda: nn.LSTM(3, 4, has_bias=1), TypeError, ["LSTM", "`has_bias`", "a bool"]),
    (lambda: nn.GRU(3, 4, batch_first="yes"), TypeError, ["GRU", "`batch_first`"]),
    (lambda: nn.GRU(3, 4, bidirectional=None), TypeError, ["GRU", "`bidirectional`"]),
    (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError, ["RNN", "`nonlinearity`", "'relu'"]),
    (lambda: nn.LSTM(3, 4, dtype=gpuparam.int32), TypeError, ["LSTM", "`dtype`"]),
    (lambda: nn.RNNCell(3, 4, nonlinearity="gelu"), ValueError, ["RNNCell", "`nonlinearity`"]),
    (lambda: nn.GRUCell(3, 4, has_bias="no"), TypeError, ["GRUCell", "`has_bias`"]),
    (lambda: nn.LSTMCell(0, 4), ValueError, ["LSTMCell", "`input_size`"]),
])
def test_constructor_errors(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert all(w in str(info.value) for w in words), str(info.value)


def _f32(*shape):
    return Tensor(np.zeros(shape, np.float32))


@pytest.mark.parametrize("call, exc, words", [
    (lambda: nn.LSTM(3, 4)(np.zeros((5, 2, 3), np.float32)), TypeError, ["LSTM", "`x`", "a Tensor"]),
    (lambda: nn.LSTM(3, 4)(_f32(5, 2, 2)), ValueError, ["LSTM", "`x`", "input_size=3", "(5, 2, 2)"]),
    (lambda: nn.GRU(3, 4)(_f32(2, 3)), ValueError, ["GRU", "`x`", "(seq_len, batch, input_size)"]),
    (lambda: nn.GRU(3, 4, batch_first=True)(_f32(2, 3)), ValueError, ["(batch, seq_len, input_size)"]),
    (lambda: nn.GRU(3, 4)(Tensor(np.zeros((5, 2, 3)))), TypeError, ["GRU", "Float64", "Float32"]),
    (lambda: nn.LSTM(3, 4)(_f32(5, 2, 3), _f32(1, 2, 4)), TypeError, ["LSTM", "`hx`", "tuple"]),
    (lambda: nn.LSTM(3, 4)(_f32(5, 2, 3), (_f32(1, 2, 4),)), TypeError, ["LSTM", "`hx`"]),
    (lambda: nn.LSTM(3, 4)(_f32(5, 2, 3), (_f32(1, 2, 4), _f32(2, 2, 4))), ValueError,
     ["LSTM", "`hx[1]`", "(1, 2, 4)", "(2, 2, 4)"]),
    (lambda: nn.RNN(3, 4, bidirectional=True)(_f32(5, 2, 3), _f32(1, 2, 4)), ValueError,
     ["RNN", "`hx`", "(2, 2, 4)"]),
    (lambda: nn.RNN(3, 4)(_f32(5, 2, 3), Tensor(np.zeros((1, 2, 4), np.float16))), TypeError,
     ["RNN", "`hx`", "Float16"]),
    (lambda: nn.GRU(3, 4)(_f32(5, 2, 3), None, Tensor(np.array([1.0, 2.0], np.float32))),
     TypeError, ["GRU", "`seq_length`", "Int32 or Int64"]),
    (lambda: nn.GRU(3, 4)(_f32(5, 2, 3), None, Tensor(np.array([1, 2, 3], np.int32))),
     ValueError, ["GRU", "`seq_length`", "(2,)"]),
    (lambda: nn.GRU(3, 4)(_f32(5, 2, 3), None, Tensor(np.array([1, 6], np.int32))),
     ValueError, ["GRU", "`seq_length`", "[0, 5]"]),
    (lambda: nn.LSTMCell(3, 4)(_f32(2, 3), _f32(2, 4)), TypeError, ["LSTMCell", "`hx`", "tuple"]),
    (lambda: nn.LSTMCell(3, 4)(_f32(2, 3), (_f32(2, 4), _f32(3, 4))), ValueError,
     ["LSTMCell", "`hx[1]`", "(2, 4)"]),
    (lambda: nn.GRUCell(3, 4)(_f32(2, 2), _f32(2, 4)), ValueError, ["GRUCell", "`x`", "input_size=3"]),
    (lambda: nn.RNNCell(3, 4)(_f32(2, 3), "h"), TypeError, ["RNNCell", "`hx`", "a Tensor"]),
    (lambda: nn.RNNCell(3, 4)(_f32(2, 3), Tensor(np.zeros((2, 4)))), TypeError, ["RNNCell", "Float64"]),
])
def test_call_errors(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert all(w in str(info.value) for w in words), str(info.value)


def test_a_refused_call_changes_nothing():
    net = nn.LSTM(3, 4, num_layers=2)
    before = [p.asnumpy().copy() for p in net.get_parameters()]
    x = Tensor(np.ones((5, 2, 3), np.float32))
    first = net(x)[0].asnumpy()
    with pytest.raises(ValueError):
        net(x, (_f32(2, 2, 4), _f32(1, 2, 4)))
    assert all(np.array_equal(a, p.asnumpy()) for a, p in zip(before, net.get_parameters()))
    assert np.array_equal(net(x)[0].asnumpy(), first)


def test_to_float_runs_the_layer_in_float16():
    net = nn.GRU(3, 4).to_float(gpuparam.float16)
    out, h = net(Tensor(np.ones((5, 2, 3), np.float32)))
    assert out.dtype == gpuparam.float16 and h.dtype == gpuparam.float16
    assert all(p.dtype == gpuparam.float16 for p in net.get_parameters())
