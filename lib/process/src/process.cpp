// The process table: spawn, exit, wait, kill, and what happens when a
// process faults (docs/processes.md).
//
// Memory. A process's pages come one by one from the page allocator and are
// mapped in its own tables (tn/arch/uspace.hpp); the tables are the only
// record of them, and destroying the space returns every page. The kernel
// writes a new process's pages through its identity map of RAM before the
// process runs (segments, relocations, argv).
//
// Locking. The kernel lock (sched::Locked) guards the table's states, the
// wait queues and the page allocator (as lib/sched's stack glue does). A
// process's own fields that only its thread touches (its descriptors, its
// break) need none.
//
// Life of a process: Starting (a slot is taken, memory set up) -> Running
// (its thread exists) -> Zombie (it ended: its memory is back, its thread is
// exiting) -> Free (its parent's wait, or anyone for a detached one, joined
// its thread). A process whose parent ends is detached: nobody waits for
// it, and the next spawn, wait or listing frees it once it is a zombie.
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <tn/arch/esr.hpp>
#include <tn/arch/fpu.hpp>
#include <tn/arch/frame.hpp>
#include <tn/arch/irqflags.hpp>
#include <tn/assert.hpp>
#include <tn/console.h>
#include <tn/init.hpp>
#include <tn/mem/page_alloc.hpp>
#include <tn/plat.hpp>
#include <tn/process.h>
#include <tn/process/elf.hpp>
#include <tn/program_table.h>
#include <tn/smp.hpp>

#include "process.hpp"

extern "C" const tn_program __tn_programs_start[], __tn_programs_end[];

namespace tn::process {

static_assert(TN_USER_BASE == arch::uspace::k_user_base && TN_USER_END == TN_USER_BASE + arch::uspace::k_user_size,
              "the ABI's user window is the arch's");
static_assert(TN_USER_LOAD % k_page == 0 && TN_USER_LOAD > TN_USER_BASE);

namespace {

// What a program's segments may span: up to the break's limit.
constexpr u64 k_max_span = k_brk_limit - TN_USER_LOAD;
static_assert(k_brk_limit > TN_USER_LOAD + (64u << 20), "LIBPROCESS_MAX_THREADS and the stack sizes leave a program room");

Process g_procs[CONFIG_LIBPROCESS_MAX_PROCESSES];
int g_last_pid;
sched::WaitQueue g_kernel_children;  // the kernel's waits (tn_process_wait)

// Where a new process starts (its thread's first code reads it).
struct Start {
    u64 entry, sp, argc, argv, envp;
};
Start g_start[CONFIG_LIBPROCESS_MAX_PROCESSES];

unsigned index_of(const Process& p) { return static_cast<unsigned>(&p - g_procs); }

const tn_program* find_program(const char* name) {
    for (const tn_program* p = __tn_programs_start; p < __tn_programs_end; ++p)
        if (strcmp(p->name, name) == 0)
            return p;
    return nullptr;
}

u64* alloc_table(void* ctx) { return reinterpret_cast<u64*>(alloc_page(static_cast<Process*>(ctx))); }

// Joins a claimed zombie's thread (no lock held: it may still be on its
// way out) and frees its slot.
void reap(sched::Thread* t, Process& p) {
    (void)sched::join(t);
    sched::Locked l;
    p = Process{};
}

// Frees the zombies nobody will wait for (their parent is gone).
void reap_detached() {
    for (;;) {
        Process* z = nullptr;
        sched::Thread* t = nullptr;
        {
            sched::Locked l;
            for (Process& q : g_procs)
                if (q.state == State::Zombie && q.detached && q.thread) {
                    z = &q;
                    t = q.thread;
                    q.thread = nullptr;
                    break;
                }
        }
        if (!z)
            return;
        reap(t, *z);
    }
}

// Copies the program's loadable segments into fresh pages of @p p and
// maps them; applies its relocations. -errno.
int load(Process& p, const tn_program& prog, elf::Image& img) {
    auto parsed = elf::parse(prog.elf, prog.size, k_max_span);
    if (!parsed.ok()) {
        tn_printf("process: program \"%s\" refused: %s\n", prog.name, elf::error_name(parsed.error()));
        return -ENOEXEC;
    }
    img = parsed.value();
    for (unsigned i = 0; i < img.count; ++i) {
        const elf::Segment& s = img.seg[i];
        u64 first = s.vaddr & ~(k_page - 1), end = (s.vaddr + s.memsz + k_page - 1) & ~(k_page - 1);
        for (u64 va = first; va < end; va += k_page) {
            u64 pa = alloc_page(&p);
            if (!pa)
                return -ENOMEM;
            // The part of the file this page holds.
            u64 lo = va > s.vaddr ? va : s.vaddr, hi = va + k_page < s.vaddr + s.filesz ? va + k_page : s.vaddr + s.filesz;
            if (lo < hi)
                memcpy(reinterpret_cast<void*>(pa + (lo - va)), prog.elf + s.offset + (lo - s.vaddr), hi - lo);
            auto m = arch::uspace::map(p.space, TN_USER_LOAD + va, pa, k_page, {s.write, s.exec}, alloc_table, &p);
            if (!m.ok()) {
                free_page(pa, k_page, &p);
                if (m.error() == arch::uspace::Error::BadRange)
                    tn_printf("process: program \"%s\" refused: two segments share a page\n", prog.name);
                return m.error() == arch::uspace::Error::BadRange ? -ENOEXEC : -ENOMEM;
            }
        }
    }
    auto write = [](void* ctx, u64 va, u64 value) -> bool {
        auto t = arch::uspace::translate(static_cast<Process*>(ctx)->space, TN_USER_LOAD + va);
        if (!t.ok())
            return false;
        *reinterpret_cast<u64*>(t.value().pa) = value;  // through the kernel's map of RAM
        return true;
    };
    auto r = elf::relocate(prog.elf, img, TN_USER_LOAD, elf::Writer{write, &p});
    if (!r.ok()) {
        tn_printf("process: program \"%s\" refused: %s\n", prog.name, elf::error_name(r.error()));
        return -ENOEXEC;
    }
    // What only the relocations write (the GOT, .data.rel.ro): read-only
    // from now on. Its end is page-aligned by the linker; its first page is
    // taken whole when it begins its segment (no other segment shares a
    // page: parse() checked), else only the pages it fills.
    u64 lo = (img.relro_vaddr + k_page - 1) & ~(k_page - 1), hi = (img.relro_vaddr + img.relro_memsz) & ~(k_page - 1);
    for (unsigned i = 0; i < img.count; ++i)
        if (img.seg[i].vaddr == img.relro_vaddr)
            lo = img.relro_vaddr & ~(k_page - 1);
    if (img.relro_memsz && lo < hi && !arch::uspace::protect(p.space, TN_USER_LOAD + lo, hi - lo, {false, false}).ok())
        return -ENOEXEC;
    return 0;
}

// Maps the main stack and lays out argv on it. -errno.
int setup_stack(Process& p, const char* const* argv, Start& start) {
    for (u64 va = k_main_stack_lo; va < TN_USER_END; va += k_page) {
        u64 pa = alloc_page(&p);
        if (!pa)
            return -ENOMEM;
        if (!arch::uspace::map(p.space, va, pa, k_page, {true, false}, alloc_table, &p).ok()) {
            free_page(pa, k_page, &p);
            return -ENOMEM;
        }
    }
    p.stack_base = k_main_stack_lo;
    // argv strings at the top page, then the pointer arrays (argv, NULL,
    // envp's NULL) below them; all within the top page (TN_ARG_MAX and
    // TN_ARGC_MAX keep them there).
    static_assert(TN_ARG_MAX + (TN_ARGC_MAX + 2) * 8 + 16 <= k_page, "argv fits the top page");
    u64 top_pa = arch::uspace::translate(p.space, TN_USER_END - k_page).value().pa;
    auto at = [&](u64 va) { return reinterpret_cast<char*>(top_pa + (va - (TN_USER_END - k_page))); };
    u64 argc = 0, sp = TN_USER_END;
    u64 ptrs[TN_ARGC_MAX];
    for (; argv[argc]; ++argc) {
        usize n = strlen(argv[argc]) + 1;
        sp -= n;
        memcpy(at(sp), argv[argc], n);
        ptrs[argc] = sp;
    }
    sp &= ~u64{15};
    sp -= (argc + 2) * 8;
    sp &= ~u64{15};
    auto* vec = reinterpret_cast<u64*>(at(sp));
    for (u64 i = 0; i < argc; ++i)
        vec[i] = ptrs[i];
    vec[argc] = 0;
    vec[argc + 1] = 0;  // envp: empty
    start = {0, sp, argc, sp, sp + (argc + 1) * 8};
    return 0;
}

// A new process's thread: into EL0 (its thread pointer starts at 0: the
// user runtime sets it).
void user_entry(void* arg) {
    Process& p = *static_cast<Process*>(arg);
    const Start& s = g_start[index_of(p)];
    arch::enter_el0(s.entry, s.sp, s.argc, s.argv, s.envp, 0, &p);
}

void free_space(Process& p) { arch::uspace::destroy(p.space, free_page, &p); }

}  // namespace

int new_id(sched::Locked&) {
    for (;;) {  // the next number no process or thread has
        g_last_pid = g_last_pid >= 0x7fffffff - 1 ? 1 : g_last_pid + 1;
        bool used = false;
        for (Process& q : g_procs)
            if (q.state != State::Free) {
                used |= q.pid == g_last_pid;
                for (const UThread& u : q.threads)
                    used |= u.tid == g_last_pid;
            }
        if (!used)
            return g_last_pid;
    }
}

Process* current() {
    sched::Thread* t = sched::current();
    return static_cast<Process*>(sched::slot(t, sched::k_slot_process));
}

u64 alloc_page(Process* proc) {
    u64 pa;
    {
        sched::Locked l;
        auto r = plat::page_allocator().alloc(0);
        if (!r.ok())
            return 0;
        pa = r.value().value();
    }
    memset(reinterpret_cast<void*>(pa), 0, k_page);
    if (proc)
        ++proc->pages;
    return pa;
}

void free_page(u64 pa, u64 bytes, void* proc) {
    {
        sched::Locked l;
        (void)plat::page_allocator().free_pages(PhysAddr{pa}, bytes / k_page);
    }
    if (proc)
        static_cast<Process*>(proc)->pages -= bytes / k_page;
}

int spawn(Process* parent, const char* program, const char* const* argv, const int* fds, int priority, int cpu) {
    const tn_program* prog = find_program(program);
    if (!prog)
        return -ENOENT;
    const char* const name_only[] = {program, nullptr};
    if (!argv || !argv[0])
        argv = name_only;
    usize argc = 0, bytes = 0;
    for (; argv[argc]; ++argc) {
        bytes += strlen(argv[argc]) + 1;
        if (argc + 1 > TN_ARGC_MAX || bytes > TN_ARG_MAX)
            return -E2BIG;
    }
    reap_detached();
    Process* p = nullptr;
    {
        sched::Locked l;
        for (Process& q : g_procs)
            if (q.state == State::Free) {
                p = &q;
                break;
            }
        if (!p)
            return -EAGAIN;
        *p = Process{};
        p->state = State::Starting;
        p->pid = new_id(l);
        p->ppid = parent ? parent->pid : 0;
    }
    strncpy(p->program, prog->name, TN_PROGRAM_NAME_MAX);
    int rc = 0;
    auto made = arch::uspace::create(p->space, alloc_table, p);
    if (!made.ok())
        rc = made.error() == arch::uspace::Error::NoAsid ? -EAGAIN : -ENOMEM;
    elf::Image img{};
    Start& start = g_start[index_of(*p)];
    if (!rc)
        rc = load(*p, *prog, img);
    if (!rc)
        rc = setup_stack(*p, argv, start);
    start.entry = TN_USER_LOAD + img.entry;
    p->brk_base = p->brk = TN_USER_LOAD + ((img.span + k_page - 1) & ~(k_page - 1));
    p->brk_limit = p->brk_base + CONFIG_LIBPROCESS_HEAP_SIZE < k_brk_limit ? p->brk_base + CONFIG_LIBPROCESS_HEAP_SIZE
                                                                          : k_brk_limit;
    // Descriptors 0-2.
    for (unsigned i = 0; i < 3 && !rc; ++i) {
        File* f = nullptr;
        if (!parent)
            f = console_file();
        else if (int from = fds ? fds[i] : static_cast<int>(i); from >= 0 && from < static_cast<int>(k_max_fds))
            f = parent->fds[from];
        p->fds[i] = file_get(f);
    }
    sched::Thread* t = nullptr;
    if (!rc && (priority < -1 || priority >= static_cast<int>(sched::k_priorities) || cpu < -1 ||
                (cpu >= 0 && !smp::online(static_cast<unsigned>(cpu)))))
        rc = -EINVAL;
    if (!rc) {
        sched::ThreadAttr attr;
        attr.name = p->program;
        sched::Thread* self = sched::current();
        attr.priority = static_cast<u8>(priority >= 0 ? priority : sched::priority(self));
        attr.cpu = cpu >= 0 ? static_cast<unsigned>(cpu) : smp::this_cpu();
        attr.stack_size = CONFIG_LIBPROCESS_KERNEL_STACK_SIZE;
        attr.start_suspended = true;
        auto r = sched::create(attr, user_entry, p);
        if (!r.ok())
            rc = r.error() == sched::Error::NoMemory ? -EAGAIN : -EINVAL;
        else
            t = r.value();
    }
    if (rc) {
        for (File*& f : p->fds)
            file_put(f), f = nullptr;
        free_space(*p);
        sched::Locked l;
        *p = Process{};
        return rc;
    }
    int pid = p->pid;
    {
        sched::Locked l;
        sched::slot(t, sched::k_slot_process) = p;
        sched::set_translation_root(l, t, arch::uspace::ttbr(p->space));
        p->thread = t;
        p->threads[0].t = t;
        p->threads[0].tid = p->pid;
        p->live = 1;
        p->state = State::Running;
    }
    (void)sched::resume(t);
    return pid;
}

void terminate(Process& p, int wstatus) {
    sched::Thread* self = sched::current();
    UThread& me = self_in(p);
    bool last;
    {
        sched::Locked l;
        last = !p.dying;
        if (!last) {
            // Another thread is ending the process and joins this one.
            me.exited = true;
            --p.live;
            sched::wake_all(l, p.thread_events);
        } else {
            // The others end at their next way back to EL0 or killable wait.
            p.dying = true;
            p.killed = true;
            for (UThread& u : p.threads)
                if (u.t && !u.exited && &u != &me) {
                    if (u.waiting)
                        (void)sched::interrupt(l, u.t);
                    else
                        sched::kick(l, u.t);
                }
            while (p.live > 1)
                (void)sched::wait(l, p.thread_events, sched::k_forever);
        }
    }
    if (!last)
        sched::exit(0);
    // Alone now: the others' control blocks and kernel stacks go back (their
    // user stacks go with the address space).
    for (UThread& u : p.threads)
        if (u.t && &u != &me && !u.claimed) {
            (void)sched::join(u.t);
            u = UThread{};
        }
    for (File*& f : p.fds)
        file_put(f), f = nullptr;
    {
        sched::Locked l;
        sched::set_translation_root(l, self, 0);
    }
    free_space(p);
    {
        sched::Locked l;
        p.thread = self;  // what the reaper joins
        // Its children are nobody's now (ppid 0 also keeps a later process
        // that gets this pid from counting them as its own).
        for (Process& c : g_procs)
            if (c.state != State::Free && c.ppid == p.pid && &c != &p && !c.detached) {
                c.detached = true;
                c.ppid = 0;
            }
        p.status = wstatus;
        p.state = State::Zombie;
        Process* parent = nullptr;
        if (p.ppid)
            for (Process& q : g_procs)
                if (q.state != State::Free && q.pid == p.ppid && q.state != State::Zombie)
                    parent = &q;
        if (p.ppid && !parent) {
            p.detached = true;
            p.ppid = 0;
        }
        sched::wake_all(l, parent ? parent->children : g_kernel_children);
    }
    sched::exit(0);
}

UThread& self_in(Process& p) {
    sched::Thread* t = sched::current();
    for (UThread& u : p.threads)
        if (u.t == t)
            return u;
    TN_ASSERT(false && "a process's thread is in its table");
    return p.threads[0];
}

Wait wait_killable(sched::Locked& l, Process& p, sched::WaitQueue& wq, u64 timeout_ns) {
    if (p.killed)
        return Wait::Killed;
    UThread& me = self_in(p);
    me.waiting = true;
    auto r = sched::wait(l, wq, timeout_ns);
    me.waiting = false;
    if (r == sched::WaitResult::Interrupted || p.killed)
        return Wait::Killed;
    return r == sched::WaitResult::Timeout ? Wait::Timeout : Wait::Woken;
}

bool sleep_killable(Process& p, u64 ns) {
    sched::WaitQueue never;  // nobody wakes it: the timeout or a kill ends the wait
    sched::Locked l;
    return wait_killable(l, p, never, ns) != Wait::Killed;
}

int wait(Process* parent, int pid, int* status, int options) {
    if (options & ~WNOHANG)
        return -EINVAL;
    int me = parent ? parent->pid : 0;
    for (;;) {
        Process* z = nullptr;
        sched::Thread* t = nullptr;
        {
            sched::Locked l;
            bool child = false;
            for (Process& q : g_procs) {
                if (q.state == State::Free || q.detached || q.ppid != me || (pid != -1 && q.pid != pid))
                    continue;
                if (q.state == State::Zombie && !q.thread)
                    continue;  // another waiter has it
                child = true;
                if (q.state == State::Zombie) {
                    z = &q;
                    t = q.thread;
                    q.thread = nullptr;
                    break;
                }
            }
            if (!z) {
                if (!child)
                    return -ECHILD;
                if (options & WNOHANG)
                    return 0;
                if (parent) {
                    if (wait_killable(l, *parent, parent->children) == Wait::Killed)
                        return -EINTR;
                } else {
                    (void)sched::wait(l, g_kernel_children, sched::k_forever);
                }
                continue;
            }
        }
        int zpid = z->pid, st = z->status;
        reap(t, *z);
        if (status)
            *status = st;
        return zpid;
    }
}

namespace {

bool terminating_signal(int sig) {
    switch (sig) {
    case SIGHUP: case SIGINT: case SIGQUIT: case SIGABRT: case SIGKILL: case SIGUSR1:
    case SIGUSR2: case SIGPIPE: case SIGALRM: case SIGTERM:
        return true;
    default:
        return false;
    }
}

// True when @p anc is @p p's parent, grandparent, ...
bool ancestor(int anc, const Process& p) {
    int pid = p.ppid;
    for (unsigned hops = 0; pid && hops <= CONFIG_LIBPROCESS_MAX_PROCESSES; ++hops) {
        if (pid == anc)
            return true;
        const Process* up = nullptr;
        for (const Process& q : g_procs)
            if (q.state != State::Free && q.pid == pid)
                up = &q;
        if (!up)
            return false;
        pid = up->ppid;
    }
    return false;
}

}  // namespace

int kill(Process* sender, int pid, int sig) {
    if (sig != 0 && !terminating_signal(sig))
        return -EINVAL;
    if (pid <= 0)
        return -ESRCH;  // no process groups in version 1
    sched::Locked l;
    Process* p = nullptr;
    for (Process& q : g_procs)
        if (q.state != State::Free && q.pid == pid)
            p = &q;
    if (!p)
        return -ESRCH;
    if (sender && sender != p && !ancestor(sender->pid, *p))
        return -EPERM;
    if (sig == 0 || p->state != State::Running || p->killed)
        return 0;
    p->killed = true;
    p->kill_sig = static_cast<u8>(sig);
    if (p == sender)
        return 0;  // it ends on its way back to EL0
    for (UThread& u : p->threads) {
        if (!u.t || u.exited)
            continue;
        if (u.waiting)
            (void)sched::interrupt(l, u.t);  // blocked in one of lib/process's waits
        else
            sched::kick(l, u.t);  // running at EL0 on another CPU: an interrupt brings it in
    }
    return 0;
}

int info(int index, tn_proc_info* out) {
    reap_detached();
    sched::Locked l;
    int n = 0;
    for (Process& q : g_procs) {
        if (q.state != State::Running && q.state != State::Zombie)
            continue;
        if (n++ != index)
            continue;
        *out = {};
        out->pid = q.pid;
        out->ppid = q.ppid;
        out->state = q.state == State::Zombie ? TN_PROC_ZOMBIE : TN_PROC_RUNNING;
        out->priority = 0;
        for (const UThread& u : q.threads)
            if (u.t && !u.exited) {
                out->priority = sched::priority(u.t);
                break;
            }
        out->threads = q.state == State::Zombie ? 0 : static_cast<int>(q.live);
        out->pages = q.pages;
        memcpy(out->program, q.program, sizeof out->program);
        return 0;
    }
    return -ESRCH;
}

// ---- faults

namespace {

int signal_for(u32 ec) {
    using namespace arch::esr::ec_code;
    switch (ec) {
    case data_abort_lower: case inst_abort_lower:
        return SIGSEGV;
    case pc_align: case sp_align:
        return SIGBUS;
    case brk64:
        return SIGTRAP;
    default:
        return SIGILL;
    }
}

const char* signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGTRAP: return "SIGTRAP";
    case SIGILL: return "SIGILL";
    default: return "a signal";
    }
}

[[noreturn]] void fault(Process& p, arch::Frame& f, const char* why) {
    namespace esr = arch::esr;
    u32 ec = esr::ec(f.esr);
    int sig = signal_for(ec);
    tn_printf("\n*** process %d (%s) killed by %s: %s", p.pid, p.program, signal_name(sig), esr::ec_name(ec));
    if (int tid = self_in(p).tid; tid != p.pid)
        tn_printf(" in thread %d", tid);
    tn_printf("\n");
    if (esr::is_abort(ec)) {
        char what[48];
        tn_printf("  %s", esr::fsc_describe(esr::fsc(f.esr), what, sizeof what));
        if (ec == esr::ec_code::data_abort_lower)
            tn_printf(" on %s", esr::write_not_read(f.esr) ? "write" : "read");
        if (esr::far_not_valid(f.esr))
            tn_printf(", fault address unknown\n");
        else
            tn_printf(" at address 0x%016lx\n", f.far);
        if (!esr::far_not_valid(f.esr) && f.far >= p.stack_base - k_page && f.far < p.stack_base)
            tn_printf("  stack overflow: into the guard page below its stack (0x%016lx)\n", p.stack_base);
        else if (!esr::far_not_valid(f.esr) && !arch::uspace::in_window(f.far, 1))
            tn_printf("  the address is outside the process's window 0x%llx-0x%llx\n", TN_USER_BASE, TN_USER_END);
    }
    if (why && *why)
        tn_printf("  %s\n", why);
    tn_printf("  ESR 0x%08lx, pc 0x%016lx (program offset 0x%lx), sp 0x%016lx\n", f.esr, f.elr,
              static_cast<u64>(f.elr - TN_USER_LOAD), f.sp);
    terminate(p, sig);
}

}  // namespace

}  // namespace tn::process

// System calls come to tn_arch_el0_svc (syscall.cpp): here faults and the
// lazy FP trap.
extern "C" void tn_arch_el0_sync(tn::arch::Frame* f) {
    using namespace tn;
    namespace esr = arch::esr;
    u32 ec = esr::ec(f->esr);
    const char* why = "";
    if (ec == esr::ec_code::fp_access && arch::fp_trap(*f, why))
        return;
    arch::irq_enable();
    process::fault(*process::current(), *f, why);
}

extern "C" void tn_arch_el0_exit(tn::arch::Frame*, void* ctx) {
    tn::process::exit_check(*static_cast<tn::process::Process*>(ctx));
}

// ---- the kernel's C API (tn/process.h)

extern "C" {

int tn_process_spawn(const char* program, const char* const argv[]) {
    return tn_process_spawn_attr(program, argv, nullptr);
}

int tn_process_spawn_attr(const char* program, const char* const argv[], const tn_spawn_attr* attr) {
    if (!program)
        return -EINVAL;
    return tn::process::spawn(nullptr, program, argv, nullptr, attr ? attr->priority : -1, attr ? attr->cpu : -1);
}

int tn_process_wait(int pid, int* status, int options) { return tn::process::wait(nullptr, pid, status, options); }

int tn_process_kill(int pid, int sig) { return tn::process::kill(nullptr, pid, sig); }

int tn_process_info(int index, tn_proc_info* info) {
    return info ? tn::process::info(index, info) : -EINVAL;
}

const char* tn_program_name(unsigned index) {
    return index < static_cast<unsigned>(__tn_programs_end - __tn_programs_start) ? __tn_programs_start[index].name
                                                                                   : nullptr;
}
}
