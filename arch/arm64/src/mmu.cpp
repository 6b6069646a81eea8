// Stage-1 identity map of the running image, for the exception level it runs
// at: EL1 (Tenon) or EL2 (Mortise, CONFIG_TN_HYPERVISOR). Both regimes share
// the table layout (pgtable), MAIR, TCR's walk fields and SCTLR's enable bits;
// they differ in the leaf attribute encoding, TCR's other fields, which
// registers are written, the TLB flush and what secondary CPUs load.
#include <tn/arch/mmu.hpp>
#include <tn/arch/stacks.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/arch/uspace.hpp>

extern "C" char __tn_image_start[], __tn_rodata_start[], __tn_data_start[], _end[];

#if defined(CONFIG_TN_HYPERVISOR)
// MAIR_EL2, TCR_EL2, TTBR0_EL2, SCTLR_EL2, VTCR_EL2 for the secondary CPUs (el2/entry.S).
extern "C" tn::u64 mortise_mmu_boot_state[5];
alignas(64) tn::u64 mortise_mmu_boot_state[5];
#else
// TTBR0_EL1 of the kernel's tables (ASID 0): what kernel threads translate
// with once processes exist (context.S, uspace.cpp).
extern "C" tn::u64 tn_arch_kernel_ttbr;
tn::u64 tn_arch_kernel_ttbr;
#endif
#if !defined(CONFIG_TN_HYPERVISOR) && defined(CONFIG_TN_SMP)
// What secondary CPUs load before turning their MMU on (smp_entry.S):
// MAIR_EL1, TCR_EL1, TTBR0_EL1, SCTLR_EL1.
extern "C" tn::u64 tn_arch_mmu_boot_state[4];
tn::u64 tn_arch_mmu_boot_state[4];
#endif

namespace tn::arch::mmu {

namespace {

using pgtable::MemType;
using pgtable::Perms;

// MAIR_ELx: one attribute byte per pgtable::MemType.
constexpr u64 k_mair = Mair::attr(static_cast<unsigned>(MemType::Device), Mair::device_ngnre) |
                       Mair::attr(static_cast<unsigned>(MemType::Normal), Mair::normal_write_back) |
                       Mair::attr(static_cast<unsigned>(MemType::NormalNonCacheable), Mair::normal_non_cacheable);

// TTBR0 walks of the VA size, write-back cacheable, inner shareable (both regimes).
constexpr u64 k_tcr_walk = TcrWalk::T0sz::bits(64 - pgtable::k_va_bits) | TcrWalk::Irgn0::bits(TcrWalk::cache_wbwa) |
                           TcrWalk::Orgn0::bits(TcrWalk::cache_wbwa) | TcrWalk::Sh0::bits(TcrWalk::sh_inner);

constexpr u64 k_sctlr_enable =
    Sctlr::M::bits(1) | Sctlr::C::bits(1) | Sctlr::I::bits(1) | Sctlr::Sa::bits(1) | Sctlr::Wxn::bits(1);

// The physical address size the CPU supports, as TCR's IPS/PS field encodes it.
u64 pa_size() {
    unsigned r = pa_range();
    return r > 5 ? 5 : r;
}

struct Pool {
    u64 (*tables)[pgtable::k_entries];
    usize count;
    usize used;
};

u64* alloc_table(void* ctx) {
    Pool& p = *static_cast<Pool*>(ctx);
    return p.used == p.count ? nullptr : p.tables[p.used++];  // BSS: already zero
}

u64 addr(const char* sym) { return reinterpret_cast<u64>(sym); }

Result<void, Error> check(Result<void, pgtable::Error> r) {
    if (r.ok())
        return {};
    return err(r.error() == pgtable::Error::OutOfTables ? Error::TooManyTables : Error::BadRange);
}

// The regime's leaf attributes: pgtable's (EL1) encoding, or EL2's.
using Attributes = u64 (*)(MemType type, Perms perms);

Result<void, Error> map(pgtable::Builder& b, Attributes attrs, Range r, MemType type, Perms perms) {
    return check(b.map_attributes(r.base, r.base, r.size, attrs(type, perms)));
}

// Device registers: rounded out to pages.
Result<void, Error> map_device_range(pgtable::Builder& b, Attributes attrs, Range r) {
    u64 base = align_down(r.base, pgtable::k_page);
    u64 end = align_up(r.base + r.size, pgtable::k_page);
    return map(b, attrs, {base, end - base}, MemType::Device, {true, false});
}

// The image over the RAM mapping: text read-only executable, rodata read-only;
// then the devices.
Result<void, Error> map_image_and_devices(pgtable::Builder& b, Attributes attrs, const Range* devices,
                                          usize count) {
    u64 text = addr(__tn_image_start), rodata = addr(__tn_rodata_start), data = addr(__tn_data_start);
    TN_TRY(map(b, attrs, {text, rodata - text}, MemType::Normal, {false, true}));
    TN_TRY(map(b, attrs, {rodata, data - rodata}, MemType::Normal, {false, false}));
    for (unsigned cpu = 0; cpu < stacks::k_cpus; ++cpu)
        TN_TRY(check(b.unmap(stacks::guard(cpu), pgtable::k_page)));
    for (usize i = 0; i < count; ++i)
        TN_TRY(map_device_range(b, attrs, devices[i]));
    return {};
}

// The tables were written with the MMU (and so the data cache) off: make sure
// no stale cache line shadows them before the walker reads them.
void invalidate(const Pool& p) {
    for (usize i = 0; i < p.used; ++i)
        for (usize off = 0; off < pgtable::k_page; off += 64)
            asm volatile("dc ivac, %0" ::"r"(reinterpret_cast<u64>(p.tables[i]) + off) : "memory");
}

// Hands the boot CPU's settings to the secondaries, which read them with the
// MMU and data cache off: clean the lines to the point of coherency.
[[maybe_unused]] void publish(const u64* state, usize words) {
    u64 start = reinterpret_cast<u64>(state);
    for (u64 line = align_down(start, 64); line < start + words * sizeof(u64); line += 64)
        asm volatile("dc cvac, %0" ::"r"(line) : "memory");
    asm volatile("dsb sy" ::: "memory");
}

#ifdef CONFIG_TN_HYPERVISOR

// EL2 stage 1 has one privilege level (Arm ARM D8.4): AP[1] is RES1 and bit 54
// is XN, where EL1 has UXN; PXN does not exist. Otherwise as EL1.
u64 el2_attributes(MemType type, Perms perms) {
    namespace d = pgtable::desc;
    u64 a = pgtable::leaf_attributes(type, perms);
    u64 xn = d::Pxn::get(a) ? d::Uxn::bits(1) : 0;  // XN at EL2 sits where EL1 has UXN
    return (a & ~(d::Pxn::bits(1) | d::Uxn::bits(1))) | d::Ap1::bits(1) | xn;
}

#else

alignas(4096) u64 g_tables[CONFIG_ARCH_ARM64_MMU_TABLES][pgtable::k_entries];
Pool g_pool{g_tables, CONFIG_ARCH_ARM64_MMU_TABLES, 0};
u64* g_root;
Range g_ram;  // what enable() mapped as RAM: map_shared() never maps over it

Result<void, Error> build(pgtable::Builder& b, Range ram, const Range* devices, usize count) {
    TN_TRY(map(b, pgtable::leaf_attributes, ram, MemType::Normal, {true, false}));
    TN_TRY(map_image_and_devices(b, pgtable::leaf_attributes, devices, count));
    for (unsigned cpu = 0; cpu < stacks::k_cpus; ++cpu)
        TN_TRY(check(b.unmap(stacks::exc_guard(cpu), pgtable::k_page)));
    return {};
}

// Every process's tables copy the kernel's level-1 entries: one added now
// is copied into them (tn/arch/uspace.hpp).
void kernel_entries_changed() {
#ifdef CONFIG_ARCH_ARM64_EL0
    uspace::kernel_entries_changed();
#endif
}

void turn_on(u64* root) {
    g_root = root;
    tn_arch_kernel_ttbr = reinterpret_cast<u64>(root);
    MairEl1::write(k_mair);
    TcrEl1::write(k_tcr_walk | TcrEl1::Epd1::bits(1) | TcrEl1::Ips::bits(pa_size()));
    Ttbr0El1::write(reinterpret_cast<u64>(root));
    invalidate(g_pool);
    asm volatile("dsb ish; tlbi vmalle1; dsb ish; isb" ::: "memory");
    u64 sctlr = SctlrEl1::read() | k_sctlr_enable;
    SctlrEl1::write(sctlr);
    asm volatile("isb" ::: "memory");
#ifdef CONFIG_TN_SMP
    tn_arch_mmu_boot_state[0] = MairEl1::read();
    tn_arch_mmu_boot_state[1] = TcrEl1::read();
    tn_arch_mmu_boot_state[2] = Ttbr0El1::read();
    tn_arch_mmu_boot_state[3] = sctlr;
    publish(tn_arch_mmu_boot_state, 4);
#endif
}

#endif

}  // namespace

unsigned pa_range() { return static_cast<unsigned>(IdAa64mmfr0El1::PaRange::get(IdAa64mmfr0El1::read())); }

void clean_to_poc(u64 base, u64 size) {
    for (u64 p = align_down(base, 64); p < base + size; p += 64)
        asm volatile("dc civac, %0" ::"r"(p) : "memory");
    asm volatile("dsb sy" ::: "memory");
}

#ifdef CONFIG_TN_HYPERVISOR

Result<void, Error> enable_el2(const El2Map& m, u64 (*tables)[pgtable::k_entries], usize table_count, u64 vtcr) {
    Pool pool{tables, table_count, 0};
    pgtable::Builder b(alloc_table(&pool), alloc_table, &pool);
    for (usize i = 0; i < m.ram_count; ++i)
        TN_TRY(map(b, el2_attributes, m.ram[i], MemType::Normal, {true, false}));
    TN_TRY(map_image_and_devices(b, el2_attributes, m.devices, m.device_count));
    MairEl2::write(k_mair);
    TcrEl2::write(TcrEl2::res1 | k_tcr_walk | TcrEl2::Ps::bits(pa_size()));
    Ttbr0El2::write(reinterpret_cast<u64>(b.root()));
    VtcrEl2::write(vtcr);
    invalidate(pool);
    asm volatile("dsb ish; tlbi alle2; tlbi vmalls12e1; dsb ish; isb" ::: "memory");
    u64 sctlr = SctlrEl2::read() | k_sctlr_enable;
    SctlrEl2::write(sctlr);
    asm volatile("isb" ::: "memory");
    mortise_mmu_boot_state[0] = MairEl2::read();
    mortise_mmu_boot_state[1] = TcrEl2::read();
    mortise_mmu_boot_state[2] = Ttbr0El2::read();
    mortise_mmu_boot_state[3] = sctlr;
    mortise_mmu_boot_state[4] = vtcr;
    publish(mortise_mmu_boot_state, 5);
    return {};
}

// EL2's map_kernel_pages(): the same window rules as EL1's (only pages that
// were unmapped get a descriptor, so no break-before-make), in the tables
// TTBR0_EL2 holds, with EL2's leaf encoding; the EL2 regime has no ASIDs, and
// unmapping flushes by VA from every CPU's EL2 TLB (TLBI VAE2IS). Mortise's
// mode 2 maps its vCPU threads' stacks with it (lib/sched's port).
Result<void, Error> map_kernel_pages(u64 va, u64 pa, u64 size, pgtable::AllocTable alloc, void* ctx) {
    pgtable::Builder b(reinterpret_cast<u64*>(Ttbr0El2::read() & ~u64{0xfff}), alloc, ctx);
    TN_TRY(check(b.map_attributes(va, pa, size, el2_attributes(MemType::Normal, {true, false}))));
    asm volatile("dsb ishst; isb" ::: "memory");
    return {};
}

void unmap_kernel_pages(u64 va, u64 size) {
    pgtable::Builder b(reinterpret_cast<u64*>(Ttbr0El2::read() & ~u64{0xfff}), nullptr, nullptr);
    (void)b.unmap(va, size);
    asm volatile("dsb ishst" ::: "memory");
    for (u64 p = va; p < va + size; p += pgtable::k_page)
        asm volatile("tlbi vae2is, %0" ::"r"(p >> 12) : "memory");
    asm volatile("dsb ish; isb" ::: "memory");
}

#else

Result<void, Error> enable(Range ram, const Range* devices, usize device_count) {
    if (addr(__tn_image_start) < ram.base || addr(_end) > ram.base + ram.size)
        return err(Error::ImageOutsideRam);
    pgtable::Builder b(alloc_table(&g_pool), alloc_table, &g_pool);
    TN_TRY(build(b, ram, devices, device_count));
    g_ram = ram;
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
    kernel_entries_changed();
    return {};
}

// Only unmapped pages get a descriptor (never a live one changed: no
// break-before-make), one run of consecutive unmapped pages per map() call.
// A page already mapped is accepted only when @p same says it is already
// what the caller asks for.
static Result<void, Error> map_identity(u64 pa, u64 size, MemType type, Perms perms,
                                        bool (*same)(const pgtable::Translation&, MemType, Perms)) {
    const u64 base = align_down(pa, pgtable::k_page);
    const u64 end = align_up(pa + size, pgtable::k_page);
    if (size == 0 || pa + size < pa || end <= base || end > (u64{1} << pgtable::k_va_bits))
        return err(Error::BadRange);
    static bool s_busy;
    while (__atomic_exchange_n(&s_busy, true, __ATOMIC_ACQUIRE))
        asm volatile("yield");
    pgtable::Builder b(g_root, alloc_table, &g_pool);
    Result<void, Error> r{};
    for (u64 p = base; p < end && r.ok(); p += pgtable::k_page)
        if (auto t = b.translate(p); t.ok() && !same(t.value(), type, perms))
            r = err(Error::BadRange);
    for (u64 p = base; p < end && r.ok();) {
        if (b.translate(p).ok()) {
            p += pgtable::k_page;
            continue;
        }
        u64 run = p;
        while (run < end && !b.translate(run).ok())
            run += pgtable::k_page;
        r = check(b.map(p, p, run - p, type, perms));
        p = run;
    }
    asm volatile("dsb ishst; isb" ::: "memory");
    kernel_entries_changed();
    __atomic_store_n(&s_busy, false, __ATOMIC_RELEASE);
    return r;
}

Result<void, Error> map_device(u64 pa, u64 size) {
    return map_identity(pa, size, MemType::Device, {true, false},
                        [](const pgtable::Translation& t, MemType, Perms) { return t.type == MemType::Device; });
}

// Shared memory is never in the boot map, and RAM (the image in it) is
// Normal write-back too, so the memory type alone would not tell them apart:
// RAM is refused by its range, and an already-mapped page is accepted only
// when an identity mapping of exactly the requested kind is there (an earlier
// map_shared() of the same region).
Result<void, Error> map_shared(u64 pa, u64 size, bool cacheable, bool writable) {
    if (size == 0 || pa + size < pa ||
        (align_down(pa, pgtable::k_page) < g_ram.base + g_ram.size &&
         align_up(pa + size, pgtable::k_page) > g_ram.base))
        return err(Error::BadRange);
    return map_identity(pa, size, cacheable ? MemType::Normal : MemType::NormalNonCacheable, {writable, false},
                        [](const pgtable::Translation& t, MemType type, Perms perms) {
                            return t.type == type && t.perms.write == perms.write && !t.perms.exec;
                        });
}

void unmap_kernel_pages(u64 va, u64 size) {
    pgtable::Builder b(g_root, nullptr, nullptr);
    (void)b.unmap(va, size);
    asm volatile("dsb ishst" ::: "memory");
    for (u64 p = va; p < va + size; p += pgtable::k_page)
        asm volatile("tlbi vale1is, %0" ::"r"(p >> 12) : "memory");
    asm volatile("dsb ish; isb" ::: "memory");
}

#endif

}  // namespace tn::arch::mmu
