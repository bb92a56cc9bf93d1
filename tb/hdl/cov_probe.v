// Code coverage probe (tests/test_code_coverage.py): what each run hits follows from the
// source, so the coverage pipeline's figures can be checked against it. Six clocks:
//   cnt counts 0..3 and holds: bit 0 toggles both ways, bit 1 only 0->1, bits 3:2 never;
//   still never changes (its 4 toggle points stay 0);
//   `if (other)` takes its if arm only with other=1, its else arm only with other=0.
module cov_probe (
    input  wire       clk,
    input  wire       other,
    output reg        seen,
    output reg  [3:0] cnt,
    output reg  [1:0] still
);
    localparam [3:0] LAST = 4'd3;
    initial begin
        seen = 1'b0;
        cnt = 4'd0;
        still = 2'd0;
    end
    always @(posedge clk) begin
        if (other) seen <= 1'b1;
        else seen <= 1'b0;
        if (cnt != LAST) cnt <= cnt + 4'd1;
        still <= still;
    end
endmodule
