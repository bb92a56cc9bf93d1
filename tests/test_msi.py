"""pymodel.msi: GICv2m and ITS compose_msi_msg with the seed's
iommu_dma_map_msi_msg() hook. Addresses from the QEMU virt map in
pymodel.hwdefs.system: GICv2m frame 0x0802_0000 (SPIs 80..143), ITS 0x0808_0000."""

import pytest

from pymodel import dma_iommu as D
from pymodel import msi as M
from pymodel.hwdefs import gicv2m as V2M
from pymodel.hwdefs import its as ITS


def dma_domain():
    d = D.IommuDomain()
    assert D.iommu_get_dma_cookie(d) == 0
    assert D.iommu_dma_init_domain(d, 0, 1 << 32) == 0
    return d


def test_msimsg_fields_and_failure_pattern():
    m = M.MsiMsg(address_lo=0x0809_0040, address_hi=0x1, data=3)
    assert m.address == 0x1_0809_0040
    assert not m.is_failed()
    assert M.MsiMsg(0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF).is_failed()


def test_gicv2m_without_iommu():
    dev = D.Device("nic")
    v2m = M.V2mData()
    msg = M.gicv2m_compose_msi_msg(v2m, dev, 80)
    # 0x08020000 + MSI_SETSPI_NS 0x40; data = the SPI itself
    assert V2M.MSI_SETSPI_NS == 0x40
    assert (msg.address_hi, msg.address_lo, msg.data) == (0, 0x0802_0040, 80)


def test_gicv2m_xgene_needs_spi_offset():
    v2m = M.V2mData.from_iidr(M.XGENE_GICV2M_MSI_IIDR)
    assert v2m.flags & M.GICV2M_NEEDS_SPI_OFFSET
    msg = M.gicv2m_compose_msi_msg(v2m, D.Device("nic"), 85)
    assert msg.data == 85 - 80                       # relative to spi_start


def test_gicv2m_bcm_ns2_offset_is_32():
    v2m = M.V2mData.from_iidr(M.BCM_NS2_GICV2M_MSI_IIDR)
    msg = M.gicv2m_compose_msi_msg(v2m, D.Device("nic"), 85)
    assert msg.data == 85 - 32


def test_gicv2m_plain_iidr_has_no_offset():
    v2m = M.V2mData.from_iidr(V2M.MSI_IIDR_VALUE)
    assert v2m.flags == 0
    assert M.gicv2m_compose_msi_msg(v2m, D.Device("nic"), 100).data == 100


def test_gicv2m_spi_outside_frame_rejected():
    with pytest.raises(M.MsiComposeError, match="144"):
        M.gicv2m_compose_msi_msg(M.V2mData(), D.Device("nic"), 144)
    with pytest.raises(M.MsiComposeError, match="79"):
        M.gicv2m_compose_msi_msg(M.V2mData(), D.Device("nic"), 79)


def test_gicv2m_behind_smmu_is_swizzled():
    d = dma_domain()
    dev = D.Device("nic", 3)
    D.iommu_attach_device(d, dev)
    msg = M.gicv2m_compose_msi_msg(M.V2mData(), dev, 81)
    # first MSI page of a fresh 4 GiB domain is pfn 0xfffff; offset 0x40 kept
    assert (msg.address_hi, msg.address_lo, msg.data) == (0, 0xFFFF_F040, 81)
    assert d.iova_to_phys(0xFFFF_F040) == 0x0802_0040


def test_its_compose_without_iommu():
    its = M.ItsNode()
    dev = D.Device("nvme", 0x10)
    its_dev = M.ItsDevice(its, dev, device_id=0x10, lpi_base=8192, nr_ites=32)
    msg = M.its_irq_compose_msi_msg(its_dev, 8192 + 5)
    # 0x08080000 + GITS_TRANSLATER 0x10040; data = hwirq - lpi_base = 5
    assert ITS.GITS_TRANSLATER == 0x1_0040
    assert (msg.address_hi, msg.address_lo, msg.data) == (0, 0x0809_0040, 5)


def test_its_event_outside_device_rejected():
    its_dev = M.ItsDevice(M.ItsNode(), D.Device("nvme"), 1, lpi_base=8192, nr_ites=4)
    with pytest.raises(M.MsiComposeError, match="8196"):
        M.its_irq_compose_msi_msg(its_dev, 8196)


def test_its_behind_smmu_two_devices_share_page():
    d = dma_domain()
    a, b = D.Device("a", 1), D.Device("b", 2)
    D.iommu_attach_device(d, a)
    D.iommu_attach_device(d, b)
    its = M.ItsNode()
    ma = M.its_compose_msi_msg(its, a, 0)
    mb = M.its_compose_msi_msg(its, b, 7)
    assert (ma.address_lo, ma.data) == (0xFFFF_F040, 0)
    assert (mb.address_lo, mb.data) == (0xFFFF_F040, 7)
    assert len(d.iova_cookie.msi_page_list) == 1


def test_its_high_base_sets_address_hi():
    its = M.ItsNode(phys_base=0x1_2000_0000)
    msg = M.its_compose_msi_msg(its, D.Device("x"), 2)
    assert (msg.address_hi, msg.address_lo) == (0x1, 0x2001_0040)


def test_compose_fills_passed_message_in_place():
    msg = M.MsiMsg()
    out = M.its_compose_msi_msg(M.ItsNode(), D.Device("x"), 1, msg)
    assert out is msg and msg.address_lo == 0x0809_0040


def test_v52_split_flow_through_irqchips():
    from pymodel import kversion
    d = D.IommuDomain()
    D.iommu_get_dma_cookie(d, kversion.V5_2)
    D.iommu_dma_init_domain(d, 0, 1 << 32)
    dev = D.Device("nic", 1)
    D.iommu_attach_device(d, dev)
    its_dev = M.ItsDevice(M.ItsNode(), dev, 1, lpi_base=8192, nr_ites=8)
    err, desc = M.its_irq_domain_alloc(its_dev)
    assert err == 0 and desc.iommu_cookie.iova == 0xFFFF_F000
    msg = M.its_irq_compose_msi_msg(its_dev, 8194, desc=desc)
    assert (msg.address_lo, msg.data) == (0xFFFF_F040, 2)
    err, desc2 = M.gicv2m_irq_domain_alloc(M.V2mData(), dev)
    # second doorbell page: cached [fffff] -> 0xffffe000
    assert err == 0 and desc2.iommu_cookie.iova == 0xFFFF_E000
    assert M.gicv2m_compose_msi_msg(M.V2mData(), dev, 90, desc=desc2).address_lo == 0xFFFF_E040


def test_v52_prepare_failure_fails_the_allocation_not_the_message():
    from pymodel import kversion
    d = D.IommuDomain()
    D.iommu_get_dma_cookie(d, kversion.V5_2)
    D.iommu_dma_init_domain(d, 0, 1 << 32)
    # 4K mask: limit pfn 0 < start_pfn 1 -> no IOVA (5.2.1 can hand out pfn 1, so
    # 0x1fff would still fit one page)
    dev = D.Device("nic", 0, 0xFFF)
    D.iommu_attach_device(d, dev)
    err, desc = M.gicv2m_irq_domain_alloc(M.V2mData(), dev)
    assert err == -12 and desc.iommu_cookie is None  # -ENOMEM


def test_split_kernels_need_the_desc_from_irq_domain_alloc():
    from pymodel import kversion
    d = D.IommuDomain()
    D.iommu_get_dma_cookie(d, kversion.V6_1)
    D.iommu_dma_init_domain(d, 0, 1 << 32)
    dev = D.Device("nic", 1)
    D.iommu_attach_device(d, dev)
    # composing without a prepared desc would need iommu_dma_map_msi_msg: not in 6.1
    with pytest.raises(kversion.KernelFeatureMissing, match="iommu_dma_map_msi_msg"):
        M.its_compose_msi_msg(M.ItsNode(), dev, 0)


def test_gicv2m_ns2_offset_is_in_49():
    # 4.9.0 irq-gic-v2m.c gicv2m_init_one: case BCM_NS2_GICV2M_MSI_IIDR:
    # v2m->flags |= GICV2M_NEEDS_SPI_OFFSET; v2m->spi_offset = 32;
    v2m = M.V2mData.from_iidr(M.BCM_NS2_GICV2M_MSI_IIDR, spi_start=64, nr_spis=32)
    assert (v2m.flags, v2m.spi_offset) == (M.GICV2M_NEEDS_SPI_OFFSET, 32)
    assert M.gicv2m_compose_msi_msg(v2m, D.Device("x"), 70).data == 38


def test_msi_isolation_follows_the_controllers_of_the_group():
    # The ITS tells writers apart (DeviceID from the StreamID); GICv2m does not, so
    # one GICv2m device makes the whole group unsafe for VFIO.
    from pymodel.msi import GICV2M, GICV3_ITS, iommu_group_has_isolated_msi
    assert GICV3_ITS.isolated_msi and not GICV2M.isolated_msi
    assert iommu_group_has_isolated_msi([GICV3_ITS, GICV3_ITS])
    assert iommu_group_has_isolated_msi([GICV3_ITS, None])      # no MSI yet: nothing to forge
    assert not iommu_group_has_isolated_msi([GICV3_ITS, GICV2M])
    assert not iommu_group_has_isolated_msi([GICV2M])


def test_bench_msi_compose_lookup_runs_for_every_flavour():
    # the bench's loop checks its own result (the message lands on the doorbell);
    # speed itself is measured in bench/, not here
    import importlib.util
    from pathlib import Path
    from pymodel import kversion
    path = Path(__file__).resolve().parents[1] / "bench" / "pgtable_speed.py"
    spec = importlib.util.spec_from_file_location("pgtable_speed", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    for b in (kversion.V4_9, kversion.V4_11, kversion.V5_2, kversion.V6_1):
        assert bench.msi_compose_lookup_rate(b, 50, translate=True) > 0
