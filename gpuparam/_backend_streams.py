"""Stream-ordered memory: which accesses to a buffer must finish before the next one.

DESIGN.md contracts 7 and 8. A tensor keeps, beside its buffer:

- ``ready``: ``(stream, event)`` of its last write. ``event`` is ``None`` for writes made
  while only one stream had been used: then one *epoch* event, recorded on that first
  stream when a second stream appears, stands for all of them, so single-stream code
  records no events at all;
- ``readers``: ``{stream key: (stream, event)}``, one event per stream other than the
  writer's that read the buffer (the newest read on a stream covers the older ones);
- ``home``: the key of the stream the buffer was allocated on (CuPy's pool gives a
  freed block back to that stream's arena), ``None`` when unknown (a view).

Readers wait for ``ready``; writers on another stream wait for the readers and for the
last writer's stream (an event recorded then covers the write and every read queued on
that stream); a buffer dropped while an access on a stream other than its home may still
be queued is parked until those events complete, then released to the pool. All waits
are device-side (``cudaStreamWaitEvent``); nothing here synchronizes the host.

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

from . import _backend

Ready = Union[tuple[Any, Any], None]
StreamKey = tuple[int, int, Union[int, None]]

# cudaStreamPerThread: the same handle names a different stream in every host thread.
_PER_THREAD_STREAM = 2


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
    if _backend.active_backend() != "cupy":
        return None
    if _cupy_driver is None:
        _cupy_driver = _CupyDriver(_backend.active_array_module())
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
    """Make the current stream wait (on the device) for ``ready``; return a reader event.

    The reader event is recorded on the current stream when it is not the writer's, for
    later writers and frees to wait on; ``None`` otherwise (and on NumPy).
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
    return key, (stream, driver.record(stream))


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
    for reader_key, (_, event) in readers.items():
        if reader_key != key:
            driver.wait(stream, event)
    if ready is not None and driver.stream_key(ready[0]) != key:
        # Recorded now, on the writer's stream: covers its write and the reads queued there.
        driver.wait(stream, driver.record(ready[0]))


def release(array: Any, ready: Ready, readers: dict[StreamKey, Any], home: StreamKey | None) -> None:
    """Drop a buffer; park it while an access on a stream other than ``home`` may be queued.

    Accesses on the home stream need nothing: CuPy reuses the block in that stream's
    order. Single-stream processes never park.
    """
    if array is None or _epoch is None:
        return
    driver = _driver()
    if driver is None:
        return
    events = [event for reader_key, (_, event) in readers.items()
              if reader_key != home and not driver.done(event)]
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
    """Return ``readers`` with ``reader`` (from ``wait_for``) in place of that stream's last."""
    key, entry = reader
    driver = _driver()
    kept = {k: v for k, v in readers.items()
            if k != key and (driver is None or not driver.done(v[1]))}
    kept[key] = entry
    return kept


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
