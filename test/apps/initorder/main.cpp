// Test application: init functions registered at scrambled levels in two
// source files run in level order, before main().
#include <tn/console.hpp>
#include <tn/init.hpp>

namespace {

int app_level() { tn_printf("init: app\n"); return 0; }
int early_level() { tn_printf("init: early\n"); return 0; }

}  // namespace

TN_INIT(app_level, TN_INIT_APP);
TN_INIT(early_level, TN_INIT_EARLY);

int main() {
    tn_printf("main\n");
    return 0;
}
