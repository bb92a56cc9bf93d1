"""AMBA AXI4 / AXI4-Lite response codes (xRESP), shared by every block's RTL and
the scoreboards that predict responses."""

VH_PREFIX = "AXI_"
VH_FILE = "axi_defs.vh"
VH_BLOCK = "common"  # the header goes to hdl/common/include/ (hdl/README.md)

RESP_OKAY = 0
RESP_EXOKAY = 1
RESP_SLVERR = 2
RESP_DECERR = 3
