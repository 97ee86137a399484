"""MindSpore's ``mindspore.log`` path: ``debug``, ``info``, ``warning``, ``error``,
``critical`` and ``exception`` on the ``"gpuparam"`` logger of Python's ``logging``.

Example:
    >>> from gpuparam import log as logger
    >>> logger.get_logger().name
    'gpuparam'
"""

from __future__ import annotations

import logging
from typing import Any

_LOGGER = logging.getLogger("gpuparam")


def get_logger() -> logging.Logger:
    """The logger these functions write to (configure it with ``logging``)."""
    return _LOGGER


def debug(msg: Any, *args: Any, **kwargs: Any) -> None:
    _LOGGER.debug(msg, *args, **kwargs)


def info(msg: Any, *args: Any, **kwargs: Any) -> None:
    _LOGGER.info(msg, *args, **kwargs)


def warning(msg: Any, *args: Any, **kwargs: Any) -> None:
    _LOGGER.warning(msg, *args, **kwargs)


def error(msg: Any, *args: Any, **kwargs: Any) -> None:
    _LOGGER.error(msg, *args, **kwargs)


def critical(msg: Any, *args: Any, **kwargs: Any) -> None:
    _LOGGER.critical(msg, *args, **kwargs)


def exception(msg: Any, *args: Any, **kwargs: Any) -> None:
    _LOGGER.exception(msg, *args, **kwargs)


def get_level() -> str:
    """The logger's effective level as MindSpore names it: ``'0'`` debug ... ``'3'`` error."""
    level = _LOGGER.getEffectiveLevel()
    return str(min(max((level - 10) // 10, 0), 3))


__all__ = ["critical", "debug", "error", "exception", "get_level", "get_logger", "info", "warning"]
