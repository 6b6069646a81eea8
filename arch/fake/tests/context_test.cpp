// The fake arch contract itself: contexts, IRQ masking, the counter.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <string>

#include <tn/arch/context.hpp>
#include <tn/arch/cpu.hpp>
#include <tn/arch/irqflags.hpp>

namespace arch = tn::arch;

namespace {

arch::Context g_main, g_a, g_b;
std::string g_trace;

[[noreturn]] void run_a(void* arg) {
    g_trace += static_cast<const char*>(arg);
    arch::switch_context(g_a, g_b);
    g_trace += "a2";
    arch::switch_context(g_a, g_main);
    abort();  // never resumed
}

[[noreturn]] void run_b(void*) {
    g_trace += "b1";
    arch::switch_context(g_b, g_a);
    abort();
}

TEST(FakeArch, ContextsRunOnTheirOwnStacksAndResumeWhereTheyLeft) {
    constexpr tn::u64 k_size = 256 * 1024;
    void* sa = aligned_alloc(4096, k_size);
    void* sb = aligned_alloc(4096, k_size);
    auto base_a = reinterpret_cast<tn::u64>(sa), base_b = reinterpret_cast<tn::u64>(sb);
    arch::init_context(g_a, run_a, const_cast<char*>("a1"), base_a, base_a + k_size);
    arch::init_context(g_b, run_b, nullptr, base_b, base_b + k_size);
    tn::u64 state = arch::irq_save();
    arch::switch_context(g_main, g_a);
    arch::irq_restore(state);
    EXPECT_EQ(g_trace, "a1b1a2");
    free(sa);
    free(sb);
}

TEST(FakeArch, IrqSaveRestoreNests) {
    arch::irq_enable();
    tn::u64 outer = arch::irq_save();
    tn::u64 inner = arch::irq_save();
    EXPECT_TRUE(arch::fake::g_irqs_masked);
    arch::irq_restore(inner);
    EXPECT_TRUE(arch::fake::g_irqs_masked);  // still inside the outer section
    arch::irq_restore(outer);
    EXPECT_FALSE(arch::fake::g_irqs_masked);
    arch::irq_disable();
}

TEST(FakeArch, OneCpuAndASettableCounter) {
    EXPECT_EQ(arch::cpu_index(), 0u);
    arch::fake::set_counter(1234);
    EXPECT_EQ(arch::read_counter(), 1234u);
}

TEST(FakeArchDeathTest, SwitchingWithIrqsUnmaskedAborts) {
    arch::irq_enable();
    EXPECT_DEATH(arch::switch_context(g_main, g_a), "IRQs unmasked");
    arch::irq_disable();
}

TEST(FakeArchDeathTest, WaitingWithNothingToWakeAborts) {
    EXPECT_DEATH(arch::wait_for_interrupt(), "nothing can interrupt");
}

}  // namespace
