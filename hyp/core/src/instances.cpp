// On-demand instances (docs/mortise.md, "On-demand instances"): guests the shell or a privileged
// guest creates at run time from an image of the description's instance pool, and reclaims.
//
// The pool is host RAM carved once at boot (after the channels', before the guests', as the
// description's check counts them) and zeroed, in 2 MiB blocks given out first fit, and CPUs no
// boot-time guest has. An instance takes a guest slot after the description's guests (its index
// for the shell, the console switch and the lifecycle hypercalls, stable while it lives; a free
// slot reads as a stopped guest with no name), a run of blocks and one pool CPU per vCPU, and is
// built by the boot-time path (Guest::create: stage 2, vGIC, vUART, PSCI) and started. In a pool
// of mode 1 each vCPU has its CPU to itself and the priority and budget are only checked and
// recorded. A shared pool (mode 2) makes the instance a mode-2 guest: vCPU i is the i-th lowest
// pool CPU's, as a lib/sched thread of the slot made at boot (prepare_instance_threads) with the
// instance's priority and reservation, admitted only if each of its CPUs keeps the description's
// reservation rules with it (admit()).
//
// Reclaim stops it, waits for its vCPUs to leave their CPUs, retires its guest slot (stage-2
// tables back to the table pool), then zeroes its RAM and cleans it to the point of coherency
// before the blocks return: the next instance given them, which starts with its MMU and caches
// off, reads zeros and nothing of its predecessor.
//
// Locking: g_lock serialises create and reclaim (shell on CPU 0 in the UART interrupt,
// hypercalls on guests' CPUs; IRQs are masked in both). The lifecycle of an instance is its
// Guest's, and a retired slot refuses every lifecycle call (NotCreated, WrongState).
#include <tn/arch/sysreg.hpp>
#include <tn/format.hpp>

#include "core.hpp"

#if defined(CONFIG_MORTISE_MODE2) || defined(TN_HOST_TEST)
#include <mortise/mode2_admit.hpp>
#define MORTISE_SHARED_POOL 1  // a pool may be mode 2 (host tests: the checks, without lib/sched)
#endif

namespace mortise {

namespace {

using hypercall::Status;
using tn::PhysAddr;
namespace inst = tn::mortise_abi::instance;
static_assert(inst::k_min_budget_us == partition::k_min_budget_us && inst::k_max_period_us == partition::k_max_period_us &&
                  inst::k_max_priority == partition::k_max_priority,
              "instance.create's reservation and priority limits are the description's");

constexpr u64 k_block = partition::k_mem_align;
constexpr unsigned k_max_blocks = 1024;  // 2 GiB of pool
constexpr unsigned k_words = k_max_blocks / 64;

struct Instance {
    bool used;
    unsigned first, blocks;  // its RAM: blocks [first, first + blocks) of the pool
    u64 cpus;
    unsigned priority;
    u32 budget_us, period_us;
};

tn::Spinlock g_lock;
const partition::InstancePool* g_pool;  // nullptr: no usable pool
unsigned g_first_slot, g_slots;
PhysAddr g_base;
unsigned g_blocks;
u64 g_used[k_words];  // bit b: block b is an instance's
u64 g_free_cpus;
Instance g_instances[k_max_instances];
partition::Guest g_descs[k_max_instances];  // what Guest::create builds each live instance from
const partition::Guest k_free_slot{};

bool block_used(unsigned b) { return (g_used[b / 64] >> (b % 64)) & 1; }
void set_blocks(unsigned first, unsigned n, bool used) {
    for (unsigned b = first; b < first + n; ++b) {
        if (used)
            g_used[b / 64] |= u64{1} << (b % 64);
        else
            g_used[b / 64] &= ~(u64{1} << (b % 64));
    }
}

// First fit: the lowest run of @p n free blocks, or -1.
int find_blocks(unsigned n) {
    unsigned run = 0;
    for (unsigned b = 0; b < g_blocks; ++b) {
        run = block_used(b) ? 0 : run + 1;
        if (run == n)
            return static_cast<int>(b + 1 - n);
    }
    return -1;
}

unsigned free_blocks() {
    unsigned n = 0;
    for (unsigned b = 0; b < g_blocks; ++b)
        n += block_used(b) ? 0 : 1;
    return n;
}

// Zeroes [pa, pa + size) 32 bytes at a time (the shared memset writes bytes: 64 MiB would cost
// some 300 million instructions; no tree-loop patterns, or GCC makes it memset again), then
// cleans it to the point of coherency: the next guest reads it with its caches off.
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void scrub(PhysAddr pa, u64 size) {
    auto* p = reinterpret_cast<volatile u64*>(pa.value());  // host RAM is mapped identity at EL2
    for (u64 i = 0; i < size / 8; i += 4) {
        p[i] = 0;
        p[i + 1] = 0;
        p[i + 2] = 0;
        p[i + 3] = 0;
    }
    mmu::clean_to_poc(pa.value(), size);
}

bool valid_name(const char* s) {
    unsigned n = 0;
    for (; s[n]; ++n)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '-'))
            return false;
    return n > 0 && n < partition::k_name_len;
}

bool in_pool(const char* image) {
    for (unsigned i = 0; i < g_pool->image_count; ++i)
        if (__builtin_strcmp(g_pool->images[i], image) == 0)
            return true;
    return false;
}

bool name_taken(const char* name) {
    for (unsigned i = 0; i < guest_count(); ++i)
        if (__builtin_strcmp(guest(i)->desc().name, name) == 0)
            return true;
    return false;
}

Instance* instance_of(unsigned slot) {
    if (slot < g_first_slot || slot >= g_first_slot + g_slots)
        return nullptr;
    Instance& in = g_instances[slot - g_first_slot];
    return in.used ? &in : nullptr;
}

// The lowest @p n CPUs of @p mask.
u64 lowest_cpus(u64 mask, unsigned n) {
    u64 out = 0;
    for (unsigned i = 0; i < n && mask; ++i) {
        const u64 bit = mask & -mask;
        out |= bit;
        mask &= ~bit;
    }
    return out;
}

#ifdef MORTISE_SHARED_POOL
// The CPUs of @p mask, lowest first, as vCPU indices of a shared pool's instance: vCPU i is on the
// i-th lowest pool CPU in every instance, so a slot's vCPU i always has the same CPU and keeps the
// thread made for it at boot.
[[maybe_unused]] unsigned nth_cpu(u64 mask, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
        mask &= mask - 1;
    return static_cast<unsigned>(__builtin_ctzll(mask));
}

// A shared pool's check of a new instance (@p d: its description, CPUs, priority and
// reservation decided) against what each of its CPUs runs now: the description's mode-2
// guests that were created (stopped ones too: they may be started any time, and their
// reservations keep running) and the live mode-2 instances. The description's rules
// (mode2_admit.hpp); nothing is changed. Unavailable after a report when they are broken.
Status admit(const partition::Guest& d) {
    using ull = unsigned long long;
    const partition::Mode2Vcpu add{d.priority, d.budget_us, d.period_us};
    for (u64 cpus = d.cpu_mask; cpus; cpus &= cpus - 1) {
        const unsigned cpu = static_cast<unsigned>(__builtin_ctzll(cpus));
        partition::Mode2Vcpu on[k_max_slots];
        const Guest* who[k_max_slots];
        unsigned n = 0;
        for (unsigned i = 0; i < guest_count(); ++i) {
            const Guest& g = *guest(i);
            const partition::Guest& gd = g.desc();
            if (guest_in_use(g) && g.created() && gd.mode == 2 && ((gd.cpu_mask >> cpu) & 1)) {
                // A guest whose scheduling hints may raise it counts at its ceiling (as in the description).
                const unsigned at = gd.max_priority != 0 ? gd.max_priority : gd.priority;
                on[n] = {at, gd.budget_us, gd.period_us};
                who[n++] = &g;
            }
        }
        const partition::Admission a = partition::admit_mode2(on, n, add);
        if (a.verdict == partition::Admit::Ok)
            continue;
        const partition::Guest& o = a.other < n ? who[a.other]->desc() : d;
        switch (a.verdict) {
        case partition::Admit::UnreservedAbove:
            MLOG("create %s: CPU %u: no reservation and priority %u, at or above reserved guest '%s''s %u: nothing "
                 "would bound how long it keeps the CPU from it; give it a budget or a priority below %u", d.name,
                 cpu, d.priority, o.name, o.priority, o.priority);
            break;
        case partition::Admit::BelowUnreserved:
            MLOG("create %s: CPU %u: reserved at priority %u, at or below guest '%s''s %u, which has no reservation "
                 "(nothing bounds it); give a priority above %u", d.name, cpu, d.priority, o.name, o.priority,
                 o.priority);
            break;
        default:
            MLOG("create %s: CPU %u: reservations not schedulable: '%s''s response time could reach %llu us, beyond "
                 "its period %u us (CPU %u's reservations would be %llu.%llu%%); lower the budget, lengthen the "
                 "period or lower the priority", d.name, cpu, o.name, (ull)a.response_us, o.period_us, cpu,
                 (ull)(a.utilisation_ppm / 10'000), (ull)(a.utilisation_ppm / 1'000 % 10));
            break;
        }
        return Status::Unavailable;
    }
    return Status::Success;
}
#endif

Status create_locked(const InstanceParams& p, unsigned& slot) {
    if (!g_pool) {
        MLOG("create %s: this image has no instance pool (an instance-pool node in the description)", p.name);
        return Status::NotSupported;
    }
    if (!valid_name(p.name)) {
        MLOG("create: name '%s' is not valid: 1-%u lower-case letters, digits, '_' and '-'", p.name,
             partition::k_name_len - 1);
        return Status::InvalidParameters;
    }
    if (!in_pool(p.image) || !find_image(p.image, ImageKind::Tenon)) {
        MLOG("create %s: no image '%s' in the instance pool (its 'images')", p.name, p.image);
        return Status::InvalidParameters;
    }
    if (name_taken(p.name)) {
        MLOG("create %s: a guest has that name already", p.name);
        return Status::InvalidParameters;
    }
    const u64 pool_bytes = u64{g_blocks} * k_block;
    if (p.mem_size == 0 || p.mem_size % k_block != 0 || p.mem_size > pool_bytes) {
        MLOG("create %s: %lu bytes of RAM: give a non-zero multiple of 2 MiB up to the pool's %lu MiB", p.name,
             p.mem_size, pool_bytes / tn::MiB);
        return Status::InvalidParameters;
    }
    if (p.vcpus == 0 || p.vcpus > inst::k_max_vcpus) {
        MLOG("create %s: %u vCPUs: give 1 to %u", p.name, p.vcpus, inst::k_max_vcpus);
        return Status::InvalidParameters;
    }
    const bool shared = g_pool->mode == 2;
    if (p.priority > inst::k_max_priority) {
        MLOG("create %s: priority %u: give %u to %u", p.name, p.priority, shared ? partition::k_min_priority : 0,
             inst::k_max_priority);
        return Status::InvalidParameters;
    }
    if ((p.budget_us || p.period_us) &&
        (p.period_us < inst::k_min_period_us || p.period_us > inst::k_max_period_us ||
         p.budget_us < inst::k_min_budget_us || p.budget_us > p.period_us)) {
        MLOG("create %s: budget %u us per %u us: give a period of %u us to %u us and a budget of %u us up to it",
             p.name, p.budget_us, p.period_us, inst::k_min_period_us, inst::k_max_period_us, inst::k_min_budget_us);
        return Status::InvalidParameters;
    }
    unsigned index = 0;
    while (index < g_slots && g_instances[index].used)
        ++index;
    if (index == g_slots) {
        MLOG("create %s: all %u instance slots are in use: reclaim one", p.name, g_slots);
        return Status::Unavailable;
    }
    const unsigned pool_cpus = static_cast<unsigned>(__builtin_popcountll(g_pool->cpu_mask));
    if (shared && pool_cpus < p.vcpus) {
        MLOG("create %s: %u vCPUs asked, the shared pool has %u CPU%s (mode 2: one per vCPU, shared)", p.name,
             p.vcpus, pool_cpus, pool_cpus == 1 ? "" : "s");
        return Status::Unavailable;
    }
    if (!shared && static_cast<unsigned>(__builtin_popcountll(g_free_cpus)) < p.vcpus) {
        MLOG("create %s: %u vCPU%s asked, %u pool CPU%s free (mode 1: one CPU per vCPU)", p.name, p.vcpus,
             p.vcpus == 1 ? "" : "s", __builtin_popcountll(g_free_cpus),
             __builtin_popcountll(g_free_cpus) == 1 ? "" : "s");
        return Status::Unavailable;
    }
    const unsigned blocks = static_cast<unsigned>(p.mem_size / k_block);
    const int first = find_blocks(blocks);
    if (first < 0) {
        MLOG("create %s: no free run of %lu MiB in the pool (%lu MiB free in all)", p.name, p.mem_size / tn::MiB,
             u64{free_blocks()} * k_block / tn::MiB);
        return Status::Unavailable;
    }
    partition::Guest& d = g_descs[index];
    d = partition::Guest{};
    __builtin_memcpy(d.name, p.name, __builtin_strlen(p.name) + 1);
    __builtin_memcpy(d.image, p.image, __builtin_strlen(p.image) + 1);
    d.cpu_mask = lowest_cpus(shared ? g_pool->cpu_mask : g_free_cpus, p.vcpus);
    d.mem_size = p.mem_size;
    d.mem_phys = g_base + u64(static_cast<unsigned>(first)) * k_block;
    d.kernel = partition::Kernel::Tenon;
    d.mode = 1;  // mode 1: its own CPUs, the priority and budget only recorded
#ifdef MORTISE_SHARED_POOL
    if (shared) {  // vCPU threads of lib/sched, as a mode-2 guest's; 0 is the description's default
        d.mode = 2;
        d.priority = static_cast<u8>(p.priority ? p.priority : partition::k_default_priority);
        d.budget_us = p.budget_us;
        d.period_us = p.period_us;
        if (const Status st = admit(d); st != Status::Success)
            return st;
    }
#endif
    d.valid = true;
    slot = g_first_slot + index;
    Guest& g = *guest(slot);
    if (auto r = g.create(slot, d); !r.ok()) {  // reported; nothing was kept (no SPIs to claim)
        g.describe(slot, k_free_slot);
        return status(r);
    }
    g_instances[index] = {true, static_cast<unsigned>(first), blocks, d.cpu_mask, shared ? d.priority : p.priority,
                          p.budget_us, p.period_us};
    set_blocks(static_cast<unsigned>(first), blocks, true);
    if (!shared)
        g_free_cpus &= ~d.cpu_mask;
    if (shared)
        MLOG("instance '%s' (guest %u): image '%s', RAM [0x%lx, 0x%lx), CPU mask 0x%lx, priority %u, budget %u us "
             "per %u us (mode 2: shared CPUs)", p.name, slot + 1, p.image, d.mem_phys.value(),
             (d.mem_phys + d.mem_size).value(), d.cpu_mask, d.priority, p.budget_us, p.period_us);
    else
        MLOG("instance '%s' (guest %u): image '%s', RAM [0x%lx, 0x%lx), CPU mask 0x%lx, priority %u, budget %u us "
             "per %u us (recorded: mode 1 gives it its own CPUs)", p.name, slot + 1, p.image, d.mem_phys.value(),
             (d.mem_phys + d.mem_size).value(), d.cpu_mask, p.priority, p.budget_us, p.period_us);
    if (auto r = g.start(); !r.ok()) {
        MLOG("instance '%s' not started: %s; reclaim it", p.name, error_name(r.error()));
        return status(r);  // created: 'reclaim' gives its resources back
    }
    return Status::Success;
}

// Gives the stop up to ~50 ms for the vCPUs to leave their CPUs (each leaves at its next exit,
// which the stop's kick forces); a million tries at most, should the counter not run.
GuestResult retire_when_off(Guest& g) {
    const u64 hz = tn::arch::CntfrqEl0::read();
    const u64 until = tn::arch::CntpctEl0::read() + hz / 20;
    for (unsigned tries = 0;; ++tries) {
        GuestResult r = g.retire(k_free_slot);
        if (r.ok() || r.error() != GuestError::Busy || tn::arch::CntpctEl0::read() > until || tries == 1'000'000)
            return r;
    }
}

Status reclaim_locked(unsigned slot) {
    Instance* in = instance_of(slot);
    if (!in) {
        Guest* g = guest(slot);
        if (g && guest_in_use(*g))
            MLOG("reclaim: guest %u '%s' is not an on-demand instance", slot + 1, g->desc().name);
        else
            MLOG("reclaim: guest %u is no instance (a free instance slot or no guest)", slot + 1);
        return Status::InvalidParameters;
    }
    Guest& g = *guest(slot);
    char name[partition::k_name_len];
    __builtin_memcpy(name, g.desc().name, sizeof name);
    const PhysAddr ram = g.ram_pa();
    const u64 size = g.desc().mem_size;
    g.stop(false);
    if (auto r = retire_when_off(g); !r.ok()) {
        MLOG("reclaim %s: %s; try again", name, error_name(r.error()));
        return status(r);
    }
    scrub(ram, size);
    const u64 cpus = in->cpus;
    set_blocks(in->first, in->blocks, false);
    if (g_pool->mode != 2)
        g_free_cpus |= cpus;
    *in = Instance{};
    input_guests_changed(slot);
    MLOG("instance '%s' (guest %u) reclaimed: RAM [0x%lx, 0x%lx) scrubbed and free, CPU mask 0x%lx %s", name,
         slot + 1, ram.value(), (ram + size).value(), cpus, g_pool->mode == 2 ? "(its vCPU threads parked)" : "free");
    return Status::Success;
}

class InstanceCalls final : public hypercall::InstanceOps {
public:
    Status create(const hypercall::InstanceRequest& r, unsigned& guest) override {
        return create_instance({r.image, r.name, r.mem_size, r.vcpus, r.priority, r.budget_us, r.period_us}, guest);
    }
    Status reclaim(unsigned guest) override { return reclaim_instance(guest); }
    Status pool(hypercall::PoolInfo& out) override {
        if (!g_pool)
            return Status::NotSupported;
        tn::SpinlockGuard guard(g_lock);
        out = {u64{free_blocks()} * k_block, u64{g_blocks} * k_block, g_free_cpus, free_stage2_tables()};
        return Status::Success;
    }
};

InstanceCalls g_calls;

}  // namespace

#ifdef CONFIG_MORTISE_MODE2
void prepare_instance_threads() {
    if (!g_pool || g_pool->mode != 2)
        return;
    // vCPU i of every instance runs on the i-th lowest pool CPU (nth_cpu): one thread per slot and
    // vCPU index, made now and kept, parked between instances.
    unsigned per_slot = static_cast<unsigned>(__builtin_popcountll(g_pool->cpu_mask));
    per_slot = per_slot < inst::k_max_vcpus ? per_slot : inst::k_max_vcpus;
    for (unsigned s = 0; s < g_slots; ++s)
        for (unsigned i = 0; i < per_slot; ++i)
            if (!prepare_instance_vcpu(*guest(g_first_slot + s), i, nth_cpu(g_pool->cpu_mask, i))) {
                MLOG("instance pool: refused: Mortise's mode-2 page pool cannot hold the %u vCPU threads of %u "
                     "instance slots x %u shared CPUs; raise CONFIG_MORTISE_MODE2_POOL_SIZE: no on-demand instance",
                     g_slots * per_slot, g_slots, per_slot);
                g_pool = nullptr;
                return;
            }
    MLOG("instance pool: CPUs shared (mode 2): %u vCPU threads parked for %u slots", g_slots * per_slot, g_slots);
}
#endif

const partition::Guest& free_instance_slot() { return k_free_slot; }
unsigned instance_slots() { return g_slots; }
hypercall::InstanceOps& g_instance_ops = g_calls;

void create_instance_pool(const partition::Description& d) {
    const partition::InstancePool& p = d.pool;
    if (!p.present)
        return;
    if (!p.valid) {
        MLOG("instance pool: refused (see the description's errors above): no on-demand instance");
        return;
    }
    if (p.mem_size / k_block > k_max_blocks) {
        MLOG("instance pool: %lu MiB is more than Mortise manages (%lu MiB): no on-demand instance",
             p.mem_size / tn::MiB, u64{k_max_blocks} * k_block / tn::MiB);
        return;
    }
    g_base = carve_ram(p.mem_size);
    if (g_base == PhysAddr{}) {
        MLOG("instance pool: no free %lu MiB of RAM left for it: no on-demand instance", p.mem_size / tn::MiB);
        return;
    }
    scrub(g_base, p.mem_size);  // whatever was there before Mortise (a previous boot) is no instance's
    g_blocks = static_cast<unsigned>(p.mem_size / k_block);
    g_free_cpus = p.cpu_mask;
    g_first_slot = d.count;
    g_slots = k_max_instances;
    g_pool = &p;
    char images[partition::k_max_pool_images * partition::k_name_len + 16] = "";
    usize at = 0;
    for (unsigned i = 0; i < p.image_count; ++i)
        at += tn::fmt::format(images + at, sizeof images - at, "%s%s", i ? ", " : "", p.images[i]);
    MLOG("instance pool: %lu MiB RAM at [0x%lx, 0x%lx), CPU mask 0x%lx, %u slots (guests %u-%u), images %s",
         p.mem_size / tn::MiB, g_base.value(), (g_base + p.mem_size).value(), p.cpu_mask, g_slots, d.count + 1,
         d.count + g_slots, images);
}

Status create_instance(const InstanceParams& p, unsigned& slot) {
    tn::SpinlockGuard guard(g_lock);
    return create_locked(p, slot);
}

Status reclaim_instance(unsigned slot) {
    tn::SpinlockGuard guard(g_lock);
    return reclaim_locked(slot);
}

void log_instance_pool() {
    if (!g_pool) {
        MLOG("no instance pool in this image");
        return;
    }
    tn::SpinlockGuard guard(g_lock);
    MLOG("instance pool: %lu MiB free of %lu MiB, CPU mask 0x%lx free, %u stage-2 tables free",
         u64{free_blocks()} * k_block / tn::MiB, u64{g_blocks} * k_block / tn::MiB, g_free_cpus,
         free_stage2_tables());
    for (unsigned i = 0; i < g_slots; ++i)
        if (const Instance& in = g_instances[i]; in.used)
            MLOG("  guest %u %-16s [0x%lx, 0x%lx) CPU mask 0x%lx, priority %u, budget %u/%u us", g_first_slot + i + 1,
                 g_descs[i].name, (g_base + u64{in.first} * k_block).value(),
                 (g_base + u64{in.first + in.blocks} * k_block).value(), in.cpus, in.priority, in.budget_us,
                 in.period_us);
}

}  // namespace mortise
