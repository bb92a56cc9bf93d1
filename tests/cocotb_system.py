"""End-to-end system scenarios on msi_system_top (issue 5).

Every test boots the system the way Linux does (tb/kernel.py: arm-smmu or, with
SMMU_VERSION 3, arm-smmu-v3 probe and reset, ITS probe and collections, GICv2m
MSI_TYPER), attaches devices to DMA
domains, composes MSIs through pymodel's compose + iommu_dma_map_msi_msg, lets
the device models write them, and checks every observable against the golden
model (tb/system_scoreboard.py). Seeds: SEED=n replays. Every scenario runs on
both SMMUs (tests/test_system.py); an SMMU fault is checked as the v2 fault
registers or the v3 event record, whichever the system has.
"""

from __future__ import annotations

import random

import cocotb
from cocotb.triggers import RisingEdge

from pymodel import dma_iommu as D
from pymodel.linux_defs import DMA_ERROR_CODE, IOMMU_READ, IOMMU_WRITE
from tb.kernel import Kernel, KernelError
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
    # the CPU the driver mapped the event's collection to (MAPTI), against the ITS
    # reference's prediction from the commands it decoded
    cpu = k.its.dev_event_to_col(kdev.its_dev, vec.event).target_address >> 16
    check(p.irq == ("lpi", vec.hwirq, cpu), f"model predicts {p.describe()}, driver says "
                                            f"LPI {vec.hwirq} on cpu{cpu}")
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
            behaviour = self.behaviour(dom_name) if callable(self.behaviour) else self.behaviour
            kd = k.iommu_domain_alloc(dom_name, behaviour=behaviour)
            k.iommu_dma_setup(kd)
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
    # every message here is legitimate: one interrupt per MSI write
    check(stats["interrupts"] == stats["msis"],
          f"{stats['interrupts']} interrupts for {stats['msis']} MSIs")
    await RisingEdge(dut.clk)


@cocotb.test()
@cocotb.parametrize(kernel=["v4_9", "v5_2"])    # (cocotb names need identifiers)
@with_stats
async def iova_exhausted_msi_fails(dut, kernel, stats):
    """The seed's failure path: the IOVA space below the devices' DMA mask (16
    bits here; v4.9 allocates below the mask, the init window only moves the
    32-bit cache) is used up by buffer mappings before the MSI page is mapped,
    so iommu_dma_map_msi_msg fills the
    message with ~0; the device's write to 0xffff_ffff_fffc faults in the SMMU
    exactly as the walker predicts (fault record read back) and raises nothing,
    for an ITS and a GICv2m vector. Mapped buffers keep working. With 5.2's
    split API the MSI page is mapped at IRQ allocation: iommu_dma_prepare_msi
    fails with -ENOMEM, so the IRQ allocation itself fails (5.2.1 has no
    iommu_dma_map_msi_msg to fill a ~0 message)."""
    kernel = kernel.replace("_", ".")
    env, k, sb = await boot(dut, stats, f"iova_exhausted_msi_fails_{kernel}")
    kd = k.iommu_domain_alloc("tiny", behaviour=kernel)
    k.iommu_dma_setup(kd)
    kits = k.add_device(0, dma_mask=D.DMA_BIT_MASK(16))
    kv2m = k.add_device(1, dma_mask=D.DMA_BIT_MASK(16))
    await k.attach(kd, kits)
    await k.attach(kd, kv2m)
    mapped = []
    while True:
        phys = k.alloc_buffer(4096)
        iova = k.dma_map(kits, phys, 4096, IOMMU_READ | IOMMU_WRITE)
        if iova == DMA_ERROR_CODE:
            break
        mapped.append((iova, phys))
        check(len(mapped) < 16, "a 16-bit DMA mask leaves at most 15 4 KiB IOVAs")
    env.txlog.log("KERNEL", f"IOVA window exhausted after {len(mapped)} buffer mappings")
    if kernel == "v5.2":
        desc = D.MsiDesc(kits.dev)
        check(D.iommu_dma_prepare_msi(desc, k.its_msi_node.doorbell) == -12,
              "v5.2 iommu_dma_prepare_msi should fail with -ENOMEM")
    check(len(mapped) >= 1, "no buffer could be mapped at all")
    if kernel == "v5.2":
        for alloc, kdev in ((k.its_msi_alloc, kits), (k.v2m_msi_alloc, kv2m)):
            try:
                await alloc(kdev, 1)
            except KernelError as e:
                env.txlog.log("KERNEL", f"IRQ allocation failed as predicted: {e}")
            else:
                check(False, f"{kdev.name}: IRQ allocation succeeded in a full IOVA window")
    else:
        [v_its] = await k.its_msi_alloc(kits, 1)
        [v_v2m] = await k.v2m_msi_alloc(kv2m, 1)
        for v in (v_its, v_v2m):
            check(v.msg.is_failed(), f"{v.kdev.name}: expected the ~0 message, got {v.msg}")
    check(not kd.domain.iova_cookie.msi_page_list, "an MSI page was mapped in a full window")
    if kernel != "v5.2":
        for v in (v_its, v_v2m):
            p = await sb.msi(v.kdev.model, v.msg, "failed message")
            check(not p.outcome.forward and p.irq is None, f"~0 message predicted {p.describe()}")
            await sb.check_fault(p)
    # the domain still translates its buffers
    iova, phys = mapped[0]
    await sb.dma_write(kits.model, iova + 0x100, bytes(range(64)))
    await sb.dma_read(kits.model, iova + 0x100, 64)
    await sb.drain()
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def teardown_put_cookie_tlb_invalidate(dut, stats):
    """Teardown: unmap a buffer (TLBIVA + sync), detach, iommu_put_dma_cookie +
    domain free (SCTLR off, TLBIASID + sync). After it, the old MSI and DMA
    addresses fault: first as an unmatched stream (v2 global fault; v3 STE abort,
    no record), then, with the device in a new domain that reuses the same context
    bank (v2) and ASID, as translation faults: no stale TLB entry is used. A new MSI works again; after
    its_free_device (MAPD V=0) the ITS drops it (no stale translation cache)."""
    env, k, sb = await boot(dut, stats, "teardown_put_cookie_tlb_invalidate")
    kd = k.iommu_domain_alloc("old")
    k.iommu_dma_setup(kd)
    kdev = k.add_device(0)
    await k.attach(kd, kdev)
    vecs = await k.its_msi_alloc(kdev, 2)
    phys = k.alloc_buffer(8192)
    iova_keep = k.dma_map(kdev, phys, 4096, IOMMU_READ | IOMMU_WRITE)
    iova_gone = k.dma_map(kdev, phys + 4096, 4096, IOMMU_READ | IOMMU_WRITE)
    for _ in range(3):                                   # warm the TLB
        for v in vecs:
            await sb.msi(kdev.model, v.msg)
        await sb.dma_write(kdev.model, iova_gone, b"\x5a" * 32)
        await sb.dma_read(kdev.model, iova_keep, 32)
    await sb.drain()
    old_msgs = [(v.msg.address_lo, v.msg.address_hi, v.msg.data) for v in vecs]
    # unmap one buffer: the page goes, TLBIVA + sync are issued
    await k.dma_unmap(kdev, iova_gone, 4096)
    p = await sb.dma_write(kdev.model, iova_gone, b"\xa5" * 32)
    check(not p.outcome.forward, f"unmapped IOVA still predicted to translate: {p.describe()}")
    await sb.check_fault(p)
    await sb.dma_read(kdev.model, iova_keep, 32)       # its neighbour is untouched
    # detach and free the domain
    cb_old, asid_old = kd.cbndx, kd.asid
    await k.detach(kdev)
    await k.domain_free(kd)
    check(kd.domain.iova_cookie is None, "cookie still present after iommu_put_dma_cookie")
    for v in vecs:
        p = await sb.msi(kdev.model, v.msg, "after detach")
        check(not p.outcome.forward and p.irq is None, f"detached device: {p.describe()}")
        await sb.check_fault(p)
    # a new domain takes the same context bank and ASID; the old IOVAs must miss
    kd2 = k.iommu_domain_alloc("new")
    check(kd2.cbndx == cb_old and kd2.asid == asid_old,
          f"new domain got CB{kd2.cbndx}/ASID{kd2.asid}, expected the freed "
          f"CB{cb_old}/ASID{asid_old}")
    k.iommu_dma_setup(kd2)
    await k.attach(kd2, kdev)
    for v in vecs:
        p = await sb.msi(kdev.model, v.msg, "stale message, new domain")
        check(not p.outcome.forward, f"stale MSI predicted to translate: {p.describe()}")
        await sb.check_fault(p)
    p = await sb.dma_read(kdev.model, iova_keep, 32)
    check(not p.outcome.forward, "stale DMA IOVA predicted to translate")
    await sb.check_fault(p)
    # compose again in the new domain: the MSI page is mapped anew and works
    for v in vecs:
        k.recompose(v)
        check(not v.msg.is_failed(), f"recompose failed: {v.msg}")
        await sb.msi(kdev.model, v.msg, "recomposed")
    check(len(kd2.domain.iova_cookie.msi_page_list) == 1, "new domain: one MSI page")
    env.txlog.log("KERNEL", f"old messages {[(hex(a), hex(b), c) for a, b, c in old_msgs]}")
    await sb.drain()
    # interrupt side of the teardown: its_free_device (MAPD V=0); the ITS must not
    # use its cached translation afterwards: the same writes are dropped
    await k.its_free_device(kdev)
    for v in vecs:
        p = await sb.msi(kdev.model, v.msg, "after MAPD V=0")
        check(p.irq is None and p.drop == "unmapped_device",
              f"write after MAPD V=0 predicted {p.describe()}")
    await sb.drain()
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def isolation_its(dut, stats):
    """With the ITS: a device cannot raise another device's LPI (the DeviceID is
    its own StreamID, whatever it writes), cannot reach another domain's pages,
    cannot fetch instructions from the MSI page (XN) or write a read-only
    buffer; an unattached stream and a write to the doorbell's physical address
    fault. The domains are MSI-isolated."""
    env, k, sb = await boot(dut, stats, "isolation_its")
    kx, ky = k.iommu_domain_alloc("domX"), k.iommu_domain_alloc("domY")
    k.iommu_dma_setup(kx)
    k.iommu_dma_setup(ky)
    a, b = k.add_device(0, "victim"), k.add_device(1, "attacker")
    stranger = k.add_device(2, "unattached")
    await k.attach(kx, a)
    await k.attach(ky, b)
    va = await k.its_msi_alloc(a, 8)
    vb = await k.its_msi_alloc(b, 2)
    buf_a = k.alloc_buffer(4096)
    k.memory.write(buf_a, bytes([0xAA]) * 4096)
    iova_a = k.dma_map(a, buf_a, 4096, IOMMU_READ | IOMMU_WRITE)
    iova_a2 = k.dma_map(a, k.alloc_buffer(4096), 4096, IOMMU_READ | IOMMU_WRITE)
    buf_b = k.alloc_buffer(4096)
    iova_b = k.dma_map(b, buf_b, 4096, IOMMU_READ | IOMMU_WRITE)
    ro_b = k.dma_map(b, k.alloc_buffer(4096), 4096, IOMMU_READ)
    check(k.msi_isolated(kx) and k.msi_isolated(ky), "ITS domains must be MSI-isolated")
    victim_lpis = {("lpi", v.hwirq) for v in va}
    # 1. the attacker replays each of the victim's messages
    for v in va:
        p = await sb.msi(b.model, v.msg, f"forged victim hwirq {v.hwirq}")
        check(p.irq is None or ("lpi", p.irq[1]) not in victim_lpis,
              f"model says the attacker raised the victim's LPI: {p.describe()}")
        if not p.outcome.forward:
            await sb.check_fault(p)
    # 2. the attacker writes the victim's buffer IOVAs: its own domain decides
    snapshot = k.memory.read(buf_a, 4096)
    for iova in (iova_a, iova_a2):
        p = await sb.dma_write(b.model, iova + 0x40, b"\x66" * 64)
        check(not p.outcome.forward or p.outcome.pa != buf_a + 0x40,
              "model lets the attacker reach the victim's buffer")
        if not p.outcome.forward:
            await sb.check_fault(p)
    check(k.memory.read(buf_a, 4096) == snapshot, "victim's buffer changed")
    # 3. instruction fetch from the MSI page: XN (IOMMU_NOEXEC) -> permission fault
    msi_iova = vb[0].msg.address & ~0xFFF
    p = sb.predict(b.sid, msi_iova + 0x40, write=False, prot=0b110)
    check(not p.outcome.forward, f"exec from the MSI page predicted allowed: {p.describe()}")
    r = await b.model.dma_read(msi_iova + 0x40, 4, prot=0b110)
    sb._expect(p)
    check(r.resp == p.resp, f"exec fetch of the MSI page: resp {r.resp}, predicted {p.resp}")
    await sb.check_fault(p)
    stats.add("transactions")
    #    a data read is allowed: LPAE has no write-only encoding for IOMMU_WRITE
    p = await sb.dma_read(b.model, msi_iova + 0x40, 4)
    check(p.outcome.forward and p.target == "its", f"MSI page data read: {p.describe()}")
    # 4. write to a read-only buffer -> permission fault
    p = await sb.dma_write(b.model, ro_b, b"\x01" * 8)
    check(not p.outcome.forward, "write to a read-only mapping predicted allowed")
    await sb.check_fault(p)
    # 5. a stream nobody attached: global fault, no interrupt
    p = await sb.msi(stranger.model, va[0].msg, "unattached stream")
    check(not p.outcome.forward, "unattached stream predicted to translate")
    await sb.check_fault(p)
    # 6. the doorbell's physical address is not an IOVA of the domain
    from pymodel.msi import MsiMsg
    raw = MsiMsg(va[0].doorbell & 0xFFFF_FFFF, va[0].doorbell >> 32, va[0].event)
    p = await sb.msi(a.model, raw, "doorbell PA as IOVA")
    check(not p.outcome.forward, "doorbell PA predicted mapped")
    await sb.check_fault(p)
    # the legitimate messages still work
    for v in va + vb:
        await sb.msi(v.kdev.model, v.msg)
    await sb.dma_write(b.model, iova_b, b"\x77" * 16)
    await sb.drain()
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def isolation_v2m_missing(dut, stats):
    """GICv2m cannot tell writers apart: a device in another domain raises the
    victim's SPI by writing its number to its own, legitimately mapped, doorbell
    page (the model predicts the victim's SPI, the RTL raises it), and in fact
    every SPI of the frame (out-of-range numbers are dropped and counted). The kernel
    layer flags GICv2m domains as not MSI-isolated; the same attempt against the
    ITS yields the attacker's own LPI or a drop."""
    env, k, sb = await boot(dut, stats, "isolation_v2m_missing")
    kx, ky, kz, kw = (k.iommu_domain_alloc(n) for n in ("v2mX", "v2mY", "itsZ", "itsW"))
    for kd in (kx, ky, kz, kw):
        k.iommu_dma_setup(kd)
    victim, attacker = k.add_device(0, "v2m-victim"), k.add_device(1, "v2m-attacker")
    its_victim, its_attacker = k.add_device(2, "its-victim"), k.add_device(3, "its-attacker")
    await k.attach(kx, victim)
    await k.attach(ky, attacker)
    await k.attach(kz, its_victim)
    await k.attach(kw, its_attacker)
    vv = await k.v2m_msi_alloc(victim, 2)
    va = await k.v2m_msi_alloc(attacker, 1)
    iv = await k.its_msi_alloc(its_victim, 4)
    ia = await k.its_msi_alloc(its_attacker, 1)
    check(not k.msi_isolated(kx) and not k.msi_isolated(ky),
          "GICv2m domains must be flagged as not MSI-isolated")
    check(k.msi_isolated(kz) and k.msi_isolated(kw), "ITS domains are MSI-isolated")
    from pymodel.msi import MsiMsg
    raised = []
    for v in vv:
        forged = MsiMsg(va[0].msg.address_lo, va[0].msg.address_hi, v.hwirq)
        p = await sb.msi(attacker.model, forged, f"forged SPI {v.hwirq}")
        check(p.irq == ("spi", v.hwirq),
              f"model should predict the victim's SPI {v.hwirq}, got {p.describe()}")
        raised.append(v.hwirq)
    # any SPI of the frame, whoever owns it (or nobody), and out-of-range numbers dropped
    v2m = k.v2m
    for spi in list(range(v2m.spi_start, v2m.spi_start + v2m.nr_spis)) + [v2m.spi_start - 1,
                                                                          v2m.spi_start + v2m.nr_spis]:
        forged = MsiMsg(va[0].msg.address_lo, va[0].msg.address_hi, spi)
        p = await sb.msi(attacker.model, forged, f"any SPI {spi}")
        inside = v2m.spi_start <= spi < v2m.spi_start + v2m.nr_spis
        check((p.irq == ("spi", spi)) if inside else (p.irq is None),
              f"SPI {spi}: model predicts {p.describe()}")
    for v in iv:
        forged = MsiMsg(ia[0].msg.address_lo, ia[0].msg.address_hi, v.event)
        p = await sb.msi(its_attacker.model, forged, f"forged event {v.event}")
        check(p.irq is None or p.irq[1] != v.hwirq,
              f"ITS let the attacker raise the victim's LPI: {p.describe()}")
    env.txlog.log("KERNEL", f"GICv2m: attacker raised victim SPIs {raised}; ITS: no victim LPI")
    await sb.drain()
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def lookup_v5_vs_merged(dut, stats):
    """The seed's v5 MSI-page lookup against the merged v4.9 one, each in its own
    domain, on the same doorbells: the same interrupts are delivered; a doorbell
    address above the first in the same page costs v5 a second IOVA page; an
    address just below the first (in the page before) hits in v5 and is
    swizzled into the first page, so the write lands at the wrong PA (OKAY from
    the ITS frame) where v4.9 maps its own page and the write reaches the ITS
    control frame (DECERR from the device side). Page counts, addresses and
    responses are all predicted."""
    env, k, sb = await boot(dut, stats, "lookup_v5_vs_merged")
    from pymodel.msi import MsiMsg
    doms = {}
    for variant, ports in (("v4.9", (0, 2)), ("seed-v5", (1, 3))):
        kd = k.iommu_domain_alloc(f"dom-{variant}", behaviour=variant)
        k.iommu_dma_setup(kd)
        its_dev, v2m_dev = k.add_device(ports[0]), k.add_device(ports[1])
        await k.attach(kd, its_dev)
        await k.attach(kd, v2m_dev)
        vi = await k.its_msi_alloc(its_dev, 3)
        vv = await k.v2m_msi_alloc(v2m_dev, 2)
        doms[variant] = (kd, its_dev, v2m_dev, vi, vv)
    delivered = {}
    for variant, (kd, its_dev, v2m_dev, vi, vv) in doms.items():
        kinds = []
        for v in vi + vv:
            p = await sb.msi(v.kdev.model, v.msg)
            kinds.append(p.irq[0] if p.irq else None)
        delivered[variant] = kinds
        check(len(kd.domain.iova_cookie.msi_page_list) == 2,
              f"{variant}: two doorbell pages -> two MSI pages")
    check(delivered["v4.9"] == delivered["seed-v5"] == ["lpi"] * 3 + ["spi"] * 2,
          f"interrupt kinds differ: {delivered}")
    its_db = k.its_msi_node.doorbell
    results = {}
    for variant, (kd, its_dev, v2m_dev, vi, vv) in doms.items():
        dev = its_dev.dev
        above = MsiMsg((its_db + 0x40) & 0xFFFF_FFFF, its_db >> 32, 0)
        D.iommu_dma_map_msi_msg(dev, above)
        n_above = len(kd.domain.iova_cookie.msi_page_list)
        below = MsiMsg((its_db & ~0xFFF) - 4, its_db >> 32, 0)
        D.iommu_dma_map_msi_msg(dev, below)
        n_below = len(kd.domain.iova_cookie.msi_page_list)
        pa = await sb.msi(its_dev.model, above, "doorbell+0x40")
        pb = await sb.msi(its_dev.model, below, "page below")
        results[variant] = (n_above, n_below, pa, pb)
    # kernel rules: v4.9 compares page-aligned PAs, v5 raw addresses (u32 predicate)
    m_above, m_below, m_pa, m_pb = results["v4.9"]
    s_above, s_below, s_pa, s_pb = results["seed-v5"]
    check((m_above, m_below) == (2, 3), f"v4.9 page counts {(m_above, m_below)}, expected (2, 3)")
    check((s_above, s_below) == (3, 3), f"v5 page counts {(s_above, s_below)}, expected (3, 3)")
    check(m_pa.irq is None and s_pa.irq is None and m_pa.target == s_pa.target == "its",
          "doorbell+0x40 is not GITS_TRANSLATER: no interrupt in either variant")
    check(m_pb.target == "decerr" and m_pb.resp == 3,
          f"v4.9: the page below maps the ITS control frame: {m_pb.describe()}")
    check(s_pb.target == "its" and s_pb.resp == 0 and s_pb.outcome.pa == (its_db & ~0xFFF) | 0xFFC,
          f"v5: swizzled into the first page: {s_pb.describe()}")
    await sb.drain()
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def vfio_msi_cookie(dut, stats):
    """VFIO's flavour: an UNMANAGED domain with iommu_get_msi_cookie(domain,
    0x0800_0000): user DMA mappings at IOVAs the user picks, MSI pages taken
    linearly from the window (ITS page first, then GICv2m), a 2 MiB user mapping
    as a level-2 block, interrupts delivered; with a GICv2m device in the group the domain is not
    MSI-isolated (VFIO would need allow_unsafe_interrupts)."""
    env, k, sb = await boot(dut, stats, "vfio_msi_cookie")
    MSI_IOVA_BASE = 0x0800_0000
    kd = k.iommu_domain_alloc("vfio", type=D.IOMMU_DOMAIN_UNMANAGED)
    k.iommu_msi_cookie_setup(kd, MSI_IOVA_BASE)
    d_its, d_v2m = k.add_device(0, "vfio-its"), k.add_device(1, "vfio-v2m")
    await k.attach(kd, d_its)
    check(k.msi_isolated(kd), "ITS-only group is MSI-isolated")
    await k.attach(kd, d_v2m)
    vi = await k.its_msi_alloc(d_its, 3)
    vv = await k.v2m_msi_alloc(d_v2m, 2)
    for v in vi:
        check(v.msg.address == MSI_IOVA_BASE + (v.doorbell & 0xFFF),
              f"ITS message {v.msg} not in the first window page")
    for v in vv:
        check(v.msg.address == MSI_IOVA_BASE + 0x1000 + (v.doorbell & 0xFFF),
              f"GICv2m message {v.msg} not in the second window page")
    check(not k.msi_isolated(kd), "a GICv2m device makes the group not MSI-isolated")
    # VFIO_IOMMU_MAP_DMA: the user picks the IOVA; 2 MiB aligned on both sides, so
    # io-pgtable uses a level-2 block
    user_iova = 0x1_0000_0000
    buf = k.alloc_buffer(0x20_0000, align=0x20_0000)
    check(kd.domain.iommu_map(user_iova, buf, 0x20_0000, IOMMU_READ | IOMMU_WRITE) == 0, "iommu_map")
    lvl, _pte = kd.domain.pgtbl.leaf_pte(user_iova)
    check(lvl == 2, f"2 MiB user mapping is a level-{lvl} entry, expected a level-2 block")
    for v in vi + vv:
        await sb.msi(v.kdev.model, v.msg)
    for off in (0x1000, 0x12_3400, 0x1F_F000):
        await sb.dma_write(d_its.model, user_iova + off, bytes(range(128)))
        await sb.dma_read(d_v2m.model, user_iova + off, 128)
    await sb.drain()
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def random_system(dut, stats):
    """Constrained-random system regression: a random number of DMA domains with
    a random spread of the four devices, each device on the ITS or GICv2m with
    1..6 vectors, per-domain kernel behaviour (v4.9, seed-v5 lookup, v4.11,
    v5.2 split prepare/compose), random back-pressure; concurrent
    MSIs (legitimate, plus forged event / SPI numbers), DMA writes and reads to
    mapped buffers, one-at-a-time faulting DMA to unmapped IOVAs, and a kernel
    task moving ITS vectors between CPUs (MOVI) and unmapping / remapping
    buffers (TLB invalidation) while the other devices run. Length:
    SYSTEM_RANDOM_OPS (ops per device, default 100)."""
    import os
    from cocotb.triggers import Lock
    from pymodel.msi import MsiMsg
    rng = random.Random(cocotb.RANDOM_SEED)
    bp = rng.choice([0.0, 0.2, 0.4])
    env, k, sb = await boot(dut, stats, "random_system", bp)
    ops = int(os.environ.get("SYSTEM_RANDOM_OPS", "100"))
    ndom = rng.randint(1, 4)
    ports = list(range(4))
    rng.shuffle(ports)
    layout = {f"dom{i}": [] for i in range(ndom)}
    for i, port in enumerate(ports):
        layout[f"dom{i if i < ndom else rng.randrange(ndom)}"].append(port)
    chips = {p: rng.choice(["its", "v2m"]) for p in range(4)}
    nvecs = {p: rng.randint(1, 6) for p in range(4)}
    variants = {d: rng.choice(["v4.9", "seed-v5", "v4.11", "v5.2"]) for d in layout}
    env.txlog.log("RANDOM", f"backpressure={bp} layout={layout} chips={chips} nvecs={nvecs} "
                            f"kernels={variants} ops/device={ops}")
    topo = await Topology(k, layout, lambda kd: chips[kd.model.port],
                          lambda kd: nvecs[kd.model.port], behaviour=variants.get).build()
    check_msi_pages(topo)
    fault_lock = Lock()
    # a device's MSIs and the kernel's MOVI of that device's events never overlap:
    # which CPU an event's LPI targets is then determined when it is predicted
    dev_locks = {kdev.name: Lock() for kdev in topo.kdevs}

    async def device_op(kdev, wrng):
        vecs = topo.vectors[kdev.name]
        bufs = topo.buffers[kdev.name]
        r = wrng.random()
        if r < 0.35:
            v = wrng.choice(vecs)
            await sb.msi(kdev.model, v.msg, f"hwirq {v.hwirq}")
        elif r < 0.45:
            v = wrng.choice(vecs)
            data = wrng.randrange(0, 160) if v.chip.name == "GICv2m" else wrng.randrange(0, 12)
            forged = MsiMsg(v.msg.address_lo, v.msg.address_hi, data)
            await sb.msi(kdev.model, forged, f"random data {data}")
        elif r < 0.5:
            async with fault_lock:
                iova = 0x1000 * wrng.randrange(1, 0x100)      # far below any allocation
                p = await sb.dma_write(kdev.model, iova, b"\xEE" * 8)
                if not p.outcome.forward:
                    await sb.check_fault(p)
        else:
            iova, _phys, size = wrng.choice(bufs)
            n = 8 * wrng.randint(1, 64)
            off = 8 * wrng.randrange((size - n) // 8 + 1)
            if r < 0.8:
                await sb.dma_write(kdev.model, iova + off, wrng.randbytes(n))
            else:
                await sb.dma_read(kdev.model, iova + off, n)

    async def worker(kdev, wrng):
        for v in topo.vectors[kdev.name]:
            async with dev_locks[kdev.name]:
                await sb.msi(kdev.model, v.msg)
        for _ in range(ops):
            async with dev_locks[kdev.name]:
                await device_op(kdev, wrng)

    its_vecs = [v for v in topo.all_vectors() if v.event is not None]
    done = []

    async def kernel_task(krng):
        """While the devices run: irq_set_affinity on random ITS vectors (MOVI +
        SYNC between other devices' translations), and dma_unmap_page + map of a
        random buffer (TLBIVA + sync under traffic; the old IOVA must fault)."""
        while not done:
            if its_vecs and krng.random() < 0.5:
                v = krng.choice(its_vecs)
                async with dev_locks[v.kdev.name]:
                    await k.its_set_affinity(v, krng.randrange(k.its.nr_cpus))
                stats.add("its_movi")
            else:
                kdev = krng.choice(topo.kdevs)
                bufs = topo.buffers[kdev.name]
                async with dev_locks[kdev.name]:
                    i = krng.randrange(len(bufs))
                    iova, phys, size = bufs[i]
                    await k.dma_unmap(kdev, iova, size)
                    async with fault_lock:
                        p = await sb.dma_write(kdev.model, iova + 8 * krng.randrange(size // 8),
                                               b"\xBD" * 8)
                        check(not p.outcome.forward, f"unmapped {iova:#x} predicted to translate")
                        await sb.check_fault(p)
                    new = k.dma_map(kdev, phys, size, IOMMU_READ | IOMMU_WRITE)
                    check(new != DMA_ERROR_CODE, "remap failed")
                    bufs[i] = (new, phys, size)
                stats.add("remaps")
            await k.wait_cycles(krng.randint(20, 200))

    tasks = [cocotb.start_soon(worker(kdev, random.Random(rng.random()))) for kdev in topo.kdevs]
    mover = cocotb.start_soon(kernel_task(random.Random(rng.random())))
    for t in tasks:
        await t
    done.append(True)
    await mover
    await sb.drain(timeout_us=500)
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def its_set_affinity_under_traffic(dut, stats):
    """irq_set_affinity on ITS vectors (MOVI + SYNC) while another device keeps
    signalling: after each move the moved LPI arrives at the new CPU, the
    other device's interrupts keep theirs; the message itself does not change."""
    env, k, sb = await boot(dut, stats, "its_set_affinity_under_traffic", 0.2)
    rng = random.Random(cocotb.RANDOM_SEED)
    topo = await Topology(k, {"domA": [0], "domB": [1]}, lambda kd: "its",
                          lambda kd: 4).build()
    mover, other = topo.kdevs
    stop = []

    async def background():
        while not stop:
            v = rng.choice(topo.vectors[other.name])
            await sb.msi(other.model, v.msg, "background")
    bg = cocotb.start_soon(background())
    for rnd in range(3):
        for v in topo.vectors[mover.name]:
            before = (v.msg.address, v.msg.data)
            cpu = rng.randrange(k.its.nr_cpus)
            await k.its_set_affinity(v, cpu)
            p = await sb.msi(mover.model, v.msg, f"after move to cpu{cpu}")
            check(p.irq == ("lpi", v.hwirq, cpu), f"moved LPI predicted {p.describe()}")
            check((v.msg.address, v.msg.data) == before, "affinity changed the MSI message")
    stop.append(True)
    await bg
    await sb.drain()
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def msi_64bit_iova(dut, stats):
    """Devices with a 64-bit DMA mask: the allocator hands out IOVAs just below
    the 48-bit aperture end, so the MSI message has a non-zero address_hi and
    the device writes a 64-bit address; ITS and GICv2m both deliver. A 32-bit
    device in the same domain gets its own MSI page below 4 GiB (v4.9 looks MSI
    pages up by physical address, so it reuses the 64-bit device's page)."""
    env, k, sb = await boot(dut, stats, "msi_64bit_iova")
    kd = k.iommu_domain_alloc("dom64")
    k.iommu_dma_setup(kd)
    d64 = k.add_device(0, "dev64", dma_mask=D.DMA_BIT_MASK(64))
    v64 = k.add_device(1, "v2m64", dma_mask=D.DMA_BIT_MASK(64))
    d32 = k.add_device(2, "dev32")
    for kdev in (d64, v64, d32):
        await k.attach(kd, kdev)
    vi = await k.its_msi_alloc(d64, 2)
    vv = await k.v2m_msi_alloc(v64, 2)
    for v in vi + vv:
        check(v.msg.address_hi != 0, f"{v.kdev.name}: 64-bit mask but address_hi = 0 ({v.msg})")
        check(v.msg.address >> 48 == 0, f"IOVA {v.msg.address:#x} beyond the 48-bit aperture")
    v32 = await k.its_msi_alloc(d32, 1)
    # the ITS doorbell page was mapped for dev64 already: dev32 reuses it (lookup by
    # physical address), even though that IOVA is above its own DMA mask
    check(v32[0].msg.address == vi[0].msg.address,
          f"dev32 did not reuse the ITS MSI page: {v32[0].msg} vs {vi[0].msg}")
    for v in vi + vv + v32:
        await sb.msi(v.kdev.model, v.msg)
    phys = k.alloc_buffer(4096)
    iova = k.dma_map(d64, phys, 4096, IOMMU_READ | IOMMU_WRITE)
    check(iova >= 1 << 32, f"64-bit device got a 32-bit IOVA {iova:#x}")
    await sb.dma_write(d64.model, iova + 0x80, bytes(range(256)))
    await sb.dma_read(d64.model, iova + 0x80, 256)
    await sb.drain()
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def bus_errors(dut, stats):
    """Bus errors on the system's memory ports: a walker read of the MSI page's
    leaf descriptor answering SLVERR (after TLBIALL, so the SMMU must walk)
    gives the predicted external fault (v2 FSR.EF, FSYNR0.PTWF; v3 F_WALK_EABT
    with the descriptor's address) and no interrupt,
    and the MSI works again once the error is gone; a DMA write / read whose RAM
    beat answers SLVERR returns SLVERR to the device through the SMMU."""
    env, k, sb = await boot(dut, stats, "bus_errors")
    kd = k.iommu_domain_alloc("dom")
    k.iommu_dma_setup(kd)
    kdev = k.add_device(0)
    await k.attach(kd, kdev)
    [v] = await k.its_msi_alloc(kdev, 1)
    phys = k.alloc_buffer(4096)
    iova = k.dma_map(kdev, phys, 4096, IOMMU_READ | IOMMU_WRITE)
    await sb.msi(kdev.model, v.msg)
    # walker bus error on the MSI page's leaf descriptor
    leaf = kd.domain.pgtbl.leaf_pte_addr(v.msg.address)
    env.ptw_faults.read_error_addrs.add(leaf)
    await k.tlb_inv_context(kd)
    p = await sb.msi(kdev.model, v.msg, "leaf descriptor read fails")
    check(not p.outcome.forward and p.outcome.fault.kind.name == "EXTERNAL",
          f"walker bus error predicted {p.describe()}")
    await sb.check_fault(p)
    check(any(kind == "read" for kind, _a, _b in env.ptw_faults.hits), "injected error never hit")
    env.ptw_faults.clear()
    await k.tlb_inv_context(kd)
    await sb.msi(kdev.model, v.msg, "error cleared")
    # DMA data bus errors
    env.mem_faults.write_error_addrs.add(phys + 0x40)
    env.mem_faults.read_error_addrs.add(phys + 0x80)
    p = await sb.dma_write(kdev.model, iova + 0x40, b"\x11" * 8)
    check(p.resp == 2, f"DMA write on a failing beat predicted {p.describe()} resp {p.resp}")
    p = await sb.dma_read(kdev.model, iova + 0x80, 8)
    check(p.resp == 2, f"DMA read on a failing beat predicted resp {p.resp}")
    env.mem_faults.clear()
    await sb.dma_write(kdev.model, iova + 0x40, b"\x22" * 8)
    await sb.dma_read(kdev.model, iova + 0x80, 8)
    await sb.drain()
    await RisingEdge(dut.clk)
