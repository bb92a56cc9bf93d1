"""Prediction side of the SMMU scoreboard: the programming state a test has given
hdl/smmu_v2/rtl/smmu_tlb.v (sCR0, stream-match entries, context banks) and, for one transaction,
what the SMMUv2 architecture says must happen to it. Every translation and every
context fault comes from the golden stage-1 walker `pymodel.io_pgtable_arm.walk`
over the same MemoryImage the walker's AXI RAM serves; this module only adds the
SMMUv2 layer around it (stream matching, bypass, fault registers, AxCACHE/AxUSER).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from pymodel.hwdefs import axi as AXI
from pymodel.hwdefs import smmu as S
from pymodel.io_pgtable_arm import FaultKind, Translation, WalkFault, walk
from pymodel.memory import MemoryImage

FSR_BIT_OF_KIND = {
    FaultKind.TRANSLATION: S.FSR_TF_BIT,
    FaultKind.ACCESS_FLAG: S.FSR_AFF_BIT,
    FaultKind.PERMISSION: S.FSR_PF_BIT,
    FaultKind.EXTERNAL: S.FSR_EF_BIT,
    FaultKind.ADDRESS_SIZE: S.FSR_ASF_BIT,
}
PROT_PRIV = 1 << S.AXPROT_PRIV_BIT
PROT_NS = 1 << S.AXPROT_NS_BIT
PROT_INSTR = 1 << S.AXPROT_INSTR_BIT


@dataclass
class Sme:
    """One stream-map entry: SMR(n) + S2CR(n)."""
    sid: int
    mask: int
    type: int
    cbndx: int
    valid: bool = True


@dataclass
class Context:
    """A context bank's translation registers as programmed."""
    ttbr: int
    tcr: int
    mair: int
    asid: int
    m: bool = True
    cfre: bool = True
    cfie: bool = True


@dataclass(frozen=True)
class ContextFault:
    cb: int
    fsr_bit: int
    far: int
    fsynr0: int
    kind: FaultKind
    level: int


@dataclass(frozen=True)
class GlobalFault:
    gfsr_bit: int
    far: int
    gfsynr0: int
    sid: int


@dataclass(frozen=True)
class Outcome:
    """What the SMMU does with one transaction."""
    forward: bool
    pa: int = 0
    axcache: int = 0
    resp: int = 0                       # AXI response of a terminated transaction
    prot: int = PROT_NS                 # downstream AxPROT of a forwarded transaction
    fault: Optional[ContextFault | GlobalFault] = None
    xlate: Optional[Translation] = None

    def describe(self) -> str:
        if self.forward:
            return f"forward pa={self.pa:#x} cache={self.axcache:#06b}"
        return f"terminate resp={self.resp} fault={self.fault}"


@dataclass
class SmmuState:
    memory: MemoryImage
    clientpd: bool = True
    usfcfg: bool = False
    gfre: bool = False
    gfie: bool = False
    smes: dict[int, Sme] = field(default_factory=dict)
    contexts: dict[int, Context] = field(default_factory=dict)
    num_cb: int = 8
    read_error: Optional[Callable[[int], bool]] = None

    def after_device_reset(self, disable_bypass: bool = True) -> None:
        """State arm_smmu_device_reset leaves behind."""
        self.clientpd = False
        self.usfcfg = disable_bypass
        self.gfre = True
        self.gfie = True
        self.smes.clear()
        self.contexts.clear()

    def match(self, sid: int) -> list[Sme]:
        f = (1 << S.SMR_FIELD_BITS) - 1
        return [e for e in self.smes.values()
                if e.valid and ((sid ^ e.sid) & ~e.mask & f) == 0]

    def predict(self, sid: int, iova: int, *, write: bool, prot: int = PROT_NS,
                cache: int = 0b0011) -> Outcome:
        """The architected outcome for one upstream transaction.

        A write marked Instruction (AxPROT[2]) is a data write, on input, before any
        check (SMMUv3 IHI 0070 13.1.2): its permission check, its syndrome (IND = 0)
        and its downstream AWPROT[2] are those of data."""
        if write:
            prot &= ~PROT_INSTR
        exec_ = bool(prot & PROT_INSTR)
        if self.clientpd:
            return Outcome(True, pa=iova, axcache=cache, prot=prot)
        hits = self.match(sid)
        gbit = None
        if not hits:
            if not self.usfcfg:
                return Outcome(True, pa=iova, axcache=cache, prot=prot)
            gbit = S.GFSR_USF_BIT
        elif len(hits) > 1:
            gbit = S.GFSR_SMCF_BIT
        else:
            e = hits[0]
            if e.type == S.S2CR_TYPE_BYPASS:
                return Outcome(True, pa=iova, axcache=cache, prot=prot)
            if e.type != S.S2CR_TYPE_TRANS:
                gbit = S.GFSR_USF_BIT
            elif e.cbndx >= self.num_cb:
                gbit = S.GFSR_UCBF_BIT
        if gbit is not None:
            syn = (int(write) << S.GFSYNR0_WNR_BIT) | (int(exec_) << S.GFSYNR0_IND_BIT)
            return Outcome(False, resp=AXI.RESP_SLVERR if self.gfre else AXI.RESP_OKAY,
                           fault=GlobalFault(gbit, iova, syn, sid))
        cb = hits[0].cbndx
        ctx = self.contexts.get(cb)
        if ctx is None or not ctx.m:
            return Outcome(True, pa=iova, axcache=cache, prot=prot)
        res = walk(self.memory, ctx.ttbr, ctx.tcr, ctx.mair, iova, write=write,
                   exec_=exec_, priv=bool(prot & PROT_PRIV), read_error=self.read_error)
        if isinstance(res, WalkFault):
            syn = ((res.level << S.FSYNR0_PLVL_SHIFT) | (int(write) << S.FSYNR0_WNR_BIT)
                   | (int(exec_) << S.FSYNR0_IND_BIT)
                   | (int(res.kind is FaultKind.EXTERNAL) << S.FSYNR0_PTWF_BIT)
                   | (cb << S.FSYNR0_S1CBNDX_SHIFT))
            return Outcome(False, resp=AXI.RESP_SLVERR if ctx.cfre else AXI.RESP_OKAY,
                           fault=ContextFault(cb, FSR_BIT_OF_KIND[res.kind], iova, syn,
                                              res.kind, res.level))
        return Outcome(True, pa=res.pa, axcache=res.cache_attr(write), prot=prot, xlate=res)
