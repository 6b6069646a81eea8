// Board discovery from the device tree (tn/plat/rk3568.hpp). Reads only; the
// EL1 platform (platform.cpp) decides what to do about missing parts.
#include <tn/plat/rk3568.hpp>

namespace tn::plat::rk3568 {

namespace {

bool streq(const char* a, const char* b) { return __builtin_strcmp(a, b) == 0; }

void find_ram(const fdt::Fdt& dt, Board& b) {
    auto n = dt.memory_regions(b.ram, k_max_ram_banks);
    b.ram_count = n.ok() ? (n.value() < k_max_ram_banks ? n.value() : k_max_ram_banks) : 0;
    if (!b.ram_count)
        b.missing |= k_ram;
}

// The console is what /chosen stdout-path names ("serial2:1500000n8" on rk3568).
void find_console(const fdt::Fdt& dt, Board& b) {
    auto out = dt.stdout_path();
    if (!out.ok() || !dt.available(out.value().node)) {
        b.missing |= k_console;
        return;
    }
    fdt::Node n = out.value().node;
    auto cfg = ns16550::config_from_node(dt, n, out.value().options);
    if (!cfg.ok()) {
        b.missing |= k_console;
        return;
    }
    b.console.uart = cfg.value();
    b.console.node = n;
    if (auto irq = dt.interrupt(n, 0); irq.ok())
        b.console.intid = fdt::gic_intid(irq.value()).value_or(0);
}

void find_gic(const fdt::Fdt& dt, Board& b) {
    auto gic = dt.find_gic();
    if (!gic.ok() || gic.value().version != 3 || !gic.value().dist.size || !gic.value().redist.size) {
        b.missing |= k_gic;
        return;
    }
    const fdt::Gic& g = gic.value();
    b.gic = {g.dist.address, g.dist.size, g.redist.address, g.redist.size, g.maintenance_intid};
}

void find_cpus(const fdt::Fdt& dt, Board& b) {
    auto cpus = dt.find_path("/cpus");
    if (cpus.ok()) {
        for (fdt::Node n : dt.children(cpus.value())) {
            auto type = dt.prop_string(n, "device_type");
            auto method = dt.prop_string(n, "enable-method");
            auto reg = dt.reg(n, 0);
            if (!type.ok() || !streq(type.value(), "cpu") || !dt.available(n) || !reg.ok())
                continue;
            if (!method.ok() || !streq(method.value(), "psci") || b.cpu_count == k_max_cpus)
                continue;
            b.cpus[b.cpu_count++] = reg.value().address & k_affinity_mask;
        }
    }
    if (!b.cpu_count)
        b.missing |= k_cpus;
}

}  // namespace

Board discover(const fdt::Fdt& dt) {
    Board b{};
    find_ram(dt, b);
    find_console(dt, b);
    find_gic(dt, b);
    find_cpus(dt, b);
    if (auto psci = dt.find_psci(); psci.ok())
        b.psci_smc = psci.value().method == fdt::PsciMethod::Smc;
    else
        b.missing |= k_psci;
    if (auto t = dt.timer_intid(fdt::TimerIrq::Virtual); t.ok())
        b.timer_intid = t.value();
    else
        b.missing |= k_timer;
    return b;
}

const fdt::Region* bank_holding(const Board& b, u64 address) {
    for (usize i = 0; i < b.ram_count; ++i)
        if (address >= b.ram[i].address && address - b.ram[i].address < b.ram[i].size)
            return &b.ram[i];
    return nullptr;
}

const char* missing_text(u32 p) {
    switch (p) {
    case k_ram:
        return "no /memory node: U-Boot adds it at boot (booti with the board's .dtb); a tree loaded otherwise "
               "needs one";
    case k_console:
        return "/chosen stdout-path does not name an available snps,dw-apb-uart / ns16550a node with a reg "
               "(rk3568: stdout-path = \"serial2:1500000n8\")";
    case k_gic: return "no arm,gic-v3 node with distributor and redistributor reg entries";
    case k_cpus: return "no /cpus/cpu node with enable-method \"psci\" and a reg (MPIDR)";
    case k_psci: return "no arm,psci-1.0 / -0.2 node with method \"smc\" or \"hvc\"";
    case k_timer: return "no arm,armv8-timer node with the virtual timer's interrupt";
    default: return "unknown part";
    }
}

}  // namespace tn::plat::rk3568
