"""Model of drivers/iommu/io-pgtable-arm.c (ARM_64_LPAE_S1, 4 KiB granule) as in
4.9.0, with the 6.1.141 descriptor and register values as a flavour, and an
architectural VMSAv8-64 stage-1 reference walker (the SMMU oracle).

Read `ArmLpaeS1` beside io-pgtable-arm.c: the private methods carry the kernel's
function names (`_arm_lpae_map` is `__arm_lpae_map`, ...) and the same arithmetic
(`ARM_LPAE_LVL_SHIFT`, `ARM_LPAE_LVL_IDX`, `ARM_LPAE_BLOCK_SIZE`). The tables live
in a `MemoryImage` at addresses a `TablePageAllocator` hands out, so the cocotb RAM
models (and the SMMU's walker port) read exactly what the model wrote.

`ArmLpaeS1.map` / `.unmap` are the iommu core's `iommu_map` / `iommu_unmap` loops
(drivers/iommu/iommu.c) over the io-pgtable ops `arm_lpae_map` / `arm_lpae_unmap`,
which are also exposed under those names for one-pgsize calls.

Flavours (`kversion.PGTABLE_*`, docs/pgtable.md):
- v4.9 (4.9.0 arm_lpae_prot_to_pte / arm_lpae_init_pte / arm_64_lpae_alloc_pgtable_s1):
  every leaf SH inner-shareable and AP_UNPRIV; MAIR attributes 0-2 (0x0004ff44);
  TCR SH0 IS, IRGN0/ORGN0 WBWA whatever the walk coherency.
- v6.1 (6.1.141 arm_lpae_prot_to_pte): SH inner-shareable only with IOMMU_CACHE,
  otherwise outer-shareable; AP_UNPRIV unless IOMMU_PRIV; NS only with
  IO_PGTABLE_QUIRK_ARM_NS (NSTABLE on tables too); MAIR gains 0xf4
  (ARM_LPAE_MAIR_ATTR_INC_OWBRWA) at index 3, and the int expression is
  sign-extended into the u64 (0xfffffffff404ff44); TCR SH/IRGN/ORGN from
  cfg->coherent_walk (IS/WBWA/WBWA, else OS/NC/NC); table descriptors written by
  a non-coherent walker carry ARM_LPAE_PTE_SW_SYNC (bit 55).

Departures from the kernels (see docs/pgtable.md):
- an iova or paddr outside ias / oas bits gives -EINVAL (4.9 silently aliases the
  iova through the masked table index and truncates paddr to 48 bits);
- mapping a smaller size inside an existing block gives -EEXIST (4.9 dereferences
  the block's output address as if it were a table; 6.1 also says -EEXIST).

`walk()` is independent of the class: it decodes TTBR/TCR/MAIR and the descriptors
as the ARM ARM (AArch64.TranslationTableWalk, AArch64.FirstStageTranslate) does.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Protocol

from pymodel.hwdefs import lpae as L
from pymodel import kversion
from pymodel.linux_defs import (EEXIST, EINVAL, ENOMEM, ERANGE, IOMMU_CACHE, IOMMU_MMIO,
                            IOMMU_NOEXEC, IOMMU_PRIV, IOMMU_READ, IOMMU_WRITE)
from pymodel.memory import (MemoryAccessError, MemoryImage, OutOfTablePages,
                            TablePageAllocator)

SZ_4K = 1 << 12
SZ_2M = 1 << 21
SZ_1G = 1 << 30

ARM_LPAE_MAX_ADDR_BITS = 48
ARM_LPAE_MAX_LEVELS = L.MAX_LEVELS
_PTE_SIZE_SHIFT = 3                       # ilog2(sizeof(arm_lpae_iopte))
_ADDR_BITS_MASK = (1 << ARM_LPAE_MAX_ADDR_BITS) - 1
_TABLE_ADDR_MASK = _ADDR_BITS_MASK & ~0xFFF          # iopte_deref() with a 4K granule
_read_le64 = struct.Struct("<Q").unpack_from        # a descriptor from a MemoryImage page
_U64 = (1 << 64) - 1

# io-pgtable-arm.c descriptor bits, from the shared hwdefs table
ARM_LPAE_PTE_TYPE_BLOCK = L.PTE_TYPE_BLOCK
ARM_LPAE_PTE_TYPE_TABLE = L.PTE_TYPE_TABLE
ARM_LPAE_PTE_TYPE_PAGE = L.PTE_TYPE_PAGE
ARM_LPAE_PTE_XN = L.PTE_XN_MASK
ARM_LPAE_PTE_AF = 1 << L.PTE_AF_BIT
ARM_LPAE_PTE_SH_IS = L.PTE_SH_IS << L.PTE_SH_SHIFT
ARM_LPAE_PTE_AP_UNPRIV = 1 << L.PTE_AP_UNPRIV_BIT
ARM_LPAE_PTE_AP_RDONLY = 1 << L.PTE_AP_RDONLY_BIT
ARM_LPAE_PTE_nG = 1 << L.PTE_NG_BIT
ARM_LPAE_PTE_ATTR_MASK = L.PTE_ATTR_MASK
# 6.1's io-pgtable-arm.c additions (kernel-only values, not shared with the RTL)
ARM_LPAE_PTE_SH_OS = L.PTE_SH_OS << L.PTE_SH_SHIFT
ARM_LPAE_PTE_NS = 1 << L.PTE_NS_BIT
ARM_LPAE_PTE_NSTABLE = 1 << L.PTE_NSTABLE_BIT
ARM_LPAE_PTE_SW_SYNC = 1 << 55           # software bit: "table PTE synced" (non-coherent walk)
ARM_LPAE_MAIR_ATTR_INC_OWBRWA = 0xF4     # inner non-cacheable, outer WB RW-allocate
ARM_LPAE_MAIR_ATTR_IDX_INC_OCACHE = 3
ARM_LPAE_TCR_SH_OS = L.PTE_SH_OS         # TCR SH encodings equal the descriptor's
ARM_LPAE_TCR_SH_IS = L.PTE_SH_IS
ARM_LPAE_TCR_RGN_NC = 0
ARM_LPAE_TCR_RGN_WBWA = L.TCR_RGN_WBWA

# the IPS encodings arm_64_lpae_alloc_pgtable_s1 accepts for cfg->oas
_OAS_TO_IPS = {32: L.IPS_32BIT, 36: L.IPS_36BIT, 40: L.IPS_40BIT,
               42: L.IPS_42BIT, 44: L.IPS_44BIT, 48: L.IPS_48BIT}
_IPS_TO_OAS = {v: k for k, v in _OAS_TO_IPS.items()}


class PgtableConfigError(ValueError):
    """An io-pgtable configuration this model (or v4.9) does not support."""


class TlbOps(Protocol):
    """The io_pgtable iommu_gather_ops the model calls where the kernel does."""

    def tlb_add_flush(self, iova: int, size: int, granule: int, leaf: bool) -> None: ...

    def tlb_sync(self) -> None: ...


def _ffs(x: int) -> int:
    return (x & -x).bit_length() - 1


def _c_int_to_u64(x: int) -> int:
    """An int-typed C expression assigned to a u64: wrap to 32 bits, then
    sign-extend (what `u64 reg = 0xf4 << 24 | ...` does)."""
    x &= 0xFFFF_FFFF
    return (x - (1 << 32) if x & 0x8000_0000 else x) & _U64


def _fls(x: int) -> int:
    return x.bit_length() - 1


def iommu_pgsize(pgsize_bitmap: int, addr_merge: int, size: int) -> int:
    """iommu_pgsize (iommu.c): the largest supported page size that fits `size`
    and the alignment of `addr_merge` (iova | paddr)."""
    pgsize_idx = _fls(size)
    if addr_merge:
        pgsize_idx = min(pgsize_idx, _ffs(addr_merge))
    pgsize = ((1 << (pgsize_idx + 1)) - 1) & pgsize_bitmap
    if not pgsize:
        raise ValueError(f"no page size in bitmap {pgsize_bitmap:#x} fits size {size:#x} "
                         f"at alignment of {addr_merge:#x}")
    return 1 << _fls(pgsize)


class _MemSlot:
    """A descriptor in table memory (`arm_lpae_iopte *ptep`)."""

    __slots__ = ("mem", "addr")

    def __init__(self, mem: MemoryImage, addr: int):
        self.mem, self.addr = mem, addr

    def get(self) -> int:
        return self.mem.read_u64(self.addr)

    def set(self, pte: int) -> None:
        self.mem.write_u64(self.addr, pte)


class _LocalSlot:
    """The on-stack `arm_lpae_iopte table` arm_lpae_split_blk_unmap builds into."""

    __slots__ = ("pte",)

    def __init__(self) -> None:
        self.pte = 0

    def get(self) -> int:
        return self.pte

    def set(self, pte: int) -> None:
        self.pte = pte


class ArmLpaeS1:
    """struct arm_lpae_io_pgtable for ARM_64_LPAE_S1 with pgsize_bitmap 4K|2M|1G,
    allocated by arm_64_lpae_alloc_pgtable_s1.

    `flavour` is kversion.PGTABLE_V4_9 or PGTABLE_V6_1; `coherent_walk` is
    cfg->coherent_walk (6.1 derives the TCR from it; 4.9 ignores it);
    `quirk_arm_ns` is IO_PGTABLE_QUIRK_ARM_NS.

    Attributes: `ttbr` (arm_lpae_s1_cfg.ttbr[0], the PGD's physical address), `tcr`
    (the AArch64 TCR layout: 4.9's raw value; for 6.1 the fields of
    arm_lpae_s1_cfg.tcr packed the same way, plus EPD1 as the SMMU drivers set it),
    `tcr_fields` (6.1's struct: ips, tg, sh, orgn, irgn, tsz), `mair` (4.9 mair[0],
    mair[1] is 0; 6.1 the u64 mair), `pgsize_bitmap`, `ias`, `oas`, `levels`,
    `start_level`, `pgd`, `pgd_size`.
    """

    def __init__(self, memory: MemoryImage, table_alloc: TablePageAllocator,
                 ias: int = 48, oas: int = 48, tlb: Optional[TlbOps] = None,
                 flavour: str = kversion.PGTABLE_V4_9, coherent_walk: bool = True,
                 quirk_arm_ns: bool = False):
        if not 32 <= ias <= ARM_LPAE_MAX_ADDR_BITS:
            raise PgtableConfigError(f"ias {ias} outside the modelled 32..48 bits")
        if oas not in _OAS_TO_IPS:
            raise PgtableConfigError(f"oas {oas} has no TCR.IPS encoding")
        if flavour not in (kversion.PGTABLE_V4_9, kversion.PGTABLE_V6_1):
            raise PgtableConfigError(f"io-pgtable flavour {flavour!r}: want "
                                     f"{kversion.PGTABLE_V4_9} or {kversion.PGTABLE_V6_1}")
        self.memory = memory
        self.table_alloc = table_alloc
        self.tlb = tlb
        self.ias, self.oas = ias, oas
        self.flavour = flavour
        self.coherent_walk = coherent_walk
        self.quirk_arm_ns = quirk_arm_ns
        v61 = flavour == kversion.PGTABLE_V6_1
        # arm_lpae_restrict_pgsizes with a 4K PAGE_SIZE
        self.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G
        # arm_lpae_alloc_pgtable
        self.pg_shift = _ffs(self.pgsize_bitmap)
        self.bits_per_level = self.pg_shift - _PTE_SIZE_SHIFT
        va_bits = ias - self.pg_shift
        self.levels = -(-va_bits // self.bits_per_level)
        pgd_bits = va_bits - self.bits_per_level * (self.levels - 1)
        self.pgd_size = 1 << (pgd_bits + _PTE_SIZE_SHIFT)
        self.start_level = ARM_LPAE_MAX_LEVELS - self.levels
        # (level, ARM_LPAE_LVL_SHIFT, leaf descriptor type) of each lookup level
        self._walk_steps = tuple(
            (lvl, self.lvl_shift(lvl), ARM_LPAE_PTE_TYPE_PAGE if lvl == ARM_LPAE_MAX_LEVELS - 1
             else ARM_LPAE_PTE_TYPE_BLOCK)
            for lvl in range(self.start_level, ARM_LPAE_MAX_LEVELS))
        # arm_64_lpae_alloc_pgtable_s1: TCR
        if v61 and not coherent_walk:
            sh, irgn, orgn = ARM_LPAE_TCR_SH_OS, ARM_LPAE_TCR_RGN_NC, ARM_LPAE_TCR_RGN_NC
        else:   # 6.1 with a coherent walk; 4.9 always
            sh, irgn, orgn = ARM_LPAE_TCR_SH_IS, ARM_LPAE_TCR_RGN_WBWA, ARM_LPAE_TCR_RGN_WBWA
        self.tcr_fields = {"ips": _OAS_TO_IPS[oas], "tg": L.TCR_TG0_4K, "sh": sh,
                           "orgn": orgn, "irgn": irgn, "tsz": 64 - ias}
        self.tcr = ((sh << L.TCR_SH0_SHIFT)
                    | (irgn << L.TCR_IRGN0_SHIFT)
                    | (orgn << L.TCR_ORGN0_SHIFT)
                    | (L.TCR_TG0_4K << L.TCR_TG0_SHIFT)
                    | (_OAS_TO_IPS[oas] << L.TCR_IPS_SHIFT)
                    | ((64 - ias) << L.TCR_T0SZ_SHIFT)
                    | (1 << L.TCR_EPD1_BIT))       # no speculative walks via TTBR1
        # MAIRs: an int expression in both kernels
        mair = ((L.MAIR_ATTR_NC << (L.MAIR_ATTR_BITS * L.MAIR_ATTR_IDX_NC))
                | (L.MAIR_ATTR_WBRWA << (L.MAIR_ATTR_BITS * L.MAIR_ATTR_IDX_CACHE))
                | (L.MAIR_ATTR_DEVICE << (L.MAIR_ATTR_BITS * L.MAIR_ATTR_IDX_DEV)))
        if v61:
            mair |= ARM_LPAE_MAIR_ATTR_INC_OWBRWA << (
                L.MAIR_ATTR_BITS * ARM_LPAE_MAIR_ATTR_IDX_INC_OCACHE)
        self.mair = _c_int_to_u64(mair)
        # the pgd, then TTBRs
        self.pgd = table_alloc.alloc(self.pgd_size)
        self.ttbr = self.pgd
        self.ttbr1 = 0

    # --- the io-pgtable-arm.c macros --------------------------------------------
    def lvl_shift(self, lvl: int) -> int:
        """ARM_LPAE_LVL_SHIFT"""
        return ((self.levels - (lvl - self.start_level + 1)) * self.bits_per_level
                + self.pg_shift)

    def lvl_idx(self, iova: int, lvl: int) -> int:
        """ARM_LPAE_LVL_IDX (ARM_LPAE_PGD_IDX is 0 with a 4K granule: the PGD never
        spans more than one page, so the start-level index is masked to 9 bits too)."""
        return (iova >> self.lvl_shift(lvl)) & ((1 << self.bits_per_level) - 1)

    def block_size(self, lvl: int) -> int:
        """ARM_LPAE_BLOCK_SIZE"""
        return 1 << (_PTE_SIZE_SHIFT + (ARM_LPAE_MAX_LEVELS - lvl) * self.bits_per_level)

    @staticmethod
    def iopte_leaf(pte: int, lvl: int) -> bool:
        ptype = pte & L.PTE_TYPE_MASK
        if lvl == ARM_LPAE_MAX_LEVELS - 1:
            return ptype == ARM_LPAE_PTE_TYPE_PAGE
        return ptype == ARM_LPAE_PTE_TYPE_BLOCK

    def iopte_deref(self, pte: int) -> int:
        return pte & _ADDR_BITS_MASK & ~((1 << self.pg_shift) - 1)

    def iopte_to_paddr(self, pte: int) -> int:
        """iopte_to_pfn(pte) << pg_shift"""
        return ((pte & _ADDR_BITS_MASK) >> self.pg_shift) << self.pg_shift

    def _slot(self, table: int, iova: int, lvl: int) -> _MemSlot:
        return _MemSlot(self.memory, table + (self.lvl_idx(iova, lvl) << _PTE_SIZE_SHIFT))

    def _tlb_add_flush(self, iova: int, size: int, granule: int, leaf: bool) -> None:
        if self.tlb is not None:
            self.tlb.tlb_add_flush(iova, size, granule, leaf)

    def _tlb_sync(self) -> None:
        if self.tlb is not None:
            self.tlb.tlb_sync()

    # --- prot -> pte ---------------------------------------------------------------
    def prot_to_pte(self, prot: int) -> int:
        """arm_lpae_prot_to_pte (stage 1). 6.1 also sets SH, NS and AF here; 4.9
        sets AF and SH_IS in arm_lpae_init_pte."""
        v61 = self.flavour == kversion.PGTABLE_V6_1
        pte = ARM_LPAE_PTE_nG
        if not (prot & IOMMU_WRITE) and (prot & IOMMU_READ):
            pte |= ARM_LPAE_PTE_AP_RDONLY
        if not v61 or not (prot & IOMMU_PRIV):
            pte |= ARM_LPAE_PTE_AP_UNPRIV
        if prot & IOMMU_MMIO:
            pte |= L.MAIR_ATTR_IDX_DEV << L.PTE_ATTRINDX_SHIFT
        elif prot & IOMMU_CACHE:
            pte |= L.MAIR_ATTR_IDX_CACHE << L.PTE_ATTRINDX_SHIFT
        # else AttrIndx 0 = ARM_LPAE_MAIR_ATTR_IDX_NC
        if v61:
            pte |= ARM_LPAE_PTE_SH_IS if prot & IOMMU_CACHE else ARM_LPAE_PTE_SH_OS
        if prot & IOMMU_NOEXEC:
            pte |= ARM_LPAE_PTE_XN
        if v61:
            if self.quirk_arm_ns:
                pte |= ARM_LPAE_PTE_NS
            pte |= ARM_LPAE_PTE_AF
        return pte

    # --- map -----------------------------------------------------------------------
    def _arm_lpae_init_pte(self, iova: int, paddr: int, prot: int, lvl: int,
                           slot) -> int:
        """arm_lpae_init_pte"""
        old = slot.get()
        if self.iopte_leaf(old, lvl):
            return -EEXIST                      # "We require an unmap first"
        if (old & L.PTE_TYPE_MASK) == ARM_LPAE_PTE_TYPE_TABLE:
            # a (possibly non-empty) table is replaced by the block: unmap + free it
            sz = self.block_size(lvl)
            if self._unmap_slot(iova, sz, lvl, slot) != sz:
                return -EINVAL
        pte = prot
        if self.flavour == kversion.PGTABLE_V4_9:
            if self.quirk_arm_ns:
                pte |= ARM_LPAE_PTE_NS
        pte |= ARM_LPAE_PTE_TYPE_PAGE if lvl == ARM_LPAE_MAX_LEVELS - 1 \
            else ARM_LPAE_PTE_TYPE_BLOCK
        if self.flavour == kversion.PGTABLE_V4_9:
            pte |= ARM_LPAE_PTE_AF | ARM_LPAE_PTE_SH_IS
        pte |= ((paddr >> self.pg_shift) << self.pg_shift) & _ADDR_BITS_MASK
        slot.set(pte)
        return 0

    def _arm_lpae_map(self, iova: int, paddr: int, size: int, prot: int, lvl: int,
                      table: int) -> int:
        """__arm_lpae_map, with ptep = table + ARM_LPAE_LVL_IDX(iova, lvl)."""
        return self._map_slot(iova, paddr, size, prot, lvl, self._slot(table, iova, lvl))

    def _map_slot(self, iova: int, paddr: int, size: int, prot: int, lvl: int,
                  slot) -> int:
        block_size = self.block_size(lvl)
        # a leaf at this level if the size is this level's and supported
        if size == block_size and (size & self.pgsize_bitmap):
            return self._arm_lpae_init_pte(iova, paddr, prot, lvl, slot)
        # no tables below the last level
        if lvl >= ARM_LPAE_MAX_LEVELS - 1:
            return -EINVAL
        pte = slot.get()
        if not pte:
            try:
                cptep = self.table_alloc.alloc(1 << self.pg_shift)
            except OutOfTablePages:
                return -ENOMEM
            slot.set(self._table_pte(cptep))
        elif self.iopte_leaf(pte, lvl):
            # DEPARTURE: v4.9 would iopte_deref() the block and write into the
            # memory it maps; later kernels (and this model) refuse with -EEXIST.
            return -EEXIST
        else:
            cptep = self.iopte_deref(pte)
        return self._arm_lpae_map(iova, paddr, size, prot, lvl + 1, cptep)

    def _table_pte(self, table: int) -> int:
        """The table descriptor __arm_lpae_map (4.9) / arm_lpae_install_table (6.1)
        writes: 4.9 never sets NSTABLE; 6.1 does with the NS quirk, and marks the
        descriptor ARM_LPAE_PTE_SW_SYNC once synced for a non-coherent walker."""
        pte = table | ARM_LPAE_PTE_TYPE_TABLE
        if self.flavour == kversion.PGTABLE_V6_1:
            if self.quirk_arm_ns:
                pte |= ARM_LPAE_PTE_NSTABLE
            if not self.coherent_walk:
                pte |= ARM_LPAE_PTE_SW_SYNC
        return pte

    def _in_range(self, iova: int, paddr: int, size: int) -> bool:
        return (0 <= iova and iova + size <= (1 << self.ias)
                and 0 <= paddr and paddr + size <= (1 << self.oas))

    def arm_lpae_map(self, iova: int, paddr: int, size: int, prot: int) -> int:
        """arm_lpae_map (io_pgtable_ops->map; 6.1 arm_lpae_map_pages with one
        page): one mapping of one pgsize. 6.1 refuses an iova beyond ias or a paddr
        beyond oas with -ERANGE and a no-access prot with -EINVAL; 4.9 maps nothing
        for a no-access prot and has no range check (the model says -EINVAL)."""
        if self.flavour == kversion.PGTABLE_V6_1:
            if iova < 0 or iova >> self.ias or paddr < 0 or paddr >> self.oas:
                return -ERANGE                   # WARN_ON(iaext || paddr >> cfg->oas)
            if not (prot & (IOMMU_READ | IOMMU_WRITE)):
                return -EINVAL
            return self._arm_lpae_map(iova, paddr, size, self.prot_to_pte(prot),
                                      self.start_level, self.pgd)
        if not (prot & (IOMMU_READ | IOMMU_WRITE)):
            return 0                             # no access: nothing to do
        if not self._in_range(iova, paddr, size):
            return -EINVAL                       # DEPARTURE: v4.9 has no range check
        return self._arm_lpae_map(iova, paddr, size, self.prot_to_pte(prot),
                                  self.start_level, self.pgd)

    def map(self, iova: int, paddr: int, size: int, prot: int) -> int:
        """iommu_map (iommu.c) over arm_lpae_map: split [iova, iova+size) into the
        largest page sizes that iova|paddr alignment allows; on failure unmap what
        this call mapped and return the error. Returns 0 or -errno."""
        min_pagesz = 1 << _ffs(self.pgsize_bitmap)
        if (iova | paddr | size) & (min_pagesz - 1) or size < 0:
            return -EINVAL
        if self.flavour == kversion.PGTABLE_V4_9 and not self._in_range(iova, paddr, size):
            return -EINVAL                       # (6.1: arm_lpae_map_pages says -ERANGE)
        orig_iova, orig_size = iova, size
        ret = 0
        while size:
            pgsize = iommu_pgsize(self.pgsize_bitmap, iova | paddr, size)
            ret = self.arm_lpae_map(iova, paddr, pgsize, prot)
            if ret:
                break
            iova += pgsize
            paddr += pgsize
            size -= pgsize
        if ret:                                  # unroll the partial mapping
            self.unmap(orig_iova, orig_size - size)
        return ret

    # --- unmap ---------------------------------------------------------------------
    def _arm_lpae_free_pgtable(self, lvl: int, table: int) -> None:
        """__arm_lpae_free_pgtable: free `table` and every table below it."""
        table_size = self.pgd_size if lvl == self.start_level else 1 << self.pg_shift
        if lvl != ARM_LPAE_MAX_LEVELS - 1:      # only leaves at the last level
            for off in range(0, table_size, 8):
                pte = self.memory.read_u64(table + off)
                if not pte or self.iopte_leaf(pte, lvl):
                    continue
                self._arm_lpae_free_pgtable(lvl + 1, self.iopte_deref(pte))
        self.table_alloc.free(table)

    def free_pgtable(self) -> None:
        """arm_lpae_free_pgtable (free_io_pgtable_ops): free every table page."""
        self._arm_lpae_free_pgtable(self.start_level, self.pgd)
        self.pgd = 0

    def _arm_lpae_split_blk_unmap(self, iova: int, size: int, prot: int, lvl: int,
                                  slot, blk_size: int) -> int:
        """arm_lpae_split_blk_unmap: rebuild the block at `slot` as a table of
        `size` mappings (recursing to smaller levels as __arm_lpae_map does), minus
        the one at `iova`, then swap the table in."""
        blk_start = iova & ~(blk_size - 1)
        blk_end = blk_start + blk_size
        blk_paddr = self.iopte_to_paddr(slot.get())
        table = _LocalSlot()
        while blk_start < blk_end:
            if blk_start != iova:                # Unmap!
                if self._map_slot(blk_start, blk_paddr, size, prot, lvl, table) < 0:
                    if table.get():
                        self._arm_lpae_free_pgtable(lvl + 1, self.iopte_deref(table.get()))
                    return 0                     # bytes unmapped
            blk_start += size
            blk_paddr += size
        slot.set(table.get())
        self._tlb_add_flush(iova & ~(blk_size - 1), blk_size, blk_size, True)
        return size

    def _arm_lpae_unmap(self, iova: int, size: int, lvl: int, table: int) -> int:
        """__arm_lpae_unmap"""
        if lvl == ARM_LPAE_MAX_LEVELS:           # ran out of page table
            return 0
        return self._unmap_slot(iova, size, lvl, self._slot(table, iova, lvl))

    def _unmap_slot(self, iova: int, size: int, lvl: int, slot) -> int:
        blk_size = self.block_size(lvl)
        pte = slot.get()
        if not pte:
            return 0                             # WARN_ON(!pte)
        if size == blk_size:
            slot.set(0)
            if not self.iopte_leaf(pte, lvl):
                # also flush any partial walks, then free the table below
                self._tlb_add_flush(iova, size, 1 << self.pg_shift, False)
                self._tlb_sync()
                self._arm_lpae_free_pgtable(lvl + 1, self.iopte_deref(pte))
            else:
                self._tlb_add_flush(iova, size, size, True)
            return size
        if self.iopte_leaf(pte, lvl):
            # insert a table mapping the old region minus the part to unmap
            return self._arm_lpae_split_blk_unmap(iova, size, pte & ARM_LPAE_PTE_ATTR_MASK,
                                                  lvl, slot, blk_size)
        return self._arm_lpae_unmap(iova, size, lvl + 1, self.iopte_deref(pte))

    def arm_lpae_unmap(self, iova: int, size: int) -> int:
        """arm_lpae_unmap (io_pgtable_ops->unmap): one pgsize; bytes unmapped."""
        if not (0 <= iova and iova + size <= (1 << self.ias)):
            return 0
        unmapped = self._arm_lpae_unmap(iova, size, self.start_level, self.pgd)
        if unmapped:
            self._tlb_sync()
        return unmapped

    def unmap(self, iova: int, size: int) -> int:
        """iommu_unmap (iommu.c) over arm_lpae_unmap: bytes unmapped, stopping at
        the first hole; -EINVAL (as the kernel's pre-cast value) if iova or size
        is not 4K aligned."""
        min_pagesz = 1 << _ffs(self.pgsize_bitmap)
        if (iova | size) & (min_pagesz - 1) or size < 0:
            return -EINVAL
        unmapped = 0
        while unmapped < size:
            pgsize = iommu_pgsize(self.pgsize_bitmap, iova, size - unmapped)
            unmapped_page = self.arm_lpae_unmap(iova, pgsize)
            if not unmapped_page:
                break
            iova += unmapped_page
            unmapped += unmapped_page
        return unmapped

    # --- lookups -------------------------------------------------------------------
    def _find_leaf(self, iova: int) -> Optional[tuple[int, int, int]]:
        """The walk arm_lpae_iova_to_phys does: (level, pte, pte address) or None.
        Reads the MemoryImage's pages directly (the hot path of every MSI and DMA
        prediction); a subclass that hooks read_u64 gets the generic reads."""
        if not 0 <= iova < (1 << self.ias):
            return None
        mem = self.memory
        pages = mem.pages if type(mem).read_u64 is MemoryImage.read_u64 else None
        table = self.pgd
        for lvl, shift, leaf_type in self._walk_steps:
            if not table:
                return None
            addr = table + (((iova >> shift) & 0x1FF) << _PTE_SIZE_SHIFT)
            if pages is not None:
                page = pages.get(addr & ~0xFFF)
                pte = _read_le64(page, addr & 0xFFF)[0] if page is not None else 0
            else:
                pte = mem.read_u64(addr)
            if not pte:
                return None
            if pte & L.PTE_TYPE_MASK == leaf_type:       # iopte_leaf()
                return lvl, pte, addr
            table = pte & _TABLE_ADDR_MASK               # iopte_deref()
        return None

    def iova_to_phys(self, iova: int) -> int:
        """arm_lpae_iova_to_phys: the physical address, 0 if unmapped."""
        found = self._find_leaf(iova)
        if found is None:
            return 0
        lvl, pte, _ = found
        return self.iopte_to_paddr(pte) | (iova & (self.block_size(lvl) - 1))

    def leaf_pte(self, iova: int) -> Optional[tuple[int, int]]:
        """(level, raw 64-bit descriptor) of the leaf that maps iova, or None."""
        found = self._find_leaf(iova)
        return None if found is None else (found[0], found[1])

    def leaf_pte_addr(self, iova: int) -> Optional[int]:
        """Physical address of the leaf descriptor that maps iova, or None."""
        found = self._find_leaf(iova)
        return None if found is None else found[2]

    def leaves(self) -> Iterator[tuple[int, int, int, int]]:
        """Every leaf, in iova order: (iova, level, descriptor address, descriptor)."""
        def visit(table: int, lvl: int, base: int, nbytes: int):
            for off in range(0, nbytes, 8):
                pte = self.memory.read_u64(table + off)
                if not pte:
                    continue
                iova = base + ((off >> 3) << self.lvl_shift(lvl))
                if self.iopte_leaf(pte, lvl):
                    yield iova, lvl, table + off, pte
                elif lvl < ARM_LPAE_MAX_LEVELS - 1:
                    yield from visit(self.iopte_deref(pte), lvl + 1, iova, 1 << self.pg_shift)
        if self.pgd:
            yield from visit(self.pgd, self.start_level, 0, self.pgd_size)

    def table_pages(self) -> list[int]:
        """Physical addresses of every table page currently in the tree (pgd first)."""
        out: list[int] = []

        def visit(table: int, lvl: int, nbytes: int) -> None:
            out.append(table)
            if lvl == ARM_LPAE_MAX_LEVELS - 1:
                return
            for off in range(0, nbytes, 8):
                pte = self.memory.read_u64(table + off)
                if pte and not self.iopte_leaf(pte, lvl):
                    visit(self.iopte_deref(pte), lvl + 1, 1 << self.pg_shift)
        if self.pgd:
            visit(self.pgd, self.start_level, self.pgd_size)
        return out


def describe_pte(level: int, pte: int) -> str:
    """One-line decode of a stage-1 descriptor for dumps (the CLI, test failures)."""
    if not pte & 1:
        return f"L{level} INVALID {pte:#018x}"
    dtype = pte & L.PTE_TYPE_MASK
    addr = pte & L.PTE_ADDR_MASK
    if level < ARM_LPAE_MAX_LEVELS - 1 and dtype == L.PTE_TYPE_TABLE:
        return f"L{level} TABLE next={addr:#x} ({pte:#018x})"
    if level == ARM_LPAE_MAX_LEVELS - 1 and dtype == L.PTE_TYPE_BLOCK:
        return f"L{level} RESERVED {pte:#018x}"
    kind = "PAGE" if level == ARM_LPAE_MAX_LEVELS - 1 else "BLOCK"
    idx = (pte >> L.PTE_ATTRINDX_SHIFT) & ((1 << L.PTE_ATTRINDX_BITS) - 1)
    idx_name = {L.MAIR_ATTR_IDX_NC: "NC", L.MAIR_ATTR_IDX_CACHE: "CACHE",
                L.MAIR_ATTR_IDX_DEV: "DEV",
                ARM_LPAE_MAIR_ATTR_IDX_INC_OCACHE: "INC_OCACHE"}.get(idx, "?")
    ap = ("RO" if (pte >> L.PTE_AP_RDONLY_BIT) & 1 else "RW") + \
        (",EL0" if (pte >> L.PTE_AP_UNPRIV_BIT) & 1 else "")
    flags = [f"AttrIndx={idx}({idx_name})", f"AP={ap}",
             f"SH={(pte >> L.PTE_SH_SHIFT) & 3}"]
    for bit, name in ((L.PTE_AF_BIT, "AF"), (L.PTE_NG_BIT, "nG"),
                      (L.PTE_PXN_BIT, "PXN"), (L.PTE_XN_BIT, "UXN")):
        if (pte >> bit) & 1:
            flags.append(name)
    return f"L{level} {kind} pa={addr:#x} " + " ".join(flags) + f" ({pte:#018x})"


# =====================================================================================
# Reference stage-1 walker (VMSAv8-64, 4 KiB granule, AArch64 descriptors)
# =====================================================================================

class FaultKind(enum.Enum):
    TRANSLATION = "translation"
    ACCESS_FLAG = "access flag"
    PERMISSION = "permission"
    ADDRESS_SIZE = "address size"
    EXTERNAL = "external"


class WalkConfigError(ValueError):
    """TCR/TTBR values outside what the walker models (T0SZ 16..39, TG0 4 KiB)."""


@dataclass(frozen=True)
class WalkFault:
    kind: FaultKind
    level: int
    iova: int
    write: bool
    exec_: bool
    reads: tuple[int, ...]


def axcache(attr: int, write: bool) -> int:
    """Downstream AxCACHE (AMBA AXI4 memory types) for an 8-bit MAIR attribute.

    Device-nGnRnE -> device non-bufferable; other Device types (early write
    acknowledgement allowed) -> device bufferable; Normal memory takes the OUTER
    attribute Attr[7:4] (the AXI port sits outside the inner domain): NC ->
    normal non-cacheable bufferable, write-through / write-back with the
    read/write-allocate hints mapped to ARCACHE[2] / AWCACHE[3].
    """
    attr &= L.MAIR_ATTR_MASK
    if attr >> 4 == 0:
        return L.AXCACHE_DEVICE_NB if (attr & 0xC) == L.MAIR_DEVICE_NGNRNE \
            else L.AXCACHE_DEVICE_B
    outer = attr >> 4
    if outer == L.MAIR_NORMAL_NC_NIBBLE:
        return L.AXCACHE_NORMAL_NC
    ra, wa = bool(outer & 0b10), bool(outer & 0b01)
    write_back = (outer & 0b0100) != 0   # 01RW (RW != 00) / 11RW = write-back
    if write:
        base = L.AXCACHE_WB_NOALLOC_W if write_back else L.AXCACHE_WT_NOALLOC_W
        return base | (L.AXCACHE_WALLOC_W if wa else 0)
    base = L.AXCACHE_WB_NOALLOC_R if write_back else L.AXCACHE_WT_NOALLOC_R
    return base | (L.AXCACHE_RALLOC_R if ra else 0)


@dataclass(frozen=True)
class Translation:
    pa: int
    level: int
    pte: int
    block_size: int
    attr_index: int
    attr: int            # MAIR attribute byte selected by attr_index
    device: bool         # Device memory type (Attr[7:4] == 0)
    readonly: bool       # AP[2] (or APTable[1]) forbids writes
    xn: bool             # execute-never for this access's privilege
    ng: bool
    reads: tuple[int, ...]

    def cache_attr(self, write: bool = False) -> int:
        """AxCACHE for the downstream transaction (see `axcache`)."""
        return axcache(self.attr, write)


def start_level_for(ias: int) -> int:
    """First lookup level for a 4 KiB granule and `ias` input bits."""
    return ARM_LPAE_MAX_LEVELS - (-(-(ias - L.GRANULE_SHIFT) // L.BITS_PER_LEVEL))


def decode_oas(tcr: int) -> int:
    """Output address size TCR.IPS selects (reserved encodings -> 48, the maximum
    the modelled implementation supports; sizes above 48 are capped at 48)."""
    ips = (tcr >> L.TCR_IPS_SHIFT) & ((1 << L.TCR_IPS_BITS) - 1)
    return min(_IPS_TO_OAS.get(ips, L.OAS_BITS), L.OAS_BITS)


def walk(memory: MemoryImage, ttbr: int, tcr: int, mair: int, iova: int, *,
         write: bool = False, exec_: bool = False,
         read_error: Optional[Callable[[int], bool]] = None,
         priv: bool = False) -> Translation | WalkFault:
    """Translate `iova` through the TTBR0 tables the way VMSAv8-64 stage 1 does.

    `read_error(desc_addr)` returning True means that descriptor read got a bus
    error. `priv` marks a privileged access (AxPROT[0]); the default is
    unprivileged. Fault order: input range / EPD0 (translation, level 0), TTBR
    address size (level 0), then per level in walk order: external, translation,
    address size; then access flag; then permission.

    A write is a data access whatever `exec_` says: "The SMMU considers all
    incoming writes to be Data, even if the client device marks the incoming write
    as Instruction. This is done on input, prior to any translation table
    permission checks" (SMMUv3 IHI 0070 13.1.2); execute-never removes only
    instruction execution (ARM ARM D8.4.1.2.3). The fault records it as data.
    """
    exec_ = exec_ and not write
    t0sz = (tcr >> L.TCR_T0SZ_SHIFT) & ((1 << L.TCR_T0SZ_BITS) - 1)
    if not L.T0SZ_MIN <= t0sz <= L.T0SZ_MAX:
        raise WalkConfigError(f"TCR.T0SZ {t0sz} outside {L.T0SZ_MIN}..{L.T0SZ_MAX}")
    tg0 = (tcr >> L.TCR_TG0_SHIFT) & ((1 << L.TCR_TG0_BITS) - 1)
    if tg0 != L.TCR_TG0_4K:
        raise WalkConfigError(f"TCR.TG0 {tg0} is not the modelled 4 KiB granule")
    ias = 64 - t0sz
    level = start_level_for(ias)
    reads: list[int] = []

    def fault(kind: FaultKind, lvl: int) -> WalkFault:
        return WalkFault(kind, lvl, iova, write, exec_, tuple(reads))

    # out of TTBR0's range (TTBR1 is not modelled: EPD1) or TTBR0 walks disabled:
    # the ARM ARM reports this as a level 0 translation fault
    if iova < 0 or iova >> ias or (tcr >> L.TCR_EPD0_BIT) & 1:
        return fault(FaultKind.TRANSLATION, 0)
    oas = decode_oas(tcr)
    first_bits = ias - L.GRANULE_SHIFT - L.BITS_PER_LEVEL * (ARM_LPAE_MAX_LEVELS - 1 - level)
    align = max(L.TTBR_BADDR_ALIGN_MIN, 8 << first_bits)   # aligned to the table size
    baddr = ttbr & ((1 << L.TTBR_ASID_SHIFT) - 1)       # ASID in [63:48] ignored
    if baddr >> oas:
        return fault(FaultKind.ADDRESS_SIZE, 0)
    table = baddr & ~(align - 1)
    idx_bits = first_bits
    rdonly_tbl = nounpriv_tbl = uxn_tbl = pxn_tbl = False
    while True:
        shift = L.GRANULE_SHIFT + L.BITS_PER_LEVEL * (ARM_LPAE_MAX_LEVELS - 1 - level)
        addr = table + (((iova >> shift) & ((1 << idx_bits) - 1)) << _PTE_SIZE_SHIFT)
        reads.append(addr)
        if read_error is not None and read_error(addr):
            return fault(FaultKind.EXTERNAL, level)
        try:
            desc = memory.read_u64(addr)
        except MemoryAccessError:
            return fault(FaultKind.EXTERNAL, level)
        dtype = desc & L.PTE_TYPE_MASK
        if not desc & 1 or (level == ARM_LPAE_MAX_LEVELS - 1
                            and dtype == L.PTE_TYPE_BLOCK):
            return fault(FaultKind.TRANSLATION, level)
        if level < ARM_LPAE_MAX_LEVELS - 1 and dtype == L.PTE_TYPE_TABLE:
            if (desc & L.PTE_ADDR_MASK) >> oas:
                return fault(FaultKind.ADDRESS_SIZE, level)
            rdonly_tbl |= bool((desc >> L.PTE_APTABLE_RDONLY_BIT) & 1)
            nounpriv_tbl |= bool((desc >> L.PTE_APTABLE_NOUNPRIV_BIT) & 1)
            uxn_tbl |= bool((desc >> L.PTE_UXNTABLE_BIT) & 1)
            pxn_tbl |= bool((desc >> L.PTE_PXNTABLE_BIT) & 1)
            table = desc & L.PTE_ADDR_MASK
            level += 1
            idx_bits = L.BITS_PER_LEVEL
            continue
        break
    # a block or page descriptor
    if level < L.BLOCK_LEVEL_MIN:
        return fault(FaultKind.TRANSLATION, level)     # no level-0 blocks with 4 KiB
    block_size = 1 << (L.GRANULE_SHIFT + L.BITS_PER_LEVEL * (ARM_LPAE_MAX_LEVELS - 1 - level))
    oa = desc & L.PTE_ADDR_MASK & ~(block_size - 1)
    if oa >> oas:
        return fault(FaultKind.ADDRESS_SIZE, level)
    if not (desc >> L.PTE_AF_BIT) & 1:
        return fault(FaultKind.ACCESS_FLAG, level)
    # AArch64.CheckPermission for an EL1&0 regime, SCTLR.WXN = 0, no PAN
    ap_rdonly = bool((desc >> L.PTE_AP_RDONLY_BIT) & 1) or rdonly_tbl
    ap_unpriv = bool((desc >> L.PTE_AP_UNPRIV_BIT) & 1) and not nounpriv_tbl
    user_w = ap_unpriv and not ap_rdonly
    if priv:
        can_read, can_write = True, not ap_rdonly
        # PXN, PXNTable, or memory writable unprivileged is privileged-execute-never
        xn = bool((desc >> L.PTE_PXN_BIT) & 1) or pxn_tbl or user_w
    else:
        can_read, can_write = ap_unpriv, user_w
        xn = bool((desc >> L.PTE_XN_BIT) & 1) or uxn_tbl   # UXN; execute-only is legal
    if exec_:
        denied = xn
    elif write:
        denied = not can_write
    else:
        denied = not can_read
    if denied:
        return fault(FaultKind.PERMISSION, level)
    attr_index = (desc >> L.PTE_ATTRINDX_SHIFT) & ((1 << L.PTE_ATTRINDX_BITS) - 1)
    attr = (mair >> (L.MAIR_ATTR_BITS * attr_index)) & L.MAIR_ATTR_MASK
    return Translation(pa=oa | (iova & (block_size - 1)), level=level, pte=desc,
                       block_size=block_size, attr_index=attr_index, attr=attr,
                       device=(attr >> 4) == 0, readonly=ap_rdonly, xn=xn,
                       ng=bool((desc >> L.PTE_NG_BIT) & 1), reads=tuple(reads))


__all__ = ["ArmLpaeS1", "PgtableConfigError", "TlbOps", "iommu_pgsize", "walk",
           "Translation", "WalkFault", "FaultKind", "WalkConfigError", "axcache",
           "start_level_for", "decode_oas", "describe_pte", "SZ_4K", "SZ_2M", "SZ_1G"]
