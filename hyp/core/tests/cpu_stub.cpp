// cpu.cpp's side for tests that play a vCPU's entry and exit themselves, on
// any physical CPU (core_env.hpp): start requests and kicks are recorded, the
// ICH registers are reduced to ICH_VTR_EL2.
#include <mortise/ich_el2.hpp>

#include "core_env.hpp"

namespace mortise {

namespace test {

Vcpu* g_posted[k_max_cpus];
Vcpu* g_on_cpu[k_max_cpus];
unsigned g_kicks;
Vcpu* g_current;

bool enter(Vcpu& v) {
    if (g_posted[v.pcpu] != &v)
        return false;
    bool resumed = v.guest->vcpu_claimed(v);
    g_posted[v.pcpu] = nullptr;
    g_on_cpu[v.pcpu] = &v;
    v.guest->vcpu_entered(v, resumed);
    return true;
}

void leave(Vcpu& v) {
    GuestState s = v.guest->state();
    g_on_cpu[v.pcpu] = nullptr;
    v.guest->vcpu_parked(v, s == GuestState::Paused && !v.off);
}

}  // namespace test

void post_start(Vcpu& v) { test::g_posted[v.pcpu] = &v; }
bool cancel_start(Vcpu& v) {
    if (test::g_posted[v.pcpu] != &v)
        return false;
    test::g_posted[v.pcpu] = nullptr;
    return true;
}
bool running_on_cpu(const Vcpu& v) { return test::g_on_cpu[v.pcpu] == &v; }
Vcpu* current_vcpu() { return test::g_current; }
void kick(unsigned) { ++test::g_kicks; }
void before_entry(Vcpu&) {}
void after_exit(Vcpu&) {}

// ---- The GIC's virtual interface: 4 list registers, 5 priority bits ----

namespace ich {
u64 read_vtr() { return (u64{4} << 29) | 3; }
}  // namespace ich

}  // namespace mortise
