// its_doorbell: GICv3 Interrupt Translation Service (physical LPIs only).
//
// Follows the GICv3/GICv4 architecture spec (IHI 0069), chapters 5.3 (ITS) and 6
// (command and register descriptions), as drivers/irqchip/irq-gic-v3-its.c drives it:
//  - control frame (s_axil_*, offsets from the ITS base): GITS_CTLR (Enabled,
//    Quiescent), GITS_IIDR, GITS_TYPER, GITS_CBASER, GITS_CWRITER (Retry), GITS_CREADR
//    (Stalled), GITS_BASER0 (flat device table, 8-byte entries, 4 KiB pages),
//    GITS_BASER1..7 (Type = None: collections are held in hardware, GITS_TYPER.HCC),
//    GITS_PIDR2, and IMPLEMENTATION DEFINED drop/error counters from 0xC000;
//  - translation frame (s_axi_*, offset inside the frame, GITS_TRANSLATER at 0x40;
//    DeviceID = awuser): its_xlate;
//  - command queue and tables in memory through m_axi_* (one transaction at a time:
//    4-beat command fetches and single-beat table reads/writes): its_cmd;
//  - interrupt output lpi_* (valid/ready; INTID and target = the collection's RDbase,
//    a processor number as GITS_TYPER.PTA = 0), standing in for the redistributors.
// The command engine and the translation walk share the memory port under a lock, so
// a walk never observes a half-executed command; the engine invalidates the
// translation cache for every command that changes a mapping. The lock is held for
// one command or one walk, and a tie goes to the one that did not hold it last, so a
// command waits for at most one walk and a miss for at most one command (docs/its.md
// "Table lock").
// Leaves out: GICv4 virtual LPIs, LPI configuration/pending tables (no redistributor),
// indirect device tables, 16/64 KiB table pages, GITS_CBASER/BASER cacheability
// (m_axi uses AxCACHE = 0011 whatever the register says), GITS_TYPER.CIL/CIDbits.
`include "its_defs.vh"
`include "lpae_defs.vh"

module its_doorbell #(
    parameter ID_WIDTH      = 8,
    parameter DEVID_WIDTH   = 16,
    parameter ADDR_WIDTH    = 48,
    parameter EVENT_BITS    = 16,
    parameter LPI_BITS      = 16,
    parameter NUM_COLL      = 16,
    parameter COLL_BITS     = 4,
    parameter NUM_RD        = 16,
    parameter CACHE_ENTRIES = 8,
    parameter CACHE_BITS    = 3
) (
    input  wire                   clk,
    input  wire                   rst,
    // control frame (AXI4-Lite)
    input  wire [15:0]            s_axil_awaddr,
    input  wire [2:0]             s_axil_awprot,
    input  wire                   s_axil_awvalid,
    output wire                   s_axil_awready,
    input  wire [31:0]            s_axil_wdata,
    input  wire [3:0]             s_axil_wstrb,
    input  wire                   s_axil_wvalid,
    output wire                   s_axil_wready,
    output wire [1:0]             s_axil_bresp,
    output reg                    s_axil_bvalid,
    input  wire                   s_axil_bready,
    input  wire [15:0]            s_axil_araddr,
    input  wire [2:0]             s_axil_arprot,
    input  wire                   s_axil_arvalid,
    output wire                   s_axil_arready,
    output reg  [31:0]            s_axil_rdata,
    output wire [1:0]             s_axil_rresp,
    output reg                    s_axil_rvalid,
    input  wire                   s_axil_rready,
    // translation frame (AXI4)
    input  wire [ID_WIDTH-1:0]    s_axi_awid,
    input  wire [15:0]            s_axi_awaddr,
    input  wire [7:0]             s_axi_awlen,
    input  wire [2:0]             s_axi_awsize,
    input  wire [1:0]             s_axi_awburst,
    input  wire                   s_axi_awlock,
    input  wire [3:0]             s_axi_awcache,
    input  wire [2:0]             s_axi_awprot,
    input  wire [DEVID_WIDTH-1:0] s_axi_awuser,
    input  wire                   s_axi_awvalid,
    output wire                   s_axi_awready,
    input  wire [63:0]            s_axi_wdata,
    input  wire [7:0]             s_axi_wstrb,
    input  wire                   s_axi_wlast,
    input  wire                   s_axi_wvalid,
    output wire                   s_axi_wready,
    output wire [ID_WIDTH-1:0]    s_axi_bid,
    output wire [1:0]             s_axi_bresp,
    output wire                   s_axi_bvalid,
    input  wire                   s_axi_bready,
    input  wire [ID_WIDTH-1:0]    s_axi_arid,
    input  wire [15:0]            s_axi_araddr,
    input  wire [7:0]             s_axi_arlen,
    input  wire [2:0]             s_axi_arsize,
    input  wire [1:0]             s_axi_arburst,
    input  wire                   s_axi_arlock,
    input  wire [3:0]             s_axi_arcache,
    input  wire [2:0]             s_axi_arprot,
    input  wire [DEVID_WIDTH-1:0] s_axi_aruser,
    input  wire                   s_axi_arvalid,
    output wire                   s_axi_arready,
    output wire [ID_WIDTH-1:0]    s_axi_rid,
    output wire [63:0]            s_axi_rdata,
    output wire [1:0]             s_axi_rresp,
    output wire                   s_axi_rlast,
    output wire                   s_axi_rvalid,
    input  wire                   s_axi_rready,
    // memory (AXI4 master): command queue, device table, ITTs
    output wire [ID_WIDTH-1:0]    m_axi_awid,
    output wire [ADDR_WIDTH-1:0]  m_axi_awaddr,
    output wire [7:0]             m_axi_awlen,
    output wire [2:0]             m_axi_awsize,
    output wire [1:0]             m_axi_awburst,
    output wire                   m_axi_awlock,
    output wire [3:0]             m_axi_awcache,
    output wire [2:0]             m_axi_awprot,
    output wire                   m_axi_awvalid,
    input  wire                   m_axi_awready,
    output wire [63:0]            m_axi_wdata,
    output wire [7:0]             m_axi_wstrb,
    output wire                   m_axi_wlast,
    output wire                   m_axi_wvalid,
    input  wire                   m_axi_wready,
    input  wire [ID_WIDTH-1:0]    m_axi_bid,
    input  wire [1:0]             m_axi_bresp,
    input  wire                   m_axi_bvalid,
    output wire                   m_axi_bready,
    output wire [ID_WIDTH-1:0]    m_axi_arid,
    output wire [ADDR_WIDTH-1:0]  m_axi_araddr,
    output wire [7:0]             m_axi_arlen,
    output wire [2:0]             m_axi_arsize,
    output wire [1:0]             m_axi_arburst,
    output wire                   m_axi_arlock,
    output wire [3:0]             m_axi_arcache,
    output wire [2:0]             m_axi_arprot,
    output wire                   m_axi_arvalid,
    input  wire                   m_axi_arready,
    input  wire [ID_WIDTH-1:0]    m_axi_rid,
    input  wire [63:0]            m_axi_rdata,
    input  wire [1:0]             m_axi_rresp,
    input  wire                   m_axi_rlast,
    input  wire                   m_axi_rvalid,
    output wire                   m_axi_rready,
    // interrupt output (stands in for the redistributors)
    output reg                    lpi_valid,
    input  wire                   lpi_ready,
    output reg  [31:0]            lpi_intid,
    output reg  [15:0]            lpi_target
);
    localparam PA_W = ADDR_WIDTH - 12;
    localparam [1:0] OWN_NONE = 2'd0, OWN_CMD = 2'd1, OWN_XL = 2'd2;
    localparam [3:0] AXCACHE = `LPAE_AXCACHE_NORMAL_NC;   // normal, non-cacheable, bufferable
    localparam [2:0] AXPROT  = 3'b010;    // unprivileged, non-secure, data
    localparam [31:0] IIDR   = `ITS_GITS_IIDR_VALUE;
    localparam [31:0] PIDR2  = `ITS_GITS_PIDR2_VALUE;
    localparam [2:0] BASER_TYPE = `ITS_BASER_TYPE_DEVICE;
    localparam [63:0] ITTE_SIZE_M1 = `ITS_ENTRY_BYTES - 1;
    // sized through integer locals: an overridden parameter is a 32-bit value
    localparam integer EVBITS_M1_I = EVENT_BITS - 1;
    localparam integer DEVBITS_M1_I = DEVID_WIDTH - 1;
    localparam integer HCC_I = NUM_COLL;
    localparam [63:0] EVBITS_M1 = {59'd0, EVBITS_M1_I[4:0]};
    localparam [63:0] DEVBITS_M1 = {59'd0, DEVBITS_M1_I[4:0]};
    localparam [63:0] HCC = {56'd0, HCC_I[7:0]};   // GITS_TYPER.HCC: NUM_COLL <= 255

    // --- register state ---------------------------------------------------------------
    reg              enabled;
    reg              cb_valid;
    reg  [2:0]       cb_inner, cb_outer;
    reg  [PA_W-1:0]  cb_pa;
    reg  [7:0]       cb_size;
    reg  [14:0]      cwriter;
    reg              dt_valid;
    reg  [2:0]       dt_inner, dt_outer;
    reg  [PA_W-1:0]  dt_pa;
    reg  [7:0]       dt_size;
    reg              retry_pulse, cq_reset_pulse;
    reg  [NUM_COLL-1:0]    coll_valid;
    reg  [NUM_COLL*16-1:0] coll_target;

    wire [14:0] creadr;
    wire        stalled;
    wire [15:0] err_code;
    wire [31:0] done_count;
    wire        cmd_busy, xl_busy;
    wire [31:0] cnt_udev, cnt_eoor, cnt_uev, cnt_ucoll, cnt_dis, cnt_buserr, cnt_ok, cnt_hits;

    wire quiescent = !enabled && !cmd_busy && !xl_busy && !lpi_valid;

    // 64-bit views of the registers (32-bit registers paired as the frame lays them out)
    wire [63:0] typer = (64'd1 << `ITS_TYPER_PHYSICAL_BIT)
                      | (ITTE_SIZE_M1 << `ITS_TYPER_ITT_ENTRY_SIZE_LSB)
                      | (EVBITS_M1 << `ITS_TYPER_IDBITS_LSB)
                      | (DEVBITS_M1 << `ITS_TYPER_DEVBITS_LSB)
                      | (HCC << `ITS_TYPER_HCC_LSB);
    wire [63:0] cbaser = ({63'd0, cb_valid} << `ITS_CBASER_VALID_BIT)
                       | ({61'd0, cb_inner} << `ITS_CBASER_INNERCACHE_LSB)
                       | ({61'd0, cb_outer} << `ITS_CBASER_OUTERCACHE_LSB)
                       | ({{(64-PA_W){1'b0}}, cb_pa} << `ITS_CBASER_PA_LSB)
                       | ({56'd0, cb_size} << `ITS_CBASER_SIZE_LSB);
    wire [63:0] baser0 = ({63'd0, dt_valid} << `ITS_BASER_VALID_BIT)
                       | ({61'd0, dt_inner} << `ITS_BASER_INNERCACHE_LSB)
                       | ({61'd0, BASER_TYPE} << `ITS_BASER_TYPE_LSB)
                       | ({61'd0, dt_outer} << `ITS_BASER_OUTERCACHE_LSB)
                       | (ITTE_SIZE_M1 << `ITS_BASER_ENTRY_SIZE_LSB)
                       | ({{(64-PA_W){1'b0}}, dt_pa} << `ITS_BASER_PA_LSB)
                       | ({56'd0, dt_size} << `ITS_BASER_SIZE_LSB);

    // Register read mux, evaluated for the write address (read-modify-write of a
    // half) and for the read address. (Kept in an always block rather than a function
    // so that the registers it reads are in its sensitivity list.)
    reg [63:0] cur64, rd64;
    reg [63:0] mux64;
    reg [15:0] mux_a;
    integer    port;
    always @* begin
        cur64 = 64'd0;
        rd64  = 64'd0;
        for (port = 0; port < 2; port = port + 1) begin
            mux_a = (port == 0) ? {s_axil_awaddr[15:3], 3'b000} : {s_axil_araddr[15:3], 3'b000};
            case (mux_a)
            `ITS_GITS_CTLR:    mux64 = {IIDR, quiescent, 30'd0, enabled};
            `ITS_GITS_TYPER:   mux64 = typer;
            `ITS_GITS_CBASER:  mux64 = cbaser;
            `ITS_GITS_CWRITER: mux64 = {44'd0, cwriter, 5'd0};
            `ITS_GITS_CREADR:  mux64 = {44'd0, creadr, 4'd0, stalled};
            `ITS_GITS_BASER0:  mux64 = baser0;
            `ITS_GITS_PIDR2:   mux64 = {32'd0, PIDR2};
            `ITS_GITS_IMPDEF_DROP_UNMAPPED_DEVICE: mux64 = {cnt_eoor, cnt_udev};
            `ITS_GITS_IMPDEF_DROP_UNMAPPED_EVENT:  mux64 = {cnt_ucoll, cnt_uev};
            `ITS_GITS_IMPDEF_DROP_DISABLED:        mux64 = {cnt_buserr, cnt_dis};
            `ITS_GITS_IMPDEF_TRANSLATED:           mux64 = {16'd0, err_code, cnt_ok};
            `ITS_GITS_IMPDEF_CMD_DONE:             mux64 = {cnt_hits, done_count};
            default:           mux64 = 64'd0;
            endcase
            if (port == 0) cur64 = mux64;
            else rd64 = mux64;
        end
    end

    // --- AXI4-Lite control frame ------------------------------------------------------
    wire wr_fire = s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid;
    assign s_axil_awready = wr_fire;
    assign s_axil_wready  = wr_fire;
    assign s_axil_bresp   = 2'b00;
    assign s_axil_arready = !s_axil_rvalid;
    assign s_axil_rresp   = 2'b00;

    wire [15:0] wa      = {s_axil_awaddr[15:3], 3'b000};
    wire [31:0] cur32   = s_axil_awaddr[2] ? cur64[63:32] : cur64[31:0];
    wire [31:0] wmask   = {{8{s_axil_wstrb[3]}}, {8{s_axil_wstrb[2]}},
                           {8{s_axil_wstrb[1]}}, {8{s_axil_wstrb[0]}}};
    wire [31:0] new32   = (cur32 & ~wmask) | (s_axil_wdata & wmask);
    // read-only fields of new64 (Type, Entry_Size, Indirect...) are simply not stored
    /* verilator lint_off UNUSEDSIGNAL */
    wire [63:0] new64   = s_axil_awaddr[2] ? {new32, cur64[31:0]} : {cur64[63:32], new32};
    /* verilator lint_on UNUSEDSIGNAL */

    // collection writes from MAPC
    wire                 coll_we, coll_wvalid;
    wire [COLL_BITS-1:0] coll_idx;
    wire [15:0]          coll_wtarget;

    always @(posedge clk) begin
        retry_pulse    <= 1'b0;
        cq_reset_pulse <= 1'b0;
        if (rst) begin
            enabled  <= 1'b0;
            cb_valid <= 1'b0; cb_inner <= 3'd0; cb_outer <= 3'd0;
            cb_pa    <= {PA_W{1'b0}}; cb_size <= 8'd0;
            cwriter  <= 15'd0;
            dt_valid <= 1'b0; dt_inner <= 3'd0; dt_outer <= 3'd0;
            dt_pa    <= {PA_W{1'b0}}; dt_size <= 8'd0;
            s_axil_bvalid <= 1'b0;
            s_axil_rvalid <= 1'b0;
            s_axil_rdata  <= 32'd0;
            coll_valid    <= {NUM_COLL{1'b0}};
            coll_target   <= {(NUM_COLL*16){1'b0}};
        end else begin
            if (s_axil_bvalid && s_axil_bready) s_axil_bvalid <= 1'b0;
            if (wr_fire) begin
                s_axil_bvalid <= 1'b1;
                case (wa)
                `ITS_GITS_CTLR: if (!s_axil_awaddr[2]) enabled <= new64[`ITS_CTLR_ENABLED_BIT];
                `ITS_GITS_CBASER: if (!enabled) begin   // UNPREDICTABLE while enabled: ignored
                    cb_valid <= new64[`ITS_CBASER_VALID_BIT];
                    cb_inner <= new64[`ITS_CBASER_INNERCACHE_LSB +: 3];
                    cb_outer <= new64[`ITS_CBASER_OUTERCACHE_LSB +: 3];
                    cb_pa    <= new64[`ITS_CBASER_PA_LSB +: PA_W];
                    cb_size  <= new64[`ITS_CBASER_SIZE_LSB +: 8];
                    cq_reset_pulse <= 1'b1;
                end
                `ITS_GITS_CWRITER: begin
                    cwriter     <= new64[`ITS_CQ_OFFSET_LSB +: 15];
                    retry_pulse <= new64[`ITS_CWRITER_RETRY_BIT];
                end
                `ITS_GITS_BASER0: if (!enabled) begin
                    dt_valid <= new64[`ITS_BASER_VALID_BIT];
                    dt_inner <= new64[`ITS_BASER_INNERCACHE_LSB +: 3];
                    dt_outer <= new64[`ITS_BASER_OUTERCACHE_LSB +: 3];
                    dt_pa    <= new64[`ITS_BASER_PA_LSB +: PA_W];
                    dt_size  <= new64[`ITS_BASER_SIZE_LSB +: 8];
                end
                default: ;  // read-only or unimplemented: WI
                endcase
            end
            if (s_axil_rvalid && s_axil_rready) s_axil_rvalid <= 1'b0;
            if (s_axil_arvalid && s_axil_arready) begin
                s_axil_rvalid <= 1'b1;
                s_axil_rdata  <= s_axil_araddr[2] ? rd64[63:32] : rd64[31:0];
            end
            if (coll_we) begin
                coll_valid[coll_idx] <= coll_wvalid;
                coll_target[coll_idx*16 +: 16] <= coll_wtarget;
            end
        end
    end

    // --- table lock / memory port arbitration -----------------------------------------
    reg  [1:0] owner;
    reg        prio_cmd;
    wire       cmd_lock_req, xl_lock_req;
    wire       lock_free = (owner == OWN_NONE);
    wire       xl_gnt  = (owner == OWN_XL)
                       || (lock_free && xl_lock_req && !(cmd_lock_req && prio_cmd));
    wire       cmd_gnt = (owner == OWN_CMD)
                       || (lock_free && cmd_lock_req && !(xl_lock_req && !prio_cmd));
    always @(posedge clk) begin
        if (rst) begin
            owner    <= OWN_NONE;
            prio_cmd <= 1'b0;
        end else if (lock_free) begin
            if (xl_gnt && xl_lock_req) begin
                owner <= OWN_XL;  prio_cmd <= 1'b1;
            end else if (cmd_gnt && cmd_lock_req) begin
                owner <= OWN_CMD; prio_cmd <= 1'b0;
            end
        end else if ((owner == OWN_XL && !xl_lock_req) || (owner == OWN_CMD && !cmd_lock_req)) begin
            owner <= OWN_NONE;
        end
    end

    wire                  c_rd_valid, x_rd_valid;
    wire [ADDR_WIDTH-1:0] c_rd_addr, x_rd_addr;
    wire [7:0]            c_rd_len;
    wire                  c_wa_valid, c_wd_valid;
    wire [ADDR_WIDTH-1:0] c_wr_addr;
    wire [63:0]           c_wr_data;
    wire                  own_x = (owner == OWN_XL);

    assign m_axi_arid    = {ID_WIDTH{1'b0}};
    assign m_axi_araddr  = own_x ? x_rd_addr : c_rd_addr;
    assign m_axi_arlen   = own_x ? 8'd0 : c_rd_len;
    assign m_axi_arsize  = 3'd3;
    assign m_axi_arburst = 2'b01;
    assign m_axi_arlock  = 1'b0;
    assign m_axi_arcache = AXCACHE;
    assign m_axi_arprot  = AXPROT;
    assign m_axi_arvalid = own_x ? x_rd_valid : (owner == OWN_CMD) && c_rd_valid;
    assign m_axi_rready  = 1'b1;
    wire   rd_beat       = m_axi_rvalid;
    wire   rd_err        = m_axi_rresp[1];

    assign m_axi_awid    = {ID_WIDTH{1'b0}};
    assign m_axi_awaddr  = c_wr_addr;
    assign m_axi_awlen   = 8'd0;
    assign m_axi_awsize  = 3'd3;
    assign m_axi_awburst = 2'b01;
    assign m_axi_awlock  = 1'b0;
    assign m_axi_awcache = AXCACHE;
    assign m_axi_awprot  = AXPROT;
    assign m_axi_awvalid = c_wa_valid;
    assign m_axi_wdata   = c_wr_data;
    assign m_axi_wstrb   = 8'hFF;
    assign m_axi_wlast   = 1'b1;
    assign m_axi_wvalid  = c_wd_valid;
    assign m_axi_bready  = 1'b1;

    // --- interrupt output -------------------------------------------------------------
    wire        x_res_valid, c_int_valid;
    // No translated interrupt inside the ITS: none waiting in the translator, none
    // in the output register. An interrupt leaves at the lpi_valid/lpi_ready handshake.
    wire        out_drained = !lpi_valid && !x_res_valid;
    wire        drain;
    wire [31:0] x_res_intid, c_int_intid;
    wire [15:0] x_res_target, c_int_target;
    wire        out_load = !lpi_valid || lpi_ready;
    wire        x_res_ready = out_load;
    wire        c_int_ready = out_load && !x_res_valid;
    always @(posedge clk) begin
        if (rst) begin
            lpi_valid  <= 1'b0;
            lpi_intid  <= 32'd0;
            lpi_target <= 16'd0;
        end else if (out_load) begin
            lpi_valid  <= x_res_valid || c_int_valid;
            lpi_intid  <= x_res_valid ? x_res_intid : c_int_intid;
            lpi_target <= x_res_valid ? x_res_target : c_int_target;
        end
    end

    wire                   inv_valid;
    wire [1:0]             inv_kind;
    wire [DEVID_WIDTH-1:0] inv_devid;
    wire [31:0]            inv_eventid;

    its_cmd #(.ADDR_WIDTH(ADDR_WIDTH), .DEVID_WIDTH(DEVID_WIDTH), .EVENT_BITS(EVENT_BITS),
              .LPI_BITS(LPI_BITS), .NUM_COLL(NUM_COLL), .COLL_BITS(COLL_BITS),
              .NUM_RD(NUM_RD)) u_cmd (
        .clk(clk), .rst(rst),
        .enabled(enabled), .cq_valid(cb_valid), .cq_base(cb_pa), .cq_size(cb_size),
        .cwriter(cwriter), .retry(retry_pulse), .cq_reset(cq_reset_pulse),
        .dt_valid(dt_valid), .dt_base(dt_pa), .dt_size(dt_size),
        .drain(drain), .out_drained(out_drained),
        .creadr(creadr), .stalled(stalled), .err_code(err_code), .done_count(done_count),
        .busy(cmd_busy), .lock_req(cmd_lock_req), .lock_gnt(cmd_gnt),
        .rd_valid(c_rd_valid), .rd_ready(m_axi_arready && owner == OWN_CMD), .rd_addr(c_rd_addr),
        .rd_len(c_rd_len), .rd_beat(rd_beat && owner == OWN_CMD), .rd_data(m_axi_rdata),
        .rd_last(m_axi_rlast), .rd_err(rd_err),
        .wa_valid(c_wa_valid), .wa_ready(m_axi_awready), .wd_valid(c_wd_valid),
        .wd_ready(m_axi_wready), .wr_addr(c_wr_addr), .wr_data(c_wr_data),
        .wr_done(m_axi_bvalid), .wr_err(m_axi_bresp[1]),
        .coll_valid(coll_valid), .coll_target(coll_target),
        .coll_we(coll_we), .coll_idx(coll_idx), .coll_wvalid(coll_wvalid),
        .coll_wtarget(coll_wtarget),
        .inv_valid(inv_valid), .inv_kind(inv_kind), .inv_devid(inv_devid),
        .inv_eventid(inv_eventid),
        .int_valid(c_int_valid), .int_ready(c_int_ready), .int_intid(c_int_intid),
        .int_target(c_int_target));

    its_xlate #(.ID_WIDTH(ID_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .DEVID_WIDTH(DEVID_WIDTH),
                .NUM_COLL(NUM_COLL), .COLL_BITS(COLL_BITS), .CACHE_ENTRIES(CACHE_ENTRIES),
                .CACHE_BITS(CACHE_BITS)) u_xlate (
        .clk(clk), .rst(rst), .enabled(enabled), .fence(drain),
        .dt_valid(dt_valid), .dt_base(dt_pa), .dt_size(dt_size),
        .s_axi_awid(s_axi_awid), .s_axi_awaddr(s_axi_awaddr),
        .s_axi_awsize(s_axi_awsize), .s_axi_awburst(s_axi_awburst),
        .s_axi_awuser(s_axi_awuser), .s_axi_awvalid(s_axi_awvalid),
        .s_axi_awready(s_axi_awready), .s_axi_wdata(s_axi_wdata[31:0]), .s_axi_wstrb(s_axi_wstrb[3:0]),
        .s_axi_wlast(s_axi_wlast), .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready),
        .s_axi_bid(s_axi_bid), .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid),
        .s_axi_bready(s_axi_bready), .s_axi_arid(s_axi_arid), .s_axi_arlen(s_axi_arlen),
        .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready),
        .s_axi_rid(s_axi_rid), .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp),
        .s_axi_rlast(s_axi_rlast), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
        .lock_req(xl_lock_req), .lock_gnt(xl_gnt),
        .rd_valid(x_rd_valid), .rd_ready(m_axi_arready && own_x), .rd_addr(x_rd_addr),
        .rd_beat(rd_beat && own_x), .rd_data(m_axi_rdata), .rd_err(rd_err),
        .coll_valid(coll_valid), .coll_target(coll_target),
        .inv_valid(inv_valid), .inv_kind(inv_kind), .inv_devid(inv_devid),
        .inv_eventid(inv_eventid),
        .res_valid(x_res_valid), .res_ready(x_res_ready), .res_intid(x_res_intid),
        .res_target(x_res_target),
        .busy(xl_busy),
        .cnt_unmapped_device(cnt_udev), .cnt_event_oor(cnt_eoor),
        .cnt_unmapped_event(cnt_uev), .cnt_unmapped_coll(cnt_ucoll),
        .cnt_disabled(cnt_dis), .cnt_bus_error(cnt_buserr), .cnt_translated(cnt_ok),
        .cnt_cache_hits(cnt_hits));

    // Inputs the ITS has no use for: the frames are not protection-checked, the
    // translation frame's only register sits in lanes [31:0] and bursts end on wlast, the
    // translation frame is RAZ so read attributes do not matter, and every memory
    // access is one outstanding transaction, so response IDs need no matching.
    wire unused_ok = &{1'b0, s_axil_awprot, s_axil_arprot, s_axi_awlock, s_axi_awcache,
                       s_axi_awprot, s_axi_araddr, s_axi_arsize, s_axi_arburst,
                       s_axi_arlock, s_axi_arcache, s_axi_arprot, s_axi_aruser,
                       m_axi_bid, m_axi_rid, m_axi_rresp[0], m_axi_bresp[0],
                       s_axil_awaddr[1:0], s_axil_araddr[1:0], s_axi_awlen,
                       s_axi_wdata[63:32], s_axi_wstrb[7:4]};
endmodule
