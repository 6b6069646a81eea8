// The QEMU virt board code both exception levels build (tn/plat/qemu_virt.hpp):
// device-tree queries and CPU start through PSCI. It uses only what Tenon at
// EL1 and Mortise at EL2 both have: the device tree, PSCI, lib/boot's CPU
// bookkeeping and the generic counter (not lib/clock, which Mortise lacks).
#include <tn/arch/sysreg.hpp>
#include <tn/plat/qemu_virt.hpp>
#include <tn/smp.hpp>

namespace tn::plat::qemu_virt {

namespace {

constexpr u64 k_online_timeout_s = 1;

bool is_cpu_node(const fdt::Fdt& dt, fdt::Node n) {
    auto type = dt.prop_string(n, "device_type");
    return type.ok() && __builtin_strcmp(type.value(), "cpu") == 0 && dt.available(n);
}

bool wait_online(unsigned cpu) {
    u64 deadline = arch::CntpctEl0::read() + arch::CntfrqEl0::read() * k_online_timeout_s;
    while (!smp::online(cpu)) {
        if (arch::CntpctEl0::read() > deadline)
            return false;
        asm volatile("yield");
    }
    return true;
}

}  // namespace

Result<arch::PsciConduit, fdt::Error> psci_conduit(const fdt::Fdt& dt) {
    auto psci = dt.find_psci();
    if (!psci.ok())
        return err(psci.error());
    return psci.value().method == fdt::PsciMethod::Smc ? arch::PsciConduit::Smc : arch::PsciConduit::Hvc;
}

Result<Uart, fdt::Error> console_uart(const fdt::Fdt& dt) {
    auto uart = dt.find_device("arm,pl011");
    if (!uart.ok())
        return err(uart.error());
    const fdt::Device& d = uart.value();
    return Uart{d.reg.address, d.reg.size, d.has_irq ? d.intid : k_uart_intid, d.has_irq};
}

bool for_each_cpu(const fdt::Fdt& dt, CpuVisitor visit, void* ctx) {
    auto cpus = dt.find_path("/cpus");
    if (!cpus.ok())
        return false;
    for (fdt::Node n : dt.children(cpus.value())) {
        if (!is_cpu_node(dt, n))
            continue;
        auto reg = dt.reg(n, 0);
        if (!reg.ok())
            continue;
        auto method = dt.prop_string(n, "enable-method");
        Cpu cpu{reg.value().address & k_affinity_mask,
                method.ok() && __builtin_strcmp(method.value(), "psci") == 0};
        if (!visit(cpu, ctx))
            break;
    }
    return true;
}

u64 own_affinity() { return arch::MpidrEl1::read() & k_affinity_mask; }

CpuStart start_cpu(unsigned cpu, u64 mpidr, u64 entry, arch::PsciConduit conduit) {
    smp::cpu_starting(cpu, mpidr);
    i64 r = arch::psci_call(conduit, arch::psci_fn::cpu_on, mpidr, entry, cpu);
    if (r != 0)
        return {r, false};
    return {0, wait_online(cpu)};
}

const char* psci_error_name(i64 r) {
    switch (r) {
    case -1: return "NOT_SUPPORTED";
    case -2: return "INVALID_PARAMETERS";
    case -3: return "DENIED";
    case -4: return "ALREADY_ON";
    case -5: return "ON_PENDING";
    case -6: return "INTERNAL_FAILURE";
    case -9: return "INVALID_ADDRESS";
    default: return "unknown error";
    }
}

}  // namespace tn::plat::qemu_virt
