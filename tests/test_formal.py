"""Formal proofs (formal/run_formal.py): yosys + yosys-smtbmc (cvc4) on small parameter sets.

Each proof must pass, and each mutant (one textual edit to a private copy of hdl/)
must make its proof fail: the proof is shown able to see the bug class it is for.
docs/formal.md lists the properties, assumptions, depths and run times.
"""

import pytest

from formal.run_formal import MUTANTS, PROOFS, run_mutant, run_proof
from tb import rtl_files


@pytest.mark.formal
@pytest.mark.parametrize("proof", PROOFS, ids=[p.name for p in PROOFS])
def test_proof_holds(proof):
    r = run_proof(proof)
    kind = "unbounded (induction)" if r["unbounded"] else f"bounded, depth {r['depth']}"
    print(f"{proof.name}: {r['status']} {kind}, {r['cpu_s']} s CPU, {r['wall_s']} s wall")
    assert r["status"] == "pass", (
        f"{proof.name} ({proof.what}): {r['status']}, failed {r['failed_asserts']} "
        f"at step {r['last_step']}; counterexample {r['trace']}\n{r['log_tail']}")
    if proof.induction:
        assert r["unbounded"], f"{proof.name}: induction did not close at depth {r['depth']}"


@pytest.mark.formal
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_is_caught(mutant):
    r = run_mutant(mutant)
    print(f"{mutant.name} -> {mutant.proof}: {r['status']} ({mutant.bug}), "
          f"{r['cpu_s']} s CPU")
    assert r["status"] != "error", f"{mutant.name}: the proof did not run:\n{r['log_tail']}"
    assert r["killed"], (f"mutant {mutant.name} ({mutant.bug}) survived {mutant.proof} "
                         f"to depth {r['depth']}")


@pytest.mark.formal
def test_unit_proofs_compose():
    """Every master-port bit of smmu_tlb is driven straight (or through a `&& !rst`
    reset gate) by the proven unit named in formal/units.py COMPOSE, each assumed unit
    input comes from a top port or a unit that proves it, and its_doorbell's only
    submodules are the two units its glue proof abstracts."""
    from formal.units import composition_check
    assert composition_check() == []


@pytest.mark.formal
@pytest.mark.parametrize("file, old, new, expect", [
    ("smmu_tlb.v", "assign m_axi_awvalid     = m_axi_awvalid_q && !rst;",
     "assign m_axi_awvalid     = m_axi_awvalid_q && !m_axi_awready;",
     "smmu_tlb.m_axi_awvalid[0]: driven by"),
    ("smmu_tlb.v", ".s_wvalid(s_axi_wvalid),", ".s_wvalid(s_axi_wvalid && s_axi_wlast),",
     "smmu_tlb.u_wr.s_wvalid[0]"),
    ("smmu_tlb.v", "u_wr (\n        .clk(clk), .rst(rst),\n        .acc_valid(aw_acc_valid),",
     "u_wr (\n        .clk(clk), .rst(rst),\n        .acc_valid(aw_acc_valid && !rst),",
     "smmu_tlb.u_wr.acc_valid[0]"),
], ids=["logic_on_awvalid", "w_input_not_top", "acc_not_from_u_aw"])
def test_composition_check_sees_a_rewiring(tmp_path, file, old, new, expect):
    """The netlist check fails, naming the bit, when logic is put between a unit and
    a port, or an assumed unit input no longer comes from where its proof says."""
    import shutil
    from formal.run_formal import HDL
    from formal.units import composition_check
    hdl = tmp_path / "hdl"
    shutil.copytree(HDL, hdl)
    path = rtl_files.path(file, hdl)
    text = path.read_text()
    assert text.count(old) == 1, f"{rtl_files.relpath(file)} changed: update this case ({old!r})"
    path.write_text(text.replace(old, new))
    problems = composition_check(hdl)
    assert any(p.startswith(expect) for p in problems), problems
