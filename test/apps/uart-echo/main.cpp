// Test application for console input (lib/console on the PL011's receive
// interrupt and ring buffer), run by test/qemu/uart-echo.test, which types
// into QEMU's serial port:
//
//   1. each line read is printed back as "echo: <line>", so bursts longer than
//      the hardware FIFO (a 200-byte line) must arrive whole and in order;
//   2. "pause" stops reading until the receive buffer has overflowed and the
//      line has gone quiet, then reports how many bytes were waiting (the
//      buffer size) and how many were dropped (the rest of the burst), and
//      discards the waiting ones;
//   3. "quit" prints the totals and exits with status 0 (1: the platform
//      installed no console input).
//
// Lines end at '\n' or '\r'; empty lines are ignored. Reading sleeps in WFI
// between interrupts (tn_getchar()), so a lost receive interrupt hangs the
// test until its timeout rather than being papered over by polling.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/irq.hpp>

namespace {

using namespace tn;

constexpr usize k_line_max = CONFIG_UART_ECHO_LINE_MAX;
constexpr u64 k_quiet_ns = u64{CONFIG_UART_ECHO_QUIET_MS} * 1'000'000;
constexpr u64 k_pause_limit_ns = u64{10'000} * 1'000'000;

struct Line {
    char text[k_line_max];
    usize length;  // bytes received, possibly more than were kept
};

bool equals(const Line& line, const char* s) {
    usize i = 0;
    for (; s[i]; ++i) {
        if (i >= line.length || line.text[i] != s[i])
            return false;
    }
    return i == line.length;
}

/// Reads the next non-empty line, waiting as long as it takes. False if the
/// platform installed no console input.
bool read_line(Line& line) {
    line.length = 0;
    for (;;) {
        int c = tn_getchar();
        if (c < 0)
            return false;
        if (c == '\n' || c == '\r') {
            if (line.length > 0)
                break;
            continue;
        }
        if (line.length < k_line_max - 1)
            line.text[line.length] = static_cast<char>(c);
        ++line.length;
    }
    usize kept = line.length < k_line_max - 1 ? line.length : k_line_max - 1;
    line.text[kept] = '\0';
    return true;
}

void echo(const Line& line) {
    if (line.length < k_line_max)
        tn_printf("echo: %s\n", line.text);
    else
        tn_printf("echo: %s [%lu bytes cut]\n", line.text, line.length - (k_line_max - 1));
}

// Leaves the buffer alone while the interrupt handler fills it: until it has
// dropped input and no more has been dropped for k_quiet_ns (a full buffer
// drops every further byte, so that means the burst is over).
void pause_until_overflow() {
    tn_printf("uart-echo: pausing until input overflows\n");
    irq::local_enable();  // the receive interrupt must be taken meanwhile
    u64 start = clock::now_ns();
    u64 dropped = console::input_dropped();
    u64 changed = start;
    bool overflowed = false;
    for (u64 now = start; now - start < k_pause_limit_ns; now = clock::now_ns()) {
        u64 d = console::input_dropped();
        if (d != dropped) {
            dropped = d;
            changed = now;
            overflowed = true;
        }
        if (overflowed && now - changed >= k_quiet_ns)
            break;
    }
    usize waiting = 0;
    while (tn_try_getchar() >= 0)
        ++waiting;
    tn_printf("uart-echo: resumed: %lu bytes were waiting, %lu dropped in all\n", waiting, dropped);
}

}  // namespace

int main() {
    tn_printf("uart-echo: ready\n");
    Line line;
    u32 echoed = 0;
    for (;;) {
        if (!read_line(line)) {
            tn_printf("uart-echo: no console input\n");
            return 1;
        }
        if (equals(line, "quit"))
            break;
        if (equals(line, "pause")) {
            pause_until_overflow();
            continue;
        }
        echo(line);
        ++echoed;
    }
    tn_printf("uart-echo: quit after %u lines echoed, %lu input bytes dropped\n", echoed, console::input_dropped());
    return 0;
}
