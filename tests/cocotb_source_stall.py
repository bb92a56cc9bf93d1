"""tb/source_stall.py against cocotbext-axi's own StreamSource loop, side by side.

On tb/hdl/tb_protocol_bus.v (wires only) three sources send the same frames on three
channels whose READYs the test drives with one random pattern (seeded from the test
seed, printed): held, raised or dropped at an edge or mid-cycle, pulses that rise and
fall between two edges, and resets in between. The AW source runs the library's loop,
the AR source run_sleeping_while_stalled, the W source a mutant of it that takes the
first edge after READY rises as a handshake without sampling READY. Each channel's
handshakes (the edge, the payload signals) are recorded from the wires, not from the
models; frames repeat a field now and then, as the sleeping source writes only the
payload signals that change.
The AR channel must match the AW channel edge for edge; the W channel must not (the
comparison can fail).
"""

from __future__ import annotations

import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, Timer
from cocotbext.axi import AxiBus
from cocotbext.axi.axi_channels import AxiARSource, AxiAWSource, AxiWSource

from tb import ordered_wake, source_stall
from tb.protocol_bus import quiet_inputs, random_resets
from tb.timeouts import wait_named

FRAMES = 300


async def mutant_run(self) -> None:
    """The plausible bug: after READY rises, the next edge is taken as the handshake
    (READY is not sampled at the edge, so a pulse that fell before it is a transfer)."""
    clock_edge_event = RisingEdge(self.clock)
    ready_rise = RisingEdge(self.ready)
    while True:
        await clock_edge_event
        ready_sample = self.ready.value
        valid_sample = self.valid.value
        if (ready_sample and valid_sample) or (not valid_sample):
            if not self.queue.empty() and not self.pause:
                self.bus.drive(self.queue.get_nowait())
                self.dequeue_event.set()
                self.valid.value = 1
                self.active = True
            else:
                self.valid.value = 0
                self.active = not self.queue.empty()
                if self.queue.empty():
                    self.idle_event.set()
                    self.active_event.clear()
                    await self.active_event.wait()
        else:
            await ready_rise
            await clock_edge_event          # the bug: this edge is a handshake
            if not self.queue.empty():
                self.bus.drive(self.queue.get_nowait())
                self.dequeue_event.set()
            else:
                self.valid.value = 0


class LibraryAW(AxiAWSource):
    _run = source_stall.library_run


class SleepingAR(AxiARSource):
    _run = source_stall.run_sleeping_while_stalled


class MutantW(AxiWSource):
    _run = mutant_run


READIES = ("m_axi_awready", "m_axi_arready", "m_axi_wready")


def set_ready(dut, value: int) -> None:
    for name in READIES:
        getattr(dut, name).value = value


async def ready_pattern(dut, rng: random.Random, cycles: int) -> None:
    """One READY waveform on all three channels, cycle by cycle from a rising edge."""
    for _ in range(cycles):
        await RisingEdge(dut.clk)
        kind = rng.choice(("hold", "hold", "edge", "mid", "pulse", "dip"))
        if kind == "hold":
            continue
        if kind == "edge":                  # new value from this edge on
            set_ready(dut, rng.getrandbits(1))
        elif kind == "mid":                 # changes mid-cycle, held to the next edge
            await Timer(rng.choice((1, 3, 5, 7)), unit="ns")
            set_ready(dut, rng.getrandbits(1))
        else:       # pulse: high between two edges, low at both; dip: the other way
            at_edges = int(kind == "dip")
            for value, after_ns in ((at_edges, 2), (1 - at_edges, 5)):
                set_ready(dut, value)
                await Timer(after_ns, unit="ns")
            set_ready(dut, at_edges)


async def record(dut, valid: str, ready: str, payload: tuple, log: list, stalls: list) -> None:
    """Every handshake on the wires, (edge number, payload signals' values), and every
    stalled edge (VALID without READY) while out of reset."""
    edge = 0
    while True:
        await RisingEdge(dut.clk)
        edge += 1
        if dut.rst.value or not getattr(dut, valid).value:
            continue
        if getattr(dut, ready).value:
            log.append((edge, tuple(int(getattr(dut, p).value) for p in payload)))
        else:
            stalls.append(edge)


@cocotb.test()
async def sleeping_source_hands_over_on_the_library_edges(dut):
    seed = cocotb.RANDOM_SEED
    rng = random.Random(seed)
    dut._log.info("source_stall side-by-side: random seed %d (the runner's SEED reproduces it)",
                  seed)
    quiet_inputs(dut, READIES)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    ordered_wake.install()
    dut.rst.value = 1
    bus = AxiBus.from_prefix(dut, "s_axi")
    sources = {"aw": LibraryAW(bus.write.aw, dut.clk, dut.rst),
               "ar": SleepingAR(bus.read.ar, dut.clk, dut.rst),
               "w": MutantW(bus.write.w, dut.clk, dut.rst)}
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0
    logs = {"aw": [], "ar": [], "w": []}
    stalls = {"aw": [], "ar": [], "w": []}
    # the AW and AR payloads the same fields (the channels must match), W its own; a
    # field repeats from frame to frame now and then (tb/source_stall.py writes only
    # the signals that change)
    for ch, fields in (("aw", ("addr", "id", "len", "size")), ("ar", ("addr", "id", "len", "size")),
                       ("w", ("data", "strb"))):
        cocotb.start_soon(record(dut, f"m_axi_{ch}valid", f"m_axi_{ch}ready",
                                 tuple(f"m_axi_{ch}{f}" for f in fields), logs[ch], stalls[ch]))
    cycles = FRAMES * 6
    pattern = cocotb.start_soon(ready_pattern(dut, rng, cycles))
    cocotb.start_soon(random_resets(dut, rng, 3, (cycles // 5, cycles // 4)))
    for i in range(FRAMES):
        # the same frame on each channel, bursts and idle gaps between them
        if rng.random() < 0.3:
            await ClockCycles(dut.clk, rng.randrange(1, 8))
        value, id_ = rng.getrandbits(32), rng.choice((0, 0, 1))
        len_, size, strb = rng.choice((0, 0, 3)), rng.choice((3, 3, 2)), rng.choice((0xFF, 0x0F))
        sources["aw"].send_nowait(sources["aw"]._transaction_obj(
            awaddr=value, awid=id_, awlen=len_, awsize=size, awburst=1))
        sources["ar"].send_nowait(sources["ar"]._transaction_obj(
            araddr=value, arid=id_, arlen=len_, arsize=size, arburst=1))
        sources["w"].send_nowait(sources["w"]._transaction_obj(wdata=value, wstrb=strb, wlast=1))
    await wait_named(pattern, "the READY pattern's last cycle", timeout_us=cycles / 100 + 10)
    lib, sleeping, mutant = logs["aw"], logs["ar"], logs["w"]
    dut._log.info("handshakes: library %d, sleeping %d, mutant %d; stalled edges %d",
                  len(lib), len(sleeping), len(mutant), len(stalls["ar"]))
    assert len(lib) > FRAMES // 2, f"only {len(lib)} handshakes: the pattern stalls too much"
    assert len(stalls["ar"]) > FRAMES // 2, f"only {len(stalls['ar'])} stalled edges"
    assert stalls["ar"] == stalls["aw"], "the sleeping source stalled on other edges"
    for a, b in zip(lib, sleeping):
        assert a == b, f"sleeping source {b} where the library's loop handed over {a}"
    assert len(lib) == len(sleeping), f"{len(lib)} handshakes from the library, {len(sleeping)}"
    assert mutant != lib, "the mutant source made the library's handshakes: the test is blind"
    await RisingEdge(dut.clk)
