"""End-to-end system scenarios on msi_system_top (issue 5).

Every test boots the system the way Linux does (tb/kernel.py: arm-smmu probe and
reset, ITS probe and collections, GICv2m MSI_TYPER), attaches devices to DMA
domains, composes MSIs through pymodel's compose + iommu_dma_map_msi_msg, lets
the device models write them, and checks every observable against the golden
model (tb/system_scoreboard.py). Seeds: SEED=n replays.
"""

from __future__ import annotations

import random

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge

from pymodel import dma_iommu as D
from pymodel.hwdefs import system as SYS
from pymodel.kernel import DMA_ERROR_CODE, IOMMU_READ, IOMMU_WRITE
from tb.kernel import Kernel
from tb.system_env import SystemEnv
from tb.system_regress import with_stats
from tb.system_scoreboard import ScoreboardError, SystemScoreboard


async def boot(dut, stats, name: str, backpressure: float = 0.0):
    env = SystemEnv(dut, test_name=name)
    await env.reset()
    k = Kernel(env)
    await k.probe()
    sb = SystemScoreboard(env, k, stats)
    if backpressure:
        env.set_backpressure(backpressure)
    return env, k, sb


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise ScoreboardError(msg)


@cocotb.test()
@with_stats
async def its_single_msi(dut, stats):
    """Smallest end-to-end flow: one device in one DMA domain, one ITS vector;
    the swizzled MSI reaches GITS_TRANSLATER through the SMMU and raises the
    predicted LPI."""
    env, k, sb = await boot(dut, stats, "its_single_msi")
    kd = k.iommu_domain_alloc("dom0")
    k.iommu_dma_setup(kd)
    kdev = k.add_device(0)
    await k.attach(kd, kdev)
    [vec] = await k.its_msi_alloc(kdev, 1)
    check(not vec.msg.is_failed(), f"compose failed: {vec.msg}")
    check(vec.msg.address != vec.doorbell, "message was not swizzled to an IOVA")
    p = await sb.msi(kdev.model, vec.msg, "vector 0")
    check(p.irq == ("lpi", vec.hwirq, p.irq[2]), f"model predicts {p.describe()}")
    await sb.drain()
    await RisingEdge(dut.clk)
