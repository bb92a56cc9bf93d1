"""GICv2m MSI frame reference model, in drivers/irqchip/irq-gic-v2m.c's words.

``msi_typer_decode`` is what gicv2m_init_one reads from MSI_TYPER; ``V2mReference``
predicts, for each write to MSI_SETSPI_NS, the SPI raised or the drop (and the
IMPLEMENTATION DEFINED counters of hdl/gicv2m_frame.v).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from pymodel.hwdefs import gicv2m as H


def msi_typer_value(spi_start: int, nr_spis: int) -> int:
    """MSI_TYPER as the frame reports it."""
    return ((spi_start << H.MSI_TYPER_BASE_LSB) | (nr_spis << H.MSI_TYPER_NUMBER_LSB))


def msi_typer_decode(typer: int) -> tuple[int, int]:
    """gicv2m_init_one: (spi_start, nr_spis) from MSI_TYPER (V2M_MSI_TYPER_BASE_SPI,
    V2M_MSI_TYPER_NUM_SPI). Message composition is pymodel.msi.gicv2m_compose_msi_msg."""
    return ((typer >> H.MSI_TYPER_BASE_LSB) & ((1 << H.MSI_TYPER_BASE_W) - 1),
            (typer >> H.MSI_TYPER_NUMBER_LSB) & ((1 << H.MSI_TYPER_NUMBER_W) - 1))


@dataclass
class V2mReference:
    """Predicts the frame's response to MSI_SETSPI_NS writes."""

    spi_start: int = 80
    nr_spis: int = 64
    dropped: int = 0
    delivered: int = 0
    history: list[Optional[int]] = field(default_factory=list)

    def setspi(self, data: int) -> Optional[int]:
        """A 32-bit write of `data`: returns the SPI INTID raised, or None (dropped).
        Only data[9:0] is the INTID, as the frame decodes it."""
        spi = (data >> H.MSI_SETSPI_LSB) & ((1 << H.MSI_SETSPI_W) - 1)
        out = spi if self.spi_start <= spi < self.spi_start + self.nr_spis else None
        if out is None:
            self.dropped += 1
        else:
            self.delivered += 1
        self.history.append(out)
        return out
