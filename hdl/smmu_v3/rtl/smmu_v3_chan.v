// smmu_v3_chan: one address channel (AW or AR) of the SMMUv3 data path.
//
// Per upstream transaction (held by the master until accepted), following ARM IHI
// 0070 3.3 (configuration and translation lookup), 13 (attribute overrides) and 7.3
// (event records):
//   - CR0.SMMUEN = 0: GBPA.ABORT terminates (abort, no event), else the transaction
//     bypasses with the GBPA attribute overrides;
//   - else the configuration cache (smmu_v3_cfg) is looked up by StreamID (AxUSER);
//     a miss asks for an STE/CD fetch and waits for it; an invalid configuration
//     terminates with its event record (C_BAD_STREAMID only if CR2.RECINVSID);
//   - STE.Config abort terminates without event, bypass forwards with the STE's
//     MTCFG/MemAttr, ALLOCCFG, PRIVCFG, INSTCFG overrides, stage-1 translate gives the
//     CD's context (ASID, TTB0, T0SZ, IPS, EPD0, MAIR) to smmu_xlate_core, checks
//     permissions on its TLB entry as smmu_xlate_chan does (AArch64.CheckPermission)
//     and forwards the PA with AxCACHE from the MAIR attribute, or terminates with
//     F_TRANSLATION / F_ADDR_SIZE / F_ACCESS / F_PERMISSION (recorded if CD.R;
//     abort if CD.A, else RAZ/WI) or F_WALK_EABT.
// Forwarded transactions leave through a registered output, one clock after
// acceptance on a configuration-cache and TLB hit; nothing overtakes inside a channel.
//
// Leaves out: substreams (no SubstreamID input: SSV = 0 in every record), stall,
// SHCFG/NSCFG (AXI4 has no shareability or NS override signals here).
`include "smmuv3_defs.vh"
`include "smmu_defs.vh"
`include "lpae_defs.vh"
`include "axi_defs.vh"

module smmu_v3_chan #(
    parameter IS_WRITE = 0,
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
    // global state
    input  wire                   smmuen,
    input  wire [31:0]            gbpa,
    input  wire                   recinvsid,
    // configuration cache lookup and fetch
    output wire [SID_WIDTH-1:0]   c_sid,
    input  wire                   c_hit,
    input  wire [`SMMUV3_CFGB_WIDTH-1:0] c_cfg,
    output wire                   f_valid,
    input  wire                   f_ready,
    input  wire                   f_done,       // our fetch ended
    input  wire                   f_retry,
    input  wire                   f_err,
    input  wire [7:0]             f_evt,
    input  wire [47:0]            f_addr,
    // translation core port
    output wire [7:0]             x_cb,
    output wire [15:0]            x_asid,
    output wire [47:0]            x_va,
    input  wire                   x_hit,
    /* verilator lint_off UNUSEDSIGNAL */ // PA[47:ADDR_WIDTH] when the port is narrower
    input  wire [35:0]            x_pa,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [7:0]             x_attr,
    input  wire [3:0]             x_perm,       // {pxn, uxn, ap_unpriv, ap_rdonly}
    input  wire                   x_fwd,
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
    input  wire                   x_done_ptwf,
    input  wire [47:0]            walk_addr,    // address of the walker's last read
    // accepted transactions, to the response unit
    output wire                   acc_valid,
    output wire                   acc_fault,
    output wire [ID_WIDTH-1:0]    acc_id,
    output wire [7:0]             acc_len,
    output wire [1:0]             acc_resp,
    input  wire                   acc_ready,
    // event record, to the event queue
    output wire                   rec_valid,
    input  wire                   rec_ready,
    output wire [255:0]           rec_data,
    // invalidation tracking (for CMD_SYNC)
    input  wire                   inv_valid,
    output wire                   stale
);
    localparam [1:0] K_BYPASS = `SMMUV3_CFGB_KIND_BYPASS;
    localparam [1:0] K_TRANS = `SMMUV3_CFGB_KIND_TRANSLATE;
    localparam [1:0] K_DIS = `SMMUV3_CFGB_KIND_DISABLED;
    localparam [7:0] E_SDIS = `SMMUV3_EVT_F_STREAM_DISABLED;
    localparam [7:0] E_BAD_SID = `SMMUV3_EVT_C_BAD_STREAMID;
    localparam [7:0] E_TRANSL = `SMMUV3_EVT_F_TRANSLATION;
    localparam [7:0] E_ASIZE = `SMMUV3_EVT_F_ADDR_SIZE;
    localparam [7:0] E_ACCESS = `SMMUV3_EVT_F_ACCESS;
    localparam [7:0] E_PERM = `SMMUV3_EVT_F_PERMISSION;
    localparam [7:0] E_WALK = `SMMUV3_EVT_F_WALK_EABT;
    localparam [7:0] E_STE_FETCH = `SMMUV3_EVT_F_STE_FETCH;
    localparam [7:0] E_CD_FETCH = `SMMUV3_EVT_F_CD_FETCH;
    localparam [1:0] CLASS_TT = `SMMUV3_EVT_CLASS_TT;
    localparam [1:0] CLASS_IN = `SMMUV3_EVT_CLASS_IN;
    localparam [7:0] TAG_EL1 = `SMMUV3_CORE_TAG_NS_EL1;
    localparam [3:0] C_DEVICE_NB = `LPAE_AXCACHE_DEVICE_NB;
    localparam [3:0] C_DEVICE_B = `LPAE_AXCACHE_DEVICE_B;
    localparam [3:0] C_NORMAL_NC = `LPAE_AXCACHE_NORMAL_NC;
    localparam [3:0] C_RALLOC_R = `LPAE_AXCACHE_RALLOC_R;
    localparam [3:0] C_WALLOC_W = `LPAE_AXCACHE_WALLOC_W;
    localparam [3:0] C_WB_R = `LPAE_AXCACHE_WB_NOALLOC_R;
    localparam [3:0] C_WB_W = `LPAE_AXCACHE_WB_NOALLOC_W;
    localparam [3:0] C_WT_R = `LPAE_AXCACHE_WT_NOALLOC_R;
    localparam [3:0] C_WT_W = `LPAE_AXCACHE_WT_NOALLOC_W;
    localparam [3:0] C_NC_NIBBLE = `LPAE_MAIR_NORMAL_NC_NIBBLE;
    localparam [1:0] OUTER_NC = `SMMUV3_MEMATTR_OUTER_NC;
    localparam [1:0] OUTER_WT = `SMMUV3_MEMATTR_OUTER_WT;
    localparam [1:0] C_RESP_OKAY = `AXI_RESP_OKAY;
    localparam [1:0] C_RESP_SLVERR = `AXI_RESP_SLVERR;
    localparam [31:0] FSR_TF = 32'd1 << `SMMU_FSR_TF_BIT;
    localparam [31:0] FSR_ASF = 32'd1 << `SMMU_FSR_ASF_BIT;
    localparam [31:0] FSR_AFF = 32'd1 << `SMMU_FSR_AFF_BIT;

    // ---------------------------------------------------------------- address
    wire [47:0] va;
    generate
        if (ADDR_WIDTH >= 48) begin : g_va_wide
            assign va = s_addr[47:0];
            wire unused_va_hi = &{1'b0, s_addr};
        end else begin : g_va_narrow
            assign va = {{(48-ADDR_WIDTH){1'b0}}, s_addr};
        end
    endgenerate

    // ---------------------------------------------------------------- configuration
    assign c_sid = s_user;
    wire [1:0]  kind = c_cfg[`SMMUV3_CFGB_KIND_SHIFT +: 2];
    wire        cd_a = c_cfg[`SMMUV3_CFGB_A_BIT];
    wire        cd_r = c_cfg[`SMMUV3_CFGB_R_BIT];
    // attribute overrides: the STE's when enabled, GBPA's when not
    wire [3:0]  o_memattr = smmuen ? c_cfg[`SMMUV3_CFGB_MEMATTR_SHIFT +: 4]
                                   : gbpa[`SMMUV3_GBPA_MEMATTR_SHIFT +: 4];
    wire        o_mtcfg = smmuen ? c_cfg[`SMMUV3_CFGB_MTCFG_BIT] : gbpa[`SMMUV3_GBPA_MTCFG_BIT];
    wire [3:0]  o_alloc = smmuen ? c_cfg[`SMMUV3_CFGB_ALLOCCFG_SHIFT +: 4]
                                 : gbpa[`SMMUV3_GBPA_ALLOCCFG_SHIFT +: 4];
    wire [1:0]  o_priv = smmuen ? c_cfg[`SMMUV3_CFGB_PRIVCFG_SHIFT +: 2]
                                : gbpa[`SMMUV3_GBPA_PRIVCFG_SHIFT +: 2];
    wire [1:0]  o_inst = smmuen ? c_cfg[`SMMUV3_CFGB_INSTCFG_SHIFT +: 2]
                                : gbpa[`SMMUV3_GBPA_INSTCFG_SHIFT +: 2];
    wire unused_gbpa = &{1'b0, gbpa[31:21], gbpa[15:12], gbpa[7:5]};
    // post-override AxPROT: PRIVCFG 0b1x overrides [0], INSTCFG 0b1x [2] (reads only)
    wire [2:0]  prot = {(!IS_WRITE && o_inst[1]) ? o_inst[0] : s_prot[2], s_prot[1],
                        o_priv[1] ? o_priv[0] : s_prot[0]};

    // ---------------------------------------------------------------- fetch state
    reg        cwait;               // our configuration fetch is in flight
    reg        cf_valid;            // it ended with an invalid configuration
    reg [7:0]  cf_evt;
    reg [47:0] cf_addr;
    reg        held_stale;          // the held transaction predates an invalidation
    reg        waiting;             // our walk is in flight
    reg        wf_valid;            // the walk for the held transaction faulted
    reg [31:0] wf_fsr;
    reg        wf_ptwf;
    reg [47:0] wf_addr;

    wire gbpa_abort = !smmuen && gbpa[`SMMUV3_GBPA_ABORT_BIT];
    // a walk in flight whose configuration was invalidated meanwhile: wait for its end
    wire waiting_cfg_lost = waiting && !c_hit;
    wire cfg_ok = smmuen && c_hit && !cwait && !cf_valid && !waiting_cfg_lost;
    assign f_valid = s_valid && smmuen && !c_hit && !cwait && !cf_valid && !waiting;

    // ---------------------------------------------------------------- translation
    assign x_cb   = TAG_EL1;
    assign x_asid = c_cfg[`SMMUV3_CFGB_ASID_SHIFT +: 16];
    assign x_va   = va;
    assign x_ttbr = c_cfg[`SMMUV3_CFGB_TTB0_SHIFT +: 48];
    assign x_t0sz = c_cfg[`SMMUV3_CFGB_T0SZ_SHIFT +: 6];
    assign x_ips  = c_cfg[`SMMUV3_CFGB_IPS_SHIFT +: 3];
    assign x_epd0 = c_cfg[`SMMUV3_CFGB_EPD0_BIT];
    assign x_mair = c_cfg[`SMMUV3_CFGB_MAIR_SHIFT +: 64];

    wire translate = cfg_ok && kind == K_TRANS;
    wire bypass = (!smmuen && !gbpa_abort) || (cfg_ok && kind == K_BYPASS);
    // STE.Config 0b0xx (K_ABORT): terminated without an event; substreams enabled
    // with S1DSS terminate (K_DIS): F_STREAM_DISABLED
    wire silent_abort = gbpa_abort || (cfg_ok && kind != K_TRANS && kind != K_BYPASS &&
                                       kind != K_DIS);
    wire sdis = cfg_ok && kind == K_DIS;
    wire cfg_fault = smmuen && cf_valid;
    wire cfg_rec = cfg_fault || sdis;           // a record with StreamID (+ FetchAddr) only

    wire walk_fault_now = x_done && x_done_fault && !x_done_retry;
    wire can_decide = !waiting || x_done || x_fwd;
    wire have_fault = wf_valid || (waiting && walk_fault_now);
    wire [31:0] w_fsr  = wf_valid ? wf_fsr : x_done_fsr;
    wire        w_ptwf = wf_valid ? wf_ptwf : x_done_ptwf;
    wire [47:0] w_addr = wf_valid ? wf_addr : walk_addr;

    wire priv = prot[0];
    wire exec = prot[2];
    wire ap_rdonly = x_perm[0];
    wire ap_unpriv = x_perm[1];
    wire perm_fault = exec ? (priv ? x_perm[3] : x_perm[2]) :
                      (IS_WRITE != 0) ? (ap_rdonly || (!priv && !ap_unpriv)) :
                      (!priv && !ap_unpriv);
    wire xlate_fault = translate && (have_fault || (x_hit && perm_fault));
    wire xlate_ok = translate && !have_fault && x_hit && !perm_fault;
    wire miss = translate && !have_fault && !x_hit;
    assign x_wreq_valid = s_valid && miss && !waiting;

    // ---------------------------------------------------------------- decision
    wire is_fault = silent_abort || cfg_rec || xlate_fault;
    wire is_ok = bypass || xlate_ok;
    // an event for this fault: config errors (C_BAD_STREAMID per RECINVSID), walk
    // external aborts, and CD.R for the translation-related faults
    wire walk_eabt = have_fault && w_ptwf;
    wire records = cfg_fault ? (cf_evt != E_BAD_SID || recinvsid) : sdis ? 1'b1 :
                   xlate_fault ? (walk_eabt || cd_r) : 1'b0;
    wire out_free = !m_valid || m_ready;
    wire ok_fire = s_valid && can_decide && is_ok && out_free && acc_ready;
    wire flt_try = s_valid && can_decide && is_fault && acc_ready;
    assign rec_valid = flt_try && records;
    wire flt_fire = flt_try && (!records || rec_ready);
    assign s_ready = ok_fire || flt_fire;

    assign acc_valid = s_ready;
    assign acc_fault = flt_fire;
    assign acc_id = s_id;
    assign acc_len = s_len;
    // translation faults honour CD.A (abort, else RAZ/WI); everything else aborts
    assign acc_resp = (xlate_fault && !cd_a) ? C_RESP_OKAY : C_RESP_SLVERR;

    // ---------------------------------------------------------------- event record
    wire [7:0] x_evt = !have_fault ? E_PERM :
                       w_ptwf ? E_WALK :
                       (w_fsr == FSR_TF) ? E_TRANSL :
                       (w_fsr == FSR_ASF) ? E_ASIZE :
                       (w_fsr == FSR_AFF) ? E_ACCESS : E_TRANSL;
    wire [7:0]  evt = cfg_fault ? cf_evt : sdis ? E_SDIS : x_evt;
    wire [31:0] sid32 = {{(32-SID_WIDTH){1'b0}}, s_user};
    wire        rnw = (IS_WRITE == 0);
    wire        ind = rnw && exec;          // InD == 0 for writes
    wire [63:0] d0 = ({56'd0, evt} << `SMMUV3_EVT0_ID_SHIFT) |
                     ({32'd0, sid32} << `SMMUV3_EVT0_SID_SHIFT);
    wire [63:0] d1 = cfg_rec ? 64'd0 :
                     (({63'd0, priv} << `SMMUV3_EVT1_PNU_BIT) |
                      ({63'd0, ind} << `SMMUV3_EVT1_IND_BIT) |
                      ({63'd0, rnw} << `SMMUV3_EVT1_RNW_BIT) |
                      ({62'd0, walk_eabt ? CLASS_TT : CLASS_IN} << `SMMUV3_EVT1_CLASS_SHIFT));
    wire [63:0] d2 = cfg_rec ? 64'd0 : {16'd0, va};
    // FetchAddr only in F_STE_FETCH / F_CD_FETCH (C_BAD_* records: RES0)
    wire        cf_fetch = (cf_evt == E_STE_FETCH) || (cf_evt == E_CD_FETCH);
    wire [63:0] d3 = cfg_rec ? ((cfg_fault && cf_fetch) ? {16'd0, cf_addr[47:3], 3'd0} : 64'd0) :
                     walk_eabt ? {16'd0, w_addr[47:3], 3'd0} : 64'd0;
    assign rec_data = {d3, d2, d1, d0};
    wire unused_addr = &{1'b0, cf_addr[2:0], w_addr[2:0]};

    // ---------------------------------------------------------------- attributes
    /* verilator lint_off UNUSEDSIGNAL */ // Device sub-type bits [1:0] are RES0
    function [3:0] axcache_mair;
        input [7:0] attr;
        input       write;
    /* verilator lint_on UNUSEDSIGNAL */
        begin
            if (attr[7:4] == 4'd0)
                axcache_mair = (attr[3:2] == 2'd0) ? C_DEVICE_NB : C_DEVICE_B;
            else if (attr[7:4] == C_NC_NIBBLE)
                axcache_mair = C_NORMAL_NC;
            else if (write)
                axcache_mair = (attr[6] ? C_WB_W : C_WT_W) | (attr[4] ? C_WALLOC_W : 4'd0);
            else
                axcache_mair = (attr[6] ? C_WB_R : C_WT_R) | (attr[5] ? C_RALLOC_R : 4'd0);
        end
    endfunction
    // bypass: MemAttr (stage-2 form: 00xx device, else outer [3:2] NC/WT/WB) when
    // MTCFG, else incoming; then ALLOCCFG 0b1RWT sets the hints of cacheable types
    wire [3:0] mt_cache = (o_memattr[3:2] == 2'd0) ?
                              ((o_memattr[1:0] == 2'd0) ? C_DEVICE_NB : C_DEVICE_B) :
                          (o_memattr[3:2] == OUTER_NC) ? C_NORMAL_NC :
                          (o_memattr[3:2] == OUTER_WT) ? ((IS_WRITE != 0) ? C_WT_W : C_WT_R) :
                          ((IS_WRITE != 0) ? C_WB_W : C_WB_R);
    wire [3:0] base_cache = o_mtcfg ? (mt_cache | (s_cache & ((IS_WRITE != 0) ? C_WALLOC_W
                                                                                : C_RALLOC_R)
                                                   & {4{mt_cache[3] | mt_cache[2]}}))
                                    : s_cache;
    wire cacheable = base_cache[3] || base_cache[2];
    wire [3:0] byp_cache = (o_alloc[`SMMUV3_ALLOCCFG_OVERRIDE_BIT] && cacheable) ?
        ((IS_WRITE != 0) ? {o_alloc[`SMMUV3_ALLOCCFG_WA_BIT], 1'b1, base_cache[1:0]}
                         : {1'b1, o_alloc[`SMMUV3_ALLOCCFG_RA_BIT], base_cache[1:0]}) :
        base_cache;
    wire unused_alloc = &{1'b0, o_alloc[0]};

    wire [47:0] xpa = {x_pa, va[11:0]};
    wire [ADDR_WIDTH-1:0] pa;
    generate
        if (ADDR_WIDTH >= 48) begin : g_pa_wide
            assign pa = bypass ? s_addr : {{(ADDR_WIDTH-48){1'b0}}, xpa};
        end else begin : g_pa_narrow
            assign pa = bypass ? s_addr : xpa[ADDR_WIDTH-1:0];
        end
    endgenerate

    // ---------------------------------------------------------------- state
    reg out_stale;
    assign stale = out_stale || held_stale;
    always @(posedge clk) begin
        if (rst) begin
            m_valid <= 1'b0;
            out_stale <= 1'b0;
            held_stale <= 1'b0;
            cwait <= 1'b0; cf_valid <= 1'b0; cf_evt <= 8'd0; cf_addr <= 48'd0;
            waiting <= 1'b0;
            wf_valid <= 1'b0; wf_fsr <= 32'd0; wf_ptwf <= 1'b0; wf_addr <= 48'd0;
            m_id <= {ID_WIDTH{1'b0}}; m_addr <= {ADDR_WIDTH{1'b0}}; m_len <= 8'd0;
            m_size <= 3'd0; m_burst <= 2'd0; m_lock <= 1'b0; m_cache <= 4'd0;
            m_prot <= 3'd0; m_user <= {SID_WIDTH{1'b0}};
        end else begin
            // configuration fetch bookkeeping
            // (a result can come in the clock of the request: C_BAD_STREAMID)
            if (f_done)
                cwait <= 1'b0;
            else if (f_valid && f_ready)
                cwait <= 1'b1;
            if (f_done && f_err && !f_retry) begin
                cf_valid <= 1'b1;
                cf_evt <= f_evt;
                cf_addr <= f_addr;
            end
            if (s_ready || !smmuen)
                cf_valid <= 1'b0;
            // walk bookkeeping (a leaf used as it arrives ends the wait)
            if (x_wreq_valid && x_wreq_ready)
                waiting <= 1'b1;
            else if (x_done || s_ready)
                waiting <= 1'b0;
            if (waiting && walk_fault_now && !s_ready) begin
                wf_valid <= 1'b1;
                wf_fsr <= x_done_fsr;
                wf_ptwf <= x_done_ptwf;
                wf_addr <= walk_addr;
            end
            if (s_ready)
                wf_valid <= 1'b0;
            // a held transaction that saw an invalidation keeps CMD_SYNC waiting
            if (s_ready)
                held_stale <= 1'b0;
            else if (s_valid && inv_valid)
                held_stale <= 1'b1;
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
                m_cache <= bypass ? byp_cache : axcache_mair(x_attr, IS_WRITE != 0);
                m_prot <= prot;
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
