"""Mutants of the SMMU block (hdl/smmu_v2/rtl/smmu_tlb.v and its sub-modules): the fourteen of
the old bench/smmu_mutants.py (M1..M14) and fresh ones (F1..) over every sub-module
and every bug class issue 9 names (instruction-marked writes, ID0.ATOSNS, 64-bit
register halves and TLBI operands, start-table alignment, T0SZ and IPS decoding,
walk-cache invalidation by ASID / TTBR / bank, responses under back-pressure with
changing IDs), plus reset, ordering and fault-record classes. Killed by the SMMU
unit bench on the default set, the 64-bit register port set and the walker's
architecture tests (TESTS)."""

from mutation.framework import Mutant
from tb.rtl_files import relpath as rtl

_PTW = rtl("smmu_ptw.v")
_CHAN = rtl("smmu_xlate_chan.v")
_REGS = rtl("smmu_v2_regs.v")
_TLB = rtl("smmu_tlb_array.v")
_WC = rtl("smmu_walk_cache.v")
_CORE = rtl("smmu_xlate_core.v")
_TOP = rtl("smmu_tlb.v")
_WR = rtl("smmu_wr_resp.v")
_RD = rtl("smmu_rd_resp.v")
_SM = rtl("smmu_stream_match.v")

MUTANTS = [
    # ---- ported from bench/smmu_mutants.py (same names, same edits)
    Mutant("M1", "invalidation: walk not poisoned by a TLBI", _PTW,
           "wire keep = !poison && !inv_valid;", "wire keep = 1'b1;"),
    Mutant("M2", "invalidation: TLBIASID also removes global entries", _TLB,
           "kill[i] = same_cb && e_ng[i] && e_asid[i] == inv_asid;",
           "kill[i] = same_cb && e_asid[i] == inv_asid;"),
    Mutant("M3", "walk cache: TLBIVA leaves it", _WC,
           "`SMMU_INV_OP_VA:   kill[i] = same_cb && e_asid[i] == inv_asid && va_ok;",
           "`SMMU_INV_OP_VA:   kill[i] = 1'b0;"),
    Mutant("M4", "ordering: terminated read overtakes forwarded ones", _RD,
           "wire fault_send = f_valid && (outstanding == 0);", "wire fault_send = f_valid;"),
    Mutant("M5", "termination: a faulting write's data forwarded", _WR,
           "wire can_fwd    = head_valid && !head_drop;", "wire can_fwd    = head_valid;"),
    Mutant("M6", "fault record: no FSR.MULTI", _REGS,
           "fsr[rec_cb[CBW-1:0]][`SMMU_FSR_MULTI_BIT] <= 1'b1;",
           "fsr[rec_cb[CBW-1:0]][`SMMU_FSR_MULTI_BIT] <= 1'b0;"),
    Mutant("M7", "stream match: SMR MASK ignored", _SM,
           "~smr_n[`SMMU_SMR_MASK_SHIFT +: FB]) == {FB{1'b0}})", "~{FB{1'b0}}) == {FB{1'b0}})"),
    Mutant("M8", "sync: TLB sync completes at once", _REGS,
           "if (!xlate_busy && !inv_valid) begin", "if (1'b1) begin"),
    Mutant("M9", "ordering: B of a terminated write before its data", _WR,
           "wire fault_send = f_valid && f_absorbed && (outstanding == 0);",
           "wire fault_send = f_valid && (outstanding == 0);"),
    Mutant("M10", "fault record: wrong level for a permission fault on a TLB hit", _CHAN,
           "assign rec_level = have_fault ? f_level : x_level;",
           "assign rec_level = have_fault ? f_level : 2'd3;"),
    Mutant("M11", "permission: APTable[1] ignored", _PTW,
           "wire        ap_rdonly = desc[`LPAE_PTE_AP_RDONLY_BIT] || w_hattr[0];",
           "wire        ap_rdonly = desc[`LPAE_PTE_AP_RDONLY_BIT];"),
    Mutant("M12", "invalidation: TLBIVAA crosses banks", _TLB,
           "default:           kill[i] = same_cb && va_ok;   // VAA, VAAL",
           "default:           kill[i] = va_ok;   // VAA, VAAL"),
    Mutant("M13", "sync: ignores a queued pre-TLBI translation", _TOP,
           "assign xlate_busy = busy_poisoned || aw_stale || ar_stale;",
           "assign xlate_busy = busy_poisoned;"),
    Mutant("M14", "walk: leaf handed to A without the block offset", _CORE,
           "assign a_pa    = a_fwd ? ((f_pa & f_keep) | (a_va[47:12] & ~f_keep)) : t_a_pa;",
           "assign a_pa    = a_fwd ? f_pa : t_a_pa;"),

    # ---- bug 1: a write marked Instruction is data (IHI 0070 13.1.2)
    Mutant("F1", "instruction write: a write with AWPROT[2] checked as a fetch (the review's bug)",
           _CHAN,
           "wire exec = (IS_WRITE == 0) && s_prot[`SMMU_AXPROT_INSTR_BIT];",
           "wire exec = s_prot[`SMMU_AXPROT_INSTR_BIT];"),
    Mutant("F2", "instruction write: AWPROT[2] forwarded downstream", _CHAN,
           "m_prot <= prot_in;", "m_prot <= s_prot;"),
    Mutant("F3", "instruction write: FSYNR0.IND set for a write", _CHAN,
           "assign rec_ind = exec;", "assign rec_ind = s_prot[`SMMU_AXPROT_INSTR_BIT];"),
    Mutant("F4", "permission: unprivileged write ignores AP[1]", _CHAN,
           "(IS_WRITE != 0) ? (ap_rdonly || (!priv && !ap_unpriv)) :",
           "(IS_WRITE != 0) ? ap_rdonly :"),
    Mutant("F5", "permission: UXNTable ignored", _PTW,
           "wire        uxn = desc[`LPAE_PTE_XN_BIT] || w_hattr[2];",
           "wire        uxn = desc[`LPAE_PTE_XN_BIT];"),
    # ---- bug 2: ID0 advertises no address translation operations
    Mutant("F6", "ID registers: ID0.ATOSNS = 0 (ATS1* advertised, not implemented)", _REGS,
           "(`SMMU_IMPL_ATOSNS << `SMMU_ID0_ATOSNS_BIT) |", "(32'd0 << `SMMU_ID0_ATOSNS_BIT) |"),
    Mutant("F7", "ID registers: ID1.NUMCB one short", _REGS,
           "(NUM_CB << `SMMU_ID1_NUMCB_SHIFT);", "((NUM_CB - 1) << `SMMU_ID1_NUMCB_SHIFT);"),
    # ---- bug 3: 64-bit registers and the TLBI operand
    Mutant("F8", "64-bit TLBI: upper word not staged (a hi-lo split loses the ASID)", _REGS,
           "`SMMU_CB_TLBIVAL_HI, `SMMU_CB_TLBIVAAL_HI: tlbi_hi <= raw;",
           "`SMMU_CB_TLBIVAL_HI, `SMMU_CB_TLBIVAAL_HI: tlbi_hi <= tlbi_hi;"),
    Mutant("F9", "64-bit TLBI: a single-beat 64-bit write uses the stale upper word", _REGS,
           "wire [31:0] tlbi_hi_eff = hi_in_beat ? s_axil_wdata[32*(NL-1) +: 32] : tlbi_hi;",
           "wire [31:0] tlbi_hi_eff = tlbi_hi;"),
    Mutant("F10", "64-bit TLBI: operand VA[47:44] dropped", _REGS,
           "inv_va <= {tlbi_hi_eff[3:0], raw};", "inv_va <= {4'd0, raw};"),
    Mutant("F11", "64-bit port: the two words of a read swapped", _REGS,
           "off = (NL == 2) ? {s_axil_araddr[11:3], rl[0], 2'b00}",
           "off = (NL == 2) ? {s_axil_araddr[11:3], ~rl[0], 2'b00}"),
    Mutant("F12", "64-bit register: FAR upper word lost", _REGS,
           "far_hi[rec_cb[CBW-1:0]] <= {16'd0, rec_addr[47:32]};",
           "far_hi[rec_cb[CBW-1:0]] <= 32'd0;"),
    # ---- bug 4 and the T0SZ / IPS decode
    Mutant("F13", "alignment: start table aligned to 64 bytes at least (the review's bug)", _PTW,
           "wire [6:0] align_bits = first_bits + 7'd3;",
           "wire [6:0] align_bits = (first_bits + 7'd3 < 7'd6) ? 7'd6 : first_bits + 7'd3;"),
    Mutant("F14", "alignment: TTBR0 RES0 bits below the table size used", _PTW,
           "wire [47:0] rq_base = rq_ttbr & (ones48 << align_bits[5:0]);",
           "wire [47:0] rq_base = rq_ttbr & (ones48 << 3);"),
    Mutant("F15", "T0SZ: T0SZ 24 starts at level 1", _PTW,
           "wire [1:0] start_lvl = (ias > 7'd39) ? 2'd0", "wire [1:0] start_lvl = (ias > 7'd40) ? 2'd0"),
    Mutant("F16", "T0SZ: T0SZ 33 starts at level 2", _PTW,
           "(ias > 7'd30) ? 2'd1 : 2'd2;", "(ias > 7'd31) ? 2'd1 : 2'd2;"),
    Mutant("F17", "T0SZ: input address range not checked", _PTW,
           "wire rq_out_of_range = rq_epd0 || ((rq_va & ia_hi) != 48'd0);",
           "wire rq_out_of_range = rq_epd0;"),
    Mutant("F18", "IPS: 40-bit encoding decoded as 41 bits", _PTW,
           "3'd2: oas_hi_mask = {{8{1'b1}}, 40'd0};", "3'd2: oas_hi_mask = {{7{1'b1}}, 41'd0};"),
    Mutant("F19", "IPS: 44-bit encoding decoded as 48 bits", _PTW,
           "3'd4: oas_hi_mask = {{4{1'b1}}, 44'd0};", "3'd4: oas_hi_mask = 48'd0;"),
    Mutant("F20", "IPS: TTBR0 beyond IPS not an address size fault", _PTW,
           "wire rq_ttbr_asf = (rq_ttbr & rq_oas_hi) != 48'd0;", "wire rq_ttbr_asf = 1'b0;"),
    Mutant("F21", "IPS: table descriptor beyond IPS followed", _PTW,
           "wire        d_table_asf = (d_addr & w_oas_hi) != 48'd0;",
           "wire        d_table_asf = 1'b0;"),
    # ---- walk-cache invalidation: TLBIASID, TTBR/ASID, bank
    Mutant("F22", "walk cache: TLBIASID leaves it", _WC,
           "`SMMU_INV_OP_ASID: kill[i] = same_cb && e_asid[i] == inv_asid;",
           "`SMMU_INV_OP_ASID: kill[i] = 1'b0;"),
    Mutant("F23", "walk cache: lookup ignores the ASID (TTBR/ASID change reuses pointers)", _WC,
           "if (e_valid[i] && e_cb[i] == l_cb && e_asid[i] == l_asid &&",
           "if (e_valid[i] && e_cb[i] == l_cb &&"),
    Mutant("F24", "walk cache: lookup ignores the bank", _WC,
           "if (e_valid[i] && e_cb[i] == l_cb && e_asid[i] == l_asid &&",
           "if (e_valid[i] && e_asid[i] == l_asid &&"),
    Mutant("F25", "invalidation: TLBIASID crosses banks in the TLB", _TLB,
           "`SMMU_INV_OP_ASID: kill[i] = same_cb && e_ng[i] && e_asid[i] == inv_asid;",
           "`SMMU_INV_OP_ASID: kill[i] = e_ng[i] && e_asid[i] == inv_asid;"),
    Mutant("F26", "TLB: port B lookup ignores the ASID of non-global entries", _TLB,
           "if (e_valid[i] && e_cb[i] == b_cb && (!e_ng[i] || e_asid[i] == b_asid) &&",
           "if (e_valid[i] && e_cb[i] == b_cb &&"),
    # ---- responses under back-pressure with changing IDs
    Mutant("F27", "back-pressure/IDs: terminated read answered with the current AR's ID", _RD,
           "assign s_rid    = fault_send ? f_id : m_rid;",
           "assign s_rid    = fault_send ? acc_id : m_rid;"),
    Mutant("F28", "back-pressure: terminated read beats advance without RREADY", _RD,
           "end else if (fault_send && s_rready) begin", "end else if (fault_send) begin"),
    Mutant("F29", "back-pressure/IDs: terminated write answered with the current AW's ID", _WR,
           "assign s_bid    = fault_send ? f_id : m_bid;",
           "assign s_bid    = fault_send ? acc_id : m_bid;"),
    Mutant("F30", "back-pressure: a terminated B dropped without BREADY", _WR,
           "if (fault_send && s_bready)", "if (fault_send)"),
    # ---- other classes
    # (the VALID gating in reset, hdl/smmu_v2/rtl/smmu_tlb.v, is not mutated: the protocol checker
    # deliberately accepts X at the first reset edge, so no test can see it go)
    Mutant("F31", "reset: sCR0 resets with CLIENTPD clear (no global bypass)", _REGS,
           "scr0_r <= `SMMU_SCR0_RESET;", "scr0_r <= 32'd0;"),
    Mutant("F32", "walk: leaf handed to B without the block offset", _CORE,
           "assign b_pa    = b_fwd ? ((f_pa & f_keep) | (b_va[47:12] & ~f_keep)) : t_b_pa;",
           "assign b_pa    = b_fwd ? f_pa : t_b_pa;"),
    Mutant("F33", "stream match: unmatched stream bypasses despite sCR0.USFCFG", _SM,
           "            if (usfcfg) begin", "            if (1'b0) begin"),
    Mutant("F34", "fault reporting: CFRE ignored (always SLVERR)", _CHAN,
           "(sm_fault ? scr0[`SMMU_SCR0_GFRE_BIT] : sctlr[`SMMU_SCTLR_CFRE_BIT])",
           "(sm_fault ? scr0[`SMMU_SCR0_GFRE_BIT] : 1'b1)"),
    Mutant("F35", "sync: context TLBSYNC never active", _REGS,
           "`SMMU_CB_TLBSYNC: sync_pending[w_cbi] <= 1'b1;",
           "`SMMU_CB_TLBSYNC: sync_pending[w_cbi] <= 1'b0;"),
]

TESTS = [
    "tests/test_smmu.py::test_smmu[default]",
    "tests/test_smmu.py::test_smmu[axil64_cb4]",
    "tests/test_walk_arch.py",
]

# ---- targeted runs: each mutant against the cocotb tests meant to kill it
# `python -m mutation smmu` runs every mutant against all of TESTS (the authority,
# slow: two full simulations per mutant). `python -m mutation.smmu` runs each one
# against one parameter set with COCOTB_TEST_FILTER set to its group of killer
# tests, after a baseline of that (set, group) on the unmutated tree: a kill there
# is a kill by TESTS, which contain those tests. A survivor of its group is re-run
# against the whole of TESTS before it is called a survivor.
TARGETS = {"default": "tests/test_smmu.py::test_smmu[default]",
           "axil64": "tests/test_smmu.py::test_smmu[axil64_cb4]"}
GROUPS = {
    "regs": "registers_probe|tlbi_va_operand|iova_to_phys|slice_write_read",
    "faults": "context_faults_every_kind|fault_reporting_controls|write_marked_instruction",
    "walk": ("every_t0sz_and_every_ips|start_table_smaller|walk_edge_cases|"
             "blocks_t0sz|context_fault_address_size"),
    "inv": ("invalidation_removes|invalidation_walk_cache|walk_cache_under_asid|"
            "tlb_sync_completes|kernel_unmap"),
    "resp": "responses_under_backpressure|fault_reporting_controls|slice_write_read",
    "stream": "stream_mapping_bypass|registers_probe",
    "random": "random_multi_stream_traffic",
}
KILLERS = {
    "M1": ("default", "inv"), "M2": ("default", "inv"), "M3": ("default", "inv"),
    "M4": ("default", "resp"), "M5": ("default", "resp"), "M6": ("default", "faults"),
    "M7": ("default", "stream"), "M8": ("default", "inv"), "M9": ("default", "resp"),
    "M10": ("default", "faults"), "M11": ("default", "faults"), "M12": ("default", "inv"),
    "M13": ("default", "inv"), "M14": ("default", "walk"),
    "F1": ("default", "faults"), "F2": ("default", "faults"), "F3": ("default", "faults"),
    "F4": ("default", "faults"), "F5": ("default", "faults"), "F6": ("default", "regs"),
    "F7": ("default", "regs"), "F8": ("default", "regs"), "F9": ("axil64", "regs"),
    "F10": ("default", "regs"), "F11": ("axil64", "regs"), "F12": ("default", "faults"),
    "F13": ("default", "walk"), "F14": ("default", "walk"), "F15": ("default", "walk"),
    "F16": ("default", "walk"), "F17": ("default", "walk"), "F18": ("default", "walk"),
    "F19": ("default", "walk"), "F20": ("default", "walk"), "F21": ("default", "walk"),
    "F22": ("default", "inv"), "F23": ("default", "inv"), "F24": ("default", "inv"),
    "F25": ("default", "inv"), "F26": ("default", "walk"), "F27": ("default", "resp"),
    "F28": ("default", "resp"), "F29": ("default", "resp"), "F30": ("default", "resp"),
    "F31": ("default", "regs"), "F32": ("default", "walk"), "F33": ("default", "stream"),
    "F34": ("default", "faults"), "F35": ("default", "inv"),
}


def targeted(names=(), log=print):
    """Run the chosen mutants (all by default) against their killer groups; returns
    the outcomes, survivors re-run against the whole of TESTS."""
    import os
    import tempfile
    from pathlib import Path

    from mutation.framework import MutantError, Runner, private_copy

    chosen = [m for m in MUTANTS if not names or m.name in names]
    missing = [m.name for m in chosen if m.name not in KILLERS]
    if missing:
        raise MutantError(f"smmu: no killer group for {', '.join(missing)}")
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="mutants_smmu_") as tmp:
        runner = Runner(private_copy(Path(tmp) / "tree"), log=log)
        checked = set()
        for m in chosen:
            target, group = KILLERS[m.name]
            os.environ["COCOTB_TEST_FILTER"] = GROUPS[group]
            if (target, group) not in checked:
                runner.baseline([TARGETS[target]])
                checked.add((target, group))
            o = runner.run_one(m, [TARGETS[target]])
            if o.status == "SURVIVED":
                os.environ.pop("COCOTB_TEST_FILTER")
                o = runner.run_one(m, TESTS)
            log(f"{o.line()}  [{target}/{group}] ({o.seconds:.0f} s)", flush=True)
            outcomes.append(o)
        os.environ.pop("COCOTB_TEST_FILTER", None)
    return outcomes


if __name__ == "__main__":
    import sys

    from mutation.framework import score_line
    outs = targeted(sys.argv[1:])
    print(score_line("smmu", outs), flush=True)
    sys.exit(0 if all(o.status == "KILLED" for o in outs) else 1)
