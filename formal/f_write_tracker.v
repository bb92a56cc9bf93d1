// f_write_tracker: the AXI4 write-transaction bookkeeping of one write port, kept by
// the formal harness and never by the DUT.
//
// Writes are numbered in AW order. Write n is complete once its AW and the last beat
// of the n-th W burst have both been handshaken (W may lead AW, A3.3.1). Per ID it
// counts complete writes and B handshakes; `b_allowed(id)` holds when a complete write
// of that ID still waits for its B. For the W channel it knows the length of the
// burst being written when that burst's AW has been handshaken or is being
// presented (w_len_known), and so whether the next beat must carry WLAST.
// IS_OUTPUT = 1: the DUT drives W/AW, and "WLAST on beat AWLEN+1 and on no other" and
// "no W beat for a write whose AW is not presented" are asserted; 0: assumed.
// The write numbers run modulo 2^CW; the harness bounds the depth well below that.
module f_write_tracker #(
    parameter IDW = 2,
    parameter QD = 4,          // writes whose AW is in but that are not complete
    parameter CW = 5,
    parameter IS_OUTPUT = 0
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    aw_valid,
    input  wire                    aw_fire,
    input  wire [IDW-1:0]          aw_id,
    input  wire [7:0]              aw_len,
    input  wire                    w_valid,
    input  wire                    w_fire,
    input  wire                    w_last,
    input  wire                    b_fire,
    input  wire [IDW-1:0]          b_id,
    output wire [(CW << IDW)-1:0]  done_flat,    // complete writes per ID
    output wire [(CW << IDW)-1:0]  bcnt_flat,    // B handshakes per ID
    output wire [CW-1:0]           aw_inflight,  // AWs in whose write is not complete
    output wire [CW-1:0]           n_aw,
    output wire [CW-1:0]           n_wdone
);
`ifdef FORMAL
    localparam NID = 1 << IDW;
    localparam QW = (QD > 1) ? $clog2(QD) : 1;
    reg [IDW-1:0] idq  [0:QD-1];
    reg [7:0]     lenq [0:QD-1];
    reg [CW-1:0]  aw_cnt, w_cnt, done_cnt;   // AWs, W bursts, complete writes
    reg [7:0]     beat;                      // beats of the current W burst so far
    reg [CW-1:0]  done_id [0:NID-1];
    reg [CW-1:0]  b_id_cnt [0:NID-1];
    integer i;

    assign n_aw = aw_cnt;
    assign n_wdone = w_cnt;
    assign aw_inflight = aw_cnt - done_cnt;
    genvar g;
    generate
        for (g = 0; g < NID; g = g + 1) begin : g_flat
            assign done_flat[g*CW +: CW] = done_id[g];
            assign bcnt_flat[g*CW +: CW] = b_id_cnt[g];
        end
    endgenerate

    // the burst the W channel is on: its AW is handshaken, or presented now
    wire         w_aw_in    = (w_cnt != aw_cnt);
    wire         w_len_known = w_aw_in || aw_valid;
    wire [7:0]   w_len      = w_aw_in ? lenq[w_cnt[QW-1:0]] : aw_len;
    wire         w_last_ok  = (w_last == (beat == w_len));

    wire [CW-1:0] aw_nxt = aw_cnt + {{(CW-1){1'b0}}, aw_fire};
    wire [CW-1:0] w_nxt  = w_cnt + {{(CW-1){1'b0}}, w_fire && w_last};
    // complete = min(AW count, W count); both count the same writes in order
    wire [CW-1:0] aw_lead = aw_nxt - done_cnt;
    wire [CW-1:0] w_lead  = w_nxt - done_cnt;
    wire          completes = (aw_lead != 0) && (w_lead != 0);
    wire [IDW-1:0] c_id = (done_cnt == aw_cnt) ? aw_id : idq[done_cnt[QW-1:0]];

    always @(posedge clk) begin
        if (rst) begin
            aw_cnt <= {CW{1'b0}};
            w_cnt <= {CW{1'b0}};
            done_cnt <= {CW{1'b0}};
            beat <= 8'd0;
            for (i = 0; i < NID; i = i + 1) begin
                done_id[i] <= {CW{1'b0}};
                b_id_cnt[i] <= {CW{1'b0}};
            end
        end else begin
            if (aw_fire) begin
                idq[aw_cnt[QW-1:0]] <= aw_id;
                lenq[aw_cnt[QW-1:0]] <= aw_len;
            end
            aw_cnt <= aw_nxt;
            w_cnt <= w_nxt;
            if (w_fire) beat <= w_last ? 8'd0 : beat + 8'd1;
            if (completes) begin
                done_cnt <= done_cnt + 1'b1;
                done_id[c_id] <= done_id[c_id] + 1'b1;
            end
            if (b_fire) b_id_cnt[b_id] <= b_id_cnt[b_id] + 1'b1;
        end
    end

    generate
        if (IS_OUTPUT != 0) begin : g_assert
            always @* if (!rst) begin
                if (w_valid) assert(w_len_known);
                if (w_valid && w_len_known) assert(w_last_ok);
            end
        end else begin : g_assume
            always @* if (!rst) begin
                if (w_valid) assume(w_len_known);
                if (w_valid && w_len_known) assume(w_last_ok);
            end
        end
    endgenerate
`endif
endmodule
