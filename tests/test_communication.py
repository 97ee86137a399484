"""gpuparam.communication: the single-process world here, real MPI worlds through mpiexec.

The multi-process checks live in tests/mpi_checks.py and run in one ``mpiexec`` launch
per world size (2 and 3), plus once as a plain ``python`` process on the MPI engine
(world size 1 without a launcher); each check is reported here as its own test.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, _backend, communication as comm
from gpuparam._dtype import ALL_DTYPES
from gpuparam.communication import _world, comm_func

import mpi_checks
import mpi_launch


@pytest.fixture
def world():
    comm.init()
    yield
    comm.release()


def test_without_a_launcher_the_world_is_one_process(world):
    assert (comm.get_rank(), comm.get_group_size(), comm.get_local_rank()) == (0, 1, 0)
    assert comm.get_backend() == "self"


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(), (0,), (2, 3)])
def test_collectives_in_one_process_return_copies(world, dtype, shape):
    data = mpi_checks.values(0, shape, dtype.numpy_dtype)
    tensor = Tensor(data)
    for result in (comm_func.broadcast(tensor), comm_func.all_reduce(tensor, "prod")):
        assert result is not tensor and result.dtype == dtype
        mpi_checks.same_bits(result.asnumpy(), data, "copy")
    gathered = comm_func.all_gather_into_tensor(tensor).asnumpy()
    mpi_checks.same_bits(gathered, data.reshape(1) if shape == () else data, "gather")
    result = comm_func.broadcast(tensor)
    result[...] = 0 if dtype != gpuparam.bool_ else False
    mpi_checks.same_bits(tensor.asnumpy(), data, "input untouched")


def test_broadcast_leaves_a_lazy_input_lazy_only_off_the_source(world):
    from gpuparam.common.initializer import Normal, initializer
    lazy = initializer(Normal(), (3, 2), gpuparam.float32)
    out = comm_func.broadcast(lazy)  # rank 0 is the source: it reads the values
    np.testing.assert_array_equal(out.asnumpy(), lazy.asnumpy())


@pytest.mark.parametrize(("call", "kind", "text"), [
    (lambda: comm_func.broadcast(np.ones(2)), TypeError,
     "comm_func.broadcast: `tensor` must be a gpuparam Tensor, got array"),
    (lambda: comm_func.broadcast(Tensor([1.0]), src=1), ValueError,
     "`src` must be a rank below the world size 1, got 1"),
    (lambda: comm_func.broadcast(Tensor([1.0]), src=True), TypeError, "`src` must be an int"),
    (lambda: comm_func.all_reduce(Tensor([1.0]), op="mean"), ValueError,
     "`op` must be one of ['sum', 'max', 'min', 'prod'], got 'mean'"),
    (lambda: comm_func.all_reduce(Tensor([1.0]), op=None), TypeError, "`op` must be one of"),
    (lambda: comm_func.all_gather_into_tensor([1.0]), TypeError, "`tensor` must be a gpuparam Tensor"),
])
def test_bad_input_names_the_function_and_argument(world, call, kind, text):
    with pytest.raises(kind, match=None) as info:
        call()
    assert text in str(info.value)


@pytest.mark.parametrize("call", [
    lambda: comm_func.broadcast(Tensor([1.0])), lambda: comm_func.all_reduce(Tensor([1.0])),
    lambda: comm_func.all_gather_into_tensor(Tensor([1.0])), comm_func.barrier,
    comm.get_rank, comm.get_group_size, comm.get_local_rank, comm.get_backend])
def test_collectives_before_init_and_after_release_raise(call, monkeypatch):
    monkeypatch.setattr(_world, "_released", False)  # as in a fresh process
    with pytest.raises(RuntimeError, match=r"call gpuparam.communication.init\(\) first"):
        call()
    comm.init()
    call()
    comm.release()
    with pytest.raises(RuntimeError, match="communication was released"):
        call()


def test_init_checks_the_backend_and_is_idempotent():
    with pytest.raises(ValueError, match=r"init: `backend_name` must be one of \['mpi', 'nccl', 'torch'\], got 'hccl'"):
        comm.init("hccl")
    with pytest.raises(TypeError, match="backend_name"):
        comm.init(1)
    comm.init()
    try:
        comm.init()  # again: nothing happens
        with pytest.raises(RuntimeError, match="already initialized with the 'self' backend"):
            comm.init("mpi")
    finally:
        comm.release()
    comm.release()  # releasing twice is harmless


def test_nccl_without_a_usable_gpu_says_why():
    reason = _backend.nccl_unavailable_reason()
    if reason is None:
        pytest.skip("NCCL is usable here: test_nccl_world_of_one_gpu covers it")
    with pytest.raises(RuntimeError, match="the 'nccl' backend is not usable") as info:
        comm.init("nccl")
    assert reason in str(info.value)
    with pytest.raises(RuntimeError):
        comm.get_rank()  # nothing was half-initialized


@pytest.mark.gpu
def test_nccl_world_of_one_gpu():
    """NCCL refuses two ranks on one GPU, so one card can check world size 1 only."""
    with _backend.use_backend("cupy") as cupy:
        comm.init("nccl")
        try:
            assert comm.get_backend() == "nccl" and comm.get_group_size() == 1
            for dtype in (np.float32, np.float16, np.int16, np.bool_, np.uint64):
                data = mpi_checks.values(0, (3, 5), np.dtype(dtype))
                tensor = Tensor(cupy.asarray(data))
                for result in (comm_func.broadcast(tensor), comm_func.all_reduce(tensor, "max"),
                               comm_func.all_gather_into_tensor(tensor)):
                    assert _backend.is_device_array(result._read())
                    mpi_checks.same_bits(result.asnumpy(), data, str(dtype))
        finally:
            comm.release()


@pytest.mark.gpu
def test_cupy_tensors_over_mpi_go_through_pinned_host_memory():
    mpi_launch.require_mpi()
    code = ("import numpy as np, cupy, gpuparam\n"
            "from gpuparam import communication as comm\n"
            "from gpuparam.communication import comm_func\n"
            "comm.init('mpi')\n"
            "t = gpuparam.Tensor(cupy.arange(6, dtype=cupy.float16).reshape(2, 3))\n"
            "for r in (comm_func.broadcast(t), comm_func.all_reduce(t, 'max'),\n"
            "          comm_func.all_gather_into_tensor(t)):\n"
            "    assert isinstance(r._read(), cupy.ndarray)\n"
            "    np.testing.assert_array_equal(r.asnumpy(), np.arange(6, dtype=np.float16).reshape(2, 3))\n"
            "print('ok')\n")
    env = {**mpi_launch.env(), "GPUPARAM_BACKEND": "cupy"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert proc.returncode == 0 and proc.stdout.split() == ["ok"], proc.stderr


# --------------------------------------------------------------------------- processes

def _run(code: str) -> subprocess.CompletedProcess[str]:
    mpi_launch.require_mpi()
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=mpi_launch.env(), timeout=120, check=False)


@pytest.mark.mpi
@pytest.mark.parametrize("setup", [
    "from mpi4py import MPI",  # the user imported (and so initialized) MPI first
    "import mpi4py; mpi4py.rc.initialize = False; from mpi4py import MPI",  # ... or did not
])
def test_works_after_the_user_imported_mpi4py(setup):
    code = (f"{setup}\nfrom gpuparam import communication as comm, Tensor\n"
            "from gpuparam.communication import comm_func\n"
            "comm.init('mpi' if not MPI.Is_initialized() else None)\n"
            "print(comm.get_backend(), comm.get_group_size(),\n"
            "      comm_func.all_reduce(Tensor([2.0])).asnumpy()[0], MPI.COMM_WORLD.Get_size())\n"
            "comm.release()\n")
    proc = _run(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["mpi", "1", "2.0", "1"]


@pytest.mark.mpi
@pytest.mark.parametrize("world_size", [1, 2, 3])
@pytest.mark.parametrize("name", list(mpi_checks.CHECKS) + ["world"])
def test_mpi_check(world_size, name):
    """world_size 1 is a plain ``python`` process on the MPI engine, without a launcher."""
    mpi_launch.require_mpi()
    launch = mpi_launch.launch_in_order(world_size) if world_size > 1 else mpi_launch.launch(None)
    launch.check(name)


def test_require_mpi_turns_the_skip_into_a_failure(monkeypatch):
    monkeypatch.setattr(mpi_launch, "_missing", lambda: "mpi4py is not installed")
    monkeypatch.setenv("GPUPARAM_REQUIRE_MPI", "1")
    with pytest.raises(pytest.fail.Exception, match="GPUPARAM_REQUIRE_MPI=1 but mpi4py is not"):
        mpi_launch.require_mpi()
    monkeypatch.delenv("GPUPARAM_REQUIRE_MPI")
    with pytest.raises(pytest.skip.Exception, match="mpi4py is not installed"):
        mpi_launch.require_mpi()


def test_only_init_imports_mpi4py():
    code = ("import sys, gpuparam.communication, gpuparam.parallel\n"
            "print('mpi4py' in sys.modules)\n")
    env = {**mpi_launch.env(), "GPUPARAM_BACKEND": "numpy"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False"]


def test_public_names_have_docstrings():
    for module in (comm, comm_func, gpuparam.parallel):
        for name in module.__all__:
            assert getattr(module, name).__doc__, f"{module.__name__}.{name}"


def test_pinned_staging_is_refused_for_host_arrays():
    with pytest.raises(TypeError, match="to_host_pinned: `array` must be a cupy.ndarray"):
        _backend.to_host_pinned(np.ones(3))



def test_complex_sums_reduce_their_parts_where_the_engine_has_no_complex_type():
    # NCCL has no complex type: a sum is the sum of the real and imaginary parts.
    from gpuparam.communication import _world

    seen = []

    def twice(work, op):  # stands for a 2-rank sum of equal parts
        seen.append((work.dtype, op))
        work *= 2

    for dtype, part in ((np.complex64, np.float32), (np.complex128, np.float64)):
        array = np.array([1 + 2j, -3.5 + 0.25j], dtype)
        got = _world._reduce_in(array, "sum", False, twice)
        assert got.dtype == dtype and got.tolist() == [2 + 4j, -7 + 0.5j]
        assert seen[-1] == (np.dtype(part), "sum")
        assert array.tolist() == [1 + 2j, -3.5 + 0.25j]  # the input is left alone
    with pytest.raises(NotImplementedError, match="'prod' on a complex tensor"):
        _world._reduce_in(np.ones(2, np.complex64), "prod", False, twice)


def test_missing_libnccl_says_which_package_to_install():
    # Runs where CuPy is installed without libnccl (CI); CuPy then warns on import, and
    # that warning's text becomes part of the reason.
    pytest.importorskip("cupy", reason="needs CuPy installed (without libnccl)")
    try:
        _backend.nccl._nccl_module()
    except RuntimeError as exc:
        assert "CuPy finds no NCCL library (" in str(exc)
        assert "install nvidia-nccl-cu12 (gpuparam[cuda12])" in str(exc)
    else:
        pytest.skip("libnccl is installed here")


_ONE_RANK_RAISES = """
from gpuparam import communication as comm
from gpuparam.communication import comm_func
comm.init()
if comm.get_rank() == 1:
    raise RuntimeError("rank 1 fails on purpose")
comm_func.barrier()  # ranks 0 and 2 wait here for rank 1, which never comes
"""


@pytest.mark.mpi
@pytest.mark.parametrize("launch", [[], ["-m", "mpi4py"]], ids=["python", "python -m mpi4py"])
def test_a_rank_that_raises_ends_the_whole_job(tmp_path, launch):
    import time

    script = tmp_path / "worker.py"
    script.write_text(_ONE_RANK_RAISES)
    command = [mpi_launch.require_mpi(), "-n", "3", sys.executable, *launch, str(script)]
    start = time.monotonic()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, env=mpi_launch.env(),
                              timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(command[3:])}: the job still ran 60 s after rank 1 raised")
    assert proc.returncode != 0
    assert "RuntimeError: rank 1 fails on purpose" in proc.stderr
    assert time.monotonic() - start < 60


def test_the_abort_hook_prints_then_aborts_and_release_restores_the_previous_hook(monkeypatch):
    from gpuparam.communication import _mpi

    aborted = []

    class FakeMpi:  # as mpi4py.MPI looks to the hook
        class COMM_WORLD:
            @staticmethod
            def Abort(code):
                aborted.append(code)

        Is_initialized = staticmethod(lambda: True)
        Is_finalized = staticmethod(lambda: False)

    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: seen.append(info[0]))
    monkeypatch.setitem(sys.modules, "mpi4py.MPI", FakeMpi)
    _mpi.install_abort_hook()
    _mpi.install_abort_hook()  # twice: still one hook, chained to the user's
    try:
        sys.excepthook(ValueError, ValueError("x"), None)
    finally:
        _mpi.remove_abort_hook()
    assert seen == [ValueError] and aborted == [1]  # the traceback first, then the abort
    sys.excepthook(KeyError, KeyError("y"), None)
    assert seen == [ValueError, KeyError] and aborted == [1]  # restored
