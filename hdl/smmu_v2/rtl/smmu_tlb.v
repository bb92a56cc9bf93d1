// smmu_tlb: SMMUv2-style (MMU-500 lines) stage-1 System MMU between DMA masters and
// memory: top level of the SMMU block.
//
// Programming front-end: smmu_v2_regs (SMMUv2 global / stream-mapping / context-bank
// registers as Linux drivers/iommu/arm-smmu.c v4.9 programs them) on an AXI4-Lite
// port of 128 KiB. Translation core: smmu_xlate_core (TLB, walk cache, stage-1
// walker on its own AXI4 read master), fed a context per transaction, so a later
// SMMUv3 front-end can drive the same core. Data path: smmu_xlate_chan for AW and
// AR (stream match, lookup, permission check, output register), smmu_wr_resp and
// smmu_rd_resp (W routing, response merging, termination of faulting transactions).
// The StreamID travels on AxUSER in both directions of the block.
//
// Follows: ARM SMMU architecture v2 (IHI 0062) programming model, VMSAv8-64 stage-1
// translation (ARM ARM D5), AMBA AXI4 (IHI 0022). docs/smmu.md lists what it leaves
// out and every departure (stage 2, stall mode, secure state, ATS operations...).
`include "smmu_defs.vh"

module smmu_tlb #(
    parameter NUM_CB = 8,
    parameter NUM_SMRG = 16,
    parameter TLB_ENTRIES = 32,
    parameter WALK_CACHE_ENTRIES = 8,
    parameter ID_WIDTH = 8,
    parameter SID_WIDTH = 16,
    parameter ADDR_WIDTH = 48,
    parameter AXIL_DATA_WIDTH = 32          // register port: 32, or 64 for 64-bit accesses
) (
    input  wire clk,
    input  wire rst,
    // ---------------------------------------------------------------- registers
    input  wire [16:0] s_axil_awaddr,
    input  wire [2:0]  s_axil_awprot,
    input  wire        s_axil_awvalid,
    output wire        s_axil_awready,
    input  wire [AXIL_DATA_WIDTH-1:0]   s_axil_wdata,
    input  wire [AXIL_DATA_WIDTH/8-1:0] s_axil_wstrb,
    input  wire        s_axil_wvalid,
    output wire        s_axil_wready,
    output wire [1:0]  s_axil_bresp,
    output wire        s_axil_bvalid,
    input  wire        s_axil_bready,
    input  wire [16:0] s_axil_araddr,
    input  wire [2:0]  s_axil_arprot,
    input  wire        s_axil_arvalid,
    output wire        s_axil_arready,
    output wire [AXIL_DATA_WIDTH-1:0]   s_axil_rdata,
    output wire [1:0]  s_axil_rresp,
    output wire        s_axil_rvalid,
    input  wire        s_axil_rready,
    // ---------------------------------------------------------------- upstream AXI4 slave
    input  wire [ID_WIDTH-1:0]   s_axi_awid,
    input  wire [ADDR_WIDTH-1:0] s_axi_awaddr,
    input  wire [7:0]            s_axi_awlen,
    input  wire [2:0]            s_axi_awsize,
    input  wire [1:0]            s_axi_awburst,
    input  wire                  s_axi_awlock,
    input  wire [3:0]            s_axi_awcache,
    input  wire [2:0]            s_axi_awprot,
    input  wire [SID_WIDTH-1:0]  s_axi_awuser,
    input  wire                  s_axi_awvalid,
    output wire                  s_axi_awready,
    input  wire [63:0]           s_axi_wdata,
    input  wire [7:0]            s_axi_wstrb,
    input  wire                  s_axi_wlast,
    input  wire                  s_axi_wvalid,
    output wire                  s_axi_wready,
    output wire [ID_WIDTH-1:0]   s_axi_bid,
    output wire [1:0]            s_axi_bresp,
    output wire                  s_axi_bvalid,
    input  wire                  s_axi_bready,
    input  wire [ID_WIDTH-1:0]   s_axi_arid,
    input  wire [ADDR_WIDTH-1:0] s_axi_araddr,
    input  wire [7:0]            s_axi_arlen,
    input  wire [2:0]            s_axi_arsize,
    input  wire [1:0]            s_axi_arburst,
    input  wire                  s_axi_arlock,
    input  wire [3:0]            s_axi_arcache,
    input  wire [2:0]            s_axi_arprot,
    input  wire [SID_WIDTH-1:0]  s_axi_aruser,
    input  wire                  s_axi_arvalid,
    output wire                  s_axi_arready,
    output wire [ID_WIDTH-1:0]   s_axi_rid,
    output wire [63:0]           s_axi_rdata,
    output wire [1:0]            s_axi_rresp,
    output wire                  s_axi_rlast,
    output wire                  s_axi_rvalid,
    input  wire                  s_axi_rready,
    // ---------------------------------------------------------------- downstream AXI4 master
    output wire [ID_WIDTH-1:0]   m_axi_awid,
    output wire [ADDR_WIDTH-1:0] m_axi_awaddr,
    output wire [7:0]            m_axi_awlen,
    output wire [2:0]            m_axi_awsize,
    output wire [1:0]            m_axi_awburst,
    output wire                  m_axi_awlock,
    output wire [3:0]            m_axi_awcache,
    output wire [2:0]            m_axi_awprot,
    output wire [SID_WIDTH-1:0]  m_axi_awuser,
    output wire                  m_axi_awvalid,
    input  wire                  m_axi_awready,
    output wire [63:0]           m_axi_wdata,
    output wire [7:0]            m_axi_wstrb,
    output wire                  m_axi_wlast,
    output wire                  m_axi_wvalid,
    input  wire                  m_axi_wready,
    input  wire [ID_WIDTH-1:0]   m_axi_bid,
    input  wire [1:0]            m_axi_bresp,
    input  wire                  m_axi_bvalid,
    output wire                  m_axi_bready,
    output wire [ID_WIDTH-1:0]   m_axi_arid,
    output wire [ADDR_WIDTH-1:0] m_axi_araddr,
    output wire [7:0]            m_axi_arlen,
    output wire [2:0]            m_axi_arsize,
    output wire [1:0]            m_axi_arburst,
    output wire                  m_axi_arlock,
    output wire [3:0]            m_axi_arcache,
    output wire [2:0]            m_axi_arprot,
    output wire [SID_WIDTH-1:0]  m_axi_aruser,
    output wire                  m_axi_arvalid,
    input  wire                  m_axi_arready,
    input  wire [ID_WIDTH-1:0]   m_axi_rid,
    input  wire [63:0]           m_axi_rdata,
    input  wire [1:0]            m_axi_rresp,
    input  wire                  m_axi_rlast,
    input  wire                  m_axi_rvalid,
    output wire                  m_axi_rready,
    // ---------------------------------------------------------------- walker AXI4 read master
    output wire [ID_WIDTH-1:0]   m_axi_ptw_arid,
    output wire [ADDR_WIDTH-1:0] m_axi_ptw_araddr,
    output wire [7:0]            m_axi_ptw_arlen,
    output wire [2:0]            m_axi_ptw_arsize,
    output wire [1:0]            m_axi_ptw_arburst,
    output wire                  m_axi_ptw_arlock,
    output wire [3:0]            m_axi_ptw_arcache,
    output wire [2:0]            m_axi_ptw_arprot,
    output wire                  m_axi_ptw_arvalid,
    input  wire                  m_axi_ptw_arready,
    input  wire [ID_WIDTH-1:0]   m_axi_ptw_rid,
    input  wire [63:0]           m_axi_ptw_rdata,
    input  wire [1:0]            m_axi_ptw_rresp,
    input  wire                  m_axi_ptw_rlast,
    input  wire                  m_axi_ptw_rvalid,
    output wire                  m_axi_ptw_rready,
    // ---------------------------------------------------------------- interrupts
    output wire [NUM_CB-1:0]     irq_context,
    output wire                  irq_global
);
    // ---------------------------------------------------------------- VALIDs in reset
    // AXI A3.1.2: every VALID the block drives is LOW while reset is asserted, from
    // time 0 (the registers behind them reset synchronously, at the first edge)
    wire s_axil_bvalid_q, s_axil_rvalid_q, s_axi_bvalid_q, s_axi_rvalid_q;
    wire m_axi_awvalid_q, m_axi_wvalid_q, m_axi_arvalid_q, m_axi_ptw_arvalid_q;
    assign s_axil_bvalid     = s_axil_bvalid_q && !rst;
    assign s_axil_rvalid     = s_axil_rvalid_q && !rst;
    assign s_axi_bvalid      = s_axi_bvalid_q && !rst;
    assign s_axi_rvalid      = s_axi_rvalid_q && !rst;
    assign m_axi_awvalid     = m_axi_awvalid_q && !rst;
    assign m_axi_wvalid      = m_axi_wvalid_q && !rst;
    assign m_axi_arvalid     = m_axi_arvalid_q && !rst;
    assign m_axi_ptw_arvalid = m_axi_ptw_arvalid_q && !rst;

    // ---------------------------------------------------------------- register file
    wire [31:0]            scr0;
    wire [NUM_SMRG*32-1:0] smr_flat, s2cr_flat;
    wire [NUM_CB*32-1:0]   cb_sctlr_flat, cb_tcr_flat, cb_tcr2_flat;
    wire [NUM_CB*64-1:0]   cb_ttbr0_flat, cb_mair_flat;
    wire                   inv_valid;
    wire [2:0]             inv_op;
    wire [7:0]             inv_cb;
    wire [15:0]            inv_asid;
    wire [35:0]            inv_va;
    wire                   xlate_busy;
    wire                   rec_valid, rec_ready;
    wire                   aw_rec_valid, ar_rec_valid;
    wire                   aw_rec_global, ar_rec_global;
    wire [7:0]             aw_rec_cb, ar_rec_cb;
    wire [31:0]            aw_rec_bits, ar_rec_bits;
    wire [47:0]            aw_rec_addr, ar_rec_addr;
    wire [1:0]             aw_rec_level, ar_rec_level;
    wire                   aw_rec_wnr, ar_rec_wnr, aw_rec_ind, ar_rec_ind;
    wire                   aw_rec_ptwf, ar_rec_ptwf;
    wire [SID_WIDTH-1:0]   aw_rec_sid, ar_rec_sid;
    wire [15:0]            rec_sid16;

    // one fault record per cycle: the write channel first
    wire rec_aw = aw_rec_valid;
    assign rec_valid = aw_rec_valid || ar_rec_valid;
    wire [SID_WIDTH-1:0] rec_sid = rec_aw ? aw_rec_sid : ar_rec_sid;
    generate
        if (SID_WIDTH >= 16) begin : g_sid_wide
            assign rec_sid16 = rec_sid[15:0];
            // sGFSYNR1 holds 16 StreamID bits
            wire unused_sid_hi = &{1'b0, rec_sid};
        end else begin : g_sid_narrow
            assign rec_sid16 = {{(16-SID_WIDTH){1'b0}}, rec_sid};
        end
    endgenerate

    smmu_v2_regs #(.NUM_CB(NUM_CB), .NUM_SMRG(NUM_SMRG), .TLB_ENTRIES(TLB_ENTRIES),
                   .WALK_CACHE_ENTRIES(WALK_CACHE_ENTRIES),
                   .AXIL_DATA_WIDTH(AXIL_DATA_WIDTH)) u_regs (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot),
        .s_axil_arprot(s_axil_arprot), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata),
        .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid_q), .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid_q),
        .s_axil_rready(s_axil_rready),
        .scr0(scr0), .smr_flat(smr_flat), .s2cr_flat(s2cr_flat),
        .cb_sctlr_flat(cb_sctlr_flat), .cb_tcr_flat(cb_tcr_flat),
        .cb_tcr2_flat(cb_tcr2_flat), .cb_ttbr0_flat(cb_ttbr0_flat),
        .cb_mair_flat(cb_mair_flat),
        .inv_valid(inv_valid), .inv_op(inv_op), .inv_cb(inv_cb), .inv_asid(inv_asid),
        .inv_va(inv_va), .xlate_busy(xlate_busy),
        .rec_valid(rec_valid), .rec_ready(rec_ready),
        .rec_global(rec_aw ? aw_rec_global : ar_rec_global),
        .rec_cb(rec_aw ? aw_rec_cb : ar_rec_cb),
        .rec_bits(rec_aw ? aw_rec_bits : ar_rec_bits),
        .rec_addr(rec_aw ? aw_rec_addr : ar_rec_addr),
        .rec_level(rec_aw ? aw_rec_level : ar_rec_level),
        .rec_wnr(rec_aw ? aw_rec_wnr : ar_rec_wnr),
        .rec_ind(rec_aw ? aw_rec_ind : ar_rec_ind),
        .rec_ptwf(rec_aw ? aw_rec_ptwf : ar_rec_ptwf),
        .rec_sid(rec_sid16),
        .irq_context(irq_context), .irq_global(irq_global));

    // ---------------------------------------------------------------- translation core
    wire [7:0]  a_cb, b_cb, a_attr, b_attr;
    wire [15:0] a_asid, b_asid;
    wire [47:0] a_va, b_va, a_ttbr, b_ttbr;
    wire        a_hit, b_hit;
    wire [35:0] a_pa, b_pa;
    wire [3:0]  a_perm, b_perm;
    wire [1:0]  a_level, b_level;
    wire        a_fwd, b_fwd;
    wire        a_wreq_valid, a_wreq_ready, b_wreq_valid, b_wreq_ready;
    wire [5:0]  a_t0sz, b_t0sz;
    wire [2:0]  a_ips, b_ips;
    wire        a_epd0, b_epd0;
    wire [63:0] a_mair, b_mair;
    wire        a_done, b_done, done_retry, done_fault, done_ptwf;
    wire [31:0] done_fsr;
    wire [1:0]  done_level;
    wire        busy_poisoned;
    wire [47:0] ptw_araddr;

    smmu_xlate_core #(.TLB_ENTRIES(TLB_ENTRIES), .WALK_CACHE_ENTRIES(WALK_CACHE_ENTRIES),
                      .ID_WIDTH(ID_WIDTH)) u_core (
        .clk(clk), .rst(rst),
        .a_cb(a_cb), .a_asid(a_asid), .a_va(a_va), .a_hit(a_hit), .a_pa(a_pa),
        .a_attr(a_attr), .a_perm(a_perm), .a_level(a_level), .a_fwd(a_fwd),
        .a_wreq_valid(a_wreq_valid), .a_wreq_ready(a_wreq_ready), .a_ttbr(a_ttbr),
        .a_t0sz(a_t0sz), .a_ips(a_ips), .a_epd0(a_epd0), .a_mair(a_mair), .a_done(a_done),
        .b_cb(b_cb), .b_asid(b_asid), .b_va(b_va), .b_hit(b_hit), .b_pa(b_pa),
        .b_attr(b_attr), .b_perm(b_perm), .b_level(b_level), .b_fwd(b_fwd),
        .b_wreq_valid(b_wreq_valid), .b_wreq_ready(b_wreq_ready), .b_ttbr(b_ttbr),
        .b_t0sz(b_t0sz), .b_ips(b_ips), .b_epd0(b_epd0), .b_mair(b_mair), .b_done(b_done),
        .done_retry(done_retry), .done_fault(done_fault), .done_fsr(done_fsr),
        .done_level(done_level), .done_ptwf(done_ptwf),
        .inv_valid(inv_valid), .inv_op(inv_op), .inv_cb(inv_cb), .inv_asid(inv_asid),
        .inv_va(inv_va), .busy_poisoned(busy_poisoned),
        .m_axi_ptw_arid(m_axi_ptw_arid), .m_axi_ptw_araddr(ptw_araddr),
        .m_axi_ptw_arlen(m_axi_ptw_arlen), .m_axi_ptw_arsize(m_axi_ptw_arsize),
        .m_axi_ptw_arburst(m_axi_ptw_arburst), .m_axi_ptw_arlock(m_axi_ptw_arlock),
        .m_axi_ptw_arcache(m_axi_ptw_arcache), .m_axi_ptw_arprot(m_axi_ptw_arprot),
        .m_axi_ptw_arvalid(m_axi_ptw_arvalid_q), .m_axi_ptw_arready(m_axi_ptw_arready),
        .m_axi_ptw_rid(m_axi_ptw_rid), .m_axi_ptw_rdata(m_axi_ptw_rdata),
        .m_axi_ptw_rresp(m_axi_ptw_rresp), .m_axi_ptw_rlast(m_axi_ptw_rlast),
        .m_axi_ptw_rvalid(m_axi_ptw_rvalid), .m_axi_ptw_rready(m_axi_ptw_rready));

    generate
        if (ADDR_WIDTH >= 48) begin : g_ptw_wide
            assign m_axi_ptw_araddr = {{(ADDR_WIDTH-48){1'b0}}, ptw_araddr};
        end else begin : g_ptw_narrow
            assign m_axi_ptw_araddr = ptw_araddr[ADDR_WIDTH-1:0];
            // table addresses beyond the address port cannot be reached
            wire unused_ptw_hi = &{1'b0, ptw_araddr};
        end
    endgenerate

    // ---------------------------------------------------------------- write channel
    wire        aw_acc_valid, aw_acc_fault, aw_acc_ready;
    wire [ID_WIDTH-1:0] aw_acc_id;
    wire [7:0]  aw_acc_len;
    wire [1:0]  aw_acc_resp;
    wire        aw_stale, ar_stale;
    assign xlate_busy = busy_poisoned || aw_stale || ar_stale;

    smmu_xlate_chan #(.IS_WRITE(1), .NUM_CB(NUM_CB), .NUM_SMRG(NUM_SMRG),
                      .ID_WIDTH(ID_WIDTH), .SID_WIDTH(SID_WIDTH),
                      .ADDR_WIDTH(ADDR_WIDTH)) u_aw (
        .clk(clk), .rst(rst),
        .s_id(s_axi_awid), .s_addr(s_axi_awaddr), .s_len(s_axi_awlen),
        .s_size(s_axi_awsize), .s_burst(s_axi_awburst), .s_lock(s_axi_awlock),
        .s_cache(s_axi_awcache), .s_prot(s_axi_awprot), .s_user(s_axi_awuser),
        .s_valid(s_axi_awvalid), .s_ready(s_axi_awready),
        .m_id(m_axi_awid), .m_addr(m_axi_awaddr), .m_len(m_axi_awlen),
        .m_size(m_axi_awsize), .m_burst(m_axi_awburst), .m_lock(m_axi_awlock),
        .m_cache(m_axi_awcache), .m_prot(m_axi_awprot), .m_user(m_axi_awuser),
        .m_valid(m_axi_awvalid_q), .m_ready(m_axi_awready),
        .scr0(scr0), .smr_flat(smr_flat), .s2cr_flat(s2cr_flat),
        .cb_sctlr_flat(cb_sctlr_flat), .cb_tcr_flat(cb_tcr_flat),
        .cb_tcr2_flat(cb_tcr2_flat), .cb_ttbr0_flat(cb_ttbr0_flat),
        .cb_mair_flat(cb_mair_flat),
        .x_cb(a_cb), .x_asid(a_asid), .x_va(a_va), .x_hit(a_hit), .x_pa(a_pa),
        .x_attr(a_attr), .x_perm(a_perm), .x_level(a_level), .x_fwd(a_fwd),
        .x_wreq_valid(a_wreq_valid), .x_wreq_ready(a_wreq_ready), .x_ttbr(a_ttbr),
        .x_t0sz(a_t0sz), .x_ips(a_ips), .x_epd0(a_epd0), .x_mair(a_mair),
        .x_done(a_done), .x_done_retry(done_retry), .x_done_fault(done_fault),
        .x_done_fsr(done_fsr), .x_done_level(done_level), .x_done_ptwf(done_ptwf),
        .acc_valid(aw_acc_valid), .acc_fault(aw_acc_fault), .acc_id(aw_acc_id),
        .acc_len(aw_acc_len), .acc_resp(aw_acc_resp), .acc_ready(aw_acc_ready),
        .rec_valid(aw_rec_valid), .rec_ready(rec_ready), .rec_global(aw_rec_global),
        .rec_cb(aw_rec_cb), .rec_bits(aw_rec_bits), .rec_addr(aw_rec_addr),
        .rec_level(aw_rec_level), .rec_wnr(aw_rec_wnr), .rec_ind(aw_rec_ind),
        .rec_ptwf(aw_rec_ptwf), .rec_sid(aw_rec_sid),
        .inv_valid(inv_valid), .out_stale(aw_stale));

    // AWLEN needs no tracking on the write side: WLAST ends each burst
    wire unused_aw_len = &{1'b0, aw_acc_len};

    smmu_wr_resp #(.ID_WIDTH(ID_WIDTH)) u_wr (
        .clk(clk), .rst(rst),
        .acc_valid(aw_acc_valid), .acc_fault(aw_acc_fault), .acc_id(aw_acc_id),
        .acc_resp(aw_acc_resp), .acc_ready(aw_acc_ready),
        .s_wdata(s_axi_wdata), .s_wstrb(s_axi_wstrb), .s_wlast(s_axi_wlast),
        .s_wvalid(s_axi_wvalid), .s_wready(s_axi_wready),
        .s_bid(s_axi_bid), .s_bresp(s_axi_bresp), .s_bvalid(s_axi_bvalid_q),
        .s_bready(s_axi_bready),
        .m_wdata(m_axi_wdata), .m_wstrb(m_axi_wstrb), .m_wlast(m_axi_wlast),
        .m_wvalid(m_axi_wvalid_q), .m_wready(m_axi_wready),
        .m_bid(m_axi_bid), .m_bresp(m_axi_bresp), .m_bvalid(m_axi_bvalid),
        .m_bready(m_axi_bready));

    // ---------------------------------------------------------------- read channel
    wire        ar_acc_valid, ar_acc_fault, ar_acc_ready;
    wire [ID_WIDTH-1:0] ar_acc_id;
    wire [7:0]  ar_acc_len;
    wire [1:0]  ar_acc_resp;

    smmu_xlate_chan #(.IS_WRITE(0), .NUM_CB(NUM_CB), .NUM_SMRG(NUM_SMRG),
                      .ID_WIDTH(ID_WIDTH), .SID_WIDTH(SID_WIDTH),
                      .ADDR_WIDTH(ADDR_WIDTH)) u_ar (
        .clk(clk), .rst(rst),
        .s_id(s_axi_arid), .s_addr(s_axi_araddr), .s_len(s_axi_arlen),
        .s_size(s_axi_arsize), .s_burst(s_axi_arburst), .s_lock(s_axi_arlock),
        .s_cache(s_axi_arcache), .s_prot(s_axi_arprot), .s_user(s_axi_aruser),
        .s_valid(s_axi_arvalid), .s_ready(s_axi_arready),
        .m_id(m_axi_arid), .m_addr(m_axi_araddr), .m_len(m_axi_arlen),
        .m_size(m_axi_arsize), .m_burst(m_axi_arburst), .m_lock(m_axi_arlock),
        .m_cache(m_axi_arcache), .m_prot(m_axi_arprot), .m_user(m_axi_aruser),
        .m_valid(m_axi_arvalid_q), .m_ready(m_axi_arready),
        .scr0(scr0), .smr_flat(smr_flat), .s2cr_flat(s2cr_flat),
        .cb_sctlr_flat(cb_sctlr_flat), .cb_tcr_flat(cb_tcr_flat),
        .cb_tcr2_flat(cb_tcr2_flat), .cb_ttbr0_flat(cb_ttbr0_flat),
        .cb_mair_flat(cb_mair_flat),
        .x_cb(b_cb), .x_asid(b_asid), .x_va(b_va), .x_hit(b_hit), .x_pa(b_pa),
        .x_attr(b_attr), .x_perm(b_perm), .x_level(b_level), .x_fwd(b_fwd),
        .x_wreq_valid(b_wreq_valid), .x_wreq_ready(b_wreq_ready), .x_ttbr(b_ttbr),
        .x_t0sz(b_t0sz), .x_ips(b_ips), .x_epd0(b_epd0), .x_mair(b_mair),
        .x_done(b_done), .x_done_retry(done_retry), .x_done_fault(done_fault),
        .x_done_fsr(done_fsr), .x_done_level(done_level), .x_done_ptwf(done_ptwf),
        .acc_valid(ar_acc_valid), .acc_fault(ar_acc_fault), .acc_id(ar_acc_id),
        .acc_len(ar_acc_len), .acc_resp(ar_acc_resp), .acc_ready(ar_acc_ready),
        .rec_valid(ar_rec_valid), .rec_ready(rec_ready && !aw_rec_valid),
        .rec_global(ar_rec_global),
        .rec_cb(ar_rec_cb), .rec_bits(ar_rec_bits), .rec_addr(ar_rec_addr),
        .rec_level(ar_rec_level), .rec_wnr(ar_rec_wnr), .rec_ind(ar_rec_ind),
        .rec_ptwf(ar_rec_ptwf), .rec_sid(ar_rec_sid),
        .inv_valid(inv_valid), .out_stale(ar_stale));

    smmu_rd_resp #(.ID_WIDTH(ID_WIDTH)) u_rd (
        .clk(clk), .rst(rst),
        .acc_valid(ar_acc_valid), .acc_fault(ar_acc_fault), .acc_id(ar_acc_id),
        .acc_len(ar_acc_len), .acc_resp(ar_acc_resp), .acc_ready(ar_acc_ready),
        .s_rid(s_axi_rid), .s_rdata(s_axi_rdata), .s_rresp(s_axi_rresp),
        .s_rlast(s_axi_rlast), .s_rvalid(s_axi_rvalid_q), .s_rready(s_axi_rready),
        .m_rid(m_axi_rid), .m_rdata(m_axi_rdata), .m_rresp(m_axi_rresp),
        .m_rlast(m_axi_rlast), .m_rvalid(m_axi_rvalid), .m_rready(m_axi_rready));
endmodule
