"""ARM SMMUv2 register map (as an MMU-500 implements it and Linux's
drivers/iommu/arm-smmu.c v4.9 programs it): offsets, field positions, encodings,
plus the few implementation choices of hdl/smmu_v2/rtl/smmu_tlb.v (docs/smmu.md lists every
departure from the architecture). Shared by the RTL (hdl/smmu_core/include/smmu_defs.vh), the
driver model (tb/arm_smmu_driver.py) and the tests.

LPAE descriptor / TCR / MAIR bits live in pymodel.hwdefs.lpae, not here."""

VH_PREFIX = "SMMU_"
VH_FILE = "smmu_defs.vh"
VH_BLOCK = "smmu_core"  # the header goes to hdl/smmu_core/include/ (hdl/README.md)

# --- Address space: 128 KiB = global space (2^NUMPAGENDXB+1 pages) + as many
# context-bank pages; 4 KiB pages (ID1.PAGESIZE = 0).
PAGE_SHIFT = 12
SPACE_ADDR_BITS = 17            # register port address width (128 KiB)
NUMPAGENDXB = 3                 # 2^(3+1) = 16 global pages, 16 context-bank pages
GR1_BASE = 0x1000               # global register space 1 (page 1)
CB_BASE = 0x10000               # context bank space: bank n at CB_BASE + n * 4 KiB
MAX_CB = 16                     # context-bank pages in the space

# --- Global register space 0 (GR0)
GR0_SCR0 = 0x000
SCR0_CLIENTPD_BIT = 0
SCR0_GFRE_BIT = 1
SCR0_GFIE_BIT = 2
SCR0_GCFGFRE_BIT = 4
SCR0_GCFGFIE_BIT = 5
SCR0_USFCFG_BIT = 10
SCR0_VMIDPNE_BIT = 11
SCR0_PTM_BIT = 12
SCR0_FB_BIT = 13
SCR0_BSU_SHIFT = 14             # [15:14] barrier shareability upgrade
SCR0_BSU_MASK = 0x3
SCR0_RESET = 0x1                # CLIENTPD set out of reset: global bypass

GR0_ID0 = 0x020
ID0_NUMSMRG_SHIFT = 0           # [7:0]
ID0_NUMSIDB_SHIFT = 9           # [12:9]
ID0_CTTW_BIT = 14
ID0_NUMIRPT_SHIFT = 16          # [23:16]
ID0_PTFS_NO_AARCH32_BIT = 25
ID0_PTFS_NO_AARCH32S_BIT = 24
ID0_ATOSNS_BIT = 26             # 1: no address translation operations (ATS1*/ATSR/PAR)
ID0_SMS_BIT = 27                # stream match supported
ID0_S1TS_BIT = 30               # stage 1 translation supported
GR0_ID1 = 0x024
ID1_NUMCB_SHIFT = 0             # [7:0]
ID1_NUMS2CB_SHIFT = 16          # [23:16]
ID1_NUMPAGENDXB_SHIFT = 28      # [30:28]
ID1_PAGESIZE_BIT = 31
GR0_ID2 = 0x028
ID2_IAS_SHIFT = 0               # [3:0]
ID2_OAS_SHIFT = 4               # [7:4]
ID2_UBS_SHIFT = 8               # [11:8]
ID2_PTFS_4K_BIT = 12
ID2_ADDR_SIZE_48 = 5            # IAS/OAS encoding for 48 bits
GR0_ID3 = 0x02C
GR0_ID4 = 0x030                 # IMPLEMENTATION DEFINED here: TLB geometry
ID4_TLB_ENTRIES_SHIFT = 0       # [15:0] TLB entries
ID4_WALK_CACHE_SHIFT = 16       # [31:16] walk-cache entries
GR0_ID5 = 0x034
GR0_ID6 = 0x038
GR0_ID7 = 0x03C
GR0_SGFAR_LO = 0x040
GR0_SGFAR_HI = 0x044
GR0_SGFSR = 0x048
GFSR_ICF_BIT = 0
GFSR_USF_BIT = 1                # unidentified stream fault (arch bit 1)
GFSR_SMCF_BIT = 2
GFSR_UCBF_BIT = 3
GFSR_MULTI_BIT = 31
GFSR_FAULT_MASK = 0x1FF         # sGFSR fault bits [8:0] (ICF..UUT), MULTI excluded
GR0_SGFSRRESTORE = 0x04C
GR0_SGFSYNR0 = 0x050
GFSYNR0_NESTED_BIT = 0
GFSYNR0_WNR_BIT = 1
GFSYNR0_PNU_BIT = 2
GFSYNR0_IND_BIT = 3
GR0_SGFSYNR1 = 0x054            # [15:0] StreamID of the faulting transaction
GR0_SGFSYNR2 = 0x058
GR0_TLBIVMID = 0x064
GR0_TLBIALLNSNH = 0x068
GR0_TLBIALLH = 0x06C
GR0_STLBGSYNC = 0x070
GR0_STLBGSTATUS = 0x074
TLBGSTATUS_GSACTIVE_BIT = 0

GR0_SMR_BASE = 0x800            # SMR(n) = 0x800 + 4n
SMR_ID_SHIFT = 0
SMR_MASK_SHIFT = 16
SMR_FIELD_BITS = 15             # ID and MASK are 15 bits (NUMSIDB = 15)
SMR_VALID_BIT = 31
GR0_S2CR_BASE = 0xC00           # S2CR(n) = 0xC00 + 4n
S2CR_CBNDX_SHIFT = 0            # [7:0]
S2CR_CBNDX_BITS = 8
S2CR_TYPE_SHIFT = 16            # [17:16]
S2CR_TYPE_TRANS = 0
S2CR_TYPE_BYPASS = 1
S2CR_TYPE_FAULT = 2
S2CR_PRIVCFG_SHIFT = 24
S2CR_RESET = 0x20000            # TYPE = fault out of reset (arm-smmu writes every S2CR)

# --- Global register space 1 (GR1, page 1)
GR1_CBAR_BASE = 0x000           # CBAR(n) = GR1_BASE + 4n
CBAR_VMID_SHIFT = 0
CBAR_S1_BPSHCFG_SHIFT = 8
CBAR_S1_MEMATTR_SHIFT = 12
CBAR_TYPE_SHIFT = 16            # [17:16]
CBAR_TYPE_S2_TRANS = 0
CBAR_TYPE_S1_TRANS_S2_BYPASS = 1
CBAR_TYPE_S1_TRANS_S2_FAULT = 2
CBAR_TYPE_S1_TRANS_S2_TRANS = 3
CBAR_IRPTNDX_SHIFT = 24
GR1_CBFRSYNRA_BASE = 0x400
GR1_CBA2R_BASE = 0x800          # CBA2R(n) = GR1_BASE + 0x800 + 4n
CBA2R_RW64_BIT = 0

# --- Context bank n at CB_BASE + n * 4 KiB
CB_SCTLR = 0x000
SCTLR_M_BIT = 0
SCTLR_TRE_BIT = 1
SCTLR_AFE_BIT = 2
SCTLR_AFFD_BIT = 3
SCTLR_E_BIT = 4
SCTLR_CFRE_BIT = 5
SCTLR_CFIE_BIT = 6
SCTLR_CFCFG_BIT = 7
SCTLR_ASIDPNE_BIT = 12
CB_ACTLR = 0x004
CB_RESUME = 0x008
CB_TCR2 = 0x010                 # TTBCR2: TCR[63:32] (IPS) + AS/SEP
TCR2_AS_BIT = 4
TCR2_SEP_SHIFT = 15
CB_TTBR0_LO = 0x020
CB_TTBR0_HI = 0x024             # ASID in TTBR0[63:48] = TTBR0_HI[31:16]
TTBR_ASID_SHIFT = 48
TTBR_ASID_BITS = 16
CB_TTBR1_LO = 0x028
CB_TTBR1_HI = 0x02C
CB_TCR = 0x030                  # TTBCR: TCR[31:0] (T0SZ, TG0...)
CB_CONTEXTIDR = 0x034
CB_MAIR0 = 0x038
CB_MAIR1 = 0x03C
CB_PAR_LO = 0x050               # PAR (64-bit): result of an ATS1* operation
CB_PAR_HI = 0x054
PAR_F_BIT = 0                   # the translation faulted
CB_FSR = 0x058
FSR_TF_BIT = 1
FSR_AFF_BIT = 2
FSR_PF_BIT = 3
FSR_EF_BIT = 4
FSR_TLBMCF_BIT = 5
FSR_TLBLKF_BIT = 6
FSR_ASF_BIT = 7
FSR_UUT_BIT = 8
FSR_SS_BIT = 30
FSR_MULTI_BIT = 31
FSR_FAULT_MASK = 0xC00001FE     # arm-smmu's FSR_FAULT: every recorded-fault bit
CB_FSRRESTORE = 0x05C
CB_FAR_LO = 0x060
CB_FAR_HI = 0x064
CB_FSYNR0 = 0x068
FSYNR0_PLVL_SHIFT = 0           # [1:0] lookup level of the fault
FSYNR0_WNR_BIT = 4
FSYNR0_PNU_BIT = 5
FSYNR0_IND_BIT = 6
FSYNR0_PTWF_BIT = 10            # fault on a table walk access (external abort)
FSYNR0_S1CBNDX_SHIFT = 16       # [23:16]
CB_FSYNR1 = 0x06C
CB_TLBIVA_LO = 0x600            # VA[55:12] in [43:0], ASID in [63:48]
CB_TLBIVA_HI = 0x604            # the 64-bit operation acts on the upper-word write
CB_TLBIVAA_LO = 0x608
CB_TLBIVAA_HI = 0x60C
CB_TLBIASID = 0x610             # ASID in [15:0]
CB_TLBIALL = 0x618
CB_TLBIVAL_LO = 0x620
CB_TLBIVAL_HI = 0x624
CB_TLBIVAAL_LO = 0x628
CB_TLBIVAAL_HI = 0x62C
CB_TLBSYNC = 0x7F0
CB_TLBSTATUS = 0x7F4
TLBSTATUS_SACTIVE_BIT = 0
CB_ATS1PR_LO = 0x800            # ATS1PR: stage-1 privileged read translation of VA[63:12]
CB_ATS1PR_HI = 0x804
CB_ATSR = 0x8F0
ATSR_ACTIVE_BIT = 0

# --- Upstream AxPROT bits the permission check reads (AMBA AXI4 A4.7)
AXPROT_PRIV_BIT = 0             # privileged (AArch64 EL1) access
AXPROT_NS_BIT = 1
AXPROT_INSTR_BIT = 2            # instruction: a fetch on reads; writes are data

# --- Implementation choices (see docs/smmu.md)
# Invalidation operations the register file hands the translation core.
INV_OP_ALL = 0                  # TLBIALLNSNH / TLBIALLH / TLBIVMID: everything
INV_OP_CB = 1                   # CBn_TLBIALL: every entry of bank n
INV_OP_ASID = 2                 # CBn_TLBIASID: non-global entries of (n, ASID)
INV_OP_VA = 3                   # CBn_TLBIVA: (n, ASID or global, VA), walk cache too
INV_OP_VAL = 4                  # CBn_TLBIVAL: same, leaf entries only
INV_OP_VAA = 5                  # CBn_TLBIVAA: (n, any ASID, VA), walk cache too
INV_OP_VAAL = 6                 # CBn_TLBIVAAL: same, leaf entries only
IMPL_OAS_BITS = 48              # ID2.OAS/IAS and the walker's maximum output size
IMPL_ATOSNS = 1                 # ID0.ATOSNS: ATS1* operations not implemented
# AxCACHE for a bypassed transaction is the upstream AxCACHE (passed through).
