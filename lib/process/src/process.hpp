// lib/process's private interface between the process table (process.cpp),
// the system calls (syscall.cpp) and descriptors (file.cpp).
#pragma once

#include <tn/arch/irqflags.hpp>
#include <tn/arch/uspace.hpp>
#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#include <tn/syscall_abi.h>
#include <tn/types.hpp>

namespace tn::process {

constexpr unsigned k_max_fds = CONFIG_LIBPROCESS_MAX_FDS;
constexpr u64 k_page = 4096;

struct File;

enum class State : u8 { Free, Starting, Running, Zombie };

constexpr unsigned k_max_threads = CONFIG_LIBPROCESS_MAX_THREADS;
constexpr unsigned k_max_futexes = CONFIG_LIBPROCESS_MAX_THREADS;

/// One thread of a process (slot 0: the main thread, whose tid is the pid).
struct UThread {
    sched::Thread* t = nullptr;  // null: a free slot
    int tid = 0;
    bool exited = false;    // it ended: join it (its sched thread too)
    bool detached = false;  // nobody joins it: freed once it ended
    bool claimed = false;   // a joiner has it
    bool waiting = false;   // blocked in one of lib/process's killable waits
    u64 value = 0;          // what it passed to TN_SYS_THREAD_EXIT
    u64 entry = 0, sp = 0, arg = 0, tls = 0;  // where a new thread starts
};

/// The threads blocked on one futex word of a process.
struct Futex {
    u64 addr = 0;  // 0: unused
    u32 waiters = 0;
    sched::WaitQueue wq;
};

struct Process {
    int pid = 0;
    int ppid = 0;  // 0: the kernel
    State state = State::Free;
    bool detached = false;  // its parent is gone: whoever comes by reaps it
    bool killed = false;    // a signal ends it on its way back to EL0
    u8 kill_sig = 0;
    int status = 0;  // wait status, once a zombie
    char program[TN_PROGRAM_NAME_MAX + 1] = {};
    arch::uspace::Space space;
    u64 pages = 0;  // memory it holds (pages, tables counted)
    u64 brk_base = 0, brk = 0, brk_limit = 0;
    u64 stack_base = 0;  // lowest page of the main stack (the guard is below)
    sched::Thread* thread = nullptr;  // the thread a reaper joins: the last one to end
    sched::WaitQueue children;        // its waitpid() blocks here
    UThread threads[k_max_threads];
    unsigned live = 0;                // threads that have not ended
    bool dying = false;               // one thread is ending the process: the others end
    sched::WaitQueue thread_events;   // a thread ended (joins, and the thread ending the process)
    Futex futexes[k_max_futexes];
    File* fds[k_max_fds] = {};
};

/// A number for a new process or thread that no process or thread has
/// (pids and tids share one space, as in Linux).
int new_id(sched::Locked& l);
/// The calling thread's slot in @p p.
UThread& self_in(Process& p);
/// The stack of thread slot @p i >= 1 (the main thread's is at the top):
/// [thread_stack_lo(i), + k_thread_stack), an unmapped guard page below.
constexpr u64 k_thread_stack = (CONFIG_LIBPROCESS_THREAD_STACK_SIZE + k_page - 1) & ~(k_page - 1);
constexpr u64 k_main_stack = (CONFIG_LIBPROCESS_STACK_SIZE + k_page - 1) & ~(k_page - 1);
constexpr u64 k_main_stack_lo = TN_USER_END - k_main_stack;
constexpr u64 thread_stack_lo(unsigned i) { return k_main_stack_lo - i * (k_thread_stack + k_page); }
/// The break never comes closer to the lowest thread stack than its guard
/// page and one more.
constexpr u64 k_brk_limit = thread_stack_lo(k_max_threads - 1) - 2 * k_page;

/// TN_SYS_THREAD_* and TN_SYS_FUTEX_* (threads.cpp).
long thread_call(Process& p, u64 nr, const u64* args);
/// Frees the ended threads of @p p that nobody will join (detached).
void reap_threads(Process& p);
/// Ends the calling thread of @p p, which is not its last: a joiner gets
/// @p value. @context No lock held.
[[noreturn]] void thread_exit(Process& p, u64 value);

/// The process of the calling thread, nullptr for a kernel thread.
Process* current();
/// Frees a page a process held (uspace callbacks). Takes the kernel lock.
void free_page(u64 pa, u64 bytes, void* proc);
/// A zeroed page for a process (@p proc counts it), 0 when there is none.
u64 alloc_page(Process* proc);

/// Ends the calling process with wait status @p wstatus. @context Its thread,
/// no lock held.
[[noreturn]] void terminate(Process& p, int wstatus);

/// On the way back to EL0, IRQs masked: ends the calling process if it was
/// killed (tn_arch_el0_exit, tn_arch_el0_svc).
inline void exit_check(Process& p) {
    if (p.killed) {
        arch::irq_enable();
        terminate(p, p.kill_sig);
    }
}

/// How a killable wait ended.
enum class Wait : u8 { Woken, Timeout, Killed };
/// Blocks the calling thread on @p wq (the kernel lock held) for at most
/// @p timeout_ns as a wait a kill ends (Killed; the process is being
/// ended: the caller returns -EINTR).
Wait wait_killable(sched::Locked& l, Process& p, sched::WaitQueue& wq, u64 timeout_ns = sched::k_forever);

/// Sleeps @p ns nanoseconds (no lock held) as a killable wait: false when
/// a kill ended it early.
bool sleep_killable(Process& p, u64 ns);
/// How long a process blocked in a call another library serves (a message
/// queue, the console) sleeps between looks, so that a kill reaches it.
constexpr u64 k_poll_ns = 10'000'000;

// ---- spawn, wait, kill (process.cpp), for the kernel and system calls

/// @p parent: the spawning process, nullptr for the kernel. @p argv: kernel
/// copies. @p fds: which of @p parent's descriptors become 0-2 (nullptr: the
/// same numbers; the kernel's are the console). Returns the pid or -errno.
int spawn(Process* parent, const char* program, const char* const* argv, const int* fds, int priority, int cpu);
int wait(Process* parent, int pid, int* status, int options);
int kill(Process* sender, int pid, int sig);
int info(int index, tn_proc_info* out);

// ---- descriptors (file.cpp)

/// The console as a descriptor (shared by every process).
File* console_file();
/// Takes a reference to @p f. @p f may be nullptr.
File* file_get(File* f);
/// Drops a reference; the last closes it (a pipe end wakes the other end).
void file_put(File* f);
long file_read(Process& p, File* f, u64 ubuf, u64 len);
long file_write(Process& p, File* f, u64 ubuf, u64 len);
/// Makes a pipe: @p ends[0] reads, [1] writes. -EMFILE / -ENFILE / -ENOMEM.
int pipe_create(File* ends[2]);
/// A message-queue descriptor around lib/posix's @p mqd.
File* mq_file(int mqd);
/// lib/posix's descriptor of @p f, or -1 when it is not a message queue.
int mq_of(const File* f);

/// Installs @p f (a reference the caller hands over) in the lowest free
/// slot of @p p: the descriptor, or -EMFILE (then @p f is dropped).
int fd_install(Process& p, File* f);

}  // namespace tn::process
