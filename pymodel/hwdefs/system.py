"""System physical memory map, as QEMU's arm `virt` machine lays it out, so that
runs line up with a Linux guest booted there (hw/arm/virt.c memmap)."""

VH_PREFIX = "SYS_"
VH_FILE = "system_defs.vh"
VH_BLOCK = "system"  # the header goes to hdl/system/include/ (hdl/README.md)

GICV2M_BASE = 0x0802_0000      # VIRT_GIC_V2M: one 4 KiB MSI frame
GICV2M_SIZE = 0x0000_1000
GICV2M_SPI_BASE = 80           # first SPI of the frame (QEMU: NUM_GICV2M_SPIS=64 from 80)
GICV2M_SPI_COUNT = 64
ITS_BASE = 0x0808_0000         # VIRT_GIC_ITS: control frame; translation frame at +64 KiB
ITS_SIZE = 0x0002_0000
SMMU_BASE = 0x0905_0000        # VIRT_SMMU register space
SMMU_SIZE = 0x0002_0000        # 128 KiB: SMMUv3 pages 0 and 1; SMMUv2 (smmu_tlb) decodes the same
# which SMMU msi_system_top instantiates by default: 2 = smmu_tlb (SMMUv2, arm-smmu),
# 3 = smmu_v3 (SMMUv3, arm-smmu-v3; QEMU virt's only SMMU). The system tests run both.
SMMU_VERSION = 2
RAM_BASE = 0x4000_0000         # VIRT_MEM
RAM_SIZE = 0x4000_0000         # 1 GiB modelled

# StreamIDs msi_system_top gives its four device ports (PCI requester IDs as the
# SMMU sees them: 00:01.0, 00:02.0, 00:03.0, 01:00.0); the kernel layer uses the same.
DEV0_SID = 0x0008
DEV1_SID = 0x0010
DEV2_SID = 0x0018
DEV3_SID = 0x0100
