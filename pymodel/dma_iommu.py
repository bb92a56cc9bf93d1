"""drivers/iommu/dma-iommu.c as in 4.9.0, with the 4.10.0 / 4.11.0 / seed-v5 /
5.2.1 / 6.1.141 variants the `pymodel.kversion` switch selects, plus the few iommu
core pieces it calls (drivers/iommu/iommu.c: iommu_map, iommu_unmap,
iommu_iova_to_phys, iommu_get_domain_for_dev) and the PCI facts it reads
(dev_is_pci, the host bridge's windows and dma_ranges, pci_dev->untrusted).

Read it beside the C: functions carry the kernel's names, return the kernel's
values (0 / -errno, DMA_ERROR_CODE for a failed map), and struct fields keep
their names (iova_cookie, msi_page_list, msi_lock, iovad, pfn_lo ...).

Where the C takes an `int irq` (iommu_dma_map_msi_msg) the model takes the
`Device` the irq's msi_desc points at; there is no irq descriptor layer. A call
to a function the cookie's kernel does not have raises
`kversion.KernelFeatureMissing`.
Where the kernel would oops (a DMA API call on a device with no domain), the
model raises `DmaIommuError` naming the offending value.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Optional

from pymodel import kversion
from pymodel.hwdefs import system
from pymodel.io_pgtable_arm import ArmLpaeS1
from pymodel.iova import (IOVA_RANGE_CACHE_MAX_SIZE, AnyIovaDomain, Iova, IovaDomainV415,
                          _roundup_pow_of_two, init_iova_domain, iova_size)
from pymodel.linux_defs import (DMA_ERROR_CODE, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM,
                            IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_WRITE)
from pymodel.memory import MemoryImage, TablePageAllocator

U32 = (1 << 32) - 1
U64 = (1 << 64) - 1

# include/linux/iommu.h (v4.9) domain types
__IOMMU_DOMAIN_PAGING = 1 << 0     # noqa: N816 - kernel names
__IOMMU_DOMAIN_DMA_API = 1 << 1    # noqa: N816
__IOMMU_DOMAIN_PT = 1 << 2         # noqa: N816
IOMMU_DOMAIN_BLOCKED = 0
IOMMU_DOMAIN_IDENTITY = __IOMMU_DOMAIN_PT
IOMMU_DOMAIN_UNMANAGED = __IOMMU_DOMAIN_PAGING
IOMMU_DOMAIN_DMA = __IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API
_DOMAIN_PAGING = __IOMMU_DOMAIN_PAGING   # (a __name would be mangled inside the class)

# enum iommu_dma_cookie_type (4.11.0 on; a 4.9.0 / 4.10.0 cookie is always the IOVA kind)
IOMMU_DMA_IOVA_COOKIE = 0
IOMMU_DMA_MSI_COOKIE = 1

# The prot iommu_dma_get_msi_page() maps doorbells with
MSI_PAGE_PROT = IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO

PAGE_SIZE = 4096                   # arm64 with 4K pages: cookie_msi_granule() of an MSI cookie

# Where a default IommuDomain keeps its page tables: the top 16 MiB of modelled RAM
DEFAULT_TABLE_POOL_SIZE = 0x0100_0000
DEFAULT_TABLE_POOL_BASE = system.RAM_BASE + system.RAM_SIZE - DEFAULT_TABLE_POOL_SIZE


def DMA_BIT_MASK(n: int) -> int:  # noqa: N802 - kernel macro name
    return U64 if n == 64 else (1 << n) - 1


def upper_32_bits(x: int) -> int:
    return (x >> 32) & U32


def lower_32_bits(x: int) -> int:
    return x & U32


def _ffs(x: int) -> int:
    """__ffs(): 0-based index of the least significant set bit."""
    return (x & -x).bit_length() - 1


def _fls(x: int) -> int:
    """__fls(): 0-based index of the most significant set bit."""
    return x.bit_length() - 1


class DmaIommuError(RuntimeError):
    """A call the kernel would oops or BUG on (e.g. DMA API on a device with no
    IOMMU domain, or on a domain with no IOVA cookie)."""


# --- struct iommu_domain / struct device -------------------------------------------

@dataclass
class IommuDomainGeometry:
    """struct iommu_domain_geometry"""
    aperture_start: int = 0
    aperture_end: int = 0
    force_aperture: bool = False


class IommuDomain:
    """struct iommu_domain of an arm-smmu stage-1 context: its io-pgtable
    (`pgtbl`, an ArmLpaeS1), pgsize_bitmap from that table, and the geometry
    arm_smmu_init_domain_context() sets (aperture_end = (1 << ias) - 1,
    force_aperture = true). `memory` / `table_alloc` let a testbench share the
    table memory with the RTL; by default a private image and a pool in the top
    16 MiB of RAM are used. `behaviour` picks the io-pgtable-arm.c the SMMU
    driver of that kernel builds (descriptor bits, MAIR, TCR); `coherent_walk`
    is the SMMU's coherent table walk feature (IDR0.COHACC / smmu-v2 coherency)."""

    def __init__(self, memory: Optional[MemoryImage] = None,
                 table_alloc: Optional[TablePageAllocator] = None,
                 ias: int = 48, oas: int = 48, type: int = IOMMU_DOMAIN_DMA,
                 name: str = "domain",
                 behaviour: kversion.KernelBehaviour | str = kversion.DEFAULT,
                 coherent_walk: bool = True):
        if memory is None:
            memory = table_alloc.memory if table_alloc is not None else MemoryImage()
        if table_alloc is None:
            table_alloc = TablePageAllocator(memory, DEFAULT_TABLE_POOL_BASE,
                                             DEFAULT_TABLE_POOL_SIZE)
        self.name = name
        self.type = type
        self.memory = memory
        behaviour = kversion.behaviour(behaviour)
        self.pgtbl = ArmLpaeS1(memory, table_alloc, ias=ias, oas=oas,
                               flavour=behaviour.pgtable, coherent_walk=coherent_walk)
        self.behaviour = behaviour
        self.pgsize_bitmap: int = self.pgtbl.pgsize_bitmap
        self.geometry = IommuDomainGeometry(0, (1 << ias) - 1, True)
        self.iova_cookie: Optional[IommuDmaCookie] = None

    def __repr__(self) -> str:
        return f"IommuDomain({self.name!r}, ttbr={self.pgtbl.ttbr:#x})" if self.pgtbl else \
            f"IommuDomain({self.name!r}, freed)"

    # drivers/iommu/iommu.c --------------------------------------------------------
    def _iommu_pgsize(self, addr_merge: int, size: int) -> int:
        """iommu_pgsize(): the biggest supported page that fits size and alignment."""
        pgsize_idx = _fls(size)
        if addr_merge:
            pgsize_idx = min(pgsize_idx, _ffs(addr_merge))
        pgsize = ((1 << (pgsize_idx + 1)) - 1) & self.pgsize_bitmap
        if not pgsize:
            raise DmaIommuError(f"BUG: no page size for addr {addr_merge:#x} size {size:#x}")
        return 1 << _fls(pgsize)

    def iommu_map(self, iova: int, paddr: int, size: int, prot: int) -> int:
        """iommu_map(): 0 or -errno; a partial mapping is unrolled on failure."""
        if self.pgtbl is None or self.pgsize_bitmap == 0:
            return -ENODEV
        if not (self.type & _DOMAIN_PAGING):
            return -EINVAL
        min_pagesz = 1 << _ffs(self.pgsize_bitmap)
        if (iova | paddr | size) & (min_pagesz - 1):
            return -EINVAL                      # "unaligned: iova ... min_pagesz ..."
        orig_iova, orig_size = iova, size
        ret = 0
        while size:
            pgsize = self._iommu_pgsize(iova | paddr, size)
            ret = self.pgtbl.arm_lpae_map(iova, paddr, pgsize, prot)   # arm_smmu_map
            if ret:
                break
            iova += pgsize
            paddr += pgsize
            size -= pgsize
        if ret:
            self.iommu_unmap(orig_iova, orig_size - size)
        return ret

    def iommu_unmap(self, iova: int, size: int) -> int:
        """iommu_unmap(): bytes unmapped (stops at the first hole). The kernel
        returns -ENODEV / -EINVAL cast to size_t; the model returns them negative."""
        if self.pgtbl is None or self.pgsize_bitmap == 0:
            return -ENODEV
        if not (self.type & _DOMAIN_PAGING):
            return -EINVAL
        min_pagesz = 1 << _ffs(self.pgsize_bitmap)
        if (iova | size) & (min_pagesz - 1):
            return -EINVAL
        unmapped = 0
        while unmapped < size:
            pgsize = self._iommu_pgsize(iova, size - unmapped)
            unmapped_page = self.pgtbl.arm_lpae_unmap(iova, pgsize)   # arm_smmu_unmap
            if not unmapped_page:
                break
            iova += unmapped_page
            unmapped += unmapped_page
        return unmapped

    def iova_to_phys(self, iova: int) -> int:
        """iommu_iova_to_phys(): 0 if unmapped."""
        if self.pgtbl is None:
            return 0
        return self.pgtbl.iova_to_phys(iova)


def iommu_map(domain: IommuDomain, iova: int, paddr: int, size: int, prot: int) -> int:
    return domain.iommu_map(iova, paddr, size, prot)


def iommu_unmap(domain: IommuDomain, iova: int, size: int) -> int:
    return domain.iommu_unmap(iova, size)


def iommu_iova_to_phys(domain: IommuDomain, iova: int) -> int:
    return domain.iova_to_phys(iova)


def iommu_domain_free(domain: IommuDomain) -> None:
    """iommu_domain_free() -> arm_smmu_domain_free(): put the DMA cookie, then
    free_io_pgtable_ops() frees every table page (so nothing stays mapped)."""
    iommu_put_dma_cookie(domain)
    if domain.pgtbl is not None:
        domain.pgtbl.free_pgtable()
        domain.pgtbl = None


# --- struct device / struct pci_dev / struct pci_host_bridge ----------------------------

IORESOURCE_IO = 0x00000100         # include/linux/ioport.h resource types
IORESOURCE_MEM = 0x00000200


@dataclass(frozen=True)
class ResourceEntry:
    """struct resource_entry of a host bridge: res (type, start, end) and the
    offset between CPU and bus addresses (window->offset)."""
    type: int
    start: int
    end: int
    offset: int = 0


@dataclass
class PciHostBridge:
    """struct pci_host_bridge: the apertures it forwards (windows) and, from 5.x
    DT/ACPI, the inbound DMA ranges it accepts (dma_ranges)."""
    windows: list[ResourceEntry] = field(default_factory=list)
    dma_ranges: list[ResourceEntry] = field(default_factory=list)


# QEMU virt's PCIe host bridge, as Linux 6.1 lists it in the capture's dmesg ("root bus
# resource"); CPU and bus addresses are equal, so every offset is 0:
# I/O 0x0-0xffff, 32-bit MMIO 0x10000000-0x3efeffff, 64-bit MMIO 0x80_0000_0000-0xff_ffff_ffff
QEMU_VIRT_HOST_BRIDGE = PciHostBridge(windows=[
    ResourceEntry(IORESOURCE_IO, 0x0, 0xFFFF),            # port numbers = bus addresses
    ResourceEntry(IORESOURCE_MEM, 0x1000_0000, 0x3EFE_FFFF),
    ResourceEntry(IORESOURCE_MEM, 0x80_0000_0000, 0xFF_FFFF_FFFF)])


@dataclass(eq=False)
class Device:
    """The parts of struct device the DMA layer reads: a name, the SMMU
    StreamID (iommu_fwspec->ids[0]), *dma_mask, the bus limit, and the attached
    domain (the iommu_group's domain). A PCI device (dev_is_pci) carries its
    host bridge and pci_dev->untrusted."""
    name: str
    stream_id: int = 0
    dma_mask: Optional[int] = DMA_BIT_MASK(32)
    domain: Optional[IommuDomain] = None
    pci: bool = False
    bridge: Optional[PciHostBridge] = None
    untrusted: bool = False
    bus_dma_limit: int = 0          # dev->bus_dma_mask (5.2.1) / bus_dma_limit (6.1); 0 = none

    def __post_init__(self) -> None:
        if not self.pci and (self.bridge is not None or self.untrusted):
            raise DmaIommuError(f"{self!r}: a host bridge / untrusted flag needs pci=True")
        if self.pci and self.bridge is None:
            self.bridge = PciHostBridge()

    def __repr__(self) -> str:
        kind = "PciDevice" if self.pci else "Device"
        return f"{kind}({self.name!r}, sid={self.stream_id:#x})"


def PciDevice(name: str, stream_id: int = 0, **kw) -> Device:  # noqa: N802 - reads as a type
    """A Device on a PCI bus (dev_is_pci() is true)."""
    return Device(name, stream_id, pci=True, **kw)


def dev_is_pci(dev: Optional[Device]) -> bool:
    return dev is not None and dev.pci


def dev_is_untrusted(dev: Device, behaviour: kversion.KernelBehaviour) -> bool:
    """dev_is_untrusted() (6.1): dev_is_pci(dev) && to_pci_dev(dev)->untrusted."""
    kversion.require(behaviour, behaviour.has_untrusted, "dev_is_untrusted()",
                     "6.1; 5.2.1's dma-iommu.c has no untrusted devices")
    return dev_is_pci(dev) and dev.untrusted


def iommu_attach_device(domain: IommuDomain, dev: Device) -> int:
    """iommu_attach_device(): 0."""
    dev.domain = domain
    return 0


def iommu_detach_device(domain: IommuDomain, dev: Device) -> None:
    if dev.domain is domain:
        dev.domain = None


def iommu_get_domain_for_dev(dev: Device) -> Optional[IommuDomain]:
    return dev.domain


def dma_get_mask(dev: Device) -> int:
    """dma_get_mask(): *dev->dma_mask, or DMA_BIT_MASK(32) when unset/zero."""
    if dev is not None and dev.dma_mask:
        return dev.dma_mask
    return DMA_BIT_MASK(32)


# --- struct iommu_dma_cookie / struct iommu_dma_msi_page ----------------------------

@dataclass(eq=False)
class IommuDmaMsiPage:
    """struct iommu_dma_msi_page. `phys` is the page-aligned doorbell page that
    is mapped. The seed's v5 kept the first message's raw address instead and
    matched on it: `phys_hi` / `phys_lo` hold that for the SEED_V5 lookup."""
    iova: int
    phys: int
    phys_hi: int = 0
    phys_lo: int = 0


@dataclass(eq=False)
class IommuDmaCookie:
    """struct iommu_dma_cookie. `iovad` is None until iommu_dma_init_domain()
    (the kernel's zeroed iova_domain with granule 0); `msi_iova` is the linear
    allocator of an MSI cookie (4.11.0 on). `behaviour` is the kversion switch.
    fq_domain stays NULL: the model is strict (no flush queue)."""
    type: int = IOMMU_DMA_IOVA_COOKIE
    iovad: Optional[AnyIovaDomain] = None
    msi_iova: int = 0
    msi_page_list: list[IommuDmaMsiPage] = field(default_factory=list)   # list_add: head first
    msi_lock: threading.Lock = field(default_factory=threading.Lock)
    behaviour: kversion.KernelBehaviour = kversion.DEFAULT

    @property
    def lock(self) -> threading.Lock:
        return self.msi_lock


def cookie_msi_granule(cookie: IommuDmaCookie) -> int:
    """cookie_msi_granule(): the IOVA granule, or PAGE_SIZE for an MSI cookie."""
    if cookie.type == IOMMU_DMA_IOVA_COOKIE:
        if cookie.iovad is None:
            raise DmaIommuError("IOVA cookie used before iommu_dma_init_domain()")
        return cookie.iovad.granule
    return PAGE_SIZE


def cookie_iovad(domain: IommuDomain) -> Optional[AnyIovaDomain]:
    cookie = domain.iova_cookie
    if cookie is None or cookie.type != IOMMU_DMA_IOVA_COOKIE:
        return None
    return cookie.iovad


def iommu_get_dma_cookie(domain: IommuDomain,
                         behaviour: kversion.KernelBehaviour | str = kversion.DEFAULT) -> int:
    """iommu_get_dma_cookie(): 0, or -EEXIST if the domain already has one.
    `behaviour` picks the kernel whose DMA and MSI handling the cookie follows."""
    behaviour = kversion.behaviour(behaviour)
    if domain.iova_cookie is not None:
        return -EEXIST
    domain.iova_cookie = IommuDmaCookie(IOMMU_DMA_IOVA_COOKIE, behaviour=behaviour)
    return 0


def iommu_get_msi_cookie(domain: IommuDomain, base: int,
                         behaviour: kversion.KernelBehaviour | str = kversion.V4_11) -> int:
    """iommu_get_msi_cookie() (4.11.0 on): VFIO's cookie for an UNMANAGED domain;
    MSI pages are taken linearly from `base` upwards, no IOVA allocator."""
    behaviour = kversion.behaviour(behaviour)
    kversion.require(behaviour, behaviour.has_msi_cookie, "iommu_get_msi_cookie()",
                     "added in 4.11.0")
    if domain.type != IOMMU_DOMAIN_UNMANAGED:
        return -EINVAL
    if domain.iova_cookie is not None:
        return -EEXIST
    domain.iova_cookie = IommuDmaCookie(IOMMU_DMA_MSI_COOKIE, msi_iova=base & U64,
                                        behaviour=behaviour)
    return 0


def iommu_put_dma_cookie(domain: IommuDomain) -> None:
    """iommu_put_dma_cookie(): release the IOVA domain and free every
    iommu_dma_msi_page. As in the kernel, the MSI pages' *mappings* are not
    touched here: the page tables go with the domain (iommu_domain_free)."""
    cookie = domain.iova_cookie
    if cookie is None:
        return
    if cookie.type == IOMMU_DMA_IOVA_COOKIE and cookie.iovad is not None:
        cookie.iovad.put_iova_domain()
    cookie.msi_page_list.clear()
    domain.iova_cookie = None


# --- iommu_dma_init_domain and the PCI reservations ---------------------------------

def iova_reserve_pci_windows(dev: Device, iovad: AnyIovaDomain,
                             behaviour: kversion.KernelBehaviour) -> int:
    """iova_reserve_pci_windows(): keep the host bridge's windows out of the
    IOVA space (peer-to-peer addresses). 4.9.0-4.12 reserve I/O and memory
    windows; 5.2.1 and 6.1 memory windows only, then every gap between the
    bridge's dma_ranges and above the last one. 0, or -EINVAL for dma_ranges out of
    order (5.2.1 also for two ranges that touch; 6.1 sorts them first)."""
    bridge = dev.bridge
    for window in bridge.windows:
        if window.type != IORESOURCE_MEM and not (
                behaviour.pci_windows_io and window.type == IORESOURCE_IO):
            continue
        lo = iovad.iova_pfn((window.start - window.offset) & U64)
        hi = iovad.iova_pfn((window.end - window.offset) & U64)
        iovad.reserve_iova(lo, hi)
    if not behaviour.pci_dma_ranges:
        return 0
    ranges = list(bridge.dma_ranges)
    if behaviour.iova == kversion.IOVA_V6_1:
        ranges.sort(key=lambda w: w.start)           # list_sort(iommu_dma_ranges_sort)
    start = 0
    for n, window in enumerate(ranges):
        end = (window.start - window.offset) & U64
        while True:                                   # resv_iova:
            if end > start:
                iovad.reserve_iova(iovad.iova_pfn(start), iovad.iova_pfn(end))
            elif behaviour.iova == kversion.IOVA_V5_2 or end < start:
                return -EINVAL                        # "Failed to reserve IOVA"
            start = (window.end - window.offset + 1) & U64
            # If window is last entry
            if n == len(ranges) - 1 and end != U64:
                end = U64
                continue
            break
    return 0


def iommu_dma_init_domain(domain: IommuDomain, base: int, size: int,
                          dev: Optional[Device] = None,
                          behaviour: Optional[kversion.KernelBehaviour | str] = None) -> int:
    """iommu_dma_init_domain(): set up (or, if it exists, check) the IOVA domain
    for [base, base + size) clipped to the aperture, and reserve a PCI device's
    host-bridge windows. 0, -EFAULT, -ENODEV (4.9/4.10, no cookie), -EINVAL
    (4.11 on, no cookie or an MSI cookie, or bad dma_ranges). The kernel comes
    from the cookie; `behaviour` only says which one to assume without a cookie."""
    cookie = domain.iova_cookie
    if cookie is None:
        # 4.9.0: cookie_iovad() is NULL -> -ENODEV; 4.11.0 on: "if (!cookie || ...)"
        no_cookie = kversion.behaviour(behaviour or kversion.DEFAULT)
        return -EINVAL if no_cookie.cookie_types else -ENODEV
    behaviour = cookie.behaviour
    if cookie.type != IOMMU_DMA_IOVA_COOKIE:
        return -EINVAL
    if size <= 0:
        raise DmaIommuError(f"iommu_dma_init_domain size {size:#x} must be positive")
    pci = dev_is_pci(dev)

    # Use the smallest supported page size for IOVA granularity
    order = _ffs(domain.pgsize_bitmap)
    base_pfn = max(1, base >> order)
    end_pfn = ((base + size - 1) & U64) >> order

    # Check the domain allows at least some access to the device...
    if domain.geometry.force_aperture:
        if base > domain.geometry.aperture_end or base + size <= domain.geometry.aperture_start:
            return -EFAULT      # "specified DMA range outside IOMMU capability"
        # ...then finally give it a kicking to make sure it fits
        base_pfn = max(base_pfn, domain.geometry.aperture_start >> order)
        end_pfn = min(end_pfn, domain.geometry.aperture_end >> order)

    # 4.11/4.12: PCI devices prefer allocating within a 32-bit mask
    if behaviour.pci_end_pfn_clamp and pci:
        end_pfn &= DMA_BIT_MASK(32) >> order

    iovad = cookie.iovad
    if iovad is not None and iovad.start_pfn:
        if (1 << order) != iovad.granule or base_pfn != iovad.start_pfn:
            return -EFAULT      # "Incompatible range for DMA domain"
        if behaviour.init_existing == kversion.INIT_EXISTING_ENLARGE:
            # 4.9/4.10: all we can safely do with an existing domain is enlarge it
            if end_pfn < iovad.dma_32bit_pfn:
                return -EFAULT
            iovad.dma_32bit_pfn = end_pfn
        elif behaviour.init_existing == kversion.INIT_EXISTING_SHRINK:
            # 4.11: move the free area cache limit down for the smaller mask
            iovad.dma_32bit_pfn = min(end_pfn, iovad.dma_32bit_pfn)
        return 0                # 5.2.1 / 6.1: nothing else to do

    if behaviour.iova in (kversion.IOVA_V5_2, kversion.IOVA_V6_1):
        cookie.iovad = init_iova_domain(1 << order, base_pfn, rules=behaviour.iova)
    else:
        cookie.iovad = init_iova_domain(1 << order, base_pfn, end_pfn, rules=behaviour.iova)
    if pci:
        # 4.9-4.12 directly; 5.2.1 / 6.1 via iova_reserve_iommu_regions (the
        # SMMU's own reserved region is the IOMMU_RESV_SW_MSI window, skipped there)
        return iova_reserve_pci_windows(dev, cookie.iovad, behaviour)
    return 0


# --- IOVA allocation ----------------------------------------------------------------

def _cookie_behaviour(domain: IommuDomain) -> kversion.KernelBehaviour:
    return domain.iova_cookie.behaviour if domain.iova_cookie is not None else kversion.DEFAULT


def __alloc_iova(domain: IommuDomain, size: int, dma_limit: int,
                 dev: Optional[Device] = None) -> Optional[Iova]:
    """__alloc_iova() (4.9.0-4.11.0): size-aligned IOVA below
    min(dma_limit, aperture_end); 4.11 first tries below 4 GiB for PCI devices."""
    iovad = cookie_iovad(domain)
    if iovad is None:
        raise DmaIommuError(f"{domain!r} has no initialised IOVA cookie")
    behaviour = _cookie_behaviour(domain)
    shift = iovad.iova_shift()
    length = iovad.iova_align(size) >> shift
    if domain.geometry.force_aperture:
        dma_limit = min(dma_limit, domain.geometry.aperture_end)
    iova = None
    # Try to get PCI devices a SAC address
    if behaviour.pci_sac_first and dma_limit > DMA_BIT_MASK(32) and dev_is_pci(dev):
        iova = iovad.alloc_iova(length, DMA_BIT_MASK(32) >> shift, True)
    # Enforce size-alignment to be safe
    if iova is None:
        iova = iovad.alloc_iova(length, dma_limit >> shift, True)
    return iova


def iommu_dma_alloc_iova(domain: IommuDomain, size: int, dma_limit: int,
                         dev: Device, forcedac: bool = False) -> int:
    """iommu_dma_alloc_iova() (5.2.1, 6.1): the DMA address of `size` bytes
    (already granule-aligned), 0 on failure. MSI cookies hand out linearly.
    5.2.1 rounds small sizes up to a power of two here (6.1 in alloc_iova_fast);
    PCI devices try a 32-bit (SAC) address first unless iommu.forcedac (6.1)."""
    cookie = domain.iova_cookie
    behaviour = cookie.behaviour
    if cookie.type == IOMMU_DMA_MSI_COOKIE:
        cookie.msi_iova = (cookie.msi_iova + size) & U64
        return (cookie.msi_iova - size) & U64
    if forcedac:
        kversion.require(behaviour, behaviour.has_forcedac, "iommu.forcedac", "6.1")
    iovad = cookie.iovad
    if not isinstance(iovad, IovaDomainV415):
        raise DmaIommuError(f"{domain!r}: iommu_dma_alloc_iova needs the 4.15+ allocator")
    shift = iovad.iova_shift()
    iova_len = size >> shift
    if behaviour.iova == kversion.IOVA_V5_2 and iova_len < (1 << (IOVA_RANGE_CACHE_MAX_SIZE - 1)):
        iova_len = _roundup_pow_of_two(iova_len)
    if dev.bus_dma_limit:
        if behaviour.iova == kversion.IOVA_V5_2:
            dma_limit &= dev.bus_dma_limit              # dev->bus_dma_mask
        else:
            dma_limit = min(dma_limit, dev.bus_dma_limit)  # min_not_zero(bus_dma_limit)
    if domain.geometry.force_aperture:
        dma_limit = min(dma_limit, domain.geometry.aperture_end)
    iova = 0
    # Try to get PCI devices a SAC address
    if dma_limit > DMA_BIT_MASK(32) and not forcedac and dev_is_pci(dev):
        iova = iovad.alloc_iova_fast(iova_len, DMA_BIT_MASK(32) >> shift, False)
    if not iova:
        iova = iovad.alloc_iova_fast(iova_len, dma_limit >> shift, True)
    return (iova << shift) & U64


def iommu_dma_free_iova(cookie: IommuDmaCookie, iova: int, size: int) -> None:
    """iommu_dma_free_iova() (5.2.1, 6.1), strict mode: free_iova_fast."""
    if cookie.type == IOMMU_DMA_MSI_COOKIE:
        # The MSI case is only ever cleaning up its most recent allocation
        cookie.msi_iova = (cookie.msi_iova - size) & U64
        return
    iovad = cookie.iovad
    iovad.free_iova_fast(iovad.iova_pfn(iova), size >> iovad.iova_shift())


def _domain_for(dev: Device) -> IommuDomain:
    domain = iommu_get_domain_for_dev(dev)
    if domain is None:
        raise DmaIommuError(f"{dev!r} has no IOMMU domain (the kernel would oops)")
    return domain


def _iovad_for(domain: IommuDomain) -> AnyIovaDomain:
    iovad = cookie_iovad(domain)
    if iovad is None:
        raise DmaIommuError(f"{domain!r} has no initialised IOVA cookie")
    return iovad


def iommu_dma_map_page(dev: Device, phys: int, size: int, prot: int,
                       forcedac: bool = False) -> int:
    """iommu_dma_map_page() -> __iommu_dma_map(): the DMA address for
    [phys, phys + size), or DMA_ERROR_CODE (DMA_MAPPING_ERROR, the same ~0) when no
    IOVA is left or the mapping fails. 6.1 bounces an untrusted device's unaligned
    buffer through swiotlb: the model does not, and says so."""
    domain = _domain_for(dev)
    iovad = _iovad_for(domain)
    behaviour = _cookie_behaviour(domain)
    iova_off = iovad.iova_offset(phys)
    if behaviour.has_untrusted and dev_is_untrusted(dev, behaviour) and \
            (iova_off or iovad.iova_offset(size)):
        raise DmaIommuError(f"{dev!r} is untrusted: 6.1 would bounce the unaligned buffer "
                            f"{phys:#x}+{size:#x} through swiotlb (not modelled)")
    length = iovad.iova_align(size + iova_off)
    if behaviour.alloc_fast:
        dma_addr = iommu_dma_alloc_iova(domain, length, dma_get_mask(dev), dev, forcedac)
        if not dma_addr:
            return DMA_ERROR_CODE
        if domain.iommu_map(dma_addr, phys - iova_off, length, prot):
            iommu_dma_free_iova(domain.iova_cookie, dma_addr, length)
            return DMA_ERROR_CODE
        return dma_addr + iova_off
    iova = __alloc_iova(domain, length, dma_get_mask(dev), dev)
    if iova is None:
        return DMA_ERROR_CODE
    dma_addr = iovad.iova_dma_addr(iova)
    if domain.iommu_map(dma_addr, phys - iova_off, length, prot):
        iovad.free_iova_range(iova)
        return DMA_ERROR_CODE
    return dma_addr + iova_off


def __iommu_dma_unmap(domain: IommuDomain, dma_addr: int, size: int = 0) -> None:
    """__iommu_dma_unmap(). 4.9-4.11: unmap and free the whole IOVA range holding
    dma_addr (the caller's size is ignored). 5.2.1 / 6.1: unmap the caller's
    granule-aligned size, sync, then free_iova_fast that many pages."""
    iovad = _iovad_for(domain)
    behaviour = _cookie_behaviour(domain)
    if behaviour.alloc_fast:
        iova_off = iovad.iova_offset(dma_addr)
        dma_addr -= iova_off
        size = iovad.iova_align(size + iova_off)
        domain.iommu_unmap(dma_addr, size)          # WARN_ON(unmapped != size)
        iommu_dma_free_iova(domain.iova_cookie, dma_addr, size)
        return
    shift = iovad.iova_shift()
    pfn = dma_addr >> shift
    iova = iovad.find_iova(pfn)
    if iova is None:
        return                                   # WARN_ON(!iova)
    size = iova_size(iova) << shift
    size -= domain.iommu_unmap(pfn << shift, size)
    # WARN_ON(size > 0): "something is horribly, horribly wrong"
    iovad.free_iova_range(iova)


def iommu_dma_unmap_page(dev: Device, dma_addr: int, size: int) -> None:
    """iommu_dma_unmap_page()"""
    __iommu_dma_unmap(_domain_for(dev), dma_addr, size)


def iommu_dma_mapping_error(dev: Device, dma_addr: int) -> bool:
    return dma_addr == DMA_ERROR_CODE


# --- MSI pages ---------------------------------------------------------------------

def _msi_page_lookup(cookie: IommuDmaCookie, msi_addr: int,
                     granule: int) -> Optional[IommuDmaMsiPage]:
    """The list walk at the top of iommu_dma_get_msi_page(), per kernel variant.
    The list is walked head first, i.e. newest page first (list_add)."""
    if cookie.behaviour.msi_lookup == kversion.MSI_LOOKUP_SEED_V5:
        hi, lo = upper_32_bits(msi_addr), lower_32_bits(msi_addr)
        for msi_page in cookie.msi_page_list:
            if msi_page.phys_hi == hi and ((msi_page.phys_lo - lo) & U32) < granule:
                return msi_page
        return None
    page = msi_addr & ~(granule - 1)
    for msi_page in cookie.msi_page_list:
        if msi_page.phys == page:
            return msi_page
    return None


def iommu_dma_get_msi_page(dev: Device, msi_addr: int,
                           domain: IommuDomain) -> Optional[IommuDmaMsiPage]:
    """iommu_dma_get_msi_page(): find the doorbell's page in the cookie, or
    allocate an IOVA page (the IOVA allocator honouring the device's dma mask and
    the aperture, or the MSI cookie's linear window), map it with
    IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO and add it at the list head.
    None on failure (no IOVA left, or iommu_map failed)."""
    cookie = domain.iova_cookie
    behaviour = cookie.behaviour
    size = cookie_msi_granule(cookie)
    found = _msi_page_lookup(cookie, msi_addr, size)
    if found is not None:
        return found

    page_phys = msi_addr & ~(size - 1) & U64
    iovad = cookie_iovad(domain)
    if behaviour.alloc_fast:
        # 5.2.1: __iommu_dma_map(dev, msi_addr, size, prot, domain);
        # 6.1: iommu_dma_alloc_iova + iommu_map, iommu_dma_free_iova on failure
        page_iova = iommu_dma_alloc_iova(domain, size, dma_get_mask(dev), dev)
        if not page_iova:
            return None
        if domain.iommu_map(page_iova, page_phys, size, MSI_PAGE_PROT):
            iommu_dma_free_iova(cookie, page_iova, size)
            return None
    else:
        if iovad is not None:
            iova = __alloc_iova(domain, size, dma_get_mask(dev), dev)
            if iova is None:
                return None
            page_iova = iovad.iova_dma_addr(iova)
        else:
            iova = None
            page_iova = cookie.msi_iova
            cookie.msi_iova = (cookie.msi_iova + size) & U64
        if domain.iommu_map(page_iova, page_phys, size, MSI_PAGE_PROT):
            if iovad is not None:
                iovad.free_iova_range(iova)
            else:
                cookie.msi_iova = (cookie.msi_iova - size) & U64
            return None

    msi_page = IommuDmaMsiPage(iova=page_iova, phys=page_phys,
                               phys_hi=upper_32_bits(msi_addr),
                               phys_lo=lower_32_bits(msi_addr))
    cookie.msi_page_list.insert(0, msi_page)     # list_add()
    return msi_page


def _swizzle(cookie: IommuDmaCookie, msi_page: IommuDmaMsiPage, msg) -> None:
    iova = msi_page.iova
    msg.address_hi = (iova >> 32) & U32                               # upper_32_bits
    msg.address_lo = ((msg.address_lo & (cookie_msi_granule(cookie) - 1))
                      + (iova & U32)) & U32


def iommu_dma_map_msi_msg(dev: Device, msg) -> None:
    """iommu_dma_map_msi_msg() (4.9.0-4.12; gone by 5.2.1): rewrite msg (an
    MsiMsg) in place so that the device writes to the IOVA page mapping its
    doorbell. Untouched if the device has no domain or the domain no cookie. On
    failure the message is filled with ~0 (address_hi, address_lo and data =
    0xffffffff)."""
    domain = iommu_get_domain_for_dev(dev)
    if domain is None or domain.iova_cookie is None:
        return
    cookie = domain.iova_cookie
    if not cookie.behaviour.has_map_msi_msg:
        kversion.require(cookie.behaviour, False, "iommu_dma_map_msi_msg()",
                         "5.2.1 has only iommu_dma_prepare_msi + iommu_dma_compose_msi_msg")
    msi_addr = ((msg.address_hi & U32) << 32) | (msg.address_lo & U32)
    with cookie.msi_lock:
        msi_page = iommu_dma_get_msi_page(dev, msi_addr, domain)
    if msi_page is None:
        _fail_msg(msg)           # WARN_ON(!msi_page)
    else:
        _swizzle(cookie, msi_page, msg)


def _fail_msg(msg) -> None:
    """'fail' by filling the message with obviously bogus values."""
    msg.address_hi = U32
    msg.address_lo = U32
    msg.data = U32


# --- 5.2.1 / 6.1 split API ---------------------------------------------------------------

@dataclass(eq=False)
class MsiDesc:
    """The slice of struct msi_desc the split API uses: 5.2.1 keeps the MSI page
    (iommu_cookie); 6.1.141 keeps the page's IOVA shifted right by the granule
    order and that order (iommu_msi_iova : 58, iommu_msi_shift : 6)."""
    dev: Device
    iommu_cookie: Optional[IommuDmaMsiPage] = None
    iommu_msi_iova: int = 0
    iommu_msi_shift: int = 0


def _split_behaviour(dev: Device, function: str) -> Optional[kversion.KernelBehaviour]:
    domain = iommu_get_domain_for_dev(dev)
    if domain is None or domain.iova_cookie is None:
        return None
    behaviour = domain.iova_cookie.behaviour
    if not behaviour.split_compose:
        kversion.require(behaviour, False, function,
                         "added in 5.2.1; earlier kernels call iommu_dma_map_msi_msg")
    return behaviour


def iommu_dma_prepare_msi(desc: MsiDesc, msi_addr: int) -> int:
    """iommu_dma_prepare_msi(): map the doorbell page at IRQ allocation time and
    remember it in the descriptor. 0, or -ENOMEM on failure."""
    dev = desc.dev
    behaviour = _split_behaviour(dev, "iommu_dma_prepare_msi()")
    if behaviour is None:
        desc.iommu_cookie = None                       # 5.2.1
        desc.iommu_msi_iova, desc.iommu_msi_shift = 0, 0  # 6.1: msi_desc_set_iommu_msi_iova(desc, 0, 0)
        return 0
    domain = dev.domain
    cookie = domain.iova_cookie
    with cookie.msi_lock:
        msi_page = iommu_dma_get_msi_page(dev, msi_addr, domain)
    if behaviour.iova == kversion.IOVA_V6_1:
        if msi_page is None:
            return -ENOMEM
        shift = cookie_msi_granule(cookie).bit_length() - 1     # ilog2()
        desc.iommu_msi_iova = (msi_page.iova >> shift) & ((1 << 58) - 1)
        desc.iommu_msi_shift = shift & 0x3F
        return 0
    desc.iommu_cookie = msi_page                        # msi_desc_set_iommu_cookie()
    return 0 if msi_page is not None else -ENOMEM


def iommu_dma_compose_msi_msg(desc: MsiDesc, msg) -> None:
    """iommu_dma_compose_msi_msg(): swizzle msg with the page prepared earlier;
    cannot fail. 5.2.1 WARNs and leaves msg alone if nothing was prepared; 6.1
    rewrites only when a shift was recorded."""
    domain = desc.dev.domain                              # iommu_get_domain_for_dev()
    cookie = domain.iova_cookie if domain is not None else None
    if cookie is None:
        return
    behaviour = cookie.behaviour
    if not behaviour.split_compose:
        _split_behaviour(desc.dev, "iommu_dma_compose_msi_msg()")   # raises
    if behaviour.iova == kversion.IOVA_V6_1:
        shift = desc.iommu_msi_shift
        if shift:
            msi_iova = desc.iommu_msi_iova << shift
            msg.address_hi = (msi_iova >> 32) & U32
            msg.address_lo = (msi_iova & U32) | (msg.address_lo & ((1 << shift) - 1))
        return
    msi_page = desc.iommu_cookie
    if msi_page is None:
        return                                            # WARN_ON(!msi_page)
    _swizzle(cookie, msi_page, msg)
