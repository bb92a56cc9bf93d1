// Driver of cov_probe.v (tests/test_code_coverage.py): six clocks, other=1 with +other,
// then the coverage data to +verilator+coverage+file+<path> (default coverage.dat).
#include "Vcov_probe.h"
#include "verilated.h"
#include "verilated_cov.h"
#include <cstring>

int main(int argc, char** argv) {
    VerilatedContext ctx;
    ctx.commandArgs(argc, argv);
    Vcov_probe top{&ctx};
    top.other = std::strlen(ctx.commandArgsPlusMatch("other")) != 0;
    for (int edge = 0; edge < 12; ++edge) {
        top.clk = edge & 1;
        top.eval();
    }
    top.final();
    ctx.coveragep()->write();
    return 0;
}
