"""gpuparam: neural-network parameters on NVIDIA GPUs, with MindSpore's parameter API."""

from __future__ import annotations

__version__ = "0.1.0"
