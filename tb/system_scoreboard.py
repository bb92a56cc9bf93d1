"""System scoreboard: for every device transaction the golden model predicts
what must be observed, and this checks it.

Prediction chain for one write from a device with StreamID `sid` to `addr`:
  tb.smmu_model.SmmuState.predict   (SMMUv2) stream match, stage-1 walk over the shared
                                    memory image -> forward (PA, AxCACHE) or fault
  tb.smmuv3_state.Smmuv3State       (SMMUv3) pymodel.smmuv3's reference: Stream table,
                                    STE, CD, the same walk -> forward or terminate with
                                    the exact event record (or none)
  pa_target (pymodel.hwdefs.system) the PA decoder: ITS frame / GICv2m / RAM / DECERR
  pymodel.its.ItsReference.translate  (DeviceID = sid, EventID = data) -> LPI or drop
  pymodel.gicv2m.V2mReference.setspi  data -> SPI or drop

Checked: the AXI response the device sees; the downstream (physical) address
beat with its StreamID and AxCACHE; every interrupt the ITS / GICv2m raises
matches exactly one predicted interrupt and every predicted one arrives (once);
SMMU fault records (v2: FSR bit, FAR, FSYNR0 / GFSR, GFAR, GFSYNR; v3: the event
record in the event queue, every field, and the event interrupt; or no record where
the architecture writes none) read back by the kernel's fault handler; DMA data lands
at (or is read from) the predicted PA.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional

from cocotb.triggers import ClockCycles, RisingEdge

from pymodel.hwdefs import axi as AXI
from pymodel.hwdefs import gicv2m as V2MH
from pymodel.hwdefs import its as ITSH
from pymodel.hwdefs import smmu as S
from pymodel.its import Drop, Lpi
from tb.smmu_model import ContextFault, GlobalFault, Outcome
from tb.smmuv3_state import EventFault
from tb import coverage as cov
from tb.system_env import RESP_NAMES, DeviceModel
from tb.timeouts import wait_named

RESP_OKAY, RESP_SLVERR, RESP_DECERR = AXI.RESP_OKAY, AXI.RESP_SLVERR, AXI.RESP_DECERR


class ScoreboardError(AssertionError):
    """An observation that differs from the golden model's prediction."""


@dataclass
class Prediction:
    sid: int
    addr: int                   # the address on the device's bus (IOVA)
    write: bool
    outcome: Outcome
    target: Optional[str]       # its / v2m / ram / decerr, None when the SMMU faulted
    resp: int                   # AXI response the device must see
    irq: Optional[tuple] = None  # ("lpi", intid, target) or ("spi", intid)
    drop: Optional[str] = None  # why a doorbell write raises nothing

    def describe(self) -> str:
        o = self.outcome
        if not o.forward:
            f = o.fault
            if isinstance(f, ContextFault):
                return (f"SMMU context fault CB{f.cb} {f.kind.name} level {f.level} "
                        f"FAR={f.far:#x} FSYNR0={f.fsynr0:#x}")
            if isinstance(f, GlobalFault):
                return (f"SMMU global fault GFSR bit {f.gfsr_bit} GFAR={f.far:#x} "
                        f"sid={f.sid:#06x}")
            if isinstance(f, EventFault):
                return f"SMMUv3 terminates resp={o.resp}: {f}"
            return f"SMMU terminates: {o.describe()}"
        s = f"pa={o.pa:#x} -> {self.target}"
        if self.irq:
            s += f" -> {self.irq[0].upper()} {self.irq[1]}" + (
                f" cpu{self.irq[2]}" if self.irq[0] == "lpi" else "")
        elif self.drop:
            s += f" (dropped: {self.drop})"
        return s


class SystemScoreboard:
    def __init__(self, env, kernel, stats):
        self.env, self.k, self.stats = env, kernel, stats
        self.txlog = env.txlog
        self.expected_irqs: Counter = Counter()
        self.irq_desc: dict[tuple, str] = {}
        self.unexpected: list[str] = []
        self.expected_dn: Counter = Counter()
        self.seen_dn: Counter = Counter()
        self.faults_seen: list = []
        env.lpi_mon.callbacks.append(self._on_lpi)
        env.spi_mon.callbacks.append(self._on_spi)
        env.dn_mon.callbacks.append(self._on_dn)
        # functional coverage (tb/coverage.py): bursts as the devices issue them (the
        # ITS reference and the SMMU internals are sampled from SystemEnv on)
        env.up_mon.callbacks.append(lambda b: cov.sample_burst(b.len + 1, 1 << b.size, b.addr))
        if env._irq_ready_p == 0:           # the env starts without back-pressure
            for kind in ("dev", "mem", "its_mem", "ptw", "irq"):
                cov.sample_backpressure(0.0, kind)

    # ------------------------------------------------------------------ monitors
    def _on_irq(self, key: tuple, time_ns: float) -> None:
        if self.expected_irqs[key] > 0:
            self.expected_irqs[key] -= 1
            self.stats.add("interrupts")
        else:
            self.unexpected.append(f"{key} at {time_ns} ns (no MSI predicted it)")
            self.txlog.log("ERROR", f"unexpected interrupt {key}", time_ns)

    def _on_lpi(self, b) -> None:
        self._on_irq(("lpi", b.fields["intid"], b.fields["target"]), self.txlog.handshake_ns(b))

    def _on_spi(self, b) -> None:
        self._on_irq(("spi", b.fields["intid"]), self.txlog.handshake_ns(b))

    def _on_dn(self, b) -> None:
        self.seen_dn[(b.channel, b.user, b.addr, b.cache)] += 1

    # ------------------------------------------------------------------ prediction
    def predict(self, sid: int, addr: int, *, write: bool, data: int = 0,
                prot: int = 0b010, cache: int = 0b0011, length: int = 0) -> Prediction:
        out = self.k.smmu_state.predict(sid, addr, write=write, prot=prot, cache=cache)
        cov.sample_stream("fault" if not out.forward else "translate" if getattr(out, "xlate", None) else "bypass")
        if not out.forward:
            return Prediction(sid, addr, write, out, None, out.resp)
        smap = self.env.map
        tgt = smap.pa_target(out.pa)
        p = Prediction(sid, addr, write, out, tgt, RESP_DECERR if tgt == "decerr" else RESP_OKAY)
        if tgt == "ram" and length:
            faults = self.env.mem_faults
            bad = faults.write_error if write else faults.read_error
            if any(bad(a) for a in range(out.pa, out.pa + length)):
                p.resp = RESP_SLVERR         # the RAM's error, passed back through the SMMU
        if write and tgt == "its" and out.pa == smap.its_translater:
            r = self.k.its.reference.translate(sid, data & 0xFFFF_FFFF)
            if isinstance(r, Lpi):
                p.irq = ("lpi", r.intid, r.target)
            else:
                p.drop = r.kind
        elif write and tgt == "v2m" and out.pa == smap.v2m_setspi:
            spi = self.k.v2m_ref.setspi(data & 0xFFFF_FFFF)
            if spi is None:
                p.drop = "spi out of range"
            else:
                p.irq = ("spi", spi)
        return p

    def _expect(self, p: Prediction) -> None:
        if p.outcome.forward:
            self.expected_dn[("aw" if p.write else "ar", p.sid, p.outcome.pa,
                              p.outcome.axcache)] += 1
        if p.irq is not None:
            self.expected_irqs[p.irq] += 1

    # ------------------------------------------------------------------ actions
    async def msi(self, model: DeviceModel, msg, label: str = "") -> Prediction:
        """The device writes its MSI (msg.data to msg's address); check everything."""
        addr = DeviceModel.msi_bus_address(msg.address)
        p = self.predict(model.sid, addr, write=True, data=msg.data, cache=0)
        self._expect(p)
        resp = await wait_named(model.write_msi(msg.address, msg.data), f"{model.name} MSI write to {addr:#x}", 200)
        self.stats.add("transactions")
        self.stats.add("msis")
        what = {"its": f"event={msg.data}", "v2m": f"spi={msg.data}"}.get(p.target,
                                                                          f"data={msg.data:#x}")
        self.txlog.log("MSI", f"{model.name} sid={model.sid:#06x} iova={addr:#x} {what}"
                              f"{' (' + label + ')' if label else ''} -> {p.describe()} "
                              f"resp={RESP_NAMES.get(resp, resp)}")
        if resp != p.resp:
            raise ScoreboardError(
                f"{model.name} MSI to {addr:#x}: response {RESP_NAMES.get(resp, resp)}, predicted "
                f"{RESP_NAMES.get(p.resp, p.resp)} ({p.describe()})")
        if p.target is not None:
            cov.sample_doorbell(p.target)
        self._sample_kernel(model)
        return p

    def _sample_kernel(self, model: DeviceModel) -> None:
        """Coverage: the kernel flavour (the domain's dma-iommu behaviour), the irqchip
        and the MSI page lookup variant behind a checked MSI."""
        kdev = next((d for d in self.k.kdevices.values() if d.model is model), None)
        if kdev is None or kdev.msi_chip is None:
            return
        dom = kdev.dev.domain
        cookie = dom.iova_cookie if dom is not None else None
        if cookie is not None:
            b = cookie.behaviour
            cov.sample_kernel(b.name, kdev.msi_chip.name, b.msi_lookup)

    async def dma_write(self, model: DeviceModel, iova: int, data: bytes,
                        size: Optional[int] = None) -> Prediction:
        """A device DMA write, checked; `size` (log2 bytes per beat) makes a narrow
        burst (default: the bus width, as DeviceModel.dma_write)."""
        if (iova & 0xFFF) + len(data) > 0x1000:
            raise ValueError(f"DMA write {iova:#x}+{len(data)} crosses a 4 KiB page")
        p = self.predict(model.sid, iova, write=True, length=len(data))
        self._expect(p)
        issue = model.dma_write(iova, data) if size is None else \
            self._narrow_write(model, iova, data, size)
        resp = await wait_named(issue, f"{model.name} DMA write {iova:#x}", 200)
        self.stats.add("transactions")
        self.stats.add("dma_bytes", len(data))
        self.txlog.log("DMA-W", f"{model.name} sid={model.sid:#06x} iova={iova:#x} len={len(data)} "
                                f"-> {p.describe()} resp={RESP_NAMES.get(resp, resp)}")
        if resp != p.resp:
            raise ScoreboardError(f"{model.name} DMA write {iova:#x}: response "
                                  f"{RESP_NAMES.get(resp, resp)}, predicted {p.describe()}")
        if p.outcome.forward and p.target == "ram" and p.resp == RESP_OKAY:
            got = self.env.memory.read(p.outcome.pa, len(data))
            if got != data:
                raise ScoreboardError(f"{model.name} DMA write {iova:#x}: memory at predicted "
                                      f"PA {p.outcome.pa:#x} holds {got.hex()}, wrote {data.hex()}")
        return p

    async def dma_read(self, model: DeviceModel, iova: int, length: int,
                       size: Optional[int] = None, prot: int = 0b010) -> Prediction:
        """A device DMA read, checked; `prot` is its AxPROT (bit 2: instruction fetch)."""
        if (iova & 0xFFF) + length > 0x1000:
            raise ValueError(f"DMA read {iova:#x}+{length} crosses a 4 KiB page")
        p = self.predict(model.sid, iova, write=False, length=length, prot=prot)
        self._expect(p)
        expect = (self.env.memory.read(p.outcome.pa, length)
                  if p.outcome.forward and p.target == "ram" and p.resp == RESP_OKAY else None)
        issue = model.dma_read(iova, length, prot=prot) if size is None else \
            self._narrow_read(model, iova, length, size)
        r = await wait_named(issue, f"{model.name} DMA read {iova:#x}", 200)
        self.stats.add("transactions")
        self.stats.add("dma_bytes", length)
        self.txlog.log("DMA-R", f"{model.name} sid={model.sid:#06x} iova={iova:#x} len={length} "
                                f"-> {p.describe()} resp={RESP_NAMES.get(r.resp, r.resp)}")
        if r.resp != p.resp:
            raise ScoreboardError(f"{model.name} DMA read {iova:#x}: response "
                                  f"{RESP_NAMES.get(r.resp, r.resp)}, predicted {p.describe()}")
        if expect is not None and r.data != expect:
            raise ScoreboardError(f"{model.name} DMA read {iova:#x}: data {r.data.hex()} != "
                                  f"memory at predicted PA {p.outcome.pa:#x} {expect.hex()}")
        return p

    # ------------------------------------------------------------------ faults
    async def check_fault(self, p: Prediction, timeout_us: float = 50) -> None:
        """After a write the model says faults: the fault interrupt rises and the
        kernel's handler reads back exactly the predicted record."""
        f = p.outcome.fault
        if isinstance(f, EventFault):
            await self._check_event(p, f, timeout_us)
            return
        if isinstance(f, ContextFault):
            async def irq():
                while not (self.env.irq_context() >> f.cb) & 1:
                    await RisingEdge(self.env.dut.clk)
            await wait_named(irq(), f"irq_context[{f.cb}] for {p.describe()}", timeout_us)
            rec = await self.k.context_fault(f.cb)
            if rec is None:
                raise ScoreboardError(f"CB{f.cb}: no fault recorded, predicted {f}")
            want_fsr = 1 << f.fsr_bit
            if rec.fsr & S.FSR_FAULT_MASK & ~(1 << S.FSR_MULTI_BIT) != want_fsr \
                    or rec.far != f.far or rec.fsynr0 != f.fsynr0:
                raise ScoreboardError(
                    f"CB{f.cb} fault record FSR={rec.fsr:#x} FAR={rec.far:#x} FSYNR0={rec.fsynr0:#x}"
                    f", predicted FSR bit {f.fsr_bit} ({f.kind.name} level {f.level}) "
                    f"FAR={f.far:#x} FSYNR0={f.fsynr0:#x}")
            self.txlog.log("FAULT", f"CB{f.cb} {f.kind.name} level {f.level} FSR={rec.fsr:#x} "
                                    f"FAR={rec.far:#x} FSYNR0={rec.fsynr0:#x} sid={p.sid:#06x} "
                                    "(as predicted)")
        elif isinstance(f, GlobalFault):
            async def irq():
                while not self.env.irq_global():
                    await RisingEdge(self.env.dut.clk)
            await wait_named(irq(), f"irq_global for {p.describe()}", timeout_us)
            rec = await self.k.global_fault()
            if rec is None or not (rec.gfsr >> f.gfsr_bit) & 1 or rec.gfar != f.far \
                    or rec.gfsynr0 != f.gfsynr0 or (rec.gfsynr1 & 0xFFFF) != f.sid:
                raise ScoreboardError(f"global fault record {rec}, predicted {f}")
            self.txlog.log("FAULT", f"global GFSR={rec.gfsr:#x} GFAR={rec.gfar:#x} "
                                    f"GFSYNR0={rec.gfsynr0:#x} sid={f.sid:#06x} (as predicted)")
        else:
            raise ScoreboardError(f"check_fault on a prediction without a fault: {p.describe()}")
        self.faults_seen.append(f)
        cov.sample_fault_of(f)
        self.stats.add("fault_records")

    async def _check_event(self, p: Prediction, f: EventFault, timeout_us: float) -> None:
        """SMMUv3: the event queue gains exactly the predicted record (every field, as
        EventRecord decodes it) and the wired event interrupt pulses; or, where the
        architecture records nothing, no record and no pulse appear."""
        k, env = self.k, self.env
        seen_irqs = self._evtq_irqs_checked
        if f.event is not None:
            async def prod_moves():
                while await k.evtq_prod() & self._evtq_mask() == k.evtq_cons() & self._evtq_mask():
                    await ClockCycles(env.dut.clk, 4)
            await wait_named(prod_moves(), f"EVENTQ_PROD to pass a record for {p.describe()}",
                             timeout_us)
            want = [f.event]
        else:
            await ClockCycles(env.dut.clk, 50)     # a record would be written by now
            want = []
        got = await k.evtq_read()
        if got != want:
            raise ScoreboardError(f"sid={p.sid:#06x} addr={p.addr:#x}: event queue holds "
                                  f"{[str(g) for g in got]}, predicted {[str(w) for w in want]}")
        irqs = env.v3_irq_count["eventq"] - seen_irqs
        self._evtq_irqs_checked = env.v3_irq_count["eventq"]
        if bool(irqs) != bool(want):
            raise ScoreboardError(f"sid={p.sid:#06x} addr={p.addr:#x}: {irqs} event interrupt "
                                  f"pulses for {len(want)} predicted records")
        self.txlog.log("FAULT", f"v3 event queue: {got[0] if got else 'no record'} "
                                f"sid={p.sid:#06x} resp={RESP_NAMES.get(p.resp, p.resp)} "
                                "(as predicted)")
        self.faults_seen.append(f)
        cov.sample_v3_event(f.event, p.write)
        self.stats.add("fault_records")     # checked, with its record or its absence

    _evtq_irqs_checked = 0

    def _evtq_mask(self) -> int:
        """Index + wrap bits of the event queue's PROD/CONS (OVFLG excluded)."""
        return (2 << self.k.smmu.evtq_shift) - 1

    async def expect_no_fault_pending(self) -> None:
        if self.k.smmu_version == 3:
            prod = await self.k.evtq_prod()
            gerr = await self.k.gerror_active()
            gerr_irqs = self.env.v3_irq_count["gerror"]
            if prod & self._evtq_mask() != self.k.evtq_cons() & self._evtq_mask() or gerr \
                    or gerr_irqs:
                raise ScoreboardError(
                    f"SMMUv3 event record or global error without a predicted fault: "
                    f"EVENTQ_PROD={prod:#x} CONS={self.k.evtq_cons():#x} GERROR^GERRORN={gerr:#x} "
                    f"({gerr_irqs} GERROR interrupt pulses); "
                    f"records {[str(r) for r in await self.k.evtq_read()]}")
        if self.env.irq_context() or self.env.irq_global():
            raise ScoreboardError(f"SMMU fault interrupt raised without a predicted fault: "
                                  f"irq_context={self.env.irq_context():#x} "
                                  f"irq_global={self.env.irq_global()}")

    @staticmethod
    async def _narrow_write(model: DeviceModel, iova: int, data: bytes, size: int) -> int:
        resp = await model.axi.write(iova, data, awid=model._next_id(), prot=0b010, size=size)
        return int(resp.resp)

    @staticmethod
    async def _narrow_read(model: DeviceModel, iova: int, length: int, size: int):
        from tb.system_env import DmaResult
        resp = await model.axi.read(iova, length, arid=model._next_id(), prot=0b010, size=size)
        return DmaResult(int(resp.resp), bytes(resp.data))

    def expect_irq(self, key: tuple) -> None:
        """An interrupt a kernel action (not a device write) must raise, e.g. ITS INT."""
        self.expected_irqs[key] += 1

    # ------------------------------------------------------------------ drain
    async def drain(self, timeout_us: float = 100) -> None:
        """Wait until every predicted interrupt has arrived, then check that none
        arrived unpredicted and that the downstream saw exactly the predicted
        physical beats."""
        async def all_in():
            while +self.expected_irqs:
                await RisingEdge(self.env.dut.clk)
        try:
            await wait_named(all_in(), "predicted interrupts", timeout_us)
        except TimeoutError as exc:
            raise ScoreboardError(f"interrupts predicted but never raised: "
                                  f"{dict(+self.expected_irqs)}") from exc
        await ClockCycles(self.env.dut.clk, 20)     # anything extra would show up here
        if self.unexpected:
            raise ScoreboardError("interrupts nobody predicted: " + "; ".join(self.unexpected))
        if self.seen_dn != self.expected_dn:
            missing = self.expected_dn - self.seen_dn
            extra = self.seen_dn - self.expected_dn
            raise ScoreboardError(
                "SMMU downstream beats differ from prediction (channel, sid, pa, cache): "
                f"missing {_fmt(missing)} extra {_fmt(extra)}")
        await self.expect_no_fault_pending()
        await self.check_counters()

    async def check_counters(self) -> None:
        """The doorbells' own statistics agree with the references: the ITS's
        IMPLEMENTATION DEFINED drop counters and translated count, GICv2m's
        dropped / delivered counts (each wraps at 32 bits)."""
        from pymodel.its import DROP_COUNTERS
        ref = self.k.its.reference
        got = {}
        for kind, off in DROP_COUNTERS.items():
            got[kind] = await self.k.readl(self.env.map.its_base + off)
        got["translated"] = await self.k.readl(self.env.map.its_base + ITSH.GITS_IMPDEF_TRANSLATED)
        want = {k: v & 0xFFFF_FFFF for k, v in ref.drops.items()}
        want["translated"] = ref.translated & 0xFFFF_FFFF
        if got != want:
            raise ScoreboardError(f"ITS counters {got}, reference {want}")
        v2m = self.k.v2m_ref
        dropped = await self.k.readl(self.env.map.gicv2m_base + V2MH.MSI_DROPPED)
        delivered = await self.k.readl(self.env.map.gicv2m_base + V2MH.MSI_DELIVERED)
        if (dropped, delivered) != (v2m.dropped & 0xFFFF_FFFF, v2m.delivered & 0xFFFF_FFFF):
            raise ScoreboardError(f"GICv2m dropped/delivered {dropped}/{delivered}, reference "
                                  f"{v2m.dropped}/{v2m.delivered}")
        self.txlog.log("COUNTERS", f"ITS {got} GICv2m dropped={dropped} delivered={delivered} "
                                   "(match the references)")


def _fmt(c: Counter) -> str:
    return "[" + ", ".join(f"{ch} sid={s:#x} pa={pa:#x} cache={ca:04b} x{n}"
                           for (ch, s, pa, ca), n in sorted(c.items())) + "]"


__all__ = ["SystemScoreboard", "Prediction", "ScoreboardError", "Drop"]
