// EL0 address spaces (tn/arch/uspace.hpp): the live list, ASIDs, the user
// window's mappings and their TLB maintenance.
#include <tn/arch/frame.hpp>
#include <tn/arch/irqflags.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/arch/uspace.hpp>

extern "C" tn::u64 tn_arch_kernel_ttbr;  // mmu.cpp
extern "C" char tn_uaccess_start[], tn_uaccess_end[], tn_uaccess_fault[];
extern "C" long tn_arch_copy_user(void* dst, const void* src, tn::usize n);
extern "C" long tn_arch_copy_user_string(char* dst, const char* src, tn::usize max);
extern "C" [[noreturn]] void tn_arch_enter_el0(tn::u64 pc, tn::u64 sp, tn::u64 a0, tn::u64 a1, tn::u64 a2,
                                               void* ctx);

namespace tn::arch {

namespace uspace {

namespace {

constexpr unsigned k_user_slot = static_cast<unsigned>(k_user_base >> pgtable::shift_of(1));
static_assert(k_user_base % k_user_size == 0 && k_user_slot < pgtable::k_entries, "one level-1 entry");
constexpr u64 k_addr = pgtable::desc::OutputAddr::mask;
constexpr u64 k_table_bits = pgtable::desc::k_table_or_page;

// The live spaces and the ASID bitmap, under one spinlock taken with IRQs
// masked (kernel_entries_changed() may run with the kernel lock held).
Space* g_spaces;
u64 g_asids[4] = {1};  // bit 0: the kernel's
bool g_busy;

struct Guard {
    u64 flags = irq_save();
    Guard() {
        while (__atomic_exchange_n(&g_busy, true, __ATOMIC_ACQUIRE))
            asm volatile("yield");
    }
    ~Guard() {
        __atomic_store_n(&g_busy, false, __ATOMIC_RELEASE);
        irq_restore(flags);
    }
};

u64* kernel_root() { return reinterpret_cast<u64*>(tn_arch_kernel_ttbr & k_addr); }

// Copies the kernel's level-1 entries that @p root lacks. Invalid to valid
// only: nothing a walker may hold changes.
void copy_kernel_entries(u64* root) {
    const u64* k = kernel_root();
    for (unsigned i = 0; i < pgtable::k_entries; ++i)
        if (i != k_user_slot && root[i] != k[i])
            __atomic_store_n(&root[i], k[i], __ATOMIC_RELAXED);
}

void flush_asid(u16 asid) {
    asm volatile("dsb ishst; tlbi aside1is, %0; dsb ish; isb" ::"r"(u64{asid} << 48) : "memory");
}

void flush_pages(u16 asid, u64 va, u64 size) {
    asm volatile("dsb ishst" ::: "memory");
    for (u64 p = va; p < va + size; p += pgtable::k_page)
        asm volatile("tlbi vae1is, %0" ::"r"((u64{asid} << 48) | (p >> pgtable::k_page_shift)) : "memory");
    asm volatile("dsb ish; isb" ::: "memory");
}

bool page_range(u64 va, u64 size) {
    return size != 0 && (va | size) % pgtable::k_page == 0 && in_window(va, size);
}

// Hands every leaf under @p table (level @p level, mapping from @p va) and
// the tables themselves to @p free.
void free_tree(u64* table, unsigned level, FreeFn free, void* ctx) {
    for (unsigned i = 0; i < pgtable::k_entries; ++i) {
        u64 d = table[i];
        if (!(d & pgtable::desc::Valid::mask))
            continue;
        if (level < 3 && (d & k_table_bits) == k_table_bits)
            free_tree(reinterpret_cast<u64*>(d & k_addr), level + 1, free, ctx);
        else
            free(d & k_addr, pgtable::block_size(level), ctx);
    }
    free(reinterpret_cast<u64>(table), pgtable::k_page, ctx);
}

}  // namespace

void kernel_entries_changed() {
    Guard g;
    for (Space* s = g_spaces; s; s = s->next)
        copy_kernel_entries(s->root);
    asm volatile("dsb ishst; isb" ::: "memory");
}

Result<void, Error> create(Space& s, pgtable::AllocTable alloc, void* ctx) {
    unsigned asid = 0;
    {
        Guard g;
        for (unsigned w = 0; w < 4 && !asid; ++w)
            if (~g_asids[w]) {
                unsigned bit = __builtin_ctzll(~g_asids[w]);
                if (w * 64 + bit > k_max_asids)
                    break;
                g_asids[w] |= u64{1} << bit;
                asid = w * 64 + bit;
            }
    }
    if (!asid)
        return err(Error::NoAsid);
    u64* root = alloc(ctx);
    Guard g;
    if (!root) {
        g_asids[asid / 64] &= ~(u64{1} << (asid % 64));
        return err(Error::NoMemory);
    }
    copy_kernel_entries(root);
    s.root = root;
    s.asid = static_cast<u16>(asid);
    s.next = g_spaces;
    g_spaces = &s;
    asm volatile("dsb ishst" ::: "memory");
    return {};
}

Result<void, Error> map(Space& s, u64 va, u64 pa, u64 size, pgtable::Perms perms, pgtable::AllocTable alloc,
                        void* ctx) {
    if (!page_range(va, size))
        return err(Error::BadRange);
    pgtable::Builder b(s.root, alloc, ctx);
    for (u64 p = va; p < va + size; p += pgtable::k_page)
        if (b.translate(p).ok())
            return err(Error::BadRange);
    // Page by page: a process's memory is freed page by page (unmap(), destroy()).
    for (u64 off = 0; off < size; off += pgtable::k_page)
        if (!b.map_attributes(va + off, pa + off, pgtable::k_page, pgtable::user_leaf_attributes(perms)).ok()) {
            (void)b.unmap(va, off);
            flush_pages(s.asid, va, off);
            return err(Error::NoMemory);
        }
    asm volatile("dsb ishst; isb" ::: "memory");
    return {};
}

Result<void, Error> unmap(Space& s, u64 va, u64 size, FreeFn free, void* ctx) {
    if (!page_range(va, size))
        return err(Error::BadRange);
    pgtable::Builder b(s.root, nullptr, nullptr);
    for (u64 p = va; p < va + size; p += pgtable::k_page) {
        auto t = b.translate(p);
        if (!t.ok())
            continue;
        (void)b.unmap(p, pgtable::k_page);
        flush_pages(s.asid, p, pgtable::k_page);
        free(t.value().pa, pgtable::k_page, ctx);
    }
    return {};
}

// Only the permission bits change (same address, type and size): no
// break-before-make needed (Arm ARM D8.14.1).
Result<void, Error> protect(Space& s, u64 va, u64 size, pgtable::Perms perms) {
    if (!page_range(va, size))
        return err(Error::BadRange);
    pgtable::Builder b(s.root, nullptr, nullptr);
    for (u64 p = va; p < va + size; p += pgtable::k_page)
        if (!b.translate(p).ok())
            return err(Error::BadRange);
    for (u64 p = va; p < va + size; p += pgtable::k_page) {
        u64 pa = b.translate(p).value().pa;
        if (!b.map_attributes(p, pa, pgtable::k_page, pgtable::user_leaf_attributes(perms)).ok())
            return err(Error::BadRange);
    }
    flush_pages(s.asid, va, size);
    return {};
}

Result<pgtable::Translation, Error> translate(const Space& s, u64 va) {
    if (!in_window(va, 1))
        return err(Error::BadRange);
    pgtable::Builder b(s.root, nullptr, nullptr);
    auto t = b.translate(va);
    if (!t.ok())
        return err(Error::BadRange);
    return t.value();
}

void destroy(Space& s, FreeFn free, void* ctx) {
    if (!s.root)
        return;
    {
        Guard g;
        for (Space** p = &g_spaces; *p; p = &(*p)->next)
            if (*p == &s) {
                *p = s.next;
                break;
            }
    }
    // Flushed before the ASID is free again: its next space starts clean.
    flush_asid(s.asid);
    {
        Guard g;
        g_asids[s.asid / 64] &= ~(u64{1} << (s.asid % 64));
    }
    u64 d = s.root[k_user_slot];
    if ((d & k_table_bits) == k_table_bits)
        free_tree(reinterpret_cast<u64*>(d & k_addr), 2, free, ctx);
    free(reinterpret_cast<u64>(s.root), pgtable::k_page, ctx);
    s = {};
}

bool copy_user(void* dst, const void* src, usize n) { return tn_arch_copy_user(dst, src, n) == 0; }

long copy_user_string(char* dst, u64 src, usize max) {
    if (!in_window(src, 1))
        return -1;
    // Never past the window's end: the copy stops there as at a fault.
    u64 room = k_user_base + k_user_size - src;
    long n = tn_arch_copy_user_string(dst, reinterpret_cast<const char*>(src), room < max ? room : max);
    if (n == -2 && room < max)
        return -1;
    return n;
}

}  // namespace uspace

bool uaccess_fixup(Frame& f) {
    u64 pc = f.elr;
    if (pc < reinterpret_cast<u64>(tn_uaccess_start) || pc >= reinterpret_cast<u64>(tn_uaccess_end))
        return false;
    f.elr = reinterpret_cast<u64>(tn_uaccess_fault);
    return true;
}

// EL0 may read the virtual counter (clock_gettime() and timing without a
// system call; the physical counter and the timers stay the kernel's). Set
// on the CPU the thread starts on: threads never migrate, so every CPU that
// runs a process's thread passes here first.
void enter_el0(u64 pc, u64 sp, u64 a0, u64 a1, u64 a2, u64 tls, void* ctx) {
    CntkctlEl1::write(CntkctlEl1::El0vcten::set(CntkctlEl1::read(), 1));
    TpidrEl0::write(tls);
    tn_arch_enter_el0(pc, sp, a0, a1, a2, ctx);
}

}  // namespace tn::arch
