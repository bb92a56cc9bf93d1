// smmu_ptw: stage-1 page-table walker of the SMMU translation core.
//
// Follows the VMSAv8-64 stage-1 translation table walk (ARM ARM D5,
// AArch64.TranslationTableWalk) for TTBR0, AArch64 descriptors, 4 KiB granule:
// T0SZ 16..39 chooses the start level (0, 1 or 2) and the start table's size, to
// which TTBR0 is aligned (16 bytes for a 2-entry table);
// table descriptors at levels 0-2, blocks at levels 1-2, pages at level 3; TCR.IPS
// bounds every output address; hierarchical APTable/UXNTable/PXNTable are gathered.
// Fault order as the ARM ARM gives it: input address out of range / EPD0
// (translation, level 0), TTBR address size (level 0), then per level external
// abort (walker SLVERR/DECERR), translation (invalid or reserved descriptor),
// address size; then access flag. Permission checks are made on every use of the
// TLB entry (smmu_xlate_chan), not here.
//
// One walk at a time: one 8-byte read per level on its own AXI4 read master; the
// read of the next level leaves in the cycle the table descriptor arrives. The
// walk starts at the deepest level the walk cache knows. A leaf fills the TLB, a
// table descriptor fills the walk cache. An invalidation during a walk poisons it:
// nothing is filled and the requester is told to retry, so no walk that began before
// a TLBI can leave stale state behind it.
//
// Leaves out: TTBR1 (upper VA range), TG0 other than 4 KiB (TG0 is ignored), the
// 52-bit formats, hardware AF/dirty update, walk attributes from TCR.IRGN/ORGN.
`include "smmu_defs.vh"
`include "lpae_defs.vh"

module smmu_ptw #(
    parameter ID_WIDTH = 8
) (
    input  wire                clk,
    input  wire                rst,
    // walk request
    input  wire                rq_valid,
    output wire                rq_ready,
    input  wire [7:0]          rq_cb,
    input  wire [15:0]         rq_asid,
    input  wire [47:0]         rq_ttbr,     // TTBR0 base address bits [47:0]
    input  wire [5:0]          rq_t0sz,
    input  wire [2:0]          rq_ips,
    input  wire                rq_epd0,
    input  wire [63:0]         rq_mair,
    input  wire [47:0]         rq_va,
    // walk cache lookup (of the request being accepted) and fill
    input  wire                wc_hit,
    input  wire [1:0]          wc_lvl,
    input  wire [35:0]         wc_table,
    input  wire [3:0]          wc_hattr,
    output wire                wc_p_valid,
    output wire [7:0]          wc_p_cb,
    output wire [15:0]         wc_p_asid,
    output wire [1:0]          wc_p_lvl,
    output wire [35:0]         wc_p_va,
    output wire [35:0]         wc_p_table,
    output wire [3:0]          wc_p_hattr,
    // TLB fill
    output wire                f_valid,
    output wire [7:0]          f_cb,
    output wire [15:0]         f_asid,
    output wire                f_ng,
    output wire [35:0]         f_va,
    output wire [1:0]          f_level,
    output wire [35:0]         f_pa,
    output wire [7:0]          f_attr,
    output wire [3:0]          f_perm,      // {pxn, uxn, ap_unpriv, ap_rdonly}
    // result (one cycle)
    output reg                 done,
    output reg                 done_retry,
    output reg                 done_fault,
    output reg  [31:0]         done_fsr,    // one-hot FSR fault bit
    output reg  [1:0]          done_level,
    output reg                 done_ptwf,
    // invalidation in progress
    input  wire                inv_valid,
    output wire                busy_poisoned,
    // AXI4 read master into the page tables
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
    /* verilator lint_off UNUSEDSIGNAL */ // single-beat reads: id/last carry nothing
    input  wire [ID_WIDTH-1:0] m_axi_ptw_rid,
    input  wire                m_axi_ptw_rlast,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [63:0]         m_axi_ptw_rdata,
    input  wire [1:0]          m_axi_ptw_rresp,
    input  wire                m_axi_ptw_rvalid,
    output wire                m_axi_ptw_rready
);
    localparam [1:0] S_IDLE = 2'd0, S_AR = 2'd1, S_R = 2'd2;
    localparam [31:0] FSR_TF  = 32'd1 << `SMMU_FSR_TF_BIT;
    localparam [31:0] FSR_AFF = 32'd1 << `SMMU_FSR_AFF_BIT;
    localparam [31:0] FSR_EF  = 32'd1 << `SMMU_FSR_EF_BIT;
    localparam [31:0] FSR_ASF = 32'd1 << `SMMU_FSR_ASF_BIT;

    reg [1:0]  state;
    reg [7:0]  w_cb;
    reg [15:0] w_asid;
    reg [47:0] w_va;
    reg [63:0] w_mair;
    reg [47:0] w_oas_hi;    // address bits above the output size
    reg [1:0]  w_level;
    reg [47:0] w_table;
    reg [3:0]  w_hattr;     // {PXNTable, UXNTable, APTable[0] (no EL0), APTable[1] (RO)}
    reg        poison;

    assign rq_ready = (state == S_IDLE);
    assign busy_poisoned = (state != S_IDLE) && (poison || inv_valid);

    // ---------------------------------------------------------------- request decode
    localparam [5:0] T0SZ_MIN = `LPAE_T0SZ_MIN;
    localparam [5:0] T0SZ_MAX = `LPAE_T0SZ_MAX;
    // T0SZ outside 16..39 is clamped (docs/smmu.md)
    wire [5:0] t0sz_c = (rq_t0sz < T0SZ_MIN) ? T0SZ_MIN :
                        (rq_t0sz > T0SZ_MAX) ? T0SZ_MAX : rq_t0sz;
    wire [6:0] ias = 7'd64 - {1'b0, t0sz_c};
    wire [1:0] start_lvl = (ias > 7'd39) ? 2'd0 : (ias > 7'd30) ? 2'd1 : 2'd2;
    // index bits of the start table; the table is aligned to its own size, x = log2
    // of its bytes (ARM ARM TTBR0_EL1.BADDR, AArch64.S1TTBaseAddress: the 64-byte
    // minimum is only for a 52-bit BADDR); TTBR0 bits [x-1:0] are RES0, taken as zero
    wire [6:0] first_bits = ias - 7'd12 - 7'd9 * (7'd3 - {5'd0, start_lvl});
    wire [6:0] align_bits = first_bits + 7'd3;
    wire [47:0] ones48 = {48{1'b1}};
    wire [47:0] ia_hi = ones48 << ias[5:0];                // VA bits above the input size
    function [47:0] oas_hi_mask;
        input [2:0] ips;
        begin
            case (ips)
                3'd0: oas_hi_mask = {{16{1'b1}}, 32'd0};
                3'd1: oas_hi_mask = {{12{1'b1}}, 36'd0};
                3'd2: oas_hi_mask = {{8{1'b1}}, 40'd0};
                3'd3: oas_hi_mask = {{6{1'b1}}, 42'd0};
                3'd4: oas_hi_mask = {{4{1'b1}}, 44'd0};
                default: oas_hi_mask = 48'd0;
            endcase
        end
    endfunction
    wire [47:0] rq_oas_hi = oas_hi_mask(rq_ips);
    wire rq_out_of_range = rq_epd0 || ((rq_va & ia_hi) != 48'd0);
    wire rq_ttbr_asf = (rq_ttbr & rq_oas_hi) != 48'd0;
    wire [47:0] rq_base = rq_ttbr & (ones48 << align_bits[5:0]);
    wire use_wc = wc_hit && (wc_lvl > start_lvl);

    // ---------------------------------------------------------------- descriptor decode
    wire [63:0] desc = m_axi_ptw_rdata;
    wire        r_fire = (state == S_R) && m_axi_ptw_rvalid;
    wire        r_err = m_axi_ptw_rresp[1];
    wire        d_invalid = !desc[`LPAE_PTE_VALID_BIT] ||
                            (w_level == 2'd3 && desc[1:0] == `LPAE_PTE_TYPE_BLOCK);
    wire        d_table = (w_level != 2'd3) && desc[1:0] == `LPAE_PTE_TYPE_TABLE;
    wire [47:0] d_addr = {desc[`LPAE_PTE_ADDR_HI:`LPAE_PTE_ADDR_LO], 12'd0};
    wire [47:0] blk_lo = (w_level == 2'd1) ? {18'd0, {30{1'b1}}} :
                         (w_level == 2'd2) ? {27'd0, {21{1'b1}}} : {36'd0, 12'hfff};
    wire [47:0] d_oa = d_addr & ~blk_lo;
    wire        d_table_asf = (d_addr & w_oas_hi) != 48'd0;
    wire        d_leaf_asf = (d_oa & w_oas_hi) != 48'd0;
    wire        d_af = desc[`LPAE_PTE_AF_BIT];
    wire [3:0]  d_hattr = w_hattr | {desc[`LPAE_PTE_PXNTABLE_BIT], desc[`LPAE_PTE_UXNTABLE_BIT],
                                     desc[`LPAE_PTE_APTABLE_NOUNPRIV_BIT],
                                     desc[`LPAE_PTE_APTABLE_RDONLY_BIT]};
    wire        ap_rdonly = desc[`LPAE_PTE_AP_RDONLY_BIT] || w_hattr[0];
    wire        ap_unpriv = desc[`LPAE_PTE_AP_UNPRIV_BIT] && !w_hattr[1];
    wire        uxn = desc[`LPAE_PTE_XN_BIT] || w_hattr[2];
    wire        pxn = desc[`LPAE_PTE_PXN_BIT] || w_hattr[3] || (ap_unpriv && !ap_rdonly);
    wire [2:0]  attr_idx = desc[`LPAE_PTE_ATTRINDX_SHIFT +: 3];
    wire [8:0]  idx = (w_level == 2'd0) ? w_va[47:39] : (w_level == 2'd1) ? w_va[38:30] :
                      (w_level == 2'd2) ? w_va[29:21] : w_va[20:12];
    // index into the next-level table, for issuing its read in the cycle the table
    // descriptor arrives
    wire [8:0]  idx_next = (w_level == 2'd0) ? w_va[38:30] : (w_level == 2'd1) ? w_va[29:21] :
                           w_va[20:12];

    wire leaf_ok = r_fire && !r_err && !d_invalid && !d_table && (w_level != 2'd0) &&
                   !d_leaf_asf && d_af;
    wire table_ok = r_fire && !r_err && !d_invalid && d_table && !d_table_asf;
    wire keep = !poison && !inv_valid;

    assign f_valid = leaf_ok && keep;
    assign f_cb = w_cb;
    assign f_asid = w_asid;
    assign f_ng = desc[`LPAE_PTE_NG_BIT];
    assign f_va = w_va[47:12];
    assign f_level = w_level;
    assign f_pa = d_oa[47:12];
    assign f_attr = w_mair[{attr_idx, 3'b000} +: 8];
    assign f_perm = {pxn, uxn, ap_unpriv, ap_rdonly};

    assign wc_p_valid = table_ok && keep;
    assign wc_p_cb = w_cb;
    assign wc_p_asid = w_asid;
    assign wc_p_lvl = w_level + 2'd1;
    assign wc_p_va = w_va[47:12];
    assign wc_p_table = d_addr[47:12];
    assign wc_p_hattr = d_hattr;

    // RESP[0] only tells SLVERR from DECERR; page offsets, shareability, NS and the
    // software/contiguous bits of a descriptor play no part in the walk
    wire unused_bits = &{1'b0, m_axi_ptw_rresp[0], w_va[11:0], align_bits[6], desc[63],
                         desc[58:55], desc[52:48], desc[9:8], desc[5]};

    assign m_axi_ptw_arid = {ID_WIDTH{1'b0}};
    // the next level's read leaves in the cycle its table descriptor arrives
    wire chain = table_ok;
    assign m_axi_ptw_araddr = chain ? (d_addr | {36'd0, idx_next, 3'b000})
                                    : (w_table | {36'd0, idx, 3'b000});
    assign m_axi_ptw_arlen = 8'd0;
    assign m_axi_ptw_arsize = 3'd3;           // one 8-byte descriptor
    assign m_axi_ptw_arburst = 2'b01;
    assign m_axi_ptw_arlock = 1'b0;
    assign m_axi_ptw_arcache = 4'b0011;       // normal non-cacheable bufferable
    assign m_axi_ptw_arprot = 3'b010;         // non-secure, unprivileged data
    assign m_axi_ptw_arvalid = (state == S_AR) || chain;
    assign m_axi_ptw_rready = (state == S_R);

    always @(posedge clk) begin
        done <= 1'b0;
        if (rst) begin
            state <= S_IDLE;
            poison <= 1'b0;
            done_retry <= 1'b0; done_fault <= 1'b0; done_fsr <= 32'd0;
            done_level <= 2'd0; done_ptwf <= 1'b0;
            w_cb <= 8'd0; w_asid <= 16'd0; w_va <= 48'd0; w_mair <= 64'd0;
            w_oas_hi <= 48'd0; w_level <= 2'd0; w_table <= 48'd0; w_hattr <= 4'd0;
        end else begin
            if (state != S_IDLE && inv_valid)
                poison <= 1'b1;
            case (state)
                S_IDLE: if (rq_valid) begin
                    w_cb <= rq_cb; w_asid <= rq_asid; w_va <= rq_va; w_mair <= rq_mair;
                    w_oas_hi <= rq_oas_hi;
                    poison <= inv_valid;
                    if (rq_out_of_range || rq_ttbr_asf) begin
                        done <= 1'b1;
                        done_retry <= inv_valid;
                        done_fault <= 1'b1;
                        done_fsr <= rq_out_of_range ? FSR_TF : FSR_ASF;
                        done_level <= 2'd0;
                        done_ptwf <= 1'b0;
                    end else begin
                        state <= S_AR;
                        w_level <= use_wc ? wc_lvl : start_lvl;
                        w_table <= use_wc ? {wc_table, 12'd0} : rq_base;
                        w_hattr <= use_wc ? wc_hattr : 4'd0;
                    end
                end
                S_AR: if (m_axi_ptw_arready) state <= S_R;
                default: if (r_fire) begin
                    if (table_ok) begin
                        state <= m_axi_ptw_arready ? S_R : S_AR;
                        w_level <= w_level + 2'd1;
                        w_table <= d_addr;
                        w_hattr <= d_hattr;
                    end else begin
                        state <= S_IDLE;
                        done <= 1'b1;
                        done_retry <= poison || inv_valid;
                        done_fault <= !leaf_ok;
                        done_level <= w_level;
                        done_ptwf <= r_err;
                        done_fsr <= r_err ? FSR_EF :
                                    (d_invalid || (!d_table && w_level == 2'd0)) ? FSR_TF :
                                    (d_table ? d_table_asf : d_leaf_asf) ? FSR_ASF :
                                    !d_af ? FSR_AFF : 32'd0;
                    end
                end
            endcase
        end
    end
endmodule
