"""Kernel constants the model shares with the tests, with the kernel's values
(include/linux/iommu.h and include/uapi/asm-generic/errno*.h; the same numbers in
4.9.0 and 6.1.141, IOMMU_PRIV only from 4.11.0)."""

# include/linux/iommu.h: mapping protection flags
IOMMU_READ = 1 << 0
IOMMU_WRITE = 1 << 1
IOMMU_CACHE = 1 << 2      # DMA cache coherency
IOMMU_NOEXEC = 1 << 3
IOMMU_MMIO = 1 << 4       # e.g. things like MSI doorbells
IOMMU_PRIV = 1 << 5       # privileged-only mapping (4.11.0 on; io-pgtable 6.1 drops AP_UNPRIV)

# errno values the dma-iommu paths return (negated), asm-generic numbering
ENOMEM = 12
EFAULT = 14
ENODEV = 19
EEXIST = 17
EINVAL = 22
ENOSPC = 28
ERANGE = 34               # 6.1 arm_lpae_map_pages: iova beyond ias / paddr beyond oas

# arm64's DMA_ERROR_CODE in 4.9.0, and DMA_MAPPING_ERROR in 5.2.1 / 6.1: (~(dma_addr_t)0)
DMA_ERROR_CODE = (1 << 64) - 1
