"""The golden model's V6_1 flavour against a real Linux 6.1 boot.

The capture (../shared/linux61-qemu/gicv3-its, or $LINUX61_CAPTURE; its README
says how it was made) is Debian's 6.1.0-50 arm64 kernel under QEMU 7.2 virt with
an SMMUv3, a GICv3 ITS and two NVMe controllers (StreamIDs 0x8 and 0x10), strict
DMA invalidation. Nothing from it is copied into the model: each test sets the
model up as the kernel was set up (a PCI device with a 64-bit DMA mask in a 48-bit
domain, the SMMU's oas and coherency read from its ID registers, the ITS doorbell
the device wrote to), lets the model compute, and compares with what the capture
holds. The capture's own memory dump is decoded here, independently of the model:
stream table -> STE -> context descriptor -> TTB0 -> L0..L3.

Without the capture these tests fail: they are the evidence that V6_1 is 6.1.
"""

from __future__ import annotations

import gzip
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

from pymodel import dma_iommu as D
from pymodel import kversion
from pymodel import msi as M
from pymodel.linux_defs import IOMMU_CACHE, IOMMU_READ, IOMMU_WRITE
from tb.replay.capture import load_capture

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CAPTURE = ROOT.parent / "shared" / "linux61-qemu" / "gicv3-its"
SIDS = (0x8, 0x10)
PAGE = 4096


def capture_dir() -> Path:
    path = Path(os.environ.get("LINUX61_CAPTURE", DEFAULT_CAPTURE))
    if not (path / "memory" / "index.json").is_file():
        pytest.fail(f"Linux 6.1 capture not found at {path} (no memory/index.json); "
                    f"set LINUX61_CAPTURE to the gicv3-its fixture directory", pytrace=False)
    return path


def _hex(x) -> int:
    return int(x, 16) if isinstance(x, str) else int(x)


class CaptureMemory:
    """The dumped guest-physical regions; reading outside them is an error (a
    walk must never silently read zeros the dump does not hold)."""

    def __init__(self, path: Path):
        index = json.loads((path / "memory" / "index.json").read_text())
        self.roots = index["roots"]
        self.regions = []
        for r in index["regions"]:
            data = gzip.decompress((path / "memory" / r["file"]).read_bytes())
            assert len(data) == r["size"], f"{r['file']}: {len(data)} bytes, index says {r['size']}"
            self.regions.append((_hex(r["addr"]), data))

    def read_u64(self, addr: int) -> int:
        for base, data in self.regions:
            if base <= addr and addr + 8 <= base + len(data):
                return int.from_bytes(data[addr - base:addr - base + 8], "little")
        raise KeyError(f"capture memory holds no bytes at {addr:#x}")


def _bits(x: int, hi: int, lo: int) -> int:
    return (x >> lo) & ((1 << (hi - lo + 1)) - 1)


class Capture:
    def __init__(self, path: Path):
        self.path = path
        self.mem = CaptureMemory(path)
        self.final = json.loads((path / "final_state.json").read_text())
        rows = load_capture(path)             # reads .jsonl and packed .jsonl.gz alike
        self.translations = rows.rows("translations")
        self.its_events = rows.rows("its_events")
        self.cmdq = rows.rows("cmdq_smmu")

    # --- SMMUv3 structures, decoded from the dump (IHI 0070 layouts) ---------------
    def ste(self, sid: int) -> list[int]:
        base = _hex(self.mem.roots["SMMU_STRTAB_BASE"]) & ((1 << 52) - 1) & ~0x3F
        cfg = _hex(self.mem.roots["SMMU_STRTAB_BASE_CFG"])
        assert _bits(cfg, 17, 16) == 1, "the capture's stream table is 2-level"
        split = _bits(cfg, 10, 6)
        l1 = self.mem.read_u64(base + (sid >> split) * 8)
        l2 = l1 & ((1 << 52) - 1) & ~0x3F
        ste_addr = l2 + (sid & ((1 << split) - 1)) * 64
        return [self.mem.read_u64(ste_addr + 8 * i) for i in range(8)]

    def cd(self, sid: int) -> list[int]:
        ste0 = self.ste(sid)[0]
        assert ste0 & 1 and _bits(ste0, 3, 1) == 0b101, f"SID {sid:#x}: STE not S1-translate"
        cd_addr = ste0 & ((1 << 52) - 1) & ~0x3F          # S1ContextPtr[51:6]
        return [self.mem.read_u64(cd_addr + 8 * i) for i in range(8)]

    def ttb0(self, sid: int) -> int:
        return self.cd(sid)[1] & ((1 << 52) - 1) & ~0xF     # TTB0[51:4]

    def leaves(self, sid: int) -> dict[int, int]:
        """{iova: L3 descriptor} of every page still mapped in the dump."""
        out: dict[int, int] = {}

        def visit(table: int, lvl: int, base: int) -> None:
            for idx in range(512):
                desc = self.mem.read_u64(table + 8 * idx)
                if not desc & 1:
                    continue
                iova = base + (idx << (12 + 9 * (3 - lvl)))
                assert desc & 2, f"SID {sid:#x}: block at L{lvl} {iova:#x} (6.1 maps 4K pages here)"
                if lvl == 3:
                    out[iova] = desc
                else:
                    try:
                        visit(desc & ((1 << 48) - 1) & ~0xFFF, lvl + 1, iova)
                    except KeyError:
                        pytest.fail(f"SID {sid:#x}: table {desc:#x} at L{lvl} {iova:#x} "
                                    f"is not in the dump")
        visit(self.ttb0(sid), 0, 0)
        return out

    def idr(self, n: int) -> int:
        return _hex(self.final["smmu"]["IDR"][n])


# The given boot, and the GICv3 capture this project made with its own tool
# (make capture; captures/): the same kernel booted again, other addresses.
SHIPPED_GIC3 = sorted(p for p in (ROOT / "captures").glob("*-gic3") if (p / "memory").is_dir())


@pytest.fixture(scope="module", params=["shared"] + [p.name for p in SHIPPED_GIC3])
def cap(request) -> Capture:
    if request.param == "shared":
        return Capture(capture_dir())
    return Capture(ROOT / "captures" / request.param)


def smmu_domain(cap: Capture, behaviour=kversion.V6_1):
    """arm_smmu_domain_finalise_s1 (6.1): ias = 48 (no VAX), oas = smmu->ias (the
    IDR5.OAS the SMMU reports), coherent_walk = ARM_SMMU_FEAT_COHERENCY (IDR0.COHACC);
    aperture [0, 2^48 - 1] with force_aperture; then iommu_setup_dma_ops ->
    iommu_dma_init_domain(base 0, limit 4 GiB - 1, dev)."""
    oas = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48}[_bits(cap.idr(5), 2, 0)]
    coherent = bool(_bits(cap.idr(0), 4, 4))
    vax = _bits(cap.idr(5), 11, 10)
    assert vax == 0, "the model covers 48-bit IOVAs only"
    return D.IommuDomain(ias=48, oas=oas, behaviour=behaviour, coherent_walk=coherent)


def nvme(sid: int) -> D.Device:
    # the NVMe driver sets a 64-bit DMA mask; QEMU virt's host bridge windows
    return D.PciDevice(f"nvme@{sid:#x}", sid, dma_mask=D.DMA_BIT_MASK(64),
                       bridge=D.QEMU_VIRT_HOST_BRIDGE)


def setup(cap: Capture, sid: int):
    domain = smmu_domain(cap)
    assert D.iommu_get_dma_cookie(domain, kversion.V6_1) == 0
    dev = nvme(sid)
    assert D.iommu_dma_init_domain(domain, 0, 1 << 32, dev) == 0
    D.iommu_attach_device(domain, dev)
    return domain, dev


def doorbell(cap: Capture, sid: int) -> int:
    """The physical doorbell the device's MSIs reached (the ITS GITS_TRANSLATER)."""
    pas = {_hex(e["msi_pa"]) for e in cap.its_events if _hex(e["devid"]) == sid}
    assert len(pas) == 1, f"SID {sid:#x}: MSIs reached {sorted(map(hex, pas))}"
    return pas.pop()


def first_translation_order(cap: Capture, sid: int) -> list[int]:
    """IOVA pages in the order the device first used them."""
    seen, order = set(), []
    for t in cap.translations:
        if _hex(t["sid"]) == sid:
            page = _hex(t["iova"]) & ~(PAGE - 1)
            if page not in seen:
                seen.add(page)
                order.append(page)
    return order


def unmaps(cap: Capture, sid: int) -> list[tuple[int, int, int]]:
    """(seq, iova, pages) of every TLBI_NH_VA for the SID's ASID (strict mode: one
    per unmap). The ASID comes from the SID's context descriptor."""
    asid = _bits(cap.cd(sid)[0], 63, 48)
    out = []
    for c in cap.cmdq:
        if c["name"] == "TLBI_NH_VA" and c["fields"]["ASID"] == asid:
            out.append((c["consumed_seq"], _hex(c["fields"]["ADDR"]), c["fields"]["pages"]))
    return out


# --- the tests ------------------------------------------------------------------------

def test_capture_is_found_and_is_6_1(cap):
    dmesg = (cap.path / "dmesg.txt").read_text()
    assert "6.1.0" in dmesg and "strict mode" in dmesg
    assert set(SIDS) <= {_hex(t["sid"]) for t in cap.translations}


@pytest.mark.parametrize("sid", SIDS, ids=lambda s: f"sid{s:#x}")
def test_msi_page_is_mapped_first_at_fffff000_over_the_its_page(cap, sid):
    domain, dev = setup(cap, sid)
    its = M.ItsNode(phys_base=doorbell(cap, sid) - 0x1_0040)   # GITS_TRANSLATER offset
    its_dev = M.ItsDevice(its, dev, sid, nr_ites=2)
    # its_irq_domain_alloc -> iommu_dma_prepare_msi: the domain's first IOVA
    err, desc = M.its_irq_domain_alloc(its_dev)
    assert err == 0
    msgs = [M.its_irq_compose_msi_msg(its_dev, its_dev.lpi_base + e, desc=desc) for e in (0, 1)]
    (page,) = domain.iova_cookie.msi_page_list
    # the capture: the page the MSIs were translated through, and its leaf
    msi_iovas = {_hex(e["msi_iova"]) for e in cap.its_events if _hex(e["devid"]) == sid}
    assert msi_iovas == {msgs[0].address}, \
        f"model message address {msgs[0].address:#x}, capture MSIs to {sorted(map(hex, msi_iovas))}"
    assert page.iova == msgs[0].address & ~(PAGE - 1)
    assert page.phys == doorbell(cap, sid) & ~(PAGE - 1)
    leaves = cap.leaves(sid)
    assert leaves[page.iova] == domain.pgtbl.leaf_pte(page.iova)[1], \
        f"MSI leaf: capture {leaves[page.iova]:#018x}, model {domain.pgtbl.leaf_pte(page.iova)[1]:#018x}"
    # the device's MSI-X table holds the swizzled messages
    bdf = {0x8: "00:01.0", 0x10: "00:02.0"}[sid]
    msix = cap.final["pci"][bdf]["msix_table_first8"]
    for e, msg in enumerate(msgs):
        assert (_hex(msix[e]["addr"]), _hex(msix[e]["data"])) == (msg.address, msg.data)
    # and the MSI page is the first IOVA the SID's MSIs and DMA ever used: the
    # highest page below 4 GiB, whatever the 64-bit mask allows (the SAC try)
    assert page.iova == max(first_translation_order(cap, sid))


@pytest.mark.parametrize("sid", SIDS, ids=lambda s: f"sid{s:#x}")
def test_iovas_are_handed_out_downwards_from_the_msi_page(cap, sid):
    domain, dev = setup(cap, sid)
    err, _ = M.its_irq_domain_alloc(M.ItsDevice(M.ItsNode(), dev, sid))
    assert err == 0
    # the pages the device used before the first unmap: the MSI page and the
    # admin queues / first command buffer, mapped before any of them was used
    first_unmap = unmaps(cap, sid)[0][0]
    early = {_hex(t["iova"]) & ~(PAGE - 1) for t in cap.translations
             if _hex(t["sid"]) == sid and t["seq"] < first_unmap}
    model = [domain.iova_cookie.msi_page_list[0].iova]
    for i in range(len(early) - 1):
        model.append(D.iommu_dma_map_page(dev, 0x4000_0000 + i * PAGE, PAGE,
                                          IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE))
    assert model == sorted(model, reverse=True), [hex(x) for x in model]
    assert set(model) == early, (sorted(map(hex, model)), sorted(map(hex, early)))
    # every IOVA the PCI device ever used is below 4 GiB (SAC first), while the
    # model gives a platform device with the same mask the top of the 48-bit space
    assert all(_hex(t["iova"]) < 1 << 32 for t in cap.translations if _hex(t["sid"]) == sid)
    plat_domain = smmu_domain(cap)
    D.iommu_get_dma_cookie(plat_domain, kversion.V6_1)
    plat = D.Device("platform", sid, dma_mask=D.DMA_BIT_MASK(64))
    D.iommu_dma_init_domain(plat_domain, 0, 1 << 32, plat)
    D.iommu_attach_device(plat_domain, plat)
    assert D.iommu_dma_map_page(plat, 0x4000_0000, PAGE, IOMMU_READ) == (1 << 48) - PAGE


@pytest.mark.parametrize("sid", SIDS, ids=lambda s: f"sid{s:#x}")
def test_a_freed_iova_is_the_next_handed_out(cap, sid):
    """After each unmap (TLBI_NH_VA) the next range the device starts using that
    the same unmap size later frees is, per the capture, at the freed IOVA; the
    model's rcache, fed the same free, hands out the same IOVA."""
    frees = unmaps(cap, sid)
    free_seqs = [f[0] for f in frees]
    # lifetimes: first use of a page that is not live, until the TLBI covering it
    live: dict[int, int] = {}
    starts: list[tuple[int, int]] = []                 # (seq, iova) of new lifetimes
    events = sorted([(t["seq"], "use", _hex(t["iova"]) & ~(PAGE - 1))
                     for t in cap.translations if _hex(t["sid"]) == sid]
                    + [(s, "free", (iova, n)) for s, iova, n in frees])
    for seq, kind, what in events:
        if kind == "use":
            if what not in live:
                live[what] = seq
                starts.append((seq, what))
        else:
            iova, n = what
            for p in range(n):
                live.pop(iova + p * PAGE, None)
    checked = 0
    for i, (seq, iova, n) in enumerate(frees):
        nxt_free = free_seqs[i + 1] if i + 1 < len(frees) else None
        after = [s for s in starts if s[0] > seq and (nxt_free is None or s[0] < nxt_free)]
        if not after:
            continue
        start_seq, start_iova = after[0]
        # only a reuse by a range of the same size (the one the next free of it closes)
        closes = [f for f in frees if f[0] > start_seq and f[1] == start_iova]
        if not closes or closes[0][2] != n:
            continue
        # the model: the range is allocated, freed through free_iova_fast, then the
        # next allocation of that size
        domain, dev = setup(cap, sid)
        iovad = domain.iova_cookie.iovad
        assert iovad.reserve_iova(iova >> 12, (iova >> 12) + n - 1) is not None
        D.iommu_dma_free_iova(domain.iova_cookie, iova, n * PAGE)
        got = D.iommu_dma_alloc_iova(domain, n * PAGE, D.DMA_BIT_MASK(64), dev)
        assert got == start_iova == iova, \
            f"free of {iova:#x}+{n} at seq {seq}: capture next {start_iova:#x}, model {got:#x}"
        checked += 1
    assert checked >= 5, f"only {checked} free -> reuse pairs in the capture"


@pytest.mark.parametrize("sid", SIDS, ids=lambda s: f"sid{s:#x}")
def test_leaf_descriptors_equal_the_dumped_page_tables(cap, sid):
    """Every page still mapped at the end: the MSI page (IOMMU_WRITE | IOMMU_NOEXEC |
    IOMMU_MMIO) and coherent DMA pages (dma_info_to_prot: IOMMU_CACHE | READ | WRITE,
    ...f47); the read-only pages the trace walked (DMA_TO_DEVICE: IOMMU_CACHE | READ,
    ...fc7). The model maps the same page at the same IOVA and must write the same
    64-bit descriptor."""
    leaves = cap.leaves(sid)
    bell_page = doorbell(cap, sid) & ~(PAGE - 1)
    seen_low = defaultdict(int)
    domain, dev = setup(cap, sid)
    for iova, desc in sorted(leaves.items()):
        oa = desc & ((1 << 48) - 1) & ~0xFFF
        prot = D.MSI_PAGE_PROT if oa == bell_page else IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE
        assert domain.iommu_map(iova, oa, PAGE, prot) == 0
        model = domain.pgtbl.leaf_pte(iova)[1]
        assert model == desc, f"IOVA {iova:#x}: capture {desc:#018x}, model {model:#018x}"
        seen_low[desc & 0xFFF] += 1
    assert seen_low[0xE4B] == 1 and seen_low[0xF47] >= 20, dict(seen_low)
    # read-only mappings existed only while the writes ran: their leaves come
    # from the SMMU's walks in the trace
    ro = [t for t in cap.translations if _hex(t["sid"]) == sid and t["perm"] == 1 and t["walk"]]
    for t in ro:
        leaf = _hex(t["walk"][-1]["pte"])
        iova = _hex(t["iova"]) & ~(PAGE - 1)
        d2, _ = setup(cap, sid)
        assert d2.iommu_map(iova, leaf & ((1 << 48) - 1) & ~0xFFF, PAGE,
                            IOMMU_READ | IOMMU_CACHE) == 0
        assert d2.pgtbl.leaf_pte(iova)[1] == leaf, f"read-only {iova:#x}: {leaf:#018x}"
        assert leaf & 0xFFF == 0xFC7
    if sid == 0x10:
        assert ro, "the fsync'd write to nvme1 gave read-only mappings"


@pytest.mark.parametrize("sid", SIDS, ids=lambda s: f"sid{s:#x}")
def test_context_descriptor_mair_and_tcr(cap, sid):
    """The CD Linux wrote: MAIR 0xfffffffff404ff44 (0xf4 at index 3, the int
    sign-extended), and the TCR fields arm_smmu_write_ctx_desc copies from
    io-pgtable's arm_lpae_s1_cfg.tcr (T0SZ, TG0, IRGN0, ORGN0, SH0, IPS) plus EPD1."""
    domain, _ = setup(cap, sid)
    cd = cap.cd(sid)
    assert cd[3] == domain.pgtbl.mair, f"MAIR: capture {cd[3]:#018x}, model {domain.pgtbl.mair:#018x}"
    assert cd[3] >> 32 == 0xFFFF_FFFF                       # the sign extension is real
    f = domain.pgtbl.tcr_fields
    word = cd[0]
    assert {"tsz": _bits(word, 5, 0), "tg": _bits(word, 7, 6), "irgn": _bits(word, 9, 8),
            "orgn": _bits(word, 11, 10), "sh": _bits(word, 13, 12),
            "ips": _bits(word, 34, 32)} == f
    assert _bits(word, 30, 30) == (domain.pgtbl.tcr >> 23) & 1 == 1      # EPD1
    # a non-coherent SMMU would get SH0 outer-shareable and non-cacheable walks
    nc = D.IommuDomain(ias=48, oas=44, behaviour=kversion.V6_1, coherent_walk=False)
    assert (nc.pgtbl.tcr_fields["sh"], nc.pgtbl.tcr_fields["irgn"],
            nc.pgtbl.tcr_fields["orgn"]) == (2, 0, 0) != (f["sh"], f["irgn"], f["orgn"])


def test_v49_flavour_does_not_reproduce_the_capture(cap):
    """The same scenario under V4_9 gives other descriptors and MAIR: the capture
    tells the flavours apart (so the tests above could fail)."""
    domain = smmu_domain(cap, kversion.V4_9)
    assert domain.pgtbl.mair != cap.cd(0x8)[3]
    D.iommu_get_dma_cookie(domain, kversion.V4_9)
    dev = nvme(0x8)
    D.iommu_dma_init_domain(domain, 0, 1 << 32, dev)
    D.iommu_attach_device(domain, dev)
    msg = M.its_compose_msi_msg(M.ItsNode(doorbell(cap, 0x8) - 0x1_0040), dev, 0)
    # 4.9 has no SAC try: the 64-bit mask gives the top of the 48-bit aperture
    assert msg.address == 0xFFFF_FFFF_F040
    assert domain.pgtbl.leaf_pte(msg.address)[1] & 0xFFF == 0xF4B       # SH inner, not e4b


@pytest.mark.parametrize("sid", SIDS, ids=lambda s: f"sid{s:#x}")
def test_every_unmapped_range_is_size_aligned_as_the_model_allocates(cap, sid):
    """alloc_iova_fast allocates size-aligned ranges (alloc_iova(..., true), sizes
    below 32 pages rounded to a power of two): every range the capture unmaps (one
    TLBI_NH_VA per unmap in strict mode, 1/4/8/32 pages) starts on a multiple of
    its size, and the model, asked for the same sizes, hands out aligned ranges."""
    frees = unmaps(cap, sid)
    sizes = sorted({n for _, _, n in frees})
    assert sizes and all(n & (n - 1) == 0 for n in sizes), sizes
    for _, iova, n in frees:
        assert (iova >> 12) % n == 0, f"unmap of {iova:#x}+{n} pages is not {n}-page aligned"
    domain, dev = setup(cap, sid)
    for n in sizes:
        got = D.iommu_dma_map_page(dev, 0x4000_0000, n * PAGE, IOMMU_READ | IOMMU_CACHE)
        assert got != D.DMA_ERROR_CODE and (got >> 12) % n == 0, (n, hex(got))
