"""cocotb tests of the system glue RTL (tb/hdl/tb_glue_top.v):
axi_arbiter -> axi_addr_decoder, and axil_decoder -> axil_to_axi.

Expected routing comes from an independent Python decode of the harness's
address windows, not from the RTL. Seeds: SEED=n replays (random is seeded by
cocotb).
"""

from __future__ import annotations

import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, Event, RisingEdge

from cocotbext.axi import (AxiBus, AxiLiteBus, AxiLiteMaster, AxiLiteRam, AxiMaster, AxiRam,
                           AxiResp)

from pymodel.memory import MemoryImage
from tb.monitors import AxiAddrMonitor
from tb.timeouts import wait_named
from tb.system_regress import with_stats

NUM_PORTS = 3
PORT_USER = (0x0010, 0x0020, 0x0030)           # harness parameters P<n>_USER
S_ID_BITS = 4
# harness windows: (base, size) of targets t0..t2 (T<n>_BASE, sizes in tb_glue_top.v)
WINDOWS = ((0x0809_0000, 0x1_0000), (0x0802_0000, 0x1000), (0x4000_0000, 0x4000_0000))
AXIL_WINDOWS = ((0x0905_0000, 0x2_0000), (0x0802_0000, 0x1000))
DECERR_ADDRS = (0x0, 0x0808_FFF8, 0x080A_0000, 0x0802_1000, 0x3FFF_FFC0, 0x8000_0000,
                0x1_0000_0000, 0xFFFF_FFFF_F000)


def decode(addr: int, windows=WINDOWS) -> int | None:
    for t, (base, size) in enumerate(windows):
        if base <= addr < base + size:
            return t
    return None


def pause_gen(rng: random.Random, p: float):
    while True:
        yield rng.random() < p


class GlueTB:
    def __init__(self, dut):
        self.dut = dut
        self.log = dut._log
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        self.ports = [AxiMaster(AxiBus.from_prefix(dut, f"s_axi_p{p}"), dut.clk, dut.rst)
                      for p in range(NUM_PORTS)]
        self.tmem = [MemoryImage() for _ in WINDOWS]
        self.targets = [AxiRam(AxiBus.from_prefix(dut, f"m_axi_t{t}"), dut.clk, dut.rst,
                               mem=self.tmem[t]) for t in range(len(WINDOWS))]
        self.mon = [AxiAddrMonitor(dut, dut.clk, f"m_axi_t{t}_").start()
                    for t in range(len(WINDOWS))]
        self.cpu = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil_cpu"), dut.clk, dut.rst)
        self.r0_mem = MemoryImage(1 << 32)
        self.b0_mem = MemoryImage(1 << 32)
        self.r0 = AxiLiteRam(AxiLiteBus.from_prefix(dut, "m_axil_r0"), dut.clk, dut.rst,
                             mem=self.r0_mem)
        self.b0 = AxiRam(AxiBus.from_prefix(dut, "m_axi_b0"), dut.clk, dut.rst, mem=self.b0_mem)
        self.b0_mon = AxiAddrMonitor(dut, dut.clk, "m_axi_b0_").start()

    def set_backpressure(self, rng: random.Random | None, p: float = 0.3):
        """Random pauses on every channel of every master and slave model (or none)."""
        def gen():
            return pause_gen(rng, p) if rng else None
        for m in self.ports:
            for ch in (m.write_if.aw_channel, m.write_if.w_channel, m.write_if.b_channel,
                       m.read_if.ar_channel, m.read_if.r_channel):
                ch.set_pause_generator(gen()) if rng else ch.clear_pause_generator()
        for s in self.targets + [self.b0]:
            for ch in (s.write_if.aw_channel, s.write_if.w_channel, s.write_if.b_channel,
                       s.read_if.ar_channel, s.read_if.r_channel):
                ch.set_pause_generator(gen()) if rng else ch.clear_pause_generator()

    async def reset(self):
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 4)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)


def check_routed(tb: GlueTB, beat_index_before: list[int], port: int, awid: int, addr: int,
                 channel: str):
    """The one new beat on the expected target carries {port, id}, StreamID, addr."""
    t = decode(addr)
    new = {i: [b for b in tb.mon[i].beats[beat_index_before[i]:] if b.channel == channel]
           for i in range(len(WINDOWS))}
    for i, beats in new.items():
        if i == t:
            assert len(beats) == 1, f"{channel} {addr:#x}: {len(beats)} beats at t{i}, expected 1"
            b = beats[0]
            assert b.addr == addr, f"t{i} saw addr {b.addr:#x}, expected {addr:#x}"
            assert b.id == (port << S_ID_BITS) | awid, \
                f"t{i} saw id {b.id:#x}, expected {(port << S_ID_BITS) | awid:#x}"
            assert b.user == PORT_USER[port], \
                f"t{i} saw user {b.user:#x}, expected StreamID {PORT_USER[port]:#x}"
        else:
            assert not beats, f"{channel} {addr:#x} leaked to t{i}: {beats}"


@cocotb.test()
@cocotb.parametrize(backpressure=[False, True])
@with_stats
async def routing_and_decerr(dut, backpressure, stats):
    """Every port reaches every window (first/last byte, random inside) with its
    StreamID on AxUSER and its port index on the ID; unmapped addresses get DECERR
    on B and on every R beat; nothing leaks to another target."""
    rng = random.Random(cocotb.RANDOM_SEED)
    tb = GlueTB(dut)
    tb.set_backpressure(rng if backpressure else None)
    await tb.reset()
    for port in range(NUM_PORTS):
        for t, (base, size) in enumerate(WINDOWS):
            for addr in (base, base + size - 8, base + 8 * rng.randrange(size // 8)):
                awid = rng.randrange(1 << S_ID_BITS)
                data = rng.randbytes(8)
                before = [len(m.beats) for m in tb.mon]
                resp = await wait_named(tb.ports[port].write(addr, data, awid=awid), f"write p{port} {addr:#x}", 50)
                assert resp.resp == AxiResp.OKAY, f"write {addr:#x}: resp {resp.resp}"
                await ClockCycles(dut.clk, 2)
                check_routed(tb, before, port, awid, addr, "aw")
                assert tb.tmem[t].read(addr, 8) == data, f"t{t} memory at {addr:#x}"
                for o in range(len(WINDOWS)):
                    if o != t:
                        assert tb.tmem[o].read(addr, 8) == bytes(8), f"write leaked into t{o}"
                before = [len(m.beats) for m in tb.mon]
                rresp = await wait_named(tb.ports[port].read(addr, 8, arid=awid), f"read p{port} {addr:#x}", 50)
                assert rresp.resp == AxiResp.OKAY and rresp.data == data, \
                    f"read {addr:#x}: resp {rresp.resp} data {rresp.data.hex()} != {data.hex()}"
                await ClockCycles(dut.clk, 2)
                check_routed(tb, before, port, awid, addr, "ar")
                stats.add("transactions", 2)
        for addr in DECERR_ADDRS:
            assert decode(addr) is None
            before = [len(m.beats) for m in tb.mon]
            # bursts may not cross 4 KiB (the master would split it into the next page)
            length = min(8 * rng.randint(1, 16), 0x1000 - (addr & 0xFFF))
            resp = await wait_named(tb.ports[port].write(addr, rng.randbytes(length)), f"DECERR write {addr:#x}", 50)
            assert resp.resp == AxiResp.DECERR, f"write {addr:#x}: resp {resp.resp}, expected DECERR"
            rresp = await wait_named(tb.ports[port].read(addr, length), f"DECERR read {addr:#x}", 50)
            assert rresp.resp == AxiResp.DECERR, f"read {addr:#x}: resp {rresp.resp}"
            assert len(rresp.data) == length, f"DECERR read returned {len(rresp.data)} bytes"
            await ClockCycles(dut.clk, 2)
            assert [len(m.beats) for m in tb.mon] == before, f"DECERR {addr:#x} reached a target"
            stats.add("transactions", 2)
            stats.add("faults", 2)
    await RisingEdge(dut.clk)


@cocotb.test()
@cocotb.parametrize(backpressure=[False, True])
@with_stats
async def concurrent_id_routing(dut, backpressure, stats):
    """Several workers per port (own ID, own address window), INCR bursts of random
    length, interleaved DECERR accesses, back-pressure on every channel: every
    response returns to its issuer with its data; ordering per ID holds."""
    rng = random.Random(cocotb.RANDOM_SEED ^ 0x5EED)
    tb = GlueTB(dut)
    tb.set_backpressure(rng if backpressure else None, p=0.4)
    await tb.reset()
    n_ops = 12
    errors: list[str] = []

    async def worker(port: int, wid: int):
        wrng = random.Random(rng.random())
        t = wrng.choice((0, 2))
        base, size = WINDOWS[t]
        slot = 0x1000 * (port * 4 + wid)           # disjoint 4 KiB slot per worker
        for _ in range(n_ops):
            if wrng.random() < 0.15:
                addr = wrng.choice(DECERR_ADDRS)
                resp = await tb.ports[port].write(addr, wrng.randbytes(8), awid=wid)
                if resp.resp != AxiResp.DECERR:
                    errors.append(f"p{port} w{wid}: DECERR write {addr:#x} got {resp.resp}")
                stats.add("faults")
                stats.add("transactions")
                continue
            length = 8 * wrng.randint(1, 32)
            off = 8 * wrng.randrange((0x1000 - length) // 8 + 1)
            addr = base + slot + off
            data = wrng.randbytes(length)
            resp = await tb.ports[port].write(addr, data, awid=wid)
            rresp = await tb.ports[port].read(addr, length, arid=wid)
            if resp.resp != AxiResp.OKAY or rresp.resp != AxiResp.OKAY or rresp.data != data:
                errors.append(f"p{port} w{wid} {addr:#x}+{length}: resp {resp.resp}/{rresp.resp}"
                              f" data match {rresp.data == data}")
            stats.add("transactions", 2)
            stats.add("dma_bytes", 2 * length)

    tasks = [cocotb.start_soon(worker(p, w)) for p in range(NUM_PORTS) for w in range(3)]
    for i, task in enumerate(tasks):
        await wait_named(task, f"worker {i}", 2000)
    assert not errors, "\n".join(errors)
    # every beat seen downstream carries its port's StreamID and port index
    for t, mon in enumerate(tb.mon):
        for b in mon.beats:
            port = b.id >> S_ID_BITS
            assert b.user == PORT_USER[port], f"t{t}: id {b.id:#x} with user {b.user:#x}"
    await RisingEdge(dut.clk)


@cocotb.test()
@cocotb.parametrize(channel=["aw", "ar"])
@with_stats
async def round_robin_fairness(dut, channel, stats):
    """All ports keep requests queued while the target back-pressures: while a port
    keeps its request valid, no other port is granted twice before it (RR)."""
    rng = random.Random(cocotb.RANDOM_SEED ^ 0xFA1)
    tb = GlueTB(dut)
    await tb.reset()
    # back-pressure only on the target's address channel (to build up contention)
    t = 2
    ch = tb.targets[t].write_if.aw_channel if channel == "aw" else tb.targets[t].read_if.ar_channel
    ch.set_pause_generator(pause_gen(rng, 0.6))
    arb = dut.u_arb
    valid_vec = getattr(arb, f"s_axi_{channel}valid")
    m_valid = getattr(arb, f"m_axi_{channel}valid")
    m_ready = getattr(arb, f"m_axi_{channel}ready")
    m_id = getattr(arb, f"m_axi_{channel}id")
    waits = [0] * NUM_PORTS
    grants = [0] * NUM_PORTS
    violations: list[str] = []
    done = Event()

    async def watch():
        from cocotb.triggers import ReadOnly
        while not done.is_set():
            await RisingEdge(dut.clk)
            await ReadOnly()
            if not (int(m_valid.value) and int(m_ready.value)):
                continue
            g = int(m_id.value) >> S_ID_BITS
            v = int(valid_vec.value)
            grants[g] += 1
            for q in range(NUM_PORTS):
                if q == g or not (v >> q) & 1:
                    waits[q] = 0
                else:
                    waits[q] += 1
                    if waits[q] > NUM_PORTS - 1:
                        violations.append(f"port {q} waited {waits[q]} grants (now p{g}) "
                                          f"at {cocotb.utils.get_sim_time('ns')} ns")
            waits[g] = 0
            stats.add("transactions")

    watcher = cocotb.start_soon(watch())
    n = 24
    base = WINDOWS[t][0]
    if channel == "aw":
        ops = [tb.ports[p].init_write(base + 0x100 * p + 8 * (i % 16), rng.randbytes(8),
                                      awid=i % 16) for p in range(NUM_PORTS) for i in range(n)]
    else:
        ops = [tb.ports[p].init_read(base + 0x100 * p + 8 * (i % 16), 8, arid=i % 16)
               for p in range(NUM_PORTS) for i in range(n)]
    for i, op in enumerate(ops):
        await wait_named(op.wait(), f"{channel} op {i}", 500)
    done.set()
    await RisingEdge(dut.clk)
    watcher.cancel()
    assert not violations, "\n".join(violations[:10])
    assert grants == [n] * NUM_PORTS, f"grants per port {grants}, expected {n} each"
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def axil_cpu_routing(dut, stats):
    """CPU AXI4-Lite port: register window reached directly (offset from its base),
    the AXI4-only window
    through axil_to_axi on the right 32-bit lane (single 4-byte beat), DECERR
    elsewhere, for writes and reads."""
    rng = random.Random(cocotb.RANDOM_SEED ^ 0xC0)
    tb = GlueTB(dut)
    await tb.reset()
    for _ in range(20):
        w = rng.randrange(len(AXIL_WINDOWS))
        base, size = AXIL_WINDOWS[w]
        addr = base + 4 * rng.randrange(size // 4)
        val = rng.randbytes(4)
        resp = await wait_named(tb.cpu.write(addr, val), f"CPU write {addr:#x}", 20)
        assert resp.resp == AxiResp.OKAY, f"CPU write {addr:#x}: {resp.resp}"
        # targets see the offset from their window's base
        off = addr - base
        mem = tb.r0_mem if w == 0 else tb.b0_mem
        other = tb.b0_mem if w == 0 else tb.r0_mem
        assert mem.read(off, 4) == val, f"window {w} memory at offset {off:#x}"
        assert other.read(off, 4) == bytes(4), f"CPU write {addr:#x} leaked"
        if w == 1:   # the neighbouring lane of the 64-bit beat is untouched
            assert mem.read(off ^ 4, 4) == bytes(4), f"bridge wrote the other lane at {addr:#x}"
            b = tb.b0_mon.beats[-1]
            assert (b.addr, b.len, b.size) == (off, 0, 2), f"bridge beat {b}"
        rresp = await wait_named(tb.cpu.read(addr, 4), f"CPU read {addr:#x}", 20)
        assert rresp.resp == AxiResp.OKAY and rresp.data == val, \
            f"CPU read {addr:#x}: {rresp.resp} {rresp.data.hex()} != {val.hex()}"
        mem.write(off, bytes(4))
        stats.add("transactions", 2)
    for addr in (0x0, 0x0904_FFFC, 0x0907_0000, 0x0801_FFFC, 0x0802_1000, 0xFFFF_FFFC):
        assert decode(addr, AXIL_WINDOWS) is None
        resp = await wait_named(tb.cpu.write(addr, b"\x01\x02\x03\x04"), f"DECERR {addr:#x}", 20)
        assert resp.resp == AxiResp.DECERR, f"CPU write {addr:#x}: {resp.resp}"
        rresp = await wait_named(tb.cpu.read(addr, 4), f"DECERR read {addr:#x}", 20)
        assert rresp.resp == AxiResp.DECERR, f"CPU read {addr:#x}: {rresp.resp}"
        stats.add("transactions", 2)
        stats.add("faults", 2)
    assert all(m.read(0, 1 << 16) == bytes(1 << 16) for m in (tb.r0_mem,)), "stray write"
    await RisingEdge(dut.clk)
