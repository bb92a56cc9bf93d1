// msi_system_top: the simulated system of the MSI-remapping testbench.
//
//   devices dev0..dev3 (AXI4 slaves; StreamID = DEV<n>_SID, set per port, a device
//   cannot choose it)
//     -> axi_arbiter (round robin, ID extended by the port index)
//     -> smmu_tlb (SMMUv2 stage 1; walker on m_axi_ptw_*)
//     -> axi_addr_decoder on the physical address (QEMU virt memory map):
//          [ITS_BASE + 64 KiB, +64 KiB)  its_doorbell translation frame (GITS_TRANSLATER),
//                                        DeviceID = StreamID from the SMMU's AxUSER
//          [GICV2M_BASE, +4 KiB)         gicv2m_frame (MSI_SETSPI_NS)
//          [RAM_BASE, +RAM_SIZE)         m_axi_mem_* (DMA data)
//          anything else                 DECERR
//   CPU register port s_axil_cpu_* (AXI4-Lite) -> axil_decoder:
//          [SMMU_BASE, +SMMU_SIZE)       smmu_tlb registers
//          [ITS_BASE, +64 KiB)           its_doorbell control frame
//          [GICV2M_BASE, +4 KiB)         gicv2m_frame (MSI_TYPER, MSI_IIDR) through
//                                        axil_to_axi and a 2:1 axi_arbiter shared with
//                                        the device path
//          anything else                 DECERR
//   ITS tables/command queue on m_axi_its_*; interrupts on lpi_* (ITS) and spi_*
//   (GICv2m); SMMU fault interrupts on smmu_irq_context / smmu_irq_global.
//
// The memory map defaults come from hdl/system_defs.vh (generated from
// pymodel/hwdefs/system.py); every base is a parameter, so other maps are a
// configuration away. Bases must be aligned to the frame they select (the blocks
// decode the low address bits).
// Leaves out: device access to the ITS control frame and the SMMU registers
// (DECERR from the device side), QoS/regions, a redistributor behind lpi_*.
`default_nettype none
`include "system_defs.vh"
`include "its_defs.vh"

module msi_system_top #(
    parameter DEV_ID_WIDTH = 4,
    parameter ADDR_WIDTH   = 48,
    parameter SID_WIDTH    = 16,
    parameter [SID_WIDTH-1:0] DEV0_SID = `SYS_DEV0_SID,   // PCI 00:01.0
    parameter [SID_WIDTH-1:0] DEV1_SID = `SYS_DEV1_SID,   // PCI 00:02.0
    parameter [SID_WIDTH-1:0] DEV2_SID = `SYS_DEV2_SID,   // PCI 00:03.0
    parameter [SID_WIDTH-1:0] DEV3_SID = `SYS_DEV3_SID,   // PCI 01:00.0
    parameter NUM_CB             = 8,
    parameter NUM_SMRG           = 16,
    parameter TLB_ENTRIES        = 32,
    parameter WALK_CACHE_ENTRIES = 8,
    parameter [ADDR_WIDTH-1:0] ITS_BASE    = `SYS_ITS_BASE,
    parameter [ADDR_WIDTH-1:0] GICV2M_BASE = `SYS_GICV2M_BASE,
    parameter [ADDR_WIDTH-1:0] RAM_BASE    = `SYS_RAM_BASE,
    parameter [ADDR_WIDTH-1:0] RAM_SIZE    = `SYS_RAM_SIZE,
    parameter [31:0]           SMMU_BASE   = `SYS_SMMU_BASE,
    parameter V2M_SPI_BASE  = `SYS_GICV2M_SPI_BASE,
    parameter V2M_SPI_COUNT = `SYS_GICV2M_SPI_COUNT,
    // derived; do not override
    parameter XID_WIDTH = DEV_ID_WIDTH + 2       // ID after the 4:1 arbiter
) (
    input  wire clk,
    input  wire rst,
    // device 0: AXI4 slave, StreamID DEV0_SID
    input  wire [DEV_ID_WIDTH-1:0] s_axi_dev0_awid,
    input  wire [ADDR_WIDTH-1:0] s_axi_dev0_awaddr,
    input  wire [7:0] s_axi_dev0_awlen,
    input  wire [2:0] s_axi_dev0_awsize,
    input  wire [1:0] s_axi_dev0_awburst,
    input  wire s_axi_dev0_awlock,
    input  wire [3:0] s_axi_dev0_awcache,
    input  wire [2:0] s_axi_dev0_awprot,
    input  wire s_axi_dev0_awvalid,
    output wire s_axi_dev0_awready,
    input  wire [63:0] s_axi_dev0_wdata,
    input  wire [7:0] s_axi_dev0_wstrb,
    input  wire s_axi_dev0_wlast,
    input  wire s_axi_dev0_wvalid,
    output wire s_axi_dev0_wready,
    output wire [DEV_ID_WIDTH-1:0] s_axi_dev0_bid,
    output wire [1:0] s_axi_dev0_bresp,
    output wire s_axi_dev0_bvalid,
    input  wire s_axi_dev0_bready,
    input  wire [DEV_ID_WIDTH-1:0] s_axi_dev0_arid,
    input  wire [ADDR_WIDTH-1:0] s_axi_dev0_araddr,
    input  wire [7:0] s_axi_dev0_arlen,
    input  wire [2:0] s_axi_dev0_arsize,
    input  wire [1:0] s_axi_dev0_arburst,
    input  wire s_axi_dev0_arlock,
    input  wire [3:0] s_axi_dev0_arcache,
    input  wire [2:0] s_axi_dev0_arprot,
    input  wire s_axi_dev0_arvalid,
    output wire s_axi_dev0_arready,
    output wire [DEV_ID_WIDTH-1:0] s_axi_dev0_rid,
    output wire [63:0] s_axi_dev0_rdata,
    output wire [1:0] s_axi_dev0_rresp,
    output wire s_axi_dev0_rlast,
    output wire s_axi_dev0_rvalid,
    input  wire s_axi_dev0_rready,
    // device 1: AXI4 slave, StreamID DEV1_SID
    input  wire [DEV_ID_WIDTH-1:0] s_axi_dev1_awid,
    input  wire [ADDR_WIDTH-1:0] s_axi_dev1_awaddr,
    input  wire [7:0] s_axi_dev1_awlen,
    input  wire [2:0] s_axi_dev1_awsize,
    input  wire [1:0] s_axi_dev1_awburst,
    input  wire s_axi_dev1_awlock,
    input  wire [3:0] s_axi_dev1_awcache,
    input  wire [2:0] s_axi_dev1_awprot,
    input  wire s_axi_dev1_awvalid,
    output wire s_axi_dev1_awready,
    input  wire [63:0] s_axi_dev1_wdata,
    input  wire [7:0] s_axi_dev1_wstrb,
    input  wire s_axi_dev1_wlast,
    input  wire s_axi_dev1_wvalid,
    output wire s_axi_dev1_wready,
    output wire [DEV_ID_WIDTH-1:0] s_axi_dev1_bid,
    output wire [1:0] s_axi_dev1_bresp,
    output wire s_axi_dev1_bvalid,
    input  wire s_axi_dev1_bready,
    input  wire [DEV_ID_WIDTH-1:0] s_axi_dev1_arid,
    input  wire [ADDR_WIDTH-1:0] s_axi_dev1_araddr,
    input  wire [7:0] s_axi_dev1_arlen,
    input  wire [2:0] s_axi_dev1_arsize,
    input  wire [1:0] s_axi_dev1_arburst,
    input  wire s_axi_dev1_arlock,
    input  wire [3:0] s_axi_dev1_arcache,
    input  wire [2:0] s_axi_dev1_arprot,
    input  wire s_axi_dev1_arvalid,
    output wire s_axi_dev1_arready,
    output wire [DEV_ID_WIDTH-1:0] s_axi_dev1_rid,
    output wire [63:0] s_axi_dev1_rdata,
    output wire [1:0] s_axi_dev1_rresp,
    output wire s_axi_dev1_rlast,
    output wire s_axi_dev1_rvalid,
    input  wire s_axi_dev1_rready,
    // device 2: AXI4 slave, StreamID DEV2_SID
    input  wire [DEV_ID_WIDTH-1:0] s_axi_dev2_awid,
    input  wire [ADDR_WIDTH-1:0] s_axi_dev2_awaddr,
    input  wire [7:0] s_axi_dev2_awlen,
    input  wire [2:0] s_axi_dev2_awsize,
    input  wire [1:0] s_axi_dev2_awburst,
    input  wire s_axi_dev2_awlock,
    input  wire [3:0] s_axi_dev2_awcache,
    input  wire [2:0] s_axi_dev2_awprot,
    input  wire s_axi_dev2_awvalid,
    output wire s_axi_dev2_awready,
    input  wire [63:0] s_axi_dev2_wdata,
    input  wire [7:0] s_axi_dev2_wstrb,
    input  wire s_axi_dev2_wlast,
    input  wire s_axi_dev2_wvalid,
    output wire s_axi_dev2_wready,
    output wire [DEV_ID_WIDTH-1:0] s_axi_dev2_bid,
    output wire [1:0] s_axi_dev2_bresp,
    output wire s_axi_dev2_bvalid,
    input  wire s_axi_dev2_bready,
    input  wire [DEV_ID_WIDTH-1:0] s_axi_dev2_arid,
    input  wire [ADDR_WIDTH-1:0] s_axi_dev2_araddr,
    input  wire [7:0] s_axi_dev2_arlen,
    input  wire [2:0] s_axi_dev2_arsize,
    input  wire [1:0] s_axi_dev2_arburst,
    input  wire s_axi_dev2_arlock,
    input  wire [3:0] s_axi_dev2_arcache,
    input  wire [2:0] s_axi_dev2_arprot,
    input  wire s_axi_dev2_arvalid,
    output wire s_axi_dev2_arready,
    output wire [DEV_ID_WIDTH-1:0] s_axi_dev2_rid,
    output wire [63:0] s_axi_dev2_rdata,
    output wire [1:0] s_axi_dev2_rresp,
    output wire s_axi_dev2_rlast,
    output wire s_axi_dev2_rvalid,
    input  wire s_axi_dev2_rready,
    // device 3: AXI4 slave, StreamID DEV3_SID
    input  wire [DEV_ID_WIDTH-1:0] s_axi_dev3_awid,
    input  wire [ADDR_WIDTH-1:0] s_axi_dev3_awaddr,
    input  wire [7:0] s_axi_dev3_awlen,
    input  wire [2:0] s_axi_dev3_awsize,
    input  wire [1:0] s_axi_dev3_awburst,
    input  wire s_axi_dev3_awlock,
    input  wire [3:0] s_axi_dev3_awcache,
    input  wire [2:0] s_axi_dev3_awprot,
    input  wire s_axi_dev3_awvalid,
    output wire s_axi_dev3_awready,
    input  wire [63:0] s_axi_dev3_wdata,
    input  wire [7:0] s_axi_dev3_wstrb,
    input  wire s_axi_dev3_wlast,
    input  wire s_axi_dev3_wvalid,
    output wire s_axi_dev3_wready,
    output wire [DEV_ID_WIDTH-1:0] s_axi_dev3_bid,
    output wire [1:0] s_axi_dev3_bresp,
    output wire s_axi_dev3_bvalid,
    input  wire s_axi_dev3_bready,
    input  wire [DEV_ID_WIDTH-1:0] s_axi_dev3_arid,
    input  wire [ADDR_WIDTH-1:0] s_axi_dev3_araddr,
    input  wire [7:0] s_axi_dev3_arlen,
    input  wire [2:0] s_axi_dev3_arsize,
    input  wire [1:0] s_axi_dev3_arburst,
    input  wire s_axi_dev3_arlock,
    input  wire [3:0] s_axi_dev3_arcache,
    input  wire [2:0] s_axi_dev3_arprot,
    input  wire s_axi_dev3_arvalid,
    output wire s_axi_dev3_arready,
    output wire [DEV_ID_WIDTH-1:0] s_axi_dev3_rid,
    output wire [63:0] s_axi_dev3_rdata,
    output wire [1:0] s_axi_dev3_rresp,
    output wire s_axi_dev3_rlast,
    output wire s_axi_dev3_rvalid,
    input  wire s_axi_dev3_rready,
    // CPU register port (AXI4-Lite): SMMU, ITS control frame, GICv2m frame
    input  wire [31:0] s_axil_cpu_awaddr,
    input  wire [2:0] s_axil_cpu_awprot,
    input  wire s_axil_cpu_awvalid,
    output wire s_axil_cpu_awready,
    input  wire [31:0] s_axil_cpu_wdata,
    input  wire [3:0] s_axil_cpu_wstrb,
    input  wire s_axil_cpu_wvalid,
    output wire s_axil_cpu_wready,
    output wire [1:0] s_axil_cpu_bresp,
    output wire s_axil_cpu_bvalid,
    input  wire s_axil_cpu_bready,
    input  wire [31:0] s_axil_cpu_araddr,
    input  wire [2:0] s_axil_cpu_arprot,
    input  wire s_axil_cpu_arvalid,
    output wire s_axil_cpu_arready,
    output wire [31:0] s_axil_cpu_rdata,
    output wire [1:0] s_axil_cpu_rresp,
    output wire s_axil_cpu_rvalid,
    input  wire s_axil_cpu_rready,
    // SMMU page-table walker memory port (read only)
    output wire [XID_WIDTH-1:0] m_axi_ptw_arid,
    output wire [ADDR_WIDTH-1:0] m_axi_ptw_araddr,
    output wire [7:0] m_axi_ptw_arlen,
    output wire [2:0] m_axi_ptw_arsize,
    output wire [1:0] m_axi_ptw_arburst,
    output wire m_axi_ptw_arlock,
    output wire [3:0] m_axi_ptw_arcache,
    output wire [2:0] m_axi_ptw_arprot,
    output wire m_axi_ptw_arvalid,
    input  wire m_axi_ptw_arready,
    input  wire [XID_WIDTH-1:0] m_axi_ptw_rid,
    input  wire [63:0] m_axi_ptw_rdata,
    input  wire [1:0] m_axi_ptw_rresp,
    input  wire m_axi_ptw_rlast,
    input  wire m_axi_ptw_rvalid,
    output wire m_axi_ptw_rready,
    // ITS command queue / device table / ITT memory port
    output wire [XID_WIDTH-1:0] m_axi_its_awid,
    output wire [ADDR_WIDTH-1:0] m_axi_its_awaddr,
    output wire [7:0] m_axi_its_awlen,
    output wire [2:0] m_axi_its_awsize,
    output wire [1:0] m_axi_its_awburst,
    output wire m_axi_its_awlock,
    output wire [3:0] m_axi_its_awcache,
    output wire [2:0] m_axi_its_awprot,
    output wire m_axi_its_awvalid,
    input  wire m_axi_its_awready,
    output wire [63:0] m_axi_its_wdata,
    output wire [7:0] m_axi_its_wstrb,
    output wire m_axi_its_wlast,
    output wire m_axi_its_wvalid,
    input  wire m_axi_its_wready,
    input  wire [XID_WIDTH-1:0] m_axi_its_bid,
    input  wire [1:0] m_axi_its_bresp,
    input  wire m_axi_its_bvalid,
    output wire m_axi_its_bready,
    output wire [XID_WIDTH-1:0] m_axi_its_arid,
    output wire [ADDR_WIDTH-1:0] m_axi_its_araddr,
    output wire [7:0] m_axi_its_arlen,
    output wire [2:0] m_axi_its_arsize,
    output wire [1:0] m_axi_its_arburst,
    output wire m_axi_its_arlock,
    output wire [3:0] m_axi_its_arcache,
    output wire [2:0] m_axi_its_arprot,
    output wire m_axi_its_arvalid,
    input  wire m_axi_its_arready,
    input  wire [XID_WIDTH-1:0] m_axi_its_rid,
    input  wire [63:0] m_axi_its_rdata,
    input  wire [1:0] m_axi_its_rresp,
    input  wire m_axi_its_rlast,
    input  wire m_axi_its_rvalid,
    output wire m_axi_its_rready,
    // DMA data memory port (SMMU output routed to RAM; AxUSER = StreamID)
    output wire [XID_WIDTH-1:0] m_axi_mem_awid,
    output wire [ADDR_WIDTH-1:0] m_axi_mem_awaddr,
    output wire [7:0] m_axi_mem_awlen,
    output wire [2:0] m_axi_mem_awsize,
    output wire [1:0] m_axi_mem_awburst,
    output wire m_axi_mem_awlock,
    output wire [3:0] m_axi_mem_awcache,
    output wire [2:0] m_axi_mem_awprot,
    output wire [SID_WIDTH-1:0] m_axi_mem_awuser,
    output wire m_axi_mem_awvalid,
    input  wire m_axi_mem_awready,
    output wire [63:0] m_axi_mem_wdata,
    output wire [7:0] m_axi_mem_wstrb,
    output wire m_axi_mem_wlast,
    output wire m_axi_mem_wvalid,
    input  wire m_axi_mem_wready,
    input  wire [XID_WIDTH-1:0] m_axi_mem_bid,
    input  wire [1:0] m_axi_mem_bresp,
    input  wire m_axi_mem_bvalid,
    output wire m_axi_mem_bready,
    output wire [XID_WIDTH-1:0] m_axi_mem_arid,
    output wire [ADDR_WIDTH-1:0] m_axi_mem_araddr,
    output wire [7:0] m_axi_mem_arlen,
    output wire [2:0] m_axi_mem_arsize,
    output wire [1:0] m_axi_mem_arburst,
    output wire m_axi_mem_arlock,
    output wire [3:0] m_axi_mem_arcache,
    output wire [2:0] m_axi_mem_arprot,
    output wire [SID_WIDTH-1:0] m_axi_mem_aruser,
    output wire m_axi_mem_arvalid,
    input  wire m_axi_mem_arready,
    input  wire [XID_WIDTH-1:0] m_axi_mem_rid,
    input  wire [63:0] m_axi_mem_rdata,
    input  wire [1:0] m_axi_mem_rresp,
    input  wire m_axi_mem_rlast,
    input  wire m_axi_mem_rvalid,
    output wire m_axi_mem_rready,
    // interrupts
    output wire                  lpi_valid,
    input  wire                  lpi_ready,
    output wire [31:0]           lpi_intid,
    output wire [15:0]           lpi_target,
    output wire                  spi_valid,
    input  wire                  spi_ready,
    output wire [9:0]            spi_intid,
    output wire [NUM_CB-1:0]     smmu_irq_context,
    output wire                  smmu_irq_global
);

    localparam [ADDR_WIDTH-1:0] ITS_FRAME_SIZE = `ITS_TRANSLATION_FRAME_OFFSET;  // 64 KiB ITS frames
    localparam [ADDR_WIDTH-1:0] V2M_FRAME_SIZE = `SYS_GICV2M_SIZE;
    localparam [31:0] SMMU_SIZE = `SYS_SMMU_SIZE;
    localparam [31:0] ITS_CTRL_BASE = ITS_BASE[31:0];
    localparam [31:0] V2M_BASE32 = GICV2M_BASE[31:0];
    localparam [31:0] SMMU_BASE32 = SMMU_BASE[31:0];
    localparam [31:0] SMMU_SIZE32 = SMMU_SIZE[31:0];
    localparam [31:0] ITS_SIZE32 = `ITS_TRANSLATION_FRAME_OFFSET;  // the control frame
    localparam [31:0] V2M_SIZE32 = `SYS_GICV2M_SIZE;
    // Lint note: v5.006 flags these concatenations of 32-bit localparams as unsized
    // (WIDTHCONCAT) although every element is declared [31:0]; the widths are exact.
    /* verilator lint_off WIDTHCONCAT */
    localparam [3*32-1:0] CPU_BASES = {V2M_BASE32, ITS_CTRL_BASE, SMMU_BASE32};
    localparam [3*32-1:0] CPU_SIZES = {V2M_SIZE32, ITS_SIZE32, SMMU_SIZE32};
    /* verilator lint_on WIDTHCONCAT */

    // ------------------------------------------------------------ devices -> SMMU
    wire [XID_WIDTH-1:0] up_axi_awid;
    wire [ADDR_WIDTH-1:0] up_axi_awaddr;
    wire [7:0] up_axi_awlen;
    wire [2:0] up_axi_awsize;
    wire [1:0] up_axi_awburst;
    wire up_axi_awlock;
    wire [3:0] up_axi_awcache;
    wire [2:0] up_axi_awprot;
    wire [SID_WIDTH-1:0] up_axi_awuser;
    wire up_axi_awvalid;
    wire up_axi_awready;
    wire [63:0] up_axi_wdata;
    wire [7:0] up_axi_wstrb;
    wire up_axi_wlast;
    wire up_axi_wvalid;
    wire up_axi_wready;
    wire [XID_WIDTH-1:0] up_axi_bid;
    wire [1:0] up_axi_bresp;
    wire up_axi_bvalid;
    wire up_axi_bready;
    wire [XID_WIDTH-1:0] up_axi_arid;
    wire [ADDR_WIDTH-1:0] up_axi_araddr;
    wire [7:0] up_axi_arlen;
    wire [2:0] up_axi_arsize;
    wire [1:0] up_axi_arburst;
    wire up_axi_arlock;
    wire [3:0] up_axi_arcache;
    wire [2:0] up_axi_arprot;
    wire [SID_WIDTH-1:0] up_axi_aruser;
    wire up_axi_arvalid;
    wire up_axi_arready;
    wire [XID_WIDTH-1:0] up_axi_rid;
    wire [63:0] up_axi_rdata;
    wire [1:0] up_axi_rresp;
    wire up_axi_rlast;
    wire up_axi_rvalid;
    wire up_axi_rready;

    axi_arbiter #(
        .NUM_PORTS(4), .S_ID_WIDTH(DEV_ID_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .DATA_WIDTH(64),
        .USER_WIDTH(SID_WIDTH)
    ) u_dev_arb (
        .clk(clk), .rst(rst),
        .s_axi_awid({s_axi_dev3_awid, s_axi_dev2_awid, s_axi_dev1_awid, s_axi_dev0_awid}),
        .s_axi_awaddr({s_axi_dev3_awaddr, s_axi_dev2_awaddr, s_axi_dev1_awaddr, s_axi_dev0_awaddr}),
        .s_axi_awlen({s_axi_dev3_awlen, s_axi_dev2_awlen, s_axi_dev1_awlen, s_axi_dev0_awlen}),
        .s_axi_awsize({s_axi_dev3_awsize, s_axi_dev2_awsize, s_axi_dev1_awsize, s_axi_dev0_awsize}),
        .s_axi_awburst({s_axi_dev3_awburst, s_axi_dev2_awburst, s_axi_dev1_awburst, s_axi_dev0_awburst}),
        .s_axi_awlock({s_axi_dev3_awlock, s_axi_dev2_awlock, s_axi_dev1_awlock, s_axi_dev0_awlock}),
        .s_axi_awcache({s_axi_dev3_awcache, s_axi_dev2_awcache, s_axi_dev1_awcache, s_axi_dev0_awcache}),
        .s_axi_awprot({s_axi_dev3_awprot, s_axi_dev2_awprot, s_axi_dev1_awprot, s_axi_dev0_awprot}),
        .s_axi_awuser({DEV3_SID, DEV2_SID, DEV1_SID, DEV0_SID}),
        .s_axi_awvalid({s_axi_dev3_awvalid, s_axi_dev2_awvalid, s_axi_dev1_awvalid, s_axi_dev0_awvalid}),
        .s_axi_awready({s_axi_dev3_awready, s_axi_dev2_awready, s_axi_dev1_awready, s_axi_dev0_awready}),
        .s_axi_wdata({s_axi_dev3_wdata, s_axi_dev2_wdata, s_axi_dev1_wdata, s_axi_dev0_wdata}),
        .s_axi_wstrb({s_axi_dev3_wstrb, s_axi_dev2_wstrb, s_axi_dev1_wstrb, s_axi_dev0_wstrb}),
        .s_axi_wlast({s_axi_dev3_wlast, s_axi_dev2_wlast, s_axi_dev1_wlast, s_axi_dev0_wlast}),
        .s_axi_wvalid({s_axi_dev3_wvalid, s_axi_dev2_wvalid, s_axi_dev1_wvalid, s_axi_dev0_wvalid}),
        .s_axi_wready({s_axi_dev3_wready, s_axi_dev2_wready, s_axi_dev1_wready, s_axi_dev0_wready}),
        .s_axi_bid({s_axi_dev3_bid, s_axi_dev2_bid, s_axi_dev1_bid, s_axi_dev0_bid}),
        .s_axi_bresp({s_axi_dev3_bresp, s_axi_dev2_bresp, s_axi_dev1_bresp, s_axi_dev0_bresp}),
        .s_axi_bvalid({s_axi_dev3_bvalid, s_axi_dev2_bvalid, s_axi_dev1_bvalid, s_axi_dev0_bvalid}),
        .s_axi_bready({s_axi_dev3_bready, s_axi_dev2_bready, s_axi_dev1_bready, s_axi_dev0_bready}),
        .s_axi_arid({s_axi_dev3_arid, s_axi_dev2_arid, s_axi_dev1_arid, s_axi_dev0_arid}),
        .s_axi_araddr({s_axi_dev3_araddr, s_axi_dev2_araddr, s_axi_dev1_araddr, s_axi_dev0_araddr}),
        .s_axi_arlen({s_axi_dev3_arlen, s_axi_dev2_arlen, s_axi_dev1_arlen, s_axi_dev0_arlen}),
        .s_axi_arsize({s_axi_dev3_arsize, s_axi_dev2_arsize, s_axi_dev1_arsize, s_axi_dev0_arsize}),
        .s_axi_arburst({s_axi_dev3_arburst, s_axi_dev2_arburst, s_axi_dev1_arburst, s_axi_dev0_arburst}),
        .s_axi_arlock({s_axi_dev3_arlock, s_axi_dev2_arlock, s_axi_dev1_arlock, s_axi_dev0_arlock}),
        .s_axi_arcache({s_axi_dev3_arcache, s_axi_dev2_arcache, s_axi_dev1_arcache, s_axi_dev0_arcache}),
        .s_axi_arprot({s_axi_dev3_arprot, s_axi_dev2_arprot, s_axi_dev1_arprot, s_axi_dev0_arprot}),
        .s_axi_aruser({DEV3_SID, DEV2_SID, DEV1_SID, DEV0_SID}),
        .s_axi_arvalid({s_axi_dev3_arvalid, s_axi_dev2_arvalid, s_axi_dev1_arvalid, s_axi_dev0_arvalid}),
        .s_axi_arready({s_axi_dev3_arready, s_axi_dev2_arready, s_axi_dev1_arready, s_axi_dev0_arready}),
        .s_axi_rid({s_axi_dev3_rid, s_axi_dev2_rid, s_axi_dev1_rid, s_axi_dev0_rid}),
        .s_axi_rdata({s_axi_dev3_rdata, s_axi_dev2_rdata, s_axi_dev1_rdata, s_axi_dev0_rdata}),
        .s_axi_rresp({s_axi_dev3_rresp, s_axi_dev2_rresp, s_axi_dev1_rresp, s_axi_dev0_rresp}),
        .s_axi_rlast({s_axi_dev3_rlast, s_axi_dev2_rlast, s_axi_dev1_rlast, s_axi_dev0_rlast}),
        .s_axi_rvalid({s_axi_dev3_rvalid, s_axi_dev2_rvalid, s_axi_dev1_rvalid, s_axi_dev0_rvalid}),
        .s_axi_rready({s_axi_dev3_rready, s_axi_dev2_rready, s_axi_dev1_rready, s_axi_dev0_rready}),
        .m_axi_awid(up_axi_awid),
        .m_axi_awaddr(up_axi_awaddr),
        .m_axi_awlen(up_axi_awlen),
        .m_axi_awsize(up_axi_awsize),
        .m_axi_awburst(up_axi_awburst),
        .m_axi_awlock(up_axi_awlock),
        .m_axi_awcache(up_axi_awcache),
        .m_axi_awprot(up_axi_awprot),
        .m_axi_awuser(up_axi_awuser),
        .m_axi_awvalid(up_axi_awvalid),
        .m_axi_awready(up_axi_awready),
        .m_axi_wdata(up_axi_wdata),
        .m_axi_wstrb(up_axi_wstrb),
        .m_axi_wlast(up_axi_wlast),
        .m_axi_wvalid(up_axi_wvalid),
        .m_axi_wready(up_axi_wready),
        .m_axi_bid(up_axi_bid),
        .m_axi_bresp(up_axi_bresp),
        .m_axi_bvalid(up_axi_bvalid),
        .m_axi_bready(up_axi_bready),
        .m_axi_arid(up_axi_arid),
        .m_axi_araddr(up_axi_araddr),
        .m_axi_arlen(up_axi_arlen),
        .m_axi_arsize(up_axi_arsize),
        .m_axi_arburst(up_axi_arburst),
        .m_axi_arlock(up_axi_arlock),
        .m_axi_arcache(up_axi_arcache),
        .m_axi_arprot(up_axi_arprot),
        .m_axi_aruser(up_axi_aruser),
        .m_axi_arvalid(up_axi_arvalid),
        .m_axi_arready(up_axi_arready),
        .m_axi_rid(up_axi_rid),
        .m_axi_rdata(up_axi_rdata),
        .m_axi_rresp(up_axi_rresp),
        .m_axi_rlast(up_axi_rlast),
        .m_axi_rvalid(up_axi_rvalid),
        .m_axi_rready(up_axi_rready)
    );

    // ------------------------------------------------------------ CPU register port
    /* verilator lint_off UNUSEDSIGNAL */
    // each block decodes only its frame's low address bits; the decoder used the rest
    wire [3*32-1:0] cpu_axil_awaddr;
    wire [8:0] cpu_axil_awprot;
    wire [2:0] cpu_axil_awvalid;
    wire [2:0] cpu_axil_awready;
    wire [3*32-1:0] cpu_axil_wdata;
    wire [3*4-1:0] cpu_axil_wstrb;
    wire [2:0] cpu_axil_wvalid;
    wire [2:0] cpu_axil_wready;
    wire [5:0] cpu_axil_bresp;
    wire [2:0] cpu_axil_bvalid;
    wire [2:0] cpu_axil_bready;
    wire [3*32-1:0] cpu_axil_araddr;
    wire [8:0] cpu_axil_arprot;
    wire [2:0] cpu_axil_arvalid;
    wire [2:0] cpu_axil_arready;
    wire [3*32-1:0] cpu_axil_rdata;
    wire [5:0] cpu_axil_rresp;
    wire [2:0] cpu_axil_rvalid;
    wire [2:0] cpu_axil_rready;
    /* verilator lint_on UNUSEDSIGNAL */

    axil_decoder #(
        .NUM_M(3), .ADDR_WIDTH(32), .DATA_WIDTH(32),
        .M_BASE(CPU_BASES),
        .M_SIZE(CPU_SIZES)
    ) u_cpu_dec (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_cpu_awaddr),
        .s_axil_awprot(s_axil_cpu_awprot),
        .s_axil_awvalid(s_axil_cpu_awvalid),
        .s_axil_awready(s_axil_cpu_awready),
        .s_axil_wdata(s_axil_cpu_wdata),
        .s_axil_wstrb(s_axil_cpu_wstrb),
        .s_axil_wvalid(s_axil_cpu_wvalid),
        .s_axil_wready(s_axil_cpu_wready),
        .s_axil_bresp(s_axil_cpu_bresp),
        .s_axil_bvalid(s_axil_cpu_bvalid),
        .s_axil_bready(s_axil_cpu_bready),
        .s_axil_araddr(s_axil_cpu_araddr),
        .s_axil_arprot(s_axil_cpu_arprot),
        .s_axil_arvalid(s_axil_cpu_arvalid),
        .s_axil_arready(s_axil_cpu_arready),
        .s_axil_rdata(s_axil_cpu_rdata),
        .s_axil_rresp(s_axil_cpu_rresp),
        .s_axil_rvalid(s_axil_cpu_rvalid),
        .s_axil_rready(s_axil_cpu_rready),
        .m_axil_awaddr(cpu_axil_awaddr),
        .m_axil_awprot(cpu_axil_awprot),
        .m_axil_awvalid(cpu_axil_awvalid),
        .m_axil_awready(cpu_axil_awready),
        .m_axil_wdata(cpu_axil_wdata),
        .m_axil_wstrb(cpu_axil_wstrb),
        .m_axil_wvalid(cpu_axil_wvalid),
        .m_axil_wready(cpu_axil_wready),
        .m_axil_bresp(cpu_axil_bresp),
        .m_axil_bvalid(cpu_axil_bvalid),
        .m_axil_bready(cpu_axil_bready),
        .m_axil_araddr(cpu_axil_araddr),
        .m_axil_arprot(cpu_axil_arprot),
        .m_axil_arvalid(cpu_axil_arvalid),
        .m_axil_arready(cpu_axil_arready),
        .m_axil_rdata(cpu_axil_rdata),
        .m_axil_rresp(cpu_axil_rresp),
        .m_axil_rvalid(cpu_axil_rvalid),
        .m_axil_rready(cpu_axil_rready)
    );

    // ------------------------------------------------------------ SMMU
    wire [XID_WIDTH-1:0] dn_axi_awid;
    wire [ADDR_WIDTH-1:0] dn_axi_awaddr;
    wire [7:0] dn_axi_awlen;
    wire [2:0] dn_axi_awsize;
    wire [1:0] dn_axi_awburst;
    wire dn_axi_awlock;
    wire [3:0] dn_axi_awcache;
    wire [2:0] dn_axi_awprot;
    wire [SID_WIDTH-1:0] dn_axi_awuser;
    wire dn_axi_awvalid;
    wire dn_axi_awready;
    wire [63:0] dn_axi_wdata;
    wire [7:0] dn_axi_wstrb;
    wire dn_axi_wlast;
    wire dn_axi_wvalid;
    wire dn_axi_wready;
    wire [XID_WIDTH-1:0] dn_axi_bid;
    wire [1:0] dn_axi_bresp;
    wire dn_axi_bvalid;
    wire dn_axi_bready;
    wire [XID_WIDTH-1:0] dn_axi_arid;
    wire [ADDR_WIDTH-1:0] dn_axi_araddr;
    wire [7:0] dn_axi_arlen;
    wire [2:0] dn_axi_arsize;
    wire [1:0] dn_axi_arburst;
    wire dn_axi_arlock;
    wire [3:0] dn_axi_arcache;
    wire [2:0] dn_axi_arprot;
    wire [SID_WIDTH-1:0] dn_axi_aruser;
    wire dn_axi_arvalid;
    wire dn_axi_arready;
    wire [XID_WIDTH-1:0] dn_axi_rid;
    wire [63:0] dn_axi_rdata;
    wire [1:0] dn_axi_rresp;
    wire dn_axi_rlast;
    wire dn_axi_rvalid;
    wire dn_axi_rready;

    smmu_tlb #(
        .NUM_CB(NUM_CB), .NUM_SMRG(NUM_SMRG), .TLB_ENTRIES(TLB_ENTRIES),
        .WALK_CACHE_ENTRIES(WALK_CACHE_ENTRIES), .ID_WIDTH(XID_WIDTH),
        .SID_WIDTH(SID_WIDTH), .ADDR_WIDTH(ADDR_WIDTH)
    ) u_smmu (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(cpu_axil_awaddr[0*32 +: 17]),
        .s_axil_awprot(cpu_axil_awprot[0*3 +: 3]),
        .s_axil_awvalid(cpu_axil_awvalid[0]),
        .s_axil_awready(cpu_axil_awready[0]),
        .s_axil_wdata(cpu_axil_wdata[0*32 +: 32]),
        .s_axil_wstrb(cpu_axil_wstrb[0*4 +: 4]),
        .s_axil_wvalid(cpu_axil_wvalid[0]),
        .s_axil_wready(cpu_axil_wready[0]),
        .s_axil_bresp(cpu_axil_bresp[0*2 +: 2]),
        .s_axil_bvalid(cpu_axil_bvalid[0]),
        .s_axil_bready(cpu_axil_bready[0]),
        .s_axil_araddr(cpu_axil_araddr[0*32 +: 17]),
        .s_axil_arprot(cpu_axil_arprot[0*3 +: 3]),
        .s_axil_arvalid(cpu_axil_arvalid[0]),
        .s_axil_arready(cpu_axil_arready[0]),
        .s_axil_rdata(cpu_axil_rdata[0*32 +: 32]),
        .s_axil_rresp(cpu_axil_rresp[0*2 +: 2]),
        .s_axil_rvalid(cpu_axil_rvalid[0]),
        .s_axil_rready(cpu_axil_rready[0]),
        .s_axi_awid(up_axi_awid),
        .s_axi_awaddr(up_axi_awaddr),
        .s_axi_awlen(up_axi_awlen),
        .s_axi_awsize(up_axi_awsize),
        .s_axi_awburst(up_axi_awburst),
        .s_axi_awlock(up_axi_awlock),
        .s_axi_awcache(up_axi_awcache),
        .s_axi_awprot(up_axi_awprot),
        .s_axi_awuser(up_axi_awuser),
        .s_axi_awvalid(up_axi_awvalid),
        .s_axi_awready(up_axi_awready),
        .s_axi_wdata(up_axi_wdata),
        .s_axi_wstrb(up_axi_wstrb),
        .s_axi_wlast(up_axi_wlast),
        .s_axi_wvalid(up_axi_wvalid),
        .s_axi_wready(up_axi_wready),
        .s_axi_bid(up_axi_bid),
        .s_axi_bresp(up_axi_bresp),
        .s_axi_bvalid(up_axi_bvalid),
        .s_axi_bready(up_axi_bready),
        .s_axi_arid(up_axi_arid),
        .s_axi_araddr(up_axi_araddr),
        .s_axi_arlen(up_axi_arlen),
        .s_axi_arsize(up_axi_arsize),
        .s_axi_arburst(up_axi_arburst),
        .s_axi_arlock(up_axi_arlock),
        .s_axi_arcache(up_axi_arcache),
        .s_axi_arprot(up_axi_arprot),
        .s_axi_aruser(up_axi_aruser),
        .s_axi_arvalid(up_axi_arvalid),
        .s_axi_arready(up_axi_arready),
        .s_axi_rid(up_axi_rid),
        .s_axi_rdata(up_axi_rdata),
        .s_axi_rresp(up_axi_rresp),
        .s_axi_rlast(up_axi_rlast),
        .s_axi_rvalid(up_axi_rvalid),
        .s_axi_rready(up_axi_rready),
        .m_axi_awid(dn_axi_awid),
        .m_axi_awaddr(dn_axi_awaddr),
        .m_axi_awlen(dn_axi_awlen),
        .m_axi_awsize(dn_axi_awsize),
        .m_axi_awburst(dn_axi_awburst),
        .m_axi_awlock(dn_axi_awlock),
        .m_axi_awcache(dn_axi_awcache),
        .m_axi_awprot(dn_axi_awprot),
        .m_axi_awuser(dn_axi_awuser),
        .m_axi_awvalid(dn_axi_awvalid),
        .m_axi_awready(dn_axi_awready),
        .m_axi_wdata(dn_axi_wdata),
        .m_axi_wstrb(dn_axi_wstrb),
        .m_axi_wlast(dn_axi_wlast),
        .m_axi_wvalid(dn_axi_wvalid),
        .m_axi_wready(dn_axi_wready),
        .m_axi_bid(dn_axi_bid),
        .m_axi_bresp(dn_axi_bresp),
        .m_axi_bvalid(dn_axi_bvalid),
        .m_axi_bready(dn_axi_bready),
        .m_axi_arid(dn_axi_arid),
        .m_axi_araddr(dn_axi_araddr),
        .m_axi_arlen(dn_axi_arlen),
        .m_axi_arsize(dn_axi_arsize),
        .m_axi_arburst(dn_axi_arburst),
        .m_axi_arlock(dn_axi_arlock),
        .m_axi_arcache(dn_axi_arcache),
        .m_axi_arprot(dn_axi_arprot),
        .m_axi_aruser(dn_axi_aruser),
        .m_axi_arvalid(dn_axi_arvalid),
        .m_axi_arready(dn_axi_arready),
        .m_axi_rid(dn_axi_rid),
        .m_axi_rdata(dn_axi_rdata),
        .m_axi_rresp(dn_axi_rresp),
        .m_axi_rlast(dn_axi_rlast),
        .m_axi_rvalid(dn_axi_rvalid),
        .m_axi_rready(dn_axi_rready),
        .m_axi_ptw_arid(m_axi_ptw_arid),
        .m_axi_ptw_araddr(m_axi_ptw_araddr),
        .m_axi_ptw_arlen(m_axi_ptw_arlen),
        .m_axi_ptw_arsize(m_axi_ptw_arsize),
        .m_axi_ptw_arburst(m_axi_ptw_arburst),
        .m_axi_ptw_arlock(m_axi_ptw_arlock),
        .m_axi_ptw_arcache(m_axi_ptw_arcache),
        .m_axi_ptw_arprot(m_axi_ptw_arprot),
        .m_axi_ptw_arvalid(m_axi_ptw_arvalid),
        .m_axi_ptw_arready(m_axi_ptw_arready),
        .m_axi_ptw_rid(m_axi_ptw_rid),
        .m_axi_ptw_rdata(m_axi_ptw_rdata),
        .m_axi_ptw_rresp(m_axi_ptw_rresp),
        .m_axi_ptw_rlast(m_axi_ptw_rlast),
        .m_axi_ptw_rvalid(m_axi_ptw_rvalid),
        .m_axi_ptw_rready(m_axi_ptw_rready),
        .irq_context(smmu_irq_context),
        .irq_global(smmu_irq_global)
    );

    // ------------------------------------------------------------ physical address decode
    /* verilator lint_off UNUSEDSIGNAL */
    // frames decode only their low address bits; the decoder used the rest
    wire [3*XID_WIDTH-1:0] dec_axi_awid;
    wire [3*ADDR_WIDTH-1:0] dec_axi_awaddr;
    wire [23:0] dec_axi_awlen;
    wire [8:0] dec_axi_awsize;
    wire [5:0] dec_axi_awburst;
    wire [2:0] dec_axi_awlock;
    wire [11:0] dec_axi_awcache;
    wire [8:0] dec_axi_awprot;
    wire [3*SID_WIDTH-1:0] dec_axi_awuser;
    wire [2:0] dec_axi_awvalid;
    wire [2:0] dec_axi_awready;
    wire [3*64-1:0] dec_axi_wdata;
    wire [3*8-1:0] dec_axi_wstrb;
    wire [2:0] dec_axi_wlast;
    wire [2:0] dec_axi_wvalid;
    wire [2:0] dec_axi_wready;
    wire [3*XID_WIDTH-1:0] dec_axi_bid;
    wire [5:0] dec_axi_bresp;
    wire [2:0] dec_axi_bvalid;
    wire [2:0] dec_axi_bready;
    wire [3*XID_WIDTH-1:0] dec_axi_arid;
    wire [3*ADDR_WIDTH-1:0] dec_axi_araddr;
    wire [23:0] dec_axi_arlen;
    wire [8:0] dec_axi_arsize;
    wire [5:0] dec_axi_arburst;
    wire [2:0] dec_axi_arlock;
    wire [11:0] dec_axi_arcache;
    wire [8:0] dec_axi_arprot;
    wire [3*SID_WIDTH-1:0] dec_axi_aruser;
    wire [2:0] dec_axi_arvalid;
    wire [2:0] dec_axi_arready;
    wire [3*XID_WIDTH-1:0] dec_axi_rid;
    wire [3*64-1:0] dec_axi_rdata;
    wire [5:0] dec_axi_rresp;
    wire [2:0] dec_axi_rlast;
    wire [2:0] dec_axi_rvalid;
    wire [2:0] dec_axi_rready;
    /* verilator lint_on UNUSEDSIGNAL */

    axi_addr_decoder #(
        .NUM_M(3), .ID_WIDTH(XID_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .DATA_WIDTH(64),
        .USER_WIDTH(SID_WIDTH),
        .M_BASE({RAM_BASE, GICV2M_BASE, ITS_BASE + ITS_FRAME_SIZE}),
        .M_SIZE({RAM_SIZE, V2M_FRAME_SIZE, ITS_FRAME_SIZE})
    ) u_pa_dec (
        .clk(clk), .rst(rst),
        .s_axi_awid(dn_axi_awid),
        .s_axi_awaddr(dn_axi_awaddr),
        .s_axi_awlen(dn_axi_awlen),
        .s_axi_awsize(dn_axi_awsize),
        .s_axi_awburst(dn_axi_awburst),
        .s_axi_awlock(dn_axi_awlock),
        .s_axi_awcache(dn_axi_awcache),
        .s_axi_awprot(dn_axi_awprot),
        .s_axi_awuser(dn_axi_awuser),
        .s_axi_awvalid(dn_axi_awvalid),
        .s_axi_awready(dn_axi_awready),
        .s_axi_wdata(dn_axi_wdata),
        .s_axi_wstrb(dn_axi_wstrb),
        .s_axi_wlast(dn_axi_wlast),
        .s_axi_wvalid(dn_axi_wvalid),
        .s_axi_wready(dn_axi_wready),
        .s_axi_bid(dn_axi_bid),
        .s_axi_bresp(dn_axi_bresp),
        .s_axi_bvalid(dn_axi_bvalid),
        .s_axi_bready(dn_axi_bready),
        .s_axi_arid(dn_axi_arid),
        .s_axi_araddr(dn_axi_araddr),
        .s_axi_arlen(dn_axi_arlen),
        .s_axi_arsize(dn_axi_arsize),
        .s_axi_arburst(dn_axi_arburst),
        .s_axi_arlock(dn_axi_arlock),
        .s_axi_arcache(dn_axi_arcache),
        .s_axi_arprot(dn_axi_arprot),
        .s_axi_aruser(dn_axi_aruser),
        .s_axi_arvalid(dn_axi_arvalid),
        .s_axi_arready(dn_axi_arready),
        .s_axi_rid(dn_axi_rid),
        .s_axi_rdata(dn_axi_rdata),
        .s_axi_rresp(dn_axi_rresp),
        .s_axi_rlast(dn_axi_rlast),
        .s_axi_rvalid(dn_axi_rvalid),
        .s_axi_rready(dn_axi_rready),
        .m_axi_awid(dec_axi_awid),
        .m_axi_awaddr(dec_axi_awaddr),
        .m_axi_awlen(dec_axi_awlen),
        .m_axi_awsize(dec_axi_awsize),
        .m_axi_awburst(dec_axi_awburst),
        .m_axi_awlock(dec_axi_awlock),
        .m_axi_awcache(dec_axi_awcache),
        .m_axi_awprot(dec_axi_awprot),
        .m_axi_awuser(dec_axi_awuser),
        .m_axi_awvalid(dec_axi_awvalid),
        .m_axi_awready(dec_axi_awready),
        .m_axi_wdata(dec_axi_wdata),
        .m_axi_wstrb(dec_axi_wstrb),
        .m_axi_wlast(dec_axi_wlast),
        .m_axi_wvalid(dec_axi_wvalid),
        .m_axi_wready(dec_axi_wready),
        .m_axi_bid(dec_axi_bid),
        .m_axi_bresp(dec_axi_bresp),
        .m_axi_bvalid(dec_axi_bvalid),
        .m_axi_bready(dec_axi_bready),
        .m_axi_arid(dec_axi_arid),
        .m_axi_araddr(dec_axi_araddr),
        .m_axi_arlen(dec_axi_arlen),
        .m_axi_arsize(dec_axi_arsize),
        .m_axi_arburst(dec_axi_arburst),
        .m_axi_arlock(dec_axi_arlock),
        .m_axi_arcache(dec_axi_arcache),
        .m_axi_arprot(dec_axi_arprot),
        .m_axi_aruser(dec_axi_aruser),
        .m_axi_arvalid(dec_axi_arvalid),
        .m_axi_arready(dec_axi_arready),
        .m_axi_rid(dec_axi_rid),
        .m_axi_rdata(dec_axi_rdata),
        .m_axi_rresp(dec_axi_rresp),
        .m_axi_rlast(dec_axi_rlast),
        .m_axi_rvalid(dec_axi_rvalid),
        .m_axi_rready(dec_axi_rready)
    );

    // target 2: RAM
    assign m_axi_mem_awid = dec_axi_awid[2*XID_WIDTH +: XID_WIDTH];
    assign m_axi_mem_awaddr = dec_axi_awaddr[2*ADDR_WIDTH +: ADDR_WIDTH];
    assign m_axi_mem_awlen = dec_axi_awlen[2*8 +: 8];
    assign m_axi_mem_awsize = dec_axi_awsize[2*3 +: 3];
    assign m_axi_mem_awburst = dec_axi_awburst[2*2 +: 2];
    assign m_axi_mem_awlock = dec_axi_awlock[2];
    assign m_axi_mem_awcache = dec_axi_awcache[2*4 +: 4];
    assign m_axi_mem_awprot = dec_axi_awprot[2*3 +: 3];
    assign m_axi_mem_awuser = dec_axi_awuser[2*SID_WIDTH +: SID_WIDTH];
    assign m_axi_mem_awvalid = dec_axi_awvalid[2];
    assign dec_axi_awready[2] = m_axi_mem_awready;
    assign m_axi_mem_wdata = dec_axi_wdata[2*64 +: 64];
    assign m_axi_mem_wstrb = dec_axi_wstrb[2*8 +: 8];
    assign m_axi_mem_wlast = dec_axi_wlast[2];
    assign m_axi_mem_wvalid = dec_axi_wvalid[2];
    assign dec_axi_wready[2] = m_axi_mem_wready;
    assign dec_axi_bid[2*XID_WIDTH +: XID_WIDTH] = m_axi_mem_bid;
    assign dec_axi_bresp[2*2 +: 2] = m_axi_mem_bresp;
    assign dec_axi_bvalid[2] = m_axi_mem_bvalid;
    assign m_axi_mem_bready = dec_axi_bready[2];
    assign m_axi_mem_arid = dec_axi_arid[2*XID_WIDTH +: XID_WIDTH];
    assign m_axi_mem_araddr = dec_axi_araddr[2*ADDR_WIDTH +: ADDR_WIDTH];
    assign m_axi_mem_arlen = dec_axi_arlen[2*8 +: 8];
    assign m_axi_mem_arsize = dec_axi_arsize[2*3 +: 3];
    assign m_axi_mem_arburst = dec_axi_arburst[2*2 +: 2];
    assign m_axi_mem_arlock = dec_axi_arlock[2];
    assign m_axi_mem_arcache = dec_axi_arcache[2*4 +: 4];
    assign m_axi_mem_arprot = dec_axi_arprot[2*3 +: 3];
    assign m_axi_mem_aruser = dec_axi_aruser[2*SID_WIDTH +: SID_WIDTH];
    assign m_axi_mem_arvalid = dec_axi_arvalid[2];
    assign dec_axi_arready[2] = m_axi_mem_arready;
    assign dec_axi_rid[2*XID_WIDTH +: XID_WIDTH] = m_axi_mem_rid;
    assign dec_axi_rdata[2*64 +: 64] = m_axi_mem_rdata;
    assign dec_axi_rresp[2*2 +: 2] = m_axi_mem_rresp;
    assign dec_axi_rlast[2] = m_axi_mem_rlast;
    assign dec_axi_rvalid[2] = m_axi_mem_rvalid;
    assign m_axi_mem_rready = dec_axi_rready[2];

    // ------------------------------------------------------------ GICv3 ITS
    its_doorbell #(
        .ID_WIDTH(XID_WIDTH), .DEVID_WIDTH(SID_WIDTH), .ADDR_WIDTH(ADDR_WIDTH)
    ) u_its (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(cpu_axil_awaddr[1*32 +: 16]),
        .s_axil_awprot(cpu_axil_awprot[1*3 +: 3]),
        .s_axil_awvalid(cpu_axil_awvalid[1]),
        .s_axil_awready(cpu_axil_awready[1]),
        .s_axil_wdata(cpu_axil_wdata[1*32 +: 32]),
        .s_axil_wstrb(cpu_axil_wstrb[1*4 +: 4]),
        .s_axil_wvalid(cpu_axil_wvalid[1]),
        .s_axil_wready(cpu_axil_wready[1]),
        .s_axil_bresp(cpu_axil_bresp[1*2 +: 2]),
        .s_axil_bvalid(cpu_axil_bvalid[1]),
        .s_axil_bready(cpu_axil_bready[1]),
        .s_axil_araddr(cpu_axil_araddr[1*32 +: 16]),
        .s_axil_arprot(cpu_axil_arprot[1*3 +: 3]),
        .s_axil_arvalid(cpu_axil_arvalid[1]),
        .s_axil_arready(cpu_axil_arready[1]),
        .s_axil_rdata(cpu_axil_rdata[1*32 +: 32]),
        .s_axil_rresp(cpu_axil_rresp[1*2 +: 2]),
        .s_axil_rvalid(cpu_axil_rvalid[1]),
        .s_axil_rready(cpu_axil_rready[1]),
        .s_axi_awid(dec_axi_awid[0*XID_WIDTH +: XID_WIDTH]),
        .s_axi_awaddr(dec_axi_awaddr[0*ADDR_WIDTH +: 16]),
        .s_axi_awlen(dec_axi_awlen[0*8 +: 8]),
        .s_axi_awsize(dec_axi_awsize[0*3 +: 3]),
        .s_axi_awburst(dec_axi_awburst[0*2 +: 2]),
        .s_axi_awlock(dec_axi_awlock[0]),
        .s_axi_awcache(dec_axi_awcache[0*4 +: 4]),
        .s_axi_awprot(dec_axi_awprot[0*3 +: 3]),
        .s_axi_awuser(dec_axi_awuser[0*SID_WIDTH +: SID_WIDTH]),
        .s_axi_awvalid(dec_axi_awvalid[0]),
        .s_axi_awready(dec_axi_awready[0]),
        .s_axi_wdata(dec_axi_wdata[0*64 +: 64]),
        .s_axi_wstrb(dec_axi_wstrb[0*8 +: 8]),
        .s_axi_wlast(dec_axi_wlast[0]),
        .s_axi_wvalid(dec_axi_wvalid[0]),
        .s_axi_wready(dec_axi_wready[0]),
        .s_axi_bid(dec_axi_bid[0*XID_WIDTH +: XID_WIDTH]),
        .s_axi_bresp(dec_axi_bresp[0*2 +: 2]),
        .s_axi_bvalid(dec_axi_bvalid[0]),
        .s_axi_bready(dec_axi_bready[0]),
        .s_axi_arid(dec_axi_arid[0*XID_WIDTH +: XID_WIDTH]),
        .s_axi_araddr(dec_axi_araddr[0*ADDR_WIDTH +: 16]),
        .s_axi_arlen(dec_axi_arlen[0*8 +: 8]),
        .s_axi_arsize(dec_axi_arsize[0*3 +: 3]),
        .s_axi_arburst(dec_axi_arburst[0*2 +: 2]),
        .s_axi_arlock(dec_axi_arlock[0]),
        .s_axi_arcache(dec_axi_arcache[0*4 +: 4]),
        .s_axi_arprot(dec_axi_arprot[0*3 +: 3]),
        .s_axi_aruser(dec_axi_aruser[0*SID_WIDTH +: SID_WIDTH]),
        .s_axi_arvalid(dec_axi_arvalid[0]),
        .s_axi_arready(dec_axi_arready[0]),
        .s_axi_rid(dec_axi_rid[0*XID_WIDTH +: XID_WIDTH]),
        .s_axi_rdata(dec_axi_rdata[0*64 +: 64]),
        .s_axi_rresp(dec_axi_rresp[0*2 +: 2]),
        .s_axi_rlast(dec_axi_rlast[0]),
        .s_axi_rvalid(dec_axi_rvalid[0]),
        .s_axi_rready(dec_axi_rready[0]),
        .m_axi_awid(m_axi_its_awid),
        .m_axi_awaddr(m_axi_its_awaddr),
        .m_axi_awlen(m_axi_its_awlen),
        .m_axi_awsize(m_axi_its_awsize),
        .m_axi_awburst(m_axi_its_awburst),
        .m_axi_awlock(m_axi_its_awlock),
        .m_axi_awcache(m_axi_its_awcache),
        .m_axi_awprot(m_axi_its_awprot),
        .m_axi_awvalid(m_axi_its_awvalid),
        .m_axi_awready(m_axi_its_awready),
        .m_axi_wdata(m_axi_its_wdata),
        .m_axi_wstrb(m_axi_its_wstrb),
        .m_axi_wlast(m_axi_its_wlast),
        .m_axi_wvalid(m_axi_its_wvalid),
        .m_axi_wready(m_axi_its_wready),
        .m_axi_bid(m_axi_its_bid),
        .m_axi_bresp(m_axi_its_bresp),
        .m_axi_bvalid(m_axi_its_bvalid),
        .m_axi_bready(m_axi_its_bready),
        .m_axi_arid(m_axi_its_arid),
        .m_axi_araddr(m_axi_its_araddr),
        .m_axi_arlen(m_axi_its_arlen),
        .m_axi_arsize(m_axi_its_arsize),
        .m_axi_arburst(m_axi_its_arburst),
        .m_axi_arlock(m_axi_its_arlock),
        .m_axi_arcache(m_axi_its_arcache),
        .m_axi_arprot(m_axi_its_arprot),
        .m_axi_arvalid(m_axi_its_arvalid),
        .m_axi_arready(m_axi_its_arready),
        .m_axi_rid(m_axi_its_rid),
        .m_axi_rdata(m_axi_its_rdata),
        .m_axi_rresp(m_axi_its_rresp),
        .m_axi_rlast(m_axi_its_rlast),
        .m_axi_rvalid(m_axi_its_rvalid),
        .m_axi_rready(m_axi_its_rready),
        .lpi_valid(lpi_valid),
        .lpi_ready(lpi_ready),
        .lpi_intid(lpi_intid),
        .lpi_target(lpi_target)
    );

    // ------------------------------------------------------------ GICv2m frame
    // The frame is reached from the devices (MSI_SETSPI_NS writes) and from the CPU
    // (MSI_TYPER reads through axil_to_axi); a 2:1 arbiter joins the two.
    wire [XID_WIDTH-1:0] v2c_axi_awid;
    wire [11:0] v2c_axi_awaddr;
    wire [7:0] v2c_axi_awlen;
    wire [2:0] v2c_axi_awsize;
    wire [1:0] v2c_axi_awburst;
    wire v2c_axi_awlock;
    wire [3:0] v2c_axi_awcache;
    wire [2:0] v2c_axi_awprot;
    wire [SID_WIDTH-1:0] v2c_axi_awuser;
    wire v2c_axi_awvalid;
    wire v2c_axi_awready;
    wire [63:0] v2c_axi_wdata;
    wire [7:0] v2c_axi_wstrb;
    wire v2c_axi_wlast;
    wire v2c_axi_wvalid;
    wire v2c_axi_wready;
    wire [XID_WIDTH-1:0] v2c_axi_bid;
    wire [1:0] v2c_axi_bresp;
    wire v2c_axi_bvalid;
    wire v2c_axi_bready;
    wire [XID_WIDTH-1:0] v2c_axi_arid;
    wire [11:0] v2c_axi_araddr;
    wire [7:0] v2c_axi_arlen;
    wire [2:0] v2c_axi_arsize;
    wire [1:0] v2c_axi_arburst;
    wire v2c_axi_arlock;
    wire [3:0] v2c_axi_arcache;
    wire [2:0] v2c_axi_arprot;
    wire [SID_WIDTH-1:0] v2c_axi_aruser;
    wire v2c_axi_arvalid;
    wire v2c_axi_arready;
    wire [XID_WIDTH-1:0] v2c_axi_rid;
    wire [63:0] v2c_axi_rdata;
    wire [1:0] v2c_axi_rresp;
    wire v2c_axi_rlast;
    wire v2c_axi_rvalid;
    wire v2c_axi_rready;

    axil_to_axi #(.ADDR_WIDTH(12), .ID_WIDTH(XID_WIDTH), .USER_WIDTH(SID_WIDTH)) u_cpu_v2m (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(cpu_axil_awaddr[2*32 +: 12]),
        .s_axil_awprot(cpu_axil_awprot[2*3 +: 3]),
        .s_axil_awvalid(cpu_axil_awvalid[2]),
        .s_axil_awready(cpu_axil_awready[2]),
        .s_axil_wdata(cpu_axil_wdata[2*32 +: 32]),
        .s_axil_wstrb(cpu_axil_wstrb[2*4 +: 4]),
        .s_axil_wvalid(cpu_axil_wvalid[2]),
        .s_axil_wready(cpu_axil_wready[2]),
        .s_axil_bresp(cpu_axil_bresp[2*2 +: 2]),
        .s_axil_bvalid(cpu_axil_bvalid[2]),
        .s_axil_bready(cpu_axil_bready[2]),
        .s_axil_araddr(cpu_axil_araddr[2*32 +: 12]),
        .s_axil_arprot(cpu_axil_arprot[2*3 +: 3]),
        .s_axil_arvalid(cpu_axil_arvalid[2]),
        .s_axil_arready(cpu_axil_arready[2]),
        .s_axil_rdata(cpu_axil_rdata[2*32 +: 32]),
        .s_axil_rresp(cpu_axil_rresp[2*2 +: 2]),
        .s_axil_rvalid(cpu_axil_rvalid[2]),
        .s_axil_rready(cpu_axil_rready[2]),
        .m_axi_awid(v2c_axi_awid),
        .m_axi_awaddr(v2c_axi_awaddr),
        .m_axi_awlen(v2c_axi_awlen),
        .m_axi_awsize(v2c_axi_awsize),
        .m_axi_awburst(v2c_axi_awburst),
        .m_axi_awlock(v2c_axi_awlock),
        .m_axi_awcache(v2c_axi_awcache),
        .m_axi_awprot(v2c_axi_awprot),
        .m_axi_awuser(v2c_axi_awuser),
        .m_axi_awvalid(v2c_axi_awvalid),
        .m_axi_awready(v2c_axi_awready),
        .m_axi_wdata(v2c_axi_wdata),
        .m_axi_wstrb(v2c_axi_wstrb),
        .m_axi_wlast(v2c_axi_wlast),
        .m_axi_wvalid(v2c_axi_wvalid),
        .m_axi_wready(v2c_axi_wready),
        .m_axi_bid(v2c_axi_bid),
        .m_axi_bresp(v2c_axi_bresp),
        .m_axi_bvalid(v2c_axi_bvalid),
        .m_axi_bready(v2c_axi_bready),
        .m_axi_arid(v2c_axi_arid),
        .m_axi_araddr(v2c_axi_araddr),
        .m_axi_arlen(v2c_axi_arlen),
        .m_axi_arsize(v2c_axi_arsize),
        .m_axi_arburst(v2c_axi_arburst),
        .m_axi_arlock(v2c_axi_arlock),
        .m_axi_arcache(v2c_axi_arcache),
        .m_axi_arprot(v2c_axi_arprot),
        .m_axi_aruser(v2c_axi_aruser),
        .m_axi_arvalid(v2c_axi_arvalid),
        .m_axi_arready(v2c_axi_arready),
        .m_axi_rid(v2c_axi_rid),
        .m_axi_rdata(v2c_axi_rdata),
        .m_axi_rresp(v2c_axi_rresp),
        .m_axi_rlast(v2c_axi_rlast),
        .m_axi_rvalid(v2c_axi_rvalid),
        .m_axi_rready(v2c_axi_rready)
    );

    wire [XID_WIDTH+1-1:0] v2m_axi_awid;
    wire [11:0] v2m_axi_awaddr;
    wire [7:0] v2m_axi_awlen;
    wire [2:0] v2m_axi_awsize;
    wire [1:0] v2m_axi_awburst;
    wire v2m_axi_awlock;
    wire [3:0] v2m_axi_awcache;
    wire [2:0] v2m_axi_awprot;
    wire [SID_WIDTH-1:0] v2m_axi_awuser;
    wire v2m_axi_awvalid;
    wire v2m_axi_awready;
    wire [63:0] v2m_axi_wdata;
    wire [7:0] v2m_axi_wstrb;
    wire v2m_axi_wlast;
    wire v2m_axi_wvalid;
    wire v2m_axi_wready;
    wire [XID_WIDTH+1-1:0] v2m_axi_bid;
    wire [1:0] v2m_axi_bresp;
    wire v2m_axi_bvalid;
    wire v2m_axi_bready;
    wire [XID_WIDTH+1-1:0] v2m_axi_arid;
    wire [11:0] v2m_axi_araddr;
    wire [7:0] v2m_axi_arlen;
    wire [2:0] v2m_axi_arsize;
    wire [1:0] v2m_axi_arburst;
    wire v2m_axi_arlock;
    wire [3:0] v2m_axi_arcache;
    wire [2:0] v2m_axi_arprot;
    wire [SID_WIDTH-1:0] v2m_axi_aruser;
    wire v2m_axi_arvalid;
    wire v2m_axi_arready;
    wire [XID_WIDTH+1-1:0] v2m_axi_rid;
    wire [63:0] v2m_axi_rdata;
    wire [1:0] v2m_axi_rresp;
    wire v2m_axi_rlast;
    wire v2m_axi_rvalid;
    wire v2m_axi_rready;

    axi_arbiter #(
        .NUM_PORTS(2), .S_ID_WIDTH(XID_WIDTH), .ADDR_WIDTH(12), .DATA_WIDTH(64),
        .USER_WIDTH(SID_WIDTH)
    ) u_v2m_arb (
        .clk(clk), .rst(rst),
        .s_axi_awid({v2c_axi_awid, dec_axi_awid[1*XID_WIDTH +: XID_WIDTH]}),
        .s_axi_awaddr({v2c_axi_awaddr, dec_axi_awaddr[1*ADDR_WIDTH +: 12]}),
        .s_axi_awlen({v2c_axi_awlen, dec_axi_awlen[1*8 +: 8]}),
        .s_axi_awsize({v2c_axi_awsize, dec_axi_awsize[1*3 +: 3]}),
        .s_axi_awburst({v2c_axi_awburst, dec_axi_awburst[1*2 +: 2]}),
        .s_axi_awlock({v2c_axi_awlock, dec_axi_awlock[1]}),
        .s_axi_awcache({v2c_axi_awcache, dec_axi_awcache[1*4 +: 4]}),
        .s_axi_awprot({v2c_axi_awprot, dec_axi_awprot[1*3 +: 3]}),
        .s_axi_awuser({v2c_axi_awuser, dec_axi_awuser[1*SID_WIDTH +: SID_WIDTH]}),
        .s_axi_awvalid({v2c_axi_awvalid, dec_axi_awvalid[1]}),
        .s_axi_awready({v2c_axi_awready, dec_axi_awready[1]}),
        .s_axi_wdata({v2c_axi_wdata, dec_axi_wdata[1*64 +: 64]}),
        .s_axi_wstrb({v2c_axi_wstrb, dec_axi_wstrb[1*8 +: 8]}),
        .s_axi_wlast({v2c_axi_wlast, dec_axi_wlast[1]}),
        .s_axi_wvalid({v2c_axi_wvalid, dec_axi_wvalid[1]}),
        .s_axi_wready({v2c_axi_wready, dec_axi_wready[1]}),
        .s_axi_bid({v2c_axi_bid, dec_axi_bid[1*XID_WIDTH +: XID_WIDTH]}),
        .s_axi_bresp({v2c_axi_bresp, dec_axi_bresp[1*2 +: 2]}),
        .s_axi_bvalid({v2c_axi_bvalid, dec_axi_bvalid[1]}),
        .s_axi_bready({v2c_axi_bready, dec_axi_bready[1]}),
        .s_axi_arid({v2c_axi_arid, dec_axi_arid[1*XID_WIDTH +: XID_WIDTH]}),
        .s_axi_araddr({v2c_axi_araddr, dec_axi_araddr[1*ADDR_WIDTH +: 12]}),
        .s_axi_arlen({v2c_axi_arlen, dec_axi_arlen[1*8 +: 8]}),
        .s_axi_arsize({v2c_axi_arsize, dec_axi_arsize[1*3 +: 3]}),
        .s_axi_arburst({v2c_axi_arburst, dec_axi_arburst[1*2 +: 2]}),
        .s_axi_arlock({v2c_axi_arlock, dec_axi_arlock[1]}),
        .s_axi_arcache({v2c_axi_arcache, dec_axi_arcache[1*4 +: 4]}),
        .s_axi_arprot({v2c_axi_arprot, dec_axi_arprot[1*3 +: 3]}),
        .s_axi_aruser({v2c_axi_aruser, dec_axi_aruser[1*SID_WIDTH +: SID_WIDTH]}),
        .s_axi_arvalid({v2c_axi_arvalid, dec_axi_arvalid[1]}),
        .s_axi_arready({v2c_axi_arready, dec_axi_arready[1]}),
        .s_axi_rid({v2c_axi_rid, dec_axi_rid[1*XID_WIDTH +: XID_WIDTH]}),
        .s_axi_rdata({v2c_axi_rdata, dec_axi_rdata[1*64 +: 64]}),
        .s_axi_rresp({v2c_axi_rresp, dec_axi_rresp[1*2 +: 2]}),
        .s_axi_rlast({v2c_axi_rlast, dec_axi_rlast[1]}),
        .s_axi_rvalid({v2c_axi_rvalid, dec_axi_rvalid[1]}),
        .s_axi_rready({v2c_axi_rready, dec_axi_rready[1]}),
        .m_axi_awid(v2m_axi_awid),
        .m_axi_awaddr(v2m_axi_awaddr),
        .m_axi_awlen(v2m_axi_awlen),
        .m_axi_awsize(v2m_axi_awsize),
        .m_axi_awburst(v2m_axi_awburst),
        .m_axi_awlock(v2m_axi_awlock),
        .m_axi_awcache(v2m_axi_awcache),
        .m_axi_awprot(v2m_axi_awprot),
        .m_axi_awuser(v2m_axi_awuser),
        .m_axi_awvalid(v2m_axi_awvalid),
        .m_axi_awready(v2m_axi_awready),
        .m_axi_wdata(v2m_axi_wdata),
        .m_axi_wstrb(v2m_axi_wstrb),
        .m_axi_wlast(v2m_axi_wlast),
        .m_axi_wvalid(v2m_axi_wvalid),
        .m_axi_wready(v2m_axi_wready),
        .m_axi_bid(v2m_axi_bid),
        .m_axi_bresp(v2m_axi_bresp),
        .m_axi_bvalid(v2m_axi_bvalid),
        .m_axi_bready(v2m_axi_bready),
        .m_axi_arid(v2m_axi_arid),
        .m_axi_araddr(v2m_axi_araddr),
        .m_axi_arlen(v2m_axi_arlen),
        .m_axi_arsize(v2m_axi_arsize),
        .m_axi_arburst(v2m_axi_arburst),
        .m_axi_arlock(v2m_axi_arlock),
        .m_axi_arcache(v2m_axi_arcache),
        .m_axi_arprot(v2m_axi_arprot),
        .m_axi_aruser(v2m_axi_aruser),
        .m_axi_arvalid(v2m_axi_arvalid),
        .m_axi_arready(v2m_axi_arready),
        .m_axi_rid(v2m_axi_rid),
        .m_axi_rdata(v2m_axi_rdata),
        .m_axi_rresp(v2m_axi_rresp),
        .m_axi_rlast(v2m_axi_rlast),
        .m_axi_rvalid(v2m_axi_rvalid),
        .m_axi_rready(v2m_axi_rready)
    );

    gicv2m_frame #(
        .SPI_BASE(V2M_SPI_BASE), .SPI_COUNT(V2M_SPI_COUNT), .ID_WIDTH(XID_WIDTH + 1),
        .USER_WIDTH(SID_WIDTH)
    ) u_v2m (
        .clk(clk), .rst(rst),
        .s_axi_awid(v2m_axi_awid),
        .s_axi_awaddr(v2m_axi_awaddr),
        .s_axi_awlen(v2m_axi_awlen),
        .s_axi_awsize(v2m_axi_awsize),
        .s_axi_awburst(v2m_axi_awburst),
        .s_axi_awlock(v2m_axi_awlock),
        .s_axi_awcache(v2m_axi_awcache),
        .s_axi_awprot(v2m_axi_awprot),
        .s_axi_awuser(v2m_axi_awuser),
        .s_axi_awvalid(v2m_axi_awvalid),
        .s_axi_awready(v2m_axi_awready),
        .s_axi_wdata(v2m_axi_wdata),
        .s_axi_wstrb(v2m_axi_wstrb),
        .s_axi_wlast(v2m_axi_wlast),
        .s_axi_wvalid(v2m_axi_wvalid),
        .s_axi_wready(v2m_axi_wready),
        .s_axi_bid(v2m_axi_bid),
        .s_axi_bresp(v2m_axi_bresp),
        .s_axi_bvalid(v2m_axi_bvalid),
        .s_axi_bready(v2m_axi_bready),
        .s_axi_arid(v2m_axi_arid),
        .s_axi_araddr(v2m_axi_araddr),
        .s_axi_arlen(v2m_axi_arlen),
        .s_axi_arsize(v2m_axi_arsize),
        .s_axi_arburst(v2m_axi_arburst),
        .s_axi_arlock(v2m_axi_arlock),
        .s_axi_arcache(v2m_axi_arcache),
        .s_axi_arprot(v2m_axi_arprot),
        .s_axi_aruser(v2m_axi_aruser),
        .s_axi_arvalid(v2m_axi_arvalid),
        .s_axi_arready(v2m_axi_arready),
        .s_axi_rid(v2m_axi_rid),
        .s_axi_rdata(v2m_axi_rdata),
        .s_axi_rresp(v2m_axi_rresp),
        .s_axi_rlast(v2m_axi_rlast),
        .s_axi_rvalid(v2m_axi_rvalid),
        .s_axi_rready(v2m_axi_rready),
        .spi_valid(spi_valid),
        .spi_ready(spi_ready),
        .spi_intid(spi_intid)
    );

endmodule

`default_nettype wire
