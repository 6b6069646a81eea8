// Test application: a thread (or main()) recurses until its stack runs into
// the unmapped guard below it. The fault must be reported from the CPU's
// exception stack, naming the overflow and the thread; reaching the end of
// main() is a test failure.
#include <tn/console.hpp>
#include <tn/types.hpp>
#ifdef CONFIG_STACK_OVERFLOW_THREAD
#include <tn/sched.hpp>
#endif

namespace {

// Never reached; volatile, so the recursion is neither infinite to the
// compiler (-Winfinite-recursion) nor turned into a loop.
volatile unsigned g_limit = ~0u;

}  // namespace

// Each call keeps 256 bytes live across the next, so every level costs stack.
extern "C" [[gnu::noinline]] unsigned stack_overflow_recurse(unsigned depth) {
    volatile char frame[256];
    frame[depth % sizeof frame] = static_cast<char>(depth);
    if (depth == g_limit)
        return 0;
    return stack_overflow_recurse(depth + 1) + frame[depth % sizeof frame];
}

#ifdef CONFIG_STACK_OVERFLOW_THREAD
namespace {

#ifdef CONFIG_STACK_OVERFLOW_UNMAPPED_NAME
// Not mapped: the fault report faults when it reads the name.
const char* const k_name = reinterpret_cast<const char*>(tn::uptr{0x7ff0000000});
#else
const char* const k_name = "deep-recursion";
#endif

void deep(void*) {
#ifdef CONFIG_STACK_OVERFLOW_UNMAPPED_NAME
    tn_printf("stack-overflow: thread with an unmapped name on CPU %u recursing\n",
              static_cast<unsigned>(CONFIG_STACK_OVERFLOW_CPU));
#else
    tn_printf("stack-overflow: thread \"%s\" on CPU %u recursing\n", tn::sched::name(tn::sched::current()),
              static_cast<unsigned>(CONFIG_STACK_OVERFLOW_CPU));
#endif
    tn_printf("stack-overflow: recursion ended at %u\n", stack_overflow_recurse(0));
}

}  // namespace

int main() {
    tn::sched::ThreadAttr attr;
    attr.name = k_name;
    attr.stack_size = CONFIG_STACK_OVERFLOW_STACK_SIZE;
    attr.cpu = CONFIG_STACK_OVERFLOW_CPU;
    auto t = tn::sched::create(attr, deep, nullptr);
    if (!t.ok()) {
        tn_printf("stack-overflow: cannot create the thread: %s\n", tn::sched::error_name(t.error()));
        return 1;
    }
    (void)tn::sched::join(t.value());
    tn_printf("stack-overflow: the thread returned\n");
    return 1;
}
#else
int main() {
    tn_printf("stack-overflow: main recursing on the boot stack\n");
    tn_printf("stack-overflow: recursion ended at %u\n", stack_overflow_recurse(0));
    return 1;
}
#endif
