"""tb/resume_profile.py in a simulation: every step of a task is counted to its
coroutine and group, and the totals reach the file at the simulator's exit
(tests/test_resume_profile.py reads it)."""

from __future__ import annotations

import os

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge

from tb import resume_profile

EDGES = 25


async def ticker(dut) -> None:
    for _ in range(EDGES):
        await RisingEdge(dut.clk)


@cocotb.test()
async def steps_are_counted_per_coroutine(dut):
    resume_profile.install(os.environ[resume_profile.ENV])
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    await cocotb.start_soon(ticker(dut))
    rows = {r["coroutine"]: r for r in resume_profile.report()["coroutines"]}
    # the first step runs to the first await, then one per edge
    assert rows["ticker"]["steps"] == EDGES + 1, rows["ticker"]
    assert rows["ticker"]["group"] == "test, kernel model, devices", rows["ticker"]
    assert rows["ticker"]["seconds"] > 0
    await ClockCycles(dut.clk, 1)
