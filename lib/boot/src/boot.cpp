#include <tn/arch/irqflags.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/boot.hpp>
#include <tn/console.hpp>
#include <tn/init.hpp>
#include <tn/plat.hpp>
#include <tn/smp.hpp>

extern "C" {
using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];
extern const tn::init::Record __tn_inittab_start[];
extern const tn::init::Record __tn_inittab_end[];
}

int main();

// What happens to main's return value: power-off with it as the exit status.
// lib/newlib replaces this with exit(status), which runs atexit() handlers and
// flushes stdio first, as returning from main does in C.
extern "C" [[noreturn, gnu::weak]] void tn_main_returned(int status) { tn::plat::power_off(status); }

namespace tn::boot {

void run() {
    smp::boot_cpu_online(arch::MpidrEl1::read());
    for (Constructor* c = __init_array_start; c != __init_array_end; ++c)
        (*c)();
    auto failure = init::run(__tn_inittab_start, __tn_inittab_end);
    if (failure.record) {
        tn_printf("Tenon: init function %s (level %s) failed with error %d\n", failure.record->name,
                  init::level_name(failure.record->level), failure.error);
        plat::power_off(k_init_failed_status);
    }
#ifdef CONFIG_TN_SMP
    plat::start_secondary_cpus();
#endif
#ifdef CONFIG_LIBBOOT_REPORT_BOOT_TIME
    asm volatile("isb" ::: "memory");
    tn_printf("boot: %lu counter ticks from reset to main() (counter %lu Hz)\n", arch::CntpctEl0::read(),
              arch::CntfrqEl0::read());
#endif
#ifdef CONFIG_LIBIRQ
    // Every interrupt source is set up: main() runs interruptible, so the
    // tick, device interrupts and preemption work from its first line.
    arch::irq_enable();
#endif
    tn_main_returned(main());
}

}  // namespace tn::boot
