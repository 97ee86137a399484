"""Shared fixtures: every backend-neutral test runs on each usable backend.

Tests marked ``gpu`` skip without a usable GPU, with the reason ``gpu_unavailable_reason()``
gives. ``GPUPARAM_REQUIRE_GPU=1`` (set on GPU machines) turns a skip of a ``gpu`` test,
for want of a GPU, of cuDNN or anything else, into a failure: a GPU run can never pass
by skipping. The one exception is a skip for want of MPI (``mpi_launch.require_mpi``),
which is no part of the GPU: it stays a skip unless ``GPUPARAM_REQUIRE_MPI=1``. Tests
that are not marked ``gpu`` run on NumPy (unless they ask for ``xp``), so the plain suite
is the same on a machine with a GPU.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import mpi_launch
from child_env import ROOT, TEST_CACHE
from gpuparam import _backend, _random

REQUIRE_GPU_VAR = "GPUPARAM_REQUIRE_GPU"

# Hypothesis keeps its example database and caches in ./.hypothesis unless told otherwise.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(TEST_CACHE / "hypothesis"))


# ---------------------------------------------------------------- the checkout stays clean

# Not counted: git's own files, Python's bytecode, pytest's cache, virtual environments.
_NOT_COUNTED = {".git", "__pycache__", ".pytest_cache"}
_FILES_AT_START = pytest.StashKey[set[str]]()


def checkout_files(root: Path = ROOT) -> set[str]:
    """The files under ``root``, as paths relative to it, but for ``_NOT_COUNTED``."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _NOT_COUNTED
                   and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))]
        found.update(os.path.relpath(os.path.join(folder, f), root) for f in files)
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_FILES_AT_START] = checkout_files()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if the checkout gained a file: tests and the examples they run
    write only to temporary directories. (Checked once, where the run started.)"""
    if hasattr(session.config, "workerinput") or _FILES_AT_START not in session.config.stash:
        return
    new = sorted(checkout_files() - session.config.stash[_FILES_AT_START])
    if new:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (f"the test run wrote {len(new)} file(s) into the checkout {ROOT} "
                   f"(tests must write only to temporary directories): {', '.join(new[:20])}")
        if reporter is not None:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def gpu_required() -> bool:
    return os.environ.get(REQUIRE_GPU_VAR) == "1"


@functools.cache
def gpu_reason() -> str | None:
    return _backend.gpu_unavailable_reason()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = gpu_reason()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"needs a usable GPU: {reason}")
    for item in items:
        if item.get_closest_marker("gpu") is not None:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    gpu_test = item.get_closest_marker("gpu") is not None
    if report.skipped and gpu_required() and gpu_test and not hasattr(report, "wasxfail"):
        why = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if why.removeprefix("Skipped: ").startswith(mpi_launch.SKIP_PREFIX):
            return  # GPUPARAM_REQUIRE_MPI governs MPI skips (mpi_launch.require_mpi)
        report.outcome = "failed"
        report.longrepr = f"{REQUIRE_GPU_VAR}=1 turns this skip into a failure: {why}"


@pytest.fixture(params=["numpy", pytest.param("cupy", marks=pytest.mark.gpu)])
def xp(request: pytest.FixtureRequest) -> Iterator[object]:
    """Run the test with ``request.param`` as the active backend; yields its array module."""
    with _backend.use_backend(request.param) as module:
        yield module


@pytest.fixture(autouse=True)
def _restore_backend_and_seed(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts and ends with the same backend and generator state; tests not
    marked ``gpu`` run on NumPy (``xp`` then chooses per parameter)."""
    backend = _backend.selection._chosen
    seed_state = (_random._seed, _random._count)
    if request.node.get_closest_marker("gpu") is None:
        _backend.selection._chosen = "numpy"
    yield
    _backend.selection._chosen = backend
    _random._seed, _random._count = seed_state
