"""Runs the cocotb GICv2m frame bench (tests/cocotb_gicv2m.py) for SPI ranges Linux
accepts and one it rejects.

Linux v6.1 gicv2m_init_one refuses a frame unless is_msi_spi_valid(base, num):
base >= 32 (V2M_MIN_SPI), num != 0 and base + num <= 1019 (V2M_MAX_SPI). The verdict
below is written from that text, not computed by the model the bench checks.
"""

import pytest

from tb.runner import run_cocotb

V2M_CONFIGS = [
    # (SPI_BASE, SPI_COUNT, Linux accepts?, why)
    (80, 64, True, "QEMU virt's frame: SPIs 80..143"),
    (32, 987, True, "the largest range Linux takes: 32 + 987 = 1019"),
    (32, 988, False, "32 + 988 = 1020 > V2M_MAX_SPI 1019 (SPIs 32..1019: the architecture's "
                     "last SPI is 1019, Linux's check is one stricter)"),
]


@pytest.mark.sim
@pytest.mark.parametrize("spi_base,spi_count,linux_accepts,why", V2M_CONFIGS,
                         ids=["80+64", "32+987", "32+988-rejected"])
def test_gicv2m_frame(spi_base, spi_count, linux_accepts, why):
    run_cocotb(toplevel="gicv2m_frame", sources=["gicv2m_frame.v"], test_module="cocotb_gicv2m",
               parameters={"SPI_BASE": spi_base, "SPI_COUNT": spi_count},
               extra_env={"V2M_LINUX_ACCEPTS": "1" if linux_accepts else "0"})
