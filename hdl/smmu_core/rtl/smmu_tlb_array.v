// smmu_tlb_array: fully associative stage-1 TLB of the SMMU translation core.
//
// Holds last-level (leaf) translations: 4 KiB pages, 2 MiB and 1 GiB blocks, each
// tagged with its context bank, ASID and nG bit (a global entry matches any ASID of
// its bank), as the VMSAv8-64 TLB model describes. Two combinational lookup ports
// (the write- and the read-address channel), one fill port (from the walker), and
// one-cycle invalidation over every entry (TLBIALL/ASID/VA/VAL/VAA/VAAL by bank,
// TLBIALLNSNH for all). A fill of a tag already present overwrites that entry, so
// a lookup never sees two hits. Replacement: first invalid entry, else the first
// entry whose MRU bit is clear (bit-PLRU: hits and fills set their bit, and all
// other bits clear when every bit would be set).
//
// Leaves out: VMID tags (the bank index stands in for VMID+bank), the contiguous
// hint, TLB conflict aborts (they cannot arise: fills deduplicate).
`include "smmu_defs.vh"

module smmu_tlb_array #(
    parameter ENTRIES = 32
) (
    input  wire        clk,
    input  wire        rst,
    // lookup port A
    input  wire [7:0]  a_cb,
    input  wire [15:0] a_asid,
    input  wire [35:0] a_va,        // VA[47:12]
    output reg         a_hit,
    output reg  [35:0] a_pa,        // PA[47:12], block offset merged in
    output reg  [7:0]  a_attr,      // MAIR attribute byte
    output reg  [3:0]  a_perm,      // {pxn, uxn, ap_unpriv, ap_rdonly}
    output reg  [1:0]  a_level,
    // lookup port B
    input  wire [7:0]  b_cb,
    input  wire [15:0] b_asid,
    input  wire [35:0] b_va,
    output reg         b_hit,
    output reg  [35:0] b_pa,
    output reg  [7:0]  b_attr,
    output reg  [3:0]  b_perm,
    output reg  [1:0]  b_level,
    // fill
    input  wire        f_valid,
    input  wire [7:0]  f_cb,
    input  wire [15:0] f_asid,
    input  wire        f_ng,
    input  wire [35:0] f_va,
    input  wire [1:0]  f_level,
    input  wire [35:0] f_pa,
    input  wire [7:0]  f_attr,
    input  wire [3:0]  f_perm,
    // invalidation
    input  wire        inv_valid,
    input  wire [2:0]  inv_op,
    input  wire [7:0]  inv_cb,
    input  wire [15:0] inv_asid,
    input  wire [35:0] inv_va
);
    localparam IW = (ENTRIES > 1) ? $clog2(ENTRIES) : 1;

    reg [ENTRIES-1:0] e_valid;
    reg [ENTRIES-1:0] e_mru;
    reg [ENTRIES-1:0] e_ng;
    reg [7:0]  e_cb    [0:ENTRIES-1];
    reg [15:0] e_asid  [0:ENTRIES-1];
    reg [1:0]  e_level [0:ENTRIES-1];
    reg [35:0] e_va    [0:ENTRIES-1];
    reg [35:0] e_pa    [0:ENTRIES-1];
    reg [7:0]  e_attr  [0:ENTRIES-1];
    reg [3:0]  e_perm  [0:ENTRIES-1];

    // VA[47:12] bits that name the region an entry of `level` covers
    function [35:0] level_mask;
        input [1:0] level;
        begin
            case (level)
                2'd1:    level_mask = {{18{1'b1}}, 18'd0};
                2'd2:    level_mask = {{27{1'b1}}, 9'd0};
                default: level_mask = {36{1'b1}};
            endcase
        end
    endfunction

    // ---------------------------------------------------------------- lookups
    reg [ENTRIES-1:0] a_vec, b_vec, f_vec;
    reg [35:0] m;
    integer i;
    always @* begin
        a_hit = 1'b0; a_pa = 36'd0; a_attr = 8'd0; a_perm = 4'd0; a_level = 2'd0;
        b_hit = 1'b0; b_pa = 36'd0; b_attr = 8'd0; b_perm = 4'd0; b_level = 2'd0;
        a_vec = {ENTRIES{1'b0}};
        b_vec = {ENTRIES{1'b0}};
        f_vec = {ENTRIES{1'b0}};
        for (i = ENTRIES - 1; i >= 0; i = i - 1) begin
            m = level_mask(e_level[i]);
            if (e_valid[i] && e_cb[i] == a_cb && (!e_ng[i] || e_asid[i] == a_asid) &&
                    ((e_va[i] ^ a_va) & m) == 36'd0) begin
                a_vec[i] = 1'b1;
                a_hit = 1'b1;
                a_pa = (e_pa[i] & m) | (a_va & ~m);
                a_attr = e_attr[i];
                a_perm = e_perm[i];
                a_level = e_level[i];
            end
            if (e_valid[i] && e_cb[i] == b_cb && (!e_ng[i] || e_asid[i] == b_asid) &&
                    ((e_va[i] ^ b_va) & m) == 36'd0) begin
                b_vec[i] = 1'b1;
                b_hit = 1'b1;
                b_pa = (e_pa[i] & m) | (b_va & ~m);
                b_attr = e_attr[i];
                b_perm = e_perm[i];
                b_level = e_level[i];
            end
            // an entry the fill would duplicate (same bank, ASID class, region)
            if (e_valid[i] && e_cb[i] == f_cb && e_ng[i] == f_ng &&
                    (!f_ng || e_asid[i] == f_asid) &&
                    ((e_va[i] ^ f_va) & m & level_mask(f_level)) == 36'd0)
                f_vec[i] = 1'b1;
        end
    end

    // ---------------------------------------------------------------- victim
    reg [IW-1:0] victim;
    reg          found;
    always @* begin
        victim = {IW{1'b0}};
        found = 1'b0;
        for (i = ENTRIES - 1; i >= 0; i = i - 1)
            if (f_vec[i]) begin victim = i[IW-1:0]; found = 1'b1; end
        if (!found)
            for (i = ENTRIES - 1; i >= 0; i = i - 1)
                if (!e_valid[i]) begin victim = i[IW-1:0]; found = 1'b1; end
        if (!found)
            for (i = ENTRIES - 1; i >= 0; i = i - 1)
                if (!e_mru[i]) begin victim = i[IW-1:0]; found = 1'b1; end
    end

    // ---------------------------------------------------------------- invalidation match
    reg [ENTRIES-1:0] kill;
    reg               same_cb, asid_ok, va_ok;
    always @* begin
        kill = {ENTRIES{1'b0}};
        same_cb = 1'b0; asid_ok = 1'b0; va_ok = 1'b0;
        for (i = 0; i < ENTRIES; i = i + 1) begin
            same_cb = (e_cb[i] == inv_cb);
            asid_ok = !e_ng[i] || e_asid[i] == inv_asid;
            va_ok = ((e_va[i] ^ inv_va) & level_mask(e_level[i])) == 36'd0;
            case (inv_op)
                `SMMU_INV_OP_ALL:  kill[i] = 1'b1;
                `SMMU_INV_OP_CB:   kill[i] = same_cb;
                `SMMU_INV_OP_ASID: kill[i] = same_cb && e_ng[i] && e_asid[i] == inv_asid;
                `SMMU_INV_OP_VA, `SMMU_INV_OP_VAL:
                                   kill[i] = same_cb && asid_ok && va_ok;
                default:           kill[i] = same_cb && va_ok;   // VAA, VAAL
            endcase
        end
    end

    // ---------------------------------------------------------------- state
    wire [ENTRIES-1:0] fill_vec = f_valid ? ({{(ENTRIES-1){1'b0}}, 1'b1} << victim)
                                          : {ENTRIES{1'b0}};
    wire [ENTRIES-1:0] touched = a_vec | b_vec | fill_vec;
    wire [ENTRIES-1:0] mru_or = e_mru | touched;
    always @(posedge clk) begin
        if (rst) begin
            e_valid <= {ENTRIES{1'b0}};
            e_mru <= {ENTRIES{1'b0}};
            e_ng <= {ENTRIES{1'b0}};
            for (i = 0; i < ENTRIES; i = i + 1) begin
                e_cb[i] <= 8'd0; e_asid[i] <= 16'd0; e_level[i] <= 2'd0;
                e_va[i] <= 36'd0; e_pa[i] <= 36'd0; e_attr[i] <= 8'd0; e_perm[i] <= 4'd0;
            end
        end else begin
            e_mru <= (&mru_or) ? touched : mru_or;
            if (inv_valid)
                e_valid <= e_valid & ~kill;
            else if (f_valid) begin
                e_valid[victim] <= 1'b1;
                e_ng[victim] <= f_ng;
                e_cb[victim] <= f_cb;
                e_asid[victim] <= f_asid;
                e_level[victim] <= f_level;
                e_va[victim] <= f_va & level_mask(f_level);
                e_pa[victim] <= f_pa & level_mask(f_level);
                e_attr[victim] <= f_attr;
                e_perm[victim] <= f_perm;
            end
        end
    end
endmodule
