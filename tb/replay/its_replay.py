"""Replays the ITS side of a real Linux boot against hdl/gic/rtl/its_doorbell.v.

What comes from the capture, byte for byte: Linux's command queue (GITS_CBASER as Linux
programmed it, the 32-byte commands in the queue memory at their guest-physical
addresses), every GITS_CWRITER write in the order Linux made it, the ITT addresses Linux
chose (inside its MAPD commands), and every MSI that reached GITS_TRANSLATER (DeviceID =
requester ID, EventID = data). What is the RTL's own: the device table (its DTE format is
IMPLEMENTATION DEFINED, so the replay allocates it outside guest RAM and programs
GITS_BASER0 for it, as pymodel.its's its_probe does) and the collections (held in
hardware: GITS_TYPER.HCC), and the ITTE format inside Linux's ITT memory.

Commands and MSIs are replayed interleaved in the capture's global order (`seq`), so an
MSI sees exactly the commands Linux had issued before it: every MSI can be checked, also
the ones whose vector Linux later reallocated. Each LPI the RTL delivers is compared with
the INTID QEMU's ITS delivered (and the target with the collection's RDbase).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster, AxiRam

from pymodel.hwdefs import its as H
from pymodel.its import its_node
from pymodel.memory import MemoryImage, TablePageAllocator
from tb.its_tb import LpiMonitor
from tb.protocol_checker import attach_checkers
from tb.replay.capture import Capture
from tb.replay.capture import hexint as _h
from tb.replay.report import ReplayReport
from tb.timeouts import wait_named

# The RTL's own tables live above the 1 GiB of guest RAM QEMU virt gives the capture.
RTL_TABLE_POOL = 0x1_0000_0000
RTL_TABLE_POOL_SIZE = 1 << 24


@dataclass
class _Step:
    seq: int
    kind: str          # "cwriter" | "msi"
    row: dict


@dataclass
class ItsReplay:
    dut: object
    cap: Capture
    report: ReplayReport
    seed: int = 0
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("cocotb.replay"))

    async def setup(self) -> None:
        dut = self.dut
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        for name in ("s_axil", "s_axi", "m_axi"):
            logging.getLogger(f"cocotb.{dut._name}.{name}").setLevel(logging.WARNING)
        self.memory = MemoryImage()
        loaded = self.cap.load_memory(self.memory)
        self.log.info("replay: %d bytes of guest memory loaded from %s", loaded, self.cap.path)
        self.ctrl = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        self.dev = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, mem=self.memory)
        self.lpis = LpiMonitor(dut, dut.clk, 1.0, random.Random(self.seed))
        self.lpis.start()
        self.checker = attach_checkers(dut, dut.clk, dut.rst)   # AXI rules on every port
        dut.rst.value = 1
        await ClockCycles(dut.clk, 4)
        dut.rst.value = 0
        await ClockCycles(dut.clk, 2)

    # ---- registers ---------------------------------------------------------------
    async def read32(self, off: int) -> int:
        return await self.ctrl.read_dword(off)

    async def write64(self, off: int, value: int) -> None:
        await self.ctrl.write_dword(off, value & 0xFFFF_FFFF)
        await self.ctrl.write_dword(off + 4, value >> 32)

    # ---- what Linux relied on -----------------------------------------------------
    async def check_features(self) -> None:
        """GITS_TYPER: every property Linux's commands depend on must hold on the RTL."""
        typer = await self.read32(H.GITS_TYPER) | (await self.read32(H.GITS_TYPER + 4)) << 32
        f = lambda lsb, w: (typer >> lsb) & ((1 << w) - 1)  # noqa: E731
        cmds = self.cap.rows("cmdq_its")
        devids = [_h(c["raw"][0]) >> 32 for c in cmds if c["name"] in ("MAPD", "MAPTI", "MAPI")]
        intids = [_h(c["raw"][1]) >> 32 for c in cmds if c["name"] == "MAPTI"]
        events = [_h(c["raw"][1]) & 0xFFFF_FFFF for c in cmds if c["name"] in ("MAPTI", "MAPI")]
        icids = [_h(c["raw"][2]) & 0xFFFF for c in cmds if c["name"] in ("MAPC", "MAPTI", "MAPI")]
        rdbases = [(_h(c["raw"][2]) >> H.CMD_RDBASE_LSB) & ((1 << H.CMD_RDBASE_W) - 1)
                   for c in cmds if c["name"] == "MAPC"]
        checks = [
            ("Physical LPIs", f(H.TYPER_PHYSICAL_BIT, 1) == 1, "GITS_TYPER.Physical"),
            ("PTA = 0 (RDbase is a processor number, as Linux's MAPC RDbase "
             f"{[hex(r) for r in rdbases]} assume)", f(H.TYPER_PTA_BIT, 1) == 0, "GITS_TYPER.PTA"),
            (f"Devbits cover DeviceID {max(devids, default=0):#x}",
             max(devids, default=0) < 1 << (f(H.TYPER_DEVBITS_LSB, H.TYPER_DEVBITS_W) + 1), "Devbits"),
            (f"IDbits cover INTID {max(intids, default=0):#x} and EventID {max(events, default=0):#x}",
             max(intids + events, default=0) < 1 << (f(H.TYPER_IDBITS_LSB, H.TYPER_IDBITS_W) + 1),
             "IDbits"),
            (f"HCC holds ICID {max(icids, default=0)}",
             max(icids, default=0) < f(H.TYPER_HCC_LSB, H.TYPER_HCC_W), "HCC"),
        ]
        ite = f(H.TYPER_ITT_ENTRY_SIZE_LSB, H.TYPER_ITT_ENTRY_SIZE_W) + 1
        # Linux sized each ITT from the TYPER it read off QEMU's ITS (its_create_device:
        # sz = nr_ites * (ITT_entry_size + 1), at least ITS_ITT_ALIGN = 256 bytes)
        linux_typer = _h(self.cap.roots["GITS_TYPER"])
        linux_ite = ((linux_typer >> H.TYPER_ITT_ENTRY_SIZE_LSB)
                     & ((1 << H.TYPER_ITT_ENTRY_SIZE_W) - 1)) + 1
        for c in cmds:
            if c["name"] == "MAPD" and _h(c["raw"][2]) >> 63:
                nr_ites = 1 << ((_h(c["raw"][1]) & 0x1F) + 1)
                need, have = ite * nr_ites, max(linux_ite * nr_ites, 256)
                checks.append((f"ITT of DeviceID {_h(c['raw'][0]) >> 32:#x}: {need} B of RTL "
                               f"entries fit the {have} B Linux allocated", need <= have,
                               "ITT_entry_size"))
        for what, ok, field_name in checks:
            self.report.feature(field_name, what, ok)

    # ---- the replay ----------------------------------------------------------------
    def steps(self) -> list[_Step]:
        out = [_Step(r["seq"], "cwriter", r) for r in self.cap.rows("mmio_its")
               if r["rw"] == "w" and _h(r["offset"]) == H.GITS_CWRITER]
        out += [_Step(r["seq"], "msi", r) for r in self.cap.rows("its_events")]
        return sorted(out, key=lambda s: s.seq)

    async def run(self) -> ReplayReport:
        await self.setup()
        await self.check_features()
        cmds = self.cap.rows("cmdq_its")
        roots = self.cap.roots
        cbaser = _h(roots["GITS_CBASER"])
        queue_bytes = (((cbaser >> H.CBASER_SIZE_LSB) & ((1 << H.CBASER_SIZE_W) - 1)) + 1) * 4096
        if len(cmds) * H.CMD_SIZE > queue_bytes:
            self.report.not_replayable("commands", len(cmds), "the command queue wrapped: "
                                       "only its final contents are in the capture")
            return self.report
        # The RTL's device table (pymodel.its's its_probe chooses it the way Linux would).
        node = its_node(self.memory, TablePageAllocator(self.memory, RTL_TABLE_POOL,
                                                        RTL_TABLE_POOL_SIZE),
                        devbits=len(self.dut.s_axi_awuser), cmd_queue_size=4096)
        await self.write64(H.GITS_BASER0, node.gits_baser_device())
        await self.write64(H.GITS_CBASER, cbaser)
        await self.write64(H.GITS_CWRITER, 0)
        await self.ctrl.write_dword(H.GITS_CTLR, 1 << H.CTLR_ENABLED_BIT)
        self.report.note(f"GITS_BASER0 = {node.gits_baser_device():#x} (the RTL's own flat "
                         f"device table); GITS_CBASER = {cbaser:#x} (Linux's)")
        done = 0
        for step in self.steps():
            if step.kind == "cwriter":
                done = await self._cwriter(step.row, cmds, done)
            else:
                await self._msi(step.row)
        self.checker.check()
        return self.report

    async def _cwriter(self, row: dict, cmds: list[dict], done: int) -> int:
        value = _h(row["value"])
        upto = (value >> H.CQ_OFFSET_LSB) & ((1 << H.CQ_OFFSET_W) - 1)
        await self.ctrl.write_dword(H.GITS_CWRITER, value & 0xFFFF_FFFF)

        async def consumed():
            while True:
                v = await self.read32(H.GITS_CREADR)
                if v & (1 << H.CREADR_STALLED_BIT):
                    return v
                if (v >> H.CQ_OFFSET_LSB) & ((1 << H.CQ_OFFSET_W) - 1) == upto:
                    return v
        v = await wait_named(consumed(), f"GITS_CREADR to reach command {upto} "
                             f"(CWRITER write at seq {row['seq']})", timeout_us=2000)
        if v & (1 << H.CREADR_STALLED_BIT):
            err = await self.read32(H.GITS_IMPDEF_CMD_ERROR)
            at = (v >> H.CQ_OFFSET_LSB) & ((1 << H.CQ_OFFSET_W) - 1)
            for c in cmds[done:at]:
                self.report.command(c["index"], c["name"], True, "consumed")
            self.report.command(cmds[at]["index"], cmds[at]["name"], False,
                                f"RTL stalled with error {err:#x}; QEMU processed it")
            raise AssertionError(f"replay: ITS stalled on Linux's command {at} "
                                 f"({cmds[at]['name']} {cmds[at]['raw']}), error {err:#x}")
        for c in cmds[done:upto]:
            self.report.command(c["index"], c["name"], "processed_seq" in c,
                                "consumed" if "processed_seq" in c else
                                "consumed by the RTL; QEMU's trace has no record of it")
        return upto

    async def _msi(self, row: dict) -> None:
        devid, event = _h(row["devid"]), _h(row["eventid"])
        expect = _h(row["intid"]) if "intid" in row else None
        before = len(self.lpis.txns)
        size = int(row.get("size", 4))
        await self.dev.write(H.TRANSLATER_OFFSET, event.to_bytes(size, "little"), user=devid)
        what = f"MSI seq {row['seq']} DeviceID {devid:#x} EventID {event:#x}"
        if expect is None:
            self.report.not_replayable("msi", 1, f"{what}: QEMU delivered no LPI")
            return
        try:
            await wait_named(self._lpi_after(before), f"the LPI of {what}", timeout_us=50)
        except TimeoutError as e:
            self.report.msi(what, expect, None, str(e))
            return
        got = self.lpis.txns[before]
        target = _h(row.get("rdbase", 0))
        ok = got.intid == expect and got.target == target
        self.report.msi(what, (expect, target), (got.intid, got.target),
                        "" if ok else "INTID/target differ")
        self.report.txlog(f"{cocotb.utils.get_sim_time('ns'):>10} ns  {what}  QEMU LPI {expect:#x} "
                          f"-> RTL LPI {got.intid:#x} target {got.target}")

    async def _lpi_after(self, n: int) -> None:
        while len(self.lpis.txns) <= n:
            await RisingEdge(self.dut.clk)
