// axil_decoder: 1:N AXI4-Lite address decoder with DECERR for unmapped
// addresses (the CPU register port -> SMMU / ITS control / GICv2m frames).
//
// Follows AMBA AXI4-Lite (IHI 0022, B1): target t owns
// [M_BASE[t], M_BASE[t] + M_SIZE[t]) and receives the offset from M_BASE[t]
// (so a frame need not be aligned to its size, e.g. QEMU virt's 128 KiB SMMU at
// 0x0905_0000); first match wins; no match answers
// DECERR (reads return zero data). One transaction at a time per direction:
// the address and data are taken into registers, presented to the target,
// and the next one is accepted after the response has been handed back. CPU
// register programming does not need more.
// Leaves out: outstanding transactions, AxPROT checks (passed through).
`default_nettype none

`include "axi_defs.vh"

module axil_decoder #(
    parameter NUM_M      = 2,
    parameter ADDR_WIDTH = 32,
    parameter DATA_WIDTH = 32,
    parameter [NUM_M*ADDR_WIDTH-1:0] M_BASE = 0,
    parameter [NUM_M*ADDR_WIDTH-1:0] M_SIZE = 0,
    // derived; do not override
    parameter STRB_WIDTH = DATA_WIDTH / 8
) (
    input  wire                         clk,
    input  wire                         rst,

    input  wire [ADDR_WIDTH-1:0]        s_axil_awaddr,
    input  wire [2:0]                   s_axil_awprot,
    input  wire                         s_axil_awvalid,
    output wire                         s_axil_awready,
    input  wire [DATA_WIDTH-1:0]        s_axil_wdata,
    input  wire [STRB_WIDTH-1:0]        s_axil_wstrb,
    input  wire                         s_axil_wvalid,
    output wire                         s_axil_wready,
    output reg  [1:0]                   s_axil_bresp,
    output reg                          s_axil_bvalid,
    input  wire                         s_axil_bready,
    input  wire [ADDR_WIDTH-1:0]        s_axil_araddr,
    input  wire [2:0]                   s_axil_arprot,
    input  wire                         s_axil_arvalid,
    output wire                         s_axil_arready,
    output reg  [DATA_WIDTH-1:0]        s_axil_rdata,
    output reg  [1:0]                   s_axil_rresp,
    output reg                          s_axil_rvalid,
    input  wire                         s_axil_rready,

    output wire [NUM_M*ADDR_WIDTH-1:0]  m_axil_awaddr,
    output wire [NUM_M*3-1:0]           m_axil_awprot,
    output reg  [NUM_M-1:0]             m_axil_awvalid,
    input  wire [NUM_M-1:0]             m_axil_awready,
    output wire [NUM_M*DATA_WIDTH-1:0]  m_axil_wdata,
    output wire [NUM_M*STRB_WIDTH-1:0]  m_axil_wstrb,
    output reg  [NUM_M-1:0]             m_axil_wvalid,
    input  wire [NUM_M-1:0]             m_axil_wready,
    input  wire [NUM_M*2-1:0]           m_axil_bresp,
    input  wire [NUM_M-1:0]             m_axil_bvalid,
    output reg  [NUM_M-1:0]             m_axil_bready,
    output wire [NUM_M*ADDR_WIDTH-1:0]  m_axil_araddr,
    output wire [NUM_M*3-1:0]           m_axil_arprot,
    output reg  [NUM_M-1:0]             m_axil_arvalid,
    input  wire [NUM_M-1:0]             m_axil_arready,
    input  wire [NUM_M*DATA_WIDTH-1:0]  m_axil_rdata,
    input  wire [NUM_M*2-1:0]           m_axil_rresp,
    input  wire [NUM_M-1:0]             m_axil_rvalid,
    output reg  [NUM_M-1:0]             m_axil_rready
);

    localparam TGT_BITS = $clog2(NUM_M + 1);
    localparam [TGT_BITS-1:0] DEFAULT_TGT = NUM_M[TGT_BITS-1:0];
    localparam [1:0] RESP_DECERR = `AXI_RESP_DECERR;
    localparam IDX_BITS = (NUM_M > 1) ? $clog2(NUM_M) : 1;

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

    function [ADDR_WIDTH-1:0] base_of;
        input [TGT_BITS-1:0] tgt;
        integer t;
        begin
            base_of = {ADDR_WIDTH{1'b0}};
            for (t = 0; t < NUM_M; t = t + 1)
                if (tgt == t[TGT_BITS-1:0])
                    base_of = M_BASE[t*ADDR_WIDTH +: ADDR_WIDTH];
        end
    endfunction

    // ---------------- write ----------------
    reg                  aw_have, w_have;     // captured from the CPU
    reg                  aw_sent, w_sent;     // handed to the target
    reg                  b_wait;              // both sent, waiting for B
    reg [ADDR_WIDTH-1:0] aw_addr;
    reg [2:0]            aw_prot;
    reg [TGT_BITS-1:0]   aw_tgt;
    reg [DATA_WIDTH-1:0] w_data;
    reg [STRB_WIDTH-1:0] w_strb;

    // read-side registers (the read logic is further down)
    reg                  ar_have, ar_sent;
    reg [ADDR_WIDTH-1:0] ar_addr;
    reg [2:0]            ar_prot;
    reg [TGT_BITS-1:0]   ar_tgt;

    wire [IDX_BITS-1:0] aw_i = aw_tgt[IDX_BITS-1:0];
    wire [IDX_BITS-1:0] ar_i = ar_tgt[IDX_BITS-1:0];
    wire w_idle = !b_wait && !s_axil_bvalid;
    assign s_axil_awready = w_idle && !aw_have;
    assign s_axil_wready  = w_idle && !w_have;
    wire both = aw_have && w_have;

    genvar g;
    generate
        for (g = 0; g < NUM_M; g = g + 1) begin : g_fan
            assign m_axil_awaddr[g*ADDR_WIDTH +: ADDR_WIDTH] = aw_addr;
            assign m_axil_awprot[g*3 +: 3]                   = aw_prot;
            assign m_axil_wdata[g*DATA_WIDTH +: DATA_WIDTH]  = w_data;
            assign m_axil_wstrb[g*STRB_WIDTH +: STRB_WIDTH]  = w_strb;
            assign m_axil_araddr[g*ADDR_WIDTH +: ADDR_WIDTH] = ar_addr;
            assign m_axil_arprot[g*3 +: 3]                   = ar_prot;
        end
    endgenerate

    wire is_dflt_w = (aw_tgt == DEFAULT_TGT);
    always @* begin
        m_axil_awvalid = {NUM_M{1'b0}};
        m_axil_wvalid  = {NUM_M{1'b0}};
        m_axil_bready  = {NUM_M{1'b0}};
        if (both && !is_dflt_w) begin
            m_axil_awvalid[aw_i] = !aw_sent;
            m_axil_wvalid[aw_i]  = !w_sent;
        end
        if (b_wait && !is_dflt_w)
            m_axil_bready[aw_i] = 1'b1;
    end

    wire aw_ack = is_dflt_w || m_axil_awready[aw_i];
    wire w_ack  = is_dflt_w || m_axil_wready[aw_i];

    always @(posedge clk) begin
        if (rst) begin
            aw_have <= 1'b0; w_have <= 1'b0; aw_sent <= 1'b0; w_sent <= 1'b0;
            b_wait <= 1'b0; s_axil_bvalid <= 1'b0; s_axil_bresp <= 2'b00;
            aw_tgt <= DEFAULT_TGT;
        end else begin
            if (s_axil_awvalid && s_axil_awready) begin
                aw_have <= 1'b1;
                aw_addr <= s_axil_awaddr - base_of(decode(s_axil_awaddr));
                aw_prot <= s_axil_awprot;
                aw_tgt  <= decode(s_axil_awaddr);
            end
            if (s_axil_wvalid && s_axil_wready) begin
                w_have <= 1'b1;
                w_data <= s_axil_wdata;
                w_strb <= s_axil_wstrb;
            end
            if (both && !b_wait && !s_axil_bvalid) begin
                if (!aw_sent && aw_ack) aw_sent <= 1'b1;
                if (!w_sent && w_ack)   w_sent  <= 1'b1;
                if ((aw_sent || aw_ack) && (w_sent || w_ack)) begin
                    b_wait <= 1'b1;
                end
            end
            if (b_wait) begin
                if (is_dflt_w) begin
                    b_wait <= 1'b0;
                    s_axil_bvalid <= 1'b1;
                    s_axil_bresp <= RESP_DECERR;
                end else if (m_axil_bvalid[aw_i]) begin
                    b_wait <= 1'b0;
                    s_axil_bvalid <= 1'b1;
                    s_axil_bresp <= m_axil_bresp[aw_i*2 +: 2];
                end
            end
            if (s_axil_bvalid && s_axil_bready) begin
                s_axil_bvalid <= 1'b0;
                aw_have <= 1'b0; w_have <= 1'b0; aw_sent <= 1'b0; w_sent <= 1'b0;
            end
        end
    end

    // ---------------- read ----------------
    wire is_dflt_r = (ar_tgt == DEFAULT_TGT);

    assign s_axil_arready = !ar_have;

    always @* begin
        m_axil_arvalid = {NUM_M{1'b0}};
        m_axil_rready  = {NUM_M{1'b0}};
        if (ar_have && !ar_sent && !is_dflt_r)
            m_axil_arvalid[ar_i] = 1'b1;
        if (ar_have && ar_sent && !s_axil_rvalid && !is_dflt_r)
            m_axil_rready[ar_i] = 1'b1;
    end

    always @(posedge clk) begin
        if (rst) begin
            ar_have <= 1'b0; ar_sent <= 1'b0; s_axil_rvalid <= 1'b0;
            s_axil_rresp <= 2'b00; s_axil_rdata <= {DATA_WIDTH{1'b0}};
            ar_tgt <= DEFAULT_TGT;
        end else begin
            if (s_axil_arvalid && s_axil_arready) begin
                ar_have <= 1'b1;
                ar_addr <= s_axil_araddr - base_of(decode(s_axil_araddr));
                ar_prot <= s_axil_arprot;
                ar_tgt  <= decode(s_axil_araddr);
            end
            if (ar_have && !ar_sent && (is_dflt_r || m_axil_arready[ar_i]))
                ar_sent <= 1'b1;
            if (ar_have && ar_sent && !s_axil_rvalid) begin
                if (is_dflt_r) begin
                    s_axil_rvalid <= 1'b1;
                    s_axil_rresp  <= RESP_DECERR;
                    s_axil_rdata  <= {DATA_WIDTH{1'b0}};
                end else if (m_axil_rvalid[ar_i]) begin
                    s_axil_rvalid <= 1'b1;
                    s_axil_rresp  <= m_axil_rresp[ar_i*2 +: 2];
                    s_axil_rdata  <= m_axil_rdata[ar_i*DATA_WIDTH +: DATA_WIDTH];
                end
            end
            if (s_axil_rvalid && s_axil_rready) begin
                s_axil_rvalid <= 1'b0;
                ar_have <= 1'b0;
                ar_sent <= 1'b0;
            end
        end
    end

endmodule

`default_nettype wire
