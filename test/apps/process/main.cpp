// Kernel side of the process tests (test/qemu/process-*.test): starts the
// programs of programs/ one scenario after another and reports what their
// waits return; then spawns past the process limit and checks that the
// memory of ended processes comes back.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include <tn/mem/page_alloc.hpp>
#include <tn/plat.hpp>
#include <tn/process.h>
#include <tn/sched.hpp>
#include <tn/smp.hpp>

namespace {

int g_failures;

tn::u64 free_pages() {
    tn::sched::lock_preemption();
    tn::u64 n = tn::plat::page_allocator().free_page_count();
    tn::sched::unlock_preemption();
    return n;
}

// Runs @p argv[0] to its end; returns its wait status (-1: no spawn).
int run(const char* const* argv) {
    int pid = tn_process_spawn(argv[0], argv);
    if (pid < 0) {
        printf("process: spawn %s: %d\n", argv[0], pid);
        ++g_failures;
        return -1;
    }
    int status = 0;
    if (tn_process_wait(pid, &status, 0) != pid) {
        ++g_failures;
        return -1;
    }
    return status;
}

void expect_exit(const char* const* argv, int code) {
    int st = run(argv);
    bool ok = st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == code;
    printf("process: %s: exit %d%s\n", argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1,
           ok ? "" : " WRONG");
    g_failures += !ok;
}

void expect_signal(const char* kind, int sig) {
    const char* argv[] = {"fault", kind, nullptr};
    int st = run(argv);
    bool ok = st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == sig;
    printf("process: fault %s: killed by signal %d%s\n", kind, WIFSIGNALED(st) ? WTERMSIG(st) : 0, ok ? "" : " WRONG");
    g_failures += !ok;
}

void limits() {
    int pids[CONFIG_LIBPROCESS_MAX_PROCESSES + 1];
    int n = 0, rc = 0;
    const char* argv[] = {"sleeper", nullptr};
    while (n <= CONFIG_LIBPROCESS_MAX_PROCESSES && (rc = tn_process_spawn("sleeper", argv)) > 0)
        pids[n++] = rc;
    bool ok = n == CONFIG_LIBPROCESS_MAX_PROCESSES && rc == -EAGAIN;
    printf("process: spawned %d sleepers, the next spawn -> %d%s\n", n, rc, ok ? " (EAGAIN)" : " WRONG");
    g_failures += !ok;
    for (int i = 0; i < n; ++i)
        tn_process_kill(pids[i], SIGKILL);
    int reaped = 0, status;
    while (tn_process_wait(-1, &status, 0) > 0)
        reaped += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    printf("process: reaped %d killed sleepers%s\n", reaped, reaped == n ? "" : " WRONG");
    g_failures += reaped != n;
}

void memory_reused() {
    const char* argv[] = {"hello", nullptr};
    (void)run(argv);  // the first run may grow the kernel's own pools
    tn::u64 before = free_pages();
    for (int i = 0; i < 40; ++i)
        (void)run(argv);
    const char* threads[] = {"threads", nullptr};
    for (int i = 0; i < 3; ++i)
        (void)run(threads);
    tn::u64 after = free_pages();
    printf("process: 40 more runs of hello and 3 of threads: free pages %lu before, %lu after%s\n", before, after,
           before == after ? "" : " WRONG");
    g_failures += before != after;
    // Orphans: each run leaves a sleeper behind that ends 30 ms later.
    const char* orphaner[] = {"orphaner", nullptr};
    for (int i = 0; i < 5; ++i)
        (void)run(orphaner);
    tn_proc_info info;
    int left = 5;
    // The listing frees ended orphans first; a loaded host runs QEMU slowly.
    for (int tries = 0; tries < 500 && left; ++tries) {
        (void)tn::sched::sleep_ns(10000000);
        left = 0;
        while (tn_process_info(left, &info) == 0)
            ++left;
    }
    after = free_pages();
    printf("process: 5 orphans ended: %d processes left, free pages %lu before, %lu after%s\n", left, before, after,
           before == after && left == 0 ? "" : " WRONG");
    g_failures += before != after || left != 0;
}

// With a second CPU: processes there, one killed from here while it spins
// at EL0 (the kill reaches it by an interrupt), one that runs a pipeline.
void other_cpu() {
    if (tn::smp::online_count() < 2)
        return;
    tn_spawn_attr attr = {-1, 1};
    const char* spin[] = {"spinner", nullptr};
    int pid = tn_process_spawn_attr("spinner", spin, &attr);
    (void)tn::sched::sleep_ns(20000000);
    int status = 0;
    int killed = tn_process_kill(pid, SIGKILL);
    bool ok = pid > 0 && killed == 0 && tn_process_wait(pid, &status, 0) == pid && WIFSIGNALED(status) &&
              WTERMSIG(status) == SIGKILL;
    printf("process: spinner on CPU 1 killed from CPU 0%s\n", ok ? "" : " WRONG");
    g_failures += !ok;
    const char* pipeline[] = {"pipeline", nullptr};
    pid = tn_process_spawn_attr("pipeline", pipeline, &attr);
    ok = pid > 0 && tn_process_wait(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("process: pipeline on CPU 1: exit %d%s\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1, ok ? "" : " WRONG");
    g_failures += !ok;
}

}  // namespace

int main() {
    printf("process: spawn of a missing program -> %d\n", tn_process_spawn("no-such-program", nullptr));
    const char* hello[] = {"hello", nullptr};
    expect_exit(hello, 3);
    const char* pipeline[] = {"pipeline", nullptr};
    expect_exit(pipeline, 0);
    expect_signal("null", SIGSEGV);
    expect_signal("text", SIGSEGV);
    expect_signal("kernel", SIGSEGV);
    expect_signal("kernel-write", SIGSEGV);
    expect_signal("relro", SIGSEGV);
    expect_signal("undef", SIGILL);
    expect_signal("sysreg", SIGILL);
    expect_signal("stack", SIGSEGV);
    expect_signal("exec-heap", SIGSEGV);
    const char* owner[] = {"owner", nullptr};
    expect_exit(owner, 0);
    const char* killer[] = {"killer", nullptr};
    expect_exit(killer, 0);
    const char* threads[] = {"threads", nullptr};
    expect_exit(threads, 0);
    const char* thread_exit[] = {"threads", "exit", nullptr};
    expect_exit(thread_exit, 5);
    const char* thread_fault[] = {"threads", "fault", nullptr};
    int st = run(thread_fault);
    bool ok = st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
    printf("process: threads fault: killed by signal %d%s\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0, ok ? "" : " WRONG");
    g_failures += !ok;
    const char* thread_spin[] = {"threads", "spin", nullptr};
    int pid = tn_process_spawn("threads", thread_spin);
    tn_proc_info info;
    int live = 0;
    // Until its three threads are made (a loaded host runs QEMU slowly).
    for (int tries = 0; tries < 500 && live < 4; ++tries) {
        (void)tn::sched::sleep_ns(10000000);
        for (int i = 0; tn_process_info(i, &info) == 0; ++i)
            if (info.pid == pid)
                live = info.threads;
    }
    tn_process_kill(pid, SIGKILL);
    st = 0;
    ok = tn_process_wait(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && live == 4;
    printf("process: threads spin: %d threads, killed by signal %d%s\n", live, WIFSIGNALED(st) ? WTERMSIG(st) : 0,
           ok ? "" : " WRONG");
    g_failures += !ok;
    const char* fuzz[] = {"fuzz", nullptr};
    expect_exit(fuzz, 0);
    other_cpu();
    limits();
    memory_reused();
    printf("process: %s (%d failures)\n", g_failures ? "FAILED" : "all passed", g_failures);
    return g_failures ? 1 : 0;
}
