"""Testbench for hdl/gic/rtl/its_doorbell.v (GICv3 ITS) in the verilog-axi bench shape.

TB builds: the clock, an AxiLiteMaster on the control frame (s_axil_*), an AxiMaster
for device doorbell writes on the translation frame (s_axi_*, awuser = DeviceID), an
AxiRam on m_axi_* sharing one MemoryImage with the driver model (pymodel.its) through
a FaultyMemory (bus-error injection), and an
LpiMonitor on lpi_* that drives random lpi_ready back-pressure. set_idle_generator /
set_backpressure_generator put pause generators on every AXI channel.
`WBeatTamper` edits the device master's W beats on their way out (noise in the
unstrobed lanes, sparse strobes cocotbext-axi cannot build).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import Callable, Optional

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster, AxiRam

from pymodel.hwdefs import its as H
from pymodel.its import Drop, Lpi, its_node, its_wait_for_range_completion
from pymodel.memory import MemoryImage, TablePageAllocator
from tb.faulty_memory import FaultyMemory
from tb.pause import random_pauses
from tb import coverage as cov
from tb import sink_ready
from tb.protocol_checker import attach_checkers
from tb.monitors import ReadySink
from tb.timeouts import WaitTimeout, wait_named

TABLE_POOL = 0x4000_0000
TABLE_POOL_SIZE = 1 << 26


class WBeatTamper:
    """Sits between an AxiMaster and its W channel: every beat leaving gets its
    unstrobed byte lanes filled with random bytes (AXI says they carry no data, so
    the DUT must not look at them), and the next queued edit, if any, is applied
    (e.g. a sparse strobe pattern). The bus protocol stays cocotbext-axi's."""

    def __init__(self, master, rng: random.Random, noise: bool = True):
        self.channel = master.write_if.w_channel
        self.rng = rng
        self.noise = noise
        self.edits: list[Callable] = []
        self.lanes = len(self.channel.bus.wstrb)
        self._send = self.channel.send
        self.channel.send = self._tampered_send

    async def _tampered_send(self, w) -> None:
        if self.edits:
            self.edits.pop(0)(w)
        if self.noise:
            strb = int(w.wstrb)
            keep = sum(0xFF << (8 * i) for i in range(self.lanes) if strb >> i & 1)
            w.wdata = (int(w.wdata) & keep) | (self.rng.getrandbits(8 * self.lanes) & ~keep)
        await self._send(w)

    def next_beat(self, edit: Callable) -> None:
        """Apply `edit(w)` to the next W beat sent."""
        self.edits.append(edit)


@dataclass(frozen=True)
class LpiTxn:
    intid: int
    target: int
    cycle: int       # rising edge of the handshake


class LpiMonitor(ReadySink):
    """lpi_* sink (stands in for the redistributor): random lpi_ready, records LPIs."""

    def __init__(self, dut, clk, p_ready: float = 1.0, rng: Optional[random.Random] = None):
        super().__init__(dut, clk, "lpi_", ("intid", "target"), p_ready, rng)

    @property
    def txns(self) -> list[LpiTxn]:
        return [LpiTxn(b.fields["intid"], b.fields["target"], b.cycle) for b in self.beats]


class ItsTB:
    def __init__(self, dut, *, seed: int = 0, p_ready: float = 1.0, queue_pages: int = 16,
                 devbits: Optional[int] = None, nr_cpus: int = 4):
        self.dut = dut
        cov.instrument_its_reference()   # functional coverage of commands and drops
        self.log = logging.getLogger("cocotb.tb")
        self.log.setLevel(logging.INFO)
        self.rng = random.Random(seed)
        dut.rst.value = 1           # in reset from the first clock edge (no X on VALIDs)
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        self.memory = MemoryImage()
        self.allocator = TablePageAllocator(self.memory, TABLE_POOL, TABLE_POOL_SIZE)
        self.devbits = devbits or len(dut.s_axi_awuser)
        # what GITS_TYPER.HCC and the redistributor count are on this build
        self.num_collections = int(dut.NUM_COLL.value)
        self.num_redistributors = int(dut.NUM_RD.value)
        self.queue_pages = queue_pages
        self.nr_cpus = nr_cpus
        self.its = self._driver()
        self.ctrl_writes: list[int] = []          # offsets of control-frame writes, in order
        for name in ("s_axil", "s_axi", "m_axi"):
            logging.getLogger(f"cocotb.{dut._name}.{name}").setLevel(logging.WARNING)
        self.ctrl = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        sink_ready.install()     # READY written only when it changes (tb/sink_ready.py)
        self.dev = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
        self.dev_w = WBeatTamper(self.dev, random.Random(seed ^ 0x7E7E))
        # the ITS's memory port sees the image through FaultyMemory: tests inject
        # SLVERR on chosen table / queue addresses (tb.faulty_memory)
        self.faulty = FaultyMemory(self.memory)
        # the reference is told the same failing addresses (it never looks at the RTL)
        self.its.reference.read_errors = self.faulty.read_error_addrs
        self.its.reference.write_errors = self.faulty.write_error_addrs
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, mem=self.faulty)
        self.checker = attach_checkers(dut, dut.clk, dut.rst)   # every port of its_doorbell
        self.lpis = LpiMonitor(dut, dut.clk, p_ready, random.Random(seed ^ 0x5A5A))
        self.lpis.start()
        self.w_handshakes: list[int] = []
        cocotb.start_soon(self._watch_w())

    def _driver(self) -> its_node:
        return its_node(self.memory, self.allocator, nr_cpus=self.nr_cpus, devbits=self.devbits,
                        num_collections=self.num_collections,
                        num_redistributors=self.num_redistributors,
                        cmd_queue_size=self.queue_pages * 4096)

    def new_kernel(self) -> its_node:
        """A kexec'd kernel: a fresh driver (its own zeroed command queue and device
        table, no device mapped) over the same memory. The reference's counters carry
        over (the ITS's do). Call with the ITS disabled, then its_probe()."""
        old = self.its.reference
        if old.enabled:
            raise AssertionError("new_kernel: disable the ITS first (GITS_CTLR.Enabled = 0)")
        self.its = self._driver()
        ref = self.its.reference
        ref.drops, ref.translated, ref.commands_done = old.drops, old.translated, old.commands_done
        ref.read_errors, ref.write_errors = old.read_errors, old.write_errors
        ref.enabled = False
        return self.its

    async def its_disable(self) -> None:
        """GITS_CTLR.Enabled = 0 (the reference drops its cached-translation set)."""
        await self.write32(H.GITS_CTLR, 0)
        self.its.reference.its_disable()

    # ---- bench knobs -----------------------------------------------------------------
    def set_idle_generator(self, p: float) -> None:
        """Pauses on the channels the testbench drives (AW/W/AR of both masters, R/B of the RAM)."""
        if p <= 0:
            return
        for ch in (self.ctrl.write_if.aw_channel, self.ctrl.write_if.w_channel,
                   self.ctrl.read_if.ar_channel, self.dev.write_if.aw_channel,
                   self.dev.write_if.w_channel, self.dev.read_if.ar_channel,
                   self.ram.write_if.b_channel, self.ram.read_if.r_channel):
            ch.set_pause_generator(random_pauses(p, random.Random(self.rng.random())))

    def set_backpressure_generator(self, p: float) -> None:
        """Pauses on the channels the testbench receives (B/R of the masters, AW/W/AR of the RAM)."""
        if p <= 0:
            return
        for ch in (self.ctrl.write_if.b_channel, self.ctrl.read_if.r_channel,
                   self.dev.write_if.b_channel, self.dev.read_if.r_channel,
                   self.ram.write_if.aw_channel, self.ram.write_if.w_channel,
                   self.ram.read_if.ar_channel):
            ch.set_pause_generator(random_pauses(p, random.Random(self.rng.random())))

    async def cycle_reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 4)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)

    async def _watch_w(self) -> None:
        cycle = 0
        while True:
            await FallingEdge(self.dut.clk)
            cycle += 1
            if int(self.dut.s_axi_wvalid.value) and int(self.dut.s_axi_wready.value):
                self.w_handshakes.append(cycle + 1)

    # ---- registers -------------------------------------------------------------------
    async def read32(self, off: int) -> int:
        return await self.ctrl.read_dword(off)

    async def write32(self, off: int, value: int) -> None:
        self.ctrl_writes.append(off)
        await self.ctrl.write_dword(off, value & 0xFFFF_FFFF)

    async def read64(self, off: int) -> int:
        lo = await self.read32(off)
        hi = await self.read32(off + 4)
        return (hi << 32) | lo

    async def write64(self, off: int, value: int) -> None:
        """64-bit register as two 32-bit writes, lower half first and upper half last,
        as a 32-bit v6.1 kernel does (arch/arm/include/asm/arch_gicv3.h:
        gits_write_baser/cbaser/cwriter are __gic_writeq_nonatomic, low word then high)."""
        await self.write32(off, value)
        await self.write32(off + 4, value >> 32)

    # ---- driver flow -----------------------------------------------------------------
    async def its_probe(self, enable: bool = True) -> None:
        """Write the tables and queue bases, then enable (its_probe order)."""
        for off, value in self.its.its_probe_writes():
            await self.write64(off, value)
        if enable:
            await self.write32(H.GITS_CTLR, 1 << H.CTLR_ENABLED_BIT)
            self.its.reference.its_enable()

    async def creadr(self) -> tuple[int, bool]:
        v = await self.read32(H.GITS_CREADR)
        return v & ~(H.CMD_SIZE - 1), bool(v & (1 << H.CREADR_STALLED_BIT))  # offset in commands

    async def its_post_commands(self, timeout_us: float = 500) -> None:
        """Write GITS_CWRITER and wait until GITS_CREADR has consumed the new commands
        (its_wait_for_range_completion); fails if the ITS stalls."""
        cwriter = self.its.cwriter_value()
        rd0, _ = await self.creadr()
        await self.write32(H.GITS_CWRITER, cwriter)

        async def _poll():
            while True:
                rd, stalled = await self.creadr()
                if stalled:
                    err = await self.read32(H.GITS_IMPDEF_CMD_ERROR)
                    raise AssertionError(f"ITS stalled at CREADR={rd:#x} error={err:#x}")
                if its_wait_for_range_completion(rd0, cwriter, rd, self.its.cmd_queue_size):
                    return
        await wait_named(_poll(), f"GITS_CREADR to reach CWRITER={cwriter:#x}", timeout_us)

    async def wait_stalled(self, timeout_us: float = 200) -> tuple[int, int]:
        """Post CWRITER and wait for GITS_CREADR.Stalled; returns (CREADR, error code)."""
        await self.write32(H.GITS_CWRITER, self.its.cwriter_value())

        async def _poll():
            while True:
                rd, stalled = await self.creadr()
                if stalled:
                    return rd, await self.read32(H.GITS_IMPDEF_CMD_ERROR)
        return await wait_named(_poll(), "GITS_CREADR.Stalled", timeout_us)

    async def doorbell(self, devid: int, event: int, *, size: int = 2, awid: int = 0) -> None:
        """A device's MSI write: 32-bit EventID to GITS_TRANSLATER, DeviceID on awuser."""
        await self.dev.write(H.TRANSLATER_OFFSET, event.to_bytes(4, "little"),
                             awid=awid, user=devid, size=size)

    async def drop_counters(self) -> dict[str, int]:
        from pymodel.its import DROP_COUNTERS
        return {k: await self.read32(off) for k, off in DROP_COUNTERS.items()}

    async def check_counters(self) -> None:
        """RTL drop/translation counters equal the reference's."""
        ref = self.its.reference
        got = await self.drop_counters()
        assert got == ref.drops, f"drop counters RTL {got} != model {ref.drops}"
        tr = await self.read32(H.GITS_IMPDEF_TRANSLATED)
        assert tr == ref.translated, f"translated RTL {tr} != model {ref.translated}"

    async def check_lpis(self, expected: list[Lpi], timeout_us: float = 200) -> None:
        """The LPIs seen since the last check equal `expected` as a multiset, and
        nothing else arrives for a while afterwards."""
        start = getattr(self, "_lpi_mark", 0)
        await self.lpis.wait_count(start + len(expected), timeout_us)
        await ClockCycles(self.dut.clk, 40)
        got = [Lpi(t.intid, t.target) for t in self.lpis.txns[start:]]
        self._lpi_mark = len(self.lpis.txns)
        key = lambda x: (x.intid, x.target)  # noqa: E731
        assert sorted(got, key=key) == sorted(expected, key=key), \
            "LPIs differ:\n  got      " + ", ".join(f"({x.intid:#x}->{x.target})" for x in got) \
            + "\n  expected " + ", ".join(f"({x.intid:#x}->{x.target})" for x in expected)

    async def send_doorbells(self, writes: list[tuple[int, int]], concurrent: bool = False) -> list[Lpi]:
        """Perform doorbell writes and return the LPIs the reference predicts."""
        expected = []
        for devid, event in writes:
            out = self.its.reference.translate(devid, event)
            if isinstance(out, Lpi):
                expected.append(out)
        if concurrent:
            tasks = [cocotb.start_soon(self.doorbell(d, e, awid=i % 4))
                     for i, (d, e) in enumerate(writes)]
            for t in tasks:
                await t
        else:
            for d, e in writes:
                await self.doorbell(d, e)
        return expected


__all__ = ["ItsTB", "LpiMonitor", "WBeatTamper", "WaitTimeout", "wait_named", "Drop", "Lpi"]
