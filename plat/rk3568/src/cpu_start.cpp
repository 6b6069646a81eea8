// Starting one RK3568 CPU through PSCI (tn/plat/rk3568.hpp), for both of the
// board's platforms: Tenon's secondary CPUs at EL1 (smp.cpp) and Mortise's at
// EL2 (plat/mortise-rk3568). TF-A's CPU_ON takes the full MPIDR affinity:
// the cores differ in Aff1 (0x000, 0x100, 0x200, 0x300), never in Aff0.
#include <tn/arch/psci.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/plat/rk3568.hpp>
#include <tn/smp.hpp>

namespace tn::plat::rk3568 {

namespace {

bool wait_online(unsigned cpu) {
    u64 deadline = arch::CntpctEl0::read() + arch::CntfrqEl0::read();
    while (!smp::online(cpu)) {
        if (arch::CntpctEl0::read() > deadline)
            return false;
        asm volatile("yield");
    }
    return true;
}

}  // namespace

CpuStart start_cpu(unsigned cpu, u64 mpidr, u64 entry, bool psci_smc) {
    auto conduit = psci_smc ? arch::PsciConduit::Smc : arch::PsciConduit::Hvc;
    smp::cpu_starting(cpu, mpidr);
    i64 r = arch::psci_call(conduit, arch::psci_fn::cpu_on, mpidr, entry, cpu);
    if (r != 0)
        return {r, false};
    return {0, wait_online(cpu)};
}

const char* psci_error_name(i64 r) {
    switch (r) {
    case -2: return "INVALID_PARAMETERS";
    case -3: return "DENIED";
    case -4: return "ALREADY_ON";
    case -5: return "ON_PENDING";
    case -6: return "INTERNAL_FAILURE";
    case -9: return "INVALID_ADDRESS";
    default: return "NOT_SUPPORTED or unknown";
    }
}

}  // namespace tn::plat::rk3568
