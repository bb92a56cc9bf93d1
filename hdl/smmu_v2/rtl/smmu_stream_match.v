// smmu_stream_match: SMMUv2 stream mapping of one transaction (combinational).
//
// Follows the SMMUv2 stream match / stream-to-context model: the StreamID is compared
// with every valid SMR(n) (ID, MASK: a MASK bit set means "don't care"); the matching
// group's S2CR(n) says translate in context bank CBNDX, bypass, or fault.
// sCR0.CLIENTPD bypasses everything; an unmatched stream faults (sGFSR.USF) when
// sCR0.USFCFG is set and bypasses otherwise. Several matches are a stream match
// conflict (sGFSR.SMCF); a CBNDX beyond the implemented banks faults with sGFSR.UCBF.
//
// Leaves out: S2CR.TYPE = fault is also reported as USF (docs/smmu.md), the
// extended-StreamID mode (EXIDS) and SMR/S2CR privilege and shareability overrides.
`include "smmu_defs.vh"

module smmu_stream_match #(
    parameter NUM_CB = 8,
    parameter NUM_SMRG = 16,
    parameter SID_WIDTH = 16
) (
    input  wire [SID_WIDTH-1:0]   sid,
    input  wire [NUM_SMRG*32-1:0] smr_flat,
    input  wire [NUM_SMRG*32-1:0] s2cr_flat,
    input  wire                   clientpd,
    input  wire                   usfcfg,
    output reg                    sm_bypass,
    output reg                    sm_fault,
    output reg  [31:0]            sm_gfsr_bits,
    output reg  [7:0]             sm_cb
);
    localparam FB = `SMMU_SMR_FIELD_BITS;
    wire [FB-1:0] sid_f;
    generate
        if (SID_WIDTH >= FB) begin : g_sid_wide
            assign sid_f = sid[FB-1:0];
            // StreamID bits above the 15 SMR ID bits are not matched (docs/smmu.md)
            wire unused_sid_hi = &{1'b0, sid};
        end else begin : g_sid_narrow
            assign sid_f = {{(FB-SID_WIDTH){1'b0}}, sid};
        end
    endgenerate

    integer n;
    // whole SMR/S2CR words are copied; only their architected fields are used
    /* verilator lint_off UNUSEDSIGNAL */
    reg [31:0] smr_n, s2cr_n, hit_s2cr;
    /* verilator lint_on UNUSEDSIGNAL */
    reg        hit, conflict;
    reg [1:0]  stype;
    always @* begin
        hit = 1'b0;
        conflict = 1'b0;
        hit_s2cr = 32'd0;
        for (n = 0; n < NUM_SMRG; n = n + 1) begin
            smr_n = smr_flat[n*32 +: 32];
            s2cr_n = s2cr_flat[n*32 +: 32];
            if (smr_n[`SMMU_SMR_VALID_BIT] &&
                    (((sid_f ^ smr_n[`SMMU_SMR_ID_SHIFT +: FB]) &
                      ~smr_n[`SMMU_SMR_MASK_SHIFT +: FB]) == {FB{1'b0}})) begin
                if (hit)
                    conflict = 1'b1;
                else
                    hit_s2cr = s2cr_n;
                hit = 1'b1;
            end
        end
        stype = hit_s2cr[`SMMU_S2CR_TYPE_SHIFT +: 2];
        sm_cb = hit_s2cr[`SMMU_S2CR_CBNDX_SHIFT +: `SMMU_S2CR_CBNDX_BITS];
        sm_bypass = 1'b0;
        sm_fault = 1'b0;
        sm_gfsr_bits = 32'd0;
        if (clientpd) begin
            sm_bypass = 1'b1;
        end else if (!hit) begin
            if (usfcfg) begin
                sm_fault = 1'b1;
                sm_gfsr_bits = 32'd1 << `SMMU_GFSR_USF_BIT;
            end else begin
                sm_bypass = 1'b1;
            end
        end else if (conflict) begin
            sm_fault = 1'b1;
            sm_gfsr_bits = 32'd1 << `SMMU_GFSR_SMCF_BIT;
        end else if (stype == `SMMU_S2CR_TYPE_BYPASS) begin
            sm_bypass = 1'b1;
        end else if (stype != `SMMU_S2CR_TYPE_TRANS) begin
            sm_fault = 1'b1;
            sm_gfsr_bits = 32'd1 << `SMMU_GFSR_USF_BIT;
        end else if ({24'd0, sm_cb} >= NUM_CB) begin
            sm_fault = 1'b1;
            sm_gfsr_bits = 32'd1 << `SMMU_GFSR_UCBF_BIT;
        end
    end
endmodule
