"""System scenario aimed at functional-coverage holes that the other scenarios
leave (tb/coverage.py, docs/system.md "Functional coverage"): kernel flavours
v4.10 and v6.1 on both irqchips, a message written to memory, narrow and
unaligned bursts, translation faults at every level in both directions, walker
aborts, permission and access-flag faults at levels 1-3, StreamID bypass
(disable_bypass off, a detached device), ITS INT / CLEAR / INV / INVALL, a
doorbell dropped by a disabled ITS, every TLBI kind on a warm TLB and the TLBIASID
of a domain teardown. Every transaction still goes through the scoreboard (tb/system_scoreboard.py), which
checks it against the golden model as in tests/cocotb_system.py.
"""

from __future__ import annotations

import random

import cocotb
from cocotb.triggers import RisingEdge

from pymodel import kversion
from pymodel.hwdefs import its as ITSH
from pymodel.hwdefs import lpae as L
from pymodel.linux_defs import DMA_ERROR_CODE, IOMMU_NOEXEC, IOMMU_READ, IOMMU_WRITE
from pymodel.msi import MsiMsg
from tb.kernel import Kernel
from tb.system_env import SystemEnv
from tb.system_regress import with_stats
from tb.system_scoreboard import ScoreboardError, SystemScoreboard


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise ScoreboardError(msg)


async def boot_bypass(dut, stats, name: str):
    """Boot with arm-smmu's disable_bypass off: an unmatched StreamID bypasses."""
    env = SystemEnv(dut, test_name=name)
    await env.reset()
    k = Kernel(env, disable_bypass=False)
    await k.probe()
    return env, k, SystemScoreboard(env, k, stats)


def fault_iova(k: Kernel, sid: int, near: int, level: int) -> int:
    """An IOVA near `near` whose walk the golden model says ends in a translation
    fault at `level` (an empty entry in a level-`level` table): stepped by that
    level's block size from `near`, so the tables above are the mapped ones."""
    step = 1 << (12 + 9 * (3 - level))
    for i in range(1, 512):
        for iova in (near + i * step, near - i * step):
            if not 0 <= iova < (1 << 48):
                continue
            f = k.smmu_state.predict(sid, iova, write=True).fault
            if f is not None and f.kind.name == "TRANSLATION" and f.level == level:
                return iova
    raise AssertionError(f"no level-{level} translation fault near {near:#x}")


@cocotb.test()
@with_stats
async def coverage_closure(dut, stats):
    rng = random.Random(cocotb.RANDOM_SEED)
    env, k, sb = await boot_bypass(dut, stats, "coverage_closure")
    # v4.10 and v6.1 domains, each with one ITS and one GICv2m device
    doms = {}
    for name, behaviour, ports in (("d410", "v4.10", (0, 1)), ("d61", "v6.1", (2, 3))):
        kd = k.iommu_domain_alloc(name, behaviour=behaviour)
        k.iommu_dma_setup(kd)
        # the RTL walks this kernel's own descriptors (6.1: SH/AP/NS rules, its MAIR/TCR)
        check(kd.domain.pgtbl.flavour == kversion.behaviour(behaviour).pgtable,
              f"{name}: {behaviour} domain built {kd.domain.pgtbl.flavour} page tables")
        doms[name] = kd
        for port in ports:
            await k.attach(kd, k.add_device(port))
    kdevs = [k.kdevices[d.name] for d in env.devices]
    vecs = {}
    for kdev in kdevs:
        alloc = k.its_msi_alloc if kdev.model.port % 2 == 0 else k.v2m_msi_alloc
        vecs[kdev.name] = await alloc(kdev, 2)
        for v in vecs[kdev.name]:
            check(not v.msg.is_failed(), f"{kdev.name}: compose failed {v.msg}")
            await sb.msi(kdev.model, v.msg, f"{v.chip.name} hwirq {v.hwirq}")
    # a DMA buffer per device; narrow and unaligned bursts into it
    bufs = {}
    for kdev in kdevs:
        phys = k.alloc_buffer(4096)
        k.memory.write(phys, bytes(4096))
        iova = k.dma_map(kdev, phys, 4096, IOMMU_READ | IOMMU_WRITE)
        check(iova != DMA_ERROR_CODE, f"dma_map for {kdev.name} failed")
        bufs[kdev.name] = (iova, phys)
    dev0 = kdevs[0]
    iova0, phys0 = bufs[dev0.name]
    for size in (0, 1, 2):
        for off, n in ((0x100, 1 << size), (0x180, 3 << size), (0x200, 16 << size),
                       (0x400 + (1 << size), 24 << size)):
            await sb.dma_write(dev0.model, iova0 + off, rng.randbytes(n), size=size)
            await sb.dma_read(dev0.model, iova0 + off, n, size=size)
    await sb.dma_write(dev0.model, iova0 + 0x803, rng.randbytes(13))     # unaligned start
    await sb.dma_read(dev0.model, iova0 + 0x803, 13)
    # a device writes a "message" into its own buffer: an MSI-shaped write to memory
    p = await sb.msi(dev0.model, MsiMsg(iova0 & 0xFFFF_FFFC, iova0 >> 32, 0x5A5A), "to memory")
    check(p.target == "ram", f"message into a DMA buffer routed to {p.target}")
    check(k.memory.read(phys0, 4) == (0x5A5A).to_bytes(4, "little"), "message not in memory")
    # translation faults at every level (an empty entry in a level-0..3 table), for a
    # write and a read
    for level in (0, 1, 2, 3):
        fiova = fault_iova(k, dev0.sid, iova0, level)
        p = await sb.dma_write(dev0.model, fiova, b"\xEE" * 8)
        await sb.check_fault(p)
        p = await sb.dma_read(dev0.model, fiova + 0x100, 8)
        await sb.check_fault(p)
    # external aborts on the walker's read of each level's descriptor (the SMMU walks
    # from level 0: 48-bit IAS), for a write and a read
    drv = k.smmu

    async def flush_all():
        await drv.tlbi_allnsnh()
        await drv.arm_smmu_tlb_sync()

    reads = k.smmu_state.predict(dev0.sid, iova0, write=False).xlate.reads
    for level, desc_addr in enumerate(reads):
        for write in (True, False):
            env.ptw_faults.read_error_addrs.add(desc_addr)
            await flush_all()
            p = (await sb.dma_write(dev0.model, iova0 + 0x20, b"\xE1" * 8) if write
                 else await sb.dma_read(dev0.model, iova0 + 0x20, 8))
            f = p.outcome.fault
            check(f is not None and f.kind.name == "EXTERNAL" and f.level == level,
                  f"walker abort at level {level} predicted {p.describe()}")
            await sb.check_fault(p)
            env.ptw_faults.clear()
    await flush_all()
    # 1 GiB and 2 MiB read-only blocks (io-pgtable picks block sizes for aligned
    # mappings, as iommu_map does), and the 4 KiB page: permission faults at levels
    # 1, 2, 3 for a write; access-flag faults at each level once AF is cleared in the
    # descriptor (a hand-edited PTE, read by the golden walker and the RTL alike)
    kd410 = doms["d410"]
    ro_page = k.alloc_buffer(4096)
    ro_iova = k.dma_map(dev0, ro_page, 4096, IOMMU_READ)
    check(ro_iova != DMA_ERROR_CODE, "read-only dma_map failed")
    blk2m = k.alloc_buffer(0x20_0000, align=0x20_0000)
    leaves = [(3, ro_iova)]
    if kd410.domain.iommu_map(0x2_0000_0000, blk2m, 0x20_0000, IOMMU_READ) == 0:
        leaves.append((2, 0x2_0000_0000))
    if kd410.domain.iommu_map(0x40_0000_0000, k.map.ram_base & ~((1 << 30) - 1), 1 << 30,
                              IOMMU_READ) == 0:
        leaves.append((1, 0x40_0000_0000))
    for level, va_ in leaves:
        lvl, pte = kd410.domain.pgtbl.leaf_pte(va_)
        check(lvl == level, f"mapping at {va_:#x} is a level-{lvl} leaf, expected {level}")
        p = await sb.dma_write(dev0.model, va_ + 0x80, b"\xA5" * 8)
        check(p.outcome.fault is not None and p.outcome.fault.kind.name == "PERMISSION",
              f"write to a read-only level-{level} leaf predicted {p.describe()}")
        await sb.check_fault(p)
        await sb.dma_read(dev0.model, va_ + 0x80, 8)
        addr = kd410.domain.pgtbl.leaf_pte_addr(va_)
        af = 1 << L.PTE_AF_BIT
        k.memory.write(addr, (pte & ~af).to_bytes(8, "little"))
        await flush_all()
        for write in (False, True):
            p = (await sb.dma_write(dev0.model, va_ + 0x88, b"\xA6" * 8) if write
                 else await sb.dma_read(dev0.model, va_ + 0x88, 8))
            check(p.outcome.fault is not None, f"AF clear at level {level}: {p.describe()}")
            await sb.check_fault(p)
        k.memory.write(addr, pte.to_bytes(8, "little"))
        await flush_all()
    # execute-never (IOMMU_NOEXEC) page / 2 MiB / 1 GiB blocks: an instruction-fetch
    # read (AxPROT[2]) is a permission fault for a read at levels 3, 2, 1
    xn = IOMMU_READ | IOMMU_NOEXEC
    xn_leaves = []
    pg = k.alloc_buffer(4096)
    if kd410.domain.iommu_map(0x3_0000_0000, pg, 4096, xn) == 0:
        xn_leaves.append((3, 0x3_0000_0000))
    if kd410.domain.iommu_map(0x3_0020_0000, blk2m, 0x20_0000, xn) == 0:
        xn_leaves.append((2, 0x3_0020_0000))
    if kd410.domain.iommu_map(0x41_0000_0000, k.map.ram_base & ~((1 << 30) - 1), 1 << 30, xn) == 0:
        xn_leaves.append((1, 0x41_0000_0000))
    check(len(xn_leaves) == 3, f"execute-never mappings: {xn_leaves}")
    for level, va_ in xn_leaves:
        p = await sb.dma_read(dev0.model, va_ + 0x40, 8, prot=0b110)
        check(p.outcome.fault is not None and p.outcome.fault.kind.name == "PERMISSION"
              and p.outcome.fault.level == level,
              f"instruction fetch from an XN level-{level} leaf predicted {p.describe()}")
        await sb.check_fault(p)
    # ITS: INT (raises the event's LPI), CLEAR, INV, INVALL on a mapped event
    kits = kdevs[2]
    v = vecs[kits.name][0]
    k.its.its_send_int(kits.its_dev, v.event)
    k.its.its_send_clear(kits.its_dev, v.event)
    k.its.its_send_inv(kits.its_dev, v.event)
    k.its.its_send_invall(k.its.collections[0])
    # the reference executes commands as they are queued: expect INT's LPI before the
    # ITS can raise it
    check(len(k.its.reference.int_lpis) == 1, f"INT raised {k.its.reference.int_lpis}")
    for lpi in k.its.reference.int_lpis:
        sb.expect_irq(("lpi", lpi.intid, lpi.target))
    k.its.reference.int_lpis.clear()
    await k.its_post_commands()
    # a disabled ITS drops the doorbell (and counts it); enabled again afterwards
    await k.writel(k.map.its_base + ITSH.GITS_CTLR, 0)
    k.its.reference.its_disable()
    await k.wait_cycles(20)
    p = await sb.msi(kits.model, v.msg, "ITS disabled")
    check(p.drop == "disabled", f"doorbell to a disabled ITS predicted {p.describe()}")
    await k.writel(k.map.its_base + ITSH.GITS_CTLR, 1 << ITSH.CTLR_ENABLED_BIT)
    k.its.reference.its_enable()
    await k.wait_cycles(20)
    p = await sb.msi(kits.model, v.msg, "ITS enabled again")
    check(p.irq is not None, f"ITS enabled again: {p.describe()}")
    # every TLBI kind of the SMMUv2 programming model (the driver's helpers beyond
    # arm-smmu's own flows too: TLBIVAA(L), TLBIALL of a bank, TLBIALLNSNH), each on a
    # TLB / walk cache holding: the page and its tables ("both"), only another page of
    # the same tables after a TLBIVA ("tlb"), only the tables after a TLBIVAL ("walk
    # cache"), nothing. The tables never change, so every access still walks to the
    # same prediction; what each TLBI removed is what the RTL's caches held.
    kd = doms["d410"]
    drv = k.smmu
    p0 = iova0 + 0x10
    # a neighbouring page under the same last-level table (another buffer of the domain)
    nb = iova0 + 0x1000 if (iova0 & 0x1FFFFF) < 0x1FF000 else iova0 - 0x1000

    def va(addr, leaf):
        return drv.arm_smmu_tlb_inv_range_nosync(kd.cbndx, kd.asid, addr & ~0xFFF, 4096, 4096,
                                                 leaf=leaf)
    kinds = {"ALL": lambda a: drv.tlbi_allnsnh(), "CB": lambda a: drv.tlbi_all_context(kd.cbndx),
             "ASID": lambda a: drv.arm_smmu_tlb_inv_context(kd.cbndx, kd.asid),
             "VA": lambda a: va(a, False), "VAL": lambda a: va(a, True),
             "VAA": lambda a: drv.tlbi_vaa(kd.cbndx, a & ~0xFFF, leaf=False),
             "VAAL": lambda a: drv.tlbi_vaa(kd.cbndx, a & ~0xFFF, leaf=True)}
    nb_mapped = k.smmu_state.predict(dev0.sid, nb, write=False).forward

    async def tlbi(what, addr):
        await kinds[what](addr)
        await drv.arm_smmu_tlb_sync()

    for what in kinds:
        for held in ("both", "tlb", "walk cache", "nothing"):
            await tlbi("ALL", p0)                               # start empty
            if held == "both":
                await sb.dma_read(dev0.model, p0, 8)
            elif held == "tlb":
                if not nb_mapped:
                    continue
                await sb.dma_read(dev0.model, p0, 8)
                await sb.dma_read(dev0.model, nb, 8)
                await tlbi("VA", nb)                            # nb's entry and the tables go
            elif held == "walk cache":
                await sb.dma_read(dev0.model, p0, 8)
                await tlbi("VAL", p0)                           # the leaf goes, tables stay
            await tlbi(what, p0)
            env.txlog.log("KERNEL", f"TLBI {what} with {held} cached (coverage closure)")
            await sb.dma_read(dev0.model, p0, 8)                # walks again, same result
    # StreamID bypass: a detached device's DMA passes untranslated (disable_bypass off)
    d3 = kdevs[3]
    await sb.drain()
    await k.detach(d3)
    phys = k.alloc_buffer(4096)
    k.memory.write(phys, bytes(4096))
    p = await sb.dma_write(d3.model, phys + 0x40, rng.randbytes(64))
    check(p.outcome.forward and p.outcome.pa == phys + 0x40, f"bypass predicted {p.describe()}")
    await sb.dma_read(d3.model, phys + 0x40, 64)
    # teardown of the v6.1 domain's other device and the domain: TLBIASID on a warm TLB
    await k.detach(kdevs[2])
    await k.domain_free(doms["d61"])
    await sb.drain()
    await RisingEdge(dut.clk)
