"""cocotb tests of hdl/gicv2m_frame.v against pymodel.gicv2m.V2mReference."""

from __future__ import annotations

import random

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge

from pymodel.gicv2m import V2mReference, msi_typer_decode, msi_typer_value
from pymodel.hwdefs import gicv2m as H
from tb.gicv2m_tb import V2mTB


def params(dut):
    return int(dut.SPI_BASE.value), int(dut.SPI_COUNT.value)


@cocotb.test()
async def registers_read_back(dut):
    tb = V2mTB(dut, seed=cocotb.RANDOM_SEED)
    await tb.cycle_reset()
    base, count = params(dut)
    typer = await tb.read32(H.MSI_TYPER)
    assert typer == msi_typer_value(base, count), f"MSI_TYPER {typer:#x}"
    assert msi_typer_decode(typer) == (base, count)
    assert await tb.read32(H.MSI_IIDR) == H.MSI_IIDR_VALUE
    assert await tb.read32(H.MSI_SETSPI_NS) == 0, "MSI_SETSPI_NS reads as zero"
    # a 4-beat burst read across TYPER: beat addresses step by 8
    data = (await tb.axi.read(0x000, 32)).data
    assert int.from_bytes(data[8:12], "little") == typer
    await RisingEdge(dut.clk)


@cocotb.test()
@cocotb.parametrize(pressure=[(0.0, 0.0, 1.0), (0.3, 0.3, 0.4)])
async def setspi_in_and_out_of_range(dut, pressure):
    p_idle, p_bp, p_ready = pressure
    seed = cocotb.RANDOM_SEED
    cocotb.log.info(f"SEED={seed}")
    rng = random.Random(seed)
    tb = V2mTB(dut, seed=seed, p_ready=p_ready)
    tb.set_idle_generator(p_idle)
    tb.set_backpressure_generator(p_bp)
    await tb.cycle_reset()
    base, count = params(dut)
    ref = V2mReference(base, count)
    values = [0, base - 1, base, base + count - 1, base + count, 1023, 0x400 + base]
    values += [rng.randrange(1 << 11) for _ in range(40)]
    values += [rng.randrange(base, base + count) for _ in range(40)]
    expected = [s for s in (ref.setspi(v) for v in values) if s is not None]
    for i, v in enumerate(values):
        # any device (awuser) can raise any SPI: GICv2m cannot tell them apart
        await tb.axi.write(H.MSI_SETSPI_NS, v.to_bytes(4, "little"), user=rng.randrange(1 << 16),
                           awid=i % 4)
    await tb.mon.wait_count(len(expected))
    await ClockCycles(dut.clk, 20)
    assert tb.mon.spis == expected, f"SPIs {tb.mon.spis} != {expected}"
    assert await tb.read32(H.MSI_DROPPED) == ref.dropped
    assert await tb.read32(H.MSI_DELIVERED) == ref.delivered
    await RisingEdge(dut.clk)


@cocotb.test()
async def bursts_and_other_offsets(dut):
    tb = V2mTB(dut, seed=cocotb.RANDOM_SEED)
    await tb.cycle_reset()
    base, count = params(dut)
    ref = V2mReference(base, count)
    # 16-byte burst from 0x38: beat 0 at 0x38 (not SETSPI), beat 1 at 0x40 (SETSPI)
    spi = base + count // 2
    data = (0xDEAD).to_bytes(8, "little") + spi.to_bytes(4, "little") + bytes(4)
    await tb.axi.write(0x38, data)
    ref.setspi(spi)
    # writes elsewhere, and a 1-byte write to SETSPI, raise nothing
    await tb.axi.write(0x44, spi.to_bytes(4, "little"))
    await tb.axi.write(H.MSI_TYPER, spi.to_bytes(4, "little"))
    await tb.axi.write(H.MSI_SETSPI_NS, bytes([spi & 0xFF]))
    await tb.mon.wait_count(1)
    await ClockCycles(dut.clk, 20)
    assert tb.mon.spis == [spi]
    assert await tb.read32(H.MSI_DELIVERED) == ref.delivered == 1
    assert await tb.read32(H.MSI_DROPPED) == ref.dropped == 0
    assert await tb.read32(H.MSI_TYPER) == msi_typer_value(base, count), "MSI_TYPER is read-only"
    await RisingEdge(dut.clk)


@cocotb.test()
async def wait_named_reports_what_it_waited_for(dut):
    """tb.timeouts: a wait that runs out raises WaitTimeout naming the awaited thing;
    one that completes returns the awaitable's result."""
    from cocotb.triggers import Event
    from cocotb.utils import get_sim_time

    from tb.timeouts import WaitTimeout, wait_named
    tb = V2mTB(dut, seed=cocotb.RANDOM_SEED)
    await tb.cycle_reset()
    t0 = get_sim_time("ns")
    try:
        await wait_named(Event().wait(), "an SPI that never comes", timeout_us=1.5)
    except WaitTimeout as exc:
        assert str(exc) == "timed out after 1.5 us waiting for an SPI that never comes", str(exc)
        assert isinstance(exc, TimeoutError)
    else:
        raise AssertionError("wait_named did not time out")
    assert get_sim_time("ns") - t0 == 1500, "timed out at the wrong time"
    typer = await wait_named(tb.read32(H.MSI_TYPER), "MSI_TYPER read", 10)
    assert typer == msi_typer_value(*params(dut))
    await RisingEdge(dut.clk)
