"""cocotb tests of tb/protocol_checker.py on tb/hdl/tb_protocol_bus.v (wires only).

compliant_traffic: cocotbext-axi master -> wires -> cocotbext-axi RAM (AXI4 and
AXI4-Lite, random bursts and back-pressure on every channel) must not fire, and the
checker must have seen the handshakes. violation/case=...: a hand-driven violation of
each rule must be reported with that rule, the port and the cycle (the X rules:
cocotb_protocol_checker_x.py, 4-state simulators only). task_failure_fails:
a violation with nobody awaiting the checker fails the test by itself.
"""

from __future__ import annotations

import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, Timer

from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiLiteRam, AxiMaster, AxiRam

from pymodel.memory import MemoryImage
from tb.protocol_checker import (ProtocolViolation, attach_checkers, bundle_split,
                                 handshake_signals, render_look)
from tb.timeouts import wait_named

from tb.protocol_bus import PORTS, look_layout      # noqa: E402
# every input of the harness a test may drive by hand, at its idle value
_IDLE = {f"s_axi_{ch}valid": 0 for ch in ("aw", "w", "ar")}
_IDLE.update({f"m_axi_{ch}valid": 0 for ch in ("b", "r")})
_IDLE.update({f"s_axi_{ch}ready": 0 for ch in ("b", "r")})
_IDLE.update({f"m_axi_{ch}ready": 0 for ch in ("aw", "w", "ar")})
_IDLE.update({f"s_axil_{ch}valid": 0 for ch in ("aw", "w", "ar")})
_IDLE.update({f"m_axil_{ch}valid": 0 for ch in ("b", "r")})
_IDLE.update({f"s_axil_{ch}ready": 0 for ch in ("b", "r")})
_IDLE.update({f"m_axil_{ch}ready": 0 for ch in ("aw", "w", "ar")})
_IDLE.update({"ev_valid": 0, "ev_ready": 0, "ev_data": 0, "irq": 0, "fl_valid": 0,
              "fl_ready": 0, "fl_data": 0})
_PAYLOAD = ["s_axi_awid", "s_axi_awaddr", "s_axi_awlen", "s_axi_awsize", "s_axi_awburst",
            "s_axi_wdata", "s_axi_wstrb", "s_axi_wlast", "m_axi_bid", "m_axi_bresp",
            "s_axi_arid", "s_axi_araddr", "s_axi_arlen", "s_axi_arsize", "s_axi_arburst",
            "m_axi_rid", "m_axi_rdata", "m_axi_rresp", "m_axi_rlast",
            "s_axil_awaddr", "s_axil_awprot", "s_axil_wdata", "s_axil_wstrb", "m_axil_bresp",
            "s_axil_araddr", "s_axil_arprot", "m_axil_rdata", "m_axil_rresp"]


# how the checker samples: every clock reading each signal ("clock"), every clock
# reading VALIDs and READYs as two vectors ("bundle"), or only the clocks the HDL look
# filters pass ("look", tb/hdl/tb_chk_look.v): the system bench's modes
MODES = ["clock", "bundle", "look"]


async def start(dut, with_models: bool, mode: str = "clock"):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value = 1
    models = None
    if with_models:
        dut.ev_valid.value = 0
        dut.ev_ready.value = 0
        dut.ev_data.value = 0
        dut.irq.value = 0
        dut.fl_valid.value = 0
        dut.fl_ready.value = 0
        dut.fl_data.value = 0
        models = (AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst),
                  AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, mem=MemoryImage()),
                  AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst),
                  AxiLiteRam(AxiLiteBus.from_prefix(dut, "m_axil"), dut.clk, dut.rst,
                             mem=MemoryImage(1 << 16)))
    else:
        for name, v in _IDLE.items():
            getattr(dut, name).value = v
        for name in _PAYLOAD:
            getattr(dut, name).value = 0
        dut.s_axi_awsize.value = 3
        dut.s_axi_arsize.value = 3
        dut.s_axi_awburst.value = 1
        dut.s_axi_arburst.value = 1
    checker = attach_checkers(dut, dut.clk, dut.rst, PORTS)
    if mode == "bundle":
        valid, other = bundle_split(s for p, k in PORTS
                                    for s in handshake_signals("tb_protocol_bus", p, k))
        assert checker.use_bundle(dut.chk_valid, valid, dut.chk_other, other) == []
    elif mode == "look":
        labels = render_look(look_layout(), "", "chk_look")[1]
        checker.use_look(dut.chk_look, labels, look_layout(), dut.chk_cycle)
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0
    await RisingEdge(dut.clk)
    return checker, models


@cocotb.test()
@cocotb.parametrize(mode=MODES)
async def compliant_traffic(dut, mode):
    """Random AXI4 bursts and AXI4-Lite accesses with pauses everywhere: no violation."""
    rng = random.Random(cocotb.RANDOM_SEED)
    checker, (master, ram, lmaster, lram) = await start(dut, True, mode)

    def pauses():
        while True:
            yield rng.random() < 0.3
    for m in (master, ram, lmaster, lram):
        for ch in (m.write_if.aw_channel, m.write_if.w_channel, m.write_if.b_channel,
                   m.read_if.ar_channel, m.read_if.r_channel):
            ch.set_pause_generator(pauses())

    async def stream():          # a compliant hand-driven stream and level line
        for i in range(40):
            dut.ev_valid.value = 1
            dut.ev_data.value = i
            dut.irq.value = i & 1
            while True:
                dut.ev_ready.value = int(rng.random() < 0.5)
                await RisingEdge(dut.clk)
                if dut.ev_ready.value == 1:
                    break
        dut.ev_valid.value = 0

    s = cocotb.start_soon(stream())

    async def worker(base: int, wid: int):
        for _ in range(12):
            addr = base + rng.randrange(0, 0x800, 8)
            data = rng.randbytes(8 * rng.randint(1, 16))
            await master.write(addr, data, awid=wid)
            assert await master.read(addr, len(data), arid=wid) is not None
    tasks = [cocotb.start_soon(worker(0x1000 * (k + 1), k)) for k in range(3)]
    for k in range(6):
        await lmaster.write_dword(4 * k, 0x1000 + k)
        assert await lmaster.read_dword(4 * k) == 0x1000 + k
    for t in tasks:
        await wait_named(t, "AXI4 worker", timeout_us=500)
    await wait_named(s, "stream driver", timeout_us=50)
    await ClockCycles(dut.clk, 5)
    checker.check()
    seen = {p.prefix: dict(p.rules.transfers) for p in checker.ports}
    dut._log.info("handshakes seen by the checker: %s", seen)
    for port in ("s_axi", "m_axi"):
        for ch in ("aw", "w", "b", "ar", "r"):
            assert seen[port].get(ch, 0) > 0, f"checker saw no {port} {ch} handshake"
    assert seen["s_axil"]["b"] == 6 and seen["m_axil"]["r"] == 6, seen
    assert seen["ev"][""] == 40, seen
    assert "fl[0]" in seen and "fl[1]" in seen, seen
    await RisingEdge(dut.clk)


def _put(dut, **values):
    for name, v in values.items():
        getattr(dut, name).value = v


# each: (rule, port, list of per-cycle assignments)
VIOLATIONS = {
    "VALID_DROPPED": ("s_axi", [dict(s_axi_arvalid=1), dict(s_axi_arvalid=0)]),
    # the wires are shared: the first port listed (s_axi before m_axi) reports
    "PAYLOAD_CHANGED": ("s_axi", [dict(s_axi_awvalid=1, s_axi_awaddr=0x100),
                                  dict(s_axi_awaddr=0x108)]),
    "W_BEATS": ("s_axi", [dict(s_axi_awvalid=1, s_axi_awlen=1, m_axi_awready=1),
                          dict(s_axi_awvalid=0, s_axi_wvalid=1, s_axi_wlast=1,
                               m_axi_wready=1)]),
    "B_UNEXPECTED": ("s_axi", [dict(m_axi_bvalid=1)]),
    "R_UNEXPECTED": ("s_axi", [dict(m_axi_rvalid=1, m_axi_rid=2)]),
    "R_BEATS": ("s_axi", [dict(s_axi_arvalid=1, s_axi_arlen=2, m_axi_arready=1),
                          dict(s_axi_arvalid=0, m_axi_rvalid=1, m_axi_rlast=1,
                               s_axi_rready=1)]),
    "BURST_4K": ("s_axi", [dict(s_axi_arvalid=1, s_axi_arlen=1, s_axi_araddr=0xFF8,
                                m_axi_arready=1)]),
    "LITE_B_UNEXPECTED": ("s_axil", [dict(s_axil_awvalid=1, m_axil_awready=1),
                                     dict(s_axil_awvalid=0, m_axil_bvalid=1)]),
    "STREAM_PAYLOAD": ("ev", [dict(ev_valid=1, ev_data=1), dict(ev_data=2)]),
    # the payload changes and changes back while VALID waits: a filter that compared
    # only at the handshake would miss it
    "PAYLOAD_BACK": ("s_axi", [dict(s_axi_wvalid=1, s_axi_wdata=1), dict(s_axi_wdata=2),
                               dict(s_axi_wdata=1)]),
    # lane 1 of the flattened pair (bits [15:8]) changes while lane 0 is idle
    "LANE_PAYLOAD": ("fl[1]", [dict(fl_valid=0b10, fl_data=0x1200), dict(fl_data=0x3400)]),
}
# The X rules need a 4-state simulator: under Verilator (2-state) an X or Z driven on a
# wire reads back as 0 and cannot fire. They run from their own module,
# cocotb_protocol_checker_x.py, which tests/test_protocol_checker.py skips, saying
# so, under SIM=verilator (Icarus is the X-checking simulator).
X_VIOLATIONS = {
    "VALID_X": ("s_axil", [dict(s_axil_arvalid="x")]),
    "READY_X": ("s_axil", [dict(m_axil_awready="z")]),
    "LEVEL_X": ("irq", [dict(irq="x")]),
}


@cocotb.test()
@cocotb.parametrize(case=list(VIOLATIONS), mode=MODES)
async def violation(dut, case, mode):
    """A hand-driven violation is reported with its rule, port and cycle, also when
    the checker reads VALIDs and READYs as two vectors (bundle) or samples only the
    clocks the HDL look filters pass (look, the system bench's mode)."""
    await check_violation(dut, case, VIOLATIONS[case], mode)


async def check_violation(dut, case, port_script, mode):
    """Drive `port_script` (port, per-cycle assignments) and expect rule `case` on it."""
    port, script = port_script
    rule = case.replace("LITE_", "")
    rule = "PAYLOAD_CHANGED" if rule in ("STREAM_PAYLOAD", "LANE_PAYLOAD", "PAYLOAD_BACK") else rule
    checker, _ = await start(dut, False, mode)

    async def drive():
        for values in script:
            _put(dut, **values)
            await RisingEdge(dut.clk)
        await ClockCycles(dut.clk, 5)

    cocotb.start_soon(drive())
    start_cycle = checker.cycle
    try:
        await wait_named(checker.wait(), f"the checker to report {rule}", timeout_us=1)
    except ProtocolViolation as err:
        v = err.violation
        dut._log.info("reported: %s", v)
        assert v.rule == rule, v
        assert v.port == port, v
        assert start_cycle < v.cycle <= start_cycle + len(script) + 1, (start_cycle, v)
        assert f"on {port}: {rule} at cycle {v.cycle}" in str(err)
    else:
        raise AssertionError(f"checker returned without reporting {rule}")
    await Timer(1, unit="ns")


@cocotb.test()
async def valid_in_reset(dut):
    """VALID high during reset is a violation (IHI 0022 A3.1.2)."""
    checker, _ = await start(dut, False)
    dut.rst.value = 1
    dut.m_axi_rvalid.value = 1
    try:
        await wait_named(checker.wait(), "VALID_IN_RESET", timeout_us=1)
    except ProtocolViolation as err:
        assert err.violation.rule == "VALID_IN_RESET" and err.violation.port == "s_axi", err
    else:
        raise AssertionError("no VALID_IN_RESET")
    await Timer(1, unit="ns")


@cocotb.test(expect_error=ProtocolViolation)
async def task_failure_fails(dut):
    """Nobody awaits the checker: its ProtocolViolation alone fails the test
    (expect_error turns that failure into this test's pass)."""
    await start(dut, False)
    dut.s_axi_awvalid.value = 1
    await RisingEdge(dut.clk)
    dut.s_axi_awvalid.value = 0
    await ClockCycles(dut.clk, 20)
    raise AssertionError("still running 20 cycles after a violation")
