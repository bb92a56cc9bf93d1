"""The protocol checker's X rules (VALID_X, READY_X, LEVEL_X) on tb/hdl/tb_protocol_bus.v:
an X or Z driven on a handshake wire or a level must be reported with its rule, port and
cycle. Needs a 4-state simulator (Icarus): under Verilator the X reads back as 0 and the
checker could never fire, so tests/test_protocol_checker.py skips this module there
and says so."""

from __future__ import annotations

import cocotb

from cocotb_protocol_checker import MODES, X_VIOLATIONS, check_violation


@cocotb.test()
@cocotb.parametrize(case=list(X_VIOLATIONS), mode=MODES)
async def x_violation(dut, case, mode):
    """An X or Z is reported with its rule, port and cycle, in every sampling mode."""
    await check_violation(dut, case, X_VIOLATIONS[case], mode)
