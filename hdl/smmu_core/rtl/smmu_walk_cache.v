// smmu_walk_cache: cache of stage-1 table descriptors for the SMMU page-table walker.
//
// Each entry remembers where the next-level table of a walk lives: (context bank,
// ASID, level L of that table 1..3, VA bits above level L's index) -> table address
// and the hierarchical attributes (APTable, UXNTable, PXNTable) gathered on the way.
// A miss next to a recently walked page then starts at the deepest cached level,
// one descriptor read for a page in the same 2 MiB region. This is the "intermediate
// table walk cache" VMSAv8-64 allows; the TLBI operations that name non-leaf
// entries (ALL, ASID, VA, VAA, TLBIALLNSNH) remove the entries they cover, the
// leaf-only ones (VAL, VAAL) leave it alone, as the architecture permits.
//
// Leaves out: caching of the TTBR / start-level lookup itself (it is a register).
`include "smmu_defs.vh"

module smmu_walk_cache #(
    parameter ENTRIES = 8
) (
    input  wire        clk,
    input  wire        rst,
    // lookup (deepest matching level wins)
    input  wire [7:0]  l_cb,
    input  wire [15:0] l_asid,
    input  wire [35:0] l_va,        // VA[47:12]
    output reg         l_hit,
    output reg  [1:0]  l_lvl,       // level of the cached table
    output reg  [35:0] l_table,     // its address [47:12]
    output reg  [3:0]  l_hattr,     // {PXNTable, UXNTable, APTable[0], APTable[1]}
    // push (a table descriptor the walker just followed)
    input  wire        p_valid,
    input  wire [7:0]  p_cb,
    input  wire [15:0] p_asid,
    input  wire [1:0]  p_lvl,
    input  wire [35:0] p_va,
    input  wire [35:0] p_table,
    input  wire [3:0]  p_hattr,
    // invalidation
    input  wire        inv_valid,
    input  wire [2:0]  inv_op,
    input  wire [7:0]  inv_cb,
    input  wire [15:0] inv_asid,
    input  wire [35:0] inv_va
);
    localparam IW = (ENTRIES > 1) ? $clog2(ENTRIES) : 1;

    reg [ENTRIES-1:0] e_valid;
    reg [7:0]  e_cb    [0:ENTRIES-1];
    reg [15:0] e_asid  [0:ENTRIES-1];
    reg [1:0]  e_lvl   [0:ENTRIES-1];
    reg [26:0] e_tag   [0:ENTRIES-1];   // VA[47:21]
    reg [35:0] e_table [0:ENTRIES-1];
    reg [3:0]  e_hattr [0:ENTRIES-1];
    reg [IW-1:0] rr;
    // the last-level index VA[20:12] never selects a table
    wire unused_l3_index = &{1'b0, l_va[8:0], p_va[8:0], inv_va[8:0]};

    // VA[47:21] bits that select a table at level `lvl`
    function [26:0] tag_mask;
        input [1:0] lvl;
        begin
            case (lvl)
                2'd1:    tag_mask = {{9{1'b1}}, 18'd0};
                2'd2:    tag_mask = {{18{1'b1}}, 9'd0};
                default: tag_mask = {27{1'b1}};
            endcase
        end
    endfunction

    integer i;
    reg [ENTRIES-1:0] dup;
    always @* begin
        l_hit = 1'b0; l_lvl = 2'd0; l_table = 36'd0; l_hattr = 4'd0;
        dup = {ENTRIES{1'b0}};
        for (i = 0; i < ENTRIES; i = i + 1) begin
            if (e_valid[i] && e_cb[i] == l_cb && e_asid[i] == l_asid &&
                    ((e_tag[i] ^ l_va[35:9]) & tag_mask(e_lvl[i])) == 27'd0 &&
                    (!l_hit || e_lvl[i] > l_lvl)) begin
                l_hit = 1'b1;
                l_lvl = e_lvl[i];
                l_table = e_table[i];
                l_hattr = e_hattr[i];
            end
            dup[i] = e_valid[i] && e_cb[i] == p_cb && e_asid[i] == p_asid &&
                     e_lvl[i] == p_lvl &&
                     ((e_tag[i] ^ p_va[35:9]) & tag_mask(p_lvl)) == 27'd0;
        end
    end

    reg [IW-1:0] slot;
    reg          found;
    always @* begin
        slot = rr;
        found = 1'b0;
        for (i = ENTRIES - 1; i >= 0; i = i - 1)
            if (dup[i]) begin slot = i[IW-1:0]; found = 1'b1; end
        if (!found)
            for (i = ENTRIES - 1; i >= 0; i = i - 1)
                if (!e_valid[i]) begin slot = i[IW-1:0]; found = 1'b1; end
    end

    reg [ENTRIES-1:0] kill;
    reg same_cb, va_ok;
    always @* begin
        kill = {ENTRIES{1'b0}};
        same_cb = 1'b0; va_ok = 1'b0;
        for (i = 0; i < ENTRIES; i = i + 1) begin
            same_cb = (e_cb[i] == inv_cb);
            va_ok = ((e_tag[i] ^ inv_va[35:9]) & tag_mask(e_lvl[i])) == 27'd0;
            case (inv_op)
                `SMMU_INV_OP_ALL:  kill[i] = 1'b1;
                `SMMU_INV_OP_CB:   kill[i] = same_cb;
                `SMMU_INV_OP_ASID: kill[i] = same_cb && e_asid[i] == inv_asid;
                `SMMU_INV_OP_VA:   kill[i] = same_cb && e_asid[i] == inv_asid && va_ok;
                `SMMU_INV_OP_VAA:  kill[i] = same_cb && va_ok;
                default:           kill[i] = 1'b0;   // VAL, VAAL: leaf entries only
            endcase
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            e_valid <= {ENTRIES{1'b0}};
            rr <= {IW{1'b0}};
            for (i = 0; i < ENTRIES; i = i + 1) begin
                e_cb[i] <= 8'd0; e_asid[i] <= 16'd0; e_lvl[i] <= 2'd0;
                e_tag[i] <= 27'd0; e_table[i] <= 36'd0; e_hattr[i] <= 4'd0;
            end
        end else if (inv_valid) begin
            e_valid <= e_valid & ~kill;
        end else if (p_valid) begin
            e_valid[slot] <= 1'b1;
            e_cb[slot] <= p_cb;
            e_asid[slot] <= p_asid;
            e_lvl[slot] <= p_lvl;
            e_tag[slot] <= p_va[35:9] & tag_mask(p_lvl);
            e_table[slot] <= p_table;
            e_hattr[slot] <= p_hattr;
            if (!found)
                rr <= (rr == ENTRIES[IW-1:0] - 1'b1) ? {IW{1'b0}} : rr + 1'b1;
        end
    end
endmodule
