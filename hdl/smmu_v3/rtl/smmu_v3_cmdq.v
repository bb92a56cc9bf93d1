// smmu_v3_cmdq: SMMUv3 command queue consumer.
//
// Follows ARM IHI 0070 chapter 4 and 7.1: while CR0.CMDQEN is set, no command error
// is active (GERROR.CMDQ_ERR == GERRORN.CMDQ_ERR) and CMDQ_PROD != CMDQ_CONS, the
// command at CONS is read (one 16-byte burst on the shared read port), executed and
// consumed (CONS + 1, with wrap). Executed here:
//   CFGI_STE, CFGI_STE_RANGE / CFGI_ALL, CFGI_CD, CFGI_CD_ALL: configuration-cache
//     invalidation by StreamID (and span), plus a core pulse that kills no TLB entry
//     but restarts a walk that may be using the old CD;
//   TLBI_NH_ALL, TLBI_NH_ASID, TLBI_NH_VA, TLBI_NH_VAA (leaf / non-leaf, and the
//     IDR3.RIL range form TG/SCALE/NUM/TTL: one core invalidation per step of the
//     TTL level, or the whole regime above 2^RANGE_STEPS_LOG2 steps), TLBI_NSNH_ALL;
//   PREFETCH_CONFIG / PREFETCH_ADDR: no effect;
//   CMD_SYNC: waits until sync_idle says that no walk, transaction or event record
//     that could use state from before it is left, then signals CS = IRQ (the wired
//     irq_cmd_sync pulse) or CS = SEV (sev pulse).
// Anything else (reserved opcodes, EL2/EL3/stage-2/ATS/PRI/stall commands the block
// does not implement, SSec = 1, CS = 0b11, the reserved TLBI range encodings) stops
// the queue with CMDQ_CONS.ERR = CERROR_ILL; a read error with CERROR_ABT. Both
// activate GERROR.CMDQ_ERR; CONS keeps pointing at the command, which is fetched
// again after software acknowledges through GERRORN.
//
// Leaves out: MSI completion writes (IDR0.MSI = 0), command prefetch/batching.
`include "smmuv3_defs.vh"
`include "smmu_defs.vh"

module smmu_v3_cmdq (
    input  wire        clk,
    input  wire        rst,
    // registers
    input  wire        cmdqen,
    input  wire [63:0] cmdq_base,
    input  wire [31:0] cmdq_prod,
    output wire [31:0] cmdq_cons,           // register value (ERR in [30:24])
    input  wire        cons_wr,             // software write of CMDQ_CONS
    input  wire [31:0] cons_wdata,
    input  wire        err_active,
    output reg         set_err,             // activate GERROR.CMDQ_ERR
    // read master (single outstanding burst)
    output wire        ar_valid,
    input  wire        ar_ready,
    output wire [47:0] ar_addr,
    output wire [7:0]  ar_len,
    input  wire        r_valid,
    output wire        r_ready,
    input  wire [63:0] r_data,
    input  wire [1:0]  r_resp,
    input  wire        r_last,
    // configuration-cache invalidation
    output reg         cfg_inv_valid,
    output reg  [31:0] cfg_inv_sid,
    output reg  [31:0] cfg_inv_mask,
    // translation-core invalidation
    output reg         inv_valid,
    output reg  [2:0]  inv_op,
    output reg  [7:0]  inv_cb,
    output reg  [15:0] inv_asid,
    output reg  [35:0] inv_va,
    // CMD_SYNC
    input  wire        sync_idle,
    output reg         irq_cmd_sync,
    output reg         sev,
    output wire        busy
);
    localparam [2:0] S_IDLE = 3'd0, S_AR = 3'd1, S_R = 3'd2, S_EXEC = 3'd3,
                     S_LOOP = 3'd4, S_SYNC = 3'd5;
    localparam [7:0] OP_PREFETCH_CONFIG = `SMMUV3_OP_PREFETCH_CONFIG;
    localparam [7:0] OP_PREFETCH_ADDR = `SMMUV3_OP_PREFETCH_ADDR;
    localparam [7:0] OP_CFGI_STE = `SMMUV3_OP_CFGI_STE;
    localparam [7:0] OP_CFGI_STE_RANGE = `SMMUV3_OP_CFGI_STE_RANGE;
    localparam [7:0] OP_CFGI_CD = `SMMUV3_OP_CFGI_CD;
    localparam [7:0] OP_CFGI_CD_ALL = `SMMUV3_OP_CFGI_CD_ALL;
    localparam [7:0] OP_TLBI_NH_ALL = `SMMUV3_OP_TLBI_NH_ALL;
    localparam [7:0] OP_TLBI_NH_ASID = `SMMUV3_OP_TLBI_NH_ASID;
    localparam [7:0] OP_TLBI_NH_VA = `SMMUV3_OP_TLBI_NH_VA;
    localparam [7:0] OP_TLBI_NH_VAA = `SMMUV3_OP_TLBI_NH_VAA;
    localparam [7:0] OP_TLBI_NSNH_ALL = `SMMUV3_OP_TLBI_NSNH_ALL;
    localparam [7:0] OP_CMD_SYNC = `SMMUV3_OP_CMD_SYNC;
    localparam [1:0] CS_IRQ = `SMMUV3_SYNC_CS_IRQ;
    localparam [1:0] CS_SEV = `SMMUV3_SYNC_CS_SEV;
    localparam [1:0] CS_RSVD = 2'b11;
    localparam [6:0] E_ILL = `SMMUV3_CERROR_ILL;
    localparam [6:0] E_ABT = `SMMUV3_CERROR_ABT;
    localparam [2:0] I_ALL = `SMMU_INV_OP_ALL;
    localparam [2:0] I_CB = `SMMU_INV_OP_CB;
    localparam [2:0] I_ASID = `SMMU_INV_OP_ASID;
    localparam [2:0] I_VA = `SMMU_INV_OP_VA;
    localparam [2:0] I_VAL = `SMMU_INV_OP_VAL;
    localparam [2:0] I_VAA = `SMMU_INV_OP_VAA;
    localparam [2:0] I_VAAL = `SMMU_INV_OP_VAAL;
    localparam [7:0] TAG_EL1 = `SMMUV3_CORE_TAG_NS_EL1;
    localparam [7:0] TAG_NONE = `SMMUV3_CORE_TAG_NONE;
    localparam [1:0] TG_4K = `SMMUV3_TLBI_TG_4K;
    localparam [1:0] TG_16K = `SMMUV3_TLBI_TG_16K;
    localparam [1:0] TG_64K = `SMMUV3_TLBI_TG_64K;
    localparam [5:0] STEPS_LOG2 = `SMMUV3_RANGE_STEPS_LOG2;

    reg [2:0]  state;
    reg [19:0] cons;                // [log2size] wrap, [log2size-1:0] index
    reg [6:0]  err;
    reg [63:0] c0, c1;              // the command
    reg        r_err;
    reg        beat;
    reg [35:0] loop_va;             // page number of the next step
    reg [35:0] loop_step;           // pages per step
    reg [40:0] loop_left;           // steps still to issue
    reg [2:0]  loop_op;

    wire [4:0]  log2size = cmdq_base[`SMMUV3_Q_BASE_LOG2SIZE_SHIFT +: 5];
    wire [19:0] qmask = ~(20'hfffff << log2size);          // index bits
    wire [19:0] wmask = ~(20'hffffe << log2size);          // index + wrap bits
    wire [47:0] qbase = {cmdq_base[47:5], 5'd0};
    wire unused_base = &{1'b0, cmdq_base[63:48], cmdq_prod[31:20], cons_wdata[31:20],
                         r_resp[0]};
    assign cmdq_cons = {1'b0, err, 4'd0, cons};
    wire [19:0] cons_next = (cons + 20'd1) & wmask;
    wire empty = ((cmdq_prod[19:0] ^ cons) & wmask) == 20'd0;

    assign busy = (state != S_IDLE);
    assign ar_valid = (state == S_AR);
    assign ar_addr = qbase + {24'd0, cons & qmask, 4'd0};
    assign ar_len = 8'd1;
    assign r_ready = (state == S_R);

    // ---------------------------------------------------------------- decode
    wire [7:0]  op = c0[`SMMUV3_CMD0_OP_SHIFT +: 8];
    wire        ssec = c0[`SMMUV3_CMD0_SSEC_BIT];
    wire [31:0] sid = c0[`SMMUV3_CMD0_SID_SHIFT +: 32];
    wire [4:0]  range = c1[`SMMUV3_CMD1_RANGE_SHIFT +: 5];
    wire        leaf = c1[`SMMUV3_CMD1_LEAF_BIT];
    wire [4:0]  num = c0[`SMMUV3_CMD0_TLBI_NUM_SHIFT +: 5];
    wire [4:0]  scale = c0[`SMMUV3_CMD0_TLBI_SCALE_SHIFT +: 5];
    wire [15:0] asid = c0[`SMMUV3_CMD0_TLBI_ASID_SHIFT +: 16];
    wire [1:0]  ttl = c1[`SMMUV3_CMD1_TLBI_TTL_SHIFT +: 2];
    wire [1:0]  tg = c1[`SMMUV3_CMD1_TLBI_TG_SHIFT +: 2];
    wire [35:0] va_page = c1[47:12];            // VA[47:12]: the translated range
    wire [1:0]  cs = c0[`SMMUV3_CMD0_SYNC_CS_SHIFT +: 2];
    // VA[63:48] are beyond the 48-bit input range: nothing is cached there
    wire unused_cmd = &{1'b0, c0[9:8], c0[11], c0[19:17], c0[31:25], c0[47:32], c1[63:48],
                        c1[7:5]};

    wire is_tlbi_va = (op == OP_TLBI_NH_VA) || (op == OP_TLBI_NH_VAA);
    // reserved range encodings: TG != 0 with NUM = SCALE = TTL = 0; 16K with TTL = 1
    wire range_bad = (tg != 2'd0) && ((num == 5'd0 && scale == 5'd0 && ttl == 2'd0) ||
                                      (tg == TG_16K && ttl == 2'd1));
    wire has_ssec = (op == OP_PREFETCH_CONFIG) || (op == OP_PREFETCH_ADDR) ||
                    (op == OP_CFGI_STE) || (op == OP_CFGI_STE_RANGE) ||
                    (op == OP_CFGI_CD) || (op == OP_CFGI_CD_ALL);
    wire known = has_ssec || (op == OP_TLBI_NH_ALL) || (op == OP_TLBI_NH_ASID) ||
                 is_tlbi_va || (op == OP_TLBI_NSNH_ALL) || (op == OP_CMD_SYNC);
    wire illegal = !known || (has_ssec && ssec) || (is_tlbi_va && range_bad) ||
                   (op == OP_CMD_SYNC && cs == CS_RSVD);

    // range: pages = (NUM + 1) << SCALE granules; steps of the TTL level (4 KiB tables)
    wire [2:0]  g_shift = (tg == TG_16K) ? 3'd2 : (tg == TG_64K) ? 3'd4 : 3'd0;
    wire [5:0]  pg_log2 = {1'b0, scale} + {3'd0, g_shift};        // up to 35
    wire [40:0] pages = {36'd0, num} + 41'd1 << pg_log2;
    wire [4:0]  step_log2 = (tg == TG_4K && ttl == 2'd1) ? 5'd18 :
                            (tg == TG_4K && ttl == 2'd2) ? 5'd9 : 5'd0;
    wire [40:0] steps = (tg == 2'd0) ? 41'd1 :
                        ((pages >> step_log2) + {40'd0, (pages & ~({41{1'b1}} << step_log2)) != 41'd0});
    wire        too_many = steps > (41'd1 << STEPS_LOG2);
    wire [35:0] step_mask = {36{1'b1}} << step_log2;

    always @(posedge clk) begin
        set_err <= 1'b0;
        cfg_inv_valid <= 1'b0;
        inv_valid <= 1'b0;
        irq_cmd_sync <= 1'b0;
        sev <= 1'b0;
        if (rst) begin
            state <= S_IDLE;
            cons <= 20'd0; err <= 7'd0;
            c0 <= 64'd0; c1 <= 64'd0; r_err <= 1'b0; beat <= 1'b0;
            loop_va <= 36'd0; loop_step <= 36'd0; loop_left <= 41'd0; loop_op <= 3'd0;
            cfg_inv_sid <= 32'd0; cfg_inv_mask <= 32'd0;
            inv_op <= 3'd0; inv_cb <= 8'd0; inv_asid <= 16'd0; inv_va <= 36'd0;
        end else begin
            case (state)
                S_IDLE: begin
                    if (cons_wr && !cmdqen)
                        {err, cons} <= {cons_wdata[30:24], cons_wdata[19:0]};
                    else if (cmdqen && !err_active && !empty)
                        state <= S_AR;
                end
                S_AR: if (ar_ready) begin
                    state <= S_R;
                    beat <= 1'b0;
                    r_err <= 1'b0;
                end
                S_R: if (r_valid) begin
                    beat <= 1'b1;
                    if (!beat) c0 <= r_data; else c1 <= r_data;
                    if (r_resp[1]) r_err <= 1'b1;
                    if (r_last) begin
                        if (r_resp[1] || r_err) begin
                            // abort on command fetch: CONS stays at the command
                            err <= E_ABT;
                            set_err <= 1'b1;
                            state <= S_IDLE;
                        end else begin
                            state <= S_EXEC;
                        end
                    end
                end
                S_EXEC: begin
                    state <= S_IDLE;
                    if (illegal) begin
                        err <= E_ILL;
                        set_err <= 1'b1;
                    end else begin
                        cons <= cons_next;
                        case (op)
                            OP_CFGI_STE, OP_CFGI_CD, OP_CFGI_CD_ALL, OP_CFGI_STE_RANGE: begin
                                cfg_inv_valid <= 1'b1;
                                cfg_inv_sid <= sid;
                                cfg_inv_mask <= (op == OP_CFGI_STE_RANGE) ?
                                                ~(32'hffff_fffe << range) : 32'd0;
                                inv_valid <= 1'b1;
                                inv_op <= I_CB;
                                inv_cb <= TAG_NONE;
                            end
                            OP_TLBI_NH_ALL: begin
                                inv_valid <= 1'b1; inv_op <= I_CB; inv_cb <= TAG_EL1;
                            end
                            OP_TLBI_NSNH_ALL: begin
                                inv_valid <= 1'b1; inv_op <= I_ALL; inv_cb <= TAG_EL1;
                            end
                            OP_TLBI_NH_ASID: begin
                                inv_valid <= 1'b1; inv_op <= I_ASID; inv_cb <= TAG_EL1;
                                inv_asid <= asid;
                            end
                            OP_TLBI_NH_VA, OP_TLBI_NH_VAA: begin
                                inv_cb <= TAG_EL1;
                                inv_asid <= asid;
                                if (too_many) begin
                                    // over-invalidate: the whole regime
                                    inv_valid <= 1'b1; inv_op <= I_CB;
                                end else begin
                                    loop_op <= (op == OP_TLBI_NH_VA) ? (leaf ? I_VAL : I_VA)
                                                                     : (leaf ? I_VAAL : I_VAA);
                                    loop_va <= va_page & step_mask;
                                    loop_step <= 36'd1 << step_log2;
                                    loop_left <= steps;
                                    state <= S_LOOP;
                                end
                            end
                            OP_CMD_SYNC: begin
                                cons <= cons;       // consumed when complete
                                state <= S_SYNC;
                            end
                            default: ;              // PREFETCH_*: no effect
                        endcase
                    end
                end
                S_LOOP: begin
                    inv_valid <= 1'b1;
                    inv_op <= loop_op;
                    inv_va <= loop_va;
                    loop_va <= loop_va + loop_step;
                    loop_left <= loop_left - 41'd1;
                    if (loop_left == 41'd1)
                        state <= S_IDLE;
                end
                default: begin          // S_SYNC (an invalidation issued last clock is seen)
                    if (sync_idle && !inv_valid && !cfg_inv_valid) begin
                        cons <= cons_next;
                        irq_cmd_sync <= (cs == CS_IRQ);
                        sev <= (cs == CS_SEV);
                        state <= S_IDLE;
                    end
                end
            endcase
        end
    end
endmodule
