# Mode-2 hand-over figure under QEMU -icount (scripts/bench configuration
# mode2-ivc-bench, docs/benchmarks.md): test/apps/ivc-bench's ping-pong between
# 'bench' and 'echo', both mode-2 guests of one priority on CPU 1, so that
# every message hands the CPU to the other guest. Without TN_ASSERT.
TN_GUESTS := bench echo
TN_GUEST_bench_APP := test/apps/ivc-bench
TN_GUEST_bench_CONFIG := CONFIG_IVC_BENCH_MEASURE=y CONFIG_IVC_BENCH_MODE2=y CONFIG_IVC_BENCH_SAMPLES=1000 \
	CONFIG_TN_ASSERT=n
TN_GUEST_echo_APP := test/apps/ivc-bench
TN_GUEST_echo_CONFIG := CONFIG_IVC_BENCH_ECHO=y CONFIG_TN_ASSERT=n
