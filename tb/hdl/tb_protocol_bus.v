// tb_protocol_bus: simulation-only wires for testing tb/protocol_checker.py itself.
// An AXI4 bus (s_axi_* -> m_axi_*, ID 4 bits, data 64 bits), an AXI4-Lite bus
// (s_axil_* -> m_axil_*) passed straight through, so a cocotbext-axi master and RAM can
// talk across them, or cocotb can drive any signal by hand; plus a bare stream (ev_*)
// a level line (irq) and two streams flattened into vectors (fl_*) driven from Python. No logic: the checker is the only judge.
// chk_valid / chk_other carry every VALID / READY and level for the checker's bundle mode.
`default_nettype none
/* verilator lint_off UNUSEDSIGNAL */   // clk and rst are there for the checker only

module tb_protocol_bus (
    input  wire clk,
    input  wire rst,
    input  wire [3:0] s_axi_awid,
    output wire [3:0] m_axi_awid,
    input  wire [47:0] s_axi_awaddr,
    output wire [47:0] m_axi_awaddr,
    input  wire [7:0] s_axi_awlen,
    output wire [7:0] m_axi_awlen,
    input  wire [2:0] s_axi_awsize,
    output wire [2:0] m_axi_awsize,
    input  wire [1:0] s_axi_awburst,
    output wire [1:0] m_axi_awburst,
    input  wire s_axi_awvalid,
    output wire m_axi_awvalid,
    input  wire m_axi_awready,
    output wire s_axi_awready,
    input  wire [63:0] s_axi_wdata,
    output wire [63:0] m_axi_wdata,
    input  wire [7:0] s_axi_wstrb,
    output wire [7:0] m_axi_wstrb,
    input  wire s_axi_wlast,
    output wire m_axi_wlast,
    input  wire s_axi_wvalid,
    output wire m_axi_wvalid,
    input  wire m_axi_wready,
    output wire s_axi_wready,
    input  wire [3:0] m_axi_bid,
    output wire [3:0] s_axi_bid,
    input  wire [1:0] m_axi_bresp,
    output wire [1:0] s_axi_bresp,
    input  wire m_axi_bvalid,
    output wire s_axi_bvalid,
    input  wire s_axi_bready,
    output wire m_axi_bready,
    input  wire [3:0] s_axi_arid,
    output wire [3:0] m_axi_arid,
    input  wire [47:0] s_axi_araddr,
    output wire [47:0] m_axi_araddr,
    input  wire [7:0] s_axi_arlen,
    output wire [7:0] m_axi_arlen,
    input  wire [2:0] s_axi_arsize,
    output wire [2:0] m_axi_arsize,
    input  wire [1:0] s_axi_arburst,
    output wire [1:0] m_axi_arburst,
    input  wire s_axi_arvalid,
    output wire m_axi_arvalid,
    input  wire m_axi_arready,
    output wire s_axi_arready,
    input  wire [3:0] m_axi_rid,
    output wire [3:0] s_axi_rid,
    input  wire [63:0] m_axi_rdata,
    output wire [63:0] s_axi_rdata,
    input  wire [1:0] m_axi_rresp,
    output wire [1:0] s_axi_rresp,
    input  wire m_axi_rlast,
    output wire s_axi_rlast,
    input  wire m_axi_rvalid,
    output wire s_axi_rvalid,
    input  wire s_axi_rready,
    output wire m_axi_rready,
    input  wire [15:0] s_axil_awaddr,
    output wire [15:0] m_axil_awaddr,
    input  wire [2:0] s_axil_awprot,
    output wire [2:0] m_axil_awprot,
    input  wire s_axil_awvalid,
    output wire m_axil_awvalid,
    input  wire m_axil_awready,
    output wire s_axil_awready,
    input  wire [31:0] s_axil_wdata,
    output wire [31:0] m_axil_wdata,
    input  wire [3:0] s_axil_wstrb,
    output wire [3:0] m_axil_wstrb,
    input  wire s_axil_wvalid,
    output wire m_axil_wvalid,
    input  wire m_axil_wready,
    output wire s_axil_wready,
    input  wire [1:0] m_axil_bresp,
    output wire [1:0] s_axil_bresp,
    input  wire m_axil_bvalid,
    output wire s_axil_bvalid,
    input  wire s_axil_bready,
    output wire m_axil_bready,
    input  wire [15:0] s_axil_araddr,
    output wire [15:0] m_axil_araddr,
    input  wire [2:0] s_axil_arprot,
    output wire [2:0] m_axil_arprot,
    input  wire s_axil_arvalid,
    output wire m_axil_arvalid,
    input  wire m_axil_arready,
    output wire s_axil_arready,
    input  wire [31:0] m_axil_rdata,
    output wire [31:0] s_axil_rdata,
    input  wire [1:0] m_axil_rresp,
    output wire [1:0] s_axil_rresp,
    input  wire m_axil_rvalid,
    output wire s_axil_rvalid,
    input  wire s_axil_rready,
    output wire m_axil_rready,
    input  wire       ev_valid,
    input  wire       ev_ready,
    input  wire [7:0] ev_data,
    input  wire       irq,
    input  wire [1:0] fl_valid,     // two streams flattened into vectors (lane 0 low)
    input  wire [1:0] fl_ready,
    input  wire [15:0] fl_data
);
    assign m_axi_awid = s_axi_awid;
    assign m_axi_awaddr = s_axi_awaddr;
    assign m_axi_awlen = s_axi_awlen;
    assign m_axi_awsize = s_axi_awsize;
    assign m_axi_awburst = s_axi_awburst;
    assign m_axi_awvalid = s_axi_awvalid;
    assign s_axi_awready = m_axi_awready;
    assign m_axi_wdata = s_axi_wdata;
    assign m_axi_wstrb = s_axi_wstrb;
    assign m_axi_wlast = s_axi_wlast;
    assign m_axi_wvalid = s_axi_wvalid;
    assign s_axi_wready = m_axi_wready;
    assign s_axi_bid = m_axi_bid;
    assign s_axi_bresp = m_axi_bresp;
    assign s_axi_bvalid = m_axi_bvalid;
    assign m_axi_bready = s_axi_bready;
    assign m_axi_arid = s_axi_arid;
    assign m_axi_araddr = s_axi_araddr;
    assign m_axi_arlen = s_axi_arlen;
    assign m_axi_arsize = s_axi_arsize;
    assign m_axi_arburst = s_axi_arburst;
    assign m_axi_arvalid = s_axi_arvalid;
    assign s_axi_arready = m_axi_arready;
    assign s_axi_rid = m_axi_rid;
    assign s_axi_rdata = m_axi_rdata;
    assign s_axi_rresp = m_axi_rresp;
    assign s_axi_rlast = m_axi_rlast;
    assign s_axi_rvalid = m_axi_rvalid;
    assign m_axi_rready = s_axi_rready;
    assign m_axil_awaddr = s_axil_awaddr;
    assign m_axil_awprot = s_axil_awprot;
    assign m_axil_awvalid = s_axil_awvalid;
    assign s_axil_awready = m_axil_awready;
    assign m_axil_wdata = s_axil_wdata;
    assign m_axil_wstrb = s_axil_wstrb;
    assign m_axil_wvalid = s_axil_wvalid;
    assign s_axil_wready = m_axil_wready;
    assign s_axil_bresp = m_axil_bresp;
    assign s_axil_bvalid = m_axil_bvalid;
    assign m_axil_bready = s_axil_bready;
    assign m_axil_araddr = s_axil_araddr;
    assign m_axil_arprot = s_axil_arprot;
    assign m_axil_arvalid = s_axil_arvalid;
    assign s_axil_arready = m_axil_arready;
    assign s_axil_rdata = m_axil_rdata;
    assign s_axil_rresp = m_axil_rresp;
    assign s_axil_rvalid = m_axil_rvalid;
    assign m_axil_rready = s_axil_rready;
    // the checker's two vectors (ProtocolChecker.use_bundle, tests/cocotb_protocol_checker.py
    // bundle=True): bundle_split(handshake_signals(...)) of its PORTS, in that order
    /* verilator lint_off WIDTH */    // zero-padded: the checker adds the width up
    wire [63:0] chk_valid = {s_axi_awvalid, s_axi_wvalid, s_axi_bvalid, s_axi_arvalid, s_axi_rvalid, m_axi_awvalid, m_axi_wvalid, m_axi_bvalid, m_axi_arvalid, m_axi_rvalid, s_axil_awvalid, s_axil_wvalid, s_axil_bvalid, s_axil_arvalid, s_axil_rvalid, m_axil_awvalid, m_axil_wvalid, m_axil_bvalid, m_axil_arvalid, m_axil_rvalid, ev_valid, fl_valid};
    wire [63:0] chk_other = {s_axi_awready, s_axi_wready, s_axi_bready, s_axi_arready, s_axi_rready, m_axi_awready, m_axi_wready, m_axi_bready, m_axi_arready, m_axi_rready, s_axil_awready, s_axil_wready, s_axil_bready, s_axil_arready, s_axil_rready, m_axil_awready, m_axil_wready, m_axil_bready, m_axil_arready, m_axil_rready, ev_ready, irq, fl_ready};
    /* verilator lint_on WIDTH */
endmodule

`default_nettype wire
