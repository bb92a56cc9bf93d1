"""The one switch for kernel-version differences in the golden model.

Every behaviour that changed between the kernels we model is a field of
`KernelBehaviour`; the named presets below say what each kernel did. A cookie
(`iommu_get_dma_cookie` / `iommu_get_msi_cookie`) records the behaviour it was
created with, so two domains in one run can follow different kernels.

Presets:
  V4_9     merged "iommu/dma: Add support for mapping MSIs" as in v4.9 (default):
           MSI pages are looked up by page-aligned physical address.
  SEED_V5  the seed series' v5 posting: each MSI page remembers the first
           message's raw address_hi/address_lo and matches when
           phys_hi == address_hi and (u32)(phys_lo - address_lo) < granule.
  V4_10    v4.10: adds iommu_get_msi_cookie() (VFIO's linear MSI window) and
           cookie types; iommu_dma_init_domain() rejects a missing or MSI
           cookie with -EINVAL and may only shrink an existing domain.
  V5_2     v5.2: the MSI hook is split into iommu_dma_prepare_msi() (at IRQ
           allocation, may fail with -ENOMEM) and iommu_dma_compose_msi_msg()
           (at compose time, cannot fail); iommu_dma_map_msi_msg() remains as
           the wrapper that fills ~0 on failure.
"""

from __future__ import annotations

from dataclasses import dataclass

# MSI page lookup variants
MSI_LOOKUP_PHYS = "phys"          # v4.9+: msi_page->phys == (msi_addr & ~iova_mask)
MSI_LOOKUP_SEED_V5 = "seed-v5"    # seed v5: raw hi/lo kept, u32 subtraction predicate

# What iommu_dma_init_domain() does when the IOVA domain already exists
INIT_EXISTING_ENLARGE = "enlarge"  # v4.9: end_pfn must not shrink; dma_32bit_pfn = end_pfn
INIT_EXISTING_SHRINK = "shrink"    # v4.10: dma_32bit_pfn = min(end_pfn, dma_32bit_pfn)


class UnknownKernelBehaviour(ValueError):
    """A kernel behaviour name that is not one of the presets."""


class KernelFeatureMissing(RuntimeError):
    """The modelled kernel does not have this function (e.g. iommu_get_msi_cookie
    before v4.10)."""


@dataclass(frozen=True)
class KernelBehaviour:
    name: str
    msi_lookup: str = MSI_LOOKUP_PHYS
    has_msi_cookie: bool = False          # iommu_get_msi_cookie() exists (v4.10+)
    cookie_types: bool = False            # init_domain: -EINVAL for no/MSI cookie (v4.10+)
    init_existing: str = INIT_EXISTING_ENLARGE
    split_compose: bool = False           # iommu_dma_prepare_msi + compose (v5.2+)


V4_9 = KernelBehaviour("v4.9")
SEED_V5 = KernelBehaviour("seed-v5", msi_lookup=MSI_LOOKUP_SEED_V5)
V4_10 = KernelBehaviour("v4.10", has_msi_cookie=True, cookie_types=True,
                        init_existing=INIT_EXISTING_SHRINK)
V5_2 = KernelBehaviour("v5.2", has_msi_cookie=True, cookie_types=True,
                       init_existing=INIT_EXISTING_SHRINK, split_compose=True)

DEFAULT = V4_9
PRESETS: dict[str, KernelBehaviour] = {b.name: b for b in (V4_9, SEED_V5, V4_10, V5_2)}


def behaviour(name: str | KernelBehaviour) -> KernelBehaviour:
    """Look a preset up by name ("v4.9", "seed-v5", "v4.10", "v5.2")."""
    if isinstance(name, KernelBehaviour):
        return name
    try:
        return PRESETS[name]
    except KeyError:
        raise UnknownKernelBehaviour(
            f"unknown kernel behaviour {name!r}; choose one of {sorted(PRESETS)}") from None
