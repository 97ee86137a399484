"""Shared fixtures: every backend-neutral test runs on each usable backend.

Tests marked ``gpu`` skip without a usable GPU, with the reason ``gpu_unavailable_reason()``
gives. ``GPUPARAM_REQUIRE_GPU=1`` (set on GPU machines) turns every skip of a ``gpu``
test, for want of a GPU, of cuDNN or anything else, into a failure: a GPU run can never
pass by skipping. Tests that are not marked ``gpu`` run on NumPy (unless they ask for
``xp``), so the plain suite is the same on a machine with a GPU.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest

from gpuparam import _backend, _random

REQUIRE_GPU_VAR = "GPUPARAM_REQUIRE_GPU"


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
    backend = _backend._chosen
    seed_state = (_random._seed, _random._count)
    if request.node.get_closest_marker("gpu") is None:
        _backend._chosen = "numpy"
    yield
    _backend._chosen = backend
    _random._seed, _random._count = seed_state
