"""pymodel.iova's 4.9.0 allocator against an independent transliteration of
4.9.0 drivers/iommu/iova.c, on long random alloc / free / reserve sequences with
mixed limits (below, at and above dma_32bit_pfn).

The oracle below shares no code with pymodel.iova: it keeps a real binary search
tree with parent pointers (rb_prev / rb_next / rb_last / rb_first walk it as
lib/rbtree.c does; the red-black colouring has no effect on the order and is left
out), follows __alloc_and_insert_iova_range's gotos line by line, inserts the new
node starting from `prev` exactly as 4.9.0 does ("If we have 'prev', it's a valid
place to start the insertion"), and does its unsigned long / unsigned int
arithmetic with explicit masks. The model uses a sorted list; agreeing on every
returned range, every node and the cached32_node after every step shows the two
are the same allocator, up to the one place where 4.9.0 corrupts its own tree
(a walk past a range at pfn 0 wraps limit_pfn; the model raises IovaUnderflow
there, and the test checks it does so at exactly that step). The 4.10.0 rule (`>` instead of `!=` in
__get_cached_rbnode) is checked the same way.

The hypothesis test reproduces from hypothesis's own printout; the long run takes
MODEL_SEED (printed) and replays exactly from it.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymodel import kversion
from pymodel.iova import IovaBug, IovaDomainV49, IovaUnderflow

ULONG = (1 << 64) - 1
UINT = (1 << 32) - 1
MAX_EXAMPLES = int(os.environ.get("MODEL_HYPOTHESIS_EXAMPLES", "300"))


class Underflow(Exception):
    """The oracle's walk set limit_pfn = 0 - 1."""


class Node:
    __slots__ = ("pfn_lo", "pfn_hi", "left", "right", "parent")

    def __init__(self) -> None:
        self.pfn_lo = self.pfn_hi = 0
        self.left = self.right = self.parent = None


class C49:
    """4.9.0 iova.c, transliterated (`gt_rule` selects 4.10.0's one changed line)."""

    def __init__(self, start_pfn: int, pfn_32bit: int, gt_rule: bool = False):
        self.root = None
        self.cached32_node = None
        self.start_pfn = start_pfn
        self.dma_32bit_pfn = pfn_32bit
        self.gt_rule = gt_rule

    # lib/rbtree.c navigation
    def rb_first(self):
        n = self.root
        if n is None:
            return None
        while n.left is not None:
            n = n.left
        return n

    def rb_last(self):
        n = self.root
        if n is None:
            return None
        while n.right is not None:
            n = n.right
        return n

    @staticmethod
    def rb_next(node):
        if node.right is not None:
            node = node.right
            while node.left is not None:
                node = node.left
            return node
        while node.parent is not None and node is node.parent.right:
            node = node.parent
        return node.parent

    @staticmethod
    def rb_prev(node):
        if node.left is not None:
            node = node.left
            while node.right is not None:
                node = node.right
            return node
        while node.parent is not None and node is node.parent.left:
            node = node.parent
        return node.parent

    def _replace_child(self, parent, old, new):
        if parent is None:
            self.root = new
        elif parent.left is old:
            parent.left = new
        else:
            parent.right = new
        if new is not None:
            new.parent = parent

    def rb_erase(self, node):
        if node.left is None:
            self._replace_child(node.parent, node, node.right)
        elif node.right is None:
            self._replace_child(node.parent, node, node.left)
        else:
            succ = node.right
            while succ.left is not None:
                succ = succ.left
            if succ.parent is not node:
                self._replace_child(succ.parent, succ, succ.right)
                succ.right = node.right
                succ.right.parent = succ
            self._replace_child(node.parent, node, succ)
            succ.left = node.left
            succ.left.parent = succ

    def _insert_from(self, new, start):
        """The insertion loop: `entry` starts at &prev (or the root)."""
        parent = None
        this = start
        side = None
        while this is not None:
            parent = this
            if new.pfn_lo < this.pfn_lo:
                this, side = this.left, "left"
            elif new.pfn_lo > this.pfn_lo:
                this, side = this.right, "right"
            else:
                raise IovaBug("BUG(): this should not happen")
        new.parent = parent
        new.left = new.right = None
        if parent is None:
            self.root = new
        else:
            setattr(parent, side, new)

    # iova.c
    def __get_cached_rbnode(self, limit_pfn):
        use_last = (limit_pfn > self.dma_32bit_pfn) if self.gt_rule \
            else (limit_pfn != self.dma_32bit_pfn)
        if use_last or self.cached32_node is None:
            return self.rb_last(), limit_pfn
        prev_node = self.rb_prev(self.cached32_node)
        return prev_node, (self.cached32_node.pfn_lo - 1) & ULONG

    def __cached_rbnode_insert_update(self, limit_pfn, new):
        if limit_pfn != self.dma_32bit_pfn:
            return
        self.cached32_node = new

    def __cached_rbnode_delete_update(self, free):
        if not self.cached32_node:
            return
        curr = self.cached32_node
        if free.pfn_lo >= curr.pfn_lo:
            node = self.rb_next(free)
            if node and node.pfn_lo < self.dma_32bit_pfn:
                self.cached32_node = node
            else:
                self.cached32_node = None

    @staticmethod
    def iova_get_pad_size(size, limit_pfn):
        size &= UINT
        limit_pfn &= UINT
        n = size
        # __roundup_pow_of_two(n) = 1UL << fls_long(n - 1) (arm64 shifts modulo 64)
        shift = ((n - 1) & ULONG).bit_length() % 64
        return ((limit_pfn + 1 - size) & UINT) & (((1 << shift) - 1) & ULONG) & UINT

    def __alloc_and_insert_iova_range(self, size, limit_pfn, new, size_aligned):
        pad_size = 0
        saved_pfn = limit_pfn
        curr, limit_pfn = self.__get_cached_rbnode(limit_pfn)
        prev = curr
        while curr:
            curr_iova = curr
            if limit_pfn < curr_iova.pfn_lo:
                goto = "move_left"
            elif limit_pfn < curr_iova.pfn_hi:
                goto = "adjust_limit_pfn"
            else:
                if size_aligned:
                    pad_size = self.iova_get_pad_size(size, limit_pfn)
                if ((curr_iova.pfn_hi + size + pad_size) & ULONG) <= limit_pfn:
                    break                       # found a free slot
                goto = "adjust_limit_pfn"
            if goto == "adjust_limit_pfn":
                if curr_iova.pfn_lo == 0:
                    raise Underflow()
                limit_pfn = (curr_iova.pfn_lo - 1) & ULONG
            # move_left:
            prev = curr
            curr = self.rb_prev(curr)
        if not curr:
            if size_aligned:
                pad_size = self.iova_get_pad_size(size, limit_pfn)
            if ((self.start_pfn + size + pad_size) & ULONG) > limit_pfn:
                return -12
        new.pfn_lo = (limit_pfn - (size + pad_size) + 1) & ULONG
        new.pfn_hi = (new.pfn_lo + size - 1) & ULONG
        self._insert_from(new, prev if prev else self.root)
        self.__cached_rbnode_insert_update(saved_pfn, new)
        return 0

    def alloc_iova(self, size, limit_pfn, size_aligned):
        new = Node()
        if self.__alloc_and_insert_iova_range(size, limit_pfn, new, size_aligned):
            return None
        return new

    def private_find_iova(self, pfn):
        node = self.root
        while node:
            if node.pfn_lo <= pfn <= node.pfn_hi:
                return node
            if pfn < node.pfn_lo:
                node = node.left
            elif pfn > node.pfn_lo:
                node = node.right
        return None

    def __free_iova(self, iova):
        self.__cached_rbnode_delete_update(iova)
        self.rb_erase(iova)

    def free_iova(self, pfn):
        iova = self.private_find_iova(pfn)
        if iova:
            self.__free_iova(iova)

    def reserve_iova(self, pfn_lo, pfn_hi):
        overlap = 0
        node = self.rb_first()
        while node:
            if pfn_lo <= node.pfn_hi and pfn_hi >= node.pfn_lo:
                iova = node
                if pfn_lo < iova.pfn_lo:
                    iova.pfn_lo = pfn_lo
                if pfn_hi > iova.pfn_hi:
                    pfn_lo = (iova.pfn_hi + 1) & ULONG
                if pfn_lo >= iova.pfn_lo and pfn_hi <= iova.pfn_hi:
                    return iova
                overlap = 1
            elif overlap:
                break
            node = self.rb_next(node)
        new = Node()
        new.pfn_lo, new.pfn_hi = pfn_lo, pfn_hi
        self._insert_from(new, self.root)
        return new

    def inorder(self):
        out, node = [], self.rb_first()
        while node:
            out.append((node.pfn_lo, node.pfn_hi))
            node = self.rb_next(node)
        return out


def _rng(x):
    return None if x is None else (x.pfn_lo, x.pfn_hi)


def run_both(ops, start_pfn, top, gt_rule):
    """Apply the ops to both allocators; assert they agree after every step."""
    rules = kversion.IOVA_V4_10 if gt_rule else kversion.IOVA_V4_9
    model = IovaDomainV49(4096, start_pfn, top, rules)
    oracle = C49(start_pfn, top, gt_rule)
    limits = {"at": top, "below": max(top // 2, 1), "above": top + 0x1234,
              "near": max(top - 3, 0)}
    for step, op in enumerate(ops):
        kind = op[0]
        if kind == "alloc":
            _, size, aligned, where = op
            limit = limits[where]
            try:
                got_o = oracle.alloc_iova(size, limit, aligned)
            except Underflow:
                # 4.9.0 wraps limit_pfn here and may misplace the node: the model
                # must refuse at exactly this step, and the sequence ends
                with pytest.raises(IovaUnderflow):
                    model.alloc_iova(size, limit, aligned)
                return
            got_m = model.alloc_iova(size, limit, aligned)
            assert _rng(got_m) == _rng(got_o), (step, op, _rng(got_m), _rng(got_o))
        elif kind == "free":
            nodes = oracle.inorder()
            if nodes:
                lo, hi = nodes[op[1] % len(nodes)]
                pfn = lo + (op[2] % (hi - lo + 1))
                model.free_iova(pfn)
                oracle.free_iova(pfn)
        else:
            _, lo, n = op
            model.reserve_iova(lo, lo + n)
            oracle.reserve_iova(lo, lo + n)
        assert [(i.pfn_lo, i.pfn_hi) for i in model.iovas] == oracle.inorder(), (step, op)
        assert _rng(model.cached32_node) == _rng(oracle.cached32_node), (step, op)


op_strategy = st.lists(st.one_of(
    st.tuples(st.just("alloc"), st.integers(1, 40), st.booleans(),
              st.sampled_from(["at", "below", "above", "near"])),
    st.tuples(st.just("free"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("reserve"), st.integers(0, 600), st.integers(0, 12))),
    min_size=1, max_size=250)


@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ops=op_strategy, start_pfn=st.integers(0, 8), top=st.integers(24, 500),
       gt_rule=st.booleans())
def test_model_equals_transliterated_49_iova_c(ops, start_pfn, top, gt_rule):
    run_both(ops, start_pfn, top, gt_rule)


@pytest.mark.parametrize("gt_rule", [False, True], ids=["4.9.0", "4.10.0"])
def test_long_seeded_sequence(gt_rule):
    seed = int(os.environ.get("MODEL_SEED", random.SystemRandom().randrange(1 << 32)))
    print(f"MODEL_SEED={seed}")
    rng = random.Random(seed)
    ops = []
    for _ in range(4000):
        r = rng.random()
        if r < 0.55:
            ops.append(("alloc", rng.choice([1, 1, 1, 2, 3, 4, 8, 16, 17, 32]), rng.random() < 0.9,
                        rng.choice(["at", "at", "below", "above", "near"])))
        elif r < 0.95:
            ops.append(("free", rng.randrange(10_000), rng.randrange(10_000)))
        else:
            ops.append(("reserve", rng.randrange(0x2000), rng.randrange(16)))
    run_both(ops, rng.randrange(4), 0x1FFF, gt_rule)


def test_oracle_can_disagree():
    """The comparison is not vacuous: the 4.9 and 4.10 rules give different
    results on a lower limit, and the oracle sees it."""
    a, b = C49(1, 0xFFFFF), C49(1, 0xFFFFF, gt_rule=True)
    for o in (a, b):
        o.alloc_iova(1, 0xFFFFF, True)
    assert _rng(a.alloc_iova(1, 0x7FFFF, True)) == (0x7FFFF, 0x7FFFF)
    assert _rng(b.alloc_iova(1, 0x7FFFF, True)) == (0xFFFFE, 0xFFFFE)


def test_underflow_is_where_the_kernel_wraps():
    """reserve_iova(0, 0) (4.9.0 reserves a PCI I/O window at bus address 0 like
    this), then an allocation that must pass below it: 4.9.0 computes
    limit_pfn = 0 - 1 and would hand out pfn_lo 2^64 - 13."""
    o = C49(0, 24)
    o.alloc_iova(1, 24, False)
    o.reserve_iova(0, 0)
    with pytest.raises(Underflow):
        o.alloc_iova(13, 12, False)
    m = IovaDomainV49(4096, 0, 24)
    m.alloc_iova(1, 24, False)
    m.reserve_iova(0, 0)
    with pytest.raises(IovaUnderflow, match="fixed in 4.12"):
        m.alloc_iova(13, 12, False)
