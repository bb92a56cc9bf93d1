"""Functional coverage of the testbench (cocotb-coverage coverpoints and crosses).

Every coverpoint is defined here, at import, so every simulation's database has the
same items and the per-test files merge bin by bin. The scoreboards and monitors
call the `sample_*` functions with what they checked; `SmmuInternalMonitor` samples
RTL-internal events (TLB lookups, walks, invalidations) from the SMMU's signals.
Each simulation that imports this module writes its database at exit into
$SYSTEM_STATS_DIR (next to the stats JSON, `database_path`); scripts/coverage_report.py
merges them and prints the table (coverpoint, hit/total, holes by name).

    from tb import coverage as cov
    cov.sample_stream("translate")
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
from pathlib import Path

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_db

from pymodel.hwdefs import its as ITSH
from pymodel.hwdefs import smmu as S
from pymodel.hwdefs import smmuv3 as V3H
from pymodel.its import DROP_COUNTERS
from pymodel.kversion import PRESETS

# ----------------------------------------------------------------------------- bins
FAULT_KINDS = ["translation", "access flag", "permission", "address size", "external"]
FAULT_LEVELS = [0, 1, 2, 3]
DIRECTIONS = ["read", "write"]
GLOBAL_FAULTS = {S.GFSR_USF_BIT: "USF", S.GFSR_SMCF_BIT: "SMCF", S.GFSR_UCBF_BIT: "UCBF"}
DOORBELL_TARGETS = ["its", "v2m", "ram", "decerr"]
STREAM_OUTCOMES = ["bypass", "translate", "fault"]
FLAVOURS = list(PRESETS)                       # pymodel.kversion presets
IRQCHIPS = ["GICv3-ITS", "GICv2m"]
LOOKUPS = sorted({b.msi_lookup for b in PRESETS.values()})
ITS_COMMANDS = {ITSH.CMD_MOVI: "MOVI", ITSH.CMD_INT: "INT", ITSH.CMD_CLEAR: "CLEAR",
                ITSH.CMD_SYNC: "SYNC", ITSH.CMD_MAPD: "MAPD", ITSH.CMD_MAPC: "MAPC",
                ITSH.CMD_MAPTI: "MAPTI", ITSH.CMD_MAPI: "MAPI", ITSH.CMD_INV: "INV",
                ITSH.CMD_INVALL: "INVALL", ITSH.CMD_MOVALL: "MOVALL",
                ITSH.CMD_DISCARD: "DISCARD"}
ITS_ERRORS = {getattr(ITSH, n): n[len("CMDERR_"):].lower() for n in dir(ITSH)
              if n.startswith("CMDERR_")}
ITS_OUTCOMES = ["ok"] + [f"stall:{e}" for e in sorted(ITS_ERRORS.values())]
# the stalls each command can end in (GICv3 IHI 0069 command error checks, as the
# reference pymodel.its.ItsReference._execute orders them); a fetch bus error can
# stop any command. Other command x outcome pairs are not bins.
_DEV_EVENT = ["device_oor", "unmapped_device", "id_oor", "bus_error"]
ITS_VALID_OUTCOMES = {
    "MAPD": ["device_oor", "ittsize_oor", "bus_error"],
    "MAPC": ["collection_oor", "rdbase_oor", "bus_error"],
    "INVALL": ["collection_oor", "unmapped_collection", "bus_error"],
    "SYNC": ["rdbase_oor", "bus_error"],
    "MOVALL": ["rdbase_oor", "bus_error"],
    "MAPTI": _DEV_EVENT + ["physicalid_oor", "collection_oor"],
    "MAPI": _DEV_EVENT + ["physicalid_oor", "collection_oor"],
    "MOVI": _DEV_EVENT + ["collection_oor", "unmapped_interrupt", "unmapped_collection"],
    "DISCARD": _DEV_EVENT + ["unmapped_interrupt"],
    "INT": _DEV_EVENT + ["unmapped_interrupt", "unmapped_collection"],
    "CLEAR": _DEV_EVENT + ["unmapped_interrupt", "unmapped_collection"],
    "INV": _DEV_EVENT + ["unmapped_interrupt", "unmapped_collection"],
    "unknown": ["unknown_command"],
}
DROP_REASONS = list(DROP_COUNTERS)
TLB_RESULTS = ["hit", "miss"]
WALK_CACHE = ["none", "hit"]                   # a walk started from the walk cache or not
START_LEVELS = [0, 1, 2, "n/a"]                # "n/a": a TLB hit starts no walk
TLBI_KINDS = {S.INV_OP_ALL: "ALL", S.INV_OP_CB: "CB", S.INV_OP_ASID: "ASID", S.INV_OP_VA: "VA",
              S.INV_OP_VAL: "VAL", S.INV_OP_VAA: "VAA", S.INV_OP_VAAL: "VAAL"}
TLBI_REMOVED = ["nothing", "tlb", "walk cache", "both"]
BP_LEVELS = ["none", "light", "heavy"]          # pause probability 0, <= 0.3, > 0.3
BP_CHANNELS = ["dev", "mem", "its_mem", "ptw", "irq", "up", "dn"]
BURST_LENS = ["1", "2-4", "5-16", "17-256"]
BURST_SIZES = [1, 2, 4, 8]
ALIGNMENTS = ["4KiB", "64B", "size", "unaligned"]
V3_EVENTS = ["none"] + sorted(n[len("EVT_"):] for n in dir(V3H)
                             if n.startswith(("EVT_F_", "EVT_C_")))


def bp_level(p: float) -> str:
    return "none" if p <= 0 else "light" if p <= 0.3 else "heavy"


def len_class(beats: int) -> str:
    return "1" if beats == 1 else "2-4" if beats <= 4 else "5-16" if beats <= 16 else "17-256"


def align_class(addr: int, size_bytes: int) -> str:
    if addr % 0x1000 == 0:
        return "4KiB"
    if addr % 64 == 0:
        return "64B"
    return "size" if addr % size_bytes == 0 else "unaligned"


# ----------------------------------------------------------------------------- items
# (decorated sampling functions: cocotb-coverage samples the arguments of the call)
@CoverPoint("top.smmu.fault.kind", xf=lambda k, lv, d: k, bins=FAULT_KINDS)
@CoverPoint("top.smmu.fault.level", xf=lambda k, lv, d: lv, bins=FAULT_LEVELS)
@CoverPoint("top.smmu.fault.direction", xf=lambda k, lv, d: d, bins=DIRECTIONS)
# no leaf at level 0 with a 4 KiB granule: access-flag and permission faults start at 1
@CoverCross("top.smmu.fault.kind_x_level_x_direction",
            items=["top.smmu.fault.kind", "top.smmu.fault.level", "top.smmu.fault.direction"],
            ign_bins=[("access flag", 0, None), ("permission", 0, None)])
def _fault(kind, level, direction):
    pass


@CoverPoint("top.smmu.global_fault", bins=list(GLOBAL_FAULTS.values()))
def _global_fault(name):
    pass


@CoverPoint("top.smmuv3.event", xf=lambda e, d: e, bins=V3_EVENTS)
@CoverPoint("top.smmuv3.direction", xf=lambda e, d: d, bins=DIRECTIONS)
@CoverCross("top.smmuv3.event_x_direction", items=["top.smmuv3.event", "top.smmuv3.direction"])
def _v3_event(event, direction):
    pass


@CoverPoint("top.smmu.stream", bins=STREAM_OUTCOMES)
def _stream(outcome):
    pass


@CoverPoint("top.msi.doorbell_target", bins=DOORBELL_TARGETS)
def _doorbell(target):
    pass


@CoverPoint("top.kernel.flavour", xf=lambda f, c, lk: f, bins=FLAVOURS)
@CoverPoint("top.kernel.irqchip", xf=lambda f, c, lk: c, bins=IRQCHIPS)
@CoverPoint("top.kernel.lookup", xf=lambda f, c, lk: lk, bins=LOOKUPS)
# the lookup variant is fixed by the flavour (pymodel.kversion): other pairs cannot occur
@CoverCross("top.kernel.flavour_x_irqchip_x_lookup",
            items=["top.kernel.flavour", "top.kernel.irqchip", "top.kernel.lookup"],
            ign_bins=[(f, None, lk) for f, b in PRESETS.items() for lk in LOOKUPS
                      if b.msi_lookup != lk])
def _kernel(flavour, chip, lookup):
    pass


@CoverPoint("top.its.command", xf=lambda c, o: c, bins=list(ITS_COMMANDS.values()) + ["unknown"])
@CoverPoint("top.its.outcome", xf=lambda c, o: o, bins=ITS_OUTCOMES)
@CoverCross("top.its.command_x_outcome", items=["top.its.command", "top.its.outcome"],
            ign_bins=[(c, o) for c in [*ITS_COMMANDS.values(), "unknown"] for o in ITS_OUTCOMES
                      if o != "ok" and o[len("stall:"):] not in ITS_VALID_OUTCOMES[c]
                      or (c == "unknown" and o == "ok")])
def _its_cmd(command, outcome):
    pass


@CoverPoint("top.its.drop_reason", bins=DROP_REASONS)
def _drop(reason):
    pass


@CoverPoint("top.smmu.tlb.lookup", xf=lambda t, w, s: t, bins=TLB_RESULTS)
@CoverPoint("top.smmu.tlb.walk_cache", xf=lambda t, w, s: w, bins=WALK_CACHE)
@CoverPoint("top.smmu.tlb.start_level", xf=lambda t, w, s: s, bins=START_LEVELS)
# a TLB hit starts no walk (walk cache "none", start level "n/a"); a miss always walks
@CoverCross("top.smmu.tlb.lookup_x_walk_cache_x_start_level",
            items=["top.smmu.tlb.lookup", "top.smmu.tlb.walk_cache", "top.smmu.tlb.start_level"],
            ign_bins=[("hit", "hit", None)] + [("hit", None, lv) for lv in (0, 1, 2)]
            + [("miss", None, "n/a")])
def _tlb(tlb, walk_cache, start_level):
    pass


@CoverPoint("top.smmu.tlbi.kind", xf=lambda k, r: k, bins=list(TLBI_KINDS.values()))
@CoverPoint("top.smmu.tlbi.removed", xf=lambda k, r: r, bins=TLBI_REMOVED)
# leaf-only invalidations (VAL, VAAL) leave the walk cache alone (docs/smmu.md)
@CoverCross("top.smmu.tlbi.kind_x_removed", items=["top.smmu.tlbi.kind", "top.smmu.tlbi.removed"],
            ign_bins=[(k, r) for k in ("VAL", "VAAL") for r in ("walk cache", "both")])
def _tlbi(kind, removed):
    pass


@CoverPoint("top.bp.level", xf=lambda lv, ch: lv, bins=BP_LEVELS)
@CoverPoint("top.bp.channel", xf=lambda lv, ch: ch, bins=BP_CHANNELS)
@CoverCross("top.bp.level_x_channel", items=["top.bp.level", "top.bp.channel"])
def _bp(level, channel):
    pass


@CoverPoint("top.burst.length", xf=lambda lc, sz, al: lc, bins=BURST_LENS)
@CoverPoint("top.burst.size", xf=lambda lc, sz, al: sz, bins=BURST_SIZES)
@CoverPoint("top.burst.alignment", xf=lambda lc, sz, al: al, bins=ALIGNMENTS)
@CoverCross("top.burst.length_x_size", items=["top.burst.length", "top.burst.size"])
def _burst(length_class, size_bytes, alignment):
    pass


# ----------------------------------------------------------------------------- sampling API
def sample_fault(kind: str, level: int, write: bool) -> None:
    """A context fault the scoreboard checked (FaultKind value, walk level, direction)."""
    _fault(kind, level, "write" if write else "read")


def sample_fault_of(f) -> None:
    """A predicted fault (tb.smmu_model ContextFault / GlobalFault) whose record is checked."""
    if hasattr(f, "kind"):
        sample_fault(f.kind.value, f.level, bool((f.fsynr0 >> S.FSYNR0_WNR_BIT) & 1))
    else:
        sample_global_fault(f.gfsr_bit)


def sample_outcome(out, beats: int, size_bytes: int, addr: int) -> None:
    """A predicted transaction (tb.smmu_model Outcome) and its burst shape."""
    sample_stream("fault" if not out.forward else "translate" if out.xlate else "bypass")
    sample_burst(beats, size_bytes, addr)


def sample_global_fault(gfsr_bit: int) -> None:
    if gfsr_bit in GLOBAL_FAULTS:
        _global_fault(GLOBAL_FAULTS[gfsr_bit])


def sample_v3_event(record, write: bool) -> None:
    """An SMMUv3 event record (pymodel.smmuv3.EventRecord) the scoreboard matched in the
    event queue, or None where the architecture records nothing, for a write or read."""
    names = {getattr(V3H, n): n[len("EVT_"):] for n in dir(V3H) if n.startswith(("EVT_F_", "EVT_C_"))}
    name = "none" if record is None else names.get(record.type, "none")
    _v3_event(name, "write" if write else "read")


def sample_stream(outcome: str) -> None:
    """What the SMMU did with a StreamID's transaction: bypass, translate or fault."""
    _stream(outcome)


def sample_doorbell(target: str) -> None:
    """Where an MSI write went after the SMMU (pa_target): its / v2m / ram / decerr."""
    _doorbell(target)


def sample_kernel(flavour: str, irqchip: str, lookup: str) -> None:
    _kernel(flavour, irqchip, lookup)


def sample_its_command(opcode: int, error: int | None) -> None:
    """One ITS command the reference executed: ok, or the stall with its error code."""
    name = ITS_COMMANDS.get(opcode, "unknown")
    outcome = "ok" if error is None else f"stall:{ITS_ERRORS.get(error & 0xFF, 'unknown_command')}"
    _its_cmd(name, outcome)


def sample_drop(reason: str) -> None:
    _drop(reason)


def sample_tlb(hit: bool, walk_cache_hit: bool = False, start_level: int | None = None) -> None:
    """A translated transaction that hit the TLB, or a walk (miss) with its walk-cache
    use and start level."""
    if hit:
        _tlb("hit", "none", "n/a")
    else:
        _tlb("miss", "hit" if walk_cache_hit else "none", start_level)


def sample_tlbi(op: int, tlb_removed: int, wc_removed: int) -> None:
    removed = ["nothing", "tlb", "walk cache", "both"][(tlb_removed > 0) | ((wc_removed > 0) << 1)]
    _tlbi(TLBI_KINDS.get(op, "ALL"), removed)


def sample_backpressure(p: float, channel: str) -> None:
    _bp(bp_level(p), channel)


def sample_burst(beats: int, size_bytes: int, addr: int) -> None:
    _burst(len_class(beats), size_bytes, align_class(addr, size_bytes))


def instrument_its_reference() -> None:
    """Sample every command an ITS reference (pymodel.its.ItsReference) executes, with
    the outcome it predicts, and every doorbell it drops, with the reason. Installed
    once on the class by the benches that own references (tb.system_env.SystemEnv,
    tb.its_tb.ItsTB) before their kernel probes, so the probe's MAPC / SYNC / INVALL
    count too; the reference's results are returned unchanged."""
    from pymodel.its import ItsReference
    if getattr(ItsReference, "_coverage_wrapped", False):
        return
    apply, translate = ItsReference.apply, ItsReference.translate

    def apply_sampled(self, cmd, fetch_addr=None):
        err = apply(self, cmd, fetch_addr)
        opcode = cmd[0] if isinstance(cmd, (bytes, bytearray)) else cmd.raw_cmd[0] & 0xFF
        sample_its_command(opcode, err)
        return err

    def translate_sampled(self, *args, **kwargs):
        r = translate(self, *args, **kwargs)
        kind = getattr(r, "kind", None)
        if kind in DROP_COUNTERS:
            sample_drop(kind)
        return r

    ItsReference.apply, ItsReference.translate = apply_sampled, translate_sampled
    ItsReference._coverage_wrapped = True


# ----------------------------------------------------------------------------- RTL monitor
class SmmuInternalMonitor:
    """Samples the SMMU's internal decisions each clock (after RisingEdge, ReadOnly):
    a translated transaction accepted without a walk (TLB hit), a walk request
    accepted (TLB miss: walk-cache hit and start level), an invalidation (its kind
    and how many TLB / walk-cache entries it cleared). `smmu` is the SMMU instance
    (smmu_tlb, or a front-end with the same u_core translation core); signals a
    front-end does not have are left out (their bins stay holes)."""

    def __init__(self, smmu, clk):
        from tb.system_tb import SMMU_MONITOR_TRIGGERS
        self.smmu, self.clk = smmu, clk
        core = self._get(smmu, "u_core")
        self.core = core
        self.ptw = self._get(core, "u_ptw")
        self.tlb_arr = self._get(core, "u_tlb")
        self.wc = self._get(core, "u_wc")
        # each trigger's signal handles (tb/system_tb.py; the look mode wakes on the same)
        self.triggers = {name: self._path(smmu, sigs)
                         for name, sigs in SMMU_MONITOR_TRIGGERS.items()}
        self.chans = [(c, self.triggers[k]) for k, c in
                      (("aw", self._get(smmu, "u_aw")), ("ar", self._get(smmu, "u_ar")))
                      if c is not None and self.triggers[k] is not None]
        self._task = None

    @classmethod
    def _path(cls, handle, signals):
        """The handles of dotted `signals` below handle, or None if one is missing."""
        out = []
        for dotted in signals:
            h = handle
            for part in dotted.split("."):
                h = cls._get(h, part)
            if h is None:
                return None
            out.append(h)
        return tuple(out)

    @classmethod
    def for_top(cls, dut) -> "SmmuInternalMonitor":
        """The monitor on msi_system_top's SMMU (u_smmu, or g_smmu.u_smmu)."""
        smmu = cls._get(dut, "u_smmu")
        if smmu is None:
            smmu = cls._get(cls._get(dut, "g_smmu"), "u_smmu")
        return cls(smmu, dut.clk)

    @staticmethod
    def _get(handle, name):
        if handle is None:
            return None
        try:
            return getattr(handle, name)
        except AttributeError:
            return None

    def start(self) -> "SmmuInternalMonitor":
        import cocotb
        if self._task is None and self.core is not None and self.ptw is not None:
            self._task = cocotb.start_soon(self._run())
        return self

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    @staticmethod
    def _v(sig) -> int:
        try:
            return int(sig.value)
        except ValueError:
            return 0

    @staticmethod
    def _ones(sig) -> int:
        try:
            return bin(int(sig.value)).count("1")
        except ValueError:
            return 0

    def on_clocks_of(self, checker) -> "SmmuInternalMonitor":
        """Sample from the protocol checker's per-clock call (ProtocolChecker.on_clock)
        instead of a coroutine of its own: the values before each rising edge are the
        ones its ReadOnly sample saw one clock earlier, so the bins are the same."""
        if self.core is not None and self.ptw is not None:
            step = self._steps()
            next(step)
            checker.on_clock(lambda: next(step))
        return self

    async def _run(self) -> None:
        from cocotb.triggers import ReadOnly, RisingEdge
        step = self._steps()
        next(step)
        while True:
            await RisingEdge(self.clk)
            await ReadOnly()
            next(step)

    def _steps(self):
        """One clock's sampling per next(): a generator, so the pending invalidation
        carries over to the next clock."""
        v, ones = self._v, self._ones
        tlb_valid = self.tlb_arr.e_valid if self.tlb_arr is not None else None
        wc_valid = self.wc.e_valid if self.wc is not None else None
        inv, walk = self.triggers["invalidation"], self.triggers["walk"]

        def fires(trigger) -> bool:
            return trigger is not None and all(v(sig) for sig in trigger)
        prev_inv = None
        while True:
            yield
            if prev_inv is not None:        # the invalidation took effect at this edge
                op, t0, w0 = prev_inv
                t1 = ones(tlb_valid) if tlb_valid is not None else t0
                w1 = ones(wc_valid) if wc_valid is not None else w0
                sample_tlbi(op, max(0, t0 - t1), max(0, w0 - w1))
                prev_inv = None
            if fires(inv):
                prev_inv = (v(self.core.inv_op), ones(tlb_valid) if tlb_valid is not None else 0,
                            ones(wc_valid) if wc_valid is not None else 0)
            if fires(walk):
                sample_tlb(False, bool(v(self.ptw.use_wc)), v(self.ptw.start_lvl))
            for ch, accepted in self.chans:
                if fires(accepted) and v(ch.translate) and not v(ch.waiting) and v(ch.x_hit):
                    sample_tlb(True)


# ----------------------------------------------------------------------------- export
def export(path: Path) -> Path:
    """Write this simulation's coverage database (cocotb-coverage YAML) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    coverage_db.export_to_yaml(str(path))
    return path


def database_path() -> Path | None:
    """<SYSTEM_STATS_DIR>/<pytest node>__<toplevel>__<test filter>-<hash>.cov.yml for
    this simulation, or None outside a run that collects stats (the directory
    make sim / make regress / run_system set)."""
    stats = os.environ.get("SYSTEM_STATS_DIR")
    if not stats:
        return None
    node = os.environ.get("SYSTEM_NODE") or os.environ.get("PYTEST_CURRENT_TEST", "manual").split(" ")[0]
    full = "__".join((node, os.environ.get("COCOTB_TOPLEVEL", ""),
                      os.environ.get("COCOTB_TEST_FILTER", "")))
    safe = re.sub(r"[^A-Za-z0-9_.=-]+", "_", full)[:100]
    return Path(stats) / f"{safe}-{hashlib.sha1(full.encode()).hexdigest()[:8]}.cov.yml"


def _export_at_exit() -> None:
    # every simulation that imported this module writes its database once, when the
    # simulator's Python ends (cocotb 2.1 + Icarus run atexit handlers)
    path = database_path()
    if path is not None:
        export(path)


atexit.register(_export_at_exit)
