// smmu_xlate_core: the SMMU's stage-1 translation core, independent of how it is
// programmed (SMMUv2 registers today; an SMMUv3 stream-table front-end later).
//
// Each of two requesters (the write- and the read-address channel) presents, per
// transaction, a context: bank index (the TLB tag), ASID, TTBR0 base, T0SZ, IPS,
// EPD0, MAIR. The core answers with a combinational TLB lookup (smmu_tlb_array) and,
// on a miss, runs the requester's walk (smmu_ptw, starting from smmu_walk_cache);
// the walk fills the TLB and hands its leaf to the requester in the same clock, or
// returns a fault.
// Walk requests are arbitrated round robin. Invalidation commands reach TLB, walk
// cache and walker in the same cycle.
//
// Leaves out: stage 2 and nested translation (planned), hit-under-miss within one
// channel (a channel waits for its own walk; the other channel keeps hitting).
`include "smmu_defs.vh"

module smmu_xlate_core #(
    parameter TLB_ENTRIES = 32,
    parameter WALK_CACHE_ENTRIES = 8,
    parameter ID_WIDTH = 8
) (
    input  wire                clk,
    input  wire                rst,
    // requester A (write channel)
    input  wire [7:0]          a_cb,
    input  wire [15:0]         a_asid,
    input  wire [47:0]         a_va,
    output wire                a_hit,
    output wire [35:0]         a_pa,
    output wire [7:0]          a_attr,
    output wire [3:0]          a_perm,
    output wire [1:0]          a_level,
    output wire                a_fwd,       // a_hit comes from A's walk finishing now
    input  wire                a_wreq_valid,
    output wire                a_wreq_ready,
    input  wire [47:0]         a_ttbr,
    input  wire [5:0]          a_t0sz,
    input  wire [2:0]          a_ips,
    input  wire                a_epd0,
    input  wire [63:0]         a_mair,
    output wire                a_done,
    // requester B (read channel)
    input  wire [7:0]          b_cb,
    input  wire [15:0]         b_asid,
    input  wire [47:0]         b_va,
    output wire                b_hit,
    output wire [35:0]         b_pa,
    output wire [7:0]          b_attr,
    output wire [3:0]          b_perm,
    output wire [1:0]          b_level,
    output wire                b_fwd,
    input  wire                b_wreq_valid,
    output wire                b_wreq_ready,
    input  wire [47:0]         b_ttbr,
    input  wire [5:0]          b_t0sz,
    input  wire [2:0]          b_ips,
    input  wire                b_epd0,
    input  wire [63:0]         b_mair,
    output wire                b_done,
    // walk result (qualified by a_done / b_done)
    output wire                done_retry,
    output wire                done_fault,
    output wire [31:0]         done_fsr,
    output wire [1:0]          done_level,
    output wire                done_ptwf,
    // invalidation
    input  wire                inv_valid,
    input  wire [2:0]          inv_op,
    input  wire [7:0]          inv_cb,
    input  wire [15:0]         inv_asid,
    input  wire [35:0]         inv_va,
    output wire                busy_poisoned,
    // walker AXI4 read master
    output wire [ID_WIDTH-1:0] m_axi_ptw_arid,
    output wire [47:0]         m_axi_ptw_araddr,
    output wire [7:0]          m_axi_ptw_arlen,
    output wire [2:0]          m_axi_ptw_arsize,
    output wire [1:0]          m_axi_ptw_arburst,
    output wire                m_axi_ptw_arlock,
    output wire [3:0]          m_axi_ptw_arcache,
    output wire [2:0]          m_axi_ptw_arprot,
    output wire                m_axi_ptw_arvalid,
    input  wire                m_axi_ptw_arready,
    input  wire [ID_WIDTH-1:0] m_axi_ptw_rid,
    input  wire [63:0]         m_axi_ptw_rdata,
    input  wire [1:0]          m_axi_ptw_rresp,
    input  wire                m_axi_ptw_rlast,
    input  wire                m_axi_ptw_rvalid,
    output wire                m_axi_ptw_rready
);
    // ---------------------------------------------------------------- walk arbitration
    wire rq_ready;
    reg  prio_b;            // B wins a tie next time
    reg  owner_b;           // the walk in flight belongs to B
    wire grant_b = b_wreq_valid && (!a_wreq_valid || prio_b);
    wire grant_a = a_wreq_valid && !grant_b;
    assign a_wreq_ready = rq_ready && grant_a;
    assign b_wreq_ready = rq_ready && grant_b;
    wire done;
    assign a_done = done && !owner_b;
    assign b_done = done && owner_b;

    always @(posedge clk) begin
        if (rst) begin
            prio_b <= 1'b0;
            owner_b <= 1'b0;
        end else if (rq_ready && (grant_a || grant_b)) begin
            owner_b <= grant_b;
            prio_b <= !grant_b;
        end
    end

    wire [7:0]  rq_cb   = grant_b ? b_cb : a_cb;
    wire [15:0] rq_asid = grant_b ? b_asid : a_asid;
    wire [47:0] rq_va   = grant_b ? b_va : a_va;

    // ---------------------------------------------------------------- TLB
    // A requester sees its lookup port, or, in the clock its walk's leaf arrives,
    // the walker's result itself (the same data the TLB is filled with then): the
    // waiting transaction goes on without a second lookup.
    wire        t_a_hit, t_b_hit;
    wire [35:0] t_a_pa, t_b_pa;
    wire [7:0]  t_a_attr, t_b_attr;
    wire [3:0]  t_a_perm, t_b_perm;
    wire [1:0]  t_a_level, t_b_level;
    wire        f_valid, f_ng;
    wire [7:0]  f_cb, f_attr;
    wire [15:0] f_asid;
    wire [35:0] f_va, f_pa;
    wire [1:0]  f_level;
    wire [3:0]  f_perm;
    smmu_tlb_array #(.ENTRIES(TLB_ENTRIES)) u_tlb (
        .clk(clk), .rst(rst),
        .a_cb(a_cb), .a_asid(a_asid), .a_va(a_va[47:12]),
        .a_hit(t_a_hit), .a_pa(t_a_pa), .a_attr(t_a_attr), .a_perm(t_a_perm), .a_level(t_a_level),
        .b_cb(b_cb), .b_asid(b_asid), .b_va(b_va[47:12]),
        .b_hit(t_b_hit), .b_pa(t_b_pa), .b_attr(t_b_attr), .b_perm(t_b_perm), .b_level(t_b_level),
        .f_valid(f_valid), .f_cb(f_cb), .f_asid(f_asid), .f_ng(f_ng), .f_va(f_va),
        .f_level(f_level), .f_pa(f_pa), .f_attr(f_attr), .f_perm(f_perm),
        .inv_valid(inv_valid), .inv_op(inv_op), .inv_cb(inv_cb), .inv_asid(inv_asid),
        .inv_va(inv_va));

    assign a_fwd = f_valid && !owner_b;
    assign b_fwd = f_valid && owner_b;
    wire [35:0] f_keep = (f_level == 2'd1) ? {{18{1'b1}}, 18'd0} :
                         (f_level == 2'd2) ? {{27{1'b1}}, 9'd0} : {36{1'b1}};
    assign a_hit   = t_a_hit || a_fwd;
    assign a_pa    = a_fwd ? ((f_pa & f_keep) | (a_va[47:12] & ~f_keep)) : t_a_pa;
    assign a_attr  = a_fwd ? f_attr : t_a_attr;
    assign a_perm  = a_fwd ? f_perm : t_a_perm;
    assign a_level = a_fwd ? f_level : t_a_level;
    assign b_hit   = t_b_hit || b_fwd;
    assign b_pa    = b_fwd ? ((f_pa & f_keep) | (b_va[47:12] & ~f_keep)) : t_b_pa;
    assign b_attr  = b_fwd ? f_attr : t_b_attr;
    assign b_perm  = b_fwd ? f_perm : t_b_perm;
    assign b_level = b_fwd ? f_level : t_b_level;

    // ---------------------------------------------------------------- walk cache
    wire        wc_hit, wc_p_valid;
    wire [1:0]  wc_lvl, wc_p_lvl;
    wire [35:0] wc_table, wc_p_va, wc_p_table;
    wire [3:0]  wc_hattr, wc_p_hattr;
    wire [7:0]  wc_p_cb;
    wire [15:0] wc_p_asid;
    smmu_walk_cache #(.ENTRIES(WALK_CACHE_ENTRIES)) u_wc (
        .clk(clk), .rst(rst),
        .l_cb(rq_cb), .l_asid(rq_asid), .l_va(rq_va[47:12]),
        .l_hit(wc_hit), .l_lvl(wc_lvl), .l_table(wc_table), .l_hattr(wc_hattr),
        .p_valid(wc_p_valid), .p_cb(wc_p_cb), .p_asid(wc_p_asid), .p_lvl(wc_p_lvl),
        .p_va(wc_p_va), .p_table(wc_p_table), .p_hattr(wc_p_hattr),
        .inv_valid(inv_valid), .inv_op(inv_op), .inv_cb(inv_cb), .inv_asid(inv_asid),
        .inv_va(inv_va));

    // ---------------------------------------------------------------- walker
    smmu_ptw #(.ID_WIDTH(ID_WIDTH)) u_ptw (
        .clk(clk), .rst(rst),
        .rq_valid(a_wreq_valid || b_wreq_valid), .rq_ready(rq_ready),
        .rq_cb(rq_cb), .rq_asid(rq_asid),
        .rq_ttbr(grant_b ? b_ttbr : a_ttbr), .rq_t0sz(grant_b ? b_t0sz : a_t0sz),
        .rq_ips(grant_b ? b_ips : a_ips), .rq_epd0(grant_b ? b_epd0 : a_epd0),
        .rq_mair(grant_b ? b_mair : a_mair), .rq_va(rq_va),
        .wc_hit(wc_hit), .wc_lvl(wc_lvl), .wc_table(wc_table), .wc_hattr(wc_hattr),
        .wc_p_valid(wc_p_valid), .wc_p_cb(wc_p_cb), .wc_p_asid(wc_p_asid),
        .wc_p_lvl(wc_p_lvl), .wc_p_va(wc_p_va), .wc_p_table(wc_p_table),
        .wc_p_hattr(wc_p_hattr),
        .f_valid(f_valid), .f_cb(f_cb), .f_asid(f_asid), .f_ng(f_ng), .f_va(f_va),
        .f_level(f_level), .f_pa(f_pa), .f_attr(f_attr), .f_perm(f_perm),
        .done(done), .done_retry(done_retry), .done_fault(done_fault),
        .done_fsr(done_fsr), .done_level(done_level), .done_ptwf(done_ptwf),
        .inv_valid(inv_valid), .busy_poisoned(busy_poisoned),
        .m_axi_ptw_arid(m_axi_ptw_arid), .m_axi_ptw_araddr(m_axi_ptw_araddr),
        .m_axi_ptw_arlen(m_axi_ptw_arlen), .m_axi_ptw_arsize(m_axi_ptw_arsize),
        .m_axi_ptw_arburst(m_axi_ptw_arburst), .m_axi_ptw_arlock(m_axi_ptw_arlock),
        .m_axi_ptw_arcache(m_axi_ptw_arcache), .m_axi_ptw_arprot(m_axi_ptw_arprot),
        .m_axi_ptw_arvalid(m_axi_ptw_arvalid), .m_axi_ptw_arready(m_axi_ptw_arready),
        .m_axi_ptw_rid(m_axi_ptw_rid), .m_axi_ptw_rdata(m_axi_ptw_rdata),
        .m_axi_ptw_rresp(m_axi_ptw_rresp), .m_axi_ptw_rlast(m_axi_ptw_rlast),
        .m_axi_ptw_rvalid(m_axi_ptw_rvalid), .m_axi_ptw_rready(m_axi_ptw_rready));
endmodule
