"""IOVA allocator: drivers/iommu/iova.c as of v4.9 (unchanged through v4.12).

The kernel keeps allocated ranges in an rbtree ordered by pfn_lo and allocates
top-down by walking that tree backwards (rb_prev) from either the last node or
the node *before* `cached32_node`. The walk only ever needs "predecessor",
"successor", "last" and "insert in order", so a sorted Python list of `Iova`
objects gives exactly the same visiting order and results as the rbtree; the
rbtree itself (its balancing) has no observable effect.

All `unsigned long` arithmetic is done modulo 2**64 and the padding helper in
32-bit unsigned arithmetic, as the C does. Quirks reproduced on purpose:
  * start_pfn itself is never handed out (the bottom check is `>`, not `>=`);
  * the cached node is used whenever limit_pfn <= dma_32bit_pfn, even if the
    cached node lies above the caller's limit, and it can skip over holes left
    by frees below it (see __cached_rbnode_delete_update).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

M32 = (1 << 32) - 1
M64 = (1 << 64) - 1


class IovaError(ValueError):
    """Bad input to the IOVA allocator (the kernel would BUG_ON or misbehave)."""


@dataclass(eq=False)
class Iova:
    """struct iova: an allocated range [pfn_lo, pfn_hi] of IOVA page frames."""
    pfn_lo: int
    pfn_hi: int

    def __repr__(self) -> str:
        return f"Iova(pfn_lo={self.pfn_lo:#x}, pfn_hi={self.pfn_hi:#x})"


def iova_size(iova: Iova) -> int:
    """iova_size(): number of pages in the range."""
    return iova.pfn_hi - iova.pfn_lo + 1


def _fls_long(x: int) -> int:
    """fls_long(): 1-based index of the most significant set bit, 0 for 0."""
    return (x & M64).bit_length()


def _roundup_pow_of_two(n: int) -> int:
    """__roundup_pow_of_two(unsigned long n) = 1UL << fls_long(n - 1). For n == 0
    the shift count is 64 (undefined in C); arm64's LSL takes it modulo 64 -> 1."""
    return 1 << (_fls_long((n - 1) & M64) % 64)


def iova_get_pad_size(size: int, limit_pfn: int) -> int:
    """iova_get_pad_size(): padding that makes pfn_lo naturally aligned to
    roundup_pow_of_two(size). Both arguments are truncated to unsigned int, the
    subtraction wraps in 32 bits, and the result is an unsigned int."""
    size32 = size & M32
    limit32 = limit_pfn & M32
    return (((limit32 + 1 - size32) & M32) & ((_roundup_pow_of_two(size32) - 1) & M64)) & M32


class IovaDomain:
    """struct iova_domain, set up by init_iova_domain(iovad, granule, start_pfn,
    pfn_32bit). The per-CPU rcaches are not modelled: v4.9's dma-iommu uses
    alloc_iova()/__free_iova(), which bypass them."""

    def __init__(self, granule: int, start_pfn: int, pfn_32bit: int):
        # init_iova_domain(): BUG_ON((granule > PAGE_SIZE) || !is_power_of_2(granule))
        if granule <= 0 or granule & (granule - 1) or granule > 4096:
            raise IovaError(f"granule {granule:#x} is not a power of two <= PAGE_SIZE (4 KiB)")
        if start_pfn < 0 or pfn_32bit < 0:
            raise IovaError(f"negative pfn: start_pfn={start_pfn:#x} pfn_32bit={pfn_32bit:#x}")
        self.granule = granule
        self.start_pfn = start_pfn
        self.dma_32bit_pfn = pfn_32bit
        self.cached32_node: Iova | None = None
        self._nodes: list[Iova] = []      # the rbtree, in pfn_lo order
        self._keys: list[int] = []        # pfn_lo of each node, for bisect

    # --- include/linux/iova.h helpers ---------------------------------------------
    def iova_shift(self) -> int:
        return (self.granule - 1).bit_length()      # __ffs(granule)

    def iova_mask(self) -> int:
        return self.granule - 1

    def iova_offset(self, addr: int) -> int:
        return addr & self.iova_mask()

    def iova_align(self, size: int) -> int:
        return (size + self.granule - 1) & ~self.iova_mask() & M64

    def iova_dma_addr(self, iova: Iova) -> int:
        return (iova.pfn_lo << self.iova_shift()) & M64

    def iova_pfn(self, addr: int) -> int:
        return addr >> self.iova_shift()

    # --- rbtree navigation on the sorted list ----------------------------------
    def _index(self, node: Iova) -> int:
        i = bisect.bisect_left(self._keys, node.pfn_lo)
        if i >= len(self._nodes) or self._nodes[i] is not node:
            raise IovaError(f"{node!r} is not in this domain")
        return i

    def _insert(self, node: Iova) -> None:
        """iova_insert_rbtree(): ordered insert; equal pfn_lo would WARN and be dropped."""
        i = bisect.bisect_left(self._keys, node.pfn_lo)
        if i < len(self._keys) and self._keys[i] == node.pfn_lo:
            raise IovaError(f"duplicate pfn_lo {node.pfn_lo:#x} (kernel: WARN_ON)")
        self._keys.insert(i, node.pfn_lo)
        self._nodes.insert(i, node)

    def _erase(self, node: Iova) -> None:
        i = self._index(node)
        del self._keys[i]
        del self._nodes[i]

    @property
    def iovas(self) -> list[Iova]:
        """All allocated ranges, lowest first (an in-order rbtree walk)."""
        return list(self._nodes)

    # --- cached node bookkeeping --------------------------------------------------
    def _get_cached_rbnode(self, limit_pfn: int) -> tuple[int | None, int]:
        """__get_cached_rbnode(): where the backwards walk starts, and the limit."""
        if limit_pfn > self.dma_32bit_pfn or self.cached32_node is None:
            return (len(self._nodes) - 1 if self._nodes else None), limit_pfn
        i = self._index(self.cached32_node)
        return (i - 1 if i > 0 else None), (self.cached32_node.pfn_lo - 1) & M64

    def _cached_rbnode_insert_update(self, limit_pfn: int, new: Iova) -> None:
        """__cached_rbnode_insert_update()"""
        if limit_pfn != self.dma_32bit_pfn:
            return
        self.cached32_node = new

    def _cached_rbnode_delete_update(self, free: Iova) -> None:
        """__cached_rbnode_delete_update(): runs before the node is erased."""
        if self.cached32_node is None:
            return
        cached = self.cached32_node
        if free.pfn_lo >= cached.pfn_lo:
            i = self._index(free)
            nxt = self._nodes[i + 1] if i + 1 < len(self._nodes) else None
            # only cache if it's below the 32-bit pfn
            if nxt is not None and nxt.pfn_lo < self.dma_32bit_pfn:
                self.cached32_node = nxt
            else:
                self.cached32_node = None

    # --- allocation ---------------------------------------------------------------
    def _alloc_and_insert_iova_range(self, size: int, limit_pfn: int,
                                     size_aligned: bool) -> Iova | None:
        """__alloc_and_insert_iova_range(); None where the kernel returns -ENOMEM."""
        pad_size = 0
        saved_pfn = limit_pfn
        curr, limit_pfn = self._get_cached_rbnode(limit_pfn)
        while curr is not None:
            c = self._nodes[curr]
            if limit_pfn < c.pfn_lo:
                pass                                    # move_left
            else:
                if limit_pfn >= c.pfn_hi:
                    if size_aligned:
                        pad_size = iova_get_pad_size(size, limit_pfn)
                    if ((c.pfn_hi + size + pad_size) & M64) <= limit_pfn:
                        break                           # found a free slot
                # adjust_limit_pfn
                limit_pfn = (c.pfn_lo - 1) if c.pfn_lo else 0
            curr = curr - 1 if curr > 0 else None       # rb_prev()

        if curr is None:
            if size_aligned:
                pad_size = iova_get_pad_size(size, limit_pfn)
            if ((self.start_pfn + size + pad_size) & M64) > limit_pfn:
                return None

        # pfn_lo points to a size-aligned address if size_aligned is set
        pfn_lo = (limit_pfn - (size + pad_size) + 1) & M64
        new = Iova(pfn_lo, (pfn_lo + size - 1) & M64)
        self._insert(new)
        self._cached_rbnode_insert_update(saved_pfn, new)
        return new

    def alloc_iova(self, size: int, limit_pfn: int, size_aligned: bool) -> Iova | None:
        """alloc_iova(): a range of `size` pages at or below limit_pfn, searched
        top-down; None when there is no room."""
        if size < 1:
            raise IovaError(f"alloc_iova size {size} must be at least one page")
        if limit_pfn < 0 or limit_pfn > M64:
            raise IovaError(f"limit_pfn {limit_pfn:#x} is not an unsigned long")
        return self._alloc_and_insert_iova_range(size, limit_pfn, size_aligned)

    def find_iova(self, pfn: int) -> Iova | None:
        """find_iova(): the range containing pfn, or None."""
        i = bisect.bisect_right(self._keys, pfn) - 1
        if i >= 0 and self._nodes[i].pfn_lo <= pfn <= self._nodes[i].pfn_hi:
            return self._nodes[i]
        return None

    def __free_iova(self, iova: Iova) -> None:
        self._cached_rbnode_delete_update(iova)
        self._erase(iova)

    def free_iova_range(self, iova: Iova) -> None:
        """__free_iova(iovad, iova): free a range the caller holds."""
        self.__free_iova(iova)

    def free_iova(self, pfn: int) -> None:
        """free_iova(): find the range containing pfn and free it (no-op if none)."""
        iova = self.find_iova(pfn)
        if iova is not None:
            self.__free_iova(iova)

    def put_iova_domain(self) -> None:
        """put_iova_domain(): destroy every range (cached32_node is left dangling
        in the kernel; nothing may use the domain afterwards, so we clear it)."""
        self._nodes.clear()
        self._keys.clear()
        self.cached32_node = None


def init_iova_domain(granule: int, start_pfn: int, pfn_32bit: int) -> IovaDomain:
    """init_iova_domain()"""
    return IovaDomain(granule, start_pfn, pfn_32bit)


def __free_iova(iovad: IovaDomain, iova: Iova) -> None:  # noqa: N807 - kernel name
    iovad.free_iova_range(iova)
