"""Formal proofs (formal/run_formal.py): yosys + yosys-smtbmc (cvc4) on small parameter sets.

Each proof must pass, and each mutant (one textual edit to a private copy of hdl/)
must make its proof fail: the proof is shown able to see the bug class it is for.
docs/formal.md lists the properties, assumptions, depths and run times.
"""

import pytest

from formal.run_formal import MUTANTS, PROOFS, run_mutant, run_proof


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
