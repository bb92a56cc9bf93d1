// smmu_v3: SMMUv3 stage-1 System MMU (MMU-600 class programming model) between DMA
// masters and memory, on the shared translation core of the SMMUv2 block.
//
// Programming front-end: smmu_v3_regs (SMMUv3 pages 0 and 1 on an AXI4-Lite port of
// 128 KiB), smmu_v3_cfg (Stream table walk, STE/CD fetch and decode, configuration
// cache), smmu_v3_cmdq (command queue consumer: CFGI, TLBI, PREFETCH, SYNC) and
// smmu_v3_evtq (event queue producer). These four share one AXI4 master, m_axi_q_*
// (reads: configuration fetches and commands, one burst at a time, configuration
// fetches first; writes: event records). Translation core: smmu_xlate_core (TLB,
// walk cache, walker on m_axi_ptw_*), fed per transaction with the CD's context
// instead of a context bank. Data path: smmu_v3_chan for AW and AR, smmu_wr_resp and
// smmu_rd_resp as in the v2 block. StreamID on AxUSER in both directions.
//
// Follows: ARM IHI 0070 (SMMUv3.1) as Linux 6.1 drivers/iommu/arm/arm-smmu-v3 uses
// it, VMSAv8-64 stage 1 (ARM ARM D5), AMBA AXI4. docs/smmuv3.md lists what it leaves
// out (stage 2, substreams, ATS/PRI, stall, MSIs, secure state) and every departure.
`include "smmuv3_defs.vh"
`include "smmu_defs.vh"

module smmu_v3 #(
    parameter TLB_ENTRIES = 32,
    parameter WALK_CACHE_ENTRIES = 8,
    parameter CFG_ENTRIES = 8,
    parameter ID_WIDTH = 8,
    parameter SID_WIDTH = 16,
    parameter ADDR_WIDTH = 48,
    parameter AXIL_DATA_WIDTH = 32
) (
    input  wire clk,
    input  wire rst,
    // ---------------------------------------------------------------- registers
    input  wire [16:0]                  s_axil_awaddr,
    input  wire [2:0]                   s_axil_awprot,
    input  wire                         s_axil_awvalid,
    output wire                         s_axil_awready,
    input  wire [AXIL_DATA_WIDTH-1:0]   s_axil_wdata,
    input  wire [AXIL_DATA_WIDTH/8-1:0] s_axil_wstrb,
    input  wire                         s_axil_wvalid,
    output wire                         s_axil_wready,
    output wire [1:0]                   s_axil_bresp,
    output wire                         s_axil_bvalid,
    input  wire                         s_axil_bready,
    input  wire [16:0]                  s_axil_araddr,
    input  wire [2:0]                   s_axil_arprot,
    input  wire                         s_axil_arvalid,
    output wire                         s_axil_arready,
    output wire [AXIL_DATA_WIDTH-1:0]   s_axil_rdata,
    output wire [1:0]                   s_axil_rresp,
    output wire                         s_axil_rvalid,
    input  wire                         s_axil_rready,
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
    // ---------------------------------------------------------------- structure/queue AXI4 master
    output wire [ID_WIDTH-1:0]   m_axi_q_awid,
    output wire [ADDR_WIDTH-1:0] m_axi_q_awaddr,
    output wire [7:0]            m_axi_q_awlen,
    output wire [2:0]            m_axi_q_awsize,
    output wire [1:0]            m_axi_q_awburst,
    output wire                  m_axi_q_awlock,
    output wire [3:0]            m_axi_q_awcache,
    output wire [2:0]            m_axi_q_awprot,
    output wire                  m_axi_q_awvalid,
    input  wire                  m_axi_q_awready,
    output wire [63:0]           m_axi_q_wdata,
    output wire [7:0]            m_axi_q_wstrb,
    output wire                  m_axi_q_wlast,
    output wire                  m_axi_q_wvalid,
    input  wire                  m_axi_q_wready,
    /* verilator lint_off UNUSEDSIGNAL */ // one burst at a time: IDs carry nothing
    input  wire [ID_WIDTH-1:0]   m_axi_q_bid,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [1:0]            m_axi_q_bresp,
    input  wire                  m_axi_q_bvalid,
    output wire                  m_axi_q_bready,
    output wire [ID_WIDTH-1:0]   m_axi_q_arid,
    output wire [ADDR_WIDTH-1:0] m_axi_q_araddr,
    output wire [7:0]            m_axi_q_arlen,
    output wire [2:0]            m_axi_q_arsize,
    output wire [1:0]            m_axi_q_arburst,
    output wire                  m_axi_q_arlock,
    output wire [3:0]            m_axi_q_arcache,
    output wire [2:0]            m_axi_q_arprot,
    output wire                  m_axi_q_arvalid,
    input  wire                  m_axi_q_arready,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [ID_WIDTH-1:0]   m_axi_q_rid,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [63:0]           m_axi_q_rdata,
    input  wire [1:0]            m_axi_q_rresp,
    input  wire                  m_axi_q_rlast,
    input  wire                  m_axi_q_rvalid,
    output wire                  m_axi_q_rready,
    // ---------------------------------------------------------------- interrupts and events
    output wire                  irq_eventq,     // pulse: an event record was written
    output wire                  irq_gerror,     // pulse: a GERROR bit became active
    output wire                  irq_cmd_sync,   // pulse: CMD_SYNC with CS = SIG_IRQ completed
    output wire                  sev             // pulse: CMD_SYNC with CS = SIG_SEV completed
);
    localparam CW = `SMMUV3_CFGB_WIDTH;
    localparam [3:0] C_CACHE_NC = 4'b0011;      // normal non-cacheable bufferable
    localparam [3:0] C_CACHE_WB = 4'b1111;      // write-back, read and write allocate
    localparam [3:0] C_CACHE_WT = 4'b1110;      // write-through, allocate
    localparam [1:0] OC_WB = `SMMUV3_CR1_CACHE_WB;
    localparam [1:0] OC_WT = `SMMUV3_CR1_CACHE_WT;
    // AxCACHE of the block's own accesses from a CR1 outer cacheability field
    function [3:0] cr1_cache;
        input [1:0] oc;
        begin
            cr1_cache = (oc == OC_WB) ? C_CACHE_WB : (oc == OC_WT) ? C_CACHE_WT : C_CACHE_NC;
        end
    endfunction

    // AxCACHE of a CD fetch from STE.S1COR (00 NC, 01 WB read-allocate, 10 WT
    // read-allocate, 11 WB no read-allocate)
    localparam [3:0] C_CACHE_WB_NRA = 4'b1011;
    localparam [1:0] S1C_WBRA = `SMMUV3_STE_S1C_CACHE_WBRA;
    localparam [1:0] S1C_WT = `SMMUV3_STE_S1C_CACHE_WT;
    localparam [1:0] S1C_WB = `SMMUV3_STE_S1C_CACHE_WB;
    function [3:0] s1c_cache;
        input [1:0] oc;
        begin
            s1c_cache = (oc == S1C_WBRA) ? C_CACHE_WB : (oc == S1C_WT) ? C_CACHE_WT :
                        (oc == S1C_WB) ? C_CACHE_WB_NRA : C_CACHE_NC;
        end
    endfunction

    // ---------------------------------------------------------------- registers
    wire [31:0] cr0, cr1, cr2, gbpa, irq_ctrl, gerror_active;
    wire [63:0] strtab_base, cmdq_base, eventq_base;
    wire [31:0] strtab_base_cfg, cmdq_prod, cmdq_cons, eventq_cons, eventq_prod;
    wire        cmdq_cons_wr, eventq_prod_wr, set_cmdq_err, set_evtq_abt;
    wire [31:0] sw_wdata;
    wire unused_axil = &{1'b0, s_axil_awprot, s_axil_arprot, cr0, cr1[11:10], cr1[7:4],
                         cr1[1:0], cr1[31:12], cr2, irq_ctrl, gerror_active};

    smmu_v3_regs #(.DATA_WIDTH(AXIL_DATA_WIDTH), .SID_WIDTH(SID_WIDTH)) u_regs (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata),
        .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .cr0(cr0), .cr1(cr1), .cr2(cr2), .gbpa(gbpa), .irq_ctrl(irq_ctrl),
        .gerror_active(gerror_active), .strtab_base(strtab_base),
        .strtab_base_cfg(strtab_base_cfg), .cmdq_base(cmdq_base), .cmdq_prod(cmdq_prod),
        .eventq_base(eventq_base), .eventq_cons(eventq_cons),
        .cmdq_cons(cmdq_cons), .cmdq_cons_wr(cmdq_cons_wr),
        .eventq_prod(eventq_prod), .eventq_prod_wr(eventq_prod_wr), .sw_wdata(sw_wdata),
        .gerror_cmdq_err(set_cmdq_err), .gerror_eventq_abt(set_evtq_abt),
        .irq_gerror(irq_gerror));

    wire smmuen = cr0[`SMMUV3_CR0_SMMUEN_BIT];

    // ---------------------------------------------------------------- configuration
    wire [SID_WIDTH-1:0] a_csid, b_csid;
    wire        a_chit, b_chit;
    wire [CW-1:0] a_ccfg, b_ccfg;
    wire        a_fvalid, b_fvalid, f_ready;
    wire        f_done, f_owner, f_retry, f_err;
    wire [7:0]  f_evt;
    wire [47:0] f_addr;
    wire        cfg_inv_valid;
    wire [31:0] cfg_inv_sid, cfg_inv_mask;
    wire        cf_arvalid, cf_arready, cf_rready;
    wire [47:0] cf_araddr;
    wire [7:0]  cf_arlen;
    wire        cf_ar_cd;
    wire [1:0]  cf_ar_cd_oc;
    // configuration fetch requests: the channels alternate on a tie
    reg  f_prio_b;
    wire f_grant_b = b_fvalid && (!a_fvalid || f_prio_b);
    always @(posedge clk) begin
        if (rst) f_prio_b <= 1'b0;
        else if ((a_fvalid || b_fvalid) && f_ready) f_prio_b <= !f_grant_b;
    end

    // ---------------------------------------------------------------- shared read port
    // one burst at a time; configuration fetches win over commands
    wire        cq_arvalid, cq_rready;
    wire [47:0] cq_araddr;
    wire [7:0]  cq_arlen;
    reg         rd_busy, rd_owner_cq;     // a burst is in flight / it is the queue's
    reg         ar_lock, ar_lock_cq;      // an AR waits for ARREADY
    wire sel_cq = ar_lock ? ar_lock_cq : (!cf_arvalid && cq_arvalid);
    wire rd_last = m_axi_q_rvalid && m_axi_q_rready && m_axi_q_rlast;
    // a new burst may start in the clock the previous one's last beat arrives
    wire ar_any = (!rd_busy || rd_last) && (ar_lock || cf_arvalid || cq_arvalid);
    assign m_axi_q_arvalid = ar_any;
    wire [47:0] q_araddr = sel_cq ? cq_araddr : cf_araddr;
    assign m_axi_q_arlen = sel_cq ? cq_arlen : cf_arlen;
    assign m_axi_q_arid = {ID_WIDTH{1'b0}};
    assign m_axi_q_arsize = 3'd3;
    assign m_axi_q_arburst = 2'b01;
    assign m_axi_q_arlock = 1'b0;
    assign m_axi_q_arcache = sel_cq ? cr1_cache(cr1[`SMMUV3_CR1_QUEUE_OC_SHIFT +: 2]) :
                             cf_ar_cd ? s1c_cache(cf_ar_cd_oc) :
                             cr1_cache(cr1[`SMMUV3_CR1_TABLE_OC_SHIFT +: 2]);
    assign m_axi_q_arprot = 3'b010;           // non-secure, unprivileged, data
    assign cf_arready = ar_any && !sel_cq && m_axi_q_arready;
    wire   cq_arready = ar_any && sel_cq && m_axi_q_arready;
    wire   rd_cq = rd_busy && rd_owner_cq;
    assign m_axi_q_rready = rd_busy && (rd_cq ? cq_rready : cf_rready);
    always @(posedge clk) begin
        if (rst) begin
            rd_busy <= 1'b0; rd_owner_cq <= 1'b0; ar_lock <= 1'b0; ar_lock_cq <= 1'b0;
        end else begin
            if (ar_any && m_axi_q_arready) begin
                rd_busy <= 1'b1;
                rd_owner_cq <= sel_cq;
                ar_lock <= 1'b0;
            end else begin
                if (ar_any) begin
                    ar_lock <= 1'b1;
                    ar_lock_cq <= sel_cq;
                end
                if (rd_last)
                    rd_busy <= 1'b0;
            end
        end
    end

    smmu_v3_cfg #(.ENTRIES(CFG_ENTRIES), .SID_WIDTH(SID_WIDTH)) u_cfg (
        .clk(clk), .rst(rst),
        .a_sid(a_csid), .a_hit(a_chit), .a_cfg(a_ccfg),
        .b_sid(b_csid), .b_hit(b_chit), .b_cfg(b_ccfg),
        .rq_valid(a_fvalid || b_fvalid), .rq_ready(f_ready),
        .rq_sid(f_grant_b ? b_csid : a_csid), .rq_owner(f_grant_b),
        .done(f_done), .done_owner(f_owner), .done_retry(f_retry), .done_err(f_err),
        .done_evt(f_evt), .done_addr(f_addr),
        .inv_valid(cfg_inv_valid), .inv_sid(cfg_inv_sid), .inv_mask(cfg_inv_mask),
        .strtab_base(strtab_base), .strtab_base_cfg(strtab_base_cfg),
        .ar_valid(cf_arvalid), .ar_ready(cf_arready), .ar_addr(cf_araddr),
        .ar_len(cf_arlen), .ar_cd(cf_ar_cd), .ar_cd_oc(cf_ar_cd_oc),
        .r_valid(m_axi_q_rvalid && rd_busy && !rd_cq), .r_ready(cf_rready),
        .r_data(m_axi_q_rdata), .r_resp(m_axi_q_rresp), .r_last(m_axi_q_rlast));

    // ---------------------------------------------------------------- command queue
    wire        inv_valid;
    wire [2:0]  inv_op;
    wire [7:0]  inv_cb;
    wire [15:0] inv_asid;
    wire [35:0] inv_va;
    wire        sync_idle;
    wire        cmdq_busy;
    wire unused_busy = &{1'b0, cmdq_busy};
    smmu_v3_cmdq u_cmdq (
        .clk(clk), .rst(rst),
        .cmdqen(cr0[`SMMUV3_CR0_CMDQEN_BIT]), .cmdq_base(cmdq_base), .cmdq_prod(cmdq_prod),
        .cmdq_cons(cmdq_cons), .cons_wr(cmdq_cons_wr), .cons_wdata(sw_wdata),
        .err_active(gerror_active[`SMMUV3_GERROR_CMDQ_ERR_BIT]), .set_err(set_cmdq_err),
        .ar_valid(cq_arvalid), .ar_ready(cq_arready), .ar_addr(cq_araddr), .ar_len(cq_arlen),
        .r_valid(m_axi_q_rvalid && rd_cq), .r_ready(cq_rready), .r_data(m_axi_q_rdata),
        .r_resp(m_axi_q_rresp), .r_last(m_axi_q_rlast),
        .cfg_inv_valid(cfg_inv_valid), .cfg_inv_sid(cfg_inv_sid), .cfg_inv_mask(cfg_inv_mask),
        .inv_valid(inv_valid), .inv_op(inv_op), .inv_cb(inv_cb), .inv_asid(inv_asid),
        .inv_va(inv_va), .sync_idle(sync_idle), .irq_cmd_sync(irq_cmd_sync), .sev(sev),
        .busy(cmdq_busy));

    // ---------------------------------------------------------------- event queue
    wire         rec_valid, rec_ready, evtq_idle, irq_event;
    wire [255:0] rec_data;
    wire         aw_rec_valid, ar_rec_valid;
    wire [255:0] aw_rec_data, ar_rec_data;
    wire [47:0]  q_awaddr;
    assign rec_valid = aw_rec_valid || ar_rec_valid;
    assign rec_data = aw_rec_valid ? aw_rec_data : ar_rec_data;
    smmu_v3_evtq u_evtq (
        .clk(clk), .rst(rst),
        .eventqen(cr0[`SMMUV3_CR0_EVENTQEN_BIT]), .eventq_base(eventq_base),
        .eventq_cons(eventq_cons), .eventq_prod(eventq_prod),
        .prod_wr(eventq_prod_wr), .prod_wdata(sw_wdata),
        .rec_valid(rec_valid), .rec_ready(rec_ready), .rec_data(rec_data),
        .aw_valid(m_axi_q_awvalid), .aw_ready(m_axi_q_awready), .aw_addr(q_awaddr),
        .aw_len(m_axi_q_awlen), .w_valid(m_axi_q_wvalid), .w_ready(m_axi_q_wready),
        .w_data(m_axi_q_wdata), .w_last(m_axi_q_wlast), .b_valid(m_axi_q_bvalid),
        .b_ready(m_axi_q_bready), .b_resp(m_axi_q_bresp),
        .irq_event(irq_event), .set_abt(set_evtq_abt), .idle(evtq_idle));
    assign irq_eventq = irq_event && irq_ctrl[`SMMUV3_IRQ_CTRL_EVENTQ_IRQEN_BIT];
    assign m_axi_q_awid = {ID_WIDTH{1'b0}};
    assign m_axi_q_awsize = 3'd3;
    assign m_axi_q_awburst = 2'b01;
    assign m_axi_q_awlock = 1'b0;
    assign m_axi_q_awcache = cr1_cache(cr1[`SMMUV3_CR1_QUEUE_OC_SHIFT +: 2]);
    assign m_axi_q_awprot = 3'b010;
    assign m_axi_q_wstrb = 8'hff;

    generate
        if (ADDR_WIDTH >= 48) begin : g_q_wide
            assign m_axi_q_araddr = {{(ADDR_WIDTH-48){1'b0}}, q_araddr};
            assign m_axi_q_awaddr = {{(ADDR_WIDTH-48){1'b0}}, q_awaddr};
        end else begin : g_q_narrow
            assign m_axi_q_araddr = q_araddr[ADDR_WIDTH-1:0];
            assign m_axi_q_awaddr = q_awaddr[ADDR_WIDTH-1:0];
            wire unused_q_hi = &{1'b0, q_araddr, q_awaddr};
        end
    endgenerate

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
    // the level is not in SMMUv3 event records
    wire unused_level = &{1'b0, a_level, b_level, done_level};

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
        .m_axi_ptw_arvalid(m_axi_ptw_arvalid), .m_axi_ptw_arready(m_axi_ptw_arready),
        .m_axi_ptw_rid(m_axi_ptw_rid), .m_axi_ptw_rdata(m_axi_ptw_rdata),
        .m_axi_ptw_rresp(m_axi_ptw_rresp), .m_axi_ptw_rlast(m_axi_ptw_rlast),
        .m_axi_ptw_rvalid(m_axi_ptw_rvalid), .m_axi_ptw_rready(m_axi_ptw_rready));

    // the walker reads one descriptor at a time: the last address it sent is the one
    // an external abort (F_WALK_EABT FetchAddr) refers to
    reg [47:0] walk_addr;
    always @(posedge clk) begin
        if (rst) walk_addr <= 48'd0;
        else if (m_axi_ptw_arvalid && m_axi_ptw_arready) walk_addr <= ptw_araddr;
    end

    generate
        if (ADDR_WIDTH >= 48) begin : g_ptw_wide
            assign m_axi_ptw_araddr = {{(ADDR_WIDTH-48){1'b0}}, ptw_araddr};
        end else begin : g_ptw_narrow
            assign m_axi_ptw_araddr = ptw_araddr[ADDR_WIDTH-1:0];
            wire unused_ptw_hi = &{1'b0, ptw_araddr};
        end
    endgenerate

    // ---------------------------------------------------------------- channels
    wire aw_stale, ar_stale;
    assign sync_idle = !busy_poisoned && !aw_stale && !ar_stale && evtq_idle;
    wire recinvsid = cr2[`SMMUV3_CR2_RECINVSID_BIT];

    wire        aw_acc_valid, aw_acc_fault, aw_acc_ready;
    wire [ID_WIDTH-1:0] aw_acc_id;
    wire [7:0]  aw_acc_len;
    wire [1:0]  aw_acc_resp;
    wire unused_aw_len = &{1'b0, aw_acc_len};

    smmu_v3_chan #(.IS_WRITE(1), .ID_WIDTH(ID_WIDTH), .SID_WIDTH(SID_WIDTH),
                   .ADDR_WIDTH(ADDR_WIDTH)) u_aw (
        .clk(clk), .rst(rst),
        .s_id(s_axi_awid), .s_addr(s_axi_awaddr), .s_len(s_axi_awlen),
        .s_size(s_axi_awsize), .s_burst(s_axi_awburst), .s_lock(s_axi_awlock),
        .s_cache(s_axi_awcache), .s_prot(s_axi_awprot), .s_user(s_axi_awuser),
        .s_valid(s_axi_awvalid), .s_ready(s_axi_awready),
        .m_id(m_axi_awid), .m_addr(m_axi_awaddr), .m_len(m_axi_awlen),
        .m_size(m_axi_awsize), .m_burst(m_axi_awburst), .m_lock(m_axi_awlock),
        .m_cache(m_axi_awcache), .m_prot(m_axi_awprot), .m_user(m_axi_awuser),
        .m_valid(m_axi_awvalid), .m_ready(m_axi_awready),
        .smmuen(smmuen), .gbpa(gbpa), .recinvsid(recinvsid),
        .c_sid(a_csid), .c_hit(a_chit), .c_cfg(a_ccfg),
        .f_valid(a_fvalid), .f_ready(f_ready && !f_grant_b),
        .f_done(f_done && !f_owner), .f_retry(f_retry), .f_err(f_err), .f_evt(f_evt),
        .f_addr(f_addr),
        .x_cb(a_cb), .x_asid(a_asid), .x_va(a_va), .x_hit(a_hit), .x_pa(a_pa),
        .x_attr(a_attr), .x_perm(a_perm), .x_fwd(a_fwd),
        .x_wreq_valid(a_wreq_valid), .x_wreq_ready(a_wreq_ready), .x_ttbr(a_ttbr),
        .x_t0sz(a_t0sz), .x_ips(a_ips), .x_epd0(a_epd0), .x_mair(a_mair),
        .x_done(a_done), .x_done_retry(done_retry), .x_done_fault(done_fault),
        .x_done_fsr(done_fsr), .x_done_ptwf(done_ptwf), .walk_addr(walk_addr),
        .acc_valid(aw_acc_valid), .acc_fault(aw_acc_fault), .acc_id(aw_acc_id),
        .acc_len(aw_acc_len), .acc_resp(aw_acc_resp), .acc_ready(aw_acc_ready),
        .rec_valid(aw_rec_valid), .rec_ready(rec_ready), .rec_data(aw_rec_data),
        .inv_valid(inv_valid), .stale(aw_stale));

    smmu_wr_resp #(.ID_WIDTH(ID_WIDTH)) u_wr (
        .clk(clk), .rst(rst),
        .acc_valid(aw_acc_valid), .acc_fault(aw_acc_fault), .acc_id(aw_acc_id),
        .acc_resp(aw_acc_resp), .acc_ready(aw_acc_ready),
        .s_wdata(s_axi_wdata), .s_wstrb(s_axi_wstrb), .s_wlast(s_axi_wlast),
        .s_wvalid(s_axi_wvalid), .s_wready(s_axi_wready),
        .s_bid(s_axi_bid), .s_bresp(s_axi_bresp), .s_bvalid(s_axi_bvalid),
        .s_bready(s_axi_bready),
        .m_wdata(m_axi_wdata), .m_wstrb(m_axi_wstrb), .m_wlast(m_axi_wlast),
        .m_wvalid(m_axi_wvalid), .m_wready(m_axi_wready),
        .m_bid(m_axi_bid), .m_bresp(m_axi_bresp), .m_bvalid(m_axi_bvalid),
        .m_bready(m_axi_bready));

    wire        ar_acc_valid, ar_acc_fault, ar_acc_ready;
    wire [ID_WIDTH-1:0] ar_acc_id;
    wire [7:0]  ar_acc_len;
    wire [1:0]  ar_acc_resp;

    smmu_v3_chan #(.IS_WRITE(0), .ID_WIDTH(ID_WIDTH), .SID_WIDTH(SID_WIDTH),
                   .ADDR_WIDTH(ADDR_WIDTH)) u_ar (
        .clk(clk), .rst(rst),
        .s_id(s_axi_arid), .s_addr(s_axi_araddr), .s_len(s_axi_arlen),
        .s_size(s_axi_arsize), .s_burst(s_axi_arburst), .s_lock(s_axi_arlock),
        .s_cache(s_axi_arcache), .s_prot(s_axi_arprot), .s_user(s_axi_aruser),
        .s_valid(s_axi_arvalid), .s_ready(s_axi_arready),
        .m_id(m_axi_arid), .m_addr(m_axi_araddr), .m_len(m_axi_arlen),
        .m_size(m_axi_arsize), .m_burst(m_axi_arburst), .m_lock(m_axi_arlock),
        .m_cache(m_axi_arcache), .m_prot(m_axi_arprot), .m_user(m_axi_aruser),
        .m_valid(m_axi_arvalid), .m_ready(m_axi_arready),
        .smmuen(smmuen), .gbpa(gbpa), .recinvsid(recinvsid),
        .c_sid(b_csid), .c_hit(b_chit), .c_cfg(b_ccfg),
        .f_valid(b_fvalid), .f_ready(f_ready && f_grant_b),
        .f_done(f_done && f_owner), .f_retry(f_retry), .f_err(f_err), .f_evt(f_evt),
        .f_addr(f_addr),
        .x_cb(b_cb), .x_asid(b_asid), .x_va(b_va), .x_hit(b_hit), .x_pa(b_pa),
        .x_attr(b_attr), .x_perm(b_perm), .x_fwd(b_fwd),
        .x_wreq_valid(b_wreq_valid), .x_wreq_ready(b_wreq_ready), .x_ttbr(b_ttbr),
        .x_t0sz(b_t0sz), .x_ips(b_ips), .x_epd0(b_epd0), .x_mair(b_mair),
        .x_done(b_done), .x_done_retry(done_retry), .x_done_fault(done_fault),
        .x_done_fsr(done_fsr), .x_done_ptwf(done_ptwf), .walk_addr(walk_addr),
        .acc_valid(ar_acc_valid), .acc_fault(ar_acc_fault), .acc_id(ar_acc_id),
        .acc_len(ar_acc_len), .acc_resp(ar_acc_resp), .acc_ready(ar_acc_ready),
        .rec_valid(ar_rec_valid), .rec_ready(rec_ready && !aw_rec_valid),
        .rec_data(ar_rec_data),
        .inv_valid(inv_valid), .stale(ar_stale));

    smmu_rd_resp #(.ID_WIDTH(ID_WIDTH)) u_rd (
        .clk(clk), .rst(rst),
        .acc_valid(ar_acc_valid), .acc_fault(ar_acc_fault), .acc_id(ar_acc_id),
        .acc_len(ar_acc_len), .acc_resp(ar_acc_resp), .acc_ready(ar_acc_ready),
        .s_rid(s_axi_rid), .s_rdata(s_axi_rdata), .s_rresp(s_axi_rresp),
        .s_rlast(s_axi_rlast), .s_rvalid(s_axi_rvalid), .s_rready(s_axi_rready),
        .m_rid(m_axi_rid), .m_rdata(m_axi_rdata), .m_rresp(m_axi_rresp),
        .m_rlast(m_axi_rlast), .m_rvalid(m_axi_rvalid), .m_rready(m_axi_rready));
endmodule
