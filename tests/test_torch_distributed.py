"""gpuparam.torch across processes: ``torch.distributed.run --standalone``, gloo, 1-4 ranks.

Each launch runs every check of tests/torch_checks.py (FSDP2 models, DTensors on 1-D
and 2-D meshes, refused placements, examples/torch_fsdp_init.py, tests/mpi_checks.py's
collectives and replica checks over ``communication.init("torch")``) and one test here
asserts them all, so that a
launch runs once per test session even under pytest-xdist. The 3-rank launch runs
before the 2-rank one, in the same test: the 2-rank run loads the checkpoint the 3-rank
run saved. Every launch runs under a timeout that kills all its ranks.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

import torch_launch

torch = torch_launch.import_torch()

import mpi_checks  # noqa: E402
import torch_checks  # noqa: E402

OWN_CHECKS = list(torch_checks.CHECKS)
ENGINE_CHECKS = ["world"] + list(mpi_checks.CHECKS)


def _assert_passed(launch: torch_launch.Launch, names: list[str]) -> None:
    failures = launch.failures(names)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("world", [1, 4])
def test_every_check_on_one_launch(world):
    shared = Path(tempfile.mkdtemp(prefix="gpuparam-torch-shared-"))
    try:
        launch = torch_launch.launch(world, shared)
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    # mpi_checks' layout check splits 6 columns: 4 ranks run gpuparam.torch's checks only
    _assert_passed(launch, OWN_CHECKS + (ENGINE_CHECKS if world <= 3 else []))


def test_every_check_on_3_then_2_ranks_resharding_a_checkpoint():
    shared = Path(tempfile.mkdtemp(prefix="gpuparam-torch-shared-"))
    try:
        launches = [torch_launch.launch(world, shared) for world in (3, 2)]
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    for launch in launches:
        _assert_passed(launch, OWN_CHECKS + ENGINE_CHECKS)


def test_a_failing_rank_ends_the_launch_instead_of_hanging_it(tmp_path):
    script = tmp_path / "fail_one_rank.py"
    script.write_text(textwrap.dedent("""
        import datetime, torch.distributed as dist
        dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=120))
        if dist.get_rank() == 1:
            raise SystemExit("rank 1 fails before the barrier")
        dist.barrier()  # rank 0 would wait here for ever, but for torchrun's teardown
    """))
    started = time.monotonic()
    status, output = torch_launch.run_torchrun(2, script, timeout=100)
    assert status not in (0, -1), output  # failed, and not by the harness's timeout
    assert "rank 1 fails before the barrier" in output
    assert time.monotonic() - started < 100


def test_a_launch_past_its_timeout_is_killed_whole(tmp_path):
    marker = tmp_path / "grandchild.pid"
    code = ("import subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
            f"open({str(marker)!r}, 'w').write(str(child.pid))\n"
            "time.sleep(300)\n")
    status, output = torch_launch.run_session([sys.executable, "-c", code], timeout=4)
    assert status == -1 and "timed out after 4 s" in output
    pid = int(marker.read_text())
    for _ in range(50):  # SIGKILL is delivered at once; reaping may take a moment
        if not _running(pid):
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"process {pid} of the killed session is still running")


def _running(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, killed but not yet reaped, does not run)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


def test_the_torch_backend_needs_an_initialized_process_group():
    from gpuparam import communication as comm
    from gpuparam.communication import _world

    assert not torch.distributed.is_initialized()
    with pytest.raises(RuntimeError, match=r"call torch.distributed.init_process_group\(\) first"):
        comm.init("torch")
    assert _world._world is None  # nothing half-initialized
    with pytest.raises(ValueError, match="`group` is a torch.distributed process group, for "
                                         "backend_name='torch'; got backend_name='mpi'"):
        comm.init("mpi", group=object())
    comm.init()  # no process group: the choice is what it was
    try:
        assert comm.get_backend() == "self"
    finally:
        comm.release()
