"""Mutants of the GICv3 ITS (hdl/gic/rtl/its_doorbell.v, its_cmd.v, its_xlate.v), written for
issue 9 across every sub-module and the review's bug classes: stale translations,
interrupts still inside the ITS, RDbase / ICID / EventID range checks, access sizes
and lanes of GITS_TRANSLATER, invalidation, the stall protocol, register file and
arbitration. Killed by the ITS bench on its three parameter sets (TESTS)."""

from mutation.framework import Mutant
from tb.rtl_files import relpath as rtl

X = rtl("its_xlate.v")
C = rtl("its_cmd.v")
D = rtl("its_doorbell.v")

MUTANTS = [
    # --- its_xlate: translation frame, cache, walk -------------------------------------
    Mutant("I1", "stale translation: cache survives GITS_CTLR.Enabled = 0", X,
           "if (!enabled) c_valid <= {CACHE_ENTRIES{1'b0}};",
           "if (1'b0) c_valid <= {CACHE_ENTRIES{1'b0}};"),
    Mutant("I2", "left the ITS: translator not fenced while SYNC/INT drain", X,
           "assign s_axi_wready  = w_active && (xstate == X_IDLE) && !fence;",
           "assign s_axi_wready  = w_active && (xstate == X_IDLE);"),
    Mutant("I3", "access size: strobes 0111/1011 taken as a 16-bit TRANSLATER write", X,
           "wire strobe16   = (s_axi_wstrb[3:0] == 4'h3);",
           "wire strobe16   = (s_axi_wstrb[1:0] == 2'b11);"),
    Mutant("I4", "lanes: a 16-bit write's EventID takes the unstrobed upper lanes", X,
           "wire [31:0] beat_event = strobe32 ? s_axi_wdata[31:0] : {16'd0, s_axi_wdata[15:0]};",
           "wire [31:0] beat_event = s_axi_wdata[31:0];"),
    Mutant("I5", "ICID range: a cached ICID >= HCC aliases a collection by its low bits", X,
           "wire        coll_ok   = (res_icid < COLL_LIMIT) && coll_valid",
           "wire        coll_ok   = coll_valid"),
    Mutant("I6", "invalidation: MAPD drops one event's entry, not the device's", X,
           "(inv_kind == 2'd1 || c_event[i] == inv_eventid)",
           "(c_event[i] == inv_eventid)"),
    Mutant("I7", "cache tag: a hit matches the EventID only", X,
           "if (c_valid[i] && c_devid[i] == k_devid && c_event[i] == k_event) begin",
           "if (c_valid[i] && c_event[i] == k_event) begin"),
    Mutant("I8", "EventID range: off by one (EventID 2^(Size+1) walks the ITT)", X,
           "wire        ev_oor   = ({1'b0, k_event} >= ev_limit);",
           "wire        ev_oor   = ({1'b0, k_event} > ev_limit);"),
    Mutant("I9", "device table: BASER0.Valid = 0 still walked", X,
           "wire        dev_oor    = !dt_valid || (",
           "wire        dev_oor    = ("),
    Mutant("I10", "counter: cache hits not counted", X,
           "cnt_cache_hits <= cnt_cache_hits + 32'd1;", "cnt_cache_hits <= cnt_cache_hits;"),
    Mutant("I11", "drop: a walk to an unmapped collection still delivered", X,
           "assign res_valid  = ((lookup_hit || xstate == X_OUT) && coll_ok);",
           "assign res_valid  = (lookup_hit || xstate == X_OUT);"),
    # --- its_cmd: command engine ----------------------------------------------------------
    Mutant("I12", "left the ITS: SYNC completes at once", C,
           "                        state <= S_DRAIN;\n                    end\n                end\n"
           "                `ITS_CMD_MOVALL: begin",
           "                        state <= S_DONE;\n                    end\n                end\n"
           "                `ITS_CMD_MOVALL: begin"),
    Mutant("I13", "left the ITS: INT completes when its LPI is loaded, not taken", C,
           "state     <= S_DRAIN;   // completes once the LPI has left",
           "state     <= S_DONE;"),
    Mutant("I14", "RDbase: MOVALL's RDbase2 never checked", C,
           "if (rdbase_oor || rdbase2_oor) begin", "if (rdbase_oor) begin"),
    Mutant("I15", "RDbase: processor number NUM_RD accepted (off by one)", C,
           "(rdbase[31:0] >= RD_LIMIT);", "(rdbase[31:0] > RD_LIMIT);"),
    Mutant("I16", "RDbase: MAPC takes any processor number", C,
           "end else if (v_bit && rdbase_oor) begin", "end else if (1'b0) begin"),
    Mutant("I17", "ICID range: ICID = HCC accepted (off by one)", C,
           "wire icid_oor  = (icid >= COLL_LIMIT);", "wire icid_oor  = (icid > COLL_LIMIT);"),
    Mutant("I18", "ICID range: INT through an ITTE with ICID >= HCC aliases a collection", C,
           "wire        itte_coll_mapped = (itte_icid < COLL_LIMIT) && coll_valid",
           "wire        itte_coll_mapped = coll_valid"),
    Mutant("I19", "invalidation: MAPD (V=0) leaves the device's translations cached", C,
           "                        inv_pending <= 1'b1;\n                        inv_kind <= 2'd1;",
           "                        inv_pending <= 1'b0;\n                        inv_kind <= 2'd1;"),
    Mutant("I20", "table write: DISCARD rewrites the old ITTE", C,
           "                            wr_data  <= 64'd0;\n                            wa_valid <= 1'b1;",
           "                            wr_data  <= itte;\n                            wa_valid <= 1'b1;"),
    Mutant("I21", "stall protocol: a stalled queue restarts without Retry", C,
           "                end else if (retry) begin\n                    stalled <= 1'b0;",
           "                end else if (1'b1) begin\n                    stalled <= 1'b0;"),
    Mutant("I22", "queue: CREADR wraps one command late", C,
           "creadr      <= (creadr_inc >= cq_cmds) ? 15'd0 : creadr_inc[14:0];",
           "creadr      <= (creadr_inc > cq_cmds) ? 15'd0 : creadr_inc[14:0];"),
    Mutant("I23", "EventID range (commands): off by one", C,
           "wire        ev_oor    = ({1'b0, eventid} >= ev_limit);",
           "wire        ev_oor    = ({1'b0, eventid} > ev_limit);"),
    Mutant("I24", "pINTID range: 8192, the first LPI, rejected", C,
           "wire pintid_oor = (pintid < `ITS_LPI_MIN_INTID)",
           "wire pintid_oor = (pintid <= `ITS_LPI_MIN_INTID)"),
    Mutant("I25", "table write: MOVI ORs the new ICID into the old one", C,
           "wr_data  <= (itte & ~(64'hFFFF << `ITS_ITTE_ICID_LSB))",
           "wr_data  <= (itte)"),
    # --- its_doorbell: register file, arbitration, output ------------------------------
    Mutant("I26", "register: GITS_TYPER.HCC fixed at 16 whatever NUM_COLL", D,
           "localparam [63:0] HCC = {56'd0, HCC_I[7:0]};",
           "localparam [63:0] HCC = {56'd0, 8'd16};"),
    Mutant("I27", "register: GITS_CBASER written while Enabled", D,
           "`ITS_GITS_CBASER: if (!enabled) begin", "`ITS_GITS_CBASER: if (1'b1) begin"),
    Mutant("I28", "register: GITS_BASER0 written while Enabled (re-based under traffic)", D,
           "`ITS_GITS_BASER0: if (!enabled) begin", "`ITS_GITS_BASER0: if (1'b1) begin"),
    Mutant("I29", "left the ITS: Quiescent with an LPI held at the output", D,
           "wire quiescent = !enabled && !cmd_busy && !xl_busy && !lpi_valid;",
           "wire quiescent = !enabled && !cmd_busy && !xl_busy;"),
    Mutant("I30", "stall protocol: every CWRITER write is a Retry", D,
           "retry_pulse <= new64[`ITS_CWRITER_RETRY_BIT];", "retry_pulse <= 1'b1;"),
    Mutant("I31", "register: GITS_TYPER.Devbits fixed at 16 bits", D,
           "localparam [63:0] DEVBITS_M1 = {59'd0, DEVBITS_M1_I[4:0]};",
           "localparam [63:0] DEVBITS_M1 = {59'd0, 5'd15};"),
    Mutant("I32", "memory port: walk reads issued at the command engine's address", D,
           "assign m_axi_araddr  = own_x ? x_rd_addr : c_rd_addr;",
           "assign m_axi_araddr  = c_rd_addr;"),
    Mutant("I33", "collections: MAPC writes a zero target", D,
           "coll_target[coll_idx*16 +: 16] <= coll_wtarget;",
           "coll_target[coll_idx*16 +: 16] <= 16'd0;"),
    # --- table-lock arbitration (killed by commands_not_starved_by_doorbells and
    # walks_not_starved_by_commands: bounded waits, docs/its.md "Table lock") ------------
    Mutant("I34", "arbitration: a walk wins every tie for the table lock (commands starve "
           "behind back-to-back walks)", D,
           "|| (lock_free && xl_lock_req && !(cmd_lock_req && prio_cmd));",
           "|| (lock_free && xl_lock_req);"),
    Mutant("I35", "arbitration: the command engine keeps the lock across queued commands "
           "(walks starve behind a busy queue)", C,
           ": (state != S_STALLED && state != S_ERR && state != S_DONE);",
           ": (state != S_STALLED && state != S_ERR);"),
    Mutant("I36", "arbitration: the translator keeps the lock while its frame is busy "
           "(commands starve under doorbell traffic)", D,
           "else if ((owner == OWN_XL && !xl_lock_req) ||",
           "else if ((owner == OWN_XL && !xl_busy) ||"),
]

TESTS = ["tests/test_its.py"]
