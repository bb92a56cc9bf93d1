"""cocotb tests of msi_interconnect (hdl/system/rtl/msi_interconnect.v), the glue exactly as
msi_system_top instantiates it: the device arbiter (devices -> m_axi_up), the PA
decoder (s_axi_dn -> ITS translation frame / GICv2m / memory / DECERR), the CPU
decoder (s_axil_cpu -> SMMU registers / ITS control frame / GICv2m through the
AXI4-Lite bridge) and the GICv2m 2:1 arbiter.

The SMMU sits between m_axi_up and s_axi_dn in the system, so the two halves are
driven separately here. Expected routing comes from an independent Python decode
of the memory map (pymodel.hwdefs.system, or $SYSTEM_MAP for another map), the
StreamIDs from hwdefs' DEV<n>_SID, never from the RTL. Seeds: SEED=n replays
(random is seeded by cocotb).
"""

from __future__ import annotations

import random
import re

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, Event, ReadOnly, RisingEdge

from cocotbext.axi import (AxiBus, AxiLiteBus, AxiLiteMaster, AxiLiteRam, AxiMaster, AxiRam,
                           AxiResp)

from pymodel.hwdefs import its as ITSH
from pymodel.hwdefs import system as SYS
from pymodel.memory import MemoryImage
from tb import coverage as cov
from tb.monitors import AxiAddrMonitor
from tb.protocol_checker import attach_checkers
from tb.pause import random_pauses
from tb.system_env import SystemMap
from tb.system_regress import with_stats
from tb.timeouts import wait_named

# the device ports are the DEV<n>_SID list of hwdefs (as scripts/gen_interconnect.py makes them)
_DEV_NUMS = sorted(int(k[3:-4]) for k in vars(SYS) if re.fullmatch(r"DEV\d+_SID", k))
DEV_SIDS = [getattr(SYS, f"DEV{n}_SID") for n in _DEV_NUMS]
NUM_DEV = len(DEV_SIDS)
DEV_ID_BITS = 4                                   # msi_interconnect DEV_ID_WIDTH default
PORT_BITS = max(1, (NUM_DEV - 1).bit_length())
XID_BITS = DEV_ID_BITS + PORT_BITS                # ID after the device arbiter
ADDR_BITS = 48
ITS_FRAME = ITSH.TRANSLATION_FRAME_OFFSET         # 64 KiB frames
V2M_CPU_PORT = 1                                  # u_v2m_arb port of the CPU bridge


class Window:
    """One target of a decoder: [base, base + size), and how the target sees the
    address (`offset`: minus the base, else the whole address)."""

    def __init__(self, name: str, base: int, size: int, offset: bool):
        self.name, self.base, self.size, self.offset = name, base, size, offset

    def __contains__(self, addr: int) -> bool:
        return self.base <= addr < self.base + self.size

    def seen(self, addr: int) -> int:
        return addr - self.base if self.offset else addr


def pa_windows(smap: SystemMap) -> list[Window]:
    """The PA decoder's targets (system.md, msi_system_top's header)."""
    return [Window("its_db", smap.its_base + ITS_FRAME, ITS_FRAME, True),
            Window("v2m", smap.gicv2m_base, SYS.GICV2M_SIZE, True),
            Window("mem", smap.ram_base, smap.ram_size, False)]


def cpu_windows(smap: SystemMap) -> list[Window]:
    return [Window("smmu", smap.smmu_base, SYS.SMMU_SIZE, True),
            Window("its", smap.its_base, ITS_FRAME, True),
            Window("v2m", smap.gicv2m_base, SYS.GICV2M_SIZE, True)]


def decode(addr: int, windows: list[Window]) -> Window | None:
    for w in windows:
        if addr in w:
            return w
    return None


def decerr_addresses(windows: list[Window], top: int) -> list[int]:
    """Addresses just outside every window, and the ends of the address space, that
    no window owns (8-byte aligned)."""
    cands = {0, top - 8}
    for w in windows:
        cands |= {w.base - 8, w.base + w.size}
    return sorted(a for a in cands if 0 <= a < top and decode(a, windows) is None)



def _channels(m):
    return [m.write_if.aw_channel, m.write_if.w_channel, m.write_if.b_channel,
            m.read_if.ar_channel, m.read_if.r_channel]


class GlueTB:
    """Bus models on every port of msi_interconnect, one address monitor per master port."""

    def __init__(self, dut):
        self.dut = dut
        self.log = dut._log
        self.map = SystemMap.from_env()
        self.pa = pa_windows(self.map)
        self.cpu_win = cpu_windows(self.map)
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        clk, rst = dut.clk, dut.rst
        self.devs = [AxiMaster(AxiBus.from_prefix(dut, f"s_axi_dev{n}"), clk, rst)
                     for n in range(NUM_DEV)]
        self.up_mem = MemoryImage()
        self.up = AxiRam(AxiBus.from_prefix(dut, "m_axi_up"), clk, rst, mem=self.up_mem)
        self.up_mon = AxiAddrMonitor(dut, clk, "m_axi_up_").start()
        # functional coverage: the device bursts as they leave the arbiter
        self.up_mon.callbacks.append(lambda b: cov.sample_burst(b.len + 1, 1 << b.size, b.addr))
        self.dn = AxiMaster(AxiBus.from_prefix(dut, "s_axi_dn"), clk, rst)
        # PA targets: (ram model, its memory, monitor) by window name
        self.tmem = {w.name: MemoryImage() for w in self.pa}
        self.targets = {w.name: AxiRam(AxiBus.from_prefix(dut, f"m_axi_{w.name}"), clk, rst,
                                       mem=self.tmem[w.name]) for w in self.pa}
        self.tmon = {w.name: AxiAddrMonitor(dut, clk, f"m_axi_{w.name}_").start() for w in self.pa}
        self.cpu = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil_cpu"), clk, rst)
        self.reg_mem = {"smmu": MemoryImage(1 << 17), "its": MemoryImage(1 << 17)}
        self.regs = {n: AxiLiteRam(AxiLiteBus.from_prefix(dut, f"m_axil_{n}"), clk, rst, mem=m)
                     for n, m in self.reg_mem.items()}
        # every port of msi_interconnect and of each block inside it (flattened ports
        # per lane), so the links between the glue blocks are checked too
        self.checker = attach_checkers(dut, clk, rst, instances=[
            dut.u_dev_arb, dut.u_pa_dec, dut.u_cpu_dec, dut.u_cpu_v2m, dut.u_v2m_arb])

    def slaves(self):
        return [self.up, *self.targets.values()]

    def set_backpressure(self, rng: random.Random | None, p: float = 0.3):
        """Random pauses on every channel of every master and slave model (or none)."""
        for channel in ("dev", "up", "dn"):
            cov.sample_backpressure(p if rng else 0.0, channel)
        for m in [*self.devs, self.dn, *self.slaves()]:
            for ch in _channels(m):
                if rng:
                    ch.set_pause_generator(random_pauses(p, random.Random(rng.random())))
                else:
                    ch.clear_pause_generator()

    async def reset(self):
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 4)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)

    def beat_counts(self) -> dict[str, int]:
        return {n: len(m.beats) for n, m in self.tmon.items()}


def new_beats(mon: AxiAddrMonitor, before: int, channel: str):
    return [b for b in mon.beats[before:] if b.channel == channel]


# ----------------------------------------------------------------------------- device arbiter
@cocotb.test()
@cocotb.parametrize(backpressure=[False, True])
@with_stats
async def device_arbiter_routing(dut, backpressure, stats):
    """Every device port reaches m_axi_up with its StreamID (DEV<n>_SID) on AxUSER,
    its port index above its ID, the address untouched; data and responses
    return to the issuing port."""
    rng = random.Random(cocotb.RANDOM_SEED)
    tb = GlueTB(dut)
    tb.set_backpressure(rng if backpressure else None)
    await tb.reset()
    for port in range(NUM_DEV):
        for _ in range(8):
            addr = 8 * rng.randrange((1 << ADDR_BITS) // 8 - 64)
            awid = rng.randrange(1 << DEV_ID_BITS)
            length = 8 * rng.randint(1, 8)
            addr -= addr % 0x1000 if (addr % 0x1000) + length > 0x1000 else 0   # no 4 KiB crossing
            data = rng.randbytes(length)
            for channel in ("aw", "ar"):
                before = len(tb.up_mon.beats)
                if channel == "aw":
                    resp = await wait_named(tb.devs[port].write(addr, data, awid=awid),
                                            f"dev{port} write {addr:#x}", 50)
                    assert resp.resp == AxiResp.OKAY, f"dev{port} write {addr:#x}: {resp.resp}"
                    assert tb.up_mem.read(addr, length) == data, f"m_axi_up memory at {addr:#x}"
                else:
                    rresp = await wait_named(tb.devs[port].read(addr, length, arid=awid),
                                             f"dev{port} read {addr:#x}", 50)
                    assert rresp.resp == AxiResp.OKAY and rresp.data == data, \
                        f"dev{port} read {addr:#x}: {rresp.resp} {rresp.data.hex()} != {data.hex()}"
                beats = new_beats(tb.up_mon, before, channel)
                assert len(beats) == 1, f"dev{port} {channel} {addr:#x}: {len(beats)} beats on m_axi_up"
                b = beats[0]
                want_id = (port << DEV_ID_BITS) | awid
                assert (b.addr, b.id, b.user) == (addr, want_id, DEV_SIDS[port]), \
                    (f"dev{port} {channel}: m_axi_up saw addr {b.addr:#x} id {b.id:#x} user "
                     f"{b.user:#x}, expected {addr:#x} {want_id:#x} StreamID {DEV_SIDS[port]:#x}")
                stats.add("transactions")
    await RisingEdge(dut.clk)


@cocotb.test()
@cocotb.parametrize(channel=["aw", "ar"])
@with_stats
async def round_robin_fairness(dut, channel, stats):
    """All device ports keep requests queued while m_axi_up back-pressures: while a
    port keeps its request valid, no other port is granted twice before it (RR)."""
    rng = random.Random(cocotb.RANDOM_SEED ^ 0xFA1)
    tb = GlueTB(dut)
    await tb.reset()
    ch = tb.up.write_if.aw_channel if channel == "aw" else tb.up.read_if.ar_channel
    ch.set_pause_generator(random_pauses(0.6, rng))
    arb = dut.u_dev_arb
    valid_vec = getattr(arb, f"s_axi_{channel}valid")
    m_valid = getattr(dut, f"m_axi_up_{channel}valid")
    m_ready = getattr(dut, f"m_axi_up_{channel}ready")
    m_id = getattr(dut, f"m_axi_up_{channel}id")
    waits = [0] * NUM_DEV
    grants = [0] * NUM_DEV
    violations: list[str] = []
    done = Event()

    async def watch():
        while not done.is_set():
            await RisingEdge(dut.clk)
            await ReadOnly()
            if not (int(m_valid.value) and int(m_ready.value)):
                continue
            g = int(m_id.value) >> DEV_ID_BITS
            v = int(valid_vec.value)
            grants[g] += 1
            for q in range(NUM_DEV):
                if q == g or not (v >> q) & 1:
                    waits[q] = 0
                else:
                    waits[q] += 1
                    if waits[q] > NUM_DEV - 1:
                        violations.append(f"port {q} waited {waits[q]} grants (now p{g}) "
                                          f"at {cocotb.utils.get_sim_time('ns')} ns")
            waits[g] = 0
            stats.add("transactions")

    watcher = cocotb.start_soon(watch())
    n = 24
    base = tb.map.ram_base
    if channel == "aw":
        ops = [tb.devs[p].init_write(base + 0x100 * p + 8 * (i % 16), rng.randbytes(8), awid=i % 16)
               for p in range(NUM_DEV) for i in range(n)]
    else:
        ops = [tb.devs[p].init_read(base + 0x100 * p + 8 * (i % 16), 8, arid=i % 16)
               for p in range(NUM_DEV) for i in range(n)]
    for i, op in enumerate(ops):
        await wait_named(op.wait(), f"{channel} op {i}", 500)
    done.set()
    await RisingEdge(dut.clk)
    watcher.cancel()
    assert not violations, "\n".join(violations[:10])
    assert grants == [n] * NUM_DEV, f"grants per port {grants}, expected {n} each"
    await RisingEdge(dut.clk)


@cocotb.test()
@cocotb.parametrize(channel=["aw", "ar"])
@with_stats
async def grant_held_while_stalled(dut, channel, stats):
    """AXI A3.2.1 through the device arbiter: m_axi_up holds AxREADY low while device 2
    requests, then devices 0 and 1 (ahead of 2 in round-robin order) request too. The
    request on m_axi_up must stay device 2's until it is accepted (the protocol checker
    fails the test on any payload change), and be the first one through."""
    rng = random.Random(cocotb.RANDOM_SEED ^ 0x57A1)
    tb = GlueTB(dut)
    await tb.reset()
    ch = tb.up.write_if.aw_channel if channel == "aw" else tb.up.read_if.ar_channel
    ch.set_pause_generator(iter(lambda: True, None))        # AxREADY low until cleared
    m_valid = getattr(dut, f"m_axi_up_{channel}valid")
    base = tb.map.ram_base

    def start(port: int):
        addr = base + 0x1000 * port + 8 * rng.randrange(32)
        if channel == "aw":
            return tb.devs[port].init_write(addr, rng.randbytes(8 * rng.randint(1, 4)), awid=port)
        return tb.devs[port].init_read(addr, 8 * rng.randint(1, 4), arid=port)

    first = [start(2)]
    for _ in range(20):                       # device 2's request reaches m_axi_up
        await RisingEdge(dut.clk)
        if m_valid.value == 1:
            break
    else:
        raise AssertionError(f"device 2's {channel.upper()} never reached m_axi_up")
    others = [start(0), start(1)]
    await ClockCycles(dut.clk, 12)            # the competitors wait with it
    handshakes = []

    async def watch():
        ready = getattr(dut, f"m_axi_up_{channel}ready")
        ids = getattr(dut, f"m_axi_up_{channel}id")
        while len(handshakes) < 3:
            await RisingEdge(dut.clk)
            if m_valid.value == 1 and ready.value == 1:
                handshakes.append(int(ids.value) >> DEV_ID_BITS)
    w = cocotb.start_soon(watch())
    ch.clear_pause_generator()
    ch.pause = False                          # clearing the generator keeps the last pause
    for i, op in enumerate(first + others):
        await wait_named(op.wait(), f"{channel} of request {i}", 50)
    await wait_named(w, f"3 {channel.upper()} handshakes on m_axi_up", 10)
    assert handshakes[0] == 2, f"first {channel.upper()} through was device {handshakes[0]}'s"
    assert sorted(handshakes) == [0, 1, 2], handshakes
    stats.add("transactions", 3)
    await RisingEdge(dut.clk)


@cocotb.test()
@with_stats
async def w_fifo_full(dut, stats):
    """m_axi_up takes write addresses but holds WREADY low: more writes are
    outstanding than the arbiter's W routing FIFO holds, so it must stop granting AW
    (an AW it cannot route the data of must not be accepted). After WREADY returns,
    every device's data lands at its own address and every write gets one B."""
    rng = random.Random(cocotb.RANDOM_SEED ^ 0xF1F0)
    tb = GlueTB(dut)
    await tb.reset()
    # a slave that takes many write addresses ahead of their data (cocotbext-axi
    # queues 2 by default, fewer than the arbiter's FIFO holds)
    tb.up.write_if.aw_channel.queue_occupancy_limit = 32
    tb.up.write_if.w_channel.set_pause_generator(iter(lambda: True, None))
    base = tb.map.ram_base
    writes = []
    for k in range(3):
        for port in range(NUM_DEV):
            addr = base + 0x1000 * port + 0x100 * k
            data = rng.randbytes(8 * rng.randint(1, 8))
            writes.append((port, addr, data, tb.devs[port].init_write(addr, data, awid=k)))
    await ClockCycles(dut.clk, 60)
    tb.up.write_if.w_channel.clear_pause_generator()
    tb.up.write_if.w_channel.pause = False
    for port, addr, data, op in writes:
        await wait_named(op.wait(), f"dev{port} write {addr:#x}", 100)
        assert op.data.resp == AxiResp.OKAY, f"dev{port} write {addr:#x}: {op.data.resp}"
        assert tb.up_mem.read(addr, len(data)) == data, f"m_axi_up memory at {addr:#x}"
        stats.add("transactions")
    aws = [b for b in tb.up_mon.beats if b.channel == "aw"]
    assert len(aws) == len(writes), f"{len(aws)} AWs on m_axi_up for {len(writes)} writes"
    await RisingEdge(dut.clk)


# ----------------------------------------------------------------------------- PA decoder
@cocotb.test()
@cocotb.parametrize(backpressure=[False, True])
@with_stats
async def pa_decode_routing(dut, backpressure, stats):
    """s_axi_dn reaches every PA window (first/last/random 8 bytes): only that target
    sees the beat, with the ID and the StreamID (AxUSER) of the request (the GICv2m
    frame's ID gains the arbiter's port bit 0), the frame offset or the whole
    address; unmapped addresses get DECERR on B and on every R beat and reach no
    target."""
    rng = random.Random(cocotb.RANDOM_SEED ^ 0xDEC)
    tb = GlueTB(dut)
    tb.set_backpressure(rng if backpressure else None)
    await tb.reset()
    for w in tb.pa:
        for addr in (w.base, w.base + w.size - 8, w.base + 8 * rng.randrange(w.size // 8)):
            xid = rng.randrange(1 << XID_BITS)
            sid = rng.choice(DEV_SIDS)
            data = rng.randbytes(8)
            want_id = xid if w.name != "v2m" else (0 << XID_BITS) | xid
            for channel in ("aw", "ar"):
                before = tb.beat_counts()
                if channel == "aw":
                    resp = await wait_named(tb.dn.write(addr, data, awid=xid, user=sid),
                                            f"dn write {addr:#x}", 50)
                    assert resp.resp == AxiResp.OKAY, f"dn write {addr:#x}: {resp.resp}"
                    assert tb.tmem[w.name].read(w.seen(addr), 8) == data, f"{w.name} at {addr:#x}"
                else:
                    rresp = await wait_named(tb.dn.read(addr, 8, arid=xid, user=sid),
                                             f"dn read {addr:#x}", 50)
                    assert rresp.resp == AxiResp.OKAY and rresp.data == data, \
                        f"dn read {addr:#x}: {rresp.resp} {rresp.data.hex()} != {data.hex()}"
                await ClockCycles(dut.clk, 2)
                for name, mon in tb.tmon.items():
                    beats = new_beats(mon, before[name], channel)
                    if name != w.name:
                        assert not beats, f"{channel} {addr:#x} ({w.name}) leaked to {name}: {beats}"
                        continue
                    assert len(beats) == 1, f"{channel} {addr:#x}: {len(beats)} beats at {name}"
                    b = beats[0]
                    assert (b.addr, b.id, b.user) == (w.seen(addr), want_id, sid), \
                        (f"{name} {channel} saw addr {b.addr:#x} id {b.id:#x} user {b.user:#x}, "
                         f"expected {w.seen(addr):#x} {want_id:#x} {sid:#x}")
                stats.add("transactions")
    for w in tb.pa:           # bursts too: WLAST/RLAST on beat AxLEN+1 at every target
        data = rng.randbytes(32)
        resp = await wait_named(tb.dn.write(w.base, data, awid=1), f"dn burst {w.base:#x}", 50)
        assert resp.resp == AxiResp.OKAY, f"dn burst write {w.base:#x}: {resp.resp}"
        assert tb.tmem[w.name].read(w.seen(w.base), 32) == data, f"{w.name} burst data"
        rresp = await wait_named(tb.dn.read(w.base, 32, arid=1), f"dn burst read {w.base:#x}", 50)
        assert rresp.data == data, f"{w.name} burst read {rresp.data.hex()} != {data.hex()}"
        stats.add("transactions", 2)
    for addr in decerr_addresses(tb.pa, 1 << ADDR_BITS):
        before = tb.beat_counts()
        length = min(8 * rng.randint(1, 16), 0x1000 - (addr & 0xFFF))
        xid = rng.randrange(1 << XID_BITS)
        resp = await wait_named(tb.dn.write(addr, rng.randbytes(length), awid=xid), f"DECERR write {addr:#x}", 50)
        assert resp.resp == AxiResp.DECERR, f"write {addr:#x}: resp {resp.resp}, expected DECERR"
        rresp = await wait_named(tb.dn.read(addr, length, arid=xid), f"DECERR read {addr:#x}", 50)
        assert rresp.resp == AxiResp.DECERR, f"read {addr:#x}: resp {rresp.resp}"
        assert len(rresp.data) == length, f"DECERR read returned {len(rresp.data)} bytes"
        await ClockCycles(dut.clk, 2)
        assert tb.beat_counts() == before, f"DECERR {addr:#x} reached a target"
        stats.add("transactions", 2)
        stats.add("decerr_responses", 2)
    await RisingEdge(dut.clk)


# ----------------------------------------------------------------------------- concurrency
@cocotb.test()
@with_stats
async def pa_decode_aw_meets_b(dut, stats):
    """The PA decoder lets a write to another target go only when no write is in flight
    (its count of accepted writes whose B is still owed is 0). An AW accepted in the very
    cycle a B goes back leaves that count unchanged. Two writes to memory, the second
    started 0..23 cycles after the first, so that its AW meets the first one's B on
    some gap (asserted: the decoder's ports show the coincidence); after each pair a
    write to the ITS frame, which waits for the count to drain, must complete."""
    tb = GlueTB(dut)
    tb.set_backpressure(None)
    await tb.reset()
    dec = dut.u_pa_dec
    met = 0

    async def watch():
        nonlocal met
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            aw = dec.s_axi_awvalid.value and dec.s_axi_awready.value
            b = dec.s_axi_bvalid.value and dec.s_axi_bready.value
            met += bool(aw and b)

    watcher = cocotb.start_soon(watch())
    mem = next(w for w in tb.pa if w.name == "mem")
    its = next(w for w in tb.pa if w.name == "its_db")
    for gap in range(24):
        first = cocotb.start_soon(tb.dn.write(mem.base + 0x100, bytes(8), awid=1))
        await ClockCycles(dut.clk, gap)
        second = cocotb.start_soon(tb.dn.write(mem.base + 0x200, bytes(8), awid=2))
        for task, what in ((first, "first"), (second, "second")):
            resp = await wait_named(task, f"gap {gap}: {what} memory write's B", 5)
            assert resp.resp == AxiResp.OKAY, f"gap {gap}: {what} write {resp.resp}"
        resp = await wait_named(tb.dn.write(its.base, bytes(4), awid=3),
                                f"gap {gap}: ITS-frame write after the pair (the decoder's "
                                f"write count must have drained)", 5)
        assert resp.resp == AxiResp.OKAY, f"gap {gap}: ITS-frame write {resp.resp}"
        stats.add("transactions", 3)
    watcher.cancel()
    assert met, "no gap made an AW meet a B at the PA decoder: the test proved nothing"
    await RisingEdge(dut.clk)


@cocotb.test()
@cocotb.parametrize(backpressure=[False, True])
@with_stats
async def concurrent_id_routing(dut, backpressure, stats):
    """At once: several workers per device port (own ID and 4 KiB slot, INCR bursts
    of random length) through the device arbiter; workers on s_axi_dn to memory, the
    ITS frame and the GICv2m frame with interleaved DECERR accesses; the CPU reading
    and writing the GICv2m frame through the bridge, so the 2:1 arbiter is
    contended. Every response returns to its issuer with its data."""
    rng = random.Random(cocotb.RANDOM_SEED ^ 0x5EED)
    tb = GlueTB(dut)
    tb.set_backpressure(rng if backpressure else None, p=0.4)
    await tb.reset()
    n_ops = 10
    errors: list[str] = []
    v2m = next(w for w in tb.pa if w.name == "v2m")
    decerrs = decerr_addresses(tb.pa, 1 << ADDR_BITS)

    async def dev_worker(port: int, wid: int):
        wrng = random.Random(rng.random())
        slot = tb.map.ram_base + 0x1000 * (port * 4 + wid)
        for _ in range(n_ops):
            length = 8 * wrng.randint(1, 32)
            addr = slot + 8 * wrng.randrange((0x1000 - length) // 8 + 1)
            data = wrng.randbytes(length)
            resp = await tb.devs[port].write(addr, data, awid=wid)
            rresp = await tb.devs[port].read(addr, length, arid=wid)
            if resp.resp != AxiResp.OKAY or rresp.resp != AxiResp.OKAY or rresp.data != data:
                errors.append(f"dev{port} w{wid} {addr:#x}+{length}: resp {resp.resp}/{rresp.resp}"
                              f" data match {rresp.data == data}")
            stats.add("transactions", 2)
            stats.add("dma_bytes", 2 * length)

    async def dn_worker(wid: int):
        wrng = random.Random(rng.random())
        for _ in range(n_ops):
            if wrng.random() < 0.2:
                addr = wrng.choice(decerrs)
                resp = await tb.dn.write(addr, wrng.randbytes(8), awid=wid)
                if resp.resp != AxiResp.DECERR:
                    errors.append(f"dn w{wid}: DECERR write {addr:#x} got {resp.resp}")
                stats.add("decerr_responses")
                stats.add("transactions")
                continue
            w = wrng.choice(tb.pa)
            # worker-private 8-byte slots in the window's first 2 KiB (the CPU worker
            # owns the GICv2m frame's upper half), or a private 4 KiB page of memory
            if w.name == "mem":
                addr = w.base + 0x10_0000 + 0x1000 * wid + 8 * wrng.randrange(512)
            else:
                addr = w.base + 8 * (wid + 16 * wrng.randrange(0x800 // 128))
            sid = wrng.choice(DEV_SIDS)
            data = wrng.randbytes(8)
            resp = await tb.dn.write(addr, data, awid=wid, user=sid)
            rresp = await tb.dn.read(addr, 8, arid=wid, user=sid)
            if resp.resp != AxiResp.OKAY or rresp.resp != AxiResp.OKAY or rresp.data != data:
                errors.append(f"dn w{wid} {w.name} {addr:#x}: resp {resp.resp}/{rresp.resp}"
                              f" data match {rresp.data == data}")
            stats.add("transactions", 2)

    async def cpu_worker():
        wrng = random.Random(rng.random())
        for _ in range(n_ops):
            # CPU uses 4-byte words the dn workers never touch (offsets 0x800..0xFFF)
            addr = v2m.base + 0x800 + 4 * wrng.randrange(0x200)
            val = wrng.randbytes(4)
            resp = await tb.cpu.write(addr, val)
            rresp = await tb.cpu.read(addr, 4)
            if resp.resp != AxiResp.OKAY or rresp.resp != AxiResp.OKAY or rresp.data != val:
                errors.append(f"cpu v2m {addr:#x}: resp {resp.resp}/{rresp.resp} "
                              f"data {rresp.data.hex()} != {val.hex()}")
            stats.add("transactions", 2)

    tasks = [cocotb.start_soon(dev_worker(p, w)) for p in range(NUM_DEV) for w in range(2)]
    tasks += [cocotb.start_soon(dn_worker(w)) for w in range(4)]
    tasks.append(cocotb.start_soon(cpu_worker()))
    for i, task in enumerate(tasks):
        await wait_named(task, f"worker {i}", 4000)
    assert not errors, "\n".join(errors)
    for b in tb.up_mon.beats:      # every upstream beat carries its port's StreamID
        port = b.id >> DEV_ID_BITS
        assert b.user == DEV_SIDS[port], f"m_axi_up: id {b.id:#x} with user {b.user:#x}"
    cpu_beats = [b for b in tb.tmon["v2m"].beats if b.id >> XID_BITS == V2M_CPU_PORT]
    assert cpu_beats, "no CPU access reached the GICv2m frame through the 2:1 arbiter"
    await RisingEdge(dut.clk)


# ----------------------------------------------------------------------------- CPU port
@cocotb.test()
@with_stats
async def cpu_routing(dut, stats):
    """CPU AXI4-Lite port: the SMMU and ITS control frames are reached directly with
    the offset from their base; the GICv2m frame through axil_to_axi and the 2:1
    arbiter (one 4-byte beat on the right 32-bit lane, ID from the CPU port), DECERR
    just outside every window, for writes and reads."""
    rng = random.Random(cocotb.RANDOM_SEED ^ 0xC0)
    tb = GlueTB(dut)
    await tb.reset()
    v2m_mon = tb.tmon["v2m"]
    for _ in range(24):
        w = rng.choice(tb.cpu_win)
        addr = w.base + 4 * rng.randrange(w.size // 4)
        val = rng.randbytes(4)
        off = w.seen(addr)
        mem = tb.reg_mem.get(w.name) or tb.tmem["v2m"]
        resp = await wait_named(tb.cpu.write(addr, val), f"CPU write {addr:#x}", 20)
        assert resp.resp == AxiResp.OKAY, f"CPU write {addr:#x}: {resp.resp}"
        assert mem.read(off, 4) == val, f"{w.name} at offset {off:#x}"
        for other, omem in [*tb.reg_mem.items(), ("v2m", tb.tmem["v2m"])]:
            if other != w.name:
                assert omem.read(off, 4) == bytes(4), f"CPU write {addr:#x} leaked into {other}"
        if w.name == "v2m":    # the neighbouring lane of the 64-bit beat is untouched
            assert mem.read(off ^ 4, 4) == bytes(4), f"bridge wrote the other lane at {addr:#x}"
            b = v2m_mon.beats[-1]
            assert (b.addr, b.len, b.size, b.id >> XID_BITS) == (off, 0, 2, V2M_CPU_PORT), \
                f"bridge beat {b}"
        rresp = await wait_named(tb.cpu.read(addr, 4), f"CPU read {addr:#x}", 20)
        assert rresp.resp == AxiResp.OKAY and rresp.data == val, \
            f"CPU read {addr:#x}: {rresp.resp} {rresp.data.hex()} != {val.hex()}"
        mem.write(off, bytes(4))
        stats.add("transactions", 2)
    for addr in decerr_addresses(tb.cpu_win, 1 << 32):
        addr &= ~3
        resp = await wait_named(tb.cpu.write(addr, b"\x01\x02\x03\x04"), f"DECERR {addr:#x}", 20)
        assert resp.resp == AxiResp.DECERR, f"CPU write {addr:#x}: {resp.resp}"
        rresp = await wait_named(tb.cpu.read(addr, 4), f"DECERR read {addr:#x}", 20)
        assert rresp.resp == AxiResp.DECERR, f"CPU read {addr:#x}: {rresp.resp}"
        stats.add("transactions", 2)
        stats.add("decerr_responses", 2)
    for name, mem in [*tb.reg_mem.items(), ("v2m", tb.tmem["v2m"])]:
        assert mem.read(0, 1 << 12) == bytes(1 << 12), f"stray write in {name}"
    # sub-word writes: only the strobed byte lanes change, in every window
    for w in tb.cpu_win:
        mem = tb.reg_mem.get(w.name) or tb.tmem["v2m"]
        addr = w.base + 4 * rng.randrange(1, w.size // 4)
        word = rng.randbytes(4)
        await wait_named(tb.cpu.write(addr, word), f"CPU write {addr:#x}", 20)
        lane = rng.randrange(4)
        await wait_named(tb.cpu.write(addr + lane, b"\xa5"), f"CPU byte write {addr + lane:#x}", 20)
        want = word[:lane] + b"\xa5" + word[lane + 1:]
        got = mem.read(w.seen(addr), 4)
        assert got == want, f"{w.name}: byte {lane} write at {addr:#x} left {got.hex()}, want {want.hex()}"
        mem.write(w.seen(addr), bytes(4))
        stats.add("transactions", 2)
    # writes queued behind a slow BREADY: each still lands once and gets its own B
    tb.cpu.write_if.b_channel.set_pause_generator(random_pauses(0.7, rng))
    w = tb.cpu_win[0]
    queued = [(w.base + 8 * k, rng.randbytes(4)) for k in range(6)]
    ops = [(a, v, tb.cpu.init_write(a, v)) for a, v in queued]
    for a, v, op in ops:
        await wait_named(op.wait(), f"queued CPU write {a:#x}", 20)
        assert op.data.resp == AxiResp.OKAY, f"queued CPU write {a:#x}: {op.data.resp}"
        assert tb.reg_mem[w.name].read(w.seen(a), 4) == v, f"queued CPU write {a:#x} lost"
        stats.add("transactions")
    await RisingEdge(dut.clk)
