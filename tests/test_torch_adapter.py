"""gpuparam.torch in one process: keys, fill_, patch_nn_init, init_module_, bfloat16, CUDA.

Every value is compared with gpuparam's own draw for the same key (``init._generate``),
never with numbers written here; torch's scale formulas are checked against torch's own
functions by the distribution of what they draw. Sharded models and DTensors across
world sizes are in test_torch_distributed.py.
"""

from __future__ import annotations

import fnmatch
import math
import warnings

import numpy as np
import pytest
from scipy import stats

import torch_launch

torch = torch_launch.import_torch()
from torch import nn  # noqa: E402

import gpuparam  # noqa: E402
import gpuparam.torch as gpt  # noqa: E402
from gpuparam import _dtype  # noqa: E402
from gpuparam._initializer import from_name  # noqa: E402
from gpuparam.common.initializer import (Constant, HeUniform, Initializer, Normal,  # noqa: E402
                                         Orthogonal, Sparse, TruncatedNormal, Uniform,
                                         XavierUniform)
from gpuparam.torch import _write  # noqa: E402

import torch_model  # noqa: E402

NP = {torch.float16: np.float16, torch.float32: np.float32, torch.float64: np.float64}
INITS = [Normal(0.02), TruncatedNormal(0.5, a=-1.0, b=1.0), Uniform(0.3), HeUniform(),
         XavierUniform(), Constant(-1.5), Sparse(0.25, 0.1)]


def gpuparam_values(init: Initializer, shape: tuple[int, ...], dtype: torch.dtype,
                    key: tuple[int, int]) -> np.ndarray:
    """gpuparam's own whole tensor for ``key``, as raw bits for bfloat16."""
    if dtype is torch.bfloat16:
        return init._generate(shape, _dtype.bfloat16, key, None).view(np.uint16)
    return init._generate(shape, NP[dtype], key, None)


def raw(tensor: torch.Tensor) -> np.ndarray:
    if tensor.dtype is torch.bfloat16:
        return tensor.detach().view(torch.int16).numpy().view(np.uint16)
    return tensor.detach().numpy()


def same_bits(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, a.shape, b.dtype, b.shape)
    assert a.tobytes() == b.tobytes()


# --------------------------------------------------------------------------- keys

def test_keys_depend_on_the_name_and_seed_only():
    key = gpt.key_for("layers.0.attn.wq.weight", 1234)
    assert isinstance(key, tuple) and len(key) == 2 and all(0 <= w < 2**64 for w in key)
    assert key == gpt.key_for("layers.0.attn.wq.weight", 1234)
    gpuparam.set_seed(5)  # gpuparam's global seed and creation count play no part
    assert key == gpt.key_for("layers.0.attn.wq.weight", 1234)
    others = {gpt.key_for("layers.0.attn.wq.weight", 1235), gpt.key_for("layers.0.attn.wk.weight", 1234),
              gpt.key_for("layers.0.attn.wq.weight", 1234 + 2**32), key}
    assert len(others) == 4
    # torch's wrappers (torch.compile, activation checkpointing, FSDP1) do not change a key
    assert gpt.key_for("_orig_mod.layers.0._checkpoint_wrapped_module.attn.wq.weight", 1234) == key


@pytest.mark.parametrize(("args", "kind", "text"), [
    ((3, 1), TypeError, "key_for: `fqn` must be a str"),
    (("", 1), ValueError, "key_for: `fqn` must be a non-empty parameter name"),
    (("w", 1.0), TypeError, "key_for: `seed` must be an int"),
    (("w", -1), ValueError, "key_for: `seed` must be an int in [0, 2**64)"),
    (("w", 2**64), ValueError, "key_for: `seed` must be an int in [0, 2**64)"),
])
def test_key_for_errors(args, kind, text):
    with pytest.raises(kind) as info:
        gpt.key_for(*args)
    assert text in str(info.value)


def test_two_build_orders_give_the_same_values_per_name():
    models = [torch_model.single(reverse=r) for r in (False, True)]
    names = [[n for n, _ in m.named_parameters()] for m in models]
    assert names[0] != names[1] and sorted(names[0]) == sorted(names[1])  # another order
    for model in models:
        with torch.no_grad(), gpt.patch_nn_init(model, seed=7, strict=True):
            model.init_weights()
    first, second = (dict(m.named_parameters()) for m in models)
    for name in names[0]:
        assert torch.equal(first[name], second[name]), name
    other = torch_model.single()
    with torch.no_grad(), gpt.patch_nn_init(other, seed=8):
        other.init_weights()
    assert not torch.equal(other.output.weight, first["output.weight"])


# --------------------------------------------------------------------------- fill_

@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64, torch.bfloat16],
                         ids=str)
@pytest.mark.parametrize("init", INITS, ids=repr)
def test_fill_writes_gpuparams_values_in_place(init, dtype):
    shape, key = (9, 6), gpt.key_for("w", 3)
    tensor = torch.empty(shape, dtype=dtype)
    pointer = tensor.data_ptr()
    assert gpt.fill_(tensor, init, key=key) is tensor
    assert tensor.data_ptr() == pointer
    same_bits(raw(tensor), gpuparam_values(init, shape, dtype, key))
    # every part alone, as the shard of a larger tensor
    for rows, cols in [(slice(2, 5), slice(0, 6)), (slice(8, 9), slice(1, 4)), (slice(3, 3), slice(0, 6))]:
        part = torch.empty((rows.stop - rows.start, cols.stop - cols.start), dtype=dtype)
        gpt.fill_(part, init, key=key, global_shape=shape, global_offset=(rows.start, cols.start))
        same_bits(raw(part), raw(tensor)[rows, cols])


def test_fill_takes_names_numbers_and_parameters():
    key = gpt.key_for("w", 0)
    param = nn.Parameter(torch.empty(4, 5))
    gpt.fill_(param, "he_normal", key=key)  # a Parameter that requires grad
    same_bits(raw(param), gpuparam_values(gpuparam.common.initializer.HeNormal(), (4, 5),
                                          torch.float32, key))
    assert param.requires_grad and param.grad_fn is None
    gpt.fill_(param, 0.5, key=key)
    assert torch.equal(param, torch.full((4, 5), 0.5))


def test_a_strided_view_is_filled_in_place():
    base = torch.zeros(6, 8)
    view = base[:, ::2].t()  # (4, 6), not contiguous
    key = gpt.key_for("v", 1)
    gpt.fill_(view, Normal(1.0), key=key)
    same_bits(np.ascontiguousarray(raw(view)), gpuparam_values(Normal(1.0), (4, 6), torch.float32, key))
    assert torch.all(base[:, 1::2] == 0)


def test_large_tensors_are_drawn_in_pieces_with_the_same_values(monkeypatch):
    key = gpt.key_for("big", 2)
    for shape, init in [((7, 5, 3), Normal(0.1)), ((33,), Uniform(0.5)), ((4, 50), HeUniform())]:
        for dtype in (torch.float32, torch.bfloat16):
            whole = gpt.fill_(torch.empty(shape, dtype=dtype), init, key=key)
            calls: list[object] = []
            original = type(init)._generate
            with monkeypatch.context() as patch:
                patch.setattr(_write, "SCRATCH_BYTES", 24)  # 3 float64 or 6 float32 values
                patch.setattr(type(init), "_generate",
                              lambda self, *args: (calls.append(args[3]), original(self, *args))[1])
                pieces = gpt.fill_(torch.empty(shape, dtype=dtype), init, key=key)
            assert len(calls) > 3, calls  # really drawn in pieces
            same_bits(raw(pieces), raw(whole))


@pytest.mark.parametrize(("call", "kind", "text"), [
    (lambda k: gpt.fill_(np.zeros(3), "zeros", key=k), TypeError, "fill_: `tensor` must be a torch.Tensor"),
    (lambda k: gpt.fill_(torch.empty(3, dtype=torch.int32), "zeros", key=k), TypeError, "torch.int32"),
    (lambda k: gpt.fill_(torch.empty(3), "zeros", key=(1, 2, 3)), TypeError, "`key` must be a tuple of two ints"),
    (lambda k: gpt.fill_(torch.empty(3), "zeros", key=(1, -2)), ValueError, "two ints in [0, 2**64)"),
    (lambda k: gpt.fill_(torch.empty(3), "nromal", key=k), ValueError, "Did you mean 'normal'"),
    (lambda k: gpt.fill_(torch.empty(3), object(), key=k), TypeError, "`init` must be a gpuparam Initializer"),
    (lambda k: gpt.fill_(torch.empty(3), "he_uniform", key=k), ValueError, "at least 2 dimensions"),
    (lambda k: gpt.fill_(torch.empty(3, device="meta"), "zeros", key=k), ValueError, "to_empty"),
    (lambda k: gpt.fill_(torch.empty(2, 3), "zeros", key=k, global_shape=(4, 3)), ValueError,
     "`global_offset` is missing"),
    (lambda k: gpt.fill_(torch.empty(2, 3), "zeros", key=k, global_shape=(4, 3), global_offset=(3, 0)),
     ValueError, "dimension(s) [0] reach past it"),
    (lambda k: gpt.fill_(torch.empty(2, 3), "zeros", key=k, global_shape=(4,), global_offset=(0,)),
     ValueError, "as the local tensor has 2 dimensions"),
    (lambda k: gpt.fill_(torch.empty(2, 3), Orthogonal(), key=k, global_shape=(4, 3),
                         global_offset=(0, 0)), ValueError, "whole_per_rank=True"),
    (lambda k: gpt.fill_(torch.empty(2, 3, dtype=torch.float16), Normal(1e5), key=k), ValueError,
     "small enough for every value to be finite"),
])
def test_fill_refuses_bad_input_and_changes_nothing(call, kind, text):
    with pytest.raises(kind) as info:
        call(gpt.key_for("w", 0))
    assert text in str(info.value)


def test_a_bad_fill_leaves_the_tensor_as_it_was():
    tensor = torch.full((2, 3), 7.0)
    with pytest.raises(ValueError):
        gpt.fill_(tensor, Orthogonal(), key=gpt.key_for("w", 0), global_shape=(4, 3), global_offset=(0, 0))
    assert torch.equal(tensor, torch.full((2, 3), 7.0))


def test_whole_per_rank_computes_the_whole_and_keeps_the_slice():
    key = gpt.key_for("q", 0)
    whole = gpt.fill_(torch.empty(8, 6, dtype=torch.float64), Orthogonal(), key=key)
    np.testing.assert_allclose(raw(whole).T @ raw(whole), np.eye(6), atol=1e-12)
    part = torch.empty(3, 6, dtype=torch.float64)
    with pytest.warns(UserWarning, match=r"computes the whole \(8, 6\) tensor"):
        gpt.fill_(part, Orthogonal(), key=key, global_shape=(8, 6), global_offset=(5, 0),
                  whole_per_rank=True)
    same_bits(raw(part), raw(whole)[5:])


# --------------------------------------------------------------------------- bfloat16

def test_bfloat16_rounding_is_ml_dtypes_correctly_rounded_cast():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    rng = np.random.default_rng(0)
    values = rng.standard_normal(200_000) * 10.0 ** rng.integers(-45, 39, 200_000)
    # exact ties and their neighbours, where a double rounding through float32 goes wrong
    bits = rng.integers(0, 0x7F7F, 20_000).astype(np.uint32)
    ties = ((bits << 16) | 0x8000).view(np.float32).astype(np.float64)
    edges = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 3.39e38, 3.3961e38, 3.4e38, 1e39,
                      2.0 ** -133, 2.0 ** -134, 1e-300, 1 + 2 ** -8 + 2 ** -30, 1 + 2 ** -8 - 2 ** -60])
    wide = np.concatenate([values, ties, -ties, np.nextafter(ties, 0), np.nextafter(ties, np.inf), edges])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # ml_dtypes' own overflow warning
        expected = wide.astype(ml_dtypes.bfloat16).view(np.uint16)
    same_bits(_write.bfloat16_bits(wide), expected)


# --------------------------------------------------------------------------- patch_nn_init

def test_patch_nn_init_fills_a_models_parameters_with_gpuparams_values():
    model = torch_model.single()
    pointers = {n: p.data_ptr() for n, p in model.named_parameters()}
    with torch.no_grad(), gpt.patch_nn_init(model, seed=3, strict=True) as filled:
        model.init_weights()
    assert set(filled) == set(pointers)
    assert filled["output.weight"].startswith("trunc_normal_ -> TruncatedNormal(")
    for name, param in model.named_parameters():
        assert param.data_ptr() == pointers[name]
    std = torch_model.DIM ** -0.5
    expected = TruncatedNormal(std, 0.0, -3 * std, 3 * std)._generate(
        (torch_model.VOCAB, torch_model.DIM), np.float32, gpt.key_for("output.weight", 3), None)
    same_bits(raw(model.output.weight), expected)
    # nn.Linear's own reset_parameters: kaiming_uniform_(a=sqrt(5)) on the weight
    bound = 1 / math.sqrt(torch_model.DIM)  # what torch's formula gives for a=sqrt(5)
    assert float(model.proj.weight.detach().abs().max()) <= bound
    assert torch.equal(model.layers["0"].attention_norm.weight, torch.ones(torch_model.DIM))


def _torch_and_ours(name: str, shape: tuple[int, ...], *args, **kwargs):
    torch.manual_seed(0)
    theirs = getattr(nn.init, name)(torch.empty(shape), *args, **kwargs)
    holder = nn.Module()
    holder.w = nn.Parameter(torch.empty(shape))
    with gpt.patch_nn_init(holder, seed=1, strict=True):
        getattr(nn.init, name)(holder.w, *args, **kwargs)
    return theirs.detach().numpy().ravel(), holder.w.detach().numpy().ravel()


@pytest.mark.parametrize(("name", "args", "kwargs"), [
    ("uniform_", (-0.3, 0.7), {}), ("normal_", (0.5, 0.02), {}),
    ("trunc_normal_", (), {"mean": 0.1, "std": 0.5, "a": -0.4, "b": 0.9}),
    ("xavier_uniform_", (), {"gain": 2.0}), ("xavier_normal_", (0.5,), {}),
    ("kaiming_uniform_", (), {"a": math.sqrt(5)}),
    ("kaiming_normal_", (), {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_uniform_", (), {"nonlinearity": "tanh"}),
])
def test_each_function_draws_from_torchs_distribution_with_torchs_scale(name, args, kwargs):
    theirs, ours = _torch_and_ours(name, (192, 8, 3, 3), *args, **kwargs)
    assert not np.array_equal(theirs, ours)  # another generator ...
    assert stats.ks_2samp(theirs, ours).pvalue > 1e-3  # ... the same distribution


def test_structured_functions_keep_their_structure():
    _, sparse = _torch_and_ours("sparse_", (40, 30), 0.3, std=0.1)
    assert ((sparse.reshape(40, 30) == 0).sum(axis=0) == math.ceil(0.3 * 40)).all()
    _, ortho = _torch_and_ours("orthogonal_", (6, 10), gain=2.0)
    np.testing.assert_allclose(ortho.reshape(6, 10) @ ortho.reshape(6, 10).T, 4 * np.eye(6), atol=1e-5)
    _, eye = _torch_and_ours("eye_", (3, 5))
    assert np.array_equal(eye.reshape(3, 5), np.eye(3, 5, dtype=np.float32))
    theirs, dirac = _torch_and_ours("dirac_", (6, 4, 3, 3), 2)
    assert np.array_equal(theirs, dirac)
    theirs, const = _torch_and_ours("constant_", (4, 2), 0.25)
    assert np.array_equal(theirs, const)


def test_other_tensors_fall_through_to_torch_unchanged():
    layer = nn.Linear(4, 3)
    originals = {name: getattr(nn.init, name) for name in ("normal_", "kaiming_uniform_")}
    with warnings.catch_warnings(record=True) as caught, gpt.patch_nn_init(layer, seed=0):
        warnings.simplefilter("always")
        assert nn.init.normal_ is not originals["normal_"]
        torch.manual_seed(11)
        inside = nn.init.normal_(torch.empty(50))
        view = nn.init.normal_(layer.weight[:1])  # a slice is not the parameter: torch's
    torch.manual_seed(11)
    assert torch.equal(inside, nn.init.normal_(torch.empty(50)))
    assert view.shape == (1, 4)
    assert all(getattr(nn.init, name) is fn for name, fn in originals.items())  # restored
    assert any("2 parameter(s) of Linear were not filled" in str(w.message) for w in caught)


def test_unfilled_parameters_are_named_and_strict_raises():
    model = nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4))
    with pytest.warns(UserWarning, match=r"\['1.weight', '1.bias'\]"):
        with gpt.patch_nn_init(model, seed=0):
            model[0].reset_parameters()
    with pytest.raises(RuntimeError, match=r"2 parameter\(s\) of Sequential were not filled"):
        with gpt.patch_nn_init(model, seed=0, strict=True):
            model[0].reset_parameters()
    with gpt.patch_nn_init(model, seed=0, strict=True) as filled:  # fill_ counts as filled
        model[0].reset_parameters()
        gpt.fill_(model[1].weight, "ones", key=gpt.key_for("1.weight", 0))
        nn.init.zeros_(model[1].bias.data)  # .data shares the parameter's memory
    assert filled["1.weight"] == "fill_" and filled["1.bias"].startswith("zeros_")


def test_tied_parameters_are_filled_once_under_their_first_name():
    model = nn.Module()
    model.embed = nn.Embedding(7, 3)
    model.head = nn.Linear(3, 7, bias=False)
    model.head.weight = model.embed.weight
    with gpt.patch_nn_init(model, seed=2, strict=True) as filled:
        nn.init.normal_(model.head.weight, std=0.5)
    assert list(filled) == ["embed.weight"]
    same_bits(raw(model.embed.weight),
              Normal(0.5)._generate((7, 3), np.float32, gpt.key_for("embed.weight", 2), None))


def test_a_failure_inside_the_block_names_the_parameter_and_restores_torch():
    with torch.device("meta"):
        model = nn.Linear(3, 2)
    original = nn.init.kaiming_uniform_
    with pytest.raises(ValueError, match=r"parameter 'weight' is on the meta device.*to_empty"):
        with gpt.patch_nn_init(model, seed=0):
            model.reset_parameters()
    assert nn.init.kaiming_uniform_ is original
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"torch.nn.init.kaiming_uniform_ on parameter 'weight' "
                                         r"\(2, 3\): Mode fan_sideways not supported"):
        with gpt.patch_nn_init(layer, seed=0):
            nn.init.kaiming_uniform_(layer.weight, mode="fan_sideways")


def test_zero_element_kaiming_warns_as_torch_does():
    holder = nn.Module()
    holder.w = nn.Parameter(torch.empty(0, 3))
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        with gpt.patch_nn_init(holder, seed=0, strict=True):
            nn.init.kaiming_uniform_(holder.w)


@pytest.mark.parametrize(("args", "kind", "text"), [
    ((object(), 1), TypeError, "patch_nn_init: `module` must be a torch.nn.Module"),
    ((nn.Linear(2, 2), 1.5), TypeError, "`seed` must be an int"),
    ((nn.Linear(2, 2), -1), ValueError, "`seed` must be an int in [0, 2**64)"),
])
def test_patch_nn_init_checks_its_arguments(args, kind, text):
    with pytest.raises(kind) as info:
        with gpt.patch_nn_init(*args):
            pass
    assert text in str(info.value)


# --------------------------------------------------------------------------- init_module_

def test_init_module_fills_by_pattern_first_match_wins():
    model = torch_model.single()
    chosen = gpt.init_module_(model, torch_model.PLAN, seed=4)
    assert list(chosen) == [n for n, _ in model.named_parameters()]
    assert chosen["layers.0.attention.wo.bias"] == "Zero()"        # "*.bias" before "*"
    assert chosen["layers.1.attention.wo.weight"] == "Constant(value=0.125)"
    assert chosen["norm.weight"] == "One()"
    for name, param in model.named_parameters():
        spec = next(v for k, v in torch_model.PLAN.items() if fnmatch.fnmatchcase(name, k))
        init = Constant(spec) if isinstance(spec, float) else from_name(spec)
        same_bits(raw(param), gpuparam_values(init, tuple(param.shape), torch.float32,
                                              gpt.key_for(name, 4)))


def test_init_module_refuses_unmatched_parameters_before_writing_any():
    model = nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4))
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(ValueError, match=r"match no pattern of `plan` \['\*.weight'\]: \['0.bias', '1.bias'\]"):
        gpt.init_module_(model, {"*.weight": "ones"}, seed=0)
    with pytest.raises(ValueError, match="parameter '1.weight'.*at least 2 dimensions"):
        gpt.init_module_(model, {"*.bias": "zeros", "*": "xavier_uniform"}, seed=0)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    with pytest.raises(TypeError, match="`plan` must be a dict"):
        gpt.init_module_(model, [("*", "zeros")], seed=0)


# --------------------------------------------------------------------------- layering

def test_importing_gpuparam_never_imports_torch():
    import subprocess
    import sys
    from child_env import child_env
    code = ("import sys, gpuparam, gpuparam.communication, gpuparam.parallel, gpuparam.train\n"
            "print('torch' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=child_env(), timeout=60, check=False)
    assert proc.returncode == 0 and proc.stdout.split() == ["False"], proc.stderr


def test_only_gpuparam_torch_and_the_torch_engine_import_torch():
    import ast
    from pathlib import Path
    root = Path(gpuparam.__file__).parent
    importers, torch_users = [], []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
        names += [node.module or "" for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and not node.level]
        relative = path.relative_to(root).as_posix()
        if any(n == "torch" or n.startswith("torch.") for n in names):
            importers.append(relative)
        if any(n.startswith("gpuparam.torch") for n in names) or (
                not relative.startswith("torch/") and "from ..torch" in path.read_text()):
            torch_users.append(relative)
    assert all(p.startswith("torch/") or p == "communication/_torch_engine.py" for p in importers), importers
    assert torch_users == [], torch_users


# --------------------------------------------------------------------------- the switch

def test_require_torch_turns_the_skip_into_a_failure(monkeypatch):
    monkeypatch.setattr(torch_launch, "_missing", lambda: "PyTorch is not installed")
    monkeypatch.setenv(torch_launch.REQUIRE_VAR, "1")
    with pytest.raises(pytest.fail.Exception, match="GPUPARAM_REQUIRE_TORCH=1 but PyTorch is not"):
        torch_launch.import_torch()
    monkeypatch.delenv(torch_launch.REQUIRE_VAR)
    with pytest.raises(pytest.skip.Exception, match="PyTorch is not installed"):
        torch_launch.import_torch()


# --------------------------------------------------------------------------- CUDA

def _cuda() -> None:
    if not torch.cuda.is_available():
        pytest.skip("this torch has no usable CUDA device")


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.bfloat16], ids=str)
def test_cuda_tensors_get_the_cpu_values_in_place(dtype):
    _cuda()
    key = gpt.key_for("w", 9)
    from gpuparam import _backend
    with _backend.use_backend("cupy"):
        for init in (Normal(0.02), Uniform(0.5), HeUniform(), TruncatedNormal(1.0, a=-1, b=1)):
            cpu = gpt.fill_(torch.empty(300, 70, dtype=dtype), init, key=key)
            gpu = torch.empty(300, 70, dtype=dtype, device="cuda")
            pointer = gpu.data_ptr()
            torch.cuda.synchronize()
            allocated = torch.cuda.memory_allocated()
            gpt.fill_(gpu, init, key=key)
            torch.cuda.synchronize()
            assert torch.cuda.memory_allocated() == allocated  # nothing beyond CuPy's scratch
            assert gpu.data_ptr() == pointer
            assert torch.equal(gpu.cpu().view(torch.int16), cpu.view(torch.int16)), repr(init)


@pytest.mark.gpu
def test_cuda_model_under_patch_nn_init_equals_the_cpu_model():
    _cuda()
    from gpuparam import _backend
    cpu, gpu = torch_model.single(), torch_model.single().cuda()
    with _backend.use_backend("cupy"):
        for model in (cpu, gpu):
            with torch.no_grad(), gpt.patch_nn_init(model, seed=5, strict=True):
                model.init_weights()
    for (name, a), (_, b) in zip(cpu.named_parameters(), gpu.named_parameters()):
        assert torch.equal(a, b.cpu()), name


@pytest.mark.gpu
def test_cuda_tensors_need_the_cupy_backend():
    _cuda()
    from gpuparam import _backend
    with _backend.use_backend("numpy"), pytest.raises(RuntimeError, match="device_target='GPU'"):
        gpt.fill_(torch.empty(3, device="cuda"), "zeros", key=gpt.key_for("w", 0))


# --------------------------------------------------------------------------- the example

def test_the_example_in_one_process(capsys):
    """examples/torch_fsdp_init.py without a launcher: a one-process gloo group of its own
    (torch_checks.py runs it under torchrun at 1-4 ranks)."""
    import runpy
    from pathlib import Path
    assert not torch.distributed.is_initialized()
    runpy.run_path(str(Path(__file__).parent.parent / "examples" / "torch_fsdp_init.py"),
                   run_name="__main__")
    assert not torch.distributed.is_initialized()  # its own group, destroyed again
    assert capsys.readouterr().out.splitlines() == [
        "world size 1: 228,672 parameters in 21 tensors",
        "rank 0 holds output.weight rows (1000, 64) of (1000, 64)",
        "every rank's shards == the single-process rows: True",
        "full_tensor() == the single-process model: True"]


# --------------------------------------------------------------------------- docstrings

@pytest.mark.parametrize("module_name", ["gpuparam.torch", "gpuparam.torch._fill",
                                         "gpuparam.torch._patch", "gpuparam.torch._plan"])
def test_docstring_examples_run_as_shown(module_name):
    """As tests/test_docstrings.py does for the core: each example in a fresh namespace."""
    import doctest
    import importlib
    module = importlib.import_module(module_name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []
    found = doctest.DocTestFinder(exclude_empty=True).find(module, module_name, globs={})
    for test in found:
        test.globs = {}
        runner.run(test, out=failures.append)
    assert runner.summarize(verbose=False).failed == 0, "".join(failures)
    if module_name != "gpuparam.torch":
        assert runner.summarize(verbose=False).attempted > 0
