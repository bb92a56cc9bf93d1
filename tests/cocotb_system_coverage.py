"""System scenario aimed at functional-coverage holes that the other scenarios
leave (tb/coverage.py, docs/system.md "Functional coverage"): kernel flavours
v4.10 and v6.1 on both irqchips, a message written to memory, narrow and
unaligned bursts, a level-2 translation fault in both directions, StreamID bypass
(disable_bypass off, a detached device), ITS INT / CLEAR / INV / INVALL, a
doorbell dropped by a disabled ITS, every TLBI kind on a warm TLB and the TLBIASID
of a domain teardown. Every
transaction still goes through the scoreboard (tb/system_scoreboard.py), which
checks it against the golden model as in tests/cocotb_system.py.
"""

from __future__ import annotations

import random

import cocotb
from cocotb.triggers import RisingEdge

from pymodel.hwdefs import its as ITSH
from pymodel.kernel import DMA_ERROR_CODE, IOMMU_READ, IOMMU_WRITE
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
    """An IOVA in `near`'s 1 GiB region whose walk the golden model says ends in a
    translation fault at `level` (a hole in a level-`level` table)."""
    region = near & ~((1 << 30) - 1)
    for i in range(512):
        iova = region + (i << 21) + 0x40
        out = k.smmu_state.predict(sid, iova, write=True)
        f = out.fault
        if f is not None and getattr(f, "level", None) == level:
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
        kd = k.iommu_domain_alloc(name)
        k.iommu_dma_setup(kd, behaviour)
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
    # level-2 translation faults (a hole in a level-2 table), write and read
    fiova = fault_iova(k, dev0.sid, iova0, 2)
    p = await sb.dma_write(dev0.model, fiova, b"\xEE" * 8)
    await sb.check_fault(p)
    p = await sb.dma_read(dev0.model, fiova + 0x100, 8)
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
