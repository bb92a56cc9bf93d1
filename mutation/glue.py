"""Mutants of the system glue: the AXI arbiter and decoders, the AXI-Lite bridge and
decoder, and their wiring in msi_interconnect. Killed by the glue bench and a subset of the
system scenarios (TESTS)."""

from mutation.framework import Mutant

MUTANTS = [
    Mutant("S1", "W routing: FIFO popped on every beat, not on WLAST", "hdl/axi_arbiter.v",
           "            if (w_done)\n                wq_rd <=",
           "            if (w_fire)\n                wq_rd <="),
    Mutant("S2", "B routing: by the low ID bits instead of the port index", "hdl/axi_arbiter.v",
           "wire [PORT_BITS-1:0] b_port = m_axi_bid[M_ID_WIDTH-1 -: PORT_BITS];",
           "wire [PORT_BITS-1:0] b_port = m_axi_bid[PORT_BITS-1:0];"),
    Mutant("S3", "StreamID: every write carries port 0's", "hdl/axi_arbiter.v",
           "assign m_axi_awuser  = s_axi_awuser[aw_port*USER_WIDTH +: USER_WIDTH];",
           "assign m_axi_awuser  = s_axi_awuser[0 +: USER_WIDTH];"),
    Mutant("S4", "StreamID: every read carries port 0's", "hdl/axi_arbiter.v",
           "assign m_axi_aruser  = s_axi_aruser[ar_port*USER_WIDTH +: USER_WIDTH];",
           "assign m_axi_aruser  = s_axi_aruser[0 +: USER_WIDTH];"),
    Mutant("S5", "arbitration: fixed priority on AW", "hdl/axi_arbiter.v",
           "aw_ptr    <= next_ptr(aw_port);", "aw_ptr    <= {PORT_BITS{1'b0}};"),
    Mutant("S6", "response code: decode miss answers OKAY instead of DECERR",
           "hdl/axi_addr_decoder.v",
           "localparam [1:0] RESP_DECERR = `AXI_RESP_DECERR;",
           "localparam [1:0] RESP_DECERR = `AXI_RESP_OKAY;"),
    Mutant("S7", "beat count: DECERR read returns one beat whatever ARLEN",
           "hdl/axi_addr_decoder.v",
           "dr_left <= arq_len;", "dr_left <= 8'd0;"),
    Mutant("S8", "address map: ITS translation frame decoded at the control frame's base",
           "hdl/msi_interconnect.v",
           "PA_BASES = {RAM_BASE, GICV2M_BASE, ITS_BASE + ITS_FRAME_SIZE};",
           "PA_BASES = {RAM_BASE, GICV2M_BASE, ITS_BASE};"),
    Mutant("S9", "StreamID: ITS DeviceID tied to device 0's", "hdl/msi_interconnect.v",
           "assign m_axi_its_db_awuser  = pa_axi_awuser[PA_ITS*SID_WIDTH +: SID_WIDTH];",
           "assign m_axi_its_db_awuser  = DEV0_SID;"),
    Mutant("S10", "address map: CPU decoder passes whole addresses (no base subtraction)",
           "hdl/axil_decoder.v",
           "aw_addr <= s_axil_awaddr - base_of(decode(s_axil_awaddr));",
           "aw_addr <= s_axil_awaddr;"),
    Mutant("S11", "data lane: AXI-Lite bridge reads the wrong 32-bit lane", "hdl/axil_to_axi.v",
           "s_axil_rdata <= lane ? m_axi_rdata[63:32] : m_axi_rdata[31:0];",
           "s_axil_rdata <= lane ? m_axi_rdata[31:0] : m_axi_rdata[63:32];"),
    Mutant("S12", "StreamID: devices 2 and 3 swapped", "hdl/msi_interconnect.v",
           "DEV_SIDS = {DEV3_SID, DEV2_SID, DEV1_SID, DEV0_SID};",
           "DEV_SIDS = {DEV2_SID, DEV3_SID, DEV1_SID, DEV0_SID};"),
]

TESTS = [
    "tests/test_system_glue.py",
    "tests/test_system.py::test_system[its_single_msi-seed]",
    "tests/test_system.py::test_system[doorbells_many_devices-chip=its-backpressure=0.3-seed]",
    "tests/test_system.py::test_system[doorbells_many_devices-chip=v2m-backpressure=0.0-seed]",
    "tests/test_system.py::test_system[isolation_its-seed]",
    "tests/test_system.py::test_system[teardown_put_cookie_tlb_invalidate-seed]",
    "tests/test_system.py::test_system_random[default-0-seed]",
]
