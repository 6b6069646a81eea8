// SMP bring-up on the target: every CPU online with its own number, stack and
// MPIDR; per-CPU data; cross-CPU calls (smp::run_on over SGI 15); an
// application SGI broadcast to every other CPU, and one sent by each secondary
// to CPU 0. (SGIs are edge events that coalesce while pending, so each round
// waits for the previous one to be taken.)
#include <tn/console.hpp>
#include <tn/irq.hpp>
#include <tn/smp.hpp>

using namespace tn;

namespace {

constexpr u32 k_ping_sgi = 3;
constexpr u32 k_pong_sgi = 4;

struct Seen {
    unsigned cpu = ~0u;
    u64 mpidr = 0;
    u64 sp = 0;
    u64 pings = 0;
};

smp::PerCpu<Seen> g_seen;
u64 g_pongs;
int g_failures;

void check(bool ok, const char* what) {
    if (!ok) {
        tn_printf("smp: FAILED: %s\n", what);
        ++g_failures;
    }
}

void record(void*) {
    Seen& s = g_seen.local();
    s.cpu = smp::this_cpu();
    u64 mpidr, sp;
    asm volatile("mrs %0, mpidr_el1; mov %1, sp" : "=r"(mpidr), "=r"(sp));
    s.mpidr = mpidr & 0xff00ffffffull;
    s.sp = sp;
}

irq::Completion on_ping(irq::Event, void*) {
    __atomic_add_fetch(&g_seen.local().pings, 1, __ATOMIC_RELEASE);
    return irq::Completion::Done;
}

void send_pong(void*) {
    if (!irq::send_sgi(k_pong_sgi, irq::SgiTarget::to(irq::CpuAffinity{smp::mpidr(0)})).ok())
        tn_printf("smp: CPU %u cannot send to CPU 0\n", smp::this_cpu());
}

irq::Completion on_pong(irq::Event, void*) {
    __atomic_add_fetch(&g_pongs, 1, __ATOMIC_RELAXED);
    return irq::Completion::Done;
}

// SGIs are banked: each CPU enables its own copy.
void enable_sgis(void*) {
    if (!irq::enable(k_ping_sgi).ok() || !irq::enable(k_pong_sgi).ok())
        tn_printf("smp: CPU %u cannot enable its SGIs\n", smp::this_cpu());
}

bool pinged(unsigned online, u64 want) {
    for (unsigned cpu = 1; cpu < online; ++cpu)
        if (__atomic_load_n(&g_seen[cpu].pings, __ATOMIC_ACQUIRE) < want)
            return false;
    return true;
}

template <typename Done>
void wait_until(Done done) {
    for (int spins = 0; !done() && spins < 10000000; ++spins)
        asm volatile("yield");
}

}  // namespace

int main() {
    unsigned online = smp::online_count();
    tn_printf("smp: %u CPUs online (TN_MAX_CPUS %u), main on CPU %u\n", online, smp::k_max_cpus, smp::this_cpu());
    check(online == CONFIG_SMP_TEST_EXPECT_CPUS, "online count");
    check(smp::this_cpu() == 0, "main runs on CPU 0");

    for (unsigned cpu = 0; cpu < smp::k_max_cpus; ++cpu) {
        if (!smp::online(cpu))
            continue;
        auto r = smp::run_on(cpu, record, nullptr);
        check(r.ok(), "run_on an online CPU");
        const Seen& s = g_seen[cpu];
        tn_printf("smp: CPU %u reports in: MPIDR 0x%lx\n", s.cpu, s.mpidr);
        check(s.cpu == cpu, "run_on ran on the requested CPU");
        check(s.mpidr == smp::mpidr(cpu), "MPIDR matches the bring-up record");
        for (unsigned other = 0; other < cpu; ++other)
            check(g_seen[other].sp / 4096 != s.sp / 4096, "each CPU has its own stack");
    }
    check(!smp::run_on(smp::k_max_cpus, record, nullptr).ok(), "run_on a CPU beyond TN_MAX_CPUS fails");
    if (online < smp::k_max_cpus)
        check(smp::run_on(online, record, nullptr).error() == smp::Error::Offline, "run_on an offline CPU fails");

    check(irq::register_handler(k_ping_sgi, on_ping, nullptr).ok(), "register ping");
    check(irq::register_handler(k_pong_sgi, on_pong, nullptr).ok(), "register pong");
    for (unsigned cpu = 0; cpu < online; ++cpu)
        check(smp::run_on(cpu, enable_sgis, nullptr).ok(), "enable SGIs everywhere");

    irq::local_enable();
    constexpr int k_rounds = 100;
    for (int round = 0; round < k_rounds; ++round) {
        check(irq::send_sgi(k_ping_sgi, irq::SgiTarget::others()).ok(), "broadcast ping");
        wait_until([&] { return pinged(online, round + 1); });
    }
    for (int round = 0; round < k_rounds; ++round)
        for (unsigned cpu = 1; cpu < online; ++cpu) {
            u64 before = __atomic_load_n(&g_pongs, __ATOMIC_RELAXED);
            check(smp::run_on(cpu, send_pong, nullptr).ok(), "run_on send_pong");
            wait_until([&] { return __atomic_load_n(&g_pongs, __ATOMIC_RELAXED) > before; });
        }
    u64 pings = 0;
    for (unsigned cpu = 1; cpu < online; ++cpu) {
        check(g_seen[cpu].pings == k_rounds, "every other CPU took every ping");
        pings += g_seen[cpu].pings;
    }
    check(g_seen[0].pings == 0, "a broadcast does not reach the sender");
    tn_printf("smp: %d rounds: %lu broadcast SGIs taken, %lu SGIs to CPU 0 taken\n", k_rounds, pings, g_pongs);
    check(g_pongs == u64(k_rounds) * (online - 1), "every SGI to CPU 0 taken");

    if (g_failures)
        return 1;
    tn_puts("smp: all checks passed");
    return 0;
}
