// its_xlate: translation frame and translation engine of the GICv3 ITS (its_doorbell).
//
// Follows the GICv3/GICv4 architecture spec (IHI 0069) 5.3 / 6.2: a write to
// GITS_TRANSLATER (offset 0x40 of the translation frame) carries the EventID in its
// data; the DeviceID is the transaction's AxUSER sideband (the StreamID the SMMU
// passed on), never the data. (DeviceID, EventID) is looked up in a small
// fully-associative translation cache; on a miss the device table entry and the ITT
// entry are read from memory (IMPLEMENTATION DEFINED formats, pymodel/hwdefs/its.py)
// under the table lock shared with the command engine, so a walk never interleaves
// with a command's table update. The result (physical LPI INTID, collection) is sent
// to the collection's target on res_*. Writes for a DeviceID out of range or without
// a valid DTE, an EventID beyond the ITT size, an unmapped event, an unmapped
// collection, a disabled ITS, or a failed table read are dropped and counted.
// Other offsets of the frame are RAZ/WI; every burst gets an OKAY response.
// GITS_TRANSLATER accepts 32-bit writes (strobes [3:0] = 1111) and 16-bit writes to
// bits [15:0] (strobes [3:0] = 0011, EventID zero-extended: the unstrobed lanes are
// not data), as IHI 0069 requires of GITS_TRANSLATER; any other strobe pattern (a
// 3-byte write, a 16-bit write to bits [31:16]) is not a GITS_TRANSLATER access and
// is ignored.
// The translation cache holds nothing while GITS_CTLR.Enabled = 0 (it is flushed
// every such cycle): GITS_BASER0 can only change while the ITS is disabled, so a
// re-based or invalidated device table is never translated through stale entries
// (a kexec'd kernel's new tables are read afresh).
// While `fence` is high (INT or SYNC waiting for the interrupts inside the ITS to
// leave) no new doorbell beat is taken, so the wait is bounded.
// Leaves out: WRAP bursts are stepped as INCR (the frame has one register).
`include "its_defs.vh"

module its_xlate #(
    parameter ID_WIDTH      = 8,
    parameter ADDR_WIDTH    = 48,
    parameter DEVID_WIDTH   = 16,
    parameter NUM_COLL      = 16,
    parameter COLL_BITS     = 4,
    parameter CACHE_ENTRIES = 8,
    parameter CACHE_BITS    = 3
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   enabled,
    input  wire                   fence,
    input  wire                   dt_valid,
    input  wire [ADDR_WIDTH-13:0] dt_base,
    input  wire [7:0]             dt_size,
    // translation frame (AXI4 slave, 16-bit address)
    input  wire [ID_WIDTH-1:0]    s_axi_awid,
    input  wire [15:0]            s_axi_awaddr,
    input  wire [2:0]             s_axi_awsize,
    input  wire [1:0]             s_axi_awburst,
    input  wire [DEVID_WIDTH-1:0] s_axi_awuser,
    input  wire                   s_axi_awvalid,
    output wire                   s_axi_awready,
    input  wire [31:0]            s_axi_wdata,   // lanes [31:0]: TRANSLATER
    input  wire [3:0]             s_axi_wstrb,
    input  wire                   s_axi_wlast,
    input  wire                   s_axi_wvalid,
    output wire                   s_axi_wready,
    output reg  [ID_WIDTH-1:0]    s_axi_bid,
    output wire [1:0]             s_axi_bresp,
    output reg                    s_axi_bvalid,
    input  wire                   s_axi_bready,
    input  wire [ID_WIDTH-1:0]    s_axi_arid,
    input  wire [7:0]             s_axi_arlen,
    input  wire                   s_axi_arvalid,
    output wire                   s_axi_arready,
    output reg  [ID_WIDTH-1:0]    s_axi_rid,
    output wire [63:0]            s_axi_rdata,
    output wire [1:0]             s_axi_rresp,
    output wire                   s_axi_rlast,
    output reg                    s_axi_rvalid,
    input  wire                   s_axi_rready,
    // table lock and memory read port
    output wire                   lock_req,
    input  wire                   lock_gnt,
    output reg                    rd_valid,
    input  wire                   rd_ready,
    output reg  [ADDR_WIDTH-1:0]  rd_addr,
    input  wire                   rd_beat,
    input  wire [63:0]            rd_data,
    input  wire                   rd_err,
    // collections held in hardware
    input  wire [NUM_COLL-1:0]    coll_valid,
    input  wire [NUM_COLL*16-1:0] coll_target,
    // cache invalidation from the command engine
    input  wire                   inv_valid,
    input  wire [1:0]             inv_kind,
    input  wire [DEVID_WIDTH-1:0] inv_devid,
    input  wire [31:0]            inv_eventid,
    // translated interrupt
    output wire                   res_valid,
    input  wire                   res_ready,
    output wire [31:0]            res_intid,
    output wire [15:0]            res_target,
    // status
    output wire                   busy,
    output reg  [31:0]            cnt_unmapped_device,
    output reg  [31:0]            cnt_event_oor,
    output reg  [31:0]            cnt_unmapped_event,
    output reg  [31:0]            cnt_unmapped_coll,
    output reg  [31:0]            cnt_disabled,
    output reg  [31:0]            cnt_bus_error,
    output reg  [31:0]            cnt_translated,
    output reg  [31:0]            cnt_cache_hits
);
    localparam [2:0] X_IDLE = 3'd0, X_LOOKUP = 3'd1, X_DTE_AR = 3'd2, X_DTE_R = 3'd3,
                     X_ITTE_AR = 3'd4, X_ITTE_R = 3'd5, X_OUT = 3'd6;
    localparam integer C_LAST_I = CACHE_ENTRIES - 1;
    localparam integer NUM_COLL_I = NUM_COLL;
    localparam [15:0] COLL_LIMIT = NUM_COLL_I[15:0];
    localparam [CACHE_BITS-1:0] C_LAST = C_LAST_I[CACHE_BITS-1:0];

    // --- write side of the frame -----------------------------------------------------
    reg                   w_active;      // AW accepted, beats outstanding
    reg  [15:0]           w_addr;
    reg  [2:0]            w_size;
    reg  [1:0]            w_burst;
    reg  [DEVID_WIDTH-1:0] w_devid;
    reg  [2:0]            xstate;

    assign s_axi_awready = !w_active && !s_axi_bvalid;
    assign s_axi_wready  = w_active && (xstate == X_IDLE) && !fence;
    assign s_axi_bresp   = 2'b00;

    wire w_fire     = s_axi_wvalid && s_axi_wready;
    wire beat_is_tr = (w_addr[15:2] == (`ITS_TRANSLATER_OFFSET >> 2));
    wire strobe32   = (s_axi_wstrb[3:0] == 4'hF);
    wire strobe16   = (s_axi_wstrb[3:0] == 4'h3);
    wire [31:0] beat_event = strobe32 ? s_axi_wdata[31:0] : {16'd0, s_axi_wdata[15:0]};
    wire translate_beat = w_fire && beat_is_tr && (strobe32 || strobe16);

    // --- read side of the frame: RAZ ---------------------------------------------------
    reg [7:0] r_left;
    assign s_axi_arready = !s_axi_rvalid;
    assign s_axi_rdata   = 64'd0;
    assign s_axi_rresp   = 2'b00;
    assign s_axi_rlast   = (r_left == 8'd0);

    always @(posedge clk) begin
        if (rst) begin
            s_axi_rvalid <= 1'b0;
            s_axi_rid    <= {ID_WIDTH{1'b0}};
            r_left       <= 8'd0;
        end else if (s_axi_arvalid && s_axi_arready) begin
            s_axi_rvalid <= 1'b1;
            s_axi_rid    <= s_axi_arid;
            r_left       <= s_axi_arlen;
        end else if (s_axi_rvalid && s_axi_rready) begin
            if (r_left == 8'd0) s_axi_rvalid <= 1'b0;
            else r_left <= r_left - 8'd1;
        end
    end

    // --- translation cache -------------------------------------------------------------
    reg [CACHE_ENTRIES-1:0] c_valid;
    reg [DEVID_WIDTH-1:0]   c_devid  [0:CACHE_ENTRIES-1];
    reg [31:0]              c_event  [0:CACHE_ENTRIES-1];
    reg [31:0]              c_intid  [0:CACHE_ENTRIES-1];
    reg [15:0]              c_icid   [0:CACHE_ENTRIES-1];
    reg [CACHE_BITS-1:0]    c_next;

    reg [DEVID_WIDTH-1:0]   k_devid;
    reg [31:0]              k_event;

    reg                     hit;
    reg [31:0]              hit_intid;
    reg [15:0]              hit_icid;
    integer i;
    always @* begin
        hit = 1'b0;
        hit_intid = 32'd0;
        hit_icid = 16'd0;
        for (i = 0; i < CACHE_ENTRIES; i = i + 1) begin
            if (c_valid[i] && c_devid[i] == k_devid && c_event[i] == k_event) begin
                hit = 1'b1;
                hit_intid = c_intid[i];
                hit_icid = c_icid[i];
            end
        end
    end

    // --- walk -----------------------------------------------------------------------
    /* verilator lint_off UNUSEDSIGNAL */
    reg [63:0] dte;       // captured DTE (valid, size, ITT address); reserved bits unused
    /* verilator lint_on UNUSEDSIGNAL */
    reg [31:0] o_intid;   // result of a walk
    reg [15:0] o_icid;

    wire [31:0] dt_entries = ({24'd0, dt_size} + 32'd1) << 9;   // 512 entries per 4 KiB page
    wire        dev_oor    = !dt_valid || ({{(32-DEVID_WIDTH){1'b0}}, k_devid} >= dt_entries);
    wire [ADDR_WIDTH-1:0] dte_addr = {dt_base, 12'd0}
                                     + {{(ADDR_WIDTH-DEVID_WIDTH-3){1'b0}}, k_devid, 3'b000};
    wire        dte_v    = dte[`ITS_DTE_VALID_BIT];
    wire [4:0]  dte_size = dte[`ITS_DTE_SIZE_LSB +: `ITS_DTE_SIZE_W];
    /* verilator lint_off UNUSEDSIGNAL */
    wire [43:0] dte_itt  = dte[`ITS_DTE_ITT_LSB +: `ITS_DTE_ITT_W];  // [43:40] beyond ADDR_WIDTH
    /* verilator lint_on UNUSEDSIGNAL */
    wire [32:0] ev_limit = 33'd1 << ({28'd0, dte_size} + 33'd1);
    wire        ev_oor   = ({1'b0, k_event} >= ev_limit);
    wire [ADDR_WIDTH-1:0] itte_addr = {dte_itt[ADDR_WIDTH-9:0], 8'd0}
                                      + {{(ADDR_WIDTH-35){1'b0}}, k_event, 3'b000};
    wire        r_itte_v   = rd_data[`ITS_ITTE_VALID_BIT];
    wire [31:0] r_itte_int = rd_data[`ITS_ITTE_PINTID_LSB +: `ITS_ITTE_PINTID_W];
    wire [15:0] r_itte_icid = rd_data[`ITS_ITTE_ICID_LSB +: `ITS_ITTE_ICID_W];

    // result: from the cache in X_LOOKUP, from the walk in X_OUT
    wire [15:0] res_icid  = (xstate == X_LOOKUP) ? hit_icid : o_icid;
    wire        coll_ok   = (res_icid < COLL_LIMIT) && coll_valid[res_icid[COLL_BITS-1:0]];
    wire        lookup_hit = (xstate == X_LOOKUP) && enabled && hit;
    assign res_valid  = ((lookup_hit || xstate == X_OUT) && coll_ok);
    assign res_intid  = (xstate == X_LOOKUP) ? hit_intid : o_intid;
    assign res_target = coll_target[res_icid[COLL_BITS-1:0]*16 +: 16];

    assign lock_req = (xstate == X_LOOKUP && enabled && !hit && !dev_oor)
                      || xstate == X_DTE_AR || xstate == X_DTE_R
                      || xstate == X_ITTE_AR || xstate == X_ITTE_R;
    assign busy = w_active || (xstate != X_IDLE) || s_axi_bvalid || s_axi_rvalid;

    wire [15:0] beat_step = (16'd1 << w_size);

    always @(posedge clk) begin
        if (rst) begin
            w_active <= 1'b0;
            w_addr   <= 16'd0;
            w_size   <= 3'd0;
            w_burst  <= 2'd0;
            w_devid  <= {DEVID_WIDTH{1'b0}};
            s_axi_bvalid <= 1'b0;
            s_axi_bid    <= {ID_WIDTH{1'b0}};
            xstate   <= X_IDLE;
            k_devid  <= {DEVID_WIDTH{1'b0}};
            k_event  <= 32'd0;
            c_valid  <= {CACHE_ENTRIES{1'b0}};
            c_next   <= {CACHE_BITS{1'b0}};
            rd_valid <= 1'b0;
            rd_addr  <= {ADDR_WIDTH{1'b0}};
            dte      <= 64'd0;
            o_intid  <= 32'd0;
            o_icid   <= 16'd0;
            cnt_unmapped_device <= 32'd0;
            cnt_event_oor       <= 32'd0;
            cnt_unmapped_event  <= 32'd0;
            cnt_unmapped_coll   <= 32'd0;
            cnt_disabled        <= 32'd0;
            cnt_bus_error       <= 32'd0;
            cnt_translated      <= 32'd0;
            cnt_cache_hits      <= 32'd0;
        end else begin
            // AXI write address / data / response
            if (s_axi_awvalid && s_axi_awready) begin
                w_active <= 1'b1;
                w_addr   <= s_axi_awaddr;
                w_size   <= s_axi_awsize;
                w_burst  <= s_axi_awburst;
                w_devid  <= s_axi_awuser;
                s_axi_bid <= s_axi_awid;
            end
            if (w_fire) begin
                if (w_burst != 2'b00) w_addr <= w_addr + beat_step;
                if (s_axi_wlast) begin
                    w_active     <= 1'b0;
                    s_axi_bvalid <= 1'b1;
                end
            end
            if (s_axi_bvalid && s_axi_bready) s_axi_bvalid <= 1'b0;

            // cache invalidation (commands hold the lock, so never alongside a fill)
            if (inv_valid) begin
                for (i = 0; i < CACHE_ENTRIES; i = i + 1) begin
                    if (inv_kind == 2'd2
                        || (c_devid[i] == inv_devid
                            && (inv_kind == 2'd1 || c_event[i] == inv_eventid)))
                        c_valid[i] <= 1'b0;
                end
            end

            case (xstate)
            X_IDLE: if (translate_beat) begin
                k_devid <= w_devid;
                k_event <= beat_event;
                xstate  <= X_LOOKUP;
            end
            X_LOOKUP: begin
                if (!enabled) begin
                    cnt_disabled <= cnt_disabled + 32'd1;
                    xstate <= X_IDLE;
                end else if (hit) begin
                    if (!coll_ok) begin
                        cnt_unmapped_coll <= cnt_unmapped_coll + 32'd1;
                        xstate <= X_IDLE;
                    end else if (res_ready) begin
                        cnt_translated <= cnt_translated + 32'd1;
                        cnt_cache_hits <= cnt_cache_hits + 32'd1;
                        xstate <= X_IDLE;
                    end
                end else if (dev_oor) begin
                    cnt_unmapped_device <= cnt_unmapped_device + 32'd1;
                    xstate <= X_IDLE;
                end else if (lock_gnt) begin
                    rd_valid <= 1'b1;
                    rd_addr  <= dte_addr;
                    xstate   <= X_DTE_AR;
                end
            end
            X_DTE_AR: if (rd_ready) begin
                rd_valid <= 1'b0;
                xstate   <= X_DTE_R;
            end
            X_DTE_R: if (rd_beat) begin
                dte <= rd_data;
                if (rd_err) begin
                    cnt_bus_error <= cnt_bus_error + 32'd1;
                    xstate <= X_IDLE;
                end else begin
                    xstate <= X_ITTE_AR;
                end
            end
            X_ITTE_AR: begin
                if (!rd_valid) begin
                    if (!dte_v) begin
                        cnt_unmapped_device <= cnt_unmapped_device + 32'd1;
                        xstate <= X_IDLE;
                    end else if (ev_oor) begin
                        cnt_event_oor <= cnt_event_oor + 32'd1;
                        xstate <= X_IDLE;
                    end else begin
                        rd_valid <= 1'b1;
                        rd_addr  <= itte_addr;
                    end
                end else if (rd_ready) begin
                    rd_valid <= 1'b0;
                    xstate   <= X_ITTE_R;
                end
            end
            X_ITTE_R: if (rd_beat) begin
                if (rd_err) begin
                    cnt_bus_error <= cnt_bus_error + 32'd1;
                    xstate <= X_IDLE;
                end else if (!r_itte_v) begin
                    cnt_unmapped_event <= cnt_unmapped_event + 32'd1;
                    xstate <= X_IDLE;
                end else begin
                    o_intid <= r_itte_int;
                    o_icid  <= r_itte_icid;
                    c_valid[c_next] <= 1'b1;
                    c_devid[c_next] <= k_devid;
                    c_event[c_next] <= k_event;
                    c_intid[c_next] <= r_itte_int;
                    c_icid[c_next]  <= r_itte_icid;
                    c_next <= (c_next == C_LAST) ? {CACHE_BITS{1'b0}} : c_next + 1'b1;
                    xstate <= X_OUT;
                end
            end
            X_OUT: begin
                if (!coll_ok) begin
                    cnt_unmapped_coll <= cnt_unmapped_coll + 32'd1;
                    xstate <= X_IDLE;
                end else if (res_ready) begin
                    cnt_translated <= cnt_translated + 32'd1;
                    xstate <= X_IDLE;
                end
            end
            default: xstate <= X_IDLE;
            endcase
            // a disabled ITS keeps no translation (after the fill above, so it wins)
            if (!enabled) c_valid <= {CACHE_ENTRIES{1'b0}};
        end
    end
endmodule
