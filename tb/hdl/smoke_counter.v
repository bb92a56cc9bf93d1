// smoke_counter: an 8-bit counter that proves the Icarus + cocotb tool chain.
// It exists only for tests/test_smoke.py and carries no project logic.
module smoke_counter #(
    parameter WIDTH = 8
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             en,
    output reg  [WIDTH-1:0] count
);
    always @(posedge clk) begin
        if (rst)
            count <= {WIDTH{1'b0}};
        else if (en)
            count <= count + 1'b1;
    end
endmodule
