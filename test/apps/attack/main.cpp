// Attacker guest for Mortise's isolation tests (test/qemu/attack-*.test). One
// of six attacks (Config.uk), each printing what it saw so that the boot test,
// not this app, judges whether Mortise stopped it:
//   pmu          times hypercalls with a cycle counter filtered to EL2;
//   debug        programs breakpoints, watchpoints and the OS lock;
//   impdef       writes an implementation-defined register (CPUECTLR_EL1);
//   exec-device  executes from its own pass-through device;
//   emulation    makes an access the emulated PL011 does not implement;
//   tlbi-flood   floods local TLB and instruction cache maintenance.
// A victim guest (test/apps/ticker) runs beside it and must not notice.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/mortise.hpp>
#include <tn/plat/mortise_guest_map.hpp>

namespace {

using namespace tn;

// System registers by name, as the assembler spells them.
#define ATTACK_READ(reg)                                      \
    ({                                                        \
        u64 v_;                                               \
        asm volatile("mrs %0, " #reg : "=r"(v_)::"memory");   \
        v_;                                                   \
    })
#define ATTACK_WRITE(reg, v) asm volatile("msr " #reg ", %0\n isb" ::"r"(u64{v}) : "memory")

// Writes a register, reads it back and prints both: a register Mortise hides
// reads 0 whatever was written.
#define ATTACK_PROBE(reg, v)                                                                        \
    do {                                                                                            \
        ATTACK_WRITE(reg, v);                                                                       \
        tn_printf("attack: %s reads 0x%lx after writing 0x%lx\n", #reg, ATTACK_READ(reg), u64{v}); \
    } while (0)

#ifdef CONFIG_ATTACK_PMU
// PMCR_EL0.E and .C (reset the cycle counter); PMCCFILTR_EL0 P and U exclude
// EL1 and EL0, NSH includes EL2 (Arm ARM D13.4): only Mortise's cycles count.
constexpr u64 k_pmcr_e = 1u << 0, k_pmcr_c = 1u << 2;
constexpr u64 k_filter_el2_only = (1u << 31) | (1u << 30) | (1u << 27);
constexpr u64 k_cycle_counter = 1ull << 31;

int run() {
    ATTACK_PROBE(pmcr_el0, k_pmcr_e | k_pmcr_c);
    ATTACK_PROBE(pmccfiltr_el0, k_filter_el2_only);
    ATTACK_PROBE(pmcntenset_el0, k_cycle_counter);
    ATTACK_PROBE(pmuserenr_el0, 0xfu);
    ATTACK_PROBE(pmintenset_el1, k_cycle_counter);
    ATTACK_PROBE(pmselr_el0, 0u);
    ATTACK_PROBE(pmxevtyper_el0, 0x11u);  // event 0x11: CPU_CYCLES
    ATTACK_PROBE(pmevtyper0_el0, 0x11u);
    ATTACK_PROBE(pmevcntr0_el0, 0x1234u);
    ATTACK_WRITE(pmintenclr_el1, k_cycle_counter);  // no overflow interrupt to take
    const u64 before = ATTACK_READ(pmccntr_el0);
    for (unsigned i = 0; i < CONFIG_ATTACK_HYPERCALLS; ++i)
        (void)mortise::version();
    const u64 after = ATTACK_READ(pmccntr_el0);
    tn_printf("attack: cycle counter %lu -> %lu across %u hypercalls\n", before, after, CONFIG_ATTACK_HYPERCALLS);
    tn_puts("attack: done");
    return 0;
}
#endif

#ifdef CONFIG_ATTACK_DEBUG
// Control values with E (bit 0) clear: armed but never firing, so that the
// old tree, which lets them through, keeps running too.
constexpr u64 k_bcr = 0xf << 5 | 0x3 << 1;              // BAS 0b1111, PMC EL1 and EL0
constexpr u64 k_wcr = 0xff << 5 | 0x3 << 3 | 0x3 << 1;  // BAS, LSC load and store, PAC

int run() {
    const u64 target = reinterpret_cast<u64>(&run);
    ATTACK_PROBE(dbgbvr0_el1, target);
    ATTACK_PROBE(dbgbcr0_el1, k_bcr);
    ATTACK_PROBE(dbgwvr0_el1, target & ~u64{7});
    ATTACK_PROBE(dbgwcr0_el1, k_wcr);
    // MDE and HDE (halting debug); KDE stays clear: nothing is taken at EL1.
    // MDSCR_EL1 is the guest's, but HDE is not among the bits it may set.
    ATTACK_PROBE(mdscr_el1, u64{3} << 14);
    ATTACK_PROBE(osdlr_el1, 1u);
    ATTACK_WRITE(oslar_el1, 1u);  // lock the OS lock: OSLSR_EL1.OSLK reads 1 if it went through
    tn_printf("attack: OSLSR_EL1 reads 0x%lx after writing 1 to OSLAR_EL1\n", ATTACK_READ(oslsr_el1));
    ATTACK_WRITE(oslar_el1, 0u);
    ATTACK_WRITE(osdlr_el1, 0u);
    ATTACK_WRITE(mdscr_el1, 0u);
    tn_puts("attack: done");
    return 0;
}
#endif

#ifdef CONFIG_ATTACK_IMPDEF
int run() {
    // CPUECTLR_EL1.SMPEN (bit 6): already set on a running SMP core, so the
    // write changes nothing where it goes through.
    tn_puts("attack: writing 0x40 to S3_1_C15_C2_1 (Cortex-A53 CPUECTLR_EL1)");
    ATTACK_WRITE(S3_1_C15_C2_1, 0x40u);
    tn_puts("attack: the implementation-defined write went through, still running");
    return 0;
}
#endif

#ifdef CONFIG_ATTACK_EXEC_DEVICE
int run() {
    constexpr u64 k_device = CONFIG_ATTACK_DEVICE_ADDRESS;
    tn_printf("attack: MMU off, jumping to its pass-through device at 0x%lx\n", k_device);
    // Tenon's own tables map devices execute-never; with the MMU off
    // (RAM is identity mapped, so the code goes on) only stage 2 decides.
    asm volatile(
        "mrs x9, sctlr_el1\n"
        "bic x9, x9, #1\n"
        "msr sctlr_el1, x9\n"
        "isb\n"
        "br %0\n" ::"r"(k_device)
        : "x9", "memory");
    return 1;  // not reached: the branch does not come back
}
#endif

#ifdef CONFIG_ATTACK_EMULATION
int run() {
    namespace map = plat::mortise_guest::map;
    const u64 uartdr = map::k_uart.value();
    tn_printf("attack: 8-byte write to the emulated PL011 at 0x%lx\n", uartdr);
    // The PL011 has 8-, 16- and 32-bit registers only (DDI 0183G 3.2).
    *reinterpret_cast<volatile u64*>(uartdr) = 'X';
    tn_puts("attack: the 8-byte write went through, still running");
    return 0;
}
#endif

#ifdef CONFIG_ATTACK_TLBI_FLOOD
int run() {
    const u64 start = clock::now_ns();
    const u64 until = start + u64{CONFIG_ATTACK_FLOOD_MS} * 1'000'000;
    u64 rounds = 0;
    tn_printf("attack: flooding tlbi vmalle1; ic iallu for %u ms\n", CONFIG_ATTACK_FLOOD_MS);
    // Local maintenance: with HCR_EL2.FB set Mortise would make every round
    // broadcast to all CPUs, the victims' too.
    do {
        for (unsigned i = 0; i < 64; ++i)
            asm volatile("tlbi vmalle1\n ic iallu\n dsb nsh\n isb" ::: "memory");
        rounds += 64;
    } while (clock::now_ns() < until);
    tn_printf("attack: %lu rounds in %lu ms\n", rounds, (clock::now_ns() - start) / 1'000'000);
    tn_puts("attack: done");
    return 0;
}
#endif

}  // namespace

int main() { return run(); }
