# Mortise figures under QEMU -icount (test/qemu/mortise-bench.test): 'bench'
# measures the null hypercall round trip (info.version), and both guests
# report the time from reset to their main() (the physical counter, which
# Mortise does not offset: under -icount, instructions since reset). Like
# every benchmark build (scripts/bench), the guests run without TN_ASSERT.
TN_GUESTS := bench other
TN_GUEST_bench_APP := test/apps/mortise-ctl
TN_GUEST_bench_CONFIG := CONFIG_MORTISE_CTL_BENCH=y CONFIG_LIBBOOT_REPORT_BOOT_TIME=y CONFIG_TN_ASSERT=n
TN_GUEST_other_APP := test/apps/ticker
TN_GUEST_other_CONFIG := CONFIG_TICKER_TICKS=3 CONFIG_TICKER_PERIOD_MS=10 CONFIG_TICKER_PATTERN_KIB=4 \
	CONFIG_LIBBOOT_REPORT_BOOT_TIME=y CONFIG_TN_ASSERT=n
