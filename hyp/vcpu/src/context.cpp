#include <mortise/vcpu.hpp>

namespace mortise::vcpu {

void reset(Context& ctx, u64 entry, u64 x0) {
    ctx = {};
    ctx.regs.x[0] = x0;
    ctx.regs.pc = entry;
    ctx.regs.pstate = k_pstate_el1h_masked;
    ctx.el1.sctlr = k_sctlr_el1_reset;
}

}  // namespace mortise::vcpu
