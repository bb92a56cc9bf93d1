// smmu_wr_resp_formal: formal harness around smmu_wr_resp (hdl/, as is), the unit
// that drives smmu_tlb's m_axi W port (beats of forwarded writes) and its upstream
// B channel (downstream responses merged with those of terminated writes).
// Environment: accepted AWs arrive as smmu_xlate_chan hands them over (acc_valid only
// with acc_ready, acc_fault = terminated); the upstream master keeps the W source
// rule with WLAST on beat AWLEN+1 (bursts of up to 2 beats); the downstream slave
// answers B only for a forwarded write whose last beat it took (per ID).
//   F_PROOF_STABLE  m_axi W and upstream B keep VALID and payload until READY; no
//                   upstream B unless an accepted write (AW and last W) of that ID
//                   is still without one (so never more B than writes, per ID).
//   F_PROOF_BLIVE   the same safety, and with BREADY high upstream, WREADY high and a
//                   downstream B at most F_DN_B_DELAY cycles after it is due, every
//                   accepted write has its B within F_B_BOUND cycles.
module smmu_wr_resp_formal (
    input wire clk
);
    localparam IDW = 1, NID = 1 << IDW, CW = 4, QD = 2;
`ifndef F_DN_B_DELAY
    `define F_DN_B_DELAY 1
`endif
`ifndef F_B_BOUND
    `define F_B_BOUND 4
`endif

    reg rst = 1'b1;
    always @(posedge clk) rst <= 1'b0;

    wire            acc_valid = $anyseq;
    wire            acc_fault = $anyseq;
    wire [IDW-1:0]  acc_id    = $anyseq;
    wire [1:0]      acc_resp  = $anyseq;
    wire [7:0]      acc_len   = $anyseq;    // the AW's AWLEN (W bursts follow it)
    wire [63:0]     s_wdata   = $anyseq;
    wire [7:0]      s_wstrb   = $anyseq;
    wire            s_wlast   = $anyseq;
    wire            s_wvalid  = $anyseq;
    wire            s_bready  = $anyseq;
    wire            m_wready  = $anyseq;
    wire [IDW-1:0]  m_bid     = $anyseq;
    wire [1:0]      m_bresp   = $anyseq;
    wire            m_bvalid  = $anyseq;
    wire            acc_ready, s_wready, s_bvalid, m_wvalid, m_wlast, m_bready;
    wire [IDW-1:0]  s_bid;
    wire [1:0]      s_bresp;
    wire [63:0]     m_wdata;
    wire [7:0]      m_wstrb;

    smmu_wr_resp #(.ID_WIDTH(IDW), .WQ_DEPTH(4), .CNT_WIDTH(4)) dut (
        .clk(clk), .rst(rst),
        .acc_valid(acc_valid), .acc_fault(acc_fault), .acc_id(acc_id),
        .acc_resp(acc_resp), .acc_ready(acc_ready),
        .s_wdata(s_wdata), .s_wstrb(s_wstrb), .s_wlast(s_wlast), .s_wvalid(s_wvalid),
        .s_wready(s_wready), .s_bid(s_bid), .s_bresp(s_bresp), .s_bvalid(s_bvalid),
        .s_bready(s_bready),
        .m_wdata(m_wdata), .m_wstrb(m_wstrb), .m_wlast(m_wlast), .m_wvalid(m_wvalid),
        .m_wready(m_wready), .m_bid(m_bid), .m_bresp(m_bresp), .m_bvalid(m_bvalid),
        .m_bready(m_bready));

    // ---------------------------------------------------------------- environment
    wire acc_fire = acc_valid;          // smmu_xlate_chan: acc_valid = the AW handshake
    wire s_w_fire = s_wvalid && s_wready;
    wire s_b_fire = s_bvalid && s_bready;
    wire m_w_fire = m_wvalid && m_wready;
    wire m_b_fire = m_bvalid && m_bready;
    always @* if (!rst) begin
        if (acc_valid) assume(acc_ready && acc_len <= 8'd1);
    end
    f_valid_ready #(.W(64 + 8 + 1), .IS_OUTPUT(0)) env_s_w (clk, rst,
        s_wvalid, s_wready, {s_wdata, s_wstrb, s_wlast});
    f_valid_ready #(.W(IDW + 2), .IS_OUTPUT(0)) env_m_b (clk, rst,
        m_bvalid, m_bready, {m_bid, m_bresp});

    // upstream: accepted writes (AW = acc, W = s_w), per ID
    wire [(CW << IDW)-1:0] up_done, up_bcnt;
    wire [CW-1:0] up_inflight, up_naw, up_nw;
    f_write_tracker #(.IDW(IDW), .QD(QD), .CW(CW), .IS_OUTPUT(0)) up_wr (
        .clk(clk), .rst(rst), .aw_valid(acc_valid), .aw_fire(acc_fire), .aw_id(acc_id),
        .aw_len(acc_len), .w_valid(s_wvalid), .w_fire(s_w_fire), .w_last(s_wlast),
        .b_fire(s_b_fire), .b_id(s_bid), .done_flat(up_done), .bcnt_flat(up_bcnt),
        .aw_inflight(up_inflight), .n_aw(up_naw), .n_wdone(up_nw));
    always @* if (!rst && acc_valid) assume(up_inflight < QD - 1);

    // downstream: forwarded writes (their AW leaves at acceptance; the slave sees the
    // last beat on m_w), B only for one complete there
    wire [(CW << IDW)-1:0] dn_done, dn_bcnt;
    wire [CW-1:0] dn_inflight, dn_naw, dn_nw;
    f_write_tracker #(.IDW(IDW), .QD(8), .CW(CW), .IS_OUTPUT(1)) dn_wr (
        .clk(clk), .rst(rst), .aw_valid(acc_valid && !acc_fault),
        .aw_fire(acc_fire && !acc_fault), .aw_id(acc_id), .aw_len(acc_len),
        .w_valid(m_wvalid), .w_fire(m_w_fire), .w_last(m_wlast), .b_fire(m_b_fire),
        .b_id(m_bid), .done_flat(dn_done), .bcnt_flat(dn_bcnt),
        .aw_inflight(dn_inflight), .n_aw(dn_naw), .n_wdone(dn_nw));
    wire [CW-1:0] dn_pending_b = dn_done[m_bid*CW +: CW] - dn_bcnt[m_bid*CW +: CW];
    always @* if (!rst && m_bvalid) assume(dn_pending_b != {CW{1'b0}});

    // ---------------------------------------------------------------- properties
    f_valid_ready #(.W(64 + 8 + 1)) chk_m_w (clk, rst,
        m_wvalid, m_wready, {m_wdata, m_wstrb, m_wlast});
    f_valid_ready #(.W(IDW + 2)) chk_s_b (clk, rst, s_bvalid, s_bready, {s_bid, s_bresp});
    // no B unless an accepted write of that ID still waits for one
    wire [CW-1:0] up_pending_b = up_done[s_bid*CW +: CW] - up_bcnt[s_bid*CW +: CW];
    always @* if (!rst && s_bvalid) assert(up_pending_b != {CW{1'b0}});

`ifdef F_PROOF_BLIVE
    reg [3:0] dn_age = 4'd0;
    reg       dn_any;
    integer   k;
    always @* begin
        dn_any = 1'b0;
        for (k = 0; k < NID; k = k + 1)
            if (dn_done[k*CW +: CW] != dn_bcnt[k*CW +: CW]) dn_any = 1'b1;
    end
    always @(posedge clk)
        if (rst || !dn_any || m_b_fire) dn_age <= 4'd0;
        else if (dn_age != 4'hf) dn_age <= dn_age + 4'd1;
    always @* if (!rst) begin
        assume(s_bready && m_wready);
        if (dn_age >= `F_DN_B_DELAY) assume(m_bvalid);
    end
    // while an ID has an accepted write without B, a B for it comes within F_B_BOUND
    genvar gi;
    generate
        for (gi = 0; gi < NID; gi = gi + 1) begin : g_live
            reg [4:0] age = 5'd0;
            wire waiting = (up_done[gi*CW +: CW] != up_bcnt[gi*CW +: CW]);
            wire served  = s_b_fire && (s_bid == gi);
            always @(posedge clk)
                if (rst || !waiting || served) age <= 5'd0;
                else if (age != 5'h1f) age <= age + 5'd1;
            always @* if (!rst) assert(age < `F_B_BOUND);
        end
    endgenerate
`endif
endmodule
