"""pymodel.iova against v4.9 drivers/iommu/iova.c.

Expected values are worked out by hand from the kernel's rules, shown in the
comments:
  walk:   start at rb_last (limit > dma_32bit_pfn or no cache) or at the node
          before cached32_node with limit = cached->pfn_lo - 1; going down,
          a node whose pfn_hi + size + pad <= limit leaves room above it;
  pad:    (u32)(limit + 1 - size) & (roundup_pow_of_two(size) - 1);
  result: pfn_lo = limit - (size + pad) + 1; at the bottom it must satisfy
          start_pfn + size + pad <= limit, so start_pfn is never handed out;
  cache:  set to the new node when the caller's limit == dma_32bit_pfn; on a
          free at or above the cached node it moves to the freed node's
          successor (if that starts below dma_32bit_pfn) or is cleared.
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymodel.iova import IovaDomain, IovaError, iova_get_pad_size, iova_size

MAX_EXAMPLES = int(os.environ.get("MODEL_HYPOTHESIS_EXAMPLES", "300"))


def rng(iova):
    return (iova.pfn_lo, iova.pfn_hi)


def test_helpers_4k_granule():
    d = IovaDomain(4096, 1, 0xFFFFF)
    assert d.iova_shift() == 12
    assert d.iova_mask() == 0xFFF
    assert d.iova_offset(0x1234_5678) == 0x678
    assert d.iova_align(0x1001) == 0x2000
    assert d.iova_align(0x1000) == 0x1000
    a = d.alloc_iova(1, 0xFFFFF, True)
    assert d.iova_dma_addr(a) == 0xFFFFF000


def test_granule_must_be_power_of_two_not_above_page_size():
    with pytest.raises(IovaError, match="0x3000"):
        IovaDomain(0x3000, 1, 0xFFFFF)
    with pytest.raises(IovaError, match="0x2000"):
        IovaDomain(0x2000, 1, 0xFFFFF)   # BUG_ON(granule > PAGE_SIZE)
    IovaDomain(512, 1, 0xFFFFF)          # smaller granules are fine


def test_size_zero_rejected():
    d = IovaDomain(4096, 1, 0xFFFFF)
    with pytest.raises(IovaError, match="size 0"):
        d.alloc_iova(0, 0xFFFFF, True)


def test_top_down_sequence_with_alignment_padding():
    d = IovaDomain(4096, 1, 0xFFFFF)
    # empty tree, limit 0xfffff, size 1: pad = 0 -> pfn_lo = 0xfffff
    assert rng(d.alloc_iova(1, 0xFFFFF, True)) == (0xFFFFF, 0xFFFFF)
    # cached = [fffff]: limit = 0xffffe, walk starts at rb_prev = none -> 0xffffe
    assert rng(d.alloc_iova(1, 0xFFFFF, True)) == (0xFFFFE, 0xFFFFE)
    # cached = [ffffe]: limit 0xffffd; size 2: pad = (0xffffd + 1 - 2) & 1 = 0
    # pfn_lo = 0xffffd - 2 + 1 = 0xffffc
    assert rng(d.alloc_iova(2, 0xFFFFF, True)) == (0xFFFFC, 0xFFFFD)
    # limit 0xffffb; size 4: pad = (0xffffb + 1 - 4) & 3 = 0xffff8 & 3 = 0 -> 0xffff8
    assert rng(d.alloc_iova(4, 0xFFFFF, True)) == (0xFFFF8, 0xFFFFB)
    # limit 0xffff7; size 3 (rounds up to 4): pad = (0xffff7 + 1 - 3) & 3 = 0xffff5 & 3 = 1
    # pfn_lo = 0xffff7 - (3 + 1) + 1 = 0xffff4 (4-aligned), 0xffff7 left as a hole
    c = d.alloc_iova(3, 0xFFFFF, True)
    assert rng(c) == (0xFFFF4, 0xFFFF6)
    assert d.cached32_node is c
    # not size-aligned: pad 0 -> limit 0xffff3, size 3 -> 0xffff1
    assert rng(d.alloc_iova(3, 0xFFFFF, False)) == (0xFFFF1, 0xFFFF3)


def test_cache_passes_over_padding_hole_until_reset():
    d = IovaDomain(4096, 1, 0xFF)
    a = d.alloc_iova(1, 0xFF, True)                # 0xff
    assert rng(a) == (0xFF, 0xFF)
    # cached [ff]: limit 0xfe; size 2: pad = (0xfe + 1 - 2) & 1 = 0xfd & 1 = 1
    # pfn_lo = 0xfe - 3 + 1 = 0xfc -> hole at 0xfe
    b = d.alloc_iova(2, 0xFF, True)
    assert rng(b) == (0xFC, 0xFD)
    # cached [fc]: limit 0xfb, nothing below -> 0xfb; the hole at 0xfe is passed over
    c = d.alloc_iova(1, 0xFF, True)
    assert rng(c) == (0xFB, 0xFB)
    # free c (pfn_lo 0xfb >= cached 0xfb): cache -> successor [fc-fd] (0xfc < 0xff)
    d.free_iova(0xFB)
    assert d.cached32_node is b
    # free a (0xff >= 0xfc): successor none -> cache cleared
    d.free_iova(0xFF)
    assert d.cached32_node is None
    # walk from rb_last [fc-fd] with limit 0xff: 0xfd + 1 + 0 <= 0xff -> pfn_lo 0xff
    assert rng(d.alloc_iova(1, 0xFF, True)) == (0xFF, 0xFF)
    # cached [ff]: limit 0xfe, walk from [fc-fd]: 0xfd + 1 <= 0xfe -> the hole 0xfe now used
    assert rng(d.alloc_iova(1, 0xFF, True)) == (0xFE, 0xFE)


def test_free_at_or_above_cached_node_moves_or_clears_the_cache():
    d = IovaDomain(4096, 1, 0xFFFFF)
    n = [d.alloc_iova(1, 0xFFFFF, True) for _ in range(4)]   # fffff, ffffe, ffffd, ffffc
    assert [x.pfn_lo for x in n] == [0xFFFFF, 0xFFFFE, 0xFFFFD, 0xFFFFC]
    assert d.cached32_node is n[3]
    # free ffffd: 0xffffd >= cached 0xffffc -> successor [ffffe], 0xffffe < 0xfffff: cached
    d.free_iova(0xFFFFD)
    assert d.cached32_node is n[1]
    # free ffffc (below the cache): no change
    d.free_iova(0xFFFFC)
    assert d.cached32_node is n[1]
    # cached [ffffe]: limit 0xffffd, nothing below -> 0xffffd (the freed 0xffffc is not
    # needed yet)
    assert rng(d.alloc_iova(1, 0xFFFFF, True)) == (0xFFFFD, 0xFFFFD)
    # free ffffe: 0xffffe >= cached 0xffffd -> successor [fffff], but 0xfffff is not
    # < dma_32bit_pfn 0xfffff -> cache cleared
    d.free_iova(0xFFFFE)
    assert d.cached32_node is None
    # walk from rb_last [fffff], limit 0xfffff: 0xfffff + 1 > 0xfffff -> limit 0xffffe;
    # [ffffd]: 0xffffd + 1 <= 0xffffe -> pfn_lo 0xffffe
    assert rng(d.alloc_iova(1, 0xFFFFF, True)) == (0xFFFFE, 0xFFFFE)
    # cached [ffffe]: limit 0xffffd; [ffffd]: no room above it -> limit 0xffffc;
    # bottom: 1 + 1 <= 0xffffc -> 0xffffc (the hole left by the earlier free)
    assert rng(d.alloc_iova(1, 0xFFFFF, True)) == (0xFFFFC, 0xFFFFC)


def test_start_pfn_never_handed_out():
    d = IovaDomain(4096, 0x10, 0x12)
    assert rng(d.alloc_iova(1, 0x12, True)) == (0x12, 0x12)
    assert rng(d.alloc_iova(1, 0x12, True)) == (0x11, 0x11)
    # limit 0x10, empty below: start_pfn + size + pad = 0x11 > 0x10 -> no room,
    # although pfn 0x10 (= start_pfn) is free
    assert d.alloc_iova(1, 0x12, True) is None
    assert d.find_iova(0x10) is None


def test_limit_above_dma_32bit_pfn_walks_from_last_node_and_leaves_cache():
    d = IovaDomain(4096, 1, 0xFFFFF)
    a = d.alloc_iova(1, 0xFFFFF, True)              # 0xfffff, cached
    # limit 0x1_0000_0fff > dma_32bit_pfn: rb_last [fffff], 0xfffff + 1 <= limit
    # -> pfn_lo = 0x1_0000_0fff; limit != dma_32bit_pfn so the cache stays on a
    hi = d.alloc_iova(1, 0x1_0000_0FFF, True)
    assert rng(hi) == (0x1_0000_0FFF, 0x1_0000_0FFF)
    assert d.cached32_node is a
    # back to 32-bit: limit = 0xffffe from the cache
    assert rng(d.alloc_iova(1, 0xFFFFF, True)) == (0xFFFFE, 0xFFFFE)


def test_v49_quirk_cached_node_overrides_a_lower_limit():
    # __get_cached_rbnode uses the cache whenever limit <= dma_32bit_pfn, and
    # replaces the caller's limit by cached->pfn_lo - 1, even when that is higher.
    d = IovaDomain(4096, 1, 0xFFFFF)
    d.alloc_iova(1, 0xFFFFF, True)                  # 0xfffff, cached
    got = d.alloc_iova(1, 0xFF, True)
    # limit becomes 0xfffff - 1 = 0xffffe, nothing below -> 0xffffe, far above 0xff
    assert rng(got) == (0xFFFFE, 0xFFFFE)


def test_pad_size_is_32bit_arithmetic():
    # size 0x1_0000_0002 truncates to 2: roundup 2, mask 1;
    # limit 0x2_ffff_ffff truncates to 0xffffffff: (0xffffffff + 1 - 2) mod 2^32 = 0xfffffffe
    # -> pad = 0xfffffffe & 1 = 0 (64-bit maths would give 0x1_ffff_fffe)
    assert iova_get_pad_size(0x1_0000_0002, 0x2_FFFF_FFFF) == 0
    # ordinary case: size 3, limit 0xffff7: (0xffff8 - 3) & 3 = 0xffff5 & 3 = 1
    assert iova_get_pad_size(3, 0xFFFF7) == 1
    # the u32 subtraction wraps: size 5 (round 8), limit 2: (3 - 5) mod 2^32 = 0xfffffffe; & 7 = 6
    assert iova_get_pad_size(5, 2) == 6
    d = IovaDomain(4096, 1, 0xFFFFF)
    # huge size-aligned range: pad 0 -> pfn_lo = 0x2_ffff_ffff - 0x1_0000_0002 + 1
    # = 0x1_ffff_fffe, NOT aligned to 2^33 as "size aligned" promises
    big = d.alloc_iova(0x1_0000_0002, 0x2_FFFF_FFFF, True)
    assert rng(big) == (0x1_FFFF_FFFE, 0x2_FFFF_FFFF)


def test_find_and_free():
    d = IovaDomain(4096, 1, 0xFFFFF)
    a = d.alloc_iova(4, 0xFFFFF, True)              # pad (0x100000 - 4) & 3 = 0 -> 0xffffc
    assert rng(a) == (0xFFFFC, 0xFFFFF)
    assert iova_size(a) == 4
    assert d.find_iova(0xFFFFD) is a
    assert d.find_iova(0xFFFFB) is None
    d.free_iova(0xFFFFB)                            # nothing there: no-op
    assert d.iovas == [a]
    d.free_iova(0xFFFFE)                            # any pfn inside frees the range
    assert d.iovas == [] and d.cached32_node is None


# --- properties --------------------------------------------------------------------

def _roundup_pow2(n):
    return 1 << (n - 1).bit_length()


ops = st.lists(st.one_of(
    st.tuples(st.just("alloc"), st.integers(1, 24), st.booleans(), st.booleans()),
    st.tuples(st.just("free"), st.integers(0, 1000))), min_size=1, max_size=60)


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=ops, start_pfn=st.integers(0, 8), top=st.integers(16, 400))
def test_property_no_overlap_alignment_limits_start_pfn(ops, start_pfn, top):
    """Limits either == dma_32bit_pfn or above it (the ways dma-iommu calls it):
    ranges never overlap, are size-aligned when asked, stay at or below the
    caller's limit and strictly above start_pfn."""
    d = IovaDomain(4096, start_pfn, top)
    live = []
    for op in ops:
        if op[0] == "alloc":
            _, size, aligned, above = op
            limit = top + 37 if above else top
            got = d.alloc_iova(size, limit, aligned)
            if got is None:
                continue
            assert got.pfn_hi - got.pfn_lo + 1 == size
            assert got.pfn_lo > start_pfn
            assert got.pfn_hi <= limit
            if aligned:
                assert got.pfn_lo % _roundup_pow2(size) == 0
            for other in live:
                assert got.pfn_hi < other.pfn_lo or got.pfn_lo > other.pfn_hi, (got, other)
            live.append(got)
        elif live:
            victim = live.pop(op[1] % len(live))
            d.free_iova(victim.pfn_lo)
    assert d.iovas == sorted(live, key=lambda i: i.pfn_lo)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(ops=ops, start_pfn=st.integers(0, 8), top=st.integers(16, 300))
def test_property_without_cache_gives_highest_aligned_free_slot(ops, start_pfn, top):
    """With dma_32bit_pfn = 0 the cache is never used, and the backwards walk
    must then return the highest aligned free slot above start_pfn (an
    independent brute-force search over a bitmap)."""
    d = IovaDomain(4096, start_pfn, 0)
    used = set()
    live = []
    for op in ops:
        if op[0] == "alloc":
            _, size, aligned, _ = op
            align = _roundup_pow2(size) if aligned else 1
            expect = None
            # pad is taken from the gap's top, so candidates end at limit or gap tops
            p = top - size + 1
            while p > start_pfn:
                if p % align == 0 and not any(q in used for q in range(p, p + size)):
                    expect = p
                    break
                p -= 1
            got = d.alloc_iova(size, top, aligned)
            assert (got.pfn_lo if got else None) == expect
            if got:
                used.update(range(got.pfn_lo, got.pfn_hi + 1))
                live.append(got)
        elif live:
            victim = live.pop(op[1] % len(live))
            used.difference_update(range(victim.pfn_lo, victim.pfn_hi + 1))
            d.free_iova(victim.pfn_hi)


def test_pad_size_when_size_truncates_to_zero():
    # size 2^32 -> (unsigned int) 0; __roundup_pow_of_two(0) = 1UL << fls_long(~0UL) = 1 << 64,
    # which arm64's LSL takes modulo 64 -> 1; mask 0 -> pad 0
    assert iova_get_pad_size(1 << 32, 0x1234) == 0
