// f_smmu_fault_oracle: what the architecture says about one upstream transaction, for
// the formal harness's fixed SMMU configuration and page-table fragment. Written from
// the SMMUv2 stream-mapping rules (IHI 0062) and the VMSAv8-64 stage-1 walk and
// permission rules (ARM ARM D5, AArch64.TranslationTableWalk / CheckPermission), not
// from the RTL: it shares no module, wire or function with hdl/.
//
// Configuration (sequenced by the harness through the register port): one SMR
// (ID = cfg_sid, MASK = 0), its S2CR (TYPE = cfg_type, CBNDX = the bank), the bank's
// SCTLR.M = cfg_m, TCR.T0SZ = cfg_t0sz (34..39: a two-level walk, start level 2),
// TTBR0 = a 4 KiB-aligned table below 4 GiB, TCR2.IPS = 0 (32-bit output), AFFD = 0;
// sCR0.CLIENTPD = 0, USFCFG = cfg_usfcfg.
// Page-table fragment: the level-2 descriptor d2 (read response error e2) that maps the
// target page tva, and, when d2 is a table, the level-3 descriptor d3 (error e3) in it.
// Every other descriptor is unconstrained, so the verdict is "known" only for the
// target page (level-3 decisions), its 2 MiB region (level-2 decisions), or
// decisions made before the walk (stream match, bypass, input range).
module f_smmu_fault_oracle #(
    parameter SIDW = 2
) (
    input  wire [47:0]     va,
    input  wire [2:0]      prot,
    input  wire [SIDW-1:0] sid,
    input  wire            is_write,
    input  wire [SIDW-1:0] cfg_sid,
    input  wire [1:0]      cfg_type,     // S2CR.TYPE: 0 translate, 1 bypass, else fault
    input  wire            cfg_m,
    input  wire            cfg_usfcfg,
    input  wire [5:0]      cfg_t0sz,
    input  wire [35:0]     tva,          // target page, VA[47:12]
    input  wire [63:0]     d2,
    input  wire            e2,
    input  wire [63:0]     d3,
    input  wire            e3,
    output reg             known,
    output reg             fault,
    output reg  [47:0]     pa            // output address when known && !fault
);
    // VA bit k (25..29) lies above the input size when 64 - T0SZ <= k; the level-2
    // index is VA[IAS-1:21] (written bit by bit: no variable shifts for the solver)
    wire [4:0] k_used;                          // VA[29:25] inside the input size
    genvar k;
    generate
        for (k = 25; k <= 29; k = k + 1) begin : g_ias
            assign k_used[k-25] = ({1'b0, cfg_t0sz} < 7'd64 - k);
        end
    endgenerate
    wire        in_range = (va[47:30] == 18'd0) && ((va[29:25] & ~k_used) == 5'd0);
    wire [8:0]  l2_mask  = {k_used, 4'hf};      // VA[29:21] bits of the level-2 index
    wire        same_l2 = (((va[29:21] ^ tva[17:9]) & l2_mask) == 9'd0);
    wire        same_pg = same_l2 && (va[20:12] == tva[8:0]);
    wire        fetch   = prot[2] && !is_write;           // a write is a data access
    wire        priv    = prot[0];

    // AArch64 stage-1 EL1&0 permissions (no PAN, WXN = 0): AP[2] read-only, AP[1] EL0
    // access, hierarchical APTable/XNTable from the level-2 table descriptor
    function perm_fault;
        input [63:0] d;
        input [1:0]  ap_table;      // {APTable[1] read-only, APTable[0] no EL0}
        input        uxn_table, pxn_table;
        input        f_fetch, f_write, f_priv;
        reg ro, el0, uxn, pxn;
        begin
            ro  = d[7] || ap_table[1];
            el0 = d[6] && !ap_table[0];
            uxn = d[54] || uxn_table;
            pxn = d[53] || pxn_table;
            if (f_fetch)
                perm_fault = f_priv ? (pxn || (el0 && !ro)) : uxn;   // EL0-writable: PXN
            else if (f_write)
                perm_fault = ro || (!f_priv && !el0);
            else
                perm_fault = !f_priv && !el0;
        end
    endfunction

    always @* begin
        known = 1'b1;
        fault = 1'b0;
        pa = va;
        if (sid != cfg_sid) begin
            fault = cfg_usfcfg;                     // unmatched stream: USF or bypass
        end else if (cfg_type == 2'd1 || (cfg_type == 2'd0 && !cfg_m)) begin
            fault = 1'b0;                           // bypass, or translation disabled
        end else if (cfg_type != 2'd0) begin
            fault = 1'b1;                           // S2CR fault type
        end else if (!in_range) begin
            fault = 1'b1;                           // input address out of range
        end else if (!same_l2) begin
            known = 1'b0;
        end else if (e2 || !d2[0] || d2[47:32] != 16'd0) begin
            fault = 1'b1;                           // external, invalid, address size
        end else if (!d2[1]) begin                  // 2 MiB block
            fault = !d2[10] || perm_fault(d2, 2'b00, 1'b0, 1'b0, fetch, is_write, priv);
            pa = {d2[47:21], va[20:0]};
        end else if (!same_pg) begin
            known = 1'b0;
        end else if (e3 || d3[1:0] != 2'b11 || d3[47:32] != 16'd0 || !d3[10]) begin
            fault = 1'b1;                           // external, invalid/reserved, size, AF
        end else begin
            fault = perm_fault(d3, d2[62:61], d2[60], d2[59], fetch, is_write, priv);
            pa = {d3[47:12], va[11:0]};
        end
    end
endmodule
