// Mortise's own address space: an EL2 identity map with W^X (arch/arm64's
// MMU set-up, tn/arch/mmu.hpp), holding the host's RAM, the image, and the
// devices Mortise keeps for itself (the GIC and its console UART).
#include <tn/arch/mmu.hpp>

#include "core.hpp"

namespace mortise {

namespace {

namespace amm = tn::arch::mmu;

constexpr unsigned k_tables = CONFIG_LIBMORTISE_CORE_EL2_TABLES;
alignas(4096) u64 g_tables[k_tables][tn::arch::pgtable::k_entries];

}  // namespace

bool enable_mmu(const Board& b) {
    amm::Range ram[sizeof b.ram / sizeof b.ram[0]];
    for (unsigned i = 0; i < b.ram_count; ++i)
        ram[i] = {b.ram[i].base, b.ram[i].size};
    const amm::Range devices[] = {{b.gicd, b.gicd_size}, {b.gicr, b.gicr_size}, {b.uart, b.uart_size}};
    amm::El2Map map{ram, b.ram_count, devices, sizeof devices / sizeof devices[0]};
    auto r = amm::enable_el2(map, g_tables, k_tables, stage2::vtcr(amm::pa_range()));
    if (r.ok())
        return true;
    MLOG("cannot start: %s (error %u)",
         r.error() == amm::Error::TooManyTables ? "out of EL2 translation tables (raise LIBMORTISE_CORE_EL2_TABLES)"
                                                : "bad memory range for the EL2 MMU",
         static_cast<unsigned>(r.error()));
    return false;
}

}  // namespace mortise
