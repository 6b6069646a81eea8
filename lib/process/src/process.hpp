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
    sched::Thread* thread = nullptr;
    sched::WaitQueue children;     // its waitpid() blocks here
    bool waiting = false;          // blocked in a wait of ours (kill interrupts it)
    File* fds[k_max_fds] = {};
};

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

/// Blocks the calling process's thread on @p wq (the kernel lock held) as a
/// killable wait: false when a kill interrupted it.
bool wait_killable(sched::Locked& l, Process& p, sched::WaitQueue& wq);

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
