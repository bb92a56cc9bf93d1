// smmu_ptw_formal: formal harness around smmu_ptw (hdl/, as is), the walker whose
// read address channel is smmu_tlb's m_axi_ptw AR port (wired through
// smmu_xlate_core unchanged). Every input is free in every cycle (requests, walk
// cache, invalidations, ARREADY, R beats and descriptors): the AR channel keeps VALID
// and payload until ARREADY and is idle after reset.
module smmu_ptw_formal (
    input wire clk
);
    localparam IDW = 2;
    reg rst = 1'b1;
    always @(posedge clk) rst <= 1'b0;

    wire        rq_valid = $anyseq;
    wire [7:0]  rq_cb    = $anyseq;
    wire [15:0] rq_asid  = $anyseq;
    wire [47:0] rq_ttbr  = $anyseq;
    wire [5:0]  rq_t0sz  = $anyseq;
    wire [2:0]  rq_ips   = $anyseq;
    wire        rq_epd0  = $anyseq;
    wire [63:0] rq_mair  = $anyseq;
    wire [47:0] rq_va    = $anyseq;
    wire        wc_hit   = $anyseq;
    wire [1:0]  wc_lvl   = $anyseq;
    wire [35:0] wc_table = $anyseq;
    wire [3:0]  wc_hattr = $anyseq;
    wire        inv_valid = $anyseq;
    wire        arready  = $anyseq;
    wire [IDW-1:0] rid   = $anyseq;
    wire        rlast    = $anyseq;
    wire [63:0] rdata    = $anyseq;
    wire [1:0]  rresp    = $anyseq;
    wire        rvalid   = $anyseq;

    wire        rq_ready, wc_p_valid, f_valid, f_ng, busy_poisoned;
    wire [7:0]  wc_p_cb, f_cb, f_attr;
    wire [15:0] wc_p_asid, f_asid;
    wire [1:0]  wc_p_lvl, f_level;
    wire [35:0] wc_p_va, wc_p_table, f_va, f_pa;
    wire [3:0]  wc_p_hattr, f_perm;
    wire        done, done_retry, done_fault, done_ptwf;
    wire [31:0] done_fsr;
    wire [1:0]  done_level;
    wire [IDW-1:0] arid;
    wire [47:0] araddr;
    wire [7:0]  arlen;
    wire [2:0]  arsize, arprot;
    wire [1:0]  arburst;
    wire        arlock, arvalid, rready;
    wire [3:0]  arcache;

    smmu_ptw #(.ID_WIDTH(IDW)) dut (
        .clk(clk), .rst(rst),
        .rq_valid(rq_valid), .rq_ready(rq_ready), .rq_cb(rq_cb), .rq_asid(rq_asid),
        .rq_ttbr(rq_ttbr), .rq_t0sz(rq_t0sz), .rq_ips(rq_ips), .rq_epd0(rq_epd0),
        .rq_mair(rq_mair), .rq_va(rq_va),
        .wc_hit(wc_hit), .wc_lvl(wc_lvl), .wc_table(wc_table), .wc_hattr(wc_hattr),
        .wc_p_valid(wc_p_valid), .wc_p_cb(wc_p_cb), .wc_p_asid(wc_p_asid),
        .wc_p_lvl(wc_p_lvl), .wc_p_va(wc_p_va), .wc_p_table(wc_p_table),
        .wc_p_hattr(wc_p_hattr),
        .f_valid(f_valid), .f_cb(f_cb), .f_asid(f_asid), .f_ng(f_ng), .f_va(f_va),
        .f_level(f_level), .f_pa(f_pa), .f_attr(f_attr), .f_perm(f_perm),
        .done(done), .done_retry(done_retry), .done_fault(done_fault),
        .done_fsr(done_fsr), .done_level(done_level), .done_ptwf(done_ptwf),
        .inv_valid(inv_valid), .busy_poisoned(busy_poisoned),
        .m_axi_ptw_arid(arid), .m_axi_ptw_araddr(araddr), .m_axi_ptw_arlen(arlen),
        .m_axi_ptw_arsize(arsize), .m_axi_ptw_arburst(arburst),
        .m_axi_ptw_arlock(arlock), .m_axi_ptw_arcache(arcache),
        .m_axi_ptw_arprot(arprot), .m_axi_ptw_arvalid(arvalid),
        .m_axi_ptw_arready(arready), .m_axi_ptw_rid(rid), .m_axi_ptw_rlast(rlast),
        .m_axi_ptw_rdata(rdata), .m_axi_ptw_rresp(rresp), .m_axi_ptw_rvalid(rvalid),
        .m_axi_ptw_rready(rready));

    f_valid_ready #(.W(IDW + 48 + 8 + 3 + 2 + 1 + 4 + 3)) chk_ar (clk, rst,
        arvalid, arready, {arid, araddr, arlen, arsize, arburst, arlock, arcache, arprot});
endmodule
