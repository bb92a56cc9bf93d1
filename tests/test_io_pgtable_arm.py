"""pymodel.io_pgtable_arm: ArmLpaeS1 against the v4.9 io-pgtable-arm rules, and the
reference stage-1 walker against the ARM ARM rules.

Expected descriptor / register values are worked out by hand from the kernel's and
the architecture's bit definitions in the comments, not taken from the model.
Hypothesis runs: PGTABLE_EXAMPLES (default 60) sets max_examples.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymodel.hwdefs import lpae as L
from pymodel.io_pgtable_arm import (SZ_1G, SZ_2M, SZ_4K, ArmLpaeS1, FaultKind,
                                    PgtableConfigError, Translation, WalkConfigError,
                                    WalkFault, axcache, describe_pte, iommu_pgsize,
                                    walk)
from pymodel.linux_defs import (EEXIST, EINVAL, ENOMEM, IOMMU_CACHE, IOMMU_MMIO,
                            IOMMU_NOEXEC, IOMMU_READ, IOMMU_WRITE)
from pymodel.memory import MemoryImage, TablePageAllocator

POOL = 0x4000_0000          # table pages come from here
POOL_SIZE = 1 << 26
EXAMPLES = int(os.environ.get("PGTABLE_EXAMPLES", "60"))

RW = IOMMU_READ | IOMMU_WRITE
MSI_PROT = IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO   # dma-iommu's MSI page prot


def make(ias: int = 48, pool_size: int = POOL_SIZE, tlb=None):
    mem = MemoryImage()
    alloc = TablePageAllocator(mem, POOL, pool_size)
    return mem, alloc, ArmLpaeS1(mem, alloc, ias=ias, tlb=tlb)


def do_walk(mem, pt, iova, **kw):
    return walk(mem, pt.ttbr, pt.tcr, pt.mair, iova, **kw)


# --------------------------------------------------------------------------- config
@pytest.mark.parametrize("ias, tcr, levels, pgd_size", [
    # SH0=IS (3<<12 = 0x3000) | IRGN0=WBWA (1<<8 = 0x100) | ORGN0=WBWA (1<<10 = 0x400)
    # | TG0=4K (0) | EPD1 (1<<23 = 0x80_0000) | IPS=48 bit (5<<32) | T0SZ = 64 - ias
    (48, 0x5_0080_3510, 4, 4096),   # T0SZ 16; 36 va bits -> 4 levels, 9 pgd bits
    (39, 0x5_0080_3519, 3, 4096),   # T0SZ 25; 27 va bits -> 3 levels, 9 pgd bits
    (32, 0x5_0080_3520, 3, 32),     # T0SZ 32; 20 va bits -> 3 levels, 2 pgd bits: 4 entries
])
def test_tcr_mair_ttbr(ias, tcr, levels, pgd_size):
    mem, alloc, pt = make(ias)
    assert pt.tcr == tcr
    # NC 0x44 at index 0, WBRWA 0xff at index 1, DEVICE(nGnRE) 0x04 at index 2
    assert pt.mair == 0x0004_FF44
    assert pt.levels == levels and pt.start_level == 4 - levels
    assert pt.pgd_size == pgd_size
    assert pt.ttbr == pt.pgd == POOL                 # first page of the pool
    assert pt.pgsize_bitmap == 0x4020_1000           # 1G | 2M | 4K


def test_bad_config_raises_named_errors():
    mem = MemoryImage()
    alloc = TablePageAllocator(mem, POOL, POOL_SIZE)
    with pytest.raises(PgtableConfigError, match="ias 31"):
        ArmLpaeS1(mem, alloc, ias=31)
    with pytest.raises(PgtableConfigError, match="oas 47"):
        ArmLpaeS1(mem, alloc, oas=47)


# ----------------------------------------------------------------------- descriptors
@pytest.mark.parametrize("prot, size, expect", [
    # MSI doorbell page: AP_UNPRIV 0x40 | nG 0x800 | AttrIndx DEV(2)<<2 = 0x8
    # | XN 3<<53 | PAGE 3 | AF 0x400 | SH_IS 0x300 -> low 0xF4B, high 0x0060...
    (MSI_PROT, SZ_4K, 0x0060_0000_0000_0F4B),
    # read-only cached page: + AP_RDONLY 0x80, AttrIndx CACHE(1)<<2 = 0x4 -> 0xFC7
    (IOMMU_READ | IOMMU_CACHE, SZ_4K, 0x0000_0000_0000_0FC7),
    # read-write, neither CACHE nor MMIO -> AttrIndx NC (0): 0x40|0x800|3|0x400|0x300
    (RW, SZ_4K, 0x0000_0000_0000_0F43),
    # write-only: no AP_RDONLY (the kernel only sets it for READ without WRITE)
    (IOMMU_WRITE, SZ_4K, 0x0000_0000_0000_0F43),
    # MMIO wins over CACHE: AttrIndx 2
    (RW | IOMMU_CACHE | IOMMU_MMIO, SZ_4K, 0x0000_0000_0000_0F4B),
    # 2 MiB block, cached RW: BLOCK type 1 -> 0x40|0x800|0x4|1|0x400|0x300 = 0xF45
    (RW | IOMMU_CACHE, SZ_2M, 0x0000_0000_0000_0F45),
    # 1 GiB block, read-only noexec NC: 0x40|0x80|0x800|1|0x400|0x300 = 0xFC1, XN
    (IOMMU_READ | IOMMU_NOEXEC, SZ_1G, 0x0060_0000_0000_0FC1),
])
def test_descriptor_bits(prot, size, expect):
    mem, alloc, pt = make()
    iova, pa = 0x1_4000_0000, 0x80_4000_0000          # 1G aligned both
    assert pt.map(iova, pa, size, prot) == 0
    level = {SZ_4K: 3, SZ_2M: 2, SZ_1G: 1}[size]
    assert pt.leaf_pte(iova) == (level, expect | pa)
    assert pt.leaf_pte(iova + size - 1) == (level, expect | pa)


def test_msi_page_descriptor_and_walk_attributes():
    # QEMU virt GICv2m frame 0x0802_0000 mapped at a 32-bit dma-mask IOVA
    mem, alloc, pt = make()
    iova, pa = 0xFFFF_F000, 0x0802_0000
    assert pt.map(iova, pa, SZ_4K, MSI_PROT) == 0
    assert pt.leaf_pte(iova) == (3, 0x0060_0000_0802_0F4B)
    assert pt.iova_to_phys(iova + 0x40) == 0x0802_0040
    t = do_walk(mem, pt, iova + 0x40, write=True)
    assert isinstance(t, Translation)
    assert (t.pa, t.level, t.block_size) == (0x0802_0040, 3, SZ_4K)
    assert t.attr_index == 2 and t.attr == 0x04 and t.device
    assert t.cache_attr(write=True) == 0b0001          # Device-nGnRE: bufferable
    assert t.xn and t.ng and not t.readonly
    # the four descriptor addresses: level-n tables are the pool pages in the order
    # __arm_lpae_map allocated them (pgd, L1, L2, L3); indices of 0xFFFF_F000:
    # L0 0, L1 3, L2 0x1FF, L3 0x1FF
    assert t.reads == (POOL + 0, POOL + 0x1000 + 3 * 8, POOL + 0x2000 + 0x1FF * 8,
                       POOL + 0x3000 + 0x1FF * 8)
    # a device read also works (prot has no READ, but stage-1 AP cannot say
    # "write-only": AP_RDONLY is clear, so reads are allowed architecturally)
    assert isinstance(do_walk(mem, pt, iova), Translation)
    # instruction fetch: XN
    f = do_walk(mem, pt, iova, exec_=True)
    assert isinstance(f, WalkFault) and f.kind is FaultKind.PERMISSION and f.level == 3


def test_describe_pte():
    assert describe_pte(3, 0x0060_0000_0802_0F4B) == (
        "L3 PAGE pa=0x8020000 AttrIndx=2(DEV) AP=RW,EL0 SH=3 AF nG PXN UXN "
        "(0x0060000008020f4b)")
    assert describe_pte(1, 0x4000_1003) == "L1 TABLE next=0x40001000 (0x0000000040001003)"
    assert describe_pte(2, 0).startswith("L2 INVALID")
    assert describe_pte(3, 0x1001).startswith("L3 RESERVED")
    assert describe_pte(2, 0x20_0FC5).startswith("L2 BLOCK pa=0x200000 AttrIndx=1(CACHE) AP=RO,EL0")


def test_no_access_prot_maps_nothing():
    mem, alloc, pt = make()
    # arm_lpae_map returns 0 without mapping when neither READ nor WRITE is set
    assert pt.map(0x10_0000, 0x20_0000, SZ_4K, IOMMU_CACHE | IOMMU_NOEXEC) == 0
    assert pt.leaf_pte(0x10_0000) is None and pt.iova_to_phys(0x10_0000) == 0
    assert pt.table_pages() == [POOL]


# ------------------------------------------------------------------- blocks vs pages
def test_iommu_pgsize_selection():
    bm = SZ_4K | SZ_2M | SZ_1G
    assert iommu_pgsize(bm, 0, 3 * SZ_1G) == SZ_1G
    assert iommu_pgsize(bm, SZ_2M, SZ_1G) == SZ_2M           # alignment limits
    assert iommu_pgsize(bm, SZ_1G | SZ_4K, SZ_1G) == SZ_4K
    assert iommu_pgsize(bm, SZ_1G, SZ_2M + SZ_4K) == SZ_2M     # size limits


def test_blocks_and_pages_by_size_and_alignment():
    mem, alloc, pt = make()
    # 1G-aligned iova and pa, 1G + 2M + 4K: one 1G block, one 2M block, one page
    iova, pa = 0x40_0000_0000, 0x1_0000_0000
    assert pt.map(iova, pa, SZ_1G + SZ_2M + SZ_4K, RW) == 0
    assert pt.leaf_pte(iova)[0] == 1
    assert pt.leaf_pte(iova + SZ_1G)[0] == 2
    assert pt.leaf_pte(iova + SZ_1G + SZ_2M)[0] == 3
    assert pt.leaf_pte(iova + SZ_1G + SZ_2M + SZ_4K) is None
    # pa only 4K aligned: 2M of pages, no blocks (iova|paddr alignment)
    iova2, pa2 = 0x50_0000_0000, 0x2_0000_1000
    assert pt.map(iova2, pa2, SZ_2M, RW) == 0
    leaves = [lv for iv, lv, _, _ in pt.leaves() if iova2 <= iv < iova2 + SZ_2M]
    assert leaves == [3] * 512
    # unaligned start: 4K pages up to the 2M boundary, then a block, then pages
    iova3 = 0x60_001F_E000
    assert pt.map(iova3, iova3 - 0x60_0000_0000, 0x20_4000, RW) == 0
    got = [(iv - iova3, lv) for iv, lv, _, _ in pt.leaves() if iv >= iova3]
    assert got == [(0, 3), (0x1000, 3), (0x2000, 2), (0x20_2000, 3), (0x20_3000, 3)]
    for off in (0, 0x1234, 0x2000, 0x1F_FFFF, 0x20_3FFF):
        assert pt.iova_to_phys(iova3 + off) == iova3 - 0x60_0000_0000 + off


def test_table_pages_for_one_page_per_ias():
    for ias, n in ((48, 4), (39, 3), (32, 3)):
        mem, alloc, pt = make(ias)
        assert pt.map(0x1000, 0x1000, SZ_4K, RW) == 0
        # pgd + one table per further level, allocated consecutively from the pool
        assert pt.table_pages() == [POOL + i * 0x1000 for i in range(n)]


# ------------------------------------------------------------------------ errors
def test_eexist_and_einval():
    mem, alloc, pt = make()
    assert pt.map(0x20_0000, 0x80_0000, SZ_2M, RW) == 0
    assert pt.map(0x20_0000, 0x90_0000, SZ_2M, RW) == -EEXIST    # same block
    assert pt.map(0x20_1000, 0x90_0000, SZ_4K, RW) == -EEXIST    # inside the block
    assert pt.map(0x1000, 0x1000, SZ_4K, RW) == 0
    assert pt.map(0x1000, 0x5000, SZ_4K, IOMMU_READ) == -EEXIST  # same page
    assert pt.map(0x1800, 0x5000, SZ_4K, RW) == -EINVAL          # iova misaligned
    assert pt.map(0x3000, 0x5800, SZ_4K, RW) == -EINVAL          # paddr misaligned
    assert pt.map(0x3000, 0x5000, 0x800, RW) == -EINVAL          # size misaligned
    assert pt.map((1 << 48) - SZ_4K, 0, 2 * SZ_4K, RW) == -EINVAL  # past ias
    assert pt.map(0x3000, (1 << 48) - SZ_4K, 2 * SZ_4K, RW) == -EINVAL  # past oas
    assert pt.unmap(0x1800, SZ_4K) == -EINVAL
    assert pt.iova_to_phys(0x1000) == 0x1000 and pt.iova_to_phys(0x20_0000) == 0x80_0000


def test_failed_map_rolls_back_what_it_mapped():
    mem, alloc, pt = make()
    assert pt.map(0x5000, 0xA000, SZ_4K, RW) == 0
    # 8 pages from 0x1000: pages 0x1000..0x4000 map, 0x5000 exists -> -EEXIST,
    # and iommu_map unmaps 0x1000..0x4fff again
    assert pt.map(0x1000, 0x11000, 8 * SZ_4K, RW) == -EEXIST
    for iova in range(0x1000, 0x9000, SZ_4K):
        assert pt.iova_to_phys(iova) == (0xA000 if iova == 0x5000 else 0)


def test_enomem_when_table_pool_runs_out():
    mem, alloc, pt = make(pool_size=2 * SZ_4K)   # pgd + one more page only
    assert pt.map(0x1000, 0x1000, SZ_4K, RW) == -ENOMEM
    assert pt.iova_to_phys(0x1000) == 0


# ------------------------------------------------------------------ unmap / split
def test_partial_unmap_of_2m_block_splits_into_pages():
    mem, alloc, pt = make()
    iova, pa = 0x20_0000, 0x8020_0000
    assert pt.map(iova, pa, SZ_2M, RW | IOMMU_CACHE) == 0
    assert pt.unmap(iova + 0x5000, SZ_4K) == SZ_4K
    # the L2 entry is now a table (type 3) of 511 pages; each page carries the
    # block's attributes ARM_LPAE_PTE_ATTR_MASK keeps (0xF44: AttrIndx 1,
    # AP_UNPRIV, SH_IS, AF, nG) plus type PAGE 3 -> 0xF47
    assert pt.leaf_pte(iova) == (3, pa | 0xF47)
    assert pt.leaf_pte(iova + 0x1F_F000) == (3, (pa + 0x1F_F000) | 0xF47)
    assert pt.leaf_pte(iova + 0x5000) is None
    assert sum(1 for iv, *_ in pt.leaves() if iova <= iv < iova + SZ_2M) == 511
    f = do_walk(mem, pt, iova + 0x5123)
    assert isinstance(f, WalkFault) and (f.kind, f.level) == (FaultKind.TRANSLATION, 3)
    t = do_walk(mem, pt, iova + 0x6123, write=True)
    assert t.pa == pa + 0x6123 and t.level == 3 and t.attr == 0xFF
    assert t.cache_attr(write=True) == 0b1111 and t.cache_attr() == 0b1111


def test_partial_unmap_of_1g_block_into_2m_blocks():
    mem, alloc, pt = make()
    iova, pa = SZ_1G, 0x2_0000_0000
    assert pt.map(iova, pa, SZ_1G, IOMMU_READ) == 0
    assert pt.unmap(iova + 3 * SZ_2M, SZ_2M) == SZ_2M
    # split at 2M granularity (the unmap size): 511 level-2 blocks, RDONLY kept:
    # 0x40|0x80|0x800|0x400|0x300|BLOCK 1 = 0xFC1
    assert pt.leaf_pte(iova) == (2, pa | 0xFC1)
    assert pt.leaf_pte(iova + 3 * SZ_2M) is None
    assert pt.iova_to_phys(iova + 4 * SZ_2M + 7) == pa + 4 * SZ_2M + 7
    assert len([1 for iv, *_ in pt.leaves()]) == 511


def test_4k_unmap_in_1g_block_splits_to_pages_as_v49_does():
    # v4.9 arm_lpae_split_blk_unmap re-maps the rest of the block at the *unmap*
    # size, so a 4K hole in a 1G block becomes 262143 pages under 512 L3 tables
    # (later kernels split one level at a time)
    mem, alloc, pt = make(pool_size=1 << 22)
    assert pt.map(SZ_1G, 0, SZ_1G, RW) == 0
    assert pt.unmap(SZ_1G + SZ_4K, SZ_4K) == SZ_4K
    assert len(pt.table_pages()) == 3 + 512          # pgd, L1, new L2, 512 x L3
    assert pt.leaf_pte(SZ_1G + SZ_2M) == (3, SZ_2M | 0xF43)
    assert pt.iova_to_phys(SZ_1G + SZ_4K) == 0
    assert pt.iova_to_phys(SZ_1G + SZ_1G - 1) == SZ_1G - 1


def test_failed_split_leaves_the_block_and_frees_partial_tables():
    # not enough table pages to rebuild the 1G block as pages: the split gives
    # up, frees what it allocated and reports 0 bytes unmapped; the block stays
    mem, alloc, pt = make(pool_size=40 * SZ_4K)
    assert pt.map(SZ_1G, 0, SZ_1G, RW) == 0
    before = pt.table_pages()
    assert pt.unmap(SZ_1G + SZ_4K, SZ_4K) == 0
    assert pt.table_pages() == before and pt.leaf_pte(SZ_1G) == (1, 0xF41)
    assert pt.iova_to_phys(SZ_1G + SZ_4K) == SZ_4K
    assert len(alloc._free) == 38                    # every page it took came back


def test_kernel_selftest_sequence():
    """arm_lpae_run_tests for pgsize 4K|2M|1G, repeated at each ias it uses."""
    for ias in (32, 36, 40, 42, 44, 48):
        mem, alloc, pt = make(ias)
        for off in (42, SZ_1G + 42, 2 * SZ_1G + 42):
            assert pt.iova_to_phys(off) == 0
        iova = 0
        for size in (SZ_4K, SZ_2M, SZ_1G):
            assert pt.map(iova, iova, size, RW | IOMMU_NOEXEC | IOMMU_CACHE) == 0
            assert pt.map(iova, iova + size, size, IOMMU_READ | IOMMU_NOEXEC) == -EEXIST
            assert pt.iova_to_phys(iova + 42) == iova + 42
            iova += SZ_1G
        # partial unmap of the 2M block at 1G, then remap it elsewhere
        assert pt.unmap(SZ_1G + SZ_4K, SZ_4K) == SZ_4K
        assert pt.map(SZ_1G + SZ_4K, SZ_4K, SZ_4K, IOMMU_READ) == 0
        assert pt.iova_to_phys(SZ_1G + SZ_4K + 42) == SZ_4K + 42
        iova = 0
        for size in (SZ_4K, SZ_2M, SZ_1G):
            assert pt.unmap(iova, size) == size
            assert pt.iova_to_phys(iova + 42) == 0
            assert pt.map(iova, iova, size, IOMMU_WRITE) == 0
            assert pt.iova_to_phys(iova + 42) == iova + 42
            iova += SZ_1G


def test_unmap_stops_at_hole_and_clears_whole_tables():
    mem, alloc, pt = make()
    assert pt.map(0x1000, 0x1000, 3 * SZ_4K, RW) == 0
    assert pt.unmap(0x1000, 8 * SZ_4K) == 3 * SZ_4K        # stops at 0x4000
    assert pt.unmap(0x1000, SZ_4K) == 0                      # nothing there now
    # pages in a 2M region, then a 2M-sized unmap clears the whole L2 entry and
    # frees the level-3 table (its page goes back to the allocator)
    assert pt.map(0x40_0000, 0x40_0000, 4 * SZ_4K, RW) == 0
    l3 = [p for p in pt.table_pages()][-1]
    assert pt.unmap(0x40_0000, SZ_2M) == SZ_2M
    assert pt.iova_to_phys(0x40_3000) == 0
    assert l3 in alloc._free and l3 not in pt.table_pages()


def test_block_over_leftover_table_frees_it():
    # v4.9 arm_lpae_init_pte: a table where a block goes is unmapped and freed,
    # even with live pages in it (the kernel expects the caller not to do that)
    mem, alloc, pt = make()
    assert pt.map(0x20_1000, 0x9000, SZ_4K, RW) == 0
    l3 = pt.table_pages()[-1]
    assert pt.map(0x20_0000, 0x80_0000, SZ_2M, RW) == 0
    assert pt.leaf_pte(0x20_1000)[0] == 2
    assert pt.iova_to_phys(0x20_1000) == 0x80_1000
    assert l3 in alloc._free


def test_tlb_callbacks_where_the_kernel_makes_them():
    calls = []

    class Tlb:
        def tlb_add_flush(self, iova, size, granule, leaf):
            calls.append(("add", iova, size, granule, leaf))

        def tlb_sync(self):
            calls.append(("sync",))

    mem, alloc, pt = make(tlb=Tlb())
    pt.map(0x20_0000, 0x20_0000, SZ_2M, RW)
    pt.unmap(0x20_0000, SZ_4K)        # split: flush the whole block as a leaf
    assert calls == [("add", 0x20_0000, SZ_2M, SZ_2M, True), ("sync",)]
    calls.clear()
    pt.unmap(0x20_0000, SZ_2M)        # table entry: non-leaf flush, sync, free
    assert calls == [("add", 0x20_0000, SZ_2M, SZ_4K, False), ("sync",), ("sync",)]


def test_free_pgtable_returns_every_page():
    mem, alloc, pt = make()
    pt.map(0x1000, 0x1000, SZ_4K, RW)
    pt.map(SZ_1G + SZ_2M, 0, SZ_2M, RW)
    pages = pt.table_pages()
    # pgd, L1 (both iovas are under L0[0]), L2 + L3 for 0x1000, L2 for 1G + 2M
    assert len(pages) == 5
    pt.free_pgtable()
    assert sorted(alloc._free) == sorted(pages)


# ---------------------------------------------------------------------- ias extremes
def test_ias_32_extremes():
    mem, alloc, pt = make(32)
    top = 0xFFFF_F000
    assert pt.map(top, 0xFFFF_F000_0000 & ~0xFFF, SZ_4K, RW) == 0
    assert pt.map(1 << 32, 0, SZ_4K, RW) == -EINVAL
    t = do_walk(mem, pt, top + 0xFFF)
    # start level 1 (T0SZ 32): 3 reads; L1 index 3 in the 4-entry pgd
    assert t.level == 3 and len(t.reads) == 3 and t.reads[0] == POOL + 3 * 8
    assert t.pa == 0xFFFF_F000_0FFF
    f = do_walk(mem, pt, 1 << 32)
    assert (f.kind, f.level, f.reads) == (FaultKind.TRANSLATION, 0, ())


def test_ias_48_extremes():
    mem, alloc, pt = make(48)
    top = (1 << 48) - SZ_4K
    assert pt.map(top, 0x1234_5000, SZ_4K, RW) == 0
    t = do_walk(mem, pt, top + 8)
    assert t.level == 3 and len(t.reads) == 4 and t.reads[0] == POOL + 0x1FF * 8
    assert t.pa == 0x1234_5008
    assert pt.map(1 << 48, 0, SZ_4K, RW) == -EINVAL
    assert do_walk(mem, pt, 1 << 48).kind is FaultKind.TRANSLATION


# ----------------------------------------------------------------------- the walker
def hand_tables(mem: MemoryImage):
    """ias 39 (T0SZ 25, start level 1) tables written by hand for fault tests.
    L1 @0x10000, L2 @0x11000, L3 @0x12000. iova 0x4000_0000 * i selects L1[i]."""
    tcr = (25 << L.TCR_T0SZ_SHIFT) | (L.IPS_40BIT << L.TCR_IPS_SHIFT)   # 40-bit PA
    l1, l2, l3 = 0x10000, 0x11000, 0x12000
    mem.write_u64(l1 + 0 * 8, l2 | 3)                       # L1[0] -> L2 table
    mem.write_u64(l2 + 0 * 8, l3 | 3)                       # L2[0] -> L3 table
    page = 0x40 | 0x300 | 0x400 | 3                           # AP_UNPRIV, SH IS, AF, page
    mem.write_u64(l3 + 1 * 8, 0x5000 | page)                 # 0x1000: RW page
    mem.write_u64(l3 + 2 * 8, 0x6000 | page & ~0x400)        # 0x2000: AF = 0
    mem.write_u64(l3 + 3 * 8, 0x7000 | page | 0x80)          # 0x3000: read-only
    mem.write_u64(l3 + 4 * 8, 0x8000 | page | (1 << 54))     # 0x4000: UXN only
    mem.write_u64(l3 + 5 * 8, 0x9000 | page | (1 << 53))     # 0x5000: PXN only
    mem.write_u64(l3 + 6 * 8, (1 << 44) | page)              # 0x6000: OA above 40 bits
    mem.write_u64(l3 + 7 * 8, 0xA000 | 0x300 | 0x400 | 3)    # 0x7000: AP[1]=0 (priv)
    mem.write_u64(l3 + 8 * 8, 0xB000 | 1 | 0x440 | 0x300)    # 0x8000: type 01 at L3
    mem.write_u64(l3 + 9 * 8, (1 << 44) | page & ~0x400)     # 0x9000: OA big AND AF=0
    mem.write_u64(l2 + 1 * 8, 0x40_0000 | 0x740 | 1)         # 0x20_0000: 2M block RW
    mem.write_u64(l2 + 2 * 8, (1 << 45) | 3)                 # 0x40_0000: table >40 bits
    mem.write_u64(l1 + 1 * 8, 0x8000_0000 | 0x740 | 1)       # 0x4000_0000: 1G block
    l2b = 0x13000                                            # L1[2]: APTable/XNTable
    mem.write_u64(l1 + 2 * 8, l2b | 3 | (1 << 62) | (1 << 60))
    mem.write_u64(l2b, 0xC0_0000 | 0x740 | 1)                # 0x8000_0000: 2M block
    return l1, tcr


def w(mem, ttbr, tcr, iova, **kw):
    return walk(mem, ttbr, tcr, 0x0004_FF44, iova, **kw)


def test_walker_fault_kinds():
    mem = MemoryImage()
    l1, tcr = hand_tables(mem)
    ok = w(mem, l1, tcr, 0x1234, write=True)
    assert isinstance(ok, Translation) and ok.pa == 0x5234 and ok.attr == 0x44
    assert ok.reads == (l1, 0x11000, 0x12000 + 8)
    assert ok.cache_attr() == 0b0011                       # Normal NC
    cases = [
        # (iova, kwargs, kind, level)
        (0x0000, {}, FaultKind.TRANSLATION, 3),              # L3[0] invalid
        (0x8000, {}, FaultKind.TRANSLATION, 3),              # block type at level 3
        (0x2000, {}, FaultKind.ACCESS_FLAG, 3),
        (0x2000, {"write": True}, FaultKind.ACCESS_FLAG, 3),  # AF before permission
        (0x3000, {"write": True}, FaultKind.PERMISSION, 3),
        (0x4000, {"exec_": True}, FaultKind.PERMISSION, 3),  # UXN
        (0x6000, {}, FaultKind.ADDRESS_SIZE, 3),
        (0x9000, {}, FaultKind.ADDRESS_SIZE, 3),             # address size before AF
        (0x7000, {}, FaultKind.PERMISSION, 3),               # unprivileged, AP[1]=0
        (0x40_0000, {}, FaultKind.ADDRESS_SIZE, 2),          # next-table address
        (0x60_0000, {}, FaultKind.TRANSLATION, 2),           # L2[3] invalid
        (0xC000_0000, {}, FaultKind.TRANSLATION, 1),         # L1[3] invalid
        (0x8000_0000, {"write": True}, FaultKind.PERMISSION, 2),  # APTable[1]
        (0x8000_0000, {"exec_": True}, FaultKind.PERMISSION, 2),  # XNTable
        (1 << 39, {}, FaultKind.TRANSLATION, 0),             # beyond 2^(64-T0SZ)
    ]
    for iova, kw, kind, level in cases:
        f = w(mem, l1, tcr, iova, **kw)
        assert isinstance(f, WalkFault), (hex(iova), kw, f)
        assert (f.kind, f.level) == (kind, level), (hex(iova), kw, f)
        assert f.iova == iova and f.write == kw.get("write", False)
        assert f.exec_ == kw.get("exec_", False)
    # the ones that do translate
    assert w(mem, l1, tcr, 0x5000, exec_=True).pa == 0x9000   # PXN only: EL0 may exec
    assert w(mem, l1, tcr, 0x7000, priv=True).pa == 0xA000    # privileged may read
    # privileged exec of a read-only page without PXN is fine
    assert w(mem, l1, tcr, 0x3000, exec_=True, priv=True).pa == 0x7000
    # privileged exec of a page writable at EL0 is PXN (AArch64 rule)
    assert w(mem, l1, tcr, 0x1000, exec_=True, priv=True).kind is FaultKind.PERMISSION
    blk = w(mem, l1, tcr, 0x21_2345, write=True)
    assert (blk.pa, blk.level, blk.block_size) == (0x41_2345, 2, SZ_2M)
    g = w(mem, l1, tcr, 0x4123_4567)
    assert (g.pa, g.level, g.block_size, g.reads) == (0x8123_4567, 1, SZ_1G, (l1 + 8,))
    ro = w(mem, l1, tcr, 0x8000_0010)
    assert ro.readonly and ro.xn and ro.pa == 0xC0_0010


def test_walker_external_abort_on_descriptor_read():
    mem = MemoryImage()
    l1, tcr = hand_tables(mem)
    bad = {0x11000}                           # the L2 descriptor for iova 0x1000
    f = w(mem, l1, tcr, 0x1000, read_error=lambda a: a in bad)
    assert (f.kind, f.level, f.reads) == (FaultKind.EXTERNAL, 2, (l1, 0x11000))
    f = w(mem, l1, tcr, 0x1000, read_error=lambda a: a == l1)
    assert (f.kind, f.level) == (FaultKind.EXTERNAL, 1)
    # a descriptor outside physical memory is an external abort as well
    small = MemoryImage(size=0x11000)
    l1s, tcr_s = hand_tables_fit(small)
    f = w(small, l1s, tcr_s, 0x1000)
    assert (f.kind, f.level) == (FaultKind.EXTERNAL, 2)


def hand_tables_fit(mem):
    mem.write_u64(0x10000, 0x20000 | 3)       # next table beyond the memory's end
    return 0x10000, (25 << L.TCR_T0SZ_SHIFT) | (L.IPS_48BIT << L.TCR_IPS_SHIFT)


def test_walker_ttbr_asid_epd0_baddr_and_config_errors():
    mem = MemoryImage()
    l1, tcr = hand_tables(mem)
    # ASID in TTBR[63:48] is ignored for the walk
    assert w(mem, (0xABCD << 48) | l1, tcr, 0x1000).pa == 0x5000
    # TTBR base above the 40-bit OAS: address size fault, level 0, no reads
    f = w(mem, 1 << 41, tcr, 0x1000)
    assert (f.kind, f.level, f.reads) == (FaultKind.ADDRESS_SIZE, 0, ())
    # EPD0 = 1: TTBR0 walks disabled -> level 0 translation fault
    f = w(mem, l1, tcr | (1 << L.TCR_EPD0_BIT), 0x1000)
    assert (f.kind, f.level) == (FaultKind.TRANSLATION, 0)
    # BADDR below the start table's size is ignored: the 512-entry L1 table is
    # 4 KiB, so TTBR bits [11:0] don't move it
    assert w(mem, l1 | 0xFF8, tcr, 0x1000).pa == 0x5000
    with pytest.raises(WalkConfigError, match="T0SZ 15"):
        w(mem, l1, 15, 0)
    with pytest.raises(WalkConfigError, match="T0SZ 40"):
        w(mem, l1, 40, 0)
    with pytest.raises(WalkConfigError, match="TG0 1"):
        w(mem, l1, tcr | (1 << L.TCR_TG0_SHIFT), 0)


def test_walker_level0_block_is_translation_fault():
    mem = MemoryImage()
    pgd = 0x10000
    mem.write_u64(pgd, 0x740 | 1)             # block at level 0: not allowed with 4K
    f = walk(mem, pgd, 16, 0x0004_FF44, 0x1000)
    assert (f.kind, f.level) == (FaultKind.TRANSLATION, 0)


def test_walker_start_level_by_t0sz():
    # T0SZ 16..24 -> level 0, 25..33 -> level 1, 34..39 -> level 2
    mem = MemoryImage()
    for t0sz, level in ((16, 0), (24, 0), (25, 1), (33, 1), (34, 2), (39, 2)):
        f = walk(mem, 0x10000, t0sz, 0, 0)
        assert f.kind is FaultKind.TRANSLATION and f.level == level, t0sz


@pytest.mark.parametrize("attr, rd, wr", [
    (0x00, 0b0000, 0b0000),     # Device-nGnRnE: device non-bufferable
    (0x04, 0b0001, 0b0001),     # Device-nGnRE: device bufferable
    (0x08, 0b0001, 0b0001),     # Device-nGRE
    (0x0C, 0b0001, 0b0001),     # Device-GRE
    (0x44, 0b0011, 0b0011),     # Normal NC: non-cacheable bufferable
    (0xFF, 0b1111, 0b1111),     # WB non-transient, RW-allocate
    (0xCC, 0b1011, 0b0111),     # WB, no allocate
    (0xEE, 0b1111, 0b0111),     # WB read-allocate
    (0xDD, 0b1011, 0b1111),     # WB write-allocate
    (0x77, 0b1111, 0b1111),     # WB transient RW-allocate
    (0x88, 0b1010, 0b0110),     # WT, no allocate
    (0xAA, 0b1110, 0b0110),     # WT read-allocate
    (0x99, 0b1010, 0b1110),     # WT write-allocate
    (0xBB, 0b1110, 0b1110),     # WT RW-allocate
    (0x22, 0b1110, 0b0110),     # WT transient read-allocate
])
def test_axcache_mapping(attr, rd, wr):
    # AMBA AXI4 memory types (ARCACHE / AWCACHE), outer attribute Attr[7:4]
    assert axcache(attr, write=False) == rd
    assert axcache(attr, write=True) == wr


# ------------------------------------------------------------------- properties
PROTS = st.sampled_from([IOMMU_READ, IOMMU_WRITE, RW]).flatmap(
    lambda base: st.sets(st.sampled_from([IOMMU_CACHE, IOMMU_NOEXEC, IOMMU_MMIO])).map(
        lambda extra: base | sum(extra)))


def expect_attrs(t: Translation, prot: int):
    assert t.readonly == (not prot & IOMMU_WRITE)
    assert t.xn == bool(prot & IOMMU_NOEXEC)
    idx = 2 if prot & IOMMU_MMIO else 1 if prot & IOMMU_CACHE else 0
    assert t.attr_index == idx and t.attr == (0x44, 0xFF, 0x04)[idx]
    assert t.device == bool(prot & IOMMU_MMIO) and t.ng


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(ias=st.sampled_from([32, 39, 40, 48]), data=st.data())
def test_map_then_walk_then_unmap(ias, data):
    mem, alloc, pt = make(ias)
    npages = data.draw(st.integers(1, 1100), label="npages")
    span = 1 << ias
    iova = data.draw(st.integers(0, span // SZ_4K - npages), label="iova_pfn") * SZ_4K
    # paddr: sometimes congruent with iova modulo 2M so blocks can be used
    if data.draw(st.booleans(), label="block_friendly"):
        paddr = (data.draw(st.integers(0, (1 << 26) - 1)) << 21) | (iova & (SZ_2M - 1))
    else:
        paddr = data.draw(st.integers(0, (1 << 36) - npages)) * SZ_4K
    prot = data.draw(PROTS, label="prot")
    size = npages * SZ_4K
    assert pt.map(iova, paddr, size, prot) == 0
    offs = {0, size - 1, data.draw(st.integers(0, size - 1), label="off")}
    for off in offs:
        t = do_walk(mem, pt, iova + off, write=bool(prot & IOMMU_WRITE))
        assert isinstance(t, Translation), (hex(iova + off), t)
        assert t.pa == paddr + off
        assert pt.iova_to_phys(iova + off) == paddr + off
        # the walker ends on the very descriptor the model wrote for this iova
        assert (t.level, t.pte) == pt.leaf_pte(iova + off)
        assert t.reads[-1] == pt.leaf_pte_addr(iova + off)
        assert len(t.reads) == t.level - pt.start_level + 1
        # the leaf lies inside the mapped range and has the chosen size
        leaf_iova = (iova + off) & ~(t.block_size - 1)
        assert iova <= leaf_iova and leaf_iova + t.block_size <= iova + size
        expect_attrs(t, prot)
    # blocks wherever iova|paddr alignment and size allow one
    first_2m = -(-iova // SZ_2M) * SZ_2M
    if (iova - paddr) % SZ_2M == 0 and first_2m + SZ_2M <= iova + size:
        assert pt.leaf_pte(first_2m)[0] in (1, 2)
    assert pt.unmap(iova, size) == size
    for off in offs:
        f = do_walk(mem, pt, iova + off)
        assert isinstance(f, WalkFault) and f.kind is FaultKind.TRANSLATION
        assert pt.iova_to_phys(iova + off) == 0


WINDOW_PAGES = 4096          # 16 MiB window: room for several 2M blocks


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_map_unmap_sequences_match_dict_reference(data):
    mem, alloc, pt = make(39)
    base = 0x7F_0000_0000 % (1 << 39)
    ref: dict[int, tuple[int, int]] = {}          # iova page -> (pa page, prot)
    for _ in range(data.draw(st.integers(1, 14), label="nops")):
        if ref and data.draw(st.booleans(), label="unmap?"):
            # unmap a run of mapped pages starting at a mapped page
            start = data.draw(st.sampled_from(sorted(ref)), label="unmap start")
            n = 1
            limit = data.draw(st.integers(1, 700), label="unmap max")
            while n < limit and start + n * SZ_4K in ref:
                n += 1
            assert pt.unmap(start, n * SZ_4K) == n * SZ_4K
            for i in range(n):
                del ref[start + i * SZ_4K]
        else:
            npages = data.draw(st.integers(1, 700), label="map npages")
            first = data.draw(st.integers(0, WINDOW_PAGES - npages), label="map first")
            iova = base + first * SZ_4K
            pages = [iova + i * SZ_4K for i in range(npages)]
            prot = data.draw(PROTS, label="prot")
            overlap = any(p in ref for p in pages)
            if overlap:
                # paddr - iova = 4K (mod 8K): iommu_map uses 4K pages throughout,
                # so it meets the existing leaf and fails with -EEXIST
                paddr = ((data.draw(st.integers(0, 1 << 20)) << 13) | (iova & 0x1FFF)) ^ 0x1000
            else:
                paddr = (data.draw(st.integers(0, 1 << 14)) << 21) | (iova & (SZ_2M - 1))
                if data.draw(st.booleans(), label="misalign pa"):
                    paddr ^= 0x1000
            ret = pt.map(iova, paddr, npages * SZ_4K, prot)
            if overlap:
                assert ret == -EEXIST
            else:
                assert ret == 0
                for i, p in enumerate(pages):
                    ref[p] = (paddr + i * SZ_4K, prot)
        # the whole window agrees with the reference (leaves expanded to pages)
        seen = {}
        for iv, lvl, _, pte in pt.leaves():
            bs = pt.block_size(lvl)
            for k in range(0, bs, SZ_4K):
                seen[iv + k] = (pte & L.PTE_ADDR_MASK & ~(bs - 1)) + k
        assert seen == {p: v[0] for p, v in ref.items()}
        # and the walker agrees on a few sampled pages
        probe = data.draw(st.lists(st.integers(0, WINDOW_PAGES - 1), max_size=4),
                          label="probes")
        for pg in probe:
            iv = base + pg * SZ_4K
            r = do_walk(mem, pt, iv + 0x18)
            if iv in ref:
                assert isinstance(r, Translation) and r.pa == ref[iv][0] + 0x18
                expect_attrs(r, ref[iv][1])
            else:
                assert isinstance(r, WalkFault) and r.kind is FaultKind.TRANSLATION


# --- the 6.1.141 flavour (kversion.PGTABLE_V6_1) ------------------------------------------

def make61(ias: int = 48, oas: int = 48, coherent: bool = True, ns: bool = False):
    from pymodel import kversion
    mem = MemoryImage()
    alloc = TablePageAllocator(mem, POOL, POOL_SIZE)
    return mem, ArmLpaeS1(mem, alloc, ias=ias, oas=oas, flavour=kversion.PGTABLE_V6_1,
                          coherent_walk=coherent, quirk_arm_ns=ns)


def test_v61_mair_is_the_sign_extended_int():
    # (0x44 << 0) | (0xff << 8) | (0x04 << 16) | (0xf4 << 24) is an int: 0xf404ff44
    # is negative, and `cfg->arm_lpae_s1_cfg.mair = reg` sign-extends it
    _, pt = make61()
    assert pt.mair == 0xFFFF_FFFF_F404_FF44
    assert make()[2].mair == 0x0004_FF44                  # 4.9.0: three attributes, mair[0]


def test_v61_tcr_from_coherent_walk():
    # coherent: SH0 IS (3 << 12), IRGN0 / ORGN0 WBWA (1 << 8, 1 << 10); TG0 4K 0;
    # IPS 48-bit 5 << 32; T0SZ 16; EPD1 1 << 23 (as the SMMU drivers add it)
    _, pt = make61()
    assert pt.tcr == 0x5_0080_3510
    assert pt.tcr_fields == {"ips": 5, "tg": 0, "sh": 3, "orgn": 1, "irgn": 1, "tsz": 16}
    # not coherent: SH0 OS (2 << 12), IRGN0 / ORGN0 non-cacheable (0)
    _, pt = make61(coherent=False, oas=44)
    assert pt.tcr == 0x4_0080_2010
    assert pt.tcr_fields == {"ips": 4, "tg": 0, "sh": 2, "orgn": 0, "irgn": 0, "tsz": 16}


@pytest.mark.parametrize("prot, low12", [
    # nG 0x800 | AP_UNPRIV 0x40 | AttrIndx << 2 | SH << 8 | AF 0x400 | page 0x3
    (RW | IOMMU_CACHE, 0xF47),                        # AttrIndx 1, SH IS
    (RW, 0xE43),                                      # AttrIndx 0 (NC), SH OS
    (IOMMU_READ | IOMMU_CACHE, 0xFC7),                # + AP_RDONLY 0x80
    (RW | IOMMU_CACHE | (1 << 5), 0xF07),             # IOMMU_PRIV: no AP_UNPRIV
    (MSI_PROT, 0xE4B),                                # AttrIndx 2 (device), SH OS, + XN
])
def test_v61_page_descriptors(prot, low12):
    _, pt = make61()
    assert pt.map(0x1000, 0x0809_0000, SZ_4K, prot) == 0
    lvl, pte = pt.leaf_pte(0x1000)
    assert lvl == 3 and pte & 0xFFF == low12
    assert pte & ~0xFFF & ((1 << 48) - 1) == 0x0809_0000
    assert (pte >> 53) & 3 == (3 if prot & IOMMU_NOEXEC else 0)


def test_v49_ignores_priv_and_cache_for_sh():
    _, _, pt = make()
    assert pt.map(0x1000, 0x4000_0000, SZ_4K, RW | (1 << 5)) == 0
    # 4.9.0: AP_UNPRIV always, SH_IS always (arm_lpae_init_pte)
    assert pt.leaf_pte(0x1000)[1] & 0xFFF == 0xF43


def test_v61_ns_quirk_sets_ns_and_nstable():
    _, pt = make61(ns=True)
    assert pt.map(0x20_0000, 0x4000_0000, SZ_2M, RW | IOMMU_CACHE) == 0
    lvl, pte = pt.leaf_pte(0x20_0000)
    assert lvl == 2 and pte & 0xFFF == 0xF65                 # block 0x1, + NS 0x20
    l0 = pt.memory.read_u64(pt.pgd)
    assert l0 >> 63 == 1 and l0 & 3 == 3                      # NSTABLE on the table
    _, pt = make61()
    assert pt.map(0x20_0000, 0x4000_0000, SZ_2M, RW | IOMMU_CACHE) == 0
    assert pt.leaf_pte(0x20_0000)[1] & 0xFFF == 0xF45 and pt.memory.read_u64(pt.pgd) >> 63 == 0


def test_v61_non_coherent_tables_carry_sw_sync_and_still_walk():
    mem, pt = make61(coherent=False)
    assert pt.map(0x1000, 0x4000_0000, SZ_4K, RW) == 0
    l0 = mem.read_u64(pt.pgd)
    assert (l0 >> 55) & 1 == 1                                # ARM_LPAE_PTE_SW_SYNC
    t = do_walk(mem, pt, 0x1234)
    assert isinstance(t, Translation) and t.pa == 0x4000_0234
    assert pt.iova_to_phys(0x1234) == 0x4000_0234
    assert pt.unmap(0x1000, SZ_4K) == SZ_4K


def test_v61_split_keeps_the_block_attributes():
    _, pt = make61()
    assert pt.map(0x20_0000, 0x4000_0000, SZ_2M, RW) == 0      # NC: SH OS
    assert pt.unmap(0x20_1000, SZ_4K) == SZ_4K
    assert pt.leaf_pte(0x20_0000)[1] & 0xFFF == 0xE43          # pages keep SH OS / AF
    assert pt.leaf_pte(0x20_1000) is None


def test_unknown_pgtable_flavour_is_a_named_error():
    mem = MemoryImage()
    with pytest.raises(PgtableConfigError, match="v9"):
        ArmLpaeS1(mem, TablePageAllocator(mem, POOL, POOL_SIZE), flavour="v9")


def test_v61_range_and_no_access_errors():
    # 6.1.141 arm_lpae_map_pages: WARN_ON(iaext || paddr >> cfg->oas) -> -ERANGE,
    # then a prot without READ or WRITE -> -EINVAL (4.9.0 returned 0, mapping nothing)
    _, pt = make61(ias=39, oas=40)
    assert pt.arm_lpae_map(1 << 39, 0x4000_0000, SZ_4K, RW) == -34
    assert pt.arm_lpae_map(0x1000, 1 << 40, SZ_4K, RW) == -34
    assert pt.map(1 << 39, 0x4000_0000, SZ_4K, RW) == -34
    assert pt.arm_lpae_map(0x1000, 0x4000_0000, SZ_4K, IOMMU_NOEXEC) == -EINVAL
    _, _, pt49 = make(ias=39)
    assert pt49.arm_lpae_map(0x1000, 0x4000_0000, SZ_4K, IOMMU_NOEXEC) == 0
    assert pt49.leaf_pte(0x1000) is None
