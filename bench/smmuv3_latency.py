"""SMMUv3 performance benchmark (cocotb): hit latency and throughput with the
configuration cache and TLB warm, configuration-cache miss cost (STE + CD reads +
overhead), and command-queue throughput (TLBI / CFGI commands per clock). Run:

    .venv/bin/python bench/smmuv3_latency.py      # prints a table, writes sim_build/smmuv3_latency.json

Cycle counts come from the DUT's ports sampled every clock (upstream / downstream
handshakes, structure reads on m_axi_q from AR handshake to the last R beat, walker
reads) and the command queue's CONS index. RAM models answer in 2 clocks, no
back-pressure. The figures go into docs/smmuv3.md; nothing here is asserted by tests.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sim_build" / "smmuv3_latency.json"

try:
    import cocotb
    from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge
except ImportError:  # pragma: no cover
    cocotb = None


class CycleProbe:
    def __init__(self, dut):
        self.dut = dut
        self.cycle = 0
        self.up_ar, self.up_ar_valid, self.down_ar, self.down_ar_valid = [], [], [], []
        self.q_reads, self.ptw = [], []
        self.cons_change = []          # (cycle, cons) whenever CMDQ CONS moves
        self._q_ar = self._ptw_ar = None
        self._pv = self._pdv = 0
        self._cons = None

    async def run(self):
        d = self.dut
        while True:
            await RisingEdge(d.clk)
            await ReadOnly()
            self.cycle += 1
            v = int(d.s_axi_arvalid.value)
            if v and not self._pv:
                self.up_ar_valid.append(self.cycle)
            if v and int(d.s_axi_arready.value):
                self.up_ar.append(self.cycle)
                v = 0
            self._pv = v
            dv = int(d.m_axi_arvalid.value)
            if dv and not self._pdv:
                self.down_ar_valid.append(self.cycle)
            if dv and int(d.m_axi_arready.value):
                self.down_ar.append(self.cycle)
                dv = 0
            self._pdv = dv
            if int(d.m_axi_q_rvalid.value) and int(d.m_axi_q_rready.value) and \
                    int(d.m_axi_q_rlast.value):
                self.q_reads.append((self._q_ar, self.cycle))
            if int(d.m_axi_q_arvalid.value) and int(d.m_axi_q_arready.value):
                self._q_ar = self.cycle
            if int(d.m_axi_ptw_rvalid.value) and int(d.m_axi_ptw_rready.value):
                self.ptw.append((self._ptw_ar, self.cycle))
            if int(d.m_axi_ptw_arvalid.value) and int(d.m_axi_ptw_arready.value):
                self._ptw_ar = self.cycle
            cons = int(d.u_cmdq.cons.value)
            if cons != self._cons:
                self.cons_change.append((self.cycle, cons))
                self._cons = cons


if cocotb is not None:
    @cocotb.test()
    async def smmuv3_latencymark(dut):
        from pymodel.hwdefs import smmuv3 as V
        from pymodel.linux_defs import IOMMU_READ, IOMMU_WRITE
        from tb.arm_smmu_v3_driver import ArmSmmuCmdqEnt
        from tb.smmuv3_tb import Smmuv3TB
        from tb.timeouts import wait_named
        RW = IOMMU_READ | IOMMU_WRITE
        tb = Smmuv3TB(dut)
        await tb.cycle_reset()
        await tb.probe()
        probe = CycleProbe(dut)
        cocotb.start_soon(probe.run())
        drv = tb.driver
        dom = await tb.attach(0x10, asid=1)
        base_pa = tb.buffer(0x10000)
        for k in range(16):
            assert dom.pgtbl.map(0x1000_0000 + k * 0x1000, base_pa + k * 0x1000, 0x1000, RW) == 0
        res = {}

        async def one_read(iova, sid=0x10):
            n_q, n_ptw = len(probe.q_reads), len(probe.ptw)
            n_up, n_dn = len(probe.up_ar_valid), len(probe.down_ar_valid)
            await tb.access(sid, iova, False)
            await ClockCycles(dut.clk, 4)
            t0, t1 = probe.up_ar_valid[n_up], probe.down_ar_valid[n_dn]
            q = probe.q_reads[n_q:]
            w = probe.ptw[n_ptw:]
            return dict(latency=t1 - t0, structure_reads=len(q),
                        structure_read_cycles=sum(b - a for a, b in q), walker_reads=len(w),
                        walker_read_cycles=sum(b - a for a, b in w))

        cold = await one_read(0x1000_0000)            # config miss + TLB miss
        hit = await one_read(0x1000_0008)             # config hit + TLB hit
        await drv.arm_smmu_sync_ste_for_sid(0x10)     # config miss, TLB still warm
        cfg_miss = await one_read(0x1000_0010)
        for r in (cold, cfg_miss):
            r["overhead"] = r["latency"] - r["structure_read_cycles"] - r["walker_read_cycles"]
        res.update(hit=hit, config_miss_tlb_hit=cfg_miss, config_miss_tlb_miss=cold)
        # hit throughput: 16 KiB over 4 warm pages as single-beat reads
        for k in range(4):
            await one_read(0x1000_0000 + k * 0x1000)
        n_up, n_dn = len(probe.up_ar), len(probe.down_ar)
        tb.master.read_if.max_burst_len = 1
        data = await tb.master.read(0x1000_0000, 0x4000, arid=3, user=0x10)
        assert bytes(data.data) == tb.image.read(base_pa, 0x4000)
        await ClockCycles(dut.clk, 4)
        up, dn = probe.up_ar[n_up:], probe.down_ar[n_dn:]
        res["hit_throughput"] = dict(
            transactions=len(dn),
            upstream_accept_per_clk=round((len(up) - 1) / (up[-1] - up[0]), 3),
            downstream_issue_per_clk=round((len(dn) - 1) / (dn[-1] - dn[0]), 3))

        # command throughput: a batch of N commands of one kind, PROD published once
        async def batch(ents, what):
            start = drv.cmdq_prod
            await drv.arm_smmu_cmdq_issue_cmdlist(ents, sync=False, wait=False)
            t0 = probe.cycle
            await wait_named(_until(lambda: probe._cons == drv.cmdq_prod), f"{what} batch")
            t1 = probe.cons_change[-1][0]
            n = (drv.cmdq_prod - start) % (2 << drv.cmdq_shift)
            res.setdefault("commands", []).append(dict(kind=what, n=n, cycles=t1 - t0,
                                                       per_clk=round(n / (t1 - t0), 3)))

        async def _until(cond):
            while not cond():
                await RisingEdge(dut.clk)

        await batch([ArmSmmuCmdqEnt(V.OP_TLBI_NH_VA, asid=1, addr=0x1000_0000 + k * 0x1000,
                                    leaf=True) for k in range(64)], "TLBI_NH_VA (one page)")
        await batch([ArmSmmuCmdqEnt(V.OP_CFGI_STE, sid=k, leaf=True) for k in range(64)],
                    "CFGI_STE")
        await batch([ArmSmmuCmdqEnt(V.OP_TLBI_NH_VA, asid=1, addr=0x1000_0000, leaf=True,
                                    tg=1, ttl=3, num=31, scale=0) for _ in range(16)],
                    "TLBI_NH_VA range, 32 pages")
        await batch([ArmSmmuCmdqEnt(V.OP_CMD_SYNC, cs=V.SYNC_CS_NONE) for _ in range(32)],
                    "CMD_SYNC (idle)")
        dut._log.info("SMMUV3_BENCH %s", json.dumps(res))
        OUT.write_text(json.dumps(res, indent=2) + "\n")
        await RisingEdge(dut.clk)


def main() -> int:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(ROOT),
                                                os.environ.get("PYTHONPATH", "")])
    from tb.runner import run_cocotb
    from tests.test_smmuv3 import SMMUV3_SOURCES
    run_cocotb(toplevel="smmu_v3", sources=SMMUV3_SOURCES, test_module="smmuv3_latency", seed=1)
    res = json.loads(OUT.read_text())
    h = res["hit"]
    print(f"config-cache + TLB hit latency (upstream ARVALID -> downstream ARVALID): "
          f"{h['latency']} clk")
    t = res["hit_throughput"]
    print(f"hit throughput: {t['upstream_accept_per_clk']} accepted/clk upstream, "
          f"{t['downstream_issue_per_clk']} issued/clk downstream over {t['transactions']} reads")
    for key, what in (("config_miss_tlb_hit", "config-cache miss, TLB hit"),
                      ("config_miss_tlb_miss", "config-cache miss, TLB miss (walk from L0)")):
        m = res[key]
        print(f"{what}: {m['latency']} clk = {m['structure_reads']} structure reads "
              f"({m['structure_read_cycles']} clk) + {m['walker_reads']} walker reads "
              f"({m['walker_read_cycles']} clk) + {m['overhead']} clk")
    for c in res["commands"]:
        print(f"commands, {c['kind']}: {c['n']} in {c['cycles']} clk = {c['per_clk']} per clk")
    return 0


if __name__ == "__main__":
    sys.exit(main())
