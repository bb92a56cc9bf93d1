"""AArch64 long-descriptor (LPAE) stage-1 format, 4 KiB granule: descriptor bits,
TCR/MAIR fields, as the ARM ARM defines them and io-pgtable-arm.c (v4.9) names
them. Shared by pymodel.io_pgtable_arm, the SMMU walker RTL and the tests."""

VH_PREFIX = "LPAE_"
VH_FILE = "lpae_defs.vh"
VH_BLOCK = "common"  # the header goes to hdl/common/include/ (hdl/README.md)

GRANULE_SHIFT = 12
BITS_PER_LEVEL = 9
MAX_LEVELS = 4

# Descriptor type, bits [1:0]
PTE_TYPE_MASK = 0x3
PTE_TYPE_BLOCK = 0x1      # levels 1-2
PTE_TYPE_TABLE = 0x3      # levels 0-2
PTE_TYPE_PAGE = 0x3       # level 3
PTE_VALID_BIT = 0

# Lower attributes of a block/page descriptor
PTE_ATTRINDX_SHIFT = 2    # AttrIndx[2:0]
PTE_ATTRINDX_BITS = 3
PTE_NS_BIT = 5
PTE_AP_UNPRIV_BIT = 6     # AP[1]
PTE_AP_RDONLY_BIT = 7     # AP[2]
PTE_SH_SHIFT = 8          # SH[1:0]
PTE_SH_IS = 3
PTE_SH_OS = 2
PTE_AF_BIT = 10
PTE_NG_BIT = 11
# Upper attributes
PTE_DBM_BIT = 51
PTE_PXN_BIT = 53
PTE_XN_BIT = 54           # UXN/XN; io-pgtable-arm's ARM_LPAE_PTE_XN sets 53 and 54
PTE_NSTABLE_BIT = 63
# Output address field of any descriptor, bits [47:12]
PTE_ADDR_LO = 12
PTE_ADDR_HI = 47

# MAIR attribute indices and encodings io-pgtable-arm programs
MAIR_ATTR_IDX_NC = 0
MAIR_ATTR_IDX_CACHE = 1
MAIR_ATTR_IDX_DEV = 2
MAIR_ATTR_NC = 0x44
MAIR_ATTR_WBRWA = 0xFF
MAIR_ATTR_DEVICE = 0x04   # Device-nGnRE

# TCR (stage 1, AArch64 format) fields for TTBR0
TCR_T0SZ_SHIFT = 0
TCR_T0SZ_BITS = 6
TCR_EPD0_BIT = 7
TCR_IRGN0_SHIFT = 8
TCR_ORGN0_SHIFT = 10
TCR_SH0_SHIFT = 12
TCR_TG0_SHIFT = 14
TCR_TG0_4K = 0
TCR_EPD1_BIT = 23
TCR_IPS_SHIFT = 32
TCR_RGN_WBWA = 1
T0SZ_MIN = 16             # 48-bit input address space, walk starts at level 0
T0SZ_MAX = 39             # 25-bit input address space, walk starts at level 2

OAS_BITS = 48             # output address size modelled
IPS_48BIT = 5             # TCR.IPS encoding for 48 bits

# --- added for pymodel.io_pgtable_arm and its reference walker -------------------
BLOCK_LEVEL_MIN = 1       # 4 KiB granule: blocks at levels 1 (1 GiB) and 2 (2 MiB)
PTE_CONT_BIT = 52         # contiguous hint (ignored by the walker)
PTE_XN_MASK = 0x3 << 53   # ARM_LPAE_PTE_XN: io-pgtable sets PXN and UXN together
PTE_ADDR_MASK = ((1 << (PTE_ADDR_HI + 1)) - 1) & ~((1 << PTE_ADDR_LO) - 1)
# Table-descriptor hierarchical attributes (the kernel never sets them)
PTE_PXNTABLE_BIT = 59
PTE_UXNTABLE_BIT = 60     # XNTable
PTE_APTABLE_SHIFT = 61    # APTable[1:0]: bit 61 = no EL0 access, bit 62 = no write
PTE_APTABLE_NOUNPRIV_BIT = 61
PTE_APTABLE_RDONLY_BIT = 62
# Attribute bits arm_lpae_split_blk_unmap carries over (ARM_LPAE_PTE_ATTR_MASK):
# bits [11:2] and [54:53]
PTE_ATTR_LO_MASK = 0x3FF << 2
PTE_ATTR_HI_MASK = 0x6 << 52
PTE_ATTR_MASK = PTE_ATTR_LO_MASK | PTE_ATTR_HI_MASK

# MAIR: 8 attributes of 8 bits
MAIR_ATTR_BITS = 8
MAIR_ATTR_MASK = 0xFF
MAIR_DEVICE_NGNRNE = 0x00  # Attr[7:4] == 0 -> Device; Attr[3:2] is the type
MAIR_DEVICE_NGNRE = 0x04
MAIR_DEVICE_NGRE = 0x08
MAIR_DEVICE_GRE = 0x0C
MAIR_NORMAL_NC_NIBBLE = 0x4   # Normal, non-cacheable (inner [3:0] or outer [7:4])

# TCR fields the walker decodes
TCR_IPS_BITS = 3
TCR_TG0_BITS = 2
IPS_32BIT = 0
IPS_36BIT = 1
IPS_40BIT = 2
IPS_42BIT = 3
IPS_44BIT = 4
TTBR_ASID_SHIFT = 48      # TTBR0[63:48] = ASID (arm-smmu writes it there)
TTBR_BADDR_ALIGN_MIN = 8  # TTBR BADDR is aligned to the start table's size (ARMv8.0
                          # pseudocode: baselowerbound = 3 + log2(entries)); no other minimum

# Downstream AXI AxCACHE for a translation's memory type (AMBA AXI4, table A4-5).
# AxCACHE[0] Bufferable, [1] Modifiable; ARCACHE[2] / AWCACHE[3] = allocate for the
# transaction's own direction, ARCACHE[3] / AWCACHE[2] = other allocate.
AXCACHE_DEVICE_NB = 0b0000     # Device-nGnRnE: device non-bufferable
AXCACHE_DEVICE_B = 0b0001      # Device-nGnRE/nGRE/GRE: device bufferable
AXCACHE_NORMAL_NC = 0b0011     # Normal non-cacheable bufferable
AXCACHE_WT_NOALLOC_R = 0b1010  # write-through, no allocate (ARCACHE)
AXCACHE_WT_NOALLOC_W = 0b0110  # write-through, no allocate (AWCACHE)
AXCACHE_WB_NOALLOC_R = 0b1011  # write-back, no allocate (ARCACHE)
AXCACHE_WB_NOALLOC_W = 0b0111  # write-back, no allocate (AWCACHE)
AXCACHE_RALLOC_R = 0b0100      # OR into ARCACHE for a read-allocate attribute
AXCACHE_WALLOC_W = 0b1000      # OR into AWCACHE for a write-allocate attribute
