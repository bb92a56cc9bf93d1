// smmu_rd_resp: read response side of the SMMU data path.
//
// Passes downstream R beats upstream, and answers a terminated read itself with
// ARLEN+1 beats of zero data, the fault response (SLVERR, or OKAY when reporting is
// disabled) and RLAST on the last, once every earlier forwarded read has finished,
// so responses stay in order (AMBA AXI4 A6 ordering). While a terminated read
// waits or streams, the address channel accepts nothing new.
//
// Leaves out: RUSER (not on the port), more than one terminated read in flight.
`include "smmu_defs.vh"

module smmu_rd_resp #(
    parameter ID_WIDTH = 8,
    parameter CNT_WIDTH = 16
) (
    input  wire                clk,
    input  wire                rst,
    input  wire                acc_valid,
    input  wire                acc_fault,
    input  wire [ID_WIDTH-1:0] acc_id,
    input  wire [7:0]          acc_len,
    input  wire [1:0]          acc_resp,
    output wire                acc_ready,
    // upstream R
    output wire [ID_WIDTH-1:0] s_rid,
    output wire [63:0]         s_rdata,
    output wire [1:0]          s_rresp,
    output wire                s_rlast,
    output wire                s_rvalid,
    input  wire                s_rready,
    // downstream R
    input  wire [ID_WIDTH-1:0] m_rid,
    input  wire [63:0]         m_rdata,
    input  wire [1:0]          m_rresp,
    input  wire                m_rlast,
    input  wire                m_rvalid,
    output wire                m_rready
);
    reg [CNT_WIDTH-1:0] outstanding;   // forwarded reads without their last beat
    reg                 f_valid;
    reg [ID_WIDTH-1:0]  f_id;
    reg [7:0]           f_len, f_beat;
    reg [1:0]           f_resp;

    assign acc_ready = !f_valid;
    wire fault_send = f_valid && (outstanding == 0);
    assign s_rvalid = fault_send || m_rvalid;
    assign s_rid    = fault_send ? f_id : m_rid;
    assign s_rdata  = fault_send ? 64'd0 : m_rdata;
    assign s_rresp  = fault_send ? f_resp : m_rresp;
    assign s_rlast  = fault_send ? (f_beat == f_len) : m_rlast;
    assign m_rready = !fault_send && s_rready;
    wire mr_last = m_rvalid && m_rready && m_rlast;

    always @(posedge clk) begin
        if (rst) begin
            outstanding <= {CNT_WIDTH{1'b0}};
            f_valid <= 1'b0;
            f_id <= {ID_WIDTH{1'b0}};
            f_len <= 8'd0;
            f_beat <= 8'd0;
            f_resp <= 2'd0;
        end else begin
            outstanding <= outstanding + {{(CNT_WIDTH-1){1'b0}}, acc_valid && !acc_fault}
                                       - {{(CNT_WIDTH-1){1'b0}}, mr_last};
            if (acc_valid && acc_fault) begin
                f_valid <= 1'b1;
                f_id <= acc_id;
                f_len <= acc_len;
                f_beat <= 8'd0;
                f_resp <= acc_resp;
            end else if (fault_send && s_rready) begin
                f_beat <= f_beat + 8'd1;
                if (f_beat == f_len)
                    f_valid <= 1'b0;
            end
        end
    end
endmodule
