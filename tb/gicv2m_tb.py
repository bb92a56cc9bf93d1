"""Testbench for hdl/gic/rtl/gicv2m_frame.v: an AxiMaster on the frame (s_axi_*) whose W beats
carry random bytes in their unstrobed lanes (tb.its_tb.WBeatTamper), an SpiMonitor on
spi_* driving random spi_ready, pause generators on every AXI channel."""

from __future__ import annotations

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles
from cocotbext.axi import AxiBus, AxiMaster

from tb.its_tb import WBeatTamper
from tb import sink_ready
from tb.pause import random_pauses
from tb.monitors import ReadySink
from tb.protocol_checker import attach_checkers


class SpiMonitor(ReadySink):
    """spi_* sink: random spi_ready, records the raised SPI numbers."""

    def __init__(self, dut, p_ready: float, rng: random.Random):
        super().__init__(dut, dut.clk, "spi_", ("intid",), p_ready, rng)

    @property
    def spis(self) -> list[int]:
        return [b.fields["intid"] for b in self.beats]


class V2mTB:
    def __init__(self, dut, *, seed: int = 0, p_ready: float = 1.0):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}.s_axi").setLevel(logging.WARNING)
        dut.rst.value = 1           # in reset from the first clock edge (no X on VALIDs)
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        sink_ready.install()     # READY written only when it changes (tb/sink_ready.py)
        self.axi = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
        self.checker = attach_checkers(dut, dut.clk, dut.rst)   # every port of gicv2m_frame
        self.axi_w = WBeatTamper(self.axi, random.Random(seed ^ 0x4D4D))
        self.mon = SpiMonitor(dut, p_ready, random.Random(seed ^ 0x33))
        self.mon.start()

    def set_idle_generator(self, p: float) -> None:
        if p > 0:
            for ch in (self.axi.write_if.aw_channel, self.axi.write_if.w_channel,
                       self.axi.read_if.ar_channel):
                ch.set_pause_generator(random_pauses(p, random.Random(self.rng.random())))

    def set_backpressure_generator(self, p: float) -> None:
        if p > 0:
            for ch in (self.axi.write_if.b_channel, self.axi.read_if.r_channel):
                ch.set_pause_generator(random_pauses(p, random.Random(self.rng.random())))

    async def cycle_reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 4)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)

    async def read32(self, off: int) -> int:
        return int.from_bytes((await self.axi.read(off, 4)).data, "little")
