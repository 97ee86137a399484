"""``import gpuparam.<missing>`` gives the porting hint, not a bare "No module named".

A finder placed last on ``sys.meta_path`` is asked only after every other finder has
looked for a module and found none; for names under ``gpuparam.`` it raises
``ModuleNotFoundError`` saying that MindSpore's module of that name is not part of
gpuparam and where the list of what is left out lives. Other packages' imports never
reach it.
"""

from __future__ import annotations

import sys
from typing import Any

from ._errors import missing_mindspore_module


class MissingModuleHint:
    """A ``sys.meta_path`` finder that turns a missing ``gpuparam.X`` into the hint."""

    @staticmethod
    def find_spec(fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname.startswith("gpuparam."):
            raise missing_mindspore_module(fullname)
        return None


def install() -> None:
    """Put the finder last on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, MissingModuleHint) for f in sys.meta_path):
        sys.meta_path.append(MissingModuleHint())


__all__ = ["MissingModuleHint", "install"]
