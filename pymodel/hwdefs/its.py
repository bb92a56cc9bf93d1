"""GICv3 ITS register map and command encodings (GICv3 architecture spec, as
irq-gic-v3-its.c uses them). Extended by the ITS work; these first names are
already used by pymodel.msi."""

VH_PREFIX = "ITS_"
VH_FILE = "its_defs.vh"

TRANSLATION_FRAME_OFFSET = 0x1_0000   # second 64 KiB frame
GITS_TRANSLATER = 0x1_0040            # from the ITS base, as irq-gic-v3-its.c adds it
