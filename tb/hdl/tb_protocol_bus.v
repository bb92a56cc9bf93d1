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
    // the checker's look mode (ProtocolChecker.use_look, bundle="look" in the tests)
    // BEGIN look mode: GENERATED by scripts/gen_system_tb.py (make gen)
    // chk_look: s_axi:aw, s_axi:w, s_axi:b, s_axi:ar, s_axi:r, m_axi:aw, m_axi:w, m_axi:b, m_axi:ar, m_axi:r, s_axil:aw, s_axil:w, s_axil:b, s_axil:ar, s_axil:r, m_axil:aw, m_axil:w, m_axil:b, m_axil:ar, m_axil:r, ev, irq, fl, rst, monitors
    /* verilator lint_off WIDTH */      // zero-extended into tb_chk_look's N and W
    /* verilator lint_off UNUSEDSIGNAL */   // read by Python only
    wire [25-1:0] chk_look;   // bit i: labels[i] (tb/protocol_checker.py render_look)
    /* verilator lint_on UNUSEDSIGNAL */
    assign chk_look[21] = ((^irq) === 1'bx);   // irq
    wire [8-1:0] chk_look_v22 = fl_valid, chk_look_r22 = fl_ready;   // fl
    wire [256-1:0] chk_look_p22 = {fl_data};
    tb_chk_look #(.N(8), .W(256)) l_chk_look_22 (.clk(clk), .rst(rst), .valid(chk_look_v22), .ready(chk_look_r22),
        .payload(chk_look_p22), .look(chk_look[22]));
    assign chk_look[23] = (rst !== 1'b0);   // rst
    // the 21 single-lane channels, bit j of chk_look_s_*: channel j below
    wire [21-1:0] chk_look_s_valid = {ev_valid, m_axil_rvalid, m_axil_arvalid, m_axil_bvalid, m_axil_wvalid, m_axil_awvalid, s_axil_rvalid, s_axil_arvalid, s_axil_bvalid, s_axil_wvalid, s_axil_awvalid, m_axi_rvalid, m_axi_arvalid, m_axi_bvalid, m_axi_wvalid, m_axi_awvalid, s_axi_rvalid, s_axi_arvalid, s_axi_bvalid, s_axi_wvalid, s_axi_awvalid};
    wire [21-1:0] chk_look_s_ready = {ev_ready, m_axil_rready, m_axil_arready, m_axil_bready, m_axil_wready, m_axil_awready, s_axil_rready, s_axil_arready, s_axil_bready, s_axil_wready, s_axil_awready, m_axi_rready, m_axi_arready, m_axi_bready, m_axi_wready, m_axi_awready, s_axi_rready, s_axi_arready, s_axi_bready, s_axi_wready, s_axi_awready};
    reg  [21-1:0] chk_look_s_pend;      // VALID high without READY at the last edge
    wire [21-1:0] chk_look_s_chg;       // the payload changed since the last edge
`ifdef VERILATOR
    always @(posedge clk) chk_look_s_pend <= rst ? {21{1'b0}} : (chk_look_s_valid & ~chk_look_s_ready);
`else
    reg  [21-1:0] chk_look_s_dirty;
    always @(posedge clk) begin
        chk_look_s_pend <= rst ? {21{1'b0}} : (chk_look_s_valid & ~chk_look_s_ready);
        chk_look_s_dirty <= {21{1'b0}};     // a change after this edge sets it again
    end
    assign chk_look_s_chg = chk_look_s_dirty;
`endif
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p0 = {s_axi_awid, s_axi_awaddr, s_axi_awlen, s_axi_awsize, s_axi_awburst};   // bit 0
    reg [256-1:0] chk_look_s_h0;
    always @(posedge clk) if (chk_look_s_valid[0]) chk_look_s_h0 <= chk_look_s_p0;
    assign chk_look_s_chg[0] = chk_look_s_p0 != chk_look_s_h0;
`else
    always @(s_axi_awid or s_axi_awaddr or s_axi_awlen or s_axi_awsize or s_axi_awburst) chk_look_s_dirty[0] <= 1'b1;   // bit 0
`endif
    assign chk_look[0] = (s_axi_awvalid & (~chk_look_s_pend[0] | s_axi_awready)) | (chk_look_s_pend[0] & (~s_axi_awvalid | chk_look_s_chg[0])) | ((s_axi_awvalid ^ s_axi_awready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p1 = {s_axi_wdata, s_axi_wstrb, s_axi_wlast};   // bit 1
    reg [256-1:0] chk_look_s_h1;
    always @(posedge clk) if (chk_look_s_valid[1]) chk_look_s_h1 <= chk_look_s_p1;
    assign chk_look_s_chg[1] = chk_look_s_p1 != chk_look_s_h1;
`else
    always @(s_axi_wdata or s_axi_wstrb or s_axi_wlast) chk_look_s_dirty[1] <= 1'b1;   // bit 1
`endif
    assign chk_look[1] = (s_axi_wvalid & (~chk_look_s_pend[1] | s_axi_wready)) | (chk_look_s_pend[1] & (~s_axi_wvalid | chk_look_s_chg[1])) | ((s_axi_wvalid ^ s_axi_wready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p2 = {s_axi_bid, s_axi_bresp};   // bit 2
    reg [256-1:0] chk_look_s_h2;
    always @(posedge clk) if (chk_look_s_valid[2]) chk_look_s_h2 <= chk_look_s_p2;
    assign chk_look_s_chg[2] = chk_look_s_p2 != chk_look_s_h2;
`else
    always @(s_axi_bid or s_axi_bresp) chk_look_s_dirty[2] <= 1'b1;   // bit 2
`endif
    assign chk_look[2] = (s_axi_bvalid & (~chk_look_s_pend[2] | s_axi_bready)) | (chk_look_s_pend[2] & (~s_axi_bvalid | chk_look_s_chg[2])) | ((s_axi_bvalid ^ s_axi_bready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p3 = {s_axi_arid, s_axi_araddr, s_axi_arlen, s_axi_arsize, s_axi_arburst};   // bit 3
    reg [256-1:0] chk_look_s_h3;
    always @(posedge clk) if (chk_look_s_valid[3]) chk_look_s_h3 <= chk_look_s_p3;
    assign chk_look_s_chg[3] = chk_look_s_p3 != chk_look_s_h3;
`else
    always @(s_axi_arid or s_axi_araddr or s_axi_arlen or s_axi_arsize or s_axi_arburst) chk_look_s_dirty[3] <= 1'b1;   // bit 3
`endif
    assign chk_look[3] = (s_axi_arvalid & (~chk_look_s_pend[3] | s_axi_arready)) | (chk_look_s_pend[3] & (~s_axi_arvalid | chk_look_s_chg[3])) | ((s_axi_arvalid ^ s_axi_arready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p4 = {s_axi_rid, s_axi_rdata, s_axi_rresp, s_axi_rlast};   // bit 4
    reg [256-1:0] chk_look_s_h4;
    always @(posedge clk) if (chk_look_s_valid[4]) chk_look_s_h4 <= chk_look_s_p4;
    assign chk_look_s_chg[4] = chk_look_s_p4 != chk_look_s_h4;
`else
    always @(s_axi_rid or s_axi_rdata or s_axi_rresp or s_axi_rlast) chk_look_s_dirty[4] <= 1'b1;   // bit 4
`endif
    assign chk_look[4] = (s_axi_rvalid & (~chk_look_s_pend[4] | s_axi_rready)) | (chk_look_s_pend[4] & (~s_axi_rvalid | chk_look_s_chg[4])) | ((s_axi_rvalid ^ s_axi_rready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p5 = {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst};   // bit 5
    reg [256-1:0] chk_look_s_h5;
    always @(posedge clk) if (chk_look_s_valid[5]) chk_look_s_h5 <= chk_look_s_p5;
    assign chk_look_s_chg[5] = chk_look_s_p5 != chk_look_s_h5;
`else
    always @(m_axi_awid or m_axi_awaddr or m_axi_awlen or m_axi_awsize or m_axi_awburst) chk_look_s_dirty[5] <= 1'b1;   // bit 5
`endif
    assign chk_look[5] = (m_axi_awvalid & (~chk_look_s_pend[5] | m_axi_awready)) | (chk_look_s_pend[5] & (~m_axi_awvalid | chk_look_s_chg[5])) | ((m_axi_awvalid ^ m_axi_awready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p6 = {m_axi_wdata, m_axi_wstrb, m_axi_wlast};   // bit 6
    reg [256-1:0] chk_look_s_h6;
    always @(posedge clk) if (chk_look_s_valid[6]) chk_look_s_h6 <= chk_look_s_p6;
    assign chk_look_s_chg[6] = chk_look_s_p6 != chk_look_s_h6;
`else
    always @(m_axi_wdata or m_axi_wstrb or m_axi_wlast) chk_look_s_dirty[6] <= 1'b1;   // bit 6
`endif
    assign chk_look[6] = (m_axi_wvalid & (~chk_look_s_pend[6] | m_axi_wready)) | (chk_look_s_pend[6] & (~m_axi_wvalid | chk_look_s_chg[6])) | ((m_axi_wvalid ^ m_axi_wready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p7 = {m_axi_bid, m_axi_bresp};   // bit 7
    reg [256-1:0] chk_look_s_h7;
    always @(posedge clk) if (chk_look_s_valid[7]) chk_look_s_h7 <= chk_look_s_p7;
    assign chk_look_s_chg[7] = chk_look_s_p7 != chk_look_s_h7;
`else
    always @(m_axi_bid or m_axi_bresp) chk_look_s_dirty[7] <= 1'b1;   // bit 7
`endif
    assign chk_look[7] = (m_axi_bvalid & (~chk_look_s_pend[7] | m_axi_bready)) | (chk_look_s_pend[7] & (~m_axi_bvalid | chk_look_s_chg[7])) | ((m_axi_bvalid ^ m_axi_bready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p8 = {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst};   // bit 8
    reg [256-1:0] chk_look_s_h8;
    always @(posedge clk) if (chk_look_s_valid[8]) chk_look_s_h8 <= chk_look_s_p8;
    assign chk_look_s_chg[8] = chk_look_s_p8 != chk_look_s_h8;
`else
    always @(m_axi_arid or m_axi_araddr or m_axi_arlen or m_axi_arsize or m_axi_arburst) chk_look_s_dirty[8] <= 1'b1;   // bit 8
`endif
    assign chk_look[8] = (m_axi_arvalid & (~chk_look_s_pend[8] | m_axi_arready)) | (chk_look_s_pend[8] & (~m_axi_arvalid | chk_look_s_chg[8])) | ((m_axi_arvalid ^ m_axi_arready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p9 = {m_axi_rid, m_axi_rdata, m_axi_rresp, m_axi_rlast};   // bit 9
    reg [256-1:0] chk_look_s_h9;
    always @(posedge clk) if (chk_look_s_valid[9]) chk_look_s_h9 <= chk_look_s_p9;
    assign chk_look_s_chg[9] = chk_look_s_p9 != chk_look_s_h9;
`else
    always @(m_axi_rid or m_axi_rdata or m_axi_rresp or m_axi_rlast) chk_look_s_dirty[9] <= 1'b1;   // bit 9
`endif
    assign chk_look[9] = (m_axi_rvalid & (~chk_look_s_pend[9] | m_axi_rready)) | (chk_look_s_pend[9] & (~m_axi_rvalid | chk_look_s_chg[9])) | ((m_axi_rvalid ^ m_axi_rready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p10 = {s_axil_awaddr, s_axil_awprot};   // bit 10
    reg [256-1:0] chk_look_s_h10;
    always @(posedge clk) if (chk_look_s_valid[10]) chk_look_s_h10 <= chk_look_s_p10;
    assign chk_look_s_chg[10] = chk_look_s_p10 != chk_look_s_h10;
`else
    always @(s_axil_awaddr or s_axil_awprot) chk_look_s_dirty[10] <= 1'b1;   // bit 10
`endif
    assign chk_look[10] = (s_axil_awvalid & (~chk_look_s_pend[10] | s_axil_awready)) | (chk_look_s_pend[10] & (~s_axil_awvalid | chk_look_s_chg[10])) | ((s_axil_awvalid ^ s_axil_awready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p11 = {s_axil_wdata, s_axil_wstrb};   // bit 11
    reg [256-1:0] chk_look_s_h11;
    always @(posedge clk) if (chk_look_s_valid[11]) chk_look_s_h11 <= chk_look_s_p11;
    assign chk_look_s_chg[11] = chk_look_s_p11 != chk_look_s_h11;
`else
    always @(s_axil_wdata or s_axil_wstrb) chk_look_s_dirty[11] <= 1'b1;   // bit 11
`endif
    assign chk_look[11] = (s_axil_wvalid & (~chk_look_s_pend[11] | s_axil_wready)) | (chk_look_s_pend[11] & (~s_axil_wvalid | chk_look_s_chg[11])) | ((s_axil_wvalid ^ s_axil_wready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p12 = {s_axil_bresp};   // bit 12
    reg [256-1:0] chk_look_s_h12;
    always @(posedge clk) if (chk_look_s_valid[12]) chk_look_s_h12 <= chk_look_s_p12;
    assign chk_look_s_chg[12] = chk_look_s_p12 != chk_look_s_h12;
`else
    always @(s_axil_bresp) chk_look_s_dirty[12] <= 1'b1;   // bit 12
`endif
    assign chk_look[12] = (s_axil_bvalid & (~chk_look_s_pend[12] | s_axil_bready)) | (chk_look_s_pend[12] & (~s_axil_bvalid | chk_look_s_chg[12])) | ((s_axil_bvalid ^ s_axil_bready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p13 = {s_axil_araddr, s_axil_arprot};   // bit 13
    reg [256-1:0] chk_look_s_h13;
    always @(posedge clk) if (chk_look_s_valid[13]) chk_look_s_h13 <= chk_look_s_p13;
    assign chk_look_s_chg[13] = chk_look_s_p13 != chk_look_s_h13;
`else
    always @(s_axil_araddr or s_axil_arprot) chk_look_s_dirty[13] <= 1'b1;   // bit 13
`endif
    assign chk_look[13] = (s_axil_arvalid & (~chk_look_s_pend[13] | s_axil_arready)) | (chk_look_s_pend[13] & (~s_axil_arvalid | chk_look_s_chg[13])) | ((s_axil_arvalid ^ s_axil_arready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p14 = {s_axil_rdata, s_axil_rresp};   // bit 14
    reg [256-1:0] chk_look_s_h14;
    always @(posedge clk) if (chk_look_s_valid[14]) chk_look_s_h14 <= chk_look_s_p14;
    assign chk_look_s_chg[14] = chk_look_s_p14 != chk_look_s_h14;
`else
    always @(s_axil_rdata or s_axil_rresp) chk_look_s_dirty[14] <= 1'b1;   // bit 14
`endif
    assign chk_look[14] = (s_axil_rvalid & (~chk_look_s_pend[14] | s_axil_rready)) | (chk_look_s_pend[14] & (~s_axil_rvalid | chk_look_s_chg[14])) | ((s_axil_rvalid ^ s_axil_rready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p15 = {m_axil_awaddr, m_axil_awprot};   // bit 15
    reg [256-1:0] chk_look_s_h15;
    always @(posedge clk) if (chk_look_s_valid[15]) chk_look_s_h15 <= chk_look_s_p15;
    assign chk_look_s_chg[15] = chk_look_s_p15 != chk_look_s_h15;
`else
    always @(m_axil_awaddr or m_axil_awprot) chk_look_s_dirty[15] <= 1'b1;   // bit 15
`endif
    assign chk_look[15] = (m_axil_awvalid & (~chk_look_s_pend[15] | m_axil_awready)) | (chk_look_s_pend[15] & (~m_axil_awvalid | chk_look_s_chg[15])) | ((m_axil_awvalid ^ m_axil_awready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p16 = {m_axil_wdata, m_axil_wstrb};   // bit 16
    reg [256-1:0] chk_look_s_h16;
    always @(posedge clk) if (chk_look_s_valid[16]) chk_look_s_h16 <= chk_look_s_p16;
    assign chk_look_s_chg[16] = chk_look_s_p16 != chk_look_s_h16;
`else
    always @(m_axil_wdata or m_axil_wstrb) chk_look_s_dirty[16] <= 1'b1;   // bit 16
`endif
    assign chk_look[16] = (m_axil_wvalid & (~chk_look_s_pend[16] | m_axil_wready)) | (chk_look_s_pend[16] & (~m_axil_wvalid | chk_look_s_chg[16])) | ((m_axil_wvalid ^ m_axil_wready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p17 = {m_axil_bresp};   // bit 17
    reg [256-1:0] chk_look_s_h17;
    always @(posedge clk) if (chk_look_s_valid[17]) chk_look_s_h17 <= chk_look_s_p17;
    assign chk_look_s_chg[17] = chk_look_s_p17 != chk_look_s_h17;
`else
    always @(m_axil_bresp) chk_look_s_dirty[17] <= 1'b1;   // bit 17
`endif
    assign chk_look[17] = (m_axil_bvalid & (~chk_look_s_pend[17] | m_axil_bready)) | (chk_look_s_pend[17] & (~m_axil_bvalid | chk_look_s_chg[17])) | ((m_axil_bvalid ^ m_axil_bready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p18 = {m_axil_araddr, m_axil_arprot};   // bit 18
    reg [256-1:0] chk_look_s_h18;
    always @(posedge clk) if (chk_look_s_valid[18]) chk_look_s_h18 <= chk_look_s_p18;
    assign chk_look_s_chg[18] = chk_look_s_p18 != chk_look_s_h18;
`else
    always @(m_axil_araddr or m_axil_arprot) chk_look_s_dirty[18] <= 1'b1;   // bit 18
`endif
    assign chk_look[18] = (m_axil_arvalid & (~chk_look_s_pend[18] | m_axil_arready)) | (chk_look_s_pend[18] & (~m_axil_arvalid | chk_look_s_chg[18])) | ((m_axil_arvalid ^ m_axil_arready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p19 = {m_axil_rdata, m_axil_rresp};   // bit 19
    reg [256-1:0] chk_look_s_h19;
    always @(posedge clk) if (chk_look_s_valid[19]) chk_look_s_h19 <= chk_look_s_p19;
    assign chk_look_s_chg[19] = chk_look_s_p19 != chk_look_s_h19;
`else
    always @(m_axil_rdata or m_axil_rresp) chk_look_s_dirty[19] <= 1'b1;   // bit 19
`endif
    assign chk_look[19] = (m_axil_rvalid & (~chk_look_s_pend[19] | m_axil_rready)) | (chk_look_s_pend[19] & (~m_axil_rvalid | chk_look_s_chg[19])) | ((m_axil_rvalid ^ m_axil_rready) === 1'bx);
`ifdef VERILATOR
    wire [256-1:0] chk_look_s_p20 = {ev_data};   // bit 20
    reg [256-1:0] chk_look_s_h20;
    always @(posedge clk) if (chk_look_s_valid[20]) chk_look_s_h20 <= chk_look_s_p20;
    assign chk_look_s_chg[20] = chk_look_s_p20 != chk_look_s_h20;
`else
    always @(ev_data) chk_look_s_dirty[20] <= 1'b1;   // bit 20
`endif
    assign chk_look[20] = (ev_valid & (~chk_look_s_pend[20] | ev_ready)) | (chk_look_s_pend[20] & (~ev_valid | chk_look_s_chg[20])) | ((ev_valid ^ ev_ready) === 1'bx);
    assign chk_look[24] = 1'b0;    // no monitors here
    /* verilator lint_on WIDTH */
    reg [31:0] chk_cycle;    // rising edges so far, from time 0
    initial chk_cycle = 32'd0;
    always @(posedge clk) chk_cycle <= chk_cycle + 32'd1;
    // END look mode
endmodule

`default_nettype wire
