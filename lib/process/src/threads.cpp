// Threads inside a process and the futex words its user-level locks sleep
// on (tn/syscall_abi.h: TN_SYS_THREAD_*, TN_SYS_FUTEX_*).
//
// A process's threads are threads of the real-time scheduler like its main
// thread: their own kernel stacks, the process's translation root, each on
// the CPU it was created for. Thread slot i >= 1 has a fixed stack range
// below the main stack (thread_stack_lo(i), a guard page under each),
// mapped when the thread is made and unmapped when it is joined. Ending
// the process (exit, a fault, a kill) ends every thread: terminate() in
// process.cpp.
#include <errno.h>
#include <string.h>
#include <time.h>

#include <tn/arch/frame.hpp>
#include <tn/smp.hpp>

#include "process.hpp"

namespace tn::process {

namespace {

// A new thread's first code: into EL0 at its entry.
void thread_entry(void* arg) {
    auto& u = *static_cast<UThread*>(arg);
    auto& p = *static_cast<Process*>(sched::slot(sched::current(), sched::k_slot_process));
    arch::enter_el0(u.entry, u.sp, u.arg, 0, 0, u.tls, &p);
}

u64* alloc_table(void* ctx) { return reinterpret_cast<u64*>(alloc_page(static_cast<Process*>(ctx))); }

// Joins @p u's ended thread and frees its slot and stack. No lock held.
void free_thread(Process& p, UThread& u) {
    unsigned i = static_cast<unsigned>(&u - p.threads);
    (void)sched::join(u.t);
    if (i)
        (void)arch::uspace::unmap(p.space, thread_stack_lo(i), k_thread_stack, free_page, &p);
    sched::Locked l;
    u = UThread{};
}

}  // namespace

void reap_threads(Process& p) {
    for (;;) {
        UThread* done = nullptr;
        {
            sched::Locked l;
            for (UThread& u : p.threads)
                if (u.t && u.exited && u.detached && !u.claimed) {
                    u.claimed = true;
                    done = &u;
                    break;
                }
        }
        if (!done)
            return;
        free_thread(p, *done);
    }
}

void thread_exit(Process& p, u64 value) {
    UThread& me = self_in(p);
    bool end_process;
    {
        sched::Locked l;
        // The last thread ends the process (status 0, as POSIX has it); a
        // thread of a process being ended leaves through terminate() too.
        end_process = p.dying || p.live == 1;
        if (!end_process) {
            me.value = value;
            me.exited = true;
            --p.live;
            sched::wake_all(l, p.thread_events);
        }
    }
    if (end_process)
        terminate(p, 0);
    sched::exit(0);
}

namespace {

using arch::uspace::in_window;

long sys_thread_create(Process& p, const u64* a) {
    if (!in_window(a[0], 4) || (a[0] & 3))
        return -EFAULT;
    tn_thread_attr attr = {-1, -1};
    if (a[3] && (!in_window(a[3], sizeof attr) || !arch::uspace::copy_user(&attr, reinterpret_cast<const void*>(a[3]), sizeof attr)))
        return -EFAULT;
    sched::Thread* self = sched::current();
    if (attr.priority > static_cast<int>(sched::priority(self)))
        return -EPERM;  // no thread above its creator
    if (attr.priority < -1 || attr.cpu < -1 || (attr.cpu >= 0 && !smp::online(static_cast<unsigned>(attr.cpu))))
        return -EINVAL;
    reap_threads(p);
    UThread* u = nullptr;
    unsigned i = 0;
    {
        sched::Locked l;
        if (p.dying)
            return -EINTR;
        for (i = 1; i < k_max_threads; ++i)
            if (!p.threads[i].t && !p.threads[i].claimed) {
                u = &p.threads[i];
                u->claimed = true;  // reserved while it is made
                break;
            }
    }
    if (!u)
        return -EAGAIN;
    long rc = 0;
    u64 lo = thread_stack_lo(i);
    for (u64 va = lo; va < lo + k_thread_stack && !rc; va += k_page) {
        u64 pa = alloc_page(&p);
        if (!pa || !arch::uspace::map(p.space, va, pa, k_page, {true, false}, alloc_table, &p).ok()) {
            if (pa)
                free_page(pa, k_page, &p);
            rc = -EAGAIN;
        }
    }
    sched::Thread* t = nullptr;
    if (!rc) {
        sched::ThreadAttr ta;
        ta.name = p.program;
        ta.priority = static_cast<u8>(attr.priority >= 0 ? attr.priority : sched::priority(self));
        ta.cpu = attr.cpu >= 0 ? static_cast<unsigned>(attr.cpu) : smp::this_cpu();
        ta.stack_size = CONFIG_LIBPROCESS_KERNEL_STACK_SIZE;
        ta.start_suspended = true;
        u->entry = a[0];
        u->arg = a[1];
        u->tls = a[2];
        u->sp = lo + k_thread_stack;
        auto r = sched::create(ta, thread_entry, u);
        if (r.ok())
            t = r.value();
        else
            rc = -EAGAIN;
    }
    if (rc) {
        (void)arch::uspace::unmap(p.space, lo, k_thread_stack, free_page, &p);
        sched::Locked l;
        *u = UThread{};
        return rc;
    }
    int tid;
    {
        sched::Locked l;
        tid = new_id(l);
        sched::slot(t, sched::k_slot_process) = &p;
        sched::set_translation_root(l, t, arch::uspace::ttbr(p.space));
        u->t = t;
        u->tid = tid;
        u->claimed = false;
        ++p.live;
    }
    (void)sched::resume(t);
    return tid;
}

long sys_thread_join(Process& p, const u64* a) {
    if (a[1] && !in_window(a[1], 8))
        return -EFAULT;
    int tid = static_cast<int>(a[0]);
    UThread* u = nullptr;
    u64 value;
    {
        sched::Locked l;
        for (UThread& q : p.threads)
            if (q.t && q.tid == tid)
                u = &q;
        if (!u)
            return -ESRCH;
        if (u == &self_in(p))
            return -EDEADLK;
        if (u->detached || u->claimed)
            return -EINVAL;
        u->claimed = true;
        while (!u->exited)
            if (wait_killable(l, p, p.thread_events) == Wait::Killed) {
                u->claimed = false;
                return -EINTR;
            }
        value = u->value;
    }
    free_thread(p, *u);
    if (a[1] && !arch::uspace::copy_user(reinterpret_cast<void*>(a[1]), &value, sizeof value))
        return -EFAULT;  // it is joined all the same
    return 0;
}

long sys_thread_detach(Process& p, const u64* a) {
    int tid = static_cast<int>(a[0]);
    {
        sched::Locked l;
        UThread* u = nullptr;
        for (UThread& q : p.threads)
            if (q.t && q.tid == tid)
                u = &q;
        if (!u)
            return -ESRCH;
        if (u->detached || u->claimed)
            return -EINVAL;
        u->detached = true;
    }
    reap_threads(p);
    return 0;
}

// The process's futex for @p addr; a free one when @p make. Lock held.
Futex* futex_of(Process& p, u64 addr, bool make) {
    Futex* free = nullptr;
    for (Futex& f : p.futexes) {
        if (f.addr == addr)
            return &f;
        if (!f.addr && !free)
            free = &f;
    }
    if (make && free)
        free->addr = addr;
    return make ? free : nullptr;
}

long sys_futex_wait(Process& p, const u64* a) {
    u64 addr = a[0];
    if ((addr & 3) || !in_window(addr, 4))
        return -EFAULT;
    u64 timeout = sched::k_forever;
    if (a[2]) {
        struct timespec ts;
        if (!in_window(a[2], sizeof ts) || !arch::uspace::copy_user(&ts, reinterpret_cast<const void*>(a[2]), sizeof ts))
            return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
            return -EINVAL;
        timeout = static_cast<u64>(ts.tv_sec) * 1000000000u + static_cast<u64>(ts.tv_nsec);
    }
    sched::Locked l;
    // The word is read under the lock, so a wake between the caller's last
    // look and this wait is not lost (the waker takes the lock too). A fault
    // here takes the accessor's error exit.
    u32 now;
    if (!arch::uspace::copy_user(&now, reinterpret_cast<const void*>(addr), sizeof now))
        return -EFAULT;
    if (now != static_cast<u32>(a[1]))
        return -EAGAIN;
    Futex* f = futex_of(p, addr, true);
    if (!f)
        return -ENOMEM;  // LIBPROCESS_MAX_THREADS words have sleepers already
    ++f->waiters;
    Wait w = wait_killable(l, p, f->wq, timeout);
    if (--f->waiters == 0)
        f->addr = 0;
    return w == Wait::Killed ? -EINTR : w == Wait::Timeout ? -ETIMEDOUT : 0;
}

long sys_futex_wake(Process& p, const u64* a) {
    if ((a[0] & 3) || !in_window(a[0], 4))
        return -EFAULT;
    long woken = 0;
    sched::Locked l;
    Futex* f = futex_of(p, a[0], false);
    while (f && woken < static_cast<long>(a[1]) && sched::wake_one(l, f->wq))
        ++woken;
    return woken;
}

}  // namespace

long thread_call(Process& p, u64 nr, const u64* a) {
    switch (nr) {
    case TN_SYS_THREAD_CREATE: return sys_thread_create(p, a);
    case TN_SYS_THREAD_EXIT: thread_exit(p, a[0]);
    case TN_SYS_THREAD_JOIN: return sys_thread_join(p, a);
    case TN_SYS_THREAD_DETACH: return sys_thread_detach(p, a);
    case TN_SYS_GETTID: return self_in(p).tid;
    case TN_SYS_FUTEX_WAIT: return sys_futex_wait(p, a);
    case TN_SYS_FUTEX_WAKE: return sys_futex_wake(p, a);
    default: return -ENOSYS;
    }
}

}  // namespace tn::process
