// smmu_v3_cfg: SMMUv3 configuration lookup: Stream table walk (linear or 2-level),
// STE and CD fetch and decode, and the configuration cache that holds the result.
//
// Follows ARM IHI 0070 3.3 (configuration lookup), 5.2 (STE), 5.4 (CD), 7.3 (the
// C_BAD_STREAMID, F_STE_FETCH, C_BAD_STE, F_CD_FETCH, C_BAD_CD events it reports).
// Two combinational lookup ports (write and read channel) match a StreamID against
// ENTRIES cached configurations; a miss asks for a fetch (one at a time): the L1
// descriptor (2-level tables), STE qwords 0-1 and, for stage-1 translation, CD
// qwords 0-3, each as one burst on the shared read port. A valid configuration
// (abort, bypass or translate) fills the cache; an invalid one is reported to the
// requester with its event number and fetch address and is not cached. An
// invalidation (CFGI_*) kills matching entries in one clock and poisons a fetch in
// flight, which then fills nothing and tells the requester to retry.
//
// Leaves out: SubstreamIDs on transactions (S1CDMax != 0 is accepted with a linear CD
// table; a transaction always uses S1DSS: terminate, bypass or CD 0), 2-level CD
// tables (IDR0.CD2L = 0), stage 2
// (S2P = 0: Config 0b11x is ILLEGAL), stall (S1STALLD = 1 is ILLEGAL with
// STALL_MODEL = 0b01), 16K/64K granules, big-endian tables, HTTU.
`include "smmuv3_defs.vh"

module smmu_v3_cfg #(
    parameter ENTRIES = 8,
    parameter SID_WIDTH = 16
) (
    input  wire                        clk,
    input  wire                        rst,
    // lookup ports
    input  wire [SID_WIDTH-1:0]        a_sid,
    output reg                         a_hit,
    output reg  [`SMMUV3_CFGB_WIDTH-1:0] a_cfg,
    input  wire [SID_WIDTH-1:0]        b_sid,
    output reg                         b_hit,
    output reg  [`SMMUV3_CFGB_WIDTH-1:0] b_cfg,
    // fetch request and result (result one clock, owner = requester)
    input  wire                        rq_valid,
    output wire                        rq_ready,
    input  wire [SID_WIDTH-1:0]        rq_sid,
    input  wire                        rq_owner,
    output wire                        done,
    output wire                        done_owner,
    output wire                        done_retry,
    output wire                        done_err,
    output wire [7:0]                  done_evt,
    output wire [47:0]                 done_addr,
    // invalidation: entries whose SID matches inv_sid outside inv_mask
    input  wire                        inv_valid,
    input  wire [31:0]                 inv_sid,
    input  wire [31:0]                 inv_mask,
    // stream table registers
    input  wire [63:0]                 strtab_base,
    input  wire [31:0]                 strtab_base_cfg,
    // read master (single outstanding burst)
    output wire                        ar_valid,
    input  wire                        ar_ready,
    output wire [47:0]                 ar_addr,
    output wire [7:0]                  ar_len,
    output wire                        ar_cd,       // the read is a CD fetch ...
    output wire [1:0]                  ar_cd_oc,    // ... with this STE.S1COR
    input  wire                        r_valid,
    output wire                        r_ready,
    input  wire [63:0]                 r_data,
    input  wire [1:0]                  r_resp,
    input  wire                        r_last
);
    localparam CW = `SMMUV3_CFGB_WIDTH;
    localparam IW = (ENTRIES > 1) ? $clog2(ENTRIES) : 1;
    localparam [2:0] S_IDLE = 3'd0, S_L1_AR = 3'd1, S_L1_R = 3'd2, S_STE_AR = 3'd3,
                     S_STE_R = 3'd4, S_CD_AR = 3'd5, S_CD_R = 3'd6;
    localparam [7:0] E_BAD_SID = `SMMUV3_EVT_C_BAD_STREAMID;
    localparam [7:0] E_STE_FETCH = `SMMUV3_EVT_F_STE_FETCH;
    localparam [7:0] E_BAD_STE = `SMMUV3_EVT_C_BAD_STE;
    localparam [7:0] E_CD_FETCH = `SMMUV3_EVT_F_CD_FETCH;
    localparam [7:0] E_BAD_CD = `SMMUV3_EVT_C_BAD_CD;
    localparam [1:0] K_ABORT = `SMMUV3_CFGB_KIND_ABORT;
    localparam [1:0] K_BYPASS = `SMMUV3_CFGB_KIND_BYPASS;
    localparam [1:0] K_TRANS = `SMMUV3_CFGB_KIND_TRANSLATE;
    localparam [1:0] K_DIS = `SMMUV3_CFGB_KIND_DISABLED;
    localparam [1:0] S1DSS_TERM = `SMMUV3_STE_S1DSS_TERMINATE;
    localparam [1:0] S1DSS_BYP = `SMMUV3_STE_S1DSS_BYPASS;
    localparam [4:0] SSIDSIZE = `SMMUV3_SSIDSIZE;
    localparam [2:0] C_CFG_BYPASS = `SMMUV3_STE_CONFIG_BYPASS;
    localparam [2:0] C_CFG_S1 = `SMMUV3_STE_CONFIG_S1_TRANS;
    localparam [5:0] T0SZ_MIN = `SMMUV3_CD_T0SZ_MIN;
    localparam [5:0] T0SZ_MAX = `SMMUV3_CD_T0SZ_MAX;
    localparam [1:0] TG1_4K = 2'b10;
    localparam [1:0] TG0_4K = `SMMUV3_CD_TG0_4K;
    localparam [7:0] STE_LEN = `SMMUV3_STE_FETCH_DWORDS - 1;
    localparam [7:0] CD_LEN = `SMMUV3_CD_FETCH_DWORDS - 1;     // CD.TG1 encodes 4 KiB as 0b10
    localparam [2:0] IPS_MAX = `SMMUV3_IDR5_OAS_48;

    // ---------------------------------------------------------------- cache
    reg [ENTRIES-1:0]   e_valid;
    reg [SID_WIDTH-1:0] e_sid [0:ENTRIES-1];
    reg [CW-1:0]        e_cfg [0:ENTRIES-1];
    reg [IW-1:0]        rr;                 // round-robin victim

    integer i;
    always @* begin
        a_hit = 1'b0; a_cfg = {CW{1'b0}};
        b_hit = 1'b0; b_cfg = {CW{1'b0}};
        for (i = 0; i < ENTRIES; i = i + 1) begin
            if (e_valid[i] && e_sid[i] == a_sid) begin a_hit = 1'b1; a_cfg = e_cfg[i]; end
            if (e_valid[i] && e_sid[i] == b_sid) begin b_hit = 1'b1; b_cfg = e_cfg[i]; end
        end
    end

    // ---------------------------------------------------------------- fetch state
    reg [2:0]           state;
    reg [SID_WIDTH-1:0] w_sid;
    reg                 w_owner;
    reg                 poison;
    reg                 r_err;              // an error beat seen in this burst
    reg [1:0]           beat;
    reg [63:0]          q0, q1, q2;         // earlier beats of the burst
    reg [CW-1:0]        w_cfg;              // STE part of the configuration
    reg [1:0]           w_s1cor;            // STE.S1COR: the CD fetch's cacheability

    assign rq_ready = (state == S_IDLE);
    reg  [47:0]         a_reg;              // address of an AR waiting for ARREADY
    reg  [7:0]          l_reg;
    wire in_ar = (state == S_L1_AR) || (state == S_STE_AR) || (state == S_CD_AR);
    assign r_ready = (state == S_L1_R) || (state == S_STE_R) || (state == S_CD_R);
    wire r_fire = r_valid && r_ready;
    wire beat_err = r_resp[1] || r_err;

    wire [47:0] st_base = {strtab_base[47:6], 6'd0};
    wire [5:0]  log2size = strtab_base_cfg[`SMMUV3_STRTAB_BASE_CFG_LOG2SIZE_SHIFT +: 6];
    wire [4:0]  split = strtab_base_cfg[`SMMUV3_STRTAB_BASE_CFG_SPLIT_SHIFT +: 5];
    wire        two_level = strtab_base_cfg[`SMMUV3_STRTAB_BASE_CFG_FMT_SHIFT +: 2] ==
                            `SMMUV3_STRTAB_BASE_CFG_FMT_2LVL;
    wire unused_regs = &{1'b0, strtab_base[63:48], strtab_base[5:0], strtab_base_cfg};

    wire [47:0] rq_sid48 = {{(48-SID_WIDTH){1'b0}}, rq_sid};
    wire [47:0] w_sid48 = {{(48-SID_WIDTH){1'b0}}, w_sid};
    // StreamID beyond 2^LOG2SIZE (LOG2SIZE above the SID width cannot exclude any)
    wire rq_sid_oor = ({26'd0, log2size} < SID_WIDTH) && ((rq_sid48 >> log2size) != 48'd0);
    // L1 descriptor: StreamID bits above SPLIT index it, the rest index its L2 table
    wire [47:0] sid_lo = w_sid48 & ~({48{1'b1}} << split);
    wire [4:0]  span = r_data[`SMMUV3_L1STD_SPAN_SHIFT +: 5];
    wire [47:0] l2ptr = {r_data[47:6], 6'd0};
    wire        l1_bad = (span == 5'd0) || ({1'b0, span} > {1'b0, split} + 6'd1) ||
                         ((sid_lo >> (span - 5'd1)) != 48'd0);
    wire        l1_oor = r_data[51:48] != 4'd0;     // L2Ptr beyond the 48-bit PA

    // ---------------------------------------------------------------- STE decode
    // qword 0 is q0, qword 1 the last beat
    wire        ste_v = q0[`SMMUV3_STE0_V_BIT];
    wire [2:0]  ste_config = q0[`SMMUV3_STE0_CONFIG_SHIFT +: 3];
    wire [4:0]  ste_cdmax = q0[`SMMUV3_STE0_S1CDMAX_SHIFT +: 5];
    wire [47:0] ste_ctxptr = {q0[47:6], 6'd0};
    wire        ste_ctxptr_oor = q0[51:48] != 4'd0;
    wire        ste_stalld = r_data[`SMMUV3_STE1_S1STALLD_BIT];
    wire        ste_s2 = ste_config[2] && ste_config[1];
    // substreams: S1CDMax up to SSIDSIZE with a linear CD table (IDR0.CD2L = 0: S1Fmt
    // must be 0); a transaction without SubstreamID follows S1DSS (0b11 reserved)
    wire [1:0]  ste_s1fmt = q0[`SMMUV3_STE0_S1FMT_SHIFT +: 2];
    wire [1:0]  ste_s1dss = r_data[`SMMUV3_STE1_S1DSS_SHIFT +: 2];
    wire        ste_ss = ste_cdmax != 5'd0;
    wire        ste_bad = !ste_v || ste_s2 ||
                          (ste_config == C_CFG_S1 &&
                           (ste_cdmax > SSIDSIZE || ste_stalld ||
                            (ste_ss && (ste_s1fmt != 2'd0 || ste_s1dss == 2'b11))));
    wire [1:0]  ste_kind = !ste_config[2] ? K_ABORT :
                           (ste_config == C_CFG_BYPASS) ? K_BYPASS :
                           (ste_ss && ste_s1dss == S1DSS_TERM) ? K_DIS :
                           (ste_ss && ste_s1dss == S1DSS_BYP) ? K_BYPASS : K_TRANS;
    reg  [CW-1:0] ste_cfg;
    always @* begin
        ste_cfg = {CW{1'b0}};
        ste_cfg[`SMMUV3_CFGB_KIND_SHIFT +: 2] = ste_kind;
        ste_cfg[`SMMUV3_CFGB_MEMATTR_SHIFT +: 4] = r_data[`SMMUV3_STE1_MEMATTR_SHIFT +: 4];
        ste_cfg[`SMMUV3_CFGB_MTCFG_BIT] = r_data[`SMMUV3_STE1_MTCFG_BIT];
        ste_cfg[`SMMUV3_CFGB_ALLOCCFG_SHIFT +: 4] = r_data[`SMMUV3_STE1_ALLOCCFG_SHIFT +: 4];
        ste_cfg[`SMMUV3_CFGB_PRIVCFG_SHIFT +: 2] = r_data[`SMMUV3_STE1_PRIVCFG_SHIFT +: 2];
        ste_cfg[`SMMUV3_CFGB_INSTCFG_SHIFT +: 2] = r_data[`SMMUV3_STE1_INSTCFG_SHIFT +: 2];
    end

    // ---------------------------------------------------------------- CD decode
    // qwords 0-2 are q0-q2, qword 3 (MAIR) the last beat
    wire [5:0]  cd_t0sz = q0[`SMMUV3_CD0_T0SZ_SHIFT +: 6];
    wire [1:0]  cd_tg0 = q0[`SMMUV3_CD0_TG0_SHIFT +: 2];
    wire        cd_epd0 = q0[`SMMUV3_CD0_EPD0_BIT];
    wire        cd_endi = q0[`SMMUV3_CD0_ENDI_BIT];
    wire [5:0]  cd_t1sz = q0[`SMMUV3_CD0_T1SZ_SHIFT +: 6];
    wire [1:0]  cd_tg1 = q0[`SMMUV3_CD0_TG1_SHIFT +: 2];
    wire        cd_epd1 = q0[`SMMUV3_CD0_EPD1_BIT];
    wire        cd_v = q0[`SMMUV3_CD0_V_BIT];
    wire [2:0]  cd_ips = q0[`SMMUV3_CD0_IPS_SHIFT +: 3];
    wire        cd_aa64 = q0[`SMMUV3_CD0_AA64_BIT];
    wire        cd_httu = q0[`SMMUV3_CD0_HD_BIT] || q0[`SMMUV3_CD0_HA_BIT];
    wire [2:0]  eff_ips = (cd_ips > IPS_MAX) ? IPS_MAX : cd_ips;
    function [51:0] pa_limit;       // address bits at and above the IPS size
        input [2:0] ips;
        begin
            case (ips)
                3'd0: pa_limit = {{20{1'b1}}, 32'd0};
                3'd1: pa_limit = {{16{1'b1}}, 36'd0};
                3'd2: pa_limit = {{12{1'b1}}, 40'd0};
                3'd3: pa_limit = {{10{1'b1}}, 42'd0};
                3'd4: pa_limit = {{8{1'b1}}, 44'd0};
                default: pa_limit = {{4{1'b1}}, 48'd0};
            endcase
        end
    endfunction
    wire [51:0] ttb0 = {q1[51:4], 4'd0};
    wire [51:0] ttb1 = {q2[51:4], 4'd0};
    wire tsz_bad0 = (cd_t0sz < T0SZ_MIN) || (cd_t0sz > T0SZ_MAX);
    wire tsz_bad1 = (cd_t1sz < T0SZ_MIN) || (cd_t1sz > T0SZ_MAX);
    wire cd_bad = !cd_v || !cd_aa64 || cd_endi || cd_httu ||
                  (!cd_epd0 && (cd_tg0 != TG0_4K || tsz_bad0 ||
                                (ttb0 & pa_limit(eff_ips)) != 52'd0)) ||
                  (!cd_epd1 && (cd_tg1 != TG1_4K || tsz_bad1 ||
                                (ttb1 & pa_limit(eff_ips)) != 52'd0));
    reg [CW-1:0] cd_cfg;
    always @* begin
        cd_cfg = w_cfg;
        cd_cfg[`SMMUV3_CFGB_ASID_SHIFT +: 16] = q0[`SMMUV3_CD0_ASID_SHIFT +: 16];
        cd_cfg[`SMMUV3_CFGB_TTB0_SHIFT +: 48] = ttb0[47:0];
        cd_cfg[`SMMUV3_CFGB_T0SZ_SHIFT +: 6] = cd_t0sz;
        cd_cfg[`SMMUV3_CFGB_IPS_SHIFT +: 3] = eff_ips;
        cd_cfg[`SMMUV3_CFGB_EPD0_BIT] = cd_epd0;
        cd_cfg[`SMMUV3_CFGB_MAIR_SHIFT +: 64] = r_data;
        cd_cfg[`SMMUV3_CFGB_A_BIT] = q0[`SMMUV3_CD0_A_BIT];
        cd_cfg[`SMMUV3_CFGB_R_BIT] = q0[`SMMUV3_CD0_R_BIT];
    end
    // TCR fields the walk does not use (IRGN/ORGN/SH, TBI, WXN, PAN, AFFD, ASET, S...)
    wire unused_cd = &{1'b0, q0[13:8], q0[29:24], q0[47:35], q1[63:52], q1[3:0],
                       q2[63:52], q2[3:0], q0[63:52]};

    // ---------------------------------------------------------------- result
    reg        fin;                 // the fetch ends this clock
    reg        fin_err;
    reg [7:0]  fin_evt;
    reg [47:0] fin_addr;
    reg        fin_fill;
    reg [CW-1:0] fin_cfg;
    wire last = r_fire && r_last;
    always @* begin
        fin = 1'b0; fin_err = 1'b0; fin_evt = 8'd0; fin_addr = a_reg;
        fin_fill = 1'b0; fin_cfg = ste_cfg;
        case (state)
            S_IDLE: if (rq_valid && rq_sid_oor) begin
                fin = 1'b1; fin_err = 1'b1; fin_evt = E_BAD_SID;
            end
            S_L1_R: if (last) begin
                if (beat_err) begin
                    fin = 1'b1; fin_err = 1'b1; fin_evt = E_STE_FETCH;
                end else if (l1_bad) begin
                    fin = 1'b1; fin_err = 1'b1; fin_evt = E_BAD_SID;
                end else if (l1_oor) begin
                    fin = 1'b1; fin_err = 1'b1; fin_evt = E_STE_FETCH;
                    fin_addr = l2ptr + (sid_lo << 6);
                end
            end
            S_STE_R: if (last) begin
                if (beat_err) begin
                    fin = 1'b1; fin_err = 1'b1; fin_evt = E_STE_FETCH;
                end else if (ste_bad) begin
                    fin = 1'b1; fin_err = 1'b1; fin_evt = E_BAD_STE;
                end else if (ste_kind != K_TRANS) begin
                    fin = 1'b1; fin_fill = 1'b1;
                end else if (ste_ctxptr_oor) begin
                    fin = 1'b1; fin_err = 1'b1; fin_evt = E_CD_FETCH;
                    fin_addr = ste_ctxptr;
                end
            end
            S_CD_R: if (last) begin
                fin = 1'b1;
                fin_cfg = cd_cfg;
                if (beat_err) begin
                    fin_err = 1'b1; fin_evt = E_CD_FETCH;
                end else if (cd_bad) begin
                    fin_err = 1'b1; fin_evt = E_BAD_CD;
                end else begin
                    fin_fill = 1'b1;
                end
            end
            default: ;
        endcase
    end
    wire retry = poison || inv_valid;

    // the next read leaves in the clock its cause is known: the request itself, or
    // the last beat of the L1 descriptor / STE (no idle clock between the reads)
    reg        iss;
    reg [47:0] iss_addr;
    reg [7:0]  iss_len;
    reg [2:0]  iss_ar, iss_r;           // states if ARREADY is low / high
    always @* begin
        iss = 1'b0; iss_addr = 48'd0; iss_len = 8'd0; iss_ar = S_IDLE; iss_r = S_IDLE;
        case (state)
            S_IDLE: if (rq_valid && !fin) begin
                iss = 1'b1;
                if (two_level) begin
                    iss_addr = st_base + ((rq_sid48 >> split) << 3);
                    iss_ar = S_L1_AR; iss_r = S_L1_R;
                end else begin
                    iss_addr = st_base + (rq_sid48 << 6);
                    iss_len = STE_LEN;
                    iss_ar = S_STE_AR; iss_r = S_STE_R;
                end
            end
            S_L1_R: if (last && !fin) begin
                iss = 1'b1; iss_addr = l2ptr + (sid_lo << 6); iss_len = STE_LEN;
                iss_ar = S_STE_AR; iss_r = S_STE_R;
            end
            S_STE_R: if (last && !fin) begin
                iss = 1'b1; iss_addr = ste_ctxptr; iss_len = CD_LEN;
                iss_ar = S_CD_AR; iss_r = S_CD_R;
            end
            default: ;
        endcase
    end
    assign ar_valid = in_ar || iss;
    assign ar_addr = in_ar ? a_reg : iss_addr;
    assign ar_len = in_ar ? l_reg : iss_len;
    // STE.S1COR gives the CD fetch's outer cacheability (inner and shareability have
    // no AXI4 signal here)
    assign ar_cd = in_ar ? (state == S_CD_AR) : (state == S_STE_R);
    assign ar_cd_oc = in_ar ? w_s1cor : r_data[`SMMUV3_STE1_S1COR_SHIFT +: 2];

    // the result goes to the requester in the clock it is known (the cache is filled
    // at the same edge, so the requester's next lookup hits)
    assign done = fin;
    assign done_owner = (state == S_IDLE) ? rq_owner : w_owner;
    assign done_retry = (state == S_IDLE) ? inv_valid : retry;
    assign done_err = fin_err;
    assign done_evt = fin_evt;
    assign done_addr = fin_addr;

    // victim: an entry of the same StreamID, else an invalid one, else round robin
    reg [IW-1:0] victim;
    reg          vfound;
    always @* begin
        victim = rr;
        vfound = 1'b0;
        for (i = ENTRIES - 1; i >= 0; i = i - 1)
            if (!e_valid[i]) begin victim = i[IW-1:0]; vfound = 1'b1; end
        for (i = ENTRIES - 1; i >= 0; i = i - 1)
            if (e_valid[i] && e_sid[i] == w_sid) begin victim = i[IW-1:0]; vfound = 1'b1; end
    end
    // an out-of-range StreamID operand is truncated (IHI 0070 4.1.7 allows it)
    wire unused_inv = &{1'b0, inv_sid, inv_mask, r_resp[0]};
    reg [ENTRIES-1:0] kill;
    always @* begin
        for (i = 0; i < ENTRIES; i = i + 1)
            kill[i] = ((e_sid[i] ^ inv_sid[SID_WIDTH-1:0]) & ~inv_mask[SID_WIDTH-1:0]) ==
                      {SID_WIDTH{1'b0}};
    end

    always @(posedge clk) begin
        if (rst) begin
            state <= S_IDLE;
            e_valid <= {ENTRIES{1'b0}};
            rr <= {IW{1'b0}};
            w_sid <= {SID_WIDTH{1'b0}}; w_owner <= 1'b0; poison <= 1'b0;
            r_err <= 1'b0; beat <= 2'd0; q0 <= 64'd0; q1 <= 64'd0; q2 <= 64'd0;
            w_cfg <= {CW{1'b0}}; w_s1cor <= 2'd0;
            a_reg <= 48'd0; l_reg <= 8'd0;
            for (i = 0; i < ENTRIES; i = i + 1) begin
                e_sid[i] <= {SID_WIDTH{1'b0}};
                e_cfg[i] <= {CW{1'b0}};
            end
        end else begin
            if (inv_valid)
                e_valid <= e_valid & ~kill;
            else if (fin && fin_fill && !retry) begin
                e_valid[victim] <= 1'b1;
                e_sid[victim] <= w_sid;
                e_cfg[victim] <= fin_cfg;
                if (!vfound)
                    rr <= ({{(32-IW){1'b0}}, rr} == ENTRIES - 1) ? {IW{1'b0}} : rr + 1'b1;
            end
            if (state != S_IDLE && inv_valid)
                poison <= 1'b1;
            if (r_fire) begin
                beat <= beat + 2'd1;
                if (r_resp[1]) r_err <= 1'b1;
                case (beat)
                    2'd0: q0 <= r_data;
                    2'd1: q1 <= r_data;
                    default: q2 <= r_data;
                endcase
            end
            if (ar_valid && ar_ready) begin
                beat <= 2'd0;
                r_err <= 1'b0;
            end
            if (state == S_IDLE && rq_valid) begin
                w_sid <= rq_sid;
                w_owner <= rq_owner;
                poison <= inv_valid;
            end
            if (state == S_STE_R && last)
                w_cfg <= ste_cfg;
            if (state == S_STE_R && last)
                w_s1cor <= r_data[`SMMUV3_STE1_S1COR_SHIFT +: 2];
            if (fin) begin
                state <= S_IDLE;
            end else if (iss) begin
                state <= ar_ready ? iss_r : iss_ar;
                a_reg <= iss_addr;
                l_reg <= iss_len;
            end else if (in_ar && ar_ready) begin
                state <= (state == S_L1_AR) ? S_L1_R : (state == S_STE_AR) ? S_STE_R : S_CD_R;
            end
        end
    end
endmodule
