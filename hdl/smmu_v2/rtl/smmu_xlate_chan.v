// smmu_xlate_chan: one address channel (AW or AR) of the SMMU data path.
//
// Per upstream transaction (held by the master, as AXI requires, until accepted):
// stream match (smmu_stream_match: bypass / global fault / context bank), context
// selection from the SMMUv2 bank registers, TLB lookup in smmu_xlate_core, the
// stage-1 permission checks of VMSAv8-64 on the entry (AArch64.CheckPermission:
// a read with AxPROT[2] = 1 is a fetch and checks UXN/PXN only, else AP[2] for
// writes and AP[1] for unprivileged (AxPROT[0] = 0) accesses). A write is data
// whatever AWPROT[2] says (SMMUv3 IHI 0070 13.1.2: "all incoming writes [are] Data
// ... on input, prior to any translation table permission checks"): it is checked,
// recorded (IND = 0) and forwarded (AWPROT[2] = 0) as data. Then either
//   - forward: the translated transaction goes into the output register (downstream
//     AxADDR = PA, AxCACHE from the MAIR attribute, AxUSER = StreamID, the rest as
//     received), one clock after acceptance on a TLB hit; or
//   - terminate: a fault record goes to the register file and the response unit
//     (smmu_wr_resp / smmu_rd_resp) answers the master (SLVERR, or OKAY when the
//     bank's SCTLR.CFRE / sCR0.GFRE says not to report an abort).
// A miss asks the core for a walk and goes on with the walk's leaf the clock it
// arrives (or takes the walk's fault). Accepting in
// order keeps the AXI ordering rules: nothing overtakes inside a channel.
//
// Leaves out: hit-under-miss, stall fault model, S2CR attribute overrides.
`include "smmu_defs.vh"
`include "lpae_defs.vh"
`include "axi_defs.vh"

module smmu_xlate_chan #(
    parameter IS_WRITE = 0,
    parameter NUM_CB = 8,
    parameter NUM_SMRG = 16,
    parameter ID_WIDTH = 8,
    parameter SID_WIDTH = 16,
    parameter ADDR_WIDTH = 48
) (
    input  wire                   clk,
    input  wire                   rst,
    // upstream address channel
    input  wire [ID_WIDTH-1:0]    s_id,
    input  wire [ADDR_WIDTH-1:0]  s_addr,
    input  wire [7:0]             s_len,
    input  wire [2:0]             s_size,
    input  wire [1:0]             s_burst,
    input  wire                   s_lock,
    input  wire [3:0]             s_cache,
    input  wire [2:0]             s_prot,
    input  wire [SID_WIDTH-1:0]   s_user,
    input  wire                   s_valid,
    output wire                   s_ready,
    // downstream address channel (registered)
    output reg  [ID_WIDTH-1:0]    m_id,
    output reg  [ADDR_WIDTH-1:0]  m_addr,
    output reg  [7:0]             m_len,
    output reg  [2:0]             m_size,
    output reg  [1:0]             m_burst,
    output reg                    m_lock,
    output reg  [3:0]             m_cache,
    output reg  [2:0]             m_prot,
    output reg  [SID_WIDTH-1:0]   m_user,
    output reg                    m_valid,
    input  wire                   m_ready,
    // configuration
    input  wire [31:0]            scr0,
    input  wire [NUM_SMRG*32-1:0] smr_flat,
    input  wire [NUM_SMRG*32-1:0] s2cr_flat,
    input  wire [NUM_CB*32-1:0]   cb_sctlr_flat,
    input  wire [NUM_CB*32-1:0]   cb_tcr_flat,
    input  wire [NUM_CB*32-1:0]   cb_tcr2_flat,
    input  wire [NUM_CB*64-1:0]   cb_ttbr0_flat,
    input  wire [NUM_CB*64-1:0]   cb_mair_flat,
    // translation core port
    output wire [7:0]             x_cb,
    output wire [15:0]            x_asid,
    output wire [47:0]            x_va,
    input  wire                   x_hit,
    input  wire [35:0]            x_pa,
    input  wire [7:0]             x_attr,
    input  wire [3:0]             x_perm,       // {pxn, uxn, ap_unpriv, ap_rdonly}
    input  wire [1:0]             x_level,
    input  wire                   x_fwd,        // x_hit is our walk's leaf, arriving now
    output wire                   x_wreq_valid,
    input  wire                   x_wreq_ready,
    output wire [47:0]            x_ttbr,
    output wire [5:0]             x_t0sz,
    output wire [2:0]             x_ips,
    output wire                   x_epd0,
    output wire [63:0]            x_mair,
    input  wire                   x_done,
    input  wire                   x_done_retry,
    input  wire                   x_done_fault,
    input  wire [31:0]            x_done_fsr,
    input  wire [1:0]             x_done_level,
    input  wire                   x_done_ptwf,
    // accepted transactions, to the response unit
    output wire                   acc_valid,
    output wire                   acc_fault,
    output wire [ID_WIDTH-1:0]    acc_id,
    output wire [7:0]             acc_len,
    output wire [1:0]             acc_resp,
    input  wire                   acc_ready,
    // fault record, to the register file
    output wire                   rec_valid,
    input  wire                   rec_ready,
    output wire                   rec_global,
    output wire [7:0]             rec_cb,
    output wire [31:0]            rec_bits,
    output wire [47:0]            rec_addr,
    output wire [1:0]             rec_level,
    output wire                   rec_wnr,
    output wire                   rec_ind,
    output wire                   rec_ptwf,
    output wire [SID_WIDTH-1:0]   rec_sid,
    // invalidation tracking (for TLBSYNC)
    input  wire                   inv_valid,
    output reg                    out_stale
);
    localparam CBW = (NUM_CB > 1) ? $clog2(NUM_CB) : 1;
    localparam [31:0] FSR_PF = 32'd1 << `SMMU_FSR_PF_BIT;
    localparam [3:0] C_LPAE_AXCACHE_DEVICE_B = `LPAE_AXCACHE_DEVICE_B;
    localparam [3:0] C_LPAE_AXCACHE_DEVICE_NB = `LPAE_AXCACHE_DEVICE_NB;
    localparam [3:0] C_LPAE_AXCACHE_NORMAL_NC = `LPAE_AXCACHE_NORMAL_NC;
    localparam [3:0] C_LPAE_AXCACHE_RALLOC_R = `LPAE_AXCACHE_RALLOC_R;
    localparam [3:0] C_LPAE_AXCACHE_WALLOC_W = `LPAE_AXCACHE_WALLOC_W;
    localparam [3:0] C_LPAE_AXCACHE_WB_NOALLOC_R = `LPAE_AXCACHE_WB_NOALLOC_R;
    localparam [3:0] C_LPAE_AXCACHE_WB_NOALLOC_W = `LPAE_AXCACHE_WB_NOALLOC_W;
    localparam [3:0] C_LPAE_AXCACHE_WT_NOALLOC_R = `LPAE_AXCACHE_WT_NOALLOC_R;
    localparam [3:0] C_LPAE_AXCACHE_WT_NOALLOC_W = `LPAE_AXCACHE_WT_NOALLOC_W;
    localparam [3:0] C_LPAE_MAIR_NORMAL_NC_NIBBLE = `LPAE_MAIR_NORMAL_NC_NIBBLE;
    localparam [1:0] C_AXI_RESP_OKAY = `AXI_RESP_OKAY;
    localparam [1:0] C_AXI_RESP_SLVERR = `AXI_RESP_SLVERR;

    // ---------------------------------------------------------------- address
    wire [47:0] va;
    generate
        if (ADDR_WIDTH >= 48) begin : g_va_wide
            assign va = s_addr[47:0];
            // address bits above 48 are not translated (ADDR_WIDTH is 48 by contract)
            wire unused_va_hi = &{1'b0, s_addr};
        end else begin : g_va_narrow
            assign va = {{(48-ADDR_WIDTH){1'b0}}, s_addr};
        end
    endgenerate

    // ---------------------------------------------------------------- stream match
    wire       sm_bypass, sm_fault;
    wire [31:0] sm_gfsr_bits;
    wire [7:0] sm_cb;
    smmu_stream_match #(.NUM_CB(NUM_CB), .NUM_SMRG(NUM_SMRG), .SID_WIDTH(SID_WIDTH)) u_sm (
        .sid(s_user), .smr_flat(smr_flat), .s2cr_flat(s2cr_flat),
        .clientpd(scr0[`SMMU_SCR0_CLIENTPD_BIT]), .usfcfg(scr0[`SMMU_SCR0_USFCFG_BIT]),
        .sm_bypass(sm_bypass), .sm_fault(sm_fault), .sm_gfsr_bits(sm_gfsr_bits),
        .sm_cb(sm_cb));

    // ---------------------------------------------------------------- context
    wire [CBW-1:0] cbi = sm_cb[CBW-1:0];
    wire [31:0] sctlr = cb_sctlr_flat[cbi*32 +: 32];
    wire [31:0] tcr   = cb_tcr_flat[cbi*32 +: 32];
    wire [31:0] tcr2  = cb_tcr2_flat[cbi*32 +: 32];
    wire [63:0] ttbr0 = cb_ttbr0_flat[cbi*64 +: 64];
    // only the fields this data path acts on are read from the bank registers
    wire unused_cfg = &{1'b0, scr0, sctlr, tcr, tcr2};
    assign x_cb   = sm_cb;
    assign x_asid = ttbr0[`SMMU_TTBR_ASID_SHIFT +: 16];
    assign x_va   = va;
    assign x_ttbr = ttbr0[47:0];
    assign x_t0sz = tcr[`LPAE_TCR_T0SZ_SHIFT +: 6];
    assign x_epd0 = tcr[`LPAE_TCR_EPD0_BIT];
    assign x_ips  = tcr2[(`LPAE_TCR_IPS_SHIFT - 32) +: 3];   // TCR[34:32] lives in TTBCR2
    assign x_mair = cb_mair_flat[cbi*64 +: 64];

    wire translate = !sm_bypass && !sm_fault && sctlr[`SMMU_SCTLR_M_BIT];
    wire bypass    = sm_bypass || (!sm_fault && !sctlr[`SMMU_SCTLR_M_BIT]);

    // ---------------------------------------------------------------- walk state
    reg        waiting;      // our walk is in flight
    reg        wf_valid;     // the walk for the held transaction faulted
    reg [31:0] wf_fsr;
    reg [1:0]  wf_level;
    reg        wf_ptwf;
    wire walk_fault_now = x_done && x_done_fault && !x_done_retry;
    wire can_decide = !waiting || x_done || x_fwd;
    wire have_fault = wf_valid || (waiting && walk_fault_now);
    wire [31:0] f_fsr   = wf_valid ? wf_fsr : x_done_fsr;
    wire [1:0]  f_level = wf_valid ? wf_level : x_done_level;
    wire        f_ptwf  = wf_valid ? wf_ptwf : x_done_ptwf;

    // stage-1 permission check on the TLB entry (VMSAv8-64 AP / XN)
    wire priv = s_prot[`SMMU_AXPROT_PRIV_BIT];
    wire exec = (IS_WRITE == 0) && s_prot[`SMMU_AXPROT_INSTR_BIT];       // writes are never fetches
    // AxPROT as it leaves: a write's instruction marking is dropped on input
    wire [2:0] prot_in = (IS_WRITE != 0) ? (s_prot & ~(3'd1 << `SMMU_AXPROT_INSTR_BIT)) : s_prot;
    // AArch64.CheckPermission (EL1&0, WXN = 0, no PAN): a fetch checks only PXN/UXN
    // (PXN already includes "writable at EL0"), a write needs AP[2] clear (and AP[1]
    // set when unprivileged), a read AP[1] when unprivileged
    wire ap_rdonly = x_perm[0];
    wire ap_unpriv = x_perm[1];
    wire perm_fault = exec ? (priv ? x_perm[3] : x_perm[2]) :
                      (IS_WRITE != 0) ? (ap_rdonly || (!priv && !ap_unpriv)) :
                      (!priv && !ap_unpriv);

    wire ctx_fault = translate && (have_fault || (x_hit && perm_fault));
    wire xlate_ok  = translate && !have_fault && x_hit && !perm_fault;
    wire is_fault  = sm_fault || ctx_fault;
    wire is_ok     = bypass || xlate_ok;
    wire miss      = translate && !have_fault && !x_hit;

    assign x_wreq_valid = s_valid && miss && !waiting;

    wire out_free = !m_valid || m_ready;
    wire ok_fire  = s_valid && can_decide && is_ok && out_free && acc_ready;
    assign rec_valid = s_valid && can_decide && is_fault && acc_ready;
    wire flt_fire = rec_valid && rec_ready;
    assign s_ready = ok_fire || flt_fire;

    assign acc_valid = s_ready;
    assign acc_fault = flt_fire;
    assign acc_id = s_id;
    assign acc_len = s_len;
    assign acc_resp = (sm_fault ? scr0[`SMMU_SCR0_GFRE_BIT] : sctlr[`SMMU_SCTLR_CFRE_BIT])
                      ? C_AXI_RESP_SLVERR : C_AXI_RESP_OKAY;

    assign rec_global = sm_fault;
    assign rec_cb = sm_cb;
    assign rec_bits = sm_fault ? sm_gfsr_bits : (have_fault ? f_fsr : FSR_PF);
    assign rec_addr = va;
    assign rec_level = have_fault ? f_level : x_level;
    assign rec_wnr = (IS_WRITE != 0);
    assign rec_ind = exec;
    assign rec_ptwf = have_fault && f_ptwf;
    assign rec_sid = s_user;

    // AxCACHE for the translated transaction from the MAIR attribute (pymodel axcache())
    /* verilator lint_off UNUSEDSIGNAL */ // Device sub-type bits [1:0] are RES0
    function [3:0] axcache;
        input [7:0] attr;
        input       write;
    /* verilator lint_on UNUSEDSIGNAL */
        begin
            if (attr[7:4] == 4'd0)
                axcache = (attr[3:2] == 2'd0) ? C_LPAE_AXCACHE_DEVICE_NB : C_LPAE_AXCACHE_DEVICE_B;
            else if (attr[7:4] == C_LPAE_MAIR_NORMAL_NC_NIBBLE)
                axcache = C_LPAE_AXCACHE_NORMAL_NC;
            else if (write)
                axcache = (attr[6] ? C_LPAE_AXCACHE_WB_NOALLOC_W : C_LPAE_AXCACHE_WT_NOALLOC_W) |
                          (attr[4] ? C_LPAE_AXCACHE_WALLOC_W : 4'd0);
            else
                axcache = (attr[6] ? C_LPAE_AXCACHE_WB_NOALLOC_R : C_LPAE_AXCACHE_WT_NOALLOC_R) |
                          (attr[5] ? C_LPAE_AXCACHE_RALLOC_R : 4'd0);
        end
    endfunction

    // bypassed transactions keep their whole address; translated ones carry the PA
    wire [47:0] xpa = {x_pa, va[11:0]};
    wire [ADDR_WIDTH-1:0] pa;
    generate
        if (ADDR_WIDTH >= 48) begin : g_pa_wide
            assign pa = bypass ? s_addr : {{(ADDR_WIDTH-48){1'b0}}, xpa};
        end else begin : g_pa_narrow
            assign pa = bypass ? s_addr : xpa[ADDR_WIDTH-1:0];
            // a PA above the port's reach is cut (ADDR_WIDTH is 48 by contract)
            wire unused_pa_hi = &{1'b0, xpa};
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            m_valid <= 1'b0;
            out_stale <= 1'b0;
            waiting <= 1'b0;
            wf_valid <= 1'b0;
            wf_fsr <= 32'd0; wf_level <= 2'd0; wf_ptwf <= 1'b0;
            m_id <= {ID_WIDTH{1'b0}}; m_addr <= {ADDR_WIDTH{1'b0}}; m_len <= 8'd0;
            m_size <= 3'd0; m_burst <= 2'd0; m_lock <= 1'b0; m_cache <= 4'd0;
            m_prot <= 3'd0; m_user <= {SID_WIDTH{1'b0}};
        end else begin
            // walk bookkeeping
            // (a walk's leaf used as it arrives ends the wait; its done follows)
            if (x_wreq_valid && x_wreq_ready)
                waiting <= 1'b1;
            else if (x_done || s_ready)
                waiting <= 1'b0;
            if (waiting && walk_fault_now && !s_ready) begin
                wf_valid <= 1'b1;
                wf_fsr <= x_done_fsr;
                wf_level <= x_done_level;
                wf_ptwf <= x_done_ptwf;
            end
            if (s_ready)
                wf_valid <= 1'b0;
            // output register
            if (ok_fire) begin
                m_valid <= 1'b1;
                out_stale <= inv_valid;
                m_id <= s_id;
                m_addr <= pa;
                m_len <= s_len;
                m_size <= s_size;
                m_burst <= s_burst;
                m_lock <= s_lock;
                m_cache <= bypass ? s_cache : axcache(x_attr, IS_WRITE != 0);
                m_prot <= prot_in;
                m_user <= s_user;
            end else if (m_valid && m_ready) begin
                m_valid <= 1'b0;
                out_stale <= 1'b0;
            end else if (m_valid && inv_valid) begin
                out_stale <= 1'b1;
            end
        end
    end
endmodule
