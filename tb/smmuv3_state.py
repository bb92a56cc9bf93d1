"""Prediction side of the system scoreboard when msi_system_top has SMMU_VERSION = 3:
the register state the kernel layer gave hdl/smmu_v3/rtl/smmu_v3.v (SMMUEN, Stream table base
and format, CR2.RECINVSID) and, for one transaction, the outcome the SMMUv3
architecture wants, in the scoreboard's vocabulary (tb.smmu_model.Outcome).

The prediction itself is F's reference, pymodel.smmuv3.Smmuv3Reference: Stream
table -> STE -> CD -> pymodel.io_pgtable_arm.walk over the shared MemoryImage. This
module only translates its Forward / Terminate into an Outcome; a terminated
transaction carries an EventFault: the exact event record the SMMU must write to
the event queue, or None where the architecture records nothing (STE.Config =
abort, CD.R = 0, an invalid StreamID without CR2.RECINVSID). That record is the v3
counterpart of the v2 FSR/FAR/FSYNR0 and GFSR/GFAR/GFSYNR fault registers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from pymodel.hwdefs import lpae as L
from pymodel.hwdefs import smmuv3 as V
from pymodel.io_pgtable_arm import FaultKind, Translation, walk
from pymodel.memory import MemoryImage
from pymodel.smmuv3 import Cd, EventRecord, Forward, Smmuv3Config, Smmuv3Reference, Ste
from tb.smmu_model import Outcome

# the walker's fault kind behind each translation-class event (IHI 0070 7.3)
KIND_OF_EVENT = {V.EVT_F_TRANSLATION: FaultKind.TRANSLATION,
                 V.EVT_F_ADDR_SIZE: FaultKind.ADDRESS_SIZE,
                 V.EVT_F_ACCESS: FaultKind.ACCESS_FLAG,
                 V.EVT_F_PERMISSION: FaultKind.PERMISSION,
                 V.EVT_F_WALK_EABT: FaultKind.EXTERNAL}


@dataclass(frozen=True)
class EventFault:
    """A transaction SMMUv3 terminates, and the event record it must write (None:
    nothing is recorded). `kind` is the walker's fault kind for translation-class
    events (None for configuration events and aborts)."""
    event: Optional[EventRecord]
    kind: Optional[FaultKind] = None

    def __str__(self) -> str:
        return str(self.event) if self.event is not None else "no event record"


class Smmuv3State:
    """The scoreboard's SMMU predictor for the v3 system (same `predict` signature as
    tb.smmu_model.SmmuState)."""

    def __init__(self, memory: MemoryImage, sid_bits: int = 16,
                 read_error: Optional[Callable[[int], bool]] = None):
        self.memory = memory
        self.ref = Smmuv3Reference(memory, Smmuv3Config(sid_bits=sid_bits),
                                   read_error=read_error)

    def after_device_reset(self, driver) -> None:
        """State arm_smmu_device_reset (Linux 6.1) leaves: SMMUEN, the Stream table
        registers, CR2.RECINVSID."""
        r = self.ref.regs
        r.smmuen = True
        r.strtab_base = driver.strtab_base
        r.strtab_base_cfg = driver.strtab_cfg
        r.recinvsid = True

    def predict(self, sid: int, iova: int, *, write: bool, prot: int = 0b010,
                cache: int = 0b0011) -> Outcome:
        res = self.ref.predict(sid, iova, write, cache=cache, prot=prot)
        if isinstance(res, Forward):
            return Outcome(True, pa=res.pa, axcache=res.cache, prot=res.prot,
                           xlate=self._translation(sid, iova, write, prot))
        ev = res.event
        return Outcome(False, resp=res.resp,
                       fault=EventFault(ev, KIND_OF_EVENT.get(ev.type) if ev else None))

    def _translation(self, sid: int, iova: int, write: bool, prot: int) -> Optional[Translation]:
        """The stage-1 walk behind a forwarded transaction (None: bypassed), for the
        scoreboard's translate/bypass bookkeeping; the PA comes from the reference."""
        what, ste_addr = self.ref.locate_ste(sid)
        if what != "ok" or not self.ref.regs.smmuen:
            return None
        ste = Ste.from_bytes(self.memory.read(ste_addr, V.STE_BYTES))
        if ste.config != V.STE_CONFIG_S1_TRANS:
            return None
        cd = Cd.from_bytes(self.memory.read(ste.s1contextptr, V.CD_BYTES))
        tcr = (cd.t0sz << L.TCR_T0SZ_SHIFT) | (min(cd.ips, V.IDR5_OAS_48) << L.TCR_IPS_SHIFT)
        res = walk(self.memory, cd.ttb0, tcr, cd.mair, iova, write=write,
                   exec_=bool(prot & 4) and not write, priv=bool(prot & 1))
        return res if isinstance(res, Translation) else None


__all__ = ["EventFault", "Smmuv3State", "KIND_OF_EVENT"]
