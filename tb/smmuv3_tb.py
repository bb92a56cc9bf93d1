"""Testbench for hdl/smmu_v3/rtl/smmu_v3.v: the TB class (clock, reset, cocotbext-axi bus models,
protocol checker on every port, pause generators on every channel), the Linux 6.1
driver model programming it, the independent reference (pymodel.smmuv3) predicting
every transaction, and a checker comparing what the DUT did with the prediction.

Bus models:
  s_axi      upstream   AxiMaster     (device side; AxUSER = StreamID)
  m_axi      downstream AxiRam        (memory = the shared MemoryImage)
  m_axi_ptw  walker     AxiRamRead    (same image through FaultyMemory)
  m_axi_q    structures AxiRam        (Stream table, CDs, queues; FaultyMemory)
  s_axil     registers  AxiLiteMaster (driven through tb.arm_smmu_v3_driver)
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import Optional

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster, AxiRam, AxiReadBus
from cocotbext.axi.axi_ram import AxiRamRead

from pymodel.io_pgtable_arm import ArmLpaeS1
from pymodel import kversion
from pymodel.memory import MemoryImage, TablePageAllocator
from pymodel.smmuv3 import EventRecord, Forward, Smmuv3Config, Smmuv3Reference
from tb.arm_smmu_v3_driver import ArmSmmuMaster, ArmSmmuV3Driver
from tb import sink_ready
from tb.faulty_memory import FaultyMemory
from tb.monitors import AxiAddrMonitor
from tb.protocol_checker import attach_checkers
from tb.timeouts import wait_named

TABLE_POOL_BASE = 0x4000_0000       # Stream table, CDs, queues, page tables
TABLE_POOL_SIZE = 0x0100_0000
DATA_BASE = 0x5000_0000             # DMA buffers


class Smmuv3Mismatch(AssertionError):
    """The DUT's answer differs from the reference's prediction."""



@dataclass
class Smmuv3Domain:
    master: ArmSmmuMaster
    pgtbl: ArmLpaeS1


class Smmuv3TB:
    """One TB per DUT (smmu_v3)."""

    def __init__(self, dut, period_ns: int = 10):
        self.dut = dut
        self.log = logging.getLogger("cocotb.tb.smmuv3")
        self.log.setLevel(logging.INFO)
        self.axil_width = int(dut.AXIL_DATA_WIDTH.value)
        self.cfg_entries = int(dut.CFG_ENTRIES.value)
        self.sid_bits = int(dut.SID_WIDTH.value)
        dut.rst.value = 1
        cocotb.start_soon(Clock(dut.clk, period_ns, unit="ns").start())
        self.image = MemoryImage()
        self.ptw_mem = FaultyMemory(self.image)
        self.q_mem = FaultyMemory(self.image)
        sink_ready.install()     # READY written only when it changes (tb/sink_ready.py)
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        self.master = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, mem=self.image)
        self.ptw = AxiRamRead(AxiReadBus.from_prefix(dut, "m_axi_ptw"), dut.clk, dut.rst,
                              mem=self.ptw_mem)
        self.qram = AxiRam(AxiBus.from_prefix(dut, "m_axi_q"), dut.clk, dut.rst, mem=self.q_mem)
        self.checker = attach_checkers(dut, dut.clk, dut.rst)   # every port of smmu_v3
        for m in (self.axil, self.master, self.ram, self.qram):
            for name in ("write_if", "read_if"):
                getattr(m, name).log.setLevel(logging.WARNING)
        self.ptw.log.setLevel(logging.WARNING)
        self.alloc = TablePageAllocator(self.image, TABLE_POOL_BASE, TABLE_POOL_SIZE)
        self.driver = ArmSmmuV3Driver(self.axil, dut.clk, self.image, self.alloc,
                                      data_width=self.axil_width)
        self.ref = Smmuv3Reference(self.image, Smmuv3Config(sid_bits=self.sid_bits),
                                   read_error=lambda a: self.ptw_mem.read_error(a) or
                                   self.q_mem.read_error(a))
        self.down_aw: list = []
        self.down_ar: list = []
        self.mon_aw = AxiAddrMonitor(dut, dut.clk, "m_axi_", ("aw",),
                                     callback=self.down_aw.append)
        self.mon_ar = AxiAddrMonitor(dut, dut.clk, "m_axi_", ("ar",),
                                     callback=self.down_ar.append)
        self.events_seen: list[EventRecord] = []
        self.next_data = DATA_BASE

    # --- pause generators on every channel ----------------------------------------------
    def set_idle_generator(self, generator=None) -> None:
        if generator:
            self.master.write_if.aw_channel.set_pause_generator(generator())
            self.master.write_if.w_channel.set_pause_generator(generator())
            self.master.read_if.ar_channel.set_pause_generator(generator())
            self.ram.write_if.b_channel.set_pause_generator(generator())
            self.ram.read_if.r_channel.set_pause_generator(generator())
            self.ptw.r_channel.set_pause_generator(generator())
            self.qram.write_if.b_channel.set_pause_generator(generator())
            self.qram.read_if.r_channel.set_pause_generator(generator())

    def set_backpressure_generator(self, generator=None) -> None:
        if generator:
            self.master.write_if.b_channel.set_pause_generator(generator())
            self.master.read_if.r_channel.set_pause_generator(generator())
            self.ram.write_if.aw_channel.set_pause_generator(generator())
            self.ram.write_if.w_channel.set_pause_generator(generator())
            self.ram.read_if.ar_channel.set_pause_generator(generator())
            self.ptw.ar_channel.set_pause_generator(generator())
            self.qram.write_if.aw_channel.set_pause_generator(generator())
            self.qram.write_if.w_channel.set_pause_generator(generator())
            self.qram.read_if.ar_channel.set_pause_generator(generator())

    async def cycle_reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 3)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)
        self.mon_aw.start()
        self.mon_ar.start()

    # --- bring-up ---------------------------------------------------------------------
    async def probe(self, two_level: Optional[bool] = None, split: int = 8) -> None:
        """arm_smmu_device_probe, mirrored into the reference's register view."""
        self.driver.strtab_split = split
        rc = await self.driver.arm_smmu_device_probe(two_level)
        assert rc == 0, f"arm_smmu_device_probe returned {rc}"
        self.sync_ref()

    def sync_ref(self) -> None:
        d = self.driver
        self.ref.regs.smmuen = True
        self.ref.regs.strtab_base = d.strtab_base
        self.ref.regs.strtab_base_cfg = d.strtab_cfg
        self.ref.regs.recinvsid = True

    async def attach(self, sid: int, asid: int, *, oas: int = 48) -> Smmuv3Domain:
        """arm_smmu_attach_dev for a fresh 6.1 io-pgtable domain: L2 table, CD, STE."""
        pgtbl = ArmLpaeS1(self.image, self.alloc, ias=48, oas=oas,
                          flavour=kversion.PGTABLE_V6_1)
        ips = pgtbl.tcr_fields["ips"]
        m = ArmSmmuMaster(sid=sid, asid=asid, ttbr=pgtbl.ttbr, tcr_ips=ips,
                          tcr_tsz=pgtbl.tcr_fields["tsz"], mair=pgtbl.mair)
        if self.driver.two_level:
            self.driver.arm_smmu_init_l2_strtab(sid)
        assert await self.driver.arm_smmu_write_ctx_desc(m) == 0
        assert await self.driver.arm_smmu_write_strtab_ent(m, sid) == 0
        return Smmuv3Domain(m, pgtbl)

    def buffer(self, size: int = 0x1000) -> int:
        pa = self.next_data
        self.next_data += max(size, 0x1000)
        return pa

    # --- one transaction, checked against the reference ------------------------------------
    async def access(self, sid: int, addr: int, write: bool, *, prot: int = 0b010,
                     cache: int = 0b0011, what: str = "", expect_event: bool = True):
        """Issue one 8-byte access, check response, downstream address/attributes and
        data against the reference; return the predicted outcome."""
        exp = self.ref.predict(sid, addr, write, cache=cache, prot=prot)
        what = what or f"{'write' if write else 'read'} sid={sid:#x} addr={addr:#x}"
        down = self.down_aw if write else self.down_ar
        n0 = len(down)
        data = random.Random(addr ^ sid).randbytes(8)
        if write:
            ev = self.master.init_write(addr, data, prot=prot, cache=cache, user=sid)
        else:
            ev = self.master.init_read(addr, 8, prot=prot, cache=cache, user=sid)
        await wait_named(ev.wait(), f"response of {what}")
        await ClockCycles(self.dut.clk, 2)
        resp = int(ev.data.resp)
        if isinstance(exp, Forward):
            if resp != 0:
                raise Smmuv3Mismatch(f"{what}: resp {resp}, expected OKAY to {exp}")
            if len(down) != n0 + 1:
                raise Smmuv3Mismatch(f"{what}: {len(down) - n0} downstream beats, expected 1")
            b = down[-1]
            if (b.addr, b.cache, b.prot, b.user) != (exp.pa, exp.cache, exp.prot, sid):
                raise Smmuv3Mismatch(
                    f"{what}: downstream addr={b.addr:#x} cache={b.cache:#06b} prot={b.prot:#05b} "
                    f"user={b.user:#x}; expected addr={exp.pa:#x} cache={exp.cache:#06b} "
                    f"prot={exp.prot:#05b} user={sid:#x}")
            if write and self.image.read(exp.pa, 8) != data:
                raise Smmuv3Mismatch(f"{what}: memory at {exp.pa:#x} not written")
            if not write and bytes(ev.data.data) != self.image.read(exp.pa, 8):
                raise Smmuv3Mismatch(f"{what}: read data differs from memory at {exp.pa:#x}")
        else:
            if resp != exp.resp or len(down) != n0:
                raise Smmuv3Mismatch(f"{what}: resp {resp} with {len(down) - n0} downstream "
                                     f"beats; expected terminate resp {exp.resp}")
            if expect_event:
                await self.check_events([exp.event] if exp.event else [], what)
        return exp

    async def check_events(self, expected: list, what: str) -> None:
        """The event queue holds exactly `expected` (decoded and compared by field)."""
        await ClockCycles(self.dut.clk, 20)
        got = [EventRecord.from_bytes(r) for r in await self.driver.arm_smmu_evtq_read()]
        self.events_seen += got
        if got != expected:
            raise Smmuv3Mismatch(f"{what}: events {[str(g) for g in got]}, expected "
                                 f"{[str(e) for e in expected]}")
