"""Unit tests of pymodel/its.py (driver model + reference) and pymodel/gicv2m.py.

Expected encodings are written from the architecture's field positions (IHI 0069
table 6-x / irq-gic-v3-its.c its_encode_*) as literals, independently of hwdefs.
"""

import pytest
from hypothesis import given, settings, strategies as st

from pymodel.gicv2m import V2mReference, msi_typer_decode, msi_typer_value
from pymodel.hwdefs import its as H
from pymodel.its import (Drop, ItsConfig, ItsError, ItsReference, Lpi, its_build_clear_cmd,
                         its_build_discard_cmd, its_build_int_cmd, its_build_inv_cmd,
                         its_build_invall_cmd, its_build_mapc_cmd, its_build_mapd_cmd,
                         its_build_mapi_cmd, its_build_mapti_cmd, its_build_movi_cmd,
                         its_build_sync_cmd, its_cmd_block, its_node,
                         its_wait_for_range_completion)
from pymodel.memory import MemoryImage, TablePageAllocator


def node(**kw):
    mem = MemoryImage()
    return its_node(mem, TablePageAllocator(mem, 0x4000_0000, 1 << 26), **kw)


# --- encodings ------------------------------------------------------------------------
@pytest.mark.parametrize("cmd,raw", [
    (its_build_mapd_cmd(0x12, 4, 0x4000_1200, True),
     [(0x12 << 32) | 0x08, 4, (1 << 63) | 0x4000_1200, 0]),
    (its_build_mapd_cmd(0x12, 4, 0x4000_1200, False), [(0x12 << 32) | 0x08, 4, 0x4000_1200, 0]),
    (its_build_mapc_cmd(3, 2 << 16, True), [0x09, 0, (1 << 63) | (2 << 16) | 3, 0]),
    (its_build_mapti_cmd(0x34, 5, 8197, 1), [(0x34 << 32) | 0x0A, (8197 << 32) | 5, 1, 0]),
    (its_build_mapi_cmd(0x34, 9000, 2), [(0x34 << 32) | 0x0B, 9000, 2, 0]),
    (its_build_movi_cmd(0x34, 5, 3), [(0x34 << 32) | 0x01, 5, 3, 0]),
    (its_build_discard_cmd(0x34, 5), [(0x34 << 32) | 0x0F, 5, 0, 0]),
    (its_build_int_cmd(0x34, 5), [(0x34 << 32) | 0x03, 5, 0, 0]),
    (its_build_clear_cmd(0x34, 5), [(0x34 << 32) | 0x04, 5, 0, 0]),
    (its_build_inv_cmd(0x34, 5), [(0x34 << 32) | 0x0C, 5, 0, 0]),
    (its_build_invall_cmd(7), [0x0D, 0, 7, 0]),
    (its_build_sync_cmd(5 << 16), [0x05, 0, 5 << 16, 0]),
])
def test_command_encodings(cmd, raw):
    assert cmd.raw_cmd == raw
    assert its_cmd_block.from_bytes(cmd.to_bytes()).raw_cmd == raw
    assert len(cmd.to_bytes()) == 32


def test_encode_rejects_oversized_fields():
    with pytest.raises(ItsError, match="0x20"):
        its_build_mapd_cmd(1, 0x20, 0, True)
    with pytest.raises(ItsError):
        its_cmd_block.from_bytes(bytes(31))


# --- driver ---------------------------------------------------------------------------
def test_probe_values_and_queue():
    its = node(cmd_queue_size=4096)
    cb = its.gits_cbaser()
    assert cb >> 63 == 1 and cb & 0xFF == 0 and cb & ~((1 << 63) | 0xFF) == its.cmd_base
    baser = its.gits_baser_device()
    assert (baser >> 56) & 7 == 1 and (baser >> 48) & 0x1F == 7
    assert baser & 0xFF == its.device_table_pages - 1 == 127
    its.auto_sync = False
    col = its.collections[1]
    for i in range(130):                                  # wraps the 128-entry queue
        its.its_send_sync(col)
    assert its.cwriter_value() == (130 % 128) * 32
    slot = its.cmd_base + ((129 % 128) * 32)
    assert its.memory.read(slot, 32) == its_build_sync_cmd(1 << 16).to_bytes()


def test_create_device_follows_the_driver():
    its = node()
    dev = its.its_create_device(0x42, 3)
    assert dev.nr_ites == 4 and dev.itt % 256 == 0
    mapd = its_cmd_block.from_bytes(its.memory.read(its.cmd_base, 32))
    assert mapd.raw_cmd == its_build_mapd_cmd(0x42, 1, dev.itt, True).raw_cmd
    assert dev.event_map.lpi_base == 8192 and dev.event_map.nr_lpis == 32
    dev2 = its.its_create_device(0x43, 1)
    assert dev2.nr_ites == 2 and dev2.event_map.lpi_base == 8192 + 32
    with pytest.raises(ItsError, match="0x42"):
        its.its_create_device(0x42, 1)
    events = [its.its_alloc_device_irq(dev) for _ in range(4)]
    assert events == [(e, 8192 + e) for e in range(4)]
    with pytest.raises(ItsError, match="no free event"):
        its.its_alloc_device_irq(dev)


def test_single_command_appends_sync_like_the_driver():
    its = node()
    its.its_cpu_init_collection(2)      # MAPC + SYNC, INVALL
    ops = [c.raw_cmd[0] & 0xFF for c in its.history]
    assert ops == [H.CMD_MAPC, H.CMD_SYNC, H.CMD_INVALL]
    assert its.history[1].raw_cmd[2] == 2 << 16


def test_range_completion_wraps():
    q = 4096
    assert not its_wait_for_range_completion(4000, 64, 4000, q)
    assert not its_wait_for_range_completion(4000, 64, 0, q)
    assert its_wait_for_range_completion(4000, 64, 64, q)
    assert its_wait_for_range_completion(0, 96, 96, q)
    assert not its_wait_for_range_completion(0, 96, 64, q)


# --- reference ------------------------------------------------------------------------
def mapped_node():
    its = node()
    for cpu in range(4):
        its.its_cpu_init_collection(cpu)
    dev = its.its_create_device(9, 4)
    for _ in range(3):
        ev, _ = its.its_alloc_device_irq(dev)
        its.its_irq_domain_activate(dev, ev)
    return its, dev


def test_translation_movi_discard_and_drops():
    its, dev = mapped_node()
    ref = its.reference
    assert ref.translate(9, 1) == Lpi(8193, 1)
    its.its_send_movi(dev, its.collections[3], 1)
    assert ref.translate(9, 1) == Lpi(8193, 3)
    its.its_send_discard(dev, 2)
    assert ref.translate(9, 2) == Drop("unmapped_event")
    assert ref.translate(9, 4) == Drop("event_oor")
    assert ref.translate(10, 0) == Drop("unmapped_device")
    its.its_queue_raw(its_build_mapc_cmd(0, 0, False))
    assert ref.translate(9, 0) == Drop("unmapped_collection")
    ref.enabled = False
    assert ref.translate(9, 1) == Drop("disabled")
    assert ref.drops == {"unmapped_device": 1, "event_oor": 1, "unmapped_event": 1,
                         "unmapped_collection": 1, "disabled": 1, "bus_error": 0}
    assert ref.translated == 2


def test_bus_errors_on_table_reads_drop_translations():
    """Told which addresses fail, the reference drops the doorbells whose walk reads
    one, in walk order (DTE before the DTE checks, ITTE after them)."""
    its, dev = mapped_node()
    ref = its.reference
    dte = its.device_table + 9 * 8
    itte1 = dev.itt + 1 * 8
    ref.read_errors.add(itte1 + 7)                 # any byte of the entry
    assert ref.translate(9, 1) == Drop("bus_error")
    assert ref.translate(9, 0) == Lpi(8192, 0)     # other entries unaffected
    assert ref.translate(9, 4) == Drop("event_oor")   # checked before the ITTE read
    ref.read_errors.add(dte)
    assert ref.translate(9, 2) == Drop("bus_error")
    assert ref.translate(10 ** 6, 0) == Drop("unmapped_device")  # beyond the table: no read
    # (9, 0) was translated, so it may be cached: with its DTE failing the reference
    # cannot tell whether the read happens
    with pytest.raises(ItsError, match="translation cache"):
        ref.translate(9, 0)
    ref.read_errors.discard(dte)
    assert its.its_send_inv(dev, 0) is None        # INV drops it from the cache
    ref.read_errors.add(dte)
    assert ref.translate(9, 0) == Drop("bus_error")
    assert ref.drops["bus_error"] == 3


def test_bus_errors_on_commands_predict_the_stall():
    its, dev = mapped_node()
    ref = its.reference
    # a failing fetch: BUS_ERROR with opcode 0 (no command was read)
    ref.read_errors.add(its.cmd_base + its.cmd_write + 16)
    assert its.its_queue_raw(its_build_int_cmd(9, 0)) == H.CMDERR_BUS_ERROR
    ref.read_errors.clear()
    ref.retry()
    assert ref.apply(its_build_int_cmd(9, 0)) is None
    assert ref.int_lpis == [Lpi(8192, 0)]
    # DTE read of a command, ITTE read, ITTE write: error code carries the opcode
    ref.read_errors.add(its.device_table + 9 * 8)
    assert ref.apply(its_build_discard_cmd(9, 1)) == (H.CMD_DISCARD << 8) | H.CMDERR_BUS_ERROR
    ref.read_errors.clear()
    ref.retry()
    ref.read_errors.add(dev.itt + 8)
    assert ref.apply(its_build_movi_cmd(9, 1, 2)) == (H.CMD_MOVI << 8) | H.CMDERR_BUS_ERROR
    ref.read_errors.clear()
    ref.retry()
    ref.write_errors.add(dev.itt + 8)
    assert ref.apply(its_build_discard_cmd(9, 1)) == (H.CMD_DISCARD << 8) | H.CMDERR_BUS_ERROR
    assert ref.translate(9, 1) == Lpi(8193, 1), "a failed command changes nothing"
    ref.retry()
    ref.write_errors.add(its.device_table + 9 * 8)
    assert ref.apply(its_build_mapd_cmd(9, 1, dev.itt, False)) == \
        (H.CMD_MAPD << 8) | H.CMDERR_BUS_ERROR
    ref.retry()
    ref.write_errors.clear()
    assert ref.apply(its_build_discard_cmd(9, 1)) is None
    assert ref.translate(9, 1) == Drop("unmapped_event")


def test_int_records_the_lpi_and_unmap_remap_keeps_the_itt():
    its, dev = mapped_node()
    its.its_send_int(dev, 1)
    assert its.reference.int_lpis == [Lpi(8193, 1)]
    its.its_send_mapd(dev, False)
    assert its.reference.translate(9, 1) == Drop("unmapped_device")
    its.its_send_mapd(dev, True)                 # same ITT memory: entries still there
    assert its.reference.translate(9, 1) == Lpi(8193, 1)
    its.its_free_device(dev)
    its.its_create_device(9, 4)                  # fresh zeroed ITT
    assert its.reference.translate(9, 1) == Drop("unmapped_event")


@pytest.mark.parametrize("cmd,reason", [
    (its_cmd_block([0x20, 0, 0, 0]), H.CMDERR_UNKNOWN_COMMAND),
    (its_build_mapd_cmd(1 << 16, 1, 0, True), H.CMDERR_DEVICE_OOR),
    (its_build_mapd_cmd(1, 16, 0, True), H.CMDERR_ITTSIZE_OOR),
    (its_build_mapc_cmd(16, 0, True), H.CMDERR_COLLECTION_OOR),
    (its_build_mapti_cmd(77, 0, 8192, 0), H.CMDERR_UNMAPPED_DEVICE),
    (its_build_mapti_cmd(9, 4, 8192, 0), H.CMDERR_ID_OOR),
    (its_build_mapti_cmd(9, 3, 8191, 0), H.CMDERR_PHYSICALID_OOR),
    (its_build_mapti_cmd(9, 3, 1 << 16, 0), H.CMDERR_PHYSICALID_OOR),
    (its_build_mapti_cmd(9, 3, 9000, 16), H.CMDERR_COLLECTION_OOR),
    (its_build_movi_cmd(9, 3, 1), H.CMDERR_UNMAPPED_INTERRUPT),
    (its_build_invall_cmd(12), H.CMDERR_UNMAPPED_COLLECTION),
])
def test_malformed_commands_predict_a_stall(cmd, reason):
    its, _dev = mapped_node()
    err = its.its_queue_raw(cmd)
    assert err == ((cmd.raw_cmd[0] & 0xFF) << 8) | reason
    with pytest.raises(ItsError, match="stalled"):
        its.reference.apply(its_build_sync_cmd(0))
    its.reference.retry()
    assert its.reference.apply(its_build_sync_cmd(0)) is None


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["map", "discard", "movi"]), st.integers(0, 7),
                          st.integers(0, 3)), max_size=40))
def test_reference_matches_a_plain_dictionary(ops):
    """Random MAPTI/DISCARD/MOVI on one device: translation is the last mapping."""
    ref = ItsReference(ItsConfig())
    for c in range(4):
        ref.apply(its_build_mapc_cmd(c, c << 16, True))
    ref.apply(its_build_mapd_cmd(1, 2, 0x1000, True))
    plain = {}
    for op, ev, col in ops:
        if op == "map":
            assert ref.apply(its_build_mapti_cmd(1, ev, 8192 + ev, col)) is None
            plain[ev] = (8192 + ev, col)
        elif op == "discard":
            err = ref.apply(its_build_discard_cmd(1, ev))
            assert (err is None) == (ev in plain)
            if err:
                ref.retry()
            plain.pop(ev, None)
        else:
            err = ref.apply(its_build_movi_cmd(1, ev, col))
            assert (err is None) == (ev in plain)
            if err:
                ref.retry()
            else:
                plain[ev] = (plain[ev][0], col)
    for ev in range(8):
        want = Lpi(plain[ev][0], plain[ev][1]) if ev in plain else Drop("unmapped_event")
        assert ref.translate(1, ev) == want


# --- GICv2m ---------------------------------------------------------------------------
def test_v2m_reference():
    assert msi_typer_value(80, 64) == (80 << 16) | 64
    assert msi_typer_decode((80 << 16) | 64) == (80, 64)
    ref = V2mReference(80, 64)
    # the value written is the INTID: RES0 bits [31:10] set name no SPI of the frame
    assert [ref.setspi(v) for v in (79, 80, 143, 144, 0x400 | 100, (1 << 31) | 81)] \
        == [None, 80, 143, None, None, None]
    assert (ref.dropped, ref.delivered) == (4, 2)
    # 16-bit writes to [15:0] are zero-extended; other access sizes are not SETSPI
    assert ref.setspi(0xDEAD_0000 | 90, 0x3) == 90
    assert [ref.setspi(90, strb) for strb in (0x7, 0xB, 0xC, 0x1)] == [None] * 4
    assert (ref.dropped, ref.delivered) == (4, 3)


@pytest.mark.parametrize("base,num,ok", [
    (80, 64, True), (32, 987, True), (32, 988, False), (31, 8, False), (100, 0, False),
    (1000, 19, True), (1000, 20, False)])
def test_is_msi_spi_valid_is_the_v61_check(base, num, ok):
    """irq-gic-v2m.c v6.1: base >= 32, num != 0, base + num <= 1019 (literals)."""
    from pymodel.gicv2m import gicv2m_init_one, is_msi_spi_valid
    assert is_msi_spi_valid(base, num) is ok
    assert gicv2m_init_one((base << 16) | num) == (0 if ok else -22)


# --- issue 9 ----------------------------------------------------------------------------
def test_rdbase_must_name_one_of_the_redistributors():
    ref = ItsReference(ItsConfig(num_redistributors=6))
    assert ref.apply(its_build_mapc_cmd(1, 5 << 16, True)) is None
    assert ref.apply(its_build_mapc_cmd(1, 6 << 16, True)) == (0x09 << 8) | 0x0A
    ref.retry()
    assert ref.apply(its_build_mapc_cmd(1, 6 << 16, False)) is None     # V=0: RDbase unused
    assert ref.apply(its_build_sync_cmd(6 << 16)) == (0x05 << 8) | 0x0A
    ref.retry()
    movall = lambda r1, r2: its_cmd_block([0x0E, 0, r1 << 16, r2 << 16])  # noqa: E731
    assert ref.apply(movall(5, 0)) is None
    assert ref.apply(movall(0, 6)) == (0x0E << 8) | 0x0A                # RDbase2 (DW3)
    ref.retry()
    assert ref.apply(movall(6, 0)) == (0x0E << 8) | 0x0A


def test_disable_and_rebase_forget_translations():
    its, dev = mapped_node()
    ref = its.reference
    assert isinstance(ref.translate(9, 0), Lpi) and (9, 0) in ref.maybe_cached
    ref.its_disable()
    assert ref.translate(9, 0) == Drop("disabled") and not ref.maybe_cached
    with pytest.raises(ItsError, match="Enabled"):
        ItsReference().its_baser_device(0x1000, 512, True)
    ref.its_baser_device(0x8000_0000, 512, valid=True)      # a new, zeroed table
    ref.its_enable()
    assert ref.translate(9, 0) == Drop("unmapped_device")
    ref.its_disable()
    ref.its_baser_device(0x8000_0000, 512, valid=False)
    ref.its_enable()
    assert ref.translate(0, 0) == Drop("unmapped_device")


def test_commands_behind_a_stall_are_not_executed():
    """More CPUs than HCC: MAPC of CPU HCC stalls; the INVALL the driver queues
    after it is not executed (returns the stall's code)."""
    its = node(nr_cpus=5, num_collections=4)
    for cpu in range(4):
        its.its_cpu_init_collection(cpu)
    assert its.reference.stalled_error is None
    its.its_cpu_init_collection(4)
    assert its.reference.stalled_error == (0x09 << 8) | 0x03
    assert its.reference.commands_done == 4 * 3
