"""Golden model of the Linux kernel side of IOMMU MSI remapping.

Modules mirror kernel files: iova (drivers/iommu/iova.c), io_pgtable_arm
(drivers/iommu/io-pgtable-arm.c), dma_iommu (drivers/iommu/dma-iommu.c),
msi (irq-gic-v2m.c / irq-gic-v3-its.c compose_msi_msg), its (the ITS tables and
commands). hwdefs holds the register maps shared with the RTL and the tests.
"""
