"""End-to-end system scenarios on msi_system_top (issue 5).

Every test boots the system the way Linux does (tb/kernel.py: arm-smmu probe and
reset, ITS probe and collections, GICv2m MSI_TYPER), attaches devices to DMA
domains, composes MSIs through pymodel's compose + iommu_dma_map_msi_msg, lets
the device models write them, and checks every observable against the golden
model (tb/system_scoreboard.py). Seeds: SEED=n replays.
"""

from __future__ import annotations

import random

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge

from pymodel import dma_iommu as D
from pymodel.hwdefs import system as SYS
from pymodel.kernel import DMA_ERROR_CODE, IOMMU_READ, IOMMU_WRITE
from tb.kernel import Kernel
from tb.system_env import SystemEnv
from tb.system_regress import with_stats
from tb.system_scoreboard import ScoreboardError, SystemScoreboard


async def boot(dut, stats, name: str, backpressure: float = 0.0):
    env = SystemEnv(dut, test_name=name)
    await env.reset()
    k = Kernel(env)
    await k.probe()
    sb = SystemScoreboard(env, k, stats)
    if backpressure:
        env.set_backpressure(backpressure)
    return env, k, sb


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise ScoreboardError(msg)


@cocotb.test()
@with_stats
async def its_single_msi(dut, stats):
    """Smallest end-to-end flow: one device in one DMA domain, one ITS vector;
    the swizzled MSI reaches GITS_TRANSLATER through the SMMU and raises the
    predicted LPI."""
    env, k, sb = await boot(dut, stats, "its_single_msi")
    kd = k.iommu_domain_alloc("dom0")
    k.iommu_dma_setup(kd)
    kdev = k.add_device(0)
    await k.attach(kd, kdev)
    [vec] = await k.its_msi_alloc(kdev, 1)
    check(not vec.msg.is_failed(), f"compose failed: {vec.msg}")
    check(vec.msg.address != vec.doorbell, "message was not swizzled to an IOVA")
    p = await sb.msi(kdev.model, vec.msg, "vector 0")
    check(p.irq == ("lpi", vec.hwirq, p.irq[2]), f"model predicts {p.describe()}")
    await sb.drain()
    await RisingEdge(dut.clk)


# ----------------------------------------------------------------------------- helpers
class Topology:
    """Devices on ports 0..3 spread over DMA domains, each with MSI vectors on
    one controller and DMA buffers mapped through the DMA API."""

    def __init__(self, k: Kernel, layout, chip_of, nvec_of, behaviour="v4.9",
                 bufs_per_dev: int = 2):
        self.k = k
        self.kdoms = {}
        self.kdevs = []
        self.layout = layout
        self.chip_of, self.nvec_of = chip_of, nvec_of
        self.behaviour = behaviour
        self.bufs_per_dev = bufs_per_dev
        self.vectors = {}
        self.buffers = {}          # kdev name -> [(iova, phys, size)]

    async def build(self):
        k = self.k
        for dom_name, ports in self.layout.items():
            kd = k.iommu_domain_alloc(dom_name)
            k.iommu_dma_setup(kd, self.behaviour)
            self.kdoms[dom_name] = kd
            for port in ports:
                kdev = k.add_device(port)
                await k.attach(kd, kdev)
                self.kdevs.append(kdev)
        for kdev in self.kdevs:
            alloc = k.its_msi_alloc if self.chip_of(kdev) == "its" else k.v2m_msi_alloc
            self.vectors[kdev.name] = await alloc(kdev, self.nvec_of(kdev))
            bufs = []
            for _ in range(self.bufs_per_dev):
                phys = k.alloc_buffer(4096)
                k.memory.write(phys, bytes(4096))
                iova = k.dma_map(kdev, phys, 4096, IOMMU_READ | IOMMU_WRITE)
                check(iova != DMA_ERROR_CODE, f"dma_map for {kdev.name} failed")
                bufs.append((iova, phys, 4096))
            self.buffers[kdev.name] = bufs
        return self

    def all_vectors(self):
        return [v for vs in self.vectors.values() for v in vs]


def check_msi_pages(topo: Topology) -> None:
    """One MSI IOVA page per domain per doorbell page, shared by every vector of
    every device in the domain; distinct domains have their own mapping."""
    for name, kd in topo.kdoms.items():
        pages = kd.domain.iova_cookie.msi_page_list
        doorbell_pages = {v.doorbell & ~0xFFF for kdev in kd.devices
                          for v in topo.vectors[kdev.name]}
        check(len(pages) == len(doorbell_pages),
              f"domain {name}: {len(pages)} MSI pages for doorbell pages "
              f"{[hex(p) for p in doorbell_pages]}")
        for kdev in kd.devices:
            for v in topo.vectors[kdev.name]:
                page = next(p for p in pages if p.phys == v.doorbell & ~0xFFF)
                check(v.msg.address == page.iova | (v.doorbell & 0xFFF),
                      f"{kdev.name} vector {v.hwirq}: message {v.msg} not on MSI page "
                      f"{page.iova:#x}")
                check(kd.domain.iova_to_phys(v.msg.address) == v.doorbell,
                      f"{kdev.name}: MSI IOVA {v.msg.address:#x} does not translate to "
                      f"the doorbell {v.doorbell:#x}")


async def device_worker(sb, topo, kdev, rng, ops: int, first_fire_all: bool = True):
    """Fire every vector once, then a random mix of MSIs and DMA to own buffers."""
    vecs = topo.vectors[kdev.name]
    bufs = topo.buffers[kdev.name]
    if first_fire_all:
        for v in vecs:
            await sb.msi(kdev.model, v.msg, f"hwirq {v.hwirq}")
    for _ in range(ops):
        r = rng.random()
        if r < 0.4 and vecs:
            v = rng.choice(vecs)
            await sb.msi(kdev.model, v.msg, f"hwirq {v.hwirq}")
        else:
            iova, _phys, size = rng.choice(bufs)
            n = 8 * rng.randint(1, 32)
            off = 8 * rng.randrange((size - n) // 8 + 1)
            if r < 0.75:
                await sb.dma_write(kdev.model, iova + off, rng.randbytes(n))
            else:
                await sb.dma_read(kdev.model, iova + off, n)


# ----------------------------------------------------------------------------- scenarios
@cocotb.test()
@cocotb.parametrize(chip=["its", "v2m"], backpressure=[0.0, 0.3])
@with_stats
async def doorbells_many_devices(dut, chip, backpressure, stats):
    """ITS or GICv2m doorbell, four devices in three domains with 2..5 vectors
    each, DMA to mapped buffers running alongside: every MSI arrives as the
    predicted LPI / SPI exactly once; the MSI IOVA page is mapped once per domain
    and reused by every device and vector in it."""
    env, k, sb = await boot(dut, stats, f"doorbells_many_devices_{chip}_{backpressure}",
                            backpressure)
    rng = random.Random(cocotb.RANDOM_SEED)
    nvec = {0: 4, 1: 3, 2: 2, 3: 5}
    topo = await Topology(k, {"domA": [0, 1], "domB": [2], "domC": [3]},
                          lambda kd: chip, lambda kd: nvec[kd.model.port]).build()
    check_msi_pages(topo)
    # every vector distinct interrupt, and devices of one domain share the message address
    hw = [v.hwirq for v in topo.all_vectors()]
    check(len(set(hw)) == len(hw), f"duplicate hwirqs {hw}")
    workers = [cocotb.start_soon(device_worker(sb, topo, kdev, random.Random(rng.random()), 12))
               for kdev in topo.kdevs]
    for w in workers:
        await w
    await sb.drain()
    check(stats["interrupts"] == sum(1 for _ in range(0)) + stats["msis"],
          f"{stats['interrupts']} interrupts for {stats['msis']} MSIs")
    await RisingEdge(dut.clk)
