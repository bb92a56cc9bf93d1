"""cocotb module: replay a captured Linux boot's ITS programming and MSIs against
hdl/gic/rtl/its_doorbell.v (tb/replay/its_replay.py). The capture is $REPLAY_CAPTURE."""

from __future__ import annotations

import os
from pathlib import Path

import cocotb
from cocotb.triggers import ClockCycles

from tb.replay.capture import load_capture
from tb.replay.its_replay import ItsReplay
from tb.replay.report import ReplayReport


@cocotb.test()
async def replay_its(dut):
    cap = load_capture(os.environ["REPLAY_CAPTURE"])
    report = ReplayReport(str(cap.path))
    await ItsReplay(dut, cap, report, seed=cocotb.RANDOM_SEED).run()
    out = Path(os.environ.get("REPLAY_OUT", "."))
    report.write(out, "replay_its")
    dut._log.info("\n%s", report.summary())
    await ClockCycles(dut.clk, 2)
    report.check()
