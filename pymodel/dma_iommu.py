"""drivers/iommu/dma-iommu.c (v4.9, with the v4.10 / seed-v5 / v5.2 variants the
`pymodel.kversion` switch selects) plus the few iommu core pieces it calls
(drivers/iommu/iommu.c: iommu_map, iommu_unmap, iommu_iova_to_phys,
iommu_get_domain_for_dev).

Read it beside the C: functions carry the kernel's names, return the kernel's
values (0 / -errno, DMA_ERROR_CODE for a failed map), and struct fields keep
their names (iova_cookie, msi_page_list, msi_lock, iovad, pfn_lo ...).

Where the C takes an `int irq` (iommu_dma_map_msi_msg) the model takes the
`Device` the irq's msi_desc points at; there is no irq descriptor layer.
Where the kernel would oops (a DMA API call on a device with no domain), the
model raises `DmaIommuError` naming the offending value.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Optional

from pymodel import kversion
from pymodel.hwdefs import system
from pymodel.iova import Iova, IovaDomain, init_iova_domain, iova_size
from pymodel.kernel import (DMA_ERROR_CODE, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM,
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

# enum iommu_dma_cookie_type (v4.10+; a v4.9 cookie is always the IOVA kind)
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
    16 MiB of RAM are used."""

    def __init__(self, memory: Optional[MemoryImage] = None,
                 table_alloc: Optional[TablePageAllocator] = None,
                 ias: int = 48, oas: int = 48, type: int = IOMMU_DOMAIN_DMA,
                 name: str = "domain"):
        from pymodel.io_pgtable_arm import ArmLpaeS1   # H2's module; imported lazily
        if memory is None:
            memory = table_alloc.memory if table_alloc is not None else MemoryImage()
        if table_alloc is None:
            table_alloc = TablePageAllocator(memory, DEFAULT_TABLE_POOL_BASE,
                                             DEFAULT_TABLE_POOL_SIZE)
        self.name = name
        self.type = type
        self.memory = memory
        self.pgtbl = ArmLpaeS1(memory, table_alloc, ias=ias, oas=oas)
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


@dataclass(eq=False)
class Device:
    """The parts of struct device the DMA layer reads: a name, the SMMU
    StreamID (iommu_fwspec->ids[0]), *dma_mask, and the attached domain
    (the iommu_group's domain)."""
    name: str
    stream_id: int = 0
    dma_mask: Optional[int] = DMA_BIT_MASK(32)
    domain: Optional[IommuDomain] = None

    def __repr__(self) -> str:
        return f"Device({self.name!r}, sid={self.stream_id:#x})"


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
    allocator of an MSI cookie (v4.10). `behaviour` is the kversion switch."""
    type: int = IOMMU_DMA_IOVA_COOKIE
    iovad: Optional[IovaDomain] = None
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


def cookie_iovad(domain: IommuDomain) -> Optional[IovaDomain]:
    cookie = domain.iova_cookie
    if cookie is None or cookie.type != IOMMU_DMA_IOVA_COOKIE:
        return None
    return cookie.iovad


def iommu_get_dma_cookie(domain: IommuDomain,
                         behaviour: kversion.KernelBehaviour | str = kversion.DEFAULT) -> int:
    """iommu_get_dma_cookie(): 0, or -EEXIST if the domain already has one.
    `behaviour` picks the kernel whose MSI handling the cookie follows."""
    if domain.iova_cookie is not None:
        return -EEXIST
    domain.iova_cookie = IommuDmaCookie(IOMMU_DMA_IOVA_COOKIE,
                                        behaviour=kversion.behaviour(behaviour))
    return 0


def iommu_get_msi_cookie(domain: IommuDomain, base: int,
                         behaviour: kversion.KernelBehaviour | str = kversion.V4_10) -> int:
    """iommu_get_msi_cookie() (v4.10+): VFIO's cookie for an UNMANAGED domain;
    MSI pages are taken linearly from `base` upwards, no IOVA allocator."""
    behaviour = kversion.behaviour(behaviour)
    if not behaviour.has_msi_cookie:
        raise kversion.KernelFeatureMissing(
            f"iommu_get_msi_cookie() does not exist in {behaviour.name} (v4.10+)")
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


def iommu_dma_init_domain(domain: IommuDomain, base: int, size: int,
                          dev: Optional[Device] = None) -> int:
    """iommu_dma_init_domain(): set up (or, if it exists, adjust) the IOVA domain
    for [base, base + size) clipped to the aperture. 0, -EFAULT, -ENODEV (v4.9,
    no cookie) or -EINVAL (v4.10+, no cookie or an MSI cookie). PCI host-bridge
    windows (v4.10 iova_reserve_pci_windows) are not modelled."""
    cookie = domain.iova_cookie
    behaviour = cookie.behaviour if cookie is not None else kversion.DEFAULT
    if cookie is None:
        return -ENODEV          # v4.9: cookie_iovad() is NULL; v4.10 would say -EINVAL
    if cookie.type != IOMMU_DMA_IOVA_COOKIE:
        return -EINVAL
    if size <= 0:
        raise DmaIommuError(f"iommu_dma_init_domain size {size:#x} must be positive")

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

    iovad = cookie.iovad
    if iovad is not None and iovad.start_pfn:
        # All we can safely do with an existing domain is enlarge it (v4.9) /
        # shrink dma_32bit_pfn to the new end (v4.10)
        if behaviour.init_existing == kversion.INIT_EXISTING_ENLARGE:
            if (1 << order) != iovad.granule or base_pfn != iovad.start_pfn \
                    or end_pfn < iovad.dma_32bit_pfn:
                return -EFAULT  # "Incompatible range for DMA domain"
            iovad.dma_32bit_pfn = end_pfn
        else:
            if (1 << order) != iovad.granule or base_pfn != iovad.start_pfn:
                return -EFAULT
            iovad.dma_32bit_pfn = min(end_pfn, iovad.dma_32bit_pfn)
    else:
        cookie.iovad = init_iova_domain(1 << order, base_pfn, end_pfn)
    return 0


def __alloc_iova(domain: IommuDomain, size: int, dma_limit: int) -> Optional[Iova]:
    """__alloc_iova(): size-aligned IOVA below min(dma_limit, aperture_end)."""
    iovad = cookie_iovad(domain)
    if iovad is None:
        raise DmaIommuError(f"{domain!r} has no initialised IOVA cookie")
    shift = iovad.iova_shift()
    length = iovad.iova_align(size) >> shift
    if domain.geometry.force_aperture:
        dma_limit = min(dma_limit, domain.geometry.aperture_end)
    # Enforce size-alignment to be safe
    return iovad.alloc_iova(length, dma_limit >> shift, True)


def _domain_for(dev: Device) -> IommuDomain:
    domain = iommu_get_domain_for_dev(dev)
    if domain is None:
        raise DmaIommuError(f"{dev!r} has no IOMMU domain (the kernel would oops)")
    return domain


def iommu_dma_map_page(dev: Device, phys: int, size: int, prot: int) -> int:
    """iommu_dma_map_page(): the DMA address for [phys, phys + size), or
    DMA_ERROR_CODE when no IOVA is left or the mapping fails."""
    domain = _domain_for(dev)
    iovad = cookie_iovad(domain)
    if iovad is None:
        raise DmaIommuError(f"{domain!r} has no initialised IOVA cookie")
    iova_off = iovad.iova_offset(phys)
    length = iovad.iova_align(size + iova_off)
    iova = __alloc_iova(domain, length, dma_get_mask(dev))
    if iova is None:
        return DMA_ERROR_CODE
    dma_addr = iovad.iova_dma_addr(iova)
    if domain.iommu_map(dma_addr, phys - iova_off, length, prot):
        iovad.free_iova_range(iova)
        return DMA_ERROR_CODE
    return dma_addr + iova_off


def __iommu_dma_unmap(domain: IommuDomain, dma_addr: int) -> None:
    """__iommu_dma_unmap(): unmap and free the whole IOVA range holding dma_addr
    (the size the caller passes is ignored, as in the kernel)."""
    iovad = cookie_iovad(domain)
    if iovad is None:
        raise DmaIommuError(f"{domain!r} has no initialised IOVA cookie")
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
    __iommu_dma_unmap(_domain_for(dev), dma_addr)


def iommu_dma_mapping_error(dev: Device, dma_addr: int) -> bool:
    return dma_addr == DMA_ERROR_CODE


# --- MSI pages ---------------------------------------------------------------------

def _msi_page_lookup(cookie: IommuDmaCookie, msi_addr: int) -> Optional[IommuDmaMsiPage]:
    """The list walk at the top of iommu_dma_get_msi_page(), per kernel variant.
    The list is walked head first, i.e. newest page first (list_add)."""
    granule = cookie_msi_granule(cookie)
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
    allocate an IOVA page (IOVA allocator honouring the device's dma mask and
    the aperture; or the MSI cookie's linear window), map it with
    IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO and add it at the list head.
    None on failure (no IOVA left, or iommu_map failed)."""
    cookie = domain.iova_cookie
    size = cookie_msi_granule(cookie)
    found = _msi_page_lookup(cookie, msi_addr)
    if found is not None:
        return found

    page_phys = msi_addr & ~(size - 1) & U64
    iovad = cookie_iovad(domain)
    if iovad is not None:
        iova = __alloc_iova(domain, size, dma_get_mask(dev))
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
    msg.address_hi = upper_32_bits(msi_page.iova)
    msg.address_lo &= cookie_msi_granule(cookie) - 1
    msg.address_lo = (msg.address_lo + lower_32_bits(msi_page.iova)) & U32


def iommu_dma_map_msi_msg(dev: Device, msg) -> None:
    """iommu_dma_map_msi_msg(): rewrite msg (an MsiMsg) in place so that the
    device writes to the IOVA page mapping its doorbell. Untouched if the
    device has no domain or the domain no cookie. On failure the message is
    filled with ~0 (address_hi, address_lo and data = 0xffffffff)."""
    domain = iommu_get_domain_for_dev(dev)
    if domain is None or domain.iova_cookie is None:
        return
    cookie = domain.iova_cookie
    if cookie.behaviour.split_compose:
        # v5.2: the wrapper over iommu_dma_prepare_msi + iommu_dma_compose_msi_msg
        desc = MsiDesc(dev)
        if iommu_dma_prepare_msi(desc, (msg.address_hi << 32) | msg.address_lo):
            _fail_msg(msg)
        else:
            iommu_dma_compose_msi_msg(desc, msg)
        return
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


# --- v5.2 split API ----------------------------------------------------------------

@dataclass(eq=False)
class MsiDesc:
    """The slice of struct msi_desc the v5.2 split API uses."""
    dev: Device
    iommu_cookie: Optional[IommuDmaMsiPage] = None


def iommu_dma_prepare_msi(desc: MsiDesc, msi_addr: int) -> int:
    """iommu_dma_prepare_msi() (v5.2): map the doorbell page at IRQ allocation
    time and remember it in the descriptor. 0, or -ENOMEM on failure."""
    dev = desc.dev
    domain = iommu_get_domain_for_dev(dev)
    if domain is None or domain.iova_cookie is None:
        desc.iommu_cookie = None
        return 0
    cookie = domain.iova_cookie
    with cookie.msi_lock:
        msi_page = iommu_dma_get_msi_page(dev, msi_addr, domain)
    desc.iommu_cookie = msi_page
    return 0 if msi_page is not None else -ENOMEM


def iommu_dma_compose_msi_msg(desc: MsiDesc, msg) -> None:
    """iommu_dma_compose_msi_msg() (v5.2): swizzle msg with the page prepared
    earlier; cannot fail (WARNs and leaves msg alone if nothing was prepared)."""
    domain = iommu_get_domain_for_dev(desc.dev)
    msi_page = desc.iommu_cookie
    if domain is None or domain.iova_cookie is None or msi_page is None:
        return
    _swizzle(domain.iova_cookie, msi_page, msg)
