#include <tn/console.hpp>
#include <tn/spinlock.hpp>

#ifdef CONFIG_TN_SMP
// The CPU number straight from the arch: lib/boot's tn::smp sits above the
// console (it prints), so the console cannot use it.
#include <tn/arch/cpu.hpp>
#include <tn/arch/irqflags.hpp>
#endif

namespace tn::console {

namespace {

#ifdef CONFIG_TN_SMP
// One line at a time from each CPU: output holds a lock with IRQs masked.
// The lock is re-entrant per CPU, so a fault report raised while this CPU
// prints (or a nested print) still comes out instead of deadlocking.
Spinlock g_out_lock;
unsigned g_out_owner;  // CPU number + 1, 0 when free

class OutputLock {
public:
    OutputLock() {
        m_irq_state = arch::irq_save();
        unsigned me = arch::cpu_index() + 1;
        m_nested = __atomic_load_n(&g_out_owner, __ATOMIC_RELAXED) == me;
        if (!m_nested) {
            g_out_lock.lock();
            __atomic_store_n(&g_out_owner, me, __ATOMIC_RELAXED);
        }
    }
    ~OutputLock() {
        if (!m_nested) {
            __atomic_store_n(&g_out_owner, 0u, __ATOMIC_RELAXED);
            g_out_lock.unlock();
        }
        arch::irq_restore(m_irq_state);
    }
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

private:
    u64 m_irq_state;
    bool m_nested;
};
#else
struct OutputLock {
    OutputLock() {}  // one CPU: writes cannot interleave
};
#endif

fmt::Put g_sink;
void* g_sink_ctx;
Source g_source;

void put_console(char c, void*) {
    if (!g_sink)
        return;
    if (c == '\n')
        g_sink('\r', g_sink_ctx);
    g_sink(c, g_sink_ctx);
}

}  // namespace

void set_sink(fmt::Put put, void* ctx) {
    g_sink_ctx = ctx;
    g_sink = put;
}

void write(const char* s, usize n) {
    OutputLock held;
    for (usize i = 0; i < n; ++i)
        put_console(s[i], nullptr);
}

void set_source(const Source& source) { g_source = source; }

int try_getc() { return g_source.try_get ? g_source.try_get(g_source.ctx) : -1; }

int wait_getc() {
    if (!g_source.try_get)
        return -1;
    for (;;) {
        int c = g_source.try_get(g_source.ctx);
        if (c >= 0)
            return c;
        if (g_source.wait)
            g_source.wait(g_source.ctx);
    }
}

u64 input_dropped() { return g_source.dropped ? g_source.dropped(g_source.ctx) : 0; }

}  // namespace tn::console

using namespace tn;

extern "C" int tn_vprintf(const char* fmt, va_list ap) {
    console::OutputLock held;
    return static_cast<int>(fmt::vformat_to(console::put_console, nullptr, fmt, ap));
}

extern "C" int tn_printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = tn_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

extern "C" int tn_puts(const char* s) {
    usize n = 0;
    while (s[n])
        ++n;
    console::OutputLock held;
    console::write(s, n);
    console::write("\n", 1);
    return static_cast<int>(n + 1);
}

extern "C" int tn_snprintf(char* buf, size_t size, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    usize n = fmt::vformat(buf, size, fmt, ap);
    va_end(ap);
    return static_cast<int>(n);
}

extern "C" int tn_getchar(void) { return console::wait_getc(); }

extern "C" int tn_try_getchar(void) { return console::try_getc(); }
