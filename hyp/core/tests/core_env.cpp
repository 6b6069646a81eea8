// Host environment of hyp/core (core_env.hpp).
#include "core_env.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <mortise/ich_el2.hpp>
#include <tn/arch/fault.hpp>
#include <tn/console.hpp>
#include <tn/irq.hpp>
#include <tn/plat.hpp>

// Mortise's own image, for guest placement (guest.cpp): somewhere that is not guest RAM.
extern "C" {
char __tn_image_start[4096];
char _end[1];
}

namespace mortise {

namespace {

constexpr u64 k_ram_size = 64 * tn::MiB;
Board g_board;
std::string g_console;

void capture(char c, void*) { g_console += c; }

}  // namespace

const Board& board() { return g_board; }

namespace test {

Vcpu* g_posted[k_max_cpus];
Vcpu* g_on_cpu[k_max_cpus];
unsigned g_kicks;
Vcpu* g_current;

std::string take_console() {
    std::string s;
    s.swap(g_console);
    return s;
}

void init_env() {
    static bool done;
    if (done)
        return;
    done = true;
    void* ram = std::aligned_alloc(2 * tn::MiB, k_ram_size);
    std::memset(ram, 0, k_ram_size);
    g_board.ram[0] = {reinterpret_cast<u64>(ram), k_ram_size};
    g_board.ram_count = 1;
    g_board.cpu_count = k_max_cpus;
    for (unsigned i = 0; i < k_max_cpus; ++i)
        g_board.cpu_mpidr[i] = i;
    tn::console::set_sink(capture, nullptr);
}

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

// ---- cpu.cpp's side ----

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

// ---- The interrupt controller: accepts everything ----

namespace tn::irq {

const char* error_name(Error) { return "fake irq error"; }
Result<void, Error> register_handler(u32, Handler, void*) { return {}; }
Result<void, Error> unregister_handler(u32) { return {}; }
Result<void, Error> enable(u32) { return {}; }
Result<void, Error> disable(u32) { return {}; }
Result<void, Error> set_priority(u32, u8) { return {}; }
Result<void, Error> set_trigger(u32, Trigger) { return {}; }
Result<void, Error> set_affinity(u32, CpuAffinity) { return {}; }
Result<void, Error> deactivate(Event) { return {}; }

}  // namespace tn::irq

extern "C" void tn_arch_irq(tn::arch::Frame*) {}

namespace tn::plat {
// The tests keep a guest running, so Mortise never powers off.
void power_off(int status) {
    std::fprintf(stderr, "hyp/core test: power_off(%d): every guest stopped\n", status);
    std::abort();
}
}  // namespace tn::plat
