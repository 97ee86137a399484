"""The environment for running gpuparam in a child process from a test, and where
tests keep their caches (outside the checkout: the suite writes only to temporary
directories)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# One per user, kept between runs (mypy's cache, Hypothesis's example database).
TEST_CACHE = Path(tempfile.gettempdir()) / f"gpuparam-test-cache-{getattr(os, 'getuid', lambda: 0)()}"


def child_env(backend: str | None = "numpy") -> dict[str, str]:
    """This process's environment without the caller's GPUPARAM_* settings, with the
    checkout first on PYTHONPATH and, unless ``backend`` is None, GPUPARAM_BACKEND set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GPUPARAM_")}
    if backend is not None:
        env["GPUPARAM_BACKEND"] = backend
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env
