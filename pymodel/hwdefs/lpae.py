"""AArch64 long-descriptor (LPAE) stage-1 format, 4 KiB granule: descriptor bits,
TCR/MAIR fields, as the ARM ARM defines them and io-pgtable-arm.c (v4.9) names
them. Shared by pymodel.io_pgtable_arm, the SMMU walker RTL and the tests."""

VH_PREFIX = "LPAE_"
VH_FILE = "lpae_defs.vh"

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
