"""A model of how Linux 6.1's drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c programs an
SMMUv3, driving hdl/smmu_v3/rtl/smmu_v3.v's registers through a cocotbext-axi AxiLiteMaster and
building the Stream table, CDs and command queue in the shared MemoryImage (the
kernel's DMA memory). Read it beside the kernel file: methods carry the kernel
function names (arm_smmu_device_hw_probe, arm_smmu_device_reset,
arm_smmu_init_strtab_2lvl / _linear, arm_smmu_init_l2_strtab, arm_smmu_write_strtab_ent,
arm_smmu_write_ctx_desc, arm_smmu_cmdq_build_cmd, arm_smmu_cmdq_issue_cmdlist,
arm_smmu_tlb_inv_range_domain, arm_smmu_tlb_inv_context), return 0 or -errno.

Register offsets, fields and encodings come from pymodel.hwdefs.smmuv3 (the table the
RTL header is generated from). 64-bit registers: writeq_relaxed is one 64-bit access
on a 64-bit register port, else low word then high word (lo_hi_writeq).
Differences from the kernel: the queues are polled (no WFE, no MSIs), one CPU, no
cmdq lock / owner protocol (arm_smmu_cmdq_issue_cmdlist writes, publishes PROD,
then waits for CONS to pass its CMD_SYNC as the kernel's poll-on-CONS path does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from cocotb.triggers import RisingEdge

from pymodel.hwdefs import smmuv3 as V
from pymodel.memory import MemoryImage, TablePageAllocator
from pymodel.smmuv3 import Cd, Cmd, L1Std, Ste

EINVAL, ENODEV, ETIMEDOUT = 22, 19, 110
ARM_SMMU_POLL_TIMEOUT_CYCLES = 20000
CMDQ_BATCH_ENTRIES = 64                         # BITS_PER_LONG
STRTAB_SPLIT = V.SPLIT_MIN + 2                  # Linux 6.1: 8
STRTAB_L1_SZ_SHIFT = 20


class CmdqTimeout(TimeoutError):
    """CMD_SYNC never completed (the kernel's "CMD_SYNC timeout")."""


@dataclass
class ArmSmmuCmdqEnt:
    """struct arm_smmu_cmdq_ent, flattened."""
    opcode: int
    substream_valid: bool = False
    sid: int = 0
    ssid: int = 0
    leaf: bool = False
    span: int = 0
    num: int = 0
    scale: int = 0
    asid: int = 0
    vmid: int = 0
    ttl: int = 0
    tg: int = 0
    addr: int = 0
    msiaddr: int = 0
    cs: int = V.SYNC_CS_SEV


def arm_smmu_cmdq_build_cmd(ent: ArmSmmuCmdqEnt) -> Cmd:
    """arm_smmu_cmdq_build_cmd: the two qwords of a command."""
    q0, q1 = ent.opcode << V.CMD0_OP_SHIFT, 0
    op = ent.opcode
    if op == V.OP_TLBI_EL2_ALL or op == V.OP_TLBI_NSNH_ALL:
        pass
    elif op == V.OP_PREFETCH_CONFIG:
        q0 |= ent.sid << V.CMD0_SID_SHIFT
    elif op in (V.OP_CFGI_CD, V.OP_CFGI_STE):
        if op == V.OP_CFGI_CD:
            q0 |= ent.ssid << V.CMD0_SSID_SHIFT
        q0 |= ent.sid << V.CMD0_SID_SHIFT
        q1 |= int(ent.leaf) << V.CMD1_LEAF_BIT
    elif op == V.OP_CFGI_CD_ALL:
        q0 |= ent.sid << V.CMD0_SID_SHIFT
    elif op == V.OP_CFGI_ALL:          # also CFGI_STE_RANGE
        q0 |= ent.sid << V.CMD0_SID_SHIFT
        q1 |= (ent.span if ent.span else V.CFGI_RANGE_ALL) << V.CMD1_RANGE_SHIFT
    elif op in (V.OP_TLBI_NH_VA, V.OP_TLBI_NH_VAA):
        q0 |= ent.num << V.CMD0_TLBI_NUM_SHIFT | ent.scale << V.CMD0_TLBI_SCALE_SHIFT
        q0 |= ent.vmid << V.CMD0_TLBI_VMID_SHIFT
        if op == V.OP_TLBI_NH_VA:
            q0 |= ent.asid << V.CMD0_TLBI_ASID_SHIFT
        q1 |= int(ent.leaf) << V.CMD1_LEAF_BIT | ent.ttl << V.CMD1_TLBI_TTL_SHIFT
        q1 |= ent.tg << V.CMD1_TLBI_TG_SHIFT | (ent.addr & ~0xFFF)
    elif op == V.OP_TLBI_NH_ASID:
        q0 |= ent.asid << V.CMD0_TLBI_ASID_SHIFT | ent.vmid << V.CMD0_TLBI_VMID_SHIFT
    elif op == V.OP_TLBI_NH_ALL:
        q0 |= ent.vmid << V.CMD0_TLBI_VMID_SHIFT
    elif op == V.OP_CMD_SYNC:
        q0 |= ent.cs << V.CMD0_SYNC_CS_SHIFT
        # arm_smmu_cmdq_build_sync_cmd: MSH = ISH, MSIATTR = OIWB
        q0 |= 3 << V.CMD0_SYNC_MSH_SHIFT | 0xF << V.CMD0_SYNC_MSIATTR_SHIFT
        q1 |= ent.msiaddr & 0x000F_FFFF_FFFF_FFFC
    else:
        raise ValueError(f"arm_smmu_cmdq_build_cmd: opcode {op:#x} not modelled")
    return Cmd(q0, q1)


@dataclass
class ArmSmmuFeatures:
    """What arm_smmu_device_hw_probe learns."""
    idr: dict
    two_level: bool
    range_inv: bool
    sid_bits: int
    cmdq_shift: int
    evtq_shift: int
    oas: int


@dataclass
class ArmSmmuMaster:
    """The parts of struct arm_smmu_master + its s1 domain this model needs."""
    sid: int
    asid: int = 0
    ttbr: int = 0
    tcr_ips: int = 5
    tcr_tsz: int = 16
    mair: int = 0
    cd_addr: int = 0
    bypass: bool = False


@dataclass
class ArmSmmuV3Driver:
    axil: object
    clock: object
    image: MemoryImage
    alloc: TablePageAllocator
    data_width: int = 32
    base: int = 0
    strtab_split: int = STRTAB_SPLIT
    cmdq_shift: int = 8
    evtq_shift: int = 6
    disable_bypass: bool = True
    # state
    feat: Optional[ArmSmmuFeatures] = None
    strtab_base: int = 0
    strtab_cfg: int = 0
    two_level: bool = True
    l1_desc: dict = field(default_factory=dict)     # l1 index -> L2 table address
    cmdq_base: int = 0
    cmdq_prod: int = 0
    evtq_base: int = 0
    evtq_cons: int = 0
    issued: list = field(default_factory=list)      # every Cmd written, in order

    # ---------------------------------------------------------------- MMIO
    async def readl(self, off: int) -> int:
        return int.from_bytes(await self.axil.read(self.base + off, 4), "little")

    async def writel(self, off: int, val: int) -> None:
        await self.axil.write(self.base + off, (val & 0xFFFF_FFFF).to_bytes(4, "little"))

    async def writeq(self, off: int, val: int) -> None:
        if self.data_width >= 64:
            await self.axil.write(self.base + off, (val & (2**64 - 1)).to_bytes(8, "little"))
        else:
            await self.writel(off, val)
            await self.writel(off + 4, val >> 32)

    async def readq(self, off: int) -> int:
        if self.data_width >= 64:
            return int.from_bytes(await self.axil.read(self.base + off, 8), "little")
        return await self.readl(off) | (await self.readl(off + 4)) << 32

    async def arm_smmu_write_reg_sync(self, val: int, reg_off: int, ack_off: int) -> int:
        """arm_smmu_write_reg_sync: write, then poll the ACK register for the value."""
        await self.writel(reg_off, val)
        got = None
        for _ in range(100):
            got = await self.readl(ack_off)
            if got == val:
                return 0
        self.log_timeout(f"register {reg_off:#x} = {val:#x} never acknowledged "
                         f"({ack_off:#x} reads {got:#x})")
        return -ETIMEDOUT

    async def arm_smmu_update_gbpa(self, set_: int, clr: int) -> int:
        """arm_smmu_update_gbpa: wait for Update clear, write with Update, wait again."""
        reg = await self.readl(V.GBPA)
        reg = (reg & ~clr) | set_
        await self.writel(V.GBPA, reg | 1 << V.GBPA_UPDATE_BIT)
        for _ in range(100):
            if not (await self.readl(V.GBPA)) >> V.GBPA_UPDATE_BIT & 1:
                return 0
        return -ETIMEDOUT

    # ---------------------------------------------------------------- probe
    async def arm_smmu_device_hw_probe(self) -> int:
        idr = {n: await self.readl(getattr(V, n)) for n in
               ("IDR0", "IDR1", "IDR3", "IDR5", "IIDR", "AIDR")}
        i0, i1 = idr["IDR0"], idr["IDR1"]
        if _f(i0, V.IDR0_TTF_SHIFT, 2) & V.IDR0_TTF_AARCH64 == 0:
            return -ENODEV
        if not (i0 >> V.IDR0_S1P_BIT & 1):
            return -ENODEV
        cmdqs = _f(i1, V.IDR1_CMDQS_SHIFT, 5)
        if cmdqs <= 6:          # max_n_shift <= ilog2(CMDQ_BATCH_ENTRIES)
            return -ENODEV
        sid_bits = _f(i1, V.IDR1_SIDSIZE_SHIFT, 6)
        two = _f(i0, V.IDR0_ST_LEVEL_SHIFT, 2) == V.IDR0_ST_LEVEL_2LVL and \
            sid_bits > STRTAB_SPLIT     # "fewer bits than a single L2 table: linear"
        self.feat = ArmSmmuFeatures(idr, two, bool(idr["IDR3"] >> V.IDR3_RIL_BIT & 1),
                                    sid_bits, min(self.cmdq_shift, cmdqs),
                                    min(self.evtq_shift, _f(i1, V.IDR1_EVENTQS_SHIFT, 5)),
                                    {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48}.get(
                                        _f(idr["IDR5"], V.IDR5_OAS_SHIFT, 3), 48))
        return 0

    # ---------------------------------------------------------------- stream table
    def arm_smmu_write_strtab_l1_desc(self, idx: int, l2ptr: int, span: int) -> None:
        self.image.write(self.strtab_base + idx * V.L1STD_BYTES,
                         L1Std(span=span, l2ptr=l2ptr).to_bytes())

    def arm_smmu_init_strtab_2lvl(self) -> int:
        """arm_smmu_init_strtab_2lvl: L1 table sized for min(sid_bits, 20 - 3) bits."""
        size = STRTAB_L1_SZ_SHIFT - 3
        size = min(size, self.feat.sid_bits - self.strtab_split)
        num_l1 = 1 << size
        l1_bytes = max(num_l1 * V.L1STD_BYTES, 64)
        self.strtab_base = self.alloc.alloc(l1_bytes)
        self.strtab_cfg = (V.STRTAB_BASE_CFG_FMT_2LVL << V.STRTAB_BASE_CFG_FMT_SHIFT) | \
            ((size + self.strtab_split) << V.STRTAB_BASE_CFG_LOG2SIZE_SHIFT) | \
            (self.strtab_split << V.STRTAB_BASE_CFG_SPLIT_SHIFT)
        self.two_level = True
        return 0

    def arm_smmu_init_strtab_linear(self, sid_bits: Optional[int] = None) -> int:
        bits = self.feat.sid_bits if sid_bits is None else sid_bits
        self.strtab_base = self.alloc.alloc((1 << bits) * V.STE_BYTES)
        self.strtab_cfg = (V.STRTAB_BASE_CFG_FMT_LINEAR << V.STRTAB_BASE_CFG_FMT_SHIFT) | \
            (bits << V.STRTAB_BASE_CFG_LOG2SIZE_SHIFT)
        self.two_level = False
        for sid in range(1 << bits):
            self.arm_smmu_init_bypass_stes(sid)
        return 0

    def arm_smmu_init_bypass_stes(self, sid: int) -> None:
        """arm_smmu_init_bypass_stes: abort (disable_bypass) or bypass, SHCFG incoming."""
        cfg = V.STE_CONFIG_ABORT if self.disable_bypass else V.STE_CONFIG_BYPASS
        self.image.write(self.ste_addr(sid), Ste(v=True, config=cfg,
                                                 shcfg=V.STE_SHCFG_INCOMING).to_bytes())

    def arm_smmu_init_l2_strtab(self, sid: int) -> int:
        """arm_smmu_init_l2_strtab: one L2 table of 2^SPLIT STEs, span SPLIT + 1."""
        idx = sid >> self.strtab_split
        if idx in self.l1_desc:
            return 0
        l2 = self.alloc.alloc((1 << self.strtab_split) * V.STE_BYTES)
        self.l1_desc[idx] = l2
        for i in range(1 << self.strtab_split):
            self.image.write(l2 + i * V.STE_BYTES, Ste(
                v=True, config=V.STE_CONFIG_ABORT if self.disable_bypass
                else V.STE_CONFIG_BYPASS, shcfg=V.STE_SHCFG_INCOMING).to_bytes())
        self.arm_smmu_write_strtab_l1_desc(idx, l2, self.strtab_split + 1)
        return 0

    def ste_addr(self, sid: int) -> int:
        if not self.two_level:
            return self.strtab_base + sid * V.STE_BYTES
        l2 = self.l1_desc[sid >> self.strtab_split]
        return l2 + (sid & ((1 << self.strtab_split) - 1)) * V.STE_BYTES

    async def arm_smmu_sync_ste_for_sid(self, sid: int) -> int:
        return await self.arm_smmu_cmdq_issue_cmdlist(
            [ArmSmmuCmdqEnt(V.OP_CFGI_STE, sid=sid, leaf=True)], sync=True)

    async def arm_smmu_write_strtab_ent(self, master: Optional[ArmSmmuMaster], sid: int,
                                        ste: Optional[Ste] = None) -> int:
        """arm_smmu_write_strtab_ent: qword 1 first, CFGI_STE + SYNC, then qword 0 with
        V/Config, CFGI_STE + SYNC, then PREFETCH_CONFIG. `ste` writes a given STE the
        same way (tests of configurations Linux never builds)."""
        dst = self.ste_addr(sid)
        if ste is None:
            if master is None or master.bypass:
                cfg = V.STE_CONFIG_ABORT if (master is None and self.disable_bypass) \
                    else V.STE_CONFIG_BYPASS
                self.image.write(dst, Ste(v=True, config=cfg,
                                          shcfg=V.STE_SHCFG_INCOMING).to_bytes())
                return await self.arm_smmu_sync_ste_for_sid(sid)
            ste = Ste(v=True, config=V.STE_CONFIG_S1_TRANS, s1contextptr=master.cd_addr,
                      s1dss=V.STE_S1DSS_SSID0, s1cir=V.STE_S1C_CACHE_WBRA, s1cor=V.STE_S1C_CACHE_WBRA,
                      s1csh=3, strw=V.STE_STRW_NSEL1)
        q = ste.qwords()
        for i in range(1, 8):
            self.image.write_u64(dst + 8 * i, q[i])
        rc = await self.arm_smmu_sync_ste_for_sid(sid)
        self.image.write_u64(dst, q[0])
        rc = rc or await self.arm_smmu_sync_ste_for_sid(sid)
        return rc or await self.arm_smmu_cmdq_issue_cmdlist(
            [ArmSmmuCmdqEnt(V.OP_PREFETCH_CONFIG, sid=sid)], sync=False)

    # ---------------------------------------------------------------- context descriptors
    def arm_smmu_cd_for(self, master: ArmSmmuMaster) -> Cd:
        """The CD arm_smmu_write_ctx_desc builds for a stage-1 domain (6.1 values)."""
        return Cd(t0sz=master.tcr_tsz, tg0=V.CD_TG0_4K, irgn0=1, orgn0=1, sh0=3,
                  epd0=False, epd1=True, v=True, ips=master.tcr_ips, aa64=True, r=True,
                  a=True, aset=True, asid=master.asid, ttb0=master.ttbr, mair=master.mair)

    async def arm_smmu_write_ctx_desc(self, master: ArmSmmuMaster, cd: Optional[Cd] = None,
                                      ssid: int = 0) -> int:
        """arm_smmu_write_ctx_desc: qwords 1-3 (TTB0, MAIR), CFGI_CD + SYNC, then qword
        0 (with V), CFGI_CD + SYNC."""
        cd = cd if cd is not None else self.arm_smmu_cd_for(master)
        if not master.cd_addr:
            master.cd_addr = self.alloc.alloc(V.CD_BYTES)
        raw = cd.to_bytes()
        self.image.write(master.cd_addr + 8, raw[8:])
        rc = await self.arm_smmu_sync_cd(master, ssid)
        self.image.write(master.cd_addr, raw[:8])
        return rc or await self.arm_smmu_sync_cd(master, ssid)

    async def arm_smmu_sync_cd(self, master: ArmSmmuMaster, ssid: int) -> int:
        return await self.arm_smmu_cmdq_issue_cmdlist(
            [ArmSmmuCmdqEnt(V.OP_CFGI_CD, sid=master.sid, ssid=ssid, leaf=True)], sync=True)

    # ---------------------------------------------------------------- command queue
    async def read_cons(self) -> int:
        return await self.readl(V.CMDQ_CONS)

    async def arm_smmu_cmdq_issue_cmdlist(self, ents: list[ArmSmmuCmdqEnt],
                                          sync: bool = True, raw: Optional[list[Cmd]] = None,
                                          wait: bool = True) -> int:
        """arm_smmu_cmdq_issue_cmdlist: write the commands (+ CMD_SYNC) at PROD,
        publish PROD, wait for CONS to pass them. 0, -ETIMEDOUT, or -EINVAL if the
        queue stopped on a command error (GERROR.CMDQ_ERR)."""
        cmds = list(raw or []) + [arm_smmu_cmdq_build_cmd(e) for e in ents]
        if sync:
            cmds.append(arm_smmu_cmdq_build_cmd(ArmSmmuCmdqEnt(V.OP_CMD_SYNC)))
        n = 1 << self.cmdq_shift
        wrap_mask = (n << 1) - 1
        for c in cmds:
            # wait for space (queue_has_space); a full queue gets what is written so
            # far published, or it could never drain
            for i in range(ARM_SMMU_POLL_TIMEOUT_CYCLES):
                cons = await self.read_cons() & wrap_mask
                used = (self.cmdq_prod - cons) & wrap_mask
                if used < n:
                    break
                if i == 0:
                    await self.writel(V.CMDQ_PROD, self.cmdq_prod)
            else:
                self.log_timeout(f"command queue full: CONS {cons:#x}, PROD {self.cmdq_prod:#x}")
                return -ETIMEDOUT
            self.image.write(self.cmdq_base + (self.cmdq_prod & (n - 1)) * V.CMD_BYTES,
                             c.to_bytes())
            self.issued.append(c)
            self.cmdq_prod = (self.cmdq_prod + 1) & wrap_mask
        await self.writel(V.CMDQ_PROD, self.cmdq_prod)
        if not wait:
            return 0
        return await self.arm_smmu_cmdq_poll_until_consumed(self.cmdq_prod)

    async def arm_smmu_cmdq_poll_until_consumed(self, prod: int) -> int:
        cons = 0
        for _ in range(ARM_SMMU_POLL_TIMEOUT_CYCLES):
            cons = await self.read_cons()
            if (cons & 0xFFFFF) == prod:
                return 0
            if (await self.readl(V.GERROR) ^ await self.readl(V.GERRORN)) & \
                    (1 << V.GERROR_CMDQ_ERR_BIT):
                return -EINVAL
            await RisingEdge(self.clock)
        self.log_timeout(f"CMD_SYNC: CONS {cons:#x} never reached PROD {prod:#x}")
        return -ETIMEDOUT

    def log_timeout(self, msg: str) -> None:
        import logging
        logging.getLogger("cocotb.arm_smmu_v3").error(msg)

    async def arm_smmu_cmdq_skip_err(self) -> int:
        """arm_smmu_cmdq_skip_err: replace the bad command by a CMD_SYNC, ack GERROR."""
        cons = await self.read_cons()
        err = (cons >> V.CMDQ_CONS_ERR_SHIFT) & 0x7F
        n = 1 << self.cmdq_shift
        self.image.write(self.cmdq_base + (cons & (n - 1)) * V.CMD_BYTES,
                         arm_smmu_cmdq_build_cmd(ArmSmmuCmdqEnt(V.OP_CMD_SYNC)).to_bytes())
        await self.writel(V.GERRORN, await self.readl(V.GERROR))
        return err

    # ---------------------------------------------------------------- TLB maintenance
    async def arm_smmu_tlb_inv_context(self, asid: int) -> int:
        """arm_smmu_tlb_inv_context: TLBI_NH_ASID + SYNC."""
        return await self.arm_smmu_cmdq_issue_cmdlist(
            [ArmSmmuCmdqEnt(V.OP_TLBI_NH_ASID, asid=asid)], sync=True)

    def tlb_inv_range_cmds(self, iova: int, size: int, granule: int, leaf: bool,
                           asid: int, opcode: int = V.OP_TLBI_NH_VA) -> list[ArmSmmuCmdqEnt]:
        """__arm_smmu_tlb_inv_range's command list (pgsize_bitmap 4K|2M|1G)."""
        ents: list[ArmSmmuCmdqEnt] = []
        if not size:
            return ents
        end = iova + size
        num_pages, tg, ttl = 0, 0, 0
        inv_range = granule
        rng = self.feat is not None and self.feat.range_inv
        if rng:
            tg_log2 = 12
            num_pages = size >> tg_log2
            tg = (tg_log2 - 10) // 2
            if leaf:
                ttl = 4 - ((granule.bit_length() - 1 - 3) // (tg_log2 - 3))
            elif (num_pages & 31) == 1:
                num_pages += 1
        while iova < end:
            num = scale = 0
            if rng:
                scale = (num_pages & -num_pages).bit_length() - 1
                n = (num_pages >> scale) & 31
                num = n - 1
                inv_range = n << (scale + 12)
                num_pages -= n << scale
            ents.append(ArmSmmuCmdqEnt(opcode, asid=asid, leaf=leaf, num=num, scale=scale,
                                       ttl=ttl, tg=tg, addr=iova))
            iova += inv_range
        return ents

    async def arm_smmu_tlb_inv_range_domain(self, iova: int, size: int, granule: int,
                                            leaf: bool, asid: int) -> int:
        """arm_smmu_tlb_inv_range_domain: the range commands, then CMD_SYNC."""
        return await self.arm_smmu_cmdq_issue_cmdlist(
            self.tlb_inv_range_cmds(iova, size, granule, leaf, asid), sync=True)

    # ---------------------------------------------------------------- reset
    async def arm_smmu_device_disable(self) -> int:
        return await self.arm_smmu_write_reg_sync(0, V.CR0, V.CR0ACK)

    async def arm_smmu_device_reset(self, bypass: bool = False) -> int:
        """arm_smmu_device_reset as Linux 6.1 orders it."""
        if await self.readl(V.CR0) & (1 << V.CR0_SMMUEN_BIT):
            await self.arm_smmu_update_gbpa(1 << V.GBPA_ABORT_BIT, 0)
        rc = await self.arm_smmu_device_disable()
        if rc:
            return rc
        # CR1 (table and queue memory attributes), CR2 (PTM, RECINVSID)
        wb, ish = V.CR1_CACHE_WB, 3
        cr1 = (ish << V.CR1_TABLE_SH_SHIFT) | (wb << V.CR1_TABLE_OC_SHIFT) | \
            (wb << V.CR1_TABLE_IC_SHIFT) | (ish << V.CR1_QUEUE_SH_SHIFT) | \
            (wb << V.CR1_QUEUE_OC_SHIFT) | (wb << V.CR1_QUEUE_IC_SHIFT)
        await self.writel(V.CR1, cr1)
        await self.writel(V.CR2, (1 << V.CR2_PTM_BIT) | (1 << V.CR2_RECINVSID_BIT))
        await self.writeq(V.STRTAB_BASE, self.strtab_base | (1 << V.STRTAB_BASE_RA_BIT))
        await self.writel(V.STRTAB_BASE_CFG, self.strtab_cfg)
        # command queue
        await self.writeq(V.CMDQ_BASE, self.cmdq_base | (1 << V.Q_BASE_RWA_BIT) |
                          self.cmdq_shift)
        await self.writel(V.CMDQ_PROD, 0)
        await self.writel(V.CMDQ_CONS, 0)
        self.cmdq_prod = 0
        enables = 1 << V.CR0_CMDQEN_BIT
        rc = await self.arm_smmu_write_reg_sync(enables, V.CR0, V.CR0ACK)
        if rc:
            return rc
        # invalidate any cached configuration, then any TLB entries
        rc = await self.arm_smmu_cmdq_issue_cmdlist([ArmSmmuCmdqEnt(V.OP_CFGI_ALL)])
        rc = rc or await self.arm_smmu_cmdq_issue_cmdlist(
            [ArmSmmuCmdqEnt(V.OP_TLBI_NSNH_ALL)])
        if rc:
            return rc
        # event queue
        await self.writeq(V.EVENTQ_BASE, self.evtq_base | (1 << V.Q_BASE_RWA_BIT) |
                          self.evtq_shift)
        await self.writel(V.EVENTQ_PROD, 0)
        await self.writel(V.EVENTQ_CONS, 0)
        self.evtq_cons = 0
        enables |= 1 << V.CR0_EVENTQEN_BIT
        rc = await self.arm_smmu_write_reg_sync(enables, V.CR0, V.CR0ACK)
        if rc:
            return rc
        # arm_smmu_setup_irqs: IRQ_CTRL 0, then (arm_smmu_setup_unique_irqs ->
        # arm_smmu_setup_msis) "Clear the MSI address regs" -- done without
        # FEAT_MSI too -- then GERROR + EVTQ
        rc = await self.arm_smmu_write_reg_sync(0, V.IRQ_CTRL, V.IRQ_CTRLACK)
        await self.writeq(V.GERROR_IRQ_CFG0, 0)
        await self.writeq(V.EVENTQ_IRQ_CFG0, 0)
        irqs = (1 << V.IRQ_CTRL_GERROR_IRQEN_BIT) | (1 << V.IRQ_CTRL_EVENTQ_IRQEN_BIT)
        rc = rc or await self.arm_smmu_write_reg_sync(irqs, V.IRQ_CTRL, V.IRQ_CTRLACK)
        if rc:
            return rc
        if bypass and not self.disable_bypass:
            return await self.arm_smmu_update_gbpa(0, 1 << V.GBPA_ABORT_BIT)
        enables |= 1 << V.CR0_SMMUEN_BIT
        return await self.arm_smmu_write_reg_sync(enables, V.CR0, V.CR0ACK)

    async def arm_smmu_device_probe(self, two_level: Optional[bool] = None) -> int:
        """hw_probe, queues and Stream table allocation, device reset."""
        rc = await self.arm_smmu_device_hw_probe()
        if rc:
            return rc
        self.cmdq_shift = self.feat.cmdq_shift
        self.evtq_shift = self.feat.evtq_shift
        self.cmdq_base = self.alloc.alloc((1 << self.cmdq_shift) * V.CMD_BYTES)
        self.evtq_base = self.alloc.alloc((1 << self.evtq_shift) * V.EVT_BYTES)
        if (self.feat.two_level if two_level is None else two_level):
            self.arm_smmu_init_strtab_2lvl()
        else:
            self.arm_smmu_init_strtab_linear(min(self.feat.sid_bits, 8))
        return await self.arm_smmu_device_reset()

    # ---------------------------------------------------------------- events
    async def arm_smmu_evtq_read(self) -> list[bytes]:
        """arm_smmu_evtq_thread: records between CONS and PROD, then CONS = PROD."""
        prod = await self.readl(V.EVENTQ_PROD)
        n = 1 << self.evtq_shift
        wrap_mask = (n << 1) - 1
        out = []
        cons = self.evtq_cons
        while (cons & wrap_mask) != (prod & wrap_mask):
            out.append(self.image.read(self.evtq_base + (cons & (n - 1)) * V.EVT_BYTES,
                                       V.EVT_BYTES))
            cons = (cons + 1) & wrap_mask
        self.evtq_cons = cons | (prod & (1 << V.Q_OVFLG_BIT))
        await self.writel(V.EVENTQ_CONS, self.evtq_cons)
        return out


def _f(v: int, shift: int, width: int) -> int:
    return (v >> shift) & ((1 << width) - 1)
