// its_doorbell_formal: formal harness around its_doorbell (hdl/gic/rtl/its_doorbell.v, as
// is) at a small parameter set, for the glue proof its_glue_m_axi: its_cmd and
// its_xlate are replaced by abstractions generated from their own headers
// (formal/units.py) whose outputs are free but keep what each unit's proof shows
// (its_cmd_ports, its_xlate_ports: f_its_*_guarantee). Every other input is free in
// every cycle except the memory port's responses, which a compliant slave gives:
// R beats only for a read in flight (RLAST on beat ARLEN+1, in order), B only for a
// write whose AW and W it took.
// Asserted: m_axi AW, W and AR and the lpi_* output keep VALID and payload until
// READY and are idle after reset; the response channels of both slave frames too.
`include "its_defs.vh"

module its_doorbell_formal (
    input wire clk
);
    localparam IDW = 1, DEVW = 2, AW = 48;
    reg rst = 1'b1;
    always @(posedge clk) rst <= 1'b0;

    wire [15:0]   s_axil_awaddr = $anyseq;
    wire [2:0]    s_axil_awprot = $anyseq;
    wire          s_axil_awvalid = $anyseq;
    wire          s_axil_awready;
    wire [31:0]   s_axil_wdata = $anyseq;
    wire [3:0]    s_axil_wstrb = $anyseq;
    wire          s_axil_wvalid = $anyseq;
    wire          s_axil_wready;
    wire [1:0]    s_axil_bresp;
    wire          s_axil_bvalid;
    wire          s_axil_bready = $anyseq;
    wire [15:0]   s_axil_araddr = $anyseq;
    wire [2:0]    s_axil_arprot = $anyseq;
    wire          s_axil_arvalid = $anyseq;
    wire          s_axil_arready;
    wire [31:0]   s_axil_rdata;
    wire [1:0]    s_axil_rresp;
    wire          s_axil_rvalid;
    wire          s_axil_rready = $anyseq;
    wire [IDW-1:0] s_axi_awid = $anyseq;
    wire [15:0]   s_axi_awaddr = $anyseq;
    wire [7:0]    s_axi_awlen = $anyseq;
    wire [2:0]    s_axi_awsize = $anyseq;
    wire [1:0]    s_axi_awburst = $anyseq;
    wire          s_axi_awlock = $anyseq;
    wire [3:0]    s_axi_awcache = $anyseq;
    wire [2:0]    s_axi_awprot = $anyseq;
    wire [DEVW-1:0] s_axi_awuser = $anyseq;
    wire          s_axi_awvalid = $anyseq;
    wire          s_axi_awready;
    wire [63:0]   s_axi_wdata = $anyseq;
    wire [7:0]    s_axi_wstrb = $anyseq;
    wire          s_axi_wlast = $anyseq;
    wire          s_axi_wvalid = $anyseq;
    wire          s_axi_wready;
    wire [IDW-1:0] s_axi_bid;
    wire [1:0]    s_axi_bresp;
    wire          s_axi_bvalid;
    wire          s_axi_bready = $anyseq;
    wire [IDW-1:0] s_axi_arid = $anyseq;
    wire [15:0]   s_axi_araddr = $anyseq;
    wire [7:0]    s_axi_arlen = $anyseq;
    wire [2:0]    s_axi_arsize = $anyseq;
    wire [1:0]    s_axi_arburst = $anyseq;
    wire          s_axi_arlock = $anyseq;
    wire [3:0]    s_axi_arcache = $anyseq;
    wire [2:0]    s_axi_arprot = $anyseq;
    wire [DEVW-1:0] s_axi_aruser = $anyseq;
    wire          s_axi_arvalid = $anyseq;
    wire          s_axi_arready;
    wire [IDW-1:0] s_axi_rid;
    wire [63:0]   s_axi_rdata;
    wire [1:0]    s_axi_rresp;
    wire          s_axi_rlast;
    wire          s_axi_rvalid;
    wire          s_axi_rready = $anyseq;
    wire [IDW-1:0] m_axi_awid;
    wire [AW-1:0] m_axi_awaddr;
    wire [7:0]    m_axi_awlen;
    wire [2:0]    m_axi_awsize;
    wire [1:0]    m_axi_awburst;
    wire          m_axi_awlock;
    wire [3:0]    m_axi_awcache;
    wire [2:0]    m_axi_awprot;
    wire          m_axi_awvalid;
    wire          m_axi_awready = $anyseq;
    wire [63:0]   m_axi_wdata;
    wire [7:0]    m_axi_wstrb;
    wire          m_axi_wlast;
    wire          m_axi_wvalid;
    wire          m_axi_wready = $anyseq;
    wire [IDW-1:0] m_axi_bid = $anyseq;
    wire [1:0]    m_axi_bresp = $anyseq;
    wire          m_axi_bvalid;
    wire          m_axi_bready;
    wire [IDW-1:0] m_axi_arid;
    wire [AW-1:0] m_axi_araddr;
    wire [7:0]    m_axi_arlen;
    wire [2:0]    m_axi_arsize;
    wire [1:0]    m_axi_arburst;
    wire          m_axi_arlock;
    wire [3:0]    m_axi_arcache;
    wire [2:0]    m_axi_arprot;
    wire          m_axi_arvalid;
    wire          m_axi_arready = $anyseq;
    wire [IDW-1:0] m_axi_rid = $anyseq;
    wire [63:0]   m_axi_rdata = $anyseq;
    wire [1:0]    m_axi_rresp = $anyseq;
    wire          m_axi_rlast;
    wire          m_axi_rvalid;
    wire          m_axi_rready;
    wire          lpi_valid;
    wire          lpi_ready = $anyseq;
    wire [31:0]   lpi_intid;
    wire [15:0]   lpi_target;

    its_doorbell #(.ID_WIDTH(IDW), .DEVID_WIDTH(DEVW), .ADDR_WIDTH(AW), .EVENT_BITS(2),
                   .LPI_BITS(14), .NUM_COLL(2), .COLL_BITS(1), .NUM_RD(2),
                   .CACHE_ENTRIES(1), .CACHE_BITS(1)) dut (
        .clk(clk), .rst(rst), .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot),
        .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready), .s_axi_awid(s_axi_awid),
        .s_axi_awaddr(s_axi_awaddr), .s_axi_awlen(s_axi_awlen),
        .s_axi_awsize(s_axi_awsize), .s_axi_awburst(s_axi_awburst),
        .s_axi_awlock(s_axi_awlock), .s_axi_awcache(s_axi_awcache),
        .s_axi_awprot(s_axi_awprot), .s_axi_awuser(s_axi_awuser),
        .s_axi_awvalid(s_axi_awvalid), .s_axi_awready(s_axi_awready),
        .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wlast(s_axi_wlast),
        .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready), .s_axi_bid(s_axi_bid),
        .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid),
        .s_axi_bready(s_axi_bready), .s_axi_arid(s_axi_arid), .s_axi_araddr(s_axi_araddr),
        .s_axi_arlen(s_axi_arlen), .s_axi_arsize(s_axi_arsize),
        .s_axi_arburst(s_axi_arburst), .s_axi_arlock(s_axi_arlock),
        .s_axi_arcache(s_axi_arcache), .s_axi_arprot(s_axi_arprot),
        .s_axi_aruser(s_axi_aruser), .s_axi_arvalid(s_axi_arvalid),
        .s_axi_arready(s_axi_arready), .s_axi_rid(s_axi_rid), .s_axi_rdata(s_axi_rdata),
        .s_axi_rresp(s_axi_rresp), .s_axi_rlast(s_axi_rlast), .s_axi_rvalid(s_axi_rvalid),
        .s_axi_rready(s_axi_rready), .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr),
        .m_axi_awlen(m_axi_awlen), .m_axi_awsize(m_axi_awsize),
        .m_axi_awburst(m_axi_awburst), .m_axi_awlock(m_axi_awlock),
        .m_axi_awcache(m_axi_awcache), .m_axi_awprot(m_axi_awprot),
        .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready),
        .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
        .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready), .m_axi_bid(m_axi_bid),
        .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid),
        .m_axi_bready(m_axi_bready), .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr),
        .m_axi_arlen(m_axi_arlen), .m_axi_arsize(m_axi_arsize),
        .m_axi_arburst(m_axi_arburst), .m_axi_arlock(m_axi_arlock),
        .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot),
        .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
        .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp),
        .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid),
        .m_axi_rready(m_axi_rready), .lpi_valid(lpi_valid), .lpi_ready(lpi_ready),
        .lpi_intid(lpi_intid), .lpi_target(lpi_target)
    );

    // ---------------------------------------------------------------- memory slave
    // reads in order: beats left of the oldest read in flight (one or two tracked)
    reg  [8:0] rd_left0 = 9'd0, rd_left1 = 9'd0;   // beats still due, 0 = none
    wire       ar_fire = m_axi_arvalid && m_axi_arready;
    wire       r_fire  = m_axi_rvalid && m_axi_rready;
    wire       f_rvalid = $anyseq;
    assign m_axi_rvalid = f_rvalid && (rd_left0 != 9'd0);
    assign m_axi_rlast  = (rd_left0 == 9'd1);
    always @(posedge clk) begin
        if (rst) begin
            rd_left0 <= 9'd0; rd_left1 <= 9'd0;
        end else begin
            if (r_fire && rd_left0 == 9'd1) begin
                rd_left0 <= ar_fire && rd_left1 == 9'd0 ? {1'b0, m_axi_arlen} + 9'd1 : rd_left1;
                rd_left1 <= (ar_fire && rd_left1 != 9'd0) ? {1'b0, m_axi_arlen} + 9'd1 : 9'd0;
            end else begin
                if (r_fire) rd_left0 <= rd_left0 - 9'd1;
                if (ar_fire) begin
                    if (rd_left0 == 9'd0 || (r_fire && rd_left0 == 9'd1))
                        rd_left0 <= {1'b0, m_axi_arlen} + 9'd1;
                    else
                        rd_left1 <= {1'b0, m_axi_arlen} + 9'd1;
                end
            end
        end
    end
    always @* if (!rst && m_axi_arready) assume(rd_left1 == 9'd0);   // two reads at most
    // writes: B once both the AW and the last W of a write are in
    reg  [2:0] n_aw = 3'd0, n_w = 3'd0, n_b = 3'd0;
    wire       f_bvalid = $anyseq;
    wire [2:0] n_done = (n_aw < n_w) ? n_aw : n_w;
    assign m_axi_bvalid = f_bvalid && (n_done != n_b);
    always @(posedge clk) begin
        if (rst) begin
            n_aw <= 3'd0; n_w <= 3'd0; n_b <= 3'd0;
        end else begin
            n_aw <= n_aw + {2'd0, m_axi_awvalid && m_axi_awready};
            n_w  <= n_w + {2'd0, m_axi_wvalid && m_axi_wready && m_axi_wlast};
            n_b  <= n_b + {2'd0, m_axi_bvalid && m_axi_bready};
        end
    end
    always @* if (!rst && (m_axi_awready || m_axi_wready)) assume(n_aw - n_b < 3'd3);
    // the masters of the two frames keep the source rule
    f_valid_ready #(.W(16 + 32 + 4), .IS_OUTPUT(0)) env_axil_aw (clk, rst,
        s_axil_awvalid, s_axil_awready, {s_axil_awaddr, s_axil_wdata, s_axil_wstrb});
    f_valid_ready #(.W(16), .IS_OUTPUT(0)) env_axil_ar (clk, rst,
        s_axil_arvalid, s_axil_arready, s_axil_araddr);
    f_valid_ready #(.W(IDW + 16 + 8 + 3 + 2 + DEVW), .IS_OUTPUT(0)) env_s_aw (clk, rst,
        s_axi_awvalid, s_axi_awready,
        {s_axi_awid, s_axi_awaddr, s_axi_awlen, s_axi_awsize, s_axi_awburst, s_axi_awuser});
    f_valid_ready #(.W(64 + 8 + 1), .IS_OUTPUT(0)) env_s_w (clk, rst,
        s_axi_wvalid, s_axi_wready, {s_axi_wdata, s_axi_wstrb, s_axi_wlast});
    f_valid_ready #(.W(IDW + 8), .IS_OUTPUT(0)) env_s_ar (clk, rst,
        s_axi_arvalid, s_axi_arready, {s_axi_arid, s_axi_arlen});
    f_valid_ready #(.W(1), .IS_OUTPUT(0)) env_m_b (clk, rst, m_axi_bvalid, m_axi_bready, 1'b0);
    f_valid_ready #(.W(1), .IS_OUTPUT(0)) env_m_r (clk, rst, m_axi_rvalid, m_axi_rready, 1'b0);

    // ---------------------------------------------------------------- properties
    f_valid_ready #(.W(IDW + AW + 8 + 3 + 2 + 1 + 4 + 3)) chk_m_aw (clk, rst,
        m_axi_awvalid, m_axi_awready,
        {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
         m_axi_awlock, m_axi_awcache, m_axi_awprot});
    f_valid_ready #(.W(64 + 8 + 1)) chk_m_w (clk, rst,
        m_axi_wvalid, m_axi_wready, {m_axi_wdata, m_axi_wstrb, m_axi_wlast});
    f_valid_ready #(.W(IDW + AW + 8 + 3 + 2 + 1 + 4 + 3)) chk_m_ar (clk, rst,
        m_axi_arvalid, m_axi_arready,
        {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
         m_axi_arlock, m_axi_arcache, m_axi_arprot});
    f_valid_ready #(.W(32 + 16)) chk_lpi (clk, rst, lpi_valid, lpi_ready,
        {lpi_intid, lpi_target});
    f_valid_ready #(.W(2)) chk_axil_b (clk, rst, s_axil_bvalid, s_axil_bready, s_axil_bresp);
    f_valid_ready #(.W(32 + 2)) chk_axil_r (clk, rst, s_axil_rvalid, s_axil_rready,
        {s_axil_rdata, s_axil_rresp});
    f_valid_ready #(.W(IDW + 2)) chk_s_b (clk, rst, s_axi_bvalid, s_axi_bready,
        {s_axi_bid, s_axi_bresp});
    f_valid_ready #(.W(IDW + 64 + 2 + 1)) chk_s_r (clk, rst, s_axi_rvalid, s_axi_rready,
        {s_axi_rid, s_axi_rdata, s_axi_rresp, s_axi_rlast});
endmodule
