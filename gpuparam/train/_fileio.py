"""File plumbing shared by the checkpoint formats: atomic writes and the progress line
(moving array bytes between files and arrays is ``_transfer``).

- ``atomic_write(path)``: a context manager yielding a binary file object; the data
  goes to a unique temporary file in the target's directory (``.<name>.<random>.tmp``),
  which is flushed, fsynced and renamed over the target (``os.replace``), and then the
  directory is fsynced. On any exception the temporary file is removed and the old
  target is untouched (DESIGN.md contract 9). The temporary file is locked while it
  is written, and a save removes the unlocked temporary files killed saves of the
  same target left.
- ``Progress(label, total_bytes)``: the terminal progress line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import sys
import time
from collections.abc import Iterator
from typing import IO

try:
    import fcntl
except ImportError:  # not POSIX: temporary files are not locked, nor stale ones removed
    fcntl = None  # type: ignore[assignment]

@contextlib.contextmanager
def atomic_write(path: str) -> Iterator[IO[bytes]]:
    """Yield a file whose contents replace ``path`` only if the block completes.

    The temporary file is locked (``flock``) from its creation until it has been
    renamed over ``path``, so that a later save can tell the temporary files of killed
    saves (no process holds their lock) from those of saves in progress, and remove
    the former (``_remove_stale_temporaries``).

    Raises:
        OSError: From writing, fsyncing or renaming (then ``path`` is untouched and no
            temporary file is left), or from fsyncing the directory after the rename
            (then the new file is in place, and the message says so).
    """
    directory = os.path.dirname(os.path.abspath(path))
    prefix = "." + os.path.basename(path) + "."
    _remove_stale_temporaries(directory, prefix)
    fd, tmp = _locked_temporary(directory, prefix)
    try:
        with os.fdopen(fd, "wb") as f:  # closed (and unlocked) only after the rename
            yield f
            f.flush()
            os.fsync(f.fileno())
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory, path)


_TEMPORARY_SUFFIX = ".tmp"
# The random part of a temporary name: 8 characters (hex here; mkstemp's alphabet, which
# earlier versions used, is a superset).
_RANDOM_PART = re.compile(r"[a-z0-9_]{8}")
# Created with mode 0666 so that the umask gives a checkpoint the usual permissions
# (mkstemp's 0600 would need a umask dance, which is not thread-safe).
_CREATE = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)


def _locked_temporary(directory: str, prefix: str) -> tuple[int, str]:
    """Create a new temporary file in ``directory``, then take an exclusive ``flock`` on
    it. Between the two, a concurrent save may have taken the unlocked file for stale
    and removed it; then the name no longer leads to our file, and we make another."""
    while True:
        tmp = os.path.join(directory, prefix + secrets.token_hex(4) + _TEMPORARY_SUFFIX)
        try:
            fd = os.open(tmp, _CREATE, 0o666)
        except FileExistsError:
            continue
        if fcntl is None:
            return fd, tmp
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.path.samestat(os.fstat(fd), os.stat(tmp)):
                return fd, tmp
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        os.close(fd)


def _remove_stale_temporaries(directory: str, prefix: str) -> None:
    """Remove the temporary files that earlier saves of the same target left behind
    when they were killed: those of its name pattern whose lock no process holds."""
    if fcntl is None:
        return
    try:
        names = os.listdir(directory)
    except OSError:
        return  # the save itself will report an unusable directory
    for name in names:
        if not (name.startswith(prefix) and name.endswith(_TEMPORARY_SUFFIX)
                and _RANDOM_PART.fullmatch(name[len(prefix):-len(_TEMPORARY_SUFFIX)])):
            continue
        candidate = os.path.join(directory, name)
        try:
            fd = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # gone already, or not ours to open
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a save in progress holds it
        try:
            if os.path.samestat(os.fstat(fd), os.stat(candidate)):
                os.unlink(candidate)
        except OSError:
            pass
        finally:
            os.close(fd)


# Errors that mean the file system cannot fsync a directory at all (not that it failed).
_NO_DIRECTORY_SYNC = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF}


def _fsync_directory(directory: str, path: str) -> None:
    # Makes the rename itself durable. Some platforms cannot open or fsync a directory;
    # the rename is then as durable as the platform makes it. Any other failure (EIO)
    # is raised: the file is in place, but its rename may not survive a crash.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError as exc:
        if exc.errno in _NO_DIRECTORY_SYNC:
            return
        raise OSError(exc.errno, f"{path} was written and is already in place, but "
                      f"fsyncing its directory {directory} failed ({exc.strerror}): the "
                      "rename may not survive a crash; check the disk and save "
                      "again.") from exc
    finally:
        os.close(dir_fd)


class Progress:
    """A progress line on stderr, shown only on a terminal and only after a second (as
    ``Cell.init_parameters_data`` shows one)."""

    def __init__(self, label: str, total_bytes: int) -> None:
        self.label = label
        self.total = max(total_bytes, 1)
        self.done = 0
        self.start = time.perf_counter()
        self.shown = False
        self.enabled = sys.stderr.isatty()

    def advance(self, nbytes: int) -> None:
        self.done += nbytes
        if self.enabled and time.perf_counter() - self.start > 1.0:
            width = 30
            filled = int(width * min(self.done, self.total) / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                             f"{self.done / 2**30:.2f}/{self.total / 2**30:.2f} GiB")
            sys.stderr.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
