"""The golden stage-1 walker (`pymodel.io_pgtable_arm.walk`) against rules of the
architecture texts, each test naming its rule. Tables are written by hand, and the
expected values are literal numbers worked out from the rule, never taken from the
walker or the RTL.

Sources (wuyongzheng/arm-md-specs):
- SMMUv3 (IHI 0070) 13.1.2 "Attribute support": "The SMMU considers all incoming
  writes to be Data, even if the client device marks the incoming write as
  Instruction. This is done on input, prior to any translation table permission
  checks."
- ARM ARM D8.4.1.2.1 / D8.4.1.2.3: AP[2:1] give data-access permissions;
  UXN/PXN remove instruction *execution* (fetches), not writes.
- ARM ARM D24.2.209 TTBR0_EL1.BADDR: "Address bit x is the minimum address bit
  required to align the translation table to the size of the table"; bits
  [(x-1):1] are RES0 and may be treated as zero; only a 52-bit BADDR has "the
  smallest permitted value of x is 6" (tables of fewer than 8 entries aligned to
  64 bytes). J1.1 AArch64.S1TTBaseAddress: tsize = log2 of the table's size in
  bytes, Max(tsize, 6) only for DS = 1 / 52-bit PA; tablebase = Align(ttbr, 2^tsize).
- ARM ARM D8.2 (4 KiB granule): T0SZ 16..24 start at level 0, 25..33 at level 1,
  34..39 at level 2; TCR.IPS 000..101 = 32, 36, 40, 42, 44, 48 bits.
"""

from __future__ import annotations

import pytest

from pymodel.hwdefs import lpae as L
from pymodel.io_pgtable_arm import FaultKind, Translation, WalkFault, walk
from pymodel.memory import MemoryImage

MAIR = 0x0004_FF44
AF = 1 << 10
PAGE = 0b11
TABLE = 0b11
AP_UNPRIV = 1 << 6
AP_RDONLY = 1 << 7
PXN = 1 << 53
UXN = 1 << 54
PROT_FETCH = dict(exec_=True)


def one_page_tables(mem: MemoryImage, leaf_attrs: int) -> tuple[int, int]:
    """T0SZ 25 (start level 1): L1 @0x10000 -> L2 @0x11000 -> L3 @0x12000; iova
    0x1000 maps PA 0x5000 with `leaf_attrs`."""
    mem.write_u64(0x10000, 0x11000 | TABLE)
    mem.write_u64(0x11000, 0x12000 | TABLE)
    mem.write_u64(0x12000 + 8, 0x5000 | AF | PAGE | leaf_attrs)
    return 0x10000, 25


# ------------------------------------------------------------------ bug 1: InD on writes
@pytest.mark.parametrize("priv", [False, True])
def test_write_marked_instruction_to_read_only_page_is_a_permission_fault(priv):
    """IHI 0070 13.1.2: a write marked Instruction is a data write, so AP[2] = 1
    (read-only) refuses it; the XN bits (clear here) must not let it through."""
    mem = MemoryImage()
    ttbr, tcr = one_page_tables(mem, AP_UNPRIV | AP_RDONLY)
    f = walk(mem, ttbr, tcr, MAIR, 0x1008, write=True, exec_=True, priv=priv)
    assert isinstance(f, WalkFault), f"write (InD=1) to a read-only page translated: {f}"
    assert (f.kind, f.level) == (FaultKind.PERMISSION, 3)


@pytest.mark.parametrize("priv", [False, True])
def test_write_marked_instruction_ignores_execute_never(priv):
    """A data write to a writable page is allowed even if the page is UXN and PXN:
    execute-never removes execution, not writing (ARM ARM D8.4.1.2.3)."""
    mem = MemoryImage()
    ttbr, tcr = one_page_tables(mem, AP_UNPRIV | UXN | PXN)
    t = walk(mem, ttbr, tcr, MAIR, 0x1008, write=True, exec_=True, priv=priv)
    assert isinstance(t, Translation), f"data write to a writable XN page refused: {t}"
    assert t.pa == 0x5008


def test_fetch_checks_execute_never_reads_check_ap():
    """Reads marked Instruction are fetches: UXN refuses an unprivileged one, PXN a
    privileged one; AP[2] does not matter to a fetch."""
    mem = MemoryImage()
    ttbr, tcr = one_page_tables(mem, AP_UNPRIV | AP_RDONLY | UXN)
    assert walk(mem, ttbr, tcr, MAIR, 0x1000, exec_=True).kind is FaultKind.PERMISSION
    assert walk(mem, ttbr, tcr, MAIR, 0x1000, exec_=True, priv=True).pa == 0x5000


# ------------------------------------------------------ bug 4: start-table alignment
def test_two_entry_level0_table_aligned_to_16_bytes():
    """T0SZ 24: 40 input bits, start level 0 with VA[39] as the only index bit, so
    the table has 2 entries = 16 bytes and x = 4: TTBR0 = page + 0x10 is a valid,
    aligned base and the walk reads page + 0x10 + 8 * VA[39] (not page + 8 * VA[39],
    which a 64-byte minimum alignment would give)."""
    mem = MemoryImage()
    pgd = 0x20000 + 0x10
    mem.write_u64(pgd + 8, 0x21000 | TABLE)          # L0[1]: VA[39] = 1
    mem.write_u64(0x21000, 0x22000 | TABLE)           # L1[0]
    mem.write_u64(0x22000, 0x23000 | TABLE)           # L2[0]
    mem.write_u64(0x23000 + 8 * 3, 0x7000 | AF | AP_UNPRIV | PAGE)
    # the decoy a 64-byte-aligned base would read: a valid page elsewhere
    mem.write_u64(0x20000 + 8, 0x31000 | TABLE)
    va = (1 << 39) | 0x3123
    t = walk(mem, pgd, 24, MAIR, va)
    assert isinstance(t, Translation), t
    assert t.reads == (0x20018, 0x21000, 0x22000, 0x23018)
    assert t.pa == 0x7123


def test_ttbr_bits_below_table_size_are_treated_as_zero():
    """TTBR0 bits [(x-1):1] are RES0; the walker treats them as zero (the
    CONSTRAINED UNPREDICTABLE choice AArch64.S1TTBaseAddress's Align makes):
    a 2-entry table with TTBR0 = base + 8 reads from base."""
    mem = MemoryImage()
    mem.write_u64(0x20010, 0x21000 | TABLE)           # L0[0] of the table at 0x20010
    t = walk(mem, 0x20018, 24, MAIR, 0x1000)
    assert isinstance(t, WalkFault) and t.reads[0] == 0x20010


@pytest.mark.parametrize("t0sz, level, entries", [
    (16, 0, 512), (20, 0, 32), (24, 0, 2),
    (25, 1, 512), (30, 1, 16), (33, 1, 2),
    (34, 2, 512), (37, 2, 64), (39, 2, 16)])
def test_start_level_and_table_size_by_t0sz(t0sz, level, entries):
    """The first read is at base + 8 * index, the index taken from the top
    log2(entries) input bits; a TTBR0 misaligned by one byte less than the table
    size lands on the table's base."""
    mem = MemoryImage()
    size = 8 * entries
    base = 0x40000                                     # 4 KiB aligned: fits any size
    top_va = (1 << (64 - t0sz)) - 0x1000               # highest page: index = entries-1
    f = walk(mem, base + size - 8 if size > 8 else base, t0sz, MAIR, top_va)
    assert isinstance(f, WalkFault) and (f.kind, f.level) == (FaultKind.TRANSLATION, level)
    assert f.reads == (base + 8 * (entries - 1),), [hex(a) for a in f.reads]


# ---------------------------------------------------------------- TCR.IPS encodings
@pytest.mark.parametrize("ips, oas", [(0, 32), (1, 36), (2, 40), (3, 42), (4, 44), (5, 48),
                                      (6, 48), (7, 48)])
def test_every_ips_encoding_bounds_the_output_address(ips, oas):
    """TCR.IPS 0..5 = 32..48 bits; the reserved 110/111 behave as the largest size
    implemented (48 here). A leaf whose OA needs bit `oas` is an address size fault;
    one just below it translates."""
    mem = MemoryImage()
    tcr = 25 | (ips << L.TCR_IPS_SHIFT)
    mem.write_u64(0x10000, 0x11000 | TABLE)
    mem.write_u64(0x11000, 0x12000 | TABLE)
    mem.write_u64(0x12000 + 8, ((1 << oas) - 0x1000) | AF | AP_UNPRIV | PAGE)
    if oas < 48:
        mem.write_u64(0x12000 + 16, (1 << oas) | AF | AP_UNPRIV | PAGE)
    ok = walk(mem, 0x10000, tcr, MAIR, 0x1000)
    assert isinstance(ok, Translation) and ok.pa == (1 << oas) - 0x1000
    if oas < 48:
        f = walk(mem, 0x10000, tcr, MAIR, 0x2000)
        assert (f.kind, f.level) == (FaultKind.ADDRESS_SIZE, 3)
        # and a TTBR0 at or above 2^oas faults at level 0 before any read
        f = walk(mem, 1 << oas, tcr, MAIR, 0x1000)
        assert (f.kind, f.level, f.reads) == (FaultKind.ADDRESS_SIZE, 0, ())
