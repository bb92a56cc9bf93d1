// smmu_v3_evtq: SMMUv3 event queue producer.
//
// Follows ARM IHI 0070 3.5 / 7.2 / 7.4: a 32-byte event record is written (one
// 4-beat burst on the write master) at EVENTQ_BASE + PROD * 32, then PROD advances
// (with wrap) and the wired event interrupt pulses if IRQ_CTRL.EVENTQ_IRQEN. With
// CR0.EVENTQEN = 0 a record is discarded. With the queue full the record is
// discarded and EVENTQ_PROD.OVFLG is made to differ from EVENTQ_CONS.OVACKFLG
// (overflow). A write error (BRESP SLVERR/DECERR) loses the record and activates
// GERROR.EVENTQ_ABT_ERR.
//
// Leaves out: MSI for the event queue (IDR0.MSI = 0), event merging (every record
// is written: STE.MEV is not needed).
`include "smmuv3_defs.vh"

module smmu_v3_evtq (
    input  wire         clk,
    input  wire         rst,
    input  wire         eventqen,
    input  wire [63:0]  eventq_base,
    input  wire [31:0]  eventq_cons,
    output wire [31:0]  eventq_prod,
    input  wire         prod_wr,            // software write of EVENTQ_PROD
    input  wire [31:0]  prod_wdata,
    // records
    input  wire         rec_valid,
    output wire         rec_ready,
    input  wire [255:0] rec_data,
    // write master (single outstanding burst)
    output wire         aw_valid,
    input  wire         aw_ready,
    output wire [47:0]  aw_addr,
    output wire [7:0]   aw_len,
    output wire         w_valid,
    input  wire         w_ready,
    output wire [63:0]  w_data,
    output wire         w_last,
    input  wire         b_valid,
    output wire         b_ready,
    input  wire [1:0]   b_resp,
    output reg          irq_event,          // a record became visible (before IRQEN)
    output reg          set_abt,
    output wire         idle
);
    localparam [1:0] S_IDLE = 2'd0, S_AW = 2'd1, S_W = 2'd2, S_B = 2'd3;
    reg [1:0]   state;
    reg [19:0]  prod;
    reg         ovflg;
    reg [255:0] rec;
    reg [1:0]   beat;

    wire [4:0]  log2size = eventq_base[`SMMUV3_Q_BASE_LOG2SIZE_SHIFT +: 5];
    wire [19:0] qmask = ~(20'hfffff << log2size);
    wire [19:0] wmask = ~(20'hffffe << log2size);
    wire [47:0] qbase = {eventq_base[47:5], 5'd0};
    wire        ovackflg = eventq_cons[`SMMUV3_Q_OVFLG_BIT];
    wire [19:0] cons = eventq_cons[19:0];
    wire unused = &{1'b0, eventq_base[63:48], eventq_cons[30:20], prod_wdata[30:20], b_resp[0]};
    // full: same index, different wrap
    wire full = ((prod ^ cons) & wmask) == (wmask & ~qmask);

    assign eventq_prod = {ovflg, 11'd0, prod};
    assign idle = (state == S_IDLE) && !rec_valid;
    assign rec_ready = (state == S_IDLE);
    assign aw_valid = (state == S_AW);
    assign aw_addr = qbase + {23'd0, prod & qmask, 5'd0};
    assign aw_len = 8'd3;
    assign w_valid = (state == S_W);
    assign w_data = rec[{beat, 6'd0} +: 64];
    assign w_last = (beat == 2'd3);
    assign b_ready = (state == S_B);

    always @(posedge clk) begin
        irq_event <= 1'b0;
        set_abt <= 1'b0;
        if (rst) begin
            state <= S_IDLE;
            prod <= 20'd0; ovflg <= 1'b0; rec <= 256'd0; beat <= 2'd0;
        end else begin
            case (state)
                S_IDLE: begin
                    if (prod_wr && !eventqen)
                        {ovflg, prod} <= {prod_wdata[`SMMUV3_Q_OVFLG_BIT], prod_wdata[19:0]};
                    if (rec_valid && eventqen) begin
                        if (full) begin
                            if (ovflg == ovackflg)
                                ovflg <= !ovflg;
                        end else begin
                            rec <= rec_data;
                            state <= S_AW;
                        end
                    end
                end
                S_AW: if (aw_ready) begin
                    state <= S_W;
                    beat <= 2'd0;
                end
                S_W: if (w_ready) begin
                    beat <= beat + 2'd1;
                    if (w_last) state <= S_B;
                end
                default: if (b_valid) begin
                    state <= S_IDLE;
                    if (b_resp[1]) begin
                        set_abt <= 1'b1;
                    end else begin
                        prod <= (prod + 20'd1) & wmask;
                        irq_event <= 1'b1;
                    end
                end
            endcase
        end
    end
endmodule
