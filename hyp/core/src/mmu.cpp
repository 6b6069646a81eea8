// EL2 stage-1 translation (Arm ARM D8: VMSAv8-64, 4 KiB granule, 39-bit VA).
// The table shapes and walking come from arch/arm64's portable builder; only
// the EL2 attribute encoding differs from EL1: AP[1] is RES1 (one privilege
// level) and bit 54 is XN (PXN does not exist in this regime).
#include <tn/arch/pgtable.hpp>
#include <tn/arch/stacks.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/result.hpp>

#include "core.hpp"

extern "C" char __tn_image_start[], __tn_rodata_start[], __tn_data_start[], _end[];
// MAIR_EL2, TCR_EL2, TTBR0_EL2, SCTLR_EL2, VTCR_EL2 for the secondary CPUs (entry.S).
extern "C" tn::u64 mortise_mmu_boot_state[5];
alignas(64) tn::u64 mortise_mmu_boot_state[5];

namespace mortise::mmu {

namespace {

enum class Error : tn::u8 { TooManyTables, BadRange };

namespace pg = tn::arch::pgtable;
using tn::Field;

TN_SYSREG(MairEl2, "mair_el2", u64);
TN_SYSREG(TcrEl2, "tcr_el2", u64);
TN_SYSREG(Ttbr0El2, "ttbr0_el2", u64);
TN_SYSREG(VtcrEl2, "vtcr_el2", u64);
TN_SYSREG(SctlrEl2, "sctlr_el2", u64, struct M : Field<0, 1>{}; struct C : Field<2, 1>{};
          struct Sa : Field<3, 1>{}; struct I : Field<12, 1>{}; struct Wxn : Field<19, 1>{};);
TN_SYSREG(IdAa64mmfr0El1, "id_aa64mmfr0_el1", u64, struct PaRange : Field<0, 4>{};);

// TCR_EL2 (non-VHE layout, Arm ARM D17.2.143): bits 31 and 23 are RES1.
struct Tcr {
    struct T0sz : Field<0, 6> {};
    struct Irgn0 : Field<8, 2> {};
    struct Orgn0 : Field<10, 2> {};
    struct Sh0 : Field<12, 2> {};
    struct Ps : Field<16, 3> {};
    static constexpr u64 k_res1 = (u64{1} << 31) | (u64{1} << 23);
};

// MAIR attribute indices as in arch/arm64 (pgtable::MemType).
constexpr u64 k_mair = (u64{0x04} << 0) | (u64{0xff} << 8) | (u64{0x44} << 16);
constexpr u64 k_attr_device = 0 << 2, k_attr_normal = 1 << 2;
constexpr u64 k_ap_res1 = u64{1} << 6, k_ap_read_only = u64{1} << 7;
constexpr u64 k_sh_inner = u64{3} << 8, k_af = u64{1} << 10, k_xn = u64{1} << 54;

constexpr u64 attrs(bool normal, bool write, bool exec) {
    u64 a = k_af | k_ap_res1 | (normal ? k_attr_normal | k_sh_inner : k_attr_device);
    if (!write)
        a |= k_ap_read_only;
    if (!exec || !normal)
        a |= k_xn;
    return a;
}

constexpr unsigned k_tables = CONFIG_LIBMORTISE_CORE_EL2_TABLES;
alignas(4096) u64 g_tables[k_tables][pg::k_entries];
unsigned g_tables_used;

u64* alloc_table(void*) { return g_tables_used == k_tables ? nullptr : g_tables[g_tables_used++]; }

u64 addr(const char* s) { return reinterpret_cast<u64>(s); }

tn::Result<void, Error> check(tn::Result<void, pg::Error> r) {
    if (r.ok())
        return {};
    return tn::err(r.error() == pg::Error::OutOfTables ? Error::TooManyTables : Error::BadRange);
}

tn::Result<void, Error> build(pg::Builder& b, const Range* ram, unsigned ram_count, const Range* devices,
                              unsigned device_count) {
    for (unsigned i = 0; i < ram_count; ++i)
        TN_TRY(check(b.map_attributes(ram[i].base, ram[i].base, ram[i].size, attrs(true, true, false))));
    u64 text = addr(__tn_image_start), rodata = addr(__tn_rodata_start), data = addr(__tn_data_start);
    TN_TRY(check(b.map_attributes(text, text, rodata - text, attrs(true, false, true))));
    TN_TRY(check(b.map_attributes(rodata, rodata, data - rodata, attrs(true, false, false))));
    for (unsigned cpu = 0; cpu < tn::arch::stacks::k_cpus; ++cpu)
        TN_TRY(check(b.unmap(tn::arch::stacks::guard(cpu), pg::k_page)));
    for (unsigned i = 0; i < device_count; ++i) {
        u64 base = tn::align_down(devices[i].base, pg::k_page);
        u64 end = tn::align_up(devices[i].base + devices[i].size, pg::k_page);
        TN_TRY(check(b.map_attributes(base, base, end - base, attrs(false, true, false))));
    }
    return {};
}


tn::Result<void, Error> enable(const Range* ram, unsigned ram_count, const Range* devices, unsigned device_count,
                               u64 vtcr) {
    pg::Builder b(alloc_table(nullptr), alloc_table, nullptr);
    TN_TRY(build(b, ram, ram_count, devices, device_count));
    u64 pa_range = IdAa64mmfr0El1::PaRange::get(IdAa64mmfr0El1::read());
    MairEl2::write(k_mair);
    TcrEl2::write(Tcr::k_res1 | Tcr::T0sz::bits(64 - pg::k_va_bits) | Tcr::Irgn0::bits(1) | Tcr::Orgn0::bits(1) |
                  Tcr::Sh0::bits(3) | Tcr::Ps::bits(pa_range > 5 ? 5 : pa_range));
    Ttbr0El2::write(reinterpret_cast<u64>(b.root()));
    VtcrEl2::write(vtcr);
    // Written with the caches off: drop any stale line before the walker reads them.
    for (unsigned i = 0; i < g_tables_used; ++i)
        for (u64 off = 0; off < pg::k_page; off += 64)
            asm volatile("dc ivac, %0" ::"r"(reinterpret_cast<u64>(g_tables[i]) + off) : "memory");
    asm volatile("dsb ish; tlbi alle2; tlbi vmalls12e1; dsb ish; isb" ::: "memory");
    u64 sctlr = SctlrEl2::read() | SctlrEl2::M::bits(1) | SctlrEl2::C::bits(1) | SctlrEl2::I::bits(1) |
                SctlrEl2::Sa::bits(1) | SctlrEl2::Wxn::bits(1);
    SctlrEl2::write(sctlr);
    asm volatile("isb" ::: "memory");
    mortise_mmu_boot_state[0] = MairEl2::read();
    mortise_mmu_boot_state[1] = TcrEl2::read();
    mortise_mmu_boot_state[2] = Ttbr0El2::read();
    mortise_mmu_boot_state[3] = sctlr;
    mortise_mmu_boot_state[4] = vtcr;
    asm volatile("dc cvac, %0; dsb sy" ::"r"(mortise_mmu_boot_state) : "memory");
    return {};
}

}  // namespace

void clean_to_poc(u64 base, u64 size) {
    for (u64 p = tn::align_down(base, 64); p < base + size; p += 64)
        asm volatile("dc civac, %0" ::"r"(p) : "memory");
    asm volatile("dsb sy" ::: "memory");
}

}  // namespace mortise::mmu

namespace mortise {

bool enable_mmu(const Board& b) {
    const Range devices[] = {{b.gicd, 0x10000}, {b.gicr, b.gicr_size}, {b.uart, 0x1000}};
    auto vtcr = stage2::vtcr(static_cast<unsigned>(mmu::IdAa64mmfr0El1::PaRange::get(mmu::IdAa64mmfr0El1::read())));
    auto r = mmu::enable(b.ram, b.ram_count, devices, 3, vtcr);
    if (r.ok())
        return true;
    MLOG("cannot start: %s (error %u)",
         r.error() == mmu::Error::TooManyTables ? "out of EL2 translation tables (raise LIBMORTISE_CORE_EL2_TABLES)"
                                                : "bad memory range for the EL2 MMU",
         static_cast<unsigned>(r.error()));
    return false;
}

}  // namespace mortise
