// f_its_cmd_guarantee / f_its_xlate_guarantee: what its_cmd and its_xlate promise at
// the ports its_doorbell turns into m_axi_* (and, for its_xlate, the translation
// frame's B and R). One module per unit, used twice (the f_valid_ready pattern):
//   IS_OUTPUT = 1 in the unit proof (formal/its_cmd_formal.v, its_xlate_formal.v):
//                 asserted with every input of the unit free;
//   IS_OUTPUT = 2 in the abstraction (formal/its_cmd_abs.v, its_xlate_abs.v) that
//                 replaces the unit in the its_doorbell glue proof: assumed.
// So the glue proof assumes of each unit exactly what that unit's proof shows.
// Promised: each channel keeps VALID and payload until READY, VALID low the cycle
// after reset; a read request is only presented while the table lock is requested
// (its_doorbell lets the lock go only when the holder stops requesting it).
// Formal-only (yosys read_verilog -formal); not part of the product.
module f_its_cmd_guarantee #(
    parameter AW = 48,
    parameter IS_OUTPUT = 1
) (
    input wire          clk,
    input wire          rst,
    input wire          lock_req,
    input wire          rd_valid,
    input wire          rd_ready,
    input wire [AW-1:0] rd_addr,
    input wire [7:0]    rd_len,
    input wire          wa_valid,
    input wire          wa_ready,
    input wire          wd_valid,
    input wire          wd_ready,
    input wire [AW-1:0] wr_addr,
    input wire [63:0]   wr_data
);
`ifdef FORMAL
    f_valid_ready #(.W(AW + 8), .IS_OUTPUT(IS_OUTPUT)) g_rd (clk, rst,
        rd_valid, rd_ready, {rd_addr, rd_len});
    f_valid_ready #(.W(AW), .IS_OUTPUT(IS_OUTPUT)) g_wa (clk, rst,
        wa_valid, wa_ready, wr_addr);
    // W carries the data; its address is AW's payload (m_axi_awaddr = wr_addr)
    f_valid_ready #(.W(64), .IS_OUTPUT(IS_OUTPUT)) g_wd (clk, rst,
        wd_valid, wd_ready, wr_data);
    f_implies #(.IS_OUTPUT(IS_OUTPUT)) g_lock (clk, rst, rd_valid, lock_req);
`endif
endmodule

module f_its_xlate_guarantee #(
    parameter AW = 48,
    parameter IDW = 1,
    parameter IS_OUTPUT = 1
) (
    input wire           clk,
    input wire           rst,
    input wire           lock_req,
    input wire           rd_valid,
    input wire           rd_ready,
    input wire [AW-1:0]  rd_addr,
    input wire           s_bvalid,
    input wire           s_bready,
    input wire [IDW-1:0] s_bid,
    input wire [1:0]     s_bresp,
    input wire           s_rvalid,
    input wire           s_rready,
    input wire [IDW-1:0] s_rid,
    input wire [63:0]    s_rdata,
    input wire [1:0]     s_rresp,
    input wire           s_rlast
);
`ifdef FORMAL
    f_valid_ready #(.W(AW), .IS_OUTPUT(IS_OUTPUT)) g_rd (clk, rst,
        rd_valid, rd_ready, rd_addr);
    f_valid_ready #(.W(IDW + 2), .IS_OUTPUT(IS_OUTPUT)) g_b (clk, rst,
        s_bvalid, s_bready, {s_bid, s_bresp});
    f_valid_ready #(.W(IDW + 64 + 2 + 1), .IS_OUTPUT(IS_OUTPUT)) g_r (clk, rst,
        s_rvalid, s_rready, {s_rid, s_rdata, s_rresp, s_rlast});
    f_implies #(.IS_OUTPUT(IS_OUTPUT)) g_lock (clk, rst, rd_valid, lock_req);
`endif
endmodule

// a -> b in every cycle out of reset (asserted, IS_OUTPUT = 1, or assumed, 2)
module f_implies #(
    parameter IS_OUTPUT = 1
) (
    input wire clk,
    input wire rst,
    input wire a,
    input wire b
);
`ifdef FORMAL
    generate
        if (IS_OUTPUT == 1) begin : g_assert
            always @* if (!rst && a) assert(b);
        end else begin : g_assume
            always @* if (!rst && a) assume(b);
        end
    endgenerate
`endif
endmodule
