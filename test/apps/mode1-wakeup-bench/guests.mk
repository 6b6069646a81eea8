# The baseline of mode2.wakeup_latency (scripts/bench's mode1-wakeup): the
# same periodic 'bench' instance as test/apps/mode2-bench, but alone on its
# CPU in mode 1, so its wake-up has no vCPU switch and no EL2 scheduling in
# it: the virtual timer's interrupt taken at EL2 and injected on the lean
# path, and the guest's own interrupt entry (mode1.wakeup_latency).
TN_GUESTS := bench
TN_GUEST_bench_APP := test/apps/mode2-guest
TN_GUEST_bench_CONFIG := CONFIG_MODE2_GUEST_PERIODIC=y CONFIG_MODE2_GUEST_BENCH=y \
	CONFIG_MODE2_GUEST_BENCH_METRIC=\"mode1.wakeup_latency\" CONFIG_TN_ASSERT=n
