// smmu_tlb_formal: formal harness around smmu_tlb (hdl/smmu_tlb.v, instantiated as
// is) for yosys-smtbmc. The DUT's every input is free ($anyseq) and constrained only by
// the AXI rules a compliant environment keeps; the proof picked by define adds its
// environment and its assertions (docs/formal.md):
//   F_PROOF_STABLE  every master port (m_axi AW/W/AR, m_axi_ptw AR) and every response
//                   channel the DUT drives keeps VALID and payload until READY; WLAST on
//                   beat AWLEN+1 downstream; no upstream B without an accepted write.
//   F_PROOF_FAULT   a transaction the architecture says faults (f_smmu_fault_oracle)
//                   never appears on m_axi; a known-good one appears translated right.
//   F_PROOF_BLIVE   with BREADY high and a downstream that answers in F_DN_B_DELAY
//                   cycles, every accepted write gets its B within F_B_BOUND cycles,
//                   and never a B too many.
// F_MUTANT_* defines break the harness on purpose (formal/run_formal.py, negative
// checks); RTL mutants are applied to private copies of hdl/ instead.
`include "smmu_defs.vh"

module smmu_tlb_formal (
    input wire clk
);
    localparam NUM_CB = 2, NUM_SMRG = 2, TLB_ENTRIES = 2, WC_ENTRIES = 1;
    localparam IDW = 2, SIDW = 2, AW = 48;
    localparam NID = 1 << IDW;
    localparam CW = 5;               // transaction counters (depth stays below 32)
    localparam QD = 4;               // upstream writes in flight without their data
`ifndef F_DN_B_DELAY
    `define F_DN_B_DELAY 2
`endif
`ifndef F_B_BOUND
    `define F_B_BOUND 12
`endif

    // ------------------------------------------------------------ reset: cycle 0 only
    reg rst = 1'b1;
    always @(posedge clk) rst <= 1'b0;

    // ------------------------------------------------------------ DUT inputs (free)
    wire [16:0] f_axil_awaddr  = $anyseq;
    wire [2:0]  s_axil_awprot  = $anyseq;
    wire        f_axil_awvalid = $anyseq;
    wire [31:0] f_axil_wdata   = $anyseq;
    wire [3:0]  f_axil_wstrb   = $anyseq;
    wire        f_axil_wvalid  = $anyseq;
    wire        f_axil_bready  = $anyseq;
    wire [16:0] s_axil_araddr  = $anyseq;
    wire [2:0]  s_axil_arprot  = $anyseq;
    wire        s_axil_arvalid = $anyseq;
    wire        s_axil_rready  = $anyseq;

    wire [IDW-1:0]  s_axi_awid    = $anyseq;
    wire [AW-1:0]   s_axi_awaddr  = $anyseq;
    wire [7:0]      s_axi_awlen   = $anyseq;
    wire [2:0]      s_axi_awsize  = $anyseq;
    wire [1:0]      s_axi_awburst = $anyseq;
    wire            s_axi_awlock  = $anyseq;
    wire [3:0]      s_axi_awcache = $anyseq;
    wire [2:0]      s_axi_awprot  = $anyseq;
    wire [SIDW-1:0] s_axi_awuser  = $anyseq;
    wire            s_axi_awvalid = $anyseq;
    wire [63:0]     s_axi_wdata   = $anyseq;
    wire [7:0]      s_axi_wstrb   = $anyseq;
    wire            s_axi_wlast   = $anyseq;
    wire            s_axi_wvalid  = $anyseq;
    wire            s_axi_bready  = $anyseq;
    wire [IDW-1:0]  s_axi_arid    = $anyseq;
    wire [AW-1:0]   s_axi_araddr  = $anyseq;
    wire [7:0]      s_axi_arlen   = $anyseq;
    wire [2:0]      s_axi_arsize  = $anyseq;
    wire [1:0]      s_axi_arburst = $anyseq;
    wire            s_axi_arlock  = $anyseq;
    wire [3:0]      s_axi_arcache = $anyseq;
    wire [2:0]      s_axi_arprot  = $anyseq;
    wire [SIDW-1:0] s_axi_aruser  = $anyseq;
    wire            s_axi_arvalid = $anyseq;
    wire            s_axi_rready  = $anyseq;

    wire            m_axi_awready = $anyseq;
    wire            m_axi_wready  = $anyseq;
    wire [IDW-1:0]  m_axi_bid     = $anyseq;
    wire [1:0]      m_axi_bresp   = $anyseq;
    wire            m_axi_bvalid  = $anyseq;
    wire            m_axi_arready = $anyseq;
    wire [IDW-1:0]  m_axi_rid     = $anyseq;
    wire [63:0]     m_axi_rdata   = $anyseq;
    wire [1:0]      m_axi_rresp   = $anyseq;
    wire            m_axi_rlast   = $anyseq;
    wire            m_axi_rvalid  = $anyseq;

    wire            m_axi_ptw_arready = $anyseq;
    wire [IDW-1:0]  m_axi_ptw_rid     = $anyseq;
    wire [63:0]     f_ptw_rdata       = $anyseq;
    wire [1:0]      f_ptw_rresp       = $anyseq;
    wire            m_axi_ptw_rlast   = $anyseq;
    wire            m_axi_ptw_rvalid  = $anyseq;
    wire [63:0]     m_axi_ptw_rdata;
    wire [1:0]      m_axi_ptw_rresp;

    // ------------------------------------------------------------ DUT outputs
    wire            s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
    wire [1:0]      s_axil_bresp, s_axil_rresp;
    wire [31:0]     s_axil_rdata;
    wire            s_axi_awready, s_axi_wready, s_axi_bvalid, s_axi_arready, s_axi_rvalid;
    wire            s_axi_rlast;
    wire [IDW-1:0]  s_axi_bid, s_axi_rid;
    wire [1:0]      s_axi_bresp, s_axi_rresp;
    wire [63:0]     s_axi_rdata;
    wire [IDW-1:0]  m_axi_awid, m_axi_arid;
    wire [AW-1:0]   m_axi_awaddr, m_axi_araddr;
    wire [7:0]      m_axi_awlen, m_axi_arlen;
    wire [2:0]      m_axi_awsize, m_axi_arsize, m_axi_awprot, m_axi_arprot;
    wire [1:0]      m_axi_awburst, m_axi_arburst;
    wire            m_axi_awlock, m_axi_arlock;
    wire [3:0]      m_axi_awcache, m_axi_arcache;
    wire [SIDW-1:0] m_axi_awuser, m_axi_aruser;
    wire            m_axi_awvalid, m_axi_arvalid, m_axi_wvalid, m_axi_wlast;
    wire [63:0]     m_axi_wdata;
    wire [7:0]      m_axi_wstrb;
    wire            m_axi_bready, m_axi_rready;
    wire [IDW-1:0]  m_axi_ptw_arid;
    wire [AW-1:0]   m_axi_ptw_araddr;
    wire [7:0]      m_axi_ptw_arlen;
    wire [2:0]      m_axi_ptw_arsize, m_axi_ptw_arprot;
    wire [1:0]      m_axi_ptw_arburst;
    wire            m_axi_ptw_arlock, m_axi_ptw_arvalid, m_axi_ptw_rready;
    wire [3:0]      m_axi_ptw_arcache;
    wire [NUM_CB-1:0] irq_context;
    wire            irq_global;

    // ------------------------------------------------------------ register port
    // F_CFG_SEQ: the harness programs one translation context first (six writes),
    // from anyconst choices; after that the port is free (per proof, below).
    wire [16:0] s_axil_awaddr;
    wire [31:0] s_axil_wdata;
    wire [3:0]  s_axil_wstrb;
    wire        s_axil_awvalid, s_axil_wvalid, s_axil_bready;
    wire        cfg_busy;
`ifdef F_CFG_SEQ
    localparam CFG_N = 6;
    localparam [16:0] CB_PAGE = `SMMU_CB_BASE;
    wire [SIDW-1:0] cfg_sid    = $anyconst;
    wire [1:0]      cfg_type   = $anyconst;
    wire            cfg_cb     = $anyconst;
    wire            cfg_m      = $anyconst;
    wire            cfg_cfre   = $anyconst;
    wire            cfg_gfre   = $anyconst;
    wire            cfg_usfcfg = $anyconst;
    wire [5:0]      cfg_t0sz   = $anyconst;
    wire [19:0]     cfg_ttbr_pfn = $anyconst;       // TTBR0[31:12]: below 4 GiB
    always @* assume(cfg_t0sz >= 6'd34 && cfg_t0sz <= 6'd39);
    wire [16:0] cb_page = CB_PAGE | {4'd0, cfg_cb, 12'd0};
    reg  [2:0]  cfg_step = 3'd0;
    reg  [16:0] cfg_addr;
    reg  [31:0] cfg_data;
    always @* begin
        case (cfg_step)
            3'd0: begin cfg_addr = `SMMU_GR0_SMR_BASE;
                  cfg_data = (32'd1 << `SMMU_SMR_VALID_BIT) | {30'd0, cfg_sid}; end
            3'd1: begin cfg_addr = `SMMU_GR0_S2CR_BASE;
                  cfg_data = ({30'd0, cfg_type} << `SMMU_S2CR_TYPE_SHIFT) | {31'd0, cfg_cb}; end
            3'd2: begin cfg_addr = cb_page | `SMMU_CB_TCR; cfg_data = {26'd0, cfg_t0sz}; end
            3'd3: begin cfg_addr = cb_page | `SMMU_CB_TTBR0_LO; cfg_data = {cfg_ttbr_pfn, 12'd0}; end
            3'd4: begin cfg_addr = cb_page | `SMMU_CB_SCTLR;
                  cfg_data = ({31'd0, cfg_cfre} << `SMMU_SCTLR_CFRE_BIT) | {31'd0, cfg_m}; end
            default: begin cfg_addr = `SMMU_GR0_SCR0;
                  cfg_data = ({31'd0, cfg_usfcfg} << `SMMU_SCR0_USFCFG_BIT) |
                             ({31'd0, cfg_gfre} << `SMMU_SCR0_GFRE_BIT); end
        endcase
    end
    assign cfg_busy = (cfg_step != CFG_N);
    always @(posedge clk)
        if (!rst && cfg_busy && s_axil_awready) cfg_step <= cfg_step + 3'd1;
    // the configuration is in force from the cycle after its last write
    reg cfg_done = 1'b0;
    always @(posedge clk) cfg_done <= !cfg_busy;
    assign s_axil_awvalid = cfg_busy ? !rst : f_axil_awvalid;
    assign s_axil_wvalid  = cfg_busy ? !rst : f_axil_wvalid;
    assign s_axil_awaddr  = cfg_busy ? cfg_addr : f_axil_awaddr;
    assign s_axil_wdata   = cfg_busy ? cfg_data : f_axil_wdata;
    assign s_axil_wstrb   = cfg_busy ? 4'hf : f_axil_wstrb;
    assign s_axil_bready  = cfg_busy ? 1'b1 : f_axil_bready;
`else
    assign cfg_busy = 1'b0;
    wire cfg_done = 1'b1;
    assign s_axil_awvalid = f_axil_awvalid;
    assign s_axil_wvalid  = f_axil_wvalid;
    assign s_axil_awaddr  = f_axil_awaddr;
    assign s_axil_wdata   = f_axil_wdata;
    assign s_axil_wstrb   = f_axil_wstrb;
    assign s_axil_bready  = f_axil_bready;
`endif

    // ------------------------------------------------------------ walker memory
    // One read in flight (a slave may hold ARREADY low); the data of the target
    // descriptors is fixed for the fault proof, anything otherwise.
    reg         ptw_busy = 1'b0;
    reg  [47:0] ptw_addr;
    wire        ptw_ar_fire = m_axi_ptw_arvalid && m_axi_ptw_arready;
    wire        ptw_r_fire  = m_axi_ptw_rvalid && m_axi_ptw_rready;
    always @(posedge clk) begin
        if (rst) ptw_busy <= 1'b0;
        else if (ptw_ar_fire) ptw_busy <= 1'b1;
        else if (ptw_r_fire) ptw_busy <= 1'b0;
        if (ptw_ar_fire) ptw_addr <= m_axi_ptw_araddr;
    end
    always @* if (!rst) begin
        if (m_axi_ptw_arready) assume(!ptw_busy || ptw_r_fire);
        if (m_axi_ptw_rvalid) assume(ptw_busy && m_axi_ptw_rlast);
    end
`ifdef F_PROOF_FAULT
    wire [35:0] tva = $anyconst;     // the target page (VA[47:12])
    wire [63:0] d2  = $anyconst;
    wire [63:0] d3  = $anyconst;
    wire        e2  = $anyconst;
    wire        e3  = $anyconst;
    wire [6:0]  f_ias = 7'd64 - {1'b0, cfg_t0sz};
    wire [8:0]  f_l2_mask = ~(9'h1ff << (f_ias - 7'd21));
    wire [47:0] a2 = {16'd0, cfg_ttbr_pfn, 12'd0} | {36'd0, tva[17:9] & f_l2_mask, 3'b000};
    wire [47:0] a3 = {d2[47:12], 12'd0} | {36'd0, tva[8:0], 3'b000};
    always @* begin
        assume(({tva, 12'd0} >> f_ias) == 48'd0);   // the target page is in range
        assume(a3 != a2);
    end
    assign m_axi_ptw_rdata = (ptw_addr == a2) ? d2 : (ptw_addr == a3) ? d3 : f_ptw_rdata;
    assign m_axi_ptw_rresp = (ptw_addr == a2) ? {e2, 1'b0} :
                             (ptw_addr == a3) ? {e3, 1'b0} : f_ptw_rresp;
`else
    assign m_axi_ptw_rdata = f_ptw_rdata;
    assign m_axi_ptw_rresp = f_ptw_rresp;
`endif

    // ------------------------------------------------------------ the DUT
    smmu_tlb #(.NUM_CB(NUM_CB), .NUM_SMRG(NUM_SMRG), .TLB_ENTRIES(TLB_ENTRIES),
               .WALK_CACHE_ENTRIES(WC_ENTRIES), .ID_WIDTH(IDW), .SID_WIDTH(SIDW),
               .ADDR_WIDTH(AW)) dut (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot),
        .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .s_axi_awid(s_axi_awid), .s_axi_awaddr(s_axi_awaddr), .s_axi_awlen(s_axi_awlen),
        .s_axi_awsize(s_axi_awsize), .s_axi_awburst(s_axi_awburst),
        .s_axi_awlock(s_axi_awlock), .s_axi_awcache(s_axi_awcache),
        .s_axi_awprot(s_axi_awprot), .s_axi_awuser(s_axi_awuser),
        .s_axi_awvalid(s_axi_awvalid), .s_axi_awready(s_axi_awready),
        .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wlast(s_axi_wlast),
        .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready),
        .s_axi_bid(s_axi_bid), .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid),
        .s_axi_bready(s_axi_bready),
        .s_axi_arid(s_axi_arid), .s_axi_araddr(s_axi_araddr), .s_axi_arlen(s_axi_arlen),
        .s_axi_arsize(s_axi_arsize), .s_axi_arburst(s_axi_arburst),
        .s_axi_arlock(s_axi_arlock), .s_axi_arcache(s_axi_arcache),
        .s_axi_arprot(s_axi_arprot), .s_axi_aruser(s_axi_aruser),
        .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready),
        .s_axi_rid(s_axi_rid), .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp),
        .s_axi_rlast(s_axi_rlast), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
        .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen),
        .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst),
        .m_axi_awlock(m_axi_awlock), .m_axi_awcache(m_axi_awcache),
        .m_axi_awprot(m_axi_awprot), .m_axi_awuser(m_axi_awuser),
        .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready),
        .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
        .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
        .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid),
        .m_axi_bready(m_axi_bready),
        .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
        .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst),
        .m_axi_arlock(m_axi_arlock), .m_axi_arcache(m_axi_arcache),
        .m_axi_arprot(m_axi_arprot), .m_axi_aruser(m_axi_aruser),
        .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
        .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp),
        .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready),
        .m_axi_ptw_arid(m_axi_ptw_arid), .m_axi_ptw_araddr(m_axi_ptw_araddr),
        .m_axi_ptw_arlen(m_axi_ptw_arlen), .m_axi_ptw_arsize(m_axi_ptw_arsize),
        .m_axi_ptw_arburst(m_axi_ptw_arburst), .m_axi_ptw_arlock(m_axi_ptw_arlock),
        .m_axi_ptw_arcache(m_axi_ptw_arcache), .m_axi_ptw_arprot(m_axi_ptw_arprot),
        .m_axi_ptw_arvalid(m_axi_ptw_arvalid), .m_axi_ptw_arready(m_axi_ptw_arready),
        .m_axi_ptw_rid(m_axi_ptw_rid), .m_axi_ptw_rdata(m_axi_ptw_rdata),
        .m_axi_ptw_rresp(m_axi_ptw_rresp), .m_axi_ptw_rlast(m_axi_ptw_rlast),
        .m_axi_ptw_rvalid(m_axi_ptw_rvalid), .m_axi_ptw_rready(m_axi_ptw_rready),
        .irq_context(irq_context), .irq_global(irq_global));

    // ------------------------------------------------------------ environment rules
    // the channels the environment drives keep the AXI source rule
    f_valid_ready #(.W(17 + 32 + 4), .IS_OUTPUT(0)) env_axil_aw (clk, rst,
        s_axil_awvalid, s_axil_awready, {s_axil_awaddr, s_axil_wdata, s_axil_wstrb});
    f_valid_ready #(.W(1), .IS_OUTPUT(0)) env_axil_w (clk, rst,
        s_axil_wvalid, s_axil_wready, 1'b0);
    f_valid_ready #(.W(17), .IS_OUTPUT(0)) env_axil_ar (clk, rst,
        s_axil_arvalid, s_axil_arready, s_axil_araddr);
    f_valid_ready #(.W(IDW + AW + 8 + 3 + 2 + 1 + 4 + 3 + SIDW), .IS_OUTPUT(0)) env_s_aw (
        clk, rst, s_axi_awvalid, s_axi_awready,
        {s_axi_awid, s_axi_awaddr, s_axi_awlen, s_axi_awsize, s_axi_awburst,
         s_axi_awlock, s_axi_awcache, s_axi_awprot, s_axi_awuser});
    f_valid_ready #(.W(64 + 8 + 1), .IS_OUTPUT(0)) env_s_w (clk, rst,
        s_axi_wvalid, s_axi_wready, {s_axi_wdata, s_axi_wstrb, s_axi_wlast});
    f_valid_ready #(.W(IDW + AW + 8 + 3 + 2 + 1 + 4 + 3 + SIDW), .IS_OUTPUT(0)) env_s_ar (
        clk, rst, s_axi_arvalid, s_axi_arready,
        {s_axi_arid, s_axi_araddr, s_axi_arlen, s_axi_arsize, s_axi_arburst,
         s_axi_arlock, s_axi_arcache, s_axi_arprot, s_axi_aruser});
    f_valid_ready #(.W(IDW + 2), .IS_OUTPUT(0)) env_m_b (clk, rst,
        m_axi_bvalid, m_axi_bready, {m_axi_bid, m_axi_bresp});
    f_valid_ready #(.W(IDW + 64 + 2 + 1), .IS_OUTPUT(0)) env_m_r (clk, rst,
        m_axi_rvalid, m_axi_rready, {m_axi_rid, m_axi_rdata, m_axi_rresp, m_axi_rlast});
    f_valid_ready #(.W(IDW + 64 + 2 + 1), .IS_OUTPUT(0)) env_ptw_r (clk, rst,
        m_axi_ptw_rvalid, m_axi_ptw_rready,
        {m_axi_ptw_rid, m_axi_ptw_rdata, m_axi_ptw_rresp, m_axi_ptw_rlast});

    // upstream writes: WLAST where AWLEN says, bursts of at most 2 beats, at most QD-1
    // writes waiting for their data
    wire s_aw_fire = s_axi_awvalid && s_axi_awready;
    wire s_w_fire  = s_axi_wvalid && s_axi_wready;
    wire s_b_fire  = s_axi_bvalid && s_axi_bready;
    wire [(CW << IDW)-1:0] up_done, up_bcnt;
    wire [CW-1:0] up_inflight, up_naw, up_nw;
    f_write_tracker #(.IDW(IDW), .QD(QD), .CW(CW), .IS_OUTPUT(0)) up_wr (
        .clk(clk), .rst(rst), .aw_valid(s_axi_awvalid), .aw_fire(s_aw_fire),
        .aw_id(s_axi_awid), .aw_len(s_axi_awlen), .w_valid(s_axi_wvalid),
        .w_fire(s_w_fire), .w_last(s_axi_wlast), .b_fire(s_b_fire), .b_id(s_axi_bid),
        .done_flat(up_done), .bcnt_flat(up_bcnt), .aw_inflight(up_inflight),
        .n_aw(up_naw), .n_wdone(up_nw));
    always @* if (!rst) begin
        if (s_axi_awvalid) assume(s_axi_awlen <= 8'd1 && up_inflight < QD - 1);
        if (s_axi_arvalid) assume(s_axi_arlen <= 8'd1);
    end

    // downstream: B only for a write complete there (per ID), R only for a read in flight
    wire m_aw_fire = m_axi_awvalid && m_axi_awready;
    wire m_w_fire  = m_axi_wvalid && m_axi_wready;
    wire m_b_fire  = m_axi_bvalid && m_axi_bready;
    wire m_ar_fire = m_axi_arvalid && m_axi_arready;
    wire m_r_fire  = m_axi_rvalid && m_axi_rready;
    wire [(CW << IDW)-1:0] dn_done, dn_bcnt;
    wire [CW-1:0] dn_inflight, dn_naw, dn_nw;
    f_write_tracker #(.IDW(IDW), .QD(8), .CW(CW), .IS_OUTPUT(1)) dn_wr (
        .clk(clk), .rst(rst), .aw_valid(m_axi_awvalid), .aw_fire(m_aw_fire),
        .aw_id(m_axi_awid), .aw_len(m_axi_awlen), .w_valid(m_axi_wvalid),
        .w_fire(m_w_fire), .w_last(m_axi_wlast), .b_fire(m_b_fire), .b_id(m_axi_bid),
        .done_flat(dn_done), .bcnt_flat(dn_bcnt), .aw_inflight(dn_inflight),
        .n_aw(dn_naw), .n_wdone(dn_nw));
    wire [CW-1:0] dn_pending_b = dn_done[m_axi_bid*CW +: CW] - dn_bcnt[m_axi_bid*CW +: CW];
    reg  [CW-1:0] dn_rd_out = {CW{1'b0}};
    always @(posedge clk)
        if (rst) dn_rd_out <= {CW{1'b0}};
        else dn_rd_out <= dn_rd_out + {{(CW-1){1'b0}}, m_ar_fire}
                                    - {{(CW-1){1'b0}}, m_r_fire && m_axi_rlast};
    always @* if (!rst) begin
        if (m_axi_bvalid) assume(dn_pending_b != {CW{1'b0}});
        if (m_axi_rvalid) assume(dn_rd_out != {CW{1'b0}});
    end

    // pending upstream B per ID, for the B proofs
    wire [CW-1:0] up_pending_b = up_done[s_axi_bid*CW +: CW] - up_bcnt[s_axi_bid*CW +: CW];

    // ============================================================ F_PROOF_STABLE
`ifdef F_PROOF_STABLE
    // master ports: VALID and payload held until READY, VALID low after reset
    f_valid_ready #(.W(IDW + AW + 8 + 3 + 2 + 1 + 4 + 3 + SIDW)) chk_m_aw (clk, rst,
        m_axi_awvalid, m_axi_awready,
        {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
         m_axi_awlock, m_axi_awcache, m_axi_awprot, m_axi_awuser});
    f_valid_ready #(.W(64 + 8 + 1)) chk_m_w (clk, rst,
        m_axi_wvalid, m_axi_wready, {m_axi_wdata, m_axi_wstrb, m_axi_wlast});
    f_valid_ready #(.W(IDW + AW + 8 + 3 + 2 + 1 + 4 + 3 + SIDW)) chk_m_ar (clk, rst,
        m_axi_arvalid, m_axi_arready,
        {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
         m_axi_arlock, m_axi_arcache, m_axi_arprot, m_axi_aruser});
    f_valid_ready #(.W(IDW + AW + 8 + 3 + 2 + 1 + 4 + 3)) chk_ptw_ar (clk, rst,
        m_axi_ptw_arvalid, m_axi_ptw_arready,
        {m_axi_ptw_arid, m_axi_ptw_araddr, m_axi_ptw_arlen, m_axi_ptw_arsize,
         m_axi_ptw_arburst, m_axi_ptw_arlock, m_axi_ptw_arcache, m_axi_ptw_arprot});
    // the response channels the DUT drives on its slave ports keep the same rule
    f_valid_ready #(.W(IDW + 2)) chk_s_b (clk, rst,
        s_axi_bvalid, s_axi_bready, {s_axi_bid, s_axi_bresp});
    f_valid_ready #(.W(IDW + 64 + 2 + 1)) chk_s_r (clk, rst,
        s_axi_rvalid, s_axi_rready, {s_axi_rid, s_axi_rdata, s_axi_rresp, s_axi_rlast});
    f_valid_ready #(.W(2)) chk_axil_b (clk, rst, s_axil_bvalid, s_axil_bready, s_axil_bresp);
    f_valid_ready #(.W(32 + 2)) chk_axil_r (clk, rst,
        s_axil_rvalid, s_axil_rready, {s_axil_rdata, s_axil_rresp});
`endif

    // ============================================================ B count (safety)
`ifndef F_PROOF_FAULT
    // no upstream B unless a complete write of that ID is still without one
    always @* if (!rst && s_axi_bvalid) assert(up_pending_b != {CW{1'b0}});
`endif

    // ============================================================ F_PROOF_BLIVE
`ifdef F_PROOF_BLIVE
    // environment: BREADY high upstream, AWREADY/WREADY high downstream, a downstream
    // B at most F_DN_B_DELAY cycles after a downstream write is complete without one
    reg [3:0] dn_age = 4'd0;
    integer   k;
    reg       dn_any;
    always @* begin
        dn_any = 1'b0;
        for (k = 0; k < NID; k = k + 1)
            if (dn_done[k*CW +: CW] != dn_bcnt[k*CW +: CW]) dn_any = 1'b1;
    end
    always @(posedge clk)
        if (rst || !dn_any || m_b_fire) dn_age <= 4'd0;
        else if (dn_age != 4'hf) dn_age <= dn_age + 4'd1;
    always @* if (!rst) begin
        assume(s_axi_bready);
        assume(m_axi_awready && m_axi_wready);
        if (dn_age >= `F_DN_B_DELAY) assume(m_axi_bvalid);
    end
    // property: while an ID has a complete write without B, a B for it comes within
    // F_B_BOUND cycles
    reg [4:0] up_age [0:NID-1];
    genvar gi;
    generate
        for (gi = 0; gi < NID; gi = gi + 1) begin : g_live
            wire waiting = (up_done[gi*CW +: CW] != up_bcnt[gi*CW +: CW]);
            wire served  = s_b_fire && (s_axi_bid == gi);
            always @(posedge clk)
                if (rst || !waiting || served) up_age[gi] <= 5'd0;
                else if (up_age[gi] != 5'h1f) up_age[gi] <= up_age[gi] + 5'd1;
            always @* if (!rst) assert(up_age[gi] < `F_B_BOUND);
        end
    endgenerate
`endif

    // ============================================================ F_PROOF_FAULT
`ifdef F_PROOF_FAULT
    // environment: upstream traffic once the configuration is in force; afterwards the
    // register port may only invalidate, synchronise and clear fault status (none of
    // which changes a translation)
    wire [11:0] wr_off = {f_axil_awaddr[11:2], 2'b00};
    wire wr_gr0 = (f_axil_awaddr[16:12] == 5'd0);
    wire wr_cb  = f_axil_awaddr[16] && (f_axil_awaddr[15:13] == 3'd0);
    wire wr_harmless =
        (wr_gr0 && (wr_off == `SMMU_GR0_TLBIALLNSNH || wr_off == `SMMU_GR0_STLBGSYNC ||
                    wr_off == `SMMU_GR0_SGFSR)) ||
        (wr_cb && (wr_off == `SMMU_CB_TLBIVA_LO || wr_off == `SMMU_CB_TLBIVA_HI ||
                   wr_off == `SMMU_CB_TLBIASID || wr_off == `SMMU_CB_TLBIALL ||
                   wr_off == `SMMU_CB_TLBSYNC || wr_off == `SMMU_CB_FSR));
    always @* if (!rst) begin
        if (!cfg_done) assume(!s_axi_awvalid && !s_axi_arvalid);
        if (!cfg_busy && f_axil_awvalid) assume(wr_harmless);
    end

    // the oracle's verdict on each presented upstream transaction
    wire aw_known, aw_fault, ar_known, ar_fault;
    wire [47:0] aw_pa, ar_pa;
    f_smmu_fault_oracle #(.SIDW(SIDW)) oracle_aw (
        .va(s_axi_awaddr), .prot(s_axi_awprot), .sid(s_axi_awuser), .is_write(1'b1),
        .cfg_sid(cfg_sid), .cfg_type(cfg_type), .cfg_m(cfg_m), .cfg_usfcfg(cfg_usfcfg),
        .cfg_t0sz(cfg_t0sz), .tva(tva), .d2(d2), .e2(e2), .d3(d3), .e3(e3),
        .known(aw_known), .fault(aw_fault), .pa(aw_pa));
    f_smmu_fault_oracle #(.SIDW(SIDW)) oracle_ar (
        .va(s_axi_araddr), .prot(s_axi_arprot), .sid(s_axi_aruser), .is_write(1'b0),
        .cfg_sid(cfg_sid), .cfg_type(cfg_type), .cfg_m(cfg_m), .cfg_usfcfg(cfg_usfcfg),
        .cfg_t0sz(cfg_t0sz), .tva(tva), .d2(d2), .e2(e2), .d3(d3), .e3(e3),
        .known(ar_known), .fault(ar_fault), .pa(ar_pa));
`ifdef F_DATA_ONLY
    // restrict to data accesses (AxPROT[2] = 0), for the split report
    always @* if (!rst) assume(!s_axi_awprot[2] && !s_axi_arprot[2]);
`endif

    f_fault_channel_check #(.IDW(IDW), .SIDW(SIDW), .CW(CW)) chk_fault_aw (
        .clk(clk), .rst(rst),
        .s_valid(s_axi_awvalid), .s_ready(s_axi_awready), .s_id(s_axi_awid),
        .s_len(s_axi_awlen), .s_prot(s_axi_awprot), .s_user(s_axi_awuser),
        .known(aw_known), .fault(aw_fault), .pa(aw_pa),
        .m_valid(m_axi_awvalid), .m_ready(m_axi_awready), .m_id(m_axi_awid),
        .m_addr(m_axi_awaddr), .m_len(m_axi_awlen), .m_prot(m_axi_awprot),
        .m_user(m_axi_awuser));
    f_fault_channel_check #(.IDW(IDW), .SIDW(SIDW), .CW(CW)) chk_fault_ar (
        .clk(clk), .rst(rst),
        .s_valid(s_axi_arvalid), .s_ready(s_axi_arready), .s_id(s_axi_arid),
        .s_len(s_axi_arlen), .s_prot(s_axi_arprot), .s_user(s_axi_aruser),
        .known(ar_known), .fault(ar_fault), .pa(ar_pa),
        .m_valid(m_axi_arvalid), .m_ready(m_axi_arready), .m_id(m_axi_arid),
        .m_addr(m_axi_araddr), .m_len(m_axi_arlen), .m_prot(m_axi_arprot),
        .m_user(m_axi_aruser));
`endif
endmodule
