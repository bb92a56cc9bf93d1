"""Throughput of the io_pgtable_arm model and reference walker (pure Python).

    .venv/bin/python bench/pgtable_bench.py [pages]

Prints map / walk / unmap rates; figures are recorded in docs/pgtable.md.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pymodel.io_pgtable_arm import SZ_1G, SZ_4K, ArmLpaeS1, walk
from pymodel.kernel import IOMMU_READ, IOMMU_WRITE
from pymodel.memory import MemoryImage, TablePageAllocator


def main(pages: int = 20000) -> None:
    mem = MemoryImage()
    pt = ArmLpaeS1(mem, TablePageAllocator(mem, 0x4000_0000, 1 << 28))
    rw = IOMMU_READ | IOMMU_WRITE
    t0 = time.perf_counter()
    for i in range(pages):                       # one map call per 4K page
        assert pt.map(0x1_0000_0000 + i * SZ_4K, 0x8000_0000 + i * SZ_4K, SZ_4K, rw) == 0
    t1 = time.perf_counter()
    rng = random.Random(1)
    iovas = [0x1_0000_0000 + rng.randrange(pages) * SZ_4K + rng.randrange(SZ_4K)
             for _ in range(pages)]
    for iova in iovas:
        walk(mem, pt.ttbr, pt.tcr, pt.mair, iova)
    t2 = time.perf_counter()
    assert pt.unmap(0x1_0000_0000, pages * SZ_4K) == pages * SZ_4K
    t3 = time.perf_counter()
    assert pt.map(SZ_1G, 0, SZ_1G, rw) == 0
    t4 = time.perf_counter()
    assert pt.unmap(SZ_1G + SZ_4K, SZ_4K) == SZ_4K   # v4.9 split: 262143 pages
    t5 = time.perf_counter()
    print(f"map 4K pages      : {pages / (t1 - t0):10.0f} /s")
    print(f"walk (4 levels)   : {pages / (t2 - t1):10.0f} /s")
    print(f"unmap {pages} pages: {t3 - t2:8.3f} s")
    print(f"1G block map      : {(t4 - t3) * 1e6:8.0f} us")
    print(f"1G -> 4K split    : {t5 - t4:8.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
