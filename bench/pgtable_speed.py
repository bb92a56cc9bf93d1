"""Throughput of the golden model (pure Python): io_pgtable_arm maps, reference
walks and unmaps, and MSI compose + lookup per kernel flavour.

    .venv/bin/python bench/pgtable_speed.py [pages]

"MSI compose + lookup" is one its_irq_compose_msi_msg() of an already mapped
vector (4.9 / 4.11: iommu_dma_map_msi_msg finds the MSI page in msi_page_list;
5.2 / 6.1: iommu_dma_compose_msi_msg from the prepared desc) plus the
iommu_iova_to_phys() of the message address the device will write to: what a
testbench predicts per MSI. Figures are recorded in docs/pgtable.md and
docs/model.md; the floor docs/model.md promises is 100k per second.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pymodel import dma_iommu as D
from pymodel import kversion
from pymodel import msi as M
from pymodel.io_pgtable_arm import SZ_1G, SZ_4K, ArmLpaeS1, walk
from pymodel.linux_defs import IOMMU_READ, IOMMU_WRITE
from pymodel.memory import MemoryImage, TablePageAllocator


def _msi_setup(behaviour: kversion.KernelBehaviour):
    """A PCI device's ITS vector in a DMA domain, with 4 other doorbell pages
    mapped after the ITS page, so that the MSI page lookup walks past them."""
    domain = D.IommuDomain(behaviour=behaviour)
    D.iommu_get_dma_cookie(domain, behaviour)
    dev = D.PciDevice("nvme", 8, dma_mask=D.DMA_BIT_MASK(64))
    assert D.iommu_dma_init_domain(domain, 0, 1 << 32, dev) == 0
    D.iommu_attach_device(domain, dev)
    its_dev = M.ItsDevice(M.ItsNode(), dev, 8, nr_ites=32)
    if behaviour.split_compose:
        err, _ = M.its_irq_domain_alloc(its_dev)
        assert err == 0
    for i in range(4):
        other = M.MsiMsg(0x0800_0000 + 0x1000 * i, 0, 0)
        if behaviour.split_compose:
            assert D.iommu_dma_prepare_msi(D.MsiDesc(dev), other.address) == 0
        else:
            D.iommu_dma_map_msi_msg(dev, other)
    return domain, its_dev


def msi_compose_lookup_rate(behaviour: kversion.KernelBehaviour, n: int = 100_000,
                            translate: bool = False) -> float:
    """MSI compose + MSI page lookup per second: 4.9 / 4.11 its_irq_compose_msi_msg
    (iommu_dma_map_msi_msg looks the doorbell page up in msi_page_list); 5.2 / 6.1
    its_irq_domain_alloc's iommu_dma_prepare_msi (the same lookup) then compose
    from the desc. With `translate`, also iommu_iova_to_phys of the message (the
    4-level lookup a scoreboard does per MSI)."""
    domain, its_dev = _msi_setup(behaviour)
    hwirq = its_dev.lpi_base + 3
    doorbell = its_dev.its.doorbell
    msg = M.MsiMsg()
    split = behaviour.split_compose
    t0 = time.perf_counter()
    for _ in range(n):
        if split:
            err, desc = M.its_irq_domain_alloc(its_dev)
            M.its_irq_compose_msi_msg(its_dev, hwirq, msg, desc=desc)
        else:
            M.its_irq_compose_msi_msg(its_dev, hwirq, msg)
        if translate and domain.iova_to_phys(msg.address) != doorbell:
            raise AssertionError(f"{behaviour.name}: {msg} does not land on {doorbell:#x}")
    rate = n / (time.perf_counter() - t0)
    if domain.iova_to_phys(msg.address) != doorbell or len(domain.iova_cookie.msi_page_list) != 5:
        raise AssertionError(f"{behaviour.name}: composed {msg}, "
                             f"{len(domain.iova_cookie.msi_page_list)} MSI pages")
    return rate


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
    for b in (kversion.V4_9, kversion.V4_11, kversion.V5_2, kversion.V6_1):
        print(f"MSI compose+lookup {b.name:5}: {msi_compose_lookup_rate(b):10.0f} /s"
              f"   (+ iova_to_phys: {msi_compose_lookup_rate(b, 30_000, True):8.0f} /s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
