"""Mutants of the SMMUv3 front-end (hdl/smmu_v3/rtl/smmu_v3*.v), written for issue 11: configuration
lookup and its cache, the command queue (errors, CFGI, TLBI range stepping, SYNC),
the event queue, the channel's responses, records and attribute overrides, GBPA.
Killed by the SMMUv3 bench (TESTS: the default and the 64-bit register port sets).

Left out as equivalent: "a fetch in flight during a CFGI still fills the cache" (no
poison in smmu_v3_cfg). The one read port orders every command read after the fill of
a configuration fetch already under way, and a fetch that starts while a CFGI executes
reads the structure after software wrote it, so no stale fill can be observed; the
poison stays as defence for a port that would not serialise. Run without registration
in mutation/__init__.py as:
    .venv/bin/python -c "import mutation.smmuv3 as m; m.main()"
"""

from mutation.framework import Mutant
from tb.rtl_files import relpath as rtl

CFG = rtl("smmu_v3_cfg.v")
CMDQ = rtl("smmu_v3_cmdq.v")
EVTQ = rtl("smmu_v3_evtq.v")
CHAN = rtl("smmu_v3_chan.v")
REGS = rtl("smmu_v3_regs.v")
TOP = rtl("smmu_v3.v")

MUTANTS = [
    Mutant("Q1", "CFGI_STE_RANGE invalidates one StreamID only (span ignored)", CFG,
           "kill[i] = ((e_sid[i] ^ inv_sid[SID_WIDTH-1:0]) & ~inv_mask[SID_WIDTH-1:0]) ==",
           "kill[i] = ((e_sid[i] ^ inv_sid[SID_WIDTH-1:0])) =="),
    Mutant("Q3", "L1 descriptor: StreamID beyond the Span accepted", CFG,
           "((sid_lo >> (span - 5'd1)) != 48'd0);", "((sid_lo >> span) != 48'd0);"),
    Mutant("Q4", "CD T0SZ out of 16..39 not ILLEGAL", CFG,
           "wire tsz_bad0 = (cd_t0sz < T0SZ_MIN) || (cd_t0sz > T0SZ_MAX);",
           "wire tsz_bad0 = 1'b0;"),
    Mutant("Q5", "STE Config 0b11x (stage 2) not ILLEGAL", CFG,
           "wire        ste_s2 = ste_config[2] && ste_config[1];",
           "wire        ste_s2 = 1'b0;"),
    Mutant("Q6", "an illegal command is consumed instead of stopping the queue", CMDQ,
           "                        err <= E_ILL;\n",
           "                        err <= E_ILL;\n                        cons <= cons_next;\n"),
    Mutant("Q7", "range TLBI: every step invalidates the first address", CMDQ,
           "loop_va <= loop_va + loop_step;", "loop_va <= loop_va;"),
    Mutant("Q8", "CMD_SYNC completes without waiting for stale translations", CMDQ,
           "if (sync_idle && !inv_valid && !cfg_inv_valid) begin", "if (1'b1) begin"),
    Mutant("Q9", "CD.A ignored: RAZ/WI faults answered SLVERR", CHAN,
           "assign acc_resp = (xlate_fault && !cd_a) ? C_RESP_OKAY : C_RESP_SLVERR;",
           "assign acc_resp = C_RESP_SLVERR;"),
    Mutant("Q10", "event record RnW inverted", CHAN,
           "wire        rnw = (IS_WRITE == 0);", "wire        rnw = (IS_WRITE != 0);"),
    Mutant("Q11", "C_BAD_STREAMID recorded whatever CR2.RECINVSID says", CHAN,
           "(cf_evt != E_BAD_SID || recinvsid)", "1'b1"),
    Mutant("Q12", "event queue overflow does not flip OVFLG", EVTQ,
           "ovflg <= !ovflg;", "ovflg <= ovflg;"),
    Mutant("Q13", "GBPA write without Update takes effect", REGS,
           "`SMMUV3_GBPA: if (d[`SMMUV3_GBPA_UPDATE_BIT] && !gbpa_busy) begin",
           "`SMMUV3_GBPA: if (!gbpa_busy) begin"),
    Mutant("Q14", "STE/GBPA PRIVCFG override ignored", CHAN,
           "o_priv[1] ? o_priv[0] : s_prot[0]", "s_prot[0]"),
    Mutant("Q15", "F_WALK_EABT FetchAddr not the aborted descriptor's", TOP,
           "else if (m_axi_ptw_arvalid && m_axi_ptw_arready) walk_addr <= ptw_araddr;",
           "else if (m_axi_ptw_arvalid && m_axi_ptw_arready) walk_addr <= walk_addr;"),
    Mutant("Q16", "CFGI does not restart a walk in flight (no core pulse)", CMDQ,
           "                                inv_cb <= TAG_NONE;\n",
           "                                inv_cb <= TAG_NONE;\n"
           "                                inv_valid <= 1'b0;\n"),
    Mutant("Q17", "TLBI leaf flag ignored (non-leaf op for a leaf TLBI)", CMDQ,
           "(leaf ? I_VAL : I_VA)", "I_VAL"),
    Mutant("Q18", "CMDQ_CONS error code left at CERROR_ILL on a fetch abort", CMDQ,
           "                            err <= E_ABT;", "                            err <= E_ILL;"),
]

MUTANTS += [
    Mutant("Q19", "CD fetch AxCACHE from CR1 instead of STE.S1COR", TOP,
           "cf_ar_cd ? s1c_cache(cf_ar_cd_oc) :", "cf_ar_cd ? cr1_cache(cf_ar_cd_oc) :"),
    Mutant("Q20", "S1DSS terminate (F_STREAM_DISABLED) treated as CD 0", CFG,
           "(ste_ss && ste_s1dss == S1DSS_TERM) ? K_DIS :", "(1'b0) ? K_DIS :"),
    Mutant("Q21", "S1CDMax beyond SSIDSIZE accepted", CFG,
           "(ste_cdmax > SSIDSIZE || ste_stalld ||", "(ste_stalld ||"),
    Mutant("Q22", "event queue full check off (overwrites the oldest record)", EVTQ,
           "if (full) begin", "if (1'b0) begin"),
    Mutant("Q23", "GERROR toggled again while CMDQ_ERR is already active", REGS,
           "wire set_cmdq = gerror_cmdq_err && !cmdq_err_active;",
           "wire set_cmdq = gerror_cmdq_err;"),
    Mutant("Q24", "register read lane: 64-bit reads return the low word twice", REGS,
           "s_axil_rdata[l*32 +: 32] <= rd_word(rbase + 17'd4 * l[16:0]);",
           "s_axil_rdata[l*32 +: 32] <= rd_word(rbase);"),
]

TESTS = ["tests/test_smmuv3.py::test_smmuv3"]       # default and axil64_cfg2_tlb4


def main() -> None:
    import sys
    from mutation.framework import run_block, score_line
    outcomes = run_block("smmuv3", MUTANTS, TESTS, names=sys.argv[1:], jobs=2)
    for o in outcomes:
        print(o.line(), flush=True)
    print(score_line("smmuv3", outcomes))


if __name__ == "__main__":
    main()
