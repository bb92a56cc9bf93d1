"""IOVA allocators: drivers/iommu/iova.c in its two shapes.

`IovaDomainV49` is the old allocator as in 4.9.0 (and, with the `v4.10` rules, as
in 4.10.0 and 4.11.0). `IovaDomainV415` is the 4.15 rewrite as in 5.2.1 (rules
`v5.2`) and 6.1.141 (rules `v6.1`), with its per-CPU range caches ("rcaches")
modelled exactly for one CPU. `init_iova_domain()` picks one from a
`pymodel.kversion` IOVA name.

The kernel keeps allocated ranges in an rbtree ordered by pfn_lo. Every walk the
allocators do only needs "predecessor", "successor", "last", "first node whose
pfn_hi reaches X" and "insert in order", so a sorted Python list of `Iova` objects
gives the same visiting order and results as the rbtree; the tree's balancing has
no observable effect (the insertion hint `prev` always lands the node in its
in-order place; 6.1's iova_find_limit() may stop on the node straddling the limit
or on its successor depending on the tree's shape, and both give the same walk).

All `unsigned long` arithmetic is done modulo 2**64, and 4.9's padding helper in
32-bit unsigned arithmetic, as the C does.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Optional

from pymodel import kversion

M32 = (1 << 32) - 1
M64 = (1 << 64) - 1
PAGE_SIZE = 4096

# iova.c / iova.h constants of the rewrite
IOVA_ANCHOR = M64                       # "The anchor node sits above the top of the usable address space"
IOVA_RANGE_CACHE_MAX_SIZE = 6           # log of max cached IOVA range size (in pages)
MAX_GLOBAL_MAGS = 32                    # magazines per bin
IOVA_MAG_SIZE = {kversion.IOVA_V5_2: 128, kversion.IOVA_V6_1: 127}


class IovaError(ValueError):
    """Bad input to the IOVA allocator (the kernel would BUG_ON or misbehave)."""


class IovaBug(IovaError):
    """A state the kernel stops on with BUG() / BUG_ON()."""


class IovaUseAfterFree(IovaError):
    """5.2.1's __cached_rbnode_delete_update can leave cached32_node on the range
    being freed (after an earlier free moved it up to a range above 32 bits, then
    that range is freed: `free->pfn_hi < dma_32bit_pfn` is false, so nothing moves
    it). The next use of cached32_node reads freed memory. 6.1 adds the
    `free == cached_iova` check. The model stops at that next use."""


class IovaUnderflow(IovaError):
    """4.9.0-4.11.0 __alloc_and_insert_iova_range walked past a range starting at
    pfn 0: `limit_pfn = curr_iova->pfn_lo - 1` wraps to ~0UL, the kernel hands out
    a range at the top of the unsigned long space (far above the caller's limit)
    and inserts it from `prev`, which can misplace it in the rbtree. 4.12 guards
    it (`pfn_lo ? pfn_lo - 1 : 0`). The model stops here instead of guessing the
    tree's shape."""


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


def order_base_2(n: int) -> int:
    """order_base_2(): ceil(log2(n)), 0 for n <= 1."""
    return 0 if n <= 1 else (n - 1).bit_length()


def iova_get_pad_size(size: int, limit_pfn: int) -> int:
    """iova_get_pad_size() (4.9): padding that makes pfn_lo naturally aligned to
    roundup_pow_of_two(size). Both arguments are truncated to unsigned int, the
    subtraction wraps in 32 bits, and the result is an unsigned int."""
    size32 = size & M32
    limit32 = limit_pfn & M32
    return (((limit32 + 1 - size32) & M32) & ((_roundup_pow_of_two(size32) - 1) & M64)) & M32


class _SortedTree:
    """The rbtree as a sorted list of nodes keyed by pfn_lo, plus the
    include/linux/iova.h helpers both allocators share."""

    def __init__(self, granule: int, start_pfn: int):
        # init_iova_domain(): BUG_ON((granule > PAGE_SIZE) || !is_power_of_2(granule))
        if granule <= 0 or granule & (granule - 1) or granule > PAGE_SIZE:
            raise IovaBug(f"granule {granule:#x} is not a power of two <= PAGE_SIZE (4 KiB)")
        if start_pfn < 0 or start_pfn > M64:
            raise IovaError(f"start_pfn {start_pfn:#x} is not an unsigned long")
        self.granule = granule
        self.start_pfn = start_pfn
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

    def _link(self, node: Iova, duplicate: str) -> None:
        """iova_insert_rbtree(): ordered insert; an equal pfn_lo is BUG() in
        4.9.0-4.11.0 and WARN_ON + no insert from 4.12 (the model raises for both)."""
        i = bisect.bisect_left(self._keys, node.pfn_lo)
        if i < len(self._keys) and self._keys[i] == node.pfn_lo:
            raise IovaBug(f"duplicate pfn_lo {node.pfn_lo:#x} (kernel: {duplicate})")
        self._keys.insert(i, node.pfn_lo)
        self._nodes.insert(i, node)

    def _erase(self, node: Iova) -> None:
        i = self._index(node)
        del self._keys[i]
        del self._nodes[i]

    def _rekey(self, node: Iova, new_lo: int) -> None:
        """reserve_iova's __adjust_overlap_range lowers pfn_lo of a node in place."""
        i = self._index(node)
        node.pfn_lo = new_lo
        self._keys[i] = new_lo

    def _private_find_iova(self, pfn: int) -> Optional[Iova]:
        i = bisect.bisect_right(self._keys, pfn) - 1
        if i >= 0 and self._nodes[i].pfn_lo <= pfn <= self._nodes[i].pfn_hi:
            return self._nodes[i]
        return None

    def find_iova(self, pfn: int) -> Optional[Iova]:
        """find_iova(): the range containing pfn, or None."""
        return self._private_find_iova(pfn)

    def _check_alloc_args(self, size: int, limit_pfn: int) -> None:
        if size < 1:
            raise IovaError(f"alloc_iova size {size} must be at least one page")
        if limit_pfn < 0 or limit_pfn > M64:
            raise IovaError(f"limit_pfn {limit_pfn:#x} is not an unsigned long")

    def _reserve_iova(self, pfn_lo: int, pfn_hi: int, duplicate: str) -> Optional[Iova]:
        """reserve_iova(): merge with overlapping ranges, insert what is left."""
        if pfn_hi < pfn_lo or pfn_lo < 0 or pfn_hi > M64:
            # the kernel would insert a node with pfn_lo > pfn_hi, on which
            # private_find_iova() loops forever
            raise IovaError(f"reserve_iova({pfn_lo:#x}, {pfn_hi:#x}): not a range")
        overlap = False
        for node in list(self._nodes):
            if pfn_lo <= node.pfn_hi and pfn_hi >= node.pfn_lo:      # __is_range_overlap
                # __adjust_overlap_range
                if pfn_lo < node.pfn_lo:
                    self._rekey(node, pfn_lo)
                if pfn_hi > node.pfn_hi:
                    pfn_lo = (node.pfn_hi + 1) & M64
                if pfn_lo >= node.pfn_lo and pfn_hi <= node.pfn_hi:
                    return node
                overlap = True
            elif overlap:
                break
        node = Iova(pfn_lo, pfn_hi)
        self._link(node, duplicate)
        return node


class IovaDomainV49(_SortedTree):
    """struct iova_domain of the old allocator, set up by
    init_iova_domain(iovad, granule, start_pfn, pfn_32bit). `rules` is
    kversion.IOVA_V4_9 (4.9.0) or kversion.IOVA_V4_10 (4.10.0 and 4.11.0: the
    cached node serves every limit_pfn <= dma_32bit_pfn).

    Quirks reproduced on purpose:
      * start_pfn itself is never handed out (the bottom check is `>`, not `>=`);
      * 4.9.0 uses cached32_node only when limit_pfn == dma_32bit_pfn exactly;
        4.10.0 also for lower limits, so the walk can start above the caller's
        limit and hand out an IOVA above it;
      * the cached node can skip over holes left by frees below it
        (__cached_rbnode_delete_update);
      * adjust_limit_pfn wraps (`pfn_lo - 1`; the zero guard is 4.12): a walk
        past a range at pfn 0 (reserve_iova of a PCI I/O window at bus address 0
        does that) raises IovaUnderflow, see there.
    The rcaches of this iova.c are not modelled: 4.9-4.11's dma-iommu uses
    alloc_iova()/__free_iova(), which bypass them."""

    def __init__(self, granule: int, start_pfn: int, pfn_32bit: int,
                 rules: str = kversion.IOVA_V4_9):
        if rules not in (kversion.IOVA_V4_9, kversion.IOVA_V4_10):
            raise IovaError(f"IovaDomainV49 rules {rules!r}: want v4.9 or v4.10")
        super().__init__(granule, start_pfn)
        if pfn_32bit < 0 or pfn_32bit > M64:
            raise IovaError(f"pfn_32bit {pfn_32bit:#x} is not an unsigned long")
        self.rules = rules
        self.dma_32bit_pfn = pfn_32bit
        self.cached32_node: Optional[Iova] = None

    @property
    def iovas(self) -> list[Iova]:
        """All allocated ranges, lowest first (an in-order rbtree walk)."""
        return list(self._nodes)

    # --- cached node bookkeeping --------------------------------------------------
    def _get_cached_rbnode(self, limit_pfn: int) -> tuple[Optional[int], int]:
        """__get_cached_rbnode(): where the backwards walk starts, and the limit."""
        if self.rules == kversion.IOVA_V4_9:
            use_last = limit_pfn != self.dma_32bit_pfn      # 4.9.0
        else:
            use_last = limit_pfn > self.dma_32bit_pfn       # 4.10.0: the one changed line
        if use_last or self.cached32_node is None:
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
            # only cache if it's below 32bit pfn
            if nxt is not None and nxt.pfn_lo < self.dma_32bit_pfn:
                self.cached32_node = nxt
            else:
                self.cached32_node = None

    # --- allocation ---------------------------------------------------------------
    def _alloc_and_insert_iova_range(self, size: int, limit_pfn: int,
                                     size_aligned: bool) -> Optional[Iova]:
        """__alloc_and_insert_iova_range(); None where the kernel returns -ENOMEM."""
        pad_size = 0
        saved_pfn = limit_pfn
        curr, limit_pfn = self._get_cached_rbnode(limit_pfn)
        while curr is not None:
            c = self._nodes[curr]
            if limit_pfn < c.pfn_lo:
                pass                                    # goto move_left
            else:
                if limit_pfn >= c.pfn_hi:
                    if size_aligned:
                        pad_size = iova_get_pad_size(size, limit_pfn)
                    if ((c.pfn_hi + size + pad_size) & M64) <= limit_pfn:
                        break                           # found a free slot
                if c.pfn_lo == 0:                       # adjust_limit_pfn would wrap
                    raise IovaUnderflow(
                        f"alloc_iova(size {size:#x}, limit {saved_pfn:#x}): the walk passes "
                        f"{c!r}; {self.rules} sets limit_pfn = pfn_lo - 1 = ~0UL and hands "
                        f"out the top of the address space (fixed in 4.12)")
                limit_pfn = (c.pfn_lo - 1) & M64        # adjust_limit_pfn
            curr = curr - 1 if curr > 0 else None       # move_left: rb_prev()

        if curr is None:
            if size_aligned:
                pad_size = iova_get_pad_size(size, limit_pfn)
            if ((self.start_pfn + size + pad_size) & M64) > limit_pfn:
                return None

        # pfn_lo will point to size aligned address if size_aligned is set
        pfn_lo = (limit_pfn - (size + pad_size) + 1) & M64
        new = Iova(pfn_lo, (pfn_lo + size - 1) & M64)
        self._link(new, "BUG()")
        self._cached_rbnode_insert_update(saved_pfn, new)
        return new

    def alloc_iova(self, size: int, limit_pfn: int, size_aligned: bool) -> Optional[Iova]:
        """alloc_iova(): a range of `size` pages at or below limit_pfn (but see the
        4.10 cached-node quirk), searched top-down; None when there is no room."""
        self._check_alloc_args(size, limit_pfn)
        return self._alloc_and_insert_iova_range(size, limit_pfn, size_aligned)

    def reserve_iova(self, pfn_lo: int, pfn_hi: int) -> Optional[Iova]:
        """reserve_iova()"""
        return self._reserve_iova(pfn_lo, pfn_hi, "BUG()")

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


# The name the rest of the model (and its users) know the 4.9 allocator by
IovaDomain = IovaDomainV49


class _Magazine:
    """struct iova_magazine: `pfns[:size]` as a list."""
    __slots__ = ("pfns",)

    def __init__(self) -> None:
        self.pfns: list[int] = []


class _CpuRcache:
    """struct iova_cpu_rcache: the loaded and the previous magazine."""
    __slots__ = ("loaded", "prev")

    def __init__(self) -> None:
        self.loaded = _Magazine()
        self.prev = _Magazine()


class _Rcache:
    """struct iova_rcache of one size bin, for the one modelled CPU."""
    __slots__ = ("depot", "cpu")

    def __init__(self) -> None:
        self.depot: list[_Magazine] = []
        self.cpu = _CpuRcache()


class IovaDomainV415(_SortedTree):
    """struct iova_domain of the 4.15+ allocator, set up by
    init_iova_domain(iovad, granule, start_pfn) (+ iova_domain_init_rcaches in
    6.1). `rules` is kversion.IOVA_V5_2 (5.2.1) or kversion.IOVA_V6_1 (6.1.141).

    What changed from 4.9: an anchor node at IOVA_ANCHOR ends the tree; a
    cached_node (walks above 32 bits) beside cached32_node; dma_32bit_pfn is
    1 << (32 - shift); limits are exclusive inside the walk (alloc_iova passes
    limit_pfn + 1) and start_pfn itself can be handed out; max32_alloc_size
    remembers the smallest failed size below 32 bits. 6.1 adds the retry above the
    cached node (iova_find_limit) when the walk from it fails.

    The rcaches: per size order < IOVA_RANGE_CACHE_MAX_SIZE, one CPU's loaded and
    prev magazines of IOVA_MAG_SIZE pfns (128 in 5.2.1, 127 in 6.1) and a depot
    of up to MAX_GLOBAL_MAGS full magazines. free_iova_fast pushes the pfn on the
    loaded magazine, alloc_iova_fast pops the newest fitting one: the last IOVA
    freed is the next one handed out."""

    def __init__(self, granule: int, start_pfn: int, rules: str = kversion.IOVA_V6_1):
        if rules not in IOVA_MAG_SIZE:
            raise IovaError(f"IovaDomainV415 rules {rules!r}: want v5.2 or v6.1")
        super().__init__(granule, start_pfn)
        self.rules = rules
        self.mag_size = IOVA_MAG_SIZE[rules]
        self.anchor = Iova(IOVA_ANCHOR, IOVA_ANCHOR)
        self._link(self.anchor, "WARN_ON")
        self.cached_node: Iova = self.anchor
        self.cached32_node: Iova = self.anchor
        self.dma_32bit_pfn = 1 << (32 - self.iova_shift())
        self.max32_alloc_size = self.dma_32bit_pfn
        self.rcaches = [_Rcache() for _ in range(IOVA_RANGE_CACHE_MAX_SIZE)]
        self._dangling: Optional[Iova] = None    # 5.2.1: a freed range cached32_node still names

    @property
    def iovas(self) -> list[Iova]:
        """All allocated ranges, lowest first, without the anchor."""
        return self._nodes[:-1]

    def _next(self, node: Iova) -> Optional[Iova]:
        i = self._index(node)
        return self._nodes[i + 1] if i + 1 < len(self._nodes) else None

    # --- cached nodes ------------------------------------------------------------
    def _check_cached32(self, free: Optional[Iova] = None) -> None:
        if self._dangling is not None and self._dangling is self.cached32_node:
            what = f"freeing {free!r}" if free is not None else "a walk below 32 bits"
            raise IovaUseAfterFree(
                f"{what}: cached32_node is {self.cached32_node!r}, freed earlier "
                f"({self.rules} __cached_rbnode_delete_update left it there)")

    def _get_cached_rbnode(self, limit_pfn: int) -> Iova:
        """__get_cached_rbnode()"""
        if limit_pfn <= self.dma_32bit_pfn:
            self._check_cached32()
            return self.cached32_node
        return self.cached_node

    def _cached_rbnode_insert_update(self, new: Iova) -> None:
        """__cached_rbnode_insert_update()"""
        if new.pfn_hi < self.dma_32bit_pfn:
            self.cached32_node = new
        else:
            self.cached_node = new

    def _cached_rbnode_delete_update(self, free: Iova) -> None:
        """__cached_rbnode_delete_update(): runs before the node is erased."""
        cached = self.cached32_node
        if self.rules == kversion.IOVA_V5_2:
            self._check_cached32(free)
            if free.pfn_hi < self.dma_32bit_pfn and free.pfn_lo >= cached.pfn_lo:
                self.cached32_node = self._next(free)
                self.max32_alloc_size = self.dma_32bit_pfn
            elif free is cached:
                self._dangling = free           # left pointing at the freed range
        else:
            if free is cached or (free.pfn_hi < self.dma_32bit_pfn
                                  and free.pfn_lo >= cached.pfn_lo):
                self.cached32_node = self._next(free)
            if free.pfn_lo < self.dma_32bit_pfn:
                self.max32_alloc_size = self.dma_32bit_pfn
        if free.pfn_lo >= self.cached_node.pfn_lo:
            self.cached_node = self._next(free)

    def _iova_find_limit(self, limit_pfn: int) -> int:
        """iova_find_limit() (6.1): the anchor above 32 bits, else the first node
        whose range reaches limit_pfn (the kernel's tree search may stop on its
        successor instead when that node straddles the limit: same walk)."""
        if limit_pfn > self.dma_32bit_pfn:
            return len(self._nodes) - 1
        for i, node in enumerate(self._nodes):
            if node.pfn_hi >= limit_pfn:
                return i
        return len(self._nodes) - 1              # unreachable: the anchor reaches all

    # --- allocation ---------------------------------------------------------------
    def _alloc_and_insert_iova_range(self, size: int, limit_pfn: int,
                                     size_aligned: bool) -> Optional[Iova]:
        """__alloc_and_insert_iova_range(); limit_pfn is exclusive. None where the
        kernel returns -ENOMEM."""
        align_mask = M64
        if size_aligned:
            align_mask = (align_mask << _fls_long(size - 1)) & M64
        if limit_pfn <= self.dma_32bit_pfn and size >= self.max32_alloc_size:
            return None                              # goto iova32_full

        nodes = self._nodes
        curr = self._index(self._get_cached_rbnode(limit_pfn))
        high_pfn, low_pfn = limit_pfn, self.start_pfn
        retry_pfn = nodes[curr].pfn_hi
        v61 = self.rules == kversion.IOVA_V6_1
        while True:                                  # retry:
            while True:
                high_pfn = min(high_pfn, nodes[curr].pfn_lo)
                new_pfn = (high_pfn - size) & align_mask & M64
                prev = curr
                curr = curr - 1 if curr > 0 else None  # rb_prev()
                if curr is None or new_pfn > nodes[curr].pfn_hi:
                    break
                if v61 and new_pfn < low_pfn:
                    break
            if high_pfn < size or new_pfn < low_pfn:
                if v61 and low_pfn == self.start_pfn and retry_pfn < limit_pfn:
                    high_pfn = limit_pfn
                    low_pfn = retry_pfn + 1
                    curr = self._iova_find_limit(limit_pfn)
                    continue
                self.max32_alloc_size = size
                return None
            break
        del prev                                     # only the kernel's insertion hint
        new = Iova(new_pfn, (new_pfn + size - 1) & M64)
        self._link(new, "WARN_ON")
        self._cached_rbnode_insert_update(new)
        return new

    def alloc_iova(self, size: int, limit_pfn: int, size_aligned: bool) -> Optional[Iova]:
        """alloc_iova(): limit_pfn is inclusive here, as for the caller."""
        self._check_alloc_args(size, limit_pfn)
        return self._alloc_and_insert_iova_range(size, (limit_pfn + 1) & M64, size_aligned)

    def reserve_iova(self, pfn_lo: int, pfn_hi: int) -> Optional[Iova]:
        """reserve_iova(): WARN and NULL for pfns beyond the dma_addr_t range."""
        if (pfn_hi | pfn_lo) > (M64 >> self.iova_shift()):
            return None
        return self._reserve_iova(pfn_lo, pfn_hi, "WARN_ON")

    def _remove_iova(self, iova: Iova) -> None:
        """private_free_iova() (5.2) / remove_iova() (6.1)"""
        self._cached_rbnode_delete_update(iova)
        self._erase(iova)

    def free_iova_range(self, iova: Iova) -> None:
        """__free_iova(iovad, iova)"""
        self._remove_iova(iova)

    def free_iova(self, pfn: int) -> None:
        """free_iova(): find the range containing pfn and free it (no-op if none)."""
        iova = self._private_find_iova(pfn)
        if iova is not None and iova is not self.anchor:
            self._remove_iova(iova)

    # --- rcaches ------------------------------------------------------------------
    def _magazine_free_pfns(self, mag: _Magazine) -> None:
        """iova_magazine_free_pfns(): give every cached range back to the tree."""
        for pfn in mag.pfns:
            iova = self._private_find_iova(pfn)
            if iova is None:
                if self.rules == kversion.IOVA_V5_2:
                    raise IovaBug(f"rcache pfn {pfn:#x} not in the tree (kernel: BUG_ON)")
                continue                             # 6.1: WARN_ON and go on
            self._remove_iova(iova)
        mag.pfns = []

    def _rcache_insert(self, pfn: int, size: int) -> bool:
        """iova_rcache_insert() / __iova_rcache_insert() on CPU 0."""
        log_size = order_base_2(size)
        if log_size >= IOVA_RANGE_CACHE_MAX_SIZE:
            return False
        rcache = self.rcaches[log_size]
        cpu = rcache.cpu
        mag_to_free = None
        if len(cpu.loaded.pfns) < self.mag_size:
            pass
        elif len(cpu.prev.pfns) < self.mag_size:
            cpu.prev, cpu.loaded = cpu.loaded, cpu.prev
        else:
            if len(rcache.depot) < MAX_GLOBAL_MAGS:
                rcache.depot.append(cpu.loaded)
            else:
                mag_to_free = cpu.loaded
            cpu.loaded = _Magazine()
        cpu.loaded.pfns.append(pfn)                   # iova_magazine_push()
        if mag_to_free is not None:
            self._magazine_free_pfns(mag_to_free)
        return True

    @staticmethod
    def _magazine_pop(mag: _Magazine, limit_pfn: int) -> int:
        """iova_magazine_pop(): the newest pfn <= limit_pfn, swapped out; 0 if none."""
        pfns = mag.pfns
        i = len(pfns) - 1
        while pfns[i] > limit_pfn:
            if i == 0:
                return 0
            i -= 1
        pfn = pfns[i]
        pfns[i] = pfns[-1]
        pfns.pop()
        return pfn

    def _rcache_get(self, size: int, limit_pfn: int) -> int:
        """iova_rcache_get() / __iova_rcache_get() on CPU 0; limit_pfn exclusive."""
        log_size = order_base_2(size)
        if log_size >= IOVA_RANGE_CACHE_MAX_SIZE:
            return 0
        rcache = self.rcaches[log_size]
        cpu = rcache.cpu
        if cpu.loaded.pfns:
            pass
        elif cpu.prev.pfns:
            cpu.prev, cpu.loaded = cpu.loaded, cpu.prev
        elif rcache.depot:
            cpu.loaded = rcache.depot.pop()
        else:
            return 0
        return self._magazine_pop(cpu.loaded, (limit_pfn - size) & M64)

    def free_cpu_cached_iovas(self, cpu: int = 0) -> None:
        """free_cpu_cached_iovas(): empty CPU 0's loaded and prev magazines."""
        for rcache in self.rcaches:
            self._magazine_free_pfns(rcache.cpu.loaded)
            self._magazine_free_pfns(rcache.cpu.prev)

    def free_global_cached_iovas(self) -> None:
        """free_global_cached_iovas() (6.1): empty every depot."""
        for rcache in self.rcaches:
            for mag in rcache.depot:
                self._magazine_free_pfns(mag)
            rcache.depot = []

    def cached_pfns(self) -> list[int]:
        """Every pfn sitting in an rcache (still allocated in the tree)."""
        out: list[int] = []
        for rcache in self.rcaches:
            out += rcache.cpu.loaded.pfns + rcache.cpu.prev.pfns
            for mag in rcache.depot:
                out += mag.pfns
        return out

    def alloc_iova_fast(self, size: int, limit_pfn: int, flush_rcache: bool) -> int:
        """alloc_iova_fast(): a pfn from the rcache, else from the tree (size
        aligned); on failure with flush_rcache, empty the caches once and retry.
        0 when there is no room. 6.1 rounds sizes below 32 pages up to a power of
        two here (5.2.1 does it in iommu_dma_alloc_iova)."""
        self._check_alloc_args(size, limit_pfn)
        if self.rules == kversion.IOVA_V6_1 and size < (1 << (IOVA_RANGE_CACHE_MAX_SIZE - 1)):
            size = _roundup_pow_of_two(size)
        iova_pfn = self._rcache_get(size, (limit_pfn + 1) & M64)
        if iova_pfn:
            return iova_pfn
        while True:
            new = self.alloc_iova(size, limit_pfn, True)
            if new is not None:
                return new.pfn_lo
            if not flush_rcache:
                return 0
            # Try replenishing IOVAs by flushing rcache.
            flush_rcache = False
            self.free_cpu_cached_iovas(0)
            if self.rules == kversion.IOVA_V6_1:
                self.free_global_cached_iovas()

    def free_iova_fast(self, pfn: int, size: int) -> None:
        """free_iova_fast(): into the rcache, or back to the tree if it is too big."""
        if self._rcache_insert(pfn, size):
            return
        self.free_iova(pfn)

    def put_iova_domain(self) -> None:
        """put_iova_domain(): free the rcaches and every range."""
        self.rcaches = [_Rcache() for _ in range(IOVA_RANGE_CACHE_MAX_SIZE)]
        self._nodes = [self.anchor]
        self._keys = [IOVA_ANCHOR]
        self.cached_node = self.cached32_node = self.anchor
        self._dangling = None


AnyIovaDomain = IovaDomainV49 | IovaDomainV415


def init_iova_domain(granule: int, start_pfn: int, pfn_32bit: Optional[int] = None,
                     rules: str = kversion.IOVA_V4_9) -> AnyIovaDomain:
    """init_iova_domain(): 4.9-4.11 take pfn_32bit, the rewrite does not."""
    if rules in (kversion.IOVA_V4_9, kversion.IOVA_V4_10):
        if pfn_32bit is None:
            raise IovaError(f"init_iova_domain ({rules}) needs pfn_32bit")
        return IovaDomainV49(granule, start_pfn, pfn_32bit, rules)
    if pfn_32bit is not None:
        raise IovaError(f"init_iova_domain ({rules}) has no pfn_32bit argument")
    return IovaDomainV415(granule, start_pfn, rules)


def __free_iova(iovad: AnyIovaDomain, iova: Iova) -> None:  # noqa: N807 - kernel name
    iovad.free_iova_range(iova)
