"""A model of how Linux's drivers/iommu/arm-smmu.c (v4.9) programs an SMMUv2 /
MMU-500, driving the registers of hdl/smmu_v2/rtl/smmu_tlb.v through a cocotbext-axi
AxiLiteMaster. Read it beside the kernel file: methods carry the kernel function
names (arm_smmu_device_reset, arm_smmu_write_smr, arm_smmu_write_s2cr,
arm_smmu_init_context_bank, arm_smmu_tlb_inv_context, arm_smmu_tlb_inv_range_nosync,
arm_smmu_tlb_sync, arm_smmu_context_fault, arm_smmu_global_fault).

64-bit accesses are made as the kernel makes them, and the register port's width
says which kernel: on a 64-bit AXI4-Lite port a CONFIG_64BIT kernel, whose
writeq_relaxed / readq_relaxed / smmu_write_atomic_lq are single 64-bit accesses; on
a 32-bit port a 32-bit kernel, where arm-smmu.c's io-64-nonatomic-hi-lo.h makes
writeq two writes, HIGH word first, readq two reads, high word first, and
smmu_write_atomic_lq is writel (the low word only). Register offsets and fields
come from pymodel.hwdefs.smmu, the same table the RTL header is generated from.

The SMMU is probed as a generic "arm,smmu-v2" (not "arm,mmu-500"), so
arm_smmu_device_reset's MMU-500-only ACR/ACTLR steps are not taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from cocotb.triggers import RisingEdge

from pymodel.hwdefs import smmu as S

MASK32 = 0xFFFF_FFFF


class SmmuSyncTimeout(TimeoutError):
    """TLB sync never completed (the kernel's "TLB sync timed out")."""


@dataclass
class ContextFaultRecord:
    """What arm_smmu_context_fault reads: FSR, FSYNR0, FAR."""
    cb: int
    fsr: int
    fsynr0: int
    far: int


@dataclass
class GlobalFaultRecord:
    """What arm_smmu_global_fault reads: sGFSR, sGFSYNR0/1, sGFAR."""
    gfsr: int
    gfsynr0: int
    gfsynr1: int
    gfar: int


@dataclass
class SmmuFeatures:
    """What arm_smmu_device_cfg_probe learns from ID0/ID1/ID2 (and our ID4)."""
    num_mapping_groups: int
    num_context_banks: int
    pgshift: int
    size: int
    ias: int
    oas: int
    tlb_entries: int
    walk_cache_entries: int
    trans_ops: bool = False     # ARM_SMMU_FEAT_TRANS_OPS: ID0.S1TS && !ID0.ATOSNS


@dataclass
class DeferredTlbOps:
    """io-pgtable's iommu_gather_ops for the model: ArmLpaeS1 calls these
    synchronously; the test then runs them on the hardware with
    `ArmSmmuDriver.flush_deferred`."""
    cb: int
    asid: int
    ops: list = field(default_factory=list)

    def tlb_add_flush(self, iova: int, size: int, granule: int, leaf: bool) -> None:
        self.ops.append(("range", iova, size, granule, leaf))

    def tlb_sync(self) -> None:
        self.ops.append(("sync",))


# the SCTLR arm_smmu_init_context_bank writes for a stage-1 bank (little endian)
SCTLR_S1_DEFAULT = ((1 << S.SCTLR_CFIE_BIT) | (1 << S.SCTLR_CFRE_BIT) | (1 << S.SCTLR_AFE_BIT)
                    | (1 << S.SCTLR_TRE_BIT) | (1 << S.SCTLR_M_BIT) | (1 << S.SCTLR_ASIDPNE_BIT))

_ID_SIZE_BITS = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48}


class ArmSmmuDriver:
    def __init__(self, axil, clock, base: int = 0, disable_bypass: bool = True,
                 sync_timeout_cycles: int = 10_000):
        self.axil = axil
        self.clock = clock
        self.base = base
        self.disable_bypass = disable_bypass
        self.sync_timeout_cycles = sync_timeout_cycles
        self.features: Optional[SmmuFeatures] = None
        # CONFIG_64BIT follows the register port: 64-bit port, 64-bit kernel
        self.config_64bit = axil.write_if.width == 64

    # --- raw access --------------------------------------------------------------------
    async def readl(self, off: int) -> int:
        data = await self.axil.read(self.base + off, 4)
        return int.from_bytes(data.data, "little")

    async def writel(self, off: int, val: int) -> None:
        await self.axil.write(self.base + off, (val & MASK32).to_bytes(4, "little"))

    async def writeq(self, off: int, val: int) -> None:
        """writeq_relaxed: one 64-bit write (CONFIG_64BIT), else hi_lo_writeq_relaxed
        (include/linux/io-64-nonatomic-hi-lo.h): high word, then low word."""
        if self.config_64bit:
            await self.axil.write(self.base + off, (val & (2**64 - 1)).to_bytes(8, "little"))
            return
        await self.writel(off + 4, (val >> 32) & MASK32)
        await self.writel(off, val & MASK32)

    async def readq(self, off: int) -> int:
        """readq_relaxed: one 64-bit read, else hi_lo_readq_relaxed (high, then low)."""
        if self.config_64bit:
            data = await self.axil.read(self.base + off, 8)
            return int.from_bytes(data.data, "little")
        hi = await self.readl(off + 4)
        lo = await self.readl(off)
        return lo | (hi << 32)

    async def smmu_write_atomic_lq(self, off: int, val: int) -> None:
        """arm-smmu.c: writeq_relaxed with CONFIG_64BIT, else writel_relaxed."""
        if self.config_64bit:
            await self.writeq(off, val)
        else:
            await self.writel(off, val)

    @staticmethod
    def gr0(off: int) -> int:
        return off

    @staticmethod
    def gr1(off: int) -> int:
        return S.GR1_BASE + off

    @staticmethod
    def cb(n: int, off: int) -> int:
        return S.CB_BASE + (n << S.PAGE_SHIFT) + off

    # --- probe and reset -----------------------------------------------------------------
    async def arm_smmu_device_cfg_probe(self) -> SmmuFeatures:
        id0 = await self.readl(S.GR0_ID0)
        id1 = await self.readl(S.GR0_ID1)
        id2 = await self.readl(S.GR0_ID2)
        id4 = await self.readl(S.GR0_ID4)
        if not (id0 >> S.ID0_S1TS_BIT) & 1:
            raise RuntimeError(f"ID0 {id0:#x}: no stage-1 translation")
        if not (id0 >> S.ID0_SMS_BIT) & 1:
            raise RuntimeError(f"ID0 {id0:#x}: no stream matching")
        pgshift = 16 if (id1 >> S.ID1_PAGESIZE_BIT) & 1 else 12
        numpagendxb = (id1 >> S.ID1_NUMPAGENDXB_SHIFT) & 7
        size = (1 << (numpagendxb + 1)) * (2 << pgshift)
        self.features = SmmuFeatures(
            num_mapping_groups=(id0 >> S.ID0_NUMSMRG_SHIFT) & 0xFF,
            num_context_banks=(id1 >> S.ID1_NUMCB_SHIFT) & 0xFF,
            pgshift=pgshift, size=size,
            ias=_ID_SIZE_BITS.get((id2 >> S.ID2_IAS_SHIFT) & 0xF, 48),
            oas=_ID_SIZE_BITS.get((id2 >> S.ID2_OAS_SHIFT) & 0xF, 48),
            tlb_entries=(id4 >> S.ID4_TLB_ENTRIES_SHIFT) & 0xFFFF,
            walk_cache_entries=(id4 >> S.ID4_WALK_CACHE_SHIFT) & 0xFFFF,
            # v4.9: (id & ID0_S1TS) && (version < V2 || !(id & ID0_ATOSNS))
            trans_ops=not (id0 >> S.ID0_ATOSNS_BIT) & 1)
        return self.features

    async def arm_smmu_device_reset(self) -> None:
        """Clear global faults, reset every SME and context bank, invalidate the TLB,
        then enable the SMMU: fault reporting on, TLB broadcasting off (VMIDPNE |
        PTM), bypass per disable_bypass, FB and BSU cleared (no VMID16 feature)."""
        f = self.features or await self.arm_smmu_device_cfg_probe()
        gfsr = await self.readl(S.GR0_SGFSR)
        await self.writel(S.GR0_SGFSR, gfsr)
        for i in range(f.num_mapping_groups):
            await self.arm_smmu_write_s2cr(i, self.default_s2cr_type(), 0)
            await self.arm_smmu_write_smr(i, 0, 0, valid=False)
        for i in range(f.num_context_banks):
            await self.writel(self.cb(i, S.CB_SCTLR), 0)
            await self.writel(self.cb(i, S.CB_FSR), S.FSR_FAULT_MASK)
        await self.writel(S.GR0_TLBIALLH, 0)
        await self.writel(S.GR0_TLBIALLNSNH, 0)
        reg = await self.readl(S.GR0_SCR0)
        reg |= ((1 << S.SCR0_GFRE_BIT) | (1 << S.SCR0_GFIE_BIT)
                | (1 << S.SCR0_GCFGFRE_BIT) | (1 << S.SCR0_GCFGFIE_BIT))
        reg |= (1 << S.SCR0_VMIDPNE_BIT) | (1 << S.SCR0_PTM_BIT)
        reg &= ~(1 << S.SCR0_CLIENTPD_BIT)
        if self.disable_bypass:
            reg |= 1 << S.SCR0_USFCFG_BIT
        else:
            reg &= ~(1 << S.SCR0_USFCFG_BIT)
        reg &= ~(1 << S.SCR0_FB_BIT)
        reg &= ~(S.SCR0_BSU_MASK << S.SCR0_BSU_SHIFT)
        await self.arm_smmu_tlb_sync()
        await self.writel(S.GR0_SCR0, reg)

    def default_s2cr_type(self) -> int:
        return S.S2CR_TYPE_FAULT if self.disable_bypass else S.S2CR_TYPE_BYPASS

    # --- stream mapping -----------------------------------------------------------------
    async def arm_smmu_write_smr(self, idx: int, sid: int, mask: int, valid: bool = True) -> None:
        reg = ((sid & 0x7FFF) << S.SMR_ID_SHIFT) | ((mask & 0x7FFF) << S.SMR_MASK_SHIFT)
        if valid:
            reg |= 1 << S.SMR_VALID_BIT
        await self.writel(S.GR0_SMR_BASE + 4 * idx, reg)

    async def arm_smmu_write_s2cr(self, idx: int, typ: int, cbndx: int) -> None:
        reg = ((typ & 3) << S.S2CR_TYPE_SHIFT) | ((cbndx & 0xFF) << S.S2CR_CBNDX_SHIFT)
        await self.writel(S.GR0_S2CR_BASE + 4 * idx, reg)

    async def arm_smmu_write_sme(self, idx: int, sid: int, mask: int, typ: int,
                                 cbndx: int) -> None:
        """S2CR first, then SMR (so a valid SMR never points at a stale S2CR)."""
        await self.arm_smmu_write_s2cr(idx, typ, cbndx)
        await self.arm_smmu_write_smr(idx, sid, mask, valid=True)

    async def arm_smmu_free_sme(self, idx: int) -> None:
        await self.arm_smmu_write_s2cr(idx, self.default_s2cr_type(), 0)
        await self.arm_smmu_write_smr(idx, 0, 0, valid=False)

    # --- context banks ------------------------------------------------------------------
    async def arm_smmu_init_context_bank(self, cbndx: int, ttbr: int, tcr: int, mair: int,
                                         asid: Optional[int] = None, mair1: int = 0,
                                         sctlr: Optional[int] = None) -> None:
        """Stage-1 AArch64 context, in v4.9's order: CBA2R, CBAR, TTBR0 (ASID in
        [63:48]) and TTBR1 (writeq_relaxed), TTBCR2 (TCR[63:32] | SEP_UPSTREAM) and
        TTBCR, MAIR0/1, SCTLR. ASID defaults to the bank index, as v4.9 does."""
        asid = cbndx if asid is None else asid
        await self.writel(self.gr1(S.GR1_CBA2R_BASE + 4 * cbndx), 1 << S.CBA2R_RW64_BIT)
        cbar = ((S.CBAR_TYPE_S1_TRANS_S2_BYPASS << S.CBAR_TYPE_SHIFT)
                | (3 << S.CBAR_S1_BPSHCFG_SHIFT) | (0xF << S.CBAR_S1_MEMATTR_SHIFT))
        await self.writel(self.gr1(S.GR1_CBAR_BASE + 4 * cbndx), cbar)
        await self.writeq(self.cb(cbndx, S.CB_TTBR0_LO), ttbr | (asid << S.TTBR_ASID_SHIFT))
        await self.writeq(self.cb(cbndx, S.CB_TTBR1_LO), asid << S.TTBR_ASID_SHIFT)
        reg2 = ((tcr >> 32) & MASK32) | (7 << S.TCR2_SEP_SHIFT)     # TTBCR2_SEP_UPSTREAM
        await self.writel(self.cb(cbndx, S.CB_TCR2), reg2)
        await self.writel(self.cb(cbndx, S.CB_TCR), tcr & MASK32)
        await self.writel(self.cb(cbndx, S.CB_MAIR0), mair & MASK32)
        await self.writel(self.cb(cbndx, S.CB_MAIR1), mair1 & MASK32)
        if sctlr is None:
            sctlr = SCTLR_S1_DEFAULT
        await self.writel(self.cb(cbndx, S.CB_SCTLR), sctlr)

    async def arm_smmu_write_context_bank(self, cbndx: int, pgtbl, asid: Optional[int] = None,
                                          **kw) -> None:
        """Program bank `cbndx` from an ArmLpaeS1 (its ttbr, tcr and mair)."""
        await self.arm_smmu_init_context_bank(cbndx, pgtbl.ttbr, pgtbl.tcr, pgtbl.mair,
                                              asid=asid, **kw)

    async def arm_smmu_disable_context_bank(self, cbndx: int) -> None:
        await self.writel(self.cb(cbndx, S.CB_SCTLR), 0)

    # --- TLB maintenance ----------------------------------------------------------------
    async def _poll(self, off: int, bit: int, what: str) -> int:
        for n in range(self.sync_timeout_cycles):
            if not (await self.readl(off) >> bit) & 1:
                return n
            await RisingEdge(self.clock)
        raise SmmuSyncTimeout(f"{what} still active after {self.sync_timeout_cycles} polls")

    async def arm_smmu_tlb_sync(self) -> int:
        """__arm_smmu_tlb_sync (v4.9: global): write sTLBGSYNC, poll sTLBGSTATUS.
        Returns the number of polls that saw GSACTIVE."""
        await self.writel(S.GR0_STLBGSYNC, 0)
        return await self._poll(S.GR0_STLBGSTATUS, S.TLBGSTATUS_GSACTIVE_BIT, "sTLBGSTATUS.GSACTIVE")

    async def arm_smmu_tlb_sync_context(self, cbndx: int) -> int:
        """The per-context sync later kernels use (TLBSYNC / TLBSTATUS)."""
        await self.writel(self.cb(cbndx, S.CB_TLBSYNC), 0)
        return await self._poll(self.cb(cbndx, S.CB_TLBSTATUS), S.TLBSTATUS_SACTIVE_BIT,
                                f"CB{cbndx} TLBSTATUS.SACTIVE")

    async def arm_smmu_tlb_inv_context(self, cbndx: int, asid: Optional[int] = None) -> None:
        """Stage 1: TLBIASID with the context's ASID, then sync."""
        asid = cbndx if asid is None else asid
        await self.writel(self.cb(cbndx, S.CB_TLBIASID), asid)
        await self.arm_smmu_tlb_sync()

    async def arm_smmu_tlb_inv_range_nosync(self, cbndx: int, asid: int, iova: int, size: int,
                                            granule: int, leaf: bool) -> None:
        """Stage 1 AArch64: TLBIVA(L) per granule, operand VA[55:12] | ASID << 48."""
        off = S.CB_TLBIVAL_LO if leaf else S.CB_TLBIVA_LO
        op = (iova >> 12) | (asid << 48)
        while True:
            await self.writeq(self.cb(cbndx, off), op)
            op += granule >> 12
            size -= granule
            if size <= 0:
                break

    async def tlbi_vaa(self, cbndx: int, iova: int, leaf: bool = False) -> None:
        off = S.CB_TLBIVAAL_LO if leaf else S.CB_TLBIVAA_LO
        await self.writeq(self.cb(cbndx, off), iova >> 12)

    async def tlbi_all_context(self, cbndx: int) -> None:
        await self.writel(self.cb(cbndx, S.CB_TLBIALL), 0)

    async def tlbi_allnsnh(self) -> None:
        await self.writel(S.GR0_TLBIALLNSNH, 0)

    async def flush_deferred(self, ops: DeferredTlbOps) -> None:
        """Run the TLB maintenance an io-pgtable operation asked for."""
        for op in ops.ops:
            if op[0] == "range":
                _, iova, size, granule, leaf = op
                await self.arm_smmu_tlb_inv_range_nosync(ops.cb, ops.asid, iova, size,
                                                         granule, leaf)
            else:
                await self.arm_smmu_tlb_sync()
        ops.ops.clear()

    # --- address translation -----------------------------------------------------------
    async def arm_smmu_iova_to_phys_hard(self, cbndx: int, iova: int) -> int:
        """ATS1PR with the page address, poll ATSR.ACTIVE (5 us x 10 in v4.9: here
        `sync_timeout_cycles` polls), read PAR; PAR.F -> 0, else PAR[39:12] (v4.9's
        GENMASK_ULL(39, 12)) | the page offset. None on a timeout (the kernel then
        falls back to the software walk)."""
        va = iova & ~0xFFF
        await self.smmu_write_atomic_lq(self.cb(cbndx, S.CB_ATS1PR_LO), va)
        try:
            await self._poll(self.cb(cbndx, S.CB_ATSR), S.ATSR_ACTIVE_BIT, f"CB{cbndx} ATSR")
        except SmmuSyncTimeout:
            return None
        phys = await self.readq(self.cb(cbndx, S.CB_PAR_LO))
        if phys & (1 << S.PAR_F_BIT):
            return 0
        return (phys & (((1 << 40) - 1) & ~0xFFF)) | (iova & 0xFFF)

    async def arm_smmu_iova_to_phys(self, cbndx: int, iova: int, pgtbl) -> int:
        """FEAT_TRANS_OPS (and a stage-1 domain): the hardware walk, else (or after
        its timeout) io-pgtable's software walk `pgtbl.iova_to_phys`."""
        if self.features is not None and self.features.trans_ops:
            phys = await self.arm_smmu_iova_to_phys_hard(cbndx, iova)
            if phys is not None:
                return phys
        return pgtbl.iova_to_phys(iova)

    # --- fault handlers ----------------------------------------------------------------
    async def arm_smmu_context_fault(self, cbndx: int) -> Optional[ContextFaultRecord]:
        """Read FSR; if a fault is recorded read FSYNR0 and FAR, then clear FSR."""
        fsr = await self.readl(self.cb(cbndx, S.CB_FSR))
        if not fsr & S.FSR_FAULT_MASK:
            return None
        fsynr = await self.readl(self.cb(cbndx, S.CB_FSYNR0))
        far = await self.readq(self.cb(cbndx, S.CB_FAR_LO))
        await self.writel(self.cb(cbndx, S.CB_FSR), fsr)
        return ContextFaultRecord(cbndx, fsr, fsynr, far)

    async def arm_smmu_global_fault(self) -> Optional[GlobalFaultRecord]:
        gfsr = await self.readl(S.GR0_SGFSR)
        if not gfsr:
            return None
        gfsynr0 = await self.readl(S.GR0_SGFSYNR0)
        gfsynr1 = await self.readl(S.GR0_SGFSYNR1)
        gfar = await self.readq(S.GR0_SGFAR_LO)
        await self.writel(S.GR0_SGFSR, gfsr)
        return GlobalFaultRecord(gfsr, gfsynr0, gfsynr1, gfar)
