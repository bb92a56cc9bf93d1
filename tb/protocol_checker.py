"""Passive protocol checker for AXI4, AXI4-Lite and plain valid/ready streams.

It knows only the protocol rules (AMBA AXI and ACE Protocol Specification, IHI 0022,
sections A3.1-A3.4 and B1 for AXI4-Lite), never the device's function, and fails the
test on the first violation, naming the port, the cycle and the rule:

    from tb.protocol_checker import AXI4, AXI4LITE, LEVEL, STREAM, attach_checkers
    self.checker = attach_checkers(dut, dut.clk, dut.rst, [
        ("s_axi", AXI4), ("m_axi", AXI4), ("s_axil", AXI4LITE), ("lpi", STREAM)])

Rules (names as reported):
  VALID_IN_RESET   a VALID is not 0 while reset is asserted (A3.1.2), from the second
                   edge of reset on (a synchronous reset clears registers at the first)
  VALID_X/READY_X  X or Z on a VALID or READY after the first reset
  VALID_DROPPED    VALID fell before READY (A3.2.1: once asserted, held until handshake)
  PAYLOAD_CHANGED  the payload changed while VALID waited for READY (A3.2.1)
  CTRL_X           X or Z on an ID, LEN, SIZE, BURST, ADDR or LAST used by these rules
  W_BEATS          WLAST not on beat AWLEN+1 of its burst (A3.4.1; W follows AW order)
  R_BEATS          RLAST not on beat ARLEN+1 of the oldest read of that ID (A3.4.1, A5.3)
  B_UNEXPECTED     BVALID with no write of that ID whose AW and last W beat were both
                   accepted in an earlier cycle (A3.3.1, Figure A3-7)
  R_UNEXPECTED     RVALID with no read of that ID accepted in an earlier cycle (A3.3.1)
  BURST_4K         an INCR/WRAP burst crosses a 4 KiB boundary (A3.4.1)
  BURST_WRAP       a WRAP burst of a length other than 2, 4, 8 or 16 or unaligned start
  AXSIZE           AxSIZE wider than the data bus (A3.4.1)
  LEVEL_X          X or Z on a level signal (an interrupt line) after the first reset
AXI4-Lite gets the subset without IDs, bursts and LAST (every transaction is one beat,
responses in order). A STREAM (prefix_valid / prefix_ready / payload) gets VALID_IN_RESET,
VALID_X, READY_X, VALID_DROPPED and PAYLOAD_CHANGED.

Sampling point: the values every port has AT the rising edge, i.e. the ones the DUT
and the bus models capture there (cocotbext-axi samples the same way). Not after
ReadOnly: the TB's ready sinks (tb.monitors.ReadySink) change READY on falling edges, so
after ReadOnly a VALID of the new cycle would be paired with the READY of the old one.

Cost: one coroutine per checker (not per channel) samples every port on RisingEdge; a
channel costs two signal reads per cycle, its payload is read only while VALID is high,
and of a transfer that fires at its first clock only the fields a rule reads (RULE_FIELDS;
every field on a tapped channel): a payload no READY holds back cannot break PAYLOAD_CHANGED.
Two faster modes for a testbench wrapper that carries the HDL for them (the system
bench's tb/hdl/msi_system_tb.v, scripts/gen_system_tb.py):
  use_bundle  every clock, but every VALID and READY read as two vectors
  use_look    only the clocks a channel's HDL filter (tb/hdl/tb_chk_look.v) passes: a
              new transfer, a handshake, a waiting VALID that dropped or whose payload
              changed, an X; the others cannot change the rule engine's state, so the
              checks are the clock-by-clock ones (tests/cocotb_protocol_checker.py runs
              every rule in the three modes; tests/test_system.py compares look with
              bundle on a random system run, transaction log and coverage included)
The rule engine (PortRules) is plain Python fed by a `read(name)` callable,
so tests/test_protocol_checker.py drives it with scripted samples too.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence, Union

import cocotb
from cocotb.triggers import RisingEdge, ValueChange
from cocotb.utils import get_sim_time

from tb import rtl_files

AXI4 = "axi4"
AXI4LITE = "axi4lite"
STREAM = "stream"
LEVEL = "level"

# Payload fields per channel, in the order of IHI 0022 Table A2-2..A2-6 (the ones a
# port does not have are left out when the port is bound).
_AXI_FIELDS = {
    "aw": ("id", "addr", "len", "size", "burst", "lock", "cache", "prot", "qos", "region",
           "user"),
    "w": ("data", "strb", "last", "user"),
    "b": ("id", "resp", "user"),
    "ar": ("id", "addr", "len", "size", "burst", "lock", "cache", "prot", "qos", "region",
           "user"),
    "r": ("id", "data", "resp", "last", "user"),
}
_LITE_FIELDS = {
    "aw": ("addr", "prot"), "w": ("data", "strb"), "b": ("resp",),
    "ar": ("addr", "prot"), "r": ("data", "resp"),
}
# Samples are binary strings as the simulator gives them ("0101", "x", "z").
_BURST_WRAP = 2

Read = Callable[[str], str]
PortSpec = Union[tuple[str, str], tuple[object, str, str]]


@dataclass(frozen=True)
class Violation:
    port: str
    rule: str
    cycle: int
    time_ns: float
    detail: str

    def __str__(self) -> str:
        return (f"protocol violation on {self.port}: {self.rule} at cycle {self.cycle} "
                f"({self.time_ns:g} ns): {self.detail}")


class ProtocolViolation(AssertionError):
    """The first protocol violation a checker saw (carries the Violation)."""

    def __init__(self, violation: Violation):
        super().__init__(str(violation))
        self.violation = violation


class _Broken(Exception):
    def __init__(self, rule: str, detail: str):
        super().__init__(rule, detail)
        self.rule, self.detail = rule, detail


_NONZERO = re.compile(r"[^0]")


def _next_nonzero(bits: str, start: int) -> int:
    """Index of the first character of `bits` from `start` on that is not "0", or -1."""
    m = _NONZERO.search(bits, start)
    return m.start() if m else -1


def _known(bits: str) -> bool:
    return bits != "" and all(c in "01" for c in bits)


def _hex(bits: str) -> str:
    return hex(int(bits, 2)) if _known(bits) else bits


# The fields the rules read (CTRL_X's list). A transfer that fires at its first clock is
# held by nobody, so only these are read from it (and every field of a tapped channel).
RULE_FIELDS = frozenset({"id", "addr", "len", "size", "burst", "last"})
UNREAD = "-"        # a payload entry not read (a field no rule reads, on such a transfer)


class _Channel:
    """Handshake state of one valid/ready channel: VALID stability and payload holding."""

    __slots__ = ("name", "valid", "ready", "fields", "signals", "pending", "held", "at_once")

    def __init__(self, name: str, valid: str, ready: str | None, fields: Sequence[str],
                 signals: Sequence[str]):
        self.name = name                  # "aw", "w", ... or "" for a stream
        self.valid, self.ready = valid, ready
        self.fields = tuple(fields)       # field names ("id", "len", ...)
        self.signals = tuple(signals)     # signal names, same order
        self.pending = False              # VALID high and READY low at the last sample
        self.held: tuple[str, ...] = ()
        # what a transfer firing at its first clock reads: the signal, or None (UNREAD)
        self.at_once = tuple(s if f in RULE_FIELDS else None for f, s in zip(fields, signals))

    def read_all(self) -> None:
        """Read every field of every transfer (a tap hands them on)."""
        self.at_once = self.signals

    def reset(self) -> None:
        self.pending = False

    def step(self, read: Read) -> tuple[bool, bool, tuple[str, ...]]:
        """(new, fire, payload) for this sample; raises _Broken on a handshake rule."""
        v = read(self.valid)
        r = read(self.ready) if self.ready else "1"
        if v not in ("0", "1"):
            raise _Broken("VALID_X", f"{self.valid} = {v}")
        if r not in ("0", "1"):
            raise _Broken("READY_X", f"{self.ready} = {r}")
        if self.pending:
            if v != "1":
                raise _Broken("VALID_DROPPED", f"{self.valid} fell before {self.ready}")
            payload = tuple([read(s) for s in self.signals])
            if payload != self.held:
                changed = [f"{s} {_hex(a)} -> {_hex(b)}"
                           for s, a, b in zip(self.signals, self.held, payload) if a != b]
                raise _Broken("PAYLOAD_CHANGED", f"while waiting for {self.ready}: "
                              + ", ".join(changed))
            new = False
        elif v == "1":
            if r == "1":            # fires now, so nothing is held: the rules' fields only
                payload = tuple([read(s) if s else UNREAD for s in self.at_once])
            else:
                payload = tuple([read(s) for s in self.signals])
            new = True
        else:
            return False, False, ()
        fire = r == "1"
        self.pending = not fire
        self.held = payload
        return new, fire, payload

    def field(self, payload: tuple[str, ...], name: str, default: int = 0) -> int:
        """Integer value of a control field (default if the port has no such signal)."""
        try:
            bits = payload[self.fields.index(name)]
        except ValueError:
            return default
        if bits == UNREAD:
            raise RuntimeError(f"a rule reads {self.signals[self.fields.index(name)]}, "
                               "which is not in RULE_FIELDS (so not read on a transfer "
                               "that fires at once)")
        if not _known(bits):
            raise _Broken("CTRL_X", f"{self.signals[self.fields.index(name)]} = {bits} "
                          "on a transfer")
        return int(bits, 2)


class PortRules:
    """The rule engine of one port. `signals` are the names present on the port
    (e.g. "awvalid", "awlen" for an AXI port, "valid", "intid" for a stream)."""

    def __init__(self, port: str, kind: str, signals: Iterable[str], data_bytes: int = 8):
        self.port, self.kind = port, kind
        present = set(signals)
        self.channels: dict[str, _Channel] = {}
        self.levels: tuple[str, ...] = ()
        self.data_bytes = data_bytes
        self.transfers: dict[str, int] = defaultdict(int)   # handshakes per channel seen
        if kind in (AXI4, AXI4LITE):
            table = _AXI_FIELDS if kind == AXI4 else _LITE_FIELDS
            for ch, fields in table.items():
                if f"{ch}valid" not in present:
                    continue
                have = [f for f in fields if f"{ch}{f}" in present]
                self.channels[ch] = _Channel(ch, f"{ch}valid", f"{ch}ready"
                                             if f"{ch}ready" in present else None,
                                             have, [f"{ch}{f}" for f in have])
            if not self.channels:
                raise ValueError(f"{port}: no AXI channel found (signals {sorted(present)})")
        elif kind == STREAM:
            if "valid" not in present:
                raise ValueError(f"{port}: a stream needs {port}_valid")
            have = sorted(present - {"valid", "ready"})
            self.channels[""] = _Channel("", "valid", "ready" if "ready" in present else None,
                                         have, have)
        elif kind == LEVEL:
            self.levels = tuple(sorted(present))    # each a whole signal name
        else:
            raise ValueError(f"{port}: unknown port kind {kind!r}")
        self._clear()

    def reset(self) -> None:
        """Forget every outstanding transaction (the port is being reset)."""
        self._clear()

    def _clear(self) -> None:
        for ch in self.channels.values():
            ch.reset()
        # AXI4 write side: AWs waiting for their W burst, W bursts that came first,
        # beats of the current W burst, and per ID the writes ready for a B.
        self.aw_wait: deque[tuple[int, int]] = deque()
        self.w_early: deque[int] = deque()
        self.w_beats = 0
        self.b_due: dict[int, int] = defaultdict(int)
        self.aw_open: dict[int, int] = defaultdict(int)   # AW accepted, no B yet
        # AXI4 read side: per ID, outstanding ARLENs in order and the current beat count
        self.r_due: dict[int, deque[int]] = defaultdict(deque)
        self.r_beats: dict[int, int] = defaultdict(int)
        # AXI4-Lite counters
        self.n = defaultdict(int)
        self.steps: dict = {}

    def sample(self, in_reset: bool, read: Read, only: Sequence | None = None) -> None:
        """Check one clock's values; raises _Broken on the first rule broken. The
        clock's (new, fire, payload) per channel is kept in `steps` (ProtocolChecker.tap).
        `only`: the channels (None: the levels) with something to check this clock (look
        mode); the others are taken as idle or still waiting with their payload held,
        which changes nothing (tb/hdl/tb_chk_look.v)."""
        self.steps = {}
        if in_reset:
            for ch in self.channels.values():
                v = read(ch.valid)
                if v != "0":
                    raise _Broken("VALID_IN_RESET", f"{ch.valid} = {v} while reset is asserted")
            self._clear()
            return
        if only is None or None in only:
            for name in self.levels:
                bits = read(name)
                if not _known(bits):
                    raise _Broken("LEVEL_X", f"{name} = {bits}")
        if not self.channels:
            return
        if only is None:
            steps = self.steps = {name: ch.step(read) for name, ch in self.channels.items()}
        else:
            steps = self.steps = {name: ch.step(read) for name, ch in self.channels.items()
                                  if name in only}
        for name, (_, fire, _) in steps.items():
            if fire:
                self.transfers[name] += 1
        if self.kind == AXI4:
            self._axi4(steps)
        elif self.kind == AXI4LITE:
            self._lite(steps)

    # --- AXI4 ------------------------------------------------------------------------
    def _axi4(self, s) -> None:
        ch = self.channels
        # responses first: they may only answer requests accepted in an EARLIER cycle
        if "b" in s:
            new, fire, p = s["b"]
            if new or fire:
                bid = ch["b"].field(p, "id")
                if new and self.b_due[bid] == 0:
                    why = ("its AW is accepted but not its last W beat" if self.aw_open[bid]
                           else "no AW of that ID is outstanding")
                    raise _Broken("B_UNEXPECTED", f"BVALID with BID {bid:#x}: {why}")
                if fire:
                    self.b_due[bid] -= 1
                    self.aw_open[bid] -= 1
        if "r" in s:
            new, fire, p = s["r"]
            if new or fire:
                rid = ch["r"].field(p, "id")
                due = self.r_due[rid]
                if new and not due:
                    raise _Broken("R_UNEXPECTED", f"RVALID with RID {rid:#x}: no AR of that "
                                  "ID is outstanding")
                if fire:
                    last = ch["r"].field(p, "last", 1)
                    self.r_beats[rid] += 1
                    beats, want = self.r_beats[rid], due[0] + 1
                    if last and beats != want:
                        raise _Broken("R_BEATS", f"RLAST on beat {beats} of RID {rid:#x}, "
                                      f"ARLEN+1 = {want}")
                    if not last and beats == want:
                        raise _Broken("R_BEATS", f"no RLAST on beat {beats} of RID {rid:#x} "
                                      f"(ARLEN+1 = {want})")
                    if last:
                        due.popleft()
                        self.r_beats[rid] = 0
        if "aw" in s and s["aw"][1]:
            c, p = ch["aw"], s["aw"][2]
            awid, awlen = c.field(p, "id"), c.field(p, "len")
            self._burst("AW", c, p, awlen)
            self.aw_open[awid] += 1
            if self.w_early:            # its data came first (allowed, A3.3.1)
                beats = self.w_early.popleft()
                if beats != awlen + 1:
                    raise _Broken("W_BEATS", f"W burst of {beats} beats sent before its AW, "
                                  f"AWLEN+1 = {awlen + 1} (AWID {awid:#x})")
                self.b_due[awid] += 1
            else:
                self.aw_wait.append((awid, awlen))
        if "ar" in s and s["ar"][1]:
            c, p = ch["ar"], s["ar"][2]
            arlen = c.field(p, "len")
            self._burst("AR", c, p, arlen)
            self.r_due[c.field(p, "id")].append(arlen)
        if "w" in s and s["w"][1]:
            last = ch["w"].field(s["w"][2], "last", 1)
            self.w_beats += 1
            beats = self.w_beats
            if self.aw_wait:
                awid, awlen = self.aw_wait[0]
                if last and beats != awlen + 1:
                    raise _Broken("W_BEATS", f"WLAST on beat {beats}, AWLEN+1 = {awlen + 1} "
                                  f"(AWID {awid:#x})")
                if not last and beats == awlen + 1:
                    raise _Broken("W_BEATS", f"no WLAST on beat {beats} (AWLEN+1 = "
                                  f"{awlen + 1}, AWID {awid:#x})")
            elif beats > 256:
                raise _Broken("W_BEATS", "more than 256 W beats without WLAST")
            if last:
                self.w_beats = 0
                if self.aw_wait:
                    self.b_due[self.aw_wait.popleft()[0]] += 1
                else:
                    self.w_early.append(beats)

    def _burst(self, name: str, c: _Channel, p, length: int) -> None:
        """Address-channel burst rules (IHI 0022 A3.4.1)."""
        if "addr" not in c.fields:
            return
        addr = c.field(p, "addr")
        size = c.field(p, "size", (self.data_bytes - 1).bit_length())
        burst = c.field(p, "burst", 1)
        nbytes = 1 << size
        if nbytes > self.data_bytes:
            raise _Broken("AXSIZE", f"{name}SIZE {size} ({nbytes} bytes) on a "
                          f"{self.data_bytes}-byte bus")
        total = (length + 1) * nbytes
        if burst == _BURST_WRAP:
            if length + 1 not in (2, 4, 8, 16) or addr % nbytes:
                raise _Broken("BURST_WRAP", f"WRAP burst {name}LEN {length} at {addr:#x}, "
                              f"{name}SIZE {size}")
            start = addr - addr % total
        elif burst == 1:
            start = addr - addr % nbytes
        else:
            return                              # FIXED: the same bytes every beat
        if start // 4096 != (start + total - 1) // 4096:
            raise _Broken("BURST_4K", f"{name} burst at {addr:#x} of {length + 1} x {nbytes} "
                          "bytes crosses a 4 KiB boundary")

    # --- AXI4-Lite: one beat per transaction, responses in order --------------------
    def _lite(self, s) -> None:
        n = self.n
        if "b" in s and s["b"][0] and min(n["aw"], n["w"]) <= n["b"]:
            why = "its AW is accepted but not its W" if n["aw"] > n["b"] else (
                "its W is accepted but not its AW" if n["w"] > n["b"] else
                "no write is outstanding")
            raise _Broken("B_UNEXPECTED", f"BVALID: {why}")
        if "r" in s and s["r"][0] and n["ar"] <= n["r"]:
            raise _Broken("R_UNEXPECTED", "RVALID with no read outstanding")
        for name, (_, fire, _) in s.items():
            n[name] += fire


# --- which ports a module has: read from its RTL header, so no port can be forgotten ----
_ROOT = Path(__file__).resolve().parent.parent
# every block's rtl/ (tb/rtl_files.py) and the testbench HDL
_RTL_DIRS = (*rtl_files.rtl_dirs(), _ROOT / "tb" / "hdl")
_DECL = re.compile(r"\b(input|output)\s+(?:wire|reg)?\s*(?:signed\s*)?(\[[^\]]*\])?\s*(\w+)")


def _rtl_decls(module: str) -> tuple[tuple[str, str, str], ...]:
    """(direction, range, name) of each port in Verilog `module`'s ANSI port list."""
    return _rtl_decls_in(module, tuple(_RTL_DIRS))


@functools.lru_cache(maxsize=None)
def _rtl_decls_in(module: str, dirs: tuple[Path, ...]) -> tuple[tuple[str, str, str], ...]:
    # cached: a system bench binds and checks ~40 ports, each reading its module's header
    files = [f for d in dirs for f in d.rglob(f"{module}.v")]
    if not files:
        raise FileNotFoundError(f"no RTL file {module}.v under {', '.join(map(str, _RTL_DIRS))}")
    text = re.sub(r"//[^\n]*", "", files[0].read_text())
    m = re.search(rf"\bmodule\s+{module}\s*(?:#\s*\(.*?\)\s*)?\((.*?)\)\s*;", text, re.S)
    if m is None:
        raise ValueError(f"{files[0]}: no ANSI port list for module {module}")
    return tuple(_DECL.findall(m.group(1)))


def handshake_signals(module: str, prefix: str, kind: str) -> list[str]:
    """The signals of one port of `module` that the checker reads every clock (VALIDs,
    READYs, a level): what a bundle (ProtocolChecker.use_bundle) carries."""
    if kind == LEVEL:
        return [prefix]
    names = {n for _, _, n in _rtl_decls(module)}
    chans = ("",) if kind == STREAM else ("aw", "w", "b", "ar", "r")
    return [f"{prefix}_{ch}{s}" for ch in chans for s in ("valid", "ready")
            if f"{prefix}_{ch}{s}" in names]


# --- look mode: an HDL filter (tb/hdl/tb_chk_look.v) says which ports to sample ----------
LOOK_LANES = 8          # tb_chk_look's N and W: the most a channel may carry
LOOK_BITS = 256
# the look vector's two entries that are not channels: the reset, and the clocks the
# on_clock monitors need
LOOK_RESET = "rst"
LOOK_MONITORS = "monitors"


def look_channels(module: str, prefix: str, kind: str) -> list[tuple[str, str, str | None, list[str]]]:
    """(channel, VALID, READY or None, payload signals) of one port of Verilog `module`,
    from its RTL header: what a tb_chk_look instance watches for the port. The same
    names the checker binds (PortRules), so use_look can check the two agree."""
    names = [n for _, _, n in _rtl_decls(module)]
    have = set(names)
    out = []
    if kind in (AXI4, AXI4LITE):
        table = _AXI_FIELDS if kind == AXI4 else _LITE_FIELDS
        for ch, fields in table.items():
            valid = f"{prefix}_{ch}valid"
            if valid in have:
                ready = f"{prefix}_{ch}ready"
                out.append((ch, valid, ready if ready in have else None,
                            [f"{prefix}_{ch}{f}" for f in fields if f"{prefix}_{ch}{f}" in have]))
    elif kind == STREAM:
        stem = f"{prefix}_"
        ready = f"{prefix}_ready"
        payload = sorted(n for n in names if n.startswith(stem) and n not in
                         (f"{prefix}_valid", ready))
        out.append(("", f"{prefix}_valid", ready if ready in have else None, payload))
    return out


def look_label(port: str, channel: str) -> str:
    """A look bit's name: the port's ("g_smmu.u_smmu.s_axi") and ":<channel>" for an
    AXI channel ("s_axi:aw"); a stream's or a level's is the port's alone."""
    return f"{port}:{channel}" if channel else port


def _is_vector(module: str, signal: str) -> bool:
    """Whether `signal` is declared with a range in `module`'s header (a VALID that is
    a vector belongs to a flattened port of several lanes)."""
    return any(rng for _d, rng, n in _rtl_decls(module) if n == signal)


def render_look(ports: Sequence[tuple[str, str, str, str]], ref: str, vector: str,
                clk: str = "clk", rst: str = "rst", indent: str = "    ") -> tuple[list[str], list[str]]:
    """Verilog lines for look mode over `ports` [(label, module, prefix, kind)]:
    `vector` with one bit per channel and level (bit i for labels[i], look_label),
    then bit LOOK_RESET (rst is not 0). A port's label is the checker's name for it:
    the instance path below the checked top and the prefix ("g_smmu.u_smmu.s_axi");
    `ref` is that top's path from where the lines go ("u_dut.", or "" for local
    wires). Returns (lines, labels); the caller assigns the last bit, LOOK_MONITORS
    (its monitors' conditions, or 0).

    A bit is tb/hdl/tb_chk_look.v's rule. A flattened port's channel gets an instance
    of it; the single-lane channels share one vector form of it, because Icarus pays
    for every always block on every clock (a LOAD_VEC4 costs it a dynamic_cast): one
    block registers every channel's `pend`, and "payload changed while pending" is,
    under Icarus, an event (an always block per channel woken only by a payload
    change, cleared at each edge: a superset of a changed value, still conservative),
    under Verilator the value compare of tb_chk_look.v (a register per channel costs a
    compiled model nothing)."""
    labels: list[str] = []
    lines: list[str] = []
    single = []             # (bit, VALID, READY, payload): the vector form
    for label, module, prefix, kind in ports:
        ref_ = ref + label[:len(label) - len(prefix)]      # "u_dut." + "g_smmu.u_smmu."
        if kind == LEVEL:           # LEVEL_X only
            lines.append(f"{indent}assign {vector}[{len(labels)}] = ((^{ref_}{prefix}) === 1'bx);"
                         f"   // {label}")
            labels.append(label)
            continue
        for ch, valid, ready, payload in look_channels(module, prefix, kind):
            i = len(labels)
            labels.append(look_label(label, ch))
            pay = "{" + ", ".join(ref_ + s for s in payload) + "}" if payload else "1'b0"
            if not _is_vector(module, valid):
                single.append((i, ref_ + valid, ref_ + ready if ready else "1'b1", pay,
                               [ref_ + s for s in payload]))
                continue
            rdy = ref_ + ready if ready else f"{{{LOOK_LANES}{{1'b1}}}}"    # always ready
            # zero-extended by assignment (a port would warn at every build)
            lines.append(f"{indent}wire [{LOOK_LANES}-1:0] {vector}_v{i} = {ref_}{valid}, "
                         f"{vector}_r{i} = {rdy};   // {labels[-1]}")
            lines.append(f"{indent}wire [{LOOK_BITS}-1:0] {vector}_p{i} = {pay};")
            lines.append(f"{indent}tb_chk_look #(.N({LOOK_LANES}), .W({LOOK_BITS})) l_{vector}_{i} "
                         f"(.clk({clk}), .rst({rst}), .valid({vector}_v{i}), .ready({vector}_r{i}),")
            lines.append(f"{indent}    .payload({vector}_p{i}), .look({vector}[{i}]));")
    lines.append(f"{indent}assign {vector}[{len(labels)}] = ({rst} !== 1'b0);   // {LOOK_RESET}")
    if single:
        lines += _render_look_single(single, vector, clk, rst, indent)
    labels += [LOOK_RESET, LOOK_MONITORS]
    head = [f"{indent}/* verilator lint_off UNUSEDSIGNAL */   // read by Python only",
            f"{indent}wire [{len(labels)}-1:0] {vector};   // bit i: labels[i] "
            "(tb/protocol_checker.py render_look)",
            f"{indent}/* verilator lint_on UNUSEDSIGNAL */"]
    return head + lines, labels


def _render_look_single(single, vector: str, clk: str, rst: str, indent: str) -> list[str]:
    """render_look's vector form of tb_chk_look.v for the single-lane channels: one
    always block for every `pend`, the rest 1-bit continuous logic per channel (a
    wide bitwise functor costs Icarus the whole width at every change of any bit)."""
    k, v = len(single), f"{vector}_s"
    msb_first = list(reversed(single))
    out = [f"{indent}// the {k} single-lane channels, bit j of {v}_*: channel j below",
           f"{indent}wire [{k}-1:0] {v}_valid = {{" + ", ".join(c[1] for c in msb_first) + "};",
           f"{indent}wire [{k}-1:0] {v}_ready = {{" + ", ".join(c[2] for c in msb_first) + "};",
           f"{indent}reg  [{k}-1:0] {v}_pend;      // VALID high without READY at the last edge",
           f"{indent}wire [{k}-1:0] {v}_chg;       // the payload changed since the last edge",
           "`ifdef VERILATOR",
           f"{indent}always @(posedge {clk}) {v}_pend <= {rst} ? {{{k}{{1'b0}}}} : ({v}_valid & ~{v}_ready);",
           "`else",
           f"{indent}reg  [{k}-1:0] {v}_dirty;",
           f"{indent}always @(posedge {clk}) begin",
           f"{indent}    {v}_pend <= {rst} ? {{{k}{{1'b0}}}} : ({v}_valid & ~{v}_ready);",
           f"{indent}    {v}_dirty <= {{{k}{{1'b0}}}};     // a change after this edge sets it again",
           f"{indent}end",
           f"{indent}assign {v}_chg = {v}_dirty;",
           "`endif"]
    for j, (i, valid, ready, pay, sigs) in enumerate(single):
        # Icarus: woken by the payload signals themselves (a concatenation would be
        # rebuilt bit by bit at every change)
        out += ["`ifdef VERILATOR",
                f"{indent}wire [{LOOK_BITS}-1:0] {v}_p{j} = {pay};   // bit {i}",
                f"{indent}reg [{LOOK_BITS}-1:0] {v}_h{j};",
                f"{indent}always @(posedge {clk}) if ({v}_valid[{j}]) {v}_h{j} <= {v}_p{j};",
                f"{indent}assign {v}_chg[{j}] = {v}_p{j} != {v}_h{j};",
                "`else",
                (f"{indent}always @({' or '.join(sigs)}) {v}_dirty[{j}] <= 1'b1;   // bit {i}"
                 if sigs else f"{indent}// bit {i}: no payload"),
                "`endif"]
        # fresh or fire, dropped or changed while waiting, X on VALID or READY
        out.append(f"{indent}assign {vector}[{i}] = ({valid} & (~{v}_pend[{j}] | {ready}))"
                   f" | ({v}_pend[{j}] & (~{valid} | {v}_chg[{j}])) | (({valid} ^ {ready}) === 1'bx);")
    return out


def bundle_split(signals: Iterable[str]) -> tuple[list[str], list[str]]:
    """handshake_signals' names split as use_bundle takes them: (VALIDs, READYs and levels)."""
    signals = list(signals)
    return ([s for s in signals if s.endswith("valid")],
            [s for s in signals if not s.endswith("valid")])


def rtl_ports(module: str) -> list[tuple[str, str]]:
    """The checkable ports of Verilog `module` (found as <module>.v under hdl/ or
    tb/hdl/), from its ANSI port list: an AXI port per prefix with *_{aw,w,b,ar,r}valid
    (AXI4 if it has AxLEN or xLAST, else AXI4-Lite), a STREAM per *_valid, a LEVEL per
    output named *irq*. A port whose VALID is a vector is a flattened bundle of
    several ports (verilog-axi style); the checker splits it into lanes when it binds."""
    decls = _rtl_decls(module)
    names = {n for _, _, n in decls}
    ports: list[tuple[str, str]] = []
    for direction, width, name in decls:
        axi = re.fullmatch(r"(\w+)_(aw|w|b|ar|r)valid", name)
        stream = re.fullmatch(r"(\w+)_valid", name)
        if axi:
            p = axi.group(1)
            lite = not any(f"{p}_{s}" in names for s in ("awlen", "arlen", "wlast", "rlast"))
            kind = AXI4LITE if lite else AXI4
            if (p, kind) not in ports:
                ports.append((p, kind))
        elif stream:
            ports.append((stream.group(1), STREAM))
        elif direction == "output" and "irq" in name:
            ports.append((name, LEVEL))
    return ports


def _signals(dut, prefix: str, kind: str) -> dict:
    """The handles of one port: {suffix: handle}."""
    if kind == LEVEL:
        return {prefix: getattr(dut, prefix)}
    stem = f"{prefix}_"
    names = [h._name[len(stem):] for h in dut if h._name.startswith(stem)]
    if kind in (AXI4, AXI4LITE):
        # only AXI signal names, so "s_axi" does not take in s_axi_dev0_*
        axi = {f"{ch}{f}" for ch, fs in _AXI_FIELDS.items() for f in (*fs, "valid", "ready")}
        names = [n for n in names if n in axi]
    return {n: getattr(dut, stem + n) for n in names}


def _lanes(handles: dict) -> int:
    """How many ports are flattened into these vectors (the width of a VALID)."""
    valids = [h for n, h in handles.items() if n.endswith("valid")]
    return len(valids[0]) if valids else 1


class _BoundPort:
    """A PortRules bound to the DUT's signal handles; `lane` (i, n) picks port i of
    n flattened into each vector (port 0 in the least significant bits)."""

    def __init__(self, handles: dict, kind: str, label: str, lane: tuple[int, int] = (0, 1)):
        self.prefix = label
        self.kind, self.lane = kind, lane
        # each signal's path below the checker's dut, as a bundle lists it
        base = label.split("[")[0]
        self.paths = {name: base if kind == LEVEL else f"{base}_{name}" for name in handles}
        self.fast = None       # (valid range, other range, {name: (vector, lo, hi)}): use_bundle
        self.taps: dict[str, list] = {}     # channel -> callbacks (ProtocolChecker.tap)
        i, n = lane
        widths = {}
        for name, h in handles.items():
            w, rest = divmod(len(h), n)
            if rest or not w:
                raise ValueError(f"{label}: {name} is {len(h)} bits, not {n} equal lanes")
            widths[name] = w
        self.widths = widths
        data = "wdata" if "wdata" in widths else "rdata"
        self.rules = PortRules(label, kind, handles,
                               data_bytes=max(1, widths[data] // 8) if data in widths else 8)
        raw = {name: h._handle for name, h in handles.items()}
        if n == 1:
            # the raw GPI value as a binary string: one call, no LogicArray per sample
            self.read: Read = lambda name: raw[name].get_signal_val_binstr()
        else:
            cut = {name: ((n - 1 - i) * w, (n - i) * w) for name, w in widths.items()}

            def read(name: str) -> str:
                lo, hi = cut[name]
                return raw[name].get_signal_val_binstr()[lo:hi]
            self.read = read


def _bind(dut, prefix: str, kind: str, label: str) -> list[_BoundPort]:
    handles = _signals(dut, prefix, kind)
    n = _lanes(handles) if kind != LEVEL else 1
    if n == 1:
        return [_BoundPort(handles, kind, label)]
    return [_BoundPort(handles, kind, f"{label}[{i}]", (i, n)) for i in range(n)]


class ProtocolChecker:
    """One passive checker over several ports of one DUT, sampled by one coroutine.

    The first violation is logged, kept in `violation`, and raised as
    ProtocolViolation from the checker's task, which fails the running cocotb test;
    `check()` raises it again for a TB's end-of-test path."""

    def __init__(self, dut, clk, rst, ports: Sequence[PortSpec], *,
                 rst_active: int = 1, name: str | None = None):
        self.name = name or dut._name
        self.log = logging.getLogger(f"cocotb.{self.name}.protocol")
        self.clk = clk
        self._rst = rst._handle
        self._rst_on = str(rst_active)
        self.ports: list[_BoundPort] = []
        for spec in ports:
            if len(spec) == 2:
                self.ports += _bind(dut, spec[0], spec[1], spec[0])
            else:            # a port of an instance below dut, named "<instance>.<prefix>"
                inst, prefix, kind = spec
                self.ports += _bind(inst, prefix, kind, f"{_path(dut, inst)}.{prefix}")
        self.log.info("protocol checker on %d ports: %s", len(self.ports),
                      ", ".join(self.port_names))
        self.violation: Violation | None = None
        self._root = dut
        self._bundled = False
        self._pending: set = set()     # ports with a VALID waiting for READY (bundle mode)
        self._look = None              # (vector handle, [ports per bit], cycle counter): use_look
        self._on_clock: list[Callable[[], None]] = []
        self._cycle = 0
        self._seen_reset = False
        self._in_reset = False
        self._task = None

    def use_bundle(self, valid_vec, valid_paths: Sequence[str], other_vec,
                   other_paths: Sequence[str]) -> list[str]:
        """Read the ports' VALIDs (valid_vec) and READYs and levels (other_vec) as two
        vectors per clock instead of two signal reads per channel. Each vector is the
        concatenation, most significant first, of the signals *_paths name (paths below
        this checker's dut; a wider vector is zero-padded on the left): tb/hdl's
        msi_system_tb builds them (scripts/gen_system_tb.py). A port then costs nothing
        on a clock its VALIDs are 0, its READYs and levels known and nothing of it waits
        for READY; else its rules run as before, payload read from the signals. A port
        with a signal in neither vector keeps reading its signals; returns their names."""
        def layout(vec, paths):
            offs, off = {}, 0
            for path in paths:
                h = self._root
                for part in path.split("."):
                    h = getattr(h, part)
                offs[path] = (off, len(h))
                off += len(h)
            if off > len(vec):
                raise ValueError(f"{vec._path}: {len(vec)} bits, the signals it carries {off}")
            return offs, off
        voffs, self._vtot = layout(valid_vec, valid_paths)
        ooffs, self._otot = layout(other_vec, other_paths)
        self._vraw, self._oraw = valid_vec._handle, other_vec._handle
        slow = []
        for port in self.ports:
            i, n = port.lane
            where, vr, orr = {}, [], []
            for name, path in port.paths.items():
                if not (name.endswith(("valid", "ready")) or port.kind == LEVEL):
                    continue
                which, offs = (0, voffs) if name.endswith("valid") else (1, ooffs)
                if path not in offs:
                    slow.append(f"{port.prefix}:{name}")
                    where = None
                    break
                off, w = offs[path]
                lw = port.widths[name]
                lo, hi = off + (n - 1 - i) * lw, off + (n - i) * lw
                where[name] = (which, lo, hi)
                (vr if which == 0 else orr).append((lo, hi))
            if where is not None:
                span = lambda r: (min(a for a, _ in r), max(b for _, b in r)) if r else (0, 0)
                port.fast = (span(vr), span(orr), where)
        self._bundled = True
        self._fast_ports = [p for p in self.ports if p.fast is not None]
        self._slow_ports = [p for p in self.ports if p.fast is None]
        if slow:
            self.log.warning("protocol checker: not in the bundle, read per clock: %s",
                             ", ".join(slow))
        return slow

    def use_look(self, vector, labels: Sequence[str], layout: Sequence[tuple[str, str, str, str]],
                 cycle_counter) -> None:
        """Sample a channel only on the clocks its bit of `vector` (tb/hdl/tb_chk_look.v,
        written by render_look over `layout`) is 1, and wake only when some bit is: a
        clock a filter does not pass leaves that channel's rules as they were
        (tb_chk_look.v says why), so the checks are the clock-by-clock ones. `labels`
        names each bit; every checked channel and level needs one (lanes share their
        port's), or this raises, as it does when a channel binds a signal the filter
        does not watch. The on_clock monitors run on the clocks bit LOOK_MONITORS is
        1 (the HDL ORs their own conditions into it). `cycle_counter` counts rising
        edges (for the cycle a violation names)."""
        if self._cycle:
            raise RuntimeError(f"use_look after the checker sampled {self._cycle} clocks")
        bit = {label: i for i, label in enumerate(labels)}
        if len(vector) != len(labels) or LOOK_RESET not in bit or LOOK_MONITORS not in bit:
            raise ValueError(f"{vector._path}: {len(vector)} bits for labels {list(labels)} "
                             f"(want one per label, with {LOOK_RESET!r} and {LOOK_MONITORS!r})")
        watched = {look_label(label, ch): (ready, [n[len(prefix) + 1:] for n in payload])
                   for label, module, prefix, kind in layout
                   for ch, _v, ready, payload in look_channels(module, prefix, kind)}
        n = len(labels)
        plan = []           # (port, [(character index, channel or None for the levels)])
        for port in self.ports:
            base = port.prefix.split("[")[0]
            at = []
            if port.rules.levels:
                if base not in bit:
                    raise ValueError(f"look mode: level {port.prefix} has no bit in {vector._path}")
                at.append((n - 1 - bit[base], None))
            for ch, c in port.rules.channels.items():
                name = look_label(base, ch)
                if name not in bit or name not in watched:
                    raise ValueError(f"look mode: {port.prefix} channel {ch or 'stream'!r} has "
                                     f"no bit in {vector._path}")
                ready, payload = watched[name]
                if sorted(c.signals) != sorted(payload) or (c.ready is None) != (ready is None):
                    raise ValueError(f"look mode: {port.prefix} channel {ch or 'stream'!r} binds "
                                     f"{c.signals}, the filter watches {payload}")
                width = sum(port.widths[sig] * port.lane[1] for sig in c.signals)
                if port.lane[1] > LOOK_LANES or width > LOOK_BITS:
                    raise ValueError(f"look mode: {name} has {port.lane[1]} lanes and "
                                     f"{width} payload bits; tb_chk_look takes {LOOK_LANES} "
                                     f"and {LOOK_BITS}")
                # binary strings are most significant first: bit i is character n-1-i
                at.append((n - 1 - bit[name], ch))
            plan.append((port, at))
        self._look_vec = vector
        self._look = (vector._handle, plan, cycle_counter._handle,
                      n - 1 - bit[LOOK_RESET], n - 1 - bit[LOOK_MONITORS])
        if self._task is not None:          # started, no clock seen yet: restart in look mode
            self._task.cancel()
            self._task = cocotb.start_soon(self._run_look())

    @property
    def port_names(self) -> list[str]:
        return [p.prefix for p in self.ports]

    def start(self) -> "ProtocolChecker":
        if self._task is None:
            self._task = cocotb.start_soon(self._run_look() if self._look else self._run())
        return self

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def wait(self) -> None:
        """Await the checker's task: returns only by raising its ProtocolViolation
        (a test that awaits it catches the violation instead of failing)."""
        if self._task is not None:
            await self._task

    def check(self) -> None:
        """Raise the first violation seen, if any (for end-of-test paths)."""
        if self.violation is not None:
            raise ProtocolViolation(self.violation)

    def _reset_state(self) -> bool | None:
        """This edge's reset: True in reset, False out of it, None where the rules have
        nothing to check (before the first reset, or its first edge)."""
        r = self._rst.get_signal_val_binstr()
        if r == self._rst_on:
            first = not self._in_reset
            self._seen_reset = self._in_reset = True
            self._pending.clear()       # the rules forget every transfer in reset
            if first:
                # a synchronous reset clears registers AT this edge: VALIDs are held
                # low from the next edge on
                for port in self.ports:
                    port.rules.reset()
                return None
            return True
        if not self._seen_reset or r not in ("0", "1"):
            return None                 # before the first reset nothing is defined
        self._in_reset = False
        return False

    async def _run(self) -> None:
        edge = RisingEdge(self.clk)
        ports = self.ports
        while True:
            await edge              # pre-edge values: what this edge captures
            self._cycle += 1
            in_reset = self._reset_state()
            if in_reset is None:
                continue
            if self._bundled and not in_reset:
                self._sample_bundled()
            else:
                for port in ports:
                    self._sample(port, in_reset, port.read)
            for fn in self._on_clock:
                fn()

    async def _run_look(self) -> None:
        """_run, on the clocks tb_chk_look passes only (use_look)."""
        vec, plan, _counter, _rst_at, mon_at = self._look
        where: dict[int, list] = {}        # character index -> [(port index, channel)]
        for k, (_port, at) in enumerate(plan):
            for i, ch in at:
                where.setdefault(i, []).append((k, ch))
        edge, wake = RisingEdge(self.clk), ValueChange(self._look_vec)
        while True:
            await edge              # pre-edge values: what this edge captures
            bits = vec.get_signal_val_binstr()
            if not bits.strip("0"):
                await wake          # nothing to look at until some bit rises
                continue
            in_reset = self._reset_state()  # bit rst_at keeps this waking while rst is not 0
            if in_reset is None:
                continue
            if in_reset:            # the clock-by-clock rules (VALID_IN_RESET)
                for port in self.ports:
                    self._sample(port, True, port.read)
                continue
            # the few bits that are not 0 (1, or X: look), grouped by port in port order
            todo: dict[int, list] = {}
            i = -1
            while True:
                i = _next_nonzero(bits, i + 1)
                if i < 0:
                    break
                for k, ch in where.get(i, ()):
                    todo.setdefault(k, []).append(ch)
            for k in sorted(todo):
                self._sample(plan[k][0], False, plan[k][0].read, todo[k])
            if bits[mon_at] != "0":
                for fn in self._on_clock:
                    fn()

    @property
    def cycle(self) -> int:
        """Rising edges since the checker started, this one included when read at an
        edge (in look mode from the HDL counter: the checker skips clocks)."""
        if self._look is None:
            return self._cycle
        bits = self._look[2].get_signal_val_binstr()
        return int(bits, 2) + 1 if _known(bits) else 0

    def on_clock(self, fn: Callable[[], None]) -> None:
        """Call fn() on every clock the checker samples (from the first reset on, before
        the edge's updates): a per-clock monitor without a coroutine of its own."""
        self._on_clock.append(fn)

    def _sample(self, port: _BoundPort, in_reset: bool, read: Read, only=None) -> None:
        try:
            port.rules.sample(in_reset, read, only)
        except _Broken as b:
            self.violation = Violation(port.prefix, b.rule, self.cycle,
                                       get_sim_time("ns"), b.detail)
            self.log.error("%s", self.violation)
            raise ProtocolViolation(self.violation) from None
        taps = port.taps
        if taps:
            for ch, (_, fire, payload) in port.rules.steps.items():
                if fire and ch in taps:
                    fields = dict(zip(port.rules.channels[ch].fields, payload))
                    for cb in taps[ch]:
                        cb(fields)

    def tap(self, port: str, channel: str, callback: Callable[[dict], None]) -> None:
        """Call callback({field: binary string}) for every transfer on `channel` ("aw",
        ..., "" for a stream) of checked `port` (a name of port_names), on the clock edge
        the handshake completes: a monitor without a coroutine of its own."""
        for p in self.ports:
            if p.prefix == port:
                if channel not in p.rules.channels:
                    raise ValueError(f"{port} has no channel {channel!r}")
                p.rules.channels[channel].read_all()
                p.taps.setdefault(channel, []).append(callback)
                return
        raise ValueError(f"the checker has no port {port!r} ({', '.join(self.port_names)})")

    def _sample_bundled(self) -> None:
        """One clock out of reset with the bundle: only the ports with something to check."""
        vs = self._vraw.get_signal_val_binstr()[-self._vtot:] if self._vtot else ""
        os_ = self._oraw.get_signal_val_binstr()[-self._otot:] if self._otot else ""
        pending = self._pending
        for port in self._slow_ports:
            self._sample(port, False, port.read)
        if not pending and not vs.strip("0") and not os_.strip("01"):
            return                      # the common idle clock: nothing can break a rule
        for port in self._fast_ports:
            (vlo, vhi), (olo, ohi), where = port.fast
            if port not in pending and not vs[vlo:vhi].strip("0") and not os_[olo:ohi].strip("01"):
                continue
            cur = {name: (vs if which == 0 else os_)[lo:hi] for name, (which, lo, hi) in where.items()}
            slow = port.read
            self._sample(port, False, lambda name, cur=cur, slow=slow:
                         cur[name] if name in cur else slow(name))
            if any(ch.pending for ch in port.rules.channels.values()):
                pending.add(port)
            else:
                pending.discard(port)


def _path(top, inst) -> str:
    """inst's hierarchical name below top ("u_ic.u_pa_dec")."""
    full, root = inst._path, top._path
    return full[len(root) + 1:] if full.startswith(root + ".") else inst._name


def attach_checkers(dut, clk, rst, ports: Sequence[PortSpec] | None = None, *,
                    instances: Iterable = (), rst_active: int = 1,
                    name: str | None = None) -> ProtocolChecker:
    """Start one ProtocolChecker (one coroutine) on the ports of `dut` and of each
    handle in `instances` (sub-blocks inside dut, reported as "<instance>.<port>"; an
    entry (handle, [prefixes]) checks only those ports, e.g. where another entry
    already covers the same wires). Flattened ports are checked per lane ("s_axi[2]").

    ports: [(prefix, kind), ...] with kind AXI4, AXI4LITE, STREAM (prefix_valid /
    prefix_ready) or LEVEL (a signal name); by default every port of dut's module,
    read from its RTL (rtl_ports), and likewise for every instance."""
    specs: list[PortSpec] = list(ports if ports is not None else rtl_ports(dut._def_name))
    for entry in instances:
        inst, only = entry if isinstance(entry, tuple) else (entry, None)
        found = rtl_ports(inst._def_name)
        if only is not None:
            missing = set(only) - {p for p, _ in found}
            if missing:
                raise ValueError(f"{inst._path} ({inst._def_name}) has no port "
                                 f"{', '.join(sorted(missing))}")
            found = [(p, k) for p, k in found if p in only]
        specs += [(inst, prefix, kind) for prefix, kind in found]
    return ProtocolChecker(dut, clk, rst, specs, rst_active=rst_active, name=name).start()


def samples_reader(values: Mapping[str, object]) -> Read:
    """A `read` for PortRules from a {signal: value} mapping (ints or binary strings);
    absent valid/ready read as 0 (for scripted tests of the rule engine)."""
    def read(name: str) -> str:
        v = values.get(name, 0)
        return v if isinstance(v, str) else format(int(v), "b")
    return read


__all__ = ["AXI4", "AXI4LITE", "LEVEL", "STREAM", "PortRules", "ProtocolChecker", "bundle_split",
           "handshake_signals",
           "ProtocolViolation", "Violation", "attach_checkers", "rtl_ports", "samples_reader"]
