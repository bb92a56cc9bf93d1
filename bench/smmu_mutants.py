"""Fault injection for the SMMU tests: applies hand-made RTL mutants, one at a time,
to a private copy of the tree and runs the default parameter set of
tests/test_smmu.py on each. Every mutant should be KILLED (some test fails).

    .venv/bin/python bench/smmu_mutants.py            # all mutants (about 5 minutes)
    .venv/bin/python bench/smmu_mutants.py M4 M9      # a selection

The working tree is never modified (other sessions may be simulating it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"

# (id, what, file, original text, mutated text)
MUTANTS = [
    ("M1", "walk not poisoned by a TLBI", "hdl/smmu_ptw.v",
     "wire keep = !poison && !inv_valid;", "wire keep = 1'b1;"),
    ("M2", "TLBIASID also removes global entries", "hdl/smmu_tlb_array.v",
     "kill[i] = same_cb && e_ng[i] && e_asid[i] == inv_asid;",
     "kill[i] = same_cb && e_asid[i] == inv_asid;"),
    ("M3", "TLBIVA leaves the walk cache", "hdl/smmu_walk_cache.v",
     "`SMMU_INV_OP_VA:   kill[i] = same_cb && e_asid[i] == inv_asid && va_ok;",
     "`SMMU_INV_OP_VA:   kill[i] = 1'b0;"),
    ("M4", "terminated read overtakes forwarded ones", "hdl/smmu_rd_resp.v",
     "wire fault_send = f_valid && (outstanding == 0);", "wire fault_send = f_valid;"),
    ("M5", "a terminated write's data forwarded", "hdl/smmu_wr_resp.v",
     "wire can_fwd    = head_valid && !head_drop;", "wire can_fwd    = head_valid;"),
    ("M6", "no FSR.MULTI", "hdl/smmu_v2_regs.v",
     "fsr[rec_cb[CBW-1:0]][`SMMU_FSR_MULTI_BIT] <= 1'b1;",
     "fsr[rec_cb[CBW-1:0]][`SMMU_FSR_MULTI_BIT] <= 1'b0;"),
    ("M7", "SMR MASK ignored", "hdl/smmu_stream_match.v",
     "~smr_n[`SMMU_SMR_MASK_SHIFT +: FB]) == {FB{1'b0}})", "~{FB{1'b0}}) == {FB{1'b0}})"),
    ("M8", "TLB sync completes at once", "hdl/smmu_v2_regs.v",
     "if (!xlate_busy && !inv_valid) begin", "if (1'b1) begin"),
    ("M9", "B of a terminated write before its data", "hdl/smmu_wr_resp.v",
     "wire fault_send = f_valid && f_absorbed && (outstanding == 0);",
     "wire fault_send = f_valid && (outstanding == 0);"),
    ("M10", "wrong level for a permission fault on a TLB hit", "hdl/smmu_xlate_chan.v",
     "assign rec_level = have_fault ? f_level : x_level;",
     "assign rec_level = have_fault ? f_level : 2'd3;"),
    ("M11", "APTable[1] ignored", "hdl/smmu_ptw.v",
     "wire        ap_rdonly = desc[`LPAE_PTE_AP_RDONLY_BIT] || w_hattr[0];",
     "wire        ap_rdonly = desc[`LPAE_PTE_AP_RDONLY_BIT];"),
    ("M12", "TLBIVAA crosses banks", "hdl/smmu_tlb_array.v",
     "default:           kill[i] = same_cb && va_ok;   // VAA, VAAL",
     "default:           kill[i] = va_ok;   // VAA, VAAL"),
    ("M13", "sync ignores a queued pre-TLBI translation", "hdl/smmu_tlb.v",
     "assign xlate_busy = busy_poisoned || aw_stale || ar_stale;",
     "assign xlate_busy = busy_poisoned;"),
    ("M14", "walk leaf handed over without the block offset", "hdl/smmu_xlate_core.v",
     "assign a_pa    = a_fwd ? ((f_pa & f_keep) | (a_va[47:12] & ~f_keep)) : t_a_pa;",
     "assign a_pa    = a_fwd ? f_pa : t_a_pa;"),
]


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTANTS if not argv or m[0] in argv]
    survivors = 0
    with tempfile.TemporaryDirectory(prefix="smmu_mutants_") as tmp:
        work = Path(tmp)
        for d in ("hdl", "tb", "tests", "pymodel"):
            shutil.copytree(ROOT / d, work / d, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "pytest.ini", work / "pytest.ini")
        for mid, what, rel, old, new in chosen:
            path = work / rel
            orig = path.read_text()
            if old not in orig:
                print(f"{mid} {what}: STALE (text not found in {rel})")
                survivors += 1
                continue
            path.write_text(orig.replace(old, new))
            try:
                r = subprocess.run([str(PY), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                    "tests/test_smmu.py::test_smmu[default]"],
                                   cwd=work, capture_output=True, text=True,
                                   env={**os.environ, "SEED": os.environ.get("SEED", "4242"),
                                        "PYTHONPATH": str(work)})
            finally:
                path.write_text(orig)
            failed = sorted({line.split("**")[1].split()[0] for line in r.stdout.splitlines()
                             if " FAIL " in line and "cocotb_smmu." in line})
            killed = r.returncode != 0
            survivors += not killed
            print(f"{mid} {what}: {'KILLED by ' + ', '.join(failed[:3]) if killed else 'SURVIVED'}",
                  flush=True)
    print(f"{len(chosen) - survivors}/{len(chosen)} mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
