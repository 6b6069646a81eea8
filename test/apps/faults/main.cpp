// Test application: performs one deliberately faulting operation, chosen in
// Kconfig. Reaching the end of main() is a test failure (exit status 0 is not
// what the boot tests expect).
#include <tn/console.hpp>
#include <tn/types.hpp>

namespace {

// Code that would return 0x2a if executed; lives in .data, so it must not run.
[[gnu::section(".data.faults_code"), gnu::used]] tn::u32 g_data_code[] = {0xd2800540 /* mov x0, #42 */,
                                                             0xd65f03c0 /* ret */};

[[gnu::noinline]] int target_function() { return 1; }

}  // namespace

int main() {
#if defined(CONFIG_FAULTS_UNDEFINED)
    tn_printf("faults: executing an undefined instruction\n");
    asm volatile("udf #0x1234");
#elif defined(CONFIG_FAULTS_WRITE_TEXT)
    tn_printf("faults: writing to text at %p\n", reinterpret_cast<void*>(&target_function));
    *reinterpret_cast<volatile tn::u32*>(&target_function) = 0;
#elif defined(CONFIG_FAULTS_EXEC_DATA)
    tn_printf("faults: jumping into data at %p\n", static_cast<void*>(g_data_code));
    auto fn = reinterpret_cast<int (*)()>(static_cast<void*>(g_data_code));
    tn_printf("data code returned %d\n", fn());
#elif defined(CONFIG_FAULTS_UNMAPPED)
    volatile tn::u64* p = reinterpret_cast<volatile tn::u64*>(tn::uptr{0x7ff0000000});
    tn_printf("faults: reading unmapped address %p\n", const_cast<tn::u64*>(p));
    tn_printf("read 0x%lx\n", *p);
#endif
    tn_printf("faults: no fault happened\n");
    return target_function() - 1;
}
