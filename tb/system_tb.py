"""What tb/hdl/msi_system_tb.v (scripts/gen_system_tb.py) carries for the Python side.

msi_system_tb is msi_system_top (u_dut) with random back-pressure gates on the models'
channels, and two vectors for the protocol checker (tb/protocol_checker.py,
ProtocolChecker.use_bundle): tb_chk_valid, every VALID of every checked port, and
tb_chk_other, their READYs and the interrupt levels, so the checker reads two
signals per clock instead of two per channel (issue 13). Both sides take the signal
lists from bundle_paths(), so they cannot disagree; a checked signal missing from
the vectors is still read on its own (use_bundle names it).
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


def bundle_paths() -> tuple[list[str], list[str]]:
    """(VALIDs, READYs and levels): paths below msi_system_top, most significant first."""
    ports = [("", TOP_MODULE, p, k) for p, k in rtl_ports(TOP_MODULE)]
    for path, module, only in CHECKED_INSTANCES:
        ports += [(path, module, p, k) for p, k in rtl_ports(module) if only is None or p in only]
    return bundle_split(f"{path}.{sig}" if path else sig for path, module, prefix, kind in ports
                        for sig in handshake_signals(module, prefix, kind))
