"""tb/sink_ready.py against cocotbext-axi's own StreamSink loop, side by side.

On tb/hdl/tb_protocol_bus.v (wires only) three sinks take the same beats on three
channels whose VALIDs the test drives with one random pattern (seeded from the test
seed, printed). Each sink has the same random pause sequence, a queue of at most two
beats that one consumer drains at random (the same pops from each), and resets come
in between. The AW sink runs the library's loop, the AR sink run_writing_ready_on_change,
the W sink a mutant of it that starts a task as if READY were already high (the bug a
reset exposes: the library's reset handler drops READY). Recorded from the wires at
every edge: READY, and each handshake's payload; from the consumer: the beats in order.
The AR channel must match the AW channel edge for edge; the W channel must not (the
comparison can fail).
"""

from __future__ import annotations

import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiBus
from cocotbext.axi.axi_channels import AxiARSink, AxiAWSink, AxiWSink

from tb import ordered_wake, sink_ready
from tb.protocol_bus import quiet_inputs, random_resets
from tb.timeouts import wait_named

CYCLES = 2000
QUEUE_LIMIT = 2


async def mutant_run(self) -> None:
    """run_writing_ready_on_change with the plausible bug: READY taken as already high
    when the task starts, so after a reset (READY written 0) it is not raised again
    until a pause or a full queue changes the value to drive."""
    clock_edge_event = RisingEdge(self.clock)
    wake_event = self.wake_event.wait()
    driven = True                   # the bug
    while True:
        pause_sample = bool(self.pause)
        await clock_edge_event
        ready_sample = self.ready.value
        valid_sample = self.valid.value
        if ready_sample and valid_sample:
            obj = self._transaction_obj()
            self.bus.sample(obj)
            self.queue.put_nowait(obj)
            self.active_event.set()
        paused = self.full() or pause_sample
        if driven == paused:
            self.ready.value = not paused
            driven = not paused
        if (not valid_sample or paused) and (pause_sample == bool(self.pause)):
            self.wake_event.clear()
            await wake_event


class LibraryAW(AxiAWSink):
    _run = sink_ready.library_run


class ChangeOnlyAR(AxiARSink):
    _run = sink_ready.run_writing_ready_on_change


class MutantW(AxiWSink):
    _run = mutant_run


CHANNELS = {"aw": "awaddr", "ar": "araddr", "w": "wdata"}


async def valid_pattern(dut, rng: random.Random, cycles: int) -> None:
    """One VALID waveform and payload on all three channels, set after each edge."""
    for _ in range(cycles):
        await RisingEdge(dut.clk)
        if rng.random() < 0.4:
            valid, value = rng.random() < 0.6, rng.getrandbits(32)
            for ch, payload in CHANNELS.items():
                getattr(dut, f"s_axi_{ch}valid").value = int(valid)
                getattr(dut, f"s_axi_{payload}").value = value


async def record(dut, ch: str, readies: list, beats: list) -> None:
    """READY at every edge out of reset, and every handshake's (edge, payload)."""
    edge = 0
    valid, ready = getattr(dut, f"m_axi_{ch}valid"), getattr(dut, f"m_axi_{ch}ready")
    payload = getattr(dut, f"m_axi_{CHANNELS[ch]}")
    while True:
        await RisingEdge(dut.clk)
        edge += 1
        if dut.rst.value:
            continue
        readies.append((edge, int(ready.value)))
        if ready.value and valid.value:
            beats.append((edge, int(payload.value)))


async def consumer(dut, rng: random.Random, sinks: dict, taken: dict) -> None:
    """Pops a beat from every sink that has one, on the same random edges."""
    while True:
        await RisingEdge(dut.clk)
        if rng.random() < 0.3:
            for ch, sink in sinks.items():
                if not sink.empty():
                    taken[ch].append(int(getattr(sink.recv_nowait(), CHANNELS[ch])))


@cocotb.test()
async def change_only_sink_drives_the_library_ready(dut):
    seed = cocotb.RANDOM_SEED
    rng = random.Random(seed)
    dut._log.info("sink_ready side-by-side: random seed %d (the runner's SEED reproduces it)",
                  seed)
    quiet_inputs(dut)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    ordered_wake.install()
    dut.rst.value = 1
    bus = AxiBus.from_prefix(dut, "m_axi")
    pauses = [rng.random() < 0.25 for _ in range(CYCLES + 100)]
    sinks = {"aw": LibraryAW(bus.write.aw, dut.clk, dut.rst),
             "ar": ChangeOnlyAR(bus.read.ar, dut.clk, dut.rst),
             "w": MutantW(bus.write.w, dut.clk, dut.rst)}
    for sink in sinks.values():
        sink.queue_occupancy_limit = QUEUE_LIMIT
        sink.set_pause_generator(iter(pauses))
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0
    readies = {ch: [] for ch in sinks}
    beats = {ch: [] for ch in sinks}
    taken = {ch: [] for ch in sinks}
    for ch in sinks:
        cocotb.start_soon(record(dut, ch, readies[ch], beats[ch]))
    cocotb.start_soon(consumer(dut, random.Random(rng.getrandbits(32)), sinks, taken))
    cocotb.start_soon(random_resets(dut, rng, 4, (CYCLES // 6, CYCLES // 5)))
    pattern = cocotb.start_soon(valid_pattern(dut, rng, CYCLES))
    await wait_named(pattern, "the VALID pattern's last cycle", timeout_us=CYCLES / 100 + 10)
    lib, change, mutant = beats["aw"], beats["ar"], beats["w"]
    low = sum(1 for _, r in readies["aw"] if not r)
    dut._log.info("handshakes: library %d, change-only %d, mutant %d; edges with READY low %d "
                  "of %d", len(lib), len(change), len(mutant), low, len(readies["aw"]))
    assert len(lib) > CYCLES // 10, f"only {len(lib)} handshakes"
    assert CYCLES // 10 < low < len(readies["aw"]) - CYCLES // 10, \
        f"READY low on {low} edges: too few changes to compare"
    for a, b in zip(readies["aw"], readies["ar"]):
        assert a == b, f"change-only sink READY {b} where the library's drove {a}"
    assert len(readies["aw"]) == len(readies["ar"])
    assert lib == change, "the change-only sink took other beats than the library's"
    assert taken["aw"] == taken["ar"], "the change-only sink queued other beats"
    assert readies["w"] != readies["aw"], "the mutant drove the library's READY: the test is blind"
    await RisingEdge(dut.clk)
