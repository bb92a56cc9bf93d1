// smmu_v2_regs: the SMMUv2 programming interface of smmu_tlb (register file).
//
// Follows the ARM SMMU architecture v2 register layout as an MMU-500 implements it and
// Linux drivers/iommu/arm-smmu.c (v4.9) programs it: global space 0 (sCR0, ID0-ID7,
// sGFAR/sGFSR/sGFSYNR0-2, TLBIALLNSNH/TLBIALLH/TLBIVMID, sTLBGSYNC/sTLBGSTATUS,
// SMR(n), S2CR(n)), global space 1 (CBAR(n), CBA2R(n)) and one 4 KiB page per context
// bank from 64 KiB (SCTLR, TCR2, TTBR0/1, TCR, CONTEXTIDR, MAIR0/1, FSR, FAR, FSYNR0,
// TLBIVA/VAA/ASID/ALL/VAL/VAAL, TLBSYNC/TLBSTATUS). Offsets and fields come from
// pymodel/hwdefs/smmu.py through smmu_defs.vh.
//
// It hands the configuration to the stream matcher / translation core as flat
// vectors, turns TLBI writes into one-cycle invalidation commands, records fault
// reports in FSR/FAR/FSYNR0 (context) or sGFSR/sGFAR/sGFSYNR0/1 (global) with MULTI,
// and drives the context / global fault interrupts.
//
// Leaves out: secure/non-secure banking (one non-secure view), stage 2 (NUMS2CB = 0),
// stall mode (CFCFG reads back but faults always terminate), ATS1* address
// translation operations, PAR, the RESUME register, performance monitors.
// 64-bit registers are two 32-bit words; a 64-bit TLBI operand acts on the write of
// its upper word (docs/smmu.md).
`include "smmu_defs.vh"

module smmu_v2_regs #(
    parameter NUM_CB = 8,
    parameter NUM_SMRG = 16,
    parameter TLB_ENTRIES = 32,
    parameter WALK_CACHE_ENTRIES = 8
) (
    input  wire                   clk,
    input  wire                   rst,
    // AXI4-Lite register port (128 KiB space)
    input  wire [16:0]            s_axil_awaddr,
    /* verilator lint_off UNUSEDSIGNAL */ // protection attributes are not checked
    input  wire [2:0]             s_axil_awprot,
    input  wire [2:0]             s_axil_arprot,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire                   s_axil_awvalid,
    output wire                   s_axil_awready,
    input  wire [31:0]            s_axil_wdata,
    input  wire [3:0]             s_axil_wstrb,
    input  wire                   s_axil_wvalid,
    output wire                   s_axil_wready,
    output wire [1:0]             s_axil_bresp,
    output reg                    s_axil_bvalid,
    input  wire                   s_axil_bready,
    input  wire [16:0]            s_axil_araddr,
    input  wire                   s_axil_arvalid,
    output wire                   s_axil_arready,
    output reg  [31:0]            s_axil_rdata,
    output wire [1:0]             s_axil_rresp,
    output reg                    s_axil_rvalid,
    input  wire                   s_axil_rready,
    // configuration to the data path
    output wire [31:0]            scr0,
    output wire [NUM_SMRG*32-1:0] smr_flat,
    output wire [NUM_SMRG*32-1:0] s2cr_flat,
    output wire [NUM_CB*32-1:0]   cb_sctlr_flat,
    output wire [NUM_CB*32-1:0]   cb_tcr_flat,
    output wire [NUM_CB*32-1:0]   cb_tcr2_flat,
    output wire [NUM_CB*64-1:0]   cb_ttbr0_flat,
    output wire [NUM_CB*64-1:0]   cb_mair_flat,
    // invalidation commands (one cycle each) and completion tracking
    output reg                    inv_valid,
    output reg  [2:0]             inv_op,
    output reg  [7:0]             inv_cb,
    output reg  [15:0]            inv_asid,
    output reg  [35:0]            inv_va,     // VA[47:12]
    input  wire                   xlate_busy, // work begun before the last invalidation in flight
    // fault records from the data path
    input  wire                   rec_valid,
    output wire                   rec_ready,
    input  wire                   rec_global,
    input  wire [7:0]             rec_cb,
    input  wire [31:0]            rec_bits,   // one-hot FSR bit (context) / sGFSR bit (global)
    input  wire [47:0]            rec_addr,
    input  wire [1:0]             rec_level,
    input  wire                   rec_wnr,
    input  wire                   rec_ind,
    input  wire                   rec_ptwf,
    input  wire [15:0]            rec_sid,
    output wire [NUM_CB-1:0]      irq_context,
    output wire                   irq_global
);
    localparam [31:0] FSR_FAULTS = `SMMU_FSR_FAULT_MASK & ~(32'd1 << `SMMU_FSR_MULTI_BIT);
    localparam [31:0] GFSR_FAULTS = `SMMU_GFSR_FAULT_MASK;
    localparam CBW = (NUM_CB > 1) ? $clog2(NUM_CB) : 1;     // context bank index width
    localparam SMW = (NUM_SMRG > 1) ? $clog2(NUM_SMRG) : 1; // stream map group index width

    // ---------------------------------------------------------------- storage
    reg [31:0] scr0_r;
    reg [31:0] gfsr, gfar_lo, gfar_hi, gfsynr0, gfsynr1;
    reg        gsync_pending;
    reg [31:0] tlbi_lo;          // lower word of a 64-bit TLBI operand
    reg [31:0] smr   [0:NUM_SMRG-1];
    reg [31:0] s2cr  [0:NUM_SMRG-1];
    reg [31:0] cbar  [0:NUM_CB-1];
    reg [31:0] cba2r [0:NUM_CB-1];
    reg [31:0] sctlr [0:NUM_CB-1];
    reg [31:0] tcr   [0:NUM_CB-1];
    reg [31:0] tcr2  [0:NUM_CB-1];
    reg [31:0] ttbr0_lo [0:NUM_CB-1];
    reg [31:0] ttbr0_hi [0:NUM_CB-1];
    reg [31:0] ttbr1_lo [0:NUM_CB-1];
    reg [31:0] ttbr1_hi [0:NUM_CB-1];
    reg [31:0] ctxidr [0:NUM_CB-1];
    reg [31:0] mair0 [0:NUM_CB-1];
    reg [31:0] mair1 [0:NUM_CB-1];
    reg [31:0] fsr   [0:NUM_CB-1];
    reg [31:0] far_lo [0:NUM_CB-1];
    reg [31:0] far_hi [0:NUM_CB-1];
    reg [31:0] fsynr0 [0:NUM_CB-1];
    reg [NUM_CB-1:0] sync_pending;

    assign scr0 = scr0_r;
    genvar g;
    generate
        for (g = 0; g < NUM_SMRG; g = g + 1) begin : g_smr
            assign smr_flat[g*32 +: 32]  = smr[g];
            assign s2cr_flat[g*32 +: 32] = s2cr[g];
        end
        for (g = 0; g < NUM_CB; g = g + 1) begin : g_cb
            assign cb_sctlr_flat[g*32 +: 32] = sctlr[g];
            assign cb_tcr_flat[g*32 +: 32]   = tcr[g];
            assign cb_tcr2_flat[g*32 +: 32]  = tcr2[g];
            assign cb_ttbr0_flat[g*64 +: 64] = {ttbr0_hi[g], ttbr0_lo[g]};
            assign cb_mair_flat[g*64 +: 64]  = {mair1[g], mair0[g]};
            assign irq_context[g] = sctlr[g][`SMMU_SCTLR_CFIE_BIT] && |(fsr[g] & `SMMU_FSR_FAULT_MASK);
        end
    endgenerate
    assign irq_global = scr0_r[`SMMU_SCR0_GFIE_BIT] && |gfsr;

    // ---------------------------------------------------------------- address decode
    localparam [4:0] PAGE_GR0 = 5'd0;
    localparam [4:0] PAGE_GR1 = 5'd1;

    // word-aligned registers: the byte offset within a word is ignored
    wire unused_byte_offsets = &{1'b0, s_axil_awaddr[1:0], s_axil_araddr[1:0]};
    wire        wr_fire = s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid;
    assign s_axil_awready = wr_fire;
    assign s_axil_wready  = wr_fire;
    assign s_axil_bresp   = 2'b00;
    wire [31:0] wmask = {{8{s_axil_wstrb[3]}}, {8{s_axil_wstrb[2]}},
                         {8{s_axil_wstrb[1]}}, {8{s_axil_wstrb[0]}}};
    wire [31:0] wd = s_axil_wdata & wmask;

    wire [4:0]  w_page = s_axil_awaddr[16:12];
    wire [11:0] w_off  = {s_axil_awaddr[11:2], 2'b00};
    wire        w_gr0  = (w_page == PAGE_GR0);
    wire        w_gr1  = (w_page == PAGE_GR1);
    wire        w_cbsp = s_axil_awaddr[16];
    wire [3:0]  w_cbn  = s_axil_awaddr[15:12];
    wire        w_cb_ok = w_cbsp && ({28'd0, w_cbn} < NUM_CB);
    wire [7:0]  w_idx  = w_off[9:2];
    wire [CBW-1:0] w_cbi = w_cbn[CBW-1:0];
    wire [CBW-1:0] w_cbx = w_idx[CBW-1:0];
    wire [SMW-1:0] w_smx = w_idx[SMW-1:0];
    wire        w_smr  = w_gr0 && (w_off[11:10] == 2'b10) && ({24'd0, w_idx} < NUM_SMRG);
    wire        w_s2cr = w_gr0 && (w_off[11:10] == 2'b11) && ({24'd0, w_idx} < NUM_SMRG);
    wire        w_cbar = w_gr1 && (w_off[11:10] == 2'b00) && ({24'd0, w_idx} < NUM_CB);
    wire        w_cba2r = w_gr1 && (w_off[11:10] == 2'b10) && ({24'd0, w_idx} < NUM_CB);

    // a software write to a fault status register this cycle holds off fault recording
    wire wr_status = wr_fire && ((w_gr0 && w_off == `SMMU_GR0_SGFSR) ||
                                 (w_cb_ok && w_off == `SMMU_CB_FSR));
    assign rec_ready = !wr_status;
    wire rec_fire = rec_valid && !wr_status;

    // ---------------------------------------------------------------- writes, faults, TLBI
    integer i;
    always @(posedge clk) begin
        inv_valid <= 1'b0;
        if (rst) begin
            s_axil_bvalid <= 1'b0;
            scr0_r <= `SMMU_SCR0_RESET;
            gfsr <= 32'd0; gfar_lo <= 32'd0; gfar_hi <= 32'd0;
            gfsynr0 <= 32'd0; gfsynr1 <= 32'd0;
            gsync_pending <= 1'b0;
            sync_pending <= {NUM_CB{1'b0}};
            tlbi_lo <= 32'd0;
            inv_op <= 3'd0; inv_cb <= 8'd0; inv_asid <= 16'd0; inv_va <= 36'd0;
            for (i = 0; i < NUM_SMRG; i = i + 1) begin
                smr[i] <= 32'd0;
                s2cr[i] <= `SMMU_S2CR_RESET;
            end
            for (i = 0; i < NUM_CB; i = i + 1) begin
                cbar[i] <= 32'd0; cba2r[i] <= 32'd0; sctlr[i] <= 32'd0;
                tcr[i] <= 32'd0; tcr2[i] <= 32'd0;
                ttbr0_lo[i] <= 32'd0; ttbr0_hi[i] <= 32'd0;
                ttbr1_lo[i] <= 32'd0; ttbr1_hi[i] <= 32'd0;
                ctxidr[i] <= 32'd0; mair0[i] <= 32'd0; mair1[i] <= 32'd0;
                fsr[i] <= 32'd0; far_lo[i] <= 32'd0; far_hi[i] <= 32'd0;
                fsynr0[i] <= 32'd0;
            end
        end else begin
            if (s_axil_bvalid && s_axil_bready)
                s_axil_bvalid <= 1'b0;
            // synchronisation completes once nothing begun before it is in flight
            if (!xlate_busy && !inv_valid) begin
                gsync_pending <= 1'b0;
                sync_pending <= {NUM_CB{1'b0}};
            end
            if (wr_fire) begin
                s_axil_bvalid <= 1'b1;
                if (w_gr0) begin
                    case (w_off)
                        `SMMU_GR0_SCR0:   scr0_r <= (scr0_r & ~wmask) | wd;
                        `SMMU_GR0_SGFSR:  gfsr <= gfsr & ~wd;
                        `SMMU_GR0_TLBIALLNSNH, `SMMU_GR0_TLBIALLH, `SMMU_GR0_TLBIVMID: begin
                            inv_valid <= 1'b1; inv_op <= `SMMU_INV_OP_ALL;
                        end
                        `SMMU_GR0_STLBGSYNC: gsync_pending <= 1'b1;
                        default: ;
                    endcase
                    if (w_smr)  smr[w_smx]  <= (smr[w_smx] & ~wmask) | wd;
                    if (w_s2cr) s2cr[w_smx] <= (s2cr[w_smx] & ~wmask) | wd;
                end
                if (w_cbar)  cbar[w_cbx]  <= (cbar[w_cbx] & ~wmask) | wd;
                if (w_cba2r) cba2r[w_cbx] <= (cba2r[w_cbx] & ~wmask) | wd;
                if (w_cb_ok) begin
                    case (w_off)
                        `SMMU_CB_SCTLR:      sctlr[w_cbi] <= (sctlr[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_TCR2:       tcr2[w_cbi] <= (tcr2[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_TTBR0_LO:   ttbr0_lo[w_cbi] <= (ttbr0_lo[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_TTBR0_HI:   ttbr0_hi[w_cbi] <= (ttbr0_hi[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_TTBR1_LO:   ttbr1_lo[w_cbi] <= (ttbr1_lo[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_TTBR1_HI:   ttbr1_hi[w_cbi] <= (ttbr1_hi[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_TCR:        tcr[w_cbi] <= (tcr[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_CONTEXTIDR: ctxidr[w_cbi] <= (ctxidr[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_MAIR0:      mair0[w_cbi] <= (mair0[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_MAIR1:      mair1[w_cbi] <= (mair1[w_cbi] & ~wmask) | wd;
                        `SMMU_CB_FSR:        fsr[w_cbi] <= fsr[w_cbi] & ~wd;
                        `SMMU_CB_TLBIVA_LO, `SMMU_CB_TLBIVAA_LO,
                        `SMMU_CB_TLBIVAL_LO, `SMMU_CB_TLBIVAAL_LO: tlbi_lo <= s_axil_wdata;
                        `SMMU_CB_TLBIVA_HI, `SMMU_CB_TLBIVAA_HI,
                        `SMMU_CB_TLBIVAL_HI, `SMMU_CB_TLBIVAAL_HI: begin
                            inv_valid <= 1'b1;
                            inv_cb <= {4'd0, w_cbn};
                            inv_asid <= s_axil_wdata[31:16];
                            inv_va <= {s_axil_wdata[3:0], tlbi_lo};
                            case (w_off)
                                `SMMU_CB_TLBIVA_HI:  inv_op <= `SMMU_INV_OP_VA;
                                `SMMU_CB_TLBIVAA_HI: inv_op <= `SMMU_INV_OP_VAA;
                                `SMMU_CB_TLBIVAL_HI: inv_op <= `SMMU_INV_OP_VAL;
                                default:             inv_op <= `SMMU_INV_OP_VAAL;
                            endcase
                        end
                        `SMMU_CB_TLBIASID: begin
                            inv_valid <= 1'b1; inv_op <= `SMMU_INV_OP_ASID;
                            inv_cb <= {4'd0, w_cbn}; inv_asid <= s_axil_wdata[15:0];
                        end
                        `SMMU_CB_TLBIALL: begin
                            inv_valid <= 1'b1; inv_op <= `SMMU_INV_OP_CB;
                            inv_cb <= {4'd0, w_cbn};
                        end
                        `SMMU_CB_TLBSYNC: sync_pending[w_cbi] <= 1'b1;
                        default: ;
                    endcase
                end
            end
            // fault records: the first fault fills the syndrome, later ones set MULTI
            if (rec_fire) begin
                if (rec_global) begin
                    if (|(gfsr & GFSR_FAULTS)) begin
                        gfsr[`SMMU_GFSR_MULTI_BIT] <= 1'b1;
                    end else begin
                        gfsr <= gfsr | rec_bits;
                        gfar_lo <= rec_addr[31:0];
                        gfar_hi <= {16'd0, rec_addr[47:32]};
                        gfsynr0 <= ({31'd0, rec_wnr} << `SMMU_GFSYNR0_WNR_BIT) |
                                   ({31'd0, rec_ind} << `SMMU_GFSYNR0_IND_BIT);
                        gfsynr1 <= {16'd0, rec_sid};
                    end
                end else if ({24'd0, rec_cb} < NUM_CB) begin
                    if (|(fsr[rec_cb[CBW-1:0]] & FSR_FAULTS)) begin
                        fsr[rec_cb[CBW-1:0]][`SMMU_FSR_MULTI_BIT] <= 1'b1;
                    end else begin
                        fsr[rec_cb[CBW-1:0]] <= fsr[rec_cb[CBW-1:0]] | rec_bits;
                        far_lo[rec_cb[CBW-1:0]] <= rec_addr[31:0];
                        far_hi[rec_cb[CBW-1:0]] <= {16'd0, rec_addr[47:32]};
                        fsynr0[rec_cb[CBW-1:0]] <= ({30'd0, rec_level} << `SMMU_FSYNR0_PLVL_SHIFT) |
                                               ({31'd0, rec_wnr} << `SMMU_FSYNR0_WNR_BIT) |
                                               ({31'd0, rec_ind} << `SMMU_FSYNR0_IND_BIT) |
                                               ({31'd0, rec_ptwf} << `SMMU_FSYNR0_PTWF_BIT) |
                                               ({24'd0, rec_cb} << `SMMU_FSYNR0_S1CBNDX_SHIFT);
                    end
                end
            end
        end
    end

    // ---------------------------------------------------------------- reads
    localparam [31:0] ID0_VAL = (32'd1 << `SMMU_ID0_S1TS_BIT) | (32'd1 << `SMMU_ID0_SMS_BIT) |
                                (32'd1 << `SMMU_ID0_PTFS_NO_AARCH32_BIT) |
                                (32'd1 << `SMMU_ID0_PTFS_NO_AARCH32S_BIT) |
                                (NUM_CB << `SMMU_ID0_NUMIRPT_SHIFT) |
                                (`SMMU_SMR_FIELD_BITS << `SMMU_ID0_NUMSIDB_SHIFT) |
                                (NUM_SMRG << `SMMU_ID0_NUMSMRG_SHIFT);
    localparam [31:0] ID1_VAL = (`SMMU_NUMPAGENDXB << `SMMU_ID1_NUMPAGENDXB_SHIFT) |
                                (NUM_CB << `SMMU_ID1_NUMCB_SHIFT);
    localparam [31:0] ID2_VAL = (32'd1 << `SMMU_ID2_PTFS_4K_BIT) |
                                (`SMMU_ID2_ADDR_SIZE_48 << `SMMU_ID2_UBS_SHIFT) |
                                (`SMMU_ID2_ADDR_SIZE_48 << `SMMU_ID2_OAS_SHIFT) |
                                (`SMMU_ID2_ADDR_SIZE_48 << `SMMU_ID2_IAS_SHIFT);
    localparam [31:0] ID4_VAL = (WALK_CACHE_ENTRIES << `SMMU_ID4_WALK_CACHE_SHIFT) |
                                (TLB_ENTRIES << `SMMU_ID4_TLB_ENTRIES_SHIFT);

    wire [4:0]  r_page = s_axil_araddr[16:12];
    wire [11:0] r_off  = {s_axil_araddr[11:2], 2'b00};
    wire [3:0]  r_cbn  = s_axil_araddr[15:12];
    wire        r_cb_ok = s_axil_araddr[16] && ({28'd0, r_cbn} < NUM_CB);
    wire [7:0]  r_idx  = r_off[9:2];
    wire [CBW-1:0] r_cbi = r_cbn[CBW-1:0];
    wire [CBW-1:0] r_cbx = r_idx[CBW-1:0];
    wire [SMW-1:0] r_smx = r_idx[SMW-1:0];
    reg  [31:0] rd;
    always @* begin
        rd = 32'd0;
        if (r_page == PAGE_GR0) begin
            case (r_off)
                `SMMU_GR0_SCR0:         rd = scr0_r;
                `SMMU_GR0_ID0:          rd = ID0_VAL;
                `SMMU_GR0_ID1:          rd = ID1_VAL;
                `SMMU_GR0_ID2:          rd = ID2_VAL;
                `SMMU_GR0_ID4:          rd = ID4_VAL;
                `SMMU_GR0_SGFAR_LO:     rd = gfar_lo;
                `SMMU_GR0_SGFAR_HI:     rd = gfar_hi;
                `SMMU_GR0_SGFSR:        rd = gfsr;
                `SMMU_GR0_SGFSYNR0:     rd = gfsynr0;
                `SMMU_GR0_SGFSYNR1:     rd = gfsynr1;
                `SMMU_GR0_STLBGSTATUS:  rd = {31'd0, gsync_pending} << `SMMU_TLBGSTATUS_GSACTIVE_BIT;
                default: ;
            endcase
            if (r_off[11:10] == 2'b10 && {24'd0, r_idx} < NUM_SMRG) rd = smr[r_smx];
            if (r_off[11:10] == 2'b11 && {24'd0, r_idx} < NUM_SMRG) rd = s2cr[r_smx];
        end else if (r_page == PAGE_GR1) begin
            if (r_off[11:10] == 2'b00 && {24'd0, r_idx} < NUM_CB) rd = cbar[r_cbx];
            if (r_off[11:10] == 2'b10 && {24'd0, r_idx} < NUM_CB) rd = cba2r[r_cbx];
        end else if (r_cb_ok) begin
            case (r_off)
                `SMMU_CB_SCTLR:      rd = sctlr[r_cbi];
                `SMMU_CB_TCR2:       rd = tcr2[r_cbi];
                `SMMU_CB_TTBR0_LO:   rd = ttbr0_lo[r_cbi];
                `SMMU_CB_TTBR0_HI:   rd = ttbr0_hi[r_cbi];
                `SMMU_CB_TTBR1_LO:   rd = ttbr1_lo[r_cbi];
                `SMMU_CB_TTBR1_HI:   rd = ttbr1_hi[r_cbi];
                `SMMU_CB_TCR:        rd = tcr[r_cbi];
                `SMMU_CB_CONTEXTIDR: rd = ctxidr[r_cbi];
                `SMMU_CB_MAIR0:      rd = mair0[r_cbi];
                `SMMU_CB_MAIR1:      rd = mair1[r_cbi];
                `SMMU_CB_FSR:        rd = fsr[r_cbi];
                `SMMU_CB_FAR_LO:     rd = far_lo[r_cbi];
                `SMMU_CB_FAR_HI:     rd = far_hi[r_cbi];
                `SMMU_CB_FSYNR0:     rd = fsynr0[r_cbi];
                `SMMU_CB_TLBSTATUS:  rd = {31'd0, sync_pending[r_cbi]} << `SMMU_TLBSTATUS_SACTIVE_BIT;
                default: ;
            endcase
        end
    end

    assign s_axil_arready = !s_axil_rvalid;
    assign s_axil_rresp = 2'b00;
    always @(posedge clk) begin
        if (rst) begin
            s_axil_rvalid <= 1'b0;
            s_axil_rdata <= 32'd0;
        end else begin
            if (s_axil_rvalid && s_axil_rready)
                s_axil_rvalid <= 1'b0;
            if (s_axil_arvalid && !s_axil_rvalid) begin
                s_axil_rvalid <= 1'b1;
                s_axil_rdata <= rd;
            end
        end
    end
endmodule
