"""``load_checkpoint_async``: MindSpore's background load, on a thread of its own."""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from .serialization import load_checkpoint


class ParamDictFuture:
    """A load running in the background, as MindSpore's ``load_checkpoint_async`` returns it:
    ``result()`` waits and returns what ``load_checkpoint`` returns (or raises what it
    raised)."""

    def __init__(self, executor: ThreadPoolExecutor, future: Future[dict[str, Any]]) -> None:
        self._executor, self._future = executor, future

    def result(self, timeout: float | None = None) -> dict[str, Any]:
        """Wait (at most ``timeout`` seconds, if given) and return the parameter dict."""
        try:
            return self._future.result(timeout)
        finally:
            if self._future.done():
                self._executor.shutdown(wait=False)

    def done(self) -> bool:
        """True once the load has finished (or failed)."""
        return self._future.done()


def load_checkpoint_async(ckpt_file_name: Any, net: Any = None, strict_load: bool = False,
                          filter_prefix: Any = None, dec_key: Any = None,
                          dec_mode: str = "AES-GCM", specify_prefix: Any = None,
                          choice_func: Any = None) -> ParamDictFuture:
    """Start ``load_checkpoint`` on a background thread, as ``mindspore.load_checkpoint_async``.

    The format follows the file name (``.safetensors``, else ``.ckpt``). Every error,
    of the arguments too, is raised by ``result()``, as in MindSpore. With ``net``, the
    network is loaded on that thread: do not use it until ``result()`` has returned.

    Args:
        ckpt_file_name: The file (``.ckpt`` or ``.safetensors``).
        net, strict_load, filter_prefix, dec_key, dec_mode, specify_prefix, choice_func:
            As ``load_checkpoint``.

    Returns:
        A ``ParamDictFuture``; its ``result()`` is ``load_checkpoint``'s dict.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> import gpuparam
        >>> path = os.path.join(tempfile.mkdtemp(), "net.ckpt")
        >>> gpuparam.save_checkpoint({"w": gpuparam.Tensor(np.ones(2, np.float32))}, path)
        >>> pending = gpuparam.load_checkpoint_async(path)
        >>> sorted(pending.result())
        ['w']
    """
    name = os.fspath(ckpt_file_name) if isinstance(ckpt_file_name, (str, os.PathLike)) else ""
    format = "safetensors" if str(name).endswith(".safetensors") else "ckpt"
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gpuparam-load")
    future = executor.submit(load_checkpoint, ckpt_file_name, net, strict_load, filter_prefix,
                             dec_key, dec_mode, specify_prefix, choice_func, format=format)
    return ParamDictFuture(executor, future)
