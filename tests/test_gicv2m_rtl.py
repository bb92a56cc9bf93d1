"""Runs the cocotb GICv2m frame bench (tests/cocotb_gicv2m.py) for two SPI ranges."""

import pytest

from tb.runner import run_cocotb


@pytest.mark.sim
@pytest.mark.parametrize("spi_base,spi_count", [(80, 64), (32, 988)])
def test_gicv2m_frame(spi_base, spi_count):
    run_cocotb(toplevel="gicv2m_frame", sources=["gicv2m_frame.v"], test_module="cocotb_gicv2m",
               parameters={"SPI_BASE": spi_base, "SPI_COUNT": spi_count})
