"""The one switch for kernel-version differences in the golden model.

Every behaviour that changed between the kernels we model is a field of
`KernelBehaviour`; the named presets below say what each release tarball does
(docs/model.md has the era table with the file, function and line read). A cookie
(`iommu_get_dma_cookie` / `iommu_get_msi_cookie`) records the behaviour it was
created with, so two domains in one run can follow different kernels.

Presets:
  V4_9     4.9.0 (default): "iommu/dma: Add support for mapping MSIs". MSI pages
           are looked up by page-aligned physical address; iova.c's old allocator
           with `__get_cached_rbnode` using the cached node only when
           limit_pfn == dma_32bit_pfn; iova_reserve_pci_windows for PCI devices.
  SEED_V5  the seed series' v5 posting on a 4.9 base: each MSI page remembers the
           first message's raw address_hi/address_lo and matches when
           phys_hi == address_hi and (u32)(phys_lo - address_lo) < granule.
  V4_10    4.10.0: dma-iommu.c as 4.9 plus iommu_dma_map_resource (not on the MSI
           path); iova.c's `__get_cached_rbnode` now uses the cached node for any
           limit_pfn <= dma_32bit_pfn (`>` instead of `!=`), the only iova.c change.
  V4_11    4.11.0: iommu_get_msi_cookie() and cookie types (init_domain -EINVAL
           for no / an MSI cookie), init_domain may only shrink dma_32bit_pfn of an
           existing domain, PCI devices clamp end_pfn to 32 bits and try a 32-bit
           (SAC) IOVA first. iova.c as 4.10.
  V5_2     5.2.1: iova.c is the 4.15+ rewrite (anchor node, cached_node and
           cached32_node, exclusive limit, max32_alloc_size, per-CPU rcaches with
           IOVA_MAG_SIZE 128); dma-iommu allocates with alloc_iova_fast and frees
           with free_iova_fast, rounding small sizes up to a power of two in
           iommu_dma_alloc_iova. The MSI hook is split: iommu_dma_prepare_msi() at
           IRQ allocation, iommu_dma_compose_msi_msg() at compose time;
           iommu_dma_map_msi_msg() no longer exists.
  V6_1     6.1.141 (Debian's 6.1 LTS): iova.c with the retry below the cached node
           and IOVA_MAG_SIZE 127, the power-of-two rounding inside alloc_iova_fast,
           iommu.forcedac, dev_is_untrusted, and io-pgtable-arm's 6.1 descriptors
           (SH from IOMMU_CACHE, AP_UNPRIV unless IOMMU_PRIV, MAIR attribute 0xf4
           at index 3, TCR from coherent_walk). Strict invalidation (no flush queue).
"""

from __future__ import annotations

from dataclasses import dataclass

# MSI page lookup variants
MSI_LOOKUP_PHYS = "phys"          # v4.9+: msi_page->phys == (msi_addr & ~iova_mask)
MSI_LOOKUP_SEED_V5 = "seed-v5"    # seed v5: raw hi/lo kept, u32 subtraction predicate

# What iommu_dma_init_domain() does when the IOVA domain already exists
INIT_EXISTING_ENLARGE = "enlarge"  # 4.9/4.10: end_pfn must not shrink; dma_32bit_pfn = end_pfn
INIT_EXISTING_SHRINK = "shrink"    # 4.11.0, 4.12: dma_32bit_pfn = min(end_pfn, dma_32bit_pfn)
INIT_EXISTING_CHECK = "check"      # 5.2.1, 6.1: only granule and start_pfn are checked

# Which drivers/iommu/iova.c allocator the IOVA domain is (pymodel.iova)
IOVA_V4_9 = "v4.9"      # old allocator, cached node only for limit == dma_32bit_pfn
IOVA_V4_10 = "v4.10"    # old allocator, cached node for limit <= dma_32bit_pfn (4.10, 4.11)
IOVA_V5_2 = "v5.2"      # 4.15+ rewrite with rcaches, as in 5.2.1
IOVA_V6_1 = "v6.1"      # the rewrite as in 6.1.141 (retry, IOVA_MAG_SIZE 127)

# Which io-pgtable-arm.c descriptor / register values (pymodel.io_pgtable_arm)
PGTABLE_V4_9 = "v4.9"   # SH_IS always, AP_UNPRIV always, MAIR attrs 0-2, TCR always WBWA/IS
PGTABLE_V6_1 = "v6.1"   # SH_IS only with IOMMU_CACHE, IOMMU_PRIV, MAIR attr 3 = 0xf4


class UnknownKernelBehaviour(ValueError):
    """A kernel behaviour name that is not one of the presets."""


class KernelFeatureMissing(RuntimeError):
    """The modelled kernel does not have this function (e.g. iommu_get_msi_cookie
    before v4.11, or iommu_dma_map_msi_msg in v5.2+)."""


@dataclass(frozen=True)
class KernelBehaviour:
    name: str
    msi_lookup: str = MSI_LOOKUP_PHYS
    has_msi_cookie: bool = False          # iommu_get_msi_cookie() exists (4.11.0 on)
    cookie_types: bool = False            # init_domain: -EINVAL for no/MSI cookie (4.11.0 on)
    init_existing: str = INIT_EXISTING_ENLARGE
    has_map_msi_msg: bool = True          # iommu_dma_map_msi_msg() exists (4.9.0-4.12; not in 5.2.1)
    split_compose: bool = False           # iommu_dma_prepare_msi + compose (5.2.1, 6.1)
    iova: str = IOVA_V4_9                 # the iova.c allocator
    alloc_fast: bool = False              # dma-iommu uses alloc_iova_fast/free_iova_fast (4.12.0 on)
    pci_sac_first: bool = False           # PCI devices try a 32-bit IOVA first (4.11.0 on)
    pci_end_pfn_clamp: bool = False       # init_domain: end_pfn &= 32 bits for PCI (4.11.0, 4.12)
    pci_windows_io: bool = True           # iova_reserve_pci_windows also reserves I/O windows
    pci_dma_ranges: bool = False          # ... and the gaps between bridge dma_ranges (5.2.1, 6.1)
    has_forcedac: bool = False            # iommu.forcedac (6.1; not in 5.2.1)
    has_untrusted: bool = False           # dev_is_untrusted() in dma-iommu.c (6.1 here)
    pgtable: str = PGTABLE_V4_9


V4_9 = KernelBehaviour("v4.9")
SEED_V5 = KernelBehaviour("seed-v5", msi_lookup=MSI_LOOKUP_SEED_V5)
V4_10 = KernelBehaviour("v4.10", iova=IOVA_V4_10)
V4_11 = KernelBehaviour("v4.11", has_msi_cookie=True, cookie_types=True,
                        init_existing=INIT_EXISTING_SHRINK, iova=IOVA_V4_10,
                        pci_sac_first=True, pci_end_pfn_clamp=True)
V5_2 = KernelBehaviour("v5.2", has_msi_cookie=True, cookie_types=True,
                       init_existing=INIT_EXISTING_CHECK, has_map_msi_msg=False,
                       split_compose=True, iova=IOVA_V5_2, alloc_fast=True,
                       pci_sac_first=True, pci_windows_io=False, pci_dma_ranges=True)
V6_1 = KernelBehaviour("v6.1", has_msi_cookie=True, cookie_types=True,
                       init_existing=INIT_EXISTING_CHECK, has_map_msi_msg=False,
                       split_compose=True, iova=IOVA_V6_1, alloc_fast=True,
                       pci_sac_first=True, pci_windows_io=False, pci_dma_ranges=True,
                       has_forcedac=True, has_untrusted=True, pgtable=PGTABLE_V6_1)

DEFAULT = V4_9
PRESETS: dict[str, KernelBehaviour] = {
    b.name: b for b in (V4_9, SEED_V5, V4_10, V4_11, V5_2, V6_1)}


def behaviour(name: str | KernelBehaviour) -> KernelBehaviour:
    """Look a preset up by name ("v4.9", "seed-v5", "v4.10", "v4.11", "v5.2", "v6.1")."""
    if isinstance(name, KernelBehaviour):
        return name
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise UnknownKernelBehaviour(
            f"unknown kernel behaviour {name!r}; choose one of {sorted(PRESETS)}") from None


def require(behaviour: KernelBehaviour, present: bool, function: str, since: str) -> None:
    """Raise KernelFeatureMissing when `function` is not in the modelled kernel."""
    if not present:
        raise KernelFeatureMissing(
            f"{function} does not exist in {behaviour.name} ({since})")
