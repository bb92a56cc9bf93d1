"""MSI messages and the two GIC MSI controllers' compose_msi_msg callbacks. In
4.9.0 each compose ends by handing the message to iommu_dma_map_msi_msg(), which
swizzles the doorbell address into an IOVA when the device sits behind an IOMMU
DMA domain. From 5.2.1 the irqchip's irq_domain_alloc calls
iommu_dma_prepare_msi() on the doorbell (`*_irq_domain_alloc` below, returning
the msi_desc), and compose ends with iommu_dma_compose_msi_msg(desc); composing
without that desc under such a kernel raises kversion.KernelFeatureMissing,
since iommu_dma_map_msi_msg() no longer exists there.

  drivers/irqchip/irq-gic-v2m.c     gicv2m_compose_msi_msg(), gicv2m_irq_domain_alloc()
  drivers/irqchip/irq-gic-v3-its.c  its_irq_compose_msi_msg(), its_irq_domain_alloc()

Register offsets come from pymodel.hwdefs (MSI_SETSPI_NS, GITS_TRANSLATER).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from pymodel import dma_iommu
from pymodel.dma_iommu import Device, lower_32_bits, upper_32_bits
from pymodel.hwdefs import gicv2m as V2M
from pymodel.hwdefs import its as ITS
from pymodel.hwdefs import system

U32 = (1 << 32) - 1

# irq-gic-v2m.c: frame IIDRs with the "data is relative" errata
XGENE_GICV2M_MSI_IIDR = 0x06000170     # APM X-Gene: data = SPI - spi_start
BCM_NS2_GICV2M_MSI_IIDR = 0x0000013F   # Broadcom NS2: data = SPI - 32
GICV2M_NEEDS_SPI_OFFSET = 1 << 0       # v2m->flags


class MsiComposeError(ValueError):
    """An interrupt number the controller never hands out (bad model input)."""


@dataclass
class MsiMsg:
    """struct msi_msg"""
    address_lo: int = 0
    address_hi: int = 0
    data: int = 0

    @property
    def address(self) -> int:
        return ((self.address_hi & U32) << 32) | (self.address_lo & U32)

    def is_failed(self) -> bool:
        """The ~0 pattern iommu_dma_map_msi_msg writes on failure."""
        return self.address_hi == U32 and self.address_lo == U32 and self.data == U32

    def __str__(self) -> str:
        return (f"address_hi={self.address_hi:#010x} address_lo={self.address_lo:#010x} "
                f"data={self.data:#x}")


# --- GICv2m ---------------------------------------------------------------------

@dataclass
class V2mData:
    """struct v2m_data: one MSI frame at res.start with SPIs
    [spi_start, spi_start + nr_spis). `flags` / `spi_offset` follow
    gicv2m_init_one(): see `from_iidr`."""
    base: int = system.GICV2M_BASE
    spi_start: int = system.GICV2M_SPI_BASE
    nr_spis: int = system.GICV2M_SPI_COUNT
    flags: int = 0
    spi_offset: int = 0

    @classmethod
    def from_iidr(cls, iidr: int, base: int = system.GICV2M_BASE,
                  spi_start: int = system.GICV2M_SPI_BASE,
                  nr_spis: int = system.GICV2M_SPI_COUNT) -> "V2mData":
        """gicv2m_init_one(): X-Gene frames want data relative to spi_start,
        Broadcom NS2 frames data relative to 32 (GICV2M_NEEDS_SPI_OFFSET). Both
        cases are already in 4.9.0's irq-gic-v2m.c."""
        v2m = cls(base, spi_start, nr_spis)
        if iidr == XGENE_GICV2M_MSI_IIDR:
            v2m.flags |= GICV2M_NEEDS_SPI_OFFSET
            v2m.spi_offset = spi_start
        elif iidr == BCM_NS2_GICV2M_MSI_IIDR:
            v2m.flags |= GICV2M_NEEDS_SPI_OFFSET
            v2m.spi_offset = 32
        return v2m

    @property
    def doorbell(self) -> int:
        return self.base + V2M.MSI_SETSPI_NS


def _iommu_hook(dev: Device, msg: MsiMsg, desc: Optional[dma_iommu.MsiDesc]) -> None:
    """4.9's iommu_dma_map_msi_msg() hook, or with an MsiDesc from
    *_irq_domain_alloc (5.2.1, 6.1) the compose half of the split API."""
    if desc is not None:
        dma_iommu.iommu_dma_compose_msi_msg(desc, msg)
    else:
        dma_iommu.iommu_dma_map_msi_msg(dev, msg)


def gicv2m_irq_domain_alloc(v2m: V2mData, dev: Device) -> tuple[int, dma_iommu.MsiDesc]:
    """gicv2m_irq_domain_alloc() (5.2.1, 6.1): iommu_dma_prepare_msi() on the
    frame's doorbell before the IRQ exists; a non-zero return fails the allocation."""
    desc = dma_iommu.MsiDesc(dev)
    return dma_iommu.iommu_dma_prepare_msi(desc, v2m.doorbell), desc


def gicv2m_compose_msi_msg(v2m: V2mData, dev: Device, hwirq: int,
                           msg: Optional[MsiMsg] = None,
                           desc: Optional[dma_iommu.MsiDesc] = None) -> MsiMsg:
    """gicv2m_compose_msi_msg(): address = frame + MSI_SETSPI_NS, data = the SPI
    (minus spi_offset with GICV2M_NEEDS_SPI_OFFSET), then 4.9's
    iommu_dma_map_msi_msg() hook (5.2.1 / 6.1: iommu_dma_compose_msi_msg(desc)
    with `desc` from gicv2m_irq_domain_alloc). hwirq is the SPI INTID."""
    if not v2m.spi_start <= hwirq < v2m.spi_start + v2m.nr_spis:
        raise MsiComposeError(
            f"SPI {hwirq} outside the frame's [{v2m.spi_start}, {v2m.spi_start + v2m.nr_spis})")
    msg = msg if msg is not None else MsiMsg()
    addr = v2m.doorbell
    msg.address_hi = upper_32_bits(addr)
    msg.address_lo = lower_32_bits(addr)
    msg.data = hwirq
    if v2m.flags & GICV2M_NEEDS_SPI_OFFSET:
        msg.data = (msg.data - v2m.spi_offset) & U32
    _iommu_hook(dev, msg, desc)
    return msg


# --- GICv3 ITS ------------------------------------------------------------------

@dataclass
class ItsNode:
    """struct its_node: phys_base is the ITS control frame's base."""
    phys_base: int = system.ITS_BASE

    @property
    def doorbell(self) -> int:
        return self.phys_base + ITS.GITS_TRANSLATER


@dataclass
class ItsDevice:
    """struct its_device: a DeviceID with nr_ites events whose LPIs start at
    lpi_base (event_map.lpi_base)."""
    its: ItsNode
    dev: Device
    device_id: int
    lpi_base: int = ITS.LPI_MIN_INTID
    nr_ites: int = 32

    def event_id(self, hwirq: int) -> int:
        """its_get_event_id(): hwirq - lpi_base."""
        event = hwirq - self.lpi_base
        if not 0 <= event < self.nr_ites:
            raise MsiComposeError(
                f"LPI {hwirq} is not one of device {self.device_id:#x}'s "
                f"[{self.lpi_base}, {self.lpi_base + self.nr_ites})")
        return event


def its_irq_domain_alloc(its_dev: ItsDevice) -> tuple[int, dma_iommu.MsiDesc]:
    """its_irq_domain_alloc() (5.2.1, 6.1): iommu_dma_prepare_msi() on the ITS
    doorbell (its->get_msi_base(its_dev))."""
    desc = dma_iommu.MsiDesc(its_dev.dev)
    return dma_iommu.iommu_dma_prepare_msi(desc, its_dev.its.doorbell), desc


def its_irq_compose_msi_msg(its_dev: ItsDevice, hwirq: int,
                            msg: Optional[MsiMsg] = None,
                            desc: Optional[dma_iommu.MsiDesc] = None) -> MsiMsg:
    """its_irq_compose_msi_msg(): address = ITS base + GITS_TRANSLATER,
    data = event id, then 4.9's iommu_dma_map_msi_msg() hook (5.2.1 / 6.1:
    iommu_dma_compose_msi_msg(desc) with `desc` from its_irq_domain_alloc)."""
    msg = msg if msg is not None else MsiMsg()
    addr = its_dev.its.phys_base + ITS.GITS_TRANSLATER          # its->get_msi_base()
    msg.address_lo = addr & U32                                 # lower_32_bits
    msg.address_hi = (addr >> 32) & U32                         # upper_32_bits
    msg.data = its_dev.event_id(hwirq)
    if desc is not None:
        dma_iommu.iommu_dma_compose_msi_msg(desc, msg)
    else:
        dma_iommu.iommu_dma_map_msi_msg(its_dev.dev, msg)
    return msg


def its_compose_msi_msg(its: ItsNode, dev: Device, event_id: int,
                        msg: Optional[MsiMsg] = None) -> MsiMsg:
    """Convenience: the ITS message for `event_id` of `dev` (no LPI bookkeeping)."""
    if not 0 <= event_id <= U32:
        raise MsiComposeError(f"event id {event_id} is not a u32")
    its_dev = ItsDevice(its, dev, dev.stream_id, lpi_base=ITS.LPI_MIN_INTID,
                        nr_ites=event_id + 1)
    return its_irq_compose_msi_msg(its_dev, ITS.LPI_MIN_INTID + event_id, msg)


# --- MSI isolation (what VFIO checks before giving a group to user space) -------------

@dataclass(frozen=True)
class MsiController:
    """An irq domain that receives MSIs. `isolated_msi` is IRQ_DOMAIN_FLAG_MSI_REMAP
    (v4.11) / IRQ_DOMAIN_ISOLATED_MSI (v6.2): the controller tells writers apart, as
    the ITS does with the DeviceID the SMMU passes on. A GICv2m frame cannot: any
    device that can reach its doorbell can raise any of its SPIs."""

    name: str
    isolated_msi: bool


GICV3_ITS = MsiController("GICv3-ITS", isolated_msi=True)
GICV2M = MsiController("GICv2m", isolated_msi=False)


def iommu_group_has_isolated_msi(msi_controllers) -> bool:
    """iommu_group_has_isolated_msi() (v6.2; v4.11's irq_domain_check_msi_remap()
    asked the same system-wide): True when every MSI controller the group's devices
    signal through isolates MSIs. `None` entries are devices with no MSI yet."""
    return all(c is None or c.isolated_msi for c in msi_controllers)
