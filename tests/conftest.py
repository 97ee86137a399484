"""Shared fixtures: every backend-neutral test runs on each usable backend."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from gpuparam import _backend, _random


@functools.cache
def gpu_usable() -> bool:
    return _backend.gpu_available()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if gpu_usable():
        return
    skip = pytest.mark.skip(reason="needs CuPy and a usable CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=["numpy", pytest.param("cupy", marks=pytest.mark.gpu)])
def xp(request: pytest.FixtureRequest) -> Iterator[object]:
    """Run the test with ``request.param`` as the active backend; yields its array module."""
    with _backend.use_backend(request.param) as module:
        yield module


@pytest.fixture(autouse=True)
def _restore_backend_and_seed() -> Iterator[None]:
    """Each test starts and ends with the same backend and generator state."""
    backend = _backend._chosen
    seed_state = (_random._seed, _random._count)
    yield
    _backend._chosen = backend
    _random._seed, _random._count = seed_state
