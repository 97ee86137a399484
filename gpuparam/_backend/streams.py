"""Stream-ordered memory: which accesses to a buffer must finish before the next one.

DESIGN.md contracts 7 and 8. A tensor keeps, beside its buffer:

- ``ready``: ``(stream, event)`` of its last write. ``event`` is ``None`` for writes made
  while only one stream had been used: then one *epoch* event, recorded on that first
  stream when a second stream appears, stands for all of them, so single-stream code
  records no events at all;
- ``readers``: ``{stream key: (stream, None)}``, the streams other than the writer's
  that read the buffer since its last write. No event is recorded when a read is
  *asked for* (``Tensor._read`` returns before the caller queues the reading kernel, so
  such an event would come before the read it should stand for). The one exception is
  a per-thread default stream, whose handle names another stream in every host thread:
  only its own thread can record on it, so its entry also carries an event recorded at
  the read, used when a write or free comes from another thread (it covers the work
  queued before the read, not the read itself: use explicit streams across threads);
- ``home``: the key of the stream the buffer was allocated on (CuPy's pool gives a
  freed block back to that stream's arena), ``None`` when unknown (a view).

Readers wait for ``ready``. A writer on another stream, or a free, records an event on
each reader stream and on the last writer's stream *then*: each event follows every
access queued on its stream so far, the reading kernels included (one event per stream
per write or free, however many reads there were). The writer's stream waits for those
events; a dropped buffer is parked until they complete, then released to the pool. All
waits are device-side (``cudaStreamWaitEvent``); nothing here synchronizes the host.

CUDA is reached through a small driver object (:class:`_CupyDriver`), which the tests
replace with a fake that records waits, events and releases, so the ordering logic runs
on the CPU.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Iterator
from typing import Any, Union

from .._errors import type_error
from .selection import _import_cupy, _require_gpu, active_array_module, active_backend

Ready = Union[tuple[Any, Any], None]
StreamKey = tuple[int, int, Union[int, None]]

# cudaStreamPerThread: the same handle names a different stream in every host thread.
_PER_THREAD_STREAM = 2


# --------------------------------------------------------------------------- queries

def current_stream() -> Any:
    """Return the current CuPy stream, or ``None`` on NumPy."""
    if active_backend() == "numpy":
        return None
    return active_array_module().cuda.get_current_stream()


def new_stream(non_blocking: bool = True) -> Any:
    """Return a new CUDA stream (``cupy.cuda.Stream``); RuntimeError on NumPy."""
    _require_gpu("new_stream")
    return active_array_module().cuda.Stream(non_blocking=non_blocking)


@contextlib.contextmanager
def stream(cuda_stream: Any) -> Iterator[Any]:
    """Make ``cuda_stream`` current for the block (``None`` leaves the stream as it is).

    On NumPy only ``None`` is accepted, since there are no streams to choose.
    """
    if cuda_stream is None:
        yield current_stream()
        return
    if active_backend() == "numpy":
        raise type_error("stream", "cuda_stream", cuda_stream,
                         "None on the NumPy backend (there are no CUDA streams)")
    cupy = active_array_module()
    if not isinstance(cuda_stream, (cupy.cuda.Stream, cupy.cuda.ExternalStream)):
        raise type_error("stream", "cuda_stream", cuda_stream, "a cupy.cuda.Stream or None")
    with cuda_stream:
        yield cuda_stream


@contextlib.contextmanager
def borrowed_device_array(external: Any, cuda_stream: int) -> Iterator[Any]:
    """Yield a CuPy view of another library's CUDA buffer, that library's stream current.

    For the block, ``external``'s device is current and the CUDA stream handle
    ``cuda_stream`` (the owner's, e.g. ``torch.cuda.current_stream().cuda_stream``) is
    CuPy's current stream, so the view (``cupy.from_dlpack``: no copy) and every kernel
    queued on it run in the owner's order, with no synchronization.

    Raises:
        RuntimeError: Where the GPU backend cannot be used (the reason is given).
    """
    _require_gpu("borrowed_device_array")
    cupy = _import_cupy()  # whichever backend is active: the buffer is on a GPU
    assert cupy is not None
    device_id = int(external.__dlpack_device__()[1])
    with cupy.cuda.Device(device_id), cupy.cuda.ExternalStream(int(cuda_stream), device_id):
        yield cupy.from_dlpack(external)


@contextlib.contextmanager
def device(device_id: int | None) -> Iterator[None]:
    """Make CUDA device ``device_id`` current for the block (``None``: leave it as it is)."""
    if device_id is None or active_backend() != "cupy":
        yield
        return
    with active_array_module().cuda.Device(device_id):
        yield


# --------------------------------------------------------------------------- ordering

class _CupyDriver:
    """The CUDA operations stream ordering needs, through CuPy."""

    def __init__(self, cupy: Any) -> None:
        self._cupy = cupy

    def current_stream(self) -> Any:
        return self._cupy.cuda.get_current_stream()

    def current_device(self) -> int:
        return int(self._cupy.cuda.runtime.getDevice())

    def stream_key(self, stream: Any) -> StreamKey:
        # Default streams (null, legacy, per-thread) exist once per device, so the device
        # is part of the key; the per-thread one once per host thread as well.
        device = int(getattr(stream, "device_id", -1))
        if device < 0:
            device = self.current_device()
        ptr = int(stream.ptr)
        return device, ptr, threading.get_ident() if ptr == _PER_THREAD_STREAM else None

    def record(self, stream: Any) -> Any:
        cuda = self._cupy.cuda
        with cuda.Device(self.stream_key(stream)[0]):  # an event lives on its stream's device
            event = cuda.Event(block=False, disable_timing=True, interprocess=False)
            event.record(stream)
        return event

    def wait(self, stream: Any, event: Any) -> None:
        stream.wait_event(event)

    def done(self, event: Any) -> bool:
        return bool(event.done)  # cudaEventQuery: never blocks the host

    def array_device(self, array: Any) -> int | None:
        device = getattr(array, "device", None)
        return None if device is None else int(device.id)


_override: Any = None
_lock = threading.RLock()
_first: tuple[StreamKey, Any] | None = None  # the only stream used so far
_epoch: tuple[Any, Any] | None = None  # (first stream, event) recorded when a second appeared
_parked: list[tuple[Any, list[Any]]] = []  # (buffer, events it waits for)
# Newly dropped buffers land here first, without a lock: `release` runs in
# Tensor.__del__, which the garbage collector may call while this thread holds `_lock`.
_dropped: collections.deque[tuple[Any, list[Any]]] = collections.deque()


_cupy_driver: _CupyDriver | None = None


def _driver() -> Any:
    global _cupy_driver
    if _override is not None:
        return _override
    if active_backend() != "cupy":
        return None
    if _cupy_driver is None:
        _cupy_driver = _CupyDriver(active_array_module())
    return _cupy_driver


@contextlib.contextmanager
def use_driver(driver: Any) -> Iterator[None]:
    """Route stream ordering through ``driver`` for the block, with fresh state (tests)."""
    global _override, _first, _epoch
    saved = (_override, _first, _epoch, list(_parked), list(_dropped))
    _override, _first, _epoch = driver, None, None
    _parked.clear()
    _dropped.clear()
    try:
        yield
    finally:
        _override, _first, _epoch = saved[:3]
        _parked[:] = saved[3]
        _dropped.clear()
        _dropped.extend(saved[4])


def multi_stream() -> bool:
    """True once gpuparam has seen work on more than one stream in this process."""
    return _epoch is not None


def _observe(driver: Any, stream: Any) -> StreamKey:
    """Return ``stream``'s key; the first time a second stream shows up, record the epoch."""
    global _first, _epoch
    key = driver.stream_key(stream)
    if _epoch is None and (_first is None or _first[0] != key):
        with _lock:
            if _first is None:
                _first = (key, stream)
            elif _epoch is None and _first[0] != key:
                _epoch = (_first[1], driver.record(_first[1]))
    return key


def record_write() -> tuple[Ready, StreamKey | None]:
    """Note a write on the current stream; return ``(ready, stream key)`` (``None``s on NumPy)."""
    driver = _driver()
    if driver is None:
        return None, None
    stream = driver.current_stream()
    key = _observe(driver, stream)
    if _parked or _dropped:
        _release_completed(driver)
    return (stream, driver.record(stream) if _epoch is not None else None), key


def _event_of(ready: tuple[Any, Any]) -> Any:
    # A write from before the second stream: the epoch event covers it.
    return ready[1] if ready[1] is not None else _epoch[1]  # type: ignore[index]


def wait_for(ready: Ready) -> Any:
    """Make the current stream wait (on the device) for ``ready``; return the reader.

    The reader, ``(stream key, (stream, None))``, is the current stream when it is not
    the writer's, for ``add_reader``; ``None`` otherwise (and on NumPy). No event is
    recorded for it now (the reading kernel is not queued yet): a later write or free
    records one on that stream (see the module docstring).
    """
    if ready is None:
        return None
    driver = _driver()
    if driver is None:
        return None
    stream = driver.current_stream()
    key = _observe(driver, stream)
    if key == driver.stream_key(ready[0]):
        return None
    driver.wait(stream, _event_of(ready))
    return key, (stream, None if key[2] is None else driver.record(stream))


def _reader_event(driver: Any, key: StreamKey, entry: tuple[Any, Any]) -> Any:
    """An event after every read queued so far on the reader stream ``key``."""
    stream, recorded_at_read = entry
    if key[2] is None or key[2] == threading.get_ident():
        return driver.record(stream)
    return recorded_at_read  # another thread's per-thread stream: the best there is


def wait_after(readies: list[Ready]) -> None:
    """Make the current stream wait for each of ``readies`` (``depend``'s effects)."""
    if not readies:
        return
    driver = _driver()
    if driver is None:
        return
    stream = driver.current_stream()
    key = _observe(driver, stream)
    for ready in readies:
        if ready is not None and driver.stream_key(ready[0]) != key:
            driver.wait(stream, _event_of(ready))


def wait_before_write(ready: Ready, readers: dict[StreamKey, Any]) -> None:
    """Make the current stream wait for every queued access to a buffer it will overwrite:
    the reads on other streams, and everything on the last writer's stream."""
    if ready is None and not readers:
        return
    driver = _driver()
    if driver is None:
        return
    stream = driver.current_stream()
    key = _observe(driver, stream)
    for reader_key, entry in readers.items():
        if reader_key != key:  # recorded now: after every read queued on that stream
            driver.wait(stream, _reader_event(driver, reader_key, entry))
    if ready is not None and driver.stream_key(ready[0]) != key:
        # Recorded now, on the writer's stream: covers its write and the reads queued there.
        driver.wait(stream, driver.record(ready[0]))


def release(array: Any, ready: Ready, readers: dict[StreamKey, Any], home: StreamKey | None) -> None:
    """Drop a buffer; park it while an access on a stream other than ``home`` may be queued.

    An event is recorded now on each such stream (the readers', the last writer's), so
    it follows every access queued there. Accesses on the home stream need nothing:
    CuPy reuses the block in that stream's order. Single-stream processes never park.
    """
    if array is None or _epoch is None:
        return
    driver = _driver()
    if driver is None:
        return
    events = [_reader_event(driver, reader_key, entry) for reader_key, entry in readers.items()
              if reader_key != home]
    if ready is not None and (home is None or driver.stream_key(ready[0]) != home):
        events.append(driver.record(ready[0]))
    if events:
        _dropped.append((array, events))  # atomic: no lock taken here (see _dropped)


def _release_completed(driver: Any) -> None:
    with _lock:
        while _dropped:
            _parked.append(_dropped.popleft())
        _parked[:] = [(array, events) for array, events in _parked
                      if not all(driver.done(e) for e in events)]


def parked_buffers() -> int:
    """Return how many dropped buffers wait for a queued access before going back to the pool."""
    driver = _driver()
    if driver is not None and (_parked or _dropped):
        _release_completed(driver)
    return len(_parked) + len(_dropped)


def add_reader(readers: dict[StreamKey, Any], reader: Any) -> dict[StreamKey, Any]:
    """Return ``readers`` with ``reader`` (from ``wait_for``) in place of that stream's entry."""
    key, entry = reader
    if readers.get(key) == entry:  # an explicit stream read again: nothing new to keep
        return readers
    return {**readers, key: entry}


def still_pending(readies: list[Ready]) -> list[Ready]:
    """Return ``readies`` without duplicates, ``None`` entries and completed events."""
    driver = _driver()
    out: list[Ready] = []
    seen: set[int] = set()
    for ready in readies:
        if ready is None:
            continue
        event = ready[1]
        if event is not None and (id(event) in seen or (driver is not None and driver.done(event))):
            continue
        if event is not None:
            seen.add(id(event))
        out.append(ready)
    return out


# --------------------------------------------------------------------------- devices

def current_device() -> int | None:
    """Return the current CUDA device (``None`` on NumPy)."""
    driver = _driver()
    return None if driver is None else driver.current_device()


def array_device(array: Any) -> int | None:
    """Return the device ``array`` lives on (``None`` for host arrays)."""
    driver = _driver()
    return None if driver is None else driver.array_device(array)


def check_same_device(where: str, first: tuple[str, int | None],
                      second: tuple[str, int | None]) -> None:
    """Raise ValueError when two operands (``(name, device)``) live on different devices."""
    (name_a, device_a), (name_b, device_b) = first, second
    if device_a is not None and device_b is not None and device_a != device_b:
        raise ValueError(f"{where}: `{name_a}` is on GPU {device_a} and `{name_b}` on GPU "
                         f"{device_b}; operands must be on one device (copy one across "
                         f"first, e.g. inside `with cupy.cuda.Device({device_a}):`).")
