// smmu_xlate_chan_formal: formal harness around one smmu_xlate_chan (hdl/, as is),
// the unit that drives smmu_tlb's m_axi AW (IS_WRITE = 1) or AR (IS_WRITE = 0) port
// through its output register (smmu_tlb wires u_aw/u_ar's m_* straight to m_axi_*).
//   F_PROOF_STABLE  every input free, changing each cycle (configuration, translation
//                   core, response unit, register file, downstream READY): the m_*
//                   channel keeps VALID and payload until READY and is idle after reset.
//   F_PROOF_FAULT   a fixed configuration and one target page whose leaf descriptor is
//                   anyconst; the translation core may miss, fault or hit anywhere, but
//                   a hit on the target page carries that descriptor's output address and
//                   permissions (the walker's encoding, smmu_ptw's f_perm). No access
//                   that f_smmu_fault_oracle calls faulting leaves on m_*.
`include "smmu_defs.vh"

module smmu_xlate_chan_formal #(
    parameter IS_WRITE = 1
) (
    input wire clk
);
    localparam NUM_CB = 2, NUM_SMRG = 2, IDW = 2, SIDW = 2, AW = 48, CW = 5;

    reg rst = 1'b1;
    always @(posedge clk) rst <= 1'b0;

    wire [IDW-1:0]  s_id    = $anyseq;
    wire [AW-1:0]   s_addr  = $anyseq;
    wire [7:0]      s_len   = $anyseq;
    wire [2:0]      s_size  = $anyseq;
    wire [1:0]      s_burst = $anyseq;
    wire            s_lock  = $anyseq;
    wire [3:0]      s_cache = $anyseq;
    wire [2:0]      s_prot  = $anyseq;
    wire [SIDW-1:0] s_user  = $anyseq;
    wire            s_valid = $anyseq;
    wire            m_ready = $anyseq;
    wire            x_hit, x_fwd;
    wire [35:0]     x_pa;
    wire [3:0]      x_perm;
    wire [7:0]      x_attr  = $anyseq;
    wire [1:0]      x_level = $anyseq;
    wire            x_wreq_ready = $anyseq;
    wire            x_done       = $anyseq;
    wire            x_done_retry = $anyseq;
    wire            x_done_fault = $anyseq;
    wire [31:0]     x_done_fsr   = $anyseq;
    wire [1:0]      x_done_level = $anyseq;
    wire            x_done_ptwf  = $anyseq;
    wire            acc_ready = $anyseq;
    wire            rec_ready = $anyseq;
    wire            inv_valid = $anyseq;
    wire [31:0]               scr0;
    wire [NUM_SMRG*32-1:0]    smr_flat, s2cr_flat;
    wire [NUM_CB*32-1:0]      cb_sctlr_flat, cb_tcr_flat, cb_tcr2_flat;
    wire [NUM_CB*64-1:0]      cb_ttbr0_flat, cb_mair_flat;

    wire            s_ready, m_valid;
    wire [IDW-1:0]  m_id;
    wire [AW-1:0]   m_addr;
    wire [7:0]      m_len;
    wire [2:0]      m_size, m_prot;
    wire [1:0]      m_burst;
    wire            m_lock;
    wire [3:0]      m_cache;
    wire [SIDW-1:0] m_user;
    wire [7:0]      x_cb;
    wire [15:0]     x_asid;
    wire [47:0]     x_va, x_ttbr;
    wire            x_wreq_valid, x_epd0;
    wire [5:0]      x_t0sz;
    wire [2:0]      x_ips;
    wire [63:0]     x_mair;
    wire            acc_valid, acc_fault;
    wire [IDW-1:0]  acc_id;
    wire [7:0]      acc_len;
    wire [1:0]      acc_resp;
    wire            rec_valid, rec_global, rec_wnr, rec_ind, rec_ptwf, out_stale;
    wire [7:0]      rec_cb;
    wire [31:0]     rec_bits;
    wire [47:0]     rec_addr;
    wire [1:0]      rec_level;
    wire [SIDW-1:0] rec_sid;

    smmu_xlate_chan #(.IS_WRITE(IS_WRITE), .NUM_CB(NUM_CB), .NUM_SMRG(NUM_SMRG),
                      .ID_WIDTH(IDW), .SID_WIDTH(SIDW), .ADDR_WIDTH(AW)) dut (
        .clk(clk), .rst(rst),
        .s_id(s_id), .s_addr(s_addr), .s_len(s_len), .s_size(s_size), .s_burst(s_burst),
        .s_lock(s_lock), .s_cache(s_cache), .s_prot(s_prot), .s_user(s_user),
        .s_valid(s_valid), .s_ready(s_ready),
        .m_id(m_id), .m_addr(m_addr), .m_len(m_len), .m_size(m_size), .m_burst(m_burst),
        .m_lock(m_lock), .m_cache(m_cache), .m_prot(m_prot), .m_user(m_user),
        .m_valid(m_valid), .m_ready(m_ready),
        .scr0(scr0), .smr_flat(smr_flat), .s2cr_flat(s2cr_flat),
        .cb_sctlr_flat(cb_sctlr_flat), .cb_tcr_flat(cb_tcr_flat),
        .cb_tcr2_flat(cb_tcr2_flat), .cb_ttbr0_flat(cb_ttbr0_flat),
        .cb_mair_flat(cb_mair_flat),
        .x_cb(x_cb), .x_asid(x_asid), .x_va(x_va), .x_hit(x_hit), .x_pa(x_pa),
        .x_attr(x_attr), .x_perm(x_perm), .x_level(x_level), .x_fwd(x_fwd),
        .x_wreq_valid(x_wreq_valid), .x_wreq_ready(x_wreq_ready), .x_ttbr(x_ttbr),
        .x_t0sz(x_t0sz), .x_ips(x_ips), .x_epd0(x_epd0), .x_mair(x_mair),
        .x_done(x_done), .x_done_retry(x_done_retry), .x_done_fault(x_done_fault),
        .x_done_fsr(x_done_fsr), .x_done_level(x_done_level), .x_done_ptwf(x_done_ptwf),
        .acc_valid(acc_valid), .acc_fault(acc_fault), .acc_id(acc_id), .acc_len(acc_len),
        .acc_resp(acc_resp), .acc_ready(acc_ready),
        .rec_valid(rec_valid), .rec_ready(rec_ready), .rec_global(rec_global),
        .rec_cb(rec_cb), .rec_bits(rec_bits), .rec_addr(rec_addr), .rec_level(rec_level),
        .rec_wnr(rec_wnr), .rec_ind(rec_ind), .rec_ptwf(rec_ptwf), .rec_sid(rec_sid),
        .inv_valid(inv_valid), .out_stale(out_stale));

`ifdef F_PROOF_STABLE
    // configuration and core answers free in every cycle
    assign scr0 = $anyseq;
    assign smr_flat = $anyseq;
    assign s2cr_flat = $anyseq;
    assign cb_sctlr_flat = $anyseq;
    assign cb_tcr_flat = $anyseq;
    assign cb_tcr2_flat = $anyseq;
    assign cb_ttbr0_flat = $anyseq;
    assign cb_mair_flat = $anyseq;
    assign x_hit = $anyseq;
    assign x_fwd = $anyseq;
    assign x_pa = $anyseq;
    assign x_perm = $anyseq;
    f_valid_ready #(.W(IDW + AW + 8 + 3 + 2 + 1 + 4 + 3 + SIDW)) chk_m (clk, rst,
        m_valid, m_ready,
        {m_id, m_addr, m_len, m_size, m_burst, m_lock, m_cache, m_prot, m_user});
    // what smmu_wr_resp_formal assumes of the hand-over (composition, docs/formal.md)
    f_implies #(.IS_OUTPUT(1)) chk_acc (clk, rst, acc_valid, acc_ready);
`endif

`ifdef F_PROOF_FAULT
    // the upstream master keeps AXI's source rule
    f_valid_ready #(.W(IDW + AW + 8 + 3 + 2 + 1 + 4 + 3 + SIDW), .IS_OUTPUT(0)) env_s (
        clk, rst, s_valid, s_ready,
        {s_id, s_addr, s_len, s_size, s_burst, s_lock, s_cache, s_prot, s_user});
    // fixed configuration (the one f_smmu_fault_oracle describes), bank cfg_cb
    wire [SIDW-1:0] cfg_sid    = $anyconst;
    wire [1:0]      cfg_type   = $anyconst;
    wire            cfg_cb     = $anyconst;
    wire            cfg_m      = $anyconst;
    wire            cfg_cfre   = $anyconst;
    wire            cfg_gfre   = $anyconst;
    wire            cfg_usfcfg = $anyconst;
    wire [5:0]      cfg_t0sz   = $anyconst;
    wire [63:0]     cfg_ttbr0  = $anyconst;
    wire [63:0]     cfg_mair   = $anyconst;
    always @* assume(cfg_t0sz >= 6'd34 && cfg_t0sz <= 6'd39);
    assign scr0 = ({31'd0, cfg_usfcfg} << `SMMU_SCR0_USFCFG_BIT) |
                  ({31'd0, cfg_gfre} << `SMMU_SCR0_GFRE_BIT);
    assign smr_flat  = {32'd0, (32'd1 << `SMMU_SMR_VALID_BIT) | {30'd0, cfg_sid}};
    assign s2cr_flat = {32'h20000, ({30'd0, cfg_type} << `SMMU_S2CR_TYPE_SHIFT) | {31'd0, cfg_cb}};
    wire [31:0] sctlr = ({31'd0, cfg_cfre} << `SMMU_SCTLR_CFRE_BIT) | {31'd0, cfg_m};
    assign cb_sctlr_flat = cfg_cb ? {sctlr, 32'd0} : {32'd0, sctlr};
    assign cb_tcr_flat   = cfg_cb ? {26'd0, cfg_t0sz, 32'd0} : {32'd0, 26'd0, cfg_t0sz};
    assign cb_tcr2_flat  = 64'd0;                        // IPS = 0: 32-bit output
    assign cb_ttbr0_flat = cfg_cb ? {cfg_ttbr0, 64'd0} : {64'd0, cfg_ttbr0};
    assign cb_mair_flat  = cfg_cb ? {cfg_mair, 64'd0} : {64'd0, cfg_mair};

    // the target page: a level-2 table descriptor d2 over a level-3 descriptor d3
    wire [35:0] tva = $anyconst;
    wire [63:0] d2  = $anyconst;
    wire [63:0] d3  = $anyconst;
    wire        e2  = $anyconst;
    wire        e3  = $anyconst;
    // the input size as f_smmu_fault_oracle computes it (VA[29:25] inside it)
    wire [4:0]  k_used = {cfg_t0sz < 6'd35, cfg_t0sz < 6'd36, cfg_t0sz < 6'd37,
                          cfg_t0sz < 6'd38, cfg_t0sz < 6'd39};
    always @* assume(tva[35:18] == 18'd0 && (tva[17:13] & ~k_used) == 5'd0); // in range
    wire        known, fault;
    wire [47:0] pa;
    f_smmu_fault_oracle #(.SIDW(SIDW)) oracle (
        .va(s_addr), .prot(s_prot), .sid(s_user), .is_write(IS_WRITE != 0),
        .cfg_sid(cfg_sid), .cfg_type(cfg_type), .cfg_m(cfg_m), .cfg_usfcfg(cfg_usfcfg),
        .cfg_t0sz(cfg_t0sz), .tva(tva), .d2(d2), .e2(e2), .d3(d3), .e3(e3),
        .known(known), .fault(fault), .pa(pa));
    // A TLB entry can only come from a successful walk: no hit for a VA out of range,
    // none in the target's 2 MiB region when d2 faults, none for the target page when
    // d3 faults; a hit there carries the leaf's output address and the walker's
    // permission summary of it (smmu_ptw f_perm: {PXN, UXN, AP[1] EL0, AP[2]
    // read-only}, PXN including "EL0-writable", APTable/XNTable from d2).
    wire [8:0]  l2_mask   = {k_used, 4'hf};
    wire        in_range  = (x_va[47:30] == 18'd0) && ((x_va[29:25] & ~k_used) == 5'd0);
    wire        on_l2     = in_range && (((x_va[29:21] ^ tva[17:9]) & l2_mask) == 9'd0);
    wire        on_target = on_l2 && (x_va[20:12] == tva[8:0]);
    wire        is_block  = !d2[1];
    wire        l2_bad    = e2 || !d2[0] || d2[47:32] != 16'd0 || (is_block && !d2[10]);
    wire        l3_bad    = e3 || d3[1:0] != 2'b11 || d3[47:32] != 16'd0 || !d3[10];
    wire        fixed     = on_l2 && (is_block || on_target);   // the leaf is d2 or d3
    wire        no_entry  = !in_range || (on_l2 && l2_bad) || (on_target && !is_block && l3_bad);
    wire [63:0] leaf      = is_block ? d2 : d3;
    wire [3:0]  hier      = is_block ? 4'd0 : {d2[59], d2[60], d2[61], d2[62]};
    wire        ro        = leaf[7] || hier[0];
    wire        el0       = leaf[6] && !hier[1];
    wire [3:0]  leaf_perm = {leaf[53] || hier[3] || (el0 && !ro), leaf[54] || hier[2], el0, ro};
    wire [35:0] leaf_pa   = is_block ? {d2[47:21], x_va[20:12]} : d3[47:12];
    wire        f_hit  = $anyseq;
    wire [35:0] f_pa   = $anyseq;
    wire [3:0]  f_perm = $anyseq;
    assign x_hit  = f_hit && !no_entry;
    assign x_pa   = fixed ? leaf_pa : f_pa;
    assign x_perm = fixed ? leaf_perm : f_perm;
    assign x_fwd  = $anyseq;

`ifdef F_NO_INST_WRITE
    // leave out writes marked instruction (AxPROT[2] = 1): issue 9 bug 1, reported apart
    always @* if (IS_WRITE != 0) assume(!s_prot[2]);
`endif
    f_fault_channel_check #(.PROT_MASK((IS_WRITE != 0) ? 3'b011 : 3'b111),
                            .IDW(IDW), .SIDW(SIDW), .CW(CW)) chk_fault (
        .clk(clk), .rst(rst),
        .s_valid(s_valid), .s_ready(s_ready), .s_id(s_id), .s_len(s_len),
        .s_prot(s_prot), .s_user(s_user), .known(known), .fault(fault), .pa(pa),
        .m_valid(m_valid), .m_ready(m_ready), .m_id(m_id), .m_addr(m_addr),
        .m_len(m_len), .m_prot(m_prot), .m_user(m_user));
`endif
endmodule
