"""MemoryImage and TablePageAllocator: byte order, page crossing, pool limits."""

import pytest

from pymodel.memory import MemoryAccessError, MemoryImage, OutOfTablePages, TablePageAllocator


def test_little_endian_across_page_boundary():
    mem = MemoryImage()
    mem.write_u64(0x1FFC, 0x1122_3344_5566_7788)
    assert mem.read(0x1FFC, 8) == bytes([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
    assert mem.read_u32(0x2000) == 0x1122_3344
    assert mem[0x1FFC:0x2000] == bytes([0x88, 0x77, 0x66, 0x55])
    assert mem.read(0x9000, 4) == bytes(4)


def test_slice_protocol_matches_sparse_memory():
    mem = MemoryImage(size=0x10000)
    mem[0x10:0x14] = b"\x01\x02\x03\x04"
    assert mem[0x11] == 2 and len(mem) == 0x10000
    with pytest.raises(MemoryAccessError, match="0xfffe"):
        mem.read(0xFFFE, 4)


def test_table_pool_alignment_and_exhaustion():
    mem = MemoryImage()
    pool = TablePageAllocator(mem, base=0x4000_0000, size=0x4000)
    assert pool.alloc() == 0x4000_0000
    assert pool.alloc(0x2000) == 0x4000_2000      # two pages, 8 KiB aligned
    with pytest.raises(OutOfTablePages, match="0x2000 bytes"):
        pool.alloc(0x1000 * 2)
    pool.free(0x4000_0000)
    mem.write_u32(0x4000_0000, 0xdead)
    assert pool.alloc() == 0x4000_0000 and mem.read_u32(0x4000_0000) == 0
