"""ARM SMMUv3 (IHI 0070) programming interface as hdl/smmu_v3/rtl/smmu_v3.v implements it and
Linux 6.1's drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.{c,h} programs it: register
offsets (pages 0 and 1), field positions, STE / CD / L1STD layouts, command and
event-record encodings, plus the few implementation choices (IDR values) of the
block. Shared by the RTL (hdl/smmu_v3/include/smmuv3_defs.vh), the driver model
(tb/arm_smmu_v3_driver.py), the reference (pymodel/smmuv3.py) and the tests.
docs/smmuv3.md lists every departure from the architecture.

Bit positions are given as <NAME>_SHIFT (lowest bit) and <NAME>_WIDTH, or <NAME>_BIT
for one-bit fields, counted inside the 64-bit word (qword) the name starts with:
STE0_* is STE qword 0, CD1_* is CD qword 1, CMD0_* command qword 0, EVT1_* event
record qword 1, and so on."""

VH_PREFIX = "SMMUV3_"
VH_FILE = "smmuv3_defs.vh"
VH_BLOCK = "smmu_v3"  # the header goes to hdl/smmu_v3/include/ (hdl/README.md)

# --------------------------------------------------------------------- register space
SPACE_ADDR_BITS = 17            # two 64 KiB pages
PAGE1 = 0x10000

IDR0 = 0x000
IDR1 = 0x004
IDR2 = 0x008
IDR3 = 0x00C
IDR4 = 0x010
IDR5 = 0x014
IIDR = 0x018
AIDR = 0x01C
CR0 = 0x020
CR0ACK = 0x024
CR1 = 0x028
CR2 = 0x02C
STATUSR = 0x040
GBPA = 0x044
AGBPA = 0x048
IRQ_CTRL = 0x050
IRQ_CTRLACK = 0x054
GERROR = 0x060
GERRORN = 0x064
GERROR_IRQ_CFG0 = 0x068         # 64-bit
GERROR_IRQ_CFG1 = 0x070
GERROR_IRQ_CFG2 = 0x074
STRTAB_BASE = 0x080             # 64-bit
STRTAB_BASE_CFG = 0x088
CMDQ_BASE = 0x090               # 64-bit
CMDQ_PROD = 0x098
CMDQ_CONS = 0x09C
EVENTQ_BASE = 0x0A0             # 64-bit
EVENTQ_IRQ_CFG0 = 0x0B0         # 64-bit
EVENTQ_IRQ_CFG1 = 0x0B8
EVENTQ_IRQ_CFG2 = 0x0BC
# page 1 (where Linux 6.1 reaches them: arm_smmu_page1_fixup)
EVENTQ_PROD = PAGE1 + 0x0A8
EVENTQ_CONS = PAGE1 + 0x0AC

# IDR0
IDR0_S2P_BIT = 0
IDR0_S1P_BIT = 1
IDR0_TTF_SHIFT = 2              # [3:2]
IDR0_TTF_AARCH64 = 2
IDR0_COHACC_BIT = 4
IDR0_BTM_BIT = 5
IDR0_HTTU_SHIFT = 6             # [7:6]
IDR0_DORMHINT_BIT = 8
IDR0_HYP_BIT = 9
IDR0_ATS_BIT = 10
IDR0_NS1ATS_BIT = 11
IDR0_ASID16_BIT = 12
IDR0_MSI_BIT = 13
IDR0_SEV_BIT = 14
IDR0_ATOS_BIT = 15
IDR0_PRI_BIT = 16
IDR0_VMW_BIT = 17
IDR0_VMID16_BIT = 18
IDR0_CD2L_BIT = 19
IDR0_VATOS_BIT = 20
IDR0_TTENDIAN_SHIFT = 21        # [22:21]
IDR0_TTENDIAN_LE = 2
IDR0_STALL_MODEL_SHIFT = 24     # [25:24]
IDR0_STALL_MODEL_NONE = 1       # stall not supported
IDR0_TERM_MODEL_BIT = 26
IDR0_ST_LEVEL_SHIFT = 27        # [28:27]
IDR0_ST_LEVEL_2LVL = 1
# IDR1
IDR1_SIDSIZE_SHIFT = 0          # [5:0]
IDR1_SSIDSIZE_SHIFT = 6         # [10:6]
IDR1_PRIQS_SHIFT = 11           # [15:11]
IDR1_EVENTQS_SHIFT = 16         # [20:16]
IDR1_CMDQS_SHIFT = 21           # [25:21]
IDR1_ATTR_PERMS_OVR_BIT = 26
IDR1_ATTR_TYPES_OVR_BIT = 27
IDR1_REL_BIT = 28
IDR1_QUEUES_PRESET_BIT = 29
IDR1_TABLES_PRESET_BIT = 30
# IDR3
IDR3_RIL_BIT = 10
# IDR5
IDR5_OAS_SHIFT = 0              # [2:0]
IDR5_OAS_48 = 5
IDR5_GRAN4K_BIT = 4
IDR5_GRAN16K_BIT = 5
IDR5_GRAN64K_BIT = 6
# AIDR: SMMUv3.1 (ArchMajorRev 0, ArchMinorRev 1)
AIDR_VALUE = 0x01
# IIDR: IMPLEMENTATION DEFINED, 0 (no JEP106 code claimed)
IIDR_VALUE = 0x0

# Implemented sizes (advertised in IDR1; see docs/smmuv3.md)
CMDQS = 19                      # max log2 entries of the command queue
# substream-capable STEs with linear CD tables (no SubstreamID input: every transaction
# is a non-substream one, so only CD 0 and STE.S1DSS are ever used)
SSIDSIZE = 8
EVENTQS = 19                    # max log2 entries of the event queue

# CR0 / CR0ACK
CR0_SMMUEN_BIT = 0
CR0_PRIQEN_BIT = 1
CR0_EVENTQEN_BIT = 2
CR0_CMDQEN_BIT = 3
CR0_ATSCHK_BIT = 4
CR0_MASK = 0x0D                 # SMMUEN | EVENTQEN | CMDQEN: the implemented bits
# CR1
CR1_QUEUE_IC_SHIFT = 0
CR1_QUEUE_OC_SHIFT = 2
CR1_QUEUE_SH_SHIFT = 4
CR1_TABLE_IC_SHIFT = 6
CR1_TABLE_OC_SHIFT = 8
CR1_TABLE_SH_SHIFT = 10
CR1_MASK = 0xFFF
CR1_CACHE_NC = 0
CR1_CACHE_WB = 1
CR1_CACHE_WT = 2
# CR2
CR2_E2H_BIT = 0
CR2_RECINVSID_BIT = 1
CR2_PTM_BIT = 2
CR2_MASK = 0x6                  # E2H is RES0 without IDR0.HYP
# GBPA
GBPA_MEMATTR_SHIFT = 0          # [3:0]
GBPA_MTCFG_BIT = 4
GBPA_ALLOCCFG_SHIFT = 8         # [11:8]
GBPA_SHCFG_SHIFT = 12           # [13:12]
GBPA_PRIVCFG_SHIFT = 16         # [17:16]
GBPA_INSTCFG_SHIFT = 18         # [19:18]
GBPA_ABORT_BIT = 20
GBPA_UPDATE_BIT = 31
GBPA_FIELDS_MASK = 0x1F3F1F
GBPA_RESET = 0x1000             # ABORT = 0 (bypass), SHCFG = 01 (use incoming)
# IRQ_CTRL / IRQ_CTRLACK
IRQ_CTRL_GERROR_IRQEN_BIT = 0
IRQ_CTRL_PRIQ_IRQEN_BIT = 1
IRQ_CTRL_EVENTQ_IRQEN_BIT = 2
IRQ_CTRL_MASK = 0x5
# GERROR / GERRORN
GERROR_CMDQ_ERR_BIT = 0
GERROR_EVENTQ_ABT_ERR_BIT = 2
GERROR_PRIQ_ABT_ERR_BIT = 3
GERROR_MSI_CMDQ_ABT_ERR_BIT = 4
GERROR_MSI_EVENTQ_ABT_ERR_BIT = 5
GERROR_MSI_PRIQ_ABT_ERR_BIT = 6
GERROR_MSI_GERROR_ABT_ERR_BIT = 7
GERROR_SFM_ERR_BIT = 8
GERROR_IMPL_MASK = 0x5          # CMDQ_ERR, EVENTQ_ABT_ERR: the ones that can activate
# STRTAB_BASE
STRTAB_BASE_ADDR_SHIFT = 6      # [51:6]
STRTAB_BASE_RA_BIT = 62
STRTAB_BASE_MASK = 0x400FFFFFFFFFFFC0
# STRTAB_BASE_CFG
STRTAB_BASE_CFG_LOG2SIZE_SHIFT = 0  # [5:0]
STRTAB_BASE_CFG_SPLIT_SHIFT = 6     # [10:6]
STRTAB_BASE_CFG_FMT_SHIFT = 16      # [17:16]
STRTAB_BASE_CFG_FMT_LINEAR = 0
STRTAB_BASE_CFG_FMT_2LVL = 1
STRTAB_BASE_CFG_MASK = 0x307FF
# queue base registers (CMDQ_BASE / EVENTQ_BASE)
Q_BASE_LOG2SIZE_SHIFT = 0       # [4:0]
Q_BASE_ADDR_SHIFT = 5           # [51:5]
Q_BASE_RWA_BIT = 62
Q_BASE_MASK = 0x400FFFFFFFFFFFFF
# queue index registers: [log2size-1:0] index, [log2size] wrap
Q_OVFLG_BIT = 31                # EVENTQ_PROD.OVFLG / EVENTQ_CONS.OVACKFLG
CMDQ_CONS_ERR_SHIFT = 24        # [30:24]
CERROR_NONE = 0
CERROR_ILL = 1
CERROR_ABT = 2
CERROR_ATC_INV_SYNC = 3

# --------------------------------------------------------------------- Stream table
STE_BYTES = 64
STE_FETCH_DWORDS = 2            # the block reads qwords 0-1 (stage 2 fields unused)
L1STD_BYTES = 8
L1STD_SPAN_SHIFT = 0            # [4:0]
L1STD_L2PTR_SHIFT = 6           # [51:6]
SPLIT_MIN = 6
SPLIT_MAX = 10
# STE qword 0
STE0_V_BIT = 0
STE0_CONFIG_SHIFT = 1           # [3:1]
STE_CONFIG_ABORT = 0
STE_CONFIG_BYPASS = 4
STE_CONFIG_S1_TRANS = 5
STE_CONFIG_S2_TRANS = 6
STE_CONFIG_S12_TRANS = 7
STE0_S1FMT_SHIFT = 4            # [5:4]
STE0_S1CTXPTR_SHIFT = 6         # [51:6]
STE0_S1CDMAX_SHIFT = 59         # [63:59]
# STE qword 1
STE1_S1DSS_SHIFT = 0            # [1:0]
STE1_S1CIR_SHIFT = 2            # [3:2]
STE1_S1COR_SHIFT = 4            # [5:4]
STE1_S1CSH_SHIFT = 6            # [7:6]
STE1_S2HWU59_BIT = 8
STE1_DRE_BIT = 16
STE1_CONT_SHIFT = 17            # [20:17]
STE1_DCP_BIT = 21
STE1_PPAR_BIT = 22
STE1_MEV_BIT = 23
STE1_S1STALLD_BIT = 27
STE1_EATS_SHIFT = 28            # [29:28]
STE1_STRW_SHIFT = 30            # [31:30]
STE1_MEMATTR_SHIFT = 32         # [35:32]
STE1_MTCFG_BIT = 36
STE1_ALLOCCFG_SHIFT = 37        # [40:37]
STE1_SHCFG_SHIFT = 44           # [45:44]
STE1_NSCFG_SHIFT = 46           # [47:46]
STE1_PRIVCFG_SHIFT = 48         # [49:48]
STE1_INSTCFG_SHIFT = 50         # [51:50]
STE_S1C_CACHE_NC = 0
STE_S1C_CACHE_WBRA = 1
STE_S1C_CACHE_WT = 2
STE_S1C_CACHE_WB = 3
STE_SHCFG_INCOMING = 1
STE_STRW_NSEL1 = 0
STE_S1DSS_TERMINATE = 0
STE_S1DSS_BYPASS = 1
STE_S1DSS_SSID0 = 2

# --------------------------------------------------------------------- Context descriptor
CD_BYTES = 64
CD_FETCH_DWORDS = 4             # the block reads qwords 0-3 (TCR/ASID, TTB0, TTB1, MAIR)
CD0_T0SZ_SHIFT = 0              # [5:0]
CD0_TG0_SHIFT = 6               # [7:6]
CD0_IRGN0_SHIFT = 8             # [9:8]
CD0_ORGN0_SHIFT = 10            # [11:10]
CD0_SH0_SHIFT = 12              # [13:12]
CD0_EPD0_BIT = 14
CD0_ENDI_BIT = 15
CD0_T1SZ_SHIFT = 16             # [21:16]
CD0_TG1_SHIFT = 22              # [23:22]
CD0_EPD1_BIT = 30
CD0_V_BIT = 31
CD0_IPS_SHIFT = 32              # [34:32]
CD0_AFFD_BIT = 35
CD0_WXN_BIT = 36
CD0_UWXN_BIT = 37
CD0_TBI_SHIFT = 38              # [39:38]
CD0_PAN_BIT = 40
CD0_AA64_BIT = 41
CD0_HD_BIT = 42
CD0_HA_BIT = 43
CD0_S_BIT = 44
CD0_R_BIT = 45
CD0_A_BIT = 46
CD0_ASET_BIT = 47
CD0_ASID_SHIFT = 48             # [63:48]
CD1_TTB0_SHIFT = 4              # [51:4]
CD2_TTB1_SHIFT = 4
CD_TG0_4K = 0
CD_T0SZ_MIN = 16
CD_T0SZ_MAX = 39

# --------------------------------------------------------------------- Commands
CMD_BYTES = 16
CMD0_OP_SHIFT = 0               # [7:0]
CMD0_SSEC_BIT = 10
CMD0_SSV_BIT = 11
CMD0_SSID_SHIFT = 12            # [31:12]
CMD0_SID_SHIFT = 32             # [63:32]
CMD1_LEAF_BIT = 0
CMD1_RANGE_SHIFT = 0            # CFGI_STE_RANGE [4:0]
CMD0_TLBI_NUM_SHIFT = 12        # [16:12]
CMD0_TLBI_SCALE_SHIFT = 20      # [24:20]
CMD0_TLBI_VMID_SHIFT = 32       # [47:32]
CMD0_TLBI_ASID_SHIFT = 48       # [63:48]
CMD1_TLBI_TTL_SHIFT = 8         # [9:8]
CMD1_TLBI_TG_SHIFT = 10         # [11:10]
CMD1_TLBI_ADDR_SHIFT = 12       # [63:12]
CMD0_SYNC_CS_SHIFT = 12         # [13:12]
CMD0_SYNC_MSH_SHIFT = 22        # [23:22]
CMD0_SYNC_MSIATTR_SHIFT = 24    # [27:24]
CMD0_SYNC_MSIDATA_SHIFT = 32    # [63:32]
CMD1_SYNC_MSIADDR_SHIFT = 2     # [51:2]
SYNC_CS_NONE = 0
SYNC_CS_IRQ = 1
SYNC_CS_SEV = 2

OP_PREFETCH_CONFIG = 0x01
OP_PREFETCH_ADDR = 0x02
OP_CFGI_STE = 0x03
OP_CFGI_STE_RANGE = 0x04        # CFGI_ALL = STE_RANGE with Range 31
OP_CFGI_ALL = 0x04
OP_CFGI_CD = 0x05
OP_CFGI_CD_ALL = 0x06
OP_TLBI_NH_ALL = 0x10
OP_TLBI_NH_ASID = 0x11
OP_TLBI_NH_VA = 0x12
OP_TLBI_NH_VAA = 0x13
OP_TLBI_EL3_ALL = 0x18
OP_TLBI_EL3_VA = 0x1A
OP_TLBI_EL2_ALL = 0x20
OP_TLBI_EL2_ASID = 0x21
OP_TLBI_EL2_VA = 0x22
OP_TLBI_EL2_VAA = 0x23
OP_TLBI_S12_VMALL = 0x28
OP_TLBI_S2_IPA = 0x2A
OP_TLBI_NSNH_ALL = 0x30
OP_ATC_INV = 0x40
OP_PRI_RESP = 0x41
OP_RESUME = 0x44
OP_STALL_TERM = 0x45
OP_CMD_SYNC = 0x46
CFGI_RANGE_ALL = 31
TLBI_TG_4K = 1
TLBI_TG_16K = 2
TLBI_TG_64K = 3
# a range TLBI spanning more than 2^RANGE_STEPS_LOG2 steps invalidates the whole ASID
# (VA) or regime (VAA) instead: over-invalidation, which the architecture allows
RANGE_STEPS_LOG2 = 9

# --------------------------------------------------------------------- Event records
EVT_BYTES = 32
EVT0_ID_SHIFT = 0               # [7:0]
EVT0_SSV_BIT = 11
EVT0_SSID_SHIFT = 12            # [31:12]
EVT0_SID_SHIFT = 32             # [63:32]
EVT1_STAG_SHIFT = 0             # [15:0]
EVT1_REASON_SHIFT = 0           # F_STE_FETCH / F_CD_FETCH Reason [15:0] (IMP DEF)
EVT1_STALL_BIT = 31
EVT1_PNU_BIT = 33
EVT1_IND_BIT = 34
EVT1_RNW_BIT = 35
EVT1_S2_BIT = 39
EVT1_CLASS_SHIFT = 40           # [41:40]
EVT1_TTRNW_BIT = 44
EVT3_FETCH_ADDR_SHIFT = 3       # F_STE_FETCH / F_CD_FETCH / F_WALK_EABT [55:3]
EVT3_IPA_SHIFT = 12             # [51:12]
EVT_CLASS_CD = 0
EVT_CLASS_TT = 1
EVT_CLASS_IN = 2

EVT_F_UUT = 0x01
EVT_C_BAD_STREAMID = 0x02
EVT_F_STE_FETCH = 0x03
EVT_C_BAD_STE = 0x04
EVT_F_STREAM_DISABLED = 0x06
EVT_C_BAD_SUBSTREAMID = 0x08
EVT_F_CD_FETCH = 0x09
EVT_C_BAD_CD = 0x0A
EVT_F_WALK_EABT = 0x0B
EVT_F_TRANSLATION = 0x10
EVT_F_ADDR_SIZE = 0x11
EVT_F_ACCESS = 0x12
EVT_F_PERMISSION = 0x13

# MemAttr encoding (STE.MemAttr, GBPA.MemAttr: the stage-2 MemAttr[3:0] form)
MEMATTR_DEVICE_NGNRNE = 0x0
MEMATTR_DEVICE_NGNRE = 0x1
MEMATTR_DEVICE_NGRE = 0x2
MEMATTR_DEVICE_GRE = 0x3
# [3:2] outer: 01 NC, 10 WT, 11 WB; [1:0] inner (same); 00xx device
MEMATTR_OUTER_NC = 1
MEMATTR_OUTER_WT = 2
MEMATTR_OUTER_WB = 3
# ALLOCCFG: 0b0xxx use incoming; 0b1RWT override
ALLOCCFG_OVERRIDE_BIT = 3
ALLOCCFG_RA_BIT = 2
ALLOCCFG_WA_BIT = 1
# PRIVCFG / INSTCFG: 0b0x use incoming, 0b10 unprivileged / data, 0b11 privileged / instr
OVR_USE_INCOMING_MAX = 1

# --------------------------------------------------------------------- implementation
# Decoded configuration (STE + CD) as the configuration cache holds it, one bundle per
# StreamID (hdl/smmu_v3/rtl/smmu_v3_cfg.v -> hdl/smmu_v3/rtl/smmu_v3_chan.v); not architectural.
CFGB_KIND_SHIFT = 0             # [1:0]
CFGB_KIND_ABORT = 0             # STE.Config 0b0xx: terminate, no event
CFGB_KIND_BYPASS = 1            # STE.Config 0b100
CFGB_KIND_TRANSLATE = 2         # STE.Config 0b101
CFGB_KIND_DISABLED = 3          # S1CDMax != 0, S1DSS terminate: F_STREAM_DISABLED
CFGB_MEMATTR_SHIFT = 2          # [5:2]   STE.MemAttr
CFGB_MTCFG_BIT = 6
CFGB_ALLOCCFG_SHIFT = 7         # [10:7]
CFGB_PRIVCFG_SHIFT = 11         # [12:11]
CFGB_INSTCFG_SHIFT = 13         # [14:13]
CFGB_ASID_SHIFT = 15            # [30:15]
CFGB_TTB0_SHIFT = 31            # [78:31] TTB0[47:0]
CFGB_T0SZ_SHIFT = 79            # [84:79]
CFGB_IPS_SHIFT = 85             # [87:85]
CFGB_EPD0_BIT = 88
CFGB_MAIR_SHIFT = 89            # [152:89]
CFGB_A_BIT = 153
CFGB_R_BIT = 154
CFGB_WIDTH = 155
# translation-table regime tag the block gives the shared core (TLB "bank"): every
# stream is NS-EL1; a CFGI pulses the core's invalidation with a tag no entry has,
# which kills nothing but restarts a walk in flight (it may use the old CD)
CORE_TAG_NS_EL1 = 0
CORE_TAG_NONE = 0xFF
