// smmu_v3_regs: SMMUv3 register file (pages 0 and 1, 64 KiB each) on AXI4-Lite.
//
// Follows ARM IHI 0070 chapter 6 (SMMU_IDR0-5, IIDR, AIDR, CR0/CR0ACK, CR1, CR2,
// STATUSR, GBPA with its Update handshake, IRQ_CTRL/IRQ_CTRLACK, GERROR/GERRORN,
// GERROR_IRQ_CFGn, STRTAB_BASE/_CFG, CMDQ_BASE/PROD/CONS, EVENTQ_BASE, EVENTQ_PROD/
// CONS in page 1, EVENTQ_IRQ_CFGn) as Linux 6.1 arm-smmu-v3.c accesses them.
// DATA_WIDTH 32 or 64: a 64-bit register takes one 64-bit access or two 32-bit halves;
// each 32-bit word of an access acts when all four of its byte strobes are set.
// The IDRs advertise exactly what hdl/smmu_v3/rtl/smmu_v3.v implements (docs/smmuv3.md).
// The queue indexes owned by hardware (CMDQ_CONS, EVENTQ_PROD) live in the queue
// units; this file reads them and hands software writes over (taken while the queue
// is disabled).
//
// Leaves out: secure and realm register pages, PRI queue, MSI generation
// (IDR0.MSI = 0: the IRQ_CFG registers are stored only), PIDR/CIDR ID registers.
`include "smmuv3_defs.vh"

module smmu_v3_regs #(
    parameter DATA_WIDTH = 32,
    parameter SID_WIDTH = 16
) (
    input  wire                    clk,
    input  wire                    rst,
    // AXI4-Lite slave
    input  wire [16:0]             s_axil_awaddr,
    input  wire                    s_axil_awvalid,
    output wire                    s_axil_awready,
    input  wire [DATA_WIDTH-1:0]   s_axil_wdata,
    input  wire [DATA_WIDTH/8-1:0] s_axil_wstrb,
    input  wire                    s_axil_wvalid,
    output wire                    s_axil_wready,
    output wire [1:0]              s_axil_bresp,
    output reg                     s_axil_bvalid,
    input  wire                    s_axil_bready,
    input  wire [16:0]             s_axil_araddr,
    input  wire                    s_axil_arvalid,
    output wire                    s_axil_arready,
    output reg  [DATA_WIDTH-1:0]   s_axil_rdata,
    output wire [1:0]              s_axil_rresp,
    output reg                     s_axil_rvalid,
    input  wire                    s_axil_rready,
    // control state
    output reg  [31:0]             cr0,
    output reg  [31:0]             cr1,
    output reg  [31:0]             cr2,
    output reg  [31:0]             gbpa,
    output reg  [31:0]             irq_ctrl,
    output wire [31:0]             gerror_active,   // GERROR ^ GERRORN
    output reg  [63:0]             strtab_base,
    output reg  [31:0]             strtab_base_cfg,
    output reg  [63:0]             cmdq_base,
    output reg  [31:0]             cmdq_prod,
    output reg  [63:0]             eventq_base,
    output reg  [31:0]             eventq_cons,
    // hardware-owned indexes and their software writes
    input  wire [31:0]             cmdq_cons,
    output reg                     cmdq_cons_wr,
    input  wire [31:0]             eventq_prod,
    output reg                     eventq_prod_wr,
    output reg  [31:0]             sw_wdata,
    // global errors (one pulse activates a bit, if inactive)
    input  wire                    gerror_cmdq_err,
    input  wire                    gerror_eventq_abt,
    output reg                     irq_gerror
);
    localparam LANES = DATA_WIDTH / 32;
    localparam [31:0] C_IDR0 =
        (32'd1 << `SMMUV3_IDR0_S1P_BIT) |
        (`SMMUV3_IDR0_TTF_AARCH64 << `SMMUV3_IDR0_TTF_SHIFT) |
        (32'd1 << `SMMUV3_IDR0_COHACC_BIT) |
        (32'd1 << `SMMUV3_IDR0_ASID16_BIT) |
        (32'd1 << `SMMUV3_IDR0_SEV_BIT) |
        (`SMMUV3_IDR0_TTENDIAN_LE << `SMMUV3_IDR0_TTENDIAN_SHIFT) |
        (`SMMUV3_IDR0_STALL_MODEL_NONE << `SMMUV3_IDR0_STALL_MODEL_SHIFT) |
        (`SMMUV3_IDR0_ST_LEVEL_2LVL << `SMMUV3_IDR0_ST_LEVEL_SHIFT);
    localparam [31:0] C_IDR1 =
        (SID_WIDTH << `SMMUV3_IDR1_SIDSIZE_SHIFT) |
        (`SMMUV3_SSIDSIZE << `SMMUV3_IDR1_SSIDSIZE_SHIFT) |
        (`SMMUV3_EVENTQS << `SMMUV3_IDR1_EVENTQS_SHIFT) |
        (`SMMUV3_CMDQS << `SMMUV3_IDR1_CMDQS_SHIFT) |
        (32'd1 << `SMMUV3_IDR1_ATTR_PERMS_OVR_BIT) |
        (32'd1 << `SMMUV3_IDR1_ATTR_TYPES_OVR_BIT);
    localparam [31:0] C_IDR3 = 32'd1 << `SMMUV3_IDR3_RIL_BIT;
    localparam [31:0] C_IDR5 = (`SMMUV3_IDR5_OAS_48 << `SMMUV3_IDR5_OAS_SHIFT) |
                               (32'd1 << `SMMUV3_IDR5_GRAN4K_BIT);
    localparam [31:0] C_CR0_MASK = `SMMUV3_CR0_MASK;
    localparam [31:0] C_CR1_MASK = `SMMUV3_CR1_MASK;
    localparam [31:0] C_CR2_MASK = `SMMUV3_CR2_MASK;
    localparam [31:0] C_IRQ_MASK = `SMMUV3_IRQ_CTRL_MASK;
    localparam [31:0] C_GBPA_MASK = `SMMUV3_GBPA_FIELDS_MASK;
    localparam [31:0] C_GERR_MASK = `SMMUV3_GERROR_IMPL_MASK;
    localparam [63:0] C_STRTAB_MASK = `SMMUV3_STRTAB_BASE_MASK;
    localparam [31:0] C_STRTAB_CFG_MASK = `SMMUV3_STRTAB_BASE_CFG_MASK;
    localparam [63:0] C_Q_MASK = `SMMUV3_Q_BASE_MASK;
    localparam [4:0]  C_CMDQS = `SMMUV3_CMDQS;
    localparam [4:0]  C_EVENTQS = `SMMUV3_EVENTQS;
    // 64-bit register stores: addresses held to the 48-bit OAS (upper bits RAZ/WI,
    // as IHI 0070 permits for bits beyond the implemented PA size)
    localparam [63:0] C_PA48 = 64'h4000_FFFF_FFFF_FFFF;
    localparam [31:0] C_STRTAB_LO = C_STRTAB_MASK[31:0];
    localparam [31:0] C_STRTAB_HI = C_STRTAB_MASK[63:32] & C_PA48[63:32];
    localparam [31:0] C_Q_HI = C_Q_MASK[63:32] & C_PA48[63:32];

    reg [31:0] cr0ack, irq_ctrlack, gerror, gerrorn;
    reg [63:0] gerror_irq_cfg0, eventq_irq_cfg0;
    reg [31:0] gerror_irq_cfg1, gerror_irq_cfg2, eventq_irq_cfg1, eventq_irq_cfg2;
    reg        gbpa_busy;
    assign gerror_active = (gerror ^ gerrorn) & C_GERR_MASK;

    // queue LOG2SIZE is capped at what the queue implements (IDR1.CMDQS / EVENTQS)
    function [31:0] q_base_lo;
        input [31:0] v;
        input [4:0]  qs;
        begin
            q_base_lo = v & C_Q_MASK[31:0];
            if (v[4:0] > qs)
                q_base_lo[4:0] = qs;
        end
    endfunction

    // ---------------------------------------------------------------- read mux
    /* verilator lint_off UNUSEDSIGNAL */ // word-aligned: a[1:0] unused
    function [31:0] rd_word;
        input [16:0] a;
    /* verilator lint_on UNUSEDSIGNAL */
        begin
            rd_word = 32'd0;
            case ({a[16], a[15:2], 2'b00})
                `SMMUV3_IDR0:            rd_word = C_IDR0;
                `SMMUV3_IDR1:            rd_word = C_IDR1;
                `SMMUV3_IDR3:            rd_word = C_IDR3;
                `SMMUV3_IDR5:            rd_word = C_IDR5;
                `SMMUV3_IIDR:            rd_word = `SMMUV3_IIDR_VALUE;
                `SMMUV3_AIDR:            rd_word = `SMMUV3_AIDR_VALUE;
                `SMMUV3_CR0:             rd_word = cr0;
                `SMMUV3_CR0ACK:          rd_word = cr0ack;
                `SMMUV3_CR1:             rd_word = cr1;
                `SMMUV3_CR2:             rd_word = cr2;
                `SMMUV3_GBPA:            rd_word = gbpa;
                `SMMUV3_IRQ_CTRL:        rd_word = irq_ctrl;
                `SMMUV3_IRQ_CTRLACK:     rd_word = irq_ctrlack;
                `SMMUV3_GERROR:          rd_word = gerror;
                `SMMUV3_GERRORN:         rd_word = gerrorn;
                `SMMUV3_GERROR_IRQ_CFG0: rd_word = gerror_irq_cfg0[31:0];
                `SMMUV3_GERROR_IRQ_CFG0 + 4: rd_word = gerror_irq_cfg0[63:32];
                `SMMUV3_GERROR_IRQ_CFG1: rd_word = gerror_irq_cfg1;
                `SMMUV3_GERROR_IRQ_CFG2: rd_word = gerror_irq_cfg2;
                `SMMUV3_STRTAB_BASE:     rd_word = strtab_base[31:0];
                `SMMUV3_STRTAB_BASE + 4: rd_word = strtab_base[63:32];
                `SMMUV3_STRTAB_BASE_CFG: rd_word = strtab_base_cfg;
                `SMMUV3_CMDQ_BASE:       rd_word = cmdq_base[31:0];
                `SMMUV3_CMDQ_BASE + 4:   rd_word = cmdq_base[63:32];
                `SMMUV3_CMDQ_PROD:       rd_word = cmdq_prod;
                `SMMUV3_CMDQ_CONS:       rd_word = cmdq_cons;
                `SMMUV3_EVENTQ_BASE:     rd_word = eventq_base[31:0];
                `SMMUV3_EVENTQ_BASE + 4: rd_word = eventq_base[63:32];
                `SMMUV3_EVENTQ_IRQ_CFG0: rd_word = eventq_irq_cfg0[31:0];
                `SMMUV3_EVENTQ_IRQ_CFG0 + 4: rd_word = eventq_irq_cfg0[63:32];
                `SMMUV3_EVENTQ_IRQ_CFG1: rd_word = eventq_irq_cfg1;
                `SMMUV3_EVENTQ_IRQ_CFG2: rd_word = eventq_irq_cfg2;
                `SMMUV3_EVENTQ_PROD:     rd_word = eventq_prod;
                `SMMUV3_EVENTQ_CONS:     rd_word = eventq_cons;
                default:                 rd_word = 32'd0;
            endcase
        end
    endfunction

    // ---------------------------------------------------------------- AXI4-Lite
    // a write is taken when its address and data are both present
    wire wr_fire = s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid;
    assign s_axil_awready = wr_fire;
    assign s_axil_wready = wr_fire;
    assign s_axil_bresp = 2'b00;
    wire rd_fire = s_axil_arvalid && !s_axil_rvalid;
    assign s_axil_arready = rd_fire;
    assign s_axil_rresp = 2'b00;

    localparam ALIGN = (DATA_WIDTH == 64) ? 3 : 2;
    wire [16:0] wbase = {s_axil_awaddr[16:ALIGN], {ALIGN{1'b0}}};
    wire [16:0] rbase = {s_axil_araddr[16:ALIGN], {ALIGN{1'b0}}};
    // (read data is sampled in the clocked block: a combinational block calling
    // rd_word would not be sensitive to the registers the function reads)
    integer l;

    wire unused = &{1'b0, s_axil_awaddr[ALIGN-1:0], s_axil_araddr[ALIGN-1:0]};

    // ---------------------------------------------------------------- writes
    // one 32-bit word write, with the side effects of each register
    /* verilator lint_off UNUSEDSIGNAL */
    task wr_word;
        input [16:0] a;
    /* verilator lint_on UNUSEDSIGNAL */
        input [31:0] d;
        begin
            case ({a[16], a[15:2], 2'b00})
                `SMMUV3_CR0:      cr0 <= d & C_CR0_MASK;
                `SMMUV3_CR1:      cr1 <= d & C_CR1_MASK;
                `SMMUV3_CR2:      cr2 <= d & C_CR2_MASK;
                // GBPA: only a write setting Update while no update is underway acts
                `SMMUV3_GBPA: if (d[`SMMUV3_GBPA_UPDATE_BIT] && !gbpa_busy) begin
                    gbpa <= (d & C_GBPA_MASK) | (32'd1 << `SMMUV3_GBPA_UPDATE_BIT);
                    gbpa_busy <= 1'b1;
                end
                `SMMUV3_IRQ_CTRL: irq_ctrl <= d & C_IRQ_MASK;
                `SMMUV3_GERRORN:  gerrorn <= d & C_GERR_MASK;
                `SMMUV3_GERROR_IRQ_CFG0:     gerror_irq_cfg0[31:0] <= d;
                `SMMUV3_GERROR_IRQ_CFG0 + 4: gerror_irq_cfg0[63:32] <= d;
                `SMMUV3_GERROR_IRQ_CFG1:     gerror_irq_cfg1 <= d;
                `SMMUV3_GERROR_IRQ_CFG2:     gerror_irq_cfg2 <= d;
                `SMMUV3_STRTAB_BASE:     strtab_base[31:0] <= d & C_STRTAB_LO;
                `SMMUV3_STRTAB_BASE + 4: strtab_base[63:32] <= d & C_STRTAB_HI;
                `SMMUV3_STRTAB_BASE_CFG: strtab_base_cfg <= d & C_STRTAB_CFG_MASK;
                `SMMUV3_CMDQ_BASE:       cmdq_base[31:0] <= q_base_lo(d, C_CMDQS);
                `SMMUV3_CMDQ_BASE + 4:   cmdq_base[63:32] <= d & C_Q_HI;
                `SMMUV3_CMDQ_PROD:       cmdq_prod <= d;
                `SMMUV3_CMDQ_CONS:       begin cmdq_cons_wr <= 1'b1; sw_wdata <= d; end
                `SMMUV3_EVENTQ_BASE:     eventq_base[31:0] <= q_base_lo(d, C_EVENTQS);
                `SMMUV3_EVENTQ_BASE + 4: eventq_base[63:32] <= d & C_Q_HI;
                `SMMUV3_EVENTQ_IRQ_CFG0:     eventq_irq_cfg0[31:0] <= d;
                `SMMUV3_EVENTQ_IRQ_CFG0 + 4: eventq_irq_cfg0[63:32] <= d;
                `SMMUV3_EVENTQ_IRQ_CFG1:     eventq_irq_cfg1 <= d;
                `SMMUV3_EVENTQ_IRQ_CFG2:     eventq_irq_cfg2 <= d;
                `SMMUV3_EVENTQ_PROD:   begin eventq_prod_wr <= 1'b1; sw_wdata <= d; end
                `SMMUV3_EVENTQ_CONS:   eventq_cons <= d;
                default: ;
            endcase
        end
    endtask

    wire cmdq_err_active = gerror_active[`SMMUV3_GERROR_CMDQ_ERR_BIT];
    wire evtq_abt_active = gerror_active[`SMMUV3_GERROR_EVENTQ_ABT_ERR_BIT];
    wire set_cmdq = gerror_cmdq_err && !cmdq_err_active;
    wire set_evtq = gerror_eventq_abt && !evtq_abt_active;

    always @(posedge clk) begin
        if (rst) begin
            s_axil_bvalid <= 1'b0;
            s_axil_rvalid <= 1'b0;
            s_axil_rdata <= {DATA_WIDTH{1'b0}};
            cr0 <= 32'd0; cr0ack <= 32'd0; cr1 <= 32'd0; cr2 <= 32'd0;
            gbpa <= `SMMUV3_GBPA_RESET; gbpa_busy <= 1'b0;
            irq_ctrl <= 32'd0; irq_ctrlack <= 32'd0;
            gerror <= 32'd0; gerrorn <= 32'd0;
            gerror_irq_cfg0 <= 64'd0; gerror_irq_cfg1 <= 32'd0; gerror_irq_cfg2 <= 32'd0;
            eventq_irq_cfg0 <= 64'd0; eventq_irq_cfg1 <= 32'd0; eventq_irq_cfg2 <= 32'd0;
            strtab_base <= 64'd0; strtab_base_cfg <= 32'd0;
            cmdq_base <= 64'd0; cmdq_prod <= 32'd0;
            eventq_base <= 64'd0; eventq_cons <= 32'd0;
            cmdq_cons_wr <= 1'b0; eventq_prod_wr <= 1'b0; sw_wdata <= 32'd0;
            irq_gerror <= 1'b0;
        end else begin
            cmdq_cons_wr <= 1'b0;
            eventq_prod_wr <= 1'b0;
            // acknowledgements follow one clock after the control write took effect
            cr0ack <= cr0;
            irq_ctrlack <= irq_ctrl;
            // GBPA.Update: the new attributes apply from the next clock
            if (gbpa_busy) begin
                gbpa[`SMMUV3_GBPA_UPDATE_BIT] <= 1'b0;
                gbpa_busy <= 1'b0;
            end
            if (wr_fire) begin
                s_axil_bvalid <= 1'b1;
                for (l = 0; l < LANES; l = l + 1)
                    if (&s_axil_wstrb[l*4 +: 4])
                        wr_word(wbase + 17'd4 * l[16:0], s_axil_wdata[l*32 +: 32]);
            end else if (s_axil_bvalid && s_axil_bready) begin
                s_axil_bvalid <= 1'b0;
            end
            if (rd_fire) begin
                s_axil_rvalid <= 1'b1;
                for (l = 0; l < LANES; l = l + 1)
                    s_axil_rdata[l*32 +: 32] <= rd_word(rbase + 17'd4 * l[16:0]);
            end else if (s_axil_rvalid && s_axil_rready) begin
                s_axil_rvalid <= 1'b0;
            end
            // a global error toggles GERROR (it differs from GERRORN while active)
            if (set_cmdq)
                gerror[`SMMUV3_GERROR_CMDQ_ERR_BIT] <= !gerror[`SMMUV3_GERROR_CMDQ_ERR_BIT];
            if (set_evtq)
                gerror[`SMMUV3_GERROR_EVENTQ_ABT_ERR_BIT] <=
                    !gerror[`SMMUV3_GERROR_EVENTQ_ABT_ERR_BIT];
            irq_gerror <= (set_cmdq || set_evtq) && irq_ctrl[`SMMUV3_IRQ_CTRL_GERROR_IRQEN_BIT];
        end
    end
endmodule
