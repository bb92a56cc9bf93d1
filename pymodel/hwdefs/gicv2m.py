"""GICv2m MSI frame register map (ARM Server Base System Architecture,
irq-gic-v2m.c names). Extended by the GICv2m work."""

VH_PREFIX = "V2M_"
VH_FILE = "gicv2m_defs.vh"

MSI_TYPER = 0x008
MSI_SETSPI_NS = 0x040
MSI_IIDR = 0xFCC
