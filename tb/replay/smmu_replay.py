"""Replays the SMMU side of a real Linux boot against hdl/smmu_v3/rtl/smmu_v3.v.

From the capture: guest memory at its guest-physical addresses (Linux's stream table,
CDs, page tables, command and event queues), every register write Linux's arm-smmu-v3
driver made, in order and with its access size, and every translation QEMU's SMMUv3
performed. The RTL consumes Linux's real command queue from memory: each CMDQ_PROD write
is followed, as Linux's arm_smmu_cmdq_poll_until_sync does, by waiting for CMDQ_CONS;
each CR0 / IRQ_CTRL write by waiting for its ACK register (arm_smmu_write_reg_sync).

A translation is replayable when it is still valid in the end-of-run memory: every
descriptor of the walk QEMU traced for it (for an IOTLB hit, the last walk of the same
StreamID and page) still holds the value QEMU read. That test uses only QEMU's record,
not the project's walker. Replayable translations are driven through the device port
with the recorded StreamID, in capture order between the register writes: writes for
MSIs (known), reads for everything else (QEMU 7.2 does not trace the access type; a read
never changes the captured memory). The downstream AR/AW address must be QEMU's PA.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster, AxiRam, AxiReadBus
from cocotbext.axi.axi_ram import AxiRamRead

from pymodel.hwdefs import smmuv3 as V3
from pymodel.memory import MemoryImage
from tb.monitors import AxiAddrMonitor
from tb.protocol_checker import attach_checkers
from tb.replay.capture import Capture
from tb.replay.capture import hexint as _h
from tb.replay.report import ReplayReport
from tb.timeouts import wait_named

PAGE_MASK = ~0xFFF


def replayable_translations(cap: Capture) -> tuple[list[dict], dict[str, int]]:
    """(translations still valid at the end, {reason: count} for the others), decided
    from QEMU's own walk records against the end-of-run memory."""
    mem = MemoryImage()
    cap.load_memory(mem)
    loaded = {(r.addr, r.size) for r in cap.regions}

    def in_capture(addr: int) -> bool:
        return any(a <= addr < a + s for a, s in loaded)

    last_walk: dict[tuple[int, int], list[dict]] = {}
    ok, skipped = [], {}
    for row in cap.translations():
        key = (_h(row["sid"]), _h(row["iova"]) & PAGE_MASK)
        walk = row.get("walk") or last_walk.get(key)
        if row.get("walk"):
            last_walk[key] = row["walk"]
        if not walk:
            reason = "IOTLB hit whose walk is not in the trace"
        elif not all(in_capture(_h(w["pte_addr"])) for w in walk):
            reason = "page-table page not in the capture"
        elif all(mem.read_u64(_h(w["pte_addr"])) == _h(w["pte"]) for w in walk):
            ok.append(row)
            continue
        elif mem.read_u64(_h(walk[-1]["pte_addr"])) & 1:
            reason = "IOVA remapped to another page before the end (valid, different leaf)"
        else:
            reason = "unmapped before the end (strict invalidation; the leaf is invalid now)"
        skipped[reason] = skipped.get(reason, 0) + 1
    return ok, skipped


@dataclass
class SmmuReplay:
    dut: object
    cap: Capture
    report: ReplayReport
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("cocotb.replay"))

    async def setup(self) -> None:
        dut = self.dut
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        for name in ("s_axil", "s_axi", "m_axi", "m_axi_ptw", "m_axi_q"):
            logging.getLogger(f"cocotb.{dut._name}.{name}").setLevel(logging.WARNING)
        self.memory = MemoryImage()
        self.cap.load_memory(self.memory)
        self.regs = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        self.dev = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
        # downstream, walker and queue/config masters all see the one guest memory
        self.dma = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, mem=self.memory)
        self.ptw = AxiRamRead(AxiReadBus.from_prefix(dut, "m_axi_ptw"), dut.clk, dut.rst,
                              mem=self.memory)
        self.q = AxiRam(AxiBus.from_prefix(dut, "m_axi_q"), dut.clk, dut.rst, mem=self.memory)
        self.out = AxiAddrMonitor(dut, dut.clk, "m_axi_", name="downstream").start()
        self.checker = attach_checkers(dut, dut.clk, dut.rst)   # AXI rules on every port
        dut.rst.value = 1
        await ClockCycles(dut.clk, 4)
        dut.rst.value = 0
        await ClockCycles(dut.clk, 2)

    async def read32(self, off: int) -> int:
        return int.from_bytes((await self.regs.read(off, 4)).data, "little")

    async def write(self, off: int, value: int, size: int) -> None:
        await self.regs.write(off, value.to_bytes(size, "little"))

    # ---- what Linux relied on -----------------------------------------------------
    async def check_features(self) -> None:
        idr = {n: await self.read32(getattr(V3, n)) for n in ("IDR0", "IDR1", "IDR3", "IDR5")}
        f = lambda reg, lsb, w: (idr[reg] >> lsb) & ((1 << w) - 1)  # noqa: E731
        writes = [r for r in self.cap.rows("mmio_smmu") if r["rw"] == "w"]
        last = {r["reg"]: _h(r["value"]) for r in writes}
        cfg = last.get("STRTAB_BASE_CFG", 0)
        cmdq_log2 = last.get("CMDQ_BASE", 0) & 0x1F
        evtq_log2 = last.get("EVENTQ_BASE", 0) & 0x1F
        cmds = self.cap.rows("cmdq_smmu")
        range_tlbi = any(c["name"] == "TLBI_NH_VA" and (_h(c["raw"][1]) >> V3.CMD1_TLBI_TG_SHIFT) & 3
                         for c in cmds)
        ips = max((_h(s) >> V3.CD0_IPS_SHIFT) & 7 for s in self._cd_words()) if self._cd_words() else 0
        checks = [
            ("IDR0.S1P: stage-1 translation", f("IDR0", V3.IDR0_S1P_BIT, 1) == 1),
            ("IDR0.TTF: AArch64 tables", f("IDR0", V3.IDR0_TTF_SHIFT, 2) & V3.IDR0_TTF_AARCH64 != 0),
            (f"IDR0.ST_LEVEL: the {'2-level' if (cfg >> 16) & 3 else 'linear'} stream table "
             "Linux built", ((cfg >> 16) & 3) == 0 or f("IDR0", V3.IDR0_ST_LEVEL_SHIFT, 2) >= 1),
            (f"IDR1.SIDSIZE >= STRTAB_BASE_CFG.LOG2SIZE {cfg & 0x3F}",
             f("IDR1", V3.IDR1_SIDSIZE_SHIFT, 6) >= (cfg & 0x3F)),
            (f"IDR1.CMDQS >= Linux's command queue (2^{cmdq_log2})",
             f("IDR1", V3.IDR1_CMDQS_SHIFT, 5) >= cmdq_log2),
            (f"IDR1.EVENTQS >= Linux's event queue (2^{evtq_log2})",
             f("IDR1", V3.IDR1_EVENTQS_SHIFT, 5) >= evtq_log2),
            ("IDR3.RIL: Linux issued range TLBI_NH_VA", not range_tlbi or
             f("IDR3", V3.IDR3_RIL_BIT, 1) == 1),
            (f"IDR5.OAS covers the CDs' IPS {ips}", f("IDR5", V3.IDR5_OAS_SHIFT, 3) >= ips),
            ("IDR5.GRAN4K", f("IDR5", V3.IDR5_GRAN4K_BIT, 1) == 1),
        ]
        for what, ok in checks:
            name, _, text = what.partition(": ")
            self.report.feature("SMMU " + name.split(" ")[0], text or what, ok)

    def _cd_words(self) -> list[int]:
        out = []
        for r in self.cap.regions:
            if r.kind == "smmu_cd_table":
                out.append(int.from_bytes(self.cap.region_bytes(r)[:8], "little"))
        return out

    # ---- the replay ----------------------------------------------------------------
    async def run(self) -> ReplayReport:
        await self.setup()
        await self.check_features()
        rows, skipped = replayable_translations(self.cap)
        for reason, n in skipped.items():
            self.report.not_replayable("translations", n, reason)
        steps = [(r["seq"], "w", r) for r in self.cap.rows("mmio_smmu") if r["rw"] == "w"]
        steps += [(r["seq"], "t", r) for r in rows]
        cmds = self.cap.rows("cmdq_smmu")
        done = 0
        for _, kind, row in sorted(steps, key=lambda s: s[0]):
            if kind == "w":
                done = await self._reg_write(row, cmds, done)
            else:
                await self._translate(row)
        evtq_prod = await self.read32(V3.EVENTQ_PROD)
        gerror = await self.read32(V3.GERROR) ^ await self.read32(V3.GERRORN)
        self.report.feature("SMMU EVENTQ", f"no event record written (EVENTQ_PROD {evtq_prod:#x}; "
                            "QEMU recorded no fault)", evtq_prod == 0)
        self.report.feature("SMMU GERROR", f"no global error active (GERROR^GERRORN {gerror:#x})",
                            gerror == 0)
        self.checker.check()
        return self.report

    async def _reg_write(self, row: dict, cmds: list[dict], done: int) -> int:
        off, value, size = _h(row["offset"]), _h(row["value"]), int(row["size"])
        await self.write(off, value, size)
        reg = row["reg"]
        if reg in ("CR0", "IRQ_CTRL"):
            ack = V3.CR0ACK if reg == "CR0" else V3.IRQ_CTRLACK

            async def acked():
                while await self.read32(ack) != value:
                    pass
            await wait_named(acked(), f"{reg}ACK to read {value:#x} (write at seq {row['seq']})",
                             timeout_us=100)
        elif reg == "CMDQ_PROD":
            prod = value

            async def consumed():
                while True:
                    cons = await self.read32(V3.CMDQ_CONS)
                    if (cons >> V3.CMDQ_CONS_ERR_SHIFT) & 0x7F or (cons & 0xFFFFF) == (prod & 0xFFFFF):
                        return cons
            cons = await wait_named(consumed(), f"CMDQ_CONS to reach PROD {prod:#x} "
                                    f"(seq {row['seq']})", timeout_us=2000)
            err = (cons >> V3.CMDQ_CONS_ERR_SHIFT) & 0x7F
            upto = min(len(cmds), self._index(prod))
            for c in cmds[done:upto]:
                self.report.command(c["index"], c["name"], not err, "consumed" if not err else
                                    f"CMDQ_CONS.ERR {err:#x}")
            if err:
                raise AssertionError(f"replay: SMMU command queue error {err:#x} at CONS {cons:#x}")
            return upto
        return done

    def _index(self, prod: int) -> int:
        log2 = next(_h(r["value"]) & 0x1F for r in reversed(self.cap.rows("mmio_smmu"))
                    if r["reg"] == "CMDQ_BASE" and r["rw"] == "w")
        wrap = (prod >> log2) & 1
        return (prod & ((1 << log2) - 1)) + (wrap << log2)

    async def _translate(self, row: dict) -> None:
        sid, iova, pa = _h(row["sid"]), _h(row["iova"]), _h(row["pa"])
        write = row.get("rw") == "w"
        what = f"translation seq {row['seq']} sid {sid:#x} iova {iova:#x} ({'write' if write else 'read'})"
        before = len(self.out.beats)
        if write:
            op = cocotb.start_soon(self.dev.write(iova, (0).to_bytes(4, "little"), user=sid))
        else:
            op = cocotb.start_soon(self.dev.read(iova, 4, user=sid))
        try:
            await wait_named(self._beat_after(before), f"the downstream access of {what}",
                             timeout_us=100)
        except TimeoutError as e:
            self.report.translation(what, pa, None, str(e))
            return
        await wait_named(op, f"the response of {what}", timeout_us=100)
        got = self.out.beats[before]
        ok = got.addr == pa and got.user == sid and got.channel == ("aw" if write else "ar")
        self.report.translation(what, pa, got.addr, "" if ok else
                                f"downstream {got.channel} addr {got.addr:#x} user {got.user}")
        self.report.txlog(f"{got.time_ns:>12.0f} ns  {what}  QEMU PA {pa:#x}  RTL PA {got.addr:#x}")

    async def _beat_after(self, n: int) -> None:
        while len(self.out.beats) <= n:
            await RisingEdge(self.dut.clk)
