// System calls (tn/syscall_abi.h): the dispatch and the calls themselves.
// Every pointer a process passes is checked against its window and read or
// written only with the fault-safe accessors; a bad one is -EFAULT.
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include <tn/arch/frame.hpp>
#include <tn/arch/irqflags.hpp>
#include <tn/arch/uspace.hpp>
#include <tn/clock.hpp>
#include <tn/process.h>

#include "process.hpp"

namespace tn::process {

namespace {

using arch::uspace::copy_user;
using arch::uspace::in_window;

constexpr usize k_mq_name_max = 64;
constexpr usize k_mq_msg_max = 1024;

bool to_user(u64 dst, const void* src, usize n) {
    return in_window(dst, n) && copy_user(reinterpret_cast<void*>(dst), src, n);
}

bool from_user(void* dst, u64 src, usize n) {
    return in_window(src, n) && copy_user(dst, reinterpret_cast<const void*>(src), n);
}

File* fd_file(Process& p, u64 fd) { return fd < k_max_fds ? p.fds[fd] : nullptr; }

long sys_write(Process& p, const u64* a) {
    File* f = fd_file(p, a[0]);
    return f ? file_write(p, f, a[1], a[2]) : -EBADF;
}

long sys_read(Process& p, const u64* a) {
    File* f = fd_file(p, a[0]);
    return f ? file_read(p, f, a[1], a[2]) : -EBADF;
}

long sys_spawn(Process& p, const u64* a) {
    char name[TN_PROGRAM_NAME_MAX + 1];
    long n = arch::uspace::copy_user_string(name, a[0], sizeof name);
    if (n == -2)
        return -ENOENT;  // longer than any program's name
    if (n < 0)
        return -EFAULT;
    // argv: the pointers, then each string into one buffer.
    char strings[TN_ARG_MAX];
    const char* argv[TN_ARGC_MAX + 1] = {};
    if (a[1]) {
        usize used = 0;
        for (unsigned i = 0;; ++i) {
            u64 ptr;
            if (!from_user(&ptr, a[1] + i * 8, 8))
                return -EFAULT;
            if (!ptr)
                break;
            if (i == TN_ARGC_MAX)
                return -E2BIG;
            long len = arch::uspace::copy_user_string(strings + used, ptr, sizeof strings - used);
            if (len == -2)
                return -E2BIG;
            if (len < 0)
                return -EFAULT;
            argv[i] = strings + used;
            used += static_cast<usize>(len) + 1;
        }
    }
    tn_spawn_fds fds;
    if (a[2]) {
        if (!from_user(&fds, a[2], sizeof fds))
            return -EFAULT;
        for (int fd : fds.fd)
            if (fd != -1 && (fd < 0 || fd >= static_cast<int>(k_max_fds) || !p.fds[fd]))
                return -EBADF;
    }
    tn_spawn_attr attr = {-1, -1};
    if (a[3] && !from_user(&attr, a[3], sizeof attr))
        return -EFAULT;
    if (attr.priority > static_cast<int>(sched::priority(sched::current())))
        return -EPERM;  // no child above its parent
    return spawn(&p, name, a[1] ? argv : nullptr, a[2] ? fds.fd : nullptr, attr.priority, attr.cpu);
}

long sys_waitpid(Process& p, const u64* a) {
    int status = 0;
    int pid = wait(&p, static_cast<int>(a[0]), &status, static_cast<int>(a[2]));
    if (pid > 0 && a[1] && !to_user(a[1], &status, sizeof status))
        return -EFAULT;  // the child is reaped all the same
    return pid;
}

long sys_brk(Process& p, const u64* a) {
    u64 want = a[0];
    if (want == 0 || want < p.brk_base || want > p.brk_limit)
        return static_cast<long>(p.brk);
    u64 have_end = (p.brk + k_page - 1) & ~(k_page - 1), want_end = (want + k_page - 1) & ~(k_page - 1);
    for (u64 va = have_end; va < want_end; va += k_page) {
        u64 pa = alloc_page(&p);
        bool ok = pa && arch::uspace::map(p.space, va, pa, k_page, {true, false},
                                          [](void* ctx) { return reinterpret_cast<u64*>(alloc_page(static_cast<Process*>(ctx))); },
                                          &p).ok();
        if (!ok) {
            if (pa)
                free_page(pa, k_page, &p);
            if (va > have_end)
                (void)arch::uspace::unmap(p.space, have_end, va - have_end, free_page, &p);
            return static_cast<long>(p.brk);
        }
    }
    if (want_end < have_end)
        (void)arch::uspace::unmap(p.space, want_end, have_end - want_end, free_page, &p);
    p.brk = want;
    return static_cast<long>(p.brk);
}

long sys_close(Process& p, const u64* a) {
    File* f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    p.fds[a[0]] = nullptr;
    file_put(f);
    return 0;
}

long sys_pipe(Process& p, const u64* a) {
    if (!in_window(a[0], 2 * sizeof(int)))
        return -EFAULT;
    File* ends[2];
    if (int rc = pipe_create(ends); rc < 0)
        return rc;
    int fds[2];
    fds[0] = fd_install(p, ends[0]);
    if (fds[0] < 0) {
        file_put(ends[1]);
        return fds[0];
    }
    fds[1] = fd_install(p, ends[1]);
    if (fds[1] < 0) {
        p.fds[fds[0]] = nullptr;
        file_put(ends[0]);
        return fds[1];
    }
    if (!to_user(a[0], fds, sizeof fds)) {
        for (int fd : fds) {
            file_put(p.fds[fd]);
            p.fds[fd] = nullptr;
        }
        return -EFAULT;
    }
    return 0;
}

long sys_dup2(Process& p, const u64* a) {
    File* f = fd_file(p, a[0]);
    if (!f || a[1] >= k_max_fds)
        return -EBADF;
    if (a[0] != a[1]) {
        File* old = p.fds[a[1]];
        p.fds[a[1]] = file_get(f);
        file_put(old);
    }
    return static_cast<long>(a[1]);
}

long sys_clock_gettime(Process&, const u64* a) {
    struct timespec ts;
    if (clock_gettime(static_cast<clockid_t>(a[0]), &ts) != 0)
        return -errno;
    return to_user(a[1], &ts, sizeof ts) ? 0 : -EFAULT;
}

long sys_nanosleep(Process& p, const u64* a) {
    struct timespec ts;
    if (!from_user(&ts, a[0], sizeof ts))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
        return -EINVAL;
    u64 ns = static_cast<u64>(ts.tv_sec) * 1000000000u + static_cast<u64>(ts.tv_nsec);
    u64 deadline = clock::now_ns() + ns;
    for (u64 now = clock::now_ns(); now < deadline; now = clock::now_ns())
        if (!sleep_killable(p, deadline - now))
            return -EINTR;
    return 0;
}

// A message-queue call that may block, made in slices of k_poll_ns (a
// blocking one would not see a kill): @p call(abs_timeout) as
// mq_timed*(); retried while it times out and the process lives.
template <typename Call>
long mq_killable(Process& p, Call call) {
    for (;;) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += static_cast<long>(k_poll_ns);
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_nsec -= 1000000000;
            ++ts.tv_sec;
        }
        long r = call(&ts);
        if (r >= 0)
            return r;
        if (errno != ETIMEDOUT)
            return -errno;
        if (p.killed)
            return -EINTR;
    }
}

// A queue's name from the process into @p name: 0, -ENAMETOOLONG or -EFAULT.
long mq_name(char (&name)[k_mq_name_max], u64 uname) {
    long n = arch::uspace::copy_user_string(name, uname, sizeof name);
    return n == -2 ? -ENAMETOOLONG : n < 0 ? -EFAULT : 0;
}

long sys_mq_open(Process& p, const u64* a) {
    char name[k_mq_name_max];
    if (long rc = mq_name(name, a[0]))
        return rc;
    int oflag = static_cast<int>(a[1]);
    struct mq_attr attr;
    bool with_attr = (oflag & O_CREAT) && a[3];
    if (with_attr && !from_user(&attr, a[3], sizeof attr))
        return -EFAULT;
    mqd_t q = mq_open(name, oflag, static_cast<unsigned>(a[2]), with_attr ? &attr : nullptr);
    if (q == static_cast<mqd_t>(-1))
        return -errno;
    File* f = mq_file(static_cast<int>(q));
    if (!f) {
        (void)mq_close(q);
        return -ENFILE;
    }
    return fd_install(p, f);
}

long sys_mq_send(Process& p, const u64* a) {
    int q = mq_of(fd_file(p, a[0]));
    if (q < 0)
        return -EBADF;
    if (a[2] > k_mq_msg_max)
        return -EMSGSIZE;
    char msg[k_mq_msg_max];
    if (!from_user(msg, a[1], a[2]))
        return -EFAULT;
    return mq_killable(p, [&](const struct timespec* t) -> long {
        return mq_timedsend(static_cast<mqd_t>(q), msg, a[2], static_cast<unsigned>(a[3]), t);
    });
}

long sys_mq_receive(Process& p, const u64* a) {
    int q = mq_of(fd_file(p, a[0]));
    if (q < 0)
        return -EBADF;
    if (!in_window(a[1], a[2]) || (a[3] && !in_window(a[3], sizeof(unsigned))))
        return -EFAULT;
    char msg[k_mq_msg_max];
    unsigned prio = 0;
    long n = mq_killable(p, [&](const struct timespec* t) -> long {
        return mq_timedreceive(static_cast<mqd_t>(q), msg, a[2] < k_mq_msg_max ? a[2] : k_mq_msg_max, &prio, t);
    });
    if (n < 0)
        return n;
    if (!to_user(a[1], msg, static_cast<usize>(n)) || (a[3] && !to_user(a[3], &prio, sizeof prio)))
        return -EFAULT;
    return n;
}

long sys_mq_close(Process& p, const u64* a) { return mq_of(fd_file(p, a[0])) < 0 ? -EBADF : sys_close(p, a); }

long sys_mq_unlink(Process&, const u64* a) {
    char name[k_mq_name_max];
    if (long rc = mq_name(name, a[0]))
        return rc;
    return mq_unlink(name) == 0 ? 0 : -errno;
}

long sys_proc_info(Process&, const u64* a) {
    tn_proc_info out;
    int rc = info(static_cast<int>(a[0]), &out);
    if (rc < 0)
        return rc;
    return to_user(a[1], &out, sizeof out) ? 0 : -EFAULT;
}

long sys_program_name(Process&, const u64* a) {
    const char* name = tn_program_name(static_cast<unsigned>(a[0]));
    if (a[0] > 0xffffffffu || !name)
        return -ESRCH;
    usize n = strlen(name);
    if (a[2] < n + 1)
        return -ERANGE;
    return to_user(a[1], name, n + 1) ? static_cast<long>(n) : -EFAULT;
}

using Call = long (*)(Process& p, const u64* args);

constexpr Call k_calls[TN_SYS_COUNT] = {
    [](Process&, const u64*) -> long { return TN_SYSCALL_ABI_VERSION; },
    [](Process& p, const u64* a) -> long { terminate(p, static_cast<int>((a[0] & 0xff) << 8)); },
    sys_write,
    sys_read,
    [](Process& p, const u64*) -> long { return p.pid; },
    [](Process& p, const u64*) -> long { return p.ppid; },
    sys_spawn,
    sys_waitpid,
    [](Process& p, const u64* a) -> long { return kill(&p, static_cast<int>(a[0]), static_cast<int>(a[1])); },
    sys_brk,
    sys_close,
    sys_pipe,
    sys_dup2,
    [](Process&, const u64*) -> long {
        sched::yield();
        return 0;
    },
    sys_clock_gettime,
    sys_nanosleep,
    sys_mq_open,
    sys_mq_send,
    sys_mq_receive,
    sys_mq_close,
    sys_mq_unlink,
    sys_proc_info,
    sys_program_name,
    [](Process& p, const u64* a) { return thread_call(p, TN_SYS_THREAD_CREATE, a); },
    [](Process& p, const u64* a) { return thread_call(p, TN_SYS_THREAD_EXIT, a); },
    [](Process& p, const u64* a) { return thread_call(p, TN_SYS_THREAD_JOIN, a); },
    [](Process& p, const u64* a) { return thread_call(p, TN_SYS_THREAD_DETACH, a); },
    [](Process& p, const u64* a) { return thread_call(p, TN_SYS_GETTID, a); },
    [](Process& p, const u64* a) { return thread_call(p, TN_SYS_FUTEX_WAIT, a); },
    [](Process& p, const u64* a) { return thread_call(p, TN_SYS_FUTEX_WAKE, a); },
};
static_assert([] {
    for (Call c : k_calls)
        if (!c)
            return false;
    return true;
}(), "every call number has its function");

}  // namespace

}  // namespace tn::process

// The system-call entry (tn/arch/uspace.hpp; vectors.S's lean path): IRQs
// enabled, @p f without x19-x29, @p ctx the calling thread's process.
extern "C" void tn_arch_el0_svc(tn::arch::Frame* f, void* ctx) {
    using namespace tn;
    process::Process& p = *static_cast<process::Process*>(ctx);
    u64 nr = f->x[8];
    // svc's immediate (ISS[15:0]) other than 0 is reserved.
    bool ok = nr < TN_SYS_COUNT && (f->esr & 0xffff) == 0;
    f->x[0] = ok ? static_cast<u64>(process::k_calls[nr](p, f->x)) : static_cast<u64>(-ENOSYS);
    arch::irq_disable();
    process::exit_check(p);
}
