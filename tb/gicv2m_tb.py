"""Testbench for hdl/gicv2m_frame.v: an AxiMaster on the frame (s_axi_*), an SpiMonitor
on spi_* driving random spi_ready, pause generators on every AXI channel."""

from __future__ import annotations

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, Event, FallingEdge
from cocotbext.axi import AxiBus, AxiMaster

from tb.its_tb import cycle_pause
from tb.timeouts import wait_named


class SpiMonitor:
    """Drives spi_ready (random with probability p_ready) and records raised SPIs."""

    def __init__(self, dut, p_ready: float, rng: random.Random):
        self.dut, self.p_ready, self.rng = dut, p_ready, rng
        self.spis: list[int] = []
        self._event = Event()
        self._task = None

    def start(self) -> None:
        self.dut.spi_ready.value = 0
        self._task = cocotb.start_soon(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            await FallingEdge(self.dut.clk)
            v = int(self.dut.spi_valid.value)
            r = 1 if self.rng.random() < self.p_ready else 0
            self.dut.spi_ready.value = r
            if v and r:
                self.spis.append(int(self.dut.spi_intid.value))
                self._event.set()

    async def wait_count(self, n: int, timeout_us: float = 100) -> None:
        async def _w():
            while len(self.spis) < n:
                self._event.clear()
                await self._event.wait()
        await wait_named(_w(), f"{n} SPIs on spi_* (have {len(self.spis)})", timeout_us)


class V2mTB:
    def __init__(self, dut, *, seed: int = 0, p_ready: float = 1.0):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}.s_axi").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        self.axi = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
        self.mon = SpiMonitor(dut, p_ready, random.Random(seed ^ 0x33))
        self.mon.start()

    def set_idle_generator(self, p: float) -> None:
        if p > 0:
            for ch in (self.axi.write_if.aw_channel, self.axi.write_if.w_channel,
                       self.axi.read_if.ar_channel):
                ch.set_pause_generator(cycle_pause(p, random.Random(self.rng.random())))

    def set_backpressure_generator(self, p: float) -> None:
        if p > 0:
            for ch in (self.axi.write_if.b_channel, self.axi.read_if.r_channel):
                ch.set_pause_generator(cycle_pause(p, random.Random(self.rng.random())))

    async def cycle_reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 4)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)

    async def read32(self, off: int) -> int:
        return int.from_bytes((await self.axi.read(off, 4)).data, "little")
