// Which CPUs are online. Written by each CPU for itself (its MPIDR by the boot
// CPU before the start), read by anyone: release/acquire on the online flags
// makes everything a CPU did before cpu_online() visible to whoever sees it
// online.
#include <tn/arch/irqflags.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/plat.hpp>
#include <tn/smp.hpp>

namespace tn::smp {

namespace {

u64 g_mpidr[k_max_cpus];
bool g_online[k_max_cpus];

}  // namespace

const char* error_name(Error e) {
    static const char* const names[] = {"BadCpu", "Offline", "NoIpi"};
    return enum_name(names, e);
}

unsigned online_count() {
    unsigned n = 0;
    for (unsigned cpu = 0; cpu < k_max_cpus; ++cpu)
        n += online(cpu) ? 1 : 0;
    return n;
}

bool online(unsigned cpu) { return cpu < k_max_cpus && __atomic_load_n(&g_online[cpu], __ATOMIC_ACQUIRE); }

u64 mpidr(unsigned cpu) { return cpu < k_max_cpus ? g_mpidr[cpu] : 0; }

void boot_cpu_online(u64 mpidr) {
    g_mpidr[0] = mpidr & arch::MpidrEl1::affinity_mask;
    __atomic_store_n(&g_online[0], true, __ATOMIC_RELEASE);
}

void cpu_starting(unsigned cpu, u64 mpidr) {
    if (cpu < k_max_cpus)
        g_mpidr[cpu] = mpidr;
}

void cpu_online(unsigned cpu) {
    if (cpu < k_max_cpus)
        __atomic_store_n(&g_online[cpu], true, __ATOMIC_RELEASE);
}

}  // namespace tn::smp

extern "C" [[gnu::weak, noreturn]] void tn_secondary_main(unsigned) {
    tn::arch::irq_enable();
    for (;;)
        tn::arch::wait_for_interrupt();
}
