// Host stand-ins for what src/cpu.cpp calls that only exists at EL2 on the
// target (cpu_env.hpp).
#include "cpu_env.hpp"

#include <mortise/ich_el2.hpp>
#include <tn/arch/irqflags.hpp>
#include <tn/arch/sysreg.hpp>

namespace mortise::test {

IchRegs g_ich;
vcpu::El1Regs g_el1;
vcpu::GuestRegs* g_entered_frame;
unsigned g_sgis;
tn::irq::SgiTarget g_last_sgi = tn::irq::SgiTarget::self();
std::jmp_buf g_jump;
El2MmuCall g_el2_mmu;
tn::Result<void, tn::arch::mmu::Error> g_el2_mmu_result;

namespace {
[[noreturn]] void idled() { std::longjmp(g_jump, k_idled); }
}  // namespace

void arm_idle() { tn::arch::fake::g_wfi_hook = idled; }

}  // namespace mortise::test

using mortise::test::g_el1;
using mortise::test::g_ich;

extern "C" {

// The world switch in (arch/arm64's el2/entry.S): the guest runs until its next
// exit, which the test plays by calling trap.cpp's mortise_guest_* itself.
[[noreturn]] void mortise_enter_guest(mortise::vcpu::GuestRegs* regs) {
    mortise::test::g_entered_frame = regs;
    std::longjmp(mortise::test::g_jump, mortise::test::k_entered);
}

// No stack switch on the host: the function runs on the caller's stack.
[[noreturn]] void mortise_run_on_stack(void*, void (*fn)(void*), void* arg) {
    fn(arg);
    __builtin_trap();  // the idle loop does not return
}

// hyp/vcpu's sysregs.S: the EL1 registers; saving stops the virtual timer.
void mortise_vcpu_save_el1(mortise::vcpu::El1Regs* regs) {
    *regs = g_el1;
    regs->cntv_ctl = tn::arch::CntvCtlEl0::read();
    tn::arch::CntvCtlEl0::write(0);
}

void mortise_vcpu_restore_el1(const mortise::vcpu::El1Regs* regs) {
    g_el1 = *regs;
    tn::arch::CntvCtlEl0::write(regs->cntv_ctl);
}

}  // extern "C"

// hyp/vgic's ich_el2.cpp accessors on a register file (ich_switch.cpp, built
// from source, uses them as on the target).
namespace mortise::ich {

u64 read_lr(unsigned n) { return n < lr_count() ? g_ich.lr[n] : 0; }
void write_lr(unsigned n, u64 value) {
    if (n < lr_count())
        g_ich.lr[n] = value;
}
u64 read_vtr() { return (u64{4} << 29) | 3; }
unsigned lr_count() { return static_cast<unsigned>(Vtr::ListRegs::get(read_vtr())) + 1; }
u64 read_hcr() { return g_ich.hcr; }
void write_hcr(u64 value) { g_ich.hcr = value; }
u64 read_vmcr() { return g_ich.vmcr; }
void write_vmcr(u64 value) { g_ich.vmcr = value; }
u32 read_misr() { return 0; }
u32 read_eisr() { return 0; }
u32 read_elrsr() { return 0; }

}  // namespace mortise::ich

namespace tn::irq {
Result<void, Error> send_sgi(u32, SgiTarget target) {
    ++mortise::test::g_sgis;
    mortise::test::g_last_sgi = target;
    return {};
}
}  // namespace tn::irq

namespace tn::arch::mmu {
Result<void, Error> enable_el2(const El2Map& m, u64 (*)[pgtable::k_entries], usize table_count, u64 vtcr) {
    auto& c = mortise::test::g_el2_mmu;
    ++c.calls;
    c.ram_count = m.ram_count;
    for (usize i = 0; i < m.ram_count && i < 4; ++i)
        c.ram[i] = m.ram[i];
    c.device_count = m.device_count;
    for (usize i = 0; i < m.device_count && i < 4; ++i)
        c.devices[i] = m.devices[i];
    c.table_count = table_count;
    c.vtcr = vtcr;
    return mortise::test::g_el2_mmu_result;
}
}  // namespace tn::arch::mmu
