"""GICv3 ITS register map, command encodings and our IMPLEMENTATION DEFINED table
formats (GICv3/GICv4 architecture spec IHI 0069, chapters 6 and 5.3; the names and
field positions are those drivers/irqchip/irq-gic-v3-its.c uses).

Convention: <FIELD>_LSB is the lowest bit of a field, <FIELD>_W its width in bits,
a single bit has just <FIELD>_BIT. Offsets of the control frame are from the ITS base;
GITS_TRANSLATER is given both from the ITS base (as the kernel adds it) and as the
offset inside the translation frame (what hdl/gic/rtl/its_doorbell.v decodes on s_axi_*).
"""

VH_PREFIX = "ITS_"
VH_FILE = "its_defs.vh"
VH_BLOCK = "gic"  # the header goes to hdl/gic/include/ (hdl/README.md)

TRANSLATION_FRAME_OFFSET = 0x1_0000   # second 64 KiB frame
GITS_TRANSLATER = 0x1_0040            # from the ITS base, as irq-gic-v3-its.c adds it
TRANSLATER_OFFSET = 0x40              # inside the translation frame

# --- control frame registers (offsets from the ITS base) --------------------------
GITS_CTLR = 0x0000
GITS_IIDR = 0x0004
GITS_TYPER = 0x0008                   # 64-bit
GITS_CBASER = 0x0080                  # 64-bit
GITS_CWRITER = 0x0088                 # 64-bit
GITS_CREADR = 0x0090                  # 64-bit
GITS_BASER0 = 0x0100                  # 64-bit, GITS_BASER<n> at 0x100 + 8n
GITS_BASER_STRIDE = 0x8
GITS_BASER_COUNT = 8
GITS_PIDR2 = 0xFFE8

# IMPLEMENTATION DEFINED status block (0xC000-0xFFCF is IMPLEMENTATION DEFINED).
GITS_IMPDEF_DROP_UNMAPPED_DEVICE = 0xC000  # translation: DeviceID out of range / no valid DTE
GITS_IMPDEF_DROP_EVENT_OOR = 0xC004         # translation: EventID >= 2^(DTE.size+1)
GITS_IMPDEF_DROP_UNMAPPED_EVENT = 0xC008    # translation: ITTE not valid
GITS_IMPDEF_DROP_UNMAPPED_COLL = 0xC00C     # translation: ITTE's collection not mapped
GITS_IMPDEF_DROP_DISABLED = 0xC010          # translation while GITS_CTLR.Enabled == 0
GITS_IMPDEF_DROP_BUS_ERROR = 0xC014         # translation: table read returned an error
GITS_IMPDEF_TRANSLATED = 0xC018             # LPIs delivered from doorbell writes
GITS_IMPDEF_CMD_ERROR = 0xC01C              # last command error (CMDERR_* below), 0 = none
GITS_IMPDEF_CMD_DONE = 0xC020               # commands completed (wraps)
GITS_IMPDEF_CACHE_HITS = 0xC024             # translation-cache hits (wraps)

GITS_IIDR_VALUE = 0x0100_043B         # ProductID 0x01, Implementer 0x43B (ARM JEP106)
GITS_PIDR2_VALUE = 0x3B               # ArchRev 3 (GICv3), JEP106 id bits

# GITS_CTLR
CTLR_ENABLED_BIT = 0
CTLR_QUIESCENT_BIT = 31

# GITS_TYPER (64-bit)
TYPER_PHYSICAL_BIT = 0
TYPER_ITT_ENTRY_SIZE_LSB = 4          # bytes per ITTE - 1
TYPER_ITT_ENTRY_SIZE_W = 4
TYPER_IDBITS_LSB = 8                  # EventID bits - 1
TYPER_IDBITS_W = 5
TYPER_DEVBITS_LSB = 13                # DeviceID bits - 1
TYPER_DEVBITS_W = 5
TYPER_PTA_BIT = 19                    # 0: RDbase is a processor number
TYPER_HCC_LSB = 24                    # collections held in hardware
TYPER_HCC_W = 8

# GITS_CBASER (64-bit)
CBASER_VALID_BIT = 63
CBASER_INNERCACHE_LSB = 59
CBASER_INNERCACHE_W = 3
CBASER_OUTERCACHE_LSB = 53
CBASER_OUTERCACHE_W = 3
CBASER_PA_LSB = 12                    # physical address [51:12]
CBASER_PA_W = 40
CBASER_SHAREABILITY_LSB = 10
CBASER_SHAREABILITY_W = 2
CBASER_SIZE_LSB = 0                   # number of 4 KiB pages - 1
CBASER_SIZE_W = 8

# GITS_CWRITER / GITS_CREADR
CWRITER_RETRY_BIT = 0
CREADR_STALLED_BIT = 0
CQ_OFFSET_LSB = 5                     # Offset [19:5], in 32-byte commands
CQ_OFFSET_W = 15

# GITS_BASER<n> (64-bit)
BASER_VALID_BIT = 63
BASER_INDIRECT_BIT = 62
BASER_INNERCACHE_LSB = 59
BASER_INNERCACHE_W = 3
BASER_TYPE_LSB = 56
BASER_TYPE_W = 3
BASER_OUTERCACHE_LSB = 53
BASER_OUTERCACHE_W = 3
BASER_ENTRY_SIZE_LSB = 48             # bytes per entry - 1
BASER_ENTRY_SIZE_W = 5
BASER_PA_LSB = 12                     # physical address [47:12] (4 KiB pages)
BASER_PA_W = 36
BASER_SHAREABILITY_LSB = 10
BASER_SHAREABILITY_W = 2
BASER_PAGE_SIZE_LSB = 8               # 0: 4 KiB, 1: 16 KiB, 2: 64 KiB
BASER_PAGE_SIZE_W = 2
BASER_SIZE_LSB = 0                    # number of pages - 1
BASER_SIZE_W = 8
BASER_TYPE_NONE = 0
BASER_TYPE_DEVICE = 1
BASER_TYPE_COLLECTION = 4

# --- commands: 32 bytes = four little-endian 64-bit doublewords DW0..DW3 -----------
CMD_SIZE = 32
CMD_MOVI = 0x01
CMD_INT = 0x03
CMD_CLEAR = 0x04
CMD_SYNC = 0x05
CMD_MAPD = 0x08
CMD_MAPC = 0x09
CMD_MAPTI = 0x0A
CMD_MAPI = 0x0B
CMD_INV = 0x0C
CMD_INVALL = 0x0D
CMD_MOVALL = 0x0E
CMD_DISCARD = 0x0F

CMD_OPCODE_LSB = 0                    # DW0[7:0]
CMD_OPCODE_W = 8
CMD_DEVID_LSB = 32                    # DW0[63:32]
CMD_DEVID_W = 32
CMD_EVENTID_LSB = 0                   # DW1[31:0]
CMD_EVENTID_W = 32
CMD_PINTID_LSB = 32                   # DW1[63:32] (MAPTI)
CMD_PINTID_W = 32
CMD_SIZE_LSB = 0                      # DW1[4:0] (MAPD: EventID bits - 1)
CMD_SIZE_W = 5
CMD_ICID_LSB = 0                      # DW2[15:0]
CMD_ICID_W = 16
CMD_ITT_LSB = 8                       # DW2[51:8] = ITT address [51:8]
CMD_ITT_W = 44
CMD_RDBASE_LSB = 16                   # DW2[51:16] (MAPC, SYNC, MOVALL DW2; MOVALL DW3)
CMD_RDBASE_W = 36
CMD_VALID_BIT = 63                    # DW2[63] (MAPD, MAPC)

# --- IMPLEMENTATION DEFINED table formats (8-byte entries, little-endian) ----------
ENTRY_BYTES = 8
# Device table entry (GITS_BASER0, flat, indexed by DeviceID)
DTE_VALID_BIT = 0
DTE_SIZE_LSB = 1                      # EventID bits - 1 (as MAPD's Size)
DTE_SIZE_W = 5
DTE_ITT_LSB = 8                       # ITT address [51:8]
DTE_ITT_W = 44
# Interrupt translation table entry (at ITT address + 8 * EventID)
ITTE_PINTID_LSB = 0
ITTE_PINTID_W = 32
ITTE_ICID_LSB = 32
ITTE_ICID_W = 16
ITTE_VALID_BIT = 63
# Collections are held in hardware (GITS_TYPER.HCC); GITS_BASER1..7 are Type=None.

LPI_MIN_INTID = 8192

# --- command errors (GITS_IMPDEF_CMD_ERROR): (opcode << 8) | reason, the scheme of
# the architecture's command-error encodings; any of these stalls the queue.
CMDERR_DEVICE_OOR = 0x01
CMDERR_COLLECTION_OOR = 0x03
CMDERR_UNMAPPED_DEVICE = 0x04
CMDERR_ID_OOR = 0x05
CMDERR_PHYSICALID_OOR = 0x06
CMDERR_UNMAPPED_INTERRUPT = 0x07
CMDERR_ITTSIZE_OOR = 0x08
CMDERR_UNMAPPED_COLLECTION = 0x09
CMDERR_RDBASE_OOR = 0x0A
CMDERR_BUS_ERROR = 0x0B
CMDERR_UNKNOWN_COMMAND = 0xFF
