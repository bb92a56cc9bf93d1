"""cocotb module for bench/system_latency.py: clock cycles from a device's MSI
write (first cycle AWVALID is high on its port) to the interrupt output
handshake, on
msi_system_top, for cold and warm SMMU TLB / ITS translation cache. No
back-pressure; the memory models answer in their fixed cocotbext-axi latency."""

import json
import os

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge

from tb.kernel import Kernel
from tb.system_env import SystemEnv
from tb.monitors import AxiAddrMonitor
from tb.system_regress import Stats
from tb.system_scoreboard import SystemScoreboard

CLK_NS = 10


@cocotb.test()
async def msi_latency(dut):
    env = SystemEnv(dut, test_name="msi_latency")
    await env.reset()
    k = Kernel(env)
    await k.probe()
    sb = SystemScoreboard(env, k, Stats())
    kd = k.iommu_domain_alloc("bench")
    k.iommu_dma_setup(kd)
    d_its, d_v2m = k.add_device(0), k.add_device(1)
    await k.attach(kd, d_its)
    await k.attach(kd, d_v2m)
    [vi] = await k.its_msi_alloc(d_its, 1)
    [vv] = await k.v2m_msi_alloc(d_v2m, 1)
    mons = {0: AxiAddrMonitor(dut, dut.clk, "s_axi_dev0_", channels=("aw",)).start(),
            1: AxiAddrMonitor(dut, dut.clk, "s_axi_dev1_", channels=("aw",)).start()}
    ptw = AxiAddrMonitor(dut, dut.clk, "m_axi_ptw_", channels=("ar",)).start()
    itsm = AxiAddrMonitor(dut, dut.clk, "m_axi_its_", channels=("ar",)).start()
    results = {}

    async def one(label, vec, irq_mon, port):
        n0, m0 = len(irq_mon.beats), len(mons[port].beats)
        p0, i0 = len(ptw.beats), len(itsm.beats)
        awvalid = getattr(dut, f"s_axi_dev{port}_awvalid")
        start = {}

        async def watch_valid():
            from cocotb.triggers import ReadOnly
            from cocotb.utils import get_sim_time
            while True:
                await RisingEdge(dut.clk)
                await ReadOnly()
                if int(awvalid.value):
                    start["t"] = get_sim_time("ns")
                    return
        w = cocotb.start_soon(watch_valid())
        await sb.msi(vec.kdev.model, vec.msg)
        while len(irq_mon.beats) == n0:
            await RisingEdge(dut.clk)
        w.cancel()
        t0 = start["t"]
        t1 = irq_mon.beats[n0].time_ns
        results[label] = {"cycles": round((t1 - t0) / CLK_NS),
                          "walker_reads": len(ptw.beats) - p0,
                          "its_table_reads": len(itsm.beats) - i0}
        await ClockCycles(dut.clk, 20)

    async def flush_tlb():
        await k.smmu.tlbi_all_context(kd.cbndx)
        await k.smmu.arm_smmu_tlb_sync()

    await one("ITS: SMMU TLB miss + ITS cache miss", vi, env.lpi_mon, 0)
    await one("ITS: SMMU TLB hit + ITS cache hit", vi, env.lpi_mon, 0)
    await flush_tlb()
    await one("ITS: after TLBIALL + sync (TLB and walk cache empty) + ITS cache hit", vi, env.lpi_mon, 0)
    await one("GICv2m: SMMU TLB miss (its own page, tables in walk cache)", vv, env.spi_mon, 1)
    await one("GICv2m: SMMU TLB hit", vv, env.spi_mon, 1)
    await sb.drain()
    out = os.environ.get("BENCH_OUT")
    if out:
        with open(out, "w") as fh:
            json.dump(results, fh, indent=1)
    for k_, v in results.items():
        dut._log.info("%-60s %s", k_, v)
    await RisingEdge(dut.clk)
