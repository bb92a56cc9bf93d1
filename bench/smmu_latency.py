"""SMMU performance benchmark (cocotb): TLB-hit latency and throughput, miss cost
per walk level, walk-cache effect. Run:

    .venv/bin/python bench/smmu_latency.py          # prints a table, writes sim_build/smmu_latency.json

Cycle counts come from the DUT's ports sampled every clock: the upstream handshake,
the downstream valid, and every walker read (AR handshake to R handshake). The
figures go into docs/smmu.md; nothing here is asserted by `make test`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sim_build" / "smmu_latency.json"

try:
    import cocotb
    from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge
except ImportError:  # pragma: no cover
    cocotb = None


class CycleProbe:
    """Per-clock record of the handshakes the figures are computed from."""

    def __init__(self, dut):
        self.dut = dut
        self.cycle = 0
        self.up_ar = []        # cycles of upstream AR handshakes
        self.up_ar_valid = []  # cycles where upstream ARVALID rose
        self.down_ar = []      # cycles of downstream AR handshakes
        self.down_ar_valid = []
        self.ptw = []          # (ar cycle, r cycle)
        self.up_aw = []        # cycles of upstream / downstream AW handshakes
        self.down_aw = []
        self._ptw_ar = None
        self._prev_valid = 0
        self._prev_dvalid = 0

    async def run(self):
        d = self.dut
        while True:
            await RisingEdge(d.clk)
            await ReadOnly()
            self.cycle += 1
            v = int(d.s_axi_arvalid.value)
            if v and not self._prev_valid:
                self.up_ar_valid.append(self.cycle)
            if v and int(d.s_axi_arready.value):
                self.up_ar.append(self.cycle)
                v = 0        # a new transaction may follow immediately
            self._prev_valid = v
            dv = int(d.m_axi_arvalid.value)
            if dv and not self._prev_dvalid:
                self.down_ar_valid.append(self.cycle)
            if dv and int(d.m_axi_arready.value):
                self.down_ar.append(self.cycle)
                dv = 0
            self._prev_dvalid = dv
            if int(d.s_axi_awvalid.value) and int(d.s_axi_awready.value):
                self.up_aw.append(self.cycle)
            if int(d.m_axi_awvalid.value) and int(d.m_axi_awready.value):
                self.down_aw.append(self.cycle)
            # R before AR: the walker may issue the next read in the same cycle
            if int(d.m_axi_ptw_rvalid.value) and int(d.m_axi_ptw_rready.value):
                self.ptw.append((self._ptw_ar, self.cycle))
            if int(d.m_axi_ptw_arvalid.value) and int(d.m_axi_ptw_arready.value):
                self._ptw_ar = self.cycle


if cocotb is not None:
    @cocotb.test()
    async def smmu_latencymark(dut):
        from pymodel.io_pgtable_arm import ArmLpaeS1, SZ_1G, SZ_2M
        from pymodel.hwdefs import lpae as L
        from pymodel.hwdefs import smmu as S
        from pymodel.linux_defs import IOMMU_READ, IOMMU_WRITE
        from tb.smmu_tb import DATA_BASE, SmmuTB
        from tb.timeouts import wait_named
        RW = IOMMU_READ | IOMMU_WRITE
        tb = SmmuTB(dut)
        await tb.cycle_reset()
        await tb.init_smmu()
        probe = CycleProbe(dut)
        cocotb.start_soon(probe.run())
        dom = await tb.attach(0, [(0, 0x10, 0)])
        pg = dom.pgtbl
        for k in range(64):
            assert pg.map(0x1000_0000 + k * 0x1000, DATA_BASE + k * 0x1000, 0x1000, RW) == 0
        assert pg.map(0x2000_0000, 0x6000_0000, SZ_2M, RW) == 0
        assert pg.map(0x40_0000_0000, 0x8000_0000, SZ_1G, RW) == 0
        res = {}

        async def one_read(iova, sid=0x10):
            n_ptw = len(probe.ptw)
            n_up, n_dn = len(probe.up_ar_valid), len(probe.down_ar_valid)
            out, ev = tb.sb.start_read(sid, iova, 8)
            await wait_named(ev.wait(), "bench read")
            tb.sb.finish_read(out, ev, iova, 8)
            await ClockCycles(dut.clk, 4)
            t0 = probe.up_ar_valid[n_up]
            t1 = probe.down_ar_valid[n_dn]
            reads = probe.ptw[n_ptw:]
            rd_cycles = sum(r - a for a, r in reads)
            return t1 - t0, len(reads), rd_cycles

        # miss costs: a cold page at each depth, then the hit on it
        cases = [("page, walk from level 0 (T0SZ 16)", 0x1000_0000),
                 ("2 MiB block (level 2)", 0x2000_0000),
                 ("1 GiB block (level 1)", 0x40_0000_0000)]
        misses = []
        for what, iova in cases:
            await tb.driver.tlbi_allnsnh()
            await tb.driver.arm_smmu_tlb_sync()
            lat, nreads, rd = await one_read(iova)
            misses.append(dict(case=what, latency=lat, walker_reads=nreads,
                               walker_read_cycles=rd, overhead=lat - rd))
        hit_lat, hit_reads, _ = await one_read(0x40_0000_0100)
        assert hit_reads == 0
        res["hit_latency_cycles"] = hit_lat
        res["misses"] = misses
        # walk cache: neighbour page in the same 2 MiB region after a walk
        await one_read(0x1000_0000)
        lat, nreads, rd = await one_read(0x1000_1000)
        res["neighbour_miss"] = dict(latency=lat, walker_reads=nreads, walker_read_cycles=rd,
                                     overhead=lat - rd)
        # T0SZ 39: a walk from level 2
        big = ArmLpaeS1(tb.image, tb.tables, ias=39)
        assert big.map(0x3000, DATA_BASE + 0x80000, 0x1000, RW) == 0
        l2 = tb.image.read_u64(big.pgd) & L.PTE_ADDR_MASK
        await tb.program_context(1, l2, (big.tcr & ~0x3F) | 39, big.mair, asid=1)
        await tb.map_stream(1, 0x11, 0, S.S2CR_TYPE_TRANS, 1)
        lat, nreads, rd = await one_read(0x3000, sid=0x11)
        res["misses"].append(dict(case="page, walk from level 2 (T0SZ 39)", latency=lat,
                                  walker_reads=nreads, walker_read_cycles=rd, overhead=lat - rd))
        # hit throughput: one 16 KiB read over 4 warm pages, split by the AXI master
        # into single-beat bursts (max_burst_len = 1): an AR every clock it can
        for k in range(4):
            await one_read(0x1000_0000 + k * 0x1000)
        tb.sb.check_clean()
        tb.sb.mon_ar.stop()
        n_up, n_dn = len(probe.up_ar), len(probe.down_ar)
        tb.master.read_if.max_burst_len = 1
        data = await tb.master.read(0x1000_0000, 0x4000, arid=3, user=0x10)
        assert bytes(data.data) == tb.image.read(DATA_BASE, 0x4000), "throughput read data"
        await ClockCycles(dut.clk, 4)
        up = probe.up_ar[n_up:]
        dn = probe.down_ar[n_dn:]
        res["hit_throughput"] = dict(
            transactions=len(dn),
            upstream_accept_per_clk=round((len(up) - 1) / (up[-1] - up[0]), 3),
            downstream_issue_per_clk=round((len(dn) - 1) / (dn[-1] - dn[0]), 3),
            max_gap_cycles=max(b - a for a, b in zip(up, up[1:])))
        # the same for writes: 2048 single-beat write bursts (AW and W every clock)
        tb.sb.mon_aw.stop()
        tb.sb.mon_w.stop()
        n_up, n_dn = len(probe.up_aw), len(probe.down_aw)
        tb.master.write_if.max_burst_len = 1
        payload = bytes((k * 7) & 0xFF for k in range(0x4000))
        await tb.master.write(0x1000_0000, payload, awid=5, user=0x10)
        assert tb.image.read(DATA_BASE, 0x4000) == payload, "throughput write data"
        await ClockCycles(dut.clk, 4)
        up = probe.up_aw[n_up:]
        dn = probe.down_aw[n_dn:]
        res["hit_write_throughput"] = dict(
            transactions=len(dn),
            upstream_accept_per_clk=round((len(up) - 1) / (up[-1] - up[0]), 3),
            downstream_issue_per_clk=round((len(dn) - 1) / (dn[-1] - dn[0]), 3),
            max_gap_cycles=max(b - a for a, b in zip(up, up[1:])))
        dut._log.info("SMMU_BENCH %s", json.dumps(res))
        OUT.write_text(json.dumps(res, indent=2) + "\n")
        await RisingEdge(dut.clk)


def main() -> int:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(ROOT),
                                                os.environ.get("PYTHONPATH", "")])
    from tb.runner import run_cocotb
    from tests.test_smmu import SMMU_SOURCES
    run_cocotb(toplevel="smmu_tlb", sources=SMMU_SOURCES, test_module="smmu_latency",
               seed=1)
    res = json.loads(OUT.read_text())
    print(f"TLB hit latency (upstream ARVALID -> downstream ARVALID): {res['hit_latency_cycles']} clk")
    t = res["hit_throughput"]
    print(f"hit throughput: {t['upstream_accept_per_clk']} accepted/clk upstream, "
          f"{t['downstream_issue_per_clk']} issued/clk downstream over {t['transactions']} reads, "
          f"longest gap {t['max_gap_cycles']} clk")
    t = res["hit_write_throughput"]
    print(f"hit write throughput: {t['upstream_accept_per_clk']} AW accepted/clk upstream, "
          f"{t['downstream_issue_per_clk']} issued/clk downstream over {t['transactions']} writes, "
          f"longest gap {t['max_gap_cycles']} clk")
    for m in res["misses"] + [dict(case="neighbour page (walk cache)", **res["neighbour_miss"])]:
        print(f"miss, {m['case']}: {m['latency']} clk = {m['walker_reads']} walker reads "
              f"({m['walker_read_cycles']} clk) + {m['overhead']} clk")
    return 0


if __name__ == "__main__":
    sys.exit(main())
