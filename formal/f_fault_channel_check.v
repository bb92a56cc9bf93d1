// f_fault_channel_check: one address channel (AW or AR) of "a transaction the SMMU
// faults never appears on m_axi", against the verdicts of f_smmu_fault_oracle.
//
// Two checks, so that neither rests on the DUT keeping IDs or order:
//  - counting: downstream handshakes never outnumber the upstream handshakes the
//    oracle did not call faulting (a forwarded faulting transaction, or one forwarded
//    twice, breaks it unless another is lost);
//  - a watched transaction: the solver picks an ID that one upstream transaction only
//    carries; no downstream transaction carries it before that transaction is accepted
//    or if the oracle calls it faulting, and when the oracle knows it is good it
//    leaves with the oracle's output address, length, AxPROT (PROT_MASK bits: a write's
//    AxPROT[2] may be cleared, since a write is a data access) and StreamID.
module f_fault_channel_check #(
    parameter PROT_MASK = 3'b111,   // AxPROT bits the DUT must pass on unchanged
    parameter IDW = 2,
    parameter SIDW = 2,
    parameter CW = 5
) (
    input wire            clk,
    input wire            rst,
    input wire            s_valid,
    input wire            s_ready,
    input wire [IDW-1:0]  s_id,
    input wire [7:0]      s_len,
    input wire [2:0]      s_prot,
    input wire [SIDW-1:0] s_user,
    input wire            known,
    input wire            fault,
    input wire [47:0]     pa,
    input wire            m_valid,
    input wire            m_ready,
    input wire [IDW-1:0]  m_id,
    input wire [47:0]     m_addr,
    input wire [7:0]      m_len,
    input wire [2:0]      m_prot,
    input wire [SIDW-1:0] m_user
);
`ifdef FORMAL
    wire [IDW-1:0] wid = $anyconst;
    reg            seen = 1'b0;
    reg            w_known, w_fault;
    reg [47:0]     w_pa;
    reg [7:0]      w_len;
    reg [2:0]      w_prot;
    reg [SIDW-1:0] w_user;
    reg [CW-1:0]   n_acc, n_fault, n_fwd;
    wire s_fire = s_valid && s_ready;
    wire m_fire = m_valid && m_ready;

    always @(posedge clk) begin
        if (rst) begin
            seen <= 1'b0;
            n_acc <= {CW{1'b0}};
            n_fault <= {CW{1'b0}};
            n_fwd <= {CW{1'b0}};
        end else begin
            if (s_fire) begin
                n_acc <= n_acc + 1'b1;
                if (known && fault) n_fault <= n_fault + 1'b1;
            end
            if (m_fire) n_fwd <= n_fwd + 1'b1;
            if (s_fire && s_id == wid) begin
                seen <= 1'b1;
                w_known <= known; w_fault <= fault; w_pa <= pa;
                w_len <= s_len; w_prot <= s_prot; w_user <= s_user;
            end
        end
    end

    wire [CW-1:0] n_allowed = n_acc - n_fault;
    always @* if (!rst) begin
        // the watched ID belongs to one upstream transaction only
        if (s_valid && s_id == wid) assume(!seen);
        assert(n_fwd <= n_allowed);
        if (m_valid && m_id == wid) begin
            assert(seen && !(w_known && w_fault));
            if (seen && w_known && !w_fault)
                assert(m_addr == w_pa && m_len == w_len && (m_prot & PROT_MASK) == (w_prot & PROT_MASK) &&
                       m_user == w_user);
        end
    end
`endif
endmodule
