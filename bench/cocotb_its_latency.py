"""cocotb bench module: ITS doorbell-to-interrupt latency (translation-cache hit and
miss). Run through bench/its_latency.py; writes its figures to $ITS_BENCH_OUT (JSON).

Cycle indices are rising-edge numbers counted from the TB's start: a W handshake at
edge w and lpi_valid first high after edge l give a latency of l - w clocks. On a
miss, each table read's memory latency (AR handshake to R handshake) is measured on
m_axi and subtracted to give the ITS's own overhead.
"""

import json
import os

import cocotb
from cocotb.triggers import ClockCycles, FallingEdge

from tb.its_tb import ItsTB


async def watch_reads(dut, log):
    cycle = 0
    pending = []
    while True:
        await FallingEdge(dut.clk)
        cycle += 1
        if int(dut.m_axi_arvalid.value) and int(dut.m_axi_arready.value):
            pending.append(cycle + 1)
        if int(dut.m_axi_rvalid.value) and int(dut.m_axi_rready.value) \
                and int(dut.m_axi_rlast.value) and pending:
            log.append((pending.pop(0), cycle + 1))


async def one(tb, reads, devid, event):
    n_w, n_l, n_r = len(tb.w_handshakes), len(tb.lpis.valid_rise), len(reads)
    exp = await tb.send_doorbells([(devid, event)])
    await tb.check_lpis(exp)
    w = tb.w_handshakes[n_w]
    lpi = tb.lpis.valid_rise[n_l]
    mem = [r - a for a, r in reads[n_r:]]
    return {"total": lpi - w, "reads": len(mem), "memory": sum(mem), "overhead": lpi - w - sum(mem)}


@cocotb.test()
async def doorbell_latency(dut):
    tb = ItsTB(dut, seed=1)
    reads = []
    cocotb.start_soon(watch_reads(dut, reads))
    await tb.cycle_reset()
    await tb.its_probe()
    tb.its.its_cpu_init_collection(0)
    dev = tb.its.its_create_device(0x21, 4)
    ev, _ = tb.its.its_alloc_device_irq(dev)
    tb.its.its_irq_domain_activate(dev, ev)
    await tb.its_post_commands()
    results = {"miss": [], "hit": []}
    for _ in range(5):
        results["miss"].append(await one(tb, reads, 0x21, ev))
        results["hit"].append(await one(tb, reads, 0x21, ev))
        tb.its.its_send_inv(dev, ev)           # drop the cached translation
        await tb.its_post_commands()
    out = os.environ.get("ITS_BENCH_OUT")
    if out:
        with open(out, "w") as f:
            json.dump(results, f, indent=1)
    for kind, rows in results.items():
        cocotb.log.info(f"{kind}: {rows[0]}")
    await ClockCycles(dut.clk, 2)
