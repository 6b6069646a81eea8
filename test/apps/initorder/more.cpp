#include <tn/console.hpp>
#include <tn/init.hpp>

namespace {

int lib_level() { tn_printf("init: lib\n"); return 0; }
int driver_level() {
    tn_printf("init: driver\n");
#ifdef CONFIG_INITORDER_FAIL
    return -19;
#else
    return 0;
#endif
}
int platform_level() { tn_printf("init: platform\n"); return 0; }

}  // namespace

TN_INIT(lib_level, TN_INIT_LIB);
TN_INIT(driver_level, TN_INIT_DRIVER);
TN_INIT(platform_level, TN_INIT_PLATFORM);
