// tb_chk_look: simulation-only filter for the protocol checker's look mode
// (tb/protocol_checker.py ProtocolChecker.use_look, issue 13). It says, for one
// valid/ready channel, whether the checker's rules could act on the values at the
// coming rising edge; on a clock where no channel of a port looks, the checker skips
// the port, and on a clock where nothing looks it does not wake at all.
//
// A rule can act only where the Python rule engine's state can change or a rule can
// break (PortRules / _Channel.step): a VALID high and not waiting from the last edge
// (a new transfer), a handshake, a waiting VALID that dropped or whose payload
// changed, an X or Z on VALID or READY. Anything else (idle, or waiting with the
// payload held) leaves the engine exactly as it was, so skipping it changes nothing.
// The filter only lets through; the checking stays in Python. For a flattened port
// (N lanes, payload = every lane's fields) a change in any lane makes every lane
// look: conservative, never blind. Inputs narrower than N and W are zero-extended.
`default_nettype none

module tb_chk_look #(
    parameter integer N = 8,        // lanes (a flattened port's VALID vector), at most
    parameter integer W = 256       // payload bits, at most (the checker checks both)
) (
    input  wire         clk,
    input  wire         rst,
    input  wire [N-1:0] valid,
    input  wire [N-1:0] ready,      // all ones for a channel without READY
    input  wire [W-1:0] payload,
    output wire         look
);
    reg [N-1:0] pend;               // VALID high without READY at the last edge, per lane
    reg [W-1:0] held;               // the payload at the last edge a VALID was high

    always @(posedge clk) begin
        pend <= rst ? {N{1'b0}} : (valid & ~ready);
        if (|valid)
            held <= payload;
    end

    // === and !==: an X or Z anywhere makes the channel look instead of hiding it
    wire unknown = ((^valid) === 1'bx) | ((^ready) === 1'bx) | ((^pend) === 1'bx);
    wire fresh   = |(valid & ~pend);             // a new transfer
    wire fire    = |(valid & ready);             // a handshake
    wire dropped = |(pend & ~valid);             // VALID_DROPPED
    wire changed = (|pend) & (payload !== held); // PAYLOAD_CHANGED (any lane)
    assign look = unknown | fresh | fire | dropped | changed;
endmodule

`default_nettype wire
