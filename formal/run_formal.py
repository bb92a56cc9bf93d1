#!/usr/bin/env python3
"""Bounded and inductive proofs of the AXI ports of smmu_tlb and its_doorbell.

Drives yosys (read the RTL and a harness from formal/, write SMT-LIB2) and
yosys-smtbmc (the solver cvc4) directly; SymbiYosys is not needed. Each PROOF names a
harness top, its defines and how deep to go; each MUTANT applies one textual edit to a
private copy of hdl/ and must make its proof fail (the proof can see the bug class).

    python formal/run_formal.py                 # every proof, then every mutant
    python formal/run_formal.py --only smmu_aw_fault --keep
    python formal/run_formal.py --no-mutants --json results/formal/summary.json

A failing proof leaves its counterexample as trace.vcd in its work directory
(sim_build/formal/<name>/). docs/formal.md explains the harnesses and the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HDL = ROOT / "hdl"
FORMAL = ROOT / "formal"
WORK = ROOT / "sim_build" / "formal"
SOLVER = "cvc4"   # z3 4.8 stalls on these models' nested define-funs (docs/formal.md)
LIB = ["f_valid_ready.v", "f_write_tracker.v", "f_smmu_fault_oracle.v",
       "f_fault_channel_check.v"]


class FormalError(Exception):
    """A tool is missing, yosys rejects the sources, or a mutant no longer applies."""


@dataclasses.dataclass(frozen=True)
class Proof:
    name: str
    top: str            # harness module in formal/<top>.v
    rtl: tuple          # hdl/ files the harness needs
    defines: tuple = ()
    params: tuple = ()  # (name, value) set on the harness with chparam
    depth: int = 10
    induction: bool = False   # try temporal induction (an unbounded proof) at `depth`
    timeout: int = 600
    what: str = ""


@dataclasses.dataclass(frozen=True)
class Mutant:
    name: str
    proof: str
    file: str           # hdl/<file>
    old: str
    new: str
    bug: str            # the bug class it stands for
    depth: int | None = None   # a shallower run suffices to see it fail


SMMU_CHAN = ("smmu_xlate_chan.v", "smmu_stream_match.v")
ITS = ("its_doorbell.v", "its_cmd.v", "its_xlate.v")

PROOFS = [
    Proof("smmu_aw_stable", "smmu_xlate_chan_formal", SMMU_CHAN, ("F_PROOF_STABLE",),
          (("IS_WRITE", 1),), depth=4, induction=True,
          what="m_axi AW: VALID and payload held until AWREADY, idle after reset"),
    Proof("smmu_ar_stable", "smmu_xlate_chan_formal", SMMU_CHAN, ("F_PROOF_STABLE",),
          (("IS_WRITE", 0),), depth=4, induction=True,
          what="m_axi AR: VALID and payload held until ARREADY, idle after reset"),
    Proof("smmu_w_stable_b_count", "smmu_wr_resp_formal", ("smmu_wr_resp.v",),
          ("F_PROOF_STABLE",), depth=6,
          what="m_axi W held until WREADY, WLAST on beat AWLEN+1; upstream B held "
               "until BREADY; no B without an accepted write of its ID"),
    Proof("smmu_b_live", "smmu_wr_resp_formal", ("smmu_wr_resp.v",),
          ("F_PROOF_BLIVE",), depth=8,
          what="every accepted write gets its B within F_B_BOUND = 4 cycles (BREADY high, "
               "downstream answering in 1), and never a B too many"),
    Proof("smmu_ptw_stable", "smmu_ptw_formal", ("smmu_ptw.v",), (), depth=4,
          induction=True,
          what="m_axi_ptw AR: VALID and payload held until ARREADY, idle after reset"),
    Proof("smmu_aw_fault", "smmu_xlate_chan_formal", SMMU_CHAN, ("F_PROOF_FAULT",),
          (("IS_WRITE", 1),), depth=5,
          what="no write the architecture faults leaves on m_axi AW; a good one "
               "leaves with the right PA"),
    Proof("smmu_ar_fault", "smmu_xlate_chan_formal", SMMU_CHAN, ("F_PROOF_FAULT",),
          (("IS_WRITE", 0),), depth=5,
          what="no read the architecture faults leaves on m_axi AR; a good one "
               "leaves with the right PA"),
    Proof("its_m_axi_stable", "its_doorbell_formal", ITS, (), depth=7,
          what="its_doorbell m_axi AW/W/AR and lpi_* held until READY, idle after reset"),
]

MUTANTS = [
    Mutant("aw_overwrite_busy_output", "smmu_aw_stable", "smmu_xlate_chan.v",
           "wire out_free = !m_valid || m_ready;", "wire out_free = 1'b1;",
           "output register reloaded while VALID waits for READY"),
    Mutant("ar_drop_valid", "smmu_ar_stable", "smmu_xlate_chan.v",
           "end else if (m_valid && m_ready) begin",
           "end else if (m_valid) begin",
           "VALID withdrawn before READY"),
    Mutant("w_take_beat_unready", "smmu_w_stable_b_count", "smmu_wr_resp.v",
           "assign s_wready = head_valid && (head_drop || m_wready);",
           "assign s_wready = head_valid;",
           "W beat consumed upstream while the downstream beat waits"),
    Mutant("b_before_data", "smmu_w_stable_b_count", "smmu_wr_resp.v",
           "wire fault_send = f_valid && f_absorbed && (outstanding == 0);",
           "wire fault_send = f_valid && (outstanding == 0);",
           "B for a terminated write before its data is taken"),
    Mutant("b_twice", "smmu_w_stable_b_count", "smmu_wr_resp.v",
           "if (fault_send && s_bready)\n                f_valid <= 1'b0;",
           "if (1'b0)\n                f_valid <= 1'b0;",
           "a terminated write answered more than once"),
    Mutant("b_never_forwarded", "smmu_b_live", "smmu_wr_resp.v",
           "assign m_bready = !fault_send && s_bready;",
           "assign m_bready = !fault_send && s_bready && (outstanding > 16'd1);",
           "a downstream B held back for good (liveness)"),
    Mutant("ptw_ar_drop", "smmu_ptw_stable", "smmu_ptw.v",
           "S_AR: if (m_axi_ptw_arready) state <= S_R;", "S_AR: state <= S_R;",
           "walker AR withdrawn before ARREADY"),
    Mutant("instr_write_is_fetch", "smmu_aw_fault", "smmu_xlate_chan.v",
           "wire exec = (IS_WRITE == 0) && s_prot[`SMMU_AXPROT_INSTR_BIT];",
           "wire exec = s_prot[`SMMU_AXPROT_INSTR_BIT];",
           "issue 9 bug 1: a write marked Instruction checked as a fetch (XN only)"),
    Mutant("read_ignores_el0", "smmu_ar_fault", "smmu_xlate_chan.v",
           "(!priv && !ap_unpriv);", "1'b0;",
           "an unprivileged read of a privileged-only page forwarded"),
    # (its_cmd "S_FETCH_AR: if (rd_ready)" -> "begin" survives: depth 7 does not reach
    #  a command fetch; docs/formal.md "Left to do")
    Mutant("its_dte_ar_drop", "its_m_axi_stable", "its_xlate.v",
           "X_DTE_AR: if (rd_ready) begin", "X_DTE_AR: begin",
           "ITS translation's DTE read AR withdrawn before ARREADY"),
]


def check_tools() -> None:
    for tool in ("yosys", "yosys-smtbmc", SOLVER):
        if shutil.which(tool) is None:
            raise FormalError(f"'{tool}' not found (make tools installs yosys and cvc4)")


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_proof(proof: Proof, hdl: Path = HDL, workdir: Path | None = None,
              depth: int | None = None, induction: bool | None = None) -> dict:
    """Build the model and run yosys-smtbmc; returns the result record."""
    check_tools()
    depth = depth or proof.depth
    induction = proof.induction if induction is None else induction
    work = workdir or (WORK / proof.name)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    defs = " ".join(f"-D{d}" for d in ("FORMAL",) + proof.defines)
    rtl = " ".join(str(hdl / f) for f in proof.rtl)
    lib = " ".join(str(FORMAL / f) for f in LIB + [proof.top + ".v"])
    chparam = "".join(f"chparam -set {k} {v} {proof.top}\n" for k, v in proof.params)
    (work / "model.ys").write_text(
        f"read_verilog -formal {defs} -I{hdl} {rtl}\n"
        f"read_verilog -formal -sv {defs} -I{hdl} {lib}\n"
        f"{chparam}"
        f"prep -flatten -top {proof.top}\n"
        "memory_map\n"          # yosys 0.23's smt2 backend trips on some memories
        "opt -fast\n"
        "async2sync\n"
        "dffunmap\n"
        "write_smt2 -wires model.smt2\n")
    t0, c0 = time.monotonic(), _cpu_children()
    ys = subprocess.run(["yosys", "-q", "-l", "yosys.log", "model.ys"], cwd=work,
                        capture_output=True, text=True, timeout=proof.timeout)
    if ys.returncode != 0:
        raise FormalError(f"{proof.name}: yosys failed:\n{ys.stdout[-2000:]}{ys.stderr[-2000:]}")
    # the base case (BMC from reset to `depth`), then, for an unbounded proof, the
    # induction step (yosys-smtbmc -i checks the step only)
    cmd = ["yosys-smtbmc", "-s", SOLVER, "--noprogress", "-t", str(depth),
           "--dump-vcd", "trace.vcd", "model.smt2"]
    runs = [cmd] + ([cmd[:1] + ["-i"] + cmd[1:-3] + ["--dump-vcd", "induction.vcd",
                                                     "model.smt2"]] if induction else [])
    out = ""
    for c in runs:
        bmc = subprocess.run(["timeout", str(proof.timeout)] + c, cwd=work,
                             capture_output=True, text=True)
        out += bmc.stdout + bmc.stderr
        if "Status: PASSED" not in bmc.stdout:
            break
    (work / "smtbmc.log").write_text(out)
    wall, cpu = time.monotonic() - t0, _cpu_children() - c0
    if out.count("Status: PASSED") == len(runs):
        status = "pass"
    elif "Status: FAILED" in out:
        status = "fail"
    else:
        status = "error"
    steps = [int(s) for s in re.findall(r"(?:Checking assertions|Trying induction) in step (\d+)", out)]
    failed = re.findall(r"Assert(?:ion)? failed in [^:]+: (.*)", out)
    return {
        "name": proof.name,
        "status": status,
        "depth": depth,
        "unbounded": induction and "Temporal induction successful" in out,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "failed_asserts": failed,
        "trace": (str(work / ("induction.vcd" if "induction failed" in out else "trace.vcd"))
                  if status == "fail" else None),
        "last_step": max(steps) if steps else None,
        "log_tail": out[-1500:] if status == "error" else "",
    }


def run_mutant(mutant: Mutant, keep: bool = False) -> dict:
    """Apply the mutant to a private copy of hdl/ and run its proof (which must fail)."""
    proof = next(p for p in PROOFS if p.name == mutant.proof)
    tmp = Path(tempfile.mkdtemp(prefix=f"formal_mut_{mutant.name}_"))
    try:
        hdl = tmp / "hdl"
        shutil.copytree(HDL, hdl)
        src = (hdl / mutant.file).read_text()
        hits = src.count(mutant.old)
        if hits != 1:
            raise FormalError(f"mutant {mutant.name}: '{mutant.old}' found {hits} times in "
                              f"hdl/{mutant.file} (the RTL changed: update the mutant)")
        (hdl / mutant.file).write_text(src.replace(mutant.old, mutant.new))
        res = run_proof(proof, hdl=hdl, workdir=WORK / f"mutant_{mutant.name}",
                        depth=mutant.depth or proof.depth, induction=False)
        res.update(name=mutant.name, proof=mutant.proof, bug=mutant.bug,
                   killed=res["status"] == "fail")
        return res
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", help="run these proofs/mutants only")
    ap.add_argument("--no-mutants", action="store_true")
    ap.add_argument("--mutants-only", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the mutated hdl copies")
    ap.add_argument("--json", type=Path, help="write the result records here")
    args = ap.parse_args(argv)
    records, bad = [], 0
    if not args.mutants_only:
        for p in PROOFS:
            if args.only and p.name not in args.only:
                continue
            r = run_proof(p)
            records.append(r)
            ok = r["status"] == "pass"
            bad += not ok
            kind = "unbounded (induction)" if r["unbounded"] else f"bounded, depth {r['depth']}"
            print(f"{'PASS' if ok else r['status'].upper():5} {p.name:24} {kind:24} "
                  f"{r['cpu_s']:6.1f} s CPU {r['wall_s']:6.1f} s wall")
            if not ok:
                print(f"      {r['failed_asserts'] or r['log_tail']}\n      trace: {r['trace']}")
    if not args.no_mutants:
        for m in MUTANTS:
            if args.only and m.name not in args.only:
                continue
            r = run_mutant(m, keep=args.keep)
            records.append(r)
            bad += not r["killed"]
            print(f"{'KILL' if r['killed'] else 'LIVE':5} {m.name:24} -> {m.proof:22} "
                  f"{r['cpu_s']:6.1f} s CPU  ({m.bug})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(records, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
