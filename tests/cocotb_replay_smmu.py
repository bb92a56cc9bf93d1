"""cocotb module: replay a captured Linux boot's SMMUv3 programming and its translations
against hdl/smmu_v3/rtl/smmu_v3.v (tb/replay/smmu_replay.py). The capture is $REPLAY_CAPTURE."""

from __future__ import annotations

import os
from pathlib import Path

import cocotb
from cocotb.triggers import ClockCycles

from tb.replay.capture import load_capture
from tb.replay.report import ReplayReport
from tb.replay.smmu_replay import SmmuReplay


@cocotb.test()
async def replay_smmu(dut):
    cap = load_capture(os.environ["REPLAY_CAPTURE"])
    report = ReplayReport(str(cap.path))
    try:
        await SmmuReplay(dut, cap, report).run()
    finally:
        report.write(Path(os.environ.get("REPLAY_OUT", ".")), "replay_smmu")
        dut._log.info("\n%s", report.summary())
    await ClockCycles(dut.clk, 2)
    report.check()
