// smmu_wr_resp: write data and write response side of the SMMU data path.
//
// Routes upstream W beats in the order their AW was accepted (AXI4 has no write
// interleaving): beats of a forwarded write go downstream from the clock its
// translated AW is presented there (not waiting for AWREADY: a master must not,
// AMBA AXI4 A3.3.1); beats of a faulting write are absorbed.
// Merges downstream B responses with the local response of a terminated write,
// which waits until its data has been absorbed and every earlier forwarded write
// has had its response, so responses stay in order (AMBA AXI4 A6 ordering). While
// a terminated write waits, the address channel accepts nothing new.
//
// Leaves out: WUSER/BUSER (not on the port), more than one terminated write in flight.
`include "smmu_defs.vh"

module smmu_wr_resp #(
    parameter ID_WIDTH = 8,
    parameter WQ_DEPTH = 8,
    parameter CNT_WIDTH = 16
) (
    input  wire                clk,
    input  wire                rst,
    // accepted AWs, in order
    input  wire                acc_valid,
    input  wire                acc_fault,
    input  wire [ID_WIDTH-1:0] acc_id,
    input  wire [1:0]          acc_resp,
    output wire                acc_ready,
    // upstream W / B
    input  wire [63:0]         s_wdata,
    input  wire [7:0]          s_wstrb,
    input  wire                s_wlast,
    input  wire                s_wvalid,
    output wire                s_wready,
    output wire [ID_WIDTH-1:0] s_bid,
    output wire [1:0]          s_bresp,
    output wire                s_bvalid,
    input  wire                s_bready,
    // downstream W / B
    output wire [63:0]         m_wdata,
    output wire [7:0]          m_wstrb,
    output wire                m_wlast,
    output wire                m_wvalid,
    input  wire                m_wready,
    input  wire [ID_WIDTH-1:0] m_bid,
    input  wire [1:0]          m_bresp,
    input  wire                m_bvalid,
    output wire                m_bready
);
    localparam QW = (WQ_DEPTH > 1) ? $clog2(WQ_DEPTH) : 1;

    // W routing queue: one bit per accepted AW, 1 = absorb its data
    reg [WQ_DEPTH-1:0] wq;
    reg [QW-1:0]       wq_rd, wq_wr;
    reg [QW:0]         wq_count;
    reg [CNT_WIDTH-1:0] outstanding;   // forwarded writes without a response yet
    reg                f_valid, f_absorbed;
    reg [ID_WIDTH-1:0] f_id;
    reg [1:0]          f_resp;

    wire head_valid = (wq_count != 0);
    wire head_drop  = wq[wq_rd];
    wire can_fwd    = head_valid && !head_drop;
    assign m_wdata  = s_wdata;
    assign m_wstrb  = s_wstrb;
    assign m_wlast  = s_wlast;
    assign m_wvalid = s_wvalid && can_fwd;
    assign s_wready = head_valid && (head_drop || m_wready);
    wire w_fire = s_wvalid && s_wready;
    wire w_done = w_fire && s_wlast;

    assign acc_ready = !f_valid && (wq_count != WQ_DEPTH[QW:0]);
    wire push = acc_valid;

    wire fault_send = f_valid && f_absorbed && (outstanding == 0);
    assign s_bvalid = fault_send || m_bvalid;
    assign s_bid    = fault_send ? f_id : m_bid;
    assign s_bresp  = fault_send ? f_resp : m_bresp;
    assign m_bready = !fault_send && s_bready;
    wire mb_fire = m_bvalid && m_bready;

    always @(posedge clk) begin
        if (rst) begin
            wq <= {WQ_DEPTH{1'b0}};
            wq_rd <= {QW{1'b0}};
            wq_wr <= {QW{1'b0}};
            wq_count <= {(QW+1){1'b0}};
            outstanding <= {CNT_WIDTH{1'b0}};
            f_valid <= 1'b0;
            f_absorbed <= 1'b0;
            f_id <= {ID_WIDTH{1'b0}};
            f_resp <= 2'd0;
        end else begin
            if (push) begin
                wq[wq_wr] <= acc_fault;
                wq_wr <= wq_wr + 1'b1;
            end
            if (w_done)
                wq_rd <= wq_rd + 1'b1;
            wq_count <= wq_count + {{QW{1'b0}}, push} - {{QW{1'b0}}, w_done};
            outstanding <= outstanding + {{(CNT_WIDTH-1){1'b0}}, push && !acc_fault}
                                       - {{(CNT_WIDTH-1){1'b0}}, mb_fire};
            if (push && acc_fault) begin
                f_valid <= 1'b1;
                f_absorbed <= 1'b0;
                f_id <= acc_id;
                f_resp <= acc_resp;
            end
            if (w_done && head_drop)
                f_absorbed <= 1'b1;
            if (fault_send && s_bready)
                f_valid <= 1'b0;
        end
    end
endmodule
