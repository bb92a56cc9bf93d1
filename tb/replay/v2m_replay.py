"""Replays the GICv2m side of a captured boot (GIC=2) against hdl/gic/rtl/gicv2m_frame.v.

QEMU traces no GICv2m register access, so the capture holds, per MSI, the SMMU
translation that reached MSI_SETSPI_NS and the SPI QEMU's GIC raised. The message data
Linux wrote is what its compose rule gives for that SPI (pymodel.msi.
gicv2m_compose_msi_msg: data = hwirq, minus spi_offset on frames that need it). The
replay checks:
- the frame's MSI_TYPER, decoded as gicv2m_init_one does, gives the SPI range Linux
  printed at boot from QEMU's frame ("GICv2m: range[...], SPI[first:last]" in the
  capture's console.log: Linux's own record, not the project's);
- every MSI, written in capture order to MSI_SETSPI_NS, raises QEMU's SPI.
(The translation of each MSI to the frame's doorbell is checked by the SMMU replay.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge

from pymodel.gicv2m import msi_typer_decode
from pymodel.hwdefs import gicv2m as H
from pymodel.dma_iommu import Device
from pymodel.msi import V2mData, gicv2m_compose_msi_msg
from tb.gicv2m_tb import V2mTB
from tb.replay.capture import Capture, CaptureError
from tb.replay.report import ReplayReport
from tb.timeouts import wait_named

LINUX_V2M_LINE = re.compile(r"GICv2m: range\[mem (0x[0-9a-f]+)-0x[0-9a-f]+\], SPI\[(\d+):(\d+)\]")


def linux_v2m_range(cap: Capture) -> tuple[int, int, int]:
    """(frame base, first SPI, number of SPIs) as Linux reported QEMU's frame at boot."""
    console = cap.path / "console.log"
    m = LINUX_V2M_LINE.search(console.read_text(errors="replace")) if console.is_file() else None
    if not m:
        raise CaptureError(f"{console}: no 'GICv2m: range[...], SPI[...]' line from Linux")
    first, last = int(m.group(2)), int(m.group(3))
    return int(m.group(1), 16), first, last - first + 1


@dataclass
class V2mReplay:
    dut: object
    cap: Capture
    report: ReplayReport
    seed: int = 0

    async def run(self) -> ReplayReport:
        tb = V2mTB(self.dut, seed=self.seed)
        await tb.cycle_reset()
        base, first, count = linux_v2m_range(self.cap)
        typer = int.from_bytes((await tb.axi.read(H.MSI_TYPER, 4)).data, "little")
        got = msi_typer_decode(typer)
        self.report.feature("MSI_TYPER", f"decodes to SPIs {got[0]}+{got[1]}, Linux saw "
                            f"{first}+{count} on QEMU's frame", got == (first, count))
        v2m = V2mData(base=base, spi_start=first, nr_spis=count)
        for row in self.cap.rows("v2m_events"):
            spi = int(row["spi"])
            what = f"MSI seq {row['seq']} sid {row['smmu_sid']} -> SPI {spi}"
            try:
                # the data half of the compose; the address half (the IOVA over the
                # doorbell) is the SMMU replay's, so no domain is attached here
                dev = Device(f"sid{row['smmu_sid']}", stream_id=int(row["smmu_sid"], 16))
                data = gicv2m_compose_msi_msg(v2m, dev, spi).data
            except Exception as e:     # an SPI Linux could not have composed
                self.report.msi(what, spi, None, f"not composable: {e}")
                continue
            before = len(tb.mon.spis)
            await tb.axi.write(H.MSI_SETSPI_NS, data.to_bytes(4, "little"),
                               user=int(row["smmu_sid"], 16))
            try:
                await wait_named(self._spi_after(tb, before), f"the SPI of {what}", timeout_us=20)
            except TimeoutError as e:
                self.report.msi(what, spi, None, str(e))
                continue
            out = tb.mon.spis[before]
            self.report.msi(what, spi, out, "" if out == spi else "SPI differs")
            self.report.txlog(f"{cocotb.utils.get_sim_time('ns'):>10} ns  {what}  RTL SPI {out}")
        await ClockCycles(self.dut.clk, 2)
        tb.checker.check()
        return self.report

    async def _spi_after(self, tb: V2mTB, n: int) -> None:
        while len(tb.mon.spis) <= n:
            await RisingEdge(self.dut.clk)
