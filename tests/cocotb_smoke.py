"""cocotb smoke test: the tool chain builds, runs, and sees a counter count."""

import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge, ReadOnly


@cocotb.test()
async def counter_counts_enabled_cycles(dut):
    width = int(dut.WIDTH.value)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value = 1
    dut.en.value = 0
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0
    expected = 0
    for _ in range(300):
        await FallingEdge(dut.clk)  # drive away from the sampling edge
        en = random.randint(0, 1)
        dut.en.value = en
        await RisingEdge(dut.clk)
        expected = (expected + en) % (1 << width)
        await ReadOnly()
        assert int(dut.count.value) == expected, \
            f"count={int(dut.count.value):#x} expected={expected:#x}"
    await RisingEdge(dut.clk)
