"""GICv2m MSI frame reference model, in drivers/irqchip/irq-gic-v2m.c's words.

``msi_typer_decode`` is what gicv2m_init_one reads from MSI_TYPER and
``is_msi_spi_valid`` the check it then makes (v6.1); ``V2mReference`` predicts, for
each write to MSI_SETSPI_NS, the SPI raised or the drop (and the IMPLEMENTATION
DEFINED counters of hdl/gic/rtl/gicv2m_frame.v).

The write is decoded from the architecture, not from the RTL: the frame's
MSI_SETSPI_NS is the model of GICv3's GICD_SETSPI_NSR / GICM_SETSPI_NSR, whose value is
the INTID of the SPI (bits [9:0]; bits [31:10] RES0), which must support 32-bit
accesses and 16-bit accesses to bits [15:0], and on which a write "has no effect"
when the value written specifies an invalid SPI. So the INTID is the whole value
written (a 16-bit write: zero-extended), and a value with any of bits [31:10] set
names no SPI of the frame.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from typing import Optional

from pymodel.hwdefs import gicv2m as H

V2M_MIN_SPI = 32        # irq-gic-v2m.c (v6.1)
V2M_MAX_SPI = 1019

# byte strobes of the two architected accesses to MSI_SETSPI_NS
STRB_32 = 0xF
STRB_16_LOW = 0x3


def msi_typer_value(spi_start: int, nr_spis: int) -> int:
    """MSI_TYPER as the frame reports it."""
    return ((spi_start << H.MSI_TYPER_BASE_LSB) | (nr_spis << H.MSI_TYPER_NUMBER_LSB))


def msi_typer_decode(typer: int) -> tuple[int, int]:
    """gicv2m_init_one: (spi_start, nr_spis) from MSI_TYPER (V2M_MSI_TYPER_BASE_SPI,
    V2M_MSI_TYPER_NUM_SPI). Message composition is pymodel.msi.gicv2m_compose_msi_msg."""
    return ((typer >> H.MSI_TYPER_BASE_LSB) & ((1 << H.MSI_TYPER_BASE_W) - 1),
            (typer >> H.MSI_TYPER_NUMBER_LSB) & ((1 << H.MSI_TYPER_NUMBER_W) - 1))


def is_msi_spi_valid(base: int, num: int) -> bool:
    """is_msi_spi_valid (v6.1): base >= 32, num > 0 and base + num <= 1019.
    (Stricter by one than the architecture, whose last SPI is INTID 1019: a frame
    ending at 1019, e.g. 32 + 988, is architecturally fine and rejected by Linux.)"""
    return base >= V2M_MIN_SPI and num != 0 and base + num <= V2M_MAX_SPI


def gicv2m_init_one(typer: int) -> int:
    """The MSI_TYPER part of gicv2m_init_one: 0, or -EINVAL when the frame's SPI
    range fails is_msi_spi_valid (the driver then unmaps the frame)."""
    spi_start, nr_spis = msi_typer_decode(typer)
    return 0 if is_msi_spi_valid(spi_start, nr_spis) else -errno.EINVAL


@dataclass
class V2mReference:
    """Predicts the frame's response to MSI_SETSPI_NS writes."""

    spi_start: int = 80
    nr_spis: int = 64
    dropped: int = 0
    delivered: int = 0
    history: list[Optional[int]] = field(default_factory=list)

    def setspi(self, data: int, strobes: int = STRB_32) -> Optional[int]:
        """A write of `data` (the 32-bit lane of MSI_SETSPI_NS) with byte `strobes`:
        returns the SPI INTID raised, or None. A 32-bit or low 16-bit write whose
        value is not an SPI of the frame is dropped (counted in MSI_DROPPED); any
        other access size is not an MSI_SETSPI_NS write (ignored, not counted)."""
        if strobes == STRB_32:
            intid = data & 0xFFFF_FFFF
        elif strobes == STRB_16_LOW:
            intid = data & 0xFFFF
        else:
            return None
        out = intid if self.spi_start <= intid < self.spi_start + self.nr_spis else None
        if out is None:
            self.dropped += 1
        else:
            self.delivered += 1
        self.history.append(out)
        return out
