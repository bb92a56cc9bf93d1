"""pymodel.dma_iommu against 4.9.0 drivers/iommu/dma-iommu.c (+ the 4.10.0, 4.11.0,
seed-v5, 5.2.1 and 6.1.141 variants), with values worked out by hand in the comments.

Common set-up, as arm64 does it for a device without dma-ranges: a DMA domain
(arm-smmu geometry: aperture [0, 2^ias - 1], force_aperture), a cookie, and
iommu_dma_init_domain(base 0, size 4 GiB):
  order = __ffs(4K | 2M | 1G) = 12, base_pfn = max(1, 0 >> 12) = 1,
  end_pfn = (4 GiB - 1) >> 12 = 0xfffff (the aperture does not clip it)
  -> init_iova_domain(4096, start_pfn 1, pfn_32bit 0xfffff).
An MSI page is alloc_iova(1 page, limit = min(mask, aperture_end) >> 12, aligned).
"""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymodel import dma_iommu as D
from pymodel import kversion
from pymodel.hwdefs import its as ITS
from pymodel.hwdefs import lpae as L
from pymodel.hwdefs import system
from pymodel.linux_defs import (DMA_ERROR_CODE, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM,
                            IOMMU_CACHE, IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_READ,
                            IOMMU_WRITE)
from pymodel.memory import MemoryImage, TablePageAllocator
from pymodel.msi import MsiMsg

ITS_DOORBELL = system.ITS_BASE + ITS.GITS_TRANSLATER      # 0x0808_0000 + 0x1_0040
U32 = 0xFFFF_FFFF


def dma_domain(behaviour=kversion.V4_9, size=1 << 32, base=0, ias=48, **kw):
    d = D.IommuDomain(ias=ias, **kw)
    assert D.iommu_get_dma_cookie(d, behaviour) == 0
    assert D.iommu_dma_init_domain(d, base, size) == 0
    return d


def attach(domain, name="dev", sid=0, mask=D.DMA_BIT_MASK(32)):
    dev = D.Device(name, sid, mask)
    assert D.iommu_attach_device(domain, dev) == 0
    return dev


def msg_for(addr, data=0):
    return MsiMsg(address_lo=addr & U32, address_hi=addr >> 32, data=data)


def test_its_doorbell_constant():
    assert ITS_DOORBELL == 0x0809_0040


def test_init_domain_iova_window_for_4g():
    d = dma_domain()
    iovad = d.iova_cookie.iovad
    assert (iovad.granule, iovad.start_pfn, iovad.dma_32bit_pfn) == (4096, 1, 0xFFFFF)
    assert d.geometry.aperture_end == (1 << 48) - 1 and d.geometry.force_aperture


def test_first_msi_iova_page_32bit_mask_4k_full_4g():
    d = dma_domain()
    dev = attach(d)
    msg = msg_for(ITS_DOORBELL, data=5)
    D.iommu_dma_map_msi_msg(dev, msg)
    # limit = min(0xffffffff, 2^48 - 1) >> 12 = 0xfffff; empty tree -> pfn 0xfffff
    # address_lo = (0x08090040 & 0xfff) + 0xfffff000 = 0xfffff040, address_hi = 0
    assert (msg.address_hi, msg.address_lo, msg.data) == (0, 0xFFFFF040, 5)
    pages = d.iova_cookie.msi_page_list
    assert [(p.iova, p.phys) for p in pages] == [(0xFFFFF000, 0x0809_0000)]
    assert d.iova_to_phys(0xFFFFF040) == 0x0809_0040


def test_msi_page_descriptor_exact_value():
    d = dma_domain()
    D.iommu_dma_map_msi_msg(attach(d), msg_for(ITS_DOORBELL))
    # arm_lpae_prot_to_pte(IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO), stage 1, v4.9:
    #   AP_UNPRIV (bit 6) | nG (bit 11)              = 0x840
    #   WRITE set -> no AP_RDONLY (bit 7)
    #   MMIO -> AttrIndx = ARM_LPAE_MAIR_ATTR_IDX_DEV 2 << 2 = 0x8
    #   NOEXEC -> XN = 3 << 53                       = 0x0060_0000_0000_0000
    # __arm_lpae_init_pte: AF (bit 10) 0x400 | SH_IS 3 << 8 = 0x300 | level 3 page 0x3
    # | output address 0x0809_0000
    expect = 0x0060_0000_0000_0000 | 0x0809_0000 | 0x800 | 0x400 | 0x300 | 0x40 | 0x8 | 0x3
    assert expect == 0x0060_0000_0809_0F4B
    assert d.pgtbl.leaf_pte(0xFFFFF000) == (3, expect)
    # and the same value built from the hwdefs bit names
    assert expect == ((1 << L.PTE_PXN_BIT) | (1 << L.PTE_XN_BIT)
                      | 0x0809_0000 | (1 << L.PTE_NG_BIT) | (1 << L.PTE_AF_BIT)
                      | (L.PTE_SH_IS << L.PTE_SH_SHIFT) | (1 << L.PTE_AP_UNPRIV_BIT)
                      | (L.MAIR_ATTR_IDX_DEV << L.PTE_ATTRINDX_SHIFT) | L.PTE_TYPE_PAGE)


def test_page_reused_for_second_device_and_second_vector():
    d = dma_domain()
    a, b = attach(d, "a", 1), attach(d, "b", 2)
    m1, m2, m3 = msg_for(ITS_DOORBELL, 0), msg_for(ITS_DOORBELL, 1), msg_for(ITS_DOORBELL, 0)
    D.iommu_dma_map_msi_msg(a, m1)
    D.iommu_dma_map_msi_msg(a, m2)          # second vector, same device
    D.iommu_dma_map_msi_msg(b, m3)          # second device, same domain
    for m, data in ((m1, 0), (m2, 1), (m3, 0)):
        assert (m.address_hi, m.address_lo, m.data) == (0, 0xFFFFF040, data)
    assert len(d.iova_cookie.msi_page_list) == 1
    assert [(i.pfn_lo, i.pfn_hi) for i in d.iova_cookie.iovad.iovas] == [(0xFFFFF, 0xFFFFF)]


def test_separate_page_per_domain():
    mem = MemoryImage()
    pool = TablePageAllocator(mem, D.DEFAULT_TABLE_POOL_BASE, D.DEFAULT_TABLE_POOL_SIZE)
    d1 = dma_domain(memory=mem, table_alloc=pool)
    d2 = dma_domain(memory=mem, table_alloc=pool)
    m1, m2 = msg_for(ITS_DOORBELL), msg_for(ITS_DOORBELL)
    D.iommu_dma_map_msi_msg(attach(d1, "a"), m1)
    D.iommu_dma_map_msi_msg(attach(d2, "b"), m2)
    # each domain has its own allocator: both get 0xfffff000, in different tables
    assert m1.address_lo == m2.address_lo == 0xFFFFF040
    assert d1.iova_cookie.msi_page_list[0] is not d2.iova_cookie.msi_page_list[0]
    assert d1.pgtbl.ttbr != d2.pgtbl.ttbr
    assert d1.pgtbl.leaf_pte(0xFFFFF000) == d2.pgtbl.leaf_pte(0xFFFFF000) == \
        (3, 0x0060_0000_0809_0F4B)


def test_second_doorbell_gets_next_page_down():
    d = dma_domain()
    dev = attach(d)
    m1, m2 = msg_for(ITS_DOORBELL), msg_for(system.GICV2M_BASE + 0x40, 80)
    D.iommu_dma_map_msi_msg(dev, m1)
    D.iommu_dma_map_msi_msg(dev, m2)
    # cached [fffff]: limit 0xffffe -> pfn 0xffffe; 0x08020040 & 0xfff = 0x40
    assert (m2.address_hi, m2.address_lo, m2.data) == (0, 0xFFFFE040, 80)
    # list_add puts the newest page first
    assert [p.iova for p in d.iova_cookie.msi_page_list] == [0xFFFFE000, 0xFFFFF000]


def test_dma_mask_limits_msi_iova():
    d = dma_domain()
    dev = attach(d, mask=0x0FFF_FFFF)
    msg = msg_for(ITS_DOORBELL)
    D.iommu_dma_map_msi_msg(dev, msg)
    # limit = 0x0fffffff >> 12 = 0xffff (below dma_32bit_pfn, no cache yet) -> pfn 0xffff
    assert msg.address_lo == 0x0FFF_F040


def test_unset_dma_mask_means_32_bits():
    d = dma_domain()
    dev = attach(d, mask=None)
    msg = msg_for(ITS_DOORBELL)
    D.iommu_dma_map_msi_msg(dev, msg)
    assert msg.address_lo == 0xFFFF_F040       # dma_get_mask() -> DMA_BIT_MASK(32)


def test_force_aperture_clips_64bit_mask():
    d = dma_domain(size=1 << 48)
    iovad = d.iova_cookie.iovad
    # end_pfn = (2^48 - 1) >> 12 = 0xfffffffff; aperture_end gives the same
    assert iovad.dma_32bit_pfn == 0xF_FFFF_FFFF
    dev = attach(d, mask=D.DMA_BIT_MASK(64))
    msg = msg_for(ITS_DOORBELL)
    D.iommu_dma_map_msi_msg(dev, msg)
    # dma_limit = min(2^64 - 1, 2^48 - 1) -> pfn 0xfffffffff -> iova 0xffff_ffff_f000
    assert (msg.address_hi, msg.address_lo) == (0xFFFF, 0xFFFF_F040)


def test_init_domain_size_is_not_an_upper_bound_in_v49():
    # init (0, 0x3000): start_pfn 1, dma_32bit_pfn = 0x2fff >> 12 = 2. In v4.9 that
    # pfn is only the cache threshold: __alloc_iova clips by mask and aperture only.
    d = dma_domain(size=0x3000)
    dev = attach(d)
    m1 = msg_for(ITS_DOORBELL, 3)
    D.iommu_dma_map_msi_msg(dev, m1)
    # limit 0xfffff > dma_32bit_pfn 2 -> walk from rb_last (none) -> pfn 0xfffff
    assert m1.address_lo == 0xFFFF_F040
    # no cache update (limit != dma_32bit_pfn); rb_last [fffff]: no room above
    # (0xfffff + 1 > 0xfffff) -> limit 0xffffe, bottom check 1 + 1 <= 0xffffe -> 0xffffe
    m2 = msg_for(system.GICV2M_BASE + 0x40, 81)
    D.iommu_dma_map_msi_msg(dev, m2)
    assert m2.address_lo == 0xFFFF_E040
    assert d.iova_cookie.iovad.cached32_node is None


def test_iova_exhaustion_via_dma_mask_gives_all_ones_message():
    d = dma_domain()
    dev = attach(d, mask=0x1FFF)
    msg = msg_for(ITS_DOORBELL, 7)
    D.iommu_dma_map_msi_msg(dev, msg)
    # limit = 0x1fff >> 12 = 1 = start_pfn: 1 + 1 + 0 > 1 -> no IOVA -> ~0 everywhere
    assert (msg.address_hi, msg.address_lo, msg.data) == (U32, U32, U32)
    assert d.iova_cookie.msi_page_list == []
    assert d.iova_cookie.iovad.iovas == []


def test_iova_exhaustion_after_filling_the_window():
    d = dma_domain()
    dev = attach(d, mask=0x3FFF)
    # limit pfn 3: first page pfn 3, cache -> limit 2 -> pfn 2, then limit 1: 1 + 1 > 1
    got = []
    for i, bell in enumerate((0x1000_0000, 0x2000_0000, 0x3000_0000)):
        m = msg_for(bell + 0x40, i)
        D.iommu_dma_map_msi_msg(dev, m)
        got.append((m.address_hi, m.address_lo, m.data))
    assert got == [(0, 0x3040, 0), (0, 0x2040, 1), (U32, U32, U32)]
    # the doorbell already mapped still works afterwards
    m = msg_for(0x1000_0040, 9)
    D.iommu_dma_map_msi_msg(dev, m)
    assert (m.address_lo, m.data) == (0x3040, 9)


def test_map_failure_frees_the_iova_and_gives_all_ones():
    d = dma_domain()
    dev = attach(d)
    # occupy iova 0xfffff000 in the page table behind the allocator's back
    assert d.iommu_map(0xFFFFF000, 0x4000_0000, 0x1000, IOMMU_READ) == 0
    msg = msg_for(ITS_DOORBELL, 1)
    D.iommu_dma_map_msi_msg(dev, msg)
    # iommu_map -> -EEXIST -> __free_iova -> message ~0
    assert (msg.address_hi, msg.address_lo, msg.data) == (U32, U32, U32)
    assert d.iova_cookie.iovad.iovas == [] and d.iova_cookie.msi_page_list == []


def test_no_domain_or_no_cookie_leaves_message_alone():
    dev = D.Device("bare")
    msg = msg_for(ITS_DOORBELL, 4)
    D.iommu_dma_map_msi_msg(dev, msg)
    assert (msg.address_hi, msg.address_lo, msg.data) == (0, ITS_DOORBELL, 4)
    d = D.IommuDomain()
    D.iommu_attach_device(d, dev)
    D.iommu_dma_map_msi_msg(dev, msg)
    assert (msg.address_hi, msg.address_lo, msg.data) == (0, ITS_DOORBELL, 4)


def test_put_dma_cookie_frees_msi_pages():
    d = dma_domain()
    dev = attach(d)
    D.iommu_dma_map_msi_msg(dev, msg_for(ITS_DOORBELL))
    D.iommu_dma_map_msi_msg(dev, msg_for(system.GICV2M_BASE + 0x40))
    cookie = d.iova_cookie
    assert len(cookie.msi_page_list) == 2 and len(cookie.iovad.iovas) == 2
    D.iommu_put_dma_cookie(d)
    assert d.iova_cookie is None
    assert cookie.msi_page_list == [] and cookie.iovad.iovas == []
    # the kernel's put_dma_cookie leaves the mappings; the domain's tables go with
    # iommu_domain_free()
    assert d.iova_to_phys(0xFFFFF040) == 0x0809_0040
    D.iommu_put_dma_cookie(d)                      # no cookie: no-op
    msg = msg_for(ITS_DOORBELL, 2)
    D.iommu_dma_map_msi_msg(dev, msg)              # no cookie any more: untouched
    assert msg.address_lo == ITS_DOORBELL
    D.iommu_domain_free(d)
    assert d.iova_to_phys(0xFFFFF040) == 0
    assert d.iova_to_phys(0xFFFFE040) == 0


def test_get_dma_cookie_twice_is_eexist():
    d = D.IommuDomain()
    assert D.iommu_get_dma_cookie(d) == 0
    assert D.iommu_get_dma_cookie(d) == -EEXIST


def test_init_domain_errors_and_clipping():
    d = D.IommuDomain()
    assert D.iommu_dma_init_domain(d, 0, 1 << 32) == -D.ENODEV   # v4.9: no cookie
    d32 = D.IommuDomain(ias=32)
    D.iommu_get_dma_cookie(d32)
    # base beyond aperture_end 0xffffffff -> -EFAULT
    assert D.iommu_dma_init_domain(d32, 1 << 32, 1 << 32) == -EFAULT
    # size 1 TiB is clipped to aperture_end >> 12 = 0xfffff
    assert D.iommu_dma_init_domain(d32, 0, 1 << 40) == 0
    assert d32.iova_cookie.iovad.dma_32bit_pfn == 0xFFFFF
    # v4.9: an existing domain may only grow
    assert D.iommu_dma_init_domain(d32, 0, 1 << 31) == -EFAULT   # end 0x7ffff < 0xfffff
    # base 0x1000 -> base_pfn 1 == start_pfn, end clipped to 0xfffff: allowed
    assert D.iommu_dma_init_domain(d32, 0x1000, 1 << 32) == 0
    # base 0x2000 -> base_pfn 2 != start_pfn 1: incompatible
    assert D.iommu_dma_init_domain(d32, 0x2000, 1 << 32) == -EFAULT


def test_init_domain_existing_v49_enlarges_v411_shrinks():
    # 4.9.0 / 4.10.0 "All we can safely do with an existing domain is enlarge it"
    for b in (kversion.V4_9, kversion.V4_10):
        d = dma_domain(b, size=1 << 31)                 # end_pfn 0x7ffff
        assert D.iommu_dma_init_domain(d, 0, 1 << 32) == 0
        assert d.iova_cookie.iovad.dma_32bit_pfn == 0xFFFFF
        assert D.iommu_dma_init_domain(d, 0, 1 << 31) == -EFAULT
    # 4.11.0: "move the free area cache limit down for the benefit of the smaller one"
    d11 = dma_domain(kversion.V4_11, size=1 << 32)
    assert D.iommu_dma_init_domain(d11, 0, 1 << 31) == 0
    assert d11.iova_cookie.iovad.dma_32bit_pfn == 0x7FFFF   # min(0x7ffff, 0xfffff)
    # 5.2.1 / 6.1: only granule and start_pfn are checked; dma_32bit_pfn is fixed
    for b in (kversion.V5_2, kversion.V6_1):
        d = dma_domain(b, size=1 << 32)
        assert D.iommu_dma_init_domain(d, 0, 1 << 31) == 0
        assert d.iova_cookie.iovad.dma_32bit_pfn == 0x100000  # 1 << (32 - 12)
        assert D.iommu_dma_init_domain(d, 0x2000, 1 << 31) == -EFAULT


def test_iommu_map_core_checks():
    d = D.IommuDomain()
    assert d.iommu_map(0x1000, 0x4000_0000, 0x800, IOMMU_READ) == -EINVAL   # size < 4K
    assert d.iommu_map(0x1800, 0x4000_0000, 0x1000, IOMMU_READ) == -EINVAL  # iova
    assert d.iommu_map(0x1000, 0x4000_0800, 0x1000, IOMMU_READ) == -EINVAL  # paddr
    assert d.iommu_unmap(0x1800, 0x1000) == -EINVAL
    assert d.iommu_map(0x1000, 0x4000_0000, 0x1000, IOMMU_READ | IOMMU_WRITE) == 0
    assert d.iommu_map(0x1000, 0x5000_0000, 0x1000, IOMMU_READ) == -EEXIST
    assert d.iova_to_phys(0x1234) == 0x4000_0234
    ident = D.IommuDomain(type=D.IOMMU_DOMAIN_IDENTITY)
    assert ident.iommu_map(0x1000, 0x4000_0000, 0x1000, IOMMU_READ) == -EINVAL


def test_iommu_map_uses_blocks_where_aligned():
    d = D.IommuDomain()
    # 2 MiB + 4 KiB at a 2M-aligned iova/paddr: one 2M block (level 2), then a page
    assert d.iommu_map(0x20_0000, 0x4020_0000, 0x20_1000, IOMMU_READ) == 0
    assert d.pgtbl.leaf_pte(0x20_0000)[0] == 2
    assert d.pgtbl.leaf_pte(0x40_0000)[0] == 3
    assert d.iommu_unmap(0x20_0000, 0x20_1000) == 0x20_1000
    assert d.iova_to_phys(0x20_0000) == 0


def test_map_page_and_unmap_page():
    d = dma_domain()
    dev = attach(d)
    prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE
    # phys 0x40001234 size 0x100: iova_off 0x234, len = align(0x334) = 0x1000 -> pfn 0xfffff
    h1 = D.iommu_dma_map_page(dev, 0x4000_1234, 0x100, prot)
    assert h1 == 0xFFFF_F234
    assert d.iova_to_phys(h1) == 0x4000_1234
    # 0x2000 bytes: 2 pages, cached [fffff] -> limit 0xffffe,
    # pad = (0xffffe + 1 - 2) & 1 = 1 -> pfn_lo = 0xffffe - 3 + 1 = 0xffffc
    h2 = D.iommu_dma_map_page(dev, 0x4001_0000, 0x2000, prot)
    assert h2 == 0xFFFF_C000
    assert d.iova_to_phys(0xFFFF_D010) == 0x4001_1010
    # unmap ignores the size and frees the whole range
    D.iommu_dma_unmap_page(dev, h2 + 0x10, 1)
    assert d.iova_to_phys(0xFFFF_C000) == 0 and d.iova_to_phys(0xFFFF_D000) == 0
    assert d.iova_cookie.iovad.find_iova(0xFFFFC) is None
    D.iommu_dma_unmap_page(dev, 0x1234_5000, 0x1000)   # nothing there: WARN, no-op
    assert d.iova_to_phys(h1) == 0x4000_1234


def test_unmap_page_unmaps_from_the_handles_page_not_the_ranges_start():
    d = dma_domain()
    dev = attach(d)
    h = D.iommu_dma_map_page(dev, 0x4001_0000, 0x2000, IOMMU_READ)
    # empty domain, 2 pages: pad = (0xfffff + 1 - 2) & 1 = 0 -> pfn_lo 0xffffe
    assert h == 0xFFFF_E000
    # __iommu_dma_unmap: pfn = handle >> 12 = 0xfffff; find_iova -> [ffffe, fffff],
    # size 0x2000, iommu_unmap(pfn << 12 = 0xfffff000, 0x2000): unmaps 0xfffff000,
    # then stops at the unmapped 0x1_0000_0000; 0xffffe000 stays mapped, IOVA freed
    D.iommu_dma_unmap_page(dev, h + 0x1800, 0x2000)
    assert d.iova_to_phys(0xFFFF_F000) == 0
    assert d.iova_to_phys(0xFFFF_E000) == 0x4001_0000
    assert d.iova_cookie.iovad.iovas == []


def test_map_page_failure_is_dma_error_code():
    d = dma_domain()
    dev = attach(d, mask=0x1FFF)
    assert D.iommu_dma_map_page(dev, 0x4000_0000, 0x1000, IOMMU_READ) == DMA_ERROR_CODE
    assert D.iommu_dma_mapping_error(dev, DMA_ERROR_CODE)


def test_dma_api_without_domain_raises():
    with pytest.raises(D.DmaIommuError, match="orphan"):
        D.iommu_dma_map_page(D.Device("orphan"), 0x4000_0000, 0x1000, IOMMU_READ)


# --- seed v5 lookup --------------------------------------------------------------

def test_seed_v5_address_above_first_misses_and_maps_second_page():
    d = dma_domain(kversion.SEED_V5)
    dev = attach(d)
    m1, m2 = msg_for(0x0809_0040, 0), msg_for(0x0809_0044, 1)
    D.iommu_dma_map_msi_msg(dev, m1)
    D.iommu_dma_map_msi_msg(dev, m2)
    # page keeps raw lo 0x08090040; (u32)(0x08090040 - 0x08090044) = 0xfffffffc >= 0x1000
    # -> miss -> second IOVA page 0xffffe000 mapping the same doorbell page
    assert m1.address_lo == 0xFFFF_F040
    assert m2.address_lo == 0xFFFF_E044
    assert [(p.iova, p.phys) for p in d.iova_cookie.msi_page_list] == \
        [(0xFFFF_E000, 0x0809_0000), (0xFFFF_F000, 0x0809_0000)]
    assert d.iova_to_phys(m2.address_lo) == 0x0809_0044       # still correct, but wasteful


def test_v49_same_page_address_above_hits():
    d = dma_domain(kversion.V4_9)
    dev = attach(d)
    m1, m2 = msg_for(0x0809_0040, 0), msg_for(0x0809_0044, 1)
    D.iommu_dma_map_msi_msg(dev, m1)
    D.iommu_dma_map_msi_msg(dev, m2)
    assert (m1.address_lo, m2.address_lo) == (0xFFFF_F040, 0xFFFF_F044)
    assert len(d.iova_cookie.msi_page_list) == 1


def test_seed_v5_address_below_in_previous_page_hits_and_lands_wrong():
    d = dma_domain(kversion.SEED_V5)
    dev = attach(d)
    m1, m2 = msg_for(0x0809_0040, 0), msg_for(0x0808_FFF0, 1)
    D.iommu_dma_map_msi_msg(dev, m1)
    D.iommu_dma_map_msi_msg(dev, m2)
    # (u32)(0x08090040 - 0x0808fff0) = 0x50 < 0x1000 -> hit on the first page:
    # address_lo = (0x0808fff0 & 0xfff) + 0xfffff000 = 0xfffffff0
    assert (m2.address_hi, m2.address_lo, m2.data) == (0, 0xFFFF_FFF0, 1)
    assert len(d.iova_cookie.msi_page_list) == 1
    # the device's write lands at 0x08090000 + 0xff0, not at 0x0808fff0
    assert d.iova_to_phys(0xFFFF_FFF0) == 0x0809_0FF0


def test_seed_v5_exactly_one_granule_below_misses():
    d = dma_domain(kversion.SEED_V5)
    dev = attach(d)
    D.iommu_dma_map_msi_msg(dev, msg_for(0x0809_0040))
    m = msg_for(0x0808_F040)
    D.iommu_dma_map_msi_msg(dev, m)
    # 0x08090040 - 0x0808f040 = 0x1000, not < 0x1000 -> miss -> new page for 0x0808f000
    assert m.address_lo == 0xFFFF_E040
    assert d.iova_to_phys(0xFFFF_E040) == 0x0808_F040


def test_v49_address_in_previous_page_gets_its_own_page():
    d = dma_domain(kversion.V4_9)
    dev = attach(d)
    D.iommu_dma_map_msi_msg(dev, msg_for(0x0809_0040))
    m = msg_for(0x0808_FFF0)
    D.iommu_dma_map_msi_msg(dev, m)
    assert m.address_lo == 0xFFFF_EFF0
    assert d.iova_to_phys(0xFFFF_EFF0) == 0x0808_FFF0


def test_seed_v5_high_word_must_match():
    d = dma_domain(kversion.SEED_V5, size=1 << 48)
    dev = attach(d, mask=D.DMA_BIT_MASK(64))
    D.iommu_dma_map_msi_msg(dev, msg_for(0x1_0809_0040))
    m = msg_for(0x0809_0040)
    D.iommu_dma_map_msi_msg(dev, m)
    # same lo, different hi (1 vs 0): miss -> a second page
    assert len(d.iova_cookie.msi_page_list) == 2


# --- 4.11.0 MSI cookie ----------------------------------------------------------------

def test_msi_cookie_linear_window():
    d = D.IommuDomain(type=D.IOMMU_DOMAIN_UNMANAGED)
    assert D.iommu_get_msi_cookie(d, 0x0800_0000) == 0
    assert D.iommu_get_msi_cookie(d, 0x0800_0000) == -EEXIST
    dev = attach(d)
    m1, m2, m3 = msg_for(ITS_DOORBELL, 0), msg_for(system.GICV2M_BASE + 0x40, 80), \
        msg_for(ITS_DOORBELL, 1)
    for m in (m1, m2, m3):
        D.iommu_dma_map_msi_msg(dev, m)
    # first page at base, the next PAGE_SIZE above; same doorbell reuses its page
    assert (m1.address_lo, m2.address_lo, m3.address_lo) == \
        (0x0800_0040, 0x0800_1040, 0x0800_0040)
    assert d.iova_cookie.msi_iova == 0x0800_2000
    assert d.pgtbl.leaf_pte(0x0800_0000) == (3, 0x0060_0000_0809_0F4B)
    assert D.iommu_dma_init_domain(d, 0, 1 << 32) == -EINVAL     # not an IOVA cookie


def test_msi_cookie_failed_map_rolls_back_window():
    d = D.IommuDomain(type=D.IOMMU_DOMAIN_UNMANAGED)
    D.iommu_get_msi_cookie(d, 0x0800_0000)
    assert d.iommu_map(0x0800_0000, 0x4000_0000, 0x1000, IOMMU_READ) == 0   # VFIO user map
    m = msg_for(ITS_DOORBELL, 3)
    D.iommu_dma_map_msi_msg(attach(d), m)
    assert (m.address_hi, m.address_lo, m.data) == (U32, U32, U32)
    assert d.iova_cookie.msi_iova == 0x0800_0000


def test_msi_cookie_needs_unmanaged_domain_and_v411():
    assert D.iommu_get_msi_cookie(D.IommuDomain(), 0x0800_0000) == -EINVAL
    # 4.9.0 and 4.10.0 have no iommu_get_msi_cookie (4.10 differs from 4.9 only by
    # iommu_dma_map_resource / unmap_resource)
    for b in (kversion.V4_9, kversion.V4_10):
        with pytest.raises(kversion.KernelFeatureMissing, match=b.name):
            D.iommu_get_msi_cookie(D.IommuDomain(type=D.IOMMU_DOMAIN_UNMANAGED), 0, b)


# --- 5.2.1 / 6.1 split prepare / compose ------------------------------------------------

@pytest.mark.parametrize("behaviour", [kversion.V5_2, kversion.V6_1], ids=lambda b: b.name)
def test_split_prepare_then_compose(behaviour):
    d = dma_domain(behaviour)
    dev = attach(d)
    desc = D.MsiDesc(dev)
    assert D.iommu_dma_prepare_msi(desc, ITS_DOORBELL) == 0
    if behaviour is kversion.V5_2:
        assert desc.iommu_cookie.iova == 0xFFFF_F000          # msi_desc_set_iommu_cookie
    else:
        # 6.1.141: msi_desc_set_iommu_msi_iova(desc, iova, ilog2(4096))
        assert (desc.iommu_msi_iova, desc.iommu_msi_shift) == (0xFFFFF, 12)
    msg = msg_for(ITS_DOORBELL, 6)
    D.iommu_dma_compose_msi_msg(desc, msg)
    assert (msg.address_hi, msg.address_lo, msg.data) == (0, 0xFFFF_F040, 6)
    # 5.2.1 has no iommu_dma_map_msi_msg any more (nor has 6.1)
    with pytest.raises(kversion.KernelFeatureMissing, match="iommu_dma_map_msi_msg"):
        D.iommu_dma_map_msi_msg(dev, msg_for(ITS_DOORBELL, 7))


def test_split_api_missing_before_52():
    d = dma_domain(kversion.V4_11)
    dev = attach(d)
    with pytest.raises(kversion.KernelFeatureMissing, match="iommu_dma_prepare_msi"):
        D.iommu_dma_prepare_msi(D.MsiDesc(dev), ITS_DOORBELL)
    with pytest.raises(kversion.KernelFeatureMissing, match="iommu_dma_compose_msi_msg"):
        D.iommu_dma_compose_msi_msg(D.MsiDesc(dev), msg_for(ITS_DOORBELL))


@pytest.mark.parametrize("behaviour", [kversion.V5_2, kversion.V6_1], ids=lambda b: b.name)
def test_split_prepare_failure_is_enomem_and_compose_leaves_msg(behaviour):
    d = dma_domain(behaviour)
    # 16-bit mask: limit pfn 0xf; the 4.15+ allocator can hand out start_pfn 1, so
    # 15 pages fit; fill them, then the MSI page has no room
    dev = attach(d, mask=0xFFFF)
    got = [D.iommu_dma_map_page(dev, 0x4000_0000 + i * 4096, 4096, IOMMU_READ)
           for i in range(16)]
    assert got[:15] == [(0xF - i) << 12 for i in range(15)] and got[15] == DMA_ERROR_CODE
    desc = D.MsiDesc(dev)
    assert D.iommu_dma_prepare_msi(desc, ITS_DOORBELL) == -ENOMEM
    msg = msg_for(ITS_DOORBELL, 6)
    D.iommu_dma_compose_msi_msg(desc, msg)
    assert (msg.address_lo, msg.data) == (ITS_DOORBELL, 6)
    assert not d.iova_cookie.msi_page_list


def test_unknown_kernel_behaviour_name():
    with pytest.raises(kversion.UnknownKernelBehaviour, match="v9.9"):
        D.iommu_get_dma_cookie(D.IommuDomain(), "v9.9")


def test_prot_constants_are_the_kernels():
    assert D.MSI_PAGE_PROT == IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO == 0x1A


# --- properties ------------------------------------------------------------------
EXAMPLES = int(os.environ.get("MODEL_HYPOTHESIS_EXAMPLES", "300")) // 3


@settings(max_examples=EXAMPLES, deadline=None)
@given(bells=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 0x3FFF_FFFF)),
                      min_size=1, max_size=25),
       mask_bits=st.integers(14, 40))
def test_property_v49_messages_translate_back_to_the_doorbell(bells, mask_bits):
    """v4.9: every message either failed (~0) or its IOVA translates to exactly the
    doorbell address; one page per distinct doorbell page; with one dma mask for
    all devices the IOVAs stay under it."""
    d = dma_domain()
    mask = D.DMA_BIT_MASK(mask_bits)
    devs = [attach(d, f"d{i}", i, mask) for i in range(4)]
    mapped_pages = set()
    for dev_idx, bell in bells:
        bell &= ~0x3                                  # doorbells are 32-bit registers
        m = msg_for(bell, dev_idx)
        D.iommu_dma_map_msi_msg(devs[dev_idx], m)
        if m.is_failed():
            assert (bell & ~0xFFF) not in mapped_pages
            continue
        assert m.data == dev_idx
        assert m.address <= mask
        assert d.iova_to_phys(m.address) == bell
        mapped_pages.add(bell & ~0xFFF)
    assert sorted(p.phys for p in d.iova_cookie.msi_page_list) == sorted(mapped_pages)
    iovas = [p.iova for p in d.iova_cookie.msi_page_list]
    assert len(set(iovas)) == len(iovas)


def test_without_force_aperture_a_64bit_mask_overshoots_the_smmu():
    d = dma_domain(ias=32)                            # aperture [0, 0xffffffff]
    dev = attach(d, mask=D.DMA_BIT_MASK(64))
    m = msg_for(ITS_DOORBELL, 1)
    D.iommu_dma_map_msi_msg(dev, m)
    # force_aperture: limit = min(2^64 - 1, 0xffffffff) >> 12 = 0xfffff -> 0xfffff000
    assert (m.address_hi, m.address_lo) == (0, 0xFFFF_F040)
    d2 = dma_domain(ias=32)
    d2.geometry.force_aperture = False
    dev2 = attach(d2, mask=D.DMA_BIT_MASK(64))
    # no clipping: limit pfn (2^64 - 1) >> 12 = 0xf_ffff_ffff_ffff > dma_32bit_pfn ->
    # rb_last (none) -> the IOVA is far beyond the SMMU's 32-bit input range
    alloc = getattr(D, "__alloc_iova")
    iova = alloc(d2, 0x1000, D.dma_get_mask(dev2))
    assert (iova.pfn_lo, iova.pfn_hi) == (0xF_FFFF_FFFF_FFFF, 0xF_FFFF_FFFF_FFFF)
    d2.iova_cookie.iovad.free_iova_range(iova)
    m2 = msg_for(ITS_DOORBELL, 1)
    D.iommu_dma_map_msi_msg(dev2, m2)
    # the model's io-pgtable refuses an iova outside ias (-EINVAL; v4.9 would alias it,
    # see docs/pgtable.md), so the message is the ~0 failure pattern
    assert (m2.address_hi, m2.address_lo, m2.data) == (U32, U32, U32)
    assert d2.iova_cookie.iovad.iovas == []


# --- PCI devices and the eras' allocation rules ------------------------------------------

def pci_domain(behaviour, dev, size=1 << 32, ias=48, **kw):
    d = D.IommuDomain(ias=ias, behaviour=behaviour, **kw)
    assert D.iommu_get_dma_cookie(d, behaviour) == 0
    assert D.iommu_dma_init_domain(d, 0, size, dev) == 0
    assert D.iommu_attach_device(d, dev) == 0
    return d


def test_v410_lower_mask_after_a_full_mask_gets_an_iova_above_its_mask():
    # two devices in one domain, 32-bit and 20-bit masks. 4.9.0 walks from rb_last
    # for the lower limit (limit != dma_32bit_pfn) and stays below 1 MiB; 4.10.0
    # (limit > dma_32bit_pfn is false) starts below the cached node: 0xffffe000,
    # an IOVA the 20-bit device cannot reach
    got = {}
    for b in (kversion.V4_9, kversion.V4_10):
        d = dma_domain(b)
        wide, narrow = attach(d, "wide"), attach(d, "narrow", mask=D.DMA_BIT_MASK(20))
        assert D.iommu_dma_map_page(wide, 0x4000_0000, 4096, IOMMU_READ) == 0xFFFF_F000
        got[b.name] = D.iommu_dma_map_page(narrow, 0x4000_1000, 4096, IOMMU_READ)
    assert got == {"v4.9": 0xFF000, "v4.10": 0xFFFF_E000}


def test_pci_sac_first_from_411():
    # a 64-bit mask in a 48-bit domain: a PCI device first tries below 4 GiB
    # ("Try to get PCI devices a SAC address", 4.11.0 __alloc_iova; 5.2.1 / 6.1
    # iommu_dma_alloc_iova); a platform device, and 4.9/4.10, take the top
    for b, want_pci in ((kversion.V4_9, 0xFFFF_FFFF_F000), (kversion.V4_10, 0xFFFF_FFFF_F000),
                        (kversion.V4_11, 0xFFFF_F000), (kversion.V5_2, 0xFFFF_F000),
                        (kversion.V6_1, 0xFFFF_F000)):
        pci = D.PciDevice("nvme", 8, dma_mask=D.DMA_BIT_MASK(64))
        d = pci_domain(b, pci)
        assert D.iommu_dma_map_page(pci, 0x4000_0000, 4096, IOMMU_READ) == want_pci, b.name
        plat = D.Device("plat", 9, dma_mask=D.DMA_BIT_MASK(64))
        d2 = pci_domain(b, plat)
        assert D.iommu_dma_map_page(plat, 0x4000_0000, 4096, IOMMU_READ) == 0xFFFF_FFFF_F000
        del d, d2


def test_v61_forcedac_skips_the_sac_try_and_v52_has_no_forcedac():
    pci = D.PciDevice("nvme", 8, dma_mask=D.DMA_BIT_MASK(64))
    d = pci_domain(kversion.V6_1, pci)
    assert D.iommu_dma_map_page(pci, 0x4000_0000, 4096, IOMMU_READ, forcedac=True) == \
        0xFFFF_FFFF_F000
    pci52 = D.PciDevice("nvme", 8, dma_mask=D.DMA_BIT_MASK(64))
    pci_domain(kversion.V5_2, pci52)
    with pytest.raises(kversion.KernelFeatureMissing, match="forcedac"):
        D.iommu_dma_map_page(pci52, 0x4000_0000, 4096, IOMMU_READ, forcedac=True)
    assert d.iova_cookie.iovad.rules == kversion.IOVA_V6_1


def test_pci_end_pfn_clamp_in_411_only():
    # 4.11.0 iommu_dma_init_domain: if (pci) end_pfn &= DMA_BIT_MASK(32) >> order
    for b, want in ((kversion.V4_9, 0xF_FFFF_FFFF), (kversion.V4_11, 0xFFFFF)):
        pci = D.PciDevice("nvme", 8)
        d = pci_domain(b, pci, size=1 << 52)
        assert d.iova_cookie.iovad.dma_32bit_pfn == want, b.name
    plat = D.Device("plat")
    d = pci_domain(kversion.V4_11, plat, size=1 << 52)
    assert d.iova_cookie.iovad.dma_32bit_pfn == 0xF_FFFF_FFFF     # aperture end >> 12


def test_pci_windows_reserved_from_49_io_windows_until_52():
    # a bridge with a memory window just below 4 GiB and an I/O window at bus 0
    bridge = D.PciHostBridge(windows=[
        D.ResourceEntry(D.IORESOURCE_MEM, 0xF000_0000, 0xFFFF_FFFF),
        D.ResourceEntry(D.IORESOURCE_IO, 0x0, 0xFFFF)])
    for b in (kversion.V4_9, kversion.V5_2, kversion.V6_1):
        dev = D.PciDevice("nic", 1, bridge=bridge)
        d = pci_domain(b, dev)
        iovad = d.iova_cookie.iovad
        assert iovad.find_iova(0xF0000) is not None and iovad.find_iova(0xFFFFF) is not None
        # 4.9.0 also reserves I/O windows (pfns 0..0xf); 5.2.1 / 6.1 memory only
        assert (iovad.find_iova(0x0) is not None) == (b is kversion.V4_9), b.name
        # the first DMA address is below the window
        assert D.iommu_dma_map_page(dev, 0x4000_0000, 4096, IOMMU_READ) == 0xEFFF_F000
    # a platform device gets no reservation
    plat = D.Device("plat")
    d = pci_domain(kversion.V4_9, plat)
    assert d.iova_cookie.iovad.iovas == []


def test_pci_dma_ranges_52_vs_61():
    # the gaps around the bridge's inbound dma_ranges are reserved; 5.2.1 refuses a
    # range starting at 0 (end > start is false: "Failed to reserve IOVA"), 6.1 only
    # overlapping ones, and sorts them first
    ranges = [D.ResourceEntry(D.IORESOURCE_MEM, 0x8000_0000, 0xBFFF_FFFF),
              D.ResourceEntry(D.IORESOURCE_MEM, 0x0, 0x3FFF_FFFF)]
    dev = D.PciDevice("nic", 1, bridge=D.PciHostBridge(dma_ranges=ranges))
    d = D.IommuDomain(behaviour=kversion.V5_2)
    D.iommu_get_dma_cookie(d, kversion.V5_2)
    assert D.iommu_dma_init_domain(d, 0, 1 << 32, dev) == -EINVAL
    d = pci_domain(kversion.V6_1, D.PciDevice("nic", 1, bridge=D.PciHostBridge(dma_ranges=ranges)))
    iovad = d.iova_cookie.iovad
    # holes: [0x40000000, 0x80000000] and [0xc0000000, ~0] (as pfns, end inclusive)
    assert [(i.pfn_lo, i.pfn_hi) for i in iovad.iovas] == [
        (0x40000, 0x80000), (0xC0000, (1 << 52) - 1)]
    # the highest free page below 4 GiB is now the top of the first dma_range
    dev2 = D.PciDevice("nic2", 2, dma_mask=D.DMA_BIT_MASK(32))
    D.iommu_attach_device(d, dev2)
    assert D.iommu_dma_map_page(dev2, 0x4000_0000, 4096, IOMMU_READ) == 0xBFFF_F000
    # sorted 5.2.1-style input with a gap at 0 works there too
    dev52 = D.PciDevice("nic", 1, bridge=D.PciHostBridge(dma_ranges=[
        D.ResourceEntry(D.IORESOURCE_MEM, 0x1000_0000, 0x3FFF_FFFF)]))
    d52 = pci_domain(kversion.V5_2, dev52)
    assert [(i.pfn_lo, i.pfn_hi) for i in d52.iova_cookie.iovad.iovas] == [
        (0x0, 0x10000), (0x40000, (1 << 52) - 1)]


def test_v61_untrusted_device_unaligned_buffer_is_not_modelled():
    dev = D.PciDevice("tb", 3, untrusted=True)
    pci_domain(kversion.V6_1, dev)
    assert D.dev_is_untrusted(dev, kversion.V6_1)
    assert D.iommu_dma_map_page(dev, 0x4000_0000, 4096, IOMMU_READ) == 0xFFFF_F000
    with pytest.raises(D.DmaIommuError, match="swiotlb"):
        D.iommu_dma_map_page(dev, 0x4000_0010, 64, IOMMU_READ)
    with pytest.raises(kversion.KernelFeatureMissing, match="untrusted"):
        D.dev_is_untrusted(dev, kversion.V5_2)
    with pytest.raises(D.DmaIommuError, match="pci=True"):
        D.Device("x", untrusted=True)


@pytest.mark.parametrize("behaviour", [kversion.V5_2, kversion.V6_1], ids=lambda b: b.name)
def test_52_unmap_then_map_reuses_the_iova_through_the_rcache(behaviour):
    d = dma_domain(behaviour)
    dev = attach(d)
    a = D.iommu_dma_map_page(dev, 0x4000_0000, 4096, IOMMU_READ)
    b = D.iommu_dma_map_page(dev, 0x4000_1000, 4096, IOMMU_READ)
    assert (a, b) == (0xFFFF_F000, 0xFFFF_E000)
    D.iommu_dma_unmap_page(dev, a, 4096)
    assert d.iova_to_phys(a) == 0                              # unmapped (strict)
    assert d.iova_cookie.iovad.find_iova(a >> 12) is not None  # but cached in the rcache
    # the last IOVA freed is the next one handed out
    assert D.iommu_dma_map_page(dev, 0x4000_2000, 4096, IOMMU_READ) == a
    # 3 pages round up to 4 (an order-2 allocation, 4-page aligned)
    c = D.iommu_dma_map_page(dev, 0x4000_3000, 3 * 4096, IOMMU_READ)
    assert c == 0xFFFF_8000 and d.iova_cookie.iovad.find_iova(c >> 12).pfn_hi == 0xFFFFB
    # 5.2.1 / 6.1 unmap the caller's size, not the whole range
    D.iommu_dma_unmap_page(dev, c, 4096)
    assert d.iova_to_phys(c) == 0 and d.iova_to_phys(c + 4096) == 0x4000_4000


def test_v49_walk_past_a_pci_io_window_at_pfn_0_underflows():
    # 4.9.0 reserves the I/O window (bus 0x0-0xffff -> pfns 0..0xf); a 17-bit
    # device that uses up pfns 0x10..0x1f walks past it: limit_pfn = 0 - 1
    from pymodel.iova import IovaUnderflow
    dev = D.PciDevice("nic", 1, dma_mask=D.DMA_BIT_MASK(17), bridge=D.QEMU_VIRT_HOST_BRIDGE)
    pci_domain(kversion.V4_9, dev)
    got = [D.iommu_dma_map_page(dev, 0x4000_0000, 4096, IOMMU_READ) for _ in range(16)]
    assert got == [(0x1F - i) << 12 for i in range(16)]
    with pytest.raises(IovaUnderflow, match="fixed in 4.12"):
        D.iommu_dma_map_page(dev, 0x4000_0000, 4096, IOMMU_READ)


def test_init_domain_without_cookie_enodev_in_49_einval_from_411():
    assert D.iommu_dma_init_domain(D.IommuDomain(), 0, 1 << 32) == -ENODEV
    assert D.iommu_dma_init_domain(D.IommuDomain(), 0, 1 << 32, behaviour="v4.10") == -ENODEV
    for b in ("v4.11", "v5.2", "v6.1"):
        assert D.iommu_dma_init_domain(D.IommuDomain(), 0, 1 << 32, behaviour=b) == -EINVAL
