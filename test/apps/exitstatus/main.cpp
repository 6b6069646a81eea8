// Test application: static constructors run before main(), and main()'s return
// value reaches the platform's power-off report.
#include <tn/console.hpp>

namespace {

int g_constructed;

struct RunsBeforeMain {
    RunsBeforeMain() { g_constructed = 42; }
} g_runs_before_main;

}  // namespace

int main() {
    tn_printf("constructor ran: %s\n", g_constructed == 42 ? "yes" : "no");
    tn_printf("returning %d\n", CONFIG_EXITSTATUS_VALUE);
    return CONFIG_EXITSTATUS_VALUE;
}
