// its_cmd: command-queue engine of the GICv3 ITS (its_doorbell).
//
// Follows the GICv3/GICv4 architecture spec (IHI 0069) chapter 5.3 / 6.3: it reads
// 32-byte commands from the queue at GITS_CBASER between GITS_CREADR and
// GITS_CWRITER and executes MAPD, MAPC, MAPTI, MAPI, MOVI, DISCARD, INT, CLEAR, INV,
// INVALL, SYNC and MOVALL in order, each one completely (table writes acknowledged)
// before the next is fetched, so SYNC completes with every earlier command visible.
// An interrupt has LEFT the ITS when the redistributor takes it (lpi_valid && lpi_ready
// on its_doorbell's output). INT completes only once its LPI has left, and SYNC only
// once every interrupt translated before it has left: both wait in S_DRAIN, holding
// `drain` high (the translator takes no new doorbell meanwhile, so the wait is
// bounded by the redistributor) until `out_drained` says the ITS holds no translated
// interrupt. RDbase (MAPC, SYNC, MOVALL's RDbase1 and RDbase2) is a processor number
// (GITS_TYPER.PTA = 0) and must name one of the NUM_RD redistributors.
// Device table and ITT entries (IMPLEMENTATION DEFINED formats in
// pymodel/hwdefs/its.py) are read and written through a single-beat memory port;
// collections are held in hardware (GITS_TYPER.HCC) and written through coll_*.
// A command error (unknown opcode, out-of-range or unmapped operand, bus error)
// stalls the queue: GITS_CREADR.Stalled = 1, CREADR points at the failing command,
// the error code is readable (opcode 0 when the fetch itself failed); a write to GITS_CWRITER with Retry = 1 re-executes it
// (software first fixes or overwrites the command in memory).
// Leaves out: virtual (GICv4) commands, LPI pending/configuration tables (CLEAR and
// INV only check their operands; INV/INVALL drop cached translations).
`include "its_defs.vh"

module its_cmd #(
    parameter ADDR_WIDTH  = 48,
    parameter DEVID_WIDTH = 16,
    parameter EVENT_BITS  = 16,   // GITS_TYPER.ID_bits + 1
    parameter LPI_BITS    = 16,   // physical INTID bits (GICD_TYPER.IDbits + 1)
    parameter NUM_COLL    = 16,
    parameter COLL_BITS   = 4,    // clog2(NUM_COLL)
    parameter NUM_RD      = 16    // redistributors: valid RDbase 0 .. NUM_RD-1
) (
    input  wire                  clk,
    input  wire                  rst,
    // configuration from the register file
    input  wire                  enabled,
    input  wire                  cq_valid,
    input  wire [ADDR_WIDTH-13:0] cq_base,     // PA[ADDR_WIDTH-1:12]
    input  wire [7:0]            cq_size,      // pages - 1
    input  wire [14:0]           cwriter,      // offset in commands
    input  wire                  retry,        // GITS_CWRITER written with Retry = 1
    input  wire                  cq_reset,     // GITS_CBASER written: CREADR <= 0
    input  wire                  dt_valid,
    input  wire [ADDR_WIDTH-13:0] dt_base,
    input  wire [7:0]            dt_size,
    // interrupts inside the ITS (INT and SYNC wait until none is left)
    output wire                  drain,
    input  wire                  out_drained,
    // state visible in registers
    output reg  [14:0]           creadr,
    output reg                   stalled,
    output reg  [15:0]           err_code,
    output reg  [31:0]           done_count,
    output wire                  busy,
    // table lock shared with the translator
    output wire                  lock_req,
    input  wire                  lock_gnt,
    // memory read port
    output reg                   rd_valid,
    input  wire                  rd_ready,
    output reg  [ADDR_WIDTH-1:0] rd_addr,
    output reg  [7:0]            rd_len,
    input  wire                  rd_beat,
    input  wire [63:0]           rd_data,
    input  wire                  rd_last,
    input  wire                  rd_err,
    // memory write port (single 64-bit beat)
    output reg                   wa_valid,
    input  wire                  wa_ready,
    output reg                   wd_valid,
    input  wire                  wd_ready,
    output reg  [ADDR_WIDTH-1:0] wr_addr,
    output reg  [63:0]           wr_data,
    input  wire                  wr_done,
    input  wire                  wr_err,
    // collections held in hardware
    input  wire [NUM_COLL-1:0]   coll_valid,
    input  wire [NUM_COLL*16-1:0] coll_target,
    output reg                   coll_we,
    output reg  [COLL_BITS-1:0]  coll_idx,
    output reg                   coll_wvalid,
    output reg  [15:0]           coll_wtarget,
    // translation-cache invalidation
    output reg                   inv_valid,
    output reg  [1:0]            inv_kind,     // 0: one event, 1: one device, 2: all
    output reg  [DEVID_WIDTH-1:0] inv_devid,
    output reg  [31:0]           inv_eventid,
    // INT command output
    output reg                   int_valid,
    input  wire                  int_ready,
    output reg  [31:0]           int_intid,
    output reg  [15:0]           int_target
);
    localparam [3:0] S_IDLE = 4'd0, S_FETCH_AR = 4'd1, S_FETCH_R = 4'd2, S_EXEC = 4'd3,
                     S_DTE_AR = 4'd4, S_DTE_R = 4'd5, S_ITTE_AR = 4'd6, S_ITTE_R = 4'd7,
                     S_WRITE = 4'd8, S_WRITE_B = 4'd9, S_INT = 4'd10, S_DONE = 4'd11,
                     S_ERR = 4'd12, S_STALLED = 4'd13, S_DRAIN = 4'd14;
    localparam integer NUM_RD_I = NUM_RD;
    localparam [31:0] RD_LIMIT = NUM_RD_I;
    // sized through integer locals: an overridden parameter is a 32-bit value
    localparam integer NUM_COLL_I = NUM_COLL;
    localparam [15:0] COLL_LIMIT = NUM_COLL_I[15:0];
    localparam integer EVENT_BITS_I = EVENT_BITS;
    localparam [5:0] EVENT_LIMIT = EVENT_BITS_I[5:0];

    reg [3:0]  state;
    // Commands and table entries are fetched as whole doublewords; their reserved
    // bits (and ITT address bits above ADDR_WIDTH) are deliberately ignored.
    /* verilator lint_off UNUSEDSIGNAL */
    reg [63:0] dw0, dw1, dw2, dw3;
    reg [63:0] dte, itte;
    /* verilator lint_on UNUSEDSIGNAL */
    reg [1:0]  beat;
    reg [7:0]  err_reason;
    reg        inv_pending;
    reg        fetch_err;

    // --- command fields -----------------------------------------------------------
    wire [7:0]  opcode  = dw0[`ITS_CMD_OPCODE_LSB +: `ITS_CMD_OPCODE_W];
    wire [31:0] devid32 = dw0[`ITS_CMD_DEVID_LSB +: `ITS_CMD_DEVID_W];
    wire [31:0] eventid = dw1[`ITS_CMD_EVENTID_LSB +: `ITS_CMD_EVENTID_W];
    wire [31:0] pintid_field = dw1[`ITS_CMD_PINTID_LSB +: `ITS_CMD_PINTID_W];
    wire [4:0]  mapd_size = dw1[`ITS_CMD_SIZE_LSB +: `ITS_CMD_SIZE_W];
    wire [15:0] icid    = dw2[`ITS_CMD_ICID_LSB +: `ITS_CMD_ICID_W];
    wire [43:0] itt_field = dw2[`ITS_CMD_ITT_LSB +: `ITS_CMD_ITT_W];
    wire [35:0] rdbase  = dw2[`ITS_CMD_RDBASE_LSB +: `ITS_CMD_RDBASE_W];
    wire [35:0] rdbase2 = dw3[`ITS_CMD_RDBASE_LSB +: `ITS_CMD_RDBASE_W];  // MOVALL
    wire        v_bit   = dw2[`ITS_CMD_VALID_BIT];
    wire [31:0] pintid  = (opcode == `ITS_CMD_MAPI) ? eventid : pintid_field;

    wire [DEVID_WIDTH-1:0] devid = devid32[DEVID_WIDTH-1:0];
    // DeviceID in range: fits DEVID_WIDTH and its DTE lies inside the table
    wire [31:0] dt_entries = ({24'd0, dt_size} + 32'd1) << 9;   // 512 entries per page
    wire devid_oor = (devid32 >= (32'd1 << DEVID_WIDTH)) || !dt_valid || (devid32 >= dt_entries);
    wire icid_oor  = (icid >= COLL_LIMIT);
    wire [COLL_BITS-1:0] icid_idx = icid[COLL_BITS-1:0];
    wire rdbase_oor  = (rdbase[35:32] != 4'd0) || (rdbase[31:0] >= RD_LIMIT);
    wire rdbase2_oor = (rdbase2[35:32] != 4'd0) || (rdbase2[31:0] >= RD_LIMIT);
    wire pintid_oor = (pintid < `ITS_LPI_MIN_INTID) || (pintid >= (32'd1 << LPI_BITS));

    wire        dte_v     = dte[`ITS_DTE_VALID_BIT];
    wire [4:0]  dte_size  = dte[`ITS_DTE_SIZE_LSB +: `ITS_DTE_SIZE_W];
    /* verilator lint_off UNUSEDSIGNAL */
    wire [43:0] dte_itt   = dte[`ITS_DTE_ITT_LSB +: `ITS_DTE_ITT_W];  // [43:40] beyond ADDR_WIDTH
    /* verilator lint_on UNUSEDSIGNAL */
    wire [32:0] ev_limit  = 33'd1 << ({28'd0, dte_size} + 33'd1);
    wire        ev_oor    = ({1'b0, eventid} >= ev_limit);
    wire        itte_v    = itte[`ITS_ITTE_VALID_BIT];
    wire [15:0] itte_icid = itte[`ITS_ITTE_ICID_LSB +: `ITS_ITTE_ICID_W];
    wire [31:0] itte_pintid = itte[`ITS_ITTE_PINTID_LSB +: `ITS_ITTE_PINTID_W];
    wire        itte_coll_mapped = (itte_icid < COLL_LIMIT) && coll_valid[itte_icid[COLL_BITS-1:0]];
    wire [15:0] itte_target = coll_target[itte_icid[COLL_BITS-1:0]*16 +: 16];

    // byte addresses
    wire [ADDR_WIDTH-1:0] dt_base_addr = {dt_base, 12'd0};
    wire [ADDR_WIDTH-1:0] dte_addr     = dt_base_addr + {{(ADDR_WIDTH-DEVID_WIDTH-3){1'b0}}, devid, 3'b000};
    wire [ADDR_WIDTH-1:0] itt_base     = {dte_itt[ADDR_WIDTH-9:0], 8'd0};
    wire [ADDR_WIDTH-1:0] itte_addr    = itt_base + {{(ADDR_WIDTH-35){1'b0}}, eventid, 3'b000};
    wire [ADDR_WIDTH-1:0] cmd_addr     = {cq_base, 12'd0} + {{(ADDR_WIDTH-20){1'b0}}, creadr, 5'd0};

    // queue geometry
    wire [15:0] cq_cmds   = ({8'd0, cq_size} + 16'd1) << 7;    // 128 commands per page
    wire        cw_in_q   = ({1'b0, cwriter} < cq_cmds);
    wire        work      = enabled && cq_valid && !stalled && cw_in_q && (creadr != cwriter);
    wire [15:0] creadr_inc = {1'b0, creadr} + 16'd1;

    // The lock is held for one command, fetch to completion, and let go in S_DONE
    // (table writes are acknowledged by then): a walk waiting for it gets it between
    // two queued commands (its_doorbell gives a tie to the one that did not hold it
    // last), so a busy queue delays a translation by one command, not the whole queue.
    assign lock_req = (state == S_IDLE) ? work
                    : (state != S_STALLED && state != S_ERR && state != S_DONE);
    assign busy     = (state != S_IDLE) && (state != S_STALLED);
    assign drain    = (state == S_DRAIN);

    always @(posedge clk) begin
        coll_we   <= 1'b0;
        inv_valid <= 1'b0;
        if (rst) begin
            state      <= S_IDLE;
            creadr     <= 15'd0;
            stalled    <= 1'b0;
            err_code   <= 16'd0;
            done_count <= 32'd0;
            rd_valid   <= 1'b0;
            rd_addr    <= {ADDR_WIDTH{1'b0}};
            rd_len     <= 8'd0;
            wa_valid   <= 1'b0;
            wd_valid   <= 1'b0;
            wr_addr    <= {ADDR_WIDTH{1'b0}};
            wr_data    <= 64'd0;
            dw0 <= 64'd0; dw1 <= 64'd0; dw2 <= 64'd0; dw3 <= 64'd0;
            dte <= 64'd0; itte <= 64'd0;
            beat       <= 2'd0;
            err_reason <= 8'd0;
            inv_pending <= 1'b0;
            fetch_err  <= 1'b0;
            inv_kind   <= 2'd0;
            inv_devid  <= {DEVID_WIDTH{1'b0}};
            inv_eventid <= 32'd0;
            coll_idx   <= {COLL_BITS{1'b0}};
            coll_wvalid <= 1'b0;
            coll_wtarget <= 16'd0;
            int_valid  <= 1'b0;
            int_intid  <= 32'd0;
            int_target <= 16'd0;
        end else begin
            case (state)
            S_IDLE: begin
                if (cq_reset) begin
                    creadr <= 15'd0;
                end else if (work && lock_gnt) begin
                    rd_valid <= 1'b1;
                    rd_addr  <= cmd_addr;
                    rd_len   <= 8'd3;
                    beat     <= 2'd0;
                    fetch_err <= 1'b0;
                    state    <= S_FETCH_AR;
                end
            end
            S_FETCH_AR: if (rd_ready) begin
                rd_valid <= 1'b0;
                state    <= S_FETCH_R;
            end
            S_FETCH_R: if (rd_beat) begin
                beat <= beat + 2'd1;
                case (beat)
                2'd0: dw0 <= rd_data;
                2'd1: dw1 <= rd_data;
                2'd2: dw2 <= rd_data;
                default: dw3 <= rd_data;   // MOVALL's RDbase2
                endcase
                if (rd_err) fetch_err <= 1'b1;   // also on the last beat: S_ERR reads it
                if (rd_last) begin
                    if (rd_err || fetch_err) begin
                        err_reason <= `ITS_CMDERR_BUS_ERROR;
                        state      <= S_ERR;
                    end else begin
                        state <= S_EXEC;
                    end
                end
            end
            S_EXEC: begin
                inv_devid   <= devid;
                inv_eventid <= eventid;
                inv_pending <= 1'b0;
                case (opcode)
                `ITS_CMD_MAPD: begin
                    if (devid_oor) begin
                        err_reason <= `ITS_CMDERR_DEVICE_OOR; state <= S_ERR;
                    end else if (v_bit && ({1'b0, mapd_size} >= EVENT_LIMIT)) begin
                        err_reason <= `ITS_CMDERR_ITTSIZE_OOR; state <= S_ERR;
                    end else begin
                        wr_addr  <= dte_addr;
                        wr_data  <= v_bit ? ((64'd1 << `ITS_DTE_VALID_BIT)
                                             | ({59'd0, mapd_size} << `ITS_DTE_SIZE_LSB)
                                             | ({20'd0, itt_field} << `ITS_DTE_ITT_LSB))
                                          : 64'd0;
                        wa_valid <= 1'b1;
                        wd_valid <= 1'b1;
                        inv_pending <= 1'b1;
                        inv_kind <= 2'd1;
                        state    <= S_WRITE;
                    end
                end
                `ITS_CMD_MAPC: begin
                    if (icid_oor) begin
                        err_reason <= `ITS_CMDERR_COLLECTION_OOR; state <= S_ERR;
                    end else if (v_bit && rdbase_oor) begin
                        err_reason <= `ITS_CMDERR_RDBASE_OOR; state <= S_ERR;
                    end else begin
                        coll_we      <= 1'b1;
                        coll_idx     <= icid_idx;
                        coll_wvalid  <= v_bit;
                        coll_wtarget <= v_bit ? rdbase[15:0] : 16'd0;
                        state        <= S_DONE;
                    end
                end
                `ITS_CMD_MAPTI, `ITS_CMD_MAPI, `ITS_CMD_MOVI, `ITS_CMD_DISCARD,
                `ITS_CMD_INT, `ITS_CMD_CLEAR, `ITS_CMD_INV: begin
                    if (devid_oor) begin
                        err_reason <= `ITS_CMDERR_DEVICE_OOR; state <= S_ERR;
                    end else begin
                        rd_valid <= 1'b1;
                        rd_addr  <= dte_addr;
                        rd_len   <= 8'd0;
                        state    <= S_DTE_AR;
                    end
                end
                `ITS_CMD_INVALL: begin
                    if (icid_oor) begin
                        err_reason <= `ITS_CMDERR_COLLECTION_OOR; state <= S_ERR;
                    end else if (!coll_valid[icid_idx]) begin
                        err_reason <= `ITS_CMDERR_UNMAPPED_COLLECTION; state <= S_ERR;
                    end else begin
                        inv_pending <= 1'b1;
                        inv_kind <= 2'd2;
                        state    <= S_DONE;
                    end
                end
                `ITS_CMD_SYNC: begin
                    // Every earlier command has completed by now; what is left is
                    // the interrupts translated before it (S_DRAIN).
                    if (rdbase_oor) begin
                        err_reason <= `ITS_CMDERR_RDBASE_OOR; state <= S_ERR;
                    end else begin
                        state <= S_DRAIN;
                    end
                end
                `ITS_CMD_MOVALL: begin
                    // no pending state to move without redistributors
                    if (rdbase_oor || rdbase2_oor) begin
                        err_reason <= `ITS_CMDERR_RDBASE_OOR; state <= S_ERR;
                    end else begin
                        state <= S_DONE;
                    end
                end
                default: begin
                    err_reason <= `ITS_CMDERR_UNKNOWN_COMMAND; state <= S_ERR;
                end
                endcase
            end
            S_DTE_AR: if (rd_ready) begin
                rd_valid <= 1'b0;
                state    <= S_DTE_R;
            end
            S_DTE_R: if (rd_beat) begin
                dte <= rd_data;
                if (rd_err) begin
                    err_reason <= `ITS_CMDERR_BUS_ERROR; state <= S_ERR;
                end else begin
                    state <= S_ITTE_AR;   // checks happen below with the DTE in dte
                end
            end
            S_ITTE_AR: begin
                // first cycle: DTE checks (rd_valid low), then issue the ITTE read
                if (!rd_valid) begin
                    if (!dte_v) begin
                        err_reason <= `ITS_CMDERR_UNMAPPED_DEVICE; state <= S_ERR;
                    end else if (ev_oor) begin
                        err_reason <= `ITS_CMDERR_ID_OOR; state <= S_ERR;
                    end else if (opcode == `ITS_CMD_MAPTI || opcode == `ITS_CMD_MAPI) begin
                        if (pintid_oor) begin
                            err_reason <= `ITS_CMDERR_PHYSICALID_OOR; state <= S_ERR;
                        end else if (icid_oor) begin
                            err_reason <= `ITS_CMDERR_COLLECTION_OOR; state <= S_ERR;
                        end else begin
                            wr_addr  <= itte_addr;
                            wr_data  <= (64'd1 << `ITS_ITTE_VALID_BIT)
                                        | ({48'd0, icid} << `ITS_ITTE_ICID_LSB)
                                        | ({32'd0, pintid} << `ITS_ITTE_PINTID_LSB);
                            wa_valid <= 1'b1;
                            wd_valid <= 1'b1;
                            inv_pending <= 1'b1;
                            inv_kind <= 2'd0;
                            state    <= S_WRITE;
                        end
                    end else if (opcode == `ITS_CMD_MOVI && icid_oor) begin
                        err_reason <= `ITS_CMDERR_COLLECTION_OOR; state <= S_ERR;
                    end else begin
                        rd_valid <= 1'b1;
                        rd_addr  <= itte_addr;
                        rd_len   <= 8'd0;
                    end
                end else if (rd_ready) begin
                    rd_valid <= 1'b0;
                    state    <= S_ITTE_R;
                end
            end
            S_ITTE_R: if (rd_beat) begin
                itte <= rd_data;
                if (rd_err) begin
                    err_reason <= `ITS_CMDERR_BUS_ERROR; state <= S_ERR;
                end else begin
                    state <= S_INT;       // checks happen in S_INT's first cycle
                end
            end
            S_INT: begin
                if (!int_valid) begin
                    if (!itte_v) begin
                        err_reason <= `ITS_CMDERR_UNMAPPED_INTERRUPT; state <= S_ERR;
                    end else begin
                        case (opcode)
                        `ITS_CMD_MOVI: begin
                            if (!coll_valid[icid_idx]) begin
                                err_reason <= `ITS_CMDERR_UNMAPPED_COLLECTION; state <= S_ERR;
                            end else begin
                                wr_addr  <= itte_addr;
                                wr_data  <= (itte & ~(64'hFFFF << `ITS_ITTE_ICID_LSB))
                                            | ({48'd0, icid} << `ITS_ITTE_ICID_LSB);
                                wa_valid <= 1'b1;
                                wd_valid <= 1'b1;
                                inv_pending <= 1'b1;
                                inv_kind <= 2'd0;
                                state    <= S_WRITE;
                            end
                        end
                        `ITS_CMD_DISCARD: begin
                            wr_addr  <= itte_addr;
                            wr_data  <= 64'd0;
                            wa_valid <= 1'b1;
                            wd_valid <= 1'b1;
                            inv_pending <= 1'b1;
                            inv_kind <= 2'd0;
                            state    <= S_WRITE;
                        end
                        default: begin  // INT, CLEAR, INV
                            if (!itte_coll_mapped) begin
                                err_reason <= `ITS_CMDERR_UNMAPPED_COLLECTION; state <= S_ERR;
                            end else if (opcode == `ITS_CMD_INT) begin
                                int_valid  <= 1'b1;
                                int_intid  <= itte_pintid;
                                int_target <= itte_target;
                            end else begin
                                inv_pending <= (opcode == `ITS_CMD_INV);
                                inv_kind <= 2'd0;
                                state    <= S_DONE;
                            end
                        end
                        endcase
                    end
                end else if (int_ready) begin
                    int_valid <= 1'b0;
                    state     <= S_DRAIN;   // completes once the LPI has left
                end
            end
            S_WRITE: begin
                if (wa_ready) wa_valid <= 1'b0;
                if (wd_ready) wd_valid <= 1'b0;
                if ((!wa_valid || wa_ready) && (!wd_valid || wd_ready)) state <= S_WRITE_B;
            end
            S_WRITE_B: if (wr_done) begin
                if (wr_err) begin
                    err_reason <= `ITS_CMDERR_BUS_ERROR; state <= S_ERR;
                end else begin
                    state <= S_DONE;
                end
            end
            S_DRAIN: if (out_drained) state <= S_DONE;
            S_DONE: begin
                inv_valid   <= inv_pending;
                inv_pending <= 1'b0;
                creadr      <= (creadr_inc >= cq_cmds) ? 15'd0 : creadr_inc[14:0];
                done_count  <= done_count + 32'd1;
                state       <= S_IDLE;
            end
            S_ERR: begin
                // a failed fetch decoded nothing: RDATA of an error beat is not
                // data, so report opcode 0 rather than whatever it carried
                stalled  <= 1'b1;
                err_code <= {fetch_err ? 8'd0 : opcode, err_reason};
                state    <= S_STALLED;
            end
            S_STALLED: begin
                if (cq_reset) begin
                    creadr  <= 15'd0;
                    stalled <= 1'b0;
                    state   <= S_IDLE;
                end else if (retry) begin
                    stalled <= 1'b0;
                    state   <= S_IDLE;
                end
            end
            default: state <= S_IDLE;
            endcase
        end
    end
endmodule
