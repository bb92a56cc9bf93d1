// f_valid_ready: the source rule of one AXI channel (AMBA AXI4 IHI 0022, A3.2.1 and
// A3.1.2): once VALID is high it stays high, with the payload unchanged, until the
// cycle READY is high; VALID is low in the cycle after a reset cycle.
// IS_OUTPUT = 1: the DUT drives the channel and the rule is asserted (a proof
// obligation); IS_OUTPUT = 0: the environment drives it and the rule is assumed;
// IS_OUTPUT = 2: a proven unit drives it (an abstraction of that unit, formal/*_abs.v):
// exactly what IS_OUTPUT = 1 asserts is assumed (VALID low the cycle after reset).
// Formal-only (yosys read_verilog -formal); not part of the product.
module f_valid_ready #(
    parameter W = 1,
    parameter IS_OUTPUT = 1
) (
    input wire         clk,
    input wire         rst,
    input wire         valid,
    input wire         ready,
    input wire [W-1:0] payload
);
`ifdef FORMAL
    reg         f_past_valid = 1'b0;
    reg         was_rst = 1'b0;
    reg         hold = 1'b0;          // VALID && !READY last cycle, out of reset
    reg [W-1:0] held;
    always @(posedge clk) begin
        f_past_valid <= 1'b1;
        was_rst <= rst;
        hold <= !rst && valid && !ready;
        held <= payload;
    end
    wire keep_ok  = valid && (payload == held);
    wire reset_ok = !valid;
    generate
        if (IS_OUTPUT == 1) begin : g_assert
            always @* if (f_past_valid && !rst) begin
                if (hold) assert(keep_ok);
                if (was_rst) assert(reset_ok);
            end
        end else if (IS_OUTPUT == 2) begin : g_assume_unit
            always @* if (f_past_valid && !rst) begin
                if (hold) assume(keep_ok);
                if (was_rst) assume(reset_ok);
            end
        end else begin : g_assume
            always @* begin
                if (f_past_valid && hold && !rst) assume(keep_ok);
                if (rst) assume(reset_ok);
            end
        end
    endgenerate
`endif
endmodule
