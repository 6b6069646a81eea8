# Mode-2 figures under QEMU -icount (scripts/bench's mode2-bench): 'bench'
# (priority 20) sleeps on its virtual timer every 5 ms and reports how late
# each wake-up is (mode2.wakeup_latency) while 'spin' (priority 5, CPU-bound)
# holds the CPU they share. Like every benchmark build, without TN_ASSERT.
# The image (defconfig) uses lib/tntimer's tickless mode: the WFI's timeout
# on CPU 1's own EL2 timer at the deadline (docs/mortise.md, "Mode 2").
TN_GUESTS := bench spin
TN_GUEST_bench_APP := test/apps/mode2-guest
TN_GUEST_bench_CONFIG := CONFIG_MODE2_GUEST_PERIODIC=y CONFIG_MODE2_GUEST_BENCH=y CONFIG_TN_ASSERT=n
TN_GUEST_spin_APP := test/apps/mode2-guest
TN_GUEST_spin_CONFIG := CONFIG_MODE2_GUEST_SPINNER=y CONFIG_MODE2_GUEST_SPIN_MS=1500 CONFIG_TN_ASSERT=n
