// axil_to_axi: AXI4-Lite (32-bit) slave to AXI4 (64-bit) master bridge, one
// transaction at a time per direction. Lets the CPU register port reach a
// block that only has an AXI4 slave (the GICv2m frame's MSI_TYPER / MSI_IIDR).
//
// Follows AMBA AXI4 / AXI4-Lite (IHI 0022, B1.1 conversion rules): each
// AXI4-Lite access becomes a single-beat INCR AXI4 access of 4 bytes (AxSIZE=2)
// with ID 0, data and strobes placed on the 32-bit lane the address selects.
// Leaves out: more than one outstanding transaction, AxUSER (driven 0).
`default_nettype none

`include "lpae_defs.vh"

module axil_to_axi #(
    parameter ADDR_WIDTH = 32,
    parameter ID_WIDTH   = 4,
    parameter USER_WIDTH = 16
) (
    input  wire                  clk,
    input  wire                  rst,

    input  wire [ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire [2:0]            s_axil_awprot,
    input  wire                  s_axil_awvalid,
    output wire                  s_axil_awready,
    input  wire [31:0]           s_axil_wdata,
    input  wire [3:0]            s_axil_wstrb,
    input  wire                  s_axil_wvalid,
    output wire                  s_axil_wready,
    output wire [1:0]            s_axil_bresp,
    output wire                  s_axil_bvalid,
    input  wire                  s_axil_bready,
    input  wire [ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire [2:0]            s_axil_arprot,
    input  wire                  s_axil_arvalid,
    output wire                  s_axil_arready,
    output reg  [31:0]           s_axil_rdata,
    output reg  [1:0]            s_axil_rresp,
    output reg                   s_axil_rvalid,
    input  wire                  s_axil_rready,

    output wire [ID_WIDTH-1:0]   m_axi_awid,
    output wire [ADDR_WIDTH-1:0] m_axi_awaddr,
    output wire [7:0]            m_axi_awlen,
    output wire [2:0]            m_axi_awsize,
    output wire [1:0]            m_axi_awburst,
    output wire                  m_axi_awlock,
    output wire [3:0]            m_axi_awcache,
    output wire [2:0]            m_axi_awprot,
    output wire [USER_WIDTH-1:0] m_axi_awuser,
    output wire                  m_axi_awvalid,
    input  wire                  m_axi_awready,
    output wire [63:0]           m_axi_wdata,
    output wire [7:0]            m_axi_wstrb,
    output wire                  m_axi_wlast,
    output wire                  m_axi_wvalid,
    input  wire                  m_axi_wready,
    input  wire [ID_WIDTH-1:0]   m_axi_bid,
    input  wire [1:0]            m_axi_bresp,
    input  wire                  m_axi_bvalid,
    output wire                  m_axi_bready,
    output wire [ID_WIDTH-1:0]   m_axi_arid,
    output wire [ADDR_WIDTH-1:0] m_axi_araddr,
    output wire [7:0]            m_axi_arlen,
    output wire [2:0]            m_axi_arsize,
    output wire [1:0]            m_axi_arburst,
    output wire                  m_axi_arlock,
    output wire [3:0]            m_axi_arcache,
    output wire [2:0]            m_axi_arprot,
    output wire [USER_WIDTH-1:0] m_axi_aruser,
    output wire                  m_axi_arvalid,
    input  wire                  m_axi_arready,
    input  wire [ID_WIDTH-1:0]   m_axi_rid,
    input  wire [63:0]           m_axi_rdata,
    input  wire [1:0]            m_axi_rresp,
    input  wire                  m_axi_rlast,
    input  wire                  m_axi_rvalid,
    output wire                  m_axi_rready
);

    localparam [2:0] SIZE_4B  = 3'd2;
    localparam [1:0] BURST_INCR = 2'b01;
    localparam [3:0] CACHE_DEVICE = `LPAE_AXCACHE_DEVICE_NB;   // device non-bufferable: register access

    // Write: the CPU's AW and W are taken together into registers, sent as one
    // AXI4 beat, and B is handed back after the downstream B.
    localparam [1:0] W_IDLE = 2'd0, W_SEND = 2'd1, W_WAITB = 2'd2, W_RESP = 2'd3;
    reg [1:0]            w_state;
    reg                  aw_done, w_done;
    reg [ADDR_WIDTH-1:0] wr_addr;
    reg [2:0]            wr_prot;
    reg [31:0]           wr_data;
    reg [3:0]            wr_strb;
    reg [1:0]            wr_resp;

    assign s_axil_awready = (w_state == W_IDLE) && s_axil_awvalid && s_axil_wvalid;
    assign s_axil_wready  = s_axil_awready;
    assign s_axil_bvalid  = (w_state == W_RESP);
    assign s_axil_bresp   = wr_resp;

    assign m_axi_awid    = {ID_WIDTH{1'b0}};
    assign m_axi_awaddr  = wr_addr;
    assign m_axi_awlen   = 8'd0;
    assign m_axi_awsize  = SIZE_4B;
    assign m_axi_awburst = BURST_INCR;
    assign m_axi_awlock  = 1'b0;
    assign m_axi_awcache = CACHE_DEVICE;
    assign m_axi_awprot  = wr_prot;
    assign m_axi_awuser  = {USER_WIDTH{1'b0}};
    assign m_axi_awvalid = (w_state == W_SEND) && !aw_done;
    assign m_axi_wvalid  = (w_state == W_SEND) && !w_done;
    assign m_axi_wdata   = {wr_data, wr_data};
    assign m_axi_wstrb   = wr_addr[2] ? {wr_strb, 4'b0000} : {4'b0000, wr_strb};
    assign m_axi_wlast   = 1'b1;
    assign m_axi_bready  = (w_state == W_WAITB);

    always @(posedge clk) begin
        if (rst) begin
            w_state <= W_IDLE;
            aw_done <= 1'b0;
            w_done  <= 1'b0;
            wr_resp <= 2'b00;
        end else begin
            case (w_state)
                W_IDLE: if (s_axil_awready) begin
                    wr_addr <= s_axil_awaddr;
                    wr_prot <= s_axil_awprot;
                    wr_data <= s_axil_wdata;
                    wr_strb <= s_axil_wstrb;
                    aw_done <= 1'b0;
                    w_done  <= 1'b0;
                    w_state <= W_SEND;
                end
                W_SEND: begin
                    if (m_axi_awvalid && m_axi_awready) aw_done <= 1'b1;
                    if (m_axi_wvalid && m_axi_wready)   w_done  <= 1'b1;
                    if ((aw_done || m_axi_awready) && (w_done || m_axi_wready))
                        w_state <= W_WAITB;
                end
                W_WAITB: if (m_axi_bvalid) begin
                    wr_resp <= m_axi_bresp;
                    w_state <= W_RESP;
                end
                default: if (s_axil_bready) w_state <= W_IDLE;
            endcase
        end
    end

    // Read: AR forwarded, the addressed 32-bit lane returned.
    reg ar_done;
    reg lane;
    assign m_axi_arid    = {ID_WIDTH{1'b0}};
    assign m_axi_araddr  = s_axil_araddr;
    assign m_axi_arlen   = 8'd0;
    assign m_axi_arsize  = SIZE_4B;
    assign m_axi_arburst = BURST_INCR;
    assign m_axi_arlock  = 1'b0;
    assign m_axi_arcache = CACHE_DEVICE;
    assign m_axi_arprot  = s_axil_arprot;
    assign m_axi_aruser  = {USER_WIDTH{1'b0}};
    assign m_axi_arvalid = s_axil_arvalid && !ar_done && !s_axil_rvalid;
    assign s_axil_arready = m_axi_arvalid && m_axi_arready;
    assign m_axi_rready  = ar_done && !s_axil_rvalid;

    always @(posedge clk) begin
        if (rst) begin
            ar_done <= 1'b0;
            lane <= 1'b0;
            s_axil_rvalid <= 1'b0;
            s_axil_rdata <= 32'd0;
            s_axil_rresp <= 2'b00;
        end else begin
            if (m_axi_arvalid && m_axi_arready) begin
                ar_done <= 1'b1;
                lane <= s_axil_araddr[2];
            end
            if (m_axi_rvalid && m_axi_rready) begin
                ar_done <= 1'b0;
                s_axil_rvalid <= 1'b1;
                s_axil_rdata <= lane ? m_axi_rdata[63:32] : m_axi_rdata[31:0];
                s_axil_rresp <= m_axi_rresp;
            end
            if (s_axil_rvalid && s_axil_rready)
                s_axil_rvalid <= 1'b0;
        end
    end

    // One transaction in flight with ID 0 and a single beat: the response ID and
    // RLAST carry no information here.
    wire unused_ok = &{1'b0, m_axi_bid, m_axi_rid, m_axi_rlast};

endmodule

`default_nettype wire
