"""What tb/hdl/msi_system_tb.v (scripts/gen_system_tb.py) carries for the Python side.

msi_system_tb is msi_system_top (u_dut) with random back-pressure gates on the models'
channels, and what the protocol checker's fast modes read (tb/protocol_checker.py):
- look mode (the default, ProtocolChecker.use_look): tb_chk_look, a bit per checked
  channel from a tb/hdl/tb_chk_look.v filter (look_layout(), look_labels()), the
  reset and the SMMU coverage monitor's clocks (SMMU_MONITOR_LOOK), and tb_chk_cycle;
- bundle mode (SYSTEM_CHECKER=bundle, ProtocolChecker.use_bundle): tb_chk_valid, every
  VALID of every checked port, and tb_chk_other, their READYs and the interrupt levels,
  so the checker reads two signals per clock instead of two per channel. They are in
  the generate block BUNDLE_SCOPE, built only with TB_CHK_BUNDLE=1
  (wrapper_parameters): under Icarus each VALID or READY change rebuilds a 512-bit
  concatenation, 4% of look mode's instructions when they were always there.
Both sides take the lists from the functions here, so they cannot disagree; the
checker refuses a port the HDL does not cover.
"""

from __future__ import annotations

from tb.protocol_checker import bundle_split, handshake_signals, rtl_ports

TOP_MODULE = "msi_system_top"
# The protocol checker's ports (issue 9): every port of msi_system_top, and these
# ports of blocks inside it: (path below msi_system_top, module, prefixes or None for
# all). The SMMU (v2 smmu_tlb or v3 smmu_v3, same handshake names) is g_smmu.u_smmu;
# ports that are top ports (m_axi_ptw, m_axi_smmuq, m_axi_its, lpi, spi, interrupts)
# are not repeated, and the two GICv2m links inside the interconnect (CPU bridge, PA
# decoder lane) are in.
CHECKED_INSTANCES = (
    ("g_smmu.u_smmu", "smmu_v3", ("s_axil", "s_axi", "m_axi")),
    ("u_its", "its_doorbell", ("s_axil", "s_axi")),
    ("u_v2m", "gicv2m_frame", ("s_axi",)),
    ("u_ic.u_cpu_v2m", "axil_to_axi", None),
    ("u_ic.u_v2m_arb", "axi_arbiter", ("s_axi",)),
)


def checked_ports() -> list[tuple[str, str, str, str]]:
    """Every port the checker binds, in one order: (path below msi_system_top, "" for a
    top port; module; prefix; kind). Both fast modes' HDL is laid out from this."""
    ports = [("", TOP_MODULE, p, k) for p, k in rtl_ports(TOP_MODULE)]
    for path, module, only in CHECKED_INSTANCES:
        ports += [(path, module, p, k) for p, k in rtl_ports(module) if only is None or p in only]
    return ports


BUNDLE_SCOPE = "g_chk_bundle"     # msi_system_tb's generate block of the bundle vectors


def wrapper_parameters(checker_mode: str | None) -> dict[str, int]:
    """The msi_system_tb parameters a checker mode ($SYSTEM_CHECKER) needs built in."""
    return {"TB_CHK_BUNDLE": 1} if checker_mode == "bundle" else {}


def bundle_paths() -> tuple[list[str], list[str]]:
    """(VALIDs, READYs and levels): paths below msi_system_top, most significant first."""
    return bundle_split(f"{path}.{sig}" if path else sig
                        for path, module, prefix, kind in checked_ports()
                        for sig in handshake_signals(module, prefix, kind))


def look_layout() -> list[tuple[str, str, str, str]]:
    """The checker's ports as render_look takes them: (label, module, prefix, kind),
    label the checker's port name (attach_checkers: "<path>.<prefix>" below
    msi_system_top for an instance's port)."""
    return [(f"{path}.{prefix}" if path else prefix, module, prefix, kind)
            for path, module, prefix, kind in checked_ports()]


# When tb/coverage.SmmuInternalMonitor samples something (its _steps), below the SMMU
# (g_smmu.u_smmu: smmu_tlb or smmu_v3, the same names): each trigger's signals, ANDed.
# The monitor gates its sampling on these, and the look mode's monitor bit is made from
# them, so the two cannot name different signals.
SMMU_PATH = "g_smmu.u_smmu"
SMMU_MONITOR_TRIGGERS = {
    "invalidation": ("u_core.inv_valid",),
    "walk": ("u_core.u_ptw.rq_valid", "u_core.u_ptw.rq_ready"),
    "aw": ("u_aw.s_valid", "u_aw.s_ready"),
    "ar": ("u_ar.s_valid", "u_ar.s_ready"),
}
# In look mode the clocks the monitor must see: (trigger signals, delay); delay 1: the
# NEXT clock too (an invalidation's effect is counted one edge later).
SMMU_MONITOR_LOOK = (
    (SMMU_MONITOR_TRIGGERS["invalidation"], 0),
    (SMMU_MONITOR_TRIGGERS["invalidation"], 1),
    (SMMU_MONITOR_TRIGGERS["walk"], 0),
    (SMMU_MONITOR_TRIGGERS["aw"], 0),
    (SMMU_MONITOR_TRIGGERS["ar"], 0),
)


def look_labels() -> list[str]:
    """tb_chk_look's bit names (render_look over look_layout)."""
    from tb.protocol_checker import render_look
    return render_look(look_layout(), "u_dut.", "tb_chk_look")[1]
