"""Stream-ordered memory (DESIGN.md contracts 7 and 8).

On the CPU the ordering logic runs against a fake CUDA layer (``FakeCuda``) that records
every event, wait and parked buffer, while the arrays stay NumPy arrays; the assertions
are about which stream waits for which event. The ``gpu`` tests at the end hold an access
open with a spin kernel, so a missing wait corrupts the result deterministically.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, nn, ops
from gpuparam import _backend
from gpuparam._backend import streams as _backend_streams
from gpuparam.common.initializer import initializer


class FakeStream:
    def __init__(self, name: str, device: int = 0) -> None:
        self.name, self.device = name, device

    def __repr__(self) -> str:
        return self.name


class FakeEvent:
    def __init__(self, stream: FakeStream, number: int, at: int) -> None:
        self.stream, self.number, self.done = stream, number, False
        self.at = at  # the FakeCuda clock when it was recorded: what it follows

    def __repr__(self) -> str:
        return f"event{self.number}@{self.stream.name}"


class FakeCuda:
    """Streams and events as plain objects; ``log`` lists ``('record', stream)`` and
    ``('wait', waiting stream, event)`` in the order gpuparam asked for them.

    ``clock`` counts the requests; ``queued()`` read right after an op stands for the
    op's kernel in its stream's queue (the arrays are NumPy: the op ran when its
    ``_read()`` returned), so an event with ``at >= queued()`` follows that kernel.
    """

    def __init__(self) -> None:
        self.main = FakeStream("main")
        self.stream = self.main
        self.device = 0
        self.log: list[tuple[Any, ...]] = []
        self.events: list[FakeEvent] = []
        self.devices: dict[int, int] = {}
        self.clock = 0

    @contextmanager
    def on(self, stream: FakeStream) -> Iterator[None]:
        saved, self.stream = self.stream, stream
        try:
            yield
        finally:
            self.stream = saved

    def current_stream(self) -> FakeStream:
        return self.stream

    def current_device(self) -> int:
        return self.device

    def stream_key(self, stream: FakeStream) -> tuple[int, int, int | None]:
        # A per-thread default stream is another stream in every host thread (as CUDA's).
        per_thread = getattr(stream, "per_thread", False)
        return stream.device, id(stream), threading.get_ident() if per_thread else None

    def record(self, stream: FakeStream) -> FakeEvent:
        self.clock += 1
        event = FakeEvent(stream, len(self.events), self.clock)
        self.events.append(event)
        self.log.append(("record", stream.name))
        return event

    def wait(self, stream: FakeStream, event: FakeEvent) -> None:
        self.clock += 1
        self.log.append(("wait", stream.name, event))

    def queued(self) -> int:
        """The clock now: call it right after an op to mark where its kernel was queued."""
        self.clock += 1
        return self.clock

    def complete_before(self, mark: int) -> None:
        """The device has run everything queued before ``mark``, and nothing after it."""
        for event in self.events:
            event.done = event.done or event.at < mark

    def waited_on(self, waiting: str, recorded_on: str) -> list[FakeEvent]:
        """The events ``waiting`` was made to wait for that were recorded on ``recorded_on``."""
        return [entry[2] for entry in self.log if entry[0] == "wait" and entry[1] == waiting
                and entry[2].stream.name == recorded_on]

    def done(self, event: FakeEvent) -> bool:
        return event.done

    def array_device(self, array: Any) -> int:
        return self.devices.setdefault(id(array), self.device)

    def waits(self) -> list[tuple[str, str]]:
        """(waiting stream, stream the event was recorded on) of every wait so far."""
        return [(entry[1], entry[2].stream.name) for entry in self.log if entry[0] == "wait"]

    def finish_all(self) -> None:
        for event in self.events:
            event.done = True


@pytest.fixture
def cuda() -> Iterator[FakeCuda]:
    fake = FakeCuda()
    gc.collect()  # tensors of earlier tests die under their own driver, not this one
    with _backend_streams.use_driver(fake):
        yield fake
        gc.collect()


def ones(n: int = 4) -> Tensor:
    return Tensor(np.ones(n, np.float32))


def test_single_stream_code_records_no_event(cuda):
    a = ones()
    b = (a + 1) * a
    b[0] = 5.0
    p = Parameter(ones(), name="p")
    ops.Assign()(p, b)
    p.set_data(ones())
    del a, b
    assert cuda.log == []
    assert not _backend_streams.multi_stream()
    assert _backend_streams.parked_buffers() == 0


def test_read_after_write_on_another_stream_waits_for_the_writer(cuda):
    side = FakeStream("side")
    with cuda.on(side):
        w = Parameter(initializer("ones", (8,), gpuparam.float32), name="w")
        w.init_data()  # the first stream seen is `side`
        (w + 0).asnumpy()
        assert cuda.log == []
    assert w._ready is not None and w._ready[0] is side
    total = w.sum()  # read on main: the second stream
    np.testing.assert_array_equal(total.asnumpy(), 8.0)
    # The epoch event, recorded on `side` when `main` appeared, stands for w's write.
    assert cuda.log[0] == ("record", "side")
    assert cuda.waits() == [("main", "side")]
    assert cuda.log[1][2] is _backend_streams._epoch[1]


def test_writes_after_the_second_stream_record_their_own_event(cuda):
    side = FakeStream("side")
    ones()  # main is the first stream
    with cuda.on(side):
        x = ones() * 3  # side appears: epoch on main, then x's own event on side
    assert [e.stream.name for e in cuda.events] == ["main", "side", "side"]
    write_event = x._ready[1]
    cuda.log.clear()
    x.asnumpy()
    assert cuda.log[0] == ("wait", "main", write_event)
    with cuda.on(side):
        cuda.log.clear()
        (x + 1).asnumpy()  # same stream as the writer: no wait on x
        assert cuda.waits() == []


def test_a_write_waits_for_reads_queued_on_other_streams(cuda):
    side = FakeStream("side")
    p = Parameter(ones(), name="p")  # written on main
    with cuda.on(side):
        doubled = p * 2  # read on side: side is remembered as a reader stream
        read = cuda.queued()
    assert p._readers[cuda.stream_key(side)][0] is side
    cuda.log.clear()
    ops.Assign()(p, Tensor(np.zeros(4, np.float32)))  # main overwrites p
    waited = cuda.waited_on("main", "side")
    assert waited and all(event.at > read for event in waited)  # after side's read kernel
    assert p._readers == {}
    np.testing.assert_array_equal(doubled.asnumpy(), 2.0)
    cuda.log.clear()
    with cuda.on(side):
        p[1:3] = 7.0  # side writes: waits for everything queued on main (the writer)
    assert cuda.waits() == [("side", "main")]
    np.testing.assert_array_equal(p.asnumpy(), [0, 7, 7, 0])


def test_a_write_on_another_stream_waits_for_reads_on_the_writers_stream(cuda):
    side = FakeStream("side")
    with cuda.on(side):
        ones()  # make two streams known
    t = ones()  # written on main, then read on main: no reader event (same stream)
    (t + 1).asnumpy()
    assert t._readers == {}
    cuda.log.clear()
    with cuda.on(side):
        t[0] = 2.0
    # An event recorded on main at the write covers t's write and the read queued after it.
    assert cuda.log[0] == ("record", "main")
    assert cuda.log[1][:2] == ("wait", "side") and cuda.log[1][2].stream is cuda.main


# The cross-stream race of issue 21 (W1): `_read()` returns before the caller queues the
# reading kernel, so an event recorded inside it would come before the read. The device
# can run everything up to the read kernel, and a write or free ordered on such an event
# would overtake the read. `cuda.complete_before(read)` models exactly that moment.

def test_a_write_is_ordered_after_the_read_kernel_not_after_the_point_before_it(cuda):
    side = FakeStream("side")
    p = Parameter(ones(), name="p")  # written on main
    with cuda.on(side):
        copy = p * 1  # the read kernel sits in side's queue from here on
        read = cuda.queued()
    cuda.complete_before(read)  # side is busy with the read; everything before it is done
    ops.Assign()(p, Tensor(np.zeros(4, np.float32)))  # main overwrites p
    pending = [e for e in cuda.waited_on("main", "side") if not e.done]
    assert pending, "main's overwrite waits for nothing that is still running on side"
    assert all(event.at > read for event in pending)
    np.testing.assert_array_equal(copy.asnumpy(), 1.0)


def test_a_buffer_stays_parked_while_a_read_on_another_stream_is_still_queued(cuda):
    side = FakeStream("side")
    t = Tensor(np.arange(6, dtype=np.float32))  # allocated on main
    with cuda.on(side):
        t * 1
        read = cuda.queued()
    cuda.complete_before(read)
    buffer = weakref.ref(t._array)
    del t
    gc.collect()
    assert _backend_streams.parked_buffers() == 1, "the block went back while side reads it"
    assert buffer() is not None
    cuda.finish_all()
    assert _backend_streams.parked_buffers() == 0 and buffer() is None


def test_a_shard_read_on_main_is_not_reused_by_the_next_shard_on_its_side_stream(cuda):
    # The documented pattern: init a shard on a side stream, read it on main (a broadcast
    # takes milliseconds), drop it, init the next shard on side (which reuses side's blocks).
    side = FakeStream("side")
    ones()  # main is in use too
    with cuda.on(side):
        p = Parameter(initializer("ones", (8,), gpuparam.float32), name="p").init_data()
    copy = p * 1  # the read on main
    read = cuda.queued()
    cuda.complete_before(read)
    old = weakref.ref(p._array)
    p.set_data(initializer("zeros", (8,), gpuparam.float32))  # the old block is dropped
    assert _backend_streams.parked_buffers() == 1 and old() is not None
    events = [e for _, waits in _backend_streams._parked for e in waits]
    assert [e.stream for e in events] == [cuda.main] and events[0].at > read  # after the read
    cuda.finish_all()
    assert _backend_streams.parked_buffers() == 0 and old() is None
    np.testing.assert_array_equal(copy.asnumpy(), 1.0)


def test_many_reads_on_a_stream_cost_one_event_at_the_write(cuda):
    side = FakeStream("side")
    p = Parameter(ones(), name="p")
    with cuda.on(side):
        results = [p * 1 for _ in range(5)]
    reader_records = sum(1 for e in cuda.events if e.stream is side) - len(results)
    assert reader_records == 0  # the reads recorded nothing (the results' writes did)
    cuda.log.clear()
    ops.Assign()(p, Tensor(np.zeros(4, np.float32)))
    assert cuda.log.count(("record", "side")) == 1 and len(cuda.waited_on("main", "side")) == 1


def test_a_per_thread_stream_read_in_another_thread_is_covered_by_its_read_time_event(cuda):
    # Only the reading thread can record on its per-thread default stream; a write from
    # another thread falls back to the event recorded at the read (covers what came before).
    per_thread = FakeStream("per-thread")
    per_thread.per_thread = True  # type: ignore[attr-defined]
    p = Parameter(ones(), name="p")

    def read() -> None:
        with cuda.on(per_thread):
            (p * 1).asnumpy()
        with cuda.on(per_thread):  # and a write from the same thread records lazily
            assert cuda.log.count(("record", "per-thread")) == 2  # read-time event, result

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    ((key, (stream, at_read)),) = p._readers.items()
    assert stream is per_thread and key[2] != threading.get_ident() and at_read is not None
    cuda.log.clear()
    ops.Assign()(p, Tensor(np.zeros(4, np.float32)))  # from this thread, on main
    assert cuda.waited_on("main", "per-thread") == [at_read]
    assert ("record", "per-thread") not in cuda.log  # never on another thread's stream


def test_a_buffer_read_on_another_stream_is_parked_until_the_read_completes(cuda):
    side = FakeStream("side")
    t = Tensor(np.arange(6, dtype=np.float32))  # allocated on main
    with cuda.on(side):
        (t * 1).asnumpy()
    buffer = weakref.ref(t._array)
    del t
    gc.collect()
    assert _backend_streams.parked_buffers() == 1
    assert buffer() is not None  # not back in the pool while side may still read it
    cuda.finish_all()
    assert _backend_streams.parked_buffers() == 0
    assert buffer() is None


def test_a_buffer_dropped_by_the_garbage_collector_inside_the_ordering_lock_is_parked(cuda):
    # Tensor.__del__ may run while this thread holds the module's lock (the garbage
    # collector runs at any allocation): dropping must neither deadlock nor lose the buffer.
    side = FakeStream("side")
    t = Tensor(np.arange(6, dtype=np.float32))
    with cuda.on(side):
        (t * 1).asnumpy()
    buffer = weakref.ref(t._array)
    done = threading.Event()

    def drop() -> None:
        nonlocal t
        with _backend_streams._lock:
            del t
            gc.collect()
        done.set()

    worker = threading.Thread(target=drop, daemon=True)
    worker.start()
    worker.join(10)
    assert done.is_set(), "dropping a tensor under the ordering lock deadlocked"
    assert buffer() is not None and _backend_streams.parked_buffers() == 1
    cuda.finish_all()
    assert _backend_streams.parked_buffers() == 0 and buffer() is None


def test_reads_on_the_home_stream_need_no_parking(cuda):
    side = FakeStream("side")
    with cuda.on(side):
        ones()
    t = ones()
    (t + 1).asnumpy()
    del t
    gc.collect()
    assert _backend_streams.parked_buffers() == 0


def test_set_data_parks_the_replaced_buffer(cuda):
    side = FakeStream("side")
    p = Parameter(Tensor(np.ones(4, np.float32)), name="p")
    with cuda.on(side):
        (p + 1).asnumpy()
    old = weakref.ref(p._array)
    p.set_data(Tensor(np.zeros(4, np.float32)))
    assert old() is not None and _backend_streams.parked_buffers() == 1
    p.set_data(initializer("ones", (4,), gpuparam.float32))  # lazy again: nothing more to park
    cuda.finish_all()
    assert _backend_streams.parked_buffers() == 0 and old() is None


def test_loading_a_lazy_source_parks_the_materialized_parameters_old_buffer(cuda):
    # load_param_into_net's "lazy stays lazy" assignment drops the parameter's buffer: it
    # must go through the release that parks a buffer another stream may still read.
    side = FakeStream("side")
    net = nn.Dense(2, 1)
    net.weight.init_data()  # materialized on main
    with cuda.on(side):
        (net.weight * 1).asnumpy()  # read on side
    old = weakref.ref(net.weight._array)
    lazy = Parameter(initializer("ones", (1, 2), gpuparam.float32), name="weight")
    gpuparam.load_param_into_net(net, {"weight": lazy})
    assert net.weight.has_init  # the source's initializer and key, not generated
    gc.collect()
    assert _backend_streams.parked_buffers() == 1 and old() is not None
    cuda.finish_all()
    assert _backend_streams.parked_buffers() == 0 and old() is None
    np.testing.assert_array_equal(net.weight.asnumpy(), [[1.0, 1.0]])


def test_a_written_buffer_dropped_from_a_foreign_writer_is_parked(cuda):
    side = FakeStream("side")
    p = Parameter(ones(), name="p")  # allocated on main
    with cuda.on(side):
        ops.Assign()(p, ones() * 5)  # last write on side, block belongs to main's arena
    del p
    gc.collect()
    assert _backend_streams.parked_buffers() == 1
    assert cuda.events[-1].stream is side  # recorded at the drop, on the writer's stream


def test_views_share_their_base_tensors_ordering(cuda):
    side = FakeStream("side")
    p = Parameter(Tensor(np.arange(8, dtype=np.float32)), name="p")
    row = p[2:6]
    with cuda.on(side):
        (row * 2).asnumpy()  # a read of the view on side counts as a read of p
        read = cuda.queued()
    cuda.log.clear()
    ops.Assign()(p, Tensor(np.zeros(8, np.float32)))
    waited = cuda.waited_on("main", "side")
    assert waited and all(event.at > read for event in waited)
    with cuda.on(side):
        p.reshape(2, 4)[0] = 3.0  # a write through a view (on side) is a write of p
    assert p._ready[0] is side
    cuda.log.clear()
    np.testing.assert_array_equal(p.asnumpy(), [3, 3, 3, 3, 0, 0, 0, 0])
    assert cuda.waits() == [("main", "side")]


@pytest.mark.parametrize("make_view", [lambda t: t.transpose(), lambda t: t.swapaxes(0, 1),
                                       lambda t: t.flatten(), lambda t: t.squeeze(),
                                       lambda t: t.expand_dims(0), lambda t: t.view(4, 2)])
def test_views_from_tensor_methods_share_their_base_tensors_ordering(cuda, make_view):
    side = FakeStream("side")
    p = Parameter(Tensor(np.arange(8, dtype=np.float32).reshape(2, 4)), name="p")
    view = make_view(p)
    with cuda.on(side):
        (view * 2).asnumpy()  # a read of the view on side counts as a read of p
        read = cuda.queued()
    cuda.log.clear()
    ops.Assign()(p, Tensor(np.zeros((2, 4), np.float32)))
    waited = cuda.waited_on("main", "side")
    assert waited and all(event.at > read for event in waited)


def test_depend_makes_readers_wait_for_the_effects(cuda):
    side = FakeStream("side")
    value = ones()
    with cuda.on(side):
        effect = ones() * 2
    assert ops.depend(value, effect) is value
    cuda.log.clear()
    (value + 1).asnumpy()
    assert ("wait", "main", effect._ready[1]) in cuda.log


def test_concurrent_depends_on_one_target_keep_every_event(cuda):
    side = FakeStream("side")
    with cuda.on(side):
        effects = [ones() for _ in range(64)]
    target = ones()
    barrier = threading.Barrier(8)

    def work(chunk: list[Tensor]) -> None:
        barrier.wait()
        for effect in chunk:
            ops.depend(target, effect)

    threads = [threading.Thread(target=work, args=(effects[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {id(r[1]) for r in target._after} == {id(e._ready[1]) for e in effects}


# --------------------------------------------------------------------------- devices

def test_operands_on_different_devices_raise_naming_both(cuda):
    a = ones()
    cuda.device = 1
    b = ones()
    assert (a._device, b._device) == (0, 1)
    with pytest.raises(ValueError, match=r"^Tensor: `self` is on GPU 1 and `other` on GPU 0"):
        b + a
    p = Parameter(ones(), name="p")
    with pytest.raises(ValueError, match=r"^Assign: `variable` is on GPU 1 and `value` on GPU 0"):
        ops.Assign()(p, a)
    x = Tensor(np.ones((1, 2, 4, 4), np.float32))
    cuda.device = 0
    w = Tensor(np.ones((3, 2, 3, 3), np.float32))
    with pytest.raises(ValueError, match=r"^Conv2D: `x` is on GPU 1 and `weight` on GPU 0"):
        ops.Conv2D(3, 3)(x, w)
    np.testing.assert_array_equal(p.asnumpy(), 1.0)  # the failed Assign changed nothing


def test_a_lazy_tensor_remembers_the_device_current_at_creation(cuda):
    cuda.device = 1
    lazy = initializer("ones", (3,), gpuparam.float32)
    cuda.device = 0
    assert lazy._device == 1


def _fake_cupy(device: int) -> Any:
    runtime = SimpleNamespace(getDevice=lambda: device)
    return SimpleNamespace(cuda=SimpleNamespace(runtime=runtime))


def test_stream_keys_include_the_device_and_the_thread_of_per_thread_streams():
    on0, on1 = (_backend_streams._CupyDriver(_fake_cupy(d)) for d in (0, 1))
    legacy = SimpleNamespace(ptr=0, device_id=-1)
    assert on0.stream_key(legacy) != on1.stream_key(legacy)
    explicit = SimpleNamespace(ptr=0x7F00, device_id=1)
    assert on0.stream_key(explicit) == on1.stream_key(explicit) == (1, 0x7F00, None)
    per_thread = SimpleNamespace(ptr=2, device_id=0)
    keys = [on0.stream_key(per_thread)]
    thread = threading.Thread(target=lambda: keys.append(on0.stream_key(per_thread)))
    thread.start()
    thread.join()
    assert keys[0] != keys[1]


def test_numpy_backend_has_no_stream_state():
    with _backend.use_backend("numpy"):
        t = ones() + 1
        assert t._ready is None and t._readers == {} and t._device is None


# --------------------------------------------------------------------------- GPU

SPIN = r"""
extern "C" __global__ void gpuparam_test_spin(long long cycles) {
    long long start = clock64();
    while (clock64() - start < cycles) { }
}
"""
SPIN_CYCLES = 400_000_000  # ~0.2 s: far longer than the host needs to queue the rest


def _spin(cupy: Any, stream: Any) -> None:
    kernel = cupy.RawKernel(SPIN, "gpuparam_test_spin")
    kernel((1,), (1,), (cupy.int64(SPIN_CYCLES),), stream=stream)


# A copy that spins first, then reads: the read itself is held back, so a write or a free
# ordered only up to the point before the read (issue 21, W1) corrupts it deterministically.
SLOW_COPY = r"""
extern "C" __global__ void gpuparam_test_slow_copy(const float* src, float* dst,
                                                   long long n, long long cycles) {
    if (threadIdx.x == 0) {
        long long start = clock64();
        while (clock64() - start < cycles) { }
    }
    __syncthreads();
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        dst[i] = src[i];
    }
}
"""


def test_the_slow_copy_kernel_compiles_with_nvrtc():
    try:
        ptx = _backend.nvrtc_compile(SLOW_COPY)
    except RuntimeError as exc:
        unavailable = "not installed" in str(exc) or "not usable" in str(exc)
        if unavailable and os.environ.get("GPUPARAM_REQUIRE_NVRTC") != "1":
            pytest.skip(f"NVRTC unavailable: {exc}")
        raise
    text = ptx.decode() if isinstance(ptx, bytes) else ptx
    assert ".entry gpuparam_test_slow_copy(" in text
    assert "%clock64" in text  # the spin reads the SM clock: not optimized away
    assert "bar.sync" in text  # every thread waits for the spin before it reads


@pytest.mark.gpu
def test_gpu_a_read_in_flight_keeps_its_buffer_from_the_next_allocation():
    # Review 2, section 6: p lives on side; main spins, then copies p; p's block is
    # dropped and a same-size tensor is generated on side. The block must stay parked
    # until main's copy has run, or the 7s land in it before the copy reads.
    import cupy
    from gpuparam.common.initializer import Constant
    with _backend.use_backend("cupy"):
        side = cupy.cuda.Stream(non_blocking=True)
        n = 1 << 22
        p = Parameter(initializer("ones", (n,), gpuparam.float32), name="p")
        p.init_data(stream=side)
        out = cupy.empty(n, cupy.float32)
        slow = cupy.RawKernel(SLOW_COPY, "gpuparam_test_slow_copy")
        slow((264,), (256,), (p._read(), out, cupy.int64(n), cupy.int64(SPIN_CYCLES)))
        time.sleep(0.005)  # anything recorded before `slow` has completed by now
        p.set_data(initializer("zeros", (n,), gpuparam.float32))  # the old block is dropped
        sevens = initializer(Constant(7.0), (n,), gpuparam.float32).init_data(stream=side)
        assert int((out != 1.0).sum()) == 0
        assert sevens.asnumpy().min() == 7.0


@pytest.mark.gpu
def test_gpu_read_after_write_across_streams():
    import cupy
    with _backend.use_backend("cupy"):
        side = cupy.cuda.Stream(non_blocking=True)
        n = 1 << 20
        p = Parameter(Tensor(np.zeros(n, np.float32)), name="p")
        twos = Tensor(np.full(n, 2.0, np.float32))  # uploaded before: no host sync below
        with side:
            _spin(cupy, side)  # the write below runs only after the spin
            ops.Assign()(p, twos)
        total = p.sum()  # on the main stream: must wait for side's write
        assert total.item() == 2.0 * n


@pytest.mark.gpu
def test_gpu_write_after_read_across_streams():
    import cupy
    with _backend.use_backend("cupy"):
        side = cupy.cuda.Stream(non_blocking=True)
        n = 1 << 20
        p = Parameter(Tensor(np.ones(n, np.float32)), name="p")
        zeros = Tensor(np.zeros(n, np.float32))
        with side:
            _spin(cupy, side)
            copy = p * 1  # a read held back by the spin
        ops.Assign()(p, zeros)  # main must wait for that read
        assert copy.sum().item() == n
        assert p.sum().item() == 0


@pytest.mark.gpu
def test_gpu_free_after_read_across_streams():
    import cupy
    with _backend.use_backend("cupy"):
        side = cupy.cuda.Stream(non_blocking=True)
        n = 1 << 22
        t = Tensor(np.ones(n, np.float32))  # allocated on main
        with side:
            _spin(cupy, side)
            copy = t * 1
        del t  # back to main's pool arena only after side's read
        gc.collect()
        reuse = Tensor(cupy.full(n, 7.0, cupy.float32))  # would take the same block
        assert copy.sum().item() == n
        assert reuse.sum().item() == 7.0 * n
