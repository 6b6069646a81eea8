// Cross-CPU calls (tn::smp::run_on) over SGI smp::k_call_sgi: how a CPU gets
// work done on another one (reprogramming its banked interrupt state, waking
// its scheduler). Built with CONFIG_TN_SMP; the platform sets it up before it
// starts the secondaries (init_cross_calls) and on each of them
// (enable_cross_calls_this_cpu).
#include <tn/irq.hpp>
#include <tn/irq_impl.hpp>
#include <tn/smp.hpp>

namespace tn::irq {

namespace {

// One mailbox per target CPU. A caller owns it while busy is set: it fills
// in fn/arg, then done = false, and sends the SGI; the target runs the call
// and sets done (release), which the caller waits for (acquire).
struct Mailbox {
    bool busy;
    bool done;
    void (*fn)(void*);
    void* arg;
};

smp::PerCpu<Mailbox> g_mailbox;

// Runs the call waiting in the calling CPU's mailbox, if any. IRQs masked.
void serve_mailbox() {
    Mailbox& m = g_mailbox.local();
    if (!__atomic_load_n(&m.busy, __ATOMIC_ACQUIRE) || __atomic_load_n(&m.done, __ATOMIC_ACQUIRE) || !m.fn)
        return;
    auto fn = m.fn;
    void* arg = m.arg;
    m.fn = nullptr;
    fn(arg);
    __atomic_store_n(&m.done, true, __ATOMIC_RELEASE);
    asm volatile("dsb ish; sev" ::: "memory");
}

Completion on_call_sgi(Event, void*) {
    serve_mailbox();
    return Completion::Done;
}


}  // namespace

Result<void, Error> enable_cross_calls_this_cpu() {
    TN_TRY(set_priority(smp::k_call_sgi, k_default_priority));
    return enable(smp::k_call_sgi);
}

Result<void, Error> init_cross_calls() {
    TN_TRY(register_handler(smp::k_call_sgi, on_call_sgi, nullptr));
    return enable_cross_calls_this_cpu();
}

}  // namespace tn::irq

namespace tn::smp {

using irq::g_mailbox;
using irq::Mailbox;
using irq::serve_mailbox;

Result<void, Error> run_on(unsigned cpu, void (*fn)(void*), void* arg) {
    if (cpu >= k_max_cpus)
        return err(Error::BadCpu);
    irq::LocalGuard masked;
    if (cpu == this_cpu()) {
        fn(arg);
        return {};
    }
    if (!online(cpu))
        return err(Error::Offline);
    Mailbox& m = g_mailbox[cpu];
    while (__atomic_exchange_n(&m.busy, true, __ATOMIC_ACQUIRE))
        serve_mailbox();
    m.fn = fn;
    m.arg = arg;
    __atomic_store_n(&m.done, false, __ATOMIC_RELEASE);
    if (!irq::send_sgi(k_call_sgi, irq::SgiTarget::to(irq::CpuAffinity{mpidr(cpu)})).ok()) {
        __atomic_store_n(&m.busy, false, __ATOMIC_RELEASE);
        return err(Error::NoIpi);
    }
    while (!__atomic_load_n(&m.done, __ATOMIC_ACQUIRE))
        serve_mailbox();
    __atomic_store_n(&m.busy, false, __ATOMIC_RELEASE);
    return {};
}

}  // namespace tn::smp
