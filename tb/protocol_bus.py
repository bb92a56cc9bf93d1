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
