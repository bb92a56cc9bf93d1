"""Testbench for hdl/smmu_v2/rtl/smmu_tlb.v: the TB class (clock, reset, cocotbext-axi bus
models, pause generators on every channel), passive monitors of the downstream
address and write-data channels, and the scoreboard that predicts every downstream
beat and every fault from tb.smmu_model (which asks the golden walker).

Bus models:
  s_axi      upstream   AxiMaster     (device side; AxUSER = StreamID)
  m_axi      downstream AxiRam        (memory, mem = the shared MemoryImage)
  m_axi_ptw  walker     AxiRamRead    (same image; can inject SLVERR per address)
  s_axil     registers  AxiLiteMaster (driven through tb.arm_smmu_driver)
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from typing import Optional

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge
from cocotbext.axi import (AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster, AxiRam,
                           AxiReadBus, AxiResp)
from cocotbext.axi.axi_ram import AxiRamRead

from pymodel.hwdefs import smmu as S
from pymodel.io_pgtable_arm import ArmLpaeS1
from pymodel.memory import MemoryImage, TablePageAllocator
from tb.arm_smmu_driver import ArmSmmuDriver, DeferredTlbOps
from tb import sink_ready
from tb.smmu_model import (Context, ContextFault, Outcome, PROT_NS, Sme,
                           SmmuState)
from tb.faulty_memory import FaultyMemory
from tb.monitors import AddrBeat, AxiAddrMonitor
from tb import coverage as cov
from tb.protocol_checker import attach_checkers
from tb.timeouts import wait_named

TABLE_POOL_BASE = 0x4000_0000     # page-table pages (the walker's memory)
TABLE_POOL_SIZE = 0x0100_0000
DATA_BASE = 0x5000_0000           # DMA buffers the downstream port writes


@dataclass
class Domain:
    """An attached stage-1 domain: its page tables, bank, ASID, deferred TLBIs."""
    cb: int
    asid: int
    pgtbl: ArmLpaeS1
    tlb: DeferredTlbOps



class AxiWMonitor:
    """Passive monitor of a write-data channel: (data, strb, last) per handshake."""

    def __init__(self, dut, prefix: str, clock, callback):
        self.sig = {f: getattr(dut, f"{prefix}{f}") for f in ("data", "strb", "last", "valid", "ready")}
        self.clock = clock
        self.callback = callback
        self._task = None

    def start(self) -> None:
        self._task = cocotb.start_soon(self._run())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()

    async def _run(self) -> None:
        s = self.sig
        while True:
            await RisingEdge(self.clock)
            await ReadOnly()
            if s["valid"].value == 1 and s["ready"].value == 1:
                self.callback((int(s["data"].value), int(s["strb"].value), int(s["last"].value)))


class AxiWriteOrderMonitor:
    """Upstream AXI rule check: a write response may only follow the last data beat
    of its write (AMBA AXI4 A3.3.1), so B handshakes never outnumber WLAST ones."""

    def __init__(self, dut, prefix: str, clock, on_error):
        self.w = [getattr(dut, f"{prefix}w{f}") for f in ("valid", "ready", "last")]
        self.b = [getattr(dut, f"{prefix}b{f}") for f in ("valid", "ready")]
        self.clock = clock
        self.on_error = on_error
        self.wlast = self.bresp = 0
        self._task = None

    def start(self) -> None:
        self._task = cocotb.start_soon(self._run())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            await RisingEdge(self.clock)
            await ReadOnly()
            if all(int(x.value) for x in self.w):
                self.wlast += 1
            if all(int(x.value) for x in self.b):
                self.bresp += 1
                if self.bresp > self.wlast:
                    self.on_error(f"write response {self.bresp} before the last data beat "
                                  f"of its write ({self.wlast} WLAST so far)")


class SmmuTB:
    """One TB per DUT (smmu_tlb): clock, reset, bus models, driver, model state."""

    def __init__(self, dut, image: Optional[MemoryImage] = None, period_ns: int = 10):
        self.dut = dut
        self.log = logging.getLogger("cocotb.tb.smmu")
        self.log.setLevel(logging.INFO)
        self.num_cb = int(dut.NUM_CB.value)
        self.num_smrg = int(dut.NUM_SMRG.value)
        self.tlb_entries = int(dut.TLB_ENTRIES.value)
        dut.rst.value = 1
        cocotb.start_soon(Clock(dut.clk, period_ns, unit="ns").start())
        self.image = image if image is not None else MemoryImage()
        self.ptw_mem = FaultyMemory(self.image)
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        sink_ready.install()     # READY written only when it changes (tb/sink_ready.py)
        self.master = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, mem=self.image)
        self.ptw = AxiRamRead(AxiReadBus.from_prefix(dut, "m_axi_ptw"), dut.clk, dut.rst,
                              mem=self.ptw_mem)
        self.checker = attach_checkers(dut, dut.clk, dut.rst)   # every port of smmu_tlb
        self.smmu_cov = cov.SmmuInternalMonitor(dut, dut.clk).start()   # TLB / walk / TLBI coverage
        for m in (self.axil, self.master, self.ram):
            for name in ("write_if", "read_if"):
                getattr(m, name).log.setLevel(logging.WARNING)
        self.ptw.log.setLevel(logging.WARNING)
        self.driver = ArmSmmuDriver(self.axil, dut.clk)
        self.tables = TablePageAllocator(self.image, TABLE_POOL_BASE, TABLE_POOL_SIZE)
        self.state = SmmuState(self.image, num_cb=self.num_cb,
                               read_error=self.ptw_mem.read_error)
        self.sb = SmmuScoreboard(self)

    # --- pause generators on every channel ----------------------------------------------
    def set_idle_generator(self, generator=None) -> None:
        """Idle cycles on every channel a model drives valid on."""
        if generator:
            self.master.write_if.aw_channel.set_pause_generator(generator())
            self.master.write_if.w_channel.set_pause_generator(generator())
            self.master.read_if.ar_channel.set_pause_generator(generator())
            self.ram.write_if.b_channel.set_pause_generator(generator())
            self.ram.read_if.r_channel.set_pause_generator(generator())
            self.ptw.r_channel.set_pause_generator(generator())

    def set_backpressure_generator(self, generator=None) -> None:
        """Back-pressure on every channel a model drives ready on."""
        if generator:
            self.master.write_if.b_channel.set_pause_generator(generator())
            self.master.read_if.r_channel.set_pause_generator(generator())
            self.ram.write_if.aw_channel.set_pause_generator(generator())
            self.ram.write_if.w_channel.set_pause_generator(generator())
            self.ram.read_if.ar_channel.set_pause_generator(generator())
            self.ptw.ar_channel.set_pause_generator(generator())

    async def cycle_reset(self) -> None:
        # the bus models start in reset and stay idle until rst falls, so no X
        # before the first reset edge reaches them
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 3)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)
        self.sb.start()

    async def init_smmu(self, disable_bypass: bool = True) -> None:
        """Probe + arm_smmu_device_reset, mirrored in the model."""
        self.driver.disable_bypass = disable_bypass
        feat = await self.driver.arm_smmu_device_cfg_probe()
        assert feat.num_context_banks == self.num_cb, feat
        assert feat.num_mapping_groups == self.num_smrg, feat
        assert feat.size == 1 << S.SPACE_ADDR_BITS, feat
        assert feat.tlb_entries == self.tlb_entries, feat
        await self.driver.arm_smmu_device_reset()
        self.state.after_device_reset(disable_bypass)

    async def attach(self, cb: int, sids: list[tuple[int, int, int]], *, ias: int = 48,
                     oas: int = 48, asid: Optional[int] = None, **ctx_kw) -> Domain:
        """arm_smmu_attach_dev: a fresh io-pgtable for bank `cb`, the bank programmed
        from it, and one stream-map entry (index, StreamID, mask) per element of sids."""
        asid = cb if asid is None else asid
        tlb = DeferredTlbOps(cb, asid)
        pgtbl = ArmLpaeS1(self.image, self.tables, ias=ias, oas=oas, tlb=tlb)
        await self.driver.arm_smmu_write_context_bank(cb, pgtbl, asid=asid, **ctx_kw)
        sctlr = ctx_kw.get("sctlr")
        m = cfre = cfie = True
        if sctlr is not None:
            m = bool(sctlr >> S.SCTLR_M_BIT & 1)
            cfre = bool(sctlr >> S.SCTLR_CFRE_BIT & 1)
            cfie = bool(sctlr >> S.SCTLR_CFIE_BIT & 1)
        self.state.contexts[cb] = Context(pgtbl.ttbr | (asid << 48), pgtbl.tcr,
                                          pgtbl.mair | (ctx_kw.get("mair1", 0) << 32),
                                          asid, m=m, cfre=cfre, cfie=cfie)
        for idx, sid, mask in sids:
            await self.map_stream(idx, sid, mask, S.S2CR_TYPE_TRANS, cb)
        return Domain(cb, asid, pgtbl, tlb)

    async def program_context(self, cb: int, ttbr: int, tcr: int, mair: int, asid: int,
                              sctlr: Optional[int] = None) -> None:
        """Program bank `cb` with explicit TTBR/TCR/MAIR (e.g. a T0SZ or IPS the
        io-pgtable would not choose) and mirror it in the model."""
        await self.driver.arm_smmu_init_context_bank(cb, ttbr, tcr, mair, asid=asid,
                                                     mair1=mair >> 32, sctlr=sctlr)
        m = cfre = cfie = True
        if sctlr is not None:
            m = bool(sctlr >> S.SCTLR_M_BIT & 1)
            cfre = bool(sctlr >> S.SCTLR_CFRE_BIT & 1)
            cfie = bool(sctlr >> S.SCTLR_CFIE_BIT & 1)
        self.state.contexts[cb] = Context(ttbr | (asid << 48), tcr, mair, asid,
                                          m=m, cfre=cfre, cfie=cfie)

    async def map_stream(self, idx: int, sid: int, mask: int, typ: int, cb: int = 0) -> None:
        await self.driver.arm_smmu_write_sme(idx, sid, mask, typ, cb)
        self.state.smes[idx] = Sme(sid, mask, typ, cb)

    async def unmap_stream(self, idx: int) -> None:
        await self.driver.arm_smmu_free_sme(idx)
        self.state.smes.pop(idx, None)

    def irq_context(self) -> int:
        return int(self.dut.irq_context.value)

    def irq_global(self) -> int:
        return int(self.dut.irq_global.value)


@dataclass
class ExpAddr:
    id: int
    addr: int
    len: int
    size: int
    cache: int
    prot: int
    user: int
    what: str


class SmmuScoreboard:
    """Predicts each downstream AW/AR/W beat and each terminated transaction, and
    checks them as the monitors and the AXI master report them."""

    def __init__(self, tb: SmmuTB):
        self.tb = tb
        self.exp_aw: deque[ExpAddr] = deque()
        self.exp_ar: deque[ExpAddr] = deque()
        self.exp_w: deque[tuple[int, int, int]] = deque()
        self.errors: list[str] = []
        self.stats = dict(writes=0, reads=0, forwarded=0, terminated=0, beats=0,
                          fault_records=0)
        dut = tb.dut
        self.mon_aw = AxiAddrMonitor(dut, dut.clk, "m_axi_", ("aw",), callback=self._on_aw)
        self.mon_ar = AxiAddrMonitor(dut, dut.clk, "m_axi_", ("ar",), callback=self._on_ar)
        self.mon_w = AxiWMonitor(dut, "m_axi_w", dut.clk, self._on_w)
        self.ptw_reads = 0
        self.mon_ptw = WalkerReadMonitor(dut, dut.clk, self._on_ptw)
        self.mon_up_order = AxiWriteOrderMonitor(dut, "s_axi_", dut.clk, self._err)

    def start(self) -> None:
        for m in (self.mon_aw, self.mon_ar, self.mon_w, self.mon_ptw, self.mon_up_order):
            m.start()

    def _err(self, msg: str) -> None:
        self.tb.log.error(msg)
        self.errors.append(msg)

    def _match(self, q: deque, beat: AddrBeat, chan: str) -> None:
        if not q:
            self._err(f"unexpected downstream {chan}: {beat} (a transaction that should "
                      f"have been terminated, or an extra beat)")
            return
        e = q.popleft()
        got = (beat.id, beat.addr, beat.len, beat.size, beat.cache, beat.prot, beat.user)
        exp = (e.id, e.addr, e.len, e.size, e.cache, e.prot, e.user)
        if got != exp:
            self._err(f"downstream {chan} for {e.what}: got id={beat.id:#x} addr={beat.addr:#x} "
                      f"len={beat.len} size={beat.size} cache={beat.cache:#06b} "
                      f"prot={beat.prot:#05b} user={beat.user:#x}; expected id={e.id:#x} "
                      f"addr={e.addr:#x} len={e.len} size={e.size} cache={e.cache:#06b} "
                      f"prot={e.prot:#05b} user={e.user:#x}")

    def _on_aw(self, beat: AddrBeat) -> None:
        self._match(self.exp_aw, beat, "AW")

    def _on_ar(self, beat: AddrBeat) -> None:
        self._match(self.exp_ar, beat, "AR")

    def _on_w(self, w) -> None:
        self.stats["beats"] += 1
        if not self.exp_w:
            self._err(f"unexpected downstream W beat data={w[0]:#x} strb={w[1]:#x}")
            return
        e = self.exp_w.popleft()
        lanes = sum(0xFF << (8 * b) for b in range(8) if (e[1] >> b) & 1)
        if (w[0] & lanes, w[1], w[2]) != e:
            self._err(f"downstream W beat: got data={w[0]:#x} strb={w[1]:#x} last={w[2]}; "
                      f"expected data={e[0]:#x} strb={e[1]:#x} last={e[2]}")

    def _on_ptw(self, addr: int) -> None:
        self.ptw_reads += 1

    def check_clean(self) -> None:
        """No mismatch so far and nothing still expected."""
        assert not self.errors, "scoreboard errors:\n" + "\n".join(self.errors[:20])
        assert not self.exp_aw and not self.exp_ar and not self.exp_w, (
            f"expected downstream traffic never seen: AW={list(self.exp_aw)[:4]} "
            f"AR={list(self.exp_ar)[:4]} W={len(self.exp_w)} beats")

    # --- issuing transactions ------------------------------------------------------------
    @staticmethod
    def _beats(addr: int, data: bytes, size: int = 3) -> list[tuple[int, int, int]]:
        """W beats on the 64-bit bus for a write of `data` at `addr` with AxSIZE
        `size`: the first beat runs to the next 2^size boundary, each byte sits in
        its address lane (AMBA AXI4 A3.4 narrow transfers)."""
        nbytes = 1 << size
        beats, pos, cur = [], 0, addr
        while pos < len(data):
            n = min((cur // nbytes + 1) * nbytes - cur, len(data) - pos)
            word = strb = 0
            for b in range(n):
                lane = (cur + b) % 8
                word |= data[pos + b] << (8 * lane)
                strb |= 1 << lane
            beats.append((word, strb, 0))
            pos += n
            cur += n
        beats[-1] = (beats[-1][0], beats[-1][1], 1)
        return beats

    def start_write(self, sid: int, iova: int, data: bytes, *, awid: int = 0,
                    prot: int = PROT_NS, cache: int = 0b0011, what: str = "",
                    expect: Optional[Outcome] = None, size: int = 3):
        """Predict (or take `expect`, e.g. a stale translation the test proves the TLB
        still holds), queue expectations and issue a write (single burst inside a 4 KiB
        page); returns (outcome, event)."""
        out = expect or self.tb.state.predict(sid, iova, write=True, prot=prot, cache=cache)
        nbeats = -(-((iova % (1 << size)) + len(data)) // (1 << size))
        cov.sample_outcome(out, nbeats, 1 << size, iova)
        what = what or f"write sid={sid:#x} iova={iova:#x}"
        if out.forward:
            self.exp_aw.append(ExpAddr(awid, out.pa, nbeats - 1, size, out.axcache, out.prot,
                                       sid, what))
            self.exp_w.extend(self._beats(out.pa, data, size))
        ev = self.tb.master.init_write(iova, data, awid=awid, prot=prot, cache=cache, user=sid,
                                       size=size)
        self.stats["writes"] += 1
        return out, ev

    def start_read(self, sid: int, iova: int, length: int, *, arid: int = 0,
                   prot: int = PROT_NS, cache: int = 0b0011, what: str = "",
                   expect: Optional[Outcome] = None, size: int = 3):
        out = expect or self.tb.state.predict(sid, iova, write=False, prot=prot, cache=cache)
        nbeats = -(-((iova % (1 << size)) + length) // (1 << size))
        cov.sample_outcome(out, nbeats, 1 << size, iova)
        what = what or f"read sid={sid:#x} iova={iova:#x}"
        if out.forward:
            self.exp_ar.append(ExpAddr(arid, out.pa, nbeats - 1, size, out.axcache, out.prot,
                                       sid, what))
        ev = self.tb.master.init_read(iova, length, arid=arid, prot=prot, cache=cache, user=sid,
                                      size=size)
        self.stats["reads"] += 1
        return out, ev

    def finish_write(self, out: Outcome, ev, iova: int, data: bytes, what: str = "",
                     check_mem: bool = True) -> None:
        """Check a completed write: response, and (check_mem) the bytes at the PA,
        which a later write to the same PA still in flight may already have changed;
        the W-beat monitor checks every forwarded beat regardless."""
        resp = ev.data.resp
        what = what or f"write iova={iova:#x}"
        if out.forward:
            self.stats["forwarded"] += 1
            if resp != AxiResp.OKAY:
                self._err(f"{what}: BRESP {resp!r}, expected OKAY ({out.describe()})")
            got = self.tb.image.read(out.pa, len(data))
            if check_mem and got != data:
                self._err(f"{what}: memory at pa {out.pa:#x} holds {got.hex()} not {data.hex()}")
        else:
            self.stats["terminated"] += 1
            if resp != out.resp:
                self._err(f"{what}: BRESP {resp!r}, expected {out.resp} ({out.describe()})")

    def finish_read(self, out: Outcome, ev, iova: int, length: int, what: str = "") -> bytes:
        resp, data = ev.data.resp, bytes(ev.data.data)
        what = what or f"read iova={iova:#x}"
        if out.forward:
            self.stats["forwarded"] += 1
            exp = self.tb.image.read(out.pa, length)
            if resp != AxiResp.OKAY:
                self._err(f"{what}: RRESP {resp!r}, expected OKAY ({out.describe()})")
            if data != exp:
                self._err(f"{what}: read {data.hex()} expected {exp.hex()} from pa {out.pa:#x}")
        else:
            self.stats["terminated"] += 1
            if resp != out.resp:
                self._err(f"{what}: RRESP {resp!r}, expected {out.resp} ({out.describe()})")
            if data != bytes(length):
                self._err(f"{what}: terminated read returned data {data.hex()}, expected zeros")
        return data

    async def write(self, sid: int, iova: int, data: bytes, check: bool = True,
                    **kw) -> Outcome:
        """Issue one write and check it; with check, also the fault record of a
        terminated one (read and cleared as the kernel's handler does)."""
        out, ev = self.start_write(sid, iova, data, **kw)
        await wait_named(ev.wait(), f"write response for sid={sid:#x} iova={iova:#x}")
        self.finish_write(out, ev, iova, data, kw.get("what", ""))
        if check and not out.forward:
            await self.check_fault_record(out)
        return out

    async def read(self, sid: int, iova: int, length: int, check: bool = True,
                   **kw) -> tuple[Outcome, bytes]:
        out, ev = self.start_read(sid, iova, length, **kw)
        await wait_named(ev.wait(), f"read response for sid={sid:#x} iova={iova:#x}")
        data = self.finish_read(out, ev, iova, length, kw.get("what", ""))
        if check and not out.forward:
            await self.check_fault_record(out)
        return out, data

    # --- fault records --------------------------------------------------------------------
    async def check_fault_record(self, out: Outcome, multi: bool = False) -> None:
        """Read and clear the fault registers the way arm-smmu's handlers do, and
        compare them (and the interrupt lines) with the predicted fault."""
        drv, f = self.tb.driver, out.fault
        assert f is not None, f"no fault predicted for {out}"
        self.stats["fault_records"] += 1
        cov.sample_fault_of(f)
        await RisingEdge(self.tb.dut.clk)
        if isinstance(f, ContextFault):
            ctx = self.tb.state.contexts[f.cb]
            irq = (self.tb.irq_context() >> f.cb) & 1
            assert irq == int(ctx.cfie), f"irq_context[{f.cb}]={irq} with CFIE={ctx.cfie}"
            rec = await drv.arm_smmu_context_fault(f.cb)
            assert rec is not None, f"CB{f.cb}: FSR records no fault; expected {f}"
            exp_fsr = (1 << f.fsr_bit) | ((1 << S.FSR_MULTI_BIT) if multi else 0)
            assert rec.fsr == exp_fsr, f"CB{f.cb} FSR {rec.fsr:#x}, expected {exp_fsr:#x} ({f.kind})"
            assert rec.far == f.far, f"CB{f.cb} FAR {rec.far:#x}, expected {f.far:#x}"
            assert rec.fsynr0 == f.fsynr0, (f"CB{f.cb} FSYNR0 {rec.fsynr0:#x}, expected "
                                            f"{f.fsynr0:#x} (level {f.level}, {f.kind})")
            await RisingEdge(self.tb.dut.clk)
            assert (self.tb.irq_context() >> f.cb) & 1 == 0, f"irq_context[{f.cb}] still set after FSR clear"
        else:
            gfie = int(self.tb.state.gfie)
            assert self.tb.irq_global() == gfie, f"irq_global={self.tb.irq_global()} with GFIE={gfie}"
            rec = await drv.arm_smmu_global_fault()
            assert rec is not None, f"sGFSR records no fault; expected {f}"
            exp = (1 << f.gfsr_bit) | ((1 << S.GFSR_MULTI_BIT) if multi else 0)
            assert rec.gfsr == exp, f"sGFSR {rec.gfsr:#x}, expected {exp:#x}"
            assert rec.gfar == f.far, f"sGFAR {rec.gfar:#x}, expected {f.far:#x}"
            assert rec.gfsynr0 == f.gfsynr0, f"sGFSYNR0 {rec.gfsynr0:#x}, expected {f.gfsynr0:#x}"
            assert rec.gfsynr1 == f.sid, f"sGFSYNR1 {rec.gfsynr1:#x}, expected StreamID {f.sid:#x}"
            await RisingEdge(self.tb.dut.clk)
            assert self.tb.irq_global() == 0, "irq_global still set after sGFSR clear"

    async def expect_no_faults(self) -> None:
        for cb in range(self.tb.num_cb):
            fsr = await self.tb.driver.readl(ArmSmmuDriver.cb(cb, S.CB_FSR))
            assert fsr == 0, f"CB{cb} FSR {fsr:#x}: unexpected fault recorded"
        gfsr = await self.tb.driver.readl(S.GR0_SGFSR)
        assert gfsr == 0, f"sGFSR {gfsr:#x}: unexpected global fault"
        assert self.tb.irq_context() == 0 and self.tb.irq_global() == 0, "fault interrupt raised"


class WalkerReadMonitor:
    """Counts the walker's descriptor reads (AR handshakes on m_axi_ptw)."""

    def __init__(self, dut, clock, callback):
        self.valid = dut.m_axi_ptw_arvalid
        self.ready = dut.m_axi_ptw_arready
        self.addr = dut.m_axi_ptw_araddr
        self.clock = clock
        self.callback = callback
        self.log: list[int] = []
        self._task = None

    def start(self) -> None:
        self._task = cocotb.start_soon(self._run())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            await RisingEdge(self.clock)
            await ReadOnly()
            if self.valid.value == 1 and self.ready.value == 1:
                a = int(self.addr.value)
                self.log.append(a)
                self.callback(a)


