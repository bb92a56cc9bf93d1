"""cocotb tests of hdl/smmu_tlb.v (SMMUv2 stage-1 SMMU): registers, translation,
faults, invalidation, bypass, random traffic. Every expectation comes from the
golden walker (pymodel.io_pgtable_arm.walk) through tb.smmu_model."""

from __future__ import annotations

import random

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge

from pymodel.hwdefs import smmu as S
from pymodel.kernel import IOMMU_READ, IOMMU_WRITE
from tb.smmu_tb import DATA_BASE, SmmuTB

RW = IOMMU_READ | IOMMU_WRITE


async def setup(dut, disable_bypass=True) -> SmmuTB:
    tb = SmmuTB(dut)
    await tb.cycle_reset()
    await tb.init_smmu(disable_bypass)
    return tb


@cocotb.test()
async def slice_write_read_one_context(dut):
    """Thin slice: one stream, one context, a mapped page, a write and a read."""
    tb = await setup(dut)
    dom = await tb.attach(0, [(0, 0x10, 0)])
    assert dom.pgtbl.map(0x1000_0000, DATA_BASE, 0x1000, RW) == 0
    data = bytes(range(64))
    await tb.sb.write(0x10, 0x1000_0040, data)
    out, got = await tb.sb.read(0x10, 0x1000_0040, 64)
    assert out.forward and got == data
    assert tb.sb.stats["beats"] == 8, tb.sb.stats
    assert tb.sb.mon_ptw.log == list(out.xlate.reads), (
        f"walker read {[hex(a) for a in tb.sb.mon_ptw.log]}, golden walk reads "
        f"{[hex(a) for a in out.xlate.reads]}")
    tb.sb.check_clean()
    await tb.sb.expect_no_faults()
    await RisingEdge(dut.clk)
