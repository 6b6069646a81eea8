// Host environment of hyp/core (core_env.hpp): the board, the GIC, power-off.
#include "core_env.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <mortise/ich.hpp>
#include <tn/arch/fault.hpp>
#include <tn/arch/irqflags.hpp>
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

// main.cpp's console input switch is not part of the tests: a slot that went away is recorded.
void input_guests_changed(unsigned slot) { test::g_input_freed = static_cast<int>(slot); }

namespace test {

Board& board_for_test() { return g_board; }

IrqHandler g_handlers[k_irq_slots];
int g_input_freed = -1;
unsigned g_deactivated[k_irq_slots];

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
    g_board.maintenance_intid = ich::k_maintenance_intid;
    tn::console::set_sink(capture, nullptr);
}

}  // namespace test

}  // namespace mortise

// ---- The interrupt controller: accepts everything, keeps the handlers ----

namespace tn::irq {

const char* error_name(Error) { return "fake irq error"; }
Result<void, Error> register_handler(u32 intid, Handler fn, void* arg) {
    if (intid < mortise::test::k_irq_slots)
        mortise::test::g_handlers[intid] = {fn, arg};
    return {};
}
Result<void, Error> unregister_handler(u32) { return {}; }
Result<void, Error> enable(u32) { return {}; }
Result<void, Error> disable(u32) { return {}; }
Result<void, Error> set_priority(u32, u8) { return {}; }
Result<void, Error> set_trigger(u32, Trigger) { return {}; }
Result<void, Error> set_affinity(u32, CpuAffinity) { return {}; }
// Masking on the host (tn/irq.hpp declares these out of line off AArch64): arch/fake's.
void local_enable() { arch::irq_enable(); }
void local_disable() { arch::irq_disable(); }
u64 local_save_disable() { return arch::irq_save(); }
void local_restore(u64 state) { arch::irq_restore(state); }
void wait_for_interrupt() { arch::wait_for_interrupt(); }

Result<void, Error> deactivate(Event e) {
    if (e.intid < mortise::test::k_irq_slots)
        ++mortise::test::g_deactivated[e.intid];
    return {};
}

}  // namespace tn::irq

extern "C" void tn_arch_irq(tn::arch::Frame*) {}

namespace tn::plat {
// The tests keep a guest running, so Mortise never powers off.
void power_off(int status) {
    std::fprintf(stderr, "hyp/core test: power_off(%d): every guest stopped\n", status);
    std::abort();
}
}  // namespace tn::plat
