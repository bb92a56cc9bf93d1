"""GICv2m MSI frame register map (ARM Server Base System Architecture, GICv2m
appendix; irq-gic-v2m.c names)."""

VH_PREFIX = "V2M_"
VH_FILE = "gicv2m_defs.vh"
VH_BLOCK = "gic"  # the header goes to hdl/gic/include/ (hdl/README.md)

MSI_TYPER = 0x008
MSI_SETSPI_NS = 0x040
MSI_IIDR = 0xFCC
# IMPLEMENTATION DEFINED (departure): writes to MSI_SETSPI_NS with an SPI outside
# [base, base + count) are dropped and counted here (read-only, wraps).
MSI_DROPPED = 0xF00
MSI_DELIVERED = 0xF04                 # SPIs raised (read-only, wraps)

MSI_TYPER_BASE_LSB = 16               # first SPI INTID, [25:16]
MSI_TYPER_BASE_W = 10
MSI_TYPER_NUMBER_LSB = 0              # number of SPIs, [9:0]
MSI_TYPER_NUMBER_W = 10
MSI_SETSPI_LSB = 0                    # SPI INTID in the written data, [9:0]
MSI_SETSPI_W = 10
MSI_IIDR_VALUE = 0x0000_043B          # ARM implementer, product 0
