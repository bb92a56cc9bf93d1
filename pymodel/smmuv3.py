"""SMMUv3 reference (ARM IHI 0070): the data structures as dataclasses with
from_bytes / to_bytes (STE, CD, L1STD, command, event record), and a predictor
that says, per transaction, what the architecture wants: forward with PA and
attributes, or terminate with the exact event record (or none).

The predictor reads the Stream table, STE, CD and page tables from the shared
MemoryImage and walks with pymodel.io_pgtable_arm.walk; it shares no code with
the RTL (hdl/smmu_v3/rtl/smmu_v3*.v), only the field positions of pymodel.hwdefs.smmuv3.
Its implementation choices (what is ILLEGAL, which IDR features exist) are the
ones docs/smmuv3.md lists for the block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from pymodel.hwdefs import lpae as L
from pymodel.hwdefs import smmuv3 as V
from pymodel.io_pgtable_arm import FaultKind, Translation, WalkFault, axcache, walk
from pymodel.memory import MemoryImage

AXI_OKAY, AXI_SLVERR = 0, 2
OAS_BITS = 48


class Smmuv3DecodeError(ValueError):
    """A structure's bytes have the wrong length."""


def _f(v: int, shift: int, width: int) -> int:
    return (v >> shift) & ((1 << width) - 1)


def _qwords(data: bytes, n: int, what: str) -> list[int]:
    if len(data) < 8 * n:
        raise Smmuv3DecodeError(f"{what} needs {8 * n} bytes, got {len(data)}")
    return [int.from_bytes(data[8 * i:8 * i + 8], "little") for i in range(n)]


# --------------------------------------------------------------------- structures
@dataclass
class L1Std:
    """Level-1 Stream table descriptor."""
    span: int = 0
    l2ptr: int = 0

    @classmethod
    def from_bytes(cls, data: bytes) -> "L1Std":
        (q,) = _qwords(data, 1, "L1STD")
        return cls(span=_f(q, V.L1STD_SPAN_SHIFT, 5), l2ptr=q & 0x000F_FFFF_FFFF_FFC0)

    def to_bytes(self) -> bytes:
        return ((self.span << V.L1STD_SPAN_SHIFT) | self.l2ptr).to_bytes(8, "little")


@dataclass
class Ste:
    """Stream table entry, qwords 0-1 decoded; qwords 2-7 kept raw."""
    v: bool = False
    config: int = V.STE_CONFIG_ABORT
    s1fmt: int = 0
    s1contextptr: int = 0
    s1cdmax: int = 0
    s1dss: int = 0
    s1cir: int = 0
    s1cor: int = 0
    s1csh: int = 0
    s1stalld: bool = False
    eats: int = 0
    strw: int = 0
    memattr: int = 0
    mtcfg: bool = False
    alloccfg: int = 0
    shcfg: int = 0
    nscfg: int = 0
    privcfg: int = 0
    instcfg: int = 0
    rest: tuple = (0, 0, 0, 0, 0, 0)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Ste":
        q = _qwords(data, 8, "STE")
        q0, q1 = q[0], q[1]
        return cls(v=bool(q0 >> V.STE0_V_BIT & 1), config=_f(q0, V.STE0_CONFIG_SHIFT, 3),
                   s1fmt=_f(q0, V.STE0_S1FMT_SHIFT, 2),
                   s1contextptr=q0 & 0x000F_FFFF_FFFF_FFC0,
                   s1cdmax=_f(q0, V.STE0_S1CDMAX_SHIFT, 5),
                   s1dss=_f(q1, V.STE1_S1DSS_SHIFT, 2), s1cir=_f(q1, V.STE1_S1CIR_SHIFT, 2),
                   s1cor=_f(q1, V.STE1_S1COR_SHIFT, 2), s1csh=_f(q1, V.STE1_S1CSH_SHIFT, 2),
                   s1stalld=bool(q1 >> V.STE1_S1STALLD_BIT & 1),
                   eats=_f(q1, V.STE1_EATS_SHIFT, 2), strw=_f(q1, V.STE1_STRW_SHIFT, 2),
                   memattr=_f(q1, V.STE1_MEMATTR_SHIFT, 4),
                   mtcfg=bool(q1 >> V.STE1_MTCFG_BIT & 1),
                   alloccfg=_f(q1, V.STE1_ALLOCCFG_SHIFT, 4),
                   shcfg=_f(q1, V.STE1_SHCFG_SHIFT, 2), nscfg=_f(q1, V.STE1_NSCFG_SHIFT, 2),
                   privcfg=_f(q1, V.STE1_PRIVCFG_SHIFT, 2),
                   instcfg=_f(q1, V.STE1_INSTCFG_SHIFT, 2), rest=tuple(q[2:]))

    def qwords(self) -> list[int]:
        q0 = (int(self.v) << V.STE0_V_BIT) | (self.config << V.STE0_CONFIG_SHIFT) \
            | (self.s1fmt << V.STE0_S1FMT_SHIFT) | self.s1contextptr \
            | (self.s1cdmax << V.STE0_S1CDMAX_SHIFT)
        q1 = (self.s1dss << V.STE1_S1DSS_SHIFT) | (self.s1cir << V.STE1_S1CIR_SHIFT) \
            | (self.s1cor << V.STE1_S1COR_SHIFT) | (self.s1csh << V.STE1_S1CSH_SHIFT) \
            | (int(self.s1stalld) << V.STE1_S1STALLD_BIT) | (self.eats << V.STE1_EATS_SHIFT) \
            | (self.strw << V.STE1_STRW_SHIFT) | (self.memattr << V.STE1_MEMATTR_SHIFT) \
            | (int(self.mtcfg) << V.STE1_MTCFG_BIT) | (self.alloccfg << V.STE1_ALLOCCFG_SHIFT) \
            | (self.shcfg << V.STE1_SHCFG_SHIFT) | (self.nscfg << V.STE1_NSCFG_SHIFT) \
            | (self.privcfg << V.STE1_PRIVCFG_SHIFT) | (self.instcfg << V.STE1_INSTCFG_SHIFT)
        return [q0, q1, *self.rest]

    def to_bytes(self) -> bytes:
        return b"".join(q.to_bytes(8, "little") for q in self.qwords())


@dataclass
class Cd:
    """Context descriptor (qwords 0-3 decoded, 4-7 raw)."""
    t0sz: int = 16
    tg0: int = V.CD_TG0_4K
    irgn0: int = 0
    orgn0: int = 0
    sh0: int = 0
    epd0: bool = False
    endi: bool = False
    t1sz: int = 0
    tg1: int = 0
    epd1: bool = True
    v: bool = True
    ips: int = 5
    affd: bool = False
    wxn: bool = False
    uwxn: bool = False
    tbi: int = 0
    pan: bool = False
    aa64: bool = True
    hd: bool = False
    ha: bool = False
    s: bool = False
    r: bool = True
    a: bool = True
    aset: bool = False
    asid: int = 0
    ttb0: int = 0
    ttb1: int = 0
    mair: int = 0
    rest: tuple = (0, 0, 0, 0)

    _BITS0 = (("t0sz", V.CD0_T0SZ_SHIFT, 6), ("tg0", V.CD0_TG0_SHIFT, 2),
              ("irgn0", V.CD0_IRGN0_SHIFT, 2), ("orgn0", V.CD0_ORGN0_SHIFT, 2),
              ("sh0", V.CD0_SH0_SHIFT, 2), ("epd0", V.CD0_EPD0_BIT, 1),
              ("endi", V.CD0_ENDI_BIT, 1), ("t1sz", V.CD0_T1SZ_SHIFT, 6),
              ("tg1", V.CD0_TG1_SHIFT, 2), ("epd1", V.CD0_EPD1_BIT, 1), ("v", V.CD0_V_BIT, 1),
              ("ips", V.CD0_IPS_SHIFT, 3), ("affd", V.CD0_AFFD_BIT, 1),
              ("wxn", V.CD0_WXN_BIT, 1), ("uwxn", V.CD0_UWXN_BIT, 1),
              ("tbi", V.CD0_TBI_SHIFT, 2), ("pan", V.CD0_PAN_BIT, 1),
              ("aa64", V.CD0_AA64_BIT, 1), ("hd", V.CD0_HD_BIT, 1), ("ha", V.CD0_HA_BIT, 1),
              ("s", V.CD0_S_BIT, 1), ("r", V.CD0_R_BIT, 1), ("a", V.CD0_A_BIT, 1),
              ("aset", V.CD0_ASET_BIT, 1), ("asid", V.CD0_ASID_SHIFT, 16))

    @classmethod
    def from_bytes(cls, data: bytes) -> "Cd":
        q = _qwords(data, 8, "CD")
        kw = {}
        for name, shift, width in cls._BITS0:
            val = _f(q[0], shift, width)
            kw[name] = bool(val) if width == 1 else val
        return cls(**kw, ttb0=q[1] & 0x000F_FFFF_FFFF_FFF0, ttb1=q[2] & 0x000F_FFFF_FFFF_FFF0,
                   mair=q[3], rest=tuple(q[4:]))

    def qword0(self) -> int:
        q0 = 0
        for name, shift, width in self._BITS0:
            q0 |= (int(getattr(self, name)) & ((1 << width) - 1)) << shift
        return q0

    def to_bytes(self) -> bytes:
        qs = [self.qword0(), self.ttb0, self.ttb1, self.mair, *self.rest]
        return b"".join(q.to_bytes(8, "little") for q in qs)


@dataclass
class Cmd:
    """A command queue entry (16 bytes): opcode plus the raw qwords."""
    q0: int = 0
    q1: int = 0

    @property
    def opcode(self) -> int:
        return self.q0 & 0xFF

    @classmethod
    def from_bytes(cls, data: bytes) -> "Cmd":
        q0, q1 = _qwords(data, 2, "command")
        return cls(q0, q1)

    def to_bytes(self) -> bytes:
        return self.q0.to_bytes(8, "little") + self.q1.to_bytes(8, "little")


EVENT_NAMES = {V.EVT_C_BAD_STREAMID: "C_BAD_STREAMID", V.EVT_F_STE_FETCH: "F_STE_FETCH",
               V.EVT_C_BAD_STE: "C_BAD_STE", V.EVT_F_STREAM_DISABLED: "F_STREAM_DISABLED",
               V.EVT_F_CD_FETCH: "F_CD_FETCH", V.EVT_C_BAD_CD: "C_BAD_CD",
               V.EVT_F_WALK_EABT: "F_WALK_EABT", V.EVT_F_TRANSLATION: "F_TRANSLATION",
               V.EVT_F_ADDR_SIZE: "F_ADDR_SIZE", V.EVT_F_ACCESS: "F_ACCESS",
               V.EVT_F_PERMISSION: "F_PERMISSION"}


@dataclass
class EventRecord:
    """An event queue record (32 bytes), the fields this block writes by name."""
    type: int
    sid: int
    ssv: bool = False
    ssid: int = 0
    stall: bool = False
    pnu: bool = False
    ind: bool = False
    rnw: bool = False
    s2: bool = False
    cls: int = 0
    input_addr: int = 0
    fetch_addr: int = 0         # F_STE_FETCH / F_CD_FETCH / F_WALK_EABT, else 0
    reason: int = 0

    @property
    def name(self) -> str:
        return EVENT_NAMES.get(self.type, f"event {self.type:#x}")

    @classmethod
    def from_bytes(cls, data: bytes) -> "EventRecord":
        q0, q1, q2, q3 = _qwords(data, 4, "event record")
        typ = _f(q0, V.EVT0_ID_SHIFT, 8)
        translation = typ in (V.EVT_F_TRANSLATION, V.EVT_F_ADDR_SIZE, V.EVT_F_ACCESS,
                              V.EVT_F_PERMISSION, V.EVT_F_WALK_EABT)
        return cls(type=typ, sid=_f(q0, V.EVT0_SID_SHIFT, 32),
                   ssv=bool(q0 >> V.EVT0_SSV_BIT & 1), ssid=_f(q0, V.EVT0_SSID_SHIFT, 20),
                   stall=bool(q1 >> V.EVT1_STALL_BIT & 1), pnu=bool(q1 >> V.EVT1_PNU_BIT & 1),
                   ind=bool(q1 >> V.EVT1_IND_BIT & 1), rnw=bool(q1 >> V.EVT1_RNW_BIT & 1),
                   s2=bool(q1 >> V.EVT1_S2_BIT & 1), cls=_f(q1, V.EVT1_CLASS_SHIFT, 2),
                   input_addr=q2 if translation else 0,
                   fetch_addr=q3 & 0x00FF_FFFF_FFFF_FFF8,
                   reason=0 if translation else _f(q1, V.EVT1_REASON_SHIFT, 16))

    def to_bytes(self) -> bytes:
        q0 = (self.type << V.EVT0_ID_SHIFT) | (int(self.ssv) << V.EVT0_SSV_BIT) \
            | (self.ssid << V.EVT0_SSID_SHIFT) | (self.sid << V.EVT0_SID_SHIFT)
        q1 = (int(self.stall) << V.EVT1_STALL_BIT) | (int(self.pnu) << V.EVT1_PNU_BIT) \
            | (int(self.ind) << V.EVT1_IND_BIT) | (int(self.rnw) << V.EVT1_RNW_BIT) \
            | (int(self.s2) << V.EVT1_S2_BIT) | (self.cls << V.EVT1_CLASS_SHIFT) \
            | (self.reason << V.EVT1_REASON_SHIFT)
        return b"".join(q.to_bytes(8, "little") for q in (q0, q1, self.input_addr,
                                                           self.fetch_addr))

    def __str__(self) -> str:
        return (f"{self.name}(sid={self.sid:#x} rnw={int(self.rnw)} ind={int(self.ind)} "
                f"pnu={int(self.pnu)} class={self.cls} addr={self.input_addr:#x} "
                f"fetch={self.fetch_addr:#x})")


# --------------------------------------------------------------------- prediction
@dataclass(frozen=True)
class Forward:
    """The transaction leaves downstream with this address and these attributes."""
    pa: int
    cache: int
    prot: int


@dataclass(frozen=True)
class Terminate:
    """The transaction is terminated: response code, and the event record (or None)."""
    resp: int
    event: Optional[EventRecord]


Outcome = Forward | Terminate

_IPS_BITS = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48}


def memattr_axcache(memattr: int, write: bool) -> int:
    """AxCACHE for an STE/GBPA MemAttr (stage-2 MemAttr form, no allocation hints)."""
    if memattr >> 2 == 0:
        return L.AXCACHE_DEVICE_NB if memattr == V.MEMATTR_DEVICE_NGNRNE else L.AXCACHE_DEVICE_B
    outer = memattr >> 2
    if outer == V.MEMATTR_OUTER_NC:
        return L.AXCACHE_NORMAL_NC
    if outer == V.MEMATTR_OUTER_WT:
        return L.AXCACHE_WT_NOALLOC_W if write else L.AXCACHE_WT_NOALLOC_R
    return L.AXCACHE_WB_NOALLOC_W if write else L.AXCACHE_WB_NOALLOC_R


def bypass_attrs(cache: int, prot: int, write: bool, memattr: int, mtcfg: bool,
                 alloccfg: int, privcfg: int, instcfg: int) -> tuple[int, int]:
    """IHI 0070 13.x attribute overrides of a bypassed transaction (STE or GBPA)."""
    alloc_bit = L.AXCACHE_WALLOC_W if write else L.AXCACHE_RALLOC_R
    if mtcfg:
        base = memattr_axcache(memattr, write)
        if base & 0b1100:       # cacheable: keep the incoming allocation hint
            base |= cache & alloc_bit
    else:
        base = cache
    if alloccfg >> V.ALLOCCFG_OVERRIDE_BIT & 1 and base & 0b1100:
        if write:
            base = ((alloccfg >> V.ALLOCCFG_WA_BIT & 1) << 3) | 0b0100 | (base & 3)
        else:
            base = 0b1000 | ((alloccfg >> V.ALLOCCFG_RA_BIT & 1) << 2) | (base & 3)
    return base, override_prot(prot, write, privcfg, instcfg)


def override_prot(prot: int, write: bool, privcfg: int, instcfg: int) -> int:
    if privcfg >> 1:
        prot = (prot & ~1) | (privcfg & 1)
    if instcfg >> 1 and not write:
        prot = (prot & ~4) | ((instcfg & 1) << 2)
    return prot


@dataclass
class Smmuv3Config:
    """The register state a prediction depends on."""
    smmuen: bool = False
    gbpa: int = V.GBPA_RESET
    strtab_base: int = 0
    strtab_base_cfg: int = 0
    recinvsid: bool = False
    sid_bits: int = 16


@dataclass
class Smmuv3Reference:
    """Predicts the architected outcome of one transaction from memory + registers."""
    memory: MemoryImage
    regs: Smmuv3Config = field(default_factory=Smmuv3Config)
    read_error: Optional[Callable[[int], bool]] = None

    def _err(self, addr: int, length: int) -> bool:
        return bool(self.read_error) and any(self.read_error(a)
                                            for a in range(addr & ~7, addr + length, 8))

    def locate_ste(self, sid: int) -> tuple[str, int]:
        """('ok', STE address) or (event name, fetch address) for a StreamID."""
        r = self.regs
        cfg = r.strtab_base_cfg
        log2size = _f(cfg, V.STRTAB_BASE_CFG_LOG2SIZE_SHIFT, 6)
        split = _f(cfg, V.STRTAB_BASE_CFG_SPLIT_SHIFT, 5)
        fmt = _f(cfg, V.STRTAB_BASE_CFG_FMT_SHIFT, 2)
        base = r.strtab_base & ((1 << 48) - 1) & ~0x3F
        if log2size < r.sid_bits and sid >> log2size:
            return "C_BAD_STREAMID", 0
        if fmt != V.STRTAB_BASE_CFG_FMT_2LVL:
            return "ok", base + sid * V.STE_BYTES
        l1_addr = base + (sid >> split) * V.L1STD_BYTES
        if self._err(l1_addr, 8):
            return "F_STE_FETCH", l1_addr
        l1 = L1Std.from_bytes(self.memory.read(l1_addr, 8))
        lo = sid & ((1 << split) - 1)
        if l1.span == 0 or l1.span > split + 1 or lo >> (l1.span - 1):
            return "C_BAD_STREAMID", 0
        ste_addr = (l1.l2ptr & ((1 << 48) - 1)) + lo * V.STE_BYTES
        if l1.l2ptr >> 48:
            return "F_STE_FETCH", ste_addr
        return "ok", ste_addr

    def cd_illegal(self, cd: Cd) -> bool:
        ips = min(cd.ips, V.IDR5_OAS_48)
        limit = 1 << _IPS_BITS[ips]
        bad = not cd.v or not cd.aa64 or cd.endi or cd.hd or cd.ha
        if not cd.epd0:
            bad |= cd.tg0 != V.CD_TG0_4K or not V.CD_T0SZ_MIN <= cd.t0sz <= V.CD_T0SZ_MAX \
                or cd.ttb0 >= limit
        if not cd.epd1:
            bad |= cd.tg1 != 0b10 or not V.CD_T0SZ_MIN <= cd.t1sz <= V.CD_T0SZ_MAX \
                or cd.ttb1 >= limit
        return bad

    def predict(self, sid: int, addr: int, write: bool, *, cache: int = 0b0011,
                prot: int = 0b010) -> Outcome:
        r = self.regs
        if not r.smmuen:
            g = r.gbpa
            if g >> V.GBPA_ABORT_BIT & 1:
                return Terminate(AXI_SLVERR, None)
            c, p = bypass_attrs(cache, prot, write, _f(g, V.GBPA_MEMATTR_SHIFT, 4),
                                bool(g >> V.GBPA_MTCFG_BIT & 1), _f(g, V.GBPA_ALLOCCFG_SHIFT, 4),
                                _f(g, V.GBPA_PRIVCFG_SHIFT, 2), _f(g, V.GBPA_INSTCFG_SHIFT, 2))
            return Forward(addr, c, p)

        def cfg_event(typ: int, fetch: int = 0) -> Terminate:
            rec = EventRecord(type=typ, sid=sid, fetch_addr=fetch & ~7)
            if typ == V.EVT_C_BAD_STREAMID and not r.recinvsid:
                rec = None
            return Terminate(AXI_SLVERR, rec)

        what, ste_addr = self.locate_ste(sid)
        if what != "ok":
            return cfg_event(getattr(V, f"EVT_{what}"), ste_addr)
        if self._err(ste_addr, 8 * V.STE_FETCH_DWORDS):
            return cfg_event(V.EVT_F_STE_FETCH, ste_addr)
        ste = Ste.from_bytes(self.memory.read(ste_addr, V.STE_BYTES))
        s1 = ste.config == V.STE_CONFIG_S1_TRANS
        substreams = s1 and ste.s1cdmax != 0
        # IDR1.SSIDSIZE bounds S1CDMax; IDR0.CD2L = 0: only linear CD tables; S1DSS
        # 0b11 is reserved; STALL_MODEL = 01: S1STALLD = 1 is ILLEGAL
        if not ste.v or ste.config in (V.STE_CONFIG_S2_TRANS, V.STE_CONFIG_S12_TRANS) or \
                (s1 and (ste.s1cdmax > V.SSIDSIZE or ste.s1stalld)) or \
                (substreams and (ste.s1fmt != 0 or ste.s1dss == 3)):
            return cfg_event(V.EVT_C_BAD_STE)
        if not ste.config >> 2:
            return Terminate(AXI_SLVERR, None)
        # transactions here carry no SubstreamID: with substreams on, S1DSS decides
        if substreams and ste.s1dss == V.STE_S1DSS_TERMINATE:
            return Terminate(AXI_SLVERR, EventRecord(type=V.EVT_F_STREAM_DISABLED, sid=sid))
        if ste.config == V.STE_CONFIG_BYPASS or \
                (substreams and ste.s1dss == V.STE_S1DSS_BYPASS):
            c, p = bypass_attrs(cache, prot, write, ste.memattr, ste.mtcfg, ste.alloccfg,
                                ste.privcfg, ste.instcfg)
            return Forward(addr, c, p)
        cd_addr = ste.s1contextptr
        if cd_addr >> 48:
            return cfg_event(V.EVT_F_CD_FETCH, cd_addr)
        if self._err(cd_addr, 8 * V.CD_FETCH_DWORDS):
            return cfg_event(V.EVT_F_CD_FETCH, cd_addr)
        cd = Cd.from_bytes(self.memory.read(cd_addr, V.CD_BYTES))
        if self.cd_illegal(cd):
            return cfg_event(V.EVT_C_BAD_CD)
        prot = override_prot(prot, write, ste.privcfg, ste.instcfg)
        priv, exec_ = bool(prot & 1), bool(prot & 4) and not write
        tcr = (cd.t0sz << L.TCR_T0SZ_SHIFT) | (int(cd.epd0) << L.TCR_EPD0_BIT) \
            | (min(cd.ips, V.IDR5_OAS_48) << L.TCR_IPS_SHIFT)
        res = walk(self.memory, cd.ttb0, tcr, cd.mair, addr, write=write, exec_=exec_,
                   read_error=self.read_error, priv=priv)
        if isinstance(res, Translation):
            return Forward(res.pa, axcache(res.attr, write), prot)
        return self._translation_fault(res, sid, addr, write, priv, exec_, cd)

    def _translation_fault(self, f: WalkFault, sid: int, addr: int, write: bool,
                           priv: bool, exec_: bool, cd: Cd) -> Terminate:
        typ = {FaultKind.TRANSLATION: V.EVT_F_TRANSLATION,
               FaultKind.ADDRESS_SIZE: V.EVT_F_ADDR_SIZE,
               FaultKind.ACCESS_FLAG: V.EVT_F_ACCESS,
               FaultKind.PERMISSION: V.EVT_F_PERMISSION,
               FaultKind.EXTERNAL: V.EVT_F_WALK_EABT}[f.kind]
        eabt = typ == V.EVT_F_WALK_EABT
        rec = EventRecord(type=typ, sid=sid, pnu=priv, ind=exec_, rnw=not write,
                          cls=V.EVT_CLASS_TT if eabt else V.EVT_CLASS_IN, input_addr=addr,
                          fetch_addr=(f.reads[-1] & ~7) if eabt else 0)
        if not (eabt or cd.r):
            rec = None
        return Terminate(AXI_SLVERR if cd.a else AXI_OKAY, rec)
