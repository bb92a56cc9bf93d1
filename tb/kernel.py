"""The Linux side of the system testbench: drives msi_system_top the way the
v4.9 kernel does, with the golden model deciding every value it programs.

    arm-smmu.c          tb.arm_smmu_driver.ArmSmmuDriver (registers over the CPU port)
                        when the firmware describes an SMMUv2 (SystemMap.smmu_version 2)
    arm-smmu-v3.c       tb.arm_smmu_v3_driver.ArmSmmuV3Driver (Linux 6.1: registers over
                        the CPU port; Stream table, CDs, command and event queues in
                        the MemoryImage) for an SMMUv3 (smmu_version 3)
    dma-iommu.c         pymodel.dma_iommu (cookies, IOVA, MSI pages, page tables)
    irq-gic-v3-its.c    pymodel.its.its_node (commands in memory) + the MMIO here
    irq-gic-v2m.c       pymodel.msi.V2mData from MSI_TYPER read over the CPU port
    compose_msi_msg     pymodel.msi.*_compose_msi_msg -> iommu_dma_map_msi_msg

`Kernel` also keeps the prediction side in step with what it programs: the SMMU
state mirror (tb.smmu_model.SmmuState for v2, tb.smmuv3_state.Smmuv3State for v3),
the ITS reference (its_node.reference)
and the GICv2m reference (pymodel.gicv2m.V2mReference), which the scoreboard
(tb/system_scoreboard.py) asks for every expected outcome.

MSI isolation (pymodel.msi.iommu_group_has_isolated_msi): an MSI controller
that identifies the writer (the ITS takes the DeviceID from the StreamID) sets
IRQ_DOMAIN_FLAG_MSI_REMAP / IRQ_DOMAIN_ISOLATED_MSI; GICv2m does not. A domain
whose devices signal MSIs through a controller without it is not MSI-isolated:
any device that can reach the doorbell can raise any of its interrupts. This is
what VFIO checks (v4.11 irq_domain_check_msi_remap(), v6.2
iommu_group_has_isolated_msi()) before it lets a domain go to user space.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from cocotb.triggers import RisingEdge

from pymodel import dma_iommu as D
from pymodel import kversion
from pymodel import msi as M
from pymodel.gicv2m import V2mReference, msi_typer_decode
from pymodel.hwdefs import gicv2m as V2MH
from pymodel.hwdefs import its as ITSH
from pymodel.hwdefs import smmu as S
from pymodel.its import its_device, its_node
from pymodel.memory import TablePageAllocator
from pymodel.hwdefs import smmuv3 as V3
from pymodel.smmuv3 import Cd, EventRecord
from tb.arm_smmu_driver import ArmSmmuDriver, DeferredTlbOps
from tb.arm_smmu_v3_driver import ArmSmmuMaster, ArmSmmuV3Driver
from tb.smmu_model import Context, Sme, SmmuState
from tb.smmuv3_state import Smmuv3State

MASK32 = 0xFFFF_FFFF
# physical memory carve-up of RAM (all in the one MemoryImage), offsets from its base:
# device buffers from the bottom, then the ITS pool, the page-table pool and (v3) the
# SMMUv3 structure pool (Stream table, CDs, command and event queues) at the top
POOL_SIZE = 0x0100_0000
DMA_WINDOW = (0, 1 << 32)                        # arm64 PCI default: base 0, 4 GiB


class KernelError(RuntimeError):
    """The kernel layer hit something the real kernel would WARN or fail on."""


MsiController = M.MsiController
ITS_CHIP = M.GICV3_ITS
V2M_CHIP = M.GICV2M


@dataclass
class KDomain:
    """An arm_smmu_domain: the model's IommuDomain plus its context bank (v2) or its
    context descriptor (v3: `cd`, cbndx None)."""
    domain: D.IommuDomain
    cbndx: Optional[int]
    asid: int
    tlb: DeferredTlbOps
    devices: list = field(default_factory=list)
    freed: bool = False
    cd: Optional[ArmSmmuMaster] = None     # v3: the s1 CD (cd_addr once written)

    @property
    def name(self) -> str:
        return self.domain.name


@dataclass
class KDevice:
    """A PCI function as the kernel knows it (the model's Device) plus the device
    model on the port and its MSI state."""
    dev: D.Device
    model: object                         # tb.system_env.DeviceModel
    sme: Optional[int] = None
    kdomain: Optional[KDomain] = None
    its_dev: Optional[its_device] = None
    msi_chip: Optional[MsiController] = None
    vectors: list = field(default_factory=list)   # Vector

    @property
    def name(self) -> str:
        return self.dev.name

    @property
    def sid(self) -> int:
        return self.dev.stream_id


@dataclass
class Vector:
    """One allocated MSI: hwirq (LPI or SPI INTID), event (ITS) and the message
    the device was programmed with (after iommu_dma_map_msi_msg)."""
    kdev: KDevice
    chip: MsiController
    hwirq: int
    event: Optional[int]
    msg: M.MsiMsg
    doorbell: int                          # the un-swizzled doorbell address
    desc: Optional[D.MsiDesc] = None       # 5.2+: prepared at irq_domain_alloc


class Kernel:
    def __init__(self, env, *, nr_cpus: int = 4, disable_bypass: bool = True):
        self.env = env
        self.map = env.map
        self.memory = env.memory
        self.smmu_version = self.map.smmu_version
        ram_top = self.map.ram_base + self.map.ram_size
        if self.smmu_version == 3:
            self.smmu_pool = (ram_top - POOL_SIZE, POOL_SIZE)
            self.smmu = ArmSmmuV3Driver(env.cpu, env.dut.clk, self.memory,
                                        TablePageAllocator(self.memory, *self.smmu_pool),
                                        base=self.map.smmu_base,
                                        disable_bypass=disable_bypass)
            self.smmu_state = Smmuv3State(self.memory, read_error=env.ptw_faults.read_error)
        elif self.smmu_version == 2:
            self.smmu = ArmSmmuDriver(env.cpu, env.dut.clk, base=self.map.smmu_base,
                                      disable_bypass=disable_bypass)
            self.smmu_state = SmmuState(self.memory, num_cb=8,
                                        read_error=env.ptw_faults.read_error)
        else:
            raise KernelError(f"SMMU version {self.smmu_version!r}: want 2 or 3")
        self.asid_used: set[int] = set()
        self.pgtable_pool = (ram_top - 2 * POOL_SIZE, POOL_SIZE)
        self.its_pool = (ram_top - 3 * POOL_SIZE, POOL_SIZE)
        self.pgtable_alloc = TablePageAllocator(self.memory, *self.pgtable_pool)
        self.its = its_node(self.memory, TablePageAllocator(self.memory, *self.its_pool),
                            nr_cpus=nr_cpus)
        self.its_msi_node = M.ItsNode(self.map.its_base)
        self.v2m: Optional[M.V2mData] = None
        self.v2m_ref: Optional[V2mReference] = None
        self.v2m_spi_used: set[int] = set()
        self.cb_used: set[int] = set()
        self.sme_used: set[int] = set()
        self.kdomains: list[KDomain] = []
        self.kdevices: dict[str, KDevice] = {}
        self._buf_next = self.map.ram_base
        self.txlog = env.txlog

    # ------------------------------------------------------------------ MMIO
    async def readl(self, addr: int) -> int:
        r = await self.env.cpu.read(addr, 4)
        return int.from_bytes(r.data, "little")

    async def writel(self, addr: int, val: int) -> None:
        await self.env.cpu.write(addr, (val & MASK32).to_bytes(4, "little"))

    async def writeq(self, addr: int, val: int) -> None:
        await self.writel(addr, val & MASK32)
        await self.writel(addr + 4, val >> 32)

    async def readq(self, addr: int) -> int:
        lo = await self.readl(addr)
        return lo | (await self.readl(addr + 4)) << 32

    # ------------------------------------------------------------------ probe
    async def probe(self) -> None:
        """arm_smmu_device_probe + reset (arm-smmu or arm-smmu-v3), its_probe +
        its_cpu_init, gicv2m_init_one."""
        if self.smmu_version == 3:
            await self._probe_smmuv3()
        else:
            feats = await self.smmu.arm_smmu_device_cfg_probe()
            self.smmu_state.num_cb = feats.num_context_banks
            self.num_smes = feats.num_mapping_groups
            await self.smmu.arm_smmu_device_reset()
            self.smmu_state.after_device_reset(self.smmu.disable_bypass)
            self.txlog.log("KERNEL", f"arm-smmu: {feats.num_context_banks} context banks, "
                                     f"{feats.num_mapping_groups} SMRs, ias {feats.ias} "
                                     f"oas {feats.oas}")
        # ITS
        for off, val in self.its.its_probe_writes():
            await self.writeq(self.map.its_base + off, val)
        await self.writel(self.map.its_base + ITSH.GITS_CTLR, 1 << ITSH.CTLR_ENABLED_BIT)
        for cpu in range(self.its.nr_cpus):
            self.its.its_cpu_init_collection(cpu)
        await self.its_post_commands()
        self.txlog.log("KERNEL", f"ITS: cmdq {self.its.cmd_base:#x}, device table "
                                 f"{self.its.device_table:#x}, {self.its.nr_cpus} collections")
        # GICv2m
        typer = await self.readl(self.map.gicv2m_base + V2MH.MSI_TYPER)
        iidr = await self.readl(self.map.gicv2m_base + V2MH.MSI_IIDR)
        spi_start, nr_spis = msi_typer_decode(typer)
        self.v2m = M.V2mData.from_iidr(iidr, self.map.gicv2m_base, spi_start, nr_spis)
        self.v2m_ref = V2mReference(spi_start, nr_spis)
        self.txlog.log("KERNEL", f"GICv2m: MSI_TYPER {typer:#x} -> SPIs [{spi_start}, "
                                 f"{spi_start + nr_spis}), IIDR {iidr:#x}")

    async def _probe_smmuv3(self) -> None:
        """arm_smmu_device_probe (Linux 6.1): hw_probe, queues, Stream table (2-level,
        SPLIT 8, as the IDRs allow), arm_smmu_device_reset (CMDQ, CFGI_ALL,
        TLBI_NSNH_ALL, EVTQ, IRQ_CTRL, SMMUEN)."""
        rc = await self.smmu.arm_smmu_device_probe()
        if rc:
            raise KernelError(f"arm_smmu_device_probe = {rc}")
        f = self.smmu.feat
        self.asid_bits = 16 if (f.idr["IDR0"] >> V3.IDR0_ASID16_BIT) & 1 else 8
        self.smmu_state.after_device_reset(self.smmu)
        self.txlog.log("KERNEL", f"arm-smmu-v3: {'2-level' if self.smmu.two_level else 'linear'}"
                                 f" stream table {self.smmu.strtab_base:#x} ({f.sid_bits}-bit "
                                 f"SIDs), cmdq {self.smmu.cmdq_base:#x} 2^{self.smmu.cmdq_shift}, "
                                 f"evtq {self.smmu.evtq_base:#x} 2^{self.smmu.evtq_shift}, "
                                 f"{self.asid_bits}-bit ASIDs, range TLBI {f.range_inv}, "
                                 f"oas {f.oas}")

    async def its_post_commands(self, timeout_polls: int = 2000) -> None:
        """its_post_commands + its_wait_for_range_completion: write GITS_CWRITER,
        poll GITS_CREADR until the ITS has consumed everything."""
        to = self.its.cwriter_value()
        await self.writeq(self.map.its_base + ITSH.GITS_CWRITER, to)
        for _ in range(timeout_polls):
            rd = await self.readq(self.map.its_base + ITSH.GITS_CREADR)
            if (rd >> ITSH.CREADR_STALLED_BIT) & 1:
                err = await self.readl(self.map.its_base + ITSH.GITS_IMPDEF_CMD_ERROR)
                raise KernelError(f"ITS stalled at CREADR {rd:#x} (command error {err:#x})")
            if rd == to:
                return
        raise KernelError(f"ITS command queue not consumed: CREADR stuck before {to:#x}")

    # ------------------------------------------------------------------ domains
    def iommu_domain_alloc(self, name: str, *, type: int = D.IOMMU_DOMAIN_DMA,
                           behaviour: kversion.KernelBehaviour | str = kversion.DEFAULT
                           ) -> KDomain:
        """iommu_domain_alloc + arm_smmu_init_domain_context: first free context
        bank, ASID = bank index (v4.9), stage-1 io-pgtable. v3
        (arm_smmu_domain_finalise_s1, done here at allocation as for v2): the lowest
        free ASID from 1 (xa_alloc over [1, 2^asid_bits)), no context bank.
        `behaviour` is the kernel whose io-pgtable-arm.c builds the tables (descriptor
        bits, MAIR, TCR); iommu_dma_setup then gives the domain that kernel's cookie."""
        if self.smmu_version == 3:
            free = [a for a in range(1, 1 << self.asid_bits) if a not in self.asid_used]
            if not free:
                raise KernelError("no free ASID (arm_smmu_domain_finalise_s1: -ENOSPC)")
            asid = free[0]
            self.asid_used.add(asid)
            tlb = DeferredTlbOps(None, asid)
            dom = D.IommuDomain(self.memory, self.pgtable_alloc, ias=48, oas=48, type=type,
                                name=name, behaviour=behaviour)
            dom.pgtbl.tlb = tlb
            kd = KDomain(dom, None, asid, tlb)
            self.kdomains.append(kd)
            return kd
        free = [i for i in range(self.smmu_state.num_cb) if i not in self.cb_used]
        if not free:
            raise KernelError("no free context bank (arm_smmu_init_domain_context: -ENOSPC)")
        cb = free[0]
        self.cb_used.add(cb)
        tlb = DeferredTlbOps(cb, cb)
        dom = D.IommuDomain(self.memory, self.pgtable_alloc, ias=48, oas=48, type=type, name=name,
                            behaviour=behaviour)
        dom.pgtbl.tlb = tlb
        kd = KDomain(dom, cb, cb, tlb)
        self.kdomains.append(kd)
        return kd

    async def _program_context(self, kd: KDomain, kdev: "KDevice") -> None:
        pg = kd.domain.pgtbl
        if self.smmu_version == 3:
            await self._write_cd(kd, kdev)
            return
        await self.smmu.arm_smmu_write_context_bank(kd.cbndx, pg, asid=kd.asid)
        self.smmu_state.contexts[kd.cbndx] = Context(pg.ttbr, pg.tcr, pg.mair, kd.asid)
        self.txlog.log("KERNEL", f"domain {kd.name}: context bank {kd.cbndx} asid {kd.asid} "
                                 f"ttbr {pg.ttbr:#x}")

    async def _write_cd(self, kd: KDomain, kdev: "KDevice") -> None:
        """arm_smmu_domain_finalise_s1 + arm_smmu_write_ctx_desc (Linux 6.1): the CD
        from io-pgtable's TCR (T0SZ, TG0, IRGN0, ORGN0, SH0, IPS, EPD1), TTB0, MAIR,
        the ASID, R | A | ASET | AA64 | V; qwords 1-3, CFGI_CD + SYNC, then qword 0.
        (6.1 issues CFGI_CD for the domain's masters, none yet at finalise; here for
        the first one, a harmless extra invalidation.)"""
        pg = kd.domain.pgtbl
        tf = pg.tcr_fields
        kd.cd = ArmSmmuMaster(sid=kdev.sid, asid=kd.asid, ttbr=pg.ttbr, tcr_ips=tf["ips"],
                              tcr_tsz=tf["tsz"], mair=pg.mair)
        cd = Cd(t0sz=tf["tsz"], tg0=V3.CD_TG0_4K, irgn0=tf["irgn"], orgn0=tf["orgn"],
                sh0=tf["sh"], epd0=False, epd1=True, v=True, ips=tf["ips"], aa64=True,
                r=True, a=True, aset=True, asid=kd.asid, ttb0=pg.ttbr, mair=pg.mair)
        rc = await self.smmu.arm_smmu_write_ctx_desc(kd.cd, cd)
        if rc:
            raise KernelError(f"arm_smmu_write_ctx_desc({kd.name}) = {rc}")
        self.txlog.log("KERNEL", f"domain {kd.name}: CD {kd.cd.cd_addr:#x} asid {kd.asid} "
                                 f"ttbr {pg.ttbr:#x} mair {pg.mair:#x}")

    def add_device(self, port: int, name: Optional[str] = None,
                   dma_mask: int = D.DMA_BIT_MASK(32)) -> KDevice:
        model = self.env.devices[port]
        if name:
            model.name = name
        dev = D.Device(model.name, stream_id=model.sid, dma_mask=dma_mask)
        kdev = KDevice(dev, model)
        if self.smmu_version == 3 and self.smmu.two_level:
            # arm_smmu_probe_device -> arm_smmu_init_sid_strtab: the StreamID's L2 table
            # (STEs abort with disable_bypass) exists from probe on, attached or not
            self.smmu.arm_smmu_init_l2_strtab(kdev.sid)
        self.kdevices[dev.name] = kdev
        return kdev

    async def attach(self, kd: KDomain, kdev: KDevice) -> None:
        """arm_smmu_attach_dev: program the context bank on first use, then the
        device's stream-map entry (S2CR translate to the bank, SMR = StreamID).
        v3 (arm_smmu_attach_dev, 6.1): the CD on first use, then the device's STE
        (arm_smmu_write_strtab_ent: S1 translate with S1ContextPtr = the CD)."""
        if not kd.devices:
            await self._program_context(kd, kdev)
        if self.smmu_version == 3:
            m = ArmSmmuMaster(sid=kdev.sid, asid=kd.asid, cd_addr=kd.cd.cd_addr)
            rc = await self.smmu.arm_smmu_write_strtab_ent(m, kdev.sid)
            if rc:
                raise KernelError(f"arm_smmu_write_strtab_ent({kdev.name}) = {rc}")
            D.iommu_attach_device(kd.domain, kdev.dev)
            kd.devices.append(kdev)
            kdev.kdomain = kd
            self.txlog.log("KERNEL", f"attach {kdev.name} sid={kdev.sid:#06x} -> domain "
                                     f"{kd.name} (STE {self.smmu.ste_addr(kdev.sid):#x} -> "
                                     f"CD {kd.cd.cd_addr:#x})")
            return
        if kdev.sme is None:
            free = [i for i in range(self.num_smes) if i not in self.sme_used]
            if not free:
                raise KernelError("no free stream match register")
            kdev.sme = free[0]
            self.sme_used.add(kdev.sme)
        await self.smmu.arm_smmu_write_sme(kdev.sme, kdev.sid, 0, S.S2CR_TYPE_TRANS, kd.cbndx)
        self.smmu_state.smes[kdev.sme] = Sme(kdev.sid, 0, S.S2CR_TYPE_TRANS, kd.cbndx)
        D.iommu_attach_device(kd.domain, kdev.dev)
        kd.devices.append(kdev)
        kdev.kdomain = kd
        self.txlog.log("KERNEL", f"attach {kdev.name} sid={kdev.sid:#06x} -> domain {kd.name} "
                                 f"(SMR{kdev.sme} -> CB{kd.cbndx})")

    async def detach(self, kdev: KDevice) -> None:
        """Take the device off its domain: its stream-map entry goes back to the
        reset type (fault, with disable_bypass)."""
        kd = kdev.kdomain
        if self.smmu_version == 3 and kd is not None:
            # arm_smmu_detach_dev: the STE back to abort (disable_bypass) + CFGI_STE
            rc = await self.smmu.arm_smmu_write_strtab_ent(None, kdev.sid)
            if rc:
                raise KernelError(f"arm_smmu_write_strtab_ent({kdev.name}, detach) = {rc}")
        if kdev.sme is not None:
            await self.smmu.arm_smmu_free_sme(kdev.sme)
            self.smmu_state.smes[kdev.sme] = Sme(0, 0, self.smmu.default_s2cr_type(), 0,
                                                 valid=False)
            self.sme_used.discard(kdev.sme)
            kdev.sme = None
        if kd is not None:
            D.iommu_detach_device(kd.domain, kdev.dev)
            kd.devices.remove(kdev)
        kdev.kdomain = None
        self.txlog.log("KERNEL", f"detach {kdev.name} from {kd.name if kd else None}")

    def iommu_dma_setup(self, kd: KDomain, behaviour=None,
                        base: int = DMA_WINDOW[0], size: int = DMA_WINDOW[1]) -> None:
        """iommu_get_dma_cookie + iommu_dma_init_domain (arm64 do_iommu_attach), for
        the kernel the domain was allocated under (or `behaviour`, which must build
        the same page tables: one kernel builds both the tables and the cookie)."""
        behaviour = kd.domain.behaviour if behaviour is None else kversion.behaviour(behaviour)
        if behaviour.pgtable != kd.domain.behaviour.pgtable:
            raise KernelError(f"iommu_dma_setup({kd.name}): cookie of {behaviour.name} on "
                              f"page tables of {kd.domain.behaviour.name} "
                              f"({kd.domain.behaviour.pgtable} != {behaviour.pgtable}); "
                              f"pass behaviour= to iommu_domain_alloc")
        ret = D.iommu_get_dma_cookie(kd.domain, behaviour)
        if ret:
            raise KernelError(f"iommu_get_dma_cookie({kd.name}) = {ret}")
        ret = D.iommu_dma_init_domain(kd.domain, base, size)
        if ret:
            raise KernelError(f"iommu_dma_init_domain({kd.name}, {base:#x}, {size:#x}) = {ret}")

    def iommu_msi_cookie_setup(self, kd: KDomain, base: int, behaviour="v4.11") -> None:
        """VFIO type1: iommu_get_msi_cookie(domain, MSI window base)."""
        ret = D.iommu_get_msi_cookie(kd.domain, base, behaviour)
        if ret:
            raise KernelError(f"iommu_get_msi_cookie({kd.name}, {base:#x}) = {ret}")

    async def tlb_flush(self, kd: KDomain) -> None:
        """Run the TLB maintenance the last page-table operations queued. v3: each
        range as __arm_smmu_tlb_inv_range's TLBI_NH_VA list (range form when IDR3.RIL),
        CMD_SYNC where io-pgtable asked for a sync (arm_smmu_tlb_inv_range_domain)."""
        if self.smmu_version != 3:
            await self.smmu.flush_deferred(kd.tlb)
            return
        ents = []
        for op in kd.tlb.ops:
            if op[0] == "range":
                _, iova, size, granule, leaf = op
                ents += self.smmu.tlb_inv_range_cmds(iova, size, granule, leaf, kd.asid)
            else:
                await self._cmdq(ents, "TLBI range")
                ents = []
        if ents:
            await self._cmdq(ents, "TLBI range")
        kd.tlb.ops.clear()

    async def _cmdq(self, ents, what: str) -> None:
        rc = await self.smmu.arm_smmu_cmdq_issue_cmdlist(ents, sync=True)
        if rc:
            raise KernelError(f"arm-smmu-v3 {what}: arm_smmu_cmdq_issue_cmdlist = {rc}")

    async def tlb_inv_context(self, kd: KDomain) -> None:
        """Invalidate everything the domain's translations left in the TLB and walk
        cache: v2 TLBIASID-equivalent (TLBIALL on the bank) + TLBSYNC, v3
        arm_smmu_tlb_inv_context (TLBI_NH_ASID + CMD_SYNC)."""
        if self.smmu_version == 3:
            rc = await self.smmu.arm_smmu_tlb_inv_context(kd.asid)
            if rc:
                raise KernelError(f"arm_smmu_tlb_inv_context(asid {kd.asid}) = {rc}")
        else:
            await self.smmu.tlbi_all_context(kd.cbndx)
            await self.smmu.arm_smmu_tlb_sync()

    async def domain_free(self, kd: KDomain) -> None:
        """iommu_domain_free for an arm-smmu DMA domain: iommu_put_dma_cookie,
        arm_smmu_destroy_domain_context (SCTLR = 0, TLBIASID + sync, bank
        released) and free_io_pgtable_ops (the table pages go back)."""
        if kd.devices:
            raise KernelError(f"domain {kd.name} freed with devices attached")
        D.iommu_put_dma_cookie(kd.domain)
        if self.smmu_version == 3:
            # arm_smmu_domain_free (6.1): free_io_pgtable_ops -> tlb_flush_all =
            # arm_smmu_tlb_inv_context (TLBI_NH_ASID + SYNC), CD table and ASID freed
            await self.tlb_inv_context(kd)
            D.iommu_domain_free(kd.domain)
            self.asid_used.discard(kd.asid)
            kd.freed = True
            self.kdomains.remove(kd)
            self.txlog.log("KERNEL", f"domain {kd.name} freed: cookie put, TLBI_NH_ASID "
                                     f"{kd.asid} + CMD_SYNC, CD and ASID released")
            return
        await self.smmu.arm_smmu_disable_context_bank(kd.cbndx)
        await self.smmu.arm_smmu_tlb_inv_context(kd.cbndx, kd.asid)
        self.smmu_state.contexts.pop(kd.cbndx, None)
        D.iommu_domain_free(kd.domain)
        self.cb_used.discard(kd.cbndx)
        kd.freed = True
        self.kdomains.remove(kd)
        self.txlog.log("KERNEL", f"domain {kd.name} freed: cookie put, CB{kd.cbndx} disabled, "
                                 f"TLBIASID {kd.asid} + sync")

    # ------------------------------------------------------------------ DMA API
    def alloc_buffer(self, size: int, align: int = 4096) -> int:
        """A physically contiguous buffer in RAM (the page allocator)."""
        addr = -(-self._buf_next // align) * align
        self._buf_next = addr + size
        if self._buf_next > self.its_pool[0]:
            raise KernelError("DMA buffer area exhausted")
        return addr

    def dma_map(self, kdev: KDevice, phys: int, size: int, prot: int) -> int:
        return D.iommu_dma_map_page(kdev.dev, phys, size, prot)

    async def dma_unmap(self, kdev: KDevice, dma_addr: int, size: int) -> None:
        D.iommu_dma_unmap_page(kdev.dev, dma_addr, size)
        await self.tlb_flush(kdev.kdomain)

    # ------------------------------------------------------------------ MSIs
    async def its_msi_alloc(self, kdev: KDevice, nvec: int) -> list[Vector]:
        """pci_alloc_irq_vectors(MSI) on the ITS: its_msi_prepare/its_create_device
        (MAPD), its_irq_domain_alloc + activate (MAPTI + SYNC per vector), then
        its_irq_compose_msi_msg -> iommu_dma_map_msi_msg for each vector."""
        if kdev.its_dev is None:
            kdev.its_dev = self.its.its_create_device(kdev.sid, nvec)
        out = []
        ev = kdev.its_dev.event_map
        its_dev = M.ItsDevice(self.its_msi_node, kdev.dev, kdev.sid, lpi_base=ev.lpi_base,
                              nr_ites=kdev.its_dev.nr_ites)
        for _ in range(nvec):
            event, hwirq = self.its.its_alloc_device_irq(kdev.its_dev)
            # 5.2+: its_irq_domain_alloc prepares the MSI page before activate (MAPTI)
            desc = self._prepare_msi(kdev, M.its_irq_domain_alloc, its_dev)
            self.its.its_irq_domain_activate(kdev.its_dev, event)
            out.append((event, hwirq, desc))
        await self.its_post_commands()
        vecs = []
        for event, hwirq, desc in out:
            msg = M.its_irq_compose_msi_msg(its_dev, hwirq, desc=desc)
            vec = Vector(kdev, ITS_CHIP, hwirq, event, msg, self.its_msi_node.doorbell, desc)
            vecs.append(vec)
            self._log_msg(vec)
        kdev.vectors += vecs
        kdev.msi_chip = ITS_CHIP
        return vecs

    async def v2m_msi_alloc(self, kdev: KDevice, nvec: int) -> list[Vector]:
        """pci_alloc_irq_vectors(MSI) on GICv2m: a free SPI per vector
        (gicv2m_irq_domain_alloc's bitmap), gicv2m_compose_msi_msg ->
        iommu_dma_map_msi_msg."""
        vecs = []
        for _ in range(nvec):
            free = [s for s in range(self.v2m.spi_start, self.v2m.spi_start + self.v2m.nr_spis)
                    if s not in self.v2m_spi_used]
            if not free:
                raise KernelError("GICv2m: no free SPI")
            spi = free[0]
            self.v2m_spi_used.add(spi)
            desc = self._prepare_msi(kdev, M.gicv2m_irq_domain_alloc, self.v2m, kdev.dev)
            msg = M.gicv2m_compose_msi_msg(self.v2m, kdev.dev, spi, desc=desc)
            vec = Vector(kdev, V2M_CHIP, spi, None, msg, self.v2m.doorbell, desc)
            vecs.append(vec)
            self._log_msg(vec)
        kdev.vectors += vecs
        kdev.msi_chip = V2M_CHIP
        return vecs

    async def its_set_affinity(self, vec: Vector, cpu: int) -> None:
        """its_set_affinity: MOVI the event to collection `cpu` (+ SYNC)."""
        dev = vec.kdev.its_dev
        self.its.its_send_movi(dev, self.its.collections[cpu], vec.event)
        await self.its_post_commands()
        self.txlog.log("KERNEL", f"{vec.kdev.name}: LPI {vec.hwirq} moved to cpu{cpu} (MOVI)")

    async def its_free_device(self, kdev: KDevice) -> None:
        """its_irq_domain_free for every vector (DISCARD) and its_free_device
        (MAPD V=0), as pci_free_irq_vectors does on the ITS."""
        dev = kdev.its_dev
        if dev is None:
            raise KernelError(f"{kdev.name} has no ITS device")
        for v in kdev.vectors:
            if v.chip is ITS_CHIP:
                self.its.its_send_discard(dev, v.event)
        self.its.its_free_device(dev)
        await self.its_post_commands()
        kdev.its_dev = None
        self.txlog.log("KERNEL", f"{kdev.name}: ITS events discarded, MAPD V=0 "
                                 f"(DeviceID {kdev.sid:#x})")

    def recompose(self, vec: Vector) -> M.MsiMsg:
        """irq_chip_compose_msi_msg again (e.g. after a domain change)."""
        if vec.chip is ITS_CHIP:
            ev = vec.kdev.its_dev.event_map
            its_dev = M.ItsDevice(self.its_msi_node, vec.kdev.dev, vec.kdev.sid,
                                  lpi_base=ev.lpi_base, nr_ites=vec.kdev.its_dev.nr_ites)
            vec.msg = M.its_irq_compose_msi_msg(its_dev, vec.hwirq, desc=vec.desc)
        else:
            vec.msg = M.gicv2m_compose_msi_msg(self.v2m, vec.kdev.dev, vec.hwirq, desc=vec.desc)
        self._log_msg(vec)
        return vec.msg

    @staticmethod
    def _prepare_msi(kdev: KDevice, irq_domain_alloc, *args) -> Optional[D.MsiDesc]:
        """5.2+ kernels map the MSI page in the irqchip's irq_domain_alloc
        (iommu_dma_prepare_msi); a failure fails the IRQ allocation. Older
        kernels map it at compose time (iommu_dma_map_msi_msg): no desc."""
        domain = kdev.dev.domain
        if domain is None or domain.iova_cookie is None \
                or not domain.iova_cookie.behaviour.split_compose:
            return None
        err, desc = irq_domain_alloc(*args)
        if err:
            raise KernelError(f"{kdev.name}: iommu_dma_prepare_msi = {err}: "
                              f"the IRQ allocation fails")
        return desc

    def _log_msg(self, vec: Vector) -> None:
        what = f"LPI {vec.hwirq} (event {vec.event})" if vec.chip is ITS_CHIP else f"SPI {vec.hwirq}"
        self.txlog.log("COMPOSE", f"{vec.kdev.name} sid={vec.kdev.sid:#06x} {what}: doorbell "
                                  f"{vec.doorbell:#x} -> msg {vec.msg}"
                                  + ("  (FAILED: ~0)" if vec.msg.is_failed() else ""))

    # ------------------------------------------------------------------ isolation
    def msi_isolated(self, kd: KDomain) -> bool:
        """iommu_group_has_isolated_msi (v6.2) for the domain's devices: every
        device's MSI controller identifies the writer. Devices without MSIs yet
        count as isolated (nothing to forge)."""
        return M.iommu_group_has_isolated_msi(kdev.msi_chip for kdev in kd.devices)

    # ------------------------------------------------------------------ faults
    async def context_fault(self, kd_or_cb) -> Optional[object]:
        cb = kd_or_cb.cbndx if isinstance(kd_or_cb, KDomain) else kd_or_cb
        return await self.smmu.arm_smmu_context_fault(cb)

    async def global_fault(self):
        return await self.smmu.arm_smmu_global_fault()

    async def evtq_prod(self) -> int:
        """v3: EVENTQ_PROD (page 1), where the SMMU has written up to."""
        return await self.smmu.readl(V3.EVENTQ_PROD)

    def evtq_cons(self) -> int:
        """v3: the driver's EVENTQ_CONS (what arm_smmu_evtq_thread has consumed)."""
        return self.smmu.evtq_cons

    async def evtq_read(self) -> list[EventRecord]:
        """v3 arm_smmu_evtq_thread: every record between CONS and PROD, decoded."""
        return [EventRecord.from_bytes(r) for r in await self.smmu.arm_smmu_evtq_read()]

    async def gerror_active(self) -> int:
        """v3: GERROR ^ GERRORN, the global errors not yet acknowledged."""
        return await self.smmu.readl(V3.GERROR) ^ await self.smmu.readl(V3.GERRORN)

    async def wait_cycles(self, n: int) -> None:
        for _ in range(n):
            await RisingEdge(self.env.dut.clk)


__all__ = ["Kernel", "KDomain", "KDevice", "Vector", "KernelError", "ITS_CHIP", "V2M_CHIP",
           "MsiController", "kversion"]
