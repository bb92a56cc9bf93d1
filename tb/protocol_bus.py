"""The ports of tb/hdl/tb_protocol_bus.v, the protocol checker's own test harness:
what tests/cocotb_protocol_checker.py checks and scripts/gen_system_tb.py puts the
look filters on (one list, so the two cannot disagree)."""

from tb.protocol_checker import AXI4, AXI4LITE, LEVEL, STREAM

PORTS = [("s_axi", AXI4), ("m_axi", AXI4), ("s_axil", AXI4LITE), ("m_axil", AXI4LITE),
         ("ev", STREAM), ("irq", LEVEL), ("fl", STREAM)]
MODULE = "tb_protocol_bus"


def look_layout() -> list[tuple[str, str, str, str]]:
    """PORTS as render_look and ProtocolChecker.use_look take them."""
    return [(p, MODULE, p, k) for p, k in PORTS]


# --- for side-by-side tests of bus-model loops on the harness (tests/cocotb_source_stall.py,
# tests/cocotb_sink_ready.py) ------------------------------------------------------------
# the harness's VALID and READY inputs no bus model of those tests drives
HAND_DRIVEN = ("s_axi_awvalid", "s_axi_wvalid", "s_axi_arvalid", "m_axi_bvalid",
               "m_axi_rvalid", "s_axi_bready", "s_axi_rready")


def quiet_inputs(dut, more=()) -> None:
    """Drive HAND_DRIVEN and `more` low."""
    for name in (*HAND_DRIVEN, *more):
        getattr(dut, name).value = 0


async def random_resets(dut, rng, count: int, gap: tuple[int, int]) -> None:
    """`count` resets of 1-3 clocks, each after a random gap of gap[0]..gap[1]-1 clocks."""
    from cocotb.triggers import ClockCycles
    for _ in range(count):
        await ClockCycles(dut.clk, rng.randrange(*gap))
        dut.rst.value = 1
        await ClockCycles(dut.clk, rng.randrange(1, 4))
        dut.rst.value = 0
