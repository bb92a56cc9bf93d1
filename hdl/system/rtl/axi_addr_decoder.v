// axi_addr_decoder: 1:N AXI4 address decoder with a built-in DECERR slave
// (SMMU downstream -> ITS translation frame / GICv2m frame / memory).
//
// Follows AMBA AXI4 (IHI 0022):
//  - Target t owns [M_BASE[t], M_BASE[t] + M_SIZE[t]); the first match wins.
//    An address no target owns goes to the internal default slave, which takes
//    the write data and answers DECERR on B, or answers DECERR on every R beat
//    (arlen + 1 beats, RLAST on the last), as A3.4.4 describes.
//  - One register stage on AW and on AR. Once the decoder has accepted a write
//    address, the write data is routed to that address's target, so targets may
//    wait for WVALID before asserting AWREADY (A3.3.1 dependency rules hold).
//  - Ordering: transactions in flight in one direction all go to the same
//    target; a request for another target waits until the previous ones have
//    completed. Responses therefore come back in request order and same-ID
//    ordering holds without ID tracking (the usual single-slave-per-direction
//    policy of small interconnects).
//  - Addresses are passed on whole; targets use the low bits (bases must be
//    aligned to the size of the frame the target decodes).
// Leaves out: QoS, regions, exclusive access monitors, wuser/ruser/buser.
`default_nettype none

`include "axi_defs.vh"

module axi_addr_decoder #(
    parameter NUM_M      = 3,
    parameter ID_WIDTH   = 8,
    parameter ADDR_WIDTH = 48,
    parameter DATA_WIDTH = 64,
    parameter USER_WIDTH = 16,
    parameter CNT_WIDTH  = 4,
    parameter [NUM_M*ADDR_WIDTH-1:0] M_BASE = 0,
    parameter [NUM_M*ADDR_WIDTH-1:0] M_SIZE = 0,
    // derived; do not override
    parameter STRB_WIDTH = DATA_WIDTH / 8
) (
    input  wire                         clk,
    input  wire                         rst,

    input  wire [ID_WIDTH-1:0]          s_axi_awid,
    input  wire [ADDR_WIDTH-1:0]        s_axi_awaddr,
    input  wire [7:0]                   s_axi_awlen,
    input  wire [2:0]                   s_axi_awsize,
    input  wire [1:0]                   s_axi_awburst,
    input  wire                         s_axi_awlock,
    input  wire [3:0]                   s_axi_awcache,
    input  wire [2:0]                   s_axi_awprot,
    input  wire [USER_WIDTH-1:0]        s_axi_awuser,
    input  wire                         s_axi_awvalid,
    output wire                         s_axi_awready,
    input  wire [DATA_WIDTH-1:0]        s_axi_wdata,
    input  wire [STRB_WIDTH-1:0]        s_axi_wstrb,
    input  wire                         s_axi_wlast,
    input  wire                         s_axi_wvalid,
    output reg                          s_axi_wready,
    output reg  [ID_WIDTH-1:0]          s_axi_bid,
    output reg  [1:0]                   s_axi_bresp,
    output reg                          s_axi_bvalid,
    input  wire                         s_axi_bready,
    input  wire [ID_WIDTH-1:0]          s_axi_arid,
    input  wire [ADDR_WIDTH-1:0]        s_axi_araddr,
    input  wire [7:0]                   s_axi_arlen,
    input  wire [2:0]                   s_axi_arsize,
    input  wire [1:0]                   s_axi_arburst,
    input  wire                         s_axi_arlock,
    input  wire [3:0]                   s_axi_arcache,
    input  wire [2:0]                   s_axi_arprot,
    input  wire [USER_WIDTH-1:0]        s_axi_aruser,
    input  wire                         s_axi_arvalid,
    output wire                         s_axi_arready,
    output reg  [ID_WIDTH-1:0]          s_axi_rid,
    output reg  [DATA_WIDTH-1:0]        s_axi_rdata,
    output reg  [1:0]                   s_axi_rresp,
    output reg                          s_axi_rlast,
    output reg                          s_axi_rvalid,
    input  wire                         s_axi_rready,

    // ---- master ports (flattened, target t at [t*W +: W]) ----
    output wire [NUM_M*ID_WIDTH-1:0]    m_axi_awid,
    output wire [NUM_M*ADDR_WIDTH-1:0]  m_axi_awaddr,
    output wire [NUM_M*8-1:0]           m_axi_awlen,
    output wire [NUM_M*3-1:0]           m_axi_awsize,
    output wire [NUM_M*2-1:0]           m_axi_awburst,
    output wire [NUM_M-1:0]             m_axi_awlock,
    output wire [NUM_M*4-1:0]           m_axi_awcache,
    output wire [NUM_M*3-1:0]           m_axi_awprot,
    output wire [NUM_M*USER_WIDTH-1:0]  m_axi_awuser,
    output reg  [NUM_M-1:0]             m_axi_awvalid,
    input  wire [NUM_M-1:0]             m_axi_awready,
    output wire [NUM_M*DATA_WIDTH-1:0]  m_axi_wdata,
    output wire [NUM_M*STRB_WIDTH-1:0]  m_axi_wstrb,
    output wire [NUM_M-1:0]             m_axi_wlast,
    output reg  [NUM_M-1:0]             m_axi_wvalid,
    input  wire [NUM_M-1:0]             m_axi_wready,
    input  wire [NUM_M*ID_WIDTH-1:0]    m_axi_bid,
    input  wire [NUM_M*2-1:0]           m_axi_bresp,
    input  wire [NUM_M-1:0]             m_axi_bvalid,
    output reg  [NUM_M-1:0]             m_axi_bready,
    output wire [NUM_M*ID_WIDTH-1:0]    m_axi_arid,
    output wire [NUM_M*ADDR_WIDTH-1:0]  m_axi_araddr,
    output wire [NUM_M*8-1:0]           m_axi_arlen,
    output wire [NUM_M*3-1:0]           m_axi_arsize,
    output wire [NUM_M*2-1:0]           m_axi_arburst,
    output wire [NUM_M-1:0]             m_axi_arlock,
    output wire [NUM_M*4-1:0]           m_axi_arcache,
    output wire [NUM_M*3-1:0]           m_axi_arprot,
    output wire [NUM_M*USER_WIDTH-1:0]  m_axi_aruser,
    output reg  [NUM_M-1:0]             m_axi_arvalid,
    input  wire [NUM_M-1:0]             m_axi_arready,
    input  wire [NUM_M*ID_WIDTH-1:0]    m_axi_rid,
    input  wire [NUM_M*DATA_WIDTH-1:0]  m_axi_rdata,
    input  wire [NUM_M*2-1:0]           m_axi_rresp,
    input  wire [NUM_M-1:0]             m_axi_rlast,
    input  wire [NUM_M-1:0]             m_axi_rvalid,
    output reg  [NUM_M-1:0]             m_axi_rready
);

    localparam TGT_BITS = $clog2(NUM_M + 1);
    localparam [TGT_BITS-1:0] DEFAULT_TGT = NUM_M[TGT_BITS-1:0];  // internal DECERR slave
    localparam [1:0] RESP_DECERR = `AXI_RESP_DECERR;
    localparam IDX_BITS = (NUM_M > 1) ? $clog2(NUM_M) : 1;
    localparam [CNT_WIDTH-1:0] CNT_MAX = {CNT_WIDTH{1'b1}};

    function [TGT_BITS-1:0] decode;
        input [ADDR_WIDTH-1:0] addr;
        integer t;
        reg found;
        reg [ADDR_WIDTH:0] lo, hi;
        begin
            decode = DEFAULT_TGT;
            found = 1'b0;
            for (t = 0; t < NUM_M; t = t + 1) begin
                lo = {1'b0, M_BASE[t*ADDR_WIDTH +: ADDR_WIDTH]};
                hi = lo + {1'b0, M_SIZE[t*ADDR_WIDTH +: ADDR_WIDTH]};
                if (!found && {1'b0, addr} >= lo && {1'b0, addr} < hi) begin
                    decode = t[TGT_BITS-1:0];
                    found = 1'b1;
                end
            end
        end
    endfunction

    // ==================================================================
    // Write path
    // ==================================================================
    reg                  awq_valid;
    reg [TGT_BITS-1:0]   awq_tgt;
    reg [ID_WIDTH-1:0]   awq_id;
    reg [ADDR_WIDTH-1:0] awq_addr;
    reg [7:0]            awq_len;
    reg [2:0]            awq_size;
    reg [1:0]            awq_burst;
    reg                  awq_lock;
    reg [3:0]            awq_cache;
    reg [2:0]            awq_prot;
    reg [USER_WIDTH-1:0] awq_user;

    reg [TGT_BITS-1:0]   wr_tgt;     // target of every write in flight
    reg [CNT_WIDTH-1:0]  wr_cnt;     // writes accepted, B not yet returned
    reg [CNT_WIDTH-1:0]  w_pend;     // writes accepted, W burst not yet done

    wire [IDX_BITS-1:0] awq_i = awq_tgt[IDX_BITS-1:0];
    wire [IDX_BITS-1:0] wr_i  = wr_tgt[IDX_BITS-1:0];
    wire [TGT_BITS-1:0] aw_dec = decode(s_axi_awaddr);
    assign s_axi_awready = !awq_valid && wr_cnt != CNT_MAX
                           && (wr_cnt == {CNT_WIDTH{1'b0}}
                               || (s_axi_awvalid && aw_dec == wr_tgt));
    wire s_aw_fire = s_axi_awvalid && s_axi_awready;

    // default (DECERR) write slave
    localparam [1:0] DW_IDLE = 2'd0, DW_DATA = 2'd1, DW_RESP = 2'd2;
    reg [1:0]          dw_state;
    reg [ID_WIDTH-1:0] dw_id;
    wire dw_awready = (dw_state == DW_IDLE);
    wire dw_wready  = (dw_state == DW_DATA);
    wire dw_bvalid  = (dw_state == DW_RESP);

    wire awq_ready = (awq_tgt == DEFAULT_TGT) ? dw_awready : m_axi_awready[awq_i];
    wire awq_fire  = awq_valid && awq_ready;

    genvar g;
    generate
        for (g = 0; g < NUM_M; g = g + 1) begin : g_aw
            assign m_axi_awid[g*ID_WIDTH +: ID_WIDTH]       = awq_id;
            assign m_axi_awaddr[g*ADDR_WIDTH +: ADDR_WIDTH] = awq_addr;
            assign m_axi_awlen[g*8 +: 8]                    = awq_len;
            assign m_axi_awsize[g*3 +: 3]                   = awq_size;
            assign m_axi_awburst[g*2 +: 2]                  = awq_burst;
            assign m_axi_awlock[g]                          = awq_lock;
            assign m_axi_awcache[g*4 +: 4]                  = awq_cache;
            assign m_axi_awprot[g*3 +: 3]                   = awq_prot;
            assign m_axi_awuser[g*USER_WIDTH +: USER_WIDTH] = awq_user;
            assign m_axi_wdata[g*DATA_WIDTH +: DATA_WIDTH]  = s_axi_wdata;
            assign m_axi_wstrb[g*STRB_WIDTH +: STRB_WIDTH]  = s_axi_wstrb;
            assign m_axi_wlast[g]                           = s_axi_wlast;
        end
    endgenerate

    wire w_route = (w_pend != {CNT_WIDTH{1'b0}});

    always @* begin
        m_axi_awvalid = {NUM_M{1'b0}};
        m_axi_wvalid  = {NUM_M{1'b0}};
        m_axi_bready  = {NUM_M{1'b0}};
        s_axi_wready  = 1'b0;
        s_axi_bvalid  = 1'b0;
        s_axi_bid     = dw_id;
        s_axi_bresp   = RESP_DECERR;
        if (awq_valid && awq_tgt != DEFAULT_TGT)
            m_axi_awvalid[awq_i] = 1'b1;
        if (w_route) begin
            if (wr_tgt == DEFAULT_TGT) begin
                s_axi_wready = dw_wready;
            end else begin
                m_axi_wvalid[wr_i] = s_axi_wvalid;
                s_axi_wready = m_axi_wready[wr_i];
            end
        end
        if (wr_tgt == DEFAULT_TGT) begin
            s_axi_bvalid = dw_bvalid;
        end else begin
            s_axi_bvalid = m_axi_bvalid[wr_i] && wr_cnt != {CNT_WIDTH{1'b0}};
            s_axi_bid    = m_axi_bid[wr_i*ID_WIDTH +: ID_WIDTH];
            s_axi_bresp  = m_axi_bresp[wr_i*2 +: 2];
            m_axi_bready[wr_i] = s_axi_bready && wr_cnt != {CNT_WIDTH{1'b0}};
        end
    end

    wire w_last_fire = w_route && s_axi_wvalid && s_axi_wready && s_axi_wlast;
    wire b_fire      = s_axi_bvalid && s_axi_bready;

    always @(posedge clk) begin
        if (rst) begin
            awq_valid <= 1'b0;
            awq_tgt   <= DEFAULT_TGT;
            wr_tgt    <= DEFAULT_TGT;
            wr_cnt    <= {CNT_WIDTH{1'b0}};
            w_pend    <= {CNT_WIDTH{1'b0}};
            dw_state  <= DW_IDLE;
            dw_id     <= {ID_WIDTH{1'b0}};
        end else begin
            if (s_aw_fire) begin
                awq_valid <= 1'b1;
                awq_tgt   <= aw_dec;
                wr_tgt    <= aw_dec;
            end else if (awq_fire) begin
                awq_valid <= 1'b0;
            end
            if (s_aw_fire && !b_fire)
                wr_cnt <= wr_cnt + 1'b1;
            else if (!s_aw_fire && b_fire)
                wr_cnt <= wr_cnt - 1'b1;
            if (s_aw_fire && !w_last_fire)
                w_pend <= w_pend + 1'b1;
            else if (!s_aw_fire && w_last_fire)
                w_pend <= w_pend - 1'b1;

            case (dw_state)
                DW_IDLE: if (awq_valid && awq_tgt == DEFAULT_TGT) begin
                    dw_id    <= awq_id;
                    dw_state <= DW_DATA;
                end
                DW_DATA: if (w_route && wr_tgt == DEFAULT_TGT && s_axi_wvalid && s_axi_wlast)
                    dw_state <= DW_RESP;
                DW_RESP: if (s_axi_bready)
                    dw_state <= DW_IDLE;
                default: dw_state <= DW_IDLE;
            endcase
        end
    end

    always @(posedge clk) begin
        if (s_aw_fire) begin
            awq_id    <= s_axi_awid;
            awq_addr  <= s_axi_awaddr;
            awq_len   <= s_axi_awlen;
            awq_size  <= s_axi_awsize;
            awq_burst <= s_axi_awburst;
            awq_lock  <= s_axi_awlock;
            awq_cache <= s_axi_awcache;
            awq_prot  <= s_axi_awprot;
            awq_user  <= s_axi_awuser;
        end
    end

    // ==================================================================
    // Read path
    // ==================================================================
    reg                  arq_valid;
    reg [TGT_BITS-1:0]   arq_tgt;
    reg [ID_WIDTH-1:0]   arq_id;
    reg [ADDR_WIDTH-1:0] arq_addr;
    reg [7:0]            arq_len;
    reg [2:0]            arq_size;
    reg [1:0]            arq_burst;
    reg                  arq_lock;
    reg [3:0]            arq_cache;
    reg [2:0]            arq_prot;
    reg [USER_WIDTH-1:0] arq_user;

    reg [TGT_BITS-1:0]   rd_tgt;
    reg [CNT_WIDTH-1:0]  rd_cnt;     // reads accepted, last R beat not yet returned

    wire [IDX_BITS-1:0] arq_i = arq_tgt[IDX_BITS-1:0];
    wire [IDX_BITS-1:0] rd_i  = rd_tgt[IDX_BITS-1:0];
    wire [TGT_BITS-1:0] ar_dec = decode(s_axi_araddr);
    assign s_axi_arready = !arq_valid && rd_cnt != CNT_MAX
                           && (rd_cnt == {CNT_WIDTH{1'b0}}
                               || (s_axi_arvalid && ar_dec == rd_tgt));
    wire s_ar_fire = s_axi_arvalid && s_axi_arready;

    // default (DECERR) read slave
    reg                dr_busy;
    reg [ID_WIDTH-1:0] dr_id;
    reg [7:0]          dr_left;     // beats left after the current one
    wire arq_ready = (arq_tgt == DEFAULT_TGT) ? !dr_busy : m_axi_arready[arq_i];
    wire arq_fire  = arq_valid && arq_ready;

    generate
        for (g = 0; g < NUM_M; g = g + 1) begin : g_ar
            assign m_axi_arid[g*ID_WIDTH +: ID_WIDTH]       = arq_id;
            assign m_axi_araddr[g*ADDR_WIDTH +: ADDR_WIDTH] = arq_addr;
            assign m_axi_arlen[g*8 +: 8]                    = arq_len;
            assign m_axi_arsize[g*3 +: 3]                   = arq_size;
            assign m_axi_arburst[g*2 +: 2]                  = arq_burst;
            assign m_axi_arlock[g]                          = arq_lock;
            assign m_axi_arcache[g*4 +: 4]                  = arq_cache;
            assign m_axi_arprot[g*3 +: 3]                   = arq_prot;
            assign m_axi_aruser[g*USER_WIDTH +: USER_WIDTH] = arq_user;
        end
    endgenerate

    always @* begin
        m_axi_arvalid = {NUM_M{1'b0}};
        m_axi_rready  = {NUM_M{1'b0}};
        s_axi_rvalid  = 1'b0;
        s_axi_rid     = dr_id;
        s_axi_rdata   = {DATA_WIDTH{1'b0}};
        s_axi_rresp   = RESP_DECERR;
        s_axi_rlast   = (dr_left == 8'd0);
        if (arq_valid && arq_tgt != DEFAULT_TGT)
            m_axi_arvalid[arq_i] = 1'b1;
        if (rd_tgt == DEFAULT_TGT) begin
            s_axi_rvalid = dr_busy;
        end else begin
            s_axi_rvalid = m_axi_rvalid[rd_i] && rd_cnt != {CNT_WIDTH{1'b0}};
            s_axi_rid    = m_axi_rid[rd_i*ID_WIDTH +: ID_WIDTH];
            s_axi_rdata  = m_axi_rdata[rd_i*DATA_WIDTH +: DATA_WIDTH];
            s_axi_rresp  = m_axi_rresp[rd_i*2 +: 2];
            s_axi_rlast  = m_axi_rlast[rd_i];
            m_axi_rready[rd_i] = s_axi_rready && rd_cnt != {CNT_WIDTH{1'b0}};
        end
    end

    wire r_last_fire = s_axi_rvalid && s_axi_rready && s_axi_rlast;

    always @(posedge clk) begin
        if (rst) begin
            arq_valid <= 1'b0;
            arq_tgt   <= DEFAULT_TGT;
            rd_tgt    <= DEFAULT_TGT;
            rd_cnt    <= {CNT_WIDTH{1'b0}};
            dr_busy   <= 1'b0;
            dr_id     <= {ID_WIDTH{1'b0}};
            dr_left   <= 8'd0;
        end else begin
            if (s_ar_fire) begin
                arq_valid <= 1'b1;
                arq_tgt   <= ar_dec;
                rd_tgt    <= ar_dec;
            end else if (arq_fire) begin
                arq_valid <= 1'b0;
            end
            if (s_ar_fire && !r_last_fire)
                rd_cnt <= rd_cnt + 1'b1;
            else if (!s_ar_fire && r_last_fire)
                rd_cnt <= rd_cnt - 1'b1;

            if (!dr_busy) begin
                if (arq_valid && arq_tgt == DEFAULT_TGT) begin
                    dr_busy <= 1'b1;
                    dr_id   <= arq_id;
                    dr_left <= arq_len;
                end
            end else if (rd_tgt == DEFAULT_TGT && s_axi_rready) begin
                if (dr_left == 8'd0)
                    dr_busy <= 1'b0;
                else
                    dr_left <= dr_left - 1'b1;
            end
        end
    end

    always @(posedge clk) begin
        if (s_ar_fire) begin
            arq_id    <= s_axi_arid;
            arq_addr  <= s_axi_araddr;
            arq_len   <= s_axi_arlen;
            arq_size  <= s_axi_arsize;
            arq_burst <= s_axi_arburst;
            arq_lock  <= s_axi_arlock;
            arq_cache <= s_axi_arcache;
            arq_prot  <= s_axi_arprot;
            arq_user  <= s_axi_aruser;
        end
    end

endmodule

`default_nettype wire
