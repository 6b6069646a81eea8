// The C interface (tn/sched.h): tn_thread_t is tn::sched::Thread, opaque to C.
#include <tn/sched.h>
#include <tn/sched.hpp>
#include <tn/smp.hpp>
#include <tn/spinlock.hpp>

using namespace tn;
using sched::Error;

struct tn_thread {};  // never defined for C: handles are sched::Thread pointers

namespace {

sched::Thread* th(tn_thread_t* t) { return reinterpret_cast<sched::Thread*>(t); }
const sched::Thread* th(const tn_thread_t* t) { return reinterpret_cast<const sched::Thread*>(t); }
tn_thread_t* handle(sched::Thread* t) { return reinterpret_cast<tn_thread_t*>(t); }

int to_errno(Error e) {
    switch (e) {
    case Error::NoMemory: return -TN_ENOMEM;
    case Error::Timeout: return -TN_ETIMEDOUT;
    case Error::WouldBlock: return -TN_EAGAIN;
    case Error::InIsr: return -TN_EINISR;
    case Error::BadState: return -TN_EBADSTATE;
    case Error::Deadlock: return -TN_EDEADLK;
    case Error::NotOwner: return -TN_EPERM;
    case Error::Overflow: return -TN_EOVERFLOW;
    case Error::BadPriority:
    case Error::BadCpu:
    case Error::BadStackSize:
    case Error::NotJoinable:
    case Error::BadReservation: return -TN_EINVAL;
    }
    return -TN_EINVAL;
}

int to_int(const Result<void, Error>& r) { return r.ok() ? 0 : to_errno(r.error()); }

}  // namespace

extern "C" {

unsigned tn_sched_priorities(void) { return sched::k_priorities; }

namespace {

int create(tn_thread_t** thread, const tn_thread_attr_t* attr, tn_thread_entry_t entry, void* arg, bool suspended) {
    if (!thread || !attr || !entry)
        return -TN_EINVAL;
    sched::ThreadAttr a;
    a.name = attr->name ? attr->name : "thread";
    a.priority = attr->priority;
    a.stack_size = attr->stack_size;
    a.cpu = attr->cpu;
    a.start_suspended = suspended;
    auto r = sched::create(a, entry, arg);
    if (!r.ok())
        return to_errno(r.error());
    *thread = handle(r.value());
    return 0;
}

}  // namespace

int tn_thread_create(tn_thread_t** thread, const tn_thread_attr_t* attr, tn_thread_entry_t entry, void* arg) {
    return create(thread, attr, entry, arg, false);
}

int tn_thread_create_suspended(tn_thread_t** thread, const tn_thread_attr_t* attr, tn_thread_entry_t entry,
                               void* arg) {
    return create(thread, attr, entry, arg, true);
}

void tn_thread_exit(uintptr_t value) { sched::exit(value); }

int tn_thread_join(tn_thread_t* thread, uint64_t timeout_ns, uintptr_t* value) {
    if (!thread)
        return -TN_EINVAL;
    auto r = sched::join(th(thread), timeout_ns);
    if (!r.ok())
        return to_errno(r.error());
    if (value)
        *value = r.value();
    return 0;
}

tn_thread_t* tn_thread_current(void) { return handle(sched::current()); }

unsigned tn_sched_this_cpu(void) { return smp::this_cpu(); }
unsigned tn_sched_cpus_online(void) { return smp::online_count(); }

void** tn_thread_slot(tn_thread_t* thread, unsigned index) { return &sched::slot(th(thread), index); }

// C hooks share one C++ exit hook, registered with the first of them.
namespace {
tn_thread_exit_hook_t g_c_exit_hooks[sched::k_max_exit_hooks];
unsigned g_c_exit_hook_count;
void run_c_exit_hooks(sched::Thread* t) {
    for (unsigned i = 0, n = __atomic_load_n(&g_c_exit_hook_count, __ATOMIC_ACQUIRE); i < n; ++i)
        g_c_exit_hooks[i](handle(t));
}
}  // namespace

int tn_sched_add_exit_hook(tn_thread_exit_hook_t hook) {
    if (!hook)
        return -TN_EINVAL;
    static Spinlock lock;
    SpinlockGuard guard(lock);
    if (g_c_exit_hook_count == sched::k_max_exit_hooks)
        return -TN_ENOMEM;
    if (g_c_exit_hook_count == 0) {
        int rc = to_int(sched::add_exit_hook(run_c_exit_hooks));
        if (rc)
            return rc;
    }
    g_c_exit_hooks[g_c_exit_hook_count] = hook;
    __atomic_store_n(&g_c_exit_hook_count, g_c_exit_hook_count + 1, __ATOMIC_RELEASE);
    return 0;
}
void tn_thread_yield(void) { sched::yield(); }
int tn_thread_sleep_ns(uint64_t ns) { return to_int(sched::sleep_ns(ns)); }
int tn_thread_sleep_until(uint64_t deadline_ns) { return to_int(sched::sleep_until(deadline_ns)); }
int tn_thread_suspend(tn_thread_t* thread) { return thread ? to_int(sched::suspend(th(thread))) : -TN_EINVAL; }
int tn_thread_resume(tn_thread_t* thread) { return thread ? to_int(sched::resume(th(thread))) : -TN_EINVAL; }

int tn_thread_set_priority(tn_thread_t* thread, uint8_t priority) {
    return thread ? to_int(sched::set_priority(th(thread), priority)) : -TN_EINVAL;
}

uint8_t tn_thread_priority(const tn_thread_t* thread) { return sched::priority(th(thread)); }
uint8_t tn_thread_effective_priority(const tn_thread_t* thread) { return sched::effective_priority(th(thread)); }
const char* tn_thread_name(const tn_thread_t* thread) { return sched::name(th(thread)); }

void tn_thread_stats(const tn_thread_t* thread, tn_thread_stats_t* stats) {
    sched::ThreadStats s = sched::stats(th(thread));
    stats->switches_in = s.switches_in;
    stats->run_ns = s.run_ns;
}

#ifdef CONFIG_LIBSCHED_RESERVATIONS
int tn_thread_set_reservation(tn_thread_t* thread, uint64_t budget_ns, uint64_t period_ns) {
    return thread ? to_int(sched::set_reservation(th(thread), budget_ns, period_ns)) : -TN_EINVAL;
}

void tn_thread_reservation_stats(const tn_thread_t* thread, tn_reservation_stats_t* stats) {
    sched::ReservationStats s = sched::reservation_stats(th(thread));
    *stats = {s.budget_ns, s.period_ns, s.budget_left_ns, s.periods, s.throttles, s.overruns, s.debt_ns,
              s.throttled ? 1 : 0};
}
#endif

void tn_sched_lock_preemption(void) { sched::lock_preemption(); }
void tn_sched_unlock_preemption(void) { sched::unlock_preemption(); }
int tn_sched_in_isr(void) { return sched::in_isr() ? 1 : 0; }

}  // extern "C"
