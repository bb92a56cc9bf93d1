// tb_bp_gate: simulation-only random back-pressure on one valid/ready channel, between
// the sender (up_*) and the receiver (dn_*), payload wires passing beside it untouched.
// It replaces the cocotbext-axi pause generators of the system bench (issue 13: one
// Python coroutine wake-up per channel per clock): a 16-bit xorshift per channel,
// loaded from `seed` (the test's seed, from Python) at reset, closes the channel on a
// clock with probability thresh/256 (thresh 0: a plain wire).
//
// AXI-compliant on both sides (IHI 0022 A3.2.1): the gate only withholds a NEW
// transfer. Once dn_valid is high without dn_ready, `held` keeps the channel open
// until the handshake, so a VALID never drops and its payload (held by the sender,
// which sees up_ready low) stays stable. READY toggles freely, which AXI allows.
// The handshake is the same on both sides: up_valid & up_ready == dn_valid & dn_ready.
// Leaves out: any storage (no skid buffer: a closed gate is a cycle without transfer).
`default_nettype none

module tb_bp_gate #(
    parameter [15:0] SALT = 16'h0    // per channel, so no two channels share a sequence
) (
    input  wire        clk,
    input  wire        rst,
    input  wire [31:0] seed,
    input  wire [7:0]  thresh,
    input  wire        up_valid,
    output wire        up_ready,
    output wire        dn_valid,
    input  wire        dn_ready
);
    localparam [15:0] NONZERO = 16'h2545;   // xorshift's one forbidden state is 0
    wire [15:0] start = seed[15:0] ^ seed[31:16] ^ SALT;

    reg  [15:0] lfsr;
    reg  [15:0] t;
    reg         stall;      // closed this cycle (drawn at the last edge)
    reg         held;       // dn_valid high and not taken at the last edge
    wire        open_ = held | ~stall;

    assign dn_valid = up_valid & open_;
    assign up_ready = dn_ready & open_;

    // 16-bit xorshift (shifts 7, 9, 8), stepped only on clocks the sender has VALID
    // up: a draw matters only then (an idle channel keeps its last draw, itself a
    // pause with probability thresh/256, for its next first beat), and Icarus's
    // 4-state XORs are slow: 39 always-stepping 32-bit generators cost a tenth of the run.
    // Procedural (blocking t) so they are vthread code, not per-bit gate functors.
    // one clock of the gate: the same registers under both simulators
    /* verilator lint_off BLKSEQ */
    task step;
        begin
            if (rst) begin
                lfsr  <= (start == 16'h0) ? NONZERO : start;
                stall <= 1'b0;
                held  <= 1'b0;
            end else begin
                if (up_valid) begin
                    t = lfsr ^ (lfsr << 7);
                    t = t ^ (t >> 9);
                    t = t ^ (t << 8);
                    lfsr  <= t;
                    stall <= t[15:8] < thresh;
                end
                held <= dn_valid & ~dn_ready;
            end
        end
    endtask
    /* verilator lint_on BLKSEQ */
`ifdef VERILATOR
    always @(posedge clk) step;
`else
    // Icarus: the block sleeps while the channel is idle (up_valid and rst low), so an
    // idle gate costs no thread wake-up per clock (each wake loads its inputs, and a
    // load costs Icarus a dynamic_cast). Equivalent: an idle clock steps nothing, and
    // `held` is already 0 there, since a compliant sender keeps VALID up until the
    // handshake, whose edge clears `held` (a sender that drops VALID early is the
    // protocol checker's VALID_DROPPED).
    initial held = 1'b0;
    always begin
        wait (up_valid | rst);
        @(posedge clk);
        step;
    end
`endif
endmodule

`default_nettype wire
