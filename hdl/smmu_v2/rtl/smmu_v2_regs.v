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
// translation operations (ID0.ATOSNS = 1; PAR reads 0), the RESUME register,
// performance monitors.
// 64-bit registers: with AXIL_DATA_WIDTH = 64 a 64-bit access reads or writes both
// words in one beat; with 32 bits they are two word accesses. A 64-bit TLBI
// operation acts on the write of its LOW word, taking the upper word from the same
// beat or from the last upper-word write: the order io-64-nonatomic-hi-lo.h (which
// arm-smmu.c includes) splits writeq into, high word first (docs/smmu.md).
`include "smmu_defs.vh"

module smmu_v2_regs #(
    parameter NUM_CB = 8,
    parameter NUM_SMRG = 16,
    parameter TLB_ENTRIES = 32,
    parameter WALK_CACHE_ENTRIES = 8,
    parameter AXIL_DATA_WIDTH = 32              // 32 or 64
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
    input  wire [AXIL_DATA_WIDTH-1:0]   s_axil_wdata,
    input  wire [AXIL_DATA_WIDTH/8-1:0] s_axil_wstrb,
    input  wire                   s_axil_wvalid,
    output wire                   s_axil_wready,
    output wire [1:0]             s_axil_bresp,
    output reg                    s_axil_bvalid,
    input  wire                   s_axil_bready,
    input  wire [16:0]            s_axil_araddr,
    input  wire                   s_axil_arvalid,
    output wire                   s_axil_arready,
    output reg  [AXIL_DATA_WIDTH-1:0]   s_axil_rdata,
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
    reg [31:0] tlbi_hi;          // upper word (ASID, VA[55:44]) of a 64-bit TLBI operand
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

    // ---------------------------------------------------------------- write lanes
    // One 32-bit register word per lane: a 64-bit port writes the word at the
    // 8-byte-aligned address with strobes [3:0] and the one above it with [7:4].
    localparam NL = AXIL_DATA_WIDTH / 32;
    localparam [4:0] LANE_SHIFT = (NL == 2) ? 5'd3 : 5'd2;
    wire        wr_fire = s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid;
    assign s_axil_awready = wr_fire;
    assign s_axil_wready  = wr_fire;
    assign s_axil_bresp   = 2'b00;

    wire [4:0]  w_page = s_axil_awaddr[16:12];
    wire        w_gr0  = (w_page == PAGE_GR0);
    wire        w_gr1  = (w_page == PAGE_GR1);
    wire        w_cbsp = s_axil_awaddr[16];
    wire [3:0]  w_cbn  = s_axil_awaddr[15:12];
    wire        w_cb_ok = w_cbsp && ({28'd0, w_cbn} < NUM_CB);
    wire [CBW-1:0] w_cbi = w_cbn[CBW-1:0];
    // the byte offset within a word (and, on a 64-bit port, the word within the
    // beat: the strobes choose it) is not decoded
    wire unused_byte_offsets = &{1'b0, s_axil_awaddr[LANE_SHIFT-1:0],
                                 s_axil_araddr[LANE_SHIFT-1:0]};

    wire [NL-1:0]    lw_we;           // lane l writes a word
    wire [NL*12-1:0] lw_off;          // its offset in the 4 KiB page
    wire [NL*32-1:0] lw_m, lw_d;      // byte mask, masked data
    genvar l;
    generate
        for (l = 0; l < NL; l = l + 1) begin : g_lane
            wire [3:0] strb = s_axil_wstrb[4*l +: 4];
            assign lw_we[l] = wr_fire && (strb != 4'd0);
            if (NL == 2 && l == 0) begin : g_off64_lo
                assign lw_off[12*l +: 12] = {s_axil_awaddr[11:3], 3'b000};
            end else if (NL == 2) begin : g_off64_hi
                assign lw_off[12*l +: 12] = {s_axil_awaddr[11:3], 3'b100};
            end else begin : g_off32
                assign lw_off[12*l +: 12] = {s_axil_awaddr[11:2], 2'b00};
            end
            assign lw_m[32*l +: 32] = {{8{strb[3]}}, {8{strb[2]}}, {8{strb[1]}}, {8{strb[0]}}};
            assign lw_d[32*l +: 32] = s_axil_wdata[32*l +: 32] & lw_m[32*l +: 32];
        end
    endgenerate

    // the upper word of a 64-bit TLBI operand: from this beat's upper lane if it
    // writes one, else the last one written
    function is_tlbi_hi;
        input [11:0] off;
        is_tlbi_hi = (off == `SMMU_CB_TLBIVA_HI) || (off == `SMMU_CB_TLBIVAA_HI) ||
                     (off == `SMMU_CB_TLBIVAL_HI) || (off == `SMMU_CB_TLBIVAAL_HI);
    endfunction
    wire hi_in_beat = (NL == 2) && w_cb_ok && lw_we[NL-1] && is_tlbi_hi(lw_off[12*(NL-1) +: 12]);
    wire [31:0] tlbi_hi_eff = hi_in_beat ? s_axil_wdata[32*(NL-1) +: 32] : tlbi_hi;
    wire unused_tlbi_res0 = &{1'b0, tlbi_hi_eff[15:12]};     // operand [47:44] RES0

    // a software write to a fault status register this cycle holds off fault recording
    reg wr_status;
    integer k;
    always @* begin
        wr_status = 1'b0;
        for (k = 0; k < NL; k = k + 1)
            if (lw_we[k] && ((w_gr0 && lw_off[12*k +: 12] == `SMMU_GR0_SGFSR) ||
                             (w_cb_ok && lw_off[12*k +: 12] == `SMMU_CB_FSR)))
                wr_status = 1'b1;
    end
    assign rec_ready = !wr_status;
    wire rec_fire = rec_valid && !wr_status;

    // one register word written: `off` in the page the address names, `d` the
    // strobed data, `m` the byte mask, `raw` the lane's data
    task write_word;
        input [11:0] off;
        input [31:0] d;
        input [31:0] m;
        input [31:0] raw;
        begin
            if (w_gr0) begin
                case (off)
                    `SMMU_GR0_SCR0:   scr0_r <= (scr0_r & ~m) | d;
                    `SMMU_GR0_SGFSR:  gfsr <= gfsr & ~d;
                    `SMMU_GR0_TLBIALLNSNH, `SMMU_GR0_TLBIALLH, `SMMU_GR0_TLBIVMID: begin
                        inv_valid <= 1'b1; inv_op <= `SMMU_INV_OP_ALL;
                    end
                    `SMMU_GR0_STLBGSYNC: gsync_pending <= 1'b1;
                    default: ;
                endcase
                if (off[11:10] == 2'b10 && {24'd0, off[9:2]} < NUM_SMRG)
                    smr[off[2 +: SMW]] <= (smr[off[2 +: SMW]] & ~m) | d;
                if (off[11:10] == 2'b11 && {24'd0, off[9:2]} < NUM_SMRG)
                    s2cr[off[2 +: SMW]] <= (s2cr[off[2 +: SMW]] & ~m) | d;
            end
            if (w_gr1 && off[11:10] == 2'b00 && {24'd0, off[9:2]} < NUM_CB)
                cbar[off[2 +: CBW]] <= (cbar[off[2 +: CBW]] & ~m) | d;
            if (w_gr1 && off[11:10] == 2'b10 && {24'd0, off[9:2]} < NUM_CB)
                cba2r[off[2 +: CBW]] <= (cba2r[off[2 +: CBW]] & ~m) | d;
            if (w_cb_ok) begin
                case (off)
                    `SMMU_CB_SCTLR:      sctlr[w_cbi] <= (sctlr[w_cbi] & ~m) | d;
                    `SMMU_CB_TCR2:       tcr2[w_cbi] <= (tcr2[w_cbi] & ~m) | d;
                    `SMMU_CB_TTBR0_LO:   ttbr0_lo[w_cbi] <= (ttbr0_lo[w_cbi] & ~m) | d;
                    `SMMU_CB_TTBR0_HI:   ttbr0_hi[w_cbi] <= (ttbr0_hi[w_cbi] & ~m) | d;
                    `SMMU_CB_TTBR1_LO:   ttbr1_lo[w_cbi] <= (ttbr1_lo[w_cbi] & ~m) | d;
                    `SMMU_CB_TTBR1_HI:   ttbr1_hi[w_cbi] <= (ttbr1_hi[w_cbi] & ~m) | d;
                    `SMMU_CB_TCR:        tcr[w_cbi] <= (tcr[w_cbi] & ~m) | d;
                    `SMMU_CB_CONTEXTIDR: ctxidr[w_cbi] <= (ctxidr[w_cbi] & ~m) | d;
                    `SMMU_CB_MAIR0:      mair0[w_cbi] <= (mair0[w_cbi] & ~m) | d;
                    `SMMU_CB_MAIR1:      mair1[w_cbi] <= (mair1[w_cbi] & ~m) | d;
                    `SMMU_CB_FSR:        fsr[w_cbi] <= fsr[w_cbi] & ~d;
                    `SMMU_CB_TLBIVA_HI, `SMMU_CB_TLBIVAA_HI,
                    `SMMU_CB_TLBIVAL_HI, `SMMU_CB_TLBIVAAL_HI: tlbi_hi <= raw;
                    // the operation: on the low word, with the complete operand;
                    // a VA at or above 2^48 (operand VA[55:48] != 0) is never cached
                    `SMMU_CB_TLBIVA_LO, `SMMU_CB_TLBIVAA_LO,
                    `SMMU_CB_TLBIVAL_LO, `SMMU_CB_TLBIVAAL_LO: begin
                        inv_valid <= (tlbi_hi_eff[11:4] == 8'd0);
                        inv_cb <= {4'd0, w_cbn};
                        inv_asid <= tlbi_hi_eff[31:16];
                        inv_va <= {tlbi_hi_eff[3:0], raw};
                        case (off)
                            `SMMU_CB_TLBIVA_LO:  inv_op <= `SMMU_INV_OP_VA;
                            `SMMU_CB_TLBIVAA_LO: inv_op <= `SMMU_INV_OP_VAA;
                            `SMMU_CB_TLBIVAL_LO: inv_op <= `SMMU_INV_OP_VAL;
                            default:             inv_op <= `SMMU_INV_OP_VAAL;
                        endcase
                    end
                    `SMMU_CB_TLBIASID: begin
                        inv_valid <= 1'b1; inv_op <= `SMMU_INV_OP_ASID;
                        inv_cb <= {4'd0, w_cbn}; inv_asid <= raw[15:0];
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
    endtask

    // ---------------------------------------------------------------- writes, faults, TLBI
    integer i, j;
    always @(posedge clk) begin
        inv_valid <= 1'b0;
        if (rst) begin
            s_axil_bvalid <= 1'b0;
            scr0_r <= `SMMU_SCR0_RESET;
            gfsr <= 32'd0; gfar_lo <= 32'd0; gfar_hi <= 32'd0;
            gfsynr0 <= 32'd0; gfsynr1 <= 32'd0;
            gsync_pending <= 1'b0;
            sync_pending <= {NUM_CB{1'b0}};
            tlbi_hi <= 32'd0;
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
            if (wr_fire)
                s_axil_bvalid <= 1'b1;
            for (j = 0; j < NL; j = j + 1)
                if (lw_we[j])
                    write_word(lw_off[12*j +: 12], lw_d[32*j +: 32], lw_m[32*j +: 32],
                               s_axil_wdata[32*j +: 32]);
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
                                (`SMMU_IMPL_ATOSNS << `SMMU_ID0_ATOSNS_BIT) |
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
    wire [3:0]  r_cbn  = s_axil_araddr[15:12];
    wire        r_cb_ok = s_axil_araddr[16] && ({28'd0, r_cbn} < NUM_CB);
    wire [CBW-1:0] r_cbi = r_cbn[CBW-1:0];
    // the register word of each lane: a 64-bit port returns the word pair of the
    // 8-byte-aligned address, each word on its own lanes, whether the master asked
    // for 4 or 8 bytes. (An always block, not a function: a function's body is not
    // in the sensitivity list, and the registers it reads would be missed.)
    reg  [AXIL_DATA_WIDTH-1:0] rd;
    reg  [31:0] rw;
    reg  [11:0] off;
    integer rl;
    always @* begin
        rd = {AXIL_DATA_WIDTH{1'b0}};
        for (rl = 0; rl < NL; rl = rl + 1) begin
            off = (NL == 2) ? {s_axil_araddr[11:3], rl[0], 2'b00} : {s_axil_araddr[11:2], 2'b00};
            rw = 32'd0;
            if (r_page == PAGE_GR0) begin
                case (off)
                    `SMMU_GR0_SCR0:         rw = scr0_r;
                    `SMMU_GR0_ID0:          rw = ID0_VAL;
                    `SMMU_GR0_ID1:          rw = ID1_VAL;
                    `SMMU_GR0_ID2:          rw = ID2_VAL;
                    `SMMU_GR0_ID4:          rw = ID4_VAL;
                    `SMMU_GR0_SGFAR_LO:     rw = gfar_lo;
                    `SMMU_GR0_SGFAR_HI:     rw = gfar_hi;
                    `SMMU_GR0_SGFSR:        rw = gfsr;
                    `SMMU_GR0_SGFSYNR0:     rw = gfsynr0;
                    `SMMU_GR0_SGFSYNR1:     rw = gfsynr1;
                    `SMMU_GR0_STLBGSTATUS:  rw = {31'd0, gsync_pending} << `SMMU_TLBGSTATUS_GSACTIVE_BIT;
                    default: ;
                endcase
                if (off[11:10] == 2'b10 && {24'd0, off[9:2]} < NUM_SMRG) rw = smr[off[2 +: SMW]];
                if (off[11:10] == 2'b11 && {24'd0, off[9:2]} < NUM_SMRG) rw = s2cr[off[2 +: SMW]];
            end else if (r_page == PAGE_GR1) begin
                if (off[11:10] == 2'b00 && {24'd0, off[9:2]} < NUM_CB) rw = cbar[off[2 +: CBW]];
                if (off[11:10] == 2'b10 && {24'd0, off[9:2]} < NUM_CB) rw = cba2r[off[2 +: CBW]];
            end else if (r_cb_ok) begin
                case (off)
                    `SMMU_CB_SCTLR:      rw = sctlr[r_cbi];
                    `SMMU_CB_TCR2:       rw = tcr2[r_cbi];
                    `SMMU_CB_TTBR0_LO:   rw = ttbr0_lo[r_cbi];
                    `SMMU_CB_TTBR0_HI:   rw = ttbr0_hi[r_cbi];
                    `SMMU_CB_TTBR1_LO:   rw = ttbr1_lo[r_cbi];
                    `SMMU_CB_TTBR1_HI:   rw = ttbr1_hi[r_cbi];
                    `SMMU_CB_TCR:        rw = tcr[r_cbi];
                    `SMMU_CB_CONTEXTIDR: rw = ctxidr[r_cbi];
                    `SMMU_CB_MAIR0:      rw = mair0[r_cbi];
                    `SMMU_CB_MAIR1:      rw = mair1[r_cbi];
                    `SMMU_CB_FSR:        rw = fsr[r_cbi];
                    `SMMU_CB_FAR_LO:     rw = far_lo[r_cbi];
                    `SMMU_CB_FAR_HI:     rw = far_hi[r_cbi];
                    `SMMU_CB_FSYNR0:     rw = fsynr0[r_cbi];
                    `SMMU_CB_TLBSTATUS:  rw = {31'd0, sync_pending[r_cbi]} << `SMMU_TLBSTATUS_SACTIVE_BIT;
                    default: ;
                endcase
            end
            rd[32*rl +: 32] = rw;
        end
    end

    assign s_axil_arready = !s_axil_rvalid;
    assign s_axil_rresp = 2'b00;
    always @(posedge clk) begin
        if (rst) begin
            s_axil_rvalid <= 1'b0;
            s_axil_rdata <= {AXIL_DATA_WIDTH{1'b0}};
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
