// axi_arbiter: N:1 AXI4 interconnect (devices -> one SMMU upstream port).
//
// Follows the AMBA AXI4 protocol (IHI 0022) channel rules:
//  - AW and AR are arbitrated round robin among the ports with a valid request;
//    once a request is presented downstream the grant is held until it is
//    accepted, so valid and payload stay stable (A3.2.1).
//  - The port index is prepended to the ID (m_id = {port, s_id}), so B and R
//    return to the port that issued the request, and per-ID ordering of each
//    port is kept because the downstream sees distinct IDs per port.
//  - W has no ID in AXI4: a FIFO of granted write ports (W_FIFO_DEPTH deep)
//    sends each write's data after its address, in address order. AW is not
//    granted while that FIFO is full.
//  - AxUSER: each port's user field is driven by the instantiating module (the
//    system top ties it to the port's StreamID parameter) and passed on.
// Leaves out: QoS, regions, locked/exclusive semantics (AxLOCK passed through),
// wuser/ruser/buser.
`default_nettype none

module axi_arbiter #(
    parameter NUM_PORTS    = 2,
    parameter S_ID_WIDTH   = 4,
    parameter ADDR_WIDTH   = 48,
    parameter DATA_WIDTH   = 64,
    parameter USER_WIDTH   = 16,
    parameter W_FIFO_DEPTH = 4,
    // derived; do not override
    parameter PORT_BITS    = (NUM_PORTS > 1) ? $clog2(NUM_PORTS) : 1,
    parameter M_ID_WIDTH   = S_ID_WIDTH + PORT_BITS,
    parameter STRB_WIDTH   = DATA_WIDTH / 8
) (
    input  wire                             clk,
    input  wire                             rst,

    // ---- slave ports (flattened, port p at [p*W +: W]) ----
    input  wire [NUM_PORTS*S_ID_WIDTH-1:0]  s_axi_awid,
    input  wire [NUM_PORTS*ADDR_WIDTH-1:0]  s_axi_awaddr,
    input  wire [NUM_PORTS*8-1:0]           s_axi_awlen,
    input  wire [NUM_PORTS*3-1:0]           s_axi_awsize,
    input  wire [NUM_PORTS*2-1:0]           s_axi_awburst,
    input  wire [NUM_PORTS-1:0]             s_axi_awlock,
    input  wire [NUM_PORTS*4-1:0]           s_axi_awcache,
    input  wire [NUM_PORTS*3-1:0]           s_axi_awprot,
    input  wire [NUM_PORTS*USER_WIDTH-1:0]  s_axi_awuser,
    input  wire [NUM_PORTS-1:0]             s_axi_awvalid,
    output reg  [NUM_PORTS-1:0]             s_axi_awready,
    input  wire [NUM_PORTS*DATA_WIDTH-1:0]  s_axi_wdata,
    input  wire [NUM_PORTS*STRB_WIDTH-1:0]  s_axi_wstrb,
    input  wire [NUM_PORTS-1:0]             s_axi_wlast,
    input  wire [NUM_PORTS-1:0]             s_axi_wvalid,
    output reg  [NUM_PORTS-1:0]             s_axi_wready,
    output wire [NUM_PORTS*S_ID_WIDTH-1:0]  s_axi_bid,
    output wire [NUM_PORTS*2-1:0]           s_axi_bresp,
    output reg  [NUM_PORTS-1:0]             s_axi_bvalid,
    input  wire [NUM_PORTS-1:0]             s_axi_bready,
    input  wire [NUM_PORTS*S_ID_WIDTH-1:0]  s_axi_arid,
    input  wire [NUM_PORTS*ADDR_WIDTH-1:0]  s_axi_araddr,
    input  wire [NUM_PORTS*8-1:0]           s_axi_arlen,
    input  wire [NUM_PORTS*3-1:0]           s_axi_arsize,
    input  wire [NUM_PORTS*2-1:0]           s_axi_arburst,
    input  wire [NUM_PORTS-1:0]             s_axi_arlock,
    input  wire [NUM_PORTS*4-1:0]           s_axi_arcache,
    input  wire [NUM_PORTS*3-1:0]           s_axi_arprot,
    input  wire [NUM_PORTS*USER_WIDTH-1:0]  s_axi_aruser,
    input  wire [NUM_PORTS-1:0]             s_axi_arvalid,
    output reg  [NUM_PORTS-1:0]             s_axi_arready,
    output wire [NUM_PORTS*S_ID_WIDTH-1:0]  s_axi_rid,
    output wire [NUM_PORTS*DATA_WIDTH-1:0]  s_axi_rdata,
    output wire [NUM_PORTS*2-1:0]           s_axi_rresp,
    output wire [NUM_PORTS-1:0]             s_axi_rlast,
    output reg  [NUM_PORTS-1:0]             s_axi_rvalid,
    input  wire [NUM_PORTS-1:0]             s_axi_rready,

    // ---- master port ----
    output wire [M_ID_WIDTH-1:0]            m_axi_awid,
    output wire [ADDR_WIDTH-1:0]            m_axi_awaddr,
    output wire [7:0]                       m_axi_awlen,
    output wire [2:0]                       m_axi_awsize,
    output wire [1:0]                       m_axi_awburst,
    output wire                             m_axi_awlock,
    output wire [3:0]                       m_axi_awcache,
    output wire [2:0]                       m_axi_awprot,
    output wire [USER_WIDTH-1:0]            m_axi_awuser,
    output wire                             m_axi_awvalid,
    input  wire                             m_axi_awready,
    output wire [DATA_WIDTH-1:0]            m_axi_wdata,
    output wire [STRB_WIDTH-1:0]            m_axi_wstrb,
    output wire                             m_axi_wlast,
    output wire                             m_axi_wvalid,
    input  wire                             m_axi_wready,
    input  wire [M_ID_WIDTH-1:0]            m_axi_bid,
    input  wire [1:0]                       m_axi_bresp,
    input  wire                             m_axi_bvalid,
    output wire                             m_axi_bready,
    output wire [M_ID_WIDTH-1:0]            m_axi_arid,
    output wire [ADDR_WIDTH-1:0]            m_axi_araddr,
    output wire [7:0]                       m_axi_arlen,
    output wire [2:0]                       m_axi_arsize,
    output wire [1:0]                       m_axi_arburst,
    output wire                             m_axi_arlock,
    output wire [3:0]                       m_axi_arcache,
    output wire [2:0]                       m_axi_arprot,
    output wire [USER_WIDTH-1:0]            m_axi_aruser,
    output wire                             m_axi_arvalid,
    input  wire                             m_axi_arready,
    input  wire [M_ID_WIDTH-1:0]            m_axi_rid,
    input  wire [DATA_WIDTH-1:0]            m_axi_rdata,
    input  wire [1:0]                       m_axi_rresp,
    input  wire                             m_axi_rlast,
    input  wire                             m_axi_rvalid,
    output wire                             m_axi_rready
);

    localparam FIFO_AW = (W_FIFO_DEPTH > 1) ? $clog2(W_FIFO_DEPTH) : 1;

    // ------------------------------------------------------------------
    // Round-robin pick: the first requesting port at or after `ptr`.
    // ------------------------------------------------------------------
    function [PORT_BITS-1:0] rr_pick;
        input [NUM_PORTS-1:0] req;
        input [PORT_BITS-1:0] ptr;
        integer k;
        reg [PORT_BITS:0] idx;
        reg found;
        begin
            rr_pick = ptr;
            found = 1'b0;
            for (k = 0; k < NUM_PORTS; k = k + 1) begin
                idx = {1'b0, ptr} + k[PORT_BITS:0];
                if (idx >= NUM_PORTS[PORT_BITS:0])
                    idx = idx - NUM_PORTS[PORT_BITS:0];
                if (!found && req[idx[PORT_BITS-1:0]]) begin
                    rr_pick = idx[PORT_BITS-1:0];
                    found = 1'b1;
                end
            end
        end
    endfunction

    function [PORT_BITS-1:0] next_ptr;
        input [PORT_BITS-1:0] cur;
        begin
            if ({1'b0, cur} == NUM_PORTS[PORT_BITS:0] - 1'b1)
                next_ptr = {PORT_BITS{1'b0}};
            else
                next_ptr = cur + 1'b1;
        end
    endfunction

    // ------------------------------------------------------------------
    // Write address: locked round-robin grant + W routing FIFO
    // ------------------------------------------------------------------
    reg  [PORT_BITS-1:0] aw_ptr;
    reg  [PORT_BITS-1:0] aw_lock_port;
    reg                  aw_locked;
    wire [PORT_BITS-1:0] aw_pick = rr_pick(s_axi_awvalid, aw_ptr);
    wire [PORT_BITS-1:0] aw_port = aw_locked ? aw_lock_port : aw_pick;

    reg  [PORT_BITS-1:0] wq_mem [0:W_FIFO_DEPTH-1];
    reg  [FIFO_AW:0]     wq_count;
    reg  [FIFO_AW-1:0]   wq_rd;
    reg  [FIFO_AW-1:0]   wq_wr;
    wire                 wq_full  = (wq_count == W_FIFO_DEPTH[FIFO_AW:0]);
    wire                 wq_empty = (wq_count == {(FIFO_AW+1){1'b0}});
    wire [PORT_BITS-1:0] w_port   = wq_mem[wq_rd];

    assign m_axi_awvalid = (|s_axi_awvalid) && !wq_full;
    assign m_axi_awid    = {aw_port, s_axi_awid[aw_port*S_ID_WIDTH +: S_ID_WIDTH]};
    assign m_axi_awaddr  = s_axi_awaddr[aw_port*ADDR_WIDTH +: ADDR_WIDTH];
    assign m_axi_awlen   = s_axi_awlen[aw_port*8 +: 8];
    assign m_axi_awsize  = s_axi_awsize[aw_port*3 +: 3];
    assign m_axi_awburst = s_axi_awburst[aw_port*2 +: 2];
    assign m_axi_awlock  = s_axi_awlock[aw_port];
    assign m_axi_awcache = s_axi_awcache[aw_port*4 +: 4];
    assign m_axi_awprot  = s_axi_awprot[aw_port*3 +: 3];
    assign m_axi_awuser  = s_axi_awuser[aw_port*USER_WIDTH +: USER_WIDTH];

    wire aw_fire = m_axi_awvalid && m_axi_awready;
    wire w_fire  = m_axi_wvalid && m_axi_wready;
    wire w_done  = w_fire && m_axi_wlast;

    always @* begin
        s_axi_awready = {NUM_PORTS{1'b0}};
        s_axi_awready[aw_port] = m_axi_awready && !wq_full;
    end

    always @(posedge clk) begin
        if (rst) begin
            aw_ptr       <= {PORT_BITS{1'b0}};
            aw_locked    <= 1'b0;
            aw_lock_port <= {PORT_BITS{1'b0}};
            wq_count     <= {(FIFO_AW+1){1'b0}};
            wq_rd        <= {FIFO_AW{1'b0}};
            wq_wr        <= {FIFO_AW{1'b0}};
        end else begin
            if (aw_fire) begin
                aw_locked <= 1'b0;
                aw_ptr    <= next_ptr(aw_port);
                wq_mem[wq_wr] <= aw_port;
                wq_wr <= (wq_wr == W_FIFO_DEPTH[FIFO_AW-1:0] - 1'b1) ? {FIFO_AW{1'b0}}
                                                                     : wq_wr + 1'b1;
            end else if (m_axi_awvalid) begin
                aw_locked    <= 1'b1;
                aw_lock_port <= aw_port;
            end
            if (w_done)
                wq_rd <= (wq_rd == W_FIFO_DEPTH[FIFO_AW-1:0] - 1'b1) ? {FIFO_AW{1'b0}}
                                                                     : wq_rd + 1'b1;
            if (aw_fire && !w_done)
                wq_count <= wq_count + 1'b1;
            else if (!aw_fire && w_done)
                wq_count <= wq_count - 1'b1;
        end
    end

    // W from the port at the head of the FIFO
    assign m_axi_wvalid = !wq_empty && s_axi_wvalid[w_port];
    assign m_axi_wdata  = s_axi_wdata[w_port*DATA_WIDTH +: DATA_WIDTH];
    assign m_axi_wstrb  = s_axi_wstrb[w_port*STRB_WIDTH +: STRB_WIDTH];
    assign m_axi_wlast  = s_axi_wlast[w_port];

    always @* begin
        s_axi_wready = {NUM_PORTS{1'b0}};
        if (!wq_empty)
            s_axi_wready[w_port] = m_axi_wready;
    end

    // B back to the port named by the ID's top bits
    wire [PORT_BITS-1:0] b_port = m_axi_bid[M_ID_WIDTH-1 -: PORT_BITS];
    // gated by valid: the ID is only meaningful (and known) while BVALID is high
    assign m_axi_bready = m_axi_bvalid && s_axi_bready[b_port];
    genvar g;
    generate
        for (g = 0; g < NUM_PORTS; g = g + 1) begin : g_resp
            assign s_axi_bid[g*S_ID_WIDTH +: S_ID_WIDTH]   = m_axi_bid[S_ID_WIDTH-1:0];
            assign s_axi_bresp[g*2 +: 2]                   = m_axi_bresp;
            assign s_axi_rid[g*S_ID_WIDTH +: S_ID_WIDTH]   = m_axi_rid[S_ID_WIDTH-1:0];
            assign s_axi_rdata[g*DATA_WIDTH +: DATA_WIDTH] = m_axi_rdata;
            assign s_axi_rresp[g*2 +: 2]                   = m_axi_rresp;
            assign s_axi_rlast[g]                          = m_axi_rlast;
        end
    endgenerate

    always @* begin
        s_axi_bvalid = {NUM_PORTS{1'b0}};
        s_axi_bvalid[b_port] = m_axi_bvalid;
    end

    // ------------------------------------------------------------------
    // Read address: locked round-robin grant; R routed by ID
    // ------------------------------------------------------------------
    reg  [PORT_BITS-1:0] ar_ptr;
    reg  [PORT_BITS-1:0] ar_lock_port;
    reg                  ar_locked;
    wire [PORT_BITS-1:0] ar_pick = rr_pick(s_axi_arvalid, ar_ptr);
    wire [PORT_BITS-1:0] ar_port = ar_locked ? ar_lock_port : ar_pick;

    assign m_axi_arvalid = |s_axi_arvalid;
    assign m_axi_arid    = {ar_port, s_axi_arid[ar_port*S_ID_WIDTH +: S_ID_WIDTH]};
    assign m_axi_araddr  = s_axi_araddr[ar_port*ADDR_WIDTH +: ADDR_WIDTH];
    assign m_axi_arlen   = s_axi_arlen[ar_port*8 +: 8];
    assign m_axi_arsize  = s_axi_arsize[ar_port*3 +: 3];
    assign m_axi_arburst = s_axi_arburst[ar_port*2 +: 2];
    assign m_axi_arlock  = s_axi_arlock[ar_port];
    assign m_axi_arcache = s_axi_arcache[ar_port*4 +: 4];
    assign m_axi_arprot  = s_axi_arprot[ar_port*3 +: 3];
    assign m_axi_aruser  = s_axi_aruser[ar_port*USER_WIDTH +: USER_WIDTH];

    wire ar_fire = m_axi_arvalid && m_axi_arready;

    always @* begin
        s_axi_arready = {NUM_PORTS{1'b0}};
        s_axi_arready[ar_port] = m_axi_arready;
    end

    always @(posedge clk) begin
        if (rst) begin
            ar_ptr       <= {PORT_BITS{1'b0}};
            ar_locked    <= 1'b0;
            ar_lock_port <= {PORT_BITS{1'b0}};
        end else if (ar_fire) begin
            ar_locked <= 1'b0;
            ar_ptr    <= next_ptr(ar_port);
        end else if (m_axi_arvalid) begin
            ar_locked    <= 1'b1;
            ar_lock_port <= ar_port;
        end
    end

    wire [PORT_BITS-1:0] r_port = m_axi_rid[M_ID_WIDTH-1 -: PORT_BITS];
    assign m_axi_rready = m_axi_rvalid && s_axi_rready[r_port];
    always @* begin
        s_axi_rvalid = {NUM_PORTS{1'b0}};
        s_axi_rvalid[r_port] = m_axi_rvalid;
    end

endmodule

`default_nettype wire
