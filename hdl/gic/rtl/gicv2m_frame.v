// gicv2m_frame: one GICv2m MSI frame (4 KiB) turning MSI writes into SPIs.
//
// Follows the ARM Server Base System Architecture's GICv2m frame as
// drivers/irqchip/irq-gic-v2m.c uses it: MSI_TYPER (first SPI and number of SPIs),
// MSI_SETSPI_NS (a write of an SPI INTID raises that SPI), MSI_IIDR. A write of an
// INTID inside [SPI_BASE, SPI_BASE + SPI_COUNT) leaves on spi_* (valid/ready); any
// other value is dropped and counted in the IMPLEMENTATION DEFINED read-only register
// MSI_DROPPED (a departure: the frame has no such register), delivered SPIs in
// MSI_DELIVERED. MSI_SETSPI_NS takes 32-bit writes (strobes 1111) and 16-bit writes
// to bits [15:0] (strobes 0011, the value zero-extended), the accesses GICv3's
// GICD_SETSPI_NSR/GICM_SETSPI_NSR (which the GICv2m frame's register is the model of)
// must support; other strobe patterns are not MSI_SETSPI_NS accesses and are ignored.
// The value written is the INTID: bits [31:10] are RES0, so a value with any of them
// set names no valid SPI and, as "the value written specifies an invalid SPI", has
// no effect (dropped and counted). The
// device is not identified (awuser is ignored): GICv2m cannot isolate devices.
// Leaves out: MSI_SETSPI_S and the secure view, WRAP bursts (stepped as INCR).
`include "gicv2m_defs.vh"

module gicv2m_frame #(
    parameter SPI_BASE   = 80,
    parameter SPI_COUNT  = 64,
    parameter ID_WIDTH   = 8,
    parameter USER_WIDTH = 16
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire [ID_WIDTH-1:0]   s_axi_awid,
    input  wire [11:0]           s_axi_awaddr,
    input  wire [7:0]            s_axi_awlen,
    input  wire [2:0]            s_axi_awsize,
    input  wire [1:0]            s_axi_awburst,
    input  wire                  s_axi_awlock,
    input  wire [3:0]            s_axi_awcache,
    input  wire [2:0]            s_axi_awprot,
    input  wire [USER_WIDTH-1:0] s_axi_awuser,
    input  wire                  s_axi_awvalid,
    output wire                  s_axi_awready,
    input  wire [63:0]           s_axi_wdata,
    input  wire [7:0]            s_axi_wstrb,
    input  wire                  s_axi_wlast,
    input  wire                  s_axi_wvalid,
    output wire                  s_axi_wready,
    output reg  [ID_WIDTH-1:0]   s_axi_bid,
    output wire [1:0]            s_axi_bresp,
    output reg                   s_axi_bvalid,
    input  wire                  s_axi_bready,
    input  wire [ID_WIDTH-1:0]   s_axi_arid,
    input  wire [11:0]           s_axi_araddr,
    input  wire [7:0]            s_axi_arlen,
    input  wire [2:0]            s_axi_arsize,
    input  wire [1:0]            s_axi_arburst,
    input  wire                  s_axi_arlock,
    input  wire [3:0]            s_axi_arcache,
    input  wire [2:0]            s_axi_arprot,
    input  wire [USER_WIDTH-1:0] s_axi_aruser,
    input  wire                  s_axi_arvalid,
    output wire                  s_axi_arready,
    output reg  [ID_WIDTH-1:0]   s_axi_rid,
    output reg  [63:0]           s_axi_rdata,
    output wire [1:0]            s_axi_rresp,
    output wire                  s_axi_rlast,
    output reg                   s_axi_rvalid,
    input  wire                  s_axi_rready,
    output reg                   spi_valid,
    input  wire                  spi_ready,
    output reg  [9:0]            spi_intid
);
    // sized through integer locals: an overridden parameter is a 32-bit value
    localparam integer BASE_I  = SPI_BASE;
    localparam integer COUNT_I = SPI_COUNT;
    localparam integer LIMIT_I = SPI_BASE + SPI_COUNT;
    localparam [9:0]  BASE  = BASE_I[9:0];
    localparam [31:0] LIMIT = LIMIT_I;               // one past the last SPI
    localparam [9:0]  COUNT = COUNT_I[9:0];
    localparam [31:0] TYPER = ({22'd0, BASE} << `V2M_MSI_TYPER_BASE_LSB)
                            | ({22'd0, COUNT} << `V2M_MSI_TYPER_NUMBER_LSB);
    localparam [31:0] IIDR  = `V2M_MSI_IIDR_VALUE;

    reg [31:0] dropped, delivered;

    function [31:0] reg32;
        input [11:2] a;   // word address
        begin
            case ({a, 2'b00})
            `V2M_MSI_TYPER:     reg32 = TYPER;
            `V2M_MSI_IIDR:      reg32 = IIDR;
            `V2M_MSI_DROPPED:   reg32 = dropped;
            `V2M_MSI_DELIVERED: reg32 = delivered;
            default:            reg32 = 32'd0;
            endcase
        end
    endfunction

    // --- writes ---------------------------------------------------------------------
    reg        w_active;
    reg [11:0] w_addr;
    reg [2:0]  w_size;
    reg [1:0]  w_burst;
    assign s_axi_awready = !w_active && !s_axi_bvalid;
    assign s_axi_wready  = w_active && (!spi_valid || spi_ready);
    assign s_axi_bresp   = 2'b00;

    wire        w_fire   = s_axi_wvalid && s_axi_wready;
    wire        lane_hi  = w_addr[2];
    wire [31:0] w_word   = lane_hi ? s_axi_wdata[63:32] : s_axi_wdata[31:0];
    wire [3:0]  w_bytes  = lane_hi ? s_axi_wstrb[7:4] : s_axi_wstrb[3:0];
    wire        w32      = (w_bytes == 4'hF);
    wire        w16      = (w_bytes == 4'h3);
    wire        is_setspi = ({w_addr[11:2], 2'b00} == `V2M_MSI_SETSPI_NS) && (w32 || w16);
    // the INTID written: the whole word (16-bit write: bits [15:0], zero-extended)
    wire [31:0] w_intid  = w32 ? w_word : {16'd0, w_word[15:0]};
    wire [9:0]  w_spi    = w_intid[`V2M_MSI_SETSPI_LSB +: `V2M_MSI_SETSPI_W];
    wire        in_range = (w_intid >= {22'd0, BASE}) && (w_intid < LIMIT);
    wire [11:0] w_step   = 12'd1 << w_size;

    always @(posedge clk) begin
        if (rst) begin
            w_active     <= 1'b0;
            w_addr       <= 12'd0;
            w_size       <= 3'd0;
            w_burst      <= 2'd0;
            s_axi_bvalid <= 1'b0;
            s_axi_bid    <= {ID_WIDTH{1'b0}};
            spi_valid    <= 1'b0;
            spi_intid    <= 10'd0;
            dropped      <= 32'd0;
            delivered    <= 32'd0;
        end else begin
            if (spi_valid && spi_ready) spi_valid <= 1'b0;
            if (s_axi_awvalid && s_axi_awready) begin
                w_active  <= 1'b1;
                w_addr    <= s_axi_awaddr;
                w_size    <= s_axi_awsize;
                w_burst   <= s_axi_awburst;
                s_axi_bid <= s_axi_awid;
            end
            if (w_fire) begin
                if (w_burst != 2'b00) w_addr <= w_addr + w_step;
                if (s_axi_wlast) begin
                    w_active     <= 1'b0;
                    s_axi_bvalid <= 1'b1;
                end
                if (is_setspi) begin
                    if (in_range) begin
                        spi_valid <= 1'b1;
                        spi_intid <= w_spi;
                        delivered <= delivered + 32'd1;
                    end else begin
                        dropped <= dropped + 32'd1;
                    end
                end
            end
            if (s_axi_bvalid && s_axi_bready) s_axi_bvalid <= 1'b0;
        end
    end

    // --- reads ----------------------------------------------------------------------
    reg [11:0] r_addr;
    reg [2:0]  r_size;
    reg [1:0]  r_burst;
    reg [7:0]  r_left;
    reg        r_active;
    assign s_axi_arready = !r_active;
    assign s_axi_rresp   = 2'b00;
    assign s_axi_rlast   = (r_left == 8'd0);
    wire [11:0] r_next = (r_burst != 2'b00) ? r_addr + (12'd1 << r_size) : r_addr;
    // address of the beat being loaded into rdata
    wire [11:0] r_fetch = (s_axi_arvalid && s_axi_arready) ? s_axi_araddr : r_next;

    always @(posedge clk) begin
        if (rst) begin
            r_active     <= 1'b0;
            s_axi_rvalid <= 1'b0;
            s_axi_rid    <= {ID_WIDTH{1'b0}};
            s_axi_rdata  <= 64'd0;
            r_addr       <= 12'd0;
            r_size       <= 3'd0;
            r_burst      <= 2'd0;
            r_left       <= 8'd0;
        end else if (s_axi_arvalid && s_axi_arready) begin
            r_active     <= 1'b1;
            s_axi_rvalid <= 1'b1;
            s_axi_rid    <= s_axi_arid;
            r_addr       <= s_axi_araddr;
            r_size       <= s_axi_arsize;
            r_burst      <= s_axi_arburst;
            r_left       <= s_axi_arlen;
            s_axi_rdata  <= {reg32({r_fetch[11:3], 1'b1}), reg32({r_fetch[11:3], 1'b0})};
        end else if (s_axi_rvalid && s_axi_rready) begin
            if (r_left == 8'd0) begin
                r_active     <= 1'b0;
                s_axi_rvalid <= 1'b0;
            end else begin
                r_left      <= r_left - 8'd1;
                r_addr      <= r_next;
                s_axi_rdata <= {reg32({r_fetch[11:3], 1'b1}), reg32({r_fetch[11:3], 1'b0})};
            end
        end
    end

    // Unused: attributes (the frame is not protection-checked) and the device
    // identity, which GICv2m has no means to use.
    wire unused_ok = &{1'b0, s_axi_awlen, s_axi_awlock, s_axi_awcache, s_axi_awprot,
                       s_axi_awuser, s_axi_arlock, s_axi_arcache, s_axi_arprot,
                       s_axi_aruser, r_fetch[2:0]};
endmodule
