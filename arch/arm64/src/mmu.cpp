#include <tn/arch/mmu.hpp>
#include <tn/arch/stacks.hpp>
#include <tn/arch/sysreg.hpp>

extern "C" char __tn_image_start[], __tn_rodata_start[], __tn_data_start[], _end[];

#ifdef CONFIG_TN_SMP
// What secondary CPUs load before turning their MMU on (smp_entry.S):
// MAIR_EL1, TCR_EL1, TTBR0_EL1, SCTLR_EL1.
extern "C" tn::u64 tn_arch_mmu_boot_state[4];
tn::u64 tn_arch_mmu_boot_state[4];
#endif

namespace tn::arch::mmu {

namespace {

using pgtable::MemType;

TN_SYSREG(MairEl1, "mair_el1", u64);
TN_SYSREG(TcrEl1, "tcr_el1", u64);
TN_SYSREG(Ttbr0El1, "ttbr0_el1", u64);
TN_SYSREG(SctlrEl1, "sctlr_el1", u64, struct M : Field<0, 1>{}; struct C : Field<2, 1>{};
          struct Sa : Field<3, 1>{}; struct I : Field<12, 1>{}; struct Wxn : Field<19, 1>{};);
TN_SYSREG(IdAa64mmfr0El1, "id_aa64mmfr0_el1", u64, struct PaRange : Field<0, 4>{};);

// MAIR_EL1 attribute bytes, indexed by pgtable::MemType.
constexpr u64 k_mair = (u64{0x04} << 0)     // Device-nGnRE
                       | (u64{0xff} << 8)   // Normal, inner/outer write-back RW-allocate
                       | (u64{0x44} << 16);  // Normal, non-cacheable

struct TcrEl1Fields {
    struct T0sz : Field<0, 6> {};
    struct Irgn0 : Field<8, 2> {};
    struct Orgn0 : Field<10, 2> {};
    struct Sh0 : Field<12, 2> {};
    struct Epd1 : Field<23, 1> {};
    struct Ips : Field<32, 3> {};
};

alignas(4096) u64 g_tables[CONFIG_ARCH_ARM64_MMU_TABLES][pgtable::k_entries];
usize g_tables_used;

u64* alloc_table(void*) {
    if (g_tables_used == CONFIG_ARCH_ARM64_MMU_TABLES)
        return nullptr;
    return g_tables[g_tables_used++];  // BSS: already zero
}

u64 addr(const char* sym) { return reinterpret_cast<u64>(sym); }

Result<void, Error> check(Result<void, pgtable::Error> r) {
    if (r.ok())
        return {};
    return err(r.error() == pgtable::Error::OutOfTables ? Error::TooManyTables : Error::BadRange);
}

Result<void, Error> build(pgtable::Builder& b, Range ram, const Range* devices, usize count) {
    TN_TRY(check(b.map(ram.base, ram.base, ram.size, MemType::Normal, {true, false})));
    u64 text = addr(__tn_image_start), rodata = addr(__tn_rodata_start), data = addr(__tn_data_start);
    TN_TRY(check(b.map(text, text, rodata - text, MemType::Normal, {false, true})));
    TN_TRY(check(b.map(rodata, rodata, data - rodata, MemType::Normal, {false, false})));
    for (unsigned cpu = 0; cpu < stacks::k_cpus; ++cpu) {
        TN_TRY(check(b.unmap(stacks::guard(cpu), pgtable::k_page)));
        TN_TRY(check(b.unmap(stacks::exc_guard(cpu), pgtable::k_page)));
    }
    for (usize i = 0; i < count; ++i) {
        u64 base = align_down(devices[i].base, pgtable::k_page);
        u64 end = align_up(devices[i].base + devices[i].size, pgtable::k_page);
        TN_TRY(check(b.map(base, base, end - base, MemType::Device, {true, false})));
    }
    return {};
}

#ifdef CONFIG_TN_SMP
// Hands the boot CPU's settings to the secondaries, which read them with the
// MMU and data cache off: clean the line to the point of coherency.
void publish_for_secondaries(u64 mair, u64 tcr, u64 ttbr0, u64 sctlr) {
    tn_arch_mmu_boot_state[0] = mair;
    tn_arch_mmu_boot_state[1] = tcr;
    tn_arch_mmu_boot_state[2] = ttbr0;
    tn_arch_mmu_boot_state[3] = sctlr;
    asm volatile("dc cvac, %0; dsb sy" ::"r"(tn_arch_mmu_boot_state) : "memory");
}
#endif

u64* g_root;

void turn_on(u64* root) {
    g_root = root;
    u64 pa_range = IdAa64mmfr0El1::PaRange::get(IdAa64mmfr0El1::read());
    MairEl1::write(k_mair);
    TcrEl1::write(TcrEl1Fields::T0sz::bits(64 - pgtable::k_va_bits) | TcrEl1Fields::Irgn0::bits(1) |
                  TcrEl1Fields::Orgn0::bits(1) | TcrEl1Fields::Sh0::bits(3) | TcrEl1Fields::Epd1::bits(1) |
                  TcrEl1Fields::Ips::bits(pa_range > 5 ? 5 : pa_range));
    Ttbr0El1::write(reinterpret_cast<u64>(root));
    // The tables were written with the MMU (and so the data cache) off: make sure
    // no stale cache line shadows them, then start from an empty TLB.
    for (usize i = 0; i < g_tables_used; ++i)
        for (usize off = 0; off < pgtable::k_page; off += 64)
            asm volatile("dc ivac, %0" ::"r"(reinterpret_cast<u64>(g_tables[i]) + off) : "memory");
    asm volatile("dsb ish; tlbi vmalle1; dsb ish; isb" ::: "memory");
    u64 sctlr = SctlrEl1::read();
    sctlr |= SctlrEl1::M::bits(1) | SctlrEl1::C::bits(1) | SctlrEl1::I::bits(1) | SctlrEl1::Sa::bits(1) |
             SctlrEl1::Wxn::bits(1);
    SctlrEl1::write(sctlr);
    asm volatile("isb" ::: "memory");
#ifdef CONFIG_TN_SMP
    publish_for_secondaries(MairEl1::read(), TcrEl1::read(), Ttbr0El1::read(), sctlr);
#endif
}

}  // namespace

Result<void, Error> enable(Range ram, const Range* devices, usize device_count) {
    if (addr(__tn_image_start) < ram.base || addr(_end) > ram.base + ram.size)
        return err(Error::ImageOutsideRam);
    pgtable::Builder b(alloc_table(nullptr), alloc_table, nullptr);
    TN_TRY(build(b, ram, devices, device_count));
    turn_on(b.root());
    return {};
}

// Only ever adds mappings where there were none, or removes them: no live
// descriptor is changed, so no break-before-make is needed. New entries are
// published with a DSB before use (the table walker is coherent with the
// data cache: TCR_EL1 makes walks inner-shareable write-back); removed ones
// are flushed from every CPU's TLB.
Result<void, Error> map_kernel_pages(u64 va, u64 pa, u64 size, pgtable::AllocTable alloc, void* ctx) {
    pgtable::Builder b(g_root, alloc, ctx);
    TN_TRY(check(b.map(va, pa, size, MemType::Normal, {true, false})));
    asm volatile("dsb ishst; isb" ::: "memory");
    return {};
}

// Only unmapped pages get a descriptor (never a live one changed: no
// break-before-make), one run of consecutive unmapped pages per map() call.
Result<void, Error> map_device(u64 pa, u64 size) {
    const u64 base = align_down(pa, pgtable::k_page);
    const u64 end = align_up(pa + size, pgtable::k_page);
    if (size == 0 || pa + size < pa || end <= base || end > (u64{1} << pgtable::k_va_bits))
        return err(Error::BadRange);
    static bool s_busy;
    while (__atomic_exchange_n(&s_busy, true, __ATOMIC_ACQUIRE))
        asm volatile("yield");
    pgtable::Builder b(g_root, alloc_table, nullptr);
    Result<void, Error> r{};
    for (u64 p = base; p < end && r.ok(); p += pgtable::k_page)
        if (auto t = b.translate(p); t.ok() && t.value().type != MemType::Device)
            r = err(Error::BadRange);
    for (u64 p = base; p < end && r.ok();) {
        if (b.translate(p).ok()) {
            p += pgtable::k_page;
            continue;
        }
        u64 run = p;
        while (run < end && !b.translate(run).ok())
            run += pgtable::k_page;
        r = check(b.map(p, p, run - p, MemType::Device, {true, false}));
        p = run;
    }
    asm volatile("dsb ishst; isb" ::: "memory");
    __atomic_store_n(&s_busy, false, __ATOMIC_RELEASE);
    return r;
}

void unmap_kernel_pages(u64 va, u64 size) {
    pgtable::Builder b(g_root, nullptr, nullptr);
    (void)b.unmap(va, size);
    asm volatile("dsb ishst" ::: "memory");
    for (u64 p = va; p < va + size; p += pgtable::k_page)
        asm volatile("tlbi vale1is, %0" ::"r"(p >> 12) : "memory");
    asm volatile("dsb ish; isb" ::: "memory");
}

}  // namespace tn::arch::mmu
