"""The msi_system_top testbench environment: clock, reset, bus models, the one
memory image, interrupt sinks, monitors, the transaction log and the device
models (PCI functions that do DMA and write their MSI messages).

    env = SystemEnv(dut, seed=...)
    await env.reset()
    k = Kernel(env)                 # tb/kernel.py: the Linux side
    await k.probe()

One MemoryImage backs the walker RAM, the SMMUv3 structure/queue RAM (m_axi_smmuq_*:
Stream table, CDs, command and event queues; idle with SMMU_VERSION 2), the ITS
table RAM and the DMA RAM, and the golden model writes page tables, SMMUv3
structures and ITS tables into that same image.
"""

from __future__ import annotations

import os
import random
import weakref
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge
from cocotb.utils import get_sim_time

from cocotbext.axi import (AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster, AxiRam, AxiRamRead,
                           AxiReadBus, AxiResp)

from pymodel.hwdefs import system as SYS
from pymodel.memory import MemoryImage
from tb.faulty_memory import FaultyMemory
from tb import ordered_wake, resume_profile, sink_ready, source_stall
from tb.monitors import AxiAddrMonitor, AxiAddrTap, StreamTap, ValidReadyMonitor
from tb.pause import SharedPause, random_pauses
from tb.protocol_checker import attach_checkers
from tb.system_tb import BUNDLE_SCOPE, CHECKED_INSTANCES, bundle_paths, look_labels, look_layout
from tb.system_regress import LAST_TX, quiet_bus_logs

NUM_DEV_PORTS = 4
DEV_SIDS = (SYS.DEV0_SID, SYS.DEV1_SID, SYS.DEV2_SID, SYS.DEV3_SID)  # msi_system_top defaults
DEV_ID_WIDTH = 4
NUM_CB = 8
AXI_ADDR_BITS = 48
CLOCK_PERIOD_NS = 10
PAUSE_MODES = ("hdl", "shared", "per-channel")     # $SYSTEM_PAUSE (SystemEnv)
CHECKER_MODES = ("look", "bundle", "clock")         # $SYSTEM_CHECKER (SystemEnv)


@dataclass
class SystemMap:
    """The physical memory map as firmware describes it to the kernel (the
    device tree / IORT of QEMU's virt machine by default, pymodel.hwdefs.system).
    A run with another map gives msi_system_top the same values as HDL
    parameters (`hdl_parameters`) and this side reads them from $SYSTEM_MAP
    (JSON), so RTL and kernel agree. `smmu_version` is the SMMU the firmware
    describes (the device tree's "arm,mmu-500"-class arm-smmu node or an
    "arm,smmu-v3" one): msi_system_top's SMMU_VERSION."""

    its_base: int = SYS.ITS_BASE
    gicv2m_base: int = SYS.GICV2M_BASE
    smmu_base: int = SYS.SMMU_BASE
    ram_base: int = SYS.RAM_BASE
    ram_size: int = SYS.RAM_SIZE
    smmu_version: int = SYS.SMMU_VERSION

    FIELDS = {"its_base": "ITS_BASE", "gicv2m_base": "GICV2M_BASE", "smmu_base": "SMMU_BASE",
              "ram_base": "RAM_BASE", "ram_size": "RAM_SIZE", "smmu_version": "SMMU_VERSION"}

    @classmethod
    def from_env(cls) -> "SystemMap":
        import json
        import os
        text = os.environ.get("SYSTEM_MAP")
        return cls(**json.loads(text)) if text else cls()

    def to_json(self) -> str:
        import json
        return json.dumps({f: getattr(self, f) for f in self.FIELDS})

    def hdl_parameters(self) -> dict:
        return {param: getattr(self, f) for f, param in self.FIELDS.items()}

    @property
    def its_translater(self) -> int:
        from pymodel.hwdefs import its as ITSH
        return self.its_base + ITSH.GITS_TRANSLATER

    @property
    def v2m_setspi(self) -> int:
        from pymodel.hwdefs import gicv2m as V2MH
        return self.gicv2m_base + V2MH.MSI_SETSPI_NS

    def pa_target(self, pa: int) -> str:
        """Which slave msi_system_top's PA decoder routes `pa` to (decoded here
        independently of the RTL)."""
        from pymodel.hwdefs import its as ITSH
        frame = self.its_base + ITSH.TRANSLATION_FRAME_OFFSET
        if frame <= pa < frame + 0x1_0000:
            return "its"
        if self.gicv2m_base <= pa < self.gicv2m_base + SYS.GICV2M_SIZE:
            return "v2m"
        if self.ram_base <= pa < self.ram_base + self.ram_size:
            return "ram"
        return "decerr"


class TxLog:
    """The run's transaction log, one line per event, stamped with simulation
    time so it lines up with the waveform. Written to <test>.txlog in the
    simulation's working directory (the build directory, next to the FST).

    One time convention: a bus event is stamped with the rising clock edge on
    which its handshake completes (`log_beat` converts a monitor's ReadOnly
    sample, taken one clock before that edge). Keeps the last lines and the first
    time of each kind for the failure digest and the waveform window."""

    HEADER = f"{'time_ns':>12}  {'kind':<7} {'detail'}"
    NOT_TRANSACTIONS = ("KERNEL", "COMPOSE", "RANDOM", "COUNTERS")
    CONVENTION = (
        "# times: ns of simulation time; bus lines at the rising clock edge on which the\n"
        "# handshake completes: MSI / DMA-W at the device's B handshake, DMA-R at its last R,\n"
        "# PA-AW / PA-AR at the SMMU downstream AW / AR handshake, LPI / SPI at valid && ready;\n"
        "# KERNEL / COMPOSE / FAULT / COUNTERS when the kernel layer acted or read back\n")

    def __init__(self, path: Path, clock_period_ns: float, keep: int = LAST_TX):
        from tb.system_regress import CURRENT_TEST, register_txlog
        self.path = path
        self.test = CURRENT_TEST
        self.clock_period_ns = clock_period_ns
        self._fh = open(path, "w")
        # Scenarios don't close their env: close the file when the log goes away
        # (or at exit), every line being flushed already.
        weakref.finalize(self, self._fh.close)
        self._fh.write("# msi_system_top transaction log\n" + self.CONVENTION)
        self._fh.write(self.HEADER + "\n")
        self.lines = 0
        self.last: deque[str] = deque(maxlen=keep)      # the last bus transactions
        self.first_ns: dict[str, float] = {}
        register_txlog(self)

    def log(self, kind: str, detail: str, time_ns: Optional[float] = None) -> None:
        t = get_sim_time("ns") if time_ns is None else time_ns
        line = f"{t:>12.1f}  {kind:<7} {detail}"
        self._fh.write(line + "\n")
        self._fh.flush()
        self.lines += 1
        if kind not in self.NOT_TRANSACTIONS:
            self.last.append(line)
        self.first_ns.setdefault(kind, t)

    def handshake_ns(self, beat) -> float:
        """The edge a monitor beat's handshake completes on (sampled one clock earlier)."""
        return beat.time_ns + self.clock_period_ns

    def log_beat(self, kind: str, detail: str, beat) -> None:
        self.log(kind, detail, self.handshake_ns(beat))

    def close(self) -> None:
        self._fh.close()



@dataclass
class DmaResult:
    resp: int
    data: bytes = b""


class DeviceModel:
    """A PCI function on one device port of msi_system_top. The port fixes its
    StreamID (DEV<n>_SID); the device cannot choose it. Writes its MSI as a PCI
    function does: a 32-bit write of msg.data to the message address, with the
    address's bits [1:0] zero (the Message Address register hardwires them) and
    cut to the 48-bit bus."""

    def __init__(self, env: "SystemEnv", port: int, name: Optional[str] = None):
        self.env, self.port = env, port
        self.name = name or f"dev{port}"
        self.sid = DEV_SIDS[port]
        self.axi = env.dev_axi[port]
        self.awid = 0

    def _next_id(self) -> int:
        self.awid = (self.awid + 1) % (1 << DEV_ID_WIDTH)
        return self.awid

    @staticmethod
    def msi_bus_address(address: int) -> int:
        return address & ((1 << AXI_ADDR_BITS) - 1) & ~0x3

    async def write_msi(self, address: int, data: int) -> int:
        """Returns the AXI write response (0 OKAY, 2 SLVERR, 3 DECERR)."""
        addr = self.msi_bus_address(address)
        resp = await self.axi.write(addr, (data & 0xFFFF_FFFF).to_bytes(4, "little"),
                                    awid=self._next_id(), size=2, cache=0)
        return int(resp.resp)

    async def dma_write(self, iova: int, data: bytes, prot: int = 0b010) -> int:
        resp = await self.axi.write(iova, data, awid=self._next_id(), prot=prot)
        return int(resp.resp)

    async def dma_read(self, iova: int, length: int, prot: int = 0b010) -> DmaResult:
        resp = await self.axi.read(iova, length, arid=self._next_id(), prot=prot)
        return DmaResult(int(resp.resp), bytes(resp.data))


class SystemEnv:
    """Clock, reset, cocotbext-axi models and monitors around msi_system_top, or
    around msi_system_tb (tb/hdl, scripts/gen_system_tb.py): msi_system_top as u_dut
    with the same ports and an LFSR back-pressure gate on every channel the models
    terminate. `dut` is the toplevel (the models' ports), `top` the msi_system_top
    (its insides: SMMU, ITS, interconnect, monitored wires).

    Back-pressure ($SYSTEM_PAUSE): "hdl" (the default on msi_system_tb) sets the
    gates' probability once, no Python per clock; "shared" (tb/pause.SharedPause, the
    default on msi_system_top) and "per-channel" (cocotbext-axi's coroutine per
    channel) drive the models' pause flags from Python, the gates left open."""

    def __init__(self, dut, seed: Optional[int] = None, test_name: str = "system"):
        self.dut = dut
        self.wrapped = hasattr(dut, "tb_bp_thresh")
        self.top = dut.u_dut if self.wrapped else dut
        self.pause_mode = os.environ.get("SYSTEM_PAUSE") or ("hdl" if self.wrapped else "shared")
        if self.pause_mode not in PAUSE_MODES or (self.pause_mode == "hdl" and not self.wrapped):
            raise ValueError(f"SYSTEM_PAUSE={self.pause_mode!r}: want one of {PAUSE_MODES} "
                             "('hdl' needs the msi_system_tb toplevel)")
        self.log = dut._log
        quiet_bus_logs(dut)
        self.map = SystemMap.from_env()
        self.rng = random.Random(cocotb.RANDOM_SEED if seed is None else seed)
        if self.wrapped:
            # gates open until set_backpressure; in "hdl" mode the LFSR seed comes from
            # the test's seed (the other modes draw nothing from it)
            dut.tb_bp_thresh.value = 0
            dut.tb_bp_seed.value = self.rng.getrandbits(32) if self.pause_mode == "hdl" else 1
        if os.environ.get(resume_profile.ENV):      # where the Python time goes, at exit
            resume_profile.install(os.environ[resume_profile.ENV])
        # the models' idle sinks wake in a fixed order, not in the simulator's callback
        # order, so Icarus and Verilator run the same cycles, and testbench-only HDL (the
        # checker's look filters) cannot reorder the models either (tb/ordered_wake.py)
        ordered_wake.install()
        # the bus models' sources sleep while VALID waits for READY (tb/source_stall.py),
        # their sinks write READY only when it changes (tb/sink_ready.py)
        source_stall.install()
        sink_ready.install()
        cocotb.start_soon(Clock(dut.clk, CLOCK_PERIOD_NS, unit="ns", impl="gpi").start(start_high=False))
        self.memory = MemoryImage()
        # the RTL's names are exact: cocotb_bus's default case-insensitive lookup scans
        # every handle of the toplevel per signal, about 2% of a system run's start-up
        exact = {"case_insensitive": False}
        self.cpu = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil_cpu", **exact),
                                 dut.clk, dut.rst)
        self.dev_axi = [AxiMaster(AxiBus.from_prefix(dut, f"s_axi_dev{i}", **exact),
                                  dut.clk, dut.rst) for i in range(NUM_DEV_PORTS)]
        # the walker and DMA RAMs see the image through FaultyMemory, so a test can
        # make chosen addresses answer SLVERR (none by default)
        self.ptw_faults = FaultyMemory(self.memory)
        self.mem_faults = FaultyMemory(self.memory)
        self.ptw_ram = AxiRamRead(AxiReadBus.from_prefix(dut, "m_axi_ptw", **exact),
                                  dut.clk, dut.rst, mem=self.ptw_faults)
        self.its_ram = AxiRam(AxiBus.from_prefix(dut, "m_axi_its", **exact), dut.clk, dut.rst,
                              mem=self.memory)
        self.mem_ram = AxiRam(AxiBus.from_prefix(dut, "m_axi_mem", **exact), dut.clk, dut.rst,
                              mem=self.mem_faults)
        # SMMUv3 configuration fetches, command queue reads and event records: the same
        # image (and the walker's injected read errors: F_STE_FETCH / F_CD_FETCH)
        self.smmuq_ram = AxiRam(AxiBus.from_prefix(dut, "m_axi_smmuq", **exact),
                                dut.clk, dut.rst, mem=self.ptw_faults)
        # every port of the top and every link inside it: the blocks' ports, less the
        # ones that are top ports (m_axi_ptw, m_axi_smmuq, m_axi_its, lpi, spi,
        # interrupts), and the two GICv2m links inside the interconnect (CPU bridge, PA
        # decoder lane). The SMMU (v2 or v3) is g_smmu.u_smmu.
        top = self.top
        self.smmu_version = int(top.SMMU_VERSION.value)
        if self.smmu_version != self.map.smmu_version:
            raise ValueError(f"msi_system_top has SMMU_VERSION {self.smmu_version}, the "
                             f"firmware description (SYSTEM_MAP) says {self.map.smmu_version}")
        self.smmu_dut = top.g_smmu.u_smmu
        self.checker = attach_checkers(top, dut.clk, dut.rst, instances=[
            (_handle(top, path), list(only) if only else None)
            for path, _module, only in CHECKED_INSTANCES])
        self.checker_mode = os.environ.get("SYSTEM_CHECKER") or ("look" if self.wrapped else "clock")
        if self.checker_mode not in CHECKER_MODES or (self.checker_mode != "clock" and not self.wrapped):
            raise ValueError(f"SYSTEM_CHECKER={self.checker_mode!r}: want one of {CHECKER_MODES} "
                             "('look' and 'bundle' need the msi_system_tb toplevel)")
        if self.checker_mode == "look":     # sample only what tb_chk_look lets through
            self.checker.use_look(dut.tb_chk_look, look_labels(), look_layout(), dut.tb_chk_cycle)
        elif self.checker_mode == "bundle":     # every clock, VALIDs and READYs in two vectors
            valid, other = bundle_paths()
            try:
                vecs = getattr(dut, BUNDLE_SCOPE)
            except AttributeError:
                raise ValueError(f"SYSTEM_CHECKER=bundle: {dut._name} has no {BUNDLE_SCOPE} "
                                 "(built without TB_CHK_BUNDLE=1: run it with the parameters "
                                 "of tb.system_tb.wrapper_parameters)") from None
            self.checker.use_bundle(vecs.tb_chk_valid, valid, vecs.tb_chk_other, other)
        self.devices = [DeviceModel(self, i) for i in range(NUM_DEV_PORTS)]
        # functional coverage (tb/coverage.py): ITS reference decisions, SMMU internals
        from tb import coverage
        coverage.instrument_its_reference()
        self.smmu_cov = coverage.SmmuInternalMonitor.for_top(top)
        if self.wrapped:        # sampled from the checker's clock: no coroutine of its own
            self.smmu_cov.on_clocks_of(self.checker)
        else:
            self.smmu_cov.start()
        # monitors (a gate passes every handshake unchanged: lpi_*/spi_* on the wrapper
        # see the same handshakes as u_dut's)
        if self.wrapped:
            # the checker samples these ports every clock anyway: it hands over their
            # transfers (no monitor coroutine: two wake-ups per clock each); up_axi_ and
            # dn_axi_ are the SMMU's s_axi and m_axi
            ck, T = self.checker, CLOCK_PERIOD_NS
            self.dn_mon = AxiAddrTap(ck, "g_smmu.u_smmu.m_axi", T, name="smmu-downstream")
            self.up_mon = AxiAddrTap(ck, "g_smmu.u_smmu.s_axi", T, name="smmu-upstream")
            self.lpi_mon = StreamTap(ck, "lpi", ("intid", "target"), T)
            self.spi_mon = StreamTap(ck, "spi", ("intid",), T)
        else:
            self.dn_mon = AxiAddrMonitor(top, dut.clk, "dn_axi_", name="smmu-downstream").start()
            self.up_mon = AxiAddrMonitor(top, dut.clk, "up_axi_", name="smmu-upstream").start()
            self.lpi_mon = ValidReadyMonitor(dut, dut.clk, "lpi_", ("intid", "target")).start()
            self.spi_mon = ValidReadyMonitor(dut, dut.clk, "spi_", ("intid",)).start()
        from tb.system_regress import txlog_path
        self.txlog = TxLog(txlog_path(test_name), CLOCK_PERIOD_NS)
        self._irq_ready_p = 0.0
        self.pauses = SharedPause(dut.clk)
        if self.pause_mode == "hdl":     # the gates throttle lpi / spi
            dut.lpi_ready.value = 1
            dut.spi_ready.value = 1
        else:
            dut.lpi_ready.value = 0
            dut.spi_ready.value = 0
            cocotb.start_soon(self._drive_irq_ready())
        # v3 wired interrupts are pulses: count them (the kernel's handler runs per pulse)
        self.v3_irq_count = {"eventq": 0, "gerror": 0}
        if self.smmu_version == 3:
            for name in self.v3_irq_count:
                cocotb.start_soon(self._count_pulses(name))
        self.dn_mon.callbacks.append(self._log_downstream)
        self.lpi_mon.callbacks.append(
            lambda b: self.txlog.log_beat(
                "LPI", f"intid={b.fields['intid']} target=cpu{b.fields['target']}", b))
        self.spi_mon.callbacks.append(
            lambda b: self.txlog.log_beat("SPI", f"intid={b.fields['intid']}", b))

    def _log_downstream(self, b) -> None:
        self.txlog.log_beat("PA-" + b.channel.upper(),
                            f"sid={b.user:#06x} pa={b.addr:#014x} len={b.len + 1} "
                            f"cache={b.cache:04b} id={b.id:#x}", b)

    async def _drive_irq_ready(self) -> None:
        """lpi_ready / spi_ready with random back-pressure (probability set by
        set_backpressure), stands in for the redistributor / distributor."""
        # driven right after the rising edge (as cocotbext-axi drives its
        # handshakes), so a monitor sampling in ReadOnly sees the value the next
        # edge will use
        lpi = spi = 0
        while True:
            await RisingEdge(self.dut.clk)
            p = self._irq_ready_p
            new_lpi, new_spi = int(self.rng.random() >= p), int(self.rng.random() >= p)
            if new_lpi != lpi:      # written only on change: a write per clock costs
                lpi = self.dut.lpi_ready.value = new_lpi
            if new_spi != spi:
                spi = self.dut.spi_ready.value = new_spi

    async def _count_pulses(self, name: str) -> None:
        sig = getattr(self.dut, f"smmu_irq_{name}")
        while True:
            await RisingEdge(sig)
            self.v3_irq_count[name] += 1

    def set_backpressure(self, p: float) -> None:
        """Random pauses with probability p on every channel of every memory and
        device model and on the interrupt outputs (0 turns them off)."""
        self._irq_ready_p = p
        chans = []
        for m in self.dev_axi:
            chans += [m.write_if.aw_channel, m.write_if.w_channel, m.write_if.b_channel,
                      m.read_if.ar_channel, m.read_if.r_channel]
        for r in (self.its_ram, self.mem_ram, self.smmuq_ram):
            chans += [r.write_if.aw_channel, r.write_if.w_channel, r.write_if.b_channel,
                      r.read_if.ar_channel, r.read_if.r_channel]
        chans += [self.ptw_ram.ar_channel, self.ptw_ram.r_channel]
        from tb.coverage import sample_backpressure
        for kind in ("dev", "mem", "its_mem", "ptw", "irq"):
            sample_backpressure(p, kind)
        if self.pause_mode == "hdl":
            # every gate of msi_system_tb pauses with probability thresh/256
            self.dut.tb_bp_thresh.value = min(255, round(p * 256))
            return
        # one coroutine for all channels (tb/pause.py); SYSTEM_PAUSE=per-channel keeps
        # cocotbext-axi's coroutine per channel (the reference of bench/system_speed.py)
        per_channel = self.pause_mode == "per-channel"
        for ch in chans:
            if p > 0:
                gen = random_pauses(p, random.Random(self.rng.random()))
                ch.set_pause_generator(gen) if per_channel else self.pauses.set(ch, gen)
            else:
                ch.clear_pause_generator() if per_channel else self.pauses.clear(ch)

    async def reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 5)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 5)

    async def settle(self, cycles: int = 50) -> None:
        await ClockCycles(self.dut.clk, cycles)

    def irq_context(self) -> int:
        try:
            return int(self.top.smmu_irq_context.value)
        except ValueError:
            return 0

    def irq_global(self) -> int:
        try:
            return int(self.top.smmu_irq_global.value)
        except ValueError:
            return 0


def _handle(top, path: str):
    """The handle at a dotted path below `top` ("u_ic.u_cpu_v2m")."""
    for part in path.split("."):
        top = getattr(top, part)
    return top


def _safe(text: str) -> str:
    import re
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:120]


RESP_NAMES = {int(AxiResp.OKAY): "OKAY", int(AxiResp.EXOKAY): "EXOKAY",
              int(AxiResp.SLVERR): "SLVERR", int(AxiResp.DECERR): "DECERR"}


def pa_target(pa: int, smap: Optional[SystemMap] = None) -> str:
    """Which slave the PA decoder of msi_system_top routes a physical address to."""
    return (smap or SystemMap()).pa_target(pa)


__all__ = ["SystemEnv", "SystemMap", "DeviceModel", "TxLog", "pa_target", "RESP_NAMES", "DEV_SIDS",
           "NUM_DEV_PORTS", "ReadOnly", "RisingEdge"]
