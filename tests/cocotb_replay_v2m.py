"""cocotb module: replay a GICv2m capture's MSIs against hdl/gic/rtl/gicv2m_frame.v
(tb/replay/v2m_replay.py). The capture is $REPLAY_CAPTURE."""

from __future__ import annotations

import os
from pathlib import Path

import cocotb
from cocotb.triggers import ClockCycles

from tb.replay.capture import load_capture
from tb.replay.report import ReplayReport
from tb.replay.v2m_replay import V2mReplay


@cocotb.test()
async def replay_v2m(dut):
    cap = load_capture(os.environ["REPLAY_CAPTURE"])
    report = ReplayReport(str(cap.path))
    try:
        await V2mReplay(dut, cap, report, seed=cocotb.RANDOM_SEED).run()
    finally:
        report.write(Path(os.environ.get("REPLAY_OUT", ".")), "replay_v2m")
        dut._log.info("\n%s", report.summary())
    await ClockCycles(dut.clk, 2)
    report.check()
