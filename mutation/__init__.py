"""Mutation testing of the RTL blocks: `python -m mutation smmu|its|gicv2m|glue|all`.

Each block's list lives in mutation/<block>.py, exporting MUTANTS (a list of
mutation.framework.Mutant) and TESTS (the pytest targets meant to kill them).
"""

from mutation.framework import Mutant, MutantError, Outcome, apply, check, run_block

BLOCKS = ("smmu", "smmuv3", "its", "gicv2m", "glue")

__all__ = ["BLOCKS", "Mutant", "MutantError", "Outcome", "apply", "check", "run_block"]
